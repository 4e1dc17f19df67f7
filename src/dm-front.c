/* dm-front.c - the front end: dm TOOL runs dm-TOOL; dm ops; dm help */
#include <sys/stat.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dm.h"

static const char usage[] =
    "usage: dm [-hV] TOOL [ARG...]\n"
    "       dm ops [--json] [NAME]\n"
    "       dm help [TOPIC]";

/* The tools dm knows of; `dm help` lists those that are installed. */
static const struct {
	const char *name, *what;
} tools[] = {
	{ "dedup", "remove exact and near duplicates" },
	{ "filter", "keep the samples for which an expression holds" },
	{ "llm", "ask an OpenAI-compatible server about each sample" },
	{ "map", "run a chain of map operators over each sample" },
	{ "recipe", "show, check or run a Data-Juicer or DataMate recipe" },
	{ "run", "run a command over blocks of input, locally or on hosts" },
	{ "scan", "turn folders and archives into samples" },
	{ "slice", "split the text of each sample into chunks" },
	{ "stats", "summarize a stream of samples" },
};

/* Help topics that are not tools: a manual page of section 7 each. */
static const struct {
	const char *name, *page, *what;
} topics[] = {
	{ "ops", "dm-ops", "every operator and its parameters" },
	{ "samples", "dm", "the sample format, exit status, diagnostics, "
	    "environment" },
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* The directory of the running binary, without a trailing slash; "" when
 * it cannot be known. */
static const char *
selfdir(void)
{
	static char dir[PATH_MAX];
	static int done;
	ssize_t n;
	char *s;

	if (done)
		return dir;
	done = 1;
	n = readlink("/proc/self/exe", dir, sizeof dir - 1);
	if (n < 0)
		n = 0;
	dir[n] = '\0';
	if ((s = strrchr(dir, '/')) != NULL)
		*s = '\0';
	else
		dir[0] = '\0';
	return dir;
}

static int
executable(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	    access(path, X_OK) == 0;
}

/*
 * Finds dm-NAME: beside this dm first, so that a build tree or an install
 * prefix uses its own tools, then on PATH. Fills b and returns 0, or -1.
 */
static int
find_tool(const char *name, struct dm_buf *b)
{
	const char *path, *p, *q;

	if (*name == '\0' || strchr(name, '/') != NULL)
		return -1;
	if (*selfdir()) {
		dm_buf_reset(b);
		dm_buf_addf(b, "%s/dm-%s", selfdir(), name);
		if (executable(b->buf))
			return 0;
	}
	if ((path = getenv("PATH")) == NULL)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path; ; p = q + 1) {
		if ((q = strchr(p, ':')) == NULL)
			q = p + strlen(p);
		dm_buf_reset(b);
		if (q == p)
			dm_buf_adds(b, ".");
		else
			dm_buf_add(b, p, (size_t)(q - p));
		dm_buf_addf(b, "/dm-%s", name);
		if (executable(b->buf))
			return 0;
		if (*q == '\0')
			return -1;
	}
}

/* Runs argv with its output thrown away; returns its exit status, or -1
 * when it could not be run. */
static int
quiet_run(char *const argv[])
{
	pid_t pid;
	int st, fd;

	if ((pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		if ((fd = open("/dev/null", O_RDWR)) >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/*
 * Runs man with argv; returns only when it cannot be run. On a terminal man
 * pages it; else its output is copied here, since man exits 0 when its
 * output cannot be written (a full disk).
 */
static void
showman(char *const argv[])
{
	char buf[65536];
	size_t got = 0;
	ssize_t n, w, off;
	pid_t pid;
	int p[2], st;

	fflush(stdout);
	if (isatty(STDOUT_FILENO)) {
		execvp(argv[0], argv);
		return;
	}
	if (pipe(p) < 0 || (pid = fork()) < 0)
		dm_die("cannot run man: %s", strerror(errno));
	if (pid == 0) {
		close(p[0]);
		if (p[1] != STDOUT_FILENO) {
			dup2(p[1], STDOUT_FILENO);
			close(p[1]);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	for (;;) {
		if ((n = read(p[0], buf, sizeof buf)) < 0) {
			if (errno == EINTR)
				continue;
			dm_die("reading man's output: %s", strerror(errno));
		}
		if (n == 0)
			break;
		got += (size_t)n;
		for (off = 0; off < n; off += w)
			if ((w = write(STDOUT_FILENO, buf + off,
			    (size_t)(n - off))) < 0) {
				if (errno == EINTR) {
					w = 0;
					continue;
				}
				dm_die("write error: %s", strerror(errno));
			}
	}
	close(p[0]);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			dm_die("cannot wait for man: %s", strerror(errno));
	if (WIFEXITED(st) && WEXITSTATUS(st) == 127 && got == 0)
		return;
	exit(WIFEXITED(st) && WEXITSTATUS(st) == 0 ? DM_EXIT_OK :
	    DM_EXIT_ERROR);
}

/* Shows the manual page in file path, when it is there. */
static void
manfile(const char *path)
{
	char *argv[] = { "man", "-l", (char *)path, NULL };

	if (access(path, R_OK) == 0)
		showman(argv);
}

/*
 * Shows manual page PAGE(SECTION): the one beside this dm when there is one
 * (a build tree's ../man, or ../share/man/manSECTION as make install lays
 * it out), else the one man finds. The page beside dm comes first: man
 * finds none under a prefix that is not on PATH or MANPATH (dm run by its
 * full path, a DESTDIR), and may find another install's. Returns only when
 * none can be shown.
 */
static void
man(const char *page, const char *section)
{
	struct dm_buf b = DM_BUF_INIT;
	char *probe[] = { "man", "-w", (char *)section, (char *)page, NULL };

	if (*selfdir()) {
		dm_buf_addf(&b, "%s/../man/%s.%s", selfdir(), page, section);
		manfile(b.buf);
		dm_buf_reset(&b);
		dm_buf_addf(&b, "%s/../share/man/man%s/%s.%s", selfdir(),
		    section, page, section);
		manfile(b.buf);
		/* as a package may ship it */
		dm_buf_adds(&b, ".gz");
		manfile(b.buf);
	}
	dm_buf_free(&b);
	if (quiet_run(probe) == 0) {
		char *installed[] = { "man", (char *)section, (char *)page,
		    NULL };

		showman(installed);
	}
}

static void
overview(FILE *fp)
{
	struct dm_buf b = DM_BUF_INIT;
	size_t i;

	fprintf(fp, "%s\n\ntools:\n", usage);
	for (i = 0; i < NELEM(tools); i++)
		if (find_tool(tools[i].name, &b) == 0)
			fprintf(fp, "  %-8s %s\n", tools[i].name,
			    tools[i].what);
	fprintf(fp, "\ncommands:\n"
	    "  %-8s %s\n  %-8s %s\n", "ops", "list the operators, or show one",
	    "help", "show the manual of a tool, an operator or a topic");
	fprintf(fp, "\ntopics (dm help TOPIC):\n");
	for (i = 0; i < NELEM(topics); i++)
		fprintf(fp, "  %-8s %s\n", topics[i].name, topics[i].what);
	dm_buf_free(&b);
}

/*
 * The name closest to s among what `dm TOOL` runs: the tools that are
 * there, and the commands ops and help; NULL when none is close.
 */
static const char *
tool_suggest(const char *s)
{
	struct dm_buf b = DM_BUF_INIT;
	const char *names[NELEM(tools) + 2];
	size_t i, n = 0;

	for (i = 0; i < NELEM(tools); i++)
		if (find_tool(tools[i].name, &b) == 0)
			names[n++] = tools[i].name;
	names[n++] = "help";
	names[n++] = "ops";
	dm_buf_free(&b);
	return dm_suggest(s, names, n);
}

/*
 * The name closest to s among what `dm help` has help on: the tools that
 * are there, the topics, the operators; NULL when none is close.
 */
static const char *
help_suggest(const char *s)
{
	struct dm_buf b = DM_BUF_INIT;
	const struct dm_opdef *const *ops;
	const char **names;
	size_t i, n = 0, nops;

	ops = dm_ops_all(&nops);
	names = dm_xreallocarray(NULL, NELEM(tools) + NELEM(topics) + nops,
	    sizeof *names);
	for (i = 0; i < NELEM(tools); i++)
		if (find_tool(tools[i].name, &b) == 0)
			names[n++] = tools[i].name;
	for (i = 0; i < NELEM(topics); i++)
		names[n++] = topics[i].name;
	for (i = 0; i < nops; i++)
		names[n++] = ops[i]->name;
	dm_buf_free(&b);
	/* tools first on a tie; the names live on: the tables are static,
	 * the operators loaded for good */
	s = dm_suggest(s, names, n);
	free(names);
	return s;
}

static int
cmd_help(int argc, char **argv)
{
	struct dm_buf b = DM_BUF_INIT;
	const char *topic, *s;
	size_t i;

	if (argc < 2 || strcmp(argv[1], "help") == 0) {
		overview(stdout);
		return dm_exit(DM_EXIT_OK);
	}
	if (argc > 2)
		dm_usage_die(usage, "help: too many operands");
	topic = argv[1];
	/* dm's own page; a tool or topic by the name of its page (dm-map,
	 * dm-ops), as man and the SEE ALSO lists name them */
	if (strcmp(topic, "dm") == 0) {
		man("dm", "1");
		overview(stdout);
		return dm_exit(DM_EXIT_OK);
	}
	if (strcmp(topic, "dm-ops") == 0 || (strncmp(topic, "dm-", 3) == 0 &&
	    find_tool(topic + 3, &b) == 0))
		topic += 3;
	for (i = 0; i < NELEM(topics); i++) {
		if (strcmp(topic, topics[i].name) != 0)
			continue;
		man(topics[i].page, "7");
		/* Without man, the operator list is the next best thing. */
		if (strcmp(topic, "ops") == 0)
			return dm_exit(dm_ops_print(NULL, 0) < 0 ?
			    DM_EXIT_ERROR : DM_EXIT_OK);
		dm_die("no manual page for '%s(7)'", topics[i].page);
	}
	if (find_tool(topic, &b) < 0) {
		/* An operator is described as `dm ops NAME` does. */
		if (dm_ops_find(topic) != NULL) {
			dm_buf_free(&b);
			return dm_exit(dm_ops_print(topic, 0) < 0 ?
			    DM_EXIT_ERROR : DM_EXIT_OK);
		}
		dm_buf_reset(&b);
		dm_buf_addquoted(&b, topic, strlen(topic), 64);
		if ((s = help_suggest(topic)) != NULL)
			dm_die("no help on '%s'; did you mean '%s'?", b.buf, s);
		dm_die("no help on '%s'; see 'dm help'", b.buf);
	}
	dm_buf_reset(&b);
	dm_buf_addf(&b, "dm-%s", topic);
	man(b.buf, "1");
	find_tool(topic, &b);
	fflush(stdout);
	execl(b.buf, b.buf, "--help", (char *)NULL);
	dm_warnx_errno("%s", b.buf);
	dm_buf_free(&b);
	return DM_EXIT_ERROR;
}

static int
cmd_ops(int argc, char **argv)
{
	static const char ops_usage[] = "usage: dm ops [--json] [NAME]";
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	int c, json = 0;

	/* getopt_long, as in the tools: --js for --json, -- before a
	 * NAME, an option after NAME; optind 0 starts it afresh after
	 * main's options */
	optind = 0;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = 1;
			break;
		case 'h':
			printf("%s\n", ops_usage);
			return dm_exit(DM_EXIT_OK);
		default:
			dm_badopt(ops_usage, c, argv, longopts);
		}
	}
	if (argc - optind > 1)
		dm_usage_die(ops_usage, "too many operands");
	if (dm_ops_print(optind < argc ? argv[optind] : NULL, json) < 0)
		return dm_exit(DM_EXIT_ERROR);
	return dm_exit(DM_EXIT_OK);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct dm_buf path = DM_BUF_INIT;
	int c;

	dm_init(argv[0]);
	opterr = 0;
	/* '+': options after TOOL belong to the tool. */
	while ((c = getopt_long(argc, argv, "+hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			overview(stdout);
			return dm_exit(DM_EXIT_OK);
		case 'V':
			printf("dm %s\n", DM_VERSION);
			return dm_exit(DM_EXIT_OK);
		default:
			dm_badopt(usage, c, argv, longopts);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0) {
		fprintf(stderr, "%s\n", usage);
		return DM_EXIT_ERROR;
	}
	if (strcmp(argv[0], "ops") == 0)
		return cmd_ops(argc, argv);
	if (strcmp(argv[0], "help") == 0)
		return cmd_help(argc, argv);
	if (find_tool(argv[0], &path) < 0) {
		struct dm_buf q = DM_BUF_INIT;
		const char *s;

		dm_buf_addquoted(&q, argv[0], strlen(argv[0]), 64);
		/* only tools that are there to run, and the commands */
		if ((s = tool_suggest(argv[0])) != NULL)
			dm_die("'%s' is not a dm tool; did you mean '%s'?",
			    q.buf, s);
		dm_die("'%s' is not a dm tool; see 'dm help'", q.buf);
	}
	argv[0] = path.buf;
	fflush(stdout);
	execv(path.buf, argv);
	dm_warnx_errno("%s", path.buf);
	dm_buf_free(&path);
	return DM_EXIT_ERROR;
}
