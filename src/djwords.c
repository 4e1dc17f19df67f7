/* djwords.c - Data-Juicer's words of a text by line, tab and space */
#include <string.h>

#include "dm.h"

/*
 * Data-Juicer's split_on_newline_tab_whitespace, a filter of its words,
 * and merge_on_whitespace_tab_newline: the text is split on '\n' into
 * lines, each line on '\t' into parts, each part on ' ' into words (empty
 * ones dropped); the words keep() keeps are joined back by ' ', the
 * non-empty parts by '\t', the non-empty lines by '\n'. Like Data-Juicer,
 * this collapses runs of separators and drops blank lines even when no
 * word goes. Returns 1 with the text appended to out, or 0 with out as it
 * was when the text comes out the same.
 */
int
dm_dj_keep_words(const char *in, size_t n, struct dm_buf *out,
    int (*keep)(void *, const char *, size_t), void *arg)
{
	size_t base = out->len, i, w;
	int line_out, part_out, word_out;

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
				if (!keep(arg, in + w, i - w))
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
