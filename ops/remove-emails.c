/* remove-emails.c - delete e-mail addresses [DJ clean_email_mapper] */

#include <stdlib.h>
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

struct emails {
	struct dm_re	*re;
	char		*repl;
};

static const struct dm_param params[] = {
	{ .name = "repl", .type = DM_P_STR, .def = "",
	  .help = "what each address becomes, taken literally" },
	{ .name = NULL }
};

/* repl is plain text here: each $ is doubled for dm_re_replace. */
static char *
literal(const char *repl)
{
	struct dm_buf b = DM_BUF_INIT;

	for (; *repl != '\0'; repl++) {
		if (*repl == '$')
			dm_buf_addc(&b, '$');
		dm_buf_addc(&b, *repl);
	}
	return dm_buf_detach(&b, NULL);
}

static void
emails_fini(void *state)
{
	struct emails *e = state;

	if (e == NULL)
		return;
	dm_re_free(e->re);
	free(e->repl);
	free(e);
}

static int
emails_init(void **state, const struct dm_args *args, struct dm_buf *err)
{
	struct emails *e;
	size_t off;

	e = dm_xcalloc(1, sizeof(*e));
	e->repl = literal(dm_arg_str(args, "repl"));
	e->re = dm_re_new(EMAIL_PATTERN, "s", err, &off);
	if (e->re == NULL) {
		emails_fini(e);
		return -1;
	}
	*state = e;
	return 0;
}

static int
emails_text(void *state, const char *in, size_t n, struct dm_buf *out,
    struct dm_buf *err)
{
	struct emails *e = state;
	int rc;

	rc = dm_re_replace(e->re, in, n, e->repl, out, err);
	if (rc == 1 && out->len == n && memcmp(out->buf, in, n) == 0) {
		dm_buf_reset(out);
		return 0;
	}
	return rc;
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
