/* statmerge.c - dm-stats --partial and --merge: a summary saved as JSON,
 * and partial summaries merged into one */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dm.h"
#include "statsum.h"
#include "statsum-in.h"

static json_t *
ldjson(long double x)
{
	char b[64];

	snprintf(b, sizeof b, "%La", x);
	return json_string(b);
}

static json_t *
settings(struct dm_summary *S)
{
	json_t *o = json_object(), *a = json_array(), *c = json_array();
	size_t i;

	for (i = 0; i < S->nst; i++)
		json_array_append_new(a, json_string(S->st[i]->name));
	for (i = 0; i < S->nct; i++)
		json_array_append_new(c, json_string(S->ct[i]->field));
	json_object_set_new(o, "stats", a);
	json_object_set_new(o, "count", c);
	json_object_set_new(o, "exact", json_boolean(S->exact));
	json_object_set_new(o, "depth", json_integer(S->depth));
	json_object_set_new(o, "key", json_string(S->key));
	return o;
}

json_t *
dm_summary_state(struct dm_summary *S)
{
	json_t *o = json_object(), *a, *x, *t, *vals;
	struct dm_buf b = DM_BUF_INIT;
	size_t i, j;

	json_object_set_new(o, "dm_stats_partial",
	    json_integer(DM_STATS_PARTIAL_VERSION));
	json_object_set_new(o, "settings", settings(S));
	json_object_set_new(o, "samples", json_integer((json_int_t)S->samples));
	json_object_set_new(o, "bytes", json_integer((json_int_t)S->bytes));
	json_object_set_new(o, "rejected", json_integer((json_int_t)S->rejected));
	a = json_array();
	for (i = 0; i < S->nst; i++) {
		struct dm_stat *st = S->st[i];

		x = json_object();
		json_object_set_new(x, "name", json_string(st->name));
		json_object_set_new(x, "missing", json_integer((json_int_t)st->missing));
		json_object_set_new(x, "isint", json_boolean(st->isint));
		json_object_set_new(x, "sum", ldjson(st->sum));
		json_object_set_new(x, "mean", ldjson(st->mean));
		json_object_set_new(x, "m2", ldjson(st->m2));
		json_object_set_new(x, "kll", dm_kll_json(&st->kll));
		json_array_append_new(a, x);
	}
	json_object_set_new(o, "stats", a);
	a = json_array();
	for (i = 0; i < S->fields->n; i++) {
		struct dm_fent *e = &S->fields->v[i];

		x = json_object();
		json_object_set_new(x, "path", json_stringn(e->path, e->len));
		json_object_set_new(x, "n", json_integer((json_int_t)e->n));
		json_object_set_new(x, "types", dm_fent_types(e));
		json_array_append_new(a, x);
	}
	x = json_object();
	json_object_set_new(x, "truncated", json_boolean(S->fields->truncated));
	json_object_set_new(x, "paths", a);
	json_object_set_new(o, "fields", x);
	a = json_array();
	for (i = 0; i < S->nct; i++) {
		struct dm_counter *c = S->ct[i];

		x = json_object();
		json_object_set_new(x, "field", json_string(c->field));
		json_object_set_new(x, "missing", json_integer((json_int_t)c->missing));
		json_object_set_new(x, "other", json_integer((json_int_t)c->other));
		json_object_set_new(x, "overflow", json_boolean(c->overflow));
		vals = json_array();
		for (j = 0; j < c->n; j++) {
			t = json_array();
			json_array_append_new(t, json_stringn(c->v[j].key,
			    c->v[j].len));
			json_array_append_new(t, json_integer((json_int_t)c->v[j].n));
			json_array_append_new(vals, t);
		}
		json_object_set_new(x, "values", vals);
		dm_buf_reset(&b);
		dm_base64_add(&b, c->hll.r, sizeof c->hll.r);
		json_object_set_new(x, "hll", json_stringn(b.buf, b.len));
		json_array_append_new(a, x);
	}
	json_object_set_new(o, "counts", a);
	/* the fields the statistics read by a bare name: --merge reports
	 * one that no sample of any partial had (not known of a merge of
	 * partials some of which did not say) */
	if (!S->unwatched) {
		a = json_array();
		for (i = 0; i < dm_expr_nwatches(); i++) {
			unsigned long long looked, found;
			const char *name = dm_expr_watch(i, &looked, &found);

			x = json_object();
			json_object_set_new(x, "name", json_string(name));
			json_object_set_new(x, "looked",
			    json_integer((json_int_t)looked));
			json_object_set_new(x, "found",
			    json_integer((json_int_t)found));
			json_array_append_new(a, x);
		}
		json_object_set_new(o, "watched", a);
	}
	dm_buf_free(&b);
	return o;
}

static char **
strlist(const json_t *a, size_t *n)
{
	char **v = dm_xcalloc(json_array_size(a) + 1, sizeof *v);
	size_t i;
	json_t *x;

	*n = 0;
	json_array_foreach(a, i, x) {
		if (!json_is_string(x))
			break;
		v[(*n)++] = dm_xstrdup(json_string_value(x));
	}
	return v;
}

static void
strlist_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static unsigned long long
uget(const json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	return json_is_integer(v) && json_integer_value(v) > 0 ?
	    (unsigned long long)json_integer_value(v) : 0;
}

/* A setting in a message: 'len,words' for a list, none for an empty one. */
static void
addsetting(struct dm_buf *b, const json_t *v)
{
	json_t *x;
	size_t i;

	if (json_is_array(v) && json_array_size(v) == 0) {
		dm_buf_adds(b, "none");
		return;
	}
	if (!json_is_array(v) && !json_is_string(v)) {
		dm_json_addval(b, v);
		return;
	}
	dm_buf_addc(b, '\'');
	if (json_is_string(v))
		dm_buf_addquoted(b, json_string_value(v),
		    json_string_length(v), DM_QUOTE_MAX);
	json_array_foreach(v, i, x) {
		if (i)
			dm_buf_addc(b, ',');
		if (json_is_string(x))
			dm_buf_addquoted(b, json_string_value(x),
			    json_string_length(x), DM_QUOTE_MAX);
		else
			dm_json_addval(b, x);
	}
	dm_buf_addc(b, '\'');
}

/* Whether a partial's settings are the first's: else 0, with the first
 * that differs in err. */
static int
samesettings(const json_t *mine, const json_t *set, struct dm_buf *err)
{
	static const char *const keys[] = { "stats", "count", "depth",
	    "exact", "key" };
	static const char *const what[] = { "statistics", "count fields",
	    "--depth", "--exact", "text field" };
	json_t *a, *b;
	size_t i;

	for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		a = json_object_get(mine, keys[i]);
		b = json_object_get(set, keys[i]);
		if (b == NULL)
			break;
		if (json_equal(a, b))
			continue;
		dm_buf_adds(err, "the partial was made ");
		if (json_is_boolean(b))
			dm_buf_addf(err, json_is_true(b) ? "with %s, the first "
			    "without" : "without %s, the first with it",
			    what[i]);
		else if (json_is_array(b) && json_array_size(b) == 0)
			dm_buf_addf(err, "with no %s, the first with ", what[i]);
		else {
			dm_buf_addf(err, "with %s%s ", json_is_integer(b) ?
			    "" : "the ", what[i]);
			addsetting(err, b);
			dm_buf_adds(err, ", the first with ");
		}
		if (!json_is_boolean(b))
			addsetting(err, a);
		return 0;
	}
	if (i < sizeof keys / sizeof keys[0] || !json_equal(mine, set)) {
		dm_buf_adds(err, "the partial was made with other settings "
		    "than the first");
		return 0;
	}
	return 1;
}

int
dm_summary_merge(struct dm_summary *S, const json_t *o, int first,
    struct dm_buf *err)
{
	json_t *set = json_object_get(o, "settings"), *mine, *a, *x, *t, *v;
	struct dm_buf b = DM_BUF_INIT;
	char **names, **counts;
	size_t nn, nc, i, j;
	struct dm_kll k;
	struct dm_fent *e;
	int ti, r;

	if (!json_is_object(o) || !json_is_integer(json_object_get(o,
	    "dm_stats_partial"))) {
		dm_buf_adds(err, "not a partial of dm-stats");
		return -1;
	}
	if (json_integer_value(json_object_get(o, "dm_stats_partial")) !=
	    DM_STATS_PARTIAL_VERSION) {
		dm_buf_addf(err, "partial of version %lld, not %d: make it "
		    "again with this dm-stats",
		    (long long)json_integer_value(json_object_get(o,
		    "dm_stats_partial")), DM_STATS_PARTIAL_VERSION);
		return -1;
	}
	if (!json_is_object(set)) {
		dm_buf_adds(err, "partial without settings");
		return -1;
	}
	if (first) {
		names = strlist(json_object_get(set, "stats"), &nn);
		counts = strlist(json_object_get(set, "count"), &nc);
		r = dm_summary_init(S, names, nn, counts, nc,
		    json_is_true(json_object_get(set, "exact")),
		    (int)uget(set, "depth"), "text");
		if (json_is_string(json_object_get(set, "key")))
			S->key = S->keyown = dm_xstrdup(json_string_value(
			    json_object_get(set, "key")));
		strlist_free(names, nn);
		strlist_free(counts, nc);
		if (r < 0) {
			dm_buf_adds(err, "bad statistic in the partial");
			return -1;
		}
	} else {
		mine = settings(S);
		r = samesettings(mine, set, err);
		json_decref(mine);
		if (!r)
			return -1;
	}
	S->samples += uget(o, "samples");
	S->bytes += uget(o, "bytes");
	S->rejected += uget(o, "rejected");
	a = json_object_get(o, "stats");
	if (json_array_size(a) != S->nst) {
		dm_buf_adds(err, "bad partial: stats");
		return -1;
	}
	json_array_foreach(a, i, x) {
		struct dm_stat *st = S->st[i];
		const char *sum = json_string_value(json_object_get(x, "sum"));
		const char *mean = json_string_value(json_object_get(x,
		    "mean"));
		const char *m2 = json_string_value(json_object_get(x, "m2"));
		long double na, nb, d;

		if (sum == NULL || mean == NULL || m2 == NULL ||
		    dm_kll_load(&k, json_object_get(x, "kll"), err) < 0) {
			if (sum == NULL || mean == NULL || m2 == NULL)
				dm_buf_adds(err, "bad partial: stats");
			return -1;
		}
		st->missing += uget(x, "missing");
		st->isint = st->isint && json_is_true(json_object_get(x, "isint"));
		st->sum += strtold(sum, NULL);
		/* Chan's update: the two means and spreads combined */
		na = (long double)st->kll.n;
		nb = (long double)k.n;
		if (nb > 0) {
			d = strtold(mean, NULL) - st->mean;
			st->mean += d * nb / (na + nb);
			st->m2 += strtold(m2, NULL) + d * d * na * nb / (na + nb);
		}
		dm_kll_merge(&st->kll, &k);
		dm_kll_free(&k);
	}
	x = json_object_get(o, "fields");
	if (json_is_true(json_object_get(x, "truncated")))
		S->fields->truncated = 1;
	json_array_foreach(json_object_get(x, "paths"), i, t) {
		const char *p = json_string_value(json_object_get(t, "path"));

		if (p == NULL || (e = dm_fieldtab_get(S->fields, p, strlen(p))) == NULL)
			continue;
		e->n += uget(t, "n");
		for (ti = 0; ti < 6; ti++)
			e->types[ti] += uget(json_object_get(t, "types"),
			    dm_json_typenames[ti]);
	}
	a = json_object_get(o, "counts");
	if (json_array_size(a) != S->nct) {
		dm_buf_adds(err, "bad partial: counts");
		return -1;
	}
	json_array_foreach(a, i, x) {
		struct dm_counter *c = S->ct[i];
		const char *h = json_string_value(json_object_get(x, "hll"));

		c->missing += uget(x, "missing");
		c->other += uget(x, "other");
		if (json_is_true(json_object_get(x, "overflow")))
			c->overflow = 1;
		json_array_foreach(json_object_get(x, "values"), j, t) {
			const char *key = json_string_value(json_array_get(t, 0));
			struct dm_vent *ve;

			v = json_array_get(t, 1);
			if (key == NULL || !json_is_integer(v))
				continue;
			/* as this dm-stats counts it: a partial of an earlier
			 * one kept the escapes of strings in an array */
			dm_buf_reset(&b);
			dm_counter_key(&b, key, strlen(key));
			if ((ve = dm_counter_get(c, b.buf, b.len, 1)) != NULL)
				ve->n += (unsigned long long)json_integer_value(v);
			else
				c->other += (unsigned long long)json_integer_value(v);
		}
		dm_buf_reset(&b);
		if (h == NULL || dm_base64_decode(&b, h, strlen(h)) < 0 ||
		    b.len != sizeof c->hll.r) {
			dm_buf_free(&b);
			dm_buf_adds(err, "bad partial: hll");
			return -1;
		}
		{
			struct dm_hll tmp;

			memcpy(tmp.r, b.buf, sizeof tmp.r);
			dm_hll_merge(&c->hll, &tmp);
		}
	}
	a = json_object_get(o, "watched");
	if (!json_is_array(a))
		S->unwatched = 1;
	json_array_foreach(a, i, x) {
		const char *name = json_string_value(json_object_get(x,
		    "name"));

		if (name != NULL)
			dm_expr_watch_add(name, uget(x, "looked"),
			    uget(x, "found"));
	}
	dm_buf_free(&b);
	return 0;
}

