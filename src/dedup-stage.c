/* dedup-stage.c - dm-dedup's stages: sign, pairs, cluster, apply */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "deduprun.h"
#include "report.h"

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
	b = b ? b + 1 : file;
	/* as --shard: pairs and cluster pass over hidden names */
	if (*b == '\0' || *b == '.')
		dm_usage_die(dm_dedup_usage, "'%s' is not a shard name (it "
		    "is empty or begins with '.'): give one with --shard", b);
	return b;
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
	uint64_t tag;
	char *set;
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
	/* and the side files, by their tag */
	set = dm_dedup_settings(r);
	tag = dm_sfile_tag(set, name, r->in[0], r->in[1]);
	free(set);
	for (b = 0; b < 3; b++) {
		dm_buf_reset(&path);
		dm_buf_addf(&path, "%s/%s/%s%s", r->outdir, b ? "sets" :
		    "labels", name, b == 0 ? ".lab" : b == 1 ? ".set" : ".idx");
		if (access(path.buf, F_OK) == 0 && dm_sfile_check(path.buf,
		    b == 0 ? DM_SFILE_LABELS : b == 1 ? DM_SFILE_SETS :
		    DM_SFILE_SETIDX, NULL, &tag, &err) > 0)
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
	uint64_t tag;

	if (argc > 1)
		dm_usage_die(dm_dedup_usage, "sign reads one shard");
	name = shardname(r, argc ? argv[0] : NULL);
	dm_dedup_inputid(r, argc ? argv[0] : NULL);
	piped = r->inpipe;
	set = dm_dedup_settings(r);
	for (b = 0; b < nb; b++) {
		dm_buf_reset(&path);
		dm_buf_addf(&path, "%s/band-%03d/%s.sig", r->outdir, b, name);
		todo |= !dm_dedup_done(r, path.buf, DM_SFILE_SIG, set,
		    piped ? NULL : r->in);
	}
	/* the side files must be whole too, and of this shard (a pipe's
	 * are checked by sameinput once it is read) */
	tag = dm_sfile_tag(set, name, r->in[0], r->in[1]);
	free(set);
	for (b = 0; b < (r->verify ? 3 : 1); b++) {
		dm_buf_reset(&path);
		dm_buf_addf(&path, "%s/%s/%s%s", r->outdir, b ? "sets" :
		    "labels", name, b == 0 ? ".lab" : b == 1 ? ".set" : ".idx");
		todo |= !dm_dedup_done(r, path.buf, b == 0 ? DM_SFILE_LABELS :
		    b == 1 ? DM_SFILE_SETS : DM_SFILE_SETIDX, NULL,
		    piped ? NULL : &tag);
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
	r->io.in.spooled = r->spooled;
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
	set = dm_dedup_settings(r);
	tag = dm_sfile_tag(set, name, r->in[0], r->in[1]);
	dm_dedup_sidecommit(r, "labels", name, ".lab", lab, tag);
	if (r->verify) {
		dm_dedup_sidecommit(r, "sets", name, ".set", setf, tag);
		dm_dedup_sidecommit(r, "sets", name, ".idx", idxf, tag);
		r->setfd = r->idxfd = -1;
	}
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
	/* interrupted, no file gets its name: stop here */
	for (b = 0; b < nb && !dm_interrupted; b++) {
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

/*
 * pairs merges the sorted signature files of every shard. When there are
 * more shards than descriptors, groups of them are first merged into
 * sorted runs (unlinked files in --tmp, their records with sample
 * numbers), and the runs then: records are compared whole, sample number
 * included, so the order, and the output, is the same.
 */
struct merger {
	struct dm_sfile	*f;		/* a shard's signatures, or */
	unsigned char	*run;		/* the buffer of a run of merged ones, */
	size_t		 rlen, rpos;	/* its bytes and where it is there, */
	off_t		 off, end;	/* and where it is in runfd */
	int		 runfd;
	size_t		 shard;		/* f's shard */
	unsigned char	*rec;		/* the current record (recsz bytes) */
	int		 live;
};

#define RUNBUF		(1 << 16)	/* a run's buffer, about */
#define RUNFANIN	16		/* runs merged at once */

/* Where a merge writes its run: buffered, at off of fd. */
struct runout {
	int		 fd;
	off_t		 off;
	unsigned char	 buf[RUNBUF];
	size_t		 len;
};

static void
runflush(const struct dedup_run *r, struct runout *o)
{
	dm_dedup_pwrite(o->fd, o->buf, o->len, o->off, r->tmpdir);
	o->off += (off_t)o->len;
	o->len = 0;
}

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

/* The next record of source i, a shard's line number made a sample
 * number. */
static int
mnext(const struct dedup_run *r, struct merger *m, size_t i)
{
	const unsigned char *p;

	if (m[i].run) {
		if (m[i].rpos == m[i].rlen) {
			if (m[i].off == m[i].end)
				return m[i].live = 0;
			m[i].rlen = RUNBUF / r->recsz * r->recsz;
			if ((off_t)m[i].rlen > m[i].end - m[i].off)
				m[i].rlen = (size_t)(m[i].end - m[i].off);
			dm_dedup_pread(m[i].runfd, m[i].run, m[i].rlen,
			    m[i].off, r->tmpdir);
			m[i].off += (off_t)m[i].rlen;
			m[i].rpos = 0;
		}
		memcpy(m[i].rec, m[i].run + m[i].rpos, r->recsz);
		m[i].rpos += r->recsz;
		return m[i].live = 1;
	}
	if ((p = dm_sfile_get(m[i].f)) == NULL)
		return m[i].live = 0;
	memcpy(m[i].rec, p, r->recsz);
	put64(m[i].rec + r->recsz - 8, (uint64_t)m[i].shard << SHARDBITS |
	    (get64(p + r->recsz - 8) & LINEMASK));
	return m[i].live = 1;
}

/* Merges the n sources of m into out (a run), or into the groups of the
 * pairs when out is NULL; closes them. */
static void
mmerge(struct dedup_run *r, struct merger *m, size_t n, struct runout *out,
    struct dedup_group *g)
{
	size_t *heap, nh, i;

	heap = dm_xcalloc(n, sizeof *heap);
	for (nh = 0, i = 0; i < n; i++)
		if (mnext(r, m, i))
			heap[nh++] = i;
	for (i = nh; i-- > 0; )
		msift(r, m, heap, nh, i);
	while (nh > 0 && !dm_interrupted) {
		i = heap[0];
		if (out == NULL)
			dm_dedup_addrec(r, g, m[i].rec);
		else {
			if (out->len + r->recsz > sizeof out->buf)
				runflush(r, out);
			memcpy(out->buf + out->len, m[i].rec, r->recsz);
			out->len += r->recsz;
		}
		if (!mnext(r, m, i))
			heap[0] = heap[--nh];
		msift(r, m, heap, nh, 0);
	}
	for (i = 0; i < n; i++) {
		if (m[i].f)
			dm_sfile_close(m[i].f);
		free(m[i].run);
		m[i].f = NULL;
		m[i].run = NULL;
	}
	if (out)
		runflush(r, out);
	free(heap);
}

/* Source i of m reads the run [off, end) of fd. */
static void
runsource(struct merger *m, int fd, off_t off, off_t end)
{
	unsigned char *rec = m->rec;

	memset(m, 0, sizeof *m);
	m->rec = rec;
	m->runfd = fd;
	m->off = off;
	m->end = end;
	m->run = dm_xmalloc(RUNBUF);
}

/*
 * The descriptors pairs may hold at once for its sources: the soft limit,
 * raised to the hard one, less those of the rest (the standard ones, the
 * output, the files of the runs, a few more, and with --verify the sets
 * and indexes of up to r->setmax shards, set here).
 */
static size_t
maxsources(struct dedup_run *r)
{
	unsigned long long n;

	if ((n = dm_nofile_raise()) == 0)
		n = 256;
	if (n > 1 << 20)
		n = 1 << 20;
	r->setmax = n / 8 < 32 ? (n / 8 ? n / 8 : 1) : 32;
	n = n < 24 + 2 * r->setmax ? 0 : n - 24 - (r->verify ? 2 *
	    r->setmax : 0);
	/* and as many as --memory has room for: each open shard has a
	 * read buffer and its current record */
	if (n > r->memory / (DM_SFILE_RBUF + 2 * r->recsz))
		n = r->memory / (DM_SFILE_RBUF + 2 * r->recsz);
	return n < 4 ? 4 : (size_t)n;
}

/* pairs of a run signed with --verify: the shingle sets of the shards,
 * from sign's SIGDIR/sets, which must be of the shards of the signatures
 * (their tags). */
static void
opensets(struct dedup_run *r, const char *sigdir, const char *set,
    char **names, const uint64_t *ids, size_t ns)
{
	static int verified;	/* once, for the first band */
	struct dm_buf path = DM_BUF_INIT, err = DM_BUF_INIT;
	uint64_t tag;
	size_t i;
	int k, fd;

	/* every file is checked whole first, one at a time; dedup-side.c
	 * opens them again as the candidates need them */
	for (i = 0; i < ns; i++)
		for (k = 0; k < 2; k++) {
			dm_buf_reset(&path);
			dm_buf_addf(&path, "%s/sets/%s.%s", sigdir, names[i],
			    k ? "idx" : "set");
			if ((fd = open(path.buf, O_RDONLY | O_CLOEXEC)) < 0)
				dm_die("%s: %s", path.buf, strerror(errno));
			if (!verified && dm_sfile_verify(fd, path.buf, k ?
			    DM_SFILE_SETIDX : DM_SFILE_SETS, &tag, &err) < 0)
				dm_die("%s", err.buf);
			if (!verified && tag != dm_sfile_tag(set, names[i],
			    ids[2 * i], ids[2 * i + 1]))
				dm_die("%s: shingle sets of another input or "
				    "settings than the signatures", path.buf);
			close(fd);
		}
	verified = 1;
	r->setfds = dm_xreallocarray(NULL, ns, sizeof *r->setfds);
	r->idxfds = dm_xreallocarray(NULL, ns, sizeof *r->idxfds);
	r->setused = dm_xcalloc(ns, sizeof *r->setused);
	for (i = 0; i < ns; i++)
		r->setfds[i] = r->idxfds[i] = -1;
	r->setdir = sigdir;
	r->setnames = names;
	r->nsetf = ns;
	r->nsetopen = 0;
	dm_buf_free(&path);
	dm_buf_free(&err);
}

/* Opens shard i's signature file of band b into m, and checks that its
 * settings are set's (the first shard's). */
static void
openshard(struct dedup_run *r, const char *sigdir, long b, char **names,
    size_t i, const char *set, struct merger *m, uint64_t *ids)
{
	struct dm_buf path = DM_BUF_INIT, err = DM_BUF_INIT;
	unsigned char *rec = m->rec;

	dm_buf_addf(&path, "%s/band-%03ld/%s.sig", sigdir, b, names[i]);
	memset(m, 0, sizeof *m);
	m->rec = rec;
	m->shard = i;
	if ((m->f = dm_sfile_open(path.buf, DM_SFILE_SIG, &err)) == NULL)
		dm_die("%s", err.buf);
	if (set != NULL && (strcmp(dm_sfile_head(m->f)->settings, set) != 0 ||
	    dm_sfile_head(m->f)->recsz != r->recsz))
		dm_die("%s: made with other settings than '%s.sig'", path.buf,
		    names[0]);
	/* the identity of its shard, carried on to the pairs */
	ids[2 * i] = dm_sfile_head(m->f)->insize;
	ids[2 * i + 1] = dm_sfile_head(m->f)->inhash;
	dm_buf_free(&path);
	dm_buf_free(&err);
}

/* The settings of band b's first signature file in sigdir (to free), NULL
 * when there is none, and the identity of its shards (dm_sfile_ident) in
 * id: that of the inputs of its pairs. */
static char *
bandsettings(const char *sigdir, long b, uint64_t id[2])
{
	struct dm_buf path = DM_BUF_INIT, err = DM_BUF_INIT;
	struct dm_sfile *f;
	char **names, *set = NULL;
	uint64_t *ids;
	size_t n, i;

	id[0] = id[1] = 0;
	dm_buf_addf(&path, "%s/band-%03ld", sigdir, b);
	if (access(path.buf, F_OK) != 0) {
		dm_buf_free(&path);
		return NULL;
	}
	names = dm_dedup_listdir(path.buf, ".sig", &n);
	ids = dm_xreallocarray(NULL, n + 1, 2 * sizeof *ids);
	for (i = 0; i < n; i++) {
		dm_buf_reset(&path);
		dm_buf_addf(&path, "%s/band-%03ld/%s.sig", sigdir, b, names[i]);
		if ((f = dm_sfile_open(path.buf, DM_SFILE_SIG, &err)) == NULL)
			dm_die("%s", err.buf);
		if (i == 0)
			set = dm_xstrdup(dm_sfile_head(f)->settings);
		ids[2 * i] = dm_sfile_head(f)->insize;
		ids[2 * i + 1] = dm_sfile_head(f)->inhash;
		dm_sfile_close(f);
	}
	dm_sfile_ident(names, ids, n, id);
	free(ids);
	dm_dedup_freenames(names, n);
	dm_buf_free(&path);
	dm_buf_free(&err);
	return set;
}

/* pairs: the candidate pairs of some bands, from every shard's file. */
/*
 * The shards of band b (names, sorted) must be those sign wrote labels
 * for (labs, sorted), as sign writes a shard's labels first and then its
 * band files: a shard missing from one band (a sign that was killed, a
 * file lost in a copy) would leave its duplicates in that band unfound.
 */
static void
sameshards(const char *sigdir, long b, char **names, size_t ns, char **labs,
    size_t nl)
{
	size_t i = 0, j = 0;
	int c;

	while (i < ns || j < nl) {
		c = i == ns ? 1 : j == nl ? -1 : strcmp(names[i], labs[j]);
		if (c > 0)
			dm_die("%s/band-%03ld/%s.sig: missing (sign wrote "
			    "%s/labels/%s.lab)", sigdir, b, labs[j], sigdir,
			    labs[j]);
		if (c < 0)
			dm_die("%s/band-%03ld/%s.sig: no labels of its shard "
			    "(%s/labels/%s.lab)", sigdir, b, names[i], sigdir,
			    names[i]);
		i++;
		j++;
	}
}

int
dm_dedup_stage_pairs(struct dedup_run *r, int argc, char **argv)
{
	struct dm_buf path = DM_BUF_INIT, err = DM_BUF_INIT;
	struct dm_shead h;
	struct dedup_group g;
	struct merger *m, first;
	struct runout *o;
	size_t i, j, k, ns, nbd, nb, nl = 0, maxs, nsrc, n, nrec, nd, nd2;
	unsigned char *recs;
	uint64_t *ids, id[2];
	char **names, **bands, **labs, *end, *set, *bset;
	off_t *runs = NULL;
	long lo = 0, hi = -1, b;
	int kept, fd = -1;

	if (argc != 1)
		dm_usage_die(dm_dedup_usage,
		    "pairs reads one signature directory");
	memset(&g, 0, sizeof g);
	/* band-NNN, beside labels/ and sets/ */
	bands = dm_dedup_listdir(argv[0], "", &nbd);
	for (i = nb = 0; i < nbd; i++)
		nb += strncmp(bands[i], "band-", 5) == 0;
	if (nb == 0)
		dm_die("%s: no signatures (no band-NNN directories)", argv[0]);
	if (r->bandarg) {
		/* digits only: strtol took ' 3', '+3', and '0-' as 0-0 */
		nd = strspn(r->bandarg, "0123456789");
		nd2 = r->bandarg[nd] == '-' ?
		    strspn(r->bandarg + nd + 1, "0123456789") : 0;
		errno = 0;
		lo = hi = strtol(r->bandarg, &end, 10);
		if (*end == '-' && nd2 > 0)
			hi = strtol(end + 1, &end, 10);
		if (nd == 0 || *end || errno || hi < lo)
			dm_usage_die(dm_dedup_usage,
			    "--band: '%s' is not N or N-M",
			    dm_quote(r->bandarg));
		if (hi >= (long)nb)
			dm_die("--band %s: %s has %zu bands, 0 to %zu",
			    r->bandarg, argv[0], nb, nb - 1);
	} else
		hi = (long)nb - 1;
	/* the shards sign wrote labels for (labels/ of another tool's
	 * making, or removed, leaves the bands unchecked) */
	dm_buf_addf(&path, "%s/labels", argv[0]);
	labs = access(path.buf, F_OK) == 0 ?
	    dm_dedup_listdir(path.buf, ".lab", &nl) : NULL;
	if (dm_mkdirs(r->outdir) < 0)
		exit(DM_EXIT_ERROR);
	for (b = lo; b <= hi && !dm_interrupted; b++) {
		dm_buf_reset(&path);
		dm_buf_addf(&path, "%s/band-%03ld.pairs", r->outdir, b);
		if (access(path.buf, F_OK) == 0 && r->resume) {
			/* kept when made from signatures of these settings
			 * and shards */
			set = bandsettings(argv[0], b, id);
			kept = dm_dedup_done(r, path.buf, DM_SFILE_PAIRS, set,
			    set ? id : NULL);
			free(set);
			if (kept)
				continue;
		} else if (dm_dedup_done(r, path.buf, DM_SFILE_PAIRS, NULL,
		    NULL))
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
		/* the settings of the first shard's file, which the others
		 * must have */
		ids = dm_xreallocarray(NULL, ns, 2 * sizeof *ids);
		openshard(r, argv[0], b, names, 0, NULL, &first, ids);
		dm_buf_reset(&path);
		dm_buf_addf(&path, "%s/band-%03ld/%s.sig", argv[0], b, names[0]);
		bset = dm_xstrdup(dm_sfile_head(first.f)->settings);
		dm_dedup_usesettings(r, path.buf, bset);
		if (b >= nbands(r))
			dm_die("%s/band-%03ld: not a band of the settings (%d "
			    "bands)", argv[0], b, nbands(r));
		r->recsz = dm_sfile_head(first.f)->recsz;
		r->keysz = dm_sfile_head(first.f)->keysz;
		if (r->recsz > DM_DEDUP_MAXREC || r->recsz < 8)
			dm_die("%s: damaged stage file", path.buf);
		maxs = maxsources(r);
		m = dm_xcalloc(ns, sizeof *m);
		/* the current records of the sources open at once: shards
		 * (up to maxs) or runs (up to RUNFANIN); a band of 4096 rows
		 * makes a record of 32 KB */
		nrec = ns < (maxs > RUNFANIN ? maxs : RUNFANIN) ? ns :
		    (maxs > RUNFANIN ? maxs : RUNFANIN);
		recs = dm_xreallocarray(NULL, nrec, r->recsz);
		for (i = 0; i < nrec; i++)
			m[i].rec = recs + i * r->recsz;
		if (ns <= maxs) {
			/* all at once, as the shards come */
			first.rec = m[0].rec;
			m[0] = first;
			for (i = 1; i < ns; i++)
				openshard(r, argv[0], b, names, i, bset, &m[i],
				    ids);
			nsrc = ns;
		} else {
			/* groups of shards to runs in a file, then groups of
			 * runs to runs in another, until a few are left */
			dm_sfile_close(first.f);
			o = dm_xmalloc(sizeof *o);
			o->fd = dm_dedup_tmpfile(r->tmpdir);
			o->off = 0;
			o->len = 0;
			for (nsrc = 0, i = 0; i < ns; i += n, nsrc++) {
				n = ns - i < maxs ? ns - i : maxs;
				for (j = 0; j < n; j++)
					openshard(r, argv[0], b, names, i + j,
					    bset, &m[j], ids);
				runs = dm_xreallocarray(runs, nsrc + 2,
				    sizeof *runs);
				runs[nsrc] = o->off;
				mmerge(r, m, n, o, NULL);
				runs[nsrc + 1] = o->off;
			}
			fd = o->fd;
			while (nsrc > RUNFANIN) {
				o->fd = dm_dedup_tmpfile(r->tmpdir);
				o->off = 0;
				for (n = 0, i = 0; i < nsrc; i += k, n++) {
					k = nsrc - i < RUNFANIN ? nsrc - i :
					    RUNFANIN;
					for (j = 0; j < k; j++)
						runsource(&m[j], fd,
						    runs[i + j],
						    runs[i + j + 1]);
					mmerge(r, m, k, o, NULL);
					/* runs[n] <= runs[i]: read before */
					runs[n + 1] = o->off;
				}
				runs[0] = 0;
				nsrc = n;
				close(fd);
				fd = o->fd;
			}
			for (j = 0; j < nsrc; j++)
				runsource(&m[j], fd, runs[j], runs[j + 1]);
			free(o);
		}
		/* once each file was found one of these settings' */
		if (labs != NULL)
			sameshards(argv[0], b, names, ns, labs, nl);
		if (r->verify)
			opensets(r, argv[0], bset, names, ids, ns);
		memset(&h, 0, sizeof h);
		h.kind = DM_SFILE_PAIRS;
		h.recsz = 16;
		h.keysz = 16;
		h.settings = bset;
		h.names = names;
		h.ids = ids;
		h.nnames = ns;
		dm_sfile_ident(names, ids, ns, id);
		h.insize = id[0];
		h.inhash = id[1];
		dm_buf_reset(&path);
		dm_buf_addf(&path, "%s/band-%03ld.pairs", r->outdir, b);
		r->pairs = dm_sfile_create(path.buf, &h);
		mmerge(r, m, nsrc, NULL, &g);
		if (fd >= 0)
			close(fd);
		fd = -1;
		free(runs);
		runs = NULL;
		dm_dedup_group(r, &g);
		dm_sfile_commit(r->pairs);
		r->pairs = NULL;
		if (r->verify)
			dm_dedup_closesets(r);
		free(m);
		free(recs);
		free(bset);
		free(ids);
		dm_dedup_freenames(names, ns);
		for (i = 0; i < r->nkeys; i++)
			free(r->keys[i]);
		free(r->keys);
		r->keys = NULL;
		r->nkeys = 0;
	}
	dm_dedup_groupfree(&g);
	dm_dedup_freenames(bands, nbd);
	dm_dedup_freenames(labs, nl);
	dm_buf_free(&path);
	dm_buf_free(&err);
	return DM_EXIT_OK;
}

/* cluster --labels: the label (id, or file:line) of each root of dups,
 * from the labels sign wrote; dies on a damaged labels file, or one of
 * another shard than the pairs' signatures (by its tag), before any
 * output is written. */
static void
readlabels(struct dedup_run *r, const char *set, char **names,
    const uint64_t *ids, size_t nn, const uint64_t *dups, size_t ndups,
    struct dedup_labels *l)
{
	struct dm_buf path = DM_BUF_INIT;
	char *line = NULL, *tab, *end;
	size_t cap = 0, i, j;
	ssize_t n;
	uint64_t x, tag;
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
		dm_buf_reset(&path);
		dm_buf_addf(&path, "%s/labels/%s.lab", r->labels, names[j]);
		if ((f = dm_dedup_sideopen(path.buf, ".lab", &tag)) == NULL)
			dm_die("%s: %s", path.buf, strerror(errno));
		if (tag != dm_sfile_tag(set, names[j], ids[2 * j],
		    ids[2 * j + 1]))
			dm_die("%s: labels of another input or settings than "
			    "the signatures of the pairs", path.buf);
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
	/* a kept sample has a label: one missing would mark its
	 * duplicates as kept */
	for (i = 0; i < l->n; i++)
		if (l->label[i] == NULL)
			dm_die("%s/labels/%s.lab: no label for line %llu",
			    r->labels, names[l->root[i] >> SHARDBITS],
			    (unsigned long long)(l->root[i] & LINEMASK) + 1);
	free(line);
	dm_buf_free(&path);
}

/* cluster --labels: NAME.mark beside each NAME.rm, a line a removal
 * record: the label of the sample it duplicates; left under temporary
 * names. */
static void
writemarks(struct dedup_run *r, const char *set, char **names,
    const uint64_t *ids, size_t nn, const uint64_t *dups, size_t ndups,
    const struct dedup_labels *l)
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
		dm_dedup_sideseal(r, ".", names[j], ".mark", f,
		    dm_sfile_tag(set, names[j], ids[2 * j], ids[2 * j + 1]));
	}
}

static int
cmpname(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * cluster: the names of the pairs files (names, n of them, sorted) must
 * be those of the bands (or SimHash tables) of the settings, each once: a
 * band missing would leave its duplicates in, one more is of other
 * signatures. Returns them in the order of the bands (which is not the
 * order of the names past band-999), the settings taken into r.
 */
static char **
bandfiles(struct dedup_run *r, const char *dir, char **names, size_t *n)
{
	struct dm_buf path = DM_BUF_INIT, err = DM_BUF_INIT;
	struct dm_sfile *f;
	char **v, *want, *end;
	size_t i;
	long b, nb;

	dm_buf_addf(&path, "%s/%s.pairs", dir, names[0]);
	if ((f = dm_sfile_open(path.buf, DM_SFILE_PAIRS, &err)) == NULL)
		dm_die("%s", err.buf);
	dm_dedup_usesettings(r, path.buf, dm_sfile_head(f)->settings);
	dm_sfile_close(f);
	nb = nbands(r);
	for (i = 0; i < *n; i++) {
		b = strncmp(names[i], "band-", 5) == 0 ? strtol(names[i] + 5,
		    &end, 10) : -1;
		dm_buf_reset(&path);
		dm_buf_addf(&path, "band-%03ld", b);
		if (b < 0 || b >= nb || strcmp(path.buf, names[i]) != 0)
			dm_die("%s/%s.pairs: not a band of the settings (%ld "
			    "bands)", dir, names[i], nb);
	}
	v = dm_xcalloc((size_t)nb + 1, sizeof *v);
	for (b = 0; b < nb; b++) {
		dm_buf_reset(&path);
		dm_buf_addf(&path, "band-%03ld", b);
		want = path.buf;
		if (bsearch(&want, names, *n, sizeof *names, cmpname) == NULL)
			dm_die("%s/%s.pairs: missing (the settings have %ld "
			    "bands)", dir, path.buf, nb);
		v[b] = dm_xstrdup(path.buf);
	}
	dm_dedup_freenames(names, *n);
	*n = (size_t)nb;
	dm_buf_free(&path);
	dm_buf_free(&err);
	return v;
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
	uint64_t *dups, *ids = NULL, id[2] = { 0, 0 }, tag;
	int todo = 0;

	if (argc != 1)
		dm_usage_die(dm_dedup_usage,
		    "cluster reads one pairs directory");
	files = dm_dedup_listdir(argv[0], ".pairs", &nf);
	if (nf == 0)
		dm_die("%s: no pairs file", argv[0]);
	files = bandfiles(r, argv[0], files, &nf);
	memset(&first, 0, sizeof first);
	for (i = 0; i < nf && !dm_interrupted; i++) {
		dm_buf_reset(&path);
		dm_buf_addf(&path, "%s/%s.pairs", argv[0], files[i]);
		if ((f = dm_sfile_open(path.buf, DM_SFILE_PAIRS, &err)) == NULL)
			dm_die("%s", err.buf);
		h = *dm_sfile_head(f);
		if (i == 0) {
			set = dm_xstrdup(h.settings);
			dm_uf_init(&r->uf, r->d.mode == DM_DEDUP_MINHASH &&
			    r->d.preset == DM_PRESET_DATATROVE ? DM_UF_SIZE :
			    DM_UF_MIN);
			nn = h.nnames;
			names = dm_xcalloc(nn + 1, sizeof *names);
			ids = dm_xreallocarray(NULL, nn + 1, 2 * sizeof *ids);
			for (j = 0; j < nn; j++) {
				names[j] = dm_xstrdup(h.names[j]);
				ids[2 * j] = h.ids[2 * j];
				ids[2 * j + 1] = h.ids[2 * j + 1];
			}
			id[0] = h.insize;
			id[1] = h.inhash;
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
			if (h.insize != id[0] || h.inhash != id[1])
				dm_die("%s: made from other signatures than "
				    "'%s.pairs'", path.buf, files[0]);
		}
		while ((p = dm_sfile_get(f)) != NULL)
			dm_uf_union(&r->uf, get64(p), get64(p + 8));
		dm_sfile_close(f);
	}
	for (j = 0; j < nn; j++) {
		dm_buf_reset(&path);
		dm_buf_addf(&path, "%s/%s.rm", r->outdir, names[j]);
		/* kept when made from pairs of these settings and shards */
		todo |= !dm_dedup_done(r, path.buf, DM_SFILE_REMOVE, set, id);
		dm_buf_reset(&path);
		dm_buf_addf(&path, "%s/%s.mark", r->outdir, names[j]);
		tag = dm_sfile_tag(set, names[j], ids[2 * j], ids[2 * j + 1]);
		todo |= r->labels &&
		    !dm_dedup_done(r, path.buf, DM_SFILE_MARKS, NULL, &tag);
	}
	if (todo && !dm_interrupted) {
		/* all or nothing: everything is read and written under
		 * temporary names before the first output gets its name */
		ndups = dm_uf_dups(&r->uf, &dups);
		if (r->labels)
			readlabels(r, set, names, ids, nn, dups, ndups, &l);
		if (dm_mkdirs(r->outdir) < 0)
			exit(DM_EXIT_ERROR);
		memset(&h, 0, sizeof h);
		h.kind = DM_SFILE_REMOVE;
		h.recsz = 16;
		h.keysz = 8;
		h.settings = set;
		h.insize = id[0];
		h.inhash = id[1];
		for (k = 0, j = 0; j < nn; j++) {
			/* a shard's removals name it alone, with the identity
			 * of every shard: apply needs no other, and all the
			 * names in each would make the files of N shards
			 * take N times N names */
			h.names = names + j;
			h.ids = ids + 2 * j;
			h.nnames = 1;
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
			writemarks(r, set, names, ids, nn, dups, ndups, &l);
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
	free(ids);
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
 * out again, silently (sign said them), and make the exit status 1 as
 * in the single command. */
int
dm_dedup_stage_apply(struct dedup_run *r, int argc, char **argv)
{
	struct dm_buf path = DM_BUF_INIT, err = DM_BUF_INIT;
	struct dm_reader *in = &r->io.in;
	struct dm_sample *s = &r->io.s;
	struct dm_sfile *f;
	const struct dm_shead *h;
	const unsigned char *p;
	const char *line, *t, *name;
	uint64_t *rm = NULL, idx = 0, tag, want[2];
	size_t nrm = 0, cap = 0, len, col, n, k = 0, i;
	unsigned long long left = 0, ndups = 0;
	int ok, status, got;
	char **mk = NULL;

	if (argc != 2 && !(argc == 1 && r->shard))
		dm_usage_die(dm_dedup_usage, "apply reads a removals "
		    "directory and one "
		    "shard");
	name = shardname(r, argc > 1 ? argv[1] : NULL);
	dm_buf_addf(&path, "%s/%s.rm", argv[0], name);
	if ((f = dm_sfile_open(path.buf, DM_SFILE_REMOVE, &err)) == NULL)
		dm_die("%s", err.buf);
	h = dm_sfile_head(f);
	dm_dedup_usesettings(r, path.buf, h->settings);
	/* the shard's identity: its bytes must be those it was signed from
	 * (a pipe's are known at its end), and its marks have its tag */
	for (i = 0; i < h->nnames; i++)
		if (strcmp(h->names[i], name) == 0)
			break;
	if (i == h->nnames)
		dm_die("%s: no shard '%s' in the removals", path.buf, name);
	want[0] = h->ids[2 * i];
	want[1] = h->ids[2 * i + 1];
	tag = dm_sfile_tag(h->settings, name, want[0], want[1]);
	dm_dedup_inputid(r, argc > 1 ? argv[1] : NULL);
	if (!r->inpipe && (r->in[0] != want[0] || r->in[1] != want[1]))
		dm_die("%s: other bytes than those of the shard the removals "
		    "were made from (%s)", argc > 1 && strcmp(argv[1], "-") !=
		    0 ? argv[1] : "<stdin>", path.buf);
	while ((p = dm_sfile_get(f)) != NULL) {
		if (nrm == cap) {
			cap = cap ? 2 * cap : 1024;
			rm = dm_xreallocarray(rm, cap, sizeof *rm);
		}
		rm[nrm++] = get64(p);
	}
	dm_sfile_close(f);
	if (r->mark)
		mk = dm_dedup_readmarks(path.buf, nrm, tag);
	/* --rejects and --on-error for the samples --mark cannot mark; the
	 * lines are read with sign's --max-line (from the settings): a
	 * longer one is skipped, not read whole */
	dm_dedup_inputtap(r);
	dm_io_open(&r->io, argc - 1, argv + 1);
	in->spooled = r->spooled;
	while ((got = dm_reader_next(in, &line, &len)) != 0) {
		uint64_t cur = idx++;

		r->io.nin++;
		if (got == 2 || dm_sample_load(s, line, len, in->name,
		    in->lineno, &err, &col) < 0) {
			left++;
			continue;
		}
		for (ok = 1, i = 0; ok && i < r->nkeys; i++)
			ok = dm_sample_text(s, r->keys[i], &t, &n, &err) == 0;
		if (!ok) {
			left++;
			continue;
		}
		while (k < nrm && rm[k] < cur)
			k++;
		ndups += k < nrm && rm[k] == cur;
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
	/* read whole: no removal may be past its end, and a pipe's bytes
	 * are known now */
	if (got == 0 && !dm_interrupted && !in->nerrors) {
		if (r->inpipe) {
			dm_dedup_inputend(r);
			if (r->in[0] != want[0] || r->in[1] != want[1])
				dm_die("<stdin>: other bytes than those of the "
				    "shard the removals were made from (%s)",
				    path.buf);
		}
		while (k < nrm && rm[k] < idx)
			k++;
		if (k < nrm)
			dm_die("%s: a removal past the end of %s (sample "
			    "%llu of %llu)", path.buf, argc > 1 &&
			    strcmp(argv[1], "-") != 0 ? argv[1] : "<stdin>",
			    (unsigned long long)rm[k] + 1,
			    (unsigned long long)idx);
	}
	/* the report of the single command: the duplicates, and the
	 * lines sign rejected among the rejected ones */
	dm_report_set_int("duplicates", (long long)ndups);
	if (!r->mark && ndups)
		dm_report_drop("duplicate", ndups);
	status = dm_io_close(&r->io);
	dm_report_counts(r->io.nin, r->io.nout, r->io.nrejected + left);
	if (left && status == DM_EXIT_OK)
		status = DM_EXIT_REJECTS;
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
