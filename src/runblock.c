/* runblock.c - dm-run's input, cut into blocks of whole lines */
#include <stdlib.h>
#include <string.h>

#include "run.h"

#define READSZ	(256 * 1024)

void
dm_cutter_init(struct dm_cutter *c, struct dm_reader *r, size_t size,
    unsigned long long lines)
{
	memset(c, 0, sizeof *c);
	c->r = r;
	c->size = size ? size : 1;
	c->lines = lines;
}

/* A fresh buffer holding rest: room for a whole block and one read, so that
 * a block of --block bytes is handed over without being copied. */
static void
newbuf(struct dm_cutter *c, const char *rest, size_t n)
{
	size_t cap = c->lines ? 4 * READSZ : c->size + READSZ;

	if (cap < n + READSZ)
		cap = n + READSZ;
	c->buf = dm_xmalloc(cap);
	memcpy(c->buf, rest, n);
	c->cap = cap;
	c->len = n;
	c->start = 0;
}

int
dm_cutter_fd(const struct dm_cutter *c)
{
	const struct dm_reader *r = c->r;

	if (r->fd < 0 || r->ar != NULL || r->start < r->end || r->eof)
		return -1;
	return r->fd;
}

int
dm_cutter_read(struct dm_cutter *c)
{
	size_t n;

	if (c->eof)
		return 0;
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
	n = dm_reader_read(c->r, c->buf + c->len, c->cap - c->len);
	if (n == 0) {
		c->eof = 1;
		return 0;
	}
	c->len += n;
	return 1;
}

int
dm_cutter_next(struct dm_cutter *c, struct dm_block *b)
{
	size_t avail, cut, from;
	char *p, *q;

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
	if (c->start == 0 && b->len >= c->cap / 2) {
		/* Most of the buffer: hand it over, keep the rest. */
		b->buf = c->buf;
		newbuf(c, b->buf + cut, c->len - cut);
	} else {
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
}
