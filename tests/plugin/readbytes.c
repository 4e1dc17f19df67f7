/* readbytes.c - an operator plugin for the tests of the reader: the text is
 * a path, replaced by what the reader says of that file: its lines and the
 * bytes it counted (nbytes) when read by lines, then the bytes it gave and
 * counted when read as it is. */
#include <stdio.h>

#include "dm.h"

static const struct dm_param params[] = {
	{ .name = NULL }
};

static int
readbytes(void *state, const char *in, size_t n, struct dm_buf *out,
    struct dm_buf *err)
{
	struct dm_reader r;
	struct dm_buf path = DM_BUF_INIT;
	char *argv[2], buf[4096];
	const char *line;
	size_t len, k;
	unsigned long lines = 0;
	unsigned long long given = 0;

	(void)state;
	(void)err;
	dm_buf_add(&path, in, n);
	dm_buf_addc(&path, '\0');
	argv[0] = path.buf;
	argv[1] = NULL;
	dm_reader_init(&r, 1, argv);
	while (dm_reader_next(&r, &line, &len) == 1)
		lines++;
	dm_buf_addf(out, "%lu lines, %llu bytes;", lines, r.nbytes);
	dm_reader_free(&r);
	dm_reader_init(&r, 1, argv);
	while ((k = dm_reader_read(&r, buf, sizeof buf)) > 0)
		given += k;
	dm_buf_addf(out, " read %llu bytes, %llu counted", given, r.nbytes);
	dm_reader_free(&r);
	dm_buf_free(&path);
	return 1;
}

static const struct dm_opdef op = {
	.name = "readbytes",
	.kind = DM_OP_MAP,
	.summary = "what the reader counts of the file named by the text",
	.params = params,
	.text = readbytes,
};

const char dm_plugin_abi[] = DM_OP_ABI;
const struct dm_opdef *const dm_plugin_ops[] = { &op, NULL };
