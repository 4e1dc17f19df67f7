/* recipe-ops.c - the one table of Data-Juicer and DataMate operator names */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "recipe.h"

/*
 * Each row says what dm does with an operator of a recipe. Defaults are
 * those of the operator's __init__ in Data-Juicer's data_juicer/ops/ and
 * of the settings in DataMate's runtime/ops/.../metadata.yml. sys.maxsize,
 * Data-Juicer's default upper bound, is written as it prints.
 */
#define MAXSIZE	"9223372036854775807"
#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* ---- reading arguments ---- */

/* A YAML null: ~, null, or nothing at all, unquoted. */
static int
isnull(const struct dm_ynode *v)
{
	return v == NULL || (v->kind == DM_Y_SCALAR && v->plain &&
	    (*v->val == '\0' || strcmp(v->val, "~") == 0 ||
	    strcmp(v->val, "null") == 0 || strcmp(v->val, "Null") == 0 ||
	    strcmp(v->val, "NULL") == 0));
}

const struct dm_rparam *
dm_rop_param(const struct dm_rop *op, const char *name)
{
	const struct dm_rparam *p;

	for (p = op->params; p && p->name; p++)
		if (strcmp(p->name, name) == 0)
			return p;
	return NULL;
}

/* The text of parameter name: as the recipe writes it, else the default
 * (NULL for a default of None). */
static const char *
arg(const struct dm_rop *op, const struct dm_ynode *args, const char *name)
{
	const struct dm_ynode *v = dm_yaml_get(args, name);
	const struct dm_rparam *p;

	if (!isnull(v) && v->kind == DM_Y_SCALAR)
		return v->val;
	p = dm_rop_param(op, name);
	return p ? p->def : NULL;
}

/* YAML 1.1 booleans, as PyYAML reads them. -1 when s is none. */
static int
boolval(const char *s)
{
	static const char *const t[] = { "true", "True", "TRUE", "yes", "Yes",
		"YES", "on", "On", "ON" };
	static const char *const f[] = { "false", "False", "FALSE", "no", "No",
		"NO", "off", "Off", "OFF" };
	size_t i;

	for (i = 0; i < NELEM(t); i++)
		if (strcmp(s, t[i]) == 0)
			return 1;
	for (i = 0; i < NELEM(f); i++)
		if (strcmp(s, f[i]) == 0)
			return 0;
	return -1;
}

static int
argbool(const struct dm_rop *op, const struct dm_ynode *args,
    const char *name)
{
	const char *s = arg(op, args, name);

	return s != NULL && boolval(s) == 1;
}

/* Whether parameter name is given with a value other than its default. */
static int
given(const struct dm_rop *op, const struct dm_ynode *args, const char *name)
{
	const struct dm_ynode *v = dm_yaml_get(args, name);
	const struct dm_rparam *p = dm_rop_param(op, name);

	if (isnull(v))
		return 0;
	if (v->kind != DM_Y_SCALAR || p == NULL || p->def == NULL)
		return 1;
	if (p->type == DM_RP_BOOL)
		return boolval(v->val) != boolval(p->def);
	if (p->type == DM_RP_INT || p->type == DM_RP_FLOAT)
		return strtod(v->val, NULL) != strtod(p->def, NULL);
	return strcmp(v->val, p->def) != 0;
}

int
dm_rop_check(const struct dm_rop *op, const struct dm_rparam *p,
    const struct dm_ynode *v, struct dm_buf *err)
{
	char *end;
	double d;

	(void)op;
	if (isnull(v) || p->type == DM_RP_ANY)
		return 0;
	if (p->type == DM_RP_STRS && v->kind == DM_Y_SEQ) {
		size_t i;

		for (i = 0; i < v->n; i++)
			if (v->kid[i]->kind != DM_Y_SCALAR) {
				dm_buf_addf(err, "parameter '%s' wants a list "
				    "of strings", p->name);
				return -1;
			}
		return 0;
	}
	if (v->kind != DM_Y_SCALAR) {
		dm_buf_addf(err, "parameter '%s' wants %s, not a %s", p->name,
		    p->type == DM_RP_BOOL ? "true or false" :
		    p->type == DM_RP_INT ? "an integer" :
		    p->type == DM_RP_FLOAT ? "a number" : "a string",
		    v->kind == DM_Y_SEQ ? "list" : "mapping");
		return -1;
	}
	switch (p->type) {
	case DM_RP_BOOL:
		if (!v->plain || boolval(v->val) < 0) {
			dm_buf_addf(err, "parameter '%s' wants true or false, "
			    "not '%s'", p->name, v->val);
			return -1;
		}
		break;
	case DM_RP_INT:
		errno = 0;
		(void)strtoll(v->val, &end, 10);
		if (!v->plain || end == v->val || *end != '\0' || errno) {
			dm_buf_addf(err, "parameter '%s' wants an integer, "
			    "not '%s'", p->name, v->val);
			return -1;
		}
		break;
	case DM_RP_FLOAT:
		d = strtod(v->val, &end);
		if (!v->plain || end == v->val || *end != '\0' || !isfinite(d) ||
		    strpbrk(v->val, "xXnN") != NULL) {
			dm_buf_addf(err, "parameter '%s' wants a number, "
			    "not '%s'", p->name, v->val);
			return -1;
		}
		break;
	default:
		break;
	}
	return 0;
}

/* ---- writing dm text ---- */

/* A value in a dm-map script: bare when that is safe, else in double
 * quotes, where only \" and \\ are escapes (so "\d" stays as written). */
static void
addval(struct dm_buf *b, const char *s)
{
	const char *p;

	if (*s != '\0' && strspn(s, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.,+-/") == strlen(s)) {
		dm_buf_adds(b, s);
		return;
	}
	dm_buf_addc(b, '"');
	for (p = s; *p; p++) {
		if (*p == '"' || (*p == '\\' && (p[1] == '\\' ||
		    p[1] == '"' || p[1] == '\0')))
			dm_buf_addc(b, '\\');
		dm_buf_addc(b, *p);
	}
	dm_buf_addc(b, '"');
}

static void
addop(struct dm_buf *b, const char *name)
{
	if (b->len)
		dm_buf_adds(b, "; ");
	dm_buf_adds(b, name);
}

static void
addkv(struct dm_buf *b, const char *k, const char *v)
{
	dm_buf_addf(b, " %s=", k);
	addval(b, v);
}

/* A parameter that dm has no form for, set to something but its default. */
static int
unsupported(const struct dm_rop *op, const struct dm_ynode *args,
    const char *name, struct dm_buf *err, const struct dm_ynode **at)
{
	if (!given(op, args, name))
		return 0;
	dm_buf_addf(err, "parameter '%s' of '%s' is not supported by dm",
	    name, op->dj ? op->dj : op->dmate);
	*at = dm_yaml_get(args, name);
	return -1;
}

/* ---- mappers ---- */

/* A mapper that is one dm operator with no parameters. */
static int
emit_plain(const struct dm_rop *op, const struct dm_ynode *args,
    struct dm_buf *out, struct dm_buf *err, const struct dm_ynode **at)
{
	(void)args, (void)err, (void)at;
	addop(out, op->form);
	return 0;
}

/* clean_links/email/ip: dm's operator for the default pattern, replace for
 * another one. */
static int
emit_clean(const struct dm_rop *op, const struct dm_ynode *args,
    struct dm_buf *out, struct dm_buf *err, const struct dm_ynode **at)
{
	const char *pat = arg(op, args, "pattern"), *repl = arg(op, args,
	    "repl");

	(void)err, (void)at;
	if (pat == NULL) {
		addop(out, op->form);
		if (*repl)
			addkv(out, "repl", repl);
		return 0;
	}
	addop(out, "replace");
	addkv(out, "pattern", pat);
	if (*repl)
		addkv(out, "repl", repl);
	return 0;
}

static int
emit_fix_unicode(const struct dm_rop *op, const struct dm_ynode *args,
    struct dm_buf *out, struct dm_buf *err, const struct dm_ynode **at)
{
	const char *form = arg(op, args, "normalization");
	char up[8];
	size_t i;

	addop(out, "fix-unicode");
	if (form == NULL || *form == '\0')
		return 0;
	for (i = 0; form[i] && i < sizeof up - 1; i++)
		up[i] = (char)(form[i] >= 'a' && form[i] <= 'z' ?
		    form[i] - 'a' + 'A' : form[i]);
	up[i] = '\0';
	if (form[i] != '\0' || (strcmp(up, "NFC") && strcmp(up, "NFKC") &&
	    strcmp(up, "NFD") && strcmp(up, "NFKD"))) {
		dm_buf_addf(err, "parameter 'normalization' wants NFC, NFKC, "
		    "NFD or NFKD, not '%s'", form);
		*at = dm_yaml_get(args, "normalization");
		return -1;
	}
	if (strcmp(up, "NFC") != 0)
		addkv(out, "normalization", up);
	return 0;
}

static int
emit_long_words(const struct dm_rop *op, const struct dm_ynode *args,
    struct dm_buf *out, struct dm_buf *err, const struct dm_ynode **at)
{
	(void)err, (void)at;
	addop(out, "remove-long-words");
	if (given(op, args, "min_len"))
		addkv(out, "min", arg(op, args, "min_len"));
	if (given(op, args, "max_len"))
		addkv(out, "max", arg(op, args, "max_len"));
	return 0;
}

/* The characters to remove: a string, or a list of them joined; dm deletes
 * exactly those code points (see remove-chars.c). */
static int
emit_chars(const struct dm_rop *op, const struct dm_ynode *args,
    struct dm_buf *out, struct dm_buf *err, const struct dm_ynode **at)
{
	const struct dm_ynode *v = dm_yaml_get(args, "chars_to_remove");
	struct dm_buf s = DM_BUF_INIT;
	size_t i;

	(void)err, (void)at;
	if (v != NULL && v->kind == DM_Y_SEQ) {
		for (i = 0; i < v->n; i++)
			dm_buf_adds(&s, v->kid[i]->val);
	} else if (v != NULL && !isnull(v))
		dm_buf_adds(&s, v->val);
	else if (v == NULL)
		dm_buf_adds(&s, dm_rop_param(op, "chars_to_remove")->def);
	if (s.len > 0) {
		addop(out, "remove-chars");
		if (v != NULL)
			addkv(out, "chars", s.buf);
	}
	dm_buf_free(&s);
	return 0;
}

static int
emit_repeat_sentences(const struct dm_rop *op, const struct dm_ynode *args,
    struct dm_buf *out, struct dm_buf *err, const struct dm_ynode **at)
{
	(void)err, (void)at;
	addop(out, "remove-repeat-sentences");
	if (given(op, args, "lowercase"))
		addkv(out, "lowercase", argbool(op, args, "lowercase") ?
		    "true" : "false");
	if (given(op, args, "ignore_special_character"))
		addkv(out, "ignore_special", argbool(op, args,
		    "ignore_special_character") ? "true" : "false");
	if (given(op, args, "min_repeat_sentence_length"))
		addkv(out, "min_len", arg(op, args,
		    "min_repeat_sentence_length"));
	return 0;
}

static int
emit_table(const struct dm_rop *op, const struct dm_ynode *args,
    struct dm_buf *out, struct dm_buf *err, const struct dm_ynode **at)
{
	(void)err, (void)at;
	addop(out, "remove-table-text");
	if (given(op, args, "min_col"))
		addkv(out, "min_col", arg(op, args, "min_col"));
	if (given(op, args, "max_col"))
		addkv(out, "max_col", arg(op, args, "max_col"));
	return 0;
}

/* replace_content_mapper: a pattern or a list of them, with one repl or a
 * list of the same length. */
static int
emit_replace(const struct dm_rop *op, const struct dm_ynode *args,
    struct dm_buf *out, struct dm_buf *err, const struct dm_ynode **at)
{
	const struct dm_ynode *p = dm_yaml_get(args, "pattern");
	const struct dm_ynode *r = dm_yaml_get(args, "repl");
	const char *repl;
	size_t i, n;

	(void)op;
	if (isnull(p))
		return 0;
	n = p->kind == DM_Y_SEQ ? p->n : 1;
	if (r != NULL && r->kind == DM_Y_SEQ && r->n != n) {
		dm_buf_addf(err, "parameter 'repl' has %zu items, 'pattern' "
		    "%zu", r->n, n);
		*at = r;
		return -1;
	}
	for (i = 0; i < n; i++) {
		addop(out, "replace");
		addkv(out, "pattern", p->kind == DM_Y_SEQ ? p->kid[i]->val :
		    p->val);
		if (isnull(r))
			repl = "";
		else
			repl = r->kind == DM_Y_SEQ ? r->kid[i]->val : r->val;
		if (*repl)
			addkv(out, "repl", repl);
	}
	return 0;
}

/* DataMate's Anonymized* cleaners: one kind of anonymize each. */
static int
emit_anonymize(const struct dm_rop *op, const struct dm_ynode *args,
    struct dm_buf *out, struct dm_buf *err, const struct dm_ynode **at)
{
	(void)args, (void)err, (void)at;
	addop(out, op->form);
	return 0;
}

/* ---- filters ---- */

/*
 * The closed range [min, max] of Data-Juicer's Filter.get_keep_boolean,
 * with its min_closed_interval, max_closed_interval and reversed_range.
 */
static int
range(const struct dm_rop *op, const struct dm_ynode *args,
    struct dm_buf *out, const char *stat, const char *minp, const char *maxp)
{
	int minc = 1, maxc = 1, rev = 0;
	const char *s;

	if ((s = arg(op, args, "min_closed_interval")) != NULL)
		minc = boolval(s) != 0;
	if ((s = arg(op, args, "max_closed_interval")) != NULL)
		maxc = boolval(s) != 0;
	if ((s = arg(op, args, "reversed_range")) != NULL)
		rev = boolval(s) == 1;
	if (rev) {
		minc = !minc;
		maxc = !maxc;
		dm_buf_adds(out, "!(");
	}
	dm_buf_addf(out, "%s %s %s && %s %s %s", stat, minc ? ">=" : ">",
	    arg(op, args, minp), stat, maxc ? "<=" : "<", arg(op, args, maxp));
	if (rev)
		dm_buf_adds(out, ")");
	return 0;
}

/* tokenization (a Hugging Face tokenizer) and the word-list options. */
static int
no_tokens(const struct dm_rop *op, const struct dm_ynode *args,
    struct dm_buf *err, const struct dm_ynode **at)
{
	static const char *const names[] = { "tokenization", "use_words_aug",
		"stopwords_dir", "flagged_words_dir" };
	size_t i;

	for (i = 0; i < NELEM(names); i++)
		if (dm_rop_param(op, names[i]) &&
		    unsupported(op, args, names[i], err, at) < 0)
			return -1;
	return 0;
}

static int
emit_range(const struct dm_rop *op, const struct dm_ynode *args,
    struct dm_buf *out, struct dm_buf *err, const struct dm_ynode **at)
{
	const char *minp, *maxp, *stat = op->form;
	struct dm_buf b = DM_BUF_INIT;
	const char *lang;
	int r;

	if (no_tokens(op, args, err, at) < 0)
		return -1;
	minp = dm_rop_param(op, "min_ratio") ? "min_ratio" : dm_rop_param(op, "min_num") ?
	    "min_num" : "min_len";
	maxp = dm_rop_param(op, "max_ratio") ? "max_ratio" : dm_rop_param(op, "max_num") ?
	    "max_num" : "max_len";
	if (strchr(stat, '(') != NULL) {
		/* char_rep(n), word_rep(n), stopword_ratio("lang") */
		dm_buf_add(&b, stat, (size_t)(strchr(stat, '(') - stat));
		if (dm_rop_param(op, "rep_len"))
			dm_buf_addf(&b, "(%s)", arg(op, args, "rep_len"));
		else {
			lang = arg(op, args, "lang");
			dm_buf_adds(&b, "(");
			dm_json_addstr(&b, lang, strlen(lang));
			dm_buf_adds(&b, ")");
		}
		stat = b.buf;
	}
	r = range(op, args, out, stat, minp, maxp);
	dm_buf_free(&b);
	return r;
}

/* language_id_score_filter: the best label among lang (any label when
 * lang is empty) with a probability of at least min_score. dm's lang does
 * not lower-case the text first, as Data-Juicer does (see dm-recipe(1)). */
static int
emit_lang(const struct dm_rop *op, const struct dm_ynode *args,
    struct dm_buf *out, struct dm_buf *err, const struct dm_ynode **at)
{
	const struct dm_ynode *v = dm_yaml_get(args, "lang");
	const char *s, *min = arg(op, args, "min_score");
	const char **l = NULL;
	const char *one[1];
	size_t i, n = 0;
	int minc = 1, rev = 0;

	(void)err, (void)at;
	if (v != NULL && v->kind == DM_Y_SEQ) {
		l = dm_xcalloc(v->n + 1, sizeof *l);
		for (i = 0; i < v->n; i++)
			if (*v->kid[i]->val)
				l[n++] = v->kid[i]->val;
	} else if (!isnull(v) && *v->val) {
		one[0] = v->val;
		l = one;
		n = 1;
	}
	if ((s = arg(op, args, "min_closed_interval")) != NULL)
		minc = boolval(s) != 0;
	if ((s = arg(op, args, "reversed_range")) != NULL)
		rev = boolval(s) == 1;
	if (rev)
		minc = !minc;
	if (n > 1)
		dm_buf_adds(out, "(");
	for (i = 0; i < n; i++) {
		if (i)
			dm_buf_adds(out, " || ");
		dm_buf_adds(out, "lang == ");
		dm_json_addstr(out, l[i], strlen(l[i]));
	}
	if (n > 1)
		dm_buf_adds(out, ")");
	if (n)
		dm_buf_adds(out, " && ");
	if (rev)
		dm_buf_adds(out, "!(");
	if (n == 1) {
		dm_buf_adds(out, "lang(");
		dm_json_addstr(out, l[0], strlen(l[0]));
		dm_buf_adds(out, ")");
	} else
		dm_buf_adds(out, "lang(lang)");
	dm_buf_addf(out, " %s %s", minc ? ">=" : ">", min);
	if (rev)
		dm_buf_adds(out, ")");
	if (l != one)
		free((void *)l);
	return 0;
}

/* ---- deduplicators: dm-dedup options, tab-separated ---- */

static void
addopt(struct dm_buf *b, const char *opt, const char *val)
{
	if (b->len)
		dm_buf_addc(b, '\t');
	dm_buf_adds(b, opt);
	if (val) {
		dm_buf_addc(b, '\t');
		dm_buf_adds(b, val);
	}
}

/* DuplicateFilesFilter: datasketch's MinHash, each file against every
 * earlier kept one (dm-dedup's datamate preset). */
static int
emit_dedup_datamate(const struct dm_rop *op, const struct dm_ynode *args,
    struct dm_buf *out, struct dm_buf *err, const struct dm_ynode **at)
{
	(void)err, (void)at;
	addopt(out, "--near", NULL);
	addopt(out, "--preset", "datamate");
	if (given(op, args, "fileDuplicateThreshold"))
		addopt(out, "--threshold", arg(op, args,
		    "fileDuplicateThreshold"));
	return 0;
}

static int
emit_dedup_exact(const struct dm_rop *op, const struct dm_ynode *args,
    struct dm_buf *out, struct dm_buf *err, const struct dm_ynode **at)
{
	(void)err, (void)at;
	addopt(out, "--exact", NULL);
	if (argbool(op, args, "lowercase"))
		addopt(out, "--lowercase", NULL);
	if (argbool(op, args, "ignore_non_character"))
		addopt(out, "--ignore-non-character", NULL);
	return 0;
}

/* MinHash and SimHash share tokenization, window, lower-casing. */
static int
dedup_common(const struct dm_rop *op, const struct dm_ynode *args,
    struct dm_buf *out, struct dm_buf *err, const struct dm_ynode **at)
{
	const char *tok = arg(op, args, "tokenization");

	if (unsupported(op, args, "lowercase", err, at) < 0 ||
	    unsupported(op, args, "ignore_pattern", err, at) < 0 ||
	    (dm_rop_param(op, "tokenizer_model") &&
	    unsupported(op, args, "tokenizer_model", err, at) < 0))
		return -1;
	if (strcmp(tok, "space") && strcmp(tok, "punctuation") &&
	    strcmp(tok, "character")) {
		dm_buf_addf(err, "parameter 'tokenization' of '%s': '%s' is "
		    "not supported by dm (space, punctuation, character)",
		    op->dj, tok);
		*at = dm_yaml_get(args, "tokenization");
		return -1;
	}
	if (given(op, args, "tokenization"))
		addopt(out, "--tokenize", tok);
	if (given(op, args, "window_size"))
		addopt(out, "--window", arg(op, args, "window_size"));
	return 0;
}

static int
emit_dedup_minhash(const struct dm_rop *op, const struct dm_ynode *args,
    struct dm_buf *out, struct dm_buf *err, const struct dm_ynode **at)
{
	addopt(out, "--near", NULL);
	if (dedup_common(op, args, out, err, at) < 0)
		return -1;
	if (given(op, args, "num_permutations"))
		addopt(out, "--perms", arg(op, args, "num_permutations"));
	if (given(op, args, "jaccard_threshold"))
		addopt(out, "--threshold", arg(op, args, "jaccard_threshold"));
	if (given(op, args, "num_bands"))
		addopt(out, "--bands", arg(op, args, "num_bands"));
	if (given(op, args, "num_rows_per_band"))
		addopt(out, "--rows", arg(op, args, "num_rows_per_band"));
	return 0;
}

static int
emit_dedup_simhash(const struct dm_rop *op, const struct dm_ynode *args,
    struct dm_buf *out, struct dm_buf *err, const struct dm_ynode **at)
{
	addopt(out, "--simhash", NULL);
	if (dedup_common(op, args, out, err, at) < 0)
		return -1;
	if (given(op, args, "num_blocks"))
		addopt(out, "--blocks", arg(op, args, "num_blocks"));
	if (given(op, args, "hamming_distance"))
		addopt(out, "--hamming", arg(op, args, "hamming_distance"));
	return 0;
}

/* ---- DataMate's cleaners and filters ---- */

/* A DataMate filter: "len > 0 && pred()" with pred's threshold when the
 * recipe sets one. */
static void
dm_pred(struct dm_buf *out, const char *pred)
{
	dm_buf_addf(out, DROPEMPTY " && %s(", pred);
}

static int
emit_dm_rate(const struct dm_rop *op, const struct dm_ynode *args,
    struct dm_buf *out, struct dm_buf *err, const struct dm_ynode **at)
{
	const char *pname = op->params[0].name;

	(void)err, (void)at;
	dm_pred(out, op->form);
	if (given(op, args, pname))
		dm_buf_addf(out, "max=%s", arg(op, args, pname));
	dm_buf_adds(out, ")");
	return 0;
}

/* FileWithManySensitiveWordsFilter: DataMate's word lists are empty
 * files, so with no list (a parameter of dm's own) nothing is counted. */
static int
emit_dm_sensitive(const struct dm_rop *op, const struct dm_ynode *args,
    struct dm_buf *out, struct dm_buf *err, const struct dm_ynode **at)
{
	const char *list = arg(op, args, "list");
	int first = 1;

	(void)err, (void)at;
	dm_pred(out, op->form);
	if (given(op, args, "list") && *list != '\0') {
		dm_buf_adds(out, "list=");
		dm_json_addstr(out, list, strlen(list));
		first = 0;
	}
	if (given(op, args, "sensitiveWordsRate"))
		dm_buf_addf(out, "%smax=%s", first ? "" : ", ",
		    arg(op, args, "sensitiveWordsRate"));
	dm_buf_adds(out, ")");
	return 0;
}

/* Python's truth of a YAML value, as bool(kwargs.get(...)) sees it. */
static int
pytruth(const struct dm_ynode *v, const char *def)
{
	char *end;
	double d;

	if (v == NULL)
		return boolval(def) == 1;
	if (isnull(v))
		return 0;
	if (v->kind != DM_Y_SCALAR)
		return v->n > 0;
	if (!v->plain)
		return *v->val != '\0';
	if (boolval(v->val) >= 0)
		return boolval(v->val);
	d = strtod(v->val, &end);
	if (end != v->val && *end == '\0')
		return d != 0;
	return *v->val != '\0';
}

/* FileWithHighRepeatPhraseRateFilter: hitStopwords, a switch, as
 * kwargs.get reads it (any true value). */
static int
emit_dm_phrase(const struct dm_rop *op, const struct dm_ynode *args,
    struct dm_buf *out, struct dm_buf *err, const struct dm_ynode **at)
{
	int first = 1;

	(void)err, (void)at;
	dm_pred(out, op->form);
	if (given(op, args, "repeatPhraseRatio")) {
		dm_buf_addf(out, "max=%s", arg(op, args, "repeatPhraseRatio"));
		first = 0;
	}
	if (pytruth(dm_yaml_get(args, "hitStopwords"), "false"))
		dm_buf_addf(out, "%shit=true", first ? "" : ", ");
	dm_buf_adds(out, ")");
	return 0;
}

/* fileLength: [min, max]; an empty or zero bound is no bound. */
static int
emit_dm_length(const struct dm_rop *op, const struct dm_ynode *args,
    struct dm_buf *out, struct dm_buf *err, const struct dm_ynode **at)
{
	const struct dm_ynode *v = dm_yaml_get(args, "fileLength"), *b;
	const char *name[2] = { "min", "max" }, *def[2] = { "10", "10000000" };
	char *end;
	double d;
	size_t i;
	int first = 1;

	(void)op;
	dm_pred(out, "stripped_len");
	if (v != NULL && !isnull(v)) {
		if (v->kind != DM_Y_SEQ || v->n != 2) {
			dm_buf_adds(err, "parameter 'fileLength' wants a list "
			    "of 2 bounds, [min, max]");
			*at = v;
			return -1;
		}
		for (i = 0; i < 2; i++) {
			b = v->kid[i];
			if (b->kind != DM_Y_SCALAR) {
				dm_buf_adds(err, "parameter 'fileLength' "
				    "wants numbers");
				*at = b;
				return -1;
			}
			if (isnull(b) || *b->val == '\0')
				d = 0;
			else {
				d = strtod(b->val, &end);
				if (!b->plain || *end != '\0' ||
				    !isfinite(d) || d < 0) {
					dm_buf_addf(err, "parameter "
					    "'fileLength' wants numbers, not "
					    "'%s'", b->val);
					*at = b;
					return -1;
				}
			}
			if (d == strtod(def[i], NULL))
				continue;
			dm_buf_addf(out, "%s%s=%s", first ? "" : ", ", name[i],
			    d == 0 ? "0" : b->val);
			first = 0;
		}
	}
	dm_buf_adds(out, ")");
	return 0;
}

static int
emit_dm_html(const struct dm_rop *op, const struct dm_ynode *args,
    struct dm_buf *out, struct dm_buf *err, const struct dm_ynode **at)
{
	(void)err, (void)at;
	addop(out, op->form);
	if (pytruth(dm_yaml_get(args, "removeTableTags"), "false"))
		addkv(out, "tables", "true");
	return 0;
}

/* ---- the table ---- */

static const struct dm_rparam p_clean[] = {
	{ "pattern", DM_RP_STR, NULL },
	{ "repl", DM_RP_STR, "" },
	{ NULL, 0, NULL }
};

static const struct dm_rparam p_fix_unicode[] = {
	{ "normalization", DM_RP_STR, NULL },
	{ NULL, 0, NULL }
};

static const struct dm_rparam p_long_words[] = {
	{ "min_len", DM_RP_INT, "1" },
	{ "max_len", DM_RP_INT, MAXSIZE },
	{ NULL, 0, NULL }
};

static const struct dm_rparam p_chars[] = {
	{ "chars_to_remove", DM_RP_STRS,
	  "\u25c6\u25cf\u25a0\u25ba\u25bc\u25b2\u25b4\u2206\u25bb\u25b7"
	  "\u2756\u2661\u25a1" },
	{ NULL, 0, NULL }
};

static const struct dm_rparam p_repeat[] = {
	{ "lowercase", DM_RP_BOOL, "false" },
	{ "ignore_special_character", DM_RP_BOOL, "true" },
	{ "min_repeat_sentence_length", DM_RP_INT, "2" },
	{ NULL, 0, NULL }
};

static const struct dm_rparam p_table[] = {
	{ "min_col", DM_RP_INT, "2" },
	{ "max_col", DM_RP_INT, "20" },
	{ NULL, 0, NULL }
};

static const struct dm_rparam p_replace[] = {
	{ "pattern", DM_RP_STRS, NULL },
	{ "repl", DM_RP_STRS, "" },
	{ NULL, 0, NULL }
};

#define RANGE_FLAGS \
	{ "min_closed_interval", DM_RP_BOOL, "true" }, \
	{ "max_closed_interval", DM_RP_BOOL, "true" }, \
	{ "reversed_range", DM_RP_BOOL, "false" }

static const struct dm_rparam p_alnum[] = {
	{ "tokenization", DM_RP_BOOL, "false" },
	{ "min_ratio", DM_RP_FLOAT, "0.25" },
	{ "max_ratio", DM_RP_FLOAT, MAXSIZE },
	RANGE_FLAGS,
	{ NULL, 0, NULL }
};

static const struct dm_rparam p_len[] = {
	{ "min_len", DM_RP_FLOAT, "10" },
	{ "max_len", DM_RP_FLOAT, MAXSIZE },
	RANGE_FLAGS,
	{ NULL, 0, NULL }
};

static const struct dm_rparam p_char_rep[] = {
	{ "rep_len", DM_RP_INT, "10" },
	{ "min_ratio", DM_RP_FLOAT, "0.0" },
	{ "max_ratio", DM_RP_FLOAT, "0.5" },
	RANGE_FLAGS,
	{ NULL, 0, NULL }
};

static const struct dm_rparam p_flagged[] = {
	{ "lang", DM_RP_STR, "en" },
	{ "tokenization", DM_RP_BOOL, "false" },
	{ "min_ratio", DM_RP_FLOAT, "0.0" },
	{ "max_ratio", DM_RP_FLOAT, "0.045" },
	{ "flagged_words_dir", DM_RP_STR, NULL },
	{ "use_words_aug", DM_RP_BOOL, "false" },
	{ "words_aug_group_sizes", DM_RP_ANY, NULL },
	{ "words_aug_join_char", DM_RP_ANY, NULL },
	RANGE_FLAGS,
	{ NULL, 0, NULL }
};

static const struct dm_rparam p_special[] = {
	{ "min_ratio", DM_RP_FLOAT, "0.0" },
	{ "max_ratio", DM_RP_FLOAT, "0.25" },
	RANGE_FLAGS,
	{ NULL, 0, NULL }
};

static const struct dm_rparam p_stopwords[] = {
	{ "lang", DM_RP_STR, "en" },
	{ "tokenization", DM_RP_BOOL, "false" },
	{ "min_ratio", DM_RP_FLOAT, "0.3" },
	{ "max_ratio", DM_RP_FLOAT, "1.0" },
	{ "stopwords_dir", DM_RP_STR, NULL },
	{ "use_words_aug", DM_RP_BOOL, "false" },
	{ "words_aug_group_sizes", DM_RP_ANY, NULL },
	{ "words_aug_join_char", DM_RP_ANY, NULL },
	RANGE_FLAGS,
	{ NULL, 0, NULL }
};

static const struct dm_rparam p_word_rep[] = {
	{ "lang", DM_RP_STR, "en" },
	{ "tokenization", DM_RP_BOOL, "false" },
	{ "rep_len", DM_RP_INT, "10" },
	{ "min_ratio", DM_RP_FLOAT, "0.0" },
	{ "max_ratio", DM_RP_FLOAT, "0.5" },
	RANGE_FLAGS,
	{ NULL, 0, NULL }
};

static const struct dm_rparam p_words[] = {
	{ "lang", DM_RP_STR, "en" },
	{ "tokenization", DM_RP_BOOL, "false" },
	{ "min_num", DM_RP_FLOAT, "10" },
	{ "max_num", DM_RP_FLOAT, MAXSIZE },
	RANGE_FLAGS,
	{ NULL, 0, NULL }
};

static const struct dm_rparam p_lang[] = {
	{ "lang", DM_RP_STRS, "" },
	{ "min_score", DM_RP_FLOAT, "0.8" },
	RANGE_FLAGS,
	{ NULL, 0, NULL }
};

static const struct dm_rparam p_dedup_exact[] = {
	{ "lowercase", DM_RP_BOOL, "false" },
	{ "ignore_non_character", DM_RP_BOOL, "false" },
	{ NULL, 0, NULL }
};

static const struct dm_rparam p_dedup_minhash[] = {
	{ "tokenization", DM_RP_STR, "space" },
	{ "window_size", DM_RP_INT, "5" },
	{ "lowercase", DM_RP_BOOL, "true" },
	{ "ignore_pattern", DM_RP_STR, NULL },
	{ "num_permutations", DM_RP_INT, "256" },
	{ "jaccard_threshold", DM_RP_FLOAT, "0.7" },
	{ "num_bands", DM_RP_INT, NULL },
	{ "num_rows_per_band", DM_RP_INT, NULL },
	{ "tokenizer_model", DM_RP_STR, NULL },
	{ NULL, 0, NULL }
};

static const struct dm_rparam p_dedup_simhash[] = {
	{ "tokenization", DM_RP_STR, "space" },
	{ "window_size", DM_RP_INT, "6" },
	{ "lowercase", DM_RP_BOOL, "true" },
	{ "ignore_pattern", DM_RP_STR, NULL },
	{ "num_blocks", DM_RP_INT, "6" },
	{ "hamming_distance", DM_RP_INT, "4" },
	{ NULL, 0, NULL }
};

static const struct dm_rparam p_dm_word_rate[] = {
	{ .name = "repeatWordRatio", .type = DM_RP_FLOAT, .def = "0.5" },
	{ .name = NULL }
};

static const struct dm_rparam p_dm_dupfiles[] = {
	{ .name = "fileDuplicateThreshold", .type = DM_RP_FLOAT, .def = "0.5" },
	{ .name = NULL }
};

static const struct dm_rparam p_dm_phrase[] = {
	{ .name = "repeatPhraseRatio", .type = DM_RP_FLOAT, .def = "0.5" },
	{ .name = "hitStopwords", .type = DM_RP_ANY, .def = "false" },
	{ .name = NULL }
};

static const struct dm_rparam p_dm_special[] = {
	{ .name = "specialCharRatio", .type = DM_RP_FLOAT, .def = "0.3" },
	{ .name = NULL }
};

static const struct dm_rparam p_dm_sensitive[] = {
	{ .name = "sensitiveWordsRate", .type = DM_RP_FLOAT, .def = "0.01" },
	{ .name = "list", .type = DM_RP_STR, .def = "" },
	{ .name = NULL }
};

static const struct dm_rparam p_dm_length[] = {
	{ .name = "fileLength", .type = DM_RP_ANY, .def = NULL },
	{ .name = NULL }
};

static const struct dm_rparam p_dm_html[] = {
	{ .name = "removeTableTags", .type = DM_RP_ANY, .def = "false" },
	{ .name = NULL }
};

static const struct dm_rparam p_none[] = {
	{ NULL, 0, NULL }
};

#define MAP(j, m, f, p, e) \
	{ .dj = (j), .dmate = (m), .kind = DM_R_MAP, .form = (f), \
	  .params = (p), .emit = (e) }
#define FILTER(j, m, f, p) \
	{ .dj = (j), .dmate = (m), .kind = DM_R_FILTER, .form = (f), \
	  .params = (p), .emit = emit_range }
#define DEDUP(j, m, p, e) \
	{ .dj = (j), .dmate = (m), .kind = DM_R_DEDUP, .form = "dm-dedup", \
	  .params = (p), .emit = (e) }
#define NONE(j, m, w) \
	{ .dj = (j), .dmate = (m), .kind = DM_R_NONE, .why = (w) }

static const char no_text[] = "not a text operator";
static const char no_model[] = "needs a model dm does not run";
static const char no_port[] = "not yet part of dm";

/* Sorted by Data-Juicer name, then the DataMate-only rows by their name. */
static const struct dm_rop table[] = {
	FILTER("alphanumeric_filter", NULL, "alnum_ratio", p_alnum),
	NONE("audio_add_gaussian_noise_mapper", NULL, no_text),
	NONE("audio_duration_filter", NULL, no_text),
	NONE("audio_ffmpeg_wrapped_mapper", NULL, no_text),
	NONE("audio_nmf_snr_filter", NULL, no_text),
	NONE("audio_size_filter", NULL, no_text),
	FILTER("average_line_length_filter", NULL, "avg_line_len", p_len),
	NONE("calibrate_qa_mapper", NULL, no_model),
	NONE("calibrate_query_mapper", NULL, no_model),
	NONE("calibrate_response_mapper", NULL, no_model),
	FILTER("character_repetition_filter", NULL, "char_rep(10)",
	    p_char_rep),
	NONE("chinese_convert_mapper", NULL, no_port),
	MAP("clean_copyright_mapper", NULL, "remove-copyright", p_none,
	    emit_plain),
	MAP("clean_email_mapper", NULL, "remove-emails", p_clean, emit_clean),
	MAP("clean_html_mapper", NULL, "clean-html", p_none, emit_plain),
	MAP("clean_ip_mapper", NULL, "remove-ips", p_clean, emit_clean),
	MAP("clean_links_mapper", NULL, "remove-urls", p_clean, emit_clean),
	NONE("detect_character_attributes_mapper", NULL, no_model),
	NONE("detect_character_locations_mapper", NULL, no_model),
	NONE("detect_main_character_mapper", NULL, no_model),
	NONE("dialog_intent_detection_mapper", NULL, no_model),
	NONE("dialog_sentiment_detection_mapper", NULL, no_model),
	NONE("dialog_sentiment_intensity_mapper", NULL, no_model),
	NONE("dialog_topic_detection_mapper", NULL, no_model),
	DEDUP("document_deduplicator", NULL, p_dedup_exact,
	    emit_dedup_exact),
	DEDUP("document_minhash_deduplicator", NULL, p_dedup_minhash,
	    emit_dedup_minhash),
	DEDUP("document_simhash_deduplicator", NULL, p_dedup_simhash,
	    emit_dedup_simhash),
	NONE("download_file_mapper", NULL, no_port),
	NONE("entity_attribute_aggregator", NULL, no_model),
	NONE("expand_macro_mapper", NULL, no_port),
	NONE("extract_entity_attribute_mapper", NULL, no_model),
	NONE("extract_entity_relation_mapper", NULL, no_model),
	NONE("extract_event_mapper", NULL, no_model),
	NONE("extract_keyword_mapper", NULL, no_model),
	NONE("extract_nickname_mapper", NULL, no_model),
	NONE("extract_support_text_mapper", NULL, no_model),
	NONE("extract_tables_from_html_mapper", NULL, no_port),
	MAP("fix_unicode_mapper", NULL, "fix-unicode", p_fix_unicode,
	    emit_fix_unicode),
	FILTER("flagged_words_filter", NULL, "flagged_ratio(\"en\")",
	    p_flagged),
	NONE("frequency_specified_field_selector", NULL, no_port),
	NONE("general_field_filter", NULL, no_port),
	NONE("generate_qa_from_examples_mapper", NULL, no_model),
	NONE("generate_qa_from_text_mapper", NULL, no_model),
	NONE("image_aesthetics_filter", NULL, no_text),
	NONE("image_aspect_ratio_filter", NULL, no_text),
	NONE("image_blur_mapper", NULL, no_text),
	NONE("image_captioning_from_gpt4v_mapper", NULL, no_text),
	NONE("image_captioning_mapper", NULL, no_text),
	NONE("image_deduplicator", NULL, no_text),
	NONE("image_detection_yolo_mapper", NULL, no_text),
	NONE("image_diffusion_mapper", NULL, no_text),
	NONE("image_face_blur_mapper", NULL, no_text),
	NONE("image_face_count_filter", NULL, no_text),
	NONE("image_face_ratio_filter", NULL, no_text),
	NONE("image_nsfw_filter", NULL, no_text),
	NONE("image_pair_similarity_filter", NULL, no_text),
	NONE("image_remove_background_mapper", NULL, no_text),
	NONE("image_segment_mapper", NULL, no_text),
	NONE("image_shape_filter", NULL, no_text),
	NONE("image_size_filter", NULL, no_text),
	NONE("image_tagging_mapper", NULL, no_text),
	NONE("image_text_matching_filter", NULL, no_text),
	NONE("image_text_similarity_filter", NULL, no_text),
	NONE("image_watermark_filter", NULL, no_text),
	NONE("imgdiff_difference_area_generator_mapper", NULL, no_text),
	NONE("imgdiff_difference_caption_generator_mapper", NULL, no_text),
	NONE("in_context_influence_filter", NULL, no_model),
	NONE("instruction_following_difficulty_filter", NULL, no_model),
	NONE("key_value_grouper", NULL, no_port),
	{ .dj = "language_id_score_filter", .kind = DM_R_FILTER,
	  .form = "lang", .params = p_lang, .emit = emit_lang },
	NONE("llm_analysis_filter", NULL, no_model),
	NONE("llm_difficulty_score_filter", NULL, no_model),
	NONE("llm_perplexity_filter", NULL, no_model),
	NONE("llm_quality_score_filter", NULL, no_model),
	NONE("llm_task_relevance_filter", NULL, no_model),
	FILTER("maximum_line_length_filter", NULL, "max_line_len", p_len),
	NONE("meta_tags_aggregator", NULL, no_model),
	NONE("mllm_mapper", NULL, no_model),
	NONE("most_relevant_entities_aggregator", NULL, no_model),
	NONE("naive_grouper", NULL, no_port),
	NONE("naive_reverse_grouper", NULL, no_port),
	NONE("nested_aggregator", NULL, no_model),
	NONE("nlpaug_en_mapper", NULL, no_model),
	NONE("nlpcda_zh_mapper", NULL, no_model),
	NONE("optimize_prompt_mapper", NULL, no_model),
	NONE("optimize_qa_mapper", NULL, no_model),
	NONE("optimize_query_mapper", NULL, no_model),
	NONE("optimize_response_mapper", NULL, no_model),
	NONE("pair_preference_mapper", NULL, no_model),
	NONE("perplexity_filter", NULL,
	    "needs a KenLM language model dm does not run"),
	NONE("phrase_grounding_recall_filter", NULL, no_text),
	MAP("punctuation_normalization_mapper", NULL, "normalize-punct",
	    p_none, emit_plain),
	NONE("python_file_mapper", NULL, "runs Python code"),
	NONE("python_lambda_mapper", NULL, "runs Python code"),
	NONE("query_intent_detection_mapper", NULL, no_model),
	NONE("query_sentiment_detection_mapper", NULL, no_model),
	NONE("query_topic_detection_mapper", NULL, no_model),
	NONE("random_selector", NULL, no_port),
	NONE("range_specified_field_selector", NULL, no_port),
	NONE("relation_identity_mapper", NULL, no_model),
	NONE("remove_bibliography_mapper", NULL, no_port),
	NONE("remove_comments_mapper", NULL, no_port),
	NONE("remove_header_mapper", NULL, no_port),
	MAP("remove_long_words_mapper", NULL, "remove-long-words",
	    p_long_words, emit_long_words),
	NONE("remove_non_chinese_character_mapper", NULL, no_port),
	MAP("remove_repeat_sentences_mapper", NULL, "remove-repeat-sentences",
	    p_repeat, emit_repeat_sentences),
	MAP("remove_specific_chars_mapper", NULL, "remove-chars", p_chars,
	    emit_chars),
	MAP("remove_table_text_mapper", NULL, "remove-table-text", p_table,
	    emit_table),
	NONE("remove_words_with_incorrect_substrings_mapper", NULL, no_port),
	MAP("replace_content_mapper", NULL, "replace", p_replace,
	    emit_replace),
	NONE("sdxl_prompt2prompt_mapper", NULL, no_text),
	NONE("sentence_augmentation_mapper", NULL, no_model),
	NONE("sentence_split_mapper", NULL, no_port),
	FILTER("special_characters_filter", NULL, "special_ratio", p_special),
	NONE("specified_field_filter", NULL, no_port),
	NONE("specified_numeric_field_filter", NULL, no_port),
	FILTER("stopwords_filter", NULL, "stopword_ratio(\"en\")",
	    p_stopwords),
	NONE("suffix_filter", NULL, no_port),
	NONE("tags_specified_field_selector", NULL, no_port),
	NONE("text_action_filter", NULL, no_model),
	NONE("text_chunk_mapper", NULL, no_port),
	NONE("text_embd_similarity_filter", NULL, no_model),
	NONE("text_entity_dependency_filter", NULL, no_model),
	FILTER("text_length_filter", NULL, "len", p_len),
	NONE("text_pair_similarity_filter", NULL, no_model),
	NONE("token_num_filter", NULL, no_model),
	NONE("topk_specified_field_selector", NULL, no_port),
	NONE("video_aesthetics_filter", NULL, no_text),
	NONE("video_aspect_ratio_filter", NULL, no_text),
	NONE("video_captioning_from_audio_mapper", NULL, no_text),
	NONE("video_captioning_from_frames_mapper", NULL, no_text),
	NONE("video_captioning_from_summarizer_mapper", NULL, no_text),
	NONE("video_captioning_from_video_mapper", NULL, no_text),
	NONE("video_deduplicator", NULL, no_text),
	NONE("video_duration_filter", NULL, no_text),
	NONE("video_extract_frames_mapper", NULL, no_text),
	NONE("video_face_blur_mapper", NULL, no_text),
	NONE("video_ffmpeg_wrapped_mapper", NULL, no_text),
	NONE("video_frames_text_similarity_filter", NULL, no_text),
	NONE("video_motion_score_filter", NULL, no_text),
	NONE("video_motion_score_raft_filter", NULL, no_text),
	NONE("video_nsfw_filter", NULL, no_text),
	NONE("video_ocr_area_ratio_filter", NULL, no_text),
	NONE("video_remove_watermark_mapper", NULL, no_text),
	NONE("video_resize_aspect_ratio_mapper", NULL, no_text),
	NONE("video_resize_resolution_mapper", NULL, no_text),
	NONE("video_resolution_filter", NULL, no_text),
	NONE("video_split_by_duration_mapper", NULL, no_text),
	NONE("video_split_by_key_frame_mapper", NULL, no_text),
	NONE("video_split_by_scene_mapper", NULL, no_text),
	NONE("video_tagging_from_audio_mapper", NULL, no_text),
	NONE("video_tagging_from_frames_filter", NULL, no_text),
	NONE("video_tagging_from_frames_mapper", NULL, no_text),
	NONE("video_watermark_filter", NULL, no_text),
	MAP("whitespace_normalization_mapper", NULL, "normalize-ws", p_none,
	    emit_plain),
	FILTER("word_repetition_filter", NULL, "word_rep(10)", p_word_rep),
	FILTER("words_num_filter", NULL, "words", p_words),

	/* DataMate (runtime/ops, by raw_id) */
	NONE(NULL, "AnnotationSlicer", no_port),
	MAP(NULL, "AnonymizedCreditCardNumber", "anonymize kinds=card",
	    p_none, emit_anonymize),
	MAP(NULL, "AnonymizedIdNumber", "anonymize kinds=idcard", p_none,
	    emit_anonymize),
	MAP(NULL, "AnonymizedIpAddress", "anonymize kinds=ip", p_none,
	    emit_anonymize),
	MAP(NULL, "AnonymizedPhoneNumber", "anonymize kinds=phone", p_none,
	    emit_anonymize),
	MAP(NULL, "AnonymizedUrlCleaner", "anonymize kinds=url", p_none,
	    emit_anonymize),
	NONE(NULL, "ContentCleaner", no_port),
	{ .dmate = "DuplicateFilesFilter", .kind = DM_R_DEDUP,
	  .form = "dm-dedup", .params = p_dm_dupfiles,
	  .emit = emit_dedup_datamate, .dropempty = 1 },
	{ .dmate = "DuplicateSentencesFilter", .kind = DM_R_MAP,
	  .form = "remove-repeat-lines", .params = p_none, .emit = emit_plain,
	  .dropempty = 1 },
	MAP(NULL, "EmailNumberCleaner", "anonymize kinds=email", p_none,
	    emit_anonymize),
	MAP(NULL, "EmojiCleaner", "remove-emoji", p_none, emit_plain),
	MAP(NULL, "ExtraSpaceCleaner", "collapse-ws", p_none, emit_plain),
	{ .dmate = "FileWithHighRepeatPhraseRateFilter", .kind = DM_R_FILTER,
	  .form = "phrase_repeat", .params = p_dm_phrase,
	  .emit = emit_dm_phrase, .dropempty = 1 },
	{ .dmate = "FileWithHighRepeatWordRateFilter", .kind = DM_R_FILTER,
	  .form = "cjk_repeat", .params = p_dm_word_rate,
	  .emit = emit_dm_rate, .dropempty = 1 },
	{ .dmate = "FileWithHighSpecialCharRateFilter", .kind = DM_R_FILTER,
	  .form = "special_chars", .params = p_dm_special,
	  .emit = emit_dm_rate, .dropempty = 1 },
	{ .dmate = "FileWithManySensitiveWordsFilter", .kind = DM_R_FILTER,
	  .form = "sensitive_words", .params = p_dm_sensitive,
	  .emit = emit_dm_sensitive, .dropempty = 1 },
	{ .dmate = "FileWithShortOrLongLengthFilter", .kind = DM_R_FILTER,
	  .form = "stripped_len", .params = p_dm_length,
	  .emit = emit_dm_length, .dropempty = 1 },
	MAP(NULL, "FullWidthCharacterCleaner", "fullwidth", p_none,
	    emit_plain),
	NONE(NULL, "GrableCharactersCleaner", no_port),
	{ .dmate = "HtmlTagCleaner", .kind = DM_R_MAP,
	  .form = "remove-html-tags", .params = p_dm_html,
	  .emit = emit_dm_html },
	NONE(NULL, "ImgAdvertisementImagesCleaner", no_text),
	NONE(NULL, "ImgBlurredImagesCleaner", no_text),
	NONE(NULL, "ImgBrightness", no_text),
	NONE(NULL, "ImgContrast", no_text),
	NONE(NULL, "ImgDenoise", no_text),
	NONE(NULL, "ImgDirectionCorrect", no_text),
	NONE(NULL, "ImgDuplicatedImagesCleaner", no_text),
	NONE(NULL, "ImgPerspectiveTransformation", no_text),
	NONE(NULL, "ImgResize", no_text),
	NONE(NULL, "ImgSaturation", no_text),
	NONE(NULL, "ImgShadowRemove", no_text),
	NONE(NULL, "ImgSharpness", no_text),
	NONE(NULL, "ImgSimilarImagesCleaner", no_text),
	NONE(NULL, "ImgTypeUnify", no_text),
	MAP(NULL, "InvisibleCharactersCleaner", "remove-invisible", p_none,
	    emit_plain),
	NONE(NULL, "KnowledgeRelationSlice", no_model),
	NONE(NULL, "LegendCleaner", no_port),
	NONE(NULL, "MineruFormatter", no_model),
	NONE(NULL, "PiiDetector", no_model),
	NONE(NULL, "PoliticalWordCleaner", no_port),
	NONE(NULL, "QAConditionEvaluator", no_model),
	NONE(NULL, "Segmentation", no_port),
	NONE(NULL, "SexualAndViolentWordCleaner", no_port),
	NONE(NULL, "SimpleSlicer", no_port),
	NONE(NULL, "SlideFormatter", no_text),
	NONE(NULL, "TextQualityEvaluation", no_model),
	NONE(NULL, "TextToWord", no_text),
	NONE(NULL, "TraditionalChineseCleaner", no_port),
	/* its class of spaces, each turned into U+0020 */
	MAP(NULL, "UnicodeSpaceCleaner", "replace pattern=\"[\\x{a0}"
	    "\\x{1680}\\x{2000}-\\x{200d}\\x{2028}\\x{2029}\\x{202f}"
	    "\\x{205f}\\x{3000}\\x{180e}\\x{2060}\\x{feff}]\" repl=\" \"",
	    p_none, emit_plain),
	MAP(NULL, "XMLTagCleaner", "xml-to-text", p_none, emit_plain),
};

const struct dm_rop *
dm_rop_find(const char *name, int datamate)
{
	size_t i;

	for (i = 0; i < NELEM(table); i++) {
		if (datamate && table[i].dmate &&
		    strcmp(table[i].dmate, name) == 0)
			return &table[i];
		if (!datamate && table[i].dj && strcmp(table[i].dj, name) == 0)
			return &table[i];
	}
	return NULL;
}

const struct dm_rop *
dm_rop_all(size_t *n)
{
	*n = NELEM(table);
	return table;
}

const char *const *
dm_rop_names(int datamate, size_t *n)
{
	static const char *names[2][NELEM(table)];
	static size_t count[2];
	size_t i;

	if (count[datamate] == 0)
		for (i = 0; i < NELEM(table); i++) {
			const char *s = datamate ? table[i].dmate :
			    table[i].dj;

			if (s)
				names[datamate][count[datamate]++] = s;
		}
	*n = count[datamate];
	return names[datamate];
}

/* The keyword arguments of Data-Juicer's OP base class, and the run-time
 * settings DataMate merges into each operator: none changes a result. */
int
dm_rop_ignored(const char *name)
{
	static const char *const names[] = { "accelerator", "audio_key",
		"batch_size", "cpu_required", "gpu_required", "history_key",
		"image_bytes_key", "image_key", "index_key", "instruction_key",
		"mem_required", "num_proc", "prompt_key", "query_key",
		"response_key", "skip_op_error", "stats_export_path",
		"system_key", "turbo", "video_key", "work_dir",
		"audio_special_token", "eoc_special_token",
		"image_special_token", "video_special_token" };
	size_t i;

	for (i = 0; i < NELEM(names); i++)
		if (strcmp(names[i], name) == 0)
			return 1;
	return 0;
}
