/* dm-llm.c - fill a prompt template per sample, ask an OpenAI-compatible server */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dm.h"
#include "llm.h"
#include "llmrun.h"
#include "report.h"

static const char usage[] =
    "usage: dm-llm [-hV] -p TEXT|@FILE [--system TEXT|@FILE] [-o FIELD]\n"
    "              [--json] [--json-into] [--schema FILE] [--keep REGEX]\n"
    "              [--filter REGEX] [-m MODEL] [--base-url URL]\n"
    "              [--api-key-file FILE] [-j N] [--rpm N] [--tpm N]\n"
    "              [--timeout TIME] [--retries N] [--retry-base TIME]\n"
    "              [--parse-retries N] [--temperature X] [--max-tokens N]\n"
    "              [--seed N] [--stop TEXT] [--param KEY=VALUE] [--cache DIR]\n"
    "              [--skip-existing] [--keep-reasoning] [--usage] [--dry-run]\n"
    "              [--progress] [--stats] [--report FILE] [-k FIELD]\n"
    "              [--max-line SIZE] [--max-response SIZE]\n"
    "              [--on-error=stop|skip] [--rejects FILE] [--files0-from LIST]\n"
    "              [FILE...]";

static const char help[] =
    "Fill a prompt template from each JSONL sample, send it to an\n"
    "OpenAI-compatible chat-completions server, write the answer into the sample.\n"
    "\n"
    "      --api-key-file FILE  read the API key from FILE (default:\n"
    "                           $DM_LLM_API_KEY, then $OPENAI_API_KEY)\n"
    "      --base-url URL       the API's base (default: $DM_LLM_BASE_URL,\n"
    "                           $OPENAI_BASE_URL, https://api.openai.com/v1)\n"
    "      --cache DIR          answer repeated requests from DIR, store answers\n"
    "      --dry-run            print the requests, one a line; send nothing\n"
    "      --files0-from LIST   read the files named in LIST, each name ended\n"
    "                           by a NUL byte (find -print0); - for stdin\n"
    "      --filter REGEX       the same as --keep\n"
    "  -h, --help               show this help and exit\n"
    "  -j, --jobs N             requests in flight (default 16)\n"
    "      --json               ask for a JSON object, merge it into the sample\n"
    "      --json-into          with --json, put the object into -o FIELD\n"
    "  -k, --key FIELD          the field {text} names (default: $DM_TEXT_KEY\n"
    "                           or 'text')\n"
    "      --keep REGEX         keep only the samples whose answer matches\n"
    "      --keep-reasoning     keep <think>...</think> blocks in the answer\n"
    "  -m, --model MODEL        the model (default: $DM_LLM_MODEL)\n"
    "      --max-line SIZE      a longer line is a bad sample (default 1G;\n"
    "                           0: no limit)\n"
    "      --max-response SIZE  a longer answer fails its sample (default 16M;\n"
    "                           0: no limit)\n"
    "      --max-tokens N       the answer's length limit, in tokens\n"
    "  -o, --output FIELD       the field for the answer (default 'llm')\n"
    "      --on-error=POLICY    stop (default) or skip bad samples\n"
    "  -p, --prompt TEXT|@FILE  the prompt template: {field}, {meta.lang}, {{, }}\n"
    "      --param KEY=VALUE    add KEY to the request body (VALUE as JSON, or\n"
    "                           else as a string)\n"
    "      --parse-retries N    ask again for an answer that is not JSON\n"
    "                           (default 2)\n"
    "      --progress           show progress on standard error\n"
    "      --rejects FILE       write the samples that failed to FILE (default:\n"
    "                           $DM_REJECTS, added to)\n"
    "      --report FILE        append a line on this run to FILE (default:\n"
    "                           $DM_REPORT)\n"
    "      --retries N          retries of a failed request (default 8)\n"
    "      --retry-base TIME    the first backoff (default 1s; cap 60s)\n"
    "      --rpm N              at most N requests a minute\n"
    "      --schema FILE        ask for JSON that follows the JSON schema in FILE\n"
    "      --seed N             the sampling seed\n"
    "      --skip-existing      pass the samples that have -o FIELD through\n"
    "      --stats              print the summary even after a clean run\n"
    "      --stop TEXT          a stop sequence (repeatable)\n"
    "      --system TEXT|@FILE  a system message template\n"
    "      --temperature X      the sampling temperature\n"
    "      --timeout TIME       give up on a request after TIME (default 10m)\n"
    "      --tpm N              at most N tokens a minute\n"
    "      --usage              add the token counts to each sample (llm_usage)\n"
    "  -V, --version            show the version and exit\n"
    "\n"
    "TIME is a number of seconds or a number with ms, s, m or h. A bare @NAME\n"
    "is also looked up in the prompts of the share directory.\n";

enum {
	OPT_API_KEY = DM_OPT_TOOL_BASE, OPT_API_KEY_FILE, OPT_BASE_URL,
	OPT_CACHE, OPT_DRY_RUN, OPT_JSON, OPT_JSON_INTO, OPT_KEEP,
	OPT_KEEP_REASONING, OPT_MAX_RESPONSE, OPT_MAX_TOKENS, OPT_PARAM, OPT_PARSE_RETRIES,
	OPT_PROGRESS, OPT_RETRIES, OPT_RETRY_BASE, OPT_RPM, OPT_SCHEMA,
	OPT_SEED, OPT_SKIP_EXISTING, OPT_STATS, OPT_STOP, OPT_SYSTEM,
	OPT_TEMPERATURE, OPT_TIMEOUT, OPT_TPM, OPT_USAGE
};

static const struct option longopts[] = {
	{ "api-key", optional_argument, NULL, OPT_API_KEY },
	{ "api-key-file", required_argument, NULL, OPT_API_KEY_FILE },
	{ "base-url", required_argument, NULL, OPT_BASE_URL },
	{ "cache", required_argument, NULL, OPT_CACHE },
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
	{ "filter", required_argument, NULL, OPT_KEEP },
	{ "help", no_argument, NULL, 'h' },
	{ "jobs", required_argument, NULL, 'j' },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "json-into", no_argument, NULL, OPT_JSON_INTO },
	{ "keep", required_argument, NULL, OPT_KEEP },
	{ "keep-reasoning", no_argument, NULL, OPT_KEEP_REASONING },
	DM_IO_LONGOPTS,
	DM_FILES0_LONGOPT,
	{ "max-response", required_argument, NULL, OPT_MAX_RESPONSE },
	{ "max-tokens", required_argument, NULL, OPT_MAX_TOKENS },
	{ "model", required_argument, NULL, 'm' },
	{ "output", required_argument, NULL, 'o' },
	{ "param", required_argument, NULL, OPT_PARAM },
	{ "parse-retries", required_argument, NULL, OPT_PARSE_RETRIES },
	{ "progress", no_argument, NULL, OPT_PROGRESS },
	{ "prompt", required_argument, NULL, 'p' },
	{ "retries", required_argument, NULL, OPT_RETRIES },
	{ "retry-base", required_argument, NULL, OPT_RETRY_BASE },
	{ "rpm", required_argument, NULL, OPT_RPM },
	{ "schema", required_argument, NULL, OPT_SCHEMA },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "skip-existing", no_argument, NULL, OPT_SKIP_EXISTING },
	{ "stats", no_argument, NULL, OPT_STATS },
	{ "stop", required_argument, NULL, OPT_STOP },
	{ "system", required_argument, NULL, OPT_SYSTEM },
	{ "temperature", required_argument, NULL, OPT_TEMPERATURE },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "tpm", required_argument, NULL, OPT_TPM },
	{ "usage", no_argument, NULL, OPT_USAGE },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};


static double
optduration(const char *s, const char *opt)
{
	double d = dm_duration(s);

	if (d < 0)
		dm_usage_die(usage, "%s: '%s' is not a time", opt, s);
	return d;
}


static int
cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* @NAME that is neither a file nor a template: dies naming the templates. */
static void
no_template(const char *name)
{
	struct dm_buf b = DM_BUF_INIT, dir = DM_BUF_INIT;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, i, len;
	DIR *d;

	dm_buf_addf(&dir, "%s/prompts", dm_sharedir());
	if ((d = opendir(dir.buf)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			len = strlen(de->d_name);
			if (len > 4 && strcmp(de->d_name + len - 4, ".txt") == 0) {
				names = dm_xreallocarray(names, n + 1,
				    sizeof *names);
				names[n++] = dm_xstrndup(de->d_name, len - 4);
			}
		}
		closedir(d);
	}
	qsort(names, n, sizeof *names, cmpstr);
	dm_buf_adds(&b, "'@");
	dm_buf_addquoted(&b, name, strlen(name), 64);
	dm_buf_adds(&b, "': no such file, nor prompt template");
	for (i = 0; i < n; i++) {
		dm_buf_addf(&b, "%s@%s", i ? ", " : "; the templates are ",
		    names[i]);
		free(names[i]);
	}
	free(names);
	dm_buf_free(&dir);
	dm_die("%s", b.buf);
}

/* TEXT, or @FILE: the file, else a bare name among the share directory's
 * prompts (with or without .txt). One final newline is dropped. *len is
 * the length read: a NUL byte in a file ends the string before it. */
static char *
textarg(const char *arg, size_t *len)
{
	struct dm_buf path = DM_BUF_INIT;
	char *s;
	size_t n;

	if (arg[0] != '@') {
		*len = strlen(arg);
		return dm_xstrdup(arg);
	}
	arg++;
	if (*arg == '\0')
		dm_die("'@' without a file or prompt name after it");
	if (access(arg, F_OK) != 0 && strchr(arg, '/') == NULL) {
		dm_buf_addf(&path, "%s/prompts/%s", dm_sharedir(), arg);
		if (access(path.buf, F_OK) != 0)
			dm_buf_adds(&path, ".txt");
		if (access(path.buf, F_OK) == 0)
			arg = path.buf;
		else
			no_template(arg);
	}
	s = dm_slurp_len(arg, &n);
	if (strlen(s) == n) {
		if (n && s[n - 1] == '\n')
			s[--n] = '\0';
		if (n && s[n - 1] == '\r')
			s[--n] = '\0';
	}
	dm_buf_free(&path);
	*len = n;
	return s;
}

static struct dm_tmpl *
template(const char *arg, const char *what)
{
	struct dm_buf err = DM_BUF_INIT;
	struct dm_tmpl *t;
	unsigned long line = 1;
	size_t off = 0, i, col = 1, len;
	char *src = textarg(arg, &len);

	/* the template would end at the NUL, silently: said as dm-filter -f
	 * says it */
	if (strlen(src) != len) {
		off = strlen(src);
		dm_buf_adds(&err, "unexpected NUL byte");
	} else if ((off = dm_utf8_check(src, len)) < len)
		/* as dm-filter says it, once, rather than every sample
		 * rejected for a prompt that is not UTF-8 */
		dm_buf_addf(&err, "invalid UTF-8 byte '%s'",
		    dm_quoten(src + off, 1));
	else
		off = 0;
	if (err.len || (t = dm_tmpl_new(src, &err, &off)) == NULL) {
		for (i = 0; i < off; i++, col++)
			if (src[i] == '\n')
				line++, col = 0;
		dm_usage_die(usage, "%s:%lu:%zu: %s", arg[0] == '@' ? arg + 1 :
		    what, line, col, err.buf);
	}
	free(src);
	dm_buf_free(&err);
	return t;
}

static char *
readkey(const char *file)
{
	size_t n, k;
	char *s = dm_slurp_len(file, &n);

	/* the key is the first line: a NUL in it would cut it short */
	for (k = 0; k < n && s[k] != '\r' && s[k] != '\n'; k++)
		if (s[k] == '\0')
			dm_die("%s: a NUL byte in the API key", file);
	s[k] = '\0';
	if (dm_llm_key(s, file) < 0)
		dm_die("%s: no API key in the file", file);
	return s;
}

/*
 * The members that the options add to the request body, each once: an
 * option given again replaces the value it gave, in its place.
 */
struct member {
	char		*key;
	struct dm_buf	 val;
	const char	*opt;		/* the option that gave it */
};

static struct member *members;
static size_t nmembers;

static struct dm_buf *
member(const char *key, size_t klen, const char *opt)
{
	struct member *m;
	size_t i;

	for (i = 0; i < nmembers; i++) {
		m = &members[i];
		if (strlen(m->key) != klen || memcmp(m->key, key, klen) != 0)
			continue;
		/* --param top_p twice: the last; --param seed and --seed:
		 * which one is meant cannot be told */
		if (strcmp(m->opt, opt) != 0)
			dm_usage_die(usage, "%s and %s both give '%s'", m->opt,
			    opt, m->key);
		dm_buf_reset(&m->val);
		return &m->val;
	}
	members = dm_xreallocarray(members, nmembers + 1, sizeof *members);
	m = &members[nmembers++];
	m->key = dm_xstrndup(key, klen);
	m->opt = opt;
	dm_buf_init(&m->val);
	return &m->val;
}

/* --param KEY=VALUE: VALUE as JSON when it is JSON, else as a string. */
static void
addparam(const char *arg)
{
	const char *eq = strchr(arg, '=');
	struct dm_buf *b;
	struct dm_jerr e;
	size_t klen;

	if (eq == NULL || eq == arg)
		dm_usage_die(usage, "--param: '%s' is not KEY=VALUE", arg);
	dm_io_utf8opt("--param", arg, usage);
	klen = (size_t)(eq - arg);
	if ((klen == 5 && memcmp(arg, "model", 5) == 0) ||
	    (klen == 8 && memcmp(arg, "messages", 8) == 0) ||
	    (klen == 6 && memcmp(arg, "stream", 6) == 0))
		dm_usage_die(usage, "--param: '%.*s' is dm-llm's own member%s",
		    (int)klen, arg, *arg == 'm' && arg[1] == 'o' ?
		    " (-m MODEL)" : *arg == 'm' ? " (-p, --system)" :
		    " (answers are read whole)");
	b = member(arg, klen, "--param");
	eq++;
	if (dm_json_check(eq, strlen(eq), &e) == 0)
		dm_json_addcompact(b, eq, strlen(eq));
	else
		dm_json_addstr(b, eq, strlen(eq));
}

static void
addschema(const char *file)
{
	struct dm_buf *b;
	struct dm_jerr e;
	json_t *v;
	size_t n, i, bol = 0;
	char *s = dm_slurp_len(file, &n);
	unsigned long line = 1;

	/* the whole file: a NUL is invalid JSON at its place, not its end */
	if (dm_json_check(s, n, &e) < 0) {
		/* e.col counts from the start of the file; e.msg says what
		 * is wrong, "invalid JSON: ..." */
		for (i = 0; i + 1 < e.col; i++)
			if (s[i] == '\n')
				line++, bol = i + 1;
		free(s);
		dm_die("%s:%lu:%zu: %s", file, line, e.col - bol, e.msg);
	}
	v = json_loadb(s, n, 0, NULL);
	b = member("response_format", 15, "--schema");
	dm_buf_adds(b, "{\"type\":\"json_schema\",\"json_schema\":");
	/* a file that already is a json_schema member goes in as it is */
	if (json_is_object(v) && json_object_get(v, "schema") &&
	    json_object_get(v, "name"))
		dm_json_addcompact(b, s, n);
	else {
		dm_buf_adds(b, "{\"name\":\"answer\",\"strict\":true,\"schema\":");
		dm_json_addcompact(b, s, n);
		dm_buf_addc(b, '}');
	}
	dm_buf_addc(b, '}');
	json_decref(v);
	free(s);
}

int
main(int argc, char *argv[])
{
	struct dm_buf err = DM_BUF_INIT, tail = DM_BUF_INIT, stop = DM_BUF_INIT;
	struct dm_llm_run run;
	struct dm_llm_opts *o = &run.o;
	struct dm_io io;
	const char *prompt = NULL, *system = NULL, *keep = NULL, *schema = NULL;
	const char *keyfile = NULL;
	struct dm_buf *b;
	size_t erroff, i;
	int c, broken, status;

	dm_init(argv[0]);
	dm_report_start(argc, argv);
	dm_io_init(&io);
	dm_llm_run_init(&run, &io);
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hj:k:m:o:p:V", longopts,
	    NULL)) != -1) {
		if (dm_io_option(&io, c, optarg, usage))
			continue;
		switch (c) {
		case OPT_API_KEY:
			/* the value is not echoed: it is a secret */
			dm_usage_die(usage, "--api-key: the key is never taken "
			    "from the command line; use --api-key-file FILE or "
			    "DM_LLM_API_KEY");
		case OPT_API_KEY_FILE:
			keyfile = optarg;
			break;
		case OPT_BASE_URL:
			o->base = optarg;
			break;
		case OPT_CACHE:
			o->cachedir = optarg;
			break;
		case OPT_DRY_RUN:
			o->dryrun = 1;
			break;
		case 'h':
			printf("%s\n\n%s", usage, help);
			return dm_exit(DM_EXIT_OK);
		case 'j':
			o->jobs = (int)dm_strtonum(optarg, 1, 4096, "-j", usage);
			break;
		case OPT_JSON:
			o->json = 1;
			break;
		case OPT_JSON_INTO:
			o->jsoninto = 1;
			break;
		case OPT_KEEP:
			keep = optarg;
			break;
		case OPT_KEEP_REASONING:
			o->keepreason = 1;
			break;
		case 'm':
			dm_io_utf8opt("-m", optarg, usage);
			o->model = optarg;
			break;
		case OPT_MAX_RESPONSE:
			o->maxresponse = (size_t)dm_strtosize(optarg,
			    "--max-response", usage);
			break;
		case OPT_MAX_TOKENS:
			dm_buf_addf(member("max_tokens", 10, "--max-tokens"),
			    "%lld", dm_strtonum(optarg, 1, 100000000,
			    "--max-tokens", usage));
			break;
		case 'o':
			if (*optarg == '\0')
				dm_usage_die(usage, "-o: the field name is empty");
			dm_io_utf8opt("-o", optarg, usage);
			if (!dm_fieldpath_ok(optarg))
				dm_usage_die(usage, "-o: '%s' is not a field "
				    "name", dm_quote(optarg));
			o->outfield = optarg;
			o->outgiven = 1;
			break;
		case 'p':
			prompt = optarg;
			break;
		case OPT_PARAM:
			addparam(optarg);
			break;
		case OPT_PARSE_RETRIES:
			o->parseretries = (int)dm_strtonum(optarg, 0, 1000,
			    "--parse-retries", usage);
			break;
		case OPT_PROGRESS:
			o->progress = 1;
			break;
		case OPT_RETRIES:
			o->retries = (int)dm_strtonum(optarg, 0, 1000, "--retries",
			    usage);
			break;
		case OPT_RETRY_BASE:
			o->retrybase = optduration(optarg, "--retry-base");
			break;
		case OPT_RPM:
			o->rpm = (double)dm_strtonum(optarg, 1, 1000000000, "--rpm",
			    usage);
			break;
		case OPT_SCHEMA:
			schema = optarg;
			o->json = 1;
			break;
		case OPT_SEED:
			dm_buf_addf(member("seed", 4, "--seed"), "%lld",
			    dm_strtonum(optarg, -9007199254740991LL,
			    9007199254740991LL, "--seed", usage));
			break;
		case OPT_SKIP_EXISTING:
			o->skip = 1;
			break;
		case OPT_STATS:
			o->stats = 1;
			break;
		case OPT_STOP:
			dm_io_utf8opt("--stop", optarg, usage);
			dm_buf_adds(&stop, stop.len ? "," : "");
			dm_json_addstr(&stop, optarg, strlen(optarg));
			break;
		case OPT_SYSTEM:
			system = optarg;
			break;
		case OPT_TEMPERATURE: {
			char *end;
			double t = strtod(optarg, &end);

			if (*optarg == '\0' || *end != '\0' || !(t >= 0 && t <= 2))
				dm_usage_die(usage, "--temperature: '%s' is not "
				    "a number in [0, 2]", optarg);
			dm_buf_addf(member("temperature", 11, "--temperature"),
			    "%.15g", t);
			break;
		}
		case OPT_TIMEOUT:
			o->timeout = optduration(optarg, "--timeout");
			/* libcurl counts in whole ms, and takes 0 for never */
			if (o->timeout < 0.001 || o->timeout > 86400 * 24)
				dm_usage_die(usage, "--timeout: '%s' is not "
				    "from 1ms to 576h", optarg);
			break;
		case OPT_TPM:
			o->tpm = (double)dm_strtonum(optarg, 1, 1000000000000LL,
			    "--tpm", usage);
			break;
		case OPT_USAGE:
			o->addusage = 1;
			break;
		case 'V':
			printf("dm-llm (dm) %s\n", DM_VERSION);
			return dm_exit(DM_EXIT_OK);
		default:
			dm_badopt(usage, c, argv, longopts);
		}
	}
	argc -= optind;
	argv += optind;

	if (prompt == NULL)
		dm_usage_die(usage, "missing -p TEXT|@FILE");
	if (o->jsoninto && !o->json)
		dm_usage_die(usage, "--json-into needs --json");
	if (keep && o->json)
		dm_usage_die(usage, "--keep matches a text answer; it cannot go "
		    "with --json");
	if (o->skip && o->json && !o->jsoninto)
		/* merged members name no field that tells a sample done */
		dm_usage_die(usage, "--skip-existing looks for -o FIELD, which "
		    "--json writes only with --json-into");
	o->prompt = template(prompt, "prompt");
	if (system)
		o->system = template(system, "system");
	if (keep && (o->keep = dm_re_new(keep, "", &err, &erroff)) == NULL)
		dm_usage_die(usage, "--keep: %s", err.buf);
	if (keyfile)
		o->apikey = readkey(keyfile);
	if (stop.len) {
		b = member("stop", 4, "--stop");
		dm_buf_addc(b, '[');
		dm_buf_add(b, stop.buf, stop.len);
		dm_buf_addc(b, ']');
	}
	if (schema)
		addschema(schema);
	else if (o->json)
		dm_buf_adds(member("response_format", 15, "--json"),
		    "{\"type\":\"json_object\"}");
	for (i = 0; i < nmembers; i++) {
		dm_buf_addc(&tail, ',');
		dm_json_addstr(&tail, members[i].key, strlen(members[i].key));
		dm_buf_addc(&tail, ':');
		dm_buf_add(&tail, members[i].val.buf, members[i].val.len);
	}
	dm_llm_run_start(&run, usage, &tail);

	dm_io_open(&io, argc, argv);
	broken = dm_llm_run_loop(&run) < 0;
	if (dm_interrupted)
		dm_llm_run_stop(&run);
	dm_llm_run_flush(&run);
	if (o->progress)
		dm_llm_stat_progress(&run, 1);
	status = dm_io_close(&io);
	status = dm_llm_run_finish(&run, status, broken);
	dm_llm_run_free(&run);
	dm_buf_free(&err);
	dm_buf_free(&tail);
	dm_buf_free(&stop);
	for (i = 0; i < nmembers; i++) {
		free(members[i].key);
		dm_buf_free(&members[i].val);
	}
	free(members);
	return dm_exit(status);
}
