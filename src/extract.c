/* extract.c - document types and the dispatch to their extractors */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dm.h"
#include "archives.h"
#include "extract.h"

static const char *const names[] = {
	[DM_DOC_NONE] = "", [DM_DOC_PDF] = "pdf", [DM_DOC_DOCX] = "docx",
	[DM_DOC_ODT] = "odt", [DM_DOC_EPUB] = "epub", [DM_DOC_HTML] = "html",
	[DM_DOC_PPTX] = "pptx", [DM_DOC_XLSX] = "xlsx"
};

const char *
dm_doc_name(enum dm_doctype t)
{
	return (unsigned)t < sizeof names / sizeof names[0] ? names[t] : "";
}

enum dm_doctype
dm_doc_type(const char *name, const void *head, size_t n)
{
	static const struct {
		const char	*ext;
		enum dm_doctype	 t;
	} ext[] = {
		{ "pdf", DM_DOC_PDF }, { "docx", DM_DOC_DOCX },
		{ "odt", DM_DOC_ODT }, { "epub", DM_DOC_EPUB },
		{ "html", DM_DOC_HTML }, { "htm", DM_DOC_HTML },
		{ "xhtml", DM_DOC_HTML }, { "pptx", DM_DOC_PPTX },
		{ "xlsx", DM_DOC_XLSX }
	};
	const char *base, *dot, *mn, *data;
	size_t i, mnl, dl;

	base = strrchr(name, '/');
	base = base ? base + 1 : name;
	if ((dot = strrchr(base, '.')) != NULL && dot > base)
		for (i = 0; i < sizeof ext / sizeof ext[0]; i++)
			if (strcasecmp(dot + 1, ext[i].ext) == 0)
				return ext[i].t;
	if (n >= 5 && memcmp(head, "%PDF-", 5) == 0)
		return DM_DOC_PDF;
	if (!dm_zip_first(head, n, &mn, &mnl, &data, &dl))
		return DM_DOC_NONE;
	/* ODF and EPUB put their type first, stored */
	if (mnl == 8 && memcmp(mn, "mimetype", 8) == 0 && data != NULL) {
		if (dl == 39 && memcmp(data,
		    "application/vnd.oasis.opendocument.text", 39) == 0)
			return DM_DOC_ODT;
		if (dl == 20 && memcmp(data, "application/epub+zip", 20) == 0)
			return DM_DOC_EPUB;
	}
	/* OOXML: [Content_Types].xml, then its main part named nearby */
	if (mnl == 19 && memcmp(mn, "[Content_Types].xml", 19) == 0) {
		if (memmem(head, n, "word/document.xml", 17) != NULL)
			return DM_DOC_DOCX;
		if (memmem(head, n, "ppt/presentation.xml", 20) != NULL)
			return DM_DOC_PPTX;
		if (memmem(head, n, "xl/workbook.xml", 15) != NULL)
			return DM_DOC_XLSX;
	}
	return DM_DOC_NONE;
}

int
dm_extract(enum dm_doctype t, const void *data, size_t len,
    const struct dm_extractopt *o, dm_doc_fn fn, void *ctx,
    struct dm_buf *err)
{
	switch (t) {
	case DM_DOC_PDF:
		return dm_extract_pdf(data, len, o, fn, ctx, err);
	case DM_DOC_DOCX:
		return dm_extract_docx(data, len, o, fn, ctx, err);
	case DM_DOC_ODT:
		return dm_extract_odt(data, len, o, fn, ctx, err);
	case DM_DOC_EPUB:
		return dm_extract_epub(data, len, o, fn, ctx, err);
	case DM_DOC_HTML:
		return dm_extract_html(data, len, o, fn, ctx, err);
	case DM_DOC_PPTX:
		return dm_extract_pptx(data, len, o, fn, ctx, err);
	case DM_DOC_XLSX:
		return dm_extract_xlsx(data, len, o, fn, ctx, err);
	default:
		dm_buf_adds(err, "not a document");
		return -1;
	}
}
