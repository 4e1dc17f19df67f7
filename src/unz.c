/* unz.c - one compressed stream in: gzip, bzip2, xz, lzma, zstd and lz4 by
 * their own libraries, the other formats through libarchive (archive.c) */
#include <sys/stat.h>

#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bzlib.h>
#include <lz4.h>
#include <lz4frame.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

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
 * lz4: its frames (and skippable frames) by liblz4's frame decoder, which
 * hands out each block once it is whole (lz4 -B4 writes blocks of 64 KiB
 * at most, the default of lz4(1) 4 MiB). The legacy format (lz4 -l, the
 * Linux kernel's), which that decoder does not read, goes a block at a
 * time through LZ4_decompress_safe, as lz4(1) reads it: a magic number,
 * then blocks of 8 MiB decompressed, each after its compressed size, up
 * to the end of the input or the next frame's magic number.
 */
#define LZ_LEGACYMAGIC	0x184C2102UL
#define LZ_LEGACY	(8 * 1024 * 1024)

struct lz {
	LZ4F_dctx	*dctx;
	int		 inframe;	/* a frame's magic number is known */
	int		 legacy;	/* ... and it is a legacy frame's */
	unsigned char	 word[4];	/* a magic number or a block's size,
					 * as its bytes come */
	size_t		 nword;
	size_t		 feed;		/* bytes of word for the decoder */
	size_t		 hint;		/* the decoder's: the bytes of its
					 * next step (a block and the next
					 * one's size), or 0 */
	char		*stage;		/* legacy: a compressed block */
	size_t		 need, have;	/* ... its size, and what came */
	char		*out;		/* ... and decompressed */
	size_t		 outoff, outlen;
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

static unsigned long
lz_le32(const unsigned char *p)
{
	return (unsigned long)p[0] | (unsigned long)p[1] << 8 |
	    (unsigned long)p[2] << 16 | (unsigned long)p[3] << 24;
}

/* lz4's frame decoder's error r, said in words (its names, as
 * ERROR_blockChecksum_invalid, for the others). */
static void
lz_fail(struct dm_unz *u, size_t r)
{
	static const char *const words[][2] = {
		{ "ERROR_headerChecksum_invalid", "header checksum mismatch" },
		{ "ERROR_blockChecksum_invalid", "block checksum mismatch" },
		{ "ERROR_contentChecksum_invalid",
		    "content checksum mismatch" },
		{ "ERROR_frameSize_wrong", "size mismatch" },
		{ "ERROR_frameType_unknown", "unknown frame" },
		{ "ERROR_headerVersion_wrong", "bad frame descriptor" },
		{ "ERROR_reservedFlag_set", "bad frame descriptor" },
		{ "ERROR_maxBlockSize_invalid", "bad frame descriptor" },
		{ "ERROR_decompressionFailed", "corrupt block" },
	};
	const char *name = LZ4F_getErrorName(r);
	size_t i;

	if (strcmp(name, "ERROR_allocation_failed") == 0)
		dm_die("out of memory");
	for (i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strcmp(name, words[i][0]) == 0) {
			fail(u, "invalid", words[i][1]);
			return;
		}
	fail(u, "invalid", name);
}

/* Moves input into dst, up to want bytes: the bytes moved. */
static size_t
take(struct dm_unz *u, void *dst, size_t want)
{
	if (want > u->navail)
		want = u->navail;
	memcpy(dst, u->next, want);
	u->next += want;
	u->navail -= want;
	return want;
}

/* Takes input into l->word up to 4 bytes: whether it is whole. */
static int
lz_word(struct dm_unz *u, struct lz *l)
{
	l->nword += take(u, l->word + l->nword, 4 - l->nword);
	return l->nword == 4;
}

/* A legacy frame's next word, whole in l->word: a block's size, or the
 * magic number of the frame after it. 0, or -1 with the error set. */
static int
lz_legacy(struct dm_unz *u, struct lz *l)
{
	unsigned long v = lz_le32(l->word);

	l->nword = 0;
	if (v == LZ_LEGACYMAGIC)
		return 0;
	if (v == 0x184D2204UL || (v & 0xFFFFFFF0UL) == 0x184D2A50UL) {
		/* a frame: its magic number goes to the frame decoder */
		l->legacy = 0;
		l->nword = l->feed = 4;
		return 0;
	}
	if (v == 0 || v > (unsigned long)LZ4_compressBound(LZ_LEGACY)) {
		fail(u, "invalid", "block too large");
		return -1;
	}
	if (l->stage == NULL) {
		l->stage = dm_xmalloc((size_t)LZ4_compressBound(LZ_LEGACY));
		l->out = dm_xmalloc(LZ_LEGACY);
	}
	l->need = v;
	l->have = 0;
	return 0;
}

static ssize_t
lz_read(struct dm_unz *u, char *buf, size_t n)
{
	struct lz *l = u->s.lz;
	size_t got = 0, k, dst, src;
	size_t r;
	int in;

	while (got < n && !u->done && !u->failed) {
		if (l->outoff < l->outlen) {
			k = l->outlen - l->outoff;
			if (k > n - got)
				k = n - got;
			memcpy(buf + got, l->out + l->outoff, k);
			l->outoff += k;
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
		/* the magic number a legacy frame's word brought */
		if (l->feed > 0) {
			l->inframe = 1;
			dst = n - got;
			src = l->feed;
			r = LZ4F_decompress(l->dctx, buf + got, &dst,
			    l->word + 4 - l->feed, &src, NULL);
			got += dst;
			if ((l->feed -= src) == 0)
				l->nword = 0;
			if (LZ4F_isError(r))
				lz_fail(u, r);
			else
				l->hint = r;
			continue;
		}
		if ((in = refill(u, mustwait(u, got))) < 0)
			break;
		if (in == 0) {
			/* a legacy frame has no end mark */
			if (l->legacy && l->nword == 0 && l->need == 0)
				u->done = 1;
			else
				fail(u, "truncated", NULL);
			break;
		}
		if (!l->inframe) {
			if (!lz_word(u, l))
				continue;
			if (lz_le32(l->word) == LZ_LEGACYMAGIC) {
				l->inframe = l->legacy = 1;
				l->nword = 0;
			} else
				l->feed = 4;
			continue;
		}
		if (l->legacy && l->need == 0) {
			if (lz_word(u, l) && lz_legacy(u, l) < 0)
				break;
			continue;
		}
		if (l->legacy) {
			l->have += take(u, l->stage + l->have,
			    l->need - l->have);
			if (l->have < l->need)
				continue;
			in = LZ4_decompress_safe(l->stage, l->out, (int)l->need,
			    LZ_LEGACY);
			l->need = l->have = 0;
			if (in < 0) {
				fail(u, "invalid", "corrupt block");
				break;
			}
			l->outoff = 0;
			l->outlen = (size_t)in;
			continue;
		}
		/* A step at a time: an error drops what its call decoded
		 * (lz4frame.c reports no bytes then), so the block before a
		 * content checksum that fails is handed out first. */
		dst = n - got;
		src = u->navail;
		if (l->hint > 0 && src > l->hint)
			src = l->hint;
		r = LZ4F_decompress(l->dctx, buf + got, &dst, u->next, &src,
		    NULL);
		got += dst;
		u->next += src;
		u->navail -= src;
		if (LZ4F_isError(r))
			lz_fail(u, r);
		else if ((l->hint = r) == 0) {
			/* the frame is whole: the next one is told apart by
			 * its magic number again */
			l->inframe = 0;
			u->between = 1;
		}
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
		r = !LZ4F_isError(LZ4F_createDecompressionContext(
		    &u->s.lz->dctx, LZ4F_VERSION));
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
		LZ4F_freeDecompressionContext(u->s.lz->dctx);
		free(u->s.lz->stage);
		free(u->s.lz->out);
		free(u->s.lz);
		break;
	case UNZ_OTHER: dm_unzla_close(u->s.la); break;
	}
	free(u->pre);
	dm_buf_free(&u->msg);
	free(u);
}
