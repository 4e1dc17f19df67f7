/* runblock.c - dm-run's input, cut into blocks of whole lines */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run.h"
#include "simd.h"

#define READSZ	(256 * 1024)
#define WINSZ	(256 * 1024)	/* in place: read around a block's end */
#define SENDMAX	(1024 * 1024)	/* in place: moved into a pipe at once */

void
dm_cutter_init(struct dm_cutter *c, struct dm_reader *r, size_t size,
    unsigned long long lines)
{
	memset(c, 0, sizeof *c);
	c->r = r;
	c->size = size ? size : 1;
	c->lines = lines;
	c->rfd = -1;
	c->sized = -1;
}

/* The line the next block starts with: from the reader's numbering on the
 * first block, which a dm-run in a job of another starts at that job's
 * line (DM_RUN_LINE); the reader has opened its input by then. */
static unsigned long long
blockline(struct dm_cutter *c)
{
	if (c->line == 0)
		c->line = (unsigned long long)c->r->lineno + 1;
	return c->line;
}

/* Buffers of whole blocks let go of, kept for the next ones: fresh memory
 * costs a page fault a page, more than the read into it. */
#define NSPARE	2
static char *spare[NSPARE];
static int nspare;
static size_t sparecap;

void
dm_block_free(char *buf, size_t cap)
{
	if (buf != NULL && cap != 0 && cap == sparecap && nspare < NSPARE)
		spare[nspare++] = buf;
	else
		free(buf);
}

/*
 * Asks for huge pages under the 2 MB-aligned part of a block buffer: the
 * input is copied into it and out of it again, and over megabytes out of
 * the cache, a TLB miss each 4K page costs as much as the copy.
 */
static void
hugeadvise(char *p, size_t n)
{
#ifdef MADV_HUGEPAGE
	const uintptr_t huge = 2 * 1024 * 1024;
	uintptr_t a = ((uintptr_t)p + huge - 1) & ~(huge - 1);
	uintptr_t e = ((uintptr_t)p + n) & ~(huge - 1);

	if (e > a)
		(void)madvise((void *)a, (size_t)(e - a), MADV_HUGEPAGE);
#else
	(void)p;
	(void)n;
#endif
}

/*
 * An input pipe of 64K, the default, makes a poll and a read every 64K;
 * a larger one (as the jobs' pipes) takes a writer's whole writes. A
 * refusal costs nothing: the reads are only smaller.
 */
static void
pipesize(struct dm_cutter *c)
{
	struct stat st;

	c->sized = c->r->fd;
#ifdef F_SETPIPE_SZ
	if (fstat(c->r->fd, &st) == 0 && S_ISFIFO(st.st_mode) &&
	    fcntl(c->r->fd, F_GETPIPE_SZ) < 1024 * 1024)
		(void)fcntl(c->r->fd, F_SETPIPE_SZ, 1024 * 1024);
#else
	(void)st;
#endif
}

/* Blocks larger than this get buffers that grow as they fill: a --block
 * of 64G asked for at once is refused, whatever the input holds. */
#define BIGBLOCK	((size_t)256 * 1024 * 1024)

/* A fresh buffer holding rest: room for a whole block and one read, so that
 * a block of --block bytes is handed over without being copied. */
static void
newbuf(struct dm_cutter *c, const char *rest, size_t n)
{
	size_t cap = c->lines ? 4 * READSZ :
	    (c->size < BIGBLOCK ? c->size : BIGBLOCK) + READSZ;

	sparecap = cap;
	if (cap < n + READSZ)
		cap = n + READSZ;
	if (cap == sparecap && nspare > 0)
		c->buf = spare[--nspare];
	else {
		c->buf = dm_xmalloc(cap);
		hugeadvise(c->buf, cap);
	}
	memcpy(c->buf, rest, n);
	c->cap = cap;
	c->len = n;
	c->start = 0;
}

int
dm_cutter_fd(const struct dm_cutter *c)
{
	const struct dm_reader *r = c->r;

	if (c->rfd >= 0 || r->fd < 0 || r->ar != NULL || r->start < r->end || r->eof)
		return -1;
	return r->fd;
}

/*
 * Standard input may come non-blocking (O_NONBLOCK belongs to the open
 * file, shared with whoever set it): its next read, which the reader
 * would take for an error (EAGAIN), waits until there are bytes or the
 * end, as a blocking read would. The descriptor is left as it is: its
 * flags are the other holders' too. A compressed input's reads are the
 * decompressor's, and a regular file is never waited for.
 */
static void
waitin(const struct dm_cutter *c)
{
	const struct dm_reader *r = c->r;
	struct pollfd pf;
	int fd, fl;

	if (r->ar != NULL || r->start < r->end || r->eof)
		return;
	if (r->fd >= 0)
		fd = r->fd;
	else if (r->next < r->npaths && strcmp(r->paths[r->next], "-") == 0)
		fd = 0;
	else
		return;
	if ((fl = fcntl(fd, F_GETFL)) < 0 || !(fl & O_NONBLOCK))
		return;
	pf.fd = fd;
	pf.events = POLLIN;
	/* a signal ends the wait, as it ends a read (dm_interrupted) */
	while (poll(&pf, 1, -1) < 0 && errno == EINTR && !dm_interrupted)
		;
}

int
dm_cutter_read(struct dm_cutter *c)
{
	size_t n;

	if (c->eof)
		return 0;
	if (c->rfd >= 0) {
		c->eof = c->off >= c->fsize;
		return 0;
	}
	if (c->buf == NULL)
		newbuf(c, "", 0);
	if (c->cap - c->len < READSZ) {
		if (c->start > 0) {
			memmove(c->buf, c->buf + c->start, c->len - c->start);
			c->len -= c->start;
			c->scan -= c->start;
			c->start = 0;
		}
		if (c->cap - c->len < READSZ) {
			c->cap = c->cap * 2 > c->len + READSZ ? c->cap * 2 :
			    c->len + READSZ;
			c->buf = dm_xrealloc(c->buf, c->cap);
		}
	}
	waitin(c);
	n = dm_reader_read(c->r, c->buf + c->len, c->cap - c->len);
	if (n == 0) {
		c->eof = 1;
		return 0;
	}
	if (c->r->fd >= 0 && c->r->fd != c->sized)
		pipesize(c);
	c->len += n;
	return 1;
}

/* ---- in place ---- */

int
dm_cutter_inplace(struct dm_cutter *c)
{
	struct dm_reader *r = c->r;
	struct stat st;
	off_t pos;
	size_t held;
	char ch;

	if (r->npaths != 1)
		return 0;
	if (strcmp(r->paths[0], "-") == 0 ? r->nostdin || fstat(0, &st) < 0 :
	    stat(r->paths[0], &st) < 0)
		return 0;
	if (!S_ISREG(st.st_mode))
		return 0;
	/* Opened by the reader, which tells compressed input; the byte read
	 * is given back below when the input is not read in place. */
	if (dm_reader_read(r, &ch, 1) == 0) {
		c->eof = 1;
		return 0;
	}
	held = r->end - r->start + 1;
	if (r->ar == NULL && r->fd >= 0 && fstat(r->fd, &st) == 0 &&
	    S_ISREG(st.st_mode) && (pos = lseek(r->fd, 0, SEEK_CUR)) >= 0 &&
	    (unsigned long long)pos >= held) {
		c->rfd = r->fd;
		c->base = (unsigned long long)pos - held;
		c->fsize = (unsigned long long)st.st_size > c->base ?
		    (unsigned long long)st.st_size - c->base : 0;
		c->win = dm_xmalloc(WINSZ);
		return 1;
	}
	newbuf(c, &ch, 1);
	return 0;
}

#define BULKMIN	(8 * 1024 * 1024)
#define BULKMAX	(32 * 1024 * 1024)
/*
 * A job that reads its block from the file itself costs a process start
 * and nothing else, so its blocks go up to OWNMAX. Halving them at the end
 * down to a least block (OWNLEAST) made the slots of the bench's four
 * quality predicates end 4-46 ms apart, but with nine jobs for 200 MB on
 * two slots, and each costs about 10 ms of CPU to start and warm up
 * (page faults, caches): 0.60-0.62 s. Its blocks are paced instead: the
 * first ones are cut at once, each next one when a slot frees, as that
 * slot's share of what is left, counting what the running jobs still have
 * to do at the speed of the jobs done so far. Both slots then end
 * together with four to six jobs: 0.57-0.60 s.
 */
#define OWNMAX	(64 * 1024 * 1024)
#define OWNLEAST (1024 * 1024)

void
dm_cutter_guided(struct dm_cutter *c, int slots, int own)
{
	unsigned long long b, max = own ? OWNMAX : BULKMAX;

	if (c->rfd < 0 || slots < 1)
		return;
	b = c->fsize / (2 * (unsigned long long)slots);
	if (b < BULKMIN)
		b = BULKMIN;
	if (b > max)
		b = max;
	c->slots = slots;
	c->bulk = (size_t)b;
	c->least = own ? OWNLEAST : c->bulk / 16;
	c->paced = own;
}

void
dm_cutter_pace(struct dm_cutter *c, unsigned long long ahead)
{
	unsigned long long left = c->fsize > c->off ? c->fsize - c->off : 0;

	c->want = (left + ahead) / (unsigned long long)c->slots;
	if (c->want == 0)
		c->want = 1;
}

/* The most bytes the block starting left bytes before the end holds. */
static size_t
blocksize(const struct dm_cutter *c, unsigned long long left)
{
	unsigned long long n;

	if (c->slots == 0)
		return c->size;
	n = (left + (unsigned long long)c->slots - 1) / (unsigned long long)c->slots;
	if (c->want > 0)
		n = c->want;
	if (n > c->bulk)
		n = c->bulk;
	if (n < c->least)
		n = c->least;
	/* no block much smaller than the others last */
	if (n < left && left - n < c->least / 2)
		n = left;
	return (size_t)n;
}

/* Reads the input at off into c->win: the bytes read, 0 at its end, or -1
 * (reported; the input ends there). */
static ssize_t
winread(struct dm_cutter *c, unsigned long long off, size_t n)
{
	ssize_t k;

	if (off >= c->fsize)
		return 0;
	if (n > c->fsize - off)
		n = (size_t)(c->fsize - off);
	if (n > WINSZ)
		n = WINSZ;
	do
		k = pread(c->rfd, c->win, n, (off_t)(c->base + off));
	while (k < 0 && errno == EINTR && !dm_interrupted);
	if (k > 0)
		return k;
	if (k == 0) {
		dm_cutter_shorter(c);
		errno = 0;
	} else if (!dm_interrupted)
		dm_warnx_errno("%s", c->r->name);
	c->r->nerrors++;
	c->fsize = off;
	return -1;
}

/* The offset after the first newline at or after from, or the end. */
static unsigned long long
lineend(struct dm_cutter *c, unsigned long long from)
{
	ssize_t k;
	char *q;

	while ((k = winread(c, from, WINSZ)) > 0) {
		if ((q = memchr(c->win, '\n', (size_t)k)) != NULL)
			return from + (unsigned long long)(q - c->win) + 1;
		from += (unsigned long long)k;
	}
	return c->fsize < from ? c->fsize : from;
}

/* The offset after the last newline in [from, to), or 0 when none. */
static unsigned long long
lastend(struct dm_cutter *c, unsigned long long from, unsigned long long to)
{
	unsigned long long at;
	ssize_t k;
	char *q;

	while (to > from) {
		at = to - from > WINSZ ? to - WINSZ : from;
		if ((k = winread(c, at, (size_t)(to - at))) < 0)
			return 0;
		if ((unsigned long long)k < to - at)	/* cut short */
			return 0;
		if ((q = memrchr(c->win, '\n', (size_t)k)) != NULL)
			return at + (unsigned long long)(q - c->win) + 1;
		to = at;
	}
	return 0;
}

/*
 * The lines are counted through the window, not mapped: on the bench's
 * machine, pread into a window that stays in the cache counts 200 MB in
 * 25 ms, and a mapping of 4M at a time (page faults, then unmapping) in
 * 115 ms. A read error (reported) ends the input where it happened, as
 * when cutting.
 */
int
dm_cutter_precount(struct dm_cutter *c, unsigned long long off, size_t most)
{
	unsigned long long to;
	ssize_t r;

	(void)blockline(c);
	if (off <= c->cntoff)
		return 0;
	to = off - c->cntoff > most ? c->cntoff + most : off;
	while (c->cntoff < to) {
		r = winread(c, c->cntoff, to - c->cntoff > WINSZ ? WINSZ :
		    (size_t)(to - c->cntoff));
		if (r <= 0)
			return 0;
		c->line += dm_simd_newlines(c->win, (size_t)r);
		c->cntoff += (unsigned long long)r;
	}
	return c->cntoff < off;
}

unsigned long long
dm_cutter_lineat(struct dm_cutter *c, unsigned long long off)
{
	if (off < c->cntoff) {
		c->cntoff = 0;
		c->line = 0;
	}
	while (dm_cutter_precount(c, off, (size_t)-1))
		;
	return c->line;
}

/* The blocks of dm_cutter_next, cut from the file: the same rules, read
 * only where they look. */
static int
nextinplace(struct dm_cutter *c, struct dm_block *b)
{
	unsigned long long start = c->off, cut, n = 0;
	size_t size = blocksize(c, c->fsize - start);
	ssize_t k;
	char *p, *q;

	if (start >= c->fsize || dm_interrupted) {
		c->eof = 1;
		return 0;
	}
	if (c->lines) {
		cut = start;
		for (n = 0; n < c->lines && (k = winread(c, cut, WINSZ)) > 0; ) {
			for (p = c->win; n < c->lines &&
			    (q = memchr(p, '\n', (size_t)(c->win + k - p))) != NULL;
			    p = q + 1)
				n++;
			cut += n < c->lines ? (unsigned long long)k :
			    (unsigned long long)(p - c->win);
		}
		if (cut > c->fsize)
			cut = c->fsize;
	} else if (c->fsize - start < size)
		cut = c->fsize;
	else if ((cut = lastend(c, start, start + size)) == 0)
		/* a line longer than a block is a block by itself */
		cut = lineend(c, start + size);
	if (cut <= start) {	/* a read error ended the input here */
		c->eof = 1;
		return 0;
	}
	b->buf = NULL;
	b->cap = 0;
	b->off = start;
	b->len = (size_t)(cut - start);
	if (!c->count)
		b->line = 0;
	else if (c->lines) {
		b->line = blockline(c);
		c->line += n;
	} else
		b->line = DM_LINE_LATER;
	c->off = cut;
	return 1;
}

ssize_t
dm_cutter_send(const struct dm_cutter *c, int fd, unsigned long long off,
    size_t n)
{
	static int nosplice;
	loff_t pos = (loff_t)(c->base + off);
	ssize_t k;

	if (n > SENDMAX)
		n = SENDMAX;
	if (!nosplice) {
		k = splice(c->rfd, &pos, fd, NULL, n, SPLICE_F_NONBLOCK |
		    SPLICE_F_MOVE);
		if (k >= 0 || errno != EINVAL)
			return k;
		/* a file system that cannot splice: copy */
		nosplice = 1;
	}
	if (n > WINSZ)
		n = WINSZ;
	if ((k = pread(c->rfd, c->win, n, pos)) <= 0)
		return k;
	/* what the pipe does not take now is read again next time */
	return write(fd, c->win, (size_t)k);
}

void
dm_cutter_shorter(struct dm_cutter *c)
{
	if (!c->shorter)
		dm_warn("%s: the file is shorter than when the run began",
		    c->r->name);
	c->shorter = 1;
}

int
dm_cutter_hash(struct dm_cutter *c, unsigned long long off, size_t n,
    uint64_t *h)
{
	struct dm_hash64_state *st = dm_hash64_new();
	ssize_t k;

	/* read through the window, as dm_cutter_precount: a file cut short under it
	 * is a short read (winread says so), not SIGBUS as in a mapping */
	while (n > 0) {
		if ((k = winread(c, off, n)) <= 0) {
			(void)dm_hash64_end(st);
			return -1;
		}
		dm_hash64_add(st, c->win, (size_t)k);
		off += (unsigned long long)k;
		n -= (size_t)k;
	}
	*h = dm_hash64_end(st);
	return 0;
}

int
dm_cutter_next(struct dm_cutter *c, struct dm_block *b)
{
	size_t avail, cut, from;
	char *p, *q;

	if (c->rfd >= 0)
		return nextinplace(c, b);
	if (c->buf == NULL || c->start == c->len)
		return 0;
	p = c->buf + c->start;
	avail = c->len - c->start;
	if (c->scan < c->start)
		c->scan = c->start;
	if (c->lines) {
		for (;;) {
			q = memchr(c->buf + c->scan, '\n', c->len - c->scan);
			if (q == NULL) {
				c->scan = c->len;
				if (!c->eof)
					return 0;
				cut = c->len;
				break;
			}
			c->scan = (size_t)(q - c->buf) + 1;
			if (++c->nl == c->lines) {
				cut = c->scan;
				break;
			}
		}
	} else if (avail < c->size) {
		if (!c->eof)
			return 0;
		cut = c->len;
	} else if ((q = memrchr(p, '\n', c->size)) != NULL) {
		cut = (size_t)(q - c->buf) + 1;
	} else {
		/* A line longer than a block is a block by itself; scan
		 * remembers how far it has been searched. */
		from = c->scan > c->start + c->size ? c->scan : c->start + c->size;
		q = memchr(c->buf + from, '\n', c->len - from);
		if (q == NULL) {
			c->scan = c->len;
			if (!c->eof)
				return 0;
			cut = c->len;
		} else
			cut = (size_t)(q - c->buf) + 1;
	}

	b->off = c->off;
	b->len = cut - c->start;
	b->line = c->count ? blockline(c) : 0;
	if (c->count)
		c->line += c->lines ? c->nl : dm_simd_newlines(p, b->len);
	if (c->start == 0 && b->len >= c->cap / 2) {
		/* Most of the buffer: hand it over, keep the rest. */
		b->buf = c->buf;
		b->cap = c->cap;
		newbuf(c, b->buf + cut, c->len - cut);
	} else {
		b->cap = 0;
		b->buf = dm_xmalloc(b->len ? b->len : 1);
		memcpy(b->buf, c->buf + c->start, b->len);
		c->start = cut;
	}
	c->scan = c->start;
	c->nl = 0;
	c->off += b->len;
	return 1;
}

int
dm_cutter_done(const struct dm_cutter *c)
{
	return c->eof && (c->buf == NULL || c->start == c->len);
}

void
dm_cutter_free(struct dm_cutter *c)
{
	free(c->buf);
	c->buf = NULL;
	free(c->win);
	c->win = NULL;
}
