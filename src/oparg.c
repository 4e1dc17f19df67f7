/* oparg.c - operator arguments: typed values, bounds, regular expressions, "did you mean" */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dm.h"
#include "chain.h"

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

void
dm_buf_addvalue(struct dm_buf *b, const char *s)
{
	dm_buf_addc(b, '\'');
	dm_buf_addquoted(b, s, strlen(s), DM_ARG_QUOTE_MAX);
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
	dm_buf_addvalue(msg, s);
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

int
dm_arg_parse(const char *op, struct dm_arg *a, struct dm_buf *msg)
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
			dm_buf_addvalue(msg, s);
			return -1;
		}
		if (errno != ERANGE && p->min < p->max &&
		    ((double)a->i < p->min || (double)a->i > p->max))
			return out_of_bounds(op, p, s, msg);
		if (errno == ERANGE) {
			dm_buf_addf(msg, "%s: '%s' is out of range, not ", op,
			    p->name);
			dm_buf_addvalue(msg, s);
			return -1;
		}
		a->f = (double)a->i;
		break;
	case DM_P_FLOAT:
		a->f = strtod(s, &end);
		if (*s == '\0' || *end != '\0' || isnan(a->f)) {
			dm_buf_addf(msg, "%s: '%s' needs a number, not ", op,
			    p->name);
			dm_buf_addvalue(msg, s);
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
			dm_buf_addvalue(msg, s);
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
			dm_buf_addvalue(msg, s);
			return -1;
		}
		break;
	case DM_P_LIST:
		a->list = split_list(s, &a->nlist);
		break;
	}
	return 0;
}

void
dm_args_free(struct dm_args *a)
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

const char *
dm_param_suggest(const struct dm_opdef *d, const char *key)
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

int
dm_args_check_regex(const struct dm_args *a, size_t k, struct dm_buf *msg,
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

void
dm_args_prepare(struct dm_args *a, const struct dm_opdef *d)
{
	size_t np, i;

	memset(a, 0, sizeof *a);
	for (np = 0; d->params && d->params[np].name; np++)
		;
	a->op = d->name;
	a->n = np;
	a->v = dm_xcalloc(np ? np : 1, sizeof *a->v);
	for (i = 0; i < np; i++)
		a->v[i].p = &d->params[i];
}

/* Arguments given as pairs (expression calls). */

int
dm_args_build(const struct dm_opdef *d, char *const *keys, char *const *vals,
    size_t n, struct dm_args *a, struct dm_buf *err, size_t *bad)
{
	size_t np, i, k, next = 0, *from;
	const char *s;

	dm_args_prepare(a, d);
	np = a->n;
	from = dm_xcalloc(np ? np : 1, sizeof *from);
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
				dm_buf_addvalue(err, keys[k]);
				if ((s = dm_param_suggest(d, keys[k])) != NULL)
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
		if (dm_arg_parse(d->name, &a->v[i], err) < 0)
			goto fail;
	}
	for (i = 0; i < np; i++) {
		if (d->params[i].type != DM_P_REGEX)
			continue;
		if (dm_args_check_regex(a, i, err, &k) < 0) {
			*bad = a->v[k].given ? from[k] : n;
			goto fail;
		}
	}
	free(from);
	return 0;
fail:
	free(from);
	dm_args_free(a);
	return -1;
}

int
dm_args_fieldpath(const struct dm_args *a, const char *name,
    struct dm_buf *err)
{
	const char *s = dm_arg_str(a, name), *dd;
	size_t n = strlen(s), off = 0;

	if (dm_fieldpath_ok(s))
		return 0;
	/* at the dot that makes an empty name: a..b at its second dot */
	if (n > 0 && s[0] != '.')
		off = (dd = strstr(s, "..")) != NULL ? (size_t)(dd - s) + 1 :
		    n - 1;
	dm_buf_addf(err, "'%s' needs a field name, not ", name);
	dm_buf_addvalue(err, s);
	dm_args_blame(a, name, off);
	return -1;
}
