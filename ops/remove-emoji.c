/* remove-emoji.c - remove emoji [DM EmojiCleaner] */
#include <stdlib.h>
#include <string.h>

#include "dm.h"
#include "emoji.h"

/*
 * DataMate's EmojiCleaner calls replace_emoji(line, '') of the emoji
 * package (it asks for 2.15 or later) on each line of the text. That is
 * the walk of emoji/tokenizer.py's tokenize(keep_zwj=False) over the keys
 * of EMOJI_DATA (src/emoji.h, written by src/mkemoji.py from
 * src/emoji.txt), which keeps a list of pending pieces, each an emoji or a
 * character, and walks the code points of the line:
 *  - a joiner (U+200D) set aside earlier is skipped and dropped;
 *  - from a character that starts a key, the walk goes on as long as the
 *    characters read are the start of some key and not a joiner set aside;
 *    if it stops on a whole key, that is a pending emoji and the walk goes
 *    on after it; else the character is a pending character;
 *  - a joiner after a character that starts a key, when the last pending
 *    piece is a key, is set aside and the walk backs up: by the length of
 *    that piece, or, when it is a component (skin tone, hair), by the
 *    lengths of the last two pieces (then forgets both, or only the last
 *    when it lands on a joiner); the pieces backed over are read again;
 *  - any other character hands the pending pieces over to the output;
 *  - U+FE0E and U+FE0F (variation selectors) that no emoji took are
 *    dropped.
 * Emoji give nothing, characters themselves. The back-ups count code
 * points, as Python's str does, so a line is first cut into code points.
 */


struct piece {
	size_t	start, len;	/* in code points */
	int	status;		/* of the key it is, 0 when not a key */
	int	emoji;		/* matched as an emoji (removed) */
};

struct emo {
	size_t		*off;	/* byte offset of each code point, and the end */
	unsigned char	*aside;	/* joiners set aside */
	size_t		 cap;
	struct piece	*pend;
	size_t		 npend, pendcap;
	size_t		 rb, re;	/* the run of output not yet written */
};

static const struct dm_param params[] = {
	{ .name = NULL }
};

#define NFIRST	(sizeof dm_emoji_first / sizeof dm_emoji_first[0])

/* The first key of dm_emoji[lo..hi) not below s[0..n) in byte order. */
static size_t
lower(size_t lo, size_t hi, const char *s, size_t n)
{
	size_t mid, kl;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		kl = dm_emoji[mid].len;
		c = memcmp(dm_emoji[mid].s, s, kl < n ? kl : n);
		if (c < 0 || (c == 0 && kl < n))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Whether the code point s[0..n) starts a key; if so *lo, *hi are the
 * keys it starts. */
static int
starts(const char *s, size_t n, size_t *lo, size_t *hi)
{
	size_t l = 0, h = NFIRST, mid;
	int32_t c;

	if (dm_utf8_decode(s, n, &c) < 1)
		return 0;
	if (c < 0x10000 && !(dm_emoji_bmp[c >> 3] >> (c & 7) & 1))
		return 0;
	while (l < h) {
		mid = l + (h - l) / 2;
		if (dm_emoji_first[mid].c < c)
			l = mid + 1;
		else
			h = mid;
	}
	if (l == NFIRST || dm_emoji_first[l].c != c)
		return 0;
	*lo = dm_emoji_first[l].lo;
	*hi = dm_emoji_first[l].hi;
	return 1;
}

/* Among the keys [lo, hi) that s's first code point starts: 0 when
 * s[0..n) starts none, 1 when it starts one, or the key's status (+ 1)
 * when it is one. */
static int
lookup(size_t lo, size_t hi, const char *s, size_t n)
{
	size_t k = lower(lo, hi, s, n);

	if (k == hi || dm_emoji[k].len < n ||
	    memcmp(dm_emoji[k].s, s, n) != 0)
		return 0;
	return dm_emoji[k].len == n ? dm_emoji[k].status + 1 : 1;
}

static int
cplen(const char *s, size_t n)
{
	int32_t c;
	int len = dm_utf8_decode(s, n, &c);

	return len < 1 ? 1 : len;
}

/*
 * Whether the code point s[0..len) of s[0..n) may matter: it is U+FE0E or
 * U+FE0F (EF B8 8E, EF B8 8F), a key, or the start of a key that the next
 * code point continues. A line without one is left as it is: no emoji is
 * found there, and a joiner is dropped only after a piece that is a key.
 */
static int
special(const char *s, int len, size_t n)
{
	size_t lo, hi;

	if (len == 3 && memcmp(s, "\357\270", 2) == 0 &&
	    (s[2] == '\216' || s[2] == '\217'))
		return 1;
	if (!starts(s, (size_t)len, &lo, &hi))
		return 0;
	if (lookup(lo, hi, s, (size_t)len) > 1)
		return 1;
	return (size_t)len < n && lookup(lo, hi, s, (size_t)len +
	    (size_t)cplen(s + len, n - (size_t)len)) != 0;
}

/* The offset of the first code point of s[0..n) that may matter, or n. */
static size_t
scan(const char *s, size_t n)
{
	size_t i;
	int len;

	for (i = 0; i < n; i += (size_t)len) {
		len = 1;
		if ((unsigned char)s[i] < 0x80 &&
		    !(dm_emoji_bmp[(unsigned char)s[i] >> 3] >> (s[i] & 7) & 1))
			continue;
		len = cplen(s + i, n - i);
		if (special(s + i, len, n - i))
			break;
	}
	return i;
}

static int
emo_init(void **state, const struct dm_args *args, struct dm_buf *err)
{
	(void)args;
	(void)err;
	*state = dm_xcalloc(1, sizeof(struct emo));
	return 0;
}

static void
emo_fini(void *state)
{
	struct emo *e = state;

	if (e == NULL)
		return;
	free(e->off);
	free(e->aside);
	free(e->pend);
	free(e);
}

static void
grow(struct emo *e)
{
	e->pendcap = e->pendcap ? 2 * e->pendcap : 64;
	e->pend = dm_xreallocarray(e->pend, e->pendcap, sizeof(*e->pend));
}

static inline void
push(struct emo *e, size_t start, size_t len, int status, int emoji)
{
	struct piece *p;

	if (e->npend == e->pendcap)
		grow(e);
	p = &e->pend[e->npend++];
	p->start = start;
	p->len = len;
	p->status = status;
	p->emoji = emoji;
}

/* Hands the pending characters over to the output, which is written a
 * run of bytes at a time. */
static void
flush(struct emo *e, const char *s, struct dm_buf *out)
{
	const size_t *off = e->off;
	size_t k, b, end;

	for (k = 0; k < e->npend; k++) {
		if (e->pend[k].emoji)
			continue;
		b = off[e->pend[k].start];
		end = off[e->pend[k].start + e->pend[k].len];
		if (b != e->re) {
			dm_buf_add(out, s + e->rb, e->re - e->rb);
			e->rb = b;
		}
		e->re = end;
	}
	e->npend = 0;
}

#define ZWJ(i)	(off[(i) + 1] - off[i] == 3 && \
		 memcmp(s + off[i], "\342\200\215", 3) == 0)
#define VS(i)	(off[(i) + 1] - off[i] == 3 && \
		 memcmp(s + off[i], "\357\270", 2) == 0 && \
		 (s[off[i] + 2] == '\216' || s[off[i] + 2] == '\217'))

/* One line s[0..n), without its newline, to out. */
static void
emo_line(struct emo *e, const char *s, size_t n, struct dm_buf *out)
{
	const size_t *off;
	size_t i, m, end, back, lo, hi;
	struct piece *p;
	int st;

	/* code points: at most n of them */
	if (n + 1 > e->cap) {
		e->cap = n + 1 > 2 * e->cap ? n + 1 : 2 * e->cap;
		e->off = dm_xreallocarray(e->off, e->cap, sizeof(*e->off));
		e->aside = dm_xrealloc(e->aside, e->cap);
	}
	for (m = 0, i = 0; i < n; m++) {
		e->off[m] = i;
		i += (size_t)cplen(s + i, n - i);
	}
	e->off[m] = n;
	memset(e->aside, 0, m);
	off = e->off;
	e->npend = 0;
	e->rb = e->re = 0;
	i = 0;
	while (i < m) {
		if (e->aside[i]) {
			i++;
			continue;
		}
		st = 0;
		if (starts(s + off[i], off[i + 1] - off[i], &lo, &hi)) {
			for (end = i + 1; end < m && !e->aside[end] &&
			    lookup(lo, hi, s + off[i], off[end + 1] - off[i]) != 0;)
				end++;
			st = lookup(lo, hi, s + off[i], off[end] - off[i]);
			if (st > 1) {
				push(e, i, end - i, st - 1, 1);
				i = end;
				continue;
			}
			/* the character alone may still be a key */
			if (end > i + 1)
				st = lookup(lo, hi, s + off[i],
				    off[i + 1] - off[i]);
		} else if (ZWJ(i) && e->npend > 0 &&
		    e->pend[e->npend - 1].status != 0 && i > 0 &&
		    starts(s + off[i - 1], off[i] - off[i - 1], &lo, &hi)) {
			e->aside[i] = 1;
			p = &e->pend[e->npend - 1];
			if (p->status == DM_EMOJI_COMPONENT) {
				back = p->len;
				if (e->npend > 1)
					back += p[-1].len;
				/* pieces lie before i, apart from overlaps no
				 * test has made reach 0: Python would index
				 * from the end there */
				i = back < i ? i - back : 0;
				if (ZWJ(i)) {
					i++;
					e->npend--;
				} else
					e->npend -= e->npend > 1 ? 2 : 1;
			} else {
				i -= p->len;
				e->npend--;
			}
			continue;
		} else if (e->npend == 1 && !e->pend[0].emoji &&
		    off[e->pend[0].start] == e->re) {
			/* the usual case, one character after another */
			e->re = off[e->pend[0].start + e->pend[0].len];
			e->npend = 0;
		} else if (e->npend > 0)
			flush(e, s, out);
		if (!VS(i))
			push(e, i, 1, st > 1 ? st - 1 : 0, 0);
		i++;
	}
	flush(e, s, out);
	dm_buf_add(out, s + e->rb, e->re - e->rb);
}

static int
emoji_text(void *state, const char *s, size_t n, struct dm_buf *out,
    struct dm_buf *err)
{
	struct emo *e = state;
	const char *nl;
	size_t i;

	(void)err;
	if ((i = scan(s, n)) == n)
		return 0;
	/* the lines before the first that may change are copied */
	while (i > 0 && s[i - 1] != '\n')
		i--;
	dm_buf_add(out, s, i);
	for (; i <= n; i = (size_t)(nl - s) + 1) {
		nl = memchr(s + i, '\n', n - i);
		if (nl == NULL)
			nl = s + n;
		if (scan(s + i, (size_t)(nl - s) - i) < (size_t)(nl - s) - i)
			emo_line(e, s + i, (size_t)(nl - s) - i, out);
		else
			dm_buf_add(out, s + i, (size_t)(nl - s) - i);
		if (nl < s + n)
			dm_buf_addc(out, '\n');
	}
	if (out->len == n && memcmp(out->buf, s, n) == 0) {
		dm_buf_reset(out);
		return 0;
	}
	return 1;
}

const struct dm_opdef dm_op_remove_emoji = {
	.name = "remove-emoji",
	.kind = DM_OP_MAP,
	.summary = "remove emoji, as the emoji package's replace_emoji "
	    "(DataMate EmojiCleaner)",
	.params = params,
	.init = emo_init,
	.text = emoji_text,
	.fini = emo_fini,
};
