/* statsum.c - what dm-stats gathers from samples, merges and saves */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dm.h"
#include "statsum.h"
#include "statsum-in.h"

const char *const dm_json_typenames[6] = {
	"null", "boolean", "number", "string", "array", "object"
};

json_t *
dm_fent_types(const struct dm_fent *e)
{
	json_t *t = json_object();
	int k;

	for (k = 0; k < 6; k++)
		if (e->types[k])
			json_object_set_new(t, dm_json_typenames[k],
			    json_integer((json_int_t)e->types[k]));
	return t;
}

/* ---- hash tables of strings: index + 1 in tab, linear probing ---- */

static size_t *
probe(size_t *tab, size_t tabcap, const char *s, size_t n, uint64_t h,
    char *(*keyat)(void *, size_t, size_t *), void *arr)
{
	size_t i = (size_t)h & (tabcap - 1), kl;
	char *k;

	for (;; i = (i + 1) & (tabcap - 1)) {
		if (tab[i] == 0)
			return &tab[i];
		k = keyat(arr, tab[i] - 1, &kl);
		if (kl == n && memcmp(k, s, n) == 0)
			return &tab[i];
	}
}

static char *
fkey(void *arr, size_t i, size_t *n)
{
	struct dm_fent *e = (struct dm_fent *)arr + i;

	*n = e->len;
	return e->path;
}

static char *
vkey(void *arr, size_t i, size_t *n)
{
	struct dm_vent *e = (struct dm_vent *)arr + i;

	*n = e->len;
	return e->key;
}

static void
rehash(size_t **tab, size_t *tabcap, size_t n, char *(*keyat)(void *, size_t,
    size_t *), void *arr)
{
	size_t i, kl;
	char *k;

	*tabcap = *tabcap ? *tabcap * 2 : 64;
	while (*tabcap < 2 * (n + 1))
		*tabcap *= 2;
	free(*tab);
	*tab = dm_xcalloc(*tabcap, sizeof **tab);
	for (i = 0; i < n; i++) {
		k = keyat(arr, i, &kl);
		*probe(*tab, *tabcap, k, kl, dm_hash64(k, kl), keyat, arr) = i + 1;
	}
}

struct dm_fent *
dm_fieldtab_get(struct dm_fieldtab *ft, const char *p, size_t n)
{
	size_t *slot;
	struct dm_fent *e;

	if (2 * (ft->n + 1) > ft->tabcap)
		rehash(&ft->tab, &ft->tabcap, ft->n, fkey, ft->v);
	slot = probe(ft->tab, ft->tabcap, p, n, dm_hash64(p, n), fkey, ft->v);
	if (*slot)
		return &ft->v[*slot - 1];
	/* the paths held are bounded in number and in bytes: 4096 keys of
	 * 200 KB (a sample keyed by its URLs or sentences) took 2.4 GB */
	if (ft->n >= DM_STATS_MAXFIELDS ||
	    n > DM_STATS_MAXPATHBYTES - ft->bytes) {
		ft->truncated = 1;
		return NULL;
	}
	if (ft->n == ft->cap) {
		ft->cap = ft->cap ? 2 * ft->cap : 32;
		ft->v = dm_xreallocarray(ft->v, ft->cap, sizeof *ft->v);
	}
	e = &ft->v[ft->n];
	memset(e, 0, sizeof *e);
	e->path = dm_xstrndup(p, n);
	e->len = n;
	ft->bytes += n;
	*slot = ++ft->n;
	return e;
}

struct dm_vent *
dm_counter_get(struct dm_counter *c, const char *k, size_t n, int create)
{
	size_t *slot;
	struct dm_vent *e;

	if (2 * (c->n + 1) > c->tabcap)
		rehash(&c->tab, &c->tabcap, c->n, vkey, c->v);
	slot = probe(c->tab, c->tabcap, k, n, dm_hash64(k, n), vkey, c->v);
	if (*slot)
		return &c->v[*slot - 1];
	if (!create)
		return NULL;
	/* the values held are bounded in number and in bytes: 100000
	 * values of 10 KB took 1 GB */
	if (c->n >= DM_STATS_MAXVALUES || n > DM_STATS_MAXVALBYTES - c->bytes) {
		c->overflow = 1;
		return NULL;
	}
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 32;
		c->v = dm_xreallocarray(c->v, c->cap, sizeof *c->v);
	}
	e = &c->v[c->n];
	e->key = dm_xstrndup(k, n);
	e->len = n;
	c->bytes += n;
	e->n = 0;
	*slot = ++c->n;
	return e;
}

/* ---- coverage: a walk over the raw (already checked) JSON ---- */

static const char *
skipstr(const char *p, const char *e)
{
	const char *q;
	size_t bs;

	for (p++;;) {
		q = memchr(p, '"', (size_t)(e - p));
		if (q == NULL)
			return e;
		for (bs = 0; q - bs > p && q[-1 - (long)bs] == '\\'; bs++)
			;
		p = q + 1;
		if (bs % 2 == 0)
			return p;
	}
}

static const char *
skipws(const char *p, const char *e)
{
	while (p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

static const char *
skipval(const char *p, const char *e)
{
	int d = 0;

	if (*p == '"')
		return skipstr(p, e);
	if (*p != '{' && *p != '[') {
		while (p < e && !strchr(",]} \t\r\n", *p))
			p++;
		return p;
	}
	for (; p < e; ) {
		if (*p == '"') {
			p = skipstr(p, e);
			continue;
		}
		if (*p == '{' || *p == '[')
			d++;
		else if ((*p == '}' || *p == ']') && --d == 0)
			return p + 1;
		p++;
	}
	return p;
}

static int
jtype(char c)
{
	switch (c) {
	case 'n': return 0;
	case 't': case 'f': return 1;
	case '"': return 3;
	case '[': return 4;
	case '{': return 5;
	}
	return 2;
}

static void
record(struct dm_fieldtab *ft, const char *p, size_t n, int t)
{
	struct dm_fent *e = dm_fieldtab_get(ft, p, n);

	if (e == NULL)
		return;
	if (e->stamp != ft->stamp) {
		e->stamp = ft->stamp;
		e->n++;
		e->mask = 0;
	}
	if (!(e->mask & 1U << t)) {
		e->mask |= 1U << t;
		e->types[t]++;
	}
}

static const char *
walk(struct dm_fieldtab *ft, const char *p, const char *e, struct dm_buf *path,
    int depth, int maxdepth)
{
	struct dm_buf kb = DM_BUF_INIT;
	const char *k, *q;
	size_t klen, base = path->len;
	int t = jtype(*p);

	if (depth > 0)
		record(ft, path->buf, path->len, t);
	if ((t != 4 && t != 5) || depth >= maxdepth)
		return skipval(p, e);
	p = skipws(p + 1, e);
	if (t == 4) {
		dm_buf_adds(path, "[]");
		while (p < e && *p != ']') {
			p = walk(ft, p, e, path, depth + 1, maxdepth);
			p = skipws(p, e);
			if (p < e && *p == ',')
				p = skipws(p + 1, e);
		}
	} else {
		while (p < e && *p == '"') {
			q = skipstr(p, e);
			dm_buf_reset(&kb);
			if (dm_json_string(p, (size_t)(q - p), &kb, &k, &klen) < 0)
				k = "", klen = 0;
			dm_buf_setlen(path, base);
			/* as the expression language writes it: joining
			 * keys with dots would make "a.b" one with a.b */
			dm_fieldpath_addkey(path, k, klen, depth == 0);
			p = skipws(q, e);
			p = skipws(p + 1, e);	/* the colon */
			p = walk(ft, p, e, path, depth + 1, maxdepth);
			p = skipws(p, e);
			if (p < e && *p == ',')
				p = skipws(p + 1, e);
		}
	}
	dm_buf_free(&kb);
	dm_buf_setlen(path, base);
	return p < e ? p + 1 : e;
}

/* ---- statistics ---- */

/*
 * A name of dm-filter's statistics, alone or called with one argument:
 * "len", "char_rep(10)", "stopword_ratio(\"en\")". The whole name must be
 * that one call: in 'stopword_ratio("en") + flagged_ratio("en")' the
 * first ')' is not the last, and the expression parser takes it, as
 * dm-filter does. A string with an escape is left to the parser too.
 */
static int
plainstat(struct dm_stat *st, const char *name, struct dm_buf *err)
{
	const char *p = name, *a, *ae;
	size_t n;
	char *arg = NULL;

	while (islower((unsigned char)*p) || *p == '_')
		p++;
	n = (size_t)(p - name);
	if (*p != '\0' && *p != '(')
		return 0;
	if (*p == '(') {
		a = p + 1;
		if (*a == '"') {
			a++;
			ae = a + strcspn(a, "\"\\");
			if (*ae != '"' || strcmp(ae + 1, ")") != 0)
				return 0;
		} else {
			ae = a + strspn(a, "0123456789");
			if (ae == a || strcmp(ae, ")") != 0)
				return 0;
		}
		arg = dm_xstrndup(a, (size_t)(ae - a));
	}
	{
		char *base = dm_xstrndup(name, n);

		st->def = dm_stat_find(base);
		free(base);
	}
	if (st->def == NULL || (arg && st->def->arg == DM_STATARG_NONE)) {
		st->def = NULL;
		free(arg);
		return 0;
	}
	if (dm_stat_check(st->def, arg, err) < 0) {
		free(arg);
		return -1;
	}
	st->arg = arg;
	return 1;
}

int
dm_summary_init(struct dm_summary *S, char **stats, size_t nstats,
    char **counts, size_t ncounts, int exact, int depth, const char *key)
{
	struct dm_buf err = DM_BUF_INIT;
	struct dm_stat *st;
	size_t i;
	int r, bad = 0;

	memset(S, 0, sizeof *S);
	S->exact = exact;
	S->depth = depth;
	S->key = key;
	S->scratch = dm_xcalloc(1, sizeof *S->scratch);
	dm_buf_init(S->scratch);
	S->ts = dm_textstats_new();
	S->st = dm_xcalloc(nstats, sizeof *S->st);
	for (i = 0; i < nstats; i++) {
		st = S->st[S->nst++] = dm_xcalloc(1, sizeof *st);
		st->name = dm_xstrdup(stats[i]);
		st->isint = 1;
		dm_kll_init(&st->kll, DM_KLL_K, exact);
		dm_buf_reset(&err);
		if ((r = plainstat(st, stats[i], &err)) < 0) {
			dm_warn("--stats: %s", err.buf);
			bad = 1;
		} else if (r == 0 &&
		    (st->expr = dm_expr_parse(stats[i], "--stats", 1)) == NULL)
			bad = 1;
	}
	S->fields = dm_xcalloc(1, sizeof *S->fields);
	S->ct = dm_xcalloc(ncounts, sizeof *S->ct);
	for (i = 0; i < ncounts; i++) {
		struct dm_counter *c = dm_xcalloc(1, sizeof *c);

		S->ct[S->nct++] = c;
		c->field = dm_xstrdup(counts[i]);
		if (dm_fieldpath_parse(counts[i], &c->seg, &c->nseg) < 0) {
			dm_warn("--count: '%s' is not a field name",
			    dm_quote(counts[i]));
			bad = 1;
		}
	}
	dm_buf_free(&err);
	return bad ? -1 : 0;
}

/* A statistic's value for the sample: 1 with *v, 0 when it has none
 * (null), -1 with err. */
static int
statvalue(struct dm_summary *S, struct dm_stat *st, struct dm_sample *s,
    int *havetext, double *v, struct dm_buf *err)
{
	struct dm_buf *j = S->scratch;
	const char *t;
	char *end;
	size_t n;

	if (st->def) {
		if (!*havetext) {
			if (dm_sample_text(s, S->key, &t, &n, err) < 0)
				return -1;
			dm_textstats_reset(S->ts, t, n);
			*havetext = 1;
		}
		return dm_textstats_get(S->ts, st->def, st->arg, v, err) < 0 ?
		    -1 : 1;
	}
	switch (dm_expr_eval_num(st->expr, s, S->key, v, j, err)) {
	case -1:
		return -1;
	case 1:
		return 1;
	}
	if (strcmp(j->buf, "null") == 0)
		return 0;
	if (strcmp(j->buf, "true") == 0 || strcmp(j->buf, "false") == 0) {
		*v = j->buf[0] == 't';
		return 1;
	}
	*v = strtod(j->buf, &end);
	if (end == j->buf || *end != '\0' || !isfinite(*v)) {
		/* 1e400 is a number: one no double holds */
		dm_buf_addf(err, "statistic '%s' is %s: '", st->name,
		    end != j->buf && *end == '\0' && (j->buf[0] == '-' ||
		    isdigit((unsigned char)j->buf[0])) ?
		    "beyond the range of a double" : "not a number");
		dm_buf_addquoted(err, j->buf, j->len, 40);
		dm_buf_addc(err, '\'');
		return -1;
	}
	return 1;
}

/*
 * The compact JSON text of a value, with each string in it written as a
 * string value is (dm_json_addstr): "caf\u00e9" and "café", "\/" and "/"
 * are one string, in an array or an object too, where ["caf\u00e9"] and
 * ["café"], which dm-filter finds equal, were two values. Numbers keep
 * their digits, objects the order of their members.
 */
void
dm_counter_key(struct dm_buf *k, const char *raw, size_t n)
{
	struct dm_buf t = DM_BUF_INIT;
	const char *p = raw, *e = raw + n, *q, *s;
	size_t sn;

	while (p < e) {
		if (*p == '"') {
			q = skipstr(p, e);
			dm_buf_reset(&t);
			if (dm_json_string(p, (size_t)(q - p), &t, &s, &sn) == 0)
				dm_json_addstr(k, s, sn);
			else
				dm_buf_add(k, p, (size_t)(q - p));
			p = q;
		} else if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		else {
			for (q = p; q < e && !strchr("\" \t\n\r", *q); q++)
				;
			dm_buf_add(k, p, (size_t)(q - p));
			p = q;
		}
	}
	dm_buf_free(&t);
}

static void
countvalue(struct dm_counter *c, struct dm_sample *s, struct dm_buf *k)
{
	struct dm_field f;
	struct dm_vent *e;

	dm_sample_getpath(s, c->seg, c->nseg, &f);
	if (f.type == DM_MISSING) {
		c->missing++;
		return;
	}
	dm_buf_reset(k);
	if (f.type == DM_STRING)
		dm_json_addstr(k, f.str, f.len);
	else if (f.raw)
		dm_counter_key(k, f.raw, f.raw_len);
	else if (f.json)
		dm_json_addval(k, f.json);
	else if (f.type == DM_NUMBER)
		dm_buf_addf(k, "%.17g", f.num);
	dm_hll_add(&c->hll, dm_hash64(k->buf, k->len));
	if ((e = dm_counter_get(c, k->buf, k->len, 1)) != NULL)
		e->n++;
	else
		c->other++;
}

int
dm_summary_add(struct dm_summary *S, struct dm_sample *s, struct dm_buf *err)
{
	struct dm_buf path = DM_BUF_INIT;
	double vals[64], *v = vals;
	signed char has[64], *h = has;
	long double d;
	int havetext = 0, r = 0;
	size_t i;

	if (S->nst > 64) {
		v = dm_xreallocarray(NULL, S->nst, sizeof *v);
		h = dm_xmalloc(S->nst);
	}
	for (i = 0; i < S->nst; i++)
		if ((h[i] = (signed char)statvalue(S, S->st[i], s, &havetext,
		    &v[i], err)) < 0) {
			r = -1;
			goto out;
		}
	S->samples++;
	for (i = 0; i < S->nst; i++) {
		struct dm_stat *st = S->st[i];

		if (!h[i]) {
			st->missing++;
			continue;
		}
		/* below 2^32 a value is an integer when truncating it
		 * changes nothing: one conversion each way, not floor() */
		if (st->isint && !(fabs(v[i]) <= 4294967296.0 &&
		    (double)(long long)v[i] == v[i]))
			st->isint = 0;
		st->sum += v[i];
		d = v[i] - st->mean;
		st->mean += d / (long double)(st->kll.n + 1);
		st->m2 += d * (v[i] - st->mean);
		dm_kll_add(&st->kll, v[i]);
	}
	if (S->depth > 0) {
		S->fields->stamp++;
		walk(S->fields, s->line, s->line + s->len, &path, 0, S->depth);
	}
	for (i = 0; i < S->nct; i++)
		countvalue(S->ct[i], s, S->scratch);
out:
	if (v != vals) {
		free(v);
		free(h);
	}
	dm_buf_free(&path);
	return r;
}

void
dm_summary_free(struct dm_summary *S)
{
	size_t i, j;

	for (i = 0; i < S->nst; i++) {
		free(S->st[i]->name);
		free(S->st[i]->arg);
		if (S->st[i]->expr)
			dm_expr_free(S->st[i]->expr);
		dm_kll_free(&S->st[i]->kll);
		free(S->st[i]);
	}
	free(S->st);
	if (S->fields) {
		for (i = 0; i < S->fields->n; i++)
			free(S->fields->v[i].path);
		free(S->fields->v);
		free(S->fields->tab);
		free(S->fields);
	}
	for (i = 0; i < S->nct; i++) {
		for (j = 0; j < S->ct[i]->n; j++)
			free(S->ct[i]->v[j].key);
		free(S->ct[i]->v);
		free(S->ct[i]->tab);
		free(S->ct[i]->field);
		dm_fieldpath_free(S->ct[i]->seg, S->ct[i]->nseg);
		free(S->ct[i]);
	}
	free(S->ct);
	if (S->ts)
		dm_textstats_free(S->ts);
	free(S->keyown);
	if (S->scratch) {
		dm_buf_free(S->scratch);
		free(S->scratch);
	}
	memset(S, 0, sizeof *S);
}

/* ---- the summary as JSON (statout.c draws it) ---- */

static int
cmpvent(const void *a, const void *b)
{
	const struct dm_vent *x = *(struct dm_vent *const *)a, *y = *(struct dm_vent *const *)b;
	int c;

	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	c = memcmp(x->key, y->key, x->len < y->len ? x->len : y->len);
	return c ? c : (x->len > y->len) - (x->len < y->len);
}

static int
cmpfent(const void *a, const void *b)
{
	return strcmp(((const struct dm_fent *)a)->path,
	    ((const struct dm_fent *)b)->path);
}

static json_t *
num(double v)
{
	if (!isfinite(v))
		return json_null();
	if (v == floor(v) && fabs(v) < 9007199254740992.0)
		return json_integer((json_int_t)v);
	return json_real(v);
}

/* Bins: --bins, else Freedman-Diaconis from the IQR, at most 40; an
 * integer statistic with a small range gets a bin a value. */
/*
 * Integers over a range of span values in equal bins from min to max: a
 * number of bins that divides span gives each bin as many of them (a
 * check of the arithmetic: value lo + m*w + r, with w = span/nb and r < w,
 * falls in bin m). The divisor of span nearest to nb, not below nb/2,
 * else nb.
 */
static double
intbins(double span, double nb)
{
	double d, best = 0;

	for (d = 1; d <= 40; d++)
		if (fmod(span, d) == 0 && d >= nb / 2 && (best == 0 ||
		    fabs(d - nb) < fabs(best - nb) ||
		    (fabs(d - nb) == fabs(best - nb) && d > best)))
			best = d;
	return best > 0 ? best : nb;
}

static int
nbins(struct dm_stat *st, int want, double lo, double hi)
{
	double iqr, w, nb, q1, q3, s = 1;
	unsigned long long n = st->kll.n;

	if (hi <= lo)
		return 1;
	if (want > 0)
		return want;
	q1 = dm_kll_quantile(&st->kll, 0.25);
	q3 = dm_kll_quantile(&st->kll, 0.75);
	/* near DBL_MAX the range or twice the IQR is no double: both are
	 * taken at a quarter of their size, which leaves their ratio */
	if (!isfinite(hi - lo) || !isfinite(2 * (q3 - q1)))
		s = 0.25;
	iqr = q3 * s - q1 * s;
	if (iqr > 0 && isfinite(iqr)) {
		w = 2 * iqr / cbrt((double)n);
		nb = ceil((hi * s - lo * s) / w);
	} else
		nb = ceil(log2((double)n)) + 1;
	if (nb > 40)
		nb = 40;
	if (!(nb >= 1))
		nb = 1;
	if (st->isint && hi - lo + 1 <= nb)
		nb = hi - lo + 1;
	else if (st->isint)
		nb = intbins(hi - lo + 1, nb);
	return (int)nb;
}

/*
 * The number of distinct values: those held, or when some were not held,
 * the estimate within what is known: more than the values held (one was
 * left out), at most the samples that have the field. HyperLogLog's error
 * alone put 100001 values at 99308.
 */
static unsigned long long
distinct(const struct dm_counter *c, unsigned long long present)
{
	double e;

	if (!c->overflow)
		return c->n;
	e = dm_hll_estimate(&c->hll);
	if (!(e >= (double)c->n + 1))
		e = (double)c->n + 1;
	if (e > (double)present)
		e = (double)present;
	return (unsigned long long)llround(e);
}

static const double qs[] = { 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99 };
static const char *const qnames[] = { "1%", "5%", "25%", "50%", "75%",
	"95%", "99%" };

json_t *
dm_summary_json(struct dm_summary *S, const struct dm_statout *out)
{
	json_t *o = json_object(), *a, *x, *q, *t, *hist, *edges, *counts;
	struct dm_vent **vs;
	unsigned long long *hc;
	double mean, var, lo, hi;
	unsigned long long n;
	size_t i, j;
	int k, nb, exactq = 1;

	json_object_set_new(o, "dm_stats", json_integer(DM_STATS_VERSION));
	json_object_set_new(o, "samples", json_integer((json_int_t)S->samples));
	json_object_set_new(o, "bytes", json_integer((json_int_t)S->bytes));
	json_object_set_new(o, "rejected", json_integer((json_int_t)S->rejected));
	for (i = 0; i < S->nst; i++)
		exactq = exactq && dm_kll_isexact(&S->st[i]->kll);
	x = json_object();
	json_object_set_new(x, "kind", json_string("kll"));
	json_object_set_new(x, "k", json_integer(DM_KLL_K));
	json_object_set_new(x, "rank_error", json_real(exactq ? 0 :
	    DM_KLL_RANK_ERROR));
	json_object_set_new(x, "exact", json_boolean(exactq));
	json_object_set_new(o, "quantiles", x);
	a = json_array();
	for (i = 0; i < S->nst; i++) {
		struct dm_stat *st = S->st[i];

		n = st->kll.n;
		x = json_object();
		json_object_set_new(x, "name", json_string(st->name));
		json_object_set_new(x, "count", json_integer((json_int_t)n));
		json_object_set_new(x, "missing", json_integer((json_int_t)st->missing));
		/* the sum of integers is exact; other values take the
		 * running mean, which stays within min and max (the sum of
		 * 7000 times 0.1, divided, is below 0.1) */
		mean = n == 0 ? NAN : st->isint ? (double)(st->sum / n) :
		    (double)st->mean;
		if (n && mean < st->kll.min)
			mean = st->kll.min;
		if (n && mean > st->kll.max)
			mean = st->kll.max;
		/* the root in extended precision: the variance of values
		 * near DBL_MAX is no double, their deviation is */
		var = n > 1 ? (double)sqrtl(st->m2 / (n - 1)) : NAN;
		json_object_set_new(x, "mean", num(mean));
		json_object_set_new(x, "std", num(var > 0 ? var :
		    n > 1 ? 0 : NAN));
		json_object_set_new(x, "min", num(n ? st->kll.min : NAN));
		q = json_object();
		for (k = 0; k < 7; k++)
			json_object_set_new(q, qnames[k],
			    num(dm_kll_quantile(&st->kll, qs[k])));
		json_object_set_new(x, "quantiles", q);
		json_object_set_new(x, "max", num(n ? st->kll.max : NAN));
		hist = json_object();
		edges = json_array();
		counts = json_array();
		if (n) {
			lo = st->kll.min;
			hi = st->kll.max;
			nb = nbins(st, out->bins, lo, hi);
			hc = dm_xcalloc((size_t)nb, sizeof *hc);
			dm_kll_histogram(&st->kll, lo, hi, nb, hc);
			for (k = 0; k <= nb; k++)
				json_array_append_new(edges, num(k == nb ? hi :
				    dm_kll_edge(lo, hi, k, nb)));
			for (k = 0; k < nb; k++)
				json_array_append_new(counts,
				    json_integer((json_int_t)hc[k]));
			free(hc);
		}
		json_object_set_new(hist, "edges", edges);
		json_object_set_new(hist, "counts", counts);
		json_object_set_new(x, "histogram", hist);
		json_array_append_new(a, x);
	}
	json_object_set_new(o, "stats", a);
	a = json_array();
	if (S->fields->n)
		qsort(S->fields->v, S->fields->n, sizeof *S->fields->v, cmpfent);
	free(S->fields->tab);
	S->fields->tab = NULL;
	S->fields->tabcap = 0;
	for (i = 0; i < S->fields->n; i++) {
		struct dm_fent *e = &S->fields->v[i];

		x = json_object();
		json_object_set_new(x, "path", json_stringn(e->path, e->len));
		json_object_set_new(x, "count", json_integer((json_int_t)e->n));
		json_object_set_new(x, "share", json_real(S->samples ?
		    (double)e->n / S->samples : 0));
		json_object_set_new(x, "types", dm_fent_types(e));
		json_array_append_new(a, x);
	}
	json_object_set_new(o, "fields", a);
	json_object_set_new(o, "fields_truncated",
	    json_boolean(S->fields->truncated));
	a = json_array();
	for (i = 0; i < S->nct; i++) {
		struct dm_counter *c = S->ct[i];
		unsigned long long present = S->samples - c->missing;

		x = json_object();
		json_object_set_new(x, "field", json_string(c->field));
		json_object_set_new(x, "count", json_integer((json_int_t)present));
		json_object_set_new(x, "missing", json_integer((json_int_t)c->missing));
		json_object_set_new(x, "distinct", json_integer(
		    (json_int_t)distinct(c, present)));
		json_object_set_new(x, "distinct_exact", json_boolean(!c->overflow));
		vs = dm_xcalloc(c->n ? c->n : 1, sizeof *vs);
		for (j = 0; j < c->n; j++)
			vs[j] = &c->v[j];
		qsort(vs, c->n, sizeof *vs, cmpvent);
		t = json_array();
		for (j = 0; j < c->n && (int)j < out->top; j++) {
			json_t *y = json_object();
			struct dm_jerr je;

			/* the text that was counted: 1.0 and 1e0, or two
			 * integers beyond 2^53, are one double (null for
			 * what a doctored partial gave that is no JSON) */
			json_object_set_new(y, "value", dm_json_check(vs[j]->key,
			    vs[j]->len, &je) < 0 ? json_null() :
			    json_stringn(vs[j]->key, vs[j]->len));
			json_object_set_new(y, "count", json_integer((json_int_t)vs[j]->n));
			json_object_set_new(y, "share", json_real(present ?
			    (double)vs[j]->n / present : 0));
			json_array_append_new(t, y);
		}
		free(vs);
		json_object_set_new(x, "top", t);
		json_array_append_new(a, x);
	}
	json_object_set_new(o, "counts", a);
	return o;
}
