/* utf8.c - UTF-8 decoding and Python-compatible Unicode predicates and case */
#include <stdint.h>
#include <string.h>

#include <utf8proc.h>

#include "dm.h"

/*
 * The predicates and case mappings mean what Python 3's str methods mean,
 * because recipes come from Python tools: a text dm lower-cases must equal
 * the text str.lower() gives.  utf8proc supplies categories and the simple
 * case mappings; the few places where Python differs from those (full case
 * mapping, final sigma, the Uppercase and Cased properties) are tables
 * below, taken from Unicode's SpecialCasing.txt and DerivedCoreProperties.
 */

#define ONES	0x0101010101010101ULL
#define HIGHS	0x8080808080808080ULL

static inline uint64_t
load64(const char *p)
{
	uint64_t w;

	memcpy(&w, p, sizeof(w));
	return w;
}


/* A value that is not a Unicode scalar value is written as U+FFFD, so the
 * output is always valid UTF-8. */
size_t
dm_utf8_encode(int32_t cp, char out[4])
{
	uint32_t c = (uint32_t)cp;

	if (cp < 0 || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		c = 0xFFFD;
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (char)(0xC0 | c >> 6);
		out[1] = (char)(0x80 | (c & 0x3F));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (char)(0xE0 | c >> 12);
		out[1] = (char)(0x80 | (c >> 6 & 0x3F));
		out[2] = (char)(0x80 | (c & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | c >> 18);
	out[1] = (char)(0x80 | (c >> 12 & 0x3F));
	out[2] = (char)(0x80 | (c >> 6 & 0x3F));
	out[3] = (char)(0x80 | (c & 0x3F));
	return 4;
}

void
dm_buf_addcp(struct dm_buf *b, int32_t cp)
{
	if (cp >= 0 && cp < 0x80) {
		dm_buf_addc(b, cp);
		return;
	}
	dm_buf_grow(b, 4);
	b->len += dm_utf8_encode(cp, b->buf + b->len);
	b->buf[b->len] = '\0';
}

size_t
dm_utf8_check(const char *s, size_t n)
{
	size_t i = 0;
	int32_t cp;
	int len;

	while (i < n) {
		while (i + 8 <= n && (load64(s + i) & HIGHS) == 0)
			i += 8;
		while (i < n && (unsigned char)s[i] < 0x80)
			i++;
		if (i == n)
			break;
		if ((len = dm_utf8_decode(s + i, n - i, &cp)) < 0)
			return i;
		i += (size_t)len;
	}
	return n;
}

/*
 * Counting and indexing treat every byte that is not a continuation byte
 * as the start of a code point: exact on valid UTF-8 (which samples are,
 * once loaded), and never an offset inside a sequence.
 */
size_t
dm_utf8_count(const char *s, size_t n)
{
	size_t i = 0, cont = 0;
	uint64_t w;

	for (; i + 8 <= n; i += 8) {
		w = load64(s + i);
		/* a continuation byte is 10xxxxxx: bit 7 set, bit 6 clear */
		w = w & ~(w << 1) & HIGHS;
		/* a byte sum by multiplication: x86-64's baseline has no
		 * popcount instruction, and the libgcc call is slow */
		cont += (size_t)(((w >> 7) * 0x0101010101010101ULL) >> 56);
	}
	for (; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) == 0x80)
			cont++;
	return n - cont;
}

size_t
dm_utf8_offset(const char *s, size_t n, size_t i)
{
	size_t off = 0;

	for (;;) {
		/* whole words of ASCII advance eight code points at once */
		while (i >= 8 && off + 8 <= n &&
		    (load64(s + off) & HIGHS) == 0) {
			off += 8;
			i -= 8;
		}
		if (off >= n)
			return n;
		if (i == 0)
			return off;
		off++;
		while (off < n && ((unsigned char)s[off] & 0xC0) == 0x80)
			off++;
		i--;
	}
}

/* ---- predicates ---- */

/* str.isspace(): Unicode White_Space plus the separators U+001C-001F. */
int
dm_uni_isspace(int32_t c)
{
	if (c < 0x80)
		return c == ' ' || (c >= 0x09 && c <= 0x0D) ||
		    (c >= 0x1C && c <= 0x1F);
	switch (c) {
	case 0x85:
	case 0xA0:
	case 0x1680:
	case 0x2028:
	case 0x2029:
	case 0x202F:
	case 0x205F:
	case 0x3000:
		return 1;
	}
	return c >= 0x2000 && c <= 0x200A;
}

int
dm_uni_isalpha(int32_t c)
{
	if (c < 0x80)
		return ((unsigned)c | 0x20) - 'a' < 26;
	switch (utf8proc_category(c)) {
	case UTF8PROC_CATEGORY_LU:
	case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO:
		return 1;
	default:
		return 0;
	}
}

/*
 * Python's isdigit() is Numeric_Type=Decimal or Digit: Nd plus these
 * superscripts, subscripts, circled and parenthesized digits and a few
 * historic digits.
 */
static const int32_t digit_extra[][2] = {
	{ 0x00B2, 0x00B3 }, { 0x00B9, 0x00B9 }, { 0x1369, 0x1371 },
	{ 0x19DA, 0x19DA }, { 0x2070, 0x2070 }, { 0x2074, 0x2079 },
	{ 0x2080, 0x2089 }, { 0x2460, 0x2468 }, { 0x2474, 0x247C },
	{ 0x2488, 0x2490 }, { 0x24EA, 0x24EA }, { 0x24F5, 0x24FD },
	{ 0x24FF, 0x24FF }, { 0x2776, 0x277E }, { 0x2780, 0x2788 },
	{ 0x278A, 0x2792 }, { 0x10A40, 0x10A43 }, { 0x10E60, 0x10E68 },
	{ 0x11052, 0x1105A }, { 0x1F100, 0x1F10A },
};

int
dm_inranges(int32_t c, const int32_t (*r)[2], size_t n)
{
	size_t lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (c < r[mid][0])
			hi = mid;
		else if (c > r[mid][1])
			lo = mid + 1;
		else
			return 1;
	}
	return 0;
}

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

int
dm_uni_isdigit(int32_t c)
{
	if (c < 0x80)
		return (unsigned)c - '0' < 10;
	if (utf8proc_category(c) == UTF8PROC_CATEGORY_ND)
		return 1;
	return dm_inranges(c, digit_extra, NELEM(digit_extra));
}

/* isalnum() is isalpha() or isdecimal(), isdigit(), isnumeric(); together
 * those are exactly the L and N categories. */
int
dm_uni_isalnum(int32_t c)
{
	if (c < 0x80)
		return ((unsigned)c | 0x20) - 'a' < 26 ||
		    (unsigned)c - '0' < 10;
	switch (utf8proc_category(c)) {
	case UTF8PROC_CATEGORY_LU:
	case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO:
	case UTF8PROC_CATEGORY_ND:
	case UTF8PROC_CATEGORY_NL:
	case UTF8PROC_CATEGORY_NO:
		return 1;
	default:
		return 0;
	}
}

/* Other_Uppercase: Roman numerals, circled and squared capital letters. */
static const int32_t upper_extra[][2] = {
	{ 0x2160, 0x216F }, { 0x24B6, 0x24CF }, { 0x1F130, 0x1F149 },
	{ 0x1F150, 0x1F169 }, { 0x1F170, 0x1F189 },
};

/* str.isupper() of one character: the Uppercase property (Lu and
 * Other_Uppercase); titlecase letters are not upper. */
int
dm_uni_isupper(int32_t c)
{
	if (c < 0x80)
		return (unsigned)c - 'A' < 26;
	if (utf8proc_category(c) == UTF8PROC_CATEGORY_LU)
		return 1;
	return dm_inranges(c, upper_extra, NELEM(upper_extra));
}

/* ---- case mapping ---- */

/*
 * Case_Ignorable: Mn, Me, Cf, Lm, Sk, and the Word_Break classes
 * MidLetter, MidNumLet and Single_Quote listed here.
 */
static int
case_ignorable(int32_t c)
{
	switch (c) {
	case 0x0027: case 0x002E: case 0x003A: case 0x00B7: case 0x0387:
	case 0x055F: case 0x05F4: case 0x2018: case 0x2019: case 0x2024:
	case 0x2027: case 0xFE13: case 0xFE52: case 0xFE55: case 0xFF07:
	case 0xFF0E: case 0xFF1A:
		return 1;
	}
	if (c < 0x80)
		return c == '^' || c == '`';	/* the ASCII Sk */
	switch (utf8proc_category(c)) {
	case UTF8PROC_CATEGORY_MN:
	case UTF8PROC_CATEGORY_ME:
	case UTF8PROC_CATEGORY_CF:
	case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_SK:
		return 1;
	default:
		return 0;
	}
}

/* Cased characters that are not case-ignorable and not Lu, Ll or Lt
 * (Other_Lowercase and Other_Uppercase outside Lm and Mn). */
static const int32_t cased_extra[][2] = {
	{ 0x00AA, 0x00AA }, { 0x00BA, 0x00BA }, { 0x2160, 0x217F },
	{ 0x24B6, 0x24E9 }, { 0x1F130, 0x1F149 }, { 0x1F150, 0x1F169 },
	{ 0x1F170, 0x1F189 },
};

/* Cased, asked only of characters that are not case-ignorable. */
static int
cased(int32_t c)
{
	if (c < 0x80)
		return ((unsigned)c | 0x20) - 'a' < 26;
	switch (utf8proc_category(c)) {
	case UTF8PROC_CATEGORY_LU:
	case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT:
		return 1;
	default:
		return dm_inranges(c, cased_extra, NELEM(cased_extra));
	}
}

/* Start of the code point that ends at s[j] (exclusive); -1 for none. */
static int
decode_back(const char *s, size_t j, size_t *start, int32_t *cp)
{
	size_t k = j - 1;

	while (k > 0 && j - k < 4 && ((unsigned char)s[k] & 0xC0) == 0x80)
		k--;
	if (dm_utf8_decode(s + k, j - k, cp) != (int)(j - k))
		return -1;
	*start = k;
	return 0;
}

/*
 * Python's Final_Sigma: capital sigma at s[i..i+len) lower-cases to final
 * sigma when a cased letter precedes it and none follows, case-ignorable
 * characters skipped on both sides.
 */
static int
final_sigma(const char *s, size_t n, size_t i, size_t len)
{
	size_t j = i, k;
	int32_t c = 0;
	int l;

	for (;;) {
		if (j == 0 || decode_back(s, j, &k, &c) < 0)
			return 0;
		if (!case_ignorable(c))
			break;
		j = k;
	}
	if (!cased(c))
		return 0;
	for (j = i + len; j < n; j += (size_t)l) {
		if ((l = dm_utf8_decode(s + j, n - j, &c)) < 0)
			return 1;
		if (!case_ignorable(c))
			return !cased(c);
	}
	return 1;
}

/* The unconditional full upper-case mappings of SpecialCasing.txt that
 * expand to more than one character, sorted. */
static const struct {
	int32_t	cp;
	int32_t	to[3];	/* 0 ends a shorter mapping */
} upper_full[] = {
	{ 0x00DF, { 0x0053, 0x0053, 0 } },
	{ 0x0149, { 0x02BC, 0x004E, 0 } },
	{ 0x01F0, { 0x004A, 0x030C, 0 } },
	{ 0x0390, { 0x0399, 0x0308, 0x0301 } },
	{ 0x03B0, { 0x03A5, 0x0308, 0x0301 } },
	{ 0x0587, { 0x0535, 0x0552, 0 } },
	{ 0x1E96, { 0x0048, 0x0331, 0 } },
	{ 0x1E97, { 0x0054, 0x0308, 0 } },
	{ 0x1E98, { 0x0057, 0x030A, 0 } },
	{ 0x1E99, { 0x0059, 0x030A, 0 } },
	{ 0x1E9A, { 0x0041, 0x02BE, 0 } },
	{ 0x1F50, { 0x03A5, 0x0313, 0 } },
	{ 0x1F52, { 0x03A5, 0x0313, 0x0300 } },
	{ 0x1F54, { 0x03A5, 0x0313, 0x0301 } },
	{ 0x1F56, { 0x03A5, 0x0313, 0x0342 } },
	{ 0x1F80, { 0x1F08, 0x0399, 0 } },
	{ 0x1F81, { 0x1F09, 0x0399, 0 } },
	{ 0x1F82, { 0x1F0A, 0x0399, 0 } },
	{ 0x1F83, { 0x1F0B, 0x0399, 0 } },
	{ 0x1F84, { 0x1F0C, 0x0399, 0 } },
	{ 0x1F85, { 0x1F0D, 0x0399, 0 } },
	{ 0x1F86, { 0x1F0E, 0x0399, 0 } },
	{ 0x1F87, { 0x1F0F, 0x0399, 0 } },
	{ 0x1F88, { 0x1F08, 0x0399, 0 } },
	{ 0x1F89, { 0x1F09, 0x0399, 0 } },
	{ 0x1F8A, { 0x1F0A, 0x0399, 0 } },
	{ 0x1F8B, { 0x1F0B, 0x0399, 0 } },
	{ 0x1F8C, { 0x1F0C, 0x0399, 0 } },
	{ 0x1F8D, { 0x1F0D, 0x0399, 0 } },
	{ 0x1F8E, { 0x1F0E, 0x0399, 0 } },
	{ 0x1F8F, { 0x1F0F, 0x0399, 0 } },
	{ 0x1F90, { 0x1F28, 0x0399, 0 } },
	{ 0x1F91, { 0x1F29, 0x0399, 0 } },
	{ 0x1F92, { 0x1F2A, 0x0399, 0 } },
	{ 0x1F93, { 0x1F2B, 0x0399, 0 } },
	{ 0x1F94, { 0x1F2C, 0x0399, 0 } },
	{ 0x1F95, { 0x1F2D, 0x0399, 0 } },
	{ 0x1F96, { 0x1F2E, 0x0399, 0 } },
	{ 0x1F97, { 0x1F2F, 0x0399, 0 } },
	{ 0x1F98, { 0x1F28, 0x0399, 0 } },
	{ 0x1F99, { 0x1F29, 0x0399, 0 } },
	{ 0x1F9A, { 0x1F2A, 0x0399, 0 } },
	{ 0x1F9B, { 0x1F2B, 0x0399, 0 } },
	{ 0x1F9C, { 0x1F2C, 0x0399, 0 } },
	{ 0x1F9D, { 0x1F2D, 0x0399, 0 } },
	{ 0x1F9E, { 0x1F2E, 0x0399, 0 } },
	{ 0x1F9F, { 0x1F2F, 0x0399, 0 } },
	{ 0x1FA0, { 0x1F68, 0x0399, 0 } },
	{ 0x1FA1, { 0x1F69, 0x0399, 0 } },
	{ 0x1FA2, { 0x1F6A, 0x0399, 0 } },
	{ 0x1FA3, { 0x1F6B, 0x0399, 0 } },
	{ 0x1FA4, { 0x1F6C, 0x0399, 0 } },
	{ 0x1FA5, { 0x1F6D, 0x0399, 0 } },
	{ 0x1FA6, { 0x1F6E, 0x0399, 0 } },
	{ 0x1FA7, { 0x1F6F, 0x0399, 0 } },
	{ 0x1FA8, { 0x1F68, 0x0399, 0 } },
	{ 0x1FA9, { 0x1F69, 0x0399, 0 } },
	{ 0x1FAA, { 0x1F6A, 0x0399, 0 } },
	{ 0x1FAB, { 0x1F6B, 0x0399, 0 } },
	{ 0x1FAC, { 0x1F6C, 0x0399, 0 } },
	{ 0x1FAD, { 0x1F6D, 0x0399, 0 } },
	{ 0x1FAE, { 0x1F6E, 0x0399, 0 } },
	{ 0x1FAF, { 0x1F6F, 0x0399, 0 } },
	{ 0x1FB2, { 0x1FBA, 0x0399, 0 } },
	{ 0x1FB3, { 0x0391, 0x0399, 0 } },
	{ 0x1FB4, { 0x0386, 0x0399, 0 } },
	{ 0x1FB6, { 0x0391, 0x0342, 0 } },
	{ 0x1FB7, { 0x0391, 0x0342, 0x0399 } },
	{ 0x1FBC, { 0x0391, 0x0399, 0 } },
	{ 0x1FC2, { 0x1FCA, 0x0399, 0 } },
	{ 0x1FC3, { 0x0397, 0x0399, 0 } },
	{ 0x1FC4, { 0x0389, 0x0399, 0 } },
	{ 0x1FC6, { 0x0397, 0x0342, 0 } },
	{ 0x1FC7, { 0x0397, 0x0342, 0x0399 } },
	{ 0x1FCC, { 0x0397, 0x0399, 0 } },
	{ 0x1FD2, { 0x0399, 0x0308, 0x0300 } },
	{ 0x1FD3, { 0x0399, 0x0308, 0x0301 } },
	{ 0x1FD6, { 0x0399, 0x0342, 0 } },
	{ 0x1FD7, { 0x0399, 0x0308, 0x0342 } },
	{ 0x1FE2, { 0x03A5, 0x0308, 0x0300 } },
	{ 0x1FE3, { 0x03A5, 0x0308, 0x0301 } },
	{ 0x1FE4, { 0x03A1, 0x0313, 0 } },
	{ 0x1FE6, { 0x03A5, 0x0342, 0 } },
	{ 0x1FE7, { 0x03A5, 0x0308, 0x0342 } },
	{ 0x1FF2, { 0x1FFA, 0x0399, 0 } },
	{ 0x1FF3, { 0x03A9, 0x0399, 0 } },
	{ 0x1FF4, { 0x038F, 0x0399, 0 } },
	{ 0x1FF6, { 0x03A9, 0x0342, 0 } },
	{ 0x1FF7, { 0x03A9, 0x0342, 0x0399 } },
	{ 0x1FFC, { 0x03A9, 0x0399, 0 } },
	{ 0xFB00, { 0x0046, 0x0046, 0 } },
	{ 0xFB01, { 0x0046, 0x0049, 0 } },
	{ 0xFB02, { 0x0046, 0x004C, 0 } },
	{ 0xFB03, { 0x0046, 0x0046, 0x0049 } },
	{ 0xFB04, { 0x0046, 0x0046, 0x004C } },
	{ 0xFB05, { 0x0053, 0x0054, 0 } },
	{ 0xFB06, { 0x0053, 0x0054, 0 } },
	{ 0xFB13, { 0x0544, 0x0546, 0 } },
	{ 0xFB14, { 0x0544, 0x0535, 0 } },
	{ 0xFB15, { 0x0544, 0x053B, 0 } },
	{ 0xFB16, { 0x054E, 0x0546, 0 } },
	{ 0xFB17, { 0x0544, 0x053D, 0 } },
};

/* The full upper-case mapping of c into to[]; returns how many. */
static int
upper_cp(int32_t c, int32_t to[3])
{
	size_t lo = 0, hi = NELEM(upper_full), mid;
	int k;

	if ((c >= 0xDF && c <= 0x587) || (c >= 0x1E96 && c <= 0x1FFC) ||
	    (c >= 0xFB00 && c <= 0xFB17)) {
		while (lo < hi) {
			mid = lo + (hi - lo) / 2;
			if (c < upper_full[mid].cp)
				hi = mid;
			else if (c > upper_full[mid].cp)
				lo = mid + 1;
			else {
				for (k = 0; k < 3 && upper_full[mid].to[k]; k++)
					to[k] = upper_full[mid].to[k];
				return k;
			}
		}
	}
	to[0] = utf8proc_toupper(c);
	return 1;
}

/* The full lower-case mapping of the character at s[i..i+len). */
static int
lower_cp(int32_t c, const char *s, size_t n, size_t i, size_t len,
    int32_t to[3])
{
	if (c == 0x130) {		/* İ keeps its dot as U+0307 */
		to[0] = 'i';
		to[1] = 0x307;
		return 2;
	}
	if (c == 0x3A3) {
		to[0] = final_sigma(s, n, i, len) ? 0x3C2 : 0x3C3;
		return 1;
	}
	to[0] = utf8proc_tolower(c);
	return 1;
}

/*
 * The ASCII letters a mapping changes: A-Z for lower, a-z for upper. In a
 * word of ASCII bytes, adding 0x80 - first sets bit 7 of each byte >= first
 * and adding 0x80 - (first + 26) that of each byte past the range, with no
 * carry between bytes, so their difference marks the letters.
 */
struct casing {
	unsigned char	first;
	uint64_t	lo, hi;
	size_t		num, den;	/* output <= input * num / den */
};
static const struct casing to_lower = {
	'A', (0x80 - 'A') * ONES, (0x80 - 'Z' - 1) * ONES, 3, 2
};
static const struct casing to_upper = {
	'a', (0x80 - 'a') * ONES, (0x80 - 'z' - 1) * ONES, 3, 1
};

/* Index of the first byte at or after i that is non-ASCII or a letter to
 * change. */
static size_t
ascii_skip(const struct casing *k, const char *s, size_t i, size_t n)
{
	uint64_t w;

	for (; i + 8 <= n; i += 8) {
		w = load64(s + i);
		if ((w & HIGHS) || ((w + k->lo) & ~(w + k->hi) & HIGHS))
			break;
	}
	for (; i < n; i++)
		if ((unsigned char)s[i] >= 0x80 ||
		    (unsigned char)(s[i] - k->first) < 26)
			break;
	return i;
}

/* Maps the ASCII run at i into *wp; returns the index of the first
 * non-ASCII byte (or n). Flipping bit 0x20 changes a letter's case. */
static size_t
ascii_map(const struct casing *k, const char *s, size_t i, size_t n,
    char **wp)
{
	char *w = *wp;
	uint64_t x;
	unsigned char c;

	for (; i + 8 <= n; i += 8, w += 8) {
		x = load64(s + i);
		if (x & HIGHS)
			break;
		x ^= ((x + k->lo) & ~(x + k->hi) & HIGHS) >> 2;
		memcpy(w, &x, sizeof(x));
	}
	for (; i < n && (c = (unsigned char)s[i]) < 0x80; i++) {
		if ((unsigned char)(c - k->first) < 26)
			c ^= 0x20;
		*w++ = (char)c;
	}
	*wp = w;
	return i;
}

/*
 * Three-byte sequences led by E0, E3-E9 and EB-EE (U+0800-0FFF,
 * U+3000-9FFF, U+B000-EFFF: Indic scripts, kana, CJK, Hangul, private use)
 * hold no character with a case mapping, so CJK text passes without a
 * table lookup per character.
 */
#define CASELESS_E	0x7BF9

static int
casemap(const struct casing *k, const char *s, size_t n, struct dm_buf *out)
{
	const unsigned char *u = (const unsigned char *)s;
	char *w = NULL;
	size_t i = 0;
	int32_t c, to[3];
	int len, nto, j;

	while (i < n) {
		if (w == NULL) {
			i = ascii_skip(k, s, i, n);
			if (i == n)
				break;
		} else {
			i = ascii_map(k, s, i, n, &w);
			if (i == n)
				break;
		}
		if (u[i] < 0x80)
			goto change;
		if ((u[i] & 0xF0) == 0xE0 && CASELESS_E >> (u[i] & 0x0F) & 1 &&
		    i + 2 < n && (u[i + 1] & 0xC0) == 0x80 &&
		    (u[i + 2] & 0xC0) == 0x80) {
			if (w != NULL) {
				memcpy(w, s + i, 3);
				w += 3;
			}
			i += 3;
			continue;
		}
		if ((len = dm_utf8_decode(s + i, n - i, &c)) < 0) {
			/* not ours to judge: invalid bytes pass through */
			if (w != NULL)
				*w++ = s[i];
			i++;
			continue;
		}
		if (k == &to_lower)
			nto = lower_cp(c, s, n, i, (size_t)len, to);
		else
			nto = upper_cp(c, to);
		if (w == NULL) {
			if (nto == 1 && to[0] == c) {
				i += (size_t)len;
				continue;
			}
			goto change;
		}
		for (j = 0; j < nto; j++)
			w += dm_utf8_encode(to[j], w);
		i += (size_t)len;
		continue;
change:
		/* The first change: room for the worst case, then the
		 * unchanged prefix, and the loop goes on writing. */
		dm_buf_grow(out, i + (n - i) / k->den * k->num + 8);
		memcpy(out->buf + out->len, s, i);
		w = out->buf + out->len + i;
	}
	if (w == NULL)
		return 0;
	dm_buf_setlen(out, (size_t)(w - out->buf));
	return 1;
}

int
dm_uni_lower(const char *s, size_t n, struct dm_buf *out)
{
	return casemap(&to_lower, s, n, out);
}

int
dm_uni_upper(const char *s, size_t n, struct dm_buf *out)
{
	return casemap(&to_upper, s, n, out);
}

/*
 * The span of s left once leading and trailing white space (Python's
 * isspace) is removed. Walking back from the end steps over continuation
 * bytes to the start of the last character.
 */
void
dm_uni_strip(const char *s, size_t n, size_t *b, size_t *e)
{
	size_t i = 0, j = n, k;
	int32_t cp = 0;
	int len;

	while (i < n) {
		if ((len = dm_utf8_decode(s + i, n - i, &cp)) < 0 ||
		    !dm_uni_isspace(cp))
			break;
		i += (size_t)len;
	}
	while (j > i) {
		k = j - 1;
		while (k > i && j - k < 4 &&
		    ((unsigned char)s[k] & 0xC0) == 0x80)
			k--;
		if (dm_utf8_decode(s + k, j - k, &cp) != (int)(j - k) ||
		    !dm_uni_isspace(cp))
			break;
		j = k;
	}
	*b = i;
	*e = j;
}

/* ---- for dm-dedup (declared in dedup.h) ---- */

/* regex's \d and \p{Nd}: decimal digits. */
int
dm_uni_isdecimal(int32_t c)
{
	if (c < 0x80)
		return c >= '0' && c <= '9';
	return utf8proc_category(c) == UTF8PROC_CATEGORY_ND;
}

/* regex's \p{P}: the punctuation categories Pc Pd Ps Pe Pi Pf Po. */
int
dm_uni_ispunct(int32_t c)
{
	utf8proc_category_t k = utf8proc_category(c);

	return k >= UTF8PROC_CATEGORY_PC && k <= UTF8PROC_CATEGORY_PO;
}

/*
 * "".join(c for c in unicodedata.normalize("NFD", s) if
 * unicodedata.category(c) != "Mn"): appends the canonical decomposition
 * of s without its non-spacing marks. s is valid UTF-8.
 */
void
dm_uni_nfd_nomarks(const char *s, size_t n, struct dm_buf *out)
{
	utf8proc_int32_t dec[32];
	utf8proc_ssize_t k, j;
	int32_t cp;
	int len, last;
	size_t i, start;

	for (i = 0; i < n; ) {
		start = i;
		while (i < n && (unsigned char)s[i] < 0x80)
			i++;
		dm_buf_add(out, s + start, i - start);
		if (i == n)
			break;
		if ((len = dm_utf8_decode(s + i, n - i, &cp)) < 0) {
			i++;
			continue;
		}
		i += (size_t)len;
		last = 0;
		k = utf8proc_decompose_char(cp, dec, 32,
		    UTF8PROC_DECOMPOSE | UTF8PROC_STABLE, &last);
		if (k < 0 || k > 32) {
			dm_buf_addcp(out, cp);
			continue;
		}
		for (j = 0; j < k; j++)
			if (utf8proc_category(dec[j]) != UTF8PROC_CATEGORY_MN)
				dm_buf_addcp(out, dec[j]);
	}
}

void
dm_utf8_fix(struct dm_buf *b, const char *s, size_t n)
{
	size_t i, k;

	while (n > 0) {
		k = dm_utf8_check(s, n);
		dm_buf_add(b, s, k);
		if (k == n)
			break;
		dm_buf_adds(b, "\xEF\xBF\xBD");
		i = k + 1;
		s += i;
		n -= i;
	}
}

/*
 * s[0..n) in the normalization form opts (dm_uni_form()), added to out;
 * 0, or -1 with utf8proc's message in *msg. ASCII is the same in every
 * form, and an ASCII character neither combines with nor reorders across
 * what comes before it: so the ASCII stretches are copied, and each run
 * of other characters is normalized with the ASCII character before it,
 * rather than the whole text. Most runs are short (a curly quote, an
 * accented letter), decomposed on the stack.
 */
int
dm_uni_map(const char *s, size_t n, int opts, struct dm_buf *out,
    const char **msg)
{
	utf8proc_int32_t cps[256];
	utf8proc_uint8_t *m;
	utf8proc_ssize_t r;
	size_t i = 0, b, e;

	while (i < n) {
		for (e = i; e < n && (unsigned char)s[e] < 0x80; e++)
			;
		if (e == n) {
			dm_buf_add(out, s + i, n - i);
			break;
		}
		/* the run s[b..e): the ASCII character before, if any */
		b = e > i ? e - 1 : e;
		dm_buf_add(out, s + i, b - i);
		while (e < n && (unsigned char)s[e] >= 0x80)
			e++;
		r = utf8proc_decompose((const utf8proc_uint8_t *)s + b,
		    (utf8proc_ssize_t)(e - b), cps,
		    (utf8proc_ssize_t)(sizeof cps / sizeof *cps),
		    (utf8proc_option_t)opts);
		/* reencode writes a NUL after the code points */
		if (r >= 0 && (size_t)r < sizeof cps / sizeof *cps) {
			r = utf8proc_reencode(cps, r, (utf8proc_option_t)opts);
			if (r >= 0)
				dm_buf_add(out, cps, (size_t)r);
		} else if (r >= 0) {
			r = utf8proc_map((const utf8proc_uint8_t *)s + b,
			    (utf8proc_ssize_t)(e - b), &m,
			    (utf8proc_option_t)opts);
			if (r >= 0) {
				dm_buf_add(out, m, (size_t)r);
				free(m);
			}
		}
		if (r < 0) {
			*msg = utf8proc_errmsg(r);
			return -1;
		}
		i = e;
	}
	return 0;
}

int
dm_uni_form(const char *name)
{
	static const struct {
		const char		*name;
		utf8proc_option_t	 opts;
	} forms[] = {
		{ "NFC", UTF8PROC_STABLE | UTF8PROC_COMPOSE },
		{ "NFKC", UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT },
		{ "NFD", UTF8PROC_STABLE | UTF8PROC_DECOMPOSE },
		{ "NFKD", UTF8PROC_STABLE | UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT }
	};
	size_t i;

	for (i = 0; i < sizeof forms / sizeof *forms; i++)
		if (strcmp(name, forms[i].name) == 0)
			return (int)forms[i].opts;
	return -1;
}
