/* runssh.c - dm-run's backend of ssh hosts: probe, ship, remote jobs */
#include <sys/wait.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"

/* The shared connections and --env's values, made with the first host. */
static void
sshinit(struct dm_sched *S)
{
	const struct dm_runopts *o = S->o;
	struct dm_buf err = DM_BUF_INIT;
	size_t n;
	char **v;

	if (S->usessh)
		return;
	if (dm_ssh_init(&S->ssh, o->ssh, &err) < 0)
		dm_die("%s", err.buf);
	dm_buf_free(&err);
	S->usessh = 1;
	/* --env: the values of here, for the hosts */
	for (n = 0, v = o->env; v && *v; v++)
		n++;
	S->envpairs = dm_xcalloc(n + 1, sizeof *S->envpairs);
	for (n = 0, v = o->env; v && *v; v++)
		if (getenv(*v)) {
			struct dm_buf b = DM_BUF_INIT;

			dm_buf_addf(&b, "%s=%s", *v, getenv(*v));
			S->envpairs[n++] = dm_buf_detach(&b, NULL);
		}
}

/* Runs the command line cmd on h through its connection and waits for
 * it, in[0..n) on its stdin; the status, as dm_spawn_capture gives it. */
static int
onhost(struct dm_sched *S, const struct dm_runhost *h, const char *cmd,
    const char *in, size_t n, struct dm_buf *out, struct dm_buf *err,
    int timeout_ms)
{
	char **v = dm_ssh_argv(&S->ssh, h->h, cmd, NULL);
	int st = dm_spawn_capture(v, in, n, out, err, timeout_ms);

	dm_argv_free(v);
	return st;
}

/* Stops the attempts of job (every job of this run when job < 0) on h. */
static void
remotekill(struct dm_sched *S, struct dm_runhost *h, long job)
{
	struct dm_buf cmd = DM_BUF_INIT;

	dm_remote_kill(&cmd, &S->ssh, job);
	(void)onhost(S, h, cmd.buf, NULL, 0, NULL, NULL, DM_RUN_PROBE_MS);
	dm_buf_free(&cmd);
}

/* The last line of what a failed ssh said, for a message. */
static void
lastline(struct dm_buf *why, const struct dm_buf *err)
{
	const char *p = err->buf, *end = err->buf + err->len, *nl;

	while (end > p && (end[-1] == '\n' || end[-1] == '\r'))
		end--;
	for (nl = end; nl > p && nl[-1] != '\n'; nl--)
		;
	if (end > nl) {
		dm_buf_adds(why, ": ");
		dm_buf_addquoted(why, nl, (size_t)(end - nl), 300);
	}
}

static void
statusword(struct dm_buf *why, int st)
{
	if (st < 0)
		dm_buf_addf(why, "ssh could not be started: %s", strerror(errno));
	else if (WIFEXITED(st))
		dm_buf_addf(why, "ssh exited %d", WEXITSTATUS(st));
	else
		dm_buf_addf(why, "ssh killed by signal %d", WTERMSIG(st));
}

/* Runs the probe on h: 0 and *p filled, or -1 with the reason in why. The
 * first ssh to a host also opens its shared connection. */
static int
probe(struct dm_sched *S, const struct dm_runhost *h, struct dm_probe *p,
    struct dm_buf *why)
{
	struct dm_buf cmd = DM_BUF_INIT, out = DM_BUF_INIT, err = DM_BUF_INIT;
	int st, rc = 0;

	sshinit(S);
	dm_remote_probe(&cmd, DM_RUN_SHIPDIR);
	st = onhost(S, h, cmd.buf, NULL, 0, &out, &err, DM_RUN_PROBE_MS);
	if (st != 0 || dm_remote_parse_probe(out.buf, p) < 0) {
		if (st == 0)
			dm_buf_adds(why, "the probe's output is not understood");
		else {
			statusword(why, st);
			lastline(why, &err);
		}
		rc = -1;
	}
	dm_buf_free(&cmd);
	dm_buf_free(&out);
	dm_buf_free(&err);
	return rc;
}

/* Copies this dm to h when its copy is missing or another version: 0, or
 * -1 with the reason in why (refused: another machine). */
static int
ship(struct dm_sched *S, const struct dm_runhost *h, struct dm_probe *p,
    struct dm_buf *why, int *refused)
{
	struct dm_buf cmd = DM_BUF_INIT, out = DM_BUF_INIT, err = DM_BUF_INIT;
	char want[64];
	int st, rc = 0;

	snprintf(want, sizeof want, "dm %s", DM_VERSION);
	if (strcmp(p->shipped, want) == 0)
		return 0;
	if (strcmp(p->machine, dm_local_machine()) != 0) {
		dm_buf_addf(why, "it is %s and this dm is built for %s: not "
		    "shipping", p->machine, dm_local_machine());
		*refused = 1;
		return -1;
	}
	if (S->tar.len == 0 && dm_ship_tar(&S->tar, why) < 0) {
		/* never half a dm to the next host */
		dm_buf_reset(&S->tar);
		*refused = 1;
		return -1;
	}
	dm_remote_unpack(&cmd, DM_RUN_SHIPDIR);
	st = onhost(S, h, cmd.buf, S->tar.buf, S->tar.len, &out, &err,
	    10 * DM_RUN_PROBE_MS);
	if (st != 0 || strncmp(out.buf, want, strlen(want)) != 0) {
		dm_buf_adds(why, "shipping failed: ");
		if (st != 0)
			statusword(why, st);
		else
			dm_buf_adds(why, "the copy does not run");
		lastline(why, &err);
		rc = -1;
	} else
		snprintf(p->shipped, sizeof p->shipped, "%s", want);
	dm_buf_free(&cmd);
	dm_buf_free(&out);
	dm_buf_free(&err);
	return rc;
}

/* Probes h (and ships to it with --ship): up, or down with a message. */
static int
hostup(struct dm_sched *S, struct dm_runhost *h, struct dm_probe *p)
{
	struct dm_buf why = DM_BUF_INIT;
	int refused = 0;

	if (probe(S, h, p, &why) < 0 ||
	    (S->o->ship && ship(S, h, p, &why, &refused) < 0)) {
		h->down = 1;
		h->refused = refused;
		h->retryat = dm_now() + S->o->hostretry;
		if (refused)
			dm_warn("host '%s': %s", h->name, why.buf);
		else
			dm_warn("host '%s' is down: %s; trying it again in %gs",
			    h->name, why.buf, S->o->hostretry);
		dm_buf_free(&why);
		return -1;
	}
	h->down = 0;
	h->fails = 0;
	return 0;
}

static int
ssh_open(struct dm_sched *S, struct dm_runhost *h)
{
	struct dm_probe p;

	memset(&p, 0, sizeof p);
	if (hostup(S, h, &p) == 0) {
		h->nslots = h->h->slots ? h->h->slots : p.cores;
		return 0;
	}
	/* slots for when it comes back */
	h->nslots = h->h->slots ? h->h->slots : 1;
	return -1;
}

static int
ssh_check(struct dm_sched *S, struct dm_runhost *h, struct dm_probe *p,
    struct dm_buf *why)
{
	int refused = 0;

	if (probe(S, h, p, why) < 0)
		return -1;
	if (S->o->ship)
		/* a failure is reported in the status column */
		(void)ship(S, h, p, why, &refused);
	return 0;
}

/* ssh ... host 'sh -c ...' */
static void
ssh_start(struct dm_sched *S, struct dm_jobslot *s, struct dm_job *j)
{
	const char *const compress[] = { "-o", "Compression=yes", NULL };
	struct dm_buf cmd = DM_BUF_INIT;
	char **v;

	dm_remote_job(&cmd, &S->ssh, j->cmd, (unsigned long)j->seq,
	    (unsigned)j->tries + 1, s->id, S->envpairs,
	    S->o->ship ? DM_RUN_SHIPDIR : NULL);
	v = dm_ssh_argv(&S->ssh, s->host->h, cmd.buf,
	    S->o->compress ? compress : NULL);
	dm_buf_free(&cmd);
	dm_attempt_spawn(S, s, j, v);
	dm_argv_free(v);
}

/* ssh's end does not stop the remote command: a second ssh does (stopall
 * does it once a host). */
static void
ssh_stop(struct dm_sched *S, struct dm_job *j, int quiet)
{
	dm_attempt_signal(j);
	if (!quiet && !j->slot->host->down)
		remotekill(S, j->slot->host, (long)j->seq);
}

static void
ssh_stopall(struct dm_sched *S, struct dm_runhost *h)
{
	int k;

	if (h->down)
		return;
	for (k = 0; k < S->nslots; k++)
		if (S->slots[k].host == h && S->slots[k].job)
			break;
	if (k < S->nslots)
		remotekill(S, h, -1);
}

static enum dm_end
ssh_classify(const struct dm_sched *S, const struct dm_job *j)
{
	(void)S;
	/* ssh's own failure; a command that exits 255 looks the same, and
	 * is moved too, as GNU parallel does */
	if (!j->lost && !j->timedout && !j->killed &&
	    WIFEXITED(j->wstatus) && WEXITSTATUS(j->wstatus) == 255)
		return DM_END_HOSTFAIL;
	return dm_attempt_classify(j);
}

/* Probes h again when it is down and due. */
static double
ssh_tick(struct dm_sched *S, struct dm_runhost *h, double t)
{
	struct dm_probe p;

	if (!h->down || h->refused || t < h->retryat || dm_interrupted)
		return 0;
	if (hostup(S, h, &p) == 0)
		dm_warn("host '%s' is up again", h->name);
	return 0;
}

static void
ssh_close(struct dm_sched *S)
{
	char **v;

	if (S->usessh)
		dm_ssh_close(&S->ssh, S->o->hosts);
	S->usessh = 0;
	for (v = S->envpairs; v && *v; v++)
		free(*v);
	free(S->envpairs);
	S->envpairs = NULL;
	dm_buf_free(&S->tar);
}

const struct dm_backend dm_backend_ssh = {
	.name = "ssh",
	.open = ssh_open,
	.check = ssh_check,
	.start = ssh_start,
	.stop = ssh_stop,
	.stopall = ssh_stopall,
	.classify = ssh_classify,
	.tick = ssh_tick,
	.close = ssh_close,
};
