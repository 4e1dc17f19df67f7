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
/* The end of a JSON string's body at p: its closing quote, or the first
 * byte (before end) that needs a closer look, a control character or a
 * backslash before \u or a wrong escape; the other escapes are stepped
 * over. end when there is none. Its UTF-8 is taken as valid. */
const char *dm_simd_strend(const char *p, const char *end);
/* dm_simd_strend, the UTF-8 of the bytes scanned checked on the way (the
 * byte before p taken as ASCII): *bad is set to 1 on an error, and may be
 * for a bad byte just after the stop (the caller then looks closer). */
const char *dm_simd_strend_utf8(const char *p, const char *end, int *bad);
/* dm_simd_strend_utf8, adding to *cp the code points of the bytes before
 * the stop (an escape stepped over is one). */
const char *dm_simd_strend_cp(const char *p, const char *end, int *bad,
	    size_t *cp);
/* The code points of the checked JSON string body p[0..end), its escapes
 * one each (a surrogate pair one), as dm_json_strcount. */
size_t	 dm_simd_strcount(const char *p, const char *end);

/* The newlines ('\n' bytes) in s[0..n): of the input that dm-run cuts
 * (runblock.c). */
size_t	 dm_simd_newlines(const char *s, size_t n);

/* The level in use: 3 AVX-512 (AVX512F), 2 AVX2, 1 SSE2/SSSE3, 0 none;
 * the scans use AVX2 at level 3. */
int	 dm_simd_level(void);
/* Uses level (-1: the widest there is), at most what the processor has;
 * returns the level chosen. */
int	 dm_simd_set(int level);

#endif /* DM_SIMD_H */
