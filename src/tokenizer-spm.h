/* tokenizer-spm.h - C declarations of tokenizer-spm.cc (libsentencepiece) */
#ifndef DM_TOKENIZER_SPM_H
#define DM_TOKENIZER_SPM_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A loaded SentencePiece model (a .model file: unigram, BPE, word, char). */
struct dm_spm;
/* NULL with the reason in msg when path is not a SentencePiece model. */
struct dm_spm *dm_spm_open(const char *path, char *msg, size_t msglen);
/* The number of pieces of s[0..n), as `spm_encode --output_format=id`
 * gives for one line (no BOS/EOS); 0, or -1 with the reason in msg. */
int	 dm_spm_count(struct dm_spm *, const char *s, size_t n, size_t *count,
	    char *msg, size_t msglen);
void	 dm_spm_close(struct dm_spm *);

#ifdef __cplusplus
}
#endif

#endif
