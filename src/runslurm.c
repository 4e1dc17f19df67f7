/* runslurm.c - dm-run's backend of Slurm: blocks as elements of job arrays */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend.h"
#include "slurm.h"

/*
 * One host, "slurm", with -j times --blocks-per-task slots: an attempt
 * (one block) starts by being written into the spool and queued; each turn
 * of the loop (tick) submits the attempts queued since the last turn as
 * one job array, --blocks-per-task of them an element, and polls squeue
 * about once a second. When an element has ended (or is gone from squeue),
 * its attempts end together, as the spool says: a part in place is a
 * success (its exit status in st/NNNNNN.ok), a st file without a part a
 * failure with that exit status, and a block with neither did not run to
 * its end: the element's own end (cancelled, timed out, the node failed)
 * is the attempt's. Since attempts end an element at a time, slots free
 * an element at a time and the next submission is one element again.
 *
 * Slurm requeues an element whose node failed (--requeue), so that is
 * not an end; it does not rerun an element that failed, the loop does
 * (--retries), in a new submission. --timeout is the arrays' --time: the
 * loop's own deadline would count the time an element waits in the queue.
 * One run a process: the state is this file's.
 */

#define POLL_S		1.0	/* between two squeues */
#define FIRSTPOLL_S	0.3	/* after a submission */
#define UNSEEN_S	60.0	/* an element squeue never showed is gone */
#define SQUEUE_FAILS	60	/* in a row: the controller is gone */

struct elem {
	char		 job[32];	/* the array's job id */
	int		 task;
	struct dm_job	**att;		/* its attempts (NULL: not started) */
	int		 natt;
	int		 over;		/* it has ended, as Slurm says */
	/* an element of the run being resumed, adopted: its blocks and
	 * their attempts, as its map says, until the loop starts them */
	unsigned long long *seqs;
	int		*atts;
	char		*claimed;
	int		 nclaim;	/* blocks not started yet */
	int		 seen, cancelled;
	char		 word[24];	/* squeue's last state */
	char		 node[64];
	double		 since;		/* submitted at */
	struct elem	*next;
};

static struct {
	struct dm_spool	 sp;
	char		 name[32];	/* of every array of this spool */
	long		 maxarray;
	int		 bpt;		/* blocks per element */
	char		**opts;		/* --sbatch, split */
	struct dm_job	**queued;	/* started, not submitted yet */
	size_t		 nqueued, capqueued;
	struct dm_job	**ready;	/* found done at start (resume) */
	size_t		 nready, capready;
	struct elem	*elems;		/* submitted, not ended */
	double		 nextpoll;
	int		 squeuefails;
	int		 ended;		/* attempts ended this turn */
	/* where the attempts that ended ran, until the job log has it */
	struct where {
		const struct dm_job *j;
		char	 node[64];
	}		*where;
	size_t		 nwhere;
	int		 joblog;
	int		 collectfail;	/* a part could not be read */
	/* attempts of adopted elements that had ended when the loop
	 * started them: they end in the next tick */
	struct late {
		struct dm_job	*j;
		struct elem	*e;
	}		*late;
	size_t		 nlate;
	int		*lastatt;	/* [seq]: the highest attempt of the */
	unsigned long long nlastatt;	/* run being resumed, from the maps */
	int		 allcancelled;	/* cancelall since the last sbatch */
	int		 named;		/* the spool's name file written */
	int		 rejects;	/* --rejects: deliver rej/NNNNNN */
} R;

static void
push(struct dm_job ***v, size_t *n, size_t *cap, struct dm_job *j)
{
	if (*n == *cap) {
		*cap = *cap ? 2 * *cap : 64;
		*v = dm_xreallocarray(*v, *cap, sizeof **v);
	}
	(*v)[(*n)++] = j;
}

/* The --sbatch options, split at white space (no quoting, as --ssh). */
static char **
splitopts(const char *s)
{
	char **v = dm_xcalloc(1, sizeof *v);
	size_t n = 0, k;

	while (s && *s) {
		s += strspn(s, " \t\n");
		if ((k = strcspn(s, " \t\n")) == 0)
			break;
		v = dm_xreallocarray(v, n + 2, sizeof *v);
		v[n++] = dm_xstrndup(s, k);
		v[n] = NULL;
		s += k;
	}
	return v;
}

/* A new string, printf's way. */
static char *
fmt(const char *f, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, f);
	n = vsnprintf(NULL, 0, f, ap);
	va_end(ap);
	s = dm_xmalloc((size_t)n + 1);
	va_start(ap, f);
	vsnprintf(s, (size_t)n + 1, f, ap);
	va_end(ap);
	return s;
}

/* The arguments of sbatch for submission K of n elements (test: a
 * --test-only of the options); the caller frees them (dm_argv_free). */
static char **
sbatchargs(struct dm_sched *S, int k, int n, int test)
{
	const struct dm_runopts *o = S->o;
	char **v;
	size_t i = 0, m;
	double min;

	for (m = 0; R.opts[m]; m++)
		;
	v = dm_xcalloc(m + 12, sizeof *v);
	v[i++] = dm_xstrdup(test ? "--test-only" : "--parsable");
	v[i++] = dm_xstrdup("--requeue");
	v[i++] = dm_xstrdup("--job-name");
	v[i++] = dm_xstrdup(R.name);
	if (test)
		v[i++] = dm_xstrdup("--array=0-0");
	else
		v[i++] = fmt("--array=0-%d%%%d", n - 1, o->jobs);
	v[i++] = fmt("--output=%s/log/%%A_%%a.out", R.sp.dir);
	if (o->timeout > 0) {
		/* Slurm counts time limits in whole minutes */
		min = ceil(o->timeout * R.bpt / 60);
		v[i++] = fmt("--time=%.0f", min < 1 ? 1 : min);
	}
	for (m = 0; R.opts[m]; m++)
		v[i++] = dm_xstrdup(R.opts[m]);
	v[i++] = fmt("%s/job.sh", R.sp.dir);
	v[i++] = fmt("%d", k);
	v[i] = NULL;
	return v;
}

/* Blocks an element: as set, or when the input's size is known, enough
 * for about four elements a slot over the run (Slurm starts a couple of
 * elements a second, and a block takes dm well under that), else 1. */
static int
blocksper(struct dm_sched *S)
{
	const struct dm_runopts *o = S->o;
	unsigned long long nb;

	if (o->bpt > 0)
		return o->bpt;
	if (o->files || o->lines || o->block == 0)
		return 1;
	nb = S->total / o->block + 1;
	nb /= 4 * (unsigned long long)o->jobs;
	return nb < 1 ? 1 : nb > 256 ? 256 : (int)nb;
}

/* The highest attempt of each block in the maps of the run being
 * resumed: its attempts go on from there. */
static void
lastattempts(void)
{
	struct dm_buf line = DM_BUF_INIT;
	unsigned long long seq;
	const char *p;
	int k, t, a;

	R.nlastatt = R.sp.nblocks;
	R.lastatt = dm_xcalloc(R.nlastatt + 1, sizeof *R.lastatt);
	for (k = 1; k <= R.sp.nsub; k++)
		for (t = 0; dm_spool_element(&R.sp, k, t, &line) == 0; t++)
			for (p = line.buf; dm_spool_entry(&p, &seq, &a); )
				if (seq <= R.nlastatt && a > R.lastatt[seq])
					R.lastatt[seq] = a;
	dm_buf_free(&line);
}

/*
 * A run being resumed after its driver was killed: the elements it left
 * pending or running go on, watched by this driver as if it had
 * submitted them; a block of theirs is started by the loop when its turn
 * comes and then waits for the element's end. Only an array whose
 * submission the spool does not know (sbatch answered, the driver died
 * before it wrote the id) is cancelled: its blocks run again.
 */
static void
adopt(void)
{
	struct dm_buf line = DM_BUF_INIT;
	struct dm_slurm_elem *v;
	struct elem *e;
	unsigned long long seq;
	char **ids, **orphans, id[32];
	const char *p;
	size_t n, i, norph = 0;
	int k, a;

	if (dm_slurm_squeue(R.name, &v, &n) < 0)
		return;
	ids = dm_xcalloc((size_t)R.sp.nsub + 1, sizeof *ids);
	for (k = 1; k <= R.sp.nsub; k++)
		if (dm_spool_getid(&R.sp, k, id, sizeof id) == 0)
			ids[k] = dm_xstrdup(id);
	orphans = dm_xcalloc(n + 1, sizeof *orphans);
	for (i = 0; i < n; i++) {
		if (v[i].state > DM_SL_RUNNING)
			continue;
		for (k = 1; k <= R.sp.nsub; k++)
			if (ids[k] && strcmp(ids[k], v[i].job) == 0)
				break;
		if (k > R.sp.nsub ||
		    dm_spool_element(&R.sp, k, v[i].task, &line) < 0) {
			if (norph == 0 ||
			    strcmp(orphans[norph - 1], v[i].job) != 0)
				orphans[norph++] = v[i].job;
			continue;
		}
		e = dm_xcalloc(1, sizeof *e);
		snprintf(e->job, sizeof e->job, "%s", v[i].job);
		e->task = v[i].task;
		e->seen = 1;
		e->since = dm_now();
		snprintf(e->word, sizeof e->word, "%s", v[i].word);
		snprintf(e->node, sizeof e->node, "%s", v[i].node);
		for (p = line.buf; dm_spool_entry(&p, &seq, &a); ) {
			e->seqs = dm_xreallocarray(e->seqs,
			    (size_t)e->natt + 1, sizeof *e->seqs);
			e->atts = dm_xreallocarray(e->atts,
			    (size_t)e->natt + 1, sizeof *e->atts);
			e->seqs[e->natt] = seq;
			e->atts[e->natt++] = a;
		}
		e->att = dm_xcalloc((size_t)e->natt + 1, sizeof *e->att);
		e->claimed = dm_xcalloc((size_t)e->natt + 1, 1);
		e->nclaim = e->natt;
		e->next = R.elems;
		R.elems = e;
	}
	dm_slurm_scancel(orphans, norph);
	for (k = 0; k <= R.sp.nsub; k++)
		free(ids[k]);
	free(ids);
	free(orphans);
	free(v);
	dm_buf_free(&line);
}

/* An adopted element that holds block seq, not started yet, with its
 * index into *at; NULL if none. */
static struct elem *
adopted(unsigned long long seq, int *at)
{
	struct elem *e;
	int i;

	for (e = R.elems; e; e = e->next)
		for (i = 0; e->nclaim > 0 && i < e->natt; i++)
			if (!e->claimed[i] && e->seqs[i] == seq) {
				*at = i;
				return e;
			}
	return NULL;
}

static int
slurm_open(struct dm_sched *S, struct dm_runhost *h)
{
	const struct dm_runopts *o = S->o;
	struct dm_buf set = DM_BUF_INIT;
	char **args;

	memset(&R, 0, sizeof R);
	R.rejects = S->rejfd >= 0;
	if (dm_slurm_find() < 0)
		exit(DM_EXIT_ERROR);
	if (o->files)
		dm_buf_adds(&set, "files");
	else if (o->lines)
		dm_buf_addf(&set, "lines %llu", o->lines);
	else
		dm_buf_addf(&set, "block %zu", o->block);
	if (dm_spool_open(&R.sp, o->spool, o->resume, set.buf,
	    o->command) < 0)
		exit(DM_EXIT_ERROR);
	dm_buf_free(&set);
	dm_spool_jobname(&R.sp, R.name, sizeof R.name);
	if ((R.maxarray = dm_slurm_maxarray()) < 0)
		exit(DM_EXIT_ERROR);
	if (R.maxarray < 1)
		R.maxarray = 1;
	R.bpt = blocksper(S);
	R.joblog = o->joblog != NULL;
	R.opts = splitopts(o->sbatch);
	/* the controller judges the options before any work is done */
	args = sbatchargs(S, 0, 0, 1);
	if (dm_slurm_sbatch(args, NULL, 0) < 0)
		exit(DM_EXIT_ERROR);
	dm_argv_free(args);
	if (o->resume) {
		lastattempts();
		adopt();
	}
	h->nslots = o->jobs * R.bpt;
	return 0;
}

static int
slurm_check(struct dm_sched *S, struct dm_runhost *h, struct dm_probe *p,
    struct dm_buf *why)
{
	(void)S;
	(void)h;
	(void)p;
	dm_buf_adds(why, "--check is for ssh hosts");
	return -1;
}

static void
slurm_start(struct dm_sched *S, struct dm_jobslot *s, struct dm_job *j)
{
	const struct dm_runopts *o = S->o;
	struct elem *e;
	int i = 0;

	(void)s;
	j->pid = 0;
	j->fin = j->fout = j->ferr = -1;
	if (j->in && dm_spool_put(&R.sp, j->seq, j->off, j->in, j->inlen,
	    o->files ? DM_JOB_RUN(j) : NULL) < 0) {
		S->fatal = 1;
		dm_attempt_end(j, W_EXITCODE(DM_EXIT_ERROR, 0));
		return;
	}
	j->sent = j->inlen;
	/* the block lives in the spool now: memory holds a few per slot */
	if (!o->files) {
		free(j->in);
		j->in = NULL;
	}
	e = j->tries == 0 ? adopted(j->seq, &i) : NULL;
	if (e) {
		e->claimed[i] = 1;
		e->nclaim--;
	}
	if (dm_spool_done(&R.sp, j->seq))
		push(&R.ready, &R.nready, &R.capready, j);
	else if (e) {
		/* its attempt in the element of the old driver */
		j->tries = e->atts[i] - 1;
		if (e->over) {
			R.late = dm_xreallocarray(R.late, R.nlate + 1,
			    sizeof *R.late);
			R.late[R.nlate].j = j;
			R.late[R.nlate++].e = e;
		} else
			e->att[i] = j;
	} else {
		/* the attempts of a resumed run go on from its last */
		if (j->tries == 0 && j->seq <= R.nlastatt)
			j->tries = R.lastatt[j->seq];
		push(&R.queued, &R.nqueued, &R.capqueued, j);
	}
}

/* The part in place becomes the job's output, at once, so that the job
 * log has its size; with --rejects, the block's records in the spool are
 * delivered with it. */
static void
load(struct dm_job *j)
{
	struct dm_buf path = DM_BUF_INIT;
	long got;
	int fd;

	if (R.rejects) {
		dm_spool_path(&R.sp, &path, "rej", j->seq, 0);
		free(j->rejpath);
		j->rejpath = dm_xstrdup(path.buf);
		j->rejkeep = 1;
	}

	dm_spool_path(&R.sp, &path, "part", j->seq, 0);
	if ((fd = open(path.buf, O_RDONLY | O_CLOEXEC)) < 0) {
		dm_warnx_errno("%s", path.buf);
		R.collectfail = 1;
	} else {
		while ((got = dm_held_fill(&j->out, fd)) > 0 ||
		    (got == -1 && errno == EINTR))
			;
		if (got == -1)
			dm_warnx_errno("%s", path.buf);
		if (got != 0)
			R.collectfail = 1;
		close(fd);
	}
	dm_buf_free(&path);
}

/* Feeds a spool file (a block's stderr, an element's log) to the job's
 * stderr lines, as a local attempt's pipe would. */
static void
feederr(struct dm_job *j, const char *path)
{
	char buf[65536];
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return;
	while ((n = read(fd, buf, sizeof buf)) > 0)
		dm_attempt_errlines(j, buf, (size_t)n, 0);
	close(fd);
	dm_attempt_errlines(j, "", 0, 1);
}

/* Where an attempt that ended ran, for slurm_where. */
static void
noteplace(const struct dm_job *j, const char *node)
{
	if (!R.joblog)
		return;
	R.where = dm_xreallocarray(R.where, R.nwhere + 1, sizeof *R.where);
	R.where[R.nwhere].j = j;
	snprintf(R.where[R.nwhere++].node, sizeof R.where->node, "%s", node);
}

/* An attempt of an element that ended: its end, as the spool says. */
static void
endattempt(struct elem *e, struct dm_job *j)
{
	struct dm_buf path = DM_BUF_INIT, msg = DM_BUF_INIT;
	char node[64];
	int attempt = j->tries, st, sig;

	/* what the command said, unless we stopped it: a local attempt
	 * that is stopped dies with its process group, quietly */
	dm_spool_path(&R.sp, &path, "err", j->seq, attempt);
	if (!e->cancelled || dm_spool_done(&R.sp, j->seq))
		feederr(j, path.buf);
	snprintf(node, sizeof node, "%s", e->node);
	if (dm_spool_done(&R.sp, j->seq)) {
		st = dm_spool_status(&R.sp, j->seq, 0, node, sizeof node,
		    NULL, 0);
		dm_attempt_end(j, W_EXITCODE(st == 1 ? 1 : 0, 0));
		load(j);
	} else if ((st = dm_spool_status(&R.sp, j->seq, attempt, node,
	    sizeof node, NULL, 0)) > 1) {
		/* a command whose shell died of a signal ends as a local
		 * one does, where its element could tell: the status the
		 * element's shell saw was 128 + N all the same */
		if ((sig = dm_spool_termsig(&R.sp, j->seq, attempt)) > 0)
			dm_attempt_end(j, sig);
		else
			dm_attempt_end(j, W_EXITCODE(st > 255 ? 255 : st, 0));
	} else {
		/* it did not get to the end of this block: no status, or
		 * its command succeeded (0, 1) and the part never came into
		 * place (the spool full, the element killed in between),
		 * which is no output at all */
		if (!e->cancelled) {
			/* Slurm's word on it, and ours */
			dm_buf_reset(&path);
			dm_buf_addf(&path, "%s/log/%s_%d.out", R.sp.dir,
			    e->job, e->task);
			feederr(j, path.buf);
			dm_buf_addf(&msg, "slurm: element %s_%d%s%s ended "
			    "%s\n", e->job, e->task, *e->node ? " on " : "",
			    e->node, *e->word ? e->word : "unseen");
			dm_attempt_errlines(j, msg.buf, msg.len, 1);
		}
		/* for --status, and for a resumed run */
		snprintf(node, sizeof node, "%s", e->node);
		(void)dm_spool_ended(&R.sp, j->seq, attempt,
		    *e->word ? e->word : "LOST", e->node);
		if (strcmp(e->word, "TIMEOUT") == 0 ||
		    strcmp(e->word, "DEADLINE") == 0)
			j->timedout = 1;
		if (strcmp(e->word, "CANCELLED") == 0 || j->timedout)
			dm_attempt_end(j, SIGTERM);
		else
			dm_attempt_end(j, W_EXITCODE(DM_EXIT_ERROR, 0));
	}
	dm_buf_free(&path);
	dm_buf_free(&msg);
	noteplace(j, node);
}

static void
endelem(struct elem *e)
{
	int i;

	for (i = 0; i < e->natt; i++)
		if (e->att[i] && e->att[i]->state == DM_JOB_RUNNING &&
		    !e->att[i]->reaped)
			endattempt(e, e->att[i]);
	e->over = 1;
	R.ended = 1;
}

/*
 * The LINE of a map entry for j (see slurm.h) onto b: its block's first
 * line when the lines are counted (DM_RUN_LINE), else 0. The NAME that
 * goes with it is the same for every block: the spool's "name" file says
 * it, written before the first map that needs it.
 */
static void
lineof(struct dm_sched *S, const struct dm_job *j, struct dm_buf *b)
{
	char *v, *colon;

	if ((v = dm_attempt_line(S, j)) == NULL) {
		dm_buf_addc(b, '0');
		return;
	}
	if ((colon = strchr(v, ':')) != NULL)
		*colon++ = '\0';
	if (!R.named) {
		R.named = 1;
		if (dm_spool_name(&R.sp, colon) < 0)
			S->fatal = 1;
	}
	dm_buf_adds(b, v);
	free(v);
}

/* Submits the queued attempts: elements of bpt, arrays of at most
 * MaxArraySize elements. */
static void
submit(struct dm_sched *S, double t)
{
	struct dm_buf line = DM_BUF_INIT;
	struct dm_job **q = R.queued;
	struct elem *e, *first, **tail;
	char **lines, **args, id[32];
	size_t nq = R.nqueued, at = 0;
	int nel, i, k, b;

	R.nqueued = 0;
	while (at < nq && !S->fatal) {
		nel = (int)((nq - at + (size_t)R.bpt - 1) / (size_t)R.bpt);
		if (nel > R.maxarray)
			nel = (int)R.maxarray;
		lines = dm_xcalloc((size_t)nel, sizeof *lines);
		first = NULL;
		tail = &first;
		for (i = 0; i < nel; i++) {
			e = dm_xcalloc(1, sizeof *e);
			e->task = i;
			e->since = t;
			e->att = dm_xcalloc((size_t)R.bpt, sizeof *e->att);
			dm_buf_reset(&line);
			for (b = 0; b < R.bpt && at < nq; b++, at++) {
				e->att[e->natt++] = q[at];
				dm_buf_addf(&line, "%s%llu:%d:%d:", b ? " " : "",
				    q[at]->seq, q[at]->tries,
				    q[at]->slot->id);
				lineof(S, q[at], &line);
			}
			lines[i] = dm_xstrdup(line.buf);
			*tail = e;
			tail = &e->next;
		}
		k = dm_spool_submission(&R.sp, lines, nel);
		for (i = 0; i < nel; i++)
			free(lines[i]);
		free(lines);
		args = k < 0 ? NULL : sbatchargs(S, k, nel, 0);
		if (k < 0 || dm_slurm_sbatch(args, id, sizeof id) < 0 ||
		    dm_spool_subid(&R.sp, k, id) < 0) {
			/* the run stops; these attempts never ran */
			S->fatal = 1;
			for (e = first; e; e = e->next)
				for (i = 0; i < e->natt; i++)
					dm_attempt_end(e->att[i], SIGTERM);
		} else
			for (e = first; e; e = e->next)
				snprintf(e->job, sizeof e->job, "%s", id);
		dm_argv_free(args);
		R.allcancelled = 0;
		/* into the list of live elements, ended or not: polled
		 * (or freed) there */
		*tail = R.elems;
		R.elems = first;
	}
	dm_buf_free(&line);
	R.nextpoll = t + FIRSTPOLL_S;
}

static void
freeelem(struct elem *e)
{
	free(e->att);
	free(e->seqs);
	free(e->atts);
	free(e->claimed);
	free(e);
}

static struct dm_slurm_elem *
find(struct dm_slurm_elem *v, size_t n, const struct elem *e)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i].task == e->task && strcmp(v[i].job, e->job) == 0)
			return &v[i];
	return NULL;
}

static void
poll_elems(struct dm_sched *S, double t)
{
	struct dm_slurm_elem *v, *x;
	struct elem *e, **pe;
	size_t n;

	if (dm_slurm_squeue(R.name, &v, &n) < 0) {
		if (++R.squeuefails == SQUEUE_FAILS) {
			dm_warn("squeue has failed for a minute: the "
			    "controller is gone");
			S->fatal = 1;
		}
		return;
	}
	R.squeuefails = 0;
	for (pe = &R.elems; (e = *pe) != NULL; ) {
		x = !e->over && e->job[0] ? find(v, n, e) : NULL;
		if (x) {
			e->seen = 1;
			snprintf(e->word, sizeof e->word, "%s", x->word);
			if (*x->node)
				snprintf(e->node, sizeof e->node, "%s",
				    x->node);
		}
		if (!e->over && ((x && x->state > DM_SL_RUNNING) ||
		    (!x && (e->seen || t - e->since > UNSEEN_S ||
		    !e->job[0]))))
			endelem(e);
		/* an adopted element stays until its blocks are started */
		if (e->over && e->nclaim == 0) {
			*pe = e->next;
			freeelem(e);
		} else
			pe = &e->next;
	}
	free(v);
}

static double
slurm_tick(struct dm_sched *S, struct dm_runhost *h, double t)
{
	struct dm_job *j;
	char node[64];
	size_t i;
	int st;

	(void)h;
	/* the arrays' --time is the limit, not the loop's deadline */
	for (j = S->head; j; j = j->next)
		if (j->state == DM_JOB_RUNNING)
			j->deadline = 0;
	for (i = 0; i < R.nready; i++) {
		j = R.ready[i];
		if (j->state != DM_JOB_RUNNING || j->reaped)
			continue;
		st = dm_spool_status(&R.sp, j->seq, 0, node, sizeof node,
		    NULL, 0);
		dm_attempt_end(j, W_EXITCODE(st == 1, 0));
		load(j);
		noteplace(j, node);
	}
	R.ended = R.nready > 0;
	R.nready = 0;
	for (i = 0; i < R.nlate; i++) {
		j = R.late[i].j;
		if (j->state == DM_JOB_RUNNING && !j->reaped)
			endattempt(R.late[i].e, j);
		R.ended = 1;
	}
	R.nlate = 0;
	if (dm_cutter_done(&S->cut) && !S->halting && !S->fatal &&
	    dm_spool_end(&R.sp, S->nseq) < 0)
		S->fatal = 1;
	if (R.nqueued > 0 && !S->fatal)
		submit(S, t);
	if (R.elems && t >= R.nextpoll) {
		poll_elems(S, t);
		R.nextpoll = t + POLL_S;
	}
	/* ended attempts are finished at once */
	if (R.ended)
		return t;
	return R.elems ? R.nextpoll : 0;
}

static struct elem *
elemof(const struct dm_job *j)
{
	struct elem *e;
	int i;

	for (e = R.elems; e; e = e->next)
		for (i = 0; !e->over && i < e->natt; i++)
			if (e->att[i] == j)
				return e;
	return NULL;
}

static void
slurm_stop(struct dm_sched *S, struct dm_job *j, int quiet)
{
	struct elem *e;
	char id[48], *ids[1];
	size_t i;

	(void)S;
	for (i = 0; i < R.nqueued; i++)
		if (R.queued[i] == j) {
			/* never submitted */
			R.queued[i] = R.queued[--R.nqueued];
			dm_attempt_end(j, SIGTERM);
			return;
		}
	if ((e = elemof(j)) == NULL || e->cancelled || !e->job[0])
		return;
	e->cancelled = 1;
	if (quiet)
		return;
	snprintf(id, sizeof id, "%s_%d", e->job, e->task);
	ids[0] = id;
	dm_slurm_scancel(ids, 1);
	/* the element's end comes through squeue */
	R.nextpoll = 0;
}

/* Cancels every array of this run, by the name they share: one command,
 * which also reaches an array whose sbatch a signal cut short before it
 * said the array's id. */
static void
cancelall(void)
{
	struct elem *e;

	for (e = R.elems; e; e = e->next)
		e->cancelled = 1;
	dm_slurm_scancel_name(R.name);
	R.allcancelled = 1;
	R.nextpoll = 0;
}

static void
slurm_stopall(struct dm_sched *S, struct dm_runhost *h)
{
	(void)S;
	(void)h;
	cancelall();
}

static enum dm_end
slurm_classify(const struct dm_sched *S, const struct dm_job *j)
{
	(void)S;
	return dm_attempt_classify(j);
}

/* A part that could not be read stops the run (reported in load). */
static int
slurm_collect(struct dm_sched *S, struct dm_job *j)
{
	(void)S;
	(void)j;
	return R.collectfail ? -1 : 0;
}

static const char *
slurm_where(const struct dm_sched *S, const struct dm_job *j)
{
	static char node[64];
	size_t i;

	(void)S;
	for (i = R.nwhere; i-- > 0; )
		if (R.where[i].j == j) {
			memcpy(node, R.where[i].node, sizeof node);
			R.where[i] = R.where[--R.nwhere];
			return *node ? node : NULL;
		}
	return NULL;
}

/* "slurm: 4 elements pending, 2 running", as squeue last said. */
static void
slurm_progress(const struct dm_sched *S, const struct dm_runhost *h,
    struct dm_buf *b)
{
	const struct elem *e;
	int pending = 0, running = 0;

	(void)S;
	(void)h;
	for (e = R.elems; e; e = e->next) {
		if (e->over)
			continue;
		if (strcmp(e->word, "RUNNING") == 0 ||
		    strcmp(e->word, "COMPLETING") == 0)
			running++;
		else
			pending++;
	}
	dm_buf_addf(b, "slurm: %d element%s pending, %d running", pending,
	    pending == 1 ? "" : "s", running);
}

static void
slurm_close(struct dm_sched *S)
{
	struct elem *e;

	/* interrupted, or a fatal error: nothing is left running */
	if ((R.elems || dm_interrupted || S->fatal) && !R.allcancelled)
		cancelall();
	while ((e = R.elems) != NULL) {
		R.elems = e->next;
		freeelem(e);
	}
	if (!S->failed && !S->fatal && !S->halting && !dm_interrupted &&
	    dm_cutter_done(&S->cut) && S->rd.nerrors == 0)
		(void)dm_spool_success(&R.sp);
	/* what attempts that were stopped left behind */
	dm_spool_clean(&R.sp);
	dm_argv_free(R.opts);
	free(R.queued);
	free(R.ready);
	free(R.where);
	free(R.late);
	free(R.lastatt);
	dm_spool_close(&R.sp);
}

const struct dm_backend dm_backend_slurm = {
	.name = "slurm",
	.open = slurm_open,
	.check = slurm_check,
	.start = slurm_start,
	.stop = slurm_stop,
	.stopall = slurm_stopall,
	.classify = slurm_classify,
	.collect = slurm_collect,
	.tick = slurm_tick,
	.close = slurm_close,
	.where = slurm_where,
	.progress = slurm_progress,
};
