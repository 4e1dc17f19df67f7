/* langid-shim.h - C declarations of langid-shim.cc (libfasttext, libcld2) */
/*
 * The C++ code and its libraries are in the shared object dm-langid.so,
 * loaded when a language is first identified (dm_langid_shim_load), so
 * that a tool that never does so does not load libstdc++, libfasttext and
 * libcld2 at its start. The functions below call into it; a tool calls
 * them only after dm_langid_shim_load succeeded.
 */
#ifndef DM_LANGID_SHIM_H
#define DM_LANGID_SHIM_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A loaded fastText classifier (.bin or quantized .ftz). */
struct dm_ft;
/* NULL with the reason in msg when the file is not a fastText classifier. */
struct dm_ft *dm_ft_open(const char *path, char *msg, size_t msglen);
int	 dm_ft_nlabels(const struct dm_ft *);
/* A label without the model's prefix ("en" for "__label__en"); borrowed. */
const char *dm_ft_label(const struct dm_ft *, int id);
/* The k best labels of one line of text (k -1: all of them, down to the
 * probability 1e-5 fastText prunes at), as `fasttext predict-prob`: ids
 * and probabilities, best first, into arrays of dm_ft_nlabels() entries.
 * The number written, or -1 with the reason in msg. */
int	 dm_ft_predict(struct dm_ft *, const char *s, size_t n, int k,
	    float *prob, int *id, char *msg, size_t msglen);
void	 dm_ft_close(struct dm_ft *);

/* CLD2's three best languages (ISO 639 codes as CLD2 spells them, "un"
 * when unknown) and the percent of the text's bytes in each; 0 or -1. */
int	 dm_cld2_detect(const char *s, size_t n, const char *code[3],
	    int pct[3]);

/* What dm-langid.so exports as dm_langid_shim: the functions above. */
struct dm_langid_shim {
	struct dm_ft	*(*ft_open)(const char *, char *, size_t);
	int		 (*ft_nlabels)(const struct dm_ft *);
	const char	*(*ft_label)(const struct dm_ft *, int);
	int		 (*ft_predict)(struct dm_ft *, const char *, size_t, int,
			    float *, int *, char *, size_t);
	void		 (*ft_close)(struct dm_ft *);
	int		 (*cld2_detect)(const char *, size_t, const char *[3],
			    int[3]);
};

#ifdef __cplusplus
}
#endif

#endif
