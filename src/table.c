/* table.c - columns of text for the terminal */
#include <stdio.h>
#include <string.h>

#include <utf8proc.h>

#include "dm.h"
#include "table.h"

/* The columns s takes on a terminal: East Asian wide characters take
 * two, combining marks none (utf8proc's widths). */
static long
width(const char *s)
{
	size_t i = 0, n = strlen(s);
	long w = 0;
	int32_t cp;
	int k;

	while (i < n) {
		if ((k = dm_utf8_decode(s + i, n - i, &cp)) <= 0) {
			w++;
			i++;
			continue;
		}
		w += utf8proc_charwidth(cp);
		i += (size_t)k;
	}
	return w;
}

static void
blanks(struct dm_buf *b, long n)
{
	while (n-- > 0)
		dm_buf_addc(b, ' ');
}

void
dm_table_row(struct dm_buf *b, const struct dm_col *col, size_t ncol,
    const char *const *cell)
{
	long at = 0, len, pad;
	size_t i;

	for (i = 0; i < ncol; i++) {
		blanks(b, col[i].sep);
		at += col[i].sep;
		len = width(cell[i]);
		pad = col[i].width - len;
		if (!(col[i].flags & DM_COL_LEFT))
			blanks(b, pad);
		dm_buf_adds(b, cell[i]);
		if (col[i].flags & DM_COL_LEFT) {
			if (pad <= 0 && (col[i].flags & DM_COL_WRAP)) {
				dm_buf_addc(b, '\n');
				pad = at + col[i].width;
			} else if (pad < 1 && (col[i].flags & DM_COL_GAP))
				pad = 1;
			blanks(b, pad);
		}
		at += col[i].width;
	}
}

/* 9999 samples of 10000 read as all of them at 100.0%, and 1 as none at
 * 0.0%: a field missing from some, a stage that dropped some, looked
 * whole. They are >99.9% and <0.1%. */
void
dm_table_pct(char *b, size_t n, double share)
{
	snprintf(b, n, "%.1f%%", 100 * share);
	if (share < 1 && strcmp(b, "100.0%") == 0)
		snprintf(b, n, ">99.9%%");
	else if (share > 0 && strcmp(b, "0.0%") == 0)
		snprintf(b, n, "<0.1%%");
}
