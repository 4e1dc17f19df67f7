/* io.c - the sample loop every tool shares: read, check, reject, write */
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dm.h"
#include "progress.h"
#include "report.h"

void
dm_io_init(struct dm_io *io)
{
	const char *k = getenv("DM_TEXT_KEY");

	memset(io, 0, sizeof *io);
	io->key = "text";
	if (k && *k) {
		if (dm_utf8_check(k, strlen(k)) < strlen(k))
			dm_die("DM_TEXT_KEY: '%s': invalid UTF-8 at column %zu",
			    dm_quote(k), dm_utf8_check(k, strlen(k)) + 1);
		if (!dm_fieldpath_ok(k))
			dm_die("DM_TEXT_KEY: '%s' is not a field name",
			    dm_quote(k));
		io->key = k;
	}
	io->maxline = DM_MAX_LINE;
	io->on_error = DM_ON_ERROR_STOP;
	io->rej.fd = -1;
	dm_buf_init(&io->err);
	dm_buf_init(&io->s.keys);
	dm_buf_init(&io->s.out);
}

int
dm_io_option(struct dm_io *io, int c, const char *arg, const char *usage)
{
	static const char *const onerrors[] = {
		[DM_ON_ERROR_STOP] = "stop", [DM_ON_ERROR_SKIP] = "skip", NULL
	};

	switch (c) {
	case 'k':
		dm_io_utf8opt("-k", arg, usage);
		if (!dm_fieldpath_ok(arg))
			dm_usage_die(usage, "-k: '%s' is not a field name",
			    dm_quote(arg));
		io->key = arg;
		return 1;
	case DM_OPT_ON_ERROR:
		io->on_error = dm_strtoword(arg, onerrors, "--on-error", usage);
		return 1;
	case DM_OPT_REJECTS:
		io->rejects_path = arg;
		return 1;
	case DM_OPT_REPORT:
		dm_report_file(arg);
		return 1;
	case DM_OPT_MAX_LINE:
		io->maxline = (size_t)dm_strtosize(arg, "--max-line", usage);
		return 1;
	case DM_OPT_PROGRESS:
		io->progress = 1;
		return 1;
	case DM_OPT_FILES0:
		io->files0 = arg;
		io->usage = usage;
		return 1;
	}
	return 0;
}

void
dm_io_files0(struct dm_io *io, int *argc, char ***argv)
{
	if (io->files0 == NULL)
		return;
	dm_files0_from(io->files0, argc, argv, io->usage);
	io->files0 = NULL;
	io->listed = 1;
}

void
dm_io_utf8opt(const char *opt, const char *arg, const char *usage)
{
	size_t n = strlen(arg), bad = dm_utf8_check(arg, n);

	if (bad < n)
		dm_usage_die(usage, "%s: '%s': invalid UTF-8 at column %zu",
		    opt, dm_quote(arg), bad + 1);
}

/*
 * The rejects file as an input would be emptied before it is read (the
 * replay of `dm-map --rejects bad.jsonl strip bad.jsonl` lost every line,
 * status 0), or, added to, read again without end: refused before it is
 * opened, as cat refuses an input that is its output.
 */
void
dm_rejects_input(const char *path, int argc, char **argv, int listed)
{
	struct stat rs, st;
	int i, std = argc == 0;

	if (stat(path, &rs) < 0 || !S_ISREG(rs.st_mode))
		return;
	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "-") == 0 && !listed)
			std = 1;
		else if (stat(argv[i], &st) == 0 && st.st_dev == rs.st_dev &&
		    st.st_ino == rs.st_ino)
			dm_die("%s: input file is the rejects file", argv[i]);
	}
	if (std && fstat(0, &st) == 0 && st.st_dev == rs.st_dev &&
	    st.st_ino == rs.st_ino)
		dm_die("<stdin>: input file is the rejects file");
}

/* The reader is about to overwrite lines the writer may hold as spans. */
static void
release_out(void *w)
{
	dm_writer_flush(w);
}

void
dm_io_open(struct dm_io *io, int argc, char **argv)
{
	const char *env;
	int fd, flags = O_WRONLY | O_CREAT | O_CLOEXEC | O_TRUNC;

	/* $DM_REJECTS is added to, as by every tool of a pipeline, and
	 * each record is one line of a write(2) of whole lines */
	if (io->rejects_path == NULL &&
	    (env = getenv("DM_REJECTS")) != NULL && *env != '\0') {
		io->rejects_path = env;
		flags = (flags & ~O_TRUNC) | O_APPEND;
	}
	dm_io_files0(io, &argc, &argv);
	if (io->rejects_path) {
		if (argv != NULL)
			dm_rejects_input(io->rejects_path, argc, argv,
			    io->listed);
		fd = open(io->rejects_path, flags, 0666);
		if (fd < 0) {
			dm_warnx_errno("%s", io->rejects_path);
			exit(DM_EXIT_ERROR);
		}
		dm_writer_init(&io->rej, fd, io->rejects_path);
	}
	dm_writer_init(&io->out, 1, NULL);
	if (io->listed)
		dm_reader_files0(&io->in, argc, argv);
	else
		dm_reader_init(&io->in, argc, argv);
	io->in.release = release_out;
	io->in.release_arg = &io->out;
	dm_report_arm();
	io->in.maxline = io->maxline;
	if (io->progress)
		io->prog = dm_progress_new(&io->in);
}

/* p[0..n) is the start of a character cut off by the end. */
static int
cutchar(const char *p, size_t n)
{
	unsigned char c = (unsigned char)*p;
	size_t want, i;

	want = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 :
	    c >= 0xF0 && c <= 0xF4 ? 4 : 0;
	if (want <= n)
		return 0;
	for (i = 1; i < n; i++)
		if (((unsigned char)p[i] & 0xC0) != 0x80)
			return 0;
	return 1;
}

/* The raw line of a rejects record; an overlong line keeps its head, cut
 * at a character boundary, and its length. */
static void
addraw(struct dm_io *io, struct dm_buf *rec)
{
	struct dm_sample *s = &io->s;
	size_t n = s->len, ok = dm_utf8_check(s->line, s->len);

	if (io->overlong && ok < n && cutchar(s->line + ok, n - ok))
		n = ok;
	if (ok >= n) {
		dm_buf_adds(rec, io->overlong ? ",\"raw_head\":" : ",\"raw\":");
		dm_json_addstr(rec, s->line, n);
	} else {
		dm_buf_adds(rec, io->overlong ? ",\"raw_head_base64\":" :
		    ",\"raw_base64\":");
		dm_buf_addc(rec, '"');
		dm_base64_add(rec, s->line, n);
		dm_buf_addc(rec, '"');
	}
	if (io->overlong && io->longlen)
		dm_buf_addf(rec, ",\"length\":%llu", io->longlen);
}

/* The file of a rejects record: a name that is not UTF-8 (names are bytes)
 * shows each bad byte as U+FFFD, and its bytes follow in base64, as
 * dm-scan's path and path_base64. */
static void
addfile(struct dm_buf *rec, const char *path)
{
	struct dm_buf fixed = DM_BUF_INIT;
	size_t n = strlen(path);

	if (dm_utf8_check(path, n) == n) {
		dm_json_addstr(rec, path, n);
		return;
	}
	dm_utf8_fix(&fixed, path, n);
	dm_json_addstr(rec, fixed.buf, fixed.len);
	dm_buf_adds(rec, ",\"file_base64\":\"");
	dm_base64_add(rec, path, n);
	dm_buf_addc(rec, '"');
	dm_buf_free(&fixed);
}

static int
vreject(struct dm_io *io, size_t col, const char *fmt, va_list ap)
{
	struct dm_sample *s = &io->s;
	struct dm_buf reason = DM_BUF_INIT, rec = DM_BUF_INIT;
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n > 0) {
		dm_buf_grow(&reason, (size_t)n);
		vsnprintf(reason.buf, (size_t)n + 1, fmt, ap);
		reason.len = (size_t)n;
	}
	if (col)
		dm_warn("%s:%lu:%zu: %s", s->file,
		    dm_line_shown(s->file, s->lineno), col, reason.buf);
	else
		dm_warn("%s:%lu: %s", s->file,
		    dm_line_shown(s->file, s->lineno), reason.buf);
	io->nrejected++;
	if (io->rej.fd >= 0) {
		dm_buf_adds(&rec, "{\"file\":");
		addfile(&rec, io->in.path);
		dm_buf_addf(&rec, ",\"line\":%lu,\"reason\":",
		    dm_line_shown(s->file, s->lineno));
		dm_json_addstr(&rec, reason.buf, reason.len);
		/* The line verbatim, so it can be fixed and replayed; bytes
		 * that are not UTF-8 cannot sit in a JSON string. */
		addraw(io, &rec);
		dm_buf_addc(&rec, '}');
		dm_writer_line(&io->rej, rec.buf, rec.len);
	}
	dm_buf_free(&reason);
	dm_buf_free(&rec);
	if (io->on_error == DM_ON_ERROR_STOP) {
		io->stopped = 1;
		return -1;
	}
	return 0;
}

int
dm_io_reject(struct dm_io *io, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vreject(io, 0, fmt, ap);
	va_end(ap);
	return r;
}

int
dm_io_reject_at(struct dm_io *io, size_t col, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vreject(io, col, fmt, ap);
	va_end(ap);
	return r;
}

int
dm_io_reject_long(struct dm_io *io, const char *file, unsigned long lineno,
    const char *head, size_t n, unsigned long long len)
{
	int r;

	io->s.line = head;
	io->s.len = n;
	io->s.file = file;
	io->s.lineno = lineno;
	io->overlong = 1;
	io->longlen = len;
	if (len)
		r = dm_io_reject(io, "line of %llu bytes is longer than "
		    "--max-line (%zu bytes)", len, io->maxline);
	else
		r = dm_io_reject(io, "line is longer than --max-line (%zu bytes)",
		    io->maxline);
	io->overlong = 0;
	return r;
}

/* Under skip the rest of an overlong line is read first, to report its
 * length; under stop it is not (it may be endless). */
static int
overlong(struct dm_io *io, const char *line, size_t len)
{
	if (io->on_error == DM_ON_ERROR_SKIP) {
		if (dm_reader_skip(&io->in) < 0)
			return -1;
		return dm_io_reject_long(io, io->in.name, io->in.lineno, line,
		    len, io->in.longlen);
	}
	return dm_io_reject_long(io, io->in.name, io->in.lineno, line, len, 0);
}

struct dm_sample *
dm_io_next(struct dm_io *io)
{
	const char *line;
	size_t len, col;
	int r;

	if (io->stopped)
		return NULL;
	while ((r = dm_reader_next(&io->in, &line, &len)) != 0) {
		io->nin++;
		if (io->prog)
			dm_progress_tick(io->prog, io->nin);
		if (r == 2) {
			if (overlong(io, line, len) < 0)
				return NULL;
			continue;
		}
		dm_buf_reset(&io->err);
		if (dm_sample_load(&io->s, line, len, io->in.name,
		    io->in.lineno, &io->err, &col) == 0)
			return &io->s;
		if (dm_io_reject_at(io, col, "%s", io->err.buf) < 0)
			return NULL;
	}
	return NULL;
}

void
dm_io_emit(struct dm_io *io, struct dm_sample *s)
{
	const char *p;
	uintptr_t b;
	size_t n;

	if (s->changed) {
		dm_sample_write(s, &io->out);
		io->nout++;
		return;
	}
	dm_sample_bytes(s, &p, &n);
	/* An unchanged sample is its line in the reader's buffer: written
	 * from there with its newline (a line that ended in "\r\n" or at
	 * the end of the input is copied). */
	b = (uintptr_t)io->in.buf;
	if ((uintptr_t)p >= b && (uintptr_t)(p + n) < b + io->in.end &&
	    p[n] == '\n')
		dm_writer_span(&io->out, p, n);
	else
		dm_writer_line(&io->out, p, n);
	io->nout++;
}

int
dm_io_close(struct dm_io *io)
{
	int status = DM_EXIT_OK;

	dm_writer_free(&io->out);
	if (io->prog) {
		dm_progress_end(io->prog, io->nin);
		io->prog = NULL;
	}
	if (io->rej.fd >= 0) {
		dm_writer_free(&io->rej);
		if (close(io->rej.fd) < 0) {
			dm_warnx_errno("%s: write error", io->rejects_path);
			status = DM_EXIT_ERROR;
		}
		io->rej.fd = -1;
	}
	if (io->nrejected && io->on_error == DM_ON_ERROR_SKIP)
		dm_warn("%llu of %llu samples rejected", io->nrejected, io->nin);
	if (io->nrejected)
		status = status > DM_EXIT_REJECTS ? status : DM_EXIT_REJECTS;
	if (io->stopped || io->in.nerrors)
		status = DM_EXIT_ERROR;
	dm_report_counts(io->nin, io->nout, io->nrejected);
	dm_reader_free(&io->in);
	dm_sample_free(&io->s);
	dm_buf_free(&io->err);
	return status;
}

char *
dm_slurp(const char *path)
{
	size_t len;

	return dm_slurp_len(path, &len);
}

char *
dm_slurp_len(const char *path, size_t *len)
{
	struct dm_buf b = DM_BUF_INIT;
	char tmp[8192];
	ssize_t n;
	int fd;

	if (strcmp(path, "-") == 0)
		fd = 0;
	else if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		dm_warnx_errno("%s", path);
		exit(DM_EXIT_ERROR);
	}
	while ((n = fd == 0 ? dm_stdin_read(tmp, sizeof tmp) :
	    read(fd, tmp, sizeof tmp)) != 0) {
		if (n == -2)
			exit(DM_EXIT_ERROR);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			dm_warnx_errno("%s", path);
			exit(DM_EXIT_ERROR);
		}
		dm_buf_add(&b, tmp, (size_t)n);
	}
	if (fd > 0)
		close(fd);
	*len = b.len;
	return dm_buf_detach(&b, NULL);
}
