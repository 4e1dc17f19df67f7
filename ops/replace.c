/* replace.c - global regex substitution [DJ replace_content_mapper] */

#include <stdlib.h>
#include <string.h>

#include "dm.h"

struct replace {
	struct dm_re	*re;
	char		*repl;
};

static const struct dm_param params[] = {
	{ .name = "pattern", .type = DM_P_REGEX, .def = NULL,
	  .help = "PCRE2 pattern, \\w \\d \\s \\b as in Python's regex" },
	{ .name = "repl", .type = DM_P_STR, .def = "",
	  .help = "replacement: $1, ${name} insert groups, $0 the match" },
	{ .name = "flags", .type = DM_P_STR, .def = "",
	  .help = "pattern flags: i m s x u (s is always on, as in Data-Juicer)" },
	{ .name = NULL }
};

/*
 * Data-Juicer compiles the pattern with Python's regex module, whose \w,
 * \d, \s and \b are not PCRE2's: regex's \w takes combining marks,
 * connector punctuation and the joiners but not superscripts or fractions
 * (PCRE2's \w is \p{L}, \p{N} and '_'), its \d knows Unicode 15.0, its
 * \s leaves out U+180E, and its \b is the edge of its \w. Its \Z is the
 * very end of the text (PCRE2's \z), and x{,3} is x{0,3}. The pattern is
 * rewritten so that PCRE2 matches what regex does; everything else reads
 * the same in both. The sets are those of dm.h (DM_PY_W...).
 */
#define PY_W	"[" DM_PY_W "]"
#define PY_B	"(?:(?<=" PY_W ")(?!" PY_W ")|(?<!" PY_W ")(?=" PY_W "))"
#define PY_NB	"(?:(?<=" PY_W ")(?=" PY_W ")|(?<!" PY_W ")(?!" PY_W "))"

/* Copies the escape at p (a backslash) as it is; returns what follows. */
static const char *
copyesc(struct dm_buf *out, const char *p)
{
	const char *q = p + 1;

	if (*q == '\0')
		return q;
	if (*q == 'Q') {
		/* \Q...\E: all literal, even a backslash */
		for (q++; *q != '\0' && !(q[0] == '\\' && q[1] == 'E'); q++)
			;
		if (*q != '\0')
			q += 2;
		dm_buf_add(out, p, (size_t)(q - p));
		return q;
	}
	if (*q == 'c' && q[1] != '\0')	/* \cX: X is not an escape */
		q++;
	for (q++; ((unsigned char)*q & 0xc0) == 0x80; q++)
		;
	dm_buf_add(out, p, (size_t)(q - p));
	return q;
}

/*
 * The class at *pp (its '['). \w \d \s \S become property sets in it;
 * \W and \D, complements of several properties, turn it into an
 * alternative ([a\W] is (?:[a]|[^\w])) or, when it is negated, into
 * lookaheads a character must pass ([^a\W] is (?![a])[\w]). The pattern
 * compiled as written before, so a class here is closed.
 */
static void
pyclass(const char **pp, struct dm_buf *out)
{
	struct dm_buf pos = DM_BUF_INIT;
	const char *p = *pp + 1, *q, *negs[2];
	size_t nneg = 0, i;
	int neg = 0, first = 1;

	if (*p == '^') {
		neg = 1;
		p++;
	}
	while (*p != '\0' && (*p != ']' || first)) {
		first = 0;
		if (p[0] == '[' && p[1] == ':' &&
		    (q = strstr(p + 2, ":]")) != NULL) {
			dm_buf_add(&pos, p, (size_t)(q + 2 - p));	/* [:alpha:] */
			p = q + 2;
			continue;
		}
		if (*p != '\\') {
			/* a '^' first in the new class would negate it */
			if (*p == '^' && pos.len == 0)
				dm_buf_addc(&pos, '\\');
			dm_buf_addc(&pos, *p++);
			continue;
		}
		switch (p[1]) {
		case 'w':
			dm_buf_adds(&pos, DM_PY_W);
			break;
		case 'd':
			dm_buf_adds(&pos, DM_PY_D);
			break;
		case 's':
			dm_buf_adds(&pos, DM_PY_S);
			break;
		case 'S':
			dm_buf_adds(&pos, "\\P{White_Space}");
			break;
		case 'W':
		case 'D':
			/* a second \W or \D adds nothing new */
			q = p[1] == 'W' ? DM_PY_W : DM_PY_D;
			for (i = 0; i < nneg && negs[i] != q; i++)
				;
			if (i == nneg)
				negs[nneg++] = q;
			break;
		default:
			p = copyesc(&pos, p);
			continue;
		}
		p += 2;
	}
	if (*p == ']')
		p++;
	*pp = p;
	if (nneg == 0) {
		dm_buf_adds(out, neg ? "[^" : "[");
		dm_buf_add(out, pos.buf, pos.len);
		dm_buf_addc(out, ']');
	} else if (!neg) {
		dm_buf_adds(out, "(?:");
		if (pos.len > 0) {
			dm_buf_addc(out, '[');
			dm_buf_add(out, pos.buf, pos.len);
			dm_buf_adds(out, "]|");
		}
		for (i = 0; i < nneg; i++)
			dm_buf_addf(out, "%s[^%s]", i > 0 ? "|" : "", negs[i]);
		dm_buf_addc(out, ')');
	} else {
		dm_buf_adds(out, "(?:");
		if (pos.len > 0) {
			dm_buf_adds(out, "(?![");
			dm_buf_add(out, pos.buf, pos.len);
			dm_buf_adds(out, "])");
		}
		for (i = 0; i + 1 < nneg; i++)
			dm_buf_addf(out, "(?=[%s])", negs[i]);
		dm_buf_addf(out, "[%s])", negs[nneg - 1]);
	}
	dm_buf_free(&pos);
}

/* Whether x is on: in flags, or set inline anywhere (regex's version 0
 * applies an inline flag to the whole pattern). */
static int
extended(const char *s, const char *flags)
{
	const char *p;

	if (strchr(flags, 'x') != NULL)
		return 1;
	for (p = s; (p = strstr(p, "(?")) != NULL; p += 2)
		for (s = p + 2; *s >= 'a' && *s <= 'z'; s++)
			if (*s == 'x')
				return 1;
	return 0;
}

/* The pattern s of regex, as PCRE2 (with UTF and UCP) reads it, into out. */
static void
pypattern(const char *s, const char *flags, struct dm_buf *out)
{
	const char *p = s, *q;
	int x = extended(s, flags);

	while (*p != '\0') {
		if (*p == '[') {
			pyclass(&p, out);
			continue;
		}
		if ((x && *p == '#') || strncmp(p, "(?#", 3) == 0) {
			/* a comment, where a '[' or '\' means nothing */
			q = p + strcspn(p, *p == '#' ? "\n" : ")");
			if (*q != '\0')
				q++;
			dm_buf_add(out, p, (size_t)(q - p));
			p = q;
			continue;
		}
		if (*p == '{' && p > s && p[1] == ',' &&
		    p[2 + strspn(p + 2, "0123456789")] == '}' &&
		    strspn(p + 2, "0123456789") > 0) {
			dm_buf_adds(out, "{0");
			p++;
			continue;
		}
		if (*p != '\\') {
			dm_buf_addc(out, *p++);
			continue;
		}
		switch (p[1]) {
		case 'w':
			dm_buf_adds(out, PY_W);
			break;
		case 'W':
			dm_buf_adds(out, "[^" DM_PY_W "]");
			break;
		case 'd':
			dm_buf_adds(out, "[" DM_PY_D "]");
			break;
		case 'D':
			dm_buf_adds(out, "[^" DM_PY_D "]");
			break;
		case 's':
			dm_buf_adds(out, "\\p{White_Space}");
			break;
		case 'S':
			dm_buf_adds(out, "\\P{White_Space}");
			break;
		case 'b':
			dm_buf_adds(out, PY_B);
			break;
		case 'B':
			dm_buf_adds(out, PY_NB);
			break;
		case 'Z':
			dm_buf_adds(out, "\\z");
			break;
		default:
			p = copyesc(out, p);
			continue;
		}
		p += 2;
	}
}

static void
replace_fini(void *state)
{
	struct replace *r = state;

	if (r == NULL)
		return;
	dm_re_free(r->re);
	free(r->repl);
	free(r);
}

static int
replace_init(void **state, const struct dm_args *args, struct dm_buf *err)
{
	struct replace *r;
	struct dm_buf probe = DM_BUF_INIT, pat = DM_BUF_INIT, flags = DM_BUF_INIT;
	struct dm_buf py = DM_BUF_INIT;
	const char *p;
	size_t len, off, mark;
	int rc;

	/*
	 * Data-Juicer recipes may write a pattern as a Python raw string,
	 * r'...' or r"...", and Data-Juicer drops the r and the quotes;
	 * doing the same keeps such recipes meaning what they meant there.
	 */
	p = dm_arg_str(args, "pattern");
	len = strlen(p);
	if (len > 2 && p[0] == 'r' && (p[1] == '\'' || p[1] == '"') &&
	    p[len - 1] == p[1])
		dm_buf_add(&pat, p + 2, len - 3);
	else
		dm_buf_add(&pat, p, len);

	r = dm_xcalloc(1, sizeof(*r));
	r->repl = dm_xstrdup(dm_arg_str(args, "repl"));
	/* The script's parser checked the pattern as written; this is the
	 * pattern without r'', which may be worse. */
	mark = err->len;
	dm_buf_adds(err, "'pattern': ");
	/* Data-Juicer compiles every pattern with DOTALL; (?-s) undoes it. */
	dm_buf_adds(&flags, "s");
	dm_buf_adds(&flags, dm_arg_str(args, "flags"));
	/* Errors are told against the pattern as written: it is compiled
	 * as it is first, then as regex reads it. */
	r->re = dm_re_new(pat.buf, flags.buf, err, &off);
	if (r->re != NULL) {
		dm_re_free(r->re);
		pypattern(pat.buf, flags.buf, &py);
		r->re = dm_re_new(py.buf, flags.buf, err, &off);
	}
	dm_buf_free(&pat);
	dm_buf_free(&py);
	dm_buf_free(&flags);
	if (r->re == NULL) {
		replace_fini(r);
		return -1;
	}
	/* An empty subject: only the check of repl can fail here. */
	dm_buf_setlen(err, mark);
	dm_buf_adds(err, "'repl': ");
	rc = dm_re_replace(r->re, "", 0, r->repl, &probe, err);
	dm_buf_free(&probe);
	if (rc == -1) {
		replace_fini(r);
		return -1;
	}
	dm_buf_setlen(err, mark);
	*state = r;
	return 0;
}

static int
replace_text(void *state, const char *in, size_t n, struct dm_buf *out,
    struct dm_buf *err)
{
	struct replace *r = state;
	int rc;

	rc = dm_re_replace(r->re, in, n, r->repl, out, err);
	/* A replacement equal to what it replaced leaves the sample as it
	 * came, bytes and all. */
	if (rc == 1 && out->len == n && memcmp(out->buf, in, n) == 0) {
		dm_buf_reset(out);
		return 0;
	}
	return rc;
}

const struct dm_opdef dm_op_replace = {
	.name = "replace",
	.kind = DM_OP_MAP,
	.summary = "replace every match of a regular expression",
	.params = params,
	.init = replace_init,
	.text = replace_text,
	.fini = replace_fini,
};
