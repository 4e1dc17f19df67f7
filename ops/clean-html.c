/* clean-html.c - strip HTML markup and keep the text [DJ clean_html_mapper] */

#include <stdlib.h>
#include <string.h>

#include "dm.h"
#include "archive-shim.h"
#include "byteset.h"
#include "extract.h"
#include "htmlent.h"

/*
 * Data-Juicer replaces the literal strings "<li>" and "<ol>" by "\n*",
 * deletes "</li>" and "</ol>", parses the rest with an HTML5 parser
 * (selectolax) and keeps the text of the tree's body. Building a tree per
 * sample is what makes that slow; dm walks the text once with the few
 * rules of the HTML5 tokenizer that decide which bytes are text:
 *
 *  - '<' starts markup only before an ASCII letter, '/', '!' or '?';
 *    otherwise it is text ("a < b");
 *  - a tag runs to the first '>' outside a quoted attribute value; a tag
 *    cut off by the end of the text is dropped with it;
 *  - comments end at "-->" (or "--!>"), "<!...>", "<?...>" and "</ ...>"
 *    are bogus comments ending at '>';
 *  - script, style, noframes, xmp, iframe and noembed hold raw text up to
 *    their end tag; title and textarea hold text up to theirs, entities
 *    decoded; a LF just after <pre>, <listing> or <textarea> is dropped;
 *  - CR and CR LF become LF (a CR and the LF of a "<li>" after it too);
 *
 * and with the tree builder's insertion modes before the body, as a state
 * (enum mode) rather than a tree: the head's elements, their text and the
 * white space around them go to the head or the html element, not to the
 * body; the body starts at the first other character or at a tag the head
 * does not take. After that every text is the body's, but that of script
 * and style, dropped unless scripts=true (selectolax keeps it).
 */

#define NENTITIES	(sizeof(htmlent) / sizeof(htmlent[0]))
/* longest name tried, past CounterClockwiseContourIntegral's 31 */
#define MAXNAME		32
#define MINLEGACY	2	/* "lt", "gt" */

/* HTML5 reads &#128; to &#159; as windows-1252 (0 = kept as is). */
static const int32_t c1[32] = {
	0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
	0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178
};

/* where text stops being copied as it is, and where markup may start */
static struct dm_byteset textstop, markstop;
static int ready;

/*
 * The insertion modes of the HTML5 tree builder before the body: what
 * comes in them goes to the head or the html element, or nowhere.
 */
enum mode {
	M_BEFORE_HTML,	/* "initial" and "before html" */
	M_BEFORE_HEAD,
	M_IN_HEAD,
	M_NOSCRIPT,	/* "in head noscript": scripting is off */
	M_AFTER_HEAD,
	M_BODY		/* "in body" and the modes after it */
};

struct scan {
	struct dm_buf	*out;
	enum mode	 mode;
	int		 scripts;	/* keep script and style text */
	int		 cr;		/* a CR was the last out, as a LF */
};

static int
isws(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

static int
isalpha_ascii(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
isalnum_ascii(int c)
{
	return isalpha_ascii(c) || (c >= '0' && c <= '9');
}

static int
lower_ascii(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/*
 * Text out. Before the body white space goes (to the head, the html
 * element or nowhere) and any other character starts the body, in every
 * mode.
 */
static void
put(struct scan *sc, const char *s, size_t n)
{
	if (n == 0)
		return;
	if (sc->cr) {
		sc->cr = 0;
		if (*s == '\n') {	/* CR LF */
			s++;
			n--;
		}
	}
	if (sc->mode != M_BODY) {
		while (n > 0 && isws((unsigned char)*s)) {
			s++;
			n--;
		}
		if (n == 0)
			return;
		sc->mode = M_BODY;
	}
	dm_buf_add(sc->out, s, n);
}

static void
putcp(struct scan *sc, int32_t cp)
{
	sc->cr = 0;
	if (sc->mode != M_BODY) {
		if (cp < 0x80 && isws(cp))
			return;
		sc->mode = M_BODY;
	}
	dm_buf_addcp(sc->out, cp);
}

struct key {
	const char	*s;
	size_t		 len;
};

static int
entcmp(const void *k, const void *e)
{
	const struct key *key = k;
	const char *name = ((const struct htmlent *)e)->name;
	int c;

	c = strncmp(key->s, name, key->len);
	if (c != 0)
		return c;
	return name[key->len] == '\0' ? 0 : -1;
}

static const struct htmlent *
lookup(const char *s, size_t len)
{
	struct key key = { s, len };

	return bsearch(&key, htmlent, NENTITIES, sizeof(htmlent[0]), entcmp);
}

/* What a named reference stands for, one or two code points. */
static void
putent(struct scan *sc, const struct htmlent *ent)
{
	const char *v = ent->val;
	size_t n = strlen(v);
	int32_t cp;
	int l;

	for (; n > 0; v += l, n -= (size_t)l) {
		if ((l = dm_utf8_decode(v, n, &cp)) < 0)
			break;		/* not in the table */
		putcp(sc, cp);
	}
}

static int32_t
numeric(uint32_t v)
{
	if (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return 0xFFFD;
	if (v >= 0x80 && v <= 0x9F && c1[v - 0x80] != 0)
		return c1[v - 0x80];
	return (int32_t)v;
}

static int
digitval(int c, int hex)
{
	if (hex)
		return dm_hexdigit(c);
	return c >= '0' && c <= '9' ? c - '0' : -1;
}

/*
 * p is at '&'. Decodes a character reference the way HTML5 does in text
 * (and Python's html.unescape): "&#NNN;" and "&#xHH;" with the ';'
 * optional; a name with ';', or else the longest legacy name it starts
 * with ("&copy2021"). Anything else is text. Returns where to go on.
 */
static const char *
charref(struct scan *sc, const char *p, const char *e)
{
	const struct htmlent *ent;
	const char *q, *d;
	uint32_t v;
	size_t len, k;
	int hex, dv;

	q = p + 1;
	if (q < e && *q == '#') {
		q++;
		hex = q < e && (*q == 'x' || *q == 'X');
		if (hex)
			q++;
		v = 0;
		for (d = q; q < e && (dv = digitval(*q, hex)) >= 0; q++)
			if (v <= 0x10FFFF)	/* stays out of range, no wrap */
				v = v * (hex ? 16 : 10) + dv;
		if (q == d) {
			put(sc, p, d - p);
			return d;
		}
		if (q < e && *q == ';')
			q++;
		putcp(sc, numeric(v));
		return q;
	}
	while (q < e && q - p - 1 < MAXNAME && isalnum_ascii(*q))
		q++;
	len = q - p - 1;
	if (q < e && *q == ';' && (ent = lookup(p + 1, len)) != NULL) {
		putent(sc, ent);
		return q + 1;
	}
	for (k = len; k >= MINLEGACY; k--) {
		if ((ent = lookup(p + 1, k)) != NULL && ent->legacy) {
			putent(sc, ent);
			return p + 1 + k;
		}
	}
	put(sc, "&", 1);
	return p + 1;
}

/*
 * A CR out, as a LF. A LF after it (in the text that follows, or made of
 * "<li>", with only "</li>" or "</ol>" between, as Data-Juicer's
 * replacements come first) is the same line end.
 */
static void
putcr(struct scan *sc)
{
	sc->cr = 0;
	put(sc, "\n", 1);
	sc->cr = 1;
}

/* Text of [p, e): references decoded, line ends made LF. */
static void
text(struct scan *sc, const char *p, const char *e)
{
	const char *q;

	while (p < e) {
		q = dm_byteset_find(&textstop, p, e);
		put(sc, p, q - p);
		if (q == e)
			break;
		if (*q == '&') {
			p = charref(sc, q, e);
		} else {
			putcr(sc);
			p = q + 1;
		}
	}
}

/* After the tag name at p: past the '>', or NULL when the text ends first. */
static const char *
tagend(const char *p, const char *e)
{
	const char *q;

	while (p < e && !isws((unsigned char)*p) && *p != '/' && *p != '>')
		p++;
	for (;;) {
		while (p < e && (isws((unsigned char)*p) || *p == '/'))
			p++;
		if (p == e)
			return NULL;
		if (*p == '>')
			return p + 1;
		/* An attribute name; its first character may be '='. */
		for (p++; p < e && !isws((unsigned char)*p) && *p != '/' &&
		    *p != '>' && *p != '='; p++)
			;
		while (p < e && isws((unsigned char)*p))
			p++;
		if (p == e)
			return NULL;
		if (*p != '=')
			continue;
		for (p++; p < e && isws((unsigned char)*p); p++)
			;
		if (p == e)
			return NULL;
		if (*p == '"' || *p == '\'') {
			/* Only a quoted value may hold a '>'. */
			if ((q = memchr(p + 1, *p, e - p - 1)) == NULL)
				return NULL;
			p = q + 1;
		} else {
			while (p < e && !isws((unsigned char)*p) && *p != '>')
				p++;
		}
	}
}

static const char *
pastgt(const char *p, const char *e)
{
	const char *q;

	q = memchr(p, '>', e - p);
	return q != NULL ? q + 1 : e;
}

/* p is past "<!--": past the end of the comment, or e when unclosed. */
static const char *
comment(const char *p, const char *e)
{
	if (p < e && *p == '>')				/* <!--> */
		return p + 1;
	if (e - p >= 2 && p[0] == '-' && p[1] == '>')	/* <!---> */
		return p + 2;
	while ((p = memchr(p, '-', e - p)) != NULL) {
		if (e - p >= 3 && memcmp(p, "-->", 3) == 0)
			return p + 3;
		if (e - p >= 4 && memcmp(p, "--!>", 4) == 0)
			return p + 4;
		p++;
	}
	return e;
}

static int
nameis(const char *s, size_t len, const char *name)
{
	size_t i;

	if (strlen(name) != len)
		return 0;
	for (i = 0; i < len; i++)
		if (lower_ascii((unsigned char)s[i]) != name[i])
			return 0;
	return 1;
}

/*
 * p is past the start tag of an element holding raw text (script): the
 * start of its end tag "</name" followed by white space, '/' or '>', or e.
 */
static const char *
rawend(const char *p, const char *e, const char *name, size_t len)
{
	for (; (p = memchr(p, '<', e - p)) != NULL; p++) {
		if ((size_t)(e - p) < len + 3 || p[1] != '/' ||
		    !nameis(p + 2, len, name))
			continue;
		if (isws((unsigned char)p[len + 2]) || p[len + 2] == '/' ||
		    p[len + 2] == '>')
			return p;
	}
	return e;
}

/* Is p at '<' "/script" and then white space, '/' or '>'? */
static int
isscriptend(const char *p, const char *e)
{
	return e - p >= 9 && p[1] == '/' && nameis(p + 2, 6, "script") &&
	    (isws((unsigned char)p[8]) || p[8] == '/' || p[8] == '>');
}

/* Past the ASCII letters at p; *script: they spell "script", a delimiter
 * after them. */
static const char *
letters(const char *p, const char *e, int *script)
{
	const char *q;

	for (q = p; q < e && isalpha_ascii((unsigned char)*q); q++)
		;
	*script = q < e && nameis(p, q - p, "script") &&
	    (isws((unsigned char)*q) || *q == '/' || *q == '>');
	return q;
}

/*
 * p is past the start tag of a script: the start of its end tag, or e.
 * The HTML5 tokenizer's script data states: after "<!--" the script is
 * escaped, and there a "<script" (and a delimiter) opens a double escaped
 * part that "</script" does not end but leaves, back to escaped; "-->"
 * ends the escape. So document.write("<script>...</script>") inside
 * "<!-- ... -->" does not end the script. A state is left for the next
 * character where the tokenizer reconsumes it; letters after a '<' that
 * do not make the end tag change nothing in any of these states.
 */
static const char *
scriptend(const char *p, const char *e)
{
	enum {
		DATA, LT, ESC_START, ESC_START_DASH,
		ESC, ESC_DASH, ESC_DASH_DASH, ESC_LT,
		DESC, DESC_DASH, DESC_DASH_DASH, DESC_LT
	} st = DATA;
	const char *q;
	int script;

	for (; p < e; p++) {
		switch (st) {
		case DATA:
			if ((q = memchr(p, '<', e - p)) == NULL)
				return e;
			if (isscriptend(q, e))
				return q;
			p = q;
			st = LT;
			break;
		case LT:
			if (*p == '!')
				st = ESC_START;
			else {
				st = DATA;
				p--;
			}
			break;
		case ESC_START:
		case ESC_START_DASH:
			if (*p == '-')
				st = st == ESC_START ? ESC_START_DASH :
				    ESC_DASH_DASH;
			else {
				st = DATA;
				p--;
			}
			break;
		case ESC:
		case ESC_DASH:
		case ESC_DASH_DASH:
			if (*p == '<') {
				if (isscriptend(p, e))
					return p;
				st = ESC_LT;
			} else if (*p == '-')
				st = st == ESC ? ESC_DASH : ESC_DASH_DASH;
			else if (*p == '>' && st == ESC_DASH_DASH)
				st = DATA;
			else
				st = ESC;
			break;
		case ESC_LT:
			/* "</" not the end tag: escaped again */
			st = ESC;
			if (isalpha_ascii((unsigned char)*p)) {
				q = letters(p, e, &script);
				if (script) {
					st = DESC;
					p = q;
				} else
					p = q - 1;
			} else if (*p != '/')
				p--;
			break;
		case DESC:
		case DESC_DASH:
		case DESC_DASH_DASH:
			if (*p == '<')
				st = DESC_LT;
			else if (*p == '-')
				st = st == DESC ? DESC_DASH : DESC_DASH_DASH;
			else if (*p == '>' && st == DESC_DASH_DASH)
				st = DATA;
			else
				st = DESC;
			break;
		case DESC_LT:
			st = DESC;
			if (*p == '/') {
				q = letters(p + 1, e, &script);
				if (script) {
					st = ESC;
					p = q;
				} else
					p = q - 1;
			} else
				p--;
			break;
		}
	}
	return e;
}

/*
 * The end tag that closes a template whose contents start at p: templates
 * nest, each start tag holding one more end tag off, or e.
 */
static const char *
templateend(const char *p, const char *e)
{
	int depth = 1, end;
	const char *q;

	for (; (p = memchr(p, '<', e - p)) != NULL; p++) {
		end = p + 1 < e && p[1] == '/';
		q = p + 1 + end;
		if ((size_t)(e - q) < 9 || !nameis(q, 8, "template") ||
		    !(isws((unsigned char)q[8]) || q[8] == '/' || q[8] == '>'))
			continue;
		if (!end)
			depth++;
		else if (--depth == 0)
			return p;
	}
	return e;
}

enum tag {
	T_OTHER,
	T_HTML, T_HEAD, T_BODY, T_BR,
	T_BASE,		/* void in the head */
	T_VOID,		/* basefont, bgsound, link, meta: also in noscript */
	T_TITLE, T_TEXTAREA,		/* text, references decoded */
	T_SCRIPT, T_STYLE, T_NOFRAMES,	/* raw text */
	T_RAW,		/* xmp, iframe, noembed: raw text in the body */
	T_NOSCRIPT, T_TEMPLATE,
	T_PRE		/* pre, listing: a first newline dropped */
};

struct tagname {
	const char	*name;
	size_t		 len;
	enum tag	 tag;
};

#define TAG(s, t)	{ s, sizeof(s) - 1, t }

static const struct tagname tags[] = {
	TAG("br", T_BR), TAG("pre", T_PRE), TAG("xmp", T_RAW),
	TAG("html", T_HTML), TAG("head", T_HEAD), TAG("body", T_BODY),
	TAG("base", T_BASE), TAG("link", T_VOID), TAG("meta", T_VOID),
	TAG("title", T_TITLE), TAG("style", T_STYLE),
	TAG("script", T_SCRIPT), TAG("iframe", T_RAW),
	TAG("bgsound", T_VOID), TAG("listing", T_PRE), TAG("noembed", T_RAW),
	TAG("basefont", T_VOID), TAG("noscript", T_NOSCRIPT),
	TAG("noframes", T_NOFRAMES), TAG("template", T_TEMPLATE),
	TAG("textarea", T_TEXTAREA),
};

#define NTAGS	(sizeof(tags) / sizeof(tags[0]))

static const struct tagname *
tagof(const char *name, size_t len)
{
	size_t i;

	if (len < 2 || len > 8)
		return NULL;
	for (i = 0; i < NTAGS; i++)
		if (tags[i].len == len && nameis(name, len, tags[i].name))
			return &tags[i];
	return NULL;
}

/* What becomes of what a start tag opens. */
enum content {
	C_NONE,		/* nothing special: markup and text follow */
	C_DROP,		/* text up to the end tag, dropped */
	C_RAW,		/* text up to the end tag, kept as it is */
	C_RCDATA,	/* text up to the end tag, references decoded */
	C_TEXTAREA,	/* C_RCDATA, a first newline dropped */
	C_PRE		/* C_NONE, a first newline dropped */
};

/*
 * A start tag, in the tree builder's insertion mode: moves on to the mode
 * it leads to (reprocessing it there as the builder does) and says what
 * becomes of its contents. Before the body, title, script, style and
 * noframes go to the head and their text with them.
 */
static enum content
starttag(struct scan *sc, enum tag t)
{
	for (;;) {
		switch (sc->mode) {
		case M_BEFORE_HTML:
			sc->mode = M_BEFORE_HEAD;
			if (t == T_HTML)
				return C_NONE;
			break;
		case M_BEFORE_HEAD:
			if (t == T_HTML)
				return C_NONE;
			sc->mode = M_IN_HEAD;
			if (t == T_HEAD)
				return C_NONE;
			break;
		case M_IN_HEAD:
		case M_AFTER_HEAD:
			switch (t) {
			case T_HTML:
			case T_HEAD:
			case T_BASE:
			case T_VOID:
				return C_NONE;
			case T_TITLE:
			case T_SCRIPT:
			case T_STYLE:
			case T_NOFRAMES:
			case T_TEMPLATE:	/* its contents are no child */
				return C_DROP;
			case T_NOSCRIPT:
				if (sc->mode == M_AFTER_HEAD)
					break;
				sc->mode = M_NOSCRIPT;
				return C_NONE;
			default:
				break;
			}
			if (sc->mode == M_IN_HEAD) {
				sc->mode = M_AFTER_HEAD;
				break;
			}
			sc->mode = M_BODY;
			if (t == T_BODY)
				return C_NONE;
			break;
		case M_NOSCRIPT:
			switch (t) {
			case T_HTML:
			case T_HEAD:
			case T_NOSCRIPT:
			case T_VOID:
				return C_NONE;
			case T_STYLE:
			case T_NOFRAMES:
				return C_DROP;
			default:
				break;
			}
			sc->mode = M_IN_HEAD;
			break;
		case M_BODY:
			switch (t) {
			case T_SCRIPT:
			case T_STYLE:
				return sc->scripts ? C_RAW : C_DROP;
			case T_NOFRAMES:
			case T_RAW:
				return C_RAW;
			case T_TITLE:
				return C_RCDATA;
			case T_TEXTAREA:
				return C_TEXTAREA;
			case T_PRE:
				return C_PRE;
			default:
				return C_NONE;
			}
		}
	}
}

/* An end tag before the body: </head>, </noscript>, and </body>, </html>
 * and </br>, which act as the start of the body; the others are ignored. */
static void
endtag(struct scan *sc, enum tag t)
{
	int bodyish = t == T_BODY || t == T_HTML || t == T_BR;

	for (;;) {
		switch (sc->mode) {
		case M_BEFORE_HTML:
			if (!bodyish && t != T_HEAD)
				return;
			sc->mode = M_BEFORE_HEAD;
			break;
		case M_BEFORE_HEAD:
			if (!bodyish && t != T_HEAD)
				return;
			sc->mode = M_IN_HEAD;
			break;
		case M_IN_HEAD:
			if (t == T_HEAD) {
				sc->mode = M_AFTER_HEAD;
				return;
			}
			if (!bodyish)
				return;
			sc->mode = M_AFTER_HEAD;
			break;
		case M_NOSCRIPT:
			if (t == T_NOSCRIPT) {
				sc->mode = M_IN_HEAD;
				return;
			}
			if (t != T_BR)
				return;
			sc->mode = M_IN_HEAD;
			break;
		case M_AFTER_HEAD:
			if (bodyish)
				sc->mode = M_BODY;
			return;
		case M_BODY:
			return;
		}
	}
}

/* Raw text of [p, e): line ends made LF. */
static void
rawtext(struct scan *sc, const char *p, const char *e)
{
	const char *q;

	while (p < e) {
		if ((q = memchr(p, '\r', e - p)) == NULL)
			q = e;
		put(sc, p, q - p);
		if (q == e)
			break;
		putcr(sc);
		p = q + 1;
	}
}

/* Is p at Data-Juicer's "<li>" or "<ol>"? */
static int
isliol(const char *p, const char *e)
{
	return e - p >= 4 && (memcmp(p, "<li>", 4) == 0 ||
	    memcmp(p, "<ol>", 4) == 0);
}

/* Is p at "</li>" or "</ol>", which Data-Juicer deletes? */
static int
isliolend(const char *p, const char *e)
{
	return e - p >= 5 && (memcmp(p, "</li>", 5) == 0 ||
	    memcmp(p, "</ol>", 5) == 0);
}

/*
 * p is past the start tag of pre, listing or textarea: past a newline
 * there, which the tree builder drops (one made of "<li>" too).
 */
static const char *
firstlf(struct scan *sc, const char *p, const char *e)
{
	if (p < e && *p == '\n')
		return p + 1;
	if (p < e && *p == '\r' && ++p < e && *p == '\n')
		return p + 1;
	if (isliol(p, e)) {
		put(sc, "*", 1);
		return p + 4;
	}
	return p;
}

/*
 * The text [p, e) of an element kept in the body; rc: references decoded.
 * Data-Juicer's replacements came before the parser, so they apply here too.
 */
static void
keep(struct scan *sc, const char *p, const char *e, int rc)
{
	const char *q;

	while (p < e) {
		if ((q = memchr(p, '<', e - p)) == NULL)
			q = e;
		if (rc)
			text(sc, p, q);
		else
			rawtext(sc, p, q);
		if (q == e)
			break;
		if (isliol(q, e)) {
			put(sc, "\n*", 2);
			p = q + 4;
		} else if (isliolend(q, e)) {
			p = q + 5;
		} else {
			put(sc, "<", 1);
			p = q + 1;
		}
	}
}

/* The length of the tag name at p. */
static size_t
namelen(const char *p, const char *e)
{
	size_t len;

	for (len = 0; p + len < e && !isws((unsigned char)p[len]) &&
	    p[len] != '/' && p[len] != '>'; len++)
		;
	return len;
}

/* p is at '<': handles the markup there, returns where text goes on. */
static const char *
markup(struct scan *sc, const char *p, const char *e)
{
	const struct tagname *tn;
	const char *q, *name, *close;
	enum content c;
	size_t len;

	/* Markup between a CR and a LF parts them, but for what
	 * Data-Juicer's replacements make of "<li>", "</li>"... */
	if (sc->cr && !isliol(p, e) && !isliolend(p, e))
		sc->cr = 0;
	q = p + 1;
	if (q < e && *q == '!') {
		if (e - q >= 3 && q[1] == '-' && q[2] == '-')
			return comment(q + 3, e);
		return pastgt(q, e);
	}
	if (q < e && *q == '?')
		return pastgt(q, e);
	if (q < e && *q == '/') {
		q++;
		if (q < e && *q == '>')
			return q + 1;
		if (q < e && !isalpha_ascii((unsigned char)*q))
			return pastgt(q, e);
		if (q == e) {
			put(sc, "</", 2);
			return e;
		}
		name = q;
		if ((q = tagend(q, e)) == NULL)
			return e;
		if (sc->mode != M_BODY) {
			tn = tagof(name, namelen(name, e));
			endtag(sc, tn != NULL ? tn->tag : T_OTHER);
		}
		return q;
	}
	if (q == e || !isalpha_ascii((unsigned char)*q)) {
		put(sc, "<", 1);
		return q;
	}
	/* Data-Juicer's literal replacements, before any parsing. */
	if (isliol(p, e)) {
		put(sc, "\n*", 2);
		return p + 4;
	}
	name = q;
	len = namelen(name, e);
	if ((q = tagend(name, e)) == NULL)
		return e;
	tn = tagof(name, len);
	c = starttag(sc, tn != NULL ? tn->tag : T_OTHER);
	if (c == C_NONE)
		return q;
	if (c == C_PRE)
		return firstlf(sc, q, e);
	close = tn->tag == T_TEMPLATE ? templateend(q, e) :
	    tn->tag == T_SCRIPT ? scriptend(q, e) :
	    rawend(q, e, tn->name, len);
	if (c == C_TEXTAREA)
		keep(sc, firstlf(sc, q, close), close, 1);
	else if (c != C_DROP)
		keep(sc, q, close, c == C_RCDATA);
	sc->cr = 0;
	if (close == e)
		return e;
	q = tagend(close + 2, e);
	return q != NULL ? q : e;
}

/* blocks=true: libxml2's HTML parser and block structure, as dm-scan
 * --extract gives HTML files. */
static int
blocks_text(const char *in, size_t n, struct dm_buf *out, struct dm_buf *err)
{
	struct dm_doctext t;

	dm_doctext_init(&t, NULL);
	if (dm_html_text(in, n, &t, NULL, NULL, err) < 0) {
		dm_doctext_free(&t);
		return -1;
	}
	dm_buf_swap(&t.b, out);
	dm_doctext_free(&t);
	if (out->len == n && memcmp(out->buf, in, n) == 0) {
		dm_buf_reset(out);
		return 0;
	}
	return 1;
}

/* The options, by blocks | scripts << 1; the default is NULL. */
static const int opts[4] = { 0, 1, 2, 3 };

static int
clean_init(void **state, const struct dm_args *args, struct dm_buf *err)
{
	struct dm_buf why = DM_BUF_INIT;
	int o;

	o = dm_arg_bool(args, "blocks") | dm_arg_bool(args, "scripts") << 1;
	*state = o != 0 ? (void *)&opts[o] : NULL;
	/* libxml2 is in dm-archive.so */
	if ((o & 1) && dm_archive_shim_load(&why) < 0) {
		dm_buf_addf(err, "blocks=true: %s", why.buf);
		dm_buf_free(&why);
		return -1;
	}
	return 0;
}

static int
clean_text(void *state, const char *in, size_t n, struct dm_buf *out,
    struct dm_buf *err)
{
	struct scan sc = { out, M_BEFORE_HTML, 0, 0 };
	const char *p, *q, *e;

	if (state != NULL && (*(const int *)state & 1))
		return blocks_text(in, n, out, err);
	sc.scripts = state != NULL;
	if (!ready) {
		dm_byteset_init(&textstop, "&\r", 2);
		dm_byteset_init(&markstop, "<&\r", 3);
		ready = 1;
	}
	e = in + n;
	/* Most texts have no markup: answer those without copying. */
	if ((n == 0 || isws((unsigned char)in[0]) == 0) &&
	    dm_byteset_find(&markstop, in, e) == e)
		return 0;
	for (p = in; p < e; p = markup(&sc, q, e)) {
		if ((q = memchr(p, '<', e - p)) == NULL)
			q = e;
		text(&sc, p, q);
		if (q == e)
			break;
	}
	if (out->len == n && memcmp(out->buf, in, n) == 0) {
		dm_buf_reset(out);
		return 0;
	}
	return 1;
}

static const struct dm_param params[] = {
	{ .name = "blocks", .type = DM_P_BOOL, .def = "false",
	  .help = "text with block structure: block elements end a line, "
	  "<br> a newline (libxml2's HTML parser)" },
	{ .name = "scripts", .type = DM_P_BOOL, .def = "false",
	  .help = "keep the text of script and style elements in the body, "
	  "as Data-Juicer does" },
	{ .name = NULL }
};

const struct dm_opdef dm_op_clean_html = {
	.name = "clean-html",
	.kind = DM_OP_MAP,
	.summary = "strip HTML tags, scripts, styles and comments; "
	    "decode entities",
	.params = params,
	.init = clean_init,
	.text = clean_text,
};
