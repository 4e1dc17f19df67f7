/* stripped-len.c - stripped-len: characters within [min, max] [DM] */
#include <math.h>
#include <stdlib.h>

#include "dm.h"

/*
 * DataMate's FileWithShortOrLongLengthFilter: the text loses the runs of
 * U+0020, 00A0, 1680, 2000-200F, 202F, 205F and 3000 at its start and at
 * its end, as its re.sub('^P|P$') does; Python's $ also matches before a
 * final \n, so a run just before a last \n goes as well. The characters
 * left must lie in [min, max]. A bound of 0 is no bound, as DataMate
 * reads an empty or zero limit.
 */

static const struct dm_param params[] = {
	{ .name = "min", .type = DM_P_FLOAT, .def = "10",
	  .help = "fewest characters (0: no lower bound)",
	  .min = 0, .max = HUGE_VAL },
	{ .name = "max", .type = DM_P_FLOAT, .def = "10000000",
	  .help = "most characters (0: no upper bound)",
	  .min = 0, .max = HUGE_VAL },
	{ .name = NULL }
};

struct slen {
	double	min, max;
};

static int
slen_init(void **state, const struct dm_args *args, struct dm_buf *err)
{
	struct slen *l;

	(void)err;
	l = dm_xcalloc(1, sizeof(*l));
	l->min = dm_arg_float(args, "min");
	l->max = dm_arg_float(args, "max");
	if (l->max == 0)
		l->max = HUGE_VAL;
	*state = l;
	return 0;
}

static int
isspc(int32_t c)
{
	return c == 0x20 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 &&
	    c <= 0x200F) || c == 0x202F || c == 0x205F || c == 0x3000;
}

/* The code point that ends at s[e) (e > 0), and its start. */
static int32_t
before(const char *s, size_t e, size_t *b)
{
	size_t i = e - 1;
	int32_t c = 0;

	while (i > 0 && e - i < 4 && ((unsigned char)s[i] & 0xC0) == 0x80)
		i--;
	if (dm_utf8_decode(s + i, e - i, &c) != (int)(e - i)) {
		*b = e - 1;
		return 0xFFFD;
	}
	*b = i;
	return c;
}

/* Characters of s[0..n) once the runs at both ends are gone. */
static size_t
stripped(const char *s, size_t n)
{
	size_t b = 0, e, p, q;
	int32_t c = 0;
	int len;

	while (b < n && (len = dm_utf8_decode(s + b, n - b, &c)) > 0 &&
	    isspc(c))
		b += (size_t)len;
	if (b == n)
		return 0;
	/* P$: a run at the very end, else one just before a final \n */
	q = s[n - 1] == '\n' ? n - 1 : n;
	e = q;
	while (e > b && isspc(before(s, e, &p)))
		e = p;
	return dm_utf8_count(s + b, e - b) + (q < n);
}

static int
slen_filter(void *state, struct dm_sample *smp, const char *s, size_t n,
    struct dm_textstats *ts, struct dm_buf *err)
{
	const struct slen *l = state;
	double len;

	(void)smp;
	(void)ts;
	len = (double)stripped(s, n);
	if (len < l->min) {
		dm_buf_adds(err, "short");
		return 0;
	}
	if (len > l->max) {
		dm_buf_adds(err, "long");
		return 0;
	}
	return 1;
}

const struct dm_opdef dm_op_stripped_len = {
	.name = "stripped-len",
	.kind = DM_OP_FILTER,
	.summary = "characters, spaces at both ends left out, within [min, "
	    "max] (DataMate FileWithShortOrLongLengthFilter)",
	.params = params,
	.init = slen_init,
	.filter = slen_filter,
	.fini = free,
};
