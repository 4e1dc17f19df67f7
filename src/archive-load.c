/* archive-load.c - archives.h's and extract.h's functions, called in dm-archive.so */
#include <stddef.h>
#include <sys/types.h>

#include "dm.h"
#include "archive-shim.h"
#include "memcap.h"
#include "shim.h"

#ifdef DM_ARCHIVE_DIRECT

/* The shim's objects are linked in: nothing to load. */
int
dm_archive_shim_load(struct dm_buf *err)
{
	(void)err;
	return 0;
}

#else

/*
 * What dm-archive.so calls in the tool that loads it. A tool's functions
 * are exported (-rdynamic), but a member of libdm.a is linked into a tool
 * only when the tool refers to it: these references keep every one the
 * shim needs in each tool that can load it. The Makefile checks that
 * each dm_ name the shim leaves undefined is here.
 */
__attribute__((used))
static void (*const keepfn[])(void) = {
	(void (*)(void))dm_buf_add, (void (*)(void))dm_buf_addc,
	(void (*)(void))dm_buf_addf, (void (*)(void))dm_buf_addquoted,
	(void (*)(void))dm_buf_adds, (void (*)(void))dm_buf_detach,
	(void (*)(void))dm_buf_free, (void (*)(void))dm_buf_grow,
	(void (*)(void))dm_buf_init, (void (*)(void))dm_buf_reset,
	(void (*)(void))dm_buf_setlen, (void (*)(void))dm_die,
	(void (*)(void))dm_hexdigit, (void (*)(void))dm_memcap_child,
	(void (*)(void))dm_memcap_send,
	(void (*)(void))dm_now, (void (*)(void))dm_read_wait,
	(void (*)(void))dm_utf8_check,
	(void (*)(void))dm_utf8_fix, (void (*)(void))dm_xmalloc,
	(void (*)(void))dm_xreallocarray, (void (*)(void))dm_xstrdup,
	(void (*)(void))dm_xstrndup
};
__attribute__((used))
static const volatile void *const keepvar[] = {
	dm_buf_empty, &dm_interrupted, &dm_memcap, &dm_memcap_arg
};

static const struct dm_archive_shim *shim;

int
dm_archive_shim_load(struct dm_buf *err)
{
	if (shim == NULL &&
	    (shim = dm_shim_load("dm-archive", "dm_archive_shim", err)) == NULL)
		return -1;
	return 0;
}

/* The shim, or -1 with "what: the reason" appended to err. */
static int
load(struct dm_buf *err, const char *what)
{
	struct dm_buf why = DM_BUF_INIT;

	if (dm_archive_shim_load(&why) == 0)
		return 0;
	dm_buf_addf(err, "%s: %s", what, why.buf);
	dm_buf_free(&why);
	return -1;
}

/* For the calls that have no way to fail: the shim or the end. */
static void
need(void)
{
	struct dm_buf err = DM_BUF_INIT;

	if (dm_archive_shim_load(&err) < 0)
		dm_die("%s", err.buf);
}

/* ---- archives ---- */

/* dm_archive_new cannot fail: without the shim it gives this, which
 * every open refuses and dm_archive_error explains. */
static char noshim;
#define NOSHIM	((struct dm_archive *)(void *)&noshim)
static struct dm_buf noshim_why = DM_BUF_INIT;

struct dm_archive *
dm_archive_new(void)
{
	dm_buf_reset(&noshim_why);
	if (dm_archive_shim_load(&noshim_why) < 0)
		return NOSHIM;
	return shim->archive_new();
}

int
dm_archive_openfd(struct dm_archive *d, int fd, size_t block)
{
	return d == NOSHIM ? -1 : shim->archive_openfd(d, fd, block);
}

int
dm_archive_openmem(struct dm_archive *d, const void *p, size_t n)
{
	return d == NOSHIM ? -1 : shim->archive_openmem(d, p, n);
}

int
dm_archive_openfeed(struct dm_archive *d, dm_archive_feed feed, void *arg)
{
	return d == NOSHIM ? -1 : shim->archive_openfeed(d, feed, arg);
}

int
dm_archive_next(struct dm_archive *d, struct dm_entry *m)
{
	return d == NOSHIM ? -1 : shim->archive_next(d, m);
}

int
dm_archive_kind(struct dm_archive *d)
{
	return d == NOSHIM ? DM_SNIFF_NONE : shim->archive_kind(d);
}

int
dm_archive_filters(struct dm_archive *d)
{
	return d == NOSHIM ? 0 : shim->archive_filters(d);
}

const char *
dm_archive_format(struct dm_archive *d)
{
	return d == NOSHIM ? "" : shim->archive_format(d);
}

unsigned long long
dm_archive_unpacked(struct dm_archive *d)
{
	return d == NOSHIM ? 0 : shim->archive_unpacked(d);
}

ssize_t
dm_archive_read(struct dm_archive *d, void *buf, size_t n)
{
	return d == NOSHIM ? -1 : shim->archive_read(d, buf, n);
}

int
dm_archive_goes_on(struct dm_archive *d)
{
	return d == NOSHIM ? 0 : shim->archive_goes_on(d);
}

void
dm_archive_error(struct dm_buf *b, struct dm_archive *d)
{
	if (d == NOSHIM)
		dm_buf_addf(b, "cannot read archives: %s", noshim_why.buf);
	else
		shim->archive_error(b, d);
}

void
dm_archive_free(struct dm_archive *d)
{
	if (d != NOSHIM)
		shim->archive_free(d);
}

/* ---- a compressed stream in, a tar out ---- */

struct dm_unz *
dm_unz_open(int fd, const char *pre, size_t npre, int *eof,
    struct dm_buf *err)
{
	if (load(err, "cannot read compressed input") < 0)
		return NULL;
	return shim->unz_open(fd, pre, npre, eof, err);
}

ssize_t
dm_unz_read(struct dm_unz *a, void *buf, size_t n)
{
	return shim->unz_read(a, buf, n);
}

ssize_t
dm_unz_read_now(struct dm_unz *a, void *buf, size_t n)
{
	return shim->unz_read_now(a, buf, n);
}

const char *
dm_unz_error(struct dm_unz *a)
{
	return shim->unz_error(a);
}

void
dm_unz_close(struct dm_unz *a)
{
	shim->unz_close(a);
}

struct archive *
dm_tar_new(struct dm_buf *out, struct dm_buf *err)
{
	if (load(err, "cannot write tar archives") < 0)
		return NULL;
	return shim->tar_new(out, err);
}

int
dm_tar_file(struct archive *a, const char *path, const char *name,
    struct dm_buf *err)
{
	return shim->tar_file(a, path, name, err);
}

int
dm_tar_tree(struct archive *a, const char *dir, const char *prefix,
    struct dm_buf *err)
{
	return shim->tar_tree(a, dir, prefix, err);
}

int
dm_tar_close(struct archive *a, int ok, struct dm_buf *err)
{
	return shim->tar_close(a, ok, err);
}

/* ---- documents ---- */

int
dm_extract_docx(const void *data, size_t len, const struct dm_extractopt *o,
    dm_doc_fn fn, void *ctx, struct dm_buf *err)
{
	if (load(err, "cannot read documents") < 0)
		return -1;
	return shim->extract_docx(data, len, o, fn, ctx, err);
}

int
dm_extract_odt(const void *data, size_t len, const struct dm_extractopt *o,
    dm_doc_fn fn, void *ctx, struct dm_buf *err)
{
	if (load(err, "cannot read documents") < 0)
		return -1;
	return shim->extract_odt(data, len, o, fn, ctx, err);
}

int
dm_extract_pptx(const void *data, size_t len, const struct dm_extractopt *o,
    dm_doc_fn fn, void *ctx, struct dm_buf *err)
{
	if (load(err, "cannot read documents") < 0)
		return -1;
	return shim->extract_pptx(data, len, o, fn, ctx, err);
}

int
dm_extract_xlsx(const void *data, size_t len, const struct dm_extractopt *o,
    dm_doc_fn fn, void *ctx, struct dm_buf *err)
{
	if (load(err, "cannot read documents") < 0)
		return -1;
	return shim->extract_xlsx(data, len, o, fn, ctx, err);
}

int
dm_extract_epub(const void *data, size_t len, const struct dm_extractopt *o,
    dm_doc_fn fn, void *ctx, struct dm_buf *err)
{
	if (load(err, "cannot read documents") < 0)
		return -1;
	return shim->extract_epub(data, len, o, fn, ctx, err);
}

int
dm_extract_html(const void *data, size_t len, const struct dm_extractopt *o,
    dm_doc_fn fn, void *ctx, struct dm_buf *err)
{
	if (load(err, "cannot read documents") < 0)
		return -1;
	return shim->extract_html(data, len, o, fn, ctx, err);
}

/* clean-html blocks=true loaded the shim when it was set up. */
int
dm_html_text(const char *s, size_t n, struct dm_doctext *t, char **title,
    char **author, struct dm_buf *err)
{
	need();
	return shim->html_text(s, n, t, title, author, err);
}

void
dm_doctext_init(struct dm_doctext *t, const struct dm_extractopt *o)
{
	need();
	shim->doctext_init(t, o);
}

void
dm_doctext_free(struct dm_doctext *t)
{
	need();
	shim->doctext_free(t);
}

#endif /* DM_ARCHIVE_DIRECT */
