/* fs.c - directories: mkdir -p, the folder of the running program */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* The directory of the running program (from /proc/self/exe) into b;
 * -1 when it cannot be told. */
int
dm_self_dir(struct dm_buf *b)
{
	char self[4096], *slash;
	ssize_t r;

	r = readlink("/proc/self/exe", self, sizeof self - 1);
	if (r <= 0)
		return -1;
	self[r] = '\0';
	if ((slash = strrchr(self, '/')) == NULL)
		return -1;
	*slash = '\0';
	dm_buf_adds(b, *self ? self : "/");
	return 0;
}

unsigned long long
dm_nofile_raise(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return 0;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
		(void)getrlimit(RLIMIT_NOFILE, &rl);
	}
	return (unsigned long long)rl.rlim_cur;
}

ssize_t
dm_read_wait(int fd, void *buf, size_t n)
{
	struct pollfd pf;
	ssize_t k;

	while ((k = read(fd, buf, n)) < 0 &&
	    (errno == EAGAIN || errno == EWOULDBLOCK)) {
		pf.fd = fd;
		pf.events = POLLIN;
		if (poll(&pf, 1, -1) < 0)
			return -1;
	}
	return k;
}
