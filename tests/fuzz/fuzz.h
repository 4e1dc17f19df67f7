/* fuzz.h - what the libFuzzer targets of tests/fuzz share */
#ifndef DM_FUZZ_H
#define DM_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dm.h"
#include "llm.h"
#include "remote.h"
#include "scan.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);
int	LLVMFuzzerInitialize(int *, char ***);

/* An extractor's sample callback that checks its contract (valid UTF-8,
 * the extractor named) and aborts when it is broken. */
struct dm_docinfo;
int	fuzz_doc(void *ctx, const char *text, size_t len,
	    const struct dm_docinfo *di);

/* The input as a C string (it may hold NUL bytes, which end it). */
static inline char *
fuzz_str(const uint8_t *data, size_t n)
{
	char *s = malloc(n + 1);

	if (s == NULL)
		abort();
	memcpy(s, data, n);
	s[n] = '\0';
	return s;
}

/* Splits the input at its first newline: the head (a C string, owned by
 * the caller) and the rest. */
static inline char *
fuzz_split(const uint8_t *data, size_t n, const uint8_t **rest, size_t *nrest)
{
	const uint8_t *nl = memchr(data, '\n', n);
	size_t k = nl ? (size_t)(nl - data) : n;

	*rest = nl ? nl + 1 : data + n;
	*nrest = nl ? n - k - 1 : 0;
	return fuzz_str(data, k);
}

#endif
