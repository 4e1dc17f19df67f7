/* strip.c - strip: trim white space at both ends, as Python's str.strip() */
#include <stddef.h>

#include "dm.h"

static const struct dm_param params[] = {
	{ NULL }
};

/*
 * The span of s left once leading and trailing white space (Python's
 * isspace) is removed. Walking back from the end steps over continuation
 * bytes to the start of the last character.
 */
static void
strip_span(const char *s, size_t n, size_t *b, size_t *e)
{
	size_t i = 0, j = n, k;
	int32_t cp;
	int len;

	while (i < n) {
		if ((len = dm_utf8_decode(s + i, n - i, &cp)) < 0 ||
		    !dm_uni_isspace(cp))
			break;
		i += (size_t)len;
	}
	while (j > i) {
		k = j - 1;
		while (k > i && j - k < 4 &&
		    ((unsigned char)s[k] & 0xC0) == 0x80)
			k--;
		if (dm_utf8_decode(s + k, j - k, &cp) != (int)(j - k) ||
		    !dm_uni_isspace(cp))
			break;
		j = k;
	}
	*b = i;
	*e = j;
}

static int
strip_text(void *state, const char *in, size_t n, struct dm_buf *out,
    struct dm_buf *err)
{
	size_t b, e;

	(void)state;
	(void)err;
	strip_span(in, n, &b, &e);
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
