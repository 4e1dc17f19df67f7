/* digest.c - SHA-1 and MD5 from nettle, for dm-dedup's keys */
#include <nettle/md5.h>
#include <nettle/sha1.h>

#include "dedup.h"

uint32_t
dm_sha1_hash32(const void *p, size_t n)
{
	struct sha1_ctx c;
	uint8_t md[SHA1_DIGEST_SIZE];

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
