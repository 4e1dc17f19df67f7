/* rot13.c - a tiny operator plugin for the tests: rot13 of ASCII letters */
#include <stddef.h>

#include "dm.h"

/* The tests build wrong variants of this plugin from the same source. */
#ifndef ROT13_NAME
#define ROT13_NAME	"rot13"
#endif
#ifndef ROT13_ABI
#define ROT13_ABI	DM_OP_ABI
#endif

static const struct dm_param params[] = {
	{ .name = NULL }
};

static int
rot13(void *state, const char *in, size_t n, struct dm_buf *out,
    struct dm_buf *err)
{
	size_t i;
	int c, changed = 0;

	(void)state;
	(void)err;
	dm_buf_grow(out, n);
	for (i = 0; i < n; i++) {
		c = (unsigned char)in[i];
		if (c >= 'a' && c <= 'z')
			c = 'a' + (c - 'a' + 13) % 26;
		else if (c >= 'A' && c <= 'Z')
			c = 'A' + (c - 'A' + 13) % 26;
		changed |= c != (unsigned char)in[i];
		dm_buf_addc(out, c);
	}
	return changed;
}

static const struct dm_opdef op = {
	.name = ROT13_NAME,
	.kind = DM_OP_MAP,
	.summary = "rotate ASCII letters by 13 places",
	.params = params,
	.text = rot13,
};

const char dm_plugin_abi[] = ROT13_ABI;
const struct dm_opdef *const dm_plugin_ops[] = { &op, NULL };
