/* lower.c - lower: lower-case the text as Python's str.lower() does */
#include <stddef.h>

#include "dm.h"

static const struct dm_param params[] = {
	{ .name = NULL }
};

static int
lower_text(void *state, const char *in, size_t n, struct dm_buf *out,
    struct dm_buf *err)
{
	(void)state;
	(void)err;
	return dm_uni_lower(in, n, out);
}

const struct dm_opdef dm_op_lower = {
	.name = "lower",
	.kind = DM_OP_MAP,
	.summary = "lower-case the text (full Unicode case mapping, as "
	    "Python's str.lower)",
	.params = params,
	.text = lower_text,
};
