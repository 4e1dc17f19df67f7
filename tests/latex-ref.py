#!/usr/bin/python3
# latex-ref.py - Data-Juicer's LaTeX mappers (remove_header_mapper,
# remove_comments_mapper, remove_bibliography_mapper, expand_macro_mapper),
# as a reference for dm-recipe's tests (tests/dm-recipe.bats)
#
# usage: latex-ref.py corpus N SEED > in.jsonl
#        latex-ref.py dense N SEED > in.jsonl
#        latex-ref.py check RECIPE IN.jsonl DM.jsonl
#
# corpus writes N LaTeX-like texts, chosen from the pieces below with the
# random generator seeded with SEED, after the hand-written cases; dense
# writes N texts of the bare pieces of headings, brackets and macros, which
# meet in more ways. Each sample has an "id", its line number. check
# runs the process of the Data-Juicer recipe RECIPE (these four mappers and
# text_length_filter) over IN.jsonl as Data-Juicer's process_batched does,
# compares each sample with the line of DM.jsonl, and prints "N samples
# agree", or each difference and exits 1. The mappers are Data-Juicer's
# data_juicer/ops/mapper/*.py written again with the module it imports,
# regex, called the same way, quirks kept: remove_header_mapper's text
# without a heading is never stored, whatever drop_no_head says.
import json
import random
import sys

import regex as re
import yaml


def remove_header(texts, drop_no_head=True):
    pattern = r"^(.*?)("
    pattern += r"\\\bchapter\b\*?(?:\[(.*?)\])?\{(.*?)\}|"
    pattern += r"\\\bpart\b\*?(?:\[(.*?)\])?\{(.*?)\}|"
    pattern += r"\\\bsection\b\*?(?:\[(.*?)\])?\{(.*?)\}|"
    pattern += r"\\\bsubsection\b\*?(?:\[(.*?)\])?\{(.*?)\}|"
    pattern += r"\\\bsubsubsection\b\*?(?:\[(.*?)\])?\{(.*?)\}|"
    pattern += r"\\\bparagraph\b\*?(?:\[(.*?)\])?\{(.*?)\}"
    pattern += r"\\\bsubparagraph\b\*?(?:\[(.*?)\])?\{(.*?)\}"
    pattern += r")"
    for idx, text in enumerate(texts):
        if not re.search(pattern, text, flags=re.DOTALL):
            if drop_no_head:
                text = ""
            continue
        texts[idx] = re.sub(pattern=pattern, repl=r"\2", string=text,
                            flags=re.DOTALL)


def remove_comments(texts, doc_type="tex", inline=True, multiline=True):
    for idx, text in enumerate(texts):
        if inline:
            text = re.sub(pattern=r"[^\\]%.+$", repl=r"", string=text,
                          flags=re.MULTILINE)
        if multiline:
            text = re.sub(pattern=r"(?m)^%.*\n?", repl=r"", string=text,
                          flags=re.MULTILINE)
        texts[idx] = text


def remove_bibliography(texts):
    pattern = r"(\\appendix|"
    pattern += r"\\begin\{references\}|"
    pattern += r"\\begin\{REFERENCES\}|"
    pattern += r"\\begin\{thebibliography\}|"
    pattern += r"\\bibliography\{.*\}"
    pattern += r").*$"
    for idx, text in enumerate(texts):
        texts[idx] = re.sub(pattern=pattern, repl=r"", string=text,
                            flags=re.DOTALL)


def macros_of(text):
    nc = re.compile(r"\\\bnewcommand\b\*?\{(\\[a-zA-Z0-9]+?)\}\{(.*?)\}$",
                    flags=re.MULTILINE)
    df = re.compile(r"\\def\s*(\\[a-zA-Z0-9]+?)\s*\{(.*?)\}$",
                    flags=re.MULTILINE)
    macros = {}
    for reg in [nc, df]:
        for m in reg.finditer(text):
            name = m.group(1).encode("unicode-escape").decode("utf-8")
            val = m.group(2).encode("unicode-escape").decode("utf-8")
            macros[name] = val
    return macros


def expand_macro(texts):
    for idx, text in enumerate(texts):
        for name, val in macros_of(text).items():
            text = re.sub(pattern=r"(" + name + r")" + r"([^a-zA-Z0-9])",
                          repl=val + r"\2", string=text)
        texts[idx] = text


def text_length(texts, min_len=10, max_len=sys.maxsize):
    return [min_len <= len(t) <= max_len for t in texts]


MAPPERS = {
    "remove_header_mapper": remove_header,
    "remove_comments_mapper": remove_comments,
    "remove_bibliography_mapper": remove_bibliography,
    "expand_macro_mapper": expand_macro,
}

# Hand-written cases: each quirk once.
CASES = [
    "",
    "no header, no macro",
    "intro\n\\section{Intro}\nbody",
    "title\n\\chapter*{One}\ntext \\section{Two}",
    "a\\part[short]{Long part}\nb",
    "x \\subsection*[s]{t} y",
    "x \\subsubsection{deep\nline} y",
    "x \\paragraph{p} y",
    "x \\subparagraph{sp} y",
    "x \\paragraph{p}\\subparagraph{sp} y",
    "x \\paragraph{p} z }\\subparagraph{sp} y",
    "x \\sections{no} \\sectionx{no} \\section y",
    "x \\section[unclosed{a} y",
    "50\\% of it % a comment\nnext",
    "% at the start\nline\n%another\n% last",
    "a%\nb %x\n\\\\%y\n%\n",
    "line\r\n% crlf comment\r\nx % y\r\n",
    "body \\bibliography{refs} tail\nmore",
    "body \\bibliography{a}\n\\bibliography{b} end\n",
    "body\n\\appendix\n\\section{A}",
    "body \\begin{thebibliography}{9} \\bibitem{x}",
    "body \\begin{references} x",
    "body \\begin{REFERENCES}\n",
    "body \\begin{References} stays",
    "\\newcommand{\\R}{\\mathbb{R}}\nx \\R, \\Rb and \\R\\R.\n\\R",
    "\\newcommand{\\R}{r}\n\\newcommand{\\Rb}{rb}\n\\Rb \\R \\Rb\n",
    "\\newcommand*{\\N}{\\mathbb{N}}\n\\N\n",
    "\\def\\eps{\\varepsilon}\n\\eps{} \\eps",
    "\\def \\x {y}\n\\def\n\\w\n{ww}\n\\x \\w ",
    "\\def\\y{a}b}\n\\y.",
    "\\newcommand{\\v}{é 中文 😀}\n\\v\\v é\\vé",
    "\\newcommand{\\t}{\ttab\\t \\1 \\g<0> $1 $$ \\\\}\n\\t.",
    "\\newcommand{\\d}{1}\n\\def\\d{2}\n\\newcommand{\\e}{\\d}\n\\e \\d.",
    "\\newcommand{\\a}{x} % comment\n\\a.",
    "\\newcommand{\\a}{x}\r\n\\a.",
    "\\newcommand{\\end}{E}",
    "\\newcommand{\\q}{}\n[\\q]\n",
    "\\def\\z{\x01\x7f\u0085\u2028}\n\\z,",
    "%\\newcommand{\\c}{C}\n\\c.",
]

PIECES = [
    "\\section{Intro}", "\\section*{Star}", "\\section[s]{Long}",
    "\\chapter{C}", "\\part*{P}", "\\subsection{S}", "\\subsubsection*[a]{b}",
    "\\paragraph{p}", "\\subparagraph{q}", "\\paragraph{p}\\subparagraph{q}",
    "\\sectionx{no}", "\\section", "{", "}", "[", "]",
    "text", "more words", "é", "中文", "😀", " ", "\n", "\n\n", "\r\n", "\t",
    "% comment", "%", "\\%", "\\\\%", "50\\% off", "x%y", "\n%line\n",
    "\\bibliography{refs}", "\\appendix", "\\begin{thebibliography}",
    "\\begin{references}", "\\begin{REFERENCES}", "\\bibitem{k}",
    "\\newcommand{\\R}{\\mathbb{R}}\n", "\\newcommand{\\Rb}{rb}\n",
    "\\newcommand*{\\N}{N}\n", "\\def\\eps{\\epsilon}\n",
    "\\def \\R {real}\n", "\\newcommand{\\u}{ü\\\\ü}\n",
    "\\newcommand{\\n}{a}b}\n", "\\def\\w\n{W}\n", "\\newcommand{\\x}{\\y}\n",
    "\\def\\y{Y}\n", "\\newcommand{\\x}{X2}",
    "\\R", "\\R ", "\\R\\R", "\\Rb", "\\Rbc", "\\N.", "\\eps", "\\u,",
    "\\n!", "\\w;", "\\x", "\\y", "\\x\n", "$1", "\\1", "\\g<0>",
]


DENSE = [
    "\\paragraph", "\\subparagraph", "\\section", "\\part", "\\chapter",
    "\\subsubsection", "*", "[", "]", "{", "}", "]{", "}\\subparagraph",
    "x", " ", "\n", "é", "\\", "\\newcommand{\\a}{b}\n",
    "\\def\\b {c}\n", "\\a", "\\b", "%", "\\%", "\n%",
]


def dense(n, seed):
    rnd = random.Random(seed)
    for _ in range(n):
        yield "".join(rnd.choice(DENSE) for _ in range(rnd.randint(0, 25)))


def corpus(n, seed):
    rnd = random.Random(seed)
    for text in CASES:
        yield text
    for _ in range(n):
        yield "".join(rnd.choice(PIECES)
                      for _ in range(rnd.randint(1, 14)))


def check(recipe, inpath, dmpath):
    ops = yaml.safe_load(open(recipe))["process"]
    samples = [json.loads(line) for line in open(inpath)]
    texts = [s["text"] for s in samples]
    for item in ops:
        (name, args), = item.items()
        args = args or {}
        if name == "text_length_filter":
            keep = text_length(texts, **args)
            samples = [s for s, k in zip(samples, keep) if k]
            texts = [t for t, k in zip(texts, keep) if k]
        else:
            MAPPERS[name](texts, **args)
    got = [json.loads(line) for line in open(dmpath)]
    bad = 0
    if len(got) != len(samples):
        print(f"{len(got)} samples from dm, {len(samples)} from the "
              f"reference")
        bad = 1
    for i, (s, t, g) in enumerate(zip(samples, texts, got)):
        if s.get("id") != g.get("id") or t != g.get("text"):
            print(f"sample {s.get('id')}: input {s['text']!r}\n"
                  f"  want {t!r}\n  got  {g.get('text')!r}")
            bad = 1
    if bad:
        sys.exit(1)
    print(f"{len(samples)} samples agree")


def main():
    if len(sys.argv) == 4 and sys.argv[1] in ("corpus", "dense"):
        gen = corpus if sys.argv[1] == "corpus" else dense
        for i, text in enumerate(gen(int(sys.argv[2]), int(sys.argv[3]))):
            print(json.dumps({"id": i, "text": text}, ensure_ascii=False))
    elif len(sys.argv) == 5 and sys.argv[1] == "check":
        check(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        sys.exit("usage: latex-ref.py corpus|dense N SEED | "
                 "check RECIPE IN DM")


main()
