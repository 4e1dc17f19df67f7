/* chinese-convert.c - chinese-convert: Simplified, Traditional and
 * Japanese Chinese characters, converted by OpenCC */
#include <stddef.h>
#include <string.h>

#include "dm.h"
#include "opencc-shim.h"

/*
 * Data-Juicer's chinese_convert_mapper: OpenCC(mode + ".json").convert
 * of the text, with the same library (libopencc, in dm-opencc.so) and the
 * system's configurations and dictionaries.
 *
 * OpenCC reads its input as a C string: a NUL character would end the
 * conversion, and the rest of the text would be lost. The text is
 * converted between NULs and each NUL kept; no dictionary key holds a
 * NUL, so no phrase is cut by that.
 */

static const struct dm_param params[] = {
	{ .name = "mode", .type = DM_P_ENUM, .def = "s2t",
	  .choices = DM_OPENCC_MODES,
	  .help = "OpenCC configuration FROM2TO: s Simplified, t Traditional, "
	    "tw Taiwan, hk Hong Kong, jp Japanese; p: with regional words" },
	{ .name = NULL }
};

static int
cc_init(void **state, const struct dm_args *args, struct dm_buf *err)
{
	struct dm_opencc *o;

	/* the converter is the process's, shared and never freed */
	if ((o = dm_opencc_get(dm_arg_str(args, "mode"), err)) == NULL)
		return -1;
	*state = o;
	return 0;
}

static int
cc_text(void *state, const char *in, size_t n, struct dm_buf *out,
    struct dm_buf *err)
{
	const char *p, *e, *end = in + n;
	size_t i;

	/* No key of OpenCC's dictionaries is ASCII alone: such a text
	 * stays as it is, and OpenCC need not copy it twice to say so. */
	for (i = 0; i < n && (unsigned char)in[i] < 0x80; i++)
		;
	if (i == n)
		return 0;
	for (p = in; p < end; p = e + 1) {
		if ((e = memchr(p, '\0', (size_t)(end - p))) == NULL)
			e = end;
		if (e > p && dm_opencc_convert(state, p, (size_t)(e - p), out,
		    err) < 0)
			return -1;
		if (e < end)
			dm_buf_addc(out, '\0');
	}
	/* unchanged: the sample keeps its bytes */
	return out->len != n || memcmp(out->buf, in, n) != 0;
}

const struct dm_opdef dm_op_chinese_convert = {
	.name = "chinese-convert",
	.kind = DM_OP_MAP,
	.summary = "convert Chinese characters between Simplified, "
	    "Traditional and Japanese forms with OpenCC (Data-Juicer "
	    "chinese_convert_mapper)",
	.params = params,
	.init = cc_init,
	.text = cc_text,
};
