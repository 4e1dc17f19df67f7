/* runhosts.c - dm-run's host table: built once, opened, down and up, --check */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"

/* The entry as written without its slot count: "4/dm@node2:22" gives
 * "dm@node2:22". */
static const char *
hostname(const struct dm_host *h)
{
	const char *slash = strchr(h->spec, '/');

	return h->slots && slash ? slash + 1 : h->spec;
}

void
dm_runhosts_init(struct dm_sched *S)
{
	const struct dm_runopts *o = S->o;
	size_t i;

	if (o->spool) {
		S->nhosts = 1;
		S->hosts = dm_xcalloc(1, sizeof *S->hosts);
		S->hosts[0].name = "slurm";
		S->hosts[0].be = &dm_backend_slurm;
		return;
	}
	if (o->hosts == NULL) {
		S->nhosts = 1;
		S->hosts = dm_xcalloc(1, sizeof *S->hosts);
		S->hosts[0].name = ":";
		S->hosts[0].be = &dm_backend_local;
		return;
	}
	S->nhosts = (int)o->hosts->n;
	S->hosts = dm_xcalloc(o->hosts->n, sizeof *S->hosts);
	for (i = 0; i < o->hosts->n; i++) {
		S->hosts[i].h = &o->hosts->v[i];
		S->hosts[i].name = hostname(&o->hosts->v[i]);
		S->hosts[i].be = o->hosts->v[i].name ? &dm_backend_ssh :
		    &dm_backend_local;
	}
}

/*
 * Descriptors a slot may hold: its attempt's three pipes, and the spill
 * files of the two outputs or so a slot's share of the window holds (see
 * setup); and those of the rest of the run: the standard ones, the self
 * pipe, the keeper's, the job log, --rejects, the manifest, the input and
 * its decompressors, and the pipes of the attempt being started.
 */
#define FDSLOT		5
#define FDRESERVE	64

/*
 * Slots that need more descriptors than the process may open would make
 * the run die part-way (a pipe(2) failing with EMFILE): the soft limit is
 * raised to the hard one first, and when that is still too few, the
 * slots are cut down, from the hosts that have the most, with a warning.
 * Slurm's slots are array elements elsewhere, holding nothing here.
 */
static void
capslots(struct dm_sched *S)
{
	unsigned long long lim;
	long max, total = 0, was;
	int k, most;

	if (S->o->spool)
		return;
	if ((lim = dm_nofile_raise()) == 0)
		lim = 1024;
	if (lim > 1 << 24)
		lim = 1 << 24;
	max = lim > FDRESERVE + FDSLOT ? (long)(lim - FDRESERVE) / FDSLOT : 1;
	for (k = 0; k < S->nhosts; k++)
		total += S->hosts[k].nslots;
	if (total <= max)
		return;
	was = total;
	while (total > max) {
		for (most = -1, k = 0; k < S->nhosts; k++)
			if (S->hosts[k].nslots > 1 && (most < 0 ||
			    S->hosts[k].nslots > S->hosts[most].nslots))
				most = k;
		if (most < 0)
			break;
		S->hosts[most].nslots--;
		total--;
	}
	dm_warn("%ld jobs at a time need more open files than the limit of "
	    "%llu allows (ulimit -n); running %ld at a time", was,
	    (unsigned long long)lim, total);
}

void
dm_runhosts_open(struct dm_sched *S)
{
	size_t n;
	int i, k;

	for (k = 0; k < S->nhosts; k++)
		(void)S->hosts[k].be->open(S, &S->hosts[k]);
	if (!dm_runhost_otherup(S, NULL)) {
		/* a SIGINT or SIGTERM while the hosts were connected cut
		 * their probes short: dm-run dies of it (dm_exit) */
		if (!dm_interrupted)
			dm_warn("no host is up");
		dm_runhosts_close(S);
		exit(dm_interrupted ? dm_exit(DM_EXIT_ERROR) : DM_EXIT_ERROR);
	}
	capslots(S);
	for (k = 0; k < S->nhosts; k++)
		S->nslots += S->hosts[k].nslots;
	S->slots = dm_xcalloc((size_t)S->nslots, sizeof *S->slots);
	for (n = 0, k = 0; k < S->nhosts; k++)
		for (i = 0; i < S->hosts[k].nslots; i++, n++) {
			S->slots[n].host = &S->hosts[k];
			S->slots[n].id = (int)n + 1;
		}
}

double
dm_runhosts_tick(struct dm_sched *S, double t)
{
	double next = 0, w;
	int i;

	for (i = 0; i < S->nhosts; i++) {
		if (S->hosts[i].be->tick == NULL)
			continue;
		w = S->hosts[i].be->tick(S, &S->hosts[i], t);
		if (w > 0 && (next == 0 || w < next))
			next = w;
	}
	return next;
}

void
dm_runhosts_close(struct dm_sched *S)
{
	int i, k;

	for (i = 0; i < S->nhosts; i++) {
		const struct dm_backend *be = S->hosts[i].be;

		for (k = 0; k < i && S->hosts[k].be != be; k++)
			;
		if (k == i && be->close)
			be->close(S);
	}
	free(S->hosts);
	S->hosts = NULL;
	S->nhosts = 0;
}

void
dm_runhost_down(struct dm_sched *S, struct dm_runhost *h, const char *why)
{
	int k;

	h->down = 1;
	h->retryat = dm_now() + S->o->hostretry;
	dm_warn("host '%s' is down: %s; trying it again in %gs", h->name, why,
	    S->o->hostretry);
	for (k = 0; k < S->nslots; k++)
		if (S->slots[k].host == h && S->slots[k].job &&
		    !S->slots[k].job->reaped) {
			S->slots[k].job->lost = 1;
			dm_job_stop(S, S->slots[k].job, 0, 1);
		}
}

int
dm_runhost_otherup(const struct dm_sched *S, const struct dm_runhost *h)
{
	int i;

	for (i = 0; i < S->nhosts; i++)
		if (&S->hosts[i] != h && !S->hosts[i].down)
			return 1;
	return 0;
}

/* ---- --check ---- */

int
dm_run_check(const struct dm_runopts *o)
{
	struct dm_sched S;
	struct dm_probe *pv;
	struct dm_buf why = DM_BUF_INIT, *rows;
	char want[64];
	const char *hdr[6] = { "HOST", "SLOTS", "MACHINE", "SH", "DM", "STATUS" };
	size_t w[6], i, c, n;
	int bad = 0;

	memset(&S, 0, sizeof S);
	S.o = o;
	dm_runhosts_init(&S);
	n = (size_t)S.nhosts;
	pv = dm_xcalloc(n, sizeof *pv);
	rows = dm_xcalloc(n * 6, sizeof *rows);
	snprintf(want, sizeof want, "dm %s", DM_VERSION);
	for (i = 0; i < n; i++) {
		struct dm_runhost *h = &S.hosts[i];
		struct dm_buf *r = &rows[i * 6];
		struct dm_probe *p = &pv[i];
		int slots = h->h ? h->h->slots : 0;

		for (c = 0; c < 6; c++)
			dm_buf_init(&r[c]);
		dm_buf_adds(&r[0], h->name);
		dm_buf_reset(&why);
		if (h->be->check(&S, h, p, &why) < 0) {
			for (c = 1; c < 5; c++)
				dm_buf_adds(&r[c], "-");
			dm_buf_addf(&r[5], "down: %s", why.buf);
			bad = 1;
			continue;
		}
		dm_buf_addf(&r[1], "%d", slots ? slots : p->cores);
		dm_buf_adds(&r[2], p->machine);
		dm_buf_adds(&r[3], p->has_sh ? "yes" : "no");
		if (p->version[0])
			dm_buf_adds(&r[4], p->version);
		else if (p->shipped[0])
			dm_buf_addf(&r[4], "%s (shipped)", p->shipped);
		else
			dm_buf_adds(&r[4], "missing");
		if (why.len) {
			dm_buf_adds(&r[5], why.buf);
			bad = 1;
		} else if (!p->has_sh) {
			dm_buf_adds(&r[5], "no sh");
			bad = 1;
		} else if (strcmp(p->version, want) == 0 ||
		    (o->ship && strcmp(p->shipped, want) == 0))
			dm_buf_adds(&r[5], "ok");
		else if (strcmp(p->shipped, want) == 0) {
			/* the jobs of a run without --ship never see the
			 * shipped copy: it is not on their PATH */
			dm_buf_addf(&r[5], "%s only shipped (use --ship)", want);
			bad = 1;
		}
		else if (p->version[0] == '\0' && p->shipped[0] == '\0') {
			dm_buf_adds(&r[5], "dm not found (try --ship)");
			bad = 1;
		} else {
			dm_buf_addf(&r[5], "not %s (try --ship)", want);
			bad = 1;
		}
	}
	for (c = 0; c < 6; c++) {
		w[c] = strlen(hdr[c]);
		for (i = 0; i < n; i++)
			if (rows[i * 6 + c].len > w[c])
				w[c] = rows[i * 6 + c].len;
	}
	for (c = 0; c < 6; c++)
		if (c < 5)
			printf("%-*s  ", (int)w[c], hdr[c]);
		else
			printf("%s\n", hdr[c]);
	for (i = 0; i < n; i++)
		for (c = 0; c < 6; c++)
			if (c < 5)
				printf("%-*s  ", (int)w[c], rows[i * 6 + c].buf);
			else
				printf("%s\n", rows[i * 6 + c].buf);
	for (i = 0; i < n * 6; i++)
		dm_buf_free(&rows[i]);
	free(rows);
	free(pv);
	dm_buf_free(&why);
	dm_runhosts_close(&S);
	return bad ? 1 : 0;
}
