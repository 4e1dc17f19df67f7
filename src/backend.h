/* backend.h - dm-run's scheduler state, and the seam its backends plug into */
#ifndef DM_BACKEND_H
#define DM_BACKEND_H

#include <sys/types.h>

#include <poll.h>

#include "run.h"

/*
 * The scheduler (run.c) cuts the input into jobs, one a block, and runs
 * attempts of them on slots. A slot belongs to a host, and a host to a
 * backend: the backend is the only part that knows how an attempt starts,
 * how it is stopped and how its end reads. Everything else (the order of
 * the output, retries, --halt, --timeout, the job log, progress, moving a
 * job off a host that failed) is the loop's, the same for every backend.
 *
 * Backends today: this machine's processes (runlocal.c) and ssh hosts
 * (runssh.c). A batch scheduler is one more file: a struct dm_backend,
 * its hosts picked in dm_runhosts_init, and its run-wide state in the
 * backend's own part of struct dm_sched.
 *
 * The contract:
 *  - open readies a host for the run and sets its slots: 0, or -1 when it
 *    is down (reported; h->down and h->retryat set). The run needs one host
 *    up. check does the same for --check and fills the probe's row.
 *  - start begins an attempt of job j on slot s (s->host belongs to this
 *    backend). It sets j->pid: > 0 for a child process of dm-run (in its
 *    own process group), which the loop waits for, signals at --timeout
 *    and kills after DM_RUN_GRACE; 0 when the backend ends the attempt
 *    itself (from tick, with dm_attempt_end). It sets j->fin (where the
 *    block is written; -1: the backend gave the block to the attempt
 *    itself), j->fout (its output) and j->ferr (its stderr), each -1 when
 *    unused; the loop reads and writes them without blocking. A process
 *    attempt is started with dm_attempt_spawn, which does all of this.
 *  - stop asks a running attempt to end. The loop calls it at most once an
 *    attempt (timeout, halt, signal, its host going down). quiet: the host
 *    is not to be told (it is down, or stopall follows for the host).
 *  - stopall (may be NULL) tells host h once that every attempt of this
 *    run there is to stop, after stop(quiet) for each of them.
 *  - classify reads how an ended attempt came out from j->wstatus (as
 *    waitpid gives it), j->timedout, j->killed and j->lost. DM_END_HOSTFAIL
 *    means the host, not the job, failed: the job moves, its retries kept.
 *  - collect (may be NULL) runs when an attempt succeeded, before its
 *    output is delivered: a backend whose attempts write their output
 *    elsewhere than j->fout (a file in a spool) moves it into j->out here.
 *    0, or -1 (reported) to stop the run.
 *  - tick (may be NULL) runs every turn of the loop, for each host of the
 *    backend: probe a down host again, poll a batch system, end attempts
 *    that ended. It returns when it wants to run again (dm_now's clock), or
 *    0 for no wish: the loop then waits for its descriptors and timers.
 *  - close (may be NULL) runs once at the end of the run, for the backend.
 *  - where (may be NULL) names the machine an ended attempt ran on, for
 *    the job log, when its host's name does not (the node of a batch
 *    system); NULL: the host's name.
 *  - progress (may be NULL) adds the backend's own counts to a --progress
 *    line, after "; " (a batch system's queued and running jobs).
 * Messages are the backend's to print (dm_warn), once, where a problem is
 * found; the loop prints those about jobs (runlog.c).
 */

#define DM_RUN_GRACE	2.0	/* seconds between SIGTERM and SIGKILL */
#define DM_RUN_TAILN	5	/* stderr lines kept for the failure message */
#define DM_RUN_PROBE_MS	20000	/* a probe or a remote kill gives up after */
#define DM_RUN_SHIPDIR	".cache/dm/" DM_VERSION
/* A job lost with its host this many times fails as if it had failed. */
#define DM_RUN_HOSTFAILS_MAX	10

struct dm_sched;
struct dm_job;
struct dm_jobslot;
struct dm_runhost;

/* What an attempt came to. */
enum dm_end { DM_END_OK, DM_END_REJECTS, DM_END_FAILED, DM_END_HOSTFAIL };

struct dm_backend {
	const char	*name;
	int		(*open)(struct dm_sched *, struct dm_runhost *);
	int		(*check)(struct dm_sched *, struct dm_runhost *,
			    struct dm_probe *, struct dm_buf *why);
	void		(*start)(struct dm_sched *, struct dm_jobslot *,
			    struct dm_job *);
	void		(*stop)(struct dm_sched *, struct dm_job *, int quiet);
	void		(*stopall)(struct dm_sched *, struct dm_runhost *);
	enum dm_end	(*classify)(const struct dm_sched *,
			    const struct dm_job *);
	int		(*collect)(struct dm_sched *, struct dm_job *);
	double		(*tick)(struct dm_sched *, struct dm_runhost *,
			    double now);
	void		(*close)(struct dm_sched *);
	const char	*(*where)(const struct dm_sched *,
			    const struct dm_job *);
	void		(*progress)(const struct dm_sched *,
			    const struct dm_runhost *, struct dm_buf *);
};

extern const struct dm_backend dm_backend_local;	/* runlocal.c */
extern const struct dm_backend dm_backend_ssh;		/* runssh.c */
extern const struct dm_backend dm_backend_slurm;	/* runslurm.c */

/*
 * A host runs jobs on its slots. One that fails twice in a row (ssh's
 * 255) is down: no job is launched there until its backend finds it up
 * again (tick).
 */
struct dm_runhost {
	const char	*name;		/* as written, without N/: messages, log */
	const struct dm_host *h;	/* the entry, or NULL: this machine */
	const struct dm_backend *be;
	int		 nslots;
	int		 down;
	int		 refused;	/* never usable (cannot ship there) */
	int		 fails;		/* host failures in a row */
	double		 retryat;
	unsigned long long ndone;	/* jobs that succeeded here */
};

struct dm_jobslot {
	struct dm_runhost *host;
	int		 id;		/* 1-based: DM_SLOT */
	struct dm_job	*job;		/* the attempt running here, or NULL */
};

enum dm_jstate {
	DM_JOB_QUEUED,	/* waiting for a slot (new, or to be retried) */
	DM_JOB_RUNNING,
	DM_JOB_DONE,	/* succeeded; output held until its turn */
	DM_JOB_DROPPED	/* failed for good, or cancelled by a halt */
};

struct dm_job {
	unsigned long long seq;		/* 1-based: DM_JOB, part number */
	unsigned long long off, len;	/* input byte range */
	unsigned long long line;	/* input line number of its first line,
					 * 0 when not known (DM_RUN_LINE) */
	uint64_t	 hash;		/* of the input bytes, for --output-dir */
	char		*in;		/* the block; files mode: the line */
	size_t		 inlen;
	size_t		 incap;		/* for dm_block_free */
	char		*cmd;		/* the command it runs */
	char		*run;		/* what the shell runs for it: cmd as
					 * a script that keeps each stage's
					 * status (runpipe.c), or NULL: cmd */
	int		 tries;		/* attempts started, less those lost
					 * with their host: retries count */
	int		 attempt;	/* attempts started, every one: the
					 * number of the running one
					 * (DM_ATTEMPT), which names its files
					 * here and on its host */
	int		 hostfails;	/* attempts lost with their host */
	struct dm_runhost *avoid;	/* where the last attempt failed */
	struct dm_runhost *moved;	/* lost with this host: say where it goes */
	enum dm_jstate	 state;
	struct dm_job	*prev, *next;	/* live jobs in input order */
	/* the running attempt */
	struct dm_jobslot *slot;
	pid_t		 pid;		/* > 0: a child process (see start) */
	int		 fin, fout, ferr;
	size_t		 sent;
	int		 reaped;	/* it has ended: wstatus is set */
	int		 wstatus, timedout, killed;
	int		 lost;		/* stopped because its host went down */
	int		 stopped;	/* stop was called for this attempt */
	int		 direct;	/* started without /bin/sh (runexec.c) */
	char		 sigmsg[64];	/* what the shell would have said of
					 * its death, once its stderr ends */
	double		 t0, wall0, deadline, killat;
	char		*rejpath;	/* --rejects: the attempt's file, kept
					 * once it succeeded, until delivered */
	int		 rejkeep;	/* rejpath is the spool's: never
					 * removed */
	const char	*rejmark;	/* on a host: its stderr lines that
					 * start so go to rejpath */
	int		 rejfail;	/* one could not be written there */
	const char	*sigmark;	/* on a host: the line that says its
					 * command died of a signal
					 * (dm_remote_sigmark) starts so */
	int		 termsig;	/* that signal, or 0 */
	struct dm_held	 out;
	struct dm_buf	 errpart;	/* stderr after its last newline */
	int		 errcut;	/* the head of its line was passed on */
	unsigned long long errlen;	/* stderr bytes read */
	struct dm_buf	 tail[DM_RUN_TAILN];	/* its last stderr lines */
	int		 ntail;
};

/* The state of one run (or of one --check). */
struct dm_sched {
	const struct dm_runopts *o;
	struct dm_runhost *hosts;	/* one per entry; else this machine */
	int		 nhosts;
	struct dm_jobslot *slots;
	int		 nslots;
	/* the bytes of the blocks done, and the seconds their jobs took:
	 * the speed of a job, for a paced cutter */
	double		 donebytes, donesecs;
	int		 outpipe;	/* standard output's pipe size, or 0 */
	/* the ssh backend's (runssh.c) */
	struct dm_ssh	 ssh;
	int		 usessh;
	char		**envpairs;	/* --env NAME=VALUE for ssh hosts */
	struct dm_buf	 tar;		/* --ship: this dm as a tar stream */
	/* the process attempts' (runattempt.c) */
	char		**envp;
	size_t		 nenv;
	/* COMMAND started without /bin/sh (runexec.c): its words, or NULL
	 * (through the shell), the program, the environment sh gives it */
	char		**dargv;
	char		*dpath, *dpwd;
	char		**denvp;
	size_t		 ndenv;
	int		 dranged;	/* dargv is a dm tool that reads a
					 * block in place itself */
	int		 ddm;		/* dargv is a dm tool, by its name */
	/* the loop's */
	struct dm_reader rd;
	struct dm_cutter cut;
	struct dm_ckpt	*ckpt;
	struct dm_job	*head, *tail;	/* live jobs, in input order */
	int		 nlive, window, nrunning;
	unsigned long long nseq;	/* blocks cut so far */
	unsigned long long ndone, nfailed, nskipped, nretries;
	unsigned long long bytesdone, total;
	unsigned long long bytesskipped;	/* of bytesdone: done before --resume */
	int		 halting;	/* stop reading and launching */
	int		 found;		/* --halt first-success succeeded */
	int		 gap;		/* --halt now-failure left a block out:
					 * no output is written past it */
	int		 rejects, failed, fatal;
	int		 joblog;
	int		 rejfd;		/* --rejects FILE, or -1 */
	char		*rejdir;	/* the attempts' rejects files */
	char		*rejmark;	/* see dm_remote_rejmark */
	char		*sigmark;	/* see dm_remote_sigmark */
	double		 start, nextprog;
	struct pollfd	*pfd;
	struct dm_job	**pjob;
	int		*pkind;
};

/* ---- runrej.c: --rejects, the jobs' rejected lines gathered ---- */

/* Opens o->rejects (emptied, or added to with o->rejects_append) and a
 * directory for the attempts' files: 0, or -1 (reported). Nothing
 * without --rejects. */
int	 dm_rej_open(struct dm_sched *);
/* "DM_REJECTS=PATH" for j's next attempt, PATH its own file (j->rejpath);
 * NULL without --rejects. Allocated. */
char	*dm_rej_attempt(struct dm_sched *, struct dm_job *);
/* The attempt failed, or its output is not wanted: its file goes. */
void	 dm_rej_discard(struct dm_job *);
/* j's output has been delivered: its rejects are added to the file (a
 * write error ends the run). */
void	 dm_rej_deliver(struct dm_sched *, struct dm_job *);
/* Closes the file (an error ends the run) and removes the directory. */
void	 dm_rej_close(struct dm_sched *);
/* Whether the stderr line p[0..n) (p[n] its newline) of j is one of its
 * rejected lines from a host (j->rejmark): then it is added to
 * j->rejpath, and j->rejfail set (reported) when it cannot be. */
int	 dm_rej_line(struct dm_job *, const char *p, size_t n);

/* ---- runattempt.c: an attempt as a process ---- */

/* Starts the keeper, a process that stops the attempts still running
 * once dm-run is gone, even killed by SIGKILL, and then removes dir (the
 * attempts' rejects files; NULL: none); each attempt started by
 * dm_attempt_spawn is then known to it until it is reaped. */
void	 dm_attempt_keeper(const char *dir);
/* The children's environment: ours without DM_JOB, DM_SLOT, DM_ATTEMPT. */
void	 dm_attempt_env(struct dm_sched *);
/* Starts argv as the attempt of j on s, as start above says: its stdin
 * the block (or /dev/null in files mode), stdout and stderr pipes, in a
 * process group of its own, DM_JOB, DM_SLOT and DM_ATTEMPT set. */
void	 dm_attempt_spawn(struct dm_sched *, struct dm_jobslot *,
	    struct dm_job *, char *const argv[]);
/* The same for S->dargv, run as S->dpath with S->denvp: 0, or -1 when it
 * could not be started (nothing is left open). */
int	 dm_attempt_spawn_direct(struct dm_sched *, struct dm_jobslot *,
	    struct dm_job *);
/* LINE, or LINE:NAME, of DM_RUN_LINE for j's block: the input line it
 * starts with, and the operand it comes from when that is not standard
 * input, or the name that a dm-run running this one gave its standard
 * input (reader.c); allocated. NULL when not known: in files mode, with
 * more than one operand (whose lines a block may mix), or when the lines
 * are not counted. */
char	*dm_attempt_line(const struct dm_sched *, const struct dm_job *);

/* What the shell runs for j: j->run (dm_run_pipefail), else j->cmd. */
#define DM_JOB_RUN(j)	((j)->run != NULL ? (j)->run : (j)->cmd)

/* ---- runexec.c: a simple command without the shell ---- */

/* Sets S->dargv and the rest when cmd is a simple command the shell would
 * only split into words and exec (after dm_attempt_env); else nothing.
 * S->ddm is 1 when the program is named dm or dm-NAME.
 * S->dranged is 1 when the program is one of the dm tools next to this
 * dm-run that read standard input only through the reader, and so read a
 * block cut in place themselves (DM_RUN_RANGE, reader.c). */
void	 dm_runexec_init(struct dm_sched *, const char *cmd);
void	 dm_runexec_free(struct dm_sched *);
/* Whether the lines of blocks cut in place are counted by their jobs,
 * every job being local and reading its block itself: the blocks then
 * stay DM_LINE_LATER, and a job gets DM_RUN_LINE=LINE@OFFSET
 * (runattempt.c, reader.c). */
#define DM_LINES_BY_JOB(S)	((S)->dranged && (S)->o->hosts == NULL)
/* SIGTERM to j's process group, SIGKILL after DM_RUN_GRACE (timers). */
void	 dm_attempt_signal(struct dm_job *);
/* Ends an attempt whose backend saw it end (pid 0): status as waitpid's. */
void	 dm_attempt_end(struct dm_job *, int wstatus);
/* The common reading of an ended attempt's status: 0 ok, 1 rejects. */
enum dm_end dm_attempt_classify(const struct dm_job *);
/* Waits for the ended child processes (no waiting). */
void	 dm_attempt_reap(struct dm_sched *);
/* Stops every attempt and waits for them, SIGKILL after DM_RUN_GRACE. */
void	 dm_attempt_killall(struct dm_sched *);
/* A job's stderr: whole lines through to ours, the last ones kept. */
void	 dm_attempt_errlines(struct dm_job *, const char *, size_t, int eof);
void	 dm_fd_close(int *);
void	 dm_fd_nonblock(int);

/* ---- runjob.c: a job's life ---- */

/* Turns a block into a queued job, or skips it when --resume finds its
 * part; b->buf becomes the job's. */
void	 dm_job_new(struct dm_sched *, struct dm_block *);
void	 dm_job_free(struct dm_job *);
/* Starts an attempt of j on s through s's backend. */
void	 dm_job_launch(struct dm_sched *, struct dm_jobslot *, struct dm_job *);
/* Stops j's running attempt (once); killed: by a halt or a signal, so
 * neither a success nor a failure; quiet: as the backend's stop. */
void	 dm_job_stop(struct dm_sched *, struct dm_job *, int killed, int quiet);
/* Stops every running attempt (halt now, first-success, signals). */
void	 dm_job_stopall(struct dm_sched *);
/* An attempt ended and its pipes are closed: success, retry, move, or
 * failure for good, and the output delivered. */
void	 dm_job_finish(struct dm_sched *, struct dm_job *);
/* Drops the queued jobs when a halt stops launching. */
void	 dm_job_drop_queued(struct dm_sched *);
/* Whether outputs wait for their turn in input order. */
int	 dm_job_ordered(const struct dm_sched *);
/* In input order, the output of the jobs at the head that have finished,
 * written a piece (at most 1M) a call. */
void	 dm_job_emit_ordered(struct dm_sched *);
/* Whether the job at the head has finished and its output is being
 * written (standard output is then polled for room). */
int	 dm_job_emitting(const struct dm_sched *);

/* ---- runhosts.c: the host table ---- */

/* Builds the host table from o->hosts (or this machine alone) and gives
 * each its backend; the slots are not made. */
void	 dm_runhosts_init(struct dm_sched *);
/* Opens every host (dies when none is up) and makes the slots. */
void	 dm_runhosts_open(struct dm_sched *);
/* Ticks every host's backend; the earliest time one wants, or 0. */
double	 dm_runhosts_tick(struct dm_sched *, double now);
/* Closes each backend once, frees the table. */
void	 dm_runhosts_close(struct dm_sched *);
/* Marks h down; its running attempts are stopped and their jobs go
 * elsewhere, as if the host had dropped them. */
void	 dm_runhost_down(struct dm_sched *, struct dm_runhost *, const char *why);
/* Whether a host other than h (NULL: any) is up. */
int	 dm_runhost_otherup(const struct dm_sched *, const struct dm_runhost *);

/* ---- run.c: the loop ---- */

/* Writes p[0..n) to stderr whole, whatever it is: again after a signal
 * and after a short write, and once poll finds room when it is a full
 * non-blocking pipe; a line dropped there is lost for good. droppable:
 * nothing at all is written when there is no room at once. Gives up
 * after a second SIGINT or SIGTERM, or on an error: 0, or -1. */
int	 dm_run_stderr(const char *p, size_t n, int droppable);

/* ---- runlog.c: the job log, progress, messages ---- */

void	 dm_joblog_open(struct dm_sched *, const char *path);
void	 dm_joblog_line(struct dm_sched *, struct dm_job *, double runtime);
void	 dm_runlog_progress(struct dm_sched *, int last);
/* The input's size when it is known: regular, uncompressed files. */
unsigned long long dm_runlog_inputsize(int argc, char **argv);
/* "host 'a' is down; job 7 moved to 'b'", once a moved job starts. */
void	 dm_runlog_moved(struct dm_job *, struct dm_runhost *to);
void	 dm_runlog_retry(struct dm_sched *, struct dm_job *);
void	 dm_runlog_failure(struct dm_sched *, struct dm_job *);
/* "job 7 (input bytes 0-99): killed by --halt now-failure" */
void	 dm_runlog_halted(struct dm_sched *, struct dm_job *);
/* The pipeline report's fields of dm-run (report.h). */
void	 dm_runlog_report(struct dm_sched *);

#endif /* DM_BACKEND_H */
