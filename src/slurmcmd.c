/* slurmcmd.c - dm-run on Slurm: sbatch, squeue, scancel, scontrol */
#include <sys/wait.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "slurm.h"

#define CMD_MS	30000	/* a Slurm command that takes longer is stuck */
#define STOP_MS	2500	/* the same, once a signal stops the run */

enum { SBATCH, SQUEUE, SCANCEL, SCONTROL, NCMD };
static const char *const names[NCMD] = {
	"sbatch", "squeue", "scancel", "scontrol"
};
static char *paths[NCMD];

static char *
lookup(const char *dir, size_t n, const char *name)
{
	struct dm_buf b = DM_BUF_INIT;

	dm_buf_add(&b, dir, n);
	dm_buf_addf(&b, "%s%s", n && dir[n - 1] != '/' ? "/" : "", name);
	if (access(b.buf, X_OK) == 0)
		return dm_buf_detach(&b, NULL);
	dm_buf_free(&b);
	return NULL;
}

int
dm_slurm_find(void)
{
	const char *bin = getenv("DM_SLURM_BIN"), *path, *p, *q;
	int i;

	for (i = 0; i < NCMD; i++) {
		if (paths[i])
			continue;
		if (bin && *bin) {
			paths[i] = lookup(bin, strlen(bin), names[i]);
			if (paths[i] == NULL) {
				dm_warn("'%s' not found in DM_SLURM_BIN ('%s')",
				    names[i], bin);
				return -1;
			}
			continue;
		}
		path = getenv("PATH");
		for (p = path ? path : ""; paths[i] == NULL && *p; p = q) {
			q = p + strcspn(p, ":");
			if (q > p)
				paths[i] = lookup(p, (size_t)(q - p), names[i]);
			if (*q == ':')
				q++;
		}
		if (paths[i] == NULL) {
			dm_warn("'%s' not found on PATH (is this a Slurm "
			    "login node? DM_SLURM_BIN names where the Slurm "
			    "commands are)", names[i]);
			return -1;
		}
	}
	return 0;
}

/* Says what a command printed on its standard error, a line a message,
 * or how it ended when it printed nothing. */
static void
complain(int cmd, int st, const struct dm_buf *err)
{
	const char *p = err->buf, *nl;
	int any = 0;

	for (; *p; p = nl + (*nl != '\0')) {
		nl = p + strcspn(p, "\n");
		if (nl == p)
			continue;
		/* "sbatch: error: ..." as it is; a line of its own
		 * with the command's name first */
		if (strncmp(p, names[cmd], strlen(names[cmd])) == 0 &&
		    p[strlen(names[cmd])] == ':')
			dm_warn("%.*s", (int)(nl - p), p);
		else
			dm_warn("%s: %.*s", names[cmd], (int)(nl - p), p);
		any = 1;
	}
	if (any)
		return;
	if (st < 0)
		dm_warn("%s: cannot be run", names[cmd]);
	else if (WIFSIGNALED(st))
		dm_warn("%s: killed by signal %d (stuck for %d s?)", names[cmd],
		    WTERMSIG(st), CMD_MS / 1000);
	else
		dm_warn("%s: exit status %d", names[cmd], WEXITSTATUS(st));
}

/* Runs command cmd with args (NULL-terminated, after its name): its exit
 * status (0 for success), output in out; reports a failure unless quiet. */
static int
run(int cmd, char *const *args, struct dm_buf *out, int quiet)
{
	struct dm_capture c;
	char **argv;
	size_t n, i;
	int st, sig;

	for (n = 0; args[n]; n++)
		;
	argv = dm_xcalloc(n + 2, sizeof *argv);
	argv[0] = paths[cmd];
	for (i = 0; i < n; i++)
		argv[i + 1] = args[i];
	dm_capture_init(&c);
	c.max = (size_t)-1;	/* squeue's answer whole, however long */
	/* once stopped by a signal, dm-run ends within seconds: a command
	 * (the scancel of its jobs) gets little time, and one under way
	 * when the signal came is cut short, without a word */
	sig = dm_interrupted;
	st = dm_capture_start(&c, argv, NULL, 0, sig ? STOP_MS : CMD_MS) < 0 ?
	    -1 : dm_capture_wait(&c);
	free(argv);
	dm_buf_reset(out);
	dm_buf_add(out, c.out.buf, c.out.len);
	if (st != 0 && !quiet && (sig || !dm_interrupted))
		complain(cmd, st, &c.err);
	dm_capture_free(&c);
	return st == 0 ? 0 : -1;
}

long
dm_slurm_maxarray(void)
{
	static char *args[] = { "show", "config", NULL };
	struct dm_buf out = DM_BUF_INIT;
	const char *p;
	long n = -1;

	if (run(SCONTROL, args, &out, 0) == 0) {
		n = 1001;	/* Slurm's default */
		if ((p = strstr(out.buf, "\nMaxArraySize")) != NULL &&
		    (p = strchr(p, '=')) != NULL)
			n = strtol(p + 1, NULL, 10);
	}
	dm_buf_free(&out);
	return n;
}

int
dm_slurm_sbatch(char *const *args, char *id, size_t n)
{
	struct dm_buf out = DM_BUF_INIT;
	int r = -1;
	size_t k;

	if (run(SBATCH, args, &out, 0) < 0)
		;
	else if (id == NULL)
		r = 0;	/* --test-only */
	else {
		/* --parsable: "JOBID" or "JOBID;CLUSTER" */
		k = strspn(out.buf, "0123456789");
		if (k == 0 || k >= n)
			dm_warn("sbatch: unexpected answer '%.*s'",
			    (int)strcspn(out.buf, "\n"), out.buf);
		else {
			memcpy(id, out.buf, k);
			id[k] = '\0';
			r = 0;
		}
	}
	dm_buf_free(&out);
	return r;
}

static enum dm_slurm_state
state(const char *w)
{
	static const char *const pending[] = {
		"PENDING", "REQUEUED", "REQUEUE_HOLD", "REQUEUE_FED",
		"RESV_DEL_HOLD", "CONFIGURING", "RESIZING", NULL
	};
	static const char *const running[] = {
		"RUNNING", "COMPLETING", "SUSPENDED", "STOPPED", "SIGNALING",
		"STAGE_OUT", NULL
	};
	int i;

	for (i = 0; pending[i]; i++)
		if (strcmp(w, pending[i]) == 0)
			return DM_SL_PENDING;
	for (i = 0; running[i]; i++)
		if (strcmp(w, running[i]) == 0)
			return DM_SL_RUNNING;
	if (strcmp(w, "COMPLETED") == 0)
		return DM_SL_COMPLETED;
	if (strcmp(w, "CANCELLED") == 0)
		return DM_SL_CANCELLED;
	if (strcmp(w, "TIMEOUT") == 0 || strcmp(w, "DEADLINE") == 0)
		return DM_SL_TIMEOUT;
	return DM_SL_FAILED;
}

int
dm_slurm_squeue(const char *name, struct dm_slurm_elem **v, size_t *n)
{
	char *args[] = { "--noheader", "--array", "--states=all",
	    "--name", (char *)name, "--format=%F|%K|%T|%N", NULL };
	struct dm_buf out = DM_BUF_INIT;
	struct dm_slurm_elem e;
	size_t cap = 0;
	char *p, *nl, *f[4];
	int i;

	*v = NULL;
	*n = 0;
	if (run(SQUEUE, args, &out, 1) < 0) {
		dm_buf_free(&out);
		return -1;
	}
	for (p = out.buf; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
		*nl = '\0';
		for (i = 0; i < 4; i++) {
			f[i] = p;
			p += strcspn(p, "|");
			if (*p)
				*p++ = '\0';
		}
		memset(&e, 0, sizeof e);
		snprintf(e.job, sizeof e.job, "%s", f[0]);
		/* an element that is not split off yet reads "0-7%2" */
		if (strspn(f[1], "0123456789") != strlen(f[1]) || !*f[1])
			continue;
		e.task = atoi(f[1]);
		snprintf(e.word, sizeof e.word, "%s", f[2]);
		snprintf(e.node, sizeof e.node, "%s", f[3]);
		e.state = state(e.word);
		if (*n == cap) {
			cap = cap ? 2 * cap : 64;
			*v = dm_xreallocarray(*v, cap, sizeof **v);
		}
		(*v)[(*n)++] = e;
	}
	dm_buf_free(&out);
	return 0;
}

int
dm_slurm_scancel_name(const char *name)
{
	char *args[] = { "--quiet", "--name", (char *)name, NULL };
	struct dm_buf out = DM_BUF_INIT;
	int r;

	r = run(SCANCEL, args, &out, 0);
	dm_buf_free(&out);
	return r;
}

int
dm_slurm_scancel(char *const *ids, size_t n)
{
	struct dm_buf out = DM_BUF_INIT;
	char **args;
	size_t i;
	int r;

	if (n == 0)
		return 0;
	args = dm_xcalloc(n + 2, sizeof *args);
	args[0] = "--quiet";
	for (i = 0; i < n; i++)
		args[i + 1] = ids[i];
	r = run(SCANCEL, args, &out, 0);
	free(args);
	dm_buf_free(&out);
	return r;
}
