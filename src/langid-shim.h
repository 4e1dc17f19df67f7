/* langid-shim.h - C declarations of langid-shim.cc (libfasttext, libcld2) */
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

#ifdef __cplusplus
}
#endif

#endif
