/* dedup.c - dm-dedup's keys: normalized texts, shingles, MinHash, SimHash */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dedup.h"
#include "simd.h"

int	 dm_uni_isdecimal(int32_t);
int	 dm_uni_ispunct(int32_t);
void	 dm_uni_nfd_nomarks(const char *, size_t, struct dm_buf *);

#define MERSENNE	((1ULL << 61) - 1)

void
dm_dedup_init(struct dm_dedup *d)
{
	memset(d, 0, sizeof *d);
	d->mode = DM_DEDUP_EXACT;
	d->preset = DM_PRESET_DJ;
	d->tok = DM_TOK_SPACE;
	d->window = 0;
	d->threshold = 0.7;
	d->perms = 256;
	d->blocks = 6;
	d->hamming = 4;
	dm_buf_init(&d->t1);
	dm_buf_init(&d->t2);
}

/* ---- optimal_param ---- */

/*
 * Data-Juicer integrates with scipy's quad; the integrands are polynomials
 * of degree at most perms, which composite Gauss-Legendre with 32 panels
 * of 16 points integrates to the last bits, so the argmin is the same.
 */
#define GL_N	16
#define GL_PANELS 32

static double gl_x[GL_N], gl_w[GL_N];

static void
gl_nodes(void)
{
	int i, j, k;
	double x, p0, p1, p2, dp;

	if (gl_w[0] != 0)
		return;
	for (i = 0; i < GL_N; i++) {
		x = cos(M_PI * (i + 0.75) / (GL_N + 0.5));
		for (k = 0; k < 100; k++) {
			p0 = 1;
			p1 = x;
			for (j = 2; j <= GL_N; j++) {
				p2 = ((2 * j - 1) * x * p1 - (j - 1) * p0) / j;
				p0 = p1;
				p1 = p2;
			}
			dp = GL_N * (x * p1 - p0) / (x * x - 1);
			if (fabs(p1 / dp) < 1e-16)
				break;
			x -= p1 / dp;
		}
		gl_x[i] = x;
		gl_w[i] = 2 / ((1 - x * x) * dp * dp);
	}
}

static double
proba(double s, int b, int r, int fn)
{
	double p = pow(1 - pow(s, (double)r), (double)b);

	return fn ? p : 1 - p;
}

static double
integrate(double lo, double hi, int b, int r, int fn)
{
	double h = (hi - lo) / GL_PANELS, sum = 0, m;
	int i, k;

	for (k = 0; k < GL_PANELS; k++) {
		m = lo + h * (k + 0.5);
		for (i = 0; i < GL_N; i++)
			sum += gl_w[i] * proba(m + h / 2 * gl_x[i], b, r, fn);
	}
	return sum * h / 2;
}

/*
 * The error of every (bands, rows) costs two integrals of 512 points, each
 * point two calls of pow: 3 million calls for 256 permutations, a tenth of
 * a second at every start. So a first pass estimates all the errors with
 * the powers as running products (s^r from s^(r-1), then y^b from
 * y^(b-1) for every b at a fixed r): they are off by less than
 * (b r + b + r + 1024) ulp, under 1e-11 for any perms allowed. Only the pairs
 * whose estimate is within APPROX_MARGIN (far more than twice that) of the
 * best estimate are integrated exactly as above, in the same order with
 * the same strict comparison: the answer is the one of integrating all.
 */
#define APPROX_MARGIN	1e-9

void
dm_dedup_optimal(double threshold, int perms, int *bands, int *rows)
{
	double best = INFINITY, fp, fn, e, h[2], *node, *sr, *yb, *wt, *est;
	size_t *first, k, nn = 2 * GL_PANELS * GL_N;
	int b, r, side, i, p;

	gl_nodes();
	*bands = *rows = 0;
	if (perms < 1)
		return;
	/* the nodes of [0, threshold] then of [threshold, 1], weighted */
	node = dm_xreallocarray(NULL, nn, sizeof *node);
	wt = dm_xreallocarray(NULL, nn, sizeof *wt);
	sr = dm_xreallocarray(NULL, nn, sizeof *sr);
	yb = dm_xreallocarray(NULL, nn, sizeof *yb);
	h[0] = threshold / GL_PANELS;
	h[1] = (1 - threshold) / GL_PANELS;
	for (side = 0, k = 0; side < 2; side++)
		for (p = 0; p < GL_PANELS; p++)
			for (i = 0; i < GL_N; i++, k++) {
				double m = (side ? threshold : 0) +
				    h[side] * (p + 0.5);

				node[k] = m + h[side] / 2 * gl_x[i];
				wt[k] = gl_w[i] * h[side] / 2;
				sr[k] = 1;
			}
	/* est[first[b] + r - 1]: the estimate for b bands of r rows */
	first = dm_xreallocarray(NULL, (size_t)perms + 2, sizeof *first);
	for (first[1] = 0, b = 1; b <= perms; b++)
		first[b + 1] = first[b] + (size_t)(perms / b);
	est = dm_xreallocarray(NULL, first[perms + 1], sizeof *est);
	for (r = 1; r <= perms; r++) {
		for (k = 0; k < nn; k++) {
			sr[k] *= node[k];
			yb[k] = 1;
		}
		for (b = 1; b <= perms / r; b++) {
			fp = fn = 0;
			for (k = 0; k < nn / 2; k++) {
				yb[k] *= 1 - sr[k];
				fp += wt[k] * (1 - yb[k]);
			}
			for (; k < nn; k++) {
				yb[k] *= 1 - sr[k];
				fn += wt[k] * yb[k];
			}
			e = fp * 0.5 + fn * 0.5;
			est[first[b] + (size_t)r - 1] = e;
			if (e < best)
				best = e;
		}
	}
	e = best + APPROX_MARGIN;
	best = INFINITY;
	for (b = 1; b <= perms; b++)
		for (r = 1; r <= perms / b; r++) {
			if (est[first[b] + (size_t)r - 1] > e)
				continue;
			fp = integrate(0, threshold, b, r, 0);
			fn = integrate(threshold, 1, b, r, 1);
			if (fp * 0.5 + fn * 0.5 < best) {
				best = fp * 0.5 + fn * 0.5;
				*bands = b;
				*rows = r;
			}
		}
	free(node);
	free(wt);
	free(sr);
	free(yb);
	free(first);
	free(est);
}

/* ---- tables ---- */

int
dm_dedup_readperms(const char *name, int n, uint64_t *a, uint64_t *b,
    struct dm_buf *err)
{
	struct dm_buf path = DM_BUF_INIT;
	unsigned long long x, y;
	FILE *f;
	int i, rc = -1;

	dm_buf_addf(&path, "%s/dedup/%s", dm_sharedir(), name);
	if ((f = fopen(path.buf, "r")) == NULL) {
		dm_buf_addf(err, "%s: %s", path.buf, strerror(errno));
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (fscanf(f, "%llu %llu", &x, &y) != 2 || x == 0 ||
		    x >= MERSENNE || y >= MERSENNE) {
			dm_buf_addf(err, "%s:%d: not a permutation", path.buf,
			    i + 1);
			goto out;
		}
		a[i] = x;
		b[i] = y;
	}
	rc = 0;
out:
	if (f)
		fclose(f);
	dm_buf_free(&path);
	return rc;
}

static int
loadperms(struct dm_dedup *d, const char *name, struct dm_buf *err)
{
	int i;

	d->a = dm_xreallocarray(NULL, (size_t)d->perms, sizeof *d->a);
	d->b = dm_xreallocarray(NULL, (size_t)d->perms, sizeof *d->b);
	d->alo = dm_xreallocarray(NULL, (size_t)d->perms, sizeof *d->alo);
	d->ahi = dm_xreallocarray(NULL, (size_t)d->perms, sizeof *d->ahi);
	if (dm_dedup_readperms(name, d->perms, d->a, d->b, err) < 0)
		return -2;
	for (i = 0; i < d->perms; i++) {
		d->alo[i] = (uint32_t)d->a[i];
		d->ahi[i] = (uint32_t)(d->a[i] >> 32);
	}
	return 0;
}

/* The number of SimHash tables: blocks choose hamming. */
long double
dm_dedup_ntables(int blocks, int hamming)
{
	long double n = 1;
	int i;

	for (i = 1; i <= hamming; i++)
		n = n * (blocks - hamming + i) / i;
	return n;
}

static void
simhash_tables(struct dm_dedup *d)
{
	int i, k, n, idx[64], keep = d->blocks - d->hamming;
	uint64_t m;

	for (i = 0; i < d->blocks; i++) {
		int lo = i * 64 / d->blocks, hi = (i + 1) * 64 / d->blocks;

		d->blockmask[i] = (hi - lo == 64 ? ~0ULL :
		    ((1ULL << (hi - lo)) - 1)) << lo;
	}
	/* every choice of blocks - hamming blocks, in lexicographic order:
	 * two hashes at most hamming bits apart agree on one of them */
	for (i = 0; i < keep; i++)
		idx[i] = i;
	n = 0;
	for (;;) {
		for (m = 0, i = 0; i < keep; i++)
			m |= d->blockmask[idx[i]];
		d->tablemask = dm_xreallocarray(d->tablemask, (size_t)n + 1,
		    sizeof *d->tablemask);
		d->tablemask[n++] = m;
		for (k = keep - 1; k >= 0 && idx[k] == d->blocks - keep + k; k--)
			;
		if (k < 0)
			break;
		idx[k]++;
		for (i = k + 1; i < keep; i++)
			idx[i] = idx[i - 1] + 1;
	}
	d->ntables = n;
}

int
dm_dedup_setup(struct dm_dedup *d, struct dm_buf *err)
{
	if (d->mode == DM_DEDUP_SIMHASH) {
		if (d->window == 0)
			d->window = 6;
		if (d->hamming >= d->blocks) {
			dm_buf_addf(err, "--hamming '%d' is not smaller than "
			    "--blocks '%d'", d->hamming, d->blocks);
			return -1;
		}
		if (dm_dedup_ntables(d->blocks, d->hamming) > DM_DEDUP_MAXTABLES) {
			dm_buf_addf(err, "--blocks '%d' and --hamming '%d' make "
			    "%.0Lf SimHash tables (every choice of %d of %d "
			    "blocks); at most %d (26 bytes a sample each)",
			    d->blocks, d->hamming, dm_dedup_ntables(d->blocks, d->hamming),
			    d->blocks - d->hamming, d->blocks,
			    DM_DEDUP_MAXTABLES);
			return -1;
		}
		simhash_tables(d);
		return 0;
	}
	if (d->mode != DM_DEDUP_MINHASH)
		return 0;
	if (d->window == 0)
		d->window = 5;
	if (d->preset == DM_PRESET_DATATROVE) {
		if (d->bands == 0)
			d->bands = 14;
		if (d->rows == 0)
			d->rows = 8;
		if (d->bands * d->rows != 112) {
			dm_buf_addf(err, "--preset datatrove: 14 bands of 8 "
			    "rows, its table of 112 permutations");
			return -1;
		}
		d->perms = 112;
		return loadperms(d, "datatrove.perms", err);
	}
	if (d->bands == 0 || d->rows == 0)
		dm_dedup_optimal(d->threshold, d->perms, &d->bands, &d->rows);
	if ((long)d->bands * d->rows > d->perms) {
		dm_buf_addf(err, "--bands '%d' times --rows '%d' is more than "
		    "--perms '%d'", d->bands, d->rows, d->perms);
		return -1;
	}
	return loadperms(d, "data-juicer.perms", err);
}

void
dm_dedup_free(struct dm_dedup *d)
{
	free(d->a);
	free(d->b);
	free(d->alo);
	free(d->ahi);
	free(d->tablemask);
	free(d->h);
	free(d->off);
	free(d->blk);
	free(d->blkat);
	free(d->blkh);
	free(d->msig);
	dm_buf_free(&d->t1);
	dm_buf_free(&d->t2);
	dm_buf_free(&d->t3);
	if (d->ignore)
		dm_re_free(d->ignore);
}

/* ---- texts ---- */

/* regex's \s: Unicode White_Space, which U+001C..U+001F (str.isspace()
 * holds for them) are not. */
static int
whitespace(int32_t c)
{
	return (c >= 0x09 && c <= 0x0d) || c == 0x20 || c == 0x85 ||
	    c == 0xa0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
	    c == 0x2028 || c == 0x2029 || c == 0x202f || c == 0x205f ||
	    c == 0x3000;
}

static int
asciipunct(int32_t c)
{
	return c < 0x80 && c > 0x20 && c != 0x7F && !((c | 0x20) >= 'a' &&
	    (c | 0x20) <= 'z') && !(c >= '0' && c <= '9');
}

void
dm_dedup_normalize(struct dm_dedup *d, const char *s, size_t n,
    struct dm_buf *out)
{
	size_t i, b, e;
	int32_t cp = 0;
	int len;

	if (d->lowercase) {
		dm_buf_reset(&d->t1);
		if (dm_uni_lower(s, n, &d->t1)) {
			s = d->t1.buf;
			n = d->t1.len;
		}
	}
	if (d->nonchar) {
		/* regex \s+|\d+|[string.punctuation] removed; the strip
		 * below is str.strip(), of str.isspace() */
		dm_buf_reset(&d->t2);
		for (i = 0; i < n; i += (size_t)len) {
			if ((len = dm_utf8_decode(s + i, n - i, &cp)) < 0)
				len = 1;
			else if (whitespace(cp) || dm_uni_isdecimal(cp) ||
			    asciipunct(cp))
				continue;
			dm_buf_add(&d->t2, s + i, (size_t)len);
		}
		s = d->t2.buf;
		n = d->t2.len;
	}
	dm_uni_strip(s, n, &b, &e);
	dm_buf_add(out, s + b, e - b);
}

/* datatrove's PUNCTUATION, the characters simplify_text makes spaces. */
static const char dt_punct[] =
    "!/\xe2\x80\x94\xe2\x80\x9d:\xef\xbc\x85\xef\xbc\x91\xe3\x80\x88&(\xe3\x80\x81"
    "\xe2\x94\x81\\\xe3\x80\x90#%\xe3\x80\x8c\xe3\x80\x8d\xef\xbc\x8c\xe3\x80\x91"
    "\xef\xbc\x9b+^]~\xe2\x80\x9c\xe3\x80\x8a\xe2\x80\x9e';\xe2\x80\x99{|\xe2\x88\xb6"
    "\xc2\xb4[=-`*\xef\xbc\x8e\xef\xbc\x88\xe2\x80\x93\xef\xbc\x9f\xef\xbc\x81"
    "\xef\xbc\x9a$\xef\xbd\x9e\xc2\xab\xe3\x80\x89,><\xe3\x80\x8b)?\xef\xbc\x89"
    "\xe3\x80\x82\xe2\x80\xa6@_.\"}\xe2\x96\xba\xc2\xbb";

static int
dt_ispunct(int32_t c, const char *p, int len)
{
	if (c >= 0x20 && c < 0x7F)
		return !((c | 0x20) >= 'a' && (c | 0x20) <= 'z') &&
		    !(c >= '0' && c <= '9') && c != ' ';
	if (c < 9 || c == 11 || c == 12 || (c >= 13 && c < 32) ||
	    (c >= 127 && c < 160))
		return 1;
	if (c == 0)
		return 1;
	return memmem(dt_punct, sizeof dt_punct - 1, p, (size_t)len) != NULL;
}

/* NUMBERS_PATTERN's separators: . , U+060C U+066B U+2396 U+2397 U+2398 */
static int
dt_numsep(int32_t c)
{
	return c == '.' || c == ',' || c == 0x060C || c == 0x066B ||
	    (c >= 0x2396 && c <= 0x2398);
}

/*
 * datatrove's simplify_text with its default TextNormConfig: lower case,
 * numbers to 0, punctuation to spaces, white space runs to one space,
 * diacritics removed, stripped.
 */
static void
simplify(struct dm_dedup *d, const char *s, size_t n)
{
	struct dm_buf *o = &d->t2;
	size_t i, j, b, e;
	int32_t cp = 0, c2 = 0;
	int len, l2, sp;

	dm_buf_reset(&d->t1);
	if (dm_uni_lower(s, n, &d->t1)) {
		s = d->t1.buf;
		n = d->t1.len;
	}
	/* numbers, then punctuation; spaces are squeezed below */
	dm_buf_reset(o);
	for (i = 0; i < n; ) {
		if ((len = dm_utf8_decode(s + i, n - i, &cp)) < 0) {
			i++;
			continue;
		}
		if (dm_uni_isdecimal(cp)) {
			for (j = i + (size_t)len; j < n; j += (size_t)l2)
				if ((l2 = dm_utf8_decode(s + j, n - j, &c2)) < 0 ||
				    !dm_uni_isdecimal(c2))
					break;
			if (j < n && (l2 = dm_utf8_decode(s + j, n - j, &c2)) > 0 &&
			    dt_numsep(c2) && j + (size_t)l2 < n) {
				size_t k = j + (size_t)l2, k0 = k;
				int32_t c3 = 0;
				int l3;

				for (; k < n; k += (size_t)l3)
					if ((l3 = dm_utf8_decode(s + k, n - k,
					    &c3)) < 0 || !dm_uni_isdecimal(c3))
						break;
				if (k > k0)
					j = k;
			}
			dm_buf_addc(o, '0');
			i = j;
			continue;
		}
		if (dt_ispunct(cp, s + i, len))
			dm_buf_addc(o, ' ');
		else
			dm_buf_add(o, s + i, (size_t)len);
		i += (size_t)len;
	}
	/* strip, white space runs to one space */
	dm_uni_strip(o->buf, o->len, &b, &e);
	dm_buf_reset(&d->t1);
	for (i = b, sp = 0; i < e; i += (size_t)len) {
		if ((len = dm_utf8_decode(o->buf + i, e - i, &cp)) < 0)
			len = 1;
		else if (dm_uni_isspace(cp)) {
			if (!sp)
				dm_buf_addc(&d->t1, ' ');
			sp = 1;
			continue;
		}
		sp = 0;
		dm_buf_add(&d->t1, o->buf + i, (size_t)len);
	}
	/* diacritics, then strip again */
	dm_buf_reset(o);
	dm_uni_nfd_nomarks(d->t1.buf, d->t1.len, o);
	dm_uni_strip(o->buf, o->len, &b, &e);
	memmove(o->buf, o->buf + b, e - b);
	dm_buf_setlen(o, e - b);
}

/*
 * A text of any length is shingled in bounded memory: the token offsets
 * are shingled every OFFCHUNK of them (the last window's kept), SHA-1
 * blocks hashed every BLKCHUNK, and the hashes folded into the signature
 * every HCHUNK. A minimum over a multiset, or a sum of bit counts, does
 * not depend on how it is cut, so the signatures are those of all at once.
 */
#define OFFCHUNK	8192
#define BLKCHUNK	4096
#define HCHUNK		(64 * 1024)	/* a power of two times 256 */

/* What off[] holds: token spans, spans one space apart (datatrove's
 * simplified text), or code point starts (character shingles). */
enum { OFF_TOKENS, OFF_SPANS, OFF_POINTS };

static void	flushoff(struct dm_dedup *, const char *);
static void	fold(struct dm_dedup *);

static void
growoff(struct dm_dedup *d)
{
	d->offcap = d->offcap ? d->offcap * 2 : 256;
	d->off = dm_xreallocarray(d->off, d->offcap, sizeof *d->off);
}

/* a token [start, end) of s */
static inline void
addtok(struct dm_dedup *d, const char *s, size_t start, size_t end)
{
	if (__builtin_expect(d->noff >= d->offmax, 0))
		flushoff(d, s);
	if (__builtin_expect(d->noff + 2 > d->offcap, 0))
		growoff(d);
	d->off[d->noff++] = start;
	d->off[d->noff++] = end;
}

static inline void
addoff(struct dm_dedup *d, const char *s, size_t off)
{
	if (__builtin_expect(d->noff >= d->offmax, 0))
		flushoff(d, s);
	if (__builtin_expect(d->noff == d->offcap, 0))
		growoff(d);
	d->off[d->noff++] = off;
}

/* dm_sha1_pad, inline: the block zeroed whole, then the bytes, the end
 * mark and the length in bits, big-endian */
static inline void
sha1pad(unsigned char *blk, const void *p, size_t n)
{
	uint64_t bits = (uint64_t)n * 8;
	int i;

	if (p != blk) {
		memset(blk, 0, 64);
		memcpy(blk, p, n);
	} else
		memset(blk + n, 0, 64 - n);
	blk[n] = 0x80;
	for (i = 0; i < 8; i++)
		blk[63 - i] = (unsigned char)(bits >> (8 * i));
}

/* The next place in d->h; a full h of HCHUNK is folded first, so that
 * after the last hash h is never empty. */
static uint64_t *
nexth(struct dm_dedup *d)
{
	if (d->nh == d->hcap && d->nh >= HCHUNK)
		fold(d);
	if (d->nh == d->hcap) {
		d->hcap = d->hcap ? d->hcap * 2 : 256;
		d->h = dm_xreallocarray(d->h, d->hcap, sizeof *d->h);
	}
	return &d->h[d->nh++];
}

/* Data-Juicer's shingles of less than 56 bytes: a SHA-1 block for the
 * next place in d->h, hashed with the others by sha1_flush */
static void	sha1_flush(struct dm_dedup *);

static unsigned char *
nextblk(struct dm_dedup *d)
{
	if (d->nblk == BLKCHUNK)
		sha1_flush(d);
	if (d->nblk == d->blkcap) {
		d->blkcap = d->blkcap ? d->blkcap * 2 : 256;
		d->blk = dm_xreallocarray(d->blk, d->blkcap, 64);
		d->blkat = dm_xreallocarray(d->blkat, d->blkcap,
		    sizeof *d->blkat);
		d->blkh = dm_xreallocarray(d->blkh, d->blkcap,
		    sizeof *d->blkh);
	}
	*nexth(d) = 0;
	d->blkat[d->nblk] = d->nh - 1;
	return d->blk + 64 * d->nblk++;
}

static void
sha1_flush(struct dm_dedup *d)
{
	size_t i;

	dm_sha1_hash32_blocks(d->nblk, d->blk, d->blkh);
	for (i = 0; i < d->nblk; i++)
		d->h[d->blkat[i]] = d->blkh[i];
	d->nblk = 0;
}

static void
addhash(struct dm_dedup *d, const char *p, size_t n)
{
	unsigned char md[16];
	uint64_t h;
	int i;

	if (d->mode == DM_DEDUP_SIMHASH) {
		/* simhash's unsigned_hash: MD5's first 8 bytes, big-endian */
		dm_md5(p, n, md);
		for (h = 0, i = 0; i < 8; i++)
			h = h << 8 | md[i];
	} else if (d->preset == DM_PRESET_DATATROVE)
		h = dm_hash64(p, n);		/* xxh64, seed 0 */
	else if (n < 56) {
		sha1pad(nextblk(d), p, n);
		return;
	} else
		h = dm_sha1_hash32(p, n);
	*nexth(d) = h;
}

/*
 * Tokens are spans [off[2i], off[2i+1]) of s; a shingle is w consecutive
 * tokens joined with one space. When the tokens are one space apart the
 * shingle is a span of s and is hashed in place.
 */
static void
shingle_tokens(struct dm_dedup *d, const char *s)
{
	size_t ntok = d->noff / 2, i, k, len, w = (size_t)d->window;
	struct dm_buf *j = &d->t2;

	if (ntok < w)
		return;
	for (i = 0; i + w <= ntok; i++) {
		for (k = i + 1; k < i + w; k++)
			if (d->off[2 * k] != d->off[2 * k - 1] + 1 ||
			    s[d->off[2 * k - 1]] != ' ')
				break;
		if (k == i + w) {
			addhash(d, s + d->off[2 * i],
			    d->off[2 * (i + w) - 1] - d->off[2 * i]);
			continue;
		}
		for (len = w - 1, k = i; k < i + w; k++)
			len += d->off[2 * k + 1] - d->off[2 * k];
		if (len < 56 && d->mode != DM_DEDUP_SIMHASH &&
		    d->preset != DM_PRESET_DATATROVE) {
			/* joined straight into its SHA-1 block */
			unsigned char *b = nextblk(d), *q = b;

			for (k = i; k < i + w; k++) {
				if (k > i)
					*q++ = ' ';
				memcpy(q, s + d->off[2 * k],
				    d->off[2 * k + 1] - d->off[2 * k]);
				q += d->off[2 * k + 1] - d->off[2 * k];
			}
			sha1pad(b, b, len);
			continue;
		}
		dm_buf_reset(j);
		for (k = i; k < i + w; k++) {
			if (k > i)
				dm_buf_addc(j, ' ');
			dm_buf_add(j, s + d->off[2 * k],
			    d->off[2 * k + 1] - d->off[2 * k]);
		}
		addhash(d, j->buf, j->len);
	}
}

/*
 * Shingles the windows complete in off[] and keeps what the next ones
 * need: the last w - 1 tokens (and a token begun), or the last w code
 * points. The offsets are into s, whatever was dropped before them.
 */
static void
flushoff(struct dm_dedup *d, const char *s)
{
	size_t i, first, w = (size_t)d->window;

	switch (d->offkind) {
	case OFF_TOKENS:
	case OFF_SPANS:
		if (d->noff / 2 < w)
			return;
		if (d->offkind == OFF_TOKENS)
			shingle_tokens(d, s);
		else
			for (i = 0; i + w <= d->noff / 2; i++)
				addhash(d, s + d->off[2 * i],
				    d->off[2 * (i + w) - 1] - d->off[2 * i]);
		first = 2 * (d->noff / 2 - w + 1);
		break;
	default:
		if (d->noff <= w)
			return;
		for (i = 0; i + w < d->noff; i++)
			addhash(d, s + d->off[i], d->off[i + w] - d->off[i]);
		first = d->noff - w;
		break;
	}
	memmove(d->off, d->off + first, (d->noff - first) * sizeof *d->off);
	d->noff -= first;
}

/*
 * The tokens between spaces, without a branch a byte: 64 bytes at a time,
 * a bit for each space (the bytes past the end count as spaces), and a bit
 * where a token starts or ends; these alternate, start first, and are the
 * offsets in order.
 */
static void
split_spaces(struct dm_dedup *d, const char *s, size_t n)
{
	uint64_t sp, ns, edge, in = 0;
	size_t c, k, m;

	for (c = 0; c < n; c += 64) {
		if ((m = n - c) >= 64)
			for (sp = 0, k = 0; k < 64; k++)
				sp |= (uint64_t)(s[c + k] == ' ') << k;
		else
			for (sp = ~0ULL << m, k = 0; k < m; k++)
				sp |= (uint64_t)(s[c + k] == ' ') << k;
		ns = ~sp;
		edge = ns ^ (ns << 1 | in);
		in = ns >> 63;
		if (d->noff >= d->offmax)
			flushoff(d, s);
		while (d->noff + 64 > d->offcap)
			growoff(d);
		for (; edge != 0; edge &= edge - 1)
			d->off[d->noff++] = c + (size_t)__builtin_ctzll(edge);
	}
	if (in) {
		if (d->noff == d->offcap)
			growoff(d);
		d->off[d->noff++] = n;
	}
}

static int	shingles(struct dm_dedup *, const char *, size_t,
		    struct dm_buf *);

int
dm_dedup_shingles(struct dm_dedup *d, const char *s, size_t n,
    struct dm_buf *err)
{
	d->nh = 0;
	d->noff = 0;
	d->nblk = 0;
	d->folded = 0;
	d->offmax = 2 * (size_t)d->window + OFFCHUNK;
	d->text = s;
	d->textlen = n;
	if (shingles(d, s, n, err) < 0)
		return -1;
	if (d->nblk > 0)
		sha1_flush(d);
	return 0;
}

static int
shingles(struct dm_dedup *d, const char *s, size_t n, struct dm_buf *err)
{
	size_t i, start;
	int32_t cp = 0;
	int len;

	if (d->mode == DM_DEDUP_MINHASH && d->preset == DM_PRESET_DATATROVE) {
		simplify(d, s, n);
		s = d->t2.buf;
		n = d->t2.len;
		/* the simplified text is one-space separated: shingles are
		 * spans of it; t2 is not touched below */
		d->offkind = OFF_SPANS;
		for (i = 0; i < n; ) {
			start = i;
			while (i < n && s[i] != ' ')
				i++;
			addtok(d, s, start, i);
			i++;
		}
		flushoff(d, s);
		return 0;
	}
	/* Data-Juicer: lower case, the ignore_pattern's matches removed,
	 * then the tokenization */
	dm_buf_reset(&d->t1);
	if (dm_uni_lower(s, n, &d->t1)) {
		s = d->t1.buf;
		n = d->t1.len;
	}
	if (d->ignore) {
		struct dm_buf why = DM_BUF_INIT;
		int r;

		dm_buf_reset(&d->t3);
		/* a match that fails (a limit of re.c's) fails the sample */
		if ((r = dm_re_replace(d->ignore, s, n, "", &d->t3, &why)) < 0) {
			dm_buf_addf(err, "--ignore: %s", why.buf);
			dm_buf_free(&why);
			return -1;
		}
		if (r > 0) {
			s = d->t3.buf;
			n = d->t3.len;
		}
		dm_buf_free(&why);
	}
	d->offkind = d->tok == DM_TOK_CHAR ? OFF_POINTS : OFF_TOKENS;
	switch (d->tok) {
	case DM_TOK_SPACE:
		/* split_on_whitespace: split at " ", empty tokens dropped */
		split_spaces(d, s, n);
		flushoff(d, s);
		break;
	case DM_TOK_PUNCT:
		/* regex.split(r"\p{P}", text): empty tokens kept */
		start = 0;
		for (i = 0; i < n; i += (size_t)len) {
			if ((len = dm_utf8_decode(s + i, n - i, &cp)) < 0) {
				len = 1;
				continue;
			}
			if (dm_uni_ispunct(cp)) {
				addtok(d, s, start, i);
				start = i + (size_t)len;
			}
		}
		addtok(d, s, start, n);
		flushoff(d, s);
		break;
	case DM_TOK_CHAR:
		/* text[i:i + w] over code points */
		for (i = 0; i < n; i += (size_t)len) {
			addoff(d, s, i);
			if ((len = dm_utf8_decode(s + i, n - i, &cp)) < 0)
				len = 1;
		}
		addoff(d, s, n);
		flushoff(d, s);
		break;
	}
	return 0;
}


/*
 * Both references compute (h * a + b) % (2^61 - 1) in numpy uint64, whose
 * product and sum wrap modulo 2^64; so does this. Data-Juicer then keeps
 * the low 32 bits. The loop over the permutations is the hot one: it is
 * built for AVX-512 and AVX2 too (MH_WIDE), the one dm_simd_level() names
 * chosen at run time, so that DM_SIMD can run each.
 */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define MH_WIDE		1
#define MH_BODY		__attribute__((always_inline)) static inline
#define MH_O3		__attribute__((optimize("O3")))
#define MH_TARGET(t)	__attribute__((target(t)))
#else
#define MH_BODY		static inline
#define MH_O3
#endif
/* name##suffix: name##_body built for target (none: the default one) */
#define MH_VARIANT(name, suffix, target, params, args)			\
	MH_O3 target static void name##suffix params { name##_body args; }

MH_BODY void
minhash_rows_body(const uint64_t *restrict a, const uint64_t *restrict b,
    uint64_t *restrict sig, size_t np, const uint64_t *h, size_t nh,
    uint64_t mask)
{
	size_t i, j;

	for (i = 0; i < nh; i++) {
		uint64_t hv = h[i];

		for (j = 0; j < np; j++) {
			uint64_t x = hv * a[j] + b[j];

			x = (x & MERSENNE) + (x >> 61);
			x = x >= MERSENNE ? x - MERSENNE : x;
			x &= mask;
			sig[j] = x < sig[j] ? x : sig[j];
		}
	}
}

#define MH_ROWS(suffix, target)						\
	MH_VARIANT(minhash_rows, suffix, target, (const uint64_t *restrict a, \
	    const uint64_t *restrict b, uint64_t *restrict sig, size_t np, \
	    const uint64_t *h, size_t nh, uint64_t mask),		\
	    (a, b, sig, np, h, nh, mask))
MH_ROWS(, )
#ifdef MH_WIDE
MH_ROWS(_avx2, MH_TARGET("avx2"))
MH_ROWS(_avx512, MH_TARGET("avx512f"))
#endif

/*
 * Data-Juicer's hashes have 32 bits: h * a is two 32-bit products, which
 * vector units multiply directly (a is split into alo and ahi). The
 * permutations go by blocks of MH_BLOCK, whose a, b and minima stay in
 * registers while every hash goes by.
 */
#define MH_BLOCK	32

MH_BODY void
minhash_rows32_body(const uint32_t *restrict alo, const uint32_t *restrict ahi,
    const uint64_t *restrict b, uint64_t *restrict sig, size_t np,
    const uint64_t *h, size_t nh)
{
	uint64_t s[MH_BLOCK], bb[MH_BLOCK];
	uint32_t al[MH_BLOCK], ah[MH_BLOCK];
	size_t i, j, j0, nb;

	for (j0 = 0; j0 < np; j0 += nb) {
		nb = np - j0 < MH_BLOCK ? np - j0 : MH_BLOCK;
		if (nb < MH_BLOCK) {
			/* the last, partial block: the plain loop */
			for (i = 0; i < nh; i++)
				for (j = j0; j < np; j++) {
					uint64_t x = (uint64_t)(uint32_t)h[i] *
					    alo[j] + ((uint64_t)(uint32_t)(
					    (uint32_t)h[i] * ahi[j]) << 32) + b[j];

					x = (x & MERSENNE) + (x >> 61);
					x = x >= MERSENNE ? x - MERSENNE : x;
					x &= 0xFFFFFFFFULL;
					sig[j] = x < sig[j] ? x : sig[j];
				}
			break;
		}
		memcpy(s, sig + j0, sizeof s);
		memcpy(bb, b + j0, sizeof bb);
		memcpy(al, alo + j0, sizeof al);
		memcpy(ah, ahi + j0, sizeof ah);
		for (i = 0; i < nh; i++) {
			uint32_t hv = (uint32_t)h[i];

			for (j = 0; j < MH_BLOCK; j++) {
				uint64_t x = (uint64_t)hv * al[j] +
				    ((uint64_t)(uint32_t)(hv * ah[j]) << 32) +
				    bb[j];

				x = (x & MERSENNE) + (x >> 61);
				x = x >= MERSENNE ? x - MERSENNE : x;
				x &= 0xFFFFFFFFULL;
				s[j] = x < s[j] ? x : s[j];
			}
		}
		memcpy(sig + j0, s, sizeof s);
	}
}

/* with AVX-512, minhash_rows32_avx512 below, by hand */
#define MH_ROWS32(suffix, target)					\
	MH_VARIANT(minhash_rows32, suffix, target,			\
	    (const uint32_t *restrict alo, const uint32_t *restrict ahi,	\
	    const uint64_t *restrict b, uint64_t *restrict sig, size_t np, \
	    const uint64_t *h, size_t nh), (alo, ahi, b, sig, np, h, nh))
MH_ROWS32(, )
#ifdef MH_WIDE
MH_ROWS32(_avx2, MH_TARGET("avx2"))
#endif

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

/*
 * The same with AVX-512 by hand. Only the low 32 bits of the reduced value
 * are kept, and x = h a + b (mod 2^64) reduces to (x mod 2^61) + (x >> 61)
 * but for the rare x whose sum reaches 2^61 - 1. So each lane computes
 * u = x' + (x' >> 61) with x' = h a + b + 1, whose low 32 bits are the
 * value plus one (mod 2^32) except in three cases: the sum reaches
 * 2^61 - 1 (u is then the value, 0 to 7), x' carried into bit 61 (u is
 * 0 to 7), or the value's low 32 bits are all ones (u is 0). Each of them
 * leaves a minimum of 8 or less: a permutation whose minimum of u is over
 * 8 has the minimum minus one as its value, exactly, and the others are
 * computed again the plain way. The minimum of the low halves is a 32-bit
 * minimum (hv * ahi << 32 is one 32-bit multiply of ahi placed high), the
 * high halves cleared at the end: 7 instructions for 8 permutations.
 */
__attribute__((target("avx512f"))) static void
minhash_rows32_avx512(const uint32_t *restrict alo,
    const uint32_t *restrict ahi, const uint64_t *restrict b,
    uint64_t *restrict sig, size_t np, const uint64_t *h, size_t nh)
{
	const __m512i one = _mm512_set1_epi64(1);
	const __m512i low = _mm512_set1_epi64(0xFFFFFFFFLL);
	const __m512i eight = _mm512_set1_epi64(8);
	__m512i al[4], ah[4], bb[4], s[4], hv, x;
	__mmask8 redo;
	size_t i, j0;
	int k, l;

	for (j0 = 0; j0 + 32 <= np; j0 += 32) {
#pragma GCC unroll 4
		for (k = 0; k < 4; k++) {
			al[k] = _mm512_cvtepu32_epi64(_mm256_loadu_si256(
			    (const void *)(alo + j0 + 8 * k)));
			ah[k] = _mm512_slli_epi64(_mm512_cvtepu32_epi64(
			    _mm256_loadu_si256((const void *)(ahi + j0 +
			    8 * k))), 32);
			bb[k] = _mm512_add_epi64(_mm512_loadu_si512(b + j0 +
			    8 * k), one);
			s[k] = low;
		}
		for (i = 0; i < nh; i++) {
			hv = _mm512_set1_epi32((int)(uint32_t)h[i]);
#pragma GCC unroll 4
			for (k = 0; k < 4; k++) {
				x = _mm512_add_epi64(_mm512_add_epi64(
				    _mm512_mul_epu32(hv, al[k]),
				    _mm512_mullo_epi32(hv, ah[k])), bb[k]);
				x = _mm512_add_epi64(x, _mm512_srli_epi64(x,
				    61));
				s[k] = _mm512_min_epu32(s[k], x);
			}
		}
		for (k = 0; k < 4; k++) {
			s[k] = _mm512_and_si512(s[k], low);
			redo = _mm512_cmple_epu64_mask(s[k], eight);
			_mm512_storeu_si512(sig + j0 + 8 * k,
			    _mm512_sub_epi64(s[k], one));
			for (l = 0; l < 8; l++)
				if (redo & (1U << l)) {
					sig[j0 + 8 * k + l] = ~0ULL;
					minhash_rows32(alo + j0 + 8 * k + l,
					    ahi + j0 + 8 * k + l,
					    b + j0 + 8 * k + l,
					    sig + j0 + 8 * k + l, 1, h, nh);
				}
		}
	}
	if (j0 < np)
		minhash_rows32(alo + j0, ahi + j0, b + j0, sig + j0, np - j0,
		    h, nh);
}
#endif

/* The minima of the nh hashes at h into sig (perms values). */
static void
minhash(struct dm_dedup *d, uint64_t *sig, const uint64_t *h, size_t nh)
{
	size_t j, np = (size_t)d->perms;
	int level = dm_simd_level();

	/* the shingles are a set, but equal hashes give equal values: the
	 * minimum is the same with them */
	for (j = 0; j < np; j++)
		sig[j] = ~0ULL;
	if (d->preset == DM_PRESET_DATATROVE) {
#ifdef MH_WIDE
		if (level >= 3)
			minhash_rows_avx512(d->a, d->b, sig, np, h, nh, ~0ULL);
		else if (level == 2)
			minhash_rows_avx2(d->a, d->b, sig, np, h, nh, ~0ULL);
		else
#endif
			minhash_rows(d->a, d->b, sig, np, h, nh, ~0ULL);
		return;
	}
#if defined(__x86_64__) && defined(__GNUC__)
	if (level >= 3) {
		minhash_rows32_avx512(d->alo, d->ahi, d->b, sig, np, h, nh);
		return;
	}
#endif
#ifdef MH_WIDE
	if (level == 2) {
		minhash_rows32_avx2(d->alo, d->ahi, d->b, sig, np, h, nh);
		return;
	}
#endif
	(void)level;
	minhash_rows32(d->alo, d->ahi, d->b, sig, np, h, nh);
}

static void
simcount(long *counts, const uint64_t *h, size_t nh)
{
	uint64_t v;
	size_t i;
	int k;

	for (i = 0; i < nh; i++)
		for (v = h[i], k = 0; k < 64; k++, v >>= 1)
			counts[k] += (v & 1) ? 1 : -1;
}

/* An in-place sort of 64-bit values: qsort may take a copy of the array,
 * as large as the set of a long text. Quicksort, a heapsort below too
 * deep a recursion, insertion sorts for short ranges. */
static void
sortu64(uint64_t *v, size_t n, int depth)
{
	uint64_t p, t;
	size_t i, j, k, m;

	while (n > 16) {
		if (depth-- == 0) {
			for (k = n / 2; k-- > 0; )
				for (i = k; (j = 2 * i + 1) < n; i = j) {
					if (j + 1 < n && v[j + 1] > v[j])
						j++;
					if (v[i] >= v[j])
						break;
					t = v[i], v[i] = v[j], v[j] = t;
				}
			for (m = n; m-- > 1; ) {
				t = v[0], v[0] = v[m], v[m] = t;
				for (i = 0; (j = 2 * i + 1) < m; i = j) {
					if (j + 1 < m && v[j + 1] > v[j])
						j++;
					if (v[i] >= v[j])
						break;
					t = v[i], v[i] = v[j], v[j] = t;
				}
			}
			return;
		}
		/* the median of three, Hoare's partition */
		m = n / 2;
		if (v[m] < v[0])
			t = v[m], v[m] = v[0], v[0] = t;
		if (v[n - 1] < v[m]) {
			t = v[m], v[m] = v[n - 1], v[n - 1] = t;
			if (v[m] < v[0])
				t = v[m], v[m] = v[0], v[0] = t;
		}
		p = v[m];
		for (i = 0, j = n - 1;; ) {
			while (v[i] < p)
				i++;
			while (p < v[j])
				j--;
			if (i >= j)
				break;
			t = v[i], v[i] = v[j], v[j] = t;
			i++;
			j--;
		}
		/* the smaller side first, the larger one by the loop */
		if (j + 1 < n - j - 1) {
			sortu64(v, j + 1, depth);
			v += j + 1;
			n -= j + 1;
		} else {
			sortu64(v + j + 1, n - j - 1, depth);
			n = j + 1;
		}
	}
	for (i = 1; i < n; i++) {
		for (t = v[i], j = i; j > 0 && v[j - 1] > t; j--)
			v[j] = v[j - 1];
		v[j] = t;
	}
}

/* d->h sorted, each value once; returns how many. */
static size_t
sortset(struct dm_dedup *d)
{
	size_t i, k = 0;

	sortu64(d->h, d->nh, 2 * 64);
	for (i = 0; i < d->nh; i++)
		if (k == 0 || d->h[i] != d->h[k - 1])
			d->h[k++] = d->h[i];
	return k;
}

/*
 * h is full: its hashes go into the signature (the minima, or the bit
 * counts) and h is emptied. Collecting the set, h keeps it instead,
 * doubled when more than half of it are different values.
 */
static void
fold(struct dm_dedup *d)
{
	size_t j, np = (size_t)d->perms;
	uint64_t *t;

	if (d->nblk > 0)		/* blocks have their places in h */
		sha1_flush(d);
	if (d->collect) {
		d->nh = sortset(d);
		if (d->nh > d->hcap / 2) {
			d->hcap *= 2;
			d->h = dm_xreallocarray(d->h, d->hcap, sizeof *d->h);
		}
		return;
	}
	if (d->mode == DM_DEDUP_SIMHASH) {
		if (!d->folded)
			memset(d->cnt, 0, sizeof d->cnt);
		simcount(d->cnt, d->h, d->nh);
	} else {
		if (d->msig == NULL)
			d->msig = dm_xreallocarray(NULL, 2 * np, sizeof *d->msig);
		t = d->folded ? d->msig + np : d->msig;
		minhash(d, t, d->h, d->nh);
		for (j = 0; j < np && d->folded; j++)
			if (t[j] < d->msig[j])
				d->msig[j] = t[j];
	}
	d->folded = 1;
	d->nh = 0;
}

size_t
dm_dedup_shingleset(struct dm_dedup *d)
{
	struct dm_buf why = DM_BUF_INIT;

	if (d->folded) {
		/* hashed again, the set kept this time */
		d->collect = 1;
		d->nh = 0;
		d->noff = 0;
		d->nblk = 0;
		/* the text's second hashing: its first did not fail */
		if (shingles(d, d->text, d->textlen, &why) < 0)
			dm_die("%s", why.buf);
		dm_buf_free(&why);
		if (d->nblk > 0)
			sha1_flush(d);
		d->collect = 0;
	}
	d->nh = sortset(d);
	return d->nh;
}

void
dm_dedup_minhash(struct dm_dedup *d, uint64_t *sig)
{
	size_t j;

	minhash(d, sig, d->h, d->nh);
	for (j = 0; j < (size_t)d->perms && d->folded; j++)
		if (d->msig[j] < sig[j])
			sig[j] = d->msig[j];
}

uint64_t
dm_dedup_simhash(const struct dm_dedup *d)
{
	long counts[64] = { 0 };
	uint64_t r = 0;
	int k;

	if (d->folded)
		memcpy(counts, d->cnt, sizeof counts);
	simcount(counts, d->h, d->nh);
	for (k = 0; k < 64; k++)
		if (counts[k] > 0)
			r |= 1ULL << k;
	return r;
}
