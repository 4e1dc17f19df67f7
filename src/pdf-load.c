/* pdf-load.c - extract-pdf.c's functions, called in dm-pdf.so */
#include <stddef.h>

#include "dm.h"
#include "memcap.h"
#include "pdf-shim.h"
#include "shim.h"

#ifdef DM_PDF_DIRECT

/* extract-pdf.c is linked in: nothing to load. */
int
dm_pdf_shim_load(struct dm_buf *err)
{
	(void)err;
	return 0;
}

#else

/*
 * What dm-pdf.so calls in the tool, kept in each tool that can load it
 * (as archive-load.c does for dm-archive.so; the Makefile checks that
 * each dm_ name the shim leaves undefined is here).
 */
__attribute__((used))
static void (*const keepfn[])(void) = {
	(void (*)(void))dm_buf_add, (void (*)(void))dm_buf_addf,
	(void (*)(void))dm_buf_adds, (void (*)(void))dm_buf_free,
	(void (*)(void))dm_buf_grow, (void (*)(void))dm_buf_setlen,
	(void (*)(void))dm_memcap_child, (void (*)(void))dm_memcap_send,
	(void (*)(void))dm_now
};
__attribute__((used))
static const volatile void *const keepvar[] = {
	dm_buf_empty, &dm_interrupted
};

static const struct dm_pdf_shim *shim;

int
dm_pdf_shim_load(struct dm_buf *err)
{
	if (shim == NULL &&
	    (shim = dm_shim_load("dm-pdf", "dm_pdf_shim", err)) == NULL)
		return -1;
	return 0;
}

int
dm_extract_pdf(const void *data, size_t len, const struct dm_extractopt *o,
    dm_doc_fn fn, void *ctx, struct dm_buf *err)
{
	struct dm_buf why = DM_BUF_INIT;

	if (dm_pdf_shim_load(&why) < 0) {
		dm_buf_addf(err, "cannot read PDF: %s", why.buf);
		dm_buf_free(&why);
		return -1;
	}
	return shim->extract_pdf(data, len, o, fn, ctx, err);
}

#endif /* DM_PDF_DIRECT */
