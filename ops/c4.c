/* c4.c - c4: the line rules of C4, as datatrove's C4QualityFilter */
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
 * Lines are splitlines() of the text (with split_paragraph=false: the
 * text cut after each sentence), each stripped. A line is dropped for a
 * word over max_word_length characters, for lacking terminal punctuation,
 * for fewer than min_words_per_line words, for "javascript" or a policy
 * phrase; "lorem ipsum" or "{" in a line drops the whole text; so do fewer
 * than min_num_sentences sentences in the lines kept. Sentences are NLTK's
 * English punkt sentences (see quality.h). The predicate decides; the
 * mapper (dm-map) rewrites the text to the kept lines, and since it cannot
 * drop a text it leaves the three rules on the whole text to the predicate.
 * Both walk the lines with the same code, so they keep the same lines.
 */

static const struct dm_param params[] = {
	{ .name = "split_paragraph", .type = DM_P_BOOL, .def = "true",
	  .help = "lines are lines (false: sentences)" },
	{ .name = "remove_citations", .type = DM_P_BOOL, .def = "true",
	  .help = "remove [1], [edit], [citation needed] first" },
	{ .name = "filter_no_terminal_punct", .type = DM_P_BOOL, .def = "true",
	  .help = "drop lines not ending in . ? ! \" ' (or ending in ...)" },
	{ .name = "min_num_sentences", .type = DM_P_INT, .def = "5",
	  .help = "fewest sentences in the kept lines (-1: off)",
	  .min = -1, .max = HUGE_VAL },
	{ .name = "min_words_per_line", .type = DM_P_INT, .def = "3",
	  .help = "drop lines with fewer words (-1: off)",
	  .min = -1, .max = HUGE_VAL },
	{ .name = "max_word_length", .type = DM_P_INT, .def = "1000",
	  .help = "drop lines with a longer word (-1: off)",
	  .min = -1, .max = HUGE_VAL },
	{ .name = "filter_lorem_ipsum", .type = DM_P_BOOL, .def = "true",
	  .help = "drop texts with \"lorem ipsum\"" },
	{ .name = "filter_javascript", .type = DM_P_BOOL, .def = "true",
	  .help = "drop lines with \"javascript\"" },
	{ .name = "filter_curly_bracket", .type = DM_P_BOOL, .def = "true",
	  .help = "drop texts with '{'" },
	{ .name = "filter_policy", .type = DM_P_BOOL, .def = "true",
	  .help = "drop lines with \"terms of use\", \"privacy policy\"..." },
	{ .name = NULL }
};

struct c4 {
	int		 paragraph, citations, terminal, lorem, js, curly;
	int		 pol;
	long long	 min_sentences, min_words, max_word;
	struct dm_buf	 line, lower;
	struct dm_q_sents sents;
	struct dm_q_sents linesents;
};

static int
c4_init(void **state, const struct dm_args *args, struct dm_buf *err)
{
	struct c4 *c;

	(void)err;
	c = dm_xcalloc(1, sizeof *c);
	c->paragraph = dm_arg_bool(args, "split_paragraph");
	c->citations = dm_arg_bool(args, "remove_citations");
	c->terminal = dm_arg_bool(args, "filter_no_terminal_punct");
	c->min_sentences = dm_arg_int(args, "min_num_sentences");
	c->min_words = dm_arg_int(args, "min_words_per_line");
	c->max_word = dm_arg_int(args, "max_word_length");
	c->lorem = dm_arg_bool(args, "filter_lorem_ipsum");
	c->js = dm_arg_bool(args, "filter_javascript");
	c->curly = dm_arg_bool(args, "filter_curly_bracket");
	c->pol = dm_arg_bool(args, "filter_policy");
	*state = c;
	return 0;
}

/* \[\d*]|\[edit]|\[citation needed] removed; 1 when out holds the result,
 * 0 when there was nothing to remove. */
static int
uncite(const char *s, size_t n, struct dm_buf *out)
{
	size_t i, j, k = 0, l;
	int32_t c;

	for (i = 0; i < n; i++) {
		if (s[i] != '[')
			continue;
		for (j = i + 1; j < n; j += l) {
			l = dm_q_cp(s, n, j, &c);
			if (!dm_q_isdecimal(c))
				break;
		}
		if (j < n && s[j] == ']')
			j++;
		else if (n - i >= 6 && memcmp(s + i, "[edit]", 6) == 0)
			j = i + 6;
		else if (n - i >= 17 &&
		    memcmp(s + i, "[citation needed]", 17) == 0)
			j = i + 17;
		else
			continue;
		dm_buf_add(out, s + k, i - k);
		k = j;
		i = j - 1;
	}
	if (k == 0)
		return 0;
	dm_buf_add(out, s + k, n - k);
	return 1;
}

/* str.isspace() of the ASCII bytes. */
static const unsigned char aspace[128] = {
	['\t'] = 1, ['\n'] = 1, ['\v'] = 1, ['\f'] = 1, ['\r'] = 1,
	[0x1C] = 1, [0x1D] = 1, [0x1E] = 1, [0x1F] = 1, [' '] = 1,
};

/* The length of the white space character at s[i], or 0. */
static size_t
spacelen(const char *s, size_t n, size_t i)
{
	if ((unsigned char)s[i] < 0x80)
		return aspace[(unsigned char)s[i]];
	return dm_q_hispace(s, n, i);
}

/* Bytes that may end a word: ASCII white space, and the lead bytes of
 * the white space beyond ASCII (see dm_q_hispace). */
static const unsigned char wstop[256] = {
	['\t'] = 1, ['\n'] = 1, ['\v'] = 1, ['\f'] = 1, ['\r'] = 1,
	[0x1C] = 1, [0x1D] = 1, [0x1E] = 1, [0x1F] = 1, [' '] = 1,
	[0xC2] = 1, [0xE1] = 1, [0xE2] = 1, [0xE3] = 1,
};

/*
 * line.split(): the number of words, and whether one is longer than max
 * characters (max -1: never). Words are cut byte by byte (see
 * dm_q_hispace); only one of more than max bytes has its characters
 * counted. A line of no more than max bytes has no word too long, and
 * its words are counted up to want: the caller only compares the number
 * with want.
 */
static size_t
words(const char *s, size_t n, long long max, size_t want, int *toolong)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, b, l, nw = 0;
	long long len;
	int32_t c;
	int whole = max != -1 && (long long)n > max;

	*toolong = 0;
	while (i < n) {
		if ((l = spacelen(s, n, i)) > 0) {
			i += l;
			continue;
		}
		if (++nw >= want && !whole)
			break;
		for (b = i++; i < n; i++)
			if (wstop[u[i]] && spacelen(s, n, i) > 0)
				break;
		if (!whole || (long long)(i - b) <= max)
			continue;
		for (len = 0; b < i; b += dm_q_cp(s, i, b, &c))
			len++;
		if (len > max)
			*toolong = 1;
	}
	return nw;
}

static int
endswith(const char *s, size_t n, const char *suf)
{
	size_t l = strlen(suf);

	return n >= l && memcmp(s + n - l, suf, l) == 0;
}

/* The line lower-cased as str.lower(): ASCII by table, the rest by the
 * full Unicode mapping. */
static void
lower(struct c4 *c, const char **s, size_t *n)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if ((unsigned char)(*s)[i] >= 0x80)
			break;
	dm_buf_reset(&c->lower);
	if (i < *n) {
		if (dm_uni_lower(*s, *n, &c->lower)) {
			*s = c->lower.buf;
			*n = c->lower.len;
		}
		return;
	}
	dm_buf_grow(&c->lower, *n);
	for (i = 0; i < *n; i++)
		c->lower.buf[i] = (char)((*s)[i] >= 'A' && (*s)[i] <= 'Z' ?
		    (*s)[i] + 32 : (*s)[i]);
	dm_buf_setlen(&c->lower, *n);
	*s = c->lower.buf;
}

/* The phrases looked for in the lower-cased line. */
enum { PH_LOREM = 1, PH_JS = 2, PH_POLICY = 4 };

static const struct phrase {
	const char	*s;
	size_t		 n;
	int		 what;
} phrases[] = {
	{ "lorem ipsum", 11, PH_LOREM }, { "javascript", 10, PH_JS },
	{ "terms of use", 12, PH_POLICY }, { "privacy policy", 14, PH_POLICY },
	{ "cookie policy", 13, PH_POLICY }, { "uses cookies", 12, PH_POLICY },
	{ "use of cookies", 14, PH_POLICY }, { "use cookies", 11, PH_POLICY },
};

/* Which phrases s[0..n) holds, by memmem over its lower-cased form. */
static int
phrases_lowered(struct c4 *c, const char *s, size_t n)
{
	size_t i;
	int m = 0;

	lower(c, &s, &n);
	for (i = 0; i < sizeof phrases / sizeof phrases[0]; i++)
		if (memmem(s, n, phrases[i].s, phrases[i].n) != NULL)
			m |= phrases[i].what;
	return m;
}

/* The phrases of each first letter: phrases[first[k]..first[k + 1]) start
 * with the first letter of pair[k] (see phrases_in()). */
static const unsigned char first[] = { 0, 1, 2, 3, 4, 5, 8 };

/* Whether the phrases of pair k start at s[i]: all ASCII, compared with
 * the line's ASCII letters lower-cased; their first eight bytes, all
 * lower-cased by | 0x20 (a space stays a space), first. */
static int
phrases_at(const char *s, size_t n, size_t i, size_t k)
{
	const uint64_t low = 0x2020202020202020ULL;
	const struct phrase *p;
	uint64_t x, y;
	size_t j;
	int m = 0;

	for (p = phrases + first[k]; p < phrases + first[k + 1]; p++) {
		if (n - i < p->n)
			continue;
		memcpy(&x, s + i, 8);
		memcpy(&y, p->s, 8);
		if ((x | low) != y)
			continue;
		for (j = 0; j < p->n; j++)
			if ((s[i + j] >= 'A' && s[i + j] <= 'Z' ?
			    s[i + j] + 32 : s[i + j]) != p->s[j])
				break;
		if (j == p->n)
			m |= p->what;
	}
	return m;
}

/* The pair of pair[] that s[i], s[i + 1] are (in any case), or -1. */
static int
pairat(const char *s, size_t i)
{
	static const char pair[][2] = {
		{ 'l', 'o' }, { 'j', 'a' }, { 't', 'e' }, { 'p', 'r' },
		{ 'c', 'o' }, { 'u', 's' },
	};
	int k;

	for (k = 0; k < 6; k++)
		if ((s[i] | 0x20) == pair[k][0] &&
		    (s[i + 1] | 0x20) == pair[k][1])
			return k;
	return -1;
}

/*
 * The phrases (PH_...) at the bytes of bits, a hit of the scans below
 * each (bit j the byte s[i + j]), added to *m; -1 when one of them starts
 * U+0130 or U+212A, so that the line must be lower-cased.
 */
static int
phrases_hits(const char *s, size_t n, size_t i, unsigned bits, int *m)
{
	size_t j;
	int k;

	for (; bits; bits &= bits - 1) {
		j = i + (size_t)__builtin_ctz(bits);
		if ((unsigned char)s[j] >= 0x80) {
			if ((n - j >= 2 && memcmp(s + j, "\xc4\xb0", 2) == 0) ||
			    (n - j >= 3 && memcmp(s + j, "\xe2\x84\xaa",
			    3) == 0))
				return -1;
		} else if (j + 1 < n && (k = pairat(s, j)) >= 0)
			*m |= phrases_at(s, n, j, (size_t)k);
	}
	return 0;
}

#ifdef X86
/* The constants of phrases_avx2(), each byte 32 times: memory operands
 * of the compares rather than more than the registers hold. */
enum { P_20, P_C4, P_E2, P_B0, P_A4, P_PAIR, P_THIRD = P_PAIR + 12,
	NP = P_THIRD + 6 };
static unsigned char pv[NP][32] __attribute__((aligned(32)));

#define PV(k)	_mm256_load_si256((const __m256i *)(const void *)pv[k])

/* The hits of phrases_in() 32 bytes at a time, from 0 while 34 bytes are
 * left; where it stopped, or SIZE_MAX when the line must be lowered. A
 * pair is a hit only before the third letter of its phrases (r v r i o
 * e, any case), and C4 and E2 only before the second bytes of U+0130
 * and U+212A (B0 and 84, 0x20 set): most pairs in words are no phrase. */
__attribute__((target("avx2"))) static size_t
phrases_avx2(const char *s, size_t n, const char (*pair)[2], int *m)
{
	static const char third[] = { 'r', 'v', 'r', 'i', 'o', 'e' };
	__m256i x, y, z, raw, hit;
	size_t i;
	int k;

	if (pv[P_20][0] == 0) {
		memset(pv[P_20], 0x20, 32);
		memset(pv[P_C4], 0xC4, 32);
		memset(pv[P_E2], 0xE2, 32);
		memset(pv[P_B0], 0xB0, 32);
		memset(pv[P_A4], 0x84 | 0x20, 32);
		for (k = 0; k < 6; k++) {
			memset(pv[P_PAIR + 2 * k], pair[k][0], 32);
			memset(pv[P_PAIR + 2 * k + 1], pair[k][1], 32);
			memset(pv[P_THIRD + k], third[k], 32);
		}
	}
	for (i = 0; i + 34 <= n; i += 32) {
		raw = _mm256_loadu_si256((const __m256i *)(const void *)
		    (s + i));
		x = _mm256_or_si256(raw, PV(P_20));
		y = _mm256_or_si256(_mm256_loadu_si256((const __m256i *)
		    (const void *)(s + i + 1)), PV(P_20));
		z = _mm256_or_si256(_mm256_loadu_si256((const __m256i *)
		    (const void *)(s + i + 2)), PV(P_20));
		hit = _mm256_or_si256(_mm256_and_si256(_mm256_cmpeq_epi8(raw,
		    PV(P_C4)), _mm256_cmpeq_epi8(y, PV(P_B0))),
		    _mm256_and_si256(_mm256_cmpeq_epi8(raw, PV(P_E2)),
		    _mm256_cmpeq_epi8(y, PV(P_A4))));
		for (k = 0; k < 6; k++)
			hit = _mm256_or_si256(hit, _mm256_and_si256(
			    _mm256_and_si256(_mm256_cmpeq_epi8(x,
			    PV(P_PAIR + 2 * k)), _mm256_cmpeq_epi8(y,
			    PV(P_PAIR + 2 * k + 1))), _mm256_cmpeq_epi8(z,
			    PV(P_THIRD + k))));
		if (phrases_hits(s, n, i, (unsigned)_mm256_movemask_epi8(hit),
		    m) < 0)
			return SIZE_MAX;
	}
	return i;
}
#undef PV
#endif /* X86 */

/*
 * Which phrases (PH_...) the lower-cased line holds, found without
 * lower-casing it. Only U+0130 and U+212A lower-case to ASCII letters (to
 * i and k, checked for all of Unicode by Python): a line with neither
 * holds a phrase just where its ASCII letters, lower-cased, do, since
 * every other character stays outside ASCII. The phrases' first two
 * letters (lo ja te pr co us, any case) and the first bytes of U+0130
 * and U+212A (C4, E2) are found 32 bytes at a time (AVX2), then sixteen
 * (the last ones from a copy padded with zeros, which start and end no
 * pair), then compared.
 */
static int
phrases_in(struct c4 *c, const char *s, size_t n)
{
	static const char pair[][2] = {
		{ 'l', 'o' }, { 'j', 'a' }, { 't', 'e' }, { 'p', 'r' },
		{ 'c', 'o' }, { 'u', 's' },
	};
	size_t i = 0;
	int m = 0, k;

#ifdef X86
	if (dm_simd_level() >= 2 &&
	    (i = phrases_avx2(s, n, pair, &m)) == SIZE_MAX)
		return phrases_lowered(c, s, n);
#endif
#ifdef __SSE2__
	{
		const __m128i b20 = _mm_set1_epi8(0x20);
		const __m128i c4 = _mm_set1_epi8((char)0xC4);
		const __m128i e2 = _mm_set1_epi8((char)0xE2);
		__m128i x, y, raw, hit, p0[6], p1[6];
		char pad[48];
		const char *q;

		for (k = 0; k < 6; k++) {
			p0[k] = _mm_set1_epi8(pair[k][0]);
			p1[k] = _mm_set1_epi8(pair[k][1]);
		}
		/* byte | 0x20 of a letter is its lower case; other bytes
		 * may give false hits, which the comparison drops */
		for (; i < n; i += 16) {
			if (i + 17 <= n)
				q = s + i;
			else {
				memset(pad, 0, sizeof pad);
				memcpy(pad, s + i, n - i);
				q = pad;
			}
			raw = _mm_loadu_si128((const __m128i *)(const void *)q);
			x = _mm_or_si128(raw, b20);
			y = _mm_or_si128(_mm_loadu_si128(
			    (const __m128i *)(const void *)(q + 1)), b20);
			hit = _mm_or_si128(_mm_cmpeq_epi8(raw, c4),
			    _mm_cmpeq_epi8(raw, e2));
			for (k = 0; k < 6; k++)
				hit = _mm_or_si128(hit, _mm_and_si128(
				    _mm_cmpeq_epi8(x, p0[k]),
				    _mm_cmpeq_epi8(y, p1[k])));
			if (phrases_hits(s, n, i,
			    (unsigned)_mm_movemask_epi8(hit), &m) < 0)
				return phrases_lowered(c, s, n);
		}
		return m;
	}
#else
	(void)i;
	if (dm_q_count(s, n, "\xc4\xb0", 2) > 0 ||
	    dm_q_count(s, n, "\xe2\x84\xaa", 3) > 0)
		return phrases_lowered(c, s, n);
	for (; i + 1 < n; i++)
		if ((k = pairat(s, i)) >= 0)
			m |= phrases_at(s, n, i, (size_t)k);
	return m;
#endif
}

/* What one line does: 1 kept, 0 dropped, -1 the text is dropped (the
 * reason in err). A kept line, citations removed, is left in *kt, *kn,
 * valid until the next call. With doc 0 (the mapper) the rules on the
 * whole text are not applied and sentences are not counted. */
static int
c4_line(struct c4 *c, int doc, const char *s, size_t b, size_t e,
    const char **kt, size_t *kn, long long *nsent, struct dm_buf *err)
{
	const char *t;
	size_t n, nw;
	int toolong, ph;

	/* a line that starts and ends with ASCII other than white space
	 * (\t-\r, \x1c-\x1f, the space) is stripped already */
	if (b == e || (unsigned char)s[b] <= ' ' ||
	    (unsigned char)s[b] >= 0x80 || (unsigned char)s[e - 1] <= ' ' ||
	    (unsigned char)s[e - 1] >= 0x80)
		dm_q_strip(s, &b, &e);
	t = s + b;
	n = e - b;
	/* a word too long, no terminal punctuation, too few words: each
	 * drops the line alone, so the cheapest is asked first */
	dm_buf_reset(&c->line);
	if (c->citations && memchr(t, '[', n) != NULL &&
	    uncite(t, n, &c->line)) {
		t = c->line.buf;
		n = c->line.len;
	}
	if (c->terminal && (n == 0 || strchr(".?!\"'", t[n - 1]) == NULL ||
	    t[n - 1] == '\0' || endswith(t, n, "...")))
		return 0;
	/* the words of the line as it was before the citations went */
	nw = words(s + b, e - b, c->max_word,
	    c->min_words > 0 ? (size_t)c->min_words : 1, &toolong);
	if (toolong || (long long)nw < c->min_words)
		return 0;
	ph = (doc && c->lorem) || c->js || c->pol ? phrases_in(c, t, n) : 0;
	if (doc && c->lorem && (ph & PH_LOREM)) {
		dm_buf_adds(err, "lorem_ipsum");
		return -1;
	}
	if (c->js && (ph & PH_JS))
		return 0;
	if (doc && c->curly && memchr(t, '{', n) != NULL) {
		dm_buf_adds(err, "curly_bracket");
		return -1;
	}
	if (c->pol && (ph & PH_POLICY))
		return 0;
	*kt = t;
	*kn = n;
	/* once there are enough, more sentences change nothing */
	if (doc && c->min_sentences != -1 && *nsent < c->min_sentences) {
		if (c->paragraph) {
			/* split_into_sentences gives one piece for none */
			dm_q_sents_split(&c->linesents, t, n);
			*nsent += c->linesents.s.n ?
			    (long long)c->linesents.s.n : 1;
		} else
			++*nsent;
	}
	return 1;
}

/*
 * One line (s[b..e)) through c4_line; a kept line goes to out when there
 * is one, after a newline (a space between sentences, as datatrove joins
 * them) when out already holds a line. -1 when the line drops the text.
 */
static int
c4_take(struct c4 *c, const char *s, size_t b, size_t e, long long *nsent,
    struct dm_buf *out, size_t *nkept, struct dm_buf *err)
{
	const char *t;
	size_t n;
	int r;

	r = c4_line(c, out == NULL, s, b, e, &t, &n, nsent, err);
	if (r <= 0 || out == NULL)
		return r;
	if ((*nkept)++ > 0)
		dm_buf_addc(out, c->paragraph ? '\n' : ' ');
	dm_buf_add(out, t, n);
	return 1;
}

/*
 * The line walk of both the predicate (out NULL) and the mapper: 1 when
 * the text is kept, 0 when a rule on the whole text drops it (the reason
 * in err). The mapper gets the kept lines in out and always 1.
 */
static int
c4_walk(struct c4 *c, const char *s, size_t n, struct dm_buf *out,
    struct dm_buf *err)
{
	struct dm_q_span line;
	long long nsent = 0;
	size_t pos = 0, i, start, nkept = 0;

	if (c->paragraph) {
		while (dm_q_line(s, n, &pos, &line))
			if (c4_take(c, s, line.b, line.e, &nsent, out, &nkept,
			    err) < 0)
				return 0;
	} else {
		/* split_into_sentences: the text cut at each sentence's end,
		 * the last piece running to the end of the text */
		dm_q_sents_split(&c->sents, s, n);
		for (i = 0, start = 0; i + 1 < c->sents.s.n; i++) {
			if (c4_take(c, s, start, c->sents.s.v[i].e, &nsent,
			    out, &nkept, err) < 0)
				return 0;
			start = c->sents.s.v[i].e;
		}
		if (c4_take(c, s, start, n, &nsent, out, &nkept, err) < 0)
			return 0;
	}
	if (out == NULL && nsent < c->min_sentences) {
		dm_buf_adds(err, "too_few_sentences");
		return 0;
	}
	return 1;
}

static int
c4_filter(void *state, struct dm_sample *smp, const char *s, size_t n,
    struct dm_textstats *ts, struct dm_buf *err)
{
	(void)smp;
	(void)ts;
	return c4_walk(state, s, n, NULL, err);
}

/* The kept lines, stripped as a whole as datatrove strips the joined
 * text (a citation at either end leaves a blank behind). */
static int
c4_text(void *state, const char *s, size_t n, struct dm_buf *out,
    struct dm_buf *err)
{
	size_t b, e;

	c4_walk(state, s, n, out, err);
	b = 0;
	e = out->len;
	dm_q_strip(out->buf, &b, &e);
	if (b > 0)
		memmove(out->buf, out->buf + b, e - b);
	dm_buf_setlen(out, e - b);
	if (out->len == n && memcmp(out->buf, s, n) == 0)
		return 0;
	return 1;
}

static void
c4_fini(void *state)
{
	struct c4 *c = state;

	dm_buf_free(&c->line);
	dm_buf_free(&c->lower);
	dm_q_sents_free(&c->sents);
	dm_q_sents_free(&c->linesents);
	free(c);
}

const struct dm_opdef dm_op_c4 = {
	.name = "c4",
	.kind = DM_OP_FILTER,
	.summary = "line rules of C4 (datatrove C4QualityFilter)",
	.params = params,
	.init = c4_init,
	.text = c4_text,
	.filter = c4_filter,
	.fini = c4_fini,
};
