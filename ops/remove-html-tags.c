/* remove-html-tags.c - remove HTML tags, keep their text [DM HtmlTagCleaner] */
#include <stdlib.h>
#include <string.h>

#include "dm.h"

/*
 * DataMate's HtmlTagCleaner, in its two passes:
 *  1. each tag of its list of HTML elements is removed, start tags with
 *     whatever follows the name after a white space up to the next '>'
 *     ("<p class=x>"), end tags only as "</p>"; names match without
 *     regard to case, as Python's re.IGNORECASE does (so U+0130 and U+0131
 *     match "i", U+017F "s", U+212A "k"). With tables=true the table tags
 *     table, tbody, td, th, tr go too.
 *  2. in every tag left, "<name" then white space and anything but '<' or
 *     '>' up to '>', each attribute name="value" (value not empty) is
 *     removed with the white space before it, except colspan and rowspan.
 * White space is Python's (str.isspace), a word character is one for which
 * str.isalnum() holds, or '_'. A sample whose field fileType is "xml" is
 * left alone, as DataMate does.
 */

static const char *const tags[] = {
	"a", "abbr", "acronym", "address", "applet", "area", "article",
	"aside", "audio", "b", "base", "basefont", "bdi", "bdo", "bgsound",
	"big", "blink", "blockquote", "body", "br", "button", "canvas",
	"caption", "center", "cite", "code", "col", "colgroup", "command",
	"content", "data", "datalist", "dd", "del", "details", "dfn",
	"dialog", "dir", "div", "dl", "dt", "em", "embed", "fieldset",
	"figcaption", "figure", "font", "footer", "form", "frame",
	"frameset", "h1", "h2", "h3", "h4", "h5", "h6", "head", "header",
	"hgroup", "hr", "html", "i", "iframe", "image", "img", "input", "ins",
	"isindex", "kbd", "keygen", "label", "legend", "li", "link",
	"listing", "main", "map", "mark", "marquee", "menu", "menuitem",
	"meta", "meter", "nav", "nobr", "noembed", "noframes", "noscript",
	"object", "ol", "optgroup", "option", "output", "p", "param",
	"picture", "plaintext", "pre", "progress", "q", "rp", "rt", "rtc",
	"ruby", "s", "samp", "script", "section", "select", "shadow",
	"small", "source", "spacer", "span", "strike", "strong", "style",
	"sub", "summary", "sup", "template", "textarea", "tfoot", "thead",
	"time", "title", "track", "tt", "u", "ul", "var", "video", "wbr",
	"xmp"
};
static const char *const table_tags[] = {
	"table", "tbody", "td", "th", "tr"
};

static const struct dm_param params[] = {
	{ .name = "tables", .type = DM_P_BOOL, .def = "false",
	  .help = "remove the table tags too" },
	{ .name = "type_field", .type = DM_P_STR, .def = "fileType",
	  .help = "field whose value xml leaves the sample alone" },
	{ .name = NULL }
};

struct htmltags {
	int		 tables;
	char		*type_field;
	struct dm_buf	 a, b;
};

static void
ht_fini(void *state)
{
	struct htmltags *h = state;

	if (h == NULL)
		return;
	free(h->type_field);
	dm_buf_free(&h->a);
	dm_buf_free(&h->b);
	free(h);
}

static int
ht_init(void **state, const struct dm_args *args, struct dm_buf *err)
{
	struct htmltags *h;

	(void)err;
	h = dm_xcalloc(1, sizeof(*h));
	h->tables = dm_arg_bool(args, "tables");
	h->type_field = dm_xstrdup(dm_arg_str(args, "type_field"));
	*state = h;
	return 0;
}

/* The code point at s[i], its length in *len. */
static int32_t
cpat(const char *s, size_t n, size_t i, int *len)
{
	int32_t c;

	if ((*len = dm_utf8_decode(s + i, n - i, &c)) < 1) {
		*len = 1;
		return 0xFFFD;
	}
	return c;
}

/* The ASCII letter or digit that c matches under re.IGNORECASE, or 0. */
static int
fold(int32_t c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 'a';
	if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
		return c;
	if (c == 0x130 || c == 0x131)
		return 'i';
	if (c == 0x17F)
		return 's';
	if (c == 0x212A)
		return 'k';
	return 0;
}

/* Whether name matches s[*i..) caselessly; *i moves past it when so. */
static int
matchname(const char *s, size_t n, size_t *i, const char *name)
{
	size_t j = *i;
	int len;

	for (; *name; name++) {
		if (j >= n || fold(cpat(s, n, j, &len)) != *name)
			return 0;
		j += (size_t)len;
	}
	*i = j;
	return 1;
}

/* Length of a listed tag at s[i] ('<'), or 0. */
static size_t
listed(const struct htmltags *h, const char *s, size_t n, size_t i)
{
	size_t k, j, ntags = sizeof tags / sizeof tags[0];
	const char *name;
	const char *gt;
	int len, end = i + 1 < n && s[i + 1] == '/';

	for (k = 0; k < ntags + (h->tables ? 5 : 0); k++) {
		name = k < ntags ? tags[k] : table_tags[k - ntags];
		j = i + 1 + (size_t)end;
		if (!matchname(s, n, &j, name) || j >= n)
			continue;
		if (s[j] == '>')
			return j + 1 - i;
		if (end || !dm_uni_isspace(cpat(s, n, j, &len)))
			continue;
		if ((gt = memchr(s + j, '>', n - j)) != NULL)
			return (size_t)(gt - s) + 1 - i;
	}
	return 0;
}

static int
isword(int32_t c)
{
	return c == '_' || dm_uni_isalnum(c);
}

/* Pass 2 on one tag t[0..n): attributes but colspan and rowspan go.
 * Returns whether any went. */
static int
attrs(struct dm_buf *out, const char *t, size_t n)
{
	size_t i = 0, done = 0, ws, w, we, q;
	const char *p;
	int len;

	while (i < n) {
		/* \s*(\w+)="([^"]+)" from i */
		ws = i;
		w = i;
		while (w < n && dm_uni_isspace(cpat(t, n, w, &len)))
			w += (size_t)len;
		we = w;
		while (we < n && isword(cpat(t, n, we, &len)))
			we += (size_t)len;
		if (we > w && we + 2 < n && t[we] == '=' && t[we + 1] == '"' &&
		    t[we + 2] != '"' && (p = memchr(t + we + 2, '"',
		    n - we - 2)) != NULL) {
			q = (size_t)(p - t) + 1;
			if (!((we - w == 7 && memcmp(t + w, "colspan", 7) ==
			    0) || (we - w == 7 && memcmp(t + w, "rowspan",
			    7) == 0))) {
				dm_buf_add(out, t + done, ws - done);
				done = q;
			}
			i = q;
			continue;
		}
		/* no match from here: the next start is one character on */
		(void)cpat(t, n, i, &len);
		i += (size_t)len;
	}
	dm_buf_add(out, t + done, n - done);
	return done > 0;
}

/* Length of a tag of pass 2 at s[i] ('<'), or 0. */
static size_t
anytag(const char *s, size_t n, size_t i)
{
	size_t j = i + 1, k;
	int len;

	while (j < n && isword(cpat(s, n, j, &len)))
		j += (size_t)len;
	if (j == i + 1 || j >= n)
		return 0;
	if (s[j] == '>')
		return j + 1 - i;
	if (!dm_uni_isspace(cpat(s, n, j, &len)))
		return 0;
	for (k = j; k < n && s[k] != '<'; k++)
		if (s[k] == '>')
			return k + 1 - i;
	return 0;
}

static int
ht_sample(void *state, struct dm_sample *smp, const char *key,
    struct dm_buf *err)
{
	struct htmltags *h = state;
	struct dm_field f;
	const char *s, *t;
	size_t n, i, done, len;
	int changed = 0;

	dm_sample_get(smp, h->type_field, &f);
	if (f.type == DM_STRING && f.len == 3 && memcmp(f.str, "xml", 3) == 0)
		return 0;
	if (dm_sample_text(smp, key, &s, &n, err) < 0)
		return -1;
	if (memchr(s, '<', n) == NULL)
		return 0;
	dm_buf_reset(&h->a);
	for (i = done = 0; i < n; i++) {
		if (s[i] != '<' || (len = listed(h, s, n, i)) == 0)
			continue;
		dm_buf_add(&h->a, s + done, i - done);
		changed = 1;
		done = i + len;
		i = done - 1;
	}
	dm_buf_add(&h->a, s + done, n - done);
	t = h->a.buf;
	n = h->a.len;
	dm_buf_reset(&h->b);
	for (i = done = 0; i < n; i++) {
		if (t[i] != '<' || (len = anytag(t, n, i)) == 0)
			continue;
		dm_buf_add(&h->b, t + done, i - done);
		changed |= attrs(&h->b, t + i, len);
		done = i + len;
		i = done - 1;
	}
	dm_buf_add(&h->b, t + done, n - done);
	if (!changed)
		return 0;
	return dm_sample_set_text(smp, key, h->b.buf, h->b.len, err);
}

const struct dm_opdef dm_op_remove_html_tags = {
	.name = "remove-html-tags",
	.kind = DM_OP_MAP,
	.summary = "remove HTML tags and attributes but colspan and rowspan "
	    "(DataMate HtmlTagCleaner)",
	.params = params,
	.init = ht_init,
	.sample = ht_sample,
	.fini = ht_fini,
};
