/* remove-table-text.c - remove-table-text: drop runs of table-like lines */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dm.h"

/*
 * Data-Juicer's remove_table_text_mapper. For k = min_col - 1 up to
 * max_col - 1, one after the other on the result of the previous one,
 * every match of
 *
 *	(?<=\n)((\S+?)([ |\t](\S+?)){k}\n+){2,}
 *
 * is deleted: two or more lines in a row, each of k + 1 cells separated
 * by one space, '|' or tab, right after a newline (so never the first
 * line of the text). \S is regex's: not White_Space (DM_PY_S), where
 * PCRE2's \S would leave out U+180E, which regex takes for a cell.
 * Data-Juicer reuses its loop variable there and stores the result under
 * the wrong index of the batch; we do what the code plainly means and its
 * tests expect: the text itself gets the result.
 */

#define S	"[^" DM_PY_S "]"	/* regex's \S */
#define COL_MIN	2
#define COL_MAX	20

static const struct dm_param params[] = {
	{ .name = "min_col", .type = DM_P_INT, .def = "2",
	  .help = "fewest columns of a table to remove",
	  .min = COL_MIN, .max = COL_MAX },
	{ .name = "max_col", .type = DM_P_INT, .def = "20",
	  .help = "most columns of a table to remove",
	  .min = COL_MIN, .max = COL_MAX },
	{ .name = NULL }
};

struct rtt {
	struct dm_re	*re[COL_MAX];	/* re[k]: tables of k + 1 columns */
	int		 lo, hi;	/* k from lo to hi */
	struct dm_buf	 tmp[2];
};

static void rtt_fini(void *);

static int
rtt_init(void **state, const struct dm_args *args, struct dm_buf *err)
{
	struct rtt *r;
	char pat[128];
	size_t off;
	int k;

	r = dm_xcalloc(1, sizeof(*r));
	r->lo = (int)dm_arg_int(args, "min_col") - 1;
	r->hi = (int)dm_arg_int(args, "max_col") - 1;
	dm_buf_init(&r->tmp[0]);
	dm_buf_init(&r->tmp[1]);
	for (k = r->lo; k <= r->hi; k++) {
		snprintf(pat, sizeof(pat), "(?<=\\n)((" S "+?)([ |\\t](" S
		    "+?)){%d}\\n+){2,}", k);
		if ((r->re[k] = dm_re_new(pat, NULL, err, &off)) == NULL) {
			rtt_fini(r);
			return -1;
		}
	}
	*state = r;
	return 0;
}

static int
rtt_text(void *state, const char *in, size_t n, struct dm_buf *out,
    struct dm_buf *err)
{
	struct rtt *r = state;
	const char *cur = in, *p, *end = in + n;
	size_t curlen = n;
	int k, t, rc, nl;

	/* A match needs the newline before it and one after each of two
	 * rows: a text with fewer than three cannot hold a table. */
	for (p = in, nl = 0; nl < 3 && p < end; p++) {
		if ((p = memchr(p, '\n', (size_t)(end - p))) == NULL)
			break;
		nl++;
	}
	if (nl < 3)
		return 0;
	for (k = r->lo, t = 0; k <= r->hi; k++) {
		dm_buf_reset(&r->tmp[t]);
		rc = dm_re_replace(r->re[k], cur, curlen, "", &r->tmp[t], err);
		if (rc == -1)
			return -1;
		if (rc == 1) {
			cur = r->tmp[t].buf;
			curlen = r->tmp[t].len;
			t ^= 1;
		}
	}
	if (cur == in)
		return 0;
	dm_buf_add(out, cur, curlen);
	return 1;
}

static void
rtt_fini(void *state)
{
	struct rtt *r = state;
	int k;

	for (k = 0; k < COL_MAX; k++)
		dm_re_free(r->re[k]);
	dm_buf_free(&r->tmp[0]);
	dm_buf_free(&r->tmp[1]);
	free(r);
}

const struct dm_opdef dm_op_remove_table_text = {
	.name = "remove-table-text",
	.kind = DM_OP_MAP,
	.summary = "drop runs of two or more lines that look like table rows "
	    "(Data-Juicer remove_table_text_mapper)",
	.params = params,
	.init = rtt_init,
	.text = rtt_text,
	.fini = rtt_fini,
};
