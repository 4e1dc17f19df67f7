/* recipe-yaml.c - load a YAML file (libyaml) into a tree that knows its lines */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "recipe.h"

/* Aliases may nest and repeat: a recipe of a few hundred lines never goes
 * deeper nor has more nodes, a billion laughs would. */
#define MAXDEPTH	64
#define MAXNODES	1000000

static size_t nodes;

/* FNV-1a, for the keys of a mapping. */
static size_t
hash(const char *s)
{
	size_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static struct dm_ynode *
convert(yaml_document_t *doc, yaml_node_t *yn, int depth)
{
	struct dm_ynode *n, *k, *v;
	yaml_node_item_t *it;
	yaml_node_pair_t *pr;
	size_t i, h, npair, nslot, *slot;

	n = dm_xcalloc(1, sizeof *n);
	n->line = yn->start_mark.line + 1;
	n->col = yn->start_mark.column + 1;
	if (depth > MAXDEPTH || ++nodes > MAXNODES) {
		n->kind = DM_Y_SCALAR;
		n->val = dm_xstrdup("");
		return n;
	}
	switch (yn->type) {
	case YAML_SCALAR_NODE:
		n->kind = DM_Y_SCALAR;
		n->val = dm_xstrndup((const char *)yn->data.scalar.value,
		    yn->data.scalar.length);
		n->plain = yn->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
		break;
	case YAML_SEQUENCE_NODE:
		n->kind = DM_Y_SEQ;
		n->n = (size_t)(yn->data.sequence.items.top -
		    yn->data.sequence.items.start);
		n->kid = dm_xcalloc(n->n + 1, sizeof *n->kid);
		for (i = 0, it = yn->data.sequence.items.start;
		    it < yn->data.sequence.items.top; it++, i++)
			n->kid[i] = convert(doc,
			    yaml_document_get_node(doc, *it), depth + 1);
		break;
	case YAML_MAPPING_NODE:
		n->kind = DM_Y_MAP;
		npair = (size_t)(yn->data.mapping.pairs.top -
		    yn->data.mapping.pairs.start);
		n->kid = dm_xcalloc(2 * npair + 1, sizeof *n->kid);
		/* the index + 1 of each scalar key's pair, by its hash */
		for (nslot = 8; nslot < 2 * npair; nslot *= 2)
			;
		slot = dm_xcalloc(nslot, sizeof *slot);
		for (pr = yn->data.mapping.pairs.start;
		    pr < yn->data.mapping.pairs.top; pr++) {
			k = convert(doc, yaml_document_get_node(doc, pr->key),
			    depth + 1);
			v = convert(doc, yaml_document_get_node(doc,
			    pr->value), depth + 1);
			i = n->n;
			if (k->kind == DM_Y_SCALAR) {
				for (h = hash(k->val) & (nslot - 1); slot[h];
				    h = (h + 1) & (nslot - 1))
					if (strcmp(n->kid[slot[h] - 1]->val,
					    k->val) == 0)
						break;
				if (slot[h])
					i = slot[h] - 1;
				else
					slot[h] = n->n + 1;
			}
			/* A key given twice: PyYAML, which Data-Juicer and
			 * DataMate load recipes with, keeps the place of the
			 * first and the value of the last. */
			if (i < n->n) {
				dm_yaml_free(n->kid[i]);
				dm_yaml_free(n->kid[i + 1]);
			} else
				n->n += 2;
			n->kid[i] = k;
			n->kid[i + 1] = v;
		}
		free(slot);
		break;
	default:
		n->kind = DM_Y_SCALAR;
		n->val = dm_xstrdup("");
		break;
	}
	return n;
}

struct dm_ynode *
dm_yaml_load(const char *path, struct dm_buf *err)
{
	yaml_parser_t p;
	yaml_document_t doc;
	yaml_node_t *root;
	struct dm_ynode *n;
	FILE *f;

	if ((f = fopen(path, "rb")) == NULL) {
		dm_buf_addf(err, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (!yaml_parser_initialize(&p))
		dm_die("out of memory");
	yaml_parser_set_input_file(&p, f);
	if (!yaml_parser_load(&p, &doc)) {
		dm_buf_addf(err, "%s:%lu:%lu: %s", path,
		    (unsigned long)p.problem_mark.line + 1,
		    (unsigned long)p.problem_mark.column + 1,
		    p.problem ? p.problem : "invalid YAML");
		if (p.context)
			dm_buf_addf(err, " (%s)", p.context);
		yaml_parser_delete(&p);
		fclose(f);
		return NULL;
	}
	if ((root = yaml_document_get_root_node(&doc)) == NULL) {
		n = dm_xcalloc(1, sizeof *n);
		n->kind = DM_Y_MAP;
		n->line = n->col = 1;
		n->kid = dm_xcalloc(1, sizeof *n->kid);
	} else {
		nodes = 0;
		n = convert(&doc, root, 0);
	}
	if (nodes > MAXNODES) {
		dm_buf_addf(err, "%s: more than %d YAML nodes", path,
		    MAXNODES);
		dm_yaml_free(n);
		n = NULL;
	}
	yaml_document_delete(&doc);
	yaml_parser_delete(&p);
	if (n == NULL) {
		fclose(f);
		return NULL;
	}
	if (ferror(f)) {
		dm_buf_addf(err, "%s: read error", path);
		fclose(f);
		dm_yaml_free(n);
		return NULL;
	}
	fclose(f);
	return n;
}

struct dm_ynode *
dm_yaml_get(const struct dm_ynode *m, const char *key)
{
	size_t i;

	if (m == NULL || m->kind != DM_Y_MAP)
		return NULL;
	for (i = 0; i + 1 < m->n; i += 2)
		if (m->kid[i]->kind == DM_Y_SCALAR &&
		    strcmp(m->kid[i]->val, key) == 0)
			return m->kid[i + 1];
	return NULL;
}

void
dm_yaml_free(struct dm_ynode *n)
{
	size_t i;

	if (n == NULL)
		return;
	for (i = 0; i < n->n; i++)
		dm_yaml_free(n->kid[i]);
	free(n->kid);
	free(n->val);
	free(n);
}
