/* archive-shim.c - dm-archive.so's table of functions (archive-shim.h) */
#include "dm.h"
#include "archive-shim.h"

/* The shim's two exported symbols, the build it is of (src/shim.h) and
 * its table: its objects are built with -fvisibility=hidden, so that its
 * calls among themselves never go to the tool's functions of the same
 * names (archive-load.c). */
__attribute__((visibility("default")))
const char dm_shim_abi[] = DM_SHIM_ABI;

__attribute__((visibility("default")))
const struct dm_archive_shim dm_archive_shim = {
	dm_archive_new, dm_archive_openfd, dm_archive_openmem,
	dm_archive_openfeed, dm_archive_next, dm_archive_kind,
	dm_archive_filters, dm_archive_format, dm_archive_unpacked,
	dm_archive_read, dm_archive_goes_on, dm_archive_error,
	dm_archive_free,
	dm_unz_open, dm_unz_read, dm_unz_error, dm_unz_close,
	dm_unz_read_now,
	dm_tar_new, dm_tar_file, dm_tar_tree, dm_tar_close,
	dm_extract_docx, dm_extract_odt, dm_extract_pptx, dm_extract_xlsx,
	dm_extract_epub, dm_extract_html,
	dm_html_text, dm_doctext_init, dm_doctext_free
};
