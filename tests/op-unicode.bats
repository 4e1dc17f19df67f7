#!/usr/bin/env bats
# op-unicode.bats - unicode: the normalization of Data-Juicer's fix_unicode_mapper

load helper

@test "composes to NFC by default" {
	run dm-map unicode <<< '{"text":"Cafe\u0301 A\u030a \u212b e\u0323\u0302"}'
	assert_success
	assert_output "$(printf '{"text":"Caf\u00e9 \u00c5 \u00c5 \u1ec7"}')"
}

@test "keeps compatibility characters in NFC" {
	run dm-map 'unicode form=NFC' <<< '{"text": "\ufb01 \u2460 \uff21 \u00bd", "n": 1}'
	assert_success
	assert_output '{"text": "\ufb01 \u2460 \uff21 \u00bd", "n": 1}'
}

@test "folds compatibility characters in NFKC" {
	run dm-map 'unicode form=NFKC' <<< '{"text":"\ufb01 \u2460 \uff21\uff11\u3000\uff76 \u00bd e\u0301"}'
	assert_success
	assert_output "$(printf '{"text":"fi 1 A1 \u30ab 1\u20442 \u00e9"}')"
}

@test "decomposes in NFD and orders the combining marks" {
	run dm-map 'unicode form=NFD' <<< '{"text":"\u00e9 \u1e69 e\u0301\u0323 \ufb01"}'
	assert_success
	assert_output "$(printf '{"text":"e\u0301 s\u0323\u0307 e\u0323\u0301 \ufb01"}')"
}

@test "decomposes and folds in NFKD" {
	run dm-map 'unicode form=NFKD' <<< '{"text":"\u1e9b\u0323 \ufb01 \u00c5"}'
	assert_success
	assert_output "$(printf '{"text":"s\u0323\u0307 fi A\u030a"}')"
}

@test "composes and decomposes Hangul syllables" {
	run dm-map unicode <<< '{"text":"\u1112\u1161\u11ab\uad6d"}'
	assert_success
	assert_output "$(printf '{"text":"\ud55c\uad6d"}')"
	run dm-map 'unicode form=NFD' <<< '{"text":"\ud55c"}'
	assert_success
	assert_output "$(printf '{"text":"\u1112\u1161\u11ab"}')"
}

@test "composes a combining mark with the ASCII letter before it" {
	run dm-map unicode <<< '{"text":"plain ascii then e\u0301"}'
	assert_success
	assert_output "$(printf '{"text":"plain ascii then \u00e9"}')"
}

@test "keeps a combining mark at the start of the text" {
	run dm-map unicode <<< '{"text": "\u0301a", "n": 1}'
	assert_success
	assert_output '{"text": "\u0301a", "n": 1}'
}

@test "leaves CJK and emoji alone in every form" {
	for f in NFC NFKC NFD NFKD; do
		run dm-map "unicode form=$f" <<< '{"text": "中文字 😀👨‍👩",  "n": 1}'
		assert_success
		assert_output '{"text": "中文字 😀👨‍👩",  "n": 1}'
	done
}

@test "leaves ASCII text unchanged in every form" {
	for f in NFC NFKC NFD NFKD; do
		run dm-map "unicode form=$f" <<< '{"text": "a\tb\u0000c ~",  "n": 1.50}'
		assert_success
		assert_output '{"text": "a\tb\u0000c ~",  "n": 1.50}'
	done
}

@test "leaves empty text unchanged" {
	run dm-map 'unicode form=NFKD' <<< '{"text": "" }'
	assert_success
	assert_output '{"text": "" }'
}

@test "writes an unchanged sample back byte for byte" {
	run dm-map unicode <<< '{"text": "Café \u00e9 ① 中文",  "n": 1.50}'
	assert_success
	assert_output '{"text": "Café \u00e9 ① 中文",  "n": 1.50}'
}

@test "rejects an unknown form" {
	run_split dm-map 'unicode form=NFX' <<< '{"text":"a"}'
	assert_status 2
	assert_stderr <<-'EOF'
	dm-map: script:1:14: unicode: 'form' must be one of NFC, NFKC, NFD, NFKD, not 'NFX'
	  unicode form=NFX
	               ^
	EOF
}

@test "every form is Python's unicodedata.normalize on texts mixing ASCII with marks, Hangul and compatibility characters" {
	# dm normalizes only the runs of characters beyond ASCII, each with
	# the ASCII character before it: texts where those runs meet marks
	# to reorder, jamo to compose, singletons and compatibility
	# characters that fold to ASCII, and runs longer than the 256 code
	# points decomposed on the stack
	/usr/bin/python3 - <<'PYEOF'
import json, random
rng = random.Random(7)
ascii_ = list("aeAEsSkKo .,1")
other = [chr(c) for c in (
    0x300, 0x301, 0x302, 0x303, 0x307, 0x308, 0x30A, 0x323, 0x327, 0x328,
    0x345, 0x5B0, 0xF71, 0xF72, 0x3099, 0x309A, 0xE9, 0xC5, 0x1C6, 0x1E9B,
    0x1E29, 0x212B, 0x2126, 0x958, 0x344, 0xFB01, 0x2460, 0xFF21, 0x3000,
    0xFF76, 0xBD, 0x2024, 0xFE64, 0x304B, 0x1100, 0x1161, 0x11A8, 0xAC00,
    0xAC01, 0x1112, 0x3B1, 0x391, 0x915, 0x93C, 0x4E2D, 0x1F600, 0xA0,
    0x1E0A, 0x2019, 0x201C)]
with open("in.jsonl", "w") as f:
    for i in range(600):
        n = rng.choice([0, 1, 2, 5, 12, 30, 300, 700])
        p = rng.choice([0.4, 0.4, 0.005, 0])
        t = "".join(rng.choice(ascii_) if rng.random() < p else
                    rng.choice(other) for _ in range(n))
        f.write(json.dumps({"text": t}) + "\n")
PYEOF
	for f in NFC NFKC NFD NFKD; do
		dm-map "unicode form=$f" in.jsonl >out.jsonl
		run /usr/bin/python3 -c '
import json, sys, unicodedata
want = [unicodedata.normalize(sys.argv[1], json.loads(l)["text"])
        for l in open("in.jsonl")]
got = [json.loads(l)["text"] for l in open("out.jsonl")]
bad = sum(a != b for a, b in zip(want, got)) + abs(len(want) - len(got))
print("%s: %d of %d differ" % (sys.argv[1], bad, len(want)))
' $f
		assert_output "$f: 0 of 600 differ"
	done
}
