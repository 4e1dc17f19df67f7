/* fs.c - directories: mkdir -p */
#include <errno.h>
#include <sys/stat.h>

#include "dm.h"

int
dm_mkdirs(const char *dir)
{
	struct dm_buf b = DM_BUF_INIT;
	char *p, c;
	int r = 0;

	if (*dir == '\0') {
		errno = ENOENT;
		dm_warnx_errno("'%s'", dir);
		return -1;
	}
	dm_buf_adds(&b, dir);
	for (p = b.buf;; p++) {
		if ((*p != '/' || p == b.buf) && *p != '\0')
			continue;
		c = *p;
		*p = '\0';
		if (mkdir(b.buf, 0777) < 0 && errno != EEXIST) {
			dm_warnx_errno("%s", b.buf);
			r = -1;
			break;
		}
		*p = c;
		if (c == '\0')
			break;
	}
	dm_buf_free(&b);
	return r;
}
