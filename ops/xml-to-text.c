/* xml-to-text.c - XML as indented "name: value" lines [DM XMLTagCleaner] */
#include <expat.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "dm.h"

/*
 * DataMate's XMLTagCleaner: xmltodict.parse (expat underneath, as here)
 * turns the document into a dictionary, which its _format_dict writes out:
 *  - an element is a key; its attributes come first as "@name" keys, then
 *    its children in the order they first appear; repeated children make a
 *    list; its text, joined across its children and stripped, is the value
 *    when it has neither attributes nor children, else a "#text" key last;
 *    an empty element is None;
 *  - "key: value\n" for a value, "key: \n" then the dictionary one space
 *    further in, and for a list "key: " then its items one after another,
 *    a dictionary as "\n" and its lines two spaces further in, a value as
 *    it is, with nothing between;
 *  - the whole is stripped of white space at both ends.
 * Entities declared in a DTD are not expanded (xmltodict's
 * disable_entities). Only a sample whose fileType field is "xml" is
 * changed; a document expat rejects is an error for the sample.
 */

static const struct dm_param params[] = {
	{ .name = "type_field", .type = DM_P_STR, .def = "fileType",
	  .help = "field whose value xml marks an XML document" },
	{ .name = NULL }
};

enum { XNONE, XSTR, XDICT, XLIST };

struct xval {
	int		  kind;
	char		 *s;		/* XSTR */
	char		**keys;		/* XDICT */
	struct xval	**v;		/* XDICT values, XLIST items */
	size_t		  n, cap;
};

struct frame {
	struct xval	*item;		/* NULL: None */
	struct dm_buf	 data;
	int		 hasdata;
};

struct xt {
	char		*type_field;
	struct frame	*st;
	size_t		 nst, cap;
	struct xval	*item;		/* the current element's dictionary */
	struct dm_buf	 data;
	int		 hasdata;
	struct dm_buf	 out;
};

static struct xval *
xnew(int kind)
{
	struct xval *x = dm_xcalloc(1, sizeof(*x));

	x->kind = kind;
	return x;
}

static void
xfree(struct xval *x)
{
	size_t i;

	if (x == NULL)
		return;
	for (i = 0; i < x->n; i++) {
		if (x->keys)
			free(x->keys[i]);
		xfree(x->v[i]);
	}
	free(x->keys);
	free(x->v);
	free(x->s);
	free(x);
}

static void
xadd(struct xval *x, char *key, struct xval *v)
{
	if (x->n == x->cap) {
		x->cap = x->cap ? 2 * x->cap : 4;
		x->v = dm_xreallocarray(x->v, x->cap, sizeof(*x->v));
		if (x->kind == XDICT)
			x->keys = dm_xreallocarray(x->keys, x->cap,
			    sizeof(*x->keys));
	}
	if (x->kind == XDICT)
		x->keys[x->n] = key;
	x->v[x->n++] = v;
}

/* xmltodict's push_data: item (NULL for None) gets key = data. */
static struct xval *
push(struct xval *item, const char *key, struct xval *data)
{
	struct xval *l;
	size_t i;

	if (item == NULL)
		item = xnew(XDICT);
	for (i = 0; i < item->n; i++)
		if (strcmp(item->keys[i], key) == 0)
			break;
	if (i == item->n) {
		xadd(item, dm_xstrdup(key), data);
		return item;
	}
	if (item->v[i]->kind != XLIST) {
		l = xnew(XLIST);
		xadd(l, NULL, item->v[i]);
		item->v[i] = l;
	}
	xadd(item->v[i], NULL, data);
	return item;
}

static struct xval *
xstr(const char *s, size_t n)
{
	struct xval *x = xnew(XSTR);

	x->s = dm_xmalloc(n + 1);
	memcpy(x->s, s, n);
	x->s[n] = '\0';
	return x;
}

static void XMLCALL
on_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct xt *t = ud;
	struct dm_buf k = DM_BUF_INIT;
	struct xval *a = NULL;
	size_t i;

	(void)name;
	if (t->nst == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 16;
		t->st = dm_xreallocarray(t->st, t->cap, sizeof(*t->st));
	}
	t->st[t->nst].item = t->item;
	t->st[t->nst].data = t->data;
	t->st[t->nst].hasdata = t->hasdata;
	t->nst++;
	for (i = 0; atts[i] != NULL; i += 2) {
		dm_buf_reset(&k);
		dm_buf_addf(&k, "@%s", atts[i]);
		a = push(a, k.buf, xstr(atts[i + 1], strlen(atts[i + 1])));
	}
	dm_buf_free(&k);
	t->item = a;
	dm_buf_init(&t->data);
	t->hasdata = 0;
}

static void XMLCALL
on_end(void *ud, const XML_Char *name)
{
	struct xt *t = ud;
	struct xval *item = t->item, *data = NULL;
	struct frame *f = &t->st[--t->nst];
	size_t b = 0, e = 0;

	if (t->hasdata) {
		dm_uni_strip(t->data.buf ? t->data.buf : "", t->data.len, &b,
		    &e);
		if (e > b)
			data = xstr(t->data.buf + b, e - b);
	}
	dm_buf_free(&t->data);
	t->item = f->item;
	t->data = f->data;
	t->hasdata = f->hasdata;
	if (item != NULL) {
		if (data != NULL)
			item = push(item, "#text", data);
		t->item = push(t->item, name, item);
	} else
		t->item = push(t->item, name, data ? data : xnew(XNONE));
}

static void XMLCALL
on_text(void *ud, const XML_Char *s, int len)
{
	struct xt *t = ud;

	dm_buf_add(&t->data, s, (size_t)len);
	t->hasdata = 1;
}

static void XMLCALL
on_default(void *ud, const XML_Char *s, int len)
{
	(void)ud, (void)s, (void)len;
}

static int XMLCALL
on_extent(XML_Parser p, const XML_Char *ctx, const XML_Char *base,
    const XML_Char *sys, const XML_Char *pub)
{
	(void)p, (void)ctx, (void)base, (void)sys, (void)pub;
	return XML_STATUS_OK;
}

static void format_dict(struct dm_buf *, const struct xval *, size_t);

static void
scalar(struct dm_buf *b, const struct xval *v)
{
	dm_buf_adds(b, v->kind == XSTR ? v->s : "None");
}

static void
format_list(struct dm_buf *b, const struct xval *l, size_t ind)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->v[i]->kind == XDICT) {
			dm_buf_addc(b, '\n');
			format_dict(b, l->v[i], ind + 1);
		} else
			scalar(b, l->v[i]);
}

static void
format_dict(struct dm_buf *b, const struct xval *d, size_t ind)
{
	size_t i, j;

	for (i = 0; i < d->n; i++) {
		for (j = 0; j < ind; j++)
			dm_buf_addc(b, ' ');
		dm_buf_addf(b, "%s: ", d->keys[i]);
		if (d->v[i]->kind == XDICT) {
			dm_buf_addc(b, '\n');
			format_dict(b, d->v[i], ind + 1);
		} else if (d->v[i]->kind == XLIST)
			format_list(b, d->v[i], ind + 1);
		else {
			scalar(b, d->v[i]);
			dm_buf_addc(b, '\n');
		}
	}
}

static void
xt_fini(void *state)
{
	struct xt *t = state;

	if (t == NULL)
		return;
	free(t->type_field);
	free(t->st);
	dm_buf_free(&t->out);
	free(t);
}

static int
xt_init(void **state, const struct dm_args *args, struct dm_buf *err)
{
	struct xt *t;

	(void)err;
	t = dm_xcalloc(1, sizeof(*t));
	t->type_field = dm_xstrdup(dm_arg_str(args, "type_field"));
	*state = t;
	return 0;
}

static int
xt_sample(void *state, struct dm_sample *smp, const char *key,
    struct dm_buf *err)
{
	struct xt *t = state;
	struct dm_field f;
	XML_Parser p;
	const char *s;
	size_t n, b, e;
	int ok, rc = -1;

	dm_sample_get(smp, t->type_field, &f);
	if (!(f.type == DM_STRING && f.len == 3 && memcmp(f.str, "xml", 3) ==
	    0))
		return 0;
	if (dm_sample_text(smp, key, &s, &n, err) < 0)
		return -1;
	if ((p = XML_ParserCreate("UTF-8")) == NULL) {
		dm_buf_adds(err, "out of memory");
		return -1;
	}
	t->item = NULL;
	t->nst = 0;
	dm_buf_init(&t->data);
	t->hasdata = 0;
	XML_SetUserData(p, t);
	XML_SetElementHandler(p, on_start, on_end);
	XML_SetCharacterDataHandler(p, on_text);
	XML_SetDefaultHandler(p, on_default);
	XML_SetExternalEntityRefHandler(p, on_extent);
	ok = n <= (size_t)INT_MAX && XML_Parse(p, s, (int)n, 1) ==
	    XML_STATUS_OK;
	if (!ok)
		dm_buf_addf(err, "not well-formed XML: %s: line %lu, column "
		    "%lu", XML_ErrorString(XML_GetErrorCode(p)),
		    (unsigned long)XML_GetCurrentLineNumber(p),
		    (unsigned long)XML_GetCurrentColumnNumber(p) + 1);
	else {
		dm_buf_reset(&t->out);
		if (t->item != NULL)
			format_dict(&t->out, t->item, 0);
		dm_uni_strip(t->out.buf ? t->out.buf : "", t->out.len, &b, &e);
		rc = dm_sample_set_text(smp, key, t->out.buf + b, e - b, err);
	}
	while (t->nst > 0) {
		t->nst--;
		xfree(t->st[t->nst].item);
		dm_buf_free(&t->st[t->nst].data);
	}
	dm_buf_free(&t->data);
	xfree(t->item);
	t->item = NULL;
	XML_ParserFree(p);
	return rc;
}

const struct dm_opdef dm_op_xml_to_text = {
	.name = "xml-to-text",
	.kind = DM_OP_MAP,
	.summary = "an XML document as indented name: value lines "
	    "(DataMate XMLTagCleaner)",
	.params = params,
	.init = xt_init,
	.sample = xt_sample,
	.fini = xt_fini,
};
