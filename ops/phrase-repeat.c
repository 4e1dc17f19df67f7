/* phrase-repeat.c - phrase-repeat: no word repeated too often [DM] */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dm.h"
#include "jieba.h"

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

/* Python's str.splitlines() line ends, besides \r\n. */
static int
islineend(int32_t c)
{
	return c == '\n' || c == '\r' || (c >= 0x0B && c <= 0x0C) ||
	    (c >= 0x1C && c <= 0x1E) || c == 0x85 || c == 0x2028 ||
	    c == 0x2029;
}

static int
loadstops(struct phrase *p, const char *path, struct dm_buf *err)
{
	struct dm_buf b = DM_BUF_INIT;
	char tmp[8192];
	size_t n, i, start = 0;
	int32_t c = 0;
	int len;
	FILE *f;

	if ((f = fopen(path, "r")) == NULL) {
		dm_buf_addf(err, "%s: %s", path, strerror(errno));
		return -1;
	}
	while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
		dm_buf_add(&b, tmp, n);
	fclose(f);
	if (dm_utf8_check(b.buf, b.len) != b.len) {
		dm_buf_addf(err, "%s: invalid UTF-8", path);
		dm_buf_free(&b);
		return -1;
	}
	p->stop = dm_buf_detach(&b, &n);
	for (i = 0; i <= n; i += (size_t)len) {
		len = 1;
		if (i < n) {
			len = dm_utf8_decode(p->stop + i, n - i, &c);
			if (!islineend(c))
				continue;
		} else if (start == n)
			break;
		p->stops = dm_xreallocarray(p->stops, p->nstop + 1,
		    sizeof *p->stops);
		p->stops[p->nstop].s = p->stop + start;
		p->stops[p->nstop++].n = i - start;
		if (i + 1 < n && c == '\r' && p->stop[i + 1] == '\n')
			len = 2;
		start = i + (size_t)len;
	}
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
	qsort(p->w, p->nw, sizeof *p->w, wordcmp);
	for (i = 0; i < p->nw; i += run) {
		for (run = 1; i + run < p->nw &&
		    wordcmp(&p->w[i], &p->w[i + run]) == 0; run++)
			;
		if (run > top)
			top = run;
	}
	rate = p->nw > 0 ? (double)top / (double)p->nw : 0;
	if (rate >= p->max) {
		dm_buf_adds(err, "repeat_phrase_rate");
		return 0;
	}
	return 1;
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
