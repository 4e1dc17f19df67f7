/* shim.c - shared objects of the heavy libraries, loaded on first use */
#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dm.h"
#include "shim.h"

#ifndef DM_SHIM_ABI
#error "DM_SHIM_ABI comes from the Makefile"
#endif
#ifndef DM_PREFIX
#define DM_PREFIX "/usr/local"
#endif
/* make's LIBDIR, where make install puts the shims */
#ifndef DM_LIBDIR
#define DM_LIBDIR DM_PREFIX "/lib/dm"
#endif

const void *
dm_shim_load(const char *name, const char *sym, struct dm_buf *err)
{
	char exe[PATH_MAX], path[PATH_MAX + 64], other[PATH_MAX + 64] = "";
	const char *abi;
	const char *dirs[4], *e;
	char *slash;
	const void *tab;
	void *h;
	ssize_t n;
	size_t len;
	int i, nd = 0;

	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')) != NULL)
			*slash = '\0';
		dirs[nd++] = "";		/* next to the tool */
		dirs[nd++] = "/..";		/* bin/asan, bin/fuzz */
		dirs[nd++] = "/../lib/dm";	/* installed */
	}
	dirs[nd++] = NULL;			/* DM_LIBDIR */
	for (i = 0; i < nd; i++) {
		if (dirs[i])
			snprintf(path, sizeof path, "%s%s/%s.so", exe, dirs[i],
			    name);
		else
			snprintf(path, sizeof path, "%s/%s.so", DM_LIBDIR,
			    name);
		if (access(path, F_OK) != 0)
			continue;
		/* RTLD_LOCAL: the shim's libraries stay out of the way of
		 * plugins; the handle stays open until exit */
		if ((h = dlopen(path, RTLD_NOW | RTLD_LOCAL)) == NULL) {
			e = dlerror();
			/* glibc puts the path in front, which is said
			 * once already */
			len = strlen(path);
			if (e && strncmp(e, path, len) == 0 &&
			    strncmp(e + len, ": ", 2) == 0)
				e += len + 2;
			dm_buf_addf(err, "cannot load '%s': %s", path,
			    e ? e : "unknown error");
			return NULL;
		}
		/* a shim of another build (a tool copied away from its
		 * tree, an older LIBDIR) may have other tables: look on */
		dlerror();
		abi = dlsym(h, "dm_shim_abi");
		if (dlerror() != NULL || abi == NULL ||
		    strcmp(abi, DM_SHIM_ABI) != 0) {
			if (other[0] == '\0')
				snprintf(other, sizeof other, "%s", path);
			dlclose(h);
			continue;
		}
		dlerror();
		tab = dlsym(h, sym);
		if ((e = dlerror()) != NULL || tab == NULL) {
			dm_buf_addf(err, "'%s' has no '%s'", path, sym);
			dlclose(h);
			return NULL;
		}
		return tab;
	}
	if (other[0] != '\0')
		dm_buf_addf(err, "'%s' is of another build of dm than this "
		    "tool", other);
	else
		dm_buf_addf(err, "'%s.so' is not installed (next to the "
		    "tools, nor in '%s')", name, DM_LIBDIR);
	return NULL;
}
