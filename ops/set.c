/* set.c - assign the value of an expression to a field */
#include <stdlib.h>
#include <string.h>

#include "dm.h"

static const struct dm_param params[] = {
	{ .name = NULL }
};

struct assign {
	char		*field;
	struct dm_expr	*expr;
};

struct set {
	struct assign	*v;
	size_t		 n;
	struct dm_buf	 json;		/* the value being assigned */
};

static void
fini(void *state)
{
	struct set *st = state;
	size_t i;

	if (st == NULL)
		return;
	for (i = 0; i < st->n; i++) {
		free(st->v[i].field);
		dm_expr_free(st->v[i].expr);
	}
	free(st->v);
	dm_buf_free(&st->json);
	free(st);
}

static int
init(void **state, const struct dm_args *a, struct dm_buf *err)
{
	struct set *st;
	struct dm_buf origin = DM_BUF_INIT;
	size_t i, off;

	if (a->nextra == 0) {
		dm_buf_adds(err, "needs FIELD=EXPR");
		return -1;
	}
	st = dm_xcalloc(1, sizeof *st);
	dm_buf_init(&st->json);
	st->v = dm_xcalloc(a->nextra, sizeof *st->v);
	for (i = 0; i < a->nextra; i++) {
		if (!dm_fieldpath_ok(a->extra_keys[i])) {
			dm_buf_addf(err, "'%s' is not a field name",
			    dm_quote(a->extra_keys[i]));
			dm_args_blame_extra(a, i, 1, 0);
			goto fail;
		}
		st->v[i].field = dm_xstrdup(a->extra_keys[i]);
		dm_buf_reset(&origin);
		/* messages while running name the assignment:
		 * "set score:1:7: ..."; those of parsing are the script's,
		 * at the place of the error in it */
		dm_buf_addf(&origin, "set %s", a->extra_keys[i]);
		st->v[i].expr = dm_expr_parse_err(a->extra_vals[i], origin.buf,
		    1, err, &off);
		st->n++;
		if (st->v[i].expr == NULL) {
			dm_args_blame_extra(a, i, 0, off);
			goto fail;
		}
	}
	dm_buf_free(&origin);
	*state = st;
	return 0;
fail:
	dm_buf_free(&origin);
	fini(st);
	return -1;
}

static int
run(void *state, struct dm_sample *s, const char *key, struct dm_buf *err)
{
	struct set *st = state;
	size_t i;

	for (i = 0; i < st->n; i++) {
		if (dm_expr_eval(st->v[i].expr, s, key, &st->json, NULL, NULL,
		    err) < 0)
			return -1;
		/* as bytes, so a copied field keeps its exact form */
		if (dm_sample_set_raw(s, st->v[i].field, st->json.buf,
		    st->json.len, err) < 0)
			return -1;
	}
	return 0;
}

const struct dm_opdef dm_op_set = {
	.name = "set",
	.kind = DM_OP_MAP,
	.summary = "assign the value of an expression to a field",
	.params = params,
	.flags = DM_OPF_FREEFORM | DM_OPF_EXPR,
	.init = init,
	.sample = run,
	.fini = fini,
};
