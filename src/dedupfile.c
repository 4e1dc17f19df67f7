/* dedupfile.c - dm-dedup's stage files: a header, sorted records, an MD5 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nettle/md5.h>

#include "dedup.h"

/*
 * A stage file (dm-dedup.1 describes it for users):
 *
 *	0	8	magic "DMDEDUP\n"
 *	8	4	version, 3 (little-endian, as every number of the header)
 *	12	4	kind: 1 signatures, 2 pairs, 3 removals
 *	16	4	bytes a record
 *	20	4	bytes of a record's key
 *	24	8	records
 *	32	4	bytes of the settings text
 *	36	4	shard names
 *	40	8	signatures: the size of the input shard, in bytes
 *	48	8	signatures: the XXH64 of its bytes (as dm-run's --resume
 *			checks a block); pairs and removals: 40 to 56 is the
 *			MD5 of their shards' names, sizes and XXH64s
 *			(dm_sfile_ident), so that an output is known to be of
 *			the signatures it was made from
 *	56	8	zero
 *	64		the settings text, then each shard name as 2 bytes of
 *			length, its bytes, and the size and XXH64 of the
 *			shard's bytes as its signatures have them (8 bytes
 *			each): signatures name none (the file's name is
 *			their shard's), pairs every shard, removals their
 *			own shard alone
 *	...		the records
 *	end	16	MD5 of the records
 *
 * A file is written under a temporary name in its directory and renamed
 * when complete, so a file that exists is whole; a file cut short or
 * changed is found by its size and its MD5.
 *
 * The side files of sign and cluster (kinds 4 labels, 5 shingle sets, 6
 * their index, 7 marks) have the same header with no settings and no
 * names; the MD5 of their body is in the header, at 40, so that the body
 * runs from 64 to the end of the file and is read at offsets (sets) or as
 * lines (labels, marks). Their records are of 1 byte (text), 8 or 16.
 * At 56 they have the tag of their shard (dm_sfile_tag): labels and sets
 * of another shard of the same name, or of other settings, are not taken
 * for those of the signatures.
 */

#define MAGIC	"DMDEDUP\n"
#define VERSION	3
#define HEAD	64
#define WBUF	(1 << 20)
#define RBUF	DM_SFILE_RBUF	/* a reader's buffer, about: pairs has one a
				   shard open */

struct dm_sfile {
	int		 fd;
	char		*path, *tmp;
	struct dm_shead	 h;
	struct md5_ctx	 md5;
	char		*buf;
	size_t		 len, pos, cap;
	unsigned long long left;	/* records still to read */
	int		 soft;		/* a checksum mismatch sets bad */
	int		 bad;
};

static void
le32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static uint32_t
get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static void
le64(unsigned char *p, uint64_t v)
{
	le32(p, (uint32_t)v);
	le32(p + 4, (uint32_t)(v >> 32));
}

static uint64_t
getle64(const unsigned char *p)
{
	return get32(p) | (uint64_t)get32(p + 4) << 32;
}

void
dm_sfile_ident(char **names, const uint64_t *ids, size_t n, uint64_t out[2])
{
	struct md5_ctx md5;
	unsigned char v[16];
	uint8_t md[MD5_DIGEST_SIZE];
	size_t i;

	md5_init(&md5);
	for (i = 0; i < n; i++) {
		/* the name with its NUL: no two lists give the same bytes */
		md5_update(&md5, strlen(names[i]) + 1,
		    (const uint8_t *)names[i]);
		le64(v, ids[2 * i]);
		le64(v + 8, ids[2 * i + 1]);
		md5_update(&md5, sizeof v, v);
	}
	md5_digest(&md5, sizeof md, md);
	out[0] = getle64(md);
	out[1] = getle64(md + 8);
}

uint64_t
dm_sfile_tag(const char *settings, const char *name, uint64_t size,
    uint64_t hash)
{
	struct md5_ctx md5;
	unsigned char v[16];
	uint8_t md[MD5_DIGEST_SIZE];

	md5_init(&md5);
	md5_update(&md5, strlen(settings) + 1, (const uint8_t *)settings);
	md5_update(&md5, strlen(name) + 1, (const uint8_t *)name);
	le64(v, size);
	le64(v + 8, hash);
	md5_update(&md5, sizeof v, v);
	md5_digest(&md5, sizeof md, md);
	return getle64(md);
}

static void
xwrite(struct dm_sfile *f, const void *p, size_t n)
{
	const char *c = p;
	ssize_t w;

	while (n > 0) {
		if ((w = write(f->fd, c, n)) < 0) {
			if (errno == EINTR)
				continue;
			dm_die("%s: write error: %s", f->tmp, strerror(errno));
		}
		c += w;
		n -= (size_t)w;
	}
}

static void
head(const struct dm_shead *h, unsigned long long count, struct dm_buf *b)
{
	unsigned char fix[HEAD], id[16];
	size_t i, n;

	memset(fix, 0, sizeof fix);
	memcpy(fix, MAGIC, 8);
	le32(fix + 8, VERSION);
	le32(fix + 12, h->kind);
	le32(fix + 16, h->recsz);
	le32(fix + 20, h->keysz);
	le32(fix + 24, (uint32_t)count);
	le32(fix + 28, (uint32_t)(count >> 32));
	le32(fix + 32, (uint32_t)strlen(h->settings));
	le32(fix + 36, (uint32_t)h->nnames);
	le32(fix + 40, (uint32_t)h->insize);
	le32(fix + 44, (uint32_t)(h->insize >> 32));
	le32(fix + 48, (uint32_t)h->inhash);
	le32(fix + 52, (uint32_t)(h->inhash >> 32));
	dm_buf_add(b, fix, HEAD);
	dm_buf_adds(b, h->settings);
	for (i = 0; i < h->nnames; i++) {
		n = strlen(h->names[i]);
		dm_buf_addc(b, (int)(n & 0xFF));
		dm_buf_addc(b, (int)(n >> 8));
		dm_buf_add(b, h->names[i], n);
		le64(id, h->ids ? h->ids[2 * i] : 0);
		le64(id + 8, h->ids ? h->ids[2 * i + 1] : 0);
		dm_buf_add(b, id, sizeof id);
	}
}

/*
 * The temporary files of this process that have not got their names yet:
 * removed at exit, so that a stage that dies (a write error on a full
 * disk, a damaged input) leaves no .NAME.tmp behind, and by dm-dedup's
 * main before it dies of a signal (SIGINT, SIGTERM, SIGHUP), which skips
 * atexit: the handler only sets dm_interrupted, and the stage stops at
 * its next look at it, so nothing is unlinked in the handler and no
 * file gets its name once the flag is set. A stage that ends well has
 * renamed them all.
 */
static char	**tmps;
static size_t	  ntmps;

void
dm_sfile_rmtmps(void)
{
	size_t i;

	for (i = 0; i < ntmps; i++) {
		unlink(tmps[i]);
		free(tmps[i]);
	}
	free(tmps);
	tmps = NULL;
	ntmps = 0;
}

void
dm_sfile_tmpadd(const char *tmp)
{
	static int armed;

	if (!armed && atexit(dm_sfile_rmtmps) == 0)
		armed = 1;
	tmps = dm_xreallocarray(tmps, ntmps + 1, sizeof *tmps);
	tmps[ntmps++] = dm_xstrdup(tmp);
}

void
dm_sfile_tmpdone(const char *tmp)
{
	size_t i;

	for (i = 0; i < ntmps; i++)
		if (strcmp(tmps[i], tmp) == 0) {
			free(tmps[i]);
			tmps[i] = tmps[--ntmps];
			return;
		}
}

/* The temporary name of path: ".NAME.tmp" beside it. */
static void
tmpname(struct dm_buf *b, const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash)
		dm_buf_addf(b, "%.*s/.%s.tmp", (int)(slash - path), path,
		    slash + 1);
	else
		dm_buf_addf(b, ".%s.tmp", path);
}

struct dm_sfile *
dm_sfile_create(const char *path, const struct dm_shead *h)
{
	struct dm_sfile *f = dm_xcalloc(1, sizeof *f);
	struct dm_buf b = DM_BUF_INIT;

	f->path = dm_xstrdup(path);
	tmpname(&b, path);
	f->tmp = dm_buf_detach(&b, NULL);
	if ((f->fd = open(f->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0666)) < 0)
		dm_die("%s: %s", f->tmp, strerror(errno));
	dm_sfile_tmpadd(f->tmp);
	f->h = *h;
	head(h, 0, &b);
	xwrite(f, b.buf, b.len);
	dm_buf_free(&b);
	md5_init(&f->md5);
	f->cap = WBUF;
	f->buf = dm_xmalloc(f->cap);
	return f;
}

void
dm_sfile_put(struct dm_sfile *f, const void *rec)
{
	if (f->len + f->h.recsz > f->cap) {
		md5_update(&f->md5, f->len, (const uint8_t *)f->buf);
		xwrite(f, f->buf, f->len);
		f->len = 0;
	}
	memcpy(f->buf + f->len, rec, f->h.recsz);
	f->len += f->h.recsz;
	f->h.count++;
}

static void
end(struct dm_sfile *f, int name)
{
	struct dm_buf b = DM_BUF_INIT;
	uint8_t md[MD5_DIGEST_SIZE];

	md5_update(&f->md5, f->len, (const uint8_t *)f->buf);
	xwrite(f, f->buf, f->len);
	md5_digest(&f->md5, sizeof md, md);
	xwrite(f, md, sizeof md);
	head(&f->h, f->h.count, &b);
	if (pwrite(f->fd, b.buf, HEAD, 0) != HEAD)
		dm_die("%s: write error: %s", f->tmp, strerror(errno));
	dm_buf_free(&b);
	if (fsync(f->fd) < 0 || close(f->fd) < 0)
		dm_die("%s: write error: %s", f->tmp, strerror(errno));
	/* interrupted, the records may have been cut short: the file
	 * stays under its temporary name, which is removed */
	if (name && !dm_interrupted && rename(f->tmp, f->path) < 0)
		dm_die("%s: %s", f->path, strerror(errno));
	if (name && !dm_interrupted)
		dm_sfile_tmpdone(f->tmp);
	free(f->buf);
	free(f->tmp);
	free(f->path);
	free(f);
}

void
dm_sfile_commit(struct dm_sfile *f)
{
	end(f, 1);
}

void
dm_sfile_finish(struct dm_sfile *f)
{
	end(f, 0);
}

void
dm_sfile_rename(const char *path)
{
	struct dm_buf b = DM_BUF_INIT;

	tmpname(&b, path);
	if (!dm_interrupted && rename(b.buf, path) < 0)
		dm_die("%s: %s", path, strerror(errno));
	if (!dm_interrupted)
		dm_sfile_tmpdone(b.buf);
	dm_buf_free(&b);
}

static int
bad(struct dm_buf *err, const char *path, const char *what)
{
	dm_buf_addf(err, "%s: %s", path, what);
	return -1;
}

int
dm_dedup_preadn(int fd, void *p, size_t n, off_t off)
{
	char *c = p;
	ssize_t got;

	while (n > 0) {
		if ((got = pread(fd, c, n, off)) <= 0) {
			if (got < 0 && errno == EINTR)
				continue;
			if (got == 0)
				errno = 0;
			return -1;
		}
		c += got;
		off += got;
		n -= (size_t)got;
	}
	return 0;
}

static const char *const kinds[] = { "", "signature", "pairs", "removals",
    "labels", "sets", "set index", "marks" };

struct dm_sfile *
dm_sfile_open(const char *path, uint32_t kind, struct dm_buf *err)
{
	struct dm_sfile *f;
	unsigned char fix[HEAD], len2[2], *v = NULL;
	struct stat st;
	uint32_t slen, i;
	size_t vlen, p, n;
	unsigned long long want;
	ssize_t got;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		dm_buf_addf(err, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) < 0 || (got = pread(fd, fix, HEAD, 0)) != HEAD ||
	    memcmp(fix, MAGIC, 8) != 0) {
		close(fd);
		bad(err, path, "not a dm-dedup stage file");
		return NULL;
	}
	if (get32(fix + 8) != VERSION) {
		close(fd);
		dm_buf_addf(err, "%s: stage file version %u, this dm-dedup "
		    "reads version %d", path, get32(fix + 8), VERSION);
		return NULL;
	}
	if (get32(fix + 12) != kind) {
		close(fd);
		dm_buf_addf(err, "%s: a %s file, not a %s file", path,
		    get32(fix + 12) < 8 ? kinds[get32(fix + 12)] : "foreign",
		    kinds[kind]);
		return NULL;
	}
	f = dm_xcalloc(1, sizeof *f);
	f->fd = fd;
	f->path = dm_xstrdup(path);
	f->h.kind = kind;
	f->h.recsz = get32(fix + 16);
	f->h.keysz = get32(fix + 20);
	f->h.count = get32(fix + 24) | (unsigned long long)get32(fix + 28) << 32;
	slen = get32(fix + 32);
	f->h.nnames = get32(fix + 36);
	f->h.insize = get32(fix + 40) | (uint64_t)get32(fix + 44) << 32;
	f->h.inhash = get32(fix + 48) | (uint64_t)get32(fix + 52) << 32;
	/* the variable part: settings and names, at most what the file has;
	 * read piece by piece, not with the records behind it (a file of
	 * signatures may be gigabytes) */
	vlen = (size_t)(st.st_size > HEAD ? st.st_size - HEAD : 0);
	if (f->h.recsz == 0 || f->h.recsz > DM_DEDUP_MAXREC || slen > vlen ||
	    f->h.nnames > vlen)
		goto trunc;
	v = dm_xmalloc((size_t)slen + 1);
	if (dm_dedup_preadn(fd, v, slen, HEAD) < 0)
		goto trunc;
	f->h.settings = dm_xstrndup((char *)v, slen);
	f->h.names = dm_xcalloc(f->h.nnames + 1, sizeof *f->h.names);
	f->h.ids = dm_xcalloc(2 * f->h.nnames + 1, sizeof *f->h.ids);
	for (p = slen, i = 0; i < f->h.nnames; i++) {
		if (p + 2 > vlen ||
		    dm_dedup_preadn(fd, len2, 2, HEAD + (off_t)p) < 0)
			goto trunc;
		n = len2[0] | (size_t)len2[1] << 8;
		if (p + 2 + n + 16 > vlen)
			goto trunc;
		v = dm_xrealloc(v, n + 16 + 1);
		if (dm_dedup_preadn(fd, v, n + 16, HEAD + (off_t)p + 2) < 0)
			goto trunc;
		f->h.names[i] = dm_xstrndup((char *)v, n);
		f->h.ids[2 * i] = getle64(v + n);
		f->h.ids[2 * i + 1] = getle64(v + n + 8);
		p += 2 + n + 16;
	}
	want = HEAD + p + f->h.count * f->h.recsz + MD5_DIGEST_SIZE;
	if (want != (unsigned long long)st.st_size)
		goto trunc;
	free(v);
	if (lseek(fd, HEAD + (off_t)p, SEEK_SET) < 0)
		goto trunc;
	md5_init(&f->md5);
	f->left = f->h.count;
	f->cap = (RBUF / f->h.recsz ? RBUF / f->h.recsz : 1) * f->h.recsz;
	f->buf = dm_xmalloc(f->cap);
	return f;
trunc:
	free(v);
	dm_buf_addf(err, "%s: truncated or damaged stage file", path);
	dm_sfile_close(f);
	return NULL;
}

const struct dm_shead *
dm_sfile_head(const struct dm_sfile *f)
{
	return &f->h;
}

static void
readn(struct dm_sfile *f, void *p, size_t n)
{
	char *c = p;
	ssize_t got;

	while (n > 0) {
		if ((got = read(f->fd, c, n)) <= 0) {
			if (got < 0 && errno == EINTR)
				continue;
			dm_die("%s: %s", f->path, got < 0 ? strerror(errno) :
			    "truncated or damaged stage file");
		}
		c += got;
		n -= (size_t)got;
	}
}

const void *
dm_sfile_get(struct dm_sfile *f)
{
	uint8_t md[MD5_DIGEST_SIZE], want[MD5_DIGEST_SIZE];
	size_t n;

	if (f->pos == f->len) {
		if (f->left == 0) {
			if (f->fd >= 0) {
				/* the end: the records must be those written */
				readn(f, want, sizeof want);
				md5_digest(&f->md5, sizeof md, md);
				if (memcmp(md, want, sizeof md) != 0 && f->soft)
					f->bad = 1;
				else if (memcmp(md, want, sizeof md) != 0)
					dm_die("%s: checksum mismatch: the stage "
					    "file was changed", f->path);
				close(f->fd);
				f->fd = -1;
			}
			return NULL;
		}
		n = f->cap / f->h.recsz;
		if (n > f->left)
			n = (size_t)f->left;
		readn(f, f->buf, n * f->h.recsz);
		md5_update(&f->md5, n * f->h.recsz, (uint8_t *)f->buf);
		f->left -= n;
		f->len = n * f->h.recsz;
		f->pos = 0;
	}
	f->pos += f->h.recsz;
	return f->buf + f->pos - f->h.recsz;
}

int
dm_sfile_check(const char *path, uint32_t kind, const char *settings,
    const uint64_t *in, struct dm_buf *err)
{
	struct dm_sfile *f;
	uint64_t tag;
	int fd, rc;

	if (kind >= DM_SFILE_LABELS) {
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
			dm_buf_addf(err, "%s: %s", path, strerror(errno));
			return -1;
		}
		rc = dm_sfile_verify(fd, path, kind, &tag, err);
		close(fd);
		if (rc == 0 && in && in[0] != tag) {
			dm_buf_addf(err, "%s: made from another input or with "
			    "other settings", path);
			rc = 1;
		}
		return rc;
	}
	if ((f = dm_sfile_open(path, kind, err)) == NULL)
		return -1;
	f->soft = 1;
	while (dm_sfile_get(f) != NULL)
		;
	rc = 0;
	if (f->bad)
		rc = bad(err, path, "checksum mismatch: the stage file was "
		    "changed");
	else if (settings && strcmp(settings, f->h.settings) != 0) {
		dm_buf_addf(err, "%s: made with other settings", path);
		rc = 1;
	} else if (in && (in[0] != f->h.insize || in[1] != f->h.inhash)) {
		dm_buf_addf(err, "%s: made from another input", path);
		rc = 1;
	}
	dm_sfile_close(f);
	return rc;
}

void
dm_sfile_close(struct dm_sfile *f)
{
	size_t i;

	if (f == NULL)
		return;
	if (f->fd >= 0)
		close(f->fd);
	for (i = 0; f->h.names && i < f->h.nnames; i++)
		free(f->h.names[i]);
	free(f->h.names);
	free(f->h.ids);
	free(f->h.settings);
	free(f->buf);
	free(f->path);
	free(f);
}

/* ---- side files: the MD5 of the body in the header ---- */

static uint32_t
siderecsz(uint32_t kind)
{
	return kind == DM_SFILE_SETS ? 8 : kind == DM_SFILE_SETIDX ? 16 : 1;
}

/* The MD5 of the bytes of fd from DM_SFILE_BODY to size; -1 on a read
 * error or a short file. */
static int
bodymd5(int fd, off_t size, uint8_t md[MD5_DIGEST_SIZE])
{
	struct md5_ctx md5;
	char *buf = dm_xmalloc(WBUF);
	off_t off = DM_SFILE_BODY;
	ssize_t got;

	md5_init(&md5);
	while (off < size) {
		got = pread(fd, buf, (size_t)(size - off < WBUF ? size - off :
		    WBUF), off);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			free(buf);
			return -1;
		}
		md5_update(&md5, (size_t)got, (const uint8_t *)buf);
		off += got;
	}
	md5_digest(&md5, MD5_DIGEST_SIZE, md);
	free(buf);
	return 0;
}

void
dm_sfile_seal(int fd, const char *path, uint32_t kind, uint64_t tag)
{
	unsigned char fix[HEAD];
	uint32_t recsz = siderecsz(kind);
	unsigned long long count;
	struct stat st;

	if (fstat(fd, &st) < 0 || st.st_size < HEAD ||
	    bodymd5(fd, st.st_size, fix + 40) < 0)
		dm_die("%s: read error: %s", path, strerror(errno));
	count = (unsigned long long)(st.st_size - HEAD) / recsz;
	memcpy(fix, MAGIC, 8);
	le32(fix + 8, VERSION);
	le32(fix + 12, kind);
	le32(fix + 16, recsz);
	le32(fix + 20, 0);
	le32(fix + 24, (uint32_t)count);
	le32(fix + 28, (uint32_t)(count >> 32));
	le32(fix + 32, 0);
	le32(fix + 36, 0);
	le64(fix + 56, tag);
	if (pwrite(fd, fix, HEAD, 0) != HEAD)
		dm_die("%s: write error: %s", path, strerror(errno));
}

int
dm_sfile_verify(int fd, const char *path, uint32_t kind, uint64_t *tag,
    struct dm_buf *err)
{
	unsigned char fix[HEAD];
	uint8_t md[MD5_DIGEST_SIZE];
	unsigned long long count;
	struct stat st;

	if (fstat(fd, &st) < 0 || pread(fd, fix, HEAD, 0) != HEAD ||
	    memcmp(fix, MAGIC, 8) != 0)
		return bad(err, path, "not a dm-dedup stage file");
	if (get32(fix + 8) != VERSION) {
		dm_buf_addf(err, "%s: stage file version %u, this dm-dedup "
		    "reads version %d", path, get32(fix + 8), VERSION);
		return -1;
	}
	if (get32(fix + 12) != kind) {
		dm_buf_addf(err, "%s: a %s file, not a %s file", path,
		    get32(fix + 12) < 8 ? kinds[get32(fix + 12)] : "foreign",
		    kinds[kind]);
		return -1;
	}
	count = get32(fix + 24) | (unsigned long long)get32(fix + 28) << 32;
	if (get32(fix + 16) != siderecsz(kind) || get32(fix + 32) != 0 ||
	    get32(fix + 36) != 0 || count > (unsigned long long)st.st_size ||
	    HEAD + count * siderecsz(kind) != (unsigned long long)st.st_size)
		return bad(err, path, "truncated or damaged stage file");
	if (bodymd5(fd, st.st_size, md) < 0) {
		dm_buf_addf(err, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (memcmp(md, fix + 40, MD5_DIGEST_SIZE) != 0)
		return bad(err, path, "checksum mismatch: the stage file was "
		    "changed");
	if (tag)
		*tag = getle64(fix + 56);
	return 0;
}
