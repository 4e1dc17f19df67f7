/* remove-long-words.c - remove-long-words: drop words outside a length range */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "dm.h"

/*
 * Data-Juicer's remove_long_words_mapper, over its words by line, tab and
 * space (dm_dj_keep_words): a word stays when its length, or the length
 * of the word stripped of SPECIAL characters at both ends, lies in [min,
 * max]; lengths are code points.
 */

static const struct dm_param params[] = {
	{ .name = "min", .type = DM_P_INT, .def = "1",
	  .help = "shortest word length kept",
	  .min = 0, .max = HUGE_VAL },
	{ .name = "max", .type = DM_P_INT, .def = "9223372036854775807",
	  .help = "longest word length kept",
	  .min = 0, .max = HUGE_VAL },
	{ .name = NULL }
};

struct rlw {
	long long	min, max;
};

static int
rlw_init(void **state, const struct dm_args *args, struct dm_buf *err)
{
	struct rlw *r;

	(void)err;
	r = dm_xmalloc(sizeof(*r));
	r->min = dm_arg_int(args, "min");
	r->max = dm_arg_int(args, "max");
	*state = r;
	return 0;
}

static int
inrange(const struct rlw *r, size_t len)
{
	return (long long)len >= r->min && (long long)len <= r->max;
}

static int
keep(void *arg, const char *w, size_t n)
{
	const struct rlw *r = arg;
	size_t b, e;

	if (inrange(r, dm_utf8_count(w, n)))
		return 1;
	dm_special_strip(w, n, &b, &e);
	return inrange(r, dm_utf8_count(w + b, e - b));
}

static int
rlw_text(void *state, const char *in, size_t n, struct dm_buf *out,
    struct dm_buf *err)
{
	(void)err;
	return dm_dj_keep_words(in, n, out, keep, state);
}

static void
rlw_fini(void *state)
{
	free(state);
}

const struct dm_opdef dm_op_remove_long_words = {
	.name = "remove-long-words",
	.kind = DM_OP_MAP,
	.summary = "drop words shorter than min or longer than max characters "
	    "(Data-Juicer remove_long_words_mapper)",
	.params = params,
	.init = rlw_init,
	.text = rlw_text,
	.fini = rlw_fini,
};
