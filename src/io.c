/* io.c - the sample loop every tool shares: read, check, reject, write */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dm.h"
#include "report.h"

/* A dotted path with no empty element. */
static int
validkey(const char *k)
{
	return *k != '\0' && k[0] != '.' && k[strlen(k) - 1] != '.' &&
	    strstr(k, "..") == NULL;
}

void
dm_io_init(struct dm_io *io)
{
	const char *k = getenv("DM_TEXT_KEY");

	memset(io, 0, sizeof *io);
	io->key = "text";
	if (k && *k) {
		if (!validkey(k))
			dm_die("DM_TEXT_KEY: '%s' is not a field name", k);
		io->key = k;
	}
	io->on_error = DM_ON_ERROR_STOP;
	io->rej.fd = -1;
	dm_buf_init(&io->err);
	dm_buf_init(&io->s.keys);
	dm_buf_init(&io->s.out);
}

int
dm_io_option(struct dm_io *io, int c, const char *arg, const char *usage)
{
	switch (c) {
	case 'k':
		if (!validkey(arg))
			dm_usage_die(usage, "-k: '%s' is not a field name", arg);
		io->key = arg;
		return 1;
	case DM_OPT_ON_ERROR:
		if (strcmp(arg, "stop") == 0)
			io->on_error = DM_ON_ERROR_STOP;
		else if (strcmp(arg, "skip") == 0)
			io->on_error = DM_ON_ERROR_SKIP;
		else
			dm_usage_die(usage,
			    "--on-error: '%s' is not one of stop, skip", arg);
		return 1;
	case DM_OPT_REJECTS:
		io->rejects_path = arg;
		return 1;
	case DM_OPT_REPORT:
		dm_report_file(arg);
		return 1;
	}
	return 0;
}

void
dm_io_open(struct dm_io *io, int argc, char **argv)
{
	int fd;

	if (io->rejects_path) {
		fd = open(io->rejects_path,
		    O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
		if (fd < 0) {
			dm_warnx_errno("%s", io->rejects_path);
			exit(DM_EXIT_ERROR);
		}
		dm_writer_init(&io->rej, fd, io->rejects_path);
	}
	dm_writer_init(&io->out, 1, NULL);
	dm_reader_init(&io->in, argc, argv);
	dm_report_arm();
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
		dm_warn("%s:%lu:%zu: %s", s->file, s->lineno, col, reason.buf);
	else
		dm_warn("%s:%lu: %s", s->file, s->lineno, reason.buf);
	io->nrejected++;
	if (io->rej.fd >= 0) {
		dm_buf_adds(&rec, "{\"file\":");
		dm_json_addstr(&rec, io->in.path, strlen(io->in.path));
		dm_buf_addf(&rec, ",\"line\":%lu,\"reason\":", s->lineno);
		dm_json_addstr(&rec, reason.buf, reason.len);
		/* The line verbatim, so it can be fixed and replayed; bytes
		 * that are not UTF-8 cannot sit in a JSON string. */
		if (dm_utf8_check(s->line, s->len) == s->len) {
			dm_buf_adds(&rec, ",\"raw\":");
			dm_json_addstr(&rec, s->line, s->len);
		} else {
			dm_buf_adds(&rec, ",\"raw_base64\":");
			dm_buf_addc(&rec, '"');
			dm_base64_add(&rec, s->line, s->len);
			dm_buf_addc(&rec, '"');
		}
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

struct dm_sample *
dm_io_next(struct dm_io *io)
{
	const char *line;
	size_t len, col;

	if (io->stopped)
		return NULL;
	while (dm_reader_next(&io->in, &line, &len) == 1) {
		io->nin++;
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
	size_t n;

	dm_sample_bytes(s, &p, &n);
	dm_writer_line(&io->out, p, n);
	io->nout++;
}

int
dm_io_close(struct dm_io *io)
{
	int status = DM_EXIT_OK;

	dm_writer_free(&io->out);
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
	while ((n = read(fd, tmp, sizeof tmp)) != 0) {
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
	return dm_buf_detach(&b, NULL);
}
