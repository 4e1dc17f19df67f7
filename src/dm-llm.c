/* dm-llm.c - placeholder until the tool is written */
#include "dm.h"

int
main(int argc, char *argv[])
{
	(void)argc;
	dm_init(argv[0]);
	dm_die("not built yet");
}
