/* slice.h - cutting a text into chunks (dm-slice) */
#ifndef DM_SLICE_H
#define DM_SLICE_H

#include <stddef.h>

#include "dm.h"

/*
 * A slicer cuts one text at a time into chunks of at most size units
 * (code points, or words: runs separated by space, newline and tab),
 * consecutive chunks sharing overlap units. The mode says where it may
 * cut: anywhere (DM_SLICE_SIZE), at paragraph, line or sentence ends or
 * before each match of a regular expression (the pieces are then packed
 * into chunks), or as LangChain's RecursiveCharacterTextSplitter with the
 * separators seps. Chunks shorter than minsize units are dropped; when
 * maxchunks is not 0, only the first maxchunks are kept.
 *
 * dm_slicer_init() sets the defaults (size 1000, DM_SLICE_SIZE, the
 * recursive separators "\n\n", "\n", " ", ""); the caller then sets size,
 * overlap, words, minsize and maxchunks, and the mode with dm_slicer_by()
 * or by setting mode to DM_SLICE_RECURSIVE. It checks nothing: overlap <
 * size (overlap <= size for DM_SLICE_RECURSIVE, as LangChain) is the
 * caller's promise. dm_slicer_free() releases what the slicer holds.
 */
enum dm_slice_mode {
	DM_SLICE_SIZE, DM_SLICE_PARAGRAPH, DM_SLICE_LINE, DM_SLICE_SENTENCE,
	DM_SLICE_REGEX, DM_SLICE_RECURSIVE,
	/* Data-Juicer's text_chunk_mapper: size 0 is its max_len None, re
	 * NULL its split_pattern None (not both) */
	DM_SLICE_DJ
};

/* A span [b, e) of the text, in bytes; n is its length in units when the
 * slicer knows it (always for a chunk). */
struct dm_span {
	size_t	 b, e, n;
};

/* Takes chunk i of the total chunks of a text: 0 to go on, -1 to stop
 * the cut. */
typedef int	 dm_slicer_fn(void *arg, size_t i, size_t total,
		    const struct dm_span *chunk);

struct dm_spans {
	struct dm_span	*v;
	size_t		 n, cap;
};

struct dm_slicer {
	enum dm_slice_mode mode;
	int		 words;		/* units are words, not code points */
	size_t		 size, overlap, minsize, maxchunks;
	struct dm_re	*re;		/* DM_SLICE_REGEX, DM_SLICE_DJ */
	char		**seps;		/* DM_SLICE_RECURSIVE, owned */
	size_t		 nseps;
	/* private */
	const char	*t;		/* the current text */
	size_t		 n;
	struct dm_spans	 chunks;	/* those kept by the first pass */
	size_t		 keep;		/* the most it keeps */
	size_t		 count;		/* the chunks of this pass so far */
	size_t		 total;		/* second pass: all the chunks */
	dm_slicer_fn	*fn;		/* second pass: where they go */
	void		*arg;
	struct dm_buf	 err;
	int		 failed;	/* a regex match failed; message in err */
	int		 stop;		/* stop cutting: all are there, or a
					 * signal came */
};

void	 dm_slicer_init(struct dm_slicer *);
void	 dm_slicer_free(struct dm_slicer *);

/* --by: "paragraph", "line", "sentence" or "regex:RE". 0, or -1 with the
 * reason in err (the text of a usage error after "--by: "). */
int	 dm_slicer_by(struct dm_slicer *, const char *arg,
	    struct dm_buf *err);

/* --preset data-juicer: Data-Juicer's text_chunk_mapper, splitting at
 * matches of pattern (Python's re, no flags), or NULL for none. 0, or -1
 * with the reason in err. */
int	 dm_slicer_dj(struct dm_slicer *, const char *pattern,
	    struct dm_buf *err);

/* --separators: a comma-separated list with \n \t \r \, \\ escapes, which
 * replace the separators. 0, or -1 with the reason in err. */
int	 dm_slicer_separators(struct dm_slicer *, const char *arg,
	    struct dm_buf *err);

/* Cuts t[0..n) into chunks and gives each to fn(arg, ...), in order of
 * their start, with the number of chunks (after minsize and maxchunks).
 * Memory does not grow with their number: when they are many, the text
 * is cut twice, the first time to count them. 0, or -1 with the reason
 * in err (a regular expression that failed on this text; no chunk was
 * given then). On a signal (dm_interrupted) it stops soon, having given
 * no chunk if the count was not complete. */
int	 dm_slicer_cut(struct dm_slicer *, const char *t, size_t n,
	    dm_slicer_fn *fn, void *arg, struct dm_buf *err);

#endif
