/* hash.c - hash: a digest of the text in a field, for ids and exact dedup */

#include <stdlib.h>
#include <string.h>

#include "dm.h"

enum { ALGO_MD5, ALGO_SHA256, ALGO_XXH64 };	/* order of choices */

struct hash {
	char		*field;
	long long	 algo;
	struct dm_buf	 hex;
};

static const struct dm_param params[] = {
	{ .name = "field", .type = DM_P_STR, .def = "hash",
	  .help = "field that receives the lower-case hex digest" },
	{ .name = "algo", .type = DM_P_ENUM, .def = "md5",
	  .choices = "md5,sha256,xxh64",
	  .help = "digest of the text's UTF-8 bytes" },
	{ .name = NULL }
};

static int
hash_init(void **state, const struct dm_args *args, struct dm_buf *err)
{
	struct hash *h;
	const char *field;

	field = dm_arg_str(args, "field");
	if (dm_args_fieldpath(args, "field", err) < 0)
		return -1;
	h = dm_xcalloc(1, sizeof(*h));
	h->field = dm_xstrdup(field);
	h->algo = dm_arg(args, "algo")->i;
	dm_buf_init(&h->hex);
	*state = h;
	return 0;
}

static int
hash_sample(void *state, struct dm_sample *s, const char *key,
    struct dm_buf *err)
{
	struct hash *h = state;
	struct dm_field f;
	unsigned char d[32];
	const char *text;
	size_t n;
	uint64_t x;
	int i;

	if (dm_sample_text(s, key, &text, &n, err) == -1)
		return -1;
	dm_buf_reset(&h->hex);
	switch (h->algo) {
	case ALGO_MD5:
		dm_md5(text, n, d);
		dm_hex(&h->hex, d, 16);
		break;
	case ALGO_SHA256:
		dm_sha256(text, n, d);
		dm_hex(&h->hex, d, 32);
		break;
	default:
		/* Big-endian, the canonical form xxhsum prints. */
		x = dm_hash64(text, n);
		for (i = 0; i < 8; i++)
			d[i] = (unsigned char)(x >> (56 - 8 * i));
		dm_hex(&h->hex, d, 8);
		break;
	}
	/* Hashing again leaves the sample as it came, bytes and all. */
	dm_sample_get(s, h->field, &f);
	if (f.type == DM_STRING && f.len == h->hex.len &&
	    memcmp(f.str, h->hex.buf, f.len) == 0)
		return 0;
	return dm_sample_set_text(s, h->field, h->hex.buf, h->hex.len, err);
}

static void
hash_fini(void *state)
{
	struct hash *h = state;

	if (h == NULL)
		return;
	dm_buf_free(&h->hex);
	free(h->field);
	free(h);
}

const struct dm_opdef dm_op_hash = {
	.name = "hash",
	.kind = DM_OP_MAP,
	.summary = "write a digest of the text (md5, sha256, xxh64) to a field",
	.params = params,
	.init = hash_init,
	.sample = hash_sample,
	.fini = hash_fini,
};
