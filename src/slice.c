/* slice.c - cut a text into chunks: windows, paragraphs, lines, sentences,
 * regex matches, LangChain's recursive splitter */
#include <stdlib.h>
#include <string.h>

#include "dm.h"
#include "slice.h"

static void
spans_add(struct dm_spans *s, size_t b, size_t e, size_t n)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->v = dm_xreallocarray(s->v, s->cap, sizeof *s->v);
	}
	s->v[s->n].b = b;
	s->v[s->n].e = e;
	s->v[s->n++].n = n;
}

/* Whether the cut must stop: it has all the chunks it wants, or a
 * signal came (SIGINT, SIGTERM) and the tool must end soon, not after
 * the rest of a long text. Asked at each chunk and in the loops that
 * may go long without one. */
static int
stopped(struct dm_slicer *sl)
{
	if (dm_interrupted)
		sl->stop = 1;
	return sl->stop;
}

/*
 * Takes the chunk [b, e) of n units, unless shorter than minsize. The
 * first pass counts the chunks, and keeps their spans while they are
 * few; the second, when they were not all kept, gives each to fn as it
 * is cut. Both stop at maxchunks.
 */
static void
add(struct dm_slicer *sl, size_t b, size_t e, size_t n)
{
	struct dm_span c;

	if (stopped(sl) || n < sl->minsize)
		return;
	if (sl->fn != NULL) {
		c.b = b;
		c.e = e;
		c.n = n;
		if (sl->fn(sl->arg, sl->count, sl->total, &c) < 0)
			sl->stop = 1;
	} else if (sl->chunks.n == sl->count && sl->count < sl->keep) {
		/* grown up to keep, not past it by doubling */
		if (sl->chunks.n == sl->chunks.cap) {
			sl->chunks.cap = sl->chunks.cap < sl->keep / 2 ?
			    (sl->chunks.cap ? sl->chunks.cap * 2 : 64) :
			    sl->keep;
			sl->chunks.v = dm_xreallocarray(sl->chunks.v,
			    sl->chunks.cap, sizeof *sl->chunks.v);
		}
		spans_add(&sl->chunks, b, e, n);
	}
	sl->count++;
	if (sl->count == sl->maxchunks || sl->count == sl->total)
		sl->stop = 1;
}

static int
isword(char c)
{
	return c != ' ' && c != '\n' && c != '\t';
}

/* Words are runs separated by space, newline and tab (OPS.md). */
static size_t
nwords(const char *t, size_t b, size_t e)
{
	size_t i, k = 0;

	for (i = b; i < e; i++)
		if (isword(t[i]) && (i == b || !isword(t[i - 1])))
			k++;
	return k;
}

static size_t
units(const struct dm_slicer *sl, size_t b, size_t e)
{
	if (sl->words)
		return nwords(sl->t, b, e);
	return dm_utf8_count(sl->t + b, e - b);
}

/* Whether a word runs across m, b < m < e: units of [b, m) and [m, e)
 * count it twice. */
static int
across(const struct dm_slicer *sl, size_t b, size_t m, size_t e)
{
	return sl->words && m > b && m < e && isword(sl->t[m - 1]) &&
	    isword(sl->t[m]);
}

/* Units of [b, e) from the known units u of [b, m): a word that runs
 * across m is counted once. */
static size_t
units_ext(const struct dm_slicer *sl, size_t u, size_t b, size_t m, size_t e)
{
	return u + units(sl, m, e) - (size_t)across(sl, b, m, e);
}

/* The word at or after p, before e: 1 and [*wb, *we), or 0. */
static int
nextword(const char *t, size_t p, size_t e, size_t *wb, size_t *we)
{
	while (p < e && !isword(t[p]))
		p++;
	if (p == e)
		return 0;
	*wb = p;
	while (p < e && isword(t[p]))
		p++;
	*we = p;
	return 1;
}

/* The byte offset k code points after p, at most e. */
static size_t
fwd(const char *t, size_t p, size_t e, size_t k)
{
	while (k > 0 && p < e) {
		p++;
		while (p < e && ((unsigned char)t[p] & 0xC0) == 0x80)
			p++;
		k--;
	}
	return p;
}

/* What chunk() does with the white space at the ends of a chunk. */
#define WS_KEEP		0	/* nothing: a window is a cut of the text */
#define WS_STRIP	1	/* it goes; an empty chunk is dropped */
#define WS_BLANK	2	/* a chunk of white space only is dropped */

/* Adds [b, e) as a chunk, its white space at both ends as ws says. */
static void
chunk(struct dm_slicer *sl, size_t b, size_t e, int ws)
{
	size_t sb, se;

	if (ws != WS_KEEP) {
		dm_uni_strip(sl->t + b, e - b, &sb, &se);
		if (sb == se)
			return;
		if (ws == WS_STRIP) {
			e = b + se;
			b += sb;
		}
	}
	if (b < e && !stopped(sl))
		add(sl, b, e, units(sl, b, e));
}

/* Windows of at most size units over [b, e), overlap units apart from
 * the next, their white space as chunk() takes ws; the last one ends at
 * e. An overlap of the whole size (which
 * LangChain takes) moves one unit: its merge drops pieces from the front
 * until the next one fits. */
static void
windows(struct dm_slicer *sl, size_t b, size_t e, int ws)
{
	size_t step = sl->size > sl->overlap ? sl->size - sl->overlap : 1;
	size_t i, p, q, wb, we, xb, xe, last;

	if (!sl->words) {
		for (p = b; p < e; p = fwd(sl->t, p, e, step)) {
			q = fwd(sl->t, p, e, sl->size);
			chunk(sl, p, q, ws);
			if (q == e || sl->stop)
				break;
		}
		return;
	}
	/* Word windows are found by walking the text, not from a list of
	 * its words, so that memory does not grow with the text. */
	for (p = b; nextword(sl->t, p, e, &wb, &we); p = q) {
		for (i = 0, q = wb, last = we; i < sl->size &&
		    nextword(sl->t, q, e, &xb, &xe); i++, q = xe)
			last = xe;
		chunk(sl, wb, last, ws);
		if (sl->stop || i < sl->size ||
		    !nextword(sl->t, q, e, &xb, &xe))
			break;
		for (i = 0, q = wb; i < step; i++, q = xe)
			nextword(sl->t, q, e, &xb, &xe);
	}
}

/* Closing quotes and brackets that may follow a sentence's end. */
static int
closing(int32_t cp)
{
	return cp != 0 && (strchr("\"')]}", (int)(cp < 128 ? cp : 1)) ||
	    cp == 0x201D || cp == 0x2019 || cp == 0x00BB || cp == 0x300D ||
	    cp == 0x300F || cp == 0xFF09 || cp == 0x3011);
}

/* Whether c ends a line: LF, or CR alone or before LF, as for --by line. */
static int
lineend(char c)
{
	return c == '\n' || c == '\r';
}

/* The next paragraph cut, at the start of a blank line at or after *p:
 * one of white space only (dm_uni_isspace, as the pieces are stripped
 * with), ended by LF, CR or CR LF. 1 and *at, *p where the search goes
 * on; or 0. */
static int
next_paragraph(const struct dm_slicer *sl, size_t *p, size_t *at)
{
	const char *t = sl->t;
	size_t b, q;
	int32_t cp = 0;
	int len, blank;

	while ((b = *p) < sl->n) {
		for (q = b; q < sl->n && !lineend(t[q]); q += (size_t)len)
			if ((len = dm_utf8_decode(t + q, sl->n - q, &cp)) < 0 ||
			    !dm_uni_isspace(cp))
				break;
		blank = q < sl->n && lineend(t[q]);
		while (q < sl->n && !lineend(t[q]))
			q++;
		if (q + 1 < sl->n && t[q] == '\r' && t[q + 1] == '\n')
			q++;
		*p = q + 1;
		if (blank) {
			*at = b;
			return 1;
		}
	}
	return 0;
}

/* The next sentence cut after *p: after a sentence mark and the closing
 * marks after it, when white space (dm_uni_isspace) or the end follows
 * (always after a CJK mark). 1 and *at, *p where the search goes on; or 0. */
static int
next_sentence(const struct dm_slicer *sl, size_t *p, size_t *at)
{
	const char *t = sl->t;
	size_t q;
	int32_t cp = 0;
	int len, cjk;

	while (*p < sl->n) {
		len = dm_utf8_decode(t + *p, sl->n - *p, &cp);
		*p += len > 0 ? (size_t)len : 1;
		cjk = cp == 0x3002 || cp == 0xFF01 || cp == 0xFF1F;
		if (!cjk && cp != '.' && cp != '!' && cp != '?')
			continue;
		for (q = *p; q < sl->n; q += (size_t)len)
			if ((len = dm_utf8_decode(t + q, sl->n - q, &cp)) < 0 ||
			    !closing(cp))
				break;
		if (cjk || q == sl->n || (dm_utf8_decode(t + q, sl->n - q,
		    &cp) > 0 && dm_uni_isspace(cp))) {
			*at = *p = q;
			return 1;
		}
	}
	return 0;
}

/*
 * The cuts of by(), in order, one at a time: they are found as they are
 * asked for, so that memory does not grow with their number (a regex
 * matching every space of a long line, a sentence every few bytes).
 * Sentence cuts are of two kinds, paragraph and sentence ends, each
 * found by its own forward scan; the two are merged as they go.
 */
#define CUT_NONE	0	/* none found yet */
#define CUT_HELD	1	/* found, not yet given */
#define CUT_END		2	/* no more */

struct cutter {
	size_t		 p;		/* where the search goes on */
	size_t		 sp;		/* DM_SLICE_SENTENCE: p for paragraph
					 * ends, sp for sentence ends */
	size_t		 pcut, scut;	/* the held paragraph, sentence cut */
	int		 pst, sst;	/* their CUT_ state */
	int		 done;
};

/* The next cut: 1 and *at; 0 at the end, or on an error (sl->failed). */
static int
nextcut(struct dm_slicer *sl, struct cutter *c, size_t *at)
{
	const char *t = sl->t;
	size_t ov[2];
	int r;

	switch (sl->mode) {
	case DM_SLICE_PARAGRAPH:
		return next_paragraph(sl, &c->p, at);
	case DM_SLICE_LINE:
		for (; c->p < sl->n; c->p++)
			if (t[c->p] == '\n' || t[c->p] == '\r') {
				*at = ++c->p;
				return 1;
			}
		return 0;
	case DM_SLICE_SENTENCE:
		if (c->pst == CUT_NONE)
			c->pst = next_paragraph(sl, &c->p, &c->pcut) ?
			    CUT_HELD : CUT_END;
		if (c->sst == CUT_NONE)
			c->sst = next_sentence(sl, &c->sp, &c->scut) ?
			    CUT_HELD : CUT_END;
		if (c->pst == CUT_HELD && (c->sst == CUT_END ||
		    c->pcut <= c->scut)) {
			*at = c->pcut;
			c->pst = CUT_NONE;
			return 1;
		}
		if (c->sst == CUT_HELD) {
			*at = c->scut;
			c->sst = CUT_NONE;
			return 1;
		}
		return 0;
	default:
		/* before each match */
		while (!c->done && c->p <= sl->n) {
			if ((r = dm_re_match(sl->re, t, sl->n, c->p, ov,
			    &sl->err)) < 0) {
				sl->failed = 1;
				break;
			}
			if (r == 0)
				break;
			/* an empty match would match again at the same place */
			c->p = ov[1] > ov[0] ? ov[1] : fwd(t, ov[0], sl->n, 1);
			if (ov[1] == ov[0] && ov[0] == sl->n)
				c->done = 1;
			if (ov[0] > 0) {
				*at = ov[0];
				return 1;
			}
		}
		c->done = 1;
		return 0;
	}
}

/*
 * The pieces of the text between the cuts, stripped, empty ones dropped,
 * made as pack() asks for them; only those that may still start a
 * chunk are kept (pack() says which), q.v[0] being piece number base.
 */
struct pieces {
	struct cutter	 c;
	size_t		 b;		/* the start of the next piece */
	int		 end;
	struct dm_spans	 q;
	size_t		 base;
};

#define PIECE(ps, x)	((ps)->q.v[(x) - (ps)->base])

/* Makes piece x there: 1, or 0 when there are not that many. */
static int
piece_at(struct dm_slicer *sl, struct pieces *ps, size_t x)
{
	size_t e, sb, se;

	while (x >= ps->base + ps->q.n) {
		/* cuts of empty pieces may be many (a regex of spaces on a
		 * line of them) */
		if (ps->end || stopped(sl))
			return 0;
		if (!nextcut(sl, &ps->c, &e)) {
			e = sl->n;
			ps->end = 1;
			if (sl->failed)
				return 0;
		}
		if (e <= ps->b)
			continue;
		dm_uni_strip(sl->t + ps->b, e - ps->b, &sb, &se);
		if (sb < se)
			spans_add(&ps->q, ps->b + sb, ps->b + se,
			    units(sl, ps->b + sb, ps->b + se));
		ps->b = e;
	}
	return 1;
}

/* Forgets the pieces before x. */
static void
pieces_drop(struct pieces *ps, size_t x)
{
	size_t k = x - ps->base;

	if (k > 1024 && k > ps->q.n / 2) {
		memmove(ps->q.v, ps->q.v + k, (ps->q.n - k) * sizeof *ps->q.v);
		ps->q.n -= k;
		ps->base = x;
	}
}

/* Packs consecutive pieces into chunks of at most size units; a piece
 * larger than that is cut into windows. With an overlap, the next chunk
 * starts with the last pieces of the previous one that fit in it. */
static void
pack(struct dm_slicer *sl, struct pieces *ps)
{
	size_t i = 0, j, k, lo, b, e, m, u, w, tu = 0;

	while (piece_at(sl, ps, i)) {
		pieces_drop(ps, i);
		if (PIECE(ps, i).n > sl->size) {
			/* a window of white space only is a piece that
			 * is empty once stripped: dropped as those are */
			windows(sl, PIECE(ps, i).b, PIECE(ps, i).e, WS_BLANK);
			if (sl->stop)
				break;
			i++;
			continue;
		}
		/* The chunk is [b, e), of u units. Of its pieces, only
		 * those that may start the next chunk are kept: after the
		 * first, within the last overlap units, [lo, j), of tu units
		 * from the start of lo; so that a chunk of a million small
		 * pieces does not hold them all. */
		b = PIECE(ps, i).b;
		e = PIECE(ps, i).e;
		u = PIECE(ps, i).n;
		for (j = lo = i + 1; piece_at(sl, ps, j); j++) {
			w = units_ext(sl, u, b, e, PIECE(ps, j).e);
			if (w > sl->size)
				break;
			u = w;
			tu = lo < j ? units_ext(sl, tu, PIECE(ps, lo).b, e,
			    PIECE(ps, j).e) : PIECE(ps, j).n;
			e = PIECE(ps, j).e;
			for (; lo <= j && (sl->overlap == 0 || tu > sl->overlap);
			    lo++)
				if (lo < j) {
					m = PIECE(ps, lo + 1).b;
					tu = tu - units(sl, PIECE(ps, lo).b, m) +
					    (size_t)across(sl, PIECE(ps, lo).b,
					    m, e);
				}
			pieces_drop(ps, lo);
		}
		add(sl, b, e, u);
		if (!piece_at(sl, ps, j))
			break;
		/* The units from piece k - 1 to e, u, are counted from
		 * those from piece k, not again from the start: a chunk
		 * that moves one piece at a time would count its whole
		 * overlap at each piece. */
		for (k = j; sl->overlap > 0 && k > lo && !stopped(sl); k--) {
			m = PIECE(ps, k - 1).b;
			u = k == j ? PIECE(ps, k - 1).n : u + units(sl, m,
			    PIECE(ps, k).b) - (size_t)across(sl, m,
			    PIECE(ps, k).b, e);
			if (u > sl->overlap ||
			    units_ext(sl, u, m, e, PIECE(ps, j).e) > sl->size)
				break;
		}
		i = k;
	}
}

static void
by(struct dm_slicer *sl)
{
	struct pieces ps;

	memset(&ps, 0, sizeof ps);
	pack(sl, &ps);
	free(ps.q.v);
}

/*
 * LangChain's _merge_splits with keep_separator (the separator between
 * pieces is empty), fed one piece at a time: the pieces of a run are
 * consecutive in the text. Of the window of the current chunk, [b, e)
 * of total units, only its tail is kept: the last pieces that together
 * hold at most overlap units, which are those left after a chunk (it
 * drops pieces from the front while more than overlap remain), so that
 * a chunk of a million small pieces does not hold them all.
 */
struct merger {
	struct dm_spans	 w;		/* the tail is w.v[head..w.n) */
	size_t		 head, tail;	/* tail: its units */
	size_t		 b, e, total, nwin;	/* nwin: pieces in the window */
};

static void
merge_add(struct dm_slicer *sl, struct merger *m, size_t b, size_t e, size_t n)
{
	if (m->total + n > sl->size && m->nwin > 0) {
		chunk(sl, m->b, m->e, WS_STRIP);
		m->total = m->tail;
		m->nwin = m->w.n - m->head;
		while (m->total + n > sl->size && m->total > 0) {
			m->total -= m->w.v[m->head].n;
			m->tail -= m->w.v[m->head++].n;
			m->nwin--;
		}
		if (m->nwin > 0)
			m->b = m->w.v[m->head].b;
	}
	if (m->nwin++ == 0)
		m->b = b;
	m->e = e;
	m->total += n;
	if (m->head > 1024 && m->head > m->w.n / 2) {
		memmove(m->w.v, m->w.v + m->head,
		    (m->w.n - m->head) * sizeof *m->w.v);
		m->w.n -= m->head;
		m->head = 0;
	}
	spans_add(&m->w, b, e, n);
	for (m->tail += n; m->tail > sl->overlap; m->head++)
		m->tail -= m->w.v[m->head].n;
}

/* Ends a run of pieces: its last chunk. */
static void
merge_end(struct dm_slicer *sl, struct merger *m)
{
	if (m->nwin > 0)
		chunk(sl, m->b, m->e, WS_STRIP);
	m->w.n = m->head = m->tail = m->total = m->nwin = 0;
}

/* A piece of the split: merged with its neighbours when smaller than
 * size, else split further (or a chunk as it is, with no separator
 * left). */
static void recursive(struct dm_slicer *, size_t, size_t, char **, size_t);

static void
piece(struct dm_slicer *sl, struct merger *m, size_t b, size_t e, char **seps,
    size_t nnew)
{
	size_t n = units(sl, b, e);

	if (n < sl->size) {
		merge_add(sl, m, b, e, n);
		return;
	}
	merge_end(sl, m);
	if (nnew == 0)
		add(sl, b, e, n);
	else
		recursive(sl, b, e, seps, nnew);
}

/*
 * The first sep in [p, e) of the text, or NULL. memchr and memcmp, not
 * memmem: the loop below asks for each of a long text's millions of
 * separators in the rest of the text, and memmem's cost is not bounded
 * by where the match is (AddressSanitizer's memmem checks the whole
 * rest each time: minutes for a 20 MB line).
 */
static const char *
find(const struct dm_slicer *sl, size_t p, size_t e, const char *sep,
    size_t seplen)
{
	const char *h;

	while (e - p >= seplen &&
	    (h = memchr(sl->t + p, *sep, e - p - seplen + 1)) != NULL) {
		if (memcmp(h + 1, sep + 1, seplen - 1) == 0)
			return h;
		p = (size_t)(h - sl->t) + 1;
	}
	return NULL;
}

/* LangChain's _split_text over [b, e) with separators seps[0..nseps). */
static void
recursive(struct dm_slicer *sl, size_t b, size_t e, char **seps, size_t nseps)
{
	struct merger m;
	const char *sep, *hit;
	size_t i, k, seplen, p, q, nnew = 0;

	memset(&m, 0, sizeof m);
	sep = seps[nseps - 1];
	for (i = 0; i < nseps; i++) {
		if (*seps[i] == '\0') {
			sep = seps[i];
			break;
		}
		if (find(sl, b, e, seps[i], strlen(seps[i])) != NULL) {
			sep = seps[i];
			nnew = nseps - i - 1;
			break;
		}
	}
	if (*sep == '\0') {
		/* One piece a character: merging them makes windows. */
		if (sl->size > 1)
			windows(sl, b, e, WS_STRIP);
		else
			for (p = b; p < e && !sl->stop; p = q)
				add(sl, p, q = fwd(sl->t, p, e, 1), 1);
		return;
	}
	/* the separator starts the piece that follows it */
	seplen = strlen(sep);
	for (p = b, q = b; !stopped(sl) &&
	    (hit = find(sl, q, e, sep, seplen)) != NULL; q = k + seplen) {
		k = (size_t)(hit - sl->t);
		if (k > p)
			piece(sl, &m, p, k, seps + nseps - nnew, nnew);
		p = k;
	}
	if (e > p && !sl->stop)
		piece(sl, &m, p, e, seps + nseps - nnew, nnew);
	merge_end(sl, &m);
	free(m.w.v);
}

/*
 * The next match in t[0..n) from *p, as Python's re.finditer goes: 1 and
 * ov, and *p and *ne moved past it; 0 at the end; -1 when the match
 * failed (sl->failed, the reason in sl->err).
 */
static int
djnext(struct dm_slicer *sl, const char *t, size_t n, size_t *p, int *ne,
    size_t ov[2])
{
	int r;

	if (stopped(sl))
		return 0;
	if ((r = dm_re_next(sl->re, t, n, *p, *ne, ov, &sl->err)) < 0) {
		sl->failed = 1;
		return -1;
	}
	if (r > 0) {
		*p = ov[1];
		*ne = ov[0] == ov[1];
	}
	return r;
}

/* A piece of re.split that is kept: one not blank to str.strip(). */
static void
djpiece(struct dm_slicer *sl, size_t b, size_t e)
{
	size_t sb, se;

	dm_uni_strip(sl->t + b, e - b, &sb, &se);
	if (sb < se)
		add(sl, b, e, dm_utf8_count(sl->t + b, e - b));
}

/*
 * Data-Juicer's text_chunk_mapper (get_text_chunks), in code points as
 * Python's str: with the pattern alone, the pieces of re.split() with
 * the pattern as a group that are not blank (matches included); with
 * max_len alone, windows of size starting every size - overlap, from
 * the start to the end (the last ones inside the ones before); with
 * both, recursively_chunk(): a text longer than size is cut before the
 * last match in its first size code points, and goes on after it, or
 * without a match cut at size and goes on overlap before. Chunks may be
 * empty there, as in Data-Juicer. Its recursion is a loop here.
 */
static void
dj(struct dm_slicer *sl)
{
	const char *t = sl->t;
	size_t b, s, p, last[2] = { 0, 0 }, ov[2];
	int r, ne, found;

	if (sl->size == 0) {
		for (b = p = 0, ne = 0; djnext(sl, t, sl->n, &p, &ne, ov) > 0;
		    b = ov[1]) {
			djpiece(sl, b, ov[0]);
			djpiece(sl, ov[0], ov[1]);
		}
		if (!sl->failed && !sl->stop)
			djpiece(sl, b, sl->n);
		return;
	}
	if (sl->re == NULL) {
		if (fwd(t, 0, sl->n, sl->size) == sl->n) {
			add(sl, 0, sl->n, dm_utf8_count(t, sl->n));
			return;
		}
		for (b = 0; b < sl->n && !stopped(sl);
		    b = fwd(t, b, sl->n, sl->size - sl->overlap)) {
			s = fwd(t, b, sl->n, sl->size);
			add(sl, b, s, dm_utf8_count(t + b, s - b));
		}
		return;
	}
	for (b = 0; !stopped(sl); ) {
		s = fwd(t, b, sl->n, sl->size);
		if (s == sl->n) {
			add(sl, b, s, dm_utf8_count(t + b, s - b));
			return;
		}
		/* the first size code points are a string of their own: $
		 * matches at their end, a lookbehind sees nothing before */
		for (p = 0, ne = 0, found = 0;
		    (r = djnext(sl, t + b, s - b, &p, &ne, ov)) > 0; found = 1) {
			last[0] = ov[0];
			last[1] = ov[1];
		}
		if (r < 0 || sl->stop)
			return;
		if (!found) {
			add(sl, b, s, sl->size);
			b = fwd(t, b, sl->n, sl->size - sl->overlap);
			continue;
		}
		add(sl, b, b + last[0], dm_utf8_count(t + b, last[0]));
		if (last[1] == 0) {
			/* Data-Juicer recurses on the same text until
			 * Python's recursion limit */
			dm_buf_adds(&sl->err, "the split pattern's last match "
			    "in the first --size characters is empty at "
			    "their start: the text would never get shorter");
			sl->failed = 1;
			return;
		}
		b += last[1];
	}
}

/* One pass over the text: 0, or -1 when a regular expression failed. */
static int
cut(struct dm_slicer *sl)
{
	sl->count = 0;
	sl->stop = 0;
	switch (sl->mode) {
	case DM_SLICE_SIZE:
		windows(sl, 0, sl->n, WS_KEEP);
		break;
	case DM_SLICE_RECURSIVE:
		recursive(sl, 0, sl->n, sl->seps, sl->nseps);
		break;
	case DM_SLICE_DJ:
		dj(sl);
		if (sl->failed) {
			sl->failed = 0;
			return -1;
		}
		break;
	default:
		by(sl);
		if (sl->failed) {
			sl->failed = 0;
			return -1;
		}
		break;
	}
	return 0;
}

/*
 * Every chunk carries the number of chunks, so they are all counted
 * before the first is given. Their spans are kept on the way while they
 * take less room than a quarter of the text; when there are more (a
 * chunk every few bytes: 24 bytes a chunk would be many times the text),
 * the text is cut a second time, each chunk given as it is found, so
 * that memory does not grow with their number.
 */
int
dm_slicer_cut(struct dm_slicer *sl, const char *t, size_t n,
    dm_slicer_fn *fn, void *arg, struct dm_buf *err)
{
	size_t i, total;
	int r;

	dm_buf_reset(&sl->err);
	sl->t = t;
	sl->n = n;
	sl->chunks.n = 0;
	sl->fn = NULL;
	sl->total = 0;
	/* an empty text has no chunk, but one of Data-Juicer's with
	 * max_len: re.split() of it is [''], which is blank */
	if (n == 0 && (sl->mode != DM_SLICE_DJ || sl->size == 0))
		return 0;
	sl->keep = n / 4 / sizeof *sl->chunks.v + 1024;
	if (cut(sl) < 0)
		goto fail;
	/* a cut stopped by a signal gives no chunk, rather than some with
	 * a wrong count */
	if (dm_interrupted)
		return 0;
	total = sl->count;
	if (sl->chunks.n == total) {
		for (i = 0; i < total && !dm_interrupted; i++)
			if (fn(arg, i, total, &sl->chunks.v[i]) < 0)
				break;
		return 0;
	}
	sl->fn = fn;
	sl->arg = arg;
	sl->total = total;
	r = cut(sl);
	sl->fn = NULL;
	if (r < 0)
		goto fail;
	return 0;
fail:
	dm_buf_add(err, sl->err.buf, sl->err.len);
	return -1;
}

void
dm_slicer_init(struct dm_slicer *sl)
{
	memset(sl, 0, sizeof *sl);
	dm_buf_init(&sl->err);
	sl->size = 1000;
	sl->mode = DM_SLICE_SIZE;
	/* LangChain's default separators */
	(void)dm_slicer_separators(sl, "\\n\\n,\\n, ,", &sl->err);
}

void
dm_slicer_free(struct dm_slicer *sl)
{
	size_t i;

	for (i = 0; i < sl->nseps; i++)
		free(sl->seps[i]);
	free(sl->seps);
	dm_re_free(sl->re);
	free(sl->chunks.v);
	dm_buf_free(&sl->err);
}

int
dm_slicer_separators(struct dm_slicer *sl, const char *arg,
    struct dm_buf *err)
{
	struct dm_buf b = DM_BUF_INIT;
	char **seps = NULL;
	const char *p;
	size_t i, n = 0;

	for (p = arg;; p++) {
		if (*p == '\\') {
			switch (*++p) {
			case 'n': dm_buf_addc(&b, '\n'); break;
			case 't': dm_buf_addc(&b, '\t'); break;
			case 'r': dm_buf_addc(&b, '\r'); break;
			case ',': dm_buf_addc(&b, ','); break;
			case '\\': dm_buf_addc(&b, '\\'); break;
			default:
				dm_buf_addf(err, "'\\%.1s' is not one of \\n, "
				    "\\t, \\r, \\, and \\\\", p);
				for (i = 0; i < n; i++)
					free(seps[i]);
				free(seps);
				dm_buf_free(&b);
				return -1;
			}
		} else if (*p == ',' || *p == '\0') {
			/* a byte of a character would cut the character */
			if (dm_utf8_check(b.buf, b.len) != b.len) {
				dm_buf_addf(err, "separator %zu is not valid "
				    "UTF-8", n + 1);
				for (i = 0; i < n; i++)
					free(seps[i]);
				free(seps);
				dm_buf_free(&b);
				return -1;
			}
			seps = dm_xreallocarray(seps, n + 1, sizeof *seps);
			seps[n++] = dm_xstrndup(b.buf, b.len);
			dm_buf_reset(&b);
			if (*p == '\0')
				break;
		} else
			dm_buf_addc(&b, *p);
	}
	dm_buf_free(&b);
	for (i = 0; i < sl->nseps; i++)
		free(sl->seps[i]);
	free(sl->seps);
	sl->seps = seps;
	sl->nseps = n;
	return 0;
}

int
dm_slicer_by(struct dm_slicer *sl, const char *arg, struct dm_buf *err)
{
	struct dm_re *re;
	size_t off;

	if (strcmp(arg, "paragraph") == 0)
		sl->mode = DM_SLICE_PARAGRAPH;
	else if (strcmp(arg, "line") == 0)
		sl->mode = DM_SLICE_LINE;
	else if (strcmp(arg, "sentence") == 0)
		sl->mode = DM_SLICE_SENTENCE;
	else if (strncmp(arg, "regex:", 6) == 0) {
		if (arg[6] == '\0') {
			dm_buf_adds(err, "the regex is empty");
			return -1;
		}
		if ((re = dm_re_new(arg + 6, "m", err, &off)) == NULL)
			return -1;
		dm_re_free(sl->re);
		sl->re = re;
		sl->mode = DM_SLICE_REGEX;
	} else {
		dm_buf_addf(err, "'%s' is not one of paragraph, line, "
		    "sentence, regex:RE", arg);
		return -1;
	}
	return 0;
}

int
dm_slicer_dj(struct dm_slicer *sl, const char *pattern, struct dm_buf *err)
{
	struct dm_re *re = NULL;
	size_t off;

	if (pattern != NULL) {
		if (*pattern == '\0') {
			dm_buf_adds(err, "the regex is empty");
			return -1;
		}
		if ((re = dm_re_new(pattern, "", err, &off)) == NULL)
			return -1;
		/* re.split() gives a group's text as a piece too */
		if (dm_re_group(re, 1, NULL) >= 0) {
			dm_re_free(re);
			dm_buf_adds(err, "a pattern with a group: Data-Juicer "
			    "would give its text as chunks too; use (?:...)");
			return -1;
		}
	}
	dm_re_free(sl->re);
	sl->re = re;
	sl->mode = DM_SLICE_DJ;
	return 0;
}
