/* dm-map.c - run a chain of mapper operators on every sample */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dm.h"
#include "report.h"

static const char usage[] =
    "usage: dm-map [-hsV] [-e SCRIPT]... [-f FILE]... [-k FIELD] "
    "[--max-line SIZE]\n"
    "              [--on-error=stop|skip] [--progress] [--rejects FILE]\n"
    "              [--files0-from LIST] [--list-ops [--json]] [SCRIPT] [FILE...]";

static const char help[] =
    "Run a chain of mapper operators on each JSONL sample.\n"
    "\n"
    "  -e, --expression SCRIPT  operators to run (repeatable); then every\n"
    "                           operand is a file\n"
    "  -f, --file FILE          read operators from FILE (repeatable; # comments)\n"
    "      --files0-from LIST   read the files named in LIST, each name ended\n"
    "                           by a NUL byte (find -print0); - for stdin\n"
    "  -h, --help               show this help and exit\n"
    "  -k, --key FIELD          the text field (default: $DM_TEXT_KEY or 'text')\n"
    "      --json               with --list-ops: list as JSON\n"
    "      --list-ops           list the operators and exit\n"
    "      --max-line SIZE      a longer line is a bad sample (default 1G;\n"
    "                           0: no limit)\n"
    "      --on-error=POLICY    stop (default) or skip bad samples\n"
    "      --progress           show samples, MB, rate and ETA on standard\n"
    "                           error\n"
    "      --rejects FILE       save each rejected line, with its reason, to FILE\n"
    "                           (default: $DM_REJECTS, added to)\n"
    "      --report FILE        append a line on this run to FILE (default:\n"
    "                           $DM_REPORT)\n"
    "  -s, --strict             a field an expression of set reads and a\n"
    "                           sample lacks is an error\n"
    "  -V, --version            show the version and exit\n"
    "\n"
    "SCRIPT is 'op key=value ...; op ...', e.g. 'lower; truncate max=100'.\n"
    "Quote it for the shell. See dm-map(1), dm-ops(7) and 'dm ops'.\n";

enum { OPT_JSON = DM_OPT_TOOL_BASE, OPT_LIST_OPS };

static const struct option longopts[] = {
	{ "expression", required_argument, NULL, 'e' },
	{ "file", required_argument, NULL, 'f' },
	DM_FILES0_LONGOPT,
	{ "help", no_argument, NULL, 'h' },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "list-ops", no_argument, NULL, OPT_LIST_OPS },
	DM_PROGRESS_LONGOPT,
	{ "strict", no_argument, NULL, 's' },
	DM_IO_LONGOPTS,
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

/* What the shell leaves of an unquoted script: an operator name, or a
 * parameter (name=value), that is not a file. */
static int
scriptlike(const char *s)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_-.");

	if (strcmp(s, "-") == 0 || access(s, F_OK) == 0)
		return 0;
	if (strcmp(s, ";") == 0 || dm_ops_find(s) != NULL)
		return 1;
	return n > 0 && s[n] == '=';
}

/* Warns about a script the shell has taken apart: `dm-map truncate
 * max=10 in.jsonl` leaves the script 'truncate' and a file 'max=10'. */
static void
unquoted(const char *script, int argc, char **argv)
{
	struct dm_buf b = DM_BUF_INIT;
	int i, k;

	for (i = 0; i < argc && scriptlike(argv[i]); i++)
		;
	if (i == 0)
		return;
	dm_buf_adds(&b, script);
	for (k = 0; k < i; k++)
		dm_buf_addf(&b, "%s%s", strchr(argv[k], '=') ||
		    strcmp(argv[k], ";") == 0 ? " " : "; ", argv[k]);
	dm_warn("warning: operand '%s' looks like part of the script; quote "
	    "the whole script: dm-map '%s'", dm_quote(argv[0]),
	    dm_quote(b.buf));
	dm_buf_free(&b);
}

int
main(int argc, char *argv[])
{
	struct dm_io io;
	struct dm_chain *chain;
	struct dm_sample *s;
	struct dm_buf err = DM_BUF_INIT;
	const char *origin;
	char *text;
	size_t len, skip;
	int c, scripts = 0, list = 0, json = 0, bad = 0, script_stdin = 0, i;
	int strict = 0;
	/* -e SCRIPT and -f FILE in their order, parsed once the options are
	 * read: -h and -V say only what they say */
	struct { int file; const char *arg; } *sv = NULL;

	dm_init(argv[0]);
	dm_report_start(argc, argv);
	dm_io_init(&io);
	chain = dm_chain_new();
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":e:f:hk:sV", longopts, NULL)) != -1) {
		if (dm_io_option(&io, c, optarg, usage))
			continue;
		switch (c) {
		case 'e':
		case 'f':
			sv = dm_xreallocarray(sv, (size_t)scripts + 1,
			    sizeof *sv);
			sv[scripts].file = c == 'f';
			sv[scripts++].arg = optarg;
			if (c == 'f' && strcmp(optarg, "-") == 0)
				script_stdin = 1;
			break;
		case 'h':
			printf("%s\n\n%s", usage, help);
			dm_chain_free(chain);
			free(sv);
			return dm_exit(DM_EXIT_OK);
		case OPT_JSON:
			json = 1;
			break;
		case OPT_LIST_OPS:
			list = 1;
			break;
		case 's':
			strict = 1;
			break;
		case 'V':
			printf("dm-map (dm) %s\n", DM_VERSION);
			dm_chain_free(chain);
			free(sv);
			return dm_exit(DM_EXIT_OK);
		default:
			dm_badopt(usage, c, argv, longopts);
		}
	}
	argc -= optind;
	argv += optind;
	if (script_stdin && io.files0 && strcmp(io.files0, "-") == 0)
		dm_usage_die(usage, "-f - and --files0-from -: standard input "
		    "holds one of them");
	for (i = 0; i < scripts; i++) {
		text = sv[i].file ? dm_slurp_len(sv[i].arg, &len) : NULL;
		/* standard input is named as dm-filter names it (dm(7)) */
		origin = !sv[i].file ? "script" : strcmp(sv[i].arg, "-") == 0 ?
		    "<stdin>" : sv[i].arg;
		/* a byte order mark from an editor on Windows is skipped,
		 * as by dm-filter -f (columns count from after it) */
		skip = text && dm_utf8_bom(text, len) ? 3 : 0;
		if ((text && dm_src_nul(text + skip, len - skip, origin) < 0) ||
		    dm_chain_parse(chain, text ? text + skip : sv[i].arg,
		    origin, 1) < 0)
			bad = 1;
		free(text);
	}
	free(sv);

	/* A bad script given with -e or -f is reported, and is a usage
	 * error here too. */
	if (list) {
		dm_chain_free(chain);
		if (bad)
			return dm_exit(DM_EXIT_ERROR);
		return dm_exit(dm_ops_print(NULL, json) < 0 ? DM_EXIT_ERROR :
		    DM_EXIT_OK);
	}
	if (scripts == 0) {
		if (argc == 0)
			dm_usage_die(usage, "missing SCRIPT");
		if (dm_chain_parse(chain, argv[0], "script", 1) < 0)
			bad = 1;
		unquoted(argv[0], argc - 1, argv + 1);
		argc--;
		argv++;
	}
	/* Standard input cannot hold both the script and the samples. */
	dm_io_files0(&io, &argc, &argv);
	for (i = 0; script_stdin && i <= argc; i++)
		if (i == argc ? argc == 0 && !io.listed :
		    strcmp(argv[i], "-") == 0)
			dm_usage_die(usage, "-f -: the script is read from standard "
			    "input, so the samples must come from files");
	if (bad || dm_chain_init(chain) < 0) {
		dm_chain_free(chain);
		return dm_exit(DM_EXIT_ERROR);
	}

	dm_expr_strict(strict);
	dm_io_open(&io, argc, argv);
	while ((s = dm_io_next(&io)) != NULL) {
		dm_buf_reset(&err);
		if (dm_chain_run(chain, s, io.key, &err) < 0) {
			if (dm_io_reject(&io, "%s", err.buf) < 0)
				break;
			continue;
		}
		dm_io_emit(&io, s);
	}
	c = dm_io_close(&io);
	if (!strict)
		dm_expr_report_missing();
	dm_chain_free(chain);
	dm_buf_free(&err);
	return dm_exit(c);
}
