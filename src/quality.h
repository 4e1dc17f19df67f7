/* quality.h - words, sentences, lines and duplicates as datatrove sees them */
#ifndef DM_QUALITY_H
#define DM_QUALITY_H

/*
 * Shared by the quality predicates gopher, gopher-rep, c4 and fineweb.
 * Every structure here starts zeroed ({ 0 } or calloc), keeps its memory
 * from one text to the next (no allocation per sample once warm) and is
 * released by its _free function. Offsets are bytes, lengths that the
 * predicates compare are characters (code points, as Python's len).
 */

#include <stddef.h>
#include <stdint.h>

#include "dm.h"

struct dm_q_span {
	size_t	b, e;		/* bytes [b, e) of some text */
};

struct dm_q_spans {
	struct dm_q_span *v;
	size_t		 n, cap;
};
void	 dm_q_spans_add(struct dm_q_spans *, size_t b, size_t e);
void	 dm_q_spans_free(struct dm_q_spans *);

/* The bits set in x, without the popcount instruction that x86-64's
 * baseline lacks (and the slow libgcc call). */
static inline size_t
dm_q_popcount(uint64_t x)
{
	x -= x >> 1 & 0x5555555555555555ULL;
	x = (x & 0x3333333333333333ULL) + (x >> 2 & 0x3333333333333333ULL);
	x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0FULL;
	return (size_t)((x * 0x0101010101010101ULL) >> 56);
}

/* The code point at s[i] (i < n) and its length in bytes; a byte that
 * starts no valid sequence is one character, U+FFFD. Inline: every pass
 * over a text calls it per character. */
static inline size_t
dm_q_cp(const char *s, size_t n, size_t i, int32_t *cp)
{
	int l;

	if ((unsigned char)s[i] < 0x80) {
		*cp = (unsigned char)s[i];
		return 1;
	}
	if ((l = dm_utf8_decode(s + i, n - i, cp)) < 0) {
		*cp = 0xFFFD;
		return 1;
	}
	return (size_t)l;
}

/* The length of the white space character (str.isspace()) at s[i] when
 * s[i] >= 0x80, else 0. Only C2, E1, E2 and E3 start one, and no such byte
 * continues a sequence: a scan may test every byte of a text with it and
 * stop where a walk by characters would. */
static inline size_t
dm_q_hispace(const char *s, size_t n, size_t i)
{
	int32_t c;
	size_t l;

	switch ((unsigned char)s[i]) {
	case 0xC2:
	case 0xE1:
	case 0xE2:
	case 0xE3:
		break;
	default:
		return 0;
	}
	l = dm_q_cp(s, n, i, &c);
	return dm_uni_isspace(c) ? l : 0;
}

/* Python's str.splitlines(): the next line of s[0..n) from *pos, without
 * its end (\n, \r\n, \r, \v, \f, \x1c-\x1e, \x85, U+2028, U+2029); 1 and
 * *line set, or 0 when there is none (no empty line after a final end). */
int	 dm_q_line(const char *s, size_t n, size_t *pos,
	    struct dm_q_span *line);

/* datatrove's PUNCTUATION_SET (which includes TERMINAL_PUNCTUATION) and
 * TERMINAL_PUNCTUATION (utils/text.py). */
int	 dm_q_ispunct(int32_t);
int	 dm_q_isterminal(int32_t);

/* Python's \d on str: category Nd (str.isdecimal), not str.isdigit. */
int	 dm_q_isdecimal(int32_t);

/* Number of non-overlapping occurrences of pat, as str.count. */
size_t	 dm_q_count(const char *s, size_t n, const char *pat,
	    size_t plen);

/*
 * Sentences as NLTK's English punkt tokenizer cuts them (sent_tokenize,
 * span_tokenize): candidate ends are '.', '?' and '!' followed by
 * punctuation or by white space and a token; the decision follows punkt's
 * annotation with a built-in abbreviation and sentence-starter list in place
 * of the trained English model; closing quotes and brackets move to the
 * sentence they close. Spans never hold the white space between sentences;
 * the last ends before trailing white space.
 */
struct dm_q_sents {
	struct dm_q_spans s;	/* the sentences */
	struct dm_q_spans raw;	/* before realignment */
	struct dm_q_spans tok;	/* punkt word tokens of one context */
	unsigned char	*flag;	/* per token: PK_BREAK... */
	size_t		 nflag;
	int		 reference;	/* every context tokenized */
};
void	 dm_q_sents_split(struct dm_q_sents *, const char *s, size_t n);
void	 dm_q_sents_free(struct dm_q_sents *);

/*
 * Words as datatrove's split_into_words for English: NLTK's word_tokenize,
 * i.e. the sentences above, each cut by the substitutions of NLTK's
 * NLTKWordTokenizer in their order (quotes become `` and '', punctuation
 * and clitics such as n't 's 'll split off, the final period of a sentence
 * split off, cannot -> can not ...), then split at white space. The
 * words that no substitution changes are cut without them; reference
 * set makes every sentence go through them all (the same words, slower).
 */
struct dm_q_words {
	struct dm_buf	 tok;	/* the tokens back to back */
	size_t		*off;	/* token i ends at off[i + 1] */
	size_t		*len;	/* its length in characters */
	unsigned char	*kind;	/* its bytes (DM_QK_...), 0: not known */
	size_t		 n, cap;
	struct dm_buf	 a, b;	/* the sentence being rewritten */
	struct dm_q_sents sents;
	const char	*text;	/* the text being split */
	size_t		 textn;	/* its length */
	uint64_t	*ws, *odd, *cont;	/* per byte of it: see chunk() */
	uint64_t	*let, *dig;	/* its ASCII letters and digits */
	uint64_t	*term;	/* its bytes '.', '?' and '!' */
	size_t		 nbits;	/* 64-bit words allocated to each */
	int		 valid;	/* the text is valid UTF-8 */
	int		 known;	/* it is, said by the caller: not checked */
	int		 high;	/* it has bytes from 0x80 up */
	int		 reference;	/* every sentence through the passes */
};
/* What the bytes of a token hold, as the split finds it on the way
 * (tokens hold no white space): an ASCII letter; else only ASCII, with
 * a digit or without. */
enum { DM_QK_LETTER = 1, DM_QK_DIGIT, DM_QK_OTHER };
void	 dm_q_words_split(struct dm_q_words *, const char *s, size_t n);
void	 dm_q_words_free(struct dm_q_words *);
/* The number of runs of characters other than white space in s, as
 * len(s.split()): no more than the words of s (each run gives one or
 * more, since no substitution removes a character other than white space
 * and sentences only cut runs), and much cheaper. */
size_t	 dm_q_runs(const char *s, size_t n);
/* The words of s, split once for all the predicates that ask about the
 * same text in a row. gen is dm_sample_linegen() of the text: when not 0
 * the text is valid UTF-8 (not checked again) and known by gen and its
 * place; else it is compared byte for byte with the last text asked
 * about. Valid until the next call. */
const struct dm_q_words *dm_q_words_of(const char *s, size_t n,
	    unsigned long gen);
/* Those words when they are split already (the last text asked about),
 * else NULL: a predicate that can do without them takes them when free. */
const struct dm_q_words *dm_q_words_split_already(const char *s, size_t n,
	    unsigned long gen);

/*
 * An open-addressing hash set of item numbers. The caller hashes an item
 * and says when two items are equal; dm_q_set_add returns the number of
 * the equal item already present, or inserts item and returns it.
 */
typedef int (*dm_q_eq)(const void *ctx, size_t a, size_t b);
struct dm_q_set {
	uint64_t	*h;
	size_t		*v;	/* the item in each slot */
	uint32_t	*gen;	/* a slot is filled when it holds cur */
	uint32_t	 cur;	/* the fill since the last clear */
	size_t		 cap;	/* slots in use, a power of 2 */
	size_t		 alloc;	/* slots allocated */
};
/* Empties the set and makes room for n items: a new generation, so that
 * a clear costs nothing however many slots were filled. */
void	 dm_q_set_clear(struct dm_q_set *, size_t n);
/* Inline: called for every n-gram of every text, and inlined with a
 * known eq the comparison is a direct call. */
static inline size_t
dm_q_set_add(struct dm_q_set *t, uint64_t h, size_t item, dm_q_eq eq,
    const void *ctx)
{
	size_t mask = t->cap - 1, i;

	for (i = (size_t)(h ^ h >> 29) & mask; t->gen[i] == t->cur;
	    i = (i + 1) & mask)
		if (t->h[i] == h && eq(ctx, t->v[i], item))
			return t->v[i];
	t->h[i] = h;
	t->v[i] = item;
	t->gen[i] = t->cur;
	return item;
}
void	 dm_q_set_free(struct dm_q_set *);

/* datatrove's find_duplicates over the strings v[i] of s: every
 * occurrence after the first of an equal string is a duplicate; *ndup
 * gets their number and *nchars their characters. */
void	 dm_q_dups(struct dm_q_set *, const char *s,
	    const struct dm_q_span *v, size_t n, size_t *ndup, size_t *nchars);

/* Python's str.strip() of s[b..e), in place. */
void	 dm_q_strip(const char *s, size_t *b, size_t *e);

#endif /* DM_QUALITY_H */
