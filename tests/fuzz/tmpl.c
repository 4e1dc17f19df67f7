/* tmpl.c - fuzzes dm-llm's prompt templates: the first line is the
 * template, filled from the sample that the rest holds */
#include "fuzz.h"

static const char deflt[] = "{\"text\":\"t\",\"a\":{\"b\":[1,2]},\"n\":1.50,"
    "\"e\":\"\\u00e9\",\"z\":null}";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	struct dm_sample s = DM_SAMPLE_INIT;
	struct dm_buf err = DM_BUF_INIT, out = DM_BUF_INIT;
	struct dm_tmpl *t;
	const uint8_t *rest;
	const char *line;
	size_t nrest, off, col, len;
	char *src;

	src = fuzz_split(data, n, &rest, &nrest);
	line = nrest ? (const char *)rest : deflt;
	len = nrest ? nrest : sizeof deflt - 1;
	if ((t = dm_tmpl_new(src, &err, &off)) != NULL) {
		if (dm_sample_load(&s, line, len, "fuzz", 1, &err, &col) == 0)
			dm_tmpl_fill(t, &s, "text", &out, &err);
		dm_tmpl_free(t);
	}
	free(src);
	dm_sample_free(&s);
	dm_buf_free(&err);
	dm_buf_free(&out);
	return 0;
}
