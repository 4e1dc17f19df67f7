/* rawtext.h - a sample's strings read as raw JSON, without decoding them */
#ifndef DM_RAWTEXT_H
#define DM_RAWTEXT_H

#include <stddef.h>

struct dm_sample;

/* The raw token (quotes included) of the string at path: 0, or -1 when the
 * value is missing, not a string, or not held as raw JSON (then
 * dm_sample_get tells which). */
int	 dm_sample_rawstr(struct dm_sample *, const char *path,
	    const char **raw, size_t *n);
/* The code points of the string a checked raw string token stands for:
 * dm_utf8_count of its decoded bytes, without decoding it. */
size_t	 dm_json_strcount(const char *raw, size_t n);

/* Walks the top-level object s[0..n), checking it: the callback gets each
 * member's key token and value span. 0, or -1 with the error in e. With
 * the second callback, the members of each member that is an object go to
 * it first, before the callback of that member. */
struct dm_jerr;
int	 dm_json_members(const char *, size_t, struct dm_jerr *,
	    void (*)(void *, const char *, size_t, const char *, size_t), void *);
int	 dm_json_members_nest(const char *, size_t, struct dm_jerr *,
	    void (*)(void *, const char *, size_t, const char *, size_t),
	    void (*)(void *, const char *, size_t, const char *, size_t), void *);

/* dm_json_members_nest that sets *cp, before each callback, to the
 * value's code points (as dm_json_strcount) when they were counted as it
 * was checked (a string, with AVX2), else to SIZE_MAX. */
int	 dm_json_members_cp(const char *, size_t, struct dm_jerr *,
	    void (*)(void *, const char *, size_t, const char *, size_t),
	    void (*)(void *, const char *, size_t, const char *, size_t), void *,
	    size_t *cp);
/* The code points of the string at path, as dm_json_strcount of its raw
 * token: 0, or -1 as dm_sample_rawstr. Once asked, loading counts them
 * for the top-level strings as it checks each line. */
int	 dm_sample_strcount(struct dm_sample *, const char *path, size_t *n);

/* Whether loading walks the objects at the top level of each sample as
 * the lines are checked, for the paths into them (dm-stats reads
 * stats.len, stats.words ... of every sample): on for a tool that reads
 * nested fields of most samples. */
void	 dm_sample_nestall(struct dm_sample *, int on);

/* dm_json_num of the checked number token tok[0..n), the same double,
 * its digits read eight at a time where the token has them. */
double	 dm_json_numn(const char *tok, size_t n);

/* dm_json_members on an object already checked (a value inside a loaded
 * line): nothing is checked again. -1 when it is not an object. */
int	 dm_json_members_checked(const char *, size_t,
	    void (*)(void *, const char *, size_t, const char *, size_t), void *);

#endif /* DM_RAWTEXT_H */
