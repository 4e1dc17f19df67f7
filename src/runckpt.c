/* runckpt.c - dm-run's --output-dir: part files and their manifest */
#include <sys/mman.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run.h"

struct rec {
	unsigned long long off, len;
	uint64_t	 hash;
	int		 set;
	int		 checked;	/* the part's size and sum are recorded */
	unsigned long long size;	/* of the part file */
	uint64_t	 sum;		/* XXH64 of the part file */
	int		 status;	/* its job's exit status, 0 or 1; -1
					 * when not recorded (an older dm) */
};

struct dm_ckpt {
	char		*dir;
	int		 dirfd;
	int		 mfd;		/* _MANIFEST, appended to */
	char		*head;		/* its header (header()) */
	struct rec	*recs;		/* by sequence number */
	unsigned long long nrecs, maxrec;
	int		 ended;		/* the run resumed was complete: */
	unsigned long long end;		/* its blocks (its "end" line) */
};

#define MANIFEST	"_MANIFEST"
#define MAGIC		"dm-run manifest 1\n"

/* PREFIXsomething.jsonl: a part (part-), or a part's rejects (rejects-). */
static int
isnamed(const char *name, const char *prefix)
{
	size_t n = strlen(name), p = strlen(prefix);

	return strncmp(name, prefix, p) == 0 && n > p + 6 &&
	    strcmp(name + n - 6, ".jsonl") == 0;
}

static int
istmp(const char *name)
{
	size_t n = strlen(name);

	return (strncmp(name, ".part-", 6) == 0 ||
	    strncmp(name, ".rejects-", 9) == 0) && n > 10 &&
	    strcmp(name + n - 4, ".tmp") == 0;
}

/* Removes the rejects files of DIR (dm_ckpt_rejects): a new run's blocks
 * are not those they were kept for. */
static void
droprejects(int dirfd)
{
	struct dirent *e;
	DIR *d;
	int fd;

	if ((fd = dup(dirfd)) < 0 || (d = fdopendir(fd)) == NULL) {
		if (fd >= 0)
			close(fd);
		return;
	}
	/* the descriptor's offset is shared with dirfd's, read before */
	rewinddir(d);
	while ((e = readdir(d)) != NULL)
		if (isnamed(e->d_name, "rejects-"))
			unlinkat(dirfd, e->d_name, 0);
	closedir(d);
}

/* The manifest's header: settings and command, one line each (a newline or
 * backslash in the command escaped). */
static void
header(struct dm_buf *b, const char *settings, const char *command)
{
	const char *p;

	dm_buf_adds(b, MAGIC);
	dm_buf_addf(b, "settings %s\ncommand ", settings);
	for (p = command; *p; p++) {
		if (*p == '\n')
			dm_buf_adds(b, "\\n");
		else if (*p == '\\')
			dm_buf_adds(b, "\\\\");
		else
			dm_buf_addc(b, *p);
	}
	dm_buf_addc(b, '\n');
}

static void
setrec(struct dm_ckpt *k, unsigned long long seq, unsigned long long off,
    unsigned long long len, uint64_t hash, int checked,
    unsigned long long size, uint64_t sum, int status)
{
	unsigned long long n;

	if (seq >= k->nrecs) {
		n = k->nrecs ? k->nrecs : 1024;
		while (n <= seq)
			n *= 2;
		k->recs = dm_xreallocarray(k->recs, n, sizeof *k->recs);
		memset(k->recs + k->nrecs, 0, (n - k->nrecs) * sizeof *k->recs);
		k->nrecs = n;
	}
	k->recs[seq].off = off;
	k->recs[seq].len = len;
	k->recs[seq].hash = hash;
	k->recs[seq].set = 1;
	k->recs[seq].checked = checked;
	k->recs[seq].size = size;
	k->recs[seq].sum = sum;
	k->recs[seq].status = status;
	if (seq > k->maxrec)
		k->maxrec = seq;
}

/* Reads the manifest of the run being resumed; a last line cut short by a
 * crash is dropped (and cut from the file, so that appends stay whole). */
static int
readmanifest(struct dm_ckpt *k, const char *want)
{
	struct dm_buf b = DM_BUF_INIT;
	unsigned long long seq, off, len, size;
	uint64_t hash, sum;
	char *p, *nl, *end;
	ssize_t n;
	size_t hl;
	int got, status;

	dm_buf_grow(&b, 65536);
	for (;;) {
		n = read(k->mfd, b.buf + b.len, b.cap - b.len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			dm_warnx_errno("%s: %s", k->dir, MANIFEST);
			goto bad;
		}
		if (n == 0)
			break;
		b.len += (size_t)n;
		dm_buf_grow(&b, 65536);
	}
	hl = strlen(want);
	if (b.len < hl || memcmp(b.buf, want, hl) != 0) {
		p = b.buf + strlen(MAGIC);
		if (b.len < strlen(MAGIC) || memcmp(b.buf, MAGIC, strlen(MAGIC)) != 0)
			dm_warn("%s: %s is not a dm-run manifest", k->dir, MANIFEST);
		else if (strncmp(p, want + strlen(MAGIC),
		    (size_t)(strchr(want + strlen(MAGIC), '\n') - want) -
		    strlen(MAGIC)) != 0)
			dm_warn("%s: the run being resumed cut its input "
			    "otherwise (its %s says '%.*s')", k->dir, MANIFEST,
			    (int)strcspn(p, "\n"), p);
		else
			dm_warn("%s: the run being resumed ran another command",
			    k->dir);
		goto bad;
	}
	end = b.buf + b.len;
	for (p = b.buf + hl; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL) {
			if (ftruncate(k->mfd, (off_t)(p - b.buf)) < 0) {
				dm_warnx_errno("%s: %s", k->dir, MANIFEST);
				goto bad;
			}
			break;
		}
		*nl = '\0';
		/* written by a complete run (dm_ckpt_finish) */
		if (strncmp(p, "end ", 4) == 0 &&
		    sscanf(p + 4, "%llu", &k->end) == 1) {
			k->ended = 1;
			continue;
		}
		/* a manifest of an older dm has no size and sum, or no
		 * exit status (which an older dm reading this one skips) */
		got = sscanf(p, "part %llu %llu %llu %" SCNx64 " %llu %" SCNx64
		    " %d", &seq, &off, &len, &hash, &size, &sum, &status);
		if ((got != 4 && got != 6 && got != 7) ||
		    (got == 7 && status != 0 && status != 1)) {
			dm_warn("%s: %s: bad line '%s'", k->dir, MANIFEST, p);
			goto bad;
		}
		setrec(k, seq, off, len, hash, got >= 6, got >= 6 ? size : 0,
		    got >= 6 ? sum : 0, got == 7 ? status : -1);
	}
	dm_buf_free(&b);
	return 0;
bad:
	dm_buf_free(&b);
	return -1;
}

struct dm_ckpt *
dm_ckpt_open(const char *dir, int resume, const char *settings,
    const char *command)
{
	struct dm_ckpt *k = dm_xcalloc(1, sizeof *k);
	struct dm_buf want = DM_BUF_INIT;
	struct dirent *e;
	DIR *d;
	int fd, parts = 0, manifest = 0;

	k->dir = dm_xstrdup(dir);
	k->dirfd = k->mfd = -1;
	if (mkdir(dir, 0777) < 0 && errno != EEXIST) {
		dm_warnx_errno("%s", dir);
		goto bad;
	}
	if ((k->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		dm_warnx_errno("%s", dir);
		goto bad;
	}
	if ((fd = dup(k->dirfd)) < 0 || (d = fdopendir(fd)) == NULL) {
		dm_warnx_errno("%s", dir);
		goto bad;
	}
	while ((e = readdir(d)) != NULL) {
		if (isnamed(e->d_name, "part-"))
			parts++;
		else if (strcmp(e->d_name, MANIFEST) == 0)
			manifest = 1;
		else if (istmp(e->d_name))
			unlinkat(k->dirfd, e->d_name, 0);
	}
	closedir(d);
	if (!resume && (parts || manifest)) {
		dm_warn("%s: holds the output of another run (resume it with "
		    "--resume, or remove it)", dir);
		goto bad;
	}
	if (parts && !manifest) {
		dm_warn("%s: holds parts but no %s: they cannot be checked",
		    dir, MANIFEST);
		goto bad;
	}
	if (!resume || !manifest)
		droprejects(k->dirfd);
	if (unlinkat(k->dirfd, "_SUCCESS", 0) < 0 && errno != ENOENT) {
		dm_warnx_errno("%s/_SUCCESS", dir);
		goto bad;
	}
	header(&want, settings, command);
	k->head = dm_xstrdup(want.buf);
	if (manifest) {
		k->mfd = openat(k->dirfd, MANIFEST, O_RDWR | O_APPEND | O_CLOEXEC);
		if (k->mfd < 0) {
			dm_warnx_errno("%s/%s", dir, MANIFEST);
			goto bad;
		}
		if (readmanifest(k, want.buf) < 0)
			goto bad;
	} else {
		/* Written aside and renamed: a manifest is whole or absent. */
		fd = openat(k->dirfd, "." MANIFEST ".tmp",
		    O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
		if (fd < 0 || dm_fd_writeall(fd, want.buf, want.len) < 0 ||
		    fsync(fd) < 0 || close(fd) < 0 ||
		    renameat(k->dirfd, "." MANIFEST ".tmp", k->dirfd,
		    MANIFEST) < 0) {
			dm_warnx_errno("%s/%s", dir, MANIFEST);
			goto bad;
		}
		k->mfd = openat(k->dirfd, MANIFEST, O_WRONLY | O_APPEND | O_CLOEXEC);
		if (k->mfd < 0 || fsync(k->dirfd) < 0) {
			dm_warnx_errno("%s/%s", dir, MANIFEST);
			goto bad;
		}
	}
	dm_buf_free(&want);
	return k;
bad:
	dm_buf_free(&want);
	dm_ckpt_free(k);
	return NULL;
}

/* The manifest's line of part seq. */
static void
recline(struct dm_buf *b, unsigned long long seq, const struct rec *r)
{
	dm_buf_addf(b, "part %llu %llu %llu %016" PRIx64, seq, r->off, r->len,
	    r->hash);
	if (r->checked)
		dm_buf_addf(b, " %llu %016" PRIx64, r->size, r->sum);
	if (r->checked && r->status >= 0)
		dm_buf_addf(b, " %d", r->status);
	dm_buf_addc(b, '\n');
}

static void
partname(struct dm_buf *b, const char *prefix, unsigned long long seq,
    const char *suffix)
{
	dm_buf_reset(b);
	dm_buf_addf(b, "%spart-%06llu.jsonl%s", prefix, seq, suffix);
}

/* The size and XXH64 of the open file fd: 0, or -1 with errno. */
static int
filesum(int fd, unsigned long long *size, uint64_t *sum)
{
	struct stat st;
	void *p;

	if (fstat(fd, &st) < 0)
		return -1;
	*size = (unsigned long long)st.st_size;
	if (st.st_size == 0) {
		*sum = dm_hash64("", 0);
		return 0;
	}
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		return -1;
	*sum = dm_hash64(p, (size_t)st.st_size);
	munmap(p, (size_t)st.st_size);
	return 0;
}

/* Whether the part of r, present, is the one recorded: 1, 0 (removed, to
 * be run again, with a message), -1 (reported). */
static int
verify(struct dm_ckpt *k, unsigned long long seq, const struct rec *r,
    const char *name)
{
	unsigned long long size;
	uint64_t sum;
	int fd, ok;

	if (!r->checked)
		return 1;
	if ((fd = openat(k->dirfd, name, O_RDONLY | O_CLOEXEC)) < 0 ||
	    filesum(fd, &size, &sum) < 0) {
		dm_warnx_errno("%s/%s", k->dir, name);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	ok = size == r->size && sum == r->sum;
	if (ok)
		return 1;
	if (size != r->size)
		dm_warn("%s: %s has %llu bytes, not the %llu recorded; running "
		    "block %llu again", k->dir, name, size, r->size, seq);
	else
		dm_warn("%s: %s does not match its recorded checksum; running "
		    "block %llu again", k->dir, name, seq);
	if (unlinkat(k->dirfd, name, 0) < 0) {
		dm_warnx_errno("%s/%s", k->dir, name);
		return -1;
	}
	return 0;
}

int
dm_ckpt_done(struct dm_ckpt *k, unsigned long long seq, unsigned long long off,
    unsigned long long len, uint64_t hash, int *status)
{
	struct dm_buf name = DM_BUF_INIT;
	struct rec *r;
	int done;

	*status = 0;
	if (k->ended && seq > k->end) {
		dm_warn("%s: the input has more than the %llu blocks of the "
		    "run being resumed", k->dir, k->end);
		return -1;
	}
	if (seq >= k->nrecs || !k->recs[seq].set)
		return 0;
	r = &k->recs[seq];
	if (r->off != off || r->len != len || r->hash != hash) {
		dm_warn("%s: block %llu of the input differs from the run being "
		    "resumed", k->dir, seq);
		return -1;
	}
	partname(&name, "", seq, "");
	done = faccessat(k->dirfd, name.buf, F_OK, 0) == 0;
	if (done)
		done = verify(k, seq, r, name.buf);
	if (done > 0 && r->status >= 0)
		*status = r->status;
	else if (done > 0) {
		/* Recorded by an older dm, without it: a block whose tools
		 * rejected lines has its records kept (its job exited 1);
		 * a job that exited 1 for another reason is not seen. */
		dm_buf_reset(&name);
		dm_buf_addf(&name, "rejects-%06llu.jsonl", seq);
		*status = faccessat(k->dirfd, name.buf, F_OK, 0) == 0;
	}
	dm_buf_free(&name);
	return done;
}

int
dm_ckpt_commit(struct dm_ckpt *k, unsigned long long seq,
    unsigned long long off, unsigned long long len, uint64_t hash,
    int status, struct dm_held *h)
{
	struct dm_buf tmp = DM_BUF_INIT, name = DM_BUF_INIT, line = DM_BUF_INIT;
	unsigned long long size;
	uint64_t sum;
	int fd, rc = -1;

	partname(&tmp, ".", seq, ".tmp");
	partname(&name, "", seq, "");
	fd = openat(k->dirfd, tmp.buf, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0666);
	if (fd < 0) {
		dm_warnx_errno("%s/%s", k->dir, tmp.buf);
		goto out;
	}
	/* the sum is of the bytes as the file holds them, read back */
	if (dm_held_write(h, fd) < 0 || fsync(fd) < 0 ||
	    filesum(fd, &size, &sum) < 0) {
		dm_warnx_errno("%s/%s: write error", k->dir, tmp.buf);
		close(fd);
		unlinkat(k->dirfd, tmp.buf, 0);
		goto out;
	}
	if (close(fd) < 0) {
		dm_warnx_errno("%s/%s: write error", k->dir, tmp.buf);
		unlinkat(k->dirfd, tmp.buf, 0);
		goto out;
	}
	/* Recorded before it is renamed: a part that exists is recorded (a
	 * block run again after a crash here is recorded again: the last
	 * record holds, and a complete run leaves one, dm_ckpt_finish). */
	setrec(k, seq, off, len, hash, 1, size, sum, status);
	recline(&line, seq, &k->recs[seq]);
	if (dm_fd_writeall(k->mfd, line.buf, line.len) < 0 || fsync(k->mfd) < 0) {
		dm_warnx_errno("%s/%s: write error", k->dir, MANIFEST);
		unlinkat(k->dirfd, tmp.buf, 0);
		goto out;
	}
	if (renameat(k->dirfd, tmp.buf, k->dirfd, name.buf) < 0) {
		dm_warnx_errno("%s/%s", k->dir, name.buf);
		unlinkat(k->dirfd, tmp.buf, 0);
		goto out;
	}
	rc = 0;
out:
	dm_buf_free(&tmp);
	dm_buf_free(&name);
	dm_buf_free(&line);
	return rc;
}

int
dm_ckpt_rejects(struct dm_ckpt *k, unsigned long long seq, const char *from)
{
	struct dm_buf tmp = DM_BUF_INIT, name = DM_BUF_INIT;
	struct dm_buf shown = DM_BUF_INIT;
	struct stat st;
	int fd, ok, rc = -1;

	dm_buf_addf(&tmp, ".rejects-%06llu.jsonl.tmp", seq);
	dm_buf_addf(&name, "rejects-%06llu.jsonl", seq);
	/* the tools make the file when they start: empty, none rejected (a
	 * file that cannot be looked at is reported by the copy) */
	if (stat(from, &st) < 0 ? errno == ENOENT : st.st_size == 0) {
		/* none rejected: none of an earlier attempt is left */
		if (unlinkat(k->dirfd, name.buf, 0) < 0 && errno != ENOENT)
			dm_warnx_errno("%s/%s", k->dir, name.buf);
		else
			rc = 0;
		goto out;
	}
	fd = openat(k->dirfd, tmp.buf, O_WRONLY | O_CREAT | O_TRUNC |
	    O_CLOEXEC, 0666);
	if (fd < 0) {
		dm_warnx_errno("%s/%s", k->dir, tmp.buf);
		goto out;
	}
	dm_buf_addf(&shown, "%s/%s", k->dir, tmp.buf);
	ok = dm_fd_copyfile(from, fd, shown.buf) > 0;
	if (ok && fsync(fd) < 0) {
		dm_warnx_errno("%s: write error", shown.buf);
		ok = 0;
	}
	if (close(fd) < 0 && ok) {
		dm_warnx_errno("%s: write error", shown.buf);
		ok = 0;
	}
	if (ok && renameat(k->dirfd, tmp.buf, k->dirfd, name.buf) < 0) {
		dm_warnx_errno("%s/%s", k->dir, name.buf);
		ok = 0;
	}
	if (ok)
		rc = 0;
	else
		unlinkat(k->dirfd, tmp.buf, 0);
out:
	dm_buf_free(&tmp);
	dm_buf_free(&name);
	dm_buf_free(&shown);
	return rc;
}

int
dm_ckpt_gather(struct dm_ckpt *k, unsigned long long nblocks, int fd,
    const char *name)
{
	struct dm_buf path = DM_BUF_INIT;
	unsigned long long seq;
	int rc = 0;

	for (seq = 1; seq <= nblocks && rc == 0; seq++) {
		dm_buf_reset(&path);
		dm_buf_addf(&path, "%s/rejects-%06llu.jsonl", k->dir, seq);
		if (dm_fd_copyfile(path.buf, fd, name) < 0)
			rc = -1;
	}
	dm_buf_free(&path);
	return rc;
}

int
dm_ckpt_finish(struct dm_ckpt *k, unsigned long long nblocks)
{
	struct dm_buf b = DM_BUF_INIT;
	unsigned long long seq;
	int fd, ok;

	if (k->maxrec > nblocks || (k->ended && k->end != nblocks)) {
		dm_warn("%s: the input has %llu blocks, the run being resumed "
		    "had %llu%s", k->dir, nblocks, k->ended ? k->end :
		    k->maxrec, k->ended ? "" : " or more");
		return -1;
	}
	/* The manifest of a complete run: one record a part, in order, and
	 * the number of blocks, so that a resumed run tells a longer input;
	 * written aside and renamed, as at the start. */
	dm_buf_adds(&b, k->head);
	for (seq = 1; seq <= nblocks; seq++)
		if (seq < k->nrecs && k->recs[seq].set)
			recline(&b, seq, &k->recs[seq]);
	dm_buf_addf(&b, "end %llu\n", nblocks);
	fd = openat(k->dirfd, "." MANIFEST ".tmp", O_WRONLY | O_CREAT |
	    O_TRUNC | O_CLOEXEC, 0666);
	ok = fd >= 0 && dm_fd_writeall(fd, b.buf, b.len) == 0 &&
	    fsync(fd) == 0;
	if ((fd >= 0 && close(fd) < 0) || !ok || renameat(k->dirfd,
	    "." MANIFEST ".tmp", k->dirfd, MANIFEST) < 0) {
		dm_warnx_errno("%s/%s", k->dir, MANIFEST);
		unlinkat(k->dirfd, "." MANIFEST ".tmp", 0);
		dm_buf_free(&b);
		return -1;
	}
	dm_buf_free(&b);
	if (fsync(k->dirfd) < 0 ||
	    (fd = openat(k->dirfd, "_SUCCESS", O_WRONLY | O_CREAT | O_TRUNC |
	    O_CLOEXEC, 0666)) < 0 || fsync(fd) < 0 || close(fd) < 0 ||
	    fsync(k->dirfd) < 0) {
		dm_warnx_errno("%s/_SUCCESS", k->dir);
		return -1;
	}
	return 0;
}

void
dm_ckpt_free(struct dm_ckpt *k)
{
	if (k == NULL)
		return;
	if (k->mfd >= 0)
		close(k->mfd);
	if (k->dirfd >= 0)
		close(k->dirfd);
	free(k->recs);
	free(k->head);
	free(k->dir);
	free(k);
}
