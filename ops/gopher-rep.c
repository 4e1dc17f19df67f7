/* gopher-rep.c - gopher-rep: Gopher's repetition rules (datatrove) */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dm.h"
#include "quality.h"

/*
 * Fractions of characters are of the whole text's characters. datatrove
 * takes the n-gram thresholds as two tuples; here each is a parameter of
 * its own, named after the rule it sets. A threshold of 0 turns its rule
 * off (datatrove does so for the four line and paragraph rules; for the
 * n-gram rules 0 would drop every text, so nothing is lost).
 */

enum { TOP_MIN = 2, TOP_MAX = 4, DUP_MIN = 5, DUP_MAX = 10 };

static const struct dm_param params[] = {
	{ .name = "dup_line_frac", .type = DM_P_FLOAT, .def = "0.3",
	  .help = "most duplicate lines per line",
	  .min = 0, .max = HUGE_VAL },
	{ .name = "dup_para_frac", .type = DM_P_FLOAT, .def = "0.3",
	  .help = "most duplicate paragraphs per paragraph",
	  .min = 0, .max = HUGE_VAL },
	{ .name = "dup_line_char_frac", .type = DM_P_FLOAT, .def = "0.2",
	  .help = "most characters in duplicate lines",
	  .min = 0, .max = HUGE_VAL },
	{ .name = "dup_para_char_frac", .type = DM_P_FLOAT, .def = "0.2",
	  .help = "most characters in duplicate paragraphs",
	  .min = 0, .max = HUGE_VAL },
	{ .name = "top_2_gram", .type = DM_P_FLOAT, .def = "0.2",
	  .help = "most characters in the commonest word 2-gram",
	  .min = 0, .max = HUGE_VAL },
	{ .name = "top_3_gram", .type = DM_P_FLOAT, .def = "0.18",
	  .help = "most characters in the commonest word 3-gram",
	  .min = 0, .max = HUGE_VAL },
	{ .name = "top_4_gram", .type = DM_P_FLOAT, .def = "0.16",
	  .help = "most characters in the commonest word 4-gram",
	  .min = 0, .max = HUGE_VAL },
	{ .name = "dup_5_gram", .type = DM_P_FLOAT, .def = "0.15",
	  .help = "most characters in repeated word 5-grams",
	  .min = 0, .max = HUGE_VAL },
	{ .name = "dup_6_gram", .type = DM_P_FLOAT, .def = "0.14",
	  .help = "most characters in repeated word 6-grams",
	  .min = 0, .max = HUGE_VAL },
	{ .name = "dup_7_gram", .type = DM_P_FLOAT, .def = "0.13",
	  .help = "most characters in repeated word 7-grams",
	  .min = 0, .max = HUGE_VAL },
	{ .name = "dup_8_gram", .type = DM_P_FLOAT, .def = "0.12",
	  .help = "most characters in repeated word 8-grams",
	  .min = 0, .max = HUGE_VAL },
	{ .name = "dup_9_gram", .type = DM_P_FLOAT, .def = "0.11",
	  .help = "most characters in repeated word 9-grams",
	  .min = 0, .max = HUGE_VAL },
	{ .name = "dup_10_gram", .type = DM_P_FLOAT, .def = "0.10",
	  .help = "most characters in repeated word 10-grams",
	  .min = 0, .max = HUGE_VAL },
	{ .name = NULL }
};

struct rep {
	double		 line, para, linechar, parachar;
	double		 top[TOP_MAX + 1], dup[DUP_MAX + 1];
	const struct dm_q_words *w;	/* the text's words, shared */
	struct dm_q_spans spans;
	struct dm_q_set	 set;
	uint64_t	*th, *f, *q;	/* see tokhashes() */
	uint64_t	 binv;		/* HASHB^-1 mod 2^64 */
	size_t		*cnt;
	size_t		 cap;
	size_t		 n;		/* of the n-grams compared */
};

#define HASHB	0x100000001b3ULL	/* odd: powers never vanish */

static int
rep_init(void **state, const struct dm_args *args, struct dm_buf *err)
{
	static const char *const topname[] = { NULL, NULL, "top_2_gram",
	    "top_3_gram", "top_4_gram" };
	static const char *const dupname[] = { NULL, NULL, NULL, NULL, NULL,
	    "dup_5_gram", "dup_6_gram", "dup_7_gram", "dup_8_gram",
	    "dup_9_gram", "dup_10_gram" };
	struct rep *r;
	int i;

	(void)err;
	r = dm_xcalloc(1, sizeof *r);
	/* Newton's iteration doubles the correct low bits each time */
	r->binv = HASHB;
	for (i = 0; i < 6; i++)
		r->binv *= 2 - HASHB * r->binv;
	r->line = dm_arg_float(args, "dup_line_frac");
	r->para = dm_arg_float(args, "dup_para_frac");
	r->linechar = dm_arg_float(args, "dup_line_char_frac");
	r->parachar = dm_arg_float(args, "dup_para_char_frac");
	for (i = TOP_MIN; i <= TOP_MAX; i++)
		r->top[i] = dm_arg_float(args, topname[i]);
	for (i = DUP_MIN; i <= DUP_MAX; i++)
		r->dup[i] = dm_arg_float(args, dupname[i]);
	*state = r;
	return 0;
}

static int
fail(struct dm_buf *err, const char *why)
{
	dm_buf_adds(err, why);
	return 0;
}

/* Spans of s[b..e) between runs of two or more newlines (re.split on
 * \n{2,}), or of one or more (min 1: \n+). */
static void
splitnl(struct dm_q_spans *v, const char *s, size_t b, size_t e, size_t min)
{
	const char *p;
	size_t i, j, start = b;

	v->n = 0;
	for (i = b; i < e && (p = memchr(s + i, '\n', e - i)) != NULL;
	    i = j) {
		i = (size_t)(p - s);
		for (j = i; j < e && s[j] == '\n'; j++)
			;
		if (j - i >= min) {
			dm_q_spans_add(v, start, i);
			start = j;
		}
	}
	dm_q_spans_add(v, start, e);
}

/* n-grams are compared as datatrove's strings: " ".join for the top
 * n-grams (the same tokens), "".join for the repeated ones (the same
 * characters, wherever the token boundaries fall). Tokens lie back to
 * back in w->tok, so both are one memcmp. */
static int
gram_eq_joined(const void *ctx, size_t a, size_t b)
{
	const struct rep *r = ctx;
	const size_t *off = r->w->off;
	size_t k;

	for (k = 1; k <= r->n; k++)
		if (off[a + k] - off[a] != off[b + k] - off[b])
			return 0;
	return memcmp(r->w->tok.buf + off[a], r->w->tok.buf + off[b],
	    off[a + r->n] - off[a]) == 0;
}

static int
gram_eq_concat(const void *ctx, size_t a, size_t b)
{
	const struct rep *r = ctx;
	const size_t *off = r->w->off;
	size_t la = off[a + r->n] - off[a];

	return la == off[b + r->n] - off[b] &&
	    memcmp(r->w->tok.buf + off[a], r->w->tok.buf + off[b], la) == 0;
}

static uint64_t
mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h;
}

/*
 * Hashes of the n-grams at every word, each in a constant time however
 * long n: th[k] is the hash of word k's bytes and its length, for the
 * n-grams of words; f[k] the polynomial hash of the bytes of words 0..k-1
 * back to back (byte m weighs HASHB^m) and q[k] HASHB^-m at their end, so
 * that the bytes of words i..j-1 hash to (f[j] - f[i]) q[i] wherever their
 * boundaries fall. HASHB is odd, so its powers are invertible mod 2^64.
 */
static void
tokhashes(struct rep *r)
{
	const struct dm_q_words *w = r->w;
	const unsigned char *p;
	uint64_t h, f = 0, pw = 1, q = 1;
	size_t i, j;

	if (w->n + 1 > r->cap) {
		r->cap = w->n + 1;
		r->th = dm_xreallocarray(r->th, r->cap, sizeof *r->th);
		r->f = dm_xreallocarray(r->f, r->cap, sizeof *r->f);
		r->q = dm_xreallocarray(r->q, r->cap, sizeof *r->q);
		r->cnt = dm_xreallocarray(r->cnt, r->cap, sizeof *r->cnt);
	}
	r->f[0] = 0;
	r->q[0] = 1;
	for (i = 0; i < w->n; i++) {
		p = (const unsigned char *)w->tok.buf + w->off[i];
		h = 0;
		for (j = 0; j < w->off[i + 1] - w->off[i]; j++) {
			h = h * HASHB + p[j];
			f += p[j] * pw;
			pw *= HASHB;
			q *= r->binv;
		}
		r->th[i] = h ^ (w->off[i + 1] - w->off[i]);
		r->f[i + 1] = f;
		r->q[i + 1] = q;
	}
}

/* find_top_duplicate: the commonest n-gram (the first seen among equals)
 * times its length in characters, spaces between words counted. */
static size_t
top_gram(struct rep *r, size_t n)
{
	const struct dm_q_words *w = r->w;
	size_t i, k, g = w->n - n + 1, best = 0, len = 0, j;
	uint64_t h = 0, top = 1;

	r->n = n;
	dm_q_set_clear(&r->set, g);
	for (k = 0; k + 1 < n; k++) {
		h = h * HASHB + r->th[k];
		top *= HASHB;
	}
	for (i = 0; i < g; i++) {
		/* the hash of words i..i+n-1, rolled on from i-1..i+n-2 */
		h = h * HASHB + r->th[i + n - 1];
		/* a count starts when its n-gram is first seen; the best is
		 * the first seen of the commonest */
		if ((j = dm_q_set_add(&r->set, mix(h), i, gram_eq_joined,
		    r)) == i)
			r->cnt[i] = 1;
		else if (++r->cnt[j] > r->cnt[best] ||
		    (r->cnt[j] == r->cnt[best] && j < best))
			best = j;
		h -= r->th[i] * top;
	}
	for (k = best; k < best + n; k++)
		len += w->len[k];
	return (len + n - 1) * r->cnt[best];
}

/* find_all_duplicate: walking the words, an n-gram seen before adds its
 * characters and the walk skips past it; only n-grams walked on are
 * remembered. */
static size_t
dup_grams(struct rep *r, size_t n)
{
	const struct dm_q_words *w = r->w;
	size_t i, k, chars = 0;

	r->n = n;
	dm_q_set_clear(&r->set, w->n - n + 1);
	for (i = 0; i + n <= w->n; ) {
		if (dm_q_set_add(&r->set, mix((r->f[i + n] - r->f[i]) *
		    r->q[i]), i, gram_eq_concat, r) != i) {
			for (k = i; k < i + n; k++)
				chars += w->len[k];
			i += n;
		} else
			i++;
	}
	return chars;
}

static int
rep_filter(void *state, struct dm_sample *s, const char *in, size_t n,
    struct dm_textstats *ts, struct dm_buf *err)
{
	static const char *const topwhy[] = { NULL, NULL, "top_2_gram",
	    "top_3_gram", "top_4_gram" };
	static const char *const dupwhy[] = { NULL, NULL, NULL, NULL, NULL,
	    "duplicated_5_n_grams", "duplicated_6_n_grams",
	    "duplicated_7_n_grams", "duplicated_8_n_grams",
	    "duplicated_9_n_grams", "duplicated_10_n_grams" };
	struct rep *r = state;
	size_t b = 0, e = n, ndup, nchars, i;
	double len;

	(void)s;
	(void)ts;
	/* 0/0 (an empty text) compares false below, as no rule fails */
	len = (double)dm_utf8_count(in, n);
	dm_q_strip(in, &b, &e);
	splitnl(&r->spans, in, b, e, 2);
	dm_q_dups(&r->set, in, r->spans.v, r->spans.n, &ndup, &nchars);
	if (r->para && (double)ndup / r->spans.n > r->para)
		return fail(err, "dup_para_frac");
	if (r->parachar && nchars / len > r->parachar)
		return fail(err, "dup_para_char_frac");
	splitnl(&r->spans, in, 0, n, 1);
	dm_q_dups(&r->set, in, r->spans.v, r->spans.n, &ndup, &nchars);
	if (r->line && (double)ndup / r->spans.n > r->line)
		return fail(err, "dup_line_frac");
	if (r->linechar && nchars / len > r->linechar)
		return fail(err, "dup_line_char_frac");

	r->w = dm_q_words_of(in, n);
	tokhashes(r);
	for (i = TOP_MIN; i <= TOP_MAX; i++)
		if (r->top[i] && r->w->n >= i &&
		    top_gram(r, i) / len > r->top[i])
			return fail(err, topwhy[i]);
	for (i = DUP_MIN; i <= DUP_MAX; i++)
		if (r->dup[i] && r->w->n >= i &&
		    dup_grams(r, i) / len > r->dup[i])
			return fail(err, dupwhy[i]);
	return 1;
}

static void
rep_fini(void *state)
{
	struct rep *r = state;

	dm_q_spans_free(&r->spans);
	dm_q_set_free(&r->set);
	free(r->th);
	free(r->f);
	free(r->q);
	free(r->cnt);
	free(r);
}

const struct dm_opdef dm_op_gopher_rep = {
	.name = "gopher-rep",
	.kind = DM_OP_FILTER,
	.summary = "repetition rules of Gopher (datatrove "
	    "GopherRepetitionFilter)",
	.params = params,
	.init = rep_init,
	.filter = rep_filter,
	.fini = rep_fini,
};
