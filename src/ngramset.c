/* ngramset.c - a hash set of word n-grams for the repetition rules */
#include <stdlib.h>
#include <string.h>

/* libxxhash inlined from its header (XXH_INLINE_ALL, as hash.c): the
 * n-grams hashed are a few dozen bytes */
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "dm.h"
#include "ngramset.h"
#include "simd.h"

void
dm_ngramset_clear(struct dm_ngramset *t, size_t n)
{
	size_t cap = 16;
	unsigned bits = 4;

	while (cap < 2 * n) {
		cap *= 2;
		bits++;
	}
	if (cap > t->alloc) {
		free(t->slot);
		t->slot = dm_xcalloc(cap, sizeof *t->slot);
		t->alloc = cap;
		t->cur = 0;
	}
	/* every slot holds an older generation than the new one; after
	 * 65535 clears they start again from zero */
	if (++t->cur == 0) {
		memset(t->slot, 0, t->alloc * sizeof *t->slot);
		t->cur = 1;
	}
	/* sized to n, not to the largest text seen: the probes touch few
	 * cache lines */
	t->cap = cap;
	t->shift = 64 - bits;
}

void
dm_ngramset_free(struct dm_ngramset *t)
{
	free(t->slot);
	memset(t, 0, sizeof *t);
}

uint64_t
dm_ngram_hash(const void *s, size_t n)
{
#ifdef DM_NGRAM_AVX2
	static int check = -1;
	uint64_t h;

	/* XXH3 takes its vector loop past 240 bytes (XXH3_MIDSIZE_MAX);
	 * DM_QUALITY_CHECK compares with the form of the other levels */
	if (n > XXH3_MIDSIZE_MAX && dm_simd_level() >= 2) {
		h = dm_ngram_hash_avx2(s, n);
		if (check < 0)
			check = getenv("DM_QUALITY_CHECK") != NULL;
		if (check && h != XXH3_64bits(s, n))
			dm_die("XXH3 with AVX2 of %zu bytes differs", n);
		return h;
	}
#endif
	return XXH3_64bits(s, n);
}
