/* digest.c - SHA-1 and MD5 from nettle, for dm-dedup's keys */
#include <string.h>

#include <nettle/md5.h>
#include <nettle/sha1.h>

#include "dedup.h"

/*
 * Shingles are short: one padded block, given straight to nettle's
 * compression function (SHA-NI where the processor has it), saves the
 * context's buffering, which cost as much as the compression itself.
 * The first 4 bytes of the digest are the first state word, big-endian.
 */
uint32_t
dm_sha1_hash32(const void *p, size_t n)
{
	static const uint32_t iv[5] = {
		0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0
	};
	struct sha1_ctx c;
	uint8_t md[SHA1_DIGEST_SIZE], blk[SHA1_BLOCK_SIZE];
	uint32_t st[5];
	uint64_t bits = (uint64_t)n * 8;
	int i;

	if (n < SHA1_BLOCK_SIZE - 8) {
		memcpy(blk, p, n);
		blk[n] = 0x80;
		memset(blk + n + 1, 0, SHA1_BLOCK_SIZE - 8 - n - 1);
		for (i = 0; i < 8; i++)
			blk[SHA1_BLOCK_SIZE - 1 - i] = (uint8_t)(bits >> (8 * i));
		memcpy(st, iv, sizeof st);
		nettle_sha1_compress(st, blk);
		return (st[0] >> 24) | (st[0] >> 8 & 0xFF00) |
		    (st[0] << 8 & 0xFF0000) | st[0] << 24;
	}
	sha1_init(&c);
	sha1_update(&c, n, p);
	sha1_digest(&c, sizeof md, md);
	return (uint32_t)md[0] | (uint32_t)md[1] << 8 |
	    (uint32_t)md[2] << 16 | (uint32_t)md[3] << 24;
}

/* The same digest as dm_md5; nettle's is several times faster, and dedup
 * hashes every text (and every SimHash shingle). */
void
dm_dedup_md5(const void *p, size_t n, unsigned char out[16])
{
	struct md5_ctx c;

	md5_init(&c);
	md5_update(&c, n, p);
	md5_digest(&c, MD5_DIGEST_SIZE, out);
}
