/* drop.c - remove fields from the sample */
#include <stdlib.h>

#include "dm.h"

static const struct dm_param params[] = {
	{ .name = "fields", .type = DM_P_LIST, .def = NULL,
	  .help = "fields to remove (dotted paths)" },
	{ .name = NULL }
};

static int
init(void **state, const struct dm_args *a, struct dm_buf *err)
{
	(void)err;
	*state = (void *)dm_arg(a, "fields");
	return 0;
}

static int
run(void *state, struct dm_sample *s, const char *key, struct dm_buf *err)
{
	const struct dm_arg *fields = state;
	size_t i;

	(void)key;
	/* Absent fields leave the sample untouched, byte for byte; a field
	 * removed is not parsed, only let go. */
	for (i = 0; i < fields->nlist; i++)
		if (dm_sample_remove(s, fields->list[i], err) < 0)
			return -1;
	return 0;
}

const struct dm_opdef dm_op_drop = {
	.name = "drop",
	.kind = DM_OP_MAP,
	.summary = "remove fields from the sample",
	.params = params,
	.init = init,
	.sample = run,
};
