/* collapse-ws.c - collapse-ws: one space for a run of spaces, no blank lines */
#include <stddef.h>
#include <string.h>

#include "dm.h"

/*
 * DataMate's ExtraSpaceCleaner, as dm defines it:
 *  - U+00A0, 1680, 2000-200A, 2028, 2029, 202F, 205F and 3000 count as
 *    spaces (DataMate turns them into U+0020 first);
 *  - every line (split on \n) loses the white space at both ends, Python's
 *    str.strip(), so trailing tabs and the CR of a CRLF go too;
 *  - inside a line a run of spaces becomes one U+0020; a tab inside a line
 *    is not a space and stays, as in DataMate;
 *  - lines left empty are dropped, so the text has no leading, trailing
 *    or consecutive newlines: a run of blank lines becomes one newline.
 * Two parts of DataMate's cleaner are left out on purpose: it also turns
 * the zero-width U+180E, 200B-200D, 2060 and FEFF into spaces, which would
 * break emoji joined by U+200D and words in scripts that need ZWJ/ZWNJ
 * (remove-invisible is the operator for those), and it deletes single
 * spaces between CJK characters and punctuation ("x = (y)" becomes
 * "x =(y)"), which is not collapsing white space.
 */

static const struct dm_param params[] = {
	{ .name = NULL }
};

/* Byte length of the space at s, or 0: U+0020 or a Unicode space above
 * (all of which are Python white space from U+00A0 up). */
static size_t
space_at(const char *s, size_t n)
{
	unsigned char c = (unsigned char)s[0];
	int32_t cp;
	int len;

	if (c == ' ')
		return 1;
	if (c != 0xC2 && c != 0xE1 && c != 0xE2 && c != 0xE3)
		return 0;
	if ((len = dm_utf8_decode(s, n, &cp)) < 0 || cp < 0xA0 ||
	    !dm_uni_isspace(cp))
		return 0;
	return (size_t)len;
}

/*
 * The output is the input with some spans replaced; out holds the result
 * up to input offset *done, and is written only from the first change on,
 * so an unchanged text costs no copy.
 */
struct edit {
	const char	*in;
	struct dm_buf	*out;
	size_t		 done;
	int		 changed;
};

static void
replace(struct edit *ed, size_t from, size_t to, const char *rep, size_t n)
{
	dm_buf_add(ed->out, ed->in + ed->done, from - ed->done);
	dm_buf_add(ed->out, rep, n);
	ed->done = to;
	ed->changed = 1;
}

static void
collapse_line(struct edit *ed, size_t p, size_t q)
{
	size_t i, j, l;

	for (i = p; i < q;) {
		if ((l = space_at(ed->in + i, q - i)) == 0) {
			i++;
			continue;
		}
		j = i + l;
		while (j < q && (l = space_at(ed->in + j, q - j)) != 0)
			j += l;
		if (j - i > 1 || ed->in[i] != ' ')
			replace(ed, i, j, " ", 1);
		i = j;
	}
}

static int
collapse_ws_text(void *state, const char *in, size_t n, struct dm_buf *out,
    struct dm_buf *err)
{
	struct edit ed = { in, out, 0, 0 };
	const char *nl;
	size_t ls, le, b, e, prev = 0;
	int first = 1;

	(void)state;
	(void)err;
	for (ls = 0; ls <= n; ls = le + 1) {
		nl = memchr(in + ls, '\n', n - ls);
		le = nl != NULL ? (size_t)(nl - in) : n;
		dm_uni_strip(in + ls, le - ls, &b, &e);
		if (b < e) {
			b += ls;
			e += ls;
			/* what lies between two kept lines must be one \n */
			if (first ? b != prev :
			    b - prev != 1 || in[prev] != '\n')
				replace(&ed, prev, b, "\n", first ? 0 : 1);
			collapse_line(&ed, b, e);
			prev = e;
			first = 0;
		}
		if (nl == NULL)
			break;
	}
	if (prev != n)
		replace(&ed, prev, n, "", 0);
	if (!ed.changed)
		return 0;
	dm_buf_add(out, in + ed.done, n - ed.done);
	return 1;
}

const struct dm_opdef dm_op_collapse_ws = {
	.name = "collapse-ws",
	.kind = DM_OP_MAP,
	.summary = "one space for a run of spaces, strip every line, drop "
	    "blank lines (DataMate ExtraSpaceCleaner)",
	.params = params,
	.text = collapse_ws_text,
};
