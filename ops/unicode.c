/* unicode.c - unicode: Unicode normalization (NFC, NFKC, NFD, NFKD) */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

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


struct unicode {
	utf8proc_option_t	 opts;
	utf8proc_int32_t	*cps;	/* kept between samples */
	size_t			 cap;	/* code points cps holds */
};

static int
unicode_init(void **state, const struct dm_args *args, struct dm_buf *err)
{
	struct unicode *u;

	(void)err;
	u = dm_xcalloc(1, sizeof(*u));
	u->opts = (utf8proc_option_t)dm_uni_form(dm_arg_str(args, "form"));
	*state = u;
	return 0;
}

static int
unicode_text(void *state, const char *in, size_t n, struct dm_buf *out,
    struct dm_buf *err)
{
	struct unicode *u = state;
	const utf8proc_uint8_t *s;
	utf8proc_ssize_t r, len;
	size_t i, b;

	/* ASCII is the same in every form, and an ASCII character never
	 * combines with what comes before it, so normalization can start at
	 * the last ASCII character before the first other one. */
	for (i = 0; i < n && (unsigned char)in[i] < 0x80; i++)
		;
	if (i == n)
		return 0;
	b = i > 0 ? i - 1 : 0;
	s = (const utf8proc_uint8_t *)in + b;
	len = (utf8proc_ssize_t)(n - b);
	for (;;) {
		r = utf8proc_decompose(s, len, u->cps,
		    (utf8proc_ssize_t)u->cap, u->opts);
		if (r < 0) {
			dm_buf_addf(err, "cannot normalize: %s",
			    utf8proc_errmsg(r));
			return -1;
		}
		if ((size_t)r < u->cap)
			break;
		/* One more for the NUL utf8proc_reencode writes. */
		u->cap = (size_t)r + 1 > 2 * u->cap ? (size_t)r + 1 :
		    2 * u->cap;
		u->cps = dm_xreallocarray(u->cps, u->cap, sizeof(*u->cps));
	}
	r = utf8proc_reencode(u->cps, r, u->opts);
	if (r < 0) {
		dm_buf_addf(err, "cannot normalize: %s", utf8proc_errmsg(r));
		return -1;
	}
	if (r == len && memcmp(u->cps, s, (size_t)len) == 0)
		return 0;
	dm_buf_add(out, in, b);
	dm_buf_add(out, u->cps, (size_t)r);
	return 1;
}

static void
unicode_fini(void *state)
{
	struct unicode *u = state;

	free(u->cps);
	free(u);
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
