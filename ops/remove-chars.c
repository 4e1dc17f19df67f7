/* remove-chars.c - delete given characters [DJ remove_specific_chars_mapper] */

#include <stdlib.h>
#include <string.h>

#include "dm.h"

/*
 * Data-Juicer builds the class '[' + '|'.join(chars) + ']', so with two or
 * more characters it deletes '|' as well, and a ']' or '\' in chars breaks
 * or changes its pattern. The intent is to delete exactly the code points
 * of chars, and that is what is done here: no regex, a set of code points.
 */

struct chars {
	unsigned char	 ascii[128];	/* 1: delete this ASCII character */
	int32_t		*cp;		/* the others, sorted, distinct */
	size_t		 ncp;
};

static const struct dm_param params[] = {
	{ .name = "chars", .type = DM_P_STR, .def = "◆●■►▼▲▴∆▻▷❖♡□",
	  .help = "the characters to delete (code points)" },
	{ .name = NULL }
};

static int
cpcmp(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

	return (x > y) - (x < y);
}

static int
has(const struct chars *c, int32_t cp)
{
	size_t lo = 0, hi = c->ncp, mid;

	if (cp < 128)
		return c->ascii[cp];
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (c->cp[mid] == cp)
			return 1;
		if (c->cp[mid] < cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

static void
chars_fini(void *state)
{
	struct chars *c = state;

	if (c == NULL)
		return;
	free(c->cp);
	free(c);
}

static int
chars_init(void **state, const struct dm_args *args, struct dm_buf *err)
{
	struct chars *c;
	const char *s;
	size_t n, i, j;
	int32_t cp = 0;
	int len;

	s = dm_arg_str(args, "chars");
	n = strlen(s);
	if (dm_utf8_check(s, n) != n) {
		dm_buf_adds(err, "chars: not valid UTF-8");
		return -1;
	}
	c = dm_xcalloc(1, sizeof(*c));
	c->cp = dm_xreallocarray(NULL, n + 1, sizeof(*c->cp));
	for (i = 0; i < n; i += (size_t)len) {
		len = dm_utf8_decode(s + i, n - i, &cp);
		if (cp < 128)
			c->ascii[cp] = 1;
		else
			c->cp[c->ncp++] = cp;
	}
	qsort(c->cp, c->ncp, sizeof(*c->cp), cpcmp);
	for (i = j = 0; i < c->ncp; i++)
		if (j == 0 || c->cp[j - 1] != c->cp[i])
			c->cp[j++] = c->cp[i];
	c->ncp = j;
	*state = c;
	return 0;
}

static int
chars_text(void *state, const char *in, size_t n, struct dm_buf *out,
    struct dm_buf *err)
{
	struct chars *c = state;
	size_t i, from;
	int32_t cp;
	int len, changed = 0;

	(void)err;
	/* from: start of the kept bytes not yet copied to out */
	for (i = from = 0; i < n; i += (size_t)len) {
		len = dm_utf8_decode(in + i, n - i, &cp);
		if (len < 0) {
			/* a stray byte is kept, never matched */
			len = 1;
			continue;
		}
		if (!has(c, cp))
			continue;
		dm_buf_add(out, in + from, i - from);
		from = i + (size_t)len;
		changed = 1;
	}
	if (!changed)
		return 0;
	dm_buf_add(out, in + from, n - from);
	return 1;
}

const struct dm_opdef dm_op_remove_chars = {
	.name = "remove-chars",
	.kind = DM_OP_MAP,
	.summary = "delete the given characters",
	.params = params,
	.init = chars_init,
	.text = chars_text,
	.fini = chars_fini,
};
