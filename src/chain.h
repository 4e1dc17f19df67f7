/* chain.h - inside the operator layer: arguments and the chain as dm-map's
 * script builds them (oparg.c, script.c, chain.c). Tools use dm.h's
 * dm_chain_* and dm_args_*; this header is for those three files. */
#ifndef DM_CHAIN_H
#define DM_CHAIN_H

/* How much of a user's value a message about an argument quotes. */
#define DM_ARG_QUOTE_MAX	64

/* Where a value of a script was written: map[k] is the offset in the
 * script of its byte k, map[n] of its end; map NULL: not written (a
 * parameter's default). */
struct dm_span {
	size_t		*map;
	size_t		 n;
};

/* One operator of a chain, and where the script named it. */
struct dm_link {
	const struct dm_opdef *def;
	struct dm_args	 args;
	void		*state;
	int		 inited;
	char		*origin;
	unsigned long	 line;
	size_t		 col;
	/* the script, for init's messages about a value (dm_args_blame):
	 * the chain's copy, and where the name, the values of the
	 * parameters, and the keys and values of the extra pairs are */
	const char	*src;
	unsigned long	 firstline;
	size_t		 namepos;
	struct dm_span	*vspan;		/* args.n of them */
	size_t		*xkey;		/* args.nextra of each */
	struct dm_span	*xval;
};

struct dm_chain {
	/* Links are allocated one by one: an operator may keep pointers into
	 * its arguments while the chain grows. */
	struct dm_link	**v;
	size_t		 n, cap;
	/* The text moves between these two while text operators run, so a
	 * sample costs no allocation once they have grown. */
	struct dm_buf	 tb[2];
	/* the scripts the links were read from (dm_link.src) */
	char		**srcs;
	size_t		 nsrcs;
};

/* Appends an empty link (zeroed) to c and returns it; the chain owns it. */
struct dm_link *dm_chain_add(struct dm_chain *c);
/* Frees the links after the first n (finishing those that were inited). */
void	 dm_chain_cut(struct dm_chain *c, size_t n);

/* Reports msg, init's message about link l, at the value that
 * dm_args_blame named, with the line and a caret, as a script's errors
 * are; 0, or -1 when nothing is blamed or the value has no place. */
int	 dm_link_report(const struct dm_link *l, const char *msg);

/* Reports msg at offset at of l's script, as the script's own errors are
 * reported (script.c). */
void	 dm_script_report(const struct dm_link *l, size_t at, const char *msg);

/* Sets a up for operator d: one argument a parameter, none given yet. */
void	 dm_args_prepare(struct dm_args *a, const struct dm_opdef *d);
/* Parses a->str by the parameter's type into a; 0, or -1 with a message
 * "OP: 'NAME' ..." appended to msg. Regular expressions are checked by
 * dm_args_check_regex, once the flags are known. */
int	 dm_arg_parse(const char *op, struct dm_arg *a, struct dm_buf *msg);
/* Checks that REGEX argument k compiles with the operator's `flags`; -1
 * with the message appended to msg and the index of the argument to blame
 * (the pattern, or the flags when the pattern alone compiles) in *blame. */
int	 dm_args_check_regex(const struct dm_args *a, size_t k,
	    struct dm_buf *msg, size_t *blame);
/* The parameter of d a mistyped key most likely meant, or NULL. */
const char *dm_param_suggest(const struct dm_opdef *d, const char *key);
/* Appends s in single quotes, cut after DM_ARG_QUOTE_MAX bytes. */
void	 dm_buf_addvalue(struct dm_buf *b, const char *s);

#endif
