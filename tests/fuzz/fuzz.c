/* fuzz.c - what every libFuzzer target of tests/fuzz links: dm's set-up */
#include "fuzz.h"
#include "extract.h"

int
fuzz_doc(void *ctx, const char *text, size_t len,
    const struct dm_docinfo *di)
{
	(void)ctx;
	if (dm_utf8_check(text, len) != len || di->library == NULL)
		abort();
	return 0;
}

/* A target with more to set up defines its own, which replaces this one
 * (and calls dm_init itself). */
__attribute__((weak)) int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	dm_init((*argv)[0]);
	return 0;
}
