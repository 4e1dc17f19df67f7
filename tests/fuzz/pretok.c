/* pretok.c - fuzzes the scanner of cl100k_base's pre-tokenizer expression
 * against PCRE2 running the expression itself: the same matches, the
 * first byte choosing cl100k's \p{N}{1,3} or Qwen's \p{N} */
#include "fuzz.h"
#include <utf8proc.h>

#include "tokenizer.h"

#define CL100K	"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|" \
	"\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"
#define QWEN	"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|" \
	"\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"

static struct dm_re *re[2], *cls[2];

/* Whether PCRE2's class re holds the character at pos of s. */
static int
isclass(struct dm_re *re1, const struct dm_buf *s, size_t pos)
{
	struct dm_buf err = DM_BUF_INIT;
	size_t ov[2];
	int r;

	r = dm_re_match(re1, s->buf, s->len, pos, ov, &err);
	dm_buf_free(&err);
	return r == 1 && ov[0] == pos;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct dm_buf err = DM_BUF_INIT;

	(void)argc;
	dm_init((*argv)[0]);
	if ((re[0] = dm_re_new(CL100K, "", &err, NULL)) == NULL ||
	    (re[1] = dm_re_new(QWEN, "", &err, NULL)) == NULL ||
	    (cls[0] = dm_re_new("\\G\\p{L}", "", &err, NULL)) == NULL ||
	    (cls[1] = dm_re_new("\\G\\p{N}", "", &err, NULL)) == NULL)
		abort();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	struct dm_buf s = DM_BUF_INIT, err = DM_BUF_INIT;
	size_t pos, end, ov[2];
	utf8proc_int32_t c;
	utf8proc_ssize_t k;
	int q, cat;

	if (n < 1 || n > 4096)
		return 0;
	q = data[0] & 1;
	/* the tokenizer is given valid UTF-8 */
	dm_utf8_fix(&s, (const char *)data + 1, n - 1);
	/* where utf8proc's Unicode (15) and PCRE2's (14) disagree on a
	 * letter or a number (Khojki, Kawi, CJK Extension H...), the
	 * character becomes '?': the scanner follows utf8proc there */
	for (pos = 0; pos < s.len; pos += (size_t)k) {
		k = utf8proc_iterate((const utf8proc_uint8_t *)s.buf + pos,
		    (utf8proc_ssize_t)(s.len - pos), &c);
		if (k <= 1)
			continue;
		cat = utf8proc_category(c);
		if (isclass(cls[0], &s, pos) != (cat >= UTF8PROC_CATEGORY_LU &&
		    cat <= UTF8PROC_CATEGORY_LO) ||
		    isclass(cls[1], &s, pos) != (cat >= UTF8PROC_CATEGORY_ND &&
		    cat <= UTF8PROC_CATEGORY_NO))
			memset(s.buf + pos, '?', (size_t)k);
	}
	for (pos = 0; pos < s.len; pos = end) {
		if (dm_re_match(re[q], s.buf, s.len, pos, ov, &err) != 1 ||
		    ov[0] != pos)
			abort();
		end = dm_tok_scan(q ? 1 : 3, s.buf, s.len, pos);
		if (end != ov[1]) {
			fprintf(stderr, "at %zu: pcre2 %zu, scan %zu\n", pos,
			    ov[1], end);
			abort();
		}
	}
	dm_buf_free(&s);
	dm_buf_free(&err);
	return 0;
}
