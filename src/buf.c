/* buf.c - growable byte buffers, always NUL-terminated */
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "dm.h"

char dm_buf_empty[1];

void
dm_buf_init(struct dm_buf *b)
{
	b->buf = dm_buf_empty;
	b->len = 0;
	b->cap = 0;
}

void
dm_buf_grow(struct dm_buf *b, size_t extra)
{
	size_t need, cap;

	if (extra >= SIZE_MAX - b->len - 1)
		dm_die("out of memory");
	need = b->len + extra + 1;
	if (need <= b->cap)
		return;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap < SIZE_MAX / 2 ? cap * 2 : need;
	if (b->cap == 0) {
		b->buf = dm_xmalloc(cap);
		b->buf[0] = '\0';
	} else
		b->buf = dm_xrealloc(b->buf, cap);
	b->cap = cap;
}

void
dm_buf_add(struct dm_buf *b, const void *p, size_t n)
{
	if (n == 0)
		return;
	dm_buf_grow(b, n);
	memcpy(b->buf + b->len, p, n);
	b->len += n;
	b->buf[b->len] = '\0';
}

void
dm_buf_addc(struct dm_buf *b, int c)
{
	if (b->len + 1 >= b->cap)
		dm_buf_grow(b, 1);
	b->buf[b->len++] = (char)c;
	b->buf[b->len] = '\0';
}

void
dm_buf_adds(struct dm_buf *b, const char *s)
{
	dm_buf_add(b, s, strlen(s));
}

void
dm_buf_addf(struct dm_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	/* an empty buffer has no storage: measure only (NULL + 0 is UB) */
	n = vsnprintf(b->cap ? b->buf + b->len : NULL,
	    b->cap ? b->cap - b->len : 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= (b->cap ? b->cap - b->len : 0)) {
		dm_buf_grow(b, (size_t)n);
		va_start(ap, fmt);
		vsnprintf(b->buf + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

void
dm_buf_setlen(struct dm_buf *b, size_t len)
{
	if (b->cap == 0) {
		if (len != 0)
			dm_die("dm_buf_setlen: beyond capacity");
		return;
	}
	if (len >= b->cap)
		dm_die("dm_buf_setlen: beyond capacity");
	b->len = len;
	b->buf[len] = '\0';
}

void
dm_buf_reset(struct dm_buf *b)
{
	dm_buf_setlen(b, 0);
}

void
dm_buf_free(struct dm_buf *b)
{
	if (b->cap)
		free(b->buf);
	dm_buf_init(b);
}

void
dm_buf_swap(struct dm_buf *a, struct dm_buf *b)
{
	struct dm_buf t = *a;

	*a = *b;
	*b = t;
}

char *
dm_buf_detach(struct dm_buf *b, size_t *len)
{
	char *p = b->cap ? b->buf : dm_xstrdup("");

	if (len)
		*len = b->len;
	dm_buf_init(b);
	return p;
}

void
dm_buf_addquoted(struct dm_buf *b, const char *s, size_t n, size_t max)
{
	size_t i = 0;
	int32_t cp;
	int k;

	while (i < n) {
		unsigned char c = (unsigned char)s[i];

		if (i >= max) {
			dm_buf_adds(b, "...");
			return;
		}
		if (c >= 0x80) {
			k = dm_utf8_decode(s + i, n - i, &cp);
			/* the C1 controls (U+009B opens a terminal's escape
			 * sequence) and the line and paragraph separators
			 * are escaped byte by byte, as the C0 controls */
			if (k > 0 && !(cp >= 0x80 && cp <= 0x9f) &&
			    cp != 0x2028 && cp != 0x2029) {
				dm_buf_add(b, s + i, (size_t)k);
				i += (size_t)k;
				continue;
			}
			if (k > 0) {
				for (; k > 0; k--, i++)
					dm_buf_addf(b, "\\x%02x",
					    (unsigned char)s[i]);
				continue;
			}
			dm_buf_addf(b, "\\x%02x", c);
		} else if (c == '\n')
			dm_buf_adds(b, "\\n");
		else if (c == '\t')
			dm_buf_adds(b, "\\t");
		else if (c == '\r')
			dm_buf_adds(b, "\\r");
		else if (c < 0x20 || c == 0x7f)
			dm_buf_addf(b, "\\x%02x", c);
		else
			dm_buf_addc(b, c);
		i++;
	}
}
