/* byteset.c - the first byte of a set in a text, many bytes at a time */
#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define X86	1
#endif

#include "dm.h"
#include "byteset.h"
#include "simd.h"

void
dm_byteset_init(struct dm_byteset *s, const char *bytes, size_t n)
{
	unsigned char bucket[16];
	unsigned char b;
	size_t i;
	int k = 0;

	memset(s, 0, sizeof *s);
	memset(bucket, 0, sizeof bucket);
	/* One bucket a high nibble, the ninth and later sharing the eight:
	 * the lookup then flags a few bytes outside the set as well, and
	 * in[] turns them down. */
	for (i = 0; i < n; i++) {
		b = (unsigned char)bytes[i];
		s->in[b] = 1;
		if (bucket[b >> 4] == 0)
			bucket[b >> 4] = (unsigned char)(1u << (k++ % 8));
		s->hi[b >> 4] |= bucket[b >> 4];
		s->lo[b & 15] |= bucket[b >> 4];
	}
}

static const char *
find_c(const struct dm_byteset *s, const char *p, const char *end)
{
	while (p < end && !s->in[(unsigned char)*p])
		p++;
	return p;
}

#ifdef X86

__attribute__((target("ssse3"))) static const char *
find_ssse3(const struct dm_byteset *s, const char *p, const char *end)
{
	__m128i lo = _mm_loadu_si128((const __m128i *)(const void *)s->lo);
	__m128i hi = _mm_loadu_si128((const __m128i *)(const void *)s->hi);
	__m128i nib = _mm_set1_epi8(0x0F), zero = _mm_setzero_si128();

	while (end - p >= 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
		__m128i m = _mm_and_si128(
		    _mm_shuffle_epi8(lo, _mm_and_si128(v, nib)),
		    _mm_shuffle_epi8(hi, _mm_and_si128(_mm_srli_epi16(v, 4),
		    nib)));
		unsigned bits = (unsigned)_mm_movemask_epi8(
		    _mm_cmpeq_epi8(m, zero)) ^ 0xFFFFu;

		for (; bits; bits &= bits - 1)
			if (s->in[(unsigned char)p[__builtin_ctz(bits)]])
				return p + __builtin_ctz(bits);
		p += 16;
	}
	return find_c(s, p, end);
}

__attribute__((target("avx2,bmi"))) static const char *
find_avx2(const struct dm_byteset *s, const char *p, const char *end)
{
	__m256i lo = _mm256_broadcastsi128_si256(
	    _mm_loadu_si128((const __m128i *)(const void *)s->lo));
	__m256i hi = _mm256_broadcastsi128_si256(
	    _mm_loadu_si128((const __m128i *)(const void *)s->hi));
	__m256i nib = _mm256_set1_epi8(0x0F), zero = _mm256_setzero_si256();

	while (end - p >= 32) {
		__m256i v = _mm256_loadu_si256((const __m256i *)(const void *)p);
		__m256i m = _mm256_and_si256(
		    _mm256_shuffle_epi8(lo, _mm256_and_si256(v, nib)),
		    _mm256_shuffle_epi8(hi, _mm256_and_si256(
		    _mm256_srli_epi16(v, 4), nib)));
		unsigned bits = ~(unsigned)_mm256_movemask_epi8(
		    _mm256_cmpeq_epi8(m, zero));

		for (; bits; bits &= bits - 1)
			if (s->in[(unsigned char)p[__builtin_ctz(bits)]])
				return p + __builtin_ctz(bits);
		p += 32;
	}
	return find_ssse3(s, p, end);
}

#endif /* X86 */

static const char *(*find_fn)(const struct dm_byteset *, const char *,
    const char *);

const char *
dm_byteset_find(const struct dm_byteset *s, const char *p, const char *end)
{
	if (find_fn == NULL) {
		find_fn = find_c;
#ifdef X86
		/* SSE2 alone has no byte shuffle: level 1 without SSSE3 keeps
		 * the plain loop. */
		if (dm_simd_level() >= 2)
			find_fn = find_avx2;
		else if (dm_simd_level() == 1 &&
		    __builtin_cpu_supports("ssse3"))
			find_fn = find_ssse3;
#endif
	}
	return find_fn(s, p, end);
}
