/* runjob.c - dm-run's jobs: made, launched, stopped, finished, delivered */
#include <sys/ioctl.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backend.h"

static double
wallclock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Files mode: the line becomes the command's $1 (set -- 'LINE', quoted for
 * the shell) and every {} a reference to it, written for the quoting
 * context it stands in: "${1}" bare, ${1} inside double quotes, '"${1}"'
 * inside single quotes. The line itself never enters COMMAND, so no quote
 * around {} can let it be parsed as shell code. Without {}, "${1}" goes
 * after a space, as GNU parallel adds the argument. The command goes to
 * j->cmd, and the script of its pipeline (dm_run_pipefail) to j->run.
 */
static void
filescmd(struct dm_job *j, const char *cmd, const char *line, size_t n)
{
	struct dm_buf b = DM_BUF_INIT, set = DM_BUF_INIT;
	const char *p;
	char *arg = dm_xstrndup(line, n), *run;
	int any = 0, q = 0;	/* q: 0 bare, '\'', '"' */

	dm_buf_adds(&set, "set -- ");
	dm_buf_addshell(&set, arg);
	dm_buf_adds(&set, "; ");
	for (p = cmd; *p; p++) {
		if (p[0] == '{' && p[1] == '}') {
			dm_buf_adds(&b, q == '\'' ? "'\"${1}\"'" :
			    q == '"' ? "${1}" : "\"${1}\"");
			any = 1;
			p++;
			continue;
		}
		dm_buf_addc(&b, *p);
		if (*p == '\\' && q != '\'' && p[1]) {
			dm_buf_addc(&b, *++p);
			continue;
		}
		if (*p == '\'' && q != '"')
			q = q ? 0 : '\'';
		else if (*p == '"' && q != '\'')
			q = q ? 0 : '"';
	}
	if (!any)
		dm_buf_adds(&b, " \"${1}\"");
	if ((run = dm_run_pipefail(b.buf)) != NULL) {
		j->run = dm_xmalloc(set.len + strlen(run) + 1);
		memcpy(j->run, set.buf, set.len);
		strcpy(j->run + set.len, run);
		free(run);
	}
	dm_buf_add(&set, b.buf, b.len);
	j->cmd = dm_buf_detach(&set, NULL);
	dm_buf_free(&b);
	free(arg);
}

void
dm_job_free(struct dm_job *j)
{
	int i;

	dm_block_free(j->in, j->incap);
	free(j->cmd);
	free(j->run);
	dm_rej_discard(j);
	dm_held_clear(&j->out);
	dm_buf_free(&j->errpart);
	for (i = 0; i < DM_RUN_TAILN; i++)
		dm_buf_free(&j->tail[i]);
	free(j);
}

static void
unlink_job(struct dm_sched *S, struct dm_job *j)
{
	if (j->prev)
		j->prev->next = j->next;
	else
		S->head = j->next;
	if (j->next)
		j->next->prev = j->prev;
	else
		S->tail = j->prev;
	S->nlive--;
	dm_job_free(j);
}

int
dm_job_ordered(const struct dm_sched *S)
{
	return !S->o->unordered && S->ckpt == NULL &&
	    S->o->halt != DM_HALT_FIRST_SUCCESS;
}

/* A finished or cancelled job leaves at once, unless it holds its place
 * in the output order. */
static void
drop(struct dm_sched *S, struct dm_job *j)
{
	j->state = DM_JOB_DROPPED;
	dm_rej_discard(j);
	if (!dm_job_ordered(S))
		unlink_job(S, j);
}

void
dm_job_new(struct dm_sched *S, struct dm_block *b)
{
	const struct dm_runopts *o = S->o;
	struct dm_job *j;
	size_t n = b->len;
	int done, status, i;

	if (o->files) {
		/* The line without its end, "\n" or a CRLF file's "\r\n":
		 * any other CR is the line's own, passed on as it is. */
		if (n > 0 && b->buf[n - 1] == '\n') {
			n--;
			if (n > 0 && b->buf[n - 1] == '\r')
				n--;
		}
		if (n == 0) {
			dm_block_free(b->buf, b->cap);
			return;
		}
	}
	j = dm_xcalloc(1, sizeof *j);
	j->seq = ++S->nseq;
	j->off = b->off;
	j->line = b->line;
	j->len = b->len;
	j->in = b->buf;
	j->inlen = n;
	j->incap = b->cap;
	j->fin = j->fout = j->ferr = -1;
	j->out = (struct dm_held)DM_HELD_INIT;
	dm_buf_init(&j->errpart);
	for (i = 0; i < DM_RUN_TAILN; i++)
		dm_buf_init(&j->tail[i]);
	if (S->ckpt) {
		if (j->in != NULL)
			j->hash = dm_hash64(j->in, j->inlen);
		else if (dm_cutter_hash(&S->cut, j->off, j->inlen,
		    &j->hash) < 0) {
			S->fatal = 1;
			dm_job_free(j);
			return;
		}
		done = dm_ckpt_done(S->ckpt, j->seq, j->off, j->len, j->hash,
		    &status);
		if (done != 0) {
			if (done < 0)
				S->fatal = 1;
			/* the run exits as one uninterrupted run would */
			if (done > 0 && status == 1)
				S->rejects = 1;
			S->nskipped++;
			S->bytesdone += j->len;
			S->bytesskipped += j->len;
			dm_job_free(j);
			return;
		}
	}
	if (o->files)
		filescmd(j, o->command, j->in, j->inlen);
	else {
		j->cmd = dm_xstrdup(o->command);
		j->run = dm_run_pipefail(j->cmd);
	}
	j->state = DM_JOB_QUEUED;
	j->prev = S->tail;
	if (S->tail)
		S->tail->next = j;
	else
		S->head = j;
	S->tail = j;
	S->nlive++;
}

void
dm_job_launch(struct dm_sched *S, struct dm_jobslot *s, struct dm_job *j)
{
	if (j->moved) {
		dm_runlog_moved(j, s->host);
		j->moved = NULL;
	}
	j->pid = 0;
	j->fin = j->fout = j->ferr = -1;
	j->sent = 0;
	j->reaped = j->timedout = j->killed = j->lost = j->stopped = 0;
	j->termsig = 0;
	j->wstatus = 0;
	j->ntail = 0;
	j->sigmsg[0] = '\0';
	dm_buf_reset(&j->errpart);
	j->errcut = 0;
	j->errlen = 0;
	j->killat = 0;
	j->slot = s;
	s->job = j;
	/* a job that reads its block itself counts its lines when it
	 * must (runattempt.c); others have theirs counted now */
	if (j->line == DM_LINE_LATER && !DM_LINES_BY_JOB(S))
		j->line = dm_cutter_lineat(&S->cut, j->off);
	/* a number of its own even after a move (tries is given back
	 * then): on hosts that share /tmp, the lost attempt's wrapper may
	 * still be there, and must never clean up the new one's files */
	j->attempt++;
	s->host->be->start(S, s, j);
	j->state = DM_JOB_RUNNING;
	j->tries++;
	j->t0 = dm_now();
	j->wall0 = wallclock();
	j->deadline = S->o->timeout > 0 ? j->t0 + S->o->timeout : 0;
	S->nrunning++;
}

void
dm_job_stop(struct dm_sched *S, struct dm_job *j, int killed, int quiet)
{
	if (j->state != DM_JOB_RUNNING || j->reaped)
		return;
	if (killed)
		j->killed = 1;
	if (!j->stopped) {
		j->stopped = 1;
		j->slot->host->be->stop(S, j, quiet);
	}
	dm_fd_close(&j->fin);
}

void
dm_job_stopall(struct dm_sched *S)
{
	struct dm_job *j;
	int i;

	for (j = S->head; j; j = j->next)
		dm_job_stop(S, j, 1, 1);
	for (i = 0; i < S->nhosts; i++)
		if (S->hosts[i].be->stopall)
			S->hosts[i].be->stopall(S, &S->hosts[i]);
}

/* ---- output ---- */

/* After a write error on standard output. */
static void
emitfail(struct dm_sched *S)
{
	if (errno == EPIPE) {
		/* The reader went away (| head): end quietly. */
		dm_attempt_killall(S);
		signal(SIGPIPE, SIG_DFL);
		raise(SIGPIPE);
		_exit(DM_EXIT_ERROR);
	}
	dm_warnx_errno("write error");
	S->fatal = 1;
}

static void
emit(struct dm_sched *S, struct dm_job *j)
{
	if (dm_held_write(&j->out, 1) < 0)
		emitfail(S);
}

/*
 * Where a succeeded job's output goes, once its turn has come (at once,
 * unless outputs keep input order): under --halt first-success, the first
 * output there is, and the run stops; with --output-dir, its part file;
 * else standard output. rejects: the job exited 1.
 */
static void
deliver(struct dm_sched *S, struct dm_job *j, int rejects)
{
	if (S->o->halt == DM_HALT_FIRST_SUCCESS) {
		if (j->out.len > 0 && !S->found) {
			emit(S, j);
			dm_rej_deliver(S, j);
			S->found = 1;
			S->halting = 1;
			dm_job_stopall(S);
		}
	} else if (S->ckpt) {
		/* the part's records are in place before the part */
		if ((j->rejpath != NULL && dm_ckpt_rejects(S->ckpt, j->seq,
		    j->rejpath) < 0) || dm_ckpt_commit(S->ckpt, j->seq, j->off,
		    j->len, j->hash, rejects, &j->out) < 0)
			S->fatal = 1;
		dm_rej_discard(j);
	} else {
		emit(S, j);
		dm_rej_deliver(S, j);
	}
}

/*
 * In input order, the output of the finished jobs at the head goes to
 * standard output a piece at a time, at most EMITMAX bytes a call, so
 * that the loop moves the running jobs' bytes between pieces: written
 * whole, a job's output (up to a block's worth) into a pipe would keep
 * dm-run away from the jobs' pipes until the reader had taken it all,
 * and the jobs would stop with their pipes full. Each piece lets go of
 * the memory it came from.
 */
#define EMITMAX	(1024 * 1024)

void
dm_job_emit_ordered(struct dm_sched *S)
{
	size_t left = EMITMAX;
	struct dm_job *j;
	unsigned long long was;
	int r, unread;

	if (S->outpipe > 0 && ioctl(1, FIONREAD, &unread) == 0) {
		/* as much as fits: poll tells when there is room again;
		 * the jobs left out still go (nothing would poll for them) */
		if (unread >= S->outpipe)
			left = 0;
		else if ((size_t)(S->outpipe - unread) < left)
			left = (size_t)(S->outpipe - unread);
	}

	while ((j = S->head) != NULL && (j->state == DM_JOB_DONE ||
	    j->state == DM_JOB_DROPPED)) {
		/* After --halt now-failure the output ends before the first
		 * block that did not complete, as after a signal: what came
		 * after such a gap would read as a whole run's cut short. */
		if (j->state == DM_JOB_DROPPED && S->halting &&
		    S->o->halt == DM_HALT_NOW_FAILURE)
			S->gap = 1;
		if (j->state == DM_JOB_DONE && !S->fatal && !S->gap) {
			if (left == 0)
				return;
			was = j->out.done;
			if ((r = dm_held_emit(&j->out, 1, left)) < 0) {
				emitfail(S);
				return;
			}
			left -= (size_t)(j->out.done - was);
			if (r == 0)
				return;
			dm_rej_deliver(S, j);
		}
		unlink_job(S, j);
	}
}

int
dm_job_emitting(const struct dm_sched *S)
{
	return S->head != NULL && S->head->state == DM_JOB_DONE &&
	    !S->fatal && !S->gap && dm_job_ordered(S);
}

/* ---- an attempt ends ---- */

void
dm_job_finish(struct dm_sched *S, struct dm_job *j)
{
	const struct dm_runopts *o = S->o;
	struct dm_runhost *h = j->slot->host;
	enum dm_end end;
	double t = dm_now();

	if (j->sigmsg[0] != '\0')
		dm_attempt_errlines(j, j->sigmsg, strlen(j->sigmsg), 0);
	dm_attempt_errlines(j, "", 0, 1);
	dm_fd_close(&j->fin);
	/* a host's command that died of a signal, as its wrapper said
	 * (ssh exits 128 + N for it): the death, as a local job's */
	if (j->termsig > 0 && WIFEXITED(j->wstatus) &&
	    WEXITSTATUS(j->wstatus) == 128 + j->termsig)
		j->wstatus = j->termsig;
	j->termsig = 0;
	j->sigmark = NULL;
	/* what the job wrote into its held output itself */
	if (dm_held_filed(&j->out) < 0)
		S->fatal = 1;
	end = h->be->classify(S, j);
	/* a rejected line from a host that could not be kept (reported) */
	if (j->rejfail && (end == DM_END_OK || end == DM_END_REJECTS))
		end = DM_END_FAILED;
	j->rejfail = 0;
	j->rejmark = NULL;
	if (S->joblog >= 0)
		dm_joblog_line(S, j, t - j->t0);
	j->slot->job = NULL;
	j->slot = NULL;
	S->nrunning--;
	if (j->killed) {
		/* stopped by a halt or a signal: neither success nor failure;
		 * a block --halt now-failure leaves out is named (first-success
		 * stops the others by design, a signal the whole run) */
		if (S->halting && o->halt == DM_HALT_NOW_FAILURE)
			dm_runlog_halted(S, j);
		drop(S, j);
		return;
	}
	if (end == DM_END_HOSTFAIL && j->hostfails < DM_RUN_HOSTFAILS_MAX) {
		/* not the job's fault: it goes elsewhere, its retries kept */
		dm_held_clear(&j->out);
		dm_rej_discard(j);
		j->tries--;
		j->hostfails++;
		j->avoid = h;
		j->moved = h;
		j->state = DM_JOB_QUEUED;
		if (++h->fails >= 2 && !h->down)
			dm_runhost_down(S, h, "ssh exited 255");
		return;
	}
	if (end != DM_END_HOSTFAIL)
		h->fails = 0;
	if (end == DM_END_OK || end == DM_END_REJECTS) {
		if (h->be->collect && h->be->collect(S, j) < 0) {
			S->fatal = 1;
			drop(S, j);
			return;
		}
	}
	if (end == DM_END_FAILED || end == DM_END_HOSTFAIL) {
		j->avoid = h;
		dm_held_clear(&j->out);
		dm_rej_discard(j);
		if (j->tries <= o->retries && !S->halting) {
			dm_runlog_retry(S, j);
			j->state = DM_JOB_QUEUED;
			return;
		}
		dm_runlog_failure(S, j);
		S->failed = 1;
		S->nfailed++;
		drop(S, j);
		if (o->halt == DM_HALT_FIRST_FAILURE)
			S->halting = 1;
		else if (o->halt == DM_HALT_NOW_FAILURE) {
			S->halting = 1;
			dm_job_stopall(S);
		}
		return;
	}
	S->ndone++;
	h->ndone++;
	S->bytesdone += j->len;
	S->donebytes += (double)j->len;
	S->donesecs += t - j->t0;
	if (end == DM_END_REJECTS)
		S->rejects = 1;
	dm_block_free(j->in, j->incap);
	j->in = NULL;
	j->state = DM_JOB_DONE;
	if (!dm_job_ordered(S)) {
		deliver(S, j, end == DM_END_REJECTS);
		drop(S, j);
	}
}

void
dm_job_drop_queued(struct dm_sched *S)
{
	struct dm_job *j, *next;

	for (j = S->head; j; j = next) {
		next = j->next;
		if (j->state == DM_JOB_QUEUED)
			drop(S, j);
	}
}
