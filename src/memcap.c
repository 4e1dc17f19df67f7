/* memcap.c - the memory a child process reading hostile input may map */
#include <sys/resource.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "memcap.h"

#if defined(__SANITIZE_ADDRESS__)
#define MEMCAP_ASAN	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MEMCAP_ASAN	1
#endif
#endif

unsigned long long dm_memcap = DM_MEMCAP_DEFAULT;
const char *dm_memcap_arg = "1G";

void
dm_memcap_apply(void)
{
#ifndef MEMCAP_ASAN
	unsigned long long vm;
	struct rlimit rl;
	FILE *f;

	if (dm_memcap == 0 || (f = fopen("/proc/self/statm", "r")) == NULL)
		return;
	if (fscanf(f, "%llu", &vm) == 1) {
		rl.rlim_cur = rl.rlim_max = (rlim_t)vm *
		    (rlim_t)sysconf(_SC_PAGESIZE) + (rlim_t)dm_memcap;
		setrlimit(RLIMIT_AS, &rl);
	}
	fclose(f);
#endif
}

void
dm_memcap_child(int quiet)
{
	int null;

	signal(SIGPIPE, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	/* nothing of the parent's stdout may come out of this process, nor
	 * (quiet) what a library prints on stderr, but a sanitizer's report */
	if ((null = open("/dev/null", O_RDWR)) >= 0) {
		dup2(null, 0);
		dup2(null, 1);
#ifndef MEMCAP_ASAN
		if (quiet)
			dup2(null, 2);
#endif
		close(null);
	}
	dm_memcap_apply();
}

void
dm_memcap_send(int fd, int tag, const void *p1, size_t n1, const void *p2,
    size_t n2, const void *p3, size_t n3)
{
	unsigned char hd[5];
	uint32_t len = (uint32_t)(n1 + n2 + n3);
	const void *part[4] = { hd, p1, p2, p3 };
	size_t plen[4] = { sizeof hd, n1, n2, n3 };
	size_t i, off;
	ssize_t w;

	hd[0] = (unsigned char)tag;
	memcpy(hd + 1, &len, sizeof len);
	for (i = 0; i < 4; i++)
		for (off = 0; off < plen[i]; off += (size_t)w) {
			w = write(fd, (const char *)part[i] + off,
			    plen[i] - off);
			if (w < 0 && errno == EINTR)
				w = 0;
			else if (w <= 0)
				_exit(1);	/* the parent is gone */
		}
}
