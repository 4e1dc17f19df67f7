/* tokenizer-uni.c - a pre-tokenizer's expression told utf8proc's Unicode */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "dm.h"
#include "tokenizer-uni.h"

/*
 * PCRE2 knows the Unicode of its release (10.42: 14.0), utf8proc a newer
 * one (2.8: 15.0), and the tokenizers' own engines (Oniguruma, the
 * JavaScript engine under transformers.js) newer still. The hand scanner
 * of tokenizer-scan.c follows utf8proc; so that an expression given to
 * PCRE2 does too, each \p{X} of a general category in it is widened by
 * the characters that utf8proc puts in X and PCRE2 does not know there
 * (Kawi, Khojki's last letters, CJK Extension H, ...): the characters
 * that utf8proc knows and PCRE2 takes for unassigned, found once by asking
 * PCRE2 about each.
 */

static const struct {
	const char	*name;
	int		 lo, hi;	/* utf8proc categories lo..hi */
} cats[] = {
	{ "L", UTF8PROC_CATEGORY_LU, UTF8PROC_CATEGORY_LO },
	{ "Lu", UTF8PROC_CATEGORY_LU, UTF8PROC_CATEGORY_LU },
	{ "Ll", UTF8PROC_CATEGORY_LL, UTF8PROC_CATEGORY_LL },
	{ "Lt", UTF8PROC_CATEGORY_LT, UTF8PROC_CATEGORY_LT },
	{ "Lm", UTF8PROC_CATEGORY_LM, UTF8PROC_CATEGORY_LM },
	{ "Lo", UTF8PROC_CATEGORY_LO, UTF8PROC_CATEGORY_LO },
	{ "M", UTF8PROC_CATEGORY_MN, UTF8PROC_CATEGORY_ME },
	{ "Mn", UTF8PROC_CATEGORY_MN, UTF8PROC_CATEGORY_MN },
	{ "Mc", UTF8PROC_CATEGORY_MC, UTF8PROC_CATEGORY_MC },
	{ "Me", UTF8PROC_CATEGORY_ME, UTF8PROC_CATEGORY_ME },
	{ "N", UTF8PROC_CATEGORY_ND, UTF8PROC_CATEGORY_NO },
	{ "Nd", UTF8PROC_CATEGORY_ND, UTF8PROC_CATEGORY_ND },
	{ "Nl", UTF8PROC_CATEGORY_NL, UTF8PROC_CATEGORY_NL },
	{ "No", UTF8PROC_CATEGORY_NO, UTF8PROC_CATEGORY_NO },
};
#define NCATS	(sizeof cats / sizeof cats[0])

/* the characters utf8proc knows and PCRE2 takes for unassigned (Cn),
 * ascending; nnew < 0: not yet looked for */
static int32_t	*newcp;
static long	 nnew = -1;
/* the ranges missing from PCRE2's \p{X}, as class items; NULL: not yet
 * made */
static char	*extra[NCATS];

/* Large blocks that PCRE2 10.42's Unicode 14 has whole: CJK ideographs,
 * Hangul, private use (asked about, they would only cost time). */
static int
known(int32_t cp)
{
	return (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0xac00 &&
	    cp <= 0xd7a3) || (cp >= 0xe000 && cp <= 0xf8ff) ||
	    (cp >= 0x20000 && cp <= 0x2a6df) || cp >= 0xf0000;
}

static void
findnew(void)
{
	struct dm_buf err = DM_BUF_INIT;
	utf8proc_uint8_t u[4];
	struct dm_re *re;
	size_t off, ov[2], cap = 0;
	int32_t cp;
	int n, r;

	nnew = 0;
	if ((re = dm_re_new("\\p{Cn}", "", &err, &off)) == NULL)
		dm_die("\\p{Cn}: %s", err.buf);
	for (cp = 0; cp < 0x110000; cp++) {
		if (known(cp) || utf8proc_category(cp) == UTF8PROC_CATEGORY_CN ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			continue;
		n = (int)utf8proc_encode_char(cp, u);
		/* a failed match must not leave the character out unsaid
		 * (on one character, no limit of re.c is near) */
		if ((r = dm_re_match(re, (const char *)u, (size_t)n, 0, ov,
		    &err)) == -1)
			dm_die("\\p{Cn} on U+%04X: %s", (unsigned)cp, err.buf);
		if (r == 0)
			continue;
		if ((size_t)nnew == cap) {
			cap = cap ? cap * 2 : 1024;
			newcp = dm_xreallocarray(newcp, cap, sizeof *newcp);
		}
		newcp[nnew++] = cp;
	}
	dm_re_free(re);
	dm_buf_free(&err);
}

static const char *
missing(size_t k)
{
	struct dm_buf b = DM_BUF_INIT;
	int32_t first = -1, last = -1, cp;
	long i;
	int cat;

	if (extra[k])
		return extra[k];
	if (nnew < 0)
		findnew();
	for (i = 0; i <= nnew; i++) {
		if (i < nnew) {
			cp = newcp[i];
			cat = utf8proc_category(cp);
			if (cat >= cats[k].lo && cat <= cats[k].hi) {
				if (first >= 0 && cp == last + 1) {
					last = cp;
					continue;
				}
			} else
				cp = -1;
		} else
			cp = -1;
		if (first >= 0) {
			if (first == last)
				dm_buf_addf(&b, "\\x{%X}", (unsigned)first);
			else
				dm_buf_addf(&b, "\\x{%X}-\\x{%X}",
				    (unsigned)first, (unsigned)last);
		}
		first = last = cp;
	}
	extra[k] = dm_buf_detach(&b, NULL);
	return extra[k];
}

/* The category named at p (after "\p{" or "\p"), its length in *len;
 * -1 for another property. */
static int
category(const char *p, size_t *len)
{
	size_t k, n;

	if (*p == '{') {
		for (n = 1; p[n] && p[n] != '}'; n++)
			;
		if (p[n] != '}')
			return -1;
		for (k = 0; k < NCATS; k++)
			if (strlen(cats[k].name) == n - 1 &&
			    memcmp(cats[k].name, p + 1, n - 1) == 0) {
				*len = n + 1;
				return (int)k;
			}
		return -1;
	}
	for (k = 0; k < NCATS; k++)
		if (cats[k].name[1] == '\0' && *p == cats[k].name[0]) {
			*len = 1;
			return (int)k;
		}
	return -1;
}

char *
dm_tok_unirx(const char *rx)
{
	struct dm_buf b = DM_BUF_INIT;
	const char *p = rx, *x, *e;
	size_t len;
	int inclass = 0, k;

	while (*p) {
		if (p[0] == '\\' && p[1] == 'Q') {
			/* literal up to \E */
			e = strstr(p + 2, "\\E");
			len = e ? (size_t)(e - p) + 2 : strlen(p);
			dm_buf_add(&b, p, len);
			p += len;
			continue;
		}
		if (p[0] == '\\' && p[1] == 'p' &&
		    (k = category(p + 2, &len)) >= 0 &&
		    *(x = missing((size_t)k)) != '\0') {
			if (inclass)
				dm_buf_add(&b, p, 2 + len);
			else {
				dm_buf_addc(&b, '[');
				dm_buf_add(&b, p, 2 + len);
			}
			dm_buf_adds(&b, x);
			if (!inclass)
				dm_buf_addc(&b, ']');
			p += 2 + len;
			continue;
		}
		if (p[0] == '\\' && p[1] != '\0') {
			dm_buf_add(&b, p, 2);
			p += 2;
			continue;
		}
		if (!inclass && p[0] == '[') {
			inclass = 1;
			dm_buf_addc(&b, *p++);
			if (*p == '^')
				dm_buf_addc(&b, *p++);
			if (*p == ']')
				dm_buf_addc(&b, *p++);
			continue;
		}
		if (inclass && p[0] == '[' && p[1] == ':' &&
		    (e = strstr(p + 2, ":]")) != NULL) {
			dm_buf_add(&b, p, (size_t)(e - p) + 2);
			p = e + 2;
			continue;
		}
		if (inclass && p[0] == ']')
			inclass = 0;
		dm_buf_addc(&b, *p++);
	}
	return dm_buf_detach(&b, NULL);
}
