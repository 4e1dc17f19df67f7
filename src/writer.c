/* writer.c - whole lines to a file descriptor */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "dm.h"

#define WBUF	(128 * 1024)
/* Spans held at most; consecutive ones are one span, so a run of kept
 * lines of the reader's buffer takes one. */
#define WIOV	64

static const char newline = '\n';

void
dm_writer_init(struct dm_writer *w, int fd, const char *name)
{
	w->fd = fd;
	w->name = name;
	w->cap = WBUF;
	w->buf = dm_xmalloc(w->cap);
	w->len = 0;
	w->nlines = 0;
	w->iov = dm_xreallocarray(NULL, WIOV, sizeof *w->iov);
	w->niov = 0;
	w->stopped = 0;
	w->midline = 0;
}

/* After a signal: 0 once fd takes bytes, -1 when it took none for
 * DM_WRITE_GRACE seconds (its reader has stopped reading). */
static int
writable(struct dm_writer *w)
{
	struct pollfd pfd;
	int r;

	pfd.fd = w->fd;
	pfd.events = POLLOUT;
	do
		r = poll(&pfd, 1, DM_WRITE_GRACE * 1000);
	while (r < 0 && errno == EINTR);
	return r == 0 ? -1 : 0;
}

/* Gives up what is left: nobody reads the output, and the tool must stop. */
static void
giveup(struct dm_writer *w)
{
	w->stopped = 1;
	dm_warn("%s%sstopped writing: output not read for %d s after the "
	    "signal%s", w->name ? w->name : "", w->name ? ": " : "",
	    DM_WRITE_GRACE, w->midline ? "; its last line is cut short" : "");
}

/* Writes v[0..n) and empties it. A signal stops the tool after it wrote
 * out what it holds (whole lines, as dm.7 says), as long as the output
 * is read; once it is not read for DM_WRITE_GRACE seconds, the rest is
 * dropped and said so. */
static void
writeiov(struct dm_writer *w, struct iovec *v, int n)
{
	const char *last;
	ssize_t k;
	size_t m;

	while (n > 0 && !w->stopped) {
		if (dm_interrupted) {
			if (writable(w) < 0) {
				giveup(w);
				break;
			}
			/* A pipe that polls writable takes PIPE_BUF bytes
			 * without blocking: no write can hang now. */
			m = v->iov_len < PIPE_BUF ? v->iov_len : PIPE_BUF;
			k = write(w->fd, v->iov_base, m);
		} else
			k = writev(w->fd, v, n < IOV_MAX ? n : IOV_MAX);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				/* an output given non-blocking (a parent that
				 * shares it), full: wait for room; a signal
				 * ends the wait, and the loop's first branch
				 * then waits with the grace period */
				struct pollfd pfd;

				pfd.fd = w->fd;
				pfd.events = POLLOUT;
				if (poll(&pfd, 1, -1) >= 0 || errno == EINTR)
					continue;
			}
			if (errno == EPIPE) {
				/* The reader went away (| head): end quietly. */
				signal(SIGPIPE, SIG_DFL);
				raise(SIGPIPE);
				_exit(DM_EXIT_ERROR);
			}
			if (w->name)
				dm_die("%s: write error: %s", w->name,
				    strerror(errno));
			dm_die("write error: %s", strerror(errno));
		}
		m = (size_t)k;
		last = NULL;
		while (n > 0 && m >= v->iov_len) {
			m -= v->iov_len;
			if (v->iov_len)
				last = (const char *)v->iov_base +
				    v->iov_len - 1;
			v++;
			n--;
		}
		if (m > 0) {
			last = (const char *)v->iov_base + m - 1;
			v->iov_base = (char *)v->iov_base + m;
			v->iov_len -= m;
		}
		if (last)
			w->midline = *last != '\n';
	}
}

void
dm_writer_flush(struct dm_writer *w)
{
	if (w->niov)
		writeiov(w, w->iov, w->niov);
	w->niov = 0;
	w->len = 0;
}

/* Appends p[0..n) to what is held; the caller made room for a span. */
static void
hold(struct dm_writer *w, const char *p, size_t n)
{
	struct iovec *v;

	if (w->niov > 0) {
		v = &w->iov[w->niov - 1];
		if ((const char *)v->iov_base + v->iov_len == p) {
			v->iov_len += n;
			return;
		}
	}
	v = &w->iov[w->niov++];
	v->iov_base = (void *)(uintptr_t)p;
	v->iov_len = n;
}

void
dm_writer_line(struct dm_writer *w, const char *p, size_t n)
{
	if (w->niov + 2 > WIOV || w->len + n + 1 > w->cap)
		dm_writer_flush(w);
	w->nlines++;
	if (n + 1 > w->cap) {
		/* A line larger than the buffer goes out from where it is,
		 * not copied, its newline after it. */
		hold(w, p, n);
		hold(w, &newline, 1);
		dm_writer_flush(w);
		return;
	}
	memcpy(w->buf + w->len, p, n);
	w->buf[w->len + n] = '\n';
	hold(w, w->buf + w->len, n + 1);
	w->len += n + 1;
}

/* A piece up to this long is copied; a longer one is written from where
 * it is. */
#define PIECE_COPY	4096

void
dm_writer_piece(struct dm_writer *w, const char *p, size_t n)
{
	if (n == 0)
		return;
	if (n > PIECE_COPY) {
		if (w->niov == WIOV)
			dm_writer_flush(w);	/* mid-line: many long pieces */
		hold(w, p, n);
		return;
	}
	/* mid-line too, only when more than the buffer is short pieces */
	if (w->niov == WIOV || w->len + n > w->cap)
		dm_writer_flush(w);
	memcpy(w->buf + w->len, p, n);
	hold(w, w->buf + w->len, n);
	w->len += n;
}

void
dm_writer_endline(struct dm_writer *w)
{
	dm_writer_piece(w, &newline, 1);
	w->nlines++;
	/* the pieces held are the caller's only until here; the line goes
	 * out in one writev, as a long dm_writer_line does */
	dm_writer_flush(w);
}

void
dm_writer_span(struct dm_writer *w, const char *p, size_t n)
{
	struct iovec *v;

	w->nlines++;
	/* most often the line after the last one held */
	if (w->niov > 0) {
		v = &w->iov[w->niov - 1];
		if ((const char *)v->iov_base + v->iov_len == p) {
			v->iov_len += n + 1;
			return;
		}
		if (w->niov == WIOV)
			dm_writer_flush(w);
	}
	v = &w->iov[w->niov++];
	v->iov_base = (void *)(uintptr_t)p;
	v->iov_len = n + 1;
}

void
dm_writer_free(struct dm_writer *w)
{
	if (w->buf == NULL)
		return;
	dm_writer_flush(w);
	free(w->buf);
	w->buf = NULL;
	free(w->iov);
	w->iov = NULL;
}
