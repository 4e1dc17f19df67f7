/* runheld.c - dm-run's job output, held until it is wanted */
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run.h"

#define CHUNKSZ	(256 * 1024)
#define COPYSZ	(1024 * 1024)

struct dm_chunk {
	struct dm_chunk	*next;
	size_t		 len;
	char		 data[CHUNKSZ];
};

static size_t budget = 64 * 1024 * 1024;
static size_t inmem;		/* chunk bytes allocated by all held outputs */
static char *scratch;		/* COPYSZ bytes, for spilled output */
/* Chunks let go of, kept for the next outputs (within the budget): fresh
 * memory costs a page fault a page, more than the copy into it. */
static struct dm_chunk *pool;
static size_t inpool;

static struct dm_chunk *
chunk_new(void)
{
	struct dm_chunk *c = pool;

	if (c != NULL) {
		pool = c->next;
		inpool -= CHUNKSZ;
	} else
		c = dm_xmalloc(sizeof *c);
	c->next = NULL;
	c->len = 0;
	inmem += CHUNKSZ;
	return c;
}

static void
chunk_free(struct dm_chunk *c)
{
	inmem -= CHUNKSZ;
	if (inmem + inpool + CHUNKSZ <= budget) {
		c->next = pool;
		pool = c;
		inpool += CHUNKSZ;
	} else
		free(c);
}

void
dm_held_budget(size_t n)
{
	budget = n;
}

static const char *
tmpdir(void)
{
	const char *d = getenv("TMPDIR");

	return d && *d ? d : "/tmp";
}

int
dm_fd_writeall(int fd, const char *p, size_t n)
{
	ssize_t k;

	while (n > 0) {
		if ((k = write(fd, p, n)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

/* Moves h's chunks into a new unlinked file: O_TMPFILE never has a name,
 * and the mkstemp fallback loses it at once, so a killed dm-run leaves
 * nothing behind. */
static int
spill(struct dm_held *h)
{
	struct dm_buf path = DM_BUF_INIT;
	struct dm_chunk *c;
	int fd;

	fd = open(tmpdir(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0) {
		dm_buf_addf(&path, "%s/dm-run.XXXXXX", tmpdir());
		if ((fd = mkostemp(path.buf, O_CLOEXEC)) >= 0)
			unlink(path.buf);
		dm_buf_free(&path);
	}
	if (fd < 0) {
		dm_warnx_errno("%s: cannot make a temporary file", tmpdir());
		return -1;
	}
	while ((c = h->head) != NULL) {
		if (dm_fd_writeall(fd, c->data, c->len) < 0) {
			dm_warnx_errno("%s: write error", tmpdir());
			close(fd);
			return -1;
		}
		h->head = c->next;
		chunk_free(c);
	}
	h->tail = NULL;
	h->fd = fd;
	return 0;
}

long
dm_held_fill(struct dm_held *h, int fd)
{
	struct dm_chunk *c;
	ssize_t n;

	if (h->fd < 0 && (h->tail == NULL || h->tail->len == CHUNKSZ) &&
	    inmem + CHUNKSZ > budget && spill(h) < 0)
		return -2;
	if (h->fd >= 0) {
		if (scratch == NULL)
			scratch = dm_xmalloc(COPYSZ);
		if ((n = read(fd, scratch, COPYSZ)) <= 0)
			return (long)n;
		if (dm_fd_writeall(h->fd, scratch, (size_t)n) < 0) {
			dm_warnx_errno("%s: write error", tmpdir());
			return -2;
		}
		h->len += (unsigned long long)n;
		return (long)n;
	}
	if (h->tail == NULL || h->tail->len == CHUNKSZ) {
		c = chunk_new();
		if (h->tail)
			h->tail->next = c;
		else
			h->head = c;
		h->tail = c;
	}
	c = h->tail;
	if ((n = read(fd, c->data + c->len, CHUNKSZ - c->len)) <= 0)
		return (long)n;
	c->len += (size_t)n;
	h->len += (unsigned long long)n;
	return (long)n;
}

int
dm_held_write(struct dm_held *h, int fd)
{
	struct iovec iov[64];
	struct dm_chunk *c = h->head;
	size_t coff = 0, n;
	ssize_t k;
	off_t pos = 0;
	int i;

	if (h->fd >= 0) {
		while ((unsigned long long)pos < h->len) {
			k = sendfile(fd, h->fd, &pos, h->len - (unsigned long long)pos);
			if (k > 0)
				continue;
			if (k < 0 && errno == EINTR)
				continue;
			if (k < 0 && (errno == EINVAL || errno == ENOSYS))
				break;
			return -1;
		}
		/* sendfile cannot write to every kind of file: copy the rest */
		while ((unsigned long long)pos < h->len) {
			if (scratch == NULL)
				scratch = dm_xmalloc(COPYSZ);
			k = pread(h->fd, scratch, COPYSZ, pos);
			if (k < 0 && errno == EINTR)
				continue;
			if (k <= 0)
				return -1;
			if (dm_fd_writeall(fd, scratch, (size_t)k) < 0)
				return -1;
			pos += k;
		}
		return 0;
	}
	while (c != NULL) {
		struct dm_chunk *p = c;
		size_t poff = coff;

		for (i = 0; p != NULL && i < 64; p = p->next, poff = 0) {
			if (p->len > poff) {
				iov[i].iov_base = p->data + poff;
				iov[i].iov_len = p->len - poff;
				i++;
			}
		}
		if (i == 0)
			break;
		if ((k = writev(fd, iov, i)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		for (n = (size_t)k; c != NULL && n >= c->len - coff; c = c->next) {
			n -= c->len - coff;
			coff = 0;
		}
		coff += n;
	}
	return 0;
}

void
dm_held_clear(struct dm_held *h)
{
	struct dm_chunk *c;

	while ((c = h->head) != NULL) {
		h->head = c->next;
		chunk_free(c);
	}
	if (h->fd >= 0)
		close(h->fd);
	h->tail = NULL;
	h->len = 0;
	h->fd = -1;
}
