/* slurmstatus.c - dm-run --status: what a run on Slurm has done, from its spool */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "slurm.h"

/* What became of a block, as far as the spool and squeue tell. */
enum bstate { B_WAITING, B_PENDING, B_RUNNING, B_DONE, B_FAILED };

struct counts {
	unsigned long long n[B_FAILED + 1];
	unsigned long long retries;
	int arrays;
};

/* The highest attempt of each block that was submitted, from the maps. */
static void
attempts(const struct dm_spool *sp, int *att)
{
	struct dm_buf line = DM_BUF_INIT;
	unsigned long long seq;
	const char *p;
	int k, t, a;

	for (k = 1; k <= sp->nsub; k++)
		for (t = 0; dm_spool_element(sp, k, t, &line) == 0; t++)
			for (p = line.buf; dm_spool_entry(&p, &seq, &a); )
				if (seq <= sp->nblocks && a > att[seq])
					att[seq] = a;
	dm_buf_free(&line);
}

/* Marks the blocks of the live elements of the run's arrays pending or
 * running. -1 (reported) when squeue fails. */
static int
live(const struct dm_spool *sp, enum bstate *st, int *arrays)
{
	struct dm_buf line = DM_BUF_INIT;
	struct dm_slurm_elem *v;
	unsigned long long seq;
	char name[32], id[32], **ids;
	const char *p;
	size_t n, i;
	int k, a;

	dm_spool_jobname(sp, name, sizeof name);
	if (dm_slurm_squeue(name, &v, &n) < 0) {
		dm_warn("squeue: cannot list the jobs of this spool");
		return -1;
	}
	ids = dm_xcalloc((size_t)sp->nsub + 1, sizeof *ids);
	for (k = 1; k <= sp->nsub; k++)
		if (dm_spool_getid(sp, k, id, sizeof id) == 0)
			ids[k] = dm_xstrdup(id);
	for (i = 0; i < n; i++) {
		if (v[i].state > DM_SL_RUNNING)
			continue;
		for (k = 1; k <= sp->nsub; k++)
			if (ids[k] && strcmp(ids[k], v[i].job) == 0)
				break;
		if (k > sp->nsub ||
		    dm_spool_element(sp, k, v[i].task, &line) < 0)
			continue;
		for (p = line.buf; dm_spool_entry(&p, &seq, &a); )
			if (seq <= sp->nblocks && st[seq] != B_DONE)
				st[seq] = v[i].state == DM_SL_RUNNING ?
				    B_RUNNING : B_PENDING;
	}
	for (k = 1; k <= sp->nsub; k++)
		if (ids[k])
			(*arrays)++;
	for (k = 0; k <= sp->nsub; k++)
		free(ids[k]);
	free(ids);
	free(v);
	dm_buf_free(&line);
	return 0;
}

static const char *
runstate(const struct dm_spool *sp)
{
	struct dm_buf path = DM_BUF_INIT;
	FILE *f;
	int ok;

	dm_buf_addf(&path, "%s/_SUCCESS", sp->dir);
	ok = (f = fopen(path.buf, "r")) != NULL;
	if (f)
		fclose(f);
	dm_buf_free(&path);
	if (ok)
		return "finished";
	return dm_spool_busy(sp) ? "running" : "stopped";
}

static void
describe(struct dm_buf *b, int st, const char *word, int sig)
{
	if (sig > 0)
		/* its command's shell died of it: as dm-run reports it */
		dm_buf_addf(b, "killed by signal %d (%s)", sig, strsignal(sig));
	else if (st == DM_SPOOL_SLURMEND && (strcmp(word, "TIMEOUT") == 0 ||
	    strcmp(word, "DEADLINE") == 0))
		dm_buf_adds(b, "timed out");
	else if (st == DM_SPOOL_SLURMEND)
		dm_buf_addf(b, "ended %s", word);
	else if (st < 0)
		dm_buf_adds(b, "did not finish");
	else if (st <= 1)
		/* a failed block: its part never came into place */
		dm_buf_addf(b, "exit status %d, its part not in place", st);
	else
		dm_buf_addf(b, "exit status %d", st);
}

int
dm_slurm_status(const char *dir, int json)
{
	static const char *const names[] = {
		"waiting", "pending", "running", "done", "failed"
	};
	struct dm_spool sp;
	struct counts c;
	struct dm_buf why = DM_BUF_INIT;
	enum bstate *st;
	unsigned long long seq;
	json_t *o, *failed, *f;
	const char *state;
	char node[64], word[64];
	int *att, i, last, sig;

	if (dm_spool_read(&sp, dir) < 0)
		return DM_EXIT_ERROR;
	if (dm_slurm_find() < 0) {
		dm_spool_close(&sp);
		return DM_EXIT_ERROR;
	}
	memset(&c, 0, sizeof c);
	st = dm_xcalloc(sp.nblocks + 1, sizeof *st);
	att = dm_xcalloc(sp.nblocks + 1, sizeof *att);
	attempts(&sp, att);
	for (seq = 1; seq <= sp.nblocks; seq++)
		if (dm_spool_done(&sp, seq))
			st[seq] = B_DONE;
	if (live(&sp, st, &c.arrays) < 0) {
		free(st);
		free(att);
		dm_spool_close(&sp);
		return DM_EXIT_ERROR;
	}
	state = runstate(&sp);
	failed = json_array();
	for (seq = 1; seq <= sp.nblocks; seq++) {
		if (!sp.blocks[seq].known)
			continue;
		if (st[seq] == B_WAITING && att[seq] > 0)
			st[seq] = B_FAILED;
		c.n[st[seq]]++;
		if (att[seq] > 1)
			c.retries += (unsigned long long)att[seq] - 1;
		if (st[seq] != B_FAILED)
			continue;
		last = dm_spool_status(&sp, seq, att[seq], node, sizeof node,
		    word, sizeof word);
		f = json_object();
		json_object_set_new(f, "block", json_integer((json_int_t)seq));
		json_object_set_new(f, "attempts", json_integer(att[seq]));
		json_object_set_new(f, "status", last < 0 ? json_null() :
		    json_integer(last));
		sig = dm_spool_termsig(&sp, seq, att[seq]);
		json_object_set_new(f, "signal", sig > 0 ? json_integer(sig) :
		    json_null());
		json_object_set_new(f, "slurm", *word ? json_string(word) :
		    json_null());
		json_object_set_new(f, "node", *node ? json_string(node) :
		    json_null());
		json_array_append_new(failed, f);
	}

	if (json) {
		o = json_object();
		json_object_set_new(o, "spool", json_string(sp.dir));
		json_object_set_new(o, "state", json_string(state));
		json_object_set_new(o, "blocks",
		    json_integer((json_int_t)sp.nblocks));
		json_object_set_new(o, "cut", json_boolean(sp.nend > 0 &&
		    sp.nend == sp.nblocks));
		for (i = 0; i <= B_FAILED; i++)
			json_object_set_new(o, names[i],
			    json_integer((json_int_t)c.n[i]));
		json_object_set_new(o, "retries",
		    json_integer((json_int_t)c.retries));
		json_object_set_new(o, "arrays", json_integer(c.arrays));
		json_object_set(o, "failed_blocks", failed);
		json_dumpf(o, stdout, JSON_PRESERVE_ORDER | JSON_COMPACT);
		putchar('\n');
		json_decref(o);
	} else {
		printf("spool    %s\nstate    %s\nblocks   %llu%s\n", sp.dir,
		    state, sp.nblocks, sp.nend > 0 && sp.nend == sp.nblocks ?
		    "" : " (the input is not all cut)");
		for (i = B_DONE; i >= B_WAITING; i--)
			if (i != B_FAILED)
				printf("%-8s %llu\n", names[i], c.n[i]);
		printf("failed   %llu\nretries  %llu\narrays   %d\n",
		    c.n[B_FAILED], c.retries, c.arrays);
		for (seq = 1; seq <= sp.nblocks; seq++) {
			if (st[seq] != B_FAILED)
				continue;
			last = dm_spool_status(&sp, seq, att[seq], node,
			    sizeof node, word, sizeof word);
			dm_buf_reset(&why);
			describe(&why, last, word,
			    dm_spool_termsig(&sp, seq, att[seq]));
			printf("block %llu failed %d time%s: %s%s%s\n", seq,
			    att[seq], att[seq] == 1 ? "" : "s", why.buf,
			    *node ? " on " : "", node);
		}
	}
	json_decref(failed);
	dm_buf_free(&why);
	free(st);
	free(att);
	dm_spool_close(&sp);
	return DM_EXIT_OK;
}
