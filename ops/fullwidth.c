/* fullwidth.c - fullwidth: full-width ASCII forms to half width */
#include <stddef.h>

#include "dm.h"

/*
 * DataMate's FullWidthCharacterCleaner maps the full-width forms
 * U+FF01-FF5E to ASCII (U+FEE0 less), but not all of them: its table
 * leaves out the marks Chinese text uses as its own punctuation, ！ （ ）
 * ， ： ； ？ (normalize-punct turns those into ASCII when wanted), and
 * U+3000 IDEOGRAPHIC SPACE (normalize-ws does that). The same table holds
 * '{' and '}' where ｛ and ｝ were meant; those two are converted here,
 * as the table intended.
 */

static const struct dm_param params[] = {
	{ .name = NULL }
};

static int
kept(int32_t c)
{
	switch (c) {
	case 0xFF01:		/* ！ */
	case 0xFF08:		/* （ */
	case 0xFF09:		/* ） */
	case 0xFF0C:		/* ， */
	case 0xFF1A:		/* ： */
	case 0xFF1B:		/* ； */
	case 0xFF1F:		/* ？ */
		return 1;
	}
	return 0;
}

static int
fullwidth_text(void *state, const char *in, size_t n, struct dm_buf *out,
    struct dm_buf *err)
{
	const unsigned char *u = (const unsigned char *)in;
	size_t i, done;
	int32_t cp;
	int changed;

	(void)state;
	(void)err;
	changed = 0;
	/* U+FF01-FF5E is EF BC 81 to EF BD 9E in UTF-8. */
	for (i = done = 0; i + 2 < n; i++) {
		if (u[i] != 0xEF || (u[i + 1] != 0xBC && u[i + 1] != 0xBD) ||
		    dm_utf8_decode(in + i, n - i, &cp) != 3 ||
		    cp < 0xFF01 || cp > 0xFF5E || kept(cp))
			continue;
		dm_buf_add(out, in + done, i - done);
		dm_buf_addc(out, cp - 0xFEE0);
		done = i + 3;
		i = done - 1;
		changed = 1;
	}
	if (!changed)
		return 0;
	dm_buf_add(out, in + done, n - done);
	return 1;
}

const struct dm_opdef dm_op_fullwidth = {
	.name = "fullwidth",
	.kind = DM_OP_MAP,
	.summary = "turn full-width ASCII forms into ASCII "
	    "(DataMate FullWidthCharacterCleaner)",
	.params = params,
	.text = fullwidth_text,
};
