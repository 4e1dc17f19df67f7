/* fuzz.c - what every libFuzzer target of tests/fuzz links: dm's set-up */
#include "fuzz.h"

/* A target with more to set up defines its own, which replaces this one
 * (and calls dm_init itself). */
__attribute__((weak)) int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	dm_init((*argv)[0]);
	return 0;
}
