/* rename.c - move a field to another name or path */
#include <stdlib.h>
#include <string.h>

#include "dm.h"

static const struct dm_param params[] = {
	{ .name = "from", .type = DM_P_STR, .def = NULL,
	  .help = "field to move (dotted path)" },
	{ .name = "to", .type = DM_P_STR, .def = NULL,
	  .help = "its new name (dotted path)" },
	{ .name = NULL }
};

struct rename {
	const char *from, *to;
};

static int
init(void **state, const struct dm_args *a, struct dm_buf *err)
{
	struct rename *st = dm_xmalloc(sizeof *st);

	st->from = dm_arg_str(a, "from");
	st->to = dm_arg_str(a, "to");
	if (dm_args_fieldpath(a, "from", err) < 0 ||
	    dm_args_fieldpath(a, "to", err) < 0) {
		free(st);
		return -1;
	}
	*state = st;
	return 0;
}

static int
run(void *state, struct dm_sample *s, const char *key, struct dm_buf *err)
{
	struct rename *st = state;

	(void)key;
	return dm_sample_rename(s, st->from, st->to, err);
}

static void
fini(void *state)
{
	free(state);
}

const struct dm_opdef dm_op_rename = {
	.name = "rename",
	.kind = DM_OP_MAP,
	.summary = "move a field to another name or path",
	.params = params,
	.init = init,
	.sample = run,
	.fini = fini,
};
