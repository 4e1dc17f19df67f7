/* keep.c - keep only the named fields */
#include "dm.h"

static const struct dm_param params[] = {
	{ .name = "fields", .type = DM_P_LIST, .def = NULL,
	  .help = "fields to keep (dotted paths keep the objects around them)" },
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

	(void)key;
	return dm_sample_keep(s, fields->list, fields->nlist, err);
}

const struct dm_opdef dm_op_keep = {
	.name = "keep",
	.kind = DM_OP_MAP,
	.summary = "keep only the named fields, remove the others",
	.params = params,
	.init = init,
	.sample = run,
};
