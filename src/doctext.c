/* doctext.c - block-structured text out of documents, and the XML library's name */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlversion.h>
#include <libxml/parser.h>

#include "dm.h"
#include "extract.h"

const char *
dm_xml_library(void)
{
	static char s[32];
	int v;

	if (s[0] == '\0') {
		/* "20914": the version of the library loaded, not the headers */
		v = atoi(xmlParserVersion);
		snprintf(s, sizeof s, "libxml2 %d.%d.%d", v / 10000,
		    v / 100 % 100, v % 100);
	}
	return s;
}

/* ---- block-structured text ---- */

void
dm_doctext_init(struct dm_doctext *t, const struct dm_extractopt *o)
{
	memset(t, 0, sizeof *t);
	t->b = (struct dm_buf)DM_BUF_INIT;
	if (o) {
		t->max = o->maxout;
		t->deadline = o->timeout > 0 ? dm_now() + o->timeout : 0;
	}
}

static int
room(struct dm_doctext *t, size_t n)
{
	if (t->over)
		return 0;
	if (t->max && t->b.len + n > t->max) {
		t->over = 1;
		return 0;
	}
	return 1;
}

/* A line ends when a block ended and text follows. */
static void
flush(struct dm_doctext *t)
{
	if (t->nl) {
		if (t->b.len > 0 && t->b.buf[t->b.len - 1] != '\n')
			dm_buf_addc(&t->b, '\n');
		t->nl = t->sp = 0;
	} else if (t->sp) {
		if (t->b.len > 0 && t->b.buf[t->b.len - 1] != '\n')
			dm_buf_addc(&t->b, ' ');
		t->sp = 0;
	}
}

void
dm_doctext_add(struct dm_doctext *t, const char *s, size_t n, int collapse)
{
	size_t i, j;

	if (!room(t, n + 1))
		return;
	if (!collapse) {
		if (n == 0)
			return;
		flush(t);
		dm_buf_add(&t->b, s, n);
		return;
	}
	for (i = 0; i < n; i = j) {
		if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' ||
		    s[i] == '\r' || s[i] == '\f') {
			t->sp = 1;
			j = i + 1;
			continue;
		}
		for (j = i; j < n && s[j] != ' ' && s[j] != '\t' &&
		    s[j] != '\n' && s[j] != '\r' && s[j] != '\f'; j++)
			;
		flush(t);
		dm_buf_add(&t->b, s + i, j - i);
	}
}

void
dm_doctext_block(struct dm_doctext *t)
{
	t->nl = 1;
	t->sp = 0;
}

void
dm_doctext_br(struct dm_doctext *t)
{
	if (!room(t, 2))
		return;
	if (t->nl && t->b.len > 0 && t->b.buf[t->b.len - 1] != '\n')
		dm_buf_addc(&t->b, '\n');
	if (t->b.len > 0)
		dm_buf_addc(&t->b, '\n');
	t->nl = t->sp = 0;
}

int
dm_doctext_over(struct dm_doctext *t, const struct dm_extractopt *o,
    struct dm_buf *err)
{
	if (!t->over && t->deadline > 0 && (++t->tick & 255) == 0 &&
	    dm_now() > t->deadline)
		t->over = t->late = 1;
	if (!t->over)
		return 0;
	if (err) {
		if (t->late)
			dm_buf_addf(err, "time limit of %g s passed",
			    o ? o->timeout : 0.0);
		else
			dm_buf_addf(err, "more than %zu bytes of text",
			    t->max);
	}
	return 1;
}

void
dm_doctext_end(struct dm_doctext *t)
{
	struct dm_buf fixed = DM_BUF_INIT;

	while (t->b.len > 0 && (t->b.buf[t->b.len - 1] == '\n' ||
	    t->b.buf[t->b.len - 1] == ' ' || t->b.buf[t->b.len - 1] == '\t'))
		t->b.buf[--t->b.len] = '\0';
	/* the contract is UTF-8: a parser may pass on bytes of a document
	 * that lies about its encoding; they become U+FFFD */
	if (dm_utf8_check(t->b.buf, t->b.len) != t->b.len) {
		dm_utf8_fix(&fixed, t->b.buf, t->b.len);
		dm_buf_free(&t->b);
		t->b = fixed;
	}
}

void
dm_doctext_free(struct dm_doctext *t)
{
	dm_buf_free(&t->b);
}
