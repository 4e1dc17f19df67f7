/* progress.c - the --progress line of the sample tools */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dm.h"
#include "progress.h"

struct dm_progress {
	const struct dm_reader *r;
	double		 start, next, interval;
	int		 tty;
	unsigned long long *sizes;	/* of each input, for the ETA */
	unsigned long long total;	/* their sum; 0: not known */
};

/* The size of an input when it is a regular file, else 0. */
static unsigned long long
inputsize(const struct dm_reader *r, int i)
{
	struct stat st;
	int rc;

	if (strcmp(r->paths[i], "-") == 0)
		rc = r->nostdin ? -1 : fstat(0, &st);
	else
		rc = stat(r->paths[i], &st);
	if (rc < 0 || !S_ISREG(st.st_mode) || st.st_size <= 0)
		return 0;
	return (unsigned long long)st.st_size;
}

struct dm_progress *
dm_progress_new(const struct dm_reader *r)
{
	struct dm_progress *p = dm_xcalloc(1, sizeof *p);
	const char *env = getenv("DM_PROGRESS_INTERVAL");
	unsigned long long sz;
	int i, known = 1;

	p->r = r;
	p->tty = isatty(2);
	p->interval = p->tty ? 0.5 : 10;
	if (env && *env) {
		p->interval = dm_duration(env);
		if (p->interval < 0)
			dm_die("DM_PROGRESS_INTERVAL: '%s' is not a time", env);
	}
	p->sizes = dm_xcalloc((size_t)r->npaths, sizeof *p->sizes);
	for (i = 0; i < r->npaths; i++) {
		sz = inputsize(r, i);
		if (sz == 0)
			known = 0;
		p->sizes[i] = sz;
		p->total += sz;
	}
	if (!known)
		p->total = 0;
	p->start = dm_now();
	p->next = p->start + p->interval;
	return p;
}

/* Bytes of the inputs read so far, as stored (compressed or not): the
 * inputs done, and the offset in the current one. */
static unsigned long long
rawdone(const struct dm_progress *p)
{
	const struct dm_reader *r = p->r;
	unsigned long long done = 0;
	off_t off;
	int i, cur = r->fd >= 0 ? r->next - 1 : r->next;

	for (i = 0; i < cur && i < r->npaths; i++)
		done += p->sizes[i];
	if (r->fd >= 0 && (off = lseek(r->fd, 0, SEEK_CUR)) > 0)
		done += (unsigned long long)off;
	return done;
}

static void
show(struct dm_progress *p, unsigned long long n, int last)
{
	struct dm_buf b = DM_BUF_INIT;
	double el = dm_now() - p->start, mb, eta;
	unsigned long long raw;
	ssize_t w;

	mb = (double)p->r->nbytes / 1e6;
	if (p->tty)
		dm_buf_adds(&b, "\r\033[K");
	if (last)
		dm_buf_addf(&b, "%s: %llu samples, %.1f MB in %.1f s, %.1f MB/s",
		    dm_prog, n, mb, el, el > 0 ? mb / el : 0.0);
	else
		dm_buf_addf(&b, "%s: %llu samples, %.1f MB, %.1f MB/s", dm_prog,
		    n, mb, el > 0 ? mb / el : 0.0);
	if (!last && p->total && (raw = rawdone(p)) > 0 && el > 0) {
		eta = raw >= p->total ? 0 :
		    el * ((double)p->total / (double)raw - 1);
		dm_buf_addf(&b, ", ETA %d:%02d:%02d", (int)eta / 3600,
		    (int)eta / 60 % 60, (int)eta % 60);
	}
	if (!p->tty || last)
		dm_buf_addc(&b, '\n');
	/* One write, so that lines of parallel tools do not mix. */
	w = write(2, b.buf, b.len);
	(void)w;
	dm_line_open = p->tty && !last;
	dm_buf_free(&b);
}

void
dm_progress_tick(struct dm_progress *p, unsigned long long n)
{
	double t = dm_now();

	if (t < p->next)
		return;
	show(p, n, 0);
	p->next = t + p->interval;
}

void
dm_progress_end(struct dm_progress *p, unsigned long long n)
{
	show(p, n, 1);
	free(p->sizes);
	free(p);
}
