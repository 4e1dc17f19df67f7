/* dm-filter.c - keep the samples for which an expression holds */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dm.h"
#include "report.h"

static const char usage[] =
    "usage: dm-filter [-hsVv] [-f FILE] [-k FIELD] [--mark FIELD] [--count]\n"
    "                 [--max-line SIZE] [--on-error=stop|skip] [--progress]\n"
    "                 [--rejects FILE] [--files0-from LIST] [EXPR] [FILE...]";

static const char help[] =
    "Keep the JSONL samples for which an expression holds.\n"
    "\n"
    "      --count              print how many samples were kept, at the end,\n"
    "                           of those read (the rejected ones aside)\n"
    "  -f, --file FILE          read the expression from FILE (# comments;\n"
    "                           one -f at most)\n"
    "      --files0-from LIST   read the files named in LIST, each name ended\n"
    "                           by a NUL byte (find -print0); - for stdin\n"
    "  -h, --help               show this help and exit\n"
    "  -k, --key FIELD          the text field (default: $DM_TEXT_KEY or 'text')\n"
    "      --max-line SIZE      a longer line is a bad sample (default 1G;\n"
    "                           0: no limit)\n"
    "      --mark FIELD         keep every sample; set FIELD to true, false,\n"
    "                           or the reason a predicate gave\n"
    "      --on-error=POLICY    stop (default) or skip bad samples\n"
    "      --progress           show samples, MB, rate and ETA on standard\n"
    "                           error\n"
    "      --rejects FILE       save each rejected line, with its reason, to FILE\n"
    "                           (default: $DM_REJECTS, added to)\n"
    "      --report FILE        append a line on this run to FILE (default:\n"
    "                           $DM_REPORT)\n"
    "  -s, --strict             a field the expression reads and a sample lacks\n"
    "                           is an error\n"
    "  -V, --version            show the version and exit\n"
    "  -v, --invert             keep the samples for which EXPR does not hold\n"
    "\n"
    "EXPR is e.g. 'words >= 50 && alnum_ratio >= 0.25 && !(meta.lang == \"zh\")'.\n"
    "Quote it for the shell. See dm-filter(1) for the language.\n";

enum { OPT_COUNT = DM_OPT_TOOL_BASE, OPT_MARK };

static const struct option longopts[] = {
	{ "count", no_argument, NULL, OPT_COUNT },
	{ "file", required_argument, NULL, 'f' },
	DM_FILES0_LONGOPT,
	{ "help", no_argument, NULL, 'h' },
	{ "invert", no_argument, NULL, 'v' },
	DM_IO_LONGOPTS,
	{ "mark", required_argument, NULL, OPT_MARK },
	DM_PROGRESS_LONGOPT,
	{ "strict", no_argument, NULL, 's' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

/* What the shell leaves of an unquoted comparison looks like: an operator
 * or a number. */
static int
exprlike(const char *s)
{
	static const char *const ops[] = { "==", "!=", ">=", "<=", "<", ">",
	    "&&", "||", "!", "=", "=~", "+", "-", "*", "/", "%" };
	size_t i;
	char *end;

	for (i = 0; i < sizeof ops / sizeof ops[0]; i++)
		if (strcmp(s, ops[i]) == 0)
			return 1;
	if (*s == '\0')
		return 0;
	(void)strtod(s, &end);
	return *end == '\0' && access(s, F_OK) != 0;
}

/* The name of the file standard output was redirected to, when it is a
 * number: `dm-filter words > 5` writes to a file named 5. */
static const char *
redirected(char *buf, size_t size)
{
	const char *base;
	ssize_t n;
	char *end;

	if ((n = readlink("/proc/self/fd/1", buf, size - 1)) <= 0)
		return NULL;
	buf[n] = '\0';
	base = strrchr(buf, '/') ? strrchr(buf, '/') + 1 : buf;
	if (*base == '\0')
		return NULL;
	(void)strtod(base, &end);
	return *end == '\0' ? base : NULL;
}

/*
 * Warns about an expression the shell has taken apart: `words > 5` unquoted
 * leaves the expression 'words' and output in a file named 5; `words == 5`
 * leaves '==' and '5' as file operands.
 */
static void
unquoted(const char *expr, int argc, char **argv)
{
	struct dm_buf b = DM_BUF_INIT, t = DM_BUF_INIT;
	char path[PATH_MAX];
	const char *to;
	size_t s, e;
	int i;

	for (i = 0; i < argc && exprlike(argv[i]); i++)
		;
	s = strspn(expr, " \t\n");
	for (e = strlen(expr); e > s && strchr(" \t\n", expr[e - 1]); e--)
		;
	dm_buf_add(&t, expr + s, e - s);
	if (i > 0) {
		dm_buf_adds(&b, t.buf);
		for (int k = 0; k < i; k++)
			dm_buf_addf(&b, " %s", argv[k]);
		dm_warn("warning: operand '%s' looks like part of the "
		    "expression; quote the whole expression: dm-filter '%s'",
		    dm_quote(argv[0]), dm_quote(b.buf));
	} else if (dm_stat_find(t.buf) != NULL) {
		to = redirected(path, sizeof path);
		dm_warn("warning: the expression is only the statistic '%s'; "
		    "'>' and '<' unquoted are redirections: quote the whole "
		    "expression: dm-filter '%s > %s'", t.buf, t.buf,
		    to ? to : "N");
	}
	dm_buf_free(&b);
	dm_buf_free(&t);
}

int
main(int argc, char *argv[])
{
	struct dm_io io;
	struct dm_expr *expr;
	struct dm_sample *s;
	struct dm_buf err = DM_BUF_INIT;
	const char *file = NULL, *mark = NULL, *why, *origin;
	unsigned long long kept = 0, judged;
	char *src;
	size_t len, skip;
	int c, invert = 0, count = 0, strict = 0, truth, keep, status;

	dm_init(argv[0]);
	dm_report_start(argc, argv);
	dm_io_init(&io);
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":f:hk:sVv", longopts, NULL)) != -1) {
		if (dm_io_option(&io, c, optarg, usage))
			continue;
		switch (c) {
		case OPT_COUNT:
			count = 1;
			break;
		case 'f':
			/* Several files would have to be joined by && or ||:
			 * neither goes without saying, so there is one. */
			if (file)
				dm_usage_die(usage, "-f: the expression is read "
				    "from one file, not '%s' and '%s'",
				    dm_quote(file), dm_quote(optarg));
			file = optarg;
			break;
		case 'h':
			printf("%s\n\n%s", usage, help);
			return dm_exit(DM_EXIT_OK);
		case OPT_MARK:
			if (*optarg == '\0')
				dm_usage_die(usage, "--mark: the field name is empty");
			dm_io_utf8opt("--mark", optarg, usage);
			if (!dm_fieldpath_ok(optarg))
				dm_usage_die(usage, "--mark: '%s' is not a field "
				    "name", dm_quote(optarg));
			mark = optarg;
			break;
		case 's':
			strict = 1;
			break;
		case 'V':
			printf("dm-filter (dm) %s\n", DM_VERSION);
			return dm_exit(DM_EXIT_OK);
		case 'v':
			invert = 1;
			break;
		default:
			dm_badopt(usage, c, argv, longopts);
		}
	}
	argc -= optind;
	argv += optind;

	if (file) {
		if (strcmp(file, "-") == 0 && io.files0 &&
		    strcmp(io.files0, "-") == 0)
			dm_usage_die(usage, "-f - and --files0-from -: standard "
			    "input holds one of them");
		dm_io_files0(&io, &argc, &argv);
		for (c = 0; strcmp(file, "-") == 0 && c <= argc; c++)
			if (c == argc ? argc == 0 && !io.listed :
			    strcmp(argv[c], "-") == 0)
				dm_usage_die(usage, "-f -: the expression is read "
				    "from standard input, so the samples must come "
				    "from files");
		src = dm_slurp_len(file, &len);
		origin = strcmp(file, "-") ? file : "<stdin>";
		/* an editor on Windows starts the file with a byte order
		 * mark: skipped, as at the start of an input (columns then
		 * count from after it) */
		skip = dm_utf8_bom(src, len) ? 3 : 0;
		expr = dm_src_nul(src + skip, len - skip, origin) < 0 ? NULL :
		    dm_expr_parse(src + skip, origin, 1);
		free(src);
	} else {
		if (argc == 0)
			dm_usage_die(usage, "missing EXPR");
		expr = dm_expr_parse(argv[0], "expression", 1);
		if (expr)
			unquoted(argv[0], argc - 1, argv + 1);
		argc--;
		argv++;
	}
	if (expr == NULL)
		return dm_exit(DM_EXIT_ERROR);
	dm_expr_strict(strict);

	dm_io_open(&io, argc, argv);
	while ((s = dm_io_next(&io)) != NULL) {
		dm_buf_reset(&err);
		if (dm_expr_eval(expr, s, io.key, NULL, &truth, &why, &err) < 0) {
			if (dm_io_reject(&io, "%s", err.buf) < 0)
				break;
			continue;
		}
		keep = truth != invert;
		if (mark) {
			json_t *v = keep ? json_true() : why && !invert ?
			    json_string(why) : json_false();

			if (dm_sample_set_new(s, mark, v, &err) < 0) {
				if (dm_io_reject(&io, "%s", err.buf) < 0)
					break;
				continue;
			}
			dm_io_emit(&io, s);
		} else if (keep)
			dm_io_emit(&io, s);
		else
			dm_report_drop(why && !invert ? why : "expression", 1);
		kept += keep;
	}
	/* --count tells what the expression keeps of the samples it judged:
	 * the rejected ones are counted apart, by the summary of rejects. */
	judged = io.nin - io.nrejected;
	status = dm_io_close(&io);
	if (count)
		dm_warn("kept %llu of %llu samples", kept, judged);
	if (!strict)
		dm_expr_report_missing();
	dm_expr_free(expr);
	dm_buf_free(&err);
	return dm_exit(status);
}
