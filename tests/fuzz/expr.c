/* expr.c - fuzzes the expression language: the first line is an
 * expression, parsed and evaluated on the sample that the rest holds */
#include "fuzz.h"

static const char deflt[] = "{\"text\":\"Some words. And more words!\\n"
    "A line\",\"meta\":{\"lang\":\"en\"},\"n\":3}";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	struct dm_sample s = DM_SAMPLE_INIT;
	struct dm_buf err = DM_BUF_INIT, json = DM_BUF_INIT;
	struct dm_expr *e;
	const uint8_t *rest;
	const char *why, *line;
	size_t nrest, col, len;
	char *src;
	int truth;

	src = fuzz_split(data, n, &rest, &nrest);
	line = nrest ? (const char *)rest : deflt;
	len = nrest ? nrest : sizeof deflt - 1;
	if ((e = dm_expr_parse(src, "expression", 1)) != NULL) {
		if (dm_sample_load(&s, line, len, "fuzz", 1, &err, &col) == 0)
			dm_expr_eval(e, &s, "text", &json, &truth, &why, &err);
		dm_expr_free(e);
	}
	free(src);
	dm_sample_free(&s);
	dm_buf_free(&err);
	dm_buf_free(&json);
	return 0;
}
