/* recipe.c - read a Data-Juicer or DataMate recipe and turn it into dm stages */
#include <sys/stat.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "recipe.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define problem		dm_recipe_problem
#define ignore		dm_recipe_ignore

/* Top-level keys dm reads. */
static const char *const used[] = { "dataset", "dataset_path",
	"export_path", "np", "process", "skip_op_error", "suffixes",
	"text_keys" };

/* Top-level keys of Data-Juicer's config and DataMate's process.yaml that
 * change nothing in what dm writes: accepted, and listed by check. */
static const char *const ignorable[] = { "add_suffix", "audio_key",
	"auto", "auto_num", "cache_compress", "data_probe_algo",
	"data_probe_ratio", "dataset_id", "debug", "ds_cache_dir",
	"eoc_special_token", "executor_type", "export_in_parallel",
	"export_original_dataset", "fusion_strategy", "hpo_config",
	"image_key", "image_special_token", "instance_id",
	"load_dataset_kwargs", "op_fusion", "op_list_to_trace",
	"open_monitor", "open_tracer", "percentiles", "project_name",
	"ray_address", "save_stats_in_one_file",
	"temp_dir", "trace_num", "turbo", "use_cache", "use_checkpoint",
	"video_key", "video_special_token", "work_dir" };

/* Top-level keys of Data-Juicer's export that dm follows at their
 * default only (listed by check then) or, for export_type, at jsonl. */
static const char *const exporting[] = { "export_shard_size", "export_type",
	"keep_hashes_in_res_ds", "keep_stats_in_res_ds" };

static int
isin(const char *s, const char *const *names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(s, names[i]) == 0)
			return 1;
	return 0;
}

void
dm_recipe_problem(const struct dm_recipe *r, const struct dm_ynode *at,
    const char *fmt, ...)
{
	struct dm_buf b = DM_BUF_INIT;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	dm_buf_grow(&b, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(b.buf, (size_t)n + 1, fmt, ap);
	va_end(ap);
	if (at)
		dm_warn("%s:%lu:%lu: %s", r->path, at->line, at->col, b.buf);
	else
		dm_warn("%s: %s", r->path, b.buf);
	dm_buf_free(&b);
}

void
dm_recipe_ignore(struct dm_recipe *r, const struct dm_ynode *at,
    const char *what, const char *op)
{
	dm_buf_addf(&r->ignored, "%s:%lu:%lu: ignored: %s", r->path, at->line,
	    at->col, what);
	if (op)
		dm_buf_addf(&r->ignored, " of '%s'", op);
	dm_buf_addc(&r->ignored, '\n');
}

/*
 * A key of exporting: at Data-Juicer's default (null, false, 0) it is
 * ignored; export_type jsonl is what dm writes, and goes in r->exptype;
 * any other value changes what Data-Juicer writes and is an error.
 */
static int
export_key(struct dm_recipe *r, const struct dm_ynode *k,
    const struct dm_ynode *v)
{
	const char *s = v->kind == DM_Y_SCALAR ? v->val : "";

	/* a quoted "0" or "false" too, which jsonargparse reads as YAML */
	if (dm_risnull(v) || (v->kind == DM_Y_SCALAR &&
	    ((strcmp(k->val, "export_shard_size") == 0 &&
	    strcmp(s, "0") == 0) ||
	    (strncmp(k->val, "keep_", 5) == 0 && dm_rbool(s) == 0)))) {
		ignore(r, k, k->val, NULL);
		return 0;
	}
	if (strcmp(k->val, "export_type") == 0) {
		if (strcmp(s, "jsonl") == 0) {
			r->exptype = s;
			return 0;
		}
		problem(r, v, "export_type '%s' is not supported by dm, which "
		    "writes JSON Lines (jsonl)", s);
	} else if (strcmp(k->val, "export_shard_size") == 0)
		problem(r, v, "export_shard_size '%s' is not supported by dm, "
		    "which writes one file", s);
	else if (v->kind != DM_Y_SCALAR || dm_rbool(s) < 0)
		problem(r, v, "%s wants true or false", k->val);
	else if (strcmp(k->val, "keep_stats_in_res_ds") == 0)
		problem(r, v, "keep_stats_in_res_ds: true is not supported by "
		    "dm, which leaves __dj__stats__ out of the export");
	else
		problem(r, v, "keep_hashes_in_res_ds: true is not supported by "
		    "dm, which keeps no hashes of deduplicators");
	return -1;
}

/* The index of the stage that the next operator of kind goes to: the last
 * one when it is of that kind (and as strict), else a new one. */
static size_t
landing(const struct dm_recipe *r, enum dm_rkind kind, int strict)
{
	if (r->nstage > 0 && r->stage[r->nstage - 1].kind == kind &&
	    r->stage[r->nstage - 1].strict == strict && kind != DM_R_DEDUP &&
	    kind != DM_R_SLICE)
		return r->nstage - 1;
	return r->nstage;
}

static struct dm_rstage *
stage(struct dm_recipe *r, enum dm_rkind kind, int strict)
{
	struct dm_rstage *s;

	if (landing(r, kind, strict) < r->nstage)
		return &r->stage[r->nstage - 1];
	r->stage = dm_xreallocarray(r->stage, r->nstage + 1, sizeof *r->stage);
	s = &r->stage[r->nstage++];
	s->kind = kind;
	s->strict = strict;
	dm_buf_init(&s->text);
	return s;
}

/*
 * The parameter of args whose value a message of dm-map or dm-filter about
 * the dm text names ("..., not '25'"), or NULL: the first whose scalar
 * value is that text.
 */
static const struct dm_ynode *
named_value(const struct dm_ynode *args, const char *msg, size_t len)
{
	const char *p, *q = NULL;
	size_t i, n;

	for (p = msg; (p = strstr(p, ", not '")) != NULL && p < msg + len;
	    p++)
		q = p + strlen(", not '");
	if (q == NULL || len < 1 || msg[len - 1] != '\'' || q > msg + len - 1)
		return NULL;
	n = (size_t)(msg + len - 1 - q);
	for (i = 0; args && args->kind == DM_Y_MAP && i + 1 < args->n; i += 2)
		if (args->kid[i + 1]->kind == DM_Y_SCALAR &&
		    strlen(args->kid[i + 1]->val) == n &&
		    memcmp(args->kid[i + 1]->val, q, n) == 0)
			return args->kid[i + 1];
	return NULL;
}

/*
 * Whether the dm text of one operator parses as dm-map or dm-filter would
 * parse it. Their message names a column of the dm text: when it is about
 * a value of the recipe's parameters, it is reported at that value
 * instead, else as they write it, with the operator's line.
 */
static int
valid(const struct dm_recipe *r, enum dm_rkind kind, const char *text,
    const struct dm_ynode *at, const struct dm_ynode *args)
{
	struct dm_chain *c;
	struct dm_expr *e = NULL;
	struct dm_buf msg = DM_BUF_INIT, pre = DM_BUF_INIT;
	const struct dm_ynode *v;
	const char *p, *end;
	char buf[4096];
	FILE *f;
	size_t n;
	int ok = 1, saved = -1;

	if (kind != DM_R_MAP && kind != DM_R_FILTER)
		return 1;
	if ((f = tmpfile()) != NULL && (saved = dup(2)) >= 0)
		dup2(fileno(f), 2);
	if (kind == DM_R_MAP) {
		c = dm_chain_new();
		ok = dm_chain_parse(c, text, r->path, at->line) == 0 &&
		    dm_chain_init(c) == 0;
		dm_chain_free(c);
	} else if ((e = dm_expr_parse(text, r->path, at->line)) == NULL)
		ok = 0;
	dm_expr_free(e);
	if (saved >= 0) {
		dup2(saved, 2);
		close(saved);
	}
	if (f == NULL)
		return ok;
	rewind(f);
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		dm_buf_add(&msg, buf, n);
	fclose(f);
	if (msg.len == 0) {
		dm_buf_free(&msg);
		return ok;
	}
	/* "prog: path:line:col: message\n" and the dm text with a caret */
	dm_buf_addf(&pre, "%s: %s:", dm_prog, r->path);
	end = strchr(msg.buf, '\n');
	p = NULL;
	if (end && strncmp(msg.buf, pre.buf, pre.len) == 0) {
		p = msg.buf + pre.len;
		p += strspn(p, "0123456789");
		if (*p == ':')
			p += 1 + strspn(p + 1, "0123456789");
		p = strncmp(p, ": ", 2) == 0 ? p + 2 : NULL;
	}
	dm_buf_free(&pre);
	if (p && (v = named_value(args, p, (size_t)(end - p))) != NULL)
		dm_warn("%s:%lu:%lu: %.*s", r->path, v->line, v->col,
		    (int)(end - p), p);
	else
		dm_write_stderr(msg.buf, msg.len);
	dm_buf_free(&msg);
	return ok;
}

/* Where Data-Juicer's statistics go in a sample (Fields.stats); its export
 * leaves them out (keep_stats_in_res_ds: false). */
#define STATS	"__dj__stats__"

/*
 * Keeps the statistic of rs in STATS.key: a "set" ahead of the stage of
 * the filter that computed it, at the end of the mappers before it or in
 * a stage of its own. -1 when reported.
 */
static int
keep(struct dm_recipe *r, struct dm_rstat *rs, const struct dm_ynode *at)
{
	struct dm_buf b = DM_BUF_INIT;
	struct dm_rstage *st;
	const char *p;
	size_t i;

	dm_buf_addf(&b, "set " STATS ".%s=\"", rs->key);
	for (p = rs->text; *p; p++) {
		if (*p == '"' || *p == '\\')
			dm_buf_addc(&b, '\\');
		dm_buf_addc(&b, *p);
	}
	dm_buf_addc(&b, '"');
	if (!valid(r, DM_R_MAP, b.buf, at, NULL)) {
		dm_buf_free(&b);
		return -1;
	}
	if (rs->stage > 0 && r->stage[rs->stage - 1].kind == DM_R_MAP) {
		dm_buf_adds(&r->stage[rs->stage - 1].text, "; ");
		dm_buf_adds(&r->stage[rs->stage - 1].text, b.buf);
		dm_buf_free(&b);
	} else {
		r->stage = dm_xreallocarray(r->stage, r->nstage + 1,
		    sizeof *r->stage);
		memmove(&r->stage[rs->stage + 1], &r->stage[rs->stage],
		    (r->nstage - rs->stage) * sizeof *r->stage);
		r->nstage++;
		st = &r->stage[rs->stage];
		st->kind = DM_R_MAP;
		st->text = b;
		st->strict = 0;
		for (i = 0; i < r->nstats; i++)
			if (r->stats[i].stage >= rs->stage && &r->stats[i] != rs)
				r->stats[i].stage++;
		rs->stage++;
	}
	rs->field = 1;
	r->dropstats = 1;
	return 0;
}

/* The statistic key computed before, or NULL when this is its first use,
 * recorded then as text computed in stage. */
static struct dm_rstat *
firststat(struct dm_recipe *r, const char *key, const char *text,
    size_t stage)
{
	struct dm_rstat *rs;
	size_t i;

	for (i = 0; i < r->nstats; i++)
		if (strcmp(r->stats[i].key, key) == 0)
			return &r->stats[i];
	r->stats = dm_xreallocarray(r->stats, r->nstats + 1, sizeof *r->stats);
	rs = &r->stats[r->nstats++];
	rs->key = key;
	rs->text = dm_xstrdup(text);
	rs->stage = stage;
	rs->field = 0;
	return NULL;
}

/*
 * Data-Juicer computes a statistic once a sample, at the first filter that
 * needs it (OP.run adds Fields.stats once, and each compute_stats skips a
 * key it holds): a later filter of the same key reads that value, with
 * the first one's parameters and on the text as it was then, whatever a
 * mapper did since. The statistic in out, of a range filter, becomes the
 * first one's text in the same stage, else the field keep() keeps it in.
 * -1 when reported.
 */
static int
reuse(struct dm_recipe *r, const struct dm_rop *op,
    const struct dm_ynode *args, const struct dm_ynode *at,
    struct dm_buf *out)
{
	struct dm_buf stat = DM_BUF_INIT, err = DM_BUF_INIT, with = DM_BUF_INIT,
	    b = DM_BUF_INIT;
	const struct dm_ynode *bad;
	struct dm_rstat *rs;
	const char *key, *p, *q;
	size_t j;
	int rc = 0;

	if (dm_range_stat(op, args, &stat, &key, &err, &bad) < 0 ||
	    key == NULL)
		goto out;
	j = landing(r, DM_R_FILTER, 0);
	if ((rs = firststat(r, key, stat.buf, j)) == NULL)
		goto out;
	if (rs->stage == j)
		dm_buf_adds(&with, rs->text);
	else {
		if (!rs->field && keep(r, rs, at) < 0) {
			rc = -1;
			goto out;
		}
		dm_buf_addf(&with, "." STATS ".%s", key);
	}
	if (strcmp(stat.buf, with.buf) == 0)
		goto out;
	for (p = out->buf; (q = strstr(p, stat.buf)) != NULL; p = q +
	    stat.len) {
		dm_buf_add(&b, p, (size_t)(q - p));
		dm_buf_adds(&b, with.buf);
	}
	dm_buf_adds(&b, p);
	dm_buf_reset(out);
	dm_buf_adds(out, b.buf);
out:
	dm_buf_free(&stat);
	dm_buf_free(&err);
	dm_buf_free(&with);
	dm_buf_free(&b);
	return rc;
}

/*
 * The specified filters copy their field into __dj__stats__.field_key at
 * the first of them, and a later one of the same key reads that copy (as
 * reuse() says of the statistics), which differs from the field when it is
 * the text and a mapper changed it since: keep() keeps the first value
 * for them there. Other fields no operator changes. -1 when reported.
 */
static int
share(struct dm_recipe *r, const struct dm_ynode *args,
    const struct dm_ynode *at)
{
	const struct dm_ynode *v = dm_yaml_get(args, "field_key");
	struct dm_rstat *rs;
	const char *key;
	size_t i, j;

	if (dm_risnull(v) || v->kind != DM_Y_SCALAR ||
	    strcmp(v->val, r->key) != 0 || strchr(v->val, '.') != NULL)
		return 0;
	key = v->val;
	j = landing(r, DM_R_FILTER, 1);
	if ((rs = firststat(r, key, key, j)) == NULL)
		return 0;
	for (i = rs->stage; i < j && !rs->field; i++)
		if (r->stage[i].kind == DM_R_MAP)
			return keep(r, rs, at);
	return 0;
}

/* One "- name: {params}" item. 0, 1 when left out, -1 on an error. */
static int
operator(struct dm_recipe *r, const struct dm_ynode *item, int skip)
{
	const struct dm_ynode *name, *args, *at = NULL, *v;
	const struct dm_rop *op;
	const struct dm_rparam *p;
	const char *const *names;
	const char *s, *opname;
	struct dm_buf out = DM_BUF_INIT, err = DM_BUF_INIT;
	struct dm_rstage *st;
	size_t i, n;
	int bad = 0, strict;

	/* Data-Juicer takes the keys of each item (list(op.keys())[0]),
	 * and stops at one that is a string */
	if (dm_risnull(item)) {
		problem(r, item, "an empty item: expected '- operator_name: "
		    "{parameters}'");
		return -1;
	} else if (item->kind == DM_Y_SCALAR && *item->val) {
		problem(r, item, "operator '%s' without its colon: write "
		    "'- %s:'", item->val, item->val);
		return -1;
	} else if (item->kind == DM_Y_MAP && item->n == 2 &&
	    item->kid[0]->kind == DM_Y_SCALAR) {
		name = item->kid[0];
		args = item->kid[1];
	} else if (item->kind == DM_Y_MAP && item->n > 2 &&
	    item->kid[0]->kind == DM_Y_SCALAR &&
	    item->kid[2]->kind == DM_Y_SCALAR) {
		/* Data-Juicer runs the first key with its value and drops
		 * the rest unread: a parameter indented as deep as the
		 * operator's name, or a second operator without its '-' */
		if (dm_rop_find(item->kid[2]->val, 0) != NULL ||
		    dm_rop_find(item->kid[2]->val, 1) != NULL)
			problem(r, item->kid[2], "operator '%s' in the item of "
			    "'%s': each operator is an item of its own "
			    "('- %s:')", item->kid[2]->val, item->kid[0]->val,
			    item->kid[2]->val);
		else
			problem(r, item->kid[2], "'%s' is beside the operator "
			    "'%s', not one of its parameters: indent it "
			    "deeper than the operator's name",
			    item->kid[2]->val, item->kid[0]->val);
		return -1;
	} else {
		problem(r, item, "expected '- operator_name: {parameters}'");
		return -1;
	}
	opname = name->val;
	if ((op = dm_rop_find(opname, r->datamate)) == NULL &&
	    (op = dm_rop_find(opname, !r->datamate)) == NULL) {
		names = dm_rop_names(r->datamate, &n);
		if ((s = dm_suggest(opname, names, n)) == NULL) {
			names = dm_rop_names(!r->datamate, &n);
			s = dm_suggest(opname, names, n);
		}
		if (s)
			problem(r, name, "unknown operator '%s'; did you mean "
			    "'%s'?", opname, s);
		else
			problem(r, name, "unknown operator '%s'", opname);
		return -1;
	}
	if (dm_risnull(args))
		args = NULL;
	if (args != NULL && args->kind != DM_Y_MAP) {
		problem(r, args, "the parameters of '%s' are not a mapping",
		    opname);
		return -1;
	}
	if (op->kind == DM_R_NONE) {
		if (skip) {
			problem(r, name, "operator '%s' is not supported by "
			    "dm (%s); left out", opname, op->why);
			return 1;
		}
		problem(r, name, "operator '%s' is not supported by dm (%s)",
		    opname, op->why);
		return -1;
	}
	strict = op->strict ? (r->skiperr ? 1 : 2) : 0;
	for (i = 0; args != NULL && i + 1 < args->n; i += 2) {
		const struct dm_ynode *k = args->kid[i], *v = args->kid[i + 1];

		if (k->kind != DM_Y_SCALAR) {
			problem(r, k, "a parameter name is not a string");
			bad = 1;
			continue;
		}
		if ((p = dm_rop_param(op, k->val)) != NULL) {
			dm_buf_reset(&err);
			if (dm_rop_check(op, p, v, &err) < 0) {
				problem(r, v, "%s", err.buf);
				bad = 1;
			}
			continue;
		}
		/* Data-Juicer's update_op_attr gives a null text_key the
		 * value of text_keys */
		if (strcmp(k->val, "text_key") == 0) {
			if (!dm_risnull(v) && (v->kind != DM_Y_SCALAR ||
			    strcmp(v->val, r->key) != 0)) {
				problem(r, v, "parameter 'text_key' of '%s' "
				    "differs from text_keys '%s'", opname,
				    r->key);
				bad = 1;
			}
			continue;
		}
		/* update_op_attr gives an operator the top-level
		 * skip_op_error unless it has its own: of a filter that fails
		 * a sample (dm-filter -s), whether the sample is left out */
		if (op->strict && strcmp(k->val, "skip_op_error") == 0 &&
		    !dm_risnull(v)) {
			if (v->kind != DM_Y_SCALAR || !v->plain ||
			    dm_rbool(v->val) < 0) {
				problem(r, v, "parameter 'skip_op_error' of '%s' "
				    "wants true or false", opname);
				bad = 1;
			} else
				strict = dm_rbool(v->val) ? 1 : 2;
			continue;
		}
		if (r->datamate || dm_rop_ignored(k->val)) {
			ignore(r, k, k->val, opname);
			continue;
		}
		for (n = 0; op->params[n].name; n++)
			;
		{
			const char **pn = dm_xcalloc(n + 1, sizeof *pn);

			for (n = 0; op->params[n].name; n++)
				pn[n] = op->params[n].name;
			s = dm_suggest(k->val, pn, n);
			free(pn);
		}
		if (s)
			problem(r, k, "unknown parameter '%s' of '%s'; did you "
			    "mean '%s'?", k->val, opname, s);
		else
			problem(r, k, "unknown parameter '%s' of '%s'",
			    k->val, opname);
		bad = 1;
	}
	if (bad) {
		dm_buf_free(&err);
		return -1;
	}
	dm_buf_reset(&err);
	/* add_suffix: true has Data-Juicer add __dj__suffix__ as it loads
	 * the files, which suffix_filter reads and dm does not add */
	if (op->emit(op, args, &out, &err, &at) == 0) {
		if (!(op->dj && strcmp(op->dj, "suffix_filter") == 0 &&
		    out.len > 0 && (v = dm_yaml_get(r->root,
		    "add_suffix")) != NULL && v->kind == DM_Y_SCALAR &&
		    dm_rbool(v->val) == 1))
			goto emitted;
		dm_buf_adds(&err, "'suffix_filter' after add_suffix: true is not "
		    "supported by dm, which does not add __dj__suffix__");
		at = name;
	}
	{
		if (skip && strstr(err.buf, "not supported") != NULL) {
			problem(r, at ? at : name, "%s; '%s' left out",
			    err.buf, opname);
			bad = 1;
		} else {
			problem(r, at ? at : name, "%s", err.buf);
			bad = -1;
		}
		dm_buf_free(&out);
		dm_buf_free(&err);
		return bad;
	}
emitted:
	dm_buf_free(&err);
	if (out.len == 0) {		/* a no-op, as Data-Juicer runs it */
		dm_buf_free(&out);
		r->ops++;
		return 0;
	}
	if (!valid(r, op->kind, out.buf, name, args) ||
	    (op->emit == dm_emit_range && reuse(r, op, args, name,
	    &out) < 0) || (op->strict && share(r, args, name) < 0)) {
		dm_buf_free(&out);
		return -1;
	}
	/* DataMate's Filter base drops an empty text before its duplicate
	 * check sees it: "len > 0" ahead of the dedup stage */
	if (op->dropempty && op->kind == DM_R_DEDUP) {
		st = stage(r, DM_R_FILTER, 0);
		if (st->text.len == 0)
			dm_buf_adds(&st->text, DROPEMPTY);
		else if (strcmp(st->text.buf, DROPEMPTY) != 0 &&
		    strncmp(st->text.buf, DROPEMPTY " && ",
		    strlen(DROPEMPTY " && ")) != 0)
			dm_buf_adds(&st->text, " && " DROPEMPTY);
	}
	st = stage(r, op->kind, strict);
	s = out.buf;
	/* one "len > 0" is enough for a run of DataMate filters */
	if (op->dropempty && op->kind == DM_R_FILTER && st->text.len > 0 &&
	    (strcmp(st->text.buf, DROPEMPTY) == 0 || strncmp(st->text.buf,
	    DROPEMPTY " && ", strlen(DROPEMPTY " && ")) == 0))
		s += strlen(DROPEMPTY " && ");
	if (st->text.len)
		dm_buf_adds(&st->text, op->kind == DM_R_MAP ? "; " : " && ");
	dm_buf_adds(&st->text, s);
	dm_buf_free(&out);
	if (op->dropempty && op->kind == DM_R_MAP)
		dm_buf_adds(&stage(r, DM_R_FILTER, 0)->text, DROPEMPTY);
	r->ops++;
	return 0;
}

/* A DataMate recipe names its operators by class; its samples are file
 * records whose text load reads. */
static int
is_datamate(const struct dm_ynode *root, const struct dm_ynode *proc)
{
	const struct dm_ynode *it;
	size_t i;

	if (dm_yaml_get(root, "instance_id") || dm_yaml_get(root,
	    "dataset_id"))
		return 1;
	for (i = 0; proc && proc->kind == DM_Y_SEQ && i < proc->n; i++) {
		it = proc->kid[i];
		if (it->kind == DM_Y_MAP && it->n == 2 &&
		    it->kid[0]->kind == DM_Y_SCALAR &&
		    dm_rop_find(it->kid[0]->val, 0) == NULL &&
		    dm_rop_find(it->kid[0]->val, 1) != NULL)
			return 1;
	}
	return 0;
}

static int
paths(struct dm_recipe *r)
{
	const struct dm_ynode *v;
	struct stat st;
	int bad = 0;

	if (dm_recipe_dataset(r) < 0)
		bad = 1;
	if (!dm_risnull(v = dm_yaml_get(r->root, "export_path"))) {
		const char *e = v->kind == DM_Y_SCALAR ? v->val : "", *t;
		size_t n = strlen(e);

		r->export_at = v;

		if (n == 0) {
			problem(r, v, "export_path is not a file name");
			bad = 1;
		} else if (e[n - 1] == '/' || (stat(e, &st) == 0 &&
		    S_ISDIR(st.st_mode))) {
			/*
			 * DataMate's export_path is a folder, there or not
			 * yet (a final '/'), which run makes: the file in it
			 * is named as the dataset's last name, its final '/'
			 * left out, where a name of nothing would be the
			 * folder itself.
			 */
			const char *d = r->dataset ? r->dataset : "", *base;
			size_t dn = strlen(d);
			struct dm_buf b = DM_BUF_INIT;

			while (dn > 0 && d[dn - 1] == '/')
				dn--;
			for (base = d + dn; base > d && base[-1] != '/'; base--)
				;
			dm_buf_addf(&b, "%s%s", e, e[n - 1] == '/' ? "" : "/");
			if (d + dn == base || (d + dn - base == 1 &&
			    *base == '.') || (d + dn - base == 2 &&
			    strncmp(base, "..", 2) == 0))
				dm_buf_adds(&b, "export.jsonl");
			else
				dm_buf_add(&b, base, (size_t)(d + dn - base));
			r->export = dm_buf_detach(&b, NULL);
		} else if (r->exptype == NULL && (t = strrchr(e, '.')) !=
		    NULL && strcasecmp(t, ".parquet") == 0) {
			problem(r, v, "export_path '%s': dm writes JSONL, not "
			    "Parquet", e);
			bad = 1;
		} else if (r->exptype == NULL && !r->datamate && t != NULL &&
		    strcasecmp(t, ".json") == 0) {
			/* Data-Juicer's export type is export_path's suffix */
			problem(r, v, "export_path '%s': Data-Juicer writes a "
			    ".json export as a JSON array, which dm does not "
			    "write (export_type: jsonl writes JSON Lines)", e);
			bad = 1;
		} else if (r->exptype == NULL && !r->datamate && t != NULL &&
		    t > e && t[-1] != '/' && strchr(t, '/') == NULL &&
		    strcasecmp(t, ".jsonl") != 0 && (stat(e, &st) < 0 ||
		    S_ISREG(st.st_mode))) {
			/* Data-Juicer stops at any other suffix (out.jsonl.gz
			 * is no gzip file) */
			problem(r, v, "export_path '%s': Data-Juicer writes no "
			    "'%s' export (its suffix is the format: .jsonl, "
			    ".json, .parquet), and dm writes JSON Lines "
			    "(export_type: jsonl writes them under any name)",
			    e, t);
			bad = 1;
		} else
			r->export = dm_xstrdup(e);
	}
	return bad ? -1 : 0;
}

int
dm_recipe_load(struct dm_recipe *r, const char *path, int skip)
{
	struct dm_buf err = DM_BUF_INIT;
	const struct dm_ynode *proc, *v, *k;
	const char *s;
	char *end;
	size_t i;
	int bad = 0, rc;

	memset(r, 0, sizeof *r);
	r->path = strcmp(path, "-") == 0 ? "<stdin>" : path;
	r->key = "text";
	r->skiperr = 1;
	dm_buf_init(&r->ignored);
	if ((r->root = dm_yaml_load(path, &err)) == NULL) {
		dm_warn("%s", err.buf);
		dm_buf_free(&err);
		return -1;
	}
	if (r->root->kind != DM_Y_MAP) {
		problem(r, r->root, "a recipe is a mapping of keys "
		    "(dataset_path, process, ...)");
		return -1;
	}
	proc = dm_yaml_get(r->root, "process");
	r->datamate = is_datamate(r->root, proc);
	for (i = 0; i + 1 < r->root->n; i += 2) {
		k = r->root->kid[i];
		if (k->kind != DM_Y_SCALAR)
			continue;
		if (isin(k->val, used, NELEM(used)))
			continue;
		if (isin(k->val, exporting, NELEM(exporting))) {
			if (export_key(r, k, r->root->kid[i + 1]) < 0)
				bad = 1;
			continue;
		}
		if (isin(k->val, ignorable, NELEM(ignorable))) {
			ignore(r, k, k->val, NULL);
			continue;
		}
		if ((s = dm_suggest(k->val, used, NELEM(used))) != NULL)
			problem(r, k, "unknown key '%s' ignored; did you mean "
			    "'%s'?", k->val, s);
		else
			problem(r, k, "unknown key '%s' ignored", k->val);
		ignore(r, k, k->val, NULL);
	}
	/* text_keys: null is Data-Juicer's default, 'text' */
	if (!dm_risnull(v = dm_yaml_get(r->root, "text_keys"))) {
		if (v->kind == DM_Y_SEQ && v->n == 1 &&
		    v->kid[0]->kind == DM_Y_SCALAR)
			v = v->kid[0];
		if (v->kind != DM_Y_SCALAR || *v->val == '\0') {
			problem(r, v, "text_keys: dm processes one text "
			    "field");
			bad = 1;
		} else
			r->key = v->val;
	}
	if (!dm_risnull(v = dm_yaml_get(r->root, "np"))) {
		errno = 0;
		r->np = v->kind == DM_Y_SCALAR ? strtol(v->val, &end, 10) : 0;
		if (v->kind != DM_Y_SCALAR || end == v->val || *end ||
		    errno || r->np < 1 || r->np > 100000) {
			problem(r, v, "np wants a number of processes from 1 "
			    "to 100000");
			bad = 1;
		}
	}
	/* jsonargparse reads a quoted value of a typed key as YAML too:
	 * skip_op_error: "false" is false, np: "4" is 4 */
	if (!dm_risnull(v = dm_yaml_get(r->root, "skip_op_error"))) {
		if (v->kind != DM_Y_SCALAR || dm_rbool(v->val) < 0) {
			problem(r, v, "skip_op_error wants true or false");
			bad = 1;
		} else
			r->skiperr = dm_rbool(v->val);
	}
	if (paths(r) < 0)
		bad = 1;
	if (r->datamate) {
		struct dm_rstage *st = stage(r, DM_R_MAP, 0);

		dm_buf_adds(&st->text, "load field=filePath");
	}
	if (dm_risnull(proc))
		;
	else if (proc->kind != DM_Y_SEQ) {
		problem(r, proc, "'process' is not a list of operators");
		bad = 1;
	} else
		for (i = 0; i < proc->n; i++)
			if ((rc = operator(r, proc->kid[i], skip)) < 0)
				bad = 1;
	/* Data-Juicer's export leaves its statistics out */
	if (r->dropstats) {
		struct dm_rstage *st = stage(r, DM_R_MAP, 0);

		dm_buf_adds(&st->text, st->text.len ? "; drop fields=" STATS :
		    "drop fields=" STATS);
	}
	dm_buf_free(&err);
	return bad ? -1 : 0;
}

void
dm_recipe_free(struct dm_recipe *r)
{
	size_t i;

	for (i = 0; i < r->nstage; i++)
		dm_buf_free(&r->stage[i].text);
	free(r->stage);
	for (i = 0; i < r->nstats; i++)
		free(r->stats[i].text);
	free(r->stats);
	free(r->export);
	for (i = 0; i < r->nfiles; i++)
		free(r->files[i]);
	free(r->files);
	dm_buf_free(&r->ignored);
	dm_yaml_free(r->root);
	memset(r, 0, sizeof *r);
}
