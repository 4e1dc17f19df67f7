/* script.c - fuzzes dm-map's script parser, and runs what parses on a
 * sample */
#include "fuzz.h"

static const char line[] = "{\"text\":\"<p>Mail me@example.com at "
    "http://x.org/a 192.168.1.1 \\u00e9t\\u00e9</p>  words words\","
    "\"id\":1}";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	struct dm_sample s = DM_SAMPLE_INIT;
	struct dm_buf err = DM_BUF_INIT;
	struct dm_chain *c = dm_chain_new();
	char *src = fuzz_str(data, n);
	size_t col;

	/* load reads files named by the sample: none here */
	if (dm_chain_parse(c, src, "script", 1) == 0 && dm_chain_init(c) == 0 &&
	    dm_sample_load(&s, line, sizeof line - 1, "fuzz", 1, &err,
	    &col) == 0)
		dm_chain_run(c, &s, "text", &err);
	dm_chain_free(c);
	free(src);
	dm_sample_free(&s);
	dm_buf_free(&err);
	return 0;
}
