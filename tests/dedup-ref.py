#!/usr/bin/python3
# dedup-ref.py - the references' algorithms, for tests/dm-dedup.bats
#
# usage: dedup-ref.py dj-minhash [PERMS [WINDOW [TOKENIZE [IGNORE]]]] < samples.jsonl
#        dedup-ref.py datatrove < samples.jsonl
#        dedup-ref.py simhash [WINDOW [TOKENIZE [IGNORE]]] < samples.jsonl
#        dedup-ref.py optimal THRESHOLD PERMS
#        dedup-ref.py jaccard WINDOW < samples.jsonl	(all pairs, space words)
#        dedup-ref.py plant PAIRS SEED		(a corpus of planted pairs)
#        dedup-ref.py batch < commands
#
# batch runs many commands in one process (numpy's start is most of what
# a small one costs): one a line, "INPUT OUTPUT COMMAND [ARG...]", its
# standard input from the file INPUT ("-": none), its output to OUTPUT.
#
# Each sample's "text" gives one output line: the MinHash signature as a
# JSON array (null when the text has no shingle), or the SimHash.  The code
# follows Data-Juicer's document_minhash_deduplicator and
# document_simhash_deduplicator (with simhash's unsigned_hash and
# simhash-cpp's compute), and datatrove's MinhashDedupSignature with
# simplify_text, written again from their published sources with
# python3-numpy and python3-xxhash (scipy, regex, the simhash package and
# spaCy are not in Debian's python3 here: \p{P} is spelled with
# unicodedata, quad with Gauss-Legendre, and datatrove's English spaCy
# tokenizer by a split at spaces, which is what it does on simplified text
# without contractions).
import hashlib
import json
import os
import re
import struct
import sys
import unicodedata

import numpy as np
import xxhash

MERSENNE_PRIME = np.uint64((1 << 61) - 1)
MAX_HASH = np.uint64((1 << 32) - 1)


def texts():
	for line in sys.stdin:
		if line.strip():
			yield json.loads(line)["text"]


def sha1_hash32(data):
	return struct.unpack("<I", hashlib.sha1(data).digest()[:4])[0]


def punct_split(text):
	out, cur = [], []
	for c in text:
		if unicodedata.category(c).startswith("P"):
			out.append("".join(cur))
			cur = []
		else:
			cur.append(c)
	out.append("".join(cur))
	return out


def dj_tokens(text, window, tokenization, as_set=True, ignore=None):
	text = text.lower()
	if ignore:
		# ignore_pattern: compiled by Data-Juicer with the regex module
		# (python3-regex, installed for these tests)
		import regex
		text = regex.compile(ignore).sub("", text)
	if tokenization == "character":
		toks = [str.encode(text[i:i + window])
			for i in range(len(text) - window + 1)]
	else:
		if tokenization == "punctuation":
			words = punct_split(text)
		else:
			words = [w for w in re.split(" ", text) if w]
		toks = [str.encode(" ".join(words[i:i + window]))
			for i in range(len(words) - window + 1)]
	return set(toks) if as_set else toks


def dj_minhash(perms, window, tokenization, ignore=None):
	gen = np.random.RandomState(seed=42)
	perm_a, perm_b = np.array([(gen.randint(1, MERSENNE_PRIME, dtype=np.uint64),
				    gen.randint(0, MERSENNE_PRIME, dtype=np.uint64))
				   for _ in range(perms)], dtype=np.uint64).T
	for text in texts():
		tokens = dj_tokens(text, window, tokenization, ignore=ignore)
		if not tokens:
			print("null")
			continue
		hv = np.fromiter((sha1_hash32(t) for t in tokens), dtype=np.uint64,
				 count=len(tokens))
		with np.errstate(over="ignore"):
			phv = np.bitwise_and((hv[:, None] * perm_a + perm_b) % MERSENNE_PRIME,
					     MAX_HASH)
		print(json.dumps([int(x) for x in phv.min(axis=0)], separators=(",", ":")))


PUNCTUATION = "!/—”:％１〈&(、━\\【#%「」，】；+^]~“《„';’{|∶´[=-`*．（–？！：$～«〉,><》)?）。…@_.\"}►»" + "".join(
	map(chr, (x for a, b in ((0, 9), (11, 13), (13, 32), (127, 160)) for x in range(a, b))))
PUNCTUATION_TRANS = str.maketrans(PUNCTUATION, " " * len(PUNCTUATION))
NUMBERS_PATTERN = re.compile(r"\d+([.,،٫⎖⎗⎘]{1}\d+)?")
WHITESPACE_PATTERN = re.compile(r"\s+")


def simplify_text(text):
	text = text.lower()
	text = NUMBERS_PATTERN.sub("0", text)
	text = text.translate(PUNCTUATION_TRANS)
	text = WHITESPACE_PATTERN.sub(" ", text.strip())
	text = "".join(c for c in unicodedata.normalize("NFD", text)
		       if unicodedata.category(c) != "Mn")
	return text.strip()


def datatrove():
	n = 14 * 8
	gen = np.random.RandomState(1)
	a = gen.randint(1, MERSENNE_PRIME, dtype=np.uint64, size=(1, n))
	b = gen.randint(0, MERSENNE_PRIME, dtype=np.uint64, size=(1, n))
	for text in texts():
		words = simplify_text(text).split(" ")
		words = [w for w in words if w]
		grams = [" ".join(words[i:i + 5]) for i in range(len(words) - 4)]
		shingles = np.fromiter([xxhash.xxh64_intdigest(g) for g in grams],
				       dtype=np.uint64).reshape((-1, 1))
		if shingles.size == 0:
			print("null")
			continue
		with np.errstate(over="ignore"):
			phv = (shingles * a + b) % MERSENNE_PRIME
		print(json.dumps([int(x) for x in np.min(phv, axis=0)], separators=(",", ":")))


def unsigned_hash(obj):
	return struct.unpack(">Q", hashlib.md5(obj).digest()[0:8])[0]


def compute(hashes):
	counts = [0] * 64
	for h in hashes:
		for i in range(64):
			counts[i] += 1 if (h >> i) & 1 else -1
	return sum(1 << i for i in range(64) if counts[i] > 0)


def simhash(window, tokenization, ignore=None):
	for text in texts():
		tokens = dj_tokens(text, window, tokenization, as_set=False,
				   ignore=ignore)
		print(str(np.uint64(compute(map(unsigned_hash, tokens)))))


def optimal(threshold, num_perm):
	x, w = np.polynomial.legendre.leggauss(64)

	def quad(f, lo, hi):
		return float(np.sum(w * f((hi - lo) / 2 * x + (hi + lo) / 2)) * (hi - lo) / 2)

	min_error, opt = float("inf"), (0, 0)
	for b in range(1, num_perm + 1):
		for r in range(1, int(num_perm / b) + 1):
			fp = quad(lambda s: 1 - (1 - s ** float(r)) ** float(b), 0.0, threshold)
			fn = quad(lambda s: 1 - (1 - (1 - s ** float(r)) ** float(b)), threshold, 1.0)
			error = fp * 0.5 + fn * 0.5
			if error < min_error:
				min_error, opt = error, (b, r)
	print("%d %d" % opt)


def jaccard(window):
	sets = [dj_tokens(t, window, "space") for t in texts()]
	for i in range(len(sets)):
		for j in range(i + 1, len(sets)):
			u = len(sets[i] | sets[j])
			print("%d %d %.6f" % (i, j, len(sets[i] & sets[j]) / u if u else 0))


def plant(pairs, seed):
	# pairs of 60-word documents from a 20000-word vocabulary; the second
	# of a pair has k words replaced, k spread so that the Jaccard of the
	# 5-word shingle sets spans about 0.3 to 0.95; every line carries
	# the true Jaccard with its partner
	rng = np.random.RandomState(seed)
	# words of letters only: datatrove's simplify_text makes digits 0
	vocab = ["".join(chr(97 + (i // 26 ** k) % 26) for k in range(4))
		 for i in range(20000)]
	for i in range(pairs):
		base = [vocab[j] for j in rng.randint(0, len(vocab), 60)]
		var = list(base)
		k = 1 + i % 8
		for p in rng.choice(60, k, replace=False):
			var[p] = vocab[rng.randint(0, len(vocab))]
		a = dj_tokens(" ".join(base), 5, "space")
		b = dj_tokens(" ".join(var), 5, "space")
		j = len(a & b) / len(a | b)
		print(json.dumps({"id": "b%d" % i, "text": " ".join(base)}))
		print(json.dumps({"id": "v%d" % i, "jaccard": round(j, 6),
				  "text": " ".join(var)}))


def run(argv):
	cmd = argv[0]
	if cmd == "dj-minhash":
		dj_minhash(int(argv[1]) if len(argv) > 1 else 256,
			   int(argv[2]) if len(argv) > 2 else 5,
			   argv[3] if len(argv) > 3 else "space",
			   argv[4] if len(argv) > 4 else None)
	elif cmd == "datatrove":
		datatrove()
	elif cmd == "simhash":
		simhash(int(argv[1]) if len(argv) > 1 else 6,
			argv[2] if len(argv) > 2 else "space",
			argv[3] if len(argv) > 3 else None)
	elif cmd == "optimal":
		optimal(float(argv[1]), int(argv[2]))
	elif cmd == "plant":
		plant(int(argv[1]), int(argv[2]))
	elif cmd == "jaccard":
		jaccard(int(argv[1]))
	else:
		sys.exit("dedup-ref.py: unknown command '%s'" % cmd)


def batch():
	for line in sys.stdin.read().splitlines():
		words = line.split()
		if not words:
			continue
		if len(words) < 3:
			sys.exit("dedup-ref.py: batch: bad line '%s'" % line)
		with open(os.devnull if words[0] == "-" else words[0]) as src, \
		     open(words[1], "w") as dst:
			sys.stdin, sys.stdout = src, dst
			try:
				run(words[2:])
			finally:
				sys.stdin, sys.stdout = sys.__stdin__, sys.__stdout__


def main(argv):
	if len(argv) > 1 and argv[1] == "batch":
		batch()
	else:
		run(argv[1:])


main(sys.argv)
