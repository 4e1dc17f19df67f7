/* special-chars.c - special-chars: few special characters [DM] */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dm.h"
#include "opfilter.h"

/*
 * DataMate's FileWithHighSpecialCharRateFilter: the characters of its
 * resources/special_token.txt (each line there is one character) counted
 * in the text, over the characters of the text, must stay below max. An
 * empty text is dropped, as DataMate empties it.
 */

#define TOKENS	"~·！@#￥%…&*（）—+-={}|【】、：“；‘《》？，。`!$^()_[]\\:\";'<>?,/"

static const struct dm_param params[] = {
	{ .name = "max", .type = DM_P_FLOAT, .def = "0.3",
	  .help = "the share of special characters that drops the text",
	  .min = 0, .max = HUGE_VAL },
	{ .name = "chars", .type = DM_P_STR, .def = TOKENS,
	  .help = "the special characters" },
	{ .name = NULL }
};

struct special {
	double		 max;
	unsigned char	 ascii[128];
	int32_t		*cp;		/* the others, sorted, distinct */
	size_t		 ncp;
};

static int
cpcmp(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

	return (x > y) - (x < y);
}

static void
sc_fini(void *state)
{
	struct special *sp = state;

	if (sp == NULL)
		return;
	free(sp->cp);
	free(sp);
}

static int
sc_init(void **state, const struct dm_args *args, struct dm_buf *err)
{
	struct special *sp;
	const char *s = dm_arg_str(args, "chars");
	size_t n = strlen(s), i, j;
	int32_t c = 0;
	int len;

	if (dm_utf8_check(s, n) != n) {
		dm_buf_adds(err, "chars: not valid UTF-8");
		return -1;
	}
	sp = dm_xcalloc(1, sizeof(*sp));
	sp->max = dm_arg_float(args, "max");
	sp->cp = dm_xreallocarray(NULL, n + 1, sizeof(*sp->cp));
	for (i = 0; i < n; i += (size_t)len) {
		len = dm_utf8_decode(s + i, n - i, &c);
		if (c < 128)
			sp->ascii[c] = 1;
		else
			sp->cp[sp->ncp++] = c;
	}
	qsort(sp->cp, sp->ncp, sizeof(*sp->cp), cpcmp);
	for (i = j = 0; i < sp->ncp; i++)
		if (j == 0 || sp->cp[j - 1] != sp->cp[i])
			sp->cp[j++] = sp->cp[i];
	sp->ncp = j;
	*state = sp;
	return 0;
}

static int
has(const struct special *sp, int32_t c)
{
	size_t lo = 0, hi = sp->ncp, mid;

	if (c < 128)
		return sp->ascii[c];
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (sp->cp[mid] == c)
			return 1;
		if (sp->cp[mid] < c)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

static int
sc_filter(void *state, struct dm_sample *smp, const char *s, size_t n,
    struct dm_textstats *ts, struct dm_buf *err)
{
	const struct special *sp = state;
	size_t i, total = 0, nchar = 0;
	int32_t c = 0;
	int len;

	(void)smp;
	(void)ts;
	if (n == 0) {
		dm_buf_adds(err, "empty");
		return 0;
	}
	for (i = 0; i < n; i += (size_t)len) {
		if ((len = dm_utf8_decode(s + i, n - i, &c)) < 1) {
			len = 1;
			c = 0xFFFD;
		}
		nchar++;
		total += has(sp, c);
	}
	return dm_rate_below((double)total / (double)nchar, sp->max,
	    "special_char_rate", err);
}

const struct dm_opdef dm_op_special_chars = {
	.name = "special-chars",
	.kind = DM_OP_FILTER,
	.summary = "special characters under max of the text (DataMate "
	    "FileWithHighSpecialCharRateFilter)",
	.params = params,
	.init = sc_init,
	.filter = sc_filter,
	.fini = sc_fini,
};
