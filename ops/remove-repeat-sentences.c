/* remove-repeat-sentences.c - remove-repeat-sentences: drop later repeats */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dm.h"

/*
 * Data-Juicer's remove_repeat_sentences_mapper. The text is split on '\n'
 * into lines; each non-empty line into sentences by Data-Juicer's four
 * substitutions, which put a '\n' after a sentence end:
 *
 *	([.。！!？\?])([^’”])                  end mark, then not a closing quote
 *	(\.{6})([^’”])                         six dots
 *	(\…{2})([^’”])                         two ellipses
 *	([.。!！？\?\.{6}\…{2}][’”])([^’”])    end mark and closing quote
 *
 * run one after the other on the line, then a split on '\n'. In the last
 * one "\.{6}" and "\…{2}" stand inside a character class, so that class
 * also holds '{', '6', '}' and '2': "2”x" splits after the quote. We keep
 * that, as Data-Juicer does. A sentence's key is the sentence stripped of
 * white space, lower-cased when asked, and with ignore_special only its
 * characters of [a-zA-Z0-9\u4e00-\u9fa5\n\t ] left. A sentence whose key
 * is shorter than min_len stays; otherwise the first one with a key stays
 * and later ones go, anywhere in the text. Kept sentences are written as
 * they were, so a text where nothing goes is unchanged.
 */

static const struct dm_param params[] = {
	{ .name = "lowercase", .type = DM_P_BOOL, .def = "false",
	  .help = "compare sentences in lower case" },
	{ .name = "ignore_special", .type = DM_P_BOOL, .def = "true",
	  .help = "compare only letters a-z, digits, CJK and white space" },
	{ .name = "min_len", .type = DM_P_INT, .def = "2",
	  .help = "sentences with a shorter key are never dropped" },
	{ .name = NULL }
};

static const char *const split_re[4][2] = {
	{ "([.。！!？?])([^’”])", "$1\n$2" },
	{ "(\\.{6})([^’”])", "$1\n$2" },
	{ "(…{2})([^’”])", "$1\n$2" },
	{ "([.。!！？?{6}…2][’”])([^’”])", "$1\n$2" },
};

/* A slot of the set of keys seen in the current text; it is in use when
 * its gen is the text's, so a new text needs no clearing. */
struct keyslot {
	uint64_t	h;
	size_t		off, len;
	uint32_t	gen;
};

struct rrs {
	int		 lowercase, ignore_special;
	long long	 min_len;
	struct dm_re	*re[4];
	struct dm_buf	 tmp[2];	/* the line through the substitutions */
	struct dm_buf	 low, key;
	struct dm_buf	 keys;		/* the keys of the set, end to end */
	struct keyslot	*slot;
	size_t		 cap, used;	/* cap is 0 or a power of two */
	uint32_t	 gen;
};

static void rrs_fini(void *);

static int
rrs_init(void **state, const struct dm_args *args, struct dm_buf *err)
{
	struct rrs *r;
	size_t i, off;

	r = dm_xcalloc(1, sizeof(*r));
	r->lowercase = dm_arg_bool(args, "lowercase");
	r->ignore_special = dm_arg_bool(args, "ignore_special");
	r->min_len = dm_arg_int(args, "min_len");
	dm_buf_init(&r->tmp[0]);
	dm_buf_init(&r->tmp[1]);
	dm_buf_init(&r->low);
	dm_buf_init(&r->key);
	dm_buf_init(&r->keys);
	for (i = 0; i < 4; i++)
		if ((r->re[i] = dm_re_new(split_re[i][0], NULL, err,
		    &off)) == NULL) {
			rrs_fini(r);
			return -1;
		}
	*state = r;
	return 0;
}

static void
grow(struct rrs *r)
{
	struct keyslot *old = r->slot;
	size_t oldcap = r->cap, i, j;

	r->cap = oldcap ? oldcap * 2 : 64;
	r->slot = dm_xcalloc(r->cap, sizeof(*r->slot));
	for (i = 0; i < oldcap; i++) {
		if (old[i].gen != r->gen)
			continue;
		for (j = old[i].h & (r->cap - 1); r->slot[j].gen == r->gen;
		    j = (j + 1) & (r->cap - 1))
			;
		r->slot[j] = old[i];
	}
	free(old);
}

/* Adds the key; 1 when it was new, 0 when the text already had it. */
static int
addkey(struct rrs *r, const char *k, size_t n)
{
	uint64_t h = dm_hash64(k, n);
	struct keyslot *s;
	size_t j;

	if ((r->used + 1) * 2 > r->cap)
		grow(r);
	for (j = h & (r->cap - 1); r->slot[j].gen == r->gen;
	    j = (j + 1) & (r->cap - 1)) {
		s = &r->slot[j];
		if (s->h == h && s->len == n &&
		    memcmp(r->keys.buf + s->off, k, n) == 0)
			return 0;
	}
	s = &r->slot[j];
	s->h = h;
	s->off = r->keys.len;
	s->len = n;
	s->gen = r->gen;
	dm_buf_add(&r->keys, k, n);
	r->used++;
	return 1;
}

static int
keepchar(int32_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c >= 0x4E00 && c <= 0x9FA5) ||
	    c == '\n' || c == '\t' || c == ' ';
}

/* 1 when the sentence stays. */
static int
keep(struct rrs *r, const char *s, size_t n)
{
	size_t b, e, i, len;
	int32_t c;
	int l;

	dm_uni_strip(s, n, &b, &e);
	s += b;
	n = e - b;
	if (r->lowercase) {
		dm_buf_reset(&r->low);
		if (dm_uni_lower(s, n, &r->low) == 1) {
			s = r->low.buf;
			n = r->low.len;
		}
	}
	if (r->ignore_special) {
		dm_buf_reset(&r->key);
		for (i = 0, len = 0; i < n; i += (size_t)l) {
			if ((l = dm_utf8_decode(s + i, n - i, &c)) < 0) {
				l = 1;
				continue;
			}
			if (keepchar(c)) {
				dm_buf_add(&r->key, s + i, (size_t)l);
				len++;
			}
		}
		s = r->key.buf;
		n = r->key.len;
	} else
		len = dm_utf8_count(s, n);
	if ((long long)len < r->min_len)
		return 1;
	return addkey(r, s, n);
}

static int
rrs_text(void *state, const char *in, size_t n, struct dm_buf *out,
    struct dm_buf *err)
{
	struct rrs *r = state;
	const char *cur, *nl;
	size_t base = out->len, b, e, p, q, curlen;
	int i, k, rc, changed = 0;

	if (++r->gen == 0) {
		/* once in 2^32 texts: old stamps could look current */
		for (p = 0; p < r->cap; p++)
			r->slot[p].gen = 0;
		r->gen = 1;
	}
	r->used = 0;
	dm_buf_reset(&r->keys);
	for (b = 0; b <= n; b = e + 1) {
		nl = memchr(in + b, '\n', n - b);
		e = nl != NULL ? (size_t)(nl - in) : n;
		if (b != 0)
			dm_buf_addc(out, '\n');
		cur = in + b;
		curlen = e - b;
		for (i = 0, k = 0; curlen > 0 && i < 4; i++) {
			dm_buf_reset(&r->tmp[k]);
			rc = dm_re_replace(r->re[i], cur, curlen,
			    split_re[i][1], &r->tmp[k], err);
			if (rc == -1) {
				dm_buf_setlen(out, base);
				return -1;
			}
			if (rc == 1) {
				cur = r->tmp[k].buf;
				curlen = r->tmp[k].len;
				k ^= 1;
			}
		}
		/* an empty line has no sentence, as in Data-Juicer */
		for (p = 0; curlen > 0 && p <= curlen; p = q + 1) {
			nl = memchr(cur + p, '\n', curlen - p);
			q = nl != NULL ? (size_t)(nl - cur) : curlen;
			if (keep(r, cur + p, q - p))
				dm_buf_add(out, cur + p, q - p);
			else
				changed = 1;
		}
	}
	if (!changed) {
		dm_buf_setlen(out, base);
		return 0;
	}
	return 1;
}

static void
rrs_fini(void *state)
{
	struct rrs *r = state;
	int i;

	for (i = 0; i < 4; i++)
		dm_re_free(r->re[i]);
	dm_buf_free(&r->tmp[0]);
	dm_buf_free(&r->tmp[1]);
	dm_buf_free(&r->low);
	dm_buf_free(&r->key);
	dm_buf_free(&r->keys);
	free(r->slot);
	free(r);
}

const struct dm_opdef dm_op_remove_repeat_sentences = {
	.name = "remove-repeat-sentences",
	.kind = DM_OP_MAP,
	.summary = "drop later repeats of a sentence in the text "
	    "(Data-Juicer remove_repeat_sentences_mapper)",
	.params = params,
	.init = rrs_init,
	.text = rrs_text,
	.fini = rrs_fini,
};
