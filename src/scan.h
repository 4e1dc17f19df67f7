/* scan.h - text detection, archives and the walk of dm-scan (and load) */
#ifndef DM_SCAN_H
#define DM_SCAN_H

#include "dm.h"
#include "archives.h"

/* ---- scan.c: text detection, member names, loading a path (dm-scan, load) ---- */

/* What to do with text that is not UTF-8 (--encoding-errors). */
enum dm_encerr { DM_ENCERR_REPLACE, DM_ENCERR_SKIP, DM_ENCERR_LATIN1 };
enum { DM_TEXT_OK, DM_TEXT_BINARY, DM_TEXT_NOTUTF8 };

/* Whether file contents look binary: a NUL byte in the first 8 KiB, or
 * more than 30% of them invalid UTF-8, and no UTF-16 byte order mark. */
int	 dm_text_binary(const char *s, size_t n);
/* Decodes file contents to UTF-8: a UTF-8 BOM is removed, UTF-16 with a
 * BOM converted, other invalid UTF-8 handled per mode. Returns DM_TEXT_OK
 * with *text, *len (pointing into s when nothing had to change, else into
 * out, which must be empty on entry) and *enc ("utf-8", "utf-8-bom", "utf-16le",
 * "utf-16be", "latin1", "utf-8-replaced"); DM_TEXT_BINARY; or
 * DM_TEXT_NOTUTF8 under DM_ENCERR_SKIP. */
int	 dm_text_decode(const char *s, size_t n, enum dm_encerr mode,
	    struct dm_buf *out, const char **text, size_t *len, const char **enc);

/* The name under which a member is shown: as stored, unless it is unsafe
 * (absolute, or with a ".." element); then leading slashes and ".."
 * elements are removed. A name that is then empty or only "." elements
 * ("..", ".", "/..", "") is DM_MEMBER_NONAME, unsafe too. Appends to out
 * (empty on entry); returns 1 when the name was unsafe. */
#define DM_MEMBER_NONAME	"_"
int	 dm_member_name(const char *name, struct dm_buf *out);
/* Glob match of a whole path: * and ? within an element, [...] classes,
 * ** any number of elements; \ quotes. 1 on a match. */
int	 dm_glob(const char *pattern, const char *path);

struct dm_loadopt {
	size_t		 maxsize;	/* bytes of one file or member */
	enum dm_encerr	 encerr;
};
/* Reads and decodes the file named by a dm-scan path ("dir/f.txt",
 * "a.tar.gz!/dir/f.txt", "outer.zip!/inner.tar!/x.md", "notes.txt.gz"),
 * from disk, opening archives and decompressing as dm-scan did. 0 with the
 * text in text (appended) and *enc set; -1 with the reason in err
 * ("PATH: binary file", "PATH: no member 'x'", "PATH: strerror"). */
int	 dm_scan_load(const char *path, const struct dm_loadopt *,
	    struct dm_buf *text, const char **enc, struct dm_buf *err);

/* ---- scanwalk.c: dm-scan's walk over folders, files and archives ---- */

#define DM_SCAN_MAXDEPTH	32

struct dm_scanwork;

/*
 * One scan. The options are set between dm_scan_init and the first
 * dm_scan_path; the counters are read at the end. Samples (and the lines
 * of --jsonl files) are written to io->out; a bad --jsonl line is rejected
 * through io, under its --on-error and --rejects.
 */
struct dm_scan {
	/* options, as dm-scan(1) describes them */
	int		 hidden, follow, noarch, notext, jsonl, progress;
	int		 extract, pdfpages;	/* --extract, --pdf-pages */
	double		 doctimeout;		/* seconds for one document */
	int		 depth;			/* 0..DM_SCAN_MAXDEPTH */
	unsigned long long maxsize, minsize;
	unsigned long long maxtotal;		/* 0: no limit */
	const char	*maxtotal_arg;		/* as given, for the message */
	enum dm_encerr	 encerr;
	char		**incl, **excl, **types;	/* globs, type names */
	size_t		 nincl, nexcl, ntypes;
	struct dm_io	*io;
	/* counters */
	unsigned long long nread;		/* files that gave samples: a JSONL
						 * file, a PDF of many pages, one */
	unsigned long long njsonl;		/* of them, JSONL files whose lines
						 * were passed through (--jsonl):
						 * their lines are io's nin */
	unsigned long long nbinary, nlarge, nnotutf8, nspecial, nloops;
	unsigned long long nsmall;		/* under --min-size */
	unsigned long long nerrors;		/* unreadable files, bad archives */
	unsigned long long ndocs;		/* documents that failed, skipped */
	unsigned long long nnotext;		/* documents read, with no text */
	unsigned long long nlinks;		/* hard links in archives */
	unsigned long long nbytes;		/* bytes read, for --progress */
	int		 stop;		/* the scan must end: see bomb, io */
	int		 bomb;		/* --max-total was passed (reported) */
	struct dm_scanwork *w;
};

/* Defaults: depth 4, max-size 64M, replace, 30 s a document; the clock of --progress starts. */
void	 dm_scan_init(struct dm_scan *, struct dm_io *io);
/* A file the run writes, st its fstat (standard output and error, which
 * dm_scan_init adds, the rejects file, the report file): a regular file
 * of the walk, or an operand, that is it (same device and inode) is not
 * read but said, "dm-scan: PATH: input file is WHAT, skipped". */
struct stat;
void	 dm_scan_own(struct dm_scan *, const struct stat *st,
	    const char *what);
/* Scans an operand: a folder, a file, an archive. Problems are reported
 * and counted; nothing is returned. Does nothing once stop is set. */
void	 dm_scan_path(struct dm_scan *, const char *path);
/* The --progress line when one is due (always when last is set and
 * progress is asked for). */
void	 dm_scan_progress(struct dm_scan *, int last);
/* "dm-scan: 12 files read, 3 binary files skipped" when anything was
 * skipped or reported. */
void	 dm_scan_summary(struct dm_scan *);
void	 dm_scan_free(struct dm_scan *);

#endif /* DM_SCAN_H */
