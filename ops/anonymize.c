/* anonymize.c - replace personal data by tags [DM Anonymized* cleaners] */

#include <stdlib.h>
#include <string.h>

#include "dm.h"

/*
 * DataMate's cleaners wrap the text in 【...】 and bound each pattern with
 * (?<=[^\d]) and (?=[^\d]), so that a match never touches another digit;
 * the lookarounds (?<!\d) and (?!\d) say the same without the wrapping.
 * \d is any decimal digit there (Python's re on str) and here (UCP); the
 * digits inside a match are ASCII, as the checks below read them.
 *
 * The kinds run one after the other in the order of the table below, each
 * on the text the one before left: an ID number goes before a phone
 * number could take part of it, a card number before the phone pattern
 * could, an e-mail address before the URL pattern takes its domain.
 */
#define D	"[0-9]"
#define SEP	"[- ]?"

/* A Chinese resident ID: region, birth date, sequence, check character. */
#define IDCARD_PATTERN \
	"(?<!\\d)[1-8]" D "{5}(?:18|19|20)" D "{2}(?:0[1-9]|1[0-2])" \
	"(?:0[1-9]|[12]" D "|3[01])" D "{3}[0-9Xx](?![\\dXx])"

/* DataMate's brands: Amex, UnionPay, Diners, Discover, JCB, Mastercard,
 * Visa, in its order. */
#define G4	"(?:" SEP D "{4})"
#define CARD_PATTERN \
	"(?<!\\d)(?:" \
	"3[47]" D "{2}" SEP D "{6}" SEP D "{5}" \
	"|6[02]" D "{2}" G4 "{3}" \
	"|(?:30[0-5]" D "|3[689]" D "{2}|3095)" SEP D "{6}" SEP D "{4}" \
	"|(?:64[4-9]" D "|65" D "{2}|6011)" G4 "{3}" \
	"|(?:352[89]|35[3-8]" D ")" SEP D "{4}(?:" G4 "{2}|" SEP D "{8})" \
	"|(?:5[1-5]" D "{2}|222[1-9]|22[3-9]" D "|2[3-6]" D "{2}|27[01]" D \
	"|2720)" G4 "{3}" \
	"|4" D "{3}" G4 "{3}" \
	")(?!\\d)"

/* The pattern of remove-emails.c (Data-Juicer's clean_email_mapper). */
#define EMAIL_PATTERN	"[A-Za-z0-9.\\-+_]+@[a-z0-9.\\-+_]+\\.[a-z]+"

/* DataMate's AnonymizedUrlCleaner, as it is (the 【】 it wraps the text
 * in change nothing: neither is in its classes). */
#define URL_PATTERN \
	"(?:(?:https?|ftp|file)://|(?<![a-zA-Z\\-\\.])www\\.)" \
	"[\\-A-Za-z0-9\\+&@\\(\\)#/%\\?=\\^~_|!:\\,\\.\\;]+" \
	"[\\-A-Za-z0-9\\+&@#/%=\\~_\\|](?![\\-A-Za-z0-9\\+&@#/%=\\~_\\|])"

/*
 * IPv4: four octets of 0 to 255 without leading zeros, touching neither a
 * digit nor a dot followed or preceded by one, so 1.2.3.4.5 and 1.2.3
 * stay. IPv6: eight groups, or a "::" shorthand; the address must hold a
 * decimal digit and touch no word character or colon, so "a::b" and
 * "std::vector" stay.
 */
#define OCT	"(?:25[0-5]|2[0-4]" D "|1" D D "|[1-9]?" D ")"
#define IPV4 \
	"(?<!\\d)(?<!\\d\\.)" OCT "(?:\\." OCT "){3}(?!\\d)(?!\\.\\d)"
#define H	"[0-9A-Fa-f]{1,4}"
#define IPV6 \
	"(?<![\\w:.])(?=[0-9A-Fa-f:]*" D ")(?:" \
	"(?:" H ":){7}" H \
	"|(?:" H ":){1,7}:" \
	"|(?:" H ":){1,6}:" H \
	"|(?:" H ":){1,5}(?::" H "){1,2}" \
	"|(?:" H ":){1,4}(?::" H "){1,3}" \
	"|(?:" H ":){1,3}(?::" H "){1,4}" \
	"|(?:" H ":){1,2}(?::" H "){1,5}" \
	"|" H ":(?::" H "){1,6}" \
	"|:(?::" H "){1,7}" \
	")(?![\\w:])"
#define IP_PATTERN	IPV4 "|" IPV6

/* An optional country prefix, then a mobile or a landline number. */
#define PHONE_PATTERN \
	"(?<!\\d)(?:[(（]?\\+?(?:00)?86[)）]?[- ]?)?(?:" \
	"1[3-9]" D SEP D "{4}" SEP D "{4}" \
	"|[(（]?0?[12]" D "[)）]?[ -]?[2-8]" D "{3}[ -]?" D "{4}" \
	"|[(（]?0?[3-9]" D "{2}[)）]?[ -]?[2-8]" D "{2}" D "?[ -]?" D "{4}" \
	")(?!\\d)"

/*
 * Hashes, UUIDs and keys are runs of hex letters and digits
 * (d94c95382265968c354c): a number inside one is none of these kinds, so
 * a numeric match may not start or end inside such a run. HEXB holds
 * where the characters on both sides are not both hex.
 */
#define HEXB		"(?!(?<=[0-9A-Fa-f])[0-9A-Fa-f])"
#define HEXRUN(p)	HEXB "(?:" p ")" HEXB

enum kind { IDCARD, CARD, EMAIL, URL, IP, PHONE, NKIND };

static const struct {
	const char	*name;
	const char	*pattern;
	const char	*tag;
} kinds[NKIND] = {
	{ "idcard", HEXRUN(IDCARD_PATTERN), "<id>" },
	{ "card", HEXRUN(CARD_PATTERN), "<credit_card_number>" },
	{ "email", EMAIL_PATTERN, "<email>" },
	{ "url", URL_PATTERN, "<url>" },
	{ "ip", HEXRUN(IP_PATTERN), "<ip>" },
	{ "phone", HEXRUN(PHONE_PATTERN), "<tel>" }
};

struct anon {
	struct dm_re	*re[NKIND];	/* NULL: kind not asked for */
	struct dm_buf	 cur;		/* the text after the passes so far */
	struct dm_buf	 next;		/* the pass being written */
};

static const struct dm_param params[] = {
	{ .name = "kinds", .type = DM_P_LIST,
	  .def = "email,url,ip,phone,card,idcard",
	  .help = "what to replace: email, url, ip, phone, card, idcard" },
	{ .name = NULL }
};

/* The Luhn check over the digits of s. */
static int
luhn(const char *s, size_t n)
{
	unsigned sum = 0, d;
	int odd = 0;

	while (n-- > 0) {
		if (s[n] < '0' || s[n] > '9')
			continue;
		d = (unsigned)(s[n] - '0');
		if (odd && (d *= 2) > 9)
			d -= 9;
		sum += d;
		odd = !odd;
	}
	return sum % 10 == 0;
}

static int
num(const char *s, int n)
{
	int v = 0;

	while (n-- > 0)
		v = v * 10 + (*s++ - '0');
	return v;
}

/* A real calendar date and the ISO 7064 MOD 11-2 check character; the
 * pattern has made sure of 18 characters, 17 of them digits. */
static int
idcard(const char *s, size_t n)
{
	static const int w[17] = {
		7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2
	};
	static const char check[] = "10X98765432";
	static const int mdays[12] = {
		31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	int i, sum, y, m, d;

	if (n != 18)
		return 0;
	y = num(s + 6, 4);
	m = num(s + 10, 2);
	d = num(s + 12, 2);
	if (d > mdays[m - 1])
		return 0;
	if (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 ||
	    y % 400 == 0)))
		return 0;
	for (sum = 0, i = 0; i < 17; i++)
		sum += (s[i] - '0') * w[i];
	return check[sum % 11] == (s[17] == 'x' ? 'X' : s[17]);
}

/* One kind over s into dst: 1 when something was replaced, 0 when not
 * (dst may hold a part then), -1 with err. */
static int
pass(struct dm_re *re, enum kind k, const char *s, size_t n,
    struct dm_buf *dst, struct dm_buf *err)
{
	size_t at = 0, done = 0, ov[2];
	int rc, hit = 0;

	while ((rc = dm_re_match(re, s, n, at, ov, err)) == 1) {
		if ((k != CARD || luhn(s + ov[0], ov[1] - ov[0])) &&
		    (k != IDCARD || idcard(s + ov[0], ov[1] - ov[0]))) {
			dm_buf_add(dst, s + done, ov[0] - done);
			dm_buf_adds(dst, kinds[k].tag);
			done = ov[1];
			hit = 1;
		}
		/* no pattern matches the empty string */
		at = ov[1] > ov[0] ? ov[1] : n + 1;
	}
	if (rc == -1)
		return -1;
	if (hit)
		dm_buf_add(dst, s + done, n - done);
	return hit;
}

static void
anon_fini(void *state)
{
	struct anon *a = state;
	int k;

	if (a == NULL)
		return;
	for (k = 0; k < NKIND; k++)
		dm_re_free(a->re[k]);
	dm_buf_free(&a->cur);
	dm_buf_free(&a->next);
	free(a);
}

static int
anon_init(void **state, const struct dm_args *args, struct dm_buf *err)
{
	const struct dm_arg *list = dm_arg(args, "kinds");
	struct anon *a;
	size_t i, off;
	int k, want[NKIND] = { 0 };

	for (i = 0; i < list->nlist; i++) {
		for (k = 0; k < NKIND; k++)
			if (strcmp(list->list[i], kinds[k].name) == 0)
				break;
		if (k == NKIND) {
			dm_buf_adds(err, "'kinds' must list email, url, ip, "
			    "phone, card or idcard, not '");
			dm_buf_addquoted(err, list->list[i],
			    strlen(list->list[i]), 64);
			dm_buf_adds(err, "'");
			return -1;
		}
		want[k] = 1;
	}
	a = dm_xcalloc(1, sizeof(*a));
	dm_buf_init(&a->cur);
	dm_buf_init(&a->next);
	for (k = 0; k < NKIND; k++) {
		if (!want[k])
			continue;
		a->re[k] = dm_re_new(kinds[k].pattern, "", err, &off);
		if (a->re[k] == NULL) {
			anon_fini(a);
			return -1;
		}
	}
	*state = a;
	return 0;
}

static int
anon_text(void *state, const char *in, size_t n, struct dm_buf *out,
    struct dm_buf *err)
{
	struct anon *a = state;
	const char *s = in;
	int k, rc, changed = 0;

	for (k = 0; k < NKIND; k++) {
		if (a->re[k] == NULL)
			continue;
		dm_buf_reset(&a->next);
		rc = pass(a->re[k], k, s, n, &a->next, err);
		if (rc == -1)
			return -1;
		if (rc == 0)
			continue;
		dm_buf_swap(&a->cur, &a->next);
		s = a->cur.buf;
		n = a->cur.len;
		changed = 1;
	}
	if (changed)
		dm_buf_add(out, s, n);
	return changed;
}

const struct dm_opdef dm_op_anonymize = {
	.name = "anonymize",
	.kind = DM_OP_MAP,
	.summary = "replace e-mails, links, IPs, phone, card and ID numbers "
	    "by tags",
	.params = params,
	.init = anon_init,
	.text = anon_text,
	.fini = anon_fini,
};
