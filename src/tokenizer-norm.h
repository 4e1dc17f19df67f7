/* tokenizer-norm.h - the normalizers of a tokenizer.json */
#ifndef DM_TOKENIZER_NORM_H
#define DM_TOKENIZER_NORM_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct dm_buf;

/*
 * The "normalizer" of a tokenizer.json, as Hugging Face's tokenizers
 * library applies it: NFC, NFD, NFKC, NFKD, Prepend, Replace (a String
 * or a Regex), Strip, Precompiled (SentencePiece's charsmap) and a
 * Sequence of them, in order.
 */
struct dm_tnorm;

/* The normalizer of json (null: none, *out NULL); -1 with the reason in
 * err (what, and the type's name in 'v'). */
int	 dm_tnorm_new(json_t *json, struct dm_tnorm **out, struct dm_buf *err);
void	 dm_tnorm_free(struct dm_tnorm *);
/* s[0..n) normalized into out (reset first); -1 with err. */
int	 dm_tnorm_apply(struct dm_tnorm *, const char *s, size_t n,
	    struct dm_buf *out, struct dm_buf *err);
/* 1 for a code point Rust's char::is_whitespace holds for (White_Space). */
int	 dm_tnorm_isspace(int32_t cp);

#endif
