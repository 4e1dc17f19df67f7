/* pdf-shim.c - dm-pdf.so's table of functions (pdf-shim.h) */
#include "dm.h"
#include "pdf-shim.h"

/* The shim's two exported symbols (its objects are built with
 * -fvisibility=hidden, as dm-archive.so's): the build it is of
 * (src/shim.h) and its table. */
__attribute__((visibility("default")))
const char dm_shim_abi[] = DM_SHIM_ABI;

__attribute__((visibility("default")))
const struct dm_pdf_shim dm_pdf_shim = {
	dm_extract_pdf
};
