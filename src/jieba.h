/* jieba.h - Chinese word segmentation as jieba's default cut */
#ifndef DM_JIEBA_H
#define DM_JIEBA_H

#include <stddef.h>

#include "dm.h"

/*
 * jieba's lcut(text) (cut_all=False, HMM=True) with jieba's own data: its
 * prefix dictionary dict.txt and the HMM tables finalseg/prob_*.py, read
 * from $DM_JIEBA_DIR, else from Debian's python3-jieba
 * (DM_JIEBA_DEFAULT_DIR). One struct dm_jieba serves one thread.
 */
#define DM_JIEBA_DEFAULT_DIR	"/usr/lib/python3/dist-packages/jieba"

struct dm_jieba;

/* The segmenter, its data loaded; NULL with a message in err when a file
 * is missing or malformed ("dict.txt:12: ..."). */
struct dm_jieba *dm_jieba_open(struct dm_buf *err);
void	 dm_jieba_free(struct dm_jieba *);

/* Calls fn once for each word of s[0..n) (valid UTF-8), in order, with a
 * pointer into s and its length in bytes; the words cover s. */
void	 dm_jieba_cut(struct dm_jieba *, const char *s, size_t n,
	    void (*fn)(void *arg, const char *w, size_t len), void *arg);

#endif
