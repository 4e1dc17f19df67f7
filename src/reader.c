/* reader.c - lines from files, standard input and compressed streams */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dm.h"
#include "archives.h"
#include "simd.h"

#define CHUNK	(256 * 1024)

/*
 * A block of a regular file that dm-run gives a job to read itself, so
 * that dm-run moves none of its bytes (dm-run(1), in place):
 * DM_RUN_RANGE=DEV:INO:OFFSET:LENGTH, with standard input that file. The
 * bytes from OFFSET on, LENGTH of them, are then all that standard input
 * holds, read with pread(2): the descriptor's offset, which dm-run shares,
 * is never used. The variable is taken at the first reader's start (or
 * the first read of stdin) and removed from the environment; it counts
 * only when descriptor 0 is the file it names.
 */
static struct {
	int		 taken, on;	/* the variable was read, was set */
	int		 checked, is;	/* stdin was checked, is the file */
	uintmax_t	 dev, ino;
	unsigned long long start, pos, end;
} range;

static void
takerange(void)
{
	const char *e;
	unsigned long long off, len;
	char more;

	if (range.taken)
		return;
	range.taken = 1;
	if ((e = getenv("DM_RUN_RANGE")) == NULL)
		return;
	/* dm-run writes it; read wrong, it would mean the wrong bytes */
	if (!isdigit((unsigned char)*e) || sscanf(e, "%" SCNuMAX ":%" SCNuMAX
	    ":%llu:%llu%c", &range.dev, &range.ino, &off, &len, &more) != 4 ||
	    off + len < off)
		dm_die("DM_RUN_RANGE is not DEV:INO:OFFSET:LENGTH: '%s'", e);
	range.on = 1;
	range.start = range.pos = off;
	range.end = off + len;
	unsetenv("DM_RUN_RANGE");
}

/*
 * A block that dm-run gives a job through a pipe (dm-run(1)) is plain text
 * whatever its first bytes: dm-run has read and decompressed its input.
 * DM_RUN_PLAIN=DEV:INO names that pipe, so that a block that starts with
 * a line like "BZh9" is read as its lines, as in one run over the whole
 * input, not as a broken stream. Taken and removed as DM_RUN_RANGE; it
 * counts only when descriptor 0 is that pipe.
 */
static struct {
	int		 taken, on;
	int		 checked, is;
	uintmax_t	 dev, ino;
} plain;

static void
takeplain(void)
{
	const char *e;
	char more;

	if (plain.taken)
		return;
	plain.taken = 1;
	if ((e = getenv("DM_RUN_PLAIN")) == NULL)
		return;
	if (!isdigit((unsigned char)*e) || sscanf(e, "%" SCNuMAX ":%" SCNuMAX
	    "%c", &plain.dev, &plain.ino, &more) != 2)
		dm_die("DM_RUN_PLAIN is not DEV:INO: '%s'", e);
	plain.on = 1;
	unsetenv("DM_RUN_PLAIN");
}

/*
 * With either, DM_RUN_LINE=LINE or LINE:NAME says which line of dm-run's
 * input the block starts with, and the operand it comes from (standard
 * input when there is no NAME), so that messages and the rejects file
 * name the lines of the block as one run over the whole input would.
 * Taken and removed as DM_RUN_RANGE; it counts only when stdin is the
 * block, and only the first time stdin is read.
 *
 * With DM_RUN_RANGE, dm-run gives LINE@OFFSET instead: LINE is the line
 * that starts at byte OFFSET of the file, and the lines between it and
 * the block are counted here, with pread(2), the first time a number of
 * the block's is shown (dm_line_shown). A job with no message to give
 * then counts nothing, and dm-run, which shares the cores with its jobs,
 * does not read the whole file to count lines no one may ask for. Until
 * then the reader numbers the block's lines from 1, and its name for them
 * (shown) is what dm_line_shown knows them by.
 */
static struct {
	int		 taken, on, used;
	unsigned long long line;	/* of the block's first line, or the
					   line at byte at (lazy) */
	int		 lazy, counted;
	unsigned long long at;
	unsigned long	 before;	/* lines before the block (counted) */
	const char	*shown;		/* the block's name in messages (lazy);
					   never freed, so never another's */
	char		*name;		/* NULL: standard input */
} from;

static void
takeline(void)
{
	const char *e;
	char *end;

	if (from.taken)
		return;
	from.taken = 1;
	if ((e = getenv("DM_RUN_LINE")) == NULL)
		return;
	errno = 0;
	from.line = strtoull(e, &end, 10);
	if (isdigit((unsigned char)*e) && errno == 0 && *end == '@' &&
	    isdigit((unsigned char)end[1])) {
		from.at = strtoull(end + 1, &end, 10);
		from.lazy = 1;
	}
	if (!isdigit((unsigned char)*e) || errno != 0 || from.line == 0 ||
	    from.line > ULONG_MAX || (*end != '\0' && *end != ':') ||
	    (*end == ':' && end[1] == '\0'))
		dm_die("DM_RUN_LINE is not LINE, LINE@OFFSET, LINE:NAME or "
		    "LINE@OFFSET:NAME: '%s'", e);
	if (*end == ':')
		from.name = dm_xstrdup(end + 1);
	from.on = 1;
	unsetenv("DM_RUN_LINE");
}

/* The lines of stdin from byte from.at to the block, once (from.before):
 * on a read error, said, none (the block's lines are numbered from 1). */
static void
countbefore(void)
{
	char buf[65536];
	unsigned long long off = from.at;
	size_t n;
	ssize_t k;

	from.counted = 1;
	while (off < range.start) {
		n = range.start - off < sizeof buf ? (size_t)(range.start - off) :
		    sizeof buf;
		if ((k = pread(0, buf, n, (off_t)off)) <= 0) {
			if (k < 0 && errno == EINTR && !dm_interrupted)
				continue;
			dm_warn("%s: cannot count the lines before byte %llu: "
			    "%s; the lines of the block that dm-run gave this "
			    "job are numbered from 1", from.shown, range.start,
			    k < 0 ? strerror(errno) : "the file ends before it");
			from.before = 0;
			from.line = 1;
			return;
		}
		from.before += dm_simd_newlines(buf, (size_t)k);
		off += (unsigned long long)k;
	}
}

unsigned long
dm_line_shown(const char *file, unsigned long n)
{
	if (file == NULL || file != from.shown)
		return n;
	if (!from.counted)
		countbefore();
	return n + from.before + (unsigned long)(from.line - 1);
}

/* Whether standard input is the file (fifo 0) or the pipe (fifo 1) of
 * device dev and inode ino: what DM_RUN_RANGE and DM_RUN_PLAIN name. */
static int
stdinis(int fifo, uintmax_t dev, uintmax_t ino)
{
	struct stat st;

	return fstat(0, &st) == 0 &&
	    (fifo ? S_ISFIFO(st.st_mode) : S_ISREG(st.st_mode)) &&
	    (uintmax_t)st.st_dev == dev && (uintmax_t)st.st_ino == ino;
}

/* Whether standard input is the pipe of DM_RUN_PLAIN (told once). */
static int
stdinplain(void)
{
	takeplain();
	if (!plain.checked) {
		plain.checked = 1;
		plain.is = plain.on && stdinis(1, plain.dev, plain.ino);
	}
	return plain.is;
}

/* Whether standard input is the file of DM_RUN_RANGE (told once). */
static int
stdinranged(void)
{
	takerange();
	if (!range.checked) {
		range.checked = 1;
		range.is = range.on && stdinis(0, range.dev, range.ino);
	}
	return range.is;
}

/* The most bytes of a name shown in a message (see display()). */
#define NAME_MAX_SHOWN	100

ssize_t
dm_stdin_read(void *buf, size_t n)
{
	struct dm_buf name = DM_BUF_INIT;
	struct stat st;
	unsigned long long end;
	ssize_t k;

	if (!stdinranged())
		return dm_read_wait(0, buf, n);
	if (n > range.end - range.pos)
		n = (size_t)(range.end - range.pos);
	if (n == 0)
		return 0;
	k = pread(0, buf, n, (off_t)range.pos);
	if (k > 0)
		range.pos += (unsigned long long)k;
	else if (k == 0) {
		/* named as the lines are (DM_RUN_LINE) */
		takeline();
		if (from.name != NULL)
			dm_buf_addquoted(&name, from.name, strlen(from.name),
			    NAME_MAX_SHOWN);
		else
			dm_buf_adds(&name, "<stdin>");
		/* at range.pos, or before it: before the block, even */
		end = range.pos;
		if (fstat(0, &st) == 0 && (unsigned long long)st.st_size < end)
			end = (unsigned long long)st.st_size;
		if (end <= range.start)
			dm_warn("%s: the file ends at byte %llu, before the "
			    "block that dm-run gave this job (bytes %llu to "
			    "%llu)", name.buf, end, range.start, range.end);
		else
			dm_warn("%s: the file ends at byte %llu, inside the "
			    "block that dm-run gave this job (bytes to %llu)",
			    name.buf, end, range.end);
		dm_buf_free(&name);
		range.end = range.pos;
		return -2;
	}
	return k;
}

/* read(2) from the current input: -2 when it is a block of dm-run's
 * that the file ends inside of (reported). */
static ssize_t
rawread(struct dm_reader *r, char *buf, size_t n)
{
	return r->ranged ? dm_stdin_read(buf, n) : dm_read_wait(r->fd, buf, n);
}

void
dm_reader_init(struct dm_reader *r, int argc, char **argv)
{
	static char *stdin_only[] = { "-", NULL };

	memset(r, 0, sizeof *r);
	r->fd = -1;
	/* Started with stdin closed, descriptor 0 may later be anything
	 * (an operand, a socket): - must not read it. */
	r->nostdin = fcntl(0, F_GETFD) < 0 && errno == EBADF;
	if (argc == 0) {
		r->paths = stdin_only;
		r->npaths = 1;
	} else {
		r->paths = argv;
		r->npaths = argc;
	}
	r->maxline = DM_MAX_LINE;
	r->cap = CHUNK;
	takerange();
	takeplain();
	takeline();
	r->buf = dm_xmalloc(r->cap);
}

/* dm_files0_from's names, and the block that holds them: kept here until
 * exit (volatile, so that the stores stay and a leak check sees them) */
static char **volatile names;
static char *volatile block;

void
dm_files0_from(const char *list, int *argc, char ***argv, const char *usage)
{
	const char *name = strcmp(list, "-") ? list : "<stdin>";
	size_t len, i, n = 0, k;
	char *all, **v;

	if (*argc > 0)
		dm_usage_die(usage, "'%s': an operand, where --files0-from "
		    "names the inputs", dm_quote((*argv)[0]));
	all = dm_slurp_len(list, &len);
	if (len > 0 && all[len - 1] != '\0') {	/* the last name's NUL */
		all = dm_xrealloc(all, len + 1);
		all[len++] = '\0';
	}
	for (i = 0; i < len; i++)
		n += all[i] == '\0';
	if (n > INT_MAX - 1)
		dm_die("%s: more than %d names", name, INT_MAX - 1);
	v = dm_xreallocarray(NULL, n + 1, sizeof *v);
	for (i = 0, k = 0; k < n; k++) {
		v[k] = all + i;
		if (*v[k] == '\0')
			dm_die("%s:%zu: an empty file name", name, k + 1);
		if (strcmp(list, "-") == 0 && strcmp(v[k], "-") == 0)
			dm_die("%s:%zu: '-', where standard input is the list",
			    name, k + 1);
		i += strlen(v[k]) + 1;
	}
	v[n] = NULL;
	*argc = (int)n;
	*argv = v;
	/* kept until exit, as operands are */
	names = v;
	block = all;
}

void
dm_reader_files0(struct dm_reader *r, int argc, char **argv)
{
	dm_reader_init(r, argc, argv);
	if (argc == 0)
		r->npaths = 0;
}

/* The bytes of lines already returned are about to change. */
static void
release(struct dm_reader *r)
{
	if (r->release)
		r->release(r->release_arg);
}

static void
closecur(struct dm_reader *r)
{
	release(r);
	if (r->ar) {
		dm_unz_close(r->ar);
		r->ar = NULL;
	}
	if (r->fd >= 0 && r->ownfd)
		close(r->fd);
	r->fd = -1;
	r->ownfd = 0;
	r->ranged = 0;
	r->start = r->end = 0;
	r->eof = 0;
	r->broken = 0;
	r->bom = 0;
	r->skipping = 0;
	r->rawnl |= r->rawopen;
	r->rawopen = 0;
}

/* The name used in messages: control characters and bad UTF-8 escaped,
 * and at most NAME_MAX_SHOWN bytes of it followed by "...": an operand
 * typed by mistake (a 100 KB argument, a KEY=secret) is not echoed whole. */
static const char *
display(struct dm_reader *r, const char *path)
{
	free(r->dname);
	struct dm_buf b = DM_BUF_INIT;

	dm_buf_addquoted(&b, path, strlen(path), NAME_MAX_SHOWN);
	r->dname = dm_buf_detach(&b, NULL);
	return r->dname;
}

/* The magics of the compressed formats the reader takes: gzip, bzip2, xz,
 * zstd, lz4, lzma and compress. */
static const struct {
	const char *m;
	size_t len;
	const char *name;
} magic[] = {
	{ "\x1f\x8b", 2, "gzip" }, { "BZh", 3, "bzip2" },
	{ "\xfd" "7zXZ\0", 6, "xz" }, { "\x28\xb5\x2f\xfd", 4, "zstd" },
	{ "\x04\x22\x4d\x18", 4, "lz4" }, { "\x5d\x00\x00", 3, "lzma" },
	/* lz4 -l's legacy frame */
	{ "\x02\x21\x4c\x18", 4, "lz4" },
	/* compress(1)'s .Z, which gzip -dc reads: through libarchive */
	{ "\x1f\x9d", 2, "compress" },
};

/* Whether the n bytes at p begin with a magic (whole is 1), or only may
 * (whole is 0: they are a prefix of one). Sniffing stops at the first
 * byte that rules every magic out, so that a short first line from a
 * pipe whose writer stays open is read without waiting for more. */
static int
compressed(const unsigned char *p, size_t n, int whole)
{
	size_t i;

	/* a skippable frame, 5? 2A 4D 18: pzstd starts each frame with one
	 * (unz.c reads it as zstd) */
	if (n > 0 && (n >= 4 || !whole) && (p[0] & 0xf0) == 0x50 &&
	    memcmp(p + 1, "\x2a\x4d\x18", n < 4 ? n - 1 : 3) == 0)
		return 1;
	for (i = 0; i < sizeof magic / sizeof magic[0]; i++)
		if ((n >= magic[i].len || !whole) &&
		    memcmp(p, magic[i].m, n < magic[i].len ? n :
		    magic[i].len) == 0)
			return 1;
	return 0;
}

/*
 * The format whose magic a whole input of n bytes, shorter than it, is
 * the start of, when those bytes are no text: a compressed file cut
 * inside its magic (a download that failed at its first bytes). Text
 * that starts the same ("BZ", "]", "(") is NULL: it is read as text.
 */
static const char *
cutmagic(const unsigned char *p, size_t n)
{
	size_t i, j;

	for (j = 0; j < n; j++)
		if ((p[j] < ' ' && p[j] != '\t' && p[j] != '\r' &&
		    p[j] != '\n') || p[j] >= 0x80)
			break;
	if (j == n)
		return NULL;
	/* compress's header is 3 bytes, its flags after the magic */
	if (n == 2 && memcmp(p, "\x1f\x9d", 2) == 0)
		return "compress";
	for (i = 0; i < sizeof magic / sizeof magic[0]; i++)
		if (n < magic[i].len && memcmp(p, magic[i].m, n) == 0)
			return magic[i].name;
	return NULL;
}

/* Reads up to want bytes into buf at end; -1 on error (reported). With
 * now set, compressed input is decompressed without waiting for its
 * descriptor: -2 when nothing comes of it now. */
static ssize_t
fillnow(struct dm_reader *r, size_t want, int now)
{
	ssize_t n;

	for (;;) {
		if (r->ar)
			n = (now ? dm_unz_read_now : dm_unz_read)(r->ar,
			    r->buf + r->end, want);
		else
			n = rawread(r, r->buf + r->end, want);
		if (n >= 0)
			return n;
		if (n == -2)
			return r->ar ? -2 : -1;
		if (r->ar) {
			/* at the line it cut: the one after the last whole
			 * one (the overlong one skipped, when it is) */
			if (!dm_interrupted && !r->quiet)
				dm_warn("%s:%lu: %s", r->name, r->lineno +
				    (r->skipping ? 0 : 1),
				    dm_unz_error(r->ar));
			return -1;
		}
		if (errno == EINTR && !dm_interrupted)
			continue;
		if (!dm_interrupted && !r->quiet)
			dm_warnx_errno("%s", r->name);
		return -1;
	}
}

static ssize_t
fill(struct dm_reader *r, size_t want)
{
	return fillnow(r, want, 0);
}

/* Opens the next operand; 0 when one is open, -1 when there are none left. */
/*
 * Whether fd is the regular file that standard output writes, with bytes
 * left to read: `dm-map lower f >> f` would read its own output and grow
 * f until the disk is full. As cat(1) tells, and before reading.
 */
static int
isoutput(int fd)
{
	struct stat in, out;
	off_t at;

	if (fstat(fd, &in) < 0 || !S_ISREG(in.st_mode) ||
	    fstat(1, &out) < 0 || !S_ISREG(out.st_mode) ||
	    in.st_dev != out.st_dev || in.st_ino != out.st_ino)
		return 0;
	at = lseek(fd, 0, SEEK_CUR);
	return at >= 0 && at < in.st_size;
}

static int
opennext(struct dm_reader *r)
{
	struct dm_buf err = DM_BUF_INIT;
	const char *path, *what;
	ssize_t n;
	size_t got;

	while (r->next < r->npaths) {
		path = r->paths[r->next++];
		r->lineno = 0;
		if (strcmp(path, "-") == 0) {
			r->name = r->path = "<stdin>";
			if (r->nostdin) {
				errno = EBADF;
				if (!r->quiet)
					dm_warnx_errno("%s", r->name);
				r->nerrors++;
				continue;
			}
			r->fd = 0;
			r->ranged = stdinranged();
			r->plain = stdinplain();
			if ((r->ranged || r->plain) && from.on && !from.used) {
				from.used = 1;
				if (!from.lazy || !r->ranged)
					r->lineno = (unsigned long)(from.line - 1);
				if (from.name != NULL) {
					r->name = display(r, from.name);
					r->path = from.name;
				}
				if (from.lazy && r->ranged) {
					from.shown = dm_xstrdup(r->name);
					r->name = from.shown;
				}
			}
		} else {
			r->name = display(r, path);
			r->path = path;
			if (r->spooled != NULL && r->spooled[r->next - 1] >= 0) {
				/* the copy's descriptor is shared: each read
				 * of it starts over */
				if ((r->fd = fcntl(r->spooled[r->next - 1],
				    F_DUPFD_CLOEXEC, 0)) < 0 ||
				    lseek(r->fd, 0, SEEK_SET) < 0) {
					if (!r->quiet)
						dm_warnx_errno("%s", r->name);
					if (r->fd >= 0)
						close(r->fd);
					r->fd = -1;
					r->nerrors++;
					continue;
				}
			} else if ((r->fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
				if (!r->quiet)
					dm_warnx_errno("%s", r->name);
				r->nerrors++;
				continue;
			}
			/* may be 0 when started with stdin closed */
			r->ownfd = 1;
		}
		if (!r->ranged && !r->plain && isoutput(r->fd)) {
			if (!r->quiet)
				dm_warn("%s: input file is output file",
				    r->name);
			r->nerrors++;
			closecur(r);
			continue;
		}
		/* Sniff the first bytes: compressed input goes through
		 * libarchive's raw format, everything else is read directly.
		 * nbytes counts them here for plain input; compressed input
		 * is counted as libarchive gives out its decompressed bytes. */
		got = 0;
		while (got < 6) {
			r->end = got;
			if ((n = fill(r, 6 - got)) < 0)
				break;
			if (n == 0)
				break;
			got += (size_t)n;
			if (!compressed((unsigned char *)r->buf, got, 0))
				break;
		}
		r->end = got;
		if (n < 0) {
			if (!dm_interrupted)
				r->nerrors++;
			closecur(r);
			continue;
		}
		if (n == 0 && got < 6)
			r->eof = 1;
		if (r->eof && !r->ranged && !r->plain &&
		    (what = cutmagic((unsigned char *)r->buf, got)) != NULL) {
			if (!r->quiet)
				dm_warn("%s:1: truncated %s input", r->name,
				    what);
			r->nerrors++;
			closecur(r);
			continue;
		}
		/* A block of dm-run's is never a compressed stream: dm-run
		 * found its whole file plain, or decompressed it. */
		/* A byte order mark opens an input, not a block of dm-run's
		 * that starts further in (DM_RUN_LINE). */
		r->bom = from.shown != NULL && r->name == from.shown ?
		    from.line == 1 && range.start == from.at : r->lineno == 0;
		if (r->ranged || r->plain ||
		    !compressed((unsigned char *)r->buf, got, 1)) {
			/* input as it is: the sniffed bytes are its first */
			r->nbytes += got;
			dm_buf_free(&err);
			return 0;
		}
		r->start = r->end = 0;
		r->eof = 0;
		dm_buf_reset(&err);
		if ((r->ar = dm_unz_open(r->fd, r->buf, got, &r->eof,
		    &err)) == NULL) {
			if (!r->quiet)
				dm_warn("%s: %s", r->name, err.buf);
			r->nerrors++;
			closecur(r);
			continue;
		}
		dm_buf_free(&err);
		return 0;
	}
	dm_buf_free(&err);
	return -1;
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

/* Whether the n bytes at p, a line or the start of one not ended yet, are
 * longer than maxline. The CR of a CRLF is the line's end, not its bytes
 * (the CR is dropped as the LF is): a line saved on Windows is as long as
 * the same line saved with LF. */
static int
toolong(const struct dm_reader *r, const char *p, size_t n)
{
	/* nor is the byte order mark of the input's first line */
	if (r->bom && n >= 3 && dm_utf8_bom(p, n)) {
		p += 3;
		n -= 3;
	}
	return r->maxline && n > r->maxline &&
	    (n - r->maxline > 1 || p[r->maxline] != '\r');
}

/* The line at start is longer than maxline: moves it to the front, where
 * its head stays while dm_reader_skip reads past the rest. */
static int
overlong(struct dm_reader *r, const char **line, size_t *len)
{
	size_t head = r->maxline < DM_LINE_HEAD ? r->maxline : DM_LINE_HEAD;

	if (r->start > 0) {
		release(r);
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
	}
	/* the input's byte order mark is no part of the line, its head or
	 * its length */
	if (r->bom && r->end >= 3 && dm_utf8_bom(r->buf, r->end)) {
		memmove(r->buf, r->buf + 3, r->end - 3);
		r->end -= 3;
	}
	r->start = head;
	r->longlen = head;
	r->skipping = 1;
	r->bom = 0;
	r->lineno++;
	*line = r->buf;
	*len = head;
	return 2;
}

int
dm_reader_skip(struct dm_reader *r)
{
	ssize_t got;
	char *nl;
	/* the byte before the next one is a CR (in the head, at first) */
	int cr = r->start > 0 && r->buf[r->start - 1] == '\r';

	while (r->skipping) {
		if (dm_interrupted) {
			closecur(r);
			r->skipping = 0;
			return -1;
		}
		if (r->start < r->end) {
			nl = memchr(r->buf + r->start, '\n', r->end - r->start);
			if (nl) {
				r->longlen += (size_t)(nl - (r->buf + r->start));
				/* its CRLF's CR is not counted */
				if (nl > r->buf + r->start ? nl[-1] == '\r' : cr)
					r->longlen--;
				r->start = (size_t)(nl - r->buf) + 1;
				r->skipping = 0;
				break;
			}
			r->longlen += r->end - r->start;
			cr = r->buf[r->end - 1] == '\r';
		}
		/* The head stays at the front; the rest is read after it. */
		r->start = r->end = r->maxline < DM_LINE_HEAD ? r->maxline :
		    DM_LINE_HEAD;
		if (r->eof) {
			r->skipping = 0;
			break;
		}
		got = fill(r, r->cap - r->end);
		if (got < 0) {
			if (dm_interrupted)
				continue;
			r->nerrors++;
			r->broken = 1;
			r->eof = 1;
		} else if (got == 0)
			r->eof = 1;
		else {
			r->end += (size_t)got;
			r->nbytes += (size_t)got;
		}
	}
	return 0;
}

/* Room after the buffered bytes of a line not yet whole, the line moved to
 * the front: what the next read may fill. */
static size_t
makeroom(struct dm_reader *r)
{
	size_t room;

	if (r->start > 0) {
		release(r);
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->start = 0;
	}
	if (r->cap - r->end < CHUNK) {
		r->cap *= 2;
		/* maxline + 5 bytes tell an overlong line (a CR, then no LF;
		 * after the input's byte order mark) */
		if (r->maxline && r->cap > r->maxline + CHUNK + 5)
			r->cap = r->maxline + CHUNK + 5;
		release(r);
		r->buf = dm_xrealloc(r->buf, r->cap);
	}
	room = r->cap - r->end;
	if (r->maxline && room > r->maxline + 5 - r->end)
		room = r->maxline + 5 - r->end;
	return room;
}

int
dm_reader_pull(struct dm_reader *r)
{
	ssize_t got;

	if (r->fd < 0 || r->eof || r->ranged || r->skipping ||
	    memchr(r->buf + r->start, '\n', r->end - r->start) != NULL ||
	    toolong(r, r->buf + r->start, r->end - r->start))
		return 1;
	/* Compressed input: what it holds now may be any part of a line,
	 * and the decoder may hold more than its descriptor shows; it is
	 * decompressed until a line is whole or fd has no more bytes now.
	 * Each round takes bytes, up to the line's bound, or ends. */
	while (r->ar != NULL) {
		got = fillnow(r, makeroom(r), 1);
		if (got == -2)
			return 0;
		if (got <= 0)
			break;
		r->end += (size_t)got;
		r->nbytes += (size_t)got;
		if (memchr(r->buf + r->end - (size_t)got, '\n',
		    (size_t)got) != NULL ||
		    toolong(r, r->buf + r->start, r->end - r->start))
			return 1;
	}
	if (r->ar == NULL)
		got = fill(r, makeroom(r));
	if (got < 0) {
		if (dm_interrupted)
			return 1;
		/* as dm_reader_next: the whole lines before still count */
		r->nerrors++;
		r->broken = 1;
		r->eof = 1;
		return 1;
	}
	if (got == 0)
		r->eof = 1;
	r->end += (size_t)got;
	r->nbytes += (size_t)got;
	return r->eof || memchr(r->buf + r->end - (size_t)got, '\n',
	    (size_t)got) != NULL;
}

int
dm_reader_next(struct dm_reader *r, const char **line, size_t *len)
{
	size_t scan, n, room;
	ssize_t got;
	char *nl;

	for (;;) {
		if (dm_interrupted)
			return 0;
		if (r->skipping && dm_reader_skip(r) < 0)
			return 0;
		if (r->fd < 0 && opennext(r) < 0)
			return 0;
		scan = r->start;
		for (;;) {
			nl = memchr(r->buf + scan, '\n', r->end - scan);
			if (nl || r->eof)
				break;
			/* A line that never ends (dm-map < /dev/zero) keeps
			 * read from blocking: stop here on a signal. */
			if (dm_interrupted) {
				closecur(r);
				return 0;
			}
			if (toolong(r, r->buf + r->start, r->end - r->start))
				return overlong(r, line, len);
			/* No complete line: make room and read more. */
			room = makeroom(r);
			scan = r->end;
			got = fill(r, room);
			if (got < 0 || dm_interrupted) {
				if (dm_interrupted) {
					closecur(r);
					return 0;
				}
				/* The complete lines read so far still count;
				 * the cut one after them does not. */
				r->nerrors++;
				r->broken = 1;
				r->eof = 1;
				break;
			}
			if (got == 0)
				r->eof = 1;
			r->end += (size_t)got;
			r->nbytes += (size_t)got;
		}
		if (r->fd < 0)
			continue;
		if (nl == NULL) {
			if (r->start == r->end || r->broken) {
				closecur(r);
				continue;
			}
			if (toolong(r, r->buf + r->start, r->end - r->start))
				return overlong(r, line, len);
			/* A last line without a newline is a line. */
			nl = r->buf + r->end;
		}
		*line = r->buf + r->start;
		n = (size_t)(nl - *line);
		if (toolong(r, *line, n))
			return overlong(r, line, len);
		r->start = nl < r->buf + r->end ? (size_t)(nl - r->buf) + 1 : r->end;
		r->lineno++;
		/* Files saved on Windows often start with U+FEFF. */
		if (r->bom) {
			r->bom = 0;
			if (dm_utf8_bom(*line, n)) {
				*line += 3;
				n -= 3;
			}
		}
		if (n > 0 && (*line)[n - 1] == '\r')
			n--;
		if (n == 0 || ((*line)[0] <= ' ' && blank(*line, n)))
			continue;
		*len = n;
		return 1;
	}
}

/* dm-run's blocks must be the input's exact bytes (blank lines, CRs and
 * a last line without a newline included), so it reads them here: the bytes
 * sniffed by opennext first, then straight into the caller's buffer. */
/* Whether p[0..n), the first bytes of an input, start with a UTF-8 byte
 * order mark that dm_reader_read drops: that of every operand but the
 * first, which the dm tools would drop at the start of their files, and
 * which would fall inside a block here. The first operand's starts the
 * first block, where a tool drops it itself. */
static int
rawbom(const struct dm_reader *r, const char *p, size_t n)
{
	return r->next > 1 && dm_utf8_bom(p, n);
}

/* The newline owed before the bytes of this input (r->rawnl). */
static size_t
owednl(struct dm_reader *r, char *buf)
{
	r->rawnl = 0;
	buf[0] = '\n';
	return 1;
}

size_t
dm_reader_read(struct dm_reader *r, char *buf, size_t n)
{
	ssize_t got;
	size_t k;

	for (;;) {
		if (dm_interrupted || n == 0)
			return 0;
		if (r->fd < 0 && opennext(r) < 0)
			return 0;
		if (r->start < r->end) {
			if (r->bom) {
				r->bom = 0;
				if (rawbom(r, r->buf + r->start,
				    r->end - r->start)) {
					r->start += 3;
					continue;
				}
			}
			if (r->rawnl)
				return owednl(r, buf);
			k = r->end - r->start < n ? r->end - r->start : n;
			memcpy(buf, r->buf + r->start, k);
			r->start += k;
			r->rawopen = buf[k - 1] != '\n';
			return k;
		}
		if (r->eof) {
			closecur(r);
			continue;
		}
		for (;;) {
			if (r->ar)
				got = dm_unz_read(r->ar, buf, n);
			else
				got = rawread(r, buf, n);
			if (got >= 0 || r->ar || errno != EINTR || dm_interrupted)
				break;
		}
		if (got > 0) {
			r->nbytes += (size_t)got;
			if (r->bom) {
				r->bom = 0;
				if (rawbom(r, buf, (size_t)got)) {
					memmove(buf, buf + 3, (size_t)got - 3);
					if ((got -= 3) == 0)
						continue;
				}
			}
			if (r->rawnl) {
				/* the bytes wait in r->buf behind the
				 * newline (empty: r->start == r->end) */
				if (r->cap < (size_t)got) {
					r->cap = (size_t)got;
					r->buf = dm_xrealloc(r->buf, r->cap);
				}
				memcpy(r->buf, buf, (size_t)got);
				r->start = 0;
				r->end = (size_t)got;
				return owednl(r, buf);
			}
			r->rawopen = buf[got - 1] != '\n';
			return (size_t)got;
		}
		if (got == -2)
			r->nerrors++;
		else if (got < 0 && !dm_interrupted) {
			if (r->ar)
				dm_warn("%s: %s", r->name, dm_unz_error(r->ar));
			else
				dm_warnx_errno("%s", r->name);
			r->nerrors++;
		}
		closecur(r);
	}
}

void
dm_reader_free(struct dm_reader *r)
{
	closecur(r);
	free(r->buf);
	r->buf = NULL;
	free(r->dname);
	r->dname = NULL;
}
