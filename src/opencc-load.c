/* opencc-load.c - OpenCC's converters, through dm-opencc.so */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dm.h"
#include "opencc-shim.h"
#include "shim.h"

struct dm_opencc {
	void	*cc;		/* the shim's converter */
	char	*path;		/* its configuration, for messages */
};

static const struct dm_opencc_shim *shim;
/* One converter a mode, made on first use and kept until exit: reading
 * the dictionaries of a mode costs more than converting a sample. */
static struct dm_opencc *conv[DM_OPENCC_NMODES];

int
dm_opencc_mode(const char *mode)
{
	const char *c = DM_OPENCC_MODES, *e;
	size_t len = strlen(mode);
	int i;

	for (i = 0; ; i++, c = e + 1) {
		if ((e = strchr(c, ',')) == NULL)
			e = c + strlen(c);
		if ((size_t)(e - c) == len && memcmp(c, mode, len) == 0)
			return i;
		if (*e == '\0')
			return -1;
	}
}

/*
 * Makes each relative "file" of an OpenCC configuration (its dictionaries)
 * a path in dir: libopencc would look for it in the current folder first.
 */
static void
fullpaths(json_t *v, const char *dir)
{
	struct dm_buf b = DM_BUF_INIT;
	const char *k, *f;
	json_t *m;
	size_t i;

	if (json_is_array(v)) {
		json_array_foreach(v, i, m)
			fullpaths(m, dir);
		return;
	}
	json_object_foreach(v, k, m) {
		if (strcmp(k, "file") == 0 && json_is_string(m) &&
		    *(f = json_string_value(m)) != '/') {
			dm_buf_reset(&b);
			dm_buf_addf(&b, "%s/%s", dir, f);
			json_string_set(m, b.buf);
		} else
			fullpaths(m, dir);
	}
	dm_buf_free(&b);
}

/* Appends "OpenCC configuration 'path': " to err. */
static void
confmsg(struct dm_buf *err, const char *path)
{
	dm_buf_adds(err, "OpenCC configuration '");
	dm_buf_addquoted(err, path, strlen(path), DM_QUOTE_MAX);
	dm_buf_adds(err, "': ");
}

struct dm_opencc *
dm_opencc_get(const char *mode, struct dm_buf *err)
{
	struct dm_buf path = DM_BUF_INIT, why = DM_BUF_INIT;
	const char *dir = getenv("DM_OPENCC_DIR");
	struct dm_opencc *o = NULL;
	json_error_t jerr;
	json_t *conf = NULL;
	char msg[512], *json = NULL;
	size_t len;
	void *cc;
	int i;

	if ((i = dm_opencc_mode(mode)) < 0) {
		dm_buf_addf(err, "no OpenCC mode '%s'", dm_quote(mode));
		return NULL;
	}
	if (conv[i] != NULL)
		return conv[i];
	if (shim == NULL &&
	    (shim = dm_shim_load("dm-opencc", "dm_opencc_shim", &why)) ==
	    NULL) {
		dm_buf_addf(err, "cannot load OpenCC: %s", why.buf);
		dm_buf_free(&why);
		return NULL;
	}
	if (dir == NULL || *dir == '\0')
		dir = DM_OPENCC_DEFAULT_DIR;
	/* a path, never the bare "s2t.json", which libopencc (and the
	 * opencc command) would take from the current folder first */
	dm_buf_addf(&path, "%s/%s.json", dir, mode);
	if (access(path.buf, R_OK) != 0) {
		confmsg(err, path.buf);
		dm_buf_addf(err, "%s%s", strerror(errno), errno == ENOENT ?
		    " (Debian's libopencc-data installs it; DM_OPENCC_DIR "
		    "names another folder)" : "");
		goto out;
	}
	if ((conf = json_load_file(path.buf, JSON_DECODE_ANY, &jerr)) ==
	    NULL || !json_is_object(conf)) {
		confmsg(err, path.buf);
		if (conf == NULL)
			dm_buf_addf(err, "line %d: %s", jerr.line, jerr.text);
		else
			dm_buf_adds(err, "not a JSON object");
		goto out;
	}
	fullpaths(conf, dir);
	json = json_dumps(conf, JSON_COMPACT);
	msg[0] = '\0';
	if (json == NULL ||
	    (cc = shim->open(json, dir, msg, sizeof msg)) == NULL) {
		/* OpenCC's messages end in a full stop */
		len = strlen(msg);
		if (len > 0 && msg[len - 1] == '.')
			msg[len - 1] = '\0';
		confmsg(err, path.buf);
		dm_buf_addquoted(err, msg, strlen(msg), DM_QUOTE_MAX);
		goto out;
	}
	o = dm_xcalloc(1, sizeof *o);
	o->cc = cc;
	o->path = dm_buf_detach(&path, NULL);
	conv[i] = o;
out:
	free(json);
	json_decref(conf);
	dm_buf_free(&path);
	return o;
}

int
dm_opencc_convert(struct dm_opencc *o, const char *s, size_t n,
    struct dm_buf *out, struct dm_buf *err)
{
	char msg[512];
	size_t len;
	char *r;

	msg[0] = '\0';
	if ((r = shim->convert(o->cc, s, n, &len, msg, sizeof msg)) == NULL) {
		dm_buf_adds(err, "OpenCC (");
		dm_buf_addquoted(err, o->path, strlen(o->path), DM_QUOTE_MAX);
		dm_buf_adds(err, "): ");
		/* its "Invalid UTF8: ..." holds the text's bytes */
		dm_buf_addquoted(err, msg, strlen(msg), DM_QUOTE_MAX);
		return -1;
	}
	dm_buf_add(out, r, len);
	shim->release(r);
	return 0;
}
