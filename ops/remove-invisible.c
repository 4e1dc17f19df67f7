/* remove-invisible.c - remove-invisible: delete controls and zero-widths */
#include <stddef.h>

#include "dm.h"
#include "byteset.h"

/*
 * DataMate's InvisibleCharactersCleaner deletes the characters of the
 * class [\x00-\x07|\x0E-\x13|\x15-\x1F|\x7F-\xA0]. That class also holds
 * '|' and U+00A0 NO-BREAK SPACE (deleting either joins words), and misses
 * U+0008, 000B, 000C and 0014. dm deletes what the class was meant to
 * catch: every C0 control but tab, line feed and carriage return, DEL,
 * the C1 controls U+0080-009F, and the zero-width characters U+200B-200F,
 * U+2060-2064 and U+FEFF (the byte order mark).
 */

static const struct dm_param params[] = {
	{ .name = NULL }
};

static int
invisible(int32_t c)
{
	if (c < 0x20)
		return c != '\t' && c != '\n' && c != '\r';
	return (c >= 0x7F && c <= 0x9F) || (c >= 0x200B && c <= 0x200F) ||
	    (c >= 0x2060 && c <= 0x2064) || c == 0xFEFF;
}

static struct dm_byteset lead;
static int ready;

static int
remove_invisible_text(void *state, const char *in, size_t n,
    struct dm_buf *out, struct dm_buf *err)
{
	char lb[36];
	size_t i, done;
	int32_t cp;
	int len, changed;

	(void)state;
	(void)err;
	if (!ready) {
		/* the C0 controls (tab and line ends are let go below) */
		for (i = 0; i < 0x20; i++)
			lb[i] = (char)i;
		lb[i++] = 0x7F;
		lb[i++] = (char)0xC2;
		lb[i++] = (char)0xE2;
		lb[i++] = (char)0xEF;
		dm_byteset_init(&lead, lb, i);
		ready = 1;
	}
	changed = 0;
	/* Only a control byte or these lead bytes can start a character
	 * of the set; everything else is copied in runs. */
	for (i = done = 0; i < n; i++) {
		if ((i = (size_t)(dm_byteset_find(&lead, in + i, in + n) -
		    in)) == n)
			break;
		if ((len = dm_utf8_decode(in + i, n - i, &cp)) < 0 ||
		    !invisible(cp))
			continue;
		dm_buf_add(out, in + done, i - done);
		done = i + (size_t)len;
		i = done - 1;
		changed = 1;
	}
	if (!changed)
		return 0;
	dm_buf_add(out, in + done, n - done);
	return 1;
}

const struct dm_opdef dm_op_remove_invisible = {
	.name = "remove-invisible",
	.kind = DM_OP_MAP,
	.summary = "delete control characters but tab and newlines, and "
	    "zero-width characters (DataMate InvisibleCharactersCleaner)",
	.params = params,
	.text = remove_invisible_text,
};
