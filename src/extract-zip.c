/* extract-zip.c - DOCX, ODT and EPUB: zipped XML read with libarchive and libxml2's xmlReader */
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlreader.h>

#include "dm.h"
#include "archives.h"
#include "extract.h"

#define MAXDEPTH	256		/* elements nested in one XML member */
#define MAXSPINE	10000		/* chapters of an EPUB */
#define MEMBERMAX	(64UL << 20)	/* bytes of a member without maxout */

#define NS_DC	"http://purl.org/dc/elements/1.1/"

/* One XML member being read, and the first error libxml2 gave. */
struct xml {
	xmlTextReaderPtr	 r;
	const char		*name;
	struct dm_buf		 msg;
};

static void
xml_error(void *arg, xmlErrorPtr e)
{
	struct xml *x = arg;
	const char *m;
	size_t n, k;

	if (x->msg.len > 0 || e == NULL || e->level < XML_ERR_ERROR)
		return;
	dm_buf_addf(&x->msg, "%s: ", x->name);
	m = e->message ? e->message : "not well-formed XML";
	/* libxml2's own limit, said without its option's name */
	if (strncmp(m, "Excessive depth", 15) == 0)
		m = "elements nested too deep";
	for (k = strlen(m); k > 0 && (m[k - 1] == '\n' || m[k - 1] == ' ' ||
	    m[k - 1] == '.'); k--)
		;
	n = x->msg.len;
	dm_buf_addquoted(&x->msg, m, k, 200);
	/* libxml2's messages start with a capital, dm's do not */
	if (x->msg.len > n + 1 && x->msg.buf[n] >= 'A' &&
	    x->msg.buf[n] <= 'Z' && !(x->msg.buf[n + 1] >= 'A' &&
	    x->msg.buf[n + 1] <= 'Z'))
		x->msg.buf[n] += 'a' - 'A';
	if (e->line > 0)
		dm_buf_addf(&x->msg, ", line %d", e->line);
}

/* No network, no DTD loaded, no entity substituted (an entity is left
 * out of the text, so neither XXE nor "billion laughs" expands). */
static int
xml_open(struct xml *x, const struct dm_buf *b, const char *name)
{
	x->name = name;
	x->msg = (struct dm_buf)DM_BUF_INIT;
	if (b->len > INT32_MAX)
		return -1;
	x->r = xmlReaderForMemory(b->buf, (int)b->len, NULL, NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (x->r == NULL)
		return -1;
	xmlTextReaderSetStructuredErrorHandler(x->r, xml_error, x);
	return 0;
}

/* The next node: 1, 0 at the end, -1 on an error (the reason in err). */
static int
xml_next(struct xml *x, struct dm_buf *err)
{
	int r = xmlTextReaderRead(x->r);

	if (r == 1 && xmlTextReaderDepth(x->r) > MAXDEPTH) {
		dm_buf_addf(err, "damaged (%s: elements nested more than %d "
		    "deep)", x->name, MAXDEPTH);
		return -1;
	}
	if (r < 0 || (r == 0 && x->msg.len > 0)) {
		dm_buf_adds(err, "damaged (");
		if (x->msg.len > 0)
			dm_buf_adds(err, x->msg.buf);
		else
			dm_buf_addf(err, "%s: not well-formed XML", x->name);
		dm_buf_addc(err, ')');
		return -1;
	}
	return r;
}

static void
xml_close(struct xml *x)
{
	if (x->r)
		xmlFreeTextReader(x->r);
	x->r = NULL;
	dm_buf_free(&x->msg);
}

static const char *
lname(struct xml *x)
{
	const xmlChar *s = xmlTextReaderConstLocalName(x->r);

	return s ? (const char *)s : "";
}

static int
is(struct xml *x, int type, const char *name)
{
	return xmlTextReaderNodeType(x->r) == type &&
	    strcmp(lname(x), name) == 0;
}

/* A member of the zip, whole; -1 with the reason in err, 1 when absent
 * (nothing in err). */
static int
member(const void *zip, size_t len, const char *name,
    const struct dm_extractopt *o, struct dm_buf *out, struct dm_buf *err)
{
	struct dm_buf msg = DM_BUF_INIT;
	int r;

	dm_buf_reset(out);
	r = dm_zip_read(zip, len, name, o && o->maxout ? o->maxout : MEMBERMAX,
	    out, &msg);
	if (r < 0) {
		if (strstr(msg.buf, "ncrypt") != NULL)
			dm_buf_adds(err, "encrypted");
		else if (strcmp(msg.buf, "unrecognized archive format") == 0)
			dm_buf_adds(err, "damaged (a zip cut short, or not "
			    "a zip)");
		else
			dm_buf_addf(err, "damaged (%s)", msg.buf);
	}
	dm_buf_free(&msg);
	return r;
}

/* Whether the document is not a zip at all: an encrypted OOXML or ODF
 * file is an OLE compound file. -1 with the reason in err. */
static int
notzip(const void *data, size_t len, struct dm_buf *err)
{
	if (len >= 8 && memcmp(data, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) ==
	    0) {
		dm_buf_adds(err, "encrypted (or an OLE compound file)");
		return -1;
	}
	if (len < 4 || memcmp(data, "PK", 2) != 0) {
		dm_buf_adds(err, "damaged (not a zip)");
		return -1;
	}
	return 0;
}

static void
setstr(char **dst, xmlChar *s)
{
	struct dm_doctext t;

	if (s == NULL)
		return;
	if (*dst == NULL) {
		dm_doctext_init(&t, NULL);
		dm_doctext_add(&t, (const char *)s, strlen((const char *)s), 1);
		if (t.b.len > 0)
			*dst = dm_buf_detach(&t.b, NULL);
		dm_doctext_free(&t);
	}
	xmlFree(s);
}

/* dc:title and dc:creator (or meta:initial-creator) of a metadata member:
 * docProps/core.xml, meta.xml, an OPF. Problems only leave them unset. */
static void
meta(const struct dm_buf *b, const char *name, char **title, char **author)
{
	struct xml x;
	struct dm_buf err = DM_BUF_INIT;
	const xmlChar *ns;
	char *initial = NULL;

	if (xml_open(&x, b, name) < 0)
		return;
	while (xml_next(&x, &err) == 1) {
		if (xmlTextReaderNodeType(x.r) != XML_READER_TYPE_ELEMENT)
			continue;
		ns = xmlTextReaderConstNamespaceUri(x.r);
		if (ns && strcmp((const char *)ns, NS_DC) == 0) {
			if (strcmp(lname(&x), "title") == 0)
				setstr(title, xmlTextReaderReadString(x.r));
			else if (strcmp(lname(&x), "creator") == 0)
				setstr(author, xmlTextReaderReadString(x.r));
		} else if (strcmp(lname(&x), "initial-creator") == 0)
			setstr(&initial, xmlTextReaderReadString(x.r));
	}
	if (*author == NULL)
		*author = initial;
	else
		free(initial);
	xml_close(&x);
	dm_buf_free(&err);
}

/* Calls fn with the text and what is known; 0, or -1 when over. */
static int
done(struct dm_doctext *t, const struct dm_extractopt *o, char *title,
    char *author, dm_doc_fn fn, void *ctx, struct dm_buf *err)
{
	struct dm_docinfo di;

	if (dm_doctext_over(t, o, err))
		return -1;
	dm_doctext_end(t);
	if (t->b.len > 0) {
		memset(&di, 0, sizeof di);
		di.title = title;
		di.author = author;
		di.library = dm_xml_library();
		fn(ctx, t->b.buf, t->b.len, &di);
	}
	return 0;
}

/* ---- DOCX: word/document.xml ---- */

static int
docx_text(const struct dm_buf *b, struct dm_doctext *t,
    const struct dm_extractopt *o, struct dm_buf *err)
{
	struct xml x;
	int r, intext = 0, type, empty;
	const char *n, *v;

	if (xml_open(&x, b, "word/document.xml") < 0) {
		dm_buf_adds(err, "damaged (word/document.xml: not XML)");
		return -1;
	}
	while ((r = xml_next(&x, err)) == 1) {
		if (dm_doctext_over(t, o, err)) {
			r = -1;
			break;
		}
		type = xmlTextReaderNodeType(x.r);
		n = lname(&x);
		empty = xmlTextReaderIsEmptyElement(x.r) == 1;
		if (type == XML_READER_TYPE_ELEMENT) {
			if (strcmp(n, "t") == 0)
				intext = !empty;
			else if (strcmp(n, "tab") == 0)
				dm_doctext_add(t, "\t", 1, 0);
			else if (strcmp(n, "br") == 0 || strcmp(n, "cr") == 0)
				dm_doctext_br(t);
			else if (empty && strcmp(n, "p") == 0)
				dm_doctext_block(t);
		} else if (type == XML_READER_TYPE_END_ELEMENT) {
			if (strcmp(n, "t") == 0)
				intext = 0;
			else if (strcmp(n, "p") == 0 || strcmp(n, "tc") == 0)
				dm_doctext_block(t);
		} else if (intext && (type == XML_READER_TYPE_TEXT ||
		    type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE ||
		    type == XML_READER_TYPE_WHITESPACE ||
		    type == XML_READER_TYPE_CDATA) &&
		    (v = (const char *)xmlTextReaderConstValue(x.r)) != NULL)
			dm_doctext_add(t, v, strlen(v), 0);
	}
	xml_close(&x);
	return r;
}

int
dm_extract_docx(const void *data, size_t len, const struct dm_extractopt *o,
    dm_doc_fn fn, void *ctx, struct dm_buf *err)
{
	struct dm_buf b = DM_BUF_INIT;
	struct dm_doctext t;
	char *title = NULL, *author = NULL;
	int r;

	if (notzip(data, len, err) < 0)
		return -1;
	dm_doctext_init(&t, o);
	if ((r = member(data, len, "word/document.xml", o, &b, err)) == 1) {
		dm_buf_adds(err, "damaged (no word/document.xml)");
		r = -1;
	}
	if (r == 0)
		r = docx_text(&b, &t, o, err);
	if (r == 0) {
		if (member(data, len, "docProps/core.xml", o, &b, err) == 0)
			meta(&b, "docProps/core.xml", &title, &author);
		dm_buf_reset(err);
		r = done(&t, o, title, author, fn, ctx, err);
	}
	free(title);
	free(author);
	dm_buf_free(&b);
	dm_doctext_free(&t);
	return r;
}

/* ---- ODT: content.xml ---- */

static int
odt_text(const struct dm_buf *b, struct dm_doctext *t,
    const struct dm_extractopt *o, struct dm_buf *err)
{
	struct xml x;
	int r, inpara = 0, type, empty, c;
	const char *n, *v;
	xmlChar *cnt;

	if (xml_open(&x, b, "content.xml") < 0) {
		dm_buf_adds(err, "damaged (content.xml: not XML)");
		return -1;
	}
	while ((r = xml_next(&x, err)) == 1) {
		if (dm_doctext_over(t, o, err)) {
			r = -1;
			break;
		}
again:
		type = xmlTextReaderNodeType(x.r);
		n = lname(&x);
		empty = xmlTextReaderIsEmptyElement(x.r) == 1;
		/* notes, comments and tracked deletions are not the
		 * running text: on to the node after them */
		if (type == XML_READER_TYPE_ELEMENT && (strcmp(n, "note") == 0 ||
		    strcmp(n, "annotation") == 0 ||
		    strcmp(n, "tracked-changes") == 0)) {
			if ((r = xmlTextReaderNext(x.r)) == 1)
				goto again;
			if (r < 0 || x.msg.len > 0) {
				dm_buf_addf(err, "damaged (%s)", x.msg.len ?
				    x.msg.buf : "content.xml: not well-formed "
				    "XML");
				r = -1;
			}
			break;
		}
		if (type == XML_READER_TYPE_ELEMENT) {
			if (strcmp(n, "p") == 0 || strcmp(n, "h") == 0) {
				dm_doctext_block(t);
				if (!empty)
					inpara++;
			} else if (inpara && strcmp(n, "s") == 0) {
				cnt = xmlTextReaderGetAttributeNs(x.r,
				    (const xmlChar *)"c", (const xmlChar *)
				    "urn:oasis:names:tc:opendocument:xmlns:"
				    "text:1.0");
				c = cnt ? atoi((const char *)cnt) : 1;
				xmlFree(cnt);
				for (c = c < 1 ? 1 : c > 1000 ? 1000 : c; c > 0;
				    c--)
					dm_doctext_add(t, " ", 1, 0);
			} else if (inpara && strcmp(n, "tab") == 0)
				dm_doctext_add(t, "\t", 1, 0);
			else if (inpara && strcmp(n, "line-break") == 0)
				dm_doctext_br(t);
		} else if (type == XML_READER_TYPE_END_ELEMENT) {
			if ((strcmp(n, "p") == 0 || strcmp(n, "h") == 0) &&
			    inpara > 0) {
				inpara--;
				dm_doctext_block(t);
			} else if (strcmp(n, "table-cell") == 0)
				dm_doctext_block(t);
		} else if (inpara && (type == XML_READER_TYPE_TEXT ||
		    type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE ||
		    type == XML_READER_TYPE_WHITESPACE ||
		    type == XML_READER_TYPE_CDATA) &&
		    (v = (const char *)xmlTextReaderConstValue(x.r)) != NULL)
			dm_doctext_add(t, v, strlen(v), 1);
	}
	xml_close(&x);
	return r;
}

/* An ODF package whose manifest says its members are encrypted. */
static int
odf_encrypted(const void *data, size_t len, const struct dm_extractopt *o)
{
	struct dm_buf b = DM_BUF_INIT, err = DM_BUF_INIT;
	int r;

	r = member(data, len, "META-INF/manifest.xml", o, &b, &err) == 0 &&
	    memmem(b.buf, b.len, "encryption-data", 15) != NULL;
	dm_buf_free(&b);
	dm_buf_free(&err);
	return r;
}

int
dm_extract_odt(const void *data, size_t len, const struct dm_extractopt *o,
    dm_doc_fn fn, void *ctx, struct dm_buf *err)
{
	struct dm_buf b = DM_BUF_INIT;
	struct dm_doctext t;
	char *title = NULL, *author = NULL;
	int r;

	if (notzip(data, len, err) < 0)
		return -1;
	if (odf_encrypted(data, len, o)) {
		dm_buf_adds(err, "encrypted");
		return -1;
	}
	dm_doctext_init(&t, o);
	if ((r = member(data, len, "content.xml", o, &b, err)) == 1) {
		dm_buf_adds(err, "damaged (no content.xml)");
		r = -1;
	}
	if (r == 0)
		r = odt_text(&b, &t, o, err);
	if (r == 0) {
		if (member(data, len, "meta.xml", o, &b, err) == 0)
			meta(&b, "meta.xml", &title, &author);
		dm_buf_reset(err);
		r = done(&t, o, title, author, fn, ctx, err);
	}
	free(title);
	free(author);
	dm_buf_free(&b);
	dm_doctext_free(&t);
	return r;
}

/* ---- EPUB: container.xml, the OPF, the spine's XHTML ---- */

struct item {
	char	*id, *href;
};


/* The path of href relative to the folder of base, %XX decoded, "." and
 * ".." resolved (never above the root). */
static void
resolve(const char *base, const char *href, struct dm_buf *out)
{
	struct dm_buf dec = DM_BUF_INIT;
	const char *s, *p, *e;
	size_t i;
	int hi, lo;

	dm_buf_reset(out);
	if ((s = strrchr(base, '/')) != NULL && href[0] != '/')
		dm_buf_add(&dec, base, (size_t)(s - base) + 1);
	for (p = href; *p && *p != '#' && *p != '?'; p++) {
		if (*p == '%' && (hi = dm_hexdigit(p[1])) >= 0 &&
		    (lo = dm_hexdigit(p[2])) >= 0) {
			dm_buf_addc(&dec, (char)(hi << 4 | lo));
			p += 2;
		} else
			dm_buf_addc(&dec, *p);
	}
	for (p = dec.buf; *p; p = *e ? e + 1 : e) {
		if ((e = strchr(p, '/')) == NULL)
			e = p + strlen(p);
		if ((e - p == 1 && p[0] == '.') || e == p)
			continue;
		if (e - p == 2 && p[0] == '.' && p[1] == '.') {
			for (i = out->len; i > 0 && out->buf[i - 1] != '/'; i--)
				;
			out->len = i > 0 ? i - 1 : 0;
			out->buf[out->len] = '\0';
			continue;
		}
		if (out->len > 0)
			dm_buf_addc(out, '/');
		dm_buf_add(out, p, (size_t)(e - p));
	}
	dm_buf_free(&dec);
}

/* The OPF's path from META-INF/container.xml. */
static char *
epub_rootfile(const struct dm_buf *b, struct dm_buf *err)
{
	struct dm_buf e2 = DM_BUF_INIT;
	struct xml x;
	xmlChar *p;
	char *r = NULL;

	if (xml_open(&x, b, "META-INF/container.xml") < 0)
		return NULL;
	while (r == NULL && xml_next(&x, &e2) == 1)
		if (is(&x, XML_READER_TYPE_ELEMENT, "rootfile") &&
		    (p = xmlTextReaderGetAttribute(x.r,
		    (const xmlChar *)"full-path")) != NULL) {
			r = dm_xstrdup((const char *)p);
			xmlFree(p);
		}
	if (r == NULL)
		dm_buf_addf(err, "damaged (%s)", e2.len ? e2.buf :
		    "META-INF/container.xml names no rootfile");
	xml_close(&x);
	dm_buf_free(&e2);
	return r;
}

/* The manifest and the spine of the OPF: the spine's hrefs in order. */
static int
epub_spine(const struct dm_buf *b, const char *opf, char ***spine,
    size_t *nspine, struct dm_buf *err)
{
	struct item *items = NULL;
	size_t nitems = 0, cap = 0, ns = 0, i;
	char **sp = NULL;
	struct xml x;
	xmlChar *id, *href;
	int r;

	if (xml_open(&x, b, opf) < 0) {
		dm_buf_addf(err, "damaged (%s: not XML)", opf);
		return -1;
	}
	while ((r = xml_next(&x, err)) == 1) {
		if (is(&x, XML_READER_TYPE_ELEMENT, "item")) {
			id = xmlTextReaderGetAttribute(x.r,
			    (const xmlChar *)"id");
			href = xmlTextReaderGetAttribute(x.r,
			    (const xmlChar *)"href");
			if (id && href && nitems < MAXSPINE) {
				if (nitems == cap) {
					cap = cap ? 2 * cap : 64;
					items = dm_xreallocarray(items, cap,
					    sizeof *items);
				}
				items[nitems].id = dm_xstrdup((char *)id);
				items[nitems].href = dm_xstrdup((char *)href);
				nitems++;
			}
			xmlFree(id);
			xmlFree(href);
		} else if (is(&x, XML_READER_TYPE_ELEMENT, "itemref") &&
		    (id = xmlTextReaderGetAttribute(x.r,
		    (const xmlChar *)"idref")) != NULL) {
			for (i = 0; i < nitems; i++)
				if (strcmp(items[i].id, (char *)id) == 0)
					break;
			if (i < nitems && ns < MAXSPINE) {
				sp = dm_xreallocarray(sp, ns + 1, sizeof *sp);
				sp[ns++] = dm_xstrdup(items[i].href);
			}
			xmlFree(id);
		}
	}
	xml_close(&x);
	for (i = 0; i < nitems; i++) {
		free(items[i].id);
		free(items[i].href);
	}
	free(items);
	*spine = sp;
	*nspine = ns;
	return r;
}

int
dm_extract_epub(const void *data, size_t len, const struct dm_extractopt *o,
    dm_doc_fn fn, void *ctx, struct dm_buf *err)
{
	struct dm_buf b = DM_BUF_INIT, path = DM_BUF_INIT;
	struct dm_doctext t;
	char *title = NULL, *author = NULL, *opf = NULL, **spine = NULL;
	size_t nspine = 0, i;
	int r;

	if (notzip(data, len, err) < 0)
		return -1;
	dm_doctext_init(&t, o);
	if ((r = member(data, len, "META-INF/container.xml", o, &b,
	    err)) == 1) {
		dm_buf_adds(err, "damaged (no META-INF/container.xml)");
		r = -1;
	}
	if (r == 0 && (opf = epub_rootfile(&b, err)) == NULL)
		r = -1;
	if (r == 0 && (r = member(data, len, opf, o, &b, err)) == 1) {
		dm_buf_adds(err, "damaged (no member '");
		dm_buf_addquoted(err, opf, strlen(opf), 200);
		dm_buf_adds(err, "')");
		r = -1;
	}
	if (r == 0) {
		meta(&b, opf, &title, &author);
		r = epub_spine(&b, opf, &spine, &nspine, err);
	}
	for (i = 0; r == 0 && i < nspine; i++) {
		resolve(opf, spine[i], &path);
		r = member(data, len, path.buf, o, &b, err);
		if (r == 1) {
			/* a spine item that is missing is left out */
			r = 0;
			continue;
		}
		if (r < 0)
			break;
		dm_doctext_block(&t);
		dm_html_text(b.buf, b.len, &t, NULL, NULL);
		if (dm_doctext_over(&t, o, NULL))
			break;
	}
	if (r == 0)
		r = done(&t, o, title, author, fn, ctx, err);
	for (i = 0; i < nspine; i++)
		free(spine[i]);
	free(spine);
	free(opf);
	free(title);
	free(author);
	dm_buf_free(&b);
	dm_buf_free(&path);
	dm_doctext_free(&t);
	return r;
}
