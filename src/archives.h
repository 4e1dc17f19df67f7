/* archives.h - libarchive behind one file: formats, members, zip in memory, tar out */
#ifndef DM_ARCHIVES_H
#define DM_ARCHIVES_H

#include <time.h>

#include "dm.h"

struct archive;
struct dm_archive;

/* What the first bytes of a file are, by their magic numbers. */
enum {
	DM_SNIFF_NONE,		/* a plain file */
	DM_SNIFF_COMPRESSED,	/* gzip, bzip2, xz, zstd, lz4 */
	DM_SNIFF_ARCHIVE,	/* zip, 7z, ar, tar, iso9660 */
	DM_SNIFF_MAYBE		/* cpio magic, which text can start with too */
};
int	 dm_archive_sniff(const void *head, size_t n);
/* 1 when data, n bytes in all, starts with a compression's magic number
 * but is shorter than any stream of it (that of no data): the magic
 * alone, or a header cut short. */
int	 dm_archive_stub(const void *data, size_t n);

/*
 * An archive read member after member, for the formats and filters
 * dm-scan reads (tar, zip, 7z, cpio, ar, iso9660; gzip, bzip2, xz, lzma,
 * zstd, lz4, compress), and a single compressed file as an archive of
 * one member. dm_archive_new never fails; open it once, from a file
 * descriptor (read in blocks of the given size), from memory (which
 * must outlive it) or from a feed (the member of another archive, read
 * as a stream). An open returns 0, or -1 with the reason given by
 * dm_archive_error; dm_archive_free in either case.
 *
 * A feed gives the next block: its length and *buf set, 0 at the end,
 * or -1 with *why saying what went wrong (a constant string).
 */
typedef ssize_t	(*dm_archive_feed)(void *arg, const void **buf,
	    const char **why);
struct dm_archive *dm_archive_new(void);
int	 dm_archive_openfd(struct dm_archive *, int fd, size_t block);
int	 dm_archive_openmem(struct dm_archive *, const void *, size_t);
int	 dm_archive_openfeed(struct dm_archive *, dm_archive_feed, void *arg);

/* A member's header, valid until the next dm_archive_next. */
struct dm_entry {
	const char	*path;		/* as stored (UTF-8); NULL: none */
	long long	 size;		/* -1 when the header does not say */
	time_t		 mtime;
	int		 hasmtime;	/* whether mtime is set */
	int		 isfile;	/* a regular file */
	int		 islink;	/* a file of no data of its own: a
					 * hard link whose data is another
					 * member's (tar's link after its
					 * file, cpio's links before it) */
};
/* 1 with *m filled; 0 at the end; -1 on an error (dm_archive_error). */
int	 dm_archive_next(struct dm_archive *, struct dm_entry *m);
/* After the first header: DM_SNIFF_ARCHIVE, DM_SNIFF_COMPRESSED (a
 * single compressed file) or DM_SNIFF_NONE (not an archive after all). */
int	 dm_archive_kind(struct dm_archive *);
/* The number of compression filters stacked on the data, outermost
 * first: 2 for a gzip of a gzip (b.txt.gz.gz), 0 for none. */
int	 dm_archive_filters(struct dm_archive *);
/* libarchive's name of the format ("ar" for an ar archive with no
 * member, which libarchive leaves unnamed; "" when it has none yet). */
const char *dm_archive_format(struct dm_archive *);
/* Bytes the compression filters gave out so far (members skipped
 * included); 0 when there is no filter. */
unsigned long long dm_archive_unpacked(struct dm_archive *);
/* Reads the current member's data, as read(2): 0 at its end, -1 on an
 * error (dm_archive_error). */
ssize_t	 dm_archive_read(struct dm_archive *, void *, size_t);
/* After an error of dm_archive_read: 1 when only that member was lost
 * and dm_archive_next goes on with the next (a 7-Zip member that needs
 * more than --max-memory, an encrypted zip member), 0 when the archive
 * is no good after it. */
int	 dm_archive_goes_on(struct dm_archive *);
/* Appends libarchive's last message, escaped and in dm's style. */
void	 dm_archive_error(struct dm_buf *, struct dm_archive *);
void	 dm_archive_free(struct dm_archive *);

/*
 * A zip held in memory (a DOCX, ODT or EPUB), its members read by name.
 * dm_zip_read appends the whole member to out: 0; 1 when there is no
 * such member; -1 with the reason in err ("member 'x' is larger than N
 * bytes", libarchive's message for a damaged zip). At most max bytes of
 * one member are decompressed (a zip bomb stops there), and at most
 * DM_ZIP_MAXMEMBERS headers are looked at.
 */
#define DM_ZIP_MAXMEMBERS	100000
int	 dm_zip_read(const void *zip, size_t len, const char *name, size_t max,
	    struct dm_buf *out, struct dm_buf *err);
/* The name of the first member of a zip whose first bytes are head, and
 * that member's bytes when it is stored (not compressed) and whole in
 * head; 0 and *name NULL when head is not the start of a zip. */
int	 dm_zip_first(const void *head, size_t n, const char **name,
	    size_t *namelen, const char **data, size_t *datalen);

/*
 * A single compressed stream (gzip, bzip2, xz, zstd, lz4, lzma...) read
 * from fd, after its first npre bytes, already read from it, in pre
 * (copied). NULL with the message in err; *eof set for an empty stream.
 * dm_unz_read is read(2)'s; on -1, dm_unz_error says why. Of a damaged
 * gzip, bzip2, xz, zstd, lzma or lz4 stream, every byte decompressed
 * before the damage is read before the -1 (unz.c). Of those six, a read
 * that has decompressed bytes returns them when fd has no more bytes now,
 * rather than wait for them (a slow pipe); dm_unz_read_now never waits: -2 when
 * nothing can be decompressed without waiting for fd (the other formats
 * read as dm_unz_read).
 */
struct dm_unz;
struct dm_unz *dm_unz_open(int fd, const char *pre, size_t npre, int *eof,
	    struct dm_buf *err);
ssize_t	 dm_unz_read(struct dm_unz *, void *, size_t);
ssize_t	 dm_unz_read_now(struct dm_unz *, void *, size_t);
const char *dm_unz_error(struct dm_unz *);
void	 dm_unz_close(struct dm_unz *);
/* The same through libarchive, for the formats unz.c leaves to it. */
struct archive *dm_unzla_open(int fd, const char *pre, size_t npre, int *eof,
	    struct dm_buf *err);
ssize_t	 dm_unzla_read(struct archive *, void *, size_t);
const char *dm_unzla_error(struct archive *);
/* The length of libarchive's message s without the newline and white
 * space that some of its messages end in. */
size_t	 dm_la_msglen(const char *s);
void	 dm_unzla_close(struct archive *);

/* A tar stream (POSIX pax) written into a buffer (dm-run's ship). */
struct archive *dm_tar_new(struct dm_buf *out, struct dm_buf *err);
/* Adds the regular file at path as name; the tree under dir (dot files
 * left out) under prefix. -1 with the reason in err. */
int	 dm_tar_file(struct archive *, const char *path, const char *name,
	    struct dm_buf *err);
int	 dm_tar_tree(struct archive *, const char *dir, const char *prefix,
	    struct dm_buf *err);
/* Ends the stream and frees it: 0, or -1 with the reason in err (when
 * ok, the status so far, is 0). */
int	 dm_tar_close(struct archive *, int ok, struct dm_buf *err);

#endif /* DM_ARCHIVES_H */
