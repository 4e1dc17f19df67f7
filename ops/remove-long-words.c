/* remove-long-words.c - remove-long-words: drop words outside a length range */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "dm.h"

/*
 * Data-Juicer's remove_long_words_mapper. The text is split on '\n' into
 * lines, each line on '\t' into parts, each part on ' ' into words (empty
 * ones dropped). A word stays when its length, or the length of the word
 * stripped of SPECIAL characters at both ends, lies in [min, max]; lengths
 * are code points. The kept words are joined back by ' ', the non-empty
 * parts by '\t', the non-empty lines by '\n': like Data-Juicer, this
 * collapses runs of separators and drops blank lines even when no word
 * goes, and such a text counts as changed.
 */

static const struct dm_param params[] = {
	{ .name = "min", .type = DM_P_INT, .def = "1",
	  .help = "shortest word length kept",
	  .min = 0, .max = HUGE_VAL },
	{ .name = "max", .type = DM_P_INT, .def = "9223372036854775807",
	  .help = "longest word length kept",
	  .min = 0, .max = HUGE_VAL },
	{ .name = NULL }
};

struct rlw {
	long long	min, max;
};

static int
rlw_init(void **state, const struct dm_args *args, struct dm_buf *err)
{
	struct rlw *r;

	(void)err;
	r = dm_xmalloc(sizeof(*r));
	r->min = dm_arg_int(args, "min");
	r->max = dm_arg_int(args, "max");
	*state = r;
	return 0;
}

static int
inrange(const struct rlw *r, size_t len)
{
	return (long long)len >= r->min && (long long)len <= r->max;
}

static int
keep(const struct rlw *r, const char *w, size_t n)
{
	size_t b, e;

	if (inrange(r, dm_utf8_count(w, n)))
		return 1;
	dm_special_strip(w, n, &b, &e);
	return inrange(r, dm_utf8_count(w + b, e - b));
}

static int
rlw_text(void *state, const char *in, size_t n, struct dm_buf *out,
    struct dm_buf *err)
{
	const struct rlw *r = state;
	size_t base = out->len, i, w;
	int line_out, part_out, word_out;

	(void)err;
	line_out = 0;		/* a line was written before this one */
	for (i = 0; i <= n; ) {
		/* one line: parts until '\n' or the end */
		part_out = 0;
		for (;;) {
			word_out = 0;
			while (i < n && in[i] != '\n' && in[i] != '\t') {
				if (in[i] == ' ') {
					i++;
					continue;
				}
				w = i;
				while (i < n && in[i] != ' ' &&
				    in[i] != '\n' && in[i] != '\t')
					i++;
				if (!keep(r, in + w, i - w))
					continue;
				if (word_out)
					dm_buf_addc(out, ' ');
				else if (part_out)
					dm_buf_addc(out, '\t');
				else if (line_out)
					dm_buf_addc(out, '\n');
				dm_buf_add(out, in + w, i - w);
				word_out = 1;
			}
			if (word_out)
				part_out = 1;
			if (i < n && in[i] == '\t') {
				i++;
				continue;
			}
			break;
		}
		if (part_out)
			line_out = 1;
		i++;		/* past the '\n', or past the end */
	}
	if (out->len - base == n && memcmp(out->buf + base, in, n) == 0) {
		dm_buf_setlen(out, base);
		return 0;
	}
	return 1;
}

static void
rlw_fini(void *state)
{
	free(state);
}

const struct dm_opdef dm_op_remove_long_words = {
	.name = "remove-long-words",
	.kind = DM_OP_MAP,
	.summary = "drop words shorter than min or longer than max characters "
	    "(Data-Juicer remove_long_words_mapper)",
	.params = params,
	.init = rlw_init,
	.text = rlw_text,
	.fini = rlw_fini,
};
