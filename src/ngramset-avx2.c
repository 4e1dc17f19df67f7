/* ngramset-avx2.c - XXH3 of long n-grams and lines with AVX2 */
#include <stddef.h>
#include <stdint.h>

#include "ngramset.h"

#ifdef DM_NGRAM_AVX2
/*
 * libxxhash inlined again, built for AVX2 (its accumulation loop 32 bytes
 * a lane); dm_ngram_hash() calls it for the texts past 240 bytes that
 * take that loop, when the processor has AVX2 (dm_simd_level() 2). The
 * hash is the same at every level.
 */
#ifdef __clang__
/* clang's intrinsics come whatever the target; xxhash.h includes them
 * only when the whole file is built for AVX2 */
#include <immintrin.h>
#pragma clang attribute push(__attribute__((target("avx2"))), \
    apply_to = function)
#else
#pragma GCC target("avx2")
#endif
#define XXH_INLINE_ALL
#define XXH_VECTOR	XXH_AVX2
#include <xxhash.h>

uint64_t
dm_ngram_hash_avx2(const void *s, size_t n)
{
	return XXH3_64bits(s, n);
}
#ifdef __clang__
#pragma clang attribute pop
#endif
#else
typedef int dm_ngramset_avx2_none;	/* no AVX2 here */
#endif
