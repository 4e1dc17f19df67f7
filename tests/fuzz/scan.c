/* scan.c - fuzzes dm-scan's walk: the input is a file (an archive, a
 * compressed file, text), scanned as dm-scan scans an operand */
#include <fcntl.h>
#include <unistd.h>

#include "fuzz.h"

static char dir[] = "/tmp/dm-fuzz-scan.XXXXXX";
static char path[sizeof dir + 8];
static int out = -1;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	dm_init((*argv)[0]);
	if (mkdtemp(dir) == NULL)
		abort();
	snprintf(path, sizeof path, "%s/in", dir);
	if ((out = open("/dev/null", O_WRONLY)) < 0)
		abort();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	struct dm_io io;
	struct dm_scan sc;
	int fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0 ||
	    write(fd, data, n) != (ssize_t)n || close(fd) < 0)
		abort();
	dm_io_init(&io);
	io.on_error = DM_ON_ERROR_SKIP;
	dm_scan_init(&sc, &io);
	/* a bomb is stopped by --max-total; keep it small for speed */
	sc.maxtotal = 64 << 20;
	sc.maxtotal_arg = "64M";
	sc.jsonl = n > 0 && data[0] == '{';
	dm_writer_init(&io.out, out, "out");
	dm_scan_path(&sc, path);
	dm_writer_free(&io.out);
	dm_scan_free(&sc);
	dm_buf_free(&io.err);
	dm_buf_free(&io.s.keys);
	dm_buf_free(&io.s.out);
	dm_sample_free(&io.s);
	return 0;
}
