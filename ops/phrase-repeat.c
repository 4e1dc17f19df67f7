/* phrase-repeat.c - phrase-repeat: no word repeated too often [DM] */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dm.h"
#include "jieba.h"
#include "opfilter.h"
#include "quality.h"

/*
 * DataMate's FileWithHighRepeatPhraseRateFilter. The text, cut into words
 * as jieba.lcut cuts it (jieba.c), less the words made only of
 * punctuation (^[\u3000-\u303F\uff00-\uffef\s\W_]+$) and, when a list is
 * given, its stop words (hit: the HIT list of DataMate's resources,
 * wordlists/stopwords-hit/zh.txt); of the words of more than one character that are
 * all letters (str.isalpha), the most frequent one's count over their
 * number must stay below max. A text of fewer than 2 characters passes;
 * so does one without such words, unless max is 0.
 */

static const struct dm_param params[] = {
	{ .name = "max", .type = DM_P_FLOAT, .def = "0.5",
	  .help = "the share of the commonest word that drops the text",
	  .min = 0, .max = HUGE_VAL },
	{ .name = "hit", .type = DM_P_BOOL, .def = "false",
	  .help = "leave out the HIT stop words DataMate ships" },
	{ .name = "stopwords", .type = DM_P_STR, .def = "",
	  .help = "a file of words left out, one a line (default: none)" },
	{ .name = NULL }
};

struct word {
	const char	*s;
	size_t		 n;
};

struct phrase {
	double		 max;
	struct dm_jieba	*jb;
	char		*stop;		/* the file, its lines NUL-ended */
	struct word	*stops;
	size_t		 nstop;
	struct word	*w;		/* the counted words of a text */
	size_t		 nw, cap;
};

static int
wordcmp(const void *a, const void *b)
{
	const struct word *x = a, *y = b;
	int c = memcmp(x->s, y->s, x->n < y->n ? x->n : y->n);

	if (c != 0)
		return c;
	return (x->n > y->n) - (x->n < y->n);
}

static void
pr_fini(void *state)
{
	struct phrase *p = state;

	if (p == NULL)
		return;
	dm_jieba_free(p->jb);
	free(p->stop);
	free(p->stops);
	free(p->w);
	free(p);
}

static int
loadstops(struct phrase *p, const char *path, struct dm_buf *err)
{
	struct dm_q_span l;
	size_t n, pos = 0;

	if (dm_listfile_read(path, &p->stop, &n, err) < 0)
		return -1;
	while (dm_q_line(p->stop, n, &pos, &l)) {
		p->stops = dm_xreallocarray(p->stops, p->nstop + 1,
		    sizeof *p->stops);
		p->stops[p->nstop].s = p->stop + l.b;
		p->stops[p->nstop++].n = l.e - l.b;
	}
	/* an empty list leaves p->stops NULL, which qsort must not get */
	if (p->nstop > 1)
		qsort(p->stops, p->nstop, sizeof *p->stops, wordcmp);
	return 0;
}

static int
pr_init(void **state, const struct dm_args *args, struct dm_buf *err)
{
	struct phrase *p;
	const char *stop = dm_arg_str(args, "stopwords");
	struct dm_buf hit = DM_BUF_INIT;
	int rc;

	if (dm_arg_bool(args, "hit")) {
		if (*stop != '\0') {
			dm_buf_adds(err, "hit and stopwords: give one list");
			return -1;
		}
		dm_buf_addf(&hit, "%s/wordlists/stopwords-hit/zh.txt",
		    dm_sharedir());
		stop = hit.buf;
	}
	p = dm_xcalloc(1, sizeof *p);
	p->max = dm_arg_float(args, "max");
	rc = *stop != '\0' ? loadstops(p, stop, err) : 0;
	dm_buf_free(&hit);
	if (rc < 0 || (p->jb = dm_jieba_open(err)) == NULL) {
		pr_fini(p);
		return -1;
	}
	*state = p;
	return 0;
}

/* Whether every character is one of the punctuation pattern's. */
static int
allpunct(const char *s, size_t n)
{
	size_t i;
	int32_t c = 0;
	int len;

	for (i = 0; i < n; i += (size_t)len) {
		len = dm_utf8_decode(s + i, n - i, &c);
		if (!((c >= 0x3000 && c <= 0x303F) ||
		    (c >= 0xFF00 && c <= 0xFFEF) || c == '_' ||
		    !dm_uni_isalnum(c)))
			return 0;
	}
	return 1;
}

/* More than one character, all of them letters. */
static int
counted(const char *s, size_t n)
{
	size_t i, k = 0;
	int32_t c = 0;
	int len;

	for (i = 0; i < n; i += (size_t)len, k++) {
		len = dm_utf8_decode(s + i, n - i, &c);
		if (!dm_uni_isalpha(c))
			return 0;
	}
	return k > 1;
}

static void
addword(void *arg, const char *s, size_t n)
{
	struct phrase *p = arg;
	struct word w = { s, n };

	if (!counted(s, n) || allpunct(s, n))
		return;
	if (p->nstop > 0 && bsearch(&w, p->stops, p->nstop, sizeof w,
	    wordcmp) != NULL)
		return;
	if (p->nw == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 256;
		p->w = dm_xreallocarray(p->w, p->cap, sizeof *p->w);
	}
	p->w[p->nw++] = w;
}

static int
pr_filter(void *state, struct dm_sample *smp, const char *s, size_t n,
    struct dm_textstats *ts, struct dm_buf *err)
{
	struct phrase *p = state;
	size_t i, run, top = 0;
	double rate;

	(void)smp;
	(void)ts;
	if (dm_utf8_count(s, n) < 2)
		return 1;
	p->nw = 0;
	dm_jieba_cut(p->jb, s, n, addword, p);
	/* without a word p->w may be NULL, which qsort must not get even
	 * for no elements (an ASan build stops there) */
	if (p->nw > 1)
		qsort(p->w, p->nw, sizeof *p->w, wordcmp);
	for (i = 0; i < p->nw; i += run) {
		for (run = 1; i + run < p->nw &&
		    wordcmp(&p->w[i], &p->w[i + run]) == 0; run++)
			;
		if (run > top)
			top = run;
	}
	rate = p->nw > 0 ? (double)top / (double)p->nw : 0;
	return dm_rate_below(rate, p->max, "repeat_phrase_rate", err);
}

const struct dm_opdef dm_op_phrase_repeat = {
	.name = "phrase-repeat",
	.kind = DM_OP_FILTER,
	.summary = "the commonest word of the text, cut by jieba, under max "
	    "of them (DataMate FileWithHighRepeatPhraseRateFilter)",
	.params = params,
	.init = pr_init,
	.filter = pr_filter,
	.fini = pr_fini,
};
