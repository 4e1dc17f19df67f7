/* run.h - dm-run: options, the block cutter, held output, part files */
#ifndef DM_RUN_H
#define DM_RUN_H

/*
 * Which file owns what (the scheduler's internals, and the seam a new way
 * of running jobs plugs into, are in backend.h):
 *   run.c         the event loop: setup, feed, launch, io, timers
 *   runjob.c      a job's life: made from a block, finished, retried,
 *                 dropped, and deliver(): where its output goes
 *   runattempt.c  an attempt as a process: argv, env, pipes, stop, reap,
 *                 stderr lines and tail
 *   runlocal.c    the backend of this machine's processes
 *   runexec.c     a simple command started without /bin/sh
 *   runssh.c      the backend of ssh hosts: probe, ship, retry
 *   runslurm.c    the backend of Slurm: job arrays, polled (slurm.h:
 *                 slurmspool.c the spool, slurmcmd.c the Slurm commands,
 *                 slurmstatus.c --status)
 *   runhosts.c    the host table (built once, for a run and for --check),
 *                 down and up, and --check's table
 *   runlog.c      the job log, progress and the messages about jobs
 *   runblock.c    the block cutter
 *   runheld.c     a job's output held until it is wanted
 *   runckpt.c     --output-dir: part files and their manifest
 */

#include "dm.h"
#include "remote.h"

/*
 * runblock.c cuts the input into blocks of whole lines. A block never splits
 * a line; it holds at most size bytes (--block), or lines lines (--lines),
 * except that a line longer than size is a block by itself. In files mode a
 * block is one line. Bytes are the input's own: blank lines, CRs and a last
 * line without a newline stay as they are.
 */
struct dm_block {
	char		*buf;		/* the caller owns it (free) */
	size_t		 len;
	unsigned long long off;		/* offset in the (decompressed) input */
	unsigned long long line;	/* the input line it starts with, 1 on */
	size_t		 cap;		/* for dm_block_free */
};

struct dm_cutter {
	struct dm_reader *r;
	size_t		 size;		/* --block, when lines is 0 */
	unsigned long long lines;	/* --lines; 1 in files mode */
	char		*buf;
	size_t		 start, len, cap;
	size_t		 scan;		/* newlines are counted up to here */
	unsigned long long nl;		/* newlines in [start, scan) */
	unsigned long long off;		/* input offset of buf[start] */
	unsigned long long line;	/* input line number at off, 0 before
					 * the first block */
	int		 eof;
	int		 sized;		/* the input whose pipe was enlarged */
	/* in place: the input is one regular file, read by the jobs from
	 * the page cache (dm_cutter_send), never copied into blocks */
	int		 rfd;		/* the file, or -1 */
	unsigned long long base;	/* its offset of input offset 0 */
	unsigned long long fsize;	/* input bytes from base on */
	char		*win;		/* for finding line ends */
	/* in place without --block (dm_cutter_guided): 0, or the slots
	 * that share the file, and the largest and smallest block */
	int		 slots;
	size_t		 bulk, least;
	/* paced: the blocks after the first are sized by the jobs' speed
	 * (dm_cutter_pace), want being the next one's size, or 0 */
	int		 paced;
	unsigned long long want;
	/* whether the blocks' lines are counted (line, dm_block.line):
	 * when a job may have a dm tool read its block (DM_RUN_LINE) */
	int		 count;
	/* in place, cut by size: the lines are counted from the start of
	 * the input up to cntoff, where line is (dm_cutter_lineat) */
	unsigned long long cntoff;
	int		 shorter;	/* the file was found cut short (said) */
};

/* dm_block.line of a block cut in place by size: its lines are counted
 * when its job starts (dm_cutter_lineat), not when it is cut. */
#define DM_LINE_LATER	(~0ULL)

void	 dm_cutter_init(struct dm_cutter *, struct dm_reader *, size_t size,
	    unsigned long long lines);
/* The descriptor to poll for reading before dm_cutter_read, or -1 when a
 * read needs no waiting (buffered, compressed, or the next operand). */
int	 dm_cutter_fd(const struct dm_cutter *);
/* Reads once: 1 when bytes came, 0 at the end of the input (eof is set). */
int	 dm_cutter_read(struct dm_cutter *);
/* 1 with the next block in *b; 0 when more input is needed or, once eof is
 * set, when no block is left (see dm_cutter_done). */
int	 dm_cutter_next(struct dm_cutter *, struct dm_block *b);
/*
 * In place, cut by size: the line at input offset off, the start of a
 * block, counted on from the last offset counted (or from the start when
 * off is before it). dm_cutter_precount counts on towards off by at most
 * most bytes: 1 while off is not reached, 0 once it is or the file ends
 * before it (said, as when cutting). Counting a block only when its job
 * is about to start, or while the jobs run, makes no job wait for the
 * lines of the blocks cut after it: the first job starts at once.
 */
unsigned long long dm_cutter_lineat(struct dm_cutter *, unsigned long long off);
int	 dm_cutter_precount(struct dm_cutter *, unsigned long long off,
	    size_t most);
int	 dm_cutter_done(const struct dm_cutter *);
void	 dm_cutter_free(struct dm_cutter *);
/*
 * In place: when the input is a single regular, uncompressed file (stdin
 * or one operand), blocks are cut by reading only around their ends, and
 * each block is a range of the file (b->buf NULL) that dm_cutter_send
 * moves into a job's pipe with splice(2), inside the kernel. The blocks
 * are the same as read through a pipe; the file's size is taken once, at
 * the start. dm_cutter_inplace, called once before any read, turns it on
 * when the input allows: 1 when it did, else 0 (and the input is read as
 * usual).
 */
int	 dm_cutter_inplace(struct dm_cutter *);
/*
 * In place, blocks sized by the file for slots jobs at a time, instead of
 * the fixed size: a job costs a process start, so big files get blocks of
 * their size / (2 * slots), from 8M to 32M (bulk); and the last blocks
 * shrink, each the bytes left divided by slots but never below bulk / 16,
 * so that the slots run out of work together instead of one finishing a
 * whole block alone. With own, the jobs read their blocks themselves
 * (DM_RUN_RANGE): a block then costs this loop nothing but the job's
 * start, which a dm tool pays again (about 10 ms of a slot), so blocks go
 * up to 64M and the last ones shrink to a quarter of bulk only. Called
 * after dm_cutter_inplace said 1.
 */
void	 dm_cutter_guided(struct dm_cutter *, int slots, int own);
/* Lets go of a block's buffer (NULL: none), cap as the block said: a few
 * whole-block buffers are kept for the next blocks, whose pages are then
 * already there. */
void	 dm_block_free(char *buf, size_t cap);
/* Moves up to n bytes of the input from offset off into fd (a pipe, non-
 * blocking): the bytes moved, or -1 with errno (EAGAIN: the pipe is full). */
ssize_t	 dm_cutter_send(const struct dm_cutter *, int fd,
	    unsigned long long off, size_t n);
/* XXH64 of n bytes of the input at offset off, as dm_hash64 of them;
 * 0, or -1 (reported). */
int	 dm_cutter_hash(struct dm_cutter *, unsigned long long off,
	    size_t n, uint64_t *);
/* For a paced cutter: the next block is sized so that, with ahead bytes
 * still to be done by the running jobs, every slot ends at the same time:
 * its share of what is left. */
void	 dm_cutter_pace(struct dm_cutter *, unsigned long long ahead);
/* Says that the file is shorter than when the run began, once a run:
 * each place that finds it would say it again. */
void	 dm_cutter_shorter(struct dm_cutter *);

/*
 * runheld.c: a job's output, held until the job has succeeded. Bytes are kept
 * in memory while all held output together stays within the budget
 * (dm_held_budget), and beyond it in an unlinked temporary file in $TMPDIR,
 * so that nothing is left behind whatever happens. DM_HELD_INIT needs no
 * allocation.
 */
struct dm_chunk;
struct dm_held {
	struct dm_chunk	*head, *tail;
	unsigned long long len;		/* bytes held */
	int		 fd;		/* the spill file, or -1 */
	unsigned long long done;	/* bytes of them written by emit */
	size_t		 hoff;		/* of which in head */
};
#define DM_HELD_INIT	{ NULL, NULL, 0, -1, 0, 0 }

void	 dm_held_budget(size_t);	/* memory for all held output */
/* Reads once from fd (non-blocking) into h: the bytes read, 0 at EOF, -1
 * with errno from read (EAGAIN: nothing now), or -2 when the spill file
 * could not be made or written (reported). */
long	 dm_held_fill(struct dm_held *, int fd);
/* Writes everything held to fd, in order, whole (waiting for room when fd
 * is non-blocking): 0, or -1 with errno. h is unchanged. */
int	 dm_held_write(struct dm_held *, int fd);
/* Writes the next bytes held (at most max) to fd, in order, whole, and
 * lets go of the memory they took: 1 when all of h is written, 0 when
 * more is left (or fd is non-blocking and full: poll it), -1 with errno. */
int	 dm_held_emit(struct dm_held *, int fd, size_t max);
void	 dm_held_clear(struct dm_held *);	/* back to DM_HELD_INIT */
/*
 * The file for a job to write its output into itself, for an empty h, in
 * a $TMPDIR with at least room bytes free: its descriptor (h's, for the
 * job to duplicate), or -1 (the job writes into a pipe then). Once the
 * job has ended, dm_held_filed takes what it wrote as h's bytes: 0, or -1
 * (reported); for any other h, it changes nothing.
 */
int	 dm_held_file(struct dm_held *, unsigned long long room);
int	 dm_held_filed(struct dm_held *);
/* Writes p[0..n) to fd whole, again after EINTR, waiting for room when fd
 * is non-blocking: 0, or -1 with errno. */
int	 dm_fd_writeall(int fd, const char *p, size_t n);
/* Adds the whole file from to fd (the file to, in messages): 1, 0 when
 * from does not exist, -1 (reported). */
int	 dm_fd_copyfile(const char *from, int fd, const char *to);

/*
 * runckpt.c: --output-dir. Each block's output becomes DIR/part-NNNNNN.jsonl
 * (NNNNNN the job's sequence number), written as .part-NNNNNN.jsonl.tmp,
 * synced, recorded in DIR/_MANIFEST (synced), then renamed: after a crash at
 * any instant, a part that exists is complete and recorded, and a recorded
 * part that is missing is simply done again. The manifest's first lines hold
 * the block settings and the command; then one line per finished part with
 * its input range and a hash of its input bytes, so that a resumed run can
 * check that it cuts the same input the same way, and its job's exit
 * status, so that it exits as one uninterrupted run would. Every function reports
 * its own errors (naming DIR) and returns -1 after that.
 */
struct dm_ckpt;
/* Opens DIR (creating it). Without resume, a DIR that holds parts or a
 * manifest is an error; with it, the manifest must match settings and
 * command. Stale temporary parts and _SUCCESS are removed. */
struct dm_ckpt *dm_ckpt_open(const char *dir, int resume, const char *settings,
	    const char *command);
/* Whether the part of block seq is done: 1 (recorded with this input range
 * and hash, and present; *status is then the exit status of its job, 0 or
 * 1), 0 (to be run), -1 when the block differs from the one recorded. */
int	 dm_ckpt_done(struct dm_ckpt *, unsigned long long seq,
	    unsigned long long off, unsigned long long len, uint64_t hash,
	    int *status);
/* Writes the part of block seq from h, made by a job that exited status
 * (0 or 1), as described above; 0 or -1. */
int	 dm_ckpt_commit(struct dm_ckpt *, unsigned long long seq,
	    unsigned long long off, unsigned long long len, uint64_t hash,
	    int status, struct dm_held *h);
/* Keeps the records of block seq's rejected lines, the file at from (none
 * when it does not exist), as DIR/rejects-NNNNNN.jsonl: written whole
 * under a temporary name and renamed, before the part is; 0 or -1. */
int	 dm_ckpt_rejects(struct dm_ckpt *, unsigned long long seq,
	    const char *from);
/* Adds the records kept for blocks 1 to nblocks, in order, to fd (the
 * file name); 0 or -1. */
int	 dm_ckpt_gather(struct dm_ckpt *, unsigned long long nblocks, int fd,
	    const char *name);
/* After a complete run of nblocks blocks: checks that the run being
 * resumed had no more blocks, then writes DIR/_SUCCESS; 0 or -1. */
int	 dm_ckpt_finish(struct dm_ckpt *, unsigned long long nblocks);
void	 dm_ckpt_free(struct dm_ckpt *);

/* run.c: the scheduler. */

enum dm_halt {
	DM_HALT_NEVER,		/* run every job, then report */
	DM_HALT_FIRST_FAILURE,	/* stop launching; running jobs finish */
	DM_HALT_NOW_FAILURE,	/* kill the running jobs */
	DM_HALT_FIRST_SUCCESS	/* emit the first job with output, kill the rest */
};

struct dm_runopts {
	const char	*command;	/* run by /bin/sh -c */
	int		 listed;	/* the operands come from --files0-from */
	int		 jobs;		/* slots on this machine */
	size_t		 block;		/* bytes a block, when lines is 0 */
	int		 blockset;	/* --block given: always that size */
	unsigned long long lines;	/* lines a block, or 0 */
	int		 files;		/* one job a line, {} replaced */
	int		 unordered;
	int		 retries;
	double		 timeout;	/* seconds, 0 for none */
	enum dm_halt	 halt;
	const char	*joblog;	/* or NULL */
	const char	*outdir;	/* or NULL: standard output */
	int		 resume;
	size_t		 buffer;	/* memory for held output */
	int		 progress;
	const char	*rejects;	/* --rejects FILE or $DM_REJECTS, NULL */
	int		 rejects_append; /* it is $DM_REJECTS: added to */
	/* ssh hosts: NULL runs jobs slots on this machine */
	const struct dm_hosts *hosts;
	const char	*ssh;		/* --ssh, or NULL: $DM_SSH or ssh */
	char		**env;		/* --env names, NULL-terminated, or NULL */
	int		 ship;		/* copy dm to the hosts, use that copy */
	int		 compress;	/* compression on the ssh connections */
	double		 hostretry;	/* seconds before a down host is probed */
	double		 hosttimeout;	/* seconds of silence before a ping */
	/* Slurm (runslurm.c, slurm.h): spool not NULL runs the jobs as job
	 * arrays */
	const char	*spool;		/* --spool DIR */
	const char	*sbatch;	/* --sbatch OPTS, or NULL */
	int		 bpt;		/* --blocks-per-task, 0: chosen */
};

/* Runs the command over the inputs (argc operands, none for standard
 * input) and returns the exit status: 0, 1 when a job exited 1, 2 when a
 * job failed for good or an input could not be read, 128 + N after signal
 * N (the caller passes it to dm_exit). */
int	 dm_run(const struct dm_runopts *, int argc, char **argv);
/* Becomes the keeper of a run (runattempt.c), that dm-run started as
 * itself, when argv says so; else returns. */
void	 dm_run_keeper(int argc, char **argv);
/* --check: probes every host of o->hosts (shipping dm first with o->ship)
 * and prints a table; 0 when every host can run dm, 1 when one cannot. */
int	 dm_run_check(const struct dm_runopts *);
/* runpipe.c: the script that runs cmd, a pipeline of two stages or more,
 * and exits with the status of the last stage that failed; NULL when cmd
 * is not such a pipeline, or more than runpipe.c reads, and the shell
 * runs it as it is. */
char	*dm_run_pipefail(const char *cmd);

#endif /* DM_RUN_H */
