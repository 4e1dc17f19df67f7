/* run.c - dm-run's scheduler: blocks as jobs on slots, one event loop */
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dm.h"
#include "report.h"

extern char **environ;

#define GRACE		2.0	/* seconds between SIGTERM and SIGKILL */
#define TAILN		5	/* stderr lines kept for the failure message */
#define TAILMAX		400	/* bytes kept of each of them */

#define PROBE_MS	20000	/* a probe or a remote kill gives up after */
#define SHIPDIR		".cache/dm/" DM_VERSION

/*
 * A host runs jobs on its slots: this machine (":"), or an ssh host (h set,
 * h->name not NULL), whose slots run the same jobs through the same event
 * loop: only attempt_argv, classify and stop know what kind of host a slot
 * belongs to. A host that fails twice in a row (ssh's 255) is down: no job
 * is launched there until a probe, --host-retry later, finds it up again.
 */
struct host {
	const char	*name;		/* as written, without N/: messages, log */
	const struct dm_host *h;	/* NULL, or h->name NULL: this machine */
	int		 nslots;
	int		 down;
	int		 refused;	/* never usable (cannot ship there) */
	int		 fails;		/* host failures in a row */
	double		 retryat;
	unsigned long long ndone;	/* jobs that succeeded here */
};

struct slot {
	struct host	*host;
	int		 id;		/* 1-based: DM_SLOT */
	struct job	*job;		/* the attempt running here, or NULL */
};

enum jstate {
	J_QUEUED,	/* waiting for a slot (new, or to be retried) */
	J_RUNNING,
	J_DONE,		/* succeeded; output held until its turn */
	J_DROPPED	/* failed for good, or cancelled by a halt */
};

/* What an attempt came to (classify). A host failure (ssh's 255 on an ssh
 * host) moves the job elsewhere without using up a retry. */
enum outcome { O_OK, O_REJECTS, O_FAILED, O_HOSTFAIL };

struct job {
	unsigned long long seq;		/* 1-based: DM_JOB, part number */
	unsigned long long off, len;	/* input byte range */
	uint64_t	 hash;		/* of the input bytes, for --output-dir */
	char		*in;		/* the block; files mode: the line */
	size_t		 inlen;
	char		*cmd;		/* the command it runs */
	int		 tries;		/* attempts started */
	int		 hostfails;	/* attempts lost with their host */
	struct host	*avoid;		/* where the last attempt failed */
	struct host	*moved;		/* lost with this host: say where it goes */
	enum jstate	 state;
	struct job	*prev, *next;	/* live jobs in input order */
	/* the running attempt */
	struct slot	*slot;
	pid_t		 pid;
	int		 fin, fout, ferr;
	size_t		 sent;
	int		 reaped, wstatus, timedout, killed;
	int		 lost;		/* stopped because its host went down */
	double		 t0, wall0, deadline, killat;
	struct dm_held	 out;
	struct dm_buf	 errpart;	/* stderr after its last newline */
	struct dm_buf	 tail[TAILN];	/* its last stderr lines */
	int		 ntail;
};

struct run {
	const struct dm_runopts *o;
	struct host	 local;
	struct host	*hosts;		/* --hosts: one per entry; else &local */
	int		 nhosts;
	struct dm_ssh	 ssh;
	int		 usessh;
	char		**envpairs;	/* --env NAME=VALUE for ssh hosts */
	struct dm_buf	 tar;		/* --ship: this dm as a tar stream */
	struct slot	*slots;
	int		 nslots;
	struct dm_reader rd;
	struct dm_cutter cut;
	struct dm_ckpt	*ckpt;
	struct job	*head, *tail;	/* live jobs, in input order */
	int		 nlive, window, nrunning;
	unsigned long long nseq;	/* blocks cut so far */
	unsigned long long ndone, nfailed, nskipped, nretries;
	unsigned long long bytesdone, total;
	int		 halting;	/* stop reading and launching */
	int		 found;		/* --halt first-success succeeded */
	int		 rejects, failed, fatal;
	int		 joblog;
	char		**envp;
	size_t		 nenv;
	double		 start, nextprog;
	struct pollfd	*pfd;
	struct job	**pjob;
	int		*pkind;
};

static int selfpipe[2] = { -1, -1 };

static int	anyup(const struct run *);
static void	closehosts(struct run *);

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double
wallclock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

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

/* As dm_init's handler (a flag, no SA_RESTART), and wakes the loop. */
static void
on_stop(int sig)
{
	dm_interrupted = sig;
	wake();
}

static void
nonblock(int fd)
{
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

static void
closefd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* ---- the job log ---- */

static void
joblog_open(struct run *R, const char *path)
{
	static const char hdr[] = "Seq\tHost\tSlot\tStarttime\tJobRuntime\t"
	    "Send\tReceive\tExitval\tSignal\tCommand\n";
	struct stat st;

	R->joblog = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0666);
	if (R->joblog < 0 || fstat(R->joblog, &st) < 0)
		dm_die("%s: %s", path, strerror(errno));
	if (st.st_size == 0 && write(R->joblog, hdr, sizeof hdr - 1) < 0)
		dm_die("%s: write error: %s", path, strerror(errno));
}

static void
joblog_line(struct run *R, struct job *j, double runtime)
{
	struct dm_buf b = DM_BUF_INIT;
	const char *p;
	int code = 0, sig = 0;

	if (WIFEXITED(j->wstatus))
		code = WEXITSTATUS(j->wstatus);
	else if (WIFSIGNALED(j->wstatus))
		sig = WTERMSIG(j->wstatus);
	dm_buf_addf(&b, "%llu\t%s\t%d\t%.3f\t%.3f\t%zu\t%llu\t%d\t%d\t", j->seq,
	    j->slot->host->name, j->slot->id, j->wall0, runtime, j->sent,
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
	if (write(R->joblog, b.buf, b.len) != (ssize_t)b.len) {
		dm_warnx_errno("%s: write error", R->o->joblog);
		R->fatal = 1;
	}
	dm_buf_free(&b);
}

/* ---- jobs ---- */

/* Files mode: {} replaced by the line, shell-quoted; without {}, the quoted
 * line goes after a space, as GNU parallel does. */
static char *
filescmd(const char *cmd, const char *line, size_t n)
{
	struct dm_buf b = DM_BUF_INIT;
	const char *p, *q;
	char *arg = dm_xstrndup(line, n);
	int any = 0;

	for (p = cmd; (q = strstr(p, "{}")) != NULL; p = q + 2) {
		dm_buf_add(&b, p, (size_t)(q - p));
		dm_buf_addshell(&b, arg);
		any = 1;
	}
	dm_buf_adds(&b, p);
	if (!any) {
		dm_buf_addc(&b, ' ');
		dm_buf_addshell(&b, arg);
	}
	free(arg);
	return dm_buf_detach(&b, NULL);
}

static void
job_free(struct job *j)
{
	int i;

	free(j->in);
	free(j->cmd);
	dm_held_clear(&j->out);
	dm_buf_free(&j->errpart);
	for (i = 0; i < TAILN; i++)
		dm_buf_free(&j->tail[i]);
	free(j);
}

static void
unlink_job(struct run *R, struct job *j)
{
	if (j->prev)
		j->prev->next = j->next;
	else
		R->head = j->next;
	if (j->next)
		j->next->prev = j->prev;
	else
		R->tail = j->prev;
	R->nlive--;
	job_free(j);
}

/* Whether outputs wait for their turn in input order. */
static int
ordered(const struct run *R)
{
	return !R->o->unordered && R->ckpt == NULL &&
	    R->o->halt != DM_HALT_FIRST_SUCCESS;
}

/* A finished or cancelled job leaves at once, unless it holds its place
 * in the output order. */
static void
drop(struct run *R, struct job *j)
{
	j->state = J_DROPPED;
	if (!ordered(R))
		unlink_job(R, j);
}

/* Turns a block into a job, or skips it when --resume finds its part. */
static void
newjob(struct run *R, struct dm_block *b)
{
	const struct dm_runopts *o = R->o;
	struct job *j;
	size_t n = b->len;
	int done, i;

	if (o->files) {
		while (n > 0 && (b->buf[n - 1] == '\n' || b->buf[n - 1] == '\r'))
			n--;
		if (n == 0) {
			free(b->buf);
			return;
		}
	}
	j = dm_xcalloc(1, sizeof *j);
	j->seq = ++R->nseq;
	j->off = b->off;
	j->len = b->len;
	j->in = b->buf;
	j->inlen = n;
	j->fin = j->fout = j->ferr = -1;
	j->out = (struct dm_held)DM_HELD_INIT;
	dm_buf_init(&j->errpart);
	for (i = 0; i < TAILN; i++)
		dm_buf_init(&j->tail[i]);
	if (R->ckpt) {
		j->hash = dm_hash64(j->in, j->inlen);
		done = dm_ckpt_done(R->ckpt, j->seq, j->off, j->len, j->hash);
		if (done != 0) {
			if (done < 0)
				R->fatal = 1;
			R->nskipped++;
			R->bytesdone += j->len;
			job_free(j);
			return;
		}
	}
	if (o->files) {
		j->cmd = filescmd(o->command, j->in, j->inlen);
	} else
		j->cmd = dm_xstrdup(o->command);
	j->state = J_QUEUED;
	j->prev = R->tail;
	if (R->tail)
		R->tail->next = j;
	else
		R->head = j;
	R->tail = j;
	R->nlive++;
}

/* ---- attempts ---- */

/*
 * The argv that runs job j on slot s. On this machine: /bin/sh -c COMMAND.
 * An ssh host builds ssh ... host 'sh -c ...' here, and nothing else in the
 * loop changes.
 */
static int
remote(const struct host *h)
{
	return h->h && h->h->name;
}

static char **
attempt_argv(struct run *R, const struct slot *s, const struct job *j,
    char *local[4])
{
	const char *const compress[] = { "-o", "Compression=yes", NULL };
	struct dm_buf cmd = DM_BUF_INIT;
	char **v;

	if (!remote(s->host)) {
		local[0] = "/bin/sh";
		local[1] = "-c";
		local[2] = j->cmd;
		local[3] = NULL;
		return local;
	}
	dm_remote_job(&cmd, &R->ssh, j->cmd, (unsigned long)j->seq,
	    (unsigned)j->tries + 1, s->id, R->envpairs,
	    R->o->ship ? SHIPDIR : NULL);
	v = dm_ssh_argv(&R->ssh, s->host->h, cmd.buf,
	    R->o->compress ? compress : NULL);
	dm_buf_free(&cmd);
	return v;
}

/* What an attempt came to, from how its process ended. */
static enum outcome
classify(const struct slot *s, const struct job *j)
{
	if (j->lost)
		return O_HOSTFAIL;
	if (j->timedout || j->killed || !WIFEXITED(j->wstatus))
		return O_FAILED;
	/* ssh's own failure; a command that exits 255 looks the same, and
	 * is moved too, as GNU parallel does */
	if (remote(s->host) && WEXITSTATUS(j->wstatus) == 255)
		return O_HOSTFAIL;
	switch (WEXITSTATUS(j->wstatus)) {
	case 0:
		return O_OK;
	case 1:
		return O_REJECTS;
	default:
		return O_FAILED;
	}
}

static void
setenvp(struct run *R, const struct job *j, const struct slot *s,
    char *jobvar, char *slotvar, char *attvar)
{
	snprintf(jobvar, 32, "DM_JOB=%llu", j->seq);
	snprintf(slotvar, 32, "DM_SLOT=%d", s->id);
	snprintf(attvar, 32, "DM_ATTEMPT=%d", j->tries + 1);
	R->envp[R->nenv] = jobvar;
	R->envp[R->nenv + 1] = slotvar;
	R->envp[R->nenv + 2] = attvar;
	R->envp[R->nenv + 3] = NULL;
}

static void
pipesize(int fd)
{
#ifdef F_SETPIPE_SZ
	/* Fewer, larger reads and writes; a refusal costs nothing. */
	fcntl(fd, F_SETPIPE_SZ, 1024 * 1024);
#else
	(void)fd;
#endif
}

/* Starts an attempt of j on s: its stdin the block (or /dev/null in files
 * mode), stdout and stderr pipes to the loop, in a process group of its own
 * so that it can be stopped whole. */
static void
launch(struct run *R, struct slot *s, struct job *j)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t def, none;
	char *local[4], **argv, jobvar[32], slotvar[32], attvar[32];
	int in[2] = { -1, -1 }, out[2], err[2], e;

	if (j->moved) {
		const char *why = j->lost ? "is down" : "ssh exited 255";

		if (j->moved != s->host)
			dm_warn("host '%s': %s; job %llu moved to '%s'",
			    j->moved->name, why, j->seq, s->host->name);
		else
			dm_warn("host '%s': %s; job %llu tried there again",
			    j->moved->name, why, j->seq);
		j->moved = NULL;
	}

	if ((!R->o->files && pipe2(in, O_CLOEXEC) < 0) ||
	    pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0)
		dm_die("pipe: %s", strerror(errno));
	posix_spawn_file_actions_init(&fa);
	if (R->o->files)
		posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	else
		posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	posix_spawn_file_actions_adddup2(&fa, err[1], 2);
	posix_spawnattr_init(&at);
	sigemptyset(&def);
	sigaddset(&def, SIGPIPE);
	sigaddset(&def, SIGINT);
	sigaddset(&def, SIGTERM);
	sigaddset(&def, SIGCHLD);
	sigemptyset(&none);
	posix_spawnattr_setsigdefault(&at, &def);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setpgroup(&at, 0);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP |
	    POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
	argv = attempt_argv(R, s, j, local);
	setenvp(R, j, s, jobvar, slotvar, attvar);
	e = posix_spawnp(&j->pid, argv[0], &fa, &at, argv, R->envp);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	if (in[0] >= 0)
		close(in[0]);
	close(out[1]);
	close(err[1]);
	if (e != 0)
		dm_die("%s: %s", argv[0], strerror(e));
	if (argv != local)
		dm_argv_free(argv);
	j->fin = in[1];
	j->fout = out[0];
	j->ferr = err[0];
	if (j->fin >= 0) {
		pipesize(j->fin);
		nonblock(j->fin);
	}
	pipesize(j->fout);
	nonblock(j->fout);
	nonblock(j->ferr);
	j->slot = s;
	s->job = j;
	j->state = J_RUNNING;
	j->tries++;
	j->sent = 0;
	j->reaped = j->timedout = j->killed = j->lost = 0;
	j->ntail = 0;
	dm_buf_reset(&j->errpart);
	j->t0 = now();
	j->wall0 = wallclock();
	j->deadline = R->o->timeout > 0 ? j->t0 + R->o->timeout : 0;
	j->killat = 0;
	R->nrunning++;
}

/* Runs the command line cmd on h through its connection and waits for
 * it, in[0..n) on its stdin; the status, as dm_spawn_capture gives it. */
static int
onhost(struct run *R, const struct host *h, const char *cmd, const char *in,
    size_t n, struct dm_buf *out, struct dm_buf *err, int timeout_ms)
{
	char **v = dm_ssh_argv(&R->ssh, h->h, cmd, NULL);
	int st = dm_spawn_capture(v, in, n, out, err, timeout_ms);

	dm_argv_free(v);
	return st;
}

/* Stops the attempts of job (every job of this run when job < 0) on h. */
static void
remotekill(struct run *R, struct host *h, long job)
{
	struct dm_buf cmd = DM_BUF_INIT;

	dm_remote_kill(&cmd, &R->ssh, job);
	(void)onhost(R, h, cmd.buf, NULL, 0, NULL, NULL, PROBE_MS);
	dm_buf_free(&cmd);
}

/* Stops an attempt: SIGTERM to its process group, SIGKILL after GRACE; on
 * an ssh host, the remote command too (R given: one job; NULL: stopall
 * stops a host's jobs at once). */
static void
stop(struct run *R, struct job *j, int killed)
{
	if (j->state != J_RUNNING || j->reaped)
		return;
	if (killed)
		j->killed = 1;
	if (j->killat == 0) {
		kill(-j->pid, SIGTERM);
		j->killat = now() + GRACE;
		/* ssh's end does not stop the remote command: a second
		 * ssh does (stopall does it once a host) */
		if (remote(j->slot->host) && R && !j->slot->host->down)
			remotekill(R, j->slot->host, (long)j->seq);
	}
	closefd(&j->fin);
}

static void
stopall(struct run *R)
{
	struct job *j;
	int i, k;

	for (j = R->head; j; j = j->next)
		stop(NULL, j, 1);
	for (i = 0; i < R->nhosts; i++) {
		if (!remote(&R->hosts[i]) || R->hosts[i].down)
			continue;
		for (k = 0; k < R->nslots; k++)
			if (R->slots[k].host == &R->hosts[i] && R->slots[k].job)
				break;
		if (k < R->nslots)
			remotekill(R, &R->hosts[i], -1);
	}
}

/* ---- stderr of the jobs ---- */

static void
keeptail(struct job *j, const char *p, size_t n)
{
	struct dm_buf *t;
	int i;

	if (j->ntail == TAILN) {
		/* oldest first: rotate */
		struct dm_buf first = j->tail[0];

		for (i = 1; i < TAILN; i++)
			j->tail[i - 1] = j->tail[i];
		j->tail[TAILN - 1] = first;
		t = &j->tail[TAILN - 1];
	} else
		t = &j->tail[j->ntail++];
	dm_buf_reset(t);
	dm_buf_addquoted(t, p, n, TAILMAX);
}

/* Passes whole lines of a job's stderr through, one write for all of
 * them, so that lines of parallel jobs never mix. */
static void
errlines(struct job *j, const char *p, size_t n, int eof)
{
	const char *q, *nl, *end;
	struct dm_buf *b = &j->errpart;
	ssize_t r;

	dm_buf_add(b, p, n);
	if (eof && b->len > 0 && b->buf[b->len - 1] != '\n')
		dm_buf_addc(b, '\n');
	end = b->buf + b->len;
	for (q = b->buf; (nl = memchr(q, '\n', (size_t)(end - q))) != NULL;
	    q = nl + 1)
		keeptail(j, q, (size_t)(nl - q));
	if (q > b->buf) {
		r = write(2, b->buf, (size_t)(q - b->buf));
		(void)r;
		memmove(b->buf, q, (size_t)(end - q));
		dm_buf_setlen(b, (size_t)(end - q));
	}
}

/* ---- output ---- */

static void
kill_and_reap(struct run *R)
{
	struct job *j;
	double until = now() + GRACE;
	int left;

	stopall(R);
	for (;;) {
		left = 0;
		for (j = R->head; j; j = j->next) {
			if (j->state != J_RUNNING || j->reaped)
				continue;
			if (waitpid(j->pid, &j->wstatus, WNOHANG) == j->pid)
				j->reaped = 1;
			else
				left++;
		}
		if (left == 0)
			return;
		if (now() > until) {
			for (j = R->head; j; j = j->next)
				if (j->state == J_RUNNING && !j->reaped) {
					kill(-j->pid, SIGKILL);
					waitpid(j->pid, &j->wstatus, 0);
					j->reaped = 1;
				}
			return;
		}
		usleep(10000);
	}
}

static void
emit(struct run *R, struct job *j)
{
	if (dm_held_write(&j->out, 1) == 0)
		return;
	if (errno == EPIPE) {
		/* The reader went away (| head): end quietly. */
		kill_and_reap(R);
		signal(SIGPIPE, SIG_DFL);
		raise(SIGPIPE);
		_exit(DM_EXIT_ERROR);
	}
	dm_warnx_errno("write error");
	R->fatal = 1;
}

/* In input order, every job at the head that has finished. */
static void
emit_ordered(struct run *R)
{
	while (R->head && (R->head->state == J_DONE ||
	    R->head->state == J_DROPPED)) {
		if (R->head->state == J_DONE && !R->fatal)
			emit(R, R->head);
		unlink_job(R, R->head);
	}
}

/* ---- an attempt ends ---- */

/* A job lost with its host this many times fails as if it had failed. */
#define HOSTFAILS_MAX	10

/* Marks h down; its running jobs are stopped and go elsewhere, as if the
 * host had dropped them (a host that fails may also hang them). */
static void
hostdown(struct run *R, struct host *h, const char *why)
{
	int k;

	h->down = 1;
	h->retryat = now() + R->o->hostretry;
	dm_warn("host '%s' is down: %s; trying it again in %gs", h->name, why,
	    R->o->hostretry);
	for (k = 0; k < R->nslots; k++)
		if (R->slots[k].host == h && R->slots[k].job &&
		    !R->slots[k].job->reaped) {
			R->slots[k].job->lost = 1;
			stop(NULL, R->slots[k].job, 0);
		}
}

static const char *
plural(int n)
{
	return n == 1 ? "time" : "times";
}

/* "job 7 (input bytes 0-99)", and how its last attempt ended, in b. */
static void
describe(struct run *R, struct job *j, struct dm_buf *b, int failed)
{
	dm_buf_addf(b, "job %llu (", j->seq);
	if (R->o->files) {
		dm_buf_addc(b, '\'');
		dm_buf_addquoted(b, j->in, j->inlen, 200);
		dm_buf_addc(b, '\'');
	} else if (j->len == 0)
		dm_buf_adds(b, "no input bytes");
	else
		dm_buf_addf(b, "input bytes %llu-%llu", j->off,
		    j->off + j->len - 1);
	if (failed)
		dm_buf_addf(b, ") failed %d %s: ", j->tries, plural(j->tries));
	else
		dm_buf_adds(b, "): ");
	if (j->timedout)
		dm_buf_addf(b, "timed out after %gs", R->o->timeout);
	else if (WIFEXITED(j->wstatus))
		dm_buf_addf(b, "exit status %d", WEXITSTATUS(j->wstatus));
	else
		dm_buf_addf(b, "killed by signal %d (%s)", WTERMSIG(j->wstatus),
		    strsignal(WTERMSIG(j->wstatus)));
}

static void
report_retry(struct run *R, struct job *j)
{
	struct dm_buf b = DM_BUF_INIT;

	R->nretries++;
	describe(R, j, &b, 0);
	dm_warn("%s; trying again (%d of %d)", b.buf, j->tries + 1,
	    R->o->retries + 1);
	dm_buf_free(&b);
}

static void
report_failure(struct run *R, struct job *j)
{
	struct dm_buf b = DM_BUF_INIT;
	int i;

	describe(R, j, &b, 1);
	dm_warn("%s", b.buf);
	for (i = 0; i < j->ntail; i++)
		dm_warn("job %llu: %s", j->seq, j->tail[i].buf);
	dm_buf_free(&b);
}

static void
finish(struct run *R, struct job *j)
{
	const struct dm_runopts *o = R->o;
	enum outcome oc;
	double t = now();

	struct host *h = j->slot->host;

	errlines(j, "", 0, 1);
	closefd(&j->fin);
	oc = classify(j->slot, j);
	if (R->joblog >= 0)
		joblog_line(R, j, t - j->t0);
	j->slot->job = NULL;
	j->slot = NULL;
	R->nrunning--;
	if (j->killed) {
		/* stopped by a halt or a signal: neither success nor failure */
		drop(R, j);
		return;
	}
	if (oc == O_HOSTFAIL && j->hostfails < HOSTFAILS_MAX) {
		/* not the job's fault: it goes elsewhere, its retries kept */
		dm_held_clear(&j->out);
		j->tries--;
		j->hostfails++;
		j->avoid = h;
		j->moved = h;
		j->state = J_QUEUED;
		if (++h->fails >= 2 && !h->down)
			hostdown(R, h, "ssh exited 255");
		return;
	}
	if (oc != O_HOSTFAIL)
		h->fails = 0;
	if (oc == O_FAILED || oc == O_HOSTFAIL) {
		j->avoid = h;
		dm_held_clear(&j->out);
		if (j->tries <= o->retries && !R->halting) {
			report_retry(R, j);
			j->state = J_QUEUED;
			return;
		}
		report_failure(R, j);
		R->failed = 1;
		R->nfailed++;
		drop(R, j);
		if (o->halt == DM_HALT_FIRST_FAILURE)
			R->halting = 1;
		else if (o->halt == DM_HALT_NOW_FAILURE) {
			R->halting = 1;
			stopall(R);
		}
		return;
	}
	R->ndone++;
	h->ndone++;
	R->bytesdone += j->len;
	if (oc == O_REJECTS)
		R->rejects = 1;
	free(j->in);
	j->in = NULL;
	j->state = J_DONE;
	if (o->halt == DM_HALT_FIRST_SUCCESS) {
		if (j->out.len > 0 && !R->found) {
			emit(R, j);
			R->found = 1;
			R->halting = 1;
			stopall(R);
		}
		drop(R, j);
	} else if (R->ckpt) {
		if (dm_ckpt_commit(R->ckpt, j->seq, j->off, j->len, j->hash,
		    &j->out) < 0)
			R->fatal = 1;
		drop(R, j);
	} else if (o->unordered) {
		emit(R, j);
		drop(R, j);
	}
}

/* Drops the queued jobs when a halt stops launching. */
static void
drop_queued(struct run *R)
{
	struct job *j, *next;

	for (j = R->head; j; j = next) {
		next = j->next;
		if (j->state == J_QUEUED)
			drop(R, j);
	}
}

static void
reap(struct run *R)
{
	struct job *j;

	pid_t p;

	for (j = R->head; j; j = j->next) {
		if (j->state != J_RUNNING || j->reaped)
			continue;
		p = waitpid(j->pid, &j->wstatus, WNOHANG);
		if (p == j->pid)
			j->reaped = 1;
		else if (p < 0 && errno == ECHILD) {
			/* lost (never ours to wait for): a failed attempt */
			j->wstatus = 127 << 8;
			j->reaped = 1;
		}
	}
}

/* ---- progress ---- */

static void
progress(struct run *R, int last)
{
	struct dm_buf b = DM_BUF_INIT;
	double el = now() - R->start, mbs, eta;
	int tty = isatty(2), i;
	ssize_t r;

	mbs = el > 0 ? R->bytesdone / 1e6 / el : 0;
	if (tty)
		dm_buf_adds(&b, "\r\033[K");
	dm_buf_addf(&b, "%s: %llu done, %d running, %llu failed; %.1f MB, "
	    "%.1f MB/s", dm_prog, R->ndone + R->nskipped, R->nrunning,
	    R->nfailed, R->bytesdone / 1e6, mbs);
	if (R->total > 0 && mbs > 0 && !last) {
		eta = R->total > R->bytesdone ?
		    (R->total - R->bytesdone) / 1e6 / mbs : 0;
		dm_buf_addf(&b, ", ETA %d:%02d:%02d", (int)eta / 3600,
		    (int)eta / 60 % 60, (int)eta % 60);
	}
	/* with hosts: the jobs done on each, and which are down */
	for (i = 0; R->o->hosts && i < R->nhosts; i++)
		dm_buf_addf(&b, "%s %s %llu%s", i ? "," : ";", R->hosts[i].name,
		    R->hosts[i].ndone, R->hosts[i].down ? " (down)" : "");
	if (!tty || last)
		dm_buf_addc(&b, '\n');
	r = write(2, b.buf, b.len);
	(void)r;
	dm_buf_free(&b);
	R->nextprog = now() + (tty ? 0.5 : 10);
}

/* The input's size when it is known: regular, uncompressed files. */
static unsigned long long
inputsize(int argc, char **argv)
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

/* ---- hosts ---- */

/* The entry as written without its slot count: "4/dm@node2:22" gives
 * "dm@node2:22". */
static const char *
hostname(const struct dm_host *h)
{
	const char *slash = strchr(h->spec, '/');

	return h->slots && slash ? slash + 1 : h->spec;
}

/* The last line of what a failed ssh said, for a message. */
static void
lastline(struct dm_buf *why, const struct dm_buf *err)
{
	const char *p = err->buf, *end = err->buf + err->len, *nl;

	while (end > p && (end[-1] == '\n' || end[-1] == '\r'))
		end--;
	for (nl = end; nl > p && nl[-1] != '\n'; nl--)
		;
	if (end > nl) {
		dm_buf_adds(why, ": ");
		dm_buf_addquoted(why, nl, (size_t)(end - nl), 300);
	}
}

static void
statusword(struct dm_buf *why, int st)
{
	if (st < 0)
		dm_buf_addf(why, "ssh could not be started: %s", strerror(errno));
	else if (WIFEXITED(st))
		dm_buf_addf(why, "ssh exited %d", WEXITSTATUS(st));
	else
		dm_buf_addf(why, "ssh killed by signal %d", WTERMSIG(st));
}

/* Runs the probe on h: 0 and *p filled, or -1 with the reason in why. The
 * first ssh to a host also opens its shared connection. */
static int
probe(struct run *R, const struct host *h, struct dm_probe *p,
    struct dm_buf *why)
{
	struct dm_buf cmd = DM_BUF_INIT, out = DM_BUF_INIT, err = DM_BUF_INIT;
	int st, rc = 0;

	dm_remote_probe(&cmd, SHIPDIR);
	st = onhost(R, h, cmd.buf, NULL, 0, &out, &err, PROBE_MS);
	if (st != 0 || dm_remote_parse_probe(out.buf, p) < 0) {
		if (st == 0)
			dm_buf_adds(why, "the probe's output is not understood");
		else {
			statusword(why, st);
			lastline(why, &err);
		}
		rc = -1;
	}
	dm_buf_free(&cmd);
	dm_buf_free(&out);
	dm_buf_free(&err);
	return rc;
}

/* Copies this dm to h when its copy is missing or another version: 0, or
 * -1 with the reason in why (refused: another machine). */
static int
ship(struct run *R, const struct host *h, struct dm_probe *p,
    struct dm_buf *why, int *refused)
{
	struct dm_buf cmd = DM_BUF_INIT, out = DM_BUF_INIT, err = DM_BUF_INIT;
	char want[64];
	int st, rc = 0;

	snprintf(want, sizeof want, "dm %s", DM_VERSION);
	if (strcmp(p->shipped, want) == 0)
		return 0;
	if (strcmp(p->machine, dm_local_machine()) != 0) {
		dm_buf_addf(why, "it is %s and this dm is built for %s: not "
		    "shipping", p->machine, dm_local_machine());
		*refused = 1;
		return -1;
	}
	if (R->tar.len == 0 && dm_ship_tar(&R->tar, why) < 0) {
		/* never half a dm to the next host */
		dm_buf_reset(&R->tar);
		*refused = 1;
		return -1;
	}
	dm_remote_unpack(&cmd, SHIPDIR);
	st = onhost(R, h, cmd.buf, R->tar.buf, R->tar.len, &out, &err,
	    10 * PROBE_MS);
	if (st != 0 || strncmp(out.buf, want, strlen(want)) != 0) {
		dm_buf_adds(why, "shipping failed: ");
		if (st != 0)
			statusword(why, st);
		else
			dm_buf_adds(why, "the copy does not run");
		lastline(why, &err);
		rc = -1;
	} else
		snprintf(p->shipped, sizeof p->shipped, "%s", want);
	dm_buf_free(&cmd);
	dm_buf_free(&out);
	dm_buf_free(&err);
	return rc;
}

/* Probes h (and ships to it with --ship): up, or down with a message. */
static int
hostup(struct run *R, struct host *h, struct dm_probe *p)
{
	struct dm_buf why = DM_BUF_INIT;
	int refused = 0;

	if (probe(R, h, p, &why) < 0 ||
	    (R->o->ship && ship(R, h, p, &why, &refused) < 0)) {
		h->down = 1;
		h->refused = refused;
		h->retryat = now() + R->o->hostretry;
		if (refused)
			dm_warn("host '%s': %s", h->name, why.buf);
		else
			dm_warn("host '%s' is down: %s; trying it again in %gs",
			    h->name, why.buf, R->o->hostretry);
		dm_buf_free(&why);
		return -1;
	}
	h->down = 0;
	h->fails = 0;
	return 0;
}

static void
sethosts(struct run *R)
{
	const struct dm_runopts *o = R->o;
	struct dm_buf err = DM_BUF_INIT;
	struct dm_probe p;
	size_t i, n;
	char **v;

	R->nhosts = (int)o->hosts->n;
	R->hosts = dm_xcalloc(o->hosts->n, sizeof *R->hosts);
	for (i = 0; i < o->hosts->n; i++) {
		R->hosts[i].h = &o->hosts->v[i];
		R->hosts[i].name = hostname(&o->hosts->v[i]);
		if (remote(&R->hosts[i]))
			R->usessh = 1;
	}
	if (R->usessh && dm_ssh_init(&R->ssh, o->ssh, &err) < 0)
		dm_die("%s", err.buf);
	dm_buf_free(&err);
	/* --env: the values of here, for the hosts */
	for (n = 0, v = o->env; v && *v; v++)
		n++;
	R->envpairs = dm_xcalloc(n + 1, sizeof *R->envpairs);
	for (n = 0, v = o->env; v && *v; v++)
		if (getenv(*v)) {
			struct dm_buf b = DM_BUF_INIT;

			dm_buf_addf(&b, "%s=%s", *v, getenv(*v));
			R->envpairs[n++] = dm_buf_detach(&b, NULL);
		}
	for (i = 0; i < (size_t)R->nhosts; i++) {
		struct host *h = &R->hosts[i];

		if (!remote(h)) {
			h->nslots = h->h->slots ? h->h->slots : o->jobs;
			continue;
		}
		memset(&p, 0, sizeof p);
		if (hostup(R, h, &p) == 0)
			h->nslots = h->h->slots ? h->h->slots : p.cores;
		else	/* slots for when it comes back */
			h->nslots = h->h->slots ? h->h->slots : 1;
	}
	if (!anyup(R)) {
		dm_warn("no host is up");
		closehosts(R);
		exit(DM_EXIT_ERROR);
	}
}

/* Probes the hosts that are down and due again. */
static void
retryhosts(struct run *R, double t)
{
	struct dm_probe p;
	int i;

	for (i = 0; i < R->nhosts; i++) {
		struct host *h = &R->hosts[i];

		if (!h->down || h->refused || t < h->retryat || dm_interrupted)
			continue;
		if (hostup(R, h, &p) == 0)
			dm_warn("host '%s' is up again", h->name);
	}
}

static void
closehosts(struct run *R)
{
	char **v;

	if (R->usessh)
		dm_ssh_close(&R->ssh, R->o->hosts);
	R->usessh = 0;
	for (v = R->envpairs; v && *v; v++)
		free(*v);
	free(R->envpairs);
	R->envpairs = NULL;
	if (R->hosts != &R->local)
		free(R->hosts);
	R->hosts = NULL;
	dm_buf_free(&R->tar);
}

int
dm_run_check(const struct dm_runopts *o)
{
	struct run R;
	struct dm_probe *pv;
	struct dm_buf why = DM_BUF_INIT, *rows;
	char want[64];
	const char *hdr[6] = { "HOST", "SLOTS", "MACHINE", "SH", "DM", "STATUS" };
	size_t w[6], i, c, n = o->hosts->n;
	int bad = 0, refused;

	memset(&R, 0, sizeof R);
	R.o = o;
	R.nhosts = (int)n;
	R.hosts = dm_xcalloc(n, sizeof *R.hosts);
	pv = dm_xcalloc(n, sizeof *pv);
	rows = dm_xcalloc(n * 6, sizeof *rows);
	snprintf(want, sizeof want, "dm %s", DM_VERSION);
	for (i = 0; i < n; i++) {
		R.hosts[i].h = &o->hosts->v[i];
		R.hosts[i].name = hostname(&o->hosts->v[i]);
		if (remote(&R.hosts[i]))
			R.usessh = 1;
	}
	if (R.usessh && dm_ssh_init(&R.ssh, o->ssh, &why) < 0)
		dm_die("%s", why.buf);
	for (i = 0; i < n; i++) {
		struct host *h = &R.hosts[i];
		struct dm_buf *r = &rows[i * 6];
		struct dm_probe *p = &pv[i];
		int slots = h->h->slots;

		for (c = 0; c < 6; c++)
			dm_buf_init(&r[c]);
		dm_buf_adds(&r[0], h->name);
		dm_buf_reset(&why);
		refused = 0;
		if (!remote(h)) {
			snprintf(p->machine, sizeof p->machine, "%s",
			    dm_local_machine());
			p->cores = o->jobs;
			p->has_sh = access("/bin/sh", X_OK) == 0;
			snprintf(p->version, sizeof p->version, "%s", want);
		} else if (probe(&R, h, p, &why) < 0) {
			for (c = 1; c < 5; c++)
				dm_buf_adds(&r[c], "-");
			dm_buf_addf(&r[5], "down: %s", why.buf);
			bad = 1;
			continue;
		} else if (o->ship && ship(&R, h, p, &why, &refused) < 0) {
			/* reported in the status column */
		}
		dm_buf_addf(&r[1], "%d", slots ? slots : p->cores);
		dm_buf_adds(&r[2], p->machine);
		dm_buf_adds(&r[3], p->has_sh ? "yes" : "no");
		if (p->version[0])
			dm_buf_adds(&r[4], p->version);
		else if (p->shipped[0])
			dm_buf_addf(&r[4], "%s (shipped)", p->shipped);
		else
			dm_buf_adds(&r[4], "missing");
		if (why.len) {
			dm_buf_adds(&r[5], why.buf);
			bad = 1;
		} else if (!p->has_sh) {
			dm_buf_adds(&r[5], "no sh");
			bad = 1;
		} else if (strcmp(p->version, want) == 0 ||
		    strcmp(p->shipped, want) == 0)
			dm_buf_adds(&r[5], "ok");
		else if (p->version[0] == '\0' && p->shipped[0] == '\0') {
			dm_buf_adds(&r[5], "dm not found (try --ship)");
			bad = 1;
		} else {
			dm_buf_addf(&r[5], "not %s (try --ship)", want);
			bad = 1;
		}
	}
	for (c = 0; c < 6; c++) {
		w[c] = strlen(hdr[c]);
		for (i = 0; i < n; i++)
			if (rows[i * 6 + c].len > w[c])
				w[c] = rows[i * 6 + c].len;
	}
	for (c = 0; c < 6; c++)
		if (c < 5)
			printf("%-*s  ", (int)w[c], hdr[c]);
		else
			printf("%s\n", hdr[c]);
	for (i = 0; i < n; i++)
		for (c = 0; c < 6; c++)
			if (c < 5)
				printf("%-*s  ", (int)w[c], rows[i * 6 + c].buf);
			else
				printf("%s\n", rows[i * 6 + c].buf);
	for (i = 0; i < n * 6; i++)
		dm_buf_free(&rows[i]);
	free(rows);
	free(pv);
	dm_buf_free(&why);
	if (R.usessh)
		dm_ssh_close(&R.ssh, o->hosts);
	dm_buf_free(&R.tar);
	free(R.hosts);
	return bad ? 1 : 0;
}

/* ---- the loop ---- */

static void
setup(struct run *R, const struct dm_runopts *o, int argc, char **argv)
{
	struct sigaction sa;
	struct dm_buf set = DM_BUF_INIT;
	size_t n, i;
	int k;

	memset(R, 0, sizeof *R);
	R->o = o;
	R->joblog = -1;
	R->local.name = ":";
	R->local.nslots = o->jobs;
	R->hosts = &R->local;
	R->nhosts = 1;
	if (o->hosts)
		sethosts(R);
	for (k = 0; k < R->nhosts; k++)
		R->nslots += R->hosts[k].nslots;
	R->slots = dm_xcalloc((size_t)R->nslots, sizeof *R->slots);
	for (n = 0, k = 0; k < R->nhosts; k++)
		for (i = 0; i < (size_t)R->hosts[k].nslots; i++, n++) {
			R->slots[n].host = &R->hosts[k];
			R->slots[n].id = (int)n + 1;
		}
	/* Room for the live jobs: those running, those whose output waits
	 * for its turn, and a couple read ahead. */
	R->window = 2 * R->nslots + 2;
	n = 2 + 3 * (size_t)R->nslots;
	R->pfd = dm_xcalloc(n, sizeof *R->pfd);
	R->pjob = dm_xcalloc(n, sizeof *R->pjob);
	R->pkind = dm_xcalloc(n, sizeof *R->pkind);
	dm_held_budget(o->buffer);

	/* The children's environment: ours without DM_JOB, DM_SLOT and
	 * DM_ATTEMPT, which each launch sets. */
	for (n = 0; environ[n]; n++)
		;
	R->envp = dm_xcalloc(n + 4, sizeof *R->envp);
	for (i = 0; i < n; i++)
		if (strncmp(environ[i], "DM_JOB=", 7) != 0 &&
		    strncmp(environ[i], "DM_SLOT=", 8) != 0 &&
		    strncmp(environ[i], "DM_ATTEMPT=", 11) != 0)
			R->envp[R->nenv++] = environ[i];

	if (pipe2(selfpipe, O_CLOEXEC | O_NONBLOCK) < 0)
		dm_die("pipe: %s", strerror(errno));
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_stop;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = on_child;
	sa.sa_flags = SA_NOCLDSTOP;
	sigaction(SIGCHLD, &sa, NULL);
	/* A job that leaves its block unread makes our write fail with EPIPE;
	 * the children get SIGPIPE back (launch). */
	signal(SIGPIPE, SIG_IGN);

	if (o->joblog)
		joblog_open(R, o->joblog);
	if (o->outdir) {
		if (o->files)
			dm_buf_adds(&set, "files");
		else if (o->lines)
			dm_buf_addf(&set, "lines %llu", o->lines);
		else
			dm_buf_addf(&set, "block %zu", o->block);
		R->ckpt = dm_ckpt_open(o->outdir, o->resume, set.buf, o->command);
		dm_buf_free(&set);
		if (R->ckpt == NULL)
			exit(DM_EXIT_ERROR);
	}
	dm_reader_init(&R->rd, argc, argv);
	dm_cutter_init(&R->cut, &R->rd, o->block, o->files ? 1 : o->lines);
	R->total = o->progress ? inputsize(argc, argv) : 0;
	R->start = now();
	R->nextprog = R->start + 0.5;
}

/* Cuts blocks into jobs while there is room; reads without waiting only
 * when no pipe has to be waited on. 1 when the input wants polling. */
static int
feed(struct run *R)
{
	struct dm_block b;
	struct job *j;
	int queued = 0, n;

	/* Blocks waiting for a slot: one for each free slot, and one more
	 * ready for the next slot that frees. */
	for (j = R->head; j; j = j->next)
		queued += j->state == J_QUEUED;
	while (!R->halting && !R->fatal && !dm_interrupted &&
	    R->nlive < R->window && queued <= R->nslots - R->nrunning &&
	    !dm_cutter_done(&R->cut)) {
		if (dm_cutter_next(&R->cut, &b)) {
			n = R->nlive;
			newjob(R, &b);
			queued += R->nlive - n;
			continue;
		}
		if (R->cut.eof)
			break;
		if (dm_cutter_fd(&R->cut) >= 0)
			return 1;
		dm_cutter_read(&R->cut);
	}
	return 0;
}

/* Whether a host other than h is up. */
static int
otherup(const struct run *R, const struct host *h)
{
	int i;

	for (i = 0; i < R->nhosts; i++)
		if (&R->hosts[i] != h && !R->hosts[i].down)
			return 1;
	return 0;
}

static int
anyup(const struct run *R)
{
	return otherup(R, NULL);
}

/* Fills free slots of the hosts that are up with queued jobs, in input
 * order; a job whose last attempt failed on a host goes to another one
 * when another is up. */
static void
launch_queued(struct run *R)
{
	struct slot *s;
	struct job *j;
	int k;

	for (k = 0; k < R->nslots && !R->halting && !R->fatal; k++) {
		s = &R->slots[k];
		if (s->job || s->host->down)
			continue;
		for (j = R->head; j; j = j->next)
			if (j->state == J_QUEUED && (j->avoid != s->host ||
			    !otherup(R, s->host)))
				break;
		if (j == NULL)
			continue;
		launch(R, s, j);
	}
}

static void
addpfd(struct run *R, int *n, int fd, short ev, struct job *j, int kind)
{
	R->pfd[*n].fd = fd;
	R->pfd[*n].events = ev;
	R->pfd[*n].revents = 0;
	R->pjob[*n] = j;
	R->pkind[*n] = kind;
	(*n)++;
}

enum { K_SELF, K_INPUT, K_IN, K_OUT, K_ERR };

static void
io(struct run *R, struct job *j, int kind)
{
	char buf[65536];
	ssize_t n;
	long got;
	int i;

	switch (kind) {
	case K_IN:
		n = write(j->fin, j->in + j->sent, j->inlen - j->sent);
		if (n > 0)
			j->sent += (size_t)n;
		/* EPIPE: the job did not read all of its block, which is
		 * its right. */
		if ((n < 0 && errno != EAGAIN && errno != EINTR) ||
		    j->sent == j->inlen)
			closefd(&j->fin);
		break;
	case K_OUT:
		for (i = 0; i < 8; i++) {
			got = dm_held_fill(&j->out, j->fout);
			if (got == -2) {
				R->fatal = 1;
				return;
			}
			if (got == 0 || (got < 0 && errno != EAGAIN &&
			    errno != EINTR)) {
				closefd(&j->fout);
				break;
			}
			if (got < 0)
				break;
		}
		break;
	case K_ERR:
		n = read(j->ferr, buf, sizeof buf);
		if (n > 0)
			errlines(j, buf, (size_t)n, 0);
		else if (n == 0 || (errno != EAGAIN && errno != EINTR))
			closefd(&j->ferr);
		break;
	}
}

static void
timers(struct run *R, double t)
{
	struct job *j;

	for (j = R->head; j; j = j->next) {
		if (j->state != J_RUNNING || j->reaped)
			continue;
		if (j->deadline > 0 && t >= j->deadline && !j->timedout) {
			j->timedout = 1;
			stop(R, j, 0);
		}
		if (j->killat > 0 && t >= j->killat) {
			kill(-j->pid, SIGKILL);
			j->killat = t + 3600;
		}
	}
}

static int
polltimeout(struct run *R, double t)
{
	struct job *j;
	double next = -1, d;

	for (j = R->head; j; j = j->next) {
		if (j->state != J_RUNNING || j->reaped)
			continue;
		/* Its pipes closed before it became a zombie: SIGCHLD will
		 * wake the loop, but a short timeout costs nothing here. */
		if (j->fout < 0 && j->ferr < 0 && j->fin < 0)
			return 10;
		d = j->killat > 0 ? j->killat :
		    j->deadline > 0 && !j->timedout ? j->deadline : -1;
		if (d >= 0 && (next < 0 || d < next))
			next = d;
	}
	if (R->o->progress && (next < 0 || R->nextprog < next))
		next = R->nextprog;
	if (next < 0)
		return -1;
	return next <= t ? 0 : (int)((next - t) * 1000) + 1;
}

/* The pipeline report's fields of dm-run (report.h). */
static void
report(struct run *R)
{
	json_t *hosts = json_array(), *h;
	int i;

	dm_report_arm();
	dm_report_set_int("jobs", (long long)R->nseq);
	dm_report_set_int("done", (long long)(R->ndone + R->nskipped));
	dm_report_set_int("failed", (long long)R->nfailed);
	dm_report_set_int("retries", (long long)R->nretries);
	dm_report_set_int("bytes", (long long)R->bytesdone);
	for (i = 0; R->o->hosts && i < R->nhosts; i++) {
		h = json_object();
		json_object_set_new(h, "host", json_string(R->hosts[i].name));
		json_object_set_new(h, "jobs", json_integer(
		    (json_int_t)R->hosts[i].ndone));
		json_object_set_new(h, "down", json_boolean(R->hosts[i].down));
		json_array_append_new(hosts, h);
	}
	dm_report_set_new("hosts", hosts);
}

int
dm_run(const struct dm_runopts *o, int argc, char **argv)
{
	struct run R;
	struct job *j, *next;
	char drain[256];
	int np, i, wantin, status;
	double t;

	setup(&R, o, argc, argv);
	for (;;) {
		if (dm_interrupted || R.fatal)
			break;
		wantin = feed(&R);
		launch_queued(&R);
		if (R.halting)
			drop_queued(&R);
		if (ordered(&R))
			emit_ordered(&R);
		if (R.fatal)
			break;
		if (R.nlive == 0 && (R.halting || dm_cutter_done(&R.cut)))
			break;
		if (!anyup(&R) && R.nrunning == 0) {
			/* every host is down and nothing runs: waiting for
			 * one to come back would hang a cron job */
			dm_warn("no host is up");
			R.fatal = 1;
			break;
		}

		np = 0;
		addpfd(&R, &np, selfpipe[0], POLLIN, NULL, K_SELF);
		if (wantin)
			addpfd(&R, &np, dm_cutter_fd(&R.cut), POLLIN, NULL,
			    K_INPUT);
		for (j = R.head; j; j = j->next) {
			if (j->state != J_RUNNING)
				continue;
			if (j->fin >= 0)
				addpfd(&R, &np, j->fin, POLLOUT, j, K_IN);
			if (j->fout >= 0)
				addpfd(&R, &np, j->fout, POLLIN, j, K_OUT);
			if (j->ferr >= 0)
				addpfd(&R, &np, j->ferr, POLLIN, j, K_ERR);
		}
		if (poll(R.pfd, (nfds_t)np, polltimeout(&R, now())) < 0 &&
		    errno != EINTR)
			dm_die("poll: %s", strerror(errno));
		for (i = 0; i < np && !R.fatal; i++) {
			if (R.pfd[i].revents == 0)
				continue;
			switch (R.pkind[i]) {
			case K_SELF:
				while (read(selfpipe[0], drain, sizeof drain) > 0)
					;
				break;
			case K_INPUT:
				dm_cutter_read(&R.cut);
				break;
			default:
				io(&R, R.pjob[i], R.pkind[i]);
			}
		}
		reap(&R);
		t = now();
		timers(&R, t);
		retryhosts(&R, t);
		for (j = R.head; j; j = next) {
			next = j->next;
			/* A stopped attempt's output is not wanted, and over a
			 * shared ssh connection the master holds its pipes
			 * until the remote command ends: once the attempt's
			 * own process is gone, its pipes are let go. */
			if (j->state == J_RUNNING && j->reaped && j->killat > 0) {
				closefd(&j->fout);
				closefd(&j->ferr);
			}
			if (j->state == J_RUNNING && j->reaped && j->fout < 0 &&
			    j->ferr < 0)
				finish(&R, j);
		}
		if (o->progress && t >= R.nextprog)
			progress(&R, 0);
	}

	if (dm_interrupted || R.fatal)
		kill_and_reap(&R);
	if (o->progress)
		progress(&R, 1);
	closehosts(&R);
	if (R.rd.nerrors)
		R.failed = 1;
	if (R.ckpt && !R.failed && !R.fatal && !R.halting && !dm_interrupted &&
	    dm_ckpt_finish(R.ckpt, R.nseq) < 0)
		R.fatal = 1;

	if (dm_interrupted)
		status = 128 + dm_interrupted;
	else if (R.fatal || (R.failed && !R.found))
		status = DM_EXIT_ERROR;
	else if (R.found)
		status = DM_EXIT_OK;
	else
		status = R.rejects ? DM_EXIT_REJECTS : DM_EXIT_OK;

	report(&R);
	while ((j = R.head) != NULL) {
		R.head = j->next;
		job_free(j);
	}
	dm_cutter_free(&R.cut);
	dm_reader_free(&R.rd);
	dm_ckpt_free(R.ckpt);
	if (R.joblog >= 0)
		close(R.joblog);
	free(R.slots);
	free(R.envp);
	free(R.pfd);
	free(R.pjob);
	free(R.pkind);
	return status;
}
