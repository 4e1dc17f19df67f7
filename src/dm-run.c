/* dm-run.c - run a command on blocks of the input in parallel, merge outputs */
#include <sys/file.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "run.h"
#include "report.h"
#include "slurm.h"

static const char usage[] =
    "usage: dm-run [-hV] [-j N] [--block SIZE | --lines N | --files] [--unordered]\n"
    "              [--retries N] [--timeout DURATION] [--halt MODE]\n"
    "              [--joblog FILE] [--output-dir DIR [--resume]] [--buffer SIZE]\n"
    "              [--progress] [--rejects FILE] [--report FILE]\n"
    "              [--lock FILE [--lock-wait]] [--hosts FILE] [-S HOSTS] [--ssh CMD]\n"
    "              [--ship] [--env NAME] [--compress] [--host-retry DURATION]\n"
    "              [--host-timeout DURATION] [--files0-from LIST]\n"
    "              [--] COMMAND [FILE...]\n"
    "       dm-run --slurm --spool DIR [--sbatch OPTS] [--blocks-per-task N]\n"
    "              [OPTIONS] [--] COMMAND [FILE...]\n"
    "       dm-run --check [--hosts FILE] [-S HOSTS] [--ssh CMD] [--ship]\n"
    "       dm-run --status DIR [--json]";

static const char help[] =
    "Cut the input into blocks of whole lines, run COMMAND (with /bin/sh -c)\n"
    "on each block in parallel, and merge the outputs in input order.\n"
    "\n"
    "      --block SIZE         bytes a block, suffixes K M G (default: 8M, or\n"
    "                           by the size of a file cut in place)\n"
    "      --blocks-per-task N  with --slurm: blocks an array element runs\n"
    "      --buffer SIZE        memory for outputs held for their turn, beyond\n"
    "                           which they go to temporary files (default: 64M)\n"
    "      --check              show whether each host can run dm, and exit\n"
    "      --compress           compress the data on the ssh connections\n"
    "      --env NAME           pass variable NAME to the jobs on ssh hosts\n"
    "      --files              run COMMAND once per input line, the line as\n"
    "                           $1 and {} standing for it; stdin is /dev/null\n"
    "      --files0-from LIST   read the files named in LIST, each name ended\n"
    "                           by a NUL byte (find -print0); - for stdin\n"
    "      --halt MODE          never (default), first-failure, now-failure,\n"
    "                           first-success\n"
    "  -h, --help               show this help and exit\n"
    "      --host-retry DURATION  try a host that is down again after\n"
    "                           DURATION (default: 30s)\n"
    "      --host-timeout DURATION  a host whose jobs sent nothing for\n"
    "                           DURATION and that does not answer within\n"
    "                           DURATION more is down (default: 30s)\n"
    "      --hosts FILE         run jobs on the hosts of FILE, lines of\n"
    "                           [N/][user@]host[:port], ':' for this machine\n"
    "  -j, --jobs N             jobs at a time (default: the number of CPUs;\n"
    "                           with --slurm, array elements at a time: 100)\n"
    "      --json               with --status: one JSON object\n"
    "      --joblog FILE        append a line per attempt to FILE\n"
    "      --lines N            N lines a block instead of --block\n"
    "      --lock FILE          exit 2 when another run holds FILE's lock\n"
    "      --lock-wait          wait for the lock instead\n"
    "      --output-dir DIR     write each block's output to DIR/part-NNNNNN.jsonl\n"
    "      --progress           show jobs, MB/s and ETA on stderr\n"
    "      --rejects FILE       gather the lines the jobs' dm tools reject into\n"
    "                           FILE, in input order (default: $DM_REJECTS,\n"
    "                           added to)\n"
    "      --report FILE        append a line on this run to FILE (default:\n"
    "                           $DM_REPORT)\n"
    "      --resume             with --output-dir or --spool: skip the blocks\n"
    "                           already done\n"
    "      --retries N          run a failed job again up to N times (default: 2)\n"
    "  -S, --sshlogin HOSTS     hosts as in --hosts, separated by commas\n"
    "      --sbatch OPTS        more options of sbatch, split at white space\n"
    "      --ship               copy this dm to the hosts (~/.cache/dm/VERSION)\n"
    "      --slurm              run the jobs as Slurm job arrays (needs --spool)\n"
    "      --spool DIR          with --slurm: the run's directory, on storage\n"
    "                           every node sees\n"
    "      --ssh CMD            the ssh command and its options (default:\n"
    "                           $DM_SSH or ssh)\n"
    "      --status DIR         show what the run in spool DIR has done, and exit\n"
    "      --timeout DURATION   kill a job running longer (30, 30s, 500ms, 5m, 1h)\n"
    "      --unordered          write outputs as jobs finish\n"
    "  -V, --version            show the version and exit\n"
    "\n"
    "A job that exits 0 or 1 succeeded (1: it rejected samples); 2 or more, or a\n"
    "signal, is a failure; on an ssh host, ssh's 255 is the host's failure and\n"
    "the job moves to another host. Each job has DM_JOB, DM_SLOT and DM_ATTEMPT\n"
    "in its environment.\n";

enum {
	OPT_BLOCK = DM_OPT_TOOL_BASE, OPT_BUFFER, OPT_CHECK, OPT_COMPRESS,
	OPT_ENV, OPT_FILES, OPT_HALT, OPT_HOST_RETRY, OPT_HOST_TIMEOUT,
	OPT_HOSTS, OPT_JOBLOG,
	OPT_LINES, OPT_LOCK, OPT_LOCK_WAIT, OPT_OUTPUT_DIR, OPT_PROGRESS,
	OPT_REJECTS, OPT_RESUME, OPT_RETRIES, OPT_SHIP, OPT_SSH, OPT_TIMEOUT, OPT_UNORDERED,
	OPT_BPT, OPT_JSON, OPT_SBATCH, OPT_SLURM, OPT_SPOOL, OPT_STATUS
};

static const struct option longopts[] = {
	{ "block", required_argument, NULL, OPT_BLOCK },
	{ "blocks-per-task", required_argument, NULL, OPT_BPT },
	{ "buffer", required_argument, NULL, OPT_BUFFER },
	{ "check", no_argument, NULL, OPT_CHECK },
	{ "compress", no_argument, NULL, OPT_COMPRESS },
	{ "env", required_argument, NULL, OPT_ENV },
	{ "files", no_argument, NULL, OPT_FILES },
	DM_FILES0_LONGOPT,
	{ "halt", required_argument, NULL, OPT_HALT },
	{ "help", no_argument, NULL, 'h' },
	{ "host-retry", required_argument, NULL, OPT_HOST_RETRY },
	{ "host-timeout", required_argument, NULL, OPT_HOST_TIMEOUT },
	{ "hosts", required_argument, NULL, OPT_HOSTS },
	{ "joblog", required_argument, NULL, OPT_JOBLOG },
	{ "jobs", required_argument, NULL, 'j' },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "lines", required_argument, NULL, OPT_LINES },
	{ "lock", required_argument, NULL, OPT_LOCK },
	{ "lock-wait", no_argument, NULL, OPT_LOCK_WAIT },
	{ "output-dir", required_argument, NULL, OPT_OUTPUT_DIR },
	{ "progress", no_argument, NULL, OPT_PROGRESS },
	{ "rejects", required_argument, NULL, OPT_REJECTS },
	{ "resume", no_argument, NULL, OPT_RESUME },
	{ "report", required_argument, NULL, DM_OPT_REPORT },
	{ "retries", required_argument, NULL, OPT_RETRIES },
	{ "sbatch", required_argument, NULL, OPT_SBATCH },
	{ "ship", no_argument, NULL, OPT_SHIP },
	{ "slurm", no_argument, NULL, OPT_SLURM },
	{ "spool", required_argument, NULL, OPT_SPOOL },
	{ "ssh", required_argument, NULL, OPT_SSH },
	{ "sshlogin", required_argument, NULL, 'S' },
	{ "status", required_argument, NULL, OPT_STATUS },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "unordered", no_argument, NULL, OPT_UNORDERED },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

/* A positive duration (30, 30s, 500ms, 5m, 1h): seconds. */
static double
duration(const char *s, const char *opt)
{
	double v = dm_duration(s);

	if (!(v > 0) || isinf(v))
		dm_usage_die(usage, "%s: '%s' is not a duration", opt, s);
	return v;
}

static enum dm_halt
haltmode(const char *s)
{
	static const char *const names[] = { "never", "first-failure",
	    "now-failure", "first-success" };
	const char *near;
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(s, names[i]) == 0)
			return (enum dm_halt)i;
	near = dm_suggest(s, names, sizeof names / sizeof names[0]);
	if (near)
		dm_usage_die(usage, "--halt: unknown mode '%s' (did you mean "
		    "'%s'?)", s, near);
	dm_usage_die(usage, "--halt: unknown mode '%s'", s);
}

/* Two runs of one cron job never overlap: the second gives up (or waits). */
static void
lock(const char *path, int wait)
{
	int fd;

	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666)) < 0)
		dm_die("%s: %s", path, strerror(errno));
	while (flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) < 0) {
		if (errno == EWOULDBLOCK)
			dm_die("%s: locked by another run", path);
		if (errno != EINTR)
			dm_die("%s: %s", path, strerror(errno));
		if (dm_interrupted)
			exit(dm_exit(DM_EXIT_ERROR));
	}
	/* held until exit; the descriptor is not passed to the jobs */
}

int
main(int argc, char *argv[])
{
	struct dm_runopts o;
	struct dm_hosts hosts = DM_HOSTS_INIT;
	struct dm_buf err = DM_BUF_INIT;
	const char *lockfile = NULL, *status = NULL, *files0 = NULL;
	char **env = NULL;
	size_t nenv = 0;
	long cpus;
	int c, lockwait = 0, blockset = 0, fd, check = 0, nhostopts = 0;
	int slurm = 0, json = 0, jobset = 0;

	dm_run_keeper(argc, argv);
	dm_init(argv[0]);
	{
		/* the run of the jobs' report lines (dm-stats --funnel) */
		char id[64];

		snprintf(id, sizeof id, "%ld-%lld", (long)getpid(),
		    (long long)time(NULL));
		setenv("DM_RUN_ID", id, 1);
	}
	dm_report_start(argc, argv);
	memset(&o, 0, sizeof o);
	/* The jobs' pipes must never land on 0, 1 or 2: a closed one gets
	 * /dev/null, opened the other way round, so that reading stdin or
	 * writing stdout still fails with EBADF, as for every tool (each
	 * lower one is open: it lands where it was closed). */
	for (fd = 0; fd <= 2; fd++)
		if (fcntl(fd, F_GETFD) < 0 && errno == EBADF)
			(void)open("/dev/null", fd == 0 ? O_WRONLY : O_RDONLY);
	cpus = sysconf(_SC_NPROCESSORS_ONLN);
	o.jobs = cpus > 0 ? (int)cpus : 1;
	o.block = 8 * 1024 * 1024;
	o.retries = 2;
	o.buffer = 64 * 1024 * 1024;
	o.hostretry = 30;
	o.hosttimeout = 30;
	opterr = 0;
	/* "+": options end at COMMAND, so its own options stay its own. */
	while ((c = getopt_long(argc, argv, "+:hj:S:V", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_BLOCK:
			o.block = (size_t)dm_strtosize(optarg, "--block", usage);
			if (o.block == 0)
				dm_usage_die(usage, "--block: '%s' is too small",
				    optarg);
			blockset = 1;
			break;
		case OPT_BPT:
			o.bpt = (int)dm_strtonum(optarg, 1, 100000,
			    "--blocks-per-task", usage);
			break;
		case OPT_BUFFER:
			o.buffer = (size_t)dm_strtosize(optarg, "--buffer", usage);
			break;
		case OPT_CHECK:
			check = 1;
			break;
		case OPT_COMPRESS:
			o.compress = 1;
			break;
		case OPT_ENV:
			if (!dm_envname(optarg))
				dm_usage_die(usage, "--env: '%s' is not a "
				    "variable name", optarg);
			env = dm_xreallocarray(env, nenv + 2, sizeof *env);
			env[nenv++] = optarg;
			env[nenv] = NULL;
			break;
		case OPT_FILES:
			o.files = 1;
			break;
		case DM_OPT_FILES0:
			files0 = optarg;
			break;
		case OPT_HOST_RETRY:
			o.hostretry = duration(optarg, "--host-retry");
			break;
		case OPT_HOST_TIMEOUT:
			o.hosttimeout = duration(optarg, "--host-timeout");
			break;
		case OPT_HOSTS:
			if (dm_hosts_load(&hosts, optarg, &err) < 0)
				dm_usage_die(usage, "%s", err.buf);
			nhostopts++;
			break;
		case 'S':
			if (dm_hosts_list(&hosts, optarg, &err) < 0)
				dm_usage_die(usage, "%s", err.buf);
			nhostopts++;
			break;
		case OPT_JSON:
			json = 1;
			break;
		case OPT_SBATCH:
			o.sbatch = optarg;
			break;
		case OPT_SHIP:
			o.ship = 1;
			break;
		case OPT_SLURM:
			slurm = 1;
			break;
		case OPT_SPOOL:
			o.spool = optarg;
			break;
		case OPT_STATUS:
			status = optarg;
			break;
		case OPT_SSH:
			o.ssh = optarg;
			break;
		case OPT_HALT:
			o.halt = haltmode(optarg);
			break;
		case 'h':
			printf("%s\n\n%s", usage, help);
			return dm_exit(DM_EXIT_OK);
		case 'j':
			o.jobs = (int)dm_strtonum(optarg, 1, 4096, "-j", usage);
			jobset = 1;
			break;
		case OPT_JOBLOG:
			o.joblog = optarg;
			break;
		case OPT_LINES:
			o.lines = (unsigned long long)dm_strtonum(optarg, 1,
			    1000000000000LL, "--lines", usage);
			break;
		case OPT_LOCK:
			lockfile = optarg;
			break;
		case OPT_LOCK_WAIT:
			lockwait = 1;
			break;
		case OPT_OUTPUT_DIR:
			o.outdir = optarg;
			break;
		case OPT_PROGRESS:
			o.progress = 1;
			break;
		case OPT_REJECTS:
			o.rejects = optarg;
			break;
		case OPT_RESUME:
			o.resume = 1;
			break;
		case DM_OPT_REPORT:
			dm_report_file(optarg);
			break;
		case OPT_RETRIES:
			o.retries = (int)dm_strtonum(optarg, 0, 1000000,
			    "--retries", usage);
			break;
		case OPT_TIMEOUT:
			o.timeout = duration(optarg, "--timeout");
			break;
		case OPT_UNORDERED:
			o.unordered = 1;
			break;
		case 'V':
			printf("dm-run (dm) %s\n", DM_VERSION);
			return dm_exit(DM_EXIT_OK);
		default:
			dm_badopt(usage, c, argv, longopts);
		}
	}
	argc -= optind;
	argv += optind;
	if (nhostopts > 0 && hosts.n == 0)
		dm_usage_die(usage, "no host in --hosts or -S");
	if (nhostopts > 0)
		o.hosts = &hosts;
	o.env = env;
	if (status) {
		if (argc > 0)
			dm_usage_die(usage, "--status takes no COMMAND");
		return dm_exit(dm_slurm_status(status, json));
	}
	if (json)
		dm_usage_die(usage, "--json needs --status");
	if (slurm && o.spool == NULL)
		dm_usage_die(usage, "--slurm needs --spool DIR");
	if (!slurm && (o.spool || o.sbatch || o.bpt))
		dm_usage_die(usage, "--spool, --sbatch and --blocks-per-task "
		    "need --slurm");
	if (slurm && (o.hosts || check))
		dm_usage_die(usage, "--slurm excludes --hosts, -S and --check");
	if (slurm && !jobset)
		o.jobs = 100;
	if (check) {
		if (o.hosts == NULL)
			dm_usage_die(usage, "--check needs --hosts or -S");
		if (argc > 0)
			dm_usage_die(usage, "--check takes no COMMAND");
		c = dm_run_check(&o);
		dm_hosts_free(&hosts);
		free(env);
		dm_buf_free(&err);
		return dm_exit(c);
	}

	if (argc == 0)
		dm_usage_die(usage, "missing COMMAND");
	if (*argv[0] == '\0')
		dm_usage_die(usage, "COMMAND is empty");
	o.command = argv[0];
	argc--;
	argv++;
	if (files0) {
		dm_files0_from(files0, &argc, &argv, usage);
		o.listed = 1;
	}
	/* dm-run -- dm-stats --partial: the command's options taken for
	 * files */
	for (c = 0; !o.listed && c < argc; c++)
		if (argv[c][0] == '-' && argv[c][1] != '\0' &&
		    access(argv[c], F_OK) < 0)
			dm_usage_die(usage, "'%s' is not a file; COMMAND is one "
			    "operand: quote it with its options, as in "
			    "dm-run -- '%s %s'", dm_quote(argv[c]),
			    dm_quote(o.command), dm_quote(argv[c]));
	o.blockset = blockset;
	if (blockset + (o.lines > 0) + o.files > 1)
		dm_usage_die(usage, "--block, --lines and --files exclude "
		    "each other");
	if (o.resume && o.outdir == NULL && o.spool == NULL)
		dm_usage_die(usage, "--resume needs --output-dir or --spool");
	/* One job's output, whichever ends first, is no part of a run that
	 * --resume could complete: the two would disagree on what DIR
	 * holds. */
	if (o.halt == DM_HALT_FIRST_SUCCESS && o.outdir != NULL)
		dm_usage_die(usage, "--halt first-success excludes --output-dir");
	if (lockwait && lockfile == NULL)
		dm_usage_die(usage, "--lock-wait needs --lock");
	if (o.rejects == NULL && (o.rejects = getenv("DM_REJECTS")) != NULL) {
		if (*o.rejects == '\0')
			o.rejects = NULL;
		o.rejects_append = 1;
	}

	if (o.rejects != NULL)
		dm_rejects_input(o.rejects, argc, argv, o.listed);
	if (lockfile)
		lock(lockfile, lockwait);
	c = dm_run(&o, argc, argv);
	dm_hosts_free(&hosts);
	free(env);
	dm_buf_free(&err);
	return dm_exit(c);
}
