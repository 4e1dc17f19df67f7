/* http.c - HTTP requests over libcurl's multi interface */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <curl/curl.h>

#include "dm.h"
#include "llm.h"

/* One request in flight; its easy handle is kept for the next request. */
struct req {
	CURL		*easy;
	struct curl_slist *hdrs;
	char		*body;
	size_t		 len, off;	/* of body, and how much went out */
	struct dm_http_resp *resp;
	char		 errbuf[CURL_ERROR_SIZE];
	struct req	*next;		/* in the free list */
	struct req	*allnext;	/* every request, for dm_http_free */
};

struct dm_http {
	CURLM		*multi;
	long		 timeout_ms;
	size_t		 maxbody;	/* 0: no limit */
	size_t		 active;
	struct req	*free;		/* finished requests, handles reusable */
	struct req	*all;
};

static int curl_ready;

struct dm_http *
dm_http_new(long timeout_ms, long maxconns, size_t maxbody)
{
	struct dm_http *h;

	if (!curl_ready) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
			dm_die("libcurl: cannot initialize");
		curl_ready = 1;
	}
	h = dm_xcalloc(1, sizeof *h);
	if ((h->multi = curl_multi_init()) == NULL)
		dm_die("libcurl: cannot initialize");
	curl_multi_setopt(h->multi, CURLMOPT_MAXCONNECTS, maxconns);
	h->timeout_ms = timeout_ms;
	h->maxbody = maxbody;
	return h;
}

/* Keeps the final response's headers: a 100 Continue or a redirect starts
 * a new status line, and the headers before it are dropped. Endless
 * headers end the transfer (a short count) before they exhaust memory. */
static size_t
onheader(char *p, size_t size, size_t n, void *arg)
{
	struct dm_http_resp *r = arg;
	size_t len = size * n, i, colon;

	if (len >= 5 && memcmp(p, "HTTP/", 5) == 0) {
		dm_buf_reset(&r->headers);
		return len;
	}
	/* kept as they come in, with at most two bytes more */
	if (len + 2 > DM_HTTP_MAXHEADERS - r->headers.len) {
		r->toolarge = DM_HTTP_HEADERS;
		return 0;
	}
	for (colon = 0; colon < len && p[colon] != ':'; colon++)
		;
	if (colon == 0 || colon == len)
		return len;
	for (i = 0; i < colon; i++)
		dm_buf_addc(&r->headers, tolower((unsigned char)p[i]));
	dm_buf_adds(&r->headers, ": ");
	for (i = colon + 1; i < len && (p[i] == ' ' || p[i] == '\t'); i++)
		;
	while (len > i && (p[len - 1] == '\n' || p[len - 1] == '\r' ||
	    p[len - 1] == ' '))
		len--;
	dm_buf_add(&r->headers, p + i, len - i);
	dm_buf_addc(&r->headers, '\n');
	return size * n;
}

/* A body without a Content-Length (chunked, or compressed) can only be
 * measured here: past the limit the transfer ends, by a short count,
 * before an endless body exhausts memory. */
static size_t
onbody(char *p, size_t size, size_t n, void *arg)
{
	struct dm_http_resp *r = arg;

	if (r->maxbody && size * n > r->maxbody - r->body.len) {
		r->toolarge = DM_HTTP_BODY;
		return 0;
	}
	dm_buf_add(&r->body, p, size * n);
	return size * n;
}

/* The body goes out through here rather than as CURLOPT_POSTFIELDS, so
 * that libcurl must ask onseek before it sends it again. */
static size_t
onread(char *p, size_t size, size_t n, void *arg)
{
	struct req *q = arg;

	n *= size;
	if (n > q->len - q->off)
		n = q->len - q->off;
	memcpy(p, q->body + q->off, n);
	q->off += n;
	return n;
}

/*
 * libcurl sends a request again, by itself, when a reused connection
 * closes before any byte of the answer: the server may have taken the
 * request and be paid for it, and the answer lost. A body that went out
 * is not sent again here: the request fails as a closed connection does,
 * and dm-llm's own retry, counted and bound by --retries, sends it.
 */
static int
onseek(void *arg, curl_off_t off, int whence)
{
	struct req *q = arg;

	if (q->off == 0 && off == 0 && whence == SEEK_SET)
		return CURL_SEEKFUNC_OK;
	return CURL_SEEKFUNC_FAIL;
}

void
dm_http_post(struct dm_http *h, const char *url, const char *const *headers,
    const char *body, size_t n, void *udata)
{
	struct req *q;
	CURL *e;

	if ((q = h->free) != NULL) {
		h->free = q->next;
		curl_easy_reset(q->easy);
	} else {
		q = dm_xcalloc(1, sizeof *q);
		if ((q->easy = curl_easy_init()) == NULL)
			dm_die("libcurl: cannot initialize");
		q->allnext = h->all;
		h->all = q;
	}
	e = q->easy;
	q->next = NULL;
	q->resp = dm_xcalloc(1, sizeof *q->resp);
	dm_buf_init(&q->resp->body);
	dm_buf_init(&q->resp->headers);
	q->resp->udata = udata;
	q->resp->maxbody = h->maxbody;
	q->body = dm_xmalloc(n + 1);
	memcpy(q->body, body, n);
	q->body[n] = '\0';
	q->len = n;
	q->off = 0;
	q->errbuf[0] = '\0';
	for (; headers && *headers; headers++)
		q->hdrs = curl_slist_append(q->hdrs, *headers);
	/* no "Expect: 100-continue" round trip for large bodies */
	q->hdrs = curl_slist_append(q->hdrs, "Expect:");
	if (q->hdrs == NULL)
		dm_die("out of memory");
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, q->hdrs);
	curl_easy_setopt(e, CURLOPT_POST, 1L);
	curl_easy_setopt(e, CURLOPT_READFUNCTION, onread);
	curl_easy_setopt(e, CURLOPT_READDATA, q);
	curl_easy_setopt(e, CURLOPT_SEEKFUNCTION, onseek);
	curl_easy_setopt(e, CURLOPT_SEEKDATA, q);
	curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)n);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, onheader);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, q->resp);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, onbody);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, q->resp);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, q->errbuf);
	curl_easy_setopt(e, CURLOPT_PRIVATE, q);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, h->timeout_ms);
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	/* a Content-Length past the limit fails before the body is read */
	if (h->maxbody)
		curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE,
		    (curl_off_t)h->maxbody);
	curl_easy_setopt(e, CURLOPT_TCP_NODELAY, 1L);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "dm-llm/" DM_VERSION);
	if (curl_multi_add_handle(h->multi, e) != CURLM_OK)
		dm_die("libcurl: cannot add a request");
	h->active++;
}

int
dm_http_poll(struct dm_http *h, int timeout_ms, int fd)
{
	struct curl_waitfd w = { fd, CURL_WAIT_POLLIN, 0 };
	CURLMcode mc;
	int running;

	mc = curl_multi_poll(h->multi, fd >= 0 ? &w : NULL, fd >= 0, timeout_ms,
	    NULL);
	if (mc == CURLM_OK)
		mc = curl_multi_perform(h->multi, &running);
	if (mc != CURLM_OK) {
		dm_warn("libcurl: %s", curl_multi_strerror(mc));
		return -1;
	}
	return 0;
}

struct dm_http_resp *
dm_http_done(struct dm_http *h)
{
	struct dm_http_resp *r;
	struct req *q;
	CURLMsg *m;
	CURLcode rc;
	char *priv;
	int left;

	while ((m = curl_multi_info_read(h->multi, &left)) != NULL) {
		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &priv);
		q = (struct req *)priv;
		r = q->resp;
		rc = m->data.result;
		if (rc == CURLE_FILESIZE_EXCEEDED)
			r->toolarge = DM_HTTP_BODY;
		if (rc == CURLE_OK || r->toolarge) {
			/* an answer too large has the status it came with */
			curl_easy_getinfo(q->easy, CURLINFO_RESPONSE_CODE,
			    &r->status);
			if (r->toolarge)
				dm_buf_reset(&r->body);
		} else {
			r->status = 0;
			r->timedout = rc == CURLE_OPERATION_TIMEDOUT;
			/* onseek refused: said as libcurl says it of a fresh
			 * connection closed without an answer */
			snprintf(r->error, sizeof r->error, "%s",
			    rc == CURLE_SEND_FAIL_REWIND ?
			    "Empty reply from server" : q->errbuf[0] ?
			    q->errbuf : curl_easy_strerror(rc));
		}
		curl_easy_getinfo(q->easy, CURLINFO_TOTAL_TIME, &r->seconds);
		curl_multi_remove_handle(h->multi, q->easy);
		curl_slist_free_all(q->hdrs);
		q->hdrs = NULL;
		free(q->body);
		q->body = NULL;
		q->resp = NULL;
		q->next = h->free;
		h->free = q;
		h->active--;
		return r;
	}
	return NULL;
}

const char *
dm_http_header(const struct dm_http_resp *r, const char *name,
    struct dm_buf *out)
{
	const char *p = r->headers.buf, *end = p + r->headers.len, *nl;
	size_t n = strlen(name);

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		if ((size_t)(nl - p) >= n + 2 && memcmp(p, name, n) == 0 &&
		    p[n] == ':') {
			dm_buf_reset(out);
			dm_buf_add(out, p + n + 2, (size_t)(nl - p) - n - 2);
			return out->buf;
		}
		p = nl + 1;
	}
	return NULL;
}

void
dm_http_resp_free(struct dm_http_resp *r)
{
	if (r == NULL)
		return;
	dm_buf_free(&r->body);
	dm_buf_free(&r->headers);
	free(r);
}

size_t
dm_http_active(const struct dm_http *h)
{
	return h->active;
}

void
dm_http_free(struct dm_http *h)
{
	struct dm_http_resp *r;
	struct req *q;

	if (h == NULL)
		return;
	while ((r = dm_http_done(h)) != NULL)
		dm_http_resp_free(r);
	/* requests still in flight (an interrupted run) are abandoned */
	while ((q = h->all) != NULL) {
		h->all = q->allnext;
		if (q->resp) {
			curl_multi_remove_handle(h->multi, q->easy);
			dm_http_resp_free(q->resp);
		}
		curl_slist_free_all(q->hdrs);
		free(q->body);
		curl_easy_cleanup(q->easy);
		free(q);
	}
	curl_multi_cleanup(h->multi);
	free(h);
}
