/*
 * shrink.c - an LD_PRELOAD library that cuts a file short the first time
 * the process maps it: another process truncating the input in the
 * instant between dm-run's read of a block and its look at the mapping.
 * SHRINK_FILE names the file, SHRINK_TO the size it is cut to.
 */
#define _GNU_SOURCE
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <dlfcn.h>
#include <stdlib.h>
#include <unistd.h>

void *
mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	static void *(*real)(void *, size_t, int, int, int, off_t);
	static int done;
	const char *file = getenv("SHRINK_FILE"), *to = getenv("SHRINK_TO");
	struct stat a, b;
	void *p;

	if (real == NULL)
		real = (void *(*)(void *, size_t, int, int, int, off_t))
		    dlsym(RTLD_NEXT, "mmap");
	p = real(addr, len, prot, flags, fd, off);
	if (p != MAP_FAILED && !done && fd >= 0 && file != NULL &&
	    to != NULL && fstat(fd, &a) == 0 && stat(file, &b) == 0 &&
	    a.st_dev == b.st_dev && a.st_ino == b.st_ino) {
		done = 1;
		if (truncate(file, (off_t)atoll(to)) != 0)
			abort();
	}
	return p;
}
