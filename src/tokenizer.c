/* tokenizer.c - token counts of tokenizer.json and SentencePiece files */
#include <sys/mman.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <utf8proc.h>

#include "dm.h"
#include "tokenizer.h"
#include "tokenizer-norm.h"
#include "tokenizer-uni.h"
#include "tokenizer-spm.h"

/*
 * What Hugging Face's tokenizers library does to encode a text, for the
 * byte-level BPE models, reduced to what the count needs:
 *  1. the added tokens (special or not) are found in the raw text, each
 *     one token, and the text between them goes on;
 *  2. the normalizer (NFC, NFKC) rewrites it;
 *  3. the pre-tokenizers cut it into pieces, each working on the pieces of
 *     the one before: Split by a regular expression (PCRE2 here, Oniguruma
 *     there), ByteLevel (a space before a piece that lacks one when
 *     add_prefix_space, and GPT-2's expression when use_regex);
 *  4. each piece, as bytes, is merged by BPE: the adjacent pair of lowest
 *     merge rank, every occurrence left to right, until no pair has a
 *     rank, as GPT-2's bpe() does (with ignore_merges, as Llama 3, a piece
 *     that is a token as a whole is that one token).
 * Vocabulary and merges are stored as raw bytes: the byte-to-character
 * mapping of GPT-2 (bytes_to_unicode) is undone once when loading.
 * SentencePiece-style files go the same way with other parts: any
 * normalizer of tokenizer-norm.c, Metaspace and WhitespaceSplit among the
 * pre-tokenizers, and a model on characters, BPE (spbpe) or Unigram.
 */

#define GPT2_RE "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| " \
	"?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+"
/* cl100k_base's expression (Llama 3's too), and Qwen's: a scanner's */
#define CL100K_RE "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?" \
	"\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|" \
	"\\s+(?!\\S)|\\s+"
#define QWEN_RE "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?" \
	"\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|" \
	"\\s+(?!\\S)|\\s+"
#define CACHE_MAX	(1u << 20)	/* pieces whose count is kept */
#define CACHE_PIECE	64		/* longest piece kept, in bytes */
#define MAXLEVEL	8

/* A table from byte strings to numbers, open addressing. */
struct strent {
	uint64_t	h;
	uint32_t	off, len;
	int32_t		val;
	int32_t		used;
};

struct strtab {
	struct strent	*e;
	size_t		 cap, n;
	struct dm_buf	 keys;
};

/* A merge: the pair (a, b) becomes id, at rank. */
struct pairent {
	uint64_t	key;		/* a << 32 | b, plus one: 0 is free */
	int32_t		rank, id;
};

enum stepkind { STEP_ISOLATED, STEP_MATCHES, STEP_BYTELEVEL, STEP_METASPACE,
	STEP_WSSPLIT };

/* Metaspace's prepend_scheme */
enum { PREPEND_NEVER, PREPEND_FIRST, PREPEND_ALWAYS };

/* the model: byte-level BPE, BPE on characters (SentencePiece-style),
 * Unigram */
enum { MODEL_BYTEBPE, MODEL_SPBPE, MODEL_UNIGRAM };

struct step {
	enum stepkind	 kind;
	struct dm_re	*re;		/* NULL: no split */
	int		 scan;		/* else dm_tok_scan's digits */
	int		 prefix;	/* ByteLevel's add_prefix_space;
					   Metaspace's prepend scheme */
	int		 split;		/* Metaspace's split */
};

struct added {
	char		*s;
	size_t		 n;
};

struct cand;

struct dm_tok {
	char		*name;		/* as asked for */
	char		*path;
	struct dm_spm	*spm;		/* a SentencePiece model, or NULL */
	int		 model;		/* MODEL_* */
	int		 fuse_unk;
	double		*score;		/* Unigram: the score of each id */
	size_t		 nscore;
	double		 unkscore;	/* of an unknown character */
	size_t		 maxpiece;	/* the longest piece, in bytes */
	struct dm_tnorm	*tnorm;		/* else norm */
	int32_t		 unkid;		/* -1: none */
	struct strtab	 vocab;
	struct pairent	*pairs;
	size_t		 pcap;
	int32_t		 byteid[256];
	int		 ignore_merges;
	int		 norm;		/* 0 none, else utf8proc options */
	struct step	 steps[MAXLEVEL];
	int		 nsteps;
	struct added	*added;
	size_t		 nadded;
	unsigned char	 addfirst[256];	/* a first byte of an added token */
	struct strtab	 cache;
	/* work space */
	size_t		 total;
	struct dm_buf	 lvl[MAXLEVEL];
	struct dm_buf	 normbuf;
	int32_t		*sym;
	size_t		 symcap;
	struct cand	*heap;		/* SentencePiece-style merging */
	size_t		 hcap;
	int32_t		*nx, *pv;
	size_t		 lcap;
	double		*best;		/* Unigram's lattice */
	size_t		 bcap;
	struct dm_tok	*next;
};

static struct dm_tok *loaded;

/* ---- tables ---- */

#define HUGE_PAGE	(2UL << 20)

/*
 * A large table (the vocabulary, the merges, the cache, jansson's arena)
 * in transparent huge pages where the kernel gives them on request
 * (madvise mode): filling a few tens of MiB a 4 KiB page at a time costs
 * as much system time as the rest of loading. Zeroed when zero is set;
 * freed with free().
 */
static void *
bigalloc(size_t n, size_t size, int zero)
{
	void *p;
	size_t total;

	if (size != 0 && n > SIZE_MAX / size)
		return dm_xcalloc(n, size);	/* dies, as too large */
	total = n * size;
	if (total < HUGE_PAGE || posix_memalign(&p, HUGE_PAGE, total) != 0)
		return zero ? dm_xcalloc(n, size) : dm_xmalloc(total);
	(void)madvise(p, total, MADV_HUGEPAGE);
	if (zero)
		memset(p, 0, total);
	return p;
}

static void
strtab_grow(struct strtab *t)
{
	struct strent *old = t->e;
	size_t oldcap = t->cap, i, j;

	t->cap = t->cap ? t->cap * 2 : 1024;
	t->e = bigalloc(t->cap, sizeof *t->e, 1);
	for (i = 0; i < oldcap; i++) {
		if (!old[i].used)
			continue;
		for (j = old[i].h & (t->cap - 1); t->e[j].used;
		    j = (j + 1) & (t->cap - 1))
			;
		t->e[j] = old[i];
	}
	free(old);
}

static struct strent *
strtab_find(struct strtab *t, const char *s, size_t n, uint64_t h)
{
	size_t j;

	if (t->cap == 0)
		return NULL;
	for (j = h & (t->cap - 1); t->e[j].used; j = (j + 1) & (t->cap - 1))
		if (t->e[j].h == h && t->e[j].len == n &&
		    memcmp(t->keys.buf + t->e[j].off, s, n) == 0)
			return &t->e[j];
	return NULL;
}

static void
strtab_put(struct strtab *t, const char *s, size_t n, uint64_t h, int32_t v)
{
	struct strent *e;
	size_t j;

	if ((e = strtab_find(t, s, n, h)) != NULL) {
		e->val = v;
		return;
	}
	if ((t->n + 1) * 2 > t->cap)
		strtab_grow(t);
	for (j = h & (t->cap - 1); t->e[j].used; j = (j + 1) & (t->cap - 1))
		;
	t->e[j].h = h;
	t->e[j].off = (uint32_t)t->keys.len;
	t->e[j].len = (uint32_t)n;
	t->e[j].val = v;
	t->e[j].used = 1;
	dm_buf_add(&t->keys, s, n);
	t->n++;
}

static void
strtab_free(struct strtab *t)
{
	free(t->e);
	dm_buf_free(&t->keys);
	memset(t, 0, sizeof *t);
	dm_buf_init(&t->keys);
}

static uint64_t
pairkey(int32_t a, int32_t b)
{
	return ((uint64_t)(uint32_t)a << 32 | (uint32_t)b) + 1;
}

static size_t
pairslot(uint64_t key, size_t cap)
{
	return (size_t)((key * 0x9e3779b97f4a7c15ULL) >> 20) & (cap - 1);
}

static struct pairent *
pair_find(const struct dm_tok *t, int32_t a, int32_t b)
{
	uint64_t key = pairkey(a, b);
	size_t j;

	for (j = pairslot(key, t->pcap); t->pairs[j].key;
	    j = (j + 1) & (t->pcap - 1))
		if (t->pairs[j].key == key)
			return &t->pairs[j];
	return NULL;
}

static void
pair_put(struct dm_tok *t, int32_t a, int32_t b, int32_t rank, int32_t id)
{
	uint64_t key = pairkey(a, b);
	size_t j;

	for (j = pairslot(key, t->pcap); t->pairs[j].key;
	    j = (j + 1) & (t->pcap - 1))
		if (t->pairs[j].key == key)
			return;		/* the first rank stays */
	t->pairs[j].key = key;
	t->pairs[j].rank = rank;
	t->pairs[j].id = id;
}

/* ---- loading ---- */

/* GPT-2's bytes_to_unicode, undone: the byte of a code point, or -1. */
static int unbyte[324];

static void
unbyte_init(void)
{
	int b, n = 0;

	for (b = 0; b < 324; b++)
		unbyte[b] = -1;
	for (b = 0; b < 256; b++) {
		if ((b >= '!' && b <= '~') || (b >= 0xa1 && b <= 0xac) ||
		    (b >= 0xae && b <= 0xff))
			unbyte[b] = b;
		else
			unbyte[256 + n++] = b;
	}
}

/* The bytes a byte-level token string stands for; -1 when it is not one. */
static int
unbytes(const char *s, size_t n, struct dm_buf *out)
{
	utf8proc_int32_t cp;
	utf8proc_ssize_t r;
	size_t i = 0;

	dm_buf_reset(out);
	while (i < n) {
		r = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
		    (utf8proc_ssize_t)(n - i), &cp);
		if (r <= 0 || cp < 0 || cp >= 324 || unbyte[cp] < 0)
			return -1;
		dm_buf_addc(out, unbyte[cp]);
		i += (size_t)r;
	}
	return 0;
}

static int
fail(struct dm_buf *err, const char *path, const char *what, const char *v)
{
	dm_buf_adds(err, "tokenizer '");
	dm_buf_addquoted(err, path, strlen(path), 200);
	dm_buf_addf(err, "': %s", what);
	if (v) {
		dm_buf_adds(err, " '");
		dm_buf_addquoted(err, v, strlen(v), 64);
		dm_buf_addc(err, '\'');
	}
	return -1;
}

static int
jtrue(json_t *o, const char *key, int def)
{
	json_t *v = json_object_get(o, key);

	return json_is_boolean(v) ? json_is_true(v) : def;
}

static int
addstep(struct dm_tok *t, json_t *p, int *bytelevel, struct dm_buf *err)
{
	const char *type = dm_json_getstr(p, "type"), *behavior, *pat;
	struct dm_buf rx = DM_BUF_INIT;
	struct step *st;
	json_t *v;
	size_t i, off;

	if (type && strcmp(type, "Sequence") == 0) {
		json_array_foreach(json_object_get(p, "pretokenizers"), i, v)
			if (addstep(t, v, bytelevel, err) < 0)
				return -1;
		return 0;
	}
	if (t->nsteps == MAXLEVEL)
		return fail(err, t->path, "too many pre-tokenizers", NULL);
	st = &t->steps[t->nsteps];
	if (type && strcmp(type, "ByteLevel") == 0) {
		*bytelevel = 1;
		st->kind = STEP_BYTELEVEL;
		st->prefix = jtrue(p, "add_prefix_space", 1);
		if (jtrue(p, "use_regex", 1)) {
			char *u = dm_tok_unirx(GPT2_RE);

			st->re = dm_re_new(u, "", err, &off);
			free(u);
			if (st->re == NULL)
				return -1;
		}
		t->nsteps++;
		return 0;
	}
	if (type && strcmp(type, "Metaspace") == 0) {
		const char *rp = dm_json_getstr(p, "replacement"), *sc;

		if (rp == NULL || strcmp(rp, "\xe2\x96\x81") != 0)
			return fail(err, t->path, "unsupported Metaspace "
			    "replacement", rp ? rp : "null");
		st->kind = STEP_METASPACE;
		st->split = jtrue(p, "split", 1);
		sc = dm_json_getstr(p, "prepend_scheme");
		if (sc == NULL)
			st->prefix = jtrue(p, "add_prefix_space", 1) ?
			    PREPEND_ALWAYS : PREPEND_NEVER;
		else if (strcmp(sc, "always") == 0)
			st->prefix = PREPEND_ALWAYS;
		else if (strcmp(sc, "first") == 0)
			st->prefix = PREPEND_FIRST;
		else if (strcmp(sc, "never") == 0)
			st->prefix = PREPEND_NEVER;
		else
			return fail(err, t->path, "unsupported Metaspace "
			    "prepend_scheme", sc);
		t->nsteps++;
		return 0;
	}
	if (type && strcmp(type, "WhitespaceSplit") == 0) {
		st->kind = STEP_WSSPLIT;
		t->nsteps++;
		return 0;
	}
	if (type == NULL || strcmp(type, "Split") != 0)
		return fail(err, t->path, "unsupported pre-tokenizer",
		    type ? type : "null");
	behavior = dm_json_getstr(p, "behavior");
	if (behavior && strcmp(behavior, "Isolated") == 0 &&
	    !jtrue(p, "invert", 0))
		st->kind = STEP_ISOLATED;
	else if (behavior && strcmp(behavior, "Removed") == 0 &&
	    jtrue(p, "invert", 0))
		st->kind = STEP_MATCHES;
	else
		return fail(err, t->path, "unsupported Split behavior",
		    behavior ? behavior : "null");
	v = json_object_get(p, "pattern");
	if ((pat = dm_json_getstr(v, "Regex")) != NULL)
		dm_buf_adds(&rx, pat);
	else if ((pat = dm_json_getstr(v, "String")) != NULL) {
		dm_buf_adds(&rx, "\\Q");
		dm_buf_adds(&rx, pat);
		dm_buf_adds(&rx, "\\E");
	} else
		return fail(err, t->path, "Split without a pattern", NULL);
	/* the common expressions, scanned by hand at a few times PCRE2's
	 * speed, to the same matches (tests/fuzz/pretok.c) */
	if (strcmp(rx.buf, CL100K_RE) == 0)
		st->scan = 3;
	else if (strcmp(rx.buf, QWEN_RE) == 0)
		st->scan = 1;
	else {
		char *u = dm_tok_unirx(rx.buf);

		st->re = dm_re_new(u, "", err, &off);
		free(u);
	}
	dm_buf_free(&rx);
	if (st->re == NULL && st->scan == 0)
		return -1;
	t->nsteps++;
	return 0;
}

/*
 * The merges of a BPE model into the pair table: each "a b" string (or
 * ["a", "b"] pair, as newer files have them) whose parts and their
 * concatenation are in the vocabulary, at its rank; with bytelevel the
 * parts are GPT-2's byte characters, turned into their bytes first.
 */
static void
loadmerges(struct dm_tok *t, json_t *merges, int bytelevel)
{
	struct dm_buf a = DM_BUF_INIT, b = DM_BUF_INIT, ab = DM_BUF_INIT;
	const char *ms, *sp, *sa, *sb;
	struct strent *ea, *eb, *em;
	size_t i, la, lb;
	json_t *m;

	for (t->pcap = 1024; t->pcap < json_array_size(merges) * 2; )
		t->pcap *= 2;
	t->pairs = bigalloc(t->pcap, sizeof *t->pairs, 1);
	json_array_foreach(merges, i, m) {
		if (json_is_string(m)) {
			ms = json_string_value(m);
			if ((sp = strchr(ms, ' ')) == NULL)
				continue;
			sa = ms;
			la = (size_t)(sp - ms);
			sb = sp + 1;
		} else if (json_is_array(m) && json_array_size(m) == 2 &&
		    (sa = json_string_value(json_array_get(m, 0))) &&
		    (sb = json_string_value(json_array_get(m, 1))))
			la = strlen(sa);
		else
			continue;
		lb = strlen(sb);
		if (bytelevel) {
			if (unbytes(sa, la, &a) < 0 || unbytes(sb, lb, &b) < 0)
				continue;
		} else {
			dm_buf_reset(&a);
			dm_buf_add(&a, sa, la);
			dm_buf_reset(&b);
			dm_buf_add(&b, sb, lb);
		}
		dm_buf_reset(&ab);
		dm_buf_add(&ab, a.buf, a.len);
		dm_buf_add(&ab, b.buf, b.len);
		ea = strtab_find(&t->vocab, a.buf, a.len, dm_hash64(a.buf,
		    a.len));
		eb = strtab_find(&t->vocab, b.buf, b.len, dm_hash64(b.buf,
		    b.len));
		em = strtab_find(&t->vocab, ab.buf, ab.len, dm_hash64(ab.buf,
		    ab.len));
		if (ea && eb && em)
			pair_put(t, ea->val, eb->val, (int32_t)i, em->val);
	}
	dm_buf_free(&a);
	dm_buf_free(&b);
	dm_buf_free(&ab);
}

static int
cmpadded(const void *a, const void *b)
{
	const struct added *x = a, *y = b;

	return x->n < y->n ? 1 : x->n > y->n ? -1 : 0;
}

static void	addtokens(struct dm_tok *, json_t *);
static int	load_spbpe(struct dm_tok *, json_t *, json_t *);
static int	load_unigram(struct dm_tok *, json_t *, struct dm_buf *);

static int
load(struct dm_tok *t, json_t *root, struct dm_buf *err)
{
	struct dm_buf a = DM_BUF_INIT;
	json_t *model, *vocab, *v, *norm, *pre;
	const char *key, *type, *mtype;
	struct strent *ea;
	int bytelevel = 0, rc = -1;
	size_t i;

	model = json_object_get(root, "model");
	mtype = dm_json_getstr(model, "type");
	if (!json_is_object(model) || (mtype && strcmp(mtype, "BPE") != 0 &&
	    strcmp(mtype, "Unigram") != 0))
		return fail(err, t->path, "unsupported model type",
		    mtype ? mtype : "null");
	norm = json_object_get(root, "normalizer");
	type = dm_json_getstr(norm, "type");
	if (type && (strcmp(type, "NFC") == 0 || strcmp(type, "NFKC") == 0))
		/* the byte-level models' own, with an ASCII fast path */
		t->norm = (utf8proc_option_t)dm_uni_form(type);
	else if (dm_tnorm_new(norm, &t->tnorm, &a) < 0) {
		fail(err, t->path, a.buf, NULL);
		dm_buf_free(&a);
		return -1;
	}
	pre = json_object_get(root, "pre_tokenizer");
	if (pre && !json_is_null(pre) && addstep(t, pre, &bytelevel, err) < 0)
		return -1;
	if (mtype && strcmp(mtype, "Unigram") == 0) {
		t->model = MODEL_UNIGRAM;
		rc = load_unigram(t, model, err);
		if (rc == 0)
			addtokens(t, root);
		return rc;
	}
	if ((dm_json_getstr(model, "continuing_subword_prefix") &&
	    *dm_json_getstr(model, "continuing_subword_prefix")) ||
	    (dm_json_getstr(model, "end_of_word_suffix") &&
	    *dm_json_getstr(model, "end_of_word_suffix")))
		return fail(err, t->path, "unsupported BPE options "
		    "(continuing_subword_prefix, end_of_word_suffix)", NULL);
	t->ignore_merges = jtrue(model, "ignore_merges", 0);
	vocab = json_object_get(model, "vocab");
	if (!json_is_object(vocab))
		return fail(err, t->path, "model without a vocab", NULL);
	if (!bytelevel) {
		t->model = MODEL_SPBPE;
		rc = load_spbpe(t, model, vocab);
		if (rc == 0)
			addtokens(t, root);
		return rc;
	}
	if (t->tnorm || json_is_true(json_object_get(model, "byte_fallback")))
		return fail(err, t->path, "unsupported byte-level BPE "
		    "(a normalizer other than NFC or NFKC, or byte_fallback)",
		    NULL);
	t->model = MODEL_BYTEBPE;
	json_object_foreach(vocab, key, v) {
		if (!json_is_integer(v) || unbytes(key, strlen(key), &a) < 0)
			continue;
		strtab_put(&t->vocab, a.buf, a.len, dm_hash64(a.buf, a.len),
		    (int32_t)json_integer_value(v));
	}
	for (i = 0; i < 256; i++) {
		char c = (char)i;

		ea = strtab_find(&t->vocab, &c, 1, dm_hash64(&c, 1));
		t->byteid[i] = ea ? ea->val : -1;
	}
	loadmerges(t, json_object_get(model, "merges"), 1);
	addtokens(t, root);
	rc = 0;
	dm_buf_free(&a);
	return rc;
}

/* The added tokens of root, the longest first, as the library's trie
 * matches. */
static void
addtokens(struct dm_tok *t, json_t *root)
{
	json_t *v;
	size_t i;

	json_array_foreach(json_object_get(root, "added_tokens"), i, v) {
		const char *c = dm_json_getstr(v, "content");

		if (c == NULL || *c == '\0')
			continue;
		t->added = dm_xreallocarray(t->added, t->nadded + 1,
		    sizeof *t->added);
		t->added[t->nadded].s = dm_xstrdup(c);
		t->added[t->nadded].n = strlen(c);
		t->addfirst[(unsigned char)c[0]] = 1;
		t->nadded++;
	}
	if (t->nadded)
		qsort(t->added, t->nadded, sizeof *t->added, cmpadded);
}

/* <0xXX>, SentencePiece's byte pieces, into byteid */
static void
bytepieces(struct dm_tok *t, int on)
{
	struct strent *e;
	char name[8];
	unsigned x;

	for (x = 0; x < 256; x++) {
		t->byteid[x] = -1;
		if (!on)
			continue;
		snprintf(name, sizeof name, "<0x%02X>", x);
		if ((e = strtab_find(&t->vocab, name, 6, dm_hash64(name, 6))))
			t->byteid[x] = e->val;
	}
}

/*
 * BPE on characters, SentencePiece-style, as Llama 2's and Mistral's
 * tokenizer.json have it (the text made into "\u2581"-words by the
 * normalizer or a Metaspace pre-tokenizer): a piece's characters are the
 * first symbols (one not in the vocabulary becomes its bytes' <0xXX>
 * tokens with byte_fallback, else the unknown token, consecutive ones
 * fused with fuse_unk), then merged by rank, the lowest first and the
 * leftmost among equals, as the library's Word::merge_all does.
 */
static int
load_spbpe(struct dm_tok *t, json_t *model, json_t *vocab)
{
	const char *key, *ua;
	struct strent *ea;
	json_t *v;

	t->fuse_unk = jtrue(model, "fuse_unk", 0);
	json_object_foreach(vocab, key, v)
		if (json_is_integer(v))
			strtab_put(&t->vocab, key, strlen(key), dm_hash64(key,
			    strlen(key)), (int32_t)json_integer_value(v));
	bytepieces(t, jtrue(model, "byte_fallback", 0));
	t->unkid = -1;
	if ((ua = dm_json_getstr(model, "unk_token")) != NULL &&
	    (ea = strtab_find(&t->vocab, ua, strlen(ua), dm_hash64(ua,
	    strlen(ua)))) != NULL)
		t->unkid = ea->val;
	loadmerges(t, json_object_get(model, "merges"), 0);
	return 0;
}

/*
 * A Unigram model (T5, XLM-R, ALBERT): the pieces and their scores, the
 * id of the unknown piece; a character no piece starts with scores the
 * lowest score less 10, as in SentencePiece and the library.
 */
static int
load_unigram(struct dm_tok *t, json_t *model, struct dm_buf *err)
{
	json_t *vocab = json_object_get(model, "vocab"), *v, *u;
	const char *p;
	double lo = 0;
	size_t i, n;

	if (!json_is_array(vocab) || json_array_size(vocab) == 0)
		return fail(err, t->path, "model without a vocab", NULL);
	t->nscore = json_array_size(vocab);
	t->score = dm_xreallocarray(NULL, t->nscore, sizeof *t->score);
	json_array_foreach(vocab, i, v) {
		p = json_string_value(json_array_get(v, 0));
		u = json_array_get(v, 1);
		if (p == NULL || !json_is_number(u))
			return fail(err, t->path, "bad Unigram vocab entry",
			    NULL);
		t->score[i] = json_number_value(u);
		if (i == 0 || t->score[i] < lo)
			lo = t->score[i];
		n = strlen(p);
		if (n == 0)
			continue;
		if (n > t->maxpiece)
			t->maxpiece = n;
		strtab_put(&t->vocab, p, n, dm_hash64(p, n), (int32_t)i);
	}
	t->unkscore = lo - 10.0;
	u = json_object_get(model, "unk_id");
	t->unkid = json_is_integer(u) && json_integer_value(u) >= 0 &&
	    (size_t)json_integer_value(u) < t->nscore ?
	    (int32_t)json_integer_value(u) : -1;
	t->fuse_unk = 1;
	bytepieces(t, jtrue(model, "byte_fallback", 0));
	return 0;
}


static void
tok_free(struct dm_tok *t)
{
	size_t i;
	int k;

	if (t->spm)
		dm_spm_close(t->spm);
	dm_tnorm_free(t->tnorm);
	free(t->score);
	free(t->best);
	strtab_free(&t->vocab);
	strtab_free(&t->cache);
	free(t->pairs);
	for (k = 0; k < t->nsteps; k++)
		if (t->steps[k].re)
			dm_re_free(t->steps[k].re);
	for (k = 0; k < MAXLEVEL; k++)
		dm_buf_free(&t->lvl[k]);
	for (i = 0; i < t->nadded; i++)
		free(t->added[i].s);
	free(t->added);
	dm_buf_free(&t->normbuf);
	free(t->sym);
	free(t->heap);
	free(t->nx);
	free(t->pv);
	free(t->path);
	free(t->name);
	free(t);
}

/* ---- finding ---- */

/* The forms a tokenizer NAME takes in a directory of the search path. */
static const char *const forms[] = {
	"%s/%s.json", "%s/%s/tokenizer.json", "%s/%s.model",
	"%s/%s/tokenizer.model",
};
#define NFORMS	(sizeof forms / sizeof forms[0])

/* The directories of the search path, ':'-separated, in dirs. */
static void
searchpath(struct dm_buf *dirs)
{
	const char *env = getenv("DM_TOKENIZER_PATH");

	dm_buf_reset(dirs);
	if (env && *env)
		dm_buf_adds(dirs, env);
	else
		dm_buf_addf(dirs, "%s/tokenizers", dm_sharedir());
}

static int
cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in d (forms), added to the sorted list names[0..*n). */
static void
listdir(const char *d, char ***names, size_t *n)
{
	struct dm_buf p = DM_BUF_INIT;
	struct dirent *de;
	size_t len, i, f;
	DIR *dir;
	char *nm;

	if ((dir = opendir(d)) == NULL)
		return;
	while ((de = readdir(dir)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		len = strlen(de->d_name);
		nm = NULL;
		if (len > 5 && strcmp(de->d_name + len - 5, ".json") == 0)
			nm = dm_xstrndup(de->d_name, len - 5);
		else if (len > 6 && strcmp(de->d_name + len - 6, ".model") == 0)
			nm = dm_xstrndup(de->d_name, len - 6);
		else
			for (f = 1; f < NFORMS && nm == NULL; f += 2) {
				dm_buf_reset(&p);
				dm_buf_addf(&p, forms[f], d, de->d_name);
				if (access(p.buf, R_OK) == 0)
					nm = dm_xstrdup(de->d_name);
			}
		if (nm == NULL || strchr(nm, '.')) {
			free(nm);
			continue;
		}
		for (i = 0; i < *n && strcmp((*names)[i], nm) != 0; i++)
			;
		if (i < *n) {
			free(nm);
			continue;
		}
		*names = dm_xreallocarray(*names, *n + 1, sizeof **names);
		(*names)[(*n)++] = nm;
	}
	closedir(dir);
	dm_buf_free(&p);
}

size_t
dm_tok_names(char ***names)
{
	struct dm_buf dirs = DM_BUF_INIT;
	char *d, *save = NULL;
	size_t n = 0;

	*names = NULL;
	searchpath(&dirs);
	for (d = strtok_r(dirs.buf, ":", &save); d;
	    d = strtok_r(NULL, ":", &save))
		listdir(d, names, &n);
	dm_buf_free(&dirs);
	if (n)
		qsort(*names, n, sizeof **names, cmpstr);
	return n;
}

/*
 * A name (no '/', no '.') is looked up in the directories of
 * DM_TOKENIZER_PATH, else of DM_SHAREDIR/tokenizers, in the forms above,
 * then as a file; anything else is a path. -1 with err for a name found
 * nowhere, listing the names there are.
 */
static void	expanduser(struct dm_buf *, const char *);

/* p with every $NAME and ${NAME} of a variable that is set replaced by its
 * value, as Python's os.path.expandvars: NAME is ASCII letters, digits and
 * '_' (anything but '}' in braces), and the rest is left as it is. */
static void
expandvars(struct dm_buf *out, const char *p)
{
	struct dm_buf name = DM_BUF_INIT;
	const char *q, *v;

	while (*p) {
		if (*p != '$') {
			dm_buf_addc(out, *p++);
			continue;
		}
		dm_buf_reset(&name);
		if (p[1] == '{' && (q = strchr(p + 2, '}')) != NULL) {
			dm_buf_add(&name, p + 2, (size_t)(q - p - 2));
			q++;
		} else {
			for (q = p + 1; (*q >= 'a' && *q <= 'z') ||
			    (*q >= 'A' && *q <= 'Z') || (*q >= '0' && *q <= '9') ||
			    *q == '_'; q++)
				dm_buf_addc(&name, *q);
			if (q == p + 1) {
				dm_buf_addc(out, *p++);
				continue;
			}
		}
		if (strchr(name.buf, '=') == NULL &&
		    (v = getenv(name.buf)) != NULL)
			dm_buf_adds(out, v);
		else
			dm_buf_add(out, p, (size_t)(q - p));
		p = q;
	}
	dm_buf_free(&name);
}

/* p through os.path.expanduser, then os.path.expandvars, as
 * huggingface_hub reads its directories. */
static void
hubexpand(struct dm_buf *out, const char *p)
{
	struct dm_buf u = DM_BUF_INIT;

	expanduser(&u, p);
	expandvars(out, u.buf);
	dm_buf_free(&u);
}

/*
 * The Hugging Face hub cache, as huggingface_hub's constants.py finds it:
 * HF_HUB_CACHE, else the older HUGGINGFACE_HUB_CACHE, else HF_HOME/hub,
 * HF_HOME being XDG_CACHE_HOME/huggingface or ~/.cache/huggingface when
 * unset. HF_HOME is expanded, and the hub directory made of it once more,
 * as there.
 */
static void
hubdir(struct dm_buf *d)
{
	struct dm_buf home = DM_BUF_INIT, t = DM_BUF_INIT;
	const char *e;

	if (((e = getenv("HF_HUB_CACHE")) != NULL && *e) ||
	    ((e = getenv("HUGGINGFACE_HUB_CACHE")) != NULL && *e)) {
		hubexpand(d, e);
		return;
	}
	if ((e = getenv("HF_HOME")) != NULL && *e)
		dm_buf_adds(&t, e);
	else if ((e = getenv("XDG_CACHE_HOME")) != NULL && *e)
		dm_buf_addf(&t, "%s/huggingface", e);
	else
		dm_buf_adds(&t, "~/.cache/huggingface");
	hubexpand(&home, t.buf);
	dm_buf_reset(&t);
	dm_buf_addf(&t, "%s/hub", home.buf);
	hubexpand(d, t.buf);
	dm_buf_free(&home);
	dm_buf_free(&t);
}

/* Whether name is a model id of the hub, ORG/NAME, each of letters,
 * digits, '-', '_' and '.', not starting with '.' or '-'. */
static int
hubid(const char *name)
{
	const char *p = name;
	int parts = 1, len = 0;

	for (; *p; p++) {
		if (*p == '/') {
			if (len == 0 || ++parts > 2)
				return 0;
			len = 0;
			continue;
		}
		if (len == 0 && (*p == '.' || *p == '-'))
			return 0;
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' ||
		    *p == '.'))
			return 0;
		len++;
	}
	return parts == 2 && len > 0;
}

/*
 * The tokenizer.json of model id ORG/NAME as transformers'
 * AutoTokenizer.from_pretrained finds it downloaded: in the snapshot that
 * refs/main of models--ORG--NAME (models--NAME for an id without an
 * organization) in the hub cache names. 0 with path, or
 * -1 with the place looked at in err.
 */
static int
hub_resolve(const char *name, struct dm_buf *path, struct dm_buf *err)
{
	struct dm_buf d = DM_BUF_INIT, ref = DM_BUF_INIT;
	const char *slash = strchr(name, '/');
	char buf[256];
	size_t n;
	FILE *fp;

	hubdir(&d);
	if (slash != NULL)
		dm_buf_addf(&d, "/models--%.*s--%s", (int)(slash - name), name,
		    slash + 1);
	else
		dm_buf_addf(&d, "/models--%s", name);
	dm_buf_addf(&ref, "%s/refs/main", d.buf);
	if ((fp = fopen(ref.buf, "r")) != NULL) {
		n = fread(buf, 1, sizeof buf - 1, fp);
		fclose(fp);
		buf[n] = '\0';
		buf[strcspn(buf, "\r\n")] = '\0';
		dm_buf_reset(path);
		dm_buf_addf(path, "%s/snapshots/%s/tokenizer.json", d.buf, buf);
		if (*buf != '\0' && strchr(buf, '/') == NULL &&
		    access(path->buf, R_OK) == 0) {
			dm_buf_free(&d);
			dm_buf_free(&ref);
			return 0;
		}
	}
	dm_buf_adds(err, "no file '");
	dm_buf_addquoted(err, name, strlen(name), 64);
	dm_buf_adds(err, "', nor a tokenizer.json of that Hugging Face model "
	    "in '");
	dm_buf_addquoted(err, d.buf, d.len, 200);
	dm_buf_addc(err, '\'');
	dm_buf_reset(path);
	dm_buf_adds(path, name);
	dm_buf_free(&d);
	dm_buf_free(&ref);
	return -1;
}

static int
resolve(const char *name, struct dm_buf *path, struct dm_buf *err)
{
	struct dm_buf dirs = DM_BUF_INIT, hub = DM_BUF_INIT;
	char *d, *save = NULL, **names;
	size_t f, i, n;
	struct stat st;

	dm_buf_adds(path, name);
	/* a path to a directory: its tokenizer.json, as from_pretrained
	 * (a bare name is looked up first, below) */
	if ((strchr(name, '/') || strchr(name, '.')) && stat(name, &st) == 0 &&
	    S_ISDIR(st.st_mode)) {
		for (f = 0; f < 2; f++) {
			dm_buf_reset(path);
			dm_buf_addf(path, "%s/%s", name, f ? "tokenizer.model" :
			    "tokenizer.json");
			if (access(path->buf, R_OK) == 0)
				return 0;
		}
		dm_buf_adds(err, "directory '");
		dm_buf_addquoted(err, name, strlen(name), 64);
		dm_buf_adds(err, "' holds no tokenizer.json nor tokenizer.model");
		return -1;
	}
	if (hubid(name) && access(name, F_OK) != 0)
		return hub_resolve(name, path, err);
	if (strchr(name, '/') || strchr(name, '.'))
		return 0;
	searchpath(&dirs);
	for (d = strtok_r(dirs.buf, ":", &save); d;
	    d = strtok_r(NULL, ":", &save))
		for (f = 0; f < NFORMS; f++) {
			dm_buf_reset(path);
			dm_buf_addf(path, forms[f], d, name);
			if (access(path->buf, R_OK) == 0) {
				dm_buf_free(&dirs);
				return 0;
			}
		}
	dm_buf_reset(path);
	dm_buf_adds(path, name);
	if (access(name, R_OK) == 0) {
		dm_buf_free(&dirs);
		return 0;
	}
	/* a model id of the hub without an organization ("gpt2") */
	if (hub_resolve(name, path, &hub) == 0) {
		dm_buf_free(&dirs);
		dm_buf_free(&hub);
		return 0;
	}
	dm_buf_free(&hub);
	dm_buf_adds(err, "unknown tokenizer '");
	dm_buf_addquoted(err, name, strlen(name), 64);
	n = dm_tok_names(&names);
	if (n == 0) {
		searchpath(&dirs);
		dm_buf_adds(err, "'; none is installed in '");
		dm_buf_addquoted(err, dirs.buf, dirs.len, 200);
		dm_buf_adds(err, "'");
	} else
		dm_buf_adds(err, "'; known: ");
	for (i = 0; i < n; i++) {
		dm_buf_addf(err, "%s%s", i ? ", " : "", names[i]);
		free(names[i]);
	}
	free(names);
	dm_buf_free(&dirs);
	return -1;
}

/* ---- SentencePiece models for words (sp= of the word statistics) ---- */

/* A path with a leading "~" or "~USER" made absolute, as Python's
 * os.path.expanduser: "~" is HOME, or the user's home directory when HOME
 * is unset, and a user that does not exist leaves the path as it is. */
static void
expanduser(struct dm_buf *out, const char *p)
{
	struct dm_buf user = DM_BUF_INIT;
	const char *home = NULL, *q;
	struct passwd *pw;
	size_t n;

	if (p[0] != '~') {
		dm_buf_adds(out, p);
		return;
	}
	q = p + 1 + strcspn(p + 1, "/");
	if (q == p + 1 && (home = getenv("HOME")) == NULL &&
	    (pw = getpwuid(getuid())) != NULL)
		home = pw->pw_dir;
	else if (q > p + 1) {
		dm_buf_add(&user, p + 1, (size_t)(q - p - 1));
		if ((pw = getpwnam(user.buf)) != NULL)
			home = pw->pw_dir;
	}
	dm_buf_free(&user);
	if (home == NULL) {
		dm_buf_adds(out, p);
		return;
	}
	for (n = strlen(home); n > 0 && home[n - 1] == '/'; n--)
		;
	if (n == 0 && *q == '\0')
		dm_buf_addc(out, '/');
	else
		dm_buf_add(out, home, n);
	dm_buf_adds(out, q);
}

/*
 * The directory where Data-Juicer keeps the models it downloaded
 * (data_juicer/utils/cache_utils.py): DATA_JUICER_MODELS_CACHE, else
 * DATA_JUICER_CACHE_HOME/models, else CACHE_HOME/data_juicer/models, the
 * cache home "~/.cache" by default.
 */
static void
djcache(struct dm_buf *dir)
{
	const char *e;

	if ((e = getenv("DATA_JUICER_MODELS_CACHE")) != NULL) {
		dm_buf_adds(dir, e);
		return;
	}
	if ((e = getenv("DATA_JUICER_CACHE_HOME")) != NULL)
		expanduser(dir, e);
	else {
		e = getenv("CACHE_HOME");
		expanduser(dir, e ? e : "~/.cache");
		dm_buf_adds(dir, "/data_juicer");
	}
	dm_buf_adds(dir, "/models");
}

/* The directories where NAME.sp.model is looked for, ':'-separated. */
static void
sp_dirs(struct dm_buf *dirs)
{
	const char *e = getenv("DATA_JUICER_EXTERNAL_MODELS_HOME");

	searchpath(dirs);
	if (e && *e)
		dm_buf_addf(dirs, ":%s", e);
	dm_buf_addc(dirs, ':');
	djcache(dirs);
}

static struct spmodel {
	char		*name;
	struct dm_spm	*m;
	struct spmodel	*next;
} *spmodels;

struct dm_spm *
dm_tok_spm(const char *name, struct dm_buf *err)
{
	struct dm_buf dirs = DM_BUF_INIT, path = DM_BUF_INIT;
	struct spmodel *sm;
	struct dm_spm *m;
	char *d, *save = NULL, msg[512];
	int found = 0;

	for (sm = spmodels; sm; sm = sm->next)
		if (strcmp(sm->name, name) == 0)
			return sm->m;
	if (*name == '\0') {
		dm_buf_adds(err, "sp: the model name is empty");
		return NULL;
	}
	if (strchr(name, '/') || strchr(name, '.')) {
		dm_buf_adds(&path, name);
		found = 1;
	} else {
		sp_dirs(&dirs);
		for (d = strtok_r(dirs.buf, ":", &save); d && !found;
		    d = strtok_r(NULL, ":", &save)) {
			dm_buf_reset(&path);
			dm_buf_addf(&path, "%s/%s.sp.model", d, name);
			found = access(path.buf, R_OK) == 0;
		}
	}
	if (!found) {
		dm_buf_reset(&dirs);
		sp_dirs(&dirs);
		dm_buf_addf(err, "no SentencePiece model '%s.sp.model' in '",
		    name);
		dm_buf_addquoted(err, dirs.buf, dirs.len, 400);
		dm_buf_addc(err, '\'');
		dm_buf_free(&dirs);
		dm_buf_free(&path);
		return NULL;
	}
	dm_buf_free(&dirs);
	*msg = '\0';
	/* libsentencepiece's own words for this are longer */
	if (access(path.buf, R_OK) < 0)
		snprintf(msg, sizeof msg, "%s", strerror(errno));
	if (*msg || (m = dm_spm_open(path.buf, msg, sizeof msg)) == NULL) {
		dm_buf_adds(err, "SentencePiece model '");
		dm_buf_addquoted(err, path.buf, path.len, 200);
		dm_buf_adds(err, "': ");
		dm_buf_adds(err, *msg ? msg : "not a SentencePiece model");
		dm_buf_free(&path);
		return NULL;
	}
	dm_buf_free(&path);
	sm = dm_xcalloc(1, sizeof *sm);
	sm->name = dm_xstrdup(name);
	sm->m = m;
	sm->next = spmodels;
	spmodels = sm;
	return m;
}

/* 1 when the file at path looks like JSON (its first non-blank byte is
 * '{'), 0 when not, -1 when it cannot be read (jansson says why). */
static int
isjson(const char *path)
{
	FILE *fp;
	int c;

	if ((fp = fopen(path, "rb")) == NULL)
		return -1;
	while ((c = getc(fp)) == ' ' || c == '\t' || c == '\n' || c == '\r')
		;
	fclose(fp);
	return c == '{';
}

static struct dm_tok *
tok_new(const char *name, struct dm_buf *pb)
{
	struct dm_tok *t;
	int k;

	t = dm_xcalloc(1, sizeof *t);
	t->path = dm_buf_detach(pb, NULL);
	t->name = dm_xstrdup(name);
	dm_buf_init(&t->vocab.keys);
	dm_buf_init(&t->cache.keys);
	dm_buf_init(&t->normbuf);
	for (k = 0; k < MAXLEVEL; k++)
		dm_buf_init(&t->lvl[k]);
	return t;
}

/*
 * While a tokenizer.json is parsed, jansson allocates from a few large
 * blocks, released at once when the tables are built: its hundreds of
 * thousands of small objects then cost neither malloc and free nor a
 * json_decref walk (which together were a third of loading cl100k_base).
 * Nothing of the tree outlives the load (what is kept is copied).
 */
#define ARENA_BLOCK	(8UL << 20)

static struct {
	char	**blk;
	size_t	  nblk, used, cap;
} arena;

static void *
arena_alloc(size_t n)
{
	void *p;

	n = (n + 15) & ~(size_t)15;
	if (arena.nblk == 0 || arena.used + n > arena.cap) {
		arena.cap = n > ARENA_BLOCK ? n : ARENA_BLOCK;
		arena.blk = dm_xreallocarray(arena.blk, arena.nblk + 1,
		    sizeof *arena.blk);
		arena.blk[arena.nblk++] = bigalloc(arena.cap, 1, 0);
		arena.used = 0;
	}
	p = arena.blk[arena.nblk - 1] + arena.used;
	arena.used += n;
	return p;
}

/* A block is given back all at once (a pointer from before the load,
 * which nothing frees meanwhile, would be kept). */
static void
arena_free(void *p)
{
	(void)p;
}

static void
arena_release(void)
{
	size_t i;

	for (i = 0; i < arena.nblk; i++)
		free(arena.blk[i]);
	free(arena.blk);
	memset(&arena, 0, sizeof arena);
}

/* The JSON of path, read whole (jansson's own file reading takes a byte
 * at a time), its tree in the arena; NULL with jerr set. */
static json_t *
loadjson(const char *path, json_error_t *jerr)
{
	struct dm_buf b = DM_BUF_INIT;
	json_malloc_t om;
	json_free_t of;
	json_t *root;
	char tmp[1 << 16];
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return json_load_file(path, 0, jerr);
	while ((n = read(fd, tmp, sizeof tmp)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			close(fd);
			dm_buf_free(&b);
			return json_load_file(path, 0, jerr);
		}
		dm_buf_add(&b, tmp, (size_t)n);
	}
	close(fd);
	json_get_alloc_funcs(&om, &of);
	json_set_alloc_funcs(arena_alloc, arena_free);
	root = json_loadb(b.buf, b.len, 0, jerr);
	json_set_alloc_funcs(om, of);
	dm_buf_free(&b);
	if (root == NULL)
		arena_release();
	return root;
}

struct dm_tok *
dm_tok_get(const char *name, struct dm_buf *err)
{
	struct dm_buf pb = DM_BUF_INIT, lerr = DM_BUF_INIT;
	struct dm_tok *t;
	json_error_t jerr;
	json_t *root;
	char msg[512];

	for (t = loaded; t; t = t->next)
		if (strcmp(t->name, name) == 0)
			return t;
	if (resolve(name, &pb, err) < 0) {
		dm_buf_free(&pb);
		return NULL;
	}
	if (isjson(pb.buf) == 0) {
		t = tok_new(name, &pb);
		/* not JSON: a SentencePiece model, read by the shim */
		if (dm_spm_load(&lerr) < 0) {
			fail(err, t->path, "not JSON, and the shim that reads "
			    "SentencePiece models is missing: ", NULL);
			dm_buf_add(err, lerr.buf, lerr.len);
			dm_buf_free(&lerr);
			tok_free(t);
			return NULL;
		}
		if ((t->spm = dm_spm_open(t->path, msg, sizeof msg)) == NULL) {
			fail(err, t->path, "not a tokenizer.json nor a "
			    "SentencePiece model", NULL);
			if (*msg)
				dm_buf_addf(err, ": %s", msg);
			tok_free(t);
			return NULL;
		}
		goto done;
	}
	if (unbyte[0] == 0 && unbyte[1] == 0)
		unbyte_init();
	root = loadjson(pb.buf, &jerr);
	if (root == NULL) {
		dm_buf_adds(err, "tokenizer '");
		dm_buf_addquoted(err, pb.buf, pb.len, 200);
		dm_buf_addf(err, "': %s", jerr.text);
		dm_buf_free(&pb);
		return NULL;
	}
	t = tok_new(name, &pb);
	if (load(t, root, err) < 0) {
		arena_release();
		tok_free(t);
		return NULL;
	}
	arena_release();
done:
	t->next = loaded;
	loaded = t;
	return t;
}

/* ---- counting ---- */

/*
 * The count cached for the piece s[0..n): 1 with it in *count, else 0.
 * *h is the piece's hash when it is short enough to be cached, else 0.
 */
static inline int
cache_get(struct dm_tok *t, const char *s, size_t n, uint64_t *h,
    size_t *count)
{
	struct strent *e;

	*h = 0;
	if (n > CACHE_PIECE)
		return 0;
	*h = dm_hash64(s, n);
	if ((e = strtab_find(&t->cache, s, n, *h)) == NULL)
		return 0;
	*count = (size_t)e->val;
	return 1;
}

/* count, kept for the piece s[0..n) of hash h (from cache_get()) when it
 * is short enough. */
static inline size_t
cache_put(struct dm_tok *t, const char *s, size_t n, uint64_t h,
    size_t count)
{
	if (n <= CACHE_PIECE) {
		if (t->cache.n >= CACHE_MAX)
			strtab_free(&t->cache);
		strtab_put(&t->cache, s, n, h, (int32_t)count);
	}
	return count;
}

/* 1 when the piece s[0..n), of hash h from cache_get(), is in the
 * vocabulary whole. */
static inline int
vocab_has(struct dm_tok *t, const char *s, size_t n, uint64_t h)
{
	return strtab_find(&t->vocab, s, n, n <= CACHE_PIECE ? h :
	    dm_hash64(s, n)) != NULL;
}

static size_t
bpe(struct dm_tok *t, const char *s, size_t n)
{
	struct pairent *p;
	uint64_t h;
	int32_t best, bestid, a, b;
	size_t i, k, nsym;

	if (cache_get(t, s, n, &h, &nsym))
		return nsym;
	if (t->ignore_merges && vocab_has(t, s, n, h)) {
		nsym = 1;
		goto done;
	}
	if (t->symcap < n) {
		t->symcap = n * 2;
		t->sym = dm_xreallocarray(t->sym, t->symcap, sizeof *t->sym);
	}
	for (i = 0; i < n; i++)
		t->sym[i] = t->byteid[(unsigned char)s[i]];
	nsym = n;
	while (nsym > 1) {
		best = INT32_MAX;
		a = b = bestid = -1;
		for (i = 0; i + 1 < nsym; i++) {
			if (t->sym[i] < 0 || t->sym[i + 1] < 0)
				continue;
			p = pair_find(t, t->sym[i], t->sym[i + 1]);
			if (p && p->rank < best) {
				best = p->rank;
				a = t->sym[i];
				b = t->sym[i + 1];
				bestid = p->id;
			}
		}
		if (best == INT32_MAX)
			break;
		for (i = 0, k = 0; i < nsym; k++) {
			if (i + 1 < nsym && t->sym[i] == a &&
			    t->sym[i + 1] == b) {
				t->sym[k] = bestid;
				i += 2;
			} else
				t->sym[k] = t->sym[i++];
		}
		nsym = k;
	}
done:
	return cache_put(t, s, n, h, nsym);
}

/* A merge waiting in spbpe()'s heap: the pair at pos (its left symbol)
 * of ids a and b, of that rank. */
struct cand {
	int32_t	rank, pos, a, b;
};

static int
candless(const struct cand *x, const struct cand *y)
{
	return x->rank < y->rank || (x->rank == y->rank && x->pos < y->pos);
}

static void
heap_push(struct cand **h, size_t *n, size_t *cap, struct cand c)
{
	size_t i, up;

	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 256;
		*h = dm_xreallocarray(*h, *cap, sizeof **h);
	}
	for (i = (*n)++; i > 0; i = up) {
		up = (i - 1) / 2;
		if (!candless(&c, &(*h)[up]))
			break;
		(*h)[i] = (*h)[up];
	}
	(*h)[i] = c;
}

static struct cand
heap_pop(struct cand *h, size_t *n)
{
	struct cand top = h[0], last = h[--*n];
	size_t i = 0, k;

	for (;;) {
		k = 2 * i + 1;
		if (k >= *n)
			break;
		if (k + 1 < *n && candless(&h[k + 1], &h[k]))
			k++;
		if (!candless(&h[k], &last))
			break;
		h[i] = h[k];
		i = k;
	}
	if (*n)
		h[i] = last;
	return top;
}

/* The tokens of one SentencePiece-style word s[0..n) (see load_sp). */
static size_t
spbpe(struct dm_tok *t, const char *s, size_t n)
{
	struct strent *e;
	struct pairent *p;
	struct cand c;
	int32_t *nx, *pv;
	size_t i, len, nsym = 0, nh = 0, count;
	int32_t j, k;
	uint64_t h = 0;

	if (cache_get(t, s, n, &h, &count))
		return count;
	if (t->symcap < n) {
		t->symcap = n * 2;
		t->sym = dm_xreallocarray(t->sym, t->symcap, sizeof *t->sym);
	}
	if (t->lcap < n) {
		t->lcap = n * 2;
		t->nx = dm_xreallocarray(t->nx, t->lcap, sizeof *t->nx);
		t->pv = dm_xreallocarray(t->pv, t->lcap, sizeof *t->pv);
	}
	nx = t->nx;
	pv = t->pv;
	if (t->ignore_merges && vocab_has(t, s, n, h))
		return 1;
	for (i = 0; i < n; i += len) {
		unsigned char b = (unsigned char)s[i];

		len = b < 0x80 ? 1 : b < 0xe0 ? 2 : b < 0xf0 ? 3 : 4;
		if (i + len > n)
			len = n - i;
		if ((e = strtab_find(&t->vocab, s + i, len, dm_hash64(s + i,
		    len))) != NULL) {
			t->sym[nsym++] = e->val;
			continue;
		}
		for (k = 0; k < (int32_t)len && t->byteid[(unsigned char)
		    s[i + (size_t)k]] >= 0; k++)
			;
		if (k == (int32_t)len) {
			for (k = 0; k < (int32_t)len; k++)
				t->sym[nsym++] = t->byteid[(unsigned char)
				    s[i + (size_t)k]];
			continue;
		}
		if (t->fuse_unk && nsym > 0 && t->sym[nsym - 1] == t->unkid)
			continue;
		t->sym[nsym++] = t->unkid;
	}
	count = nsym;
	for (i = 0; i < nsym; i++) {
		nx[i] = i + 1 < nsym ? (int32_t)i + 1 : -1;
		pv[i] = (int32_t)i - 1;
		if (i + 1 < nsym && t->sym[i] >= 0 && t->sym[i + 1] >= 0 &&
		    (p = pair_find(t, t->sym[i], t->sym[i + 1])) != NULL) {
			c.rank = p->rank;
			c.pos = (int32_t)i;
			c.a = t->sym[i];
			c.b = t->sym[i + 1];
			heap_push(&t->heap, &nh, &t->hcap, c);
		}
	}
	while (nh > 0) {
		c = heap_pop(t->heap, &nh);
		j = c.pos;
		/* stale: the left symbol or its neighbour changed since */
		if (t->sym[j] != c.a || (k = nx[j]) < 0 || t->sym[k] != c.b)
			continue;
		p = pair_find(t, c.a, c.b);
		t->sym[j] = p->id;
		t->sym[k] = -2;		/* gone */
		nx[j] = nx[k];
		if (nx[k] >= 0)
			pv[nx[k]] = j;
		count--;
		if (pv[j] >= 0 && t->sym[pv[j]] >= 0 &&
		    (p = pair_find(t, t->sym[pv[j]], t->sym[j])) != NULL) {
			c.rank = p->rank;
			c.pos = pv[j];
			c.a = t->sym[pv[j]];
			c.b = t->sym[j];
			heap_push(&t->heap, &nh, &t->hcap, c);
		}
		if (nx[j] >= 0 && t->sym[nx[j]] >= 0 &&
		    (p = pair_find(t, t->sym[j], t->sym[nx[j]])) != NULL) {
			c.rank = p->rank;
			c.pos = j;
			c.a = t->sym[j];
			c.b = t->sym[nx[j]];
			heap_push(&t->heap, &nh, &t->hcap, c);
		}
	}
	return cache_put(t, s, n, h, count);
}

/* The tokens of a run of unknown characters in a Unigram piece: one,
 * unless it is a piece after all, or byte_fallback has all its bytes. */
static size_t
unkrun(struct dm_tok *t, const char *s, size_t n)
{
	size_t i;

	if (strtab_find(&t->vocab, s, n, dm_hash64(s, n)) != NULL)
		return 1;
	for (i = 0; i < n && t->byteid[(unsigned char)s[i]] >= 0; i++)
		;
	return i == n ? n : 1;
}

/*
 * The tokens of a Unigram piece s[0..n): Viterbi over the lattice of the
 * vocabulary's pieces, as the library's Unigram::encode_optimized does
 * (scores summed left to right in doubles, a later path only when
 * strictly better, an unknown character where no piece of one character
 * starts); consecutive unknown characters are one token, or with
 * byte_fallback their bytes' <0xXX> tokens when all of those exist.
 */
static size_t
unigram(struct dm_tok *t, const char *s, size_t n)
{
	struct strent *e;
	double *best, cand;
	int32_t *from, *id;
	size_t i, j, len, clen, count = 0, unk = 0;
	uint64_t h = 0;
	unsigned char b;

	if (cache_get(t, s, n, &h, &count))
		return count;
	if (t->bcap < n + 1) {
		t->bcap = (n + 1) * 2;
		t->best = dm_xreallocarray(t->best, t->bcap, sizeof *t->best);
		t->nx = dm_xreallocarray(t->nx, t->bcap, sizeof *t->nx);
		t->pv = dm_xreallocarray(t->pv, t->bcap, sizeof *t->pv);
		t->lcap = t->bcap;
	}
	best = t->best;
	from = t->pv;		/* where the best path to here starts, -1 */
	id = t->nx;		/* its last piece */
	for (i = 0; i <= n; i++)
		from[i] = -1;
	best[0] = 0;
	for (i = 0; i < n; i += clen) {
		int single = 0;

		b = (unsigned char)s[i];
		clen = b < 0x80 ? 1 : b < 0xe0 ? 2 : b < 0xf0 ? 3 : 4;
		if (i + clen > n)
			clen = n - i;
		for (j = i + clen; j <= n && j - i <= t->maxpiece; ) {
			if ((e = strtab_find(&t->vocab, s + i, j - i,
			    dm_hash64(s + i, j - i))) != NULL) {
				cand = t->score[e->val] + best[i];
				if (from[j] < 0 || cand > best[j]) {
					best[j] = cand;
					from[j] = (int32_t)i;
					id[j] = e->val;
				}
				if (j - i == clen)
					single = 1;
			}
			if (j == n)
				break;
			b = (unsigned char)s[j];
			len = b < 0x80 ? 1 : b < 0xe0 ? 2 : b < 0xf0 ? 3 : 4;
			j += len;
			if (j > n)
				j = n;
		}
		if (!single) {
			cand = t->unkscore + best[i];
			if (from[i + clen] < 0 || cand > best[i + clen]) {
				best[i + clen] = cand;
				from[i + clen] = (int32_t)i;
				id[i + clen] = t->unkid < 0 ? -2 : t->unkid;
			}
		}
	}
	/* back from the end: a run of unknown ones is one string */
	for (j = n; j > 0; j = i) {
		i = (size_t)from[j];
		if (id[j] == (t->unkid < 0 ? -2 : t->unkid)) {
			unk += j - i;
			if (i > 0 && id[i] == id[j])
				continue;
			/* the run s[i..i+unk) */
			count += unkrun(t, s + i, unk);
			unk = 0;
			continue;
		}
		count++;
	}
	return cache_put(t, s, n, h, count);
}

/* The tokens of a piece, by the model. */
static size_t
model(struct dm_tok *t, const char *s, size_t n)
{
	switch (t->model) {
	case MODEL_SPBPE:
		return spbpe(t, s, n);
	case MODEL_UNIGRAM:
		return unigram(t, s, n);
	default:
		return bpe(t, s, n);
	}
}

static int	pretok(struct dm_tok *, int, const char *, size_t, int,
		    struct dm_buf *);

/*
 * Metaspace: each space "\u2581", then one before the piece (always;
 * first: when it starts the text) unless it starts with one; with split,
 * a piece begins at each "\u2581" (merged with the next).
 */
static int
metaspace(struct dm_tok *t, int level, const char *s, size_t n, int first,
    struct dm_buf *err)
{
	const struct step *st = &t->steps[level];
	struct dm_buf *b = &t->lvl[level];
	size_t i, start;

	dm_buf_reset(b);
	if ((st->prefix == PREPEND_ALWAYS || (st->prefix == PREPEND_FIRST &&
	    first)) && s[0] != ' ' && (n < 3 ||
	    memcmp(s, "\xe2\x96\x81", 3) != 0))
		dm_buf_add(b, "\xe2\x96\x81", 3);
	for (i = 0; i < n; i++)
		if (s[i] == ' ')
			dm_buf_add(b, "\xe2\x96\x81", 3);
		else
			dm_buf_addc(b, s[i]);
	s = b->buf;
	n = b->len;
	if (!st->split)
		return pretok(t, level + 1, s, n, first, err);
	for (i = start = 0; i + 3 <= n; i++) {
		if (i > start && memcmp(s + i, "\xe2\x96\x81", 3) == 0) {
			if (pretok(t, level + 1, s + start, i - start,
			    first && start == 0, err) < 0)
				return -1;
			start = i;
		}
	}
	return pretok(t, level + 1, s + start, n - start, first && start == 0,
	    err);
}

/* WhitespaceSplit: the runs of non-white-space characters. */
static int
wssplit(struct dm_tok *t, int level, const char *s, size_t n, int first,
    struct dm_buf *err)
{
	utf8proc_int32_t cp;
	utf8proc_ssize_t r;
	size_t i, start = 0, len;
	int in = 0;

	for (i = 0; i < n; i += len) {
		r = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
		    (utf8proc_ssize_t)(n - i), &cp);
		len = r > 0 ? (size_t)r : 1;
		if (r > 0 && dm_tnorm_isspace(cp)) {
			if (in && pretok(t, level + 1, s + start, i - start,
			    first && start == 0, err) < 0)
				return -1;
			in = 0;
		} else if (!in) {
			in = 1;
			start = i;
		}
	}
	if (in)
		return pretok(t, level + 1, s + start, n - start,
		    first && start == 0, err);
	return 0;
}

/* The pieces of s at pre-tokenizer level; their tokens go to t->total.
 * first: the piece starts the text (for Metaspace's prepend_scheme). */
static int
pretok(struct dm_tok *t, int level, const char *s, size_t n, int first,
    struct dm_buf *err)
{
	const struct step *st;
	size_t pos, ov[2];
	int r;

	if (n == 0)
		return 0;
	if (level == t->nsteps) {
		t->total += model(t, s, n);
		return 0;
	}
	st = &t->steps[level];
	if (st->kind == STEP_METASPACE)
		return metaspace(t, level, s, n, first, err);
	if (st->kind == STEP_WSSPLIT)
		return wssplit(t, level, s, n, first, err);
	if (st->kind == STEP_BYTELEVEL && st->prefix && s[0] != ' ') {
		dm_buf_reset(&t->lvl[level]);
		dm_buf_addc(&t->lvl[level], ' ');
		dm_buf_add(&t->lvl[level], s, n);
		s = t->lvl[level].buf;
		n = t->lvl[level].len;
	}
	if (st->scan) {
		/* the matches tile the text */
		for (pos = 0; pos < n; pos = ov[1]) {
			ov[1] = dm_tok_scan(st->scan, s, n, pos);
			if (pretok(t, level + 1, s + pos, ov[1] - pos,
			    first && pos == 0, err) < 0)
				return -1;
		}
		return 0;
	}
	if (st->re == NULL)
		return pretok(t, level + 1, s, n, first, err);
	for (pos = 0; pos < n; ) {
		if ((r = dm_re_match(st->re, s, n, pos, ov, err)) < 0)
			return -1;
		if (r == 0)
			break;
		if (ov[1] == ov[0]) {
			/* an empty match splits nothing: look again further */
			size_t next = ov[0] + 1;

			while (next < n && ((unsigned char)s[next] & 0xc0) ==
			    0x80)
				next++;
			if (st->kind == STEP_MATCHES || next >= n)
				break;
			/* the text up to there stays in the gap */
			r = dm_re_match(st->re, s, n, next, ov, err);
			if (r < 0)
				return -1;
			if (r == 0)
				break;
		}
		if (st->kind == STEP_ISOLATED && ov[0] > pos &&
		    pretok(t, level + 1, s + pos, ov[0] - pos,
		    first && pos == 0, err) < 0)
			return -1;
		if (pretok(t, level + 1, s + ov[0], ov[1] - ov[0],
		    first && ov[0] == 0, err) < 0)
			return -1;
		pos = ov[1];
	}
	if (st->kind == STEP_ISOLATED && pos < n &&
	    pretok(t, level + 1, s + pos, n - pos, first && pos == 0, err) < 0)
		return -1;
	return 0;
}

/* Normalizes a stretch between added tokens, then cuts it. */
static int
segment(struct dm_tok *t, const char *s, size_t n, int first,
    struct dm_buf *err)
{
	const char *msg;
	size_t i;

	if (n == 0)
		return 0;
	if (t->tnorm) {
		if (dm_tnorm_apply(t->tnorm, s, n, &t->normbuf, err) < 0)
			return -1;
		return pretok(t, 0, t->normbuf.buf, t->normbuf.len, first,
		    err);
	}
	if (t->norm) {
		for (i = 0; i < n && (unsigned char)s[i] < 0x80; i++)
			;
		if (i < n) {
			dm_buf_reset(&t->normbuf);
			if (dm_uni_map(s, n, (int)t->norm, &t->normbuf,
			    &msg) < 0) {
				dm_buf_addf(err, "tokenizer: %s", msg);
				return -1;
			}
			return pretok(t, 0, t->normbuf.buf, t->normbuf.len,
			    first, err);
		}
	}
	return pretok(t, 0, s, n, first, err);
}

int
dm_tok_count(struct dm_tok *t, const char *s, size_t n, size_t *count,
    struct dm_buf *err)
{
	size_t i, start = 0, k;
	char msg[512];

	if (t->spm) {
		if (dm_spm_count(t->spm, s, n, count, msg, sizeof msg) < 0) {
			fail(err, t->path, msg, NULL);
			return -1;
		}
		return 0;
	}
	t->total = 0;
	for (i = 0; t->nadded && i < n; i++) {
		if (!t->addfirst[(unsigned char)s[i]])
			continue;
		for (k = 0; k < t->nadded; k++)
			if (t->added[k].n <= n - i &&
			    memcmp(s + i, t->added[k].s, t->added[k].n) == 0)
				break;
		if (k == t->nadded)
			continue;
		if (segment(t, s + start, i - start, start == 0, err) < 0)
			return -1;
		t->total++;
		i += t->added[k].n - 1;
		start = i + 1;
	}
	if (segment(t, s + start, n - start, start == 0, err) < 0)
		return -1;
	*count = t->total;
	return 0;
}
