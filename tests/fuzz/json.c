/* json.c - fuzzes the JSON line scanner: load, read fields, rewrite */
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	struct dm_sample s = DM_SAMPLE_INIT;
	struct dm_buf err = DM_BUF_INIT;
	struct dm_field f;
	const char *p;
	size_t col, len;

	if (dm_sample_load(&s, (const char *)data, n, "fuzz", 1, &err,
	    &col) == 0) {
		dm_sample_get(&s, "text", &f);
		dm_sample_get(&s, "meta.lang", &f);
		dm_sample_bytes(&s, &p, &len);
		if (dm_sample_set_text(&s, "text", "x", 1, &err) == 0)
			dm_sample_bytes(&s, &p, &len);
	}
	dm_sample_free(&s);
	dm_buf_free(&err);
	return 0;
}
