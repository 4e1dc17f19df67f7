/* json.c - a validating scanner over raw JSON, and a compact writer */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <float.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "dm.h"
#include "rawtext.h"
#include "simd.h"

/* Deeper nesting is refused rather than risking the stack. */
#define MAXDEPTH 512

struct scan {
	const char	*s, *p, *end;
	struct dm_jerr	*e;
	int		 depth;
	int		 utf8ok;	/* s..end is known to be valid UTF-8 */
	int		 fused;		/* or is checked as the strings are */
	int		 bad;		/* and fused found it is not */
	size_t		*cp;		/* fused: a string value's code points */
	size_t		 ncp;		/* the last string's, counted */
};

static const char *value(struct scan *);

static const char *
fail(struct scan *sc, const char *at, const char *msg)
{
	if (sc->e) {
		sc->e->col = (size_t)(at - sc->s) + 1;
		sc->e->msg = msg;
	}
	return NULL;
}

static const char *
ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}


/* A hex digit's value plus one; 0 for any other byte. */
#define H(c, v)	[c] = (v) + 1
static const unsigned char hexv1[256] = {
	H('0', 0), H('1', 1), H('2', 2), H('3', 3), H('4', 4), H('5', 5),
	H('6', 6), H('7', 7), H('8', 8), H('9', 9),
	H('a', 10), H('b', 11), H('c', 12), H('d', 13), H('e', 14), H('f', 15),
	H('A', 10), H('B', 11), H('C', 12), H('D', 13), H('E', 14), H('F', 15),
};
#undef H

/* The four hex digits at p as a number, -1 when they are not. */
static inline long
hex4(const char *p, const char *end)
{
	unsigned a, b, c, d;

	if (end - p < 4)
		return -1;
	a = hexv1[(unsigned char)p[0]];
	b = hexv1[(unsigned char)p[1]];
	c = hexv1[(unsigned char)p[2]];
	d = hexv1[(unsigned char)p[3]];
	if (a == 0 || b == 0 || c == 0 || d == 0)
		return -1;
	return (long)((a - 1) << 12 | (b - 1) << 8 | (c - 1) << 4 | (d - 1));
}

/* 8 bytes at a time: does the word hold a quote, a backslash, a control
 * character or a non-ASCII byte? Those are the only bytes that need a look. */
#define ONES	0x0101010101010101ULL
#define HIGHS	0x8080808080808080ULL
static inline int
special8(uint64_t v)
{
	uint64_t q = v ^ (ONES * '"'), b = v ^ (ONES * '\\');

	return (((q - ONES) & ~q) | ((b - ONES) & ~b) |
	    ((v - ONES * 0x20) & ~v) | v) & HIGHS ? 1 : 0;
}

/* The same test for the writer: non-ASCII bytes need no escape. */
static inline int
needesc8(uint64_t v)
{
	uint64_t q = v ^ (ONES * '"'), b = v ^ (ONES * '\\');

	return (((q - ONES) & ~q) | ((b - ONES) & ~b) |
	    ((v - ONES * 0x20) & ~v)) & HIGHS ? 1 : 0;
}

/* p is at a backslash; returns the position after the escape. */
static const char *
escape(struct scan *sc, const char *p)
{
	const char *end = sc->end;
	long u, lo;

	if (p + 1 >= end)
		return fail(sc, p, "invalid JSON: unterminated string");
	switch (p[1]) {
	case '"': case '\\': case '/': case 'b': case 'f':
	case 'n': case 'r': case 't':
		return p + 2;
	case 'u':
		break;
	default:
		return fail(sc, p, "invalid JSON: invalid escape");
	}
	if ((u = hex4(p + 2, end)) < 0)
		return fail(sc, p, "invalid JSON: invalid \\u escape");
	if (u >= 0xdc00 && u <= 0xdfff)
		return fail(sc, p, "invalid JSON: lone surrogate in \\u escape");
	if (u >= 0xd800 && u <= 0xdbff) {
		if (end - p < 12 || p[6] != '\\' || p[7] != 'u' ||
		    (lo = hex4(p + 8, end)) < 0xdc00 || lo > 0xdfff)
			return fail(sc, p, "invalid JSON: lone surrogate in \\u escape");
		return p + 12;
	}
	return p + 6;
}

/* string() on text whose UTF-8 is known valid, or checked on the way
 * (fused): only quotes, backslashes and control characters need a look,
 * the widest scan finds them and steps over the simple escapes. p is
 * after the opening quote. */
static const char *
okstring(struct scan *sc, const char *p)
{
	const char *end = sc->end;

#ifdef __SSE2__
	/* A short ASCII string (most keys) ends in its first 16 bytes, found
	 * before the wide scan would have set up. */
	if (end - p >= 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
		unsigned bits = (unsigned)_mm_movemask_epi8(_mm_or_si128(
		    _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
		    _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))),
		    _mm_cmplt_epi8(v, _mm_set1_epi8(0x20))));

		if (bits && p[__builtin_ctz(bits)] == '"') {
			sc->ncp = (size_t)__builtin_ctz(bits);
			return p + sc->ncp + 1;
		}
	}
#endif
	sc->ncp = 0;
	for (;;) {
		if (sc->cp) {
			p = dm_simd_strend_cp(p, end, &sc->bad, &sc->ncp);
			if (sc->bad)
				return fail(sc, p, "invalid UTF-8 in string");
		} else if (sc->fused) {
			p = dm_simd_strend_utf8(p, end, &sc->bad);
			if (sc->bad)
				return fail(sc, p, "invalid UTF-8 in string");
		} else
			p = dm_simd_strend(p, end);
		if (p >= end)
			return fail(sc, p, "invalid JSON: unterminated string");
		if (*p == '"')
			return p + 1;
		if (*p != '\\')
			return fail(sc, p, "invalid JSON: control character in string");
		if ((p = escape(sc, p)) == NULL)
			return NULL;
		sc->ncp++;	/* \\uXXXX, or a surrogate pair: one */
	}
}

/* p is at the opening quote; returns the position after the closing one. */
static const char *
string(struct scan *sc, const char *p)
{
	const char *end = sc->end;
	int32_t cp;
	int k;

	p++;
	if (sc->utf8ok)
		return okstring(sc, p);
	for (;;) {
		uint64_t w;

#ifdef __SSE2__
		/* 16 bytes at a time: a signed compare below 0x20 catches
		 * control characters and every non-ASCII byte at once. */
		while (end - p >= 16) {
			__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
			__m128i m = _mm_or_si128(_mm_or_si128(
			    _mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
			    _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))),
			    _mm_cmplt_epi8(v, _mm_set1_epi8(0x20)));
			int bits = _mm_movemask_epi8(m);

			if (bits) {
				p += __builtin_ctz((unsigned)bits);
				break;
			}
			p += 16;
		}
#endif
		while (end - p >= 8) {
			memcpy(&w, p, 8);
			if (special8(w))
				break;
			p += 8;
		}
		if (p >= end)
			return fail(sc, p, "invalid JSON: unterminated string");
		unsigned char c = (unsigned char)*p;
		if (c == '"')
			return p + 1;
		if (c == '\\') {
			if ((p = escape(sc, p)) == NULL)
				return NULL;
			continue;
		}
		if (c < 0x20)
			return fail(sc, p, "invalid JSON: control character in string");
		if (c < 0x80) {
			p++;
			continue;
		}
		if ((k = dm_utf8_decode(p, (size_t)(end - p), &cp)) < 0)
			return fail(sc, p, "invalid UTF-8 in string");
		p += k;
	}
}

/* Whether the 8 bytes at p are all ASCII digits. */
static inline int
digits8(const char *p)
{
	uint64_t w;

	memcpy(&w, p, 8);
	return ((w & (ONES * 0xF0)) | (((w + ONES * 0x06) & (ONES * 0xF0)) >>
	    4)) == ONES * 0x33;
}

static const char *
number(struct scan *sc, const char *p)
{
	const char *end = sc->end, *q = p;

	if (q < end && *q == '-')
		q++;
	if (q >= end || *q < '0' || *q > '9')
		return fail(sc, p, "invalid JSON: invalid number");
	if (*q == '0')
		q++;
	else
		while (q < end && *q >= '0' && *q <= '9')
			q++;
	if (q < end && *q == '.') {
		q++;
		if (q >= end || *q < '0' || *q > '9')
			return fail(sc, p, "invalid JSON: invalid number");
		while (end - q >= 8 && digits8(q))
			q += 8;
		while (q < end && *q >= '0' && *q <= '9')
			q++;
	}
	if (q < end && (*q == 'e' || *q == 'E')) {
		q++;
		if (q < end && (*q == '+' || *q == '-'))
			q++;
		if (q >= end || *q < '0' || *q > '9')
			return fail(sc, p, "invalid JSON: invalid number");
		while (q < end && *q >= '0' && *q <= '9')
			q++;
	}
	return q;
}

static const char *
literal(struct scan *sc, const char *p, const char *word, size_t n)
{
	if ((size_t)(sc->end - p) < n || memcmp(p, word, n) != 0)
		return fail(sc, p, "invalid JSON: expected a value");
	return p + n;
}

static const char *
container(struct scan *sc, const char *p, int obj)
{
	const char *end = sc->end;
	char close = obj ? '}' : ']';

	if (++sc->depth > MAXDEPTH)
		return fail(sc, p, "invalid JSON: nesting too deep");
	p = ws(p + 1, end);
	if (p < end && *p == close) {
		sc->depth--;
		return p + 1;
	}
	for (;;) {
		if (obj) {
			if (p >= end)
				return fail(sc, p, "invalid JSON: unexpected end of line");
			if (*p != '"')
				return fail(sc, p, "invalid JSON: expected a string key");
			if ((p = string(sc, p)) == NULL)
				return NULL;
			p = ws(p, end);
			if (p >= end || *p != ':')
				return fail(sc, p, p >= end ?
				    "invalid JSON: unexpected end of line" :
				    "invalid JSON: expected ':'");
			p = ws(p + 1, end);
		}
		sc->p = p;
		if ((p = value(sc)) == NULL)
			return NULL;
		p = ws(p, end);
		if (p >= end)
			return fail(sc, p, "invalid JSON: unexpected end of line");
		if (*p == close) {
			sc->depth--;
			return p + 1;
		}
		if (*p != ',')
			return fail(sc, p, obj ? "invalid JSON: expected ',' or '}'" :
			    "invalid JSON: expected ',' or ']'");
		p = ws(p + 1, end);
	}
}

/* Scans the value at sc->p; returns the position after it. */
static const char *
value(struct scan *sc)
{
	const char *p = sc->p;

	if (p >= sc->end)
		return fail(sc, p, "invalid JSON: unexpected end of line");
	switch (*p) {
	case '{':
		return container(sc, p, 1);
	case '[':
		return container(sc, p, 0);
	case '"':
		return string(sc, p);
	case 't':
		return literal(sc, p, "true", 4);
	case 'f':
		return literal(sc, p, "false", 5);
	case 'n':
		return literal(sc, p, "null", 4);
	default:
		if (*p == '-' || (*p >= '0' && *p <= '9'))
			return number(sc, p);
		return fail(sc, p, "invalid JSON: expected a value");
	}
}

int
dm_json_check(const char *s, size_t n, struct dm_jerr *e)
{
	struct scan sc = { s, s, s + n, e, 0, 0, 0, 0, NULL, 0 };
	const char *p;

	sc.utf8ok = dm_simd_utf8_valid(s, n);
	sc.p = ws(s, s + n);
	if ((p = value(&sc)) == NULL)
		return -1;
	p = ws(p, s + n);
	if (p != s + n) {
		fail(&sc, p, "invalid JSON: unexpected characters after the value");
		return -1;
	}
	return 0;
}

typedef void (*memberfn)(void *, const char *, size_t, const char *, size_t);

/*
 * The members of an object, p after its brace and white space: fn gets
 * each one's key token and value span. With nfn, a member whose value is
 * an object has that object's members passed to nfn first (checked as
 * container() checks them). Returns the position of the closing brace.
 */
static const char *
members(struct scan *sc, const char *p, memberfn fn, memberfn nfn, void *arg)
{
	const char *end = sc->end, *k, *v;
	size_t klen;

	for (;;) {
		if (p >= end)
			return fail(sc, p, "invalid JSON: unexpected end of line");
		if (*p != '"')
			return fail(sc, p, "invalid JSON: expected a string key");
		k = p;
		if ((p = string(sc, p)) == NULL)
			return NULL;
		klen = (size_t)(p - k);
		p = ws(p, end);
		if (p >= end || *p != ':')
			return fail(sc, p, p >= end ?
			    "invalid JSON: unexpected end of line" :
			    "invalid JSON: expected ':'");
		v = sc->p = ws(p + 1, end);
		if (nfn && v < end && *v == '{') {
			if (++sc->depth > MAXDEPTH)
				return fail(sc, v, "invalid JSON: nesting too deep");
			p = ws(v + 1, end);
			if ((p >= end || *p != '}') &&
			    (p = members(sc, p, nfn, NULL, arg)) == NULL)
				return NULL;
			sc->depth--;
			p++;
		} else if ((p = value(sc)) == NULL)
			return NULL;
		if (sc->cp)
			*sc->cp = *v == '"' ? sc->ncp : SIZE_MAX;
		fn(arg, k, klen, v, (size_t)(p - v));
		p = ws(p, end);
		if (p >= end)
			return fail(sc, p, "invalid JSON: unexpected end of line");
		if (*p == '}')
			return p;
		if (*p != ',')
			return fail(sc, p, "invalid JSON: expected ',' or '}'");
		p = ws(p + 1, end);
	}
}

/* A top-level object's members, sc set up; 0 or -1. */
static int
walk(struct scan *sc, memberfn fn, memberfn nfn, void *arg)
{
	const char *p, *s = sc->s, *end = sc->end;

	p = ws(s, end);
	if (p >= end || *p != '{') {
		if (dm_json_check(s, (size_t)(end - s), sc->e) == 0) {
			sc->e->col = 0;
			sc->e->msg = "not a JSON object";
		}
		return -1;
	}
	p = ws(p + 1, end);
	if ((p >= end || *p != '}') &&
	    (p = members(sc, p, fn, nfn, arg)) == NULL)
		return -1;
	p = ws(p + 1, end);
	if (p != end) {
		fail(sc, p, "invalid JSON: unexpected characters after the object");
		return -1;
	}
	return 0;
}

static void
ignore(void *arg, const char *k, size_t klen, const char *v, size_t vlen)
{
	(void)arg, (void)k, (void)klen, (void)v, (void)vlen;
}

/*
 * For sample.c: walks a top-level object, calling fn for each member with
 * the key token and the value's span, and with nfn, nfn for the members
 * of each member that is an object, before fn for it. Returns 0, or -1
 * with e filled. With cp, *cp is set before each call to the code points
 * of a string value counted on the way, or to SIZE_MAX.
 */
int
dm_json_members_cp(const char *s, size_t n, struct dm_jerr *e, memberfn fn,
    memberfn nfn, void *arg, size_t *cp)
{
	struct scan sc = { s, s, s + n, e, 1, 0, 0, 0, NULL, 0 };

	/*
	 * With AVX2 the strings' UTF-8 is checked as they are scanned, once
	 * (bytes outside strings must be ASCII, else the JSON is wrong). A
	 * line that fails is walked again as without: its UTF-8 checked at
	 * once, and when it is not valid its strings byte by byte, to report
	 * where it first goes wrong; the members were given out already.
	 */
	if (dm_simd_level() >= 2) {
		sc.utf8ok = sc.fused = 1;
		sc.cp = cp;
		if (walk(&sc, fn, nfn, arg) == 0)
			return 0;
		sc.utf8ok = dm_simd_utf8_valid(s, n);
		sc.fused = sc.bad = 0;
		sc.cp = NULL;
		sc.depth = 1;
		/* it fails there too, with the message to give */
		(void)walk(&sc, ignore, nfn ? ignore : NULL, arg);
		return -1;
	}
	sc.utf8ok = dm_simd_utf8_valid(s, n);
	return walk(&sc, fn, nfn, arg);
}

int
dm_json_members_nest(const char *s, size_t n, struct dm_jerr *e, memberfn fn,
    memberfn nfn, void *arg)
{
	return dm_json_members_cp(s, n, e, fn, nfn, arg, NULL);
}

int
dm_json_members(const char *s, size_t n, struct dm_jerr *e, memberfn fn,
    void *arg)
{
	return dm_json_members_nest(s, n, e, fn, NULL, arg);
}

static const char delim[256] = {
	[','] = 1, ['}'] = 1, [']'] = 1, [' '] = 1, ['\t'] = 1, ['\n'] = 1,
	['\r'] = 1, [':'] = 1,
};

/* The end of the checked value at p: no byte is looked at twice and none
 * is checked again. */
static const char *
skipchecked(const char *p, const char *end)
{
	int depth = 0;

	do {
		switch (*p) {
		case '"':
			for (p++;;) {
				p = dm_simd_strend(p, end);
				if (p >= end || *p == '"')
					break;
				p += 2;	/* \\uXXXX: its digits go on as text */
			}
			p++;
			break;
		case '{':
		case '[':
			depth++;
			p++;
			break;
		case '}':
		case ']':
			depth--;
			p++;
			break;
		case ',': case ':': case ' ': case '\t': case '\n': case '\r':
			p++;
			break;
		default:
			/* a number or a literal: up to a delimiter; the
			 * digits of a fraction eight at a time */
			while (p < end && !delim[(unsigned char)*p])
				if (*p++ == '.')
					while (end - p >= 8 && digits8(p))
						p += 8;
			break;
		}
	} while (depth > 0 && p < end);
	return p;
}

int
dm_json_members_checked(const char *s, size_t n,
    void (*fn)(void *, const char *, size_t, const char *, size_t), void *arg)
{
	const char *p, *end = s + n, *k, *kend, *v;

	p = ws(s, end);
	if (p >= end || *p != '{')
		return -1;
	p = ws(p + 1, end);
	while (p < end && *p == '"') {
		k = p;
		kend = p = skipchecked(p, end);
		p = ws(p, end);
		if (p >= end || *p != ':')
			return -1;
		v = ws(p + 1, end);
		p = skipchecked(v, end);
		fn(arg, k, (size_t)(kend - k), v, (size_t)(p - v));
		p = ws(p, end);
		if (p < end && *p == ',')
			p = ws(p + 1, end);
	}
	return 0;
}

/*
 * A number of at most 15 digits, with no exponent, is its digits as an
 * integer (exact below 2^53) divided by a power of ten (exact up to 1e22),
 * and that one division rounds correctly: what strtod gives. Up to 19
 * digits, where x86's long double holds the digits and the power of ten
 * exactly, one division rounds to 64 bits; rounding that again to the
 * double's 53 is right unless the 11 bits between fall next to a half
 * (0x3FF-0x401), and those few go to strtod, as does anything longer.
 * (valgrind computes long doubles as doubles: under it, 16 to 19 digits
 * may be read one unit off in the last place.)
 */
/* The value of the eight ASCII digits at p. */
static inline uint64_t
parse8(const char *p)
{
	uint64_t w;

	memcpy(&w, p, 8);
	w = (w & 0x0F0F0F0F0F0F0F0FULL) * 2561 >> 8;
	w = (w & 0x00FF00FF00FF00FFULL) * 6553601 >> 16;
	return (w & 0x0000FFFF0000FFFFULL) * 42949672960001ULL >> 32;
}

/* The digits at p, at most up to end (NULL: no bound known, one at a
 * time) and up to 20 in all with the nd already read, into *m. */
static inline const char *
digits(const char *p, const char *end, uint64_t *m, int *nd)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (end)
		while (*nd <= 11 && end - p >= 8 && digits8(p)) {
			*m = *m * 100000000 + parse8(p);
			*nd += 8;
			p += 8;
		}
#else
	(void)end;
#endif
	for (; *p >= '0' && *p <= '9' && *nd < 20; p++, (*nd)++)
		*m = *m * 10 + (uint64_t)(*p - '0');
	return p;
}

static double
numparse(const char *tok, const char *end)
{
	static const double p10[] = {
		1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
		1e11, 1e12, 1e13, 1e14, 1e15
	};
	const char *p = tok;
	uint64_t m = 0;
	int neg = 0, nd = 0, frac = 0;
	double v;

	if (*p == '-') {
		neg = 1;
		p++;
	}
	p = digits(p, end, &m, &nd);
	if (*p == '.') {
		frac = nd;
		p = digits(p + 1, end, &m, &nd);
		frac = nd - frac;
	}
	if (nd == 0 || nd > 19 || (*p >= '0' && *p <= '9') || *p == 'e' ||
	    *p == 'E')
		return strtod(tok, NULL);
	if (nd <= 15) {
		v = (double)m / p10[frac];
		return neg ? -v : v;
	}
#if defined(__x86_64__) && LDBL_MANT_DIG == 64
	{
		static const long double p10l[] = {
			1e0L, 1e1L, 1e2L, 1e3L, 1e4L, 1e5L, 1e6L, 1e7L, 1e8L,
			1e9L, 1e10L, 1e11L, 1e12L, 1e13L, 1e14L, 1e15L, 1e16L,
			1e17L, 1e18L, 1e19L
		};
		long double q = (long double)m / p10l[frac];
		uint64_t mant;
		unsigned low;

		memcpy(&mant, &q, sizeof mant);	/* the 64-bit mantissa */
		low = (unsigned)(mant & 0x7FF);
		if (low < 0x3FF || low > 0x401) {
			v = (double)q;
			return neg ? -v : v;
		}
	}
#endif
	return strtod(tok, NULL);
}

double
dm_json_num(const char *tok)
{
	return numparse(tok, NULL);
}

double
dm_json_numn(const char *tok, size_t n)
{
	return numparse(tok, tok + n);
}

int
dm_json_string(const char *tok, size_t toklen, struct dm_buf *out,
    const char **sp, size_t *lenp)
{
	const char *p, *end, *q;
	char *o;
	long u, lo;
#ifdef __SSE2__
	__m128i x;
	unsigned bits;
#endif

	if (toklen < 2 || tok[0] != '"' || tok[toklen - 1] != '"')
		return -1;
	p = tok + 1;
	end = tok + toklen - 1;
	q = memchr(p, '\\', (size_t)(end - p));
	if (q == NULL) {
		*sp = p;
		*lenp = (size_t)(end - p);
		return 0;
	}
	/* decoded, the string is no longer than its token; the 16 bytes
	 * more let the loop below store 16 bytes at a time */
	dm_buf_reset(out);
	dm_buf_grow(out, (size_t)(end - p) + 16);
	o = out->buf;
	memcpy(o, p, (size_t)(q - p));
	o += q - p;
	p = q;
	for (;;) {
		/* p at a backslash */
		switch (p[1]) {
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		case 't': *o++ = '\t'; break;
		case 'u':
			if ((u = hex4(p + 2, end)) < 0)
				return -1;
			if (u >= 0xd800 && u <= 0xdbff) {
				if (end - p < 12 || (lo = hex4(p + 8, end)) < 0xdc00 ||
				    lo > 0xdfff)
					return -1;
				u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
				p += 6;
			} else if (u >= 0xdc00 && u <= 0xdfff)
				return -1;
			o += dm_utf8_encode((int32_t)u, o);
			p += 4;
			break;
		default:
			*o++ = p[1];
			break;
		}
		p += 2;
		if (p >= end)
			break;
#ifdef __SSE2__
		/* the text up to the next backslash, 16 bytes at a time (a
		 * call of memchr a line of text took longer) */
		bits = 0;
		while (end - p >= 16) {
			x = _mm_loadu_si128((const __m128i *)(const void *)p);
			_mm_storeu_si128((__m128i *)(void *)o, x);
			if ((bits = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x,
			    _mm_set1_epi8('\\')))) != 0)
				break;
			p += 16;
			o += 16;
		}
		if (bits != 0) {
			o += __builtin_ctz(bits);
			p += __builtin_ctz(bits);
			continue;
		}
#endif
		if ((q = memchr(p, '\\', (size_t)(end - p))) == NULL)
			q = end;
		memcpy(o, p, (size_t)(q - p));
		o += q - p;
		if ((p = q) >= end)
			break;
	}
	*o = '\0';
	out->len = (size_t)(o - out->buf);
	*sp = out->buf;
	*lenp = out->len;
	return 0;
}

/*
 * Every byte of the token that is not a UTF-8 continuation byte is a code
 * point of the decoded string, but for the escapes: \\n (2 bytes) is one,
 * \\uXXXX (6) one, a surrogate pair \\uD83D\\uDE00 (12) one.
 */
size_t
dm_json_strcount(const char *raw, size_t n)
{
	if (n < 2)
		return 0;
	return dm_simd_strcount(raw + 1, raw + n - 1);
}

/* Bytes that must be escaped in a JSON string: 1 for a short escape
 * letter, 'u' for \u00XX. */
static const char esc[256] = {
	['\b'] = 'b', ['\f'] = 'f', ['\n'] = 'n', ['\r'] = 'r', ['\t'] = 't',
	['"'] = '"', ['\\'] = '\\',
	[0] = 'u', [1] = 'u', [2] = 'u', [3] = 'u', [4] = 'u', [5] = 'u',
	[6] = 'u', [7] = 'u', [11] = 'u', [14] = 'u', [15] = 'u', [16] = 'u',
	[17] = 'u', [18] = 'u', [19] = 'u', [20] = 'u', [21] = 'u', [22] = 'u',
	[23] = 'u', [24] = 'u', [25] = 'u', [26] = 'u', [27] = 'u', [28] = 'u',
	[29] = 'u', [30] = 'u', [31] = 'u',
};

void
dm_json_addstr(struct dm_buf *b, const char *s, size_t n)
{
	const char *p = s, *end = s + n, *run;
	char *o;

	/* Worst case 6 bytes a byte; grow once for the common case. */
	dm_buf_grow(b, n + n / 8 + 2);
	dm_buf_addc(b, '"');
	while (p < end) {
		run = p;
#ifdef __SSE2__
		while (end - p >= 16) {
			__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
			__m128i ctl = _mm_and_si128(
			    _mm_cmplt_epi8(v, _mm_set1_epi8(0x20)),
			    _mm_cmpgt_epi8(v, _mm_set1_epi8(-1)));
			__m128i m = _mm_or_si128(_mm_or_si128(
			    _mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
			    _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))), ctl);

			if (_mm_movemask_epi8(m))
				break;
			p += 16;
		}
#endif
		while (end - p >= 8) {
			uint64_t w;

			memcpy(&w, p, 8);
			if (needesc8(w))
				break;
			p += 8;
		}
		while (p < end && !esc[(unsigned char)*p])
			p++;
		dm_buf_add(b, run, (size_t)(p - run));
		if (p >= end)
			break;
		dm_buf_grow(b, 6);
		o = b->buf + b->len;
		if (esc[(unsigned char)*p] == 'u') {
			snprintf(o, 7, "\\u%04x", (unsigned char)*p);
			b->len += 6;
		} else {
			o[0] = '\\';
			o[1] = esc[(unsigned char)*p];
			o[2] = '\0';
			b->len += 2;
		}
		p++;
	}
	dm_buf_addc(b, '"');
}

/* Reals as Python's repr writes them: the shortest digits that read back
 * the same, positional notation for exponents from -4 to 15. */
static void
addreal(struct dm_buf *b, double d)
{
	char tmp[48], digits[24];
	int prec, exp, nd, i, neg;
	char *e;

	if (!isfinite(d)) {
		dm_buf_adds(b, "null");
		return;
	}
	for (prec = 0; prec < 17; prec++) {
		snprintf(tmp, sizeof tmp, "%.*e", prec, d);
		if (strtod(tmp, NULL) == d)
			break;
	}
	/* tmp is [-]D[.DDD]e[+-]XX */
	neg = tmp[0] == '-';
	e = strchr(tmp, 'e');
	exp = atoi(e + 1);
	nd = 0;
	for (i = neg; tmp + i < e; i++)
		if (tmp[i] != '.')
			digits[nd++] = tmp[i];
	while (nd > 1 && digits[nd - 1] == '0')
		nd--;
	if (neg)
		dm_buf_addc(b, '-');
	if (exp < -4 || exp >= 16) {
		dm_buf_addc(b, digits[0]);
		if (nd > 1) {
			dm_buf_addc(b, '.');
			dm_buf_add(b, digits + 1, (size_t)nd - 1);
		}
		dm_buf_addf(b, "e%c%02d", exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
	} else if (exp < 0) {
		dm_buf_adds(b, "0.");
		for (i = 0; i < -exp - 1; i++)
			dm_buf_addc(b, '0');
		dm_buf_add(b, digits, (size_t)nd);
	} else {
		for (i = 0; i <= exp; i++)
			dm_buf_addc(b, i < nd ? digits[i] : '0');
		dm_buf_addc(b, '.');
		if (nd > exp + 1)
			dm_buf_add(b, digits + exp + 1, (size_t)(nd - exp - 1));
		else
			dm_buf_addc(b, '0');
	}
}

void
dm_json_addval(struct dm_buf *b, const json_t *v)
{
	const char *key;
	json_t *x;
	size_t i;
	void *it;
	int first;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		dm_buf_addc(b, '{');
		first = 1;
		for (it = json_object_iter((json_t *)v); it;
		    it = json_object_iter_next((json_t *)v, it)) {
			if (!first)
				dm_buf_addc(b, ',');
			first = 0;
			key = json_object_iter_key(it);
			dm_json_addstr(b, key, json_object_iter_key_len(it));
			dm_buf_addc(b, ':');
			dm_json_addval(b, json_object_iter_value(it));
		}
		dm_buf_addc(b, '}');
		break;
	case JSON_ARRAY:
		dm_buf_addc(b, '[');
		json_array_foreach(v, i, x) {
			if (i)
				dm_buf_addc(b, ',');
			dm_json_addval(b, x);
		}
		dm_buf_addc(b, ']');
		break;
	case JSON_STRING:
		dm_json_addstr(b, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		dm_buf_addf(b, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		break;
	case JSON_REAL:
		addreal(b, json_real_value(v));
		break;
	case JSON_TRUE:
		dm_buf_adds(b, "true");
		break;
	case JSON_FALSE:
		dm_buf_adds(b, "false");
		break;
	case JSON_NULL:
		dm_buf_adds(b, "null");
		break;
	}
}

/* Copies raw[0..n) to o without the white space between tokens; returns
 * the end of what it wrote. o may be raw: the bytes only move down. */
static char *
compactto(char *o, const char *raw, size_t n)
{
	const char *p = raw, *end = raw + n, *run;

	while (p < end) {
		run = p;
		while (p < end && *p != '"' && *p != ' ' && *p != '\t' &&
		    *p != '\n' && *p != '\r')
			p++;
		if (p < end && *p == '"') {
			/* copy the whole string token */
			p++;
			for (;;) {
				const char *q = memchr(p, '"', (size_t)(end - p));
				const char *bs;
				size_t nb = 0;

				if (q == NULL) {
					p = end;
					break;
				}
				for (bs = q; bs > p && bs[-1] == '\\'; bs--)
					nb++;
				p = q + 1;
				if (nb % 2 == 0)
					break;
			}
			if (o != run)
				memmove(o, run, (size_t)(p - run));
			o += p - run;
			continue;
		}
		if (o != run)
			memmove(o, run, (size_t)(p - run));
		o += p - run;
		while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' ||
		    *p == '\r'))
			p++;
	}
	return o;
}

void
dm_json_addcompact(struct dm_buf *b, const char *raw, size_t n)
{
	dm_buf_grow(b, n);
	b->len = (size_t)(compactto(b->buf + b->len, raw, n) - b->buf);
	b->buf[b->len] = '\0';
}

void
dm_json_compact(struct dm_buf *b)
{
	if (b->len == 0)
		return;
	b->len = (size_t)(compactto(b->buf, b->buf, b->len) - b->buf);
	b->buf[b->len] = '\0';
}

/* Builds jansson values from checked raw JSON; big, when not NULL, makes
 * the value of a number jansson cannot hold (see dm_json_parse_big). */
static json_t *
build(const char **pp, const char *end, dm_json_bigfn big, struct dm_buf *tmp,
    struct dm_buf *err)
{
	const char *p = ws(*pp, end), *q, *s;
	struct scan sc = { p, p, end, NULL, 0, 1, 0, 0, NULL, 0 };
	json_t *v, *x;
	size_t n;

	switch (*p) {
	case '{':
	case '[':
		v = *p == '{' ? json_object() : json_array();
		p = ws(p + 1, end);
		while (*p != '}' && *p != ']') {
			if (json_is_object(v)) {
				q = string(&sc, p);
				if (dm_json_string(p, (size_t)(q - p), tmp, &s, &n) < 0)
					goto bad;
				char *key = dm_xstrndup(s, n);
				p = ws(ws(q, end) + 1, end);
				if ((x = build(&p, end, big, tmp, err)) == NULL) {
					free(key);
					json_decref(v);
					return NULL;
				}
				json_object_setn_new_nocheck(v, key, n, x);
				free(key);
			} else {
				if ((x = build(&p, end, big, tmp, err)) == NULL) {
					json_decref(v);
					return NULL;
				}
				json_array_append_new(v, x);
			}
			p = ws(p, end);
			if (*p == ',')
				p = ws(p + 1, end);
		}
		*pp = p + 1;
		return v;
	case '"':
		q = string(&sc, p);
		if (dm_json_string(p, (size_t)(q - p), tmp, &s, &n) < 0)
			goto bad;
		*pp = q;
		return json_stringn_nocheck(s, n);
	case 't':
		*pp = p + 4;
		return json_true();
	case 'f':
		*pp = p + 5;
		return json_false();
	case 'n':
		*pp = p + 4;
		return json_null();
	default:
		q = number(&sc, p);
		{
			char *t = dm_xstrndup(p, (size_t)(q - p));
			char *e;
			long long iv;
			double d;

			*pp = q;
			if (strpbrk(t, ".eE") == NULL) {
				errno = 0;
				iv = strtoll(t, &e, 10);
				if (errno == 0) {
					free(t);
					return json_integer((json_int_t)iv);
				}
			}
			d = strtod(t, NULL);
			if (big != NULL && (isinf(d) || strpbrk(t, ".eE") ==
			    NULL)) {
				v = big(t, (size_t)(q - p));
				free(t);
				return v;
			}
			/* jansson holds no infinity: a number past the range
			 * of a double (1e400, valid JSON, Python's inf) is
			 * the largest double of its sign, not an error that
			 * rejects the sample */
			if (isinf(d))
				d = d > 0 ? DBL_MAX : -DBL_MAX;
			v = json_real(d);
			free(t);
			if (v == NULL)
				dm_buf_adds(err, "number out of range");
			return v;
		}
	}
bad:
	dm_buf_adds(err, "invalid JSON string");
	return NULL;
}

json_t *
dm_json_parse_big(const char *raw, size_t n, dm_json_bigfn big,
    struct dm_buf *err)
{
	struct dm_buf tmp = DM_BUF_INIT;
	struct dm_jerr e;
	const char *p = raw;
	json_t *v;

	if (dm_json_check(raw, n, &e) < 0) {
		dm_buf_adds(err, e.msg);
		return NULL;
	}
	v = build(&p, raw + n, big, &tmp, err);
	dm_buf_free(&tmp);
	return v;
}

json_t *
dm_json_parse(const char *raw, size_t n, struct dm_buf *err)
{
	return dm_json_parse_big(raw, n, NULL, err);
}

const char *
dm_json_getstr(const json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

int
dm_json_index(const char *raw, size_t n, size_t idx, const char **v,
    size_t *vlen)
{
	struct scan sc = { raw, raw, raw + n, NULL, 0, 0, 0, 0, NULL, 0 };
	const char *p = ws(raw, raw + n), *end = raw + n, *q;
	size_t i = 0;

	if (p >= end || *p != '[')
		return -1;
	p = ws(p + 1, end);
	if (p < end && *p == ']')
		return -1;
	for (;;) {
		sc.p = p;
		if ((q = value(&sc)) == NULL)
			return -1;
		if (i++ == idx) {
			*v = p;
			*vlen = (size_t)(q - p);
			return 0;
		}
		p = ws(q, end);
		if (p >= end || *p != ',')
			return -1;
		p = ws(p + 1, end);
	}
}
