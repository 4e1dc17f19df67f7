/* dm-scan.c - turn folders, files and archives into JSONL samples */
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dm.h"
#include "memcap.h"
#include "scan.h"
#include "report.h"

static const char usage[] =
    "usage: dm-scan [-hV] [-k FIELD] [--depth N] [--doc-timeout DURATION]\n"
    "               [--encoding-errors=replace|skip|latin1] [--exclude GLOB]\n"
    "               [--extract] [--follow] [--from FILE] [--from0 FILE] [--hidden]\n"
    "               [--include GLOB] [--jsonl] [--max-line SIZE] [--max-memory SIZE]\n"
    "               [--max-size SIZE] [--max-total SIZE] [--min-size SIZE]\n"
    "               [--no-archives] [--no-text] [--on-error=stop|skip] [--pdf-pages]\n"
    "               [--progress] [--rejects FILE] [--report FILE] [--type LIST]\n"
    "               [PATH ...]";

static const char help[] =
    "Turn folders, files and archives into JSONL samples, one per text file.\n"
    "\n"
    "      --depth N            open nested archives N levels deep (default 4)\n"
    "      --doc-timeout DURATION  time for one document under --extract\n"
    "                           (default 30s; 0: none)\n"
    "      --encoding-errors=E  text that is not UTF-8: replace (default,\n"
    "                           with U+FFFD), skip, or latin1\n"
    "      --exclude GLOB       leave out files and folders matching GLOB\n"
    "      --extract            PDF, DOCX, ODT, PPTX, XLSX, EPUB and HTML files\n"
    "                           become their text, with type, title, author,\n"
    "                           pages, slides, sheets, extractor\n"
    "      --follow             follow symbolic links (loops are detected)\n"
    "      --from FILE          read more paths from FILE, one a line (- stdin)\n"
    "      --from0 FILE         the same, paths separated by NUL bytes\n"
    "  -h, --help               show this help and exit\n"
    "      --hidden             include files and folders whose name starts with .\n"
    "      --include GLOB       only files matching GLOB (and a --type)\n"
    "      --jsonl              pass the lines of .jsonl files through as samples\n"
    "  -k, --key FIELD          the text field (default: $DM_TEXT_KEY or 'text')\n"
    "      --max-line SIZE      a longer line of a --jsonl file is a bad sample\n"
    "                           (default 1G; 0: no limit)\n"
    "      --max-memory SIZE    memory a 7-Zip archive or a PDF may take to\n"
    "                           read (default 1G; 0: no limit)\n"
    "      --max-size SIZE      skip larger files and members (default 64M)\n"
    "      --max-total SIZE     stop when the archives of the whole run, every\n"
    "                           operand's, give out more (default 16G; 0: no\n"
    "                           limit)\n"
    "      --min-size SIZE      skip smaller files\n"
    "      --no-archives        treat archives and compressed files as files\n"
    "      --no-text            metadata only; dm-map's load reads the text later\n"
    "      --on-error=POLICY    invalid lines of --jsonl files: stop or skip\n"
    "      --pdf-pages          with --extract, one sample per PDF page (page)\n"
    "      --progress           report files, bytes and rate on stderr\n"
    "      --rejects FILE       save each rejected line, with its reason, to FILE\n"
    "                           (default: $DM_REJECTS, added to)\n"
    "      --report FILE        append a line on this run to FILE (default:\n"
    "                           $DM_REPORT)\n"
    "      --type LIST          only files of these types: txt,md,html\n"
    "  -V, --version            show the version and exit\n"
    "\n"
    "Each sample has path, id, size, mtime, type, encoding and the text.\n"
    "Inside archives the path is ARCHIVE!/MEMBER. See dm-scan(1).\n";

enum {
	OPT_DEPTH = DM_OPT_TOOL_BASE, OPT_ENCERR, OPT_EXCLUDE, OPT_FOLLOW,
	OPT_FROM, OPT_FROM0, OPT_HIDDEN, OPT_INCLUDE, OPT_JSONL, OPT_MAXSIZE,
	OPT_MAXTOTAL, OPT_MINSIZE, OPT_NOARCH, OPT_NOTEXT, OPT_PROGRESS,
	OPT_TYPE, OPT_EXTRACT, OPT_PDFPAGES, OPT_DOCTIMEOUT, OPT_MAXMEM
};

static const struct option longopts[] = {
	{ "depth", required_argument, NULL, OPT_DEPTH },
	{ "doc-timeout", required_argument, NULL, OPT_DOCTIMEOUT },
	{ "encoding-errors", required_argument, NULL, OPT_ENCERR },
	{ "exclude", required_argument, NULL, OPT_EXCLUDE },
	{ "extract", no_argument, NULL, OPT_EXTRACT },
	{ "follow", no_argument, NULL, OPT_FOLLOW },
	{ "from", required_argument, NULL, OPT_FROM },
	{ "from0", required_argument, NULL, OPT_FROM0 },
	{ "help", no_argument, NULL, 'h' },
	{ "hidden", no_argument, NULL, OPT_HIDDEN },
	{ "include", required_argument, NULL, OPT_INCLUDE },
	{ "jsonl", no_argument, NULL, OPT_JSONL },
	DM_IO_LONGOPTS,
	{ "max-memory", required_argument, NULL, OPT_MAXMEM },
	{ "max-size", required_argument, NULL, OPT_MAXSIZE },
	{ "max-total", required_argument, NULL, OPT_MAXTOTAL },
	{ "min-size", required_argument, NULL, OPT_MINSIZE },
	{ "no-archives", no_argument, NULL, OPT_NOARCH },
	{ "no-text", no_argument, NULL, OPT_NOTEXT },
	{ "pdf-pages", no_argument, NULL, OPT_PDFPAGES },
	{ "progress", no_argument, NULL, OPT_PROGRESS },
	{ "type", required_argument, NULL, OPT_TYPE },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

struct list {
	char	**v;
	size_t	 n;
};

static void
addlist(struct list *l, const char *s)
{
	l->v = dm_xreallocarray(l->v, l->n + 1, sizeof *l->v);
	l->v[l->n++] = (char *)s;
}

/* A name for messages: control characters and bad UTF-8 escaped. */
static const char *
shown(struct dm_buf *b, const char *s)
{
	dm_buf_reset(b);
	dm_buf_addquoted(b, s, strlen(s), SIZE_MAX);
	return b->buf;
}

/* A list of operands, --from or --from0: opened while the options are
 * read (a list that cannot be opened is a usage-time error, before any
 * scan), read as the walk goes. */
struct from {
	const char	*file;	/* for messages: <stdin> for - */
	int		 fd, sep;
};

/* Opens the list of --from or --from0; -1 when a signal ended the open
 * (of a FIFO, which waits for a writer). */
static int
from_open(const char *file)
{
	struct dm_buf name = DM_BUF_INIT;
	int fd;

	if (strcmp(file, "-") == 0)
		return 0;
	while ((fd = open(file, O_RDONLY | O_CLOEXEC)) < 0) {
		if (errno == EINTR && dm_interrupted)
			return -1;
		if (errno == EINTR)
			continue;
		dm_warnx_errno("%s", shown(&name, file));
		exit(DM_EXIT_ERROR);
	}
	return fd;
}

/* One operand of a list, line lineno, of len bytes at p (not NUL-ended;
 * p[len] may be written); toolong: its bytes past PATH_MAX were not kept. */
static void
from_path(struct dm_scan *sc, const struct from *f, unsigned long lineno,
    char *p, size_t len, int toolong)
{
	struct dm_buf name = DM_BUF_INIT;

	if (!toolong && f->sep == '\n' && len > 0 && p[len - 1] == '\r')
		len--;
	if (toolong) {
		/* no path that long can be opened (ENAMETOOLONG): it is
		 * said, not kept whole */
		errno = ENAMETOOLONG;
		dm_warnx_errno("%s:%lu", shown(&name, f->file), lineno);
		sc->nerrors++;
	} else if (len > 0) {
		p[len] = '\0';
		dm_scan_path(sc, p);
	}
	dm_buf_free(&name);
}

/*
 * Scans the operands of a list, one a line (or NUL-separated), as they
 * are read: a list of millions of paths is never held whole, only the
 * path being read, at most PATH_MAX bytes. 0, or -1 on a read error
 * (said). A signal stops the read at once.
 */
static int
from_scan(struct dm_scan *sc, const struct from *f)
{
	struct dm_buf cur = DM_BUF_INIT, name = DM_BUF_INIT;
	char blk[64 * 1024], *p, *e, *end;
	unsigned long lineno = 1;
	ssize_t n;
	size_t k;
	int toolong = 0, r = 0;

	while (!sc->stop && !dm_interrupted &&
	    (n = dm_read_wait(f->fd, blk, sizeof blk)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			dm_warnx_errno("%s", shown(&name, f->file));
			r = -1;
			break;
		}
		end = blk + n;
		for (p = blk; p < end && !sc->stop && !dm_interrupted;
		    p = e + 1) {
			e = memchr(p, f->sep, (size_t)(end - p));
			k = (size_t)((e ? e : end) - p);
			/* PATH_MAX counts the NUL; a CR may end the line */
			if (cur.len + k > PATH_MAX)
				toolong = 1;
			else
				dm_buf_add(&cur, p, k);
			if (e == NULL)
				break;
			dm_buf_grow(&cur, 1);
			from_path(sc, f, lineno++, cur.buf, cur.len, toolong);
			dm_buf_reset(&cur);
			toolong = 0;
		}
	}
	/* the last operand, without a newline after it */
	if (r == 0 && !sc->stop && !dm_interrupted &&
	    (cur.len > 0 || toolong)) {
		dm_buf_grow(&cur, 1);
		from_path(sc, f, lineno, cur.buf, cur.len, toolong);
	}
	if (f->fd > 0)
		close(f->fd);
	dm_buf_free(&cur);
	dm_buf_free(&name);
	return r;
}

/*
 * An operand or a list that is the rejects file would be emptied before
 * it is read (--rejects: 'dm-scan --jsonl --rejects a.jsonl a.jsonl' lost
 * a.jsonl; a list scanned nothing, status 0) or read as it is added to
 * ($DM_REJECTS: its records became samples, or paths): refused before
 * the rejects file is opened, as the tools refuse such an input. A file
 * met in a folder, or a line of a list, is skipped by the walk instead.
 */
static void
rejects_inputs(const struct dm_io *io, int argc, char **argv,
    const struct from *froms, size_t n)
{
	struct dm_buf name = DM_BUF_INIT;
	const char *path = io->rejects_path;
	struct stat rs, st;
	size_t i;

	if (path == NULL && (path = getenv("DM_REJECTS")) != NULL &&
	    *path == '\0')
		path = NULL;
	if (path == NULL || stat(path, &rs) < 0 || !S_ISREG(rs.st_mode))
		return;
	/* - is a file of that name to dm-scan: listed */
	if (argc > 0)
		dm_rejects_input(path, argc, argv, 1);
	for (i = 0; i < n; i++)
		if (fstat(froms[i].fd, &st) == 0 && st.st_dev == rs.st_dev &&
		    st.st_ino == rs.st_ino)
			dm_die("%s: input file is the rejects file",
			    shown(&name, froms[i].file));
}

static unsigned long long
size_opt(const char *arg, const char *name)
{
	return (unsigned long long)dm_strtosize(arg, name, usage);
}

/*
 * The rejects and report files are not read by the walk, as standard
 * output is not (dm-scan corpus --rejects corpus/rej.jsonl read back the
 * rejects it wrote). The rejects file is open by now; the report file is
 * opened (created) here, as it would be at the end, so that one named in
 * the walk is known by its device and inode however it is named, and
 * stays open so that they are not another file's. Returns its descriptor,
 * or -1. A report that cannot be opened is said at the end, when it is
 * written.
 */
static int
ownfiles(struct dm_scan *sc, struct dm_io *io, const char *report)
{
	struct stat st;
	int fd = -1;

	if (io->rej.fd >= 0 && fstat(io->rej.fd, &st) == 0)
		dm_scan_own(sc, &st, "the rejects file");
	if (report == NULL || *report == '\0')
		return -1;
	/* not held up by a FIFO without a reader */
	if ((fd = open(report, O_WRONLY | O_CREAT | O_APPEND | O_NONBLOCK |
	    O_NOCTTY | O_CLOEXEC, 0666)) >= 0) {
		if (fstat(fd, &st) == 0)
			dm_scan_own(sc, &st, "the report file");
	} else if (stat(report, &st) == 0)
		dm_scan_own(sc, &st, "the report file");
	return fd;
}

/* Adds the globs or names to the scan's list. */
static void
addto(char ***v, size_t *n, char *s)
{
	*v = dm_xreallocarray(*v, *n + 1, sizeof **v);
	(*v)[(*n)++] = s;
}

int
main(int argc, char *argv[])
{
	static const char *const taken[] = { "path", "path_base64", "id",
	    "size", "mtime", "type", "encoding", "page", "pages", "title",
	    "author", "extractor", "slides", "sheets" };
	static const char *const encerrs[] = {
		[DM_ENCERR_REPLACE] = "replace", [DM_ENCERR_SKIP] = "skip",
		[DM_ENCERR_LATIN1] = "latin1", NULL
	};
	struct dm_io io;
	struct dm_scan sc;
	struct list owned = { NULL, 0 };
	struct from *froms = NULL;
	size_t i, klen, nfrom = 0;
	const char *report;
	char *s, *p, *e;
	int c, status, fromerr = 0, repfd;

	dm_init(argv[0]);
	dm_report_start(argc, argv);
	dm_io_init(&io);
	dm_scan_init(&sc, &io);
	report = getenv("DM_REPORT");
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hk:V", longopts, NULL)) != -1) {
		if (c == DM_OPT_REPORT)
			report = optarg;
		if (dm_io_option(&io, c, optarg, usage))
			continue;
		switch (c) {
		case OPT_DEPTH:
			sc.depth = (int)dm_strtonum(optarg, 0, DM_SCAN_MAXDEPTH,
			    "--depth", usage);
			break;
		case OPT_ENCERR:
			sc.encerr = dm_strtoword(optarg, encerrs,
			    "--encoding-errors", usage);
			break;
		case OPT_DOCTIMEOUT:
			if ((sc.doctimeout = dm_duration(optarg)) < 0)
				dm_usage_die(usage, "--doc-timeout: '%s' is "
				    "not a duration", optarg);
			break;
		case OPT_EXTRACT:
			sc.extract = 1;
			break;
		case OPT_PDFPAGES:
			sc.pdfpages = 1;
			break;
		case OPT_EXCLUDE:
			addto(&sc.excl, &sc.nexcl, optarg);
			break;
		case OPT_FOLLOW:
			sc.follow = 1;
			break;
		case OPT_FROM:
		case OPT_FROM0:
			froms = dm_xreallocarray(froms, nfrom + 1,
			    sizeof *froms);
			froms[nfrom].file = strcmp(optarg, "-") ? optarg :
			    "<stdin>";
			froms[nfrom].sep = c == OPT_FROM ? '\n' : '\0';
			if ((froms[nfrom].fd = from_open(optarg)) < 0)
				return dm_exit(DM_EXIT_ERROR);
			nfrom++;
			break;
		case 'h':
			printf("%s\n\n%s", usage, help);
			dm_scan_free(&sc);
			return dm_exit(DM_EXIT_OK);
		case OPT_HIDDEN:
			sc.hidden = 1;
			break;
		case OPT_INCLUDE:
			addto(&sc.incl, &sc.nincl, optarg);
			break;
		case OPT_JSONL:
			sc.jsonl = 1;
			break;
		case OPT_MAXSIZE:
			sc.maxsize = size_opt(optarg, "--max-size");
			break;
		case OPT_MAXMEM:
			dm_memcap = size_opt(optarg, "--max-memory");
			dm_memcap_arg = optarg;
			break;
		case OPT_MAXTOTAL:
			sc.maxtotal = size_opt(optarg, "--max-total");
			sc.maxtotal_arg = optarg;
			break;
		case OPT_MINSIZE:
			sc.minsize = size_opt(optarg, "--min-size");
			break;
		case OPT_NOARCH:
			sc.noarch = 1;
			break;
		case OPT_NOTEXT:
			sc.notext = 1;
			break;
		case OPT_PROGRESS:
			sc.progress = 1;
			break;
		case OPT_TYPE:
			s = dm_xstrdup(optarg);
			addlist(&owned, s);
			/* types are lower case: MD is md */
			for (p = s; *p; p++)
				if (*p >= 'A' && *p <= 'Z')
					*p = (char)(*p - 'A' + 'a');
			/* an empty item is the type of names without an
			 * extension: --type '' or --type txt, */
			for (p = s;; p = e + 1) {
				if ((e = strchr(p, ',')) != NULL)
					*e = '\0';
				addto(&sc.types, &sc.ntypes, p);
				if (e == NULL)
					break;
			}
			break;
		case 'V':
			printf("dm-scan (dm) %s\n", DM_VERSION);
			dm_scan_free(&sc);
			return dm_exit(DM_EXIT_OK);
		default:
			dm_badopt(usage, c, argv, longopts);
		}
	}
	argc -= optind;
	argv += optind;

	if (argc == 0 && nfrom == 0)
		dm_usage_die(usage, "missing PATH");
	if (sc.pdfpages && !sc.extract)
		dm_usage_die(usage, "--pdf-pages needs --extract");
	if (sc.notext && sc.jsonl)
		dm_usage_die(usage, "--no-text and --jsonl do not go together");
	/* dm-map load reads files as text: it cannot give a document's */
	if (sc.notext && sc.extract)
		dm_usage_die(usage, "--no-text and --extract do not go "
		    "together");
	/* The text field's first element must not be one of ours. */
	klen = strcspn(io.key, ".");
	for (i = 0; i < (sc.extract ? sizeof taken / sizeof taken[0] : 7);
	    i++)
		if (strlen(taken[i]) == klen &&
		    memcmp(taken[i], io.key, klen) == 0)
			dm_usage_die(usage, "-k: '%s' is a field of dm-scan's "
			    "own", io.key);

	rejects_inputs(&io, argc, argv, froms, nfrom);
	dm_io_open(&io, 0, NULL);
	repfd = ownfiles(&sc, &io, report);
	/* operands of the command line first, then those of --from */
	for (i = 0; i < (size_t)argc && !sc.stop && !dm_interrupted; i++)
		dm_scan_path(&sc, argv[i]);
	for (i = 0; i < nfrom && !sc.stop && !dm_interrupted; i++)
		if (from_scan(&sc, &froms[i]) < 0)
			fromerr = 1;
	dm_scan_progress(&sc, 1);
	if (!dm_interrupted)
		dm_scan_summary(&sc);
	/* Limits that leave nothing: said, and not a success. */
	if (sc.nread == 0 && !sc.bomb && !dm_interrupted &&
	    (sc.nlarge || sc.nsmall)) {
		dm_warn("no sample read: %llu file%s over --max-size, %llu "
		    "under --min-size", sc.nlarge, sc.nlarge == 1 ? "" : "s",
		    sc.nsmall);
		sc.nerrors++;
	} else if (sc.nread == 0 && !sc.bomb && !dm_interrupted && sc.ndocs) {
		/* and so do documents that could all not be read */
		dm_warn("no sample read: %llu document%s not read", sc.ndocs,
		    sc.ndocs == 1 ? "" : "s");
		sc.nerrors++;
	}
	status = dm_io_close(&io);
	if (repfd >= 0)
		close(repfd);
	/* a file is a sample read, but the lines of a --jsonl file are
	 * the samples: they were counted as one, under the lines written
	 * and rejected of it */
	dm_report_counts(sc.nread - sc.njsonl + io.nin + sc.nbinary +
	    sc.nlarge + sc.nnotutf8 + sc.ndocs + sc.nnotext + sc.nlinks,
	    io.out.nlines, io.nrejected);
	if (sc.nbinary)
		dm_report_drop("binary", sc.nbinary);
	if (sc.nlarge)
		dm_report_drop("too large", sc.nlarge);
	if (sc.nnotutf8)
		dm_report_drop("not utf-8", sc.nnotutf8);
	if (sc.ndocs)
		dm_report_drop("document not read", sc.ndocs);
	if (sc.nnotext)
		dm_report_drop("no text", sc.nnotext);
	if (sc.nlinks)
		dm_report_drop("hard link", sc.nlinks);
	if (sc.nerrors)
		dm_report_set_int("errors", (long long)sc.nerrors);
	if (sc.nerrors && status < DM_EXIT_REJECTS)
		status = DM_EXIT_REJECTS;
	if (sc.bomb || fromerr)
		status = DM_EXIT_ERROR;
	for (i = 0; i < owned.n; i++)
		free(owned.v[i]);
	free(owned.v);
	free(froms);
	free(sc.incl);
	free(sc.excl);
	free(sc.types);
	dm_scan_free(&sc);
	return dm_exit(status);
}
