/* remove-emoji.c - remove emoji [DM EmojiCleaner] */
#include <string.h>

#include "dm.h"
#include "emoji.h"

/*
 * DataMate's EmojiCleaner calls the emoji package's replace_emoji(s, '')
 * on each line; that is demojize's walk over its search tree of the
 * emoji of EMOJI_DATA (src/emoji.h, written by src/mkemoji.py from the
 * package):
 *  - from a character that starts an emoji, the walk goes on as long as
 *    the characters read are the start of some emoji, never back;
 *  - when it stops on a whole emoji, that is removed and the walk starts
 *    again after it; else the first character stays and the walk starts
 *    again from the next one;
 *  - U+FE0E and U+FE0F (variation selectors) that are not part of a
 *    removed emoji are removed too.
 * No emoji holds a newline, so the text is walked whole.
 */

#define NEMOJI	(sizeof dm_emoji / sizeof dm_emoji[0])

static const struct dm_param params[] = {
	{ .name = NULL }
};

/* The first emoji not below s[0..n) in byte order. */
static size_t
lower(const char *s, size_t n)
{
	size_t lo = 0, hi = NEMOJI, mid, kl;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		kl = strlen(dm_emoji[mid]);
		c = memcmp(dm_emoji[mid], s, kl < n ? kl : n);
		if (c < 0 || (c == 0 && kl < n))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* 1 when s[0..n) starts an emoji, 2 when it is one, else 0. */
static int
lookup(const char *s, size_t n)
{
	size_t k = lower(s, n);

	if (k == NEMOJI || strncmp(dm_emoji[k], s, n) != 0)
		return 0;
	return dm_emoji[k][n] == '\0' ? 2 : 1;
}

static int
cplen(const char *s, size_t n)
{
	int32_t c;
	int len = dm_utf8_decode(s, n, &c);

	return len < 1 ? 1 : len;
}

static int
emoji_text(void *state, const char *s, size_t n, struct dm_buf *out,
    struct dm_buf *err)
{
	size_t i, j, done = 0;
	int changed = 0, len;

	(void)state;
	(void)err;
	for (i = 0; i < n; i += (size_t)len) {
		len = cplen(s + i, n - i);
		if ((unsigned char)s[i] < 0x80 && s[i] != '#' &&
		    s[i] != '*' && (s[i] < '0' || s[i] > '9'))
			continue;
		if (lookup(s + i, (size_t)len) != 0) {
			j = i + (size_t)len;
			while (j < n && lookup(s + i, j - i +
			    (size_t)cplen(s + j, n - j)) != 0)
				j += (size_t)cplen(s + j, n - j);
			if (lookup(s + i, j - i) == 2) {
				dm_buf_add(out, s + done, i - done);
				done = j;
				changed = 1;
				len = (int)(j - i);
				continue;
			}
		}
		/* U+FE0E, U+FE0F: EF B8 8E, EF B8 8F */
		if (len == 3 && memcmp(s + i, "\357\270", 2) == 0 &&
		    (s[i + 2] == '\216' || s[i + 2] == '\217')) {
			dm_buf_add(out, s + done, i - done);
			done = i + 3;
			changed = 1;
		}
	}
	if (!changed)
		return 0;
	dm_buf_add(out, s + done, n - done);
	return 1;
}

const struct dm_opdef dm_op_remove_emoji = {
	.name = "remove-emoji",
	.kind = DM_OP_MAP,
	.summary = "remove emoji, as the emoji package's replace_emoji "
	    "(DataMate EmojiCleaner)",
	.params = params,
	.text = emoji_text,
};
