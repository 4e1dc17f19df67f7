/* normalize-ws.c - normalize-ws: strip, then odd white space becomes ' ' */
#include <stddef.h>

#include "dm.h"
#include "byteset.h"

/*
 * Data-Juicer's whitespace_normalization_mapper: str.strip(), then every
 * character of its VARIOUS_WHITESPACES set becomes U+0020. The set is
 * U+0009, 0020, 0084, 00A0, 2000-200D, 202F, 205F, 2060, 3000 and FFFC;
 * it holds zero-width characters and U+0084 that are not white space to
 * Python, so a leading U+200B survives the strip and turns into a space,
 * as it does in Data-Juicer. Newlines are left alone.
 */

static const struct dm_param params[] = {
	{ .name = NULL }
};

static int
various_ws(int32_t c)
{
	switch (c) {
	case 0x09:
	case 0x84:
	case 0xA0:
	case 0x202F:
	case 0x205F:
	case 0x2060:
	case 0x3000:
	case 0xFFFC:
		return 1;
	}
	return c >= 0x2000 && c <= 0x200D;
}

static struct dm_byteset lead;
static int ready;

static int
normalize_ws_text(void *state, const char *in, size_t n, struct dm_buf *out,
    struct dm_buf *err)
{
	size_t b, e, i, done;
	int32_t cp;
	int len, changed;

	(void)state;
	(void)err;
	if (!ready) {
		dm_byteset_init(&lead, "\x09\xC2\xE2\xE3\xEF", 5);
		ready = 1;
	}
	dm_uni_strip(in, n, &b, &e);
	changed = b != 0 || e != n;
	/* Only a tab or these lead bytes can start a character of the set;
	 * everything else is copied in runs. */
	for (i = done = b; i < e; i++) {
		if ((i = (size_t)(dm_byteset_find(&lead, in + i, in + e) -
		    in)) == e)
			break;
		if ((len = dm_utf8_decode(in + i, e - i, &cp)) < 0 ||
		    !various_ws(cp))
			continue;
		dm_buf_add(out, in + done, i - done);
		dm_buf_addc(out, ' ');
		done = i + (size_t)len;
		i = done - 1;
		changed = 1;
	}
	if (!changed)
		return 0;
	dm_buf_add(out, in + done, e - done);
	return 1;
}

const struct dm_opdef dm_op_normalize_ws = {
	.name = "normalize-ws",
	.kind = DM_OP_MAP,
	.summary = "strip, then turn tabs and Unicode spaces into plain "
	    "spaces (Data-Juicer whitespace_normalization_mapper)",
	.params = params,
	.text = normalize_ws_text,
};
