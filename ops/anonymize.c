/* anonymize.c - replace personal data by tags [DM Anonymized* cleaners] */

#include <stdlib.h>
#include <string.h>

#include "dm.h"

/*
 * idcard, card, phone: DataMate's cleaners wrap the text in 【...】 and
 * bound each pattern with (?<=[^\d]) and (?=[^\d]), so that a match never
 * touches another digit; the lookarounds (?<!\d) and (?!\d) say the same
 * without the wrapping. \d is any decimal digit there (Python's re on str)
 * and here (UCP); the digits inside a match are ASCII, as the checks below
 * read them. url, ip: DataMate's rules, all of them.
 *
 * The kinds run one after the other in the order of the table below, each
 * on the text the one before left, as DataMate's cleaners would in that
 * order: an ID number goes before a phone number could take part of it, a
 * card number before the phone pattern could, an e-mail address before
 * the URL pattern takes www.a@b.com.
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
 * DataMate's AnonymizedIpAddress: a dotted quad is a whole run of digits
 * and dots; one of single digits needs a keyword before it (Python's
 * IGNORECASE lets i match U+0130 and U+0131, s match U+017F).
 */
#define QUAD	"\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}"
#define QUAD_PATTERN	"(?<![\\d.])" QUAD "(?![.\\d])"
#define IPKEY_PATTERN \
	"[iI\\x{130}\\x{131}][pP](?:地址| [aA][dD][dD][rR][eE]" \
	"[sS\\x{17f}][sS\\x{17f}]|[vV]4)?(?: |:|：)*" \
	"(?<![.\\d])[0-9]\\.[0-9]\\.[0-9]\\.[0-9](?![.\\d])"

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

/* The pattern of ip finds the candidates that ip_pass checks. */
static const struct {
	const char	*name;
	const char	*pattern;
	const char	*tag;
} kinds[NKIND] = {
	{ "idcard", HEXRUN(IDCARD_PATTERN), "<id>" },
	{ "card", HEXRUN(CARD_PATTERN), "<credit_card_number>" },
	{ "email", EMAIL_PATTERN, "<email>" },
	{ "url", URL_PATTERN, "<url>" },
	{ "ip", QUAD_PATTERN, "<ip>" },
	{ "phone", HEXRUN(PHONE_PATTERN), "<tel>" }
};

struct anon {
	struct dm_re	*re[NKIND];	/* NULL: kind not asked for */
	struct dm_re	*ipkey;		/* with re[IP] */
	struct dm_buf	 cur;		/* the text after the passes so far */
	struct dm_buf	 next;		/* the pass being written */
	struct dm_buf	 a, b;		/* ip: the text being changed */
	struct dm_buf	 found;		/* ip: candidates, as written */
	struct dm_buf	 offs;		/* their ends in found, size_t each */
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

/* One pattern over s into dst: 1 when something was replaced, 0 when not
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

/*
 * The candidates, kept as Python's findall gives them: their text in
 * a->found, the end of each in a->offs.
 */
static void
cand_reset(struct anon *a)
{
	dm_buf_reset(&a->found);
	dm_buf_reset(&a->offs);
}

static void
cand_add(struct anon *a, const char *s, size_t n)
{
	size_t end;

	dm_buf_add(&a->found, s, n);
	end = a->found.len;
	dm_buf_add(&a->offs, &end, sizeof(end));
}

static size_t
cand_count(const struct anon *a)
{
	return a->offs.len / sizeof(size_t);
}

static const char *
cand_get(const struct anon *a, size_t i, size_t *n)
{
	size_t b = 0, e;

	if (i > 0)
		memcpy(&b, a->offs.buf + (i - 1) * sizeof(size_t),
		    sizeof(b));
	memcpy(&e, a->offs.buf + i * sizeof(size_t), sizeof(e));
	*n = e - b;
	return a->found.buf + b;
}

/* ---- ip: AnonymizedIpAddress, a line at a time ---- */

/* Python's ipaddress.IPv4Address: four decimal numbers of ASCII digits,
 * 0 to 255, no leading zero. */
static int
ipv4_ok(const char *s, size_t n)
{
	size_t i = 0, d;
	int v;

	while (i < n) {
		for (d = 0, v = 0; i + d < n && s[i + d] != '.'; d++) {
			if (s[i + d] < '0' || s[i + d] > '9')
				return 0;
			v = v * 10 + (s[i + d] - '0');
		}
		if (d == 0 || d > 3 || v > 255 || (d > 1 && s[i] == '0'))
			return 0;
		i += d + 1;
	}
	return 1;
}

/* Whether a dotted quad holds a single character between its dots. */
static int
ipv4_single(const char *s, size_t n)
{
	size_t i, len;
	int32_t c;
	int l, want = 1;

	for (i = 0; i < n; i += len) {
		if ((l = dm_utf8_decode(s + i, n - i, &c)) < 0)
			return 0;
		len = (size_t)l;
		if ((c == '.') == want)
			return 0;
		want = !want;
	}
	return 1;
}

/* Python's ipaddress.IPv6Address for a run of hex digits and colons
 * whose parts have four digits at most. */
static int
ipv6_ok(const char *s, size_t n)
{
	size_t np = 1, i, skip = 0, hi, lo, first = 0, last = 0, len = 0;
	int nskip = 0;

	for (i = 0; i < n; i++) {
		if (s[i] != ':') {
			len++;
			continue;
		}
		if (np == 1)
			first = len;
		else if (len == 0) {
			nskip++;
			skip = np - 1;
		}
		np++;
		len = 0;
	}
	last = len;
	if (np < 3 || np > 9 || nskip > 1)
		return 0;
	if (nskip == 0)
		return np == 8 && first > 0 && last > 0;
	hi = skip;
	lo = np - skip - 1;
	if (first == 0 && --hi != 0)
		return 0;
	if (last == 0 && --lo != 0)
		return 0;
	return hi + lo < 8;
}

static int
hexcolon(char c)
{
	return c == ':' || (c >= '0' && c <= '9') ||
	    ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}

/* Replaces in a->a each dotted quad that is want (or, want NULL, holds
 * single characters) by <ip>. */
static int
quad_sub(struct anon *a, const char *want, size_t wn, struct dm_buf *err)
{
	size_t at = 0, done = 0, ov[2];
	int rc, hit = 0;

	dm_buf_reset(&a->b);
	while ((rc = dm_re_match(a->re[IP], a->a.buf, a->a.len, at, ov,
	    err)) == 1) {
		if (want != NULL ? ov[1] - ov[0] == wn &&
		    memcmp(a->a.buf + ov[0], want, wn) == 0 :
		    ipv4_single(a->a.buf + ov[0], ov[1] - ov[0])) {
			dm_buf_add(&a->b, a->a.buf + done, ov[0] - done);
			dm_buf_adds(&a->b, kinds[IP].tag);
			done = ov[1];
			hit = 1;
		}
		at = ov[1];
	}
	if (rc == -1)
		return -1;
	if (hit) {
		dm_buf_add(&a->b, a->a.buf + done, a->a.len - done);
		dm_buf_swap(&a->a, &a->b);
	}
	return 0;
}

/* Whether a->a holds the single-digit quad q after a keyword. */
static int
ipkey(struct anon *a, const char *q, struct dm_buf *err)
{
	size_t at = 0, ov[2];
	int rc;

	while ((rc = dm_re_match(a->ipkey, a->a.buf, a->a.len, at, ov,
	    err)) == 1) {
		if (memcmp(a->a.buf + ov[1] - 7, q, 7) == 0)
			return 1;
		at = ov[1];
	}
	return rc;
}

/* The line s into a->a as _ip_address_filter leaves it, unstripped. */
static int
ip_line(struct anon *a, const char *s, size_t n, struct dm_buf *err)
{
	size_t at = 0, ov[2], k, cn, i, j;
	const char *c;
	int rc;

	dm_buf_reset(&a->a);
	dm_buf_add(&a->a, s, n);
	if (memchr(s, '.', n) != NULL) {
		cand_reset(a);
		while ((rc = dm_re_match(a->re[IP], s, n, at, ov, err)) == 1) {
			cand_add(a, s + ov[0], ov[1] - ov[0]);
			at = ov[1];
		}
		if (rc == -1)
			return -1;
		for (k = 0; k < cand_count(a); k++) {
			c = cand_get(a, k, &cn);
			if (!ipv4_ok(c, cn))
				continue;
			if (cn != 7)
				rc = quad_sub(a, c, cn, err);
			else if ((rc = ipkey(a, c, err)) == 1)
				rc = quad_sub(a, NULL, 0, err);
			if (rc == -1)
				return -1;
		}
	}
	if (memchr(a->a.buf, ':', a->a.len) == NULL)
		return 0;
	/* the runs of hex digits and colons with a colon and no part
	 * longer than four */
	cand_reset(a);
	for (i = 0; i < a->a.len; i = j) {
		int colon = 0, ok = 1;
		size_t part = 0;

		if (!hexcolon(a->a.buf[i])) {
			j = i + 1;
			continue;
		}
		for (j = i; j < a->a.len && hexcolon(a->a.buf[j]); j++) {
			if (a->a.buf[j] == ':') {
				colon = 1;
				part = 0;
			} else if (++part > 4)
				ok = 0;
		}
		if (colon && ok)
			cand_add(a, a->a.buf + i, j - i);
	}
	for (k = 0; k < cand_count(a); k++) {
		c = cand_get(a, k, &cn);
		if (!ipv6_ok(c, cn))
			continue;
		dm_buf_reset(&a->b);
		for (i = 0, at = 0; i < a->a.len; i = j) {
			if (!hexcolon(a->a.buf[i])) {
				j = i + 1;
				continue;
			}
			for (j = i; j < a->a.len && hexcolon(a->a.buf[j]); j++)
				;
			if (j - i == cn && memcmp(a->a.buf + i, c, cn) == 0) {
				dm_buf_add(&a->b, a->a.buf + at, i - at);
				dm_buf_adds(&a->b, kinds[IP].tag);
				at = j;
			}
		}
		dm_buf_add(&a->b, a->a.buf + at, a->a.len - at);
		dm_buf_swap(&a->a, &a->b);
	}
	return 0;
}

/* Each line as ip_line leaves it, stripped as Python strips it. */
static int
ip_pass(struct anon *a, const char *s, size_t n, struct dm_buf *dst,
    struct dm_buf *err)
{
	const char *e, *end = s + n;
	size_t b, t;
	int hit = 0;

	for (;;) {
		e = memchr(s, '\n', (size_t)(end - s));
		if (e == NULL)
			e = end;
		if (ip_line(a, s, (size_t)(e - s), err) == -1)
			return -1;
		if (a->a.len != (size_t)(e - s) ||
		    memcmp(a->a.buf, s, a->a.len) != 0)
			hit = 1;
		dm_uni_strip(a->a.buf, a->a.len, &b, &t);
		if (b != 0 || t != a->a.len)
			hit = 1;
		dm_buf_add(dst, a->a.buf + b, t - b);
		if (e == end)
			break;
		dm_buf_addc(dst, '\n');
		s = e + 1;
	}
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
	dm_re_free(a->ipkey);
	dm_buf_free(&a->cur);
	dm_buf_free(&a->next);
	dm_buf_free(&a->a);
	dm_buf_free(&a->b);
	dm_buf_free(&a->found);
	dm_buf_free(&a->offs);
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
	dm_buf_init(&a->a);
	dm_buf_init(&a->b);
	dm_buf_init(&a->found);
	dm_buf_init(&a->offs);
	for (k = 0; k < NKIND; k++) {
		if (!want[k])
			continue;
		a->re[k] = dm_re_new(kinds[k].pattern, "", err, &off);
		if (a->re[k] == NULL) {
			anon_fini(a);
			return -1;
		}
	}
	if (want[IP] && (a->ipkey = dm_re_new(IPKEY_PATTERN, "", err,
	    &off)) == NULL) {
		anon_fini(a);
		return -1;
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
		if (k == IP)
			rc = ip_pass(a, s, n, &a->next, err);
		else
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
