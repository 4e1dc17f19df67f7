/* replace.c - global regex substitution [DJ replace_content_mapper] */

#include <stdlib.h>
#include <string.h>

#include "dm.h"

struct replace {
	struct dm_re	*re;
	char		*repl;
};

static const struct dm_param params[] = {
	{ .name = "pattern", .type = DM_P_STR, .def = NULL,
	  .help = "PCRE2 pattern, \\w \\d \\s \\b as in Python's regex" },
	{ .name = "repl", .type = DM_P_STR, .def = "",
	  .help = "replacement: $1, ${name} insert groups, $0 the match" },
	{ .name = "flags", .type = DM_P_STR, .def = "",
	  .help = "pattern flags: i m s x u (s is always on, as in Data-Juicer)" },
	{ .name = NULL }
};

/*
 * Data-Juicer compiles the pattern with Python's regex module, whose \w,
 * \d, \s and \b are not PCRE2's: regex's \w takes combining marks,
 * connector punctuation and the joiners but not superscripts or fractions
 * (PCRE2's \w is \p{L}, \p{N} and '_'), its \d knows Unicode 15.0, its
 * \s leaves out U+180E, and its \b is the edge of its \w. Its \Z is the
 * very end of the text (PCRE2's \z), and x{,3} is x{0,3}. Under
 * IGNORECASE it folds i and I with U+0130 and U+0131, and an inline flag
 * (?i) holds for the whole pattern wherever it stands. The pattern is
 * rewritten so that PCRE2 matches what regex does; everything else reads
 * the same in both. The sets are those of dm.h (DM_PY_W...).
 */
#define PY_W	"[" DM_PY_W "]"
/* regex's \h: horizontal space, PCRE2's but U+180E */
#define PY_H	"\\t\\x{20}\\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{202F}" \
	"\\x{205F}\\x{3000}"
#define PY_B	"(?:(?<=" PY_W ")(?!" PY_W ")|(?<!" PY_W ")(?=" PY_W "))"
#define PY_NB	"(?:(?<=" PY_W ")(?=" PY_W ")|(?<!" PY_W ")(?!" PY_W "))"

/* Copies the escape at p (a backslash) as it is; returns what follows. */
static const char *
copyesc(struct dm_buf *out, const char *p)
{
	const char *q = p + 1;

	if (*q == '\0')
		return q;
	if (*q == 'Q') {
		/* \Q...\E: all literal, even a backslash */
		for (q++; *q != '\0' && !(q[0] == '\\' && q[1] == 'E'); q++)
			;
		if (*q != '\0')
			q += 2;
		dm_buf_add(out, p, (size_t)(q - p));
		return q;
	}
	if (*q == 'c' && q[1] != '\0')	/* \cX: X is not an escape */
		q++;
	for (q++; ((unsigned char)*q & 0xc0) == 0x80; q++)
		;
	/* \p{..} \x{..} \g<..> \k'..' and the like: the argument is
	 * neither literal text nor a quantifier */
	if (strchr("pPxoNgk", p[1]) != NULL && *q != '\0' &&
	    strchr("{<'", *q) != NULL) {
		const char *e = strchr(q + 1, *q == '{' ? '}' :
		    *q == '<' ? '>' : '\'');

		if (e != NULL)
			q = e + 1;
	}
	dm_buf_add(out, p, (size_t)(q - p));
	return q;
}

static int
ishex(int c)
{
	return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}

/*
 * Under IGNORECASE regex matches i to U+0130 (I with a dot above) and I to
 * U+0131 (dotless i) as well, which PCRE2 does not; U+0130 itself matches
 * i but not I, and U+0131 I but not i. No other pair of code points
 * differs. foldof tells which of i, I, U+0130 and U+0131 a range of code
 * points holds.
 */
enum { F_I = 1, F_UPPER_I = 2, F_DOT = 4, F_DOTLESS = 8 };

static int
foldof(int32_t lo, int32_t hi)
{
	return (lo <= 'i' && 'i' <= hi ? F_I : 0) |
	    (lo <= 'I' && 'I' <= hi ? F_UPPER_I : 0) |
	    (lo <= 0x130 && 0x130 <= hi ? F_DOT : 0) |
	    (lo <= 0x131 && 0x131 <= hi ? F_DOTLESS : 0);
}

/*
 * The class at *pp (its '['). \w \d \s \S become property sets in it;
 * \W and \D, complements of several properties, turn it into an
 * alternative ([a\W] is (?:[a]|[^\w])) or, when it is negated, into
 * lookaheads a character must pass ([^a\W] is (?![a])[\w]). The pattern
 * compiled as written before, so a class here is closed.
 */
static void
pyclass(const char **pp, int caseless, struct dm_buf *out)
{
	struct dm_buf pos = DM_BUF_INIT;
	const char *p = *pp + 1, *q, *negs[2];
	size_t nneg = 0, i;
	int neg = 0, first = 1, fold = 0, range = 0;
	int32_t c, last = -1;
	char ext[3];

	if (*p == '^') {
		neg = 1;
		p++;
	}
	while (*p != '\0' && (*p != ']' || first)) {
		first = 0;
		if (p[0] == '[' && p[1] == ':' &&
		    (q = strstr(p + 2, ":]")) != NULL) {
			dm_buf_add(&pos, p, (size_t)(q + 2 - p));	/* [:alpha:] */
			p = q + 2;
			continue;
		}
		if (*p != '\\') {
			/* a '^' first in the new class would negate it */
			if (*p == '^' && pos.len == 0)
				dm_buf_addc(&pos, '\\');
			if (*p == '-' && last >= 0 && p[1] != ']') {
				range = 1;
				dm_buf_addc(&pos, *p++);
				continue;
			}
			q = p;
			for (p++; ((unsigned char)*p & 0xc0) == 0x80; p++)
				;
			dm_buf_add(&pos, q, (size_t)(p - q));
			if (dm_utf8_decode(q, (size_t)(p - q), &c) < 0)
				c = -1;
			fold |= range ? foldof(last, c) : foldof(c, c);
			last = range ? -1 : c;
			range = 0;
			continue;
		}
		if (p[1] == 'x') {
			/* a code point (\uXXXX became one): as if written */
			q = p;
			p = copyesc(&pos, p);
			if (q[2] == '{')
				c = (int32_t)strtol(q + 3, NULL, 16);
			else {	/* \xhh: at most two digits, PCRE2's */
				for (c = 0; p < q + 4 && ishex(*p); p++)
					c = c * 16 + (*p <= '9' ? *p - '0' :
					    (*p | 0x20) - 'a' + 10);
				dm_buf_add(&pos, q + 2, (size_t)(p - q - 2));
			}
			fold |= range ? foldof(last, c) : foldof(c, c);
			last = range ? -1 : c;
			range = 0;
			continue;
		}
		last = -1;
		range = 0;
		switch (p[1]) {
		case 'w':
			dm_buf_adds(&pos, DM_PY_W);
			break;
		case 'd':
			dm_buf_adds(&pos, DM_PY_D);
			break;
		case 's':
			dm_buf_adds(&pos, DM_PY_S);
			break;
		case 'h':
			dm_buf_adds(&pos, PY_H);
			break;
		case 'S':
			dm_buf_adds(&pos, "\\P{White_Space}");
			break;
		case 'W':
		case 'D':
			/* a second \W or \D adds nothing new */
			q = p[1] == 'W' ? DM_PY_W : DM_PY_D;
			for (i = 0; i < nneg && negs[i] != q; i++)
				;
			if (i == nneg)
				negs[nneg++] = q;
			break;
		default:
			p = copyesc(&pos, p);
			continue;
		}
		p += 2;
	}
	if (*p == ']')
		p++;
	*pp = p;
	if (caseless && (fold & F_I))
		dm_buf_adds(&pos, "\\x{130}");
	if (caseless && (fold & F_UPPER_I))
		dm_buf_adds(&pos, "\\x{131}");
	/* U+0130 takes i but not I, U+0131 I but not i: case-sensitive */
	ext[0] = '\0';
	if (caseless && (fold & F_DOT))
		strcat(ext, "i");
	if (caseless && (fold & F_DOTLESS))
		strcat(ext, "I");
	if (ext[0] != '\0')
		dm_buf_addf(out, neg ? "(?:(?-i:(?![%s]))" : "(?:(?-i:[%s])|",
		    ext);
	if (nneg == 0) {
		dm_buf_adds(out, neg ? "[^" : "[");
		dm_buf_add(out, pos.buf, pos.len);
		dm_buf_addc(out, ']');
	} else if (!neg) {
		dm_buf_adds(out, "(?:");
		if (pos.len > 0) {
			dm_buf_addc(out, '[');
			dm_buf_add(out, pos.buf, pos.len);
			dm_buf_adds(out, "]|");
		}
		for (i = 0; i < nneg; i++)
			dm_buf_addf(out, "%s[^%s]", i > 0 ? "|" : "", negs[i]);
		dm_buf_addc(out, ')');
	} else {
		dm_buf_adds(out, "(?:");
		if (pos.len > 0) {
			dm_buf_adds(out, "(?![");
			dm_buf_add(out, pos.buf, pos.len);
			dm_buf_adds(out, "])");
		}
		for (i = 0; i + 1 < nneg; i++)
			dm_buf_addf(out, "(?=[%s])", negs[i]);
		dm_buf_addf(out, "[%s])", negs[nneg - 1]);
	}
	if (ext[0] != '\0')
		dm_buf_addc(out, ')');
	dm_buf_free(&pos);
}

/*
 * The length of an inline flag group "(?imsx)" at p, 0 for anything else.
 * regex's version 0 applies such a group to the whole pattern wherever it
 * stands (PCRE2 from there to the end of the group): they move to the
 * start.
 */
static size_t
globalflags(const char *p)
{
	size_t n;

	if (p[0] != '(' || p[1] != '?')
		return 0;
	n = strspn(p + 2, "imsx");
	return n > 0 && p[2 + n] == ')' ? n + 3 : 0;
}

/* The length of what opens a group at p (a '('), copied as it is: a name
 * or flags in it are not pattern text. *push: whether it opens a group
 * that a ')' closes, rather than being whole, like (?P=name) or (*SKIP). */
static size_t
opener(const char *p, int *push)
{
	const char *e;

	*push = 1;
	if (p[1] == '*') {
		e = p + 2 + strcspn(p + 2, ":)");
		*push = *e == ':';
		return (size_t)(e - p) + (*e != '\0');
	}
	if (p[1] != '?')
		return 1;
	switch (p[2]) {
	case '<':
		if (p[3] == '=' || p[3] == '!')
			return 4;
		e = strchr(p, '>');
		break;
	case '\'':
		e = strchr(p + 3, '\'');
		break;
	case 'P':
		if (p[3] == '<') {
			e = strchr(p, '>');
			break;
		}
		*push = 0;
		e = strchr(p, ')');
		break;
	case '(':
		if (p[3] == '?')	/* the condition is a lookaround */
			return 2;
		e = strchr(p + 3, ')');
		break;
	case ':': case '=': case '!': case '>': case '|':
		return 3;
	default:
		/* flags, (?R), (?1), (?&name), (?C) */
		e = p + 2 + strspn(p + 2, "imnsxUJ-^");
		*push = *e == ':';
		if (!*push)
			e = strchr(p, ')');
		break;
	}
	return e != NULL ? (size_t)(e - p) + 1 : strlen(p);
}

/* Whether the flag group at p (of n bytes) turns i on (1), off (0), or
 * leaves it (-1). */
static int
flagi(const char *p, size_t n)
{
	const char *i = memchr(p, 'i', n), *minus = memchr(p, '-', n);

	if (p[1] != '?' || i == NULL || p[2] == '\0' ||
	    strchr("imnsxUJ-^", p[2]) == NULL)
		return -1;
	return minus == NULL || i < minus;
}

/*
 * The sets outside classes, written out (fast) or, compact, as calls of
 * groups defined once at the end: PCRE2 compiles a pattern into at most
 * 64 KiB, which some hundred written-out \b would exceed. The groups are
 * called by number (\1 the first, \2 the second after the pattern's
 * own), not by a name that the pattern could use too.
 */
static const char *const pyset[2][6] = {
	{ PY_W, "[^" DM_PY_W "]", "[" DM_PY_D "]", "[^" DM_PY_D "]",
	  PY_B, PY_NB },
	{ "(?\1)", "(?:(?!(?\1))(?s:.))", "(?\2)", "(?:(?!(?\2))(?s:.))",
	  "(?:(?<=(?\1))(?!(?\1))|(?<!(?\1))(?=(?\1)))",
	  "(?:(?<=(?\1))(?=(?\1))|(?<!(?\1))(?!(?\1)))" }
};

/* Appends set s, its group numbers past the pattern's ncap groups. */
static void
addset(struct dm_buf *out, const char *s, size_t ncap)
{
	for (; *s != '\0'; s++) {
		if (*s == '\1' || *s == '\2')
			dm_buf_addf(out, "%zu", ncap + (size_t)*s);
		else
			dm_buf_addc(out, *s);
	}
}

/* The pattern s of regex, as PCRE2 (with UTF and UCP) reads it, into out;
 * ncap: the number of its groups. */
static void
pypattern(const char *s, const char *flags, int compact, size_t ncap,
    struct dm_buf *out)
{
	const char *const *set = pyset[compact != 0];
	struct dm_buf skip = DM_BUF_INIT;
	const char *p, *q;
	char ci[256];
	size_t n, depth = 0;
	int x, push, f;
	int32_t c;

	/* the flags of regex's version 0 hold for the whole pattern */
	x = strchr(flags, 'x') != NULL;
	ci[0] = strchr(flags, 'i') != NULL;
	for (p = s; *p != '\0'; ) {
		/* not in a class, an escape or a comment */
		if (*p == '[') {
			pyclass(&p, 0, &skip);
			continue;
		}
		if (*p == '\\') {
			p = copyesc(&skip, p);
			continue;
		}
		if (strncmp(p, "(?#", 3) == 0) {
			p += strcspn(p, ")");
			continue;
		}
		if ((n = globalflags(p)) > 0) {
			dm_buf_add(out, p, n);
			x |= memchr(p, 'x', n) != NULL;
			ci[0] |= memchr(p, 'i', n) != NULL;
			p += n;
			continue;
		}
		p++;
	}
	dm_buf_free(&skip);

	for (p = s; *p != '\0'; ) {
		if (*p == '[') {
			pyclass(&p, ci[depth], out);
			continue;
		}
		if ((x && *p == '#') || strncmp(p, "(?#", 3) == 0) {
			/* a comment, where a '[' or '\' means nothing */
			q = p + strcspn(p, *p == '#' ? "\n" : ")");
			if (*q != '\0')
				q++;
			dm_buf_add(out, p, (size_t)(q - p));
			p = q;
			continue;
		}
		if ((n = globalflags(p)) > 0) {
			p += n;		/* moved to the start */
			continue;
		}
		if (*p == '(') {
			n = opener(p, &push);
			dm_buf_add(out, p, n);
			f = flagi(p, n);
			if (push && depth + 1 < sizeof(ci)) {
				depth++;
				ci[depth] = ci[depth - 1];
			}
			if (f >= 0)
				ci[depth] = (char)f;
			p += n;
			continue;
		}
		if (*p == ')') {
			if (depth > 0)
				depth--;
			dm_buf_addc(out, *p++);
			continue;
		}
		if (*p == '{' && p > s && p[1] == ',' &&
		    p[2 + strspn(p + 2, "0123456789")] == '}' &&
		    strspn(p + 2, "0123456789") > 0) {
			dm_buf_adds(out, "{0");
			p++;
			continue;
		}
		if (*p != '\\') {
			q = p;
			for (p++; ((unsigned char)*p & 0xc0) == 0x80; p++)
				;
			if (!ci[depth] ||
			    dm_utf8_decode(q, (size_t)(p - q), &c) < 0)
				c = -1;
			if (c == 'i')
				dm_buf_adds(out, "[i\\x{130}]");
			else if (c == 'I')
				dm_buf_adds(out, "[I\\x{131}]");
			else if (c == 0x130)
				dm_buf_adds(out, "(?-i:[\\x{130}i])");
			else if (c == 0x131)
				dm_buf_adds(out, "(?-i:[\\x{131}I])");
			else
				dm_buf_add(out, q, (size_t)(p - q));
			continue;
		}
		switch (p[1]) {
		case 'w':
			addset(out, set[0], ncap);
			break;
		case 'W':
			addset(out, set[1], ncap);
			break;
		case 'd':
			addset(out, set[2], ncap);
			break;
		case 'D':
			addset(out, set[3], ncap);
			break;
		case 's':
			dm_buf_adds(out, "\\p{White_Space}");
			break;
		case 'h':
			dm_buf_adds(out, "[" PY_H "]");
			break;
		case 'S':
			dm_buf_adds(out, "\\P{White_Space}");
			break;
		case 'b':
			addset(out, set[4], ncap);
			break;
		case 'B':
			addset(out, set[5], ncap);
			break;
		case 'Z':
			dm_buf_adds(out, "\\z");
			break;
		default:
			p = copyesc(out, p);
			continue;
		}
		p += 2;
	}
	if (compact) {
		/* after a comment of x, on a line of its own; after \Q,
		 * past its end (a \E alone is nothing) */
		dm_buf_adds(out, x ? "\n\\E" : "\\E");
		dm_buf_adds(out, "(?(DEFINE)([" DM_PY_W "])([" DM_PY_D "]))");
	}
}

/*
 * Python's regex takes some escapes that PCRE2 refuses: \uXXXX and
 * \UXXXXXXXX (a code point), and in a class a '-' next to a class escape
 * ([\w-a], [a-\d]), which is a '-' of its own. pyprep writes them as
 * PCRE2 reads them, recording in map where each piece of out came from
 * (struct piece) so that an error of PCRE2 points into the pattern as
 * written. -1 with the reason in err and its offset in *erroff for an
 * escape regex refuses or dm cannot match.
 */
struct piece {
	size_t	out, in;
	int	lit;		/* byte for byte; else all of it is at in */
};

static void
addpiece(struct dm_buf *map, size_t out, size_t in, int lit)
{
	struct piece pc = { out, in, lit };

	dm_buf_add(map, (const char *)&pc, sizeof pc);
}

/* The offset in the pattern as written of offset off of what PCRE2 got. */
static size_t
backmap(const struct dm_buf *map, size_t off)
{
	const struct piece *pc = (const struct piece *)(void *)map->buf;
	size_t i, n = map->len / sizeof *pc;

	for (i = n; i > 1 && pc[i - 1].out > off; i--)
		;
	if (n == 0)
		return off;
	return pc[i - 1].lit ? pc[i - 1].in + (off - pc[i - 1].out) :
	    pc[i - 1].in;
}

/* Whether the escape at p stands for a set of characters in a class. */
static int
classesc(const char *p)
{
	return p[0] == '\\' && p[1] != '\0' && strchr("dDsSwWhpP", p[1]) != NULL;
}

static int
pyprep(const char *s, int x, struct dm_buf *out, struct dm_buf *map,
    struct dm_buf *err, size_t *erroff)
{
	const char *p = s, *q;
	unsigned long c;
	size_t i, want;
	int inclass = 0, afterset = 0;

	addpiece(map, 0, 0, 1);
	while (*p != '\0') {
		q = p;
		if (inclass && *p == '-' && p[1] != ']' &&
		    (afterset || classesc(p + 1))) {
			/* a '-' next to a set is itself */
			addpiece(map, out->len, (size_t)(p - s), 0);
			dm_buf_adds(out, "\\-");
			p++;
			addpiece(map, out->len, (size_t)(p - s), 1);
			afterset = 0;
			continue;
		}
		afterset = 0;
		if (*p == '\\' && (p[1] == 'u' || p[1] == 'U')) {
			want = p[1] == 'u' ? 4 : 8;
			for (c = 0, i = 0, p += 2; i < want && ishex(*p);
			    i++, p++)
				c = c * 16 + (unsigned long)(*p <= '9' ?
				    *p - '0' : (*p | 0x20) - 'a' + 10);
			*erroff = (size_t)(q - s);
			if (i < want) {
				dm_buf_addf(err, "incomplete escape '%.*s' at "
				    "offset %zu", (int)(p - q), q, *erroff);
				return -1;
			}
			if (c > 0x10ffff) {
				dm_buf_addf(err, "bad escape '%.*s' at offset "
				    "%zu", (int)(p - q), q, *erroff);
				return -1;
			}
			if (c >= 0xd800 && c < 0xe000) {
				dm_buf_addf(err, "'%.*s' is a surrogate, which "
				    "dm's text never holds; not supported at "
				    "offset %zu", (int)(p - q), q, *erroff);
				return -1;
			}
			addpiece(map, out->len, (size_t)(q - s), 0);
			dm_buf_addf(out, "\\x{%lX}", c);
			addpiece(map, out->len, (size_t)(p - s), 1);
			continue;
		}
		if (*p == '\\' && p[1] == 'v') {
			/* regex's \v is the vertical tab, PCRE2's a set */
			addpiece(map, out->len, (size_t)(q - s), 0);
			dm_buf_adds(out, "\\x{B}");
			p += 2;
			addpiece(map, out->len, (size_t)(p - s), 1);
			continue;
		}
		if (*p == '\\' && p[1] == 'N' && p[2] == '{') {
			p += 2 + strcspn(p + 2, "}");
			if (*p == '}')
				p++;
			*erroff = (size_t)(q - s);
			dm_buf_addf(err, "'%.*s' is not supported by dm (write "
			    "the character, or \\uXXXX) at offset %zu",
			    (int)(p - q), q, *erroff);
			return -1;
		}
		if (*p == '\\' && p[1] == '\0') {
			/* PCRE2's error (copyesc would drop it) */
			dm_buf_addc(out, *p++);
			continue;
		}
		if (*p == '\\') {
			afterset = inclass && classesc(p);
			p = copyesc(out, p);
			continue;
		}
		if (inclass) {
			if (*p == ']')
				inclass = 0;
			else if (p[0] == '[' && p[1] == ':' &&
			    strstr(p + 2, ":]") != NULL)
				p = strstr(p + 2, ":]") + 1;
			p++;
		} else if (*p == '[') {
			/* a ']' first in a class is itself */
			inclass = 1;
			p++;
			if (*p == '^')
				p++;
			if (*p == ']')
				p++;
		} else if (strncmp(p, "(?#", 3) == 0 || (x && *p == '#')) {
			p += strcspn(p, *p == '#' ? "\n" : ")");
		} else
			p++;
		dm_buf_add(out, q, (size_t)(p - q));
	}
	return 0;
}

/*
 * Compiles pat, the output of pyprep, into *re; -1 with PCRE2's message
 * in err, its offset that in the pattern as written (map).
 */
static int
compile(const char *pat, const char *flags, const struct dm_buf *map,
    struct dm_re **re, struct dm_buf *err, size_t *erroff)
{
	struct dm_buf e = DM_BUF_INIT, tail = DM_BUF_INIT;
	size_t off = 0;

	*re = dm_re_new(pat, flags, &e, &off);
	if (*re != NULL) {
		dm_buf_free(&e);
		return 0;
	}
	*erroff = backmap(map, off);
	dm_buf_addf(&tail, " at offset %zu", off);
	if (e.len >= tail.len &&
	    memcmp(e.buf + e.len - tail.len, tail.buf, tail.len) == 0) {
		dm_buf_setlen(&e, e.len - tail.len);
		dm_buf_addf(&e, " at offset %zu", *erroff);
	}
	dm_buf_add(err, e.buf, e.len);
	dm_buf_free(&e);
	dm_buf_free(&tail);
	return -1;
}

static void
replace_fini(void *state)
{
	struct replace *r = state;

	if (r == NULL)
		return;
	dm_re_free(r->re);
	free(r->repl);
	free(r);
}

static int
replace_init(void **state, const struct dm_args *args, struct dm_buf *err)
{
	struct replace *r;
	struct dm_buf probe = DM_BUF_INIT, pat = DM_BUF_INIT, flags = DM_BUF_INIT;
	struct dm_buf py = DM_BUF_INIT, pre = DM_BUF_INIT, map = DM_BUF_INIT;
	struct dm_re *user;
	const char *p;
	size_t len, off, mark, mark2, ncap;
	int rc, x, raw;

	/*
	 * Data-Juicer recipes may write a pattern as a Python raw string,
	 * r'...' or r"...", and Data-Juicer drops the r and the quotes;
	 * doing the same keeps such recipes meaning what they meant there.
	 */
	p = dm_arg_str(args, "pattern");
	len = strlen(p);
	raw = len > 2 && p[0] == 'r' && (p[1] == '\'' || p[1] == '"') &&
	    p[len - 1] == p[1];
	if (raw)
		dm_buf_add(&pat, p + 2, len - 3);
	else
		dm_buf_add(&pat, p, len);

	r = dm_xcalloc(1, sizeof(*r));
	r->repl = dm_xstrdup(dm_arg_str(args, "repl"));
	mark = err->len;
	/* Data-Juicer compiles every pattern with DOTALL; (?-s) undoes it. */
	dm_buf_adds(&flags, "s");
	dm_buf_adds(&flags, dm_arg_str(args, "flags"));
	if ((user = dm_re_new("", flags.buf, &probe, &off)) == NULL) {
		dm_buf_addf(err, "'flags': %s", probe.buf);
		dm_args_blame(args, "flags", 0);
		goto fail;
	}
	dm_re_free(user);
	/*
	 * Errors are told against the pattern as written (less its r''):
	 * it is compiled as PCRE2 takes it first, then as regex reads it.
	 * The pattern is not checked when the script is read, where \u and
	 * the like would be refused.
	 */
	dm_buf_adds(err, "'pattern': ");
	x = strchr(flags.buf, 'x') != NULL;
	for (p = pat.buf; *p != '\0'; p++)
		if ((len = globalflags(p)) > 0 && memchr(p, 'x', len) != NULL)
			x = 1;
	if (pyprep(pat.buf, x, &pre, &map, err, &off) < 0 ||
	    compile(pre.buf, flags.buf, &map, &user, err, &off) < 0) {
		/* the caret under what is wrong */
		dm_args_blame(args, "pattern", raw ? off + 2 : off);
		goto fail;
	}
	dm_buf_reset(&pat);
	dm_buf_add(&pat, pre.buf, pre.len);
	/*
	 * The replacement is checked against the groups of the pattern as
	 * written: the compact rewrite below defines two groups of its own,
	 * which $N one past the last group (or their names) would otherwise
	 * take, inserting nothing where regex.sub refuses the reference.
	 */
	dm_buf_setlen(err, mark);
	dm_buf_adds(err, "'repl': ");
	rc = dm_re_replace(user, "", 0, r->repl, &probe, err);
	for (ncap = 0; dm_re_group(user, ncap + 1, NULL) >= 0; ncap++)
		;
	dm_re_free(user);
	if (rc == -1)
		goto fail;
	dm_buf_setlen(err, mark);
	dm_buf_adds(err, "'pattern': ");
	pypattern(pat.buf, flags.buf, 0, ncap, &py);
	mark2 = err->len;
	r->re = dm_re_new(py.buf, flags.buf, err, &off);
	if (r->re == NULL) {
		/* too large written out, most likely */
		dm_buf_setlen(err, mark2);
		dm_buf_reset(&py);
		pypattern(pat.buf, flags.buf, 1, ncap, &py);
		r->re = dm_re_new(py.buf, flags.buf, err, &off);
	}
	if (r->re == NULL)
		goto fail;
	/* An empty subject: only the check of repl can fail here. */
	dm_buf_setlen(err, mark);
	dm_buf_adds(err, "'repl': ");
	rc = dm_re_replace(r->re, "", 0, r->repl, &probe, err);
	if (rc == -1)
		goto fail;
	dm_buf_setlen(err, mark);
	*state = r;
	r = NULL;
fail:
	dm_buf_free(&probe);
	dm_buf_free(&pat);
	dm_buf_free(&pre);
	dm_buf_free(&map);
	dm_buf_free(&py);
	dm_buf_free(&flags);
	if (r == NULL)
		return 0;
	replace_fini(r);
	return -1;
}

static int
replace_text(void *state, const char *in, size_t n, struct dm_buf *out,
    struct dm_buf *err)
{
	struct replace *r = state;
	int rc;

	rc = dm_re_replace(r->re, in, n, r->repl, out, err);
	/* A replacement equal to what it replaced leaves the sample as it
	 * came, bytes and all. */
	if (rc == 1 && out->len == n && memcmp(out->buf, in, n) == 0) {
		dm_buf_reset(out);
		return 0;
	}
	return rc;
}

const struct dm_opdef dm_op_replace = {
	.name = "replace",
	.kind = DM_OP_MAP,
	.summary = "replace every match of a regular expression",
	.params = params,
	.init = replace_init,
	.text = replace_text,
	.fini = replace_fini,
};
