/* tokenizer-spm.h - C declarations of tokenizer-spm.cc (libsentencepiece) */
/*
 * The C++ code and libsentencepiece are in the shared object dm-spm.so,
 * loaded by the first dm_spm_open (spm-load.c), so that a tool that reads
 * no .model file does not load them at its start.
 */
#ifndef DM_TOKENIZER_SPM_H
#define DM_TOKENIZER_SPM_H

#include <stddef.h>

struct dm_buf;

#ifdef __cplusplus
extern "C" {
#endif

/* A loaded SentencePiece model (a .model file: unigram, BPE, word, char). */
struct dm_spm;
/* Loads dm-spm.so if not yet: 0, or -1 with the reason appended to err
 * ("'dm-spm.so' is not installed ..."). */
int	 dm_spm_load(struct dm_buf *err);
/* NULL with the reason in msg when path is not a SentencePiece model. */
struct dm_spm *dm_spm_open(const char *path, char *msg, size_t msglen);
/* The number of pieces of s[0..n), as `spm_encode --output_format=id`
 * gives for one line (no BOS/EOS); 0, or -1 with the reason in msg. */
int	 dm_spm_count(struct dm_spm *, const char *s, size_t n, size_t *count,
	    char *msg, size_t msglen);
void	 dm_spm_close(struct dm_spm *);
/* Calls fn(arg, piece, length) on each piece of s[0..n), as Python's
 * encode_as_pieces() gives them (a space is U+2581); 0, or -1 with the
 * reason in msg. */
int	 dm_spm_pieces(struct dm_spm *, const char *s, size_t n,
	    void (*fn)(void *, const char *, size_t), void *arg, char *msg,
	    size_t msglen);

/* What dm-spm.so exports as dm_spm_shim: the functions above. */
struct dm_spm_shim {
	struct dm_spm	*(*open)(const char *, char *, size_t);
	int		 (*count)(struct dm_spm *, const char *, size_t,
			    size_t *, char *, size_t);
	void		 (*close)(struct dm_spm *);
	int		 (*pieces)(struct dm_spm *, const char *, size_t,
			    void (*)(void *, const char *, size_t), void *,
			    char *, size_t);
};

#ifdef __cplusplus
}
#endif

#endif
