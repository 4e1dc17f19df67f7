/* remove-copyright.c - drop copyright comments [DJ clean_copyright_mapper] */

#include <string.h>

#include "dm.h"

/*
 * Data-Juicer's rule, which is wider than its name:
 *
 *  1. the first C comment of the text, wherever it is (Data-Juicer's
 *     pattern for it ends at the first closing star-slash), is cut out
 *     when it contains "copyright" in any case; when the text has such a
 *     comment, nothing else happens, copyright or not;
 *  2. otherwise the leading lines (split on LF only) that start with "//",
 *     "#" or "--", or are empty, are dropped, copyright or not.
 *
 * dm follows it so that a recipe means the same thing; no regex is needed.
 */

/*
 * "copyright" in any case, as the `regex` module's IGNORECASE finds it:
 * besides the ASCII letters, U+0130 (capital I with a dot above, C4 B0)
 * matches the i. No other code point matches a letter of the word (all
 * were tried with regex 2.5.123).
 */
static int
hascopyright(const char *s, size_t n)
{
	static const char word[] = "copyright";
	size_t i, j, k;

	for (i = 0; i < n; i++) {
		for (j = 0, k = i; j < sizeof(word) - 1 && k < n; j++, k++) {
			if ((s[k] | 0x20) == word[j])
				continue;
			if (word[j] != 'i' || n - k < 2 ||
			    (unsigned char)s[k] != 0xc4 ||
			    (unsigned char)s[k + 1] != 0xb0)
				break;
			k++;
		}
		if (j == sizeof(word) - 1)
			return 1;
	}
	return 0;
}

static int
iscomment(const char *s, size_t n)
{
	return n == 0 || s[0] == '#' ||
	    (n >= 2 && s[0] == '/' && s[1] == '/') ||
	    (n >= 2 && s[0] == '-' && s[1] == '-');
}

static int
copyright_text(void *state, const char *in, size_t n, struct dm_buf *out,
    struct dm_buf *err)
{
	const char *open, *close, *p, *nl, *e;

	(void)state;
	(void)err;
	e = in + n;
	open = memmem(in, n, "/*", 2);
	/* The star that opens cannot also close: search past it. */
	if (open != NULL && (close = memmem(open + 2, e - open - 2, "*/", 2))
	    != NULL) {
		close += 2;
		if (!hascopyright(open, close - open))
			return 0;
		dm_buf_add(out, in, open - in);
		dm_buf_add(out, close, e - close);
		return 1;
	}
	for (p = in; ; p = nl + 1) {
		nl = memchr(p, '\n', e - p);
		if (!iscomment(p, (nl != NULL ? nl : e) - p))
			break;
		if (nl == NULL) {
			p = e;		/* every line went */
			break;
		}
	}
	if (p == in || n == 0)
		return 0;
	dm_buf_add(out, p, e - p);
	return 1;
}

static const struct dm_param params[] = {
	{ .name = NULL }
};

const struct dm_opdef dm_op_remove_copyright = {
	.name = "remove-copyright",
	.kind = DM_OP_MAP,
	.summary = "drop a copyright comment, or a leading block of "
	    "line comments",
	.params = params,
	.text = copyright_text,
};
