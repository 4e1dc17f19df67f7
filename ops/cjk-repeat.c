/* cjk-repeat.c - cjk-repeat: no CJK ideograph repeated too often [DM] */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dm.h"
#include "opfilter.h"

/*
 * DataMate's FileWithHighRepeatWordRateFilter: of the characters of the
 * text in U+4E00-U+9FFF (the others are not counted), the most frequent
 * one's count over their number must stay below max; a text without such
 * a character passes.
 */

enum { LO = 0x4E00, HI = 0x9FFF };

static const struct dm_param params[] = {
	{ .name = "max", .type = DM_P_FLOAT, .def = "0.5",
	  .help = "the share of the commonest ideograph that drops the text",
	  .min = 0, .max = HUGE_VAL },
	{ .name = NULL }
};

struct cjkrep {
	double		 max;
	unsigned	 count[HI - LO + 1];
};

static int
cr_init(void **state, const struct dm_args *args, struct dm_buf *err)
{
	struct cjkrep *r;

	(void)err;
	r = dm_xcalloc(1, sizeof(*r));
	r->max = dm_arg_float(args, "max");
	*state = r;
	return 0;
}

static int
cr_filter(void *state, struct dm_sample *smp, const char *s, size_t n,
    struct dm_textstats *ts, struct dm_buf *err)
{
	struct cjkrep *r = state;
	size_t i, total = 0, top = 0;
	int32_t c;
	int len;

	(void)smp;
	(void)ts;
	/* a first pass counts, a second one clears what it counted */
	for (i = 0; i < n; i += (size_t)len) {
		len = dm_utf8_decode(s + i, n - i, &c);
		if (len < 1)
			len = 1;
		else if (c >= LO && c <= HI) {
			total++;
			if (++r->count[c - LO] > top)
				top = r->count[c - LO];
		}
	}
	if (total == 0)
		return 1;
	for (i = 0; i < n; i += (size_t)len) {
		len = dm_utf8_decode(s + i, n - i, &c);
		if (len < 1)
			len = 1;
		else if (c >= LO && c <= HI)
			r->count[c - LO] = 0;
	}
	return dm_rate_below((double)top / (double)total, r->max,
	    "repeat_word_rate", err);
}

const struct dm_opdef dm_op_cjk_repeat = {
	.name = "cjk-repeat",
	.kind = DM_OP_FILTER,
	.summary = "the commonest CJK ideograph under max of them "
	    "(DataMate FileWithHighRepeatWordRateFilter)",
	.params = params,
	.init = cr_init,
	.filter = cr_filter,
	.fini = free,
};
