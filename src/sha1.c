/* sha1.c - SHA-1 from nettle, as Data-Juicer's sha1_hash32 uses it */
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
