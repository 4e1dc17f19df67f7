/* recipe-yaml.c - load a YAML file (libyaml) into a tree that knows its lines */
#include <sys/stat.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yaml.h>

#include "recipe.h"

/* Aliases may nest and repeat: a recipe of a few hundred lines never goes
 * deeper nor has more nodes, a billion laughs would. */
#define MAXDEPTH	64
#define MAXNODES	1000000

static size_t nodes;

/* PyYAML's implicit int (YAML 1.1) and the float of jsonargparse's loader,
 * which Data-Juicer reads its recipes with (it also reads 1e5 as a float). */
#define YINT	"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)" \
		"|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$"
#define YFLOAT	"^(?:[-+]?(?:[0-9][0-9_]*)\\.[0-9_]*(?:[eE][-+]?[0-9]+)?" \
		"|[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)" \
		"|\\.[0-9_]+(?:[eE][-+][0-9]+)?" \
		"|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\\.[0-9_]*" \
		"|[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN))$"

static struct dm_re *yint, *yfloat;

/* The first error of a load ("line:col: what"), empty when none. */
static struct dm_buf loaderr;

/* 1 when re matches s, 0 when not, -1 when the match failed (a PCRE2
 * limit): that is an error of n, not a scalar that is no number. */
static int
fullmatch(struct dm_re *re, const char *s, const struct dm_ynode *n)
{
	size_t ov[2];
	struct dm_buf err = DM_BUF_INIT;
	int r = dm_re_match(re, s, strlen(s), 0, ov, &err);

	if (r == -1 && loaderr.len == 0)
		dm_buf_addf(&loaderr, "%lu:%lu: cannot tell whether the "
		    "scalar is a number: %s", n->line, n->col, err.buf);
	dm_buf_free(&err);
	return r;
}

/*
 * The value of an int as PyYAML's construct_yaml_int makes it: '_' dropped,
 * 0b binary, 0x hex, a leading 0 octal, and ':' parts in base 60. 0 with the
 * decimal text in out, -1 when it does not fit in 64 bits (left as
 * written) or has no digits.
 */
static int
yamlint(const char *s, struct dm_buf *out)
{
	unsigned long long v = 0, part = 0, d;
	unsigned base = 10;
	int neg = 0, digits = 0;

	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	if (s[0] == '0' && (s[1] == 'b' || s[1] == 'x')) {
		base = s[1] == 'b' ? 2 : 16;
		s += 2;
	} else if (s[0] == '0')
		base = 8;
	for (; *s; s++) {
		if (*s == '_')
			continue;
		if (*s == ':') {
			/* base 60: what came before is worth 60 times more */
			if (v > (ULLONG_MAX - part) / 60)
				return -1;
			v = v * 60 + part;
			part = 0;
			continue;
		}
		d = *s <= '9' ? (unsigned)(*s - '0') :
		    (unsigned)((*s | 0x20) - 'a' + 10);
		if (part > (ULLONG_MAX - d) / base)
			return -1;
		part = part * base + d;
		digits++;
	}
	if (digits == 0 || v > (ULLONG_MAX - part) / 60)
		return -1;
	v = v * 60 + part;
	dm_buf_addf(out, "%s%llu", neg && v ? "-" : "", v);
	return 0;
}

/*
 * A float as construct_yaml_float reads it: '_' dropped, and ':' parts in
 * base 60 (written with 17 digits); the rest is left as written, which
 * strtod reads as Python's float does.
 */
static void
yamlfloat(const char *s, struct dm_buf *out)
{
	const char *p;
	double v = 0;
	int neg = 0;

	if (strchr(s, ':') == NULL) {
		for (p = s; *p; p++)
			if (*p != '_')
				dm_buf_addc(out, *p);
		return;
	}
	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	for (p = s; *p; p++) {
		struct dm_buf part = DM_BUF_INIT;

		for (; *p && *p != ':'; p++)
			if (*p != '_')
				dm_buf_addc(&part, *p);
		v = v * 60 + strtod(part.buf ? part.buf : "0", NULL);
		dm_buf_free(&part);
		if (*p == '\0')
			break;
	}
	dm_buf_addf(out, "%.17g", neg ? -v : v);
}

/* Marks a plain scalar that Data-Juicer reads as a number, and writes it as
 * Python has it. */
static void
number(struct dm_ynode *n)
{
	struct dm_buf b = DM_BUF_INIT, err = DM_BUF_INIT;
	int r;

	if (yint == NULL) {
		yint = dm_re_new(YINT, "", &err, NULL);
		yfloat = dm_re_new(YFLOAT, "", &err, NULL);
		if (yint == NULL || yfloat == NULL)
			dm_die("YAML number patterns: %s", err.buf);
	}
	if (strchr("+-0123456789.", *n->val) == NULL || *n->val == '\0')
		return;
	if ((r = fullmatch(yint, n->val, n)) == 1) {
		n->num = DM_YN_INT;
		if (yamlint(n->val, &b) == 0) {
			free(n->val);
			n->val = dm_buf_detach(&b, NULL);
		}
	} else if (r == 0 && fullmatch(yfloat, n->val, n) == 1) {
		n->num = DM_YN_FLOAT;
		yamlfloat(n->val, &b);
		free(n->val);
		n->val = dm_buf_detach(&b, NULL);
	}
	dm_buf_free(&b);
	dm_buf_free(&err);
}

/* FNV-1a, for the keys of a mapping. */
static size_t
hash(const char *s)
{
	size_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* Whether a key is YAML 1.1's merge key: << unquoted, or tagged !!merge. */
static int
ismerge(const yaml_node_t *k)
{
	return k->type == YAML_SCALAR_NODE && ((k->data.scalar.style ==
	    YAML_PLAIN_SCALAR_STYLE && k->data.scalar.length == 2 &&
	    memcmp(k->data.scalar.value, "<<", 2) == 0 &&
	    strcmp((const char *)k->tag, YAML_STR_TAG) == 0) ||
	    strcmp((const char *)k->tag, "tag:yaml.org,2002:merge") == 0);
}

struct pairs {
	yaml_node_pair_t	*p;
	size_t			 n;
};

static void
addpair(struct pairs *ps, const yaml_node_pair_t *pr)
{
	ps->p = dm_xreallocarray(ps->p, ps->n + 1, sizeof *ps->p);
	ps->p[ps->n++] = *pr;
}

/*
 * The pairs of mapping yn with its merge keys applied as PyYAML's
 * flatten_mapping applies them: the pairs merged come first (of a list of
 * mappings, the last one's first, so that an earlier one wins), then the
 * mapping's own, so that a key of its own wins.
 */
static void
flatten(yaml_document_t *doc, yaml_node_t *yn, struct pairs *out,
    int depth)
{
	struct pairs merge = { NULL, 0 }, own = { NULL, 0 }, *sub;
	yaml_node_pair_t *pr;
	yaml_node_item_t *it;
	yaml_node_t *v, *m;
	size_t i, j, nsub;

	for (pr = yn->data.mapping.pairs.start;
	    pr < yn->data.mapping.pairs.top; pr++) {
		if (!ismerge(yaml_document_get_node(doc, pr->key))) {
			addpair(&own, pr);
			continue;
		}
		v = yaml_document_get_node(doc, pr->value);
		if (depth > MAXDEPTH)
			continue;
		if (v->type == YAML_MAPPING_NODE) {
			flatten(doc, v, &merge, depth + 1);
			continue;
		}
		if (v->type != YAML_SEQUENCE_NODE) {
			if (loaderr.len == 0)
				dm_buf_addf(&loaderr, "%lu:%lu: expected a "
				    "mapping or list of mappings for merging, "
				    "but found a scalar",
				    (unsigned long)v->start_mark.line + 1,
				    (unsigned long)v->start_mark.column + 1);
			continue;
		}
		nsub = (size_t)(v->data.sequence.items.top -
		    v->data.sequence.items.start);
		sub = dm_xcalloc(nsub + 1, sizeof *sub);
		for (i = 0, it = v->data.sequence.items.start;
		    it < v->data.sequence.items.top; it++, i++) {
			m = yaml_document_get_node(doc, *it);
			if (m->type == YAML_MAPPING_NODE)
				flatten(doc, m, &sub[i], depth + 1);
			else if (loaderr.len == 0)
				dm_buf_addf(&loaderr, "%lu:%lu: expected a "
				    "mapping for merging, but found a %s",
				    (unsigned long)m->start_mark.line + 1,
				    (unsigned long)m->start_mark.column + 1,
				    m->type == YAML_SEQUENCE_NODE ?
				    "sequence" : "scalar");
		}
		for (i = nsub; i-- > 0; ) {
			for (j = 0; j < sub[i].n; j++)
				addpair(&merge, &sub[i].p[j]);
			free(sub[i].p);
		}
		free(sub);
	}
	for (i = 0; i < merge.n; i++)
		addpair(out, &merge.p[i]);
	for (i = 0; i < own.n; i++)
		addpair(out, &own.p[i]);
	free(merge.p);
	free(own.p);
}

static struct dm_ynode *
convert(yaml_document_t *doc, yaml_node_t *yn, int depth)
{
	struct dm_ynode *n, *k, *v;
	yaml_node_item_t *it;
	yaml_node_pair_t *pr;
	struct pairs ps = { NULL, 0 };
	size_t i, h, npair, nslot, *slot;

	n = dm_xcalloc(1, sizeof *n);
	n->line = yn->start_mark.line + 1;
	n->col = yn->start_mark.column + 1;
	if (depth > MAXDEPTH || ++nodes > MAXNODES) {
		n->kind = DM_Y_SCALAR;
		n->val = dm_xstrdup("");
		return n;
	}
	switch (yn->type) {
	case YAML_SCALAR_NODE:
		n->kind = DM_Y_SCALAR;
		n->val = dm_xstrndup((const char *)yn->data.scalar.value,
		    yn->data.scalar.length);
		n->plain = yn->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
		if (n->plain)
			number(n);
		break;
	case YAML_SEQUENCE_NODE:
		n->kind = DM_Y_SEQ;
		n->n = (size_t)(yn->data.sequence.items.top -
		    yn->data.sequence.items.start);
		n->kid = dm_xcalloc(n->n + 1, sizeof *n->kid);
		for (i = 0, it = yn->data.sequence.items.start;
		    it < yn->data.sequence.items.top; it++, i++)
			n->kid[i] = convert(doc,
			    yaml_document_get_node(doc, *it), depth + 1);
		break;
	case YAML_MAPPING_NODE:
		n->kind = DM_Y_MAP;
		flatten(doc, yn, &ps, depth);
		npair = ps.n;
		n->kid = dm_xcalloc(2 * npair + 1, sizeof *n->kid);
		/* the index + 1 of each scalar key's pair, by its hash */
		for (nslot = 8; nslot < 2 * npair; nslot *= 2)
			;
		slot = dm_xcalloc(nslot, sizeof *slot);
		for (pr = ps.p; pr < ps.p + ps.n; pr++) {
			k = convert(doc, yaml_document_get_node(doc, pr->key),
			    depth + 1);
			v = convert(doc, yaml_document_get_node(doc,
			    pr->value), depth + 1);
			i = n->n;
			if (k->kind == DM_Y_SCALAR) {
				for (h = hash(k->val) & (nslot - 1); slot[h];
				    h = (h + 1) & (nslot - 1))
					if (strcmp(n->kid[slot[h] - 1]->val,
					    k->val) == 0)
						break;
				if (slot[h])
					i = slot[h] - 1;
				else
					slot[h] = n->n + 1;
			}
			/* A key given twice: PyYAML, which Data-Juicer and
			 * DataMate load recipes with, keeps the place of the
			 * first and the value of the last. */
			if (i < n->n) {
				dm_yaml_free(n->kid[i]);
				dm_yaml_free(n->kid[i + 1]);
			} else
				n->n += 2;
			n->kid[i] = k;
			n->kid[i + 1] = v;
		}
		free(slot);
		free(ps.p);
		break;
	default:
		n->kind = DM_Y_SCALAR;
		n->val = dm_xstrdup("");
		break;
	}
	return n;
}

/* The input of the parser, kept whole for the position of a reader error,
 * which libyaml gives as a byte offset only. */
struct input {
	FILE		*f;
	struct dm_buf	 seen;
	int		 err;		/* errno of a failed read */
};

static int
readin(void *data, unsigned char *buf, size_t size, size_t *n)
{
	struct input *in = data;

	*n = fread(buf, 1, size, in->f);
	if (*n == 0 && ferror(in->f)) {
		in->err = errno;
		return 0;
	}
	dm_buf_add(&in->seen, buf, *n);
	return 1;
}

/* The code point at s[*i] (of n bytes in encoding enc), moving *i past
 * it; libyaml has checked every one before the error. */
static unsigned long
nextcp(const unsigned char *s, size_t n, yaml_encoding_t enc, size_t *i)
{
	unsigned long c, lo;
	int len;

	if (enc == YAML_UTF16LE_ENCODING || enc == YAML_UTF16BE_ENCODING) {
		if (*i + 1 >= n) {
			*i = n;
			return 0;
		}
		c = enc == YAML_UTF16LE_ENCODING ? s[*i] | s[*i + 1] << 8 :
		    s[*i] << 8 | s[*i + 1];
		*i += 2;
		if (c >= 0xd800 && c < 0xdc00 && *i + 1 < n) {
			lo = enc == YAML_UTF16LE_ENCODING ? s[*i] |
			    s[*i + 1] << 8 : s[*i] << 8 | s[*i + 1];
			*i += 2;
			c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
		}
		return c;
	}
	c = s[(*i)++];
	len = c < 0x80 ? 0 : c < 0xe0 ? 1 : c < 0xf0 ? 2 : 3;
	c &= len == 0 ? 0x7f : 0x3f >> len;
	for (; len > 0 && *i < n; len--)
		c = c << 6 | (s[(*i)++] & 0x3f);
	return c;
}

/* The line and column, from 1 and in characters as libyaml's marks count
 * them, of byte offset off of the input. */
static void
position(const struct input *in, yaml_encoding_t enc, size_t off,
    unsigned long *line, unsigned long *col)
{
	const unsigned char *s = (const unsigned char *)in->seen.buf;
	size_t i = 0, j, n = off < in->seen.len ? off : in->seen.len;
	unsigned long c;

	*line = *col = 1;
	while (i < n) {
		c = nextcp(s, n, enc, &i);
		if (c == 0xfeff && *line == 1 && *col == 1)
			continue;	/* the byte order mark */
		if (c == '\r' && i < n && (j = i, nextcp(s, n, enc, &j)) ==
		    '\n')
			continue;	/* the CR of a CR LF */
		if (c == '\n' || c == '\r' || c == 0x85 || c == 0x2028 ||
		    c == 0x2029) {
			(*line)++;
			*col = 1;
		} else
			(*col)++;
	}
}

/*
 * Whether the stream ends after the first document, as PyYAML's safe_load,
 * which Data-Juicer reads recipes with, wants it: -1 with the place of the
 * second document (or of what spoils it) in err.
 */
static int
another(yaml_parser_t *p, const char *path, struct dm_buf *err)
{
	yaml_event_t ev;
	int rc = 0;

	if (!yaml_parser_parse(p, &ev)) {
		dm_buf_addf(err, "%s:%lu:%lu: %s", path,
		    (unsigned long)p->problem_mark.line + 1,
		    (unsigned long)p->problem_mark.column + 1,
		    p->problem ? p->problem : "invalid YAML");
		if (p->context)
			dm_buf_addf(err, " (%s)", p->context);
		return -1;
	}
	if (ev.type == YAML_DOCUMENT_START_EVENT) {
		dm_buf_addf(err, "%s:%lu:%lu: expected a single document in "
		    "the stream, but found another document", path,
		    (unsigned long)ev.start_mark.line + 1,
		    (unsigned long)ev.start_mark.column + 1);
		rc = -1;
	}
	yaml_event_delete(&ev);
	return rc;
}

/* A quoted or block scalar, where a tab is text: from its first line and
 * column to the ones after it, from 1. */
struct span {
	unsigned long	l0, c0, l1, c1;
};

/*
 * Whether the input has no tab where PyYAML's scanner refuses one: libyaml
 * takes a tab as a space between tokens and inside a plain scalar, PyYAML
 * only inside a quoted or block scalar and a comment. -1 with the place of
 * the first other one in err.
 */
static int
tabs(const struct input *in, yaml_encoding_t enc, const char *path,
    struct dm_buf *err)
{
	const unsigned char *s = (const unsigned char *)in->seen.buf;
	yaml_parser_t p;
	yaml_token_t t;
	struct span *sp = NULL;
	size_t nsp = 0, k = 0, i = 0, j, n = in->seen.len;
	unsigned long c, prev = '\n', line = 1, col = 1;
	int comment = 0, rc = 0, done = 0;

	if (n == 0 || memchr(s, '\t', n) == NULL)
		return 0;
	if (!yaml_parser_initialize(&p))
		dm_die("out of memory");
	yaml_parser_set_input_string(&p, s, n);
	while (!done && yaml_parser_scan(&p, &t)) {
		done = t.type == YAML_STREAM_END_TOKEN;
		if (t.type == YAML_SCALAR_TOKEN &&
		    t.data.scalar.style != YAML_PLAIN_SCALAR_STYLE) {
			sp = dm_xreallocarray(sp, nsp + 1, sizeof *sp);
			sp[nsp].l0 = t.start_mark.line + 1;
			sp[nsp].c0 = t.start_mark.column + 1;
			sp[nsp].l1 = t.end_mark.line + 1;
			sp[nsp++].c1 = t.end_mark.column + 1;
		}
		yaml_token_delete(&t);
	}
	yaml_parser_delete(&p);
	while (i < n) {
		c = nextcp(s, n, enc, &i);
		if (c == 0xfeff && line == 1 && col == 1)
			continue;	/* the byte order mark */
		/* the spans come in order: past the one that ended */
		while (k < nsp && (sp[k].l1 < line || (sp[k].l1 == line &&
		    sp[k].c1 <= col)))
			k++;
		if (c == '\r' && i < n && (j = i, nextcp(s, n, enc, &j)) ==
		    '\n')
			continue;	/* the CR of a CR LF */
		if (c == '\n' || c == '\r' || c == 0x85 || c == 0x2028 ||
		    c == 0x2029) {
			line++;
			col = 1;
			comment = 0;
			prev = '\n';
			continue;
		}
		if (k < nsp && (sp[k].l0 < line || (sp[k].l0 == line &&
		    sp[k].c0 <= col)))
			;		/* inside a quoted or block scalar */
		else if (c == '#' && (prev == ' ' || prev == '\t' ||
		    prev == '\n'))
			comment = 1;
		else if (c == '\t' && !comment) {
			dm_buf_addf(err, "%s:%lu:%lu: found character '\\t' "
			    "that cannot start any token", path, line, col);
			rc = -1;
			break;
		}
		prev = c;
		col++;
	}
	free(sp);
	return rc;
}

struct dm_ynode *
dm_yaml_load(const char *path, struct dm_buf *err)
{
	yaml_parser_t p;
	yaml_document_t doc;
	yaml_node_t *root;
	struct dm_ynode *n;
	struct input in;
	struct stat st;
	unsigned long line, col;

	memset(&in, 0, sizeof in);
	dm_buf_init(&in.seen);
	/* "-" is the standard input, as for dm-filter -f */
	if (strcmp(path, "-") == 0) {
		path = "<stdin>";
		in.f = fdopen(dup(STDIN_FILENO), "rb");
	} else
		in.f = fopen(path, "rb");
	if (in.f == NULL) {
		dm_buf_addf(err, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fileno(in.f), &st) == 0 && S_ISDIR(st.st_mode)) {
		dm_buf_addf(err, "%s: %s", path, strerror(EISDIR));
		fclose(in.f);
		return NULL;
	}
	if (!yaml_parser_initialize(&p))
		dm_die("out of memory");
	yaml_parser_set_input(&p, readin, &in);
	if (!yaml_parser_load(&p, &doc)) {
		if (in.err)
			dm_buf_addf(err, "%s: %s", path, strerror(in.err));
		else {
			line = p.problem_mark.line + 1;
			col = p.problem_mark.column + 1;
			if (p.error == YAML_READER_ERROR)
				position(&in, p.encoding, p.problem_offset,
				    &line, &col);
			dm_buf_addf(err, "%s:%lu:%lu: %s", path, line, col,
			    p.problem ? p.problem : "invalid YAML");
			if (p.context)
				dm_buf_addf(err, " (%s)", p.context);
		}
		yaml_parser_delete(&p);
		fclose(in.f);
		dm_buf_free(&in.seen);
		return NULL;
	}
	if (another(&p, path, err) < 0 || tabs(&in, p.encoding, path,
	    err) < 0) {
		dm_buf_free(&in.seen);
		yaml_document_delete(&doc);
		yaml_parser_delete(&p);
		fclose(in.f);
		return NULL;
	}
	dm_buf_free(&in.seen);
	dm_buf_reset(&loaderr);
	if ((root = yaml_document_get_root_node(&doc)) == NULL) {
		n = dm_xcalloc(1, sizeof *n);
		n->kind = DM_Y_MAP;
		n->line = n->col = 1;
		n->kid = dm_xcalloc(1, sizeof *n->kid);
	} else {
		nodes = 0;
		n = convert(&doc, root, 0);
	}
	if (loaderr.len > 0) {
		dm_buf_addf(err, "%s:%s", path, loaderr.buf);
		dm_yaml_free(n);
		n = NULL;
	}
	if (n != NULL && nodes > MAXNODES) {
		dm_buf_addf(err, "%s: more than %d YAML nodes", path,
		    MAXNODES);
		dm_yaml_free(n);
		n = NULL;
	}
	yaml_document_delete(&doc);
	yaml_parser_delete(&p);
	fclose(in.f);
	return n;
}

struct dm_ynode *
dm_yaml_get(const struct dm_ynode *m, const char *key)
{
	size_t i;

	if (m == NULL || m->kind != DM_Y_MAP)
		return NULL;
	for (i = 0; i + 1 < m->n; i += 2)
		if (m->kid[i]->kind == DM_Y_SCALAR &&
		    strcmp(m->kid[i]->val, key) == 0)
			return m->kid[i + 1];
	return NULL;
}

void
dm_yaml_free(struct dm_ynode *n)
{
	size_t i;

	if (n == NULL)
		return;
	for (i = 0; i < n->n; i++)
		dm_yaml_free(n->kid[i]);
	free(n->kid);
	free(n->val);
	free(n);
}
