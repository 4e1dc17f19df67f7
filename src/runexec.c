/* runexec.c - dm-run: a simple command started without /bin/sh */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend.h"

/*
 * /bin/sh -c COMMAND costs a shell's start a job (3 to 5 ms), and for a
 * simple command the shell does nothing but split it into words, find the
 * program on PATH and exec it in its own place. Such a command is started
 * here the same way: the same argv, the same program, the environment the
 * shell would pass. Anything else (a variable, a glob, a redirection, a
 * pipe, a backslash, an assignment, a builtin or keyword, a program not
 * found, a file that is not a #! script or an ELF binary) goes through
 * the shell as before, so that its meaning and its messages stay the
 * shell's.
 */

/* Names the shell runs itself (dash's builtins and keywords, and bash's,
 * for a /bin/sh that is bash). */
static const char *const shnames[] = {
	"!", ".", ":", "[", "[[", "]]", "{", "}", "alias", "bg", "bind",
	"break", "builtin", "caller", "case", "cd", "chdir", "command",
	"compgen", "complete", "compopt", "continue", "coproc", "declare",
	"dirs", "disown", "do", "done", "echo", "elif", "else", "enable",
	"esac", "eval", "exec", "exit", "export", "false", "fc", "fg", "fi",
	"for", "function", "getopts", "hash", "help", "history", "if", "in",
	"jobs", "kill", "let", "local", "logout", "mapfile", "popd",
	"printf", "pushd", "pwd", "read", "readarray", "readonly", "return",
	"select", "set", "shift", "shopt", "source", "suspend", "test",
	"then", "time", "times", "trap", "true", "type", "typeset", "ulimit",
	"umask", "unalias", "unset", "until", "wait", "while", NULL
};

/* Bytes that mean nothing to the shell outside quotes. */
static int
plain(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || strchr("_./,:+@%^-=", c) != NULL;
}

/* The words of cmd as the shell splits them, NULL-terminated, or NULL
 * when cmd is more than words of plain bytes and quotes without
 * expansions. */
static char **
words(const char *cmd)
{
	struct dm_buf w = DM_BUF_INIT;
	char **v = NULL;
	const char *p = cmd, *q;
	size_t n = 0;
	int inword = 0;

	for (;;) {
		if (*p == ' ' || *p == '\t' || *p == '\0') {
			if (inword) {
				v = dm_xrealloc(v, (n + 2) * sizeof *v);
				v[n++] = dm_xstrndup(w.buf ? w.buf : "", w.len);
				v[n] = NULL;
				dm_buf_reset(&w);
				inword = 0;
			}
			if (*p++ == '\0')
				break;
			continue;
		}
		inword = 1;
		if (*p == '\'') {
			if ((q = strchr(p + 1, '\'')) == NULL)
				goto no;
			dm_buf_add(&w, p + 1, (size_t)(q - p - 1));
			p = q + 1;
		} else if (*p == '"') {
			q = p + 1 + strcspn(p + 1, "\"$`\\");
			if (*q != '"')
				goto no;
			dm_buf_add(&w, p + 1, (size_t)(q - p - 1));
			p = q + 1;
		} else if (plain((unsigned char)*p) && !(*p == '=' && n == 0))
			dm_buf_addc(&w, *p++);
		else
			goto no;
	}
	dm_buf_free(&w);
	return v;
no:
	dm_buf_free(&w);
	if (v != NULL)
		for (n = 0; v[n]; n++)
			free(v[n]);
	free(v);
	return NULL;
}

/* 1 when path is a program the shell would exec (a regular file we may
 * run) and the kernel runs by itself (#! or ELF); 0 when it is not such a
 * file, and the search goes on; -1 when the shell would run it some other
 * way (as a script of its own) or fail. */
static int
runnable(const char *path)
{
	struct stat st;
	char m[4];
	int fd;
	ssize_t k;

	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode) ||
	    access(path, X_OK) < 0)
		return 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	k = read(fd, m, sizeof m);
	close(fd);
	return (k >= 2 && m[0] == '#' && m[1] == '!') ||
	    (k == 4 && memcmp(m, "\177ELF", 4) == 0) ? 1 : -1;
}

/* The program name stands for, as the shell finds it on PATH (from the
 * jobs' environment), or NULL. */
static char *
lookup(const char *name, char *const envp[])
{
	struct dm_buf b = DM_BUF_INIT;
	const char *path = NULL, *p, *e;
	size_t i;
	int r;

	if (strchr(name, '/') != NULL)
		return runnable(name) == 1 ? dm_xstrdup(name) : NULL;
	for (i = 0; envp[i]; i++)
		if (strncmp(envp[i], "PATH=", 5) == 0)
			path = envp[i] + 5;
	if (path == NULL)
		return NULL;
	for (p = path; ; p = e + 1) {
		e = strchr(p, ':');
		if (e == NULL)
			e = p + strlen(p);
		dm_buf_reset(&b);
		if (e > p) {
			dm_buf_add(&b, p, (size_t)(e - p));
			dm_buf_addc(&b, '/');
		}
		dm_buf_adds(&b, name);
		if ((r = runnable(b.buf)) == 1)
			return dm_buf_detach(&b, NULL);
		if (r < 0 || *e == '\0')
			break;
	}
	dm_buf_free(&b);
	return NULL;
}

/* Whether an environment entry's name is one the shell keeps. */
static int
shellname(const char *s)
{
	const char *p;

	if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
	    *s == '_'))
		return 0;
	for (p = s + 1; *p != '='; p++)
		if (*p == '\0' || !((*p >= 'a' && *p <= 'z') ||
		    (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    *p == '_'))
			return 0;
	return 1;
}

/* PWD as the shell sets it: $PWD when it is absolute and names the
 * current folder, else the folder's path; NULL when none can be told. */
static char *
pwd(char *const envp[])
{
	struct stat a, b;
	struct dm_buf v = DM_BUF_INIT;
	char *cwd;
	size_t i;

	for (i = 0; envp[i]; i++)
		if (strncmp(envp[i], "PWD=/", 5) == 0 &&
		    stat(envp[i] + 4, &a) == 0 && stat(".", &b) == 0 &&
		    a.st_dev == b.st_dev && a.st_ino == b.st_ino)
			return dm_xstrdup(envp[i]);
	if ((cwd = getcwd(NULL, 0)) == NULL)
		return NULL;
	dm_buf_adds(&v, "PWD=");
	dm_buf_adds(&v, cwd);
	free(cwd);
	return dm_buf_detach(&v, NULL);
}

/* The dm tools whose standard input is only ever read by the reader
 * (reader.c), which takes DM_RUN_RANGE, and whose tests show it
 * (dm-run-inplace.bats). */
static const char *const rangetools[] = {
	"dm-filter", "dm-map", "dm-slice", "dm-stats", NULL
};

/* Whether path is one of rangetools in this dm-run's own folder: another
 * dm, older or newer, may not know DM_RUN_RANGE and would read the whole
 * file. */
static int
ranged(const char *path)
{
	struct dm_buf self = DM_BUF_INIT, dir = DM_BUF_INIT;
	struct stat a, b;
	const char *base = strrchr(path, '/');
	size_t i;
	int r = 0;

	base = base ? base + 1 : path;
	for (i = 0; rangetools[i]; i++)
		if (strcmp(base, rangetools[i]) == 0)
			break;
	if (rangetools[i] == NULL || dm_self_dir(&self) < 0)
		goto out;
	if (base > path)
		dm_buf_add(&dir, path, (size_t)(base - path));
	else
		dm_buf_adds(&dir, ".");
	r = stat(self.buf, &a) == 0 && stat(dir.buf, &b) == 0 &&
	    a.st_dev == b.st_dev && a.st_ino == b.st_ino;
out:
	dm_buf_free(&self);
	dm_buf_free(&dir);
	return r;
}

void
dm_runexec_init(struct dm_sched *S, const char *cmd)
{
	char **v, *path, *p;
	const char *base;
	size_t i, n;

	if ((v = words(cmd)) == NULL)
		return;
	for (i = 0; shnames[i]; i++)
		if (strcmp(v[0], shnames[i]) == 0)
			break;
	S->envp[S->nenv] = NULL;
	if (shnames[i] != NULL || (path = lookup(v[0], S->envp)) == NULL ||
	    (p = pwd(S->envp)) == NULL) {
		for (i = 0; v[i]; i++)
			free(v[i]);
		free(v);
		return;
	}
	S->dargv = v;
	S->dpath = path;
	S->dpwd = p;
	S->dranged = ranged(path);
	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	S->ddm = strcmp(base, "dm") == 0 || strncmp(base, "dm-", 3) == 0;
	/* room for pwd, then DM_JOB, DM_SLOT, DM_ATTEMPT, DM_RUN_RANGE or
	 * DM_RUN_PLAIN, DM_RUN_LINE, DM_REJECTS and the NULL (runattempt.c) */
	S->denvp = dm_xcalloc(S->nenv + 8, sizeof *S->denvp);
	for (i = n = 0; i < S->nenv; i++)
		if (shellname(S->envp[i]) && strncmp(S->envp[i], "PWD=", 4) != 0)
			S->denvp[n++] = S->envp[i];
	S->denvp[n++] = p;
	S->ndenv = n;
}

void
dm_runexec_free(struct dm_sched *S)
{
	size_t i;

	if (S->dargv != NULL)
		for (i = 0; S->dargv[i]; i++)
			free(S->dargv[i]);
	free(S->dargv);
	free(S->dpath);
	free(S->dpwd);
	free(S->denvp);
	S->dargv = NULL;
	S->dranged = 0;
	S->dpath = S->dpwd = NULL;
	S->denvp = NULL;
}
