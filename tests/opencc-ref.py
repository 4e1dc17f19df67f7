#!/usr/bin/env python3
# opencc-ref.py - chinese-convert against the opencc command, mode by mode
#
# Usage: opencc-ref.py N SEED MODE...
# Makes N random texts (seeded) from the phrases of OpenCC's own
# dictionaries (simplified, traditional, Taiwan, Hong Kong and Japanese
# forms, both sides of each entry) mixed with ASCII, emoji, other scripts,
# white space and newlines, some empty; converts them with
# `dm-map 'chinese-convert mode=MODE'` and with `opencc -c MODE.json` (the
# same library, Debian's opencc), and prints one line a mode, "MODE: N
# same, C changed", or the first texts that differ, exiting 1.
#
# The opencc command converts one file of all the texts, separated by
# U+001E: no key of a dictionary holds a control character, so no phrase
# spans a separator and each part is the conversion of one text (the
# first texts of each mode are also converted one at a time, to check
# that). dm-map reads them as JSONL samples, half with \u escapes.
import json
import os
import random
import subprocess
import sys
import tempfile

OCC = os.environ.get("DM_OPENCC_DIR", "/usr/share/opencc")
SEP = "\x1e"
ONEBYONE = 8

ASCII = ["the", "quick", "fox", "Hello, world!", "3.14", "AT&T", "U", "SQL",
         "PN", "e-mail", "x86_64", "(a)", "{\"k\": 1}", "\\", "  ", "\t"]
OTHER = ["😀", "👨‍👩‍👧", "🇹🇼", "é", "e\u0301", "Ω", "ß", "Привет", "한국어",
         "カタカナ", "ひらがな", "ｶﾀｶﾅ", "，", "。", "「", "」", "\u3000",
         "\u200b", "\ufeff", "𠮷", "𩸽", "\u00a0", "\x7f", "\x01"]
WS = [" ", "\n", "\r\n", "\n\n", "\t", "\r"]


def phrases():
    """Keys and values of every dictionary (opencc_dict's text form)."""
    out = set()
    tmp = tempfile.mkdtemp()
    for f in sorted(os.listdir(OCC)):
        if not f.endswith(".ocd2"):
            continue
        txt = os.path.join(tmp, f + ".txt")
        subprocess.run(["opencc_dict", "-i", os.path.join(OCC, f), "-o", txt,
                        "-f", "ocd2", "-t", "text"], check=True)
        with open(txt, encoding="utf-8") as fp:
            for line in fp:
                k, _, v = line.rstrip("\n").partition("\t")
                out.add(k)
                out.update(v.split(" "))
    out.discard("")
    return sorted(out)


def text(rng, pool):
    if rng.random() < 0.04:
        return ""
    parts = []
    for _ in range(rng.randint(1, 30)):
        r = rng.random()
        if r < 0.55:
            parts.append(rng.choice(pool))
        elif r < 0.7:
            # a phrase run into the next: matches across the seam
            parts.append(rng.choice(pool) + rng.choice(pool))
        elif r < 0.8:
            parts.append(rng.choice(ASCII))
        elif r < 0.9:
            parts.append(rng.choice(OTHER))
        else:
            parts.append(rng.choice(WS))
    return "".join(parts)


def opencc(mode, data):
    return subprocess.run(["opencc", "-c", os.path.join(OCC, mode + ".json")],
                          input=data.encode(), stdout=subprocess.PIPE,
                          check=True).stdout.decode()


def main():
    n, seed, modes = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
    rng = random.Random(seed)
    pool = phrases()
    texts = [text(rng, pool) for _ in range(n)]
    lines = "".join(json.dumps({"id": i, "text": t}, ensure_ascii=i % 2 == 0)
                    + "\n" for i, t in enumerate(texts))
    bad = 0
    for mode in modes:
        ref = opencc(mode, SEP.join(texts)).split(SEP)
        if len(ref) != n:
            print(f"{mode}: opencc gave {len(ref)} parts of {n}")
            return 1
        for i in range(ONEBYONE):
            if opencc(mode, texts[i]) != ref[i]:
                print(f"{mode}: text {i} alone differs from its part")
                return 1
        got = subprocess.run(["dm-map", "chinese-convert mode=" + mode],
                             input=lines.encode(), stdout=subprocess.PIPE,
                             check=True).stdout.decode().splitlines()
        got = [json.loads(g)["text"] for g in got]
        diff = [i for i in range(n) if got[i] != ref[i]]
        for i in diff[:3]:
            print(f"{mode}: text {i}: {texts[i]!r}\n  dm:     {got[i]!r}\n"
                  f"  opencc: {ref[i]!r}")
        bad += len(diff) > 0
        changed = sum(ref[i] != texts[i] for i in range(n))
        if not diff:
            print(f"{mode}: {n} same, {changed} changed")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
