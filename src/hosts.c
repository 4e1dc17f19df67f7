/* hosts.c - the hosts of dm-run: [N/][user@]host[:port], ':' for this machine */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dm.h"
#include "remote.h"

/*
 * Names are checked character by character, not merely quoted: a host
 * entry reaches ssh as an argument of its own, never through a shell, but
 * ssh reads an argument that starts with '-' as an option, and a user or
 * host name holding a quote or a space is always a mistake. So a user name
 * is [A-Za-z0-9._-] (not first '-'), a host name the same (not first '-'
 * or '.'), or an IPv6 address in brackets.
 */
static int
namechar(int c)
{
	return isascii(c) && (isalnum(c) || c == '.' || c == '_' || c == '-');
}

static int
badname(const char *s, size_t n, const char *what, struct dm_buf *err)
{
	size_t i;

	if (n == 0) {
		dm_buf_addf(err, "empty %s", what);
		return -1;
	}
	if (s[0] == '-' || (s[0] == '.' && strcmp(what, "host name") == 0)) {
		dm_buf_addf(err, "%s may not start with '%c'", what, s[0]);
		return -1;
	}
	for (i = 0; i < n; i++)
		if (!namechar((unsigned char)s[i])) {
			dm_buf_addf(err, "character '");
			dm_buf_addquoted(err, s + i, 1, 1);
			dm_buf_addf(err, "' not allowed in a %s", what);
			return -1;
		}
	return 0;
}

static int
badipv6(const char *s, size_t n, struct dm_buf *err)
{
	size_t i;

	if (n == 0) {
		dm_buf_adds(err, "empty IPv6 address");
		return -1;
	}
	for (i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]) && s[i] != ':' && s[i] != '.') {
			dm_buf_adds(err, "character '");
			dm_buf_addquoted(err, s + i, 1, 1);
			dm_buf_adds(err, "' not allowed in an IPv6 address");
			return -1;
		}
	return 0;
}

static int
number(const char *s, size_t n, long max, long *out)
{
	long v = 0;
	size_t i;

	if (n == 0 || n > 6)
		return -1;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	if (v < 1 || v > max)
		return -1;
	*out = v;
	return 0;
}

int
dm_host_parse(struct dm_host *h, const char *s, size_t n, struct dm_buf *err)
{
	const char *p = s, *end = s + n, *at, *colon, *host;
	size_t hn;
	long v;

	memset(h, 0, sizeof *h);
	h->spec = dm_xmalloc(n + 1);
	memcpy(h->spec, s, n);
	h->spec[n] = '\0';
	/* N/ */
	for (; p < end && isdigit((unsigned char)*p); p++)
		;
	if (p < end && *p == '/') {
		if (number(s, (size_t)(p - s), DM_HOST_MAXSLOTS, &v) < 0) {
			dm_buf_addf(err, "slot count must be 1 to %d",
			    DM_HOST_MAXSLOTS);
			goto bad;
		}
		h->slots = (int)v;
		p++;
	} else
		p = s;
	if (end - p == 1 && *p == ':')
		return 0;	/* this machine */
	at = memchr(p, '@', (size_t)(end - p));
	if (at) {
		if (badname(p, (size_t)(at - p), "user name", err) < 0)
			goto bad;
		h->user = dm_xmalloc((size_t)(at - p) + 1);
		memcpy(h->user, p, (size_t)(at - p));
		h->user[at - p] = '\0';
		p = at + 1;
	}
	if (p < end && *p == '[') {
		const char *close = memchr(p, ']', (size_t)(end - p));

		if (!close) {
			dm_buf_adds(err, "'[' without ']'");
			goto bad;
		}
		host = p + 1;
		hn = (size_t)(close - host);
		if (badipv6(host, hn, err) < 0)
			goto bad;
		p = close + 1;
		if (p < end && *p != ':') {
			dm_buf_adds(err, "expected ':PORT' after ']'");
			goto bad;
		}
		colon = p < end ? p : NULL;
	} else {
		host = p;
		colon = memchr(p, ':', (size_t)(end - p));
		hn = (size_t)((colon ? colon : end) - host);
		if (badname(host, hn, "host name", err) < 0)
			goto bad;
	}
	if (colon) {
		if (number(colon + 1, (size_t)(end - colon - 1), 65535, &v) < 0) {
			dm_buf_adds(err, "port must be a number from 1 to 65535");
			goto bad;
		}
		h->port = (int)v;
	}
	h->name = dm_xmalloc(hn + 1);
	memcpy(h->name, host, hn);
	h->name[hn] = '\0';
	return 0;
bad:
	dm_host_free(h);
	return -1;
}

void
dm_host_free(struct dm_host *h)
{
	free(h->spec);
	free(h->user);
	free(h->name);
	memset(h, 0, sizeof *h);
}

/* Two entries for the same user, host and port would share one connection
 * and are almost always a mistake (the same file given twice). */
static int
samehost(const struct dm_host *a, const struct dm_host *b)
{
	if (!a->name || !b->name)
		return !a->name && !b->name;
	return strcmp(a->name, b->name) == 0 && a->port == b->port &&
	    strcmp(a->user ? a->user : "", b->user ? b->user : "") == 0;
}

static int
add(struct dm_hosts *hs, const char *s, size_t n, const char *where,
    struct dm_buf *err)
{
	struct dm_host h;
	struct dm_buf why = DM_BUF_INIT;
	size_t i;

	if (dm_host_parse(&h, s, n, &why) < 0) {
		dm_buf_addf(err, "%s: bad host '", where);
		dm_buf_addquoted(err, s, n, 200);
		dm_buf_addf(err, "': %s", why.buf);
		dm_buf_free(&why);
		return -1;
	}
	for (i = 0; i < hs->n; i++)
		if (samehost(&hs->v[i], &h)) {
			dm_buf_addf(err, "%s: host '%s' is already listed", where,
			    h.spec);
			dm_host_free(&h);
			return -1;
		}
	if (hs->n == hs->cap) {
		hs->cap = hs->cap ? 2 * hs->cap : 8;
		hs->v = dm_xrealloc(hs->v, hs->cap * sizeof *hs->v);
	}
	hs->v[hs->n++] = h;
	return 0;
}

int
dm_hosts_load(struct dm_hosts *hs, const char *file, struct dm_buf *err)
{
	struct dm_buf where = DM_BUF_INIT;
	char *text;
	const char *p, *end, *nl, *hash, *a, *b;
	unsigned long lineno = 0;
	int rc = 0;

	text = dm_slurp(file);
	p = text;
	end = text + strlen(text);
	while (p < end && rc == 0) {
		lineno++;
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		hash = memchr(p, '#', (size_t)(nl - p));
		a = p;
		b = hash ? hash : nl;
		while (a < b && isspace((unsigned char)*a))
			a++;
		while (b > a && isspace((unsigned char)b[-1]))
			b--;
		if (a < b) {
			dm_buf_reset(&where);
			dm_buf_addf(&where, "%s:%lu", file, lineno);
			rc = add(hs, a, (size_t)(b - a), where.buf, err);
		}
		p = nl + 1;
	}
	dm_buf_free(&where);
	free(text);
	return rc;
}

int
dm_hosts_list(struct dm_hosts *hs, const char *list, struct dm_buf *err)
{
	const char *p = list, *comma;
	size_t n;

	for (;;) {
		comma = strchr(p, ',');
		n = comma ? (size_t)(comma - p) : strlen(p);
		if (n > 0 && add(hs, p, n, "-S", err) < 0)
			return -1;
		if (!comma)
			return 0;
		p = comma + 1;
	}
}

void
dm_hosts_free(struct dm_hosts *hs)
{
	size_t i;

	for (i = 0; i < hs->n; i++)
		dm_host_free(&hs->v[i]);
	free(hs->v);
	memset(hs, 0, sizeof *hs);
}
