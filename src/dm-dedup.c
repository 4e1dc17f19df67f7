/* dm-dedup.c - remove exact and near-duplicate samples */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dedupgreedy.h"
#include "deduprun.h"
#include "report.h"

static const char usage[] =
    "usage: dm-dedup [-hV] [--exact | --near | --simhash] [-k FIELD]...\n"
    "                [--lowercase] [--ignore-non-character] [--ignore REGEX]\n"
    "                [--preset data-juicer|datatrove|datamate] [--threshold F]\n"
    "                [--file-name FIELD] [--same-name hex|raw]\n"
    "                [--perms N] [--bands N] [--rows N] [--window N]\n"
    "                [--tokenize space|punctuation|character]\n"
    "                [--hamming N] [--blocks N] [--mark FIELD] [--verify]\n"
    "                [--memory SIZE] [--tmp DIR] [--params | --signatures]\n"
    "                [--max-line SIZE] [--on-error=stop|skip] [--rejects FILE]\n"
    "                [--report FILE] [--files0-from LIST] [FILE...]\n"
    "       dm-dedup sign [MODE OPTIONS] [--verify] -o DIR [--shard NAME]\n"
    "                [--resume] [FILE]\n"
    "       dm-dedup pairs [--band N[-M]] -o DIR [--resume] SIGDIR\n"
    "       dm-dedup cluster [--labels SIGDIR] -o DIR [--resume] PAIRSDIR\n"
    "       dm-dedup apply [--mark FIELD] [--shard NAME] REMOVEDIR [FILE]";

static const char help[] =
    "Remove duplicate samples; the first sample of each cluster stays.\n"
    "\n"
    "      --band N[-M]         pairs: the bands to pair (default all)\n"
    "      --bands N            LSH bands (default: Data-Juicer's optimal_param)\n"
    "      --blocks N           SimHash blocks (default 6)\n"
    "      --exact              MD5 of the text or of the -k fields (default)\n"
    "      --file-name FIELD    datamate: the file name field of the same-name\n"
    "                           rule (default 'fileName'; '': no rule)\n"
    "      --files0-from LIST   read the files named in LIST, each name ended\n"
    "                           by a NUL byte (find -print0); - for stdin\n"
    "  -h, --help               show this help and exit\n"
    "      --hamming N          SimHash: at most N bits apart (default 4)\n"
    "      --ignore REGEX       near, simhash: remove what REGEX matches (after\n"
    "                           the lower case) before the shingles\n"
    "      --ignore-non-character  exact: drop white space, digits and\n"
    "                           punctuation before hashing\n"
    "  -k, --key FIELD          the text field (default: $DM_TEXT_KEY or 'text');\n"
    "                           --exact takes several\n"
    "      --labels SIGDIR      cluster: the labels sign wrote, for apply\n"
    "                           --mark\n"
    "      --lowercase          exact: lower-case before hashing\n"
    "      --mark FIELD         keep every sample; FIELD gets the id (or\n"
    "                           file:line) of the kept one, null when kept\n"
    "      --max-line SIZE      a longer line is a bad sample (default 1G;\n"
    "                           0: no limit)\n"
    "      --memory SIZE        memory for signatures before spilling\n"
    "                           (K, M, G; default a quarter of RAM or of the\n"
    "                           cgroup's limit, at most 2G)\n"
    "      --near               MinHash LSH (Data-Juicer's minhash deduplicator)\n"
    "  -o, --output DIR         sign, pairs, cluster: the stage's directory\n"
    "      --on-error=POLICY    stop (default) or skip bad samples\n"
    "      --params             print the settings (bands, rows...) as JSON\n"
    "                           and exit\n"
    "      --perms N            MinHash permutations (default 256)\n"
    "      --preset NAME        data-juicer (default), datatrove, or datamate\n"
    "      --rejects FILE       save each rejected line, with its reason, to FILE\n"
    "                           (default: $DM_REJECTS, added to)\n"
    "      --report FILE        append a line on this run to FILE (default:\n"
    "                           $DM_REPORT)\n"
    "      --resume             keep a stage's outputs that are complete\n"
    "      --rows N             rows per LSH band\n"
    "      --same-name HOW      hex (default), or raw\n"
    "      --shard NAME         sign, apply: the shard's name (default: the\n"
    "                           file's name)\n"
    "      --signatures         write each sample's key (MD5, MinHash values,\n"
    "                           SimHash) instead of deduplicating\n"
    "      --simhash            SimHash (Data-Juicer's simhash deduplicator)\n"
    "      --threshold F        Jaccard threshold (default 0.7)\n"
    "      --tmp DIR            where sorted runs spill (default $TMPDIR or /tmp)\n"
    "      --tokenize MODE      space (default), punctuation, or character\n"
    "      --verify             merge only candidates whose Jaccard reaches\n"
    "                           the threshold\n"
    "  -V, --version            show the version and exit\n"
    "      --window N           tokens a shingle (default 5, SimHash 6)\n";

enum {
	OPT_BAND = DM_OPT_TOOL_BASE, OPT_BANDS, OPT_BLOCKS, OPT_RESUME, OPT_SHARD, OPT_EXACT, OPT_HAMMING,
	OPT_NONCHAR, OPT_LOWERCASE, OPT_MARK, OPT_MEMORY, OPT_NEAR, OPT_PERMS,
	OPT_PARAMS, OPT_PRESET, OPT_ROWS, OPT_SIGNATURES, OPT_SIMHASH,
	OPT_THRESHOLD, OPT_TMP, OPT_TOKENIZE, OPT_VERIFY, OPT_WINDOW,
	OPT_LABELS, OPT_FILENAME, OPT_SAMENAME, OPT_IGNORE
};

static const struct option longopts[] = {
	{ "band", required_argument, NULL, OPT_BAND },
	{ "bands", required_argument, NULL, OPT_BANDS },
	{ "blocks", required_argument, NULL, OPT_BLOCKS },
	{ "exact", no_argument, NULL, OPT_EXACT },
	{ "file-name", required_argument, NULL, OPT_FILENAME },
	{ "hamming", required_argument, NULL, OPT_HAMMING },
	{ "help", no_argument, NULL, 'h' },
	{ "ignore", required_argument, NULL, OPT_IGNORE },
	{ "ignore-non-character", no_argument, NULL, OPT_NONCHAR },
	DM_IO_LONGOPTS,
	DM_FILES0_LONGOPT,
	{ "labels", required_argument, NULL, OPT_LABELS },
	{ "lowercase", no_argument, NULL, OPT_LOWERCASE },
	{ "mark", required_argument, NULL, OPT_MARK },
	{ "memory", required_argument, NULL, OPT_MEMORY },
	{ "near", no_argument, NULL, OPT_NEAR },
	{ "output", required_argument, NULL, 'o' },
	{ "params", no_argument, NULL, OPT_PARAMS },
	{ "perms", required_argument, NULL, OPT_PERMS },
	{ "preset", required_argument, NULL, OPT_PRESET },
	{ "resume", no_argument, NULL, OPT_RESUME },
	{ "rows", required_argument, NULL, OPT_ROWS },
	{ "same-name", required_argument, NULL, OPT_SAMENAME },
	{ "shard", required_argument, NULL, OPT_SHARD },
	{ "signatures", no_argument, NULL, OPT_SIGNATURES },
	{ "simhash", no_argument, NULL, OPT_SIMHASH },
	{ "threshold", required_argument, NULL, OPT_THRESHOLD },
	{ "tmp", required_argument, NULL, OPT_TMP },
	{ "tokenize", required_argument, NULL, OPT_TOKENIZE },
	{ "verify", no_argument, NULL, OPT_VERIFY },
	{ "version", no_argument, NULL, 'V' },
	{ "window", required_argument, NULL, OPT_WINDOW },
	{ NULL, 0, NULL, 0 }
};

const char *const dm_dedup_usage = usage;

static void
setkey(struct dedup_run *r, const char *arg)
{
	struct dm_io tmp;

	/* dm_io_option checks the name */
	dm_io_init(&tmp);
	dm_io_option(&tmp, 'k', arg, usage);
	r->keys = dm_xreallocarray(r->keys, r->nkeys + 1, sizeof *r->keys);
	r->keys[r->nkeys++] = (char *)arg;
	r->io.key = arg;
}

static int
intopt(const char *arg, long long min, long long max, const char *name)
{
	return (int)dm_strtonum(arg, min, max, name, usage);
}

/*
 * --threshold: a decimal number from 0 to 1, digits with a point, an
 * exponent (0.8, .8, 8e-1, as Python's float() and datasketch take it).
 * strtod alone took what no one means as a threshold and said nothing:
 * white space before it (' 0.8'), hex (0x1p-1 was 0.5), and an exponent
 * too small to hold was refused though it is 0.
 */
static double
thresholdopt(const char *arg)
{
	const char *s = arg + (*arg == '+' || *arg == '-');
	size_t i, n;
	double d;

	i = strspn(s, "0123456789");
	if (s[i] == '.') {
		n = strspn(s + i + 1, "0123456789");
		if (i == 0 && n == 0)
			goto bad;
		i += 1 + n;
	} else if (i == 0)
		goto bad;
	if (s[i] == 'e' || s[i] == 'E') {
		i += 1 + (s[i + 1] == '+' || s[i + 1] == '-');
		if ((n = strspn(s + i, "0123456789")) == 0)
			goto bad;
		i += n;
	}
	if (s[i] != '\0')
		goto bad;
	/* an underflow is 0 or near it, in range; an overflow, out */
	d = strtod(arg, NULL);
	if (d >= 0 && d <= 1)
		return d + 0.0;	/* -0 is 0, as --params shows it */
bad:
	dm_usage_die(usage, "--threshold: '%s' is not a number from 0 to 1",
	    dm_quote(arg));
	return -1;
}

static void
onhup(int sig)
{
	dm_interrupted = sig;
}

/* The copy of a stage's one operand that is not a file (dm_dedup_inputid),
 * when there is one. */
static void
unspool(struct dedup_run *r)
{
	if (r->spooled != NULL && r->spooled[0] >= 0)
		close(r->spooled[0]);
	free(r->spooled);
	r->spooled = NULL;
}

int
main(int argc, char *argv[])
{
	struct sigaction sa, old;
	struct dedup_run r;
	struct dm_sample *s;
	uint64_t idx, next = 0;
	int c, status, i, stdin_used;
	const char *tok = NULL, *modeopt = NULL;
	int setw = 0, setperms = 0, setnear = 0, setexact = 0, setbands = 0;
	int params = 0, stage = 0, setthr = 0, setname = 0, setsim = 0;
	struct dm_greedyname nm = { "fileName", DM_SAMENAME_HEX };
	static const char *const stages[] = { "", "sign", "pairs", "cluster",
	    "apply" };
	static const char *const samenames[] = {
		[DM_SAMENAME_HEX] = "hex", [DM_SAMENAME_RAW] = "raw", NULL
	};
	static const char *const presets[] = {
		[DM_PRESET_DJ] = "data-juicer",
		[DM_PRESET_DATATROVE] = "datatrove",
		[DM_PRESET_DATAMATE] = "datamate", NULL
	};
	static const char *const toks[] = {
		[DM_TOK_SPACE] = "space", [DM_TOK_PUNCT] = "punctuation",
		[DM_TOK_CHAR] = "character", NULL
	};

	dm_init(argv[0]);
	/* a stage's terminal closed stops it as SIGTERM does, so that its
	 * temporary files are removed (dm_init takes SIGINT and SIGTERM) */
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = onhup;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGHUP, NULL, &old) == 0 && old.sa_handler != SIG_IGN)
		sigaction(SIGHUP, &sa, NULL);
	dm_report_start(argc, argv);
	memset(&r, 0, sizeof r);
	dm_dedup_init(&r.d);
	dm_io_init(&r.io);
	dm_buf_init(&r.key);
	dm_buf_init(&r.err);
	r.memory = dm_dedup_defmemory();
	r.tmpdir = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") :
	    "/tmp";
	r.setfd = r.idxfd = -1;
	/* one stage word: an operand after it is a file, even one named
	 * pairs, cluster or apply (it was taken for a second stage) */
	for (i = 1; argc > 1 && i < 5; i++)
		if (strcmp(argv[1], stages[i]) == 0) {
			stage = i;
			argv++;
			argc--;
			break;
		}
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hk:o:V", longopts, NULL)) != -1) {
		if (c == 'k') {
			modeopt = "-k";
			setkey(&r, optarg);
			continue;
		}
		if (dm_io_option(&r.io, c, optarg, usage))
			continue;
		switch (c) {
		case OPT_BAND:
			r.bandarg = optarg;
			break;
		case 'o':
			r.outdir = optarg;
			break;
		case OPT_RESUME:
			r.resume = 1;
			break;
		case OPT_SHARD:
			if (*optarg == '\0' || *optarg == '.' ||
			    strchr(optarg, '/'))
				dm_usage_die(usage, "--shard: '%s' is not a file "
				    "name", optarg);
			r.shard = optarg;
			break;
		case OPT_BANDS:
			modeopt = "--bands";
			r.d.bands = intopt(optarg, 1, DM_DEDUP_MAXPERMS, "--bands");
			setbands = 1;
			break;
		case OPT_BLOCKS:
			modeopt = "--blocks";
			r.d.blocks = intopt(optarg, 1, 64, "--blocks");
			setsim = 1;
			break;
		case OPT_EXACT:
			modeopt = "--exact";
			r.d.mode = DM_DEDUP_EXACT;
			setexact = 1;
			break;
		case OPT_FILENAME:
			dm_io_utf8opt("--file-name", optarg, usage);
			nm.field = optarg;
			setname = 1;
			break;
		case OPT_SAMENAME:
			nm.how = dm_strtoword(optarg, samenames, "--same-name",
			    usage);
			setname = 1;
			break;
		case 'h':
			printf("%s\n\n%s", usage, help);
			return dm_exit(DM_EXIT_OK);
		case OPT_HAMMING:
			modeopt = "--hamming";
			r.d.hamming = intopt(optarg, 0, 63, "--hamming");
			setsim = 1;
			break;
		case OPT_IGNORE: {
			size_t off;

			modeopt = "--ignore";
			if (r.d.ignore)
				dm_re_free(r.d.ignore);
			if ((r.d.ignore = dm_re_new(optarg, "", &r.err,
			    &off)) == NULL)
				dm_usage_die(usage, "--ignore: %s", r.err.buf);
			r.d.ignorepat = optarg;
			break;
		}
		case OPT_NONCHAR:
			modeopt = "--ignore-non-character";
			r.d.nonchar = 1;
			break;
		case OPT_LOWERCASE:
			modeopt = "--lowercase";
			r.d.lowercase = 1;
			break;
		case OPT_MARK:
			dm_io_utf8opt("--mark", optarg, usage);
			r.mark = optarg;
			break;
		case OPT_LABELS:
			r.labels = optarg;
			break;
		case OPT_MEMORY:
			r.memory = (size_t)dm_strtosize(optarg, "--memory", usage);
			if (r.memory < 1 << 20)
				dm_usage_die(usage, "--memory '%s' is less than 1M",
				    optarg);
			break;
		case OPT_NEAR:
			modeopt = "--near";
			r.d.mode = DM_DEDUP_MINHASH;
			setnear = 1;
			break;
		case OPT_PARAMS:
			params = 1;
			break;
		case OPT_PERMS:
			modeopt = "--perms";
			r.d.perms = intopt(optarg, 1, DM_DEDUP_MAXPERMS, "--perms");
			setperms = 1;
			break;
		case OPT_PRESET:
			modeopt = "--preset";
			r.d.preset = dm_strtoword(optarg, presets, "--preset",
			    usage);
			break;
		case OPT_ROWS:
			modeopt = "--rows";
			r.d.rows = intopt(optarg, 1, DM_DEDUP_MAXPERMS, "--rows");
			setbands = 1;
			break;
		case OPT_SIGNATURES:
			r.signatures = 1;
			break;
		case OPT_SIMHASH:
			modeopt = "--simhash";
			r.d.mode = DM_DEDUP_SIMHASH;
			setnear = 1;
			break;
		case OPT_THRESHOLD:
			modeopt = "--threshold";
			r.d.threshold = thresholdopt(optarg);
			setthr = 1;
			break;
		case OPT_TMP:
			r.tmpdir = optarg;
			break;
		case OPT_TOKENIZE:
			modeopt = "--tokenize";
			tok = optarg;
			r.d.tok = dm_strtoword(optarg, toks, "--tokenize", usage);
			break;
		case 'V':
			printf("dm-dedup (dm) %s\n", DM_VERSION);
			return dm_exit(DM_EXIT_OK);
		case OPT_VERIFY:
			r.verify = 1;
			break;
		case OPT_WINDOW:
			modeopt = "--window";
			r.d.window = intopt(optarg, 1, 1000, "--window");
			setw = 1;
			break;
		default:
			dm_badopt(usage, c, argv, longopts);
		}
	}
	argc -= optind;
	argv += optind;
	if (r.io.files0 && stage)
		dm_usage_die(usage, "--files0-from names the inputs of the "
		    "single command, not of %s", stages[stage]);
	dm_io_files0(&r.io, &argc, &argv);

	if (setexact && setnear)
		dm_usage_die(usage, "--exact, --near and --simhash exclude each "
		    "other");
	/* an option that would do nothing is an error, as in --labels */
	if (stage == 0 && (r.outdir || r.bandarg || r.resume || r.shard))
		dm_usage_die(usage, "-o, --band, --resume and --shard are for "
		    "the stages (sign, pairs, cluster, apply)");
	if (r.bandarg && stage != 2)
		dm_usage_die(usage, "--band is for pairs");
	if (r.shard && stage != 1 && stage != 4)
		dm_usage_die(usage, "--shard is for sign and apply");
	if (stage == 4 && (r.outdir || r.resume))
		dm_usage_die(usage, "apply writes to standard output: no -o "
		    "or --resume");
	/* the later stages read the settings sign wrote */
	if (stage >= 2 && modeopt)
		dm_usage_die(usage, "%s takes the settings of sign from its "
		    "files: no %s", stages[stage], modeopt);
	if ((stage && stage != 4 && r.mark) || (stage > 1 && r.verify))
		dm_usage_die(usage, "the stages take --verify in sign and "
		    "--mark in apply");
	if (r.d.mode == DM_DEDUP_EXACT) {
		if (setw || tok)
			dm_usage_die(usage, "--window and --tokenize need --near "
			    "or --simhash");
	} else {
		if (r.nkeys > 1)
			dm_usage_die(usage, "--near and --simhash take one -k");
		if (r.d.lowercase || r.d.nonchar)
			dm_usage_die(usage, "--lowercase and --ignore-non-character "
			    "are for --exact (near modes always lower-case)");
	}
	if (r.d.mode != DM_DEDUP_MINHASH && (setperms || setbands || setthr ||
	    r.verify))
		dm_usage_die(usage, "--perms, --bands, --rows, --threshold and "
		    "--verify need --near");
	if (r.d.mode != DM_DEDUP_SIMHASH && setsim)
		dm_usage_die(usage, "--hamming and --blocks need --simhash");
	if (r.d.preset == DM_PRESET_DATATROVE && r.d.mode != DM_DEDUP_MINHASH)
		dm_usage_die(usage, "--preset datatrove needs --near");
	if (r.d.ignore && (r.d.mode == DM_DEDUP_EXACT ||
	    r.d.preset != DM_PRESET_DJ))
		dm_usage_die(usage, "--ignore is for --near and --simhash of "
		    "the data-juicer preset");
	if (r.d.preset == DM_PRESET_DATATROVE && (tok || setw || setperms))
		dm_usage_die(usage, "--preset datatrove has its own words, "
		    "window and permutations");
	if (r.d.preset == DM_PRESET_DATAMATE) {
		if (r.d.mode != DM_DEDUP_MINHASH || stage || tok || setw ||
		    setperms || setbands || r.verify || r.signatures)
			dm_usage_die(usage, "--preset datamate is --near alone, "
			    "with its own pieces and permutations: no stages, "
			    "--tokenize, --window, --perms, --bands, --rows, "
			    "--verify or --signatures");
		if (!setthr)
			r.d.threshold = 0.5;
		return dm_exit(dm_dedup_greedy(&r, &nm, params, argc, argv));
	}
	if (setname)
		dm_usage_die(usage, "--file-name and --same-name need "
		    "--preset datamate");
	if ((r.d.bands == 0) != (r.d.rows == 0))
		dm_usage_die(usage, "--bands and --rows go together");
	if (r.signatures && (r.mark || r.verify))
		dm_usage_die(usage, "--signatures excludes --mark and --verify");
	/* a table missing is no usage error: the installation's */
	if ((c = dm_dedup_setup(&r.d, &r.err)) == -2)
		dm_die("%s", r.err.buf);
	else if (c < 0)
		dm_usage_die(usage, "%s", r.err.buf);
	if (params) {
		dm_dedup_printparams(&r);
		dm_dedup_free(&r.d);
		dm_buf_free(&r.err);
		free(r.keys);
		return dm_exit(DM_EXIT_OK);
	}
	if (stage >= 1 && stage <= 3 && r.outdir == NULL)
		dm_usage_die(usage, "%s needs -o DIR", stages[stage]);
	if (stage && r.signatures)
		dm_usage_die(usage, "--signatures is for the single command");
	if (r.labels && stage != 3)
		dm_usage_die(usage, "--labels is for cluster");
	if (stage == 2 || stage == 3 || stage == 4) {
		status = stage == 2 ? dm_dedup_stage_pairs(&r, argc, argv) :
		    stage == 3 ? dm_dedup_stage_cluster(&r, argc, argv) :
		    dm_dedup_stage_apply(&r, argc, argv);
		dm_uf_free(&r.uf);
		dm_dedup_free(&r.d);
		dm_buf_free(&r.key);
		dm_buf_free(&r.err);
		unspool(&r);
		/* dm_exit dies of a signal, skipping atexit */
		dm_sfile_rmtmps();
		return dm_exit(status);
	}

	switch (r.d.mode) {
	case DM_DEDUP_EXACT:
		r.recsz = 24;
		r.keysz = 16;
		break;
	case DM_DEDUP_MINHASH:
		r.keysz = 2 + (size_t)r.d.rows *
		    (r.d.preset == DM_PRESET_DATATROVE ? 8 : 4);
		r.recsz = r.keysz + 8;
		r.sig = dm_xreallocarray(NULL, (size_t)r.d.perms, sizeof *r.sig);
		break;
	case DM_DEDUP_SIMHASH:
		r.keysz = 10;
		r.recsz = 26;
		break;
	}
	stdin_used = argc == 0 && !r.io.listed;
	for (i = 0; i < argc; i++)
		stdin_used |= strcmp(argv[i], "-") == 0;
	/* read twice, but by sign once (a pipe is hashed as it is read) and
	 * by --signatures, which writes each key as it reads */
	if (stdin_used && stage != 1 && !r.signatures)
		dm_dedup_spool_stdin(r.tmpdir);
	if (stage == 0 && !r.signatures)
		r.spooled = dm_dedup_spool_pipes(r.tmpdir, argc, argv);
	r.stdin_used = stdin_used;
	if (r.verify && stage != 1) {
		r.setfd = dm_dedup_tmpfile(r.tmpdir);
		r.idxfd = dm_dedup_tmpfile(r.tmpdir);
	}
	/* --memory bounds the process: the rest (buffers, tables, code)
	 * takes about 8M, the keys the remainder */
	dm_xsort_init(&r.xs, r.recsz, r.memory > (16 << 20) ?
	    r.memory - (8 << 20) : r.memory / 2, r.tmpdir);
	dm_uf_init(&r.uf, r.d.mode == DM_DEDUP_MINHASH &&
	    r.d.preset == DM_PRESET_DATATROVE ? DM_UF_SIZE : DM_UF_MIN);

	if (stage == 1) {
		status = dm_dedup_stage_sign(&r, argc, argv);
		dm_xsort_free(&r.xs);
		dm_uf_free(&r.uf);
		dm_dedup_free(&r.d);
		free(r.keys);
		free(r.sig);
		dm_buf_free(&r.key);
		dm_buf_free(&r.err);
		unspool(&r);
		dm_sfile_rmtmps();
		return dm_exit(status);
	}

	/* pass one: keys; the line numbers skipped were rejected */
	dm_io_open(&r.io, argc, argv);
	r.io.in.spooled = r.spooled;
	dm_dedup_watch(&r);
	while ((s = dm_io_next(&r.io)) != NULL) {
		idx = r.io.nin - 1;
		for (; next < idx; next++)
			dm_dedup_addrej(&r, next);
		next = idx + 1;
		/* a sample whose --mark field cannot be set is a bad one,
		 * known before its key joins any cluster */
		if ((r.mark && dm_dedup_markable(&r, s) < 0) ||
		    (r.d.mode == DM_DEDUP_EXACT ?
		    dm_dedup_exactkey(&r, s, idx) :
		    dm_dedup_nearkey(&r, s, idx)) < 0) {
			dm_dedup_addrej(&r, idx);
			if (dm_io_reject(&r.io, "%s", r.err.buf) < 0)
				break;
		}
	}
	dm_dedup_exactflush(&r);
	dm_dedup_watchend(&r);
	for (; next < r.io.nin; next++)
		dm_dedup_addrej(&r, next);
	/* after a stop, the samples before the bad one are the input; else
	 * the lines read, and no more: an input that grew is not read on
	 * (the output itself, as in 'dm-dedup *.jsonl > out.jsonl' run
	 * again, which read its own output for ever) */
	r.limit = r.io.stopped ? r.io.nin - 1 : r.io.nin;

	if (!dm_interrupted && !r.signatures) {
		dm_dedup_clusters(&r);
		if (!dm_interrupted && dm_dedup_output(&r, argc, argv) < 0)
			r.io.in.nerrors++;
	}
	status = dm_io_close(&r.io);
	dm_report_counts(r.io.nin, r.io.out.nlines, r.io.nrejected);
	if (r.setfd >= 0)
		close(r.setfd);
	if (r.idxfd >= 0)
		close(r.idxfd);
	for (i = 0; r.spooled != NULL && i < argc; i++)
		if (r.spooled[i] >= 0)
			close(r.spooled[i]);
	free(r.spooled);
	dm_xsort_free(&r.xs);
	dm_uf_free(&r.uf);
	dm_dedup_free(&r.d);
	free(r.keys);
	free(r.rej);
	free(r.inputs);
	free(r.sig);
	dm_buf_free(&r.key);
	dm_buf_free(&r.err);
	return dm_exit(status);
}
