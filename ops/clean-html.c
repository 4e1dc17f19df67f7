/* clean-html.c - strip HTML markup and keep the text [DJ clean_html_mapper] */

#include <stdlib.h>
#include <string.h>

#include "dm.h"
#include "archive-shim.h"
#include "byteset.h"
#include "extract.h"

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

struct entity {
	const char	*name;
	int32_t		 cp;
	int		 legacy;	/* also recognised without ';' */
};

/*
 * The HTML 4 set, apos, and the HTML5 names most seen in web text, sorted
 * by strcmp for bsearch. legacy marks the names HTML5 decodes without a
 * ';' ("&copy 2021").
 */
static const struct entity entities[] = {
	{ "AElig", 0x00C6, 1 },
	{ "AMP", 0x0026, 1 },
	{ "Aacute", 0x00C1, 1 },
	{ "Acirc", 0x00C2, 1 },
	{ "Agrave", 0x00C0, 1 },
	{ "Alpha", 0x0391, 0 },
	{ "Aring", 0x00C5, 1 },
	{ "Atilde", 0x00C3, 1 },
	{ "Auml", 0x00C4, 1 },
	{ "Beta", 0x0392, 0 },
	{ "COPY", 0x00A9, 1 },
	{ "Ccedil", 0x00C7, 1 },
	{ "Chi", 0x03A7, 0 },
	{ "CloseCurlyDoubleQuote", 0x201D, 0 },
	{ "CloseCurlyQuote", 0x2019, 0 },
	{ "Dagger", 0x2021, 0 },
	{ "Delta", 0x0394, 0 },
	{ "DiacriticalTilde", 0x02DC, 0 },
	{ "ETH", 0x00D0, 1 },
	{ "Eacute", 0x00C9, 1 },
	{ "Ecirc", 0x00CA, 1 },
	{ "Egrave", 0x00C8, 1 },
	{ "Epsilon", 0x0395, 0 },
	{ "Eta", 0x0397, 0 },
	{ "Euml", 0x00CB, 1 },
	{ "GT", 0x003E, 1 },
	{ "Gamma", 0x0393, 0 },
	{ "Hat", 0x005E, 0 },
	{ "Iacute", 0x00CD, 1 },
	{ "Icirc", 0x00CE, 1 },
	{ "Igrave", 0x00CC, 1 },
	{ "Iota", 0x0399, 0 },
	{ "Iuml", 0x00CF, 1 },
	{ "Kappa", 0x039A, 0 },
	{ "LT", 0x003C, 1 },
	{ "Lambda", 0x039B, 0 },
	{ "LeftArrow", 0x2190, 0 },
	{ "MediumSpace", 0x205F, 0 },
	{ "Mu", 0x039C, 0 },
	{ "NewLine", 0x000A, 0 },
	{ "NonBreakingSpace", 0x00A0, 0 },
	{ "Ntilde", 0x00D1, 1 },
	{ "Nu", 0x039D, 0 },
	{ "OElig", 0x0152, 0 },
	{ "Oacute", 0x00D3, 1 },
	{ "Ocirc", 0x00D4, 1 },
	{ "Ograve", 0x00D2, 1 },
	{ "Omega", 0x03A9, 0 },
	{ "Omicron", 0x039F, 0 },
	{ "OpenCurlyDoubleQuote", 0x201C, 0 },
	{ "OpenCurlyQuote", 0x2018, 0 },
	{ "Oslash", 0x00D8, 1 },
	{ "Otilde", 0x00D5, 1 },
	{ "Ouml", 0x00D6, 1 },
	{ "Phi", 0x03A6, 0 },
	{ "Pi", 0x03A0, 0 },
	{ "Prime", 0x2033, 0 },
	{ "Psi", 0x03A8, 0 },
	{ "QUOT", 0x0022, 1 },
	{ "REG", 0x00AE, 1 },
	{ "Rho", 0x03A1, 0 },
	{ "RightArrow", 0x2192, 0 },
	{ "Scaron", 0x0160, 0 },
	{ "Sigma", 0x03A3, 0 },
	{ "THORN", 0x00DE, 1 },
	{ "TRADE", 0x2122, 0 },
	{ "Tab", 0x0009, 0 },
	{ "Tau", 0x03A4, 0 },
	{ "Theta", 0x0398, 0 },
	{ "Uacute", 0x00DA, 1 },
	{ "Ucirc", 0x00DB, 1 },
	{ "Ugrave", 0x00D9, 1 },
	{ "Upsilon", 0x03A5, 0 },
	{ "Uuml", 0x00DC, 1 },
	{ "Xi", 0x039E, 0 },
	{ "Yacute", 0x00DD, 1 },
	{ "Yuml", 0x0178, 0 },
	{ "ZeroWidthSpace", 0x200B, 0 },
	{ "Zeta", 0x0396, 0 },
	{ "aacute", 0x00E1, 1 },
	{ "acirc", 0x00E2, 1 },
	{ "acute", 0x00B4, 1 },
	{ "aelig", 0x00E6, 1 },
	{ "agrave", 0x00E0, 1 },
	{ "alefsym", 0x2135, 0 },
	{ "alpha", 0x03B1, 0 },
	{ "amp", 0x0026, 1 },
	{ "and", 0x2227, 0 },
	{ "ang", 0x2220, 0 },
	{ "angst", 0x00C5, 0 },
	{ "apos", 0x0027, 0 },
	{ "aring", 0x00E5, 1 },
	{ "ast", 0x002A, 0 },
	{ "asymp", 0x2248, 0 },
	{ "atilde", 0x00E3, 1 },
	{ "auml", 0x00E4, 1 },
	{ "bdquo", 0x201E, 0 },
	{ "beta", 0x03B2, 0 },
	{ "brvbar", 0x00A6, 1 },
	{ "bsol", 0x005C, 0 },
	{ "bull", 0x2022, 0 },
	{ "bullet", 0x2022, 0 },
	{ "cap", 0x2229, 0 },
	{ "ccedil", 0x00E7, 1 },
	{ "cedil", 0x00B8, 1 },
	{ "cent", 0x00A2, 1 },
	{ "centerdot", 0x00B7, 0 },
	{ "check", 0x2713, 0 },
	{ "checkmark", 0x2713, 0 },
	{ "chi", 0x03C7, 0 },
	{ "circ", 0x02C6, 0 },
	{ "clubs", 0x2663, 0 },
	{ "colon", 0x003A, 0 },
	{ "comma", 0x002C, 0 },
	{ "commat", 0x0040, 0 },
	{ "cong", 0x2245, 0 },
	{ "copy", 0x00A9, 1 },
	{ "copysr", 0x2117, 0 },
	{ "crarr", 0x21B5, 0 },
	{ "cross", 0x2717, 0 },
	{ "cup", 0x222A, 0 },
	{ "curren", 0x00A4, 1 },
	{ "dArr", 0x21D3, 0 },
	{ "dagger", 0x2020, 0 },
	{ "darr", 0x2193, 0 },
	{ "dash", 0x2010, 0 },
	{ "deg", 0x00B0, 1 },
	{ "delta", 0x03B4, 0 },
	{ "diams", 0x2666, 0 },
	{ "divide", 0x00F7, 1 },
	{ "dollar", 0x0024, 0 },
	{ "downarrow", 0x2193, 0 },
	{ "eacute", 0x00E9, 1 },
	{ "ecirc", 0x00EA, 1 },
	{ "egrave", 0x00E8, 1 },
	{ "ell", 0x2113, 0 },
	{ "empty", 0x2205, 0 },
	{ "emsp", 0x2003, 0 },
	{ "emsp13", 0x2004, 0 },
	{ "emsp14", 0x2005, 0 },
	{ "ensp", 0x2002, 0 },
	{ "epsilon", 0x03B5, 0 },
	{ "equals", 0x003D, 0 },
	{ "equiv", 0x2261, 0 },
	{ "eta", 0x03B7, 0 },
	{ "eth", 0x00F0, 1 },
	{ "euml", 0x00EB, 1 },
	{ "euro", 0x20AC, 0 },
	{ "excl", 0x0021, 0 },
	{ "exist", 0x2203, 0 },
	{ "female", 0x2640, 0 },
	{ "fnof", 0x0192, 0 },
	{ "forall", 0x2200, 0 },
	{ "frac12", 0x00BD, 1 },
	{ "frac14", 0x00BC, 1 },
	{ "frac34", 0x00BE, 1 },
	{ "frasl", 0x2044, 0 },
	{ "gamma", 0x03B3, 0 },
	{ "ge", 0x2265, 0 },
	{ "grave", 0x0060, 0 },
	{ "gt", 0x003E, 1 },
	{ "hArr", 0x21D4, 0 },
	{ "hairsp", 0x200A, 0 },
	{ "half", 0x00BD, 0 },
	{ "harr", 0x2194, 0 },
	{ "hbar", 0x210F, 0 },
	{ "hearts", 0x2665, 0 },
	{ "hellip", 0x2026, 0 },
	{ "hookleftarrow", 0x21A9, 0 },
	{ "hookrightarrow", 0x21AA, 0 },
	{ "horbar", 0x2015, 0 },
	{ "hyphen", 0x2010, 0 },
	{ "iacute", 0x00ED, 1 },
	{ "icirc", 0x00EE, 1 },
	{ "iexcl", 0x00A1, 1 },
	{ "igrave", 0x00EC, 1 },
	{ "image", 0x2111, 0 },
	{ "imath", 0x0131, 0 },
	{ "incare", 0x2105, 0 },
	{ "infin", 0x221E, 0 },
	{ "inodot", 0x0131, 0 },
	{ "int", 0x222B, 0 },
	{ "iota", 0x03B9, 0 },
	{ "iquest", 0x00BF, 1 },
	{ "isin", 0x2208, 0 },
	{ "iuml", 0x00EF, 1 },
	{ "jmath", 0x0237, 0 },
	{ "kappa", 0x03BA, 0 },
	{ "lArr", 0x21D0, 0 },
	{ "lambda", 0x03BB, 0 },
	{ "lang", 0x27E8, 0 },
	{ "laquo", 0x00AB, 1 },
	{ "larr", 0x2190, 0 },
	{ "lbrace", 0x007B, 0 },
	{ "lbrack", 0x005B, 0 },
	{ "lceil", 0x2308, 0 },
	{ "lcub", 0x007B, 0 },
	{ "ldquo", 0x201C, 0 },
	{ "ldquor", 0x201E, 0 },
	{ "le", 0x2264, 0 },
	{ "leftarrow", 0x2190, 0 },
	{ "lfloor", 0x230A, 0 },
	{ "lowast", 0x2217, 0 },
	{ "lowbar", 0x005F, 0 },
	{ "loz", 0x25CA, 0 },
	{ "lpar", 0x0028, 0 },
	{ "lrm", 0x200E, 0 },
	{ "lsaquo", 0x2039, 0 },
	{ "lsqb", 0x005B, 0 },
	{ "lsquo", 0x2018, 0 },
	{ "lsquor", 0x201A, 0 },
	{ "lt", 0x003C, 1 },
	{ "macr", 0x00AF, 1 },
	{ "male", 0x2642, 0 },
	{ "malt", 0x2720, 0 },
	{ "mapsto", 0x21A6, 0 },
	{ "mdash", 0x2014, 0 },
	{ "mho", 0x2127, 0 },
	{ "micro", 0x00B5, 1 },
	{ "middot", 0x00B7, 1 },
	{ "minus", 0x2212, 0 },
	{ "mldr", 0x2026, 0 },
	{ "mu", 0x03BC, 0 },
	{ "nabla", 0x2207, 0 },
	{ "nbsp", 0x00A0, 1 },
	{ "ndash", 0x2013, 0 },
	{ "ne", 0x2260, 0 },
	{ "ni", 0x220B, 0 },
	{ "nldr", 0x2025, 0 },
	{ "not", 0x00AC, 1 },
	{ "notin", 0x2209, 0 },
	{ "nsub", 0x2284, 0 },
	{ "ntilde", 0x00F1, 1 },
	{ "nu", 0x03BD, 0 },
	{ "num", 0x0023, 0 },
	{ "numsp", 0x2007, 0 },
	{ "oacute", 0x00F3, 1 },
	{ "ocirc", 0x00F4, 1 },
	{ "oelig", 0x0153, 0 },
	{ "ograve", 0x00F2, 1 },
	{ "ohm", 0x03A9, 0 },
	{ "oline", 0x203E, 0 },
	{ "omega", 0x03C9, 0 },
	{ "omicron", 0x03BF, 0 },
	{ "oplus", 0x2295, 0 },
	{ "or", 0x2228, 0 },
	{ "ordf", 0x00AA, 1 },
	{ "ordm", 0x00BA, 1 },
	{ "oslash", 0x00F8, 1 },
	{ "otilde", 0x00F5, 1 },
	{ "otimes", 0x2297, 0 },
	{ "ouml", 0x00F6, 1 },
	{ "para", 0x00B6, 1 },
	{ "part", 0x2202, 0 },
	{ "percnt", 0x0025, 0 },
	{ "period", 0x002E, 0 },
	{ "permil", 0x2030, 0 },
	{ "perp", 0x22A5, 0 },
	{ "phi", 0x03C6, 0 },
	{ "phone", 0x260E, 0 },
	{ "pi", 0x03C0, 0 },
	{ "piv", 0x03D6, 0 },
	{ "planck", 0x210F, 0 },
	{ "plus", 0x002B, 0 },
	{ "plusmn", 0x00B1, 1 },
	{ "pound", 0x00A3, 1 },
	{ "prime", 0x2032, 0 },
	{ "prod", 0x220F, 0 },
	{ "prop", 0x221D, 0 },
	{ "psi", 0x03C8, 0 },
	{ "puncsp", 0x2008, 0 },
	{ "quest", 0x003F, 0 },
	{ "quot", 0x0022, 1 },
	{ "rArr", 0x21D2, 0 },
	{ "radic", 0x221A, 0 },
	{ "rang", 0x27E9, 0 },
	{ "raquo", 0x00BB, 1 },
	{ "rarr", 0x2192, 0 },
	{ "rbrace", 0x007D, 0 },
	{ "rbrack", 0x005D, 0 },
	{ "rceil", 0x2309, 0 },
	{ "rcub", 0x007D, 0 },
	{ "rdquo", 0x201D, 0 },
	{ "rdquor", 0x201D, 0 },
	{ "real", 0x211C, 0 },
	{ "reg", 0x00AE, 1 },
	{ "rfloor", 0x230B, 0 },
	{ "rho", 0x03C1, 0 },
	{ "rightarrow", 0x2192, 0 },
	{ "rlm", 0x200F, 0 },
	{ "rpar", 0x0029, 0 },
	{ "rsaquo", 0x203A, 0 },
	{ "rsqb", 0x005D, 0 },
	{ "rsquo", 0x2019, 0 },
	{ "rsquor", 0x2019, 0 },
	{ "sbquo", 0x201A, 0 },
	{ "scaron", 0x0161, 0 },
	{ "sdot", 0x22C5, 0 },
	{ "sect", 0x00A7, 1 },
	{ "semi", 0x003B, 0 },
	{ "sext", 0x2736, 0 },
	{ "shy", 0x00AD, 1 },
	{ "sigma", 0x03C3, 0 },
	{ "sigmaf", 0x03C2, 0 },
	{ "sim", 0x223C, 0 },
	{ "sol", 0x002F, 0 },
	{ "spades", 0x2660, 0 },
	{ "star", 0x2606, 0 },
	{ "starf", 0x2605, 0 },
	{ "sub", 0x2282, 0 },
	{ "sube", 0x2286, 0 },
	{ "sum", 0x2211, 0 },
	{ "sup", 0x2283, 0 },
	{ "sup1", 0x00B9, 1 },
	{ "sup2", 0x00B2, 1 },
	{ "sup3", 0x00B3, 1 },
	{ "supe", 0x2287, 0 },
	{ "szlig", 0x00DF, 1 },
	{ "tau", 0x03C4, 0 },
	{ "there4", 0x2234, 0 },
	{ "theta", 0x03B8, 0 },
	{ "thetasym", 0x03D1, 0 },
	{ "thinsp", 0x2009, 0 },
	{ "thorn", 0x00FE, 1 },
	{ "tilde", 0x02DC, 0 },
	{ "times", 0x00D7, 1 },
	{ "trade", 0x2122, 0 },
	{ "uArr", 0x21D1, 0 },
	{ "uacute", 0x00FA, 1 },
	{ "uarr", 0x2191, 0 },
	{ "ucirc", 0x00FB, 1 },
	{ "ugrave", 0x00F9, 1 },
	{ "uml", 0x00A8, 1 },
	{ "uparrow", 0x2191, 0 },
	{ "upsih", 0x03D2, 0 },
	{ "upsilon", 0x03C5, 0 },
	{ "uuml", 0x00FC, 1 },
	{ "verbar", 0x007C, 0 },
	{ "vert", 0x007C, 0 },
	{ "weierp", 0x2118, 0 },
	{ "xi", 0x03BE, 0 },
	{ "yacute", 0x00FD, 1 },
	{ "yen", 0x00A5, 1 },
	{ "yuml", 0x00FF, 1 },
	{ "zeta", 0x03B6, 0 },
	{ "zwj", 0x200D, 0 },
	{ "zwnj", 0x200C, 0 },
};

#define NENTITIES	(sizeof(entities) / sizeof(entities[0]))
#define MAXNAME		32	/* longest name tried, as Python's html */
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
	const char *name = ((const struct entity *)e)->name;
	int c;

	c = strncmp(key->s, name, key->len);
	if (c != 0)
		return c;
	return name[key->len] == '\0' ? 0 : -1;
}

static const struct entity *
lookup(const char *s, size_t len)
{
	struct key key = { s, len };

	return bsearch(&key, entities, NENTITIES, sizeof(entities[0]),
	    entcmp);
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
	const struct entity *ent;
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
		putcp(sc, ent->cp);
		return q + 1;
	}
	for (k = len; k >= MINLEGACY; k--) {
		if ((ent = lookup(p + 1, k)) != NULL && ent->legacy) {
			putcp(sc, ent->cp);
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
blocks_text(const char *in, size_t n, struct dm_buf *out)
{
	struct dm_doctext t;

	dm_doctext_init(&t, NULL);
	dm_html_text(in, n, &t, NULL, NULL);
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

	(void)err;
	if (state != NULL && (*(const int *)state & 1))
		return blocks_text(in, n, out);
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
