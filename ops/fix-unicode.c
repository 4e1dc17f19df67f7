/* fix-unicode.c - fix-unicode: ftfy's fix_text, mojibake and characters [DJ fix_unicode_mapper] */

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "dm.h"
#include "ftfy.h"

/*
 * Data-Juicer's fix_unicode_mapper calls ftfy.fix_text(text,
 * normalization=...) with ftfy's other settings at their defaults. As
 * fix_text does, the text is fixed a line at a time (a segment ends after
 * '\n', or after a million code points), and each segment goes through
 * these steps in ftfy's order, again and again until it no longer changes
 * (as fix_and_explain loops):
 *
 *  - unescape_html, until a segment holds a '<' (then no more, as ftfy's
 *    "auto"): ftfy's entities ("&eacute;", "&EACUTE;") and numeric
 *    references as Python's html.unescape decodes them;
 *  - fix_encoding: where ftfy's badness heuristic finds mojibake, the text
 *    is encoded in the first of ftfy's single-byte encodings that can
 *    encode it and decoded as UTF-8 (with restore_byte_a0 and
 *    replace_lossy_sequences on the bytes, and ftfy's utf-8-variants when
 *    they hold 0xC0 or 0xED); else the mojibake inside the text is fixed
 *    piece by piece (decode_inconsistent_utf8); else Latin-1 read as
 *    Windows-1252, or C1 controls; the data (the heuristic's pattern, the
 *    encodings' tables) is ftfy's, written to src/ftfy.h by src/mkftfy.py;
 *  - fix_c1_controls: U+0080..U+009F become the character byte 0x80..0x9F
 *    is in Windows-1252; the five bytes that code page leaves undefined
 *    stay (ftfy's "sloppy" codec passes them through);
 *  - fix_latin_ligatures: ftfy's table of Latin ligatures and digraphs
 *    (its U+0149 gives U+02BC n, which uncurl_quotes then makes 'n);
 *  - fix_character_width: U+3000 becomes a space, and each of U+FF01..U+FFEF
 *    whose NFKC form differs becomes that form;
 *  - uncurl_quotes: U+02BC, U+2018..U+201B become ', U+201C..U+201F ";
 *  - fix_line_breaks: CR LF, CR, U+2028, U+2029, U+0085 become LF;
 *  - remove_terminal_escapes: ESC [ then digits (any script's, as
 *    Python's \d) and ';', then an ASCII letter, removed;
 *  - remove_control_chars: U+0000..U+0008, U+000B, U+000E..U+001F, U+007F,
 *    U+206A..U+206F, U+FEFF, U+FFF9..U+FFFC removed;
 *  - normalization (NFC by default, or NFKC, NFD, NFKD).
 *
 * tests/op-fix-unicode.bats checks the result against cases recorded from
 * ftfy itself. fix_surrogates has nothing to do on valid UTF-8.
 */

static const struct dm_param params[] = {
	{ .name = "normalization", .type = DM_P_ENUM, .def = "NFC",
	  .choices = "NFC,NFKC,NFD,NFKD",
	  .help = "the Unicode normalization applied last" },
	{ .name = NULL }
};


/* Windows-1252 at 0x80..0x9F; 0 where it defines nothing. */
static const int32_t cp1252[32] = {
	0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
	0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178
};

static const struct {
	int32_t		 cp;
	const char	*to;
} ligatures[] = {
	{ 0x0132, "IJ" }, { 0x0133, "ij" }, { 0x0149, "\x27n" },
	{ 0x01C4, "D\xc5\xbd" }, { 0x01C5, "D\xc5\xbe" },
	{ 0x01C6, "d\xc5\xbe" }, { 0x01C7, "LJ" }, { 0x01C8, "Lj" },
	{ 0x01C9, "lj" }, { 0x01CA, "NJ" }, { 0x01CB, "Nj" },
	{ 0x01CC, "nj" }, { 0x01F1, "DZ" }, { 0x01F2, "Dz" },
	{ 0x01F3, "dz" }, { 0xFB00, "ff" }, { 0xFB01, "fi" },
	{ 0xFB02, "fl" }, { 0xFB03, "ffi" }, { 0xFB04, "ffl" },
	{ 0xFB05, "\xc5\xbft" }, { 0xFB06, "st" },
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))


/* ---- unescape_html ---- */

static int
entcmp(const void *k, const void *e)
{
	return strcmp(k, ((const struct ftfy_entity *)e)->name);
}

/* What Python's html.unescape makes of "&#" digits ";", added to out
 * (1), or 0 to keep the reference as it is: one that is not all digits,
 * or that stands for ';' (ftfy's _unescape_fixup keeps a reference whose
 * unescaping holds a ';', taking it for decoded in part). */
static int
charref(const char *s, size_t n, struct dm_buf *out)
{
	int32_t num = 0;
	size_t i = 2, k;
	int hex = 0, d;

	if (n > 3 && (s[2] == 'x' || s[2] == 'X')) {
		hex = 1;
		i = 3;
	}
	for (k = i; k < n - 1; k++) {
		char c = s[k];

		d = hex ? dm_hexdigit(c) : c >= '0' && c <= '9' ? c - '0' : -1;
		if (d < 0)
			return 0;
		if (num <= 0x10FFFF)
			num = num * (hex ? 16 : 10) + d;
	}
	if (k == i)
		return 0;
	/* ftfy keeps a reference that html.unescape makes a ';' */
	if (num == ';')
		return 0;
	for (k = 0; k < NELEM(ftfy_charref_fix); k++)
		if (ftfy_charref_fix[k][0] == num) {
			dm_buf_addcp(out, ftfy_charref_fix[k][1]);
			return 1;
		}
	if ((num >= 0xD800 && num <= 0xDFFF) || num > 0x10FFFF) {
		dm_buf_addcp(out, 0xFFFD);
		return 1;
	}
	for (k = 0; k < NELEM(ftfy_charref_drop); k++)
		if (ftfy_charref_drop[k] == num)
			return 1;
	dm_buf_addcp(out, num);
	return 1;
}

/* ftfy's unescape_html: each "&" "#"? 1 to 24 letters or digits ";" that
 * is one of its entities, or a numeric reference, is decoded. */
static void
unescape_html(const char *s, size_t n, struct dm_buf *out)
{
	char name[32];
	size_t i, j, k;

	dm_buf_reset(out);
	for (i = 0; i < n; i++) {
		if (s[i] != '&') {
			dm_buf_addc(out, s[i]);
			continue;
		}
		j = i + 1;
		if (j < n && s[j] == '#')
			j++;
		for (k = j; k < n && k - j <= 24 && ((s[k] >= '0' &&
		    s[k] <= '9') || (s[k] >= 'a' && s[k] <= 'z') ||
		    (s[k] >= 'A' && s[k] <= 'Z')); k++)
			;
		if (k == j || k - j > 24 || k >= n || s[k] != ';') {
			dm_buf_addc(out, s[i]);
			continue;
		}
		memcpy(name, s + i, k + 1 - i);
		name[k + 1 - i] = '\0';
		{
			const struct ftfy_entity *e = bsearch(name,
			    ftfy_entities, NELEM(ftfy_entities),
			    sizeof ftfy_entities[0], entcmp);

			if (e != NULL)
				dm_buf_adds(out, e->val);
			else if (s[i + 1] != '#' ||
			    !charref(s + i, k + 1 - i, out))
				dm_buf_add(out, s + i, k + 1 - i);
		}
		i = k;
	}
}

/* ---- fix_encoding ---- */

#define LATIN1		0	/* indexes in ftfy_enc_name */
#define MACROMAN	8

struct fix;
static int fix_encoding(struct fix *, const char *, size_t, struct dm_buf *,
    struct dm_buf *);

/* A byte class of ftfy's byte patterns: up to three ranges. */
struct bset {
	unsigned char	 r[3][2];
};

static int
inset(const struct bset *b, unsigned char c)
{
	int i;

	for (i = 0; i < 3; i++)
		if (b->r[i][1] && c >= b->r[i][0] && c <= b->r[i][1])
			return 1;
	return 0;
}

#define B1(a, b)		{ { { a, b } } }
#define B2(a, b, c, d)		{ { { a, b }, { c, d } } }
#define B3(a, b, c, d, e, f)	{ { { a, b }, { c, d }, { e, f } } }

/* An alternative of a byte pattern: n byte classes in a row. */
struct balt {
	int		 n;
	struct bset	 s[5];
};

/* macros, not const objects: C needs constant initializers */
#define SP	B1(0x20, 0x20)
#define CONT	B3(0x80, 0x84, 0x86, 0x9f, 0xa1, 0xbf)
#define ANYC	B1(0x80, 0xbf)

/* ftfy's ALTERED_UTF8_RE: UTF-8 sequences whose 0xA0 became a space. */
static const struct balt altered[] = {
	{ 2, { B3(0xc2, 0xc3, 0xc5, 0xc5, 0xce, 0xce), SP } },
	{ 2, { B2(0xd0, 0xd0, 0xd9, 0xd9), SP } },
	{ 3, { B1(0xe2, 0xe3), SP, CONT } },
	{ 3, { B1(0xe0, 0xe3), CONT, SP } },
	{ 4, { B1(0xf0, 0xf0), SP, ANYC, ANYC } },
	{ 4, { B1(0xf0, 0xf0), ANYC, SP, ANYC } },
	{ 4, { B1(0xf0, 0xf0), ANYC, ANYC, SP } },
};

#define SUB	B1(0x1a, 0x1a)
#define SUBQ	B2(0x1a, 0x1a, 0x3f, 0x3f)
#define SUBC	B2(0x1a, 0x1a, 0x80, 0xbf)
#define SUBQC	B3(0x1a, 0x1a, 0x3f, 0x3f, 0x80, 0xbf)
#define ED	B1(0xed, 0xed)

/* ftfy's LOSSY_UTF8_RE: UTF-8 sequences with a byte lost to 0x1A or '?'. */
static const struct balt lossy[] = {
	{ 2, { B1(0xc2, 0xdf), SUB } },
	{ 2, { B1(0xc2, 0xc3), B1(0x3f, 0x3f) } },
	{ 5, { ED, B1(0xa0, 0xaf), SUBQ, ED, B1(0xb0, 0xbf) } },
	{ 5, { ED, B1(0xa0, 0xaf), SUBQC, ED, B1(0xb0, 0xbf) } },
	{ 3, { B1(0xe0, 0xef), SUBQ, SUBC } },
	{ 3, { B1(0xe0, 0xef), SUBC, SUBQ } },
	{ 4, { B1(0xf0, 0xf4), SUBQ, SUBC, SUBC } },
	{ 4, { B1(0xf0, 0xf4), SUBC, SUBQ, SUBC } },
	{ 4, { B1(0xf0, 0xf4), SUBC, SUBC, SUBQ } },
	{ 1, { SUB } },
};

/* The length of the first alternative of alts matching at s, or 0; the
 * two \xed alternatives of lossy have a sixth byte, checked here. */
static size_t
balt_match(const struct balt *alts, size_t nalt, const unsigned char *s,
    size_t n)
{
	size_t a;
	int i;

	for (a = 0; a < nalt; a++) {
		const struct balt *p = &alts[a];
		size_t len = (size_t)p->n;

		if (alts == lossy && (a == 2 || a == 3))
			len = 6;
		if (len > n)
			continue;
		for (i = 0; i < p->n; i++)
			if (!inset(&p->s[i], s[i]))
				break;
		if (i < p->n)
			continue;
		if (alts == lossy && a == 2 &&
		    !(s[5] == 0x1a || s[5] == '?' || (s[5] >= 0x80 &&
		    s[5] <= 0xbf)))
			continue;
		if (alts == lossy && a == 3 && !(s[5] == 0x1a || s[5] == '?'))
			continue;
		return len;
	}
	return 0;
}

static int
altered_search(const struct dm_buf *b)
{
	size_t i;

	for (i = 0; i < b->len; i++)
		if (balt_match(altered, NELEM(altered),
		    (const unsigned char *)b->buf + i, b->len - i))
			return 1;
	return 0;
}

/* restore_byte_a0: "\xc3 " not before " ", "quele", "quela", "quilo" or
 * "s " gets its 0xA0 back; then every altered sequence does. */
static void
restore_byte_a0(struct dm_buf *b, struct dm_buf *tmp)
{
	static const char *const words[] = { " ", "quele", "quela", "quilo",
		"s " };
	const unsigned char *s;
	size_t i, k, len, n;

	dm_buf_reset(tmp);
	s = (const unsigned char *)b->buf;
	n = b->len;
	for (i = 0; i < n; i++) {
		if (s[i] == 0xc3 && i + 1 < n && s[i + 1] == ' ') {
			for (k = 0; k < NELEM(words); k++) {
				len = strlen(words[k]);
				if (n - (i + 2) >= len &&
				    memcmp(s + i + 2, words[k], len) == 0)
					break;
			}
			if (k == NELEM(words)) {
				dm_buf_add(tmp, "\xc3\xa0 ", 3);
				i++;
				continue;
			}
		}
		dm_buf_addc(tmp, (char)s[i]);
	}
	dm_buf_reset(b);
	s = (const unsigned char *)tmp->buf;
	n = tmp->len;
	for (i = 0; i < n; ) {
		if ((len = balt_match(altered, NELEM(altered), s + i,
		    n - i)) == 0) {
			dm_buf_addc(b, (char)s[i++]);
			continue;
		}
		for (k = 0; k < len; k++)
			dm_buf_addc(b, s[i + k] == ' ' ? (char)0xa0 :
			    (char)s[i + k]);
		i += len;
	}
}

/* replace_lossy_sequences: each lossy sequence becomes U+FFFD. */
static void
replace_lossy(struct dm_buf *b, struct dm_buf *tmp)
{
	const unsigned char *s = (const unsigned char *)b->buf;
	size_t i, len, n = b->len;

	dm_buf_reset(tmp);
	for (i = 0; i < n; ) {
		if ((len = balt_match(lossy, NELEM(lossy), s + i, n - i)) ==
		    0) {
			dm_buf_addc(tmp, (char)s[i++]);
			continue;
		}
		dm_buf_add(tmp, "\xef\xbf\xbd", 3);
		i += len;
	}
	dm_buf_swap(b, tmp);
}

/* The byte of c in encoding e, or -1. */
static int
enc_byte(int e, int32_t c)
{
	int i;

	if (c < 0x80 && c != 0x1a)
		return (int)c;
	for (i = 0; i < 129; i++)
		if (ftfy_enc_table[e][i] == c)
			return i < 128 ? 0x80 + i : 0x1a;
	return -1;
}

/* text.encode(encoding) into out; -1 when a character has no byte. */
static int
encode(int e, const char *s, size_t n, struct dm_buf *out)
{
	size_t i;
	int32_t c;
	int len, b;

	dm_buf_reset(out);
	for (i = 0; i < n; i += (size_t)len) {
		if ((len = dm_utf8_decode(s + i, n - i, &c)) <= 0 ||
		    (b = enc_byte(e, c)) < 0)
			return -1;
		dm_buf_addc(out, (char)b);
	}
	return 0;
}

/*
 * bytes.decode("utf-8"), or ftfy's "utf-8-variants" (where C0 80 is U+0000
 * and a surrogate pair written as two three-byte sequences, CESU-8, is its
 * character). -1 on any invalid sequence.
 */
static int
decode_utf8(const char *s, size_t n, int variants, struct dm_buf *out)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i;
	int32_t c;
	int len;

	dm_buf_reset(out);
	for (i = 0; i < n; i += (size_t)len) {
		if (variants && u[i] == 0xc0 && i + 1 < n && u[i + 1] == 0x80) {
			dm_buf_addc(out, '\0');
			len = 2;
			continue;
		}
		if (variants && u[i] == 0xed && i + 5 < n &&
		    u[i + 1] >= 0xa0 && u[i + 1] <= 0xaf &&
		    u[i + 2] >= 0x80 && u[i + 2] <= 0xbf && u[i + 3] == 0xed &&
		    u[i + 4] >= 0xb0 && u[i + 4] <= 0xbf &&
		    u[i + 5] >= 0x80 && u[i + 5] <= 0xbf) {
			int32_t hi = ((u[i + 1] & 0x0f) << 6) | (u[i + 2] & 0x3f);
			int32_t lo = ((u[i + 4] & 0x0f) << 6) | (u[i + 5] & 0x3f);

			dm_buf_addcp(out, 0x10000 + (hi << 10) + lo);
			len = 6;
			continue;
		}
		if ((len = dm_utf8_decode(s + i, n - i, &c)) <= 0)
			return -1;
		dm_buf_add(out, s + i, (size_t)len);
	}
	return 0;
}

static int
is_ascii(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return 0;
	return 1;
}

struct fix {
	utf8proc_option_t	 form;
	struct dm_buf		 a, b;
	struct dm_re		*bad;		/* ftfy's badness heuristic */
	struct dm_re		*detector;	/* its UTF-8 detector */
};

/* 1 when ftfy finds mojibake, 0 when not, -1 (err says why) when the
 * match failed, which must not pass for "no mojibake" */
static int
is_bad(struct fix *f, const char *s, size_t n, struct dm_buf *err)
{
	size_t ov[2];

	return dm_re_match(f->bad, s, n, 0, ov, err);
}

/* fix_c1_controls, also a step of its own below */
static void
c1_controls(const char *s, size_t n, struct dm_buf *out)
{
	size_t i;
	int32_t c;
	int len;

	dm_buf_reset(out);
	for (i = 0; i < n; i += (size_t)len) {
		if ((len = dm_utf8_decode(s + i, n - i, &c)) <= 0) {
			len = 1;
			dm_buf_addc(out, s[i]);
			continue;
		}
		if (c >= 0x80 && c <= 0x9F && cp1252[c - 0x80])
			c = cp1252[c - 0x80];
		dm_buf_addcp(out, c);
	}
}

/* decode_inconsistent_utf8: each piece the detector finds, shorter than
 * the text and bad, is fixed on its own. -1 when a match failed. */
static int
inconsistent(struct fix *f, const char *s, size_t n, struct dm_buf *out,
    struct dm_buf *err)
{
	struct dm_buf piece = DM_BUF_INIT;
	size_t pos = 0, ov[2];
	int r = 0, bad = 0;

	dm_buf_reset(out);
	while (pos <= n &&
	    (r = dm_re_match(f->detector, s, n, pos, ov, err)) == 1) {
		dm_buf_add(out, s + pos, ov[0] - pos);
		bad = 0;
		if (ov[1] - ov[0] < n && ov[1] > ov[0] &&
		    (bad = is_bad(f, s + ov[0], ov[1] - ov[0], err)) == -1)
			break;
		if (bad) {
			if ((r = fix_encoding(f, s + ov[0], ov[1] - ov[0],
			    &piece, err)) == -1)
				break;
			dm_buf_add(out, piece.buf, piece.len);
		} else
			dm_buf_add(out, s + ov[0], ov[1] - ov[0]);
		if (ov[1] == ov[0]) {
			if (ov[1] >= n)
				break;
			dm_buf_addc(out, s[ov[1]]);
			pos = ov[1] + 1;
		} else
			pos = ov[1];
	}
	dm_buf_free(&piece);
	if (r == -1 || bad == -1)
		return -1;
	if (pos < n)
		dm_buf_add(out, s + pos, n - pos);
	return 0;
}

/* One step of ftfy's fix_encoding; out gets the text, changed or not.
 * -1 when a match failed. */
static int
encoding_step(struct fix *f, const char *s, size_t n, struct dm_buf *out,
    struct dm_buf *err)
{
	struct dm_buf b = DM_BUF_INIT, tmp = DM_BUF_INIT;
	int e, r = 0, possible[FTFY_NENC];
	int done = 0;

	dm_buf_reset(out);
	if (n == 0 || is_ascii(s, n) || (r = is_bad(f, s, n, err)) == 0) {
		dm_buf_add(out, s, n);
		return 0;
	}
	if (r == -1)
		return -1;
	for (e = 0; e < FTFY_NENC && !done; e++) {
		possible[e] = encode(e, s, n, &b) == 0;
		if (!possible[e])
			continue;
		if (e != MACROMAN && altered_search(&b))
			restore_byte_a0(&b, &tmp);
		if (strncmp(ftfy_enc_name[e], "sloppy", 6) == 0)
			replace_lossy(&b, &tmp);
		if (decode_utf8(b.buf, b.len, memchr(b.buf, 0xed, b.len) ||
		    memchr(b.buf, 0xc0, b.len), out) == 0)
			done = 1;
	}
	for (; e < FTFY_NENC; e++)
		possible[e] = 0;
	if (!done) {
		size_t ov[2];

		if ((r = dm_re_match(f->detector, s, n, 0, ov, err)) == 1 &&
		    (r = inconsistent(f, s, n, out, err)) == 0 &&
		    (out->len != n || memcmp(out->buf, s, n) != 0))
			done = 1;
		if (r == -1) {
			dm_buf_free(&b);
			dm_buf_free(&tmp);
			return -1;
		}
	}
	/* ftfy asks whether "windows-1252" is among the possible encodings,
	 * a name its list never holds: Latin-1 text is read as strict
	 * Windows-1252 whenever it can be */
	if (!done && possible[LATIN1] && encode(LATIN1, s, n, &b) == 0) {
		size_t i;

		for (i = 0; i < b.len; i++) {
			unsigned char c = (unsigned char)b.buf[i];

			if (c >= 0x80 && c <= 0x9f && cp1252[c - 0x80] == 0)
				break;
		}
		if (i == b.len) {
			c1_controls(s, n, out);
			if (out->len != n || memcmp(out->buf, s, n) != 0)
				done = 1;
		}
	}
	if (!done) {
		c1_controls(s, n, out);
		done = 1;
	}
	dm_buf_free(&b);
	dm_buf_free(&tmp);
	return 0;
}

/* fix_encoding: steps until one changes nothing. */
#define MAXSTEPS	16

static int
fix_encoding(struct fix *f, const char *s, size_t n, struct dm_buf *out,
    struct dm_buf *err)
{
	struct dm_buf cur = DM_BUF_INIT;
	int i;

	dm_buf_add(&cur, s, n);
	for (i = 0; i < MAXSTEPS; i++) {
		if (encoding_step(f, cur.buf, cur.len, out, err) == -1) {
			dm_buf_free(&cur);
			return -1;
		}
		if (out->len == cur.len && memcmp(out->buf, cur.buf,
		    cur.len) == 0)
			break;
		dm_buf_swap(&cur, out);
	}
	dm_buf_reset(out);
	dm_buf_add(out, cur.buf, cur.len);
	dm_buf_free(&cur);
	return 0;
}

static int
fix_init(void **state, const struct dm_args *args, struct dm_buf *err)
{
	struct fix *f;

	(void)err;
	f = dm_xcalloc(1, sizeof *f);
	f->form = (utf8proc_option_t)dm_uni_form(dm_arg_str(args,
	    "normalization"));
	dm_buf_init(&f->a);
	dm_buf_init(&f->b);
	if ((f->bad = dm_re_new(ftfy_badness, "x", err, NULL)) == NULL ||
	    (f->detector = dm_re_new(ftfy_utf8_detector, "x", err,
	    NULL)) == NULL) {
		dm_re_free(f->bad);
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int
isdigit_uni(int32_t c)
{
	return utf8proc_category(c) == UTF8PROC_CATEGORY_ND;
}

static int
control(int32_t c)
{
	return (c >= 0 && c <= 8) || c == 0x0B || (c >= 0x0E && c <= 0x1F) ||
	    c == 0x7F || (c >= 0x206A && c <= 0x206F) || c == 0xFEFF ||
	    (c >= 0xFFF9 && c <= 0xFFFC);
}

/* NFKC of one code point of U+FF01..U+FFEF into out; 0 when it is the
 * same character. */
static int
width(int32_t c, struct dm_buf *out)
{
	utf8proc_uint8_t *m = NULL;
	char in[4];
	size_t n = dm_utf8_encode(c, in);
	utf8proc_ssize_t r;

	r = utf8proc_map((const utf8proc_uint8_t *)in, (utf8proc_ssize_t)n,
	    &m, UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT);
	if (r < 0 || ((size_t)r == n && memcmp(m, in, n) == 0)) {
		free(m);
		return 0;
	}
	dm_buf_add(out, m, (size_t)r);
	free(m);
	return 1;
}

/* One pass of ftfy's fixers, each over the whole text in ftfy's order. */
static void
fixers(const char *s, size_t n, struct dm_buf *out, struct dm_buf *tmp)
{
	size_t i, k, j;
	int32_t c, d;
	int len;

	/* fix_c1_controls, fix_latin_ligatures, fix_character_width,
	 * uncurl_quotes: each maps one character, none makes what a later
	 * one of them changes, so one walk does the four */
	dm_buf_reset(tmp);
	for (i = 0; i < n; i += (size_t)len) {
		if ((len = dm_utf8_decode(s + i, n - i, &c)) <= 0) {
			len = 1;
			dm_buf_addc(tmp, s[i]);
			continue;
		}
		if (c >= 0x80 && c <= 0x9F && cp1252[c - 0x80])
			c = cp1252[c - 0x80];
		for (k = 0; k < NELEM(ligatures); k++)
			if (ligatures[k].cp == c)
				break;
		if (k < NELEM(ligatures)) {
			dm_buf_adds(tmp, ligatures[k].to);
			continue;
		}
		if (c == 0x3000)
			c = ' ';
		else if (c >= 0xFF01 && c <= 0xFFEF && width(c, tmp))
			continue;
		if (c == 0x02BC || (c >= 0x2018 && c <= 0x201B))
			c = '\'';
		else if (c >= 0x201C && c <= 0x201F)
			c = '"';
		dm_buf_addcp(tmp, c);
	}
	/* fix_line_breaks, then remove_terminal_escapes and
	 * remove_control_chars (fix_surrogates between them has nothing to
	 * do on UTF-8) */
	dm_buf_reset(out);
	s = tmp->buf;
	n = tmp->len;
	for (i = 0; i < n; i += (size_t)len) {
		if ((len = dm_utf8_decode(s + i, n - i, &c)) <= 0) {
			len = 1;
			dm_buf_addc(out, s[i]);
			continue;
		}
		if (c == '\r') {
			if (i + 1 < n && s[i + 1] == '\n')
				len = 2;
			c = '\n';
		} else if (c == 0x2028 || c == 0x2029 || c == 0x85)
			c = '\n';
		if (c == 0x1B && i + 1 < n && s[i + 1] == '[') {
			int l2 = 0;

			for (j = i + 2; j < n; j += (size_t)l2) {
				if ((l2 = dm_utf8_decode(s + j, n - j, &d)) <= 0)
					break;
				if (d != ';' && !isdigit_uni(d))
					break;
			}
			if (j < n && ((s[j] >= 'a' && s[j] <= 'z') ||
			    (s[j] >= 'A' && s[j] <= 'Z'))) {
				len = (int)(j + 1 - i);
				continue;
			}
		}
		if (control(c))
			continue;
		dm_buf_addcp(out, c);
	}
}

static int
normalize(utf8proc_option_t form, const char *s, size_t n, struct dm_buf *out,
    struct dm_buf *err)
{
	utf8proc_uint8_t *m = NULL;
	utf8proc_ssize_t r;

	r = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &m,
	    form);
	if (r < 0) {
		dm_buf_addf(err, "cannot normalize: %s", utf8proc_errmsg(r));
		free(m);
		return -1;
	}
	dm_buf_reset(out);
	dm_buf_add(out, m, (size_t)r);
	free(m);
	return 0;
}

/*
 * ftfy loops until a pass changes nothing, with no bound. A pass that
 * decodes an HTML reference shortens the text by two code points or more
 * (a reference is four or more, what it stands for one or two), so those
 * are bounded by the length: text escaped any number of times is decoded
 * to the end. The other passes repair mojibake, fold or normalize, and a
 * few reach a text they leave alone; MAXPASSES bounds them only to stop
 * a cycle, which ftfy would loop on for ever.
 */
#define MAXPASSES	16

/* fix_and_explain on one segment, appended to out. */
static int
fix_segment(struct fix *f, const char *in, size_t n, int html,
    struct dm_buf *out, struct dm_buf *err)
{
	struct dm_buf cur = DM_BUF_INIT, un = DM_BUF_INIT, enc = DM_BUF_INIT;
	const char *s;
	size_t len, pass;
	int other;

	dm_buf_add(&cur, in, n);
	/* the passes that decode are bounded by the text's length; the
	 * bound is said here too, should the other fixers ever lengthen
	 * the text as much as a decoding shortens it */
	for (other = 0, pass = 0; other < MAXPASSES && pass < MAXPASSES + n;
	    pass++) {
		/* cur is ftfy's origtext, the text before the pass */
		s = cur.buf;
		len = cur.len;
		if (html) {
			unescape_html(cur.buf, cur.len, &un);
			if (un.len != cur.len || memcmp(un.buf, cur.buf,
			    cur.len) != 0) {
				s = un.buf;
				len = un.len;
			} else
				other++;
		} else
			other++;
		if (fix_encoding(f, s, len, &enc, err) == -1) {
			dm_buf_free(&cur);
			dm_buf_free(&un);
			dm_buf_free(&enc);
			return -1;
		}
		fixers(enc.buf, enc.len, &f->a, &f->b);
		if (normalize(f->form, f->a.buf, f->a.len, &f->b, err) < 0) {
			dm_buf_free(&cur);
			dm_buf_free(&un);
			dm_buf_free(&enc);
			return -1;
		}
		if (f->b.len == cur.len && memcmp(f->b.buf, cur.buf,
		    cur.len) == 0)
			break;
		dm_buf_swap(&cur, &f->b);
	}
	dm_buf_add(out, cur.buf, cur.len);
	dm_buf_free(&cur);
	dm_buf_free(&un);
	dm_buf_free(&enc);
	return 0;
}

/* fix_text's segments: up to and with each '\n', at most a million code
 * points (its max_decode_length). */
#define MAXSEGMENT	1000000

static int
fix_text(void *state, const char *in, size_t n, struct dm_buf *out,
    struct dm_buf *err)
{
	struct fix *f = state;
	struct dm_buf res = DM_BUF_INIT;
	size_t pos, end, cps;
	int32_t c;
	int len, html = 1;

	for (pos = 0; pos < n; pos = end) {
		for (end = pos, cps = 0; end < n && cps < MAXSEGMENT; cps++) {
			if ((len = dm_utf8_decode(in + end, n - end, &c)) <= 0)
				len = 1;
			end += (size_t)len;
			if (in[end - 1] == '\n')
				break;
		}
		/* unescape_html "auto": off from the first segment with a
		 * '<' on, as ftfy's config stays changed */
		if (html && memchr(in + pos, '<', end - pos) != NULL)
			html = 0;
		if (fix_segment(f, in + pos, end - pos, html, &res, err) < 0) {
			dm_buf_free(&res);
			return -1;
		}
	}
	if (res.len == n && memcmp(res.buf, in, n) == 0) {
		dm_buf_free(&res);
		return 0;
	}
	dm_buf_add(out, res.buf, res.len);
	dm_buf_free(&res);
	return 1;
}

static void
fix_fini(void *state)
{
	struct fix *f = state;

	dm_buf_free(&f->a);
	dm_buf_free(&f->b);
	dm_re_free(f->bad);
	dm_re_free(f->detector);
	free(f);
}

const struct dm_opdef dm_op_fix_unicode = {
	.name = "fix-unicode",
	.kind = DM_OP_MAP,
	.summary = "repair mojibake and fix characters as ftfy's fix_text "
	    "(Data-Juicer fix_unicode_mapper)",
	.params = params,
	.init = fix_init,
	.text = fix_text,
	.fini = fix_fini,
};
