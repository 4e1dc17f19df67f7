/* json.c - fuzzes the JSON line scanner: load, read fields, rewrite; the
 * scans of every SIMD level agree */
#include <stdio.h>

#include "fuzz.h"
#include "rawtext.h"
#include "simd.h"

/* What loading the line under one level gives: the result, its column and
 * message, and len of "text" as loading counted it and as counted apart. */
struct outcome {
	int	 r;
	size_t	 col;
	char	 msg[128];
	int	 haslen;
	size_t	 len, rawlen;
};

static void
load(int level, const uint8_t *data, size_t n, struct outcome *o)
{
	struct dm_sample s = DM_SAMPLE_INIT;
	struct dm_buf err = DM_BUF_INIT;
	const char *raw;
	size_t rn;

	dm_simd_set(level);
	memset(o, 0, sizeof *o);
	o->r = dm_sample_load(&s, (const char *)data, n, "fuzz", 1, &err,
	    &o->col);
	if (o->r < 0)
		snprintf(o->msg, sizeof o->msg, "%s", err.buf ? err.buf : "");
	else if (dm_sample_strcount(&s, "text", &o->len) == 0) {
		o->haslen = 1;
		if (dm_sample_rawstr(&s, "text", &raw, &rn) < 0)
			abort();
		o->rawlen = dm_json_strcount(raw, rn);
		if (o->len != o->rawlen)
			abort();
	}
	dm_sample_free(&s);
	dm_buf_free(&err);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	struct dm_sample s = DM_SAMPLE_INIT;
	struct dm_buf err = DM_BUF_INIT;
	struct dm_field f;
	struct outcome o[3];
	const char *p;
	size_t col, len;
	int i;

	for (i = 0; i < 3; i++) {
		load(2 - i, data, n, &o[i]);
		if (i > 0 && (o[i].r != o[0].r || o[i].col != o[0].col ||
		    strcmp(o[i].msg, o[0].msg) != 0 ||
		    o[i].haslen != o[0].haslen || o[i].len != o[0].len))
			abort();
	}
	dm_simd_set(-1);
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
