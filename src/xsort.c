/* xsort.c - sorting fixed-size records in bounded memory, spilling runs */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dedup.h"

#define RUNBUF	(256 * 1024)	/* bytes read from a run at a time */
#define MEMRUN	(4 * 1024 * 1024)	/* bytes sorted at a time in memory */
#define FIRSTBUF (1024 * 1024)	/* the buffer's first size; it doubles */
#define MAXWAY	128		/* runs merged at a time, at most */

/*
 * The runs are pieces of one unlinked file, so that their number is not
 * bound by the open files allowed; more runs than the memory has room for
 * the RUNBUF of each are merged a group at a time into longer runs in a
 * new file, so that the merge takes --memory whatever their number.
 */
struct dm_xrun {
	unsigned long long off;		/* where its unread records start */
	unsigned long long left;	/* records not yet read into buf */
	char		*buf;
	size_t		 n, pos, cap;	/* records in buf, next, room */
};

void
dm_xsort_init(struct dm_xsort *x, size_t recsz, size_t mem, const char *tmpdir)
{
	memset(x, 0, sizeof *x);
	x->recsz = recsz;
	x->cap = mem / recsz;
	if (x->cap < 1024)
		x->cap = 1024;
	x->tmpdir = tmpdir;
	x->fd = -1;
}

static void
swaprec(char *a, char *b, size_t n)
{
	uint64_t t, u;
	unsigned char c;

	/* words of 8 bytes, the copies inlined: a call of memcpy a record
	 * made the sort slower than qsort */
	for (; n >= 8; a += 8, b += 8, n -= 8) {
		memcpy(&t, a, 8);
		memcpy(&u, b, 8);
		memcpy(a, &u, 8);
		memcpy(b, &t, 8);
	}
	for (; n > 0; a++, b++, n--) {
		c = (unsigned char)*a;
		*a = *b;
		*b = (char)c;
	}
}

/* memcmp's order; the first 8 bytes compared as one big-endian word */
static inline int
cmprec(const char *a, const char *b, size_t sz)
{
	uint64_t x, y;

	if (sz >= 8) {
		memcpy(&x, a, 8);
		memcpy(&y, b, 8);
		if (x != y) {
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
			x = __builtin_bswap64(x);
			y = __builtin_bswap64(y);
#endif
			return x < y ? -1 : 1;
		}
	}
	return memcmp(a, b, sz);
}

/* Sifts record i down the max-heap of the first n at v. */
static void
siftrec(char *v, size_t i, size_t n, size_t sz)
{
	size_t j;

	for (; (j = 2 * i + 1) < n; i = j) {
		if (j + 1 < n && cmprec(v + (j + 1) * sz, v + j * sz, sz) > 0)
			j++;
		if (cmprec(v + i * sz, v + j * sz, sz) >= 0)
			return;
		swaprec(v + i * sz, v + j * sz, sz);
	}
}

/*
 * Sorts n records of sz bytes by memcmp, in place: glibc's qsort copies an
 * array of small records whole, which took a second --memory as a spill
 * sorted. Quicksort on the median of three, heapsort below too deep a
 * recursion, insertion for short ranges. Equal records are the same bytes:
 * the order of ties does not show.
 */
static void
sortrecs(char *v, size_t n, size_t sz, int depth)
{
	size_t i, j, m;

	while (n > 16) {
		if (depth-- == 0) {
			for (i = n / 2; i-- > 0; )
				siftrec(v, i, n, sz);
			for (m = n; m-- > 1; ) {
				swaprec(v, v + m * sz, sz);
				siftrec(v, 0, m, sz);
			}
			return;
		}
		m = n / 2;
		if (cmprec(v + m * sz, v, sz) < 0)
			swaprec(v + m * sz, v, sz);
		if (cmprec(v + (n - 1) * sz, v + m * sz, sz) < 0) {
			swaprec(v + (n - 1) * sz, v + m * sz, sz);
			if (cmprec(v + m * sz, v, sz) < 0)
				swaprec(v + m * sz, v, sz);
		}
		/* the pivot first, then Sedgewick's partition: both scans
		 * stop on equal records, which splits runs of them evenly */
		swaprec(v, v + m * sz, sz);
		for (i = 0, j = n;; ) {
			while (++i < n && cmprec(v + i * sz, v, sz) < 0)
				;
			while (cmprec(v, v + --j * sz, sz) < 0)
				;
			if (i >= j)
				break;
			swaprec(v + i * sz, v + j * sz, sz);
		}
		swaprec(v, v + j * sz, sz);
		/* the smaller side first, the larger one by the loop */
		if (j < n - j - 1) {
			sortrecs(v, j, sz, depth);
			v += (j + 1) * sz;
			n -= j + 1;
		} else {
			sortrecs(v + (j + 1) * sz, n - j - 1, sz, depth);
			n = j;
		}
	}
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && cmprec(v + (j - 1) * sz, v + j * sz,
		    sz) > 0; j--)
			swaprec(v + (j - 1) * sz, v + j * sz, sz);
}

static void
sortbuf(char *v, size_t n, size_t sz)
{
	sortrecs(v, n, sz, 2 * 64);
}

static void
xwrite(struct dm_xsort *x, int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, p, n)) < 0) {
			if (errno == EINTR)
				continue;
			dm_die("%s: write error: %s", x->tmpdir, strerror(errno));
		}
		p += w;
		n -= (size_t)w;
	}
}

/* An unlinked file in tmpdir, so that nothing is left behind. */
static int
runfile(struct dm_xsort *x)
{
	struct dm_buf path = DM_BUF_INIT;
	int fd;

	dm_buf_addf(&path, "%s/dm-dedup.XXXXXX", x->tmpdir);
	if ((fd = mkstemp(path.buf)) < 0)
		dm_die("%s: %s", x->tmpdir, strerror(errno));
	unlink(path.buf);
	dm_buf_free(&path);
	return fd;
}

/* Appends a run of n records (off: where it starts) to runs. */
static void
addrun(struct dm_xrun **runs, size_t *nruns, unsigned long long off,
    unsigned long long n)
{
	struct dm_xrun *r;

	*runs = dm_xreallocarray(*runs, *nruns + 1, sizeof **runs);
	r = &(*runs)[(*nruns)++];
	memset(r, 0, sizeof *r);
	r->off = off;
	r->left = n;
}

static void
spill(struct dm_xsort *x)
{
	sortbuf(x->buf, x->n, x->recsz);
	if (x->fd < 0)
		x->fd = runfile(x);
	xwrite(x, x->fd, x->buf, x->n * x->recsz);
	addrun(&x->runs, &x->nruns, x->fsize, x->n);
	x->fsize += (unsigned long long)x->n * x->recsz;
	x->n = 0;
}

void
dm_xsort_add(struct dm_xsort *x, const void *rec)
{
	/* The buffer grows to cap as records come: a small input does not
	 * take (and, under AddressSanitizer, poison) the whole --memory. */
	if (x->n == x->room && x->room < x->cap) {
		x->room = x->room ? x->room * 2 : FIRSTBUF / x->recsz;
		if (x->room < 1024)
			x->room = 1024;
		if (x->room > x->cap)
			x->room = x->cap;
		x->buf = dm_xreallocarray(x->buf, x->room, x->recsz);
	}
	if (x->n == x->cap)
		spill(x);
	memcpy(x->buf + x->n * x->recsz, rec, x->recsz);
	x->n++;
	x->total++;
}

/* Refills a run's buffer; 0 when the run is exhausted. */
static int
refill(struct dm_xsort *x, struct dm_xrun *r)
{
	size_t want, got = 0;
	ssize_t n;

	if (r->left == 0)
		return 0;
	want = r->cap < r->left ? r->cap : (size_t)r->left;
	while (got < want * x->recsz) {
		n = pread(x->fd, r->buf + got, want * x->recsz - got,
		    (off_t)(r->off + got));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			dm_die("%s: read error: %s", x->tmpdir,
			    n < 0 ? strerror(errno) : "run file truncated");
		got += (size_t)n;
	}
	r->n = want;
	r->pos = 0;
	r->left -= want;
	r->off += got;
	return 1;
}

static const char *
head(struct dm_xsort *x, size_t i)
{
	struct dm_xrun *r = &x->runs[i];

	return r->buf + r->pos * x->recsz;
}

static int
less(struct dm_xsort *x, size_t a, size_t b)
{
	int c = memcmp(head(x, a), head(x, b), x->recsz);

	/* equal records: the earlier run first, so the order is stable */
	return c < 0 || (c == 0 && a < b);
}

static void
sift(struct dm_xsort *x, size_t i)
{
	size_t l, m, t;

	for (;;) {
		l = 2 * i + 1;
		m = i;
		if (l < x->nheap && less(x, x->heap[l], x->heap[m]))
			m = l;
		if (l + 1 < x->nheap && less(x, x->heap[l + 1], x->heap[m]))
			m = l + 1;
		if (m == i)
			return;
		t = x->heap[i];
		x->heap[i] = x->heap[m];
		x->heap[m] = t;
		i = m;
	}
}

/*
 * Everything fitted in memory: the buffer is sorted a cache-sized slice at
 * a time and the slices are merged as spilled runs are, their records read
 * where they lie.  One qsort of the whole buffer moves every record through
 * main memory at each of its passes, and took half as long again on the
 * bench corpus as the spilling path.
 */
static void
memruns(struct dm_xsort *x)
{
	size_t per, lo, m, i;

	per = MEMRUN / x->recsz;
	if (per < 1024)
		per = 1024;
	x->nruns = (x->n + per - 1) / per;
	x->runs = dm_xreallocarray(NULL, x->nruns, sizeof *x->runs);
	x->heap = dm_xreallocarray(NULL, x->nruns, sizeof *x->heap);
	for (i = 0, lo = 0; lo < x->n; i++, lo += per) {
		struct dm_xrun *r = &x->runs[i];

		m = x->n - lo < per ? x->n - lo : per;
		sortbuf(x->buf + lo * x->recsz, m, x->recsz);
		memset(r, 0, sizeof *r);	/* in memory: nothing to refill */
		r->buf = x->buf + lo * x->recsz;
		r->n = m;
		x->heap[x->nheap++] = i;
	}
	for (i = x->nheap; i-- > 0; )
		sift(x, i);
	x->merging = 1;
}

/*
 * Merges the runs way at a time into a new file, each group one run: the
 * memory is shared by their read buffers and the one written.
 */
static void
mergepass(struct dm_xsort *x, size_t way)
{
	struct dm_xrun *out = NULL, *r;
	unsigned long long fsize = 0, count;
	size_t per, nout = 0, lo, hi, i, on;
	char *obuf, *bufs;
	int fd;

	per = x->cap / (way + 1);
	fd = runfile(x);
	obuf = dm_xreallocarray(NULL, per, x->recsz);
	bufs = dm_xreallocarray(NULL, way * per, x->recsz);
	for (lo = 0; lo < x->nruns; lo = hi) {
		hi = x->nruns - lo < way ? x->nruns : lo + way;
		for (x->nheap = 0, i = lo; i < hi; i++) {
			r = &x->runs[i];
			r->buf = bufs + (i - lo) * per * x->recsz;
			r->cap = per;
			if (refill(x, r))
				x->heap[x->nheap++] = i;
		}
		for (i = x->nheap; i-- > 0; )
			sift(x, i);
		for (count = 0, on = 0; x->nheap > 0; ) {
			r = &x->runs[x->heap[0]];
			memcpy(obuf + on * x->recsz, r->buf + r->pos * x->recsz,
			    x->recsz);
			if (++on == per) {
				xwrite(x, fd, obuf, on * x->recsz);
				count += on;
				on = 0;
			}
			if (++r->pos == r->n && !refill(x, r))
				x->heap[0] = x->heap[--x->nheap];
			sift(x, 0);
		}
		xwrite(x, fd, obuf, on * x->recsz);
		count += on;
		addrun(&out, &nout, fsize, count);
		fsize += count * x->recsz;
	}
	free(obuf);
	free(bufs);
	close(x->fd);
	x->fd = fd;
	x->fsize = fsize;
	free(x->runs);
	x->runs = out;
	x->nruns = nout;
}

void
dm_xsort_finish(struct dm_xsort *x)
{
	size_t i, per, way;

	if (x->nruns == 0) {
		x->pos = 0;
		if (x->n > MEMRUN / x->recsz && x->n > 1024)
			memruns(x);
		else if (x->n)
			sortbuf(x->buf, x->n, x->recsz);
		return;
	}
	if (x->n)
		spill(x);
	free(x->buf);
	x->buf = NULL;
	x->room = 0;
	/* as many runs as the memory has room for RUNBUF of each */
	way = x->cap * x->recsz / RUNBUF;
	if (way > MAXWAY)
		way = MAXWAY;
	if (way < 2)
		way = 2;
	x->heap = dm_xreallocarray(NULL, way > x->nruns ? way : x->nruns,
	    sizeof *x->heap);
	while (x->nruns > way)
		mergepass(x, way);
	/* the memory is shared between the runs' read buffers */
	per = x->cap / x->nruns;
	if (per == 0)
		per = 1;
	for (i = 0, x->nheap = 0; i < x->nruns; i++) {
		struct dm_xrun *r = &x->runs[i];

		r->cap = per;
		r->buf = dm_xreallocarray(NULL, per, x->recsz);
		if (refill(x, r))
			x->heap[x->nheap++] = i;
	}
	for (i = x->nheap; i-- > 0; )
		sift(x, i);
	x->merging = 1;
}

const void *
dm_xsort_next(struct dm_xsort *x)
{
	struct dm_xrun *r;
	const char *p;

	if (!x->merging) {
		if (x->pos >= x->n)
			return NULL;
		return x->buf + x->recsz * x->pos++;
	}
	/* the previous record stays valid: its run advances only now */
	if (x->pos) {
		r = &x->runs[x->heap[0]];
		if (++r->pos == r->n && !refill(x, r))
			x->heap[0] = x->heap[--x->nheap];
		sift(x, 0);
	}
	if (x->nheap == 0)
		return NULL;
	x->pos = 1;
	r = &x->runs[x->heap[0]];
	p = r->buf + r->pos * x->recsz;
	return p;
}

void
dm_xsort_free(struct dm_xsort *x)
{
	size_t i;

	for (i = 0; i < x->nruns && x->fd >= 0; i++)
		free(x->runs[i].buf);	/* else slices of buf */
	if (x->fd >= 0)
		close(x->fd);
	free(x->runs);
	free(x->heap);
	free(x->buf);
	memset(x, 0, sizeof *x);
	x->fd = -1;		/* freed twice, it closes nothing */
}
