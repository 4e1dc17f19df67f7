/* langid.h - language identification: fastText models and CLD2 */
#ifndef DM_LANGID_H
#define DM_LANGID_H

#include <stddef.h>

struct dm_buf;

/*
 * An identifier is a fastText classifier file (lid.176.bin, lid.176.ftz,
 * GlotLID) or "cld2", the CLD2 tables built into Debian's libcld2, which
 * need no download. Text is normalised as datatrove's FastTextLID and
 * Data-Juicer's language_id_score_filter do before predicting: every
 * newline becomes a space (and with lower, as Data-Juicer, the text is
 * lower-cased first). Labels come without fastText's "__label__" prefix.
 * With CLD2 the score of a language is the share of the text's bytes CLD2
 * gives it (its percent / 100), for its three best languages; "un" is
 * CLD2's unknown language.
 *
 * An identifier is loaded once per process: opening the same model again
 * shares it, and the last close frees it. The last text's predictions are
 * kept, so asking for its label and then for scores predicts once.
 */
struct dm_langid;

/* The model of an empty or NULL name: $DM_LANGID_MODEL, else "cld2". */
const char *dm_langid_default(void);
/* Loads dm-langid.so (fastText, CLD2) once: 0, or -1 with the reason in
 * err. dm_langid_open calls it. */
int	 dm_langid_shim_load(struct dm_buf *err);
/* Opens model (a file, "cld2", or NULL/"" for dm_langid_default()). NULL
 * with the reason in err. */
struct dm_langid *dm_langid_open(const char *model, struct dm_buf *err);
/* The best label of s[0..n) and its probability; *label is borrowed until
 * the next call. "un" with 0 when the model predicts nothing. 0 or -1
 * with the reason in err. */
int	 dm_langid_top(struct dm_langid *, const char *s, size_t n, int lower,
	    const char **label, double *score, struct dm_buf *err);
/* The probability of label for s[0..n), 0 when it is not predicted (as
 * datatrove's FastTextLID with k=-1). 0 or -1 with the reason in err. */
int	 dm_langid_score(struct dm_langid *, const char *s, size_t n, int lower,
	    const char *label, double *score, struct dm_buf *err);
void	 dm_langid_close(struct dm_langid *);

#endif
