/* langid-load.c - langid-shim.cc's functions, called in dm-langid.so */
#include <stddef.h>

#include "dm.h"
#include "langid.h"
#include "langid-shim.h"
#include "shim.h"

static const struct dm_langid_shim *shim;

int
dm_langid_shim_load(struct dm_buf *err)
{
	if (shim == NULL &&
	    (shim = dm_shim_load("dm-langid", "dm_langid_shim", err)) == NULL)
		return -1;
	return 0;
}

struct dm_ft *
dm_ft_open(const char *path, char *msg, size_t msglen)
{
	return shim->ft_open(path, msg, msglen);
}

int
dm_ft_nlabels(const struct dm_ft *m)
{
	return shim->ft_nlabels(m);
}

const char *
dm_ft_label(const struct dm_ft *m, int id)
{
	return shim->ft_label(m, id);
}

int
dm_ft_predict(struct dm_ft *m, const char *s, size_t n, int k, float *prob,
    int *id, char *msg, size_t msglen)
{
	return shim->ft_predict(m, s, n, k, prob, id, msg, msglen);
}

void
dm_ft_close(struct dm_ft *m)
{
	shim->ft_close(m);
}

int
dm_cld2_detect(const char *s, size_t n, const char *code[3], int pct[3])
{
	return shim->cld2_detect(s, n, code, pct);
}
