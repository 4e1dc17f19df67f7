/* runssh.c - dm-run's backend of ssh hosts: probe, ship, remote jobs */
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend.h"

/*
 * Each host has a master connection (remote.h), a child of dm-run: opened
 * before the host's probe, watched every turn of the loop (a master that
 * ends, when ssh's keepalives go unanswered or the connection drops, puts
 * its host down at once), and replaced by a new one, on a new socket,
 * when the host is tried again. The ssh commands that stop remote jobs run
 * in the background, bounded, so that a host that hangs never holds up
 * the loop (--timeout, other hosts).
 */

#define KILL_MS		10000	/* a remote kill gives up after */
#define TICK_S		0.05	/* a master starting, a kill running */

/* A remote kill running in the background. */
struct kid {
	pid_t	 pid;
	double	 killat;
};

static struct kid *kids;
static size_t nkids, capkids;
static struct dm_sshmaster *masters;	/* one a host, as S->hosts */

/* The watchdog of a host (one a host, as S->hosts): the bytes its running
 * jobs had moved when last looked at, since when that has not changed,
 * and the ping sent after --host-timeout of that. */
struct watch {
	unsigned long long seen;
	double		 quiet;
	pid_t		 ping;
	double		 pingby;
};
static struct watch *watches;

/* A down host tried again in the background (one a host, as S->hosts):
 * its new master coming up, then the probe, then with --ship the copy of
 * dm, each a child of dm-run watched every turn of the loop with a
 * deadline of its own, so that a host that hangs at any step holds up
 * nothing else. */
enum { TRY_NONE, TRY_MASTER, TRY_PROBE, TRY_SHIP };
struct trial {
	int		 step;
	struct dm_capture c;
	struct dm_probe	 p;
};
static struct trial *trials;

static struct dm_sshmaster *
master(struct dm_sched *S, const struct dm_runhost *h)
{
	return &masters[h - S->hosts];
}

/* The master's socket, when it is up; else NULL (a connection of its own). */
static const char *
ctl(struct dm_sched *S, const struct dm_runhost *h)
{
	struct dm_sshmaster *m = master(S, h);

	return m->pid > 0 && m->ready ? m->path : NULL;
}

/* Waits for the remote kills, SIGKILL past their time (all: now). */
static double
reapkids(int all)
{
	double t = dm_now(), next = 0;
	size_t i, n = 0;
	int st;

	for (i = 0; i < nkids; i++) {
		if (waitpid(kids[i].pid, &st, WNOHANG) != 0)
			continue;
		if (all || t >= kids[i].killat) {
			kill(-kids[i].pid, SIGKILL);
			waitpid(kids[i].pid, &st, 0);
			continue;
		}
		kids[n++] = kids[i];
		next = t + TICK_S;
	}
	nkids = n;
	return next;
}

/* The shared connections and --env's values, made with the first host. */
static void
sshinit(struct dm_sched *S)
{
	const struct dm_runopts *o = S->o;
	struct dm_buf err = DM_BUF_INIT;
	size_t n;
	char **v;

	int k;

	if (S->usessh)
		return;
	if (dm_ssh_init(&S->ssh, o->ssh, &err) < 0)
		dm_die("%s", err.buf);
	dm_buf_free(&err);
	S->usessh = 1;
	masters = dm_xcalloc((size_t)S->nhosts, sizeof *masters);
	watches = dm_xcalloc((size_t)S->nhosts, sizeof *watches);
	trials = dm_xcalloc((size_t)S->nhosts, sizeof *trials);
	for (k = 0; k < S->nhosts; k++) {
		masters[k].errfd = -1;
		dm_buf_init(&masters[k].err);
		dm_capture_init(&trials[k].c);
	}
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

/* Starts the command line cmd on h through its connection, in[0..n) on
 * its stdin, into c: 0, or -1 with errno. */
static int
onhost(struct dm_sched *S, const struct dm_runhost *h, const char *cmd,
    const char *in, size_t n, struct dm_capture *c, int timeout_ms)
{
	char **v = dm_ssh_argv(&S->ssh, h->h, ctl(S, h), cmd, NULL);
	int rc = dm_capture_start(c, v, in, n, timeout_ms);

	dm_argv_free(v);
	return rc;
}

/* Stops attempt attempt of job (every job of this run when job < 0) on h,
 * in the background. That attempt only: the kill may reach the host after
 * the job's next attempt has started there. */
static void
remotekill(struct dm_sched *S, struct dm_runhost *h, long job,
    unsigned attempt)
{
	const char *const quiet[] = { "-o", "LogLevel=QUIET", NULL };
	struct dm_buf cmd = DM_BUF_INIT;
	char **v;
	pid_t pid;

	dm_remote_kill(&cmd, &S->ssh, job, attempt);
	v = dm_ssh_argv(&S->ssh, h->h, ctl(S, h), cmd.buf, quiet);
	pid = dm_spawn_bg(v);
	dm_argv_free(v);
	dm_buf_free(&cmd);
	if (pid < 0)
		return;
	if (nkids == capkids) {
		capkids = capkids ? 2 * capkids : 16;
		kids = dm_xreallocarray(kids, capkids, sizeof *kids);
	}
	kids[nkids].pid = pid;
	kids[nkids].killat = dm_now() + KILL_MS / 1000.0;
	nkids++;
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
	else if (st == 0)
		dm_buf_adds(why, "ssh ended");
	else if (WIFEXITED(st))
		dm_buf_addf(why, "ssh exited %d", WEXITSTATUS(st));
	else
		dm_buf_addf(why, "ssh killed by signal %d", WTERMSIG(st));
}

/* Why the master of h ended (or never came up). */
static void
masterwhy(struct dm_sshmaster *m, struct dm_buf *why)
{
	if (m->wstatus == -1)
		dm_buf_addf(why, "ssh did not connect within %ds",
		    DM_RUN_PROBE_MS / 1000);
	else {
		statusword(why, m->wstatus);
		lastline(why, &m->err);
	}
}

/* Opens the master of h and waits until it is up: 0, or -1 with the
 * reason in why. */
static int
sshconnect(struct dm_sched *S, const struct dm_runhost *h, struct dm_buf *why)
{
	struct dm_sshmaster *m = master(S, h);
	int r;

	if (dm_ssh_master_start(&S->ssh, h->h, m, DM_RUN_PROBE_MS) < 0) {
		statusword(why, -1);
		return -1;
	}
	while ((r = dm_ssh_master_poll(m)) == 0 && !dm_interrupted)
		usleep(20000);
	if (r < 0) {
		masterwhy(m, why);
		return -1;
	}
	if (dm_interrupted) {
		dm_ssh_master_stop(m);
		dm_buf_adds(why, "interrupted");
		return -1;
	}
	return 0;
}

/* Starts the probe on h, whose master is up, into c: 0, or -1 with the
 * reason in why. */
static int
probe_start(struct dm_sched *S, const struct dm_runhost *h,
    struct dm_capture *c, struct dm_buf *why)
{
	struct dm_buf cmd = DM_BUF_INIT;
	int rc;

	dm_remote_probe(&cmd, DM_RUN_SHIPDIR);
	if ((rc = onhost(S, h, cmd.buf, NULL, 0, c, DM_RUN_PROBE_MS)) < 0)
		statusword(why, -1);
	dm_buf_free(&cmd);
	return rc;
}

/* The ended probe in c: 0 and *p filled, or -1 with the reason in why. */
static int
probe_end(struct dm_capture *c, struct dm_probe *p, struct dm_buf *why)
{
	if (c->killed) {
		dm_buf_addf(why, "no answer to the probe within %ds",
		    DM_RUN_PROBE_MS / 1000);
		return -1;
	}
	if (c->wstatus != 0) {
		statusword(why, c->wstatus);
		lastline(why, &c->err);
		return -1;
	}
	if (dm_remote_parse_probe(c->out.buf, p) < 0) {
		dm_buf_adds(why, "the probe's output is not understood");
		return -1;
	}
	return 0;
}

/* Runs the probe on h and waits for it: 0 and *p filled, or -1 with the
 * reason in why. A host without a master gets one first. */
static int
probe(struct dm_sched *S, const struct dm_runhost *h, struct dm_probe *p,
    struct dm_buf *why)
{
	struct dm_capture c;
	int rc = -1;

	sshinit(S);
	if (ctl(S, h) == NULL && sshconnect(S, h, why) < 0)
		return -1;
	dm_capture_init(&c);
	if (probe_start(S, h, &c, why) == 0) {
		dm_capture_wait(&c);
		rc = probe_end(&c, p, why);
	}
	dm_capture_free(&c);
	return rc;
}

/* Starts copying this dm to h into c when its copy is missing or another
 * version: 1 (started), 0 (nothing to copy), or -1 with the reason in why
 * (refused: another machine, or this dm cannot be packed). */
static int
ship_start(struct dm_sched *S, const struct dm_runhost *h,
    const struct dm_probe *p, struct dm_capture *c, struct dm_buf *why,
    int *refused)
{
	struct dm_buf cmd = DM_BUF_INIT;
	char want[64];
	int rc;

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
	rc = onhost(S, h, cmd.buf, S->tar.buf, S->tar.len, c,
	    10 * DM_RUN_PROBE_MS);
	dm_buf_free(&cmd);
	if (rc < 0) {
		dm_buf_adds(why, "shipping failed: ");
		statusword(why, -1);
		return -1;
	}
	return 1;
}

/* The ended copy in c: 0 and p->shipped set, or -1 with the reason in
 * why. */
static int
ship_end(struct dm_capture *c, struct dm_probe *p, struct dm_buf *why)
{
	char want[64];

	snprintf(want, sizeof want, "dm %s", DM_VERSION);
	if (c->wstatus == 0 && !c->killed &&
	    strncmp(c->out.buf, want, strlen(want)) == 0) {
		snprintf(p->shipped, sizeof p->shipped, "%s", want);
		return 0;
	}
	dm_buf_adds(why, "shipping failed: ");
	if (c->killed)
		dm_buf_addf(why, "no answer within %ds",
		    10 * DM_RUN_PROBE_MS / 1000);
	else if (c->wstatus != 0)
		statusword(why, c->wstatus);
	else
		dm_buf_adds(why, "the copy does not run");
	lastline(why, &c->err);
	return -1;
}

/* Copies this dm to h when needed, and waits: 0, or -1 with the reason in
 * why. */
static int
ship(struct dm_sched *S, const struct dm_runhost *h, struct dm_probe *p,
    struct dm_buf *why, int *refused)
{
	struct dm_capture c;
	int rc;

	dm_capture_init(&c);
	if ((rc = ship_start(S, h, p, &c, why, refused)) > 0) {
		dm_capture_wait(&c);
		rc = ship_end(&c, p, why);
	}
	dm_capture_free(&c);
	return rc;
}

/* The end of a probe (and copy) of h: up when ok, else down with a message
 * (none when it was down already: it is still down). */
static int
settle(struct dm_sched *S, struct dm_runhost *h, int ok,
    const struct dm_buf *why, int refused)
{
	int was = h->down;

	if (!ok) {
		dm_ssh_master_stop(master(S, h));
		h->down = 1;
		h->refused = refused;
		h->retryat = dm_now() + S->o->hostretry;
		if (refused)
			dm_warn("host '%s': %s", h->name, why->buf);
		else if (!was && !dm_interrupted)
			dm_warn("host '%s' is down: %s; trying it again in %gs",
			    h->name, why->buf, S->o->hostretry);
		return -1;
	}
	h->down = 0;
	h->fails = 0;
	return 0;
}

/* Probes h (and ships to it with --ship), waiting: up, or down. */
static int
hostup(struct dm_sched *S, struct dm_runhost *h, struct dm_probe *p)
{
	struct dm_buf why = DM_BUF_INIT;
	int refused = 0, ok, rc;

	ok = probe(S, h, p, &why) == 0 &&
	    (!S->o->ship || ship(S, h, p, &why, &refused) == 0);
	rc = settle(S, h, ok, &why, refused);
	dm_buf_free(&why);
	return rc;
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
	/* ssh's own words about a lost master are not the job's: the
	 * host's master reports the host */
	const char *const quiet[] = { "-o", "LogLevel=QUIET", NULL };
	const char *const compress[] = { "-o", "LogLevel=QUIET", "-o",
	    "Compression=yes", NULL };
	struct dm_buf cmd = DM_BUF_INIT, mark = DM_BUF_INIT;
	char **v, *line;

	line = dm_attempt_line(S, j);
	/* --rejects: the lines come back marked on standard error, into
	 * the attempt's file here (dm_attempt_errlines) */
	free(dm_rej_attempt(S, j));
	if (j->rejpath != NULL && S->rejmark == NULL) {
		dm_remote_rejmark(&mark, &S->ssh);
		S->rejmark = dm_buf_detach(&mark, NULL);
	}
	j->rejmark = j->rejpath != NULL ? S->rejmark : NULL;
	if (S->sigmark == NULL) {
		dm_remote_sigmark(&mark, &S->ssh);
		S->sigmark = dm_buf_detach(&mark, NULL);
	}
	j->sigmark = S->sigmark;
	dm_remote_job(&cmd, &S->ssh, DM_JOB_RUN(j), (unsigned long)j->seq,
	    (unsigned)j->attempt, s->id, S->envpairs,
	    S->o->ship ? DM_RUN_SHIPDIR : NULL, line, j->rejpath != NULL);
	free(line);
	v = dm_ssh_argv(&S->ssh, s->host->h, ctl(S, s->host), cmd.buf,
	    S->o->compress ? compress : quiet);
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
		remotekill(S, j->slot->host, (long)j->seq,
		    (unsigned)j->attempt);
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
		remotekill(S, h, -1, 0);
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

static void
endping(struct watch *w)
{
	int st;

	if (w->ping > 0) {
		kill(-w->ping, SIGKILL);
		waitpid(w->ping, &st, 0);
	}
	w->ping = 0;
}

/*
 * dm-run's own watch over an up host, whatever ssh's keepalives do: when
 * its running jobs have moved no byte (block in, output or stderr out) for
 * --host-timeout, a ping (exit 0 through its master) must come back within
 * --host-timeout more, else the host is down. When it wants to run again.
 */
static double
watchdog(struct dm_sched *S, struct dm_runhost *h, double t)
{
	const char *const quiet[] = { "-o", "LogLevel=QUIET", NULL };
	struct watch *w = &watches[h - S->hosts];
	double T = S->o->hosttimeout;
	unsigned long long n = 0;
	struct dm_buf why = DM_BUF_INIT;
	struct dm_job *j;
	int k, running = 0, st;
	pid_t p;
	char **v;

	for (k = 0; k < S->nslots; k++)
		if (S->slots[k].host == h && (j = S->slots[k].job) != NULL) {
			running++;
			n += j->sent + j->out.len + j->errlen;
		}
	if (!running || n != w->seen || w->quiet == 0) {
		w->seen = n;
		w->quiet = t;
		endping(w);
		return running ? t + T : 0;
	}
	if (w->ping > 0) {
		p = waitpid(w->ping, &st, WNOHANG);
		if (p == w->ping && WIFEXITED(st) && WEXITSTATUS(st) == 0) {
			w->ping = 0;
			w->quiet = t;
			return t + T;
		}
		if (p == 0 && t < w->pingby)
			return w->pingby;
		if (p == 0)
			endping(w);
		w->ping = 0;
		w->quiet = 0;
		dm_ssh_master_stop(master(S, h));
		dm_buf_addf(&why, "no answer for %gs", T);
		dm_runhost_down(S, h, why.buf);
		dm_buf_free(&why);
		return 0;
	}
	if (t < w->quiet + T)
		return w->quiet + T;
	v = dm_ssh_argv(&S->ssh, h->h, ctl(S, h), "exit 0", quiet);
	w->ping = dm_spawn_bg(v);
	dm_argv_free(v);
	if (w->ping < 0)
		w->ping = 0;
	w->pingby = t + T;
	return w->pingby;
}

/* The next step of trial tr of the down host h: when it wants to run
 * again, 0 when the trial is over (the host up, or down until retryat). */
static double
trystep(struct dm_sched *S, struct dm_runhost *h, struct trial *tr, double t)
{
	struct dm_sshmaster *m = master(S, h);
	struct dm_buf why = DM_BUF_INIT;
	int refused = 0, r, ok = 0;

	switch (tr->step) {
	case TRY_NONE:
		if (dm_ssh_master_start(&S->ssh, h->h, m, DM_RUN_PROBE_MS) < 0) {
			h->retryat = t + S->o->hostretry;
			return 0;
		}
		tr->step = TRY_MASTER;
		/* FALLTHROUGH */
	case TRY_MASTER:
		if ((r = dm_ssh_master_poll(m)) == 0)
			return t + TICK_S;
		if (r < 0) {
			/* still down, as it was: nothing to say */
			tr->step = TRY_NONE;
			h->retryat = t + S->o->hostretry;
			return 0;
		}
		memset(&tr->p, 0, sizeof tr->p);
		if (probe_start(S, h, &tr->c, &why) < 0)
			break;
		tr->step = TRY_PROBE;
		/* FALLTHROUGH */
	case TRY_PROBE:
		if (dm_capture_poll(&tr->c) == 0)
			return t + TICK_S;
		if (probe_end(&tr->c, &tr->p, &why) < 0)
			break;
		if (!S->o->ship ||
		    (r = ship_start(S, h, &tr->p, &tr->c, &why, &refused)) == 0) {
			ok = 1;
			break;
		}
		if (r < 0)
			break;
		tr->step = TRY_SHIP;
		/* FALLTHROUGH */
	case TRY_SHIP:
		if (dm_capture_poll(&tr->c) == 0)
			return t + TICK_S;
		ok = ship_end(&tr->c, &tr->p, &why) == 0;
		break;
	}
	tr->step = TRY_NONE;
	if (settle(S, h, ok, &why, refused) == 0)
		dm_warn("host '%s' is up again", h->name);
	dm_buf_free(&why);
	return 0;
}

/*
 * An up host whose master ended is down, its jobs moved. A down host that
 * is due is tried again in the background (trystep); once its master, its
 * probe (and its copy of dm) have come through, it is up again, else
 * still down (quietly) until the next try.
 */
static double
ssh_tick(struct dm_sched *S, struct dm_runhost *h, double t)
{
	struct dm_sshmaster *m;
	struct trial *tr;
	struct dm_buf why = DM_BUF_INIT;
	double next = reapkids(0), w;

	if (!S->usessh || h->refused)
		return next;
	m = master(S, h);
	tr = &trials[h - S->hosts];
	if (!h->down) {
		if (m->pid > 0 && dm_ssh_master_poll(m) < 0) {
			masterwhy(m, &why);
			endping(&watches[h - S->hosts]);
			watches[h - S->hosts].quiet = 0;
			dm_runhost_down(S, h, why.buf);
			dm_buf_free(&why);
			return next;
		}
		w = watchdog(S, h, t);
		return next && (w == 0 || next < w) ? next : w;
	}
	if (dm_interrupted) {
		dm_capture_stop(&tr->c);
		tr->step = TRY_NONE;
		return next;
	}
	if (tr->step == TRY_NONE && t < h->retryat)
		return next ? next : h->retryat;
	if ((w = trystep(S, h, tr, t)) == 0 && h->down && !h->refused)
		w = h->retryat;
	return next && (w == 0 || next < w) ? next : w;
}

static void
ssh_close(struct dm_sched *S)
{
	double until = dm_now() + KILL_MS / 1000.0;
	char **v;
	int k;

	/* the remote kills finish (bounded), then the masters end */
	while (reapkids(dm_now() > until) > 0)
		usleep(20000);
	free(kids);
	kids = NULL;
	nkids = capkids = 0;
	for (k = 0; masters && k < S->nhosts; k++) {
		endping(&watches[k]);
		dm_capture_free(&trials[k].c);
		dm_ssh_master_stop(&masters[k]);
		dm_buf_free(&masters[k].err);
	}
	free(masters);
	masters = NULL;
	free(watches);
	watches = NULL;
	free(trials);
	trials = NULL;
	if (S->usessh)
		dm_ssh_close(&S->ssh);
	free(S->sigmark);
	S->sigmark = NULL;
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
