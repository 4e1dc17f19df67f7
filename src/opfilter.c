/* opfilter.c - what filter operators share: a list file, the rate test */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dm.h"
#include "opfilter.h"

int
dm_listfile_read(const char *path, char **out, size_t *n, struct dm_buf *err)
{
	struct dm_buf b = DM_BUF_INIT;
	char tmp[8192];
	size_t got;
	int bad = 1;
	FILE *f;

	if ((f = fopen(path, "r")) == NULL) {
		dm_buf_addf(err, "%s: %s", path, strerror(errno));
		return -1;
	}
	while ((got = fread(tmp, 1, sizeof tmp, f)) > 0)
		dm_buf_add(&b, tmp, got);
	if (ferror(f))
		dm_buf_addf(err, "%s: %s", path, strerror(errno));
	else if (dm_utf8_check(b.buf, b.len) != b.len)
		dm_buf_addf(err, "%s: invalid UTF-8", path);
	else
		bad = 0;
	fclose(f);
	if (bad) {
		dm_buf_free(&b);
		return -1;
	}
	*out = dm_buf_detach(&b, n);
	return 0;
}

int
dm_rate_below(double rate, double max, const char *reason,
    struct dm_buf *err)
{
	if (rate < max)
		return 1;
	dm_buf_adds(err, reason);
	return 0;
}
