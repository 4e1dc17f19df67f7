/* stats.c - stats: write text statistics into an object field */
#include <stdlib.h>
#include <string.h>

#include "dm.h"

/*
 * names lists statistics of dm_stats_all(); one that takes an argument
 * may carry it after a colon: char_rep:5, stopword_ratio:fr (and a named
 * word list after another: stopword_ratio:de:iso); a statistic of words
 * takes its SentencePiece model last, words:sp=en, word_rep:10:sp=en
 * (dm.h). The key in
 * the object is the name, with the argument after an underscore when one
 * was given, colons, '=' and '+' made underscores (char_rep_5,
 * stopword_ratio_de_iso, words_sp_en), so that every key is a plain
 * field name an expression can address (stats.char_rep_5). Integers
 * (len, words, ...) are written as JSON integers, ratios as reals.
 */

static const struct dm_param params[] = {
	{ .name = "names", .type = DM_P_LIST,
	  .def = "len,words,lines,alnum_ratio,avg_line_len,max_line_len,"
	    "special_ratio",
	  .help = "statistics to write, of: alnum_ratio alpha_token_ratio "
	    "avg_line_len bytes char_rep digit_ratio flagged_ratio len lines "
	    "max_line_len space_ratio special_ratio stopword_ratio tokens "
	    "upper_ratio word_rep words; NAME:ARG gives an argument, "
	    "stopword_ratio and flagged_ratio :cut=true, :aug=N+N and :join=TEXT "
	    "after it, and words, word_rep, stopword_ratio, flagged_ratio "
	    "take :sp=MODEL last" },
	{ .name = "field", .type = DM_P_STR, .def = "stats",
	  .help = "object field that receives them" },
	{ .name = NULL }
};

struct want {
	const struct dm_statdef *d;
	char		*arg;		/* NULL: the default */
	char		*key;
};

struct stats {
	char		*field;
	struct want	*w;
	size_t		 n;
	struct dm_textstats *ts;
};

static void
stats_fini(void *state)
{
	struct stats *st = state;
	size_t i;

	if (st == NULL)
		return;
	for (i = 0; i < st->n; i++) {
		free(st->w[i].arg);
		free(st->w[i].key);
	}
	free(st->w);
	free(st->field);
	dm_textstats_free(st->ts);
	free(st);
}

static void
unknown(const char *name, struct dm_buf *err)
{
	const struct dm_statdef *all;
	const char **names, *close;
	size_t n, i;

	all = dm_stats_all(&n);
	names = dm_xreallocarray(NULL, n, sizeof *names);
	for (i = 0; i < n; i++)
		names[i] = all[i].name;
	close = dm_suggest(name, names, n);
	dm_buf_adds(err, "unknown statistic '");
	dm_buf_addquoted(err, name, strlen(name), 64);
	if (close)
		dm_buf_addf(err, "'; did you mean '%s'?", close);
	else
		dm_buf_addc(err, '\'');
	free(names);
}

/* Parses one item of names into w: 0, or -1 with a message. */
static int
parse_item(const char *item, struct want *w, struct dm_buf *err)
{
	const char *colon = strchr(item, ':');
	char *name;

	name = colon ? dm_xstrndup(item, (size_t)(colon - item)) :
	    dm_xstrdup(item);
	if ((w->d = dm_stat_find(name)) == NULL) {
		unknown(name, err);
		free(name);
		return -1;
	}
	if (colon && w->d->arg == DM_STATARG_NONE &&
	    !(w->d->sp && strncmp(colon + 1, "sp=", 3) == 0)) {
		dm_buf_addf(err, "statistic '%s' takes no argument", name);
		free(name);
		return -1;
	}
	if (colon && colon[1] == '\0') {
		dm_buf_addf(err, "statistic '%s': empty argument after ':'",
		    name);
		free(name);
		return -1;
	}
	if (dm_stat_check(w->d, colon ? colon + 1 : NULL, err) < 0) {
		free(name);
		return -1;
	}
	w->arg = colon ? dm_xstrdup(colon + 1) : NULL;
	w->key = name;
	if (colon) {
		w->key = dm_xreallocarray(name, strlen(item) + 1, 1);
		strcat(w->key, "_");
		strcat(w->key, colon + 1);
		/* stopword_ratio:en:iso is the key stopword_ratio_en_iso */
		for (char *k = w->key; *k; k++)
			if (*k == ':' || *k == '=' || *k == '+')
				*k = '_';
	}
	return 0;
}

/* Where item i of the list was written in its text, for the caret of a
 * message about it: the items are the text split at commas, the empty
 * ones left out. */
static size_t
itemoff(const struct dm_arg *names, size_t i)
{
	const char *s = names->str, *p = s, *e;

	for (;; p = e + 1) {
		e = strchr(p, ',');
		if (e != p && *p != '\0' && i-- == 0)
			return (size_t)(p - s);
		if (e == NULL)
			return 0;
	}
}

static int
stats_init(void **state, const struct dm_args *args, struct dm_buf *err)
{
	const struct dm_arg *names = dm_arg(args, "names");
	const char *field = dm_arg_str(args, "field");
	struct stats *st;
	size_t i, k;

	if (dm_args_fieldpath(args, "field", err) < 0)
		return -1;
	if (names->nlist == 0) {
		dm_buf_adds(err, "no statistic named in 'names'");
		dm_args_blame(args, "names", 0);
		return -1;
	}
	st = dm_xcalloc(1, sizeof *st);
	st->field = dm_xstrdup(field);
	st->w = dm_xcalloc(names->nlist, sizeof *st->w);
	for (i = 0; i < names->nlist; i++) {
		if (parse_item(names->list[i], &st->w[st->n], err) < 0) {
			dm_args_blame(args, "names", itemoff(names, i));
			stats_fini(st);
			return -1;
		}
		for (k = 0; k < st->n; k++)
			if (strcmp(st->w[k].key, st->w[st->n].key) == 0)
				break;
		if (k < st->n && (st->w[k].d != st->w[st->n].d ||
		    (st->w[k].arg == NULL) != (st->w[st->n].arg == NULL) ||
		    (st->w[k].arg && strcmp(st->w[k].arg,
		    st->w[st->n].arg) != 0))) {
			dm_buf_addf(err, "two statistics would be written as "
			    "'%s': '%s%s%s' and '%s'", st->w[k].key,
			    st->w[k].d->name, st->w[k].arg ? ":" : "",
			    st->w[k].arg ? st->w[k].arg : "", names->list[i]);
			dm_args_blame(args, "names", itemoff(names, i));
			free(st->w[st->n].arg);
			free(st->w[st->n].key);
			stats_fini(st);
			return -1;
		}
		if (k < st->n) {
			/* the same statistic twice: written once */
			free(st->w[st->n].arg);
			free(st->w[st->n].key);
			continue;
		}
		st->n++;
	}
	st->ts = dm_textstats_new();
	*state = st;
	return 0;
}

static int
stats_sample(void *state, struct dm_sample *s, const char *key,
    struct dm_buf *err)
{
	struct stats *st = state;
	const char *text;
	json_t *o;
	double v;
	size_t n, i;

	if (dm_sample_text(s, key, &text, &n, err) < 0)
		return -1;
	dm_textstats_reset(st->ts, text, n);
	o = json_object();
	for (i = 0; i < st->n; i++) {
		if (dm_textstats_get(st->ts, st->w[i].d, st->w[i].arg, &v,
		    err) < 0) {
			json_decref(o);
			return -1;
		}
		json_object_set_new(o, st->w[i].key, st->w[i].d->isint ?
		    json_integer((json_int_t)v) : json_real(v));
	}
	return dm_sample_set_new(s, st->field, o, err);
}

const struct dm_opdef dm_op_stats = {
	.name = "stats",
	.kind = DM_OP_MAP,
	.summary = "write text statistics (len, words, ratios) to an object "
	    "field",
	.params = params,
	.init = stats_init,
	.sample = stats_sample,
	.fini = stats_fini,
};
