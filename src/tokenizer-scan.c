/* tokenizer-scan.c - the pre-tokenizer expression of GPT-4's cl100k_base (and of Llama 3 and Qwen), as a scanner */
#include <stdint.h>
#include <string.h>

#include <utf8proc.h>

#include "tokenizer.h"

/*
 * The expression, as PCRE2 with UTF and UCP runs it:
 *
 *   (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}|
 *    ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
 *
 * (Qwen's has \p{N} alone.) Every character is a letter, a number, white
 * space or something else, and each starts an alternative, so the matches
 * tile the text: the next one always starts where the last one ended,
 * and only its end is to be found. The alternatives are tried in order,
 * with the backtracking PCRE2 would do reduced to what it can find.
 * \s is PCRE2's under UCP: tab, line feed, vertical tab, form feed,
 * carriage return, U+0085, U+180E and the Z categories.
 */

enum { OTHER, LETTER, NUMBER, SPACE };

static const unsigned char ascii[128] = {
	['\t'] = SPACE, ['\n'] = SPACE, ['\v'] = SPACE, ['\f'] = SPACE,
	['\r'] = SPACE, [' '] = SPACE,
	['0'] = NUMBER, ['1'] = NUMBER, ['2'] = NUMBER, ['3'] = NUMBER,
	['4'] = NUMBER, ['5'] = NUMBER, ['6'] = NUMBER, ['7'] = NUMBER,
	['8'] = NUMBER, ['9'] = NUMBER,
	['A'] = LETTER, ['B'] = LETTER, ['C'] = LETTER, ['D'] = LETTER,
	['E'] = LETTER, ['F'] = LETTER, ['G'] = LETTER, ['H'] = LETTER,
	['I'] = LETTER, ['J'] = LETTER, ['K'] = LETTER, ['L'] = LETTER,
	['M'] = LETTER, ['N'] = LETTER, ['O'] = LETTER, ['P'] = LETTER,
	['Q'] = LETTER, ['R'] = LETTER, ['S'] = LETTER, ['T'] = LETTER,
	['U'] = LETTER, ['V'] = LETTER, ['W'] = LETTER, ['X'] = LETTER,
	['Y'] = LETTER, ['Z'] = LETTER,
	['a'] = LETTER, ['b'] = LETTER, ['c'] = LETTER, ['d'] = LETTER,
	['e'] = LETTER, ['f'] = LETTER, ['g'] = LETTER, ['h'] = LETTER,
	['i'] = LETTER, ['j'] = LETTER, ['k'] = LETTER, ['l'] = LETTER,
	['m'] = LETTER, ['n'] = LETTER, ['o'] = LETTER, ['p'] = LETTER,
	['q'] = LETTER, ['r'] = LETTER, ['s'] = LETTER, ['t'] = LETTER,
	['u'] = LETTER, ['v'] = LETTER, ['w'] = LETTER, ['x'] = LETTER,
	['y'] = LETTER, ['z'] = LETTER
};

/* The character at s[i] (i < n) into *c; its length in bytes. A byte
 * that does not start a whole UTF-8 sequence is a character alone. */
static size_t
dec(const unsigned char *s, size_t n, size_t i, int32_t *c)
{
	utf8proc_ssize_t k;

	if (s[i] < 0x80) {
		*c = s[i];
		return 1;
	}
	k = utf8proc_iterate(s + i, (utf8proc_ssize_t)(n - i), c);
	if (k <= 0) {
		*c = -1;
		return 1;
	}
	return (size_t)k;
}

static int
cls(int32_t c)
{
	if (c >= 0 && c < 128)
		return ascii[c];
	if (c < 0)
		return OTHER;
	/* PCRE2's \s holds these two too (tables of pcre2_ucd.c) */
	if (c == 0x85 || c == 0x180e)
		return SPACE;
	switch (utf8proc_category(c)) {
	case UTF8PROC_CATEGORY_LU:
	case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO:
		return LETTER;
	case UTF8PROC_CATEGORY_ND:
	case UTF8PROC_CATEGORY_NL:
	case UTF8PROC_CATEGORY_NO:
		return NUMBER;
	case UTF8PROC_CATEGORY_ZS:
	case UTF8PROC_CATEGORY_ZL:
	case UTF8PROC_CATEGORY_ZP:
		return SPACE;
	default:
		return OTHER;
	}
}

/* The class of the character at i, its length in *len. */
static int
at(const unsigned char *s, size_t n, size_t i, size_t *len, int32_t *cp)
{
	int32_t c;

	*len = dec(s, n, i, &c);
	if (cp)
		*cp = c;
	return cls(c);
}

/* Past the characters of class k from i. */
static size_t
run(const unsigned char *s, size_t n, size_t i, int k)
{
	size_t len;

	while (i < n && (s[i] < 0x80 ? ascii[s[i]] == k :
	    at(s, n, i, &len, NULL) == k))
		i += s[i] < 0x80 ? 1 : len;
	return i;
}

/* The length of a contraction after an apostrophe: s t re ve m ll d in
 * any case (PCRE2's caseless s is also U+017F, the long s); 0 if none. */
static size_t
contraction(const unsigned char *s, size_t n)
{
	/* | 0x20 lower-cases a letter and makes no letter of anything else */
	int a = n > 0 ? s[0] | 0x20 : 0, b = n > 1 ? s[1] | 0x20 : 0;

	if (a == 's' || a == 't' || a == 'm' || a == 'd')
		return 1;
	if (n > 1 && s[0] == 0xc5 && s[1] == 0xbf)
		return 2;
	if (((a == 'r' || a == 'v') && b == 'e') || (a == 'l' && b == 'l'))
		return 2;
	return 0;
}

size_t
dm_tok_scan(int digits, const char *text, size_t n, size_t pos)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t l0, l1, i, w, nl, last, k;
	int32_t c0;
	int k0, d;

	if (pos >= n)
		return n;
	k0 = at(s, n, pos, &l0, &c0);
	/* 's 't 're 've 'm 'll 'd */
	if (c0 == '\'' && (k = contraction(s + pos + 1, n - pos - 1)) > 0)
		return pos + 1 + k;
	/* [^\r\n\p{L}\p{N}]?\p{L}+ */
	if (k0 == LETTER)
		return run(s, n, pos + l0, LETTER);
	if (k0 != NUMBER && c0 != '\r' && c0 != '\n' && pos + l0 < n &&
	    at(s, n, pos + l0, &l1, NULL) == LETTER)
		return run(s, n, pos + l0 + l1, LETTER);
	/* \p{N}{1,3} */
	if (k0 == NUMBER) {
		for (i = pos + l0, d = 1; d < digits && i < n &&
		    at(s, n, i, &l1, NULL) == NUMBER; d++)
			i += l1;
		return i;
	}
	/*  ?[^\s\p{L}\p{N}]+[\r\n]* */
	i = c0 == ' ' ? pos + 1 : pos;
	if (i < n && (i == pos ? k0 : at(s, n, i, &l1, NULL)) == OTHER) {
		i = run(s, n, i, OTHER);
		while (i < n && (s[i] == '\r' || s[i] == '\n'))
			i++;
		return i;
	}
	/* white space from here: \s*[\r\n]+ ends after its last \r or \n */
	nl = 0;
	last = pos;
	for (w = pos; w < n; w += l1) {
		if (at(s, n, w, &l1, NULL) != SPACE)
			break;
		if (s[w] == '\r' || s[w] == '\n')
			nl = w + 1;
		last = w;
	}
	if (nl > 0)
		return nl;
	/* \s+(?!\S), giving its last character back when \S follows; \s+ */
	if (w < n && last > pos)
		return last;
	return w;
}
