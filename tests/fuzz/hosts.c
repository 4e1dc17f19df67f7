/* hosts.c - fuzzes dm-run's hosts file and -S list parsers */
#include <unistd.h>

#include "fuzz.h"

static char path[] = "/tmp/dm-fuzz-hosts.XXXXXX";
static int fd = -1;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	dm_init((*argv)[0]);
	if ((fd = mkstemp(path)) < 0)
		abort();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	struct dm_hosts h = DM_HOSTS_INIT;
	struct dm_buf err = DM_BUF_INIT;
	char *s;

	if (ftruncate(fd, 0) < 0 || pwrite(fd, data, n, 0) != (ssize_t)n)
		abort();
	dm_hosts_load(&h, path, &err);
	dm_hosts_free(&h);
	dm_buf_reset(&err);
	s = fuzz_str(data, n);
	dm_hosts_list(&h, s, &err);
	dm_hosts_free(&h);
	free(s);
	dm_buf_free(&err);
	return 0;
}
