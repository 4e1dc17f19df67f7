/* runlog.c - dm-run's job log, progress line and messages about jobs */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend.h"
#include "report.h"

/* ---- the job log ---- */

void
dm_joblog_open(struct dm_sched *S, const char *path)
{
	static const char hdr[] = "Seq\tHost\tSlot\tStarttime\tJobRuntime\t"
	    "Send\tReceive\tExitval\tSignal\tCommand\n";
	struct stat st;

	S->joblog = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0666);
	if (S->joblog < 0 || fstat(S->joblog, &st) < 0)
		dm_die("%s: %s", path, strerror(errno));
	if (st.st_size == 0 && write(S->joblog, hdr, sizeof hdr - 1) < 0)
		dm_die("%s: write error: %s", path, strerror(errno));
}

void
dm_joblog_line(struct dm_sched *S, struct dm_job *j, double runtime)
{
	struct dm_buf b = DM_BUF_INIT;
	const char *p;
	const char *host = NULL;
	int code = 0, sig = 0;

	if (j->slot->host->be->where)
		host = j->slot->host->be->where(S, j);
	if (host == NULL)
		host = j->slot->host->name;
	if (WIFEXITED(j->wstatus))
		code = WEXITSTATUS(j->wstatus);
	else if (WIFSIGNALED(j->wstatus))
		sig = WTERMSIG(j->wstatus);
	dm_buf_addf(&b, "%llu\t%s\t%d\t%.3f\t%.3f\t%zu\t%llu\t%d\t%d\t", j->seq,
	    host, j->slot->id, j->wall0, runtime, j->sent,
	    j->out.len, code, sig);
	for (p = j->cmd; *p; p++) {
		if (*p == '\t')
			dm_buf_adds(&b, "\\t");
		else if (*p == '\n')
			dm_buf_adds(&b, "\\n");
		else
			dm_buf_addc(&b, *p);
	}
	dm_buf_addc(&b, '\n');
	if (write(S->joblog, b.buf, b.len) != (ssize_t)b.len) {
		dm_warnx_errno("%s: write error", S->o->joblog);
		S->fatal = 1;
	}
	dm_buf_free(&b);
}

/* ---- progress ---- */

void
dm_runlog_progress(struct dm_sched *S, int last)
{
	struct dm_buf b = DM_BUF_INIT;
	double el = dm_now() - S->start, mbs, eta;
	int tty = isatty(2), i;

	/* the speed of this run: the blocks that --resume skipped took no
	 * time, and counted would make the ETA too short */
	mbs = el > 0 ? (S->bytesdone - S->bytesskipped) / 1e6 / el : 0;
	if (tty)
		dm_buf_adds(&b, "\r\033[K");
	dm_buf_addf(&b, "%s: %llu done, %d running, %llu failed; %.1f MB, "
	    "%.1f MB/s", dm_prog, S->ndone + S->nskipped, S->nrunning,
	    S->nfailed, S->bytesdone / 1e6, mbs);
	if (S->total > 0 && mbs > 0 && !last) {
		eta = S->total > S->bytesdone ?
		    (S->total - S->bytesdone) / 1e6 / mbs : 0;
		dm_buf_addf(&b, ", ETA %d:%02d:%02d", (int)eta / 3600,
		    (int)eta / 60 % 60, (int)eta % 60);
	}
	/* with hosts: the jobs done on each, and which are down */
	for (i = 0; S->o->hosts && i < S->nhosts; i++)
		dm_buf_addf(&b, "%s %s %llu%s", i ? "," : ";", S->hosts[i].name,
		    S->hosts[i].ndone, S->hosts[i].down ? " (down)" : "");
	for (i = 0; i < S->nhosts; i++)
		if (S->hosts[i].be->progress) {
			dm_buf_adds(&b, "; ");
			S->hosts[i].be->progress(S, &S->hosts[i], &b);
		}
	if (!tty || last)
		dm_buf_addc(&b, '\n');
	/* an update may be dropped when stderr has no room (the next one
	 * says more), never cut short, and the last never: dm_run_stderr */
	if (dm_run_stderr(b.buf, b.len, !last) == 0)
		dm_line_open = tty && !last;
	dm_buf_free(&b);
	S->nextprog = dm_now() + (tty ? 0.5 : 10);
}

unsigned long long
dm_runlog_inputsize(int argc, char **argv)
{
	static const char *const ext[] = { ".gz", ".bz2", ".xz", ".zst",
	    ".lz4", ".lzma" };
	unsigned long long total = 0;
	struct stat st;
	size_t k, n;
	int i;

	if (argc == 0)
		return fstat(0, &st) == 0 && S_ISREG(st.st_mode) &&
		    st.st_size > 0 ? (unsigned long long)st.st_size : 0;
	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "-") == 0 || stat(argv[i], &st) < 0 ||
		    !S_ISREG(st.st_mode))
			return 0;
		n = strlen(argv[i]);
		for (k = 0; k < sizeof ext / sizeof ext[0]; k++)
			if (n > strlen(ext[k]) &&
			    strcmp(argv[i] + n - strlen(ext[k]), ext[k]) == 0)
				return 0;
		total += (unsigned long long)st.st_size;
	}
	return total;
}

/* ---- messages ---- */

void
dm_runlog_moved(struct dm_job *j, struct dm_runhost *to)
{
	const char *why = j->lost ? " is down" : ": ssh exited 255";

	if (j->moved != to)
		dm_warn("host '%s'%s; job %llu moved to '%s'",
		    j->moved->name, why, j->seq, to->name);
	else
		dm_warn("host '%s'%s; job %llu tried there again",
		    j->moved->name, why, j->seq);
}

static const char *
plural(int n)
{
	return n == 1 ? "time" : "times";
}

/* "job 7 (input bytes 0-99" in b. */
static void
name(struct dm_sched *S, struct dm_job *j, struct dm_buf *b)
{
	dm_buf_addf(b, "job %llu (", j->seq);
	if (S->o->files) {
		dm_buf_addc(b, '\'');
		dm_buf_addquoted(b, j->in, j->inlen, 200);
		dm_buf_addc(b, '\'');
	} else if (j->len == 0)
		dm_buf_adds(b, "no input bytes");
	else
		dm_buf_addf(b, "input bytes %llu-%llu", j->off,
		    j->off + j->len - 1);
}

/* "job 7 (input bytes 0-99)", and how its last attempt ended, in b. */
static void
describe(struct dm_sched *S, struct dm_job *j, struct dm_buf *b, int failed)
{
	name(S, j, b);
	if (failed)
		dm_buf_addf(b, ") failed %d %s: ", j->tries, plural(j->tries));
	else
		dm_buf_adds(b, "): ");
	if (j->timedout)
		dm_buf_addf(b, "timed out after %gs", S->o->timeout);
	else if (WIFEXITED(j->wstatus))
		dm_buf_addf(b, "exit status %d", WEXITSTATUS(j->wstatus));
	else
		dm_buf_addf(b, "killed by signal %d (%s)", WTERMSIG(j->wstatus),
		    strsignal(WTERMSIG(j->wstatus)));
}

void
dm_runlog_retry(struct dm_sched *S, struct dm_job *j)
{
	struct dm_buf b = DM_BUF_INIT;

	S->nretries++;
	describe(S, j, &b, 0);
	dm_warn("%s; trying again (%d of %d)", b.buf, j->tries + 1,
	    S->o->retries + 1);
	dm_buf_free(&b);
}

void
dm_runlog_failure(struct dm_sched *S, struct dm_job *j)
{
	struct dm_buf b = DM_BUF_INIT;
	int i;

	describe(S, j, &b, 1);
	dm_warn("%s", b.buf);
	for (i = 0; i < j->ntail; i++)
		dm_warn("job %llu: %s", j->seq, j->tail[i].buf);
	dm_buf_free(&b);
}

void
dm_runlog_halted(struct dm_sched *S, struct dm_job *j)
{
	struct dm_buf b = DM_BUF_INIT;

	name(S, j, &b);
	dm_warn("%s): killed by --halt now-failure", b.buf);
	dm_buf_free(&b);
}

void
dm_runlog_report(struct dm_sched *S)
{
	json_t *hosts = json_array(), *h;
	int i;

	dm_report_arm();
	dm_report_set_int("jobs", (long long)S->nseq);
	dm_report_set_int("done", (long long)(S->ndone + S->nskipped));
	dm_report_set_int("failed", (long long)S->nfailed);
	dm_report_set_int("retries", (long long)S->nretries);
	dm_report_set_int("bytes", (long long)S->bytesdone);
	for (i = 0; S->o->hosts && i < S->nhosts; i++) {
		h = json_object();
		json_object_set_new(h, "host", json_string(S->hosts[i].name));
		json_object_set_new(h, "jobs", json_integer(
		    (json_int_t)S->hosts[i].ndone));
		json_object_set_new(h, "down", json_boolean(S->hosts[i].down));
		json_array_append_new(hosts, h);
	}
	dm_report_set_new("hosts", hosts);
}
