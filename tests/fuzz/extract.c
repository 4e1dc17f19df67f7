/* extract.c - fuzzes the DOCX, ODT, PPTX, XLSX, EPUB and HTML extractors:
 * the first byte says what the rest is (an XML member zipped here with the
 * members that lead to it, HTML, or a whole zip given to each extractor) */
#include <archive.h>
#include <archive_entry.h>

#include "fuzz.h"
#include "extract.h"

static const char container[] =
    "<container xmlns=\"urn:oasis:names:tc:opendocument:xmlns:container\">"
    "<rootfiles><rootfile full-path=\"o/b.opf\"/></rootfiles></container>";
static const char opf[] =
    "<package xmlns=\"http://www.idpf.org/2007/opf\"><metadata "
    "xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>t</dc:title>"
    "</metadata><manifest><item id=\"c\" href=\"c.xhtml\"/></manifest>"
    "<spine><itemref idref=\"c\"/></spine></package>";

#define OOXML	"http://schemas.openxmlformats.org/"
#define NS_R	"xmlns:r=\"" OOXML "officeDocument/2006/relationships\""
/* [Content_Types].xml naming the main part and its type */
#define TYPES(part, type) "<Types xmlns=\"" OOXML "package/2006/"	\
	"content-types\"><Override PartName=\"" part "\" ContentType="	\
	"\"application/vnd.openxmlformats-officedocument." type		\
	".main+xml\"/></Types>"
/* a part's relationships: rId1 to target */
#define RELS(target) "<Relationships xmlns=\"" OOXML "package/2006/"	\
	"relationships\"><Relationship Id=\"rId1\" Target=\"" target	\
	"\"/></Relationships>"
static const char pptx_types[] = TYPES("/ppt/presentation.xml",
    "presentationml.presentation");
static const char pptx_pres[] =
    "<p:presentation xmlns:p=\"" OOXML "presentationml/2006/main\" " NS_R
    "><p:sldIdLst><p:sldId id=\"256\" r:id=\"rId1\"/></p:sldIdLst>"
    "</p:presentation>";
static const char pptx_rels[] = RELS("slides/slide1.xml");
static const char xlsx_types[] = TYPES("/xl/workbook.xml",
    "spreadsheetml.sheet");
static const char xlsx_book[] =
    "<workbook xmlns=\"" OOXML "spreadsheetml/2006/main\" " NS_R "><sheets>"
    "<sheet name=\"A\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
static const char xlsx_rels[] = RELS("worksheets/sheet1.xml");
static const char xlsx_sst[] =
    "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/"
    "main\"><si><t>a</t></si><si><r><t>b</t></r></si></sst>";
static const char xlsx_sheet[] =
    "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/"
    "2006/main\"><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v>"
    "</c><c r=\"C1\" t=\"s\"><v>1</v></c></row></sheetData></worksheet>";

struct fixed {
	const char	*name, *data;
};
static const struct fixed epub[] = {
	{ "META-INF/container.xml", container }, { "o/b.opf", opf },
	{ NULL, NULL }
};
static const struct fixed pptx[] = {
	{ "[Content_Types].xml", pptx_types },
	{ "ppt/presentation.xml", pptx_pres },
	{ "ppt/_rels/presentation.xml.rels", pptx_rels }, { NULL, NULL }
};
static const struct fixed xlsx_s[] = {	/* the input is the sheet */
	{ "[Content_Types].xml", xlsx_types }, { "xl/workbook.xml", xlsx_book },
	{ "xl/_rels/workbook.xml.rels", xlsx_rels },
	{ "xl/sharedStrings.xml", xlsx_sst }, { NULL, NULL }
};
static const struct fixed xlsx_t[] = {	/* the input is the strings */
	{ "[Content_Types].xml", xlsx_types }, { "xl/workbook.xml", xlsx_book },
	{ "xl/_rels/workbook.xml.rels", xlsx_rels },
	{ "xl/worksheets/sheet1.xml", xlsx_sheet }, { NULL, NULL }
};

static void
add(struct archive *a, const char *name, const void *p, size_t n)
{
	struct archive_entry *e = archive_entry_new();

	archive_entry_set_pathname(e, name);
	archive_entry_set_size(e, (la_int64_t)n);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	if (archive_write_header(a, e) != ARCHIVE_OK ||
	    archive_write_data(a, p, n) != (la_ssize_t)n)
		abort();
	archive_entry_free(e);
}

/* A zip of the fixed members (none when f is NULL), then the input. */
static size_t
zipped(const char *name, const uint8_t *data, size_t n,
    const struct fixed *f, char *buf, size_t cap)
{
	struct archive *a = archive_write_new();
	size_t used = 0;

	archive_write_set_format_zip(a);
	archive_write_set_options(a, "zip:compression=store");
	if (archive_write_open_memory(a, buf, cap, &used) != ARCHIVE_OK)
		abort();
	for (; f && f->name; f++)
		add(a, f->name, f->data, strlen(f->data));
	add(a, name, data, n);
	archive_write_close(a);
	archive_write_free(a);
	return used;
}

typedef int (*extractor)(const void *, size_t, const struct dm_extractopt *,
    dm_doc_fn, void *, struct dm_buf *);

/* by the first byte's value modulo 8: the input is this member of a zip
 * with those; 3 is HTML, 7 a whole zip given to each extractor */
static const struct {
	const char		*member;
	const struct fixed	*with;
	extractor		 extract;
} kinds[7] = {
	{ "word/document.xml", NULL, dm_extract_docx },
	{ "content.xml", NULL, dm_extract_odt },
	{ "o/c.xhtml", epub, dm_extract_epub },
	{ NULL, NULL, NULL },
	{ "ppt/slides/slide1.xml", pptx, dm_extract_pptx },
	{ "xl/worksheets/sheet1.xml", xlsx_s, dm_extract_xlsx },
	{ "xl/sharedStrings.xml", xlsx_t, dm_extract_xlsx },
};
static const extractor whole[] = {
	dm_extract_docx, dm_extract_odt, dm_extract_pptx, dm_extract_xlsx,
	dm_extract_epub
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	struct dm_extractopt o = { 0, 10, 1 << 20 };
	struct dm_buf err = DM_BUF_INIT;
	size_t cap, len, k;
	char *buf;

	if (n < 1 || n > (1 << 20))
		return 0;
	cap = n + 8192;
	buf = malloc(cap);
	if (buf == NULL)
		abort();
	k = data[0] % 8;
	if (k == 3)
		dm_extract_html(data + 1, n - 1, &o, fuzz_doc, NULL, &err);
	else if (k < 7) {
		len = zipped(kinds[k].member, data + 1, n - 1, kinds[k].with,
		    buf, cap);
		kinds[k].extract(buf, len, &o, fuzz_doc, NULL, &err);
	} else
		for (k = 0; k < sizeof whole / sizeof *whole; k++)
			whole[k](data + 1, n - 1, &o, fuzz_doc, NULL, &err);
	free(buf);
	dm_buf_free(&err);
	return 0;
}
