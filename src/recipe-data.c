/* recipe-data.c - the files a recipe reads: dataset_path, dataset and
 * suffixes, chosen as Data-Juicer's formatters choose them */
#include <sys/stat.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "recipe.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * Data-Juicer's local formatters (data_juicer/format) and the suffixes
 * each reads, in the order they are registered: load_formatter takes the
 * one with the most files, the first of a tie. dm reads the JSON one's.
 */
static const char *const sfx_csv[] = { ".csv", NULL };
static const char *const sfx_json[] = { ".json", ".jsonl", ".jsonl.zst",
	NULL };
static const char *const sfx_parquet[] = { ".parquet", NULL };
static const char *const sfx_text[] = { ".docx", ".pdf", ".txt", ".md",
	".tex", ".asm", ".bat", ".cmd", ".c", ".h", ".cs", ".cpp", ".hpp",
	".c++", ".h++", ".cc", ".hh", ".cmake", ".css", ".dockerfile",
	".f90", ".f", ".f03", ".f08", ".f77", ".f95", ".for", ".fpp", ".go",
	".hs", ".html", ".java", ".js", ".jl", ".lua", ".markdown", ".php",
	".php3", ".php4", ".php5", ".phps", ".phpt", ".pl", ".pm", ".pod",
	".perl", ".ps1", ".psd1", ".psm1", ".py", ".rb", ".rs", ".sql",
	".scala", ".sh", ".bash", ".command", ".zsh", ".ts", ".tsx", ".vb",
	".xml", ".rst", ".m", ".smali", NULL };
static const char *const sfx_tsv[] = { ".tsv", NULL };

static const struct {
	const char		*name;
	const char *const	*sfx;
} formatters[] = {
	{ "csv", sfx_csv }, { "json", sfx_json }, { "parquet", sfx_parquet },
	{ "text", sfx_text }, { "tsv", sfx_tsv }
};

enum { JSON = 1 };			/* formatters[JSON] is dm's */

struct file {
	char	*path;
	char	*sfx;			/* its suffix to Data-Juicer */
};

struct files {
	struct file	*f;
	size_t		 n;
};

static int
among(const char *s, const char *const *v)
{
	for (; *v; v++)
		if (strcmp(s, *v) == 0)
			return 1;
	return 0;
}

/* The formatter that reads suffix s, or -1. */
static int
formatter(const char *s)
{
	size_t i;

	for (i = 0; i < NELEM(formatters); i++)
		if (among(s, formatters[i].sfx))
			return (int)i;
	return -1;
}

static void
lower(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s += 'a' - 'A';
}

/*
 * The suffix find_files_with_suffix gives path: pathlib's suffix of its
 * name, in lower case, or of a zstd file (by its first bytes) its last
 * two suffixes (".jsonl.zst").
 */
static char *
djsuffix(const char *path)
{
	static const unsigned char zstd[4] = { 0x28, 0xb5, 0x2f, 0xfd };
	const char *name = strrchr(path, '/'), *p, *q = NULL, *dot;
	unsigned char magic[4];
	struct stat st;
	size_t len;
	char *s;
	int fd, z = 0;

	name = name ? name + 1 : path;
	len = strlen(name);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) >= 0) {
		z = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
		    read(fd, magic, 4) == 4 && memcmp(magic, zstd, 4) == 0;
		close(fd);
	}
	dot = strrchr(name, '.');
	if (dot == NULL || dot == name || dot == name + len - 1)
		return dm_xstrdup("");
	if (z && name[len - 1] != '.') {
		/* pathlib's suffixes: of the name without its leading dots */
		for (p = name + strspn(name, "."); (p = strchr(p, '.')) != NULL;
		    p++)
			if (p != dot)
				q = p;
		if (q && strchr(q + 1, '.') == dot)
			dot = q;
	}
	s = dm_xstrdup(dot);
	lower(s);
	return s;
}

static int
bytename(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The files under the folder dir, as Path.rglob("*") finds them: dot
 * files and folders too, a symbolic link to a file but not into a
 * folder; depth first, each folder's names in byte order. -1 with errno.
 */
static int
walk(const char *dir, struct files *fs)
{
	struct dm_buf p = DM_BUF_INIT;
	struct dirent *e;
	struct stat st;
	char **names = NULL;
	size_t n = 0, i, dl = strlen(dir);
	DIR *d;
	int rc = 0, saved;

	if ((d = opendir(dir)) == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		names = dm_xreallocarray(names, n + 1, sizeof *names);
		names[n++] = dm_xstrdup(e->d_name);
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof *names, bytename);
	while (dl > 1 && dir[dl - 1] == '/')
		dl--;
	for (i = 0; i < n; i++) {
		dm_buf_reset(&p);
		dm_buf_add(&p, dir, dl);
		if (dl == 0 || dir[dl - 1] != '/')
			dm_buf_addc(&p, '/');
		dm_buf_adds(&p, names[i]);
		if (rc < 0 || stat(p.buf, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			if (lstat(p.buf, &st) == 0 && !S_ISLNK(st.st_mode) &&
			    walk(p.buf, fs) < 0)
				rc = -1;
		} else if (S_ISREG(st.st_mode)) {
			fs->f = dm_xreallocarray(fs->f, fs->n + 1,
			    sizeof *fs->f);
			fs->f[fs->n].path = dm_xstrdup(p.buf);
			fs->f[fs->n++].sfx = djsuffix(p.buf);
		}
	}
	saved = errno;
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	dm_buf_free(&p);
	errno = saved;
	return rc;
}

/* Whether path begins as a JSON array does (after a byte order mark and
 * white space): Data-Juicer reads that, dm reads JSON Lines. */
static int
is_array(const char *path)
{
	char buf[4096], *p;
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0)
		return 0;
	n = read(fd, buf, sizeof buf);
	close(fd);
	if (n <= 0)
		return 0;
	p = buf;
	if (n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	while (p < buf + n && strchr(" \t\r\n", *p) != NULL)
		p++;
	return p < buf + n && *p == '[';
}

/*
 * suffixes, as Data-Juicer takes it: one or a list, each in lower case
 * with a leading dot. 0 (none when null or empty), or -1 when reported.
 */
static int
suffixes(struct dm_recipe *r, char ***out, size_t *n)
{
	const struct dm_ynode *v = dm_yaml_get(r->root, "suffixes"), *it;
	size_t i, m;
	char *s;

	*out = NULL;
	*n = 0;
	if (dm_risnull(v))
		return 0;
	m = v->kind == DM_Y_SEQ ? v->n : 1;
	for (i = 0; i < m; i++) {
		it = v->kind == DM_Y_SEQ ? v->kid[i] : v;
		if (it->kind != DM_Y_SCALAR) {
			dm_recipe_problem(r, it, "suffixes wants a suffix "
			    "('.jsonl') or a list of them");
			return -1;
		}
		s = dm_xcalloc(strlen(it->val) + 2, 1);
		if (*it->val != '.')
			*s = '.';
		strcat(s, it->val);
		lower(s);
		/* NULL-terminated, for among() */
		*out = dm_xreallocarray(*out, *n + 2, sizeof **out);
		(*out)[(*n)++] = s;
		(*out)[*n] = NULL;
	}
	return 0;
}

/* The node of the path of Data-Juicer's dataset: {configs: [{type: local,
 * path: P}]}, or NULL when reported. */
static const struct dm_ynode *
dataset(struct dm_recipe *r, const struct dm_ynode *d)
{
	const struct dm_ynode *c, *t, *p;
	size_t i;

	if (d->kind != DM_Y_MAP || (c = dm_yaml_get(d, "configs")) == NULL ||
	    c->kind != DM_Y_SEQ || c->n == 0) {
		dm_recipe_problem(r, d, "dataset is not a mapping with a list "
		    "of 'configs'");
		return NULL;
	}
	for (i = 0; i + 1 < d->n; i += 2)
		if (d->kid[i]->kind == DM_Y_SCALAR &&
		    strcmp(d->kid[i]->val, "configs") != 0) {
			dm_recipe_problem(r, d->kid[i], "dataset: '%s' is not "
			    "supported by dm", d->kid[i]->val);
			return NULL;
		}
	if (c->n > 1) {
		dm_recipe_problem(r, c->kid[1], "dataset: a mixture of "
		    "datasets is not supported by dm, which reads one");
		return NULL;
	}
	c = c->kid[0];
	t = dm_yaml_get(c, "type");
	if (c->kind != DM_Y_MAP || (p = dm_yaml_get(c, "path")) == NULL ||
	    p->kind != DM_Y_SCALAR) {
		dm_recipe_problem(r, c, "dataset: a config without a 'path' "
		    "is not supported by dm");
		return NULL;
	}
	if (t == NULL || t->kind != DM_Y_SCALAR ||
	    strcmp(t->val, "local") != 0) {
		dm_recipe_problem(r, t ? t : c, "dataset: only a dataset of "
		    "type 'local' is supported by dm");
		return NULL;
	}
	for (i = 0; i + 1 < c->n; i += 2) {
		const struct dm_ynode *k = c->kid[i];

		if (k->kind != DM_Y_SCALAR || (strcmp(k->val, "type") != 0 &&
		    strcmp(k->val, "path") != 0 &&
		    strcmp(k->val, "weight") != 0)) {
			dm_recipe_problem(r, k, "dataset: '%s' of a config is "
			    "not supported by dm", k->kind == DM_Y_SCALAR ?
			    k->val : "");
			return NULL;
		}
	}
	return p;
}

int
dm_recipe_dataset(struct dm_recipe *r)
{
	const struct dm_ynode *v, *d;
	struct files fs = { NULL, 0 };
	struct stat st;
	char **sfx;
	size_t nsfx, i, j, count[NELEM(formatters)];
	int rc = -1, best;

	if (suffixes(r, &sfx, &nsfx) < 0)
		return -1;
	v = dm_yaml_get(r->root, "dataset_path");
	d = dm_yaml_get(r->root, "dataset");
	/* Data-Juicer reads dataset_path when it is not empty, else dataset */
	if (!dm_risnull(d) && (dm_risnull(v) || (v->kind == DM_Y_SCALAR &&
	    *v->val == '\0'))) {
		if ((v = dataset(r, d)) == NULL)
			goto out;
	} else if (!dm_risnull(d))
		for (i = 0; i + 1 < r->root->n; i += 2)
			if (r->root->kid[i + 1] == d)
				dm_recipe_ignore(r, r->root->kid[i], "dataset",
				    NULL);
	if (dm_risnull(v) || (v->kind == DM_Y_SCALAR && *v->val == '\0')) {
		dm_recipe_problem(r, v, "no 'dataset_path'");
		goto out;
	}
	if (v->kind != DM_Y_SCALAR) {
		dm_recipe_problem(r, v, "dataset_path is a %s: Data-Juicer and "
		    "dm take one path", v->kind == DM_Y_SEQ ? "list" :
		    "mapping");
		goto out;
	}
	if (stat(v->val, &st) < 0) {
		if (errno == ENOENT && strpbrk(v->val, " \t") != NULL)
			dm_recipe_problem(r, v, "dataset_path '%s': a mixture "
			    "of datasets is not supported by dm, which reads "
			    "one file or folder", v->val);
		else
			dm_recipe_problem(r, v, "dataset_path '%s': %s",
			    v->val, strerror(errno));
		goto out;
	}
	r->dataset = v->val;
	r->dataset_dir = S_ISDIR(st.st_mode);
	if (!r->dataset_dir) {
		/* a file: dm reads it as JSONL, compressed or not, unless
		 * Data-Juicer would not read it or read it as another format */
		char *s = djsuffix(v->val);
		int in = nsfx == 0 || among(s, (const char *const *)sfx);

		best = formatter(s);
		free(s);
		if (!in) {
			dm_recipe_problem(r, v, "dataset_path '%s' does not "
			    "end in one of the suffixes", v->val);
			goto out;
		}
		if (best >= 0 && best != JSON) {
			dm_recipe_problem(r, v, "dataset_path '%s': "
			    "Data-Juicer reads it with its %s formatter, which "
			    "dm does not support (dm reads JSON Lines)", v->val,
			    formatters[best].name);
			goto out;
		}
		if (S_ISREG(st.st_mode) && is_array(v->val)) {
			dm_recipe_problem(r, v, "dataset_path '%s' is a JSON "
			    "array, which dm does not read (dm reads JSON "
			    "Lines)", v->val);
			goto out;
		}
		rc = 0;
		goto out;
	}
	if (walk(v->val, &fs) < 0) {
		dm_recipe_problem(r, v, "dataset_path '%s': %s", v->val,
		    strerror(errno));
		goto out;
	}
	memset(count, 0, sizeof count);
	for (i = j = 0; i < fs.n; i++) {
		if (nsfx > 0 && !among(fs.f[i].sfx, (const char *const *)sfx)) {
			free(fs.f[i].path);
			free(fs.f[i].sfx);
			continue;
		}
		if ((best = formatter(fs.f[i].sfx)) >= 0)
			count[best]++;
		fs.f[j++] = fs.f[i];
	}
	fs.n = j;
	for (best = 0, i = 1; i < NELEM(formatters); i++)
		if (count[i] > count[best])
			best = (int)i;
	if (fs.n == 0) {
		if (nsfx > 0)
			dm_recipe_problem(r, v, "dataset_path '%s': none "
			    "of its files ends in one of the suffixes", v->val);
		else
			dm_recipe_problem(r, v, "dataset_path '%s': no file "
			    "in it", v->val);
		goto out;
	}
	if (count[best] == 0) {
		dm_recipe_problem(r, v, "dataset_path '%s': no file in it of a "
		    "format Data-Juicer reads", v->val);
		goto out;
	}
	if (best != JSON) {
		dm_recipe_problem(r, v, "dataset_path '%s': Data-Juicer reads "
		    "its %zu %s file%s with its %s formatter, which dm does "
		    "not support (dm reads JSON Lines)", v->val, count[best],
		    formatters[best].name, count[best] == 1 ? "" : "s",
		    formatters[best].name);
		goto out;
	}
	for (i = 0; i < fs.n; i++) {
		if (formatter(fs.f[i].sfx) != JSON)
			continue;
		if (is_array(fs.f[i].path)) {
			dm_recipe_problem(r, v, "dataset_path '%s': '%s' is a "
			    "JSON array, which dm does not read (dm reads JSON "
			    "Lines)", v->val, fs.f[i].path);
			goto out;
		}
		r->files = dm_xreallocarray(r->files, r->nfiles + 1,
		    sizeof *r->files);
		r->files[r->nfiles++] = dm_xstrdup(fs.f[i].path);
	}
	rc = 0;
out:
	for (i = 0; i < fs.n; i++) {
		free(fs.f[i].path);
		free(fs.f[i].sfx);
	}
	free(fs.f);
	for (i = 0; i < nsfx; i++)
		free(sfx[i]);
	free(sfx);
	return rc;
}
