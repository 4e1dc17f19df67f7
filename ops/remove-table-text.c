/* remove-table-text.c - remove-table-text: drop runs of table-like lines */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dm.h"

/*
 * Data-Juicer's remove_table_text_mapper. For k = min_col - 1 up to
 * max_col - 1, one after the other on the result of the previous one,
 * every match of
 *
 *	(?<=\n)((\S+?)([ |\t](\S+?)){k}\n+){2,}
 *
 * is deleted: two or more lines in a row, each of k + 1 cells separated
 * by one space, '|' or tab, right after a newline (so never the first
 * line of the text). \S is regex's: not White_Space, where PCRE2's \S
 * would leave out U+180E, which regex takes for a cell.
 * Data-Juicer reuses its loop variable there and stores the result under
 * the wrong index of the batch; we do what the code plainly means and its
 * tests expect: the text itself gets the result.
 *
 * The pattern is not run through a regex engine: its nested lazy groups
 * backtrack exponentially on a line of many '|' (PCRE2 gave up on a menu
 * line of 22 cells), and what it matches is simple to state. No cell nor
 * separator is a newline, so a row is a whole line and its newline, and
 * "\n+" must take every blank line after it for the next row to start
 * with \S. The greedy {2,} takes every following line that is a row,
 * and the regex engine tries every way of cutting a line into cells, so
 * a match is the longest run of two or more row lines from a line start
 * (blank lines between them and after the last included). A line is a
 * row of k separators when it holds no white space but ' ' and '\t',
 * and splits at them into m non-empty words (m - 1 separators) of which
 * a '|' that is neither the first nor the last character of its word
 * may also separate, no two of them side by side: a word gives up to
 * ceil(r / 2) more from each run of r such '|'. So m - 1 <= k <= m - 1
 * + that sum. After a match the search goes on at its end, a line start;
 * after a failed one, at the next line start.
 */

#define COL_MIN	2
#define COL_MAX	20

static const struct dm_param params[] = {
	{ .name = "min_col", .type = DM_P_INT, .def = "2",
	  .help = "fewest columns of a table to remove",
	  .min = COL_MIN, .max = COL_MAX },
	{ .name = "max_col", .type = DM_P_INT, .def = "20",
	  .help = "most columns of a table to remove",
	  .min = COL_MIN, .max = COL_MAX },
	{ .name = NULL }
};

struct rtt {
	int		 lo, hi;	/* k from lo to hi */
	struct dm_buf	 tmp[2];
};

static void rtt_fini(void *);

static int
rtt_init(void **state, const struct dm_args *args, struct dm_buf *err)
{
	struct rtt *r;

	(void)err;
	r = dm_xcalloc(1, sizeof(*r));
	r->lo = (int)dm_arg_int(args, "min_col") - 1;
	r->hi = (int)dm_arg_int(args, "max_col") - 1;
	dm_buf_init(&r->tmp[0]);
	dm_buf_init(&r->tmp[1]);
	*state = r;
	return 0;
}

/* Unicode White_Space, regex's \s. */
static int
white(int32_t c)
{
	if (c < 0x80)
		return (c >= 0x09 && c <= 0x0d) || c == ' ';
	return c == 0x85 || c == 0xa0 || c == 0x1680 ||
	    (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 ||
	    c == 0x202f || c == 0x205f || c == 0x3000;
}

/*
 * Whether the line s[0..n) (its newline not included) is a row of k
 * separators, as described above.
 */
static int
isrow(const char *s, size_t n, int k)
{
	size_t i, len;
	long seps, extra, run;
	int32_t c;
	int l, pipe;

	seps = extra = 0;
	len = 0;		/* characters in the current word */
	run = 0;		/* '|' in a row after its first character */
	for (i = 0; i < n; i += (size_t)l) {
		if ((l = dm_utf8_decode(s + i, n - i, &c)) < 0) {
			l = 1;
			c = 0xfffd;
		}
		if (c == ' ' || c == '\t') {
			if (len == 0)
				return 0;
			/* a '|' ending a word does not separate */
			if (run > 0 && s[i - 1] == '|')
				run--;
			extra += (run + 1) / 2;
			run = 0;
			len = 0;
			seps++;
			continue;
		}
		if (white(c))
			return 0;
		pipe = c == '|';
		if (pipe && len > 0)
			run++;
		else if (!pipe) {
			extra += (run + 1) / 2;
			run = 0;
		}
		len++;
	}
	if (len == 0)
		return 0;
	if (run > 0 && s[n - 1] == '|')
		run--;
	extra += (run + 1) / 2;
	return seps <= k && k <= seps + extra;
}

/*
 * Appends to out the text s[0..n) less every table of k separators;
 * returns 1 when one was removed, 0 when none was (out unchanged).
 */
static int
strip(const char *s, size_t n, int k, struct dm_buf *out)
{
	const char *end = s + n, *p, *q, *nl, *kept;
	int rows, found = 0;

	kept = s;
	p = memchr(s, '\n', n);
	while (p != NULL && ++p < end) {
		/* p starts a line after a newline */
		for (q = p, rows = 0; q < end; rows++) {
			if ((nl = memchr(q, '\n', (size_t)(end - q))) == NULL ||
			    !isrow(q, (size_t)(nl - q), k))
				break;
			for (q = nl; q < end && *q == '\n'; q++)
				;
		}
		if (rows >= 2) {
			dm_buf_add(out, kept, (size_t)(p - kept));
			kept = q;
			found = 1;
			/* q follows a newline: it starts the next line */
			if (q == end)
				break;
			p = q - 1;
			continue;
		}
		p = memchr(p, '\n', (size_t)(end - p));
	}
	if (found)
		dm_buf_add(out, kept, (size_t)(end - kept));
	return found;
}

static int
rtt_text(void *state, const char *in, size_t n, struct dm_buf *out,
    struct dm_buf *err)
{
	struct rtt *r = state;
	const char *cur = in;
	size_t curlen = n;
	int k, t;

	(void)err;
	for (k = r->lo, t = 0; k <= r->hi; k++) {
		dm_buf_reset(&r->tmp[t]);
		if (strip(cur, curlen, k, &r->tmp[t])) {
			cur = r->tmp[t].buf;
			curlen = r->tmp[t].len;
			t ^= 1;
		}
	}
	if (cur == in)
		return 0;
	dm_buf_add(out, cur, curlen);
	return 1;
}

static void
rtt_fini(void *state)
{
	struct rtt *r = state;

	dm_buf_free(&r->tmp[0]);
	dm_buf_free(&r->tmp[1]);
	free(r);
}
const struct dm_opdef dm_op_remove_table_text = {
	.name = "remove-table-text",
	.kind = DM_OP_MAP,
	.summary = "drop runs of two or more lines that look like table rows "
	    "(Data-Juicer remove_table_text_mapper)",
	.params = params,
	.init = rtt_init,
	.text = rtt_text,
	.fini = rtt_fini,
};
