/* run.c - dm-run's scheduler: blocks as jobs on slots, one event loop */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend.h"

/*
 * The loop: cut blocks into jobs while there is room (feed), start queued
 * jobs on free slots (launch), move the bytes of the running attempts
 * (io), end the attempts that ended (finish), fire the timers. Only the
 * backends (backend.h) know what kind of host a slot belongs to.
 */

static int selfpipe[2] = { -1, -1 };

static void
wake(void)
{
	int e = errno;
	ssize_t r;

	r = write(selfpipe[1], "", 1);
	(void)r;
	errno = e;
}

static void
on_child(int sig)
{
	(void)sig;
	wake();
}

/* SIGINT and SIGTERM so far */
static volatile sig_atomic_t nstops;

/* As dm_init's handler (a flag, no SA_RESTART), and wakes the loop. */
static void
on_stop(int sig)
{
	dm_interrupted = sig;
	if (nstops < 2)
		nstops++;
	wake();
}

int
dm_run_stderr(const char *p, size_t n, int droppable)
{
	struct pollfd pf;
	ssize_t k;

	while (n > 0) {
		/* the user wants out, as with our own output (dm_run) */
		if (nstops >= 2)
			return -1;
		if ((k = write(2, p, n)) > 0) {
			p += k;
			n -= (size_t)k;
			droppable = 0;	/* begun: a half line would garble */
			continue;
		}
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			/* a non-blocking pipe we were given, full */
			if (droppable)
				return -1;
			pf.fd = 2;
			pf.events = POLLOUT;
			if (poll(&pf, 1, -1) < 0 && errno != EINTR)
				return -1;
			continue;
		}
		return -1;	/* gone: nowhere to say so */
	}
	return 0;
}

/*
 * When standard output is a pipe, it is enlarged as the jobs' pipes are
 * (a refusal costs nothing), and its size returned: output is then
 * written only as far as there is room, so that dm-run never waits on
 * the reader while jobs wait on dm-run. 0 for anything else.
 */
static int
outpipe(void)
{
	struct stat st;
	int n = 0;

#ifdef F_SETPIPE_SZ
	if (fstat(1, &st) < 0 || !S_ISFIFO(st.st_mode))
		return 0;
	if ((n = fcntl(1, F_GETPIPE_SZ)) > 0 && n < 1024 * 1024 &&
	    fcntl(1, F_SETPIPE_SZ, 1024 * 1024) > 0)
		n = fcntl(1, F_GETPIPE_SZ);
#else
	(void)st;
#endif
	return n > 0 ? n : 0;
}

/*
 * A non-blocking standard input (O_NONBLOCK is the open file's, set by
 * whoever shares it, and stays) would make a read fail with EAGAIN. A pipe
 * is opened again, as a file of our own that blocks, which serves the
 * decompressor's reads too; it is opened non-blocking, so that a pipe
 * whose writers are gone never holds the open, and made blocking then.
 * Anything else (a socket) is waited for before each read (runblock.c).
 */
static void
blockingstdin(void)
{
	struct stat st;
	int fl, fd;

	if ((fl = fcntl(0, F_GETFL)) < 0 || !(fl & O_NONBLOCK) ||
	    fstat(0, &st) < 0 || !S_ISFIFO(st.st_mode))
		return;
	if ((fd = open("/proc/self/fd/0", O_RDONLY | O_NONBLOCK)) < 0)
		return;
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) == 0 &&
	    dup2(fd, 0) == 0) {
		close(fd);
		return;
	}
	close(fd);
}

static void
setup(struct dm_sched *S, const struct dm_runopts *o, int argc, char **argv)
{
	struct sigaction sa;
	struct dm_buf set = DM_BUF_INIT;
	size_t n;

	memset(S, 0, sizeof *S);
	S->o = o;
	S->joblog = -1;
	/* known before the hosts open: a backend may size its work by it */
	S->total = o->listed && argc == 0 ? 0 :
	    dm_runlog_inputsize(argc, argv);
	/* before the hosts open: the Slurm backend asks for the records */
	if (dm_rej_open(S) < 0)
		exit(DM_EXIT_ERROR);
	dm_runhosts_init(S);
	dm_runhosts_open(S);
	/* Room for the live jobs: those running, those whose output waits
	 * for its turn, and a couple read ahead. */
	S->window = 2 * S->nslots + 2;
	n = 3 + 3 * (size_t)S->nslots;
	S->pfd = dm_xcalloc(n, sizeof *S->pfd);
	S->pjob = dm_xcalloc(n, sizeof *S->pjob);
	S->pkind = dm_xcalloc(n, sizeof *S->pkind);
	dm_held_budget(o->buffer);
	dm_attempt_env(S);
	if (!o->files)
		dm_runexec_init(S, o->command);

	if (pipe2(selfpipe, O_CLOEXEC | O_NONBLOCK) < 0)
		dm_die("pipe: %s", strerror(errno));
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_stop;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = on_child;
	/* SA_RESTART: a job's end need not cut short a write to stderr
	 * (messages) that waits for room; poll is woken by the pipe. */
	sa.sa_flags = SA_NOCLDSTOP | SA_RESTART;
	sigaction(SIGCHLD, &sa, NULL);
	/* A job that leaves its block unread makes our write fail with EPIPE;
	 * the children get SIGPIPE back (dm_attempt_spawn). */
	signal(SIGPIPE, SIG_IGN);
	/* before the input is read: a fork of little memory */
	dm_attempt_keeper(S->rejdir);

	if (o->joblog)
		dm_joblog_open(S, o->joblog);
	if (o->outdir) {
		if (o->files)
			dm_buf_adds(&set, "files");
		else if (o->lines)
			dm_buf_addf(&set, "lines %llu", o->lines);
		else
			dm_buf_addf(&set, "block %zu", o->block);
		S->ckpt = dm_ckpt_open(o->outdir, o->resume, set.buf, o->command);
		dm_buf_free(&set);
		if (S->ckpt == NULL)
			exit(DM_EXIT_ERROR);
	}
	S->outpipe = outpipe();
	blockingstdin();
	if (o->listed)
		dm_reader_files0(&S->rd, argc, argv);
	else
		dm_reader_init(&S->rd, argc, argv);
	dm_cutter_init(&S->cut, &S->rd, o->block, o->files ? 1 : o->lines);
	/* A simple command of another program never reads DM_RUN_LINE:
	 * the lines of its blocks are not counted. */
	S->cut.count = !o->files &&
	    S->rd.npaths == 1 && (S->dargv == NULL || S->ddm);
	/* Slurm's jobs read their blocks from the spool, written from
	 * memory; every other job has its block moved by this loop. */
	if (!o->files && o->spool == NULL && dm_cutter_inplace(&S->cut) &&
	    !o->blockset && !o->lines && S->ckpt == NULL)
		dm_cutter_guided(&S->cut, S->nslots,
		    S->dranged && o->hosts == NULL);
	S->start = dm_now();
	S->nextprog = S->start + 0.5;
}

/* For a paced cutter, once jobs have been done: the bytes the running
 * jobs have yet to do, at the speed of those done, told to the cutter. */
static void
pace(struct dm_sched *S)
{
	struct dm_job *j;
	double speed, t = dm_now(), ahead = 0, n;

	if (!S->cut.paced || S->donesecs <= 0)
		return;
	speed = S->donebytes / S->donesecs;
	for (j = S->head; j; j = j->next)
		if (j->state == DM_JOB_RUNNING &&
		    (n = (double)j->len - speed * (t - j->t0)) > 0)
			ahead += n;
	dm_cutter_pace(&S->cut, (unsigned long long)ahead);
}

/* Cuts blocks into jobs while there is room; reads without waiting only
 * when no pipe has to be waited on. 1 when the input wants polling. */
static int
feed(struct dm_sched *S)
{
	struct dm_block b;
	struct dm_job *j;
	int queued = 0, n;

	/* Blocks waiting for a slot: one for each free slot, and one more
	 * ready for the next slot that frees; a paced block is cut only
	 * when its slot frees, when its share is known. */
	for (j = S->head; j; j = j->next)
		queued += j->state == DM_JOB_QUEUED;
	while (!S->halting && !S->fatal && !dm_interrupted &&
	    S->nlive < S->window &&
	    queued <= S->nslots - S->nrunning - S->cut.paced &&
	    !dm_cutter_done(&S->cut)) {
		pace(S);
		if (dm_cutter_next(&S->cut, &b)) {
			n = S->nlive;
			dm_job_new(S, &b);
			queued += S->nlive - n;
			continue;
		}
		if (S->cut.eof)
			break;
		if (dm_cutter_fd(&S->cut) >= 0)
			return 1;
		dm_cutter_read(&S->cut);
	}
	return 0;
}

/* Fills free slots of the hosts that are up with queued jobs, in input
 * order; a job whose last attempt failed on a host goes to another one
 * when another is up. */
static void
launch(struct dm_sched *S)
{
	struct dm_jobslot *s;
	struct dm_job *j;
	int k;

	for (k = 0; k < S->nslots && !S->halting && !S->fatal; k++) {
		s = &S->slots[k];
		if (s->job || s->host->down)
			continue;
		for (j = S->head; j; j = j->next)
			if (j->state == DM_JOB_QUEUED && (j->avoid != s->host ||
			    !dm_runhost_otherup(S, s->host)))
				break;
		if (j == NULL)
			continue;
		dm_job_launch(S, s, j);
	}
}

/* At most this much of the input is counted for lines between two polls,
 * so that the jobs' pipes are not left waiting long. */
#define PRECOUNT	(4 * 1024 * 1024)

/*
 * Counts on the lines before the next queued block cut in place, while the
 * jobs run and this process would only wait, so that the block's job does
 * not wait for them at its start. 1 while some are left to count.
 */
static int
precount(struct dm_sched *S)
{
	struct dm_job *j;

	if (DM_LINES_BY_JOB(S))
		return 0;
	for (j = S->head; j; j = j->next)
		if (j->state == DM_JOB_QUEUED && j->line == DM_LINE_LATER)
			return dm_cutter_precount(&S->cut, j->off, PRECOUNT);
	return 0;
}

static void
addpfd(struct dm_sched *S, int *n, int fd, short ev, struct dm_job *j,
    int kind)
{
	S->pfd[*n].fd = fd;
	S->pfd[*n].events = ev;
	S->pfd[*n].revents = 0;
	S->pjob[*n] = j;
	S->pkind[*n] = kind;
	(*n)++;
}

enum { K_SELF, K_INPUT, K_IN, K_OUT, K_ERR, K_STDOUT };

static void
io(struct dm_sched *S, struct dm_job *j, int kind)
{
	char buf[65536];
	ssize_t n;
	long got;
	int i;

	switch (kind) {
	case K_IN:
		if (j->in != NULL)
			n = write(j->fin, j->in + j->sent, j->inlen - j->sent);
		else {
			/* in place: from the file, inside the kernel */
			n = dm_cutter_send(&S->cut, j->fin, j->off + j->sent,
			    j->inlen - j->sent);
			if ((n < 0 && errno != EAGAIN && errno != EINTR &&
			    errno != EPIPE) || (n == 0 && j->sent < j->inlen)) {
				if (n == 0)
					dm_cutter_shorter(&S->cut);
				else
					dm_warnx_errno("%s", S->rd.name);
				S->rd.nerrors++;
				S->fatal = 1;
				return;
			}
		}
		if (n > 0)
			j->sent += (size_t)n;
		/* EPIPE: the job did not read all of its block, which is
		 * its right. */
		if ((n < 0 && errno != EAGAIN && errno != EINTR) ||
		    j->sent == j->inlen)
			dm_fd_close(&j->fin);
		break;
	case K_OUT:
		for (i = 0; i < 8; i++) {
			got = dm_held_fill(&j->out, j->fout);
			if (got == -2) {
				S->fatal = 1;
				return;
			}
			if (got == 0 || (got < 0 && errno != EAGAIN &&
			    errno != EINTR)) {
				dm_fd_close(&j->fout);
				break;
			}
			if (got < 0)
				break;
		}
		break;
	case K_ERR:
		n = read(j->ferr, buf, sizeof buf);
		if (n > 0)
			dm_attempt_errlines(j, buf, (size_t)n, 0);
		else if (n == 0 || (errno != EAGAIN && errno != EINTR))
			dm_fd_close(&j->ferr);
		break;
	}
}

static void
timers(struct dm_sched *S, double t)
{
	struct dm_job *j;

	for (j = S->head; j; j = j->next) {
		if (j->state != DM_JOB_RUNNING || j->reaped)
			continue;
		if (j->deadline > 0 && t >= j->deadline && !j->timedout) {
			j->timedout = 1;
			dm_job_stop(S, j, 0, 0);
		}
		if (j->killat > 0 && t >= j->killat && j->pid > 0) {
			kill(-j->pid, SIGKILL);
			j->killat = t + 3600;
		}
	}
}

/* How long poll may wait: until the next timer, or a backend's tick. */
static int
polltimeout(struct dm_sched *S, double t, double tick)
{
	struct dm_job *j;
	double next = tick > 0 ? tick : -1, d;

	for (j = S->head; j; j = j->next) {
		/* an attempt that could not start has ended already */
		if (j->state == DM_JOB_RUNNING && j->reaped && j->fout < 0 &&
		    j->ferr < 0)
			return 0;
		if (j->state != DM_JOB_RUNNING || j->reaped)
			continue;
		/* Its pipes closed before it became a zombie: SIGCHLD will
		 * wake the loop, but a short timeout costs nothing here. */
		if (j->pid > 0 && j->fout < 0 && j->ferr < 0 && j->fin < 0)
			return 10;
		d = j->killat > 0 ? j->killat :
		    j->deadline > 0 && !j->timedout ? j->deadline : -1;
		if (d >= 0 && (next < 0 || d < next))
			next = d;
	}
	if (S->o->progress && (next < 0 || S->nextprog < next))
		next = S->nextprog;
	if (next < 0)
		return -1;
	return next <= t ? 0 : (int)((next - t) * 1000) + 1;
}

int
dm_run(const struct dm_runopts *o, int argc, char **argv)
{
	struct dm_sched S;
	struct dm_job *j, *next;
	struct pollfd pf;
	char drain[256];
	int np, i, wantin, counting, status, k = 0;
	double t, tick = 0;

	setup(&S, o, argc, argv);
	for (;;) {
		if (dm_interrupted || S.fatal)
			break;
		/* Outputs whose turn has come leave first: a window full of
		 * finished jobs would otherwise stop feed, and with nothing
		 * left to wait for, poll would wait for ever. */
		if (dm_job_ordered(&S))
			dm_job_emit_ordered(&S);
		wantin = feed(&S);
		launch(&S);
		/* a batch backend hands the attempts just started over now */
		tick = dm_runhosts_tick(&S, dm_now());
		if (S.halting)
			dm_job_drop_queued(&S);
		if (dm_job_ordered(&S))
			dm_job_emit_ordered(&S);
		if (S.fatal)
			break;
		if (S.nlive == 0 && (S.halting || dm_cutter_done(&S.cut)))
			break;
		if (!dm_runhost_otherup(&S, NULL) && S.nrunning == 0) {
			/* every host is down and nothing runs: waiting for
			 * one to come back would hang a cron job */
			dm_warn("no host is up");
			S.fatal = 1;
			break;
		}

		counting = precount(&S);
		np = 0;
		addpfd(&S, &np, selfpipe[0], POLLIN, NULL, K_SELF);
		if (wantin)
			addpfd(&S, &np, dm_cutter_fd(&S.cut), POLLIN, NULL,
			    K_INPUT);
		/* the next piece of output is written when there is room */
		if (dm_job_emitting(&S))
			addpfd(&S, &np, 1, POLLOUT, NULL, K_STDOUT);
		for (j = S.head; j; j = j->next) {
			if (j->state != DM_JOB_RUNNING)
				continue;
			if (j->fin >= 0)
				addpfd(&S, &np, j->fin, POLLOUT, j, K_IN);
			if (j->fout >= 0)
				addpfd(&S, &np, j->fout, POLLIN, j, K_OUT);
			if (j->ferr >= 0)
				addpfd(&S, &np, j->ferr, POLLIN, j, K_ERR);
		}
		if (poll(S.pfd, (nfds_t)np, counting ? 0 :
		    polltimeout(&S, dm_now(), tick)) < 0 &&
		    errno != EINTR)
			dm_die("poll: %s", strerror(errno));
		for (i = 0; i < np && !S.fatal; i++) {
			if (S.pfd[i].revents == 0)
				continue;
			switch (S.pkind[i]) {
			case K_SELF:
				while (read(selfpipe[0], drain, sizeof drain) > 0)
					;
				break;
			case K_INPUT:
				dm_cutter_read(&S.cut);
				break;
			case K_STDOUT:
				break;
			default:
				io(&S, S.pjob[i], S.pkind[i]);
			}
		}
		dm_attempt_reap(&S);
		t = dm_now();
		timers(&S, t);
		tick = dm_runhosts_tick(&S, t);
		for (j = S.head; j; j = next) {
			next = j->next;
			/* A stopped attempt's output is not wanted, and over a
			 * shared ssh connection the master holds its pipes
			 * until the remote command ends: once the attempt's
			 * own process is gone, its pipes are let go. */
			if (j->state == DM_JOB_RUNNING && j->reaped &&
			    j->stopped) {
				dm_fd_close(&j->fout);
				dm_fd_close(&j->ferr);
			}
			if (j->state == DM_JOB_RUNNING && j->reaped &&
			    j->fout < 0 && j->ferr < 0)
				dm_job_finish(&S, j);
		}
		if (o->progress && t >= S.nextprog)
			dm_runlog_progress(&S, 0);
	}

	if (dm_interrupted || S.fatal) {
		dm_attempt_killall(&S);
		/* the attempts stopped have their lines too */
		for (j = S.head; j && S.joblog >= 0; j = j->next)
			if (j->state == DM_JOB_RUNNING && j->reaped)
				dm_joblog_line(&S, j, dm_now() - j->t0);
	}
	/* A job's output is written whole or not at all, a signal or not.
	 * A reader that has stopped reading would hold dm-run here for ever:
	 * a second signal ends it, by the signal's own action, once the
	 * jobs are stopped (or before the write, when it came while they
	 * were stopped). */
	if (dm_interrupted && !S.fatal && dm_job_emitting(&S) &&
	    S.head->out.done > 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		while (nstops < 2 &&
		    (k = dm_held_emit(&S.head->out, 1, SIZE_MAX)) == 0) {
			/* a non-blocking standard output that is full */
			pf.fd = 1;
			pf.events = POLLOUT;
			(void)poll(&pf, 1, -1);
		}
		if (k > 0)
			dm_rej_deliver(&S, S.head);
	}
	if (o->progress)
		dm_runlog_progress(&S, 1);
	if (S.rd.nerrors)
		S.failed = 1;
	if (S.ckpt && !S.failed && !S.fatal && !S.halting && !dm_interrupted &&
	    (dm_ckpt_finish(S.ckpt, S.nseq) < 0 || (S.rejfd >= 0 &&
	    dm_ckpt_gather(S.ckpt, S.nseq, S.rejfd, o->rejects) < 0)))
		S.fatal = 1;
	dm_rej_close(&S);

	if (dm_interrupted)
		status = 128 + dm_interrupted;
	else if (S.fatal || (S.failed && !S.found))
		status = DM_EXIT_ERROR;
	else if (S.found)
		status = DM_EXIT_OK;
	else
		status = S.rejects ? DM_EXIT_REJECTS : DM_EXIT_OK;

	dm_runlog_report(&S);
	dm_runhosts_close(&S);

	while ((j = S.head) != NULL) {
		S.head = j->next;
		dm_job_free(j);
	}
	dm_cutter_free(&S.cut);
	dm_reader_free(&S.rd);
	dm_ckpt_free(S.ckpt);
	if (S.joblog >= 0)
		close(S.joblog);
	free(S.slots);
	dm_runexec_free(&S);
	free(S.envp);
	free(S.pfd);
	free(S.pjob);
	free(S.pkind);
	return status;
}
