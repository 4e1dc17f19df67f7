/* runlocal.c - dm-run's backend of this machine: jobs as local processes */
#include <stdio.h>
#include <unistd.h>

#include "backend.h"

static int
local_open(struct dm_sched *S, struct dm_runhost *h)
{
	h->nslots = h->h && h->h->slots ? h->h->slots : S->o->jobs;
	return 0;
}

static int
local_check(struct dm_sched *S, struct dm_runhost *h, struct dm_probe *p,
    struct dm_buf *why)
{
	(void)h;
	(void)why;
	snprintf(p->machine, sizeof p->machine, "%s", dm_local_machine());
	p->cores = S->o->jobs;
	p->has_sh = access("/bin/sh", X_OK) == 0;
	snprintf(p->version, sizeof p->version, "dm %s", DM_VERSION);
	return 0;
}

/* /bin/sh -c COMMAND, or COMMAND's words themselves (runexec.c) */
static void
local_start(struct dm_sched *S, struct dm_jobslot *s, struct dm_job *j)
{
	char *argv[4];

	if (S->dargv != NULL && !S->o->files &&
	    dm_attempt_spawn_direct(S, s, j) == 0)
		return;

	argv[0] = "/bin/sh";
	argv[1] = "-c";
	argv[2] = DM_JOB_RUN(j);
	argv[3] = NULL;
	dm_attempt_spawn(S, s, j, argv);
}

static void
local_stop(struct dm_sched *S, struct dm_job *j, int quiet)
{
	(void)S;
	(void)quiet;
	dm_attempt_signal(j);
}

static enum dm_end
local_classify(const struct dm_sched *S, const struct dm_job *j)
{
	(void)S;
	return dm_attempt_classify(j);
}

const struct dm_backend dm_backend_local = {
	.name = "local",
	.open = local_open,
	.check = local_check,
	.start = local_start,
	.stop = local_stop,
	.classify = local_classify,
};
