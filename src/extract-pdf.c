/* extract-pdf.c - the text of a PDF, through poppler's GLib API in a child process */
#include <sys/types.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <poppler.h>

#include "extract.h"
#include "memcap.h"

/*
 * poppler can crash or loop on hostile input, so the document is read in a
 * forked child that only ever uses glib's allocator and _exit (never the
 * parent's stdio, atexit handlers or dm_die). It writes records to a pipe:
 * a tag byte, a 32-bit length, the payload. The parent collects them under
 * the time limit and the output cap, and calls back only when the child
 * finished, so a document gives all its samples or none.
 */
enum {
	REC_TITLE = 't',
	REC_AUTHOR = 'a',
	REC_PAGES = 'n',	/* the number of pages, in decimal */
	REC_TEXT = 'p',		/* a 32-bit page number (0: all), then text */
	REC_ERROR = 'e',	/* the reason */
	REC_DONE = 'd'
};

/* Bytes of records allowed beyond opt->maxout: the child checks the exact
 * cap, the parent only guards against a child gone wrong. */
#define PDF_SLACK	(1 << 20)

/* ---- the child ---- */

struct pdfchild {
	int	 fd;
	char	 msg[160];	/* poppler's last complaint, for "damaged (...)" */
};

/* The document being read, for pdf_log. */
static struct pdfchild *pdf_cur;

/* poppler-glib sends its errors to g_log in domain "Poppler"; nothing
 * reaches stderr, the last one is kept for the reason. */
static void
pdf_log(const gchar *domain, GLogLevelFlags level, const gchar *message,
    gpointer data)
{
	struct pdfchild *c = pdf_cur;
	const char *m = message;
	const char *colon;
	size_t i, n;

	(void)level, (void)data;
	if (!c || !domain || strcmp(domain, "Poppler") != 0 || !m)
		return;
	/* "Syntax error at position -1: Couldn't read xref table" */
	if ((colon = strstr(m, ": ")) && strncmp(m, "Syntax ", 7) == 0)
		m = colon + 2;
	n = strlen(m);
	if (n > sizeof c->msg - 1)
		n = sizeof c->msg - 1;
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)m[i];

		c->msg[i] = ch < 0x20 || ch >= 0x7f ? '?' :
		    (char)ch;
	}
	c->msg[n] = '\0';
	/* "Couldn't ..." -> "couldn't ...", but "XRef ..." stays */
	if (c->msg[0] >= 'A' && c->msg[0] <= 'Z' &&
	    !(c->msg[1] >= 'A' && c->msg[1] <= 'Z'))
		c->msg[0] = (char)(c->msg[0] - 'A' + 'a');
}

static GLogWriterOutput
pdf_logwriter(GLogLevelFlags level, const GLogField *fields, gsize n,
    gpointer data)
{
	(void)level, (void)fields, (void)n, (void)data;
	return G_LOG_WRITER_HANDLED;
}

/* A string, sent with its NUL. */
static void
pdf_sends(struct pdfchild *c, int tag, const char *s)
{
	dm_memcap_send(c->fd, tag, s, strlen(s) + 1, NULL, 0, NULL, 0);
}

/* One line of a page as poppler_page_get_text gives it, with the box of
 * its glyphs from poppler_page_get_text_layout. */
struct pdfline {
	const char	*s;
	size_t		 n;
	double		 x1, x2, y1, y2;	/* y grows downwards */
	int		 box;		/* the box is known */
};

static int
pdf_cmpdouble(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Lines closer than this many line heights (top to top) may belong to
 * one paragraph: text is set 1.0 to 1.35 heights apart, a paragraph's
 * own spacing makes more. */
#define PDF_LEADING	1.5

/* The usual distance between the tops of two lines of one paragraph on
 * this page: the most frequent one under PDF_LEADING heights (to a
 * quarter point), 0 when no such distance occurs twice. */
static double
pdf_pitch(const struct pdfline *l, size_t n)
{
	double *d, best = 0;
	size_t i, k = 0, run, bestrun = 1;

	if (n < 3)
		return 0;
	d = g_new(double, n);
	for (i = 0; i + 1 < n; i++) {
		double ha = l[i].y2 - l[i].y1, hb = l[i + 1].y2 - l[i + 1].y1;
		double pitch = l[i + 1].y1 - l[i].y1;

		if (!l[i].box || !l[i + 1].box || pitch <= 0 ||
		    pitch > PDF_LEADING * fmax(ha, hb) ||
		    fabs(ha - hb) > 0.15 * fmax(ha, hb))
			continue;
		d[k++] = round(pitch * 4) / 4;
	}
	qsort(d, k, sizeof *d, pdf_cmpdouble);
	for (i = 0; i < k; i += run) {
		for (run = 1; i + run < k && d[i + run] == d[i]; run++)
			;
		if (run > bestrun) {
			bestrun = run;
			best = d[i];
		}
	}
	g_free(d);
	return best;
}

static const char *const bullets[] = {
	"\xe2\x80\xa2", "\xe2\x97\xa6", "\xe2\x96\xaa", "\xe2\x80\xa3",
	"\xe2\x97\x8f", "\xe2\x97\x8b", "\xe2\x96\xa0", "\xe2\x96\xa1",
	"\xe2\x80\x93", "\xe2\x80\x94", "- ", "* ", NULL
};

static int
pdf_bullet(const struct pdfline *l)
{
	size_t i, n;

	for (i = 0; bullets[i]; i++) {
		n = strlen(bullets[i]);
		if (l->n >= n && memcmp(l->s, bullets[i], n) == 0)
			return 1;
	}
	return 0;
}

/*
 * Whether line b continues the paragraph that line a ends (right: the
 * right edge of that paragraph so far): b is below a in the same column,
 * in a font of the same height, less than PDF_LEADING heights below and
 * not much further than the page's usual line distance, does not start a
 * list item, and is not an indented first line after a short last one.
 */
static int
pdf_joins(const struct pdfline *a, const struct pdfline *b, double pitch,
    double right)
{
	double ha = a->y2 - a->y1, hb = b->y2 - b->y1, h = fmax(ha, hb);

	if (!a->box || !b->box || a->n == 0 || b->n == 0)
		return 0;
	if (b->y1 <= a->y1 || b->x1 > a->x2)
		return 0;
	if (fabs(ha - hb) > 0.15 * h)
		return 0;
	if (b->y1 - a->y1 > PDF_LEADING * h ||
	    (pitch > 0 && b->y1 - a->y1 > pitch * 1.1 + 0.25))
		return 0;
	if (pdf_bullet(b))
		return 0;
	if (a->x2 < right - 1.5 * h && b->x1 > a->x1 + 0.5 * h)
		return 0;
	return 1;
}

/* Whether s[0..n) ends in a hyphen after a letter; its length if so. */
static size_t
pdf_hyphen(const char *s, size_t n)
{
	static const char *const hy[] = { "-", "\xe2\x80\x90", "\xc2\xad" };
	const char *prev;
	size_t i, k;

	for (i = 0; i < 3; i++) {
		k = strlen(hy[i]);
		if (n <= k || memcmp(s + n - k, hy[i], k) != 0)
			continue;
		prev = g_utf8_find_prev_char(s, s + n - k);
		if (prev && g_unichar_isalpha(g_utf8_get_char(prev)))
			return k;
	}
	return 0;
}

/*
 * Appends the text of one page to out: lines of one paragraph joined by a
 * space (a word hyphenated at the end of a line joined again when the
 * next line goes on in lower case), paragraphs ended by a newline.
 */
static void
pdf_page_text(PopplerPage *page, GString *out)
{
	PopplerRectangle *r = NULL;
	guint nr = 0;
	struct pdfline *l;
	char *text, *s, *e;
	size_t n = 0, i, k, nl;
	double pitch, right;
	glong nchar;

	text = poppler_page_get_text(page);
	if (!text)
		return;
	if (!g_utf8_validate(text, -1, NULL)) {
		char *v = g_utf8_make_valid(text, -1);

		g_free(text);
		text = v;
	}
	nchar = g_utf8_strlen(text, -1);
	if (!poppler_page_get_text_layout(page, &r, &nr) || nr != (guint)nchar)
		nr = 0;	/* no boxes: every line stands alone */
	for (s = text, nl = 1; *s; s++)
		nl += *s == '\n';
	l = g_new0(struct pdfline, nl);
	for (s = text, k = 0; ; ) {
		struct pdfline *c = &l[n++];

		c->s = s;
		c->x1 = c->y1 = HUGE_VAL;
		c->x2 = c->y2 = -HUGE_VAL;
		for (e = s; *e && *e != '\n'; e = g_utf8_next_char(e), k++) {
			if (*e == ' ' || *e == '\t' || k >= nr)
				continue;
			c->box = 1;
			c->x1 = fmin(c->x1, fmin(r[k].x1, r[k].x2));
			c->x2 = fmax(c->x2, fmax(r[k].x1, r[k].x2));
			c->y1 = fmin(c->y1, fmin(r[k].y1, r[k].y2));
			c->y2 = fmax(c->y2, fmax(r[k].y1, r[k].y2));
		}
		c->n = (size_t)(e - s);
		while (c->n > 0 && g_ascii_isspace(c->s[c->n - 1]))
			c->n--;
		while (c->n > 0 && g_ascii_isspace(*c->s))
			c->s++, c->n--;
		if (!*e)
			break;
		s = e + 1;
		k++;	/* the newline has a box too */
	}
	pitch = pdf_pitch(l, n);
	right = -HUGE_VAL;
	for (i = 0; i < n; i++) {
		size_t hy;

		if (l[i].n == 0)
			continue;
		if (i > 0 && l[i - 1].n > 0 &&
		    pdf_joins(&l[i - 1], &l[i], pitch, right)) {
			hy = pdf_hyphen(out->str, out->len);
			if (hy && g_unichar_islower(g_utf8_get_char(l[i].s)))
				g_string_truncate(out, out->len - hy);
			else
				g_string_append_c(out, ' ');
		} else {
			if (out->len > 0 && out->str[out->len - 1] != '\n')
				g_string_append_c(out, '\n');
			right = -HUGE_VAL;
		}
		g_string_append_len(out, l[i].s, (gssize)l[i].n);
		right = fmax(right, l[i].x2);
	}
	if (out->len > 0 && out->str[out->len - 1] != '\n')
		g_string_append_c(out, '\n');
	g_free(l);
	g_free(r);
	g_free(text);
}

/* Sends a non-empty metadata string. */
static void
pdf_sendmeta(struct pdfchild *c, int tag, gchar *s)
{
	if (s && *s && g_utf8_validate(s, -1, NULL))
		pdf_sends(c, tag, s);
	g_free(s);
}

static void
pdf_sendtext(struct pdfchild *c, uint32_t page, GString *t)
{
	/* without the last newline: a sample's text, not a file */
	dm_memcap_send(c->fd, REC_TEXT, &page, sizeof page, t->str,
	    t->len - (t->len > 0 && t->str[t->len - 1] == '\n'), NULL, 0);
}

void
dm_extract_pdf_records(int fd, const void *data, size_t len,
    const struct dm_extractopt *opt)
{
	struct pdfchild c = { .fd = fd };
	PopplerDocument *doc;
	GError *gerr = NULL;
	GBytes *bytes;
	GString *all, *one;
	char num[32];
	int i, npages, any = 0;
	size_t total = 0;

	static int logset;

	pdf_cur = &c;
	if (!logset) {
		logset = 1;
		g_log_set_writer_func(pdf_logwriter, NULL, NULL);
		g_log_set_default_handler(pdf_log, NULL);
		g_log_set_handler("Poppler", G_LOG_LEVEL_MASK |
		    G_LOG_FLAG_FATAL | G_LOG_FLAG_RECURSION, pdf_log, NULL);
	}

	bytes = g_bytes_new_static(data, len);
	doc = poppler_document_new_from_bytes(bytes, NULL, &gerr);
	g_bytes_unref(bytes);
	if (!doc) {
		if (gerr && gerr->domain == POPPLER_ERROR &&
		    gerr->code == POPPLER_ERROR_ENCRYPTED)
			pdf_sends(&c, REC_ERROR, "encrypted");
		else {
			GString *m = g_string_new("damaged (");

			g_string_append(m, c.msg[0] ? c.msg :
			    "not a PDF poppler can read");
			g_string_append_c(m, ')');
			pdf_sends(&c, REC_ERROR, m->str);
			g_string_free(m, TRUE);
		}
		g_clear_error(&gerr);
		pdf_cur = NULL;
		return;
	}
	pdf_sendmeta(&c, REC_TITLE, poppler_document_get_title(doc));
	pdf_sendmeta(&c, REC_AUTHOR, poppler_document_get_author(doc));
	npages = poppler_document_get_n_pages(doc);
	snprintf(num, sizeof num, "%d", npages);
	pdf_sends(&c, REC_PAGES, num);

	all = g_string_new(NULL);
	one = g_string_new(NULL);
	for (i = 0; i < npages; i++) {
		PopplerPage *page = poppler_document_get_page(doc, i);

		if (!page)
			continue;
		g_string_truncate(one, 0);
		pdf_page_text(page, one);
		g_object_unref(page);
		if (one->len == 0)
			continue;
		total += one->len + 1;
		if (opt->maxout > 0 && total > opt->maxout + 1) {
			snprintf(num, sizeof num, "%zu", opt->maxout);
			g_string_assign(one, "more than ");
			g_string_append(one, num);
			g_string_append(one, " bytes of text");
			pdf_sends(&c, REC_ERROR, one->str);
			goto out;
		}
		any = 1;
		if (opt->pages)
			pdf_sendtext(&c, (uint32_t)i + 1, one);
		else {
			if (all->len > 0)
				g_string_append_c(all, '\n');	/* a blank line */
			g_string_append_len(all, one->str, (gssize)one->len);
		}
	}
	if (!any)
		pdf_sends(&c, REC_ERROR, "no text (image-only?)");
	else {
		if (!opt->pages)
			pdf_sendtext(&c, 0, all);
		dm_memcap_send(c.fd, REC_DONE, NULL, 0, NULL, 0, NULL, 0);
	}
out:
	g_string_free(all, TRUE);
	g_string_free(one, TRUE);
	g_object_unref(doc);
	pdf_cur = NULL;
}

DM_NORETURN static void
pdf_child(int fd, const void *data, size_t len,
    const struct dm_extractopt *opt)
{
	/* what libstdc++ says when poppler throws is not for the user; a
	 * document that makes poppler allocate without end ends as one
	 * that crashed it */
	dm_memcap_child(1);
	dm_extract_pdf_records(fd, data, len, opt);
	_exit(0);
}

/* ---- the parent ---- */

/* Reads the child's records into raw until the end, the deadline or the
 * cap: 0, or -1 with the reason in err. */
static int
pdf_collect(int fd, const struct dm_extractopt *opt, struct dm_buf *raw,
    struct dm_buf *err)
{
	double deadline = opt->timeout > 0 ? dm_now() + opt->timeout : 0;
	size_t cap = opt->maxout > 0 ? opt->maxout + PDF_SLACK : 0;
	struct pollfd pfd;
	ssize_t r;
	int ms;

	for (;;) {
		ms = -1;
		if (deadline > 0) {
			double left = deadline - dm_now();

			if (left <= 0) {
				dm_buf_addf(err, "time limit of %g s passed",
				    opt->timeout);
				return -1;
			}
			ms = (int)(left * 1000) + 1;
		}
		pfd.fd = fd;
		pfd.events = POLLIN;
		if (dm_interrupted) {
			dm_buf_adds(err, "interrupted");
			return -1;
		}
		if (poll(&pfd, 1, ms) < 0) {
			if (errno == EINTR)
				continue;
			dm_buf_addf(err, "poll: %s", strerror(errno));
			return -1;
		}
		if (pfd.revents == 0)
			continue;
		dm_buf_grow(raw, 65536);
		r = read(fd, raw->buf + raw->len, 65536);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			dm_buf_addf(err, "read: %s", strerror(errno));
			return -1;
		}
		if (r == 0)
			return 0;
		dm_buf_setlen(raw, raw->len + (size_t)r);
		if (cap > 0 && raw->len > cap) {
			dm_buf_addf(err, "more than %zu bytes of text",
			    opt->maxout);
			return -1;
		}
	}
}

int
dm_extract_pdf(const void *data, size_t len,
    const struct dm_extractopt *opt, dm_doc_fn fn, void *ctx,
    struct dm_buf *err)
{
	struct dm_buf raw = DM_BUF_INIT, lib = DM_BUF_INIT;
	struct dm_docinfo info = { 0 };
	const unsigned char *p, *end;
	int fds[2], status = 0, ok, done = 0, rc = -1;
	pid_t pid;

	if (pipe(fds) < 0) {
		dm_buf_addf(err, "pipe: %s", strerror(errno));
		return -1;
	}
	if ((pid = fork()) < 0) {
		dm_buf_addf(err, "fork: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		close(fds[0]);
		pdf_child(fds[1], data, len, opt);
	}
	close(fds[1]);
	ok = pdf_collect(fds[0], opt, &raw, err) == 0;
	close(fds[0]);
	if (!ok)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!ok)
		goto out;

	dm_buf_addf(&lib, "poppler %s", poppler_get_version());
	info.library = lib.buf;
	/* first pass: the metadata and whether the child finished */
	for (p = (const unsigned char *)raw.buf, end = p + raw.len;
	    end - p >= 5; ) {
		uint32_t n;

		memcpy(&n, p + 1, sizeof n);
		if ((size_t)(end - p - 5) < n)
			break;
		if (*p != REC_TEXT && *p != REC_DONE && (n == 0 || p[4 + n]))
			break;	/* a string without its NUL */
		switch (*p) {
		case REC_TITLE:
			info.title = (const char *)p + 5;
			break;
		case REC_AUTHOR:
			info.author = (const char *)p + 5;
			break;
		case REC_PAGES:
			info.pages = atoi((const char *)p + 5);
			break;
		case REC_ERROR:
			dm_buf_add(err, p + 5, n - 1);
			goto out;
		case REC_DONE:
			done = 1;
			break;
		}
		p += 5 + n;
	}
	if (!done) {
		if (dm_interrupted)
			dm_buf_adds(err, "interrupted");
		else if (WIFSIGNALED(status))
			dm_buf_addf(err, "damaged (poppler crashed with signal "
			    "%d)", WTERMSIG(status));
		else
			dm_buf_addf(err, "damaged (poppler stopped with exit "
			    "status %d)", WIFEXITED(status) ?
			    WEXITSTATUS(status) : -1);
		goto out;
	}
	rc = 0;
	for (p = (const unsigned char *)raw.buf; end - p >= 5; ) {
		uint32_t n, page;

		memcpy(&n, p + 1, sizeof n);
		if ((size_t)(end - p - 5) < n)
			break;
		if (*p == REC_TEXT && n >= sizeof page) {
			memcpy(&page, p + 5, sizeof page);
			info.page = (int)page;
			if (fn(ctx, (const char *)p + 5 + sizeof page,
			    n - sizeof page, &info) < 0)
				break;
		}
		p += 5 + n;
	}
out:
	dm_buf_free(&raw);
	dm_buf_free(&lib);
	return rc;
}
