/* dm-recipe.c - show, check or run a Data-Juicer or DataMate recipe as dm stages */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "recipe.h"

static const char usage[] =
    "usage: dm-recipe show|run [-j N] [--hosts FILE] [--slurm --spool DIR]\n"
    "                          [--skip-unsupported] FILE\n"
    "       dm-recipe check [--skip-unsupported] FILE\n"
    "       dm-recipe ops";

static const char help[] =
    "Show, check or run a Data-Juicer recipe or a DataMate process.yaml as\n"
    "the dm pipeline it becomes.\n"
    "\n"
    "  show                     print the pipeline, one stage a line\n"
    "  check                    check every operator and parameter; list what\n"
    "                           dm ignores\n"
    "  run                      read dataset_path, write export_path\n"
    "  ops                      list the operators dm runs and their dm form\n"
    "\n"
    "  -h, --help               show this help and exit\n"
    "      --hosts FILE         run the stages through dm-run on these hosts\n"
    "  -j, --jobs N             N parallel blocks through dm-run (default: np)\n"
    "      --skip-unsupported   leave out, with a warning, what dm cannot run\n"
    "      --slurm              run the stages through dm-run on Slurm\n"
    "      --spool DIR          dm-run's spool folder for --slurm\n"
    "  -V, --version            show the version and exit\n";

enum { OPT_HOSTS = 256, OPT_SKIP, OPT_SLURM, OPT_SPOOL };

static const struct option longopts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "hosts", required_argument, NULL, OPT_HOSTS },
	{ "jobs", required_argument, NULL, 'j' },
	{ "skip-unsupported", no_argument, NULL, OPT_SKIP },
	{ "slurm", no_argument, NULL, OPT_SLURM },
	{ "spool", required_argument, NULL, OPT_SPOOL },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

static const char *const commands[] = { "check", "ops", "run", "show" };

/* `dm recipe ops`: every row of the table, in its order, with the dm
 * form of the operator with its default parameters. */
static void
ops(void)
{
	struct dm_buf b = DM_BUF_INIT, f = DM_BUF_INIT, err = DM_BUF_INIT;
	const struct dm_ynode *at;
	const struct dm_rop *t;
	size_t i, k, n, wj = strlen("DATA-JUICER"), wm = strlen("DATAMATE");

	t = dm_rop_all(&n);
	/* columns as wide as the longest name in them */
	for (i = 0; i < n; i++) {
		if (t[i].dj && strlen(t[i].dj) > wj)
			wj = strlen(t[i].dj);
		if (t[i].dmate && strlen(t[i].dmate) > wm)
			wm = strlen(t[i].dmate);
	}
	printf("%-*s  %-*s  %s\n", (int)wj, "DATA-JUICER", (int)wm,
	    "DATAMATE", "DM");
	for (i = 0; i < n; i++) {
		dm_buf_reset(&b);
		if (t[i].kind == DM_R_NONE)
			dm_buf_addf(&b, "unsupported: %s", t[i].why);
		else {
			if (t[i].dropempty && t[i].kind == DM_R_DEDUP)
				dm_buf_adds(&b, "dm-filter " DROPEMPTY " | ");
			dm_buf_adds(&b, t[i].kind == DM_R_MAP ? "dm-map " :
			    t[i].kind == DM_R_FILTER ? "dm-filter " :
			    t[i].kind == DM_R_SLICE ? "dm-slice " :
			    "dm-dedup ");
			dm_buf_reset(&f);
			t[i].emit(&t[i], NULL, &f, &err, &at);
			/* dm-dedup's words are tab-separated: shown as words */
			for (k = 0; k < f.len; k++)
				if (f.buf[k] == '\t')
					f.buf[k] = ' ';
			/* replace_content_mapper without a pattern does
			 * nothing; the specified filters without field_key
			 * only assert that each sample has the member "" */
			if (t[i].strict)
				dm_buf_addf(&b, "-s --on-error=skip %s", t[i].form);
			else
				dm_buf_adds(&b, f.len ? f.buf : t[i].form);
			if (t[i].dropempty && t[i].kind == DM_R_MAP)
				dm_buf_adds(&b, " | dm-filter " DROPEMPTY);
		}
		printf("%-*s  %-*s  %s\n", (int)wj, t[i].dj ? t[i].dj : "-",
		    (int)wm, t[i].dmate ? t[i].dmate : "-", b.buf);
	}
	dm_buf_free(&b);
	dm_buf_free(&f);
	dm_buf_free(&err);
}

int
main(int argc, char *argv[])
{
	struct dm_recipe_opts o;
	struct dm_recipe r;
	const char *cmd, *s;
	int c, skip = 0, status;

	dm_init(argv[0]);
	memset(&o, 0, sizeof o);
	if (argc > 1 && argv[1][0] != '-') {
		cmd = argv[1];
		argc--;
		argv++;
		if (strcmp(cmd, "check") && strcmp(cmd, "ops") &&
		    strcmp(cmd, "run") && strcmp(cmd, "show")) {
			s = dm_suggest(cmd, commands, 4);
			if (s)
				dm_usage_die(usage, "unknown command '%s'; "
				    "did you mean '%s'?", cmd, s);
			dm_usage_die(usage, "unknown command '%s'", cmd);
		}
	} else
		cmd = NULL;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hj:V", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			printf("%s\n\n%s", usage, help);
			return dm_exit(DM_EXIT_OK);
		case OPT_HOSTS:
			o.hosts = optarg;
			break;
		case 'j':
			o.jobs = (long)dm_strtonum(optarg, 1, 100000, "-j",
			    usage);
			break;
		case OPT_SKIP:
			skip = 1;
			break;
		case OPT_SLURM:
			o.slurm = 1;
			break;
		case OPT_SPOOL:
			o.spool = optarg;
			break;
		case 'V':
			printf("dm-recipe (dm) %s\n", DM_VERSION);
			return dm_exit(DM_EXIT_OK);
		default:
			dm_badopt(usage, c, argv, longopts);
		}
	}
	argc -= optind;
	argv += optind;
	if (cmd == NULL)
		dm_usage_die(usage, "no command: show, check, run or ops");
	if (strcmp(cmd, "ops") == 0) {
		if (argc > 0)
			dm_usage_die(usage, "ops takes no operand");
		ops();
		return dm_exit(DM_EXIT_OK);
	}
	if (argc != 1)
		dm_usage_die(usage, argc ? "one recipe at a time" :
		    "no recipe file");
	if (o.slurm && o.spool == NULL)
		dm_usage_die(usage, "--slurm needs --spool DIR");
	if (o.spool && !o.slurm)
		dm_usage_die(usage, "--spool goes with --slurm");
	/* check runs nothing: an option of run is a slip, not ignored */
	if ((o.jobs > 0 || o.hosts || o.slurm) && strcmp(cmd, "check") == 0)
		dm_usage_die(usage, "check takes no -j, --hosts or --slurm");
	if (dm_recipe_load(&r, argv[0], skip) < 0) {
		dm_recipe_free(&r);
		return dm_exit(DM_EXIT_ERROR);
	}
	status = DM_EXIT_OK;
	if (strcmp(cmd, "check") == 0) {
		fwrite(r.ignored.buf, 1, r.ignored.len, stdout);
		printf("%s: ok: %lu operator%s in %zu dm stage%s\n", r.path,
		    r.ops, r.ops == 1 ? "" : "s", r.nstage,
		    r.nstage == 1 ? "" : "s");
	} else if (strcmp(cmd, "show") == 0)
		dm_recipe_show(&r, &o);
	else
		status = dm_recipe_run(&r, &o);
	dm_recipe_free(&r);
	return dm_exit(status);
}
