/* simd.c - wide scans of the read path: UTF-8 validation, code point counts */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define X86	1
#endif

#include "dm.h"
#include "simd.h"

/*
 * UTF-8 is validated with the lookup algorithm of Keiser and Lemire
 * ("Validating UTF-8 in less than one instruction per byte", 2021): each
 * byte, with the one before it, is looked up by nibble in three tables
 * whose AND is a set of error bits; the third and fourth bytes of a
 * sequence are checked against the bytes two and three before. The bytes
 * after the end are taken as zeros (ASCII), so a sequence cut by the end is
 * an error like one cut by an ASCII byte.
 */
#define TOO_SHORT	(1 << 0)	/* lead or ASCII, then lead */
#define TOO_LONG	(1 << 1)	/* ASCII, then continuation */
#define OVERLONG_3	(1 << 2)	/* 11100000 100_____ */
#define TOO_LARGE	(1 << 3)	/* above U+10FFFF */
#define SURROGATE	(1 << 4)	/* 11101101 101_____ */
#define OVERLONG_2	(1 << 5)	/* 1100000_ 10______ */
#define TOO_LARGE_1000	(1 << 6)
#define OVERLONG_4	(1 << 6)	/* 11110000 1000____ */
/* as a char: the tables are of chars, and 128 is not one */
#define TWO_CONTS	((char)(1 << 7)) /* continuation, then continuation */
#define CARRY		(TOO_SHORT | TOO_LONG | TWO_CONTS)

/* indexed by the high nibble of the first byte */
#define BYTE1_HIGH \
	TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, \
	TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, \
	TWO_CONTS, TWO_CONTS, TWO_CONTS, TWO_CONTS, \
	TOO_SHORT | OVERLONG_2, \
	TOO_SHORT, \
	TOO_SHORT | OVERLONG_3 | SURROGATE, \
	TOO_SHORT | TOO_LARGE | TOO_LARGE_1000 | OVERLONG_4
/* by the low nibble of the first byte */
#define BYTE1_LOW \
	CARRY | OVERLONG_3 | OVERLONG_2 | OVERLONG_4, \
	CARRY | OVERLONG_2, \
	CARRY, \
	CARRY, \
	CARRY | TOO_LARGE, \
	CARRY | TOO_LARGE | TOO_LARGE_1000, \
	CARRY | TOO_LARGE | TOO_LARGE_1000, \
	CARRY | TOO_LARGE | TOO_LARGE_1000, \
	CARRY | TOO_LARGE | TOO_LARGE_1000, \
	CARRY | TOO_LARGE | TOO_LARGE_1000, \
	CARRY | TOO_LARGE | TOO_LARGE_1000, \
	CARRY | TOO_LARGE | TOO_LARGE_1000, \
	CARRY | TOO_LARGE | TOO_LARGE_1000, \
	CARRY | TOO_LARGE | TOO_LARGE_1000 | SURROGATE, \
	CARRY | TOO_LARGE | TOO_LARGE_1000, \
	CARRY | TOO_LARGE | TOO_LARGE_1000
/* by the high nibble of the second byte */
#define BYTE2_HIGH \
	TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, \
	TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, \
	TOO_LONG | OVERLONG_2 | TWO_CONTS | OVERLONG_3 | TOO_LARGE_1000 | \
	    OVERLONG_4, \
	TOO_LONG | OVERLONG_2 | TWO_CONTS | OVERLONG_3 | TOO_LARGE, \
	TOO_LONG | OVERLONG_2 | TWO_CONTS | SURROGATE | TOO_LARGE, \
	TOO_LONG | OVERLONG_2 | TWO_CONTS | SURROGATE | TOO_LARGE, \
	TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT

/* ---- plain C ---- */

static int
valid_c(const char *s, size_t n)
{
	return dm_utf8_check(s, n) == n;
}

static size_t
count_c(const char *s, size_t n)
{
	return dm_utf8_count(s, n);
}

static const char *
strstop_c(const char *p, const char *end)
{
	while (p < end && *p != '"' && *p != '\\' &&
	    (unsigned char)*p >= 0x20)
		p++;
	return p;
}

/* The second bytes of the escapes a string scan steps over by itself:
 * \uXXXX (and a wrong escape) go back to the caller. */
static const unsigned char simpleesc[256] = {
	['"'] = 1, ['\\'] = 1, ['/'] = 1, ['b'] = 1, ['f'] = 1, ['n'] = 1,
	['r'] = 1, ['t'] = 1,
};

static const char *
strend_c(const char *p, const char *end)
{
	for (;;) {
		p = strstop_c(p, end);
		if (p >= end || *p != '\\' || p + 1 >= end ||
		    !simpleesc[(unsigned char)p[1]])
			return p;
		p += 2;
	}
}

static inline int
hexdigit(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The bytes of the escape at p (a backslash, before end) that make one
 * code point: 12 for a surrogate pair, 6 for \uXXXX, 2 for the others. */
static inline size_t
esclen(const char *p, const char *end)
{
	long u = 0;
	int i, h;

	if (p[1] != 'u' || end - p < 6)
		return 2;
	for (i = 2; i < 6; i++) {
		if ((h = hexdigit((unsigned char)p[i])) < 0)
			return 2;
		u = u * 16 + h;
	}
	return u >= 0xd800 && u <= 0xdbff && end - p >= 12 ? 12 : 6;
}

/* The code points of p[0..end) (counted by count) less what the escapes
 * from esc on take beyond one byte each. */
static size_t
strcount_tail(const char *p, const char *esc, const char *end,
    size_t (*count)(const char *, size_t))
{
	size_t k = count(p, (size_t)(end - p)), len;

	while (esc < end &&
	    (esc = memchr(esc, '\\', (size_t)(end - esc))) != NULL) {
		len = esclen(esc, end);
		k -= len - 1;
		esc += len;
	}
	return k;
}

static size_t
strcount_c(const char *p, const char *end)
{
	return strcount_tail(p, p, end, count_c);
}

#ifdef X86

/* ---- SSE2, and SSSE3 for the validation's table lookups ---- */

__attribute__((target("ssse3"))) static inline __m128i
check16(__m128i in, __m128i prev)
{
	const __m128i b1h = _mm_setr_epi8(BYTE1_HIGH);
	const __m128i b1l = _mm_setr_epi8(BYTE1_LOW);
	const __m128i b2h = _mm_setr_epi8(BYTE2_HIGH);
	const __m128i lo = _mm_set1_epi8(0x0F);
	__m128i prev1 = _mm_alignr_epi8(in, prev, 15);
	__m128i prev2 = _mm_alignr_epi8(in, prev, 14);
	__m128i prev3 = _mm_alignr_epi8(in, prev, 13);
	__m128i sc, must;

	sc = _mm_and_si128(_mm_and_si128(
	    _mm_shuffle_epi8(b1h, _mm_and_si128(_mm_srli_epi16(prev1, 4), lo)),
	    _mm_shuffle_epi8(b1l, _mm_and_si128(prev1, lo))),
	    _mm_shuffle_epi8(b2h, _mm_and_si128(_mm_srli_epi16(in, 4), lo)));
	/* the third and fourth bytes of a sequence are continuations */
	must = _mm_or_si128(_mm_subs_epu8(prev2, _mm_set1_epi8(0xE0 - 0x80)),
	    _mm_subs_epu8(prev3, _mm_set1_epi8((char)(0xF0 - 0x80))));
	must = _mm_and_si128(must, _mm_set1_epi8((char)0x80));
	return _mm_xor_si128(must, sc);
}

__attribute__((target("ssse3"))) static int
valid_ssse3(const char *s, size_t n)
{
	__m128i prev = _mm_setzero_si128(), err = _mm_setzero_si128(), in;
	char tail[16];
	size_t i = 0;
	int prevhigh = 0, high;

	for (;;) {
		if (i + 16 <= n)
			in = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
		else {
			memset(tail, 0, sizeof tail);
			if (i < n)
				memcpy(tail, s + i, n - i);
			in = _mm_loadu_si128((const __m128i *)(const void *)tail);
		}
		high = _mm_movemask_epi8(in);
		/* an ASCII block after an ASCII block has nothing to check */
		if (high | prevhigh)
			err = _mm_or_si128(err, check16(in, prev));
		if (i >= n)
			break;
		prev = in;
		prevhigh = high;
		i += 16;
	}
	return _mm_movemask_epi8(_mm_cmpeq_epi8(err, _mm_setzero_si128())) ==
	    0xFFFF;
}

static size_t
count_sse2(const char *s, size_t n)
{
	size_t i = 0, k = 0;
	int j;

	while (i + 16 <= n) {
		__m128i acc = _mm_setzero_si128(), sum;

		/* per-byte counters, summed before they can overflow */
		for (j = 0; j < 255 && i + 16 <= n; j++, i += 16) {
			__m128i v = _mm_loadu_si128((const __m128i *)
			    (const void *)(s + i));

			/* continuation bytes are 0x80-0xBF: signed, below -64 */
			acc = _mm_sub_epi8(acc,
			    _mm_cmpgt_epi8(v, _mm_set1_epi8(-65)));
		}
		sum = _mm_sad_epu8(acc, _mm_setzero_si128());
		k += (size_t)_mm_cvtsi128_si32(sum) +
		    (size_t)_mm_extract_epi16(sum, 4);
	}
	return k + dm_utf8_count(s + i, n - i);
}

static const char *
strstop_sse2(const char *p, const char *end)
{
	while (end - p >= 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
		__m128i m = _mm_or_si128(_mm_or_si128(
		    _mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
		    _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))),
		    _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1F)), v));
		int bits = _mm_movemask_epi8(m);

		if (bits)
			return p + __builtin_ctz((unsigned)bits);
		p += 16;
	}
	return strstop_c(p, end);
}

static const char *
strend_sse2(const char *p, const char *end)
{
	const char *r = end;
	char tail[16];
	unsigned bits, skip = 0, i;
	__m128i v;

	for (;;) {
		if (end - p >= 16)
			v = _mm_loadu_si128((const __m128i *)(const void *)p);
		else {
			memset(tail, '"', sizeof tail);
			if (p < end)
				memcpy(tail, p, (size_t)(end - p));
			v = _mm_loadu_si128((const __m128i *)(const void *)tail);
		}
		bits = (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(
		    _mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
		    _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))),
		    _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1F)), v)));
		bits &= ~0u << skip;
		skip = 0;
		while (bits) {
			i = (unsigned)__builtin_ctz(bits);
			r = p + i;
			if (r >= end)
				return end;
			if (*r != '\\' || r + 1 >= end ||
			    !simpleesc[(unsigned char)r[1]])
				return r;
			if (i + 2 >= 16) {
				skip = i + 2 - 16;
				break;
			}
			bits &= ~0u << (i + 2);
		}
		p += 16;
	}
}

static size_t
strcount_sse2(const char *p, const char *end)
{
	return strcount_tail(p, p, end, count_sse2);
}

/* ---- AVX2 ---- */

#define AVX2	__attribute__((target("avx2,popcnt,bmi")))

/* in's bytes shifted by k (1-3) with the last k bytes of prev before them */
#define PREV(in, prev, k) _mm256_alignr_epi8((in), \
	_mm256_permute2x128_si256((prev), (in), 0x21), 16 - (k))

AVX2 static inline __m256i
check32(__m256i in, __m256i prev)
{
	const __m256i b1h = _mm256_setr_epi8(BYTE1_HIGH, BYTE1_HIGH);
	const __m256i b1l = _mm256_setr_epi8(BYTE1_LOW, BYTE1_LOW);
	const __m256i b2h = _mm256_setr_epi8(BYTE2_HIGH, BYTE2_HIGH);
	const __m256i lo = _mm256_set1_epi8(0x0F);
	__m256i prev1 = PREV(in, prev, 1);
	__m256i prev2 = PREV(in, prev, 2);
	__m256i prev3 = PREV(in, prev, 3);
	__m256i sc, must;

	sc = _mm256_and_si256(_mm256_and_si256(
	    _mm256_shuffle_epi8(b1h,
	    _mm256_and_si256(_mm256_srli_epi16(prev1, 4), lo)),
	    _mm256_shuffle_epi8(b1l, _mm256_and_si256(prev1, lo))),
	    _mm256_shuffle_epi8(b2h,
	    _mm256_and_si256(_mm256_srli_epi16(in, 4), lo)));
	must = _mm256_or_si256(
	    _mm256_subs_epu8(prev2, _mm256_set1_epi8(0xE0 - 0x80)),
	    _mm256_subs_epu8(prev3, _mm256_set1_epi8((char)(0xF0 - 0x80))));
	must = _mm256_and_si256(must, _mm256_set1_epi8((char)0x80));
	return _mm256_xor_si256(must, sc);
}

/* check32 with its constants given: a loop that holds them in registers
 * rather than making them again for each block */
struct ktab {
	__m256i b1h, b1l, b2h, lo, e0, f0, hi;
};

AVX2 static inline __attribute__((always_inline)) __m256i
check32k(__m256i in, __m256i prev, const struct ktab *k)
{
	__m256i prev1 = PREV(in, prev, 1);
	__m256i prev2 = PREV(in, prev, 2);
	__m256i prev3 = PREV(in, prev, 3);
	__m256i sc, must;

	sc = _mm256_and_si256(_mm256_and_si256(
	    _mm256_shuffle_epi8(k->b1h,
	    _mm256_and_si256(_mm256_srli_epi16(prev1, 4), k->lo)),
	    _mm256_shuffle_epi8(k->b1l, _mm256_and_si256(prev1, k->lo))),
	    _mm256_shuffle_epi8(k->b2h,
	    _mm256_and_si256(_mm256_srli_epi16(in, 4), k->lo)));
	must = _mm256_or_si256(_mm256_subs_epu8(prev2, k->e0),
	    _mm256_subs_epu8(prev3, k->f0));
	must = _mm256_and_si256(must, k->hi);
	return _mm256_xor_si256(must, sc);
}

AVX2 static int
valid_avx2(const char *s, size_t n)
{
	__m256i prev = _mm256_setzero_si256(), err = _mm256_setzero_si256(), in;
	char tail[32];
	size_t i = 0;
	int prevhigh = 0, high;

	for (;;) {
		if (i + 32 <= n)
			in = _mm256_loadu_si256((const __m256i *)(const void *)(s + i));
		else {
			memset(tail, 0, sizeof tail);
			if (i < n)
				memcpy(tail, s + i, n - i);
			in = _mm256_loadu_si256((const __m256i *)(const void *)tail);
		}
		high = _mm256_movemask_epi8(in);
		if (high | prevhigh)
			err = _mm256_or_si256(err, check32(in, prev));
		if (i >= n)
			break;
		prev = in;
		prevhigh = high;
		i += 32;
	}
	return _mm256_testz_si256(err, err);
}

AVX2 static size_t
count_avx2(const char *s, size_t n)
{
	size_t i = 0, k = 0;

	for (; i + 32 <= n; i += 32) {
		__m256i v = _mm256_loadu_si256((const __m256i *)(const void *)(s + i));

		k += (size_t)__builtin_popcount((unsigned)_mm256_movemask_epi8(
		    _mm256_cmpgt_epi8(v, _mm256_set1_epi8(-65))));
	}
	return k + count_sse2(s + i, n - i);
}

AVX2 static const char *
strstop_avx2(const char *p, const char *end)
{
	while (end - p >= 32) {
		__m256i v = _mm256_loadu_si256((const __m256i *)(const void *)p);
		__m256i m = _mm256_or_si256(_mm256_or_si256(
		    _mm256_cmpeq_epi8(v, _mm256_set1_epi8('"')),
		    _mm256_cmpeq_epi8(v, _mm256_set1_epi8('\\'))),
		    _mm256_cmpeq_epi8(_mm256_min_epu8(v,
		    _mm256_set1_epi8(0x1F)), v));
		unsigned bits = (unsigned)_mm256_movemask_epi8(m);

		if (bits)
			return p + __builtin_ctz(bits);
		p += 32;
	}
	return strstop_sse2(p, end);
}

/*
 * The end of a string's body from p: its closing quote, or the first byte
 * that needs a closer look (a control character, a backslash before \u or
 * a wrong escape, end), the other escapes stepped over in the block where
 * they are found. With check, the UTF-8 of every block scanned is checked
 * on the way (the bytes before p are taken as ASCII, as the opening quote
 * or an escape's are) and *bad set on an error; a bad byte after the stop
 * in the last block may set it too, which only sends the caller to the
 * byte by byte scan.
 */
AVX2 static inline __attribute__((always_inline)) const char *
strend_avx2_t(const char *p, const char *end, int *bad, int check,
    int count, size_t *cp)
{
	const __m256i q = _mm256_set1_epi8('"'), bs = _mm256_set1_epi8('\\');
	const __m256i cc = _mm256_set1_epi8(0x1F);
	__m256i in, prev = _mm256_setzero_si256(), err = _mm256_setzero_si256();
	const char *r = end;
	char tail[32];
	unsigned bits, skip = 0, i, nc = 0;
	size_t k = 0;
	int high, prevhigh = 0;
	struct ktab kt;

	kt.b1h = _mm256_setr_epi8(BYTE1_HIGH, BYTE1_HIGH);
	kt.b1l = _mm256_setr_epi8(BYTE1_LOW, BYTE1_LOW);
	kt.b2h = _mm256_setr_epi8(BYTE2_HIGH, BYTE2_HIGH);
	kt.lo = _mm256_set1_epi8(0x0F);
	kt.e0 = _mm256_set1_epi8(0xE0 - 0x80);
	kt.f0 = _mm256_set1_epi8((char)(0xF0 - 0x80));
	kt.hi = _mm256_set1_epi8((char)0x80);
	if (check)	/* made once, kept in registers */
		__asm__("" : "+x"(kt.b1h), "+x"(kt.b1l), "+x"(kt.b2h),
		    "+x"(kt.lo), "+x"(kt.e0), "+x"(kt.f0), "+x"(kt.hi));
	for (;;) {
		if (end - p >= 32)
			in = _mm256_loadu_si256((const __m256i *)(const void *)p);
		else {
			memset(tail, '"', sizeof tail);
			if (p < end)
				memcpy(tail, p, (size_t)(end - p));
			in = _mm256_loadu_si256((const __m256i *)(const void *)tail);
		}
		if (check) {
			high = _mm256_movemask_epi8(in);
			if (high | prevhigh)
				err = _mm256_or_si256(err, check32k(in, prev, &kt));
			prev = in;
			prevhigh = high;
		}
		if (count)
			nc = (unsigned)_mm256_movemask_epi8(_mm256_cmpgt_epi8(in,
			    _mm256_set1_epi8(-65)));
		bits = (unsigned)_mm256_movemask_epi8(_mm256_or_si256(
		    _mm256_or_si256(_mm256_cmpeq_epi8(in, q),
		    _mm256_cmpeq_epi8(in, bs)),
		    _mm256_cmpeq_epi8(_mm256_min_epu8(in, cc), in)));
		bits &= ~0u << skip;
		skip = 0;
		while (bits) {
			i = (unsigned)__builtin_ctz(bits);
			r = p + i;
			if (r >= end) {
				r = end;
				goto out;
			}
			if (*r != '\\' || r + 1 >= end ||
			    !simpleesc[(unsigned char)r[1]])
				goto out;
			k--;	/* two bytes, one code point */
			if (i + 2 >= 32) {
				skip = i + 2 - 32;
				break;
			}
			bits &= ~0u << (i + 2);
		}
		if (count)
			k += (size_t)__builtin_popcount(nc);
		p += 32;
	}
out:
	if (check && !_mm256_testz_si256(err, err))
		*bad = 1;
	if (count)
		*cp += k + (size_t)__builtin_popcount(nc &
		    ((1u << (unsigned)(r - p)) - 1));
	return r;
}

AVX2 static const char *
strend_avx2(const char *p, const char *end)
{
	return strend_avx2_t(p, end, NULL, 0, 0, NULL);
}

AVX2 static const char *
strend8_avx2(const char *p, const char *end, int *bad)
{
	return strend_avx2_t(p, end, bad, 1, 0, NULL);
}

AVX2 static const char *
strendcp_avx2(const char *p, const char *end, int *bad, size_t *cp)
{
	return strend_avx2_t(p, end, bad, 1, 1, cp);
}

/* Code points and escapes in one pass: each block's count of bytes that
 * are not continuations, less what its escapes take beyond one byte. An
 * escape that runs into the next block has its rest skipped there. */
AVX2 static size_t
strcount_avx2(const char *p, const char *end)
{
	const __m256i bs = _mm256_set1_epi8('\\');
	const __m256i notcont = _mm256_set1_epi8(-65);
	size_t k = 0, len;
	unsigned bits, skip = 0, i;

	while (end - p >= 32) {
		__m256i v = _mm256_loadu_si256((const __m256i *)(const void *)p);

		k += (size_t)__builtin_popcount((unsigned)_mm256_movemask_epi8(
		    _mm256_cmpgt_epi8(v, notcont)));
		bits = (unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, bs)) &
		    (~0u << skip);
		skip = 0;
		while (bits) {
			i = (unsigned)__builtin_ctz(bits);
			len = esclen(p + i, end);
			k -= len - 1;
			if (i + len >= 32) {
				skip = i + (unsigned)len - 32;
				break;
			}
			bits &= ~0u << (i + len);
		}
		p += 32;
	}
	return k + strcount_tail(p, p + skip, end, count_sse2);
}

#endif /* X86 */

/* ---- choice ---- */

static int level = -1;
static int (*valid_fn)(const char *, size_t);
static size_t (*count_fn)(const char *, size_t);
static const char *(*strstop_fn)(const char *, const char *);
static const char *(*strend_fn)(const char *, const char *);
static const char *(*strend8_fn)(const char *, const char *, int *);
static const char *(*strendcp_fn)(const char *, const char *, int *,
    size_t *);
static size_t (*strcount_fn)(const char *, const char *);

/* Below AVX2: the string's end first, then its bytes checked. */
static const char *
strend8_any(const char *p, const char *end, int *bad)
{
	const char *r = strend_fn(p, end);

	if (!valid_fn(p, (size_t)(r - p)))
		*bad = 1;
	return r;
}

static const char *
strendcp_any(const char *p, const char *end, int *bad, size_t *cp)
{
	const char *r = strend8_any(p, end, bad);

	*cp += strcount_fn(p, r);
	return r;
}

static int
maxlevel(void)
{
#ifdef X86
	__builtin_cpu_init();
	if (__builtin_cpu_supports("avx512f"))
		return 3;
	return __builtin_cpu_supports("avx2") ? 2 : 1;	/* SSE2: x86-64 */
#else
	return 0;
#endif
}

int
dm_simd_set(int want)
{
	int max = maxlevel();

	level = want < 0 || want > max ? max : want;
	valid_fn = valid_c;
	count_fn = count_c;
	strstop_fn = strstop_c;
	strend_fn = strend_c;
	strend8_fn = strend8_any;
	strendcp_fn = strendcp_any;
	strcount_fn = strcount_c;
#ifdef X86
	if (level >= 2) {	/* the scans have no AVX-512 version */
		valid_fn = valid_avx2;
		count_fn = count_avx2;
		strstop_fn = strstop_avx2;
		strend_fn = strend_avx2;
		strend8_fn = strend8_avx2;
		strendcp_fn = strendcp_avx2;
		strcount_fn = strcount_avx2;
	} else if (level == 1) {
		if (__builtin_cpu_supports("ssse3"))
			valid_fn = valid_ssse3;
		count_fn = count_sse2;
		strstop_fn = strstop_sse2;
		strend_fn = strend_sse2;
		strcount_fn = strcount_sse2;
	}
#endif
	return level;
}

static void
choose(void)
{
	const char *want = getenv("DM_SIMD");

	if (want && strcmp(want, "none") == 0)
		dm_simd_set(0);
	else if (want && strcmp(want, "sse2") == 0)
		dm_simd_set(1);
	else if (want && strcmp(want, "avx2") == 0)
		dm_simd_set(2);
	else
		dm_simd_set(-1);
}

int
dm_simd_level(void)
{
	if (level < 0)
		choose();
	return level;
}

int
dm_simd_utf8_valid(const char *s, size_t n)
{
	if (valid_fn == NULL)
		choose();
	return valid_fn(s, n);
}

size_t
dm_simd_count(const char *s, size_t n)
{
	if (count_fn == NULL)
		choose();
	return count_fn(s, n);
}

const char *
dm_simd_strstop(const char *p, const char *end)
{
	if (strstop_fn == NULL)
		choose();
	return strstop_fn(p, end);
}

const char *
dm_simd_strend(const char *p, const char *end)
{
	if (strend_fn == NULL)
		choose();
	return strend_fn(p, end);
}

const char *
dm_simd_strend_utf8(const char *p, const char *end, int *bad)
{
	if (strend8_fn == NULL)
		choose();
	return strend8_fn(p, end, bad);
}

size_t
dm_simd_strcount(const char *p, const char *end)
{
	if (strcount_fn == NULL)
		choose();
	return strcount_fn(p, end);
}

const char *
dm_simd_strend_cp(const char *p, const char *end, int *bad, size_t *cp)
{
	if (strendcp_fn == NULL)
		choose();
	return strendcp_fn(p, end, bad, cp);
}

#ifdef X86
/* per-byte counters, summed before they can overflow */
AVX2 static size_t
newlines_avx2(const char *s, size_t n, size_t *pi)
{
	size_t i = 0, k = 0;
	int j;

	while (i + 32 <= n) {
		__m256i acc = _mm256_setzero_si256(), sum;

		for (j = 0; j < 255 && i + 32 <= n; j++, i += 32)
			acc = _mm256_sub_epi8(acc, _mm256_cmpeq_epi8(
			    _mm256_loadu_si256((const __m256i *)(const void *)
			    (s + i)), _mm256_set1_epi8('\n')));
		sum = _mm256_sad_epu8(acc, _mm256_setzero_si256());
		k += (size_t)_mm256_extract_epi64(sum, 0) +
		    (size_t)_mm256_extract_epi64(sum, 1) +
		    (size_t)_mm256_extract_epi64(sum, 2) +
		    (size_t)_mm256_extract_epi64(sum, 3);
	}
	*pi = i;
	return k;
}
#endif

size_t
dm_simd_newlines(const char *s, size_t n)
{
	size_t i = 0, k = 0;
#ifdef X86
	int j;

	if (dm_simd_level() >= 2)
		k = newlines_avx2(s, n, &i);
	/* DM_SIMD=none takes the plain loop below for the whole text */
	while (i + 16 <= n && dm_simd_level() > 0) {
		__m128i acc = _mm_setzero_si128(), sum;

		for (j = 0; j < 255 && i + 16 <= n; j++, i += 16) {
			__m128i v = _mm_loadu_si128((const __m128i *)
			    (const void *)(s + i));

			acc = _mm_sub_epi8(acc,
			    _mm_cmpeq_epi8(v, _mm_set1_epi8('\n')));
		}
		sum = _mm_sad_epu8(acc, _mm_setzero_si128());
		k += (size_t)_mm_cvtsi128_si32(sum) +
		    (size_t)_mm_extract_epi16(sum, 4);
	}
#endif
	for (; i < n; i++)
		k += s[i] == '\n';
	return k;
}
