/* remove-header.c - drop a LaTeX text's head [DJ remove_header_mapper] */

#include <string.h>

#include "dm.h"

/*
 * Data-Juicer replaces, under DOTALL, the match of
 *
 *	^(.*?)(\\\bchapter\b\*?(?:\[(.*?)\])?\{(.*?)\}|
 *	       ...part, section, subsection, subsubsection alike...|
 *	       \\\bparagraph\b\*?(?:\[(.*?)\])?\{(.*?)\}
 *	       \\\bsubparagraph\b\*?(?:\[(.*?)\])?\{(.*?)\})
 *
 * by its group 2: the text loses what comes before the first place where a
 * heading starts, and nothing else. The paragraph and subparagraph
 * alternatives have no '|' between them, so a \paragraph counts only with
 * a \subparagraph right after its closing brace. Where nothing matches the
 * text stays (drop_no_head has no effect there: Data-Juicer empties a copy
 * of the text and does not store it).
 *
 * That is done here without a regex, because PCRE2 runs into its match
 * limit where the lazy groups scan far (a long text with \paragraph
 * headings and no \subparagraph), which Python's regex does not have.
 * What each piece of the pattern matches:
 *
 *  - the \b around a name always hold where the rest matches (a backslash
 *    before it; '*', '[' or '{' after it);
 *  - \*? takes a '*' when there is one: without it the next character
 *    would have to be '[' or '{', and it is '*';
 *  - (?:\[(.*?)\])?\{(.*?)\} after '[' matches when a "]{" follows with a
 *    '}' after it, and has to take the bracket (without it '{' would have
 *    to be where '[' is); only the first "]{" counts, since a later one has
 *    fewer '}' after it; after '{' it matches when a '}' follows;
 *  - for the \paragraph alternative the brace of \paragraph closes at the
 *    first '}' that "\subparagraph" and a matching rest follow, searched
 *    from the first "]{" (with a bracket) or from the '{' (without).
 */

/* The answer of a search from some place, which holds for any place from
 * there up to the answer. */
struct found {
	const char	*from, *at;
};

struct header {
	const char	*e;
	const char	*lastclose;	/* the last '}', or NULL */
	struct found	 rb, tailrb;	/* "]{" after a heading, a tail */
	struct found	 para;		/* a '}' that closes a \paragraph */
};

static const struct dm_param params[] = {
	{ .name = NULL }
};

/* The first "]{" at or after p, or NULL. */
static const char *
nextrb(const struct header *h, struct found *f, const char *p)
{
	if (f->from == NULL || f->from > p || (f->at != NULL && f->at < p)) {
		f->from = p;
		f->at = memmem(p, h->e - p, "]{", 2);
	}
	return f->at;
}

/* Whether \*?(?:\[(.*?)\])?\{(.*?)\} matches at p. */
static int
args(const struct header *h, struct found *f, const char *p)
{
	const char *rb;

	if (p < h->e && *p == '*')
		p++;
	if (p >= h->e || h->lastclose == NULL)
		return 0;
	if (*p == '{')
		return h->lastclose > p;
	if (*p != '[' || (rb = nextrb(h, f, p + 1)) == NULL)
		return 0;
	return h->lastclose > rb + 1;
}

/* The first '}' at or after p that "\subparagraph" and a matching rest
 * follow, or NULL. */
static const char *
paraclose(struct header *h, const char *p)
{
	static const char sub[] = "}\\subparagraph";
	struct found *f = &h->para;
	const char *q;

	if (f->from != NULL && f->from <= p && (f->at == NULL || f->at >= p))
		return f->at;
	for (q = p; (q = memmem(q, h->e - q, sub, sizeof sub - 1)) != NULL;
	    q++)
		if (args(h, &h->tailrb, q + sizeof sub - 1))
			break;
	f->from = p;
	f->at = q;
	return q;
}

/* Whether one of the alternatives matches at p, a backslash. */
static int
heading(struct header *h, const char *p)
{
	static const char *const names[] = { "chapter", "part", "section",
		"subsection", "subsubsection" };
	const char *q, *rb;
	size_t i, len, rest = h->e - p - 1;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		len = strlen(names[i]);
		if (rest >= len && memcmp(p + 1, names[i], len) == 0 &&
		    args(h, &h->rb, p + 1 + len))
			return 1;
	}
	if (rest < 9 || memcmp(p + 1, "paragraph", 9) != 0)
		return 0;
	q = p + 10;
	if (q < h->e && *q == '*')
		q++;
	if (q >= h->e)
		return 0;
	if (*q == '{')
		return paraclose(h, q + 1) != NULL;
	/* the brace opens at the first "]{" */
	if (*q != '[' || (rb = nextrb(h, &h->rb, q + 1)) == NULL)
		return 0;
	return paraclose(h, rb + 2) != NULL;
}

static int
header_text(void *state, const char *in, size_t n, struct dm_buf *out,
    struct dm_buf *err)
{
	struct header h;
	const char *p;

	(void)state;
	(void)err;
	memset(&h, 0, sizeof h);
	h.e = in + n;
	for (p = h.e; p > in && p[-1] != '}'; p--)
		;
	h.lastclose = p > in ? p - 1 : NULL;
	for (p = in; (p = memchr(p, '\\', h.e - p)) != NULL; p++)
		if (heading(&h, p))
			break;
	if (p == NULL || p == in)
		return 0;
	dm_buf_add(out, p, h.e - p);
	return 1;
}

const struct dm_opdef dm_op_remove_header = {
	.name = "remove-header",
	.kind = DM_OP_MAP,
	.summary = "drop what comes before the first LaTeX heading",
	.params = params,
	.text = header_text,
};
