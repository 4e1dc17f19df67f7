/* dedup-greedy.c - dm-dedup --preset datamate: each sample against the kept */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dedupgreedy.h"
#include "report.h"

#define MERSENNE	((1ULL << 61) - 1)

/*
 * DataMate's get_minhash splits text.strip() at each of these characters
 * (a regular expression class of its punctuation_pattern) and feeds every
 * piece, stripped, to the MinHash, empty pieces too. Its database query
 * pages through every earlier kept file of the task, so a sample is
 * compared with each kept one: greedy, not clusters (A~B, B~C, A!~C keeps
 * A and C). Its query also leaves out kept files of the same name
 * (file_name <> :file_name), but the kept names are stored hex-encoded
 * and compared with the raw name, so that only the empty name, or a name
 * equal to the hex form of a kept one, is left out (dedupgreedy.h).
 */
static const int32_t punct[] = {
	'\n', '!', '\'', '(', ')', ',', '.', '/', ':', ';', '?', '[', ']',
	'{', '}', 0x2018, 0x2019, 0x201C, 0x201D, 0x3002, 0x3010, 0x3011,
	0xFF01, 0xFF08, 0xFF09, 0xFF0C, 0xFF1A, 0xFF1B, 0xFF1F,
};

struct greedy {
	uint64_t	 a[DM_GREEDY_PERMS], b[DM_GREEDY_PERMS];
	uint32_t	*kept;		/* DM_GREEDY_PERMS values a kept one */
	char		**label;	/* --mark: the kept ones' labels */
	char		**name;		/* the kept ones' stored names, or
					   NULL: none */
	size_t		*namelen;
	size_t		 nkept, cap, bytes;
	int		 need;		/* matches that make a duplicate */
};

static int
ispunct_dm(int32_t c)
{
	size_t lo = 0, hi = sizeof punct / sizeof punct[0], mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (punct[mid] == c)
			return 1;
		if (punct[mid] < c)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* datasketch's update: (a * h + b) mod (2^61 - 1), in numpy uint64 whose
 * product and sum wrap, its low 32 bits, the minimum over the pieces. */
static void
addpiece(const struct greedy *g, uint32_t *sig, const char *s, size_t n)
{
	uint64_t h, x;
	size_t b, e;
	int j;

	dm_uni_strip(s, n, &b, &e);
	h = dm_sha1_hash32(s + b, e - b);
	for (j = 0; j < DM_GREEDY_PERMS; j++) {
		x = h * g->a[j] + g->b[j];
		x = (x & MERSENNE) + (x >> 61);
		x = x >= MERSENNE ? x - MERSENNE : x;
		x &= 0xFFFFFFFFULL;
		if (x < sig[j])
			sig[j] = (uint32_t)x;
	}
}

static void
signature(const struct greedy *g, const char *s, size_t n, uint32_t *sig)
{
	size_t b, e, i, start;
	int32_t c = 0;
	int len, j;

	for (j = 0; j < DM_GREEDY_PERMS; j++)
		sig[j] = 0xFFFFFFFFU;
	dm_uni_strip(s, n, &b, &e);
	for (i = start = b; i < e; i += (size_t)len) {
		if ((len = dm_utf8_decode(s + i, e - i, &c)) < 1)
			len = 1;
		else if (ispunct_dm(c)) {
			addpiece(g, sig, s + start, i - start);
			start = i + (size_t)len;
		}
	}
	addpiece(g, sig, s + start, e - start);
}

/* The first kept sample whose signature agrees with sig in g->need
 * places or more, -1 when none does; kept ones whose stored name is
 * name[0..n) are left out (name NULL: none is). */
static long
similar(const struct greedy *g, const uint32_t *sig, const char *name,
    size_t n)
{
	const uint32_t *k;
	size_t i;
	int j, same;

	for (i = 0; i < g->nkept; i++) {
		if (name && g->name[i] && g->namelen[i] == n &&
		    memcmp(g->name[i], name, n) == 0)
			continue;
		k = g->kept + i * DM_GREEDY_PERMS;
		for (same = 0, j = 0; j < DM_GREEDY_PERMS; j++)
			same += k[j] == sig[j];
		if (same >= g->need)
			return (long)i;
	}
	return -1;
}

/* The name of s as nm stores it, into b: 0, or -1 when s has none. */
static int
storedname(struct dm_sample *s, const struct dm_greedyname *nm,
    struct dm_buf *b)
{
	static const char hex[] = "0123456789abcdef";
	struct dm_field f;
	size_t i;

	dm_buf_reset(b);
	dm_sample_get(s, nm->field, &f);
	if (f.type != DM_STRING)
		return -1;
	if (nm->how == DM_SAMENAME_RAW) {
		dm_buf_add(b, f.str, f.len);
		return 0;
	}
	for (i = 0; i < f.len; i++) {
		dm_buf_addc(b, hex[(unsigned char)f.str[i] >> 4]);
		dm_buf_addc(b, hex[(unsigned char)f.str[i] & 15]);
	}
	return 0;
}

int
dm_dedup_greedy(struct dedup_run *r, const struct dm_greedyname *nm,
    int params, int argc, char **argv)
{
	struct greedy g;
	struct dm_sample *s;
	struct dm_buf stored = DM_BUF_INIT, nameb = DM_BUF_INIT;
	uint32_t sig[DM_GREEDY_PERMS];
	const char *key = r->nkeys ? r->keys[0] : r->io.key, *text, *name;
	char *lab;
	const char *field = nm->field && *nm->field ? nm->field : NULL;
	unsigned long long ndups = 0;
	size_t n, i, namen = 0, cost;
	struct dm_field f;
	long k;
	int status, hasname;

	memset(&g, 0, sizeof g);
	/* count / 128 >= threshold, as doubles: the least such count */
	for (g.need = 0; g.need < DM_GREEDY_PERMS &&
	    (double)g.need / DM_GREEDY_PERMS < r->d.threshold; g.need++)
		;
	if ((double)g.need / DM_GREEDY_PERMS < r->d.threshold)
		g.need = DM_GREEDY_PERMS + 1;
	if (params) {
		printf("{\"mode\":\"near\",\"preset\":\"datamate\","
		    "\"tokenize\":\"punctuation\",\"perms\":%d,"
		    "\"threshold\":%g,\"file_name\":", DM_GREEDY_PERMS,
		    r->d.threshold);
		if (field) {
			json_t *j = json_string(field);
			char *js = json_dumps(j, JSON_ENCODE_ANY |
			    JSON_ENSURE_ASCII);

			printf("%s,\"same_name\":\"%s\"}\n", js,
			    nm->how == DM_SAMENAME_RAW ? "raw" : "hex");
			free(js);
			json_decref(j);
		} else
			printf("null}\n");
		return DM_EXIT_OK;
	}
	if (dm_dedup_readperms("datasketch.perms", DM_GREEDY_PERMS, g.a, g.b,
	    &r->err) < 0)
		dm_die("%s", r->err.buf);
	dm_io_open(&r->io, argc, argv);
	while ((s = dm_io_next(&r->io)) != NULL) {
		dm_buf_reset(&r->err);
		/* a sample --mark cannot mark is a bad one, known before it
		 * is kept: no later one is marked a duplicate of it */
		if ((r->mark && dm_dedup_markable(r, s) < 0) ||
		    dm_sample_text(s, key, &text, &n, &r->err) < 0) {
			if (dm_io_reject(&r->io, "%s", r->err.buf) < 0)
				break;
			continue;
		}
		/* an empty text is passed on, and not kept for comparison */
		k = -1;
		name = NULL;
		hasname = 0;
		if (n > 0 && field) {
			dm_sample_get(s, field, &f);
			if (f.type == DM_STRING) {
				/* copied: the text may be read again */
				hasname = 1;
				dm_buf_reset(&nameb);
				dm_buf_add(&nameb, f.str, f.len);
				name = nameb.buf;
				namen = f.len;
			}
		}
		if (n > 0) {
			signature(&g, text, n, sig);
			k = similar(&g, sig, name, namen);
		}
		if (n > 0 && k < 0) {
			hasname = field && storedname(s, nm, &stored) == 0;
			/* the label as it is (an id may be long), and the
			 * pointers to it and the name */
			lab = r->mark ? dm_dedup_label(s, r->io.in.name,
			    r->io.in.lineno) : NULL;
			cost = DM_GREEDY_PERMS * sizeof(uint32_t) +
			    (lab ? strlen(lab) + 1 + 16 : 0) +
			    (hasname ? stored.len + 1 : 0) + 2 * sizeof(size_t);
			if (g.bytes + cost > r->memory) {
				/* an error at the sample, as a bad one under
				 * stop: the samples before it are written */
				dm_warn("%s:%lu: --preset datamate: the %zu "
				    "samples kept before it fill --memory "
				    "(%zu bytes)", r->io.in.name,
				    r->io.in.lineno, g.nkept, r->memory);
				r->io.in.nerrors++;
				free(lab);
				break;
			}
			g.bytes += cost;
			if (g.nkept == g.cap) {
				g.cap = g.cap ? g.cap * 2 : 1024;
				g.kept = dm_xreallocarray(g.kept, g.cap,
				    DM_GREEDY_PERMS * sizeof(uint32_t));
				g.name = dm_xreallocarray(g.name, g.cap,
				    sizeof *g.name);
				g.namelen = dm_xreallocarray(g.namelen, g.cap,
				    sizeof *g.namelen);
				if (r->mark)
					g.label = dm_xreallocarray(g.label,
					    g.cap, sizeof *g.label);
			}
			g.name[g.nkept] = NULL;
			g.namelen[g.nkept] = 0;
			if (hasname) {
				g.name[g.nkept] = dm_xmalloc(stored.len + 1);
				memcpy(g.name[g.nkept], stored.buf, stored.len);
				g.namelen[g.nkept] = stored.len;
			}
			memcpy(g.kept + g.nkept * DM_GREEDY_PERMS, sig,
			    sizeof sig);
			if (r->mark)
				g.label[g.nkept] = lab;
			g.nkept++;
		}
		if (k >= 0)
			ndups++;
		if (r->mark) {
			const char *p = k >= 0 ? g.label[k] : "null";

			dm_buf_reset(&r->err);
			if (dm_sample_set_raw(s, r->mark, p, strlen(p),
			    &r->err) < 0) {
				if (dm_io_reject(&r->io, "%s", r->err.buf) < 0)
					break;
				continue;
			}
		} else if (k >= 0)
			continue;
		dm_io_emit(&r->io, s);
	}
	dm_report_set_int("duplicates", (long long)ndups);
	if (!r->mark && ndups)
		dm_report_drop("duplicate", ndups);
	status = dm_io_close(&r->io);
	dm_report_counts(r->io.nin, r->io.out.nlines, r->io.nrejected);
	for (i = 0; r->mark && i < g.nkept; i++)
		free(g.label[i]);
	for (i = 0; i < g.nkept; i++)
		free(g.name[i]);
	free(g.name);
	free(g.namelen);
	free(g.label);
	free(g.kept);
	dm_buf_free(&stored);
	dm_buf_free(&nameb);
	dm_buf_free(&r->err);
	return status;
}
