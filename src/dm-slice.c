/* dm-slice.c - split the text of each sample into chunks */
#include <getopt.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dm.h"
#include "report.h"
#include "slice.h"

static const char usage[] =
    "usage: dm-slice [-hV] [--size N] [--overlap M] [--unit chars|words]\n"
    "                [--by paragraph|line|sentence|regex:RE] [--recursive]\n"
    "                [--preset data-juicer] [--bare]\n"
    "                [--separators LIST] [--min-size N] [--max-chunks N]\n"
    "                [-k FIELD] [--max-line SIZE] [--on-error=stop|skip]\n"
    "                [--progress] [--rejects FILE] [--report FILE]\n"
    "                [--files0-from LIST] [FILE...]";

static const char help[] =
    "Split the text of each sample into chunks, one sample per chunk.\n"
    "\n"
    "      --bare               write no chunk, chunks, offset and parent\n"
    "      --by MODE            split at paragraph, line or sentence ends, or\n"
    "                           before each match of regex:RE, then pack the\n"
    "                           pieces into chunks of at most --size units\n"
    "      --files0-from LIST   read the files named in LIST, each name ended\n"
    "                           by a NUL byte (find -print0); - for stdin\n"
    "  -h, --help               show this help and exit\n"
    "  -k, --key FIELD          the text field (default: $DM_TEXT_KEY or 'text')\n"
    "      --max-chunks N       keep at most N chunks of each sample\n"
    "      --max-line SIZE      a longer line is a bad sample (default 1G;\n"
    "                           0: no limit)\n"
    "      --min-size N         drop chunks shorter than N units\n"
    "      --on-error=POLICY    stop (default) or skip bad samples\n"
    "      --overlap M          units shared by consecutive chunks\n"
    "                           (default 0; 200 with --recursive)\n"
    "      --preset data-juicer Data-Juicer's text_chunk_mapper: --size is\n"
    "                           its max_len (default: none), --by regex:RE\n"
    "                           or none its split_pattern (default \\n\\n)\n"
    "      --progress           show samples, MB, rate and ETA on standard\n"
    "                           error\n"
    "      --recursive          LangChain's RecursiveCharacterTextSplitter\n"
    "      --rejects FILE       save each rejected line, with its reason, to FILE\n"
    "                           (default: $DM_REJECTS, added to)\n"
    "      --report FILE        append a line on this run to FILE (default:\n"
    "                           $DM_REPORT)\n"
    "      --separators LIST    the separators of --recursive, a comma\n"
    "                           list with \\n \\t \\r \\, \\\\ escapes\n"
    "                           (default '\\n\\n,\\n, ,')\n"
    "      --size N             at most N units a chunk (default 1000;\n"
    "                           4000 with --recursive)\n"
    "      --unit UNIT          chars (code points, default) or words\n"
    "  -V, --version            show the version and exit\n"
    "\n"
    "Each chunk gets the fields of its sample, the chunk as text, and chunk,\n"
    "chunks, offset (in characters) and parent (the id, or the line number).\n";

enum {
	OPT_BY = DM_OPT_TOOL_BASE, OPT_MAX_CHUNKS, OPT_MIN_SIZE, OPT_OVERLAP,
	OPT_RECURSIVE, OPT_SEPARATORS, OPT_SIZE, OPT_UNIT, OPT_PRESET,
	OPT_BARE
};

static const struct option longopts[] = {
	{ "bare", no_argument, NULL, OPT_BARE },
	{ "by", required_argument, NULL, OPT_BY },
	{ "help", no_argument, NULL, 'h' },
	DM_IO_LONGOPTS,
	DM_FILES0_LONGOPT,
	{ "max-chunks", required_argument, NULL, OPT_MAX_CHUNKS },
	{ "min-size", required_argument, NULL, OPT_MIN_SIZE },
	{ "overlap", required_argument, NULL, OPT_OVERLAP },
	{ "preset", required_argument, NULL, OPT_PRESET },
	DM_PROGRESS_LONGOPT,
	{ "recursive", no_argument, NULL, OPT_RECURSIVE },
	{ "separators", required_argument, NULL, OPT_SEPARATORS },
	{ "size", required_argument, NULL, OPT_SIZE },
	{ "unit", required_argument, NULL, OPT_UNIT },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};
/* The fields that each chunk gets, which overwrite the sample's. */
static const char *const written[] = {
	"chunk", "chunks", "offset", "parent", NULL
};

/* Whether the text field path is, or is inside, a field every chunk
 * overwrites: its text would be lost. */
static int
overwritten(const char *key)
{
	size_t i, n = strcspn(key, ".");

	for (i = 0; written[i] != NULL; i++)
		if (strlen(written[i]) == n && strncmp(key, written[i], n) == 0)
			return 1;
	return 0;
}

/* The chunks of the current sample, as they are written. */
struct out {
	struct dm_io	*io;
	struct dm_sample *s;
	const char	*text;
	size_t		 n;		/* its length */
	struct dm_buf	 parent, num, err;
	size_t		 pos, off;	/* offset is the code points before pos */
	int		 r;		/* -1: the run stops */
	int		 bare;		/* --bare: the text alone changes */
	char		*top;		/* a dotted key's top-level field */
	struct dm_buf	 pre, suf, obj;	/* top's bytes around the text */
	int		 around;	/* pre and suf hold them */
};

/*
 * Sets the text field to p[0..n). A dotted key is set through the sample
 * once; after that its top-level field is made of the bytes around the
 * text in it, and set whole: the sample keeps every buffer that a nested
 * edit takes until the next line, so that the millions of chunks of one
 * text would each hold some.
 */
static int
settext(struct out *o, const char *p, size_t n, struct dm_buf *err)
{
	struct dm_sample *s = o->s;
	struct dm_field tf, f;
	uintptr_t tb, te, b, e;

	if (o->around) {
		dm_buf_reset(&o->obj);
		dm_buf_add(&o->obj, o->pre.buf, o->pre.len);
		dm_json_addstr(&o->obj, p, n);
		dm_buf_add(&o->obj, o->suf.buf, o->suf.len);
		return dm_sample_set_raw(s, o->top, o->obj.buf, o->obj.len,
		    err);
	}
	if (o->top == NULL)
		return dm_sample_set_text(s, o->io->key, p, n, err);
	/* The bytes around the text are found with the text empty: getting
	 * the chunk back would decode it once more, a copy of a text that
	 * may be as long as the line. */
	if (dm_sample_set_text(s, o->io->key, "", 0, err) < 0)
		return -1;
	dm_sample_get(s, o->top, &tf);
	dm_sample_get(s, o->io->key, &f);
	if (tf.raw != NULL && f.raw != NULL) {
		tb = (uintptr_t)tf.raw;
		te = tb + tf.raw_len;
		b = (uintptr_t)f.raw;
		e = b + f.raw_len;
		if (b >= tb && e <= te) {
			dm_buf_reset(&o->pre);
			dm_buf_add(&o->pre, tf.raw, b - tb);
			dm_buf_reset(&o->suf);
			dm_buf_add(&o->suf, f.raw + f.raw_len, te - e);
			o->around = 1;
		}
	}
	return dm_sample_set_text(s, o->io->key, p, n, err);
}

/* Writes chunk i of total of the current sample (a dm_slicer_fn). */
static int
emit(void *arg, size_t i, size_t total, const struct dm_span *c)
{
	struct out *o = arg;
	struct dm_sample *s = o->s;
	struct dm_buf *num = &o->num, *err = &o->err;

	/* A signal ends the run after the chunks written so far, not
	 * after all of a text's millions (dm.7). */
	if (dm_interrupted) {
		o->r = -1;
		return -1;
	}
	/* chunks start in order, so offsets are counted once */
	if (c->b < o->pos)
		o->pos = o->off = 0;
	o->off += dm_utf8_count(o->text + o->pos, c->b - o->pos);
	o->pos = c->b;
	dm_buf_reset(err);
	/* A first chunk that is the whole text leaves the field as it is:
	 * written again, it would be one more copy of a text that may be
	 * as long as the line. A key held twice is set, to be left once. */
	if ((i > 0 || c->b > 0 || c->e < o->n || s->dupkeys) &&
	    settext(o, o->text + c->b, c->e - c->b, err) < 0)
		goto bad;
	if (o->bare) {
		dm_io_emit(o->io, s);
		return 0;
	}
	dm_buf_reset(num);
	dm_buf_addf(num, "%zu", i);
	if (dm_sample_set_raw(s, "chunk", num->buf, num->len, err) < 0)
		goto bad;
	dm_buf_reset(num);
	dm_buf_addf(num, "%zu", total);
	if (dm_sample_set_raw(s, "chunks", num->buf, num->len, err) < 0)
		goto bad;
	dm_buf_reset(num);
	dm_buf_addf(num, "%zu", o->off);
	if (dm_sample_set_raw(s, "offset", num->buf, num->len, err) < 0 ||
	    dm_sample_set_raw(s, "parent", o->parent.buf, o->parent.len,
	    err) < 0)
		goto bad;
	dm_io_emit(o->io, s);
	return 0;
bad:
	o->r = dm_io_reject(o->io, "%s", err->buf);
	return -1;
}

/* Cuts the text t[0..n) of s, and writes its chunks: 0, or -1 when the
 * run stops. */
static int
slice(struct dm_io *io, struct dm_slicer *sl, struct dm_sample *s,
    const char *t, size_t n, struct out *o)
{
	struct dm_field f;

	o->io = io;
	o->s = s;
	o->text = t;
	o->n = n;
	o->around = 0;
	o->pos = o->off = 0;
	o->r = 0;
	dm_buf_reset(&o->parent);
	dm_sample_get(s, "id", &f);
	if (f.type != DM_MISSING && f.raw != NULL)
		dm_buf_add(&o->parent, f.raw, f.raw_len);
	else
		dm_buf_addf(&o->parent, "%lu",
		    dm_line_shown(s->file, s->lineno));
	dm_buf_reset(&io->err);
	if (dm_slicer_cut(sl, t, n, emit, o, &io->err) < 0)
		return dm_io_reject(io, "%s", io->err.buf);
	return o->r;
}

int
main(int argc, char *argv[])
{
	/* --unit: the index is the value of words */
	static const char *const units[] = { "chars", "words", NULL };
	struct dm_slicer sl;
	struct dm_io io;
	struct dm_sample *s;
	struct dm_buf text = DM_BUF_INIT;
	struct out o;
	const char *t, *bymode = NULL;
	size_t n;
	static const char *const presets[] = { "data-juicer", NULL };
	int c, status, recur = 0, seps = 0, words = 0, keyopt = 0;
	int preset = 0, sizeset = 0, overlapset = 0;

	dm_init(argv[0]);
	dm_report_start(argc, argv);
	dm_io_init(&io);
	dm_slicer_init(&sl);
	memset(&o, 0, sizeof o);
	dm_buf_init(&o.parent);
	dm_buf_init(&o.num);
	dm_buf_init(&o.err);
	dm_buf_init(&o.pre);
	dm_buf_init(&o.suf);
	dm_buf_init(&o.obj);
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hk:V", longopts, NULL)) != -1) {
		if (dm_io_option(&io, c, optarg, usage)) {
			keyopt |= c == 'k';
			continue;
		}
		switch (c) {
		case OPT_BARE:
			o.bare = 1;
			break;
		case OPT_BY:
			/* checked once --preset is known */
			bymode = optarg;
			break;
		case 'h':
			printf("%s\n\n%s", usage, help);
			dm_slicer_free(&sl);
			return dm_exit(DM_EXIT_OK);
		case OPT_MAX_CHUNKS:
			sl.maxchunks = (size_t)dm_strtonum(optarg, 1, LLONG_MAX,
			    "--max-chunks", usage);
			break;
		case OPT_MIN_SIZE:
			sl.minsize = (size_t)dm_strtonum(optarg, 0, LLONG_MAX,
			    "--min-size", usage);
			break;
		case OPT_OVERLAP:
			sl.overlap = (size_t)dm_strtonum(optarg, 0, LLONG_MAX,
			    "--overlap", usage);
			overlapset = 1;
			break;
		case OPT_PRESET:
			preset = 1 + dm_strtoword(optarg, presets, "--preset",
			    usage);
			break;
		case OPT_RECURSIVE:
			recur = 1;
			break;
		case OPT_SEPARATORS:
			dm_buf_reset(&io.err);
			if (dm_slicer_separators(&sl, optarg, &io.err) < 0)
				dm_usage_die(usage, "--separators: %s",
				    io.err.buf);
			seps = 1;
			break;
		case OPT_SIZE:
			sl.size = (size_t)dm_strtonum(optarg, 1, LLONG_MAX,
			    "--size", usage);
			sizeset = 1;
			break;
		case OPT_UNIT:
			words = dm_strtoword(optarg, units, "--unit", usage);
			break;
		case 'V':
			printf("dm-slice (dm) %s\n", DM_VERSION);
			dm_slicer_free(&sl);
			return dm_exit(DM_EXIT_OK);
		default:
			dm_badopt(usage, c, argv, longopts);
		}
	}
	argc -= optind;
	argv += optind;

	if (preset) {
		/* Data-Juicer's text_chunk_mapper: max_len None unless
		 * --size, split_pattern \n\n unless --by */
		if (recur)
			dm_usage_die(usage, "--recursive and --preset "
			    "data-juicer exclude each other");
		if (words)
			dm_usage_die(usage, "--preset data-juicer counts "
			    "characters, not words");
		if (bymode && strcmp(bymode, "none") != 0 &&
		    strncmp(bymode, "regex:", 6) != 0)
			dm_usage_die(usage, "--preset data-juicer splits at "
			    "--by regex:RE or none, not '%s'", bymode);
		if (bymode && strcmp(bymode, "none") == 0 && !sizeset)
			dm_usage_die(usage, "--by none needs --size: "
			    "Data-Juicer's max_len and split_pattern cannot "
			    "both be None");
		if (overlapset && !sizeset)
			dm_usage_die(usage, "--overlap needs --size with "
			    "--preset data-juicer");
		dm_buf_reset(&io.err);
		if (dm_slicer_dj(&sl, bymode == NULL ? "\n\n" :
		    strcmp(bymode, "none") == 0 ? NULL : bymode + 6,
		    &io.err) < 0)
			dm_usage_die(usage, "--by: %s", io.err.buf);
		if (!sizeset)
			sl.size = 0;
	} else if (bymode) {
		dm_buf_reset(&io.err);
		if (dm_slicer_by(&sl, bymode, &io.err) < 0)
			dm_usage_die(usage, "--by: %s", io.err.buf);
	}
	if (recur && bymode)
		dm_usage_die(usage, "--recursive and --by '%s' exclude each "
		    "other", bymode);
	if (recur && words)
		dm_usage_die(usage, "--recursive counts characters, not words");
	/* LangChain's TextSplitter: chunk_size 4000 and chunk_overlap 200
	 * unless given; its overlap larger than the size is refused there
	 * too, the default one included */
	if (recur && !sizeset)
		sl.size = 4000;
	if (recur && !overlapset) {
		sl.overlap = 200;
		if (sl.overlap > sl.size)
			dm_usage_die(usage, "--overlap '%zu' (the default of "
			    "--recursive, LangChain's) is larger than --size "
			    "'%zu'", sl.overlap, sl.size);
	}
	/* LangChain takes an overlap of the whole size, and so does
	 * --recursive; windows would not move */
	if (recur && sl.overlap > sl.size)
		dm_usage_die(usage, "--overlap '%zu' is larger than --size "
		    "'%zu'", sl.overlap, sl.size);
	if (!recur && sl.size > 0 && sl.overlap >= sl.size)
		dm_usage_die(usage, "--overlap '%zu' is not smaller than "
		    "--size '%zu'", sl.overlap, sl.size);
	if (seps && !recur)
		dm_usage_die(usage, "--separators needs --recursive");
	if (overwritten(io.key) && !o.bare) {
		if (keyopt)
			dm_usage_die(usage, "-k: '%s' would be overwritten: "
			    "dm-slice writes chunk, chunks, offset and parent",
			    dm_quote(io.key));
		/* as the other errors of DM_TEXT_KEY, without the usage */
		dm_die("DM_TEXT_KEY: '%s' would be overwritten: dm-slice "
		    "writes chunk, chunks, offset and parent", dm_quote(io.key));
	}
	if (strchr(io.key, '.') != NULL)
		o.top = dm_xstrndup(io.key, strcspn(io.key, "."));
	sl.words = words;
	if (recur)
		sl.mode = DM_SLICE_RECURSIVE;

	dm_io_open(&io, argc, argv);
	while ((s = dm_io_next(&io)) != NULL) {
		dm_buf_reset(&io.err);
		if (dm_sample_text(s, io.key, &t, &n, &io.err) < 0) {
			if (dm_io_reject(&io, "%s", io.err.buf) < 0)
				break;
			continue;
		}
		/* A text of the line, or decoded from it, stays as it is
		 * until the next load, however the chunks change s; any
		 * other would be borrowed from s, which each chunk changes:
		 * it is copied. */
		if (dm_sample_linegen(s, t, n) == 0) {
			dm_buf_reset(&text);
			dm_buf_add(&text, t, n);
			t = text.buf;
		}
		if (slice(&io, &sl, s, t, n, &o) < 0)
			break;
	}
	status = dm_io_close(&io);
	dm_slicer_free(&sl);
	dm_buf_free(&text);
	dm_buf_free(&o.parent);
	dm_buf_free(&o.num);
	dm_buf_free(&o.err);
	dm_buf_free(&o.pre);
	dm_buf_free(&o.suf);
	dm_buf_free(&o.obj);
	free(o.top);
	return dm_exit(status);
}
