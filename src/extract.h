/* extract.h - text out of documents: PDF, DOCX, ODT, PPTX, XLSX, EPUB, HTML (dm-scan --extract) */
#ifndef DM_EXTRACT_H
#define DM_EXTRACT_H

#include "dm.h"

/*
 * dm-scan --extract hands a whole document (a file, or an archive member,
 * read into memory up to --max-size) to the extractor of its type. The
 * extractor calls back once per sample: once for the whole document, or,
 * for a PDF under --pdf-pages, once per page in page order. Text is UTF-8
 * with blocks (paragraphs, headings, list items, table cells, PDF lines
 * of one paragraph joined) separated by newlines.
 */

enum dm_doctype {
	DM_DOC_NONE,		/* not a document: read as before */
	DM_DOC_PDF,
	DM_DOC_DOCX,
	DM_DOC_ODT,
	DM_DOC_EPUB,
	DM_DOC_HTML,
	DM_DOC_PPTX,
	DM_DOC_XLSX
};

/* What the document says about itself; NULL or 0 when it does not. */
struct dm_docinfo {
	const char	*title;
	const char	*author;
	int		 pages;		/* PDF: its number of pages */
	int		 page;		/* --pdf-pages: this page, from 1; else 0 */
	int		 slides;	/* PPTX: the slides read */
	int		 sheets;	/* XLSX: the sheets read */
	const char	*library;	/* "poppler 22.12.0", "libxml2 2.9.14" */
};

/* Receives one sample's text. Returns 0, or -1 to stop the extraction
 * (the extractor then returns 0 at once). */
typedef int	(*dm_doc_fn)(void *ctx, const char *text, size_t len,
		    const struct dm_docinfo *);

struct dm_extractopt {
	int		 pages;		/* --pdf-pages: one sample per page */
	double		 timeout;	/* seconds for one document; 0: none */
	size_t		 maxout;	/* bytes of text for one document */
	/* A part of a document that was read all the same is missing (a
	 * chapter of an EPUB's spine): what, without the path, called with
	 * the extractor's ctx before the sample; NULL: not said. */
	void		(*warn)(void *ctx, const char *what);
};

/* The type of a document from its name (extension, any case) and its
 * first bytes (%PDF-, a zip whose mimetype or [Content_Types].xml says
 * which); DM_DOC_NONE when it is none of them. */
enum dm_doctype dm_doc_type(const char *name, const void *head, size_t n);
/* "pdf", "docx", "odt", "epub", "html", "pptx", "xlsx". */
const char	*dm_doc_name(enum dm_doctype);

/*
 * Each extractor returns 0 when the document was read (fn called for each
 * sample; not at all for a document with no text), or -1 with the reason
 * appended to err, lower-case, without the path: "encrypted", "damaged
 * (xref table not found)", "no text (image-only?)", "time limit of 30 s
 * passed". It never crashes or hangs on hostile input.
 */
int	 dm_extract_pdf(const void *data, size_t len,
	    const struct dm_extractopt *, dm_doc_fn, void *ctx,
	    struct dm_buf *err);
/* What the PDF child does, in this process: poppler reads the document
 * and its records go to fd. For the fuzzer, which needs poppler's
 * coverage in its own process (tests/fuzz/pdf.c). */
void	 dm_extract_pdf_records(int fd, const void *data, size_t len,
	    const struct dm_extractopt *);
int	 dm_extract_docx(const void *data, size_t len,
	    const struct dm_extractopt *, dm_doc_fn, void *ctx,
	    struct dm_buf *err);
int	 dm_extract_odt(const void *data, size_t len,
	    const struct dm_extractopt *, dm_doc_fn, void *ctx,
	    struct dm_buf *err);
int	 dm_extract_pptx(const void *data, size_t len,
	    const struct dm_extractopt *, dm_doc_fn, void *ctx,
	    struct dm_buf *err);
int	 dm_extract_xlsx(const void *data, size_t len,
	    const struct dm_extractopt *, dm_doc_fn, void *ctx,
	    struct dm_buf *err);
int	 dm_extract_epub(const void *data, size_t len,
	    const struct dm_extractopt *, dm_doc_fn, void *ctx,
	    struct dm_buf *err);
int	 dm_extract_html(const void *data, size_t len,
	    const struct dm_extractopt *, dm_doc_fn, void *ctx,
	    struct dm_buf *err);
/* Dispatch on type. */
int	 dm_extract(enum dm_doctype, const void *data, size_t len,
	    const struct dm_extractopt *, dm_doc_fn, void *ctx,
	    struct dm_buf *err);

/*
 * For the extractors (extract*.c) and clean-html blocks=true: text built
 * block by block. A block (paragraph, heading, list item, cell) ends a
 * line; no empty line is made by blocks alone; white space is collapsed
 * in text added with collapse set (HTML), kept as it is otherwise (DOCX
 * w:t). Past max bytes (0: none) or the deadline (dm_now(); 0: none)
 * over is set and further text is dropped.
 */
struct dm_doctext {
	struct dm_buf	 b;
	size_t		 max;
	double		 deadline;
	int		 nl, sp, over;	/* a block ended; a space is due */
	int		 late;		/* over because of the deadline */
	unsigned	 tick;
};
void	 dm_doctext_init(struct dm_doctext *, const struct dm_extractopt *);
void	 dm_doctext_add(struct dm_doctext *, const char *, size_t, int collapse);
void	 dm_doctext_block(struct dm_doctext *);
void	 dm_doctext_br(struct dm_doctext *);
/* Whether the text is over its size or time (checks the clock now and
 * then); then the reason is appended to err. */
int	 dm_doctext_over(struct dm_doctext *, const struct dm_extractopt *,
	    struct dm_buf *err);
/* Trailing white space removed. */
void	 dm_doctext_end(struct dm_doctext *);
void	 dm_doctext_free(struct dm_doctext *);
/* "libxml2 2.9.14", the library that is running. */
const char *dm_xml_library(void);
/* The HTML of s as block-structured text (clean-html blocks=true): title
 * and author set (malloc'd, NULL when absent) when asked for. 0, or -1
 * with the reason appended to err when libxml2 did not read the whole
 * document (nothing added to the text then). */
int	 dm_html_text(const char *s, size_t n, struct dm_doctext *,
	    char **title, char **author, struct dm_buf *err);
/* The same for XHTML (an EPUB's chapters), whether it starts with <?xml
 * or not: its CDATA sections are text, as XML has them (dm_html_text
 * takes a document that starts with <?xml for XHTML). */
int	 dm_xhtml_text(const char *s, size_t n, struct dm_doctext *,
	    char **title, char **author, struct dm_buf *err);

#endif /* DM_EXTRACT_H */
