/* llmrun.c - dm-llm's run: the window of samples in input order, the
 * request body, answers, the cache */
#include <errno.h>
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
#include "llmrun.h"
#include "progress.h"
#include "report.h"


void
dm_llm_run_init(struct dm_llm_run *R, struct dm_io *io)
{
	memset(R, 0, sizeof *R);
	R->io = io;
	R->o.outfield = "llm";
	R->o.jobs = 16;
	R->o.retries = 8;
	R->o.parseretries = 2;
	R->o.retrybase = 1;
	R->o.timeout = 600;
	R->o.maxresponse = DM_LLM_MAXRESPONSE;
	dm_buf_init(&R->o.head);
	dm_buf_init(&R->o.tail);
	{
		struct dm_sample s0 = DM_SAMPLE_INIT;

		R->scratch = s0;
	}
	dm_buf_init(&R->ans.text);
	R->ans.prompt_tokens = R->ans.completion_tokens = -1;
	dm_buf_init(&R->prompt);
	dm_buf_init(&R->sys);
	dm_buf_init(&R->req);
	dm_buf_init(&R->body);
	dm_buf_init(&R->path);
	dm_buf_init(&R->err);
}

/* Open files kept aside (standard ones, the inputs, the rejects, the
 * cache's, libcurl's own), and open files a request in flight may hold:
 * its socket, and the two of a name lookup's thread. */
#define FDRESERVE	64
#define FDSLOT		3

/* -j within the limit of open files, raised to the hard one first: past
 * it, every connection more would fail as if the server were not there. */
static void
capjobs(struct dm_llm_run *R)
{
	unsigned long long lim, max;

	if ((lim = dm_nofile_raise()) == 0)
		lim = 1024;
	if (lim > 1 << 24)
		lim = 1 << 24;
	max = lim > FDRESERVE + FDSLOT ? (lim - FDRESERVE) / FDSLOT : 1;
	if ((unsigned long long)R->o.jobs <= max)
		return;
	dm_warn("%d requests at a time need more open files than the limit "
	    "of %llu allows (ulimit -n); sending %llu at a time", R->o.jobs,
	    lim, max);
	R->o.jobs = (int)max;
}

void
dm_llm_run_start(struct dm_llm_run *R, const char *usage,
    const struct dm_buf *sampling)
{
	const char *env;
	struct dm_buf *b = &R->o.head;
	struct stat st;
	size_t n, i;

	if (R->o.base == NULL && (env = getenv("DM_LLM_BASE_URL")) && *env)
		R->o.base = env;
	if (R->o.base == NULL && (env = getenv("OPENAI_BASE_URL")) && *env)
		R->o.base = env;
	if (R->o.base == NULL)
		R->o.base = "https://api.openai.com/v1";
	n = strlen(R->o.base);
	while (n && R->o.base[n - 1] == '/')
		n--;
	R->o.base = dm_xstrndup(R->o.base, n);
	R->o.url = dm_xmalloc(n + sizeof "/chat/completions");
	snprintf(R->o.url, n + sizeof "/chat/completions",
	    "%s/chat/completions", R->o.base);
	if (R->o.model == NULL && (env = getenv("DM_LLM_MODEL")) && *env) {
		dm_io_utf8opt("DM_LLM_MODEL", env, usage);
		R->o.model = env;
	}
	if (R->o.model == NULL)
		dm_usage_die(usage, "no model: give -m MODEL or set "
		    "DM_LLM_MODEL");
	if (R->o.apikey == NULL && (env = getenv("DM_LLM_API_KEY")) && *env) {
		R->o.apikey = dm_xstrdup(env);
		if (dm_llm_key(R->o.apikey, "DM_LLM_API_KEY") < 0)
			dm_usage_die(usage, "DM_LLM_API_KEY holds only white "
			    "space");
	}
	if (R->o.apikey == NULL && (env = getenv("OPENAI_API_KEY")) && *env) {
		R->o.apikey = dm_xstrdup(env);
		if (dm_llm_key(R->o.apikey, "OPENAI_API_KEY") < 0)
			dm_usage_die(usage, "OPENAI_API_KEY holds only white "
			    "space");
	}
	if (R->o.apikey) {
		n = strlen(R->o.apikey) + sizeof "Authorization: Bearer ";
		R->o.authhdr = dm_xmalloc(n);
		snprintf(R->o.authhdr, n, "Authorization: Bearer %s",
		    R->o.apikey);
	}
	dm_buf_adds(b, "{\"model\":");
	dm_json_addstr(b, R->o.model, strlen(R->o.model));
	dm_buf_adds(b, ",\"messages\":[");
	dm_buf_reset(&R->o.tail);
	dm_buf_addc(&R->o.tail, ']');
	dm_buf_add(&R->o.tail, sampling->buf, sampling->len);
	dm_buf_addc(&R->o.tail, '}');
	if (R->o.cachedir && !R->o.dryrun) {
		if (dm_mkdirs(R->o.cachedir) < 0)
			exit(DM_EXIT_ERROR);
		/* a file of that name is left as it is, and stores nothing */
		if (stat(R->o.cachedir, &st) == 0 && !S_ISDIR(st.st_mode)) {
			errno = ENOTDIR;
			dm_warnx_errno("%s", R->o.cachedir);
			exit(DM_EXIT_ERROR);
		}
	}
	if (!R->o.dryrun)
		capjobs(R);
	R->wcap = (size_t)R->o.jobs * 4 + 16;
	R->wmax = DM_LLM_WINBYTES + (size_t)R->o.jobs * DM_LLM_JOBBYTES;
	R->win = dm_xcalloc(R->wcap, sizeof *R->win);
	for (i = 0; i < R->wcap; i++) {
		dm_buf_init(&R->win[i].line);
		dm_buf_init(&R->win[i].req);
		dm_buf_init(&R->win[i].out);
		dm_buf_init(&R->win[i].warn);
	}
	R->rng = (uint64_t)time(NULL) ^ (uint64_t)getpid() << 32 ^
	    0x9e3779b97f4a7c15ULL;
	R->http = dm_http_new((long)ceil(R->o.timeout * 1000), R->o.jobs,
	    R->o.maxresponse);
	R->rtok = fmax(1, R->o.rpm / 60);
	R->ttok = R->o.tpm / 60;
	R->st.start = R->lastfill = dm_now();
}

int
dm_llm_key(char *key, const char *from)
{
	size_t i, n = strlen(key), skip;

	while (n > 0 && strchr(" \t\r\n", key[n - 1]) != NULL)
		n--;
	key[n] = '\0';
	skip = strspn(key, " \t\r\n");
	memmove(key, key + skip, n - skip + 1);
	for (i = 0; key[i]; i++)
		if ((unsigned char)key[i] < 0x20 || key[i] == 0x7f)
			dm_die("%s: the API key holds a control character "
			    "(byte %zu), which cannot go in a header", from,
			    i + skip + 1);
	return *key ? 0 : -1;
}

/* The key never goes out: a server message that quotes it loses it. */
static void
redact(struct dm_llm_run *R, struct dm_buf *b)
{
	size_t n = R->o.apikey ? strlen(R->o.apikey) : 0;
	char *p;

	if (n < 4)
		return;
	while ((p = memmem(b->buf, b->len, R->o.apikey, n)) != NULL) {
		memset(p, '*', 3);
		memmove(p + 3, p + n, b->len - (size_t)(p - b->buf) - n);
		dm_buf_setlen(b, b->len - n + 3);
	}
}

static void
cachepath(struct dm_llm_run *R, struct dm_buf *p, const struct dm_llm_req *s)
{
	dm_llm_cache_path(p, R->o.cachedir, R->o.base, R->o.model, s->req.buf,
	    s->req.len);
}

static void
cacheput(struct dm_llm_run *R, const struct dm_llm_req *s, const char *body,
    size_t n)
{
	struct dm_buf p = DM_BUF_INIT;

	/* Said once; the answers still go out, as tee goes on writing to
	 * its other outputs, and the run ends with status 2: a rerun would
	 * pay again for what the cache was asked to keep. */
	if (R->o.cachebroken) {
		R->st.unstored++;
		return;
	}
	cachepath(R, &p, s);
	if (dm_llm_cache_put(p.buf, body, n) < 0) {
		dm_warnx_errno("%s: cannot store answers", R->o.cachedir);
		R->o.cachebroken = 1;
		R->st.unstored++;
	}
	dm_buf_free(&p);
}

struct dm_llm_req *
dm_llm_run_at(struct dm_llm_run *R, size_t i)
{
	return &R->win[(R->whead + i) % R->wcap];
}

static const char *
intern(struct dm_llm_run *R, const char *name)
{
	if (R->nnames && strcmp(R->names[R->nnames - 1], name) == 0)
		return R->names[R->nnames - 1];
	R->names = dm_xreallocarray(R->names, R->nnames + 1, sizeof *R->names);
	R->names[R->nnames] = dm_xstrdup(name);
	return R->names[R->nnames++];
}

static void
loadreq(struct dm_sample *smp, struct dm_llm_req *s)
{
	struct dm_buf err = DM_BUF_INIT;
	size_t col;

	/* it loaded once already, so it loads again */
	if (dm_sample_load(smp, s->line.buf, s->line.len, s->file, s->lineno,
	    &err, &col) < 0)
		dm_die("%s:%lu: %s", s->file, s->lineno, err.buf);
	dm_buf_free(&err);
}

/* A finished sample's line to write (or reason) counts in the window's
 * bytes until it is written, as its line and request do: answers that
 * wait for a slow sample before them are bounded too. */
static void
holdout(struct dm_llm_run *R, struct dm_llm_req *s)
{
	size_t n = s->out.len + s->warn.len;

	s->held += n;
	R->wbytes += n;
}

/* The sample failed for good: llm_error, or --rejects. */
void
dm_llm_run_fail(struct dm_llm_run *R, struct dm_llm_req *s, long status,
    const char *msg)
{
	struct dm_buf err = DM_BUF_INIT, m = DM_BUF_INIT;
	const char *p;
	size_t n;

	dm_buf_adds(&m, msg);
	redact(R, &m);
	R->st.failed++;
	s->state = DM_REQ_DONE;
	dm_buf_reset(&s->out);
	if (R->io->rej.fd >= 0) {
		s->result = DM_RESULT_REJECT;
		if (status)
			dm_buf_addf(&s->out, "HTTP %ld: ", status);
		dm_buf_add(&s->out, m.buf, m.len);
		goto out;
	}
	s->result = DM_RESULT_EMIT;
	/* said when the sample is written, so that the messages follow
	 * input order as the output does */
	dm_buf_reset(&s->warn);
	if (status)
		dm_buf_addf(&s->warn, "HTTP %ld: ", status);
	dm_buf_add(&s->warn, m.buf, m.len);
	loadreq(&R->scratch, s);
	dm_buf_reset(&err);
	dm_buf_addf(&err, "{\"status\":%ld,\"message\":", status);
	dm_json_addstr(&err, m.buf, m.len);
	dm_buf_addc(&err, '}');
	if (dm_sample_set_raw(&R->scratch, "llm_error", err.buf, err.len,
	    &m) < 0)
		dm_die("%s:%lu: %s", s->file, s->lineno, m.buf);
	dm_sample_bytes(&R->scratch, &p, &n);
	dm_buf_add(&s->out, p, n);
out:
	holdout(R, s);
	dm_buf_free(&err);
	dm_buf_free(&m);
}

static void
addusage(struct dm_llm_run *R, struct dm_sample *smp)
{
	struct dm_buf u = DM_BUF_INIT, err = DM_BUF_INIT;

	if (R->ans.prompt_tokens < 0 || R->ans.completion_tokens < 0)
		dm_buf_adds(&u, "null");
	else
		dm_buf_addf(&u, "{\"prompt_tokens\":%lld,\"completion_tokens\":"
		    "%lld,\"total_tokens\":%lld}", R->ans.prompt_tokens,
		    R->ans.completion_tokens, R->ans.prompt_tokens +
		    R->ans.completion_tokens);
	dm_sample_set_raw(smp, "llm_usage", u.buf, u.len, &err);
	dm_buf_free(&u);
	dm_buf_free(&err);
}

/* A successful response body: 1 when the sample is done, 0 when the
 * answer must be asked for again (cause in *why), -1 when the body is
 * unusable (reason in err; *why is DM_CAUSE_BODY when another request
 * may do, DM_NCAUSES when the sample fails whatever the answer). */
int
dm_llm_run_answer(struct dm_llm_run *R, struct dm_llm_req *s,
    const char *body, size_t n, int fromcache,
    enum dm_llm_cause *why, struct dm_buf *err)
{
	json_t *v = NULL, *val;
	const char *k, *p;
	size_t ov[2], len;
	int keep = 1, r;

	r = dm_llm_answer(body, n, R->o.keepreason, R->o.apikey, &R->ans,
	    err);
	/* an answer is paid for, whether it does or not (a refusal, no
	 * content, not JSON, or dropped by --keep): its tokens count in the
	 * summary and against --tpm */
	if (!fromcache && R->ans.prompt_tokens >= 0 &&
	    R->ans.completion_tokens >= 0) {
		R->st.ptok += R->ans.prompt_tokens;
		R->st.ctok += R->ans.completion_tokens;
		R->st.pbytes += (double)s->promptlen;
		R->st.nusage++;
		/* what the estimate missed comes off the token bucket */
		R->ttok -= (double)(R->ans.prompt_tokens +
		    R->ans.completion_tokens) - s->est;
	}
	if (r < 0) {
		*why = r == -2 ? DM_NCAUSES : DM_CAUSE_BODY;
		return -1;
	}
	if (R->o.json) {
		v = dm_llm_json(R->ans.text.buf, R->ans.text.len, err);
		if (v && !R->o.jsoninto && !json_is_object(v)) {
			dm_buf_adds(err, "the answer is JSON but not an "
			    "object");
			json_decref(v);
			v = NULL;
		}
		if (v == NULL) {
			*why = DM_CAUSE_JSON;
			return 0;
		}
	}
	if (R->o.keep) {
		len = err->len;
		dm_buf_adds(err, "--keep: ");
		r = dm_re_match(R->o.keep, R->ans.text.buf, R->ans.text.len, 0,
		    ov, err);
		if (r < 0) {
			/* the same answer would fail the same way: no retry */
			*why = DM_NCAUSES;
			json_decref(v);
			return -1;
		}
		dm_buf_setlen(err, len);
		keep = r;
	}
	if (!fromcache && R->o.cachedir)
		cacheput(R, s, body, n);
	if (strcmp(R->ans.finish, "length") == 0)
		R->st.cut++;
	R->st.answered++;
	R->st.cached += fromcache;
	s->state = DM_REQ_DONE;
	dm_buf_reset(&s->out);
	if (!keep) {
		R->st.dropped++;
		s->result = DM_RESULT_DROP;
		json_decref(v);
		return 1;
	}
	s->result = DM_RESULT_EMIT;
	if (R->o.keep && !R->o.outgiven && !R->o.addusage &&
	    memmem(s->line.buf, s->line.len, "llm_error", 9) == NULL) {
		/* a filter passes the samples it keeps untouched */
		dm_buf_add(&s->out, s->line.buf, s->line.len);
		holdout(R, s);
		json_decref(v);
		return 1;
	}
	loadreq(&R->scratch, s);
	/* the failure of an earlier run (--skip-existing) is over: let go,
	 * not parsed */
	(void)dm_sample_remove(&R->scratch, "llm_error", err);
	r = 0;
	if (R->o.json && !R->o.jsoninto) {
		/* the answer's keys are member names, not paths: "a.b" is
		 * no field b inside a (which would fail the sample when a is
		 * a string), and "" is a name too */
		json_object_foreach(v, k, val)
			dm_sample_set_member(&R->scratch, k, strlen(k),
			    json_incref(val));
	} else if (R->o.json)
		r = dm_sample_set_new(&R->scratch, R->o.outfield,
		    json_incref(v), err);
	else if (!R->o.keep || R->o.outgiven)
		r = dm_sample_set_text(&R->scratch, R->o.outfield,
		    R->ans.text.buf, R->ans.text.len, err);
	json_decref(v);
	if (r < 0) {
		dm_llm_run_fail(R, s, 200, err->buf);
		R->st.answered--;
		return 1;
	}
	if (R->o.addusage)
		addusage(R, &R->scratch);
	dm_sample_bytes(&R->scratch, &p, &len);
	dm_buf_add(&s->out, p, len);
	holdout(R, s);
	return 1;
}

void
dm_llm_run_body(const struct dm_llm_run *R, struct dm_buf *req,
    const struct dm_buf *prompt, const struct dm_buf *sys)
{
	dm_buf_reset(req);
	dm_buf_add(req, R->o.head.buf, R->o.head.len);
	if (R->o.system) {
		dm_buf_adds(req, "{\"role\":\"system\",\"content\":");
		dm_json_addstr(req, sys->buf, sys->len);
		dm_buf_adds(req, "},");
	}
	dm_buf_adds(req, "{\"role\":\"user\",\"content\":");
	dm_json_addstr(req, prompt->buf, prompt->len);
	dm_buf_addc(req, '}');
	dm_buf_add(req, R->o.tail.buf, R->o.tail.len);
}

/* Whether the answer can go into -o FIELD: its parents are objects. */
static int
outfits(struct dm_llm_run *R, const struct dm_sample *smp)
{
	size_t col;

	dm_buf_reset(&R->err);
	return dm_sample_load(&R->scratch, smp->line, smp->len, smp->file,
	    smp->lineno, &R->err, &col) == 0 && dm_sample_set_raw(&R->scratch,
	    R->o.outfield, "null", 4, &R->err) == 0;
}

/*
 * A bad line (not JSON, longer than --max-line; smp NULL) or a bad sample (a
 * template field missing, a prompt not UTF-8, -o that cannot be set): it
 * takes its place in the window, with no request, and is rejected at its
 * turn, as the samples whose request failed are, so that the rejects file
 * and the messages follow input order as the output does. Under
 * --on-error=stop nothing after it is read; the samples before it are
 * finished first. A dry run writes as it reads: rejected at once.
 */
static int
badline(struct dm_llm_run *R, const struct dm_sample *smp, const char *file,
    unsigned long lineno, const char *line, size_t len, size_t col,
    const char *why)
{
	struct dm_llm_req *s;

	/* a sample of the summary, rejected, whatever is wrong with it */
	if (smp == NULL)
		R->st.samples++;
	R->st.rejected++;
	s = dm_llm_run_at(R, R->wcount++);
	s->file = intern(R, file);
	s->path = R->io->in.path;
	s->lineno = lineno;
	s->state = DM_REQ_DONE;
	s->result = DM_RESULT_REJECT;
	s->col = col;
	dm_buf_reset(&s->line);
	dm_buf_add(&s->line, line, len);
	/* no request: what tells it from a failed one in the flush */
	dm_buf_reset(&s->req);
	dm_buf_reset(&s->out);
	dm_buf_adds(&s->out, why);
	s->held = s->line.len + s->out.len;
	R->wbytes += s->held;
	return R->io->on_error == DM_ON_ERROR_STOP ? -1 : 0;
}

static int
badsample(struct dm_llm_run *R, struct dm_sample *smp, const char *why)
{
	if (R->o.dryrun)
		return dm_io_reject(R->io, "%s", why);
	return badline(R, smp, smp->file, smp->lineno, smp->line, smp->len,
	    0, why);
}

/*
 * Reads the next line, as dm_io_next does, and takes it: 1, or 0 at the
 * end of the input or on interrupt, or -1 when the run must stop. A line
 * that is not JSON or longer than --max-line waits in the window for the
 * samples before it, as a bad sample does (dm_io_next would reject it at
 * once, ahead of them).
 */
static int
readone(struct dm_llm_run *R)
{
	struct dm_io *io = R->io;
	struct dm_sample *smp;
	struct dm_llm_req *s;
	const char *line;
	size_t len, col;
	int r;

	if (R->o.dryrun || io->stopped) {
		if ((smp = dm_io_next(io)) == NULL)
			return 0;
		return dm_llm_run_take(R, smp) < 0 ? -1 : 1;
	}
	if ((r = dm_reader_next(&io->in, &line, &len)) == 0)
		return 0;
	io->nin++;
	if (io->prog)
		dm_progress_tick(io->prog, io->nin);
	if (r == 2) {
		/* under skip the rest is read first, for its length; under
		 * stop it is not (it may be endless) */
		if (io->on_error == DM_ON_ERROR_SKIP &&
		    dm_reader_skip(&io->in) < 0)
			return 0;
		r = badline(R, NULL, io->in.name, io->in.lineno, line, len, 0,
		    "");
		s = dm_llm_run_at(R, R->wcount - 1);
		s->overlong = 1;
		s->longlen = io->on_error == DM_ON_ERROR_SKIP ?
		    io->in.longlen : 0;
		return r < 0 ? -1 : 1;
	}
	dm_buf_reset(&io->err);
	if (dm_sample_load(&io->s, line, len, io->in.name, io->in.lineno,
	    &io->err, &col) < 0)
		return badline(R, NULL, io->in.name, io->in.lineno, line, len,
		    col, io->err.buf) < 0 ? -1 : 1;
	return dm_llm_run_take(R, &io->s) < 0 ? -1 : 1;
}

/* Takes the sample just read: 0, or -1 when the run must stop. */
int
dm_llm_run_take(struct dm_llm_run *R, struct dm_sample *smp)
{
	struct dm_field f;
	struct dm_llm_req *s;

	R->st.samples++;
	dm_buf_reset(&R->prompt);
	dm_buf_reset(&R->sys);
	dm_buf_reset(&R->err);
	if (R->o.skip) {
		dm_sample_get(smp, R->o.outfield, &f);
		if (f.type != DM_MISSING) {
			R->st.skipped++;
			if (R->o.dryrun)
				return 0;
			s = dm_llm_run_at(R, R->wcount++);
			s->state = DM_REQ_DONE;
			s->result = DM_RESULT_EMIT;
			dm_buf_reset(&s->out);
			dm_buf_add(&s->out, smp->line, smp->len);
			s->held = s->out.len;
			R->wbytes += s->held;
			return 0;
		}
	}
	if ((R->o.system && dm_tmpl_fill(R->o.system, smp, R->io->key,
	    &R->sys, &R->err) < 0) ||
	    dm_tmpl_fill(R->o.prompt, smp, R->io->key, &R->prompt,
	    &R->err) < 0)
		return badsample(R, smp, R->err.buf);
	if (dm_utf8_check(R->prompt.buf, R->prompt.len) != R->prompt.len ||
	    dm_utf8_check(R->sys.buf, R->sys.len) != R->sys.len)
		return badsample(R, smp, "the prompt is not valid UTF-8");
	if (((R->o.json && R->o.jsoninto) || (!R->o.json &&
	    (!R->o.keep || R->o.outgiven))) && !outfits(R, smp)) {
		/* found before the answer is paid for */
		dm_buf_reset(&R->body);
		dm_buf_adds(&R->body, "-o: ");
		dm_buf_add(&R->body, R->err.buf, R->err.len);
		return badsample(R, smp, R->body.buf);
	}
	if (R->o.dryrun) {
		dm_llm_run_body(R, &R->req, &R->prompt, &R->sys);
		if (R->o.cachedir) {
			/* an answer in the cache is not asked for */
			dm_llm_cache_path(&R->path, R->o.cachedir, R->o.base,
			    R->o.model, R->req.buf, R->req.len);
			if (access(R->path.buf, F_OK) == 0)
				return 0;
		}
		dm_buf_reset(&R->body);
		dm_buf_adds(&R->body, "{\"url\":");
		dm_json_addstr(&R->body, R->o.url, strlen(R->o.url));
		dm_buf_addc(&R->body, ',');
		dm_buf_add(&R->body, R->req.buf + 1, R->req.len - 1);
		dm_writer_line(&R->io->out, R->body.buf, R->body.len);
		return 0;
	}
	s = dm_llm_run_at(R, R->wcount++);
	s->file = intern(R, smp->file);
	s->path = R->io->in.path;
	s->lineno = smp->lineno;
	s->attempts = s->badjson = 0;
	dm_buf_reset(&s->line);
	dm_buf_add(&s->line, smp->line, smp->len);
	dm_llm_run_body(R, &s->req, &R->prompt, &R->sys);
	s->promptlen = R->prompt.len + R->sys.len;
	s->held = s->line.len + s->req.len;
	R->wbytes += s->held;
	s->state = DM_REQ_QUEUED;
	s->ready = 0;
	(void)dm_llm_run_cached(R, s);
	return 0;
}

int
dm_llm_run_cached(struct dm_llm_run *R, struct dm_llm_req *s)
{
	enum dm_llm_cause c;

	if (R->o.cachedir == NULL)
		return 0;
	cachepath(R, &R->path, s);
	switch (dm_llm_cache_get(R->path.buf, &R->body, R->o.maxresponse)) {
	case -1:
		return 0;
	case -2:
		/* stored under a higher limit: asked again, the server would
		 * most likely say as much again */
		dm_buf_reset(&R->err);
		dm_buf_addf(&R->err, "the cached answer %s is longer than "
		    "--max-response (%zu bytes)", R->path.buf,
		    R->o.maxresponse);
		dm_llm_run_fail(R, s, 200, R->err.buf);
		return 1;
	}
	dm_buf_reset(&R->err);
	/* an answer that does not do any more is asked for again, unless it
	 * fails whatever the answer */
	switch (dm_llm_run_answer(R, s, R->body.buf, R->body.len, 1, &c,
	    &R->err)) {
	case 1:
		return 1;
	case -1:
		if (c == DM_NCAUSES) {
			dm_llm_run_fail(R, s, 200, R->err.buf);
			return 1;
		}
		break;
	}
	s->state = DM_REQ_QUEUED;
	return 0;
}

/* Writes the finished samples at the head of the window, in order. */
void
dm_llm_run_flush(struct dm_llm_run *R)
{
	struct dm_io *io = R->io;
	enum dm_on_error policy;
	const char *path;
	struct dm_llm_req *s;

	while (R->wcount && (s = dm_llm_run_at(R, 0))->state == DM_REQ_DONE) {
		if (s->warn.len)
			dm_warn("%s:%lu: %s", s->file, s->lineno, s->warn.buf);
		if (s->result == DM_RESULT_EMIT) {
			dm_writer_line(&io->out, s->out.buf, s->out.len);
			io->nout++;
		} else if (s->result == DM_RESULT_REJECT) {
			/* dm_io_reject speaks of the current sample: make
			 * this line current; a failed call never stops the
			 * run, a bad line or sample (no request) does under
			 * stop */
			io->s.line = s->line.buf;
			io->s.len = s->line.len;
			io->s.file = s->file;
			io->s.lineno = s->lineno;
			path = io->in.path;
			policy = io->on_error;
			io->in.path = s->path;
			if (s->req.len)
				io->on_error = DM_ON_ERROR_SKIP;
			if (s->overlong)
				dm_io_reject_long(io, s->file, s->lineno,
				    s->line.buf, s->line.len, s->longlen);
			else if (s->col)
				dm_io_reject_at(io, s->col, "%s", s->out.buf);
			else
				dm_io_reject(io, "%s", s->out.buf);
			io->s.line = NULL;
			io->s.len = 0;
			io->in.path = path;
			io->on_error = policy;
		}
		R->wbytes -= s->held;
		s->held = 0;
		s->col = 0;
		s->overlong = 0;
		s->longlen = 0;
		dm_buf_reset(&s->warn);
		/* one huge sample does not leave its size behind in each
		 * slot it went through */
		if (s->line.cap > DM_LLM_SLOTKEEP)
			dm_buf_free(&s->line);
		if (s->req.cap > DM_LLM_SLOTKEEP)
			dm_buf_free(&s->req);
		if (s->out.cap > DM_LLM_SLOTKEEP)
			dm_buf_free(&s->out);
		if (s->warn.cap > DM_LLM_SLOTKEEP)
			dm_buf_free(&s->warn);
		R->whead = (R->whead + 1) % R->wcap;
		R->wcount--;
	}
}

/*
 * Whether a line can be read without waiting for the input. A line that
 * comes in pieces (a producer that writes blocks, not lines, and stops
 * in the middle of one) is gathered here as its pieces come: the reader
 * would wait in read(2) for its end while answers wait to be written and
 * the requests in flight run into --timeout.
 */
static int
inputready(struct dm_llm_run *R)
{
	struct dm_reader *r = &R->io->in;
	struct pollfd p;

	if (r->fd < 0 || r->eof)
		return 1;
	if (memchr(r->buf + r->start, '\n', r->end - r->start))
		return 1;
	/* compressed: the decoder may hold bytes that fd does not show;
	 * the reader takes what is at hand without waiting */
	if (r->ar)
		return dm_reader_pull(r);
	p.fd = r->fd;
	p.events = POLLIN;
	if (poll(&p, 1, 0) <= 0)
		return 0;
	return dm_reader_pull(r);
}

/* Whether the window takes another sample: a free slot, and the bytes it
 * holds within their bound, so that huge samples (a book a line) do not
 * pile up by the -j * 4 of them. */
static int
room(const struct dm_llm_run *R)
{
	return R->wcount == 0 || (R->wcount < R->wcap &&
	    (R->o.dryrun || R->wbytes < R->wmax));
}

int
dm_llm_run_loop(struct dm_llm_run *R)
{
	struct dm_http_resp *r;
	double wait;
	int eof = 0, fd;

	while (!dm_interrupted) {
		/* read while there is room, without waiting on the input
		 * when requests are in flight */
		while (!eof && room(R) && (R->o.dryrun || R->wcount == 0 ||
		    inputready(R))) {
			if (readone(R) <= 0) {
				eof = 1;
				break;
			}
			if (!inputready(R))
				break;
		}
		dm_llm_run_flush(R);
		/* What is written goes out before waiting for an answer: a
		 * reader that stops (| head) ends the run at the next write,
		 * before more requests are paid for, and a crash loses no
		 * answered sample. Once per batch of ready samples. */
		dm_writer_flush(&R->io->out);
		if (R->io->rej.fd >= 0)
			dm_writer_flush(&R->io->rej);
		/* no request goes out after an interrupt */
		if ((eof && R->wcount == 0) || dm_interrupted)
			break;
		wait = dm_llm_sched_send(R);
		fd = -1;
		if (!eof && room(R)) {
			/* more input at hand: only a look at the network */
			if (inputready(R))
				wait = 0;
			else
				fd = R->io->in.fd;
		}
		if (dm_http_poll(R->http, (int)ceil(fmin(wait * 1000,
		    DM_LLM_MAXWAIT_MS)), fd) < 0)
			return -1;
		while ((r = dm_http_done(R->http)) != NULL)
			dm_llm_sched_finished(R, r);
		if (R->o.progress)
			dm_llm_stat_progress(R, 0);
	}
	return 0;
}

void
dm_llm_run_stop(struct dm_llm_run *R)
{
	struct dm_llm_req *s;
	size_t i;

	for (i = 0; i < R->wcount; i++) {
		s = dm_llm_run_at(R, i);
		if (s->state == DM_REQ_DONE)
			continue;
		s->state = DM_REQ_DONE;
		s->result = DM_RESULT_DROP;
		R->st.unanswered++;
	}
}

int
dm_llm_run_finish(struct dm_llm_run *R, int status, int broken)
{
	if (R->st.failed && status < DM_EXIT_REJECTS)
		status = DM_EXIT_REJECTS;
	if (broken || R->st.unstored)
		status = DM_EXIT_ERROR;
	if (!R->o.dryrun && (R->o.stats || R->o.progress || R->st.failed ||
	    R->st.retries || R->st.unstored || R->st.unanswered))
		dm_llm_stat_summary(R);
	if (R->o.keep && R->st.dropped)
		dm_report_drop("answer does not match", R->st.dropped);
	dm_report_set_int("requests", (long long)R->st.requests);
	dm_report_set_int("retries", (long long)R->st.retries);
	dm_report_set_int("failed", (long long)R->st.failed);
	dm_report_set_int("cached", (long long)R->st.cached);
	dm_report_set_int("prompt_tokens", R->st.ptok);
	dm_report_set_int("completion_tokens", R->st.ctok);
	return status;
}

void
dm_llm_run_free(struct dm_llm_run *R)
{
	size_t i;

	if (R->http)
		dm_http_free(R->http);
	for (i = 0; i < R->wcap; i++) {
		dm_buf_free(&R->win[i].line);
		dm_buf_free(&R->win[i].req);
		dm_buf_free(&R->win[i].out);
		dm_buf_free(&R->win[i].warn);
	}
	free(R->win);
	for (i = 0; i < R->nnames; i++)
		free(R->names[i]);
	free(R->names);
	dm_sample_free(&R->scratch);
	dm_buf_free(&R->ans.text);
	dm_buf_free(&R->o.head);
	dm_buf_free(&R->o.tail);
	dm_tmpl_free(R->o.prompt);
	dm_tmpl_free(R->o.system);
	dm_re_free(R->o.keep);
	free(R->o.url);
	free(R->o.authhdr);
	free(R->o.apikey);
	free((char *)R->o.base);
	dm_buf_free(&R->prompt);
	dm_buf_free(&R->sys);
	dm_buf_free(&R->req);
	dm_buf_free(&R->body);
	dm_buf_free(&R->path);
	dm_buf_free(&R->err);
}
