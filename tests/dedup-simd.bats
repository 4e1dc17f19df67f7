#!/usr/bin/env bats
# dedup-simd.bats - dm-dedup's code chosen at run time: the 16-lane MD5
# (AVX-512) of exact mode, MinHash with AVX-512 by hand and as built for
# AVX2, and their plain C versions. Each test runs under every level
# DM_SIMD can choose (avx512, avx2, none; a level the processor lacks
# falls back to the widest it has) and compares each with the references'
# algorithms (tests/dedup-ref.py, Python's hashlib), so every path is
# checked on the same input. `make check-asan` runs them under ASan and
# UBSan. valgrind (3.19) does not know AVX-512: its virtual processor
# hides it, so under valgrind only the AVX2 and plain paths run.

load helper

REF=$DM_REPO/tests/dedup-ref.py
PY=/usr/bin/python3
levels="avx512 avx2 none"

# N texts of random words, some long (many shingles), some of 1 to 4
# words (fewer than a window: no signature), one empty.
words() {
	$PY -c '
import json, random, sys
rng = random.Random(int(sys.argv[2]))
w = ["alpha", "beta", "Gamma", "délta", "ε", "日本語", "x", "yy", "zzz",
     "Straße", "42", "a,b", "end."]
for i in range(int(sys.argv[1])):
    n = 0 if i == 3 else rng.choice([1, 4, 5, 9, 40, 300])
    print(json.dumps({"text": " ".join(rng.choice(w) for _ in range(n))},
                     ensure_ascii=False))
' "$@"
}

@test "exact: the MD5s are Python's under every level, batches of 1 to 40 texts" {
	# fewer than 16 texts go one at a time; 16 and more fill the lanes,
	# the last few (under 4 busy lanes) finish one at a time; lengths
	# around the 55/56-byte padding limit and many blocks
	for n in 1 15 16 17 19 20 33 40; do
		$PY -c '
import hashlib, json, random, sys
rng = random.Random(int(sys.argv[1]))
with open("in.jsonl", "w") as f, open("want", "w") as w:
    for i in range(int(sys.argv[1])):
        k = rng.choice([0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 1000, 4097])
        t = "".join(rng.choice("abcxyz019") for _ in range(k))
        f.write(json.dumps({"text": t}) + "\n")
        w.write("\"%s\"\n" % hashlib.md5(t.encode()).hexdigest())
' $n
		for l in $levels; do
			DM_SIMD=$l dm-dedup --signatures in.jsonl >got
			cmp got want
		done
		[ "$(wc -l <got)" -eq $n ]
	done
}

@test "exact: the same samples stay under every level" {
	words 300 1 >in.jsonl
	# duplicates of earlier texts, in batches that cross the 16 lanes
	sed -n '1~7p' in.jsonl >>in.jsonl
	DM_SIMD=none dm-dedup --exact --mark dup in.jsonl >none.out
	[ "$(grep -vc '"dup":null' none.out)" -gt 43 ]
	for l in avx512 avx2; do
		DM_SIMD=$l dm-dedup --exact --mark dup in.jsonl >$l.out
		cmp none.out $l.out
	done
}

@test "near: Data-Juicer's signatures under every level, whole and partial blocks of 32 permutations" {
	words 40 2 >t.jsonl
	for p in 256 100 32 31 1; do
		$PY "$REF" dj-minhash $p 5 <t.jsonl >ref.out
		for l in $levels; do
			DM_SIMD=$l dm-dedup --near --signatures --perms $p \
			    t.jsonl >dm.out
			cmp dm.out ref.out
		done
	done
	[ "$(grep -c null dm.out)" -gt 3 ]
	[ "$(wc -l <dm.out)" -eq 40 ]
	# character shingles: many per text
	$PY "$REF" dj-minhash 256 3 character <t.jsonl >ref.out
	for l in $levels; do
		DM_SIMD=$l dm-dedup --near --signatures --tokenize character \
		    --window 3 t.jsonl >dm.out
		cmp dm.out ref.out
	done
}

@test "near --preset datatrove: datatrove's signatures under every level" {
	words 40 3 >t.jsonl
	$PY "$REF" datatrove <t.jsonl >ref.out
	for l in $levels; do
		DM_SIMD=$l dm-dedup --near --preset datatrove --signatures \
		    t.jsonl >dm.out
		cmp dm.out ref.out
	done
	[ "$(wc -l <dm.out)" -eq 40 ]
}

@test "near: the same clusters under every level" {
	$PY "$REF" plant 60 7 >in.jsonl
	for p in data-juicer datatrove; do
		DM_SIMD=none dm-dedup --near --preset $p --mark dup \
		    in.jsonl >none.out
		[ "$(grep -vc '"dup":null' none.out)" -gt 10 ]
		for l in avx512 avx2; do
			DM_SIMD=$l dm-dedup --near --preset $p --mark dup \
			    in.jsonl >$l.out
			cmp none.out $l.out
		done
	done
}
