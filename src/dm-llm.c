/* dm-llm.c - fill a prompt template per sample, ask an OpenAI-compatible server */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dm.h"
#include "llm.h"
#include "report.h"

static const char usage[] =
    "usage: dm-llm [-hV] -p TEXT|@FILE [--system TEXT|@FILE] [-o FIELD]\n"
    "              [--json] [--json-into] [--schema FILE] [--keep REGEX]\n"
    "              [-m MODEL] [--base-url URL] [--api-key-file FILE] [-j N]\n"
    "              [--rpm N] [--tpm N] [--timeout TIME] [--retries N]\n"
    "              [--retry-base TIME] [--parse-retries N] [--temperature X]\n"
    "              [--max-tokens N] [--seed N] [--stop TEXT] [--param KEY=VALUE]\n"
    "              [--cache DIR] [--skip-existing] [--keep-reasoning] [--usage]\n"
    "              [--dry-run] [--progress] [--stats] [-k FIELD]\n"
    "              [--max-line SIZE] [--on-error=stop|skip] [--rejects FILE]\n"
    "              [FILE...]";

static const char help[] =
    "Fill a prompt template from each JSONL sample, send it to an\n"
    "OpenAI-compatible chat-completions server, write the answer into the sample.\n"
    "\n"
    "      --api-key-file FILE  read the API key from FILE (default:\n"
    "                           $DM_LLM_API_KEY, then $OPENAI_API_KEY)\n"
    "      --base-url URL       the API's base (default: $DM_LLM_BASE_URL,\n"
    "                           $OPENAI_BASE_URL, https://api.openai.com/v1)\n"
    "      --cache DIR          answer repeated requests from DIR, store answers\n"
    "      --dry-run            print the requests, one a line; send nothing\n"
    "      --filter REGEX       the same as --keep\n"
    "  -h, --help               show this help and exit\n"
    "  -j, --jobs N             requests in flight (default 16)\n"
    "      --json               ask for a JSON object, merge it into the sample\n"
    "      --json-into          with --json, put the object into -o FIELD\n"
    "  -k, --key FIELD          the field {text} names (default: $DM_TEXT_KEY\n"
    "                           or 'text')\n"
    "      --keep REGEX         keep only the samples whose answer matches\n"
    "      --keep-reasoning     keep <think>...</think> blocks in the answer\n"
    "  -m, --model MODEL        the model (default: $DM_LLM_MODEL)\n"
    "      --max-line SIZE      a longer line is a bad sample (default 1G;\n"
    "                           0: no limit)\n"
    "      --max-tokens N       the answer's length limit, in tokens\n"
    "  -o, --output FIELD       the field for the answer (default 'llm')\n"
    "      --on-error=POLICY    stop (default) or skip bad samples\n"
    "  -p, --prompt TEXT|@FILE  the prompt template: {field}, {meta.lang}, {{, }}\n"
    "      --param KEY=VALUE    add KEY to the request body (VALUE as JSON, or\n"
    "                           else as a string)\n"
    "      --parse-retries N    ask again for an answer that is not JSON\n"
    "                           (default 2)\n"
    "      --progress           show progress on standard error\n"
    "      --rejects FILE       write the samples that failed to FILE\n"
    "      --report FILE        append a line on this run to FILE (default:\n"
    "                           $DM_REPORT)\n"
    "      --retries N          retries of a failed request (default 8)\n"
    "      --retry-base TIME    the first backoff (default 1s; cap 60s)\n"
    "      --rpm N              at most N requests a minute\n"
    "      --schema FILE        ask for JSON that follows the JSON schema in FILE\n"
    "      --seed N             the sampling seed\n"
    "      --skip-existing      pass the samples that have -o FIELD through\n"
    "      --stats              print the summary even after a clean run\n"
    "      --stop TEXT          a stop sequence (repeatable)\n"
    "      --system TEXT|@FILE  a system message template\n"
    "      --temperature X      the sampling temperature\n"
    "      --timeout TIME       give up on a request after TIME (default 10m)\n"
    "      --tpm N              at most N tokens a minute\n"
    "      --usage              add the token counts to each sample (llm_usage)\n"
    "  -V, --version            show the version and exit\n"
    "\n"
    "TIME is a number of seconds or a number with ms, s, m or h. A bare @NAME\n"
    "is also looked up in the prompts of the share directory.\n";

enum {
	OPT_API_KEY = DM_OPT_TOOL_BASE, OPT_API_KEY_FILE, OPT_BASE_URL,
	OPT_CACHE, OPT_DRY_RUN, OPT_JSON, OPT_JSON_INTO, OPT_KEEP,
	OPT_KEEP_REASONING, OPT_MAX_TOKENS, OPT_PARAM, OPT_PARSE_RETRIES,
	OPT_PROGRESS, OPT_RETRIES, OPT_RETRY_BASE, OPT_RPM, OPT_SCHEMA,
	OPT_SEED, OPT_SKIP_EXISTING, OPT_STATS, OPT_STOP, OPT_SYSTEM,
	OPT_TEMPERATURE, OPT_TIMEOUT, OPT_TPM, OPT_USAGE
};

static const struct option longopts[] = {
	{ "api-key", optional_argument, NULL, OPT_API_KEY },
	{ "api-key-file", required_argument, NULL, OPT_API_KEY_FILE },
	{ "base-url", required_argument, NULL, OPT_BASE_URL },
	{ "cache", required_argument, NULL, OPT_CACHE },
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
	{ "filter", required_argument, NULL, OPT_KEEP },
	{ "help", no_argument, NULL, 'h' },
	{ "jobs", required_argument, NULL, 'j' },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "json-into", no_argument, NULL, OPT_JSON_INTO },
	{ "keep", required_argument, NULL, OPT_KEEP },
	{ "keep-reasoning", no_argument, NULL, OPT_KEEP_REASONING },
	DM_IO_LONGOPTS,
	{ "max-tokens", required_argument, NULL, OPT_MAX_TOKENS },
	{ "model", required_argument, NULL, 'm' },
	{ "output", required_argument, NULL, 'o' },
	{ "param", required_argument, NULL, OPT_PARAM },
	{ "parse-retries", required_argument, NULL, OPT_PARSE_RETRIES },
	{ "progress", no_argument, NULL, OPT_PROGRESS },
	{ "prompt", required_argument, NULL, 'p' },
	{ "retries", required_argument, NULL, OPT_RETRIES },
	{ "retry-base", required_argument, NULL, OPT_RETRY_BASE },
	{ "rpm", required_argument, NULL, OPT_RPM },
	{ "schema", required_argument, NULL, OPT_SCHEMA },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "skip-existing", no_argument, NULL, OPT_SKIP_EXISTING },
	{ "stats", no_argument, NULL, OPT_STATS },
	{ "stop", required_argument, NULL, OPT_STOP },
	{ "system", required_argument, NULL, OPT_SYSTEM },
	{ "temperature", required_argument, NULL, OPT_TEMPERATURE },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "tpm", required_argument, NULL, OPT_TPM },
	{ "usage", no_argument, NULL, OPT_USAGE },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

#define BACKOFF_CAP	60.0	/* seconds */
#define MAXWAIT_MS	200	/* the longest sleep: signals and progress */

/* Why a request is retried, for the summary. */
enum cause {
	C_CONNECT, C_TIMEOUT, C_408, C_409, C_429, C_500, C_502, C_503, C_504,
	C_BODY, C_JSON, NCAUSES
};
static const char *const causename[NCAUSES] = {
	"connection", "timeout", "408", "409", "429", "500", "502", "503",
	"504", "bad answer", "not JSON"
};

enum state { S_QUEUED, S_FLIGHT, S_DONE };
enum result { R_EMIT, R_DROP, R_REJECT };

/* A sample in the window, from reading to writing. */
struct request {
	enum state	 state;
	enum result	 result;
	struct dm_buf	 line;		/* the sample as read */
	const char	*file;		/* for messages */
	const char	*path;		/* for --rejects */
	unsigned long	 lineno;
	struct dm_buf	 req;		/* the request body */
	size_t		 promptlen;
	double		 ready;		/* may be sent from then on */
	double		 est;		/* estimated tokens */
	int		 attempts;	/* failed requests */
	int		 badjson;	/* answers that were not JSON */
	struct dm_buf	 out;		/* the line to write, or the reason */
};

/* Options and run-wide state. */
static struct {
	const char	*base, *model, *outfield, *cachedir;
	char		*url, *apikey, *authhdr;
	struct dm_tmpl	*prompt, *system;
	struct dm_re	*keep;
	int		 json, jsoninto, dryrun, skip, keepreason, addusage;
	int		 progress, stats, jobs, retries, parseretries;
	int		 outgiven;
	double		 retrybase, timeout, rpm, tpm;
	struct dm_buf	 head, tail;	/* the request body around messages */
	int		 cachebroken;
} o;

static struct {
	unsigned long long samples, answered, cached, skipped, dropped, failed;
	unsigned long long requests, retries, bycause[NCAUSES], cut;
	long long	 ptok, ctok;
	double		 pbytes;	/* prompt bytes of answers with usage */
	unsigned long long nusage;
	unsigned long	 lat[400];	/* latency histogram, 5% buckets */
	unsigned long long nlat;
	double		 start;
} st;

static struct request *win;
static size_t wcap, whead, wcount;
static struct dm_io io;
static struct dm_http *http;
static struct dm_sample scratch = DM_SAMPLE_INIT;
static struct dm_llm_answer ans = { DM_BUF_INIT, "", -1, -1 };
static double rtok, ttok, lastfill, hold;	/* rate limits */
static char **names;
static size_t nnames;
static uint64_t rng;

static double
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (double)(rng >> 11) / 9007199254740992.0;
}

static double
optduration(const char *s, const char *opt)
{
	double d = dm_duration(s);

	if (d < 0)
		dm_usage_die(usage, "%s: '%s' is not a time", opt, s);
	return d;
}

/* The key never goes out: a server message that quotes it loses it. */
static void
redact(struct dm_buf *b)
{
	size_t n = o.apikey ? strlen(o.apikey) : 0;
	char *p;

	if (n < 4)
		return;
	while ((p = memmem(b->buf, b->len, o.apikey, n)) != NULL) {
		memset(p, '*', 3);
		memmove(p + 3, p + n, b->len - (size_t)(p - b->buf) - n);
		dm_buf_setlen(b, b->len - n + 3);
	}
}

static int
cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* @NAME that is neither a file nor a template: dies naming the templates. */
static void
no_template(const char *name)
{
	struct dm_buf b = DM_BUF_INIT, dir = DM_BUF_INIT;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, i, len;
	DIR *d;

	dm_buf_addf(&dir, "%s/prompts", dm_sharedir());
	if ((d = opendir(dir.buf)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			len = strlen(de->d_name);
			if (len > 4 && strcmp(de->d_name + len - 4, ".txt") == 0) {
				names = dm_xreallocarray(names, n + 1,
				    sizeof *names);
				names[n++] = dm_xstrndup(de->d_name, len - 4);
			}
		}
		closedir(d);
	}
	qsort(names, n, sizeof *names, cmpstr);
	dm_buf_adds(&b, "'@");
	dm_buf_addquoted(&b, name, strlen(name), 64);
	dm_buf_adds(&b, "': no such file, nor prompt template");
	for (i = 0; i < n; i++) {
		dm_buf_addf(&b, "%s@%s", i ? ", " : "; the templates are ",
		    names[i]);
		free(names[i]);
	}
	free(names);
	dm_buf_free(&dir);
	dm_die("%s", b.buf);
}

/* TEXT, or @FILE: the file, else a bare name among the share directory's
 * prompts (with or without .txt). One final newline is dropped. */
static char *
textarg(const char *arg)
{
	struct dm_buf path = DM_BUF_INIT;
	char *s;
	size_t n;

	if (arg[0] != '@')
		return dm_xstrdup(arg);
	arg++;
	if (*arg == '\0')
		dm_die("'@' without a file or prompt name after it");
	if (access(arg, F_OK) != 0 && strchr(arg, '/') == NULL) {
		dm_buf_addf(&path, "%s/prompts/%s", dm_sharedir(), arg);
		if (access(path.buf, F_OK) != 0)
			dm_buf_adds(&path, ".txt");
		if (access(path.buf, F_OK) == 0)
			arg = path.buf;
		else
			no_template(arg);
	}
	s = dm_slurp(arg);
	n = strlen(s);
	if (n && s[n - 1] == '\n')
		s[--n] = '\0';
	if (n && s[n - 1] == '\r')
		s[--n] = '\0';
	dm_buf_free(&path);
	return s;
}

static struct dm_tmpl *
template(const char *arg, const char *what)
{
	struct dm_buf err = DM_BUF_INIT;
	struct dm_tmpl *t;
	unsigned long line = 1;
	size_t off = 0, i, col = 1;
	char *src = textarg(arg);

	if ((t = dm_tmpl_new(src, &err, &off)) == NULL) {
		for (i = 0; i < off; i++, col++)
			if (src[i] == '\n')
				line++, col = 0;
		dm_warn("%s:%lu:%zu: %s", arg[0] == '@' ? arg + 1 : what, line,
		    col, err.buf);
		exit(DM_EXIT_ERROR);
	}
	free(src);
	dm_buf_free(&err);
	return t;
}

static char *
readkey(const char *file)
{
	char *s = dm_slurp(file);
	size_t n = strcspn(s, "\r\n");

	s[n] = '\0';
	if (n == 0)
		dm_die("%s: no API key in the file", file);
	return s;
}

/* --param KEY=VALUE: VALUE as JSON when it is JSON, else as a string. */
static void
addparam(struct dm_buf *b, const char *arg)
{
	const char *eq = strchr(arg, '=');
	struct dm_jerr e;

	if (eq == NULL || eq == arg)
		dm_usage_die(usage, "--param: '%s' is not KEY=VALUE", arg);
	dm_buf_addc(b, ',');
	dm_json_addstr(b, arg, (size_t)(eq - arg));
	dm_buf_addc(b, ':');
	eq++;
	if (dm_json_check(eq, strlen(eq), &e) == 0)
		dm_json_addcompact(b, eq, strlen(eq));
	else
		dm_json_addstr(b, eq, strlen(eq));
}

static void
addschema(struct dm_buf *b, const char *file)
{
	struct dm_jerr e;
	json_t *v;
	char *s = dm_slurp(file);

	if (dm_json_check(s, strlen(s), &e) < 0)
		dm_die("%s:1:%zu: invalid JSON: %s", file, e.col, e.msg);
	v = json_loadb(s, strlen(s), 0, NULL);
	dm_buf_adds(b, ",\"response_format\":{\"type\":\"json_schema\","
	    "\"json_schema\":");
	/* a file that already is a json_schema member goes in as it is */
	if (json_is_object(v) && json_object_get(v, "schema") &&
	    json_object_get(v, "name"))
		dm_json_addcompact(b, s, strlen(s));
	else {
		dm_buf_adds(b, "{\"name\":\"answer\",\"strict\":true,\"schema\":");
		dm_json_addcompact(b, s, strlen(s));
		dm_buf_addc(b, '}');
	}
	dm_buf_addc(b, '}');
	json_decref(v);
	free(s);
}

/* ---- the cache ---- */

static void
cachepath(struct dm_buf *p, const struct request *s)
{
	dm_llm_cache_path(p, o.cachedir, o.base, o.model, s->req.buf,
	    s->req.len);
}

static void
cacheput(const struct request *s, const char *body, size_t n)
{
	struct dm_buf p = DM_BUF_INIT;

	if (o.cachebroken)
		return;
	cachepath(&p, s);
	if (dm_llm_cache_put(p.buf, body, n) < 0) {
		dm_warnx_errno("%s: cannot store answers", o.cachedir);
		o.cachebroken = 1;
	}
	dm_buf_free(&p);
}

/* ---- the window of samples in order ---- */

static struct request *
reqat(size_t i)
{
	return &win[(whead + i) % wcap];
}

static const char *
intern(const char *name)
{
	if (nnames && strcmp(names[nnames - 1], name) == 0)
		return names[nnames - 1];
	names = dm_xreallocarray(names, nnames + 1, sizeof *names);
	names[nnames] = dm_xstrdup(name);
	return names[nnames++];
}

static void
loadreq(struct dm_sample *smp, struct request *s)
{
	struct dm_buf err = DM_BUF_INIT;
	size_t col;

	/* it loaded once already, so it loads again */
	if (dm_sample_load(smp, s->line.buf, s->line.len, s->file, s->lineno,
	    &err, &col) < 0)
		dm_die("%s:%lu: %s", s->file, s->lineno, err.buf);
	dm_buf_free(&err);
}

/* The sample failed for good: llm_error, or --rejects. */
static void
fail(struct request *s, long status, const char *msg)
{
	struct dm_buf err = DM_BUF_INIT, m = DM_BUF_INIT;
	const char *p;
	size_t n;

	dm_buf_adds(&m, msg);
	redact(&m);
	st.failed++;
	s->state = S_DONE;
	dm_buf_reset(&s->out);
	if (io.rej.fd >= 0) {
		s->result = R_REJECT;
		if (status)
			dm_buf_addf(&s->out, "HTTP %ld: ", status);
		dm_buf_add(&s->out, m.buf, m.len);
		goto out;
	}
	s->result = R_EMIT;
	if (status)
		dm_warn("%s:%lu: HTTP %ld: %s", s->file, s->lineno, status, m.buf);
	else
		dm_warn("%s:%lu: %s", s->file, s->lineno, m.buf);
	loadreq(&scratch, s);
	dm_buf_reset(&err);
	dm_buf_addf(&err, "{\"status\":%ld,\"message\":", status);
	dm_json_addstr(&err, m.buf, m.len);
	dm_buf_addc(&err, '}');
	if (dm_sample_set_raw(&scratch, "llm_error", err.buf, err.len, &m) < 0)
		dm_die("%s:%lu: %s", s->file, s->lineno, m.buf);
	dm_sample_bytes(&scratch, &p, &n);
	dm_buf_add(&s->out, p, n);
out:
	dm_buf_free(&err);
	dm_buf_free(&m);
}

static void
addusage(struct dm_sample *smp)
{
	struct dm_buf u = DM_BUF_INIT, err = DM_BUF_INIT;

	if (ans.prompt_tokens < 0 || ans.completion_tokens < 0)
		dm_buf_adds(&u, "null");
	else
		dm_buf_addf(&u, "{\"prompt_tokens\":%lld,\"completion_tokens\":"
		    "%lld,\"total_tokens\":%lld}", ans.prompt_tokens,
		    ans.completion_tokens, ans.prompt_tokens +
		    ans.completion_tokens);
	dm_sample_set_raw(smp, "llm_usage", u.buf, u.len, &err);
	dm_buf_free(&u);
	dm_buf_free(&err);
}

/* A successful response body: 1 when the sample is done, 0 when the
 * answer must be asked for again (cause in *why), -1 when the body is
 * unusable (reason in err). */
static int
answer(struct request *s, const char *body, size_t n, int fromcache,
    enum cause *why, struct dm_buf *err)
{
	json_t *v = NULL, *val;
	const char *k, *p;
	size_t ov[2], len;
	int keep = 1, r;

	if (dm_llm_answer(body, n, o.keepreason, &ans, err) < 0) {
		*why = C_BODY;
		return -1;
	}
	if (o.json) {
		v = dm_llm_json(ans.text.buf, ans.text.len, err);
		if (v && !o.jsoninto && !json_is_object(v)) {
			dm_buf_addf(err, "the answer is JSON but not an object");
			json_decref(v);
			v = NULL;
		}
		if (v == NULL) {
			*why = C_JSON;
			return 0;
		}
	}
	if (o.keep) {
		r = dm_re_match(o.keep, ans.text.buf, ans.text.len, 0, ov, err);
		if (r < 0) {
			json_decref(v);
			return -1;
		}
		keep = r;
	}
	if (!fromcache && o.cachedir)
		cacheput(s, body, n);
	if (!fromcache && ans.prompt_tokens >= 0 && ans.completion_tokens >= 0) {
		st.ptok += ans.prompt_tokens;
		st.ctok += ans.completion_tokens;
		st.pbytes += (double)s->promptlen;
		st.nusage++;
		/* what the estimate missed comes off the token bucket */
		ttok -= (double)(ans.prompt_tokens + ans.completion_tokens) -
		    s->est;
	}
	if (strcmp(ans.finish, "length") == 0)
		st.cut++;
	st.answered++;
	st.cached += fromcache;
	s->state = S_DONE;
	dm_buf_reset(&s->out);
	if (!keep) {
		st.dropped++;
		s->result = R_DROP;
		json_decref(v);
		return 1;
	}
	s->result = R_EMIT;
	if (o.keep && !o.outgiven && !o.addusage) {
		/* a filter passes the samples it keeps untouched */
		dm_buf_add(&s->out, s->line.buf, s->line.len);
		json_decref(v);
		return 1;
	}
	loadreq(&scratch, s);
	r = 0;
	if (o.json && !o.jsoninto) {
		json_object_foreach(v, k, val)
			if ((r = dm_sample_set_new(&scratch, k, json_incref(val),
			    err)) < 0)
				break;
	} else if (o.json)
		r = dm_sample_set_new(&scratch, o.outfield, json_incref(v), err);
	else if (!o.keep || o.outgiven)
		r = dm_sample_set_text(&scratch, o.outfield, ans.text.buf,
		    ans.text.len, err);
	json_decref(v);
	if (r < 0) {
		fail(s, 200, err->buf);
		st.answered--;
		return 1;
	}
	if (o.addusage)
		addusage(&scratch);
	dm_sample_bytes(&scratch, &p, &len);
	dm_buf_add(&s->out, p, len);
	return 1;
}

/* ---- requests ---- */

static void
retry(struct request *s, enum cause c, double after, long status,
    const char *msg)
{
	double d;

	s->attempts++;
	if (s->attempts > o.retries) {
		struct dm_buf m = DM_BUF_INIT;

		dm_buf_addf(&m, "%s (gave up after %d attempts)", msg,
		    s->attempts);
		fail(s, status, m.buf);
		dm_buf_free(&m);
		return;
	}
	st.retries++;
	st.bycause[c]++;
	if (after >= 0)
		d = after;
	else {
		/* exponential backoff, full jitter */
		d = o.retrybase * pow(2, s->attempts - 1);
		d = rnd() * (d < BACKOFF_CAP ? d : BACKOFF_CAP);
	}
	s->state = S_QUEUED;
	s->ready = dm_now() + d;
	if (c == C_429 && after >= 0 && s->ready > hold)
		hold = s->ready;	/* the server asked everyone to wait */
}

static double
retryafter(const struct dm_http_resp *r)
{
	struct dm_buf a = DM_BUF_INIT, ms = DM_BUF_INIT;
	double d;

	d = dm_llm_retry_after(dm_http_header(r, "retry-after", &a),
	    dm_http_header(r, "retry-after-ms", &ms));
	dm_buf_free(&a);
	dm_buf_free(&ms);
	return d;
}

/* x-ratelimit-remaining-*: slows down before the server says 429. */
static void
ratelimits(const struct dm_http_resp *r, struct dm_buf *tmp)
{
	static const char *const kind[2] = { "requests", "tokens" };
	char name[64];
	const char *v;
	double left, need, d;
	int i;

	for (i = 0; i < 2; i++) {
		snprintf(name, sizeof name, "x-ratelimit-remaining-%s", kind[i]);
		if ((v = dm_http_header(r, name, tmp)) == NULL)
			continue;
		left = strtod(v, NULL);
		need = (double)dm_http_active(http) + 1;
		if (i == 1)
			need *= st.nusage ? (double)(st.ptok + st.ctok) /
			    (double)st.nusage : 1;
		if (left >= need)
			continue;
		snprintf(name, sizeof name, "x-ratelimit-reset-%s", kind[i]);
		v = dm_http_header(r, name, tmp);
		d = v ? dm_duration(v) : -1;
		if (d < 0 || d > DM_LLM_MAXWAIT)
			d = 1;
		if (dm_now() + d > hold)
			hold = dm_now() + d;
	}
}

static void
finished(struct dm_http_resp *r)
{
	struct request *s = r->udata;
	struct dm_buf err = DM_BUF_INIT, tmp = DM_BUF_INIT;
	enum cause c;
	int quota, k;

	if (r->status > 0 || r->timedout) {
		k = r->seconds > 0.001 ? (int)(log(r->seconds / 0.001) /
		    log(1.05)) : 0;
		st.lat[k < 0 ? 0 : k > 399 ? 399 : k]++;
		st.nlat++;
	}
	if (r->status == 0) {
		retry(s, r->timedout ? C_TIMEOUT : C_CONNECT, -1, 0, r->error);
		goto out;
	}
	ratelimits(r, &tmp);
	if (r->status >= 200 && r->status < 300) {
		k = answer(s, r->body.buf, r->body.len, 0, &c, &err);
		if (k == 0) {
			if (s->badjson++ < o.parseretries) {
				st.retries++;
				st.bycause[C_JSON]++;
				s->state = S_QUEUED;
				s->ready = dm_now();
			} else
				fail(s, r->status, err.buf);
		} else if (k < 0 && c == C_BODY)
			retry(s, C_BODY, -1, r->status, err.buf);
		else if (k < 0)
			fail(s, r->status, err.buf);
		goto out;
	}
	quota = dm_llm_error(r->body.buf, r->body.len, &err);
	if (err.len == 0)
		dm_buf_adds(&err, "no message");
	switch (r->status) {
	case 408: c = C_408; break;
	case 409: c = C_409; break;
	case 429: c = C_429; break;
	case 500: c = C_500; break;
	case 502: c = C_502; break;
	case 503: c = C_503; break;
	case 504: c = C_504; break;
	default: c = NCAUSES;
	}
	if (c == NCAUSES || (c == C_429 && quota))
		fail(s, r->status, err.buf);
	else
		retry(s, c, retryafter(r), r->status, err.buf);
out:
	dm_buf_free(&err);
	dm_buf_free(&tmp);
	dm_http_resp_free(r);
}

static double
estimate(const struct request *s)
{
	double ratio = st.nusage && st.pbytes > 0 ? (double)st.ptok / st.pbytes :
	    0.25;

	return (double)s->promptlen * ratio +
	    (st.nusage ? (double)st.ctok / (double)st.nusage : 0);
}

static void
refill(double t)
{
	double dt = t - lastfill;

	lastfill = t;
	if (o.rpm > 0) {
		rtok += dt * o.rpm / 60;
		if (rtok > fmax(1, o.rpm / 60))
			rtok = fmax(1, o.rpm / 60);
	}
	if (o.tpm > 0) {
		ttok += dt * o.tpm / 60;
		if (ttok > o.tpm / 60)
			ttok = o.tpm / 60;
	}
}

/* Sends what may be sent; returns the seconds until something more may
 * be, capped. */
static double
sendsome(void)
{
	static const char *hdrs[3];
	double t = dm_now(), wait = 1, w;
	struct request *s;
	size_t i;

	hdrs[0] = "Content-Type: application/json";
	hdrs[1] = o.authhdr;
	refill(t);
	for (i = 0; i < wcount && dm_http_active(http) < (size_t)o.jobs; i++) {
		s = reqat(i);
		if (s->state != S_QUEUED)
			continue;
		if (s->ready > t || hold > t) {
			w = (s->ready > hold ? s->ready : hold) - t;
			wait = w < wait ? w : wait;
			continue;
		}
		if (o.rpm > 0 && rtok < 1) {
			w = (1 - rtok) * 60 / o.rpm;
			return w < wait ? w : wait;
		}
		s->est = estimate(s);
		if (o.tpm > 0 && ttok < 0) {
			w = -ttok * 60 / o.tpm;
			return w < wait ? w : wait;
		}
		rtok -= 1;
		ttok -= s->est;
		s->state = S_FLIGHT;
		st.requests++;
		dm_http_post(http, o.url, hdrs, s->req.buf, s->req.len, s);
	}
	return wait;
}

/* ---- reading and writing ---- */

static void
buildreq(struct dm_buf *req, struct dm_buf *prompt, struct dm_buf *sys)
{
	dm_buf_reset(req);
	dm_buf_add(req, o.head.buf, o.head.len);
	if (o.system) {
		dm_buf_adds(req, "{\"role\":\"system\",\"content\":");
		dm_json_addstr(req, sys->buf, sys->len);
		dm_buf_adds(req, "},");
	}
	dm_buf_adds(req, "{\"role\":\"user\",\"content\":");
	dm_json_addstr(req, prompt->buf, prompt->len);
	dm_buf_addc(req, '}');
	dm_buf_add(req, o.tail.buf, o.tail.len);
}

/* Takes the sample just read: 0, or -1 when the run must stop. */
static int
take(struct dm_sample *smp)
{
	static struct dm_buf prompt = DM_BUF_INIT, sys = DM_BUF_INIT,
	    req = DM_BUF_INIT, err = DM_BUF_INIT, body = DM_BUF_INIT,
	    path = DM_BUF_INIT;
	struct dm_field f;
	struct request *s;
	enum cause c;
	int cached = 0;

	st.samples++;
	dm_buf_reset(&prompt);
	dm_buf_reset(&sys);
	dm_buf_reset(&err);
	if (o.skip) {
		dm_sample_get(smp, o.outfield, &f);
		if (f.type != DM_MISSING) {
			st.skipped++;
			if (o.dryrun)
				return 0;
			s = reqat(wcount++);
			s->state = S_DONE;
			s->result = R_EMIT;
			dm_buf_reset(&s->out);
			dm_buf_add(&s->out, smp->line, smp->len);
			return 0;
		}
	}
	if ((o.system && dm_tmpl_fill(o.system, smp, io.key, &sys, &err) < 0) ||
	    dm_tmpl_fill(o.prompt, smp, io.key, &prompt, &err) < 0)
		return dm_io_reject(&io, "%s", err.buf);
	if (dm_utf8_check(prompt.buf, prompt.len) != prompt.len ||
	    dm_utf8_check(sys.buf, sys.len) != sys.len)
		return dm_io_reject(&io, "the prompt is not valid UTF-8");
	if (o.dryrun) {
		buildreq(&req, &prompt, &sys);
		if (o.cachedir) {
			/* an answer in the cache is not asked for */
			dm_llm_cache_path(&path, o.cachedir, o.base, o.model,
			    req.buf, req.len);
			if (access(path.buf, F_OK) == 0)
				return 0;
		}
		dm_buf_reset(&body);
		dm_buf_adds(&body, "{\"url\":");
		dm_json_addstr(&body, o.url, strlen(o.url));
		dm_buf_addc(&body, ',');
		dm_buf_add(&body, req.buf + 1, req.len - 1);
		dm_writer_line(&io.out, body.buf, body.len);
		return 0;
	}
	s = reqat(wcount++);
	s->file = intern(smp->file);
	s->path = io.in.path;
	s->lineno = smp->lineno;
	s->attempts = s->badjson = 0;
	dm_buf_reset(&s->line);
	dm_buf_add(&s->line, smp->line, smp->len);
	buildreq(&s->req, &prompt, &sys);
	s->promptlen = prompt.len + sys.len;
	s->state = S_QUEUED;
	s->ready = 0;
	if (o.cachedir) {
		cachepath(&path, s);
		cached = dm_llm_cache_get(path.buf, &body) == 0;
	}
	if (cached) {
		dm_buf_reset(&err);
		/* an answer that does not do any more is asked for again */
		if (answer(s, body.buf, body.len, 1, &c, &err) == 1)
			return 0;
		s->state = S_QUEUED;
	}
	return 0;
}

/* Writes the finished samples at the head of the window, in order. */
static void
flush(void)
{
	struct dm_buf err = DM_BUF_INIT;
	enum dm_on_error policy;
	const char *path;
	struct request *s;
	size_t col;

	while (wcount && (s = reqat(0))->state == S_DONE) {
		if (s->result == R_EMIT) {
			dm_writer_line(&io.out, s->out.buf, s->out.len);
			io.nout++;
		} else if (s->result == R_REJECT) {
			/* dm_io_reject speaks of the current sample: make
			 * this one current; a failed call never stops the run */
			dm_buf_reset(&err);
			if (dm_sample_load(&io.s, s->line.buf, s->line.len,
			    s->file, s->lineno, &err, &col) < 0)
				dm_die("%s:%lu: %s", s->file, s->lineno, err.buf);
			path = io.in.path;
			policy = io.on_error;
			io.in.path = s->path;
			io.on_error = DM_ON_ERROR_SKIP;
			dm_io_reject(&io, "%s", s->out.buf);
			io.in.path = path;
			io.on_error = policy;
		}
		whead = (whead + 1) % wcap;
		wcount--;
	}
	dm_buf_free(&err);
}

/* Whether a line can be read without waiting for the input. */
static int
inputready(void)
{
	struct dm_reader *r = &io.in;
	struct pollfd p;

	if (r->fd < 0 || r->eof || r->ar)
		return 1;
	if (memchr(r->buf + r->start, '\n', r->end - r->start))
		return 1;
	p.fd = r->fd;
	p.events = POLLIN;
	return poll(&p, 1, 0) > 0;
}

static double
percentile(double q)
{
	unsigned long long want = (unsigned long long)ceil(q * (double)st.nlat),
	    sum = 0;
	int k;

	for (k = 0; k < 400; k++)
		if ((sum += st.lat[k]) >= want && want)
			return 0.001 * pow(1.05, k + 0.5);
	return 0;
}

static void
progress(int final)
{
	static double last;
	double t = dm_now(), el = t - st.start, eta = -1;
	struct stat sb;
	unsigned long long done = st.answered + st.failed + st.skipped;

	if (last == 0)
		last = st.start;
	if (!final && t - last < (isatty(2) ? 0.5 : 10))
		return;
	last = t;
	if (io.in.npaths == 1 && io.in.ar == NULL && io.in.fd >= 0 &&
	    fstat(io.in.fd, &sb) == 0 && S_ISREG(sb.st_mode) &&
	    io.in.nbytes > 0 && sb.st_size > 0)
		eta = el * ((double)sb.st_size / (double)io.in.nbytes - 1);
	fprintf(stderr, "%s%s: %llu done, %zu in flight, %llu retries, "
	    "%.1f req/s, %.0f tokens/s", isatty(2) ? "\r\033[K" : "", dm_prog,
	    done, dm_http_active(http), st.retries,
	    el > 0 ? (double)st.requests / el : 0,
	    el > 0 ? (double)(st.ptok + st.ctok) / el : 0);
	if (eta >= 0)
		fprintf(stderr, ", ETA %d:%02d", (int)eta / 60, (int)eta % 60);
	fputs(final || !isatty(2) ? "\n" : "", stderr);
}

static void
summary(void)
{
	struct dm_buf b = DM_BUF_INIT;
	double el = dm_now() - st.start;
	int c, first = 1;

	dm_buf_addf(&b, "%llu samples: %llu answered", st.samples, st.answered);
	if (st.cached)
		dm_buf_addf(&b, " (%llu from the cache)", st.cached);
	if (o.keep)
		dm_buf_addf(&b, ", %llu kept, %llu dropped",
		    st.answered - st.dropped, st.dropped);
	dm_buf_addf(&b, ", %llu skipped, %llu failed", st.skipped, st.failed);
	dm_warn("%s", b.buf);
	dm_buf_reset(&b);
	dm_buf_addf(&b, "%llu requests in %.2f s (%.1f/s), %llu retries",
	    st.requests, el, el > 0 ? (double)st.requests / el : 0, st.retries);
	for (c = 0; c < NCAUSES; c++)
		if (st.bycause[c]) {
			dm_buf_addf(&b, "%s%s: %llu", first ? " (" : ", ",
			    causename[c], st.bycause[c]);
			first = 0;
		}
	dm_warn("%s%s", b.buf, first ? "" : ")");
	dm_warn("tokens: %lld prompt, %lld completion%s", st.ptok, st.ctok,
	    st.cut ? "; some answers were cut at the length limit" : "");
	if (st.nlat)
		dm_warn("latency: p50 %.3f s, p95 %.3f s, p99 %.3f s",
		    percentile(0.5), percentile(0.95), percentile(0.99));
	dm_buf_free(&b);
}

static void
setup(void)
{
	const char *env;
	struct dm_buf *b = &o.head;
	size_t n;

	if (o.base == NULL && (env = getenv("DM_LLM_BASE_URL")) && *env)
		o.base = env;
	if (o.base == NULL && (env = getenv("OPENAI_BASE_URL")) && *env)
		o.base = env;
	if (o.base == NULL)
		o.base = "https://api.openai.com/v1";
	n = strlen(o.base);
	while (n && o.base[n - 1] == '/')
		n--;
	o.base = dm_xstrndup(o.base, n);
	o.url = dm_xmalloc(n + sizeof "/chat/completions");
	snprintf(o.url, n + sizeof "/chat/completions", "%s/chat/completions",
	    o.base);
	if (o.model == NULL && (env = getenv("DM_LLM_MODEL")) && *env)
		o.model = env;
	if (o.model == NULL)
		dm_usage_die(usage, "no model: give -m MODEL or set DM_LLM_MODEL");
	if (o.apikey == NULL && (env = getenv("DM_LLM_API_KEY")) && *env)
		o.apikey = dm_xstrdup(env);
	if (o.apikey == NULL && (env = getenv("OPENAI_API_KEY")) && *env)
		o.apikey = dm_xstrdup(env);
	if (o.apikey) {
		n = strlen(o.apikey) + sizeof "Authorization: Bearer ";
		o.authhdr = dm_xmalloc(n);
		snprintf(o.authhdr, n, "Authorization: Bearer %s", o.apikey);
	}
	dm_buf_adds(b, "{\"model\":");
	dm_json_addstr(b, o.model, strlen(o.model));
	dm_buf_adds(b, ",\"messages\":[");
	/* the tail opened by main with the sampling options */
}

static void
mkdirs(const char *dir)
{
	char *p = dm_xstrdup(dir), *q;

	for (q = p + 1; *q; q++) {
		if (*q != '/')
			continue;
		*q = '\0';
		if (mkdir(p, 0777) < 0 && errno != EEXIST)
			break;
		*q = '/';
	}
	if (mkdir(p, 0777) < 0 && errno != EEXIST) {
		dm_warnx_errno("%s", dir);
		exit(DM_EXIT_ERROR);
	}
	free(p);
}

int
main(int argc, char *argv[])
{
	struct dm_buf err = DM_BUF_INIT, tail = DM_BUF_INIT;
	struct dm_http_resp *r;
	struct dm_sample *smp;
	const char *prompt = NULL, *system = NULL, *keep = NULL, *schema = NULL;
	const char *keyfile = NULL;
	double wait;
	size_t erroff, i;
	int c, eof = 0, broken = 0, status, fd;

	dm_init(argv[0]);
	dm_report_start(argc, argv);
	dm_io_init(&io);
	o.outfield = "llm";
	o.jobs = 16;
	o.retries = 8;
	o.parseretries = 2;
	o.retrybase = 1;
	o.timeout = 600;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hj:k:m:o:p:V", longopts,
	    NULL)) != -1) {
		if (dm_io_option(&io, c, optarg, usage))
			continue;
		switch (c) {
		case OPT_API_KEY:
			/* the value is not echoed: it is a secret */
			dm_usage_die(usage, "--api-key: the key is never taken "
			    "from the command line; use --api-key-file FILE or "
			    "DM_LLM_API_KEY");
		case OPT_API_KEY_FILE:
			keyfile = optarg;
			break;
		case OPT_BASE_URL:
			o.base = optarg;
			break;
		case OPT_CACHE:
			o.cachedir = optarg;
			break;
		case OPT_DRY_RUN:
			o.dryrun = 1;
			break;
		case 'h':
			printf("%s\n\n%s", usage, help);
			return dm_exit(DM_EXIT_OK);
		case 'j':
			o.jobs = (int)dm_strtonum(optarg, 1, 4096, "-j", usage);
			break;
		case OPT_JSON:
			o.json = 1;
			break;
		case OPT_JSON_INTO:
			o.jsoninto = 1;
			break;
		case OPT_KEEP:
			keep = optarg;
			break;
		case OPT_KEEP_REASONING:
			o.keepreason = 1;
			break;
		case 'm':
			o.model = optarg;
			break;
		case OPT_MAX_TOKENS:
			dm_buf_addf(&tail, ",\"max_tokens\":%lld",
			    dm_strtonum(optarg, 1, 100000000, "--max-tokens",
			    usage));
			break;
		case 'o':
			if (*optarg == '\0')
				dm_usage_die(usage, "-o: the field name is empty");
			o.outfield = optarg;
			o.outgiven = 1;
			break;
		case 'p':
			prompt = optarg;
			break;
		case OPT_PARAM:
			addparam(&tail, optarg);
			break;
		case OPT_PARSE_RETRIES:
			o.parseretries = (int)dm_strtonum(optarg, 0, 1000,
			    "--parse-retries", usage);
			break;
		case OPT_PROGRESS:
			o.progress = 1;
			break;
		case OPT_RETRIES:
			o.retries = (int)dm_strtonum(optarg, 0, 1000, "--retries",
			    usage);
			break;
		case OPT_RETRY_BASE:
			o.retrybase = optduration(optarg, "--retry-base");
			break;
		case OPT_RPM:
			o.rpm = (double)dm_strtonum(optarg, 1, 1000000000, "--rpm",
			    usage);
			break;
		case OPT_SCHEMA:
			schema = optarg;
			o.json = 1;
			break;
		case OPT_SEED:
			dm_buf_addf(&tail, ",\"seed\":%lld", dm_strtonum(optarg,
			    -9007199254740991LL, 9007199254740991LL, "--seed",
			    usage));
			break;
		case OPT_SKIP_EXISTING:
			o.skip = 1;
			break;
		case OPT_STATS:
			o.stats = 1;
			break;
		case OPT_STOP:
			dm_buf_adds(&o.tail, o.tail.len ? "," : "");
			dm_json_addstr(&o.tail, optarg, strlen(optarg));
			break;
		case OPT_SYSTEM:
			system = optarg;
			break;
		case OPT_TEMPERATURE: {
			char *end;
			double t = strtod(optarg, &end);

			if (*optarg == '\0' || *end != '\0' || !(t >= 0 && t <= 2))
				dm_usage_die(usage, "--temperature: '%s' is not "
				    "a number in [0, 2]", optarg);
			dm_buf_addf(&tail, ",\"temperature\":%.15g", t);
			break;
		}
		case OPT_TIMEOUT:
			o.timeout = optduration(optarg, "--timeout");
			break;
		case OPT_TPM:
			o.tpm = (double)dm_strtonum(optarg, 1, 1000000000000LL,
			    "--tpm", usage);
			break;
		case OPT_USAGE:
			o.addusage = 1;
			break;
		case 'V':
			printf("dm-llm (dm) %s\n", DM_VERSION);
			return dm_exit(DM_EXIT_OK);
		default:
			dm_badopt(usage, c, argv);
		}
	}
	argc -= optind;
	argv += optind;

	if (prompt == NULL)
		dm_usage_die(usage, "missing -p TEXT|@FILE");
	if (o.jsoninto && !o.json)
		dm_usage_die(usage, "--json-into needs --json");
	if (keep && o.json)
		dm_usage_die(usage, "--keep matches a text answer; it cannot go "
		    "with --json");
	o.prompt = template(prompt, "prompt");
	if (system)
		o.system = template(system, "system");
	if (keep && (o.keep = dm_re_new(keep, "", &err, &erroff)) == NULL)
		dm_usage_die(usage, "--keep: %s", err.buf);
	if (keyfile)
		o.apikey = readkey(keyfile);
	setup();
	/* the stop sequences went to o.tail while the options were read */
	if (o.tail.len) {
		dm_buf_adds(&tail, ",\"stop\":[");
		dm_buf_add(&tail, o.tail.buf, o.tail.len);
		dm_buf_addc(&tail, ']');
	}
	if (schema)
		addschema(&tail, schema);
	else if (o.json)
		dm_buf_adds(&tail, ",\"response_format\":{\"type\":\"json_object\"}");
	dm_buf_reset(&o.tail);
	dm_buf_addc(&o.tail, ']');
	dm_buf_add(&o.tail, tail.buf, tail.len);
	dm_buf_addc(&o.tail, '}');
	if (o.cachedir && !o.dryrun)
		mkdirs(o.cachedir);
	wcap = (size_t)o.jobs * 4 + 16;
	win = dm_xcalloc(wcap, sizeof *win);
	for (i = 0; i < wcap; i++) {
		dm_buf_init(&win[i].line);
		dm_buf_init(&win[i].req);
		dm_buf_init(&win[i].out);
	}
	rng = (uint64_t)time(NULL) ^ (uint64_t)getpid() << 32 ^ 0x9e3779b97f4a7c15ULL;
	http = dm_http_new((long)(o.timeout * 1000), o.jobs);
	rtok = fmax(1, o.rpm / 60);
	ttok = o.tpm / 60;
	st.start = lastfill = dm_now();

	dm_io_open(&io, argc, argv);
	while (!dm_interrupted) {
		/* read while there is room, without waiting on the input
		 * when requests are in flight */
		while (!eof && wcount < wcap && (o.dryrun || wcount == 0 ||
		    inputready())) {
			if ((smp = dm_io_next(&io)) == NULL) {
				eof = 1;
				break;
			}
			if (take(smp) < 0) {
				eof = 1;
				break;
			}
			if (!inputready())
				break;
		}
		flush();
		if (eof && wcount == 0)
			break;
		wait = sendsome();
		fd = -1;
		if (!eof && wcount < wcap) {
			/* more input at hand: only a look at the network */
			if (inputready())
				wait = 0;
			else
				fd = io.in.fd;
		}
		if (dm_http_poll(http, (int)ceil(fmin(wait * 1000, MAXWAIT_MS)),
		    fd) < 0) {
			broken = 1;
			break;
		}
		while ((r = dm_http_done(http)) != NULL)
			finished(r);
		if (o.progress)
			progress(0);
	}
	flush();
	if (o.progress)
		progress(1);
	status = dm_io_close(&io);
	if (st.failed && status < DM_EXIT_REJECTS)
		status = DM_EXIT_REJECTS;
	if (broken)
		status = DM_EXIT_ERROR;
	if (!o.dryrun && (o.stats || o.progress || st.failed || st.retries))
		summary();
	if (o.keep && st.dropped)
		dm_report_drop("answer does not match", st.dropped);
	dm_report_set_int("requests", (long long)st.requests);
	dm_report_set_int("retries", (long long)st.retries);
	dm_report_set_int("failed", (long long)st.failed);
	dm_report_set_int("cached", (long long)st.cached);
	dm_report_set_int("prompt_tokens", st.ptok);
	dm_report_set_int("completion_tokens", st.ctok);
	dm_http_free(http);
	for (i = 0; i < wcap; i++) {
		dm_buf_free(&win[i].line);
		dm_buf_free(&win[i].req);
		dm_buf_free(&win[i].out);
	}
	free(win);
	for (i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	dm_sample_free(&scratch);
	dm_buf_free(&ans.text);
	dm_buf_free(&err);
	dm_buf_free(&tail);
	dm_buf_free(&o.head);
	dm_buf_free(&o.tail);
	dm_tmpl_free(o.prompt);
	dm_tmpl_free(o.system);
	dm_re_free(o.keep);
	free(o.url);
	free(o.authhdr);
	free(o.apikey);
	free((char *)o.base);
	return dm_exit(status);
}
