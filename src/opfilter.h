/* opfilter.h - what filter operators share: a list file, the rate test */
#ifndef DM_OPFILTER_H
#define DM_OPFILTER_H

#include <stddef.h>

struct dm_buf;

/*
 * The list file at path (words, one a line), whole and NUL-ended: 0 with
 * it in *out (the caller frees it) and its length in *n, or -1 with
 * "PATH: why" in err when it cannot be read or is not UTF-8. Its lines
 * are Python's str.splitlines(), as DataMate reads its lists: dm_q_line
 * (quality.h) gives them.
 */
int	 dm_listfile_read(const char *path, char **out, size_t *n,
	    struct dm_buf *err);

/* A filter's verdict on a rate: 1 (kept) when it is below max, else 0
 * with reason (the statistic's name) in err. */
int	 dm_rate_below(double rate, double max, const char *reason,
	    struct dm_buf *err);

#endif
