/* digest.c - SHA-1 and MD5 from nettle, for dm-dedup's keys */
#include <string.h>

#include <nettle/md5.h>
#include <nettle/sha1.h>

#include "dedup.h"
#include "simd.h"

/* the first state word after one block, as dm_sha1_hash32 gives it */
static uint32_t
sha1_block32(const unsigned char *blk)
{
	uint32_t st[5] = {
		0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0
	};

	nettle_sha1_compress(st, blk);
	return __builtin_bswap32(st[0]);
}

/*
 * Shingles are short: one padded block, given straight to nettle's
 * compression function (SHA-NI where the processor has it), saves the
 * context's buffering, which cost as much as the compression itself.
 * The first 4 bytes of the digest are the first state word, big-endian.
 */
uint32_t
dm_sha1_hash32(const void *p, size_t n)
{
	struct sha1_ctx c;
	uint8_t md[SHA1_DIGEST_SIZE], blk[SHA1_BLOCK_SIZE];

	if (n < SHA1_BLOCK_SIZE - 8) {
		dm_sha1_pad(blk, p, n);
		return sha1_block32(blk);
	}
	sha1_init(&c);
	sha1_update(&c, n, p);
	sha1_digest(&c, sizeof md, md);
	return (uint32_t)md[0] | (uint32_t)md[1] << 8 |
	    (uint32_t)md[2] << 16 | (uint32_t)md[3] << 24;
}

/*
 * Exact mode hashes every text with MD5, whose 64 steps a block are each
 * one long dependency: one text at a time it moves 600 MB/s at best. With
 * AVX-512 the same steps run on 16 texts at once, one in each 32-bit lane
 * (RFC 1321's algorithm; the ternary-logic instruction is each round's
 * function, a rotation is one instruction). Lanes take the next text as
 * they finish; the last few texts go on one at a time with nettle's
 * compression function from the state reached.
 */
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

#define LANES	16

/* RFC 1321's sine table */
static const uint32_t md5_k[64] = {
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

/* one text in a lane: its whole blocks, then one or two padded ones */
struct md5lane {
	const unsigned char *p;
	size_t		 msg;		/* which text */
	size_t		 k, nfull, nblk;	/* next block, whole ones, all */
	unsigned char	 pad[128];
};

static const unsigned char *
md5_block(const struct md5lane *l)
{
	return l->k < l->nfull ? l->p + 64 * l->k :
	    l->pad + 64 * (l->k - l->nfull);
}

/* Lane i takes text msg; its state is column i of st. */
static void
md5_start(struct md5lane *l, uint32_t st[4][LANES], int lane, size_t msg,
    const unsigned char *p, size_t n)
{
	size_t r = n % 64, i;
	uint64_t bits = (uint64_t)n * 8;

	l->p = p;
	l->msg = msg;
	l->k = 0;
	l->nfull = n / 64;
	l->nblk = l->nfull + (r < 56 ? 1 : 2);
	memset(l->pad, 0, sizeof l->pad);
	if (r > 0)
		memcpy(l->pad, p + n - r, r);
	l->pad[r] = 0x80;
	for (i = 0; i < 8; i++)
		l->pad[64 * (l->nblk - l->nfull) - 8 + i] =
		    (unsigned char)(bits >> (8 * i));
	st[0][lane] = 0x67452301;
	st[1][lane] = 0xefcdab89;
	st[2][lane] = 0x98badcfe;
	st[3][lane] = 0x10325476;
}

static void
md5_end(const struct md5lane *l, uint32_t st[4][LANES], int lane,
    unsigned char (*out)[16])
{
	int i;

	for (i = 0; i < 16; i++)
		out[l->msg][i] = (unsigned char)(st[i / 4][lane] >>
		    (8 * (i % 4)));
}

/* a = b + ((a + f(b, c, d) + m[g] + k[i]) <<< s) */
#define MD5_STEP(f, a, b, c, d, g, s, i) do {				\
	a = _mm512_add_epi32(a, _mm512_add_epi32(			\
	    _mm512_ternarylogic_epi32(b, c, d, f),			\
	    _mm512_add_epi32(m[g], _mm512_set1_epi32((int)k[i]))));	\
	a = _mm512_add_epi32(b, _mm512_rol_epi32(a, s));		\
} while (0)

/* The message word of step i of each round (RFC 1321) */
#define MD5_G1(i)	(i)
#define MD5_G2(i)	((5 * (i) + 1) % 16)
#define MD5_G3(i)	((3 * (i) + 5) % 16)
#define MD5_G4(i)	((7 * (i)) % 16)

/* four steps from step i, then a round's 16: the rotations stay
 * immediates, as _mm512_rol_epi32 needs, and every step is inline */
#define MD5_STEP4(f, g, s0, s1, s2, s3, i) do {			\
	MD5_STEP(f, a, b, c, d, g(i), s0, i);				\
	MD5_STEP(f, d, a, b, c, g((i) + 1), s1, (i) + 1);		\
	MD5_STEP(f, c, d, a, b, g((i) + 2), s2, (i) + 2);		\
	MD5_STEP(f, b, c, d, a, g((i) + 3), s3, (i) + 3);		\
} while (0)
#define MD5_ROUND(f, g, s0, s1, s2, s3, i) do {			\
	MD5_STEP4(f, g, s0, s1, s2, s3, i);				\
	MD5_STEP4(f, g, s0, s1, s2, s3, (i) + 4);			\
	MD5_STEP4(f, g, s0, s1, s2, s3, (i) + 8);			\
	MD5_STEP4(f, g, s0, s1, s2, s3, (i) + 12);			\
} while (0)

/*
 * One block in each of the 16 lanes, blk[i] lane i's; st[j][i] is word j
 * of lane i's state.
 * The functions of the four rounds as ternary logic: F = b ? c : d is
 * 0xCA, G = d ? b : c is 0xE4, H = b ^ c ^ d is 0x96, I = c ^ (b | ~d)
 * is 0x39.
 */
/* 16 blocks as rows, transposed: m[w] is word w of each block, block i's
 * in lane i */
__attribute__((target("avx512f"))) static inline void
transpose16(const unsigned char *const *blk, __m512i m[16])
{
	__m512i r[16], t[16], u[4][4], v[4];
	int i, g, j;

	for (i = 0; i < LANES; i++)
		r[i] = _mm512_loadu_si512(blk[i]);
	for (i = 0; i < 8; i++) {
		t[2 * i] = _mm512_unpacklo_epi32(r[2 * i], r[2 * i + 1]);
		t[2 * i + 1] = _mm512_unpackhi_epi32(r[2 * i], r[2 * i + 1]);
	}
	/* u[g][j], 128-bit lane q: word 4q + j of rows 4g to 4g + 3 */
	for (g = 0; g < 4; g++) {
		u[g][0] = _mm512_unpacklo_epi64(t[4 * g], t[4 * g + 2]);
		u[g][1] = _mm512_unpackhi_epi64(t[4 * g], t[4 * g + 2]);
		u[g][2] = _mm512_unpacklo_epi64(t[4 * g + 1], t[4 * g + 3]);
		u[g][3] = _mm512_unpackhi_epi64(t[4 * g + 1], t[4 * g + 3]);
	}
	for (j = 0; j < 4; j++) {
		v[0] = _mm512_shuffle_i32x4(u[0][j], u[1][j], 0x88);
		v[1] = _mm512_shuffle_i32x4(u[0][j], u[1][j], 0xDD);
		v[2] = _mm512_shuffle_i32x4(u[2][j], u[3][j], 0x88);
		v[3] = _mm512_shuffle_i32x4(u[2][j], u[3][j], 0xDD);
		m[j] = _mm512_shuffle_i32x4(v[0], v[2], 0x88);
		m[8 + j] = _mm512_shuffle_i32x4(v[0], v[2], 0xDD);
		m[4 + j] = _mm512_shuffle_i32x4(v[1], v[3], 0x88);
		m[12 + j] = _mm512_shuffle_i32x4(v[1], v[3], 0xDD);
	}
}

/*
 * One block in each of the 16 lanes, blk[i] lane i's; st[j][i] is word j
 * of lane i's state.
 * The functions of the four rounds as ternary logic: F = b ? c : d is
 * 0xCA, G = d ? b : c is 0xE4, H = b ^ c ^ d is 0x96, I = c ^ (b | ~d)
 * is 0x39.
 */
__attribute__((target("avx512f"))) static void
md5_x16(uint32_t st[4][LANES], const unsigned char *const *blk)
{
	__m512i m[16], a, b, c, d;
	const uint32_t *k = md5_k;

	/* the constants read from the table, not folded into the code:
	 * each is then a broadcast operand of its step's addition instead
	 * of two more instructions */
	__asm__("" : "+r"(k));
	transpose16(blk, m);
	a = _mm512_loadu_si512(st[0]);
	b = _mm512_loadu_si512(st[1]);
	c = _mm512_loadu_si512(st[2]);
	d = _mm512_loadu_si512(st[3]);
	MD5_ROUND(0xCA, MD5_G1, 7, 12, 17, 22, 0);
	MD5_ROUND(0xE4, MD5_G2, 5, 9, 14, 20, 16);
	MD5_ROUND(0x96, MD5_G3, 4, 11, 16, 23, 32);
	MD5_ROUND(0x39, MD5_G4, 6, 10, 15, 21, 48);
	_mm512_storeu_si512(st[0], _mm512_add_epi32(a,
	    _mm512_loadu_si512(st[0])));
	_mm512_storeu_si512(st[1], _mm512_add_epi32(b,
	    _mm512_loadu_si512(st[1])));
	_mm512_storeu_si512(st[2], _mm512_add_epi32(c,
	    _mm512_loadu_si512(st[2])));
	_mm512_storeu_si512(st[3], _mm512_add_epi32(d,
	    _mm512_loadu_si512(st[3])));
}

static void
md5_many_x16(size_t n, const unsigned char *const *p, const size_t *len,
    unsigned char (*out)[16])
{
	static const unsigned char zero[64];
	struct md5lane lane[LANES];
	const unsigned char *blk[LANES];
	uint32_t st[4][LANES] = { { 0 } };
	int busy[LANES] = { 0 }, i, j, nbusy = 0;
	size_t next = 0;

	for (i = 0; i < LANES; i++)
		blk[i] = zero;
	for (;;) {
		for (i = 0; i < LANES && next < n; i++)
			if (!busy[i]) {
				md5_start(&lane[i], st, i, next, p[next],
				    len[next]);
				blk[i] = md5_block(&lane[i]);
				next++;
				busy[i] = 1;
				nbusy++;
			}
		if (nbusy == 0)
			break;
		if (next == n && nbusy < LANES / 4) {
			/* the last few: one at a time */
			for (i = 0; i < LANES; i++) {
				uint32_t one[4];

				if (!busy[i])
					continue;
				for (j = 0; j < 4; j++)
					one[j] = st[j][i];
				for (; lane[i].k < lane[i].nblk; lane[i].k++)
					nettle_md5_compress(one,
					    md5_block(&lane[i]));
				for (j = 0; j < 4; j++)
					st[j][i] = one[j];
				md5_end(&lane[i], st, i, out);
			}
			break;
		}
		md5_x16(st, blk);
		for (i = 0; i < LANES; i++) {
			if (!busy[i])
				continue;
			if (++lane[i].k < lane[i].nblk) {
				blk[i] = md5_block(&lane[i]);
				continue;
			}
			md5_end(&lane[i], st, i, out);
			blk[i] = zero;
			busy[i] = 0;
			nbusy--;
		}
	}
}
/*
 * SHA-1 (FIPS 180-4) of 16 one-block messages, one in each lane: the
 * words are big-endian (swapped after the transposition), the 80
 * rounds' functions are ternary logic (Ch 0xCA, parity 0x96, Maj 0xE8),
 * the schedule a rolling window of 16 words. Only the first state word
 * is kept: sha1_hash32 is its 4 bytes, read little-endian.
 */
#define SHA1_ROUND(f, k, w) do {					\
	t = _mm512_add_epi32(_mm512_add_epi32(_mm512_rol_epi32(a, 5),	\
	    _mm512_ternarylogic_epi32(b, c, d, f)),			\
	    _mm512_add_epi32(e, _mm512_add_epi32(w,			\
	    _mm512_set1_epi32((int)(k)))));				\
	e = d;								\
	d = c;								\
	c = _mm512_rol_epi32(b, 30);					\
	b = a;								\
	a = t;								\
} while (0)

/* w[i] for rounds 16 to 79, in place of w[i - 16] */
#define SHA1_NEXT(i) (m[(i) & 15] = _mm512_rol_epi32(			\
	_mm512_xor_si512(_mm512_ternarylogic_epi32(m[((i) - 3) & 15],	\
	m[((i) - 8) & 15], m[((i) - 14) & 15], 0x96), m[(i) & 15]), 1))

/* rounds from to to (at most 20), each unrolled, their words scheduled */
#define SHA1_ROUNDS(from, to, f, k) do {				\
	_Pragma("GCC unroll 20")					\
	for (i = (from); i < (to); i++)					\
		SHA1_ROUND(f, k, SHA1_NEXT(i));				\
} while (0)

/* each 32-bit word's bytes reversed: bytes 0 and 2 from x <<< 8, 1 and 3
 * from x <<< 24 (AVX-512 F alone has no byte shuffle) */
__attribute__((target("avx512f"))) static inline __m512i
bswap32x16(__m512i x)
{
	return _mm512_ternarylogic_epi32(_mm512_set1_epi32(0x00FF00FF),
	    _mm512_rol_epi32(x, 8), _mm512_rol_epi32(x, 24), 0xCA);
}

__attribute__((target("avx512f"))) static void
sha1_x16(const unsigned char *blk, uint32_t out[LANES])
{
	const unsigned char *rows[LANES];
	__m512i m[16], a, b, c, d, e, t;
	int i;

	for (i = 0; i < LANES; i++)
		rows[i] = blk + 64 * i;
	transpose16(rows, m);
	for (i = 0; i < 16; i++)
		m[i] = bswap32x16(m[i]);
	a = _mm512_set1_epi32(0x67452301);
	b = _mm512_set1_epi32((int)0xEFCDAB89);
	c = _mm512_set1_epi32((int)0x98BADCFE);
	d = _mm512_set1_epi32(0x10325476);
	e = _mm512_set1_epi32((int)0xC3D2E1F0);
#pragma GCC unroll 16
	for (i = 0; i < 16; i++)
		SHA1_ROUND(0xCA, 0x5A827999, m[i]);
	SHA1_ROUNDS(16, 20, 0xCA, 0x5A827999);
	SHA1_ROUNDS(20, 40, 0x96, 0x6ED9EBA1);
	SHA1_ROUNDS(40, 60, 0xE8, 0x8F1BBCDC);
	SHA1_ROUNDS(60, 80, 0x96, 0xCA62C1D6);
	a = _mm512_add_epi32(a, _mm512_set1_epi32(0x67452301));
	_mm512_storeu_si512(out, bswap32x16(a));
}
#endif

void
dm_dedup_md5_many(size_t n, const unsigned char *const *p,
    const size_t *len, unsigned char (*out)[16])
{
	size_t i;

#if defined(__x86_64__) && defined(__GNUC__)
	if (n >= LANES && dm_simd_level() >= 3) {	/* AVX-512 */
		md5_many_x16(n, p, len, out);
		return;
	}
#endif
	for (i = 0; i < n; i++)
		dm_md5(p[i], len[i], out[i]);
}

void
dm_sha1_pad(unsigned char blk[64], const void *p, size_t n)
{
	uint64_t bits = (uint64_t)n * 8;
	int i;

	memmove(blk, p, n);
	blk[n] = 0x80;
	memset(blk + n + 1, 0, 64 - 8 - n - 1);
	for (i = 0; i < 8; i++)
		blk[63 - i] = (uint8_t)(bits >> (8 * i));
}

void
dm_sha1_hash32_blocks(size_t n, const unsigned char *blk, uint32_t *out)
{
	size_t i = 0;

#if defined(__x86_64__) && defined(__GNUC__)
	if (dm_simd_level() >= 3) {	/* AVX-512 */
		unsigned char last[LANES * 64];
		uint32_t o[LANES];
		size_t r;

		for (; i + LANES <= n; i += LANES)
			sha1_x16(blk + 64 * i, out + i);
		/* a last partial group, unless it is so small that one at
		 * a time costs less than 16 lanes */
		if ((r = n - i) >= 4) {
			memcpy(last, blk + 64 * i, 64 * r);
			memset(last + 64 * r, 0, 64 * (LANES - r));
			sha1_x16(last, o);
			memcpy(out + i, o, r * sizeof *o);
			i = n;
		}
	}
#endif
	for (; i < n; i++)
		out[i] = sha1_block32(blk + 64 * i);
}
