/* gopher-rep.c - gopher-rep: Gopher's repetition rules (datatrove) */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "dm.h"
#include "ngramset.h"
#include "quality.h"

/*
 * Fractions of characters are of the whole text's characters. datatrove
 * takes the n-gram thresholds as two tuples; here each is a parameter of
 * its own, named after the rule it sets. A threshold of 0 turns its rule
 * off (datatrove does so for the four line and paragraph rules; for the
 * n-gram rules 0 would drop every text, so nothing is lost).
 */

enum { TOP_MIN = 2, TOP_MAX = 4, DUP_MIN = 5, DUP_MAX = 10 };
/* edges() counts DUP_MAX token ends written out */
_Static_assert(DUP_MAX == 10, "edges() counts 10 token ends");

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
	struct dm_q_set	 set;		/* of lines and paragraphs */
	struct dm_ngramset grams;	/* of n-grams and their ends */
	uint64_t	*pb, *sb, *cb;	/* bitmaps: see edges(), cands() */
	uint64_t	*seen, *twice;	/* see marksame() */
	uint32_t	*kh;
	size_t		 khcap, seencap;
	unsigned char	*span;		/* see edges() */
	size_t		*cnt;
	size_t		*first;		/* see top_gram() */
	uint64_t	*rep;		/* see top_gram() */
	size_t		 repn;		/* the n of rep, 0: none */
	size_t		 cap, bcap;
	size_t		 n;		/* of the n-grams compared */
};

/* Bytes at each end of an n-gram that the candidates are sorted by. */
#define EDGE	8

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

/*
 * Bit i of mark for each i < n whose key equals another's: the EDGE bytes
 * of w->tok at token i's start (not suffix) or before token i's end
 * (suffix, i at the end of token i - 1); those without as many bytes
 * are marked. Keys are told apart by the bits of a hash that number a
 * bit of a bitmap of 16 bits a key (up to 2^31), each marking its bit,
 * and that of another when it was marked before: keys that share those
 * bits are marked too, which costs the rules a few more n-grams to look
 * up and changes none of their counts. Cheaper than a hash set, whose
 * probes compare.
 */
static void
marksame(struct rep *r, uint64_t *mark, size_t n, int suffix)
{
	const size_t *off = r->w->off;
	const char *tok = r->w->tok.buf;
	size_t tot = off[r->w->n], nb = 1, i, j, lo, hi, back, lim;
	unsigned shift = 64 - 6;
	uint64_t key, h, m, *seen, *twice;
	uint32_t *kh;

	while (nb * 64 < 16 * n && nb < (size_t)1 << 25) {
		nb *= 2;
		shift--;
	}
	/* a word of twice after the others: the bits of those marked
	 * for want of a key */
	if (nb + 1 > r->seencap) {
		r->seencap = nb + 1;
		r->seen = dm_xreallocarray(r->seen, nb + 1, sizeof *r->seen);
		r->twice = dm_xreallocarray(r->twice, nb + 1,
		    sizeof *r->twice);
	}
	if (n > r->khcap) {
		r->khcap = n;
		r->kh = dm_xreallocarray(r->kh, n, sizeof *r->kh);
	}
	seen = r->seen;
	twice = r->twice;
	kh = r->kh;
	memset(seen, 0, nb * sizeof *seen);
	memset(twice, 0, nb * sizeof *twice);
	twice[nb] = ~(uint64_t)0;
	/* the keys without EDGE bytes are at one end, off growing: the
	 * first ones before token ends, the last ones at token starts */
	lo = 0;
	hi = n;
	if (suffix)
		while (lo < n && off[lo] < EDGE)
			kh[lo++] = (uint32_t)(nb * 64);
	else
		while (hi > 0 && off[hi - 1] + EDGE > tot)
			kh[--hi] = (uint32_t)(nb * 64);
	back = suffix ? EDGE : 0;
	for (i = lo; i < hi; i++) {
		memcpy(&key, tok + off[i] - back, EDGE);
		h = (key * 0x9E3779B97F4A7C15ULL) >> shift;
		kh[i] = (uint32_t)h;
		twice[h / 64] |= seen[h / 64] & (uint64_t)1 << h % 64;
		seen[h / 64] |= (uint64_t)1 << h % 64;
	}
	/* without a branch, that would go wrong for most repeated keys;
	 * a word of mark at a time */
	for (i = 0; i < n; i += 64) {
		lim = n - i < 64 ? n - i : 64;
		for (m = 0, j = 0; j < lim; j++)
			m |= (twice[kh[i + j] / 64] >> kh[i + j] % 64 & 1) << j;
		mark[i / 64] |= m;
	}
}

/*
 * Which n-grams can equal another, found once for every n. Two equal
 * n-grams (as tokens or as characters) are the same bytes of w->tok, each
 * starting at a token and ending at one: when they are EDGE bytes or
 * longer, their first EDGE bytes are also those at another token's start
 * and their last EDGE bytes those before another token's end. pb marks
 * the tokens whose first EDGE bytes are found at another token's start
 * (or that have fewer after them), sb the token ends (bit e: the end of
 * token e - 1) likewise, both with a few more (see marksame()); span[i]
 * is the number of tokens from i that are shorter than EDGE bytes
 * together (at most DUP_MAX), so that the
 * n-gram at i is shorter when span[i] >= n. An n-gram at i that is not
 * shorter, and not in both pb at i and sb at i + n, equals no other: it counts once and finds nothing, and
 * the rules need not look it up.
 */
static void
edges(struct rep *r)
{
	const struct dm_q_words *w = r->w;
	const size_t *off = w->off;
	size_t wn = w->n, tot = off[wn], nb = (wn + 1) / 64 + 2, i, j, k, lim;
	const size_t *o;

	if (nb > r->bcap) {
		r->bcap = nb;
		r->pb = dm_xreallocarray(r->pb, nb, sizeof *r->pb);
		r->sb = dm_xreallocarray(r->sb, nb, sizeof *r->sb);
		r->cb = dm_xreallocarray(r->cb, nb, sizeof *r->cb);
		r->rep = dm_xreallocarray(r->rep, nb, sizeof *r->rep);
		r->span = dm_xreallocarray(r->span, nb, 64);
	}
	memset(r->pb, 0, nb * sizeof *r->pb);
	memset(r->sb, 0, nb * sizeof *r->sb);
	memset(r->span + wn, 0, nb * 64 - wn);

	marksame(r, r->pb, wn, 0);
	marksame(r, r->sb, wn + 1, 1);
	/* the token ends less than EDGE bytes after token i's start, up to
	 * DUP_MAX of them: off grows, so that they are the first ones after
	 * i, counted without the branch of a walk that went wrong once a
	 * token; while token i starts EDGE bytes or more before the end
	 * (tot, off[wn]), off[wn] is none of them */
	for (i = 0; i < wn && (lim = off[i] + EDGE) <= tot; i++) {
		if (i + DUP_MAX <= wn) {
			o = off + i;
			k = (size_t)(o[1] < lim) + (o[2] < lim) + (o[3] < lim) +
			    (o[4] < lim) + (o[5] < lim) + (o[6] < lim) +
			    (o[7] < lim) + (o[8] < lim) + (o[9] < lim) +
			    (o[10] < lim);
		} else
			for (k = 0, j = 1; j <= DUP_MAX; j++)
				k += off[i + j <= wn ? i + j : wn] < lim;
		r->span[i] = (unsigned char)k;
	}
	for (; i < wn; i++)
		r->span[i] = (unsigned char)(wn - i < DUP_MAX ? wn - i :
		    DUP_MAX);
}

/* Bit j set for the j < 64 where p[j] >= n. */
static uint64_t
atleast(const unsigned char *p, size_t n)
{
	uint64_t m = 0;
	int j;

#ifdef __SSE2__
	const __m128i t = _mm_set1_epi8((char)(n - 1));

	/* signed compares: span is at most DUP_MAX */
	for (j = 0; j < 64; j += 16)
		m |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpgt_epi8(
		    _mm_loadu_si128((const __m128i *)(const void *)(p + j)),
		    t)) << j;
#else
	for (j = 0; j < 64; j++)
		m |= (uint64_t)(p[j] >= n) << j;
#endif
	return m;
}

/* The candidates among the n-grams (see edges()) in cb; their number.
 * With rep (bit i: the (n - 1)-gram at i equals another, top_gram()),
 * only n-grams whose two (n - 1)-grams both do. */
static size_t
cands(struct rep *r, size_t n, const uint64_t *rep)
{
	size_t g = r->w->n - n + 1, nb = g / 64 + 1, k, c = 0;
	uint64_t *cb = r->cb;

	for (k = 0; k < nb; k++) {
		cb[k] = (r->pb[k] & (r->sb[k] >> n | r->sb[k + 1] <<
		    (64 - n))) | atleast(r->span + 64 * k, n);
		if (rep != NULL)
			cb[k] &= rep[k] & (rep[k] >> 1 | rep[k + 1] << 63);
		if (k == nb - 1)
			cb[k] &= (g & 63) ? (1ULL << (g & 63)) - 1 : 0;
		c += dm_q_popcount(cb[k]);
	}
	return c;
}

/* The first candidate at or after i, or g when none is left. */
static size_t
nextcand(const uint64_t *cb, size_t i, size_t g)
{
	size_t k = i >> 6;
	uint64_t x;

	if (i >= g)
		return g;
	for (x = cb[k] & (~0ULL << (i & 63)); x == 0; x = cb[k])
		if (++k * 64 >= g)
			return g;
	return k * 64 + (size_t)__builtin_ctzll(x);
}

/* The hash of an n-gram's bytes; up to 16 bytes, they are the two words
 * of its first and last 8 (zero-padded) multiplied apart. */
static uint64_t
gram_hash(const struct rep *r, size_t i, size_t n)
{
	const size_t *off = r->w->off;
	const char *p = r->w->tok.buf + off[i];
	size_t l = off[i + n] - off[i];
	uint64_t a = 0, b = 0;

	if (l > 16)
		return dm_ngram_hash(p, l);
	if (l >= 8) {
		memcpy(&a, p, 8);
		memcpy(&b, p + l - 8, 8);
	}
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	/* the first l bytes are the low ones */
	else if (l > 0 && off[i] + 8 <= off[r->w->n]) {
		memcpy(&a, p, 8);
		a &= ~0ULL >> (64 - 8 * l);
	}
#endif
	else
		memcpy(&a, p, l);
	return (a * 0xC2B2AE3D27D4EB4FULL) ^ (b * 0x165667B19E3779F9ULL) ^
	    (uint64_t)l << 56;
}

/*
 * find_top_duplicate: the commonest n-gram (the first seen among equals)
 * times its length in characters, spaces between words counted. An
 * n-gram that is no candidate counts once; when none counts more, the
 * first is the commonest. These n-grams are equal when their tokens
 * are, so an n-gram equals another only where its two (n - 1)-grams do:
 * rep keeps which n-grams did (those whose first seen counts 2 or more),
 * for n + 1.
 */
static size_t
top_gram(struct rep *r, size_t n)
{
	const struct dm_q_words *w = r->w;
	size_t i, k, g = w->n - n + 1, best = 0, len = 0, j, b;
	uint64_t x;

	r->n = n;
	dm_ngramset_clear(&r->grams, cands(r, n,
	    r->repn == n - 1 ? r->rep : NULL));
	r->cnt[0] = 1;
	for (b = 0; b * 64 < g; b++)
		for (x = r->cb[b]; x != 0; x &= x - 1) {
			i = b * 64 + (size_t)__builtin_ctzll(x);
			/* a count starts when its n-gram is first seen; the
			 * best is the first seen of the commonest */
			if ((j = dm_ngramset_add(&r->grams, gram_hash(r, i, n),
			    i, gram_eq_joined, r)) == i)
				r->cnt[i] = 1;
			else if (++r->cnt[j] > r->cnt[best] ||
			    (r->cnt[j] == r->cnt[best] && j < best))
				best = j;
			r->first[i] = j;
		}
	/* the words after the last n-gram, and a block of them, are none */
	for (b = 0; b * 64 < g; b++) {
		r->rep[b] = 0;
		for (x = r->cb[b]; x != 0; x &= x - 1) {
			i = b * 64 + (size_t)__builtin_ctzll(x);
			r->rep[b] |= (uint64_t)(r->cnt[r->first[i]] > 1) <<
			    (i & 63);
		}
	}
	r->rep[b] = 0;
	r->repn = n;
	for (k = best; k < best + n; k++)
		len += w->len[k];
	return (len + n - 1) * r->cnt[best];
}

/* find_all_duplicate: walking the words, an n-gram seen before adds its
 * characters and the walk skips past it; only n-grams walked on are
 * remembered (those that are no candidate need not be). */
static size_t
dup_grams(struct rep *r, size_t n)
{
	const struct dm_q_words *w = r->w;
	size_t i, k, g = w->n - n + 1, chars = 0;

	r->n = n;
	dm_ngramset_clear(&r->grams, cands(r, n, NULL));
	for (i = 0; (i = nextcand(r->cb, i, g)) < g; ) {
		if (dm_ngramset_add(&r->grams, gram_hash(r, i, n), i,
		    gram_eq_concat, r) != i) {
			for (k = i; k < i + n; k++)
				chars += w->len[k];
			i += n;
		} else
			i++;
	}
	return chars;
}

/* The arrays for the words of r->w. */
static void
grow(struct rep *r)
{
	if (r->w->n + 1 > r->cap) {
		r->cap = r->w->n + 1;
		r->cnt = dm_xreallocarray(r->cnt, r->cap, sizeof *r->cnt);
		r->first = dm_xreallocarray(r->first, r->cap,
		    sizeof *r->first);
	}
}

/*
 * Whether chars / len > thr, len being the text's characters: counted
 * only when chars / (a lower bound of them) is over thr, since dividing
 * by more gives no more. A character is at most 4 bytes (samples are
 * valid UTF-8); *len is -1 until counted. 0/0 (an empty text) compares
 * false, as no rule fails.
 */
static int
over(size_t chars, double thr, const char *in, size_t n, double *len)
{
	if (chars == 0 || (double)chars / (double)((n + 3) / 4) <= thr)
		return 0;
	if (*len < 0)
		*len = (double)dm_utf8_count(in, n);
	return chars / *len > thr;
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
	double len = -1;

	(void)ts;
	dm_q_strip(in, &b, &e);
	/* one paragraph or one line repeats nothing */
	splitnl(&r->spans, in, b, e, 2);
	ndup = nchars = 0;
	if (r->spans.n > 1)
		dm_q_dups(&r->set, in, r->spans.v, r->spans.n, &ndup,
		    &nchars);
	if (r->para && (double)ndup / r->spans.n > r->para)
		return fail(err, "dup_para_frac");
	if (r->parachar && over(nchars, r->parachar, in, n, &len))
		return fail(err, "dup_para_char_frac");
	splitnl(&r->spans, in, 0, n, 1);
	ndup = nchars = 0;
	if (r->spans.n > 1)
		dm_q_dups(&r->set, in, r->spans.v, r->spans.n, &ndup,
		    &nchars);
	if (r->line && (double)ndup / r->spans.n > r->line)
		return fail(err, "dup_line_frac");
	if (r->linechar && over(nchars, r->linechar, in, n, &len))
		return fail(err, "dup_line_char_frac");

	r->w = dm_q_words_of(in, n, dm_sample_linegen(s, in, n));
	if (r->w->n < TOP_MIN)
		return 1;
	grow(r);
	edges(r);
	r->repn = 0;
	for (i = TOP_MIN; i <= TOP_MAX; i++)
		if (r->top[i] && r->w->n >= i &&
		    over(top_gram(r, i), r->top[i], in, n, &len))
			return fail(err, topwhy[i]);
	for (i = DUP_MIN; i <= DUP_MAX; i++)
		if (r->dup[i] && r->w->n >= i &&
		    over(dup_grams(r, i), r->dup[i], in, n, &len))
			return fail(err, dupwhy[i]);
	return 1;
}

static void
rep_fini(void *state)
{
	struct rep *r = state;

	dm_q_spans_free(&r->spans);
	dm_q_set_free(&r->set);
	dm_ngramset_free(&r->grams);
	free(r->pb);
	free(r->sb);
	free(r->cb);
	free(r->span);
	free(r->cnt);
	free(r->first);
	free(r->rep);
	free(r->seen);
	free(r->twice);
	free(r->kh);
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
