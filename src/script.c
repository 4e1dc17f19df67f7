/* script.c - dm-map's script language: `op k=v; op ...` into a chain */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dm.h"
#include "chain.h"

struct word {
	const char	*start, *end;	/* the word in the script */
	const char	*vstart;	/* where its value begins */
	int		 haskey;	/* key=value */
	struct dm_buf	 key, val;	/* decoded */
	size_t		*map;		/* map[k]: where in the script byte k
					   of val was written */
	size_t		 nmap, capmap;
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

void
dm_script_report(const struct dm_link *l, size_t at, const char *msg)
{
	struct parser ps;

	memset(&ps, 0, sizeof ps);
	ps.src = ps.p = l->src;
	ps.origin = l->origin;
	ps.firstline = l->firstline;
	report(&ps, l->src + at, msg);
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

/* Appends n bytes of the script at src to the value, each with where it
 * was written, for messages about the value made later (dm_link_report). */
static void
addval(struct parser *ps, const char *src, size_t n)
{
	struct word *w = &ps->w;
	size_t k;

	if (w->nmap + n + 1 > w->capmap) {
		w->capmap = 2 * (w->nmap + n + 1);
		w->map = dm_xreallocarray(w->map, w->capmap, sizeof *w->map);
	}
	for (k = 0; k < n; k++)
		w->map[w->nmap++] = (size_t)(src + k - ps->src);
	dm_buf_add(&w->val, src, n);
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
	w->nmap = 0;
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
			addval(ps, p, (size_t)(q + 1 - p));
			p = q + 1;
		} else if (*p == '\'') {
			quoted = 1;
			if ((q = strchr(p + 1, '\'')) == NULL)
				return report(ps, p, "unterminated quote");
			addval(ps, p + 1, (size_t)(q - p - 1));
			p = q + 1;
		} else if (*p == '"') {
			quoted = 1;
			for (q = p++; *p != '"'; p++) {
				if (*p == '\0')
					return report(ps, q,
					    "unterminated quote");
				if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
					p++;
				addval(ps, p, 1);
			}
			p++;
		} else if (*p == '=' && !quoted && !w->haskey) {
			w->haskey = 1;
			dm_buf_swap(&w->key, &w->val);
			w->nmap = 0;
			w->vstart = ++p;
			bare = 0;
		} else {
			bare = 1;
			addval(ps, p++, 1);
		}
	}
	w->end = ps->p = p;
	/* the end of the value: where a message about it as a whole,
	 * or about what it lacks, points */
	if (w->nmap == 0 && w->capmap == 0) {
		w->capmap = 16;
		w->map = dm_xreallocarray(NULL, w->capmap, sizeof *w->map);
	}
	w->map[w->nmap] = (size_t)(w->vstart - ps->src);
	if (w->nmap > 0)
		w->map[w->nmap] = w->map[w->nmap - 1] + 1;
	return 0;
}

/* The value just read, with where each byte of it was written. */
static void
keepval(struct parser *ps, struct dm_span *sp)
{
	struct word *w = &ps->w;

	sp->n = w->nmap;
	sp->map = dm_xreallocarray(NULL, w->nmap + 1, sizeof *sp->map);
	memcpy(sp->map, w->map, (w->nmap + 1) * sizeof *sp->map);
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

/* "got 'WORD'" quotes the word as written in the script. */
static int
report_got(struct parser *ps, const struct word *w)
{
	dm_buf_reset(&ps->msg);
	dm_buf_adds(&ps->msg, "expected key=value, got '");
	dm_buf_addquoted(&ps->msg, w->start, (size_t)(w->end - w->start),
	    DM_ARG_QUOTE_MAX);
	dm_buf_addc(&ps->msg, '\'');
	return report(ps, w->start, ps->msg.buf);
}

/*
 * Parses one operator's words after its name into l->args. where[i] is the
 * source position of parameter i's value, or the name's for a default.
 */
static int
parse_args(struct parser *ps, struct dm_link *l, const char *namepos)
{
	const struct dm_opdef *d = l->def;
	struct dm_args *a = &l->args;
	struct word *w = &ps->w;
	const char **where;
	size_t np, i, next = 0, blame;
	int rc = -1;

	dm_args_prepare(a, d);
	np = a->n;
	where = dm_xcalloc(np ? np : 1, sizeof *where);
	l->vspan = dm_xcalloc(np ? np : 1, sizeof *l->vspan);
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
				l->xkey = dm_xreallocarray(l->xkey,
				    a->nextra + 1, sizeof *l->xkey);
				l->xval = dm_xreallocarray(l->xval,
				    a->nextra + 1, sizeof *l->xval);
				l->xkey[a->nextra] = (size_t)(w->start - ps->src);
				keepval(ps, &l->xval[a->nextra]);
				a->extra_keys[a->nextra] =
				    dm_xstrndup(w->key.buf, w->key.len);
				a->extra_vals[a->nextra++] =
				    dm_xstrndup(w->val.buf, w->val.len);
				continue;
			}
			if (i == np) {
				const char *s = dm_param_suggest(d, w->key.buf);

				dm_buf_reset(&ps->msg);
				dm_buf_addf(&ps->msg, "operator '%s' has no "
				    "parameter ", d->name);
				dm_buf_addvalue(&ps->msg, w->key.buf);
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
		keepval(ps, &l->vspan[i]);
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
		if (dm_arg_parse(d->name, &a->v[i], &ps->msg) < 0) {
			report(ps, where[i], ps->msg.buf);
			goto out;
		}
	}
	for (i = 0; i < np; i++) {
		if (d->params[i].type != DM_P_REGEX)
			continue;
		dm_buf_reset(&ps->msg);
		if (dm_args_check_regex(a, i, &ps->msg, &blame) < 0) {
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

static int
parse_one(struct parser *ps, struct dm_chain *c)
{
	struct word *w = &ps->w;
	const struct dm_opdef *d;
	struct dm_link *l;
	const char *s;

	if (read_word(ps) < 0)
		return -1;
	if (w->haskey || !valid_name(w->start, (size_t)(w->end - w->start))) {
		dm_buf_reset(&ps->msg);
		dm_buf_adds(&ps->msg, "expected an operator name, got '");
		dm_buf_addquoted(&ps->msg, w->start,
		    (size_t)(w->end - w->start), DM_ARG_QUOTE_MAX);
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
	l = dm_chain_add(c);
	l->def = d;
	l->origin = dm_xstrdup(ps->origin);
	l->col = (size_t)(w->start - locate(ps, w->start, &l->line)) + 1;
	l->src = ps->src;
	l->firstline = ps->firstline;
	l->namepos = (size_t)(w->start - ps->src);
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
	/* the links keep the script, for the messages of their init */
	c->srcs = dm_xreallocarray(c->srcs, c->nsrcs + 1, sizeof *c->srcs);
	c->srcs[c->nsrcs] = dm_xstrdup(script);
	ps.src = ps.p = c->srcs[c->nsrcs++];
	ps.origin = origin;
	ps.firstline = firstline;
	dm_buf_init(&ps.w.key);
	dm_buf_init(&ps.w.val);
	dm_buf_init(&ps.msg);
	/* what the script puts into samples must be UTF-8 */
	if ((bad = dm_utf8_check(script, strlen(script))) < strlen(script))
		rc = reportf(&ps, ps.src + bad, "invalid UTF-8 byte '%s'",
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
		dm_chain_cut(c, n0);
	}
	dm_buf_free(&ps.w.key);
	dm_buf_free(&ps.w.val);
	free(ps.w.map);
	dm_buf_free(&ps.msg);
	return rc;
}

