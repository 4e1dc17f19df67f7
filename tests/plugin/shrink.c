/*
 * shrink.c - an LD_PRELOAD library that cuts a file short the first time
 * the process reads it from its start with pread: another process
 * truncating the input in the instant between dm-run's cut of the first
 * block (which reads only around the block's end) and its count of the
 * block's lines or its checksum of the block. SHRINK_FILE names the
 * file, SHRINK_TO the size it is cut to.
 */
#define _GNU_SOURCE
#include <sys/stat.h>
#include <sys/types.h>

#include <dlfcn.h>
#include <stdlib.h>
#include <unistd.h>

/* Cuts the file short if fd is it and it was not cut yet. */
static void
shrink(int fd)
{
	static int done;
	const char *file = getenv("SHRINK_FILE"), *to = getenv("SHRINK_TO");
	struct stat a, b;

	if (!done && fd >= 0 && file != NULL && to != NULL &&
	    fstat(fd, &a) == 0 && stat(file, &b) == 0 &&
	    a.st_dev == b.st_dev && a.st_ino == b.st_ino) {
		done = 1;
		if (truncate(file, (off_t)atoll(to)) != 0)
			abort();
	}
}

/* pread and pread64 are the same call on a 64-bit system; a program
 * calls one or the other by its _FILE_OFFSET_BITS */
static ssize_t
pread_at(const char *name, int fd, void *buf, size_t n, off_t off)
{
	ssize_t (*real)(int, void *, size_t, off_t);

	real = (ssize_t (*)(int, void *, size_t, off_t))dlsym(RTLD_NEXT, name);
	if (off == 0)
		shrink(fd);
	return real(fd, buf, n, off);
}

ssize_t
pread(int fd, void *buf, size_t n, off_t off)
{
	return pread_at("pread", fd, buf, n, off);
}

ssize_t
pread64(int fd, void *buf, size_t n, off_t off)
{
	return pread_at("pread64", fd, buf, n, off);
}
