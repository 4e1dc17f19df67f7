/* dm-dedup.c - remove exact and near-duplicate samples */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dedup.h"
#include "report.h"

static const char usage[] =
    "usage: dm-dedup [-hV] [--exact | --near | --simhash] [-k FIELD]...\n"
    "                [--lowercase] [--ignore-non-character]\n"
    "                [--preset data-juicer|datatrove] [--threshold F]\n"
    "                [--perms N] [--bands N] [--rows N] [--window N]\n"
    "                [--tokenize space|punctuation|character]\n"
    "                [--hamming N] [--blocks N] [--mark FIELD] [--verify]\n"
    "                [--memory SIZE] [--tmp DIR] [--params | --signatures]\n"
    "                [--max-line SIZE] [--on-error=stop|skip] [--rejects FILE]\n"
    "                [--report FILE] [FILE...]\n"
    "       dm-dedup sign [MODE OPTIONS] [--verify] -o DIR [--shard NAME]\n"
    "                [--resume] [FILE]\n"
    "       dm-dedup pairs [--band N[-M]] -o DIR [--resume] SIGDIR\n"
    "       dm-dedup cluster [--labels SIGDIR] -o DIR [--resume] PAIRSDIR\n"
    "       dm-dedup apply [--mark FIELD] [--shard NAME] REMOVEDIR [FILE]";

static const char help[] =
    "Remove duplicate samples; the first sample of each cluster stays.\n"
    "\n"
    "      --band N[-M]         pairs: the bands to pair (default all)\n"
    "      --bands N            LSH bands (default: Data-Juicer's optimal_param)\n"
    "      --blocks N           SimHash blocks (default 6)\n"
    "      --exact              MD5 of the text or of the -k fields (default)\n"
    "  -h, --help               show this help and exit\n"
    "      --hamming N          SimHash: at most N bits apart (default 4)\n"
    "      --ignore-non-character  exact: drop white space, digits and\n"
    "                           punctuation before hashing\n"
    "  -k, --key FIELD          the text field (default: $DM_TEXT_KEY or 'text');\n"
    "                           --exact takes several\n"
    "      --labels SIGDIR      cluster: the labels sign wrote, for apply\n"
    "                           --mark\n"
    "      --lowercase          exact: lower-case before hashing\n"
    "      --mark FIELD         keep every sample; FIELD gets the id (or\n"
    "                           file:line) of the kept one, null when kept\n"
    "      --max-line SIZE      a longer line is a bad sample (default 1G;\n"
    "                           0: no limit)\n"
    "      --memory SIZE        memory for signatures before spilling\n"
    "                           (K, M, G; default a quarter of RAM, at most 2G)\n"
    "      --near               MinHash LSH (Data-Juicer's minhash deduplicator)\n"
    "  -o, --output DIR         sign, pairs, cluster: the stage's directory\n"
    "      --on-error=POLICY    stop (default) or skip bad samples\n"
    "      --params             print the settings (bands, rows...) as JSON\n"
    "                           and exit\n"
    "      --perms N            MinHash permutations (default 256)\n"
    "      --preset NAME        data-juicer (default), or datatrove\n"
    "      --rejects FILE       save each rejected line, with its reason, to FILE\n"
    "      --report FILE        append a line on this run to FILE (default:\n"
    "                           $DM_REPORT)\n"
    "      --resume             keep a stage's outputs that are complete\n"
    "      --rows N             rows per LSH band\n"
    "      --shard NAME         sign, apply: the shard's name (default: the\n"
    "                           file's name)\n"
    "      --signatures         write each sample's key (MD5, MinHash values,\n"
    "                           SimHash) instead of deduplicating\n"
    "      --simhash            SimHash (Data-Juicer's simhash deduplicator)\n"
    "      --threshold F        Jaccard threshold (default 0.7)\n"
    "      --tmp DIR            where sorted runs spill (default $TMPDIR or /tmp)\n"
    "      --tokenize MODE      space (default), punctuation, or character\n"
    "      --verify             merge only candidates whose Jaccard reaches\n"
    "                           the threshold\n"
    "  -V, --version            show the version and exit\n"
    "      --window N           tokens a shingle (default 5, SimHash 6)\n";

enum {
	OPT_BAND = DM_OPT_TOOL_BASE, OPT_BANDS, OPT_BLOCKS, OPT_RESUME, OPT_SHARD, OPT_EXACT, OPT_HAMMING,
	OPT_NONCHAR, OPT_LOWERCASE, OPT_MARK, OPT_MEMORY, OPT_NEAR, OPT_PERMS,
	OPT_PARAMS, OPT_PRESET, OPT_ROWS, OPT_SIGNATURES, OPT_SIMHASH,
	OPT_THRESHOLD, OPT_TMP, OPT_TOKENIZE, OPT_VERIFY, OPT_WINDOW,
	OPT_LABELS
};

static const struct option longopts[] = {
	{ "band", required_argument, NULL, OPT_BAND },
	{ "bands", required_argument, NULL, OPT_BANDS },
	{ "blocks", required_argument, NULL, OPT_BLOCKS },
	{ "exact", no_argument, NULL, OPT_EXACT },
	{ "hamming", required_argument, NULL, OPT_HAMMING },
	{ "help", no_argument, NULL, 'h' },
	{ "ignore-non-character", no_argument, NULL, OPT_NONCHAR },
	DM_IO_LONGOPTS,
	{ "labels", required_argument, NULL, OPT_LABELS },
	{ "lowercase", no_argument, NULL, OPT_LOWERCASE },
	{ "mark", required_argument, NULL, OPT_MARK },
	{ "memory", required_argument, NULL, OPT_MEMORY },
	{ "near", no_argument, NULL, OPT_NEAR },
	{ "output", required_argument, NULL, 'o' },
	{ "params", no_argument, NULL, OPT_PARAMS },
	{ "perms", required_argument, NULL, OPT_PERMS },
	{ "preset", required_argument, NULL, OPT_PRESET },
	{ "resume", no_argument, NULL, OPT_RESUME },
	{ "rows", required_argument, NULL, OPT_ROWS },
	{ "shard", required_argument, NULL, OPT_SHARD },
	{ "signatures", no_argument, NULL, OPT_SIGNATURES },
	{ "simhash", no_argument, NULL, OPT_SIMHASH },
	{ "threshold", required_argument, NULL, OPT_THRESHOLD },
	{ "tmp", required_argument, NULL, OPT_TMP },
	{ "tokenize", required_argument, NULL, OPT_TOKENIZE },
	{ "verify", no_argument, NULL, OPT_VERIFY },
	{ "version", no_argument, NULL, 'V' },
	{ "window", required_argument, NULL, OPT_WINDOW },
	{ NULL, 0, NULL, 0 }
};

/* A run: the settings, then what pass one gathered. */
struct run {
	struct dm_dedup	 d;
	struct dm_io	 io;
	char		**keys;		/* -k, in order */
	size_t		 nkeys;
	const char	*mark;
	int		 verify;
	int		 signatures;	/* --signatures */
	int		 stdin_used;	/* read twice: see spool_stdin */
	uint64_t	 limit;		/* lines pass two reads: all, or those
					   before a bad one that stopped */
	const char	*tmpdir;
	size_t		 memory;
	size_t		 recsz, keysz;
	struct dm_xsort	 xs;
	struct dm_uf	 uf;
	/* lines rejected in pass one, by number, ascending */
	uint64_t	*rej;
	size_t		 nrej, rejcap;
	/* --verify: the shingle sets, and an index of 16 bytes a sample */
	int		 setfd, idxfd;
	unsigned long long setoff;
	uint64_t	*sig;
	struct dm_buf	 key, err;
	/* stages */
	const char	*outdir;	/* -o */
	const char	*shard;		/* --shard */
	const char	*bandarg;	/* --band */
	int		 resume;
	struct dm_sfile	*pairs;		/* the pairs stage's output */
	const char	*labels;	/* cluster --labels SIGDIR */
	/* pairs with --verify: each shard's sets and index (sign's) */
	int		*setfds, *idxfds;
	size_t		 nsetf;
};

/* A sample of the stages: its shard's number, then its line's. */
#define SHARDBITS	40
#define LINEMASK	((1ULL << SHARDBITS) - 1)

static void
put64(unsigned char *p, uint64_t v)
{
	int i;

	for (i = 7; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char)v;
}

static uint64_t
get64(const unsigned char *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static void
addrej(struct run *r, uint64_t idx)
{
	if (r->nrej == r->rejcap) {
		r->rejcap = r->rejcap ? r->rejcap * 2 : 64;
		r->rej = dm_xreallocarray(r->rej, r->rejcap, sizeof *r->rej);
	}
	r->rej[r->nrej++] = idx;
}

static int
tmpfile_in(const char *dir)
{
	struct dm_buf path = DM_BUF_INIT;
	int fd;

	dm_buf_addf(&path, "%s/dm-dedup.XXXXXX", dir);
	if ((fd = mkstemp(path.buf)) < 0)
		dm_die("%s: %s", dir, strerror(errno));
	unlink(path.buf);
	dm_buf_free(&path);
	return fd;
}

static void
pwrite_all(int fd, const void *p, size_t n, off_t off, const char *dir)
{
	const char *c = p;
	ssize_t w;

	while (n > 0) {
		if ((w = pwrite(fd, c, n, off)) < 0) {
			if (errno == EINTR)
				continue;
			dm_die("%s: write error: %s", dir, strerror(errno));
		}
		c += w;
		n -= (size_t)w;
		off += w;
	}
}

static void
pread_all(int fd, void *p, size_t n, off_t off, const char *dir)
{
	char *c = p;
	ssize_t got;

	while (n > 0) {
		if ((got = pread(fd, c, n, off)) <= 0) {
			if (got < 0 && errno == EINTR)
				continue;
			dm_die("%s: read error: %s", dir,
			    got < 0 ? strerror(errno) : "short file");
		}
		c += got;
		n -= (size_t)got;
		off += got;
	}
}

static int
cmpu64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Stores the shingle set of sample idx for --verify. */
static void
saveset(struct run *r, uint64_t idx)
{
	struct dm_dedup *d = &r->d;
	unsigned char ent[16];
	size_t i, k = 0;

	qsort(d->h, d->nh, sizeof *d->h, cmpu64);
	for (i = 0; i < d->nh; i++)
		if (k == 0 || d->h[i] != d->h[k - 1])
			d->h[k++] = d->h[i];
	pwrite_all(r->setfd, d->h, k * sizeof *d->h, (off_t)r->setoff,
	    r->tmpdir);
	put64(ent, r->setoff);
	put64(ent + 8, k);
	pwrite_all(r->idxfd, ent, 16, (off_t)(idx * 16), r->tmpdir);
	r->setoff += k * sizeof *d->h;
}

static uint64_t *
loadset(struct run *r, uint64_t idx, size_t *n)
{
	unsigned char ent[16];
	uint64_t *v;
	int setfd = r->setfd, idxfd = r->idxfd;

	if (r->nsetf > 0) {
		/* the pairs stage: the sets of the sample's shard */
		setfd = r->setfds[idx >> SHARDBITS];
		idxfd = r->idxfds[idx >> SHARDBITS];
		idx &= LINEMASK;
	}
	pread_all(idxfd, ent, 16, (off_t)(idx * 16), r->tmpdir);
	*n = (size_t)get64(ent + 8);
	v = dm_xreallocarray(NULL, *n ? *n : 1, sizeof *v);
	pread_all(setfd, v, *n * sizeof *v, (off_t)get64(ent), r->tmpdir);
	return v;
}

/* The Jaccard similarity of the shingle sets of two samples. */
static double
jaccard(struct run *r, uint64_t x, uint64_t y)
{
	uint64_t *a, *b;
	size_t na, nb, i = 0, j = 0, both = 0;

	a = loadset(r, x, &na);
	b = loadset(r, y, &nb);
	while (i < na && j < nb) {
		if (a[i] == b[j]) {
			both++;
			i++;
			j++;
		} else if (a[i] < b[j])
			i++;
		else
			j++;
	}
	free(a);
	free(b);
	return na + nb - both ? (double)both / (double)(na + nb - both) : 0;
}

static int
similar(struct run *r, uint64_t x, uint64_t y)
{
	return !r->verify || jaccard(r, x, y) >= r->d.threshold;
}

/* ---- pass one: the keys of each sample ---- */

static int
exactkey(struct run *r, struct dm_sample *s, uint64_t idx)
{
	unsigned char rec[24];
	const char *t;
	size_t n, i;

	dm_buf_reset(&r->key);
	for (i = 0; i < (r->nkeys ? r->nkeys : 1); i++) {
		dm_buf_reset(&r->err);
		if (dm_sample_text(s, r->nkeys ? r->keys[i] : r->io.key, &t, &n,
		    &r->err) < 0)
			return -1;
		if (i > 0)
			dm_buf_addc(&r->key, '\0');
		dm_dedup_normalize(&r->d, t, n, &r->key);
	}
	dm_dedup_md5(r->key.buf, r->key.len, rec);
	if (r->signatures) {
		dm_buf_reset(&r->key);
		dm_buf_addc(&r->key, '"');
		dm_hex(&r->key, rec, 16);
		dm_buf_addc(&r->key, '"');
		dm_writer_line(&r->io.out, r->key.buf, r->key.len);
		return 0;
	}
	put64(rec + 16, idx);
	dm_xsort_add(&r->xs, rec);
	return 0;
}

/* v in decimal, at the end of b: printf's way costs a tenth of
 * --signatures' time */
static void
adddec(struct dm_buf *b, uint64_t v)
{
	char t[20], *p = t + sizeof t;

	do
		*--p = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	dm_buf_add(b, p, (size_t)(t + sizeof t - p));
}

static int
nearkey(struct run *r, struct dm_sample *s, uint64_t idx)
{
	struct dm_dedup *d = &r->d;
	unsigned char rec[2 + 8 * 64 + 8 + 8];
	const char *t;
	size_t n;
	int band, k, vsz;
	uint64_t h;

	dm_buf_reset(&r->err);
	if (dm_sample_text(s, r->io.key, &t, &n, &r->err) < 0)
		return -1;
	dm_dedup_shingles(d, t, n);
	if (d->mode == DM_DEDUP_SIMHASH) {
		/* Data-Juicer: no shingle gives the SimHash 0 */
		h = dm_dedup_simhash(d);
		if (r->signatures) {
			dm_buf_reset(&r->key);
			dm_buf_addf(&r->key, "%llu", (unsigned long long)h);
			dm_writer_line(&r->io.out, r->key.buf, r->key.len);
			return 0;
		}
		for (k = 0; k < d->ntables; k++) {
			rec[0] = (unsigned char)(k >> 8);
			rec[1] = (unsigned char)k;
			put64(rec + 2, h & d->tablemask[k]);
			put64(rec + 10, h);
			put64(rec + 18, idx);
			dm_xsort_add(&r->xs, rec);
		}
		return 0;
	}
	/* a text with fewer tokens than the window has no signature: it is
	 * nobody's duplicate (datatrove skips it; Data-Juicer fails) */
	if (d->nh == 0) {
		if (r->signatures)
			dm_writer_line(&r->io.out, "null", 4);
		return 0;
	}
	if (r->verify)
		saveset(r, idx);
	dm_dedup_minhash(d, r->sig);
	if (r->signatures) {
		dm_buf_reset(&r->key);
		for (k = 0; k < d->perms; k++) {
			dm_buf_addc(&r->key, k ? ',' : '[');
			adddec(&r->key, r->sig[k]);
		}
		dm_buf_addc(&r->key, ']');
		dm_writer_line(&r->io.out, r->key.buf, r->key.len);
		return 0;
	}
	vsz = d->preset == DM_PRESET_DATATROVE ? 8 : 4;
	for (band = 0; band < d->bands; band++) {
		unsigned char *p = rec + 2;

		rec[0] = (unsigned char)(band >> 8);
		rec[1] = (unsigned char)band;
		for (k = 0; k < d->rows; k++) {
			h = r->sig[band * d->rows + k];
			if (vsz == 8)
				put64(p, h);
			else {
				p[0] = (unsigned char)(h >> 24);
				p[1] = (unsigned char)(h >> 16);
				p[2] = (unsigned char)(h >> 8);
				p[3] = (unsigned char)h;
			}
			p += vsz;
		}
		put64(p, idx);
		dm_xsort_add(&r->xs, rec);
	}
	return 0;
}

/* ---- clusters ---- */

struct group {
	unsigned char	*v;
	size_t		 n, cap;
};

/* Two samples are one cluster: joined here, or written as a pair by the
 * pairs stage for the cluster stage to join in the same order. */
static void
join(struct run *r, uint64_t x, uint64_t y)
{
	unsigned char rec[16];

	if (r->pairs == NULL) {
		dm_uf_union(&r->uf, x, y);
		return;
	}
	put64(rec, x);
	put64(rec + 8, y);
	dm_sfile_put(r->pairs, rec);
}

static uint64_t
recidx(const struct run *r, const unsigned char *rec)
{
	return get64(rec + r->recsz - 8);
}

static void
simhash_group(struct run *r, struct group *g)
{
	uint64_t *reps = NULL, h, x;
	size_t i, j, nr = 0;

	reps = dm_xreallocarray(NULL, g->n, 2 * sizeof *reps);
	for (i = 0; i < g->n; i++) {
		const unsigned char *p = g->v + i * r->recsz;

		h = get64(p + 10);
		x = get64(p + 18);
		if (nr && reps[2 * (nr - 1)] == h) {
			/* the same SimHash: the same cluster */
			join(r, x, reps[2 * (nr - 1) + 1]);
			continue;
		}
		reps[2 * nr] = h;
		reps[2 * nr + 1] = x;
		nr++;
	}
	for (i = 0; i < nr; i++)
		for (j = i + 1; j < nr; j++)
			if (__builtin_popcountll(reps[2 * i] ^ reps[2 * j]) <=
			    r->d.hamming)
				join(r, reps[2 * j + 1],
				    reps[2 * i + 1]);
	free(reps);
}

static void
group(struct run *r, struct group *g)
{
	uint64_t first, x, prev;
	size_t i;

	if (g->n < 2)
		return;
	if (r->d.mode == DM_DEDUP_SIMHASH) {
		simhash_group(r, g);
		return;
	}
	first = recidx(r, g->v);
	if (r->d.mode == DM_DEDUP_MINHASH && r->d.preset == DM_PRESET_DATATROVE) {
		/* datatrove pairs each signature with the one before it */
		for (prev = first, i = 1; i < g->n; i++, prev = x) {
			x = recidx(r, g->v + i * r->recsz);
			if (similar(r, prev, x))
				join(r, prev, x);
		}
		return;
	}
	/* Data-Juicer unions each member of a bucket with its smallest */
	for (i = 1; i < g->n; i++) {
		x = recidx(r, g->v + i * r->recsz);
		if (r->d.mode == DM_DEDUP_EXACT || similar(r, first, x))
			join(r, x, first);
	}
}

/* Adds a record of the sorted stream; a new key ends the group before. */
static void
addrec(struct run *r, struct group *g, const void *p)
{
	if (g->n && memcmp(p, g->v, r->keysz) != 0) {
		group(r, g);
		g->n = 0;
	}
	if (g->n == g->cap) {
		g->cap = g->cap ? g->cap * 2 : 16;
		g->v = dm_xreallocarray(g->v, g->cap, r->recsz);
	}
	memcpy(g->v + g->n++ * r->recsz, p, r->recsz);
}

static void
cluster(struct run *r)
{
	struct group g = { NULL, 0, 0 };
	const unsigned char *p;

	dm_xsort_finish(&r->xs);
	while ((p = dm_xsort_next(&r->xs)) != NULL)
		addrec(r, &g, p);
	group(r, &g);
	free(g.v);
	dm_xsort_free(&r->xs);
}

/* ---- pass two: the output ---- */

static off_t stdin_start;	/* where standard input is read from */

struct labels {
	uint64_t	*root;		/* sorted, unique */
	char		**label;	/* JSON, NULL until seen */
	size_t		 n;
};

static long
findroot(const struct labels *l, uint64_t x)
{
	size_t lo = 0, hi = l->n, m;

	while (lo < hi) {
		m = (lo + hi) / 2;
		if (l->root[m] == x)
			return (long)m;
		if (l->root[m] < x)
			lo = m + 1;
		else
			hi = m;
	}
	return -1;
}

/* The id of a sample as JSON, or "file:line" as a JSON string. */
static char *
label(struct dm_sample *s, const char *file, unsigned long line)
{
	struct dm_buf b = DM_BUF_INIT, t = DM_BUF_INIT;
	struct dm_field f;

	dm_sample_get(s, "id", &f);
	if (f.type == DM_STRING)
		dm_json_addstr(&b, f.str, f.len);
	else if (f.type == DM_NUMBER && f.raw)
		dm_buf_add(&b, f.raw, f.raw_len);
	else {
		dm_buf_addf(&t, "%s:%lu", file, line);
		dm_json_addstr(&b, t.buf, t.len);
	}
	dm_buf_free(&t);
	return dm_buf_detach(&b, NULL);
}

/*
 * Reads the inputs again. Lines rejected in pass one are skipped; with
 * --mark every other sample is written with FIELD set, else the
 * duplicates are left out and the rest copied as they are. With
 * labelsonly, nothing is written: the labels of the roots are gathered
 * (datatrove's roots may come after their duplicates).
 */
static int
pass2(struct run *r, int argc, char **argv, const uint64_t *dups, size_t ndups,
    struct labels *l, int labelsonly)
{
	struct dm_reader in;
	struct dm_sample s = DM_SAMPLE_INIT;
	const char *line, *p;
	size_t len, ri = 0, di = 0, n, col;
	uint64_t idx = 0, cur;
	long k;
	int isdup, status = 0;

	if (r->stdin_used && lseek(0, stdin_start, SEEK_SET) < 0)
		dm_die("<stdin>: %s", strerror(errno));
	dm_reader_init(&in, argc, argv);
	while (idx < r->limit && dm_reader_next(&in, &line, &len) == 1) {
		cur = idx++;
		if (ri < r->nrej && r->rej[ri] == cur) {
			ri++;
			continue;
		}
		isdup = di < ndups && dups[2 * di] == cur;
		if (!r->mark) {
			if (!isdup)
				dm_writer_line(&r->io.out, line, len);
			di += isdup;
			continue;
		}
		dm_buf_reset(&r->err);
		if (dm_sample_load(&s, line, len, in.name, in.lineno, &r->err,
		    &col) < 0) {
			/* the input changed between the passes */
			dm_warn("%s:%lu: %s", in.name, in.lineno, r->err.buf);
			status = -1;
			break;
		}
		if ((k = findroot(l, cur)) >= 0 && l->label[k] == NULL)
			l->label[k] = label(&s, in.name, in.lineno);
		if (labelsonly) {
			di += isdup;
			continue;
		}
		p = "null";
		if (isdup) {
			k = findroot(l, dups[2 * di + 1]);
			p = k >= 0 && l->label[k] ? l->label[k] : "null";
			di++;
		}
		dm_buf_reset(&r->err);
		if (dm_sample_set_raw(&s, r->mark, p, strlen(p), &r->err) < 0) {
			dm_warn("%s:%lu: %s", in.name, in.lineno, r->err.buf);
			status = -1;
			break;
		}
		dm_sample_bytes(&s, &line, &n);
		dm_writer_line(&r->io.out, line, n);
	}
	if (in.nerrors)
		status = -1;
	dm_reader_free(&in);
	dm_sample_free(&s);
	return status;
}

static int
cmplab(const void *a, const void *b)
{
	return cmpu64(a, b);
}

static int
output(struct run *r, int argc, char **argv)
{
	struct labels l = { NULL, NULL, 0 };
	uint64_t *dups = NULL;
	size_t ndups, i;
	int rc, later = 0;

	ndups = dm_uf_dups(&r->uf, &dups);
	dm_report_set_int("duplicates", (long long)ndups);
	if (!r->mark && ndups)
		dm_report_drop("duplicate", ndups);
	if (r->mark) {
		l.root = dm_xreallocarray(NULL, ndups ? ndups : 1,
		    sizeof *l.root);
		for (i = 0; i < ndups; i++) {
			l.root[i] = dups[2 * i + 1];
			later |= l.root[i] > dups[2 * i];
		}
		qsort(l.root, ndups, sizeof *l.root, cmplab);
		for (i = 0; i < ndups; i++)
			if (l.n == 0 || l.root[i] != l.root[l.n - 1])
				l.root[l.n++] = l.root[i];
		l.label = dm_xcalloc(l.n ? l.n : 1, sizeof *l.label);
	}
	rc = 0;
	if (later)
		rc = pass2(r, argc, argv, dups, ndups, &l, 1);
	if (rc == 0)
		rc = pass2(r, argc, argv, dups, ndups, &l, 0);
	for (i = 0; i < l.n; i++)
		free(l.label[i]);
	free(l.label);
	free(l.root);
	free(dups);
	return rc;
}

/* Standard input is read twice: when it cannot seek, it is copied to a
 * file in the temporary directory first. */
static void
spool_stdin(const char *tmpdir)
{
	char buf[65536];
	ssize_t n;
	int fd;

	if ((stdin_start = lseek(0, 0, SEEK_CUR)) >= 0)
		return;
	stdin_start = 0;
	fd = tmpfile_in(tmpdir);
	for (;;) {
		if ((n = read(0, buf, sizeof buf)) < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EBADF)
				break;
			dm_die("<stdin>: %s", strerror(errno));
		}
		if (n == 0)
			break;
		pwrite_all(fd, buf, (size_t)n, lseek(fd, 0, SEEK_END), tmpdir);
	}
	if (dup2(fd, 0) < 0)
		dm_die("<stdin>: %s", strerror(errno));
	close(fd);
	lseek(0, 0, SEEK_SET);
}

static void
printparams(const struct run *r)
{
	static const char *const toks[] = { "space", "punctuation", "character" };
	const struct dm_dedup *d = &r->d;

	switch (d->mode) {
	case DM_DEDUP_EXACT:
		printf("{\"mode\":\"exact\",\"lowercase\":%s,"
		    "\"ignore_non_character\":%s}\n", d->lowercase ? "true" :
		    "false", d->nonchar ? "true" : "false");
		break;
	case DM_DEDUP_MINHASH:
		printf("{\"mode\":\"near\",\"preset\":\"%s\",\"tokenize\":\"%s\","
		    "\"window\":%d,\"perms\":%d,\"bands\":%d,\"rows\":%d,"
		    "\"threshold\":%g}\n", d->preset == DM_PRESET_DJ ?
		    "data-juicer" : "datatrove", d->preset == DM_PRESET_DJ ?
		    toks[d->tok] : "words", d->window, d->perms, d->bands,
		    d->rows, d->threshold);
		break;
	case DM_DEDUP_SIMHASH:
		printf("{\"mode\":\"simhash\",\"tokenize\":\"%s\",\"window\":%d,"
		    "\"blocks\":%d,\"hamming\":%d}\n", toks[d->tok], d->window,
		    d->blocks, d->hamming);
		break;
	}
}

static size_t
defmemory(void)
{
	long pages = sysconf(_SC_PHYS_PAGES), psz = sysconf(_SC_PAGESIZE);
	unsigned long long m = 1ULL << 31;

	if (pages > 0 && psz > 0 && (unsigned long long)pages * psz / 4 < m)
		m = (unsigned long long)pages * psz / 4;
	return (size_t)m;
}

static void
setkey(struct run *r, const char *arg)
{
	struct dm_io tmp;

	/* dm_io_option checks the name */
	dm_io_init(&tmp);
	dm_io_option(&tmp, 'k', arg, usage);
	r->keys = dm_xreallocarray(r->keys, r->nkeys + 1, sizeof *r->keys);
	r->keys[r->nkeys++] = (char *)arg;
	r->io.key = arg;
}

static int
intopt(const char *arg, long long min, long long max, const char *name)
{
	return (int)dm_strtonum(arg, min, max, name, usage);
}

/* ---- stages: sign | pairs | cluster | apply ---- */

/*
 * A sample of a staged run is named by its shard's rank among the shard
 * names (in byte order) and its line number there: rank << 40 | line. The
 * order of these numbers is the order of the samples when the shards are
 * named in input order, so the stages give what one command over the
 * shards in that order gives.
 */

/* The settings every stage file carries, as JSON; later stages take the
 * mode from them and check that all their inputs agree. */
static char *
settings(const struct run *r)
{
	static const char *const toks[] = { "space", "punctuation", "character" };
	static const char *const modes[] = { "exact", "near", "simhash" };
	const struct dm_dedup *d = &r->d;
	json_t *o = json_object(), *k = json_array();
	size_t i;
	char *t;

	json_object_set_new(o, "mode", json_string(modes[d->mode]));
	json_object_set_new(o, "preset", json_string(d->preset == DM_PRESET_DJ ?
	    "data-juicer" : "datatrove"));
	json_object_set_new(o, "tokenize", json_string(toks[d->tok]));
	json_object_set_new(o, "window", json_integer(d->window));
	json_object_set_new(o, "lowercase", json_boolean(d->lowercase));
	json_object_set_new(o, "ignore_non_character", json_boolean(d->nonchar));
	json_object_set_new(o, "perms", json_integer(d->perms));
	json_object_set_new(o, "bands", json_integer(d->bands));
	json_object_set_new(o, "rows", json_integer(d->rows));
	json_object_set_new(o, "threshold", json_real(d->threshold));
	json_object_set_new(o, "blocks", json_integer(d->blocks));
	json_object_set_new(o, "hamming", json_integer(d->hamming));
	for (i = 0; i < (r->nkeys ? r->nkeys : 1); i++)
		json_array_append_new(k, json_string(r->nkeys ? r->keys[i] :
		    r->io.key));
	json_object_set_new(o, "keys", k);
	/* sign wrote the shingle sets: pairs checks its candidates */
	if (r->verify)
		json_object_set_new(o, "verify", json_true());
	t = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	return t;
}

/* Takes the mode and keys from a stage file's settings. */
static void
usesettings(struct run *r, const char *path, const char *set)
{
	json_t *o = json_loads(set, 0, NULL), *k;
	const char *mode, *preset;
	size_t i;

	if (o == NULL || !json_is_string(json_object_get(o, "mode")) ||
	    !json_is_array(k = json_object_get(o, "keys")))
		dm_die("%s: damaged settings in the stage file", path);
	mode = json_string_value(json_object_get(o, "mode"));
	preset = json_string_value(json_object_get(o, "preset"));
	r->d.mode = strcmp(mode, "near") == 0 ? DM_DEDUP_MINHASH :
	    strcmp(mode, "simhash") == 0 ? DM_DEDUP_SIMHASH : DM_DEDUP_EXACT;
	r->d.preset = preset && strcmp(preset, "datatrove") == 0 ?
	    DM_PRESET_DATATROVE : DM_PRESET_DJ;
	r->d.hamming = (int)json_integer_value(json_object_get(o, "hamming"));
	r->d.threshold = json_number_value(json_object_get(o, "threshold"));
	r->verify = json_is_true(json_object_get(o, "verify"));
	r->nkeys = json_array_size(k);
	r->keys = dm_xcalloc(r->nkeys + 1, sizeof *r->keys);
	for (i = 0; i < r->nkeys; i++)
		r->keys[i] = dm_xstrdup(json_string_value(json_array_get(k, i))
		    ? json_string_value(json_array_get(k, i)) : "text");
	json_decref(o);
}

/* Whether an output is done: with --resume, a whole file is kept; without
 * it, an existing output is an error, as dm-run's --output-dir. */
static int
done(const struct run *r, const char *path, uint32_t kind)
{
	if (access(path, F_OK) != 0)
		return 0;
	if (!r->resume)
		dm_die("%s: exists; remove it, or use --resume to keep it",
		    path);
	return dm_sfile_check(path, kind) == 0;
}

static int
cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names of DIR's entries ending in suffix (without it), sorted. */
static char **
listdir(const char *dir, const char *suffix, size_t *n)
{
	DIR *d;
	struct dirent *e;
	char **v = NULL;
	size_t len, sl = strlen(suffix);

	*n = 0;
	if ((d = opendir(dir)) == NULL)
		dm_die("%s: %s", dir, strerror(errno));
	while ((e = readdir(d)) != NULL) {
		len = strlen(e->d_name);
		if (e->d_name[0] == '.' || len <= sl ||
		    strcmp(e->d_name + len - sl, suffix) != 0)
			continue;
		v = dm_xreallocarray(v, *n + 1, sizeof *v);
		v[(*n)++] = dm_xstrndup(e->d_name, len - sl);
	}
	closedir(d);
	if (*n)
		qsort(v, *n, sizeof *v, cmpstr);
	return v;
}

static void
freenames(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static const char *
shardname(const struct run *r, const char *file)
{
	const char *b;

	if (r->shard)
		return r->shard;
	if (file == NULL || strcmp(file, "-") == 0)
		dm_usage_die(usage, "standard input needs --shard NAME");
	b = strrchr(file, '/');
	return b ? b + 1 : file;
}

static int
nbands(const struct run *r)
{
	return r->d.mode == DM_DEDUP_MINHASH ? r->d.bands :
	    r->d.mode == DM_DEDUP_SIMHASH ? r->d.ntables : 1;
}

/* DIR/SUB/NAME.EXT of the stage's output directory, opened under a
 * temporary name (mode "w"), or by its own ("r", NULL when missing). */
static FILE *
sidefile(const struct run *r, const char *sub, const char *name,
    const char *ext, const char *mode)
{
	struct dm_buf path = DM_BUF_INIT;
	FILE *f;

	dm_buf_addf(&path, "%s/%s/%s%s%s", *mode == 'w' ? r->outdir :
	    r->labels, sub, name, ext, *mode == 'w' ? ".tmp" : "");
	if ((f = fopen(path.buf, mode)) == NULL && *mode == 'w')
		dm_die("%s: %s", path.buf, strerror(errno));
	dm_buf_free(&path);
	return f;
}

/* Closes a side file written by sidefile and gives it its name. */
static void
sidecommit(const struct run *r, const char *sub, const char *name,
    const char *ext, FILE *f)
{
	struct dm_buf path = DM_BUF_INIT, to = DM_BUF_INIT;

	dm_buf_addf(&to, "%s/%s/%s%s", r->outdir, sub, name, ext);
	dm_buf_addf(&path, "%s.tmp", to.buf);
	if (fflush(f) != 0 || fsync(fileno(f)) != 0 || ferror(f) ||
	    fclose(f) != 0)
		dm_die("%s: %s", path.buf, strerror(errno));
	if (rename(path.buf, to.buf) < 0)
		dm_die("%s: %s", to.buf, strerror(errno));
	dm_buf_free(&path);
	dm_buf_free(&to);
}

/* sign: the keys of one shard, one sorted file a band. */
static int
stage_sign(struct run *r, int argc, char **argv)
{
	struct dm_shead h;
	struct dm_sfile *f = NULL;
	struct dm_sample *s;
	struct dm_buf path = DM_BUF_INIT;
	const unsigned char *p;
	const char *name;
	int b, nb = nbands(r), cur = -1, todo = 0;
	char *set, *l;
	FILE *lab, *setf = NULL, *idxf = NULL;

	if (argc > 1)
		dm_usage_die(usage, "sign reads one shard");
	name = shardname(r, argc ? argv[0] : NULL);
	for (b = 0; b < nb; b++) {
		dm_buf_reset(&path);
		dm_buf_addf(&path, "%s/band-%03d/%s.sig", r->outdir, b, name);
		todo |= !done(r, path.buf, DM_SFILE_SIG);
	}
	if (!todo) {
		dm_buf_free(&path);
		return DM_EXIT_OK;
	}
	/* the label of each sample, for apply --mark (through cluster
	 * --labels), and with --verify the shingle sets, for pairs */
	dm_buf_reset(&path);
	dm_buf_addf(&path, "%s/labels", r->outdir);
	if (dm_mkdirs(path.buf) < 0)
		exit(DM_EXIT_ERROR);
	lab = sidefile(r, "labels", name, ".lab", "w");
	if (r->verify) {
		dm_buf_reset(&path);
		dm_buf_addf(&path, "%s/sets", r->outdir);
		if (dm_mkdirs(path.buf) < 0)
			exit(DM_EXIT_ERROR);
		setf = sidefile(r, "sets", name, ".set", "w");
		idxf = sidefile(r, "sets", name, ".idx", "w");
		r->setfd = fileno(setf);
		r->idxfd = fileno(idxf);
	}
	dm_io_open(&r->io, argc, argv);
	while ((s = dm_io_next(&r->io)) != NULL) {
		if ((r->d.mode == DM_DEDUP_EXACT ? exactkey(r, s, r->io.nin - 1) :
		    nearkey(r, s, r->io.nin - 1)) < 0) {
			if (dm_io_reject(&r->io, "%s", r->err.buf) < 0)
				break;
			continue;
		}
		l = label(s, r->io.in.name, r->io.in.lineno);
		fprintf(lab, "%llu\t%s\n", r->io.nin - 1, l);
		free(l);
	}
	if (r->io.stopped || dm_interrupted || r->io.in.nerrors) {
		dm_buf_free(&path);
		return dm_io_close(&r->io);
	}
	sidecommit(r, "labels", name, ".lab", lab);
	if (r->verify) {
		sidecommit(r, "sets", name, ".set", setf);
		sidecommit(r, "sets", name, ".idx", idxf);
		r->setfd = r->idxfd = -1;
	}
	set = settings(r);
	memset(&h, 0, sizeof h);
	h.kind = DM_SFILE_SIG;
	h.recsz = (uint32_t)r->recsz;
	h.keysz = (uint32_t)r->keysz;
	h.settings = set;
	dm_xsort_finish(&r->xs);
	/* records come sorted by band first: one file after the other, empty
	 * ones too, so that every band has a file for every shard */
	p = dm_xsort_next(&r->xs);
	for (b = 0; b < nb; b++) {
		dm_buf_reset(&path);
		dm_buf_addf(&path, "%s/band-%03d", r->outdir, b);
		if (dm_mkdirs(path.buf) < 0)
			exit(DM_EXIT_ERROR);
		dm_buf_addf(&path, "/%s.sig", name);
		f = dm_sfile_create(path.buf, &h);
		for (; p && (r->d.mode == DM_DEDUP_EXACT ||
		    (p[0] << 8 | p[1]) == b); p = dm_xsort_next(&r->xs))
			dm_sfile_put(f, p);
		dm_sfile_commit(f);
		cur = b;
	}
	(void)cur;
	free(set);
	dm_buf_free(&path);
	return dm_io_close(&r->io);
}

struct merger {
	struct dm_sfile	*f;
	unsigned char	 rec[64 + 8 * 64];	/* the current record */
	int		 live;
};

static int
mless(const struct run *r, const struct merger *m, size_t a, size_t b)
{
	int c = memcmp(m[a].rec, m[b].rec, r->recsz);

	return c < 0 || (c == 0 && a < b);
}

static void
msift(const struct run *r, struct merger *m, size_t *heap, size_t n, size_t i)
{
	size_t l, k, t;

	for (;;) {
		l = 2 * i + 1;
		k = i;
		if (l < n && mless(r, m, heap[l], heap[k]))
			k = l;
		if (l + 1 < n && mless(r, m, heap[l + 1], heap[k]))
			k = l + 1;
		if (k == i)
			return;
		t = heap[i];
		heap[i] = heap[k];
		heap[k] = t;
		i = k;
	}
}

/* The next record of shard i, its line number made a sample number. */
static int
mnext(const struct run *r, struct merger *m, size_t i)
{
	const unsigned char *p = dm_sfile_get(m[i].f);

	if (p == NULL)
		return m[i].live = 0;
	memcpy(m[i].rec, p, r->recsz);
	put64(m[i].rec + r->recsz - 8, (uint64_t)i << SHARDBITS |
	    (get64(p + r->recsz - 8) & LINEMASK));
	return m[i].live = 1;
}

/* pairs of a run signed with --verify: the shingle sets of the shards,
 * from sign's SIGDIR/sets. */
static void
opensets(struct run *r, const char *sigdir, char **names, size_t ns)
{
	struct dm_buf path = DM_BUF_INIT;
	size_t i;
	int k;

	r->setfds = dm_xcalloc(ns, sizeof *r->setfds);
	r->idxfds = dm_xcalloc(ns, sizeof *r->idxfds);
	for (i = 0; i < ns; i++)
		for (k = 0; k < 2; k++) {
			dm_buf_reset(&path);
			dm_buf_addf(&path, "%s/sets/%s.%s", sigdir, names[i],
			    k ? "idx" : "set");
			if (((k ? r->idxfds : r->setfds)[i] = open(path.buf,
			    O_RDONLY | O_CLOEXEC)) < 0)
				dm_die("%s: %s", path.buf, strerror(errno));
		}
	r->nsetf = ns;
	dm_buf_free(&path);
}

/* pairs: the candidate pairs of some bands, from every shard's file. */
static int
stage_pairs(struct run *r, int argc, char **argv)
{
	struct dm_buf path = DM_BUF_INIT, err = DM_BUF_INIT;
	struct dm_shead h;
	struct group g = { NULL, 0, 0 };
	struct merger *m;
	size_t *heap, nh, i, ns, nbd, nb;
	char **names, **bands, *end;
	long lo = 0, hi = -1, b;

	if (argc != 1)
		dm_usage_die(usage, "pairs reads one signature directory");
	/* band-NNN, beside labels/ and sets/ */
	bands = listdir(argv[0], "", &nbd);
	for (i = nb = 0; i < nbd; i++)
		nb += strncmp(bands[i], "band-", 5) == 0;
	if (r->bandarg) {
		lo = hi = strtol(r->bandarg, &end, 10);
		if (*end == '-')
			hi = strtol(end + 1, &end, 10);
		if (*end || lo < 0 || hi < lo || end == r->bandarg)
			dm_usage_die(usage, "--band: '%s' is not N or N-M",
			    r->bandarg);
	} else
		hi = (long)nb - 1;
	if (dm_mkdirs(r->outdir) < 0)
		exit(DM_EXIT_ERROR);
	for (b = lo; b <= hi; b++) {
		dm_buf_reset(&path);
		dm_buf_addf(&path, "%s/band-%03ld.pairs", r->outdir, b);
		if (done(r, path.buf, DM_SFILE_PAIRS))
			continue;
		dm_buf_reset(&path);
		dm_buf_addf(&path, "%s/band-%03ld", argv[0], b);
		if (access(path.buf, F_OK) != 0)
			dm_die("%s: %s", path.buf, strerror(errno));
		names = listdir(path.buf, ".sig", &ns);
		if (ns == 0)
			dm_die("%s: no signature file", path.buf);
		if (ns > 1 << 23)
			dm_die("%s: more than %d shards", path.buf, 1 << 23);
		m = dm_xcalloc(ns, sizeof *m);
		heap = dm_xcalloc(ns, sizeof *heap);
		for (i = 0; i < ns; i++) {
			dm_buf_reset(&path);
			dm_buf_addf(&path, "%s/band-%03ld/%s.sig", argv[0], b,
			    names[i]);
			if ((m[i].f = dm_sfile_open(path.buf, DM_SFILE_SIG,
			    &err)) == NULL)
				dm_die("%s", err.buf);
			if (i == 0) {
				usesettings(r, path.buf,
				    dm_sfile_head(m[0].f)->settings);
				r->recsz = dm_sfile_head(m[0].f)->recsz;
				r->keysz = dm_sfile_head(m[0].f)->keysz;
				if (r->recsz > sizeof m[0].rec)
					dm_die("%s: damaged stage file", path.buf);
			} else if (strcmp(dm_sfile_head(m[i].f)->settings,
			    dm_sfile_head(m[0].f)->settings) != 0 ||
			    dm_sfile_head(m[i].f)->recsz != r->recsz)
				dm_die("%s: made with other settings than "
				    "'%s.sig'", path.buf, names[0]);
		}
		if (r->verify)
			opensets(r, argv[0], names, ns);
		memset(&h, 0, sizeof h);
		h.kind = DM_SFILE_PAIRS;
		h.recsz = 16;
		h.keysz = 16;
		h.settings = dm_sfile_head(m[0].f)->settings;
		h.names = names;
		h.nnames = ns;
		dm_buf_reset(&path);
		dm_buf_addf(&path, "%s/band-%03ld.pairs", r->outdir, b);
		r->pairs = dm_sfile_create(path.buf, &h);
		for (nh = 0, i = 0; i < ns; i++)
			if (mnext(r, m, i))
				heap[nh++] = i;
		for (i = nh; i-- > 0; )
			msift(r, m, heap, nh, i);
		while (nh > 0) {
			i = heap[0];
			addrec(r, &g, m[i].rec);
			if (!mnext(r, m, i))
				heap[0] = heap[--nh];
			msift(r, m, heap, nh, 0);
		}
		group(r, &g);
		g.n = 0;
		dm_sfile_commit(r->pairs);
		r->pairs = NULL;
		for (i = 0; i < ns; i++)
			dm_sfile_close(m[i].f);
		for (i = 0; i < r->nsetf; i++) {
			close(r->setfds[i]);
			close(r->idxfds[i]);
		}
		free(r->setfds);
		free(r->idxfds);
		r->setfds = r->idxfds = NULL;
		r->nsetf = 0;
		free(m);
		free(heap);
		freenames(names, ns);
		for (i = 0; i < r->nkeys; i++)
			free(r->keys[i]);
		free(r->keys);
		r->keys = NULL;
		r->nkeys = 0;
	}
	free(g.v);
	freenames(bands, nbd);
	dm_buf_free(&path);
	dm_buf_free(&err);
	return DM_EXIT_OK;
}

/* cluster --labels: NAME.mark beside each NAME.rm, a line a removal
 * record: the label (id, or file:line) of the sample it duplicates, from
 * the labels sign wrote. */
static void
marks(struct run *r, char **names, size_t nn, const uint64_t *dups,
    size_t ndups)
{
	struct labels l = { NULL, NULL, 0 };
	char *line = NULL, *tab, *end;
	size_t cap = 0, i, j, k;
	ssize_t n;
	uint64_t x;
	long at;
	FILE *f;

	l.root = dm_xreallocarray(NULL, ndups ? ndups : 1, sizeof *l.root);
	for (i = 0; i < ndups; i++)
		l.root[i] = dups[2 * i + 1];
	qsort(l.root, ndups, sizeof *l.root, cmplab);
	for (i = 0; i < ndups; i++)
		if (l.n == 0 || l.root[i] != l.root[l.n - 1])
			l.root[l.n++] = l.root[i];
	l.label = dm_xcalloc(l.n ? l.n : 1, sizeof *l.label);
	for (j = 0; j < nn; j++) {
		if ((f = sidefile(r, "labels", names[j], ".lab", "r")) == NULL)
			dm_die("%s/labels/%s.lab: %s", r->labels, names[j],
			    strerror(errno));
		while ((n = getline(&line, &cap, f)) > 0) {
			if (line[n - 1] == '\n')
				line[--n] = '\0';
			x = strtoull(line, &end, 10);
			if ((tab = end) == line || *tab != '\t')
				dm_die("%s/labels/%s.lab: damaged", r->labels,
				    names[j]);
			at = findroot(&l, (uint64_t)j << SHARDBITS | x);
			if (at >= 0 && l.label[at] == NULL)
				l.label[at] = dm_xstrdup(tab + 1);
		}
		if (ferror(f))
			dm_die("%s/labels/%s.lab: %s", r->labels, names[j],
			    strerror(errno));
		fclose(f);
	}
	for (k = 0, j = 0; j < nn; j++) {
		f = sidefile(r, ".", names[j], ".mark", "w");
		for (; k < ndups && dups[2 * k] >> SHARDBITS == j; k++) {
			at = findroot(&l, dups[2 * k + 1]);
			fprintf(f, "%s\n", at >= 0 && l.label[at] ?
			    l.label[at] : "null");
		}
		sidecommit(r, ".", names[j], ".mark", f);
	}
	for (i = 0; i < l.n; i++)
		free(l.label[i]);
	free(l.label);
	free(l.root);
	free(line);
}

/* cluster: union-find over every pair, the removals of each shard. */
static int
stage_cluster(struct run *r, int argc, char **argv)
{
	struct dm_buf path = DM_BUF_INIT, err = DM_BUF_INIT;
	struct dm_sfile *f, *o;
	struct dm_shead h, first;
	const unsigned char *p;
	unsigned char rec[16];
	char **files, *set = NULL, **names = NULL;
	size_t nf, i, j, nn = 0, ndups, k;
	uint64_t *dups;
	int todo = 0;

	if (argc != 1)
		dm_usage_die(usage, "cluster reads one pairs directory");
	files = listdir(argv[0], ".pairs", &nf);
	if (nf == 0)
		dm_die("%s: no pairs file", argv[0]);
	memset(&first, 0, sizeof first);
	for (i = 0; i < nf; i++) {
		dm_buf_reset(&path);
		dm_buf_addf(&path, "%s/%s.pairs", argv[0], files[i]);
		if ((f = dm_sfile_open(path.buf, DM_SFILE_PAIRS, &err)) == NULL)
			dm_die("%s", err.buf);
		h = *dm_sfile_head(f);
		if (i == 0) {
			set = dm_xstrdup(h.settings);
			usesettings(r, path.buf, set);
			dm_uf_init(&r->uf, r->d.mode == DM_DEDUP_MINHASH &&
			    r->d.preset == DM_PRESET_DATATROVE ? DM_UF_SIZE :
			    DM_UF_MIN);
			nn = h.nnames;
			names = dm_xcalloc(nn + 1, sizeof *names);
			for (j = 0; j < nn; j++)
				names[j] = dm_xstrdup(h.names[j]);
		} else {
			if (strcmp(h.settings, set) != 0)
				dm_die("%s: made with other settings than "
				    "'%s.pairs'", path.buf, files[0]);
			for (j = 0; j < nn && h.nnames == nn; j++)
				if (strcmp(h.names[j], names[j]) != 0)
					break;
			if (h.nnames != nn || j < nn)
				dm_die("%s: other shards than '%s.pairs'",
				    path.buf, files[0]);
		}
		while ((p = dm_sfile_get(f)) != NULL)
			dm_uf_union(&r->uf, get64(p), get64(p + 8));
		dm_sfile_close(f);
	}
	if (dm_mkdirs(r->outdir) < 0)
		exit(DM_EXIT_ERROR);
	for (j = 0; j < nn; j++) {
		dm_buf_reset(&path);
		dm_buf_addf(&path, "%s/%s.rm", r->outdir, names[j]);
		todo |= !done(r, path.buf, DM_SFILE_REMOVE);
		dm_buf_reset(&path);
		dm_buf_addf(&path, "%s/%s.mark", r->outdir, names[j]);
		todo |= r->labels && access(path.buf, F_OK) != 0;
	}
	if (todo) {
		ndups = dm_uf_dups(&r->uf, &dups);
		memset(&h, 0, sizeof h);
		h.kind = DM_SFILE_REMOVE;
		h.recsz = 16;
		h.keysz = 8;
		h.settings = set;
		h.names = names;
		h.nnames = nn;
		for (k = 0, j = 0; j < nn; j++) {
			dm_buf_reset(&path);
			dm_buf_addf(&path, "%s/%s.rm", r->outdir, names[j]);
			o = dm_sfile_create(path.buf, &h);
			for (; k < ndups && dups[2 * k] >> SHARDBITS == j; k++) {
				put64(rec, dups[2 * k] & LINEMASK);
				put64(rec + 8, dups[2 * k + 1]);
				dm_sfile_put(o, rec);
			}
			dm_sfile_commit(o);
		}
		if (r->labels)
			marks(r, names, nn, dups, ndups);
		free(dups);
	}
	freenames(names, nn);
	freenames(files, nf);
	free(set);
	dm_buf_free(&path);
	dm_buf_free(&err);
	return DM_EXIT_OK;
}

/* The n labels of NAME.mark beside the removals file rmpath (NAME.rm). */
static char **
readmarks(const char *rmpath, size_t n)
{
	struct dm_buf path = DM_BUF_INIT;
	char **v = dm_xcalloc(n + 1, sizeof *v), *line = NULL;
	size_t cap = 0, i = 0;
	ssize_t k;
	FILE *f;

	dm_buf_add(&path, rmpath, strlen(rmpath) - 3);
	dm_buf_adds(&path, ".mark");
	if ((f = fopen(path.buf, "r")) == NULL)
		dm_die("%s: %s (--mark needs cluster --labels SIGDIR)",
		    path.buf, strerror(errno));
	while (i < n && (k = getline(&line, &cap, f)) > 0) {
		if (line[k - 1] == '\n')
			line[--k] = '\0';
		v[i++] = dm_xstrdup(line);
	}
	if (i < n || ferror(f) || getline(&line, &cap, f) > 0)
		dm_die("%s: does not match its removals file", path.buf);
	fclose(f);
	free(line);
	dm_buf_free(&path);
	return v;
}

/* apply: one shard without its removed samples (with --mark, every
 * sample, FIELD naming the kept one); the lines sign rejected are left
 * out again, silently. */
static int
stage_apply(struct run *r, int argc, char **argv)
{
	struct dm_buf path = DM_BUF_INIT, err = DM_BUF_INIT;
	struct dm_reader in;
	struct dm_sample s = DM_SAMPLE_INIT;
	struct dm_sfile *f;
	const unsigned char *p;
	const char *line, *t;
	uint64_t *rm = NULL, idx = 0;
	size_t nrm = 0, len, col, n, k = 0, i;
	int ok, status = DM_EXIT_OK;
	char **mk = NULL;

	if (argc != 2 && !(argc == 1 && r->shard))
		dm_usage_die(usage, "apply reads a removals directory and one "
		    "shard");
	dm_buf_addf(&path, "%s/%s.rm", argv[0], shardname(r, argc > 1 ?
	    argv[1] : NULL));
	if ((f = dm_sfile_open(path.buf, DM_SFILE_REMOVE, &err)) == NULL)
		dm_die("%s", err.buf);
	usesettings(r, path.buf, dm_sfile_head(f)->settings);
	while ((p = dm_sfile_get(f)) != NULL) {
		rm = dm_xreallocarray(rm, nrm + 1, sizeof *rm);
		rm[nrm++] = get64(p);
	}
	dm_sfile_close(f);
	if (r->mark)
		mk = readmarks(path.buf, nrm);
	dm_writer_init(&r->io.out, 1, NULL);
	dm_reader_init(&in, argc - 1, argv + 1);
	while (dm_reader_next(&in, &line, &len) == 1) {
		uint64_t cur = idx++;

		if (dm_sample_load(&s, line, len, in.name, in.lineno, &err,
		    &col) < 0)
			continue;
		for (ok = 1, i = 0; ok && i < r->nkeys; i++)
			ok = dm_sample_text(&s, r->keys[i], &t, &n, &err) == 0;
		if (!ok)
			continue;
		while (k < nrm && rm[k] < cur)
			k++;
		if (r->mark) {
			t = k < nrm && rm[k] == cur ? mk[k] : "null";
			if (dm_sample_set_raw(&s, r->mark, t, strlen(t),
			    &err) < 0) {
				dm_warn("%s:%lu: %s", in.name, in.lineno,
				    err.buf);
				status = DM_EXIT_ERROR;
				break;
			}
			dm_sample_bytes(&s, &line, &n);
			dm_writer_line(&r->io.out, line, n);
			continue;
		}
		if (k < nrm && rm[k] == cur)
			continue;
		dm_writer_line(&r->io.out, line, len);
	}
	if (in.nerrors)
		status = DM_EXIT_ERROR;
	dm_reader_free(&in);
	dm_sample_free(&s);
	dm_writer_free(&r->io.out);
	for (i = 0; i < r->nkeys; i++)
		free(r->keys[i]);
	free(r->keys);
	r->keys = NULL;
	free(rm);
	for (i = 0; mk && i < nrm; i++)
		free(mk[i]);
	free(mk);
	dm_buf_free(&path);
	dm_buf_free(&err);
	return status;
}

int
main(int argc, char *argv[])
{
	struct run r;
	struct dm_sample *s;
	uint64_t idx, next = 0;
	int c, status, i, stdin_used;
	char *end;
	const char *tok = NULL;
	int setw = 0, setperms = 0, setnear = 0, setexact = 0, setbands = 0;
	int params = 0, stage = 0;
	static const char *const stages[] = { "", "sign", "pairs", "cluster",
	    "apply" };

	dm_init(argv[0]);
	dm_report_start(argc, argv);
	memset(&r, 0, sizeof r);
	dm_dedup_init(&r.d);
	dm_io_init(&r.io);
	dm_buf_init(&r.key);
	dm_buf_init(&r.err);
	r.memory = defmemory();
	r.tmpdir = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") :
	    "/tmp";
	r.setfd = r.idxfd = -1;
	for (i = 1; argc > 1 && i < 5; i++)
		if (strcmp(argv[1], stages[i]) == 0) {
			stage = i;
			argv++;
			argc--;
		}
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hk:o:V", longopts, NULL)) != -1) {
		if (c == 'k') {
			setkey(&r, optarg);
			continue;
		}
		if (dm_io_option(&r.io, c, optarg, usage))
			continue;
		switch (c) {
		case OPT_BAND:
			r.bandarg = optarg;
			break;
		case 'o':
			r.outdir = optarg;
			break;
		case OPT_RESUME:
			r.resume = 1;
			break;
		case OPT_SHARD:
			if (*optarg == '\0' || *optarg == '.' ||
			    strchr(optarg, '/'))
				dm_usage_die(usage, "--shard: '%s' is not a file "
				    "name", optarg);
			r.shard = optarg;
			break;
		case OPT_BANDS:
			r.d.bands = intopt(optarg, 1, DM_DEDUP_MAXPERMS, "--bands");
			setbands = 1;
			break;
		case OPT_BLOCKS:
			r.d.blocks = intopt(optarg, 1, 64, "--blocks");
			break;
		case OPT_EXACT:
			r.d.mode = DM_DEDUP_EXACT;
			setexact = 1;
			break;
		case 'h':
			printf("%s\n\n%s", usage, help);
			return dm_exit(DM_EXIT_OK);
		case OPT_HAMMING:
			r.d.hamming = intopt(optarg, 0, 63, "--hamming");
			break;
		case OPT_NONCHAR:
			r.d.nonchar = 1;
			break;
		case OPT_LOWERCASE:
			r.d.lowercase = 1;
			break;
		case OPT_MARK:
			dm_io_utf8opt("--mark", optarg, usage);
			r.mark = optarg;
			break;
		case OPT_LABELS:
			r.labels = optarg;
			break;
		case OPT_MEMORY:
			r.memory = (size_t)dm_strtosize(optarg, "--memory", usage);
			if (r.memory < 1 << 20)
				dm_usage_die(usage, "--memory '%s' is less than 1M",
				    optarg);
			break;
		case OPT_NEAR:
			r.d.mode = DM_DEDUP_MINHASH;
			setnear = 1;
			break;
		case OPT_PARAMS:
			params = 1;
			break;
		case OPT_PERMS:
			r.d.perms = intopt(optarg, 1, DM_DEDUP_MAXPERMS, "--perms");
			setperms = 1;
			break;
		case OPT_PRESET:
			if (strcmp(optarg, "data-juicer") == 0)
				r.d.preset = DM_PRESET_DJ;
			else if (strcmp(optarg, "datatrove") == 0)
				r.d.preset = DM_PRESET_DATATROVE;
			else
				dm_usage_die(usage, "--preset: '%s' is not one of "
				    "data-juicer, datatrove", optarg);
			break;
		case OPT_ROWS:
			r.d.rows = intopt(optarg, 1, DM_DEDUP_MAXPERMS, "--rows");
			setbands = 1;
			break;
		case OPT_SIGNATURES:
			r.signatures = 1;
			break;
		case OPT_SIMHASH:
			r.d.mode = DM_DEDUP_SIMHASH;
			setnear = 1;
			break;
		case OPT_THRESHOLD:
			errno = 0;
			r.d.threshold = strtod(optarg, &end);
			if (end == optarg || *end || errno || !(r.d.threshold >= 0) ||
			    r.d.threshold > 1)
				dm_usage_die(usage, "--threshold: '%s' is not a "
				    "number from 0 to 1", optarg);
			break;
		case OPT_TMP:
			r.tmpdir = optarg;
			break;
		case OPT_TOKENIZE:
			tok = optarg;
			if (strcmp(optarg, "space") == 0)
				r.d.tok = DM_TOK_SPACE;
			else if (strcmp(optarg, "punctuation") == 0)
				r.d.tok = DM_TOK_PUNCT;
			else if (strcmp(optarg, "character") == 0)
				r.d.tok = DM_TOK_CHAR;
			else
				dm_usage_die(usage, "--tokenize: '%s' is not one of "
				    "space, punctuation, character", optarg);
			break;
		case 'V':
			printf("dm-dedup (dm) %s\n", DM_VERSION);
			return dm_exit(DM_EXIT_OK);
		case OPT_VERIFY:
			r.verify = 1;
			break;
		case OPT_WINDOW:
			r.d.window = intopt(optarg, 1, 1000, "--window");
			setw = 1;
			break;
		default:
			dm_badopt(usage, c, argv);
		}
	}
	argc -= optind;
	argv += optind;

	if (setexact && setnear)
		dm_usage_die(usage, "--exact, --near and --simhash exclude each "
		    "other");
	if (r.d.mode == DM_DEDUP_EXACT) {
		if (setw || tok || setperms || setbands || r.verify)
			dm_usage_die(usage, "--window, --tokenize, --perms, "
			    "--bands, --rows and --verify need --near or "
			    "--simhash");
	} else {
		if (r.nkeys > 1)
			dm_usage_die(usage, "--near and --simhash take one -k");
		if (r.d.lowercase || r.d.nonchar)
			dm_usage_die(usage, "--lowercase and --ignore-non-character "
			    "are for --exact (near modes always lower-case)");
	}
	if (r.d.mode != DM_DEDUP_MINHASH && r.verify)
		dm_usage_die(usage, "--verify needs --near");
	if (r.d.preset == DM_PRESET_DATATROVE && r.d.mode != DM_DEDUP_MINHASH)
		dm_usage_die(usage, "--preset datatrove needs --near");
	if (r.d.preset == DM_PRESET_DATATROVE && (tok || setw || setperms))
		dm_usage_die(usage, "--preset datatrove has its own words, "
		    "window and permutations");
	if ((r.d.bands == 0) != (r.d.rows == 0))
		dm_usage_die(usage, "--bands and --rows go together");
	if (r.signatures && (r.mark || r.verify))
		dm_usage_die(usage, "--signatures excludes --mark and --verify");
	if (dm_dedup_setup(&r.d, &r.err) < 0)
		dm_usage_die(usage, "%s", r.err.buf);
	if (params) {
		printparams(&r);
		return dm_exit(DM_EXIT_OK);
	}
	if (stage >= 1 && stage <= 3 && r.outdir == NULL)
		dm_usage_die(usage, "%s needs -o DIR", stages[stage]);
	if (stage && r.signatures)
		dm_usage_die(usage, "--signatures is for the single command");
	if ((stage && stage != 4 && r.mark) || (stage > 1 && r.verify))
		dm_usage_die(usage, "the stages take --verify in sign and "
		    "--mark in apply");
	if (r.labels && stage != 3)
		dm_usage_die(usage, "--labels is for cluster");
	if (stage == 2 || stage == 3 || stage == 4) {
		status = stage == 2 ? stage_pairs(&r, argc, argv) :
		    stage == 3 ? stage_cluster(&r, argc, argv) :
		    stage_apply(&r, argc, argv);
		dm_uf_free(&r.uf);
		dm_dedup_free(&r.d);
		return dm_exit(status);
	}

	switch (r.d.mode) {
	case DM_DEDUP_EXACT:
		r.recsz = 24;
		r.keysz = 16;
		break;
	case DM_DEDUP_MINHASH:
		r.keysz = 2 + (size_t)r.d.rows *
		    (r.d.preset == DM_PRESET_DATATROVE ? 8 : 4);
		r.recsz = r.keysz + 8;
		r.sig = dm_xreallocarray(NULL, (size_t)r.d.perms, sizeof *r.sig);
		break;
	case DM_DEDUP_SIMHASH:
		r.keysz = 10;
		r.recsz = 26;
		break;
	}
	stdin_used = argc == 0;
	for (i = 0; i < argc; i++)
		stdin_used |= strcmp(argv[i], "-") == 0;
	if (stdin_used)
		spool_stdin(r.tmpdir);
	r.stdin_used = stdin_used;
	if (r.verify && stage != 1) {
		r.setfd = tmpfile_in(r.tmpdir);
		r.idxfd = tmpfile_in(r.tmpdir);
	}
	/* --memory bounds the process: the rest (buffers, tables, code)
	 * takes about 8M, the keys the remainder */
	dm_xsort_init(&r.xs, r.recsz, r.memory > (16 << 20) ?
	    r.memory - (8 << 20) : r.memory / 2, r.tmpdir);
	dm_uf_init(&r.uf, r.d.mode == DM_DEDUP_MINHASH &&
	    r.d.preset == DM_PRESET_DATATROVE ? DM_UF_SIZE : DM_UF_MIN);

	if (stage == 1) {
		status = stage_sign(&r, argc, argv);
		dm_xsort_free(&r.xs);
		dm_dedup_free(&r.d);
		free(r.keys);
		free(r.sig);
		return dm_exit(status);
	}

	/* pass one: keys; the line numbers skipped were rejected */
	dm_io_open(&r.io, argc, argv);
	while ((s = dm_io_next(&r.io)) != NULL) {
		idx = r.io.nin - 1;
		for (; next < idx; next++)
			addrej(&r, next);
		next = idx + 1;
		if ((r.d.mode == DM_DEDUP_EXACT ? exactkey(&r, s, idx) :
		    nearkey(&r, s, idx)) < 0) {
			addrej(&r, idx);
			if (dm_io_reject(&r.io, "%s", r.err.buf) < 0)
				break;
		}
	}
	for (; next < r.io.nin; next++)
		addrej(&r, next);
	/* after a stop, the samples before the bad one are the input */
	r.limit = r.io.stopped ? r.io.nin - 1 : UINT64_MAX;

	if (!dm_interrupted && !r.signatures) {
		cluster(&r);
		if (!dm_interrupted && output(&r, argc, argv) < 0)
			r.io.in.nerrors++;
	}
	status = dm_io_close(&r.io);
	dm_report_counts(r.io.nin, r.io.out.nlines, r.io.nrejected);
	if (r.setfd >= 0)
		close(r.setfd);
	if (r.idxfd >= 0)
		close(r.idxfd);
	dm_xsort_free(&r.xs);
	dm_uf_free(&r.uf);
	dm_dedup_free(&r.d);
	free(r.keys);
	free(r.rej);
	free(r.sig);
	dm_buf_free(&r.key);
	dm_buf_free(&r.err);
	return dm_exit(status);
}
