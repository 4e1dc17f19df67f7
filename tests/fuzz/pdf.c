/* pdf.c - fuzzes the PDF extraction: the first byte says how, poppler in
 * this process (its coverage guides the fuzzer) or dm_extract_pdf as
 * dm-scan calls it (a child, its records read back by the parent) */
#include <fcntl.h>
#include <unistd.h>

#include "fuzz.h"
#include "extract.h"

static int null = -1;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	dm_init((*argv)[0]);
	if ((null = open("/dev/null", O_WRONLY)) < 0)
		abort();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	struct dm_extractopt o = { 0, 10, 1 << 20 };
	struct dm_buf err = DM_BUF_INIT;

	if (n < 1 || n > (1 << 20))
		return 0;
	o.pages = data[0] & 1;
	switch ((data[0] >> 1) % 4) {
	case 0:
		/* a child a document is slow: one input in four */
		if (dm_extract_pdf(data + 1, n - 1, &o, fuzz_doc, NULL,
		    &err) < 0 && err.len == 0)
			abort();	/* a failure says why */
		break;
	default:
		dm_extract_pdf_records(null, data + 1, n - 1, &o);
		break;
	}
	dm_buf_free(&err);
	return 0;
}
