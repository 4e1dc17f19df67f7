/* tokenizer-uni.h - a pre-tokenizer's expression told utf8proc's Unicode */
#ifndef DM_TOKENIZER_UNI_H
#define DM_TOKENIZER_UNI_H

/*
 * The regular expression rx with each \p{X} of a general category (L, Lu,
 * Ll, Lt, Lm, Lo, M, Mn, Mc, Me, N, Nd, Nl, No) widened by the characters
 * utf8proc puts in X and PCRE2's older Unicode does not, so PCRE2 matches
 * as the hand scanner does; the caller frees it.
 */
char	*dm_tok_unirx(const char *rx);

#endif
