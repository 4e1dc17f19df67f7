/* expr.c - the expression language of dm-filter and of dm-map's set */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <utf8proc.h>

#include "dm.h"
#include "tokenizer.h"
#include "langid.h"
#include "rawtext.h"

/* ---- values ---- */

enum vt { V_NULL, V_BOOL, V_NUM, V_STR, V_RAW, V_LIST };

/* A value while evaluating. Strings point into the sample, the expression
 * or the evaluation arena; V_RAW is an array or object still in the line;
 * V_LIST is an array literal. */
struct val {
	enum vt		 t;
	int		 b;
	int		 isint;		/* V_NUM: -1 when decided from raw,
					   on first use (valisint) */
	double		 num;
	const char	*s;
	size_t		 n;
	struct node	*list;		/* V_LIST: the array literal's node */
	const char	*raw;		/* V_NUM read from a field: its bytes */
	size_t		 rawn;
};

/* ---- the tree ---- */

enum nk {
	N_LIT, N_FIELD, N_STAT, N_PRED, N_FUNC, N_NOT, N_NEG, N_AND, N_OR,
	N_BIN, N_MATCH, N_ARRAY
};

enum fn { F_HAS, F_LEN, F_LOWER, F_STARTSWITH, F_ENDSWITH, F_CONTAINS, F_NUM,
	F_STR, F_LANG, F_ALL_IN, F_FLOAT };

static const struct {
	const char	*name;
	enum fn		 fn;
	int		 nargs;		/* with the text as an implicit first
					   argument when one fewer is given */
} funcs[] = {
	{ "all_in", F_ALL_IN, 2 },
	{ "contains", F_CONTAINS, 2 },
	{ "endswith", F_ENDSWITH, 2 },
	{ "float", F_FLOAT, 1 },
	{ "has", F_HAS, 1 },
	{ "lang", F_LANG, 1 },
	{ "len", F_LEN, 1 },
	{ "lower", F_LOWER, 1 },
	{ "num", F_NUM, 1 },
	{ "startswith", F_STARTSWITH, 2 },
	{ "str", F_STR, 1 },
};

struct node {
	enum nk		 k;
	int		 op;		/* N_BIN: token; N_MATCH: 1 for !~ */
	size_t		 col;		/* offset in the source, for messages */
	struct node	**kid;
	size_t		 nkid;
	struct val	 lit;		/* N_LIT */
	char		*str;		/* owned storage of a literal string */
	struct dm_pathseg *path;	/* N_FIELD */
	size_t		 npath;
	const struct dm_statdef *stat;	/* N_STAT */
	char		*statarg;
	int		 slot;		/* N_STAT: cache slot */
	enum fn		 fn;		/* N_FUNC */
	int		 inited;	/* N_PRED */
	int		 typeerr;	/* reported once */
	const struct dm_opdef *def;	/* N_PRED */
	struct dm_args	*args;		/* N_PRED: allocated, as few nodes
					   are predicates */
	void		*state;
	struct dm_re	*re;		/* N_MATCH */
	struct dm_langid *lid;		/* F_LANG */
	size_t		 watch;		/* N_FIELD of a bare name: its
					   entry in watches, plus 1 */
};

/* The bare names that expressions read as fields, over all expressions
 * of the run (dm-map's set may hold many): how many samples looked at
 * each, and how many had it. */
struct watch {
	char		*name;
	unsigned long long looked, found;
	const char	*file;	/* the sample looked at last */
	unsigned long	 lineno;
};
static struct watch *watches;
static size_t nwatches;
static int strict;

/* An index of watches by name (open addressing, 1 + the watch's index;
 * 0 empty): an expression may read tens of thousands of fields. */
static size_t *watchidx;
static size_t watchcap;

static size_t
watchhash(const char *s, size_t n)
{
	size_t h = 14695981039346656037ULL & SIZE_MAX, i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * (1099511628211ULL & SIZE_MAX);
	return h;
}

static size_t
watchname(const char *s, size_t n)
{
	size_t i, j, k;

	if (2 * (nwatches + 1) > watchcap) {
		free(watchidx);
		watchcap = watchcap ? 2 * watchcap : 64;
		watchidx = dm_xcalloc(watchcap, sizeof *watchidx);
		for (i = 0; i < nwatches; i++) {
			k = watchhash(watches[i].name,
			    strlen(watches[i].name)) & (watchcap - 1);
			while (watchidx[k] != 0)
				k = (k + 1) & (watchcap - 1);
			watchidx[k] = i + 1;
		}
	}
	for (k = watchhash(s, n) & (watchcap - 1); (j = watchidx[k]) != 0;
	    k = (k + 1) & (watchcap - 1))
		if (strlen(watches[j - 1].name) == n &&
		    memcmp(watches[j - 1].name, s, n) == 0)
			return j;
	watches = dm_xreallocarray(watches, nwatches + 1, sizeof *watches);
	memset(&watches[nwatches], 0, sizeof *watches);
	watches[nwatches].name = dm_xstrndup(s, n);
	watchidx[k] = nwatches + 1;
	return ++nwatches;
}

void
dm_expr_strict(int on)
{
	strict = on;
}

/* The fields that no sample had told by name, at most. */
#define MISSING_MAX	20

void
dm_expr_report_missing(void)
{
	const struct dm_statdef *st;
	const char **names, *sug;
	size_t i, n, told, more;

	st = dm_stats_all(&n);
	names = dm_xreallocarray(NULL, n ? n : 1, sizeof *names);
	for (i = 0; i < n; i++)
		names[i] = st[i].name;
	for (i = 0, told = 0, more = 0; i < nwatches; i++) {
		struct watch *w = &watches[i];

		if (w->looked == 0 || w->found)
			continue;
		/* one warning a field would bury the rest of the output */
		if (told == MISSING_MAX) {
			more++;
			continue;
		}
		told++;
		sug = dm_suggest(w->name, names, n);
		if (w->looked == 1)
			dm_warn("field '%s' was not in the one sample that "
			    "looked for it%s%s%s",
			    dm_quote(w->name),
			    sug ? "; did you mean the statistic '" : "",
			    sug ? sug : "", sug ? "'?" : "");
		else
			dm_warn("field '%s' was in none of the %llu samples "
			    "that looked for it%s%s%s", dm_quote(w->name), w->looked,
			    sug ? "; did you mean the statistic '" : "",
			    sug ? sug : "", sug ? "'?" : "");
	}
	if (more > 0)
		dm_warn("and %zu more field%s that no sample had", more,
		    more == 1 ? "" : "s");
	free(names);
}

size_t
dm_expr_nwatches(void)
{
	return nwatches;
}

const char *
dm_expr_watch(size_t i, unsigned long long *looked, unsigned long long *found)
{
	*looked = watches[i].looked;
	*found = watches[i].found;
	return watches[i].name;
}

void
dm_expr_watch_add(const char *name, unsigned long long looked,
    unsigned long long found)
{
	struct watch *w = &watches[watchname(name, strlen(name)) - 1];

	w->looked += looked;
	w->found += found;
}

struct dm_expr {
	struct node	*root;
	char		*src;
	char		*origin;
	unsigned long	 firstline;
	struct dm_textstats *ts;
	/* per sample */
	struct dm_sample *s;
	const char	*key;
	const char	*text;
	size_t		 textlen;
	int		 havetext;
	struct dm_buf	 why;
	int		 whyset;
	struct dm_buf	**arena;
	size_t		 narena, arena_used;
	struct dm_buf	 err2;
	int		 inftok;	/* encode() writes an infinity
					   1e999, not null (see jparse) */
};

/* ---- the lexer ---- */

enum tok {
	T_END, T_NUM, T_STR, T_NAME, T_LP, T_RP, T_LB, T_RB, T_COMMA, T_DOT,
	T_ASSIGN, T_EQ, T_NE, T_LT, T_LE, T_GT, T_GE, T_AND, T_OR, T_NOT,
	T_PLUS, T_MINUS, T_MUL, T_DIV, T_MOD, T_MATCH, T_NMATCH, T_IN,
	T_TRUE, T_FALSE, T_NULL, T_REGEX, T_ERR
};

struct parser {
	struct dm_expr	*e;
	const char	*src;
	const char	*p;		/* next character */
	enum tok	 t;		/* current token */
	const char	*tstart, *tend;
	struct dm_buf	 sval;		/* T_STR, T_REGEX pattern */
	struct dm_buf	 flags;		/* T_REGEX flags */
	double		 num;
	int		 isint;
	const char	*errmsg;	/* a lexer error */
	const char	*prevend;	/* end of the token before this one */
	int		 failed;
	int		 depth;		/* of parentheses, brackets, calls, ! and - */
	struct dm_buf	*errbuf;	/* the error goes here, not reported */
	size_t		 erroff;
};

/*
 * The parser and the evaluator recurse once a nesting level, so nesting is
 * limited, as the JSON scanner limits it; a long flat chain (1+1+...,
 * a && b && ...) nests nothing: it is evaluated in a loop.
 */
#define MAXDEPTH 256

static int
isnamec(int c, int first)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (!first && c >= '0' && c <= '9');
}


static void
lexstring(struct parser *ps)
{
	const char *p = ps->p;
	char q = *p++;
	long u;
	int i, h;

	dm_buf_reset(&ps->sval);
	for (;;) {
		if (*p == '\0') {
			ps->t = T_ERR;
			ps->errmsg = "unterminated string";
			return;
		}
		if (*p == q)
			break;
		if (*p != '\\') {
			dm_buf_addc(&ps->sval, *p++);
			continue;
		}
		p++;
		switch (*p) {
		case 'n': dm_buf_addc(&ps->sval, '\n'); break;
		case 't': dm_buf_addc(&ps->sval, '\t'); break;
		case 'r': dm_buf_addc(&ps->sval, '\r'); break;
		case 'b': dm_buf_addc(&ps->sval, '\b'); break;
		case 'f': dm_buf_addc(&ps->sval, '\f'); break;
		case '/': case '\\': case '"': case '\'':
			dm_buf_addc(&ps->sval, *p);
			break;
		case 'u':
			for (u = 0, i = 1; i <= 4; i++) {
				if ((h = dm_hexdigit((unsigned char)p[i])) < 0) {
					ps->t = T_ERR;
					ps->tstart = p - 1;
					ps->errmsg = "invalid \\u escape";
					return;
				}
				u = u * 16 + h;
			}
			if (u >= 0xd800 && u <= 0xdbff && p[5] == '\\' &&
			    p[6] == 'u') {
				long lo = 0;

				for (i = 7; i <= 10; i++) {
					if ((h = dm_hexdigit((unsigned char)p[i])) < 0)
						break;
					lo = lo * 16 + h;
				}
				if (i == 11 && lo >= 0xdc00 && lo <= 0xdfff) {
					u = 0x10000 + ((u - 0xd800) << 10) +
					    (lo - 0xdc00);
					p += 6;
				}
			}
			if (u >= 0xd800 && u <= 0xdfff) {
				ps->t = T_ERR;
				ps->tstart = p - 1;
				ps->errmsg = "lone surrogate in \\u escape";
				return;
			}
			dm_buf_addcp(&ps->sval, (int32_t)u);
			p += 4;
			break;
		default:
			ps->t = T_ERR;
			ps->tstart = p - 1;
			ps->errmsg = "invalid escape in string";
			return;
		}
		p++;
	}
	ps->t = T_STR;
	ps->p = p + 1;
}

/* Whether the digits s[0..n) (a sign left out) spell an integer of at
 * most 2^53, beyond which an integer is a real: told by the digits, as
 * 2^53 + 1 reads as the double 2^53. */
static int
intdigits(const char *s, size_t n)
{
	while (n > 1 && *s == '0') {
		s++;
		n--;
	}
	return n < 16 || (n == 16 && memcmp(s, "9007199254740992", 16) <= 0);
}

static int
isdigitc(int c)
{
	return c >= '0' && c <= '9';
}

/*
 * A number: digits, a point and digits, an exponent. strtod reads more
 * (0x10, 0x1p4), which the language does not have: a name character
 * right after the number is an error, not a number and a name.
 */
static void
lexnum(struct parser *ps)
{
	const char *p = ps->p, *q;
	int isint = 1;

	while (isdigitc((unsigned char)*p))
		p++;
	if (*p == '.') {
		isint = 0;
		while (isdigitc((unsigned char)*++p))
			;
	}
	if (*p == 'e' || *p == 'E') {
		q = p + 1;
		if (*q == '+' || *q == '-')
			q++;
		if (isdigitc((unsigned char)*q)) {
			isint = 0;
			for (p = q; isdigitc((unsigned char)*p); p++)
				;
		}
	}
	if (isnamec((unsigned char)*p, 0)) {
		while (isnamec((unsigned char)*p, 0) || *p == '.')
			p++;
		ps->t = T_ERR;
		ps->errmsg = "not a decimal number";
		ps->p = ps->tend = p;
		return;
	}
	ps->num = strtod(ps->p, NULL);
	ps->isint = isint && intdigits(ps->p, (size_t)(p - ps->p));
	ps->t = T_NUM;
	ps->p = ps->tend = p;
}

/* A regular expression literal /.../flags, after =~ or !~. */
static void
lexregex(struct parser *ps)
{
	const char *p;

	while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' ||
	    *ps->p == '\r')
		ps->p++;
	ps->tstart = ps->p;
	if (*ps->p != '/') {
		ps->t = T_ERR;
		ps->errmsg = "expected a regular expression /.../ here";
		return;
	}
	dm_buf_reset(&ps->sval);
	dm_buf_reset(&ps->flags);
	for (p = ps->p + 1; *p != '/'; p++) {
		if (*p == '\0' || *p == '\n') {
			ps->t = T_ERR;
			ps->errmsg = "unterminated regular expression";
			return;
		}
		/* \/ is a slash; every other escape is the pattern's */
		if (*p == '\\' && p[1] == '/') {
			dm_buf_addc(&ps->sval, '/');
			p++;
			continue;
		}
		if (*p == '\\' && p[1] != '\0')
			dm_buf_addc(&ps->sval, *p++);
		dm_buf_addc(&ps->sval, *p);
	}
	for (p++; isnamec((unsigned char)*p, 0); p++)
		dm_buf_addc(&ps->flags, *p);
	ps->t = T_REGEX;
	ps->p = p;
	ps->tend = p;
}

static void
next(struct parser *ps)
{
	const char *p = ps->p;

	ps->prevend = ps->tend ? ps->tend : ps->src;
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		if (*p != '#')
			break;
		while (*p && *p != '\n')
			p++;
	}
	ps->tstart = p;
	ps->p = p;
	if (*p == '\0') {
		ps->t = T_END;
		ps->tend = p;
		return;
	}
	if ((*p >= '0' && *p <= '9') || (*p == '.' && p[1] >= '0' && p[1] <= '9')) {
		lexnum(ps);
		return;
	}
	if (isnamec((unsigned char)*p, 1)) {
		while (isnamec((unsigned char)*p, 0))
			p++;
		ps->p = ps->tend = p;
		ps->t = T_NAME;
#define KW(w, tk) if ((size_t)(p - ps->tstart) == sizeof w - 1 && \
		    memcmp(ps->tstart, w, sizeof w - 1) == 0) ps->t = tk
		KW("true", T_TRUE);
		KW("false", T_FALSE);
		KW("null", T_NULL);
		KW("in", T_IN);
#undef KW
		return;
	}
	if (*p == '"' || *p == '\'') {
		lexstring(ps);
		ps->tend = ps->p;
		return;
	}
#define TWO(a, b, tk) if (p[0] == a && p[1] == b) { ps->t = tk; ps->p = \
	    ps->tend = p + 2; return; }
	TWO('=', '=', T_EQ);
	TWO('!', '=', T_NE);
	TWO('<', '=', T_LE);
	TWO('>', '=', T_GE);
	TWO('&', '&', T_AND);
	TWO('|', '|', T_OR);
	TWO('=', '~', T_MATCH);
	TWO('!', '~', T_NMATCH);
#undef TWO
	ps->p = ps->tend = p + 1;
	switch (*p) {
	case '(': ps->t = T_LP; return;
	case ')': ps->t = T_RP; return;
	case '[': ps->t = T_LB; return;
	case ']': ps->t = T_RB; return;
	case ',': ps->t = T_COMMA; return;
	case '.': ps->t = T_DOT; return;
	case '=': ps->t = T_ASSIGN; return;
	case '<': ps->t = T_LT; return;
	case '>': ps->t = T_GT; return;
	case '!': ps->t = T_NOT; return;
	case '+': ps->t = T_PLUS; return;
	case '-': ps->t = T_MINUS; return;
	case '*': ps->t = T_MUL; return;
	case '/': ps->t = T_DIV; return;
	case '%': ps->t = T_MOD; return;
	}
	ps->t = T_ERR;
	ps->errmsg = NULL;
}

/* ---- messages ---- */

/*
 * The line ls..le and a caret under at, as dm_buf_addcaret() writes them;
 * of a line longer than WINDOW bytes (an expression made by a program, a
 * run of 100000 '!'), only the characters within WINDOW / 2 of the caret,
 * "..." marking what is left out: a message does not flood the terminal.
 */
#define WINDOW 160

static void
addwindow(struct dm_buf *b, const char *ls, const char *le, const char *at)
{
	struct dm_buf w = DM_BUF_INIT;
	const char *s, *e;
	size_t pre;
	int n;

	if ((size_t)(le - ls) <= WINDOW) {
		dm_buf_addcaret(b, ls, le, at);
		return;
	}
	if (at > le)
		at = le;
	/* back and forth by characters, not bytes */
	for (s = at, n = 0; s > ls && n < WINDOW / 2; n++)
		while (--s > ls && ((unsigned char)*s & 0xc0) == 0x80)
			;
	for (e = at, n = 0; e < le && n < WINDOW / 2; n++)
		while (++e < le && ((unsigned char)*e & 0xc0) == 0x80)
			;
	if (s > ls)
		dm_buf_adds(&w, "...");
	pre = w.len;
	dm_buf_add(&w, s, (size_t)(e - s));
	if (e < le)
		dm_buf_adds(&w, "...");
	dm_buf_addcaret(b, w.buf, w.buf + w.len, w.buf + pre + (at - s));
	dm_buf_free(&w);
}

/* "origin:line:col: msg", then the source line and a caret under col. */
static void
report_at(const char *src, const char *origin, unsigned long firstline,
    size_t off, const char *prefix, const char *msg)
{
	struct dm_buf b = DM_BUF_INIT;
	const char *ls = src, *le, *s;
	unsigned long line = firstline;
	size_t col;

	for (s = src; s < src + off; s++)
		if (*s == '\n') {
			line++;
			ls = s + 1;
		}
	le = strchr(ls, '\n');
	if (le == NULL)
		le = ls + strlen(ls);
	/* a file from Windows: the CR of CR LF is no part of the line
	 * shown (a '?' at its end) */
	if (le > ls && le[-1] == '\r')
		le--;
	col = (size_t)(src + off - ls) + 1;
	dm_buf_addf(&b, "%s%s:%lu:%zu: %s", prefix ? prefix : "", origin,
	    line, col, msg);
	addwindow(&b, ls, le, src + off);
	dm_warn("%s", b.buf);
	dm_buf_free(&b);
}

static void
perr(struct parser *ps, const char *at, const char *fmt, ...)
{
	struct dm_buf b = DM_BUF_INIT;
	va_list ap;
	char tmp[512];

	if (ps->failed)
		return;
	ps->failed = 1;
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (ps->errbuf) {
		dm_buf_adds(ps->errbuf, tmp);
		ps->erroff = (size_t)(at - ps->src);
		return;
	}
	dm_buf_adds(&b, tmp);
	report_at(ps->src, ps->e->origin, ps->e->firstline,
	    (size_t)(at - ps->src), NULL, b.buf);
	dm_buf_free(&b);
}

/* The current token as text for messages: whole characters, quoted,
 * non-printing bytes escaped. */
static const char *
toktext(struct parser *ps, char *buf, size_t size)
{
	struct dm_buf b = DM_BUF_INIT;
	int32_t cp;
	size_t n;
	int k;

	if (ps->t == T_END)
		return "the end";
	n = (size_t)(ps->tend - ps->tstart);
	if (n == 0)
		n = 1;
	if ((unsigned char)ps->tstart[0] >= 0x80 && n == 1 &&
	    (k = dm_utf8_decode(ps->tstart, strlen(ps->tstart), &cp)) > 0)
		n = (size_t)k;
	dm_buf_addc(&b, '\'');
	dm_buf_addquoted(&b, ps->tstart, n, 40);
	dm_buf_addc(&b, '\'');
	snprintf(buf, size, "%s", b.buf);
	dm_buf_free(&b);
	return buf;
}

static void
unexpected(struct parser *ps)
{
	char t[256];

	static const char *const words[][2] = {
		{ "and", "&&" }, { "or", "||" }, { "AND", "&&" }, { "OR", "||" },
	};
	/* = of SQL, and the signs of mathematics */
	static const char *const signs[][2] = {
		{ "=", "==" }, { "\u2265", ">=" }, { "\u2264", "<=" },
		{ "\u2260", "!=" },
	};
	size_t i, n = (size_t)(ps->tend - ps->tstart);

	if (ps->t == T_ERR && ps->errmsg) {
		perr(ps, ps->tstart, "%s", ps->errmsg);
		return;
	}
	for (i = 0; (ps->t == T_ASSIGN || ps->t == T_ERR) &&
	    i < sizeof signs / sizeof signs[0]; i++)
		if (strncmp(ps->tstart, signs[i][0], strlen(signs[i][0])) == 0) {
			perr(ps, ps->tstart, "unexpected '%s'; did you mean "
			    "'%s'?", signs[i][0], signs[i][1]);
			return;
		}
	/* words >= 5 and x: the Python spelling of an operator */
	for (i = 0; ps->t == T_NAME && i < sizeof words / sizeof words[0];
	    i++)
		if (strlen(words[i][0]) == n &&
		    memcmp(ps->tstart, words[i][0], n) == 0) {
			perr(ps, ps->tstart, "unexpected '%s'; did you mean "
			    "'%s'?", words[i][0], words[i][1]);
			return;
		}
	perr(ps, ps->tstart, "unexpected %s", toktext(ps, t, sizeof t));
}

/* ---- the parser ---- */

static struct node *
mknode(enum nk k, size_t col)
{
	struct node *n = dm_xcalloc(1, sizeof *n);

	n->k = k;
	n->col = col;
	return n;
}

static void
addkid(struct node *n, struct node *kid)
{
	n->kid = dm_xreallocarray(n->kid, n->nkid + 1, sizeof *n->kid);
	n->kid[n->nkid++] = kid;
}

/* Frees n; a left-deep chain (1+1+...) in a loop, not a recursion. */
static void
freenode(struct node *n)
{
	struct node *left;
	size_t i;

	for (; n != NULL; n = left) {
		left = n->nkid ? n->kid[0] : NULL;
		for (i = 1; i < n->nkid; i++)
			freenode(n->kid[i]);
		free(n->kid);
		free(n->str);
		for (i = 0; i < n->npath; i++)
			free((char *)n->path[i].key);
		free(n->path);
		free(n->statarg);
		if (n->inited && n->def->fini)
			n->def->fini(n->state);
		if (n->def)
			dm_args_free(n->args);
		free(n->args);
		if (n->re)
			dm_re_free(n->re);
		dm_langid_close(n->lid);
		free(n);
	}
}

/* Enters one nesting level at 'at': 0, or -1 with a message past the limit. */
static int
nest(struct parser *ps, const char *at)
{
	if (++ps->depth <= MAXDEPTH)
		return 0;
	perr(ps, at, "nesting deeper than %d levels (parentheses, brackets, "
	    "calls, ! and -)", MAXDEPTH);
	return -1;
}

static struct node *parse_expr(struct parser *);

static void
addseg(struct node *n, const char *key, size_t len, size_t index)
{
	n->path = dm_xreallocarray(n->path, n->npath + 1, sizeof *n->path);
	n->path[n->npath].key = key ? dm_xstrndup(key, len) : NULL;
	n->path[n->npath].len = len;
	n->path[n->npath].index = index;
	n->npath++;
}

/* After a first segment: .name, [N], ["key"], .["key"] */
static int
parse_path_rest(struct parser *ps, struct node *n)
{
	for (;;) {
		if (ps->t == T_DOT) {
			next(ps);
			if (ps->t == T_LB)
				continue;
			if (ps->t != T_NAME && ps->t != T_IN && ps->t != T_TRUE &&
			    ps->t != T_FALSE && ps->t != T_NULL) {
				perr(ps, ps->tstart, "expected a field name after '.'");
				return -1;
			}
			addseg(n, ps->tstart, (size_t)(ps->tend - ps->tstart), 0);
			next(ps);
			continue;
		}
		if (ps->t != T_LB)
			return 0;
		next(ps);
		if (ps->t == T_STR) {
			addseg(n, ps->sval.buf, ps->sval.len, 0);
		} else if (ps->t == T_NUM && ps->isint && ps->num >= 0) {
			addseg(n, NULL, 0, (size_t)ps->num);
		} else {
			perr(ps, ps->tstart, "expected an index or a quoted key "
			    "inside '[ ]'");
			return -1;
		}
		next(ps);
		if (ps->t != T_RB) {
			perr(ps, ps->tstart, "expected ']'");
			return -1;
		}
		next(ps);
	}
}

/* A literal value as the text an operator parameter takes. */
static int
littext(struct node *n, struct dm_buf *b)
{
	if (n->k == N_NEG && n->nkid == 1 && n->kid[0]->k == N_LIT &&
	    n->kid[0]->lit.t == V_NUM) {
		dm_buf_addc(b, '-');
		n = n->kid[0];
	}
	if (n->k != N_LIT)
		return -1;
	switch (n->lit.t) {
	case V_NUM:
		/* as written: an integer parameter takes 5, not 5.0 or
		 * 1e3, as it does in dm-map's scripts */
		if (n->str)
			dm_buf_adds(b, n->str);
		else if (n->lit.isint)
			dm_buf_addf(b, "%.0f", n->lit.num);
		else
			dm_buf_addf(b, "%.17g", n->lit.num);
		return 0;
	case V_STR:
		dm_buf_add(b, n->lit.s, n->lit.n);
		return 0;
	case V_BOOL:
		dm_buf_adds(b, n->lit.b ? "true" : "false");
		return 0;
	default:
		return -1;
	}
}

/* A message about a number ends with the value as the operator got it
 * ("-10"): echo it as written ("-1e1") instead. */
static void
aswritten(struct dm_buf *msg, const char *val, const struct node *n)
{
	struct dm_buf q = DM_BUF_INIT;
	int neg = 0;

	if (n->k == N_NEG && n->nkid == 1) {
		neg = 1;
		n = n->kid[0];
	}
	if (n->k != N_LIT || n->lit.t != V_NUM || n->str == NULL)
		return;
	dm_buf_addf(&q, "'%s'", val);
	if (msg->len >= q.len &&
	    memcmp(msg->buf + msg->len - q.len, q.buf, q.len) == 0) {
		dm_buf_setlen(msg, msg->len - q.len);
		dm_buf_addf(msg, "'%s%s'", neg ? "-" : "", n->str);
	}
	dm_buf_free(&q);
}

/* lang and lang("en") use the default identifier, loaded once. */
static int
openlang(struct parser *ps, struct node *n, const char *at)
{
	struct dm_buf err = DM_BUF_INIT;

	if ((n->lid = dm_langid_open(NULL, &err)) == NULL) {
		perr(ps, at, "lang: %s", err.buf);
		dm_buf_free(&err);
		return -1;
	}
	return 0;
}

/*
 * sp="MODEL", the last argument of a statistic of words, is taken off the
 * arguments (*nargs less one) into *model; 0, or -1 after a message.
 */
static int
stat_sp(struct parser *ps, const struct dm_statdef *sd, struct node *n,
    char **keys, const char **where, size_t *nargs, char **model)
{
	struct dm_buf b = DM_BUF_INIT, err = DM_BUF_INIT;
	size_t k = *nargs - 1;

	*model = NULL;
	if (*nargs == 0 || keys[k] == NULL || strcmp(keys[k], "sp") != 0)
		return 0;
	if (!sd->sp) {
		perr(ps, where[k], "%s takes no sp=", sd->name);
		return -1;
	}
	if (n->kid[k]->k != N_LIT || n->kid[k]->lit.t != V_STR ||
	    littext(n->kid[k], &b) < 0) {
		perr(ps, where[k], "sp= needs a string literal");
		dm_buf_free(&b);
		return -1;
	}
	/* a model that is not there is an error at sp= */
	if (dm_tok_spm(b.buf, &err) == NULL) {
		perr(ps, where[k], "%s", err.buf);
		dm_buf_free(&b);
		dm_buf_free(&err);
		return -1;
	}
	*model = dm_buf_detach(&b, NULL);
	(*nargs)--;
	return 0;
}

/* The argument of a statistic with sp=MODEL: "[ARG:]sp=MODEL" (dm.h). */
static void
stat_addsp(char **arg, const char *model)
{
	struct dm_buf b = DM_BUF_INIT;

	if (model == NULL)
		return;
	if (*arg)
		dm_buf_addf(&b, "%s:", *arg);
	dm_buf_addf(&b, "sp=%s", model);
	free(*arg);
	*arg = dm_buf_detach(&b, NULL);
}

/* A positive integer literal of at most a million, for aug=. */
static int
aug_size(const struct node *x, struct dm_buf *b)
{
	if (x->k != N_LIT || x->lit.t != V_NUM || !x->lit.isint ||
	    x->lit.num < 1 || x->lit.num > 1000000)
		return -1;
	dm_buf_addf(b, "%.0f", x->lit.num);
	return 0;
}

/*
 * The arguments of a word list's statistic (stopword_ratio,
 * flagged_ratio), sp= taken off: the language first (its default when
 * left out), then list=, cut=, aug= (a size or a list of them, [] none)
 * and join=, each once, in any order.
 * The argument made is "LANG[:LIST][:cut=true][:aug=N+N...][:join=TEXT]"
 * (stats.c).
 */
static int
stat_listargs(struct parser *ps, const struct dm_statdef *sd,
    struct node *n, char **keys, const char **where, size_t na,
    struct dm_buf *arg)
{
	static const char *const names[] = { "list", "cut", "aug", "join" };
	struct dm_buf v[4] = { DM_BUF_INIT, DM_BUF_INIT, DM_BUF_INIT,
		DM_BUF_INIT };
	int have[4] = { 0, 0, 0, 0 };
	const struct node *x;
	size_t i, j, k;
	int r = -1;

	dm_buf_adds(arg, sd->argdef);
	for (i = 0; i < na; i++) {
		x = n->kid[i];
		if (keys[i] == NULL && i == 0) {
			dm_buf_reset(arg);
			if (x->k != N_LIT || x->lit.t != V_STR ||
			    littext(n->kid[i], arg) < 0) {
				perr(ps, where[i], "%s needs a string literal",
				    sd->name);
				goto out;
			}
			continue;
		}
		for (k = 0; keys[i] && k < 4 && strcmp(keys[i], names[k]); k++)
			;
		if (keys[i] && strcmp(keys[i], "sp") == 0) {
			perr(ps, where[i], "sp= comes last");
			goto out;
		}
		if (keys[i] == NULL || k == 4 || have[k]) {
			perr(ps, where[i], "%s takes the language, then list=, "
			    "cut=, aug=, join= and sp=, each once", sd->name);
			goto out;
		}
		have[k] = 1;
		if (k == 1) {
			if (x->k != N_LIT || x->lit.t != V_BOOL) {
				perr(ps, where[i], "cut= needs true or false");
				goto out;
			}
			if (x->lit.b)
				dm_buf_adds(&v[k], "true");
		} else if (k == 2) {
			if (x->k == N_ARRAY && x->nkid > 0) {
				for (j = 0; j < x->nkid; j++) {
					if (j > 0)
						dm_buf_addc(&v[k], '+');
					if (aug_size(x->kid[j], &v[k]) < 0)
						break;
				}
			} else
				j = aug_size(x, &v[k]) < 0 ? 0 : 1;
			/* aug=[] adds nothing, as no group sizes do */
			if (j < (x->k == N_ARRAY ? x->nkid : 1)) {
				perr(ps, where[i], "aug= needs a group size "
				    "from 1 to 1000000, or a list of them");
				goto out;
			}
		} else {
			if (x->k != N_LIT || x->lit.t != V_STR ||
			    littext(n->kid[i], &v[k]) < 0) {
				perr(ps, where[i], "%s= needs a string literal",
				    names[k]);
				goto out;
			}
			if (memchr(v[k].buf, ':', v[k].len) != NULL) {
				perr(ps, where[i], "%s= may not hold ':'",
				    names[k]);
				goto out;
			}
		}
	}
	for (k = 0; k < 4; k++)
		if (v[k].len > 0)
			dm_buf_addf(arg, k == 0 ? ":%s" : ":%s=%s", k == 0 ?
			    v[k].buf : names[k], v[k].buf);
	r = 0;
out:
	for (k = 0; k < 4; k++)
		dm_buf_free(&v[k]);
	return r;
}

/*
 * A string literal given to a numeric parameter of predicate d: an
 * error, where the text of "5" would pass for the number 5. Arguments
 * go to parameters as dm_args_build sends them: by name, or the next
 * parameter not named.
 */
static int
numstr(struct parser *ps, const struct dm_opdef *d, const struct node *n,
    char **keys, const char **where, size_t nargs)
{
	const struct dm_param *p;
	size_t np, i, k, next = 0;
	char *given;
	int r = 0;

	for (np = 0; d->params && d->params[np].name; np++)
		;
	given = dm_xcalloc(np ? np : 1, 1);
	for (k = 0; k < nargs; k++)
		for (i = 0; keys[k] && i < np; i++)
			if (strcmp(d->params[i].name, keys[k]) == 0)
				given[i] = 1;
	for (k = 0; k < nargs && r == 0; k++) {
		if (keys[k]) {
			for (i = 0; i < np && strcmp(d->params[i].name,
			    keys[k]) != 0; i++)
				;
		} else {
			while (next < np && given[next])
				next++;
			i = next;
			if (next < np)
				given[next] = 1;
		}
		if (i == np)
			continue;	/* dm_args_build tells */
		p = &d->params[i];
		if ((p->type == DM_P_INT || p->type == DM_P_FLOAT) &&
		    n->kid[k]->k == N_LIT && n->kid[k]->lit.t == V_STR) {
			perr(ps, where[k], "%s: '%s' needs %s, not a string",
			    d->name, p->name, p->type == DM_P_INT ?
			    "an integer" : "a number");
			r = -1;
		}
	}
	free(given);
	return r;
}

/* name( ... ): a function, a statistic with its argument, or a predicate. */
static struct node *
parse_call(struct parser *ps, const char *name, size_t len, const char *at)
{
	char fname[64], opname[64];
	char **keys = NULL, **vals = NULL;
	const char **where = NULL;
	const struct dm_statdef *sd;
	const struct dm_opdef *d;
	struct node *n, *arg;
	struct dm_buf b = DM_BUF_INIT, err = DM_BUF_INIT;
	size_t i, nargs = 0, bad, na;
	char *spm = NULL;
	const char *kat;

	if (len >= sizeof fname) {
		perr(ps, at, "unknown function '%.*s'", (int)len, name);
		return NULL;
	}
	memcpy(fname, name, len);
	fname[len] = '\0';
	n = mknode(N_FUNC, (size_t)(at - ps->src));
	next(ps);	/* past ( */
	/* a call is a level, as the argument in it would count it */
	if (ps->t == T_RP) {
		if (nest(ps, at) < 0)
			goto fail;
		ps->depth--;
	}
	while (ps->t != T_RP) {
		kat = ps->tstart;
		if (nargs) {
			if (ps->t != T_COMMA) {
				perr(ps, ps->tstart, "expected ',' or ')'");
				goto fail;
			}
			next(ps);
			kat = ps->tstart;
		}
		keys = dm_xreallocarray(keys, nargs + 1, sizeof *keys);
		vals = dm_xreallocarray(vals, nargs + 1, sizeof *vals);
		where = dm_xreallocarray(where, nargs + 1, sizeof *where);
		keys[nargs] = vals[nargs] = NULL;
		where[nargs] = kat;
		nargs++;
		/* name=value: a named parameter of a predicate */
		if (ps->t == T_NAME) {
			const char *q = ps->p;

			while (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r')
				q++;
			if (q[0] == '=' && q[1] != '=' && q[1] != '~') {
				keys[nargs - 1] = dm_xstrndup(ps->tstart,
				    (size_t)(ps->tend - ps->tstart));
				ps->p = q + 1;
				next(ps);
			}
		}
		if ((arg = parse_expr(ps)) == NULL)
			goto fail;
		addkid(n, arg);
	}
	next(ps);	/* past ) */

	for (i = 0; i < sizeof funcs / sizeof funcs[0]; i++) {
		if (strcmp(funcs[i].name, fname) != 0)
			continue;
		if (funcs[i].fn == F_LEN && nargs == 0)
			break;	/* len() is the statistic */
		for (size_t k = 0; k < nargs; k++)
			if (keys[k]) {
				perr(ps, where[k], "%s() takes no named arguments",
				    fname);
				goto fail;
			}
		if ((int)nargs != funcs[i].nargs &&
		    (int)nargs != funcs[i].nargs - 1) {
			perr(ps, at, "%s() takes %d argument%s", fname,
			    funcs[i].nargs, funcs[i].nargs > 1 ? "s" : "");
			goto fail;
		}
		if (funcs[i].fn == F_HAS && (nargs != 1 ||
		    n->kid[0]->k != N_FIELD)) {
			perr(ps, at, "has() takes a field path");
			goto fail;
		}
		n->fn = funcs[i].fn;
		if (n->fn == F_LANG && openlang(ps, n, at) < 0)
			goto fail;
		goto done;
	}
	if ((sd = dm_stat_find(fname)) != NULL) {
		n->k = N_STAT;
		n->stat = sd;
		/* na: the arguments but sp= */
		na = nargs;
		if (stat_sp(ps, sd, n, keys, where, &na, &spm) < 0)
			goto fail;
		/* stopword_ratio("de", list="iso", aug=2) is
		 * stopword_ratio("de:iso:aug=2") */
		if (sd->arg == DM_STATARG_STR && sd->sp) {
			if (stat_listargs(ps, sd, n, keys, where, na, &b) < 0)
				goto fail;
			n->statarg = dm_buf_detach(&b, NULL);
			stat_addsp(&n->statarg, spm);
			if (dm_stat_check(sd, n->statarg, &err) < 0) {
				perr(ps, where[0], "%s", err.buf);
				goto fail;
			}
			goto done;
		}
		if (na > 1 || (na == 1 && (sd->arg == DM_STATARG_NONE ||
		    keys[0]))) {
			/* (the word lists' statistics are taken above) */
			perr(ps, at, "%s takes %s%s", fname, sd->arg ==
			    DM_STATARG_NONE ? "no argument" : "one argument",
			    !sd->sp ? "" : sd->arg == DM_STATARG_NONE ?
			    " but sp=" : ", and sp=");
			goto fail;
		}
		if (na == 1) {
			if (littext(n->kid[0], &b) < 0 || (sd->arg ==
			    DM_STATARG_INT && !(n->kid[0]->k == N_LIT &&
			    n->kid[0]->lit.t == V_NUM && n->kid[0]->lit.isint))) {
				perr(ps, where[0], "%s needs %s literal", fname,
				    sd->arg == DM_STATARG_INT ? "an integer" :
				    "a string");
				goto fail;
			}
			n->statarg = dm_buf_detach(&b, NULL);
		}
		stat_addsp(&n->statarg, spm);
		if (dm_stat_check(sd, n->statarg, &err) < 0) {
			perr(ps, na ? where[0] : at, "%s", err.buf);
			goto fail;
		}
		goto done;
	}
	/* a predicate: gopher_rep() is the operator gopher-rep */
	for (i = 0; i < len && i < sizeof opname - 1; i++)
		opname[i] = name[i] == '_' ? '-' : name[i];
	opname[i] = '\0';
	d = dm_ops_find(opname);
	if (d == NULL || d->kind != DM_OP_FILTER) {
		const char *cands[64];
		char preds[64][64];
		size_t nc = 0, nops, nst, j;
		const struct dm_opdef *const *all = dm_ops_all(&nops);
		const struct dm_statdef *st = dm_stats_all(&nst);
		const char *sug;

		for (i = 0; i < sizeof funcs / sizeof funcs[0] && nc < 64; i++)
			cands[nc++] = funcs[i].name;
		for (i = 0; i < nst && nc < 64; i++)
			cands[nc++] = st[i].name;
		/* a predicate is written with '_' for its '-' (gopher_rep),
		 * and compared so */
		for (i = 0; i < nops && nc < 64; i++) {
			if (all[i]->kind != DM_OP_FILTER)
				continue;
			for (j = 0; all[i]->name[j] && j < sizeof preds[0] - 1;
			    j++)
				preds[nc][j] = all[i]->name[j] == '-' ? '_' :
				    all[i]->name[j];
			preds[nc][j] = '\0';
			cands[nc] = preds[nc];
			nc++;
		}
		sug = dm_suggest(fname, cands, nc);
		if (d)
			perr(ps, at, "'%s' is a %s operator, not a predicate",
			    opname, dm_opkind_name(d->kind));
		else if (sug)
			perr(ps, at, "unknown function '%s'; did you mean '%s'?",
			    fname, sug);
		else
			perr(ps, at, "unknown function '%s'", fname);
		goto fail;
	}
	for (i = 0; i < nargs; i++) {
		if (littext(n->kid[i], &b) < 0) {
			perr(ps, where[i], "%s: parameters take literal values",
			    opname);
			goto fail;
		}
		vals[i] = dm_buf_detach(&b, NULL);
	}
	n->k = N_PRED;
	n->def = d;
	n->args = dm_xcalloc(1, sizeof *n->args);
	if (dm_args_build(d, keys, vals, nargs, n->args, &err, &bad) < 0) {
		if (bad < nargs)
			aswritten(&err, vals[bad], n->kid[bad]);
		perr(ps, bad < nargs ? where[bad] : at, "%s", err.buf);
		n->def = NULL;
		goto fail;
	}
	if (numstr(ps, d, n, keys, where, nargs) < 0)
		goto fail;
	if (d->init && d->init(&n->state, n->args, &err) < 0) {
		perr(ps, at, "%s: %s", d->name, err.buf);
		goto fail;
	}
	n->inited = 1;
done:
	free(spm);
	for (i = 0; i < nargs; i++) {
		free(keys[i]);
		free(vals[i]);
	}
	free(keys);
	free(vals);
	free(where);
	dm_buf_free(&b);
	dm_buf_free(&err);
	return n;
fail:
	free(spm);
	for (i = 0; i < nargs; i++) {
		free(keys[i]);
		free(vals[i]);
	}
	free(keys);
	free(vals);
	free(where);
	dm_buf_free(&b);
	dm_buf_free(&err);
	freenode(n);
	return NULL;
}

static const struct dm_statdef *
statname(const char *s, size_t n)
{
	char name[64];

	if (n >= sizeof name)
		return NULL;
	memcpy(name, s, n);
	name[n] = '\0';
	return dm_stat_find(name);
}

static struct node *
parse_primary(struct parser *ps, const char *after)
{
	struct node *n;
	const struct dm_statdef *sd;
	const char *at = ps->tstart;
	char t[256];

	switch (ps->t) {
	case T_NUM:
		n = mknode(N_LIT, (size_t)(at - ps->src));
		n->lit.t = V_NUM;
		n->lit.num = ps->num;
		n->lit.isint = ps->isint;
		/* as written, for the messages of operator parameters */
		n->str = dm_xstrndup(at, (size_t)(ps->tend - at));
		next(ps);
		return n;
	case T_STR:
		n = mknode(N_LIT, (size_t)(at - ps->src));
		n->lit.t = V_STR;
		n->str = dm_xstrndup(ps->sval.buf, ps->sval.len);
		n->lit.s = n->str;
		n->lit.n = ps->sval.len;
		next(ps);
		return n;
	case T_TRUE:
	case T_FALSE:
		n = mknode(N_LIT, (size_t)(at - ps->src));
		n->lit.t = V_BOOL;
		n->lit.b = ps->t == T_TRUE;
		next(ps);
		return n;
	case T_NULL:
		n = mknode(N_LIT, (size_t)(at - ps->src));
		n->lit.t = V_NULL;
		next(ps);
		return n;
	case T_LP:
		next(ps);
		if ((n = parse_expr(ps)) == NULL)
			return NULL;
		/* the column is the expression's: for set in a script,
		 * which reports the error at its own column, none */
		if (ps->t != T_RP && ps->errbuf)
			perr(ps, ps->tstart, "expected ')' to close a '('");
		else if (ps->t != T_RP)
			perr(ps, ps->tstart, "expected ')' to close the '(' at "
			    "column %zu", (size_t)(at - ps->src) + 1);
		if (ps->t != T_RP) {
			freenode(n);
			return NULL;
		}
		next(ps);
		return n;
	case T_LB:
		n = mknode(N_ARRAY, (size_t)(at - ps->src));
		next(ps);
		/* an empty array is a level, as a member in it would count it */
		if (ps->t == T_RB) {
			if (nest(ps, at) < 0) {
				freenode(n);
				return NULL;
			}
			ps->depth--;
		}
		while (ps->t != T_RB) {
			struct node *k;

			if (n->nkid) {
				if (ps->t != T_COMMA) {
					perr(ps, ps->tstart, "expected ',' or ']'");
					freenode(n);
					return NULL;
				}
				next(ps);
			}
			if ((k = parse_expr(ps)) == NULL) {
				freenode(n);
				return NULL;
			}
			addkid(n, k);
		}
		next(ps);
		return n;
	case T_DOT:
		/* .name or .["key"]: always a field */
		n = mknode(N_FIELD, (size_t)(at - ps->src));
		if (parse_path_rest(ps, n) < 0 || n->npath == 0) {
			if (n->npath == 0)
				perr(ps, at, "expected a field name after '.'");
			freenode(n);
			return NULL;
		}
		return n;
	case T_NAME:
		if (ps->tend - ps->tstart == 4 && memcmp(ps->tstart, "lang",
		    4) == 0 && *ps->p != '(' && *ps->p != '.' && *ps->p != '[') {
			/* lang: the best label; .lang is the field */
			n = mknode(N_FUNC, (size_t)(at - ps->src));
			n->fn = F_LANG;
			if (openlang(ps, n, at) < 0) {
				freenode(n);
				return NULL;
			}
			next(ps);
			return n;
		}
		if (*ps->p == '(') {
			const char *name = ps->tstart;
			size_t len = (size_t)(ps->tend - ps->tstart);

			next(ps);	/* at ( */
			return parse_call(ps, name, len, at);
		}
		sd = statname(ps->tstart, (size_t)(ps->tend - ps->tstart));
		if (sd) {
			struct dm_buf err = DM_BUF_INIT;

			n = mknode(N_STAT, (size_t)(at - ps->src));
			n->stat = sd;
			if (dm_stat_check(sd, NULL, &err) < 0) {
				perr(ps, at, "%s", err.buf);
				dm_buf_free(&err);
				freenode(n);
				return NULL;
			}
			dm_buf_free(&err);
			next(ps);
			return n;
		}
		n = mknode(N_FIELD, (size_t)(at - ps->src));
		addseg(n, ps->tstart, (size_t)(ps->tend - ps->tstart), 0);
		next(ps);
		if (parse_path_rest(ps, n) < 0) {
			freenode(n);
			return NULL;
		}
		if (n->npath == 1)
			n->watch = watchname(n->path[0].key, n->path[0].len);
		return n;
	default:
		if (ps->t == T_ERR && ps->errmsg)
			perr(ps, ps->tstart, "%s", ps->errmsg);
		else if (after)
			/* at the end, point just after the operator rather
			 * than at a line of its own */
			perr(ps, ps->t == T_END ? ps->prevend : ps->tstart,
			    "expected a value after '%s'", after);
		else if (ps->t == T_END)
			perr(ps, ps->tstart, "expected a value");
		else
			perr(ps, ps->tstart, "expected a value, not %s",
			    toktext(ps, t, sizeof t));
		return NULL;
	}
}

static const char *
tokname(enum tok t)
{
	switch (t) {
	case T_EQ: return "==";
	case T_NE: return "!=";
	case T_LT: return "<";
	case T_LE: return "<=";
	case T_GT: return ">";
	case T_GE: return ">=";
	case T_AND: return "&&";
	case T_OR: return "||";
	case T_NOT: return "!";
	case T_PLUS: return "+";
	case T_MINUS: return "-";
	case T_MUL: return "*";
	case T_DIV: return "/";
	case T_MOD: return "%";
	case T_IN: return "in";
	case T_MATCH: return "=~";
	case T_NMATCH: return "!~";
	default: return "?";
	}
}

static struct node *
parse_unary(struct parser *ps, const char *after)
{
	struct node *n, *k;
	const char *at = ps->tstart;

	if (ps->t == T_MINUS) {
		if (nest(ps, at) < 0)
			return NULL;
		next(ps);
		if ((k = parse_unary(ps, "-")) == NULL)
			return NULL;
		ps->depth--;
		n = mknode(N_NEG, (size_t)(at - ps->src));
		addkid(n, k);
		return n;
	}
	return parse_primary(ps, after);
}

static struct node *
binary(enum nk k, int op, size_t col, struct node *l, struct node *r)
{
	struct node *n = mknode(k, col);

	n->op = op;
	addkid(n, l);
	addkid(n, r);
	return n;
}

static struct node *
parse_mul(struct parser *ps, const char *after)
{
	struct node *l, *r;

	if ((l = parse_unary(ps, after)) == NULL)
		return NULL;
	while (ps->t == T_MUL || ps->t == T_DIV || ps->t == T_MOD) {
		enum tok op = ps->t;
		size_t col = (size_t)(ps->tstart - ps->src);

		next(ps);
		if ((r = parse_unary(ps, tokname(op))) == NULL) {
			freenode(l);
			return NULL;
		}
		l = binary(N_BIN, op, col, l, r);
	}
	return l;
}

static struct node *
parse_add(struct parser *ps, const char *after)
{
	struct node *l, *r;

	if ((l = parse_mul(ps, after)) == NULL)
		return NULL;
	while (ps->t == T_PLUS || ps->t == T_MINUS) {
		enum tok op = ps->t;
		size_t col = (size_t)(ps->tstart - ps->src);

		next(ps);
		if ((r = parse_mul(ps, tokname(op))) == NULL) {
			freenode(l);
			return NULL;
		}
		l = binary(N_BIN, op, col, l, r);
	}
	return l;
}

static struct node *
parse_cmp(struct parser *ps, const char *after)
{
	struct node *l, *r, *n;
	struct dm_buf err = DM_BUF_INIT;
	size_t off;
	enum tok op;

	if ((l = parse_add(ps, after)) == NULL)
		return NULL;
	op = ps->t;
	if (op == T_MATCH || op == T_NMATCH) {
		n = mknode(N_MATCH, (size_t)(ps->tstart - ps->src));
		n->op = op == T_NMATCH;
		addkid(n, l);
		lexregex(ps);
		if (ps->t != T_REGEX) {
			perr(ps, ps->tstart, "%s", ps->errmsg);
			freenode(n);
			return NULL;
		}
		/* an error of the match, as of the compilation, is the
		 * regex's */
		n->col = (size_t)(ps->tstart - ps->src);
		n->re = dm_re_new(ps->sval.buf, ps->flags.buf, &err, &off);
		if (n->re == NULL) {
			perr(ps, ps->tstart, "%s", err.buf);
			dm_buf_free(&err);
			freenode(n);
			return NULL;
		}
		dm_buf_free(&err);
		next(ps);
		l = n;
	} else if (op == T_EQ || op == T_NE || op == T_LT || op == T_LE ||
	    op == T_GT || op == T_GE || op == T_IN) {
		size_t col = (size_t)(ps->tstart - ps->src);

		next(ps);
		if ((r = parse_add(ps, tokname(op))) == NULL) {
			freenode(l);
			return NULL;
		}
		l = binary(N_BIN, op, col, l, r);
	} else
		return l;
	op = ps->t;
	if (op == T_EQ || op == T_NE || op == T_LT || op == T_LE ||
	    op == T_GT || op == T_GE || op == T_IN || op == T_MATCH ||
	    op == T_NMATCH) {
		perr(ps, ps->tstart, "comparisons do not chain; use && or "
		    "parentheses");
		freenode(l);
		return NULL;
	}
	return l;
}

static struct node *
parse_not(struct parser *ps, const char *after)
{
	struct node *n, *k;
	const char *at = ps->tstart;

	if (ps->t == T_NOT) {
		if (nest(ps, at) < 0)
			return NULL;
		next(ps);
		if ((k = parse_not(ps, "!")) == NULL)
			return NULL;
		ps->depth--;
		n = mknode(N_NOT, (size_t)(at - ps->src));
		addkid(n, k);
		return n;
	}
	return parse_cmp(ps, after);
}

static struct node *
parse_and(struct parser *ps, const char *after)
{
	struct node *l, *r;

	if ((l = parse_not(ps, after)) == NULL)
		return NULL;
	while (ps->t == T_AND) {
		size_t col = (size_t)(ps->tstart - ps->src);

		next(ps);
		if ((r = parse_not(ps, "&&")) == NULL) {
			freenode(l);
			return NULL;
		}
		l = binary(N_AND, T_AND, col, l, r);
	}
	return l;
}

static struct node *
parse_expr(struct parser *ps)
{
	struct node *l, *r;

	if (nest(ps, ps->tstart) < 0)
		return NULL;
	if ((l = parse_and(ps, NULL)) == NULL)
		return NULL;
	while (ps->t == T_OR) {
		size_t col = (size_t)(ps->tstart - ps->src);

		next(ps);
		if ((r = parse_and(ps, "||")) == NULL) {
			freenode(l);
			return NULL;
		}
		l = binary(N_OR, T_OR, col, l, r);
	}
	ps->depth--;
	return l;
}

int
dm_src_nul(const char *src, size_t len, const char *origin)
{
	size_t n = strlen(src);

	if (n == len)
		return 0;
	report_at(src, origin, 1, n, NULL, "unexpected NUL byte");
	return -1;
}

struct dm_expr *
dm_expr_parse(const char *src, const char *origin, unsigned long firstline)
{
	return dm_expr_parse_err(src, origin, firstline, NULL, NULL);
}

struct dm_expr *
dm_expr_parse_err(const char *src, const char *origin,
    unsigned long firstline, struct dm_buf *err, size_t *off)
{
	struct dm_expr *e = dm_xcalloc(1, sizeof *e);
	struct parser ps;
	size_t bad;

	memset(&ps, 0, sizeof ps);
	ps.errbuf = err;
	e->src = dm_xstrdup(src);
	e->origin = dm_xstrdup(origin);
	e->firstline = firstline;
	dm_buf_init(&e->why);
	dm_buf_init(&e->err2);
	ps.e = e;
	ps.src = e->src;
	ps.p = e->src;
	ps.depth = -1;	/* the expression itself is no nesting level */
	dm_buf_init(&ps.sval);
	dm_buf_init(&ps.flags);
	/* strings of the expression may go into samples: UTF-8 only */
	if ((bad = dm_utf8_check(src, strlen(src))) < strlen(src))
		perr(&ps, ps.src + bad, "invalid UTF-8 byte '%s'",
		    dm_quoten(src + bad, 1));
	else {
		next(&ps);
		if (ps.t == T_END)
			perr(&ps, ps.tstart, "empty expression");
		else if ((e->root = parse_expr(&ps)) != NULL &&
		    ps.t != T_END)
			unexpected(&ps);
	}
	dm_buf_free(&ps.sval);
	dm_buf_free(&ps.flags);
	if (ps.failed) {
		if (off)
			*off = ps.erroff;
		dm_expr_free(e);
		return NULL;
	}
	e->ts = dm_textstats_new();
	return e;
}

void
dm_expr_free(struct dm_expr *e)
{
	size_t i;

	if (e == NULL)
		return;
	freenode(e->root);
	free(e->src);
	free(e->origin);
	if (e->ts)
		dm_textstats_free(e->ts);
	dm_buf_free(&e->why);
	dm_buf_free(&e->err2);
	for (i = 0; i < e->narena; i++) {
		dm_buf_free(e->arena[i]);
		free(e->arena[i]);
	}
	free(e->arena);
	free(e);
}

/* ---- evaluation ---- */

static struct dm_buf *
arena(struct dm_expr *e)
{
	if (e->arena_used == e->narena) {
		e->arena = dm_xreallocarray(e->arena, e->narena + 1,
		    sizeof *e->arena);
		e->arena[e->narena] = dm_xmalloc(sizeof **e->arena);
		dm_buf_init(e->arena[e->narena++]);
	}
	dm_buf_reset(e->arena[e->arena_used]);
	return e->arena[e->arena_used++];
}

static int
gettext(struct dm_expr *e, struct dm_buf *err)
{
	if (e->havetext)
		return 0;
	if (dm_sample_text(e->s, e->key, &e->text, &e->textlen, err) < 0)
		return -1;
	dm_textstats_reset(e->ts, e->text, e->textlen);
	e->havetext = 1;
	return 0;
}

static void
fromfield(const struct dm_field *f, struct val *v)
{
	memset(v, 0, sizeof *v);
	switch (f->type) {
	case DM_MISSING:
	case DM_NULL:
		v->t = V_NULL;
		break;
	case DM_TRUE:
	case DM_FALSE:
		v->t = V_BOOL;
		v->b = f->type == DM_TRUE;
		break;
	case DM_NUMBER:
		/* whether it is an integer is looked at in its bytes only
		 * when arithmetic or output asks (valisint): most values
		 * read, as dm-stats's, are only compared or summed up */
		v->t = V_NUM;
		v->num = f->num;
		v->raw = f->raw;
		v->rawn = f->raw_len;
		if (f->raw)
			v->isint = -1;
		else
			v->isint = !(f->json && json_is_real(f->json)) &&
			    fabs(v->num) <= 9007199254740992.0;
		break;
	case DM_STRING:
		v->t = V_STR;
		v->s = f->str;
		v->n = f->len;
		break;
	case DM_ARRAY:
	case DM_OBJECT:
		v->t = V_RAW;
		if (f->raw) {
			v->s = f->raw;
			v->n = f->raw_len;
		} else {
			/* a changed value: never from the line, rare */
			v->t = V_NULL;
		}
		break;
	}
}

/* Whether a number is an integer: written without '.' or an exponent,
 * and exactly representable. */
static int
valisint(const struct val *v)
{
	int neg;

	if (v->isint >= 0)
		return v->isint;
	for (size_t i = 0; i < v->rawn; i++)
		if (v->raw[i] == '.' || v->raw[i] == 'e' || v->raw[i] == 'E')
			return 0;
	neg = v->rawn > 0 && v->raw[0] == '-';
	return intdigits(v->raw + neg, v->rawn - (size_t)neg);
}

static int
truth(const struct val *v)
{
	switch (v->t) {
	case V_NULL: return 0;
	case V_BOOL: return v->b;
	case V_NUM: return v->num != 0;	/* NaN too, as Python's bool */
	case V_STR: return v->n > 0;
	default: return 1;
	}
}

static int eval(struct dm_expr *, struct node *, struct val *, struct dm_buf *);

static void
typeerror(struct dm_expr *e, struct node *n, const char *what)
{
	struct dm_buf pre = DM_BUF_INIT;

	if (n->typeerr)
		return;
	n->typeerr = 1;
	dm_buf_addf(&pre, "%s:%lu: ", e->s->file,
	    dm_line_shown(e->s->file, e->s->lineno));
	report_at(e->src, e->origin, e->firstline, n->col, pre.buf, what);
	dm_buf_free(&pre);
}

static int encode(struct dm_expr *, const struct val *, struct dm_buf *,
    struct dm_buf *);

/*
 * An error of node n for the sample, appended to err from offset mark:
 * put "origin:line:col: " before it, as a type error and the errors of
 * parsing name the place in the expression, so that the regex, float()
 * or predicate that failed is known.
 */
static void
located(struct dm_expr *e, struct node *n, struct dm_buf *err, size_t mark)
{
	struct dm_buf msg = DM_BUF_INIT;
	const char *s, *ls = e->src;
	unsigned long line = e->firstline;

	for (s = e->src; s < e->src + n->col; s++)
		if (*s == '\n') {
			line++;
			ls = s + 1;
		}
	dm_buf_add(&msg, err->buf + mark, err->len - mark);
	dm_buf_setlen(err, mark);
	dm_buf_addf(err, "%s:%lu:%zu: ", e->origin, line,
	    (size_t)(e->src + n->col - ls) + 1);
	dm_buf_add(err, msg.buf, msg.len);
	dm_buf_free(&msg);
}

/*
 * Numbers that a jansson value cannot hold: an integer beyond 64 bits
 * (a real would make 2^64 - 1 equal to 2^64 - 2) and a real beyond the
 * double's range (1e400, which json_real refuses). Such a number is an
 * object whose one key is BIGKEY and whose value is the number's token: no
 * object of a sample or of the expression has that key, which is not
 * UTF-8.
 */
#define BIGKEY "\xff"

static const char *
bignum(const json_t *a)
{
	json_t *t;

	if (!json_is_object(a) || json_object_size(a) != 1 ||
	    (t = json_object_get(a, BIGKEY)) == NULL)
		return NULL;
	return json_string_value(t);
}

/* A number of a value, a big one too (its nearest double, or infinity). */
static int
numval(const json_t *a, double *d)
{
	const char *t;

	if (json_is_number(a))
		*d = json_number_value(a);
	else if ((t = bignum(a)) != NULL)
		*d = strtod(t, NULL);
	else
		return 0;
	return 1;
}

/* A number jansson cannot hold, as a BIGKEY object of its token. */
static json_t *
bigtoken(const char *t, size_t n)
{
	json_t *v = json_object();

	json_object_set_new_nocheck(v, BIGKEY, json_stringn_nocheck(t, n));
	return v;
}

/* b's text as jansson values, as dm_json_parse() builds them, but for the
 * numbers jansson cannot hold, which become BIGKEY objects; -1 with the
 * reason in err. */
static int
jparse(const struct dm_buf *b, json_t **j, struct dm_buf *err)
{
	struct dm_buf e = DM_BUF_INIT;

	*j = b->len ? dm_json_parse_big(b->buf, b->len, bigtoken, &e) : NULL;
	dm_buf_free(&e);
	if (*j == NULL) {
		dm_buf_adds(err, "invalid JSON value");
		return -1;
	}
	return 0;
}

/* Two JSON values by value: numbers as numbers (1 == 1.0, which
 * json_equal takes for different), objects whatever their key order. */
static int
jequal(json_t *a, json_t *b)
{
	const char *k;
	json_t *x, *y;
	size_t i, kn;
	double da, db;

	/* as two numbers alone compare: an integer beyond 2^53 is a real */
	if (numval(a, &da) && numval(b, &db))
		return da == db;
	if (json_typeof(a) != json_typeof(b))
		return 0;
	if (json_is_array(a)) {
		if (json_array_size(a) != json_array_size(b))
			return 0;
		for (i = 0; i < json_array_size(a); i++)
			if (!jequal(json_array_get(a, i), json_array_get(b, i)))
				return 0;
		return 1;
	}
	if (json_is_object(a)) {
		if (json_object_size(a) != json_object_size(b))
			return 0;
		/* by length: a key may hold a NUL ("\u0000") */
		json_object_keylen_foreach(a, k, kn, x)
			if ((y = json_object_getn(b, k, kn)) == NULL ||
			    !jequal(x, y))
				return 0;
		return 1;
	}
	return json_equal(a, b);
}

/* Arrays and objects are equal by value: compact bytes first, then
 * member by member. */
static int
equal_struct(struct dm_expr *e, const struct val *a, const struct val *b,
    struct dm_buf *err)
{
	struct dm_buf *x = arena(e), *y = arena(e);
	json_t *ja, *jb;
	int r, saved;

	/* [1e400] == [big]: an infinity of the expression as the sample's
	 * number too large for a real, as alone */
	saved = e->inftok;
	e->inftok = 1;
	r = encode(e, a, x, err) < 0 || encode(e, b, y, err) < 0;
	e->inftok = saved;
	if (r)
		return -1;
	if (x->len == y->len && memcmp(x->buf, y->buf, x->len) == 0)
		return 1;
	if (jparse(x, &ja, err) < 0)
		return -1;
	if (jparse(y, &jb, err) < 0) {
		json_decref(ja);
		return -1;
	}
	r = jequal(ja, jb);
	json_decref(ja);
	json_decref(jb);
	return r;
}

/* 1 equal, 0 not, -1 error in err. */
static int
equal(struct dm_expr *e, const struct val *a, const struct val *b,
    struct dm_buf *err)
{
	int sa = a->t == V_RAW || a->t == V_LIST;
	int sb = b->t == V_RAW || b->t == V_LIST;

	if (sa && sb)
		return equal_struct(e, a, b, err);
	if (a->t != b->t)
		return 0;
	switch (a->t) {
	case V_NULL: return 1;
	case V_BOOL: return a->b == b->b;
	case V_NUM: return a->num == b->num;
	case V_STR:
		return a->n == b->n && memcmp(a->s, b->s, a->n) == 0;
	default:
		return 0;
	}
}

/* Membership: x in [list] or x in array field, or substring in string. */
static int
member(struct dm_expr *e, const struct val *x, const struct val *in,
    struct dm_buf *err)
{
	struct val el;
	size_t i;
	int r;

	if (in->t == V_STR)
		return x->t == V_STR && (x->n == 0 ||
		    memmem(in->s, in->n, x->s, x->n) != NULL);
	if (in->t == V_LIST) {
		for (i = 0; i < in->list->nkid; i++) {
			if (eval(e, in->list->kid[i], &el, err) < 0)
				return -1;
			if ((r = equal(e, x, &el, err)) != 0)
				return r;
		}
		return 0;
	}
	if (in->t == V_RAW && in->s[0] == '[') {
		const char *raw;
		size_t rawlen;
		struct dm_field f;

		for (i = 0; dm_json_index(in->s, in->n, i, &raw, &rawlen) == 0;
		    i++) {
			/* decode the element as a field would be */
			if (raw[0] == '"') {
				struct dm_buf *b = arena(e);
				const char *s;
				size_t n;

				if (dm_json_string(raw, rawlen, b, &s, &n) < 0)
					continue;
				el.t = V_STR;
				el.s = s;
				el.n = n;
			} else {
				memset(&f, 0, sizeof f);
				f.raw = raw;
				f.raw_len = rawlen;
				switch (raw[0]) {
				case 't': f.type = DM_TRUE; break;
				case 'f': f.type = DM_FALSE; break;
				case 'n': f.type = DM_NULL; break;
				case '[': f.type = DM_ARRAY; break;
				case '{': f.type = DM_OBJECT; break;
				default:
					f.type = DM_NUMBER;
					f.num = dm_json_num(raw);
				}
				fromfield(&f, &el);
			}
			if ((r = equal(e, x, &el, err)) != 0)
				return r;
		}
	}
	return 0;
}

static void
setnum(struct val *v, double d, int isint)
{
	memset(v, 0, sizeof *v);
	v->t = V_NUM;
	v->num = d;
	v->isint = isint && fabs(d) <= 9007199254740992.0;
	/* an integer has no -0 (0 * -1 is 0, as in Python); a real has */
	if (v->isint && d == 0)
		v->num = 0;
}

/*
 * a + b, a - b or a * b of two integers (of at most 2^53 each): the exact
 * result, which is a real beyond 2^53, as a literal is. The sum of the
 * doubles would be rounded first: 2^53 + 1 would be the integer 2^53.
 */
static void
intarith(struct val *v, int op, double a, double b)
{
	long long x = (long long)a, y = (long long)b, r;

	if (op == T_MUL && fabs(a) * fabs(b) > 0x1p62) {
		setnum(v, a * b, 0);
		return;
	}
	r = op == T_PLUS ? x + y : op == T_MINUS ? x - y : x * y;
	if (r > 9007199254740992LL || r < -9007199254740992LL)
		setnum(v, (double)r, 0);
	else
		setnum(v, (double)r, 1);
}

static void
setbool(struct val *v, int b)
{
	memset(v, 0, sizeof *v);
	v->t = V_BOOL;
	v->b = b ? 1 : 0;
}

/* The operator of N_BIN n on the values a and b, into v. */
static int
applybin(struct dm_expr *e, struct node *n, struct val a, struct val b,
    struct val *v, struct dm_buf *err)
{
	int c;

	switch (n->op) {
	case T_EQ:
	case T_NE:
		if ((c = equal(e, &a, &b, err)) < 0)
			return -1;
		setbool(v, n->op == T_EQ ? c : !c);
		return 0;
	case T_IN:
		if ((c = member(e, &a, &b, err)) < 0)
			return -1;
		setbool(v, c);
		return 0;
	case T_LT: case T_LE: case T_GT: case T_GE:
		if (a.t == V_NUM && b.t == V_NUM) {
			c = a.num < b.num ? -1 : a.num > b.num ? 1 : 0;
			if (isnan(a.num) || isnan(b.num)) {
				setbool(v, 0);
				return 0;
			}
		} else if (a.t == V_STR && b.t == V_STR) {
			size_t m = a.n < b.n ? a.n : b.n;

			c = memcmp(a.s, b.s, m);
			if (c == 0)
				c = a.n < b.n ? -1 : a.n > b.n;
		} else {
			if ((a.t == V_STR && b.t == V_NUM) ||
			    (a.t == V_NUM && b.t == V_STR))
				typeerror(e, n, "cannot compare a string with a "
				    "number");
			setbool(v, 0);
			return 0;
		}
		setbool(v, n->op == T_LT ? c < 0 : n->op == T_LE ? c <= 0 :
		    n->op == T_GT ? c > 0 : c >= 0);
		return 0;
	case T_PLUS:
		if (a.t == V_STR && b.t == V_STR) {
			struct dm_buf *buf = arena(e);

			dm_buf_add(buf, a.s, a.n);
			dm_buf_add(buf, b.s, b.n);
			memset(v, 0, sizeof *v);
			v->t = V_STR;
			v->s = buf->buf;
			v->n = buf->len;
			return 0;
		}
		/* FALLTHROUGH */
	case T_MINUS: case T_MUL: case T_DIV: case T_MOD:
		if (a.t != V_NUM || b.t != V_NUM) {
			if ((a.t == V_STR && b.t == V_NUM) ||
			    (a.t == V_NUM && b.t == V_STR))
				typeerror(e, n, "arithmetic on a string and a "
				    "number");
			memset(v, 0, sizeof *v);
			v->t = V_NULL;
			return 0;
		}
		switch (n->op) {
		case T_PLUS:
		case T_MINUS:
		case T_MUL:
			if (valisint(&a) && valisint(&b))
				intarith(v, n->op, a.num, b.num);
			else
				setnum(v, n->op == T_PLUS ? a.num + b.num :
				    n->op == T_MINUS ? a.num - b.num :
				    a.num * b.num, 0);
			break;
		case T_DIV:
			if (b.num == 0) {
				memset(v, 0, sizeof *v);
				v->t = V_NULL;
			} else
				setnum(v, a.num / b.num, 0);
			break;
		case T_MOD:
			if (b.num == 0) {
				memset(v, 0, sizeof *v);
				v->t = V_NULL;
			} else {
				/* Python's %: the sign of the divisor, that
				 * of a zero real too (6.0 % -3 is -0.0) */
				double r = fmod(a.num, b.num);
				int isint = valisint(&a) && valisint(&b);

				if (r != 0 && ((r < 0) != (b.num < 0)))
					r += b.num;
				else if (r == 0)
					r = isint ? 0.0 : copysign(0.0, b.num);
				setnum(v, r, isint);
			}
			break;
		}
		return 0;
	}
	return -1;
}

/*
 * The left-deep chain of nodes of kind k that ends at n (1+2+3 is
 * ((1+2)+3)), innermost first, in *spine (buf when it holds them, else
 * memory to free); the count. The chain is walked in a loop, so that a
 * chain of any length takes no stack.
 */
static size_t
spine(struct node *n, enum nk k, struct node **buf, size_t nbuf,
    struct node ***out)
{
	struct node *m, **s = buf;
	size_t len = 0, i;

	for (m = n; m->k == k; m = m->kid[0])
		len++;
	if (len > nbuf)
		s = dm_xreallocarray(NULL, len, sizeof *s);
	for (m = n, i = len; i > 0; m = m->kid[0])
		s[--i] = m;
	*out = s;
	return len;
}

static int
evalbin(struct dm_expr *e, struct node *n, struct val *v, struct dm_buf *err)
{
	struct node *buf[16], **s;
	struct val a, b;
	size_t len, i;
	int r = 0;

	len = spine(n, N_BIN, buf, 16, &s);
	if (eval(e, s[0]->kid[0], &a, err) < 0)
		r = -1;
	for (i = 0; r == 0 && i < len; i++) {
		if (eval(e, s[i]->kid[1], &b, err) < 0 ||
		    applybin(e, s[i], a, b, &a, err) < 0)
			r = -1;
	}
	if (s != buf)
		free(s);
	if (r == 0)
		*v = a;
	return r;
}

/* a && b && ... (or ||): the first operand that decides, left to right. */
static int
evalbool(struct dm_expr *e, struct node *n, struct val *v, struct dm_buf *err)
{
	struct node *buf[16], **s;
	struct val a;
	size_t len, i;
	int r = 0, stop = n->k == N_OR;

	len = spine(n, n->k, buf, 16, &s);
	if (eval(e, s[0]->kid[0], &a, err) < 0)
		r = -1;
	for (i = 0; r == 0 && truth(&a) != stop && i < len; i++)
		if (eval(e, s[i]->kid[1], &a, err) < 0)
			r = -1;
	if (s != buf)
		free(s);
	if (r == 0)
		setbool(v, truth(&a));
	return r;
}

/* lang: the best label of the text; lang("en"): the probability of en. */
static int
evallang(struct dm_expr *e, struct node *n, struct val *v, struct dm_buf *err)
{
	struct val a;
	const char *label;
	char *want;
	size_t mark;
	double d;
	int r;

	if (gettext(e, err) < 0)
		return -1;
	memset(v, 0, sizeof *v);
	if (n->nkid == 0) {
		mark = err->len;
		if (dm_langid_top(n->lid, e->text, e->textlen, 0, &label, &d,
		    err) < 0) {
			located(e, n, err, mark);
			return -1;
		}
		v->t = V_STR;
		v->s = label;
		v->n = strlen(label);
		return 0;
	}
	if (eval(e, n->kid[0], &a, err) < 0)
		return -1;
	if (a.t != V_STR) {
		memset(v, 0, sizeof *v);
		v->t = V_NULL;
		return 0;
	}
	/* a label with a NUL in it is no label: not the label before it */
	if (a.n > 0 && memchr(a.s, '\0', a.n) != NULL) {
		setnum(v, 0, 0);
		return 0;
	}
	want = dm_xstrndup(a.s, a.n);
	mark = err->len;
	r = dm_langid_score(n->lid, e->text, e->textlen, 0, want, &d, err);
	free(want);
	if (r < 0) {
		located(e, n, err, mark);
		return -1;
	}
	setnum(v, d, 0);
	return 0;
}

/* ---- Python's equality and float(), for all_in() and float() ---- */

/* An int to Python: an integer, or a boolean (bool is a subclass of int). */
static int
pyint(const json_t *a, long long *i)
{
	if (json_is_integer(a))
		*i = json_integer_value(a);
	else if (json_is_boolean(a))
		*i = json_is_true(a);
	else
		return 0;
	return 1;
}

/* Two numbers by Python's ==: an int and a float compare exactly, so
 * 9007199254740993 is not 9007199254740992.0, which a double says. */
/* Python's == of a number that jansson cannot hold (t, see BIGKEY) and
 * of another number b, big too when tb is not NULL. */
static int
pybigeq(const char *t, const json_t *b, const char *tb)
{
	char buf[400];
	double d;
	int rt = strpbrk(t, ".eE") != NULL;

	if (tb)
		return rt ? strpbrk(tb, ".eE") != NULL &&
		    strtod(t, NULL) == strtod(tb, NULL) :
		    strpbrk(tb, ".eE") == NULL && strcmp(t, tb) == 0;
	/* an infinity is no other number; an integer beyond 64 bits is
	 * no 64-bit one, and a real only when it is that integer exactly
	 * (%.0f writes a double's every digit) */
	if (rt || !json_is_real(b))
		return 0;
	d = json_real_value(b);
	if (d != trunc(d))
		return 0;
	snprintf(buf, sizeof buf, "%.0f", d);
	return strcmp(buf, t) == 0;
}

static int
pynumeq(const json_t *a, const json_t *b)
{
	long long i, j;
	int ia = pyint(a, &i), ib = pyint(b, &j);
	const char *ta = bignum(a), *tb = bignum(b);
	double d;

	if (ta || tb)
		return ta ? pybigeq(ta, b, tb) : pybigeq(tb, a, NULL);
	if (ia && ib)
		return i == j;
	if (!ia && !ib)
		return json_real_value(a) == json_real_value(b);
	d = json_real_value(ia ? b : a);
	if (!(d >= -0x1p63 && d < 0x1p63) || d != trunc(d))
		return 0;
	return (long long)d == (ia ? i : j);
}

/*
 * Python's a == b of two values as json.loads gives them: true == 1 ==
 * 1.0, "1" != 1, lists element by element, dicts member by member
 * whatever their order.
 */
static int
pyeq(const json_t *a, const json_t *b)
{
	const char *k;
	json_t *x, *y;
	size_t i, kn;

	if ((json_is_number(a) || json_is_boolean(a) || bignum(a)) &&
	    (json_is_number(b) || json_is_boolean(b) || bignum(b)))
		return pynumeq(a, b);
	if (json_typeof(a) != json_typeof(b))
		return 0;
	switch (json_typeof(a)) {
	case JSON_STRING:
		return json_string_length(a) == json_string_length(b) &&
		    memcmp(json_string_value(a), json_string_value(b),
		    json_string_length(a)) == 0;
	case JSON_ARRAY:
		if (json_array_size(a) != json_array_size(b))
			return 0;
		for (i = 0; i < json_array_size(a); i++)
			if (!pyeq(json_array_get(a, i), json_array_get(b, i)))
				return 0;
		return 1;
	case JSON_OBJECT:
		if (json_object_size(a) != json_object_size(b))
			return 0;
		json_object_keylen_foreach((json_t *)a, k, kn, x)
			if ((y = json_object_getn(b, k, kn)) == NULL ||
			    !pyeq(x, y))
				return 0;
		return 1;
	default:
		return 1;	/* null */
	}
}

/* Python's x in t, t a list: x equal to one of its elements. */
static int
pyin(const json_t *x, const json_t *t)
{
	size_t i;

	for (i = 0; i < json_array_size(t); i++)
		if (pyeq(x, json_array_get(t, i)))
			return 1;
	return 0;
}

/*
 * v as a JSON value in *j (NULL for NaN, which equals nothing here; an
 * infinity is written 1e999, which a sample's 1e400 equals, as in Python).
 * The numbers of the sample keep their bytes, and so does an integer
 * literal of an array: a double would make 2^53 + 1 equal to 2^53. -1
 * with the reason in err.
 */
static int
tojson(struct dm_expr *e, const struct val *v, json_t **j,
    struct dm_buf *err)
{
	struct dm_buf *b = arena(e);
	struct node *n, *lit;
	struct val el;
	size_t i, k = 0;

	*j = NULL;
	if (v->t == V_NUM && v->raw == NULL && isnan(v->num))
		return 0;
	if (v->t != V_LIST) {
		if (v->t == V_NUM && v->raw == NULL && isinf(v->num))
			dm_buf_adds(b, v->num > 0 ? "1e999" : "-1e999");
		else if (encode(e, v, b, err) < 0)
			return -1;
		return jparse(b, j, err);
	}
	dm_buf_addc(b, '[');
	for (i = 0; i < v->list->nkid; i++) {
		n = v->list->kid[i];
		lit = n->k == N_NEG ? n->kid[0] : n;
		if (lit->k == N_LIT && lit->lit.t == V_NUM && lit->str &&
		    strspn(lit->str, "0123456789") == strlen(lit->str)) {
			dm_buf_adds(b, k++ ? "," : "");
			if (lit != n)
				dm_buf_addc(b, '-');
			dm_buf_adds(b, lit->str);
			continue;
		}
		if (eval(e, n, &el, err) < 0)
			return -1;
		if (el.t == V_NUM && el.raw == NULL && isnan(el.num))
			continue;	/* equal to no value of a sample */
		dm_buf_adds(b, k++ ? "," : "");
		if (el.t == V_NUM && el.raw == NULL && isinf(el.num))
			dm_buf_adds(b, el.num > 0 ? "1e999" : "-1e999");
		else if (encode(e, &el, b, err) < 0)
			return -1;
	}
	dm_buf_addc(b, ']');
	return jparse(b, j, err);
}

/*
 * all_in(x, values): x, or each element of x when it is an array, equal
 * by Python's == to an element of the array values (Data-Juicer's
 * specified_field_filter). False when values is not an array.
 */
static int
allin(struct dm_expr *e, const struct val *x,
    const struct val *t, struct val *v, struct dm_buf *err)
{
	json_t *jx, *jt;
	size_t i;
	int r = 1;

	if (!(t->t == V_LIST || (t->t == V_RAW && t->s[0] == '['))) {
		setbool(v, 0);
		return 0;
	}
	if (tojson(e, t, &jt, err) < 0 || tojson(e, x, &jx, err) < 0) {
		json_decref(jt);
		return -1;
	}
	if (jx == NULL)
		r = 0;
	else if (json_is_array(jx)) {
		for (i = 0; i < json_array_size(jx) && r; i++)
			r = pyin(json_array_get(jx, i), jt);
	} else
		r = pyin(jx, jt);
	json_decref(jx);
	json_decref(jt);
	setbool(v, r);
	return 0;
}

/* The value of a decimal digit of any script (Unicode's Nd, whose digits
 * come in runs of ten from 0), or -1. */
static int
decimal(int32_t c)
{
	int32_t c0;

	if (utf8proc_category(c) != UTF8PROC_CATEGORY_ND)
		return -1;
	for (c0 = c; c0 > 0 && utf8proc_category(c0 - 1) ==
	    UTF8PROC_CATEGORY_ND; c0--)
		;
	return (int)((c - c0) % 10);
}

static int
isasciispace(int c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/*
 * Python's float() of the string s (n bytes) into *d, as CPython reads
 * it: a digit of any script is that digit and any white space a space;
 * '_' only between two digits; ASCII white space around; then a decimal
 * number, inf, infinity or nan, signed, in any case. -1 where float()
 * raises ValueError.
 */
static int
pyfloat(const char *s, size_t n, double *d)
{
	struct dm_buf b = DM_BUF_INIT;
	const char *p, *q;
	int32_t c;
	size_t i;
	int len, dg, r = -1, prev = 0;

	for (i = 0; i < n; i += (size_t)len) {
		if ((len = dm_utf8_decode(s + i, n - i, &c)) < 0 || c == 0)
			goto out;
		if (c >= 0x80) {
			if (dm_uni_isspace(c))
				c = ' ';
			else if ((dg = decimal(c)) >= 0)
				c = '0' + dg;
			else
				goto out;
		}
		/* an underscore follows a digit, and a digit follows it */
		if (c == '_' ? !(prev >= '0' && prev <= '9') : prev == '_' &&
		    !(c >= '0' && c <= '9'))
			goto out;
		if (c != '_')
			dm_buf_addc(&b, (char)c);
		prev = c;
	}
	if (prev == '_')
		goto out;
	dm_buf_addc(&b, '\0');
	for (p = b.buf; isasciispace(*p); p++)
		;
	for (q = b.buf + b.len - 1; q > p && isasciispace(q[-1]); q--)
		;
	if (p == q)
		goto out;
	b.buf[q - b.buf] = '\0';
	s = p + (*p == '+' || *p == '-');
	if (strcasecmp(s, "inf") == 0 || strcasecmp(s, "infinity") == 0 ||
	    strcasecmp(s, "nan") == 0) {
		*d = tolower((unsigned char)*s) == 'n' ? NAN : INFINITY;
		if (*p == '-')
			*d = -*d;
		r = 0;
		goto out;
	}
	/* digits [. digits] or . digits, then e [sign] digits: what strtod
	 * reads besides (hex, nan(...)) Python does not */
	i = strspn(s, "0123456789");
	if (s[i] == '.') {
		len = (int)strspn(s + i + 1, "0123456789");
		if (i == 0 && len == 0)
			goto out;
		i += 1 + (size_t)len;
	} else if (i == 0)
		goto out;
	if (s[i] == 'e' || s[i] == 'E') {
		i += 1 + (s[i + 1] == '+' || s[i + 1] == '-');
		if ((len = (int)strspn(s + i, "0123456789")) == 0)
			goto out;
		i += (size_t)len;
	}
	if (s[i] != '\0')
		goto out;
	*d = strtod(p, NULL);
	r = 0;
out:
	dm_buf_free(&b);
	return r;
}

/*
 * float(x): Python's float(x): a number as a real, true and false as 1.0
 * and 0.0, a string as pyfloat() reads it (null where Python raises
 * ValueError); null for null. An array or an object is an error for the
 * sample, as Python raises TypeError.
 */
static int
evalfloat(const struct val *x, struct val *v, struct dm_buf *err)
{
	double d;

	memset(v, 0, sizeof *v);
	switch (x->t) {
	case V_NUM:
		setnum(v, x->num, 0);
		return 0;
	case V_BOOL:
		setnum(v, x->b, 0);
		return 0;
	case V_STR:
		if (pyfloat(x->s, x->n, &d) < 0)
			v->t = V_NULL;
		else
			setnum(v, d, 0);
		return 0;
	case V_RAW:
	case V_LIST:
		dm_buf_addf(err, "float() of %s", x->t == V_RAW &&
		    x->s[0] == '{' ? "an object" : "an array");
		return -1;
	default:
		v->t = V_NULL;
		return 0;
	}
}

/*
 * Compact JSON c into b with its strings written again as dm writes
 * strings: the escapes of the sample ("\u00e9") decoded, so that the same
 * value gives the same text, whatever escapes the sample chose. Numbers
 * stay as written.
 */
static void
canonstr(struct dm_buf *b, const struct dm_buf *c)
{
	struct dm_buf t = DM_BUF_INIT;
	const char *s;
	size_t i, j, n;

	for (i = 0; i < c->len; i = j) {
		if (c->buf[i] != '"') {
			for (j = i; j < c->len && c->buf[j] != '"'; j++)
				;
			dm_buf_add(b, c->buf + i, j - i);
			continue;
		}
		for (j = i + 1; j < c->len && c->buf[j] != '"'; j++)
			if (c->buf[j] == '\\')
				j++;
		j = j < c->len ? j + 1 : c->len;
		dm_buf_reset(&t);
		if (dm_json_string(c->buf + i, j - i, &t, &s, &n) < 0)
			dm_buf_add(b, c->buf + i, j - i);
		else
			dm_json_addstr(b, s, n);
	}
	dm_buf_free(&t);
}

/*
 * num(s): the decimal number that the string s (n bytes) spells, ASCII
 * white space around it allowed, into v; null when it spells none. As a
 * literal: an integer without a point or an exponent, of at most 2^53 by
 * its digits, else a real; strtod would read more (hex, inf, nan), and a
 * NUL byte would end its string early.
 */
static void
numstring(const char *s, size_t n, struct val *v)
{
	const char *p = s, *end = s + n, *d;
	char *tmp;
	size_t i;
	int isint = 1;
	double x;

	memset(v, 0, sizeof *v);
	v->t = V_NULL;
	while (p < end && isasciispace((unsigned char)*p))
		p++;
	while (end > p && isasciispace((unsigned char)end[-1]))
		end--;
	i = (size_t)(p < end && (*p == '+' || *p == '-'));
	d = p + i;
	while (p + i < end && isdigitc((unsigned char)p[i]))
		i++;
	if (p + i < end && p[i] == '.') {
		isint = 0;
		i++;
		if (p + i - 1 == d && !(p + i < end &&
		    isdigitc((unsigned char)p[i])))
			return;		/* "." alone */
		while (p + i < end && isdigitc((unsigned char)p[i]))
			i++;
	} else if (p + i == d)
		return;			/* no digit */
	if (p + i < end && (p[i] == 'e' || p[i] == 'E')) {
		isint = 0;
		i++;
		if (p + i < end && (p[i] == '+' || p[i] == '-'))
			i++;
		if (!(p + i < end && isdigitc((unsigned char)p[i])))
			return;
		while (p + i < end && isdigitc((unsigned char)p[i]))
			i++;
	}
	if (p + i != end)
		return;
	tmp = dm_xstrndup(p, i);
	x = strtod(tmp, NULL);
	free(tmp);
	if (isinf(x))
		return;			/* 1e400 */
	setnum(v, x, isint && intdigits(d, (size_t)(end - d)));
}

static int
evalfunc(struct dm_expr *e, struct node *n, struct val *v, struct dm_buf *err)
{
	struct val a[2];
	struct dm_field f;
	size_t i, k = 0, mark;
	struct dm_buf *b;

	if (n->fn == F_HAS) {
		dm_sample_getpath(e->s, n->kid[0]->path, n->kid[0]->npath, &f);
		setbool(v, f.type != DM_MISSING);
		return 0;
	}
	if (n->fn == F_LANG)
		return evallang(e, n, v, err);
	/* one argument fewer: the text is the first */
	if ((n->fn == F_CONTAINS || n->fn == F_STARTSWITH ||
	    n->fn == F_ENDSWITH || n->fn == F_ALL_IN) ? n->nkid == 1 :
	    n->nkid == 0) {
		if (gettext(e, err) < 0)
			return -1;
		memset(&a[0], 0, sizeof a[0]);
		a[0].t = V_STR;
		a[0].s = e->text;
		a[0].n = e->textlen;
		k = 1;
	}
	for (i = 0; i < n->nkid; i++)
		if (eval(e, n->kid[i], &a[k + i], err) < 0)
			return -1;
	memset(v, 0, sizeof *v);
	switch (n->fn) {
	case F_ALL_IN:
		return allin(e, &a[0], &a[1], v, err);
	case F_FLOAT:
		mark = err->len;
		if (evalfloat(&a[0], v, err) < 0) {
			located(e, n, err, mark);
			return -1;
		}
		return 0;
	case F_LEN:
		if (a[0].t == V_STR)
			setnum(v, (double)dm_utf8_count(a[0].s, a[0].n), 1);
		else if (a[0].t == V_RAW || a[0].t == V_LIST) {
			size_t cnt = 0;
			const char *r;
			size_t rl;

			if (a[0].t == V_LIST)
				cnt = a[0].list->nkid;
			else if (a[0].s[0] == '[')
				while (dm_json_index(a[0].s, a[0].n, cnt, &r,
				    &rl) == 0)
					cnt++;
			else
				return (v->t = V_NULL), 0;
			setnum(v, (double)cnt, 1);
		} else
			v->t = V_NULL;
		return 0;
	case F_LOWER:
		if (a[0].t != V_STR) {
			v->t = V_NULL;
			return 0;
		}
		b = arena(e);
		v->t = V_STR;
		if (dm_uni_lower(a[0].s, a[0].n, b)) {
			v->s = b->buf;
			v->n = b->len;
		} else {
			v->s = a[0].s;
			v->n = a[0].n;
		}
		return 0;
	case F_STARTSWITH:
	case F_ENDSWITH:
	case F_CONTAINS:
		if (a[0].t != V_STR || a[1].t != V_STR || a[1].n > a[0].n) {
			setbool(v, 0);
			return 0;
		}
		if (n->fn == F_STARTSWITH)
			setbool(v, memcmp(a[0].s, a[1].s, a[1].n) == 0);
		else if (n->fn == F_ENDSWITH)
			setbool(v, memcmp(a[0].s + a[0].n - a[1].n, a[1].s,
			    a[1].n) == 0);
		else
			setbool(v, a[1].n == 0 ||
			    memmem(a[0].s, a[0].n, a[1].s, a[1].n) != NULL);
		return 0;
	case F_NUM:
		if (a[0].t == V_NUM)
			*v = a[0];
		else if (a[0].t == V_BOOL)
			setnum(v, a[0].b, 1);
		else if (a[0].t == V_STR)
			numstring(a[0].s, a[0].n, v);
		else
			v->t = V_NULL;
		return 0;
	case F_STR:
		b = arena(e);
		switch (a[0].t) {
		case V_STR:
			*v = a[0];
			return 0;
		case V_NUM:
			/* the number, not its spelling in the sample (1E2 is
			 * 100.0): an integer in decimal, a real as Python's
			 * repr() */
			if (isnan(a[0].num))
				dm_buf_adds(b, "nan");
			else if (isinf(a[0].num))
				dm_buf_adds(b, a[0].num > 0 ? "inf" : "-inf");
			else if (valisint(&a[0]))
				dm_buf_addf(b, "%.0f", a[0].num == 0 ? 0.0 :
				    a[0].num);
			else {
				struct val r = a[0];

				r.raw = NULL;
				r.rawn = 0;
				r.isint = 0;
				if (encode(e, &r, b, err) < 0)
					return -1;
			}
			break;
		case V_BOOL:
			dm_buf_adds(b, a[0].b ? "true" : "false");
			break;
		case V_NULL:
			dm_buf_adds(b, "null");
			break;
		case V_RAW:
		case V_LIST:
			if (encode(e, &a[0], arena(e), err) < 0)
				return -1;
			canonstr(b, e->arena[e->arena_used - 1]);
			break;
		}
		v->t = V_STR;
		v->s = b->buf;
		v->n = b->len;
		return 0;
	default:
		return -1;
	}
}

/* Counts a look at a bare name, once a sample. */
static void
watched(struct dm_expr *e, const struct node *n, const struct dm_field *f)
{
	struct watch *w = &watches[n->watch - 1];

	if (w->file != e->s->file || w->lineno != e->s->lineno) {
		w->file = e->s->file;
		w->lineno = e->s->lineno;
		w->looked++;
	}
	if (f->type != DM_MISSING)
		w->found++;
}

/* A field path as written: a.b, a[2], a["odd key"]. */
static void
addpath(struct dm_buf *b, const struct node *n)
{
	struct dm_buf q = DM_BUF_INIT;
	size_t i;

	for (i = 0; i < n->npath; i++) {
		if (n->path[i].key == NULL)
			dm_buf_addf(&q, "[%zu]", n->path[i].index);
		else
			dm_fieldpath_addkey(&q, n->path[i].key, n->path[i].len,
			    i == 0);
	}
	dm_buf_adds(b, dm_quoten(q.buf, q.len));
	dm_buf_free(&q);
}

/* The field of node n in the sample; -1 when it is missing and must not. */
static int
getfield(struct dm_expr *e, struct node *n, struct dm_field *f,
    struct dm_buf *err)
{
	size_t mark;

	dm_sample_getpath(e->s, n->path, n->npath, f);
	if (n->watch)
		watched(e, n, f);
	if (strict && f->type == DM_MISSING) {
		mark = err->len;
		dm_buf_adds(err, "field '");
		addpath(err, n);
		dm_buf_adds(err, "' is missing");
		located(e, n, err, mark);
		return -1;
	}
	return 0;
}

static int
eval(struct dm_expr *e, struct node *n, struct val *v, struct dm_buf *err)
{
	struct dm_field f;
	size_t ncp, mark;
	struct val a;
	size_t ov[2];
	double d;
	int r;

	switch (n->k) {
	case N_LIT:
		*v = n->lit;
		return 0;
	case N_FIELD:
		if (getfield(e, n, &f, err) < 0)
			return -1;
		fromfield(&f, v);
		return 0;
	case N_STAT:
		/* len of a text not decoded yet: counted on its raw JSON */
		if (!e->havetext && strcmp(n->stat->name, "len") == 0 &&
		    dm_sample_strcount(e->s, e->key, &ncp) == 0) {
			setnum(v, (double)ncp, 1);
			return 0;
		}
		if (gettext(e, err) < 0)
			return -1;
		mark = err->len;
		if (dm_textstats_get(e->ts, n->stat, n->statarg, &d, err) < 0) {
			located(e, n, err, mark);
			return -1;
		}
		setnum(v, d, n->stat->isint);
		return 0;
	case N_PRED:
		if (gettext(e, err) < 0)
			return -1;
		dm_buf_reset(&e->err2);
		r = n->def->filter(n->state, e->s, e->text, e->textlen, e->ts,
		    &e->err2);
		if (r < 0) {
			mark = err->len;
			dm_buf_addf(err, "%s: %s", n->def->name, e->err2.buf);
			located(e, n, err, mark);
			return -1;
		}
		if (r == 0) {
			const char *rs = e->err2.len ? e->err2.buf : "failed";
			size_t nl = strlen(n->def->name), i;

			/* "gopher: short_doc", not "gopher: gopher_short_doc" */
			for (i = 0; i < nl && rs[i] && (rs[i] == n->def->name[i] ||
			    (rs[i] == '_' && n->def->name[i] == '-')); i++)
				;
			if (i == nl && rs[i] == '_' && rs[i + 1])
				rs += nl + 1;
			dm_buf_reset(&e->why);
			dm_buf_addf(&e->why, "%s: %s", n->def->name, rs);
			e->whyset = 1;
		}
		setbool(v, r);
		return 0;
	case N_FUNC:
		return evalfunc(e, n, v, err);
	case N_NOT:
		if (eval(e, n->kid[0], &a, err) < 0)
			return -1;
		setbool(v, !truth(&a));
		return 0;
	case N_NEG:
		if (eval(e, n->kid[0], &a, err) < 0)
			return -1;
		if (a.t != V_NUM) {
			memset(v, 0, sizeof *v);
			v->t = V_NULL;
			return 0;
		}
		setnum(v, -a.num, valisint(&a));
		return 0;
	case N_AND:
	case N_OR:
		return evalbool(e, n, v, err);
	case N_BIN:
		return evalbin(e, n, v, err);
	case N_MATCH:
		if (eval(e, n->kid[0], &a, err) < 0)
			return -1;
		if (a.t != V_STR) {
			setbool(v, n->op);
			return 0;
		}
		mark = err->len;
		if ((r = dm_re_match(n->re, a.s, a.n, 0, ov, err)) < 0) {
			located(e, n, err, mark);
			return -1;
		}
		setbool(v, n->op ? !r : r);
		return 0;
	case N_ARRAY:
		memset(v, 0, sizeof *v);
		v->t = V_LIST;
		v->list = n;
		return 0;
	}
	return -1;
}

/* Appends v as compact JSON; values read from the sample keep their bytes. */
static int
encode(struct dm_expr *e, const struct val *v, struct dm_buf *b,
    struct dm_buf *err)
{
	struct val el;
	json_t *j;
	size_t i;

	switch (v->t) {
	case V_NULL:
		dm_buf_adds(b, "null");
		return 0;
	case V_BOOL:
		dm_buf_adds(b, v->b ? "true" : "false");
		return 0;
	case V_NUM:
		if (v->raw)
			dm_buf_add(b, v->raw, v->rawn);
		else if (valisint(v))
			dm_buf_addf(b, "%.0f", v->num);
		else if (isinf(v->num) && e->inftok)
			dm_buf_adds(b, v->num > 0 ? "1e999" : "-1e999");
		else if (!isfinite(v->num))
			dm_buf_adds(b, "null");
		else {
			j = json_real(v->num);
			dm_json_addval(b, j);
			json_decref(j);
		}
		return 0;
	case V_STR:
		dm_json_addstr(b, v->s, v->n);
		return 0;
	case V_RAW:
		dm_json_addcompact(b, v->s, v->n);
		return 0;
	case V_LIST:
		dm_buf_addc(b, '[');
		for (i = 0; i < v->list->nkid; i++) {
			if (i)
				dm_buf_addc(b, ',');
			if (eval(e, v->list->kid[i], &el, err) < 0 ||
			    encode(e, &el, b, err) < 0)
				return -1;
		}
		dm_buf_addc(b, ']');
		return 0;
	}
	return -1;
}

/* The value of the whole expression on sample s, fresh state. */
static int
evalroot(struct dm_expr *e, struct dm_sample *s, const char *key,
    struct val *v, struct dm_buf *err)
{
	e->s = s;
	e->key = key;
	e->havetext = 0;
	e->whyset = 0;
	e->arena_used = 0;
	return eval(e, e->root, v, err);
}

int
dm_expr_eval(struct dm_expr *e, struct dm_sample *s, const char *key,
    struct dm_buf *json, int *truthp, const char **why, struct dm_buf *err)
{
	struct val v;

	if (evalroot(e, s, key, &v, err) < 0)
		return -1;
	if (truthp)
		*truthp = truth(&v);
	if (why)
		*why = e->whyset && !truth(&v) ? e->why.buf : NULL;
	if (json) {
		dm_buf_reset(json);
		if (encode(e, &v, json, err) < 0)
			return -1;
	}
	return 0;
}

int
dm_expr_eval_num(struct dm_expr *e, struct dm_sample *s, const char *key,
    double *num, struct dm_buf *json, struct dm_buf *err)
{
	struct dm_field f;
	struct val v;

	if (e->root->k == N_FIELD) {
		/* a bare field, as dm-stats's -s stats.len: its number
		 * without a value made of it */
		e->s = s;
		e->key = key;
		e->havetext = 0;
		e->whyset = 0;
		e->arena_used = 0;
		if (getfield(e, e->root, &f, err) < 0)
			return -1;
		if (f.type == DM_NUMBER && isfinite(f.num)) {
			*num = f.num;
			return 1;
		}
		fromfield(&f, &v);
	} else if (evalroot(e, s, key, &v, err) < 0)
		return -1;
	if (v.t == V_NUM && isfinite(v.num)) {
		*num = v.num;
		return 1;
	}
	dm_buf_reset(json);
	return encode(e, &v, json, err) < 0 ? -1 : 0;
}

/* ---- field paths of options and of dm-stats's coverage ---- */

/* k as a JSON string, with the C1 controls and the line and paragraph
 * separators (U+2028, U+2029) escaped too, which a terminal may take for
 * a line break: the name of a key stays on its line of a table. */
static void
addkeystr(struct dm_buf *b, const char *k, size_t n)
{
	struct dm_buf t = DM_BUF_INIT;
	const unsigned char *u;
	size_t i;

	dm_json_addstr(&t, k, n);
	u = (const unsigned char *)t.buf;
	for (i = 0; i < t.len; i++) {
		if (u[i] == 0xC2 && i + 1 < t.len && u[i + 1] >= 0x80 &&
		    u[i + 1] <= 0x9F) {
			dm_buf_addf(b, "\\u%04x", u[i + 1]);
			i++;
		} else if (u[i] == 0xE2 && i + 2 < t.len && u[i + 1] == 0x80 &&
		    (u[i + 2] == 0xA8 || u[i + 2] == 0xA9)) {
			dm_buf_addf(b, "\\u%04x", 0x2000 + u[i + 2] - 0x80);
			i += 2;
		} else
			dm_buf_addc(b, (char)u[i]);
	}
	dm_buf_free(&t);
}

void
dm_fieldpath_addkey(struct dm_buf *b, const char *k, size_t n, int first)
{
	static const char *const special[] = {
		"true", "false", "null", "in", "lang"
	};
	size_t i;
	int name = n > 0 && isnamec((unsigned char)k[0], 1), plain;

	for (i = 1; name && i < n; i++)
		name = isnamec((unsigned char)k[i], 0);
	if (!name) {
		dm_buf_adds(b, first ? ".[" : "[");
		addkeystr(b, k, n);
		dm_buf_addc(b, ']');
		return;
	}
	/* first, a name the language reads as a statistic, a keyword or
	 * lang: the leading dot makes it the field (.len) */
	plain = first && statname(k, n) == NULL;
	for (i = 0; plain && i < sizeof special / sizeof special[0]; i++)
		if (strlen(special[i]) == n && memcmp(special[i], k, n) == 0)
			plain = 0;
	if (!plain)
		dm_buf_addc(b, '.');
	dm_buf_add(b, k, n);
}

int
dm_fieldpath_parse(const char *s, struct dm_pathseg **seg, size_t *nseg)
{
	struct parser ps;
	struct node n;
	const char *p, *dot;
	size_t len;
	int r = 0;

	memset(&n, 0, sizeof n);
	if (strpbrk(s, "[]\"'") == NULL) {
		/* names between dots, as -k reads them, with the leading
		 * dot the expression language may write */
		for (p = *s == '.' ? s + 1 : s;; p = dot + 1) {
			dot = strchr(p, '.');
			len = dot ? (size_t)(dot - p) : strlen(p);
			if (len == 0) {
				r = -1;
				break;
			}
			addseg(&n, p, len, 0);
			if (dot == NULL)
				break;
		}
	} else {
		memset(&ps, 0, sizeof ps);
		ps.src = ps.p = s;
		ps.failed = 1;	/* perr stays silent: the caller reports */
		dm_buf_init(&ps.sval);
		dm_buf_init(&ps.flags);
		next(&ps);
		/* a field, never a statistic or a literal: any name first */
		if (ps.t == T_NAME || ps.t == T_IN || ps.t == T_TRUE ||
		    ps.t == T_FALSE || ps.t == T_NULL) {
			addseg(&n, ps.tstart, (size_t)(ps.tend - ps.tstart), 0);
			next(&ps);
		} else if (ps.t != T_DOT)
			r = -1;
		if (r == 0 && (parse_path_rest(&ps, &n) < 0 ||
		    ps.t != T_END || n.npath == 0 || n.path[0].key == NULL))
			r = -1;
		dm_buf_free(&ps.sval);
		dm_buf_free(&ps.flags);
	}
	if (r < 0) {
		dm_fieldpath_free(n.path, n.npath);
		return -1;
	}
	*seg = n.path;
	*nseg = n.npath;
	return 0;
}

void
dm_fieldpath_free(struct dm_pathseg *seg, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free((char *)seg[i].key);
	free(seg);
}
