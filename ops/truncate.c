/* truncate.c - truncate: keep the first max characters of the text */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>

#include "dm.h"

/* Characters are code points, as Python's len() counts them, so a cut
 * never falls inside a UTF-8 sequence (but may split a grapheme). */

static const struct dm_param params[] = {
	{ .name = "max", .type = DM_P_INT, .def = NULL,
	  .help = "number of characters to keep",
	  .min = 0, .max = HUGE_VAL },
	{ .name = NULL }
};

struct truncate {
	size_t	max;
};

static int
truncate_init(void **state, const struct dm_args *args, struct dm_buf *err)
{
	struct truncate *t;

	(void)err;
	t = dm_xmalloc(sizeof(*t));
	t->max = (size_t)dm_arg_int(args, "max");
	*state = t;
	return 0;
}

static int
truncate_text(void *state, const char *in, size_t n, struct dm_buf *out,
    struct dm_buf *err)
{
	const struct truncate *t = state;
	size_t off;

	(void)err;
	/* no text of max bytes or fewer can hold more than max characters */
	if (n <= t->max)
		return 0;
	off = dm_utf8_offset(in, n, t->max);
	if (off == n)
		return 0;
	dm_buf_add(out, in, off);
	return 1;
}

static void
truncate_fini(void *state)
{
	free(state);
}

const struct dm_opdef dm_op_truncate = {
	.name = "truncate",
	.kind = DM_OP_MAP,
	.summary = "keep the first max characters of the text",
	.params = params,
	.init = truncate_init,
	.text = truncate_text,
	.fini = truncate_fini,
};
