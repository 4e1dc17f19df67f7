/* sketch.c - mergeable sketches of dm-stats: KLL quantiles, HyperLogLog */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dm.h"
#include "statsum.h"

/* ---- KLL ---- */

struct wv {
	double		 v;
	unsigned long long w;
};

static void	capacities(struct dm_kll *);

/*
 * The order of doubles as unsigned integers: the sign bit flipped on
 * positive values, every bit on negative ones; -0 as 0, which it equals.
 */
static inline uint64_t
dkey(double v)
{
	uint64_t u;

	if (v == 0)
		v = 0;	/* -0: radix_doubles puts it back */
	memcpy(&u, &v, sizeof u);
	return u >> 63 ? ~u : u | 1ULL << 63;
}

static inline double
dval(uint64_t k)
{
	double v;

	k = k >> 63 ? k & ~(1ULL << 63) : ~k;
	memcpy(&v, &k, sizeof v);
	return v;
}

/*
 * A long array (the values --exact keeps) by a least significant digit
 * radix sort of the keys, a byte a pass, the passes where every key has
 * the same byte skipped: stable, so equal values keep their order and
 * the result is the merge sort's. The zeros sort as one key: their signs
 * are put back in their order, as the merge sort leaves them.
 */
static void
radix_doubles(struct dm_kll *s, double *a, size_t n)
{
	size_t (*cnt)[256], i, sum, c, nz = 0;
	uint64_t *src, *dst, *t, k;
	unsigned char *neg = NULL;
	int b;

	if (s->tmpcap < 2 * n) {
		s->tmpcap = 2 * n;
		s->tmp = dm_xreallocarray(s->tmp, 2 * n, sizeof *s->tmp);
	}
	/* the keys, and the scratch after them, in the sketch's buffer */
	src = (uint64_t *)(void *)s->tmp;
	dst = src + n;
	cnt = dm_xcalloc(8, sizeof *cnt);
	for (i = 0; i < n; i++) {
		if (a[i] == 0) {
			if (signbit(a[i]) && neg == NULL)
				neg = dm_xcalloc(n, 1);
			if (neg)
				neg[nz] = signbit(a[i]) != 0;
			nz++;
		}
		src[i] = k = dkey(a[i]);
		cnt[0][k & 0xFF]++;
		cnt[1][k >> 8 & 0xFF]++;
		cnt[2][k >> 16 & 0xFF]++;
		cnt[3][k >> 24 & 0xFF]++;
		cnt[4][k >> 32 & 0xFF]++;
		cnt[5][k >> 40 & 0xFF]++;
		cnt[6][k >> 48 & 0xFF]++;
		cnt[7][k >> 56]++;
	}
	for (b = 0; b < 8; b++) {
		if (cnt[b][src[0] >> (8 * b) & 0xFF] == n)
			continue;
		for (sum = 0, c = 0; c < 256; c++) {
			i = cnt[b][c];
			cnt[b][c] = sum;
			sum += i;
		}
		for (i = 0; i < n; i++)
			dst[cnt[b][src[i] >> (8 * b) & 0xFF]++] = src[i];
		t = src;
		src = dst;
		dst = t;
	}
	for (i = 0; i < n; i++)
		a[i] = dval(src[i]);
	if (neg) {
		/* neg[] is 0 for the zeros before the first -0 */
		for (i = 0; i < n && a[i] != 0; i++)
			;
		for (c = 0; c < nz; c++)
			a[i + c] = neg[c] ? -0.0 : 0.0;
		free(neg);
	}
	free(cnt);
}

/*
 * Sorts a[0..n) ascending, stably, as glibc's qsort (a merge sort) with
 * a comparison of doubles would, but without a call per comparison: runs
 * of 16 by insertion, then merged bottom-up through the sketch's scratch
 * buffer (a long array: radix_doubles). Values are
 * finite (dm-stats skips the others), so < is a total order but for -0
 * and 0, which stability keeps in their order.
 */
static void
sort_doubles(struct dm_kll *s, double *a, size_t n)
{
	size_t i, j, w, lo, mid, hi, p, q, k;
	double v, *src = a, *dst, *t;

	if (n >= 1024) {
		radix_doubles(s, a, n);
		return;
	}
	for (lo = 0; lo < n; lo += 16) {
		hi = lo + 16 < n ? lo + 16 : n;
		for (i = lo + 1; i < hi; i++) {
			v = a[i];
			for (j = i; j > lo && v < a[j - 1]; j--)
				a[j] = a[j - 1];
			a[j] = v;
		}
	}
	if (n <= 16)
		return;
	if (s->tmpcap < n) {
		s->tmpcap = n;
		s->tmp = dm_xreallocarray(s->tmp, n, sizeof *s->tmp);
	}
	dst = s->tmp;
	for (w = 16; w < n; w *= 2) {
		for (lo = 0; lo < n; lo += 2 * w) {
			mid = lo + w < n ? lo + w : n;
			hi = lo + 2 * w < n ? lo + 2 * w : n;
			p = lo;
			q = mid;
			k = lo;
			while (p < mid && q < hi)
				dst[k++] = src[q] < src[p] ? src[q++] : src[p++];
			while (p < mid)
				dst[k++] = src[p++];
			while (q < hi)
				dst[k++] = src[q++];
		}
		t = src;
		src = dst;
		dst = t;
	}
	if (src != a)
		memcpy(a, src, n * sizeof *a);
}

void
dm_kll_init(struct dm_kll *s, int k, int exact)
{
	memset(s, 0, sizeof *s);
	s->k = k;
	s->exact = exact;
	s->nlevels = 1;
	s->lv = dm_xcalloc(1, sizeof *s->lv);
	s->len = dm_xcalloc(1, sizeof *s->len);
	s->cap = dm_xcalloc(1, sizeof *s->cap);
	s->min = INFINITY;
	s->max = -INFINITY;
	s->rng = 0x9E3779B97F4A7C15ULL;
	capacities(s);
}

void
dm_kll_free(struct dm_kll *s)
{
	int h;

	for (h = 0; h < s->nlevels; h++)
		free(s->lv[h]);
	free(s->lv);
	free(s->len);
	free(s->cap);
	free(s->levcap);
	free(s->tmp);
	memset(s, 0, sizeof *s);
}

/* The items level h may hold before it is compacted. */
static size_t
capacity(const struct dm_kll *s, int h)
{
	double c = ceil(s->k * pow(2.0 / 3.0, s->nlevels - 1 - h));

	return c < 8 ? 8 : (size_t)c;
}

/* The capacities change only with the number of levels: kept, so that
 * compress does not take powers on every item once level 0 is full. */
static void
capacities(struct dm_kll *s)
{
	int h;

	s->levcap = dm_xreallocarray(s->levcap, (size_t)s->nlevels,
	    sizeof *s->levcap);
	s->room = 0;
	for (h = 0; h < s->nlevels; h++)
		s->room += s->levcap[h] = capacity(s, h);
	s->room0 = s->levcap[0];
}

static void
push(struct dm_kll *s, int h, double v)
{
	if (s->len[h] == s->cap[h]) {
		s->cap[h] = s->cap[h] ? 2 * s->cap[h] : 16;
		s->lv[h] = dm_xreallocarray(s->lv[h], s->cap[h], sizeof(double));
	}
	s->lv[h][s->len[h]++] = v;
	s->total++;
	if (h == 0)
		s->sorted0 = 0;
}

/* Level 0 in order, sorted once for all the quantiles asked of it. */
static void
sort0(struct dm_kll *s)
{
	if (!s->sorted0)
		sort_doubles(s, s->lv[0], s->len[0]);
	s->sorted0 = 1;
}

static void
addlevel(struct dm_kll *s)
{
	int h = s->nlevels++;

	s->lv = dm_xreallocarray(s->lv, (size_t)s->nlevels, sizeof *s->lv);
	s->len = dm_xreallocarray(s->len, (size_t)s->nlevels, sizeof *s->len);
	s->cap = dm_xreallocarray(s->cap, (size_t)s->nlevels, sizeof *s->cap);
	s->lv[h] = NULL;
	s->len[h] = s->cap[h] = 0;
	capacities(s);
}

static int
coin(struct dm_kll *s)
{
	/* xorshift64: reproducible, and good enough for a fair coin */
	s->rng ^= s->rng << 13;
	s->rng ^= s->rng >> 7;
	s->rng ^= s->rng << 17;
	return (int)(s->rng >> 63);
}

/*
 * Merges the ascending b[0..m) into level h (h >= 1), which is kept
 * ascending: from the back, in place. On ties the items already there stay
 * first, so the level is what a stable sort of it with b appended gives:
 * a level is then never sorted again, and its order is the one sorting it
 * at each compaction gave.
 */
static void
merge_into(struct dm_kll *s, int h, const double *b, size_t m)
{
	size_t i = s->len[h], k = s->len[h] + m;
	double *a;

	s->len[h] = k;
	if (k > s->cap[h]) {
		s->cap[h] = k > 2 * s->cap[h] ? (k > 16 ? k : 16) : 2 * s->cap[h];
		s->lv[h] = dm_xreallocarray(s->lv[h], s->cap[h], sizeof(double));
	}
	a = s->lv[h];
	while (m > 0)
		a[--k] = i > 0 && b[m - 1] < a[i - 1] ? a[--i] : b[--m];
}

/* Sorts level h (level 0: the others are kept sorted) and moves every
 * other item (from a random first one) to level h + 1, where each weighs
 * twice as much; an odd item out, the least, stays. */
static void
compact(struct dm_kll *s, int h)
{
	size_t i, m, n, start;
	double *a;
	int off;

	if (h + 1 == s->nlevels)
		addlevel(s);
	n = s->len[h];
	a = s->lv[h];
	if (h == 0)
		sort_doubles(s, a, n);
	start = n % 2;
	off = coin(s);
	for (m = 0, i = start + (size_t)off; i < n; i += 2)
		a[start + m++] = a[i];
	merge_into(s, h + 1, a + start, m);
	s->len[h] = start;
	s->total -= m;
}

static void
compress(struct dm_kll *s)
{
	int h;

	while (s->total >= s->room) {
		for (h = 0; h < s->nlevels; h++)
			if (s->len[h] >= s->levcap[h])
				break;
		if (h == s->nlevels)
			return;
		compact(s, h);
	}
}

void
dm_kll_add(struct dm_kll *s, double v)
{
	push(s, 0, v);
	s->n++;
	if (v < s->min)
		s->min = v;
	if (v > s->max)
		s->max = v;
	if (!s->exact && s->len[0] >= s->room0)
		compress(s);
}

void
dm_kll_merge(struct dm_kll *s, const struct dm_kll *o)
{
	size_t i;
	int h;

	while (s->nlevels < o->nlevels)
		addlevel(s);
	for (i = 0; i < o->len[0]; i++)
		push(s, 0, o->lv[0][i]);
	for (h = 1; h < o->nlevels; h++) {
		merge_into(s, h, o->lv[h], o->len[h]);
		s->total += o->len[h];
	}
	s->n += o->n;
	if (o->min < s->min)
		s->min = o->min;
	if (o->max > s->max)
		s->max = o->max;
	s->exact = s->exact && o->exact;
	if (!s->exact)
		compress(s);
}

int
dm_kll_isexact(const struct dm_kll *s)
{
	int h;

	for (h = 1; h < s->nlevels; h++)
		if (s->len[h])
			return 0;
	return s->len[0] == s->n;
}

/* Every item with its weight, sorted; the caller frees it. Level 0 is
 * sorted, then the levels merged, the lower first on ties: the order a
 * stable sort of them all, level by level, gives. */
static struct wv *
gather(struct dm_kll *s, size_t *np)
{
	struct wv *a;
	size_t n = 0, *at;
	int h, best;

	sort0(s);
	at = dm_xcalloc((size_t)s->nlevels, sizeof *at);
	a = dm_xreallocarray(NULL, s->total ? s->total : 1, sizeof *a);
	for (;;) {
		best = -1;
		for (h = 0; h < s->nlevels; h++)
			if (at[h] < s->len[h] && (best < 0 ||
			    s->lv[h][at[h]] < s->lv[best][at[best]]))
				best = h;
		if (best < 0)
			break;
		a[n].v = s->lv[best][at[best]++];
		a[n++].w = 1ULL << best;
	}
	free(at);
	*np = n;
	return a;
}

double
dm_kll_quantile(struct dm_kll *s, double q)
{
	struct wv *a;
	unsigned long long cum = 0;
	double pos, frac, r, a0, b0, d;
	size_t i, n, lo;

	if (s->n == 0)
		return NAN;
	if (q <= 0)
		return s->min;
	if (q >= 1)
		return s->max;
	if (dm_kll_isexact(s)) {
		sort0(s);
		pos = q * (double)(s->n - 1);
		lo = (size_t)floor(pos);
		frac = pos - (double)lo;
		if (lo + 1 >= s->n)
			return s->lv[0][s->n - 1];
		/* numpy's _lerp, operation for operation: from the upper
		 * value past the middle */
		a0 = s->lv[0][lo];
		b0 = s->lv[0][lo + 1];
		d = b0 - a0;
		if (!isfinite(d))	/* numpy's is then inf or nan */
			return (a0 / 2 + (b0 / 2 - a0 / 2) * frac) * 2;
		return frac >= 0.5 ? b0 - d * (1 - frac) : a0 + d * frac;
	}
	a = gather(s, &n);
	r = a[n - 1].v;
	for (i = 0; i < n; i++) {
		cum += a[i].w;
		if ((double)cum >= q * (double)s->n) {
			r = a[i].v;
			break;
		}
	}
	free(a);
	return r;
}

/*
 * Where hi - lo overflows (from -1e308 to 1e308), the values and the range
 * are halved: exact for numbers that large, and the ratio stays.
 */
double
dm_kll_edge(double lo, double hi, int k, int nb)
{
	if (isfinite(hi - lo))
		return lo + (hi - lo) * k / nb;
	/* lo/2 + (hi/2 - lo/2) k/nb is at most hi/2: no overflow */
	return (lo / 2 + (hi / 2 - lo / 2) * ((double)k / nb)) * 2;
}

/*
 * The bin of v is first computed from its place in the range, then moved
 * to agree with the edges the summary prints (dm_kll_edge), as numpy's
 * histogram corrects its guess against its edges: the rounding of
 * (v - lo) / (hi - lo) * nb put 0.054 of the edges 0, 0.006, ..., 0.054...,
 * 0.06 in the last bin, while it is below that bin's lower edge.
 */
void
dm_kll_histogram(struct dm_kll *s, double lo, double hi, int nb,
    unsigned long long *counts)
{
	double sc = isfinite(hi - lo) ? 1 : 0.5, v;
	size_t i;
	long b;
	int h;

	memset(counts, 0, (size_t)nb * sizeof *counts);
	for (h = 0; h < s->nlevels; h++)
		for (i = 0; i < s->len[h]; i++) {
			v = s->lv[h][i];
			b = hi > lo ? (long)floor((v * sc - lo * sc) /
			    (hi * sc - lo * sc) * nb) : 0;
			if (b < 0)
				b = 0;
			if (b >= nb)
				b = nb - 1;
			while (b > 0 && v < dm_kll_edge(lo, hi, (int)b, nb))
				b--;
			while (b < nb - 1 && v >= dm_kll_edge(lo, hi,
			    (int)b + 1, nb))
				b++;
			counts[b] += 1ULL << h;
		}
}

json_t *
dm_kll_json(const struct dm_kll *s)
{
	json_t *o = json_object(), *levels = json_array(), *l;
	size_t i;
	int h;

	json_object_set_new(o, "k", json_integer(s->k));
	json_object_set_new(o, "exact", json_boolean(s->exact));
	json_object_set_new(o, "n", json_integer((json_int_t)s->n));
	json_object_set_new(o, "rng", json_integer((json_int_t)(s->rng >> 1)));
	for (h = 0; h < s->nlevels; h++) {
		l = json_array();
		for (i = 0; i < s->len[h]; i++)
			json_array_append_new(l, json_real(s->lv[h][i]));
		json_array_append_new(levels, l);
	}
	json_object_set_new(o, "levels", levels);
	if (s->n) {
		json_object_set_new(o, "min", json_real(s->min));
		json_object_set_new(o, "max", json_real(s->max));
	}
	return o;
}

int
dm_kll_load(struct dm_kll *s, const json_t *o, struct dm_buf *err)
{
	json_t *levels = json_object_get(o, "levels"), *l, *v;
	unsigned long long w = 0;
	size_t h, i;

	if (!json_is_integer(json_object_get(o, "k")) ||
	    !json_is_integer(json_object_get(o, "n")) || !json_is_array(levels) ||
	    json_array_size(levels) > 63) {
		dm_buf_adds(err, "bad sketch");
		return -1;
	}
	dm_kll_init(s, (int)json_integer_value(json_object_get(o, "k")),
	    json_is_true(json_object_get(o, "exact")));
	if (s->k < 8) {
		dm_buf_adds(err, "bad sketch");
		goto bad;
	}
	json_array_foreach(levels, h, l) {
		if (h > 0)
			addlevel(s);
		if (!json_is_array(l)) {
			dm_buf_adds(err, "bad sketch");
			goto bad;
		}
		json_array_foreach(l, i, v) {
			if (!json_is_number(v)) {
				dm_buf_adds(err, "bad sketch");
				goto bad;
			}
			push(s, (int)h, json_number_value(v));
			w += 1ULL << h;
		}
	}
	/* levels above 0 are kept sorted (a partial of an earlier version
	 * may hold them as runs) */
	for (h = 1; h < (size_t)s->nlevels; h++)
		sort_doubles(s, s->lv[h], s->len[h]);
	s->n = (unsigned long long)json_integer_value(json_object_get(o, "n"));
	if (w != s->n) {
		dm_buf_adds(err, "bad sketch: the weights do not add up to n");
		goto bad;
	}
	if (s->n) {
		s->min = json_number_value(json_object_get(o, "min"));
		s->max = json_number_value(json_object_get(o, "max"));
	}
	if (json_is_integer(json_object_get(o, "rng")))
		s->rng = (uint64_t)json_integer_value(json_object_get(o, "rng"))
		    << 1 | 1;
	return 0;
bad:
	dm_kll_free(s);	/* a sketch that did not load holds nothing */
	return -1;
}

/* ---- HyperLogLog ---- */

void
dm_hll_add(struct dm_hll *h, uint64_t x)
{
	size_t i = (size_t)(x >> (64 - DM_HLL_P));
	uint64_t w = x << DM_HLL_P | (1ULL << (DM_HLL_P - 1));
	unsigned char r = (unsigned char)(__builtin_clzll(w) + 1);

	if (r > h->r[i])
		h->r[i] = r;
}

void
dm_hll_merge(struct dm_hll *h, const struct dm_hll *o)
{
	size_t i;

	for (i = 0; i < sizeof h->r; i++)
		if (o->r[i] > h->r[i])
			h->r[i] = o->r[i];
}

double
dm_hll_estimate(const struct dm_hll *h)
{
	double m = (double)(1 << DM_HLL_P), sum = 0, e;
	size_t i, zeros = 0;

	for (i = 0; i < sizeof h->r; i++) {
		sum += ldexp(1.0, -h->r[i]);
		zeros += h->r[i] == 0;
	}
	e = 0.7213 / (1 + 1.079 / m) * m * m / sum;
	if (e <= 2.5 * m && zeros)
		e = m * log(m / (double)zeros);
	return e;
}
