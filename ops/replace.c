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
	  .help = "PCRE2 pattern" },
	{ .name = "repl", .type = DM_P_STR, .def = "",
	  .help = "replacement: $1, ${name} insert groups, $0 the match" },
	{ .name = "flags", .type = DM_P_STR, .def = "",
	  .help = "pattern flags: i m s x u (s is always on, as in Data-Juicer)" },
	{ .name = NULL }
};

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
	r->re = dm_re_new(pat.buf, flags.buf, err, &off);
	dm_buf_free(&pat);
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
