/* gopher.c - gopher: Gopher's document rules (datatrove GopherQualityFilter) */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define X86	1
#endif

#include "dm.h"
#include "quality.h"
#include "simd.h"

/*
 * Words are datatrove's split_into_words for English (NLTK's
 * word_tokenize, see quality.h). A threshold of 0 turns its rule off, as
 * None or 0 do in datatrove. Where datatrove would divide by zero (no
 * words, no lines) a ratio with a positive numerator counts as infinite
 * and 0/0 compares false, so the rule passes.
 */

static const struct dm_param params[] = {
	{ .name = "min_doc_words", .type = DM_P_INT, .def = "50",
	  .help = "fewest words that are not all punctuation",
	  .min = 0, .max = HUGE_VAL },
	{ .name = "max_doc_words", .type = DM_P_INT, .def = "100000",
	  .help = "most words that are not all punctuation",
	  .min = 0, .max = HUGE_VAL },
	{ .name = "min_avg_word_length", .type = DM_P_FLOAT, .def = "3",
	  .help = "smallest mean length of those words",
	  .min = 0, .max = HUGE_VAL },
	{ .name = "max_avg_word_length", .type = DM_P_FLOAT, .def = "10",
	  .help = "largest mean length of those words",
	  .min = 0, .max = HUGE_VAL },
	{ .name = "max_symbol_word_ratio", .type = DM_P_FLOAT, .def = "0.1",
	  .help = "most '#' per word, and most '...' and U+2026 per word",
	  .min = 0, .max = HUGE_VAL },
	{ .name = "max_bullet_lines_ratio", .type = DM_P_FLOAT, .def = "0.9",
	  .help = "most lines starting with U+2022 or '-'",
	  .min = 0, .max = HUGE_VAL },
	{ .name = "max_ellipsis_lines_ratio", .type = DM_P_FLOAT, .def = "0.3",
	  .help = "most lines ending with '...' or U+2026",
	  .min = 0, .max = HUGE_VAL },
	{ .name = "max_non_alpha_words_ratio", .type = DM_P_FLOAT,
	  .def = "0.8",
	  .help = "least share of words holding a letter",
	  .min = 0, .max = HUGE_VAL },
	{ .name = "min_stop_words", .type = DM_P_INT, .def = "2",
	  .help = "fewest distinct stop words present",
	  .min = 0, .max = HUGE_VAL },
	{ .name = "stop_words", .type = DM_P_LIST,
	  .def = "the,be,to,of,and,that,have,with",
	  .help = "the stop words (case matters)" },
	{ .name = NULL }
};

struct gopher {
	long long	 min_words, max_words, min_stop;
	double		 min_avg, max_avg, max_sym, max_bullet, max_ell;
	double		 min_alpha;
	char		**stop;
	size_t		*stoplen;
	size_t		 nstop;
	unsigned char	*seen;
	uint64_t	*sel;	/* see stopwords(); NULL: no prefilter */
	unsigned char	 cls[256];	/* see gopher_filter() */
	unsigned char	*ucls;		/* see uclass() */
	const struct dm_q_words *w;	/* the text's words, shared */
};

/* cls[] of a byte: ASCII that is not punctuation (letters, digits, tab,
 * newline and space), an ASCII letter, a byte from 0x80 up. */
enum { C_NP = 1, C_LET = 2, C_HIGH = 4 };

/* Stop words up to this many bytes and this many of them are found
 * through sel[] (by length and first byte). */
#define SEL_LEN		16
#define SEL_MAX		64

static int
gopher_init(void **state, const struct dm_args *args, struct dm_buf *err)
{
	const struct dm_arg *a;
	struct gopher *g;
	size_t i;

	(void)err;
	g = dm_xcalloc(1, sizeof *g);
	g->min_words = dm_arg_int(args, "min_doc_words");
	g->max_words = dm_arg_int(args, "max_doc_words");
	g->min_avg = dm_arg_float(args, "min_avg_word_length");
	g->max_avg = dm_arg_float(args, "max_avg_word_length");
	g->max_sym = dm_arg_float(args, "max_symbol_word_ratio");
	g->max_bullet = dm_arg_float(args, "max_bullet_lines_ratio");
	g->max_ell = dm_arg_float(args, "max_ellipsis_lines_ratio");
	g->min_alpha = dm_arg_float(args, "max_non_alpha_words_ratio");
	g->min_stop = dm_arg_int(args, "min_stop_words");
	a = dm_arg(args, "stop_words");
	g->nstop = a->nlist;
	g->stop = dm_xcalloc(g->nstop + 1, sizeof *g->stop);
	g->stoplen = dm_xcalloc(g->nstop + 1, sizeof *g->stoplen);
	g->seen = dm_xcalloc(g->nstop + 1, 1);
	for (i = 0; i < g->nstop; i++) {
		g->stop[i] = dm_xstrdup(a->list[i]);
		g->stoplen[i] = strlen(a->list[i]);
	}
	for (i = 0; i < g->nstop && g->stoplen[i] > 0 &&
	    g->stoplen[i] < SEL_LEN; i++)
		;
	if (i == g->nstop && g->nstop <= SEL_MAX) {
		g->sel = dm_xcalloc(SEL_LEN * 256, sizeof *g->sel);
		for (i = 0; i < g->nstop; i++)
			g->sel[g->stoplen[i] << 8 |
			    (unsigned char)g->stop[i][0]] |= 1ULL << i;
	}
	for (i = 0; i < 256; i++)
		g->cls[i] = i >= 0x80 ? C_HIGH :
		    ((i | 0x20) >= 'a' && (i | 0x20) <= 'z') ? C_NP | C_LET :
		    (i >= '0' && i <= '9') || i == '\t' || i == '\n' ||
		    i == ' ' ? C_NP : 0;
	*state = g;
	return 0;
}

/* a / b as Python would have it, but defined for b == 0 (see above). */
static double
ratio(double a, double b)
{
	if (b == 0)
		return a > 0 ? HUGE_VAL : NAN;
	return a / b;
}

static int
fail(struct dm_buf *err, const char *why)
{
	dm_buf_adds(err, why);
	return 0;
}

/* Distinct stop words among the tokens, counting up to want: a token
 * is compared with the stop words of its length and first byte only
 * (sel, when the stop words allow). */
static long long
stopwords(struct gopher *g, long long want)
{
	const struct dm_q_words *w = g->w;
	long long found = 0;
	uint64_t left, m;
	size_t i, j, len;
	const char *t;

	if (g->sel != NULL) {
		left = g->nstop < 64 ? (1ULL << g->nstop) - 1 : ~0ULL;
		for (i = 0; i < w->n && found < want; i++) {
			len = w->off[i + 1] - w->off[i];
			if (len >= SEL_LEN)
				continue;
			t = w->tok.buf + w->off[i];
			for (m = g->sel[len << 8 | (unsigned char)t[0]] & left;
			    m; m &= m - 1) {
				j = (size_t)__builtin_ctzll(m);
				if (memcmp(g->stop[j], t, len) == 0) {
					left &= ~(1ULL << j);
					found++;
				}
			}
		}
		return found;
	}
	memset(g->seen, 0, g->nstop);
	for (i = 0; i < w->n && found < want; i++) {
		len = w->off[i + 1] - w->off[i];
		for (j = 0; j < g->nstop; j++)
			if (!g->seen[j] && g->stoplen[j] == len &&
			    memcmp(g->stop[j], w->tok.buf + w->off[i],
			    len) == 0) {
				g->seen[j] = 1;
				found++;
			}
	}
	return found;
}

/* The sum of v[0..n). */
static size_t
sumlen(const size_t *v, size_t n)
{
	size_t a = 0, b = 0, c = 0, d = 0, i;

	for (i = 0; i + 4 <= n; i += 4) {
		a += v[i];
		b += v[i + 1];
		c += v[i + 2];
		d += v[i + 3];
	}
	for (; i < n; i++)
		a += v[i];
	return a + b + c + d;
}

/* What a word is: all punctuation, holding a letter. */
enum { W_PUNCT = 1, W_LETTER = 2 };

/* Bit j set for the j < n (at most 64) where k[j] is v. */
static uint64_t
kindmask(const unsigned char *k, size_t n, int v)
{
	uint64_t m = 0;
	size_t j = 0;

#ifdef __SSE2__
	const __m128i t = _mm_set1_epi8((char)v);

	for (; j + 16 <= n; j += 16)
		m |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
		    _mm_loadu_si128((const __m128i *)(const void *)(k + j)),
		    t)) << j;
#endif
	for (; j < n; j++)
		m |= (uint64_t)(k[j] == v) << j;
	return m;
}

/* The cls[] bits (C_NP, C_LET) of the code point c from 0x80 up:
 * dm_q_ispunct() and dm_uni_isalpha(), remembered for those below
 * 0x10000 (ucls[c], 0 until asked). */
static int
uclass(struct gopher *g, int32_t c)
{
	int k;

	if (c < 0x10000 && g->ucls != NULL && g->ucls[c] != 0)
		return g->ucls[c] & (C_NP | C_LET);
	k = (dm_q_ispunct(c) ? 0 : C_NP) | (dm_uni_isalpha(c) ? C_LET : 0);
	if (c < 0x10000) {
		if (g->ucls == NULL)
			g->ucls = dm_xcalloc(0x10000, 1);
		g->ucls[c] = (unsigned char)(k | C_HIGH);
	}
	return k;
}

/* What the token t[0..l) (l > 0) is (W_...): all ASCII, by the bits of
 * its bytes together. Out of line, so that the loop over the words keeps
 * its registers. */
__attribute__((noinline)) static int
oddword(struct gopher *g, const char *t, size_t l)
{
	const unsigned char *u = (const unsigned char *)t;
	size_t j, cl;
	int32_t c;
	int k = 0, punct = 1, letter = 0;

	/* until it is known to be no punctuation and to hold a letter,
	 * or a byte beyond ASCII comes (C_HIGH is above both) */
	for (j = 0; j < l && k < (C_NP | C_LET); j++)
		k |= g->cls[u[j]];
	if (!(k & C_HIGH))
		return (k & C_NP ? 0 : W_PUNCT) | (k & C_LET ? W_LETTER : 0);
	for (j = 0; j < l && (punct || !letter); j += cl) {
		if ((k = g->cls[u[j]]) != C_HIGH)
			cl = 1;
		else {
			cl = dm_q_cp(t, l, j, &c);
			k = uclass(g, c);
		}
		if (k & C_NP)
			punct = 0;
		if (k & C_LET)
			letter = 1;
	}
	return (punct ? W_PUNCT : 0) | (letter ? W_LETTER : 0);
}

/* What the word tok[off[i]..off[i + 1]) is (W_...), by its ASCII bytes
 * or by oddword(). */
static int
wordclass(struct gopher *g, const char *tok, const size_t *off, size_t i)
{
	size_t j, a = off[i], e = off[i + 1];
	int k = g->cls[(unsigned char)tok[a]];

	/* the ASCII of a word here, as in oddword() */
	for (j = a + 1; j < e && k < (C_NP | C_LET); j++)
		k |= g->cls[(unsigned char)tok[j]];
	if (k & C_HIGH)
		return oddword(g, tok + a, e - a);
	return (k & C_NP ? 0 : W_PUNCT) | (k & C_LET ? W_LETTER : 0);
}

/* The bullet lines and the ellipsis lines (see gopher_filter) of the
 * line in[b..e). */
static void
lineends(const char *in, size_t b, size_t e, size_t *bullets, size_t *ells)
{
	const char *t;
	size_t l;

	dm_q_strip(in, &b, &e);
	if (b == e)
		return;
	t = in + b;
	l = e - b;
	/* "-" or U+2022 BULLET */
	if (t[0] == '-' || (l >= 3 && memcmp(t, "\xe2\x80\xa2", 3) == 0))
		++*bullets;
	if (l >= 3 && (memcmp(t + l - 3, "...", 3) == 0 ||
	    memcmp(t + l - 3, "\xe2\x80\xa6", 3) == 0))
		++*ells;
}

/* The lines of in[0..n) (splitlines()), how many start with a bullet and
 * how many end with an ellipsis once stripped. */
static size_t
lines(const char *in, size_t n, size_t *bullets, size_t *ells)
{
	struct dm_q_span line;
	size_t nlines = 0, pos = 0;

	*bullets = *ells = 0;
	while (dm_q_line(in, n, &pos, &line)) {
		nlines++;
		lineends(in, line.b, line.e, bullets, ells);
	}
	return nlines;
}

/*
 * str.count of "#", of "..." and of U+2026, and the lines of
 * splitlines() cut at "\n" alone, in one pass over the text by blocks
 * of 64 bytes and the bits of their bytes. A run of k periods holds k /
 * 3 "..." that do not overlap, and U+2026 is E2 80 A6. The line ends of
 * splitlines() other than "\n" (\v, \f, \r, \x1c-\x1e, U+0085 (C2 85),
 * U+2028/U+2029 (E2 80 A8/A9)) set ends: the lines are then to be cut
 * again by dm_q_line().
 */
struct scan {
	size_t		 hashes, dots, ellipses;
	size_t		 run;		/* periods before the block */
	size_t		 nlines, bullets, ells, pos;	/* pos: line start */
	int		 ends;
};

/* The bits of one block of 64 bytes (or fewer, the last). */
struct symbits {
	uint64_t	 hash, dot, nl, e2, c2, end;
};

/* The bits of s[i..i + l), l <= 64, a byte at a time. */
static void
symbits_c(const char *s, size_t i, size_t l, struct symbits *k)
{
	const unsigned char *u = (const unsigned char *)s + i;
	uint64_t bit;
	size_t j;

	memset(k, 0, sizeof *k);
	for (j = 0; j < l; j++) {
		bit = (uint64_t)1 << j;
		switch (u[j]) {
		case '#': k->hash |= bit; break;
		case '.': k->dot |= bit; break;
		case '\n': k->nl |= bit; break;
		case 0xE2: k->e2 |= bit; break;
		case 0xC2: k->c2 |= bit; break;
		case '\v': case '\f': case '\r': case 0x1C: case 0x1D:
		case 0x1E:
			k->end |= bit;
			break;
		}
	}
}

#ifdef __SSE2__
/* symbits_c() for the 64 bytes at s + i. */
static void
symbits_sse2(const char *s, size_t i, struct symbits *k)
{
	__m128i x;
	uint64_t m[6] = { 0 };
	int j;

	for (j = 0; j < 4; j++) {
		x = _mm_loadu_si128((const __m128i *)(const void *)(s + i +
		    16 * j));
#define MASK(v)	((uint64_t)(unsigned)_mm_movemask_epi8(v) << 16 * j)
		m[0] |= MASK(_mm_cmpeq_epi8(x, _mm_set1_epi8('#')));
		m[1] |= MASK(_mm_cmpeq_epi8(x, _mm_set1_epi8('.')));
		m[2] |= MASK(_mm_cmpeq_epi8(x, _mm_set1_epi8('\n')));
		m[3] |= MASK(_mm_cmpeq_epi8(x, _mm_set1_epi8((char)0xE2)));
		m[4] |= MASK(_mm_cmpeq_epi8(x, _mm_set1_epi8((char)0xC2)));
		/* \v-\r and \x1c-\x1e; signed: bytes from 0x80 up are
		 * below both */
		m[5] |= MASK(_mm_or_si128(_mm_and_si128(
		    _mm_cmpgt_epi8(x, _mm_set1_epi8('\v' - 1)),
		    _mm_cmpgt_epi8(_mm_set1_epi8('\r' + 1), x)),
		    _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8(0x1B)),
		    _mm_cmpgt_epi8(_mm_set1_epi8(0x1F), x))));
#undef MASK
	}
	k->hash = m[0];
	k->dot = m[1];
	k->nl = m[2];
	k->e2 = m[3];
	k->c2 = m[4];
	k->end = m[5];
}
#endif

#ifdef X86
/* symbits_sse2() 32 bytes at a time. */
__attribute__((target("avx2"), always_inline)) static inline void
symbits_avx2(const char *s, size_t i, struct symbits *k)
{
	__m256i x;
	uint64_t m[6] = { 0 };
	int j;

	for (j = 0; j < 2; j++) {
		x = _mm256_loadu_si256((const __m256i *)(const void *)(s + i +
		    32 * j));
#define MASK(v)	((uint64_t)(uint32_t)_mm256_movemask_epi8(v) << 32 * j)
		m[0] |= MASK(_mm256_cmpeq_epi8(x, _mm256_set1_epi8('#')));
		m[1] |= MASK(_mm256_cmpeq_epi8(x, _mm256_set1_epi8('.')));
		m[2] |= MASK(_mm256_cmpeq_epi8(x, _mm256_set1_epi8('\n')));
		m[3] |= MASK(_mm256_cmpeq_epi8(x,
		    _mm256_set1_epi8((char)0xE2)));
		m[4] |= MASK(_mm256_cmpeq_epi8(x,
		    _mm256_set1_epi8((char)0xC2)));
		m[5] |= MASK(_mm256_or_si256(_mm256_and_si256(
		    _mm256_cmpgt_epi8(x, _mm256_set1_epi8('\v' - 1)),
		    _mm256_cmpgt_epi8(_mm256_set1_epi8('\r' + 1), x)),
		    _mm256_and_si256(_mm256_cmpgt_epi8(x,
		    _mm256_set1_epi8(0x1B)), _mm256_cmpgt_epi8(
		    _mm256_set1_epi8(0x1F), x))));
#undef MASK
	}
	k->hash = m[0];
	k->dot = m[1];
	k->nl = m[2];
	k->e2 = m[3];
	k->c2 = m[4];
	k->end = m[5];
}
#endif

/* The line in[pos..e) cut at "\n": its bullet and its ellipsis. */
static void
nlline(const char *in, size_t pos, size_t e, struct scan *c)
{
	const unsigned char *u = (const unsigned char *)in;

	c->nlines++;
	if (e == pos)
		return;
	/* ASCII white space is \t-\r, \x1c-\x1f and the space */
	if (u[pos] > ' ' && u[pos] < 0x80 && u[e - 1] > ' ' &&
	    u[e - 1] < 0x80) {
		if (u[pos] == '-')
			c->bullets++;
		if (e - pos >= 3 && memcmp(in + e - 3, "...", 3) == 0)
			c->ells++;
	} else
		lineends(in, pos, e, &c->bullets, &c->ells);
}

/* The block of s[0..n) at i, of bits k. Inline: in the loops over the
 * blocks of symbols(), most blocks hold none of the bytes it looks at
 * but single periods and newlines. */
__attribute__((always_inline)) static inline void
symblock(const char *s, size_t n, size_t i, const struct symbits *k,
    struct scan *c)
{
	const unsigned char *u = (const unsigned char *)s;
	uint64_t x, y;
	size_t j, b, l;

	if (k->hash != 0)
		c->hashes += dm_q_popcount(k->hash);
	if (k->end != 0)
		c->ends = 1;
	/* a run from the block before ends at its first byte other than a
	 * period; a period alone in the block (neither end) is no "..." */
	if (c->run > 0 && !(k->dot & 1)) {
		c->dots += c->run / 3;
		c->run = 0;
	}
	for (x = k->dot & (k->dot << 1 | k->dot >> 1 | 1 | 1ULL << 63);
	    x != 0; ) {
		b = (size_t)__builtin_ctzll(x);
		y = ~(k->dot >> b);
		l = y == 0 ? 64 - b : (size_t)__builtin_ctzll(y);
		if (b > 0 || c->run == 0) {
			c->dots += c->run / 3;
			c->run = 0;
		}
		c->run += l;
		if (b + l == 64)
			break;
		c->dots += c->run / 3;
		c->run = 0;
		x &= ~(uint64_t)0 << (b + l);
	}
	for (x = k->e2; x != 0; x &= x - 1) {
		j = i + (size_t)__builtin_ctzll(x);
		if (n - j >= 3 && u[j + 1] == 0x80) {
			if (u[j + 2] == 0xA6)
				c->ellipses++;
			else if (u[j + 2] == 0xA8 || u[j + 2] == 0xA9)
				c->ends = 1;
		}
	}
	for (x = k->c2; x != 0; x &= x - 1) {
		j = i + (size_t)__builtin_ctzll(x);
		if (n - j >= 2 && u[j + 1] == 0x85)
			c->ends = 1;
	}
	if (c->ends)
		return;
	for (x = k->nl; x != 0; x &= x - 1) {
		j = i + (size_t)__builtin_ctzll(x);
		nlline(s, c->pos, j, c);
		c->pos = j + 1;
	}
}

#ifdef X86
/* The blocks of 64 bytes of s[0..n) as in symbols(); where they end. */
__attribute__((target("avx2"))) static size_t
symbols_avx2(const char *s, size_t n, struct scan *c)
{
	struct symbits k;
	size_t i;

	for (i = 0; i + 64 <= n; i += 64) {
		symbits_avx2(s, i, &k);
		symblock(s, n, i, &k, c);
	}
	return i;
}
#endif

/* The scan of s[0..n); the lines only when c->ends is 0. */
static void
symbols(const char *s, size_t n, struct scan *c)
{
	struct symbits k;
	size_t i = 0;
#ifdef __SSE2__
	char last[64];
#endif

	memset(c, 0, sizeof *c);
#ifdef __SSE2__
	/* DM_SIMD=none takes the loop below for the whole text */
	if (dm_simd_level() > 0) {
#ifdef X86
		if (dm_simd_level() >= 2)
			i = symbols_avx2(s, n, c);
#endif
		for (; i + 64 <= n; i += 64) {
			symbits_sse2(s, i, &k);
			symblock(s, n, i, &k, c);
		}
		/* the last bytes, padded with NULs that are none of them */
		if (i < n) {
			memset(last, 0, sizeof last);
			memcpy(last, s + i, n - i);
			symbits_sse2(last, 0, &k);
			symblock(s, n, i, &k, c);
			i = n;
		}
	}
#endif
	for (; i < n; i += 64) {
		symbits_c(s, i, n - i < 64 ? n - i : 64, &k);
		symblock(s, n, i, &k, c);
	}
	c->dots += c->run / 3;
	if (!c->ends && c->pos < n)
		nlline(s, c->pos, n, c);
}

static int
gopher_filter(void *state, struct dm_sample *s, const char *in, size_t n,
    struct dm_textstats *ts, struct dm_buf *err)
{
	struct gopher *g = state;
	const struct dm_q_words *w;
	size_t i, j, l, p, nw, nonsym, npunct = 0, pchars = 0, noletter = 0;
	size_t alpha, chars;
	uint64_t other, digit, x;
	struct scan sc;
	const size_t *off;
	const char *tok;
	int k;

	(void)ts;
	w = g->w = dm_q_words_of(in, n, dm_sample_linegen(s, in, n));
	off = w->off;
	tok = w->tok.buf;
	nw = w->n;
	/* most words are of a kind that the split found on the way (an
	 * ASCII letter: neither all punctuation nor without a letter; only
	 * ASCII and a digit: neither; only ASCII and neither letters nor
	 * digits: all punctuation), counted 64 at a time by their masks;
	 * the others are told by their bytes */
	for (i = 0; i < nw; i += 64) {
		l = nw - i < 64 ? nw - i : 64;
		other = kindmask(w->kind + i, l, DM_QK_OTHER);
		digit = kindmask(w->kind + i, l, DM_QK_DIGIT);
		npunct += dm_q_popcount(other);
		noletter += dm_q_popcount(other | digit);
		for (x = other; x != 0; x &= x - 1)
			pchars += w->len[i + (size_t)__builtin_ctzll(x)];
		for (x = kindmask(w->kind + i, l, 0); x != 0; x &= x - 1) {
			j = i + (size_t)__builtin_ctzll(x);
			k = wordclass(g, tok, off, j);
			p = (size_t)(k & W_PUNCT);
			npunct += p;
			pchars += w->len[j] & (0 - p);
			noletter += !(k & W_LETTER);
		}
	}
	nonsym = nw - npunct;
	alpha = nw - noletter;
	if (g->min_words && (long long)nonsym < g->min_words)
		return fail(err, "gopher_short_doc");
	if (g->max_words && (long long)nonsym > g->max_words)
		return fail(err, "gopher_long_doc");
	/* numpy's mean of no words is nan, which no comparison fails */
	if (nonsym > 0 && (g->min_avg || g->max_avg)) {
		chars = sumlen(w->len, nw) - pchars;
		if (g->min_avg && (double)chars / nonsym < g->min_avg)
			return fail(err, "gopher_below_avg_threshold");
		if (g->max_avg && (double)chars / nonsym > g->max_avg)
			return fail(err, "gopher_above_avg_threshold");
	}
	if (g->max_sym || g->max_bullet || g->max_ell)
		symbols(in, n, &sc);
	if (g->max_sym) {
		if (ratio(sc.hashes, w->n) > g->max_sym)
			return fail(err, "gopher_too_many_hashes");
		if (ratio(sc.dots + sc.ellipses, w->n) > g->max_sym)
			return fail(err, "gopher_too_many_ellipsis");
	}
	if (g->max_bullet || g->max_ell) {
		if (sc.ends)
			sc.nlines = lines(in, n, &sc.bullets, &sc.ells);
		if (g->max_bullet &&
		    ratio(sc.bullets, sc.nlines) > g->max_bullet)
			return fail(err, "gopher_too_many_bullets");
		if (g->max_ell && ratio(sc.ells, sc.nlines) > g->max_ell)
			return fail(err, "gopher_too_many_end_ellipsis");
	}
	if (g->min_alpha && ratio(alpha, w->n) < g->min_alpha)
		return fail(err, "gopher_below_alpha_threshold");
	if (g->min_stop && stopwords(g, g->min_stop) < g->min_stop)
		return fail(err, "gopher_enough_stop_words");
	return 1;
}

static void
gopher_fini(void *state)
{
	struct gopher *g = state;
	size_t i;

	for (i = 0; i < g->nstop; i++)
		free(g->stop[i]);
	free(g->stop);
	free(g->stoplen);
	free(g->seen);
	free(g->sel);
	free(g->ucls);
	free(g);
}

const struct dm_opdef dm_op_gopher = {
	.name = "gopher",
	.kind = DM_OP_FILTER,
	.summary = "document quality rules of Gopher (datatrove "
	    "GopherQualityFilter)",
	.params = params,
	.init = gopher_init,
	.filter = gopher_filter,
	.fini = gopher_fini,
};
