/* dm-stats.c - what a dataset looks like, and what each stage did to it */
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "dm.h"
#include "rawtext.h"
#include "report.h"
#include "statsum.h"

static const char usage[] =
    "usage: dm-stats [-hV] [-k FIELD] [-s NAMES]... [-c FIELD]... [--top N]\n"
    "                [--bins N] [--depth N] [--exact] [--ascii] [--strict]\n"
    "                [--json | --html FILE | --partial] [--max-line SIZE]\n"
    "                [--on-error=stop|skip] [--rejects FILE] [--report FILE]\n"
    "                [--files0-from LIST] [FILE...]\n"
    "       dm-stats --merge [--json | --html FILE | --partial] [--top N]\n"
    "                [--bins N] [--ascii] [--files0-from LIST] [FILE...]\n"
    "       dm-stats --funnel [--json | --html FILE] [--ascii] FILE";

static const char help[] =
    "Summarize JSONL samples: counts, field coverage, the distribution of\n"
    "statistics and value counts, as a table, JSON or an HTML report.\n"
    "\n"
    "      --ascii              draw the table with ASCII only\n"
    "      --bins N             histogram bins (default: chosen from the data)\n"
    "  -c, --count FIELD        count the values of FIELD (repeatable)\n"
    "      --depth N            field coverage down to depth N (default: 4;\n"
    "                           0: none)\n"
    "      --exact              keep every value: exact quantiles\n"
    "      --files0-from LIST   read the files named in LIST, each name ended\n"
    "                           by a NUL byte (find -print0); - for stdin\n"
    "      --funnel             show the funnel of a $DM_REPORT file\n"
    "  -h, --help               show this help and exit\n"
    "      --html FILE          write a self-contained HTML report to FILE\n"
    "      --json               write the summary as JSON\n"
    "  -k, --key FIELD          the text field (default: $DM_TEXT_KEY or 'text')\n"
    "      --max-line SIZE      a longer line is a bad sample (default 1G;\n"
    "                           0: no limit)\n"
    "      --merge              combine the states written by --partial\n"
    "      --on-error=POLICY    stop (default) or skip bad samples\n"
    "      --partial            write a state for --merge instead of a summary\n"
    "      --rejects FILE       save each rejected line, with its reason, to FILE\n"
    "                           (default: $DM_REJECTS, added to)\n"
    "      --report FILE        append a line on this run to FILE (default:\n"
    "                           $DM_REPORT)\n"
    "  -s, --stats NAMES        statistics or expressions, comma-separated\n"
    "                           (default: " "len,words,lines,alnum_ratio)\n"
    "      --strict             a field a statistic reads and a sample lacks\n"
    "                           is an error (default: not counted)\n"
    "      --top N              values shown per --count field (default: 10)\n"
    "  -V, --version            show the version and exit\n"
    "\n"
    "A statistic is any name or expression of dm-filter(1): len, words,\n"
    "char_rep(10), meta.score, len / lines. See dm-stats(1).\n";

#define DEFAULT_STATS	"len,words,lines,alnum_ratio"

enum {
	OPT_ASCII = DM_OPT_TOOL_BASE, OPT_BINS, OPT_DEPTH, OPT_EXACT,
	OPT_FUNNEL, OPT_HTML, OPT_JSON, OPT_MERGE, OPT_PARTIAL, OPT_STRICT,
	OPT_TOP
};

static const struct option longopts[] = {
	{ "ascii", no_argument, NULL, OPT_ASCII },
	{ "bins", required_argument, NULL, OPT_BINS },
	{ "count", required_argument, NULL, 'c' },
	{ "depth", required_argument, NULL, OPT_DEPTH },
	{ "exact", no_argument, NULL, OPT_EXACT },
	DM_FILES0_LONGOPT,
	{ "funnel", no_argument, NULL, OPT_FUNNEL },
	{ "help", no_argument, NULL, 'h' },
	{ "html", required_argument, NULL, OPT_HTML },
	{ "json", no_argument, NULL, OPT_JSON },
	DM_IO_LONGOPTS,
	{ "merge", no_argument, NULL, OPT_MERGE },
	{ "partial", no_argument, NULL, OPT_PARTIAL },
	{ "strict", no_argument, NULL, OPT_STRICT },
	{ "stats", required_argument, NULL, 's' },
	{ "top", required_argument, NULL, OPT_TOP },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

struct list {
	char	**v;
	size_t	  n;
};

static void
list_add(struct list *l, const char *s, size_t n)
{
	l->v = dm_xreallocarray(l->v, l->n + 1, sizeof *l->v);
	l->v[l->n++] = dm_xstrndup(s, n);
}

static int
isblankc(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

/* Splits NAMES at the commas outside parentheses, brackets and quotes. */
static void
split_stats(struct list *l, const char *s)
{
	const char *start = s, *end;
	int depth = 0;
	char q = 0, last = 0;

	for (;; s++) {
		if (q) {
			if (*s == '\\' && s[1])
				s++;
			else if (*s == q)
				q = 0;
			else if (*s == '\0')
				dm_usage_die(usage, "--stats: unterminated %s",
				    q == '/' ? "regular expression" : "string");
			continue;
		}
		/* a regular expression only follows =~ or !~; else '/'
		 * divides */
		if (*s == '"' || *s == '\'' || (*s == '/' && last == '~'))
			q = *s;
		else if (*s == '(' || *s == '[')
			depth++;
		else if (*s == ')' || *s == ']')
			depth--;
		else if ((*s == ',' && depth == 0) || *s == '\0') {
			/* blanks on both sides: ' len , words ' names len
			 * and words, as -s len,words does */
			end = s;
			while (start < end && isblankc(*start))
				start++;
			while (end > start && isblankc(end[-1]))
				end--;
			if (end == start)
				dm_usage_die(usage, "--stats: an empty name");
			list_add(l, start, (size_t)(end - start));
			start = s + 1;
		}
		if (*s == '\0')
			break;
		if (*s != ' ' && *s != '\t' && *s != '\n')
			last = *s;
	}
}

static void
list_free(struct list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

/* Whether a name may read a field inside an object (meta.lang,
 * stats.len): the load then walks those objects as it checks the line. */
static int
nestedpaths(const struct list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strchr(l->v[i], '.') || strchr(l->v[i], '['))
			return 1;
	return 0;
}

/* Table characters: block elements unless --ascii, or when standard output
 * is no terminal and the locale's characters are not UTF-8. */
static int
wantascii(int ascii)
{
	const char *cs;

	if (ascii)
		return 1;
	setlocale(LC_CTYPE, "");
	cs = nl_langinfo(CODESET);
	if (isatty(1))
		return 0;
	return !(cs && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0));
}

static void
writefile(const char *path, struct dm_buf *b)
{
	FILE *f;

	if (strcmp(path, "-") == 0) {
		fwrite(b->buf, 1, b->len, stdout);
		return;
	}
	if ((f = fopen(path, "w")) == NULL)
		dm_die("%s: %s", path, strerror(errno));
	if (fwrite(b->buf, 1, b->len, f) != b->len || fclose(f) != 0)
		dm_die("%s: write error: %s", path, strerror(errno));
}

/*
 * --html FILE takes a file name where --json takes none: `dm-stats --html
 * data.jsonl > r.html` would write the report over the dataset. A file
 * that is there, not empty and not an HTML page is left alone, before
 * any input is read.
 */
static void
htmlcheck(const char *path)
{
	char head[64];
	struct stat st;
	ssize_t n;
	size_t i = 0;
	int fd;

	/* what cannot be opened, fopen will say; a fifo is not read */
	if (strcmp(path, "-") == 0 || (fd = open(path, O_RDONLY |
	    O_NONBLOCK | O_CLOEXEC)) < 0)
		return;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    (n = pread(fd, head, sizeof head - 1, 0)) <= 0) {
		close(fd);
		return;
	}
	close(fd);
	head[n] = '\0';
	if (n >= 3 && memcmp(head, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < (size_t)n && strchr(" \t\r\n", head[i]) != NULL)
		i++;
	if (strncasecmp(head + i, "<!doctype html", 14) == 0 ||
	    strncasecmp(head + i, "<html", 5) == 0)
		return;
	dm_die("--html %s: the file is there and is not an HTML page: not "
	    "written over (remove it, or name another)", dm_quote(path));
}

static int
merge(struct dm_summary *S, int argc, char **argv, struct dm_io *io)
{
	struct dm_reader r;
	struct dm_buf err = DM_BUF_INIT;
	json_error_t je;
	const char *line;
	size_t len;
	json_t *o;
	int n = 0, status = DM_EXIT_OK;

	if (io->listed)
		dm_reader_files0(&r, argc, argv);
	else
		dm_reader_init(&r, argc, argv);
	while (dm_reader_next(&r, &line, &len) == 1) {
		o = json_loadb(line, len, 0, &je);
		dm_buf_reset(&err);
		if (o == NULL) {
			dm_warn("%s:%lu: not a partial of dm-stats: %s", r.name,
			    dm_line_shown(r.name, r.lineno), je.text);
			status = DM_EXIT_ERROR;
			break;
		}
		if (dm_summary_merge(S, o, n == 0, &err) < 0) {
			dm_warn("%s:%lu: %s", r.name,
			    dm_line_shown(r.name, r.lineno), err.buf);
			json_decref(o);
			status = DM_EXIT_ERROR;
			break;
		}
		json_decref(o);
		n++;
	}
	if (r.nerrors || dm_interrupted)
		status = DM_EXIT_ERROR;
	dm_reader_free(&r);
	dm_buf_free(&err);
	(void)io;
	return n == 0 && status == DM_EXIT_OK ? -1 : status;
}

int
main(int argc, char *argv[])
{
	struct dm_io io;
	struct dm_summary S;
	struct dm_statout out = { 10, 0, 0 };
	struct dm_sample *s;
	struct dm_buf b = DM_BUF_INIT, err = DM_BUF_INIT;
	struct list stats = { NULL, 0 }, counts = { NULL, 0 };
	struct dm_pathseg *seg;
	size_t nseg;
	const char *html = NULL;
	json_t *o;
	int c, json = 0, partial = 0, mergemode = 0, funnel = 0, exact = 0;
	int strict = 0, keyset = 0, depthset = 0;
	int depth = 4, ascii = 0, status = DM_EXIT_OK, r, li;
	char shortname[3] = "-";
	const char *notfunnel = NULL;	/* an option --funnel has no use for */

	dm_init(argv[0]);
	dm_report_start(argc, argv);
	dm_io_init(&io);
	memset(&S, 0, sizeof S);
	opterr = 0;
	while ((li = -1, c = getopt_long(argc, argv, ":c:hk:s:V", longopts,
	    &li)) != -1) {
		if (c == 'k')
			keyset = 1;
		/* the funnel is the report's own: every option about samples,
		 * statistics or this run's own report would be ignored */
		if (notfunnel == NULL && c != OPT_ASCII && c != OPT_FUNNEL &&
		    c != OPT_HTML && c != OPT_JSON && c != OPT_MERGE &&
		    c != OPT_PARTIAL && c != 'h' && c != 'V' && c != '?' &&
		    c != ':') {
			if (li >= 0)
				notfunnel = longopts[li].name;
			else {
				shortname[1] = (char)c;
				notfunnel = shortname;
			}
		}
		if (dm_io_option(&io, c, optarg, usage))
			continue;
		switch (c) {
		case OPT_ASCII:
			ascii = 1;
			break;
		case OPT_BINS:
			out.bins = (int)dm_strtonum(optarg, 1, 1000, "--bins",
			    usage);
			break;
		case 'c':
			if (*optarg == '\0')
				dm_usage_die(usage, "--count: the field name is "
				    "empty");
			dm_io_utf8opt("--count", optarg, usage);
			if (dm_fieldpath_parse(optarg, &seg, &nseg) < 0)
				dm_usage_die(usage, "--count: '%s' is not a "
				    "field name", dm_quote(optarg));
			dm_fieldpath_free(seg, nseg);
			list_add(&counts, optarg, strlen(optarg));
			break;
		case OPT_DEPTH:
			depth = (int)dm_strtonum(optarg, 0, 32, "--depth", usage);
			depthset = 1;
			break;
		case OPT_EXACT:
			exact = 1;
			break;
		case OPT_FUNNEL:
			funnel = 1;
			break;
		case 'h':
			printf("%s\n\n%s", usage, help);
			return dm_exit(DM_EXIT_OK);
		case OPT_HTML:
			if (*optarg == '\0')
				dm_usage_die(usage, "--html: the file name is empty");
			html = optarg;
			break;
		case OPT_JSON:
			json = 1;
			break;
		case OPT_MERGE:
			mergemode = 1;
			break;
		case OPT_PARTIAL:
			partial = 1;
			break;
		case OPT_STRICT:
			strict = 1;
			break;
		case 's':
			split_stats(&stats, optarg);
			break;
		case OPT_TOP:
			out.top = (int)dm_strtonum(optarg, 0, 1000000, "--top",
			    usage);
			break;
		case 'V':
			printf("dm-stats (dm) %s\n", DM_VERSION);
			return dm_exit(DM_EXIT_OK);
		default:
			dm_badopt(usage, c, argv, longopts);
		}
	}
	argc -= optind;
	argv += optind;
	dm_io_files0(&io, &argc, &argv);
	if (json + partial + (html != NULL) > 1)
		dm_usage_die(usage, "--json, --html and --partial exclude each "
		    "other");
	if (mergemode && funnel)
		dm_usage_die(usage, "--merge and --funnel exclude each other");
	if (html)
		htmlcheck(html);
	out.ascii = wantascii(ascii);

	if (funnel) {
		if (partial)
			dm_usage_die(usage, "--funnel: no --partial");
		if (notfunnel != NULL)
			dm_usage_die(usage, "--funnel shows the report FILE as "
			    "it is: no %s%s", *notfunnel == '-' ? "" : "--",
			    notfunnel);
		if (argc != 1)
			dm_usage_die(usage, "--funnel needs one FILE");
		/* reading the report adds no line to it */
		if ((o = dm_funnel_read(argv[0])) == NULL)
			return dm_exit(DM_EXIT_ERROR);
		if (json) {
			dm_json_addval(&b, o);
			dm_buf_addc(&b, '\n');
		} else if (html)
			dm_funnel_html(o, "dm pipeline funnel", &b);
		else
			dm_funnel_table(o, &out, &b);
		if (html)
			writefile(html, &b);
		else
			fwrite(b.buf, 1, b.len, stdout);
		json_decref(o);
		dm_buf_free(&b);
		return dm_exit(DM_EXIT_OK);
	}

	if (stats.n == 0 && !mergemode)
		split_stats(&stats, DEFAULT_STATS);
	if (mergemode) {
		/* the settings are the partials': --depth 1 or -k body
		 * would pass for applied */
		if (stats.n || counts.n || exact || depthset || keyset ||
		    strict)
			dm_usage_die(usage, "--merge takes the settings of the "
			    "partials: no --stats, --count, --exact, --depth, "
			    "--key or --strict");
		dm_report_arm();
		r = merge(&S, argc, argv, &io);
		if (r == -1) {
			/* no partial at all (an empty input): an empty
			 * summary of the default statistics */
			split_stats(&stats, DEFAULT_STATS);
			dm_summary_init(&S, stats.v, stats.n, NULL, 0, 0, depth,
			    io.key);
			r = DM_EXIT_OK;
		} else if (r == DM_EXIT_ERROR) {
			dm_summary_free(&S);
			return dm_exit(r);
		}
		status = r;
		/* as one run over all the samples: a field none of them
		 * had (a merge into a partial is still a block) */
		if (!partial && !S.unwatched && !dm_interrupted)
			dm_expr_report_missing();
	} else {
		if (dm_summary_init(&S, stats.v, stats.n, counts.v, counts.n,
		    exact, depth, io.key) < 0) {
			dm_summary_free(&S);
			list_free(&stats);
			list_free(&counts);
			return dm_exit(DM_EXIT_ERROR);
		}
		dm_expr_strict(strict);
		if (nestedpaths(&stats) || nestedpaths(&counts))
			dm_sample_nestall(&io.s, 1);
		dm_io_open(&io, argc, argv);
		while ((s = dm_io_next(&io)) != NULL) {
			dm_buf_reset(&err);
			if (dm_summary_add(&S, s, &err) < 0 &&
			    dm_io_reject(&io, "%s", err.buf) < 0)
				break;
		}
		S.bytes = io.in.nbytes;
		S.rejected = io.nrejected;
		status = dm_io_close(&io);
		dm_report_counts(S.samples + S.rejected, 0, S.rejected);
		/* a partial sees one block: the field may be in another */
		if (!strict && !partial && !dm_interrupted)
			dm_expr_report_missing();
	}

	if (dm_interrupted) {
		/* a summary of part of the input would pass for the whole */
		dm_summary_free(&S);
		list_free(&stats);
		list_free(&counts);
		dm_buf_free(&err);
		return dm_exit(status);
	}
	if (partial) {
		o = dm_summary_state(&S);
		dm_json_addval(&b, o);
		dm_buf_addc(&b, '\n');
	} else {
		o = dm_summary_json(&S, &out);
		if (json) {
			dm_summary_addjson(&b, o);
			dm_buf_addc(&b, '\n');
		} else if (html)
			dm_summary_html(o, "dm-stats report", &b);
		else
			dm_summary_table(o, &out, &b);
	}
	if (html)
		writefile(html, &b);
	else
		fwrite(b.buf, 1, b.len, stdout);
	json_decref(o);
	dm_summary_free(&S);
	list_free(&stats);
	list_free(&counts);
	dm_buf_free(&b);
	dm_buf_free(&err);
	return dm_exit(status);
}
