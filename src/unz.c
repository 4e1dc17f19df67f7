/* unz.c - one compressed stream in: gzip, bzip2, xz, lzma and zstd by their
 * own libraries, lz4 here, the other formats through libarchive (archive.c) */
#include <sys/stat.h>

#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bzlib.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

/* lz4's checksums (its frame format's), inlined as hash.c has them */
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "dm.h"
#include "archives.h"

/*
 * libarchive's filters decompress into a block of their own and hand it
 * out when it is full: a stream cut short loses the block it was filling,
 * and archive_read_data() drops what it had copied of the earlier ones,
 * so the lines before the damage never reached the tools, and its lz4
 * and lzma filters wait for 256 KB of input before they hand out any.
 * These six formats are decompressed here instead: every byte
 * decompressed is handed out, and the error comes at the next read, as
 * gzip -dc writes what it could before it complains.
 *
 * A read hands out what is decompressed as soon as the input has no more
 * bytes now, not when its buffer is full: lines that a slow producer has
 * flushed (gzip's Z_SYNC_FLUSH, a member or frame a record) reach the
 * tools while it is idle, as those of a plain pipe do.
 */

#define INCHUNK	(128 * 1024)

/*
 * The most memory an xz stream's decoder may take: its dictionary, which
 * the stream's header sets (up to 4 GiB) and which fills as it is
 * decoded, is then at most 128 MiB, the window zstd's decoder takes at
 * most by default. xz -9 needs 65 MiB; a file of 60 KB that declared
 * 4 GiB held as much of its text as it gave, where gzip's holds 32 KB.
 */
#define XZ_MEMLIMIT	((uint64_t)(128 + 8) << 20)

/* refill's answer when the input has no bytes now and it is not to wait */
#define NOTNOW	(-2)

enum { UNZ_GZIP, UNZ_BZIP2, UNZ_XZ, UNZ_ZSTD, UNZ_LZMA, UNZ_LZ4,
    UNZ_OTHER };

/*
 * lz4's frame format (lz4_Frame_format.md), decoded here: Debian has no
 * liblz4 headers in the build's packages, and its format is small. A
 * block is decoded when it is whole (lz4 -B4 writes blocks of 64 KiB
 * at most, the default of lz4(1) 4 MiB); its bytes are then handed out.
 */
enum { LZ_MAGIC, LZ_DESC, LZ_BSIZE, LZ_BLOCK, LZ_CCHECK, LZ_SKIPSIZE,
    LZ_SKIP, LZ_LBSIZE };

/* The legacy format's (lz4 -l, the Linux kernel's): blocks of 8 MiB
 * decompressed, each at most LZ4_compressBound of that compressed. */
#define LZ_LEGACY	(8 * 1024 * 1024)
#define LZ_LEGACYIN	(LZ_LEGACY + LZ_LEGACY / 255 + 16)

#define LZ_HIST	(64 * 1024)	/* how far back a match of a linked block
				 * may reach */

struct lz {
	int		 state;
	size_t		 need;		/* bytes of stage the state takes */
	size_t		 have;
	unsigned char	*stage;		/* a header or a compressed block */
	size_t		 stagecap;
	unsigned char	*win;		/* history, then the block decoded */
	size_t		 wincap;
	size_t		 hist;		/* bytes of history at win */
	size_t		 out, outend;	/* decoded, not yet handed out */
	size_t		 bmax;		/* the frame's largest block */
	unsigned long	 skip;		/* of a skippable frame, left */
	int		 linked, bcheck, ccheck;
	int		 legacy;		/* a legacy frame's blocks */
	int		 csize;		/* the header gives the size */
	unsigned long long size, total;	/* ... and what came */
	XXH32_state_t	 xxh;
};

struct dm_unz {
	int		 kind;
	int		 fd;
	char		*pre;		/* the sniffed bytes, read first */
	size_t		 npre;
	int		 ineof;		/* fd is at its end */
	int		 done;		/* the stream ended as it should */
	int		 failed;	/* the next read fails, with msg */
	const char	*next;		/* input not yet decompressed */
	size_t		 navail;
	struct dm_buf	 msg;
	int		 zend;		/* zstd: the last frame is whole */
	int		 pollable;	/* fd may have no bytes now: not a
					 * regular file */
	int		 nowait;	/* this read never waits for fd */
	int		 between;	/* a stream ended; another or the
					 * end is still to be told */
	int		 padding;	/* ... zero bytes came after it */
	union {
		z_stream	 z;
		bz_stream	 bz;
		lzma_stream	 xz;
		ZSTD_DStream	*zs;
		struct lz	*lz;
		struct archive	*la;
	} s;
	char		 in[INCHUNK];
};

static const char *const names[] = { "gzip", "bzip2", "xz", "zstd", "lzma",
    "lz4" };

/* Sets the error that the next read gives. */
static void
fail(struct dm_unz *u, const char *what, const char *detail)
{
	u->failed = 1;
	dm_buf_reset(&u->msg);
	dm_buf_addf(&u->msg, "%s %s input", what, names[u->kind]);
	if (detail && *detail)
		dm_buf_addf(&u->msg, ": %s", detail);
}

/* More input when none is left: 1, 0 at the end of the file, -1 on a read
 * error (set as the stream's error). Unless wait is set, NOTNOW when fd
 * has no bytes now: the caller hands out what it has decompressed. */
static int
refill(struct dm_unz *u, int wait)
{
	struct pollfd p;
	ssize_t n;
	int k;

	if (u->navail > 0)
		return 1;
	if (u->npre > 0) {
		u->next = u->pre;
		u->navail = u->npre;
		u->npre = 0;
		return 1;
	}
	if (u->ineof)
		return 0;
	if (!wait && u->pollable) {
		p.fd = u->fd;
		p.events = POLLIN;
		while ((k = poll(&p, 1, 0)) < 0 && errno == EINTR &&
		    !dm_interrupted)
			;
		/* on poll's own error, the read tells */
		if (k == 0 || (k < 0 && dm_interrupted))
			return NOTNOW;
	}
	for (;;) {
		n = dm_read_wait(u->fd, u->in, sizeof u->in);
		if (n >= 0)
			break;
		if (errno != EINTR || dm_interrupted) {
			u->failed = 1;
			dm_buf_reset(&u->msg);
			dm_buf_adds(&u->msg, strerror(errno));
			return -1;
		}
	}
	if (n == 0) {
		u->ineof = 1;
		return 0;
	}
	u->next = u->in;
	u->navail = (size_t)n;
	return 1;
}

/* Whether c, not zero, may start a stream of u's format: zstd's decoder
 * judges what follows a frame itself (another frame, a skippable one, or
 * "Unknown frame descriptor"). */
static int
starts(const struct dm_unz *u, unsigned char c)
{
	switch (u->kind) {
	case UNZ_GZIP: return c == 0x1f;
	case UNZ_BZIP2: return c == 'B';
	case UNZ_XZ: return c == 0xfd;
	/* another lzma stream cannot follow one (xz -dc: "corrupt") */
	case UNZ_LZMA: return 0;
	/* a frame, or a skippable one */
	case UNZ_LZ4: return c == 0x04 || c == 0x02 || (c & 0xf0) == 0x50;
	default: return 1;
	}
}

/*
 * After the end of one stream: whether another one of the same format
 * follows (as gzip and bzip2 write with concatenated files, xz and zstd
 * as well). Zero bytes after the last (a tape's or a tar's padding) are
 * passed over, as gzip passes them; anything else is an error, -1, as
 * gzip's "trailing garbage" is: lines appended to a .gz after its stream
 * were lost with status 0. xz has zeros between its streams (its Stream
 * Padding), and zstd's are taken there as well. NOTNOW (see refill) leaves the question for the next
 * read, u->padding telling where it stopped.
 */
static int
another(struct dm_unz *u, int wait)
{
	int r;

	for (;;) {
		if ((r = refill(u, wait)) <= 0)
			return r;
		while (u->navail > 0 && *u->next == '\0') {
			u->padding = 1;
			u->next++;
			u->navail--;
		}
		if (u->navail == 0)
			continue;
		if ((!u->padding || u->kind == UNZ_XZ ||
		    u->kind == UNZ_ZSTD) &&
		    starts(u, (unsigned char)u->next[0])) {
			u->padding = 0;
			return 1;
		}
		fail(u, "invalid", "data after the end of the compressed "
		    "stream");
		return -1;
	}
}

/* Whether a read that has decompressed got bytes waits for more input: only
 * when it has none to hand out, and may wait. */
static int
mustwait(const struct dm_unz *u, size_t got)
{
	return got == 0 && !u->nowait;
}

static ssize_t
gz_read(struct dm_unz *u, unsigned char *buf, size_t n)
{
	z_stream *z = &u->s.z;
	int r, in;

	z->next_out = buf;
	z->avail_out = (uInt)(n > UINT32_MAX ? UINT32_MAX : n);
	n = z->avail_out;
	while (z->avail_out > 0 && !u->done && !u->failed) {
		if (u->between) {
			if ((r = another(u, mustwait(u,
			    n - z->avail_out))) < 0)
				break;
			u->between = 0;
			if (r == 0)
				u->done = 1;
			else
				inflateReset(z);
			continue;
		}
		if ((in = refill(u, mustwait(u, n - z->avail_out))) < 0)
			break;
		z->next_in = (Bytef *)(uintptr_t)u->next;
		z->avail_in = (uInt)u->navail;
		r = inflate(z, Z_NO_FLUSH);
		u->next = (const char *)z->next_in;
		u->navail = z->avail_in;
		if (r == Z_STREAM_END)
			u->between = 1;
		else if (r == Z_BUF_ERROR)
			/* no progress: the input ended inside the stream */
			fail(u, in == 0 ? "truncated" : "invalid", NULL);
		else if (r == Z_MEM_ERROR)
			dm_die("out of memory");
		else if (r != Z_OK)
			fail(u, "invalid", z->msg);
	}
	return (ssize_t)(n - z->avail_out);
}

static ssize_t
bz_read(struct dm_unz *u, char *buf, size_t n)
{
	bz_stream *bz = &u->s.bz;
	unsigned before;
	int r, in;

	bz->next_out = buf;
	bz->avail_out = (unsigned)(n > UINT32_MAX ? UINT32_MAX : n);
	n = bz->avail_out;
	while (bz->avail_out > 0 && !u->done && !u->failed) {
		if (u->between) {
			if ((r = another(u, mustwait(u,
			    n - bz->avail_out))) < 0)
				break;
			u->between = 0;
			before = bz->avail_out;
			BZ2_bzDecompressEnd(bz);
			if (r == 0)
				u->done = 1;
			else if (BZ2_bzDecompressInit(bz, 0, 0) != BZ_OK)
				dm_die("out of memory");
			bz->next_out = buf + (n - before);
			bz->avail_out = before;
			continue;
		}
		if ((in = refill(u, mustwait(u, n - bz->avail_out))) < 0)
			break;
		bz->next_in = (char *)(uintptr_t)u->next;
		bz->avail_in = (unsigned)u->navail;
		before = bz->avail_out;
		r = BZ2_bzDecompress(bz);
		u->next = bz->next_in;
		u->navail = bz->avail_in;
		if (r == BZ_STREAM_END)
			u->between = 1;
		else if (r == BZ_OK) {
			/* bzip2 says OK without progress at the input's end */
			if (in == 0 && bz->avail_out == before)
				fail(u, "truncated", NULL);
		} else if (r == BZ_MEM_ERROR)
			dm_die("out of memory");
		else
			fail(u, "invalid", NULL);
	}
	return (ssize_t)(n - bz->avail_out);
}

static ssize_t
xz_read(struct dm_unz *u, uint8_t *buf, size_t n)
{
	lzma_stream *xz = &u->s.xz;
	lzma_ret r;
	int in;

	xz->next_out = buf;
	xz->avail_out = n;
	while (xz->avail_out > 0 && !u->done && !u->failed) {
		if (u->between) {
			if ((in = another(u, mustwait(u,
			    n - xz->avail_out))) < 0)
				break;
			u->between = 0;
			/* (never another lzma stream: see starts) */
			if (in == 0)
				u->done = 1;
			else if (lzma_stream_decoder(xz, XZ_MEMLIMIT, 0) !=
			    LZMA_OK)
				dm_die("out of memory");
			continue;
		}
		if ((in = refill(u, mustwait(u, n - xz->avail_out))) < 0)
			break;
		xz->next_in = (const uint8_t *)u->next;
		xz->avail_in = u->navail;
		r = lzma_code(xz, in == 0 ? LZMA_FINISH : LZMA_RUN);
		u->next = (const char *)xz->next_in;
		u->navail = xz->avail_in;
		switch (r) {
		case LZMA_OK:
			break;
		case LZMA_STREAM_END:
			u->between = 1;
			break;
		case LZMA_BUF_ERROR:
			fail(u, "truncated", NULL);
			break;
		case LZMA_MEM_ERROR:
			dm_die("out of memory");
		case LZMA_MEMLIMIT_ERROR:
			fail(u, "unsupported", NULL);
			dm_buf_addf(&u->msg, ": it needs %llu MiB of memory "
			    "to decompress, more than %llu MiB",
			    (unsigned long long)((lzma_memusage(xz) +
			    (1 << 20) - 1) >> 20),
			    (unsigned long long)(XZ_MEMLIMIT >> 20));
			break;
		default:
			fail(u, "invalid", NULL);
			break;
		}
	}
	return (ssize_t)(n - xz->avail_out);
}

/* zstd's error r: a frame whose window is over the decoder's bound
 * (128 MiB, as zstd -dc's: zstd --long=31 of a pipe) is a stream of a
 * kind refused, as xz's over its bound, not a damaged one. */
static void
zs_fail(struct dm_unz *u, size_t r)
{
	if (ZSTD_getErrorCode(r) == ZSTD_error_frameParameter_windowTooLarge)
		fail(u, "unsupported", "its window needs more than 128 MiB "
		    "of memory to decompress");
	else
		fail(u, "invalid", ZSTD_getErrorName(r));
}

static ssize_t
zs_read(struct dm_unz *u, void *buf, size_t n)
{
	ZSTD_outBuffer out = { buf, n, 0 };
	ZSTD_inBuffer inb;
	size_t r;
	int in;

	while (out.pos < out.size && !u->done && !u->failed) {
		if (u->between) {
			/* the decoder starts the next frame by itself */
			if ((in = another(u, mustwait(u, out.pos))) < 0)
				break;
			u->between = 0;
			if (in == 0)
				u->done = 1;
			continue;
		}
		if ((in = refill(u, mustwait(u, out.pos))) < 0)
			break;
		if (in == 0) {
			/* what the decoder holds is flushed before the end */
			inb.src = NULL;
			inb.size = inb.pos = 0;
			r = ZSTD_decompressStream(u->s.zs, &out, &inb);
			if (ZSTD_isError(r))
				zs_fail(u, r);
			else if (r == 0)
				u->zend = 1;
			if (!u->failed && out.pos < out.size) {
				/* nothing more: the last frame must be whole */
				if (u->zend)
					u->done = 1;
				else
					fail(u, "truncated", NULL);
			}
			continue;
		}
		inb.src = u->next;
		inb.size = u->navail;
		inb.pos = 0;
		r = ZSTD_decompressStream(u->s.zs, &out, &inb);
		u->next += inb.pos;
		u->navail -= inb.pos;
		if (ZSTD_isError(r))
			zs_fail(u, r);
		else if ((u->zend = r == 0))
			u->between = 1;
	}
	return (ssize_t)out.pos;
}

/* Decodes the lz4 block of n bytes at src to win at l->hist, its matches
 * reaching back into the history before it: the bytes decoded, or -1 for
 * a block that is not one (or decodes to more than the frame's largest). */
static ssize_t
lz_block(struct lz *l, const unsigned char *src, size_t n)
{
	unsigned char *w = l->win;
	size_t ip = 0, op = l->hist, cap = l->hist + l->bmax;
	size_t lit, ml, off, i;
	unsigned tok, b;

	for (;;) {
		if (ip >= n)
			return -1;
		tok = src[ip++];
		lit = tok >> 4;
		if (lit == 15)
			do {
				if (ip >= n)
					return -1;
				lit += (b = src[ip++]);
			} while (b == 255);
		if (lit > n - ip || lit > cap - op)
			return -1;
		memcpy(w + op, src + ip, lit);
		ip += lit;
		op += lit;
		/* the last sequence is its literals alone */
		if (ip == n)
			break;
		if (n - ip < 2)
			return -1;
		off = (size_t)src[ip] | (size_t)src[ip + 1] << 8;
		ip += 2;
		ml = tok & 15;
		if (ml == 15)
			do {
				if (ip >= n)
					return -1;
				ml += (b = src[ip++]);
			} while (b == 255);
		ml += 4;
		if (off == 0 || off > op || ml > cap - op)
			return -1;
		if (off >= ml)
			memcpy(w + op, w + op - off, ml);
		else
			/* overlapping: a run that repeats itself */
			for (i = 0; i < ml; i++)
				w[op + i] = w[op - off + i];
		op += ml;
	}
	return (ssize_t)(op - l->hist);
}

static unsigned long
lz_le32(const unsigned char *p)
{
	return (unsigned long)p[0] | (unsigned long)p[1] << 8 |
	    (unsigned long)p[2] << 16 | (unsigned long)p[3] << 24;
}

static void
lz_want(struct lz *l, int state, size_t need)
{
	l->state = state;
	l->need = need;
	l->have = 0;
}

/* Room for the frame's blocks: bmax decompressed, in compressed. */
static void
lz_room(struct lz *l, size_t in)
{
	if (l->stagecap < in) {
		l->stagecap = in;
		free(l->stage);
		l->stage = dm_xmalloc(l->stagecap);
	}
	if (l->wincap < LZ_HIST + l->bmax) {
		l->wincap = LZ_HIST + l->bmax;
		free(l->win);
		l->win = dm_xmalloc(l->wincap);
	}
}

/* Acts on the l->need bytes staged for the state: 0, or -1 with the
 * stream's error set. */
static int
lz_step(struct dm_unz *u, struct lz *l)
{
	const unsigned char *p = l->stage;
	unsigned long v;
	size_t extra, keep;
	ssize_t got;

	switch (l->state) {
	case LZ_MAGIC:
		v = lz_le32(p);
		if (v == 0x184D2204UL) {
			/* FLG and BD, then what FLG says follows */
			lz_want(l, LZ_DESC, 2);
			return 0;
		}
		if ((v & 0xFFFFFFF0UL) == 0x184D2A50UL) {
			lz_want(l, LZ_SKIPSIZE, 4);
			return 0;
		}
		if (v == 0x184C2102UL) {
			l->legacy = 1;
			l->linked = l->bcheck = l->ccheck = l->csize = 0;
			l->hist = l->out = l->outend = 0;
			l->bmax = LZ_LEGACY;
			lz_room(l, LZ_LEGACYIN);
			lz_want(l, LZ_LBSIZE, 4);
			return 0;
		}
		fail(u, "invalid", "unknown frame");
		return -1;
	case LZ_LBSIZE:
		v = lz_le32(p);
		/* a legacy frame ends at the end of the input or where
		 * another frame starts */
		if (v == 0x184C2102UL)
			lz_want(l, LZ_LBSIZE, 4);
		else if (v == 0x184D2204UL || (v & 0xFFFFFFF0UL) ==
		    0x184D2A50UL) {
			l->legacy = 0;
			l->state = LZ_MAGIC;
		} else if (v == 0 || v > LZ_LEGACYIN) {
			fail(u, "invalid", "block too large");
			return -1;
		} else {
			lz_want(l, LZ_BLOCK, v);
			l->skip = 0;
		}
		return 0;
	case LZ_DESC:
		if (l->have == 2) {
			if ((p[0] & 0xC2) != 0x40 || (p[1] & 0x8F) != 0 ||
			    (p[1] >> 4 & 7) < 4) {
				fail(u, "invalid", "bad frame descriptor");
				return -1;
			}
			extra = (p[0] & 8 ? 8 : 0) + (p[0] & 1 ? 4 : 0) + 1;
			l->need += extra;
			return 0;
		}
		if ((XXH32(p, l->have - 1, 0) >> 8 & 0xFF) != p[l->have - 1]) {
			fail(u, "invalid", "header checksum mismatch");
			return -1;
		}
		if (p[0] & 1) {
			fail(u, "unsupported", "it needs a dictionary");
			return -1;
		}
		l->linked = !(p[0] & 0x20);
		l->bcheck = (p[0] & 0x10) != 0;
		l->ccheck = (p[0] & 4) != 0;
		l->csize = (p[0] & 8) != 0;
		l->size = 0;
		if (l->csize)
			l->size = (unsigned long long)lz_le32(p + 2) |
			    (unsigned long long)lz_le32(p + 6) << 32;
		l->total = 0;
		l->hist = l->out = l->outend = 0;
		XXH32_reset(&l->xxh, 0);
		/* 64 KiB, 256 KiB, 1 MiB or 4 MiB */
		l->bmax = (size_t)1 << (2 * (p[1] >> 4 & 7) + 8);
		/* (p is not used after: the stage may move) */
		lz_room(l, l->bmax + 4);
		lz_want(l, LZ_BSIZE, 4);
		return 0;
	case LZ_BSIZE:
		v = lz_le32(p);
		if (v == 0) {
			if (l->csize && l->total != l->size) {
				fail(u, "invalid", "size mismatch");
				return -1;
			}
			if (l->ccheck)
				lz_want(l, LZ_CCHECK, 4);
			else {
				lz_want(l, LZ_MAGIC, 4);
				u->between = 1;
			}
			return 0;
		}
		if ((v & 0x7FFFFFFFUL) > l->bmax) {
			fail(u, "invalid", "block too large");
			return -1;
		}
		lz_want(l, LZ_BLOCK, (v & 0x7FFFFFFFUL) + (l->bcheck ? 4 : 0));
		/* whether it is stored, for LZ_BLOCK */
		l->skip = v >> 31;
		return 0;
	case LZ_BLOCK:
		extra = l->need - (l->bcheck ? 4 : 0);
		if (l->bcheck && XXH32(p, extra, 0) != lz_le32(p + extra)) {
			fail(u, "invalid", "block checksum mismatch");
			return -1;
		}
		/* a linked block's matches reach into the 64 KiB before */
		keep = !l->linked ? 0 : l->outend > LZ_HIST ? LZ_HIST :
		    l->outend;
		if (keep > 0 && l->outend > keep)
			memmove(l->win, l->win + l->outend - keep, keep);
		l->hist = keep;
		if (l->skip) {
			memcpy(l->win + l->hist, p, extra);
			got = (ssize_t)extra;
		} else if ((got = lz_block(l, p, extra)) < 0) {
			fail(u, "invalid", "corrupt block");
			return -1;
		}
		l->out = l->hist;
		l->outend = l->hist + (size_t)got;
		l->total += (unsigned long long)got;
		if (l->ccheck)
			XXH32_update(&l->xxh, l->win + l->out, (size_t)got);
		lz_want(l, l->legacy ? LZ_LBSIZE : LZ_BSIZE, 4);
		return 0;
	case LZ_CCHECK:
		if (XXH32_digest(&l->xxh) != lz_le32(p)) {
			fail(u, "invalid", "content checksum mismatch");
			return -1;
		}
		lz_want(l, LZ_MAGIC, 4);
		u->between = 1;
		return 0;
	case LZ_SKIPSIZE:
		l->skip = lz_le32(p);
		lz_want(l, LZ_SKIP, 0);
		if (l->skip == 0) {
			lz_want(l, LZ_MAGIC, 4);
			u->between = 1;
		}
		return 0;
	}
	return 0;
}

static ssize_t
lz_read(struct dm_unz *u, char *buf, size_t n)
{
	struct lz *l = u->s.lz;
	size_t got = 0, k;
	int in;

	while (got < n && !u->done && !u->failed) {
		if (l->out < l->outend) {
			k = l->outend - l->out;
			if (k > n - got)
				k = n - got;
			memcpy(buf + got, l->win + l->out, k);
			l->out += k;
			got += k;
			continue;
		}
		if (u->between) {
			if ((in = another(u, mustwait(u, got))) < 0)
				break;
			u->between = 0;
			if (in == 0)
				u->done = 1;
			continue;
		}
		if ((in = refill(u, mustwait(u, got))) < 0)
			break;
		if (in == 0) {
			/* a legacy frame has no end mark */
			if (l->state == LZ_LBSIZE && l->have == 0)
				u->done = 1;
			else
				fail(u, "truncated", NULL);
			break;
		}
		if (l->state == LZ_SKIP) {
			k = u->navail < l->skip ? u->navail : l->skip;
			u->next += k;
			u->navail -= k;
			if ((l->skip -= k) == 0) {
				lz_want(l, LZ_MAGIC, 4);
				u->between = 1;
			}
			continue;
		}
		k = l->need - l->have;
		if (k > u->navail)
			k = u->navail;
		memcpy(l->stage + l->have, u->next, k);
		l->have += k;
		u->next += k;
		u->navail -= k;
		while (l->have == l->need && !u->failed && !u->between &&
		    l->state != LZ_SKIP && lz_step(u, l) == 0)
			;
	}
	return (ssize_t)got;
}

struct dm_unz *
dm_unz_open(int fd, const char *pre, size_t npre, int *eof, struct dm_buf *err)
{
	static const struct {
		const char *m;
		size_t len;
	} magic[] = {
		[UNZ_GZIP] = { "\x1f\x8b", 2 }, [UNZ_BZIP2] = { "BZh", 3 },
		[UNZ_XZ] = { "\xfd" "7zXZ\0", 6 },
		[UNZ_ZSTD] = { "\x28\xb5\x2f\xfd", 4 },
		/* lzma's "alone" format, with its usual properties byte */
		[UNZ_LZMA] = { "\x5d\0\0", 3 },
		[UNZ_LZ4] = { "\x04\x22\x4d\x18", 4 },
	};
	struct dm_unz *u;
	struct stat st;
	int k, r = 0;

	*eof = 0;
	for (k = 0; k < UNZ_OTHER; k++)
		if (npre >= magic[k].len && memcmp(pre, magic[k].m,
		    magic[k].len) == 0)
			break;
	/* A skippable frame first: pzstd writes one before each frame
	 * (lz4(1) none), and zstd's decoder passes over them. */
	if (k == UNZ_OTHER && npre >= 4 &&
	    ((unsigned char)pre[0] & 0xf0) == 0x50 &&
	    memcmp(pre + 1, "\x2a\x4d\x18", 3) == 0)
		k = UNZ_ZSTD;
	/* lz4's legacy frame */
	if (k == UNZ_OTHER && npre >= 4 && memcmp(pre, "\x02\x21\x4c\x18",
	    4) == 0)
		k = UNZ_LZ4;
	u = dm_xmalloc(sizeof *u);
	memset(u, 0, offsetof(struct dm_unz, in));
	u->kind = k;
	u->fd = fd;
	/* a regular file always has its bytes: no poll before each read */
	u->pollable = fstat(fd, &st) < 0 || !S_ISREG(st.st_mode);
	dm_buf_init(&u->msg);
	if (k == UNZ_OTHER) {
		if ((u->s.la = dm_unzla_open(fd, pre, npre, eof, err)) == NULL) {
			free(u);
			return NULL;
		}
		return u;
	}
	u->pre = dm_xstrndup(pre, npre);
	u->npre = npre;
	switch (k) {
	case UNZ_GZIP:
		r = inflateInit2(&u->s.z, 16 + MAX_WBITS) == Z_OK;
		break;
	case UNZ_BZIP2:
		r = BZ2_bzDecompressInit(&u->s.bz, 0, 0) == BZ_OK;
		break;
	case UNZ_XZ:
		u->s.xz = (lzma_stream)LZMA_STREAM_INIT;
		/* one stream: what follows it is told by another() */
		r = lzma_stream_decoder(&u->s.xz, XZ_MEMLIMIT, 0) == LZMA_OK;
		break;
	case UNZ_ZSTD:
		r = (u->s.zs = ZSTD_createDStream()) != NULL &&
		    !ZSTD_isError(ZSTD_initDStream(u->s.zs));
		break;
	case UNZ_LZMA:
		u->s.xz = (lzma_stream)LZMA_STREAM_INIT;
		r = lzma_alone_decoder(&u->s.xz, XZ_MEMLIMIT) == LZMA_OK;
		break;
	case UNZ_LZ4:
		u->s.lz = dm_xmalloc(sizeof *u->s.lz);
		memset(u->s.lz, 0, sizeof *u->s.lz);
		/* a frame's header: 19 bytes at most */
		u->s.lz->stagecap = 32;
		u->s.lz->stage = dm_xmalloc(u->s.lz->stagecap);
		lz_want(u->s.lz, LZ_MAGIC, 4);
		r = 1;
		break;
	}
	if (!r)
		dm_die("out of memory");
	return u;
}

static ssize_t
unzread(struct dm_unz *u, void *buf, size_t n, int nowait)
{
	ssize_t got = 0;

	if (u->failed)
		return -1;
	if (u->done || n == 0)
		return 0;
	u->nowait = nowait;
	switch (u->kind) {
	case UNZ_GZIP: got = gz_read(u, buf, n); break;
	case UNZ_BZIP2: got = bz_read(u, buf, n); break;
	case UNZ_XZ:
	case UNZ_LZMA: got = xz_read(u, buf, n); break;
	case UNZ_ZSTD: got = zs_read(u, buf, n); break;
	case UNZ_LZ4: got = lz_read(u, buf, n); break;
	}
	/* the bytes before an error first; the error at the next read */
	if (got > 0)
		return got;
	if (u->failed)
		return -1;
	/* waiting, a read ends with bytes, at the end or on an error */
	return u->done ? 0 : -2;
}

ssize_t
dm_unz_read(struct dm_unz *u, void *buf, size_t n)
{
	if (u->kind == UNZ_OTHER)
		return dm_unzla_read(u->s.la, buf, n);
	return unzread(u, buf, n, 0);
}

ssize_t
dm_unz_read_now(struct dm_unz *u, void *buf, size_t n)
{
	/* libarchive reads fd itself: it may wait */
	if (u->kind == UNZ_OTHER)
		return dm_unzla_read(u->s.la, buf, n);
	return unzread(u, buf, n, 1);
}

const char *
dm_unz_error(struct dm_unz *u)
{
	const char *s;
	size_t n;

	if (u->kind == UNZ_OTHER) {
		/* without the newline some of libarchive's messages end in */
		s = dm_unzla_error(u->s.la);
		n = dm_la_msglen(s);
		dm_buf_reset(&u->msg);
		dm_buf_add(&u->msg, s, n);
		return u->msg.buf;
	}
	return u->msg.len ? u->msg.buf : "truncated or corrupt compressed input";
}

void
dm_unz_close(struct dm_unz *u)
{
	if (u == NULL)
		return;
	switch (u->kind) {
	case UNZ_GZIP: inflateEnd(&u->s.z); break;
	case UNZ_BZIP2: BZ2_bzDecompressEnd(&u->s.bz); break;
	case UNZ_XZ:
	case UNZ_LZMA: lzma_end(&u->s.xz); break;
	case UNZ_ZSTD: ZSTD_freeDStream(u->s.zs); break;
	case UNZ_LZ4:
		free(u->s.lz->stage);
		free(u->s.lz->win);
		free(u->s.lz);
		break;
	case UNZ_OTHER: dm_unzla_close(u->s.la); break;
	}
	free(u->pre);
	dm_buf_free(&u->msg);
	free(u);
}
