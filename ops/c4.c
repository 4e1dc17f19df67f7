/* c4.c - c4: the line rules of C4, as datatrove's C4QualityFilter */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dm.h"
#include "quality.h"

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

static const char *const policy[] = {
	"terms of use", "privacy policy", "cookie policy", "uses cookies",
	"use of cookies", "use cookies",
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

static int
isspacecp(int32_t c)
{
	if (c < 0x80)
		return c == ' ' || (c >= '\t' && c <= '\r') ||
		    (c >= 0x1C && c <= 0x1F);
	return dm_uni_isspace(c);
}

/* line.split(): the number of words, and whether one is longer than max
 * characters (max -1: never). */
static size_t
words(const char *s, size_t n, long long max, int *toolong)
{
	size_t i = 0, l, nw = 0;
	long long len;
	int32_t c;

	*toolong = 0;
	while (i < n) {
		l = dm_q_cp(s, n, i, &c);
		if (isspacecp(c)) {
			i += l;
			continue;
		}
		nw++;
		for (len = 0; i < n; i += l, len++) {
			l = dm_q_cp(s, n, i, &c);
			if (isspacecp(c))
				break;
		}
		if (max != -1 && len > max)
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

/* What one line does: 1 kept, 0 dropped, -1 the text is dropped (the
 * reason in err). A kept line, citations removed, is left in *kt, *kn,
 * valid until the next call. With doc 0 (the mapper) the rules on the
 * whole text are not applied and sentences are not counted. */
static int
c4_line(struct c4 *c, int doc, const char *s, size_t b, size_t e,
    const char **kt, size_t *kn, long long *nsent, struct dm_buf *err)
{
	const char *t, *lo;
	size_t n, nw, nlo, i;
	int toolong;

	dm_q_strip(s, &b, &e);
	t = s + b;
	n = e - b;
	nw = words(t, n, c->max_word, &toolong);
	if (toolong)
		return 0;
	dm_buf_reset(&c->line);
	if (c->citations && memchr(t, '[', n) != NULL &&
	    uncite(t, n, &c->line)) {
		t = c->line.buf;
		n = c->line.len;
	}
	if (c->terminal && (n == 0 || strchr(".?!\"'", t[n - 1]) == NULL ||
	    t[n - 1] == '\0' || endswith(t, n, "...")))
		return 0;
	if ((long long)nw < c->min_words)
		return 0;
	lo = t;
	nlo = n;
	if ((doc && c->lorem) || c->js || c->pol)
		lower(c, &lo, &nlo);
	if (doc && c->lorem && memmem(lo, nlo, "lorem ipsum", 11) != NULL) {
		dm_buf_adds(err, "lorem_ipsum");
		return -1;
	}
	if (c->js && memmem(lo, nlo, "javascript", 10) != NULL)
		return 0;
	if (doc && c->curly && memchr(t, '{', n) != NULL) {
		dm_buf_adds(err, "curly_bracket");
		return -1;
	}
	/* the cookie phrases are only looked for where "cookie" is */
	if (c->pol) {
		if (memmem(lo, nlo, "terms of use", 12) ||
		    memmem(lo, nlo, "privacy policy", 14))
			return 0;
		if (memmem(lo, nlo, "cookie", 6))
			for (i = 0; i < sizeof policy / sizeof policy[0]; i++)
				if (memmem(lo, nlo, policy[i],
				    strlen(policy[i])))
					return 0;
	}
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
