/* suggest.c - "did you mean": the closest name by edit distance */
#include <stdlib.h>
#include <string.h>

#include "dm.h"

/*
 * Damerau-Levenshtein distance in its optimal string alignment form: an
 * insertion, deletion, substitution or swap of two adjacent bytes costs one.
 * A swap is the commonest typo ("lwoer"), so it must not cost two. Three
 * rows of the matrix are enough; they live in row[0..3*(m+1)).
 */
static size_t
distance(const char *a, size_t n, const char *b, size_t m, size_t *row)
{
	size_t *pp = row, *p = row + (m + 1), *c = row + 2 * (m + 1), *t;
	size_t i, j, v;

	for (j = 0; j <= m; j++)
		p[j] = j;
	for (i = 1; i <= n; i++) {
		c[0] = i;
		for (j = 1; j <= m; j++) {
			v = p[j - 1] + (a[i - 1] != b[j - 1]);
			if (p[j] + 1 < v)
				v = p[j] + 1;
			if (c[j - 1] + 1 < v)
				v = c[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && pp[j - 2] + 1 < v)
				v = pp[j - 2] + 1;
			c[j] = v;
		}
		t = pp;
		pp = p;
		p = c;
		c = t;
	}
	return p[m];
}

const char *
dm_suggest(const char *s, const char *const *names, size_t n)
{
	const char *best = NULL;
	size_t len = strlen(s), limit, bestd, d, m, k, cap = 0;
	size_t *row = NULL;

	/* A third of the word may be wrong; a short word may have one typo. */
	limit = len / 3 > 1 ? len / 3 : 1;
	bestd = limit + 1;
	for (k = 0; k < n; k++) {
		if (names[k] == NULL)
			continue;
		m = strlen(names[k]);
		/* The lengths alone bound the distance from below. */
		if ((m > len ? m - len : len - m) >= bestd)
			continue;
		if (3 * (m + 1) > cap) {
			cap = 3 * (m + 1);
			row = dm_xreallocarray(row, cap, sizeof *row);
		}
		d = distance(s, len, names[k], m, row);
		/* Ties go to the first name: the lists are sorted. */
		if (d < bestd) {
			bestd = d;
			best = names[k];
		}
	}
	free(row);
	return best;
}
