/* simd.h - wide scans of the read path, chosen at run time */
#ifndef DM_SIMD_H
#define DM_SIMD_H

#include <stddef.h>

/*
 * Each scan has an AVX2 version, an SSE2 (or SSSE3) version and a plain C
 * one; the widest the processor has is used, or the one DM_SIMD names
 * (avx512, avx2, sse2, none), so that tests can run every version. The
 * other code chosen at run time (dm-dedup's MinHash and 16-lane MD5 with
 * AVX-512, its MinHash with AVX2) asks dm_simd_level() too.
 */

/* Whether s[0..n) is valid UTF-8 (as dm_utf8_check(s, n) == n). */
int	 dm_simd_utf8_valid(const char *s, size_t n);
/* Bytes of s[0..n) that are not UTF-8 continuation bytes (10xxxxxx): its
 * code points when it is valid (as dm_utf8_count). */
size_t	 dm_simd_count(const char *s, size_t n);
/* The first byte at or after p (before end) that a JSON string stops at
 * once its UTF-8 is known valid: '"', '\\' or a control character; end
 * when there is none. */
const char *dm_simd_strstop(const char *p, const char *end);

/* The level in use: 3 AVX-512 (AVX512F), 2 AVX2, 1 SSE2/SSSE3, 0 none;
 * the scans use AVX2 at level 3. */
int	 dm_simd_level(void);
/* Uses level (-1: the widest there is), at most what the processor has;
 * returns the level chosen. */
int	 dm_simd_set(int level);

#endif /* DM_SIMD_H */
