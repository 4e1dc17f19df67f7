/* sniff.c - compressed streams, archives and zips known by their first bytes */
#include <string.h>

#include "dm.h"
#include "archives.h"

/*
 * No libarchive here: every file dm-scan meets and every operand the
 * reader opens is sniffed, and only those these functions recognize load
 * dm-archive.so (archive-load.c).
 */

/* ar's magic is a line of text: an archive is that line alone (empty)
 * or followed by a member's header, which ends in "`\n". Notes that only
 * start with it are text. */
static int
isar(const unsigned char *p, size_t n)
{
	if (n < 8 || memcmp(p, "!<arch>\n", 8) != 0)
		return 0;
	return n == 8 || (n >= 68 && p[66] == '`' && p[67] == '\n');
}

int
dm_archive_sniff(const void *head, size_t n)
{
	const unsigned char *p = head;

	if ((n >= 2 && p[0] == 0x1F && p[1] == 0x8B) ||
	    (n >= 4 && memcmp(p, "BZh", 3) == 0 && p[3] >= '1' && p[3] <= '9') ||
	    (n >= 6 && memcmp(p, "\xFD" "7zXZ\0", 6) == 0) ||
	    (n >= 4 && memcmp(p, "\x28\xB5\x2F\xFD", 4) == 0) ||
	    /* a skippable frame, as pzstd writes before each zstd frame */
	    (n >= 4 && (p[0] & 0xF0) == 0x50 &&
	    memcmp(p + 1, "\x2A\x4D\x18", 3) == 0) ||
	    (n >= 4 && memcmp(p, "\x04\x22\x4D\x18", 4) == 0) ||
	    /* lz4's legacy frame (lz4 -l, the Linux kernel's) */
	    (n >= 4 && memcmp(p, "\x02\x21\x4C\x18", 4) == 0) ||
	    /* lzma's "alone" format with the usual properties byte, and
	     * compress(1); neither can begin a text file */
	    (n >= 13 && p[0] == 0x5D && p[1] == 0 && p[2] == 0) ||
	    (n >= 3 && p[0] == 0x1F && p[1] == 0x9D))
		return DM_SNIFF_COMPRESSED;
	if ((n >= 4 && (memcmp(p, "PK\3\4", 4) == 0 ||
	    memcmp(p, "PK\5\6", 4) == 0 || memcmp(p, "PK\7\10", 4) == 0)) ||
	    (n >= 6 && memcmp(p, "7z\xBC\xAF\x27\x1C", 6) == 0) ||
	    isar(p, n) ||
	    (n >= 262 && memcmp(p + 257, "ustar", 5) == 0) ||
	    (n >= 32774 && memcmp(p + 32769, "CD001", 5) == 0))
		return DM_SNIFF_ARCHIVE;
	/* cpio's magic numbers are also plain digits: libarchive decides */
	if ((n >= 6 && (memcmp(p, "070707", 6) == 0 ||
	    memcmp(p, "070701", 6) == 0 || memcmp(p, "070702", 6) == 0)) ||
	    (n >= 2 && ((p[0] == 0xC7 && p[1] == 0x71) ||
	    (p[0] == 0x71 && p[1] == 0xC7))))
		return DM_SNIFF_MAYBE;
	return DM_SNIFF_NONE;
}

/* The smallest stream of each compression: that of no data. */
static const struct {
	const char	*magic;
	size_t		 len, least;
} stubs[] = {
	{ "\x1F\x8B", 2, 20 }, { "BZh", 3, 14 }, { "\xFD" "7zXZ\0", 6, 32 },
	{ "\x28\xB5\x2F\xFD", 4, 13 }, { "\x04\x22\x4D\x18", 4, 15 },
	{ "\x5D\0\0", 3, 18 }, { "\x1F\x9D", 2, 3 },
	{ "\x02\x21\x4C\x18", 4, 4 }
};

int
dm_archive_stub(const void *data, size_t n)
{
	size_t i;

	if (dm_archive_sniff(data, n) != DM_SNIFF_COMPRESSED)
		return 0;
	for (i = 0; i < sizeof stubs / sizeof stubs[0]; i++)
		if (memcmp(data, stubs[i].magic, stubs[i].len) == 0)
			return n < stubs[i].least;
	/* a skippable frame's header: 8 bytes, what zstd -dc takes */
	return n < 8;
}

static unsigned
le16(const unsigned char *p)
{
	return (unsigned)p[0] | (unsigned)p[1] << 8;
}

static unsigned long
le32(const unsigned char *p)
{
	return (unsigned long)le16(p) | (unsigned long)le16(p + 2) << 16;
}

int
dm_zip_first(const void *head, size_t n, const char **name, size_t *namelen,
    const char **data, size_t *datalen)
{
	const unsigned char *p = head;
	size_t nl, xl, sz;

	*name = *data = NULL;
	*namelen = *datalen = 0;
	if (n < 30 || memcmp(p, "PK\3\4", 4) != 0)
		return 0;
	nl = le16(p + 26);
	xl = le16(p + 28);
	if (30 + nl > n)
		return 0;
	*name = (const char *)p + 30;
	*namelen = nl;
	sz = le32(p + 18);
	/* stored, its size in the header (no data descriptor) */
	if (le16(p + 8) == 0 && !(le16(p + 6) & 8) && 30 + nl + xl <= n &&
	    sz <= n - 30 - nl - xl) {
		*data = (const char *)p + 30 + nl + xl;
		*datalen = sz;
	}
	return 1;
}
