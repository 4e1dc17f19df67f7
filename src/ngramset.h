/* ngramset.h - a hash set of word n-grams for the repetition rules */
#ifndef DM_NGRAMSET_H
#define DM_NGRAMSET_H

#include <stddef.h>
#include <stdint.h>

/*
 * An open-addressing set of item numbers (the n-gram at word i is item
 * i), each slot holding an item and its hash side by side so that a probe
 * reads one cache line. The caller hashes an item and says when two are
 * equal. A slot is filled when the low 16 bits of its tag are the set's
 * generation, so that a clear costs nothing however many slots were
 * filled; the item (below 2^48) is the rest of the tag. It starts zeroed
 * and keeps its memory from one clear to the next.
 */
struct dm_ngramslot {
	uint64_t	 h;
	uint64_t	 tag;	/* item << 16 | generation */
};

struct dm_ngramset {
	struct dm_ngramslot *slot;
	size_t		 cap;	/* slots in use, a power of 2 */
	size_t		 alloc;	/* slots allocated */
	unsigned	 shift;	/* 64 - log2(cap) */
	uint16_t	 cur;	/* the generation since the last clear */
};

typedef int (*dm_ngram_eq)(const void *ctx, size_t a, size_t b);

/* Empties the set and makes room for n items (at most half full). */
void	 dm_ngramset_clear(struct dm_ngramset *, size_t n);
void	 dm_ngramset_free(struct dm_ngramset *);
/* XXH3 of s[0..n), for the n-grams' bytes: past 240 bytes with AVX2 when
 * dm_simd_level() is 2 (x86-64), the same hash. */
uint64_t dm_ngram_hash(const void *s, size_t n);
/* GCC's target pragma or clang's target attribute builds the AVX2 form;
 * other compilers do without */
#if defined(__x86_64__) && defined(__GNUC__)
#define DM_NGRAM_AVX2	1
uint64_t dm_ngram_hash_avx2(const void *s, size_t n);
#endif

/* The item equal to item already in the set, or item, inserted. Inline:
 * called for every n-gram compared, with a known eq. */
static inline size_t
dm_ngramset_add(struct dm_ngramset *t, uint64_t h, size_t item,
    dm_ngram_eq eq, const void *ctx)
{
	size_t mask = t->cap - 1, i;

	/* the high bits of a Fibonacci product: raw keys spread too */
	for (i = (size_t)((h * 0x9E3779B97F4A7C15ULL) >> t->shift);
	    (uint16_t)t->slot[i].tag == t->cur; i = (i + 1) & mask)
		if (t->slot[i].h == h && eq(ctx, (size_t)(t->slot[i].tag >>
		    16), item))
			return (size_t)(t->slot[i].tag >> 16);
	t->slot[i].h = h;
	t->slot[i].tag = (uint64_t)item << 16 | t->cur;
	return item;
}

#endif /* DM_NGRAMSET_H */
