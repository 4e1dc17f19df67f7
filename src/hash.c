/* hash.c - MD5 and SHA-256 (nettle), XXH64 (libxxhash) and hex digests */

#include <nettle/md5.h>
#include <nettle/sha2.h>

/*
 * libxxhash's functions inlined from its header (its documented
 * XXH_INLINE_ALL mode): most keys hashed are a few bytes (token pieces,
 * shingles), for which a call into the shared library would cost as much
 * as the hash.
 */
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "dm.h"

/* nettle's MD5 and SHA-256 are assembly (SHA-NI where the processor has
 * it): faster than a scalar C version at every length. */
void
dm_md5(const void *data, size_t n, unsigned char out[16])
{
	struct md5_ctx c;

	md5_init(&c);
	md5_update(&c, n, data);
	md5_digest(&c, MD5_DIGEST_SIZE, out);
}

void
dm_sha256(const void *data, size_t n, unsigned char out[32])
{
	struct sha256_ctx c;

	sha256_init(&c);
	sha256_update(&c, n, data);
	sha256_digest(&c, SHA256_DIGEST_SIZE, out);
}

uint64_t
dm_hash64(const void *data, size_t n)
{
	return XXH64(data, n, 0);
}

struct dm_hash64_state *
dm_hash64_new(void)
{
	XXH64_state_t *st;

	if ((st = XXH64_createState()) == NULL)
		dm_die("out of memory");
	XXH64_reset(st, 0);
	return (struct dm_hash64_state *)st;
}

void
dm_hash64_add(struct dm_hash64_state *st, const void *p, size_t n)
{
	XXH64_update((XXH64_state_t *)st, p, n);
}

uint64_t
dm_hash64_end(struct dm_hash64_state *st)
{
	uint64_t h = XXH64_digest((XXH64_state_t *)st);

	XXH64_freeState((XXH64_state_t *)st);
	return h;
}

void
dm_hex(struct dm_buf *b, const unsigned char *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	dm_buf_grow(b, 2 * n);
	for (i = 0; i < n; i++) {
		b->buf[b->len + 2 * i] = digits[p[i] >> 4];
		b->buf[b->len + 2 * i + 1] = digits[p[i] & 0xf];
	}
	dm_buf_setlen(b, b->len + 2 * n);
}

int
dm_hexdigit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}
