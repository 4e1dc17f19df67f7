/* memcap.c - the memory a child process reading hostile input may map */
#include <sys/resource.h>

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
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
