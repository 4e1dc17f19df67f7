/* runrej.c - dm-run --rejects: the rejected lines of the jobs, gathered */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend.h"

/*
 * Each attempt of a job gets a file of its own in a directory of this
 * run's, named in DM_REJECTS, which every dm tool of the job adds its
 * rejected lines to (io.c). The file of an attempt that failed goes; the
 * file of a job that succeeded is added to --rejects once the job's output
 * is delivered, so that the file holds each job's lines once, in the order
 * of the outputs, as one run over the whole input would. With
 * --output-dir, it is kept in DIR with the part instead, and the records
 * of all the parts are gathered once the run is complete. On Slurm, the
 * spool keeps the file of each block that is done next to its part (the
 * element script), which a resumed run delivers again: it is never
 * removed here (rejkeep).
 */

int
dm_rej_open(struct dm_sched *S)
{
	const struct dm_runopts *o = S->o;
	const char *t = getenv("TMPDIR");
	struct dm_buf dir = DM_BUF_INIT;

	S->rejfd = -1;
	if (o->rejects != NULL) {
		S->rejfd = open(o->rejects, O_WRONLY | O_CREAT | O_CLOEXEC |
		    (o->rejects_append ? O_APPEND : O_TRUNC), 0666);
		if (S->rejfd < 0) {
			dm_warnx_errno("%s", o->rejects);
			return -1;
		}
	}
	/* on Slurm, the spool keeps each block's records (runslurm.c);
	 * with --output-dir, DIR does (runckpt.c), --rejects or not, so
	 * that a resumed run can gather those of every block */
	if (o->spool || (o->rejects == NULL && o->outdir == NULL))
		return 0;
	dm_buf_addf(&dir, "%s/dm-run-rejects.XXXXXX", t && *t ? t : "/tmp");
	if (mkdtemp(dir.buf) == NULL) {
		dm_warnx_errno("%s", dir.buf);
		dm_buf_free(&dir);
		close(S->rejfd);
		S->rejfd = -1;
		return -1;
	}
	S->rejdir = dm_buf_detach(&dir, NULL);
	return 0;
}

char *
dm_rej_attempt(struct dm_sched *S, struct dm_job *j)
{
	struct dm_buf b = DM_BUF_INIT;

	if (S->rejdir == NULL)
		return NULL;
	dm_rej_discard(j);
	dm_buf_addf(&b, "%s/%llu.%d", S->rejdir, j->seq, j->attempt);
	j->rejpath = dm_xstrdup(b.buf);
	dm_buf_reset(&b);
	dm_buf_addf(&b, "DM_REJECTS=%s", j->rejpath);
	return dm_buf_detach(&b, NULL);
}

void
dm_rej_discard(struct dm_job *j)
{
	if (j->rejpath == NULL)
		return;
	if (!j->rejkeep)
		unlink(j->rejpath);
	free(j->rejpath);
	j->rejpath = NULL;
}

void
dm_rej_deliver(struct dm_sched *S, struct dm_job *j)
{
	/* no file: the attempt rejected nothing */
	if (j->rejpath != NULL &&
	    dm_fd_copyfile(j->rejpath, S->rejfd, S->o->rejects) < 0)
		S->fatal = 1;
	dm_rej_discard(j);
}

void
dm_rej_close(struct dm_sched *S)
{
	struct dirent *e;
	struct dm_buf p = DM_BUF_INIT;
	DIR *d;

	if (S->rejfd >= 0 && close(S->rejfd) < 0) {
		dm_warnx_errno("%s: write error", S->o->rejects);
		S->fatal = 1;
	}
	S->rejfd = -1;
	free(S->rejmark);
	S->rejmark = NULL;
	if (S->rejdir == NULL)
		return;
	/* what jobs stopped by a signal or a halt left */
	if ((d = opendir(S->rejdir)) != NULL) {
		while ((e = readdir(d)) != NULL) {
			if (e->d_name[0] == '.')
				continue;
			dm_buf_reset(&p);
			dm_buf_addf(&p, "%s/%s", S->rejdir, e->d_name);
			unlink(p.buf);
		}
		closedir(d);
	}
	rmdir(S->rejdir);
	dm_buf_free(&p);
	free(S->rejdir);
	S->rejdir = NULL;
}

int
dm_rej_line(struct dm_job *j, const char *p, size_t n)
{
	size_t m = strlen(j->rejmark);
	int fd, r;

	if (n < m || memcmp(p, j->rejmark, m) != 0)
		return 0;
	/* a line lost here would be a record lost: the attempt fails */
	fd = open(j->rejpath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
	r = fd >= 0 && dm_fd_writeall(fd, p + m, n - m + 1) == 0;
	if (fd >= 0 && close(fd) < 0)
		r = 0;
	if (!r && !j->rejfail) {
		dm_warnx_errno("%s: write error", j->rejpath);
		j->rejfail = 1;
	}
	return 1;
}
