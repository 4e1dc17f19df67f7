#!/usr/bin/python3
# dedup-numpy.py - the numpy peer of dm-dedup --near in make bench
#
# Data-Juicer's document_minhash_deduplicator as users run it today, its
# algorithm with numpy and hashlib: lower case, space tokens, 5-word
# shingles, sha1_hash32, 256 permutations from RandomState(42), 25 bands
# of 10 rows, buckets of band bytes, union-find, the first of each cluster
# kept.  Reads JSONL on stdin, writes the kept lines.
import hashlib
import json
import struct
import sys
from collections import defaultdict

import numpy as np

P = np.uint64((1 << 61) - 1)
M = np.uint64((1 << 32) - 1)
B, R, N = 25, 10, 256

gen = np.random.RandomState(seed=42)
a, b = np.array([(gen.randint(1, P, dtype=np.uint64),
		  gen.randint(0, P, dtype=np.uint64)) for _ in range(N)],
		dtype=np.uint64).T

lines = sys.stdin.buffer.readlines()
tables = [defaultdict(set) for _ in range(B)]
for i, line in enumerate(lines):
	words = [w for w in json.loads(line)["text"].lower().split(" ") if w]
	toks = {" ".join(words[k:k + 5]).encode() for k in range(len(words) - 4)}
	if not toks:
		continue
	hv = np.fromiter((struct.unpack("<I", hashlib.sha1(t).digest()[:4])[0]
			  for t in toks), dtype=np.uint64, count=len(toks))
	with np.errstate(over="ignore"):
		sig = np.bitwise_and((hv[:, None] * a + b) % P, M).min(axis=0)
	for k in range(B):
		tables[k][bytes(sig[k * R:(k + 1) * R].byteswap().data)].add(i)

parent = {}


def find(x):
	while parent.get(x, x) != x:
		x = parent[x]
	return x


for t in tables:
	for c in t.values():
		if len(c) > 1:
			m = min(c)
			for x in c:
				px, pm = find(x), find(m)
				parent[px] = parent[pm] = min(px, pm)
out = sys.stdout.buffer
for i, line in enumerate(lines):
	if find(i) == i:
		out.write(line)
