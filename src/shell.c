/* shell.c - shell quoting, variable names and argument vectors */
#include <stdlib.h>
#include <string.h>

#include "dm.h"

void
dm_buf_addshell(struct dm_buf *b, const char *s)
{
	dm_buf_addc(b, '\'');
	for (; *s; s++)
		if (*s == '\'')
			dm_buf_adds(b, "'\\''");
		else
			dm_buf_addc(b, *s);
	dm_buf_addc(b, '\'');
}

int
dm_envname(const char *s)
{
	const char *p;

	if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_'))
		return 0;
	for (p = s + 1; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '_'))
			return 0;
	return 1;
}

void
dm_argv_free(char **v)
{
	char **p;

	if (!v)
		return;
	for (p = v; *p; p++)
		free(*p);
	free(v);
}
