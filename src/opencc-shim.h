/* opencc-shim.h - what dm-opencc.so exports: a C face of libopencc */
/*
 * libopencc (C++, with libstdc++, libmarisa and libdarts under it) is
 * linked only into the shared object dm-opencc.so (opencc-shim.cc),
 * loaded by the first chinese-convert (opencc-load.c), so that no tool
 * loads it at its start.
 */
#ifndef DM_OPENCC_SHIM_H
#define DM_OPENCC_SHIM_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct dm_buf;

/* The configurations of OpenCC that Data-Juicer's chinese_convert_mapper
 * accepts, in its order: the modes of chinese-convert. */
#define DM_OPENCC_MODES \
	"s2t,t2s,s2tw,tw2s,s2hk,hk2s,s2twp,tw2sp,t2tw,tw2t,hk2t,t2hk,t2jp,jp2t"
#define DM_OPENCC_NMODES	14
/* Where OpenCC's configuration files are, unless DM_OPENCC_DIR says
 * (Debian's libopencc-data; libopencc's own default folder) */
#define DM_OPENCC_DEFAULT_DIR	"/usr/share/opencc"

/* The index of mode in DM_OPENCC_MODES, or -1 when it is none of them
 * (the case counts, as in Data-Juicer's list). */
int	 dm_opencc_mode(const char *mode);

/* An OpenCC converter, made from one configuration file (s2t.json). */
struct dm_opencc;

/*
 * dm_opencc_get returns the converter of the configuration mode ("s2t":
 * the file MODE.json in DM_OPENCC_DIR, by default /usr/share/opencc),
 * made at its first call in the process and kept until exit, so that the
 * dictionaries are read once however many operators use it. NULL with
 * the reason appended to err (the shim or the file that could not be
 * loaded, and why). The converters are the process's, unlocked: the
 * tools run operators on one thread, and dm-run's jobs are processes,
 * each reading its own.
 */
struct dm_opencc *dm_opencc_get(const char *mode, struct dm_buf *err);
/*
 * Appends to out the conversion of s[0..n), which holds no NUL byte and
 * is valid UTF-8; 0, or -1 with the reason appended to err (out may then
 * hold part of the result).
 */
int	 dm_opencc_convert(struct dm_opencc *, const char *s, size_t n,
	    struct dm_buf *out, struct dm_buf *err);

/* What dm-opencc.so exports as dm_opencc_shim. */
struct dm_opencc_shim {
	/* a converter of the configuration json, whose relative file
	 * names are in dir; NULL with the reason in msg */
	void	*(*open)(const char *json, const char *dir, char *msg,
		    size_t msglen);
	/* the conversion of s[0..n), NUL-terminated, its length in *len,
	 * to give to release; NULL with the reason in msg */
	char	*(*convert)(void *, const char *s, size_t n, size_t *len,
		    char *msg, size_t msglen);
	void	 (*release)(char *);
};

#ifdef __cplusplus
}
#endif

#endif /* DM_OPENCC_SHIM_H */
