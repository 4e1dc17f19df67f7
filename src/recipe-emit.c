/* recipe-emit.c - one recipe operator and its arguments as dm text: map
 * script words, a filter expression or dm-dedup options */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dedup.h"
#include "opencc-shim.h"
#include "recipe.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* ---- reading arguments ---- */

int
dm_risnull(const struct dm_ynode *v)
{
	return v == NULL || (v->kind == DM_Y_SCALAR && v->plain &&
	    (*v->val == '\0' || strcmp(v->val, "~") == 0 ||
	    strcmp(v->val, "null") == 0 || strcmp(v->val, "Null") == 0 ||
	    strcmp(v->val, "NULL") == 0));
}

const struct dm_rparam *
dm_rop_param(const struct dm_rop *op, const char *name)
{
	const struct dm_rparam *p;

	for (p = op->params; p && p->name; p++)
		if (strcmp(p->name, name) == 0)
			return p;
	return NULL;
}

/* The text of parameter name: as the recipe writes it, else the default
 * (NULL for a default of None). */
static const char *
arg(const struct dm_rop *op, const struct dm_ynode *args, const char *name)
{
	const struct dm_ynode *v = dm_yaml_get(args, name);
	const struct dm_rparam *p;

	if (!dm_risnull(v) && v->kind == DM_Y_SCALAR)
		return v->val;
	p = dm_rop_param(op, name);
	return p ? p->def : NULL;
}

int
dm_rbool(const char *s)
{
	static const char *const t[] = { "true", "True", "TRUE", "yes", "Yes",
		"YES", "on", "On", "ON" };
	static const char *const f[] = { "false", "False", "FALSE", "no", "No",
		"NO", "off", "Off", "OFF" };
	size_t i;

	for (i = 0; i < NELEM(t); i++)
		if (strcmp(s, t[i]) == 0)
			return 1;
	for (i = 0; i < NELEM(f); i++)
		if (strcmp(s, f[i]) == 0)
			return 0;
	return -1;
}

static int
argbool(const struct dm_rop *op, const struct dm_ynode *args,
    const char *name)
{
	const char *s = arg(op, args, name);

	return s != NULL && dm_rbool(s) == 1;
}

/* Whether parameter name is given with a value other than its default. */
static int
given(const struct dm_rop *op, const struct dm_ynode *args, const char *name)
{
	const struct dm_ynode *v = dm_yaml_get(args, name);
	const struct dm_rparam *p = dm_rop_param(op, name);

	if (dm_risnull(v))
		return 0;
	if (v->kind != DM_Y_SCALAR || p == NULL || p->def == NULL)
		return 1;
	if (p->type == DM_RP_BOOL)
		return dm_rbool(v->val) != dm_rbool(p->def);
	if (p->type == DM_RP_INT || p->type == DM_RP_FLOAT)
		return strtod(v->val, NULL) != strtod(p->def, NULL);
	return strcmp(v->val, p->def) != 0;
}

int
dm_rop_check(const struct dm_rop *op, const struct dm_rparam *p,
    const struct dm_ynode *v, struct dm_buf *err)
{
	char *end;
	double d;

	(void)op;
	if (dm_risnull(v) || p->type == DM_RP_ANY)
		return 0;
	if (p->type == DM_RP_STRS && v->kind == DM_Y_SEQ) {
		size_t i;

		for (i = 0; i < v->n; i++)
			if (v->kid[i]->kind != DM_Y_SCALAR) {
				dm_buf_addf(err, "parameter '%s' wants a list "
				    "of strings", p->name);
				return -1;
			}
		return 0;
	}
	if (v->kind != DM_Y_SCALAR) {
		dm_buf_addf(err, "parameter '%s' wants %s, not a %s", p->name,
		    p->type == DM_RP_BOOL ? "true or false" :
		    p->type == DM_RP_INT ? "an integer" :
		    p->type == DM_RP_FLOAT ? "a number" : "a string",
		    v->kind == DM_Y_SEQ ? "list" : "mapping");
		return -1;
	}
	switch (p->type) {
	case DM_RP_BOOL:
		if (!v->plain || dm_rbool(v->val) < 0) {
			dm_buf_addf(err, "parameter '%s' wants true or false, "
			    "not '%s'", p->name, v->val);
			return -1;
		}
		break;
	case DM_RP_INT:
		errno = 0;
		(void)strtoll(v->val, &end, 10);
		if (v->num != DM_YN_INT || end == v->val || *end != '\0' ||
		    errno) {
			dm_buf_addf(err, "parameter '%s' wants an integer, "
			    "not '%s'", p->name, v->val);
			return -1;
		}
		/* the n-gram of char_rep and word_rep, a PositiveInt to
		 * Data-Juicer (dm's upper limit is dm-filter's to say) */
		if (strcmp(p->name, "rep_len") == 0 && strtoll(v->val, NULL,
		    10) < 1) {
			dm_buf_addf(err, "parameter 'rep_len' must be an "
			    "integer from 1, not '%s'", v->val);
			return -1;
		}
		break;
	case DM_RP_FLOAT:
		d = strtod(v->val, &end);
		if (v->num == 0 || end == v->val || *end != '\0' ||
		    !isfinite(d)) {
			dm_buf_addf(err, "parameter '%s' wants a number, "
			    "not '%s'", p->name, v->val);
			return -1;
		}
		break;
	default:
		break;
	}
	return 0;
}

/* ---- writing dm text ---- */

/* A value in a dm-map script: bare when that is safe, else in double
 * quotes, where only \" and \\ are escapes (so "\d" stays as written). */
static void
addval(struct dm_buf *b, const char *s)
{
	const char *p;

	if (*s != '\0' && strspn(s, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.,+-/") == strlen(s)) {
		dm_buf_adds(b, s);
		return;
	}
	dm_buf_addc(b, '"');
	for (p = s; *p; p++) {
		if (*p == '"' || (*p == '\\' && (p[1] == '\\' ||
		    p[1] == '"' || p[1] == '\0')))
			dm_buf_addc(b, '\\');
		dm_buf_addc(b, *p);
	}
	dm_buf_addc(b, '"');
}

static void
addop(struct dm_buf *b, const char *name)
{
	if (b->len)
		dm_buf_adds(b, "; ");
	dm_buf_adds(b, name);
}

static void
addkv(struct dm_buf *b, const char *k, const char *v)
{
	dm_buf_addf(b, " %s=", k);
	addval(b, v);
}

/* ---- Python's replacement templates ---- */

static int
ishex(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	    (c >= 'A' && c <= 'F');
}

static int
isoct(int c)
{
	return c >= '0' && c <= '7';
}

/* A group name of \g<name>: a Python identifier (non-ASCII letters taken
 * as letters). */
static int
isname(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || (*s >= '0' && *s <= '9'))
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' &&
		    s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '_' || (unsigned char)s[i] >= 0x80))
			return 0;
	return 1;
}

/* A character of the template written as an escape (esc, n bytes). */
static int
addchar(struct dm_buf *out, unsigned long c, const char *esc, size_t n,
    struct dm_buf *err)
{
	if (c == 0) {
		dm_buf_addf(err, "parameter 'repl': a NUL character ('%.*s') "
		    "is not supported by dm", (int)n, esc);
		return -1;
	}
	if (c > 0x10ffff || (c >= 0xd800 && c < 0xe000)) {
		dm_buf_addf(err, "parameter 'repl': '%.*s' is not a Unicode "
		    "character", (int)n, esc);
		return -1;
	}
	dm_buf_addcp(out, (int32_t)c);
	return 0;
}

/* A group reference of the template (esc, n bytes): ${N} or ${name}. */
static int
addgroup(struct dm_buf *out, struct dm_re *re, unsigned long num,
    const char *name, size_t namelen, const char *esc, size_t n,
    struct dm_buf *err)
{
	char *nm = name ? dm_xstrndup(name, namelen) : NULL;
	int g = re ? dm_re_group(re, num, nm) : -1;

	if (re == NULL)
		dm_buf_addf(err, "parameter 'repl': the group reference "
		    "'%.*s' is not supported by dm without 'pattern'", (int)n,
		    esc);
	else if (g < 0)
		dm_buf_addf(err, "parameter 'repl': '%.*s' refers to a group "
		    "that the pattern does not have", (int)n, esc);
	else
		dm_buf_addf(out, "${%d}", g);
	free(nm);
	return g < 0 ? -1 : 0;
}

/*
 * Appends to out the replacement template s of Python's regex.sub (the
 * module Data-Juicer's mappers call) as dm's replace reads it: a group
 * reference (\N, \NN, \g<N>, \g<name>) becomes ${N}; an escape of the
 * template (\a \b \f \n \r \t \v, \xHH, \uHHHH, \UHHHHHHHH, octal \0, \0O,
 * \0OO and \OOO, \\) its character; a $ is $$; a backslash before any
 * other character is kept, as the template keeps it. re is the pattern,
 * whose groups are checked; NULL for a literal replacement (remove-urls'
 * repl), where $ stays and a group is not supported. -1 with the reason
 * in err where regex.sub refuses the template (or dm cannot write it).
 */
static int
pyrepl(const char *s, struct dm_re *re, struct dm_buf *out,
    struct dm_buf *err)
{
	const char *p, *esc, *name;
	unsigned long c;
	size_t i, want;

	for (p = s; *p; ) {
		if (*p != '\\') {
			if (*p == '$' && re)
				dm_buf_addc(out, '$');
			dm_buf_addc(out, *p++);
			continue;
		}
		esc = p++;
		switch (*p) {
		case '\0':
			dm_buf_adds(err, "parameter 'repl': bad escape '\\' at "
			    "the end");
			return -1;
		case '\\':
			dm_buf_addc(out, '\\');
			p++;
			continue;
		case 'a': c = 7; break;
		case 'b': c = 8; break;
		case 'f': c = 12; break;
		case 'n': c = 10; break;
		case 'r': c = 13; break;
		case 't': c = 9; break;
		case 'v': c = 11; break;
		case 'x': case 'u': case 'U':
			want = *p == 'x' ? 2 : *p == 'u' ? 4 : 8;
			for (c = 0, i = 0, p++; i < want && ishex(*p); i++, p++)
				c = c * 16 + (unsigned long)(*p <= '9' ?
				    *p - '0' : (*p | 0x20) - 'a' + 10);
			if (i < want) {
				dm_buf_addf(err, "parameter 'repl': incomplete "
				    "escape '%.*s'", (int)(p - esc), esc);
				return -1;
			}
			if (addchar(out, c, esc, (size_t)(p - esc), err) < 0)
				return -1;
			continue;
		case 'g':
			if (*++p != '<') {
				dm_buf_adds(err, "parameter 'repl': missing '<' "
				    "after '\\g'");
				return -1;
			}
			name = ++p;
			p += strcspn(p, ")>");
			if (*p != '>') {
				dm_buf_addf(err, "parameter 'repl': missing '>' "
				    "after '%.*s'", (int)(p - esc), esc);
				return -1;
			}
			i = (size_t)(p++ - name);
			if (i > 0 && strspn(name, "0123456789") >= i) {
				/* past any group: no matter how large */
				for (c = 0; name < p - 1; name++)
					if (c < 100000)
						c = c * 10 + (unsigned long)
						    (*name - '0');
				if (addgroup(out, re, c, NULL, 0, esc,
				    (size_t)(p - esc), err) < 0)
					return -1;
			} else if (isname(name, i)) {
				if (addgroup(out, re, 0, name, i, esc,
				    (size_t)(p - esc), err) < 0)
					return -1;
			} else {
				dm_buf_addf(err, "parameter 'repl': bad group "
				    "name in '%.*s'", (int)(p - esc), esc);
				return -1;
			}
			continue;
		case '0':
			for (c = 0, i = 0, p++; i < 2 && isoct(*p); i++, p++)
				c = c * 8 + (unsigned long)(*p - '0');
			if (addchar(out, c, esc, (size_t)(p - esc), err) < 0)
				return -1;
			continue;
		case '1': case '2': case '3': case '4': case '5':
		case '6': case '7': case '8': case '9':
			if (isoct(p[0]) && isoct(p[1]) && isoct(p[2])) {
				c = (unsigned long)((p[0] - '0') * 64 +
				    (p[1] - '0') * 8 + (p[2] - '0'));
				p += 3;
				if (addchar(out, c, esc, (size_t)(p - esc),
				    err) < 0)
					return -1;
				continue;
			}
			c = (unsigned long)(*p++ - '0');
			if (*p >= '0' && *p <= '9')
				c = c * 10 + (unsigned long)(*p++ - '0');
			if (addgroup(out, re, c, NULL, 0, esc,
			    (size_t)(p - esc), err) < 0)
				return -1;
			continue;
		default:
			if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' &&
			    *p <= 'Z')) {
				if (*p == 'N')
					dm_buf_addf(err, "parameter 'repl': "
					    "'\\N{...}' is not supported by "
					    "dm");
				else
					dm_buf_addf(err, "parameter 'repl': "
					    "bad escape '\\%c'", *p);
				return -1;
			}
			/* the backslash stays; what follows is read as
			 * any character */
			dm_buf_addc(out, '\\');
			continue;
		}
		if (addchar(out, c, esc, 2, err) < 0)
			return -1;
		p++;
	}
	return 0;
}

/* ---- Python's patterns ---- */

/* regex's \h (horizontal space: PCRE2's but U+180E). */
#define PY_H	"\\t\\x{20}\\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}" \
	"\\x{205F}\\x{3000}"
/* regex's \b, \B, \m and \M: edges of its \w */
#define PY_IN	"(?<=[" DM_PY_W "])"
#define PY_NIN	"(?<![" DM_PY_W "])"
#define PY_AT	"(?=[" DM_PY_W "])"
#define PY_NAT	"(?![" DM_PY_W "])"

/* What an escape of a pattern stands for. */
enum { PE_CHAR, PE_SET, PE_GROUP, PE_TEXT, PE_NAMED };

struct pyesc {
	int		 kind;
	unsigned long	 c;	/* PE_CHAR: code point; PE_GROUP: number */
	const char	*body;	/* PE_SET: the class body */
	int		 neg;	/* PE_SET: \W \D \S */
	const char	*text;	/* PE_TEXT: what PCRE2 is given; PE_NAMED:
				 * the name of a group referred to */
	size_t		 len;	/* of text */
};

/*
 * Reads the escape at *pp (a backslash) of a pattern as Python's regex
 * module reads it, inside a character class or not, and moves *pp past it.
 * -1 with the reason in err for an escape regex refuses or dm cannot
 * write.
 */
static int
pyesc(const char **pp, int inclass, struct pyesc *e, struct dm_buf *err)
{
	const char *esc = *pp, *p = esc + 1, *q;
	const char *ok = inclass ? "abdfhnprstvwDNPSW" :
	    "abdfghmnprstvwABDGKMNPSWXZ";
	size_t i, want;

	memset(e, 0, sizeof *e);
	e->kind = PE_CHAR;
	if (*p == '\0') {
		dm_buf_adds(err, "bad escape '\\' at the "
		    "end");
		return -1;
	}
	if (*p == 'x' || *p == 'u' || *p == 'U') {
		want = *p == 'x' ? 2 : *p == 'u' ? 4 : 8;
		for (i = 0, p++; i < want && ishex(*p); i++, p++)
			e->c = e->c * 16 + (unsigned long)(*p <= '9' ?
			    *p - '0' : (*p | 0x20) - 'a' + 10);
		*pp = p;
		if (i < want) {
			dm_buf_addf(err, "incomplete "
			    "escape '%.*s'", (int)(p - esc), esc);
			return -1;
		}
		if (e->c > 0x10ffff) {
			dm_buf_addf(err, "bad escape "
			    "'%.*s'", (int)(p - esc), esc);
			return -1;
		}
		if (e->c >= 0xd800 && e->c < 0xe000) {
			dm_buf_addf(err, "'%.*s' is a "
			    "surrogate, which dm's text never holds; not "
			    "supported", (int)(p - esc), esc);
			return -1;
		}
		return 0;
	}
	if (*p >= '0' && *p <= '9') {
		/* \0, \0O, \0OO and (or in a class any) \OOO: octal */
		if (*p == '0' || inclass || (isoct(p[0]) && isoct(p[1]) &&
		    isoct(p[2]))) {
			if (*p > '7') {
				dm_buf_addf(err, "bad "
				    "escape '\\%c'", *p);
				return -1;
			}
			for (i = 0; i < 3 && isoct(*p); i++, p++)
				e->c = e->c * 8 + (unsigned long)(*p - '0');
			*pp = p;
			return 0;
		}
		e->kind = PE_GROUP;
		e->c = (unsigned long)(*p++ - '0');
		if (*p >= '0' && *p <= '9')
			e->c = e->c * 10 + (unsigned long)(*p++ - '0');
		*pp = p;
		return 0;
	}
	*pp = p + 1;
	if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))) {
		/* any other character is itself: an ASCII one stays
		 * escaped, which PCRE2 reads as regex does */
		e->kind = PE_TEXT;
		e->text = (unsigned char)*p < 0x80 ? esc : p;
		while (((unsigned char)**pp & 0xc0) == 0x80)
			(*pp)++;
		e->len = (size_t)(*pp - e->text);
		return 0;
	}
	if (*p == 'N') {
		if (p[1] == '{' && strchr(p, '}') != NULL)
			*pp = strchr(p, '}') + 1;
		dm_buf_addf(err, "'%.*s' is not supported "
		    "by dm (write the character, or \\uXXXX)",
		    (int)(*pp - esc), esc);
		return -1;
	}
	if (*p == 'L' && !inclass && p[1] == '<') {
		*pp = p + 1 + strcspn(p + 1, ">");
		if (**pp == '>')
			(*pp)++;
		dm_buf_addf(err, "the named list '%.*s' "
		    "is not supported by dm", (int)(*pp - esc), esc);
		return -1;
	}
	if (strchr(ok, *p) == NULL) {
		dm_buf_addf(err, "bad escape '\\%c'", *p);
		return -1;
	}
	switch (*p) {
	case 'a': e->c = 7; return 0;
	case 'b':
		if (inclass) {
			e->c = 8;
			return 0;
		}
		e->kind = PE_TEXT;
		e->text = "(?:" PY_IN PY_NAT "|" PY_NIN PY_AT ")";
		break;
	case 'B':
		e->kind = PE_TEXT;
		e->text = "(?:" PY_IN PY_AT "|" PY_NIN PY_NAT ")";
		break;
	case 'm':
		e->kind = PE_TEXT;
		e->text = PY_NIN PY_AT;
		break;
	case 'M':
		e->kind = PE_TEXT;
		e->text = PY_IN PY_NAT;
		break;
	case 'Z':
		/* the very end, which PCRE2 writes \z */
		e->kind = PE_TEXT;
		e->text = "\\z";
		break;
	case 'f': e->c = 12; return 0;
	case 'n': e->c = 10; return 0;
	case 'r': e->c = 13; return 0;
	case 't': e->c = 9; return 0;
	case 'v': e->c = 11; return 0;
	case 'w': case 'W': case 'd': case 'D': case 's': case 'S':
	case 'h':
		e->kind = PE_SET;
		e->neg = *p >= 'A' && *p <= 'Z';
		e->body = (*p | 0x20) == 'w' ? DM_PY_W : (*p | 0x20) == 'd' ?
		    DM_PY_D : *p == 'h' ? PY_H : DM_PY_S;
		return 0;
	case 'p': case 'P':
		/* a property: \pL or \p{...}, as PCRE2 writes it */
		if (p[1] == '{')
			*pp = p + 1 + strcspn(p + 1, "}") + (strchr(p, '}') ?
			    1 : 0);
		else if (p[1] != '\0')
			*pp = p + 2;
		/* FALLTHROUGH */
	case 'g':
		/* \g<N> and \g<name> refer to a group in regex, where
		 * PCRE2 would call it: \g{N} and \k<name> */
		if (*p == 'g' && p[1] == '<' && strchr(p, '>') != NULL &&
		    !inclass) {
			q = strchr(p, '>');
			*pp = q + 1;
			e->text = p + 2;
			e->len = (size_t)(q - p - 2);
			if (e->len > 0 && e->len < 10 &&
			    strspn(e->text, "0123456789") == e->len) {
				e->kind = PE_GROUP;
				e->c = strtoul(e->text, NULL, 10);
			} else
				e->kind = PE_NAMED;
			return 0;
		}
		/* FALLTHROUGH */
	default:
		/* \A \G \K \X \g<...>: PCRE2 reads them as regex does */
		e->kind = PE_TEXT;
		e->text = esc;
		e->len = (size_t)(*pp - esc);
		return 0;
	}
	e->len = strlen(e->text);
	return 0;
}

/* A character of a pattern, inside a class (which is bracketed) or not. */
static void
pychar(struct dm_buf *out, unsigned long c)
{
	dm_buf_addf(out, "\\x{%lX}", c);
}

/* Appends a literal character of a class, from its UTF-8 at s (n bytes). */
static void
classlit(struct dm_buf *out, const char *s, size_t n)
{
	if (n == 1 && strchr("\\]^-[", *s) != NULL)
		dm_buf_addc(out, '\\');
	if (n == 1 && ((unsigned char)*s < 0x20 || *s == 0x7f))
		pychar(out, (unsigned char)*s);
	else
		dm_buf_add(out, s, n);
}

/*
 * Under IGNORECASE regex matches i to U+0130 (I with a dot above) and I
 * to U+0131 (dotless i), which PCRE2 does not; no other case pair differs
 * (all were tried). foldof tells which of i, I and those two a range of
 * code points holds; addfold adds to a class what regex matches besides.
 * U+0130 and U+0131 themselves match i and I alone, not both, which a
 * caseless PCRE2 class cannot say: they are refused.
 */
enum { F_I = 1, F_UPPER_I = 2, F_DOTTED = 4 };

static int
foldof(int32_t lo, int32_t hi)
{
	return (lo <= 'i' && 'i' <= hi ? F_I : 0) |
	    (lo <= 'I' && 'I' <= hi ? F_UPPER_I : 0) |
	    (lo <= 0x131 && 0x130 <= hi ? F_DOTTED : 0);
}

static int
addfold(struct dm_buf *b, int fold, struct dm_buf *err)
{
	if (fold & F_DOTTED) {
		dm_buf_adds(err, "U+0130 or U+0131 under "
		    "IGNORECASE is not supported by dm");
		return -1;
	}
	if (fold & F_I)
		dm_buf_adds(b, "\\x{130}");
	if (fold & F_UPPER_I)
		dm_buf_adds(b, "\\x{131}");
	return 0;
}

/* One item of a class at *pp, appended to pos (or, a complement, to
 * negs); *cp is its code point, or -1 for a class. */
static int
classitem(const char **pp, struct dm_buf *pos, const char **negs,
    size_t *nneg, size_t maxneg, int32_t *cp, struct dm_buf *err)
{
	const char *p = *pp, *q;
	struct pyesc e;
	size_t n = 1;

	*cp = -1;
	if (*p == '[' && p[1] == ':' && (q = strstr(p + 2, ":]")) != NULL) {
		/* [:alpha:]: a POSIX class, as PCRE2 reads it */
		dm_buf_add(pos, p, (size_t)(q + 2 - p));
		*pp = q + 2;
		return 0;
	}
	if (*p != '\\') {
		while (((unsigned char)p[n] & 0xc0) == 0x80)
			n++;
		classlit(pos, p, n);
		(void)dm_utf8_decode(p, n, cp);
		*pp = p + n;
		return 0;
	}
	if (pyesc(pp, 1, &e, err) < 0)
		return -1;
	switch (e.kind) {
	case PE_SET:
		if (!e.neg) {
			dm_buf_adds(pos, e.body);
			break;
		}
		if (*nneg == maxneg) {
			dm_buf_adds(err, "too many \\W, "
			    "\\D and \\S in one class for dm");
			return -1;
		}
		negs[(*nneg)++] = e.body;
		break;
	case PE_TEXT:
		/* \p{...}, or a character escaped */
		if (e.text[0] == '\\' && (e.text[1] | 0x20) == 'p') {
			dm_buf_add(pos, e.text, e.len);
			break;
		}
		if (e.text[0] == '\\')
			dm_buf_add(pos, e.text, e.len);
		else
			classlit(pos, e.text, e.len);
		(void)dm_utf8_decode(e.text + (e.text[0] == '\\'),
		    e.len - (e.text[0] == '\\'), cp);
		break;
	default:
		pychar(pos, e.c);
		*cp = (int32_t)e.c;
		break;
	}
	return 0;
}

/*
 * A character class of Python's regex at *pp (its '['), appended to out
 * as PCRE2 reads a class that matches the same code points: \w \d \s in
 * it become their bodies; \W \D \S, which are complements, turn the class
 * into an alternative of classes ([a\W] is (?:[a]|[^\w])) or, negated,
 * into lookaheads that each code point must pass. A '-' next to a class
 * is itself, as regex reads [\w-z] (PCRE2 would refuse it).
 */
static int
pyclass(const char **pp, int caseless, struct dm_buf *out,
    struct dm_buf *err)
{
	struct dm_buf pos = DM_BUF_INIT;
	const char *p = *pp + 1, *negs[8];
	size_t nneg = 0, i;
	int32_t a, b;
	int neg = 0, first = 1, rc = -1, fold = 0;

	if (*p == '^') {
		neg = 1;
		p++;
	}
	for (; *p != ']' || first; first = 0) {
		if (*p == '\0')
			break;
		if (classitem(&p, &pos, negs, &nneg, NELEM(negs), &a,
		    err) < 0)
			goto out;
		b = a;
		if (*p == '-' && p[1] != ']' && p[1] != '\0') {
			if (a < 0 || (p[1] == '\\' && p[2] != '\0' &&
			    strchr("wWdDsShpP", p[2]) != NULL)) {
				dm_buf_adds(&pos, "\\-");
				p++;
			} else {
				dm_buf_addc(&pos, '-');
				p++;
				if (classitem(&p, &pos, negs, &nneg,
				    NELEM(negs), &b, err) < 0)
					goto out;
			}
		}
		if (a >= 0 && b >= 0)
			fold |= foldof(a, b);
	}
	if (*p == '\0') {
		dm_buf_adds(err, "unterminated character "
		    "set");
		goto out;
	}
	if (caseless && addfold(&pos, fold, err) < 0)
		goto out;
	*pp = p + 1;
	rc = 0;
	if (nneg == 0) {
		dm_buf_addf(out, "[%s%s]", neg ? "^" : "", pos.buf);
		goto out;
	}
	if (pos.len > 0 || nneg > 1)
		dm_buf_adds(out, "(?:");
	if (!neg) {
		/* in pos, or outside one of the complemented classes */
		if (pos.len > 0)
			dm_buf_addf(out, "[%s]|", pos.buf);
		for (i = 0; i < nneg; i++)
			dm_buf_addf(out, "%s[^%s]", i ? "|" : "", negs[i]);
	} else {
		/* outside pos, and inside every complemented class */
		if (pos.len > 0)
			dm_buf_addf(out, "(?![%s])", pos.buf);
		for (i = 0; i + 1 < nneg; i++)
			dm_buf_addf(out, "(?=[%s])", negs[i]);
		dm_buf_addf(out, "[%s]", negs[nneg - 1]);
	}
	if (pos.len > 0 || nneg > 1)
		dm_buf_adds(out, ")");
out:
	dm_buf_free(&pos);
	return rc;
}

/* A literal i or I (or U+0130, U+0131) of a caseless pattern. */
static int
pyfold(struct dm_buf *out, int32_t c, struct dm_buf *err)
{
	dm_buf_addf(out, "[%c", (int)c);
	if (addfold(out, foldof(c, c), err) < 0)
		return -1;
	dm_buf_addc(out, ']');
	return 0;
}

/*
 * The length of a name at s that is not to be read as pattern text: a
 * verb (*...), a group name (?P<name>, (?<name>, (?P=name), (?P>name),
 * (?&name); 0 elsewhere.
 */
static size_t
pyname(const char *s)
{
	size_t n;

	if (s[0] != '(' || (s[1] != '*' && s[1] != '?'))
		return 0;
	if (s[1] == '*')
		n = 2;
	else if (s[2] == 'P' && (s[3] == '<' || s[3] == '=' || s[3] == '>'))
		n = 4;
	else if (s[2] == '&' || (s[2] == '<' && s[3] != '=' && s[3] != '!'))
		n = 3;
	else
		return 0;
	n += strcspn(s + n, ">)");
	return s[n] != '\0' ? n + 1 : n;
}

/* Whether s turns on flag f for the whole pattern: a (?f). */
static int
pyflag(const char *s, int f)
{
	const char *p;
	size_t n;

	for (p = s; (p = strstr(p, "(?")) != NULL; p += 2) {
		n = strspn(p + 2, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
		if (p[2 + n] == ')' && memchr(p + 2, f, n) != NULL)
			return 1;
	}
	return 0;
}

/*
 * Appends to out the pattern s of Python's regex module (version 0, a str
 * pattern, as Data-Juicer compiles it) written for PCRE2 with UTF and UCP:
 * escapes of characters (\xHH, \uHHHH, \UHHHHHHHH, octal, \a \f \n \r \t
 * \v) become \x{...}; \w \W \d \D \s \S \h, in classes or not, become
 * classes of the code points regex gives them (DM_PY_W...); \b \B \m \M
 * lookarounds on regex's \w; \Z \z; a group reference \N or \NN, and
 * \g<N> \g<name> (a call to PCRE2), \g{N} and \k<name>; (?R) (?N) as
 * they are; under a scoped (?i:...) i and I fold as under (?i);
 * {,N} {0,N}, which PCRE2 10.42 reads as text. Under (?x) a comment runs
 * to the end of its line, as for PCRE2, and is not read.
 * The flags u and V0, which change nothing, are dropped; inline flags
 * apply to the whole pattern wherever they stand, as in version 0, so
 * they move to its start. -1 with the reason in err for what regex
 * refuses or dm cannot write (\N{...}, the flags a, L, V1 and the like),
 * without the parameter's name (pycompile adds it).
 * *off, an offset into out, becomes the offset of what it was written
 * for in s (the start of a class or escape), so that PCRE2's complaints
 * about out point into the pattern as the recipe writes it.
 */
static int
pypattern(const char *s, struct dm_buf *out, struct dm_buf *err, size_t *off)
{
	struct dm_buf body = DM_BUF_INIT, flags = DM_BUF_INIT;
	struct dm_buf map = DM_BUF_INIT;
	const char *p, *f;
	struct pyesc e;
	size_t n, pair[2], pre, want, i, k;
	const size_t *m;
	int rc = -1, x = pyflag(s, 'x'), gci = pyflag(s, 'i'), ci;
	int depth = 0, cidepth = 0, sign;

	for (p = s; ; ) {
		/* (?i) for the whole pattern, or inside a (?i:...) */
		ci = gci || (cidepth > 0 && depth >= cidepth);
		/* where each piece of s starts in body */
		pair[0] = body.len;
		pair[1] = (size_t)(p - s);
		dm_buf_add(&map, (const char *)pair, sizeof pair);
		if (*p == '\0')
			break;
		if (*p == '[') {
			if (pyclass(&p, ci, &body, err) < 0)
				goto out;
			continue;
		}
		if ((n = pyname(p)) > 0) {
			depth += *p == '(';
			dm_buf_add(&body, p, n);
			p += n;
			continue;
		}
		if (ci && (*p == 'i' || *p == 'I' || (*p == '\xc4' &&
		    (p[1] == '\xb0' || p[1] == '\xb1')))) {
			if (pyfold(&body, *p == '\xc4' ? 0x130 : *p, err) < 0)
				goto out;
			p += 1 + (*p == '\xc4');
			continue;
		}
		if (x && *p == '#') {
			n = strcspn(p, "\n");
			dm_buf_add(&body, p, n);
			p += n;
			continue;
		}
		if (*p == '{' && p[1] == ',' && p[2 + (n = strspn(p + 2,
		    "0123456789"))] == '}') {
			dm_buf_addf(&body, "{0,%.*s}", (int)n, p + 2);
			p += 3 + n;
			continue;
		}
		if (*p == '(' && p[1] == '?' && p[2] == '#') {
			/* the ')' that ends it closes it below */
			depth++;
			n = strcspn(p, ")");
			dm_buf_add(&body, p, n);
			p += n;
			continue;
		}
		/* a recursion, (?R) (?1) (?-1) (?+1), as PCRE2 writes it */
		sign = p[0] == '(' && p[1] == '?' && (p[2] == '+' ||
		    p[2] == '-');
		if (*p == '(' && p[1] == '?' && ((p[2] == 'R' && p[3] == ')') ||
		    ((n = strspn(p + 2 + sign, "0123456789")) > 0 &&
		    p[2 + sign + n] == ')'))) {
			n = strcspn(p, ")") + 1;
			dm_buf_add(&body, p, n);
			p += n;
			continue;
		}
		if (*p == '(' && p[1] == '?' && (n = strspn(p + 2,
		    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789-")) > 0 && (p[2 + n] == ')' ||
		    p[2 + n] == ':')) {
			struct dm_buf *to = p[2 + n] == ')' &&
			    memchr(p + 2, '-', n) == NULL ? &flags : &body;

			if (to == &body)
				dm_buf_adds(&body, "(?");
			if (p[2 + n] == ':') {
				/* regex folds i and I with U+0130 and U+0131
				 * there too: see ci */
				depth++;
				if (cidepth == 0 && memchr(p + 2, 'i',
				    strcspn(p + 2, "-:")) != NULL)
					cidepth = depth;
			}
			for (f = p + 2; f < p + 2 + n; f++) {
				if (*f == 'V' && f[1] == '0') {
					f++;
					continue;
				}
				if (*f == 'u')
					continue;
				if (strchr("imsx-", *f) == NULL) {
					dm_buf_addf(err, "the flag '%c' of "
					    "'%.*s' is not "
					    "supported by dm", *f, (int)n + 3,
					    p);
					goto out;
				}
				dm_buf_addc(to, *f);
			}
			if (to == &body)
				dm_buf_addc(&body, p[2 + n]);
			p += 3 + n;
			continue;
		}
		if (*p != '\\') {
			if (*p == '(')
				depth++;
			else if (*p == ')') {
				if (cidepth > 0 && depth == cidepth)
					cidepth = 0;
				depth--;
			}
			dm_buf_addc(&body, *p++);
			continue;
		}
		if (pyesc(&p, 0, &e, err) < 0)
			goto out;
		switch (e.kind) {
		case PE_CHAR:
			if (ci && (e.c == 'i' || e.c == 'I' || e.c == 0x130 ||
			    e.c == 0x131)) {
				if (pyfold(&body, (int32_t)e.c, err) < 0)
					goto out;
			} else
				pychar(&body, e.c);
			break;
		case PE_SET:
			dm_buf_addf(&body, "[%s%s]", e.neg ? "^" : "",
			    e.body);
			break;
		case PE_GROUP:
			dm_buf_addf(&body, "\\g{%lu}", e.c);
			break;
		case PE_NAMED:
			dm_buf_addf(&body, "\\k<%.*s>", (int)e.len, e.text);
			break;
		default:
			dm_buf_add(&body, e.text, e.len);
			break;
		}
	}
	pre = out->len;
	if (flags.len > 0)
		dm_buf_addf(out, "(?%s)", flags.buf);
	pre = out->len - pre;
	dm_buf_add(out, body.buf, body.len);
	if (off != NULL) {
		want = *off > pre ? *off - pre : 0;
		m = (const size_t *)(const void *)map.buf;
		for (i = k = 0; i < map.len / sizeof pair; i++)
			if (m[2 * i] <= want)
				k = i;
		*off = m[2 * k + 1];
	}
	rc = 0;
out:
	dm_buf_free(&body);
	dm_buf_free(&flags);
	dm_buf_free(&map);
	return rc;
}

/* A parameter that dm has no form for, set to something but its default. */
static int
unsupported(const struct dm_rop *op, const struct dm_ynode *args,
    const char *name, struct dm_buf *err, const struct dm_ynode **at)
{
	if (!given(op, args, name))
		return 0;
	dm_buf_addf(err, "parameter '%s' of '%s' is not supported by dm",
	    name, op->dj ? op->dj : op->dmate);
	*at = dm_yaml_get(args, name);
	return -1;
}

/*
 * The pattern s of parameter param translated (pypattern) into p and
 * compiled with flags, as the dm operator that takes it compiles it; each
 * error names param, and PCRE2's offset is given in s. guardraw: p is for
 * replace, which takes r'...' for a raw string, so such a p gets an empty
 * group in front. The compiled pattern goes to *re (to free); -1 on error.
 */
static int
pycompile(const char *s, const char *param, const char *flags, int guardraw,
    struct dm_buf *p, struct dm_re **re, struct dm_buf *err)
{
	struct dm_buf e = DM_BUF_INIT, b = DM_BUF_INIT;
	size_t off, raw = 0;
	char *tail;
	int rc = -1;

	*re = NULL;
	if (pypattern(s, p, &e, NULL) < 0) {
		dm_buf_addf(err, "parameter '%s': %s", param, e.buf);
		goto out;
	}
	if (guardraw && p->len > 2 && p->buf[0] == 'r' && (p->buf[1] ==
	    '\'' || p->buf[1] == '"') && p->buf[p->len - 1] == p->buf[1]) {
		dm_buf_addf(&b, "(?:)%s", p->buf);
		dm_buf_reset(p);
		dm_buf_add(p, b.buf, b.len);
		raw = 4;
	}
	if ((*re = dm_re_new(p->buf, flags, &e, &off)) == NULL) {
		/* PCRE2's offset is into p: say where that is in s */
		if ((tail = strstr(e.buf, " at offset ")) != NULL)
			dm_buf_setlen(&e, (size_t)(tail - e.buf));
		off = off > raw ? off - raw : 0;
		dm_buf_reset(&b);
		(void)pypattern(s, &b, err, &off);
		dm_buf_addf(err, "parameter '%s': %s at offset %zu", param,
		    e.buf, off);
		goto out;
	}
	rc = 0;
out:
	dm_buf_free(&e);
	dm_buf_free(&b);
	return rc;
}

/* ---- mappers ---- */

/* A mapper that is one dm operator with no parameters. */
int
dm_emit_plain(const struct dm_rop *op, const struct dm_ynode *args,
    struct dm_buf *out, struct dm_buf *err, const struct dm_ynode **at)
{
	(void)args, (void)err, (void)at;
	addop(out, op->form);
	return 0;
}

/*
 * One replace of a Python pattern and repl: the pattern (a raw string's
 * r'' dropped) translated (pypattern) and compiled as replace compiles it
 * (DOTALL), and repl translated (pyrepl), each reported at its own node.
 */
static int
addreplace(struct dm_buf *out, const char *pat, const struct dm_ynode *patat,
    const char *repl, const struct dm_ynode *replat, struct dm_buf *err,
    const struct dm_ynode **at)
{
	struct dm_buf s = DM_BUF_INIT, p = DM_BUF_INIT, b = DM_BUF_INIT;
	struct dm_re *re = NULL;
	size_t len = strlen(pat);
	int rc = -1;

	if (len > 2 && pat[0] == 'r' && (pat[1] == '\'' || pat[1] == '"') &&
	    pat[len - 1] == pat[1])
		dm_buf_add(&s, pat + 2, len - 3);
	else
		dm_buf_add(&s, pat, len);
	*at = patat;
	if (pycompile(s.buf, "pattern", "s", 1, &p, &re, err) < 0)
		goto out;
	if (pyrepl(repl, re, &b, err) < 0) {
		*at = replat;
		goto out;
	}
	addop(out, "replace");
	addkv(out, "pattern", p.buf);
	if (b.len)
		addkv(out, "repl", b.buf);
	rc = 0;
out:
	dm_re_free(re);
	dm_buf_free(&s);
	dm_buf_free(&p);
	dm_buf_free(&b);
	return rc;
}

/* clean_links/email/ip: dm's operator for the default pattern, whose repl
 * is literal, replace for another one. */
int
dm_emit_clean(const struct dm_rop *op, const struct dm_ynode *args,
    struct dm_buf *out, struct dm_buf *err, const struct dm_ynode **at)
{
	const char *pat = arg(op, args, "pattern"), *repl = arg(op, args,
	    "repl");
	struct dm_buf lit = DM_BUF_INIT;

	if (pat != NULL)
		return addreplace(out, pat, dm_yaml_get(args, "pattern"), repl,
		    dm_yaml_get(args, "repl"), err, at);
	if (pyrepl(repl, NULL, &lit, err) < 0) {
		dm_buf_free(&lit);
		*at = dm_yaml_get(args, "repl");
		return -1;
	}
	addop(out, op->form);
	if (lit.len)
		addkv(out, "repl", lit.buf);
	dm_buf_free(&lit);
	return 0;
}

int
dm_emit_fix_unicode(const struct dm_rop *op, const struct dm_ynode *args,
    struct dm_buf *out, struct dm_buf *err, const struct dm_ynode **at)
{
	const char *form = arg(op, args, "normalization");
	char up[8];
	size_t i;

	addop(out, "fix-unicode");
	if (form == NULL || *form == '\0')
		return 0;
	for (i = 0; form[i] && i < sizeof up - 1; i++)
		up[i] = (char)(form[i] >= 'a' && form[i] <= 'z' ?
		    form[i] - 'a' + 'A' : form[i]);
	up[i] = '\0';
	if (form[i] != '\0' || (strcmp(up, "NFC") && strcmp(up, "NFKC") &&
	    strcmp(up, "NFD") && strcmp(up, "NFKD"))) {
		dm_buf_addf(err, "parameter 'normalization' wants NFC, NFKC, "
		    "NFD or NFKD, not '%s'", form);
		*at = dm_yaml_get(args, "normalization");
		return -1;
	}
	if (strcmp(up, "NFC") != 0)
		addkv(out, "normalization", up);
	return 0;
}

/*
 * chinese_convert_mapper: chinese-convert with its mode, written out
 * even when it is the default, so that the pipeline shows the
 * direction. Data-Juicer asserts that mode is one of its list, exactly
 * (no other case, no ".json"); a null mode fails that assertion too.
 */
int
dm_emit_chinese_convert(const struct dm_rop *op, const struct dm_ynode *args,
    struct dm_buf *out, struct dm_buf *err, const struct dm_ynode **at)
{
	const struct dm_ynode *v = dm_yaml_get(args, "mode");
	const char *mode = arg(op, args, "mode"), *m;

	if (v != NULL && dm_risnull(v))
		mode = NULL;
	if (mode != NULL && dm_opencc_mode(mode) >= 0) {
		addop(out, "chinese-convert");
		addkv(out, "mode", mode);
		return 0;
	}
	dm_buf_adds(err, "parameter 'mode' wants one of ");
	for (m = DM_OPENCC_MODES; *m; m++)
		if (*m == ',')
			dm_buf_adds(err, ", ");
		else
			dm_buf_addc(err, *m);
	if (mode == NULL)
		dm_buf_adds(err, ", not null");
	else
		dm_buf_addf(err, ", not '%s'", dm_quote(mode));
	*at = v;
	return -1;
}

int
dm_emit_long_words(const struct dm_rop *op, const struct dm_ynode *args,
    struct dm_buf *out, struct dm_buf *err, const struct dm_ynode **at)
{
	(void)err, (void)at;
	addop(out, "remove-long-words");
	if (given(op, args, "min_len"))
		addkv(out, "min", arg(op, args, "min_len"));
	if (given(op, args, "max_len"))
		addkv(out, "max", arg(op, args, "max_len"));
	return 0;
}

/*
 * remove_words_with_incorrect_substrings_mapper: remove-incorrect-
 * substrings with the list (a list of strings; null: the default), and
 * the model of tokenization: true as sp=LANG. dm's list is separated by
 * commas and drops empty items, so an item that holds a comma, or is
 * empty (Data-Juicer then drops every word), is not supported.
 */
int
dm_emit_incorrect_substrings(const struct dm_rop *op,
    const struct dm_ynode *args, struct dm_buf *out, struct dm_buf *err,
    const struct dm_ynode **at)
{
	const struct dm_ynode *v = dm_yaml_get(args, "substrings"), *k;
	struct dm_buf l = DM_BUF_INIT;
	size_t i;

	if (!dm_risnull(v) && v->kind != DM_Y_SEQ) {
		dm_buf_adds(err, "parameter 'substrings' of "
		    "'remove_words_with_incorrect_substrings_mapper' is a list "
		    "of strings");
		*at = v;
		return -1;
	}
	for (i = 0; !dm_risnull(v) && i < v->n; i++) {
		k = v->kid[i];
		if (k->kind != DM_Y_SCALAR || dm_risnull(k) || *k->val == '\0' ||
		    strchr(k->val, ',') != NULL) {
			dm_buf_addf(err, "parameter 'substrings': item %zu: %s",
			    i + 1, k->kind != DM_Y_SCALAR || dm_risnull(k) ?
			    "not a string" : *k->val == '\0' ?
			    "an empty string is not supported by dm" :
			    "a ',' is not supported by dm");
			*at = k;
			dm_buf_free(&l);
			return -1;
		}
		dm_buf_addf(&l, "%s%s", i ? "," : "", k->val);
	}
	addop(out, "remove-incorrect-substrings");
	if (!dm_risnull(v))
		addkv(out, "substrings", l.len ? l.buf : "");
	if (argbool(op, args, "tokenization"))
		addkv(out, "sp", arg(op, args, "lang"));
	dm_buf_free(&l);
	return 0;
}

/*
 * remove_specific_chars_mapper: Data-Juicer deletes what the class
 * "[" + "|".join(chars_to_remove) + "]" matches (the characters of a
 * string, or the items of a list, joined by '|'), with nothing escaped;
 * nothing at all when chars_to_remove is empty. Where that class holds
 * only its characters, which is when none of them is '\', ']', '[', '^'
 * or '-', remove-chars deletes them, '|' included when it was added; else
 * the class is a pattern of its own ('^a' negates it, 'a-z' is a range
 * from '|' to '|', 'a]' a class and a ']'), and replace runs it, as
 * regex reads it.
 */
int
dm_emit_chars(const struct dm_rop *op, const struct dm_ynode *args,
    struct dm_buf *out, struct dm_buf *err, const struct dm_ynode **at)
{
	const struct dm_ynode *v = dm_yaml_get(args, "chars_to_remove");
	struct dm_buf s = DM_BUF_INIT, set = DM_BUF_INIT, e = DM_BUF_INIT;
	const char *p, *q;
	size_t i, n, mark;
	int rc = 0, bar = 0;

	if (v != NULL && v->kind == DM_Y_SEQ) {
		if (v->n == 0)
			return 0;
		for (i = 0; i < v->n; i++) {
			/* "|".join() of None is Data-Juicer's TypeError */
			if (v->kid[i]->kind == DM_Y_SCALAR && dm_risnull(v->kid[i])) {
				dm_buf_addf(err, "parameter 'chars_to_remove': "
				    "item %zu is null, not a string", i + 1);
				*at = v->kid[i];
				dm_buf_free(&s);
				return -1;
			}
			dm_buf_addf(&s, "%s%s", i ? "|" : "", v->kid[i]->val);
		}
	} else {
		p = v == NULL ? dm_rop_param(op, "chars_to_remove")->def :
		    dm_risnull(v) ? "" : v->val;
		if (*p == '\0')
			return 0;
		for (q = p; *q; q += n) {
			for (n = 1; ((unsigned char)q[n] & 0xc0) == 0x80; n++)
				;
			dm_buf_addf(&s, "%s%.*s", q == p ? "" : "|", (int)n, q);
		}
	}
	if (s.len == 0 || strpbrk(s.buf, "\\[]^-") != NULL) {
		dm_buf_addf(&set, "[%s]", s.buf);
		if ((rc = addreplace(out, set.buf, v, "", NULL, &e, at)) < 0) {
			mark = strlen("parameter 'pattern': ");
			dm_buf_addf(err, "parameter 'chars_to_remove': "
			    "Data-Juicer's class '%s': %s", set.buf,
			    e.buf + (e.len > mark ? mark : e.len));
		}
		goto out;
	}
	/* the code points of s, once each, '|' last */
	for (p = s.buf; *p; p += n) {
		for (n = 1; ((unsigned char)p[n] & 0xc0) == 0x80; n++)
			;
		if (*p == '|')
			bar = 1;
		else if (memmem(set.buf ? set.buf : "", set.len, p, n) == NULL)
			dm_buf_add(&set, p, n);
	}
	if (bar)
		dm_buf_addc(&set, '|');
	addop(out, "remove-chars");
	addkv(out, "chars", set.buf);
out:
	dm_buf_free(&s);
	dm_buf_free(&set);
	dm_buf_free(&e);
	return rc;
}

int
dm_emit_repeat_sentences(const struct dm_rop *op, const struct dm_ynode *args,
    struct dm_buf *out, struct dm_buf *err, const struct dm_ynode **at)
{
	(void)err, (void)at;
	addop(out, "remove-repeat-sentences");
	if (given(op, args, "lowercase"))
		addkv(out, "lowercase", argbool(op, args, "lowercase") ?
		    "true" : "false");
	if (given(op, args, "ignore_special_character"))
		addkv(out, "ignore_special", argbool(op, args,
		    "ignore_special_character") ? "true" : "false");
	if (given(op, args, "min_repeat_sentence_length"))
		addkv(out, "min_len", arg(op, args,
		    "min_repeat_sentence_length"));
	return 0;
}

int
dm_emit_table(const struct dm_rop *op, const struct dm_ynode *args,
    struct dm_buf *out, struct dm_buf *err, const struct dm_ynode **at)
{
	(void)err, (void)at;
	addop(out, "remove-table-text");
	if (given(op, args, "min_col"))
		addkv(out, "min_col", arg(op, args, "min_col"));
	if (given(op, args, "max_col"))
		addkv(out, "max_col", arg(op, args, "max_col"));
	return 0;
}

/* replace_content_mapper: a pattern or a list of them, with one repl or a
 * list of at least as many, whose first ones go with the patterns in their
 * order: Data-Juicer stops at a pattern without its repl, and takes no
 * repl after the last pattern's (of a single pattern, the first). */
int
dm_emit_replace(const struct dm_rop *op, const struct dm_ynode *args,
    struct dm_buf *out, struct dm_buf *err, const struct dm_ynode **at)
{
	const struct dm_ynode *p = dm_yaml_get(args, "pattern");
	const struct dm_ynode *r = dm_yaml_get(args, "repl");
	const struct dm_ynode *pi, *ri;
	size_t i, n;

	(void)op;
	if (dm_risnull(p))
		return 0;
	n = p->kind == DM_Y_SEQ ? p->n : 1;
	if (r != NULL && r->kind == DM_Y_SEQ && r->n < n) {
		dm_buf_addf(err, "parameter 'repl' has %zu items, 'pattern' "
		    "%zu", r->n, n);
		*at = r;
		return -1;
	}
	for (i = 0; i < n; i++) {
		pi = p->kind == DM_Y_SEQ ? p->kid[i] : p;
		ri = r != NULL && r->kind == DM_Y_SEQ ? r->kid[i] : r;
		if (addreplace(out, pi->val, pi, dm_risnull(ri) ? "" : ri->val,
		    ri, err, at) < 0)
			return -1;
	}
	return 0;
}

/*
 * The LaTeX mappers of Data-Juicer's reproduced RedPajama arXiv recipe are
 * fixed re.sub calls of the regex module: their patterns, as Data-Juicer
 * writes them, go through pypattern like any other, and (?-s) takes back
 * the DOTALL that replace adds where Data-Juicer does not ask for it.
 */

/* remove_bibliography_mapper: from the first \appendix, \begin{references},
 * \begin{REFERENCES}, \begin{thebibliography} or \bibliography{...} to the
 * end (DOTALL, so past every line). */
int
dm_emit_bibliography(const struct dm_rop *op, const struct dm_ynode *args,
    struct dm_buf *out, struct dm_buf *err, const struct dm_ynode **at)
{
	(void)op, (void)args;
	return addreplace(out, "(\\\\appendix|\\\\begin\\{references\\}|"
	    "\\\\begin\\{REFERENCES\\}|\\\\begin\\{thebibliography\\}|"
	    "\\\\bibliography\\{.*\\}).*$", NULL, "", NULL, err, at);
}

/*
 * remove_non_chinese_character_mapper: every run of characters outside
 * U+4E00..U+9FA5 and what the keep_ switches add, as Data-Juicer builds
 * its class (the punctuation takes the '+' with it: without it each
 * character is matched alone, which removes the same).
 */
int
dm_emit_non_chinese(const struct dm_rop *op, const struct dm_ynode *args,
    struct dm_buf *out, struct dm_buf *err, const struct dm_ynode **at)
{
	struct dm_buf p = DM_BUF_INIT;
	int r;

	dm_buf_adds(&p, "[^\u4e00-\u9fa5");
	if (argbool(op, args, "keep_alphabet"))
		dm_buf_adds(&p, "A-Za-z");
	if (argbool(op, args, "keep_number"))
		dm_buf_adds(&p, "0-9");
	if (argbool(op, args, "keep_punc"))
		dm_buf_adds(&p, ".\uff0c ,\\-\u3002%\u300a*\u300b/\u2022"
		    "\u3001&\uff06(\u2014)\uff08+\uff09\uff1a\uff1f!"
		    "\uff01\u201c\u201d\u00b7]+");
	else
		dm_buf_adds(&p, "]");
	r = addreplace(out, p.buf, NULL, "", NULL, err, at);
	dm_buf_free(&p);
	return r;
}

/*
 * remove_comments_mapper: inline, a % after any character but a backslash
 * (a newline too, so that a comment line goes with the newline before it)
 * to the end of its line, that character included; multiline, a line that
 * starts with %, with its newline. doc_type is read by nothing.
 */
int
dm_emit_comments(const struct dm_rop *op, const struct dm_ynode *args,
    struct dm_buf *out, struct dm_buf *err, const struct dm_ynode **at)
{
	if (argbool(op, args, "inline") && addreplace(out,
	    "(?m)(?-s)[^\\\\]%.+$", NULL, "", NULL, err, at) < 0)
		return -1;
	if (argbool(op, args, "multiline") && addreplace(out,
	    "(?m)(?-s)^%.*\\n?", NULL, "", NULL, err, at) < 0)
		return -1;
	return 0;
}

/* DataMate's Anonymized* cleaners: one kind of anonymize each. */
int
dm_emit_anonymize(const struct dm_rop *op, const struct dm_ynode *args,
    struct dm_buf *out, struct dm_buf *err, const struct dm_ynode **at)
{
	(void)args, (void)err, (void)at;
	addop(out, op->form);
	return 0;
}

/* ---- filters ---- */

/*
 * The closed range [min, max] of Data-Juicer's Filter.get_keep_boolean,
 * with its min_closed_interval, max_closed_interval and reversed_range.
 */
static int
range(const struct dm_rop *op, const struct dm_ynode *args,
    struct dm_buf *out, const char *stat, const char *minp, const char *maxp)
{
	int minc = 1, maxc = 1, rev = 0;
	const char *s;

	if ((s = arg(op, args, "min_closed_interval")) != NULL)
		minc = dm_rbool(s) != 0;
	if ((s = arg(op, args, "max_closed_interval")) != NULL)
		maxc = dm_rbool(s) != 0;
	if ((s = arg(op, args, "reversed_range")) != NULL)
		rev = dm_rbool(s) == 1;
	if (rev) {
		minc = !minc;
		maxc = !maxc;
		dm_buf_adds(out, "!(");
	}
	dm_buf_addf(out, "%s %s %s && %s %s %s", stat, minc ? ">=" : ">",
	    arg(op, args, minp), stat, maxc ? "<=" : "<", arg(op, args, maxp));
	if (rev)
		dm_buf_adds(out, ")");
	return 0;
}

/*
 * The word filters (those with a lang) take tokenization: true as the
 * SentencePiece model Data-Juicer loads for it, {lang}.sp.model: their
 * statistic with sp="LANG". alphanumeric_filter's is the Hugging Face
 * tokenizer of the model it names (PYTHIA): alpha_token_ratio. The
 * word-list directories are not run.
 */
#define PYTHIA	"EleutherAI/pythia-6.9b-deduped"

static int
sp_words(const struct dm_rop *op)
{
	return dm_rop_param(op, "lang") != NULL;
}

static int
no_tokens(const struct dm_rop *op, const struct dm_ynode *args,
    struct dm_buf *err, const struct dm_ynode **at)
{
	static const char *const names[] = { "tokenization",
		"stopwords_dir", "flagged_words_dir" };
	size_t i;

	for (i = 0; i < NELEM(names); i++)
		if (dm_rop_param(op, names[i]) && !(i == 0 && (sp_words(op) ||
		    strcmp(op->form, "alnum_ratio") == 0)) &&
		    unsupported(op, args, names[i], err, at) < 0)
			return -1;
	return 0;
}

/*
 * use_words_aug: true of stopwords_filter and flagged_words_filter: stat
 * (which ends in ')') with aug=[SIZES] and join="TEXT" into b, from
 * words_aug_group_sizes (a list of positive integers, [2] by default) and
 * words_aug_join_char ("" by default). 0, or -1 with a message and *at.
 */
static int
add_aug(const struct dm_rop *op, const struct dm_ynode *args,
    struct dm_buf *b, const char *stat, struct dm_buf *err,
    const struct dm_ynode **at)
{
	const struct dm_ynode *g = dm_yaml_get(args, "words_aug_group_sizes");
	const char *join = arg(op, args, "words_aug_join_char"), *v;
	char *end;
	long n;
	size_t i;

	/* no group sizes: no word is added */
	if (!dm_risnull(g) && g->kind == DM_Y_SEQ && g->n == 0) {
		dm_buf_adds(b, stat);
		return 0;
	}
	dm_buf_addf(b, "%.*s, aug=[", (int)(strlen(stat) - 1), stat);
	if (dm_risnull(g))
		dm_buf_adds(b, "2");
	else if (g->kind != DM_Y_SEQ)
		goto bad;
	for (i = 0; g != NULL && i < g->n; i++) {
		if (g->kid[i]->kind != DM_Y_SCALAR)
			goto bad;
		v = g->kid[i]->val;
		n = strtol(v, &end, 10);
		if (*v < '0' || *v > '9' || *end != '\0' || n < 1 ||
		    n > 1000000)
			goto bad;
		dm_buf_addf(b, "%s%ld", i ? "," : "", n);
	}
	dm_buf_addc(b, ']');
	if (join != NULL && *join != '\0') {
		if (strchr(join, ':') != NULL) {
			dm_buf_addf(err, "parameter 'words_aug_join_char' of "
			    "'%s': a ':' is not supported by dm", op->dj);
			*at = dm_yaml_get(args, "words_aug_join_char");
			return -1;
		}
		dm_buf_adds(b, ", join=");
		dm_json_addstr(b, join, strlen(join));
	}
	dm_buf_addc(b, ')');
	return 0;
bad:
	dm_buf_addf(err, "parameter 'words_aug_group_sizes' of '%s' is a "
	    "list of integers from 1 to 1000000", op->dj);
	*at = g;
	return -1;
}

/* stat with the model of tokenization: true, sp="LANG", into b. */
static void
add_sp(const struct dm_rop *op, const struct dm_ynode *args,
    struct dm_buf *b, const char *stat)
{
	const char *lang = arg(op, args, "lang");
	size_t n = strlen(stat);

	if (stat[n - 1] != ')')
		dm_buf_addf(b, "%s(", stat);
	else
		dm_buf_addf(b, "%.*s, ", (int)(n - 1), stat);
	dm_buf_adds(b, "sp=");
	dm_json_addstr(b, lang, strlen(lang));
	dm_buf_addc(b, ')');
}

/* The keys of Data-Juicer's StatsKeys that the range filters compute once
 * a sample and reuse (each compute_stats: "if StatsKeys.x in stat"). */
static const struct {
	const char	*op, *key;
} statkeys[] = {
	{ "average_line_length_filter", "avg_line_length" },
	{ "character_repetition_filter", "char_rep_ratio" },
	{ "flagged_words_filter", "flagged_words_ratio" },
	{ "maximum_line_length_filter", "max_line_length" },
	{ "special_characters_filter", "special_char_ratio" },
	{ "stopwords_filter", "stopwords_ratio" },
	{ "text_length_filter", "text_len" },
	{ "token_num_filter", "num_token" },
	{ "word_repetition_filter", "word_rep_ratio" },
	{ "words_num_filter", "num_words" },
};

int
dm_range_stat(const struct dm_rop *op, const struct dm_ynode *args,
    struct dm_buf *out, const char **key, struct dm_buf *err,
    const struct dm_ynode **at)
{
	const char *stat = op->form;
	struct dm_buf b = DM_BUF_INIT, sb = DM_BUF_INIT, ab = DM_BUF_INIT;
	const char *lang;
	size_t i;
	int r = -1;

	*key = NULL;
	if (op->dj && strcmp(op->dj, "alphanumeric_filter") == 0)
		*key = argbool(op, args, "tokenization") ?
		    "alpha_token_ratio" : "alnum_ratio";
	for (i = 0; op->dj && i < NELEM(statkeys); i++)
		if (strcmp(op->dj, statkeys[i].op) == 0)
			*key = statkeys[i].key;
	if (no_tokens(op, args, err, at) < 0)
		return -1;
	if (strchr(stat, '(') != NULL) {
		/* char_rep(n), word_rep(n), stopword_ratio("lang") */
		dm_buf_add(&b, stat, (size_t)(strchr(stat, '(') - stat));
		if (dm_rop_param(op, "rep_len"))
			dm_buf_addf(&b, "(%s)", arg(op, args, "rep_len"));
		else {
			lang = arg(op, args, "lang");
			dm_buf_adds(&b, "(");
			dm_json_addstr(&b, lang, strlen(lang));
			dm_buf_adds(&b, ")");
		}
		stat = b.buf;
	}
	if (dm_rop_param(op, "use_words_aug") &&
	    argbool(op, args, "use_words_aug")) {
		if (add_aug(op, args, &ab, stat, err, at) < 0)
			goto out;
		stat = ab.buf;
	}
	if (sp_words(op) && argbool(op, args, "tokenization")) {
		add_sp(op, args, &sb, stat);
		stat = sb.buf;
	} else if (argbool(op, args, "tokenization")) {
		/* alphanumeric_filter: Data-Juicer's alpha_token_ratio */
		dm_buf_adds(&sb, "alpha_token_ratio(\"" PYTHIA "\")");
		stat = sb.buf;
	} else if (dm_rop_param(op, "hf_tokenizer")) {
		/* token_num_filter: the tokens of tokenizer.tokenize */
		lang = arg(op, args, "hf_tokenizer");
		dm_buf_adds(&sb, "tokens(");
		dm_json_addstr(&sb, lang, strlen(lang));
		dm_buf_adds(&sb, ")");
		stat = sb.buf;
	}
	dm_buf_adds(out, stat);
	r = 0;
out:
	dm_buf_free(&b);
	dm_buf_free(&sb);
	dm_buf_free(&ab);
	return r;
}

int
dm_emit_range(const struct dm_rop *op, const struct dm_ynode *args,
    struct dm_buf *out, struct dm_buf *err, const struct dm_ynode **at)
{
	const char *minp, *maxp, *key;
	struct dm_buf stat = DM_BUF_INIT;
	int r = -1;

	minp = dm_rop_param(op, "min_ratio") ? "min_ratio" : dm_rop_param(op, "min_num") ?
	    "min_num" : "min_len";
	maxp = dm_rop_param(op, "max_ratio") ? "max_ratio" : dm_rop_param(op, "max_num") ?
	    "max_num" : "max_len";
	if (dm_range_stat(op, args, &stat, &key, err, at) == 0)
		r = range(op, args, out, stat.buf, minp, maxp);
	dm_buf_free(&stat);
	return r;
}

/*
 * suffix_filter: the samples whose __dj__suffix__ (the suffix of the file
 * Data-Juicer read them from, as its formatters add it) is one of
 * suffixes (a string is one); every sample when there is none. Where the
 * field is missing Data-Juicer stops with a KeyError, and dm's "in" is
 * false.
 */
int
dm_emit_suffix(const struct dm_rop *op, const struct dm_ynode *args,
    struct dm_buf *out, struct dm_buf *err, const struct dm_ynode **at)
{
	const struct dm_ynode *v = dm_yaml_get(args, "suffixes"), *k;
	size_t i, n;
	int rev = argbool(op, args, "reversed_range");

	if (dm_risnull(v) || (v->kind == DM_Y_SEQ && v->n == 0))
		return 0;
	n = v->kind == DM_Y_SEQ ? v->n : 1;
	dm_buf_adds(out, rev ? "!(.__dj__suffix__ in [" :
	    ".__dj__suffix__ in [");
	for (i = 0; i < n; i++) {
		k = v->kind == DM_Y_SEQ ? v->kid[i] : v;
		if (k->kind != DM_Y_SCALAR || dm_risnull(k)) {
			dm_buf_addf(err, "parameter 'suffixes': item %zu is "
			    "not a string", i + 1);
			*at = k;
			return -1;
		}
		if (i)
			dm_buf_adds(out, ", ");
		dm_json_addstr(out, k->val, strlen(k->val));
	}
	dm_buf_adds(out, rev ? "])" : "]");
	return 0;
}

/* ---- specified_field_filter, specified_numeric_field_filter ---- */

/* The field of field_key, its levels between dots (an empty one too) as
 * members: .["meta"]["lang"]. */
static void
addkeypath(struct dm_buf *b, const char *key)
{
	const char *p, *q;

	dm_buf_addc(b, '.');
	for (p = key; ; p = q + 1) {
		q = p + strcspn(p, ".");
		dm_buf_addc(b, '[');
		dm_json_addstr(b, p, (size_t)(q - p));
		dm_buf_addc(b, ']');
		if (*q == '\0')
			break;
	}
}

/* test with each '@' (which no test holds otherwise) replaced by v. */
static void
addtest(struct dm_buf *b, const char *test, const char *v)
{
	const char *p;

	for (p = test; *p; p++)
		if (*p == '@')
			dm_buf_adds(b, v);
		else
			dm_buf_addc(b, *p);
}

/*
 * What both operators do to a sample, as Data-Juicer's compute_stats and
 * process_single: each level of field_key must be a member of an object,
 * or the assert stops the run ("has(F) || F" reads a missing F, which the
 * stage's dm-filter -s makes an error); the value tested is the one
 * __dj__stats__ holds for field_key, which it copies the field into only
 * when the key is not there yet. test is the test of a value '@'; NULL
 * keeps every sample (with the assert still made).
 */
static void
addspecified(struct dm_buf *out, const char *key, const char *test)
{
	struct dm_buf f = DM_BUF_INIT, s = DM_BUF_INIT;

	addkeypath(&f, key);
	if (test == NULL || *key == '\0') {
		dm_buf_addf(out, "(has(%s) || %s)", f.buf, f.buf);
		dm_buf_free(&f);
		return;
	}
	dm_buf_adds(&s, ".[\"__dj__stats__\"][");
	dm_json_addstr(&s, key, strlen(key));
	dm_buf_addc(&s, ']');
	dm_buf_addf(out, "(has(%s) && (has(%s) || %s) && ", s.buf, f.buf,
	    f.buf);
	addtest(out, test, s.buf);
	dm_buf_addf(out, " || !has(%s) && ", s.buf);
	addtest(out, test, f.buf);
	dm_buf_addc(out, ')');
	dm_buf_free(&f);
	dm_buf_free(&s);
}

/* A YAML 1.1 timestamp, which PyYAML reads as a date: equal to nothing a
 * JSON sample holds. */
static int
yamldate(const char *s)
{
	size_t i;

	for (i = 0; i < 4; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return s[4] == '-' && s[5] >= '0' && s[5] <= '9' &&
	    strchr(s + 5, '-') != NULL && strspn(s, "0123456789-:. \tTtZz+") ==
	    strlen(s);
}

/*
 * v, an item of target_value, as a dm-filter value of the same Python
 * value: null, true and false as PyYAML reads them, numbers as written
 * (an integer as all_in() compares it exactly), lists as arrays. 0, 1
 * for a value that equals nothing from JSON (nan, inf, a date), -1 with
 * the reason in err.
 */
static int
addtarget(struct dm_buf *b, const struct dm_ynode *v, struct dm_buf *err,
    const struct dm_ynode **at)
{
	size_t i, k;
	double d;
	int r;

	if (v->kind == DM_Y_MAP) {
		dm_buf_adds(err, "parameter 'target_value': a mapping is not "
		    "supported by dm");
		*at = v;
		return -1;
	}
	if (v->kind == DM_Y_SEQ) {
		dm_buf_addc(b, '[');
		for (i = k = 0; i < v->n; i++) {
			size_t len = b->len;

			if (k)
				dm_buf_adds(b, ", ");
			if ((r = addtarget(b, v->kid[i], err, at)) < 0)
				return -1;
			if (r == 1)
				dm_buf_setlen(b, len);
			else
				k++;
		}
		dm_buf_addc(b, ']');
		return 0;
	}
	if (dm_risnull(v))
		dm_buf_adds(b, "null");
	else if (v->plain && dm_rbool(v->val) >= 0)
		dm_buf_adds(b, dm_rbool(v->val) ? "true" : "false");
	else if (v->plain && v->num == DM_YN_INT &&
	    strspn(v->val + (*v->val == '-'), "0123456789") ==
	    strlen(v->val + (*v->val == '-')))
		dm_buf_adds(b, v->val);
	else if (v->plain && v->num) {
		/* .inf and .nan, which strtod does not read */
		if (strpbrk(v->val, "iInN") != NULL ||
		    !isfinite(d = strtod(v->val, NULL)))
			return 1;
		dm_buf_addf(b, "%.17g", d);
	} else if (v->plain && yamldate(v->val))
		return 1;
	else
		dm_json_addstr(b, v->val, strlen(v->val));
	return 0;
}

/*
 * specified_field_filter: the samples whose value (each element of a list
 * value) is in target_value, by Python's == (all_in()); every sample when
 * field_key or target_value is empty.
 */
int
dm_emit_specified(const struct dm_rop *op, const struct dm_ynode *args,
    struct dm_buf *out, struct dm_buf *err, const struct dm_ynode **at)
{
	const struct dm_ynode *t = dm_yaml_get(args, "target_value");
	const char *key = arg(op, args, "field_key");
	struct dm_buf test = DM_BUF_INIT;

	if (!dm_risnull(t) && t->kind != DM_Y_SEQ) {
		dm_buf_adds(err, "parameter 'target_value' wants a list");
		*at = t;
		return -1;
	}
	if (dm_risnull(t) || t->n == 0 || *key == '\0') {
		addspecified(out, key, NULL);
		return 0;
	}
	dm_buf_adds(&test, argbool(op, args, "reversed_range") ?
	    "!all_in(@, " : "all_in(@, ");
	if (addtarget(&test, t, err, at) < 0) {
		dm_buf_free(&test);
		return -1;
	}
	dm_buf_addc(&test, ')');
	addspecified(out, key, test.buf);
	dm_buf_free(&test);
	return 0;
}

/*
 * A bound of specified_numeric_field_filter for x cmp bound: Python
 * compares a float with an int bound (sys.maxsize, the default) exactly,
 * so the double written is the one on the right side of the int that
 * gives the same answer: x <= 2^63 - 1 is x <= 2^63 - 1024.
 */
static void
addbound(struct dm_buf *b, const struct dm_rop *op,
    const struct dm_ynode *args, const char *name, const char *cmp)
{
	const struct dm_ynode *v = dm_yaml_get(args, name);
	const char *val = arg(op, args, name);
	int isint = dm_risnull(v) || v->num == DM_YN_INT, up, c;
	double d = strtod(val, NULL);
	long long m;
	char *end;

	/* x >= m and x < m want the least double at or above m */
	up = strcmp(cmp, ">=") == 0 || strcmp(cmp, "<") == 0;
	errno = 0;
	m = strtoll(val, &end, 10);
	if (isint && errno == 0 && *end == '\0') {
		c = d >= 0x1p63 ? 1 : ((long long)d > m) - ((long long)d < m);
		if (c > 0 && !up)
			d = nextafter(d, -INFINITY);
		else if (c < 0 && up)
			d = nextafter(d, INFINITY);
	}
	dm_buf_addf(b, "%s %.17g", cmp, d);
}

/*
 * specified_numeric_field_filter: a value that is_number() takes (true in
 * Python, so not 0, "", false, null, [] or {}, and read by float()) kept
 * inside the range of get_keep_boolean; any other value is dropped, even
 * with reversed_range.
 */
int
dm_emit_specified_num(const struct dm_rop *op, const struct dm_ynode *args,
    struct dm_buf *out, struct dm_buf *err, const struct dm_ynode **at)
{
	const char *key = arg(op, args, "field_key"), *lo, *hi;
	struct dm_buf test = DM_BUF_INIT;
	int minc, maxc, rev = argbool(op, args, "reversed_range");

	(void)err, (void)at;
	if (*key == '\0') {
		addspecified(out, key, NULL);
		return 0;
	}
	minc = dm_rbool(arg(op, args, "min_closed_interval")) != 0;
	maxc = dm_rbool(arg(op, args, "max_closed_interval")) != 0;
	if (rev) {
		minc = !minc;
		maxc = !maxc;
	}
	lo = minc ? ">=" : ">";
	hi = maxc ? "<=" : "<";
	dm_buf_adds(&test, "@ && str(@) != \"[]\" && str(@) != \"{}\" && ");
	if (rev)
		dm_buf_adds(&test, "float(@) != null && !(");
	dm_buf_adds(&test, "float(@) ");
	addbound(&test, op, args, "min_value", lo);
	dm_buf_adds(&test, " && float(@) ");
	addbound(&test, op, args, "max_value", hi);
	if (rev)
		dm_buf_addc(&test, ')');
	addspecified(out, key, test.buf);
	dm_buf_free(&test);
	return 0;
}

/* language_id_score_filter: the best label among lang (any label when
 * lang is empty) with a probability of at least min_score. dm's lang does
 * not lower-case the text first, as Data-Juicer does (see dm-recipe(1)). */
int
dm_emit_lang(const struct dm_rop *op, const struct dm_ynode *args,
    struct dm_buf *out, struct dm_buf *err, const struct dm_ynode **at)
{
	const struct dm_ynode *v = dm_yaml_get(args, "lang");
	const char *s, *min = arg(op, args, "min_score");
	const char **l = NULL;
	const char *one[1];
	size_t i, n = 0;
	int minc = 1, rev = 0;

	(void)err, (void)at;
	if (v != NULL && v->kind == DM_Y_SEQ) {
		l = dm_xcalloc(v->n + 1, sizeof *l);
		for (i = 0; i < v->n; i++)
			if (*v->kid[i]->val)
				l[n++] = v->kid[i]->val;
	} else if (!dm_risnull(v) && *v->val) {
		one[0] = v->val;
		l = one;
		n = 1;
	}
	if ((s = arg(op, args, "min_closed_interval")) != NULL)
		minc = dm_rbool(s) != 0;
	if ((s = arg(op, args, "reversed_range")) != NULL)
		rev = dm_rbool(s) == 1;
	if (rev)
		minc = !minc;
	if (n > 1)
		dm_buf_adds(out, "(");
	for (i = 0; i < n; i++) {
		if (i)
			dm_buf_adds(out, " || ");
		dm_buf_adds(out, "lang == ");
		dm_json_addstr(out, l[i], strlen(l[i]));
	}
	if (n > 1)
		dm_buf_adds(out, ")");
	if (n)
		dm_buf_adds(out, " && ");
	if (rev)
		dm_buf_adds(out, "!(");
	if (n == 1) {
		dm_buf_adds(out, "lang(");
		dm_json_addstr(out, l[0], strlen(l[0]));
		dm_buf_adds(out, ")");
	} else
		dm_buf_adds(out, "lang(lang)");
	dm_buf_addf(out, " %s %s", minc ? ">=" : ">", min);
	if (rev)
		dm_buf_adds(out, ")");
	if (l != one)
		free((void *)l);
	return 0;
}

/* ---- deduplicators: dm-dedup options, tab-separated ---- */

static void
addopt(struct dm_buf *b, const char *opt, const char *val)
{
	if (b->len)
		dm_buf_addc(b, '\t');
	dm_buf_adds(b, opt);
	if (val) {
		dm_buf_addc(b, '\t');
		dm_buf_adds(b, val);
	}
}

/*
 * text_chunk_mapper: dm-slice --preset data-juicer --bare. max_len None is
 * no --size (and overlap_len then unused, as there), split_pattern None
 * is --by none; the pattern is translated from Python's syntax as the
 * other patterns are. A tokenizer counts tokens, which dm-slice does not.
 */
int
dm_emit_chunk(const struct dm_rop *op, const struct dm_ynode *args,
    struct dm_buf *out, struct dm_buf *err, const struct dm_ynode **at)
{
	const struct dm_ynode *v;
	struct dm_buf p = DM_BUF_INIT, by = DM_BUF_INIT;
	struct dm_re *re = NULL;
	const char *max, *pat;
	int rc = -1;

	if (!dm_risnull(v = dm_yaml_get(args, "tokenizer"))) {
		dm_buf_adds(err, "parameter 'tokenizer': dm-slice counts "
		    "characters, not a tokenizer's tokens");
		*at = v;
		return -1;
	}
	v = dm_yaml_get(args, "split_pattern");
	pat = v != NULL && dm_risnull(v) ? NULL :
	    arg(op, args, "split_pattern");
	max = arg(op, args, "max_len");
	if (max == NULL && pat == NULL) {
		dm_buf_adds(err, "max_len and split_pattern cannot both be "
		    "None, as Data-Juicer says");
		*at = v != NULL ? v : args;
		return -1;
	}
	if (max != NULL && strtoll(max, NULL, 10) < 1) {
		dm_buf_addf(err, "parameter 'max_len' must be 1 or more, not "
		    "'%s'", max);
		*at = dm_yaml_get(args, "max_len");
		return -1;
	}
	if (max != NULL && strtoll(arg(op, args, "overlap_len"), NULL, 10) >=
	    strtoll(max, NULL, 10)) {
		dm_buf_addf(err, "parameter 'overlap_len' '%s' must be less "
		    "than max_len '%s'", arg(op, args, "overlap_len"), max);
		*at = dm_yaml_get(args, "overlap_len");
		return -1;
	}
	if (strtoll(arg(op, args, "overlap_len"), NULL, 10) < 0) {
		dm_buf_addf(err, "parameter 'overlap_len' must be 0 or more, "
		    "not '%s'", arg(op, args, "overlap_len"));
		*at = dm_yaml_get(args, "overlap_len");
		return -1;
	}
	if (pat != NULL) {
		if (pycompile(pat, "split_pattern", "", 0, &p, &re, err) < 0) {
			*at = v != NULL ? v : args;
			goto out;
		}
		/* re.split() would give a group's text as chunks too */
		if (dm_re_group(re, 1, NULL) >= 0) {
			dm_buf_adds(err, "parameter 'split_pattern': a pattern "
			    "with a group, whose text Data-Juicer gives as "
			    "chunks too, is not supported; use (?:...)");
			*at = v;
			goto out;
		}
		if (p.len == 0) {
			dm_buf_adds(err, "parameter 'split_pattern' is empty");
			*at = v;
			goto out;
		}
	}
	addopt(out, "--preset", "data-juicer");
	addopt(out, "--bare", NULL);
	if (max != NULL) {
		addopt(out, "--size", max);
		addopt(out, "--overlap", arg(op, args, "overlap_len"));
	}
	if (pat != NULL)
		dm_buf_addf(&by, "regex:%s", p.buf);
	else
		dm_buf_adds(&by, "none");
	addopt(out, "--by", by.buf);
	rc = 0;
out:
	dm_re_free(re);
	dm_buf_free(&p);
	dm_buf_free(&by);
	return rc;
}

/* DuplicateFilesFilter: datasketch's MinHash, each file against every
 * earlier kept one (dm-dedup's datamate preset). */
int
dm_emit_dedup_datamate(const struct dm_rop *op, const struct dm_ynode *args,
    struct dm_buf *out, struct dm_buf *err, const struct dm_ynode **at)
{
	(void)err, (void)at;
	addopt(out, "--near", NULL);
	addopt(out, "--preset", "datamate");
	if (given(op, args, "fileDuplicateThreshold"))
		addopt(out, "--threshold", arg(op, args,
		    "fileDuplicateThreshold"));
	return 0;
}

int
dm_emit_dedup_exact(const struct dm_rop *op, const struct dm_ynode *args,
    struct dm_buf *out, struct dm_buf *err, const struct dm_ynode **at)
{
	(void)err, (void)at;
	addopt(out, "--exact", NULL);
	if (argbool(op, args, "lowercase"))
		addopt(out, "--lowercase", NULL);
	if (argbool(op, args, "ignore_non_character"))
		addopt(out, "--ignore-non-character", NULL);
	return 0;
}

/*
 * ignore_pattern: Data-Juicer compiles it with the regex module and removes
 * its matches after the lower case; dm-dedup --ignore takes it translated
 * (pypattern), checked here as dm-dedup compiles it.
 */
static int
addignore(struct dm_buf *out, const char *pat, struct dm_buf *err)
{
	struct dm_buf p = DM_BUF_INIT;
	struct dm_re *re;
	int rc;

	if ((rc = pycompile(pat, "ignore_pattern", "", 0, &p, &re, err)) == 0)
		addopt(out, "--ignore", p.buf);
	dm_re_free(re);
	dm_buf_free(&p);
	return rc;
}

/*
 * Whether parameter name of a deduplicator is within Data-Juicer's range
 * (PositiveInt is 1 and up, jaccard_threshold 0 to 1) and dm-dedup's
 * (hi, when djhi is 0, is dm-dedup's limit of a range Data-Juicer leaves
 * open), so that check refuses what run would; -1 with the reason.
 */
static int
dedup_range(const struct dm_ynode *args, const char *name, double lo,
    double hi, double djhi, struct dm_buf *err, const struct dm_ynode **at)
{
	const struct dm_ynode *v = dm_yaml_get(args, name);
	double d;

	if (dm_risnull(v) || v->kind != DM_Y_SCALAR)
		return 0;
	d = strtod(v->val, NULL);
	if (d >= lo && d <= hi)
		return 0;
	dm_buf_addf(err, "parameter '%s' must be between %g and %g, not '%s'",
	    name, lo, hi, v->val);
	if (djhi == 0 && d > hi)
		dm_buf_addf(err, " (dm-dedup's limit; Data-Juicer takes any "
		    "integer from %g)", lo);
	*at = v;
	return -1;
}

/* MinHash and SimHash share tokenization, window, lower-casing. */
static int
dedup_common(const struct dm_rop *op, const struct dm_ynode *args,
    struct dm_buf *out, struct dm_buf *err, const struct dm_ynode **at)
{
	const char *tok = arg(op, args, "tokenization");

	if (unsupported(op, args, "lowercase", err, at) < 0 ||
	    (dm_rop_param(op, "tokenizer_model") &&
	    unsupported(op, args, "tokenizer_model", err, at) < 0))
		return -1;
	if (strcmp(tok, "space") && strcmp(tok, "punctuation") &&
	    strcmp(tok, "character")) {
		dm_buf_addf(err, "parameter 'tokenization' of '%s': '%s' is "
		    "not supported by dm (space, punctuation, character)",
		    op->dj, tok);
		*at = dm_yaml_get(args, "tokenization");
		return -1;
	}
	if (dedup_range(args, "window_size", 1, 1000, 0, err, at) < 0)
		return -1;
	if (given(op, args, "tokenization"))
		addopt(out, "--tokenize", tok);
	if (given(op, args, "window_size"))
		addopt(out, "--window", arg(op, args, "window_size"));
	/* an empty pattern is Data-Juicer's "no pattern" */
	if (given(op, args, "ignore_pattern") &&
	    *arg(op, args, "ignore_pattern") != '\0' &&
	    addignore(out, arg(op, args, "ignore_pattern"), err) < 0) {
		*at = dm_yaml_get(args, "ignore_pattern");
		return -1;
	}
	return 0;
}

int
dm_emit_dedup_minhash(const struct dm_rop *op, const struct dm_ynode *args,
    struct dm_buf *out, struct dm_buf *err, const struct dm_ynode **at)
{
	addopt(out, "--near", NULL);
	if (dedup_common(op, args, out, err, at) < 0 ||
	    dedup_range(args, "num_permutations", 1, DM_DEDUP_MAXPERMS, 0,
	    err, at) < 0 ||
	    dedup_range(args, "jaccard_threshold", 0, 1, 1, err, at) < 0 ||
	    dedup_range(args, "num_bands", 1, DM_DEDUP_MAXPERMS, 0, err,
	    at) < 0 ||
	    dedup_range(args, "num_rows_per_band", 1, DM_DEDUP_MAXPERMS, 0,
	    err, at) < 0)
		return -1;
	if (given(op, args, "num_permutations"))
		addopt(out, "--perms", arg(op, args, "num_permutations"));
	if (given(op, args, "jaccard_threshold"))
		addopt(out, "--threshold", arg(op, args, "jaccard_threshold"));
	/* one without the other is ignored: Data-Juicer's optimal_param
	 * chooses both, as dm-dedup does without them */
	if (given(op, args, "num_bands") && given(op, args,
	    "num_rows_per_band")) {
		/* Data-Juicer slices bands past the signature's end, empty,
		 * which every sample shares; dm-dedup refuses them */
		if (strtod(arg(op, args, "num_bands"), NULL) *
		    strtod(arg(op, args, "num_rows_per_band"), NULL) >
		    strtod(arg(op, args, "num_permutations"), NULL)) {
			dm_buf_addf(err, "parameters 'num_bands' '%s' times "
			    "'num_rows_per_band' '%s' are more than "
			    "num_permutations '%s', which dm-dedup does not "
			    "take", arg(op, args, "num_bands"), arg(op, args,
			    "num_rows_per_band"), arg(op, args,
			    "num_permutations"));
			*at = dm_yaml_get(args, "num_rows_per_band");
			return -1;
		}
		addopt(out, "--bands", arg(op, args, "num_bands"));
		addopt(out, "--rows", arg(op, args, "num_rows_per_band"));
	}
	return 0;
}

int
dm_emit_dedup_simhash(const struct dm_rop *op, const struct dm_ynode *args,
    struct dm_buf *out, struct dm_buf *err, const struct dm_ynode **at)
{
	const struct dm_ynode *v;
	long blocks, hamming;

	addopt(out, "--simhash", NULL);
	if (dedup_common(op, args, out, err, at) < 0 ||
	    dedup_range(args, "num_blocks", 1, 64, 0, err, at) < 0 ||
	    dedup_range(args, "hamming_distance", 1, 63, 0, err, at) < 0)
		return -1;
	blocks = strtol(arg(op, args, "num_blocks"), NULL, 10);
	hamming = strtol(arg(op, args, "hamming_distance"), NULL, 10);
	v = dm_yaml_get(args, "hamming_distance");
	/* Data-Juicer: "should be always less than num_blocks" */
	if (hamming >= blocks) {
		dm_buf_addf(err, "parameter 'hamming_distance' must be smaller "
		    "than num_blocks '%s', not '%s'", arg(op, args,
		    "num_blocks"), arg(op, args, "hamming_distance"));
		*at = dm_risnull(v) ? dm_yaml_get(args, "num_blocks") : v;
		return -1;
	}
	/* as dm-dedup --simhash would refuse them at run */
	if (dm_dedup_ntables((int)blocks, (int)hamming) > DM_DEDUP_MAXTABLES) {
		dm_buf_addf(err, "num_blocks '%ld' and hamming_distance '%ld' "
		    "make %.0Lf SimHash tables, more than dm-dedup's %d",
		    blocks, hamming, dm_dedup_ntables((int)blocks,
		    (int)hamming), DM_DEDUP_MAXTABLES);
		*at = dm_risnull(v) ? dm_yaml_get(args, "num_blocks") : v;
		return -1;
	}
	if (given(op, args, "num_blocks"))
		addopt(out, "--blocks", arg(op, args, "num_blocks"));
	if (given(op, args, "hamming_distance"))
		addopt(out, "--hamming", arg(op, args, "hamming_distance"));
	return 0;
}

/* ---- DataMate's cleaners and filters ---- */

/* A DataMate filter: "len > 0 && pred()" with pred's threshold when the
 * recipe sets one. */
static void
dm_pred(struct dm_buf *out, const char *pred)
{
	dm_buf_addf(out, DROPEMPTY " && %s(", pred);
}

int
dm_emit_dm_rate(const struct dm_rop *op, const struct dm_ynode *args,
    struct dm_buf *out, struct dm_buf *err, const struct dm_ynode **at)
{
	const char *pname = op->params[0].name;

	(void)err, (void)at;
	dm_pred(out, op->form);
	if (given(op, args, pname))
		dm_buf_addf(out, "max=%s", arg(op, args, pname));
	dm_buf_adds(out, ")");
	return 0;
}

/* FileWithManySensitiveWordsFilter: DataMate's word lists are empty
 * files, so with no list (a parameter of dm's own) nothing is counted. */
int
dm_emit_dm_sensitive(const struct dm_rop *op, const struct dm_ynode *args,
    struct dm_buf *out, struct dm_buf *err, const struct dm_ynode **at)
{
	const char *list = arg(op, args, "list");
	int first = 1;

	(void)err, (void)at;
	dm_pred(out, op->form);
	if (given(op, args, "list") && *list != '\0') {
		dm_buf_adds(out, "list=");
		dm_json_addstr(out, list, strlen(list));
		first = 0;
	}
	if (given(op, args, "sensitiveWordsRate"))
		dm_buf_addf(out, "%smax=%s", first ? "" : ", ",
		    arg(op, args, "sensitiveWordsRate"));
	dm_buf_adds(out, ")");
	return 0;
}

/* Python's truth of a YAML value, as bool(kwargs.get(...)) sees it. */
static int
pytruth(const struct dm_ynode *v, const char *def)
{
	char *end;
	double d;

	if (v == NULL)
		return dm_rbool(def) == 1;
	if (dm_risnull(v))
		return 0;
	if (v->kind != DM_Y_SCALAR)
		return v->n > 0;
	if (!v->plain)
		return *v->val != '\0';
	if (dm_rbool(v->val) >= 0)
		return dm_rbool(v->val);
	d = strtod(v->val, &end);
	if (end != v->val && *end == '\0')
		return d != 0;
	return *v->val != '\0';
}

/* FileWithHighRepeatPhraseRateFilter: hitStopwords, a switch, as
 * kwargs.get reads it (any true value). */
int
dm_emit_dm_phrase(const struct dm_rop *op, const struct dm_ynode *args,
    struct dm_buf *out, struct dm_buf *err, const struct dm_ynode **at)
{
	int first = 1;

	(void)err, (void)at;
	dm_pred(out, op->form);
	if (given(op, args, "repeatPhraseRatio")) {
		dm_buf_addf(out, "max=%s", arg(op, args, "repeatPhraseRatio"));
		first = 0;
	}
	if (pytruth(dm_yaml_get(args, "hitStopwords"), "false"))
		dm_buf_addf(out, "%shit=true", first ? "" : ", ");
	dm_buf_adds(out, ")");
	return 0;
}

/* fileLength: [min, max]; an empty or zero bound is no bound. */
int
dm_emit_dm_length(const struct dm_rop *op, const struct dm_ynode *args,
    struct dm_buf *out, struct dm_buf *err, const struct dm_ynode **at)
{
	const struct dm_ynode *v = dm_yaml_get(args, "fileLength"), *b;
	const char *name[2] = { "min", "max" }, *def[2] = { "10", "10000000" };
	char *end;
	double d;
	size_t i;
	int first = 1;

	(void)op;
	dm_pred(out, "stripped_len");
	if (v != NULL && !dm_risnull(v)) {
		if (v->kind != DM_Y_SEQ || v->n != 2) {
			dm_buf_adds(err, "parameter 'fileLength' wants a list "
			    "of 2 bounds, [min, max]");
			*at = v;
			return -1;
		}
		for (i = 0; i < 2; i++) {
			b = v->kid[i];
			if (b->kind != DM_Y_SCALAR) {
				dm_buf_adds(err, "parameter 'fileLength' "
				    "wants numbers");
				*at = b;
				return -1;
			}
			if (dm_risnull(b) || *b->val == '\0')
				d = 0;
			else {
				d = strtod(b->val, &end);
				if (!b->plain || *end != '\0' ||
				    !isfinite(d) || d < 0) {
					dm_buf_addf(err, "parameter "
					    "'fileLength' wants numbers, not "
					    "'%s'", b->val);
					*at = b;
					return -1;
				}
			}
			if (d == strtod(def[i], NULL))
				continue;
			dm_buf_addf(out, "%s%s=%s", first ? "" : ", ", name[i],
			    d == 0 ? "0" : b->val);
			first = 0;
		}
	}
	dm_buf_adds(out, ")");
	return 0;
}

int
dm_emit_dm_html(const struct dm_rop *op, const struct dm_ynode *args,
    struct dm_buf *out, struct dm_buf *err, const struct dm_ynode **at)
{
	(void)err, (void)at;
	addop(out, op->form);
	if (pytruth(dm_yaml_get(args, "removeTableTags"), "false"))
		addkv(out, "tables", "true");
	return 0;
}
