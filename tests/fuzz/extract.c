/* extract.c - fuzzes the DOCX, ODT, EPUB and HTML extractors: the first
 * byte says what the rest is (an XML member zipped here, HTML, or a whole
 * zip given to each extractor) */
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

static int
sample(void *ctx, const char *text, size_t len, const struct dm_docinfo *di)
{
	(void)ctx;
	/* the contract: valid UTF-8 */
	if (dm_utf8_check(text, len) != len || di->library == NULL)
		abort();
	return 0;
}

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

/* A zip of one or three members, the last being the input. */
static size_t
zipped(const char *name, const uint8_t *data, size_t n, int epub, char *buf,
    size_t cap)
{
	struct archive *a = archive_write_new();
	size_t used = 0;

	archive_write_set_format_zip(a);
	archive_write_set_options(a, "zip:compression=store");
	if (archive_write_open_memory(a, buf, cap, &used) != ARCHIVE_OK)
		abort();
	if (epub) {
		add(a, "META-INF/container.xml", container,
		    sizeof container - 1);
		add(a, "o/b.opf", opf, sizeof opf - 1);
	}
	add(a, name, data, n);
	archive_write_close(a);
	archive_write_free(a);
	return used;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	struct dm_extractopt o = { 0, 10, 1 << 20 };
	struct dm_buf err = DM_BUF_INIT;
	size_t cap, len;
	char *buf;

	if (n < 1 || n > (1 << 20))
		return 0;
	cap = n + 4096;
	buf = malloc(cap);
	if (buf == NULL)
		abort();
	switch (data[0] % 5) {
	case 0:
		len = zipped("word/document.xml", data + 1, n - 1, 0, buf, cap);
		dm_extract_docx(buf, len, &o, sample, NULL, &err);
		break;
	case 1:
		len = zipped("content.xml", data + 1, n - 1, 0, buf, cap);
		dm_extract_odt(buf, len, &o, sample, NULL, &err);
		break;
	case 2:
		len = zipped("o/c.xhtml", data + 1, n - 1, 1, buf, cap);
		dm_extract_epub(buf, len, &o, sample, NULL, &err);
		break;
	case 3:
		dm_extract_html(data + 1, n - 1, &o, sample, NULL, &err);
		break;
	default:
		dm_extract_docx(data + 1, n - 1, &o, sample, NULL, &err);
		dm_extract_odt(data + 1, n - 1, &o, sample, NULL, &err);
		dm_extract_epub(data + 1, n - 1, &o, sample, NULL, &err);
		break;
	}
	free(buf);
	dm_buf_free(&err);
	return 0;
}
