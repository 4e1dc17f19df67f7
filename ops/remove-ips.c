/* remove-ips.c - delete IPv4 and IPv6 addresses [DJ clean_ip_mapper] */

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
 * matched, not the "::" shorthand. Python's \d on str is regex's: any
 * decimal digit of Unicode 15.0 (DM_PY_D, with the Kawi and Nag Mundari
 * digits PCRE2's \p{Nd} lacks); the octets are [0-9] in the original.
 */
#define OCTET_DOT \
	"(?:(?:1[0-9][0-9]\\.)|(?:2[0-4][0-9]\\.)|(?:25[0-5]\\.)|" \
	"(?:[1-9][0-9]\\.)|(?:[0-9]\\.))"
#define OCTET \
	"(?:(?:1[0-9][0-9])|(?:2[0-4][0-9])|(?:25[0-5])|(?:[1-9][0-9])|" \
	"(?:[0-9]))"
#define HEX4	"[" DM_PY_D "a-fA-F]{1,4}"
#define IP_PATTERN \
	OCTET_DOT "{3}" OCTET "|(?:" HEX4 ":){7}" HEX4

static const struct dm_param params[] = {
	{ .name = "repl", .type = DM_P_STR, .def = "",
	  .help = "what each address becomes, taken literally" },
	{ .name = NULL }
};

static int
ips_init(void **state, const struct dm_args *args, struct dm_buf *err)
{
	*state = dm_resub_new(IP_PATTERN, "s", dm_arg_str(args, "repl"), err);
	return *state ? 0 : -1;
}

static int
ips_text(void *state, const char *in, size_t n, struct dm_buf *out,
    struct dm_buf *err)
{
	return dm_resub_run(state, in, n, out, err);
}

static void
ips_fini(void *state)
{
	dm_resub_free(state);
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
