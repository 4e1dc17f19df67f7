/* clean-html.c - fuzzes the clean-html operator on arbitrary text */
#include "fuzz.h"

static const struct dm_opdef *op;
static void *state;
static struct dm_args args;	/* kept for the operator's life */

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct dm_buf err = DM_BUF_INIT;
	size_t bad;

	(void)argc;
	dm_init((*argv)[0]);
	op = dm_ops_find("clean-html");
	if (op == NULL || dm_args_build(op, NULL, NULL, 0, &args, &err, &bad) < 0 ||
	    (op->init && op->init(&state, &args, &err) < 0))
		abort();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	struct dm_buf out = DM_BUF_INIT, err = DM_BUF_INIT;

	/* the operator's contract: valid UTF-8 in, as the reader checks */
	if (dm_utf8_check((const char *)data, n) == n)
		op->text(state, (const char *)data, n, &out, &err);
	dm_buf_free(&out);
	dm_buf_free(&err);
	return 0;
}
