/* llmsched.c - dm-llm's request scheduler: sending within the rate limits,
 * retries with exponential backoff and full jitter */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dm.h"
#include "llm.h"
#include "llmrun.h"


static double
rnd(struct dm_llm_run *R)
{
	R->rng ^= R->rng << 13;
	R->rng ^= R->rng >> 7;
	R->rng ^= R->rng << 17;
	return (double)(R->rng >> 11) / 9007199254740992.0;
}

static void
retry(struct dm_llm_run *R, struct dm_llm_req *s, enum dm_llm_cause c,
    double after, long status,
    const char *msg)
{
	double d;

	s->attempts++;
	if (c == DM_CAUSE_429 && after >= 0 && dm_now() + after > R->hold)
		/* the server asked everyone to wait, whether this sample
		 * waits too or gives up */
		R->hold = dm_now() + after;
	if (s->attempts > R->o.retries) {
		struct dm_buf m = DM_BUF_INIT;

		dm_buf_addf(&m, "%s (gave up after %d attempt%s)", msg,
		    s->attempts, s->attempts == 1 ? "" : "s");
		dm_llm_run_fail(R, s, status, m.buf);
		dm_buf_free(&m);
		return;
	}
	R->st.retries++;
	R->st.bycause[c]++;
	if (after >= 0)
		d = after;
	else {
		/* exponential backoff, full jitter */
		d = R->o.retrybase * pow(2, s->attempts - 1);
		d = rnd(R) * (d < DM_LLM_BACKOFF_CAP ? d : DM_LLM_BACKOFF_CAP);
	}
	s->state = DM_REQ_QUEUED;
	s->ready = dm_now() + d;
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
ratelimits(struct dm_llm_run *R, const struct dm_http_resp *r,
    struct dm_buf *tmp)
{
	static const char *const kind[2] = { "requests", "tokens" };
	char name[64];
	const char *v;
	double left, need, d;
	int i;

	for (i = 0; i < 2; i++) {
		snprintf(name, sizeof name, "x-ratelimit-remaining-%s",
		    kind[i]);
		if ((v = dm_http_header(r, name, tmp)) == NULL)
			continue;
		left = strtod(v, NULL);
		need = (double)dm_http_active(R->http) + 1;
		if (i == 1)
			need *= R->st.nusage ? (double)(R->st.ptok +
			    R->st.ctok) / (double)R->st.nusage : 1;
		if (left >= need)
			continue;
		snprintf(name, sizeof name, "x-ratelimit-reset-%s", kind[i]);
		v = dm_http_header(r, name, tmp);
		d = v ? dm_duration(v) : -1;
		if (d < 0 || d > DM_LLM_MAXWAIT)
			d = 1;
		if (dm_now() + d > R->hold)
			R->hold = dm_now() + d;
	}
}

void
dm_llm_sched_finished(struct dm_llm_run *R, struct dm_http_resp *r)
{
	struct dm_llm_req *s = r->udata;
	struct dm_buf err = DM_BUF_INIT, tmp = DM_BUF_INIT;
	enum dm_llm_cause c;
	int quota, k;

	if (r->status > 0 || r->timedout) {
		k = r->seconds > 0.001 ? (int)(log(r->seconds / 0.001) /
		    log(1.05)) : 0;
		R->st.lat[k < 0 ? 0 : k > 399 ? 399 : k]++;
		R->st.nlat++;
	}
	if (r->toolarge) {
		/* asked again, a server that says too much would most likely
		 * say it again, and be paid again */
		if (r->toolarge == DM_HTTP_BODY)
			dm_buf_addf(&err, "the server's answer is longer than "
			    "--max-response (%zu bytes)", r->maxbody);
		else
			dm_buf_addf(&err, "the server's headers are longer "
			    "than %u bytes", DM_HTTP_MAXHEADERS);
		dm_llm_run_fail(R, s, r->status, err.buf);
		goto out;
	}
	if (r->status == 0) {
		retry(R, s, r->timedout ? DM_CAUSE_TIMEOUT : DM_CAUSE_CONNECT,
		    -1, 0, r->error);
		goto out;
	}
	ratelimits(R, r, &tmp);
	if (r->status >= 200 && r->status < 300) {
		k = dm_llm_run_answer(R, s, r->body.buf, r->body.len, 0, &c,
		    &err);
		if (k == 0) {
			if (s->badjson++ < R->o.parseretries) {
				R->st.retries++;
				R->st.bycause[DM_CAUSE_JSON]++;
				s->state = DM_REQ_QUEUED;
				s->ready = dm_now();
			} else
				dm_llm_run_fail(R, s, r->status, err.buf);
		} else if (k < 0 && c == DM_CAUSE_BODY)
			retry(R, s, DM_CAUSE_BODY, -1, r->status, err.buf);
		else if (k < 0)
			dm_llm_run_fail(R, s, r->status, err.buf);
		goto out;
	}
	quota = dm_llm_error(r->body.buf, r->body.len, R->o.apikey, &err);
	if (err.len == 0)
		dm_buf_adds(&err, "no message");
	switch (r->status) {
	case 408: c = DM_CAUSE_408; break;
	case 409: c = DM_CAUSE_409; break;
	case 429: c = DM_CAUSE_429; break;
	case 500: c = DM_CAUSE_500; break;
	case 502: c = DM_CAUSE_502; break;
	case 503: c = DM_CAUSE_503; break;
	case 504: c = DM_CAUSE_504; break;
	default: c = DM_NCAUSES;
	}
	if (c == DM_NCAUSES || (c == DM_CAUSE_429 && quota))
		dm_llm_run_fail(R, s, r->status, err.buf);
	else
		retry(R, s, c, retryafter(r), r->status, err.buf);
out:
	dm_buf_free(&err);
	dm_buf_free(&tmp);
	dm_http_resp_free(r);
}

static double
estimate(struct dm_llm_run *R, const struct dm_llm_req *s)
{
	double ratio = R->st.nusage && R->st.pbytes > 0 ?
	    (double)R->st.ptok / R->st.pbytes : 0.25;

	return (double)s->promptlen * ratio +
	    (R->st.nusage ? (double)R->st.ctok / (double)R->st.nusage : 0);
}

static void
refill(struct dm_llm_run *R, double t)
{
	double dt = t - R->lastfill;

	R->lastfill = t;
	if (R->o.rpm > 0) {
		R->rtok += dt * R->o.rpm / 60;
		if (R->rtok > fmax(1, R->o.rpm / 60))
			R->rtok = fmax(1, R->o.rpm / 60);
	}
	if (R->o.tpm > 0) {
		R->ttok += dt * R->o.tpm / 60;
		if (R->ttok > R->o.tpm / 60)
			R->ttok = R->o.tpm / 60;
	}
}

/* Sends what may be sent; returns the seconds until something more may
 * be, capped. */
double
dm_llm_sched_send(struct dm_llm_run *R)
{
	const char *hdrs[3];
	double t = dm_now(), wait = 1, w;
	struct dm_llm_req *s;
	size_t i;

	hdrs[0] = "Content-Type: application/json";
	hdrs[1] = R->o.authhdr;
	hdrs[2] = NULL;
	refill(R, t);
	for (i = 0; i < R->wcount &&
	    dm_http_active(R->http) < (size_t)R->o.jobs; i++) {
		/* the window holds what it may: answers wait for the
		 * samples before them, and only the first one, which is
		 * always sent, can let them go */
		if (i > 0 && R->wbytes >= R->wmax)
			break;
		s = dm_llm_run_at(R, i);
		if (s->state != DM_REQ_QUEUED)
			continue;
		if (s->ready > t || R->hold > t) {
			w = (s->ready > R->hold ? s->ready : R->hold) - t;
			wait = w < wait ? w : wait;
			continue;
		}
		/* the same request earlier in the run stored its answer:
		 * none is sent, and none is counted against the limits */
		if (dm_llm_run_cached(R, s))
			continue;
		if (R->o.rpm > 0 && R->rtok < 1) {
			w = (1 - R->rtok) * 60 / R->o.rpm;
			return w < wait ? w : wait;
		}
		s->est = estimate(R, s);
		if (R->o.tpm > 0 && R->ttok < 0) {
			w = -R->ttok * 60 / R->o.tpm;
			return w < wait ? w : wait;
		}
		R->rtok -= 1;
		R->ttok -= s->est;
		s->state = DM_REQ_FLIGHT;
		R->st.requests++;
		dm_http_post(R->http, R->o.url, hdrs, s->req.buf, s->req.len,
		    s);
	}
	return wait;
}
