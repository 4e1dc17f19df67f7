/* langid.c - language identification: shared models, normalised text */
#include <stdlib.h>
#include <string.h>

#include "dm.h"
#include "langid.h"
#include "langid-shim.h"

struct dm_langid {
	char		*model;		/* the path, or "cld2" */
	int		 refs;
	struct dm_ft	*ft;		/* NULL: CLD2 */
	int		 nlabels;
	float		*prob;
	int		*id;
	struct dm_buf	 last;		/* the text the results below are for */
	int		 lastlower;
	int		 havetop, haveall;
	const char	*toplabel;
	double		 topscore;
	int		 nall;		/* fastText: entries of prob, id */
	const char	*cld[3];
	int		 pct[3];
	struct dm_buf	 norm;
	struct dm_buf	 low;
	struct dm_langid *next;
};

/* The models open in this process. */
static struct dm_langid *open_models;

const char *
dm_langid_default(void)
{
	const char *m = getenv("DM_LANGID_MODEL");

	return m && *m ? m : "cld2";
}

struct dm_langid *
dm_langid_open(const char *model, struct dm_buf *err)
{
	struct dm_langid *l;
	char msg[256];

	if (model == NULL || *model == '\0')
		model = dm_langid_default();
	for (l = open_models; l; l = l->next)
		if (strcmp(l->model, model) == 0) {
			l->refs++;
			return l;
		}
	if (dm_langid_shim_load(err) < 0)
		return NULL;
	l = dm_xcalloc(1, sizeof *l);
	if (strcmp(model, "cld2") != 0) {
		msg[0] = '\0';
		if ((l->ft = dm_ft_open(model, msg, sizeof msg)) == NULL) {
			dm_buf_adds(err, "model '");
			dm_buf_addquoted(err, model, strlen(model), 200);
			dm_buf_addf(err, "': %s", msg);
			free(l);
			return NULL;
		}
		l->nlabels = dm_ft_nlabels(l->ft);
		l->prob = dm_xreallocarray(NULL, (size_t)l->nlabels + 1,
		    sizeof *l->prob);
		l->id = dm_xreallocarray(NULL, (size_t)l->nlabels + 1,
		    sizeof *l->id);
	}
	l->model = dm_xstrdup(model);
	l->refs = 1;
	dm_buf_init(&l->last);
	dm_buf_init(&l->norm);
	dm_buf_init(&l->low);
	l->next = open_models;
	open_models = l;
	return l;
}

void
dm_langid_close(struct dm_langid *l)
{
	struct dm_langid **pp;

	if (l == NULL || --l->refs > 0)
		return;
	for (pp = &open_models; *pp; pp = &(*pp)->next)
		if (*pp == l) {
			*pp = l->next;
			break;
		}
	if (l->ft)
		dm_ft_close(l->ft);
	free(l->prob);
	free(l->id);
	free(l->model);
	dm_buf_free(&l->last);
	dm_buf_free(&l->norm);
	dm_buf_free(&l->low);
	free(l);
}

/* Makes l->norm the text to predict on, unless it already is. */
static void
prepare(struct dm_langid *l, const char *s, size_t n, int lower)
{
	size_t i;

	if (l->lastlower == lower && l->last.len == n && (l->havetop ||
	    l->haveall) && memcmp(l->last.buf, s, n) == 0)
		return;
	dm_buf_reset(&l->last);
	dm_buf_add(&l->last, s, n);
	l->lastlower = lower;
	l->havetop = l->haveall = 0;
	dm_buf_reset(&l->low);
	if (lower && dm_uni_lower(s, n, &l->low)) {
		s = l->low.buf;
		n = l->low.len;
	}
	dm_buf_reset(&l->norm);
	dm_buf_add(&l->norm, s, n);
	for (i = 0; i < n; i++)
		if (l->norm.buf[i] == '\n')
			l->norm.buf[i] = ' ';
}

static int
predict(struct dm_langid *l, int k, struct dm_buf *err)
{
	char msg[256];
	int r;

	if (l->ft == NULL) {
		if (dm_cld2_detect(l->norm.buf, l->norm.len, l->cld,
		    l->pct) < 0) {
			dm_buf_adds(err, "cld2: detection failed");
			return -1;
		}
		l->havetop = l->haveall = 1;
		l->toplabel = l->cld[0];
		l->topscore = l->pct[0] / 100.0;
		return 0;
	}
	msg[0] = '\0';
	r = dm_ft_predict(l->ft, l->norm.buf, l->norm.len, k, l->prob, l->id,
	    msg, sizeof msg);
	if (r < 0) {
		dm_buf_addf(err, "fasttext: %s", msg);
		return -1;
	}
	l->toplabel = r ? dm_ft_label(l->ft, l->id[0]) : "un";
	l->topscore = r ? l->prob[0] : 0;
	l->havetop = 1;
	if (k < 0) {
		l->haveall = 1;
		l->nall = r;
	}
	return 0;
}

int
dm_langid_top(struct dm_langid *l, const char *s, size_t n, int lower,
    const char **label, double *score, struct dm_buf *err)
{
	prepare(l, s, n, lower);
	if (!l->havetop && predict(l, 1, err) < 0)
		return -1;
	*label = l->toplabel;
	*score = l->topscore;
	return 0;
}

int
dm_langid_score(struct dm_langid *l, const char *s, size_t n, int lower,
    const char *label, double *score, struct dm_buf *err)
{
	int i;

	prepare(l, s, n, lower);
	if (!l->haveall && predict(l, -1, err) < 0)
		return -1;
	*score = 0;
	if (l->ft == NULL) {
		for (i = 0; i < 3; i++)
			if (strcmp(l->cld[i], label) == 0) {
				*score = l->pct[i] / 100.0;
				break;
			}
		return 0;
	}
	for (i = 0; i < l->nall; i++)
		if (strcmp(dm_ft_label(l->ft, l->id[i]), label) == 0) {
			*score = l->prob[i];
			break;
		}
	return 0;
}
