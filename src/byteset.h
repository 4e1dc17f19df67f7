/* byteset.h - the first byte of a set in a text, many bytes at a time */
#ifndef DM_BYTESET_H
#define DM_BYTESET_H

#include <stddef.h>

/*
 * The operators that change a few characters of a text (normalize-ws,
 * remove-invisible, normalize-punct, clean-html) look at each byte that
 * may start one of them; dm_byteset_find finds those bytes 16 or 32 at a
 * time (SSSE3 or AVX2 table lookups by nibble, as the level of simd.h
 * says, DM_SIMD included).
 */
struct dm_byteset {
	unsigned char	 lo[16];	/* bucket bits by low nibble */
	unsigned char	 hi[16];	/* bucket bits by high nibble */
	unsigned char	 in[256];	/* 1 for the bytes of the set */
};

/* Sets s to the bytes of bytes[0..n). */
void	 dm_byteset_init(struct dm_byteset *s, const char *bytes, size_t n);
/* The first byte at or after p (before end) that may be in s, or end. */
const char *dm_byteset_find(const struct dm_byteset *s, const char *p,
	    const char *end);

#endif /* DM_BYTESET_H */
