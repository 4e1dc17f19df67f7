/* table.h - columns of text for the terminal (dm-stats' summary and funnel) */
#ifndef DM_TABLE_H
#define DM_TABLE_H

#include "dm.h"

/*
 * A column of a table: sep blanks before it, then its cell padded with
 * blanks to width columns of a terminal (a wide character takes two),
 * the text to the right unless DM_COL_LEFT. A cell wider than its
 * column is written whole; after a left-aligned one, DM_COL_WRAP ends
 * the line (when the cell is as wide as the column or wider) and the
 * row goes on under it, at the column's end; DM_COL_GAP keeps one
 * blank after it.
 * A last column of width 0 is free text.
 */
#define DM_COL_LEFT	0x1
#define DM_COL_WRAP	0x2
#define DM_COL_GAP	0x4

struct dm_col {
	int	 width;
	int	 flags;
	int	 sep;
};

/* Appends the cells of one row, a cell a column, without the newline
 * (the caller may add free text after the last column). */
void	 dm_table_row(struct dm_buf *, const struct dm_col *, size_t ncol,
	    const char *const *cells);

/* A share in [0, 1] as a percentage of one decimal ("66.7%"); a share
 * short of all, or above none, is never written as 100.0% or 0.0%. */
void	 dm_table_pct(char *, size_t, double share);

#endif /* DM_TABLE_H */
