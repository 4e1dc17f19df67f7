/* scan.c - text detection and decoding, member names, loading a path */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dm.h"
#include "scan.h"

#define SNIFF	8192		/* bytes looked at for binary detection */

/* Bytes of s that are not part of a valid UTF-8 sequence. */
static size_t
badbytes(const char *s, size_t n)
{
	size_t i = 0, bad = 0;
	int32_t cp;
	int k;

	while (i < n) {
		if ((unsigned char)s[i] < 0x80) {
			i++;
			continue;
		}
		if ((k = dm_utf8_decode(s + i, n - i, &cp)) < 0) {
			bad++;
			i++;
		} else
			i += (size_t)k;
	}
	return bad;
}

static void
utf16(const unsigned char *p, size_t n, int be, struct dm_buf *out)
{
	size_t i;
	uint32_t u, l;

	dm_buf_grow(out, n + n / 2);
	for (i = 0; i + 1 < n; i += 2) {
		u = be ? (uint32_t)p[i] << 8 | p[i + 1] :
		    (uint32_t)p[i + 1] << 8 | p[i];
		if (u >= 0xD800 && u <= 0xDBFF && i + 3 < n) {
			l = be ? (uint32_t)p[i + 2] << 8 | p[i + 3] :
			    (uint32_t)p[i + 3] << 8 | p[i + 2];
			if (l >= 0xDC00 && l <= 0xDFFF) {
				dm_buf_addcp(out, (int32_t)(0x10000 +
				    ((u - 0xD800) << 10) + (l - 0xDC00)));
				i += 2;
				continue;
			}
		}
		if (u >= 0xD800 && u <= 0xDFFF)
			u = 0xFFFD;
		dm_buf_addcp(out, (int32_t)u);
	}
	if (i < n)		/* an odd last byte */
		dm_buf_addcp(out, 0xFFFD);
}

int
dm_text_binary(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t head = n < SNIFF ? n : SNIFF;

	if (n >= 2 && ((p[0] == 0xFF && p[1] == 0xFE) ||
	    (p[0] == 0xFE && p[1] == 0xFF)))
		return 0;
	if (memchr(s, '\0', head) != NULL)
		return 1;
	/* (a sequence cut by the end of the window costs a few bytes) */
	return badbytes(s, head) * 10 > head * 3;
}

int
dm_text_decode(const char *s, size_t n, enum dm_encerr mode,
    struct dm_buf *out, const char **text, size_t *len, const char **enc)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i;
	int32_t cp;
	int k, bom;

	if (n >= 2 && ((p[0] == 0xFF && p[1] == 0xFE) ||
	    (p[0] == 0xFE && p[1] == 0xFF))) {
		utf16(p + 2, n - 2, p[0] == 0xFE, out);
		*enc = p[0] == 0xFE ? "utf-16be" : "utf-16le";
		*text = out->buf;
		*len = out->len;
		return DM_TEXT_OK;
	}
	if (dm_text_binary(s, n))
		return DM_TEXT_BINARY;
	bom = dm_utf8_bom(s, n);
	if (bom) {
		s += 3;
		n -= 3;
	}
	if (dm_utf8_check(s, n) == n) {
		*text = s;
		*len = n;
		*enc = bom ? "utf-8-bom" : "utf-8";
		return DM_TEXT_OK;
	}
	switch (mode) {
	case DM_ENCERR_SKIP:
		return DM_TEXT_NOTUTF8;
	case DM_ENCERR_LATIN1:
		dm_buf_grow(out, n + n / 4);
		for (i = 0; i < n; i++)
			dm_buf_addcp(out, (unsigned char)s[i]);
		*enc = "latin1";
		break;
	case DM_ENCERR_REPLACE:
		dm_buf_grow(out, n + n / 8);
		for (i = 0; i < n; ) {
			if ((k = dm_utf8_decode(s + i, n - i, &cp)) < 0) {
				dm_buf_adds(out, "\xEF\xBF\xBD");
				i++;
			} else {
				dm_buf_add(out, s + i, (size_t)k);
				i += (size_t)k;
			}
		}
		*enc = "utf-8-replaced";
		break;
	}
	*text = out->buf;
	*len = out->len;
	return DM_TEXT_OK;
}

/* Whether a name has an element other than "." (and empty ones). */
static int
named(const char *p)
{
	size_t n;

	for (;;) {
		n = strcspn(p, "/");
		if (n > 1 || (n == 1 && *p != '.'))
			return 1;
		if (p[n] == '\0')
			return 0;
		p += n + 1;
	}
}

int
dm_member_name(const char *name, struct dm_buf *out)
{
	const char *p = name, *e;
	int unsafe = 0;

	while (*p == '/') {
		p++;
		unsafe = 1;
	}
	while (*p) {
		e = strchr(p, '/');
		if (e == NULL)
			e = p + strlen(p);
		if (e - p == 2 && p[0] == '.' && p[1] == '.') {
			unsafe = 1;
		} else if (e > p) {
			if (out->len > 0 && out->buf[out->len - 1] != '/')
				dm_buf_addc(out, '/');
			dm_buf_add(out, p, (size_t)(e - p));
		}
		p = *e ? e + 1 : e;
		while (unsafe && *p == '/')
			p++;
	}
	if (!unsafe) {
		dm_buf_reset(out);
		dm_buf_adds(out, name);
	}
	/* "..", ".", "a/.." made "", "." or "a": nothing names the member
	 * itself, or would name the archive's top */
	if (!named(out->buf)) {
		dm_buf_reset(out);
		dm_buf_adds(out, DM_MEMBER_NONAME);
		unsafe = 1;
	}
	return unsafe;
}

int
dm_glob(const char *p, const char *s)
{
	const char *q;
	int neg, ok, c;

	for (; *p; p++, s++) {
		if (p[0] == '*' && p[1] == '*') {
			p += 2;
			if (*p == '/') {
				/* any number of whole directories, none too */
				p++;
				for (;;) {
					if (dm_glob(p, s))
						return 1;
					if ((s = strchr(s, '/')) == NULL)
						return 0;
					s++;
				}
			}
			for (;; s++) {
				if (dm_glob(p, s))
					return 1;
				if (*s == '\0')
					return 0;
			}
		}
		if (*p == '*') {
			p++;
			for (;; s++) {
				if (dm_glob(p, s))
					return 1;
				if (*s == '\0' || *s == '/')
					return 0;
			}
		}
		if (*s == '\0')
			return 0;
		if (*p == '?') {
			if (*s == '/')
				return 0;
			continue;
		}
		if (*p == '[' && (q = strchr(p + 2, ']')) != NULL) {
			p++;
			neg = *p == '!' || *p == '^';
			p += neg;
			ok = 0;
			c = (unsigned char)*s;
			for (; p < q; p++) {
				if (p + 2 < q && p[1] == '-') {
					if (c >= (unsigned char)p[0] &&
					    c <= (unsigned char)p[2])
						ok = 1;
					p += 2;
				} else if (c == (unsigned char)*p)
					ok = 1;
			}
			if (ok == neg || *s == '/')
				return 0;
			continue;
		}
		if (*p == '\\' && p[1])
			p++;
		if (*p != *s)
			return 0;
	}
	return *s == '\0';
}

/* ---- reading a file or member named by a path, for load ---- */

/* Reads from fd, or the current entry of a, to the end, into b (which may
 * hold a head already); more than max bytes in all is an error. */
static int
slurp(int fd, struct dm_archive *a, struct dm_buf *b, size_t max,
    const char *name, struct dm_buf *err)
{
	ssize_t n;

	for (;;) {
		if (b->len > max) {
			dm_buf_addf(err, "%s: larger than %zu bytes", name, max);
			return -1;
		}
		dm_buf_grow(b, 256 * 1024);
		if (a)
			n = dm_archive_read(a, b->buf + b->len,
			    b->cap - b->len - 1);
		else
			n = dm_read_wait(fd, b->buf + b->len, b->cap - b->len - 1);
		if (n == 0)
			return 0;
		if (n < 0) {
			if (!a && errno == EINTR && !dm_interrupted)
				continue;
			dm_buf_addf(err, "%s: ", name);
			if (a)
				dm_archive_error(err, a);
			else
				dm_buf_adds(err, strerror(errno));
			return -1;
		}
		b->len += (size_t)n;
		b->buf[b->len] = '\0';
	}
}

/* data holds a whole file or member: decompresses it when it is a single
 * compressed stream, then decodes it. */
static int
leaf(struct dm_buf *data, const char *name, const struct dm_loadopt *o,
    struct dm_buf *text, const char **enc, struct dm_buf *err)
{
	struct dm_archive *a;
	struct dm_entry m;
	struct dm_buf raw = DM_BUF_INIT;
	const char *t;
	size_t n;
	int r;

	if (dm_archive_sniff(data->buf, data->len) == DM_SNIFF_COMPRESSED) {
		a = dm_archive_new();
		if (dm_archive_openmem(a, data->buf, data->len) < 0 ||
		    (r = dm_archive_next(a, &m)) < 0) {
			dm_buf_addf(err, "%s: ", name);
			dm_archive_error(err, a);
			dm_archive_free(a);
			return -1;
		}
		if (dm_archive_kind(a) == DM_SNIFF_COMPRESSED) {
			/* an empty one has no entry, and no data to read */
			if (r > 0)
				r = slurp(-1, a, &raw, o->maxsize, name, err);
			dm_archive_free(a);
			if (r < 0) {
				dm_buf_free(&raw);
				return -1;
			}
			dm_buf_swap(&raw, data);
		} else
			dm_archive_free(a);
	}
	dm_buf_free(&raw);
	switch (dm_text_decode(data->buf, data->len, o->encerr, text, &t, &n,
	    enc)) {
	case DM_TEXT_BINARY:
		dm_buf_addf(err, "%s: binary file", name);
		return -1;
	case DM_TEXT_NOTUTF8:
		dm_buf_addf(err, "%s: not UTF-8", name);
		return -1;
	}
	if (t != text->buf) {
		dm_buf_reset(text);
		dm_buf_add(text, t, n);
	}
	return 0;
}

/* Finds in a the member that path names, the whole of it or up to a "!/"
 * (a member's name may hold "!/" too: the first that fits is taken), then
 * goes on into it. */
static int
member(struct dm_archive *a, const char *path, const char *name,
    const struct dm_loadopt *o, struct dm_buf *text, const char **enc,
    struct dm_buf *err)
{
	struct dm_entry m;
	struct dm_archive *in;
	struct dm_buf want = DM_BUF_INIT, got = DM_BUF_INIT, data = DM_BUF_INIT;
	const char *rest;
	int r;

	rest = strstr(path, "!/");
	dm_buf_add(&want, path, rest ? (size_t)(rest - path) : strlen(path));
	for (;;) {
		r = dm_archive_next(a, &m);
		if (r == 0) {
			dm_buf_addf(err, "%s: no member '%s'", name, want.buf);
			r = -1;
			break;
		}
		if (r < 0) {
			dm_buf_addf(err, "%s: ", name);
			dm_archive_error(err, a);
			r = -1;
			break;
		}
		if (!m.isfile)
			continue;
		/* a name that could not be read is shown as dm-scan shows it */
		dm_buf_reset(&got);
		dm_member_name(m.path ? m.path : DM_MEMBER_NONAME, &got);
		if (strcmp(got.buf, path) == 0)
			rest = NULL;
		else if (strncmp(got.buf, path, got.len) == 0 &&
		    strncmp(path + got.len, "!/", 2) == 0)
			rest = path + got.len;
		else
			continue;
		r = slurp(-1, a, &data, o->maxsize, name, err);
		if (r < 0)
			break;
		if (rest == NULL) {
			r = leaf(&data, name, o, text, enc, err);
			break;
		}
		in = dm_archive_new();
		if (dm_archive_openmem(in, data.buf, data.len) < 0) {
			dm_buf_addf(err, "%s: ", name);
			dm_archive_error(err, in);
			r = -1;
		} else
			r = member(in, rest + 2, name, o, text, enc, err);
		dm_archive_free(in);
		break;
	}
	dm_buf_free(&want);
	dm_buf_free(&got);
	dm_buf_free(&data);
	return r;
}

int
dm_scan_load(const char *path, const struct dm_loadopt *o, struct dm_buf *text,
    const char **enc, struct dm_buf *err)
{
	struct dm_buf disk = DM_BUF_INIT, data = DM_BUF_INIT, name = DM_BUF_INIT;
	struct dm_archive *a;
	struct stat st;
	const char *rest = NULL, *p;
	int fd, r;

	dm_buf_addquoted(&name, path, strlen(path), 200);
	dm_buf_adds(&disk, path);
	/* The file on disk: the whole path when it is a file, else the
	 * first prefix before a "!/" that is one. */
	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode)) {
		for (p = path; (p = strstr(p, "!/")) != NULL; p += 2) {
			dm_buf_reset(&disk);
			dm_buf_add(&disk, path, (size_t)(p - path));
			if (stat(disk.buf, &st) == 0 && S_ISREG(st.st_mode)) {
				rest = p + 2;
				break;
			}
		}
		if (p == NULL) {
			dm_buf_reset(&disk);
			dm_buf_adds(&disk, path);
		}
	}
	r = -1;
	/* O_NONBLOCK: opening a FIFO must not wait for a writer; the type is
	 * checked on the open file, then reads block again. */
	if ((fd = open(disk.buf, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0) {
		dm_buf_addf(err, "%s: %s", name.buf, strerror(errno));
		goto out;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0) {
		dm_buf_addf(err, "%s: not a regular file", name.buf);
		close(fd);
		goto out;
	}
	if (rest == NULL) {
		if (slurp(fd, NULL, &data, o->maxsize, name.buf, err) == 0)
			r = leaf(&data, name.buf, o, text, enc, err);
	} else {
		a = dm_archive_new();
		if (dm_archive_openfd(a, fd, 256 * 1024) < 0) {
			dm_buf_addf(err, "%s: ", name.buf);
			dm_archive_error(err, a);
		} else
			r = member(a, rest, name.buf, o, text, enc, err);
		dm_archive_free(a);
	}
	close(fd);
out:
	dm_buf_free(&disk);
	dm_buf_free(&data);
	dm_buf_free(&name);
	return r;
}
