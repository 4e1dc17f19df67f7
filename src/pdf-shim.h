/* pdf-shim.h - what dm-pdf.so exports: extract-pdf.c and poppler */
/*
 * extract-pdf.c and poppler (with GLib, cairo and their libraries) are in
 * the shared object dm-pdf.so, loaded on the first PDF dm-scan --extract
 * reads, so that dm-scan does not load them at its start. pdf-load.c
 * gives dm-scan dm_extract_pdf, which calls into it.
 */
#ifndef DM_PDF_SHIM_H
#define DM_PDF_SHIM_H

#include "dm.h"
#include "extract.h"

/* What dm-pdf.so exports as dm_pdf_shim. */
struct dm_pdf_shim {
	int	 (*extract_pdf)(const void *, size_t,
		    const struct dm_extractopt *, dm_doc_fn, void *,
		    struct dm_buf *);
};

/* Loads dm-pdf.so: 0, or -1 with the reason appended to err. Built with
 * DM_PDF_DIRECT (the fuzz targets link extract-pdf.c), it does nothing. */
int	 dm_pdf_shim_load(struct dm_buf *err);

#endif /* DM_PDF_SHIM_H */
