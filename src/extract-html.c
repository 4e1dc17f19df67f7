/* extract-html.c - HTML as block-structured text, with libxml2's HTML parser */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "dm.h"
#include "extract.h"

/* Elements whose content is not text. */
static const char *const dropped[] = {
	"head", "nav", "noscript", "script", "style", "template", NULL
};

/* Elements that end a line (list items and table cells included). */
static const char *const blocks[] = {
	"address", "article", "aside", "blockquote", "body", "caption",
	"center", "dd", "details", "dialog", "dir", "div", "dl", "dt",
	"fieldset", "figcaption", "figure", "footer", "form", "h1", "h2",
	"h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "legend",
	"li", "main", "menu", "ol", "option", "p", "pre", "section",
	"summary", "table", "tbody", "td", "tfoot", "th", "thead", "title",
	"tr", "ul", NULL
};

static int
among(const char *const *v, const xmlChar *name)
{
	for (; *v; v++)
		if (strcasecmp(*v, (const char *)name) == 0)
			return 1;
	return 0;
}

static char *
content(xmlNode *n)
{
	xmlChar *s = xmlNodeGetContent(n);
	struct dm_doctext t;
	char *r;

	if (s == NULL)
		return NULL;
	dm_doctext_init(&t, NULL);
	dm_doctext_add(&t, (const char *)s, strlen((const char *)s), 1);
	xmlFree(s);
	if (t.b.len == 0) {
		dm_doctext_free(&t);
		return NULL;
	}
	r = dm_buf_detach(&t.b, NULL);
	return r;
}

/* The title and author the head gives. */
static void
head(xmlNode *h, char **title, char **author)
{
	xmlNode *n;
	xmlChar *name, *c;

	for (n = h->children; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (title && *title == NULL &&
		    strcasecmp((const char *)n->name, "title") == 0)
			*title = content(n);
		if (author && *author == NULL &&
		    strcasecmp((const char *)n->name, "meta") == 0 &&
		    (name = xmlGetProp(n, (const xmlChar *)"name")) != NULL) {
			if (strcasecmp((const char *)name, "author") == 0 &&
			    (c = xmlGetProp(n, (const xmlChar *)"content")) !=
			    NULL) {
				*author = dm_xstrdup((const char *)c);
				xmlFree(c);
				if (**author == '\0') {
					free(*author);
					*author = NULL;
				}
			}
			xmlFree(name);
		}
	}
}

/* The text of the tree, walked without recursion (the depth of a
 * hostile document is not bounded by the parser). */
static void
walk(xmlNode *root, struct dm_doctext *t, char **title, char **author)
{
	xmlNode *n = root;
	int pre = 0;

	while (n != NULL && !dm_doctext_over(t, NULL, NULL)) {
		int down = 0;

		if (n->type == XML_ELEMENT_NODE) {
			if (strcasecmp((const char *)n->name, "head") == 0)
				head(n, title, author);
			if (among(dropped, n->name))
				;
			else if (strcasecmp((const char *)n->name, "br") == 0)
				dm_doctext_br(t);
			else {
				if (among(blocks, n->name))
					dm_doctext_block(t);
				if (strcasecmp((const char *)n->name,
				    "pre") == 0)
					pre++;
				down = n->children != NULL;
			}
		} else if ((n->type == XML_TEXT_NODE ||
		    n->type == XML_CDATA_SECTION_NODE) && n->content) {
			const char *s = (const char *)n->content, *e;

			/* a newline just after <pre> is not the text's:
			 * HTML drops it (13.2.6.4.7), so that the text can
			 * start on the line after the tag */
			if (pre && *s == '\n' && n->prev == NULL &&
			    n->parent != NULL &&
			    n->parent->type == XML_ELEMENT_NODE &&
			    strcasecmp((const char *)n->parent->name,
			    "pre") == 0)
				s++;
			if (!pre)
				dm_doctext_add(t, s, strlen(s), 1);
			else
				for (; *s; s = *e ? e + 1 : e) {
					e = strchr(s, '\n');
					if (e == NULL)
						e = s + strlen(s);
					dm_doctext_add(t, s, (size_t)(e - s),
					    0);
					if (*e)
						dm_doctext_br(t);
				}
		}
		if (down) {
			n = n->children;
			continue;
		}
		/* up until there is a next sibling, closing blocks */
		for (;;) {
			if (n->type == XML_ELEMENT_NODE &&
			    among(blocks, n->name) &&
			    !among(dropped, n->name)) {
				dm_doctext_block(t);
				if (strcasecmp((const char *)n->name,
				    "pre") == 0 && pre > 0)
					pre--;
			}
			if (n == root) {
				n = NULL;
				break;
			}
			if (n->next) {
				n = n->next;
				break;
			}
			n = n->parent;
			if (n == NULL)
				break;
		}
	}
}

/*
 * XML_PARSE_HUGE lifts libxml2's limits on the depth of the tree (256
 * elements, past which 2.9 stops parsing and keeps what it has) and on
 * the length of a text node (10 MB, past which it is cut): with
 * HTML_PARSE_NOERROR both lost the rest of the document without a word.
 * Nothing is left that grows faster than the document: a tree of 10^6
 * nested elements takes about 200 bytes of heap each, as many flat
 * elements do, and neither the parser, xmlNodeGetContent, xmlFreeDoc nor
 * walk() recurses. A parse that stops before the end all the same (the
 * parser halted: out of memory, or a limit of another libxml2) is an
 * error, not a shorter text.
 */
/* libxml2 writes the errors of its encoders to stderr whatever the
 * options: they go nowhere, the text is checked for them after. */
static void
quiet(void *arg, xmlErrorPtr e)
{
	(void)arg;
	(void)e;
}

#define PARSE_OPTIONS	(HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | \
			    HTML_PARSE_NONET | XML_PARSE_HUGE)

/*
 * Whether HTML that is not valid UTF-8 is UTF-8 all the same, with bytes
 * gone bad (a crawl's page cut inside a character, a stray byte): it says
 * so (declared, the encoding libxml2 found declared), or says nothing and
 * holds more UTF-8 characters of two bytes or more than invalid bytes.
 * libxml2 would read it as Latin-1, the whole of it or, when declared,
 * all after the first bad byte: every accented letter two wrong ones.
 */
static int
damaged_utf8(const char *s, size_t n, const xmlChar *declared)
{
	unsigned long long multi = 0, bad = 0;
	size_t i, k;

	if (declared != NULL)
		return strcasecmp((const char *)declared, "utf-8") == 0 ||
		    strcasecmp((const char *)declared, "utf8") == 0;
	for (i = 0; i < n; i++) {
		k = dm_utf8_check(s + i, n - i);
		for (; k > 0; k--, i++)
			if (((unsigned char)s[i] & 0xC0) == 0xC0)
				multi++;
		if (i < n)
			bad++;
	}
	return multi > bad;
}

/* Whether s is UTF-16 or UTF-32 (a byte order mark, or a NUL in its
 * first character), whose bytes are not characters of their own. */
static int
wide(const char *s, size_t n)
{
	return n < 2 || s[0] == '\0' || s[1] == '\0' ||
	    (s[0] == '\xFF' && s[1] == '\xFE') ||
	    (s[0] == '\xFE' && s[1] == '\xFF');
}

/*
 * The code units of UTF-16 or UTF-32 s: their size, 2 or 4, and *be set
 * when big-endian; from the byte order mark, or else from where the
 * NULs of the first character are (libxml2 reads "<\0" as UTF-16LE).
 */
static size_t
unitsize(const unsigned char *s, size_t n, int *be)
{
	if (n >= 4 && s[0] == 0xFF && s[1] == 0xFE && !s[2] && !s[3])
		return *be = 0, 4;
	if (n >= 4 && !s[0] && !s[1] && s[2] == 0xFE && s[3] == 0xFF)
		return *be = 1, 4;
	if (s[0] == 0xFF && s[1] == 0xFE)
		return *be = 0, 2;
	if (s[0] == 0xFE && s[1] == 0xFF)
		return *be = 1, 2;
	if (n >= 4 && s[0] && !s[1] && !s[2] && !s[3])
		return *be = 0, 4;
	if (n >= 4 && !s[0] && !s[1] && !s[2] && s[3])
		return *be = 1, 4;
	return *be = !s[0], 2;
}

/* The encoding of UTF-16 or UTF-32 s that has no byte order mark, by
 * where the NULs of its first character are. */
static const char *
noboms(const char *s, size_t n)
{
	int be;

	if (unitsize((const unsigned char *)s, n, &be) == 4)
		return be ? "UCS-4BE" : "UCS-4LE";
	return be ? "UTF-16BE" : "UTF-16LE";
}

/*
 * s with each CR LF pair and each lone CR made LF, when it has a CR:
 * HTML normalizes newlines so in its input stream, before tokenizing
 * (HTML Living Standard, 13.2.3.5), and libxml2's HTML parser does not,
 * so that a CRLF page's <pre> kept its CRs. In UTF-16 and UTF-32 the CR
 * and LF are code units (none is part of a surrogate pair). A CR from a
 * character reference (&#13;) stays, as in HTML.
 */
static int
lfonly(const char *s, size_t n, struct dm_buf *out)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i, k, w;
	int be, any = 0;

	if (!wide(s, n)) {
		if (memchr(s, '\r', n) == NULL)
			return 0;
		for (i = 0; i < n; i++) {
			if (s[i] != '\r')
				dm_buf_addc(out, s[i]);
			else if (i + 1 == n || s[i + 1] != '\n')
				dm_buf_addc(out, '\n');
		}
		return 1;
	}
	if (n < 2)
		return 0;
	w = unitsize(u, n, &be);
	/* the unit at i is c when its low byte is c and the others are 0 */
#define UNIT(i, c) (u[(i) + (be ? w - 1 : 0)] == (c) && \
	    memcmp(u + (i) + (be ? 0 : 1), "\0\0\0", w - 1) == 0)
	for (i = 0; i + w <= n && !any; i += w)
		any = UNIT(i, '\r');
	if (!any)
		return 0;
	for (i = 0; i + w <= n; i += w) {
		if (!UNIT(i, '\r'))
			dm_buf_add(out, s + i, w);
		else if (!(i + 2 * w <= n && UNIT(i + w, '\n')))
			for (k = 0; k < w; k++)
				dm_buf_addc(out, k == (be ? w - 1 : 0) ?
				    '\n' : '\0');
	}
#undef UNIT
	dm_buf_add(out, s + i, n - i);	/* an odd byte at the end */
	return 1;
}

/*
 * s without its NUL bytes, when it has some and is not UTF-16 or UTF-32
 * (whose NULs are halves of characters): libxml2's HTML parser ends the
 * document at a NUL between elements, without an error, and the text
 * after it was lost. HTML drops a NUL in text too.
 */
static int
nulfree(const char *s, size_t n, struct dm_buf *out)
{
	const char *p, *e = s + n;

	if (wide(s, n) || memchr(s, '\0', n) == NULL)
		return 0;
	for (; s < e; s = p + 1) {
		if ((p = memchr(s, '\0', (size_t)(e - s))) == NULL)
			p = e;
		dm_buf_add(out, s, (size_t)(p - s));
	}
	return 1;
}

/* Whether s is XML: it starts with an XML declaration (after a UTF-8
 * byte order mark and white space). */
static int
xmldecl(const char *s, size_t n)
{
	size_t i = dm_utf8_bom(s, n) ? 3 : 0;

	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' ||
	    s[i] == '\r'))
		i++;
	return n - i >= 5 && memcmp(s + i, "<?xml", 5) == 0;
}

/*
 * XHTML s with its CDATA sections made text (<![CDATA[a < b]]> is
 * "a &lt; b"), when it has some and is not UTF-16 or UTF-32. In XML a
 * CDATA section is text; libxml2's HTML parser, which reads XHTML here
 * (an EPUB's chapters, a page that starts with <?xml), kept its markers
 * as text and read the markup inside it as elements. Comments are
 * passed over: a CDATA marker inside one is the comment's.
 */
static int
cdatafree(const char *s, size_t n, struct dm_buf *out)
{
	static const char open[] = "<![CDATA[", com[] = "<!--";
	const char *p = s, *e = s + n, *q, *c;
	int any = 0;

	if (wide(s, n) || memmem(s, n, open, sizeof open - 1) == NULL)
		return 0;
	while (p < e) {
		if ((q = memchr(p, '<', (size_t)(e - p))) == NULL) {
			dm_buf_add(out, p, (size_t)(e - p));
			break;
		}
		dm_buf_add(out, p, (size_t)(q - p));
		if ((size_t)(e - q) >= sizeof com - 1 &&
		    memcmp(q, com, sizeof com - 1) == 0) {
			c = memmem(q + 4, (size_t)(e - q - 4), "-->", 3);
			c = c ? c + 3 : e;
			dm_buf_add(out, q, (size_t)(c - q));
			p = c;
		} else if ((size_t)(e - q) >= sizeof open - 1 &&
		    memcmp(q, open, sizeof open - 1) == 0) {
			q += sizeof open - 1;
			any = 1;
			/* one not closed runs to the end, as libxml2's XML
			 * parser reads it before it gives up */
			if ((c = memmem(q, (size_t)(e - q), "]]>", 3)) ==
			    NULL)
				c = e;
			for (; q < c; q++) {
				if (*q == '<')
					dm_buf_adds(out, "&lt;");
				else if (*q == '>')
					dm_buf_adds(out, "&gt;");
				else if (*q == '&')
					dm_buf_adds(out, "&amp;");
				else
					dm_buf_addc(out, *q);
			}
			p = c < e ? c + 3 : e;
		} else {
			dm_buf_addc(out, '<');
			p = q + 1;
		}
	}
	/* only in comments: nothing to do (and s would come back) */
	if (!any)
		dm_buf_free(out);
	return any;
}

static int	html_text(const char *, size_t, struct dm_doctext *, char **,
		    char **, struct dm_buf *, int);

int
dm_html_text(const char *s, size_t n, struct dm_doctext *t, char **title,
    char **author, struct dm_buf *err)
{
	return html_text(s, n, t, title, author, err, xmldecl(s, n));
}

int
dm_xhtml_text(const char *s, size_t n, struct dm_doctext *t, char **title,
    char **author, struct dm_buf *err)
{
	return html_text(s, n, t, title, author, err, 1);
}

/* The text of HTML s; xml: it is XHTML, whose CDATA sections are text. */
static int
html_text(const char *s, size_t n, struct dm_doctext *t, char **title,
    char **author, struct dm_buf *err, int xml)
{
	struct dm_buf clean = DM_BUF_INIT;
	htmlParserCtxtPtr ctxt;
	htmlDocPtr doc;
	const char *enc = NULL;
	xmlStructuredErrorFunc olderr;
	void *oldarg;
	xmlErrorPtr e;
	xmlNode *root;
	size_t len;
	int r = 0;

	if (title)
		*title = NULL;
	if (author)
		*author = NULL;
	if (n > INT32_MAX)
		n = INT32_MAX;
	if (nulfree(s, n, &clean) || lfonly(s, n, &clean) ||
	    (xml && cdatafree(s, n, &clean))) {
		r = html_text(clean.buf, clean.len, t, title, author, err,
		    xml);
		dm_buf_free(&clean);
		return r;
	}
	/* UTF-8 unless the document says otherwise (libxml2 guesses
	 * Latin-1 for HTML that declares nothing); UTF-16 or UTF-32 without
	 * a byte order mark is told, as libxml2 finds it only from "<?"
	 * (its NULs are valid UTF-8, and the page read as UTF-8 had no
	 * text) */
	if (wide(s, n) && n >= 2 && !((s[0] == '\xFF' && s[1] == '\xFE') ||
	    (s[0] == '\xFE' && s[1] == '\xFF')))
		enc = noboms(s, n);
	else if (dm_utf8_check(s, n) == n)
		enc = "UTF-8";
	if ((ctxt = htmlNewParserCtxt()) == NULL) {
		dm_buf_addf(err, "libxml2: out of memory");
		return -1;
	}
	olderr = xmlStructuredError;
	oldarg = xmlStructuredErrorContext;
	xmlSetStructuredErrorFunc(NULL, quiet);
	doc = htmlCtxtReadMemory(ctxt, s, (int)n, NULL, enc, PARSE_OPTIONS);
	xmlSetStructuredErrorFunc(oldarg, olderr);
	if (enc == NULL && doc != NULL &&
	    damaged_utf8(s, n, doc->encoding)) {
		struct dm_buf fixed = DM_BUF_INIT;

		htmlFreeParserCtxt(ctxt);
		xmlFreeDoc(doc);
		dm_utf8_fix(&fixed, s, n);
		r = html_text(fixed.buf, fixed.len, t, title, author, err,
		    xml);
		dm_buf_free(&fixed);
		return r;
	}
	if (ctxt->input != NULL && ctxt->input->buf != NULL &&
	    ctxt->input->buf->error != 0) {
		/* bytes the declared encoding does not have: libxml2
		 * read no further */
		dm_buf_addf(err, "libxml2 stopped at line %d: cannot decode "
		    "the document as '%s'", ctxt->input->line,
		    ctxt->input->buf->encoder != NULL &&
		    ctxt->input->buf->encoder->name != NULL ?
		    ctxt->input->buf->encoder->name : "?");
		r = -1;
	} else if (ctxt->disableSAX || ctxt->instate == XML_PARSER_EOF) {
		e = xmlCtxtGetLastError(ctxt);
		if (e != NULL && e->message != NULL) {
			len = strlen(e->message);
			while (len > 0 && e->message[len - 1] == '\n')
				len--;
			dm_buf_addf(err, "libxml2 stopped at line %d: %.*s",
			    e->line, (int)len, e->message);
		} else
			dm_buf_addf(err, "libxml2 stopped before the end");
		r = -1;
	} else if (doc == NULL) {
		dm_buf_addf(err, "libxml2 made no document");
		r = -1;
	}
	htmlFreeParserCtxt(ctxt);
	if (r == 0 && (root = xmlDocGetRootElement(doc)) != NULL)
		walk(root, t, title, author);
	if (doc != NULL)
		xmlFreeDoc(doc);
	dm_doctext_end(t);
	return r;
}

int
dm_extract_html(const void *data, size_t len, const struct dm_extractopt *o,
    dm_doc_fn fn, void *ctx, struct dm_buf *err)
{
	struct dm_doctext t;
	struct dm_docinfo di;
	char *title, *author;
	int r = 0;

	dm_doctext_init(&t, o);
	if (dm_html_text(data, len, &t, &title, &author, err) < 0 ||
	    dm_doctext_over(&t, o, err))
		r = -1;
	else if (t.b.len > 0) {
		memset(&di, 0, sizeof di);
		di.title = title;
		di.author = author;
		di.library = dm_xml_library();
		fn(ctx, t.b.buf, t.b.len, &di);
	}
	free(title);
	free(author);
	dm_doctext_free(&t);
	return r;
}
