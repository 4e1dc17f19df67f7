/* expand-macros.c - expand LaTeX macros [DJ expand_macro_mapper] */

#include <stdlib.h>
#include <string.h>

#include "dm.h"

/*
 * Data-Juicer's rule, from RedPajama's arXiv cleaner:
 *
 *  1. The macros of a text are, in this order, its \newcommand{\NAME}{VALUE}
 *     and \newcommand*{\NAME}{VALUE}, then its \def\NAME{VALUE} (white
 *     space, newlines too, around the NAME of a \def), each kind found left
 *     to right: NAME is ASCII letters and digits, VALUE the shortest text of
 *     one line that a '}' ending a line follows. A name found again keeps
 *     its first place and takes the last value (a Python dict).
 *  2. For each macro in that order, on the text the macros before it left,
 *     every \NAME followed by a character that is not an ASCII letter or
 *     digit becomes VALUE, the character kept. The search goes on after
 *     that character, so that in "\x\x " only the first \x is expanded, and
 *     a \NAME that ends the text stays.
 *
 * Data-Juicer passes NAME and VALUE through Python's unicode-escape codec
 * and then to the regex module's re.sub, as the pattern and the template.
 * NAME is a backslash and ASCII letters and digits, which that codec makes
 * a pattern matching NAME literally. The codec keeps the printable ASCII
 * characters of VALUE but the backslash, and writes each other one as an
 * escape (\\, \t, \r, \xHH, \uHHHH, \UHHHHHHHH) that the template reads
 * back as that character (checked over every code point but the
 * surrogates with regex 2.5.123), so VALUE goes in as it is written,
 * non-ASCII text and backslashes included, and no template can be refused.
 */

/* The \b of Data-Juicer's pattern, on each side of "newcommand", always
 * holds where the rest matches (a backslash before, '*' or '{' after). */
#define NEWCOMMAND	"\\\\newcommand\\*?\\{(\\\\[a-zA-Z0-9]+?)\\}\\{(.*?)\\}$"
/* \s of regex is DM_PY_S, not PCRE2's */
#define DEF	"\\\\def[" DM_PY_S "]*(\\\\[a-zA-Z0-9]+?)[" DM_PY_S "]*" \
	"\\{(.*?)\\}$"

struct macro {
	const char	*name;		/* from its backslash */
	size_t		 namelen;
	const char	*val;
	size_t		 vallen;
	size_t		 slot;		/* its place in expand's slot */
};

struct expand {
	struct dm_re	*newcommand, *def;
	struct macro	*m;
	size_t		 n, cap;
	size_t		*slot;		/* 1 + index in m by name; 0: free */
	size_t		 nslot;		/* a power of two above 2 * cap */
	struct dm_buf	 tmp[2];
};

static const struct dm_param params[] = {
	{ .name = NULL }
};

static void
expand_fini(void *state)
{
	struct expand *x = state;

	if (x == NULL)
		return;
	dm_re_free(x->newcommand);
	dm_re_free(x->def);
	free(x->m);
	free(x->slot);
	dm_buf_free(&x->tmp[0]);
	dm_buf_free(&x->tmp[1]);
	free(x);
}

static int
expand_init(void **state, const struct dm_args *args, struct dm_buf *err)
{
	struct expand *x;

	(void)args;
	x = dm_xcalloc(1, sizeof(*x));
	/* MULTILINE and not DOTALL, as Data-Juicer compiles them */
	if ((x->newcommand = dm_re_new(NEWCOMMAND, "m", err, NULL)) == NULL ||
	    (x->def = dm_re_new(DEF, "m", err, NULL)) == NULL) {
		expand_fini(x);
		return -1;
	}
	*state = x;
	return 0;
}

static int
isalnumascii(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

/* The slot of name in x->slot: the one holding it, or the free one where
 * it goes. */
static size_t *
findslot(struct expand *x, const char *name, size_t namelen)
{
	size_t j, *sl;

	for (j = dm_hash64(name, namelen) & (x->nslot - 1);;
	    j = (j + 1) & (x->nslot - 1)) {
		sl = &x->slot[j];
		if (*sl == 0 || (x->m[*sl - 1].namelen == namelen &&
		    memcmp(x->m[*sl - 1].name, name, namelen) == 0))
			return sl;
	}
}

/* Adds a macro, or gives the one of that name its new value (a hash of
 * the names, so that a text of many definitions takes linear time). */
static void
addmacro(struct expand *x, const char *name, size_t namelen, const char *val,
    size_t vallen)
{
	size_t i, *sl;

	if (x->nslot < 2 * (x->n + 1)) {
		x->nslot = x->nslot ? 2 * x->nslot : 64;
		free(x->slot);
		x->slot = dm_xcalloc(x->nslot, sizeof(*x->slot));
		for (i = 0; i < x->n; i++) {
			sl = findslot(x, x->m[i].name, x->m[i].namelen);
			*sl = i + 1;
			x->m[i].slot = (size_t)(sl - x->slot);
		}
	}
	if (*(sl = findslot(x, name, namelen)) == 0) {
		if (x->n == x->cap) {
			x->cap = x->cap ? 2 * x->cap : 8;
			x->m = dm_xreallocarray(x->m, x->cap, sizeof(*x->m));
		}
		i = x->n++;
		x->m[i].name = name;
		x->m[i].namelen = namelen;
		x->m[i].slot = (size_t)(sl - x->slot);
		*sl = i + 1;
	} else
		i = *sl - 1;
	x->m[i].val = val;
	x->m[i].vallen = vallen;
}

/*
 * The macros that re (NEWCOMMAND or DEF) finds in s, left to right. Its
 * groups are read off the match, whose shape fixes them: the name is the
 * first backslash after the command word and the letters and digits after
 * it, the value runs from the '{' after the name to the final '}'.
 */
static int
findmacros(struct expand *x, struct dm_re *re, size_t skip, const char *s,
    size_t n, struct dm_buf *err)
{
	size_t ov[2], start, name, end, val;
	int rc;

	for (start = 0; (rc = dm_re_match(re, s, n, start, ov, err)) == 1;
	    start = ov[1]) {
		name = ov[0] + skip;
		while (s[name] != '\\')
			name++;
		for (end = name + 1; isalnumascii((unsigned char)s[end]); end++)
			;
		for (val = end; s[val] != '{'; val++)
			;
		val++;
		addmacro(x, s + name, end - name, s + val, ov[1] - 1 - val);
	}
	return rc;
}

/* Each \NAME of in followed by a character other than an ASCII letter or
 * digit replaced by VALUE into out; 0 when there is none. */
static int
expand1(const struct macro *m, const char *in, size_t n, struct dm_buf *out)
{
	const char *p, *e = in + n, *from = in;
	int changed = 0;

	for (p = in; (p = memmem(p, e - p, m->name, m->namelen)) != NULL; ) {
		p += m->namelen;
		if (p == e)
			break;
		if (isalnumascii((unsigned char)*p))
			continue;
		dm_buf_add(out, from, p - m->namelen - from);
		dm_buf_add(out, m->val, m->vallen);
		from = p;
		/* the character after the name is the match's: the next
		 * search starts after it (after its first byte is the same,
		 * since a name starts with a backslash) */
		p++;
		changed = 1;
	}
	if (changed)
		dm_buf_add(out, from, e - from);
	return changed;
}

static int
expand_text(void *state, const char *in, size_t n, struct dm_buf *out,
    struct dm_buf *err)
{
	struct expand *x = state;
	const char *s = in;
	size_t i, len = n;
	int w = 0;

	/* the slots of the last text's macros freed */
	for (i = 0; i < x->n; i++)
		x->slot[x->m[i].slot] = 0;
	x->n = 0;
	if (memmem(in, n, "\\newcommand", 11) != NULL &&
	    findmacros(x, x->newcommand, 11, in, n, err) < 0)
		return -1;
	if (memmem(in, n, "\\def", 4) != NULL &&
	    findmacros(x, x->def, 4, in, n, err) < 0)
		return -1;
	/* the macros point into in, which stays; each expansion writes the
	 * buffer the text is not in */
	for (i = 0; i < x->n; i++) {
		dm_buf_reset(&x->tmp[w]);
		if (expand1(&x->m[i], s, len, &x->tmp[w])) {
			s = x->tmp[w].buf;
			len = x->tmp[w].len;
			w ^= 1;
		}
	}
	if (s == in || (len == n && memcmp(s, in, n) == 0))
		return 0;
	dm_buf_add(out, s, len);
	return 1;
}

const struct dm_opdef dm_op_expand_macros = {
	.name = "expand-macros",
	.kind = DM_OP_MAP,
	.summary = "expand the LaTeX macros without arguments that the text "
	    "defines",
	.params = params,
	.init = expand_init,
	.text = expand_text,
	.fini = expand_fini,
};
