/* sensitive-words.c - sensitive-words: few characters of listed words [DM] */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dm.h"
#include "opfilter.h"
#include "quality.h"

/*
 * DataMate's FileWithManySensitiveWordsFilter. Its words (one a line of
 * its violent, sexual and political lists, all three empty in DataMate's
 * tree: here the file list=) go into a trie with Aho-Corasick failure
 * links. The text is walked character by character, skipping its special
 * symbols; a run of matched characters ends at a trie node that ends a
 * word, where the run's length is counted and starts again from zero. The
 * run is zeroed only when the walk falls back to the root, not on every
 * failure link, and only the node reached is tested for a word end (no
 * output links): both as DataMate does, so that the count is its count.
 * The count over the characters of the text that are neither symbols nor
 * \n, \t, \r must stay below max; a text of symbols only passes.
 */

/* The one-character lines of DataMate's resources/special_symbols.txt
 * (its "——" and "……" lines never equal one character). */
static const char symbols[] = "! .,#$%&*()|?/@\"';[]{}+~-_=^<>:"
    "！。，￥（）？、“‘；【】…《》：";

static const struct dm_param params[] = {
	{ .name = "list", .type = DM_P_STR, .def = "",
	  .help = "the file of words, one a line (default: none)" },
	{ .name = "max", .type = DM_P_FLOAT, .def = "0.01",
	  .help = "the share of word characters that drops the text",
	  .min = 0, .max = HUGE_VAL },
	{ .name = NULL }
};

struct edge {
	uint64_t	 key;		/* node << 32 | code point, 0: free */
	uint32_t	 to;
};

struct sensitive {
	double		 max;
	uint32_t	*fail;		/* per node; the root is 0 */
	uint32_t	*sib, *kid;	/* first child, next sibling: for BFS */
	int32_t		*cp;		/* the character into each node */
	unsigned char	*word;		/* whether a word ends there */
	uint32_t	 nnode, cap;
	struct edge	*edge;		/* open addressing, a power of two */
	size_t		 nedge, ecap;
	int32_t		 sym[64];
	size_t		 nsym;
};

static uint64_t
mix(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	return k;
}

/* The child of node by c, 0 when there is none (the root is no child). */
static uint32_t
child(const struct sensitive *t, uint32_t node, int32_t c)
{
	uint64_t key = (uint64_t)(node + 1) << 32 | (uint32_t)c;
	size_t i = mix(key) & (t->ecap - 1);

	while (t->edge[i].key != 0) {
		if (t->edge[i].key == key)
			return t->edge[i].to;
		i = (i + 1) & (t->ecap - 1);
	}
	return 0;
}

static void
putedge(struct sensitive *t, uint64_t key, uint32_t to)
{
	size_t i = mix(key) & (t->ecap - 1);

	while (t->edge[i].key != 0)
		i = (i + 1) & (t->ecap - 1);
	t->edge[i].key = key;
	t->edge[i].to = to;
}

static uint32_t
addchild(struct sensitive *t, uint32_t node, int32_t c)
{
	uint32_t n = child(t, node, c);
	size_t i;

	if (n != 0)
		return n;
	if (t->nnode == t->cap) {
		t->cap *= 2;
		t->fail = dm_xreallocarray(t->fail, t->cap, sizeof *t->fail);
		t->sib = dm_xreallocarray(t->sib, t->cap, sizeof *t->sib);
		t->kid = dm_xreallocarray(t->kid, t->cap, sizeof *t->kid);
		t->cp = dm_xreallocarray(t->cp, t->cap, sizeof *t->cp);
		t->word = dm_xreallocarray(t->word, t->cap, 1);
	}
	if ((t->nedge + 1) * 2 > t->ecap) {
		struct edge *old = t->edge;
		size_t ocap = t->ecap;

		t->ecap *= 2;
		t->edge = dm_xcalloc(t->ecap, sizeof *t->edge);
		for (i = 0; i < ocap; i++)
			if (old[i].key != 0)
				putedge(t, old[i].key, old[i].to);
		free(old);
	}
	n = t->nnode++;
	t->fail[n] = 0;
	t->kid[n] = 0;
	t->word[n] = 0;
	t->cp[n] = c;
	t->sib[n] = t->kid[node];
	t->kid[node] = n;
	putedge(t, (uint64_t)(node + 1) << 32 | (uint32_t)c, n);
	t->nedge++;
	return n;
}

static int
loadwords(struct sensitive *t, const char *path, struct dm_buf *err)
{
	struct dm_q_span l;
	size_t n, pos = 0, i;
	uint32_t node;
	int32_t c = 0;
	char *words;
	int len;

	if (dm_listfile_read(path, &words, &n, err) < 0)
		return -1;
	while (dm_q_line(words, n, &pos, &l)) {
		node = 0;
		for (i = l.b; i < l.e; i += (size_t)len) {
			len = dm_utf8_decode(words + i, l.e - i, &c);
			node = addchild(t, node, c);
		}
		if (node != 0)
			t->word[node] = 1;
	}
	free(words);
	return 0;
}

/* Failure links in breadth-first order, as add_fail_pointer sets them. */
static void
links(struct sensitive *t)
{
	uint32_t *queue, head = 0, tail = 0, n, k, f;

	queue = dm_xreallocarray(NULL, t->nnode, sizeof *queue);
	for (k = t->kid[0]; k != 0; k = t->sib[k]) {
		t->fail[k] = 0;
		queue[tail++] = k;
	}
	while (head < tail) {
		n = queue[head++];
		for (k = t->kid[n]; k != 0; k = t->sib[k]) {
			queue[tail++] = k;
			for (f = t->fail[n];; f = t->fail[f]) {
				uint32_t to = child(t, f, t->cp[k]);

				if (to != 0) {
					t->fail[k] = to;
					break;
				}
				if (f == 0) {
					t->fail[k] = 0;
					break;
				}
			}
		}
	}
	free(queue);
}

static void
sw_fini(void *state)
{
	struct sensitive *t = state;

	if (t == NULL)
		return;
	free(t->fail);
	free(t->sib);
	free(t->kid);
	free(t->cp);
	free(t->word);
	free(t->edge);
	free(t);
}

static int
sw_init(void **state, const struct dm_args *args, struct dm_buf *err)
{
	struct sensitive *t;
	const char *path = dm_arg_str(args, "list");
	size_t i;
	int len;

	t = dm_xcalloc(1, sizeof *t);
	t->max = dm_arg_float(args, "max");
	t->cap = 64;
	t->fail = dm_xreallocarray(NULL, t->cap, sizeof *t->fail);
	t->sib = dm_xreallocarray(NULL, t->cap, sizeof *t->sib);
	t->kid = dm_xreallocarray(NULL, t->cap, sizeof *t->kid);
	t->cp = dm_xreallocarray(NULL, t->cap, sizeof *t->cp);
	t->word = dm_xreallocarray(NULL, t->cap, 1);
	t->ecap = 64;
	t->edge = dm_xcalloc(t->ecap, sizeof *t->edge);
	t->nnode = 1;
	t->fail[0] = t->kid[0] = t->sib[0] = 0;
	t->word[0] = 0;
	t->cp[0] = -1;
	for (i = 0; symbols[i] != '\0'; i += (size_t)len)
		len = dm_utf8_decode(symbols + i, strlen(symbols + i),
		    &t->sym[t->nsym++]);
	if (*path != '\0' && loadwords(t, path, err) < 0) {
		sw_fini(t);
		return -1;
	}
	links(t);
	*state = t;
	return 0;
}

static int
issym(const struct sensitive *t, int32_t c)
{
	size_t i;

	for (i = 0; i < t->nsym; i++)
		if (t->sym[i] == c)
			return 1;
	return 0;
}

static int
sw_filter(void *state, struct dm_sample *smp, const char *s, size_t n,
    struct dm_textstats *ts, struct dm_buf *err)
{
	const struct sensitive *t = state;
	size_t i, total = 0, count = 0, run = 0;
	uint32_t node = 0, to;
	int32_t c;
	int len;

	(void)smp;
	(void)ts;
	for (i = 0; i < n; i += (size_t)len) {
		if ((len = dm_utf8_decode(s + i, n - i, &c)) < 1) {
			len = 1;
			c = 0xFFFD;
		}
		if (issym(t, c))
			continue;
		if (c != '\n' && c != '\t' && c != '\r')
			total++;
		for (;;) {
			if ((to = child(t, node, c)) != 0)
				break;
			if (node == 0) {
				run = 0;
				break;
			}
			if (t->fail[node] == 0)
				run = 0;
			node = t->fail[node];
		}
		if (to == 0)
			continue;
		node = to;
		run++;
		if (t->word[node]) {
			count += run;
			run = 0;
		}
	}
	if (total == 0)
		return 1;
	return dm_rate_below((double)count / (double)total, t->max,
	    "sensitive_word_rate", err);
}

const struct dm_opdef dm_op_sensitive_words = {
	.name = "sensitive-words",
	.kind = DM_OP_FILTER,
	.summary = "characters of listed words under max of the text "
	    "(DataMate FileWithManySensitiveWordsFilter)",
	.params = params,
	.init = sw_init,
	.filter = sw_filter,
	.fini = sw_fini,
};
