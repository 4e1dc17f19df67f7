/* extract-zip.c - DOCX, ODT, PPTX, XLSX and EPUB: zipped XML read with libarchive and libxml2's xmlReader */
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlreader.h>

#include "dm.h"
#include "archives.h"
#include "extract.h"

#define MAXDEPTH	256		/* elements nested in one XML member */
#define MAXSPINE	10000		/* chapters, slides, sheets */
#define MEMBERMAX	(64UL << 20)	/* bytes of a member without maxout */

#define NS_DC	"http://purl.org/dc/elements/1.1/"
#define NS_MC	"http://schemas.openxmlformats.org/markup-compatibility/2006"

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

/* Calls fn with the text and what is known (di, or nothing when NULL);
 * 0, or -1 when over. */
static int
done(struct dm_doctext *t, const struct dm_extractopt *o,
    struct dm_docinfo *di, dm_doc_fn fn, void *ctx, struct dm_buf *err)
{
	struct dm_docinfo none;

	if (dm_doctext_over(t, o, err))
		return -1;
	dm_doctext_end(t);
	if (di == NULL) {
		memset(&none, 0, sizeof none);
		di = &none;
	}
	if (t->b.len > 0) {
		di->library = dm_xml_library();
		fn(ctx, t->b.buf, t->b.len, di);
	}
	return 0;
}

/* Whether the node is text of the running text. */
static const char *
textnode(struct xml *x)
{
	int type = xmlTextReaderNodeType(x->r);

	if (type != XML_READER_TYPE_TEXT &&
	    type != XML_READER_TYPE_SIGNIFICANT_WHITESPACE &&
	    type != XML_READER_TYPE_WHITESPACE &&
	    type != XML_READER_TYPE_CDATA)
		return NULL;
	return (const char *)xmlTextReaderConstValue(x->r);
}

/*
 * A zipped XML document: the member it cannot be without, the member of
 * its title and author, and the walk that turns the main member (and the
 * members it leads to) into text, counting its slides or sheets.
 */
struct zip {
	const void			*data;
	size_t				 len;
	const struct dm_extractopt	*o;
	void				*ctx;	/* o->warn's */
};

struct zipdoc {
	const char	*main;
	const char	*meta;
	int		 odf;		/* an ODF package: its manifest may
					 * say its members are encrypted */
	int		(*text)(const struct zip *, const struct dm_buf *,
			    struct dm_doctext *, int *parts, struct dm_buf *);
	int		 parts;		/* 1: slides, 2: sheets, 0: none */
};

static int	odf_encrypted(const struct zip *);

static int
zipdoc(const struct zipdoc *d, const void *data, size_t len,
    const struct dm_extractopt *o, dm_doc_fn fn, void *ctx,
    struct dm_buf *err)
{
	struct zip z = { data, len, o, ctx };
	struct dm_buf b = DM_BUF_INIT;
	struct dm_doctext t;
	struct dm_docinfo di;
	char *title = NULL, *author = NULL;
	int r, parts = 0;

	if (notzip(data, len, err) < 0)
		return -1;
	if (d->odf && odf_encrypted(&z)) {
		dm_buf_adds(err, "encrypted");
		return -1;
	}
	dm_doctext_init(&t, o);
	if ((r = member(data, len, d->main, o, &b, err)) == 1) {
		dm_buf_addf(err, "damaged (no %s)", d->main);
		r = -1;
	}
	if (r == 0)
		r = d->text(&z, &b, &t, &parts, err);
	if (r == 0) {
		if (member(data, len, d->meta, o, &b, err) == 0)
			meta(&b, d->meta, &title, &author);
		dm_buf_reset(err);
		memset(&di, 0, sizeof di);
		di.title = title;
		di.author = author;
		if (d->parts == 1)
			di.slides = parts;
		else if (d->parts == 2)
			di.sheets = parts;
		r = done(&t, o, &di, fn, ctx, err);
	}
	free(title);
	free(author);
	dm_buf_free(&b);
	dm_doctext_free(&t);
	return r;
}

/*
 * Whether the node is inside a subtree left out, or opens one (name,
 * name2, or mc:Fallback): *skip is the depth of the element that opened it, -1
 * when none is open. Office writes what is in a drawing or a text box
 * twice, in mc:Choice for new readers and in mc:Fallback for old ones;
 * the text is read once, from the first.
 */
static int
skipped(struct xml *x, const char *name, const char *name2, int *skip)
{
	int type = xmlTextReaderNodeType(x->r), depth = xmlTextReaderDepth(x->r);
	const xmlChar *ns;

	if (*skip >= 0) {
		if (type == XML_READER_TYPE_END_ELEMENT && depth == *skip)
			*skip = -1;
		return 1;
	}
	if (type != XML_READER_TYPE_ELEMENT)
		return 0;
	ns = xmlTextReaderConstNamespaceUri(x->r);
	if (!(name != NULL && strcmp(lname(x), name) == 0) &&
	    !(name != NULL && name2 != NULL && strcmp(lname(x), name2) == 0) &&
	    !(strcmp(lname(x), "Fallback") == 0 && ns != NULL &&
	    strcmp((const char *)ns, NS_MC) == 0))
		return 0;
	if (xmlTextReaderIsEmptyElement(x->r) != 1)
		*skip = depth;
	return 1;
}

/* ---- DOCX: word/document.xml ---- */

static int
docx_text(const struct zip *z, const struct dm_buf *b, struct dm_doctext *t,
    int *parts, struct dm_buf *err)
{
	struct xml x;
	int r, intext = 0, type, empty, skip = -1;
	const char *n, *v;

	(void)parts;
	if (xml_open(&x, b, "word/document.xml") < 0) {
		dm_buf_adds(err, "damaged (word/document.xml: not XML)");
		return -1;
	}
	while ((r = xml_next(&x, err)) == 1) {
		if (dm_doctext_over(t, z->o, err)) {
			r = -1;
			break;
		}
		/* the tab stops of a paragraph (w:pPr/w:tabs/w:tab) are
		 * not tabs of its text; text moved with changes tracked
		 * is where it went (w:moveTo), not also where it was */
		if (skipped(&x, "tabs", "moveFrom", &skip))
			continue;
		type = xmlTextReaderNodeType(x.r);
		n = lname(&x);
		empty = xmlTextReaderIsEmptyElement(x.r) == 1;
		if (type == XML_READER_TYPE_ELEMENT) {
			if (strcmp(n, "t") == 0)
				intext = !empty;
			else if (strcmp(n, "tab") == 0)
				dm_doctext_add(t, "\t", 1, 0);
			else if (strcmp(n, "noBreakHyphen") == 0)
				/* U+2011, as Word shows it: not a hyphen lost
				 * from "555-1234" */
				dm_doctext_add(t, "\xE2\x80\x91", 3, 0);
			else if (strcmp(n, "br") == 0 || strcmp(n, "cr") == 0)
				dm_doctext_br(t);
			else if (empty && strcmp(n, "p") == 0)
				dm_doctext_block(t);
		} else if (type == XML_READER_TYPE_END_ELEMENT) {
			if (strcmp(n, "t") == 0)
				intext = 0;
			else if (strcmp(n, "p") == 0 || strcmp(n, "tc") == 0)
				dm_doctext_block(t);
		} else if (intext && (v = textnode(&x)) != NULL)
			dm_doctext_add(t, v, strlen(v), 0);
	}
	xml_close(&x);
	return r;
}

int
dm_extract_docx(const void *data, size_t len, const struct dm_extractopt *o,
    dm_doc_fn fn, void *ctx, struct dm_buf *err)
{
	static const struct zipdoc d = { "word/document.xml",
	    "docProps/core.xml", 0, docx_text, 0 };

	return zipdoc(&d, data, len, o, fn, ctx, err);
}

/* ---- ODT: content.xml ---- */

static int
odt_text(const struct zip *z, const struct dm_buf *b, struct dm_doctext *t,
    int *parts, struct dm_buf *err)
{
	struct xml x;
	int r, inpara = 0, type, empty, c;
	const char *n, *v;
	xmlChar *cnt;

	(void)parts;
	if (xml_open(&x, b, "content.xml") < 0) {
		dm_buf_adds(err, "damaged (content.xml: not XML)");
		return -1;
	}
	while ((r = xml_next(&x, err)) == 1) {
		if (dm_doctext_over(t, z->o, err)) {
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
		} else if (inpara && (v = textnode(&x)) != NULL)
			dm_doctext_add(t, v, strlen(v), 1);
	}
	xml_close(&x);
	return r;
}

/* An ODF package whose manifest says its members are encrypted. */
static int
odf_encrypted(const struct zip *z)
{
	struct dm_buf b = DM_BUF_INIT, err = DM_BUF_INIT;
	int r;

	r = member(z->data, z->len, "META-INF/manifest.xml", z->o, &b,
	    &err) == 0 && memmem(b.buf, b.len, "encryption-data", 15) != NULL;
	dm_buf_free(&b);
	dm_buf_free(&err);
	return r;
}

int
dm_extract_odt(const void *data, size_t len, const struct dm_extractopt *o,
    dm_doc_fn fn, void *ctx, struct dm_buf *err)
{
	static const struct zipdoc d = { "content.xml", "meta.xml", 1,
	    odt_text, 0 };

	return zipdoc(&d, data, len, o, fn, ctx, err);
}

/* ---- OOXML parts: a list of relationship ids, their targets ---- */

#define NS_A	"http://schemas.openxmlformats.org/drawingml/2006/main"
#define NS_R	"http://schemas.openxmlformats.org/officeDocument/2006/" \
	"relationships"
#define NS_RS	"http://purl.oclc.org/ooxml/officeDocument/relationships"

struct part {
	char	*id;		/* the relationship's id */
	size_t	 i;		/* where in the list */
	char	*member;	/* the member it leads to, or NULL */
};

static int
cmppart(const void *a, const void *b)
{
	return strcmp(((const struct part *)a)->id,
	    ((const struct part *)b)->id);
}

static int
cmpindex(const void *a, const void *b)
{
	const struct part *x = a, *y = b;

	return x->i < y->i ? -1 : x->i > y->i;
}

static void
parts_free(struct part *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(p[i].id);
		free(p[i].member);
	}
	free(p);
}

/* The r:id of each element elem of the main part b, in document order. */
static int
partids(const struct dm_buf *b, const char *name, const char *elem,
    struct part **pp, size_t *np, struct dm_buf *err)
{
	struct part *p = NULL;
	size_t n = 0;
	struct xml x;
	xmlChar *id;
	int r;

	if (xml_open(&x, b, name) < 0) {
		dm_buf_addf(err, "damaged (%s: not XML)", name);
		return -1;
	}
	while ((r = xml_next(&x, err)) == 1) {
		if (!is(&x, XML_READER_TYPE_ELEMENT, elem) || n >= MAXSPINE)
			continue;
		if ((id = xmlTextReaderGetAttributeNs(x.r,
		    (const xmlChar *)"id", (const xmlChar *)NS_R)) == NULL)
			id = xmlTextReaderGetAttributeNs(x.r,
			    (const xmlChar *)"id", (const xmlChar *)NS_RS);
		if (id == NULL)
			continue;
		p = dm_xreallocarray(p, n + 1, sizeof *p);
		p[n].id = dm_xstrdup((const char *)id);
		p[n].i = n;
		p[n].member = NULL;
		n++;
		xmlFree(id);
	}
	xml_close(&x);
	*pp = p;
	*np = n;
	return r;
}

static void	resolve(const char *, const char *, struct dm_buf *);
static void	leftout(const struct dm_extractopt *, void *, const char *,
		    const char *, const char *);

/*
 * The member each part leads to through the relationships of the main
 * part (ppt/_rels/presentation.xml.rels for ppt/presentation.xml),
 * resolved against the main part's folder; NULL when none does. A
 * missing or damaged relationships member leaves every one NULL.
 */
static void
targets(const struct zip *z, const char *main, struct part *p, size_t n)
{
	struct dm_buf rels = DM_BUF_INIT, b = DM_BUF_INIT, e = DM_BUF_INIT;
	struct dm_buf path = DM_BUF_INIT;
	struct part key, *hit;
	struct xml x;
	xmlChar *id, *target, *mode;
	const char *s;

	if (n == 0)
		return;
	s = strrchr(main, '/');
	s = s ? s + 1 : main;
	dm_buf_add(&rels, main, (size_t)(s - main));
	dm_buf_addf(&rels, "_rels/%s.rels", s);
	qsort(p, n, sizeof *p, cmppart);
	if (member(z->data, z->len, rels.buf, z->o, &b, &e) == 0 &&
	    xml_open(&x, &b, rels.buf) == 0) {
		while (xml_next(&x, &e) == 1) {
			if (!is(&x, XML_READER_TYPE_ELEMENT, "Relationship"))
				continue;
			id = xmlTextReaderGetAttribute(x.r,
			    (const xmlChar *)"Id");
			target = xmlTextReaderGetAttribute(x.r,
			    (const xmlChar *)"Target");
			mode = xmlTextReaderGetAttribute(x.r,
			    (const xmlChar *)"TargetMode");
			key.id = (char *)id;
			if (id && target && (mode == NULL || strcmp((char *)
			    mode, "External") != 0) && (hit = bsearch(&key,
			    p, n, sizeof *p, cmppart)) != NULL &&
			    hit->member == NULL) {
				resolve(main, (const char *)target, &path);
				hit->member = dm_xstrdup(path.buf);
			}
			xmlFree(id);
			xmlFree(target);
			xmlFree(mode);
		}
		xml_close(&x);
	}
	qsort(p, n, sizeof *p, cmpindex);
	dm_buf_free(&rels);
	dm_buf_free(&b);
	dm_buf_free(&e);
	dm_buf_free(&path);
}

/* Whether the element or end is name in DrawingML's namespace. */
static int
isa(struct xml *x, int type, const char *name)
{
	const xmlChar *ns;

	if (!is(x, type, name))
		return 0;
	ns = xmlTextReaderConstNamespaceUri(x->r);
	return ns != NULL && strcmp((const char *)ns, NS_A) == 0;
}

/* ---- PPTX: ppt/presentation.xml, its slides in order ---- */

/* The paragraphs of one slide, each a line. */
static int
slide_text(const struct zip *z, const struct dm_buf *b, const char *name,
    void *arg, struct dm_doctext *t, struct dm_buf *err)
{
	struct xml x;
	int r, intext = 0, any = 0, skip = -1;
	const char *v;

	(void)arg;
	if (xml_open(&x, b, name) < 0) {
		dm_buf_addf(err, "damaged (%s: not XML)", name);
		return -1;
	}
	while ((r = xml_next(&x, err)) == 1) {
		if (dm_doctext_over(t, z->o, err)) {
			r = -1;
			break;
		}
		if (skipped(&x, NULL, NULL, &skip))
			continue;
		if (isa(&x, XML_READER_TYPE_ELEMENT, "t"))
			intext = xmlTextReaderIsEmptyElement(x.r) != 1;
		else if (isa(&x, XML_READER_TYPE_END_ELEMENT, "t"))
			intext = 0;
		else if (isa(&x, XML_READER_TYPE_ELEMENT, "br")) {
			/* breaks before a paragraph's text only move it */
			if (any)
				dm_doctext_br(t);
		} else if (isa(&x, XML_READER_TYPE_END_ELEMENT, "p")) {
			dm_doctext_block(t);
			any = 0;
		} else if (intext && (v = textnode(&x)) != NULL) {
			dm_doctext_add(t, v, strlen(v), 0);
			any = 1;
		}
	}
	xml_close(&x);
	return r;
}

/* Each part's member, as text; a blank line between parts with text. A
 * part (what: "slide") of the list (the main part's: "the slide list")
 * that leads nowhere, or to no member, is left out and said, as an
 * EPUB's missing chapter is: the text of the document is not whole. */
static int
parts_text(const struct zip *z, struct part *p, size_t n, const char *what,
    const char *list,
    int (*fn)(const struct zip *, const struct dm_buf *, const char *,
    void *, struct dm_doctext *, struct dm_buf *), void *arg,
    struct dm_doctext *t, int *count, struct dm_buf *err)
{
	struct dm_buf b = DM_BUF_INIT, why = DM_BUF_INIT;
	size_t i, len0;
	int r = 0;

	for (i = 0; r == 0 && i < n; i++) {
		if (p[i].member == NULL) {
			dm_buf_reset(&why);
			dm_buf_addf(&why, "of %s is not in its relationships",
			    list);
			leftout(z->o, z->ctx, what, p[i].id, why.buf);
			continue;
		}
		if ((r = member(z->data, z->len, p[i].member, z->o, &b,
		    err)) == 1) {
			dm_buf_reset(&why);
			dm_buf_addf(&why, "of %s is missing", list);
			leftout(z->o, z->ctx, what, p[i].member, why.buf);
			r = 0;
			continue;
		}
		if (r < 0)
			break;
		len0 = t->b.len;
		dm_doctext_block(t);
		r = fn(z, &b, p[i].member, arg, t, err);
		(*count)++;
		if (t->b.len > len0)
			dm_doctext_br(t);
	}
	dm_buf_free(&b);
	dm_buf_free(&why);
	return r;
}

static int
pptx_text(const struct zip *z, const struct dm_buf *b, struct dm_doctext *t,
    int *slides, struct dm_buf *err)
{
	struct part *p = NULL;
	size_t n = 0;
	int r;

	if ((r = partids(b, "ppt/presentation.xml", "sldId", &p, &n,
	    err)) == 0) {
		targets(z, "ppt/presentation.xml", p, n);
		r = parts_text(z, p, n, "slide", "the slide list", slide_text,
		    NULL, t, slides, err);
	}
	parts_free(p, n);
	return r;
}

int
dm_extract_pptx(const void *data, size_t len, const struct dm_extractopt *o,
    dm_doc_fn fn, void *ctx, struct dm_buf *err)
{
	static const struct zipdoc d = { "ppt/presentation.xml",
	    "docProps/core.xml", 0, pptx_text, 1 };

	return zipdoc(&d, data, len, o, fn, ctx, err);
}

/* ---- XLSX: xl/workbook.xml, its sheets in order, shared strings ---- */

#define MAXCOL	16384		/* columns of a sheet (XFD) */

/* The shared strings of xl/sharedStrings.xml, each NUL-ended in s. */
struct sst {
	struct dm_buf	 s;
	size_t		*off;
	size_t		 n;
};

/* Appends the text of a cell, a tab or newline in it a space. */
static void
celladd(struct dm_buf *cell, const char *v)
{
	for (; *v; v++)
		dm_buf_addc(cell, *v == '\t' || *v == '\n' || *v == '\r' ?
		    ' ' : *v);
}

/* Each si's text: its t, or its runs' t, phonetic runs (rPh) left out. */
static int
sst_load(const struct zip *z, struct sst *ss, struct dm_buf *err)
{
	static const char name[] = "xl/sharedStrings.xml";
	struct dm_buf b = DM_BUF_INIT;
	struct xml x;
	int r, intext = 0, inrph = 0, insi = 0;
	const char *v;

	if ((r = member(z->data, z->len, name, z->o, &b, err)) != 0) {
		dm_buf_free(&b);
		return r == 1 ? 0 : -1;
	}
	if (xml_open(&x, &b, name) < 0) {
		dm_buf_addf(err, "damaged (%s: not XML)", name);
		dm_buf_free(&b);
		return -1;
	}
	while ((r = xml_next(&x, err)) == 1) {
		if (z->o && z->o->maxout && ss->s.len > z->o->maxout) {
			dm_buf_addf(err, "more than %zu bytes of text",
			    z->o->maxout);
			r = -1;
			break;
		}
		if (is(&x, XML_READER_TYPE_ELEMENT, "si")) {
			ss->off = dm_xreallocarray(ss->off, ss->n + 1,
			    sizeof *ss->off);
			ss->off[ss->n++] = ss->s.len;
			insi = xmlTextReaderIsEmptyElement(x.r) != 1;
			if (!insi)
				dm_buf_addc(&ss->s, '\0');
		} else if (is(&x, XML_READER_TYPE_END_ELEMENT, "si")) {
			dm_buf_addc(&ss->s, '\0');
			insi = 0;
		} else if (is(&x, XML_READER_TYPE_ELEMENT, "rPh"))
			inrph = xmlTextReaderIsEmptyElement(x.r) != 1;
		else if (is(&x, XML_READER_TYPE_END_ELEMENT, "rPh"))
			inrph = 0;
		else if (is(&x, XML_READER_TYPE_ELEMENT, "t"))
			intext = insi && !inrph &&
			    xmlTextReaderIsEmptyElement(x.r) != 1;
		else if (is(&x, XML_READER_TYPE_END_ELEMENT, "t"))
			intext = 0;
		else if (intext && (v = textnode(&x)) != NULL)
			celladd(&ss->s, v);
	}
	/* an si left open by a document cut short */
	if (insi)
		dm_buf_addc(&ss->s, '\0');
	xml_close(&x);
	dm_buf_free(&b);
	return r;
}

static void
sst_free(struct sst *ss)
{
	dm_buf_free(&ss->s);
	free(ss->off);
}

/* The column of a cell reference ("C7": 3), or 0 when it has none. */
static int
column(const xmlChar *ref)
{
	int c = 0;

	for (; ref && *ref >= 'A' && *ref <= 'Z'; ref++)
		if ((c = c * 26 + (*ref - 'A' + 1)) > MAXCOL)
			return MAXCOL;
	return c;
}

/* A cell's text at its column: tabs up to it from the row's last cell. */
static int
cellout(struct dm_doctext *t, struct sst *ss, const char *name, int type,
    struct dm_buf *cell, int col, int *last, struct dm_buf *err)
{
	const char *v = cell->buf;
	char *end;
	unsigned long k;
	int tabs;

	if (type == 's') {
		k = strtoul(v, &end, 10);
		if (*v < '0' || *v > '9' || *end != '\0' || k >= ss->n) {
			dm_buf_addf(err, "damaged (%s: shared string '", name);
			dm_buf_addquoted(err, v, strlen(v), 40);
			dm_buf_adds(err, "' out of range)");
			return -1;
		}
		v = ss->s.buf + ss->off[k];
	}
	if (*v == '\0')
		return 0;
	if (*last == 0)
		tabs = col - 1;
	else
		tabs = col > *last ? col - *last : 1;
	for (; tabs > 0; tabs--)
		dm_doctext_add(t, "\t", 1, 0);
	dm_doctext_add(t, v, strlen(v), 0);
	*last = col > *last ? col : *last + 1;
	return 0;
}

/* A row a line, its cells separated by tabs, as they are written. */
static int
sheet_text(const struct zip *z, const struct dm_buf *b, const char *name,
    void *arg, struct dm_doctext *t, struct dm_buf *err)
{
	struct sst *ss = arg;
	struct dm_buf cell = DM_BUF_INIT;
	struct xml x;
	int r, in = 0, inrph = 0, type = 0, col = 0, cur = 0, last = 0;
	const char *v;
	xmlChar *a;

	if (xml_open(&x, b, name) < 0) {
		dm_buf_addf(err, "damaged (%s: not XML)", name);
		return -1;
	}
	while ((r = xml_next(&x, err)) == 1) {
		if (dm_doctext_over(t, z->o, err)) {
			r = -1;
			break;
		}
		if (is(&x, XML_READER_TYPE_ELEMENT, "row")) {
			cur = last = 0;
			dm_doctext_block(t);
		} else if (is(&x, XML_READER_TYPE_END_ELEMENT, "row"))
			dm_doctext_block(t);
		else if (is(&x, XML_READER_TYPE_ELEMENT, "c")) {
			a = xmlTextReaderGetAttribute(x.r,
			    (const xmlChar *)"r");
			col = column(a);
			xmlFree(a);
			cur = col = col > 0 ? col : cur < MAXCOL ? cur + 1 :
			    MAXCOL;
			a = xmlTextReaderGetAttribute(x.r,
			    (const xmlChar *)"t");
			type = a == NULL ? 'n' : strcmp((char *)a, "s") == 0 ?
			    's' : strcmp((char *)a, "inlineStr") == 0 ? 'i' :
			    'v';
			xmlFree(a);
			dm_buf_reset(&cell);
		} else if (is(&x, XML_READER_TYPE_END_ELEMENT, "c")) {
			if (cellout(t, ss, name, type, &cell, col, &last,
			    err) < 0) {
				r = -1;
				break;
			}
			dm_buf_reset(&cell);
		} else if (is(&x, XML_READER_TYPE_ELEMENT, "rPh"))
			inrph = xmlTextReaderIsEmptyElement(x.r) != 1;
		else if (is(&x, XML_READER_TYPE_END_ELEMENT, "rPh"))
			inrph = 0;
		else if (is(&x, XML_READER_TYPE_ELEMENT, "v"))
			in = type != 'i' &&
			    xmlTextReaderIsEmptyElement(x.r) != 1;
		else if (is(&x, XML_READER_TYPE_ELEMENT, "t"))
			in = type == 'i' && !inrph &&
			    xmlTextReaderIsEmptyElement(x.r) != 1;
		else if (is(&x, XML_READER_TYPE_END_ELEMENT, "v") ||
		    is(&x, XML_READER_TYPE_END_ELEMENT, "t"))
			in = 0;
		else if (in && (v = textnode(&x)) != NULL) {
			if (cell.len < MEMBERMAX)
				celladd(&cell, v);
		}
	}
	xml_close(&x);
	dm_buf_free(&cell);
	return r;
}

static int
xlsx_text(const struct zip *z, const struct dm_buf *b, struct dm_doctext *t,
    int *sheets, struct dm_buf *err)
{
	struct sst ss = { DM_BUF_INIT, NULL, 0 };
	struct part *p = NULL;
	size_t n = 0;
	int r;

	if ((r = partids(b, "xl/workbook.xml", "sheet", &p, &n, err)) == 0 &&
	    (r = sst_load(z, &ss, err)) == 0) {
		targets(z, "xl/workbook.xml", p, n);
		r = parts_text(z, p, n, "sheet", "the workbook", sheet_text,
		    &ss, t, sheets, err);
	}
	sst_free(&ss);
	parts_free(p, n);
	return r;
}

int
dm_extract_xlsx(const void *data, size_t len, const struct dm_extractopt *o,
    dm_doc_fn fn, void *ctx, struct dm_buf *err)
{
	static const struct zipdoc d = { "xl/workbook.xml",
	    "docProps/core.xml", 0, xlsx_text, 2 };

	return zipdoc(&d, data, len, o, fn, ctx, err);
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

/* Says that a part of the document is left out, as o->warn does. */
static void
leftout(const struct dm_extractopt *o, void *ctx, const char *what,
    const char *name, const char *why)
{
	struct dm_buf m = DM_BUF_INIT;

	if (o == NULL || o->warn == NULL)
		return;
	dm_buf_addf(&m, "%s '", what);
	dm_buf_addquoted(&m, name, strlen(name), 200);
	dm_buf_addf(&m, "' %s, left out", why);
	o->warn(ctx, m.buf);
	dm_buf_free(&m);
}

/* The manifest and the spine of the OPF: the spine's items in order, an
 * itemref whose idref is not in the manifest with its href NULL. */
static int
epub_spine(const struct dm_buf *b, const char *opf, struct item **spine,
    size_t *nspine, struct dm_buf *err)
{
	struct item *items = NULL, *sp = NULL;
	size_t nitems = 0, cap = 0, ns = 0, i;
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
			if (ns < MAXSPINE) {
				sp = dm_xreallocarray(sp, ns + 1, sizeof *sp);
				sp[ns].id = dm_xstrdup((char *)id);
				sp[ns++].href = i < nitems ?
				    dm_xstrdup(items[i].href) : NULL;
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
	struct dm_buf b = DM_BUF_INIT, path = DM_BUF_INIT, why = DM_BUF_INIT;
	struct dm_doctext t;
	struct dm_docinfo di;
	char *title = NULL, *author = NULL, *opf = NULL;
	struct item *spine = NULL;
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
		if (spine[i].href == NULL) {
			leftout(o, ctx, "chapter", spine[i].id,
			    "of the spine is not in the manifest");
			continue;
		}
		resolve(opf, spine[i].href, &path);
		r = member(data, len, path.buf, o, &b, err);
		if (r == 1) {
			/* a chapter that is missing is left out, and said:
			 * the text of the book is not whole */
			leftout(o, ctx, "chapter", path.buf,
			    "of the spine is missing");
			r = 0;
			continue;
		}
		if (r < 0)
			break;
		dm_doctext_block(&t);
		dm_buf_reset(&why);
		if (dm_xhtml_text(b.buf, b.len, &t, NULL, NULL, &why) < 0) {
			dm_buf_adds(err, "member '");
			dm_buf_addquoted(err, path.buf, path.len, 200);
			dm_buf_adds(err, "': ");
			dm_buf_add(err, why.buf, why.len);
			r = -1;
			break;
		}
		if (dm_doctext_over(&t, o, NULL))
			break;
	}
	if (r == 0) {
		memset(&di, 0, sizeof di);
		di.title = title;
		di.author = author;
		r = done(&t, o, &di, fn, ctx, err);
	}
	for (i = 0; i < nspine; i++) {
		free(spine[i].id);
		free(spine[i].href);
	}
	free(spine);
	free(opf);
	free(title);
	free(author);
	dm_buf_free(&b);
	dm_buf_free(&path);
	dm_buf_free(&why);
	dm_doctext_free(&t);
	return r;
}
