/* gopher.c - gopher: Gopher's document rules (datatrove GopherQualityFilter) */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "dm.h"
#include "quality.h"

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
	const struct dm_q_words *w;	/* the text's words, shared */
};

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

/* Distinct stop words among the tokens, counting up to want. */
static long long
stopwords(struct gopher *g, long long want)
{
	const struct dm_q_words *w = g->w;
	long long found = 0;
	size_t i, j, len;

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

/*
 * str.count of "#", of "..." and of U+2026 in s[0..n), in one pass that
 * looks at the bytes '#', '.' and 0xE2 only (found sixteen at a time): a
 * run of k periods holds k / 3 "..." that do not overlap, and U+2026 is
 * E2 80 A6.
 */
static void
symbols(const char *s, size_t n, size_t *hash, size_t *dots, size_t *ell)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, run = 0, last = 0;

	*hash = *dots = *ell = 0;
#define SYMBOL(j) do {							\
	if (u[j] == '#')						\
		++*hash;						\
	else if (u[j] == '.') {						\
		if (run > 0 && last + 1 == (j))				\
			run++;						\
		else {							\
			*dots += run / 3;				\
			run = 1;					\
		}							\
		last = (j);						\
	} else if (u[j] == 0xE2 && n - (j) >= 3 && u[(j) + 1] == 0x80 &&	\
	    u[(j) + 2] == 0xA6)						\
		++*ell;							\
} while (0)
#ifdef __SSE2__
	{
		const __m128i ch = _mm_set1_epi8('#'), cd = _mm_set1_epi8('.');
		const __m128i ce = _mm_set1_epi8((char)0xE2);
		__m128i x;
		unsigned bits;

		for (; i + 16 <= n; i += 16) {
			x = _mm_loadu_si128((const __m128i *)(const void *)
			    (s + i));
			bits = (unsigned)_mm_movemask_epi8(_mm_or_si128(
			    _mm_or_si128(_mm_cmpeq_epi8(x, ch),
			    _mm_cmpeq_epi8(x, cd)), _mm_cmpeq_epi8(x, ce)));
			for (; bits; bits &= bits - 1)
				SYMBOL(i + (size_t)__builtin_ctz(bits));
		}
	}
#endif
	for (; i < n; i++)
		SYMBOL(i);
#undef SYMBOL
	*dots += run / 3;
}

static int
gopher_filter(void *state, struct dm_sample *s, const char *in, size_t n,
    struct dm_textstats *ts, struct dm_buf *err)
{
	struct gopher *g = state;
	const struct dm_q_words *w;
	struct dm_q_span line;
	size_t i, j, l, cl, nonsym = 0, chars = 0, alpha = 0, nlines = 0;
	size_t bullets = 0, ells = 0, pos = 0, hashes, dots, ellipses;
	const char *t;
	int32_t c;
	int punct, letter;

	(void)s;
	(void)ts;
	w = g->w = dm_q_words_of(in, n);
	for (i = 0; i < w->n; i++) {
		t = w->tok.buf + w->off[i];
		l = w->off[i + 1] - w->off[i];
		/* most words start with an ASCII letter: neither all
		 * punctuation nor without a letter */
		if (((unsigned)(unsigned char)t[0] | 0x20) - 'a' < 26) {
			nonsym++;
			chars += w->len[i];
			alpha++;
			continue;
		}
		punct = 1;
		letter = 0;
		for (j = 0; j < l && (punct || !letter); j += cl) {
			cl = dm_q_cp(t, l, j, &c);
			if (c < 0x80) {
				/* ASCII: letters, digits, tab, newline and
				 * space are all that is not punctuation */
				if (((unsigned)c | 0x20) - 'a' < 26) {
					punct = 0;
					letter = 1;
				} else if ((c >= '0' && c <= '9') ||
				    c == '\t' || c == '\n' || c == ' ')
					punct = 0;
				continue;
			}
			if (punct && !dm_q_ispunct(c))
				punct = 0;
			if (!letter && dm_uni_isalpha(c))
				letter = 1;
		}
		if (!punct) {
			nonsym++;
			chars += w->len[i];
		}
		alpha += letter;
	}
	if (g->min_words && (long long)nonsym < g->min_words)
		return fail(err, "gopher_short_doc");
	if (g->max_words && (long long)nonsym > g->max_words)
		return fail(err, "gopher_long_doc");
	/* numpy's mean of no words is nan, which no comparison fails */
	if (nonsym > 0) {
		if (g->min_avg && (double)chars / nonsym < g->min_avg)
			return fail(err, "gopher_below_avg_threshold");
		if (g->max_avg && (double)chars / nonsym > g->max_avg)
			return fail(err, "gopher_above_avg_threshold");
	}
	if (g->max_sym) {
		symbols(in, n, &hashes, &dots, &ellipses);
		if (ratio(hashes, w->n) > g->max_sym)
			return fail(err, "gopher_too_many_hashes");
		if (ratio(dots + ellipses, w->n) > g->max_sym)
			return fail(err, "gopher_too_many_ellipsis");
	}
	while (dm_q_line(in, n, &pos, &line)) {
		nlines++;
		dm_q_strip(in, &line.b, &line.e);
		if (line.b == line.e)
			continue;
		t = in + line.b;
		l = line.e - line.b;
		/* "-" or U+2022 BULLET */
		if (t[0] == '-' ||
		    (l >= 3 && memcmp(t, "\xe2\x80\xa2", 3) == 0))
			bullets++;
		if (l >= 3 && (memcmp(t + l - 3, "...", 3) == 0 ||
		    memcmp(t + l - 3, "\xe2\x80\xa6", 3) == 0))
			ells++;
	}
	if (g->max_bullet && ratio(bullets, nlines) > g->max_bullet)
		return fail(err, "gopher_too_many_bullets");
	if (g->max_ell && ratio(ells, nlines) > g->max_ell)
		return fail(err, "gopher_too_many_end_ellipsis");
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
