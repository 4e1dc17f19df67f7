/* statsum-in.h - the insides of a dm-stats summary, shared by statsum.c
 * (gathering, the summary as JSON) and statmerge.c (--partial, --merge) */
#ifndef DM_STATSUM_IN_H
#define DM_STATSUM_IN_H

/* One statistic: a name of dm-filter's statistics read straight from the
 * text statistics, or any other expression of its language. */
struct dm_stat {
	char		*name;
	const struct dm_statdef *def;	/* a plain statistic, or NULL */
	char		*arg;
	struct dm_expr	*expr;		/* otherwise */
	int		 isint;		/* every value so far an integer */
	unsigned long long missing;	/* null or no value */
	long double	 sum;		/* exact for integers below 2^32 */
	long double	 mean, m2;	/* Welford's running mean and sum of
					 * squared deviations: no cancellation
					 * for large values of small spread */
	struct dm_kll	 kll;
};

struct dm_fent {
	char		*path;		/* as dm_fieldpath_addkey writes it */
	size_t		 len;
	unsigned long long n;
	unsigned long long types[6];
	unsigned long long stamp;
	unsigned	 mask;
};

struct dm_fieldtab {
	struct dm_fent	*v;
	size_t		 n, cap;
	size_t		 bytes;		/* of the paths held */
	size_t		*tab;		/* index + 1, 0 empty */
	size_t		 tabcap;
	int		 truncated;
	unsigned long long stamp;
};

struct dm_vent {
	char		*key;		/* compact JSON of the value */
	size_t		 len;
	unsigned long long n;
};

struct dm_counter {
	char		*field;		/* as given to -c */
	struct dm_pathseg *seg;		/* its path */
	size_t		 nseg;
	unsigned long long missing, other;
	int		 overflow;	/* a value was not held: more than
					 * DM_STATS_MAXVALUES values, or
					 * DM_STATS_MAXVALBYTES bytes */
	size_t		 bytes;		/* of the values held */
	struct dm_vent	*v;
	size_t		 n, cap;
	size_t		*tab;
	size_t		 tabcap;
	struct dm_hll	 hll;
};

/* JSON's types by jtype() index: null, boolean, number, ... */
extern const char *const dm_json_typenames[6];
/* The counts of a field's JSON types, {"number":3,...}, the types it never
 * had left out: in the summary and in a partial alike. */
json_t	*dm_fent_types(const struct dm_fent *);

/* The entry of field path p (n bytes), made when new; NULL when the table
 * is full (it is then marked truncated). */
struct dm_fent *dm_fieldtab_get(struct dm_fieldtab *, const char *p, size_t n);
/* Appends the text by which a value of raw JSON raw[0..n) is counted:
 * compact, its strings written as dm_json_addstr writes them. */
void	 dm_counter_key(struct dm_buf *, const char *raw, size_t n);
/* The entry of value k (compact JSON, n bytes) of counter c; with create,
 * made when new unless the counter is full (NULL then). */
struct dm_vent *dm_counter_get(struct dm_counter *c, const char *k, size_t n,
    int create);

#endif /* DM_STATSUM_IN_H */
