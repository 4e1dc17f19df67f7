/* langid.c - langid: write the language of the text and its score */
#include <stdlib.h>
#include <string.h>

#include "dm.h"
#include "langid.h"

/*
 * Data-Juicer's language_id_score_filter writes stats.lang and
 * stats.lang_score, datatrove's LanguageFilter metadata.language and
 * metadata.language_score: the best label of the model and its
 * probability. The text is lower-cased first only when lower=true
 * (Data-Juicer does, datatrove does not).
 */

static const struct dm_param params[] = {
	{ .name = "model", .type = DM_P_STR, .def = "",
	  .help = "fastText model file, or cld2; empty: $DM_LANGID_MODEL, "
	    "else cld2" },
	{ .name = "field", .type = DM_P_STR, .def = "meta.lang",
	  .help = "field that receives the label" },
	{ .name = "score_field", .type = DM_P_STR, .def = "meta.lang_score",
	  .help = "field that receives its probability" },
	{ .name = "lower", .type = DM_P_BOOL, .def = "false",
	  .help = "lower-case the text first, as Data-Juicer" },
	{ .name = NULL }
};

struct langid {
	struct dm_langid *l;
	char		*field, *score_field;
	int		 lower;
};

static void
langid_fini(void *state)
{
	struct langid *st = state;

	if (st == NULL)
		return;
	dm_langid_close(st->l);
	free(st->field);
	free(st->score_field);
	free(st);
}

static int
langid_init(void **state, const struct dm_args *args, struct dm_buf *err)
{
	struct langid *st;

	if (dm_args_fieldpath(args, "field", err) < 0 ||
	    dm_args_fieldpath(args, "score_field", err) < 0)
		return -1;
	st = dm_xcalloc(1, sizeof *st);
	if ((st->l = dm_langid_open(dm_arg_str(args, "model"), err)) == NULL) {
		free(st);
		return -1;
	}
	st->field = dm_xstrdup(dm_arg_str(args, "field"));
	st->score_field = dm_xstrdup(dm_arg_str(args, "score_field"));
	st->lower = dm_arg_bool(args, "lower");
	*state = st;
	return 0;
}

static int
langid_sample(void *state, struct dm_sample *s, const char *key,
    struct dm_buf *err)
{
	struct langid *st = state;
	const char *text, *label;
	double score;
	size_t n;

	if (dm_sample_text(s, key, &text, &n, err) < 0)
		return -1;
	if (dm_langid_top(st->l, text, n, st->lower, &label, &score, err) < 0)
		return -1;
	if (dm_sample_set_new(s, st->field, json_string(label), err) < 0)
		return -1;
	return dm_sample_set_new(s, st->score_field, json_real(score), err);
}

const struct dm_opdef dm_op_langid = {
	.name = "langid",
	.kind = DM_OP_MAP,
	.summary = "write the language of the text and its probability "
	    "(fastText model or CLD2)",
	.params = params,
	.init = langid_init,
	.sample = langid_sample,
	.fini = langid_fini,
};
