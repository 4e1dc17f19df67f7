/* unicode.c - unicode: Unicode normalization (NFC, NFKC, NFD, NFKD) */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "dm.h"

/*
 * The normalization half of Data-Juicer's fix_unicode_mapper, which hands
 * its normalization form to ftfy.fix_text and so to Python's
 * unicodedata.normalize. utf8proc does the work, with the options of its
 * own utf8proc_NFC and friends.
 */

static const struct dm_param params[] = {
	{ .name = "form", .type = DM_P_ENUM, .def = "NFC",
	  .choices = "NFC,NFKC,NFD,NFKD",
	  .help = "normalization form" },
	{ .name = NULL }
};

static int
unicode_init(void **state, const struct dm_args *args, struct dm_buf *err)
{
	int *form;

	(void)err;
	form = dm_xcalloc(1, sizeof(*form));
	*form = dm_uni_form(dm_arg_str(args, "form"));
	*state = form;
	return 0;
}

/* dm_uni_map() normalizes the runs of characters beyond ASCII only. */
static int
unicode_text(void *state, const char *in, size_t n, struct dm_buf *out,
    struct dm_buf *err)
{
	const char *msg;
	size_t i;

	for (i = 0; i < n && (unsigned char)in[i] < 0x80; i++)
		;
	if (i == n)
		return 0;
	if (dm_uni_map(in, n, *(const int *)state, out, &msg) < 0) {
		dm_buf_addf(err, "cannot normalize: %s", msg);
		return -1;
	}
	return out->len != n || memcmp(out->buf, in, n) != 0;
}

static void
unicode_fini(void *state)
{
	free(state);
}

const struct dm_opdef dm_op_unicode = {
	.name = "unicode",
	.kind = DM_OP_MAP,
	.summary = "normalize the text to NFC, NFKC, NFD or NFKD "
	    "(Data-Juicer fix_unicode_mapper, normalization part)",
	.params = params,
	.init = unicode_init,
	.text = unicode_text,
	.fini = unicode_fini,
};
