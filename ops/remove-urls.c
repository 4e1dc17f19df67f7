/* remove-urls.c - delete links [DJ clean_links_mapper] */

#ifdef __SSE2__
#include <emmintrin.h>
#endif

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
 *    digits are not), with what Unicode 15.0 added (DM_PY_W), and \b is
 *    the edge of that class, so both become the explicit class W and
 *    lookarounds;
 *  - \d is any decimal digit of Unicode 15.0 (DM_PY_D);
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
#define W	DM_PY_W
#define PYD	"[" DM_PY_D "]"		/* regex's \d */
#define AZ	"a-z\\x{130}"
#define NS	"[^\\p{White_Space}()<>]"
#define PAREN	"\\((?:" NS "++|\\(" NS "++\\))*+\\)"
#define FC	"[^\\p{White_Space}`!()\\[\\]{};:'\".,<>?«»“”‘’]"
#define URL_PATTERN \
	"(?i)(?:(?<=[" W "])(?![" W "])|(?<![" W "])(?=[" W "]))" \
	"((?:[" AZ "][" W "-]+:(?:/{1,3}|[" AZ "0-9%])|www" PYD "{0,3}[.]|" \
	"[" AZ "0-9.\\-]+[.][" AZ "]{2,4}/)" \
	"(?:" NS "|" PAREN ")" \
	"(?:(?:" NS "*+" PAREN ")+(?:" NS "*" FC ")?|" NS "*" FC "))"

static const struct dm_param params[] = {
	{ .name = "repl", .type = DM_P_STR, .def = "",
	  .help = "what each link becomes, taken literally" },
	{ .name = NULL }
};

/*
 * Every character of a match is outside White_Space, and a match holds a
 * ':' (scheme), "www" in some case (under (?i) 'w' folds to nothing else)
 * or a '/' (host/path): the runs of text around them are all that is
 * searched. Sixteen bytes are tested at a time where SSE2 is there.
 */
static int
urls_at(const char *s, size_t i, size_t n)
{
	switch (s[i]) {
	case ':':
	case '/':
		return 1;
	case 'w':
	case 'W':
		return n - i >= 3 && (s[i + 1] | 0x20) == 'w' &&
		    (s[i + 2] | 0x20) == 'w';
	}
	return 0;
}

static size_t
urls_next(const char *s, size_t n)
{
	size_t i = 0;

#ifdef __SSE2__
	const __m128i colon = _mm_set1_epi8(':'), slash = _mm_set1_epi8('/');
	const __m128i w = _mm_set1_epi8('w'), bit = _mm_set1_epi8(0x20);
	unsigned m;

	for (; i + 16 <= n; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(s + i));
		__m128i hit = _mm_or_si128(
		    _mm_or_si128(_mm_cmpeq_epi8(v, colon),
		    _mm_cmpeq_epi8(v, slash)),
		    _mm_cmpeq_epi8(_mm_or_si128(v, bit), w));

		for (m = (unsigned)_mm_movemask_epi8(hit); m != 0; m &= m - 1)
			if (urls_at(s, i + __builtin_ctz(m), n))
				return i + __builtin_ctz(m);
	}
#endif
	for (; i < n; i++)
		if (urls_at(s, i, n))
			return i;
	return n;
}

static int
urls_init(void **state, const struct dm_args *args, struct dm_buf *err)
{
	*state = dm_resub_new(URL_PATTERN, "s", dm_arg_str(args, "repl"), err);
	if (*state == NULL)
		return -1;
	dm_resub_runs(*state, urls_next);
	return 0;
}

static int
urls_text(void *state, const char *in, size_t n, struct dm_buf *out,
    struct dm_buf *err)
{
	return dm_resub_run(state, in, n, out, err);
}

static void
urls_fini(void *state)
{
	dm_resub_free(state);
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
