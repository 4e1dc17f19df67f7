/* slurm.h - dm-run on Slurm: the spool, the Slurm commands, --status */
#ifndef DM_SLURM_H
#define DM_SLURM_H

#include <stdint.h>

#include "run.h"

/*
 * The spool is a directory on storage that every node sees. The driver
 * (dm-run --slurm) writes the blocks and the element script there and
 * submits job arrays; each array element runs the command on its blocks
 * and renames each block's output into place. Layout:
 *
 *   _SPOOL              "dm-run spool 1", then "settings ..." (how the
 *                       input is cut): what a resumed run must match
 *   command             the command, as given
 *   _BLOCKS             one line a block written: "SEQ OFF LEN HASH"
 *                       (HASH: dm_hash64 of its bytes, 16 hex digits),
 *                       then "end N" once the whole input is cut
 *   _LOCK               flock(2)ed by the driver while it runs
 *   _SUCCESS            made at the end of a complete run
 *   job.sh              the element script (sbatch job.sh K)
 *   in/NNNNNN           block SEQ's bytes; in files mode instead
 *   cmd/NNNNNN          the command of that line (stdin /dev/null)
 *   sub/K.map           submission K: line I lists the blocks of element
 *                       I as SEQ:ATTEMPT:SLOT:LINE (LINE: the input line
 *                       the block starts with, 0 when not counted; a map
 *                       of an older dm-run has SEQ:ATTEMPT:SLOT)
 *   name                the name of the input, when it is one operand
 *                       (DM_RUN_LINE's NAME), written before the maps
 *   sub/K.id            the array's job id, once sbatch answered
 *   tmp/                an attempt's part, NNNNNN.JOBID.TASK.RESTARTS,
 *                       until it is renamed
 *   part/NNNNNN         block SEQ's output: it exists = the block is done
 *   rej/NNNNNN          the records of the lines its dm tools rejected
 *                       (DM_REJECTS), in place before the part; none when
 *                       they rejected none
 *   st/NNNNNN.A         how attempt A of block SEQ ended: "STATUS NODE
 *                       START END" (exit status, node, epoch seconds),
 *                       then " SIGNAL" when the command's shell died of
 *                       signal SIGNAL (STATUS is 128 + SIGNAL then);
 *                       or, written by the driver when Slurm ended the
 *                       element first, "WORD NODE" (squeue's TIMEOUT,
 *                       CANCELLED, NODE_FAIL, ...)
 *   st/NNNNNN.ok        the same for the attempt whose part is in place
 *   err/NNNNNN.A        the standard error of attempt A
 *   log/JOBID_TASK.out  Slurm's own output of an element
 *
 * NNNNNN is SEQ in six digits or more. Every file the driver writes is
 * written under a temporary name and renamed; an element writes its part
 * under a name that holds its job id and restart count, so two attempts
 * of one block (a requeue while the first still runs on a lost node)
 * never write into the same file.
 */

#define DM_SPOOL_MAGIC	"dm-run spool 1"

struct dm_spool_block {
	unsigned long long off, len;
	uint64_t	 hash;
	int		 known;		/* recorded in _BLOCKS */
};

struct dm_spool {
	char		*dir;		/* absolute, no trailing slash */
	int		 lockfd;
	struct dm_spool_block *blocks;	/* [seq], seq from 1 */
	unsigned long long nblocks;	/* highest seq recorded */
	unsigned long long nend;	/* "end N", or 0: input not all cut */
	int		 nsub;		/* submissions made so far */
	int		 blocksfd;	/* _BLOCKS, for appending */
};

/* Opens the spool in dir for a run: creates it (and its subdirectories),
 * or with resume checks that it holds a run with these settings and this
 * command; takes _LOCK. Without resume, a spool that holds a run is an
 * error. Reports and returns -1 on failure. */
int	 dm_spool_open(struct dm_spool *, const char *dir, int resume,
	    const char *settings, const char *command);
/* Opens an existing spool read-only for --status (no lock, no check of
 * settings); -1 (reported) when dir is not a spool. */
int	 dm_spool_read(struct dm_spool *, const char *dir);
void	 dm_spool_close(struct dm_spool *);
/* Whether a driver holds the spool's lock now. */
int	 dm_spool_busy(const struct dm_spool *);

/* Writes block seq (and in files mode, cmd, its command) into the spool,
 * unless it is there already with the same bytes: 0; -1 (reported) when
 * it is there with other bytes (another input) or cannot be written. */
int	 dm_spool_put(struct dm_spool *, unsigned long long seq,
	    unsigned long long off, const char *in, size_t len,
	    const char *cmd);
/* Records that the input ended after n blocks. */
int	 dm_spool_end(struct dm_spool *, unsigned long long n);
/* Whether block seq's part is in place. */
int	 dm_spool_done(const struct dm_spool *, unsigned long long seq);
/* How attempt (0: the one whose part is in place) of block seq ended, as
 * its st file says: the exit status, and the node into node (size n);
 * DM_SPOOL_SLURMEND when Slurm ended it first, its word (TIMEOUT, ...)
 * into word (size wn; either may be NULL); -1 when there is no file. */
#define DM_SPOOL_SLURMEND	(-2)
int	 dm_spool_status(const struct dm_spool *, unsigned long long seq,
	    int attempt, char *node, size_t n, char *word, size_t wn);
/* The signal that the command of attempt of block seq died of, as its
 * element said (STATUS is 128 + it); 0 when it did not, or the element
 * could not tell (then STATUS 128 + N may be either). */
int	 dm_spool_termsig(const struct dm_spool *, unsigned long long seq,
	    int attempt);
/* Records that Slurm ended attempt of block seq before the attempt's own
 * end ("WORD NODE" in its st file), unless it has its record already. */
int	 dm_spool_ended(const struct dm_spool *, unsigned long long seq,
	    int attempt, const char *word, const char *node);
/* The path of a spool file: "part", "rej", "st", "err", "in", "cmd" with seq
 * (and attempt for st and err; 0 makes .ok for st). */
void	 dm_spool_path(const struct dm_spool *, struct dm_buf *,
	    const char *what, unsigned long long seq, int attempt);
/* Writes the map of a new submission, n elements of lines[i] each, and
 * returns its number K; -1 (reported) on failure. */
int	 dm_spool_submission(struct dm_spool *, char *const *lines, int n);
/* Records the name of the input (NULL: none, standard input): 0, or -1
 * (reported). */
int	 dm_spool_name(struct dm_spool *, const char *name);
/* Records K's array job id. */
int	 dm_spool_subid(struct dm_spool *, int k, const char *id);
/* The array job id of submission K into id (size n): 0, or -1 when K has
 * none (sbatch never answered). */
int	 dm_spool_getid(const struct dm_spool *, int k, char *id, size_t n);
/* Element task of submission K: its SEQ:ATTEMPT:SLOT:LINE line, into
 * line. */
int	 dm_spool_element(const struct dm_spool *, int k, int task,
	    struct dm_buf *line);
/* The entry of an element's line at *p (SEQ:ATTEMPT:SLOT:LINE, or
 * SEQ:ATTEMPT:SLOT in an older map): its SEQ and ATTEMPT, and *p moved
 * to the next one; 1, or 0 when there is none. */
int	 dm_spool_entry(const char **p, unsigned long long *seq, int *attempt);
/* Removes what the attempts left in tmp/: call it when none runs. */
void	 dm_spool_clean(struct dm_spool *);
/* Marks the run complete (_SUCCESS). */
int	 dm_spool_success(struct dm_spool *);
/* The name every array of this spool gets: "dm-" and a hash of the path. */
void	 dm_spool_jobname(const struct dm_spool *, char *name, size_t n);

/*
 * slurmcmd.c: sbatch, squeue, scancel and scontrol, found in
 * $DM_SLURM_BIN, else on PATH. Each call reports its own failure (the
 * command's own message) and returns -1 after that.
 */
enum dm_slurm_state {
	DM_SL_PENDING,		/* waiting, or requeued */
	DM_SL_RUNNING,		/* running, suspended, completing */
	DM_SL_COMPLETED,
	DM_SL_FAILED,		/* ended otherwise: the word says how */
	DM_SL_CANCELLED,
	DM_SL_TIMEOUT
};

struct dm_slurm_elem {
	char		 job[32];	/* ARRAYID */
	int		 task;		/* the array index */
	enum dm_slurm_state state;
	char		 word[24];	/* squeue's %T: COMPLETED, NODE_FAIL, ... */
	char		 node[64];	/* where it runs or ran, or "" */
};

/* Finds the four commands: 0, or -1 with "'sbatch' not found ..." said. */
int	 dm_slurm_find(void);
/* MaxArraySize from `scontrol show config`; -1 when the controller does
 * not answer (reported). */
long	 dm_slurm_maxarray(void);
/* Runs sbatch with args (after the command's name) and sets id (size n)
 * to the job id it printed; with id NULL, only its success counts (for
 * --test-only). */
int	 dm_slurm_sbatch(char *const *args, char *id, size_t n);
/* Every element of the arrays named name, whatever their state: *v holds
 * *n of them (the caller frees *v). */
int	 dm_slurm_squeue(const char *name, struct dm_slurm_elem **v, size_t *n);
/* Cancels the jobs or elements in ids ("12", "12_3"); n of them. */
int	 dm_slurm_scancel(char *const *ids, size_t n);
/* Cancels every job named name (every array of a spool, even one whose
 * sbatch was cut short before it said its id). */
int	 dm_slurm_scancel_name(const char *name);
/* A Slurm command under way when a signal stops dm-run is killed at once
 * (dm_capture_wait), and one run after it gets 2.5 s: the driver ends
 * within seconds of SIGINT or SIGTERM, whatever the controller does. */

/* slurmstatus.c: --status DIR [--json]: the exit status of dm-run. */
int	 dm_slurm_status(const char *dir, int json);

#endif /* DM_SLURM_H */
