/* spm-load.c - tokenizer-spm.cc's functions, called in dm-spm.so */
#include <stdio.h>

#include "dm.h"
#include "shim.h"
#include "tokenizer-spm.h"

static const struct dm_spm_shim *shim;

int
dm_spm_load(struct dm_buf *err)
{
	if (shim == NULL &&
	    (shim = dm_shim_load("dm-spm", "dm_spm_shim", err)) == NULL)
		return -1;
	return 0;
}

struct dm_spm *
dm_spm_open(const char *path, char *msg, size_t msglen)
{
	struct dm_buf err = DM_BUF_INIT;

	if (dm_spm_load(&err) < 0) {
		if (msglen)
			snprintf(msg, msglen, "%s", err.buf);
		dm_buf_free(&err);
		return NULL;
	}
	return shim->open(path, msg, msglen);
}

int
dm_spm_count(struct dm_spm *m, const char *s, size_t n, size_t *count,
    char *msg, size_t msglen)
{
	return shim->count(m, s, n, count, msg, msglen);
}

void
dm_spm_close(struct dm_spm *m)
{
	shim->close(m);
}

int
dm_spm_pieces(struct dm_spm *m, const char *s, size_t n,
    void (*fn)(void *, const char *, size_t), void *arg, char *msg,
    size_t msglen)
{
	return shim->pieces(m, s, n, fn, arg, msg, msglen);
}
