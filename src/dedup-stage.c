/* dedup-stage.c - dm-dedup's stages: sign, pairs, cluster, apply */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "deduprun.h"

/* ---- stages: sign | pairs | cluster | apply ---- */

/*
 * A sample of a staged run is named by its shard's rank among the shard
 * names (in byte order) and its line number there: rank << 40 | line. The
 * order of these numbers is the order of the samples when the shards are
 * named in input order, so the stages give what one command over the
 * shards in that order gives.
 */

static const char *
shardname(const struct dedup_run *r, const char *file)
{
	const char *b;

	if (r->shard)
		return r->shard;
	if (file == NULL || strcmp(file, "-") == 0)
		dm_usage_die(dm_dedup_usage,
		    "standard input needs --shard NAME");
	b = strrchr(file, '/');
	return b ? b + 1 : file;
}

static int
nbands(const struct dedup_run *r)
{
	return r->d.mode == DM_DEDUP_MINHASH ? r->d.bands :
	    r->d.mode == DM_DEDUP_SIMHASH ? r->d.ntables : 1;
}

/*
 * sign with piped input: the signatures kept as whole with these settings
 * must be of this input too, known once the pipe is read (as
 * dm_dedup_done refuses them when it is known from the start).
 */
static void
sameinput(struct dedup_run *r, const char *name, int nb)
{
	struct dm_buf path = DM_BUF_INIT, err = DM_BUF_INIT;
	int b;

	dm_dedup_inputend(r);
	for (b = 0; b < nb; b++) {
		dm_buf_reset(&path);
		dm_buf_addf(&path, "%s/band-%03d/%s.sig", r->outdir, b, name);
		if (access(path.buf, F_OK) == 0 && dm_sfile_check(path.buf,
		    DM_SFILE_SIG, NULL, r->in, &err) > 0)
			dm_die("%s than this run; remove it to make it again",
			    err.buf);
		dm_buf_reset(&err);
	}
	dm_buf_free(&path);
	dm_buf_free(&err);
}

/* sign: the keys of one shard, one sorted file a band. */
int
dm_dedup_stage_sign(struct dedup_run *r, int argc, char **argv)
{
	struct dm_shead h;
	struct dm_sfile *f = NULL;
	struct dm_sample *s;
	struct dm_buf path = DM_BUF_INIT;
	const unsigned char *p;
	const char *name;
	int b, nb = nbands(r), cur = -1, todo = 0, piped;
	char *set, *l;
	FILE *lab, *setf = NULL, *idxf = NULL;

	if (argc > 1)
		dm_usage_die(dm_dedup_usage, "sign reads one shard");
	name = shardname(r, argc ? argv[0] : NULL);
	dm_dedup_inputid(r, argc ? argv[0] : NULL);
	piped = r->inpipe;
	set = dm_dedup_settings(r);
	for (b = 0; b < nb; b++) {
		dm_buf_reset(&path);
		dm_buf_addf(&path, "%s/band-%03d/%s.sig", r->outdir, b, name);
		todo |= !dm_dedup_done(r, path.buf, DM_SFILE_SIG, set);
	}
	free(set);
	/* the side files must be whole too */
	for (b = 0; b < (r->verify ? 3 : 1); b++) {
		dm_buf_reset(&path);
		dm_buf_addf(&path, "%s/%s/%s%s", r->outdir, b ? "sets" :
		    "labels", name, b == 0 ? ".lab" : b == 1 ? ".set" : ".idx");
		todo |= !dm_dedup_done(r, path.buf, b == 0 ? DM_SFILE_LABELS :
		    b == 1 ? DM_SFILE_SETS : DM_SFILE_SETIDX, NULL);
	}
	if (!todo) {
		if (piped)
			sameinput(r, name, nb);
		dm_buf_free(&path);
		return DM_EXIT_OK;
	}
	/* the label of each sample, for apply --mark (through cluster
	 * --labels), and with --verify the shingle sets, for pairs */
	dm_buf_reset(&path);
	dm_buf_addf(&path, "%s/labels", r->outdir);
	if (dm_mkdirs(path.buf) < 0)
		exit(DM_EXIT_ERROR);
	lab = dm_dedup_sidefile(r, "labels", name, ".lab", "w");
	if (r->verify) {
		dm_buf_reset(&path);
		dm_buf_addf(&path, "%s/sets", r->outdir);
		if (dm_mkdirs(path.buf) < 0)
			exit(DM_EXIT_ERROR);
		setf = dm_dedup_sidefile(r, "sets", name, ".set", "w");
		idxf = dm_dedup_sidefile(r, "sets", name, ".idx", "w");
		r->setfd = fileno(setf);
		r->idxfd = fileno(idxf);
	}
	dm_dedup_inputtap(r);
	dm_io_open(&r->io, argc, argv);
	while ((s = dm_io_next(&r->io)) != NULL) {
		if ((r->d.mode == DM_DEDUP_EXACT ?
		    dm_dedup_exactkey(r, s, r->io.nin - 1) :
		    dm_dedup_nearkey(r, s, r->io.nin - 1)) < 0) {
			if (dm_io_reject(&r->io, "%s", r->err.buf) < 0)
				break;
			continue;
		}
		l = dm_dedup_label(s, r->io.in.name, r->io.in.lineno);
		fprintf(lab, "%llu\t%s\n", r->io.nin - 1, l);
		free(l);
	}
	dm_dedup_exactflush(r);
	if (r->io.stopped || dm_interrupted || r->io.in.nerrors) {
		dm_buf_free(&path);
		return dm_io_close(&r->io);
	}
	if (piped)
		sameinput(r, name, nb);
	dm_dedup_sidecommit(r, "labels", name, ".lab", lab);
	if (r->verify) {
		dm_dedup_sidecommit(r, "sets", name, ".set", setf);
		dm_dedup_sidecommit(r, "sets", name, ".idx", idxf);
		r->setfd = r->idxfd = -1;
	}
	set = dm_dedup_settings(r);
	memset(&h, 0, sizeof h);
	h.kind = DM_SFILE_SIG;
	h.recsz = (uint32_t)r->recsz;
	h.keysz = (uint32_t)r->keysz;
	h.settings = set;
	h.insize = r->in[0];
	h.inhash = r->in[1];
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
mless(const struct dedup_run *r, const struct merger *m, size_t a, size_t b)
{
	int c = memcmp(m[a].rec, m[b].rec, r->recsz);

	return c < 0 || (c == 0 && a < b);
}

static void
msift(const struct dedup_run *r, struct merger *m, size_t *heap, size_t n,
    size_t i)
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
mnext(const struct dedup_run *r, struct merger *m, size_t i)
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
opensets(struct dedup_run *r, const char *sigdir, char **names, size_t ns)
{
	static int verified;	/* once, for the first band */
	struct dm_buf path = DM_BUF_INIT, err = DM_BUF_INIT;
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
			if (!verified && dm_sfile_verify((k ? r->idxfds :
			    r->setfds)[i], path.buf, k ? DM_SFILE_SETIDX :
			    DM_SFILE_SETS, &err) < 0)
				dm_die("%s", err.buf);
		}
	verified = 1;
	r->nsetf = ns;
	dm_buf_free(&path);
	dm_buf_free(&err);
}

/* The settings of band b's first signature file in sigdir (to free), NULL
 * when there is none. */
static char *
bandsettings(const char *sigdir, long b)
{
	struct dm_buf path = DM_BUF_INIT, err = DM_BUF_INIT;
	struct dm_sfile *f;
	char **names, *set = NULL;
	size_t n;

	dm_buf_addf(&path, "%s/band-%03ld", sigdir, b);
	if (access(path.buf, F_OK) != 0) {
		dm_buf_free(&path);
		return NULL;
	}
	names = dm_dedup_listdir(path.buf, ".sig", &n);
	if (n > 0) {
		dm_buf_addf(&path, "/%s.sig", names[0]);
		if ((f = dm_sfile_open(path.buf, DM_SFILE_SIG, &err)) == NULL)
			dm_die("%s", err.buf);
		set = dm_xstrdup(dm_sfile_head(f)->settings);
		dm_sfile_close(f);
	}
	dm_dedup_freenames(names, n);
	dm_buf_free(&path);
	dm_buf_free(&err);
	return set;
}

/* pairs: the candidate pairs of some bands, from every shard's file. */
int
dm_dedup_stage_pairs(struct dedup_run *r, int argc, char **argv)
{
	struct dm_buf path = DM_BUF_INIT, err = DM_BUF_INIT;
	struct dm_shead h;
	struct dedup_group g = { NULL, 0, 0 };
	struct merger *m;
	size_t *heap, nh, i, ns, nbd, nb;
	char **names, **bands, *end, *set;
	long lo = 0, hi = -1, b;
	int kept;

	if (argc != 1)
		dm_usage_die(dm_dedup_usage,
		    "pairs reads one signature directory");
	/* band-NNN, beside labels/ and sets/ */
	bands = dm_dedup_listdir(argv[0], "", &nbd);
	for (i = nb = 0; i < nbd; i++)
		nb += strncmp(bands[i], "band-", 5) == 0;
	if (nb == 0)
		dm_die("%s: no signatures (no band-NNN directories)", argv[0]);
	if (r->bandarg) {
		lo = hi = strtol(r->bandarg, &end, 10);
		if (*end == '-')
			hi = strtol(end + 1, &end, 10);
		if (*end || lo < 0 || hi < lo || end == r->bandarg)
			dm_usage_die(dm_dedup_usage,
			    "--band: '%s' is not N or N-M",
			    r->bandarg);
	} else
		hi = (long)nb - 1;
	if (dm_mkdirs(r->outdir) < 0)
		exit(DM_EXIT_ERROR);
	for (b = lo; b <= hi; b++) {
		dm_buf_reset(&path);
		dm_buf_addf(&path, "%s/band-%03ld.pairs", r->outdir, b);
		if (access(path.buf, F_OK) == 0 && r->resume) {
			/* kept when made from signatures of these settings */
			set = bandsettings(argv[0], b);
			kept = dm_dedup_done(r, path.buf, DM_SFILE_PAIRS, set);
			free(set);
			if (kept)
				continue;
		} else if (dm_dedup_done(r, path.buf, DM_SFILE_PAIRS, NULL))
			continue;
		dm_buf_reset(&path);
		dm_buf_addf(&path, "%s/band-%03ld", argv[0], b);
		if (access(path.buf, F_OK) != 0)
			dm_die("%s: %s", path.buf, strerror(errno));
		names = dm_dedup_listdir(path.buf, ".sig", &ns);
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
				dm_dedup_usesettings(r, path.buf,
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
			dm_dedup_addrec(r, &g, m[i].rec);
			if (!mnext(r, m, i))
				heap[0] = heap[--nh];
			msift(r, m, heap, nh, 0);
		}
		dm_dedup_group(r, &g);
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
		dm_dedup_freenames(names, ns);
		for (i = 0; i < r->nkeys; i++)
			free(r->keys[i]);
		free(r->keys);
		r->keys = NULL;
		r->nkeys = 0;
	}
	free(g.v);
	dm_dedup_freenames(bands, nbd);
	dm_buf_free(&path);
	dm_buf_free(&err);
	return DM_EXIT_OK;
}

/* cluster --labels: the label (id, or file:line) of each root of dups,
 * from the labels sign wrote; dies on a damaged labels file before any
 * output is written. */
static void
readlabels(struct dedup_run *r, char **names, size_t nn,
    const uint64_t *dups, size_t ndups, struct dedup_labels *l)
{
	char *line = NULL, *tab, *end;
	size_t cap = 0, i, j;
	ssize_t n;
	uint64_t x;
	long at;
	FILE *f;

	l->n = 0;
	l->root = dm_xreallocarray(NULL, ndups ? ndups : 1, sizeof *l->root);
	for (i = 0; i < ndups; i++)
		l->root[i] = dups[2 * i + 1];
	qsort(l->root, ndups, sizeof *l->root, cmplab);
	for (i = 0; i < ndups; i++)
		if (l->n == 0 || l->root[i] != l->root[l->n - 1])
			l->root[l->n++] = l->root[i];
	l->label = dm_xcalloc(l->n ? l->n : 1, sizeof *l->label);
	for (j = 0; j < nn; j++) {
		if ((f = dm_dedup_sidefile(r, "labels", names[j], ".lab",
		    "r")) == NULL)
			dm_die("%s/labels/%s.lab: %s", r->labels, names[j],
			    strerror(errno));
		while ((n = getline(&line, &cap, f)) > 0) {
			if (line[n - 1] == '\n')
				line[--n] = '\0';
			x = strtoull(line, &end, 10);
			if ((tab = end) == line || *tab != '\t')
				dm_die("%s/labels/%s.lab: damaged", r->labels,
				    names[j]);
			at = dm_dedup_findroot(l,
			    (uint64_t)j << SHARDBITS | x);
			if (at >= 0 && l->label[at] == NULL)
				l->label[at] = dm_xstrdup(tab + 1);
		}
		if (ferror(f))
			dm_die("%s/labels/%s.lab: %s", r->labels, names[j],
			    strerror(errno));
		fclose(f);
	}
	free(line);
}

/* cluster --labels: NAME.mark beside each NAME.rm, a line a removal
 * record: the label of the sample it duplicates; left under temporary
 * names. */
static void
writemarks(struct dedup_run *r, char **names, size_t nn,
    const uint64_t *dups, size_t ndups, const struct dedup_labels *l)
{
	size_t j, k;
	long at;
	FILE *f;

	for (k = 0, j = 0; j < nn; j++) {
		f = dm_dedup_sidefile(r, ".", names[j], ".mark", "w");
		for (; k < ndups && dups[2 * k] >> SHARDBITS == j; k++) {
			at = dm_dedup_findroot(l, dups[2 * k + 1]);
			fprintf(f, "%s\n", at >= 0 && l->label[at] ?
			    l->label[at] : "null");
		}
		dm_dedup_sideseal(r, ".", names[j], ".mark", f);
	}
}

/* cluster: union-find over every pair, the removals of each shard. */
int
dm_dedup_stage_cluster(struct dedup_run *r, int argc, char **argv)
{
	struct dm_buf path = DM_BUF_INIT, err = DM_BUF_INIT;
	struct dm_sfile *f, *o;
	struct dm_shead h, first;
	const unsigned char *p;
	unsigned char rec[16];
	char **files, *set = NULL, **names = NULL;
	size_t nf, i, j, nn = 0, ndups, k;
	struct dedup_labels l = { NULL, NULL, 0 };
	uint64_t *dups;
	int todo = 0;

	if (argc != 1)
		dm_usage_die(dm_dedup_usage,
		    "cluster reads one pairs directory");
	files = dm_dedup_listdir(argv[0], ".pairs", &nf);
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
			dm_dedup_usesettings(r, path.buf, set);
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
	for (j = 0; j < nn; j++) {
		dm_buf_reset(&path);
		dm_buf_addf(&path, "%s/%s.rm", r->outdir, names[j]);
		todo |= !dm_dedup_done(r, path.buf, DM_SFILE_REMOVE, set);
		dm_buf_reset(&path);
		dm_buf_addf(&path, "%s/%s.mark", r->outdir, names[j]);
		todo |= r->labels &&
		    !dm_dedup_done(r, path.buf, DM_SFILE_MARKS, NULL);
	}
	if (todo) {
		/* all or nothing: everything is read and written under
		 * temporary names before the first output gets its name */
		ndups = dm_uf_dups(&r->uf, &dups);
		if (r->labels)
			readlabels(r, names, nn, dups, ndups, &l);
		if (dm_mkdirs(r->outdir) < 0)
			exit(DM_EXIT_ERROR);
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
			dm_sfile_finish(o);
		}
		if (r->labels)
			writemarks(r, names, nn, dups, ndups, &l);
		for (j = 0; j < nn; j++) {
			dm_buf_reset(&path);
			dm_buf_addf(&path, "%s/%s.rm", r->outdir, names[j]);
			dm_sfile_rename(path.buf);
			if (!r->labels)
				continue;
			dm_buf_reset(&path);
			dm_buf_addf(&path, "%s/%s.mark", r->outdir, names[j]);
			dm_sfile_rename(path.buf);
		}
		for (i = 0; i < l.n; i++)
			free(l.label[i]);
		free(l.label);
		free(l.root);
		free(dups);
	}
	dm_dedup_freenames(names, nn);
	dm_dedup_freenames(files, nf);
	free(set);
	dm_buf_free(&path);
	dm_buf_free(&err);
	for (i = 0; i < r->nkeys; i++)
		free(r->keys[i]);
	free(r->keys);
	r->keys = NULL;
	r->nkeys = 0;
	return DM_EXIT_OK;
}

/* apply: one shard without its removed samples (with --mark, every
 * sample, FIELD naming the kept one); the lines sign rejected are left
 * out again, silently. */
int
dm_dedup_stage_apply(struct dedup_run *r, int argc, char **argv)
{
	struct dm_buf path = DM_BUF_INIT, err = DM_BUF_INIT;
	struct dm_reader *in = &r->io.in;
	struct dm_sample *s = &r->io.s;
	struct dm_sfile *f;
	const unsigned char *p;
	const char *line, *t;
	uint64_t *rm = NULL, idx = 0;
	size_t nrm = 0, len, col, n, k = 0, i;
	int ok, status;
	char **mk = NULL;

	if (argc != 2 && !(argc == 1 && r->shard))
		dm_usage_die(dm_dedup_usage, "apply reads a removals "
		    "directory and one "
		    "shard");
	dm_buf_addf(&path, "%s/%s.rm", argv[0], shardname(r, argc > 1 ?
	    argv[1] : NULL));
	if ((f = dm_sfile_open(path.buf, DM_SFILE_REMOVE, &err)) == NULL)
		dm_die("%s", err.buf);
	dm_dedup_usesettings(r, path.buf, dm_sfile_head(f)->settings);
	while ((p = dm_sfile_get(f)) != NULL) {
		rm = dm_xreallocarray(rm, nrm + 1, sizeof *rm);
		rm[nrm++] = get64(p);
	}
	dm_sfile_close(f);
	if (r->mark)
		mk = dm_dedup_readmarks(path.buf, nrm);
	/* --rejects and --on-error for the samples --mark cannot mark; the
	 * lines sign rejected are read whatever their length */
	dm_io_open(&r->io, argc - 1, argv + 1);
	in->maxline = 0;
	while (dm_reader_next(in, &line, &len) == 1) {
		uint64_t cur = idx++;

		r->io.nin++;
		if (dm_sample_load(s, line, len, in->name, in->lineno, &err,
		    &col) < 0)
			continue;
		for (ok = 1, i = 0; ok && i < r->nkeys; i++)
			ok = dm_sample_text(s, r->keys[i], &t, &n, &err) == 0;
		if (!ok)
			continue;
		while (k < nrm && rm[k] < cur)
			k++;
		if (r->mark) {
			t = k < nrm && rm[k] == cur ? mk[k] : "null";
			dm_buf_reset(&err);
			if (dm_sample_set_raw(s, r->mark, t, strlen(t),
			    &err) < 0) {
				if (dm_io_reject(&r->io, "%s", err.buf) < 0)
					break;
				continue;
			}
			dm_sample_bytes(s, &line, &n);
			dm_writer_line(&r->io.out, line, n);
			r->io.nout++;
			continue;
		}
		if (k < nrm && rm[k] == cur)
			continue;
		dm_writer_line(&r->io.out, line, len);
		r->io.nout++;
	}
	status = dm_io_close(&r->io);
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
