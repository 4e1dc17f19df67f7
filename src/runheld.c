/* runheld.c - dm-run's job output, held until it is wanted */
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/uio.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run.h"

#define CHUNKSZ	(256 * 1024)
#define SLABSZ	(2 * 1024 * 1024)	/* a huge page of chunks */
#define COPYSZ	(1024 * 1024)

struct dm_chunk {
	struct dm_chunk	*next;
	size_t		 len;
	char		*data;		/* CHUNKSZ bytes of a slab */
};

static size_t budget = 64 * 1024 * 1024;
static size_t inmem;		/* chunk bytes used by all held outputs */
static char *scratch;		/* COPYSZ bytes, for spilled output */
/* Chunks let go of, kept for the next outputs: fresh memory costs a page
 * fault a page, more than the copy into it. Their data comes in slabs
 * that are never given back, as fill never holds more than the budget. */
static struct dm_chunk *pool;

/*
 * A slab of chunks, aligned on a huge page and asking for one: output
 * held from a pipe is copied by the kernel into memory that is not in
 * the cache, and with small pages each copy of a page also misses the
 * TLB; a huge page makes the reads of held output about twice cheaper.
 * NULL when no memory is to be had.
 */
static char *
slab_new(void)
{
	char *p, *a;
	size_t lead;

	p = mmap(NULL, 2 * SLABSZ, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	a = (char *)(((uintptr_t)p + SLABSZ - 1) & ~(uintptr_t)(SLABSZ - 1));
	lead = (size_t)(a - p);
	if (lead > 0)
		munmap(p, lead);
	munmap(a + SLABSZ, SLABSZ - lead);
#ifdef MADV_HUGEPAGE
	(void)madvise(a, SLABSZ, MADV_HUGEPAGE);
#endif
	return a;
}

static struct dm_chunk *
chunk_new(void)
{
	struct dm_chunk *c;
	char *slab;
	size_t i;

	if (pool == NULL) {
		if ((slab = slab_new()) == NULL)
			dm_die("out of memory");
		for (i = 0; i < SLABSZ / CHUNKSZ; i++) {
			c = dm_xmalloc(sizeof *c);
			c->data = slab + i * CHUNKSZ;
			c->next = pool;
			pool = c;
		}
	}
	c = pool;
	pool = c->next;
	c->next = NULL;
	c->len = 0;
	inmem += CHUNKSZ;
	return c;
}

static void
chunk_free(struct dm_chunk *c)
{
	inmem -= CHUNKSZ;
	c->next = pool;
	pool = c;
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
dm_fd_copyfile(const char *from, int fd, const char *to)
{
	char buf[65536];
	ssize_t n;
	int in, rc = 1;

	if ((in = open(from, O_RDONLY | O_CLOEXEC)) < 0) {
		if (errno == ENOENT)
			return 0;
		dm_warnx_errno("%s", from);
		return -1;
	}
	while ((n = read(in, buf, sizeof buf)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			dm_warnx_errno("%s", from);
			rc = -1;
			break;
		}
		if (dm_fd_writeall(fd, buf, (size_t)n) < 0) {
			dm_warnx_errno("%s: write error", to);
			rc = -1;
			break;
		}
	}
	close(in);
	return rc;
}

/*
 * After EAGAIN from a write to fd: a descriptor we were given non-
 * blocking (O_NONBLOCK is the open file's, shared with whoever set it, so
 * it stays) is waited on until it takes bytes again, as a blocking one
 * would be: 0, or -1 with errno.
 */
static int
waitout(int fd)
{
	struct pollfd pf;

	pf.fd = fd;
	pf.events = POLLOUT;
	if (poll(&pf, 1, -1) < 0 && errno != EINTR)
		return -1;
	return 0;
}

static int
again(void)
{
	return errno == EAGAIN || errno == EWOULDBLOCK;
}

int
dm_fd_writeall(int fd, const char *p, size_t n)
{
	ssize_t k;

	while (n > 0) {
		if ((k = write(fd, p, n)) < 0) {
			if (errno == EINTR)
				continue;
			if (again() && waitout(fd) == 0)
				continue;
			return -1;
		}
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

/* A new unlinked file in $TMPDIR, or -1 with errno: O_TMPFILE never has
 * a name, and the mkstemp fallback loses it at once, so a killed dm-run
 * leaves nothing behind. */
static int
tmpfile_new(void)
{
	struct dm_buf path = DM_BUF_INIT;
	int fd;

	fd = open(tmpdir(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0) {
		dm_buf_addf(&path, "%s/dm-run.XXXXXX", tmpdir());
		if ((fd = mkostemp(path.buf, O_CLOEXEC)) >= 0)
			unlink(path.buf);
		dm_buf_free(&path);
	}
	return fd;
}

int
dm_held_file(struct dm_held *h, unsigned long long room)
{
	struct statvfs sv;

	if (h->fd >= 0 || h->head != NULL || h->len > 0 ||
	    statvfs(tmpdir(), &sv) < 0 ||
	    (unsigned long long)sv.f_bavail * sv.f_frsize < room)
		return -1;
	return h->fd = tmpfile_new();
}

int
dm_held_filed(struct dm_held *h)
{
	struct stat st;

	if (h->fd < 0 || h->head != NULL)
		return 0;
	if (fstat(h->fd, &st) < 0) {
		dm_warnx_errno("%s: a job's output", tmpdir());
		return -1;
	}
	h->len = (unsigned long long)st.st_size;
	return 0;
}

/* Moves h's chunks into a new unlinked file. */
static int
spill(struct dm_held *h)
{
	struct dm_chunk *c;
	int fd;

	if ((fd = tmpfile_new()) < 0) {
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

/* Copies n bytes of the spill file from *pos to fd: 0, or -1 with errno.
 * A non-blocking fd that is full is waited on, or with nowait, -1 with
 * EAGAIN, *pos past the bytes written. */
static int
spillcopy(struct dm_held *h, int fd, off_t *pos, size_t n, int nowait)
{
	off_t end = *pos + (off_t)n;
	ssize_t k;

	while (*pos < end) {
		k = sendfile(fd, h->fd, pos, (size_t)(end - *pos));
		if (k > 0)
			continue;
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0 && again()) {
			if (nowait || waitout(fd) < 0)
				return -1;
			continue;
		}
		if (k < 0 && (errno == EINVAL || errno == ENOSYS))
			break;
		return -1;
	}
	/* sendfile cannot write to every kind of file: copy the rest */
	while (*pos < end) {
		if (scratch == NULL)
			scratch = dm_xmalloc(COPYSZ);
		k = pread(h->fd, scratch, (size_t)(end - *pos) < COPYSZ ?
		    (size_t)(end - *pos) : COPYSZ, *pos);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		if (dm_fd_writeall(fd, scratch, (size_t)k) < 0)
			return -1;
		*pos += k;
	}
	return 0;
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

	if (h->fd >= 0)
		return spillcopy(h, fd, &pos, (size_t)h->len, 0);
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
			if (again() && waitout(fd) == 0)
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

int
dm_held_emit(struct dm_held *h, int fd, size_t max)
{
	struct iovec iov[64];
	struct dm_chunk *c;
	size_t n, want;
	ssize_t k;
	off_t pos;
	int i;

	if (h->fd >= 0) {
		pos = (off_t)h->done;
		want = h->len - h->done < max ? (size_t)(h->len - h->done) : max;
		k = spillcopy(h, fd, &pos, want, 1);
		h->done = (unsigned long long)pos;
		/* full for now: the caller polls fd for room */
		if (k < 0 && again())
			return 0;
		if (k < 0)
			return -1;
		return h->done == h->len;
	}
	while (max > 0) {
		/* chunks with nothing left (or nothing at all) go first */
		while ((c = h->head) != NULL && c->len <= h->hoff) {
			h->head = c->next;
			h->hoff = 0;
			chunk_free(c);
		}
		if (h->head == NULL)
			break;
		want = 0;
		for (i = 0, c = h->head, n = h->hoff; c != NULL && i < 64 &&
		    want < max; c = c->next, n = 0) {
			if (c->len <= n)
				continue;
			iov[i].iov_base = c->data + n;
			iov[i].iov_len = c->len - n < max - want ?
			    c->len - n : max - want;
			want += iov[i].iov_len;
			i++;
		}
		if ((k = writev(fd, iov, i)) < 0) {
			if (errno == EINTR)
				continue;
			/* full for now: the caller polls fd for room */
			if (again())
				break;
			return -1;
		}
		max -= (size_t)k;
		h->done += (unsigned long long)k;
		for (n = (size_t)k; (c = h->head) != NULL &&
		    n >= c->len - h->hoff; ) {
			n -= c->len - h->hoff;
			h->hoff = 0;
			h->head = c->next;
			chunk_free(c);
		}
		h->hoff += n;
	}
	if (h->head == NULL)
		h->tail = NULL;
	return h->head == NULL;
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
	h->done = 0;
	h->hoff = 0;
}
