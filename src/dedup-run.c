/* dedup-run.c - dm-dedup's single command: keys, clusters, the output */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "deduprun.h"
#include "report.h"

void
dm_dedup_addrej(struct dedup_run *r, uint64_t idx)
{
	if (r->nrej == r->rejcap) {
		r->rejcap = r->rejcap ? r->rejcap * 2 : 64;
		r->rej = dm_xreallocarray(r->rej, r->rejcap, sizeof *r->rej);
	}
	r->rej[r->nrej++] = idx;
}

/* ---- pass one: the keys of each sample ---- */

/*
 * The keys wait in a batch of up to EXACT_BATCH texts or EXACT_BYTES bytes
 * and are hashed together (dm_dedup_md5_many: 16 at a time with AVX-512);
 * their records or signature lines then go out in input order.
 */
#define EXACT_BATCH	256
#define EXACT_BYTES	(1 << 20)

static struct dm_buf batchkeys = DM_BUF_INIT;
static size_t batchoff[EXACT_BATCH + 1], batchn;
static uint64_t batchidx[EXACT_BATCH];

void
dm_dedup_exactflush(struct dedup_run *r)
{
	const unsigned char *p[EXACT_BATCH];
	unsigned char md[EXACT_BATCH][16], rec[24];
	size_t len[EXACT_BATCH], i;

	for (i = 0; i < batchn; i++) {
		p[i] = (const unsigned char *)batchkeys.buf + batchoff[i];
		len[i] = batchoff[i + 1] - batchoff[i];
	}
	dm_dedup_md5_many(batchn, p, len, md);
	for (i = 0; i < batchn; i++) {
		if (r->signatures) {
			dm_buf_reset(&r->key);
			dm_buf_addc(&r->key, '"');
			dm_hex(&r->key, md[i], 16);
			dm_buf_addc(&r->key, '"');
			dm_writer_line(&r->io.out, r->key.buf, r->key.len);
			continue;
		}
		memcpy(rec, md[i], 16);
		put64(rec + 16, batchidx[i]);
		dm_xsort_add(&r->xs, rec);
	}
	batchn = 0;
	dm_buf_reset(&batchkeys);
	if (batchkeys.cap > 4 * EXACT_BYTES)
		dm_buf_free(&batchkeys);
}

int
dm_dedup_exactkey(struct dedup_run *r, struct dm_sample *s, uint64_t idx)
{
	static struct dm_buf one = DM_BUF_INIT;
	const char *t;
	size_t n, i;

	dm_buf_reset(&r->key);
	if (r->nkeys < 2) {
		/* one field: normalized into the batch, without a copy
		 * between (a long text would be held three times) */
		dm_buf_reset(&r->err);
		if (dm_sample_text(s, r->nkeys ? r->keys[0] : r->io.key, &t, &n,
		    &r->err) < 0)
			return -1;
		batchoff[batchn] = batchkeys.len;
		dm_buf_grow(&batchkeys, n);
		dm_dedup_normalize(&r->d, t, n, &batchkeys);
		goto added;
	}
	for (i = 0; i < r->nkeys; i++) {
		dm_buf_reset(&r->err);
		if (dm_sample_text(s, r->keys[i], &t, &n, &r->err) < 0)
			return -1;
		/* several fields: each after its length, so that no two
		 * lists of fields give the same bytes */
		dm_buf_reset(&one);
		dm_dedup_normalize(&r->d, t, n, &one);
		dm_buf_addf(&r->key, "%zu:", one.len);
		dm_buf_add(&r->key, one.buf, one.len);
	}
	batchoff[batchn] = batchkeys.len;
	dm_buf_add(&batchkeys, r->key.buf, r->key.len);
added:
	batchidx[batchn++] = idx;
	batchoff[batchn] = batchkeys.len;
	if (batchn == EXACT_BATCH || batchkeys.len >= EXACT_BYTES)
		dm_dedup_exactflush(r);
	return 0;
}

int
dm_dedup_markable(struct dedup_run *r, struct dm_sample *s)
{
	static struct dm_sample c = DM_SAMPLE_INIT;
	const char *p;
	size_t n, col;

	/* set on a copy: the key may lie under the field */
	dm_sample_bytes(s, &p, &n);
	dm_buf_reset(&r->err);
	if (dm_sample_load(&c, p, n, s->file, s->lineno, &r->err, &col) < 0 ||
	    dm_sample_set_raw(&c, r->mark, "null", 4, &r->err) < 0)
		return -1;
	return 0;
}

/* v in decimal, at the end of b, two digits at a time: printf's way
 * costs a tenth of --signatures' time */
static void
adddec(struct dm_buf *b, uint64_t v)
{
	static const char d2[] =
	    "0001020304050607080910111213141516171819"
	    "2021222324252627282930313233343536373839"
	    "4041424344454647484950515253545556575859"
	    "6061626364656667686970717273747576777879"
	    "8081828384858687888990919293949596979899";
	char t[20], *p = t + sizeof t;

	while (v >= 100) {
		p -= 2;
		memcpy(p, d2 + 2 * (v % 100), 2);
		v /= 100;
	}
	if (v >= 10) {
		p -= 2;
		memcpy(p, d2 + 2 * v, 2);
	} else
		*--p = (char)('0' + v);
	dm_buf_add(b, p, (size_t)(t + sizeof t - p));
}

int
dm_dedup_nearkey(struct dedup_run *r, struct dm_sample *s, uint64_t idx)
{
	struct dm_dedup *d = &r->d;
	unsigned char simrec[26], *rec = simrec;
	const char *t;
	size_t n;
	int band, k, vsz;
	uint64_t h;

	dm_buf_reset(&r->err);
	if (dm_sample_text(s, r->io.key, &t, &n, &r->err) < 0)
		return -1;
	if (dm_dedup_shingles(d, t, n, &r->err) < 0)
		return -1;
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
		dm_dedup_saveset(r, idx);
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
	/* a band's record: its number, rows values of vsz bytes, the index;
	 * up to 32 KB (4096 rows of 8), so in a buffer of the run's */
	vsz = d->preset == DM_PRESET_DATATROVE ? 8 : 4;
	dm_buf_reset(&r->key);
	dm_buf_grow(&r->key, r->recsz);
	rec = (unsigned char *)r->key.buf;
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

/* Two samples are one cluster: joined here, or written as a pair by the
 * pairs stage for the cluster stage to join in the same order. */
static void
join(struct dedup_run *r, uint64_t x, uint64_t y)
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
recidx(const struct dedup_run *r, const unsigned char *rec)
{
	return get64(rec + r->recsz - 8);
}

/*
 * A group of equal keys is joined as its records come, so that only its
 * key is held, whatever its size: Data-Juicer unions each member of a
 * bucket with its first, datatrove pairs each signature with the one
 * before it. SimHash joins the records of one value to its first as they
 * come (they are sorted by value within the table's key) and keeps one
 * record a value, whose values are compared pairwise when the group ends.
 */
void
dm_dedup_addrec(struct dedup_run *r, struct dedup_group *g, const void *p)
{
	const unsigned char *rec = p;
	uint64_t x = recidx(r, rec), h;

	if (g->n && memcmp(rec, g->key, r->keysz) != 0)
		dm_dedup_group(r, g);
	if (g->n++ == 0) {
		if (g->keycap < r->keysz) {
			g->keycap = r->keysz;
			g->key = dm_xrealloc(g->key, g->keycap);
		}
		memcpy(g->key, rec, r->keysz);
		g->first = g->prev = x;
		g->nr = 0;
	} else if (r->d.mode == DM_DEDUP_SIMHASH)
		;
	else if (r->d.mode == DM_DEDUP_MINHASH &&
	    r->d.preset == DM_PRESET_DATATROVE) {
		if (dm_dedup_similar(r, g->prev, x))
			join(r, g->prev, x);
		g->prev = x;
		return;
	} else {
		if (r->d.mode == DM_DEDUP_EXACT ||
		    dm_dedup_similar(r, g->first, x))
			join(r, x, g->first);
		return;
	}
	if (r->d.mode != DM_DEDUP_SIMHASH)
		return;
	h = get64(rec + 10);
	if (g->nr && g->reps[2 * (g->nr - 1)] == h) {
		/* the same SimHash: the same cluster */
		join(r, x, g->reps[2 * (g->nr - 1) + 1]);
		return;
	}
	if (g->nr == g->repcap) {
		g->repcap = g->repcap ? g->repcap * 2 : 16;
		g->reps = dm_xreallocarray(g->reps, g->repcap,
		    2 * sizeof *g->reps);
	}
	g->reps[2 * g->nr] = h;
	g->reps[2 * g->nr + 1] = x;
	g->nr++;
}

/* Ends the group: SimHash's values within the distance are joined. */
void
dm_dedup_group(struct dedup_run *r, struct dedup_group *g)
{
	const uint64_t *reps = g->reps;
	size_t i, j;

	for (i = 0; r->d.mode == DM_DEDUP_SIMHASH && i < g->nr; i++)
		for (j = i + 1; j < g->nr; j++)
			if (__builtin_popcountll(reps[2 * i] ^ reps[2 * j]) <=
			    r->d.hamming)
				join(r, reps[2 * j + 1], reps[2 * i + 1]);
	g->n = 0;
	g->nr = 0;
}

void
dm_dedup_groupfree(struct dedup_group *g)
{
	free(g->key);
	free(g->reps);
	memset(g, 0, sizeof *g);
}

void
dm_dedup_clusters(struct dedup_run *r)
{
	struct dedup_group g;
	const unsigned char *p;

	memset(&g, 0, sizeof g);
	dm_xsort_finish(&r->xs);
	while ((p = dm_xsort_next(&r->xs)) != NULL)
		dm_dedup_addrec(r, &g, p);
	dm_dedup_group(r, &g);
	dm_dedup_groupfree(&g);
	dm_xsort_free(&r->xs);
}

/* ---- pass two: the output ---- */

static off_t stdin_start;	/* where standard input is read from */

long
dm_dedup_findroot(const struct dedup_labels *l, uint64_t x)
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
char *
dm_dedup_label(struct dm_sample *s, const char *file, unsigned long line)
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
 * The reader calls its release hook before an input is closed (and when
 * its buffer moves): the lines counted then are those through that input,
 * and its descriptor, still open, tells which file it is. Pass two numbers
 * each input's lines from where pass one's began, so that an input gone,
 * cut short or grown between the reads costs its own samples only, and a
 * file put in place of one is known and not taken for it.
 */
static void
watchrelease(void *arg)
{
	struct dedup_run *r = arg;
	struct dedup_input *p;
	struct stat st;
	int j = r->io.in.next - 1;

	if (r->release)
		r->release(r->release_arg);
	if (j < 0 || j >= r->ninputs)
		return;
	p = &r->inputs[j];
	p->end = r->io.nin;
	p->seen = 1;
	if (!p->known && r->io.in.fd >= 0 && fstat(r->io.in.fd, &st) == 0) {
		p->known = 1;
		p->dev = st.st_dev;
		p->ino = st.st_ino;
		p->size = st.st_size;
	}
}

void
dm_dedup_watch(struct dedup_run *r)
{
	r->ninputs = r->io.in.npaths;
	r->inputs = dm_xcalloc(r->ninputs > 0 ? (size_t)r->ninputs : 1,
	    sizeof *r->inputs);
	r->release = r->io.in.release;
	r->release_arg = r->io.in.release_arg;
	r->io.in.release = watchrelease;
	r->io.in.release_arg = r;
}

void
dm_dedup_watchend(struct dedup_run *r)
{
	uint64_t end = 0;
	int j;

	/* the input open when pass one ended (a stop) was not released */
	if (r->io.in.fd >= 0)
		watchrelease(r);
	r->io.in.release = r->release;
	r->io.in.release_arg = r->release_arg;
	/* an input that could not be opened has no lines, nor those
	 * after a stop */
	for (j = 0; j < r->ninputs; j++) {
		if (!r->inputs[j].seen || r->inputs[j].end < end)
			r->inputs[j].end = end;
		end = r->inputs[j].end;
	}
}

/* The number of input j's first line, and how many pass two reads. */
static uint64_t
inputstart(const struct dedup_run *r, int j)
{
	uint64_t v = j > 0 ? r->inputs[j - 1].end : 0;

	return v < r->limit ? v : r->limit;
}

static uint64_t
inputlines(const struct dedup_run *r, int j)
{
	uint64_t e = r->inputs[j].end < r->limit ? r->inputs[j].end :
	    r->limit;

	return e - inputstart(r, j);
}

static const char *
inputname(const struct dm_reader *in, int j)
{
	return strcmp(in->paths[j], "-") == 0 ? "<stdin>" :
	    dm_quote(in->paths[j]);
}

/* Input j gave n lines of those of pass one: fewer is an error. */
static int
inputend(struct dedup_run *r, const struct dm_reader *in, int j, uint64_t n,
    int quiet)
{
	uint64_t want = inputlines(r, j);

	if (n >= want || dm_interrupted)
		return 0;
	if (!quiet)
		dm_warn("%s: changed between the two reads: %llu lines, then "
		    "%llu", inputname(in, j), (unsigned long long)want,
		    (unsigned long long)n);
	return -1;
}

/*
 * Reads the inputs again. Lines rejected in pass one are skipped; with
 * --mark every other sample is written with FIELD set, else the
 * duplicates are left out and the rest copied as they are. With
 * labelsonly, nothing is written: the labels of the roots are gathered
 * (datatrove's roots may come after their duplicates), and nothing said.
 * Each input is read up to its lines of pass one: lines that came after
 * (the output itself among the inputs, as in 'dm-dedup *.jsonl >
 * out.jsonl' run again) are not samples, and no input after the last
 * with lines is read.
 */
static int
pass2(struct dedup_run *r, int argc, char **argv, const uint64_t *dups,
    size_t ndups, struct dedup_labels *l, int labelsonly)
{
	struct dm_reader in;
	struct dm_sample s = DM_SAMPLE_INIT;
	struct stat st;
	const char *line, *p;
	size_t len, ri = 0, di = 0, n, col;
	uint64_t idx = 0, cur, nread = 0;
	long k;
	int isdup, got, status = 0, j = -1, last, skip = 0;

	/* the last input pass two has lines of */
	for (last = r->ninputs - 1; last >= 0 && inputlines(r, last) == 0;
	    last--)
		;
	if (last < 0)
		return 0;
	if (r->stdin_used && lseek(0, stdin_start, SEEK_SET) < 0)
		dm_die("<stdin>: %s", strerror(errno));
	if (r->io.listed)
		dm_reader_files0(&in, argc, argv);
	else
		dm_reader_init(&in, argc, argv);
	in.spooled = r->spooled;
	/* a line longer than --max-line was rejected in pass one: it is
	 * skipped here too, and not read whole */
	in.maxline = r->io.maxline;
	/* an input that cannot be read was said in pass one; one that
	 * could be then is said below */
	in.quiet = 1;
	while ((got = dm_reader_next(&in, &line, &len)) != 0) {
		if (in.next - 1 != j) {
			/* a new input: those before it are done */
			if (j >= 0 && !skip && inputend(r, &in, j, nread,
			    labelsonly) < 0)
				status = -1;
			for (j++; j < in.next - 1 && j <= last; j++)
				if (inputend(r, &in, j, 0, labelsonly) < 0)
					status = -1;
			if (j > last)
				break;
			idx = inputstart(r, j);
			nread = 0;
			/* another file under its name, or a shorter one */
			skip = 0;
			if (r->inputs[j].known && fstat(in.fd, &st) == 0 &&
			    (st.st_dev != r->inputs[j].dev ||
			    st.st_ino != r->inputs[j].ino ||
			    st.st_size < r->inputs[j].size)) {
				if (!labelsonly)
					dm_warn("%s: changed between the two "
					    "reads: another file, or a shorter "
					    "one; its samples are left out",
					    inputname(&in, j));
				status = -1;
				skip = 1;
			}
		}
		if (skip || nread >= inputlines(r, j)) {
			/* lines since pass one: not samples */
			if (j == last)
				break;
			continue;
		}
		nread++;
		cur = idx++;
		while (ri < r->nrej && r->rej[ri] < cur)
			ri++;
		while (di < ndups && dups[2 * di] < cur)
			di++;
		if (got == 2 || (ri < r->nrej && r->rej[ri] == cur))
			goto next;
		isdup = di < ndups && dups[2 * di] == cur;
		if (!r->mark) {
			if (!isdup)
				dm_writer_line(&r->io.out, line, len);
			goto next;
		}
		dm_buf_reset(&r->err);
		if (dm_sample_load(&s, line, len, in.name, in.lineno, &r->err,
		    &col) < 0) {
			/* the input changed between the passes */
			if (!labelsonly)
				dm_warn("%s:%lu: %s", in.name, in.lineno,
				    r->err.buf);
			status = -1;
			goto next;
		}
		if ((k = dm_dedup_findroot(l, cur)) >= 0 && l->label[k] == NULL)
			l->label[k] = dm_dedup_label(&s, in.name, in.lineno);
		if (labelsonly)
			goto next;
		p = "null";
		if (isdup) {
			k = dm_dedup_findroot(l, dups[2 * di + 1]);
			p = k >= 0 && l->label[k] ? l->label[k] : "null";
		}
		dm_buf_reset(&r->err);
		if (dm_sample_set_raw(&s, r->mark, p, strlen(p), &r->err) < 0) {
			dm_warn("%s:%lu: %s", in.name, in.lineno, r->err.buf);
			status = -1;
			goto next;
		}
		dm_sample_bytes(&s, &line, &n);
		dm_writer_line(&r->io.out, line, n);
next:
		/* the last input's lines of pass one are read: what follows
		 * may be the output itself */
		if (j == last && nread >= inputlines(r, j))
			break;
	}
	/* the inputs that gave fewer lines than in pass one, or none */
	if (j >= 0 && j <= last && !skip && inputend(r, &in, j, nread,
	    labelsonly) < 0)
		status = -1;
	for (j = j < 0 ? 0 : j + 1; j <= last; j++)
		if (inputend(r, &in, j, 0, labelsonly) < 0)
			status = -1;
	dm_reader_free(&in);
	dm_sample_free(&s);
	return status;
}

int
dm_dedup_output(struct dedup_run *r, int argc, char **argv)
{
	struct dedup_labels l = { NULL, NULL, 0 };
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
	/* the pass for the labels says nothing: the output's pass says
	 * what changed, and writes the samples of the inputs that did not */
	if (later)
		(void)pass2(r, argc, argv, dups, ndups, &l, 1);
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
void
dm_dedup_spool_stdin(const char *tmpdir)
{
	char buf[65536];
	ssize_t n;
	int fd;

	if ((stdin_start = lseek(0, 0, SEEK_CUR)) >= 0)
		return;
	stdin_start = 0;
	fd = dm_dedup_tmpfile(tmpdir);
	for (;;) {
		if ((n = read(0, buf, sizeof buf)) < 0) {
			/* a signal stops a producer that stalls */
			if (errno == EINTR && dm_interrupted)
				exit(dm_exit(DM_EXIT_ERROR));
			if (errno == EINTR)
				continue;
			if (errno == EBADF)
				break;
			dm_die("<stdin>: %s", strerror(errno));
		}
		if (n == 0)
			break;
		dm_dedup_pwrite(fd, buf, (size_t)n, lseek(fd, 0, SEEK_END),
		    tmpdir);
	}
	if (dup2(fd, 0) < 0)
		dm_die("<stdin>: %s", strerror(errno));
	close(fd);
	lseek(0, 0, SEEK_SET);
}

/*
 * An operand that is not a file (a named pipe, /dev/stdin, <(cmd)) would
 * give nothing to the second pass: it is copied to the temporary
 * directory first, and both passes read the copy under its own name.
 * Returns a descriptor per operand, -1 for those read as they are.
 */
int *
dm_dedup_spool_pipes(const char *tmpdir, int argc, char **argv)
{
	char buf[65536];
	struct stat st;
	off_t off;
	ssize_t n;
	int *fds, i, in;

	fds = dm_xreallocarray(NULL, argc > 0 ? (size_t)argc : 1,
	    sizeof *fds);
	for (i = 0; i < argc; i++) {
		fds[i] = -1;
		/* a file, a folder or a missing one is the reader's */
		if (strcmp(argv[i], "-") == 0 || stat(argv[i], &st) < 0 ||
		    S_ISREG(st.st_mode) || S_ISDIR(st.st_mode) ||
		    S_ISBLK(st.st_mode))
			continue;
		if ((in = open(argv[i], O_RDONLY | O_CLOEXEC)) < 0)
			continue;
		fds[i] = dm_dedup_tmpfile(tmpdir);
		for (off = 0;; off += n) {
			if ((n = read(in, buf, sizeof buf)) < 0) {
				if (errno == EINTR && dm_interrupted)
					exit(dm_exit(DM_EXIT_ERROR));
				if (errno == EINTR) {
					n = 0;
					continue;
				}
				dm_die("%s: %s", argv[i], strerror(errno));
			}
			if (n == 0)
				break;
			dm_dedup_pwrite(fds[i], buf, (size_t)n, off, tmpdir);
		}
		close(in);
	}
	return fds;
}
