/* deduprun.h - dm-dedup's run: the state, the passes, the stages, side files */
#ifndef DM_DEDUPRUN_H
#define DM_DEDUPRUN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "dedup.h"

/*
 * dm-dedup.c parses the options into a struct dedup_run and wires the passes:
 * dedup-run.c the single command (keys, clusters, pass two), dedup-stage.c
 * the stages, dedup-side.c their side files and the temporary files,
 * dedup-opt.c the settings. Errors on files die (exit 2) with the name.
 */

/* usage of dm-dedup, for the stages' operand errors */
extern const char *const dm_dedup_usage;

/* A run: the settings, then what pass one gathered. */
struct dedup_run {
	struct dm_dedup	 d;
	struct dm_io	 io;
	char		**keys;		/* -k, in order */
	size_t		 nkeys;
	const char	*mark;
	int		 verify;
	int		 signatures;	/* --signatures */
	int		 stdin_used;	/* read twice: see spool_stdin */
	int		*spooled;	/* see dm_dedup_spool_pipes */
	uint64_t	 limit;		/* lines pass two reads: those pass one
					   read, or those before a bad one
					   that stopped */
	/* pass one's inputs (see dm_dedup_watch): the lines read through
	 * each, and which file it was, so that pass two numbers each
	 * input's samples as pass one did whatever became of the others */
	struct dedup_input *inputs;
	int		 ninputs;
	void		(*release)(void *);	/* the reader's, chained */
	void		*release_arg;
	const char	*tmpdir;
	size_t		 memory;
	size_t		 recsz, keysz;
	struct dm_xsort	 xs;
	struct dm_uf	 uf;
	/* lines rejected in pass one, by number, ascending */
	uint64_t	*rej;
	size_t		 nrej, rejcap;
	/* --verify: the shingle sets, and an index of 16 bytes a sample */
	int		 setfd, idxfd;
	unsigned long long setoff;
	uint64_t	*sig;
	struct dm_buf	 key, err;
	/* stages */
	const char	*outdir;	/* -o */
	const char	*shard;		/* --shard */
	const char	*bandarg;	/* --band */
	int		 resume;
	uint64_t	 in[2];		/* sign: the input's size and XXH64 */
	int		 inpipe;	/* in is not known yet: piped stdin */
	struct dm_sfile	*pairs;		/* the pairs stage's output */
	const char	*labels;	/* cluster --labels SIGDIR */
	/* pairs with --verify: each shard's sets and index (sign's), -1
	 * until needed; at most setmax shards' are open at once, the least
	 * recently used closed first */
	int		*setfds, *idxfds;
	size_t		 nsetf;
	const char	*setdir;	/* SIGDIR */
	char		**setnames;	/* the shards' names */
	uint64_t	*setused, setclock;
	size_t		 nsetopen, setmax;
};

/* An input of pass one: the lines read through it (counted from the
 * first input's first), and its file's identity once it was open. */
struct dedup_input {
	uint64_t	 end;
	int		 seen;		/* end was recorded */
	int		 known;		/* dev, ino and size are */
	dev_t		 dev;
	ino_t		 ino;
	off_t		 size;
};

/* A sample of the stages: its shard's number, then its line's. */
#define SHARDBITS	40
#define LINEMASK	((1ULL << SHARDBITS) - 1)

static inline void
put64(unsigned char *p, uint64_t v)
{
	int i;

	for (i = 7; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char)v;
}

static inline uint64_t
get64(const unsigned char *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static inline int
cmpu64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* A group of equal keys, joined as it comes (dm_dedup_addrec): its key,
 * its first and last samples, and for SimHash one record a value. */
struct dedup_group {
	unsigned char	*key;
	size_t		 keycap;
	unsigned long long n;		/* records so far */
	uint64_t	 first, prev;
	uint64_t	*reps;		/* SimHash: value, sample, ... */
	size_t		 nr, repcap;
};

struct dedup_labels {
	uint64_t	*root;		/* sorted, unique */
	char		**label;	/* JSON, NULL until seen */
	size_t		 n;
};

static inline int
cmplab(const void *a, const void *b)
{
	return cmpu64(a, b);
}

/* ---- dedup-run.c: the single command ---- */

/* Notes line idx as rejected in pass one (ascending). */
void	 dm_dedup_addrej(struct dedup_run *, uint64_t idx);
/* Pass one: adds sample idx's keys to r->xs, or with --signatures writes
 * them; -1 with the reason in r->err. */
int	 dm_dedup_exactkey(struct dedup_run *, struct dm_sample *,
	    uint64_t idx);
/* Whether --mark's field can be set in the sample (which is left as it
 * is): -1 with the reason in r->err when it cannot. */
int	 dm_dedup_markable(struct dedup_run *, struct dm_sample *);
/* Exact keys are hashed in batches: this ends the last one, after pass
 * one's last sample. */
void	 dm_dedup_exactflush(struct dedup_run *);
int	 dm_dedup_nearkey(struct dedup_run *, struct dm_sample *, uint64_t idx);
/* The samples of a group of equal keys are one cluster (or candidates):
 * joined as the records come (dm_dedup_addrec, a new key ending the
 * group before), the rest when dm_dedup_group ends it. */
void	 dm_dedup_group(struct dedup_run *, struct dedup_group *);
void	 dm_dedup_addrec(struct dedup_run *, struct dedup_group *,
	    const void *);
void	 dm_dedup_groupfree(struct dedup_group *);
/* Sorts the keys of pass one and joins their clusters. */
void	 dm_dedup_clusters(struct dedup_run *);
/* The index of x in l->root, -1 if absent. */
long	 dm_dedup_findroot(const struct dedup_labels *, uint64_t x);
/* The id of a sample as JSON, or "file:line" as a JSON string. */
char	*dm_dedup_label(struct dm_sample *, const char *file,
	    unsigned long line);
/* Pass one: from now on, notes where each input of r->io.in ends and
 * which file it is; dm_dedup_watchend after the last sample. */
void	 dm_dedup_watch(struct dedup_run *);
void	 dm_dedup_watchend(struct dedup_run *);
/* Pass two: the output; -1 after a message when an input changed. */
int	 dm_dedup_output(struct dedup_run *, int argc, char **argv);
/* Makes standard input seekable (copied to tmpdir when it is not). */
void	 dm_dedup_spool_stdin(const char *tmpdir);
int	*dm_dedup_spool_pipes(const char *tmpdir, int argc, char **argv);

/* ---- dedup-stage.c: sign | pairs | cluster | apply, an exit status ---- */

int	 dm_dedup_stage_sign(struct dedup_run *, int argc, char **argv);
int	 dm_dedup_stage_pairs(struct dedup_run *, int argc, char **argv);
int	 dm_dedup_stage_cluster(struct dedup_run *, int argc, char **argv);
int	 dm_dedup_stage_apply(struct dedup_run *, int argc, char **argv);

/* ---- dedup-side.c: temporary and side files ---- */

/* An unlinked temporary file in dir. */
int	 dm_dedup_tmpfile(const char *dir);
void	 dm_dedup_pwrite(int fd, const void *, size_t, off_t,
	    const char *dir);
/* n bytes at off of fd, or dies naming dir (a temporary file's). */
void	 dm_dedup_pread(int fd, void *, size_t, off_t, const char *dir);
/* --verify: stores the shingle set of sample idx (from r->d.h); whether
 * x and y are similar enough (always without --verify). */
void	 dm_dedup_saveset(struct dedup_run *, uint64_t idx);
int	 dm_dedup_similar(struct dedup_run *, uint64_t x, uint64_t y);
/* The pairs stage: closes the shards' sets that loadset opened. */
void	 dm_dedup_closesets(struct dedup_run *);
/* Whether a stage output is done (see --resume): whole, and made with
 * set when not NULL and from the input in when not NULL (see
 * dm_sfile_check); a damaged one is made again after a message; dies
 * when it exists without --resume or has other settings or input. */
int	 dm_dedup_done(const struct dedup_run *, const char *path,
	    uint32_t kind, const char *set, const uint64_t *in);
/* ---- dedup-inhash.c: sign's input, for --resume ---- */

/* The size and XXH64 of the bytes of file (standard input when NULL or
 * "-", from where it is) into r->in. Piped standard input is not read:
 * r->inpipe is set instead, until dm_dedup_inputend. A file that is not
 * one (a named pipe, <(cmd)) is copied to --tmp first: r->spooled, for
 * the reader's in.spooled. */
void	 dm_dedup_inputid(struct dedup_run *, const char *file);
/* With r->inpipe: from now on the pipe is hashed as descriptor 0 is read
 * (by a thread that passes its bytes on: nothing is copied to a file). */
void	 dm_dedup_inputtap(struct dedup_run *);
/* With r->inpipe: reads what is left of the pipe (all of it without
 * dm_dedup_inputtap), puts its size and hash in r->in and clears
 * r->inpipe; dies when it could not be read. */
void	 dm_dedup_inputend(struct dedup_run *);

/* The names of DIR's entries ending in suffix (without it), sorted. */
char	**dm_dedup_listdir(const char *dir, const char *suffix, size_t *n);
void	 dm_dedup_freenames(char **, size_t);
/* DIR/SUB/NAME.EXT of the stage's output directory, opened under a
 * temporary name (mode "w"), or of --labels by its own ("r", NULL when
 * missing); dm_dedup_sidecommit closes it, with the shard's tag
 * (dm_sfile_tag), and gives it its name. */
FILE	*dm_dedup_sidefile(const struct dedup_run *, const char *sub,
	    const char *name, const char *ext, const char *mode);
void	 dm_dedup_sidecommit(const struct dedup_run *, const char *sub,
	    const char *name, const char *ext, FILE *, uint64_t tag);
/* dm_dedup_sidecommit without the rename (dm_sfile_rename does it). */
void	 dm_dedup_sideseal(const struct dedup_run *, const char *sub,
	    const char *name, const char *ext, FILE *, uint64_t tag);
/* Opens the side file path of the extension's kind for reading, after
 * its header, its tag in *tag when not NULL: NULL when it cannot be
 * opened (errno), dies when it is not a whole side file of the kind. */
FILE	*dm_dedup_sideopen(const char *path, const char *ext, uint64_t *tag);
/* The n labels of NAME.mark beside the removals file rmpath (NAME.rm);
 * dies when they are not of the shard of the tag. */
char	**dm_dedup_readmarks(const char *rmpath, size_t n, uint64_t tag);

/* ---- dedup-opt.c: settings ---- */

/* --params: the settings as one JSON line on standard output. */
void	 dm_dedup_printparams(const struct dedup_run *);
/* The default --memory: a quarter of RAM, or of the cgroup's memory limit
 * when less, at most 2G. */
size_t	 dm_dedup_defmemory(void);
/* The settings stage files carry, as JSON (to free); a later stage takes
 * the mode, keys and verify from them (dying on damaged ones). */
char	*dm_dedup_settings(const struct dedup_run *);
void	 dm_dedup_usesettings(struct dedup_run *, const char *path,
	    const char *set);

#endif /* DM_DEDUPRUN_H */
