/* statsum.h - dm-stats: sketches, the dataset summary, its outputs, the funnel */
#ifndef DM_STATSUM_H
#define DM_STATSUM_H

#include <stdint.h>
#include <stdio.h>
#include <jansson.h>

struct dm_buf;
struct dm_sample;

/* ---- sketch.c: a KLL quantile sketch and a HyperLogLog ---- */

/*
 * KLL (Karnin, Lang, Liberty 2016), lazy compaction: level h holds items of
 * weight 2^h, at most about k (2/3)^(top-h) of them. With k = 256 the rank
 * of a returned quantile is within about 1 % of n of the true one (99 %
 * confidence; DM_KLL_RANK_ERROR states the documented bound). Until the
 * first compaction (fewer than k values, or always with exact) every value is
 * kept and quantiles are exact, interpolated as numpy's "linear" method. The
 * coin of compaction is a fixed pseudo-random sequence: the same input gives
 * the same sketch. Merging two sketches is a sketch of the union. Level 0
 * is held in arrival order, the levels above it sorted (a compaction merges
 * into them what it moves up).
 */
#define DM_KLL_K		256
#define DM_KLL_RANK_ERROR	0.015
struct dm_kll {
	int		 k, exact;
	int		 nlevels;
	double		**lv;		/* lv[h][0..len[h]) */
	size_t		*len, *cap;
	unsigned long long n;
	double		 min, max;
	uint64_t	 rng;
	size_t		 room0;		/* capacity of level 0, for dm_kll_add */
	size_t		*levcap;	/* capacity of each level */
	size_t		 room;		/* their sum */
	size_t		 total;		/* items held, the sum of len */
	int		 sorted0;	/* level 0 is in order */
	double		*tmp;		/* scratch of the sort */
	size_t		 tmpcap;
};
void	 dm_kll_init(struct dm_kll *, int k, int exact);
void	 dm_kll_add(struct dm_kll *, double);
void	 dm_kll_merge(struct dm_kll *, const struct dm_kll *);
/* Whether every value is still held with weight 1. */
int	 dm_kll_isexact(const struct dm_kll *);
/* Quantile q in [0, 1]; NaN when empty. */
double	 dm_kll_quantile(struct dm_kll *, double q);
/* Counts of the values in nb equal bins from lo to hi (the last bin holds
 * hi); weights of compacted items count. */
void	 dm_kll_histogram(struct dm_kll *, double lo, double hi, int nb,
	    unsigned long long *counts);
/* The edge k of nb equal bins from lo to hi, also where hi - lo is beyond
 * DBL_MAX. */
double	 dm_kll_edge(double lo, double hi, int k, int nb);
/* The state as {"k":..,"n":..,"min":..,"max":..,"levels":[[..],..]}, and
 * back (0, or -1 with err). */
json_t	*dm_kll_json(const struct dm_kll *);
int	 dm_kll_load(struct dm_kll *, const json_t *, struct dm_buf *err);
void	 dm_kll_free(struct dm_kll *);

/* HyperLogLog, 2^14 one-byte registers (standard error 0.81 %), 64-bit
 * hashes; small counts by linear counting. */
#define DM_HLL_P	14
struct dm_hll {
	unsigned char	 r[1 << DM_HLL_P];
};
void	 dm_hll_add(struct dm_hll *, uint64_t hash);
void	 dm_hll_merge(struct dm_hll *, const struct dm_hll *);
double	 dm_hll_estimate(const struct dm_hll *);

/* ---- statsum.c: what dm-stats gathers, merges and saves ---- */

#define DM_STATS_VERSION	1
/* the state of --partial: 2 keeps a running mean and spread, not sums of
 * squares; 3 names the coverage paths as the expression language does, so
 * that .["a.b"] is not a.b (version 2 merged them: it cannot be read) */
#define DM_STATS_PARTIAL_VERSION	3
#define DM_STATS_MAXFIELDS	4096	/* paths of the coverage */
#define DM_STATS_MAXPATHBYTES	(4 << 20)	/* and their names, all told */
#define DM_STATS_MAXVALUES	100000	/* distinct values counted exactly */
#define DM_STATS_MAXVALBYTES	(16 << 20)	/* and their bytes, all told */

struct dm_stat;		/* one statistic (statsum.c) */
struct dm_fieldtab;	/* coverage (statsum.c) */
struct dm_counter;	/* value counts of one field (statsum.c) */

struct dm_summary {
	unsigned long long samples, bytes, rejected;
	int		 exact, depth;
	struct dm_stat	**st;
	size_t		 nst;
	struct dm_fieldtab *fields;
	struct dm_counter **ct;
	size_t		 nct;
	struct dm_textstats *ts;
	const char	*key;		/* the text field */
	char		*keyown;	/* its storage after --merge */
	int		 unwatched;	/* --merge: a partial without the
					 * counts of the fields read by name */
	struct dm_buf	*scratch;
};

/* A summary of the statistics names (expressions, or names of the
 * statistics of dm-filter) and the count fields; -1 after reporting a
 * bad name. */
int	 dm_summary_init(struct dm_summary *, char **stats, size_t nstats,
	    char **counts, size_t ncounts, int exact, int depth, const char *key);
/* Adds a sample: 0, or -1 with the reason in err (a statistic that is not
 * a number, a missing text field). A rejected sample adds nothing. */
int	 dm_summary_add(struct dm_summary *, struct dm_sample *,
	    struct dm_buf *err);
/* The state of --partial as one JSON object, and --merge of one such
 * state into the summary (the first sets it up). -1 with err. */
json_t	*dm_summary_state(struct dm_summary *);
int	 dm_summary_merge(struct dm_summary *, const json_t *, int first,
	    struct dm_buf *err);
void	 dm_summary_free(struct dm_summary *);

/* ---- statout.c: the table, JSON and HTML of a summary ---- */

struct dm_statout {
	int		 top;		/* values shown per count field */
	int		 bins;		/* 0: chosen from the data */
	int		 ascii;		/* no block characters */
};
/* The summary as one JSON object, keys in the documented order; each value
 * of a top list is held as a string of its JSON text, as it was counted (a
 * number is not read into a double). */
json_t	*dm_summary_json(struct dm_summary *, const struct dm_statout *);
/* Appends that object as JSON, those values as the JSON they hold. */
void	 dm_summary_addjson(struct dm_buf *, json_t *);
void	 dm_summary_table(json_t *, const struct dm_statout *, struct dm_buf *);
void	 dm_summary_html(json_t *, const char *title, struct dm_buf *);

/* ---- funnel.c: dm-stats --funnel over a $DM_REPORT file ---- */

/* Reads the report lines of path into stages: -1 after reporting. */
json_t	*dm_funnel_read(const char *path);
void	 dm_funnel_table(json_t *, const struct dm_statout *, struct dm_buf *);
void	 dm_funnel_html(json_t *, const char *title, struct dm_buf *);

#endif /* DM_STATSUM_H */
