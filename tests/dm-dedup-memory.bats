#!/usr/bin/env bats
# dm-dedup-memory.bats - dm-dedup in bounded memory: a long sample's
# shingles, the merge of many spilled runs, the sort of a spill

load helper

REF=$DM_REPO/tests/dedup-ref.py
PY=/usr/bin/python3

# A long text and pieces of it that overlap by OVERLAP tokens (spaces) or
# characters (character), words joined by commas (punctuation): the
# pieces' shingles are the text's, so its
# MinHash is their minima. The text has 150000 words, more shingles than
# dm-dedup hashes before folding them into the signature.
pieces() {
	$PY -c '
import json, random, sys
mode, ov = sys.argv[1], int(sys.argv[2])
rng = random.Random(7)
w = ["w%d" % rng.randrange(30000) for _ in range(150000)]
if mode == "character":
    t = " ".join(w)
    cuts = [0, 100000, 400000, 401000, len(t)]
    print(json.dumps({"text": t}))
    for a, b in zip(cuts, cuts[1:]):
        print(json.dumps({"text": t[max(a - ov, 0):b]}))
else:
    j = "," if mode == "punctuation" else " "
    cuts = [0, 20000, 90000, 90010, len(w)]
    print(json.dumps({"text": j.join(w)}))
    for a, b in zip(cuts, cuts[1:]):
        print(json.dumps({"text": j.join(w[max(a - ov, 0):b])}))
' "$@"
}

# Whether the first signature of the input is the minima of the others.
minima() {
	$PY -c '
import json, sys
s = [json.loads(l) for l in sys.stdin]
m = [min(c) for c in zip(*s[1:])]
sys.exit(0 if s[0] == m and len(m) == len(s[0]) else 1)'
}

@test "near: a long text's signature is the minima of its pieces', whatever the tokenization" {
	pieces space 4 >sp.jsonl
	dm-dedup --near --signatures sp.jsonl | minima
	dm-dedup --near --perms 3 --window 5 --signatures sp.jsonl | minima
	pieces space 0 >sp1.jsonl
	dm-dedup --near --window 1 --perms 64 --signatures sp1.jsonl | minima
	pieces punctuation 2 >pu.jsonl
	dm-dedup --near --window 3 --tokenize punctuation --signatures \
	    pu.jsonl | minima
	dm-dedup --near --preset datatrove --signatures sp.jsonl | minima
	pieces character 2 >ch.jsonl
	dm-dedup --near --tokenize character --window 3 --signatures \
	    ch.jsonl | minima
	# and so are its duplicates: the text and the pieces are one cluster
	# with --verify when the threshold lets them be
	run dm-dedup --near --verify --threshold 0.1 --bands 64 --rows 1 \
	    sp.jsonl
	assert_success
	[ "${#lines[@]}" -le 4 ]
}

@test "simhash: a long text's SimHash is the references'" {
	pieces space 0 | head -1 >sp.jsonl
	dm-dedup --simhash --signatures sp.jsonl >out
	$PY "$REF" simhash <sp.jsonl >want
	cmp out want
}

@test "near, datatrove, SimHash and --verify take a few times a 6 MB sample, not 20" {
	local m a
	skip_asan "its shadow memory and quarantine of freed blocks are in the RSS"
	$PY -c '
import random
r = random.Random(5)
print("{\"text\":\"short one two three four five six\"}")
print("{\"text\":\"%s\"}" % " ".join("w%d" % r.randrange(20000)
    for _ in range(1000000)))
print("{\"text\":\"short one two three four five six\"}")' >big.jsonl
	head -2 big.jsonl >want
	for a in "--near" "--near --verify" "--near --preset datatrove" \
	    "--simhash" "--near --tokenize character --window 3"; do
		/usr/bin/time -f %M -o rss dm-dedup $a --memory 16M big.jsonl >out
		m=$(cat rss)
		echo "dm-dedup $a: $m kB"
		cmp out want
		[ "$m" -lt 30000 ]
	done
}

# 100000 samples of one shingle each, different, with records of 522
# bytes (2 bands of 128 rows): --memory 2M spills about 100 runs.
runs() {
	awk 'BEGIN { for (i = 0; i < 100000; i++)
		printf "{\"text\":\"s%d t%d u%d v%d w%d\"}\n", i, i, i,
		    i % 100, i % 100 }' >in.jsonl
}

@test "a merge of 100 spilled runs takes --memory and 2 open files, not a buffer and a file a run" {
	local m
	runs
	mkdir tmp
	dm-dedup --near --bands 2 --rows 128 --memory 1G in.jsonl >large.out
	cmp large.out in.jsonl
	# each run had its file: 24 allowed failed
	(ulimit -n 24 && dm-dedup --near --bands 2 --rows 128 --memory 2M \
	    --tmp tmp in.jsonl >small.out)
	cmp small.out large.out
	[ -z "$(ls tmp)" ]
	skip_asan "its shadow memory and quarantine of freed blocks are in the RSS"
	# each run had a read buffer of 256K: 28 MB
	/usr/bin/time -f %M -o rss dm-dedup --near --bands 2 --rows 128 \
	    --memory 2M in.jsonl >small.out
	m=$(cat rss)
	echo "--memory 2M: $m kB"
	cmp small.out large.out
	[ "$m" -lt 8000 ]
}

@test "exact and SimHash spill within --memory: the sort takes no copy of the records" {
	local m
	skip_asan "its shadow memory and quarantine of freed blocks are in the RSS"
	# 1000000 different samples (a duplicate takes memory outside the
	# budget): 24 MB of keys, 2 runs
	awk 'BEGIN { for (i = 0; i < 1000000; i++)
		printf "{\"text\":\"sample number %d\"}\n", i }' \
	    >ex.jsonl
	/usr/bin/time -f %M -o rss dm-dedup --exact --memory 20M ex.jsonl >out
	m=$(cat rss)
	echo "--exact --memory 20M: $m kB"
	[ "$m" -lt 20000 ]
	cmp out ex.jsonl
	# 100000 samples, 15 keys of 26 bytes each: 39 MB, 2 runs
	awk 'BEGIN { for (i = 0; i < 100000; i++)
		printf "{\"text\":\"s%d t%d u%d v%d w%d x%d y%d\"}\n", i, i, i,
		    i % 100, i % 100, i % 3, i % 5 }' >sim.jsonl
	/usr/bin/time -f %M -o rss dm-dedup --simhash --memory 32M sim.jsonl >out
	m=$(cat rss)
	echo "--simhash --memory 32M: $m kB"
	[ "$m" -lt 32000 ]
	dm-dedup --simhash --memory 1G sim.jsonl | cmp - out
}

@test "a cluster of many duplicates takes the clusters' 16 bytes a sample in their table, not a copy of its records" {
	local m
	skip_asan "its shadow memory and quarantine of freed blocks are in the RSS"
	# 1000000 samples in two clusters: a group of 500000 equal keys is
	# joined as it comes, and the table of the samples joined takes up to
	# 64 bytes each while it doubles, 43 and the removals' 16 after
	awk 'BEGIN { for (i = 0; i < 1000000; i++)
		printf "{\"text\":\"k%d\"}\n", i % 2 }' >two.jsonl
	/usr/bin/time -f %M -o rss dm-dedup --exact --memory 8M two.jsonl >out
	m=$(cat rss)
	echo "--exact --memory 8M, 999998 duplicates: $m kB"
	printf '%s\n' '{"text":"k0"}' '{"text":"k1"}' | cmp - out
	[ "$m" -lt 80000 ]
}

@test "stages: a stage file's settings and names are read, not its records: pairs of a 31 MB band file takes a few MB" {
	local m
	skip_asan "its shadow memory and quarantine of freed blocks are in the RSS"
	# records of 1034 bytes (1 band of 256 rows): 30000 of them, 10000
	# duplicates
	awk 'BEGIN { for (i = 0; i < 30000; i++)
		printf "{\"text\":\"w%d x y z v\"}\n", i % 20000 }' >in.jsonl
	dm-dedup sign --near --bands 1 --rows 256 -o sig in.jsonl
	[ "$(stat -c %s sig/band-000/in.jsonl.sig)" -gt 30000000 ]
	/usr/bin/time -f %M -o rss dm-dedup pairs -o pairs sig
	m=$(cat rss)
	echo "pairs of a 31 MB file: $m kB"
	[ "$m" -lt 12000 ]
	dm-dedup cluster -o rm pairs
	dm-dedup apply rm in.jsonl >out
	head -20000 in.jsonl | cmp - out
}

@test "stages: pairs holds a read buffer of 64K a shard, and as many shards at once as --memory has room for" {
	local m s
	skip_asan "its shadow memory and quarantine of freed blocks are in the RSS"
	# 100 shards of 1100 records of 1034 bytes (1 band of 256 rows): a
	# band file of 1.1 MB each, which a buffer of 1 MB a shard held
	for s in $(seq 10 109); do
		awk -v s=$s 'BEGIN { for (i = 0; i < 1100; i++)
			printf "{\"text\":\"x%d y z w v\"}\n", i + 1000 * s }' \
		    >p$s.jsonl
		dm-dedup sign --near --bands 1 --rows 256 -o sig p$s.jsonl
	done
	/usr/bin/time -f %M -o rss dm-dedup pairs -o pairs sig
	m=$(cat rss)
	echo "pairs of 100 shards: $m kB"
	[ "$m" -lt 20000 ]
	# 30 shards at a time, merged into runs in --tmp: the same pairs
	mkdir tmp
	/usr/bin/time -f %M -o rss dm-dedup pairs --memory 2M --tmp tmp \
	    -o small sig
	m=$(cat rss)
	echo "pairs --memory 2M: $m kB"
	[ "$m" -lt 8000 ]
	cmp pairs/band-000.pairs small/band-000.pairs
	[ -z "$(ls tmp)" ]
	# 100 texts shared by each shard and the next, and 3 of one shingle
	# whose 32-bit hashes collide
	[ "$(od -An -t u8 -j 24 -N 8 pairs/band-000.pairs)" -eq 9903 ]
}

@test "a line longer than --max-line is not read whole in the second read either" {
	local m a
	skip_asan "its shadow memory and quarantine of freed blocks are in the RSS"
	$PY -c '
print("{\"text\":\"a\"}")
print("{\"text\":\"" + "x" * 60000000 + "\"}")
print("{\"text\":\"a\"}")
print("{\"text\":\"b\"}")' >long.jsonl
	printf '%s\n' '{"text":"a"}' '{"text":"b"}' >want
	printf '%s\n' '{"text":"a","d":null}' '{"text":"a","d":"long.jsonl:1"}' \
	    '{"text":"b","d":null}' >wantm
	for a in "" "--mark d"; do
		/usr/bin/time -f %M -o rss dm-dedup $a --max-line 1M \
		    --on-error=skip long.jsonl >out 2>err || [ $? -eq 1 ]
		m=$(cat rss | tail -1)
		echo "dm-dedup $a --max-line 1M, a line of 60 MB: $m kB"
		cmp out "want${a:+m}"
		[ "$m" -lt 20000 ]
	done
}

@test "exact: a long sample takes twice its size, not three times" {
	local m
	skip_asan "its shadow memory and quarantine of freed blocks are in the RSS"
	$PY -c '
print("{\"text\":\"" + "x " * 30000000 + "\"}")
print("{\"text\":\"b\"}")' >long.jsonl
	/usr/bin/time -f %M -o rss dm-dedup --exact long.jsonl >out
	m=$(cat rss)
	echo "--exact, a line of 60 MB: $m kB"
	cmp out long.jsonl
	[ "$m" -lt 140000 ]
	dm-dedup --exact --signatures long.jsonl >sig
	$PY -c '
import hashlib, json, sys
for l in open("long.jsonl"):
    print(json.dumps(hashlib.md5(json.loads(l)["text"].strip().encode()).hexdigest()))' |
	    cmp - sig
}
