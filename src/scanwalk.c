/* scanwalk.c - dm-scan's walk over folders, files and archives */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "dm.h"
#include "scan.h"
#include "extract.h"

/* Data that starts with a compression's magic number and is too short
 * to hold a stream: libarchive's readers each say it their way. */
#define STUB		"truncated or damaged compressed data"

/* Bytes read before deciding what a file is. */
#define HEAD		(64 * 1024)
#define BLOCK		(1024 * 1024)

/* The working state of a scan. */
struct dm_scanwork {
	struct dm_buf	 data, dec, line, tmp;
	int		 tty;	/* stderr is a terminal; -1: not known yet */
	int		 progress_auto, progress_shown;
	struct timespec	 t_start, t_last;
	/* Open archives of the current operand, for --max-total. */
	struct {
		struct dm_archive	*a;
		unsigned long long	 got;
	} stk[DM_SCAN_MAXDEPTH + 1];
	int		 nstk;
	unsigned long long done;	/* bytes given out by archives
					 * already closed, this run */
	struct dm_buf	 toppath;	/* the file they are in */
	int		 fedfail;	/* the member that feeds a streamed
					 * archive could not be read (said) */
	/* the files the run writes, when they are regular files: standard
	 * output and error, the rejects file, the report file; a file of
	 * the walk that is one (dm-scan dir > dir/out.jsonl) is not read */
	struct {
		dev_t		 dev;
		ino_t		 ino;
		const char	*what;
	}		 own[4];
	int		 nown;
	/* the archive being read, name in the folder dfd, has a folder
	 * name! beside it, whose files' paths may be its members' */
	int		 shadow, shadowdfd;
	const char	*shadowname;
	size_t		 shadowlen;	/* of its path */
	int		 topfd;		/* the operand's or folder's file
					 * being read as an archive; -1 */
};

/* A source of bytes: a file, or the current member of an archive. */
struct src {
	int			 fd;
	struct dm_archive	*a;
	const char		*path;	/* for messages */
	int		 eof, err;
	struct dm_unz		*u;	/* a's single compressed stream,
					 * read by unz.c from the file */
};

/* Directories being walked, for loops under --follow. */
struct up {
	dev_t		 dev;
	ino_t		 ino;
	struct up	*up;
};

/* The path as printed in messages. */
static const char *
shown(struct dm_scan *sc, const char *s, size_t n)
{
	struct dm_scanwork *w = sc->w;

	dm_buf_reset(&w->tmp);
	dm_buf_addquoted(&w->tmp, s, n, SIZE_MAX);
	return w->tmp.buf;
}

static double
elapsed(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) +
	    (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

void
dm_scan_progress(struct dm_scan *sc, int last)
{
	struct dm_scanwork *w = sc->w;
	struct timespec now;
	double t;

	if (w->tty < 0) {
		w->tty = isatty(2);
		w->progress_auto = !sc->progress && w->tty;
	}
	if (!sc->progress && !w->progress_auto)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!last && elapsed(&w->t_last, &now) < 1.0)
		return;
	t = elapsed(&w->t_start, &now);
	if (!sc->progress && (t < 2.0 || (last && !w->progress_shown)))
		return;
	w->t_last = now;
	fprintf(stderr, "%s%s: %llu files, %.1f MB, %.1f MB/s%s",
	    w->tty ? "\r" : "",
	    dm_prog, sc->nread, (double)sc->nbytes / 1e6,
	    t > 0 ? (double)sc->nbytes / 1e6 / t : 0.0,
	    w->tty && !last ? "\033[K" : "\n");
	w->progress_shown = 1;
	dm_line_open = w->tty && !last;
}


static void
report(struct dm_scan *sc, const char *path, size_t n, const char *what)
{
	dm_warn("%s: %s", shown(sc, path, n), what);
	sc->nerrors++;
}

/* ---- filters ---- */

/* A pattern without a slash is matched against the last element. */
static int
match(const char *pat, const char *rel)
{
	const char *base;

	if (strchr(pat, '/') == NULL) {
		base = strrchr(rel, '/');
		return dm_glob(pat, base ? base + 1 : rel);
	}
	return dm_glob(pat, rel);
}

static int
excluded(struct dm_scan *sc, const char *rel, int isdir)
{
	struct dm_buf d = DM_BUF_INIT;
	size_t i;
	int r = 0;

	for (i = 0; i < sc->nexcl && !r; i++) {
		if (match(sc->excl[i], rel))
			r = 1;
		else if (isdir && strchr(sc->excl[i], '/')) {
			/* "dir/" then ** excludes the folder itself */
			dm_buf_reset(&d);
			dm_buf_adds(&d, rel);
			dm_buf_addc(&d, '/');
			r = dm_glob(sc->excl[i], d.buf);
		}
	}
	dm_buf_free(&d);
	return r;
}

/* A member is excluded with any folder above it. */
static int
excluded_member(struct dm_scan *sc, const char *rel)
{
	const char *p;
	char *dir;
	int r = 0;

	if (sc->nexcl == 0)
		return 0;
	for (p = rel; !r && (p = strchr(p, '/')) != NULL; p++) {
		dir = dm_xstrndup(rel, (size_t)(p - rel));
		r = *dir && excluded(sc, dir, 1);
		free(dir);
	}
	return r || excluded(sc, rel, 0);
}

/* --include and --type must both hold: one of the globs, and one of the
 * types. */
static int
included(struct dm_scan *sc, const char *rel, const char *type)
{
	size_t i;

	for (i = 0; i < sc->nincl; i++)
		if (match(sc->incl[i], rel))
			break;
	if (sc->nincl > 0 && i == sc->nincl)
		return 0;
	for (i = 0; i < sc->ntypes; i++)
		if (strcmp(sc->types[i], type) == 0)
			break;
	return sc->ntypes == 0 || i < sc->ntypes;
}

static int
ishidden(const char *rel)
{
	const char *p = rel;

	for (;;) {
		if (p[0] == '.' && p[1] != '/' && p[1] != '\0' &&
		    !(p[1] == '.' && (p[2] == '/' || p[2] == '\0')))
			return 1;
		if ((p = strchr(p, '/')) == NULL)
			return 0;
		p++;
	}
}

/* The extensions of compressed files, and what they say the data is. */
static const struct {
	const char	*ext, *name;
} zext[] = {
	{ "gz", "gzip" }, { "bz2", "bzip2" }, { "xz", "xz" },
	{ "zst", "zstd" }, { "lz4", "lz4" }, { "lzma", "lzma" },
	{ "z", "compress" }
};

/* The entry of zext for the extension of n bytes at ext; NULL: none. */
static const char *
zname(const char *ext, size_t n)
{
	size_t i;

	for (i = 0; i < sizeof zext / sizeof zext[0]; i++)
		if (strlen(zext[i].ext) == n &&
		    strncasecmp(ext, zext[i].ext, n) == 0)
			return zext[i].name;
	return NULL;
}

/* The type of a file: its extension, lower case, without the dot; for a
 * single compressed file, the one before the compressions' extensions,
 * as many of them as there were compressions (nz): b.txt.gz.gz is txt. */
static void
typeof_name(const char *path, size_t n, int nz, struct dm_buf *out)
{
	const char *base = path, *dot = NULL, *p;
	size_t len;

	for (p = path; p < path + n; p++)
		if (*p == '/')
			base = p + 1;
	len = (size_t)(path + n - base);
	for (;;) {
		dot = NULL;
		for (p = base + 1; p < base + len; p++)
			if (*p == '.')
				dot = p;
		if (nz <= 0 || dot == NULL)
			break;
		nz--;
		if (zname(dot + 1, (size_t)(base + len - dot - 1)) == NULL)
			break;
		len = (size_t)(dot - base);
	}
	dm_buf_reset(out);
	if (dot == NULL)
		return;
	for (p = dot + 1; p < base + len; p++)
		dm_buf_addc(out, *p >= 'A' && *p <= 'Z' ? *p + 'a' - 'A' : *p);
}

/* ---- reading ---- */

/* What archive i has given out: the bytes of its members read here, or
 * those its filters decompressed (members skipped included), the larger. */
static unsigned long long
given(struct dm_scanwork *w, int i)
{
	unsigned long long f;

	f = dm_archive_unpacked(w->stk[i].a);
	return f > w->stk[i].got ? f : w->stk[i].got;
}

/* --max-total counts every byte that the archives of the whole run gave
 * out, those of archives closed since included. */
static int
overtotal(struct dm_scan *sc)
{
	struct dm_scanwork *w = sc->w;
	unsigned long long sum = w->done;
	int i;

	if (sc->maxtotal == 0)
		return 0;
	for (i = 0; i < w->nstk; i++)
		sum += given(w, i);
	if (sum <= sc->maxtotal)
		return 0;
	if (!sc->bomb) {
		dm_warn("%s: more than --max-total '%s' decompressed in this "
		    "run, stopped", shown(sc, w->toppath.buf, w->toppath.len),
		    sc->maxtotal_arg);
	}
	sc->bomb = sc->stop = 1;
	return 1;
}

/* Reads up to n bytes; 0 at the end; -1 on an error (reported). */
static ssize_t
srcread(struct dm_scan *sc, struct src *s, char *buf, size_t n)
{
	struct dm_scanwork *w = sc->w;
	ssize_t r;
	int i;

	if (s->eof || s->err)
		return s->err ? -1 : 0;
	for (;;) {
		if (s->u)
			r = dm_unz_read(s->u, buf, n);
		else if (s->a)
			r = dm_archive_read(s->a, buf, n);
		else
			r = dm_read_wait(s->fd, buf, n);
		if (r >= 0)
			break;
		if (!s->a && !s->u && errno == EINTR && !dm_interrupted)
			continue;
		s->err = 1;
		if (dm_interrupted)
			return -1;
		if (s->u) {
			report(sc, s->path, strlen(s->path),
			    dm_unz_error(s->u));
			return -1;
		}
		/* an archive fed by a member that failed fails with it: the
		 * member's error was said, once */
		if (s->a && w->fedfail)
			return -1;
		if (s->a) {
			dm_buf_reset(&w->dec);
			dm_archive_error(&w->dec, s->a);
			report(sc, s->path, strlen(s->path), w->dec.buf);
		} else {
			dm_warnx_errno("%s",
			    shown(sc, s->path, strlen(s->path)));
			sc->nerrors++;
		}
		return -1;
	}
	if (r == 0)
		s->eof = 1;
	if (s->a && w->nstk > 0) {
		for (i = w->nstk - 1; i > 0 && w->stk[i].a != s->a; i--)
			;
		w->stk[i].got += (unsigned long long)r;
		if (overtotal(sc)) {
			s->err = 1;
			return -1;
		}
	} else if (s->u) {
		/* a file no archive of the stack holds (cutjsonl) */
		w->done += (unsigned long long)r;
		if (overtotal(sc)) {
			s->err = 1;
			return -1;
		}
	}
	sc->nbytes += (unsigned long long)r;
	return r;
}

/* Adds to b until it holds want bytes (or more) or the source ends. */
static int
fill(struct dm_scan *sc, struct src *s, struct dm_buf *b, size_t want)
{
	ssize_t r = 0;
	size_t room;

	while (b->len < want) {
		dm_buf_grow(b, want - b->len < BLOCK ? want - b->len : BLOCK);
		room = b->cap - b->len - 1;
		r = srcread(sc, s, b->buf + b->len,
		    room < want - b->len ? room : want - b->len);
		if (r <= 0)
			break;
		b->len += (size_t)r;
	}
	b->buf[b->len] = '\0';
	return r < 0 ? -1 : 0;
}

/* Counts the rest of a source, for a size that was not known. */
static int
drain(struct dm_scan *sc, struct src *s, unsigned long long *size)
{
	char blk[64 * 1024];
	ssize_t r;

	while ((r = srcread(sc, s, blk, sizeof blk)) > 0)
		*size += (unsigned long long)r;
	return r < 0 ? -1 : 0;
}

/* ---- writing ---- */

static void
addtime(struct dm_buf *b, time_t t)
{
	struct tm tm;
	char s[64];

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(s, sizeof s, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		strcpy(s, "1970-01-01T00:00:00Z");
	dm_buf_adds(b, s);
}

/* The id of a sample: the hash of its path, and of its page. */
static unsigned long long
docid(struct dm_scan *sc, const char *path, size_t plen,
    const struct dm_docinfo *di)
{
	struct dm_scanwork *w = sc->w;

	if (di == NULL || di->page <= 0)
		return (unsigned long long)dm_hash64(path, plen);
	dm_buf_reset(&w->tmp);
	dm_buf_add(&w->tmp, path, plen);
	dm_buf_addf(&w->tmp, "#page=%d", di->page);
	return (unsigned long long)dm_hash64(w->tmp.buf, w->tmp.len);
}

static void
addfield(struct dm_scan *sc, const char *key, const char *v)
{
	struct dm_scanwork *w = sc->w;

	if (v == NULL || *v == '\0')
		return;
	dm_buf_addf(&w->line, ",\"%s\":", key);
	dm_buf_reset(&w->tmp);
	dm_utf8_fix(&w->tmp, v, strlen(v));
	dm_json_addstr(&w->line, w->tmp.buf, w->tmp.len);
}

/* What a document says about itself, and what read it. */
static void
docinfo(struct dm_scan *sc, const struct dm_docinfo *di)
{
	struct dm_scanwork *w = sc->w;

	if (di->page > 0)
		dm_buf_addf(&w->line, ",\"page\":%d", di->page);
	if (di->pages > 0)
		dm_buf_addf(&w->line, ",\"pages\":%d", di->pages);
	if (di->slides > 0)
		dm_buf_addf(&w->line, ",\"slides\":%d", di->slides);
	if (di->sheets > 0)
		dm_buf_addf(&w->line, ",\"sheets\":%d", di->sheets);
	addfield(sc, "title", di->title);
	addfield(sc, "author", di->author);
	addfield(sc, "extractor", di->library);
}

static void
emit(struct dm_scan *sc, const char *path, size_t plen,
    unsigned long long size, time_t mtime,
    const char *type, const char *enc, const char *text, size_t tlen,
    const struct dm_docinfo *di)
{
	struct dm_scanwork *w = sc->w;
	const char *k, *dot;
	int depth_k = 0;

	dm_buf_reset(&w->line);
	dm_buf_adds(&w->line, "{\"path\":");
	if (dm_utf8_check(path, plen) == plen)
		dm_json_addstr(&w->line, path, plen);
	else {
		dm_buf_reset(&w->tmp);
		dm_utf8_fix(&w->tmp, path, plen);
		dm_json_addstr(&w->line, w->tmp.buf, w->tmp.len);
		dm_buf_adds(&w->line, ",\"path_base64\":\"");
		dm_base64_add(&w->line, path, plen);
		dm_buf_addc(&w->line, '"');
	}
	dm_buf_addf(&w->line, ",\"id\":\"%016llx\",\"size\":%llu,\"mtime\":\"",
	    docid(sc, path, plen, di), size);
	addtime(&w->line, mtime);
	dm_buf_adds(&w->line, "\",\"type\":");
	dm_buf_reset(&w->tmp);
	dm_utf8_fix(&w->tmp, type, strlen(type));
	dm_json_addstr(&w->line, w->tmp.buf, w->tmp.len);
	if (di)
		docinfo(sc, di);
	if (!sc->notext) {
		dm_buf_addf(&w->line, ",\"encoding\":\"%s\",", enc);
		/* a dotted key is a path: {"a":{"b":TEXT}} */
		for (k = sc->io->key; (dot = strchr(k, '.')) != NULL;
		    k = dot + 1) {
			dm_json_addstr(&w->line, k, (size_t)(dot - k));
			dm_buf_adds(&w->line, ":{");
			depth_k++;
		}
		dm_json_addstr(&w->line, k, strlen(k));
		dm_buf_addc(&w->line, ':');
		dm_json_addstr(&w->line, text, tlen);
		while (depth_k-- > 0)
			dm_buf_addc(&w->line, '}');
	}
	dm_buf_addc(&w->line, '}');
	dm_writer_line(&sc->io->out, w->line.buf, w->line.len);
	/* a document is counted once by doc(), whatever its pages */
	if (di == NULL)
		sc->nread++;
}

static int
blank(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r')
			return 0;
	return 1;
}

/* A line of a JSONL file longer than --max-line, from data + *start with
 * no newline in data: rejected with its head; under skip its rest is read
 * (data is reused for it) to report its length and go on after it. -1 when
 * the run stops. */
static int
longline(struct dm_scan *sc, struct src *s, const char *name,
    unsigned long lineno, size_t *start)
{
	struct dm_scanwork *w = sc->w;
	struct dm_io *io = sc->io;
	size_t headn = io->maxline < DM_LINE_HEAD ? io->maxline : DM_LINE_HEAD;
	unsigned long long len;
	char head[DM_LINE_HEAD], *nl;

	io->nin++;
	memcpy(head, w->data.buf + *start, headn);
	if (io->on_error != DM_ON_ERROR_SKIP)
		return dm_io_reject_long(io, name, lineno, head, headn, 0);
	len = w->data.len - *start;
	w->data.len = *start = 0;
	for (;;) {
		if (dm_interrupted || s->err)
			return -1;
		if (s->eof)
			break;
		if (fill(sc, s, &w->data, BLOCK) < 0)
			return -1;
		nl = memchr(w->data.buf, '\n', w->data.len);
		if (nl) {
			len += (size_t)(nl - w->data.buf);
			*start = (size_t)(nl - w->data.buf) + 1;
			break;
		}
		len += w->data.len;
		if (w->data.len == 0)
			break;
		w->data.len = 0;
	}
	return dm_io_reject_long(io, name, lineno, head, headn, len);
}

/* The lines of a JSONL file, checked, written as they are. data holds
 * the first bytes already. */
static void
jsonl_lines(struct dm_scan *sc, struct src *s, const char *path, size_t plen)
{
	struct dm_scanwork *w = sc->w;
	struct dm_buf name = DM_BUF_INIT, err = DM_BUF_INIT;
	unsigned long lineno = 0;
	size_t start = 0, n, col;
	char *nl, *l;

	dm_buf_addquoted(&name, path, plen, SIZE_MAX);
	sc->io->in.path = path;
	/* a byte order mark that opens the file is skipped, as the tools'
	 * reader skips it (dm(7)): the line is still 1 */
	if (dm_utf8_bom(w->data.buf, w->data.len))
		start = 3;
	for (;;) {
		nl = memchr(w->data.buf + start, '\n', w->data.len - start);
		if (nl == NULL && sc->io->maxline &&
		    w->data.len - start > sc->io->maxline) {
			if (longline(sc, s, name.buf, ++lineno, &start) < 0) {
				sc->stop = 1;
				break;
			}
			continue;
		}
		if (nl == NULL && !s->eof && !s->err) {
			memmove(w->data.buf, w->data.buf + start,
			    w->data.len - start);
			w->data.len -= start;
			start = 0;
			/* after a read error, the whole lines read before it
			 * are written, and the cut one left out (below) */
			if (fill(sc, s, &w->data, w->data.len + BLOCK) < 0 &&
			    dm_interrupted)
				break;
			continue;
		}
		if (nl == NULL && start == w->data.len)
			break;
		if (nl == NULL) {
			if (s->err)
				break;	/* a cut line is not a line */
			nl = w->data.buf + w->data.len;
		}
		l = w->data.buf + start;
		n = (size_t)(nl - l);
		start = nl < w->data.buf + w->data.len ? n + start + 1 :
		    w->data.len;
		lineno++;
		if (n > 0 && l[n - 1] == '\r')
			n--;
		if (blank(l, n))
			continue;
		if (sc->io->maxline && n > sc->io->maxline) {
			sc->io->nin++;
			if (dm_io_reject_long(sc->io, name.buf, lineno, l,
			    sc->io->maxline < DM_LINE_HEAD ? sc->io->maxline :
			    DM_LINE_HEAD, sc->io->on_error ==
			    DM_ON_ERROR_SKIP ? n : 0) < 0) {
				sc->stop = 1;
				break;
			}
			continue;
		}
		sc->io->nin++;
		dm_buf_reset(&err);
		if (dm_sample_load(&sc->io->s, l, n, name.buf, lineno, &err,
		    &col) == 0)
			dm_writer_line(&sc->io->out, l, n);
		else {
			if (dm_io_reject_at(sc->io, col, "%s", err.buf) < 0) {
				sc->stop = 1;
				break;
			}
		}
		dm_scan_progress(sc, 0);
	}
	sc->nread++;
	sc->njsonl++;
	dm_buf_free(&name);
	dm_buf_free(&err);
}

/* ---- documents (--extract) ---- */

/* The document type of a file or member whose first bytes are in data;
 * type is its extension, the one before the compression's for a single
 * compressed file. */
static enum dm_doctype
doctype(struct dm_scan *sc, const char *path, const char *type,
    int compressed)
{
	struct dm_scanwork *w = sc->w;
	struct dm_buf name = DM_BUF_INIT;
	enum dm_doctype t;

	if (!sc->extract)
		return DM_DOC_NONE;
	if (!compressed)
		return dm_doc_type(path, w->data.buf, w->data.len);
	dm_buf_addf(&name, "x.%s", type);
	t = dm_doc_type(name.buf, w->data.buf, w->data.len);
	dm_buf_free(&name);
	return t;
}

struct doc {
	struct dm_scan	*sc;
	const char	*path;
	size_t		 plen;
	unsigned long long size;
	time_t		 mtime;
	const char	*type;
	unsigned long long nsamples;
	struct dm_buf	 warns;	/* what doc_warn was told, each NUL-ended */
};

/* A part of a document that is missing, the rest of it read: said, and
 * an error, as a member of an archive that cannot be read is; said once
 * the document is read, as of one that fails later (a damaged chapter
 * after a missing one) only its failure is. */
static void
doc_warn(void *arg, const char *what)
{
	struct doc *d = arg;

	dm_buf_add(&d->warns, what, strlen(what) + 1);
}

static int
doc_sample(void *arg, const char *text, size_t len,
    const struct dm_docinfo *di)
{
	struct doc *d = arg;
	struct dm_scan *sc = d->sc;
	struct dm_buf fixed = DM_BUF_INIT;

	if (dm_utf8_check(text, len) != len) {
		dm_utf8_fix(&fixed, text, len);
		text = fixed.buf;
		len = fixed.len;
	}
	emit(sc, d->path, d->plen, d->size, d->mtime, d->type, "utf-8", text,
	    len, di);
	d->nsamples++;
	dm_buf_free(&fixed);
	return sc->stop || dm_interrupted ? -1 : 0;
}

/* A document read whole (data holds its first bytes, s gives the rest)
 * and handed to its extractor; one that fails is reported and skipped. */
static void
doc(struct dm_scan *sc, struct src *s, const char *path, size_t plen,
    time_t mtime, enum dm_doctype t)
{
	struct dm_scanwork *w = sc->w;
	struct dm_extractopt o;
	struct dm_buf err = DM_BUF_INIT;
	struct doc d = { sc, path, plen, 0, mtime, dm_doc_name(t), 0,
	    DM_BUF_INIT };
	size_t i;

	/* a member's header may understate its size: read to the cap */
	if (fill(sc, s, &w->data, (size_t)sc->maxsize + 1) < 0)
		return;
	if (w->data.len > sc->maxsize) {
		sc->nlarge++;
		dm_warn("%s: larger than --max-size, skipped",
		    shown(sc, path, plen));
		return;
	}
	if (w->data.len < sc->minsize) {
		sc->nsmall++;
		return;
	}
	d.size = w->data.len;
	memset(&o, 0, sizeof o);
	o.pages = sc->pdfpages;
	o.timeout = sc->doctimeout;
	o.maxout = sc->maxsize;
	o.warn = doc_warn;
	if (dm_extract(t, w->data.buf, w->data.len, &o, doc_sample, &d,
	    &err) < 0) {
		if (err.len == 0)
			dm_buf_adds(&err, "cannot be read");
		dm_warn("%s: %s, skipped", shown(sc, path, plen), err.buf);
		sc->ndocs++;
	} else {
		for (i = 0; i < d.warns.len; i += strlen(d.warns.buf + i) + 1) {
			dm_warn("%s: %s", shown(sc, path, plen),
			    d.warns.buf + i);
			sc->nerrors++;
		}
	}
	dm_buf_free(&d.warns);
	/* a file read, however many samples (pages) it gave; one read
	 * whole that gave none is counted, as it gives no sample */
	if (d.nsamples > 0)
		sc->nread++;
	else if (err.len == 0)
		sc->nnotext++;
	dm_buf_free(&err);
}

/*
 * A file or member that is not (or is not opened as) an archive: data
 * holds its first bytes, s gives the rest. size is -1 when not known;
 * compressed is the number of compressions taken off (0: none).
 */
static void
leaf(struct dm_scan *sc, struct src *s, const char *path, size_t plen,
    const char *rel,
    long long size, time_t mtime, int compressed)
{
	struct dm_scanwork *w = sc->w;
	struct dm_buf type = DM_BUF_INIT;
	unsigned long long sz;
	enum dm_doctype dt;
	const char *text, *enc, *zn;
	size_t tlen;
	int k;

	typeof_name(path, plen, compressed, &type);
	/* under --extract a document's type is what it is, whatever its
	 * name: --type chooses by the type that is written */
	dt = doctype(sc, path, type.buf, compressed);
	if (!included(sc, rel, dt != DM_DOC_NONE ? dm_doc_name(dt) :
	    type.buf))
		goto out;
	/* a name that says compressed, of data that is not (an error page
	 * saved as data.jsonl.gz): said, as it is read as it is; data that
	 * is but was not opened (--no-archives, --depth) is not */
	if (compressed == 0 && (zn = zname(type.buf, type.len)) != NULL &&
	    (k = dm_archive_sniff(w->data.buf, w->data.len)) !=
	    DM_SNIFF_COMPRESSED && k != DM_SNIFF_ARCHIVE) {
		dm_warn("%s: not %s data, read as it is",
		    shown(sc, path, plen), zn);
	}
	if (sc->jsonl && strcmp(type.buf, "jsonl") == 0) {
		jsonl_lines(sc, s, path, plen);
		goto out;
	}
	if (size >= 0 && (unsigned long long)size < sc->minsize)
		goto small;
	if (size >= 0 && (unsigned long long)size > sc->maxsize)
		goto large;
	if (dt != DM_DOC_NONE) {
		doc(sc, s, path, plen, mtime, dt);
		goto out;
	}
	if (dm_text_binary(w->data.buf, w->data.len)) {
		sc->nbinary++;
		goto out;
	}
	if (sc->notext) {
		/* a member is counted, not taken at its header's word: it
		 * is read through all the same */
		sz = w->data.len;
		if ((size < 0 || s->a != NULL) && drain(sc, s, &sz) < 0)
			goto out;
		if (size >= 0 && s->a == NULL)
			sz = (unsigned long long)size;
		if (sz < sc->minsize)
			goto small;
		if (sz > sc->maxsize)
			goto large;
		emit(sc, path, plen, sz, mtime, type.buf, NULL, NULL, 0, NULL);
		goto out;
	}
	/* Read to the cap whatever the size said: a member's header may
	 * understate it (the bytes past it are given all the same). */
	if (fill(sc, s, &w->data, (size_t)sc->maxsize + 1) < 0)
		goto out;
	if (w->data.len > sc->maxsize)
		goto large;
	if (w->data.len < sc->minsize)
		goto small;
	dm_buf_reset(&w->dec);
	switch (dm_text_decode(w->data.buf, w->data.len, sc->encerr, &w->dec,
	    &text, &tlen,
	    &enc)) {
	case DM_TEXT_BINARY:
		sc->nbinary++;
		break;
	case DM_TEXT_NOTUTF8:
		sc->nnotutf8++;
		break;
	default:
		emit(sc, path, plen, w->data.len, mtime, type.buf, enc, text,
		    tlen, NULL);
	}
	goto out;
large:
	sc->nlarge++;
	dm_warn("%s: larger than --max-size, skipped", shown(sc, path, plen));
	goto out;
small:
	sc->nsmall++;
out:
	dm_buf_free(&type);
	dm_scan_progress(sc, 0);
}

static int archive(struct dm_scan *, struct dm_archive *, struct dm_buf *,
    const char *, int, int,
    time_t, long long);
static int cutjsonl(struct dm_scan *, struct src *, struct dm_buf *,
    const char *, time_t);

/* Whether path, compressed nz times, is of type jsonl. */
static int
jsonltype(struct dm_scan *sc, const struct dm_buf *path, int nz)
{
	typeof_name(path->buf, path->len, nz, &sc->w->dec);
	return strcmp(sc->w->dec.buf, "jsonl") == 0;
}

/*
 * A single compressed file on disk, of gzip, bzip2, xz, zstd (pzstd's
 * too, which starts with a skippable frame), lz4 (its legacy format too)
 * or lzma, is read by unz.c, from its start, as the tools read it:
 * libarchive's filter hands out a block when it is full, so a stream cut
 * short lost the block it was filling (up to 64 KiB of lines before the
 * damage that gzip -dc gives), and the bytes after the end of the stream
 * (lines appended to a .gz) were passed over with status 0, where the
 * tools say 'data after the end of the compressed stream'. NULL for
 * another compression (compress: libarchive's filter reads on).
 */
static struct dm_unz *
unz(int fd)
{
	static const struct {
		const char *m;
		size_t len;
	} magic[] = {
		{ "\x1f\x8b", 2 }, { "BZh", 3 }, { "\xfd" "7zXZ", 5 },
		{ "\x28\xb5\x2f\xfd", 4 }, { "\x04\x22\x4d\x18", 4 },
		{ "\x02\x21\x4c\x18", 4 }, { "\x5d\0\0", 3 },
	};
	struct dm_buf err = DM_BUF_INIT;
	struct dm_unz *u;
	char head[6];
	ssize_t n;
	size_t i;
	int eof;

	if ((n = pread(fd, head, sizeof head, 0)) < 4)
		return NULL;
	for (i = 0; i < sizeof magic / sizeof magic[0]; i++)
		if (memcmp(head, magic[i].m, magic[i].len) == 0)
			break;
	/* a skippable frame: unz.c reads it as zstd's */
	if (i == sizeof magic / sizeof magic[0] &&
	    ((unsigned char)head[0] & 0xf0) == 0x50 &&
	    memcmp(head + 1, "\x2a\x4d\x18", 3) == 0)
		i = 0;
	if (i == sizeof magic / sizeof magic[0] ||
	    lseek(fd, n, SEEK_SET) < 0)
		return NULL;
	u = dm_unz_open(fd, head, (size_t)n, &eof, &err);
	dm_buf_free(&err);
	return u;
}

/* A nested archive read straight from the member that holds it: first
 * the bytes already read to sniff it, then the rest of the member. */
struct nest {
	struct dm_scan	*sc;
	struct src	*s;
	struct dm_buf	*head;
	int		 headdone;
	char		*blk;
};

static ssize_t
nest_read(void *arg, const void **buf, const char **why)
{
	struct nest *n = arg;
	ssize_t r;

	if (!n->headdone) {
		n->headdone = 1;
		if (n->head->len > 0) {
			*buf = n->head->buf;
			return (ssize_t)n->head->len;
		}
	}
	/* an error of the member was reported by srcread; what fails
	 * after it inside the nested archive is not */
	if ((r = srcread(n->sc, n->s, n->blk, BLOCK)) < 0) {
		n->sc->w->fedfail = 1;
		*why = "cannot read the member";
		return -1;
	}
	*buf = n->blk;
	return r;
}

/* zip, 7z and ISO 9660 are read with seeks: nested, they are read from
 * memory (up to --max-size); the others are read as a stream. */
static int
seekable(const char *p, size_t n)
{
	return (n >= 2 && memcmp(p, "PK", 2) == 0) ||
	    (n >= 6 && memcmp(p, "7z\xBC\xAF\x27\x1C", 6) == 0) ||
	    (n >= 32774 && memcmp(p + 32769, "CD001", 5) == 0);
}

/*
 * A member whose path is also that of a file on disk (x.tar!/m.txt, of a
 * folder x.tar! beside x.tar): both are samples with the same path and
 * id, and load reads the file. Said, and an error, as nothing in the path
 * can tell them apart.
 */
static void
ambiguous(struct dm_scan *sc, const struct dm_buf *path)
{
	struct dm_scanwork *w = sc->w;
	struct dm_buf p = DM_BUF_INIT;
	struct stat st;

	if (!w->shadow || path->len <= w->shadowlen)
		return;
	dm_buf_adds(&p, w->shadowname);
	dm_buf_add(&p, path->buf + w->shadowlen, path->len - w->shadowlen);
	if (fstatat(w->shadowdfd, p.buf, &st, sc->follow ? 0 :
	    AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode))
		report(sc, path->buf, path->len, "member with the path of a "
		    "file on disk (load reads the file)");
	dm_buf_free(&p);
}

/* A member of an archive at level, the nth (from 1); the name is
 * appended to path. */
static int
member(struct dm_scan *sc, struct dm_archive *a, const struct dm_entry *e,
    unsigned long long nth, struct dm_buf *path, int level, time_t outer)
{
	struct dm_scanwork *w = sc->w;
	struct dm_buf nm = DM_BUF_INIT, mem = DM_BUF_INIT;
	struct src s = { -1, a, NULL, 0, 0, NULL };
	struct dm_archive *in;
	const char *name, *rel;
	size_t keep = path->len;
	long long size;
	time_t mtime;
	int k;

	/* a name libarchive could not convert (a zip's name flagged UTF-8
	 * that is not): the member is read all the same, and said */
	if ((name = e->path) == NULL) {
		dm_warn("%s: member %llu has a name that cannot be read as "
		    "UTF-8, shown as '%s'", shown(sc, path->buf, path->len),
		    nth, DM_MEMBER_NONAME);
		name = DM_MEMBER_NONAME;
	}
	if (dm_member_name(name, &nm)) {
		dm_buf_addquoted(&mem, name, strlen(name), 200);
		dm_buf_adds(&mem, "' has an unsafe name, shown as '");
		dm_buf_addquoted(&mem, nm.buf, nm.len, 200);
		dm_warn("%s: member '%s'", shown(sc, path->buf, path->len),
		    mem.buf);
		dm_buf_reset(&mem);
	}
	for (rel = nm.buf; rel[0] == '.' && rel[1] == '/'; rel += 2)
		while (rel[2] == '/')
			rel++;
	if ((!sc->hidden && ishidden(rel)) || excluded_member(sc, rel))
		goto out;
	dm_buf_add(path, "!/", 2);
	dm_buf_add(path, nm.buf, nm.len);
	s.path = path->buf;
	size = e->size;
	mtime = e->hasmtime ? e->mtime : outer;
	dm_buf_reset(&w->data);
	if (fill(sc, &s, &w->data, HEAD) < 0)
		goto out;
	k = dm_archive_sniff(w->data.buf, w->data.len);
	/* a DOCX, ODT or EPUB is a zip, read as a document */
	if (k == DM_SNIFF_ARCHIVE && doctype(sc, path->buf, "", 0) !=
	    DM_DOC_NONE)
		k = DM_SNIFF_NONE;
	if (k == DM_SNIFF_COMPRESSED && !sc->noarch && level < sc->depth &&
	    dm_archive_stub(w->data.buf, w->data.len)) {
		report(sc, path->buf, path->len, STUB);
		goto out;
	}
	if ((k == DM_SNIFF_COMPRESSED || k == DM_SNIFF_ARCHIVE) && !sc->noarch &&
	    level < sc->depth && !seekable(w->data.buf, w->data.len)) {
		/* --max-size is for files that become samples, not for the
		 * archives that hold them: this one is streamed. */
		struct nest n = { sc, &s, &mem, 0, NULL };
		char *self;
		int fedfail = w->fedfail;

		/* its members' names are added to path, which may move:
		 * the member's errors are said with a copy of its own */
		self = dm_xstrndup(path->buf, path->len);
		s.path = self;
		dm_buf_swap(&mem, &w->data);
		n.blk = dm_xmalloc(BLOCK);
		in = dm_archive_new();
		if (dm_archive_openfeed(in, nest_read, &n) == 0)
			archive(sc, in, path, rel, level + 1, k, mtime, size);
		else if (!s.err) {
			dm_buf_reset(&w->dec);
			dm_archive_error(&w->dec, in);
			report(sc, path->buf, path->len, w->dec.buf);
		}
		w->fedfail = fedfail;
		dm_archive_free(in);
		free(n.blk);
		free(self);
		goto out;
	}
	if (k != DM_SNIFF_NONE && !sc->noarch && level < sc->depth) {
		/* Nested archives are read from memory, never from disk. */
		if ((size >= 0 && (unsigned long long)size > sc->maxsize) ||
		    fill(sc, &s, &w->data, sc->maxsize + 1) < 0 ||
		    w->data.len > sc->maxsize) {
			if (!s.err) {
				sc->nlarge++;
				dm_warn("%s: larger than --max-size, skipped",
				    shown(sc, path->buf, path->len));
			}
			goto out;
		}
		dm_buf_swap(&mem, &w->data);
		in = dm_archive_new();
		if (dm_archive_openmem(in, mem.buf, mem.len) == 0 &&
		    archive(sc, in, path, rel, level + 1, k, mtime,
		    (long long)mem.len)) {
			dm_archive_free(in);
			goto out;
		}
		dm_archive_free(in);
		dm_buf_swap(&mem, &w->data);
		s.eof = 1;
	}
	s.path = path->buf;	/* nested members may have moved it */
	ambiguous(sc, path);
	leaf(sc, &s, path->buf, path->len, rel, size, mtime, 0);
out:
	path->len = keep;
	path->buf[keep] = '\0';
	dm_buf_free(&nm);
	dm_buf_free(&mem);
	return s.err ? -1 : 0;
}

/*
 * Reads an opened archive (or single compressed file) named path, of size
 * bytes (-1: not known), whose
 * first bytes dm_archive_sniff found to be sniff. Returns 0 when it turned
 * out not to be one (nothing read yet, and only cpio's magic, which text
 * can start with: the caller reads it as a file), 1 when it was handled.
 */
static int
archive(struct dm_scan *sc, struct dm_archive *a, struct dm_buf *path,
    const char *rel, int level,
    int sniff, time_t mtime, long long size)
{
	struct dm_scanwork *w = sc->w;
	struct dm_entry e;
	struct src s = { -1, a, NULL, 0, 0, NULL };
	unsigned long long sz, nth = 1;
	int r, kind, lost, handled = 1, strong = sniff != DM_SNIFF_MAYBE;

	if (w->nstk > DM_SCAN_MAXDEPTH)
		return 0;
	w->stk[w->nstk].a = a;
	w->stk[w->nstk].got = 0;
	w->nstk++;
	r = dm_archive_next(a, &e);
	if (r == 0 && dm_archive_kind(a) == DM_SNIFF_COMPRESSED) {
		/* a compressed file that holds nothing: an empty file */
		s.path = path->buf;
		s.eof = 1;
		dm_buf_reset(&w->data);
		leaf(sc, &s, path->buf, path->len, rel, -1, mtime,
		    dm_archive_filters(a));
		goto out;
	}
	if (r == 0) {
		/* an empty archive, or something read as one (a gzip of
		 * zeros is an empty tar): say what was read, decompressed,
		 * or else the whole of it */
		if ((sz = given(w, w->nstk - 1)) == 0 && size > 0)
			sz = (unsigned long long)size;
		dm_warn("%s: no member: read as an empty %s archive, after "
		    "%llu bytes", shown(sc, path->buf, path->len),
		    dm_archive_format(a), sz);
		goto out;
	}
	if (r < 0 && w->fedfail)
		goto out;
	if (r < 0 && sniff == DM_SNIFF_COMPRESSED && level == 1 &&
	    w->topfd >= 0 && cutjsonl(sc, &s, path, rel, mtime))
		goto out;
	if (r < 0) {
		if (!strong) {
			handled = 0;	/* text that starts like cpio */
			goto out;
		}
		dm_buf_reset(&w->dec);
		dm_archive_error(&w->dec, a);
		report(sc, path->buf, path->len, w->dec.buf);
		goto out;
	}
	kind = dm_archive_kind(a);
	if (kind == DM_SNIFF_NONE) {
		/* the magic of gzip (say) with no stream after it */
		if (sniff == DM_SNIFF_COMPRESSED)
			report(sc, path->buf, path->len, STUB);
		else if (strong)
			report(sc, path->buf, path->len,
			    "not a readable archive");
		else
			handled = 0;
		goto out;
	}
	if (kind == DM_SNIFF_COMPRESSED) {
		s.path = path->buf;
		if (level == 1 && w->topfd >= 0 &&
		    dm_archive_filters(a) == 1)
			s.u = unz(w->topfd);
		dm_buf_reset(&w->data);
		/* under --jsonl, the whole lines of a .jsonl.gz before an
		 * error in its first bytes too (a small file cut short) */
		if (fill(sc, &s, &w->data, HEAD) == 0 || (s.err && sc->jsonl &&
		    !sc->stop && !dm_interrupted && jsonltype(sc, path,
		    dm_archive_filters(a))))
			leaf(sc, &s, path->buf, path->len, rel, -1, mtime,
			    dm_archive_filters(a));
		dm_unz_close(s.u);
		goto out;
	}
	for (;;) {
		if (r < 0) {
			if (!sc->bomb && !dm_interrupted && !w->fedfail) {
				dm_buf_reset(&w->dec);
				dm_archive_error(&w->dec, a);
				report(sc, path->buf, path->len, w->dec.buf);
			}
			break;
		}
		/* a member whose data could not be read was reported, and
		 * the archive is no good after it, unless it says so; what
		 * is left of the member is not read again */
		/* a hard link's text is the sample of the member that
		 * holds the data (before it in tar, after it in cpio):
		 * read as a file, it gave an empty sample */
		if (e.islink)
			sc->nlinks++;
		lost = e.isfile && !e.islink && member(sc, a, &e, nth, path,
		    level, mtime) < 0;
		if (lost && !dm_archive_goes_on(a))
			break;
		if (sc->stop || dm_interrupted || overtotal(sc))
			break;
		/* What was not read of the member (skipped for its size, its
		 * type, a filter) is read here, not skipped by libarchive,
		 * so that --max-total counts it as it comes. */
		s.path = path->buf;
		s.eof = s.err = 0;
		sz = 0;
		if (!lost && drain(sc, &s, &sz) < 0 && !dm_archive_goes_on(a))
			break;
		r = dm_archive_next(a, &e);
		if (r == 0)
			break;
		nth++;
	}
out:
	w->done += given(w, w->nstk - 1);
	w->nstk--;
	if (handled)
		overtotal(sc);
	return handled;
}

/* ---- folders and files ---- */

/*
 * Under --jsonl, a .jsonl.gz (bz2, xz, zst) cut short in its first bytes,
 * which libarchive could not even open: its whole lines are written, and
 * its error said, as the tools do, by unz.c from the start of the file
 * w->topfd. 1 when it was so; 0: nothing done.
 */
static int
cutjsonl(struct dm_scan *sc, struct src *s, struct dm_buf *path,
    const char *rel, time_t mtime)
{
	struct dm_scanwork *w = sc->w;

	if (!sc->jsonl || !jsonltype(sc, path, 1) ||
	    (s->u = unz(w->topfd)) == NULL)
		return 0;
	s->path = path->buf;
	s->eof = s->err = 0;
	dm_buf_reset(&w->data);
	if (fill(sc, s, &w->data, HEAD) == 0 || (s->err && !sc->stop &&
	    !dm_interrupted))
		leaf(sc, s, path->buf, path->len, rel, -1, mtime, 1);
	dm_unz_close(s->u);
	s->u = NULL;
	return 1;
}

/* Whether the archive name in dfd, whose path is len bytes, has a folder
 * name! beside it: then its members' paths are looked for on disk. */
static void
shadowed(struct dm_scan *sc, int dfd, const char *name, size_t len)
{
	struct dm_scanwork *w = sc->w;
	struct dm_buf p = DM_BUF_INIT;
	struct stat st;

	dm_buf_adds(&p, name);
	dm_buf_addc(&p, '!');
	w->shadow = fstatat(dfd, p.buf, &st, 0) == 0 && S_ISDIR(st.st_mode);
	w->shadowdfd = dfd;
	w->shadowname = name;
	w->shadowlen = len;
	dm_buf_free(&p);
}

/* rel is the offset in path of the path below the operand; the file is
 * name in the folder dfd (or AT_FDCWD), so that a path longer than
 * PATH_MAX is read as well. */
static void
file(struct dm_scan *sc, int dfd, const char *name, struct dm_buf *path,
    size_t rel, const struct stat *st)
{
	struct dm_scanwork *w = sc->w;
	struct src s = { -1, NULL, NULL, 0, 0, NULL };
	struct dm_archive *a;
	int i, k, fd;

	if (excluded(sc, path->buf + rel, 0))
		return;
	/* its own output, rejects or report: read, it would be samples of
	 * samples, or, for a --jsonl file written to as it is read, lines
	 * without end */
	for (i = 0; i < w->nown; i++)
		if (st->st_dev == w->own[i].dev &&
		    st->st_ino == w->own[i].ino) {
			dm_warn("%s: input file is %s, skipped",
			    shown(sc, path->buf, path->len), w->own[i].what);
			return;
		}
	if ((fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0) {
		dm_warnx_errno("%s", shown(sc, path->buf, path->len));
		sc->nerrors++;
		return;
	}
	s.fd = fd;
	s.path = path->buf;
	dm_buf_reset(&w->data);
	if (fill(sc, &s, &w->data, HEAD) < 0)
		goto out;
	k = dm_archive_sniff(w->data.buf, w->data.len);
	if (k == DM_SNIFF_ARCHIVE && doctype(sc, path->buf, "", 0) !=
	    DM_DOC_NONE)
		k = DM_SNIFF_NONE;
	if (k != DM_SNIFF_NONE && !sc->noarch && sc->depth > 0) {
		if (dm_archive_stub(w->data.buf, w->data.len)) {
			report(sc, path->buf, path->len, STUB);
			goto out;
		}
		if (lseek(fd, 0, SEEK_SET) < 0) {
			dm_warnx_errno("%s", shown(sc, path->buf, path->len));
			sc->nerrors++;
			goto out;
		}
		/* the file is read again from the start */
		sc->nbytes -= w->data.len;
		a = dm_archive_new();
		w->nstk = 0;
		dm_buf_reset(&w->toppath);
		dm_buf_add(&w->toppath, path->buf, path->len);
		if (dm_archive_openfd(a, fd, BLOCK) < 0) {
			w->topfd = fd;
			k = k == DM_SNIFF_COMPRESSED && cutjsonl(sc, &s, path,
			    path->buf + rel, st->st_mtime);
			w->topfd = -1;
			if (!k) {
				dm_buf_reset(&w->dec);
				dm_archive_error(&w->dec, a);
				report(sc, path->buf, path->len, w->dec.buf);
			}
			dm_archive_free(a);
			goto out;
		}
		shadowed(sc, dfd, name, path->len);
		w->topfd = fd;
		k = archive(sc, a, path, path->buf + rel, 1, k,
		    st->st_mtime, st->st_size);
		w->topfd = -1;
		w->shadow = 0;
		dm_archive_free(a);
		if (k)
			goto out;
		s.eof = 0;
		dm_buf_reset(&w->data);
		if (lseek(fd, 0, SEEK_SET) < 0 ||
		    fill(sc, &s, &w->data, HEAD) < 0)
			goto out;
	}
	s.path = path->buf;
	leaf(sc, &s, path->buf, path->len, path->buf + rel, st->st_size,
	    st->st_mtime, 0);
out:
	close(fd);
}

static int
cmpname(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void entry(struct dm_scan *, int, const char *, struct dm_buf *,
    size_t, struct up *);

/*
 * The folder open as dfd (taken over), named path. Its entries are
 * reached from dfd, not by their paths, so that a tree deeper than
 * PATH_MAX is walked too; dfd stays open while they are, a descriptor a
 * level.
 */
static void
walk(struct dm_scan *sc, int dfd, struct dm_buf *path, size_t rel,
    struct up *up)
{
	struct dirent *d;
	char **names = NULL;
	size_t n = 0, i, keep = path->len;
	const char *shownpath;
	DIR *dp;
	int e;

	if ((dp = fdopendir(dfd)) == NULL) {
		dm_warnx_errno("%s", shown(sc, path->buf, path->len));
		sc->nerrors++;
		close(dfd);
		return;
	}
	for (;;) {
		errno = 0;
		if ((d = readdir(dp)) == NULL)
			break;
		if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
			continue;
		if (!sc->hidden && d->d_name[0] == '.')
			continue;
		names = dm_xreallocarray(names, n + 1, sizeof *names);
		names[n++] = dm_xstrdup(d->d_name);
	}
	/* NULL is the end of the folder, or an error that cut its listing
	 * short (EIO on a failing disk, a network folder gone): the entries
	 * read before it are walked all the same, as find does, and the run
	 * says the folder was not read whole */
	if ((e = errno) != 0) {
		shownpath = shown(sc, path->buf, path->len);
		errno = e;
		dm_warnx_errno("%s: folder not read to its end", shownpath);
		sc->nerrors++;
	}
	if (n > 1)
		qsort(names, n, sizeof *names, cmpname);
	for (i = 0; i < n; i++) {
		if (!sc->stop && !dm_interrupted) {
			if (keep > 0 && path->buf[keep - 1] != '/')
				dm_buf_addc(path, '/');
			dm_buf_adds(path, names[i]);
			entry(sc, dirfd(dp), names[i], path, rel, up);
			path->len = keep;
			path->buf[keep] = '\0';
		}
		free(names[i]);
	}
	free(names);
	closedir(dp);
}

/* path names a folder entry, name in the folder dfd; path->buf + rel is
 * its path below the operand. */
static void
entry(struct dm_scan *sc, int dfd, const char *name, struct dm_buf *path,
    size_t rel, struct up *up)
{
	struct stat st;
	struct up me, *p;
	int fd;

	if (fstatat(dfd, name, &st, sc->follow ? 0 : AT_SYMLINK_NOFOLLOW) <
	    0) {
		dm_warnx_errno("%s", shown(sc, path->buf, path->len));
		sc->nerrors++;
		return;
	}
	if (S_ISDIR(st.st_mode)) {
		if (excluded(sc, path->buf + rel, 1))
			return;
		for (p = up; p; p = p->up)
			if (p->dev == st.st_dev && p->ino == st.st_ino) {
				dm_warn("%s: symbolic link loop, not followed",
				    shown(sc, path->buf, path->len));
				sc->nloops++;
				return;
			}
		if ((fd = openat(dfd, name, O_RDONLY | O_DIRECTORY |
		    O_CLOEXEC | (sc->follow ? 0 : O_NOFOLLOW))) < 0) {
			dm_warnx_errno("%s", shown(sc, path->buf, path->len));
			sc->nerrors++;
			return;
		}
		me.dev = st.st_dev;
		me.ino = st.st_ino;
		me.up = up;
		walk(sc, fd, path, rel, &me);
	} else if (S_ISREG(st.st_mode))
		file(sc, dfd, name, path, rel, &st);
	else if (!S_ISLNK(st.st_mode))
		sc->nspecial++;
}

void
dm_scan_path(struct dm_scan *sc, const char *arg)
{
	struct dm_buf path = DM_BUF_INIT;
	struct stat st;
	struct up me;
	size_t rel;
	int fd;

	if (sc->stop || dm_interrupted)
		return;
	/* a walk holds a descriptor for each level of folders */
	(void)dm_nofile_raise();
	dm_buf_adds(&path, arg);
	/* An operand is followed when it is a link, as find -H does. */
	if (stat(arg, &st) < 0) {
		dm_warnx_errno("%s", shown(sc, arg, strlen(arg)));
		sc->nerrors++;
	} else if (S_ISDIR(st.st_mode)) {
		me.dev = st.st_dev;
		me.ino = st.st_ino;
		me.up = NULL;
		if ((fd = open(arg, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
			dm_warnx_errno("%s", shown(sc, arg, strlen(arg)));
			sc->nerrors++;
		} else
			walk(sc, fd, &path, path.len + (path.len > 0 &&
			    path.buf[path.len - 1] != '/'), &me);
	} else if (S_ISREG(st.st_mode)) {
		for (rel = 0; arg[rel] == '.' && arg[rel + 1] == '/'; rel += 2)
			;
		file(sc, AT_FDCWD, arg, &path, rel, &st);
	} else
		sc->nspecial++;
	dm_buf_free(&path);
}

void
dm_scan_summary(struct dm_scan *sc)
{
	struct dm_buf b = DM_BUF_INIT;

	if (!(sc->nbinary || sc->nlarge || sc->nnotutf8 || sc->nspecial ||
	    sc->nerrors || sc->nloops || sc->ndocs || sc->nnotext ||
	    sc->nlinks))
		return;
	dm_buf_addf(&b, "%llu file%s read", sc->nread,
	    sc->nread == 1 ? "" : "s");
	if (sc->nbinary)
		dm_buf_addf(&b, ", %llu binary file%s skipped", sc->nbinary,
		    sc->nbinary == 1 ? "" : "s");
	if (sc->nlarge)
		dm_buf_addf(&b, ", %llu file%s too large", sc->nlarge,
		    sc->nlarge == 1 ? "" : "s");
	if (sc->nnotutf8)
		dm_buf_addf(&b, ", %llu file%s not UTF-8 skipped", sc->nnotutf8,
		    sc->nnotutf8 == 1 ? "" : "s");
	if (sc->nspecial)
		dm_buf_addf(&b, ", %llu special file%s skipped", sc->nspecial,
		    sc->nspecial == 1 ? "" : "s");
	if (sc->ndocs)
		dm_buf_addf(&b, ", %llu document%s skipped", sc->ndocs,
		    sc->ndocs == 1 ? "" : "s");
	if (sc->nnotext)
		dm_buf_addf(&b, ", %llu document%s without text", sc->nnotext,
		    sc->nnotext == 1 ? "" : "s");
	if (sc->nlinks)
		dm_buf_addf(&b, ", %llu hard link%s in archives skipped",
		    sc->nlinks, sc->nlinks == 1 ? "" : "s");
	if (sc->nloops)
		dm_buf_addf(&b, ", %llu link loop%s", sc->nloops,
		    sc->nloops == 1 ? "" : "s");
	if (sc->nerrors)
		dm_buf_addf(&b, ", %llu error%s", sc->nerrors,
		    sc->nerrors == 1 ? "" : "s");
	dm_warn("%s", b.buf);
	dm_buf_free(&b);
}


void
dm_scan_init(struct dm_scan *sc, struct dm_io *io)
{
	struct dm_scanwork *w;
	struct stat st;

	memset(sc, 0, sizeof *sc);
	sc->io = io;
	sc->depth = 4;
	sc->maxsize = 64ULL << 20;
	/* far above any real archive's data, far below a bomb's */
	sc->maxtotal = 16ULL << 30;
	sc->maxtotal_arg = "16G";
	sc->encerr = DM_ENCERR_REPLACE;
	sc->doctimeout = 30;
	sc->w = w = dm_xcalloc(1, sizeof *sc->w);
	dm_buf_init(&w->data);
	dm_buf_init(&w->dec);
	dm_buf_init(&w->line);
	dm_buf_init(&w->tmp);
	dm_buf_init(&w->toppath);
	w->tty = -1;
	w->topfd = -1;
	if (fstat(1, &st) == 0)
		dm_scan_own(sc, &st, "output file");
	/* 2> corpus/scan.log: the messages of the walk so far, a sample */
	if (fstat(2, &st) == 0)
		dm_scan_own(sc, &st, "standard error");
	clock_gettime(CLOCK_MONOTONIC, &w->t_start);
	w->t_last = w->t_start;
}

void
dm_scan_own(struct dm_scan *sc, const struct stat *st, const char *what)
{
	struct dm_scanwork *w = sc->w;

	/* only a regular file is read by the walk */
	if (!S_ISREG(st->st_mode) ||
	    w->nown == (int)(sizeof w->own / sizeof w->own[0]))
		return;
	w->own[w->nown].dev = st->st_dev;
	w->own[w->nown].ino = st->st_ino;
	w->own[w->nown++].what = what;
}

void
dm_scan_free(struct dm_scan *sc)
{
	struct dm_scanwork *w = sc->w;

	if (w == NULL)
		return;
	dm_buf_free(&w->data);
	dm_buf_free(&w->dec);
	dm_buf_free(&w->line);
	dm_buf_free(&w->tmp);
	dm_buf_free(&w->toppath);
	free(w);
	sc->w = NULL;
}
