/* slurmspool.c - dm-run on Slurm: the spool directory and the element script */
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "slurm.h"

static const char *const subdirs[] = {
	"in", "cmd", "sub", "tmp", "part", "rej", "st", "err", "log"
};

/* The element script. The spool's path is set before it; $1 is the
 * submission. A block whose part exists is done (an attempt requeued
 * after the first one finished, or a resumed run): skipped. */
static const char script[] =
"# the blocks of this element: SEQ:ATTEMPT:SLOT:LINE on line TASK+1 of\n"
"# sub/$1.map\n"
"line=$(sed -n \"$((SLURM_ARRAY_TASK_ID + 1))p\" \"$spool/sub/$1.map\") || exit 3\n"
"node=${SLURMD_NODENAME:-$(hostname)}\n"
"name=$(cat \"$spool/name\" 2>/dev/null)\n"
"# unique to this attempt, even when Slurm requeues it while the first\n"
"# still runs on a node that was lost\n"
"tag=$SLURM_ARRAY_JOB_ID.$SLURM_ARRAY_TASK_ID.${SLURM_RESTART_COUNT:-0}\n"
"# one block's command, in a subshell with its stdin, stdout and stderr\n"
"block() {\n"
"\tif [ -n \"$range\" ]; then\n"
"\t\tDM_RUN_RANGE=$range DM_RUN_LINE=$from${name:+:$name}\n"
"\t\texport DM_RUN_RANGE DM_RUN_LINE\n"
"\tfi\n"
"\tDM_REJECTS=$tmp.rej\n"
"\texport DM_REJECTS\n"
"\tDM_JOB=$seq DM_ATTEMPT=$att DM_SLOT=$slot exec $dflt /bin/sh -c \"$cmd\"\n"
"}\n"
"# $? is 128 + N for a command that died of signal N and for one that\n"
"# exited so; only the shell's wait tells them apart, naming the signal\n"
"# on its stderr (dash, and bash but for SIGTERM; neither names SIGINT\n"
"# nor SIGPIPE), and only for a command in the background, which starts\n"
"# with SIGINT and SIGQUIT ignored: it runs so where env can give them\n"
"# back their default (GNU's, 8.31 and later), else in the foreground,\n"
"# its signal unknown\n"
"dflt=\n"
"env --default-signal=INT,QUIT true 2>/dev/null &&\n"
"    dflt='env --default-signal=INT,QUIT'\n"
"for e in $line; do\n"
"\tseq=${e%%:*} e=${e#*:}\n"
"\tatt=${e%%:*} e=${e#*:}\n"
"\tslot=${e%%:*} from=0\n"
"\tcase $e in *:*) from=${e#*:} ;; esac\n"
"\tb=$(printf %06d \"$seq\")\n"
"\t[ -e \"$spool/part/$b\" ] && continue\n"
"\trange=\n"
"\tif [ -f \"$spool/cmd/$b\" ]; then\n"
"\t\tcmd=$(cat \"$spool/cmd/$b\") in=/dev/null\n"
"\telse\n"
"\t\tcmd=$(cat \"$spool/run\") in=$spool/in/$b\n"
"\t\t# a dm tool reads the block from the file and numbers its lines\n"
"\t\t# from LINE (GNU's stat, then BSD's)\n"
"\t\t[ \"$from\" != 0 ] && range=$( (stat -L -c %d:%i:0:%s \"$in\" ||\n"
"\t\t    stat -L -f %d:%i:0:%z \"$in\") 2>/dev/null)\n"
"\tfi\n"
"\ttmp=$spool/tmp/$b.$tag\n"
"\t# the lines the dm tools reject, kept with the part: rej/NNNNNN\n"
"\trm -f \"$tmp.rej\"\n"
"\tt0=$(date +%s)\n"
"\tif [ -n \"$dflt\" ]; then\n"
"\t\t(block) <\"$in\" >\"$tmp\" 2>\"$spool/err/$b.$att\" &\n"
"\t\t# (waited for all the same when that file cannot be made)\n"
"\t\tst=\n"
"\t\t{ wait $!; st=$?; } 2>\"$tmp.w\"\n"
"\t\t[ -n \"$st\" ] || { wait $!; st=$?; }\n"
"\telse\n"
"\t\t(block) <\"$in\" >\"$tmp\" 2>\"$spool/err/$b.$att\"\n"
"\t\tst=$?\n"
"\tfi\n"
"\t# 128 + N, and the shell named the signal: the command's shell died\n"
"\t# of signal N, where an exit 128 + N of its own says nothing\n"
"\tsig=\n"
"\t[ \"$st\" -gt 128 ] && [ -s \"$tmp.w\" ] && sig=\" $((st - 128))\"\n"
"\trm -f \"$tmp.w\"\n"
"\techo \"$st $node $t0 $(date +%s)$sig\" >\"$tmp.st\"\n"
"\tmv -f \"$tmp.st\" \"$spool/st/$b.$att\"\n"
"\tif [ \"$st\" -le 1 ]; then\n"
"\t\t# the part is whole before it has its name, and the records of\n"
"\t\t# its rejected lines are in place before it\n"
"\t\tsync \"$tmp\" 2>/dev/null\n"
"\t\t# (the tools make the file when they start: empty, none)\n"
"\t\tif [ -s \"$tmp.rej\" ]; then\n"
"\t\t\tsync \"$tmp.rej\" 2>/dev/null\n"
"\t\t\tmv -f \"$tmp.rej\" \"$spool/rej/$b\"\n"
"\t\telse\n"
"\t\t\trm -f \"$spool/rej/$b\" \"$tmp.rej\"\n"
"\t\tfi &&\n"
"\t\tcp \"$spool/st/$b.$att\" \"$tmp.ok\" &&\n"
"\t\t    mv -f \"$tmp.ok\" \"$spool/st/$b.ok\" &&\n"
"\t\t    mv -f \"$tmp\" \"$spool/part/$b\"\n"
"\telse\n"
"\t\trm -f \"$tmp\" \"$tmp.rej\"\n"
"\tfi\n"
"done\n"
"exit 0\n";

static int	script_write(struct dm_spool *);

static void
addpath(struct dm_buf *b, const struct dm_spool *sp, const char *name)
{
	dm_buf_reset(b);
	dm_buf_addf(b, "%s/%s", sp->dir, name);
}

void
dm_spool_path(const struct dm_spool *sp, struct dm_buf *b, const char *what,
    unsigned long long seq, int attempt)
{
	dm_buf_reset(b);
	dm_buf_addf(b, "%s/%s/%06llu", sp->dir, what, seq);
	if (strcmp(what, "st") == 0 && attempt == 0)
		dm_buf_adds(b, ".ok");
	else if (strcmp(what, "st") == 0 || strcmp(what, "err") == 0)
		dm_buf_addf(b, ".%d", attempt);
}

/* The whole of a file into b: 0, or -1 with errno. */
static int
readfile(const char *path, struct dm_buf *b)
{
	char tmp[8192];
	ssize_t n;
	int fd;

	dm_buf_reset(b);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	while ((n = read(fd, tmp, sizeof tmp)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			n = errno;
			close(fd);
			errno = (int)n;
			return -1;
		}
		dm_buf_add(b, tmp, (size_t)n);
	}
	close(fd);
	return 0;
}

/* Writes p[0..n) as path, whole or not at all (a temporary renamed):
 * 0, or -1 reported. */
static int
writefile(const char *path, const char *p, size_t n, int mode)
{
	struct dm_buf tmp = DM_BUF_INIT;
	int fd, r = -1;

	dm_buf_addf(&tmp, "%s.%ld.tmp", path, (long)getpid());
	fd = open(tmp.buf, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		dm_warnx_errno("%s", tmp.buf);
	else if (dm_fd_writeall(fd, p, n) < 0 || close(fd) < 0) {
		dm_warnx_errno("%s", tmp.buf);
		unlink(tmp.buf);
	} else if (rename(tmp.buf, path) < 0) {
		dm_warnx_errno("%s", path);
		unlink(tmp.buf);
	} else
		r = 0;
	dm_buf_free(&tmp);
	return r;
}

static void
grow(struct dm_spool *sp, unsigned long long seq)
{
	unsigned long long n = sp->nblocks;

	if (seq <= n)
		return;
	sp->blocks = dm_xreallocarray(sp->blocks, seq + 1,
	    sizeof *sp->blocks);
	memset(&sp->blocks[n + 1], 0, (seq - n) * sizeof *sp->blocks);
	sp->nblocks = seq;
}

/* Reads _BLOCKS: "SEQ OFF LEN HASH" lines and "end N". A line cut short
 * by a crash is ignored: its block is simply written again. */
static int
readblocks(struct dm_spool *sp)
{
	struct dm_buf b = DM_BUF_INIT, path = DM_BUF_INIT;
	unsigned long long seq, off, len, n;
	uint64_t hash;
	char *p, *nl;
	int r = 0;

	addpath(&path, sp, "_BLOCKS");
	if (readfile(path.buf, &b) < 0) {
		if (errno != ENOENT) {
			dm_warnx_errno("%s", path.buf);
			r = -1;
		}
		goto out;
	}
	for (p = b.buf; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
		*nl = '\0';
		if (sscanf(p, "%llu %llu %llu %" SCNx64, &seq, &off, &len,
		    &hash) == 4 && seq > 0) {
			grow(sp, seq);
			sp->blocks[seq].off = off;
			sp->blocks[seq].len = len;
			sp->blocks[seq].hash = hash;
			sp->blocks[seq].known = 1;
		} else if (sscanf(p, "end %llu", &n) == 1)
			sp->nend = n;
	}
out:
	dm_buf_free(&b);
	dm_buf_free(&path);
	return r;
}

/* The submissions made so far: the highest K of sub/K.map. */
static void
countsubs(struct dm_spool *sp)
{
	struct dm_buf path = DM_BUF_INIT;
	struct dirent *e;
	DIR *d;
	int k;
	char c;

	addpath(&path, sp, "sub");
	if ((d = opendir(path.buf)) != NULL) {
		while ((e = readdir(d)) != NULL)
			if (sscanf(e->d_name, "%d.ma%c", &k, &c) == 2 &&
			    c == 'p' && k > sp->nsub)
				sp->nsub = k;
		closedir(d);
	}
	dm_buf_free(&path);
}

static void
spool_init(struct dm_spool *sp)
{
	memset(sp, 0, sizeof *sp);
	sp->lockfd = sp->blocksfd = -1;
}

int
dm_spool_open(struct dm_spool *sp, const char *dir, int resume,
    const char *settings, const char *command)
{
	struct dm_buf path = DM_BUF_INIT, b = DM_BUF_INIT, want = DM_BUF_INIT;
	char real[PATH_MAX], *run;
	size_t i;
	int have;

	spool_init(sp);
	if (mkdir(dir, 0777) < 0 && errno != EEXIST) {
		dm_warnx_errno("%s", dir);
		goto bad;
	}
	if (realpath(dir, real) == NULL) {
		dm_warnx_errno("%s", dir);
		goto bad;
	}
	sp->dir = dm_xstrdup(real);
	addpath(&path, sp, "_LOCK");
	sp->lockfd = open(path.buf, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
	if (sp->lockfd < 0) {
		dm_warnx_errno("%s", dir);
		goto bad;
	}
	if (flock(sp->lockfd, LOCK_EX | LOCK_NB) < 0) {
		if (errno == EWOULDBLOCK)
			dm_warn("%s: in use by another run", dir);
		else
			dm_warnx_errno("%s", path.buf);
		goto bad;
	}
	for (i = 0; i < sizeof subdirs / sizeof *subdirs; i++) {
		addpath(&path, sp, subdirs[i]);
		if (mkdir(path.buf, 0777) < 0 && errno != EEXIST) {
			dm_warnx_errno("%s", path.buf);
			goto bad;
		}
	}
	dm_buf_addf(&want, "%s\nsettings %s\n", DM_SPOOL_MAGIC, settings);
	addpath(&path, sp, "_SPOOL");
	have = readfile(path.buf, &b) == 0;
	if (have && !resume) {
		dm_warn("%s: holds another run (resume it with --resume, or "
		    "remove it)", dir);
		goto bad;
	}
	if (have) {
		if (strncmp(b.buf, DM_SPOOL_MAGIC "\n",
		    strlen(DM_SPOOL_MAGIC) + 1) != 0) {
			dm_warn("%s: not a spool of dm-run", dir);
			goto bad;
		}
		if (strcmp(b.buf, want.buf) != 0) {
			b.buf[strcspn(b.buf + strlen(DM_SPOOL_MAGIC) + 1,
			    "\n") + strlen(DM_SPOOL_MAGIC) + 1] = '\0';
			dm_warn("%s: the run being resumed cut its input "
			    "otherwise (its _SPOOL says '%s')", dir,
			    b.buf + strlen(DM_SPOOL_MAGIC) + 1);
			goto bad;
		}
		addpath(&path, sp, "command");
		if (readfile(path.buf, &b) < 0) {
			dm_warnx_errno("%s", path.buf);
			goto bad;
		}
		if (strcmp(b.buf, command) != 0) {
			dm_warn("%s: the run being resumed ran another command",
			    dir);
			goto bad;
		}
		if (readblocks(sp) < 0)
			goto bad;
		countsubs(sp);
	} else {
		addpath(&path, sp, "command");
		if (writefile(path.buf, command, strlen(command), 0666) < 0)
			goto bad;
		addpath(&path, sp, "_SPOOL");
		if (writefile(path.buf, want.buf, want.len, 0666) < 0)
			goto bad;
	}
	addpath(&path, sp, "_SUCCESS");
	if (unlink(path.buf) < 0 && errno != ENOENT) {
		dm_warnx_errno("%s", path.buf);
		goto bad;
	}
	addpath(&path, sp, "_BLOCKS");
	sp->blocksfd = open(path.buf, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
	    0666);
	if (sp->blocksfd < 0) {
		dm_warnx_errno("%s", path.buf);
		goto bad;
	}
	/* what the elements run: the command, or the script that keeps the
	 * status of each stage of its pipeline */
	run = dm_run_pipefail(command);
	addpath(&path, sp, "run");
	have = writefile(path.buf, run ? run : command,
	    strlen(run ? run : command), 0666);
	free(run);
	if (have < 0 || script_write(sp) < 0)
		goto bad;
	dm_buf_free(&path);
	dm_buf_free(&b);
	dm_buf_free(&want);
	return 0;
bad:
	dm_buf_free(&path);
	dm_buf_free(&b);
	dm_buf_free(&want);
	dm_spool_close(sp);
	return -1;
}

int
dm_spool_read(struct dm_spool *sp, const char *dir)
{
	struct dm_buf path = DM_BUF_INIT, b = DM_BUF_INIT;
	char real[PATH_MAX];
	int r = -1;

	spool_init(sp);
	if (realpath(dir, real) == NULL) {
		dm_warnx_errno("%s", dir);
		goto out;
	}
	sp->dir = dm_xstrdup(real);
	addpath(&path, sp, "_SPOOL");
	if (readfile(path.buf, &b) < 0 || strncmp(b.buf, DM_SPOOL_MAGIC "\n",
	    strlen(DM_SPOOL_MAGIC) + 1) != 0) {
		dm_warn("%s: not a spool of dm-run", dir);
		goto out;
	}
	addpath(&path, sp, "_LOCK");
	sp->lockfd = open(path.buf, O_RDONLY | O_CLOEXEC);
	if (readblocks(sp) < 0)
		goto out;
	countsubs(sp);
	r = 0;
out:
	dm_buf_free(&path);
	dm_buf_free(&b);
	if (r < 0)
		dm_spool_close(sp);
	return r;
}

void
dm_spool_close(struct dm_spool *sp)
{
	if (sp->lockfd >= 0)
		close(sp->lockfd);
	if (sp->blocksfd >= 0)
		close(sp->blocksfd);
	free(sp->dir);
	free(sp->blocks);
	spool_init(sp);
}

int
dm_spool_busy(const struct dm_spool *sp)
{
	/* dm_spool_read opened _LOCK afresh: a lock of its own */
	if (sp->lockfd < 0)
		return 0;
	if (flock(sp->lockfd, LOCK_SH | LOCK_NB) < 0)
		return errno == EWOULDBLOCK;
	flock(sp->lockfd, LOCK_UN);
	return 0;
}

int
dm_spool_put(struct dm_spool *sp, unsigned long long seq,
    unsigned long long off, const char *in, size_t len, const char *cmd)
{
	struct dm_buf path = DM_BUF_INIT, line = DM_BUF_INIT;
	uint64_t hash = dm_hash64(in, len);
	struct dm_spool_block *k;
	int r = -1;

	if (seq <= sp->nblocks && sp->blocks[seq].known) {
		k = &sp->blocks[seq];
		if (k->off != off || k->len != len || k->hash != hash) {
			dm_warn("%s: block %llu of the input differs from the "
			    "run being resumed", sp->dir, seq);
			return -1;
		}
		return 0;
	}
	if (cmd) {
		dm_spool_path(sp, &path, "cmd", seq, 0);
		if (writefile(path.buf, cmd, strlen(cmd), 0666) < 0)
			goto out;
	} else {
		dm_spool_path(sp, &path, "in", seq, 0);
		if (writefile(path.buf, in, len, 0666) < 0)
			goto out;
	}
	dm_buf_addf(&line, "%llu %llu %zu %016" PRIx64 "\n", seq, off, len,
	    hash);
	/* one write: concurrent readers see whole lines or none */
	if (dm_fd_writeall(sp->blocksfd, line.buf, line.len) < 0) {
		dm_warnx_errno("%s/_BLOCKS", sp->dir);
		goto out;
	}
	grow(sp, seq);
	sp->blocks[seq] = (struct dm_spool_block){ off, len, hash, 1 };
	r = 0;
out:
	dm_buf_free(&path);
	dm_buf_free(&line);
	return r;
}

int
dm_spool_end(struct dm_spool *sp, unsigned long long n)
{
	char line[64];
	int k;

	if (sp->nend == n)
		return 0;
	k = snprintf(line, sizeof line, "end %llu\n", n);
	if (dm_fd_writeall(sp->blocksfd, line, (size_t)k) < 0) {
		dm_warnx_errno("%s/_BLOCKS", sp->dir);
		return -1;
	}
	sp->nend = n;
	return 0;
}

int
dm_spool_done(const struct dm_spool *sp, unsigned long long seq)
{
	struct dm_buf path = DM_BUF_INIT;
	int r;

	dm_spool_path(sp, &path, "part", seq, 0);
	r = access(path.buf, F_OK) == 0;
	dm_buf_free(&path);
	return r;
}

int
dm_spool_status(const struct dm_spool *sp, unsigned long long seq,
    int attempt, char *node, size_t n, char *word, size_t wn)
{
	struct dm_buf path = DM_BUF_INIT, b = DM_BUF_INIT;
	char w[2][64];
	int st = -1, k;

	if (node && n)
		*node = '\0';
	if (word && wn)
		*word = '\0';
	dm_spool_path(sp, &path, "st", seq, attempt);
	if (readfile(path.buf, &b) == 0 &&
	    (k = sscanf(b.buf, "%63s %63s", w[0], w[1])) >= 1) {
		if (strspn(w[0], "0123456789") == strlen(w[0]))
			st = atoi(w[0]);
		else {
			/* the driver's record: how Slurm ended it */
			st = DM_SPOOL_SLURMEND;
			if (word)
				snprintf(word, wn, "%s", w[0]);
		}
		if (k == 2 && node)
			snprintf(node, n, "%s", w[1]);
	}
	dm_buf_free(&path);
	dm_buf_free(&b);
	return st;
}

int
dm_spool_termsig(const struct dm_spool *sp, unsigned long long seq,
    int attempt)
{
	struct dm_buf path = DM_BUF_INIT, b = DM_BUF_INIT;
	char w[5][64];
	int sig = 0;

	dm_spool_path(sp, &path, "st", seq, attempt);
	/* STATUS NODE START END SIGNAL: only an element that learned the
	 * signal writes the fifth word (the driver's "WORD NODE" has two) */
	if (readfile(path.buf, &b) == 0 && sscanf(b.buf,
	    "%63s %63s %63s %63s %63s", w[0], w[1], w[2], w[3], w[4]) == 5 &&
	    strspn(w[0], "0123456789") == strlen(w[0]) &&
	    strspn(w[4], "0123456789") == strlen(w[4]) &&
	    strlen(w[0]) < 4 && strlen(w[4]) < 4 &&
	    atoi(w[4]) > 0 && atoi(w[0]) == 128 + atoi(w[4]))
		sig = atoi(w[4]);
	dm_buf_free(&path);
	dm_buf_free(&b);
	return sig;
}

int
dm_spool_ended(const struct dm_spool *sp, unsigned long long seq,
    int attempt, const char *word, const char *node)
{
	struct dm_buf path = DM_BUF_INIT, b = DM_BUF_INIT, tmp = DM_BUF_INIT;
	int r = 0;

	dm_spool_path(sp, &path, "st", seq, attempt);
	dm_buf_addf(&b, "%s%s%s\n", word, *node ? " " : "", node);
	dm_buf_addf(&tmp, "%s.%ld.tmp", path.buf, (long)getpid());
	/* never over the attempt's own record, should it come late */
	if (writefile(tmp.buf, b.buf, b.len, 0666) < 0)
		r = -1;
	else {
		if (link(tmp.buf, path.buf) < 0 && errno != EEXIST) {
			dm_warnx_errno("%s", path.buf);
			r = -1;
		}
		unlink(tmp.buf);
	}
	dm_buf_free(&path);
	dm_buf_free(&b);
	dm_buf_free(&tmp);
	return r;
}

/* Writes the element script. */
static int
script_write(struct dm_spool *sp)
{
	struct dm_buf b = DM_BUF_INIT, path = DM_BUF_INIT, dir = DM_BUF_INIT;
	int r;

	dm_buf_adds(&b, "#!/bin/sh\n# job.sh - one element of a job array of "
	    "dm-run --slurm: runs the command on its blocks\nspool=");
	dm_buf_addshell(&b, sp->dir);
	dm_buf_addc(&b, '\n');
	/* the tools of dm-run's own build first, where the node sees them */
	dm_buf_adds(&b, "dmbin=");
	if (dm_self_dir(&dir) == 0)
		dm_buf_addshell(&b, dir.buf);
	dm_buf_adds(&b, "\n[ -n \"$dmbin\" ] && [ -x \"$dmbin/dm-run\" ] && "
	    "PATH=$dmbin:$PATH && export PATH\n");
	dm_buf_adds(&b, script);
	addpath(&path, sp, "job.sh");
	r = writefile(path.buf, b.buf, b.len, 0777);
	dm_buf_free(&b);
	dm_buf_free(&path);
	dm_buf_free(&dir);
	return r;
}

int
dm_spool_submission(struct dm_spool *sp, char *const *lines, int n)
{
	struct dm_buf b = DM_BUF_INIT, path = DM_BUF_INIT;
	int i, k = sp->nsub + 1;

	for (i = 0; i < n; i++) {
		dm_buf_adds(&b, lines[i]);
		dm_buf_addc(&b, '\n');
	}
	dm_buf_addf(&path, "%s/sub/%d.map", sp->dir, k);
	if (writefile(path.buf, b.buf, b.len, 0666) < 0)
		k = -1;
	else
		sp->nsub = k;
	dm_buf_free(&b);
	dm_buf_free(&path);
	return k;
}

int
dm_spool_name(struct dm_spool *sp, const char *name)
{
	struct dm_buf path = DM_BUF_INIT;
	int r = 0;

	addpath(&path, sp, "name");
	if (name != NULL)
		r = writefile(path.buf, name, strlen(name), 0666);
	else if (unlink(path.buf) < 0 && errno != ENOENT) {
		dm_warnx_errno("%s", path.buf);
		r = -1;
	}
	dm_buf_free(&path);
	return r;
}

int
dm_spool_subid(struct dm_spool *sp, int k, const char *id)
{
	struct dm_buf b = DM_BUF_INIT, path = DM_BUF_INIT;
	int r;

	dm_buf_addf(&b, "%s\n", id);
	dm_buf_addf(&path, "%s/sub/%d.id", sp->dir, k);
	r = writefile(path.buf, b.buf, b.len, 0666);
	dm_buf_free(&b);
	dm_buf_free(&path);
	return r;
}

int
dm_spool_getid(const struct dm_spool *sp, int k, char *id, size_t n)
{
	struct dm_buf b = DM_BUF_INIT, path = DM_BUF_INIT;
	int r = -1;

	dm_buf_addf(&path, "%s/sub/%d.id", sp->dir, k);
	if (readfile(path.buf, &b) == 0 && b.len > 1) {
		b.buf[strcspn(b.buf, "\n")] = '\0';
		snprintf(id, n, "%s", b.buf);
		r = 0;
	}
	dm_buf_free(&b);
	dm_buf_free(&path);
	return r;
}

int
dm_spool_entry(const char **p, unsigned long long *seq, int *attempt)
{
	if (sscanf(*p, "%llu:%d:", seq, attempt) != 2)
		return 0;
	*p += strspn(*p, " ");
	*p += strcspn(*p, " ");
	return 1;
}

int
dm_spool_element(const struct dm_spool *sp, int k, int task,
    struct dm_buf *line)
{
	struct dm_buf b = DM_BUF_INIT, path = DM_BUF_INIT;
	char *p, *nl;
	int i, r = -1;

	dm_buf_reset(line);
	dm_buf_addf(&path, "%s/sub/%d.map", sp->dir, k);
	if (readfile(path.buf, &b) == 0)
		for (p = b.buf, i = 0; (nl = strchr(p, '\n')) != NULL;
		    p = nl + 1, i++)
			if (i == task) {
				dm_buf_add(line, p, (size_t)(nl - p));
				r = 0;
				break;
			}
	dm_buf_free(&b);
	dm_buf_free(&path);
	return r;
}

void
dm_spool_clean(struct dm_spool *sp)
{
	struct dm_buf path = DM_BUF_INIT;
	struct dirent *e;
	DIR *d;
	int fd;

	addpath(&path, sp, "tmp");
	if ((fd = open(path.buf, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		if ((d = fdopendir(fd)) == NULL)
			close(fd);
		else {
			while ((e = readdir(d)) != NULL)
				if (e->d_name[0] != '.')
					unlinkat(fd, e->d_name, 0);
			closedir(d);
		}
	}
	dm_buf_free(&path);
}

int
dm_spool_success(struct dm_spool *sp)
{
	struct dm_buf path = DM_BUF_INIT;
	int r;

	addpath(&path, sp, "_SUCCESS");
	r = writefile(path.buf, "", 0, 0666);
	dm_buf_free(&path);
	return r;
}

void
dm_spool_jobname(const struct dm_spool *sp, char *name, size_t n)
{
	snprintf(name, n, "dm-%08" PRIx64,
	    dm_hash64(sp->dir, strlen(sp->dir)) & 0xffffffffu);
}
