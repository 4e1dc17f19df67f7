/* remove-repeat-lines.c - keep one copy of a line repeated too often [DM] */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dm.h"
#include "quality.h"

/*
 * DataMate's DuplicateSentencesFilter (remove_duplicate_sentences): the
 * text is split on \n; lines are compared after Python's str.strip(); a
 * line whose stripped form occurs at least min times in the text keeps
 * only its first occurrence, as written (its own spaces kept); lines that
 * occur fewer times all stay. Blank lines and the table tags <table>,
 * <tbody>, <tr>, <td> and their end tags (alone on a line) are never
 * removed. The kept lines are joined by \n again. DataMate fixes min at 5.
 */

static const struct dm_param params[] = {
	{ .name = "min", .type = DM_P_INT, .def = "5",
	  .help = "occurrences from which a line keeps only its first",
	  .min = 1, .max = HUGE_VAL },
	{ .name = NULL }
};

struct rlines {
	long long	 min;
	struct dm_q_spans lines;	/* stripped spans */
	size_t		*first;		/* per line: number of its first equal */
	size_t		*count;		/* per first line: occurrences; 0 once
					   the first of a repeated one is kept */
	size_t		 cap;
	struct dm_q_set	 set;
	const char	*s;
};

static int
rl_init(void **state, const struct dm_args *args, struct dm_buf *err)
{
	struct rlines *r;

	(void)err;
	r = dm_xcalloc(1, sizeof(*r));
	r->min = dm_arg_int(args, "min");
	*state = r;
	return 0;
}

static void
rl_fini(void *state)
{
	struct rlines *r = state;

	if (r == NULL)
		return;
	dm_q_spans_free(&r->lines);
	dm_q_set_free(&r->set);
	free(r->first);
	free(r->count);
	free(r);
}

static int
eq(const void *ctx, size_t a, size_t b)
{
	const struct rlines *r = ctx;
	const struct dm_q_span *x = &r->lines.v[a], *y = &r->lines.v[b];

	return x->e - x->b == y->e - y->b &&
	    memcmp(r->s + x->b, r->s + y->b, x->e - x->b) == 0;
}

/* Blank, or a table tag alone: never removed. */
static int
trusted(const char *s, size_t n)
{
	static const char *const tags[] = { "<table>", "<tbody>", "<tr>",
		"<td>", "</table>", "</tbody>", "</tr>", "</td>" };
	size_t i;

	if (n == 0)
		return 1;
	for (i = 0; i < sizeof tags / sizeof tags[0]; i++)
		if (strlen(tags[i]) == n && memcmp(tags[i], s, n) == 0)
			return 1;
	return 0;
}

static int
rl_text(void *state, const char *s, size_t n, struct dm_buf *out,
    struct dm_buf *err)
{
	struct rlines *r = state;
	struct dm_q_span *l;
	size_t i, start, b, e, nl, f;
	const char *p;
	int changed = 0, any = 0;

	(void)err;
	r->s = s;
	r->lines.n = 0;
	for (start = 0;; start = nl + 1) {
		p = memchr(s + start, '\n', n - start);
		nl = p ? (size_t)(p - s) : n;
		b = start;
		e = nl;
		dm_q_strip(s, &b, &e);
		dm_q_spans_add(&r->lines, b, e);
		if (p == NULL)
			break;
	}
	if (r->lines.n > r->cap) {
		r->cap = r->lines.n;
		r->first = dm_xreallocarray(r->first, r->cap,
		    sizeof(*r->first));
		r->count = dm_xreallocarray(r->count, r->cap,
		    sizeof(*r->count));
	}
	dm_q_set_clear(&r->set, r->lines.n);
	for (i = 0; i < r->lines.n; i++) {
		l = &r->lines.v[i];
		f = dm_q_set_add(&r->set, dm_hash64(s + l->b, l->e - l->b), i,
		    eq, r);
		r->first[i] = f;
		r->count[i] = 0;
		r->count[f]++;
	}
	/* a second pass over the raw lines, writing the kept ones */
	for (i = 0, start = 0; i < r->lines.n; i++, start = nl + 1) {
		p = memchr(s + start, '\n', n - start);
		nl = p ? (size_t)(p - s) : n;
		l = &r->lines.v[i];
		f = r->first[i];
		if (!trusted(s + l->b, l->e - l->b) &&
		    r->count[f] >= (size_t)r->min) {
			if (f != i) {
				changed = 1;
				continue;
			}
		}
		if (any)
			dm_buf_addc(out, '\n');
		dm_buf_add(out, s + start, nl - start);
		any = 1;
	}
	if (!changed) {
		out->len = 0;
		return 0;
	}
	return 1;
}

const struct dm_opdef dm_op_remove_repeat_lines = {
	.name = "remove-repeat-lines",
	.kind = DM_OP_MAP,
	.summary = "keep the first of a line repeated min times or more "
	    "(DataMate DuplicateSentencesFilter)",
	.params = params,
	.init = rl_init,
	.text = rl_text,
	.fini = rl_fini,
};
