/* remove-incorrect-substrings.c - remove-incorrect-substrings: drop the
 * words that hold a substring of a list */
#include <stdlib.h>
#include <string.h>

#include "dm.h"
#include "tokenizer.h"
#include "tokenizer-spm.h"

/*
 * Data-Juicer's remove_words_with_incorrect_substrings_mapper. A word
 * goes when, stripped of SPECIAL characters at both ends, it holds one of
 * the substrings. The words are those of dm_dj_keep_words (by line, tab
 * and space), merged back as Data-Juicer merges them. With sp=MODEL
 * (tokenization: true) they are the pieces of the SentencePiece model,
 * each without its U+2581; when one goes, the text becomes the pieces
 * kept, without U+2581, joined by nothing, as Data-Juicer joins them (so
 * the spaces go too), and it stays as it was when none goes.
 */

static const struct dm_param params[] = {
	{ .name = "substrings", .type = DM_P_LIST,
	  .def = "http,www,.com,href,//",
	  .help = "a word holding one of these goes (no comma in them)" },
	{ .name = "sp", .type = DM_P_STR, .def = "",
	  .help = "SentencePiece model whose pieces are the words "
	      "(tokenization: true)" },
	{ .name = NULL }
};

struct ris {
	char		**sub;
	size_t		 nsub;
	struct dm_spm	*sp;
	struct dm_buf	 piece;		/* a piece without U+2581 */
	struct dm_buf	*out;
	size_t		 npieces, nkept;
};

static int
ris_init(void **state, const struct dm_args *args, struct dm_buf *err)
{
	const struct dm_arg *a = dm_arg(args, "substrings");
	const char *sp = dm_arg_str(args, "sp");
	struct ris *r;
	size_t i;

	r = dm_xcalloc(1, sizeof *r);
	dm_buf_init(&r->piece);
	r->nsub = a->nlist;
	r->sub = dm_xcalloc(r->nsub + 1, sizeof *r->sub);
	for (i = 0; i < r->nsub; i++)
		r->sub[i] = dm_xstrdup(a->list[i]);
	if (*sp != '\0' && (r->sp = dm_tok_spm(sp, err)) == NULL) {
		for (i = 0; i < r->nsub; i++)
			free(r->sub[i]);
		free(r->sub);
		free(r);
		return -1;
	}
	*state = r;
	return 0;
}

/* Whether w[0..n), stripped of SPECIAL, holds none of the substrings. */
static int
keep(void *arg, const char *w, size_t n)
{
	const struct ris *r = arg;
	size_t b, e, i;

	dm_special_strip(w, n, &b, &e);
	for (i = 0; i < r->nsub; i++)
		if (memmem(w + b, e - b, r->sub[i], strlen(r->sub[i])) != NULL)
			return 0;
	return 1;
}

/* A piece of the model: without its U+2581, kept or not. */
static void
piece(void *arg, const char *s, size_t n)
{
	static const char lower8[] = "\xe2\x96\x81";
	struct ris *r = arg;
	const char *p, *e = s + n;

	dm_buf_reset(&r->piece);
	while (s < e) {
		if ((p = memmem(s, (size_t)(e - s), lower8, 3)) == NULL)
			p = e;
		dm_buf_add(&r->piece, s, (size_t)(p - s));
		s = p < e ? p + 3 : e;
	}
	r->npieces++;
	if (keep(r, r->piece.buf, r->piece.len)) {
		r->nkept++;
		dm_buf_add(r->out, r->piece.buf, r->piece.len);
	}
}

static int
ris_text(void *state, const char *in, size_t n, struct dm_buf *out,
    struct dm_buf *err)
{
	struct ris *r = state;
	size_t base = out->len;
	char msg[512];

	if (r->sp == NULL)
		return dm_dj_keep_words(in, n, out, keep, r);
	r->out = out;
	r->npieces = r->nkept = 0;
	*msg = '\0';
	if (dm_spm_pieces(r->sp, in, n, piece, r, msg, sizeof msg) < 0) {
		dm_buf_setlen(out, base);
		dm_buf_addf(err, "sp: %s", msg);
		return -1;
	}
	if (r->nkept == r->npieces) {
		dm_buf_setlen(out, base);
		return 0;
	}
	return 1;
}

static void
ris_fini(void *state)
{
	struct ris *r = state;
	size_t i;

	for (i = 0; i < r->nsub; i++)
		free(r->sub[i]);
	free(r->sub);
	dm_buf_free(&r->piece);
	free(r);
}

const struct dm_opdef dm_op_remove_incorrect_substrings = {
	.name = "remove-incorrect-substrings",
	.kind = DM_OP_MAP,
	.summary = "drop the words that hold one of a list of substrings "
	    "(Data-Juicer remove_words_with_incorrect_substrings_mapper)",
	.params = params,
	.init = ris_init,
	.text = ris_text,
	.fini = ris_fini,
};
