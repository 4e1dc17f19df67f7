/* writer.c - whole lines to a file descriptor */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dm.h"

#define WBUF	(128 * 1024)

void
dm_writer_init(struct dm_writer *w, int fd, const char *name)
{
	w->fd = fd;
	w->name = name;
	w->cap = WBUF;
	w->buf = dm_xmalloc(w->cap);
	w->len = 0;
	w->nlines = 0;
}

static void
writeall(struct dm_writer *w, const char *p, size_t n)
{
	ssize_t k;

	while (n > 0) {
		/* A signal (SIGINT) interrupts at most between lines: the
		 * loop finishes the line before the sample loop stops. */
		k = write(w->fd, p, n);
		if (k < 0) {
			if (errno == EINTR)
				continue;
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
		p += k;
		n -= (size_t)k;
	}
}

void
dm_writer_flush(struct dm_writer *w)
{
	if (w->len) {
		writeall(w, w->buf, w->len);
		w->len = 0;
	}
}

void
dm_writer_line(struct dm_writer *w, const char *p, size_t n)
{
	if (w->len + n + 1 > w->cap) {
		dm_writer_flush(w);
		if (n + 1 > w->cap) {
			/* A line larger than the buffer goes out from where
			 * it is, not copied, its newline after it. */
			writeall(w, p, n);
			writeall(w, "\n", 1);
			w->nlines++;
			return;
		}
	}
	memcpy(w->buf + w->len, p, n);
	w->buf[w->len + n] = '\n';
	w->len += n + 1;
	w->nlines++;
}

void
dm_writer_free(struct dm_writer *w)
{
	if (w->buf == NULL)
		return;
	dm_writer_flush(w);
	free(w->buf);
	w->buf = NULL;
}
