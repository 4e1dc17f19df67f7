/* unionfind.c - union-find over sample numbers, in a hash table */
#include <stdlib.h>
#include <string.h>

#include "dedup.h"

/*
 * 16 bytes a sample: a root keeps the size of its set where the others
 * keep their parent, marked by the top bit (sample numbers are below
 * 2^63), so that the table of the samples of large clusters stays within
 * what dm-dedup.1 says of it.
 */
struct dm_ufnode {
	uint64_t	 key;		/* sample number + 1; 0: empty */
	uint64_t	 up;		/* the parent, or ROOT | the set's size */
};

#define ROOT	(1ULL << 63)

void
dm_uf_init(struct dm_uf *u, enum dm_uf_rule rule)
{
	memset(u, 0, sizeof *u);
	u->rule = rule;
}

static uint64_t
mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return x;
}

static struct dm_ufnode *
lookup(struct dm_uf *u, uint64_t x, int add)
{
	struct dm_ufnode *old, *v;
	size_t i, j, oldcap;

	if (add && (u->n + 1) * 4 > u->cap * 3) {
		old = u->v;
		oldcap = u->cap;
		u->cap = u->cap ? u->cap * 2 : 1024;
		u->v = dm_xcalloc(u->cap, sizeof *u->v);
		for (j = 0; j < oldcap; j++) {
			if (old[j].key == 0)
				continue;
			for (i = mix(old[j].key) & (u->cap - 1); u->v[i].key;
			    i = (i + 1) & (u->cap - 1))
				;
			u->v[i] = old[j];
		}
		free(old);
	}
	if (u->cap == 0)
		return NULL;
	for (i = mix(x + 1) & (u->cap - 1); (v = &u->v[i])->key;
	    i = (i + 1) & (u->cap - 1))
		if (v->key == x + 1)
			return v;
	if (!add)
		return NULL;
	v->key = x + 1;
	v->up = ROOT | 1;
	u->n++;
	return v;
}

uint64_t
dm_uf_find(struct dm_uf *u, uint64_t x)
{
	struct dm_ufnode *v;
	uint64_t r = x, next;

	while ((v = lookup(u, r, 0)) != NULL && !(v->up & ROOT))
		r = v->up;
	/* path compression: the samples on the way are not roots */
	while (x != r && (v = lookup(u, x, 0)) != NULL) {
		next = v->up;
		v->up = r;
		x = next;
	}
	return r;
}

void
dm_uf_union(struct dm_uf *u, uint64_t x, uint64_t y)
{
	struct dm_ufnode *vx, *vy;
	uint64_t rx, ry, t, sx, sy;

	lookup(u, x, 1);
	lookup(u, y, 1);
	rx = dm_uf_find(u, x);
	ry = dm_uf_find(u, y);
	if (rx == ry)
		return;
	vx = lookup(u, rx, 0);
	vy = lookup(u, ry, 0);
	sx = vx->up & ~ROOT;
	sy = vy->up & ~ROOT;
	if (u->rule == DM_UF_MIN) {
		/* Data-Juicer: parent[px] = parent[py] = min(px, py) */
		if (ry < rx) {
			vx->up = ry;
			vy->up = ROOT | (sx + sy);
		} else {
			vy->up = rx;
			vx->up = ROOT | (sx + sy);
		}
		return;
	}
	/* datatrove: the smaller set joins the larger; on a tie, x's */
	if (sx < sy) {
		t = rx;
		rx = ry;
		ry = t;
		vx = lookup(u, rx, 0);
		vy = lookup(u, ry, 0);
	}
	vy->up = rx;
	vx->up = ROOT | (sx + sy);
}

static int
cmppair(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;

	return x[0] < y[0] ? -1 : x[0] > y[0];
}

size_t
dm_uf_dups(struct dm_uf *u, uint64_t **pairs)
{
	uint64_t *p, x, r;
	size_t i, n = 0;

	/* room for every stored sample at once: 16 bytes each, where
	 * doubling would take up to twice that while it copies */
	p = dm_xreallocarray(NULL, u->n ? u->n : 1, 2 * sizeof *p);
	for (i = 0; i < u->cap; i++) {
		if (u->v[i].key == 0)
			continue;
		x = u->v[i].key - 1;
		if ((r = dm_uf_find(u, x)) == x)
			continue;
		p[2 * n] = x;
		p[2 * n + 1] = r;
		n++;
	}
	if (n)
		qsort(p, n, 2 * sizeof *p, cmppair);
	*pairs = p;
	return n;
}

void
dm_uf_free(struct dm_uf *u)
{
	free(u->v);
	memset(u, 0, sizeof *u);
}
