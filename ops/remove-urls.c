/* remove-urls.c - delete links [DJ clean_links_mapper] */

#include <stdlib.h>
#include <string.h>

#include "dm.h"

/*
 * Data-Juicer's default pattern, which it runs with the `regex` module and
 * re.DOTALL (one line there):
 *
 *	(?i)\b((?:[a-z][\w-]+:(?:\/{1,3}|[a-z0-9%])|www\d{0,3}[.]|
 *	[a-z0-9.\-]+[.][a-z]{2,4}\/)(?:[^\s()<>]+|\(([^\s()<>]+|
 *	(\([^\s()<>]+\)))*\))+(?:\(([^\s()<>]+|(\([^\s()<>]+\)))*\)|
 *	[^\s`!()\[\]{};:\'\".,<>?«»“”‘’]))
 *
 * Written here to match the same text, with two kinds of change.
 *
 * The classes of `regex` differ from PCRE2's, so they are spelled out:
 *  - \w is Alphabetic, marks, decimal digits, connector punctuation and
 *    the joiners (combining accents are word characters, superscript
 *    digits are not), and \b is the edge of that class, so both become
 *    the explicit class W and lookarounds;
 *  - \s is the White_Space property (PCRE2's \s adds U+180E);
 *  - under (?i), [a-z] also matches U+0130 (I with a dot above), besides
 *    the Kelvin sign and long s that PCRE2 folds as well.
 *
 * The tail (?:R+|P)+F, with R a run of non-space characters, P a
 * parenthesized group and F a closing P or character, can split a run in
 * exponentially many ways before it fails: "www." and forty ';' exceed
 * any match limit. It matches a walk over single characters and groups
 * and ends at the last place where F fits, and there is only one such
 * walk, so it is rewritten to take that end directly: one first step,
 * then whole "run, group" blocks (tried from the most), each followed by
 * the last closing character of the run after it, or by nothing; else
 * the last closing character of the first run. Inside a group the parse
 * is unique, so it is possessive. The original's inner groups are gone;
 * nothing can refer to them, as repl is literal.
 */
#define W	"\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\p{Join_Control}"
#define AZ	"a-z\\x{130}"
#define NS	"[^\\p{White_Space}()<>]"
#define PAREN	"\\((?:" NS "++|\\(" NS "++\\))*+\\)"
#define FC	"[^\\p{White_Space}`!()\\[\\]{};:'\".,<>?«»“”‘’]"
#define URL_PATTERN \
	"(?i)(?:(?<=[" W "])(?![" W "])|(?<![" W "])(?=[" W "]))" \
	"((?:[" AZ "][" W "-]+:(?:/{1,3}|[" AZ "0-9%])|www\\d{0,3}[.]|" \
	"[" AZ "0-9.\\-]+[.][" AZ "]{2,4}/)" \
	"(?:" NS "|" PAREN ")" \
	"(?:(?:" NS "*+" PAREN ")+(?:" NS "*" FC ")?|" NS "*" FC "))"

struct urls {
	struct dm_re	*re;
	char		*repl;
};

static const struct dm_param params[] = {
	{ .name = "repl", .type = DM_P_STR, .def = "",
	  .help = "what each link becomes, taken literally" },
	{ .name = NULL }
};

/* repl is plain text here: each $ is doubled for dm_re_replace. */
static char *
literal(const char *repl)
{
	struct dm_buf b = DM_BUF_INIT;

	for (; *repl != '\0'; repl++) {
		if (*repl == '$')
			dm_buf_addc(&b, '$');
		dm_buf_addc(&b, *repl);
	}
	return dm_buf_detach(&b, NULL);
}

static void
urls_fini(void *state)
{
	struct urls *u = state;

	if (u == NULL)
		return;
	dm_re_free(u->re);
	free(u->repl);
	free(u);
}

static int
urls_init(void **state, const struct dm_args *args, struct dm_buf *err)
{
	struct urls *u;
	size_t off;

	u = dm_xcalloc(1, sizeof(*u));
	u->repl = literal(dm_arg_str(args, "repl"));
	u->re = dm_re_new(URL_PATTERN, "s", err, &off);
	if (u->re == NULL) {
		urls_fini(u);
		return -1;
	}
	*state = u;
	return 0;
}

static int
urls_text(void *state, const char *in, size_t n, struct dm_buf *out,
    struct dm_buf *err)
{
	struct urls *u = state;
	int rc;

	rc = dm_re_replace(u->re, in, n, u->repl, out, err);
	if (rc == 1 && out->len == n && memcmp(out->buf, in, n) == 0) {
		dm_buf_reset(out);
		return 0;
	}
	return rc;
}

const struct dm_opdef dm_op_remove_urls = {
	.name = "remove-urls",
	.kind = DM_OP_MAP,
	.summary = "remove links (http, ftp, www. and host/path forms)",
	.params = params,
	.init = urls_init,
	.text = urls_text,
	.fini = urls_fini,
};
