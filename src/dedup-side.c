/* dedup-side.c - dm-dedup's side files: temporary files, the shingle sets
 * of --verify, stage directories, labels and marks */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "deduprun.h"

int
dm_dedup_tmpfile(const char *dir)
{
	struct dm_buf path = DM_BUF_INIT;
	int fd;

	dm_buf_addf(&path, "%s/dm-dedup.XXXXXX", dir);
	if ((fd = mkstemp(path.buf)) < 0)
		dm_die("%s: %s", dir, strerror(errno));
	unlink(path.buf);
	dm_buf_free(&path);
	return fd;
}

void
dm_dedup_pwrite(int fd, const void *p, size_t n, off_t off, const char *dir)
{
	const char *c = p;
	ssize_t w;

	while (n > 0) {
		if ((w = pwrite(fd, c, n, off)) < 0) {
			if (errno == EINTR)
				continue;
			dm_die("%s: write error: %s", dir, strerror(errno));
		}
		c += w;
		n -= (size_t)w;
		off += w;
	}
}

void
dm_dedup_pread(int fd, void *p, size_t n, off_t off, const char *dir)
{
	if (dm_dedup_preadn(fd, p, n, off) < 0)
		dm_die("%s: read error: %s", dir,
		    errno ? strerror(errno) : "short file");
}

/* Stores the shingle set of sample idx for --verify. */
void
dm_dedup_saveset(struct dedup_run *r, uint64_t idx)
{
	struct dm_dedup *d = &r->d;
	unsigned char ent[16];
	size_t k;

	/* sorted, each once; a long text hashed again for it */
	k = dm_dedup_shingleset(d);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	/* the sets file holds little-endian values (dm-dedup.1) */
	for (size_t i = 0; i < k; i++)
		d->h[i] = __builtin_bswap64(d->h[i]);
#endif
	/* after the room of a side file's header (stage or not) */
	dm_dedup_pwrite(r->setfd, d->h, k * sizeof *d->h,
	    (off_t)(DM_SFILE_BODY + r->setoff), r->tmpdir);
	put64(ent, r->setoff);
	put64(ent + 8, k);
	dm_dedup_pwrite(r->idxfd, ent, 16, (off_t)(DM_SFILE_BODY + idx * 16),
	    r->tmpdir);
	r->setoff += k * sizeof *d->h;
}

/* The pairs stage: opens shard j's sets and index when they are not open,
 * closing the least recently used shard's when setmax are (so that
 * any number of shards is read with a few descriptors). pairs checked
 * the files whole before. */
static void
opensets(struct dedup_run *r, size_t j)
{
	struct dm_buf path = DM_BUF_INIT;
	size_t i, old = SIZE_MAX;
	int k;

	r->setused[j] = ++r->setclock;
	if (r->setfds[j] >= 0)
		return;
	if (r->nsetopen >= r->setmax) {
		for (i = 0; i < r->nsetf; i++)
			if (r->setfds[i] >= 0 && (old == SIZE_MAX ||
			    r->setused[i] < r->setused[old]))
				old = i;
		close(r->setfds[old]);
		close(r->idxfds[old]);
		r->setfds[old] = r->idxfds[old] = -1;
		r->nsetopen--;
	}
	for (k = 0; k < 2; k++) {
		dm_buf_reset(&path);
		dm_buf_addf(&path, "%s/sets/%s.%s", r->setdir, r->setnames[j],
		    k ? "idx" : "set");
		if (((k ? r->idxfds : r->setfds)[j] = open(path.buf,
		    O_RDONLY | O_CLOEXEC)) < 0)
			dm_die("%s: %s", path.buf, strerror(errno));
	}
	r->nsetopen++;
	dm_buf_free(&path);
}

void
dm_dedup_closesets(struct dedup_run *r)
{
	size_t i;

	for (i = 0; i < r->nsetf; i++)
		if (r->setfds[i] >= 0) {
			close(r->setfds[i]);
			close(r->idxfds[i]);
		}
	free(r->setfds);
	free(r->idxfds);
	free(r->setused);
	r->setfds = r->idxfds = NULL;
	r->setused = NULL;
	r->nsetf = r->nsetopen = 0;
}

static uint64_t *
loadset(struct dedup_run *r, uint64_t idx, size_t *n)
{
	unsigned char ent[16];
	uint64_t *v;
	int setfd = r->setfd, idxfd = r->idxfd;

	if (r->nsetf > 0) {
		/* the pairs stage: the sets of the sample's shard */
		opensets(r, (size_t)(idx >> SHARDBITS));
		setfd = r->setfds[idx >> SHARDBITS];
		idxfd = r->idxfds[idx >> SHARDBITS];
		idx &= LINEMASK;
	}
	dm_dedup_pread(idxfd, ent, 16, (off_t)(DM_SFILE_BODY + idx * 16),
	    r->tmpdir);
	*n = (size_t)get64(ent + 8);
	v = dm_xreallocarray(NULL, *n ? *n : 1, sizeof *v);
	dm_dedup_pread(setfd, v, *n * sizeof *v,
	    (off_t)(DM_SFILE_BODY + get64(ent)), r->tmpdir);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	for (size_t i = 0; i < *n; i++)
		v[i] = __builtin_bswap64(v[i]);
#endif
	return v;
}

/* The Jaccard similarity of the shingle sets of two samples. */
static double
jaccard(struct dedup_run *r, uint64_t x, uint64_t y)
{
	uint64_t *a, *b;
	size_t na, nb, i = 0, j = 0, both = 0;

	a = loadset(r, x, &na);
	b = loadset(r, y, &nb);
	while (i < na && j < nb) {
		if (a[i] == b[j]) {
			both++;
			i++;
			j++;
		} else if (a[i] < b[j])
			i++;
		else
			j++;
	}
	free(a);
	free(b);
	return na + nb - both ? (double)both / (double)(na + nb - both) : 0;
}

int
dm_dedup_similar(struct dedup_run *r, uint64_t x, uint64_t y)
{
	return !r->verify || jaccard(r, x, y) >= r->d.threshold;
}

/* Whether an output is done: with --resume, a whole file is kept and a
 * damaged one made again, as dm-run's parts; without it, an existing
 * output is an error, as dm-run's --output-dir. */
int
dm_dedup_done(const struct dedup_run *r, const char *path, uint32_t kind,
    const char *set, const uint64_t *in)
{
	struct dm_buf err = DM_BUF_INIT;
	int rc;

	if (access(path, F_OK) != 0)
		return 0;
	if (!r->resume)
		dm_die("%s: exists; remove it, or use --resume to keep it",
		    path);
	if ((rc = dm_sfile_check(path, kind, set, in, &err)) > 0)
		dm_die("%s than this run; remove it to make it again",
		    err.buf);
	if (rc < 0)
		dm_warn("%s; making it again", err.buf);
	dm_buf_free(&err);
	return rc == 0;
}

static int
cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names of DIR's entries ending in suffix (without it), sorted. */
char **
dm_dedup_listdir(const char *dir, const char *suffix, size_t *n)
{
	DIR *d;
	struct dirent *e;
	char **v = NULL;
	size_t len, sl = strlen(suffix);

	*n = 0;
	if ((d = opendir(dir)) == NULL)
		dm_die("%s: %s", dir, strerror(errno));
	while ((e = readdir(d)) != NULL) {
		len = strlen(e->d_name);
		if (e->d_name[0] == '.' || len <= sl ||
		    strcmp(e->d_name + len - sl, suffix) != 0)
			continue;
		v = dm_xreallocarray(v, *n + 1, sizeof *v);
		v[(*n)++] = dm_xstrndup(e->d_name, len - sl);
	}
	closedir(d);
	if (*n)
		qsort(v, *n, sizeof *v, cmpstr);
	return v;
}

void
dm_dedup_freenames(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* The kind of a side file, by its extension. */
static uint32_t
sidekind(const char *ext)
{
	return strcmp(ext, ".lab") == 0 ? DM_SFILE_LABELS :
	    strcmp(ext, ".set") == 0 ? DM_SFILE_SETS :
	    strcmp(ext, ".idx") == 0 ? DM_SFILE_SETIDX : DM_SFILE_MARKS;
}

FILE *
dm_dedup_sideopen(const char *path, const char *ext, uint64_t *tag)
{
	struct dm_buf err = DM_BUF_INIT;
	FILE *f;

	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	if (dm_sfile_verify(fileno(f), path, sidekind(ext), tag, &err) < 0)
		dm_die("%s", err.buf);
	if (fseeko(f, DM_SFILE_BODY, SEEK_SET) < 0)
		dm_die("%s: %s", path, strerror(errno));
	dm_buf_free(&err);
	return f;
}

/* DIR/SUB/NAME.EXT of the stage's output directory, opened under a
 * temporary name (mode "w": DIR/SUB/.NAME.EXT.tmp), or by its own ("r",
 * NULL when missing). */
FILE *
dm_dedup_sidefile(const struct dedup_run *r, const char *sub, const char *name,
    const char *ext, const char *mode)
{
	static const char room[DM_SFILE_BODY];
	struct dm_buf path = DM_BUF_INIT;
	FILE *f;

	/* "." is the directory itself: the name dm_sfile_rename makes */
	dm_buf_addf(&path, "%s%s%s/%s%s%s%s", *mode == 'w' ? r->outdir :
	    r->labels, strcmp(sub, ".") ? "/" : "", strcmp(sub, ".") ? sub :
	    "", *mode == 'w' ? "." : "", name, ext,
	    *mode == 'w' ? ".tmp" : "");
	if (*mode != 'w') {
		f = dm_dedup_sideopen(path.buf, ext, NULL);
		dm_buf_free(&path);
		return f;
	}
	/* the header's room; dm_dedup_sidecommit fills it */
	if ((f = fopen(path.buf, "w+")) == NULL)
		dm_die("%s: %s", path.buf, strerror(errno));
	dm_sfile_tmpadd(path.buf);
	if (fwrite(room, 1, sizeof room, f) != sizeof room || fflush(f) != 0)
		dm_die("%s: %s", path.buf, strerror(errno));
	dm_buf_free(&path);
	return f;
}

/* Closes a side file written by sidefile, whole under its temporary
 * name. */
void
dm_dedup_sideseal(const struct dedup_run *r, const char *sub,
    const char *name, const char *ext, FILE *f, uint64_t tag)
{
	struct dm_buf path = DM_BUF_INIT;

	dm_buf_addf(&path, "%s/%s/.%s%s.tmp", r->outdir, sub, name, ext);
	if (fflush(f) != 0)
		dm_die("%s: %s", path.buf, strerror(errno));
	dm_sfile_seal(fileno(f), path.buf, sidekind(ext), tag);
	if (fsync(fileno(f)) != 0 || ferror(f) || fclose(f) != 0)
		dm_die("%s: %s", path.buf, strerror(errno));
	dm_buf_free(&path);
}

/* Closes a side file written by sidefile and gives it its name. */
void
dm_dedup_sidecommit(const struct dedup_run *r, const char *sub,
    const char *name, const char *ext, FILE *f, uint64_t tag)
{
	struct dm_buf to = DM_BUF_INIT;

	dm_dedup_sideseal(r, sub, name, ext, f, tag);
	dm_buf_addf(&to, "%s/%s/%s%s", r->outdir, sub, name, ext);
	dm_sfile_rename(to.buf);
	dm_buf_free(&to);
}

/* The n labels of NAME.mark beside the removals file rmpath (NAME.rm),
 * made for the shard of the tag. */
char **
dm_dedup_readmarks(const char *rmpath, size_t n, uint64_t want)
{
	struct dm_buf path = DM_BUF_INIT;
	char **v, *line = NULL;
	size_t cap = 0, i = 0;
	ssize_t k;
	uint64_t tag;
	FILE *f;

	dm_buf_add(&path, rmpath, strlen(rmpath) - 3);
	dm_buf_adds(&path, ".mark");
	if ((f = dm_dedup_sideopen(path.buf, ".mark", &tag)) == NULL)
		dm_die("%s: %s (--mark needs cluster --labels SIGDIR)",
		    path.buf, strerror(errno));
	if (tag != want)
		dm_die("%s: does not match its removals file", path.buf);
	/* after the open: its error is no leak */
	v = dm_xcalloc(n + 1, sizeof *v);
	while (i < n && (k = getline(&line, &cap, f)) > 0) {
		if (line[k - 1] == '\n')
			line[--k] = '\0';
		v[i++] = dm_xstrdup(line);
	}
	if (i < n || ferror(f) || getline(&line, &cap, f) > 0)
		dm_die("%s: does not match its removals file", path.buf);
	fclose(f);
	free(line);
	dm_buf_free(&path);
	return v;
}
