/* remove-ips.c - delete IPv4 and IPv6 addresses [DJ clean_ip_mapper] */

#include <stdlib.h>
#include <string.h>

#include "dm.h"

/*
 * Data-Juicer's default pattern, run with re.DOTALL (one line there):
 *
 *	(?:(?:1[0-9][0-9]\.)|(?:2[0-4][0-9]\.)|(?:25[0-5]\.)|
 *	(?:[1-9][0-9]\.)|(?:[0-9]\.)){3}(?:(?:1[0-9][0-9])|
 *	(?:2[0-4][0-9])|(?:25[0-5])|(?:[1-9][0-9])|(?:[0-9]))|
 *	([\da-fA-F]{1,4}:){7}[\da-fA-F]{1,4}
 *
 * Kept as it is, with no word boundaries, so a longer run of digits loses
 * the part that fits: "1234.5.6.78" keeps "1", "256.1.1.1" keeps "2",
 * "1.2.3.1000" keeps "0", as there. Only the full eight-group IPv6 form is
 * matched, not the "::" shorthand. Python's \d on str is any decimal digit
 * (Nd), so it is spelled \p{Nd}; the octets are [0-9] in the original.
 */
#define OCTET_DOT \
	"(?:(?:1[0-9][0-9]\\.)|(?:2[0-4][0-9]\\.)|(?:25[0-5]\\.)|" \
	"(?:[1-9][0-9]\\.)|(?:[0-9]\\.))"
#define OCTET \
	"(?:(?:1[0-9][0-9])|(?:2[0-4][0-9])|(?:25[0-5])|(?:[1-9][0-9])|" \
	"(?:[0-9]))"
#define HEX4	"[\\p{Nd}a-fA-F]{1,4}"
#define IP_PATTERN \
	OCTET_DOT "{3}" OCTET "|(?:" HEX4 ":){7}" HEX4

struct ips {
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
ips_fini(void *state)
{
	struct ips *p = state;

	if (p == NULL)
		return;
	dm_re_free(p->re);
	free(p->repl);
	free(p);
}

static int
ips_init(void **state, const struct dm_args *args, struct dm_buf *err)
{
	struct ips *p;
	size_t off;

	p = dm_xcalloc(1, sizeof(*p));
	p->repl = literal(dm_arg_str(args, "repl"));
	p->re = dm_re_new(IP_PATTERN, "s", err, &off);
	if (p->re == NULL) {
		ips_fini(p);
		return -1;
	}
	*state = p;
	return 0;
}

static int
ips_text(void *state, const char *in, size_t n, struct dm_buf *out,
    struct dm_buf *err)
{
	struct ips *p = state;
	int rc;

	rc = dm_re_replace(p->re, in, n, p->repl, out, err);
	if (rc == 1 && out->len == n && memcmp(out->buf, in, n) == 0) {
		dm_buf_reset(out);
		return 0;
	}
	return rc;
}

const struct dm_opdef dm_op_remove_ips = {
	.name = "remove-ips",
	.kind = DM_OP_MAP,
	.summary = "remove IPv4 and full-form IPv6 addresses",
	.params = params,
	.init = ips_init,
	.text = ips_text,
	.fini = ips_fini,
};
