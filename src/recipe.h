/* recipe.h - Data-Juicer and DataMate recipes: YAML tree, operator table, plan */
#ifndef DM_RECIPE_H
#define DM_RECIPE_H

#include <stddef.h>

#include "dm.h"

/* ---- recipe-yaml.c: a YAML document as a tree that knows its lines ---- */

enum dm_ykind { DM_Y_SCALAR, DM_Y_SEQ, DM_Y_MAP };

/*
 * A node of a loaded YAML document. A mapping holds its keys and values
 * alternately in kid (n is twice the number of pairs), each scalar key
 * once, with the last value given for it (as PyYAML builds a dict); a
 * sequence holds its items. line and col count from 1, as a message prints them. plain is 1
 * for an unquoted scalar (so that "true" in quotes stays a string).
 */
/* What a plain scalar is to Data-Juicer's loader (PyYAML's SafeLoader with
 * jsonargparse's float resolver): an int or a float, whose val is then
 * written the way Python reads it ("010" is "8", "1_000" is "1000"). */
enum { DM_YN_INT = 1, DM_YN_FLOAT };

struct dm_ynode {
	enum dm_ykind	  kind;
	char		 *val;		/* scalar text; NULL otherwise */
	int		  plain;
	int		  num;		/* DM_YN_INT, DM_YN_FLOAT or 0 */
	unsigned long	  line, col;
	size_t		  n;
	struct dm_ynode	**kid;
};

/* Loads the first document of path. NULL with "path:line:col: what" (or
 * "path: strerror") in err; an empty file is an empty mapping. */
struct dm_ynode *dm_yaml_load(const char *path, struct dm_buf *err);
/* The value of key in mapping m, or NULL (also when m is not a mapping). */
struct dm_ynode *dm_yaml_get(const struct dm_ynode *m, const char *key);
void	 dm_yaml_free(struct dm_ynode *);

/* ---- recipe-ops.c: the table of Data-Juicer and DataMate names ---- */

enum dm_rkind {
	DM_R_MAP,		/* dm-map operators */
	DM_R_FILTER,		/* a dm-filter expression */
	DM_R_DEDUP,		/* a dm-dedup stage */
	DM_R_SLICE,		/* a dm-slice stage */
	DM_R_NONE		/* unsupported */
};

struct dm_rparam;

/* One operator of a recipe: its names in Data-Juicer and DataMate (either
 * may be NULL), what dm does with it, the dm form shown by `dm recipe ops`,
 * and the parameters it takes (NULL-named entry ends them). */
struct dm_rop {
	const char		*dj, *dmate;
	enum dm_rkind		 kind;
	const char		*form;
	const struct dm_rparam	*params;
	/* the dm text of one use: map script words, filter expression or
	 * dedup options (tab-separated); -1 with the reason in err and *at
	 * set to the node at fault */
	int	(*emit)(const struct dm_rop *, const struct dm_ynode *args,
		    struct dm_buf *out, struct dm_buf *err,
		    const struct dm_ynode **at);
	const char		*why;	/* for DM_R_NONE: what is missing */
	/* a DataMate Filter: a sample whose text is left empty is dropped
	 * (a filter gets "len > 0 && " first, a mapper a filter after it) */
	int			 dropempty;
	/* the fields it reads must be there: its stage runs dm-filter -s,
	 * apart from the stages of other filters */
	int			 strict;
};

/* What a DataMate Filter adds: its base class drops an emptied sample. */
#define DROPEMPTY	"len > 0"

enum dm_rptype { DM_RP_INT, DM_RP_FLOAT, DM_RP_BOOL, DM_RP_STR, DM_RP_STRS,
	DM_RP_ANY };

struct dm_rparam {
	const char	*name;
	enum dm_rptype	 type;
	const char	*def;		/* Data-Juicer's default, as text */
};

const struct dm_rop *dm_rop_find(const char *name, int datamate);
const struct dm_rop *dm_rop_all(size_t *n);
/* Names of every operator (both tables), for "did you mean". */
const char *const *dm_rop_names(int datamate, size_t *n);
/* Whether name is a parameter every Data-Juicer operator accepts and dm
 * ignores (batch_size, num_proc, ...). */
int	 dm_rop_ignored(const char *name);
/* Whether v is a valid value of parameter p; -1 with the reason in err. */
int	 dm_rop_check(const struct dm_rop *, const struct dm_rparam *p,
	    const struct dm_ynode *v, struct dm_buf *err);
/* The parameter of op called name, or NULL. */
const struct dm_rparam *dm_rop_param(const struct dm_rop *, const char *name);

/* ---- recipe-emit.c: one operator of a recipe as dm text ---- */

/* The emitters of struct dm_rop's emit: each writes one use of the
 * operator with its arguments (see there). */
int	 dm_emit_anonymize(const struct dm_rop *,
	    const struct dm_ynode *args, struct dm_buf *out, struct dm_buf *err,
	    const struct dm_ynode **at);
int	 dm_emit_bibliography(const struct dm_rop *,
	    const struct dm_ynode *args, struct dm_buf *out, struct dm_buf *err,
	    const struct dm_ynode **at);
int	 dm_emit_non_chinese(const struct dm_rop *,
	    const struct dm_ynode *args, struct dm_buf *out, struct dm_buf *err,
	    const struct dm_ynode **at);
int	 dm_emit_chunk(const struct dm_rop *,
	    const struct dm_ynode *args, struct dm_buf *out, struct dm_buf *err,
	    const struct dm_ynode **at);
int	 dm_emit_chars(const struct dm_rop *,
	    const struct dm_ynode *args, struct dm_buf *out, struct dm_buf *err,
	    const struct dm_ynode **at);
int	 dm_emit_clean(const struct dm_rop *,
	    const struct dm_ynode *args, struct dm_buf *out, struct dm_buf *err,
	    const struct dm_ynode **at);
int	 dm_emit_comments(const struct dm_rop *,
	    const struct dm_ynode *args, struct dm_buf *out, struct dm_buf *err,
	    const struct dm_ynode **at);
int	 dm_emit_dedup_datamate(const struct dm_rop *,
	    const struct dm_ynode *args, struct dm_buf *out, struct dm_buf *err,
	    const struct dm_ynode **at);
int	 dm_emit_dedup_exact(const struct dm_rop *,
	    const struct dm_ynode *args, struct dm_buf *out, struct dm_buf *err,
	    const struct dm_ynode **at);
int	 dm_emit_dedup_minhash(const struct dm_rop *,
	    const struct dm_ynode *args, struct dm_buf *out, struct dm_buf *err,
	    const struct dm_ynode **at);
int	 dm_emit_dedup_simhash(const struct dm_rop *,
	    const struct dm_ynode *args, struct dm_buf *out, struct dm_buf *err,
	    const struct dm_ynode **at);
int	 dm_emit_dm_html(const struct dm_rop *,
	    const struct dm_ynode *args, struct dm_buf *out, struct dm_buf *err,
	    const struct dm_ynode **at);
int	 dm_emit_dm_length(const struct dm_rop *,
	    const struct dm_ynode *args, struct dm_buf *out, struct dm_buf *err,
	    const struct dm_ynode **at);
int	 dm_emit_dm_phrase(const struct dm_rop *,
	    const struct dm_ynode *args, struct dm_buf *out, struct dm_buf *err,
	    const struct dm_ynode **at);
int	 dm_emit_dm_rate(const struct dm_rop *,
	    const struct dm_ynode *args, struct dm_buf *out, struct dm_buf *err,
	    const struct dm_ynode **at);
int	 dm_emit_dm_sensitive(const struct dm_rop *,
	    const struct dm_ynode *args, struct dm_buf *out, struct dm_buf *err,
	    const struct dm_ynode **at);
int	 dm_emit_chinese_convert(const struct dm_rop *,
	    const struct dm_ynode *args, struct dm_buf *out, struct dm_buf *err,
	    const struct dm_ynode **at);
int	 dm_emit_fix_unicode(const struct dm_rop *,
	    const struct dm_ynode *args, struct dm_buf *out, struct dm_buf *err,
	    const struct dm_ynode **at);
int	 dm_emit_lang(const struct dm_rop *,
	    const struct dm_ynode *args, struct dm_buf *out, struct dm_buf *err,
	    const struct dm_ynode **at);
/* Whether v is a YAML null as PyYAML reads it (~, null, Null, NULL or
 * nothing, unquoted), or is NULL. */
int	 dm_risnull(const struct dm_ynode *v);
/* YAML 1.1 booleans, as PyYAML reads them: 1, 0, or -1 when s is none. */
int	 dm_rbool(const char *s);
int	 dm_emit_suffix(const struct dm_rop *,
	    const struct dm_ynode *, struct dm_buf *, struct dm_buf *,
	    const struct dm_ynode **);
int	 dm_emit_incorrect_substrings(const struct dm_rop *,
	    const struct dm_ynode *, struct dm_buf *, struct dm_buf *,
	    const struct dm_ynode **);
int	 dm_emit_long_words(const struct dm_rop *,
	    const struct dm_ynode *args, struct dm_buf *out, struct dm_buf *err,
	    const struct dm_ynode **at);
int	 dm_emit_plain(const struct dm_rop *,
	    const struct dm_ynode *args, struct dm_buf *out, struct dm_buf *err,
	    const struct dm_ynode **at);
int	 dm_emit_range(const struct dm_rop *,
	    const struct dm_ynode *args, struct dm_buf *out, struct dm_buf *err,
	    const struct dm_ynode **at);
/* The statistic of a range filter as dm-filter text (len, char_rep(10),
 * words(sp="en")), and in *key the key of Data-Juicer's StatsKeys it
 * computes (NULL when it keeps none). 0, or -1 with the reason in err. */
int	 dm_range_stat(const struct dm_rop *, const struct dm_ynode *args,
	    struct dm_buf *out, const char **key, struct dm_buf *err,
	    const struct dm_ynode **at);
int	 dm_emit_specified(const struct dm_rop *,
	    const struct dm_ynode *args, struct dm_buf *out, struct dm_buf *err,
	    const struct dm_ynode **at);
int	 dm_emit_specified_num(const struct dm_rop *,
	    const struct dm_ynode *args, struct dm_buf *out, struct dm_buf *err,
	    const struct dm_ynode **at);
int	 dm_emit_repeat_sentences(const struct dm_rop *,
	    const struct dm_ynode *args, struct dm_buf *out, struct dm_buf *err,
	    const struct dm_ynode **at);
int	 dm_emit_replace(const struct dm_rop *,
	    const struct dm_ynode *args, struct dm_buf *out, struct dm_buf *err,
	    const struct dm_ynode **at);
int	 dm_emit_table(const struct dm_rop *,
	    const struct dm_ynode *args, struct dm_buf *out, struct dm_buf *err,
	    const struct dm_ynode **at);

/* ---- recipe.c: a recipe read and checked, as dm stages ---- */

/* One dm stage: consecutive mappers (a dm-map script), consecutive filters
 * (a dm-filter expression), or one dedup (its options, tab-separated). */
struct dm_rstage {
	enum dm_rkind	 kind;
	struct dm_buf	 text;
	int		 strict;	/* dm-filter -s: 1 with --on-error=skip
					 * (skip_op_error), 2 without */
};

/* A statistic of Data-Juicer's StatsKeys, computed once a sample by the
 * first filter that needs it, on the input of stage, and read by the later
 * ones; field when it is kept in __dj__stats__.key for them. */
struct dm_rstat {
	const char	*key;
	char		*text;		/* the dm-filter text of the first */
	size_t		 stage;
	int		 field;
};

struct dm_recipe {
	const char	 *path;
	struct dm_ynode	 *root;
	int		  datamate;	/* a DataMate process.yaml */
	const char	 *key;		/* text_keys; "text" */
	const char	 *dataset;	/* dataset_path */
	int		  dataset_dir;	/* it is a folder */
	char		**files;	/* a folder's files that are read */
	size_t		  nfiles;
	char		 *export;	/* export_path (a file); NULL: stdout */
	const char	 *exptype;	/* export_type: "jsonl" or NULL */
	const struct dm_ynode *export_at; /* its node, for messages */
	long		  np;		/* np; 0 when not given */
	/* skip_op_error (Data-Juicer's default true): a sample that makes
	 * a strict stage fail is dropped, with its message, not the run;
	 * an operator's own skip_op_error says it for its stage */
	int		  skiperr;
	unsigned long	  ops;		/* operators run */
	struct dm_rstage *stage;
	size_t		  nstage;
	struct dm_rstat	 *stats;	/* the statistics computed so far */
	size_t		  nstats;
	int		  dropstats;	/* a stage sets __dj__stats__ */
	struct dm_buf	  ignored;	/* "file:line:col: ignored: ...\n" */
};

/*
 * Reads the recipe at path and turns it into stages. Each problem is
 * reported (prog: file:line:col: what); with skip, an unsupported operator
 * is a warning and is left out. Returns 0, or -1 when any was an error.
 */
int	 dm_recipe_load(struct dm_recipe *, const char *path, int skip);
void	 dm_recipe_free(struct dm_recipe *);

/* Reports "prog: file:line:col: what" (at may be NULL: "prog: file: what"). */
void	 dm_recipe_problem(const struct dm_recipe *,
	    const struct dm_ynode *at, const char *fmt, ...) DM_PRINTF(3, 4);
/* Lists "file:line:col: ignored: what[ of 'op']" for check. */
void	 dm_recipe_ignore(struct dm_recipe *, const struct dm_ynode *at,
	    const char *what, const char *op);

/* ---- recipe-data.c: the files of a recipe ---- */

/*
 * Sets dataset and dataset_dir from dataset_path (or Data-Juicer's
 * dataset with one local path), and for a folder, files: those Data-Juicer's
 * JSON formatter reads, of the suffixes when given. 0, or -1 when
 * reported.
 */
int	 dm_recipe_dataset(struct dm_recipe *);

/* ---- recipe-run.c: the commands of a recipe, shown or run ---- */

struct dm_recipe_opts {
	long		 jobs;		/* -j; 0: the recipe's np */
	const char	*hosts;		/* --hosts FILE */
	int		 slurm;		/* --slurm */
	const char	*spool;		/* --spool DIR */
};

/* Prints the pipeline as sh would run it, one stage a line. */
void	 dm_recipe_show(const struct dm_recipe *, const struct dm_recipe_opts *);
/* Runs the pipeline; export_path (the file a symbolic link leads to) is
 * written under a temporary name and renamed when no stage failed (exit
 * status 2); a FIFO or a device is written through. Returns the worst
 * exit status of the stages. */
int	 dm_recipe_run(const struct dm_recipe *, const struct dm_recipe_opts *);

#endif
