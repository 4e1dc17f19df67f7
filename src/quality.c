/* quality.c - words, sentences, lines and duplicates as datatrove sees them */
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define X86	1
#endif

#include "byteset.h"
#include "dm.h"
#include "ngramset.h"
#include "quality.h"
#include "simd.h"

/* For the few helpers of the word loop that it calls for every chunk. */
#define ALWAYS_INLINE	__attribute__((always_inline)) static inline

/* ---- small things ---- */

/* Classes of ASCII bytes, so that the passes below test a byte with one
 * load instead of a strchr. */
enum {
	B_PAD1 = 1 << 0,	/* ; @ # $ % & ? ! padded by one pass */
	B_PAD2 = 1 << 1,	/* * and brackets, padded by another */
	B_OPEN = 1 << 2,	/* space ( [ { < before an opening quote */
	B_CONTR = 1 << 3,	/* first letters of the contractions */
	B_NONWORD = 1 << 4,	/* punkt: cannot appear inside a word */
	B_NOSTART = 1 << 5,	/* punkt: cannot start a word */
	B_CLOSE = 1 << 6,	/* closers after a final period */
	B_SPACE = 1 << 7	/* str.isspace() */
};

static const unsigned char bcls[256] = {
	[';'] = B_PAD1 | B_NONWORD | B_NOSTART,
	['@'] = B_PAD1 | B_NONWORD | B_NOSTART,
	['#'] = B_PAD1 | B_NOSTART, ['$'] = B_PAD1, ['%'] = B_PAD1,
	['&'] = B_PAD1 | B_NOSTART,
	['?'] = B_PAD1 | B_NONWORD, ['!'] = B_PAD1 | B_NONWORD,
	['*'] = B_PAD2 | B_NONWORD | B_NOSTART,
	['['] = B_PAD2 | B_OPEN | B_NONWORD | B_NOSTART,
	[']'] = B_PAD2 | B_NONWORD | B_NOSTART | B_CLOSE,
	['('] = B_PAD2 | B_OPEN | B_NONWORD | B_NOSTART,
	[')'] = B_PAD2 | B_NONWORD | B_NOSTART | B_CLOSE,
	['{'] = B_PAD2 | B_OPEN | B_NONWORD | B_NOSTART,
	['}'] = B_PAD2 | B_NONWORD | B_NOSTART | B_CLOSE,
	['<'] = B_PAD2 | B_OPEN, ['>'] = B_PAD2 | B_CLOSE,
	[' '] = B_OPEN | B_CLOSE | B_SPACE,
	['\t'] = B_SPACE, ['\n'] = B_SPACE, ['\v'] = B_SPACE,
	['\f'] = B_SPACE, ['\r'] = B_SPACE, [0x1C] = B_SPACE,
	[0x1D] = B_SPACE, [0x1E] = B_SPACE, [0x1F] = B_SPACE,
	['"'] = B_NONWORD | B_NOSTART | B_CLOSE,
	['\''] = B_NONWORD | B_CLOSE,
	[':'] = B_NONWORD | B_NOSTART, ['`'] = B_NOSTART,
	['-'] = B_NOSTART, [','] = B_NOSTART,
	['c'] = B_CONTR, ['C'] = B_CONTR, ['d'] = B_CONTR, ['D'] = B_CONTR,
	['g'] = B_CONTR, ['G'] = B_CONTR, ['l'] = B_CONTR, ['L'] = B_CONTR,
	['m'] = B_CONTR, ['M'] = B_CONTR, ['w'] = B_CONTR, ['W'] = B_CONTR,
};

#define BCLS(c, f)	(bcls[(unsigned char)(c)] & (f))

/* The bits of v set in [b, e), b < e. */
static size_t
bitcount(const uint64_t *v, size_t b, size_t e)
{
	size_t k = b / 64, last = (e - 1) / 64, c = 0;
	uint64_t x = v[k] & (~(uint64_t)0 << b % 64);

	for (; k < last; x = v[++k])
		c += x ? dm_q_popcount(x) : 0;
	x &= ~(uint64_t)0 >> (63 - (e - 1) % 64);
	return c + (x ? dm_q_popcount(x) : 0);
}

/* The first bit of v ^ flip at i or after, or lim when none is before
 * it: flip 0 finds a bit set, ~0 a bit clear. */
ALWAYS_INLINE size_t
bitfind(const uint64_t *v, uint64_t flip, size_t i, size_t lim)
{
	size_t k = i / 64;
	uint64_t x;

	if (i >= lim)
		return lim;
	for (x = (v[k] ^ flip) & (~(uint64_t)0 << i % 64); x == 0;
	    x = v[k] ^ flip)
		if (++k * 64 >= lim)
			return lim;
	i = k * 64 + (size_t)__builtin_ctzll(x);
	return i < lim ? i : lim;
}

/* The first bit set in v at i or after, or lim when none is before it. */
ALWAYS_INLINE size_t
bitnext(const uint64_t *v, size_t i, size_t lim)
{
	return bitfind(v, 0, i, lim);
}

/* The first bit clear in v at i or after, or lim when none is before
 * it. */
ALWAYS_INLINE size_t
bitnext0(const uint64_t *v, size_t i, size_t lim)
{
	return bitfind(v, ~(uint64_t)0, i, lim);
}

/* One past the last bit set in v in [lo, i), or lo when none is. */
ALWAYS_INLINE size_t
bitprev(const uint64_t *v, size_t lo, size_t i)
{
	size_t k, j;
	uint64_t x;

	if (i <= lo)
		return lo;
	k = (i - 1) / 64;
	for (x = v[k] & (~(uint64_t)0 >> (63 - (i - 1) % 64)); x == 0;
	    x = v[--k])
		if (k * 64 <= lo)
			return lo;
	j = k * 64 + 63 - (size_t)__builtin_clzll(x);
	return j >= lo ? j + 1 : lo;
}

/* dm_q_spans_add(), inline for the sentences' loops. */
static inline void
spans_push(struct dm_q_spans *v, size_t b, size_t e)
{
	if (v->n == v->cap) {
		v->cap = v->cap ? 2 * v->cap : 64;
		v->v = dm_xreallocarray(v->v, v->cap, sizeof *v->v);
	}
	v->v[v->n].b = b;
	v->v[v->n].e = e;
	v->n++;
}

void
dm_q_spans_add(struct dm_q_spans *v, size_t b, size_t e)
{
	spans_push(v, b, e);
}

void
dm_q_spans_free(struct dm_q_spans *v)
{
	free(v->v);
	memset(v, 0, sizeof *v);
}

/* ASCII white space: what cuts a sentence into chunks below. */
static int
chunkspace(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* The start of the code point that ends at s[i - 1] (i > 0). */
static size_t
cpstart(const char *s, size_t i)
{
	size_t j = i - 1;

	while (j > 0 && ((unsigned char)s[j] & 0xC0) == 0x80 && i - j < 4)
		j--;
	return j;
}

static int
isspacecp(int32_t c)
{
	if (c < 0x80)
		return BCLS(c, B_SPACE) != 0;
	return dm_uni_isspace(c);
}

/* Python's \w on str: str.isalnum() or '_'. */
static int
isword(int32_t c)
{
	if (c < 0x80)
		return (c >= '0' && c <= '9') || c == '_' ||
		    ((unsigned)c | 0x20) - 'a' < 26;
	return dm_uni_isalnum(c);
}

/* The digits dm_uni_isdigit (str.isdigit) knows beyond category Nd. */
static const int32_t notdecimal[][2] = {
	{ 0x00B2, 0x00B3 }, { 0x00B9, 0x00B9 }, { 0x1369, 0x1371 },
	{ 0x19DA, 0x19DA }, { 0x2070, 0x2070 }, { 0x2074, 0x2079 },
	{ 0x2080, 0x2089 }, { 0x2460, 0x2468 }, { 0x2474, 0x247C },
	{ 0x2488, 0x2490 }, { 0x24EA, 0x24EA }, { 0x24F5, 0x24FD },
	{ 0x24FF, 0x24FF }, { 0x2776, 0x277E }, { 0x2780, 0x2788 },
	{ 0x278A, 0x2792 }, { 0x10A40, 0x10A43 }, { 0x10E60, 0x10E68 },
	{ 0x11052, 0x1105A }, { 0x1F100, 0x1F10A },
};

int
dm_q_isdecimal(int32_t c)
{
	if (c < 0x80)
		return c >= '0' && c <= '9';
	return dm_uni_isdigit(c) && !dm_inranges(c, notdecimal,
	    sizeof notdecimal / sizeof notdecimal[0]);
}

static int
lowerascii(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

size_t
dm_q_count(const char *s, size_t n, const char *pat, size_t plen)
{
	const char *p, *e = s + n;
	size_t k = 0;

	if (plen == 0)
		return n + 1;
	/* the first byte by memchr, the rest compared: str.count's leftmost
	 * matches, each search going on after the last one */
	while ((size_t)(e - s) >= plen &&
	    (p = memchr(s, pat[0], (size_t)(e - s) - plen + 1)) != NULL) {
		if (memcmp(p + 1, pat + 1, plen - 1) == 0) {
			k++;
			s = p + plen;
		} else
			s = p + 1;
	}
	return k;
}

void
dm_q_strip(const char *s, size_t *b, size_t *e)
{
	size_t x, y;

	dm_uni_strip(s + *b, *e - *b, &x, &y);
	*e = *b + y;
	*b += x;
}

/* The first i >= from before n where u[i] is in the set of bytes
 * (initialized from chars, nc of them, at the first call); n when there
 * is none. */
static size_t
find_bytes(struct dm_byteset *set, const char *chars, size_t nc,
    const unsigned char *u, size_t i, size_t n)
{
	if (!set->in[(unsigned char)chars[0]])
		dm_byteset_init(set, chars, nc);
	return (size_t)((const unsigned char *)dm_byteset_find(set,
	    (const char *)u + i, (const char *)u + n) - u);
}

/* The first i >= from before n where u[i] is a control character, C2 or
 * E2: the bytes that start a line end; n when there is none. */
static size_t
line_stop(const unsigned char *u, size_t i, size_t n)
{
	static const char c[] = "\x01\x02\x03\x04\x05\x06\x07\x08\t\n\v\f\r"
	    "\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b"
	    "\x1c\x1d\x1e\x1f\xc2\xe2";
	static struct dm_byteset set;

	/* NUL too: c's terminator */
	return find_bytes(&set, c, sizeof c, u, i, n);
}

int
dm_q_line(const char *s, size_t n, size_t *pos, struct dm_q_span *line)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = *pos;

	if (i >= n)
		return 0;
	line->b = i;
	for (; (i = line_stop(u, i, n)) < n; i++) {
		if (u[i] == '\n' || u[i] == 0x0B || u[i] == 0x0C ||
		    (u[i] >= 0x1C && u[i] <= 0x1E)) {
			line->e = i;
			*pos = i + 1;
			return 1;
		}
		if (u[i] == '\r') {
			line->e = i;
			*pos = i + 1 < n && u[i + 1] == '\n' ? i + 2 : i + 1;
			return 1;
		}
		/* U+0085 is C2 85; U+2028 and U+2029 are E2 80 A8/A9 */
		if (u[i] == 0xC2 && i + 1 < n && u[i + 1] == 0x85) {
			line->e = i;
			*pos = i + 2;
			return 1;
		}
		if (u[i] == 0xE2 && i + 2 < n && u[i + 1] == 0x80 &&
		    (u[i + 2] == 0xA8 || u[i + 2] == 0xA9)) {
			line->e = i;
			*pos = i + 3;
			return 1;
		}
	}
	line->e = n;
	*pos = n;
	return 1;
}

/* ---- datatrove's punctuation sets ---- */

/* TERMINAL_PUNCTUATION: sentence-final marks of many scripts. */
static const int32_t term[][2] = {
	{ 0x0021, 0x0021 }, { 0x002E, 0x002E }, { 0x003F, 0x003F },
	{ 0x0589, 0x0589 }, { 0x061D, 0x061F }, { 0x06D4, 0x06D4 },
	{ 0x0700, 0x0702 }, { 0x07F9, 0x07F9 }, { 0x0837, 0x0837 },
	{ 0x0839, 0x0839 }, { 0x083D, 0x083E }, { 0x0964, 0x0965 },
	{ 0x104A, 0x104B }, { 0x1362, 0x1362 }, { 0x1367, 0x1368 },
	{ 0x166E, 0x166E }, { 0x1735, 0x1736 }, { 0x17D4, 0x17D6 },
	{ 0x17D9, 0x17DA }, { 0x1803, 0x1803 }, { 0x1809, 0x1809 },
	{ 0x1944, 0x1945 }, { 0x1AA8, 0x1AAB }, { 0x1B5A, 0x1B5B },
	{ 0x1B5E, 0x1B5F }, { 0x1B7D, 0x1B7E }, { 0x1C3B, 0x1C3C },
	{ 0x1C7E, 0x1C7F }, { 0x203C, 0x203D }, { 0x2047, 0x2049 },
	{ 0x2E2E, 0x2E2E }, { 0x2E3C, 0x2E3C }, { 0x2E53, 0x2E54 },
	{ 0x3002, 0x3002 }, { 0xA4FF, 0xA4FF }, { 0xA60E, 0xA60F },
	{ 0xA6F3, 0xA6F3 }, { 0xA6F7, 0xA6F7 }, { 0xA876, 0xA877 },
	{ 0xA8CE, 0xA8CF }, { 0xA92F, 0xA92F }, { 0xA9C8, 0xA9C9 },
	{ 0xAA5D, 0xAA5F }, { 0xAAF0, 0xAAF1 }, { 0xABEB, 0xABEB },
	{ 0xFE52, 0xFE52 }, { 0xFE56, 0xFE57 }, { 0xFF01, 0xFF01 },
	{ 0xFF0E, 0xFF0E }, { 0xFF1F, 0xFF1F }, { 0xFF61, 0xFF61 },
	{ 0x10A56, 0x10A57 }, { 0x10F55, 0x10F59 }, { 0x10F86, 0x10F89 },
	{ 0x11047, 0x11048 }, { 0x110BE, 0x110C1 }, { 0x11141, 0x11143 },
	{ 0x111C5, 0x111C6 }, { 0x111CD, 0x111CD }, { 0x111DE, 0x111DF },
	{ 0x11238, 0x11239 }, { 0x1123B, 0x1123C }, { 0x112A9, 0x112A9 },
	{ 0x1144B, 0x1144C }, { 0x115C2, 0x115C3 }, { 0x115C9, 0x115D7 },
	{ 0x11641, 0x11642 }, { 0x1173C, 0x1173E }, { 0x11944, 0x11944 },
	{ 0x11946, 0x11946 }, { 0x11A42, 0x11A43 }, { 0x11A9B, 0x11A9C },
	{ 0x11C41, 0x11C42 }, { 0x11EF7, 0x11EF8 }, { 0x11F43, 0x11F44 },
	{ 0x16A6E, 0x16A6F }, { 0x16AF5, 0x16AF5 }, { 0x16B37, 0x16B38 },
	{ 0x16B44, 0x16B44 }, { 0x16E98, 0x16E98 }, { 0x1BC9F, 0x1BC9F },
	{ 0x1DA88, 0x1DA88 },
};

/* PUNCTUATION beyond ASCII and the C1 controls, merged with term above:
 * all ASCII but letters, digits, tab, newline and space is punctuation
 * there, and so are the controls 0x7F-0x9F. */
static const int32_t punct[][2] = {
	{ 0x00AB, 0x00AB }, { 0x00B4, 0x00B4 }, { 0x00BB, 0x00BB },
	{ 0x0589, 0x0589 }, { 0x061D, 0x061F }, { 0x06D4, 0x06D4 },
	{ 0x0700, 0x0702 }, { 0x07F9, 0x07F9 }, { 0x0837, 0x0837 },
	{ 0x0839, 0x0839 }, { 0x083D, 0x083E }, { 0x0964, 0x0965 },
	{ 0x104A, 0x104B }, { 0x1362, 0x1362 }, { 0x1367, 0x1368 },
	{ 0x166E, 0x166E }, { 0x1735, 0x1736 }, { 0x17D4, 0x17D6 },
	{ 0x17D9, 0x17DA }, { 0x1803, 0x1803 }, { 0x1809, 0x1809 },
	{ 0x1944, 0x1945 }, { 0x1AA8, 0x1AAB }, { 0x1B5A, 0x1B5B },
	{ 0x1B5E, 0x1B5F }, { 0x1B7D, 0x1B7E }, { 0x1C3B, 0x1C3C },
	{ 0x1C7E, 0x1C7F }, { 0x2013, 0x2014 }, { 0x2019, 0x2019 },
	{ 0x201C, 0x201E }, { 0x2026, 0x2026 }, { 0x203C, 0x203D },
	{ 0x2047, 0x2049 }, { 0x2236, 0x2236 }, { 0x2501, 0x2501 },
	{ 0x25BA, 0x25BA }, { 0x2E2E, 0x2E2E }, { 0x2E3C, 0x2E3C },
	{ 0x2E53, 0x2E54 }, { 0x3001, 0x3002 }, { 0x3008, 0x300D },
	{ 0x3010, 0x3011 }, { 0xA4FF, 0xA4FF }, { 0xA60E, 0xA60F },
	{ 0xA6F3, 0xA6F3 }, { 0xA6F7, 0xA6F7 }, { 0xA876, 0xA877 },
	{ 0xA8CE, 0xA8CF }, { 0xA92F, 0xA92F }, { 0xA9C8, 0xA9C9 },
	{ 0xAA5D, 0xAA5F }, { 0xAAF0, 0xAAF1 }, { 0xABEB, 0xABEB },
	{ 0xFE52, 0xFE52 }, { 0xFE56, 0xFE57 }, { 0xFF01, 0xFF01 },
	{ 0xFF05, 0xFF05 }, { 0xFF08, 0xFF09 }, { 0xFF0C, 0xFF0C },
	{ 0xFF0E, 0xFF0E }, { 0xFF11, 0xFF11 }, { 0xFF1A, 0xFF1B },
	{ 0xFF1F, 0xFF1F }, { 0xFF5E, 0xFF5E }, { 0xFF61, 0xFF61 },
	{ 0x10A56, 0x10A57 }, { 0x10F55, 0x10F59 }, { 0x10F86, 0x10F89 },
	{ 0x11047, 0x11048 }, { 0x110BE, 0x110C1 }, { 0x11141, 0x11143 },
	{ 0x111C5, 0x111C6 }, { 0x111CD, 0x111CD }, { 0x111DE, 0x111DF },
	{ 0x11238, 0x11239 }, { 0x1123B, 0x1123C }, { 0x112A9, 0x112A9 },
	{ 0x1144B, 0x1144C }, { 0x115C2, 0x115C3 }, { 0x115C9, 0x115D7 },
	{ 0x11641, 0x11642 }, { 0x1173C, 0x1173E }, { 0x11944, 0x11944 },
	{ 0x11946, 0x11946 }, { 0x11A42, 0x11A43 }, { 0x11A9B, 0x11A9C },
	{ 0x11C41, 0x11C42 }, { 0x11EF7, 0x11EF8 }, { 0x11F43, 0x11F44 },
	{ 0x16A6E, 0x16A6F }, { 0x16AF5, 0x16AF5 }, { 0x16B37, 0x16B38 },
	{ 0x16B44, 0x16B44 }, { 0x16E98, 0x16E98 }, { 0x1BC9F, 0x1BC9F },
	{ 0x1DA88, 0x1DA88 },
};

int
dm_q_isterminal(int32_t c)
{
	if (c < 0x80)
		return c == '.' || c == '!' || c == '?';
	return dm_inranges(c, term, sizeof term / sizeof term[0]);
}

int
dm_q_ispunct(int32_t c)
{
	/* ASCII but letters, digits, tab, newline and space; '_' too */
	if (c < 0x80)
		return c == '_' ||
		    !(isword(c) || c == '\t' || c == '\n' || c == ' ');
	if (c <= 0x9F)
		return 1;
	return dm_inranges(c, punct, sizeof punct / sizeof punct[0]);
}

/* ---- hash sets and duplicates ---- */

void
dm_q_set_clear(struct dm_q_set *t, size_t n)
{
	size_t cap = 16;

	while (cap < 2 * n)
		cap *= 2;
	if (cap > t->alloc) {
		free(t->h);
		free(t->v);
		free(t->gen);
		t->h = dm_xreallocarray(NULL, cap, sizeof *t->h);
		t->v = dm_xreallocarray(NULL, cap, sizeof *t->v);
		t->gen = dm_xcalloc(cap, sizeof *t->gen);
		t->alloc = cap;
		t->cur = 0;
	}
	/* every slot holds an older generation than the new one; after
	 * 2^32 - 1 clears they start again from zero */
	if (++t->cur == 0) {
		memset(t->gen, 0, t->alloc * sizeof *t->gen);
		t->cur = 1;
	}
	/* a table sized to n, not to the largest text seen, keeps the
	 * probes in few cache lines */
	t->cap = cap;
}

void
dm_q_set_free(struct dm_q_set *t)
{
	free(t->h);
	free(t->v);
	free(t->gen);
	memset(t, 0, sizeof *t);
}

struct spanctx {
	const char		*s;
	const struct dm_q_span	*v;
};

static int
span_eq(const void *ctx, size_t a, size_t b)
{
	const struct spanctx *c = ctx;
	size_t la = c->v[a].e - c->v[a].b, lb = c->v[b].e - c->v[b].b;

	return la == lb && memcmp(c->s + c->v[a].b, c->s + c->v[b].b, la) == 0;
}

void
dm_q_dups(struct dm_q_set *t, const char *s, const struct dm_q_span *v,
    size_t n, size_t *ndup, size_t *nchars)
{
	struct spanctx c = { s, v };
	size_t i;

	*ndup = *nchars = 0;
	dm_q_set_clear(t, n);
	for (i = 0; i < n; i++)
		if (dm_q_set_add(t, dm_ngram_hash(s + v[i].b,
		    v[i].e - v[i].b), i, span_eq, &c) != i) {
			++*ndup;
			*nchars += dm_utf8_count(s + v[i].b, v[i].e - v[i].b);
		}
}

/* ---- sentences: NLTK's punkt, English, without its trained model ---- */

/*
 * Stand-ins for the trained English parameters: words that take a period
 * without ending a sentence, and words that often begin one, in lower
 * case (found through lslots[] by inlist()).
 */
static const char *const abbrevs[] = {
	"a.d", "a.m", "adm", "al", "ala", "apr", "ariz", "ark", "assn",
	"assoc", "atty", "aug", "ave", "b.a", "b.c", "blvd", "bros", "calif",
	"capt", "cf", "cie", "cmdr", "co", "col", "colo", "conn", "corp",
	"cos", "cpl", "d.c", "dec", "dept", "dr", "e.g", "esq", "etc", "feb",
	"fla", "fr", "ft", "gen", "gov", "hon", "i.e", "inc", "intl", "jan",
	"jr", "jul", "jun", "kan", "ky", "l.a", "lt", "ltd", "m.a", "m.d",
	"maj", "mar", "messrs", "mfg", "mich", "minn", "mlle", "mme", "mr",
	"mrs", "ms", "mt", "n.j", "n.y", "natl", "neb", "nev", "no", "nos",
	"nov", "oct", "okla", "p.m", "ph.d", "pp", "prof", "pty", "rep",
	"rev", "sen", "sept", "sgt", "sr", "st", "supt", "tenn", "tex", "u.k",
	"u.n", "u.s", "u.s.a", "univ", "va", "vol", "vols", "vs", "wis", "wyo",
};

static const char *const starters[] = {
	"a", "according", "after", "also", "although", "an", "and", "as",
	"at", "because", "before", "both", "but", "by", "during", "each",
	"even", "for", "from", "he", "her", "here", "his", "however", "i",
	"if", "in", "instead", "it", "its", "many", "meanwhile", "more",
	"moreover", "most", "my", "nevertheless", "no", "not", "now", "of",
	"on", "once", "one", "only", "other", "our", "she", "since", "so",
	"some", "still", "such", "that", "the", "their", "then", "there",
	"therefore", "these", "they", "this", "those", "though", "thus", "to",
	"today", "under", "unlike", "until", "we", "what", "when", "where",
	"whether", "which", "while", "who", "why", "with", "yet", "you",
	"your",
};

#define NABBREV		(sizeof abbrevs / sizeof abbrevs[0])
/* The longest abbreviation, in bytes (pk_contains_break relies on it). */
#define ABBREVMAX	6
#define NSTARTER	(sizeof starters / sizeof starters[0])

/*
 * The two lists as one hash set of words packed into two 64-bit words
 * (lower-cased ASCII, at most 15 bytes, zeros after): a word is found
 * with one or two probes and two compares.
 */
enum { L_ABBREV = 1, L_STARTER = 2 };
#define NLSLOT	512

static struct lslot {
	uint64_t	 k[2];
	unsigned char	 lists;
} lslots[NLSLOT];

/*
 * A first test: the words of list L start with the two bytes x, y (y 0
 * for a word of one letter) only when bit (x & 31) * 32 + (y & 31) of
 * lfirst[L - 1] is set; & 31 lowers a letter.
 */
static uint32_t lfirst[2][32];

static size_t
lhash(const uint64_t k[2])
{
	return (size_t)(((k[0] ^ k[1] * 0x9E3779B97F4A7C15ULL) *
	    0xFF51AFD7ED558CCDULL) >> 55);
}

/* s[0..n) lower-cased into k; 0 when it cannot be in a list: too long,
 * or holding a byte from 0x80 up or a NUL, which no word of a list has
 * (and which k could not tell from the end of the word). */
static int
lpack(const char *s, size_t n, uint64_t k[2])
{
	size_t i;
	unsigned c;

	k[0] = k[1] = 0;
	if (n == 0 || n > 15)
		return 0;
	for (i = 0; i < n; i++) {
		if ((c = (unsigned char)s[i]) >= 0x80 || c == 0)
			return 0;
		k[i / 8] |= (uint64_t)(unsigned char)lowerascii((int)c) <<
		    i % 8 * 8;
	}
	return 1;
}

static void
ladd(const char *const *list, size_t nlist, unsigned char bit)
{
	uint64_t k[2];
	size_t i, h;

	for (i = 0; i < nlist; i++) {
		if (bit == L_ABBREV && strlen(list[i]) > ABBREVMAX)
			dm_die("abbreviation '%s' longer than %d bytes",
			    list[i], ABBREVMAX);
		lpack(list[i], strlen(list[i]), k);
		for (h = lhash(k); lslots[h].lists != 0 && (lslots[h].k[0] !=
		    k[0] || lslots[h].k[1] != k[1]); h = (h + 1) % NLSLOT)
			;
		lslots[h].k[0] = k[0];
		lslots[h].k[1] = k[1];
		lslots[h].lists |= bit;
		lfirst[bit - 1][list[i][0] & 31] |= (uint32_t)1 <<
		    (list[i][1] & 31);
	}
}

/* Is the lower-cased s[0..n) in the list (L_ABBREV or L_STARTER)? Only
 * ASCII words can be. */
static int
inlist(unsigned char list, const char *s, size_t n)
{
	static int ready;
	uint64_t k[2];
	size_t h;

	if (!ready) {
		ladd(abbrevs, NABBREV, L_ABBREV);
		ladd(starters, NSTARTER, L_STARTER);
		ready = 1;
	}
	if (n == 0 || !(lfirst[list - 1][s[0] & 31] >> (n > 1 ? s[1] & 31 : 0) &
	    1) || !lpack(s, n, k))
		return 0;
	for (h = lhash(k); lslots[h].lists != 0; h = (h + 1) % NLSLOT)
		if (lslots[h].k[0] == k[0] && lslots[h].k[1] == k[1])
			return (lslots[h].lists & list) != 0;
	return 0;
}

enum { PK_BREAK = 1, PK_ABBR = 2, PK_ELLIPSIS = 4 };

static int
pk_nonword(int c)
{
	return BCLS(c, B_NONWORD) != 0;
}

static int
pk_nostart(int c)
{
	return BCLS(c, B_NOSTART) != 0;
}

/* punkt's MultiChar at s[i]: --+, ..+ or ". . ." (periods each followed
 * by one white space character, then a period); its length or 0. */
static size_t
pk_multi(const char *s, size_t n, size_t i)
{
	size_t j, reps = 0, last = 0, l;
	int32_t c;

	if (i + 1 < n && s[i] == '-' && s[i + 1] == '-') {
		for (j = i + 2; j < n && s[j] == '-'; j++)
			;
		return j - i;
	}
	if (s[i] != '.')
		return 0;
	if (i + 1 < n && s[i + 1] == '.') {
		for (j = i + 2; j < n && s[j] == '.'; j++)
			;
		return j - i;
	}
	for (j = i; j + 1 < n && s[j] == '.'; j += 1 + l) {
		l = dm_q_cp(s, n, j + 1, &c);
		if (!isspacecp(c))
			break;
		last = j;
		reps++;
	}
	if (reps >= 2 && j < n && s[j] == '.')
		return j + 1 - i;
	/* greedy repetition gives one back when no period follows */
	if (reps >= 3)
		return last + 1 - i;
	return 0;
}

/* The ASCII bytes that the word loop of pk_words passes without a look:
 * not white space, not B_NONWORD (! " ' ( ) * : ; ? @ [ ] { }), and none
 * of '.' '-' ',' (which start a MultiChar or end a word before white
 * space). */
static const unsigned char pk_plain[256] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 1, 0, 0, 0, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 0,
	0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0, 1, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

/* The end of punkt's word token that starts at s[i] (i < n, the end of
 * the line; s[i] is not white space). */
static size_t
pk_tokend(const char *s, size_t n, size_t i)
{
	size_t j, l, m;
	int32_t c, d;

	if ((m = pk_multi(s, n, i)) > 0)
		return i + m;
	l = dm_q_cp(s, n, i, &c);
	if (c < 0x80 && pk_nostart(c))
		return i + 1;
	for (j = i + l; j < n; j += l) {
		/* most bytes of a word: ASCII that is neither white
		 * space nor a mark below */
		if (pk_plain[(unsigned char)s[j]]) {
			l = 1;
			continue;
		}
		l = dm_q_cp(s, n, j, &d);
		if (isspacecp(d) || pk_nonword(s[j]) ||
		    pk_multi(s, n, j))
			break;
		if (s[j] == ',') {
			if (j + 1 >= n)
				break;
			dm_q_cp(s, n, j + 1, &d);
			if (isspacecp(d) || pk_nonword(s[j + 1]) ||
			    pk_multi(s, n, j + 1))
				break;
		}
	}
	return j;
}

/* Tokens of one line of a context, by punkt's word regex. */
static void
pk_words(struct dm_q_sents *ss, const char *s, size_t b, size_t n)
{
	size_t i = b, j, l;
	int32_t c;

	while (i < n) {
		l = dm_q_cp(s, n, i, &c);
		if (isspacecp(c)) {
			i += l;
			continue;
		}
		j = pk_tokend(s, n, i);
		spans_push(&ss->tok, i, j);
		i = j;
	}
}

/* punkt's _RE_NUMERIC: -?[.,]?\d[\d,.-]*\.? */
static int
pk_isnumber(const char *s, size_t n)
{
	size_t i = 0, l;
	int32_t c;

	if (i < n && s[i] == '-')
		i++;
	if (i < n && (s[i] == '.' || s[i] == ','))
		i++;
	if (i >= n)
		return 0;
	l = dm_q_cp(s, n, i, &c);
	if (!dm_q_isdecimal(c))
		return 0;
	for (i += l; i < n; i += l) {
		l = dm_q_cp(s, n, i, &c);
		if (!dm_q_isdecimal(c) && c != ',' && c != '.' && c != '-')
			return 0;
	}
	return 1;
}

/* [^\W\d]\.: a letter (or _, or a numeral like ²) and a period: "J." */
static int
pk_isinitial(const char *s, size_t n)
{
	int32_t c;
	size_t l;

	if (n < 2 || s[n - 1] != '.')
		return 0;
	l = dm_q_cp(s, n, 0, &c);
	return l == n - 1 && isword(c) && !dm_q_isdecimal(c);
}

static int
pk_firstupper(const char *s, size_t n)
{
	int32_t c;

	dm_q_cp(s, n, 0, &c);
	return dm_uni_isupper(c);
}

/* str.islower() of the first character, for the cased scripts. */
static int
pk_firstlower(const char *s, size_t n)
{
	int32_t c;

	dm_q_cp(s, n, 0, &c);
	if (c < 0x80)
		return c >= 'a' && c <= 'z';
	return (c < 0x0590 || (c >= 0x1E00 && c < 0x2000)) &&
	    dm_uni_isalpha(c) && !dm_uni_isupper(c);
}

enum { PK_FALSE, PK_UNKNOWN };

/*
 * punkt's orthographic heuristic asks the trained model how a word was
 * seen; without it: punctuation and lower-case words do not start a
 * sentence, anything else is unknown.
 */
static int
pk_ortho(const char *s, size_t n)
{
	if (n == 1 && strchr(";:,.!?", s[0]) != NULL)
		return PK_FALSE;
	if (pk_firstlower(s, n))
		return PK_FALSE;
	return PK_UNKNOWN;
}

static void
pk_first(const char *s, size_t n, unsigned char *f)
{
	size_t i, dash;

	*f = 0;
	if (n == 1 && (s[0] == '.' || s[0] == '?' || s[0] == '!')) {
		*f = PK_BREAK;
		return;
	}
	if (n >= 2 && s[0] == '.' && s[1] == '.') {
		for (i = 2; i < n && s[i] == '.'; i++)
			;
		if (i == n) {
			*f = PK_ELLIPSIS;
			return;
		}
	}
	if (s[n - 1] != '.' || (n >= 2 && s[n - 2] == '.'))
		return;
	for (dash = n - 1; dash > 0 && s[dash - 1] != '-'; dash--)
		;
	if (inlist(L_ABBREV, s, n - 1) || (dash > 0 &&
	    inlist(L_ABBREV, s + dash, n - 1 - dash)))
		*f = PK_ABBR;
	else
		*f = PK_BREAK;
}

/* The second token's type as a starter: lower-cased, its period gone
 * when it breaks a sentence itself; numbers never are starters. */
static int
pk_starter(const char *s, size_t n, unsigned char f)
{
	if (pk_isnumber(s, n))
		return 0;
	if ((f & PK_BREAK) && n > 1 && s[n - 1] == '.')
		n--;
	return inlist(L_STARTER, s, n);
}

static void
pk_second(const char *s, const struct dm_q_span *t1, unsigned char *f1,
    const struct dm_q_span *t2, unsigned char f2)
{
	const char *a = s + t1->b, *b = s + t2->b;
	size_t na = t1->e - t1->b, nb = t2->e - t2->b;
	int initial, number;

	if (a[na - 1] != '.')
		return;
	initial = pk_isinitial(a, na);
	number = pk_isnumber(a, na);
	if ((*f1 & (PK_ABBR | PK_ELLIPSIS)) && !initial &&
	    pk_firstupper(b, nb) && pk_starter(b, nb, f2)) {
		*f1 |= PK_BREAK;
		return;
	}
	if (initial || number) {
		if (pk_ortho(b, nb) == PK_FALSE) {
			*f1 = (unsigned char)((*f1 & ~PK_BREAK) | PK_ABBR);
			return;
		}
		/* J. Bach: a name is never seen in lower case */
		if (initial && pk_firstupper(b, nb) && !pk_starter(b, nb, f2))
			*f1 = (unsigned char)((*f1 & ~PK_BREAK) | PK_ABBR);
	}
}

/* punkt's text_contains_sentbreak: a token before the last one ends a
 * sentence. */
static int
pk_contains_break(struct dm_q_sents *ss, const char *s, size_t b, size_t e)
{
	struct dm_q_span t[2];
	unsigned char f[2];
	size_t i, j, k;
	unsigned c;

	/*
	 * The commonest context: a word of pk_plain bytes, a period, ASCII
	 * white space and a token. The word and its period are the first
	 * token (the period a MultiChar only before another period); when
	 * no '.', '?' or '!' follows, no later token can break, and the
	 * first one decides with the second one: without pk_words.
	 */
	for (i = b; i < e; i++) {
		c = (unsigned char)s[i];
		/* beyond ASCII, a character other than white space stays
		 * in its token as well (see dm_q_hispace) */
		if (!pk_plain[c] && (c < 0x80 || dm_q_hispace(s, e, i) > 0))
			break;
	}
	/* A ? or ! before white space is a token of its own that breaks,
	 * and never the last of its context */
	if (!ss->reference && i + 1 < e && (s[i] == '?' || s[i] == '!') &&
	    chunkspace(s[i + 1]))
		return 1;
	if (!ss->reference && i > b && !pk_nostart(s[b]) && i + 1 < e &&
	    s[i] == '.' && chunkspace(s[i + 1])) {
		for (j = i + 1; j < e && chunkspace(s[j]); j++)
			;
		if (j == e || ((unsigned char)s[j] < 0x80 ? BCLS(s[j],
		    B_SPACE) != 0 : dm_q_hispace(s, e, j) > 0))
			goto tokens;
		/* a token follows; the first one breaks unless it is an
		 * abbreviation (no more than ABBREVMAX bytes before its
		 * period), an initial (one character) or a number (a digit
		 * first), whatever the second one is */
		c = (unsigned char)s[b];
		if (!(i - b <= ABBREVMAX && inlist(L_ABBREV, s + b, i - b)) &&
		    !(i - b <= 4 && pk_isinitial(s + b, i + 1 - b)) &&
		    !((c - '0' < 10 || c >= 0x80) &&
		    pk_isnumber(s + b, i + 1 - b)))
			return 1;
		for (k = j; k < e && s[k] != '.' && s[k] != '?' && s[k] != '!';
		    k++)
			;
		if (k == e) {
			t[0].b = b;
			t[0].e = i + 1;
			t[1].b = j;
			t[1].e = pk_tokend(s, e, j);
			pk_first(s + b, i + 1 - b, &f[0]);
			pk_first(s + j, t[1].e - j, &f[1]);
			pk_second(s, &t[0], &f[0], &t[1], f[1]);
			return (f[0] & PK_BREAK) != 0;
		}
	}
	/* A plain word, an ellipsis (a MultiChar of periods), white space
	 * and a token without '.', '?' or '!': only the ellipsis can break,
	 * before a starter in upper case */
	if (!ss->reference && i > b && !pk_nostart(s[b]) && i + 1 < e &&
	    s[i] == '.' && s[i + 1] == '.') {
		for (j = i + 2; j < e && s[j] == '.'; j++)
			;
		if (j == e)
			return 0;
		if (chunkspace(s[j])) {
			while (j < e && chunkspace(s[j]))
				j++;
			for (k = j; k < e && s[k] != '.' && s[k] != '?' &&
			    s[k] != '!'; k++)
				;
			if (k == e && j < e && ((unsigned char)s[j] < 0x80 ?
			    !BCLS(s[j], B_SPACE) : dm_q_hispace(s, e, j) == 0)) {
				k = pk_tokend(s, e, j);
				pk_first(s + j, k - j, &f[1]);
				return pk_firstupper(s + j, k - j) &&
				    pk_starter(s + j, k - j, f[1]);
			}
		}
	}
tokens:
	ss->tok.n = 0;
	for (i = b; i < e; i = j + 1) {
		j = i;
		while (j < e && s[j] != '\n')
			j++;
		pk_words(ss, s, i, j);
	}
	if (ss->tok.n > ss->nflag) {
		ss->nflag = ss->tok.cap;
		ss->flag = dm_xreallocarray(ss->flag, ss->nflag, 1);
	}
	for (k = 0; k < ss->tok.n; k++)
		pk_first(s + ss->tok.v[k].b, ss->tok.v[k].e - ss->tok.v[k].b,
		    &ss->flag[k]);
	for (k = 0; k + 1 < ss->tok.n; k++) {
		pk_second(s, &ss->tok.v[k], &ss->flag[k], &ss->tok.v[k + 1],
		    ss->flag[k + 1]);
		if (ss->flag[k] & PK_BREAK)
			return 1;
	}
	return 0;
}

static int
asciispace(int c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* re_boundary_realignment at the start of t: closing quotes and brackets
 * then white space, "--" or the end; the closers' length and the match's
 * end, or 0. */
static size_t
pk_realign(const char *t, size_t n, size_t *end)
{
	size_t k = 0, l;
	int32_t c;

	while (k < n && (t[k] == '"' || t[k] == '\'' || t[k] == ')' ||
	    t[k] == ']' || t[k] == '}'))
		k++;
	if (k == 0)
		return 0;
	/* \s+ is tried first; $ before a newline never gets its turn */
	if (k == n || (k + 1 < n && t[k] == '-' && t[k + 1] == '-')) {
		*end = k;
		return k;
	}
	l = dm_q_cp(t, n, k, &c);
	if (!isspacecp(c))
		return 0;
	for (*end = k; *end < n; *end += l) {
		l = dm_q_cp(t, n, *end, &c);
		if (!isspacecp(c))
			break;
	}
	return k;
}

/* The length of the white space character (str.isspace()) at s[i], or
 * 0. */
static inline size_t
spacelen(const char *s, size_t n, size_t i)
{
	if ((unsigned char)s[i] < 0x80)
		return BCLS(s[i], B_SPACE) != 0;
	return dm_q_hispace(s, n, i);
}

/* The first i >= from before n where u[i] is '.', '?' or '!'; n when
 * there is none. */
static size_t
end_stop(const unsigned char *u, size_t i, size_t n)
{
	static struct dm_byteset set;

	return find_bytes(&set, ".?!", 3, u, i, n);
}

/* The first byte at or after i (before n) of ws or odd, or n. */
static size_t
nextspace(const struct dm_q_words *w, size_t i, size_t n)
{
	return bitnext(w->odd, i, bitnext(w->ws, i, n));
}

/*
 * The sentences of s[0..n); w, when not NULL, has the bits of s (ws, odd
 * and term, see plainbits()): the candidates and the white space around
 * them are found from them.
 */
static void
sents_split(struct dm_q_sents *ss, const char *s, size_t n,
    const struct dm_q_words *w)
{
	size_t p, q, l, i, last = 0, pstart = 0, pstop = 0, wstart;
	size_t cp = 0, cend = 0, cnext = 0, realign, b, e, end, k, rb, re;
	int have = 0, hasnext = 0, nexttok;

	ss->s.n = ss->raw.n = 0;
	for (p = 0; (p = w != NULL ? bitnext(w->term, p, n) :
	    end_stop((const unsigned char *)s, p, n)) < n; p++) {
		if (p + 1 >= n)
			break;
		/* a candidate: punctuation, or white space and a token */
		if (pk_nonword(s[p + 1])) {
			nexttok = 0;
			e = p + 2;
			q = 0;
		} else {
			for (q = p + 1; q < n && (l = spacelen(s, n, q)) > 0;
			    q += l)
				;
			if (q == p + 1 || q >= n)
				continue;
			/* byte by byte: no byte inside a character starts
			 * white space (see dm_q_hispace); with the bits,
			 * from one byte of ws or odd (which holds all other
			 * white space) to the next */
			if (w == NULL)
				for (e = q; e < n && spacelen(s, n, e) == 0;
				    e++)
					;
			else
				for (e = q; (e = nextspace(w, e, n)) < n &&
				    spacelen(s, n, e) == 0; e++)
					;
			nexttok = 1;
		}
		/* the word before it starts after the last white space since
		 * the previous candidate, else where that one's word did */
		if (w != NULL)
			i = bitprev(w->ws, pstop, p);
		else
			for (i = p; i > pstop && !asciispace(s[i - 1]); i--)
				;
		wstart = i > pstop + 1 ? i : pstart;
		if (have && pstop <= wstart &&
		    pk_contains_break(ss, s, pstart, cend)) {
			spans_push(&ss->raw, last, cp + 1);
			last = hasnext ? cnext : cp + 1;
		}
		have = 1;
		cp = p;
		cend = e;
		cnext = q;
		hasnext = nexttok;
		pstart = wstart;
		pstop = p;
	}
	if (have && pk_contains_break(ss, s, pstart, cend)) {
		spans_push(&ss->raw, last, cp + 1);
		last = hasnext ? cnext : cp + 1;
	}
	b = 0;
	e = n;
	dm_q_strip(s, &b, &e);
	/* rstrip only: a text of white space ends where it starts */
	if (b == e)
		e = 0;
	spans_push(&ss->raw, last, e);

	realign = 0;
	for (k = 0; k < ss->raw.n; k++) {
		rb = ss->raw.v[k].b + realign;
		re = ss->raw.v[k].e;
		if (k + 1 == ss->raw.n) {
			if (rb < re)
				spans_push(&ss->s, rb, re);
			break;
		}
		b = ss->raw.v[k + 1].b;
		e = ss->raw.v[k + 1].e;
		if (b < e && (l = pk_realign(s + b, e - b, &end)) > 0) {
			spans_push(&ss->s, rb, b + l);
			realign = end;
		} else {
			realign = 0;
			if (rb < re)
				spans_push(&ss->s, rb, re);
		}
	}
}

void
dm_q_sents_split(struct dm_q_sents *ss, const char *s, size_t n)
{
	sents_split(ss, s, n, NULL);
}

void
dm_q_sents_free(struct dm_q_sents *ss)
{
	dm_q_spans_free(&ss->s);
	dm_q_spans_free(&ss->raw);
	dm_q_spans_free(&ss->tok);
	free(ss->flag);
	memset(ss, 0, sizeof *ss);
}

/* ---- words: NLTK's NLTKWordTokenizer on each sentence ---- */

/*
 * Each pass below is one substitution (or a run of substitutions that
 * commute) of NLTKWordTokenizer.tokenize, in its order. A pass writes the
 * rewritten text to o and returns 1, or returns 0 when nothing matched
 * (o is then garbage): most sentences skip most passes.
 */

static void
pad(struct dm_buf *o, const char *p, size_t l)
{
	dm_buf_addc(o, ' ');
	dm_buf_add(o, p, l);
	dm_buf_addc(o, ' ');
}

/* STARTING_QUOTES: ([«“‘„]|`+) -> " \1 " */
static int
tb_open(const char *s, size_t n, struct dm_buf *o)
{
	size_t i, j, k = 0, l;
	int32_t c;

	for (i = 0; i < n; i += l) {
		l = 1;
		if (s[i] == '`') {
			for (j = i; j < n && s[j] == '`'; j++)
				;
			dm_buf_add(o, s + k, i - k);
			pad(o, s + i, j - i);
			k = j;
			l = j - i;
		} else if ((unsigned char)s[i] >= 0x80) {
			l = dm_q_cp(s, n, i, &c);
			if (c == 0xAB || c == 0x201C || c == 0x2018 ||
			    c == 0x201E) {
				dm_buf_add(o, s + k, i - k);
				pad(o, s + i, l);
				k = i + l;
			}
		}
	}
	if (k == 0)
		return 0;
	dm_buf_add(o, s + k, n - k);
	return 1;
}

/* ^" -> `` */
static int
tb_startquote(const char *s, size_t n, struct dm_buf *o)
{
	if (n == 0 || s[0] != '"')
		return 0;
	dm_buf_adds(o, "``");
	dm_buf_add(o, s + 1, n - 1);
	return 1;
}

/* (``) -> " \1 " */
static int
tb_backticks(const char *s, size_t n, struct dm_buf *o)
{
	size_t i, k = 0;

	for (i = 0; i + 1 < n; i++)
		if (s[i] == '`' && s[i + 1] == '`') {
			dm_buf_add(o, s + k, i - k);
			dm_buf_adds(o, " `` ");
			k = i + 2;
			i++;
		}
	if (k == 0)
		return 0;
	dm_buf_add(o, s + k, n - k);
	return 1;
}

/* ([ ([{<])("|'') -> "\1 `` " */
static int
tb_openquote(const char *s, size_t n, struct dm_buf *o)
{
	size_t i, k = 0, m;

	for (i = 0; i + 1 < n; i++) {
		if (!BCLS(s[i], B_OPEN))
			continue;
		if (s[i + 1] == '"')
			m = 2;
		else if (s[i + 1] == '\'' && i + 2 < n && s[i + 2] == '\'')
			m = 3;
		else
			continue;
		dm_buf_add(o, s + k, i + 1 - k);
		dm_buf_adds(o, " `` ");
		k = i + m;
		i = k - 1;
	}
	if (k == 0)
		return 0;
	dm_buf_add(o, s + k, n - k);
	return 1;
}

/* (?i)(')(?!re|ve|ll|m|t|s|d|n)(\w)\b -> "\1 \2": a quote before a
 * one-letter word other than the clitics */
static int
tb_quoteletter(const char *s, size_t n, struct dm_buf *o)
{
	size_t i, j, k = 0, l;
	int32_t c, d;

	for (i = 0; i + 1 < n; i++) {
		if (s[i] != '\'')
			continue;
		l = dm_q_cp(s, n, i + 1, &c);
		/* (?i) lets the long s stand for s */
		if (!isword(c) || c == 0x17F || (c < 0x80 && c != '\0' &&
		    strchr("mtsdnMTSDN", c) != NULL))
			continue;
		j = i + 1 + l;
		if (j < n) {
			dm_q_cp(s, n, j, &d);
			if (isword(d))
				continue;
		}
		dm_buf_add(o, s + k, i + 1 - k);
		dm_buf_addc(o, ' ');
		dm_buf_add(o, s + i + 1, l);
		k = j;
		i = j - 1;
	}
	if (k == 0)
		return 0;
	dm_buf_add(o, s + k, n - k);
	return 1;
}

/* The closers of the final-period rule: ] ) } > " ' » ” ’ and space. */
static size_t
closer(const char *s, size_t n, size_t i)
{
	int32_t c;
	size_t l;

	if (BCLS(s[i], B_CLOSE))
		return 1;
	if ((unsigned char)s[i] < 0x80)
		return 0;
	l = dm_q_cp(s, n, i, &c);
	return c == 0xBB || c == 0x201D || c == 0x2019 ? l : 0;
}

/* ([^.])(\.)([]})>"'»”’ ]*)\s*$ -> "\1 \2 \3 ": the final period */
static int
tb_final(const char *s, size_t n, struct dm_buf *o)
{
	const char *dot;
	size_t p, i, cl, l;
	int32_t c;

	if ((dot = memrchr(s, '.', n)) == NULL)
		return 0;
	p = (size_t)(dot - s);
	if (p == 0 || s[p - 1] == '.')
		return 0;
	for (i = p + 1; i < n && (l = closer(s, n, i)) > 0; i += l)
		;
	cl = i;
	for (; i < n; i += l) {
		l = dm_q_cp(s, n, i, &c);
		if (!isspacecp(c))
			return 0;
	}
	dm_buf_add(o, s, p);
	dm_buf_adds(o, " . ");
	dm_buf_add(o, s + p + 1, cl - p - 1);
	dm_buf_addc(o, ' ');
	return 1;
}

/* ([:,])([^\d]) -> " \1 \2", then ([:,])$ -> " \1 " */
static int
tb_comma(const char *s, size_t n, struct dm_buf *o)
{
	size_t i, k = 0, l, m;
	int32_t c;
	char last;

	for (i = 0; i + 1 < n; i++) {
		if (s[i] != ':' && s[i] != ',')
			continue;
		l = dm_q_cp(s, n, i + 1, &c);
		if (dm_q_isdecimal(c))
			continue;
		dm_buf_add(o, s + k, i - k);
		dm_buf_addc(o, ' ');
		dm_buf_addc(o, s[i]);
		dm_buf_addc(o, ' ');
		dm_buf_add(o, s + i + 1, l);
		k = i + 1 + l;
		i = k - 1;
	}
	if (k == 0) {
		if (n == 0 || (s[n - 1] != ':' && s[n - 1] != ','))
			return 0;
		dm_buf_add(o, s, n - 1);
		pad(o, s + n - 1, 1);
		return 1;
	}
	dm_buf_add(o, s + k, n - k);
	/* $ matches at the end and before a final newline */
	m = o->len;
	if (m > 0 && o->buf[m - 1] == '\n')
		m--;
	if (m > 0 && (o->buf[m - 1] == ':' || o->buf[m - 1] == ',')) {
		last = o->buf[m - 1];
		dm_buf_grow(o, 2);
		memmove(o->buf + m + 2, o->buf + m, o->len - m);
		o->buf[m - 1] = ' ';
		o->buf[m] = last;
		o->buf[m + 1] = ' ';
		dm_buf_setlen(o, o->len + 2);
	}
	return 1;
}

/* \.{2,}, [;@#$%&] and [?!] padded: these commute */
static int
tb_pads1(const char *s, size_t n, struct dm_buf *o)
{
	size_t i, j, k = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '.') {
			for (j = i + 1; j < n && s[j] == '.'; j++)
				;
			if (j - i >= 2) {
				dm_buf_add(o, s + k, i - k);
				pad(o, s + i, j - i);
				k = j;
			}
			i = j - 1;
		} else if (BCLS(s[i], B_PAD1)) {
			dm_buf_add(o, s + k, i - k);
			pad(o, s + i, 1);
			k = i + 1;
		}
	}
	if (k == 0)
		return 0;
	dm_buf_add(o, s + k, n - k);
	return 1;
}

/* ([^'])' -> "\1 ' " (a quote before a space) */
static int
tb_quotespace(const char *s, size_t n, struct dm_buf *o)
{
	const char *p;
	size_t q, c, k = 0;

	for (q = 1; q + 1 < n; q++) {
		if ((p = memchr(s + q, '\'', n - 1 - q)) == NULL)
			break;
		q = (size_t)(p - s);
		if (s[q + 1] != ' ' || s[q - 1] == '\'')
			continue;
		c = cpstart(s, q);
		if (c < k)
			continue;
		dm_buf_add(o, s + k, q - k);
		dm_buf_adds(o, " ' ");
		k = q + 2;
		q++;
	}
	if (k == 0)
		return 0;
	dm_buf_add(o, s + k, n - k);
	return 1;
}

/* [*], brackets and -- padded: these commute */
static int
tb_pads2(const char *s, size_t n, struct dm_buf *o)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '-' && i + 1 < n && s[i + 1] == '-') {
			dm_buf_add(o, s + k, i - k);
			pad(o, s + i, 2);
			k = i + 2;
			i++;
		} else if (BCLS(s[i], B_PAD2)) {
			dm_buf_add(o, s + k, i - k);
			pad(o, s + i, 1);
			k = i + 1;
		}
	}
	if (k == 0)
		return 0;
	dm_buf_add(o, s + k, n - k);
	return 1;
}

/* " " + text + " ", then ENDING_QUOTES: [»”’] padded, '' -> " '' ",
 * " -> " '' " */
static int
tb_close(const char *s, size_t n, struct dm_buf *o)
{
	size_t i, k = 0, l;
	int32_t c;

	dm_buf_addc(o, ' ');
	if (!memchr(s, '"', n) && !memchr(s, '\'', n)) {
		for (i = 0; i < n && (unsigned char)s[i] < 0x80; i++)
			;
		if (i == n) {
			dm_buf_add(o, s, n);
			dm_buf_addc(o, ' ');
			return 1;
		}
	}
	for (i = 0; i < n; i++) {
		if (s[i] == '"' || (s[i] == '\'' && i + 1 < n &&
		    s[i + 1] == '\'')) {
			dm_buf_add(o, s + k, i - k);
			dm_buf_adds(o, " '' ");
			if (s[i] == '\'')
				i++;
			k = i + 1;
		} else if ((unsigned char)s[i] >= 0x80) {
			l = dm_q_cp(s, n, i, &c);
			if (c == 0xBB || c == 0x201D || c == 0x2019) {
				dm_buf_add(o, s + k, i - k);
				pad(o, s + i, l);
				k = i + l;
			}
			i += l - 1;
		}
	}
	dm_buf_add(o, s + k, n - k);
	dm_buf_addc(o, ' ');
	return 1;
}

/* The character before s[q] for the clitic rules: [^' ], not consumed
 * by the previous match (which ended at k); its start, or -1. */
static long
clitic_head(const char *s, size_t q, size_t k)
{
	size_t c;

	if (q == 0 || s[q - 1] == '\'' || s[q - 1] == ' ')
		return -1;
	c = cpstart(s, q);
	return c < k ? -1 : (long)c;
}

/* ([^' ])('[sS]|'[mM]|'[dD]|') -> "\1 \2 " */
static int
tb_clitic1(const char *s, size_t n, struct dm_buf *o)
{
	const char *p;
	size_t q, k = 0, g;

	for (q = 0; q + 1 < n; q++) {
		if ((p = memchr(s + q, '\'', n - 1 - q)) == NULL)
			break;
		q = (size_t)(p - s);
		if (q + 2 < n && strchr("sSmMdD", s[q + 1]) != NULL &&
		    s[q + 1] != '\0' && s[q + 2] == ' ')
			g = 2;
		else if (s[q + 1] == ' ')
			g = 1;
		else
			continue;
		if (clitic_head(s, q, k) < 0)
			continue;
		dm_buf_add(o, s + k, q - k);
		dm_buf_addc(o, ' ');
		dm_buf_add(o, s + q, g);
		dm_buf_addc(o, ' ');
		k = q + g + 1;
		q = k - 1;
	}
	if (k == 0)
		return 0;
	dm_buf_add(o, s + k, n - k);
	return 1;
}

/* ([^' ])('ll|'LL|'re|'RE|'ve|'VE|n't|N'T) -> "\1 \2 " */
static int
tb_clitic2(const char *s, size_t n, struct dm_buf *o)
{
	static const char *const two[] = { "ll", "LL", "re", "RE", "ve",
	    "VE" };
	const char *p;
	size_t q, k = 0, g, i;

	/* g, where the clitic starts, is never 0: a head precedes it */
	for (q = 0; q + 2 < n; q++) {
		if ((p = memchr(s + q, '\'', n - 2 - q)) == NULL)
			break;
		q = (size_t)(p - s);
		g = 0;
		if (q > 0 && ((s[q - 1] == 'n' && s[q + 1] == 't') ||
		    (s[q - 1] == 'N' && s[q + 1] == 'T')) && s[q + 2] == ' ')
			g = q - 1;
		else if (q + 3 < n)
			for (i = 0; i < 6; i++)
				if (s[q + 1] == two[i][0] &&
				    s[q + 2] == two[i][1] && s[q + 3] == ' ')
					g = q;
		if (g == 0 || clitic_head(s, g, k) < 0)
			continue;
		dm_buf_add(o, s + k, g - k);
		dm_buf_addc(o, ' ');
		dm_buf_add(o, s + g, 3);
		dm_buf_addc(o, ' ');
		k = g + 4;
		q = k - 1;
	}
	if (k == 0)
		return 0;
	dm_buf_add(o, s + k, n - k);
	return 1;
}

/* Case-insensitive ASCII prefix test. */
static int
iprefix(const char *s, size_t n, const char *w)
{
	size_t i;

	for (i = 0; w[i]; i++)
		if (i >= n || lowerascii((unsigned char)s[i]) != w[i])
			return 0;
	return 1;
}

static int
wordafter(const char *s, size_t n, size_t j)
{
	int32_t c;

	if (j >= n)
		return 0;
	dm_q_cp(s, n, j, &c);
	return isword(c);
}

static int
wordbefore(const char *s, size_t i)
{
	int32_t c;
	size_t j;

	if (i == 0)
		return 0;
	j = cpstart(s, i);
	dm_q_cp(s, i, j, &c);
	return isword(c);
}

/* The first two letters of a contraction below: most words fail here. */
static inline int
contrpair(int a, int b)
{
	b = lowerascii((unsigned char)b);
	switch (lowerascii((unsigned char)a)) {
	case 'c':
	case 'w':
		return b == 'a';
	case 'd':
		return b == '\'';
	case 'g':
		return b == 'i' || b == 'o';
	case 'l':
		return b == 'e';
	case 'm':
		return b == 'o';
	}
	return 0;
}

/* CONTRACTIONS2: (?i)\bcannot\b -> " can not ", ... */
static int
tb_contractions(const char *s, size_t n, struct dm_buf *o)
{
	static const struct {
		const char	*w;
		size_t		 cut;
		int		 space;	/* (?=\s) after, not \b */
	} c2[] = {
		{ "cannot", 3, 0 }, { "d'ye", 1, 0 }, { "gimme", 3, 0 },
		{ "gonna", 3, 0 }, { "gotta", 3, 0 }, { "lemme", 3, 0 },
		{ "more'n", 4, 0 }, { "wanna", 3, 1 },
	};
	size_t i, j, k = 0, len = 0, cut = 0;
	int32_t c;
	int m;

	for (i = 0; i + 3 < n; i++) {
		if (!BCLS(s[i], B_CONTR) || !contrpair(s[i], s[i + 1]))
			continue;
		m = 0;
		for (j = 0; j < sizeof c2 / sizeof c2[0]; j++) {
			if (!iprefix(s + i, n - i, c2[j].w) || wordbefore(s, i))
				continue;
			len = strlen(c2[j].w);
			if (c2[j].space) {
				if (i + len >= n)
					continue;
				dm_q_cp(s, n, i + len, &c);
				if (!isspacecp(c))
					continue;
			} else if (wordafter(s, n, i + len))
				continue;
			m = 1;
			cut = c2[j].cut;
			break;
		}
		if (!m)
			continue;
		dm_buf_add(o, s + k, i - k);
		dm_buf_addc(o, ' ');
		dm_buf_add(o, s + i, cut);
		dm_buf_addc(o, ' ');
		dm_buf_add(o, s + i + cut, len - cut);
		dm_buf_addc(o, ' ');
		k = i + len;
		i = k - 1;
	}
	if (k == 0)
		return 0;
	dm_buf_add(o, s + k, n - k);
	return 1;
}

/* CONTRACTIONS3: (?i) ('t)(is|was)\b -> " \1 \2 " */
static int
tb_tis(const char *s, size_t n, struct dm_buf *o)
{
	size_t i, j, k = 0;

	for (i = 0; i + 3 < n; i++) {
		if (s[i] != ' ' || s[i + 1] != '\'' ||
		    (s[i + 2] != 't' && s[i + 2] != 'T'))
			continue;
		j = iprefix(s + i + 3, n - i - 3, "is") ? i + 5 :
		    iprefix(s + i + 3, n - i - 3, "was") ? i + 6 : 0;
		if (j == 0 || wordafter(s, n, j))
			continue;
		dm_buf_add(o, s + k, i + 1 - k);
		dm_buf_add(o, s + i + 1, 2);
		dm_buf_addc(o, ' ');
		dm_buf_add(o, s + i + 3, j - i - 3);
		dm_buf_addc(o, ' ');
		k = j;
		i = j - 1;
	}
	if (k == 0)
		return 0;
	dm_buf_add(o, s + k, n - k);
	return 1;
}

static void
addtoken(struct dm_q_words *w, const char *s, size_t n, size_t nchars)
{
	if (w->n + 2 > w->cap) {
		w->cap = w->cap ? 2 * w->cap : 256;
		w->off = dm_xreallocarray(w->off, w->cap, sizeof *w->off);
		w->len = dm_xreallocarray(w->len, w->cap, sizeof *w->len);
		w->kind = dm_xreallocarray(w->kind, w->cap, 1);
	}
	dm_buf_add(&w->tok, s, n);
	w->len[w->n] = nchars;
	w->kind[w->n] = 0;
	w->off[++w->n] = w->tok.len;
}

/* str.split(): runs of white space separate the tokens. */
static void
tb_split(struct dm_q_words *w, const char *s, size_t n)
{
	size_t i = 0, b, l, nch;
	int32_t c;

	while (i < n) {
		if ((unsigned char)s[i] < 0x80) {
			if (BCLS(s[i], B_SPACE)) {
				i++;
				continue;
			}
		} else if (isspacecp((int32_t)(l = dm_q_cp(s, n, i, &c),
		    c))) {
			i += l;
			continue;
		}
		b = i;
		nch = 0;
		while (i < n) {
			if ((unsigned char)s[i] < 0x80) {
				if (BCLS(s[i], B_SPACE))
					break;
				i++;
			} else {
				l = dm_q_cp(s, n, i, &c);
				if (isspacecp(c))
					break;
				i += l;
			}
			nch++;
		}
		addtoken(w, s + b, i - b, nch);
	}
}

/* Which characters a sentence holds, for skipping the passes that
 * could not match: one bit per group of trigger bytes. */
enum {
	T_TICK = 1 << 0, T_DQUOTE = 1 << 1, T_QUOTE = 1 << 2, T_DOT = 1 << 3,
	T_COMMA = 1 << 4, T_PAD1 = 1 << 5, T_PAD2 = 1 << 6, T_HIGH = 1 << 7
};

static unsigned char tbits[256] = {
	['`'] = T_TICK, ['"'] = T_DQUOTE, ['\''] = T_QUOTE, ['.'] = T_DOT,
	[':'] = T_COMMA, [','] = T_COMMA,
	[';'] = T_PAD1, ['@'] = T_PAD1, ['#'] = T_PAD1, ['$'] = T_PAD1,
	['%'] = T_PAD1, ['&'] = T_PAD1, ['?'] = T_PAD1, ['!'] = T_PAD1,
	['*'] = T_PAD2, ['['] = T_PAD2, [']'] = T_PAD2, ['('] = T_PAD2,
	[')'] = T_PAD2, ['{'] = T_PAD2, ['}'] = T_PAD2, ['<'] = T_PAD2,
	['>'] = T_PAD2, ['-'] = T_PAD2,
};

/*
 * The passes over s[0..n), a stretch of a sentence: at its start when
 * first, at its end when last. A stretch that is not first starts with
 * the white space character before it, one that is not last ends with
 * the one after it, so that the passes see every character they look at
 * around a match (see tb_sentence).
 */
static void
tb_stretch(struct dm_q_words *w, const char *s, size_t n, int last)
{
	struct dm_buf *o = &w->a, *spare = &w->b, *t;
	const char *cur = s;
	size_t i, cn = n;
	unsigned m = 0, high = 0;

	for (i = 0; i < n; i++) {
		m |= tbits[(unsigned char)s[i]];
		high |= (unsigned char)s[i];
	}
	if (high & 0x80)
		m |= T_HIGH;
	/* cur is the text so far: the sentence, or the buffer a pass
	 * wrote; o receives the next pass */
#define PASS(f)	do {						\
		dm_buf_reset(o);				\
		if (f(cur, cn, o)) {				\
			cur = o->buf;				\
			cn = o->len;				\
			t = o;					\
			o = spare;				\
			spare = t;				\
		}						\
	} while (0)
	if (m & (T_TICK | T_HIGH))
		PASS(tb_open);
	if (cn > 0 && cur[0] == '"')
		m |= T_TICK;
	if (m & T_DQUOTE)
		PASS(tb_startquote);
	if (m & T_TICK)
		PASS(tb_backticks);
	if (m & (T_DQUOTE | T_QUOTE))
		PASS(tb_openquote);
	if (m & T_QUOTE)
		PASS(tb_quoteletter);
	if ((m & T_DOT) && last)
		PASS(tb_final);
	if (m & T_COMMA)
		PASS(tb_comma);
	/* single periods are the rule; only runs of them are padded */
	if ((m & T_PAD1) || ((m & T_DOT) && memmem(cur, cn, "..", 2)))
		PASS(tb_pads1);
	if (m & T_QUOTE)
		PASS(tb_quotespace);
	if (m & T_PAD2)
		PASS(tb_pads2);
	PASS(tb_close);
	if (m & T_QUOTE) {
		PASS(tb_clitic1);
		PASS(tb_clitic2);
	}
	PASS(tb_contractions);
	if (m & T_QUOTE)
		PASS(tb_tis);
#undef PASS
	tb_split(w, cur, cn);
}

/*
 * Most of a sentence is words that no pass changes. Cut at ASCII white
 * space, a sentence is chunks, and most chunks come out of the passes as
 * they went in, or cut only by padding: brackets, ; @ # $ % & ? ! *, runs
 * of periods, "--", and , or : before anything but a digit or another
 * of them, each a token of its own; and a " that becomes a token `` (at
 * the start of the sentence, or after a space or an opening bracket) or
 * '' (anywhere else). Such a chunk turns into its tokens here. The passes
 * of a match only ever see the white space character on either side of a
 * chunk, never beyond, and they change nothing else in such a chunk: so
 * each run of other chunks (with a quote, a backtick, a " before a quote,
 * a contraction, the final period and what follows it, a quotation mark
 * or white space outside ASCII), taken with the white space character on
 * either side, goes through the passes alone and gives the tokens the
 * whole sentence would. The words of every text are the same as by the
 * passes alone (DM_QUALITY_CHECK compares them, tests/quality-words.bats
 * and tests/bench/same-marks.sh on whole corpora).
 *
 * Three bits per byte of the text, found 16 bytes at a time where SSE2 is
 * there, let a chunk be cut without a look at most of its bytes: ws marks
 * the white space that cuts chunks (chunkspace), cont the continuation
 * bytes of UTF-8 (a token's characters are its bytes less those), and
 * odd every byte that chunk() must look at: ASCII that is neither that
 * white space nor a letter or digit, a letter that starts one of
 * contrpair()'s pairs (c or w and a, g and i or o, l and e: a contraction
 * may start there), and the bytes that start a quotation mark or white
 * space beyond ASCII (C2, E1, E2, E3; every byte from 80 up when the text
 * is not valid UTF-8, whose characters cont cannot count).
 */

/* What chunk() does at an odd byte. */
enum {
	O_NONE,		/* nothing: it stays in its token (+ = / _ controls) */
	O_PAD,		/* a token of its own: brackets ; @ # $ % & ? ! * */
	O_COMMA,	/* , and : padded but before a digit */
	O_DOT,		/* a run of two or more padded */
	O_DASH,		/* -- padded */
	O_CONTR,	/* a letter starting a contraction's pair */
	O_DQUOTE,	/* " becomes `` or '' */
	O_HIGH,		/* beyond ASCII */
	O_SLOW		/* ' ` and 1C-1F: the passes decide */
};

static const unsigned char ocls[128] = {
	[';'] = O_PAD, ['@'] = O_PAD, ['#'] = O_PAD, ['$'] = O_PAD,
	['%'] = O_PAD, ['&'] = O_PAD, ['?'] = O_PAD, ['!'] = O_PAD,
	['*'] = O_PAD, ['['] = O_PAD, [']'] = O_PAD, ['('] = O_PAD,
	[')'] = O_PAD, ['{'] = O_PAD, ['}'] = O_PAD, ['<'] = O_PAD,
	['>'] = O_PAD,
	[','] = O_COMMA, [':'] = O_COMMA, ['.'] = O_DOT, ['-'] = O_DASH,
	['c'] = O_CONTR, ['C'] = O_CONTR, ['g'] = O_CONTR, ['G'] = O_CONTR,
	['l'] = O_CONTR, ['L'] = O_CONTR, ['w'] = O_CONTR, ['W'] = O_CONTR,
	['"'] = O_DQUOTE,
	['\''] = O_SLOW, ['`'] = O_SLOW, [0x1C] = O_SLOW, [0x1D] = O_SLOW,
	[0x1E] = O_SLOW, [0x1F] = O_SLOW,
};

/* The quotation marks the passes know beyond ASCII: « “ ‘ „ » ” ’. */
static int
highquote(int32_t c)
{
	return c == 0xAB || c == 0xBB || (c >= 0x2018 && c <= 0x201E &&
	    c != 0x201A && c != 0x201B);
}

/* Room for the tokens of a sentence of n bytes: chunk() adds them without
 * asking, each copied 16 bytes at a time (a " may become two bytes). */
static void
tok_grow(struct dm_q_words *w, size_t n)
{
	dm_buf_grow(&w->tok, 2 * n + 16);
	if (w->n + n + 2 > w->cap) {
		w->cap = w->n + n + 2 > 2 * w->cap ? w->n + n + 2 : 2 * w->cap;
		w->off = dm_xreallocarray(w->off, w->cap, sizeof *w->off);
		w->len = dm_xreallocarray(w->len, w->cap, sizeof *w->len);
		w->kind = dm_xreallocarray(w->kind, w->cap, 1);
	}
}

/* inline: most sentences fit, and the tests are all */
ALWAYS_INLINE void
tok_reserve(struct dm_q_words *w, size_t n)
{
	if (w->tok.len + 2 * n + 17 > w->tok.cap || w->n + n + 2 > w->cap)
		tok_grow(w, n);
}

/* The kind (DM_QK_...) of the bits of let, dig and cont (bytes of valid
 * UTF-8: a character from 0x80 up has a continuation byte). */
#define BITSKIND(let, dig, high)	((let) != 0 ? DM_QK_LETTER :	\
	    (high) != 0 ? 0 : (dig) != 0 ? DM_QK_DIGIT : DM_QK_OTHER)

/* The kind of the text's bytes [b..e), e > b, by their bits: most lie in
 * one or two words of them. */
ALWAYS_INLINE unsigned char
rangekind(const struct dm_q_words *w, size_t b, size_t e)
{
	const uint64_t *let = w->let, *dig = w->dig, *cont = w->cont;
	uint64_t l = 0, d = 0, h = 0, m;
	size_t q = b / 64, r = e - q * 64;

	if (r <= 64) {
		m = ~(uint64_t)0 << b % 64 & ~(uint64_t)0 >> (64 - r);
		return BITSKIND(let[q] & m, dig[q] & m, cont[q] & m);
	}
	m = ~(uint64_t)0 << b % 64;
	l = let[q] & m;
	d = dig[q] & m;
	h = cont[q] & m;
	for (q++, r -= 64; r > 64; q++, r -= 64) {
		l |= let[q];
		d |= dig[q];
		h |= cont[q];
	}
	m = ~(uint64_t)0 >> (64 - r);
	return BITSKIND(l | (let[q] & m), d | (dig[q] & m), h | (cont[q] & m));
}

/* The token text[b..e), b < e, its characters counted by cont. */
ALWAYS_INLINE void
tok_span(struct dm_q_words *w, size_t b, size_t e)
{
	char *o = w->tok.buf + w->tok.len;
	size_t l = e - b;

	if (l <= 16 && b + 16 <= w->textn)
		memcpy(o, w->text + b, 16);
	else
		memcpy(o, w->text + b, l);
	w->tok.len += l;
	/* most tokens lie in one 64-bit word of cont, most without a bit */
	if (w->high && (b / 64 != (e - 1) / 64 ||
	    (w->cont[b / 64] >> b % 64 & ~(uint64_t)0 >> (64 - l)) != 0))
		l -= bitcount(w->cont, b, e);
	w->len[w->n] = l;
	/* in text not valid UTF-8, a byte from 0x80 up need not be in cont */
	w->kind[w->n] = w->valid ? rangekind(w, b, e) : 0;
	w->off[++w->n] = w->tok.len;
}

/* The token `` or '' (two ASCII characters). */
static inline void
tok_quote(struct dm_q_words *w, char q)
{
	w->tok.buf[w->tok.len] = q;
	w->tok.buf[w->tok.len + 1] = q;
	w->tok.len += 2;
	w->len[w->n] = 2;
	w->kind[w->n] = DM_QK_OTHER;
	w->off[++w->n] = w->tok.len;
}

/*
 * The chunk text[b..e) of the sentence that starts at text[sb], cut by
 * its odd bytes: 1 and its tokens added to w (room reserved), or 0 and w
 * as it was when the passes must see it.
 */
static int
chunk(struct dm_q_words *w, size_t sb, size_t b, size_t e)
{
	static const char *const contr[] = { "cannot", "gimme", "gonna",
	    "gotta", "lemme", "wanna" };
	const char *t = w->text;
	size_t n0 = w->n, t0 = w->tok.len, k = b, p, q, j;
	unsigned char c, d;
	int32_t cp;

	for (p = bitnext(w->odd, b, e); p < e; p = bitnext(w->odd, p + 1, e)) {
		c = (unsigned char)t[p];
		d = p + 1 < e ? (unsigned char)t[p + 1] : ' ';
		switch (c >= 0x80 ? O_HIGH : ocls[c]) {
		case O_NONE:
			continue;
		case O_COMMA:
			/* ",," : the first match takes the second comma */
			if (d == ',' || d == ':')
				goto slow;
			if (d >= '0' && d <= '9')
				continue;
			if (d >= 0x80) {
				dm_q_cp(t, e, p + 1, &cp);
				if (dm_q_isdecimal(cp))
					continue;
			}
			/* FALLTHROUGH */
		case O_PAD:
			if (p > k)
				tok_span(w, k, p);
			tok_span(w, p, p + 1);
			k = p + 1;
			continue;
		case O_DOT:
			if (d != '.')
				continue;
			for (q = p + 2; q < e && t[q] == '.'; q++)
				;
			if (p > k)
				tok_span(w, k, p);
			tok_span(w, p, q);
			k = q;
			p = q - 1;
			continue;
		case O_DASH:
			if (d != '-')
				continue;
			if (p > k)
				tok_span(w, k, p);
			tok_span(w, p, p + 2);
			k = p + 2;
			p++;
			continue;
		case O_CONTR:
			for (j = 0; j < sizeof contr / sizeof contr[0]; j++)
				if (iprefix(t + p, e - p, contr[j]))
					goto slow;
			continue;
		case O_DQUOTE:
			/* ^" and ([ ([{<])" give ``, ENDING_QUOTES ''; a
			 * second quote may see the first one's padding */
			if (d == '"' || d == '\'' || d == '`')
				goto slow;
			if (p > k)
				tok_span(w, k, p);
			tok_quote(w, p == sb || BCLS(t[p - 1], B_OPEN) ? '`' :
			    '\'');
			k = p + 1;
			continue;
		case O_HIGH:
			if (!w->valid)
				goto slow;
			dm_q_cp(t, e, p, &cp);
			if (highquote(cp) || isspacecp(cp))
				goto slow;
			continue;
		default:
			goto slow;
		}
	}
	if (e > k)
		tok_span(w, k, e);
	return 1;
slow:
	w->n = n0;
	w->tok.len = t0;
	return 0;
}

/* Where the final period rule may apply in the sentence text[sb..sb + n):
 * from the chunk holding the last period when only closers and white
 * space follow it; else n. */
static size_t
tb_tail(const struct dm_q_words *w, size_t sb, size_t n)
{
	const char *dot, *s = w->text + sb;
	size_t p, i, l;
	int32_t c;

	/* most sentences end with their period, or with ASCII that cannot
	 * follow the final one */
	if (n > 0 && s[n - 1] == '.')
		p = n - 1;
	else if (n > 0 && (unsigned char)s[n - 1] < 0x80 &&
	    !BCLS(s[n - 1], B_CLOSE | B_SPACE))
		return n;
	else if ((dot = memrchr(s, '.', n)) == NULL)
		return n;
	else
		p = (size_t)(dot - s);
	for (i = p + 1; i < n; i += l) {
		l = dm_q_cp(s, n, i, &c);
		if (!(c < 0x80 ? BCLS(c, B_CLOSE | B_SPACE) != 0 :
		    c == 0xBB || c == 0x201D || c == 0x2019 || isspacecp(c)))
			return n;
	}
	/* after the white space before it (ws holds chunkspace()) */
	return bitprev(w->ws, sb, sb + p) - sb;
}

/*
 * The chunk text[b..e) of the sentence text[sb..se) as chunk() cuts it,
 * or when b is the tail (tb_tail): a chunk that ends the sentence with a
 * period, the final period rule's match when a character other than a
 * period comes before it (the passes split the period off and leave the
 * rest to the same padding), none after two periods.
 */
static int
chunk_or_tail(struct dm_q_words *w, size_t sb, size_t se, size_t b,
    size_t e, size_t tail)
{
	const char *t = w->text;

	if (b < tail)
		return chunk(w, sb, b, e);
	if (b > tail || e != se || t[e - 1] != '.')
		return 0;
	if (e - b >= 2 && t[e - 2] == '.')
		return chunk(w, sb, b, e);
	if (e - b >= 2 && !chunk(w, sb, b, e - 1))
		return 0;
	tok_span(w, e - 1, e);
	return 1;
}

/* The three bits of each byte (see above) of s[0..n), n > 0, one of the
 * 64 bytes at i. */
static void
plainbyte(const char *s, size_t n, size_t i, int valid, uint64_t *ws,
    uint64_t *odd, uint64_t *cont, uint64_t *term, uint64_t *let,
    uint64_t *dig)
{
	unsigned char c = (unsigned char)s[i], d = i + 1 < n ?
	    (unsigned char)s[i + 1] : 0;
	unsigned l = c | 0x20u, m = d | 0x20u;
	uint64_t bit = (uint64_t)1 << i % 64;
	int o;

	if (chunkspace(c)) {
		*ws |= bit;
		return;
	}
	if (c == '.' || c == '?' || c == '!')
		*term |= bit;
	if (l - 'a' < 26)
		*let |= bit;
	if (c - 0x30u < 10)
		*dig |= bit;
	if (c >= 0x80) {
		if (c < 0xC0)
			*cont |= bit;
		o = !valid || c == 0xC2 || (c >= 0xE1 && c <= 0xE3);
	} else if (c >= '0' && c <= '9')
		o = 0;
	else if (l - 'a' >= 26)
		o = 1;
	else
		o = ((l == 'c' || l == 'w') && m == 'a') ||
		    (l == 'g' && (m == 'i' || m == 'o')) ||
		    (l == 'l' && m == 'e');
	if (o)
		*odd |= bit;
}

#ifdef __SSE2__
/*
 * The masks of one block of 64 bytes before chunk() refines them: the
 * white space, the continuation bytes, the bytes from 0x80 up, the ASCII
 * that is odd, the periods and the bytes before a period, the hyphens
 * not before a hyphen, the bytes '.', '?' and '!', the letters that
 * start a pair of contrpair() and the bytes C2, E1, E2 and E3.
 */
struct block {
	uint64_t	 ws, cont, high, odd, dot, dotnext, dash, term, pair, lead;
	uint64_t	 let, dig;
};

/* The masks of the 16 bytes at p (p[16] readable), bits 16 * j on. */
static void
plain16(const char *p, struct block *k, int j)
{
	const __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
	const __m128i y = _mm_loadu_si128((const __m128i *)(const void *)
	    (p + 1));
	const __m128i b20 = _mm_set1_epi8(0x20);
	const __m128i dot = _mm_set1_epi8('.'), dash = _mm_set1_epi8('-');
	__m128i l = _mm_or_si128(x, b20), m = _mm_or_si128(y, b20);
	__m128i sp, ok, pair, lead;
	int sh = 16 * j;

	/* signed compares: bytes from 0x80 up are negative, and fail every
	 * range test below but the continuation bytes' */
	sp = _mm_or_si128(_mm_cmpeq_epi8(x, b20), _mm_and_si128(
	    _mm_cmpgt_epi8(x, _mm_set1_epi8('\t' - 1)),
	    _mm_cmpgt_epi8(_mm_set1_epi8('\r' + 1), x)));
	/* letters, digits, and / = _ + that chunk() passes over (O_NONE) */
	ok = _mm_or_si128(_mm_or_si128(sp, _mm_or_si128(
	    _mm_and_si128(_mm_cmpgt_epi8(l, _mm_set1_epi8('a' - 1)),
	    _mm_cmpgt_epi8(_mm_set1_epi8('z' + 1), l)),
	    _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8('0' - 1)),
	    _mm_cmpgt_epi8(_mm_set1_epi8('9' + 1), x)))),
	    _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('/')),
	    _mm_cmpeq_epi8(x, _mm_set1_epi8('='))),
	    _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('_')),
	    _mm_cmpeq_epi8(x, _mm_set1_epi8('+')))));
	pair = _mm_or_si128(_mm_and_si128(_mm_or_si128(
	    _mm_cmpeq_epi8(l, _mm_set1_epi8('c')),
	    _mm_cmpeq_epi8(l, _mm_set1_epi8('w'))),
	    _mm_cmpeq_epi8(m, _mm_set1_epi8('a'))),
	    _mm_or_si128(_mm_and_si128(_mm_cmpeq_epi8(l, _mm_set1_epi8('g')),
	    _mm_or_si128(_mm_cmpeq_epi8(m, _mm_set1_epi8('i')),
	    _mm_cmpeq_epi8(m, _mm_set1_epi8('o')))),
	    _mm_and_si128(_mm_cmpeq_epi8(l, _mm_set1_epi8('l')),
	    _mm_cmpeq_epi8(m, _mm_set1_epi8('e')))));
	/* C2, E1, E2 and E3; E2 and E3 are E2 with bit 0 cleared */
	lead = _mm_or_si128(_mm_or_si128(
	    _mm_cmpeq_epi8(x, _mm_set1_epi8((char)0xC2)),
	    _mm_cmpeq_epi8(x, _mm_set1_epi8((char)0xE1))),
	    _mm_cmpeq_epi8(_mm_andnot_si128(_mm_set1_epi8(1), x),
	    _mm_set1_epi8((char)0xE2)));
	/* ASCII that is not ok: ok or high, inverted */
	ok = _mm_or_si128(ok, _mm_cmpgt_epi8(_mm_setzero_si128(), x));
	k->ws |= (uint64_t)(unsigned)_mm_movemask_epi8(sp) << sh;
	k->odd |= (uint64_t)((unsigned)_mm_movemask_epi8(ok) ^ 0xFFFFu) << sh;
	k->pair |= (uint64_t)(unsigned)_mm_movemask_epi8(pair) << sh;
	k->lead |= (uint64_t)(unsigned)_mm_movemask_epi8(lead) << sh;
	k->dot |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x,
	    dot)) << sh;
	k->dotnext |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(y,
	    dot)) << sh;
	k->dash |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_andnot_si128(
	    _mm_cmpeq_epi8(y, dash), _mm_cmpeq_epi8(x, dash))) << sh;
	k->term |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_or_si128(
	    _mm_or_si128(_mm_cmpeq_epi8(x, dot), _mm_cmpeq_epi8(x,
	    _mm_set1_epi8('?'))), _mm_cmpeq_epi8(x, _mm_set1_epi8('!')))) << sh;
	k->cont |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpgt_epi8(
	    _mm_set1_epi8((char)0xC0), x)) << sh;
	k->high |= (uint64_t)(unsigned)_mm_movemask_epi8(x) << sh;
	k->let |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_and_si128(
	    _mm_cmpgt_epi8(l, _mm_set1_epi8('a' - 1)),
	    _mm_cmpgt_epi8(_mm_set1_epi8('z' + 1), l))) << sh;
	k->dig |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_and_si128(
	    _mm_cmpgt_epi8(x, _mm_set1_epi8('0' - 1)),
	    _mm_cmpgt_epi8(_mm_set1_epi8('9' + 1), x))) << sh;
}

#ifdef X86
/*
 * The constants of plain32(), each byte repeated 32 times: loaded from
 * memory as operands of the compares, where the compiler would otherwise
 * build each again in every block (more than registers hold).
 */
enum { K_20, K_DOT, K_DASH, K_NIB, K_C, K_W, K_A, K_G, K_I, K_O, K_L,
	K_E, K_C2, K_E1, K_E2, K_1, K_QUEST, K_EXCL, K_C0, K_A1, K_Z1, K_01,
	K_91, NK };
static unsigned char kv[NK][32] __attribute__((aligned(32)));

static void
kv_init(void)
{
	static const unsigned char b[NK] = { 0x20, '.', '-', 0x0F, 'c',
	    'w', 'a', 'g', 'i', 'o', 'l', 'e', 0xC2, 0xE1, 0xE2, 1, '?',
	    '!', 0xC0, 'a' - 1, 'z' + 1, '0' - 1, '9' + 1 };
	int k;

	for (k = 0; k < NK; k++)
		memset(kv[k], b[k], sizeof kv[k]);
}

#define KV(k)	_mm256_load_si256((const __m256i *)(const void *)kv[k])

/* plain16() for the 32 bytes at p (p[32] readable), bits 32 * j on. */
__attribute__((target("avx2"), always_inline)) static inline void
plain32(const char *p, struct block *k, int j)
{
	const __m256i x = _mm256_loadu_si256((const __m256i *)(const void *)p);
	const __m256i y = _mm256_loadu_si256((const __m256i *)(const void *)
	    (p + 1));
	__m256i l = _mm256_or_si256(x, KV(K_20)), m = _mm256_or_si256(y,
	    KV(K_20));
	__m256i cls, sp, ok, pair, lead, dot;
	int sh = 32 * j;

	/*
	 * The class of each byte by its two nibbles (one bit a bucket,
	 * a byte in a bucket when both its nibbles' entries have the bit):
	 * 0x0F the odd ASCII (! " # $ % & ' ( ) * , - . ; : < = > ? @ [ ]
	 * ` { } and 1A-1F; = 1A 1B chunk() passes over), 0x40 \t-\r,
	 * 0x80 the space; nothing from 0x80 up.
	 */
	cls = _mm256_and_si256(_mm256_shuffle_epi8(_mm256_setr_epi8(
	    (char)0x84, 1, 1, 1, 1, 1, 1, 1, 1, 0x41, 0x43, 0x4A, 0x43, 0x4B,
	    3, 2, (char)0x84, 1, 1, 1, 1, 1, 1, 1, 1, 0x41, 0x43, 0x4A, 0x43,
	    0x4B, 3, 2), _mm256_and_si256(x, KV(K_NIB))), _mm256_shuffle_epi8(
	    _mm256_setr_epi8(0x40, 2, (char)0x81, 2, 4, 8, 4, 8, 0, 0, 0, 0,
	    0, 0, 0, 0, 0x40, 2, (char)0x81, 2, 4, 8, 4, 8, 0, 0, 0, 0, 0, 0,
	    0, 0), _mm256_and_si256(_mm256_srli_epi16(x, 4), KV(K_NIB))));
	/* 0x40 moved to 0x80 (the byte's own bit 6 in its 16-bit lane) */
	sp = _mm256_or_si256(cls, _mm256_slli_epi16(cls, 1));
	ok = _mm256_cmpeq_epi8(_mm256_and_si256(cls, KV(K_NIB)),
	    _mm256_setzero_si256());
	pair = _mm256_or_si256(_mm256_and_si256(_mm256_or_si256(
	    _mm256_cmpeq_epi8(l, KV(K_C)), _mm256_cmpeq_epi8(l, KV(K_W))),
	    _mm256_cmpeq_epi8(m, KV(K_A))),
	    _mm256_or_si256(_mm256_and_si256(_mm256_cmpeq_epi8(l, KV(K_G)),
	    _mm256_or_si256(_mm256_cmpeq_epi8(m, KV(K_I)),
	    _mm256_cmpeq_epi8(m, KV(K_O)))),
	    _mm256_and_si256(_mm256_cmpeq_epi8(l, KV(K_L)),
	    _mm256_cmpeq_epi8(m, KV(K_E)))));
	lead = _mm256_or_si256(_mm256_or_si256(
	    _mm256_cmpeq_epi8(x, KV(K_C2)), _mm256_cmpeq_epi8(x, KV(K_E1))),
	    _mm256_cmpeq_epi8(_mm256_andnot_si256(KV(K_1), x), KV(K_E2)));
	dot = _mm256_cmpeq_epi8(x, KV(K_DOT));
	k->ws |= (uint64_t)(uint32_t)_mm256_movemask_epi8(sp) << sh;
	k->odd |= (uint64_t)~(uint32_t)_mm256_movemask_epi8(ok) << sh;
	k->pair |= (uint64_t)(uint32_t)_mm256_movemask_epi8(pair) << sh;
	k->lead |= (uint64_t)(uint32_t)_mm256_movemask_epi8(lead) << sh;
	k->dot |= (uint64_t)(uint32_t)_mm256_movemask_epi8(dot) << sh;
	k->dotnext |= (uint64_t)(uint32_t)_mm256_movemask_epi8(
	    _mm256_cmpeq_epi8(y, KV(K_DOT))) << sh;
	k->dash |= (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_andnot_si256(
	    _mm256_cmpeq_epi8(y, KV(K_DASH)), _mm256_cmpeq_epi8(x,
	    KV(K_DASH)))) << sh;
	k->term |= (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_or_si256(
	    _mm256_or_si256(dot, _mm256_cmpeq_epi8(x, KV(K_QUEST))),
	    _mm256_cmpeq_epi8(x, KV(K_EXCL)))) << sh;
	k->cont |= (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpgt_epi8(
	    KV(K_C0), x)) << sh;
	k->high |= (uint64_t)(uint32_t)_mm256_movemask_epi8(x) << sh;
	/* signed: bytes from 0x80 up are below both ranges */
	k->let |= (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_and_si256(
	    _mm256_cmpgt_epi8(l, KV(K_A1)), _mm256_cmpgt_epi8(KV(K_Z1), l))) <<
	    sh;
	k->dig |= (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_and_si256(
	    _mm256_cmpgt_epi8(x, KV(K_01)), _mm256_cmpgt_epi8(KV(K_91), x))) <<
	    sh;
}
#undef KV
#endif /* X86 */

/* An ASCII letter, digit or '_': \w, that no \b separates from the
 * character after it when that is one as well. */
static inline int
asciiword(unsigned c)
{
	return (c | 0x20) - 'a' < 26 || c - '0' < 10 || c == '_';
}

/* Does one of the contractions that chunk() leaves to the passes start
 * at s[p] (case aside, whatever follows)? */
static int
contr_at(const char *s, size_t n, size_t p)
{
	/* cannot, then gimme gonna gotta lemme wanna, little-endian */
	static const uint64_t c6 = 0x746F6E6E6163ULL, c5[] = {
	    0x656D6D6967ULL, 0x616E6E6F67ULL, 0x6174746F67ULL,
	    0x656D6D656CULL, 0x616E6E6177ULL };
	uint64_t v = 0;
	size_t i, m = n - p < 6 ? n - p : 6;

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (n - p >= 8) {
		memcpy(&v, s + p, 8);
		v |= 0x2020202020202020ULL;
	} else
#endif
		for (i = 0; i < m; i++)
			v |= (uint64_t)((unsigned char)s[p + i] | 0x20) <<
			    8 * i;
	if ((v & 0xFFFFFFFFFFFFULL) == c6)
		return 1;
	v &= 0xFFFFFFFFFFULL;
	for (i = 0; i < sizeof c5 / sizeof c5[0]; i++)
		if (v == c5[i])
			return 1;
	return 0;
}

/*
 * The odd bytes of a block at s[i] that chunk() would pass over are
 * dropped: a period with none on either side (only runs are padded), a
 * hyphen before anything but a hyphen (chunk() passes over it, or has
 * taken it with the one before), a pair that starts no contraction or
 * follows a letter, digit or '_' (no \b, the passes leave it whole),
 * and C2 E1 E2 E3 that start neither a quotation mark nor white space
 * (in valid UTF-8). prevdot is the last byte of the block before was a
 * period.
 */
ALWAYS_INLINE uint64_t
plainodd(const char *s, size_t n, size_t i, const struct block *k,
    int valid, int prevdot)
{
	uint64_t odd = k->odd, x, bit;
	const unsigned char *u;
	size_t j;
	int32_t cp;

	odd &= ~(k->dot & ~k->dotnext & ~(k->dot << 1 | (uint64_t)prevdot));
	odd &= ~k->dash;
	/* the pairs after a letter or a digit of this block dropped by
	 * their bits, the others (after '_', or first) by the test below */
	for (x = k->pair & ~((k->let | k->dig) << 1); x != 0; x &= x - 1) {
		j = i + (size_t)__builtin_ctzll(x);
		/* \b before it: the passes never split two ASCII
		 * characters of a word */
		if (j > 0 && asciiword((unsigned char)s[j - 1]))
			continue;
		if (contr_at(s, n, j))
			odd |= x & -x;
	}
	if (!valid)
		return odd | k->high;
	/* valid UTF-8: C2 starts two bytes, E1 E2 E3 three */
	for (x = k->lead; x != 0; x &= x - 1) {
		bit = x & -x;
		u = (const unsigned char *)s + i + __builtin_ctzll(x);
		cp = u[0] == 0xC2 ? (u[1] & 0x3F) | 0x80 :
		    (int32_t)(u[0] & 0x0F) << 12 | (u[1] & 0x3F) << 6 |
		    (u[2] & 0x3F);
		if (highquote(cp) || isspacecp(cp))
			odd |= bit;
	}
	return odd;
}

#ifdef X86
/* The blocks of 64 bytes of s[0..n) from *pi on, as in plainbits() but
 * 32 bytes at a time; the bytes from 0x80 up among them. */
__attribute__((target("avx2"))) static uint64_t
plainbits_avx2(struct dm_q_words *w, const char *s, size_t n, size_t *pi)
{
	struct block bl;
	uint64_t high = 0;
	size_t i;
	int prevdot = 0;

	if (kv[K_NIB][0] == 0)
		kv_init();
	for (i = *pi; i + 65 <= n; i += 64) {
		memset(&bl, 0, sizeof bl);
		plain32(s + i, &bl, 0);
		plain32(s + i + 32, &bl, 1);
		w->ws[i / 64] = bl.ws;
		w->odd[i / 64] = plainodd(s, n, i, &bl, w->valid, prevdot);
		w->cont[i / 64] = bl.cont;
		w->term[i / 64] = bl.term;
		w->let[i / 64] = bl.let;
		w->dig[i / 64] = bl.dig;
		high |= bl.high;
		prevdot = (int)(bl.dot >> 63);
	}
	*pi = i;
	return high;
}
#endif /* X86 */
#endif /* __SSE2__ */

static void
plainbits(struct dm_q_words *w, const char *s, size_t n)
{
	size_t nw = n / 64 + 1, i = 0, k;
	uint64_t ws, odd, cont, term, let, dig, high = 0;
#ifdef __SSE2__
	struct block bl;
	int j, prevdot = 0;
#endif

	if (nw > w->nbits) {
		w->nbits = nw;
		w->ws = dm_xreallocarray(w->ws, nw, sizeof *w->ws);
		w->odd = dm_xreallocarray(w->odd, nw, sizeof *w->odd);
		w->cont = dm_xreallocarray(w->cont, nw, sizeof *w->cont);
		w->term = dm_xreallocarray(w->term, nw, sizeof *w->term);
		w->let = dm_xreallocarray(w->let, nw, sizeof *w->let);
		w->dig = dm_xreallocarray(w->dig, nw, sizeof *w->dig);
	}
	w->textn = n;
	w->valid = w->known || dm_simd_utf8_valid(s, n);
#ifdef __SSE2__
#ifdef X86
	if (dm_simd_level() >= 2)
		high = plainbits_avx2(w, s, n, &i);
#endif
	/* DM_SIMD=none takes the plain loop below for the whole text */
	for (; i + 65 <= n && dm_simd_level() > 0; i += 64) {
		memset(&bl, 0, sizeof bl);
		for (j = 0; j < 4; j++)
			plain16(s + i + 16 * j, &bl, j);
		w->ws[i / 64] = bl.ws;
		w->odd[i / 64] = plainodd(s, n, i, &bl, w->valid, prevdot);
		w->cont[i / 64] = bl.cont;
		w->term[i / 64] = bl.term;
		w->let[i / 64] = bl.let;
		w->dig[i / 64] = bl.dig;
		high |= bl.high;
		prevdot = (int)(bl.dot >> 63);
	}
#endif
	for (; i < n; i += 64) {
		ws = odd = cont = term = let = dig = 0;
		for (k = i; k < i + 64 && k < n; k++) {
			plainbyte(s, n, k, w->valid, &ws, &odd, &cont, &term,
			    &let, &dig);
			high |= (unsigned char)s[k] >= 0x80;
		}
		w->ws[i / 64] = ws;
		w->odd[i / 64] = odd;
		w->cont[i / 64] = cont;
		w->term[i / 64] = term;
		w->let[i / 64] = let;
		w->dig[i / 64] = dig;
	}
	w->high = high != 0;
}

/*
 * The chunks of the sentence text[sb..se) from i on (i < se) that start
 * before tail, taken 64 bytes at a time from the bits: each chunk is the
 * lowest bit B of the bytes other than white space left in a word of ws
 * and the lowest white space bit E above it, its bytes the bits E - B.
 * The commonest chunks (no odd byte, or only a final , or : that becomes
 * a token of its own) are cut here, the others by chunk(). Returns where
 * the first chunk that the passes must see or that starts from tail
 * starts, or se when there is none.
 */
static size_t
fastrun(struct dm_q_words *w, size_t i, size_t sb, size_t se, size_t tail)
{
	const uint64_t *ws = w->ws, *odd = w->odd, *cont = w->cont;
	const uint64_t *let = w->let, *dig = w->dig;
	const char *t = w->text;
	char *buf = w->tok.buf;
	unsigned char *kind = w->kind;
	size_t *off = w->off, *len = w->len;
	size_t n = w->n, tl = w->tok.len, textn = w->textn;
	size_t stop = tail < se ? tail : se, base, b, e, l, c16;
	uint64_t wsk, oddk, contk, letk, digk, stopk, x, bb, eb, m, o;
	int high = w->high;

	/* the token t[b_..e_) of l_ characters and kind k_ (room
	 * reserved); c16 is 16 when 16 bytes can be read from any byte of
	 * the block */
#define EMIT(b_, e_, l_, k_)	do {					\
		if ((e_) - (b_) <= c16)					\
			memcpy(buf + tl, t + (b_), 16);			\
		else							\
			memcpy(buf + tl, t + (b_), (e_) - (b_));	\
		tl += (e_) - (b_);					\
		len[n] = (l_);						\
		kind[n] = (k_);						\
		off[++n] = tl;						\
	} while (0)
	/* the kind of the bytes of m in the block (see rangekind()) */
#define KIND(m_)	BITSKIND(letk & (m_), digk & (m_), contk & (m_))
	while (i < se) {
		base = i / 64 * 64;
		wsk = ws[base / 64];
		oddk = odd[base / 64];
		contk = high ? cont[base / 64] : 0;
		letk = let[base / 64];
		digk = dig[base / 64];
		/* the bytes from se on are white space here, a chunk may
		 * not start from stop on (without a branch: most sentences
		 * end in a block after their first) */
		wsk |= ~(uint64_t)0 << ((se - base) & 63) &
		    (0 - (uint64_t)(se - base < 64));
		stopk = stop <= base ? ~(uint64_t)0 : stop - base < 64 ?
		    ~(uint64_t)0 << (stop - base) : 0;
		/* no chunk starts before stop and ends after it (it is se,
		 * or tail: a chunk's start), so that a chunk holds a bit of
		 * stopk when it starts from stop on */
		oddk |= stopk;
		c16 = base + 80 <= textn ? 16 : 0;
		for (x = ~wsk & (~(uint64_t)0 << (i - base)); x != 0;
		    x &= -eb) {
			bb = x & -x;
			if ((eb = wsk & -bb) == 0)
				goto cross;
			eb &= -eb;
			m = eb - bb;
			b = base + (size_t)__builtin_ctzll(bb);
			e = base + (size_t)__builtin_ctzll(eb);
			l = e - b;
			if ((contk & m) != 0)
				l -= dm_q_popcount(contk & m);
			if ((o = oddk & m) == 0) {
				EMIT(b, e, l, KIND(m));
				continue;
			}
			if ((stopk & bb) != 0) {
				o = odd[base / 64] & m;
				/* the final period rule's commonest match
				 * (see chunk_or_tail()): a plain word and
				 * the period that ends the sentence */
				if (b == tail && e == se && t[e - 1] == '.' &&
				    (e - b < 2 || t[e - 2] != '.') && o == 0) {
					if (e - b >= 2)
						EMIT(b, e - 1, l - 1,
						    KIND(m & ~(eb >> 1)));
					EMIT(e - 1, e, 1, DM_QK_OTHER);
					continue;
				}
				i = b;
				goto out;
			}
			/* a final , or : (before white space: no digit
			 * follows) is padded */
			if (o == eb >> 1 && (t[e - 1] == ',' ||
			    t[e - 1] == ':')) {
				if (e - 1 > b)
					EMIT(b, e - 1, l - 1,
					    KIND(m & ~(eb >> 1)));
				EMIT(e - 1, e, 1, DM_QK_OTHER);
				continue;
			}
			/* else chunk() cuts it, or leaves it to the passes
			 * (and tb_sentence() finds it again) */
			w->n = n;
			w->tok.len = tl;
			if (!chunk(w, sb, b, e)) {
				i = b;
				goto out;
			}
			n = w->n;
			tl = w->tok.len;
		}
		i = base + 64;
		continue;
cross:
		/* the chunk goes on into the next words */
		b = base + (size_t)__builtin_ctzll(bb);
		e = bitnext(ws, base + 64, se);
		if ((stopk & bb) != 0) {
			i = b;
			goto out;
		}
		if (bitnext(odd, b, e) != e) {
			w->n = n;
			w->tok.len = tl;
			if (!chunk(w, sb, b, e)) {
				i = b;
				goto out;
			}
			n = w->n;
			tl = w->tok.len;
			i = e;
			continue;
		}
		l = e - b;
		if (high)
			l -= bitcount(cont, b, e);
		EMIT(b, e, l, rangekind(w, b, e));
		i = e;
	}
#undef KIND
#undef EMIT
	i = se;
out:
	w->n = n;
	w->tok.len = tl;
	return i;
}

/* The words of the sentence text[sb..se). */
static void
tb_sentence(struct dm_q_words *w, size_t sb, size_t se)
{
	const char *t = w->text;
	size_t i, b, e, tail, pb = 0, pe = 0, n0, t0, first;
	int pending = 0;

	if (w->reference) {
		tb_stretch(w, t + sb, se - sb, 1);
		return;
	}
	tail = sb + tb_tail(w, sb, se - sb);
	tok_reserve(w, se - sb);
	first = bitnext0(w->ws, sb, se);
	for (i = sb;; i = e) {
		/* the commonest chunks: no odd byte, one token each */
		if (!pending && (i = fastrun(w, i, sb, se, tail)) >= se)
			break;
		if ((b = bitnext0(w->ws, i, se)) >= se)
			break;
		e = bitnext(w->ws, b, se);
		n0 = w->n;
		t0 = w->tok.len;
		if (chunk_or_tail(w, sb, se, b, e, tail)) {
			if (pending) {
				/* the stretch before comes first: its
				 * tokens, then the chunk's again */
				w->n = n0;
				w->tok.len = t0;
				tb_stretch(w, t + pb, pe + 1 - pb, 0);
				tok_reserve(w, se - sb);
				chunk_or_tail(w, sb, se, b, e, tail);
				pending = 0;
			}
		} else {
			if (b >= tail)
				e = se;
			if (!pending) {
				/* the first stretch keeps the white space that
				 * the sentence may start with */
				pb = b == first ? sb : b - 1;
				pending = 1;
			}
		}
		pe = e;
	}
	if (pending)
		tb_stretch(w, t + pb, se - pb, 1);
}

void
dm_q_words_split(struct dm_q_words *w, const char *s, size_t n)
{
	size_t i;

	w->n = 0;
	dm_buf_reset(&w->tok);
	if (w->cap == 0) {
		w->cap = 256;
		w->off = dm_xreallocarray(NULL, w->cap, sizeof *w->off);
		w->len = dm_xreallocarray(NULL, w->cap, sizeof *w->len);
		w->kind = dm_xreallocarray(NULL, w->cap, 1);
	}
	w->off[0] = 0;
	w->text = s;
	if (!w->reference)
		plainbits(w, s, n);
	sents_split(&w->sents, s, n, w->reference ? NULL : w);
	for (i = 0; i < w->sents.s.n; i++)
		tb_sentence(w, w->sents.s.v[i].b, w->sents.s.v[i].e);
}

size_t
dm_q_runs(const char *s, size_t n)
{
	size_t i = 0, k = 0, l, lim;
	unsigned in = 0;	/* s[i - 1] is in a run */
#ifdef __SSE2__
	__m128i x, sp;
	unsigned ns;
#endif

	while (i < n) {
#ifdef __SSE2__
		/* 16 ASCII bytes: the runs that start there, by their bits */
		if (i + 16 <= n) {
			x = _mm_loadu_si128((const __m128i *)(const void *)(s +
			    i));
			if (_mm_movemask_epi8(x) == 0) {
				sp = _mm_or_si128(_mm_or_si128(
				    _mm_cmpeq_epi8(x, _mm_set1_epi8(' ')),
				    _mm_and_si128(_mm_cmpgt_epi8(x,
				    _mm_set1_epi8('\t' - 1)), _mm_cmpgt_epi8(
				    _mm_set1_epi8('\r' + 1), x))),
				    _mm_and_si128(_mm_cmpgt_epi8(x,
				    _mm_set1_epi8(0x1B)), _mm_cmpgt_epi8(
				    _mm_set1_epi8(0x20), x)));
				ns = ~(unsigned)_mm_movemask_epi8(sp) & 0xFFFF;
				k += dm_q_popcount(ns & ~(ns << 1 | in));
				in = ns >> 15;
				i += 16;
				continue;
			}
		}
#endif
		/* else a character at a time for as many bytes */
		for (lim = i + 16; i < lim && i < n; i += l) {
			if ((l = spacelen(s, n, i)) > 0)
				in = 0;
			else {
				k += !in;
				in = 1;
				l = 1;
			}
		}
	}
	return k;
}

/* The kind (DM_QK_...) of the bytes t[0..l), told one at a time. */
static int
bytekind(const char *t, size_t l)
{
	const unsigned char *u = (const unsigned char *)t;
	int high = 0, dig = 0;
	size_t i;

	for (i = 0; i < l; i++) {
		if ((u[i] | 0x20u) - 'a' < 26)
			return DM_QK_LETTER;
		high |= u[i] >= 0x80;
		dig |= u[i] - 0x30u < 10;
	}
	return high ? 0 : dig ? DM_QK_DIGIT : DM_QK_OTHER;
}

/* With DM_QUALITY_CHECK set, the words of each text are split a second
 * time by the passes alone, its sentences by punkt's tokens of every
 * context, and a difference is fatal, as is a kind of a word that its
 * bytes do not have: the tests run the predicates so over texts made to
 * hit every rule of chunk() and pk_contains_break(). */
static void
words_check(const struct dm_q_words *w, const char *s, size_t n)
{
	static struct dm_q_words ref = { .reference = 1,
	    .sents = { .reference = 1 } };
	size_t i, l, runs = 0;
	int32_t c;
	int in = 0;

	/* dm_q_runs, a character at a time */
	for (i = 0; i < n; i += l) {
		l = dm_q_cp(s, n, i, &c);
		if (isspacecp(c))
			in = 0;
		else if (!in) {
			in = 1;
			runs++;
		}
	}
	if (runs != dm_q_runs(s, n))
		dm_die("runs of a text of %zu bytes: %zu, not %zu", n,
		    dm_q_runs(s, n), runs);
	dm_q_words_split(&ref, s, n);
	if (ref.sents.s.n != w->sents.s.n || memcmp(ref.sents.s.v,
	    w->sents.s.v, w->sents.s.n * sizeof *w->sents.s.v) != 0)
		dm_die("sentences of a text of %zu bytes differ from punkt's "
		    "(%zu and %zu sentences)", n, w->sents.s.n, ref.sents.s.n);
	for (i = 0; i < w->n; i++)
		if (w->kind[i] != 0 && w->kind[i] != bytekind(w->tok.buf +
		    w->off[i], w->off[i + 1] - w->off[i]))
			dm_die("word %zu of a text of %zu bytes is not of kind "
			    "%d", i, n, w->kind[i]);
	if (ref.n == w->n && ref.tok.len == w->tok.len &&
	    memcmp(ref.tok.buf, w->tok.buf, w->tok.len) == 0) {
		for (i = 0; i < w->n; i++)
			if (ref.off[i + 1] != w->off[i + 1] ||
			    ref.len[i] != w->len[i])
				break;
		if (i == w->n)
			return;
	}
	dm_die("words of a text of %zu bytes differ from the passes' "
	    "(%zu and %zu words)", n, w->n, ref.n);
}

/* One text's words at a time, for every predicate of the process: the
 * predicates of one expression see the same text one after the other.
 * The last text is known by its sample line's load number and its place
 * (lastgen not 0), or by a copy of its bytes. */
static struct dm_q_words lastw;
static struct dm_buf lasttext = DM_BUF_INIT;
static const char *lastp;
static size_t lastn;
static unsigned long lastgen;
static int lastvalid, checkwords = -1;

const struct dm_q_words *
dm_q_words_split_already(const char *s, size_t n, unsigned long gen)
{
	if (!lastvalid)
		return NULL;
	if (gen != 0 && gen == lastgen)
		return lastp == s && lastn == n ? &lastw : NULL;
	if (lastgen == 0 && lasttext.len == n &&
	    memcmp(lasttext.buf, s, n) == 0)
		return &lastw;
	return NULL;
}

const struct dm_q_words *
dm_q_words_of(const char *s, size_t n, unsigned long gen)
{
	if (dm_q_words_split_already(s, n, gen) != NULL)
		return &lastw;
	lastvalid = 0;
	dm_buf_reset(&lasttext);
	if (gen == 0)
		dm_buf_add(&lasttext, s, n);
	lastgen = gen;
	lastp = s;
	lastn = n;
	lastw.known = gen != 0;
	dm_q_words_split(&lastw, s, n);
	lastw.known = 0;
	if (checkwords < 0)
		checkwords = getenv("DM_QUALITY_CHECK") != NULL;
	if (checkwords)
		words_check(&lastw, s, n);
	lastvalid = 1;
	return &lastw;
}

void
dm_q_words_free(struct dm_q_words *w)
{
	dm_buf_free(&w->tok);
	dm_buf_free(&w->a);
	dm_buf_free(&w->b);
	free(w->off);
	free(w->len);
	free(w->kind);
	free(w->let);
	free(w->dig);
	free(w->ws);
	free(w->odd);
	free(w->cont);
	free(w->term);
	dm_q_sents_free(&w->sents);
	memset(w, 0, sizeof *w);
}
