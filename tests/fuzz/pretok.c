/* pretok.c - fuzzes the scanner of cl100k_base's pre-tokenizer expression
 * against PCRE2 running the expression itself: the same matches, the
 * first byte choosing cl100k's \p{N}{1,3} or Qwen's \p{N} */
#include "fuzz.h"
#include "tokenizer.h"

#define CL100K	"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|" \
	"\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"
#define QWEN	"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|" \
	"\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"

static struct dm_re *re[2];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct dm_buf err = DM_BUF_INIT;

	(void)argc;
	dm_init((*argv)[0]);
	if ((re[0] = dm_re_new(CL100K, "", &err, NULL)) == NULL ||
	    (re[1] = dm_re_new(QWEN, "", &err, NULL)) == NULL)
		abort();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	struct dm_buf s = DM_BUF_INIT, err = DM_BUF_INIT;
	size_t pos, end, ov[2];
	int q;

	if (n < 1 || n > 4096)
		return 0;
	q = data[0] & 1;
	/* the tokenizer is given valid UTF-8 */
	dm_utf8_fix(&s, (const char *)data + 1, n - 1);
	/* letters of Unicode 15 that utf8proc 2.8 knows and PCRE2 10.42 does
	 * not (around Khojki U+1123F-U+1127F, Kawi U+11F00-U+11F7F) become '?' */
	for (pos = 0; pos + 4 <= s.len; pos++)
		if ((unsigned char)s.buf[pos] == 0xf0 &&
		    (unsigned char)s.buf[pos + 1] == 0x91 &&
		    (((unsigned char)s.buf[pos + 2] == 0x88 &&
		    (unsigned char)s.buf[pos + 3] >= 0xbf) ||
		    (unsigned char)s.buf[pos + 2] == 0x89 ||
		    (unsigned char)s.buf[pos + 2] == 0xbc ||
		    (unsigned char)s.buf[pos + 2] == 0xbd))
			memset(s.buf + pos, '?', 4);
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
