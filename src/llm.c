/* llm.c - prompt templates and chat-completions answers for dm-llm */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dm.h"
#include "llm.h"

struct seg {
	char	*s;		/* literal text, or a field path */
	size_t	 n;
	int	 field;
};

struct dm_tmpl {
	struct seg	*v;
	size_t		 n;
};

static void
addseg(struct dm_tmpl *t, const char *s, size_t n, int field)
{
	struct seg *g;

	if (n == 0 && !field)
		return;
	/* adjacent literals (around an escaped brace) become one */
	if (!field && t->n && !t->v[t->n - 1].field) {
		g = &t->v[t->n - 1];
		g->s = dm_xrealloc(g->s, g->n + n + 1);
		memcpy(g->s + g->n, s, n);
		g->n += n;
		g->s[g->n] = '\0';
		return;
	}
	t->v = dm_xreallocarray(t->v, t->n + 1, sizeof *t->v);
	g = &t->v[t->n++];
	g->s = dm_xstrndup(s, n);
	g->n = n;
	g->field = field;
}

struct dm_tmpl *
dm_tmpl_new(const char *src, struct dm_buf *err, size_t *off)
{
	struct dm_tmpl *t = dm_xcalloc(1, sizeof *t);
	const char *p = src, *lit = src, *close;
	char *path;

	while (*p) {
		if (*p == '{' && p[1] == '{') {
			addseg(t, lit, (size_t)(p - lit) + 1, 0);
			p += 2;
			lit = p;
		} else if (*p == '}' && p[1] == '}') {
			addseg(t, lit, (size_t)(p - lit) + 1, 0);
			p += 2;
			lit = p;
		} else if (*p == '{') {
			addseg(t, lit, (size_t)(p - lit), 0);
			close = p + 1 + strcspn(p + 1, "{}\n");
			if (*close != '}') {
				*off = (size_t)(p - src);
				dm_buf_adds(err, "unclosed '{' (write '{{' for a brace)");
				goto fail;
			}
			if (close == p + 1) {
				*off = (size_t)(p - src);
				dm_buf_adds(err, "empty placeholder '{}'");
				goto fail;
			}
			/* a path no sample can have would fail every sample
			 * as a missing field: said once, here, as -o says it */
			path = dm_xstrndup(p + 1, (size_t)(close - p - 1));
			if (!dm_fieldpath_ok(path)) {
				*off = (size_t)(p - src);
				dm_buf_adds(err, "'");
				dm_buf_addquoted(err, path, strlen(path),
				    DM_QUOTE_MAX);
				dm_buf_adds(err, "' is not a field name");
				free(path);
				goto fail;
			}
			free(path);
			addseg(t, p + 1, (size_t)(close - p - 1), 1);
			p = close + 1;
			lit = p;
		} else if (*p == '}') {
			*off = (size_t)(p - src);
			dm_buf_adds(err, "single '}' (write '}}' for a brace)");
			goto fail;
		} else
			p++;
	}
	addseg(t, lit, (size_t)(p - lit), 0);
	return t;
fail:
	dm_tmpl_free(t);
	return NULL;
}

int
dm_tmpl_fill(const struct dm_tmpl *t, struct dm_sample *s, const char *key,
    struct dm_buf *out, struct dm_buf *err)
{
	struct dm_field f;
	const char *path, *str;
	size_t i, n;

	for (i = 0; i < t->n; i++) {
		if (!t->v[i].field) {
			dm_buf_add(out, t->v[i].s, t->v[i].n);
			continue;
		}
		if (strcmp(t->v[i].s, "text") == 0) {
			/* the text field, as every tool reads it */
			if (dm_sample_text(s, key, &str, &n, err) < 0)
				return -1;
			dm_buf_add(out, str, n);
			continue;
		}
		path = t->v[i].s;
		dm_sample_get(s, path, &f);
		if (f.type == DM_MISSING) {
			dm_buf_adds(err, "field '");
			dm_buf_addquoted(err, path, strlen(path), 200);
			dm_buf_adds(err, "' is missing");
			return -1;
		}
		if (f.type == DM_STRING)
			dm_buf_add(out, f.str, f.len);
		else if (f.raw)
			dm_json_addcompact(out, f.raw, f.raw_len);
		else if (f.json)
			dm_json_addval(out, f.json);
	}
	return 0;
}

void
dm_tmpl_free(struct dm_tmpl *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->n; i++)
		free(t->v[i].s);
	free(t->v);
	free(t);
}

static int
isspc(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static const char *
find(const char *s, const char *end, const char *w)
{
	size_t n = strlen(w);

	for (; (size_t)(end - s) >= n; s++)
		if (*s == *w && memcmp(s, w, n) == 0)
			return s;
	return NULL;
}

void
dm_llm_strip_think(const char *s, size_t n, struct dm_buf *out)
{
	const char *end = s + n, *open, *close;
	size_t start = out->len, b, e;
	int cut = 0;

	/* A chat template may put the opening tag in the prompt, so that the
	 * answer starts inside the reasoning and holds only the closing tag. */
	close = find(s, end, "</think>");
	open = find(s, end, "<think>");
	if (close && (open == NULL || close < open)) {
		s = close + 8;
		cut = 1;
	}
	while ((open = find(s, end, "<think>")) != NULL) {
		dm_buf_add(out, s, (size_t)(open - s));
		cut = 1;
		if ((close = find(open, end, "</think>")) == NULL) {
			s = end;
			break;
		}
		s = close + 8;
	}
	dm_buf_add(out, s, (size_t)(end - s));
	if (!cut)
		return;
	for (b = start; b < out->len && isspc(out->buf[b]); b++)
		;
	for (e = out->len; e > b && isspc(out->buf[e - 1]); e--)
		;
	memmove(out->buf + start, out->buf + b, e - b);
	dm_buf_setlen(out, start + (e - b));
}

static long long
intof(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	/* a count past any real request is no count, and its sums would
	 * overflow */
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > DM_LLM_MAXTOKENS)
		return -1;
	return (long long)json_integer_value(v);
}

/*
 * Content given as an array of chunks, as Mistral's reasoning models give
 * it: the text of the "text" chunks goes to text (*hastext set when there
 * is one), that of the "thinking" chunks (an array of text chunks, or a
 * string) to think. Other chunks are not text.
 */
static void
chunks(json_t *arr, struct dm_buf *text, int *hastext, struct dm_buf *think)
{
	json_t *c, *t, *sub;
	const char *type;
	size_t i, j;

	json_array_foreach(arr, i, c) {
		if ((type = dm_json_getstr(c, "type")) == NULL)
			continue;
		if (strcmp(type, "text") == 0 &&
		    json_is_string(t = json_object_get(c, "text"))) {
			dm_buf_add(text, json_string_value(t),
			    json_string_length(t));
			*hastext = 1;
		} else if (strcmp(type, "thinking") == 0) {
			t = json_object_get(c, "thinking");
			if (json_is_string(t))
				dm_buf_add(think, json_string_value(t),
				    json_string_length(t));
			json_array_foreach(t, j, sub) {
				sub = json_object_get(sub, "text");
				if (json_is_string(sub))
					dm_buf_add(think, json_string_value(sub),
					    json_string_length(sub));
			}
		}
	}
}

int
dm_llm_answer(const char *body, size_t n, int keep_reasoning,
    const char *secret, struct dm_llm_answer *a, struct dm_buf *err)
{
	json_t *root, *choice, *msg, *content, *reasoning, *fin, *usage, *no;
	struct dm_buf text = DM_BUF_INIT, think = DM_BUF_INIT;
	struct dm_buf fixed = DM_BUF_INIT;
	json_error_t je;
	const char *c = NULL, *r = NULL;
	size_t cn = 0, rn = 0, bad;
	int hastext = 0, rc = -1, notutf8 = 0;

	dm_buf_reset(&a->text);
	a->finish[0] = '\0';
	a->prompt_tokens = a->completion_tokens = -1;
	/* Bytes that are not UTF-8 (a token cut in the middle of a
	 * character) are what the model said: asked again, it would most
	 * likely say them again, and be paid again. The body is read with
	 * them made U+FFFD, for its usage and its error, and refused below
	 * rather than taken for a body that is not JSON. */
	if ((bad = dm_utf8_check(body, n)) < n) {
		notutf8 = 1;
		dm_utf8_fix(&fixed, body, n);
		body = fixed.buf;
		n = fixed.len;
	}
	/* a \u0000 is read, to be refused below rather than taken for a
	 * body that is not JSON and asked for again */
	if ((root = json_loadb(body, n, JSON_ALLOW_NUL, &je)) == NULL) {
		dm_buf_addf(err, "the server's answer is not JSON: %s", je.text);
		dm_buf_free(&fixed);
		return -1;
	}
	if (json_object_get(root, "error") != NULL &&
	    !json_is_null(json_object_get(root, "error"))) {
		dm_buf_adds(err, "the server answered with an error: ");
		dm_llm_error(body, n, secret, err);
		goto out;
	}
	/* the tokens are paid for whatever the answer is worth: counted for a
	 * refusal, or an answer without content, as for any other */
	usage = json_object_get(root, "usage");
	if (json_is_object(usage)) {
		a->prompt_tokens = intof(usage, "prompt_tokens");
		a->completion_tokens = intof(usage, "completion_tokens");
	}
	if (notutf8) {
		dm_buf_addf(err, "the server's answer is not valid UTF-8 "
		    "(byte %zu of the body)", bad + 1);
		rc = -2;
		goto out;
	}
	choice = json_array_get(json_object_get(root, "choices"), 0);
	msg = json_object_get(choice, "message");
	if (!json_is_object(msg)) {
		dm_buf_adds(err, "the server's answer has no choices[0].message");
		goto out;
	}
	content = json_object_get(msg, "content");
	reasoning = json_object_get(msg, "reasoning_content");
	if (!json_is_string(reasoning))
		reasoning = json_object_get(msg, "reasoning");
	if (json_is_string(reasoning)) {
		r = json_string_value(reasoning);
		rn = json_string_length(reasoning);
	}
	if (json_is_string(content)) {
		c = json_string_value(content);
		cn = json_string_length(content);
	} else if (json_is_array(content)) {
		chunks(content, &text, &hastext, &think);
		if (hastext) {
			c = text.buf ? text.buf : "";
			cn = text.len;
		}
		if (r == NULL && think.len) {
			r = think.buf;
			rn = think.len;
		}
	}
	if (c) {
		if (keep_reasoning && r) {
			dm_buf_adds(&a->text, "<think>");
			dm_buf_add(&a->text, r, rn);
			dm_buf_adds(&a->text, "</think>");
		}
		if (keep_reasoning)
			dm_buf_add(&a->text, c, cn);
		else
			dm_llm_strip_think(c, cn, &a->text);
	} else if (json_is_string(no = json_object_get(msg, "refusal"))) {
		/* OpenAI's refusal (structured outputs): asked again, the
		 * model would most likely refuse again, and be paid again */
		dm_buf_adds(err, "the model refused: ");
		dm_buf_addquoted(err, json_string_value(no),
		    json_string_length(no), 1000);
		rc = -2;
		goto out;
	} else if ((content == NULL || json_is_null(content) ||
	    json_is_array(content)) && r) {
		/* everything went to the reasoning (a reasoning parser that
		 * found no end of thinking): that is the answer */
		if (keep_reasoning)
			dm_buf_add(&a->text, r, rn);
		else
			dm_llm_strip_think(r, rn, &a->text);
	} else {
		dm_buf_adds(err, "the server's answer has no content");
		goto out;
	}
	if (dm_utf8_check(a->text.buf, a->text.len) != a->text.len ||
	    memchr(a->text.buf, '\0', a->text.len) != NULL) {
		dm_buf_adds(err, "the server's answer holds a NUL byte");
		rc = -2;
		goto out;
	}
	fin = json_object_get(choice, "finish_reason");
	if (json_is_string(fin))
		snprintf(a->finish, sizeof a->finish, "%s", json_string_value(fin));
	rc = 0;
out:
	dm_buf_free(&text);
	dm_buf_free(&think);
	dm_buf_free(&fixed);
	json_decref(root);
	return rc;
}

/* text with every copy of secret (of 4 bytes or more) made "***". */
static void
unsecret(struct dm_buf *b, const char *text, size_t n, const char *secret)
{
	size_t k = secret ? strlen(secret) : 0;
	const char *p, *end = text + n;

	if (k < 4) {
		dm_buf_add(b, text, n);
		return;
	}
	while ((p = memmem(text, (size_t)(end - text), secret, k)) != NULL) {
		dm_buf_add(b, text, (size_t)(p - text));
		dm_buf_adds(b, "***");
		text = p + k;
	}
	dm_buf_add(b, text, (size_t)(end - text));
}

int
dm_llm_error(const char *body, size_t n, const char *secret,
    struct dm_buf *msg)
{
	json_t *root, *e, *where;
	const char *m = NULL, *code, *type;
	struct dm_buf t = DM_BUF_INIT;
	int quota = 0;
	size_t i;

	root = json_loadb(body, n, 0, NULL);
	if (json_is_object(root)) {
		e = json_object_get(root, "error");
		/* OpenAI's {"error":{...}}, or the flat {"object":"error",
		 * "message":...} of older vLLM, or {"error":"..."} */
		where = json_is_object(e) ? e : root;
		m = dm_json_getstr(where, "message");
		if (m == NULL && json_is_string(e))
			m = json_string_value(e);
		if (m == NULL)
			m = dm_json_getstr(root, "detail");
		code = dm_json_getstr(where, "code");
		type = dm_json_getstr(where, "type");
		quota = (code && strcmp(code, "insufficient_quota") == 0) ||
		    (type && strcmp(type, "insufficient_quota") == 0);
	}
	/* the key goes before the text is cut, which could leave a part of
	 * it that no longer matches; the text is cut between characters and
	 * its control characters escaped, as the body's below: it goes into
	 * llm_error, which must stay UTF-8, and to a terminal */
	if (m) {
		unsecret(&t, m, strlen(m), secret);
		for (i = 0; i < t.len; i++)
			if (t.buf[i] == '\n')
				t.buf[i] = ' ';
		dm_buf_addquoted(msg, t.buf, t.len, 1000);
	} else if (n) {
		unsecret(&t, body, n, secret);
		dm_buf_addquoted(msg, t.buf, t.len, 200);
	}
	dm_buf_free(&t);
	json_decref(root);
	return quota;
}

json_t *
dm_llm_json(const char *s, size_t n, struct dm_buf *err)
{
	const char *end = s + n, *nl;
	json_error_t je;
	json_t *v;

	while (s < end && isspc(*s))
		s++;
	while (end > s && isspc(end[-1]))
		end--;
	/* models like to fence JSON as Markdown: ```json ... ``` */
	if (end - s >= 6 && memcmp(s, "```", 3) == 0 &&
	    memcmp(end - 3, "```", 3) == 0 &&
	    (nl = memchr(s, '\n', (size_t)(end - s))) != NULL && nl < end - 3) {
		s = nl + 1;
		end -= 3;
	}
	if ((v = json_loadb(s, (size_t)(end - s), JSON_DECODE_ANY, &je)) == NULL)
		dm_buf_addf(err, "the answer is not JSON: %s", je.text);
	return v;
}

double
dm_llm_retry_after(const char *ra, const char *ms)
{
	struct tm tm;
	char *end;
	double d;

	if (ms) {
		d = strtod(ms, &end);
		if (end != ms && d >= 0 && d / 1000 <= DM_LLM_MAXWAIT)
			return d / 1000;
	}
	if (ra) {
		d = strtod(ra, &end);
		if (end != ra && *end == '\0' && d >= 0 && d <= DM_LLM_MAXWAIT)
			return d;
		memset(&tm, 0, sizeof tm);
		if (strptime(ra, "%a, %d %b %Y %H:%M:%S GMT", &tm) != NULL) {
			d = difftime(timegm(&tm), time(NULL));
			if (d <= DM_LLM_MAXWAIT)
				return d > 0 ? d : 0;
		}
	}
	return -1;
}

void
dm_llm_cache_path(struct dm_buf *p, const char *dir, const char *base,
    const char *model, const char *body, size_t n)
{
	struct dm_buf k = DM_BUF_INIT, hex = DM_BUF_INIT;
	unsigned char h[32];

	dm_buf_addf(&k, "%s\n%s\n", base, model);
	dm_buf_add(&k, body, n);
	dm_sha256(k.buf, k.len, h);
	dm_hex(&hex, h, 32);
	dm_buf_reset(p);
	dm_buf_addf(p, "%s/%.2s/%s", dir, hex.buf, hex.buf);
	dm_buf_free(&k);
	dm_buf_free(&hex);
}

int
dm_llm_cache_get(const char *path, struct dm_buf *body, size_t max)
{
	char tmp[65536];
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	dm_buf_reset(body);
	while ((n = read(fd, tmp, sizeof tmp)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		/* no more than a live answer may hold */
		if (max > 0 && (size_t)n > max - body->len) {
			close(fd);
			return -2;
		}
		dm_buf_add(body, tmp, (size_t)n);
	}
	close(fd);
	return n < 0 ? -1 : 0;
}

int
dm_llm_cache_put(const char *path, const char *body, size_t n)
{
	struct dm_buf dir = DM_BUF_INIT, tmp = DM_BUF_INIT;
	static mode_t mode;
	const char *slash = strrchr(path, '/');
	int fd, r = -1, e;
	ssize_t w;

	if (mode == 0) {
		mode = umask(0);
		umask(mode);
		mode = 0666 & ~mode;
	}
	dm_buf_add(&dir, path, (size_t)(slash - path));
	if (mkdir(dir.buf, 0777) < 0 && errno != EEXIST)
		goto out;
	/* written aside, then renamed: a reader, or another process storing
	 * the same answer, sees the whole file or none. The name is made
	 * with O_EXCL: a process of the same pid on another host sharing
	 * the cache, or a link left there, is never written through. */
	dm_buf_addf(&tmp, "%s/.tmp.XXXXXX", dir.buf);
	if ((fd = mkostemp(tmp.buf, O_CLOEXEC)) < 0)
		goto out;
	/* as open(0666) would make it, for others who share the cache */
	e = 0;
	if (fchmod(fd, mode) < 0)
		e = errno;
	else if ((w = write(fd, body, n)) != (ssize_t)n)
		/* a short write sets no errno: the disk is full */
		e = w < 0 ? errno : ENOSPC;
	if (e) {
		close(fd);
		errno = e;
	} else if (close(fd) == 0 && rename(tmp.buf, path) == 0)
		r = 0;
	if (r < 0) {
		e = errno;
		unlink(tmp.buf);
		errno = e;
	}
out:
	dm_buf_free(&dir);
	dm_buf_free(&tmp);
	return r;
}
