/* chain.c - the chain: operators built, run over a sample, freed */
#include <stdlib.h>
#include <string.h>

#include "dm.h"
#include "chain.h"

struct dm_chain *
dm_chain_new(void)
{
	struct dm_chain *c = dm_xcalloc(1, sizeof *c);

	dm_buf_init(&c->tb[0]);
	dm_buf_init(&c->tb[1]);
	return c;
}

/* The value init blamed for its error (dm_args_blame): init runs once
 * at a time, from dm_chain_init. */
static struct {
	const struct dm_args *a;
	int		 extra, key;
	size_t		 i, off;
} blamed;

static void
free_link(struct dm_link *l)
{
	size_t i;

	if (l->inited && l->def->fini)
		l->def->fini(l->state);
	for (i = 0; l->vspan && i < l->args.n; i++)
		free(l->vspan[i].map);
	for (i = 0; l->xval && i < l->args.nextra; i++)
		free(l->xval[i].map);
	free(l->vspan);
	free(l->xval);
	free(l->xkey);
	dm_args_free(&l->args);
	free(l->origin);
	free(l);
}

void
dm_args_blame(const struct dm_args *a, const char *name, size_t off)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		if (strcmp(a->v[i].p->name, name) == 0) {
			blamed.a = a;
			blamed.extra = 0;
			blamed.i = i;
			blamed.off = off;
		}
}

void
dm_args_blame_extra(const struct dm_args *a, size_t i, int key, size_t off)
{
	blamed.a = a;
	blamed.extra = 1;
	blamed.key = key;
	blamed.i = i;
	blamed.off = off;
}

int
dm_link_report(const struct dm_link *l, const char *msg)
{
	const struct dm_span *sp;
	size_t at;

	if (blamed.a != &l->args || l->src == NULL)
		return -1;
	if (blamed.extra && blamed.key) {
		if (l->xkey == NULL || blamed.i >= l->args.nextra)
			return -1;
		at = l->xkey[blamed.i] + blamed.off;
	} else {
		if (blamed.extra)
			sp = l->xval && blamed.i < l->args.nextra ?
			    &l->xval[blamed.i] : NULL;
		else
			sp = l->vspan && blamed.i < l->args.n ?
			    &l->vspan[blamed.i] : NULL;
		if (sp == NULL)
			return -1;
		if (sp->map == NULL)
			at = l->namepos;	/* a default */
		else
			at = sp->map[blamed.off < sp->n ? blamed.off : sp->n];
	}
	dm_script_report(l, at, msg);
	return 0;
}

struct dm_link *
dm_chain_add(struct dm_chain *c)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 8;
		c->v = dm_xreallocarray(c->v, c->cap, sizeof *c->v);
	}
	return c->v[c->n++] = dm_xcalloc(1, sizeof **c->v);
}

void
dm_chain_cut(struct dm_chain *c, size_t n)
{
	while (c->n > n)
		free_link(c->v[--c->n]);
}

static void name_error(struct dm_buf *, const char *);

int
dm_chain_init(struct dm_chain *c)
{
	struct dm_buf err = DM_BUF_INIT;
	struct dm_link *l;
	size_t i;

	for (i = 0; i < c->n; i++) {
		l = c->v[i];
		if (l->inited)
			continue;
		if (l->def->init) {
			dm_buf_reset(&err);
			memset(&blamed, 0, sizeof blamed);
			if (l->def->init(&l->state, &l->args, &err) < 0) {
				/* an empty message: the operator reported;
				 * one about a value: at the value */
				if (err.len)
					name_error(&err, l->def->name);
				if (err.len && dm_link_report(l, err.buf) < 0)
					dm_warn("%s:%lu:%zu: %s", l->origin,
					    l->line, l->col, err.buf);
				dm_buf_free(&err);
				return -1;
			}
		}
		l->inited = 1;
	}
	dm_buf_free(&err);
	return 0;
}

/* Puts "OP: " in front of an operator's message, unless it names the
 * operator already (set's "set v:1:3: float() of an array"). */
static void
name_error(struct dm_buf *err, const char *op)
{
	size_t k = strlen(op) + 2, n = err->len;

	if (n == 0) {
		dm_buf_addf(err, "%s: failed", op);
		return;
	}
	if (n > k - 2 && strncmp(err->buf, op, k - 2) == 0 &&
	    (err->buf[k - 2] == ' ' || err->buf[k - 2] == ':'))
		return;
	dm_buf_grow(err, k);
	memmove(err->buf + k, err->buf, n + 1);
	memcpy(err->buf, op, k - 2);
	memcpy(err->buf + k - 2, ": ", 2);
	err->len = n + k;
}

int
dm_chain_run(struct dm_chain *c, struct dm_sample *s, const char *key,
    struct dm_buf *err)
{
	const struct dm_opdef *d;
	struct dm_buf *out;
	const char *text = NULL;
	size_t i, n = 0;
	int have = 0, changed = 0, which = 0, r;

	dm_buf_reset(err);
	for (i = 0; i < c->n; i++) {
		d = c->v[i]->def;
		if (d->text) {
			if (!have) {
				if (dm_sample_text(s, key, &text, &n, err) < 0)
					return -1;
				have = 1;
			}
			/* The output buffer is never the one text is in. */
			out = &c->tb[which];
			dm_buf_reset(out);
			r = d->text(c->v[i]->state, text, n, out, err);
			if (r < 0) {
				name_error(err, d->name);
				return -1;
			}
			if (r > 0) {
				text = out->buf;
				n = out->len;
				which ^= 1;
				changed = 1;
			}
			continue;
		}
		if (changed) {
			if (dm_sample_set_text(s, key, text, n, err) < 0)
				return -1;
			changed = 0;
		}
		/* The sample operator may change the text: read it again. */
		have = 0;
		if (d->sample(c->v[i]->state, s, key, err) < 0) {
			name_error(err, d->name);
			return -1;
		}
	}
	if (changed && dm_sample_set_text(s, key, text, n, err) < 0)
		return -1;
	return 0;
}

void
dm_chain_free(struct dm_chain *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->n; i++)
		free_link(c->v[i]);
	for (i = 0; i < c->nsrcs; i++)
		free(c->srcs[i]);
	free(c->srcs);
	free(c->v);
	dm_buf_free(&c->tb[0]);
	dm_buf_free(&c->tb[1]);
	free(c);
}
