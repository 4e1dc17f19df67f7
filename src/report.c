/* report.c - the pipeline report: one JSON line appended per run of a tool */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dm.h"
#include "report.h"

struct reason {
	char			*name;
	unsigned long long	 n;
};

static struct {
	int			 started, armed, written, counted;
	pid_t			 pid;
	struct timespec		 t0;
	json_t			*args;
	char			*path;		/* NULL: $DM_REPORT */
	int			 pathset;
	unsigned long long	 in, out, rejected;
	struct reason		*why;
	size_t			 nwhy;
	json_t			*extra;		/* object, keys in order */
} R;

static const char *const secretends[] = {
	"apikey", "api-key", "api_key", "token", "secret", "password",
	"passwd", "authorization"
};

static int
namechar(int c)
{
	return isalnum(c) || c == '_' || c == '-';
}

/* Whether the name s[0..n) names a secret (its end, case aside): also
 * any name ending in key (AWS_SECRET_ACCESS_KEY, private-key, KEY) but
 * the option --key and DM_TEXT_KEY, which name the text field. */
static int
secretname(const char *s, size_t n)
{
	size_t i, k;
	int opt = n && s[0] == '-';

	while (n && s[0] == '-')
		s++, n--;
	for (i = 0; i < sizeof secretends / sizeof *secretends; i++) {
		k = strlen(secretends[i]);
		if (n >= k && strncasecmp(s + n - k, secretends[i], k) == 0)
			return 1;
	}
	return n >= 3 && strncasecmp(s + n - 3, "key", 3) == 0 &&
	    !(opt && n == 3) && !(n == 11 && strncmp(s, "DM_TEXT_KEY", 11) == 0);
}

/* Where the value after a secret's name s[i..j) begins, or 0 when it has
 * none there: after '=' or ':' (NAME=v, Authorization: v), a blank after
 * an option (--api-key v in a command line), or '": ' after a quoted
 * name ("api_key": "v" in JSON). */
static size_t
valueat(const char *s, size_t n, size_t i, size_t j)
{
	size_t w;

	if (j < n && (s[j] == '=' || s[j] == ':' ||
	    (s[j] == ' ' && s[i] == '-')))
		w = j + 1;
	else if (j + 1 < n && (s[j] == '"' || s[j] == '\'') && i > 0 &&
	    s[i - 1] == s[j]) {
		for (w = j + 1; w < n && s[w] == ' '; w++)
			;
		if (w == n || s[w] != ':')
			return 0;
		w++;
	} else
		return 0;
	while (w < n && s[w] == ' ')
		w++;
	return w;
}

/*
 * s with the password of each URL replaced (https://user:***@host/): a
 * --base-url or a command of dm-run with credentials in it left them.
 */
static void
urlpasswords(struct dm_buf *out, const char *s)
{
	const char *p, *a, *c, *at;

	while ((p = strstr(s, "://")) != NULL) {
		a = p + 3;
		at = a + strcspn(a, "@/?# \t\n'\"");
		c = memchr(a, ':', (size_t)(at - a));
		if (*at != '@' || c == NULL) {
			dm_buf_add(out, s, (size_t)(a - s));
			s = a;
			continue;
		}
		dm_buf_add(out, s, (size_t)(c + 1 - s));
		dm_buf_adds(out, "***");
		s = at;
	}
	dm_buf_adds(out, s);
}

void
dm_report_scrub(struct dm_buf *out, const char *s, int *next)
{
	struct dm_buf u = DM_BUF_INIT;
	size_t i = 0, j, n, w;
	char q;

	if (*next) {
		*next = 0;
		dm_buf_adds(out, "***");
		return;
	}
	urlpasswords(&u, s);
	s = u.len ? u.buf : "";
	n = u.len;
	/* An option alone whose value is the next argument. */
	if (s[0] == '-' && strchr(s, '=') == NULL && secretname(s, n)) {
		*next = 1;
		dm_buf_adds(out, s);
		dm_buf_free(&u);
		return;
	}
	while (i < n) {
		if (!namechar((unsigned char)s[i]) ||
		    (i > 0 && namechar((unsigned char)s[i - 1]))) {
			dm_buf_addc(out, s[i++]);
			continue;
		}
		for (j = i; j < n && namechar((unsigned char)s[j]); j++)
			;
		w = j;
		if (strncasecmp(s + i, "bearer", j - i) == 0 && j - i == 6 &&
		    j < n && s[j] == ' ') {
			w = j + 1;
		} else if (j - i >= 20 && strncmp(s + i, "sk-", 3) == 0) {
			dm_buf_adds(out, "***");
			i = j;
			continue;
		} else if (secretname(s + i, j - i) &&
		    (w = valueat(s, n, i, j)) > 0) {
			;
		} else {
			dm_buf_add(out, s + i, j - i);
			i = j;
			continue;
		}
		dm_buf_add(out, s + i, w - i);
		/* a quoted value, to its closing quote: KEY="a b" and
		 * --password 'x' in a command left it whole */
		if (w < n && (s[w] == '"' || s[w] == '\'')) {
			q = s[w];
			dm_buf_addc(out, q);
			for (i = w + 1; i < n && s[i] != q; i++)
				if (s[i] == '\\' && q == '"' && i + 1 < n)
					i++;
			dm_buf_adds(out, "***");
			if (i < n)
				dm_buf_addc(out, s[i++]);
			continue;
		}
		if (strncasecmp(s + w, "bearer ", 7) == 0) {
			dm_buf_add(out, s + w, 7);
			w += 7;
		}
		for (i = w; i < n && !isspace((unsigned char)s[i]) &&
		    strchr("'\";&|)", s[i]) == NULL; i++)
			;
		dm_buf_adds(out, "***");
	}
	dm_buf_free(&u);
}

static void
atexit_write(void)
{
	if (getpid() == R.pid)
		dm_report_write(DM_EXIT_ERROR);
}

void
dm_report_start(int argc, char **argv)
{
	struct dm_buf b = DM_BUF_INIT;
	int i, next = 0;

	if (R.started)
		return;
	R.started = 1;
	R.pid = getpid();
	clock_gettime(CLOCK_REALTIME, &R.t0);
	R.args = json_array();
	for (i = 1; i < argc; i++) {
		dm_buf_reset(&b);
		dm_report_scrub(&b, argv[i], &next);
		json_array_append_new(R.args, json_stringn(b.buf, b.len));
	}
	dm_buf_free(&b);
	R.extra = json_object();
	atexit(atexit_write);
}

void
dm_report_file(const char *path)
{
	free(R.path);
	R.path = dm_xstrdup(path);
	R.pathset = 1;
}

void
dm_report_arm(void)
{
	R.armed = 1;
}

void
dm_report_counts(unsigned long long in, unsigned long long out,
    unsigned long long rejected)
{
	R.counted = 1;
	R.in = in;
	R.out = out;
	R.rejected = rejected;
}

void
dm_report_drop(const char *reason, unsigned long long n)
{
	size_t i;

	for (i = 0; i < R.nwhy; i++)
		if (strcmp(R.why[i].name, reason) == 0) {
			R.why[i].n += n;
			return;
		}
	R.why = dm_xreallocarray(R.why, R.nwhy + 1, sizeof *R.why);
	R.why[R.nwhy].name = dm_xstrdup(reason);
	R.why[R.nwhy++].n = n;
}

void
dm_report_set_new(const char *key, json_t *v)
{
	if (R.extra == NULL)
		R.extra = json_object();
	json_object_set_new(R.extra, key, v);
}

void
dm_report_set_int(const char *key, long long v)
{
	dm_report_set_new(key, json_integer(v));
}

static void
addtime(struct dm_buf *b, const struct timespec *t)
{
	struct tm tm;
	char s[32];

	gmtime_r(&t->tv_sec, &tm);
	strftime(s, sizeof s, "%Y-%m-%dT%H:%M:%S", &tm);
	dm_buf_addf(b, "\"%s.%03ldZ\"", s, t->tv_nsec / 1000000);
}

int
dm_report_write(int status)
{
	struct dm_buf b = DM_BUF_INIT;
	struct timespec t1;
	const char *path, *key, *job, *run;
	json_t *v;
	size_t i;
	ssize_t n;
	int fd;

	if (!R.started || !R.armed || R.written)
		return status;
	R.written = 1;
	path = R.pathset ? R.path : getenv("DM_REPORT");
	if (path == NULL || *path == '\0')
		return status;
	clock_gettime(CLOCK_REALTIME, &t1);
	dm_buf_adds(&b, "{\"tool\":");
	dm_json_addstr(&b, dm_prog, strlen(dm_prog));
	dm_buf_adds(&b, ",\"args\":");
	dm_json_addval(&b, R.args);
	dm_buf_addf(&b, ",\"pid\":%ld", (long)R.pid);
	/* a job of dm-run: the funnel adds the jobs of a command up */
	if ((job = getenv("DM_JOB")) != NULL && *job >= '0' && *job <= '9' &&
	    strspn(job, "0123456789") == strlen(job) && strlen(job) < 20) {
		dm_buf_addf(&b, ",\"job\":%s", job);
		if ((run = getenv("DM_RUN_ID")) != NULL && *run != '\0') {
			dm_buf_adds(&b, ",\"run\":");
			dm_json_addstr(&b, run, strlen(run));
		}
		if ((run = getenv("DM_ATTEMPT")) != NULL && *run >= '1' &&
		    *run <= '9' && strspn(run, "0123456789") == strlen(run) &&
		    strlen(run) < 10)
			dm_buf_addf(&b, ",\"attempt\":%s", run);
	}
	dm_buf_adds(&b, ",\"start\":");
	addtime(&b, &R.t0);
	dm_buf_adds(&b, ",\"end\":");
	addtime(&b, &t1);
	dm_buf_addf(&b, ",\"seconds\":%.3f,\"status\":%d",
	    (double)(t1.tv_sec - R.t0.tv_sec) +
	    (t1.tv_nsec - R.t0.tv_nsec) / 1e9, status);
	if (R.counted)
		dm_buf_addf(&b, ",\"in\":%llu,\"out\":%llu,\"rejected\":%llu",
		    R.in, R.out, R.rejected);
	if (R.nwhy) {
		dm_buf_adds(&b, ",\"dropped\":{");
		for (i = 0; i < R.nwhy; i++) {
			if (i)
				dm_buf_addc(&b, ',');
			dm_json_addstr(&b, R.why[i].name, strlen(R.why[i].name));
			dm_buf_addf(&b, ":%llu", R.why[i].n);
		}
		dm_buf_addc(&b, '}');
	}
	json_object_foreach(R.extra, key, v) {
		dm_buf_addc(&b, ',');
		dm_json_addstr(&b, key, strlen(key));
		dm_buf_addc(&b, ':');
		dm_json_addval(&b, v);
	}
	dm_buf_adds(&b, "}\n");
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
	if (fd < 0) {
		dm_warnx_errno("%s", path);
		status = DM_EXIT_ERROR;
	} else {
		/* One write: concurrent appends never interleave. */
		do
			n = write(fd, b.buf, b.len);
		while (n < 0 && errno == EINTR);
		if (n != (ssize_t)b.len) {
			if (n >= 0)
				errno = ENOSPC;
			dm_warnx_errno("%s: write error", path);
			status = DM_EXIT_ERROR;
		}
		if (close(fd) < 0 && status != DM_EXIT_ERROR) {
			dm_warnx_errno("%s: write error", path);
			status = DM_EXIT_ERROR;
		}
	}
	dm_buf_free(&b);
	return status;
}
