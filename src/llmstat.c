/* llmstat.c - dm-llm's progress line and summary */
#include <math.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dm.h"
#include "llm.h"
#include "llmrun.h"

static const char *const causename[DM_NCAUSES] = {
	"connection", "timeout", "408", "409", "429", "500", "502", "503",
	"504", "bad answer", "not JSON"
};

static double
percentile(struct dm_llm_run *R, double q)
{
	unsigned long long want, sum = 0;
	int k;

	want = (unsigned long long)ceil(q * (double)R->st.nlat);
	for (k = 0; k < 400; k++)
		if ((sum += R->st.lat[k]) >= want && want)
			return 0.001 * pow(1.05, k + 0.5);
	return 0;
}

void
dm_llm_stat_progress(struct dm_llm_run *R, int final)
{
	double t = dm_now(), el = t - R->st.start, eta = -1;
	struct stat sb;
	/* a rejected sample is done too: else the count never comes to
	 * the samples read, as the summary's does */
	unsigned long long done = R->st.answered + R->st.failed +
	    R->st.skipped + R->st.rejected;

	if (R->lastprogress == 0)
		R->lastprogress = R->st.start;
	if (!final && t - R->lastprogress < (isatty(2) ? 0.5 : 10))
		return;
	R->lastprogress = t;
	if (R->io->in.npaths == 1 && R->io->in.ar == NULL &&
	    R->io->in.fd >= 0 &&
	    fstat(R->io->in.fd, &sb) == 0 && S_ISREG(sb.st_mode) &&
	    R->io->in.nbytes > 0 && sb.st_size > 0)
		eta = el * ((double)sb.st_size / (double)R->io->in.nbytes - 1);
	fprintf(stderr, "%s%s: %llu done, %zu in flight, %llu retries, "
	    "%.1f req/s, %.0f tokens/s", isatty(2) ? "\r\033[K" : "", dm_prog,
	    done, dm_http_active(R->http), R->st.retries,
	    el > 0 ? (double)R->st.requests / el : 0,
	    el > 0 ? (double)(R->st.ptok + R->st.ctok) / el : 0);
	if (eta >= 0)
		fprintf(stderr, ", ETA %d:%02d", (int)eta / 60, (int)eta % 60);
	fputs(final || !isatty(2) ? "\n" : "", stderr);
	dm_line_open = !final && isatty(2);
}

void
dm_llm_stat_summary(struct dm_llm_run *R)
{
	struct dm_buf b = DM_BUF_INIT;
	double el = dm_now() - R->st.start;
	int c, first = 1;

	dm_buf_addf(&b, "%llu sample%s: %llu answered", R->st.samples,
	    R->st.samples == 1 ? "" : "s", R->st.answered);
	if (R->st.cached)
		dm_buf_addf(&b, " (%llu from the cache)", R->st.cached);
	if (R->o.keep)
		dm_buf_addf(&b, ", %llu kept, %llu dropped",
		    R->st.answered - R->st.dropped, R->st.dropped);
	dm_buf_addf(&b, ", %llu skipped, %llu failed", R->st.skipped,
	    R->st.failed);
	if (R->st.rejected)
		dm_buf_addf(&b, ", %llu rejected", R->st.rejected);
	if (dm_interrupted)
		dm_buf_addf(&b, ", %llu not answered (interrupted)",
		    R->st.unanswered);
	if (R->st.unstored)
		dm_buf_addf(&b, "; %llu answer%s not stored in the cache",
		    R->st.unstored, R->st.unstored == 1 ? "" : "s");
	dm_warn("%s", b.buf);
	dm_buf_reset(&b);
	dm_buf_addf(&b, "%llu request%s in %.2f s (%.1f/s), %llu %s",
	    R->st.requests, R->st.requests == 1 ? "" : "s", el,
	    el > 0 ? (double)R->st.requests / el : 0, R->st.retries,
	    R->st.retries == 1 ? "retry" : "retries");
	for (c = 0; c < DM_NCAUSES; c++)
		if (R->st.bycause[c]) {
			dm_buf_addf(&b, "%s%s: %llu", first ? " (" : ", ",
			    causename[c], R->st.bycause[c]);
			first = 0;
		}
	dm_warn("%s%s", b.buf, first ? "" : ")");
	dm_warn("tokens: %lld prompt, %lld completion%s", R->st.ptok,
	    R->st.ctok,
	    R->st.cut ? "; some answers were cut at the length limit" : "");
	if (R->st.nlat)
		dm_warn("latency: p50 %.3f s, p95 %.3f s, p99 %.3f s",
		    percentile(R, 0.5), percentile(R, 0.95),
		    percentile(R, 0.99));
	dm_buf_free(&b);
}
