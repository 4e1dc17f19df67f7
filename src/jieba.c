/* jieba.c - Chinese word segmentation as jieba's default cut */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jieba.h"

/*
 * jieba 0.42.1, jieba/__init__.py and jieba/finalseg/__init__.py, step
 * for step: the text is split into runs of [\u4E00-\u9FD5a-zA-Z0-9+#&._%-]
 * and the rest; a run is cut by the route of highest probability through
 * the DAG of its dictionary words (ties to the longer word, as Python's
 * max over (log P, end) tuples), and the single characters left between
 * words, when they do not form a dictionary word, by the HMM's Viterbi
 * path (ties to the later state letter, as max over (p, state)). Sums are
 * done in the same order in doubles, so the choices are jieba's.
 */

#define MIN_FLOAT	(-3.14e100)

enum { B, E, M, S, NSTATE };

struct entry {
	uint64_t	 hash;
	int64_t		 freq;
	uint32_t	 off, len;	/* the word, in dict */
	uint32_t	 used;
};

struct emit {
	int32_t		 cp;
	double		 p;
};

struct dm_jieba {
	char		*dict;		/* dict.txt, words point into it */
	size_t		 ndict;
	struct entry	*tab;		/* open addressing, a power of two */
	size_t		 cap, n;
	double		 logtotal;
	double		 start[NSTATE], trans[NSTATE][NSTATE];
	struct emit	*emit[NSTATE];
	size_t		 nemit[NSTATE];
	/* per call */
	size_t		*off;		/* code point offsets of a run */
	size_t		*dag, *dagat;	/* ends of each start, flattened */
	double		*rv;
	size_t		*rx;
	size_t		 cap1, capdag;
	size_t		*hoff;		/* the HMM's, of a run of ideographs */
	double		*v;		/* Viterbi, NSTATE a step */
	unsigned char	*back, *pos;
	size_t		 caph;
};

/* FNV-1a: a word's hash extends its prefix's by its last bytes. */
#define FNV_OFF		0xcbf29ce484222325ULL
#define FNV_PRIME	0x100000001b3ULL

static uint64_t
fnv(uint64_t h, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= FNV_PRIME;
	}
	return h;
}

/* The entry of word s[0..n) with hash h, NULL when absent. */
static struct entry *
lookup(const struct dm_jieba *j, const char *s, size_t n, uint64_t h)
{
	size_t i = (size_t)(h ^ (h >> 29)) & (j->cap - 1);

	while (j->tab[i].used) {
		if (j->tab[i].hash == h && j->tab[i].len == n &&
		    memcmp(j->dict + j->tab[i].off, s, n) == 0)
			return &j->tab[i];
		i = (i + 1) & (j->cap - 1);
	}
	return NULL;
}

static void
grow(struct dm_jieba *j)
{
	struct entry *old = j->tab;
	size_t ocap = j->cap, i, k;

	j->cap = ocap ? ocap * 2 : 1 << 16;
	j->tab = dm_xcalloc(j->cap, sizeof *j->tab);
	for (i = 0; i < ocap; i++) {
		if (!old[i].used)
			continue;
		k = (size_t)(old[i].hash ^ (old[i].hash >> 29)) & (j->cap - 1);
		while (j->tab[k].used)
			k = (k + 1) & (j->cap - 1);
		j->tab[k] = old[i];
	}
	free(old);
}

/* The entry of dict[off..off+n), added with freq 0 when absent. */
static struct entry *
intern(struct dm_jieba *j, size_t off, size_t n, uint64_t h)
{
	struct entry *e;
	size_t i;

	if ((e = lookup(j, j->dict + off, n, h)) != NULL)
		return e;
	if ((j->n + 1) * 2 > j->cap)
		grow(j);
	i = (size_t)(h ^ (h >> 29)) & (j->cap - 1);
	while (j->tab[i].used)
		i = (i + 1) & (j->cap - 1);
	e = &j->tab[i];
	e->used = 1;
	e->hash = h;
	e->freq = 0;
	e->off = (uint32_t)off;
	e->len = (uint32_t)n;
	j->n++;
	return e;
}

static char *
readfile(const char *path, size_t *n, struct dm_buf *err)
{
	struct dm_buf b = DM_BUF_INIT;
	char tmp[65536];
	size_t r;
	FILE *f;

	if ((f = fopen(path, "rb")) == NULL) {
		dm_buf_addf(err, "%s: %s", path, strerror(errno));
		return NULL;
	}
	while ((r = fread(tmp, 1, sizeof tmp, f)) > 0)
		dm_buf_add(&b, tmp, r);
	if (ferror(f)) {
		dm_buf_addf(err, "%s: %s", path, strerror(errno));
		fclose(f);
		dm_buf_free(&b);
		return NULL;
	}
	fclose(f);
	dm_buf_addc(&b, '\0');
	*n = b.len - 1;
	return dm_buf_detach(&b, NULL);
}

static int
isbspace(int c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* gen_pfdict: "word freq [tag]" a line; each prefix of a word is a key
 * with frequency 0 unless it is a word itself. */
static int
loaddict(struct dm_jieba *j, const char *path, struct dm_buf *err)
{
	size_t p = 0, e, b, w, i, lineno = 0;
	long long freq, total = 0;
	struct entry *ent;
	char *end;
	uint64_t h;
	int32_t cp;
	int len;

	if ((j->dict = readfile(path, &j->ndict, err)) == NULL)
		return -1;
	if (dm_utf8_check(j->dict, j->ndict) != j->ndict) {
		dm_buf_addf(err, "%s: invalid UTF-8", path);
		return -1;
	}
	grow(j);
	while (p < j->ndict) {
		lineno++;
		for (e = p; e < j->ndict && j->dict[e] != '\n'; e++)
			;
		b = p;
		p = e + 1;
		while (b < e && isbspace((unsigned char)j->dict[b]))
			b++;
		while (e > b && isbspace((unsigned char)j->dict[e - 1]))
			e--;
		for (w = b; w < e && j->dict[w] != ' '; w++)
			;
		errno = 0;
		freq = w < e ? strtoll(j->dict + w + 1, &end, 10) : 0;
		if (w == e || end == j->dict + w + 1 || errno ||
		    (end < j->dict + e && *end != ' ')) {
			dm_buf_addf(err, "%s:%zu: invalid dictionary entry",
			    path, lineno);
			return -1;
		}
		h = FNV_OFF;
		for (i = b; i < w; i += (size_t)len) {
			len = dm_utf8_decode(j->dict + i, w - i, &cp);
			h = fnv(h, j->dict + i, (size_t)len);
			ent = intern(j, b, i + (size_t)len - b, h);
			if (i + (size_t)len == w)
				ent->freq = freq;
		}
		if (w == b)	/* the empty word */
			intern(j, b, 0, FNV_OFF)->freq = freq;
		total += freq;
	}
	j->logtotal = log((double)total);
	return 0;
}

/* ---- the HMM tables, Python dict literals ---- */

static int
statenum(int32_t c)
{
	switch (c) {
	case 'B': return B;
	case 'E': return E;
	case 'M': return M;
	case 'S': return S;
	}
	return -1;
}

static int
hexval(const char *s, int n, int32_t *cp)
{
	int i;

	*cp = 0;
	for (i = 0; i < n; i++) {
		int c = (unsigned char)s[i];

		if (c >= '0' && c <= '9')
			c -= '0';
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			c = (c | 0x20) - 'a' + 10;
		else
			return -1;
		*cp = *cp * 16 + c;
	}
	return 0;
}

/* A Python string literal of one character at s[*i] ('x', '\uXXXX',
 * "'"); -1 when it is not one. */
static int
pystr(const char *s, size_t n, size_t *i, int32_t *cp)
{
	char q = s[*i];
	size_t k = *i + 1;
	int len;

	if (k >= n)
		return -1;
	if (s[k] == '\\') {
		int w = 0;

		if (k + 1 >= n)
			return -1;
		switch (s[k + 1]) {
		case 'u': w = 4; break;
		case 'U': w = 8; break;
		case 'x': w = 2; break;
		case '\\': case '\'': case '"':
			*cp = s[k + 1];
			k += 2;
			goto close;
		case 'n': *cp = '\n'; k += 2; goto close;
		case 't': *cp = '\t'; k += 2; goto close;
		case 'r': *cp = '\r'; k += 2; goto close;
		default:
			return -1;
		}
		if (k + 2 + (size_t)w > n || hexval(s + k + 2, w, cp) < 0)
			return -1;
		k += 2 + (size_t)w;
	} else {
		if ((len = dm_utf8_decode(s + k, n - k, cp)) < 1)
			return -1;
		k += (size_t)len;
	}
close:
	if (k >= n || s[k] != q)
		return -1;
	*i = k + 1;
	return 0;
}

static int
emitcmp(const void *a, const void *b)
{
	const struct emit *x = a, *y = b;

	return (x->cp > y->cp) - (x->cp < y->cp);
}

/*
 * P={'B': -0.26, ...} (start), P={'B': {'E': -0.51, ...}, ...} (trans,
 * emit): the values of the keys, a state or a character, at depth 1 or 2.
 */
static int
loadprob(struct dm_jieba *j, const char *dir, const char *name, int kind,
    struct dm_buf *err)
{
	struct dm_buf path = DM_BUF_INIT;
	size_t n, i, line = 1;
	int depth = 0, outer = -1, rc = -1;
	int32_t key = 0;
	char *s, *end;
	double v;

	dm_buf_addf(&path, "%s/finalseg/%s", dir, name);
	if ((s = readfile(path.buf, &n, err)) == NULL)
		goto out;
	/* the body starts at "P=" */
	for (i = 0; i + 1 < n; i++) {
		if (s[i] == '\n')
			line++;
		if (s[i] == 'P' && s[i + 1] == '=' && (i == 0 ||
		    s[i - 1] == '\n'))
			break;
	}
	for (i += 2; i < n; i++) {
		switch (s[i]) {
		case '\n':
			line++;
			/* FALLTHROUGH */
		case ' ': case '\t': case '\r': case ',':
			continue;
		case '{':
			if (++depth == 2 && (kind == 0 || outer < 0))
				goto bad;
			continue;
		case '}':
			if (depth-- == 2)
				outer = -1;
			if (depth == 0)
				goto done;
			continue;
		case '\'': case '"':
			if (pystr(s, n, &i, &key) < 0)
				goto bad;
			while (i < n && s[i] == ' ')
				i++;
			if (i >= n || s[i] != ':')
				goto bad;
			i++;
			while (i < n && s[i] == ' ')
				i++;
			if (i < n && s[i] == '{') {
				if (depth != 1 || (outer = statenum(key)) < 0)
					goto bad;
				i--;
				continue;
			}
			v = strtod(s + i, &end);
			if (end == s + i)
				goto bad;
			i = (size_t)(end - s) - 1;
			if (depth == 1 && kind == 0 && statenum(key) >= 0)
				j->start[statenum(key)] = v;
			else if (depth == 2 && kind == 1 && statenum(key) >= 0)
				j->trans[outer][statenum(key)] = v;
			else if (depth == 2 && kind == 2) {
				j->emit[outer] = dm_xreallocarray(j->emit[outer],
				    j->nemit[outer] + 1, sizeof(struct emit));
				j->emit[outer][j->nemit[outer]].cp = key;
				j->emit[outer][j->nemit[outer]++].p = v;
			} else
				goto bad;
			continue;
		default:
			goto bad;
		}
	}
bad:
	dm_buf_addf(err, "%s:%zu: not a table of probabilities", path.buf,
	    line);
	goto out;
done:
	rc = 0;
out:
	free(s);
	dm_buf_free(&path);
	return rc;
}

struct dm_jieba *
dm_jieba_open(struct dm_buf *err)
{
	struct dm_jieba *j = dm_xcalloc(1, sizeof *j);
	const char *dir = getenv("DM_JIEBA_DIR");
	struct dm_buf path = DM_BUF_INIT;
	int x, y;

	if (dir == NULL || *dir == '\0')
		dir = DM_JIEBA_DEFAULT_DIR;
	for (x = 0; x < NSTATE; x++)
		for (y = 0; y < NSTATE; y++)
			j->trans[x][y] = MIN_FLOAT;
	dm_buf_addf(&path, "%s/dict.txt", dir);
	if (loaddict(j, path.buf, err) < 0 ||
	    loadprob(j, dir, "prob_start.py", 0, err) < 0 ||
	    loadprob(j, dir, "prob_trans.py", 1, err) < 0 ||
	    loadprob(j, dir, "prob_emit.py", 2, err) < 0) {
		dm_buf_free(&path);
		dm_jieba_free(j);
		return NULL;
	}
	for (x = 0; x < NSTATE; x++)
		qsort(j->emit[x], j->nemit[x], sizeof(struct emit), emitcmp);
	dm_buf_free(&path);
	return j;
}

void
dm_jieba_free(struct dm_jieba *j)
{
	int x;

	if (j == NULL)
		return;
	free(j->dict);
	free(j->tab);
	for (x = 0; x < NSTATE; x++)
		free(j->emit[x]);
	free(j->off);
	free(j->dag);
	free(j->dagat);
	free(j->rv);
	free(j->rx);
	free(j->hoff);
	free(j->v);
	free(j->back);
	free(j->pos);
	free(j);
}

/* ---- cutting ---- */

struct out {
	void		(*fn)(void *, const char *, size_t);
	void		*arg;
};

/* re_han_default's class */
static int
ishan(int32_t c)
{
	return (c >= 0x4E00 && c <= 0x9FD5) || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' ||
	    c == '#' || c == '&' || c == '.' || c == '_' || c == '%' ||
	    c == '-';
}

static double
emitp(const struct dm_jieba *j, int state, int32_t c)
{
	size_t lo = 0, hi = j->nemit[state], mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (j->emit[state][mid].cp == c)
			return j->emit[state][mid].p;
		if (j->emit[state][mid].cp < c)
			lo = mid + 1;
		else
			hi = mid;
	}
	return MIN_FLOAT;
}

static void
need(struct dm_jieba *j, size_t n)
{
	if (n + 1 <= j->cap1)
		return;
	j->cap1 = (n + 1) * 2;
	j->off = dm_xreallocarray(j->off, j->cap1, sizeof *j->off);
	j->dagat = dm_xreallocarray(j->dagat, j->cap1, sizeof *j->dagat);
	j->rv = dm_xreallocarray(j->rv, j->cap1, sizeof *j->rv);
	j->rx = dm_xreallocarray(j->rx, j->cap1, sizeof *j->rx);
}

static void
needh(struct dm_jieba *j, size_t n)
{
	if (n + 1 <= j->caph)
		return;
	j->caph = (n + 1) * 2;
	j->hoff = dm_xreallocarray(j->hoff, j->caph, sizeof *j->hoff);
	j->v = dm_xreallocarray(j->v, j->caph, NSTATE * sizeof *j->v);
	j->back = dm_xreallocarray(j->back, j->caph, NSTATE);
	j->pos = dm_xreallocarray(j->pos, j->caph, 1);
}

/* The code point offsets of s[0..n) into off; their number. */
static size_t
offsets(size_t *off, const char *s, size_t n)
{
	size_t i, k = 0;
	int32_t c = 0;
	int len;

	for (i = 0; i < n; i += (size_t)len) {
		off[k++] = i;
		if ((len = dm_utf8_decode(s + i, n - i, &c)) < 1)
			len = 1;
	}
	off[k] = n;
	return k;
}

static const char prev[NSTATE][2] = {
	[B] = { E, S }, [M] = { M, B }, [S] = { S, E }, [E] = { B, M },
};
/* state letters compare as 'B' < 'E' < 'M' < 'S', the enum's order */

/* finalseg's __cut of a run of U+4E00-U+9FD5. */
static void
viterbi(struct dm_jieba *j, const char *s, size_t n, struct out *o)
{
	size_t N, t, i, begin = 0, next = 0;
	int y, k, best;
	unsigned char *pos;
	int32_t c = 0;
	double p, bp, em;

	needh(j, n);
	N = offsets(j->hoff, s, n);
	pos = j->pos;
	dm_utf8_decode(s, n, &c);
	for (y = 0; y < NSTATE; y++)
		j->v[y] = j->start[y] + emitp(j, y, c);
	for (t = 1; t < N; t++) {
		dm_utf8_decode(s + j->hoff[t], n - j->hoff[t], &c);
		for (y = 0; y < NSTATE; y++) {
			em = emitp(j, y, c);
			bp = 0;
			best = -1;
			for (k = 0; k < 2; k++) {
				int y0 = prev[y][k];

				p = j->v[(t - 1) * NSTATE + y0] +
				    j->trans[y0][y] + em;
				if (best < 0 || p > bp || (p == bp && y0 > best)) {
					bp = p;
					best = y0;
				}
			}
			j->v[t * NSTATE + y] = bp;
			j->back[t * NSTATE + y] = (unsigned char)best;
		}
	}
	y = j->v[(N - 1) * NSTATE + S] >= j->v[(N - 1) * NSTATE + E] ? S : E;
	/* the path, back to front */
	for (t = N; t-- > 0;) {
		pos[t] = (unsigned char)y;
		if (t > 0)
			y = j->back[t * NSTATE + y];
	}
	for (i = 0; i < N; i++) {
		if (pos[i] == B)
			begin = i;
		else if (pos[i] == E) {
			o->fn(o->arg, s + j->hoff[begin], j->hoff[i + 1] -
			    j->hoff[begin]);
			next = i + 1;
		} else if (pos[i] == S) {
			o->fn(o->arg, s + j->hoff[i], j->hoff[i + 1] -
			    j->hoff[i]);
			next = i + 1;
		}
	}
	if (next < N)
		o->fn(o->arg, s + j->hoff[next], n - j->hoff[next]);
}

static int
isalnum_ascii(int32_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

/* The length of a match of [a-zA-Z0-9]+(?:\.\d+)?%? at s, or 0. */
static size_t
skipmatch(const char *s, size_t n)
{
	size_t i = 0, k;

	while (i < n && isalnum_ascii((unsigned char)s[i]))
		i++;
	if (i == 0)
		return 0;
	if (i + 1 < n && s[i] == '.' && s[i + 1] >= '0' && s[i + 1] <= '9') {
		for (k = i + 1; k < n && s[k] >= '0' && s[k] <= '9'; k++)
			;
		i = k;
	}
	if (i < n && s[i] == '%')
		i++;
	return i;
}

/* finalseg.cut */
static void
finalseg(struct dm_jieba *j, const char *s, size_t n, struct out *o)
{
	size_t i = 0, b, m, p;
	int32_t c = 0;
	int len;

	while (i < n) {
		len = dm_utf8_decode(s + i, n - i, &c);
		b = i;
		if (c >= 0x4E00 && c <= 0x9FD5) {
			while (i < n) {
				len = dm_utf8_decode(s + i, n - i, &c);
				if (!(c >= 0x4E00 && c <= 0x9FD5))
					break;
				i += (size_t)len;
			}
			viterbi(j, s + b, i - b, o);
			continue;
		}
		while (i < n) {
			len = dm_utf8_decode(s + i, n - i, &c);
			if (c >= 0x4E00 && c <= 0x9FD5)
				break;
			i += (size_t)len;
		}
		/* re_skip.split over s[b..i) */
		for (p = b; p < i;) {
			if ((m = skipmatch(s + p, i - p)) > 0) {
				if (p > b)
					o->fn(o->arg, s + b, p - b);
				o->fn(o->arg, s + p, m);
				p += m;
				b = p;
			} else
				p += (size_t)dm_utf8_decode(s + p, i - p, &c);
		}
		if (p > b)
			o->fn(o->arg, s + b, p - b);
	}
}

/* The single characters of buf: one, a dictionary word spelled out, or
 * the HMM's words. */
static void
flush(struct dm_jieba *j, const char *s, size_t b, size_t e, size_t nchar,
    struct out *o)
{
	const struct entry *ent;
	size_t i;
	int32_t c = 0;

	if (nchar == 0)
		return;
	if (nchar == 1) {
		o->fn(o->arg, s + b, e - b);
		return;
	}
	ent = lookup(j, s + b, e - b, fnv(FNV_OFF, s + b, e - b));
	if (ent == NULL || ent->freq == 0) {
		finalseg(j, s + b, e - b, o);
		return;
	}
	for (i = b; i < e; i += (size_t)dm_utf8_decode(s + i, e - i, &c))
		o->fn(o->arg, s + i, (size_t)dm_utf8_decode(s + i, e - i, &c));
}

/* __cut_DAG of a run of re_han_default's class */
static void
cutdag(struct dm_jieba *j, const char *s, size_t n, struct out *o)
{
	size_t N, k, i, nd = 0, x, y, bb = 0, be = 0, nb = 0;
	const struct entry *ent;
	uint64_t h;
	double v;

	need(j, n);
	N = offsets(j->off, s, n);
	for (k = 0; k < N; k++) {
		j->dagat[k] = nd;
		h = FNV_OFF;
		for (i = k; i < N; i++) {
			h = fnv(h, s + j->off[i], j->off[i + 1] - j->off[i]);
			ent = lookup(j, s + j->off[k], j->off[i + 1] -
			    j->off[k], h);
			if (ent == NULL)
				break;
			if (ent->freq) {
				if (nd == j->capdag) {
					j->capdag = j->capdag ? j->capdag * 2 :
					    1024;
					j->dag = dm_xreallocarray(j->dag,
					    j->capdag, sizeof *j->dag);
				}
				j->dag[nd++] = i;
			}
		}
		if (nd == j->dagat[k]) {
			if (nd == j->capdag) {
				j->capdag = j->capdag ? j->capdag * 2 : 1024;
				j->dag = dm_xreallocarray(j->dag, j->capdag,
				    sizeof *j->dag);
			}
			j->dag[nd++] = k;
		}
	}
	j->dagat[N] = nd;
	j->rv[N] = 0;
	j->rx[N] = 0;
	for (k = N; k-- > 0;) {
		int first = 1;

		for (i = j->dagat[k]; i < j->dagat[k + 1]; i++) {
			x = j->dag[i];
			ent = lookup(j, s + j->off[k], j->off[x + 1] -
			    j->off[k], fnv(FNV_OFF, s + j->off[k],
			    j->off[x + 1] - j->off[k]));
			v = log(ent != NULL && ent->freq ? (double)ent->freq :
			    1.0) - j->logtotal + j->rv[x + 1];
			if (first || v > j->rv[k] || (v == j->rv[k] &&
			    x > j->rx[k])) {
				j->rv[k] = v;
				j->rx[k] = x;
				first = 0;
			}
		}
	}
	for (x = 0; x < N; x = y) {
		y = j->rx[x] + 1;
		if (y - x == 1) {
			if (nb == 0)
				bb = j->off[x];
			be = j->off[y];
			nb++;
			continue;
		}
		flush(j, s, bb, be, nb, o);
		nb = 0;
		o->fn(o->arg, s + j->off[x], j->off[y] - j->off[x]);
	}
	flush(j, s, bb, be, nb, o);
}

void
dm_jieba_cut(struct dm_jieba *j, const char *s, size_t n,
    void (*fn)(void *, const char *, size_t), void *arg)
{
	struct out o = { fn, arg };
	size_t i = 0, b;
	int32_t c = 0;
	int len;

	while (i < n) {
		b = i;
		len = dm_utf8_decode(s + i, n - i, &c);
		if (len < 1)
			len = 1;
		if (ishan(c)) {
			while (i < n) {
				len = dm_utf8_decode(s + i, n - i, &c);
				if (len < 1 || !ishan(c))
					break;
				i += (size_t)len;
			}
			cutdag(j, s + b, i - b, &o);
			continue;
		}
		/* re_skip_default: "\r\n" or one white space; else one
		 * character at a time */
		if (c == '\r' && i + 1 < n && s[i + 1] == '\n')
			len = 2;
		fn(arg, s + i, (size_t)len);
		i += (size_t)len;
	}
}
