/* ops.c - the operator registry: built-ins, plugins from DM_OPS_PATH, dm ops */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dm.h"

extern const struct dm_opdef dm_op_anonymize;
extern const struct dm_opdef dm_op_c4;
extern const struct dm_opdef dm_op_chinese_convert;
extern const struct dm_opdef dm_op_clean_html;
extern const struct dm_opdef dm_op_collapse_ws;
extern const struct dm_opdef dm_op_drop;
extern const struct dm_opdef dm_op_expand_macros;
extern const struct dm_opdef dm_op_fineweb;
extern const struct dm_opdef dm_op_fix_unicode;
extern const struct dm_opdef dm_op_fullwidth;
extern const struct dm_opdef dm_op_gopher;
extern const struct dm_opdef dm_op_gopher_rep;
extern const struct dm_opdef dm_op_hash;
extern const struct dm_opdef dm_op_jieba_cut;
extern const struct dm_opdef dm_op_keep;
extern const struct dm_opdef dm_op_langid;
extern const struct dm_opdef dm_op_load;
extern const struct dm_opdef dm_op_lower;
extern const struct dm_opdef dm_op_normalize_punct;
extern const struct dm_opdef dm_op_normalize_ws;
extern const struct dm_opdef dm_op_remove_chars;
extern const struct dm_opdef dm_op_remove_copyright;
extern const struct dm_opdef dm_op_remove_emails;
extern const struct dm_opdef dm_op_remove_header;
extern const struct dm_opdef dm_op_remove_incorrect_substrings;
extern const struct dm_opdef dm_op_remove_invisible;
extern const struct dm_opdef dm_op_remove_ips;
extern const struct dm_opdef dm_op_remove_long_words;
extern const struct dm_opdef dm_op_remove_repeat_sentences;
extern const struct dm_opdef dm_op_remove_table_text;
extern const struct dm_opdef dm_op_remove_urls;
extern const struct dm_opdef dm_op_rename;
extern const struct dm_opdef dm_op_replace;
extern const struct dm_opdef dm_op_set;
extern const struct dm_opdef dm_op_stats;
extern const struct dm_opdef dm_op_strip;
extern const struct dm_opdef dm_op_truncate;
extern const struct dm_opdef dm_op_unicode;
extern const struct dm_opdef dm_op_upper;
/* DataMate's cleaners and filters */
extern const struct dm_opdef dm_op_cjk_repeat;
extern const struct dm_opdef dm_op_phrase_repeat;
extern const struct dm_opdef dm_op_remove_emoji;
extern const struct dm_opdef dm_op_remove_html_tags;
extern const struct dm_opdef dm_op_remove_repeat_lines;
extern const struct dm_opdef dm_op_sensitive_words;
extern const struct dm_opdef dm_op_special_chars;
extern const struct dm_opdef dm_op_stripped_len;
extern const struct dm_opdef dm_op_xml_to_text;

/* Sorted by name (strcmp): dm_ops_find searches it by halves. */
static const struct dm_opdef *const builtin[] = {
	&dm_op_anonymize,
	&dm_op_c4,
	&dm_op_chinese_convert,
	&dm_op_cjk_repeat,
	&dm_op_clean_html,
	&dm_op_collapse_ws,
	&dm_op_drop,
	&dm_op_expand_macros,
	&dm_op_fineweb,
	&dm_op_fix_unicode,
	&dm_op_fullwidth,
	&dm_op_gopher,
	&dm_op_gopher_rep,
	&dm_op_hash,
	&dm_op_jieba_cut,
	&dm_op_keep,
	&dm_op_langid,
	&dm_op_load,
	&dm_op_lower,
	&dm_op_normalize_punct,
	&dm_op_normalize_ws,
	&dm_op_phrase_repeat,
	&dm_op_remove_chars,
	&dm_op_remove_copyright,
	&dm_op_remove_emails,
	&dm_op_remove_emoji,
	&dm_op_remove_header,
	&dm_op_remove_html_tags,
	&dm_op_remove_incorrect_substrings,
	&dm_op_remove_invisible,
	&dm_op_remove_ips,
	&dm_op_remove_long_words,
	&dm_op_remove_repeat_lines,
	&dm_op_remove_repeat_sentences,
	&dm_op_remove_table_text,
	&dm_op_remove_urls,
	&dm_op_rename,
	&dm_op_replace,
	&dm_op_sensitive_words,
	&dm_op_set,
	&dm_op_special_chars,
	&dm_op_stats,
	&dm_op_strip,
	&dm_op_stripped_len,
	&dm_op_truncate,
	&dm_op_unicode,
	&dm_op_upper,
	&dm_op_xml_to_text,
};
#define NBUILTIN	(sizeof builtin / sizeof builtin[0])

static int loaded;
static const struct dm_opdef **plugin;	/* sorted once loading is done */
static size_t nplugin;
static const struct dm_opdef **all;	/* built-ins and plugins, sorted */
static size_t nall;

static int
cmpdef(const void *a, const void *b)
{
	const struct dm_opdef *const *x = a, *const *y = b;

	return strcmp((*x)->name, (*y)->name);
}

static int
cmpstr(const void *a, const void *b)
{
	const char *const *x = a, *const *y = b;

	return strcmp(*x, *y);
}

static const struct dm_opdef *
search(const struct dm_opdef *const *v, size_t n, const char *name)
{
	size_t lo = 0, hi = n, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(name, v[mid]->name);
		if (c == 0)
			return v[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* Whether a and b name one operator: equal, '_' and '-' as one. */
static int
samename(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (*a != *b && !((*a == '_' || *a == '-') &&
		    (*b == '_' || *b == '-')))
			return 0;
	return *a == *b;
}

/* A plugin's strings are printed escaped: they come from outside. */
static const char *
quoted(struct dm_buf *b, const char *s)
{
	dm_buf_reset(b);
	dm_buf_addquoted(b, s, strlen(s), 64);
	return b->buf;
}

static int
valid_name(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || *s == '-' || *s == '_' ||
		    *s == '.'))
			return 0;
	return 1;
}

static void
load_plugin(const char *path)
{
	struct dm_buf q = DM_BUF_INIT;
	const struct dm_opdef *const *ops;
	const char *abi, *e;
	void *h;
	size_t i, k;

	/* Handles stay open: the operators are used until exit. */
	if ((h = dlopen(path, RTLD_NOW | RTLD_LOCAL)) == NULL)
		dm_die("plugin '%s': %s", path, dlerror());
	dlerror();
	abi = dlsym(h, DM_PLUGIN_ABI_SYMBOL);
	if ((e = dlerror()) != NULL || abi == NULL)
		dm_die("plugin '%s': %s", path, e ? e : "no ABI string");
	if (strcmp(abi, DM_OP_ABI) != 0)
		dm_die("plugin '%s': ABI '%s', expected '%s'", path,
		    quoted(&q, abi), DM_OP_ABI);
	ops = dlsym(h, DM_PLUGIN_OPS_SYMBOL);
	if ((e = dlerror()) != NULL || ops == NULL)
		dm_die("plugin '%s': %s", path, e ? e : "no operator list");
	for (i = 0; ops[i] != NULL; i++) {
		if (ops[i]->name == NULL || !valid_name(ops[i]->name))
			dm_die("plugin '%s': operator name '%s' is not valid",
			    path, quoted(&q, ops[i]->name ? ops[i]->name : ""));
		/* The plugin list is not sorted yet: a linear look. A name
		 * is the same with '_' for '-' (dm_ops_find): a plugin's
		 * gopher_rep would hide the operator gopher-rep. */
		for (k = 0; k < nplugin; k++)
			if (samename(plugin[k]->name, ops[i]->name))
				break;
		if (k < nplugin)
			dm_die("plugin '%s': operator '%s' already exists",
			    path, ops[i]->name);
		for (k = 0; k < NBUILTIN; k++)
			if (samename(builtin[k]->name, ops[i]->name))
				dm_die("plugin '%s': operator '%s' already "
				    "exists%s%s", path, ops[i]->name,
				    strcmp(builtin[k]->name, ops[i]->name) ?
				    ", as " : "", strcmp(builtin[k]->name,
				    ops[i]->name) ? builtin[k]->name : "");
		plugin = dm_xreallocarray(plugin, nplugin + 1, sizeof *plugin);
		plugin[nplugin++] = ops[i];
	}
	dm_buf_free(&q);
}

/* Every *.so of dir, in strcmp order so that loading is reproducible. */
static void
load_dir(const char *dir)
{
	struct dm_buf path = DM_BUF_INIT;
	struct dirent *d;
	char **names = NULL;
	size_t n = 0, i, len;
	DIR *dp;

	if ((dp = opendir(dir)) == NULL) {
		/* Like PATH: an entry that does not exist is no error. One
		 * that is a file (a plugin named itself) is said: its
		 * operators would be unknown without a word why. */
		if (errno == ENOTDIR) {
			dm_warn("DM_OPS_PATH: '%s' is not a folder (of "
			    "plugins): left out", dir);
			return;
		}
		if (errno == ENOENT)
			return;
		dm_warnx_errno("DM_OPS_PATH: '%s'", dir);
		exit(DM_EXIT_ERROR);
	}
	while ((d = readdir(dp)) != NULL) {
		len = strlen(d->d_name);
		if (len <= 3 || strcmp(d->d_name + len - 3, ".so") != 0)
			continue;
		names = dm_xreallocarray(names, n + 1, sizeof *names);
		names[n++] = dm_xstrdup(d->d_name);
	}
	closedir(dp);
	/* a directory without a plugin leaves names NULL, which qsort must
	 * not get */
	if (n > 1)
		qsort(names, n, sizeof *names, cmpstr);
	for (i = 0; i < n; i++) {
		dm_buf_reset(&path);
		dm_buf_addf(&path, "%s/%s", dir, names[i]);
		load_plugin(path.buf);
		free(names[i]);
	}
	free(names);
	dm_buf_free(&path);
}

static void
load(void)
{
	const char *env, *p, *q;
	char *dir;
	size_t i;

	if (loaded)
		return;
	loaded = 1;
	/* The table is kept by hand: catch a misplaced entry at once. */
	for (i = 1; i < NBUILTIN; i++)
		if (strcmp(builtin[i - 1]->name, builtin[i]->name) >= 0) {
			fprintf(stderr, "%s: built-in operators not sorted "
			    "at '%s'\n", dm_prog, builtin[i]->name);
			abort();
		}
	if ((env = getenv("DM_OPS_PATH")) != NULL) {
		for (p = env; ; p = q + 1) {
			q = strchr(p, ':');
			if (q == NULL)
				q = p + strlen(p);
			if (q > p) {
				dir = dm_xstrndup(p, (size_t)(q - p));
				load_dir(dir);
				free(dir);
			}
			if (*q == '\0')
				break;
		}
		if (nplugin > 1)
			qsort(plugin, nplugin, sizeof *plugin, cmpdef);
	}
	nall = NBUILTIN + nplugin;
	all = dm_xreallocarray(NULL, nall, sizeof *all);
	memcpy(all, builtin, sizeof builtin);
	if (nplugin) {
		memcpy(all + NBUILTIN, plugin, nplugin * sizeof *plugin);
		qsort(all, nall, sizeof *all, cmpdef);
	}
}

const struct dm_opdef *
dm_ops_find(const char *name)
{
	const struct dm_opdef *d;
	char alt[128];
	size_t i;

	load();
	if ((d = search(builtin, NBUILTIN, name)) != NULL ||
	    (d = search(plugin, nplugin, name)) != NULL)
		return d;
	/* One spelling rule everywhere: gopher_rep, as an expression
	 * writes it, is the operator gopher-rep. */
	if (strchr(name, '_') == NULL || strlen(name) >= sizeof alt)
		return NULL;
	for (i = 0; name[i]; i++)
		alt[i] = name[i] == '_' ? '-' : name[i];
	alt[i] = '\0';
	if ((d = search(builtin, NBUILTIN, alt)) != NULL)
		return d;
	return search(plugin, nplugin, alt);
}

const struct dm_opdef *const *
dm_ops_all(size_t *n)
{
	load();
	*n = nall;
	return all;
}

const char *
dm_opkind_name(enum dm_opkind k)
{
	switch (k) {
	case DM_OP_MAP:
		return "map";
	case DM_OP_FILTER:
		return "filter";
	}
	return "?";
}

const char *
dm_ptype_name(enum dm_ptype t)
{
	switch (t) {
	case DM_P_STR:
		return "string";
	case DM_P_INT:
		return "int";
	case DM_P_FLOAT:
		return "float";
	case DM_P_BOOL:
		return "bool";
	case DM_P_ENUM:
		return "enum";
	case DM_P_REGEX:
		return "regex";
	case DM_P_LIST:
		return "list";
	}
	return "?";
}

static size_t
nparams(const struct dm_opdef *d)
{
	size_t n = 0;

	if (d->params)
		while (d->params[n].name)
			n++;
	return n;
}

static int
bounded(const struct dm_param *p)
{
	return (p->type == DM_P_INT || p->type == DM_P_FLOAT) &&
	    p->min < p->max;
}

static void
addnum(struct dm_buf *b, const struct dm_param *p, double v)
{
	if (p->type == DM_P_INT)
		dm_buf_addf(b, "%.0f", v);
	else
		dm_buf_addf(b, "%g", v);
}

/* The VALUES column: bounds, choices (as NFC|NFKC), or "-". */
static void
addvalues(struct dm_buf *b, const struct dm_param *p)
{
	const char *c;

	if (bounded(p)) {
		addnum(b, p, p->min);
		dm_buf_adds(b, "..");
		if (!isinf(p->max))
			addnum(b, p, p->max);
	} else if (p->type == DM_P_ENUM && p->choices) {
		for (c = p->choices; *c; c++)
			if (*c == ',')
				dm_buf_addc(b, '|');
			else if (*c != ' ')
				dm_buf_addc(b, *c);
	} else
		dm_buf_addc(b, '-');
}

static void
adddefault(struct dm_buf *b, const struct dm_param *p)
{
	if (p->def == NULL)
		dm_buf_adds(b, "required");
	else if (*p->def == '\0')
		dm_buf_adds(b, "\"\"");
	else
		dm_buf_adds(b, p->def);
}

static void
print_list(const struct dm_opdef *const *v, size_t n)
{
	size_t i, w = 0, kw = 0, l;

	for (i = 0; i < n; i++) {
		if ((l = strlen(v[i]->name)) > w)
			w = l;
		if ((l = strlen(dm_opkind_name(v[i]->kind))) > kw)
			kw = l;
	}
	for (i = 0; i < n; i++)
		printf("%-*s  %-*s  %s\n", (int)w, v[i]->name, (int)kw,
		    dm_opkind_name(v[i]->kind),
		    v[i]->summary ? v[i]->summary : "");
}

enum { NCOL = 5 };

/* One row of the parameter table: indented, columns two spaces apart, no
 * trailing blanks. */
static void
print_row(const char *const *cell, const size_t *w)
{
	struct dm_buf b = DM_BUF_INIT;
	size_t c;

	dm_buf_adds(&b, " ");
	for (c = 0; c < NCOL; c++)
		dm_buf_addf(&b, " %-*s", (int)(c + 1 < NCOL ? w[c] + 1 : 0),
		    cell[c]);
	while (b.len > 0 && b.buf[b.len - 1] == ' ')
		b.len--;
	printf("%.*s\n", (int)b.len, b.buf);
	dm_buf_free(&b);
}

static void
print_one(const struct dm_opdef *d)
{
	static const char *const head[NCOL] = {
		"PARAMETER", "TYPE", "DEFAULT", "VALUES", "HELP"
	};
	struct dm_buf *cell;
	size_t np = nparams(d), i, c, w[NCOL];

	printf("%s  %s  %s\n", d->name, dm_opkind_name(d->kind),
	    d->summary ? d->summary : "");
	if (np == 0) {
		printf("\n  no parameters\n");
		return;
	}
	cell = dm_xcalloc(np * NCOL, sizeof *cell);
	for (c = 0; c < NCOL; c++)
		w[c] = strlen(head[c]);
	for (i = 0; i < np; i++) {
		const struct dm_param *p = &d->params[i];
		struct dm_buf *r = cell + i * NCOL;

		for (c = 0; c < NCOL; c++)
			dm_buf_init(&r[c]);
		dm_buf_adds(&r[0], p->name);
		dm_buf_adds(&r[1], dm_ptype_name(p->type));
		adddefault(&r[2], p);
		addvalues(&r[3], p);
		dm_buf_adds(&r[4], p->help ? p->help : "");
		for (c = 0; c < NCOL; c++)
			if (r[c].len > w[c])
				w[c] = r[c].len;
	}
	printf("\n");
	print_row(head, w);
	for (i = 0; i < np; i++) {
		struct dm_buf *r = cell + i * NCOL;
		const char *row[NCOL];

		for (c = 0; c < NCOL; c++)
			row[c] = r[c].buf;
		print_row(row, w);
		for (c = 0; c < NCOL; c++)
			dm_buf_free(&r[c]);
	}
	free(cell);
}

static json_t *
num(const struct dm_param *p, double v)
{
	return p->type == DM_P_INT ? json_integer((json_int_t)v) : json_real(v);
}

static json_t *
to_json(const struct dm_opdef *d)
{
	json_t *o, *ps, *po, *ch;
	const struct dm_param *p;
	const char *c, *e;
	size_t i, np = nparams(d);

	o = json_object();
	json_object_set_new(o, "name", json_string(d->name));
	json_object_set_new(o, "kind", json_string(dm_opkind_name(d->kind)));
	json_object_set_new(o, "summary",
	    json_string(d->summary ? d->summary : ""));
	ps = json_array();
	for (i = 0; i < np; i++) {
		p = &d->params[i];
		po = json_object();
		json_object_set_new(po, "name", json_string(p->name));
		json_object_set_new(po, "type",
		    json_string(dm_ptype_name(p->type)));
		json_object_set_new(po, "default",
		    p->def ? json_string(p->def) : json_null());
		json_object_set_new(po, "help",
		    json_string(p->help ? p->help : ""));
		json_object_set_new(po, "min",
		    bounded(p) ? num(p, p->min) : json_null());
		json_object_set_new(po, "max",
		    bounded(p) && !isinf(p->max) ? num(p, p->max) : json_null());
		ch = json_null();
		if (p->type == DM_P_ENUM && p->choices) {
			ch = json_array();
			for (c = p->choices; ; c = e + 1) {
				while (*c == ' ')
					c++;
				e = strchr(c, ',');
				if (e == NULL)
					e = c + strlen(c);
				json_array_append_new(ch,
				    json_stringn(c, (size_t)(e - c)));
				if (*e == '\0')
					break;
			}
		}
		json_object_set_new(po, "choices", ch);
		json_array_append_new(ps, po);
	}
	json_object_set_new(o, "params", ps);
	return o;
}

static void
print_json(json_t *v)
{
	json_dumpf(v, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	putchar('\n');
	json_decref(v);
}

int
dm_ops_print(const char *name, int json)
{
	const struct dm_opdef *const *v;
	const struct dm_opdef *d;
	const char **names, *close;
	json_t *a;
	size_t n, i;

	v = dm_ops_all(&n);
	if (name == NULL) {
		if (!json) {
			print_list(v, n);
			return 0;
		}
		a = json_array();
		for (i = 0; i < n; i++)
			json_array_append_new(a, to_json(v[i]));
		print_json(a);
		return 0;
	}
	if ((d = dm_ops_find(name)) == NULL) {
		struct dm_buf q = DM_BUF_INIT;

		names = dm_xreallocarray(NULL, n ? n : 1, sizeof *names);
		for (i = 0; i < n; i++)
			names[i] = v[i]->name;
		close = dm_suggest(name, names, n);
		dm_buf_addquoted(&q, name, strlen(name), 64);
		if (close)
			dm_warn("unknown operator '%s'; did you mean '%s'?",
			    q.buf, close);
		else
			dm_warn("unknown operator '%s'", q.buf);
		dm_buf_free(&q);
		free(names);
		return -1;
	}
	if (json)
		print_json(to_json(d));
	else
		print_one(d);
	return 0;
}
