/* fix-unicode.c - fix-unicode: ftfy's fix_text, its character fixes [DJ fix_unicode_mapper] */

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "dm.h"

/*
 * Data-Juicer's fix_unicode_mapper calls ftfy.fix_text(text,
 * normalization=...) with ftfy's other settings at their defaults. This
 * operator does the steps of fix_text that work on single characters, in
 * ftfy's order, again and again until the text no longer changes (as
 * fix_and_explain loops):
 *
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
 * Not done (see dm-ops(7)): fix_encoding, the detection and repair of
 * mojibake, and unescape_html. On text where ftfy finds no mojibake and no
 * HTML entity the result is ftfy's, as tests/op-fix-unicode.bats checks on
 * cases recorded from ftfy itself. fix_surrogates has nothing to do on
 * valid UTF-8.
 */

static const struct dm_param params[] = {
	{ .name = "normalization", .type = DM_P_ENUM, .def = "NFC",
	  .choices = "NFC,NFKC,NFD,NFKD",
	  .help = "the Unicode normalization applied last" },
	{ .name = NULL }
};

static const utf8proc_option_t forms[] = {
	UTF8PROC_STABLE | UTF8PROC_COMPOSE,
	UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT,
	UTF8PROC_STABLE | UTF8PROC_DECOMPOSE,
	UTF8PROC_STABLE | UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT
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

struct fix {
	utf8proc_option_t	 form;
	struct dm_buf		 a, b;
};

static int
fix_init(void **state, const struct dm_args *args, struct dm_buf *err)
{
	struct fix *f;

	(void)err;
	f = dm_xcalloc(1, sizeof *f);
	f->form = forms[dm_arg(args, "normalization")->i];
	dm_buf_init(&f->a);
	dm_buf_init(&f->b);
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

/* ftfy loops until a pass changes nothing; a pass can only shorten the
 * text or fold it, so a few passes reach that. */
#define MAXPASSES	16

static int
fix_text(void *state, const char *in, size_t n, struct dm_buf *out,
    struct dm_buf *err)
{
	struct fix *f = state;
	struct dm_buf cur = DM_BUF_INIT;
	int pass;

	dm_buf_add(&cur, in, n);
	for (pass = 0; pass < MAXPASSES; pass++) {
		fixers(cur.buf, cur.len, &f->a, &f->b);
		if (normalize(f->form, f->a.buf, f->a.len, &f->b, err) < 0) {
			dm_buf_free(&cur);
			return -1;
		}
		if (f->b.len == cur.len && memcmp(f->b.buf, cur.buf,
		    cur.len) == 0)
			break;
		dm_buf_swap(&cur, &f->b);
	}
	if (cur.len == n && memcmp(cur.buf, in, n) == 0) {
		dm_buf_free(&cur);
		return 0;
	}
	dm_buf_add(out, cur.buf, cur.len);
	dm_buf_free(&cur);
	return 1;
}

static void
fix_fini(void *state)
{
	struct fix *f = state;

	dm_buf_free(&f->a);
	dm_buf_free(&f->b);
	free(f);
}

const struct dm_opdef dm_op_fix_unicode = {
	.name = "fix-unicode",
	.kind = DM_OP_MAP,
	.summary = "ftfy's fix_text character fixes: C1 controls, ligatures, "
	    "widths, quotes, line breaks, controls, normalization (Data-Juicer "
	    "fix_unicode_mapper)",
	.params = params,
	.init = fix_init,
	.text = fix_text,
	.fini = fix_fini,
};
