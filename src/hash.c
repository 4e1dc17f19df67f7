/* hash.c - MD5 (RFC 1321), SHA-256 (FIPS 180-4), XXH64 and hex digests */

#include <string.h>

#include "dm.h"

static uint32_t
rol32(uint32_t x, int n)
{
	return (x << n) | (x >> (32 - n));
}

static uint32_t
ror32(uint32_t x, int n)
{
	return (x >> n) | (x << (32 - n));
}

static uint64_t
rol64(uint64_t x, int n)
{
	return (x << n) | (x >> (64 - n));
}

static uint32_t
le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static uint64_t
le64(const unsigned char *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/*
 * Both digests pad the message the same way: a 1 bit, zeros, and the
 * length in bits as 64 bits (little-endian for MD5, big-endian for
 * SHA-256), ending on a 64-byte boundary. tail() builds the last one or
 * two blocks from the bytes left over.
 */
static size_t
tail(unsigned char blk[128], const unsigned char *p, size_t rest,
    uint64_t total, int bigendian)
{
	uint64_t bits;
	size_t nblk, i;

	memset(blk, 0, 128);
	memcpy(blk, p, rest);
	blk[rest] = 0x80;
	nblk = rest < 56 ? 64 : 128;
	bits = total * 8;
	for (i = 0; i < 8; i++) {
		if (bigendian)
			blk[nblk - 1 - i] = (unsigned char)(bits >> (8 * i));
		else
			blk[nblk - 8 + i] = (unsigned char)(bits >> (8 * i));
	}
	return nblk;
}

/* ---- MD5 ---- */

/* RFC 1321's sine table, shared with the 16-lane MD5 of digest.c */
const uint32_t dm_md5_k[64] = {
	0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee,
	0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
	0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be,
	0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
	0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa,
	0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
	0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed,
	0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
	0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c,
	0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
	0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05,
	0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
	0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039,
	0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
	0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1,
	0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391
};

static const unsigned char md5_s[64] = {
	7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
	5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
	4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
	6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21
};

static void
md5_block(uint32_t h[4], const unsigned char *p)
{
	uint32_t x[16], a, b, c, d, f, t;
	int i, g;

	for (i = 0; i < 16; i++)
		x[i] = le32(p + 4 * i);
	a = h[0];
	b = h[1];
	c = h[2];
	d = h[3];
	for (i = 0; i < 64; i++) {
		switch (i / 16) {
		case 0:
			f = (b & c) | (~b & d);
			g = i;
			break;
		case 1:
			f = (d & b) | (~d & c);
			g = (5 * i + 1) % 16;
			break;
		case 2:
			f = b ^ c ^ d;
			g = (3 * i + 5) % 16;
			break;
		default:
			f = c ^ (b | ~d);
			g = (7 * i) % 16;
			break;
		}
		t = d;
		d = c;
		c = b;
		b = b + rol32(a + f + dm_md5_k[i] + x[g], md5_s[i]);
		a = t;
	}
	h[0] += a;
	h[1] += b;
	h[2] += c;
	h[3] += d;
}

void
dm_md5(const void *data, size_t n, unsigned char out[16])
{
	uint32_t h[4] = { 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476 };
	const unsigned char *p = data;
	unsigned char blk[128];
	size_t left, nblk, i;

	for (left = n; left >= 64; left -= 64, p += 64)
		md5_block(h, p);
	nblk = tail(blk, p, left, n, 0);
	for (i = 0; i < nblk; i += 64)
		md5_block(h, blk + i);
	for (i = 0; i < 16; i++)
		out[i] = (unsigned char)(h[i / 4] >> (8 * (i % 4)));
}

/* ---- SHA-256 ---- */

static const uint32_t sha_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5,
	0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
	0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
	0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3,
	0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5,
	0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
};

static void
sha256_block(uint32_t h[8], const unsigned char *p)
{
	uint32_t w[64], v[8], s0, s1, ch, maj, t1, t2;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = be32(p + 4 * i);
	for (i = 16; i < 64; i++) {
		s0 = ror32(w[i - 15], 7) ^ ror32(w[i - 15], 18) ^
		    (w[i - 15] >> 3);
		s1 = ror32(w[i - 2], 17) ^ ror32(w[i - 2], 19) ^
		    (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	memcpy(v, h, sizeof(v));
	for (i = 0; i < 64; i++) {
		s1 = ror32(v[4], 6) ^ ror32(v[4], 11) ^ ror32(v[4], 25);
		ch = (v[4] & v[5]) ^ (~v[4] & v[6]);
		t1 = v[7] + s1 + ch + sha_k[i] + w[i];
		s0 = ror32(v[0], 2) ^ ror32(v[0], 13) ^ ror32(v[0], 22);
		maj = (v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]);
		t2 = s0 + maj;
		memmove(v + 1, v, 7 * sizeof(v[0]));
		v[4] += t1;
		v[0] = t1 + t2;
	}
	for (i = 0; i < 8; i++)
		h[i] += v[i];
}

void
dm_sha256(const void *data, size_t n, unsigned char out[32])
{
	uint32_t h[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19
	};
	const unsigned char *p = data;
	unsigned char blk[128];
	size_t left, nblk, i;

	for (left = n; left >= 64; left -= 64, p += 64)
		sha256_block(h, p);
	nblk = tail(blk, p, left, n, 1);
	for (i = 0; i < nblk; i += 64)
		sha256_block(h, blk + i);
	for (i = 0; i < 32; i++)
		out[i] = (unsigned char)(h[i / 4] >> (24 - 8 * (i % 4)));
}

/* ---- XXH64, seed 0 ---- */

#define P64_1	0x9E3779B185EBCA87ULL
#define P64_2	0xC2B2AE3D27D4EB4FULL
#define P64_3	0x165667B19E3779F9ULL
#define P64_4	0x85EBCA77C2B2AE63ULL
#define P64_5	0x27D4EB2F165667C5ULL

static uint64_t
xxh_round(uint64_t acc, uint64_t lane)
{
	acc += lane * P64_2;
	acc = rol64(acc, 31);
	return acc * P64_1;
}

static uint64_t
xxh_merge(uint64_t acc, uint64_t v)
{
	acc ^= xxh_round(0, v);
	return acc * P64_1 + P64_4;
}

uint64_t
dm_hash64(const void *data, size_t n)
{
	const unsigned char *p = data, *end = p + n;
	uint64_t v1, v2, v3, v4, acc;

	if (n >= 32) {
		v1 = P64_1 + P64_2;
		v2 = P64_2;
		v3 = 0;
		v4 = -P64_1;
		for (; end - p >= 32; p += 32) {
			v1 = xxh_round(v1, le64(p));
			v2 = xxh_round(v2, le64(p + 8));
			v3 = xxh_round(v3, le64(p + 16));
			v4 = xxh_round(v4, le64(p + 24));
		}
		acc = rol64(v1, 1) + rol64(v2, 7) + rol64(v3, 12) +
		    rol64(v4, 18);
		acc = xxh_merge(acc, v1);
		acc = xxh_merge(acc, v2);
		acc = xxh_merge(acc, v3);
		acc = xxh_merge(acc, v4);
	} else
		acc = P64_5;
	acc += (uint64_t)n;
	for (; end - p >= 8; p += 8) {
		acc ^= xxh_round(0, le64(p));
		acc = rol64(acc, 27) * P64_1 + P64_4;
	}
	if (end - p >= 4) {
		acc ^= (uint64_t)le32(p) * P64_1;
		acc = rol64(acc, 23) * P64_2 + P64_3;
		p += 4;
	}
	for (; p < end; p++) {
		acc ^= *p * P64_5;
		acc = rol64(acc, 11) * P64_1;
	}
	acc ^= acc >> 33;
	acc *= P64_2;
	acc ^= acc >> 29;
	acc *= P64_3;
	acc ^= acc >> 32;
	return acc;
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
