/* dedup-opt.c - dm-dedup's settings: --params, the default memory, the
 * settings stage files carry */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "deduprun.h"

void
dm_dedup_printparams(const struct dedup_run *r)
{
	static const char *const toks[] = { "space", "punctuation", "character" };
	const struct dm_dedup *d = &r->d;
	struct dm_buf b = DM_BUF_INIT;
	size_t i;

	switch (d->mode) {
	case DM_DEDUP_EXACT:
		dm_buf_addf(&b, "{\"mode\":\"exact\",\"lowercase\":%s,"
		    "\"ignore_non_character\":%s", d->lowercase ? "true" :
		    "false", d->nonchar ? "true" : "false");
		break;
	case DM_DEDUP_MINHASH:
		dm_buf_addf(&b, "{\"mode\":\"near\",\"preset\":\"%s\","
		    "\"tokenize\":\"%s\",\"window\":%d,\"perms\":%d,"
		    "\"bands\":%d,\"rows\":%d,\"threshold\":%g",
		    d->preset == DM_PRESET_DJ ? "data-juicer" : "datatrove",
		    d->preset == DM_PRESET_DJ ? toks[d->tok] : "words",
		    d->window, d->perms, d->bands, d->rows, d->threshold);
		break;
	case DM_DEDUP_SIMHASH:
		dm_buf_addf(&b, "{\"mode\":\"simhash\",\"tokenize\":\"%s\","
		    "\"window\":%d,\"blocks\":%d,\"hamming\":%d",
		    toks[d->tok], d->window, d->blocks, d->hamming);
		break;
	}
	if (d->ignorepat) {
		dm_buf_adds(&b, ",\"ignore\":");
		dm_json_addstr(&b, d->ignorepat, strlen(d->ignorepat));
	}
	/* as ignore, what was given only: the fields of -k, in order */
	for (i = 0; i < r->nkeys; i++) {
		dm_buf_adds(&b, i ? "," : ",\"fields\":[");
		dm_json_addstr(&b, r->keys[i], strlen(r->keys[i]));
	}
	if (r->nkeys)
		dm_buf_addc(&b, ']');
	if (r->verify)
		dm_buf_adds(&b, ",\"verify\":true");
	dm_buf_adds(&b, "}\n");
	fwrite(b.buf, 1, b.len, stdout);
	dm_buf_free(&b);
}

/* The least limit, into *lim, of file in dir and in each of its parents
 * up to root (dir is root followed by a cgroup's path). */
static void
cgroupwalk(char *dir, size_t root, const char *file,
    unsigned long long *lim)
{
	char path[4096], buf[64], *end;
	unsigned long long v;
	size_t len = strlen(dir);
	FILE *f;

	for (;;) {
		snprintf(path, sizeof path, "%s/%s", dir, file);
		if ((f = fopen(path, "r")) != NULL) {
			/* "max" (v2) is no limit; v1's none is a huge value */
			if (fgets(buf, sizeof buf, f) != NULL) {
				errno = 0;
				v = strtoull(buf, &end, 10);
				if (end != buf && errno == 0 && v > 0 &&
				    (*lim == 0 || v < *lim))
					*lim = v;
			}
			fclose(f);
		}
		while (len > root && dir[len - 1] != '/')
			len--;
		if (len <= root)
			return;
		dir[--len] = '\0';
	}
}

/*
 * The memory limit of the process's control group (Slurm's --mem, a
 * container's), the least of its and its parents': cgroup v2's memory.max
 * (under /sys/fs/cgroup, or /sys/fs/cgroup/unified beside v1), v1's
 * memory.limit_in_bytes; 0 when there is none.
 */
static unsigned long long
cgroupmem(void)
{
	static const char *const v2[] = { "/sys/fs/cgroup",
	    "/sys/fs/cgroup/unified" };
	unsigned long long lim = 0;
	char *line = NULL, *ctl, *path, *c, dir[4096];
	size_t cap = 0, i;
	ssize_t n;
	FILE *f;

	if ((f = fopen("/proc/self/cgroup", "r")) == NULL)
		return 0;
	while ((n = getline(&line, &cap, f)) > 0) {
		if (line[n - 1] == '\n')
			line[--n] = '\0';
		/* ID:CONTROLLERS:PATH; v2's controllers are empty */
		if ((ctl = strchr(line, ':')) == NULL ||
		    (path = strchr(++ctl, ':')) == NULL)
			continue;
		*path++ = '\0';
		if (*path != '/' || strstr(path, "/..") != NULL)
			continue;
		if (*ctl == '\0') {
			for (i = 0; i < 2; i++) {
				snprintf(dir, sizeof dir, "%s%s", v2[i],
				    strcmp(path, "/") == 0 ? "" : path);
				cgroupwalk(dir, strlen(v2[i]), "memory.max",
				    &lim);
			}
			continue;
		}
		for (c = strtok(ctl, ","); c != NULL; c = strtok(NULL, ","))
			if (strcmp(c, "memory") == 0) {
				snprintf(dir, sizeof dir, "/sys/fs/cgroup/memory%s",
				    strcmp(path, "/") == 0 ? "" : path);
				cgroupwalk(dir, strlen("/sys/fs/cgroup/memory"),
				    "memory.limit_in_bytes", &lim);
			}
	}
	free(line);
	fclose(f);
	return lim;
}

size_t
dm_dedup_defmemory(void)
{
	long pages = sysconf(_SC_PHYS_PAGES), psz = sysconf(_SC_PAGESIZE);
	unsigned long long m = 1ULL << 31, ram = 0, cg = cgroupmem();

	if (pages > 0 && psz > 0)
		ram = (unsigned long long)pages * psz;
	if (cg && (ram == 0 || cg < ram))
		ram = cg;
	if (ram && ram / 4 < m)
		m = ram / 4;
	return (size_t)m;
}

/* The settings every stage file carries, as JSON; later stages take the
 * mode from them and check that all their inputs agree. */
char *
dm_dedup_settings(const struct dedup_run *r)
{
	static const char *const toks[] = { "space", "punctuation", "character" };
	static const char *const modes[] = { "exact", "near", "simhash" };
	const struct dm_dedup *d = &r->d;
	json_t *o = json_object(), *k = json_array();
	size_t i;
	char *t;

	json_object_set_new(o, "mode", json_string(modes[d->mode]));
	json_object_set_new(o, "preset", json_string(d->preset == DM_PRESET_DJ ?
	    "data-juicer" : "datatrove"));
	json_object_set_new(o, "tokenize", json_string(toks[d->tok]));
	json_object_set_new(o, "window", json_integer(d->window));
	json_object_set_new(o, "lowercase", json_boolean(d->lowercase));
	json_object_set_new(o, "ignore_non_character", json_boolean(d->nonchar));
	if (d->ignorepat)
		json_object_set_new(o, "ignore", json_string(d->ignorepat));
	json_object_set_new(o, "perms", json_integer(d->perms));
	json_object_set_new(o, "bands", json_integer(d->bands));
	json_object_set_new(o, "rows", json_integer(d->rows));
	json_object_set_new(o, "threshold", json_real(d->threshold));
	json_object_set_new(o, "blocks", json_integer(d->blocks));
	json_object_set_new(o, "hamming", json_integer(d->hamming));
	for (i = 0; i < (r->nkeys ? r->nkeys : 1); i++)
		json_array_append_new(k, json_string(r->nkeys ? r->keys[i] :
		    r->io.key));
	json_object_set_new(o, "keys", k);
	/* several keys were joined by NUL before: their signatures differ */
	if (r->nkeys > 1)
		json_object_set_new(o, "keyjoin", json_string("length"));
	/* a longer line was rejected by sign: apply leaves it out */
	json_object_set_new(o, "max_line", json_integer((json_int_t)
	    r->io.maxline));
	/* sign wrote the shingle sets: pairs checks its candidates */
	if (r->verify)
		json_object_set_new(o, "verify", json_true());
	t = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	return t;
}

/* Takes the mode and keys from a stage file's settings. */
void
dm_dedup_usesettings(struct dedup_run *r, const char *path, const char *set)
{
	json_t *o = json_loads(set, 0, NULL), *k;
	const char *mode, *preset;
	size_t i;

	if (o == NULL || !json_is_string(json_object_get(o, "mode")) ||
	    !json_is_array(k = json_object_get(o, "keys")))
		dm_die("%s: damaged settings in the stage file", path);
	mode = json_string_value(json_object_get(o, "mode"));
	preset = json_string_value(json_object_get(o, "preset"));
	r->d.mode = strcmp(mode, "near") == 0 ? DM_DEDUP_MINHASH :
	    strcmp(mode, "simhash") == 0 ? DM_DEDUP_SIMHASH : DM_DEDUP_EXACT;
	r->d.preset = preset && strcmp(preset, "datatrove") == 0 ?
	    DM_PRESET_DATATROVE : DM_PRESET_DJ;
	r->d.hamming = (int)json_integer_value(json_object_get(o, "hamming"));
	r->d.threshold = json_number_value(json_object_get(o, "threshold"));
	/* the bands (or SimHash tables) that cluster must find */
	r->d.bands = (int)json_integer_value(json_object_get(o, "bands"));
	r->d.blocks = (int)json_integer_value(json_object_get(o, "blocks"));
	r->d.ntables = r->d.mode != DM_DEDUP_SIMHASH || r->d.hamming < 0 ||
	    r->d.hamming >= r->d.blocks || dm_dedup_ntables(r->d.blocks,
	    r->d.hamming) > DM_DEDUP_MAXTABLES ? 0 :
	    (int)dm_dedup_ntables(r->d.blocks, r->d.hamming);
	r->verify = json_is_true(json_object_get(o, "verify"));
	/* apply reads lines as sign did: a longer one was rejected there */
	r->io.maxline = json_is_integer(json_object_get(o, "max_line")) ?
	    (size_t)json_integer_value(json_object_get(o, "max_line")) :
	    DM_MAX_LINE;
	r->nkeys = json_array_size(k);
	r->keys = dm_xcalloc(r->nkeys + 1, sizeof *r->keys);
	for (i = 0; i < r->nkeys; i++)
		r->keys[i] = dm_xstrdup(json_string_value(json_array_get(k, i))
		    ? json_string_value(json_array_get(k, i)) : "text");
	json_decref(o);
}
