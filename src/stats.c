/* stats.c - text statistics of OPS.md, computed once per text */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "dm.h"
#include "special.h"
#include "tokenizer.h"
#include "tokenizer-spm.h"

/*
 * Every statistic means what Data-Juicer's filter of the same purpose
 * computes (OPS.md names it), because recipes come from there:
 *  - a character is a code point, as Python's len() counts;
 *  - lines are str.splitlines(): \n, \r\n, \r, \v, \f, \x1c-\x1e, U+0085,
 *    U+2028, U+2029 end a line, and no empty line follows the last one;
 *  - words are split on ' ', '\n' and '\t' only (DJ's
 *    split_on_whitespace), empty ones dropped, then stripped of SPECIAL
 *    characters at both ends and dropped again when nothing is left;
 *    "refined" words are lower-cased (str.lower) before the stripping.
 * A ratio of an empty text, or over no words, lines or n-grams, is 0.
 *
 * The work is shared: one pass classifies the characters for all the
 * ratios, one finds the lines, one makes the refined words, and each
 * (statistic, argument) is kept until the next text. len and bytes need
 * no pass at all.
 */

enum {
	S_ALNUM_RATIO, S_ALPHA_TOKEN_RATIO, S_AVG_LINE_LEN, S_BYTES, S_CHAR_REP, S_DIGIT_RATIO,
	S_FLAGGED_RATIO, S_LEN, S_LINES, S_MAX_LINE_LEN, S_SPACE_RATIO,
	S_SPECIAL_RATIO, S_STOPWORD_RATIO, S_TOKENS, S_UPPER_RATIO, S_WORD_REP, S_WORDS,
	NSTAT
};

/* Sorted by name: dm_stat_find searches by halves. */
static const struct dm_statdef stats[NSTAT] = {
	{ "alnum_ratio", DM_STATARG_NONE, NULL, 0,
	  "alphanumeric characters / characters", 0 },
	{ "alpha_token_ratio", DM_STATARG_STR, NULL, 0,
	  "letters / tokens of a tokenizer (Data-Juicer's alpha_token_ratio)",
	  0 },
	{ "avg_line_len", DM_STATARG_NONE, NULL, 0,
	  "characters / lines", 0 },
	{ "bytes", DM_STATARG_NONE, NULL, 1,
	  "length in UTF-8 bytes", 0 },
	{ "char_rep", DM_STATARG_INT, "10", 0,
	  "share of character n-grams in the most repeated ones", 0 },
	{ "digit_ratio", DM_STATARG_NONE, NULL, 0,
	  "digits / characters", 0 },
	{ "flagged_ratio", DM_STATARG_STR, "en", 0,
	  "refined words in the flagged-word list / words", 1 },
	{ "len", DM_STATARG_NONE, NULL, 1,
	  "length in characters", 0 },
	{ "lines", DM_STATARG_NONE, NULL, 1,
	  "number of lines", 0 },
	{ "max_line_len", DM_STATARG_NONE, NULL, 1,
	  "characters of the longest line", 0 },
	{ "space_ratio", DM_STATARG_NONE, NULL, 0,
	  "white-space characters / characters", 0 },
	{ "special_ratio", DM_STATARG_NONE, NULL, 0,
	  "SPECIAL characters / characters", 0 },
	{ "stopword_ratio", DM_STATARG_STR, "en", 0,
	  "refined words in the stop-word list / words", 1 },
	{ "tokens", DM_STATARG_STR, NULL, 1,
	  "tokens of a Hugging Face tokenizer.json (byte-level BPE)", 0 },
	{ "upper_ratio", DM_STATARG_NONE, NULL, 0,
	  "upper-case characters / characters", 0 },
	{ "word_rep", DM_STATARG_INT, "10", 0,
	  "share of word n-grams that occur more than once", 1 },
	{ "words", DM_STATARG_NONE, NULL, 1,
	  "words stripped of SPECIAL characters at both ends", 1 },
};

/* What the passes over a text have made so far (bits of have). */
enum {
	H_CLASSES = 1 << 0,	/* nalnum ... nspecial, nchars */
	H_LINES = 1 << 1,	/* nlines, maxline */
	H_LEN = 1 << 2,		/* nchars */
	H_WORDS = 1 << 3,	/* nwords */
	H_CP = 1 << 4,		/* cp[] */
	H_REFINED = 1 << 5,	/* w[] over low */
	H_WIDS = 1 << 6		/* wid[] */
};

struct span {
	size_t	off, len;
};

/*
 * The words of a text as a SentencePiece model cuts it (sp=MODEL), made
 * once per text and model: the pieces; how many are left once stripped
 * of SPECIAL (words); and the refined ones, each lower-cased then
 * stripped, in low. Valid while gen matches the text's.
 */
struct spwords {
	struct dm_spm	*m;
	unsigned long	 gen;
	struct dm_buf	 raw;		/* the pieces, one after the other */
	struct span	*p;		/* the pieces, in raw */
	size_t		 np, pcap;
	size_t		 nwords;
	struct dm_buf	 low;
	struct span	*w;		/* refined words, in low */
	size_t		 nw, wcap;
};

/* A statistic with an argument, kept from text to text: the argument is
 * parsed and its word list found once; v is valid while gen matches. */
struct argval {
	int		 stat;
	char		*arg;
	long long	 num;
	const struct dm_wordset *ws;
	struct dm_tok	*tok;
	struct spwords	*sp;		/* sp=MODEL, or NULL */
	struct listopts	*lo;		/* the options of a word list */
	unsigned long	 gen;
	double		 v;
};

/*
 * The options of stopword_ratio and flagged_ratio after LANG[:LIST]:
 * cut=true cuts runs of Han and kana by the list; aug=N[+N...] adds the
 * words joined N at a time by join, as Data-Juicer's use_words_aug.
 */
struct listopts {
	char		*set;		/* LANG[:LIST] */
	int		 cut;
	size_t		*aug;
	size_t		 naug;
	char		*join;
};

/*
 * One n-gram (or interned word) in an open-addressing table: 32 bits of
 * its hash, and its number among the distinct ones from 1 (0: the slot is
 * free). Eight bytes, so that the table of a long text stays in cache.
 */
struct tabslot {
	uint32_t	tag;
	uint32_t	id;
};

struct dm_textstats {
	const char	*s;
	size_t		 n;
	unsigned long	 gen;
	unsigned	 have;
	double		 val[NSTAT];
	unsigned long	 vgen[NSTAT];
	struct argval	*av;
	size_t		 nav;
	struct spwords	**sp;		/* one for each model of sp= */
	size_t		 nsp;
	size_t		 nchars, nalnum, ndigit, nupper, nspace, nspecial;
	size_t		 nlines, maxline;
	size_t		 nwords;
	int32_t		*cp;		/* the code points */
	size_t		 ncp, cpcap;
	struct dm_buf	 low;		/* the lower-cased text, when it differs */
	const char	*ls;		/* low.buf or s */
	struct span	*w;		/* refined words, in ls */
	size_t		 nw, wcap;
	struct span	*tk;		/* the words a list is matched with */
	size_t		 ntk, tkcap;
	struct dm_buf	 aug;		/* a group of words, joined */
	int32_t		*wid;		/* refined words as interned ids */
	size_t		 widcap;
	struct tabslot	*tab;		/* hash table for n-grams and ids */
	size_t		 tabcap;
	uint32_t	*freq;		/* count of each distinct n-gram */
	uint32_t	*first;		/* where each one first occurs */
	size_t		 freqcap;
};

/* ---- the SPECIAL set ---- */

/*
 * Every SPECIAL code point lies below U+20000, so a 16 KiB bitmap, made
 * from special.h at first use, answers with one load; ASCII has its own
 * two words.
 */
#define SPECIAL_LIMIT	0x20000
static uint64_t special_bits[SPECIAL_LIMIT / 64];
static int special_ready;

static void
special_init(void)
{
	size_t i;
	int32_t c;

	special_bits[0] = special_ascii[0];
	special_bits[1] = special_ascii[1];
	for (i = 0; i < sizeof special_ranges / sizeof special_ranges[0]; i++)
		for (c = special_ranges[i][0]; c <= special_ranges[i][1]; c++)
			special_bits[c >> 6] |= 1ULL << (c & 63);
	special_ready = 1;
}

static inline int
isspecial(int32_t c)
{
	return c >= 0 && c < SPECIAL_LIMIT &&
	    (special_bits[c >> 6] >> (c & 63) & 1);
}

static inline int
isspecial_ascii(unsigned char c)
{
	return special_ascii[c >> 6] >> (c & 63) & 1;
}

/* ---- the table of statistics ---- */

const struct dm_statdef *
dm_stats_all(size_t *n)
{
	*n = NSTAT;
	return stats;
}

const struct dm_statdef *
dm_stat_find(const char *name)
{
	size_t lo = 0, hi = NSTAT, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(name, stats[mid].name);
		if (c == 0)
			return &stats[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

static int
statindex(const struct dm_statdef *d)
{
	if (d < stats || d >= stats + NSTAT)
		return -1;
	return (int)(d - stats);
}

/* n-gram lengths: a decimal integer in [1, 1000000]. */
static int
parse_n(const struct dm_statdef *d, const char *arg, long long *n,
    struct dm_buf *err)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(arg, &end, 10);
	if (*arg == '\0' || *end != '\0' || errno != 0 || v < 1 ||
	    v > 1000000) {
		dm_buf_addf(err, "%s: the n-gram length must be an integer "
		    "from 1 to 1000000, not '", d->name);
		dm_buf_addquoted(err, arg, strlen(arg), 64);
		dm_buf_addc(err, '\'');
		return -1;
	}
	*n = v;
	return 0;
}

static const char *
listkind(int k)
{
	return k == S_STOPWORD_RATIO ? "stopwords" : "flagged";
}

static void
listopts_free(struct listopts *o)
{
	if (o == NULL)
		return;
	free(o->set);
	free(o->aug);
	free(o->join);
	free(o);
}

/*
 * The argument of a word list, sp= taken off: LANG[:LIST] then options
 * cut=true|false, aug=N[+N...] and join=TEXT (up to the next ':'), each
 * once, in any order. NULL with a message in err.
 */
static struct listopts *
listopts_parse(const struct dm_statdef *d, const char *arg,
    struct dm_buf *err)
{
	struct listopts *o = dm_xcalloc(1, sizeof *o);
	const char *p = arg, *e, *eq, *q;
	char *end;
	size_t n, part;
	long long v;

	for (part = 0;; part++) {
		if ((e = strchr(p, ':')) == NULL)
			e = p + strlen(p);
		n = (size_t)(e - p);
		eq = memchr(p, '=', n);
		if (part == 0 || (part == 1 && eq == NULL)) {
			if (eq != NULL || n == 0)
				goto bad;
			if (part == 1)
				o->set = dm_xstrndup(arg, (size_t)(e - arg));
		} else if (eq == NULL)
			goto bad;
		else if (eq - p == 3 && memcmp(p, "cut", 3) == 0 &&
		    (e - eq == 5 || e - eq == 6) && o->cut == 0) {
			if (memcmp(eq + 1, "true", 4) == 0 && e - eq == 5)
				o->cut = 1;
			else if (memcmp(eq + 1, "false", 5) == 0 &&
			    e - eq == 6)
				o->cut = -1;
			else
				goto bad;
		} else if (eq - p == 3 && memcmp(p, "aug", 3) == 0 &&
		    o->aug == NULL) {
			o->aug = dm_xreallocarray(NULL, n, sizeof *o->aug);
			for (q = eq + 1;; q = end + 1) {
				errno = 0;
				v = strtoll(q, &end, 10);
				if (end == q || (*q < '0' || *q > '9') ||
				    errno != 0 || v < 1 || v > 1000000)
					goto badaug;
				o->aug[o->naug++] = (size_t)v;
				if (end == e)
					break;
				if (*end != '+')
					goto badaug;
			}
		} else if (eq - p == 4 && memcmp(p, "join", 4) == 0 &&
		    o->join == NULL)
			o->join = dm_xstrndup(eq + 1, (size_t)(e - eq - 1));
		else
			goto bad;
		if (*e == '\0')
			break;
		p = e + 1;
	}
	if (o->set == NULL)
		o->set = dm_xstrndup(arg, strcspn(arg, ":"));
	if (o->cut < 0)
		o->cut = 0;
	return o;
badaug:
	dm_buf_addf(err, "%s: aug= takes group sizes from 1 to 1000000, "
	    "joined by '+', not '", d->name);
	dm_buf_addquoted(err, eq + 1, (size_t)(e - eq - 1), 64);
	dm_buf_addc(err, '\'');
	listopts_free(o);
	return NULL;
bad:
	dm_buf_addf(err, "%s: expected LANG[:LIST] then cut=, aug= or join=, "
	    "each once, not '", d->name);
	dm_buf_addquoted(err, arg, strlen(arg), 64);
	dm_buf_addc(err, '\'');
	listopts_free(o);
	return NULL;
}

/*
 * The model of an argument "[ARG:]sp=MODEL", or NULL; *own gets the
 * length of ARG. ARG (a language, a list, an integer, the options of a
 * list) holds no "sp=" after a ':' (a join= text holds no ':'), so the
 * first "sp=" at the start or after a ':' begins the model.
 */
static const char *
sp_model(const char *arg, size_t *own)
{
	const char *p;

	if (arg == NULL)
		return NULL;
	if (strncmp(arg, "sp=", 3) == 0) {
		*own = 0;
		return arg + 3;
	}
	if ((p = strstr(arg, ":sp=")) == NULL)
		return NULL;
	*own = (size_t)(p - arg);
	return p + 4;
}

int
dm_stat_check(const struct dm_statdef *d, const char *arg, struct dm_buf *err)
{
	const char *model;
	long long n;
	size_t own;
	int k;

	if ((k = statindex(d)) < 0) {
		dm_buf_adds(err, "unknown statistic");
		return -1;
	}
	if (d->sp && (model = sp_model(arg, &own)) != NULL) {
		char *a = own ? dm_xstrndup(arg, own) : NULL;
		int r;

		if (dm_tok_spm(model, err) == NULL) {
			free(a);
			return -1;
		}
		r = dm_stat_check(d, a, err);
		free(a);
		return r;
	}
	if (arg == NULL)
		arg = d->argdef;
	switch (d->arg) {
	case DM_STATARG_NONE:
		if (arg != NULL) {
			dm_buf_addf(err, "%s takes no argument", d->name);
			return -1;
		}
		return 0;
	case DM_STATARG_INT:
		return parse_n(d, arg, &n, err);
	case DM_STATARG_STR:
		if (k == S_TOKENS || k == S_ALPHA_TOKEN_RATIO) {
			if (arg == NULL) {
				dm_buf_addf(err, "%s needs a tokenizer file: "
				    "%s(\"tokenizer.json\")", d->name, d->name);
				return -1;
			}
			return dm_tok_get(arg, err) ? 0 : -1;
		}
		{
			struct listopts *o;
			int r;

			if ((o = listopts_parse(d, arg, err)) == NULL)
				return -1;
			r = dm_wordset_get(listkind(k), o->set, err) ? 0 : -1;
			listopts_free(o);
			return r;
		}
	}
	return 0;
}

/* ---- the text ---- */

struct dm_textstats *
dm_textstats_new(void)
{
	struct dm_textstats *ts;

	if (!special_ready)
		special_init();
	ts = dm_xcalloc(1, sizeof *ts);
	dm_buf_init(&ts->low);
	dm_buf_init(&ts->aug);
	ts->s = "";
	ts->gen = 1;
	return ts;
}

void
dm_textstats_reset(struct dm_textstats *ts, const char *s, size_t n)
{
	ts->s = s ? s : "";
	ts->n = s ? n : 0;
	ts->gen++;
	ts->have = 0;
}

void
dm_textstats_free(struct dm_textstats *ts)
{
	size_t i;

	if (ts == NULL)
		return;
	for (i = 0; i < ts->nav; i++) {
		free(ts->av[i].arg);
		listopts_free(ts->av[i].lo);
	}
	free(ts->av);
	for (i = 0; i < ts->nsp; i++) {
		dm_buf_free(&ts->sp[i]->raw);
		dm_buf_free(&ts->sp[i]->low);
		free(ts->sp[i]->p);
		free(ts->sp[i]->w);
		free(ts->sp[i]);
	}
	free(ts->sp);
	free(ts->cp);
	dm_buf_free(&ts->low);
	free(ts->w);
	free(ts->tk);
	dm_buf_free(&ts->aug);
	free(ts->wid);
	free(ts->tab);
	free(ts->freq);
	free(ts->first);
	free(ts);
}

/* Decodes one code point of s[i..n); an invalid byte is -1, length 1. */
static inline int32_t
next_cp(const char *s, size_t n, size_t *i)
{
	int32_t c;
	int l;

	if ((unsigned char)s[*i] < 0x80)
		return (unsigned char)s[(*i)++];
	if ((l = dm_utf8_decode(s + *i, n - *i, &c)) < 0) {
		(*i)++;
		return -1;
	}
	*i += (size_t)l;
	return c;
}

/* The code point that ends at s[j] (exclusive), at or after lo; its start
 * goes to *start. */
static inline int32_t
prev_cp(const char *s, size_t lo, size_t j, size_t *start)
{
	size_t k = j - 1;
	int32_t c = -1;

	if ((unsigned char)s[k] < 0x80) {
		*start = k;
		return (unsigned char)s[k];
	}
	while (k > lo && j - k < 4 && ((unsigned char)s[k] & 0xC0) == 0x80)
		k--;
	if (dm_utf8_decode(s + k, j - k, &c) != (int)(j - k)) {
		*start = j - 1;
		return -1;
	}
	*start = k;
	return c;
}

/* ---- characters ---- */

static size_t
nchars(struct dm_textstats *ts)
{
	if (!(ts->have & (H_LEN | H_CLASSES))) {
		ts->nchars = dm_utf8_count(ts->s, ts->n);
		ts->have |= H_LEN;
	}
	return ts->nchars;
}

enum { C_ALNUM = 1, C_DIGIT = 2, C_UPPER = 4, C_SPACE = 8, C_SPECIAL = 16 };
#define NCLASS	5	/* the bits above, in this order */

static unsigned
classify(int32_t c)
{
	unsigned f = 0;

	if (c < 0)
		return 0;
	if (dm_uni_isalnum(c))
		f |= C_ALNUM;
	if (dm_uni_isdigit(c))
		f |= C_DIGIT;
	if (dm_uni_isupper(c))
		f |= C_UPPER;
	if (dm_uni_isspace(c))
		f |= C_SPACE;
	if (isspecial(c))
		f |= C_SPECIAL;
	return f;
}

/*
 * The classes of the Basic Multilingual Plane, filled 256 code points at
 * a time as text needs them: every script's letters then cost one load
 * instead of five property lookups.
 */
static unsigned char bmp_class[0x10000];
static unsigned char bmp_ready[0x100];

static inline unsigned
class_of(int32_t c)
{
	int32_t b, k;

	if (c < 0 || c > 0xFFFF)
		return classify(c);
	b = c >> 8;
	if (!bmp_ready[b]) {
		for (k = 0; k < 0x100; k++)
			bmp_class[b << 8 | k] = (unsigned char)classify(b << 8 | k);
		bmp_ready[b] = 1;
	}
	return bmp_class[c];
}

#ifdef __SSE2__
/*
 * The ASCII members of the classes, as classify() gives them today:
 * alnum [0-9A-Za-z], digit [0-9], upper [A-Z], space [\t-\r\x1c-\x20],
 * SPECIAL [\t-\r\x20-@[-`{-~]. A 16-byte stretch of ASCII is classified
 * with eight range compares. ascii_init checks these against classify()
 * and, should the tables ever differ, leaves the work to the histogram.
 */
static const unsigned char ascii_ranges[][3] = {	/* lo, hi, classes */
	{ 0x30, 0x39, C_ALNUM | C_DIGIT | C_SPECIAL },
	{ 0x41, 0x5A, C_ALNUM | C_UPPER },
	{ 0x61, 0x7A, C_ALNUM },
	{ 0x09, 0x0D, C_SPACE | C_SPECIAL },
	{ 0x1C, 0x1F, C_SPACE },
	{ 0x20, 0x20, C_SPACE | C_SPECIAL },
	{ 0x21, 0x2F, C_SPECIAL },
	{ 0x3A, 0x40, C_SPECIAL },
	{ 0x5B, 0x60, C_SPECIAL },
	{ 0x7B, 0x7E, C_SPECIAL },
};
static int ascii_ready, ascii_simd;

static void
ascii_init(void)
{
	unsigned want[128] = { 0 };
	size_t r;
	int c;

	for (r = 0; r < sizeof ascii_ranges / sizeof ascii_ranges[0]; r++)
		for (c = ascii_ranges[r][0]; c <= ascii_ranges[r][1]; c++)
			want[c] = ascii_ranges[r][2];
	ascii_simd = 1;
	for (c = 0; c < 128; c++)
		if (want[c] != classify(c))
			ascii_simd = 0;
	ascii_ready = 1;
}

/* 0xFF in the bytes of v in [lo, hi]. */
#define INRANGE(v, lo, hi) _mm_cmpeq_epi8(_mm_subs_epu8(_mm_sub_epi8((v), \
	_mm_set1_epi8((char)(lo))), _mm_set1_epi8((char)((hi) - (lo)))), \
	_mm_setzero_si128())

static inline size_t
hsum8(__m128i acc)
{
	__m128i s = _mm_sad_epu8(acc, _mm_setzero_si128());

	return (size_t)_mm_cvtsi128_si32(s) +
	    (size_t)_mm_cvtsi128_si32(_mm_srli_si128(s, 8));
}
#endif

/*
 * One pass for all the character ratios. Stretches of 16 ASCII bytes are
 * counted by class with range compares into byte counters (emptied every
 * 255 stretches); other ASCII bytes go into a histogram, classified once
 * at the end; other characters are decoded and looked up as they come,
 * and counted by their set of classes (fh), summed into classes at the
 * end.
 */
static void
classes(struct dm_textstats *ts)
{
	const unsigned char *u = (const unsigned char *)ts->s;
	size_t hist[128] = { 0 }, i = 0, n = ts->n, nc = 0;
	size_t cnt[NCLASS] = { 0 }, fh[1 << NCLASS] = { 0 };
	unsigned f;
	int k;

#ifdef __SSE2__
	__m128i acc[NCLASS], v;
	int run = 0;

	if (!ascii_ready)
		ascii_init();
	for (k = 0; k < NCLASS; k++)
		acc[k] = _mm_setzero_si128();
	while (ascii_simd && i + 16 <= n) {
		v = _mm_loadu_si128((const __m128i *)(u + i));
		if (_mm_movemask_epi8(v) == 0) {
			__m128i d = INRANGE(v, 0x30, 0x39);
			__m128i up = INRANGE(v, 0x41, 0x5A);
			__m128i t = INRANGE(v, 0x09, 0x0D);
			__m128i sp = _mm_or_si128(t, INRANGE(v, 0x1C, 0x20));

			acc[0] = _mm_sub_epi8(acc[0], _mm_or_si128(
			    _mm_or_si128(d, up), INRANGE(v, 0x61, 0x7A)));
			acc[1] = _mm_sub_epi8(acc[1], d);
			acc[2] = _mm_sub_epi8(acc[2], up);
			acc[3] = _mm_sub_epi8(acc[3], sp);
			acc[4] = _mm_sub_epi8(acc[4], _mm_or_si128(
			    _mm_or_si128(t, INRANGE(v, 0x20, 0x40)),
			    _mm_or_si128(INRANGE(v, 0x5B, 0x60),
			    INRANGE(v, 0x7B, 0x7E))));
			nc += 16;
			i += 16;
			if (++run == 255) {
				for (k = 0; k < NCLASS; k++) {
					cnt[k] += hsum8(acc[k]);
					acc[k] = _mm_setzero_si128();
				}
				run = 0;
			}
			continue;
		}
		/* up to the end of this stretch, and past it by the
		 * rest of a character that starts in it */
		for (size_t end = i + 16; i < end;) {
			if (u[i] < 0x80) {
				hist[u[i++]]++;
				continue;
			}
			nc++;
			fh[class_of(next_cp(ts->s, n, &i))]++;
		}
	}
	for (k = 0; k < NCLASS; k++)
		cnt[k] += hsum8(acc[k]);
#endif
	while (i < n) {
		if (u[i] < 0x80) {
			hist[u[i++]]++;
			continue;
		}
		nc++;
		fh[class_of(next_cp(ts->s, n, &i))]++;
	}
	for (k = 0; k < 128; k++) {
		nc += hist[k];
		fh[class_of(k)] += hist[k];
	}
	for (f = 1; f < 1 << NCLASS; f++)
		for (k = 0; k < NCLASS; k++)
			cnt[k] += f >> k & 1 ? fh[f] : 0;
	ts->nchars = nc;
	ts->nalnum = cnt[0];
	ts->ndigit = cnt[1];
	ts->nupper = cnt[2];
	ts->nspace = cnt[3];
	ts->nspecial = cnt[4];
	ts->have |= H_CLASSES | H_LEN;
}

static double
ratio(size_t a, size_t b)
{
	return b == 0 ? 0.0 : (double)a / (double)b;
}

/* ---- lines ---- */

#ifdef __SSE2__
/* The number of bits set in a 16-bit mask, without a popcnt instruction
 * (the baseline x86-64 has none, and a libgcc call costs more). */
static inline int
pop16(unsigned m)
{
	static unsigned char pop8[256];
	static int ready;
	int k;

	if (!ready) {
		for (k = 1; k < 256; k++)
			pop8[k] = (unsigned char)(pop8[k >> 1] + (k & 1));
		ready = 1;
	}
	return pop8[m & 0xFF] + pop8[m >> 8 & 0xFF];
}
#endif

/*
 * str.splitlines(). A line's length counts the bytes that start a code
 * point; a separator of two or three bytes is recognized at its lead byte.
 * Stretches of 16 bytes where no separator can start are counted at once.
 */
static void
lines(struct dm_textstats *ts)
{
	const unsigned char *u = (const unsigned char *)ts->s;
	size_t i = 0, n = ts->n, nl = 0, max = 0, len = 0;
	unsigned char c;
	int sep;

	for (;;) {
#ifdef __SSE2__
		while (i + 16 <= n) {
			__m128i v = _mm_loadu_si128((const __m128i *)(u + i));
			unsigned m = (unsigned)_mm_movemask_epi8(_mm_or_si128(
			    _mm_or_si128(INRANGE(v, 0x0A, 0x0D),
			    INRANGE(v, 0x1C, 0x1E)),
			    _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(
			    (char)0xC2)), _mm_cmpeq_epi8(v,
			    _mm_set1_epi8((char)0xE2)))));
			/* UTF-8 continuation bytes: 0x80-0xBF */
			unsigned cb = (unsigned)_mm_movemask_epi8(
			    _mm_cmplt_epi8(v, _mm_set1_epi8(-64)));
			int k;

			if (m == 0) {
				len += 16 - (size_t)pop16(cb);
				i += 16;
				continue;
			}
			k = __builtin_ctz(m);
			len += (size_t)k - (size_t)pop16(cb &
			    ((1u << k) - 1));
			i += (size_t)k;
			break;
		}
#endif
		if (i >= n)
			break;
		c = u[i];
		sep = 0;
		if (c == '\n' || c == '\v' || c == '\f' ||
		    (c >= 0x1C && c <= 0x1E))
			sep = 1;
		else if (c == '\r')
			sep = i + 1 < n && u[i + 1] == '\n' ? 2 : 1;
		else if (c == 0xC2 && i + 1 < n && u[i + 1] == 0x85)
			sep = 2;
		else if (c == 0xE2 && i + 2 < n && u[i + 1] == 0x80 &&
		    (u[i + 2] == 0xA8 || u[i + 2] == 0xA9))
			sep = 3;
		if (sep) {
			if (len > max)
				max = len;
			nl++;
			len = 0;
			i += (size_t)sep;
			continue;
		}
		len += (c & 0xC0) != 0x80;
		i++;
	}
	if (len > 0) {
		nl++;
		if (len > max)
			max = len;
	}
	ts->nlines = nl;
	ts->maxline = max;
	ts->have |= H_LINES;
}

/* ---- words ---- */

static inline int
wordsep(unsigned char c)
{
	return c == ' ' || c == '\n' || c == '\t';
}

/* Narrows s[*b, *e) by the SPECIAL characters at both ends. */
static void
strip_special(const char *s, size_t *b, size_t *e)
{
	size_t i = *b, j = *e, k;
	int32_t c;

	while (i < j) {
		if ((unsigned char)s[i] < 0x80) {
			if (!isspecial_ascii((unsigned char)s[i]))
				break;
			i++;
			continue;
		}
		k = i;
		c = next_cp(s, j, &k);
		if (!isspecial(c))
			break;
		i = k;
	}
	while (j > i) {
		c = prev_cp(s, i, j, &k);
		if (!isspecial(c))
			break;
		j = k;
	}
	*b = i;
	*e = j;
}

/* Exported for operators that strip words as Data-Juicer does
 * (remove-long-words); the bitmap is built on first use. */
void
dm_special_strip(const char *s, size_t n, size_t *b, size_t *e)
{
	if (!special_ready)
		special_init();
	*b = 0;
	*e = n;
	strip_special(s, b, e);
}

/* Calls fn on each word of s[0..n), stripped, that is not empty; returns
 * how many there were. */
static size_t
split_words(const char *s, size_t n,
    void (*fn)(struct dm_textstats *, size_t, size_t), struct dm_textstats *ts)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, b, e, count = 0;

	for (;;) {
		while (i < n && wordsep(u[i]))
			i++;
		if (i == n)
			break;
		b = i;
		while (i < n && !wordsep(u[i]))
			i++;
		e = i;
		strip_special(s, &b, &e);
		if (b < e) {
			count++;
			if (fn)
				fn(ts, b, e - b);
		}
	}
	return count;
}

/*
 * The bits of u[0..len) (len <= 64) that are word separators; bits from
 * len on are clear.
 */
static inline uint64_t
sep_bits(const unsigned char *u, size_t len)
{
	uint64_t m = 0;
	size_t j = 0;

#ifdef __SSE2__
	for (; j + 16 <= len; j += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(u + j));
		unsigned b = (unsigned)_mm_movemask_epi8(_mm_or_si128(
		    _mm_cmpeq_epi8(v, _mm_set1_epi8(' ')), _mm_or_si128(
		    _mm_cmpeq_epi8(v, _mm_set1_epi8('\n')),
		    _mm_cmpeq_epi8(v, _mm_set1_epi8('\t')))));

		m |= (uint64_t)b << j;
	}
#endif
	for (; j < len; j++)
		m |= (uint64_t)wordsep(u[j]) << j;
	return m;
}

/*
 * The number of words, as split_words counts them, without making them: a
 * word starts after a separator, and is kept unless all its characters
 * are SPECIAL, which its first character mostly settles.
 */
static size_t
count_words(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i, b, e, k, count = 0, len;
	uint64_t sep, starts, prev = 1;
	int32_t c;

	for (i = 0; i < n; i += len) {
		len = n - i < 64 ? n - i : 64;
		sep = sep_bits(u + i, len);
		starts = ~sep & (sep << 1 | prev);
		if (len < 64)
			starts &= (1ULL << len) - 1;
		prev = sep >> 63;
		while (starts != 0) {
			b = i + (size_t)__builtin_ctzll(starts);
			starts &= starts - 1;
			k = b;
			c = next_cp(s, n, &k);
			if (!isspecial(c)) {
				count++;
				continue;
			}
			for (e = k; e < n && !wordsep(u[e]); e++)
				;
			strip_special(s, &b, &e);
			count += b < e;
		}
	}
	return count;
}

static size_t
nwords(struct dm_textstats *ts)
{
	if (!(ts->have & H_WORDS)) {
		ts->nwords = count_words(ts->s, ts->n);
		ts->have |= H_WORDS;
	}
	return ts->nwords;
}

static void
add_word(struct dm_textstats *ts, size_t off, size_t len)
{
	if (ts->nw == ts->wcap) {
		ts->wcap = ts->wcap ? 2 * ts->wcap : 64;
		ts->w = dm_xreallocarray(ts->w, ts->wcap, sizeof *ts->w);
	}
	ts->w[ts->nw].off = off;
	ts->w[ts->nw].len = len;
	ts->nw++;
}

/*
 * DJ lower-cases each word, then strips it. Lower-casing the whole text
 * first gives the same words: the separators are neither cased nor
 * case-ignorable, so they end the context Python's final-sigma rule looks
 * at, and no lower-case mapping makes or removes a separator.
 */
static void
refined(struct dm_textstats *ts)
{
	size_t n = ts->n;

	if (ts->have & H_REFINED)
		return;
	dm_buf_reset(&ts->low);
	if (dm_uni_lower(ts->s, ts->n, &ts->low)) {
		ts->ls = ts->low.buf;
		n = ts->low.len;
	} else
		ts->ls = ts->s;
	ts->nw = 0;
	split_words(ts->ls, n, add_word, ts);
	ts->have |= H_REFINED;
}

/* ---- n-grams ---- */

static inline uint64_t
mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xFF51AFD7ED558CCDULL;
	h ^= h >> 33;
	return h;
}

/* Empties the table, made at least 2 * n slots long; returns its mask. */
static size_t
tab_clear(struct dm_textstats *ts, size_t n)
{
	size_t cap = 64;

	while (cap < 2 * n)
		cap *= 2;
	if (cap > ts->tabcap) {
		free(ts->tab);
		ts->tab = dm_xreallocarray(NULL, cap, sizeof *ts->tab);
		ts->tabcap = cap;
	}
	memset(ts->tab, 0, cap * sizeof *ts->tab);
	return cap - 1;
}

/* Room for n distinct entries in freq and first. */
static void
distinct_room(struct dm_textstats *ts, size_t n)
{
	if (n <= ts->freqcap)
		return;
	free(ts->freq);
	free(ts->first);
	ts->freq = dm_xreallocarray(NULL, n, sizeof *ts->freq);
	ts->first = dm_xreallocarray(NULL, n, sizeof *ts->first);
	ts->freqcap = n;
}

/*
 * Counts the n-grams of v[0..len) (len >= n): a rolling polynomial hash
 * finds the candidates, equal sequences are confirmed element by element.
 * The count of each distinct n-gram goes to ts->freq; returns how many
 * are distinct.
 */
static size_t
count_ngrams(struct dm_textstats *ts, const int32_t *v, size_t len, size_t n)
{
	const uint64_t B = 0x100000001B3ULL;
	size_t total = len - n + 1, mask, i, j, d = 0;
	uint64_t h = 0, top = 1, x;
	uint32_t tag, id;
	struct tabslot *t;

	mask = tab_clear(ts, total);
	t = ts->tab;
	distinct_room(ts, total);
	for (j = 0; j + 1 < n; j++)
		top *= B;
	for (j = 0; j < n; j++)
		h = h * B + (uint32_t)v[j];
	for (i = 0;; i++) {
		x = mix(h);
		tag = (uint32_t)(x >> 32);
		for (j = x & mask;; j = (j + 1) & mask) {
			if ((id = t[j].id) == 0) {
				t[j].tag = tag;
				t[j].id = (uint32_t)++d;
				ts->freq[d - 1] = 1;
				ts->first[d - 1] = (uint32_t)i;
				break;
			}
			if (t[j].tag == tag && memcmp(v + ts->first[id - 1],
			    v + i, n * sizeof *v) == 0) {
				ts->freq[id - 1]++;
				break;
			}
		}
		if (i + 1 == total)
			break;
		h = (h - (uint32_t)v[i] * top) * B + (uint32_t)v[i + n];
	}
	return d;
}

static int
cmp_desc(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x < y) - (x > y);
}

static void
codepoints(struct dm_textstats *ts)
{
	size_t i = 0, k = 0;

	if (ts->have & H_CP)
		return;
	if (ts->n > ts->cpcap) {
		free(ts->cp);
		ts->cpcap = ts->n;
		ts->cp = dm_xreallocarray(NULL, ts->cpcap, sizeof *ts->cp);
	}
	while (i < ts->n)
		ts->cp[k++] = next_cp(ts->s, ts->n, &i);
	ts->ncp = k;
	ts->have |= H_CP;
}

/*
 * DJ character_repetition_filter: the frequencies of the character
 * n-grams sorted in descending order; k = min(floor(sqrt(distinct)),
 * n-grams seen more than once); the top k frequencies over all n-grams.
 */
static double
char_rep(struct dm_textstats *ts, size_t n)
{
	size_t d, k, rep = 0, i, total;
	unsigned long long sum = 0;

	codepoints(ts);
	if (ts->ncp < n)
		return 0.0;
	total = ts->ncp - n + 1;
	if (ts->ncp > UINT32_MAX)
		return 0.0;	/* positions are 32 bits; no text is that long */
	d = count_ngrams(ts, ts->cp, ts->ncp, n);
	/* only the repeated ones can be among the top k */
	for (i = 0; i < d; i++)
		if (ts->freq[i] > 1)
			ts->freq[rep++] = ts->freq[i];
	k = (size_t)sqrt((double)d);	/* int(np.sqrt(...)) */
	if (k > rep)
		k = rep;
	if (k == 0)
		return 0.0;
	qsort(ts->freq, rep, sizeof *ts->freq, cmp_desc);
	for (i = 0; i < k; i++)
		sum += ts->freq[i];
	return (double)sum / (double)total;
}

/* Interns the words ws[0..nw) of base into ts->wid: equal words get
 * equal ids. */
static void
intern(struct dm_textstats *ts, const char *base, const struct span *ws,
    size_t nw)
{
	size_t mask, i, j, d = 0;
	const struct span *w, *o;
	struct tabslot *t;
	uint32_t tag, id;
	uint64_t x;

	if (nw > ts->widcap) {
		free(ts->wid);
		ts->widcap = nw;
		ts->wid = dm_xreallocarray(NULL, ts->widcap, sizeof *ts->wid);
	}
	mask = tab_clear(ts, nw);
	t = ts->tab;
	distinct_room(ts, nw);
	for (i = 0; i < nw; i++) {
		w = &ws[i];
		x = dm_hash64(base + w->off, w->len);
		tag = (uint32_t)(x >> 32);
		for (j = x & mask;; j = (j + 1) & mask) {
			if ((id = t[j].id) == 0) {
				t[j].tag = tag;
				t[j].id = id = (uint32_t)++d;
				ts->first[d - 1] = (uint32_t)i;
				break;
			}
			o = &ws[ts->first[id - 1]];
			if (t[j].tag == tag && o->len == w->len &&
			    memcmp(base + o->off, base + w->off,
			    w->len) == 0)
				break;
		}
		ts->wid[i] = (int32_t)id;
	}
}

/* Interns the refined words. */
static void
word_ids(struct dm_textstats *ts)
{
	if (ts->have & H_WIDS)
		return;
	refined(ts);
	intern(ts, ts->ls, ts->w, ts->nw);
	ts->have |= H_WIDS;
}

/*
 * DJ word_repetition_filter: n-grams of refined words (joined by a space,
 * which no refined word holds, so equal n-grams are equal word
 * sequences); the n-grams seen more than once, counted with their
 * repeats, over all n-grams.
 */
static double
rep_ratio(struct dm_textstats *ts, size_t nw, size_t n)
{
	size_t d, i, total;
	unsigned long long sum = 0;

	if (nw < n || nw > UINT32_MAX)
		return 0.0;
	total = nw - n + 1;
	d = count_ngrams(ts, ts->wid, nw, n);
	for (i = 0; i < d; i++)
		if (ts->freq[i] > 1)
			sum += ts->freq[i];
	return (double)sum / (double)total;
}

static double
word_rep(struct dm_textstats *ts, size_t n)
{
	word_ids(ts);
	return rep_ratio(ts, ts->nw, n);
}

/* ---- words of a SentencePiece model (sp=) ---- */

static struct span *
span_add(struct span *v, size_t *nv, size_t *cap, size_t off, size_t len)
{
	if (*nv == *cap) {
		*cap = *cap ? 2 * *cap : 64;
		v = dm_xreallocarray(v, *cap, sizeof *v);
	}
	v[*nv].off = off;
	v[(*nv)++].len = len;
	return v;
}

static void
piece_add(void *arg, const char *s, size_t n)
{
	struct spwords *sw = arg;

	sw->p = span_add(sw->p, &sw->np, &sw->pcap, sw->raw.len, n);
	dm_buf_add(&sw->raw, s, n);
}

/*
 * Data-Juicer's words with tokenization: model.encode_as_pieces(text),
 * then words_refinement: words_num_filter strips each piece of SPECIAL
 * and drops the empty ones; the others lower-case each piece first
 * (str.lower of the piece alone). A piece keeps its U+2581, which is not
 * SPECIAL, as there.
 */
static int
sp_words(struct dm_textstats *ts, struct spwords *sw, struct dm_buf *err)
{
	size_t i, b, e, at;
	const char *p;
	char msg[512];

	if (sw->gen == ts->gen)
		return 0;
	dm_buf_reset(&sw->raw);
	dm_buf_reset(&sw->low);
	sw->np = sw->nw = sw->nwords = 0;
	*msg = '\0';
	if (dm_spm_pieces(sw->m, ts->s, ts->n, piece_add, sw, msg,
	    sizeof msg) < 0) {
		dm_buf_addf(err, "sp: %s", msg);
		return -1;
	}
	for (i = 0; i < sw->np; i++) {
		p = sw->raw.buf + sw->p[i].off;
		b = 0;
		e = sw->p[i].len;
		strip_special(p, &b, &e);
		sw->nwords += b < e;
		at = sw->low.len;
		if (!dm_uni_lower(p, sw->p[i].len, &sw->low))
			dm_buf_add(&sw->low, p, sw->p[i].len);
		b = at;
		e = sw->low.len;
		strip_special(sw->low.buf, &b, &e);
		if (b < e)
			sw->w = span_add(sw->w, &sw->nw, &sw->wcap, b, e - b);
	}
	sw->gen = ts->gen;
	return 0;
}

/* The words of model m for ts, made on first use. */
static struct spwords *
spwords(struct dm_textstats *ts, struct dm_spm *m)
{
	struct spwords *sw;
	size_t i;

	for (i = 0; i < ts->nsp; i++)
		if (ts->sp[i]->m == m)
			return ts->sp[i];
	sw = dm_xcalloc(1, sizeof *sw);
	sw->m = m;
	dm_buf_init(&sw->raw);
	dm_buf_init(&sw->low);
	ts->sp = dm_xreallocarray(ts->sp, ts->nsp + 1, sizeof *ts->sp);
	ts->sp[ts->nsp++] = sw;
	return sw;
}

/* ---- word lists ---- */

struct dm_wordset {
	char		*kind, *lang;
	char		*data;		/* the file, NUL at each line end */
	struct {
		uint64_t	h;
		const char	*w;
		size_t		len;
	}		*slot;
	size_t		 mask;
	size_t		 nwords;
	size_t		 maxcp;		/* longest word, in code points */
};

static struct dm_wordset **sets;
static size_t nsets;

/* LANG or LANG:LIST, each of letters, digits, '-' and '_'. */
static int
valid_lang(const char *s)
{
	size_t part = 0, parts = 1;

	if (strlen(s) > 64)
		return 0;
	for (; *s; s++) {
		if (*s == ':' && part > 0 && parts == 1) {
			parts++;
			part = 0;
			continue;
		}
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || *s == '-' || *s == '_'))
			return 0;
		part++;
	}
	return part > 0;
}

static void
wordset_add(struct dm_wordset *ws, const char *w, size_t len)
{
	uint64_t x = dm_hash64(w, len) | 1;
	size_t j, ncp;

	for (j = x & ws->mask; ws->slot[j].h; j = (j + 1) & ws->mask)
		if (ws->slot[j].h == x && ws->slot[j].len == len &&
		    memcmp(ws->slot[j].w, w, len) == 0)
			return;
	ws->slot[j].h = x;
	ws->slot[j].w = w;
	ws->slot[j].len = len;
	ws->nwords++;
	ncp = dm_utf8_count(w, len);
	if (ncp > ws->maxcp)
		ws->maxcp = ncp;
}

/*
 * The file of a list: LANG is Data-Juicer's list (BigScience's ROOTS
 * lists) in wordlists/KIND/LANG.txt; LANG:NAME a named one in
 * wordlists/KIND-NAME/LANG.txt (stopwords-iso, flagged-ldnoobw).
 */
static void
wordset_path(struct dm_buf *path, const char *kind, const char *lang,
    size_t langlen, const char *list)
{
	dm_buf_addf(path, "%s/wordlists/%s", dm_sharedir(), kind);
	if (list)
		dm_buf_addf(path, "-%s", list);
	dm_buf_addf(path, "/%.*s.txt", (int)langlen, lang);
}

static int
readable(const char *path)
{
	FILE *fp;

	if ((fp = fopen(path, "rb")) == NULL)
		return 0;
	fclose(fp);
	return 1;
}

/* The file path added to data, then a new line; -1 with errno. */
static int
slurp(const char *path, struct dm_buf *data)
{
	char chunk[65536];
	size_t r;
	FILE *fp;
	int e = 0;

	if ((fp = fopen(path, "rb")) == NULL)
		return -1;
	while ((r = fread(chunk, 1, sizeof chunk, fp)) > 0)
		dm_buf_add(data, chunk, r);
	if (ferror(fp))
		e = errno ? errno : EIO;
	fclose(fp);
	if (e) {
		errno = e;
		return -1;
	}
	dm_buf_addc(data, '\n');
	return 0;
}

static int
txtfile(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return n > 4 && d->d_name[0] != '.' &&
	    strcmp(d->d_name + n - 4, ".txt") == 0;
}

/*
 * The language "all" of a directory without all.txt: every list there,
 * as Data-Juicer merges the lists of all its languages for "all". 0, or
 * -1 with a message in err.
 */
static int
slurp_all(const char *kind, const char *list, struct dm_buf *data,
    struct dm_buf *err)
{
	struct dm_buf dir = DM_BUF_INIT, path = DM_BUF_INIT;
	struct dirent **de = NULL;
	int i, n, r = -1;

	dm_buf_addf(&dir, "%s/wordlists/%s", dm_sharedir(), kind);
	if (list)
		dm_buf_addf(&dir, "-%s", list);
	if ((n = scandir(dir.buf, &de, txtfile, alphasort)) <= 0) {
		dm_buf_addf(err, "no %s lists for language 'all' in '%s'%s%s",
		    strcmp(kind, "stopwords") == 0 ? "stop-word" :
		    "flagged-word", dir.buf, n < 0 ? ": " : "",
		    n < 0 ? strerror(errno) : "");
		goto out;
	}
	for (i = 0; i < n; i++) {
		dm_buf_reset(&path);
		dm_buf_addf(&path, "%s/%s", dir.buf, de[i]->d_name);
		if (slurp(path.buf, data) < 0) {
			dm_buf_addf(err, "'%s': %s", path.buf, strerror(errno));
			goto out;
		}
	}
	r = 0;
out:
	for (i = 0; i < n; i++)
		free(de[i]);
	free(de);
	dm_buf_free(&dir);
	dm_buf_free(&path);
	return r;
}

static struct dm_wordset *
wordset_load(const char *kind, const char *arg, struct dm_buf *err)
{
	struct dm_buf path = DM_BUF_INIT, data = DM_BUF_INIT;
	struct dm_wordset *ws;
	char *p, *e, *end;
	size_t r, lines = 0, cap = 16, len, langlen;
	const char *colon = strchr(arg, ':'), *lang = arg;

	langlen = colon ? (size_t)(colon - arg) : strlen(arg);
	wordset_path(&path, kind, lang, langlen, colon ? colon + 1 : NULL);
	if (slurp(path.buf, &data) < 0) {
		int e0 = errno;
		const char *other = strcmp(kind, "stopwords") == 0 ? "iso" :
		    "ldnoobw";

		if (e0 == ENOENT && langlen == 3 && memcmp(lang, "all", 3) == 0) {
			dm_buf_reset(&data);
			if (slurp_all(kind, colon ? colon + 1 : NULL, &data,
			    err) == 0)
				goto parse;
		} else {
			dm_buf_addf(err, "no %s list for language '%.*s': "
			    "'%s': %s", strcmp(kind, "stopwords") == 0 ?
			    "stop-word" : "flagged-word", (int)langlen, lang,
			    path.buf, strerror(e0));
			dm_buf_reset(&path);
			wordset_path(&path, kind, lang, langlen, other);
			if (e0 == ENOENT && colon == NULL && readable(path.buf))
				dm_buf_addf(err, "; the list '%s' has it: "
				    "'%.*s:%s'", other, (int)langlen, lang,
				    other);
		}
		dm_buf_free(&path);
		dm_buf_free(&data);
		return NULL;
	}
parse:
	dm_buf_free(&path);
	ws = dm_xcalloc(1, sizeof *ws);
	ws->kind = dm_xstrdup(kind);
	ws->lang = dm_xstrdup(arg);
	len = data.len;
	ws->data = dm_buf_detach(&data, &len);
	for (r = 0; r < len; r++)
		lines += ws->data[r] == '\n';
	while (cap < 2 * (lines + 1))
		cap *= 2;
	ws->slot = dm_xcalloc(cap, sizeof *ws->slot);
	ws->mask = cap - 1;
	end = ws->data + len;
	for (p = ws->data; p < end; p = e + 1) {
		if ((e = memchr(p, '\n', (size_t)(end - p))) == NULL)
			e = end;
		*e = '\0';
		r = (size_t)(e - p);
		if (r > 0 && p[r - 1] == '\r')
			p[--r] = '\0';
		if (r > 0)
			wordset_add(ws, p, r);
	}
	return ws;
}

const struct dm_wordset *
dm_wordset_get(const char *kind, const char *lang, struct dm_buf *err)
{
	struct dm_wordset *ws;
	size_t i;

	for (i = 0; i < nsets; i++)
		if (strcmp(sets[i]->kind, kind) == 0 &&
		    strcmp(sets[i]->lang, lang) == 0)
			return sets[i];
	if (!valid_lang(lang)) {
		dm_buf_adds(err, "not a language code, or LANG:LIST: '");
		dm_buf_addquoted(err, lang, strlen(lang), 64);
		dm_buf_addc(err, '\'');
		return NULL;
	}
	/* the words are compared once refined, which needs the set */
	if (!special_ready)
		special_init();
	if ((ws = wordset_load(kind, lang, err)) == NULL)
		return NULL;
	sets = dm_xreallocarray(sets, nsets + 1, sizeof *sets);
	sets[nsets++] = ws;
	return ws;
}

int
dm_wordset_has(const struct dm_wordset *ws, const char *w, size_t n)
{
	uint64_t x = dm_hash64(w, n) | 1;
	size_t j;

	for (j = x & ws->mask; ws->slot[j].h; j = (j + 1) & ws->mask)
		if (ws->slot[j].h == x && ws->slot[j].len == n &&
		    memcmp(ws->slot[j].w, w, n) == 0)
			return 1;
	return 0;
}

/* Han ideographs, kana: the scripts of zh and ja, written without spaces. */
static int
iscjk(int32_t c)
{
	return (c >= 0x3040 && c <= 0x30FF) || (c >= 0x31F0 && c <= 0x31FF) ||
	    (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
	    (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFF66 && c <= 0xFF9F) ||
	    (c >= 0x20000 && c <= 0x3FFFF);
}

/*
 * cut=true: Chinese and Japanese put no spaces between words, so a
 * space-split "word" is mostly a whole clause. The word s[off..off+n) is
 * cut further: inside a run of Han or kana the longest list entry that
 * starts at a character is one token, else the character alone; a run
 * of other characters is one token. The tokens go to ts->tk.
 */
static void
cut_word(struct dm_textstats *ts, const struct dm_wordset *ws,
    const char *s, size_t off, size_t n)
{
	size_t i = off, j, k, best, m;

	n += off;
	while (i < n) {
		j = i;
		if (!iscjk(next_cp(s, n, &j))) {
			while (j < n) {
				k = j;
				if (iscjk(next_cp(s, n, &k)))
					break;
				j = k;
			}
			ts->tk = span_add(ts->tk, &ts->ntk, &ts->tkcap, i, j - i);
			i = j;
			continue;
		}
		/* the longest entry made of the run's next characters */
		best = 0;
		k = i;
		for (m = 0; m < ws->maxcp && k < n; m++) {
			j = k;
			if (!iscjk(next_cp(s, n, &j)))
				break;
			k = j;
			if (dm_wordset_has(ws, s + i, k - i))
				best = k;
		}
		if (!best) {
			best = i;
			next_cp(s, n, &best);
		}
		ts->tk = span_add(ts->tk, &ts->ntk, &ts->tkcap, i, best - i);
		i = best;
	}
}

/*
 * DJ stopwords_filter and flagged_words_filter: the words w[0..nw) of s
 * (refined) in the list over the words, at most 1; with cut=true cut
 * further, and with aug= (use_words_aug) the words joined N at a time
 * added after them, as words_refinement adds them.
 */
static double
list_ratio(struct dm_textstats *ts, const struct argval *a, const char *s,
    const struct span *w, size_t nw)
{
	const struct listopts *o = a->lo;
	const char *join = o->join ? o->join : "";
	size_t i, j, g, hits = 0, total;

	if (o->cut) {
		ts->ntk = 0;
		for (i = 0; i < nw; i++)
			cut_word(ts, a->ws, s, w[i].off, w[i].len);
		w = ts->tk;
		nw = ts->ntk;
	}
	for (i = 0; i < nw; i++)
		hits += dm_wordset_has(a->ws, s + w[i].off, w[i].len);
	total = nw;
	for (g = 0; g < o->naug; g++) {
		for (i = 0; i + o->aug[g] <= nw; i++) {
			dm_buf_reset(&ts->aug);
			for (j = i; j < i + o->aug[g]; j++) {
				if (j > i)
					dm_buf_adds(&ts->aug, join);
				dm_buf_add(&ts->aug, s + w[j].off, w[j].len);
			}
			hits += dm_wordset_has(a->ws, ts->aug.buf,
			    ts->aug.len);
			total++;
		}
	}
	return hits > total ? 1.0 : ratio(hits, total);
}

/* ---- values ---- */

static double
compute(struct dm_textstats *ts, int k)
{
	switch (k) {
	case S_BYTES:
		return (double)ts->n;
	case S_LEN:
		return (double)nchars(ts);
	case S_WORDS:
		return (double)nwords(ts);
	}
	if (k == S_LINES || k == S_MAX_LINE_LEN || k == S_AVG_LINE_LEN) {
		if (!(ts->have & H_LINES))
			lines(ts);
		if (k == S_LINES)
			return (double)ts->nlines;
		if (k == S_MAX_LINE_LEN)
			return (double)ts->maxline;
		return ratio(nchars(ts), ts->nlines);
	}
	if (!(ts->have & H_CLASSES))
		classes(ts);
	switch (k) {
	case S_ALNUM_RATIO:
		return ratio(ts->nalnum, ts->nchars);
	case S_DIGIT_RATIO:
		return ratio(ts->ndigit, ts->nchars);
	case S_SPACE_RATIO:
		return ratio(ts->nspace, ts->nchars);
	case S_SPECIAL_RATIO:
		return ratio(ts->nspecial, ts->nchars);
	case S_UPPER_RATIO:
		return ratio(ts->nupper, ts->nchars);
	}
	return 0.0;
}

/* The letters of the text, as Python's str.isalpha() tells them: the
 * code points of categories Lu, Ll, Lt, Lm and Lo. */
static size_t
nletters(const struct dm_textstats *ts)
{
	const unsigned char *u = (const unsigned char *)ts->s;
	size_t i = 0, k = 0;

	while (i < ts->n) {
		if (u[i] < 0x80) {
			k += (unsigned)((u[i] | 0x20) - 'a') < 26;
			i++;
			continue;
		}
		switch (utf8proc_category(next_cp(ts->s, ts->n, &i))) {
		case UTF8PROC_CATEGORY_LU:
		case UTF8PROC_CATEGORY_LL:
		case UTF8PROC_CATEGORY_LT:
		case UTF8PROC_CATEGORY_LM:
		case UTF8PROC_CATEGORY_LO:
			k++;
			break;
		default:
			break;
		}
	}
	return k;
}

/* The kept (statistic, argument), made and checked on first use. */
static struct argval *
argval(struct dm_textstats *ts, int k, const char *arg, struct dm_buf *err)
{
	struct dm_buf own = DM_BUF_INIT;
	const char *model, *full = arg;
	struct dm_spm *m;
	struct argval a;
	size_t i, ol = 0;

	for (i = 0; i < ts->nav; i++)
		if (ts->av[i].stat == k && strcmp(ts->av[i].arg, arg) == 0)
			return &ts->av[i];
	memset(&a, 0, sizeof a);
	a.stat = k;
	if (stats[k].sp && (model = sp_model(arg, &ol)) != NULL) {
		if ((m = dm_tok_spm(model, err)) == NULL)
			return NULL;
		a.sp = spwords(ts, m);
		dm_buf_add(&own, arg, ol);
		arg = ol ? own.buf : stats[k].argdef;
	}
	if (stats[k].arg == DM_STATARG_NONE) {
		if (a.sp == NULL || ol) {
			dm_buf_addf(err, "%s takes no argument but sp=",
			    stats[k].name);
			goto fail;
		}
	} else if (stats[k].arg == DM_STATARG_INT) {
		if (parse_n(&stats[k], arg, &a.num, err) < 0)
			goto fail;
	} else if (k == S_TOKENS || k == S_ALPHA_TOKEN_RATIO) {
		if ((a.tok = dm_tok_get(arg, err)) == NULL)
			goto fail;
	} else if ((a.lo = listopts_parse(&stats[k], arg, err)) == NULL ||
	    (a.ws = dm_wordset_get(listkind(k), a.lo->set, err)) == NULL)
		goto fail;
	dm_buf_free(&own);
	a.arg = dm_xstrdup(full);
	ts->av = dm_xreallocarray(ts->av, ts->nav + 1, sizeof *ts->av);
	ts->av[ts->nav] = a;
	return &ts->av[ts->nav++];
fail:
	listopts_free(a.lo);
	dm_buf_free(&own);
	return NULL;
}

/* A statistic of the words of a SentencePiece model. */
static int
sp_value(struct dm_textstats *ts, struct argval *a, struct dm_buf *err)
{
	if (sp_words(ts, a->sp, err) < 0)
		return -1;
	switch (a->stat) {
	case S_WORDS:
		a->v = (double)a->sp->nwords;
		break;
	case S_WORD_REP:
		/* ts->wid now holds these words' ids */
		ts->have &= ~(unsigned)H_WIDS;
		intern(ts, a->sp->low.buf, a->sp->w, a->sp->nw);
		a->v = rep_ratio(ts, a->sp->nw, (size_t)a->num);
		break;
	default:
		a->v = list_ratio(ts, a, a->sp->low.buf, a->sp->w, a->sp->nw);
		break;
	}
	return 0;
}

int
dm_textstats_get(struct dm_textstats *ts, const struct dm_statdef *d,
    const char *arg, double *out, struct dm_buf *err)
{
	struct argval *a;
	int k;

	if ((k = statindex(d)) < 0) {
		dm_buf_adds(err, "unknown statistic");
		return -1;
	}
	if (d->arg == DM_STATARG_NONE && (arg == NULL || !d->sp)) {
		if (arg != NULL) {
			dm_buf_addf(err, "%s takes no argument", d->name);
			return -1;
		}
		if (ts->vgen[k] != ts->gen) {
			ts->val[k] = compute(ts, k);
			ts->vgen[k] = ts->gen;
		}
		*out = ts->val[k];
		return 0;
	}
	if ((a = argval(ts, k, arg ? arg : d->argdef, err)) == NULL)
		return -1;
	if (a->gen != ts->gen && a->sp) {
		if (sp_value(ts, a, err) < 0)
			return -1;
		a->gen = ts->gen;
	} else if (a->gen != ts->gen) {
		switch (k) {
		case S_CHAR_REP:
			a->v = char_rep(ts, (size_t)a->num);
			break;
		case S_WORD_REP:
			a->v = word_rep(ts, (size_t)a->num);
			break;
		case S_TOKENS:
		case S_ALPHA_TOKEN_RATIO: {
			size_t cnt;

			if (dm_tok_count(a->tok, ts->s, ts->n, &cnt, err) < 0)
				return -1;
			a->v = k == S_TOKENS ? (double)cnt :
			    ratio(nletters(ts), cnt);
			break;
		}
		default:
			refined(ts);
			a->v = list_ratio(ts, a, ts->ls, ts->w, ts->nw);
			break;
		}
		a->gen = ts->gen;
	}
	*out = a->v;
	return 0;
}
