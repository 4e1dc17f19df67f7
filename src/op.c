/* op.c - operator arguments, dm-map's script language, and the chain */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dm.h"

/* How much of a user's value a message quotes. */
#define QUOTE_MAX	64

/* One operator of a chain, and where the script named it. */
struct link {
	const struct dm_opdef *def;
	struct dm_args	 args;
	void		*state;
	int		 inited;
	char		*origin;
	unsigned long	 line;
	size_t		 col;
};

struct dm_chain {
	/* Links are allocated one by one: an operator may keep pointers into
	 * its arguments while the chain grows. */
	struct link	**v;
	size_t		 n, cap;
	/* The text moves between these two while text operators run, so a
	 * sample costs no allocation once they have grown. */
	struct dm_buf	 tb[2];
};

/* ---- arguments ---- */

const struct dm_arg *
dm_arg(const struct dm_args *a, const char *name)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		if (strcmp(a->v[i].p->name, name) == 0)
			return &a->v[i];
	/* An operator asked for a parameter it did not declare: a bug. */
	fprintf(stderr, "%s: operator '%s' has no parameter '%s'\n", dm_prog,
	    a->op ? a->op : "?", name);
	abort();
}

const char *
dm_arg_str(const struct dm_args *a, const char *name)
{
	return dm_arg(a, name)->str;
}

long long
dm_arg_int(const struct dm_args *a, const char *name)
{
	return dm_arg(a, name)->i;
}

double
dm_arg_float(const struct dm_args *a, const char *name)
{
	return dm_arg(a, name)->f;
}

int
dm_arg_bool(const struct dm_args *a, const char *name)
{
	return dm_arg(a, name)->i != 0;
}

static void
addq(struct dm_buf *b, const char *s)
{
	dm_buf_addc(b, '\'');
	dm_buf_addquoted(b, s, strlen(s), QUOTE_MAX);
	dm_buf_addc(b, '\'');
}

static void
addbound(struct dm_buf *b, const struct dm_param *p, double v)
{
	if (p->type == DM_P_INT)
		dm_buf_addf(b, "%.0f", v);
	else
		dm_buf_addf(b, "%g", v);
}

static int
out_of_bounds(const char *op, const struct dm_param *p, const char *s,
    struct dm_buf *msg)
{
	if (isinf(p->max)) {
		dm_buf_addf(msg, "%s: '%s' must be at least ", op, p->name);
		addbound(msg, p, p->min);
	} else {
		dm_buf_addf(msg, "%s: '%s' must be between ", op, p->name);
		addbound(msg, p, p->min);
		dm_buf_adds(msg, " and ");
		addbound(msg, p, p->max);
	}
	dm_buf_adds(msg, ", not ");
	addq(msg, s);
	return -1;
}

/* Splits a comma-separated list into one allocation: the pointers, then
 * the strings. Empty items are dropped, so "a,b," is two. */
static char **
split_list(const char *s, size_t *n)
{
	size_t len = strlen(s), k = 1, i;
	char **v, *t, *e;

	for (i = 0; i < len; i++)
		k += s[i] == ',';
	v = dm_xmalloc((k + 1) * sizeof *v + len + 1);
	t = memcpy((char *)(v + k + 1), s, len + 1);
	*n = 0;
	for (;;) {
		e = strchr(t, ',');
		if (e)
			*e = '\0';
		if (*t)
			v[(*n)++] = t;
		if (e == NULL)
			break;
		t = e + 1;
	}
	v[*n] = NULL;
	return v;
}

/* The index of s among the comma-separated choices, or -1. */
static long long
choice(const char *choices, const char *s)
{
	const char *c = choices, *e;
	size_t len = strlen(s);
	long long i;

	for (i = 0; ; i++, c = e + 1) {
		while (*c == ' ')
			c++;
		e = strchr(c, ',');
		if (e == NULL)
			e = c + strlen(c);
		if ((size_t)(e - c) == len && memcmp(c, s, len) == 0)
			return i;
		if (*e == '\0')
			return -1;
	}
}

/* Parses a->str by the parameter's type into a; 0, or -1 with a message
 * "OP: 'NAME' ..." in msg. Regular expressions are checked later, when the
 * flags are known. */
static int
parse_value(const char *op, struct dm_arg *a, struct dm_buf *msg)
{
	const struct dm_param *p = a->p;
	const char *s = a->str, *c;
	char *end;

	switch (p->type) {
	case DM_P_STR:
	case DM_P_REGEX:
		break;
	case DM_P_INT:
		errno = 0;
		a->i = strtoll(s, &end, 10);
		if (end == s || *end != '\0') {
			dm_buf_addf(msg, "%s: '%s' needs an integer, not ", op,
			    p->name);
			addq(msg, s);
			return -1;
		}
		if (errno != ERANGE && p->min < p->max &&
		    ((double)a->i < p->min || (double)a->i > p->max))
			return out_of_bounds(op, p, s, msg);
		if (errno == ERANGE) {
			dm_buf_addf(msg, "%s: '%s' is out of range, not ", op,
			    p->name);
			addq(msg, s);
			return -1;
		}
		a->f = (double)a->i;
		break;
	case DM_P_FLOAT:
		a->f = strtod(s, &end);
		if (*s == '\0' || *end != '\0' || isnan(a->f)) {
			dm_buf_addf(msg, "%s: '%s' needs a number, not ", op,
			    p->name);
			addq(msg, s);
			return -1;
		}
		if (p->min < p->max && (a->f < p->min || a->f > p->max))
			return out_of_bounds(op, p, s, msg);
		/* a cast of a value out of long long's range is undefined:
		 * such a value is as good as the nearest bound */
		if (a->f >= 0x1p63)
			a->i = LLONG_MAX;
		else if (a->f < -0x1p63)
			a->i = LLONG_MIN;
		else
			a->i = (long long)a->f;
		break;
	case DM_P_BOOL:
		if (strcasecmp(s, "true") == 0 || strcmp(s, "1") == 0 ||
		    strcasecmp(s, "yes") == 0)
			a->i = 1;
		else if (strcasecmp(s, "false") == 0 || strcmp(s, "0") == 0 ||
		    strcasecmp(s, "no") == 0)
			a->i = 0;
		else {
			dm_buf_addf(msg, "%s: '%s' needs true or false, not ",
			    op, p->name);
			addq(msg, s);
			return -1;
		}
		break;
	case DM_P_ENUM:
		c = p->choices ? p->choices : "";
		if ((a->i = choice(c, s)) < 0) {
			dm_buf_addf(msg, "%s: '%s' must be one of ", op,
			    p->name);
			for (; *c; c++) {
				dm_buf_addc(msg, *c);
				if (*c == ',' && c[1] != ' ')
					dm_buf_addc(msg, ' ');
			}
			dm_buf_adds(msg, ", not ");
			addq(msg, s);
			return -1;
		}
		break;
	case DM_P_LIST:
		a->list = split_list(s, &a->nlist);
		break;
	}
	return 0;
}

static void
free_args(struct dm_args *a)
{
	size_t i;

	for (i = 0; i < a->n; i++) {
		free((char *)a->v[i].str);
		free(a->v[i].list);
	}
	free(a->v);
	for (i = 0; i < a->nextra; i++) {
		free(a->extra_keys[i]);
		free(a->extra_vals[i]);
	}
	free(a->extra_keys);
	free(a->extra_vals);
	memset(a, 0, sizeof *a);
}

/* ---- the script language ---- */

struct word {
	const char	*start, *end;	/* the word in the script */
	const char	*vstart;	/* where its value begins */
	int		 haskey;	/* key=value */
	struct dm_buf	 key, val;	/* decoded */
};

struct parser {
	const char	*src, *p;
	const char	*origin;
	unsigned long	 firstline;
	int		 keepinner;	/* DM_OPF_EXPR: keep quotes inside values */
	struct word	 w;
	struct dm_buf	 msg;
	/* locate()'s last answer, so that the script is scanned once */
	const char	*lat, *lls;
	unsigned long	 lline;
};

/* The line of position at in the script, and where that line starts. */
static const char *
locate(struct parser *ps, const char *at, unsigned long *line)
{
	const char *s, *ls = ps->src;

	*line = ps->firstline;
	s = ps->src;
	/* the words come in order: go on from the last one */
	if (ps->lat != NULL && ps->lat <= at) {
		s = ps->lat;
		ls = ps->lls;
		*line = ps->lline;
	}
	for (; s < at; s++)
		if (*s == '\n') {
			(*line)++;
			ls = s + 1;
		}
	ps->lat = at;
	ps->lls = ls;
	ps->lline = *line;
	return ls;
}

/*
 * Reports msg at position at of the script: origin:line:col, then the line
 * and a caret under the column. Control bytes of the line are shown as '?'
 * and the caret line copies its tabs, so the caret stays in place.
 */
static int
report(struct parser *ps, const char *at, const char *msg)
{
	struct dm_buf b = DM_BUF_INIT;
	const char *ls, *le;
	unsigned long line;

	ls = locate(ps, at, &line);
	for (le = ls; *le && *le != '\n'; le++)
		;
	if (le > ls && le[-1] == '\r')
		le--;
	dm_buf_addf(&b, "%s:%lu:%zu: %s", ps->origin, line,
	    (size_t)(at - ls) + 1, msg);
	if (le > ls)
		dm_buf_addcaret(&b, ls, le, at);
	dm_warn("%s", b.buf);
	dm_buf_free(&b);
	return -1;
}

static int
reportf(struct parser *ps, const char *at, const char *fmt, ...)
	DM_PRINTF(3, 4);

static int
reportf(struct parser *ps, const char *at, const char *fmt, ...)
{
	va_list ap;
	int n;

	dm_buf_reset(&ps->msg);
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n > 0) {
		dm_buf_grow(&ps->msg, (size_t)n);
		va_start(ap, fmt);
		vsnprintf(ps->msg.buf, (size_t)n + 1, fmt, ap);
		va_end(ap);
		ps->msg.len = (size_t)n;
	}
	return report(ps, at, ps->msg.buf);
}

static int
blank(int c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Ends a word; '#' starts a comment anywhere outside quotes. */
static int
word_end(int c)
{
	return c == '\0' || blank(c) || c == '\n' || c == ';' || c == '#';
}

/*
 * Reads the word at ps->p into ps->w. Quoted parts join the text around
 * them as in the shell; single quotes are literal, double quotes know only
 * \" and \\ (so "\d" stays a regular expression). The first '=' before any
 * quote splits key from value. With ps->keepinner, a quote that comes
 * after bare text of a value is part of the value, as written: an
 * expression's string (set x=lang("de")). Returns 0, or -1 after reporting.
 */
static int
read_word(struct parser *ps)
{
	struct word *w = &ps->w;
	const char *p = ps->p, *q;
	int quoted = 0, bare = 0;

	dm_buf_reset(&w->key);
	dm_buf_reset(&w->val);
	w->start = w->vstart = p;
	w->haskey = 0;
	while (!word_end(*p)) {
		if ((*p == '\'' || *p == '"') && ps->keepinner && w->haskey &&
		    bare) {
			for (q = p + 1; *q != *p; q++) {
				if (*q == '\0')
					return report(ps, p,
					    "unterminated quote");
				if (*p == '"' && *q == '\\' && q[1] != '\0')
					q++;
			}
			dm_buf_add(&w->val, p, (size_t)(q + 1 - p));
			p = q + 1;
		} else if (*p == '\'') {
			quoted = 1;
			if ((q = strchr(p + 1, '\'')) == NULL)
				return report(ps, p, "unterminated quote");
			dm_buf_add(&w->val, p + 1, (size_t)(q - p - 1));
			p = q + 1;
		} else if (*p == '"') {
			quoted = 1;
			for (q = p++; *p != '"'; p++) {
				if (*p == '\0')
					return report(ps, q,
					    "unterminated quote");
				if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
					p++;
				dm_buf_addc(&w->val, *p);
			}
			p++;
		} else if (*p == '=' && !quoted && !w->haskey) {
			w->haskey = 1;
			dm_buf_swap(&w->key, &w->val);
			w->vstart = ++p;
			bare = 0;
		} else {
			bare = 1;
			dm_buf_addc(&w->val, *p++);
		}
	}
	w->end = ps->p = p;
	return 0;
}

static int
valid_name(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '-' || s[i] == '_' || s[i] == '.'))
			return 0;
	return n > 0;
}

static const char *
suggest_op(const char *name)
{
	const struct dm_opdef *const *all;
	const char **names, *s;
	size_t n, i;

	all = dm_ops_all(&n);
	names = dm_xreallocarray(NULL, n ? n : 1, sizeof *names);
	for (i = 0; i < n; i++)
		names[i] = all[i]->name;
	s = dm_suggest(name, names, n);
	free(names);
	return s;
}

/* Whether the '_'-separated words of key are words of name, in order:
 * min_words is in min_doc_words. */
static int
wordsof(const char *key, const char *name)
{
	const char *k = key, *ke, *p = name, *pe;
	size_t kl;

	while (*k) {
		ke = strchr(k, '_');
		kl = ke ? (size_t)(ke - k) : strlen(k);
		for (;;) {
			if (*p == '\0')
				return 0;
			pe = strchr(p, '_');
			if ((pe ? (size_t)(pe - p) : strlen(p)) == kl &&
			    strncmp(p, k, kl) == 0) {
				p = pe ? pe + 1 : p + kl;
				break;
			}
			p = pe ? pe + 1 : p + strlen(p);
		}
		k = ke ? ke + 1 : k + kl;
	}
	return 1;
}

static size_t
nwords(const char *s)
{
	size_t n = 1;

	for (; *s; s++)
		n += *s == '_';
	return n;
}

static const char *
suggest_param(const struct dm_opdef *d, const char *key)
{
	const char **names, *s, *best = NULL;
	size_t n, i;

	for (n = 0; d->params && d->params[n].name; n++)
		;
	names = dm_xreallocarray(NULL, n ? n : 1, sizeof *names);
	for (n = 0; d->params && d->params[n].name; n++)
		names[n] = d->params[n].name;
	/* the parameter whose name holds the key's words with the fewest
	 * others (the first in the table on a tie), else the closest */
	for (i = 0; i < n; i++)
		if (wordsof(key, names[i]) && (best == NULL ||
		    nwords(names[i]) < nwords(best)))
			best = names[i];
	s = best ? best : dm_suggest(key, names, n);
	free(names);
	return s;
}

/* "got 'WORD'" quotes the word as written in the script. */
static int
report_got(struct parser *ps, const struct word *w)
{
	dm_buf_reset(&ps->msg);
	dm_buf_adds(&ps->msg, "expected key=value, got '");
	dm_buf_addquoted(&ps->msg, w->start, (size_t)(w->end - w->start),
	    QUOTE_MAX);
	dm_buf_addc(&ps->msg, '\'');
	return report(ps, w->start, ps->msg.buf);
}

/* The flags a regular expression is compiled with: the operator's own
 * `flags` string parameter when it has one. */
static const char *
regex_flags(const struct dm_args *a, size_t *fi)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		if (strcmp(a->v[i].p->name, "flags") == 0 &&
		    a->v[i].p->type == DM_P_STR) {
			*fi = i;
			return a->v[i].str;
		}
	return "";
}

/* Checks that a REGEX argument compiles; -1 with the message in msg and
 * the index of the argument to blame (the pattern, or the flags when the
 * pattern alone compiles) in *blame. */
static int
check_regex(const struct dm_args *a, size_t k, struct dm_buf *msg,
    size_t *blame)
{
	struct dm_buf err = DM_BUF_INIT;
	struct dm_re *re;
	const char *flags;
	size_t off, fi = k;

	flags = regex_flags(a, &fi);
	if ((re = dm_re_new(a->v[k].str, flags, &err, &off)) != NULL) {
		dm_re_free(re);
		dm_buf_free(&err);
		return 0;
	}
	*blame = k;
	if (*flags) {
		struct dm_buf e2 = DM_BUF_INIT;

		if ((re = dm_re_new(a->v[k].str, "", &e2, &off)) != NULL) {
			dm_re_free(re);
			*blame = fi;
		}
		dm_buf_free(&e2);
	}
	dm_buf_addf(msg, "%s: '%s': %s", a->op, a->v[*blame].p->name,
	    err.len ? err.buf : "invalid regular expression");
	dm_buf_free(&err);
	return -1;
}

/*
 * Parses one operator's words after its name into l->args. where[i] is the
 * source position of parameter i's value, or the name's for a default.
 */
static int
parse_args(struct parser *ps, struct link *l, const char *namepos)
{
	const struct dm_opdef *d = l->def;
	struct dm_args *a = &l->args;
	struct word *w = &ps->w;
	const char **where;
	size_t np, i, next = 0, blame;
	int rc = -1;

	for (np = 0; d->params && d->params[np].name; np++)
		;
	a->op = d->name;
	a->n = np;
	a->v = dm_xcalloc(np ? np : 1, sizeof *a->v);
	where = dm_xcalloc(np ? np : 1, sizeof *where);
	for (i = 0; i < np; i++)
		a->v[i].p = &d->params[i];
	ps->keepinner = (d->flags & DM_OPF_EXPR) != 0;
	for (;;) {
		while (blank(*ps->p))
			ps->p++;
		if (*ps->p == '\0' || *ps->p == '\n' || *ps->p == ';' ||
		    *ps->p == '#')
			break;
		if (read_word(ps) < 0)
			goto out;
		if (!w->haskey) {
			/* A bare value fills the next parameter not given. */
			while (next < np && a->v[next].given)
				next++;
			if (next == np) {
				report_got(ps, w);
				goto out;
			}
			i = next;
		} else {
			if (w->key.len == 0) {
				report_got(ps, w);
				goto out;
			}
			for (i = 0; i < np; i++)
				if (strcmp(d->params[i].name, w->key.buf) == 0)
					break;
			if (i == np && (d->flags & DM_OPF_FREEFORM)) {
				a->extra_keys = dm_xreallocarray(a->extra_keys,
				    a->nextra + 1, sizeof *a->extra_keys);
				a->extra_vals = dm_xreallocarray(a->extra_vals,
				    a->nextra + 1, sizeof *a->extra_vals);
				a->extra_keys[a->nextra] =
				    dm_xstrndup(w->key.buf, w->key.len);
				a->extra_vals[a->nextra++] =
				    dm_xstrndup(w->val.buf, w->val.len);
				continue;
			}
			if (i == np) {
				const char *s = suggest_param(d, w->key.buf);

				dm_buf_reset(&ps->msg);
				dm_buf_addf(&ps->msg, "operator '%s' has no "
				    "parameter ", d->name);
				addq(&ps->msg, w->key.buf);
				if (s)
					dm_buf_addf(&ps->msg, "; did you mean "
					    "'%s'?", s);
				report(ps, w->start, ps->msg.buf);
				goto out;
			}
		}
		if (a->v[i].given) {
			reportf(ps, w->start, "%s: '%s' is given twice",
			    d->name, d->params[i].name);
			goto out;
		}
		a->v[i].given = 1;
		a->v[i].str = dm_xstrndup(w->val.buf, w->val.len);
		where[i] = w->vstart;
	}
	for (i = 0; i < np; i++) {
		if (!a->v[i].given) {
			if (d->params[i].def == NULL) {
				reportf(ps, namepos, "%s: missing required "
				    "parameter '%s'", d->name,
				    d->params[i].name);
				goto out;
			}
			a->v[i].str = dm_xstrdup(d->params[i].def);
			where[i] = namepos;
		}
		dm_buf_reset(&ps->msg);
		if (parse_value(d->name, &a->v[i], &ps->msg) < 0) {
			report(ps, where[i], ps->msg.buf);
			goto out;
		}
	}
	for (i = 0; i < np; i++) {
		if (d->params[i].type != DM_P_REGEX)
			continue;
		dm_buf_reset(&ps->msg);
		if (check_regex(a, i, &ps->msg, &blame) < 0) {
			report(ps, where[blame], ps->msg.buf);
			goto out;
		}
	}
	rc = 0;
out:
	ps->keepinner = 0;
	free(where);
	return rc;
}

struct dm_chain *
dm_chain_new(void)
{
	struct dm_chain *c = dm_xcalloc(1, sizeof *c);

	dm_buf_init(&c->tb[0]);
	dm_buf_init(&c->tb[1]);
	return c;
}

static void
free_link(struct link *l)
{
	if (l->inited && l->def->fini)
		l->def->fini(l->state);
	free_args(&l->args);
	free(l->origin);
	free(l);
}

static int
parse_one(struct parser *ps, struct dm_chain *c)
{
	struct word *w = &ps->w;
	const struct dm_opdef *d;
	struct link *l;
	const char *s;

	if (read_word(ps) < 0)
		return -1;
	if (w->haskey || !valid_name(w->start, (size_t)(w->end - w->start))) {
		dm_buf_reset(&ps->msg);
		dm_buf_adds(&ps->msg, "expected an operator name, got '");
		dm_buf_addquoted(&ps->msg, w->start,
		    (size_t)(w->end - w->start), QUOTE_MAX);
		dm_buf_addc(&ps->msg, '\'');
		return report(ps, w->start, ps->msg.buf);
	}
	if ((d = dm_ops_find(w->val.buf)) == NULL) {
		if ((s = suggest_op(w->val.buf)) != NULL)
			return reportf(ps, w->start, "unknown operator '%s'; "
			    "did you mean '%s'?", w->val.buf, s);
		return reportf(ps, w->start, "unknown operator '%s'",
		    w->val.buf);
	}
	/* a filter with a text function (c4) maps too */
	if (d->text == NULL && d->sample == NULL)
		return reportf(ps, w->start, "operator '%s' is a %s, not a map",
		    d->name, dm_opkind_name(d->kind));
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 8;
		c->v = dm_xreallocarray(c->v, c->cap, sizeof *c->v);
	}
	l = c->v[c->n++] = dm_xcalloc(1, sizeof *l);
	l->def = d;
	l->origin = dm_xstrdup(ps->origin);
	l->col = (size_t)(w->start - locate(ps, w->start, &l->line)) + 1;
	return parse_args(ps, l, w->start);
}

int
dm_chain_parse(struct dm_chain *c, const char *script, const char *origin,
    unsigned long firstline)
{
	struct parser ps;
	size_t n0 = c->n, bad;
	int rc = 0;

	memset(&ps, 0, sizeof ps);
	ps.src = ps.p = script;
	ps.origin = origin;
	ps.firstline = firstline;
	dm_buf_init(&ps.w.key);
	dm_buf_init(&ps.w.val);
	dm_buf_init(&ps.msg);
	/* what the script puts into samples must be UTF-8 */
	if ((bad = dm_utf8_check(script, strlen(script))) < strlen(script))
		rc = reportf(&ps, script + bad, "invalid UTF-8 byte '%s'",
		    dm_quoten(script + bad, 1));
	for (; rc == 0;) {
		while (blank(*ps.p))
			ps.p++;
		if (*ps.p == '\0')
			break;
		if (*ps.p == '\n' || *ps.p == ';') {
			ps.p++;
		} else if (*ps.p == '#') {
			while (*ps.p && *ps.p != '\n')
				ps.p++;
		} else if ((rc = parse_one(&ps, c)) < 0)
			break;
	}
	if (rc == 0 && c->n == n0) {
		/* No line to show: the caret would point at nothing. */
		dm_warn("%s:%lu:1: empty script", origin, firstline);
		rc = -1;
	}
	if (rc < 0) {
		/* A failed parse leaves the chain as it was. */
		while (c->n > n0)
			free_link(c->v[--c->n]);
	}
	dm_buf_free(&ps.w.key);
	dm_buf_free(&ps.w.val);
	dm_buf_free(&ps.msg);
	return rc;
}

int
dm_chain_init(struct dm_chain *c)
{
	struct dm_buf err = DM_BUF_INIT;
	struct link *l;
	size_t i;

	for (i = 0; i < c->n; i++) {
		l = c->v[i];
		if (l->inited)
			continue;
		if (l->def->init) {
			dm_buf_reset(&err);
			if (l->def->init(&l->state, &l->args, &err) < 0) {
				/* an empty message: the operator reported */
				if (err.len)
					dm_warn("%s:%lu:%zu: %s: %s", l->origin,
					    l->line, l->col, l->def->name, err.buf);
				dm_buf_free(&err);
				return -1;
			}
		}
		l->inited = 1;
	}
	dm_buf_free(&err);
	return 0;
}

/* Puts "OP: " in front of an operator's message. */
static void
name_error(struct dm_buf *err, const char *op)
{
	size_t k = strlen(op) + 2, n = err->len;

	if (n == 0) {
		dm_buf_addf(err, "%s: failed", op);
		return;
	}
	dm_buf_grow(err, k);
	memmove(err->buf + k, err->buf, n + 1);
	memcpy(err->buf, op, k - 2);
	memcpy(err->buf + k - 2, ": ", 2);
	err->len = n + k;
}

int
dm_chain_run(struct dm_chain *c, struct dm_sample *s, const char *key,
    struct dm_buf *err)
{
	const struct dm_opdef *d;
	struct dm_buf *out;
	const char *text = NULL;
	size_t i, n = 0;
	int have = 0, changed = 0, which = 0, r;

	dm_buf_reset(err);
	for (i = 0; i < c->n; i++) {
		d = c->v[i]->def;
		if (d->text) {
			if (!have) {
				if (dm_sample_text(s, key, &text, &n, err) < 0)
					return -1;
				have = 1;
			}
			/* The output buffer is never the one text is in. */
			out = &c->tb[which];
			dm_buf_reset(out);
			r = d->text(c->v[i]->state, text, n, out, err);
			if (r < 0) {
				name_error(err, d->name);
				return -1;
			}
			if (r > 0) {
				text = out->buf;
				n = out->len;
				which ^= 1;
				changed = 1;
			}
			continue;
		}
		if (changed) {
			if (dm_sample_set_text(s, key, text, n, err) < 0)
				return -1;
			changed = 0;
		}
		/* The sample operator may change the text: read it again. */
		have = 0;
		if (d->sample(c->v[i]->state, s, key, err) < 0) {
			name_error(err, d->name);
			return -1;
		}
	}
	if (changed && dm_sample_set_text(s, key, text, n, err) < 0)
		return -1;
	return 0;
}

void
dm_chain_free(struct dm_chain *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->n; i++)
		free_link(c->v[i]);
	free(c->v);
	dm_buf_free(&c->tb[0]);
	dm_buf_free(&c->tb[1]);
	free(c);
}

/* ---- arguments given as pairs (expression calls) ---- */

int
dm_args_build(const struct dm_opdef *d, char *const *keys, char *const *vals,
    size_t n, struct dm_args *a, struct dm_buf *err, size_t *bad)
{
	size_t np, i, k, next = 0, *from;
	const char *s;

	memset(a, 0, sizeof *a);
	for (np = 0; d->params && d->params[np].name; np++)
		;
	a->op = d->name;
	a->n = np;
	a->v = dm_xcalloc(np ? np : 1, sizeof *a->v);
	from = dm_xcalloc(np ? np : 1, sizeof *from);
	for (i = 0; i < np; i++)
		a->v[i].p = &d->params[i];
	for (k = 0; k < n; k++) {
		*bad = k;
		if (keys[k] == NULL) {
			while (next < np && a->v[next].given)
				next++;
			if (next == np) {
				dm_buf_addf(err, "%s: too many values", d->name);
				goto fail;
			}
			i = next;
		} else {
			for (i = 0; i < np; i++)
				if (strcmp(d->params[i].name, keys[k]) == 0)
					break;
			if (i == np) {
				dm_buf_addf(err, "operator '%s' has no parameter ",
				    d->name);
				addq(err, keys[k]);
				if ((s = suggest_param(d, keys[k])) != NULL)
					dm_buf_addf(err, "; did you mean '%s'?", s);
				goto fail;
			}
			if (a->v[i].given) {
				dm_buf_addf(err, "%s: '%s' is given twice", d->name,
				    d->params[i].name);
				goto fail;
			}
		}
		a->v[i].given = 1;
		a->v[i].str = dm_xstrdup(vals[k]);
		from[i] = k;
	}
	for (i = 0; i < np; i++) {
		*bad = a->v[i].given ? from[i] : n;
		if (!a->v[i].given) {
			if (d->params[i].def == NULL) {
				dm_buf_addf(err, "%s: missing required parameter "
				    "'%s'", d->name, d->params[i].name);
				goto fail;
			}
			a->v[i].str = dm_xstrdup(d->params[i].def);
		}
		if (parse_value(d->name, &a->v[i], err) < 0)
			goto fail;
	}
	for (i = 0; i < np; i++) {
		if (d->params[i].type != DM_P_REGEX)
			continue;
		if (check_regex(a, i, err, &k) < 0) {
			*bad = a->v[k].given ? from[k] : n;
			goto fail;
		}
	}
	free(from);
	return 0;
fail:
	free(from);
	free_args(a);
	return -1;
}

void
dm_args_free(struct dm_args *a)
{
	free_args(a);
}
