/* runattempt.c - dm-run: an attempt as a process, its pipes and its stderr */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend.h"

#define TAILMAX		400	/* bytes kept of each stderr line */
#define ERRPARTMAX	65536	/* bytes held of a stderr line */

extern char **environ;

/* The write end of the keeper's pipe (dm_attempt_keeper), or -1. */
static int keepfd = -1;

void
dm_fd_nonblock(int fd)
{
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

void
dm_fd_close(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
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

/*
 * "PATH=DIR:..." with DIR the folder of this dm-run, so that the dm tools
 * that COMMAND names are the ones next to it, on PATH or not; NULL when
 * the folder cannot be told. Made once, kept for the run.
 */
static char *
jobpath(void)
{
	struct dm_buf b = DM_BUF_INIT;
	const char *path = getenv("PATH");

	dm_buf_adds(&b, "PATH=");
	if (dm_self_dir(&b) < 0) {
		dm_buf_free(&b);
		return NULL;
	}
	dm_buf_addf(&b, ":%s", path ? path : "/usr/local/bin:/usr/bin:/bin");
	return b.buf;
}

/* Removes the folder dir and the files in it (the attempts' rejects
 * files), when it is there. */
static void
rmscratch(const char *dir)
{
	char path[PATH_MAX];
	struct dirent *e;
	DIR *d;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.' && snprintf(path, sizeof path, "%s/%s",
		    dir, e->d_name) < (int)sizeof path)
			unlink(path);
	closedir(d);
	rmdir(dir);
}

/*
 * The keeper's loop: the process groups of the attempts as they start (a
 * pid) and end (its negation) come through fd; at its EOF, dm-run is gone,
 * however it died: the groups still there get SIGTERM, then SIGKILL after
 * DM_RUN_GRACE, as dm-run itself stops them. Then the folder of the
 * attempts' rejects files (dir, or NULL) goes, which a dm-run that ends
 * removes itself, and one killed by SIGKILL left in TMPDIR.
 */
static void
keeper(int fd, const char *dir)
{
	pid_t *g = NULL, m[1024];
	size_t n = 0, cap = 0, i, e;
	ssize_t k;
	int t, left = 0;

	/* Read ten times a second, not woken by every job that starts or
	 * ends: on a busy machine that wake-up would be most of what the
	 * keeper costs a job. The pipe holds thousands of messages. */
	dm_fd_nonblock(fd);
	for (;;) {
		if ((k = read(fd, m, sizeof m)) < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				break;
			usleep(100000);
			continue;
		}
		if (k == 0)
			break;
		/* a pipe's writes of a few bytes are whole */
		for (e = 0; e < (size_t)k / sizeof m[0]; e++) {
			if (m[e] > 0) {
				if (n == cap) {
					cap = cap ? 2 * cap : 64;
					if ((g = realloc(g, cap * sizeof *g)) ==
					    NULL)
						_exit(1);
				}
				g[n++] = m[e];
				continue;
			}
			for (i = 0; i < n; i++)
				if (g[i] == -m[e]) {
					g[i] = g[--n];
					break;
				}
		}
	}
	for (i = 0; i < n; i++)
		kill(-g[i], SIGTERM);
	for (t = 0; t < (int)(DM_RUN_GRACE * 50); t++) {
		for (i = 0, left = 0; i < n; i++)
			left += kill(-g[i], 0) == 0;
		if (left == 0)
			break;
		usleep(20000);
	}
	for (i = 0; i < n && left > 0; i++)
		kill(-g[i], SIGKILL);
	if (dir != NULL)
		rmscratch(dir);
	_exit(0);
}

/* The keeper's argv: "dm-run: keeper" in ps, after sshd's fashion; a
 * dm-run run by hand has COMMAND. */
#define KEEPER	"dm-run: keeper"

void
dm_run_keeper(int argc, char **argv)
{
	if ((argc == 1 || argc == 2) && strcmp(argv[0], KEEPER) == 0)
		keeper(3, argv[1]);
}

void
dm_attempt_keeper(const char *dir)
{
	char *kargv[] = { KEEPER, (char *)dir, NULL };
	int fd[2], nul, st;
	pid_t p;

	/* without a keeper the run goes on, as before there was one
	 * (main keeps 0, 1 and 2 taken: the pipe is never one of them) */
	if (pipe2(fd, O_CLOEXEC) < 0)
		return;
	if ((p = fork()) < 0) {
		close(fd[0]);
		close(fd[1]);
		return;
	}
	if (p == 0) {
		/* Not our child (whoever waits for dm-run's children to end
		 * need not wait for it) and in a session of its own (a ^C
		 * at the terminal is dm-run's to handle). */
		if (fork() != 0)
			_exit(0);
		setsid();
		/* nothing of ours held open: not a reader's EOF, not the
		 * pipe's write end */
		if (dup2(fd[0], 3) < 0)
			_exit(1);
		if ((nul = open("/dev/null", O_RDWR)) >= 0) {
			dup2(nul, 0);
			dup2(nul, 1);
			dup2(nul, 2);
		}
		close_range(4, ~0U, 0);
		/* A program of its own in ps and to pgrep -f, not a second
		 * dm-run with the run's command line, and none of our
		 * memory; in this copy when that fails. */
		execv("/proc/self/exe", kargv);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGCHLD, SIG_DFL);
		keeper(3, dir);
	}
	close(fd[0]);
	while (waitpid(p, &st, 0) < 0 && errno == EINTR)
		;
	keepfd = fd[1];
}

/* Tells the keeper of process group m starting (m > 0) or ended (-m). */
static void
keep(pid_t m)
{
	while (keepfd >= 0 && write(keepfd, &m, sizeof m) < 0 &&
	    errno == EINTR)
		;
}

void
dm_attempt_env(struct dm_sched *S)
{
	static char *path;	/* held for the whole run */
	size_t n, i;

	free(path);
	path = jobpath();
	for (n = 0; environ[n]; n++)
		;
	/* PATH, the environment, DM_JOB, DM_SLOT, DM_ATTEMPT, DM_RUN_RANGE
	 * or DM_RUN_PLAIN, DM_RUN_LINE, DM_REJECTS and the NULL */
	S->envp = dm_xcalloc(n + 8, sizeof *S->envp);
	if (path)
		S->envp[S->nenv++] = path;
	for (i = 0; i < n; i++)
		if (strncmp(environ[i], "DM_JOB=", 7) != 0 &&
		    strncmp(environ[i], "DM_SLOT=", 8) != 0 &&
		    strncmp(environ[i], "DM_ATTEMPT=", 11) != 0 &&
		    strncmp(environ[i], "DM_RUN_RANGE=", 13) != 0 &&
		    strncmp(environ[i], "DM_RUN_PLAIN=", 13) != 0 &&
		    strncmp(environ[i], "DM_RUN_LINE=", 12) != 0 &&
		    strncmp(environ[i], "DM_REJECTS=", 11) != 0 &&
		    (path == NULL || strncmp(environ[i], "PATH=", 5) != 0))
			S->envp[S->nenv++] = environ[i];
}

static void
setenvp(char **envp, size_t nenv, const struct dm_job *j,
    const struct dm_jobslot *s, char *jobvar, char *slotvar, char *attvar)
{
	snprintf(jobvar, 32, "DM_JOB=%llu", j->seq);
	snprintf(slotvar, 32, "DM_SLOT=%d", s->id);
	snprintf(attvar, 32, "DM_ATTEMPT=%d", j->attempt);
	envp[nenv] = jobvar;
	envp[nenv + 1] = slotvar;
	envp[nenv + 2] = attvar;
	envp[nenv + 3] = NULL;
}

/* DM_RUN_RANGE=DEV:INO:OFFSET:LENGTH into var for j's block, cut in place
 * from S->cut.rfd, when the job can read it itself (reader.c): 1, or 0
 * when it goes through a pipe. */
static int
rangevar(const struct dm_sched *S, const struct dm_job *j, char *var,
    size_t size)
{
	struct stat st;

	if (j->in != NULL || S->cut.rfd < 0 || fstat(S->cut.rfd, &st) < 0)
		return 0;
	snprintf(var, size, "DM_RUN_RANGE=%ju:%ju:%llu:%zu",
	    (uintmax_t)st.st_dev, (uintmax_t)st.st_ino, S->cut.base + j->off,
	    j->inlen);
	return 1;
}

/* DM_RUN_PLAIN=DEV:INO into var for the pipe fd that gives a job its
 * block (reader.c): 1, or 0 when fstat fails. */
static int
plainvar(int fd, char *var, size_t size)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return 0;
	snprintf(var, size, "DM_RUN_PLAIN=%ju:%ju", (uintmax_t)st.st_dev,
	    (uintmax_t)st.st_ino);
	return 1;
}

char *
dm_attempt_line(const struct dm_sched *S, const struct dm_job *j)
{
	const struct dm_reader *r = S->cut.r;
	struct dm_buf b = DM_BUF_INIT;

	if (S->o->files || j->line == 0 || r == NULL || r->npaths != 1)
		return NULL;
	dm_buf_addf(&b, "%llu", j->line);
	if (r->path != NULL && strcmp(r->path, "<stdin>") != 0)
		dm_buf_addf(&b, ":%s", r->path);
	return b.buf;
}

/*
 * DM_RUN_LINE=LINE[:NAME] for j's block (dm_attempt_line), or NULL. A
 * block cut in place whose lines are not counted yet (DM_LINE_LATER) is
 * counted now when it goes through a pipe; one that the job reads itself
 * (ranged) gets LINE@OFFSET[:NAME] instead, the input's first line and
 * its offset in the file, and the job counts the lines before its block
 * only if it shows a line number (reader.c).
 */
static char *
linevar(struct dm_sched *S, struct dm_job *j, int ranged)
{
	struct dm_buf b = DM_BUF_INIT;
	char *v;

	if (j->line == DM_LINE_LATER && ranged) {
		j->line = (unsigned long long)S->cut.r->lineno + 1;
		v = dm_attempt_line(S, j);
		j->line = DM_LINE_LATER;
		if (v == NULL)
			return NULL;
		dm_buf_adds(&b, "DM_RUN_LINE=");
		dm_buf_add(&b, v, strcspn(v, ":"));
		dm_buf_addf(&b, "@%llu%s", S->cut.base, v + strcspn(v, ":"));
		free(v);
		return b.buf;
	}
	if (j->line == DM_LINE_LATER)
		j->line = dm_cutter_lineat(&S->cut, j->off);
	if ((v = dm_attempt_line(S, j)) == NULL)
		return NULL;
	dm_buf_addf(&b, "DM_RUN_LINE=%s", v);
	free(v);
	return b.buf;
}

/* Starts path (found on our PATH when search is 1) with argv and envp as
 * the attempt of j: 0, or the error of posix_spawn (nothing is left
 * open). With ranged, a block cut in place is the job's to read: its
 * stdin is the file, and DM_RUN_RANGE says where the block is; else a
 * pipe gives it the block, and DM_RUN_PLAIN names that pipe. A job that
 * runs one of the dm tools that take DM_RUN_RANGE (ranged as given, whether
 * or not the block is cut in place) writes its output into the file of its
 * held output, unless it streams (--unordered) or $TMPDIR has less room than
 * --buffer beyond twice the block (a few tools write more than they read):
 * dm-run then copies none of its bytes, and sendfile writes them out. On
 * a smaller or fuller TMPDIR, the output goes through a pipe into memory
 * as before, so that a run whose output fits in --buffer needs no disk. */
static int
spawn(struct dm_sched *S, struct dm_jobslot *s, struct dm_job *j,
    const char *path, int search, char *const argv[], char **envp,
    size_t nenv, int ranged)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t def, none;
	char jobvar[32], slotvar[32], attvar[32], rangev[96], *linev, *rejv;
	int in[2] = { -1, -1 }, out[2] = { -1, -1 }, err[2], e, k;

	if (ranged && !S->o->unordered)
		out[1] = dm_held_file(&j->out, S->o->buffer +
		    2 * (unsigned long long)j->inlen);
	ranged = ranged && !S->o->files &&
	    rangevar(S, j, rangev, sizeof rangev);
	if ((!S->o->files && !ranged && pipe2(in, O_CLOEXEC) < 0) ||
	    (out[1] < 0 && pipe2(out, O_CLOEXEC) < 0) ||
	    pipe2(err, O_CLOEXEC) < 0)
		dm_die("pipe: %s", strerror(errno));
	posix_spawn_file_actions_init(&fa);
	if (S->o->files)
		posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	else if (ranged)
		posix_spawn_file_actions_adddup2(&fa, S->cut.rfd, 0);
	else
		posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	posix_spawn_file_actions_adddup2(&fa, err[1], 2);
	posix_spawnattr_init(&at);
	/* whatever dm-run was started with (a script's background job has
	 * SIGINT and SIGQUIT ignored), a job starts with these at their
	 * default, here as on a host and on Slurm */
	sigemptyset(&def);
	sigaddset(&def, SIGPIPE);
	sigaddset(&def, SIGINT);
	sigaddset(&def, SIGQUIT);
	sigaddset(&def, SIGTERM);
	sigaddset(&def, SIGCHLD);
	sigemptyset(&none);
	posix_spawnattr_setsigdefault(&at, &def);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setpgroup(&at, 0);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP |
	    POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
	setenvp(envp, nenv, j, s, jobvar, slotvar, attvar);
	k = 3;
	linev = NULL;
	if (ranged || (in[0] >= 0 && plainvar(in[0], rangev,
	    sizeof rangev))) {
		envp[nenv + k++] = rangev;
		if ((linev = linevar(S, j, ranged)) != NULL)
			envp[nenv + k++] = linev;
	}
	/* a host's attempt (ssh here) has its file already: its lines
	 * come back through stderr */
	rejv = j->rejmark == NULL ? dm_rej_attempt(S, j) : NULL;
	if (rejv != NULL)
		envp[nenv + k++] = rejv;
	envp[nenv + k] = NULL;
	e = (search ? posix_spawnp : posix_spawn)(&j->pid, path, &fa, &at,
	    argv, envp);
	free(linev);
	free(rejv);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	if (in[0] >= 0)
		close(in[0]);
	if (out[0] >= 0)
		close(out[1]);	/* else the held output's own */
	close(err[1]);
	if (e != 0) {
		if (in[1] >= 0)
			close(in[1]);
		if (out[0] >= 0)
			close(out[0]);
		else
			dm_held_clear(&j->out);
		close(err[0]);
		j->pid = 0;
		return e;
	}
	keep(j->pid);
	j->fin = in[1];
	if (ranged)
		j->sent = j->inlen;	/* the job's to read */
	j->fout = out[0];
	j->ferr = err[0];
	if (j->fin >= 0) {
		pipesize(j->fin);
		dm_fd_nonblock(j->fin);
	}
	if (j->fout >= 0) {
		pipesize(j->fout);
		dm_fd_nonblock(j->fout);
	}
	dm_fd_nonblock(j->ferr);
	return 0;
}

/* Tries of a spawn that fails with EAGAIN (no process to be had now),
 * SPAWNWAIT microseconds apart, before the attempt fails. */
#define SPAWNTRIES	20
#define SPAWNWAIT	100000

void
dm_attempt_spawn(struct dm_sched *S, struct dm_jobslot *s, struct dm_job *j,
    char *const argv[])
{
	int e, i;

	j->direct = 0;
	/* The process table or memory full is the machine's state, not the
	 * job's: jobs that end meanwhile make room, so it is waited out a
	 * while first, stalling the loop (rare, and bounded). */
	for (i = 0; (e = spawn(S, s, j, argv[0], 1, argv, S->envp, S->nenv,
	    0)) == EAGAIN && i < SPAWNTRIES; i++)
		usleep(SPAWNWAIT);
	if (e == 0)
		return;
	/* One job's failure, not the run's: a line too long for an
	 * argument (E2BIG) must not stop the other lines. The attempt has
	 * ended, as the shell ends one it cannot execute (126, 127 when
	 * not found), saying why on the job's stderr, and is retried or
	 * fails like any failed attempt. */
	snprintf(j->sigmsg, sizeof j->sigmsg, "dm-run: %s: %s\n", argv[0],
	    strerror(e));
	j->pid = 0;
	j->fin = j->fout = j->ferr = -1;
	j->wstatus = (e == ENOENT ? 127 : 126) << 8;
	j->reaped = 1;
}

int
dm_attempt_spawn_direct(struct dm_sched *S, struct dm_jobslot *s,
    struct dm_job *j)
{
	j->direct = 1;
	if (spawn(S, s, j, S->dpath, 0, S->dargv, S->denvp, S->ndenv,
	    S->dranged) == 0)
		return 0;
	j->direct = 0;
	return -1;
}

/*
 * A command that the shell runs as its child and that dies of a signal
 * of its own (not one sent to the whole job) makes the shell exit 128 + N
 * after it says so on stderr, except for SIGINT and SIGPIPE (dash): the
 * same, for a command started without the shell.
 */
static void
asshell(struct dm_job *j)
{
	int sig;

	if (!j->direct || !WIFSIGNALED(j->wstatus) || j->stopped)
		return;
	sig = WTERMSIG(j->wstatus);
	if (sig != SIGINT && sig != SIGPIPE)
		snprintf(j->sigmsg, sizeof j->sigmsg, "%s%s\n", strsignal(sig),
		    WCOREDUMP(j->wstatus) ? " (core dumped)" : "");
	j->wstatus = (128 + sig) << 8;
}

void
dm_attempt_signal(struct dm_job *j)
{
	if (j->pid <= 0)
		return;
	kill(-j->pid, SIGTERM);
	j->killat = dm_now() + DM_RUN_GRACE;
}

void
dm_attempt_end(struct dm_job *j, int wstatus)
{
	j->wstatus = wstatus;
	j->reaped = 1;
}

enum dm_end
dm_attempt_classify(const struct dm_job *j)
{
	if (j->lost)
		return DM_END_HOSTFAIL;
	if (j->timedout || j->killed || !WIFEXITED(j->wstatus))
		return DM_END_FAILED;
	switch (WEXITSTATUS(j->wstatus)) {
	case 0:
		return DM_END_OK;
	case 1:
		return DM_END_REJECTS;
	default:
		return DM_END_FAILED;
	}
}

void
dm_attempt_reap(struct dm_sched *S)
{
	struct dm_job *j;
	pid_t p;

	for (j = S->head; j; j = j->next) {
		if (j->state != DM_JOB_RUNNING || j->reaped || j->pid <= 0)
			continue;
		p = waitpid(j->pid, &j->wstatus, WNOHANG);
		if (p == j->pid) {
			asshell(j);
			j->reaped = 1;
			keep(-j->pid);
		} else if (p < 0 && errno == ECHILD) {
			/* lost (never ours to wait for): a failed attempt */
			j->wstatus = 127 << 8;
			j->reaped = 1;
		}
	}
}

void
dm_attempt_killall(struct dm_sched *S)
{
	struct dm_job *j;
	double until = dm_now() + DM_RUN_GRACE;
	int left;

	dm_job_stopall(S);
	for (;;) {
		left = 0;
		for (j = S->head; j; j = j->next) {
			if (j->state != DM_JOB_RUNNING || j->reaped ||
			    j->pid <= 0)
				continue;
			if (waitpid(j->pid, &j->wstatus, WNOHANG) == j->pid) {
				j->reaped = 1;
				keep(-j->pid);
			} else
				left++;
		}
		if (left == 0)
			return;
		if (dm_now() > until) {
			for (j = S->head; j; j = j->next)
				if (j->state == DM_JOB_RUNNING && !j->reaped &&
				    j->pid > 0) {
					kill(-j->pid, SIGKILL);
					waitpid(j->pid, &j->wstatus, 0);
					j->reaped = 1;
					keep(-j->pid);
				}
			return;
		}
		usleep(10000);
	}
}

/* ---- stderr of the jobs ---- */

static void
keeptail(struct dm_job *j, const char *p, size_t n)
{
	struct dm_buf *t;
	int i;

	if (j->ntail == DM_RUN_TAILN) {
		/* oldest first: rotate */
		struct dm_buf first = j->tail[0];

		for (i = 1; i < DM_RUN_TAILN; i++)
			j->tail[i - 1] = j->tail[i];
		j->tail[DM_RUN_TAILN - 1] = first;
		t = &j->tail[DM_RUN_TAILN - 1];
	} else
		t = &j->tail[j->ntail++];
	dm_buf_reset(t);
	dm_buf_addquoted(t, p, n, TAILMAX);
}

/*
 * The job (by its number) whose line longer than ERRPARTMAX has been
 * passed on in part, its end still to come, or 0. Another job's lines
 * that come first end it with a newline, so as not to join it.
 */
static unsigned long long openline;

/* Writes p[0..n) of j's stderr, the end of its line or not. */
static void
errwrite(struct dm_job *j, const char *p, size_t n, int ended)
{
	if (dm_line_open) {
		dm_run_stderr("\r\033[K", 4, 0);
		dm_line_open = 0;
	}
	if (openline != 0 && openline != j->seq)
		dm_run_stderr("\n", 1, 0);
	dm_run_stderr(p, n, 0);
	openline = ended ? 0 : j->seq;
}

/* The signal number p[0..n) of a host's mark line, or 0. */
static int
sigword(const char *p, size_t n)
{
	int sig = 0;

	for (; n > 0 && *p >= '0' && *p <= '9' && sig < 1000; p++, n--)
		sig = sig * 10 + (*p - '0');
	return n == 0 && sig > 0 && sig < 128 ? sig : 0;
}

/*
 * Passes whole lines of a job's stderr through, written at once and
 * whole (dm_run_stderr), so that lines of parallel jobs never mix and
 * none is lost to a slow reader. A line that grows past ERRPARTMAX
 * without its newline is passed on as it is, and the rest of it as it
 * comes: the memory a job's stderr takes stays bounded, and the bytes of
 * a job that writes alone are kept as they are. Only what came since the
 * last call is searched for a newline, never the line again.
 */
void
dm_attempt_errlines(struct dm_job *j, const char *p, size_t n, int eof)
{
	const char *q, *nl, *end, *from, *s, *mk;
	struct dm_buf *b = &j->errpart;
	size_t scanned = b->len;	/* held: no newline there */

	j->errlen += n;
	dm_buf_add(b, p, n);
	if (eof && b->len == 0 && j->errcut) {
		/* a line passed on whole but for its newline, which it gets
		 * unless another job's line has ended it already */
		if (openline == j->seq)
			errwrite(j, "\n", 1, 1);
		j->errcut = 0;
		return;
	}
	if (eof && b->len > 0 && b->buf[b->len - 1] != '\n')
		dm_buf_addc(b, '\n');
	end = b->buf + b->len;
	/* the lines from from on are written at once, up to a rejects
	 * line of a host's job (dm_rej_line), which is not written; the
	 * rest of a line passed on in part (errcut) is neither one nor
	 * kept for the failure message (its head was) */
	for (q = from = b->buf, s = q + scanned; (nl = memchr(s, '\n',
	    (size_t)(end - s))) != NULL; q = s = nl + 1) {
		/* a host's wrapper's last line: its command died of a
		 * signal (dm_remote_sigmark), after the command's stderr,
		 * whose last line may lack its newline */
		if (j->sigmark != NULL && (mk = memmem(q, (size_t)(nl - q),
		    j->sigmark, strlen(j->sigmark))) != NULL) {
			if (mk > q) {
				if (!j->errcut)
					keeptail(j, q, (size_t)(mk - q));
				errwrite(j, from, (size_t)(mk - from), 0);
				errwrite(j, "\n", 1, 1);
			} else {
				if (q > from)
					errwrite(j, from, (size_t)(q - from), 1);
				if (j->errcut && openline == j->seq)
					errwrite(j, "\n", 1, 1);
			}
			j->errcut = 0;
			j->termsig = sigword(mk + strlen(j->sigmark),
			    (size_t)(nl - mk) - strlen(j->sigmark));
			from = nl + 1;
			continue;
		}
		/* the records follow the job's stderr, whose last line may
		 * lack its newline: that line ends where the first begins */
		if (j->rejmark != NULL && nl > q && (mk = memmem(q + 1,
		    (size_t)(nl - q - 1), j->rejmark,
		    strlen(j->rejmark))) != NULL) {
			if (!j->errcut)
				keeptail(j, q, (size_t)(mk - q));
			j->errcut = 0;
			errwrite(j, from, (size_t)(mk - from), 0);
			errwrite(j, "\n", 1, 1);
			dm_rej_line(j, mk, (size_t)(nl - mk));
			from = nl + 1;
			continue;
		}
		if (j->errcut)
			j->errcut = 0;
		else if (j->rejmark != NULL &&
		    dm_rej_line(j, q, (size_t)(nl - q))) {
			if (q > from)
				errwrite(j, from, (size_t)(q - from), 1);
			from = nl + 1;
			continue;
		} else
			keeptail(j, q, (size_t)(nl - q));
	}
	if (q > from)
		errwrite(j, from, (size_t)(q - from), 1);
	/* a rejected line of a host's job is a record, kept whole: the
	 * tools cut such lines at their --max-line */
	if ((size_t)(end - q) > ERRPARTMAX && (j->errcut ||
	    j->rejmark == NULL || memcmp(q, j->rejmark,
	    strlen(j->rejmark)) != 0)) {
		if (!j->errcut)
			keeptail(j, q, (size_t)(end - q));
		j->errcut = 1;
		errwrite(j, q, (size_t)(end - q), 0);
		q = end;
	}
	if (q > b->buf) {
		memmove(b->buf, q, (size_t)(end - q));
		dm_buf_setlen(b, (size_t)(end - q));
	}
}
