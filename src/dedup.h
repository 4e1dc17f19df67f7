/* dedup.h - dm-dedup's keys, signatures, external sort and clusters */
#ifndef DM_DEDUP_H
#define DM_DEDUP_H

#include <stddef.h>
#include <stdint.h>

#include "dm.h"

/* ---- dedup.c: what makes two samples the same ---- */

enum dm_dedup_mode { DM_DEDUP_EXACT, DM_DEDUP_MINHASH, DM_DEDUP_SIMHASH };
enum dm_dedup_preset { DM_PRESET_DJ, DM_PRESET_DATATROVE, DM_PRESET_DATAMATE };
enum dm_dedup_tok { DM_TOK_SPACE, DM_TOK_PUNCT, DM_TOK_CHAR };

#define DM_DEDUP_MAXPERMS	4096
/* The longest record of a band: its number, 4096 rows of 8 bytes, the
 * sample's index */
#define DM_DEDUP_MAXREC		(2 + 8 * DM_DEDUP_MAXPERMS + 8)
/* SimHash tables: a record holds the table's number in 2 bytes */
#define DM_DEDUP_MAXTABLES	65535

/*
 * The settings of one run; dm_dedup_setup fills the derived ones (bands and
 * rows from optimal_param when not given, the permutation tables, the
 * SimHash tables) and checks them together.
 */
struct dm_dedup {
	enum dm_dedup_mode	 mode;
	enum dm_dedup_preset	 preset;
	enum dm_dedup_tok	 tok;
	int		 window;	/* shingle size in tokens */
	int		 lowercase;	/* exact: --lowercase; near: always */
	int		 nonchar;	/* exact: --ignore-non-character */
	struct dm_re	*ignore;	/* Data-Juicer near: --ignore, removed
					 * after the lower case */
	const char	*ignorepat;
	double		 threshold;	/* Jaccard */
	int		 perms;		/* MinHash permutations */
	int		 bands, rows;	/* 0: from optimal_param */
	int		 blocks, hamming;	/* SimHash */
	uint64_t	*a, *b;		/* the permutations, perms of each */
	uint32_t	*alo, *ahi;	/* a's halves */
	/* SimHash: the bit masks of the blocks and of each table's key */
	uint64_t	 blockmask[64];
	uint64_t	*tablemask;
	int		 ntables;
	/* scratch */
	struct dm_buf	 t1, t2, t3;
	uint64_t	*h;		/* shingle hashes of the current text */
	size_t		 nh, hcap;
	size_t		*off;		/* token boundaries */
	size_t		 noff, offcap;
	/* Data-Juicer's one-block shingles, SHA-1 blocks waiting to be
	 * hashed together, and their places in h */
	unsigned char	*blk;
	size_t		*blkat;
	uint32_t	*blkh;
	size_t		 nblk, blkcap;
	/* A long text's hashes are folded as they come, so that its shingles
	 * take bounded memory: h keeps the last ones, msig the minima of the
	 * others (MinHash) or cnt their bit counts (SimHash). */
	size_t		 offmax;	/* off[] is shingled at this many */
	int		 offkind;	/* what off[] holds (dedup.c) */
	int		 folded;	/* some hashes are in msig or cnt */
	int		 collect;	/* h gathers the set instead */
	uint64_t	*msig;		/* perms minima, then perms scratch */
	long		 cnt[64];
	const char	*text;		/* dm_dedup_shingles' text, for */
	size_t		 textlen;	/* dm_dedup_shingleset */
};

/* Defaults of Data-Juicer's document_minhash_deduplicator. */
void	 dm_dedup_init(struct dm_dedup *);
/* Checks the settings, computes the derived ones and loads the tables
 * from the share directory; -1 with a message in err when the settings
 * do not go together, -2 when a table cannot be read. */
int	 dm_dedup_setup(struct dm_dedup *, struct dm_buf *err);
/* The SimHash tables of --blocks and --hamming (hamming < blocks): every
 * choice of blocks - hamming blocks; at most DM_DEDUP_MAXTABLES are made. */
long double dm_dedup_ntables(int blocks, int hamming);
void	 dm_dedup_free(struct dm_dedup *);
/* Reads n permutations (a, b), "a b" a line in decimal, from the table
 * name of the share directory; -1 with "path[:line]: why" in err. */
int	 dm_dedup_readperms(const char *name, int n, uint64_t *a, uint64_t *b,
	    struct dm_buf *err);
/* Data-Juicer's optimal_param: the bands and rows per band minimizing the
 * false positive and false negative probabilities (weights 0.5 each). */
void	 dm_dedup_optimal(double threshold, int perms, int *bands, int *rows);
/* The exact key of a text: the MD5 of it stripped, after --lowercase and
 * --ignore-non-character. The caller appends several with a separator. */
void	 dm_dedup_normalize(struct dm_dedup *, const char *s, size_t n,
	    struct dm_buf *out);
/* Hashes the shingles of a text into d->h (d->nh of them): sha1_hash32 for
 * Data-Juicer's MinHash, xxh64 for datatrove's, the first 8 bytes of MD5
 * (big-endian) for SimHash. Duplicates are kept. -1, with why in err, when
 * --ignore's pattern fails on the text (re.c's limits). */
int	 dm_dedup_shingles(struct dm_dedup *, const char *s, size_t n,
	    struct dm_buf *err);
/* The hashes in d->h are all the shingles' only for a short text: a long
 * one's are folded into the signatures as they come (d->nh is still 0 only
 * for no shingle). This sorts the set of the shingles' hashes into d->h, a
 * long text's hashed again, and returns their number (--verify); the text
 * given dm_dedup_shingles must not have changed. */
size_t	 dm_dedup_shingleset(struct dm_dedup *);
/* The MinHash signature (d->perms values) of the text's shingles, which
 * must not be none. */
void	 dm_dedup_minhash(struct dm_dedup *, uint64_t *sig);
/* The SimHash (simhash-cpp's compute) of the text's shingles; 0 for none. */
uint64_t dm_dedup_simhash(const struct dm_dedup *);
/* Data-Juicer's sha1_hash32: the first 4 bytes of SHA-1, little-endian. */
uint32_t dm_sha1_hash32(const void *, size_t);
/* The one-block SHA-1 message of n bytes (n < 56) padded, in blk (the
 * message may be there already). */
void	 dm_sha1_pad(unsigned char blk[64], const void *, size_t n);
/* dm_sha1_hash32 of n messages padded by dm_sha1_pad, 64 bytes each in
 * blk: out[i] is block i's. With AVX-512, 16 at a time. */
void	 dm_sha1_hash32_blocks(size_t n, const unsigned char *blk,
	    uint32_t *out);
/* The MD5 of n texts (p[i], len[i] bytes) into out[i]: with AVX-512, 16
 * at a time, each as dm_md5 gives it. */
void	 dm_dedup_md5_many(size_t n, const unsigned char *const *p,
	    const size_t *len, unsigned char (*out)[16]);

/* ---- xsort.c: sorting fixed-size records in bounded memory ---- */

/*
 * Records of recsz bytes are ordered by memcmp. Up to mem bytes are held;
 * beyond that, sorted runs go to an unlinked file in tmpdir and are merged
 * at the end, in passes to a second file when they are more than mem has
 * room for, so nothing is left behind whatever happens. An I/O error on a
 * run file dies (exit 2) naming tmpdir.
 */
struct dm_xrun;
struct dm_xsort {
	size_t		 recsz;
	size_t		 cap;		/* records the buffer holds */
	char		*buf;
	size_t		 room;		/* records allocated, up to cap */
	size_t		 n;
	const char	*tmpdir;
	int		 fd;		/* the runs' file; -1: none */
	unsigned long long fsize;
	struct dm_xrun	*runs;
	size_t		 nruns;
	size_t		*heap;		/* runs, by their current record */
	size_t		 nheap;
	size_t		 pos;		/* next record when nothing spilled */
	int		 merging;
	unsigned long long total;
};
void	 dm_xsort_init(struct dm_xsort *, size_t recsz, size_t mem,
	    const char *tmpdir);
void	 dm_xsort_add(struct dm_xsort *, const void *rec);
/* Ends the adding; then dm_xsort_next gives the records in order (NULL at
 * the end), each valid until the next call. */
void	 dm_xsort_finish(struct dm_xsort *);
const void *dm_xsort_next(struct dm_xsort *);
void	 dm_xsort_free(struct dm_xsort *);

/* ---- unionfind.c: clusters of sample numbers ---- */

/*
 * Only the samples named in a union are stored (an absent one is its own
 * root), 16 bytes each in a hash table of a power of two of them, at
 * most 3/4 full: 21 to 43 bytes a sample, and up to 64 while it doubles. DM_UF_MIN makes the smaller number the root
 * (Data-Juicer); DM_UF_SIZE joins the smaller set to the larger, the first
 * argument's root on a tie (datatrove).
 */
enum dm_uf_rule { DM_UF_MIN, DM_UF_SIZE };
struct dm_ufnode;
struct dm_uf {
	enum dm_uf_rule	 rule;
	struct dm_ufnode *v;
	size_t		 n, cap;	/* cap is a power of two */
};
void	 dm_uf_init(struct dm_uf *, enum dm_uf_rule);
uint64_t dm_uf_find(struct dm_uf *, uint64_t x);
void	 dm_uf_union(struct dm_uf *, uint64_t x, uint64_t y);
/* Each stored x whose root is not x, with its root, sorted by x; the
 * caller frees *pairs (x0, root0, x1, root1, ...). Returns their number. */
size_t	 dm_uf_dups(struct dm_uf *, uint64_t **pairs);
void	 dm_uf_free(struct dm_uf *);

/* ---- dedupfile.c: the stage files of sign, pairs and cluster ---- */

enum { DM_SFILE_SIG = 1, DM_SFILE_PAIRS = 2, DM_SFILE_REMOVE = 3,
	DM_SFILE_LABELS = 4, DM_SFILE_SETS = 5, DM_SFILE_SETIDX = 6,
	DM_SFILE_MARKS = 7 };

struct dm_shead {
	uint32_t	 kind, recsz, keysz;
	unsigned long long count;
	char		*settings;	/* the options that made the file */
	char		**names;	/* shard names (pairs, removals) */
	uint64_t	*ids;		/* each name's size and XXH64 */
	size_t		 nnames;
	uint64_t	 insize, inhash;	/* signatures: the input's size
						   and XXH64; pairs, removals:
						   dm_sfile_ident of names */
};
struct dm_sfile;
/* The identity of the inputs of pairs and removals: the MD5 of each
 * shard's name, size and XXH64 (ids, 2 a name), in two halves. */
void	 dm_sfile_ident(char **names, const uint64_t *ids, size_t n,
	    uint64_t out[2]);
/* The tag of a shard's side files: 8 bytes of the MD5 of the settings,
 * the shard's name, and its size and XXH64. */
uint64_t dm_sfile_tag(const char *settings, const char *name, uint64_t size,
	    uint64_t hash);
/* Starts PATH under a temporary name beside it (".NAME.tmp"); the records
 * follow; dm_sfile_commit ends it and renames it. I/O errors die. */
struct dm_sfile *dm_sfile_create(const char *path, const struct dm_shead *);
void	 dm_sfile_put(struct dm_sfile *, const void *rec);
void	 dm_sfile_commit(struct dm_sfile *);
/* dm_sfile_commit without the rename: the file is whole under its
 * temporary name until dm_sfile_rename(path) gives it path, so that
 * several files appear together or not at all. */
void	 dm_sfile_finish(struct dm_sfile *);
void	 dm_sfile_rename(const char *path);
/* A temporary file (.NAME.tmp) to remove at exit unless it was renamed
 * (dm_sfile_rename, dm_sfile_commit) before: create and commit do it,
 * tmpadd is for files written otherwise. */
void	 dm_sfile_tmpadd(const char *tmp);
void	 dm_sfile_tmpdone(const char *tmp);
/* Removes them now: before dying of a signal, which skips atexit. Once
 * dm_interrupted is set, no file gets its name. */
void	 dm_sfile_rmtmps(void);
/* Opens a stage file of the kind: NULL with the reason in err when it is
 * not one, another version or kind, or of the wrong size. The records
 * then come from dm_sfile_get (NULL at the end, where the MD5 is checked:
 * a mismatch dies), through a buffer of about DM_SFILE_RBUF bytes (at
 * least a record). */
#define DM_SFILE_RBUF	(1 << 16)
struct dm_sfile *dm_sfile_open(const char *path, uint32_t kind,
	    struct dm_buf *err);
const struct dm_shead *dm_sfile_head(const struct dm_sfile *);
const void *dm_sfile_get(struct dm_sfile *);
/*
 * Side files (labels, sets, set index, marks): the writer reserves the
 * first DM_SFILE_BODY bytes of fd and writes the body after them;
 * dm_sfile_seal then writes the header (with the MD5 of the body and the
 * shard's tag), before the caller syncs and renames the file. I/O errors
 * die naming path. dm_sfile_verify reads fd's header and body: 0 and the
 * tag in *tag (when not NULL) when it is a whole side file of the kind,
 * else -1 with "path: why" in err. The file offset is left as it was.
 */
#define DM_SFILE_BODY	64
void	 dm_sfile_seal(int fd, const char *path, uint32_t kind, uint64_t tag);
int	 dm_sfile_verify(int fd, const char *path, uint32_t kind,
	    uint64_t *tag, struct dm_buf *err);
/* 0 when path is a whole stage file of the kind (read to its end) made
 * with settings (any when NULL; side files have none) from the input of
 * in[0] bytes and XXH64 in[1] (signatures; pairs and removals: of
 * dm_sfile_ident; side files: of the tag in[0]; any when NULL); -1 when
 * it is not whole, 1 when it has other settings or input, with "path:
 * why" in err. */
int	 dm_sfile_check(const char *path, uint32_t kind, const char *settings,
	    const uint64_t *in, struct dm_buf *err);
void	 dm_sfile_close(struct dm_sfile *);

/* Reads n bytes at off: 0, or -1 when the file has fewer (errno 0) or a
 * read fails (errno set). */
int	 dm_dedup_preadn(int fd, void *, size_t, off_t);

#endif /* DM_DEDUP_H */
