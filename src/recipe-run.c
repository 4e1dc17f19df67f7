/* recipe-run.c - the dm commands a recipe becomes: shown, or run as a pipeline */
#include <sys/stat.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "recipe.h"

struct cmd {
	char	**argv;
	size_t	  n;
};

struct cmds {
	struct cmd	*c;
	size_t		 n;
	int		 listed;	/* the folder's files are named on the
					 * first command's stdin (LISTMAX) */
};

/* Past this many bytes of names, a folder's files are not operands but a
 * list on the first command's standard input (--files0-from -): the system
 * refuses an argument list of more than a few megabytes (ARG_MAX), and a
 * shown pipeline names them with the shell's own printf, which it runs
 * without that limit. */
#define LISTMAX	(64 * 1024)

static void
push(struct cmd *c, const char *s)
{
	c->argv = dm_xreallocarray(c->argv, c->n + 2, sizeof *c->argv);
	c->argv[c->n++] = dm_xstrdup(s);
	c->argv[c->n] = NULL;
}

/* push, at index at */
static void
insert(struct cmd *c, size_t at, const char *s)
{
	c->argv = dm_xreallocarray(c->argv, c->n + 2, sizeof *c->argv);
	memmove(c->argv + at + 1, c->argv + at, (c->n - at) * sizeof *c->argv);
	c->argv[at] = dm_xstrdup(s);
	c->argv[++c->n] = NULL;
}

static struct cmd *
add(struct cmds *cs)
{
	cs->c = dm_xreallocarray(cs->c, cs->n + 1, sizeof *cs->c);
	memset(&cs->c[cs->n], 0, sizeof *cs->c);
	return &cs->c[cs->n++];
}

/* A word for sh: bare when nothing in it is special, else quoted. */
static void
addword(struct dm_buf *b, const char *s)
{
	if (*s != '\0' && strspn(s, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./=:,+-@%") == strlen(s))
		dm_buf_adds(b, s);
	else
		dm_buf_addshell(b, s);
}

/* The words of one dm-map, dm-filter, dm-dedup or dm-slice stage. */
static void
stage_words(const struct dm_recipe *r, const struct dm_rstage *st,
    struct cmd *c)
{
	const char *p, *q;
	char *w;

	if (st->kind == DM_R_DEDUP || st->kind == DM_R_SLICE) {
		push(c, st->kind == DM_R_DEDUP ? "dm-dedup" : "dm-slice");
		for (p = st->text.buf; *p; p = *q ? q + 1 : q) {
			q = p + strcspn(p, "\t");
			w = dm_xstrndup(p, (size_t)(q - p));
			push(c, w);
			free(w);
		}
	} else
		push(c, st->kind == DM_R_MAP ? "dm-map" : "dm-filter");
	if (st->strict) {
		push(c, "-s");
		if (st->strict == 1)
			push(c, "--on-error=skip");
	}
	if (strcmp(r->key, "text") != 0) {
		push(c, "-k");
		push(c, r->key);
	}
	if (st->kind != DM_R_DEDUP && st->kind != DM_R_SLICE)
		push(c, st->text.buf);
}

/* The dataset_path as an operand: a relative path beginning with '-'
 * would be an option, or standard input, to the stage that reads it. */
static void
operand(struct cmd *c, const char *path)
{
	char *s;

	if (*path != '-') {
		push(c, path);
		return;
	}
	s = dm_xcalloc(strlen(path) + 3, 1);
	memcpy(s, "./", 2);
	strcpy(s + 2, path);
	push(c, s);
	free(s);
}

static void
commands(const struct dm_recipe *r, const struct dm_recipe_opts *o,
    struct cmds *cs)
{
	struct dm_buf b = DM_BUF_INIT;
	struct cmd *c, one;
	long jobs = o->jobs > 0 ? o->jobs : r->np;
	int par = jobs > 1 || o->hosts || o->slurm;
	size_t i, j, k;

	memset(cs, 0, sizeof *cs);
	for (i = 0; i < r->nstage; i = j) {
		j = i + 1;
		if (r->stage[i].kind == DM_R_DEDUP || !par) {
			stage_words(r, &r->stage[i], add(cs));
			continue;
		}
		/* per-sample stages in a row run in one dm-run job */
		while (j < r->nstage && r->stage[j].kind != DM_R_DEDUP)
			j++;
		dm_buf_reset(&b);
		for (k = i; k < j; k++) {
			memset(&one, 0, sizeof one);
			stage_words(r, &r->stage[k], &one);
			if (k > i)
				dm_buf_adds(&b, " | ");
			for (size_t w = 0; w < one.n; w++) {
				if (w)
					dm_buf_addc(&b, ' ');
				addword(&b, one.argv[w]);
			}
			dm_argv_free(one.argv);
		}
		c = add(cs);
		push(c, "dm-run");
		if (o->jobs > 0 || r->np > 1) {
			char n[32];

			snprintf(n, sizeof n, "%ld", jobs);
			push(c, "-j");
			push(c, n);
		}
		if (o->hosts) {
			push(c, "--hosts");
			push(c, o->hosts);
		}
		if (o->slurm)
			push(c, "--slurm");
		if (o->spool) {
			push(c, "--spool");
			push(c, o->spool);
		}
		push(c, "--");
		push(c, b.buf);
	}
	if (cs->n == 0) {		/* no operator: the samples, checked */
		c = add(cs);
		push(c, "dm-filter");
		push(c, "true");
	}
	if (!r->dataset_dir)
		operand(&cs->c[0], r->dataset);
	for (i = 0, k = 0; i < r->nfiles; i++)
		k += strlen(r->files[i]) + 1;
	if (k > LISTMAX) {
		cs->listed = 1;
		insert(&cs->c[0], 1, "--files0-from");
		insert(&cs->c[0], 2, "-");
	} else
		for (i = 0; i < r->nfiles; i++)	/* in their order */
			operand(&cs->c[0], r->files[i]);
	dm_buf_free(&b);
}

static void
free_commands(struct cmds *cs)
{
	size_t i;

	for (i = 0; i < cs->n; i++)
		dm_argv_free(cs->c[i].argv);
	free(cs->c);
}

static char	*linktarget(const char *);

/*
 * The redirection of show's text to export_path, as run writes it: a
 * regular file (or none yet) through the hidden temporary name of run
 * (sh's $$ for its process id) beside the file a symbolic link leads to,
 * moved into place when the last stage succeeded (sh sees no other), else
 * removed with exit status 2; anything else that exists through a plain >.
 */
static void
show_export(struct dm_buf *b, const char *export)
{
	struct stat st;
	struct dm_buf t = DM_BUF_INIT;
	const char *base;
	char *dest;

	if ((stat(export, &st) == 0 && !S_ISREG(st.st_mode)) ||
	    (dest = linktarget(export)) == NULL) {
		dm_buf_adds(b, " > ");
		addword(b, export);
		return;
	}
	base = strrchr(dest, '/');
	if (*dest == '-' && base)	/* not an option to mv or rm */
		dm_buf_adds(&t, "./");
	if (base)
		dm_buf_add(&t, dest, (size_t)(base - dest + 1));
	dm_buf_addf(&t, ".%s.", base ? base + 1 : dest);
	dm_buf_adds(b, " > ");
	addword(b, t.buf);
	dm_buf_adds(b, "$$.tmp &&\n  mv -f ");
	addword(b, t.buf);
	dm_buf_adds(b, "$$.tmp ");
	if (*dest == '-')		/* not an option to mv */
		dm_buf_adds(b, "./");
	addword(b, dest);
	dm_buf_adds(b, " || (rm -f ");
	addword(b, t.buf);
	dm_buf_adds(b, "$$.tmp; exit 2)");
	dm_buf_free(&t);
	free(dest);
}

/* The folder of the file that a write to export replaces, when it is not
 * there: run makes it, as Data-Juicer does; NULL otherwise. */
static char *
missing_folder(const char *export)
{
	struct stat st;
	char *dest, *s;

	if (stat(export, &st) == 0 || (dest = linktarget(export)) == NULL)
		return NULL;
	if ((s = strrchr(dest, '/')) == NULL || s == dest) {
		free(dest);
		return NULL;
	}
	*s = '\0';
	if (stat(dest, &st) == 0) {
		free(dest);
		return NULL;
	}
	return dest;
}

/* Makes the folders of path (mkdir -p). 0, or -1 with errno set. */
static int
mkdirs(char *path)
{
	struct stat st;
	char *p;

	for (p = path + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		if (p[-1] != '/') {
			char c = *p;

			*p = '\0';
			if (mkdir(path, 0777) < 0 && (errno != EEXIST ||
			    stat(path, &st) < 0 || !S_ISDIR(st.st_mode))) {
				if (errno == EEXIST)
					errno = ENOTDIR;
				*p = c;
				return -1;
			}
			*p = c;
		}
		if (*p == '\0')
			return 0;
	}
}

/* "prog: recipe:line:col: export_path 'x': strerror" */
static void
export_errno(const struct dm_recipe *r)
{
	int e = errno;

	if (r->export_at)
		dm_warn("%s:%lu:%lu: export_path '%s': %s", r->path,
		    r->export_at->line, r->export_at->col, r->export,
		    strerror(e));
	else
		dm_warn("%s: %s", r->export, strerror(e));
}

void
dm_recipe_show(const struct dm_recipe *r, const struct dm_recipe_opts *o)
{
	struct dm_buf b = DM_BUF_INIT;
	struct cmds cs;
	char *dir;
	size_t i, w;

	commands(r, o, &cs);
	if (r->export && (dir = missing_folder(r->export)) != NULL) {
		dm_buf_adds(&b, *dir == '-' ? "mkdir -p ./" : "mkdir -p ");
		addword(&b, dir);
		dm_buf_adds(&b, " &&\n  ");
		free(dir);
	}
	if (cs.listed) {
		dm_buf_adds(&b, "printf '%s\\0'");
		for (i = 0; i < r->nfiles; i++) {
			dm_buf_addc(&b, ' ');
			addword(&b, r->files[i]);
		}
		dm_buf_adds(&b, " |\n  ");
	}
	for (i = 0; i < cs.n; i++) {
		if (i > 0)
			dm_buf_adds(&b, " |\n  ");
		for (w = 0; w < cs.c[i].n; w++) {
			if (w)
				dm_buf_addc(&b, ' ');
			addword(&b, cs.c[i].argv[w]);
		}
	}
	if (r->export)
		show_export(&b, r->export);
	dm_buf_addc(&b, '\n');
	fwrite(b.buf, 1, b.len, stdout);
	dm_buf_free(&b);
	free_commands(&cs);
}

/* The tools beside this program come first on PATH, so that a build tree
 * runs its own tools, here and in dm-run's jobs. */
static void
path_self(void)
{
	char dir[PATH_MAX], *s;
	struct dm_buf b = DM_BUF_INIT;
	const char *path = getenv("PATH");
	ssize_t n;

	if ((n = readlink("/proc/self/exe", dir, sizeof dir - 1)) <= 0)
		return;
	dir[n] = '\0';
	if ((s = strrchr(dir, '/')) == NULL)
		return;
	*s = '\0';
	dm_buf_addf(&b, "%s%s%s", dir, path ? ":" : "", path ? path : "");
	setenv("PATH", b.buf, 1);
	dm_buf_free(&b);
}

/* The temporary name of path: beside it, hidden, unique to this run. */
static char *
tmpname(const char *path)
{
	struct dm_buf b = DM_BUF_INIT;
	const char *base = strrchr(path, '/');

	if (base)
		dm_buf_add(&b, path, (size_t)(base - path + 1));
	dm_buf_addf(&b, ".%s.%ld.tmp", base ? base + 1 : path,
	    (long)getpid());
	return dm_buf_detach(&b, NULL);
}

/*
 * The file that a write to path replaces: path, or the file its symbolic
 * links lead to, which need not exist (a relative link is taken from the
 * folder of the link). NULL with errno set (ELOOP) when the links go on.
 */
static char *
linktarget(const char *path)
{
	struct dm_buf b = DM_BUF_INIT;
	struct stat st;
	char *cur = dm_xstrdup(path), *link = NULL, *s;
	size_t size = 256;
	ssize_t n;
	int hops;

	for (hops = 0; lstat(cur, &st) == 0 && S_ISLNK(st.st_mode); hops++) {
		if (hops == 40) {
			free(cur);
			errno = ELOOP;
			return NULL;
		}
		for (;;) {
			link = dm_xrealloc(link, size);
			if ((n = readlink(cur, link, size)) < 0) {
				free(link);
				return cur;
			}
			if ((size_t)n < size)
				break;
			size *= 2;
		}
		dm_buf_reset(&b);
		if (link[0] != '/' && (s = strrchr(cur, '/')) != NULL)
			dm_buf_add(&b, cur, (size_t)(s - cur + 1));
		dm_buf_add(&b, link, (size_t)n);
		free(cur);
		cur = dm_buf_detach(&b, NULL);
	}
	free(link);
	dm_buf_free(&b);
	return cur;
}

/*
 * Opens the output of a run with export_path. A regular file (or none yet)
 * is written under a temporary name beside it (beside the file a symbolic
 * link leads to), which goes in *tmp and *dest, to be renamed when the run
 * succeeded; anything else that exists, a FIFO or a device, is written
 * through, as a shell's > would, with *tmp NULL. -1 when reported.
 */
static int
openexport(const struct dm_recipe *r, char **tmp, char **dest)
{
	const char *export = r->export;
	struct stat st;
	char *dir;
	int fd, isreg;

	*tmp = *dest = NULL;
	if (stat(export, &st) == 0 && !S_ISREG(st.st_mode)) {
		if ((fd = open(export, O_WRONLY | O_CLOEXEC)) < 0)
			export_errno(r);
		return fd;
	}
	/* Data-Juicer makes the folder of export_path (its work_dir) */
	if ((dir = missing_folder(export)) != NULL) {
		fd = mkdirs(dir);
		free(dir);
		if (fd < 0) {
			export_errno(r);
			return -1;
		}
	}
	if ((*dest = linktarget(export)) == NULL) {
		export_errno(r);
		return -1;
	}
	*tmp = tmpname(*dest);
	/* the file replaced keeps its permissions, as a shell's > keeps
	 * them: a file made private stays private, from the first byte */
	isreg = stat(*dest, &st) == 0 && S_ISREG(st.st_mode);
	if ((fd = open(*tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    isreg ? st.st_mode & 0777 : 0666)) < 0) {
		/* the folder is closed: the name the user wrote */
		export_errno(r);
		free(*tmp);
		free(*dest);
		*tmp = *dest = NULL;
	} else if (isreg && fchmod(fd, st.st_mode & 0777) < 0) {
		export_errno(r);
		close(fd);
		unlink(*tmp);
		free(*tmp);
		free(*dest);
		*tmp = *dest = NULL;
		fd = -1;
	}
	return fd;
}

/* The folder's files, each name ended by a NUL, in a temporary file gone
 * from its folder, read from its start: the first command's list. */
static int
listfile(const struct dm_recipe *r)
{
	const char *dir = getenv("TMPDIR");
	struct dm_buf path = DM_BUF_INIT, names = DM_BUF_INIT;
	size_t i, off;
	ssize_t k;
	int fd;

	dm_buf_addf(&path, "%s/dm-recipe.XXXXXX", dir && *dir ? dir : "/tmp");
	if ((fd = mkostemp(path.buf, O_CLOEXEC)) < 0)
		dm_die("%s: %s", path.buf, strerror(errno));
	(void)unlink(path.buf);
	for (i = 0; i < r->nfiles; i++)
		dm_buf_add(&names, r->files[i], strlen(r->files[i]) + 1);
	/* a full disk is an error, with the file's name */
	for (off = 0; off < names.len; off += (size_t)k) {
		k = write(fd, names.buf + off, names.len - off);
		if (k < 0 && errno == EINTR)
			k = 0;
		else if (k <= 0)
			dm_die("%s: write error: %s", path.buf, k < 0 ?
			    strerror(errno) : "nothing written");
	}
	if (lseek(fd, 0, SEEK_SET) < 0)
		dm_die("%s: %s", path.buf, strerror(errno));
	dm_buf_free(&names);
	dm_buf_free(&path);
	return fd;
}

/* SIGCHLD's handler: it only ends sigsuspend (the default action would
 * let the signal go unseen). */
static void
on_child(int sig)
{
	(void)sig;
}

int
dm_recipe_run(const struct dm_recipe *r, const struct dm_recipe_opts *o)
{
	struct sigaction sa, oldchld;
	sigset_t waitset, oldmask;
	struct cmds cs;
	pid_t *pid;
	char *tmp = NULL, *dest = NULL;
	int in, out, fd[2], st, status = 0, code, piped = 0, forwarded = 0;
	size_t i, left;

	commands(r, o, &cs);
	path_self();
	if (r->export) {
		if ((out = openexport(r, &tmp, &dest)) < 0) {
			free_commands(&cs);
			return DM_EXIT_ERROR;
		}
	} else
		out = 1;
	pid = dm_xcalloc(cs.n, sizeof *pid);
	fflush(stdout);
	/*
	 * SIGINT, SIGTERM and SIGCHLD are held back outside sigsuspend, so
	 * that one that comes after the check of dm_interrupted below is
	 * seen at once, not when a stage exits (waitpid would have waited
	 * for a stage; the signal had already been handled).
	 */
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_child;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_NOCLDSTOP;
	sigaction(SIGCHLD, &sa, &oldchld);
	sigemptyset(&waitset);
	sigaddset(&waitset, SIGINT);
	sigaddset(&waitset, SIGTERM);
	sigaddset(&waitset, SIGCHLD);
	sigprocmask(SIG_BLOCK, &waitset, &oldmask);
	/* the first stage reads standard input as show's text run by sh
	 * does: a dataset_path /dev/stdin is this program's */
	if (cs.listed)
		in = listfile(r);
	else if ((in = fcntl(0, F_DUPFD_CLOEXEC, 0)) < 0 &&
	    (in = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0)
		dm_die("/dev/null: %s", strerror(errno));
	for (i = 0; i < cs.n; i++) {
		fd[0] = -1;
		fd[1] = out;
		if (i + 1 < cs.n && pipe2(fd, O_CLOEXEC) < 0)
			dm_die("pipe: %s", strerror(errno));
		if ((pid[i] = fork()) < 0)
			dm_die("fork: %s", strerror(errno));
		if (pid[i] == 0) {
			signal(SIGINT, SIG_DFL);
			signal(SIGTERM, SIG_DFL);
			signal(SIGCHLD, SIG_DFL);
			sigprocmask(SIG_SETMASK, &oldmask, NULL);
			if (dup2(in, 0) < 0 || dup2(fd[1], 1) < 0)
				_exit(DM_EXIT_ERROR);
			execvp(cs.c[i].argv[0], cs.c[i].argv);
			dm_warnx_errno("%s", cs.c[i].argv[0]);
			_exit(127);
		}
		close(in);
		if (fd[1] != 1 && fd[1] != out)
			close(fd[1]);
		in = fd[0];
	}
	if (out != 1)
		close(out);
	for (left = cs.n; left > 0; ) {
		pid_t p;

		/*
		 * A SIGINT or SIGTERM sent to this process alone (kill PID,
		 * a supervisor) goes on to the stages still running, which
		 * would otherwise run to their end; a terminal's ^C reached
		 * them already, and a second one changes nothing.
		 */
		if (dm_interrupted && !forwarded) {
			forwarded = 1;
			for (i = 0; i < cs.n; i++)
				if (pid[i] > 0)
					kill(pid[i], dm_interrupted);
		}
		if ((p = waitpid(-1, &st, WNOHANG)) == 0) {
			/* no stage has ended: wait for a signal, the held
			 * ones let through meanwhile */
			sigsuspend(&oldmask);
			continue;
		}
		if (p < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (i = 0; i < cs.n && pid[i] != p; i++)
			;
		if (i == cs.n)
			continue;
		pid[i] = 0;		/* reaped: its number may be reused */
		left--;
		if (WIFEXITED(st)) {
			code = WEXITSTATUS(st);
			if (code > DM_EXIT_ERROR)
				code = DM_EXIT_ERROR;
		} else if (WIFSIGNALED(st) && WTERMSIG(st) == SIGPIPE) {
			code = tmp ? DM_EXIT_ERROR : 0;
			piped = 1;
		} else {
			if (!dm_interrupted)
				dm_warn("'%s' was killed by signal %d",
				    cs.c[i].argv[0], WTERMSIG(st));
			code = DM_EXIT_ERROR;
		}
		if (code > status)
			status = code;
	}
	sigprocmask(SIG_SETMASK, &oldmask, NULL);
	sigaction(SIGCHLD, &oldchld, NULL);
	if (tmp) {
		if (status == DM_EXIT_ERROR || dm_interrupted) {
			unlink(tmp);
			if (!dm_interrupted)
				dm_warn("%s: not written, a stage failed",
				    r->export);
		} else if (rename(tmp, dest) < 0) {
			export_errno(r);
			unlink(tmp);
			status = DM_EXIT_ERROR;
		}
	}
	/*
	 * The reader of the output went away (| head): the stages died of
	 * SIGPIPE and so does this, as dm(7) says, when it is not an error
	 * of a stage; dm_exit raises the signal once the report is written.
	 */
	if (piped && tmp == NULL && status != DM_EXIT_ERROR && !dm_interrupted)
		dm_interrupted = SIGPIPE;
	free(tmp);
	free(dest);
	free(pid);
	free_commands(&cs);
	return status;
}
