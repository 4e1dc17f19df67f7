/* anonymize.c - replace personal data by tags [DM Anonymized* cleaners] */

#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "dm.h"
#include "idna.h"

/*
 * idcard, card, phone: DataMate's cleaners wrap the text in 【...】 and
 * bound each pattern with lookarounds such as (?<=[^\d]) and (?=[^\d]);
 * (?<!\d) and (?!\d) say the same without the wrapping. \d is any
 * decimal digit there (Python's re on str) and here (UCP). email, url,
 * ip: DataMate's rules, all of them.
 *
 * The kinds run one after the other in the order of the table below, each
 * on the text the one before left, as DataMate's cleaners would in that
 * order: an ID number goes before a phone number could take part of it, a
 * card number before the phone pattern could, an e-mail address before
 * the URL pattern takes www.a@b.com.
 */
#define D	"[0-9]"
#define SEP	"[- ]?"

/*
 * DataMate's AnonymizedIdNumber: a Chinese resident ID of its province,
 * city and county codes, a birth date of its shape, three digits and a
 * check character, with no ASCII digit before it and no ASCII digit or X
 * after it; the year and the sequence take any decimal digit.
 */
#define IDCARD_PATTERN \
	"(?<![0-9])" \
	"(?:1[1-5]|2[1-3]|3[1-7]|4[1-6]|5[0-4]|6[1-5]|71|81|82)" \
	"(?:0[0-9]|1[0-9]|2[0-9]|3[0-4]|4[0-3]|5[1-3]|90)" \
	"(?:0[0-9]|1[0-9]|2[0-9]|3[0-9]|4[0-3]|5[1-7]|6[1-4]|7[1-4]|8[1-7])" \
	"(?:18|19|20)\\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])" \
	"\\d{3}[0-9xX](?![0-9xX])"

/*
 * DataMate's AnonymizedCreditCardNumber: Amex, UnionPay, Diners, Discover,
 * JCB, Mastercard, Visa, in its order, [0-9] and \d where it has them.
 * Its JCB pattern ends in "...{2})|([- ]?)[0-9]{8}", whose '|' stands at
 * the top: an 8-digit number, with a '-' or a space before it, is a branch
 * of its own (CARD_PATTERN). With card8=false, that branch is gone and JCB
 * reads as its comment says, 35xx xxxx xxxx xxxx or 35xx xxxx xxxxxxxx
 * (CARD_JCB).
 */
#define G4	"(?:" SEP "\\d{4})"
#define CARD_HEAD \
	"(?<!\\d)(?:" \
	"3[47]" D "{2}" SEP D "{6}" SEP D "{5}" \
	"|6[02]\\d{2}" G4 "{3}" \
	"|(?:30[0-5]\\d|3[689]\\d{2}|3095)" SEP D "{6}" SEP D "{4}" \
	"|(?:64[4-9]\\d|65\\d{2}|6011)" G4 "{3}" \
	"|(?:352[89]|35[3-8]\\d)" SEP D "{4}"
#define CARD_TAIL \
	"|(?:5[1-5]\\d{2}|222[1-9]|22[3-9]\\d|2[3-6]\\d{2}|27[01]\\d|2720)" \
	G4 "{3}" \
	"|4\\d{3}" G4 "{3}" \
	")(?!\\d)"
#define CARD_PATTERN	CARD_HEAD G4 "{2}|" SEP D "{8}" CARD_TAIL
#define CARD_JCB	CARD_HEAD "(?:" G4 "{2}|" SEP D "{8})" CARD_TAIL

/*
 * DataMate's EmailNumberCleaner: candidates are the matches of its pattern
 * between characters that cannot be in an address (F below; the text is
 * wrapped in U+9FA5 there, the start and the end of the text here); \d is
 * any decimal digit and \s? is Python's white space (PYSPACE), so a space
 * may stand on either side of the '@'.
 */
#define F	"0-9a-zA-Z!#$%&'*+\\-/=?^_`{|}~"
#define PYSPACE	"[\\t-\\r\\x{1c}-\\x{20}\\x{85}\\x{a0}\\x{1680}" \
	"\\x{2000}-\\x{200a}\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}]"
#define EMAIL_PATTERN \
	"(?<![" F "])[a-zA-Z\\d.\\-+_]+" PYSPACE "?@" PYSPACE "?" \
	"[a-zA-Z\\d.\\-+_]+\\.[a-zA-Z0-9]{2,6}(?![" F "])"

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

/* An optional country prefix, then a mobile or a landline number; past
 * the first digits, any decimal digit, as DataMate's \d. */
#define DD	"\\d"
#define PHONE_PATTERN \
	"(?<!\\d)(?:[(（]?\\+?(?:00)?86[)）]?[- ]?)?(?:" \
	"1[3-9]" DD SEP DD "{4}" SEP DD "{4}" \
	"|[(（]?0?[12]" DD "[)）]?[ -]?[2-8]" DD "{3}[ -]?" DD "{4}" \
	"|[(（]?0?[3-9]" DD "{2}[)）]?[ -]?[2-8]" DD "{2}" DD "?[ -]?" DD "{4}" \
	")(?!\\d)"

/*
 * keep_hex: hashes, UUIDs and keys are runs of hex letters and digits
 * (d94c95382265968c354c), and a number inside one is none of these kinds,
 * so a match of idcard, card or phone may not start or end inside such a
 * run. HEXB holds where the characters on both sides are not both hex.
 * DataMate has no such rule.
 */
#define HEXB		"(?!(?<=[0-9A-Fa-f])[0-9A-Fa-f])"

enum kind { IDCARD, CARD, EMAIL, URL, IP, PHONE, NKIND };

/* email and ip: the pattern finds the candidates that email_pass and
 * ip_pass check. */
static const struct {
	const char	*name;
	const char	*pattern;
	const char	*tag;
} kinds[NKIND] = {
	{ "idcard", IDCARD_PATTERN, "<id>" },
	{ "card", CARD_PATTERN, "<credit_card_number>" },
	{ "email", EMAIL_PATTERN, "<email>" },
	{ "url", URL_PATTERN, "<url>" },
	{ "ip", QUAD_PATTERN, "<ip>" },
	{ "phone", PHONE_PATTERN, "<tel>" }
};

struct anon {
	struct dm_re	*re[NKIND];	/* NULL: kind not asked for */
	struct dm_re	*ipkey;		/* with re[IP] */
	int		 hex;		/* keep_hex */
	int		 checksum;	/* idcard: checksum */
	struct dm_buf	 cur;		/* the text after the passes so far */
	struct dm_buf	 next;		/* the pass being written */
	struct dm_buf	 a, b;		/* email, ip: the text being changed */
	struct dm_buf	 found;		/* email: candidates, as written */
	struct dm_buf	 offs;		/* their ends in found, size_t each */
};

static const struct dm_param params[] = {
	{ .name = "kinds", .type = DM_P_LIST,
	  .def = "email,url,ip,phone,card,idcard",
	  .help = "what to replace: email, url, ip, phone, card, idcard" },
	{ .name = "checksum", .type = DM_P_BOOL, .def = "true",
	  .help = "idcard: replace only an ID number whose check character "
	    "holds" },
	{ .name = "card8", .type = DM_P_BOOL, .def = "true",
	  .help = "card: an 8-digit number that passes the Luhn check is a "
	    "card number, as DataMate's JCB pattern reads" },
	{ .name = "keep_hex", .type = DM_P_BOOL, .def = "false",
	  .help = "leave the digits inside runs of hex letters and digits "
	    "(idcard, card, phone)" },
	{ .name = NULL }
};

/* Whether c is a decimal digit (Unicode's Nd, Python's \d). */
static int
isnd(int32_t c)
{
	if (c < 0x80)
		return c >= '0' && c <= '9';
	return utf8proc_category(c) == UTF8PROC_CATEGORY_ND;
}

/* The value of the decimal digit c, as Python's int() reads it: Unicode
 * lays out every Nd run as 0 to 9, one after the other. */
static int
ndval(int32_t c)
{
	int v = 0;

	if (c < 0x80)
		return c - '0';
	while (isnd(c - 1 - v))
		v++;
	return v % 10;
}

/* The Luhn check over the decimal digits of s, by their values. */
static int
luhn(const char *s, size_t n)
{
	unsigned sum = 0, d;
	int32_t cp[64];
	size_t i, m = 0;
	int len, odd = 0;

	for (i = 0; i < n && m < sizeof(cp) / sizeof(cp[0]); i += (size_t)len)
		if ((len = dm_utf8_decode(s + i, n - i, &cp[m++])) < 0)
			return 0;
	while (m-- > 0) {
		if (!isnd(cp[m]))
			continue;
		d = (unsigned)ndval(cp[m]);
		if (odd && (d *= 2) > 9)
			d -= 9;
		sum += d;
		odd = !odd;
	}
	return sum % 10 == 0;
}

/*
 * The ISO 7064 MOD 11-2 check character of the 18 characters at s (the
 * pattern has made sure of 17 decimal digits, then 0 to 9 or X), the
 * digits read by their values as DataMate's int() reads them.
 */
static int
idcard(const char *s, size_t n)
{
	static const int w[17] = {
		7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2
	};
	static const char check[] = "10X98765432";
	size_t at = 0;
	int32_t c;
	int i, len, sum = 0;

	for (i = 0; i < 17; i++) {
		if ((len = dm_utf8_decode(s + at, n - at, &c)) < 0)
			return 0;
		sum += ndval(c) * w[i];
		at += (size_t)len;
	}
	return at + 1 == n && check[sum % 11] == (s[at] == 'x' ? 'X' :
	    s[at]);
}

/* phone: one re.sub over s into dst: 1 when something was replaced, 0
 * when not (dst may hold a part then), -1 with err. */
static int
pass(struct dm_re *re, enum kind k, const char *s, size_t n,
    struct dm_buf *dst, struct dm_buf *err)
{
	size_t at = 0, done = 0, ov[2];
	int rc, hit = 0;

	while ((rc = dm_re_match(re, s, n, at, ov, err)) == 1) {
		dm_buf_add(dst, s + done, ov[0] - done);
		dm_buf_adds(dst, kinds[k].tag);
		done = ov[1];
		hit = 1;
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

/* The character before s[i] and the one at s[i], -1 at an end. */
static int32_t
cp_before(const char *s, size_t i)
{
	size_t b = i;
	int32_t c;

	if (i == 0)
		return -1;
	while (b > 0 && i - b < 4 && ((unsigned char)s[b - 1] & 0xc0) == 0x80)
		b--;
	if (b > 0)
		b--;
	return dm_utf8_decode(s + b, i - b, &c) < 0 ? 0xfffd : c;
}

static int32_t
cp_at(const char *s, size_t n, size_t i)
{
	int32_t c;

	if (i == n)
		return -1;
	return dm_utf8_decode(s + i, n - i, &c) < 0 ? 0xfffd : c;
}

static int
ishex(int32_t c)
{
	return c >= 0 && c < 0x80 && ((c >= '0' && c <= '9') ||
	    ((c | 0x20) >= 'a' && (c | 0x20) <= 'f'));
}

/*
 * Whether s[b..e) stands where DataMate's second pattern takes it: for an
 * ID number no ASCII digit before and no ASCII digit or X after, for a
 * card number no decimal digit on either side; with keep_hex, neither end
 * inside a hex run.
 */
static int
bounded(const struct anon *a, enum kind k, const char *s, size_t n,
    size_t b, size_t e)
{
	int32_t pre = cp_before(s, b), post = cp_at(s, n, e);

	if (k == IDCARD ? (pre >= '0' && pre <= '9') || (post >= '0' &&
	    post <= '9') || post == 'x' || post == 'X' :
	    (pre >= 0 && isnd(pre)) || (post >= 0 && isnd(post)))
		return 0;
	return !a->hex || !((ishex(pre) && ishex((unsigned char)s[b])) ||
	    (ishex((unsigned char)s[e - 1]) && ishex(post)));
}

/*
 * AnonymizedIdNumber and AnonymizedCreditCardNumber: the matches as
 * finditer gives them, in order; each that passes its check is written
 * into a pattern of its own, bounded as above, and every place of the text
 * now where that pattern matches is replaced, as re.sub replaces, left to
 * right, none overlapping: a number that stands twice goes twice.
 */
static int
numbers_pass(struct anon *a, enum kind k, const char *s, size_t n,
    struct dm_buf *dst, struct dm_buf *err)
{
	size_t at = 0, ov[2], i, done, off, j, cn, tn;
	const char *c, *p, *t;
	int rc, hit = 0, any;

	cand_reset(a);
	while ((rc = dm_re_match(a->re[k], s, n, at, ov, err)) == 1) {
		cand_add(a, s + ov[0], ov[1] - ov[0]);
		at = ov[1];
	}
	if (rc == -1)
		return -1;
	t = s;
	tn = n;
	for (j = 0; j < cand_count(a); j++) {
		c = cand_get(a, j, &cn);
		if (k == IDCARD ? a->checksum && !idcard(c, cn) :
		    !luhn(c, cn))
			continue;
		dm_buf_reset(&a->b);
		/* a candidate starts with an ASCII character, which never
		 * falls inside another */
		for (i = 0, done = 0, any = 0; (p = memmem(t + i, tn - i, c,
		    cn)) != NULL;) {
			off = (size_t)(p - t);
			if (!bounded(a, k, t, tn, off, off + cn)) {
				i = off + 1;
				continue;
			}
			dm_buf_add(&a->b, t + done, off - done);
			dm_buf_adds(&a->b, kinds[k].tag);
			i = done = off + cn;
			any = 1;
		}
		if (!any)
			continue;
		dm_buf_add(&a->b, t + done, tn - done);
		dm_buf_swap(&a->a, &a->b);
		t = a->a.buf;
		tn = a->a.len;
		hit = 1;
	}
	if (hit)
		dm_buf_add(dst, t, tn);
	return hit;
}

/* ---- email: email_validator 1.3's validate_email(check_deliverability=
 * False) on what the pattern can match ---- */

/* IDNA 2008's flags of c (idna.h), 0 for DISALLOWED and UNASSIGNED. */
static unsigned
idna_flags(int32_t c)
{
	size_t lo = 0, hi = sizeof(idna_tab) / sizeof(idna_tab[0]), m;

	while (lo < hi) {
		m = (lo + hi) / 2;
		if (c < idna_tab[m].lo)
			hi = m;
		else if (c > idna_tab[m].hi)
			lo = m + 1;
		else
			return idna_tab[m].flags;
	}
	return 0;
}

#define BIDI(c)		(idna_flags(c) & 7 << 2)
#define JT(c)		(idna_flags(c) & 7 << 7)
#define SCRIPT(c)	(idna_flags(c) & 3 << 10)

/* Whether the label is in Normalization Form C. */
static int
nfc(const int32_t *cp, size_t n)
{
	char buf[64 * 4], *p = buf;
	utf8proc_uint8_t *out;
	utf8proc_ssize_t r;
	size_t i;
	int ok;

	if (n > 64)
		return 0;
	for (i = 0; i < n; i++)
		p += dm_utf8_encode(cp[i], p);
	r = utf8proc_map((const utf8proc_uint8_t *)buf, p - buf, &out,
	    UTF8PROC_STABLE | UTF8PROC_COMPOSE);
	if (r < 0)
		return 0;
	ok = r == p - buf && memcmp(out, buf, (size_t)r) == 0;
	free(out);
	return ok;
}

/* idna's valid_contextj: a joiner after a virama, or a ZWNJ between
 * joining characters. */
static int
contextj(const int32_t *cp, size_t n, size_t pos)
{
	size_t i;
	unsigned t = 0;

	if (pos > 0 && idna_flags(cp[pos - 1]) & IDNA_VIRAMA)
		return 1;
	if (cp[pos] != 0x200c)
		return 0;
	for (i = pos; i-- > 0 && (t = JT(cp[i])) == IDNA_JT_T;)
		;
	if (i == (size_t)-1 || (t != IDNA_JT_L && t != IDNA_JT_D))
		return 0;
	for (i = pos + 1; i < n && (t = JT(cp[i])) == IDNA_JT_T; i++)
		;
	return i < n && (t == IDNA_JT_R || t == IDNA_JT_D);
}

/* idna's valid_contexto. */
static int
contexto(const int32_t *cp, size_t n, size_t pos)
{
	int32_t c = cp[pos];
	size_t i;

	if (c == 0xb7)
		return pos > 0 && pos + 1 < n && cp[pos - 1] == 'l' &&
		    cp[pos + 1] == 'l';
	if (c == 0x375)
		return pos + 1 < n && SCRIPT(cp[pos + 1]) == IDNA_GREEK;
	if (c == 0x5f3 || c == 0x5f4)
		return pos > 0 && SCRIPT(cp[pos - 1]) == IDNA_HEBREW;
	for (i = 0; i < n; i++) {
		if (c == 0x30fb && cp[i] != 0x30fb &&
		    SCRIPT(cp[i]) == IDNA_KANA)
			return 1;
		if (c >= 0x660 && c <= 0x669 && cp[i] >= 0x6f0 &&
		    cp[i] <= 0x6f9)
			return 0;
		if (c >= 0x6f0 && c <= 0x6f9 && cp[i] >= 0x660 &&
		    cp[i] <= 0x669)
			return 0;
	}
	return c != 0x30fb;
}

/* idna's check_bidi (RFC 5893), which applies to a label holding a
 * right-to-left character or an Arabic digit. */
static int
bidi(const int32_t *cp, size_t n)
{
	size_t i;
	unsigned d, num = 0;
	int rtl = 0, end = 0;

	for (i = 0; i < n; i++)
		if ((d = BIDI(cp[i])) == IDNA_B_RAL || d == IDNA_B_AN)
			rtl = 1;
	if (!rtl)
		return 1;
	if ((d = BIDI(cp[0])) != IDNA_B_RAL && d != IDNA_B_L)
		return 0;
	rtl = d == IDNA_B_RAL;
	for (i = 0; i < n; i++) {
		d = BIDI(cp[i]);
		if (d == IDNA_B_OTHER || (rtl ? d == IDNA_B_L :
		    d == IDNA_B_RAL || d == IDNA_B_AN))
			return 0;
		if (d != IDNA_B_NSM)
			end = d == IDNA_B_L || d == IDNA_B_EN ||
			    d == IDNA_B_RAL || d == IDNA_B_AN;
		if (rtl && (d == IDNA_B_AN || d == IDNA_B_EN)) {
			if (num != 0 && num != d)
				return 0;
			num = d;
		}
	}
	return end;
}

/* idna's check_label. */
static int
check_label(const int32_t *cp, size_t n)
{
	size_t i;
	int ascii = 1;
	unsigned f;

	if (n == 0 || (n >= 4 && cp[2] == '-' && cp[3] == '-') ||
	    cp[0] == '-' || cp[n - 1] == '-' ||
	    idna_flags(cp[0]) & IDNA_MARK)
		return 0;
	for (i = 0; i < n; i++) {
		if (cp[i] >= 128)
			ascii = 0;
		f = idna_flags(cp[i]) & 3;
		if (f == 0 || (f == IDNA_CONTEXTJ && !contextj(cp, n, i)) ||
		    (f == IDNA_CONTEXTO && !contexto(cp, n, i)))
			return 0;
	}
	return ascii || (nfc(cp, n) && bidi(cp, n));
}

/* RFC 3492's adaptation, as Python's punycode codec has it. */
static unsigned long long
adapt(unsigned long long delta, size_t npoints, int first)
{
	unsigned long long k = 0;

	delta = first ? delta / 700 : delta / 2;
	delta += delta / npoints;
	while (delta > (35 * 26) / 2) {
		delta /= 35;
		k += 36;
	}
	return k + 36 * delta / (delta + 38);
}

static unsigned long long
threshold(unsigned long long k, unsigned long long bias)
{
	return k <= bias ? 1 : k >= bias + 26 ? 26 : k - bias;
}

/* The length of the Punycode of a label (without "xn--"). */
static size_t
punylen(const int32_t *cp, size_t n)
{
	unsigned long long delta = 0, bias = 72, q, k, t;
	int32_t c = 128, m;
	size_t i, h, b = 0, len;

	for (i = 0; i < n; i++)
		if (cp[i] < 128)
			b++;
	len = b + (b > 0);
	for (h = b; h < n; delta++, c++) {
		for (m = 0x110000, i = 0; i < n; i++)
			if (cp[i] >= c && cp[i] < m)
				m = cp[i];
		delta += (unsigned long long)(m - c) * (h + 1);
		c = m;
		for (i = 0; i < n; i++) {
			if (cp[i] < c)
				delta++;
			if (cp[i] != c)
				continue;
			for (q = delta, k = 36;; k += 36) {
				t = threshold(k, bias);
				if (q < t)
					break;
				len++;
				q = (q - t) / (36 - t);
			}
			len++;
			bias = adapt(delta, h + 1, h == b);
			delta = 0;
			h++;
		}
	}
	return len;
}

/* Python's punycode decoder, strict, on s (ASCII, lower case): the
 * number of code points written to out (max at most), 0 on error. */
static size_t
punydecode(const char *s, size_t n, int32_t *out, size_t max)
{
	const unsigned long long big = 1ULL << 50;
	unsigned long long bias = 72, delta, w, t, j, c = 0x80;
	unsigned long long pos = (unsigned long long)-1;
	size_t i, len = 0, ext, start;
	int d;

	for (i = n; i > 0 && s[i - 1] != '-'; i--)
		;
	ext = i;
	if (i > 0) {
		if (i - 1 > max)
			return 0;
		for (len = 0; len < i - 1; len++)
			out[len] = (unsigned char)s[len];
	}
	while (ext < n) {
		start = ext;
		for (delta = 0, w = 1, j = 0;; j++) {
			if (ext == n)
				return 0;
			d = s[ext++];
			if (d >= 'a' && d <= 'z')
				d -= 'a';
			else if (d >= '0' && d <= '9')
				d -= '0' - 26;
			else
				return 0;
			t = threshold(36 * (j + 1), bias);
			delta += (unsigned long long)d * w;
			if (delta > big)
				delta = big;
			if ((unsigned long long)d < t)
				break;
			w *= 36 - t;
			if (w > big)
				w = big;
		}
		pos += delta + 1;
		c += pos / (len + 1);
		if (c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff) ||
		    len == max)
			return 0;
		pos %= len + 1;
		memmove(out + pos + 1, out + pos, (len - pos) * sizeof(*out));
		out[pos] = (int32_t)c;
		len++;
		bias = adapt(delta, len, start == i);
	}
	return len;
}

static size_t
utf8len(const int32_t *cp, size_t n)
{
	size_t i, len = 0;

	for (i = 0; i < n; i++)
		len += cp[i] < 0x80 ? 1 : cp[i] < 0x800 ? 2 :
		    cp[i] < 0x10000 ? 3 : 4;
	return len;
}

/* One label of the domain, mapped by UTS 46, as idna.encode and
 * idna.decode take it: its length as an A-label in *alen, as a U-label
 * in UTF-8 in *ulen. */
static int
label_ok(const int32_t *cp, size_t n, size_t *alen, size_t *ulen)
{
	int32_t u[64];
	size_t i, m;

	for (i = 0; i < n && cp[i] < 128; i++)
		;
	if (i < n) {
		*alen = 4 + punylen(cp, n);
		*ulen = utf8len(cp, n);
		return *alen <= 63 && check_label(cp, n);
	}
	*alen = n;
	*ulen = n;
	if (n > 63)
		return 0;
	if (n < 4 || cp[0] != 'x' || cp[1] != 'n' || cp[2] != '-' ||
	    cp[3] != '-')
		return check_label(cp, n);
	/* an A-label: its Punycode must decode to a good label */
	if (n == 4 || cp[n - 1] == '-')
		return 0;
	{
		char a[64];

		for (i = 4; i < n; i++)
			a[i - 4] = (char)cp[i];
		if ((m = punydecode(a, n - 4, u, 64)) == 0)
			return 0;
	}
	*ulen = utf8len(u, m);
	return check_label(u, m);
}

/*
 * validate_email(s, check_deliverability=False) of email_validator 1.3 for
 * the strings EMAIL_PATTERN matches: ASCII letters, decimal digits, . - +
 * _, one '@' and maybe a white space before or after it.
 */
static int
email_ok(const char *s, size_t n)
{
	static const char *const special[] = {
		"arpa", "invalid", "local", "localhost", "onion", "test"
	};
	int32_t cp[256], c;
	const char *at = memchr(s, '@', n);
	size_t i, nl, ncp, lab, alen = 0, ulen = 0, total = 0, ubytes = 0;
	size_t llen;
	int len, asciilocal = 1;

	if (at == NULL)
		return 0;
	/* the local part: at most 64 characters, a dot-atom; the ones
	 * outside ASCII are digits (fine) or white space (not) */
	llen = (size_t)(at - s);
	for (i = 0, nl = 0; i < llen; i += (size_t)len, nl++) {
		if ((len = dm_utf8_decode(s + i, llen - i, &c)) < 0)
			return 0;
		if (c >= 128) {
			asciilocal = 0;
			if (dm_uni_isspace(c))
				return 0;
		} else if (c == '.' ? i == 0 || s[i - 1] == '.' :
		    !(c == '-' || c == '+' || c == '_' ||
		    (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' &&
		    (c | 0x20) <= 'z')))
			return 0;
	}
	if (nl > 64 || llen == 0 || s[llen - 1] == '.')
		return 0;
	/* the domain, mapped by UTS 46 (lower case; the digits that have an
	 * ASCII form take it), then label by label */
	s = at + 1;
	n -= llen + 1;
	for (i = 0, ncp = 0, lab = 0; i <= n; i += (size_t)len) {
		if (i == n || s[i] == '.') {
			if (!label_ok(cp + lab, ncp - lab, &alen, &ulen))
				return 0;
			total += alen + (lab > 0);
			ubytes += ulen + (lab > 0);
			if (i == n)
				break;
			if (ncp == sizeof(cp) / sizeof(cp[0]))
				return 0;
			cp[ncp++] = '.';
			lab = ncp;
			len = 1;
			continue;
		}
		if ((len = dm_utf8_decode(s + i, n - i, &c)) < 0 ||
		    ncp == sizeof(cp) / sizeof(cp[0]))
			return 0;
		if (c >= 'A' && c <= 'Z')
			c |= 0x20;
		else if (c >= 0xff10 && c <= 0xff19)
			c -= 0xff10 - '0';
		else if (c >= 0x1d7ce && c <= 0x1d7ff)
			c = '0' + (c - 0x1d7ce) % 10;
		else if (c >= 0x1fbf0 && c <= 0x1fbf9)
			c -= 0x1fbf0 - '0';
		cp[ncp++] = c;
	}
	/* a top-level domain ends with a letter; the pattern has made sure
	 * of a dot before the last label */
	if (total > 253 || cp[ncp - 1] < 'a' || cp[ncp - 1] > 'z')
		return 0;
	for (i = 0; i < sizeof(special) / sizeof(special[0]); i++) {
		size_t j, sl = strlen(special[i]);

		for (j = 0; j < sl && lab + j < ncp &&
		    cp[lab + j] == (unsigned char)special[i][j]; j++)
			;
		if (j == sl && lab + j == ncp)
			return 0;
	}
	if (asciilocal && llen + 1 + total > 254)
		return 0;
	return llen + 1 + ubytes <= 254;
}

/* Whether c is in F (a byte of a longer character is not). */
static int
inf(char c)
{
	return c != '\0' && ((c >= '0' && c <= '9') || ((c | 0x20) >= 'a' &&
	    (c | 0x20) <= 'z') || strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

/* Whether the byte before s[i] and the one at s[i + len] leave the place
 * an address may stand: a character outside F, or an end of the text. */
static int
email_bounded(const char *s, size_t n, size_t i, size_t len)
{
	if (i > 0 && inf(s[i - 1]))
		return 0;
	return i + len == n || !inf(s[i + len]);
}

/*
 * EmailNumberCleaner: the candidates as findall gives them, in order; each
 * that validate_email accepts replaces the first place of the text now
 * where it stands between the bounds, which need not be where it was found.
 */
static int
email_pass(struct anon *a, const char *s, size_t n, struct dm_buf *dst,
    struct dm_buf *err)
{
	size_t at = 0, ov[2], i, k, cn;
	const char *c, *p, *t;
	size_t tn;
	int rc, hit = 0;

	if (memchr(s, '@', n) == NULL)
		return 0;
	cand_reset(a);
	while ((rc = dm_re_match(a->re[EMAIL], s, n, at, ov, err)) == 1) {
		cand_add(a, s + ov[0], ov[1] - ov[0]);
		at = ov[1];
	}
	if (rc == -1)
		return -1;
	t = s;
	tn = n;
	for (k = 0; k < cand_count(a); k++) {
		c = cand_get(a, k, &cn);
		if (!email_ok(c, cn))
			continue;
		for (i = 0; (p = memmem(t + i, tn - i, c, cn)) != NULL;
		    i = (size_t)(p - t) + 1)
			if (email_bounded(t, tn, (size_t)(p - t), cn))
				break;
		if (p == NULL)
			continue;
		i = (size_t)(p - t);
		dm_buf_reset(&a->b);
		dm_buf_add(&a->b, t, i);
		dm_buf_adds(&a->b, kinds[EMAIL].tag);
		dm_buf_add(&a->b, t + i + cn, tn - i - cn);
		dm_buf_swap(&a->a, &a->b);
		t = a->a.buf;
		tn = a->a.len;
		hit = 1;
	}
	if (hit)
		dm_buf_add(dst, t, tn);
	return hit;
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

/*
 * The line s into a->a as _ip_address_filter leaves it, unstripped, in one
 * pass for IPv4 and one for IPv6. DataMate replaces, candidate after
 * candidate, every run equal to it; a run of digits and dots, or of hex
 * digits and colons, is always bounded by other characters, and <ip> holds
 * neither kind, so a replacement changes no other run and no keyword: the
 * order does not matter and every run can be judged on the line as it is.
 * A run of single digits goes when any does, which is when one stands
 * after a keyword.
 */
static int
ip_line(struct anon *a, const char *s, size_t n, struct dm_buf *err)
{
	size_t at = 0, done = 0, ov[2], i, j, part;
	int rc, single = 0, colon, ok;

	dm_buf_reset(&a->a);
	if (memchr(s, '.', n) != NULL) {
		if ((rc = dm_re_match(a->ipkey, s, n, 0, ov, err)) == -1)
			return -1;
		single = rc;
		while ((rc = dm_re_match(a->re[IP], s, n, at, ov, err)) == 1) {
			at = ov[1];
			if (single ? !ipv4_single(s + ov[0], ov[1] - ov[0]) &&
			    !ipv4_ok(s + ov[0], ov[1] - ov[0]) :
			    ov[1] - ov[0] == 7 ||
			    !ipv4_ok(s + ov[0], ov[1] - ov[0]))
				continue;
			dm_buf_add(&a->a, s + done, ov[0] - done);
			dm_buf_adds(&a->a, kinds[IP].tag);
			done = ov[1];
		}
		if (rc == -1)
			return -1;
	}
	dm_buf_add(&a->a, s + done, n - done);
	if (memchr(a->a.buf, ':', a->a.len) == NULL)
		return 0;
	/* the runs of hex digits and colons with a colon and no part
	 * longer than four that ipaddress reads */
	dm_buf_reset(&a->b);
	for (i = 0, done = 0; i < a->a.len; i = j) {
		if (!hexcolon(a->a.buf[i])) {
			j = i + 1;
			continue;
		}
		for (j = i, colon = 0, ok = 1, part = 0; j < a->a.len &&
		    hexcolon(a->a.buf[j]); j++) {
			if (a->a.buf[j] == ':') {
				colon = 1;
				part = 0;
			} else if (++part > 4)
				ok = 0;
		}
		if (colon && ok && ipv6_ok(a->a.buf + i, j - i)) {
			dm_buf_add(&a->b, a->a.buf + done, i - done);
			dm_buf_adds(&a->b, kinds[IP].tag);
			done = j;
		}
	}
	dm_buf_add(&a->b, a->a.buf + done, a->a.len - done);
	dm_buf_swap(&a->a, &a->b);
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
	struct dm_buf pat = DM_BUF_INIT;
	int hex = dm_arg(args, "keep_hex")->i != 0;

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
	a->hex = hex;
	a->checksum = dm_arg(args, "checksum")->i != 0;
	dm_buf_init(&a->cur);
	dm_buf_init(&a->next);
	dm_buf_init(&a->a);
	dm_buf_init(&a->b);
	dm_buf_init(&a->found);
	dm_buf_init(&a->offs);
	for (k = 0; k < NKIND; k++) {
		if (!want[k])
			continue;
		dm_buf_reset(&pat);
		if (hex && (k == IDCARD || k == CARD || k == PHONE))
			dm_buf_adds(&pat, HEXB "(?:");
		dm_buf_adds(&pat, k == CARD && !dm_arg(args, "card8")->i ?
		    CARD_JCB : kinds[k].pattern);
		if (hex && (k == IDCARD || k == CARD || k == PHONE))
			dm_buf_adds(&pat, ")" HEXB);
		a->re[k] = dm_re_new(pat.buf, "", err, &off);
		if (a->re[k] == NULL) {
			dm_buf_free(&pat);
			anon_fini(a);
			return -1;
		}
	}
	dm_buf_free(&pat);
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
		if (k == IDCARD || k == CARD)
			rc = numbers_pass(a, k, s, n, &a->next, err);
		else if (k == EMAIL)
			rc = email_pass(a, s, n, &a->next, err);
		else if (k == IP)
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
