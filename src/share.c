/* share.c - where the read-only data (word lists, prompts, corpus) lives */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dm.h"

#ifndef DM_PREFIX
#define DM_PREFIX "/usr/local"
#endif
/* make's SHAREDIR, PREFIX/share/dm unless set apart */
#ifndef DM_SHAREDIR_BUILTIN
#define DM_SHAREDIR_BUILTIN DM_PREFIX "/share/dm"
#endif

static int
isdir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *
dm_sharedir(void)
{
	static char *dir;
	char exe[PATH_MAX], try[PATH_MAX + 32];
	const char *env = getenv("DM_SHAREDIR");
	ssize_t n;
	char *slash;
	int i;

	if (env && *env)
		return env;
	if (dir)
		return dir;
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')) != NULL)
			*slash = '\0';
		/* installed: PREFIX/bin/../share/dm; built: bin/../share/dm,
		 * and bin/asan/../../share/dm for the sanitizer build */
		for (i = 0; i < 2; i++) {
			snprintf(try, sizeof try, "%s/%sshare/dm", exe,
			    i ? "../../" : "../");
			if (isdir(try)) {
				dir = dm_xstrdup(try);
				return dir;
			}
		}
	}
	dir = dm_xstrdup(DM_SHAREDIR_BUILTIN);
	return dir;
}
