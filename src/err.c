/* err.c - messages, allocation that never fails, signals, exit status */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <utf8proc.h>

#include "dm.h"
#include "report.h"

const char *dm_prog = "dm";
int dm_line_open;
volatile sig_atomic_t dm_interrupted;

static void
on_signal(int sig)
{
	dm_interrupted = sig;
}

void
dm_init(const char *argv0)
{
	struct sigaction sa;
	const char *p;
	int fd, nfd;

	if (argv0 && *argv0) {
		p = strrchr(argv0, '/');
		dm_prog = p ? p + 1 : argv0;
	}
	/*
	 * A standard descriptor that was closed (>&-, <&-) would be the
	 * first one the tool opens (an input file, libcurl's socketpair),
	 * and samples would be written into it, or read from it. It is
	 * taken by /dev/null, opened so that using it fails as a closed one
	 * would: EBADF, a "write error" for standard output. Messages to a
	 * closed standard error are lost, as they were.
	 */
	for (fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		if ((nfd = open("/dev/null", (fd == 1 ? O_RDONLY :
		    O_WRONLY) | O_NOCTTY)) < 0)
			continue;
		if (nfd != fd) {
			dup2(nfd, fd);
			close(nfd);
		}
	}
	/* No SA_RESTART: a blocked read returns EINTR, so the sample loop
	 * sees the flag, finishes the line it is writing, and stops. */
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* Quiet death under `| head`, even when started with SIGPIPE ignored. */
	signal(SIGPIPE, SIG_DFL);
}

void
dm_write_stderr(const char *p, size_t n)
{
	struct pollfd pf;
	ssize_t k;
	int e = errno;

	while (n > 0) {
		if ((k = write(2, p, n)) > 0) {
			p += k;
			n -= (size_t)k;
		} else if (k < 0 && errno == EINTR)
			continue;
		else if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			/* a non-blocking pipe we were given, full: wait */
			pf.fd = 2;
			pf.events = POLLOUT;
			if (poll(&pf, 1, -1) < 0 && errno != EINTR)
				break;
		} else
			break;	/* gone: nowhere to say so */
	}
	errno = e;
}

static void
vwarn(const char *fmt, va_list ap, int errnum)
{
	struct dm_buf b = DM_BUF_INIT;
	va_list cp;
	int n;

	if (dm_line_open) {
		dm_buf_adds(&b, "\r\033[K");
		dm_line_open = 0;
	}
	dm_buf_adds(&b, dm_prog);
	dm_buf_adds(&b, ": ");
	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n > 0) {
		dm_buf_grow(&b, (size_t)n);
		vsnprintf(b.buf + b.len, (size_t)n + 1, fmt, ap);
		b.len += (size_t)n;
	}
	if (errnum)
		dm_buf_addf(&b, ": %s", strerror(errnum));
	dm_buf_addc(&b, '\n');
	/* One write, so messages of parallel jobs do not interleave. */
	fflush(stdout);
	fflush(stderr);
	dm_write_stderr(b.buf, b.len);
	dm_buf_free(&b);
}

void
dm_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(fmt, ap, 0);
	va_end(ap);
}

void
dm_warnx_errno(const char *fmt, ...)
{
	va_list ap;
	int e = errno;

	va_start(ap, fmt);
	vwarn(fmt, ap, e);
	va_end(ap);
}

void
dm_die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(fmt, ap, 0);
	va_end(ap);
	exit(DM_EXIT_ERROR);
}

void
dm_usage_die(const char *usage, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(fmt, ap, 0);
	va_end(ap);
	dm_write_stderr(usage, strlen(usage));
	dm_write_stderr("\n", 1);
	exit(DM_EXIT_ERROR);
}

const char *
dm_quoten(const char *s, size_t n)
{
	static struct dm_buf ring[4] = {
		DM_BUF_INIT, DM_BUF_INIT, DM_BUF_INIT, DM_BUF_INIT
	};
	static int k;
	struct dm_buf *b = &ring[k++ % 4];

	dm_buf_reset(b);
	dm_buf_addquoted(b, s, n, DM_QUOTE_MAX);
	return b->buf;
}

const char *
dm_quote(const char *s)
{
	return dm_quoten(s, strlen(s));
}

void
dm_buf_addcaret(struct dm_buf *b, const char *ls, const char *le,
    const char *at)
{
	const char *s;
	int32_t cp;
	int k, w;

	dm_buf_adds(b, "\n  ");
	for (s = ls; s < le; s += k) {
		k = dm_utf8_decode(s, (size_t)(le - s), &cp);
		if (k < 0 || (cp < 0x20 && cp != '\t') || cp == 0x7f) {
			dm_buf_addc(b, '?');
			k = 1;
		} else
			dm_buf_add(b, s, (size_t)k);
	}
	dm_buf_adds(b, "\n  ");
	/* as many columns as the characters above take on a terminal: two
	 * for a wide one (CJK), none for a combining mark */
	for (s = ls; s < at && s < le; s += k) {
		k = dm_utf8_decode(s, (size_t)(le - s), &cp);
		if (k < 0 || (cp < 0x20 && cp != '\t') || cp == 0x7f) {
			k = 1;
			dm_buf_addc(b, ' ');
		} else if (cp == '\t')
			dm_buf_addc(b, '\t');
		else
			for (w = utf8proc_charwidth(cp); w > 0; w--)
				dm_buf_addc(b, ' ');
	}
	dm_buf_addc(b, '^');
}

/* Dies naming the options that the abbreviation arg[0..n) of a long
 * option starts, when there are two or more; getopt_long takes one that
 * is the start of one option only, or of several of the same meaning. */
static void
ambiguous(const char *usage, const char *arg, size_t n,
    const struct option *longopts)
{
	struct dm_buf b = DM_BUF_INIT;
	const struct option *o, *last = NULL;
	int k = 0;

	if (longopts == NULL || n <= 2)
		return;
	/* "'--a', '--b' or '--c'": each name is added once the next is
	 * found, the last after the loop */
	for (o = longopts; o->name != NULL; o++)
		if (strncmp(o->name, arg + 2, n - 2) == 0) {
			if (last != NULL) {
				dm_buf_adds(&b, k++ ? ", '--" : "'--");
				dm_buf_adds(&b, last->name);
				dm_buf_addc(&b, '\'');
			}
			last = o;
		}
	if (k > 0) {
		dm_buf_adds(&b, " or '--");
		dm_buf_adds(&b, last->name);
		dm_usage_die(usage, "option '%s' is ambiguous: %s'",
		    dm_quoten(arg, n), b.buf);
	}
	dm_buf_free(&b);
}

void
dm_badopt(const char *usage, int c, char **argv,
    const struct option *longopts)
{
	char shortopt[3] = { '-', (char)optopt, '\0' };
	const char *arg = optind > 0 ? argv[optind - 1] : "";
	const char *opt = shortopt;
	size_t n;

	/* A long option is named as typed, without its value: optopt holds
	 * its code then, which is no character for a long-only option. A
	 * known one (optopt set) with '?' was given a value it takes not;
	 * an unknown one leaves optopt 0. */
	if (strncmp(arg, "--", 2) == 0 || !optopt) {
		n = strcspn(arg, "=");
		if (c == ':')
			dm_usage_die(usage, "option '%s' needs a value",
			    dm_quoten(arg, n));
		if (optopt && arg[n] == '=')
			dm_usage_die(usage, "option '%s' takes no value",
			    dm_quoten(arg, n));
		if (!optopt && strncmp(arg, "--", 2) == 0)
			ambiguous(usage, arg, n, longopts);
		dm_usage_die(usage, "unknown option '%s'", dm_quoten(arg, n));
	}
	if (c == ':')
		dm_usage_die(usage, "option '%s' needs a value", dm_quote(opt));
	dm_usage_die(usage, "unknown option '%s'", dm_quote(opt));
}

void *
dm_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		dm_die("out of memory");
	return p;
}

void *
dm_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		dm_die("out of memory");
	return p;
}

void *
dm_xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL)
		dm_die("out of memory");
	return p;
}

void *
dm_xreallocarray(void *p, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		dm_die("out of memory");
	return dm_xrealloc(p, n * size);
}

char *
dm_xstrdup(const char *s)
{
	return dm_xstrndup(s, strlen(s));
}

char *
dm_xstrndup(const char *s, size_t n)
{
	char *p = dm_xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

int
dm_exit(int status)
{
	int sig;

	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (errno != EPIPE)
			dm_warnx_errno("write error");
		status = DM_EXIT_ERROR;
	}
	sig = dm_interrupted;
	status = dm_report_write(sig ? 128 + sig : status);
	if (sig) {
		/* Die of the same signal, so a parent (a shell, dm-run) sees
		 * how we ended. */
		signal(sig, SIG_DFL);
		raise(sig);
		return 128 + sig;
	}
	return status;
}

long long
dm_strtonum(const char *s, long long min, long long max, const char *option,
    const char *usage)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (*s == '\0' || *end != '\0')
		dm_usage_die(usage, "%s: '%s' is not a number", option,
		    dm_quote(s));
	if (errno == ERANGE || v < min || v > max)
		dm_usage_die(usage, "%s: '%s' is out of range [%lld, %lld]",
		    option, dm_quote(s), min, max);
	return v;
}

int
dm_strtoword(const char *s, const char *const *words, const char *option,
    const char *usage)
{
	struct dm_buf b = DM_BUF_INIT;
	int i;

	for (i = 0; words[i]; i++)
		if (strcmp(s, words[i]) == 0)
			return i;
	for (i = 0; words[i]; i++)
		dm_buf_addf(&b, "%s%s", i ? ", " : "", words[i]);
	dm_usage_die(usage, "%s: '%s' is not one of %s", option, dm_quote(s),
	    b.buf);
	return -1;
}

int
dm_fieldpath_ok(const char *path)
{
	size_t n = strlen(path);

	return n > 0 && path[0] != '.' && path[n - 1] != '.' &&
	    strstr(path, "..") == NULL;
}

long long
dm_strtosize(const char *s, const char *option, const char *usage)
{
	char *end;
	long long v, mul = 1;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (end == s || v < 0)
		dm_usage_die(usage, "%s: '%s' is not a size", option,
		    dm_quote(s));
	switch (*end) {
	case 'k': case 'K': mul = 1LL << 10; end++; break;
	case 'm': case 'M': mul = 1LL << 20; end++; break;
	case 'g': case 'G': mul = 1LL << 30; end++; break;
	case 't': case 'T': mul = 1LL << 40; end++; break;
	}
	if (*end == 'B' || *end == 'b')
		end++;
	if (*end != '\0')
		dm_usage_die(usage, "%s: '%s' is not a size", option,
		    dm_quote(s));
	if (errno == ERANGE || v > LLONG_MAX / mul)
		dm_usage_die(usage, "%s: '%s' is too large", option,
		    dm_quote(s));
	return v * mul;
}

double
dm_duration(const char *s)
{
	double total = 0, v;
	char *end;

	if (*s == '\0')
		return -1;
	while (*s) {
		/* decimal only: strtod would take white space, a sign,
		 * hex (0x1p4) and nan */
		if (!isdigit((unsigned char)*s) && !(*s == '.' &&
		    isdigit((unsigned char)s[1])))
			return -1;
		if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
			return -1;
		errno = 0;
		v = strtod(s, &end);
		if (end == s || errno || v < 0 || !isfinite(v))
			return -1;
		s = end;
		if (strncmp(s, "ms", 2) == 0) {
			v /= 1000;
			s += 2;
		} else if (*s == 's')
			s++;
		else if (*s == 'm')
			v *= 60, s++;
		else if (*s == 'h')
			v *= 3600, s++;
		else if (*s != '\0')
			return -1;
		total += v;
	}
	return total;
}

double
dm_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}
