#!/usr/bin/python3
# gen-perms.py - writes the MinHash permutation tables of dm-dedup
#
# usage: /usr/bin/python3 gen-perms.py	(in share/dm/dedup; needs numpy)
#
# Each table holds the (a, b) pairs of the permutations
# h -> (a * h + b) mod (2^61 - 1), one pair a line, in decimal, drawn
# exactly as each reference draws them:
#
# data-juicer.perms: Data-Juicer's document_minhash_deduplicator draws a
#   and b in turn, one pair per permutation, from RandomState(42).  The
#   first N pairs are its table for num_permutations N, so one table of
#   4096 pairs serves every --perms up to 4096.
# datatrove.perms: datatrove's MinhashDedupSignature draws all the a's,
#   then all the b's, from RandomState(1); its table depends on the number
#   of hashes, 14 buckets x 8 hashes = 112 by default.
# datasketch.perms: datasketch's MinHash (num_perm=128, seed=1), which
#   DataMate's DuplicateFilesFilter uses, draws a and b in turn, one pair
#   per permutation, from RandomState(1), as Data-Juicer does from 42.
import numpy as np

P = np.uint64((1 << 61) - 1)

def in_turn(n, seed):
	gen = np.random.RandomState(seed=seed)
	return [(gen.randint(1, P, dtype=np.uint64),
		 gen.randint(0, P, dtype=np.uint64)) for _ in range(n)]

def datatrove(n):
	gen = np.random.RandomState(1)
	a = gen.randint(1, P, dtype=np.uint64, size=(1, n))
	b = gen.randint(0, P, dtype=np.uint64, size=(1, n))
	return list(zip(a[0], b[0]))

for name, pairs in (("data-juicer.perms", in_turn(4096, 42)),
		    ("datatrove.perms", datatrove(14 * 8)),
		    ("datasketch.perms", in_turn(128, 1))):
	with open(name, "w") as f:
		for a, b in pairs:
			f.write("%d %d\n" % (int(a), int(b)))
