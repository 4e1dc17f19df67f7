/* archive.c - libarchive behind one file: formats, members, zip in memory, tar out */
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "dm.h"
#include "archives.h"
#include "memcap.h"

/*
 * libarchive's 7-Zip reader allocates what the headers say (a 153-byte
 * file asks for 4.5 GB) and has no knob to limit it. A 7-Zip archive is
 * therefore read in a child process under dm_memcap. One child serves the
 * whole run, archive after archive (a fork per archive costs more than a
 * small archive's reading): the parent sends it a job over a socket, the
 * archive's file descriptor (a memfd for an archive in memory) and where
 * it starts, and the child sends back records: a tag byte, a 32-bit
 * length, the payload. The socket's back pressure keeps the child at most
 * a buffer's worth ahead. A nested 7-Zip archive read while its parent's
 * child is busy gets a child of its own, kept for later ones too; a child
 * that died or was left in the middle of an archive is replaced.
 */
enum {
	CREC_HEAD = 'h',	/* struct chead, the path and the format name,
				 * each with its NUL */
	CREC_DATA = 'd',	/* bytes of the current member */
	CREC_END = 'e',		/* the end of the current member's data */
	CREC_ERROR = 'x',	/* an int (1: out of memory), the message, NUL;
				 * the end of the archive */
	CREC_MERROR = 'm',	/* the same, for the current member's data: the
				 * archive goes on with the next member */
	CREC_EOF = 'z'		/* the end of the archive */
};
#define CREC_MAX	(16 << 20)	/* longer: not from our child */
/* Reopenings of one archive to go past members that need too much
 * memory: each reads the headers again. */
#define CREOPEN_MAX	1000

struct chead {
	long long		 size, mtime;
	unsigned long long	 unpacked;
	int			 hasmtime, isfile, islink, haspath, kind;
};

/* A job: the archive starts at offset at of the descriptor sent with it
 * (-1: it cannot be read again), read in blocks of block bytes. */
struct cjob {
	long long	 at;
	size_t		 block;
};

/* The children of the run: pid 0 is a free slot. */
#define CKIDS	40	/* more than dm-scan's nesting depth */
static struct ckid {
	pid_t	 pid;
	int	 sock;
	int	 busy;
} ckids[CKIDS];

/* Where the reader in the parent is, with a child. */
enum { CS_BETWEEN, CS_MEMBER, CS_SKIPPED, CS_EOF, CS_ERROR };

struct dm_archive {
	struct archive		*a;
	struct archive_entry	*e;
	dm_archive_feed		 feed;
	void			*arg;
	/* a 7-Zip archive read by a child */
	pid_t			 pid;		/* 0: none */
	int			 fd;		/* its socket */
	int			 kid;		/* its slot in ckids */
	int			 cs;		/* CS_* */
	int			 idle;		/* the child is done with it */
	int			 kind;
	unsigned long long	 unpacked;
	struct dm_buf		 rec;		/* the last record's payload */
	size_t			 off;		/* what of a data record was read */
	struct dm_buf		 msg;		/* the error, as libarchive said */
	struct dm_buf		 path, fmt;
	int			 lost;		/* a member's data failed, not
						 * the archive (libarchive) */
	/* the member's data, a block at a time (libarchive) */
	const char		*blk;		/* what is left of the block */
	size_t			 blklen;
	la_int64_t		 blkoff;	/* its offset in the member */
	la_int64_t		 pos;		/* the next byte given */
	int			 pend;		/* an error after the bytes
						 * given: said next time */
	/* where a zip read with seeks can be opened again, after a member
	 * whose data failed for good (libarchive's state is then fatal,
	 * though the central directory still leads to the next member) */
	int			 srcfd;		/* -1: not from a descriptor */
	long long		 srcat;
	size_t			 srcblock;
	const void		*srcmem;	/* NULL: not from memory */
	size_t			 srclen;
	unsigned long long	 nth;		/* headers read */
	unsigned long long	 reread;	/* headers read again */
	int			 saved;		/* msg holds the error of
						 * the reader replaced */
	int			 dmg;		/* a 7-Zip archive opened
						 * again after a damaged member,
						 * no member's data read since */
};

/* Headers read again, in all, to go on after members that failed: a
 * zip of many damaged members costs that much at most. */
#define REREAD_MAX	1000000

static struct archive *
anew(void)
{
	struct archive *a;

	if ((a = archive_read_new()) == NULL)
		dm_die("out of memory");
	/* Only libraries: no filter that would run an external program. */
	archive_read_support_filter_gzip(a);
	archive_read_support_filter_bzip2(a);
	archive_read_support_filter_xz(a);
	archive_read_support_filter_lzma(a);
	archive_read_support_filter_zstd(a);
	archive_read_support_filter_lz4(a);
	archive_read_support_filter_compress(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_zip(a);
	archive_read_support_format_7zip(a);
	archive_read_support_format_cpio(a);
	archive_read_support_format_ar(a);
	archive_read_support_format_iso9660(a);
	/* a single compressed file, and what turns out to be no archive */
	archive_read_support_format_raw(a);
	/* raw wants a byte: an empty compressed file is read as empty */
	archive_read_support_format_empty(a);
	return a;
}

struct dm_archive *
dm_archive_new(void)
{
	static int locale_set;
	struct dm_archive *d;

	/* libarchive converts names stored as UTF-16 (7z, iso9660 Joliet)
	 * or flagged UTF-8 (zip) to the locale's charset, and gives nothing
	 * in the C locale's ASCII: names are UTF-8 here, as in samples.
	 * Only character classes change, and dm uses none of <ctype.h>'s
	 * above ASCII. */
	if (!locale_set) {
		locale_set = 1;
		if (setlocale(LC_CTYPE, "C.UTF-8") == NULL)
			setlocale(LC_CTYPE, "en_US.UTF-8");
	}
	d = dm_xmalloc(sizeof *d);
	memset(d, 0, sizeof *d);
	d->a = anew();
	d->fd = -1;
	d->kid = -1;
	d->srcfd = -1;
	dm_buf_init(&d->rec);
	dm_buf_init(&d->msg);
	dm_buf_init(&d->path);
	dm_buf_init(&d->fmt);
	return d;
}

static int
is7z(const void *p, size_t n)
{
	return n >= 6 && memcmp(p, "7z\xBC\xAF\x27\x1C", 6) == 0;
}

size_t
dm_la_msglen(const char *s)
{
	size_t n = strlen(s);

	while (n > 0 && strchr(" \t\r\n", s[n - 1]) != NULL)
		n--;
	return n;
}

/* Appends libarchive's message s as it is, but for its trailing white
 * space. */
static void
la_add(struct dm_buf *b, const char *s)
{
	if (s == NULL)
		s = "unknown error";
	dm_buf_add(b, s, dm_la_msglen(s));
}

/* ---- the child ---- */

/* Whether a's error is for want of memory. libarchive does not always
 * set ENOMEM: "Couldn't allocate memory", "No memory for ..." */
static int
cnomem(struct archive *a)
{
	const char *s = archive_error_string(a);

	return archive_errno(a) == ENOMEM || (s != NULL &&
	    (strstr(s, "memory") || strstr(s, "Memory")));
}

/* Sends a's error as a record of type tag. */
static void
cfail(int fd, int tag, struct archive *a)
{
	const char *s = archive_error_string(a);
	int nomem = cnomem(a);

	if (s == NULL)
		s = "";
	dm_memcap_send(fd, tag, &nomem, sizeof nomem, s, strlen(s) + 1,
	    NULL, 0);
}

/* Opens the archive of job j (again) into d->a. */
static int
copen(struct dm_archive *d, int fd, const struct cjob *j)
{
	if (d->a != NULL)
		archive_read_free(d->a);
	d->a = anew();
	if (j->at >= 0 && lseek(fd, (off_t)j->at, SEEK_SET) < 0)
		return -1;
	return archive_read_open_fd(d->a, fd, j->block) == ARCHIVE_OK ? 0 :
	    -1;
}

/*
 * Reads the archive of job j from fd and sends it, member after member.
 * A member whose data fails is an error of its own, as in the process
 * (dm_archive_read): after a bad CRC or an encrypted member libarchive
 * reads on; after a failed allocation (the data needs more memory than
 * the cap) or damaged data, it cannot, and the archive is opened again
 * and its members up to that one skipped (their headers read, no data).
 * The members of another block (the solid block of 7z's 7z a -ms=off
 * and of large archives) are read then; one of the damaged block would
 * be reached by decompressing through the damage again, each at that
 * cost: the first that fails so, before giving a byte, ends the archive.
 * Only _exit, never the parent's stdio.
 */
static void
cread(int out, int fd, const struct cjob *j)
{
	static char buf[64 * 1024];
	struct dm_archive d;
	struct dm_entry m;
	struct chead h;
	const char *f;
	long n = 0, i, reopens = 0;
	ssize_t r;
	int nomem, gave, dmg = 0;

	memset(&d, 0, sizeof d);
	if (copen(&d, fd, j) < 0) {
		cfail(out, CREC_ERROR, d.a);
		goto out;
	}
	for (;;) {
		if ((r = dm_archive_next(&d, &m)) == 0)
			break;
		if (r < 0) {
			cfail(out, CREC_ERROR, d.a);
			goto out;
		}
		n++;
		memset(&h, 0, sizeof h);
		h.size = m.size;
		h.mtime = (long long)m.mtime;
		h.hasmtime = m.hasmtime;
		h.isfile = m.isfile;
		h.islink = m.islink;
		h.haspath = m.path != NULL;
		h.kind = dm_archive_kind(&d);
		h.unpacked = dm_archive_unpacked(&d);
		f = dm_archive_format(&d);
		dm_memcap_send(out, CREC_HEAD, &h, sizeof h,
		    m.path ? m.path : "", m.path ? strlen(m.path) + 1 : 1,
		    f, strlen(f) + 1);
		gave = 0;
		while ((r = archive_read_data(d.a, buf, sizeof buf)) > 0) {
			dm_memcap_send(out, CREC_DATA, buf, (size_t)r, NULL, 0,
			    NULL, 0);
			gave = 1;
		}
		if (gave)
			dmg = 0;
		if (r == 0) {
			dm_memcap_send(out, CREC_END, NULL, 0, NULL, 0, NULL,
			    0);
			continue;
		}
		/* a bad CRC: the next header can be read */
		if (r != ARCHIVE_FATAL) {
			cfail(out, CREC_MERROR, d.a);
			continue;
		}
		nomem = cnomem(d.a);
		if (j->at < 0 || ++reopens > CREOPEN_MAX ||
		    h.kind != DM_SNIFF_ARCHIVE || (!nomem && dmg && !gave)) {
			cfail(out, CREC_ERROR, d.a);
			goto out;
		}
		if (!nomem)
			dmg = 1;
		cfail(out, CREC_MERROR, d.a);
		if (copen(&d, fd, j) < 0) {
			cfail(out, CREC_ERROR, d.a);
			goto out;
		}
		for (i = 0; i < n; i++)
			if (dm_archive_next(&d, &m) <= 0) {
				cfail(out, CREC_ERROR, d.a);
				goto out;
			}
	}
	dm_memcap_send(out, CREC_EOF, NULL, 0, NULL, 0, NULL, 0);
out:
	archive_read_free(d.a);
}

/* Receives a job and its descriptor: the descriptor, or -1 when the
 * parent is gone. */
static int
crecvjob(int sock, struct cjob *j)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { j, sizeof *j };
	struct msghdr mh;
	struct cmsghdr *c;
	ssize_t r;
	int fd;

	memset(&mh, 0, sizeof mh);
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cbuf;
	mh.msg_controllen = sizeof cbuf;
	while ((r = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC)) < 0 &&
	    errno == EINTR)
		;
	if (r != (ssize_t)sizeof *j || (c = CMSG_FIRSTHDR(&mh)) == NULL ||
	    c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(c), sizeof fd);
	return fd;
}

DM_NORETURN static void
cserve(int sock)
{
	struct cjob j;
	int fd;

	dm_memcap_child(0);
	while ((fd = crecvjob(sock, &j)) >= 0) {
		cread(sock, fd, &j);
		close(fd);
	}
	_exit(0);
}

/* ---- the parent ---- */

static int
csendjob(int sock, int fd, const struct cjob *j)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { (void *)j, sizeof *j };
	struct msghdr mh;
	struct cmsghdr *c;
	ssize_t r;

	memset(&mh, 0, sizeof mh);
	memset(cbuf, 0, sizeof cbuf);
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cbuf;
	mh.msg_controllen = sizeof cbuf;
	c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof fd);
	while ((r = sendmsg(sock, &mh, MSG_NOSIGNAL)) < 0 && errno == EINTR)
		;
	return r == (ssize_t)sizeof *j ? 0 : -1;
}

/* Ends the child of slot k (killed unless reaped already). */
static void
ckill(int k, int reaped)
{
	int status;

	close(ckids[k].sock);
	if (!reaped) {
		kill(ckids[k].pid, SIGKILL);
		while (waitpid(ckids[k].pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	ckids[k].pid = 0;
	ckids[k].busy = 0;
}

static int
cfork(int k)
{
	int sv[2], i, sz = 1 << 20;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	if ((ckids[k].pid = fork()) < 0) {
		ckids[k].pid = 0;
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	if (ckids[k].pid == 0) {
		/* the other children see their parent's end close */
		for (i = 0; i < CKIDS; i++)
			if (ckids[i].pid > 0)
				close(ckids[i].sock);
		close(sv[0]);
		/* fewer switches between the two processes */
		(void)setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &sz, sizeof sz);
		cserve(sv[1]);
	}
	close(sv[1]);
	ckids[k].sock = sv[0];
	ckids[k].busy = 0;
	return 0;
}

/* Gives the archive in fd from offset at to a child. */
static int
cstart(struct dm_archive *d, int fd, long long at, size_t block)
{
	struct cjob j = { at, block };
	int k, tries;

	for (tries = 0; tries < 2; tries++) {
		for (k = 0; k < CKIDS; k++)
			if (ckids[k].pid > 0 && !ckids[k].busy)
				break;
		if (k == CKIDS) {
			for (k = 0; k < CKIDS && ckids[k].pid > 0; k++)
				;
			if (k == CKIDS || cfork(k) < 0)
				return -1;
		}
		if (csendjob(ckids[k].sock, fd, &j) == 0) {
			ckids[k].busy = 1;
			d->pid = ckids[k].pid;
			d->fd = ckids[k].sock;
			d->kid = k;
			d->cs = CS_BETWEEN;
			d->idle = 0;
			return 0;
		}
		ckill(k, 0);	/* dead: another */
	}
	return -1;
}

/* Reads n bytes: 1; 0 at the end of the socket; -1 when interrupted. */
static int
creadn(struct dm_archive *d, void *p, size_t n)
{
	ssize_t r;

	while (n > 0) {
		r = read(d->fd, p, n);
		if (r < 0 && errno == EINTR && !dm_interrupted)
			continue;
		if (r < 0) {
			dm_buf_reset(&d->msg);
			dm_buf_adds(&d->msg, dm_interrupted ? "interrupted" :
			    strerror(errno));
			return -1;
		}
		if (r == 0)
			return 0;
		p = (char *)p + r;
		n -= (size_t)r;
	}
	return 1;
}

/* The next record into d->rec: its tag, or -1 with d->msg set and the
 * state CS_ERROR. */
static int
crecord(struct dm_archive *d)
{
	unsigned char hd[5];
	uint32_t len;
	int r, status;

	d->off = 0;
	dm_buf_reset(&d->rec);
	if ((r = creadn(d, hd, sizeof hd)) == 1) {
		memcpy(&len, hd + 1, sizeof len);
		if (len > CREC_MAX) {
			dm_buf_reset(&d->msg);
			dm_buf_adds(&d->msg, "the 7-Zip reader sent a bad record");
			r = -1;
		} else {
			dm_buf_grow(&d->rec, len);
			if ((r = creadn(d, d->rec.buf, len)) == 1) {
				dm_buf_setlen(&d->rec, len);
				if (hd[0] == CREC_EOF || hd[0] == CREC_ERROR)
					d->idle = 1;
				return hd[0];
			}
		}
	}
	if (r == 0) {
		/* the child ended without a word: it crashed */
		dm_buf_reset(&d->msg);
		while (waitpid(d->pid, &status, 0) < 0 && errno == EINTR)
			;
		ckill(d->kid, 1);
		d->kid = -1;
		if (WIFSIGNALED(status))
			dm_buf_addf(&d->msg, "the 7-Zip reader crashed (signal "
			    "%d)", WTERMSIG(status));
		else
			dm_buf_addf(&d->msg, "the 7-Zip reader stopped with "
			    "exit status %d", WIFEXITED(status) ?
			    WEXITSTATUS(status) : -1);
	}
	d->cs = CS_ERROR;
	return -1;
}

/* An error record: the message into d->msg, and the state CS_ERROR (the
 * archive's end) or CS_SKIPPED (the member's). */
static void
cerror(struct dm_archive *d, int t)
{
	size_t n;
	int nomem = 0;

	dm_buf_reset(&d->msg);
	d->cs = t == CREC_MERROR ? CS_SKIPPED : CS_ERROR;
	if (d->rec.len > sizeof nomem && d->rec.buf[d->rec.len - 1] == '\0') {
		memcpy(&nomem, d->rec.buf, sizeof nomem);
		if (nomem)
			dm_buf_addf(&d->msg, "needs more memory than "
			    "--max-memory '%s' allows (", dm_memcap_arg);
		n = d->msg.len;
		la_add(&d->msg, d->rec.buf + sizeof nomem);
		/* "Couldn't allocate memory" -> "couldn't ..." */
		if (nomem && d->msg.buf[n] >= 'A' && d->msg.buf[n] <= 'Z' &&
		    !(d->msg.buf[n + 1] >= 'A' && d->msg.buf[n + 1] <= 'Z'))
			d->msg.buf[n] += 'a' - 'A';
		if (nomem)
			dm_buf_addc(&d->msg, ')');
	} else {
		dm_buf_adds(&d->msg, "the 7-Zip reader sent a bad record");
		d->cs = CS_ERROR;
	}
}

static void
cbad(struct dm_archive *d)
{
	dm_buf_reset(&d->msg);
	dm_buf_adds(&d->msg, "the 7-Zip reader sent a bad record");
	d->cs = CS_ERROR;
}

static int
cnext(struct dm_archive *d, struct dm_entry *m)
{
	struct chead h;
	const char *p, *end;
	int t;

	while (d->cs == CS_MEMBER) {
		if ((t = crecord(d)) == CREC_END || t == CREC_MERROR)
			d->cs = CS_BETWEEN;	/* not read: no matter */
		else if (t == CREC_ERROR)
			cerror(d, t);
		else if (t != CREC_DATA && t >= 0)
			cbad(d);
	}
	if (d->cs == CS_EOF)
		return 0;
	if (d->cs == CS_ERROR)
		return -1;
	switch (t = crecord(d)) {
	case CREC_EOF:
		d->cs = CS_EOF;
		return 0;
	case CREC_ERROR:
		cerror(d, t);
		return -1;
	case CREC_HEAD:
		p = d->rec.buf + sizeof h;
		end = d->rec.buf + d->rec.len;
		if (d->rec.len > sizeof h && end[-1] == '\0' &&
		    memchr(p, '\0', (size_t)(end - p)) != end - 1)
			break;
		/* FALLTHROUGH */
	default:
		if (t >= 0)
			cbad(d);
		return -1;
	}
	memcpy(&h, d->rec.buf, sizeof h);
	dm_buf_reset(&d->path);
	dm_buf_adds(&d->path, p);
	dm_buf_reset(&d->fmt);
	dm_buf_adds(&d->fmt, p + strlen(p) + 1);
	m->path = h.haspath ? d->path.buf : NULL;
	m->size = h.size;
	m->hasmtime = h.hasmtime;
	m->mtime = (time_t)h.mtime;
	m->isfile = h.isfile;
	m->islink = h.islink;
	d->kind = h.kind;
	d->unpacked = h.unpacked;
	d->cs = CS_MEMBER;
	dm_buf_reset(&d->rec);
	return 1;
}

static ssize_t
cdata(struct dm_archive *d, void *buf, size_t n)
{
	int t;

	if (d->cs == CS_BETWEEN || d->cs == CS_SKIPPED || d->cs == CS_EOF)
		return 0;
	if (d->cs == CS_ERROR)
		return -1;
	while (d->off >= d->rec.len) {
		if ((t = crecord(d)) == CREC_DATA)
			continue;
		if (t == CREC_END) {
			d->cs = CS_BETWEEN;
			dm_buf_reset(&d->rec);
			return 0;
		}
		if (t == CREC_ERROR || t == CREC_MERROR)
			cerror(d, t);
		else if (t >= 0)
			cbad(d);
		return -1;
	}
	if (n > d->rec.len - d->off)
		n = d->rec.len - d->off;
	memcpy(buf, d->rec.buf + d->off, n);
	d->off += n;
	return (ssize_t)n;
}

int
dm_archive_goes_on(struct dm_archive *d)
{
	if (d->pid)
		return d->cs == CS_SKIPPED;
	return d->lost;
}

int
dm_archive_openfd(struct dm_archive *d, int fd, size_t block)
{
	char head[6];
	off_t at;

	if (dm_memcap > 0 && (at = lseek(fd, 0, SEEK_CUR)) >= 0 &&
	    pread(fd, head, sizeof head, at) == (ssize_t)sizeof head &&
	    is7z(head, sizeof head) && cstart(d, fd, at, block) == 0)
		return 0;
	if ((d->srcat = lseek(fd, 0, SEEK_CUR)) >= 0) {
		d->srcfd = fd;
		d->srcblock = block;
	}
	return archive_read_open_fd(d->a, fd, block) == ARCHIVE_OK ? 0 : -1;
}

int
dm_archive_openmem(struct dm_archive *d, const void *p, size_t n)
{
	size_t off;
	ssize_t w;
	int fd, ok;

	/* the child reads it from a file in memory */
	if (dm_memcap > 0 && is7z(p, n) &&
	    (fd = memfd_create("dm-7z", MFD_CLOEXEC)) >= 0) {
		for (off = 0; off < n; off += (size_t)w)
			if ((w = write(fd, (const char *)p + off, n - off)) <
			    0 && errno != EINTR)
				break;
			else if (w < 0)
				w = 0;
		ok = off == n && cstart(d, fd, 0, 64 * 1024) == 0;
		close(fd);
		if (ok)
			return 0;
	}
	d->srcmem = p;
	d->srclen = n;
	return archive_read_open_memory(d->a, p, n) == ARCHIVE_OK ? 0 : -1;
}

static la_ssize_t
archive_feed(struct archive *a, void *arg, const void **buf)
{
	struct dm_archive *d = arg;
	const char *why = "read error";
	ssize_t r;

	if ((r = d->feed(d->arg, buf, &why)) < 0) {
		archive_set_error(a, EIO, "%s", why);
		return -1;
	}
	return (la_ssize_t)r;
}

int
dm_archive_openfeed(struct dm_archive *d, dm_archive_feed feed, void *arg)
{
	d->feed = feed;
	d->arg = arg;
	return archive_read_open(d->a, d, NULL, archive_feed, NULL) ==
	    ARCHIVE_OK ? 0 : -1;
}

/* The members of ar's GNU variant that are the format's own: the symbol
 * table ("/", "/SYM64/") and the table of long names ("//"). libarchive
 * gives them as members; bsdtar and ar(1) do not. */
static int
arspecial(struct archive *a, struct archive_entry *e)
{
	const char *p;

	if ((archive_format(a) & ARCHIVE_FORMAT_BASE_MASK) !=
	    ARCHIVE_FORMAT_AR || (p = archive_entry_pathname(e)) == NULL)
		return 0;
	return strcmp(p, "/") == 0 || strcmp(p, "//") == 0 ||
	    strcmp(p, "/SYM64/") == 0;
}

int
dm_archive_next(struct dm_archive *d, struct dm_entry *m)
{
	struct archive_entry *e;
	int r;

	if (d->pid)
		return cnext(d, m);
again:
	r = archive_read_next_header(d->a, &e);
	if (r == ARCHIVE_EOF)
		return 0;
	/* ARCHIVE_RETRY (a tar header with a bad checksum: "damaged tar
	 * archive") gives no entry, and the reader stays before a header;
	 * reading data then is an internal error of libarchive's */
	if (r < ARCHIVE_WARN || r == ARCHIVE_RETRY)
		return -1;
	d->nth++;
	d->saved = 0;
	d->e = e;
	d->lost = 0;
	d->blklen = 0;
	d->blkoff = d->pos = 0;
	d->pend = 0;
	if (arspecial(d->a, e))
		goto again;
	if ((m->path = archive_entry_pathname(e)) == NULL)
		m->path = archive_entry_pathname_utf8(e);
	m->size = archive_entry_size_is_set(e) ? archive_entry_size(e) : -1;
	m->hasmtime = archive_entry_mtime_is_set(e) != 0;
	m->mtime = m->hasmtime ? archive_entry_mtime(e) : 0;
	/* ar headers carry permissions without the file type bits */
	m->isfile = archive_entry_filetype(e) == AE_IFREG ||
	    (archive_entry_filetype(e) == 0 &&
	    (archive_format(d->a) & ARCHIVE_FORMAT_BASE_MASK) ==
	    ARCHIVE_FORMAT_AR);
	/* (tar's link is of no file type) */
	m->islink = m->size == 0 && (archive_entry_hardlink(e) != NULL ||
	    (m->isfile && archive_entry_nlink(e) > 1));
	return 1;
}

int
dm_archive_kind(struct dm_archive *d)
{
	if (d->pid)
		return d->kind;
	if (archive_format(d->a) != ARCHIVE_FORMAT_RAW &&
	    archive_format(d->a) != ARCHIVE_FORMAT_EMPTY)
		return DM_SNIFF_ARCHIVE;
	if (archive_filter_count(d->a) > 1 &&
	    archive_filter_code(d->a, 0) != ARCHIVE_FILTER_NONE)
		return DM_SNIFF_COMPRESSED;
	return DM_SNIFF_NONE;
}

int
dm_archive_filters(struct dm_archive *d)
{
	int i, n = 0;

	/* a child reads only what starts as a 7-Zip archive: no filter */
	if (d->pid)
		return 0;
	for (i = 0; i < archive_filter_count(d->a); i++)
		if (archive_filter_code(d->a, i) != ARCHIVE_FILTER_NONE)
			n++;
	return n;
}

const char *
dm_archive_format(struct dm_archive *d)
{
	const char *s;

	/* libarchive names the format at its first header: an archive
	 * with none is named here by the reader that took it */
	if (d->pid)
		return d->fmt.len > 0 ? d->fmt.buf : "7-Zip";
	if ((s = archive_format_name(d->a)) != NULL)
		return s;
	switch (archive_format(d->a) & ARCHIVE_FORMAT_BASE_MASK) {
	case ARCHIVE_FORMAT_AR:
		return "ar";
	case ARCHIVE_FORMAT_7ZIP:
		return "7-Zip";
	case ARCHIVE_FORMAT_CPIO:
		return "cpio";
	case ARCHIVE_FORMAT_TAR:
		return "tar";
	case ARCHIVE_FORMAT_ZIP:
		return "ZIP";
	case ARCHIVE_FORMAT_ISO9660:
		return "ISO9660";
	}
	return "";
}

unsigned long long
dm_archive_unpacked(struct dm_archive *d)
{
	if (d->pid)
		return d->unpacked;
	return archive_filter_count(d->a) > 1 ?
	    (unsigned long long)archive_filter_bytes(d->a, 0) : 0;
}

/*
 * After a member of a zip or 7-Zip archive whose data failed for good (a
 * deflate or LZMA stream gone bad: libarchive's reader is then done), a
 * new reader of the same archive, read with seeks (a zip from its central
 * directory), moved past the headers already read: the next
 * dm_archive_next gives the member after. 0, or -1 when the archive
 * cannot be read so (a stream, a compressed zip, a zip whose directory is
 * damaged), and nothing changed. A 7-Zip member of the damaged member's
 * solid block fails as it did, since its data is reached through the
 * damage (the child's cread says more): when one fails so, right after
 * the archive was opened again and before giving a byte, the archive is
 * no good after it.
 */
static int
reopen(struct dm_archive *d)
{
	struct archive *a;
	struct archive_entry *e = NULL;
	unsigned long long i;
	int r, fmt = archive_format(d->a) & ARCHIVE_FORMAT_BASE_MASK;

	if ((fmt != ARCHIVE_FORMAT_ZIP && fmt != ARCHIVE_FORMAT_7ZIP) ||
	    archive_filter_count(d->a) > 1 ||
	    (d->srcfd < 0 && d->srcmem == NULL) ||
	    d->reread + d->nth > REREAD_MAX ||
	    (fmt == ARCHIVE_FORMAT_7ZIP && d->dmg && d->pos == 0))
		return -1;
	d->reread += d->nth;
	/* the reader with seeks only: it bids when the central directory
	 * is there, and reads no member's data to find the next header;
	 * 7-Zip's skips the data of members not read, unless a block was
	 * begun */
	if ((a = archive_read_new()) == NULL)
		dm_die("out of memory");
	if (fmt == ARCHIVE_FORMAT_ZIP)
		archive_read_support_format_zip_seekable(a);
	else
		archive_read_support_format_7zip(a);
	if (d->srcmem != NULL)
		r = archive_read_open_memory(a, d->srcmem, d->srclen);
	else if (lseek(d->srcfd, (off_t)d->srcat, SEEK_SET) < 0)
		r = ARCHIVE_FATAL;
	else
		r = archive_read_open_fd(a, d->srcfd, d->srcblock);
	for (i = 0; r == ARCHIVE_OK && i < d->nth; i++)
		if ((r = archive_read_next_header(a, &e)) == ARCHIVE_WARN)
			r = ARCHIVE_OK;
	if (r != ARCHIVE_OK) {
		archive_read_free(a);
		return -1;
	}
	dm_buf_reset(&d->msg);
	dm_buf_adds(&d->msg, archive_error_string(d->a) ?
	    archive_error_string(d->a) : "unknown error");
	d->saved = 1;
	archive_read_free(d->a);
	d->a = a;
	d->e = e;
	d->dmg = fmt == ARCHIVE_FORMAT_7ZIP;
	return 0;
}

/*
 * The member's next bytes, from libarchive's blocks, not through
 * archive_read_data(): that returns only the error when a block fails
 * after others filled part of buf (a cut gzip stream), and the bytes
 * before the error are lost. Here they are given first, and the error
 * with the next call. A sparse member's holes are zeros, as there.
 */
ssize_t
dm_archive_read(struct dm_archive *d, void *buf, size_t n)
{
	const void *b;
	size_t got = 0, k;
	la_int64_t off;
	int r;

	if (d->pid)
		return cdata(d, buf, n);
	while (got < n) {
		if (d->blklen == 0 && d->blkoff <= d->pos) {
			if (d->pend)
				break;
			r = archive_read_data_block(d->a, &b, &k, &off);
			if (r == ARCHIVE_EOF)
				break;
			if (r < ARCHIVE_OK) {
				d->pend = r;
				break;
			}
			d->blk = b;
			d->blklen = k;
			d->blkoff = off;
			continue;
		}
		if (d->blkoff > d->pos) {	/* a hole */
			k = d->blkoff - d->pos < (la_int64_t)(n - got) ?
			    (size_t)(d->blkoff - d->pos) : n - got;
			memset((char *)buf + got, 0, k);
		} else {
			k = d->blklen < n - got ? d->blklen : n - got;
			memcpy((char *)buf + got, d->blk, k);
			d->blk += k;
			d->blklen -= k;
			d->blkoff += (la_int64_t)k;
		}
		d->pos += (la_int64_t)k;
		got += k;
	}
	/* ARCHIVE_WARN or ARCHIVE_FAILED: this member is lost (an encrypted
	 * zip member, a bad CRC) and the next header can still be read, as
	 * bsdtar does; ARCHIVE_FATAL: the archive is no good after it */
	if (got == 0 && d->pend) {
		d->lost = d->pend != ARCHIVE_FATAL || reopen(d) == 0;
		return -1;
	}
	if (got > 0)
		d->dmg = 0;
	return (ssize_t)got;
}

void
dm_archive_free(struct dm_archive *d)
{
	if (d == NULL)
		return;
	/* a child done with its archive waits for the next; one left in
	 * the middle is ended */
	if (d->pid && d->kid >= 0) {
		if (d->idle)
			ckids[d->kid].busy = 0;
		else
			ckill(d->kid, 0);
	}
	archive_read_free(d->a);
	dm_buf_free(&d->rec);
	dm_buf_free(&d->msg);
	dm_buf_free(&d->path);
	dm_buf_free(&d->fmt);
	free(d);
}

/* Appends the last message of a, escaped and in dm's style. */
static void
error_str(struct dm_buf *b, const char *s)
{
	size_t n;

	if (s == NULL || dm_la_msglen(s) == 0)
		s = "truncated or corrupt archive";
	n = b->len;
	dm_buf_addquoted(b, s, dm_la_msglen(s), 200);
	/* libarchive's messages start with a capital, dm's do not */
	if (b->buf[n] >= 'A' && b->buf[n] <= 'Z' &&
	    !(b->buf[n + 1] >= 'A' && b->buf[n + 1] <= 'Z'))
		b->buf[n] += 'a' - 'A';
	while (b->len > n && (b->buf[b->len - 1] == '.' ||
	    b->buf[b->len - 1] == ' '))
		b->buf[--b->len] = '\0';
}

static void
error_of(struct dm_buf *b, struct archive *a)
{
	error_str(b, archive_error_string(a));
}

void
dm_archive_error(struct dm_buf *b, struct dm_archive *d)
{
	if (d->pid || d->saved)
		error_str(b, d->msg.buf);
	else
		error_of(b, d->a);
}

/* ---- a zip in memory ---- */

int
dm_zip_read(const void *zip, size_t len, const char *name, size_t max,
    struct dm_buf *out, struct dm_buf *err)
{
	struct archive *a;
	struct archive_entry *e;
	const char *mn;
	size_t start = out->len;
	la_ssize_t n;
	long count = 0;
	int r;

	if ((a = archive_read_new()) == NULL)
		dm_die("out of memory");
	/* the central directory says what the members are: a zip cut
	 * short is damaged, not read as far as it goes */
	archive_read_support_format_zip_seekable(a);
	if (archive_read_open_memory(a, zip, len) != ARCHIVE_OK) {
		error_of(err, a);
		archive_read_free(a);
		return -1;
	}
	for (;;) {
		r = archive_read_next_header(a, &e);
		if (r == ARCHIVE_EOF) {
			r = 1;
			break;
		}
		if (r < ARCHIVE_WARN || ++count > DM_ZIP_MAXMEMBERS) {
			if (r < ARCHIVE_WARN)
				error_of(err, a);
			else
				dm_buf_addf(err, "more than %d members",
				    DM_ZIP_MAXMEMBERS);
			r = -1;
			break;
		}
		if ((mn = archive_entry_pathname(e)) == NULL ||
		    strcmp(mn, name) != 0)
			continue;
		for (;;) {
			dm_buf_grow(out, 64 * 1024);
			n = archive_read_data(a, out->buf + out->len,
			    out->cap - out->len - 1);
			if (n < 0) {
				error_of(err, a);
				break;
			}
			if (n == 0)
				break;
			out->len += (size_t)n;
			out->buf[out->len] = '\0';
			if (out->len - start > max) {
				dm_buf_adds(err, "member '");
				dm_buf_addquoted(err, name, strlen(name), 200);
				dm_buf_addf(err, "' is larger than %zu bytes",
				    max);
				n = -1;
				break;
			}
		}
		r = n < 0 ? -1 : 0;
		break;
	}
	archive_read_free(a);
	if (r != 0) {
		out->len = start;
		if (out->buf != dm_buf_empty)
			out->buf[start] = '\0';
	}
	return r;
}

/* ---- a compressed stream in, of the formats that unz.c leaves to
 * libarchive (none of those the reader sniffs: unz.c has them) ---- */

#define CHUNK	(256 * 1024)

/* Feeds libarchive: first the bytes already read to sniff the format, then
 * the rest of the file descriptor. */
struct feed {
	int	 fd;
	char	*pre;
	size_t	 npre;
	int	 predone;
	char	 blk[CHUNK];
};

static la_ssize_t
feed_read(struct archive *a, void *arg, const void **buf)
{
	struct feed *f = arg;
	ssize_t n;

	if (!f->predone) {
		f->predone = 1;
		if (f->npre) {
			*buf = f->pre;
			return (la_ssize_t)f->npre;
		}
	}
	for (;;) {
		n = read(f->fd, f->blk, sizeof f->blk);
		if (n >= 0)
			break;
		if (errno != EINTR || dm_interrupted) {
			archive_set_error(a, errno, "%s", strerror(errno));
			return -1;
		}
	}
	*buf = f->blk;
	return n;
}

static int
feed_close(struct archive *a, void *arg)
{
	struct feed *f = arg;

	(void)a;
	free(f->pre);
	free(f);
	return ARCHIVE_OK;
}

const char *
dm_unzla_error(struct archive *a)
{
	const char *s = archive_error_string(a);

	/* libarchive leaves the message empty for some truncated streams */
	return s ? s : "truncated or corrupt compressed input";
}

struct archive *
dm_unzla_open(int fd, const char *pre, size_t npre, int *eof, struct dm_buf *err)
{
	struct archive_entry *ent;
	struct archive *a;
	struct feed *f;

	*eof = 0;
	f = dm_xmalloc(sizeof *f);
	f->fd = fd;
	f->pre = dm_xstrndup(pre, npre);
	f->npre = npre;
	f->predone = 0;
	if ((a = archive_read_new()) == NULL)
		dm_die("out of memory");
	archive_read_support_filter_all(a);
	archive_read_support_format_raw(a);
	/* so that an empty compressed stream is an empty input */
	archive_read_support_format_empty(a);
	if (archive_read_open(a, f, NULL, feed_read, feed_close) !=
	    ARCHIVE_OK) {
		la_add(err, dm_unzla_error(a));
		archive_read_free(a);
		return NULL;
	}
	switch (archive_read_next_header(a, &ent)) {
	case ARCHIVE_OK:
	case ARCHIVE_WARN:
		return a;
	case ARCHIVE_EOF:
		*eof = 1;
		return a;
	default:
		la_add(err, dm_unzla_error(a));
		archive_read_free(a);
		return NULL;
	}
}

ssize_t
dm_unzla_read(struct archive *a, void *buf, size_t n)
{
	return archive_read_data(a, buf, n);
}

void
dm_unzla_close(struct archive *a)
{
	archive_read_free(a);
}

/* ---- a tar stream out ---- */

static la_ssize_t
tar_write(struct archive *a, void *arg, const void *buf, size_t n)
{
	(void)a;
	dm_buf_add(arg, buf, n);
	return (la_ssize_t)n;
}

struct archive *
dm_tar_new(struct dm_buf *out, struct dm_buf *err)
{
	struct archive *a;

	if ((a = archive_write_new()) == NULL)
		dm_die("out of memory");
	archive_write_set_format_pax_restricted(a);
	archive_write_set_bytes_in_last_block(a, 1);
	if (archive_write_open(a, out, NULL, tar_write, NULL) != ARCHIVE_OK) {
		dm_buf_adds(err, "tar: ");
		la_add(err, archive_error_string(a));
		archive_write_free(a);
		return NULL;
	}
	return a;
}

int
dm_tar_file(struct archive *a, const char *path, const char *name,
    struct dm_buf *err)
{
	struct archive_entry *e;
	struct stat st;
	char buf[65536];
	ssize_t r;
	int fd;

	if ((fd = open(path, O_RDONLY)) < 0 || fstat(fd, &st) < 0) {
		dm_buf_addf(err, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	e = archive_entry_new();
	archive_entry_set_pathname(e, name);
	archive_entry_set_size(e, st.st_size);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, st.st_mode & 0755);
	archive_entry_set_mtime(e, st.st_mtime, 0);
	if (archive_write_header(a, e) != ARCHIVE_OK) {
		dm_buf_addf(err, "%s: ", path);
		la_add(err, archive_error_string(a));
		archive_entry_free(e);
		close(fd);
		return -1;
	}
	archive_entry_free(e);
	while ((r = read(fd, buf, sizeof buf)) > 0)
		if (archive_write_data(a, buf, (size_t)r) != r) {
			dm_buf_addf(err, "%s: ", path);
			la_add(err, archive_error_string(a));
			close(fd);
			return -1;
		}
	close(fd);
	return 0;
}

int
dm_tar_tree(struct archive *a, const char *dir, const char *prefix,
    struct dm_buf *err)
{
	struct dm_buf p = DM_BUF_INIT, n = DM_BUF_INIT;
	struct dirent **list;
	struct stat st;
	int i, cnt, rc = 0;

	if ((cnt = scandir(dir, &list, NULL, alphasort)) < 0) {
		dm_buf_addf(err, "%s: %s", dir, strerror(errno));
		return -1;
	}
	for (i = 0; i < cnt; i++) {
		if (rc == 0 && list[i]->d_name[0] != '.') {
			dm_buf_reset(&p);
			dm_buf_reset(&n);
			dm_buf_addf(&p, "%s/%s", dir, list[i]->d_name);
			dm_buf_addf(&n, "%s/%s", prefix, list[i]->d_name);
			if (stat(p.buf, &st) < 0)
				;
			else if (S_ISDIR(st.st_mode))
				rc = dm_tar_tree(a, p.buf, n.buf, err);
			else if (S_ISREG(st.st_mode))
				rc = dm_tar_file(a, p.buf, n.buf, err);
		}
		free(list[i]);
	}
	free(list);
	dm_buf_free(&p);
	dm_buf_free(&n);
	return rc;
}

int
dm_tar_close(struct archive *a, int ok, struct dm_buf *err)
{
	int rc = ok;

	if (archive_write_close(a) != ARCHIVE_OK && rc == 0) {
		dm_buf_adds(err, "tar: ");
		la_add(err, archive_error_string(a));
		rc = -1;
	}
	archive_write_free(a);
	return rc;
}
