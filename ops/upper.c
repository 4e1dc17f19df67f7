/* upper.c - upper: upper-case the text as Python's str.upper() does */
#include <stddef.h>

#include "dm.h"

static const struct dm_param params[] = {
	{ .name = NULL }
};

static int
upper_text(void *state, const char *in, size_t n, struct dm_buf *out,
    struct dm_buf *err)
{
	(void)state;
	(void)err;
	return dm_uni_upper(in, n, out);
}

const struct dm_opdef dm_op_upper = {
	.name = "upper",
	.kind = DM_OP_MAP,
	.summary = "upper-case the text (full Unicode case mapping, as "
	    "Python's str.upper)",
	.params = params,
	.text = upper_text,
};
