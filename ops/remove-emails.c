/* remove-emails.c - delete e-mail addresses [DJ clean_email_mapper] */

#include <string.h>

#include "dm.h"

/*
 * Data-Juicer's default pattern, run with re.DOTALL:
 *
 *	[A-Za-z0-9.\-+_]+@[a-z0-9.\-+_]+\.[a-z]+
 *
 * ASCII classes only and no flags, so PCRE2 reads it as `regex` does. The
 * domain is matched in lower case only: "bob@Example.com" stays, as there.
 */
#define EMAIL_PATTERN	"[A-Za-z0-9.\\-+_]+@[a-z0-9.\\-+_]+\\.[a-z]+"

static const struct dm_param params[] = {
	{ .name = "repl", .type = DM_P_STR, .def = "",
	  .help = "what each address becomes, taken literally" },
	{ .name = NULL }
};

/* A match is ASCII without white space around an '@'. */
static size_t
emails_next(const char *s, size_t n)
{
	const char *p = memchr(s, '@', n);

	return p != NULL ? (size_t)(p - s) : n;
}

static int
emails_init(void **state, const struct dm_args *args, struct dm_buf *err)
{
	*state = dm_resub_new(EMAIL_PATTERN, "s", dm_arg_str(args, "repl"), err);
	if (*state == NULL)
		return -1;
	dm_resub_runs(*state, emails_next);
	return 0;
}

static int
emails_text(void *state, const char *in, size_t n, struct dm_buf *out,
    struct dm_buf *err)
{
	return dm_resub_run(state, in, n, out, err);
}

static void
emails_fini(void *state)
{
	dm_resub_free(state);
}

const struct dm_opdef dm_op_remove_emails = {
	.name = "remove-emails",
	.kind = DM_OP_MAP,
	.summary = "remove e-mail addresses",
	.params = params,
	.init = emails_init,
	.text = emails_text,
	.fini = emails_fini,
};
