#!/usr/bin/env bats
# text-simd.bats - the text operators that look only at the bytes that may
# start a character they change (src/byteset.c): each such character at
# every offset of a 32-byte block and across block ends, among ASCII and
# other multi-byte text (Korean, kana, whose lead bytes are near the set's),
# gives what Python computes, under every level DM_SIMD can choose.

load helper

levels="avx2 sse2 none"

# gen OP: writes in.jsonl (one sample per character and offset) and
# want.txt (the texts Python makes of them, as JSON strings, one a line)
gen() {
	/usr/bin/python3 - "$1" <<'EOT'
import html, json, sys

op = sys.argv[1]
fill = "ab 가나 かな é\u00e9 xyz-\u30a2\u30a4 0123 " * 4
if op == "remove-invisible":
    chars = [chr(c) for c in range(0x20) if c not in (9, 10, 13)]
    chars += [chr(c) for c in range(0x7f, 0xa0)]
    chars += [chr(c) for c in range(0x200b, 0x2010)]
    chars += [chr(c) for c in range(0x2060, 0x2065)] + ["\ufeff"]
    keep = ["\t", "\n", "\r", "\u00a0", "\u2010", "\u2065", "\ufefe"]
    f = lambda t: "".join(c for c in t if c not in set(chars))
elif op == "normalize-ws":
    chars = ["\t", "\u0084", "\u00a0", "\u202f", "\u205f", "\u2060",
             "\u3000", "\ufffc"] + [chr(c) for c in range(0x2000, 0x200e)]
    keep = ["\n", "\u3001", "\u200e", "\u2061", "\ufffd"]
    f = lambda t: "".join(" " if c in set(chars) else c for c in t.strip())
elif op == "normalize-punct":
    m = {"\uff0c": ",", "\u3002": ".", "\u201c": '"', "\u201d": '"',
         "\u00ab": '"', "\u00bb": '"', "\u300a": '"', "\u2014": " - ",
         "\u2026": "...", "\uff1f": "?", "\u2019": "'", "\u00b4": "'",
         "\u3010": "[", "\uff5e": "~"}
    chars = list(m)
    keep = ["\u2018", "\u3003", "\u00ac", "\uff00"]
    f = lambda t: "".join(m.get(c, c) for c in t)
else:  # clean-html: character references and line ends in plain text
    chars = ["&amp;", "&lt;", "&#233;", "\r\n", "\r"]
    keep = ["&", ";"]
    f = lambda t: html.unescape(t.replace("\r\n", "\n").replace("\r", "\n"))
with open("in.jsonl", "w", encoding="utf-8") as i, \
        open("want.txt", "w", encoding="utf-8") as w:
    for c in chars + keep:
        for k in range(0, 70):
            t = "x" + fill[:k] + c + fill[k:k + 40] + c + "y"
            i.write(json.dumps({"text": t}) + "\n")
            w.write(json.dumps(f(t), ensure_ascii=False) + "\n")
EOT
}

@test "remove-invisible, normalize-ws, normalize-punct, clean-html find every character whatever its offset" {
	for op in remove-invisible normalize-ws normalize-punct clean-html; do
		gen "$op" || return 1
		[ "$(wc -l <in.jsonl)" -ge 490 ]
		for l in $levels; do
			DM_SIMD=$l dm-map "$op" in.jsonl >out.jsonl
			jq -c .text out.jsonl >got.txt
			if ! cmp -s got.txt want.txt; then
				echo "$op under DM_SIMD=$l:" >&2
				diff want.txt got.txt | head -5 >&2
				return 1
			fi
		done
	done
}
