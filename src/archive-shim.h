/* archive-shim.h - what dm-archive.so exports: libarchive's and libxml2's callers */
/*
 * archive.c (libarchive), extract-zip.c, extract-html.c and doctext.c
 * (libxml2) are built into the shared object dm-archive.so, loaded on the
 * first compressed operand, archive, document, tar of dm-run's ship or
 * clean-html blocks=true, so that a tool reading plain JSONL does not load
 * libarchive, libxml2, ICU and libstdc++ at its start. archive-load.c
 * gives the tools the functions of archives.h and extract.h that call
 * into it; they load it on first use (dm_archive_shim_load).
 */
#ifndef DM_ARCHIVE_SHIM_H
#define DM_ARCHIVE_SHIM_H

#include <sys/types.h>

#include "dm.h"
#include "archives.h"
#include "extract.h"

typedef int	(*dm_extractor)(const void *, size_t,
		    const struct dm_extractopt *, dm_doc_fn, void *,
		    struct dm_buf *);

/* What dm-archive.so exports as dm_archive_shim. */
struct dm_archive_shim {
	struct dm_archive *(*archive_new)(void);
	int		 (*archive_openfd)(struct dm_archive *, int, size_t);
	int		 (*archive_openmem)(struct dm_archive *, const void *,
			    size_t);
	int		 (*archive_openfeed)(struct dm_archive *,
			    dm_archive_feed, void *);
	int		 (*archive_next)(struct dm_archive *, struct dm_entry *);
	int		 (*archive_kind)(struct dm_archive *);
	int		 (*archive_filters)(struct dm_archive *);
	const char	*(*archive_format)(struct dm_archive *);
	unsigned long long (*archive_unpacked)(struct dm_archive *);
	ssize_t		 (*archive_read)(struct dm_archive *, void *, size_t);
	int		 (*archive_goes_on)(struct dm_archive *);
	void		 (*archive_error)(struct dm_buf *, struct dm_archive *);
	void		 (*archive_free)(struct dm_archive *);
	struct dm_unz	*(*unz_open)(int, const char *, size_t, int *,
			    struct dm_buf *);
	ssize_t		 (*unz_read)(struct dm_unz *, void *, size_t);
	const char	*(*unz_error)(struct dm_unz *);
	void		 (*unz_close)(struct dm_unz *);
	ssize_t		 (*unz_read_now)(struct dm_unz *, void *, size_t);
	struct archive	*(*tar_new)(struct dm_buf *, struct dm_buf *);
	int		 (*tar_file)(struct archive *, const char *,
			    const char *, struct dm_buf *);
	int		 (*tar_tree)(struct archive *, const char *,
			    const char *, struct dm_buf *);
	int		 (*tar_close)(struct archive *, int, struct dm_buf *);
	dm_extractor	 extract_docx, extract_odt, extract_pptx,
			 extract_xlsx, extract_epub, extract_html;
	int		 (*html_text)(const char *, size_t,
			    struct dm_doctext *, char **, char **,
			    struct dm_buf *);
	void		 (*doctext_init)(struct dm_doctext *,
			    const struct dm_extractopt *);
	void		 (*doctext_free)(struct dm_doctext *);
};

/* Loads dm-archive.so: 0, or -1 with the reason appended to err. Built
 * with DM_ARCHIVE_DIRECT (the fuzz targets, which link the shim's objects
 * themselves), it does nothing. */
int	 dm_archive_shim_load(struct dm_buf *err);

#endif /* DM_ARCHIVE_SHIM_H */
