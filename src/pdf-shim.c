/* pdf-shim.c - dm-pdf.so's table of functions (pdf-shim.h) */
#include "dm.h"
#include "pdf-shim.h"

/* The shim's one exported symbol (its objects are built with
 * -fvisibility=hidden, as dm-archive.so's). */
__attribute__((visibility("default")))
const struct dm_pdf_shim dm_pdf_shim = {
	dm_extract_pdf
};
