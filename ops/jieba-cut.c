/* jieba-cut.c - jieba-cut: the words of a Chinese text, as jieba cuts it */
#include <stdlib.h>
#include <string.h>

#include "dm.h"
#include "jieba.h"

/*
 * jieba.lcut(text) (see jieba.c) written to a field as an array of
 * strings, the words in order: what DataMate's phrase filter counts, and
 * a word list for one's own statistics.
 */

static const struct dm_param params[] = {
	{ .name = "field", .type = DM_P_STR, .def = "words",
	  .help = "field that receives the array of words" },
	{ .name = NULL }
};

struct jcut {
	char		*field;
	struct dm_jieba	*jb;
	json_t		*words;
};

static void
jc_fini(void *state)
{
	struct jcut *c = state;

	if (c == NULL)
		return;
	dm_jieba_free(c->jb);
	free(c->field);
	free(c);
}

static int
jc_init(void **state, const struct dm_args *args, struct dm_buf *err)
{
	struct jcut *c;
	const char *field = dm_arg_str(args, "field");

	if (dm_args_fieldpath(args, "field", err) < 0)
		return -1;
	c = dm_xcalloc(1, sizeof *c);
	c->field = dm_xstrdup(field);
	if ((c->jb = dm_jieba_open(err)) == NULL) {
		jc_fini(c);
		return -1;
	}
	*state = c;
	return 0;
}

static void
addword(void *arg, const char *w, size_t n)
{
	struct jcut *c = arg;

	json_array_append_new(c->words, json_stringn(w, n));
}

static int
jc_sample(void *state, struct dm_sample *s, const char *key,
    struct dm_buf *err)
{
	struct jcut *c = state;
	const char *text;
	size_t n;

	if (dm_sample_text(s, key, &text, &n, err) == -1)
		return -1;
	c->words = json_array();
	dm_jieba_cut(c->jb, text, n, addword, c);
	return dm_sample_set_new(s, c->field, c->words, err);
}

const struct dm_opdef dm_op_jieba_cut = {
	.name = "jieba-cut",
	.kind = DM_OP_MAP,
	.summary = "write the words of the text, as jieba cuts Chinese, "
	    "to a field",
	.params = params,
	.init = jc_init,
	.sample = jc_sample,
	.fini = jc_fini,
};
