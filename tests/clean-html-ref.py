#!/usr/bin/python3
# clean-html-ref.py - documents for clean-html, and the reference it is
# compared with.
#
#   clean-html-ref.py gen N SEED        N documents as JSONL samples
#   clean-html-ref.py gen-script N SEED N documents whose scripts hold
#                                       comments, nested script tags...
#   clean-html-ref.py gen-entities N SEED
#                                       N texts of HTML5's named references,
#                                       cut short, without ';', run on...
#   clean-html-ref.py check [scripts] IN OUT
#                                       compares the texts of OUT (clean-html
#                                       of IN) with the reference; prints
#                                       the differences, exits 1 on any
#
# The reference is Data-Juicer's clean_html_mapper with html5lib (Debian's
# python3-html5lib) in the place of selectolax: both build the HTML5 tree
# with scripting off, and text() is the text of the body. Data-Juicer keeps
# the text of script and style elements in the body (scripts=true); dm's
# default drops it.
#
# Left out of the documents, where html5lib is no stand-in for selectolax
# (Modest) or where dm's one pass does not follow the tree builder:
# template (html5lib has no template contents), frameset, tables (text
# moved out of a table, "foster parenting"), select, svg and math, NUL
# characters, plaintext, and a "<li>" or "</li>"
# that Data-Juicer's replacements would turn into a tag with what surrounds
# it ("<</li>b>"). A newline that follows <pre>, <listing> or <textarea>
# after markup ("<pre></b>\n") or as a reference ("<pre>&#10;") is dropped
# by html5lib, which looks at the element's content rather than at the
# next token as HTML5 says; dm drops only the newline right after the tag,
# and such documents are left out too.

import json
import random
import sys

import html5lib

REPLACEMENTS = (("<li>", "\n*"), ("</li>", ""), ("<ol>", "\n*"),
                ("</ol>", ""))


def reference(text, scripts):
    for old, new in REPLACEMENTS:
        text = text.replace(old, new)
    body = html5lib.parse(text, namespaceHTMLElements=False).find("body")
    if body is None:
        return ""
    # not itertext(): the C ElementTree's gives the text of comments
    skip = () if scripts else ("script", "style")
    out = []

    def walk(el):
        if el.text:
            out.append(el.text)
        for child in el:
            # comments have a function for a tag; their tail is text
            if isinstance(child.tag, str) and \
                    child.tag not in skip:
                walk(child)
            if child.tail:
                out.append(child.tail)

    walk(body)
    return "".join(out)


# ---- documents ----

ENTITIES = ["&amp;", "&lt;", "&gt;", "&quot;", "&nbsp;", "&copy;",
            "&eacute;", "&hellip;", "&mdash;", "&#72;", "&#x49;", "&#169",
            "&copy2021", "&notit;", "&euro;", "&bogus;", "AT&T", "&#32;",
            "&#x20;"]
WORDS = ["alpha", "beta", "gamma", "delta", "测试", "文本", "café", "😀",
         "a < b", "3<4", "x", "Hello", "world"]
SPACE = [" ", "\n", "\t", "  ", "\n\n", "\r\n", " \n ", "\r"]


def pick(r, xs):
    return xs[r.randrange(len(xs))]


def case(r, name):
    k = r.randrange(8)
    if k == 0:
        return name.upper()
    if k == 1:
        return name.capitalize()
    return name


def ws(r):
    return "".join(pick(r, SPACE) for _ in range(r.randrange(3)))


def words(r):
    parts = []
    for _ in range(1 + r.randrange(4)):
        k = r.randrange(6)
        if k == 0:
            parts.append(pick(r, ENTITIES))
        else:
            parts.append(pick(r, WORDS))
        parts.append(pick(r, [" ", "", "\n", " "]))
    return "".join(parts)


def comment(r):
    return pick(r, ["<!-- c -->", "<!---->", "<!-- <p>no</p> -->",
                    "<?php x ?>", "<!x>"])


def head_item(r, in_noscript=False):
    k = r.randrange(11 if not in_noscript else 6)
    if k == 0:
        return "<%s charset=utf-8>" % case(r, "meta")
    if k == 1:
        return '<%s rel="stylesheet" href="a.css">' % case(r, "link")
    if k == 2:
        return "<%s>p { color: red } /* <b>x</b> */</%s>" % (
            case(r, "style"), case(r, "style"))
    if k == 3:
        return comment(r)
    if k == 4:
        return ws(r)
    if k == 5:
        return "<basefont><bgsound src=x>"
    if k == 6:
        return "<%s>%s</%s>" % (case(r, "title"), words(r), case(r, "title"))
    if k == 7:
        return '<%s>var s = "<p>no</p>" + 1 && 2;</%s>' % (
            case(r, "script"), case(r, "script"))
    if k == 8:
        return '<base href="/">'
    if k == 9:
        return "<noframes><p>frames</p></noframes>"
    # noscript in the head: head elements, or something that ends it
    inner = "".join(head_item(r, True) for _ in range(r.randrange(3)))
    if r.randrange(3) == 0:
        inner += pick(r, ["<p>ns</p>", "ns text", "<b>ns</b>"])
    return "<%s>%s</%s>" % (case(r, "noscript"), inner, case(r, "noscript"))


def flow(r, depth=0):
    k = r.randrange(17 if depth < 3 else 6)
    if k <= 1:
        return words(r)
    if k == 2:
        return ws(r)
    if k == 3:
        return comment(r)
    if k == 4:
        return "<br>"
    if k == 5:
        return pick(r, ["<img src=x alt='a>b'>", "<hr/>", "<a href=\"#\">",
                        "</a>", "</p>", "</span>"])
    if k == 6:
        return "<%s>%s</%s>" % (case(r, "p"), flow(r, depth + 1), case(r, "p"))
    if k == 7:
        return "<div class=x>%s%s</div>" % (flow(r, depth + 1),
                                           flow(r, depth + 1))
    if k == 8:
        return "<b>%s</b><i>%s</i>" % (flow(r, depth + 1), words(r))
    if k == 9:
        items = "".join("<li>%s</li>%s" % (flow(r, depth + 1), ws(r))
                        for _ in range(1 + r.randrange(3)))
        return pick(r, ["<ul>%s</ul>", "<ol>%s</ol>", "%s"]) % items
    if k == 10:
        return "<%s>%s</%s>" % (case(r, "script"),
                                 pick(r, ["f(1 < 2);", "a&amp;b", "<b>x</b>",
                                          "\n  x\r\n"]),
                                 case(r, "script"))
    if k == 11:
        return "<style>%s</style>" % pick(r, ["b{}", "a > b {}", "\n"])
    if k == 12:
        return "<%s>%s</%s>" % (case(r, "title"), words(r), case(r, "title"))
    if k == 13:
        return "<textarea>%s%s</textarea>" % (pick(r, ["", "\n", "\r\n"]),
                                              words(r))
    if k == 14:
        return "<pre>%s%s</pre>" % (pick(r, ["", "\n", "\n\n", "<li>"]),
                                    words(r))
    if k == 15:
        return "<noscript>%s</noscript>" % flow(r, depth + 1)
    return "<%s>%s</%s>" % (pick(r, ["xmp", "iframe", "noembed",
                                      "noframes"]),
                            pick(r, ["<b>x</b>", "a &amp; b", "t"]),
                            pick(r, ["xmp", "iframe", "noembed", "noframes"]))


def document(r):
    d = []
    if r.randrange(4) == 0:
        d.append(pick(r, [" \n", "lead ", "&nbsp;", "&#32;", "<"]))
    if r.randrange(3) == 0:
        d.append(pick(r, ["<!DOCTYPE html>", "<!doctype html>\n"]))
    if r.randrange(4) == 0:
        d.append(comment(r) + ws(r))
    if r.randrange(3):
        d.append(pick(r, ["<html>", "<HTML lang=en>", "<html>\n"]))
    d.append(ws(r))
    if r.randrange(3):
        d.append(pick(r, ["<head>", "<HEAD>", "<head>\n"]))
    for _ in range(r.randrange(5)):
        d.append(head_item(r))
        d.append(ws(r))
    if r.randrange(3):
        d.append(pick(r, ["</head>", "</HEAD>", "</head>\n"]))
    # between the head and the body
    for _ in range(r.randrange(3)):
        d.append(pick(r, [ws(r), "<meta name=a>", comment(r),
                          "<title>late</title>", "<script>late()</script>",
                          "<style>b{}</style>", "</p>", "</div>", "<head>"]))
    if r.randrange(3):
        d.append(pick(r, ["<body>", "<body class=x>", "<BODY>\n", "</br>",
                          "</body>", "</html>"]))
    for _ in range(r.randrange(6)):
        d.append(flow(r))
    if r.randrange(2):
        d.append(pick(r, ["</body>", "</BODY>\n"]))
    if r.randrange(3) == 0:
        d.append(pick(r, [" after body ", "\n", comment(r), "<p>late</p>"]))
    if r.randrange(2):
        d.append(pick(r, ["</html>", "</html>\n"]))
    if r.randrange(3) == 0:
        d.append(pick(r, [" after html", "\n", comment(r), "<b>x</b>",
                          "<script>s()</script>"]))
    return "".join(d)


# the pieces of a script's text that move the tokenizer between the
# script data states: "<!--" escapes, "<script" double escapes...
SCRIPT_BITS = ["<!--", "-->", "--", "-", "<", ">", "<!", "!", "/", "<script>",
               "<script ", "<SCRIPT>", "<script/", "</script", "</script>",
               "</script >", "</SCRIPT/>", "<scripts>", "</scriptx>", "<b>",
               "</b>", "x", " ", "\n", "document.write(\"", "\");", "//",
               "&amp;", "\r\n"]


def script_document(r):
    d = [pick(r, ["", "<p>before</p>", "<head>", "lead "])]
    for _ in range(1 + r.randrange(2)):
        d.append(pick(r, ["<script>", "<SCRIPT type=text/javascript>",
                          "<script src=x>"]))
        d.append("".join(pick(r, SCRIPT_BITS)
                         for _ in range(r.randrange(12))))
        d.append(pick(r, ["</script>", "</SCRIPT>", "</script >", ""]))
        d.append(pick(r, ["<p>after</p>", " after ", "", "\n<b>x</b>"]))
    return "".join(d)


def entity_document(r):
    import html.entities
    names = sorted(html.entities.html5)
    d = [pick(r, ["", "<p>", "<title>t</title>", " "])]
    for _ in range(1 + r.randrange(6)):
        name = pick(r, names)
        k = r.randrange(6)
        if k == 0:      # cut short
            name = name[:1 + r.randrange(len(name))]
        elif k == 1:    # its ';' dropped
            name = name.rstrip(";")
        elif k == 2:    # run on into a word
            name = name.rstrip(";") + pick(r, ["a", "it", "2021", "x;", ";"])
        elif k == 3:    # another case
            name = name.upper() if r.randrange(2) else name.capitalize()
        d.append("&" + name)
        d.append(pick(r, ["", " ", "x", "<b>", "&", "\n", "é"]))
    return "".join(d)


def gen(n, seed, document=document):
    r = random.Random(seed)
    for i in range(n):
        print(json.dumps({"id": i, "text": document(r)}, ensure_ascii=False))


def check(scripts, inpath, outpath):
    bad = 0
    with open(inpath, encoding="utf-8") as fin, \
            open(outpath, encoding="utf-8") as fout:
        for line_in, line_out in zip(fin, fout):
            text = json.loads(line_in)["text"]
            got = json.loads(line_out)["text"]
            want = reference(text, scripts)
            if got != want:
                bad += 1
                if bad <= 10:
                    print("in:   %s\ngot:  %s\nwant: %s\n" % (
                        json.dumps(text, ensure_ascii=False),
                        json.dumps(got, ensure_ascii=False),
                        json.dumps(want, ensure_ascii=False)))
    if bad:
        print("%d differ" % bad)
    return 1 if bad else 0


def main():
    args = sys.argv[1:]
    if args[:1] == ["gen"]:
        gen(int(args[1]), int(args[2]))
        return 0
    if args[:1] == ["gen-entities"]:
        gen(int(args[1]), int(args[2]), entity_document)
        return 0
    if args[:1] == ["gen-script"]:
        gen(int(args[1]), int(args[2]), script_document)
        return 0
    if args[:1] == ["check"]:
        scripts = args[1:2] == ["scripts"]
        rest = args[2:] if scripts else args[1:]
        return check(scripts, rest[0], rest[1])
    sys.stderr.write("usage: clean-html-ref.py gen N SEED | "
                     "gen-script N SEED | gen-entities N SEED | "
                     "check [scripts] IN OUT\n")
    return 2


if __name__ == "__main__":
    sys.exit(main())
