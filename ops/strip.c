/* strip.c - strip: trim white space at both ends, as Python's str.strip() */
#include <stddef.h>

#include "dm.h"

static const struct dm_param params[] = {
	{ .name = NULL }
};

static int
strip_text(void *state, const char *in, size_t n, struct dm_buf *out,
    struct dm_buf *err)
{
	size_t b, e;

	(void)state;
	(void)err;
	dm_uni_strip(in, n, &b, &e);
	if (b == 0 && e == n)
		return 0;
	dm_buf_add(out, in + b, e - b);
	return 1;
}

const struct dm_opdef dm_op_strip = {
	.name = "strip",
	.kind = DM_OP_MAP,
	.summary = "trim white space at both ends (Python's str.strip)",
	.params = params,
	.text = strip_text,
};
