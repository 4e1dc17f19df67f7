/* tokenizer-norm.c - the normalizers of a tokenizer.json */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "dm.h"
#include "tokenizer-norm.h"

enum nkind { N_FORM, N_PREPEND, N_REPLACE, N_REGEX, N_STRIP, N_PRECOMPILED,
	N_LOWER };

struct nop {
	enum nkind	 kind;
	int		 form;		/* N_FORM: utf8proc options */
	char		*a, *b;		/* Prepend a; Replace a by b */
	struct dm_re	*re;		/* N_REGEX */
	int		 left, right;	/* N_STRIP */
	uint32_t	*trie;		/* N_PRECOMPILED: the double array */
	size_t		 ntrie;
	char		*pool;		/* its normalized strings */
	size_t		 npool;
};

struct dm_tnorm {
	struct nop	*op;
	size_t		 nop;
	struct dm_buf	 tmp;
};

int
dm_tnorm_isspace(int32_t cp)
{
	return (cp >= 0x09 && cp <= 0x0d) || cp == 0x20 || cp == 0x85 ||
	    cp == 0xa0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200a) ||
	    cp == 0x2028 || cp == 0x2029 || cp == 0x202f || cp == 0x205f ||
	    cp == 0x3000;
}

static int
bad(struct dm_buf *err, const char *what, const char *v)
{
	dm_buf_addf(err, "%s '", what);
	dm_buf_addquoted(err, v, strlen(v), 64);
	dm_buf_addc(err, '\'');
	return -1;
}

/*
 * SentencePiece's precompiled_charsmap: a little-endian u32, the size in
 * bytes of the double-array trie that follows (u32 units), then the
 * normalized strings, each ended by a NUL, that the trie's values point
 * into.
 */
static int
precompiled(struct nop *o, const char *b64, struct dm_buf *err)
{
	struct dm_buf raw = DM_BUF_INIT;
	const unsigned char *p;
	uint32_t size;
	size_t i;

	if (dm_base64_decode(&raw, b64, strlen(b64)) < 0 || raw.len < 4) {
		dm_buf_free(&raw);
		return bad(err, "bad precompiled_charsmap in", "Precompiled");
	}
	p = (const unsigned char *)raw.buf;
	size = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
	if (size % 4 != 0 || size > raw.len - 4 || size == 0) {
		dm_buf_free(&raw);
		return bad(err, "bad precompiled_charsmap in", "Precompiled");
	}
	o->ntrie = size / 4;
	o->trie = dm_xreallocarray(NULL, o->ntrie, sizeof *o->trie);
	for (i = 0; i < o->ntrie; i++) {
		const unsigned char *u = p + 4 + 4 * i;

		o->trie[i] = (uint32_t)u[0] | (uint32_t)u[1] << 8 |
		    (uint32_t)u[2] << 16 | (uint32_t)u[3] << 24;
	}
	o->npool = raw.len - 4 - size;
	o->pool = dm_xmalloc(o->npool + 1);
	memcpy(o->pool, p + 4 + size, o->npool);
	o->pool[o->npool] = '\0';
	dm_buf_free(&raw);
	return 0;
}

static int
addop(struct dm_tnorm *nm, json_t *j, struct dm_buf *err)
{
	const char *type = dm_json_getstr(j, "type"), *s;
	struct dm_buf rx = DM_BUF_INIT;
	struct nop o;
	json_t *v;
	size_t i, off;

	if (type == NULL)
		return bad(err, "unsupported normalizer", "?");
	if (strcmp(type, "Sequence") == 0) {
		json_array_foreach(json_object_get(j, "normalizers"), i, v)
			if (addop(nm, v, err) < 0)
				return -1;
		return 0;
	}
	memset(&o, 0, sizeof o);
	if ((o.form = dm_uni_form(type)) > 0)
		o.kind = N_FORM;
	else if (strcmp(type, "Lowercase") == 0)
		o.kind = N_LOWER;
	else if (strcmp(type, "Prepend") == 0 &&
	    (s = dm_json_getstr(j, "prepend")) != NULL) {
		o.kind = N_PREPEND;
		o.a = dm_xstrdup(s);
	} else if (strcmp(type, "Replace") == 0 &&
	    dm_json_getstr(j, "content") != NULL) {
		o.b = dm_xstrdup(dm_json_getstr(j, "content"));
		v = json_object_get(j, "pattern");
		if ((s = dm_json_getstr(v, "String")) != NULL && *s) {
			o.kind = N_REPLACE;
			o.a = dm_xstrdup(s);
		} else if ((s = dm_json_getstr(v, "Regex")) != NULL) {
			o.kind = N_REGEX;
			if ((o.re = dm_re_new(s, "", err, &off)) == NULL) {
				free(o.b);
				return -1;
			}
			/* the content is literal: $ doubled for
			 * dm_re_replace */
			for (s = o.b; *s; s++) {
				if (*s == '$')
					dm_buf_addc(&rx, '$');
				dm_buf_addc(&rx, *s);
			}
			free(o.b);
			o.b = dm_buf_detach(&rx, NULL);
		} else {
			free(o.b);
			return bad(err, "unsupported normalizer", "Replace");
		}
	} else if (strcmp(type, "Strip") == 0) {
		o.kind = N_STRIP;
		v = json_object_get(j, "strip_left");
		o.left = json_is_boolean(v) ? json_is_true(v) : 1;
		v = json_object_get(j, "strip_right");
		o.right = json_is_boolean(v) ? json_is_true(v) : 1;
	} else if (strcmp(type, "Precompiled") == 0) {
		s = dm_json_getstr(j, "precompiled_charsmap");
		if (s == NULL || *s == '\0')
			return 0;	/* an empty map changes nothing */
		o.kind = N_PRECOMPILED;
		if (precompiled(&o, s, err) < 0)
			return -1;
	} else
		return bad(err, "unsupported normalizer", type);
	nm->op = dm_xreallocarray(nm->op, nm->nop + 1, sizeof *nm->op);
	nm->op[nm->nop++] = o;
	return 0;
}

int
dm_tnorm_new(json_t *json, struct dm_tnorm **out, struct dm_buf *err)
{
	struct dm_tnorm *nm;

	*out = NULL;
	if (json == NULL || json_is_null(json))
		return 0;
	nm = dm_xcalloc(1, sizeof *nm);
	dm_buf_init(&nm->tmp);
	if (addop(nm, json, err) < 0) {
		dm_tnorm_free(nm);
		return -1;
	}
	*out = nm;
	return 0;
}

void
dm_tnorm_free(struct dm_tnorm *nm)
{
	size_t i;

	if (nm == NULL)
		return;
	for (i = 0; i < nm->nop; i++) {
		free(nm->op[i].a);
		free(nm->op[i].b);
		if (nm->op[i].re)
			dm_re_free(nm->op[i].re);
		free(nm->op[i].trie);
		free(nm->op[i].pool);
	}
	free(nm->op);
	dm_buf_free(&nm->tmp);
	free(nm);
}

/*
 * The normalized string of the shortest key of the charsmap's trie that
 * is a prefix of s[0..n) (Darts' common prefix search, as the spm_precompiled
 * crate takes its first result), or NULL.
 */
static const char *
transform(const struct nop *o, const char *s, size_t n)
{
	const uint32_t *a = o->trie;
	uint32_t unit;
	size_t pos = 0, i, v;

#define OFFSET(u)	(((u) >> 10) << (((u) & (1u << 9)) >> 6))
#define LABEL(u)	((u) & ((1u << 31) | 0xff))
	unit = a[0];
	pos ^= OFFSET(unit);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == 0)
			return NULL;
		pos ^= c;
		if (pos >= o->ntrie)
			return NULL;
		unit = a[pos];
		if (LABEL(unit) != c)
			return NULL;
		pos ^= OFFSET(unit);
		if (pos >= o->ntrie)
			return NULL;
		if ((unit >> 8) & 1) {
			v = a[pos] & ((1u << 31) - 1);
			return v < o->npool ? o->pool + v : NULL;
		}
	}
	return NULL;
#undef OFFSET
#undef LABEL
}

/* Precompiled, as Hugging Face's tokenizers applies it: each grapheme
 * shorter than 6 bytes replaced whole when a key is a prefix of it, else
 * each of its characters that a key is a prefix of. */
static void
precompile(const struct nop *o, const char *s, size_t n, struct dm_buf *out)
{
	utf8proc_int32_t cp, prev = -1, state = 0;
	utf8proc_ssize_t r;
	const char *rep;
	size_t i, g, c, len;

	for (i = 0; i < n; i = g) {
		/* the grapheme at i: up to the next break */
		r = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
		    (utf8proc_ssize_t)(n - i), &prev);
		g = i + (size_t)(r > 0 ? r : 1);
		state = 0;
		while (g < n) {
			r = utf8proc_iterate((const utf8proc_uint8_t *)s + g,
			    (utf8proc_ssize_t)(n - g), &cp);
			if (r <= 0)
				break;
			if (utf8proc_grapheme_break_stateful(prev, cp, &state))
				break;
			prev = cp;
			g += (size_t)r;
		}
		if (g - i < 6 && (rep = transform(o, s + i, g - i)) != NULL) {
			dm_buf_adds(out, rep);
			continue;
		}
		for (c = i; c < g; c += len) {
			r = utf8proc_iterate((const utf8proc_uint8_t *)s + c,
			    (utf8proc_ssize_t)(g - c), &cp);
			len = (size_t)(r > 0 ? r : 1);
			if ((rep = transform(o, s + c, len)) != NULL)
				dm_buf_adds(out, rep);
			else
				dm_buf_add(out, s + c, len);
		}
	}
}

static void
strip(const struct nop *o, const char *s, size_t n, struct dm_buf *out)
{
	utf8proc_int32_t cp;
	utf8proc_ssize_t r;
	size_t b = 0, e = n, k;

	while (o->left && b < e) {
		r = utf8proc_iterate((const utf8proc_uint8_t *)s + b,
		    (utf8proc_ssize_t)(e - b), &cp);
		if (r <= 0 || !dm_tnorm_isspace(cp))
			break;
		b += (size_t)r;
	}
	while (o->right && e > b) {
		for (k = e - 1; k > b && ((unsigned char)s[k] & 0xc0) == 0x80; k--)
			;
		r = utf8proc_iterate((const utf8proc_uint8_t *)s + k,
		    (utf8proc_ssize_t)(e - k), &cp);
		if (r <= 0 || !dm_tnorm_isspace(cp))
			break;
		e = k;
	}
	dm_buf_add(out, s + b, e - b);
}

static int
apply1(const struct nop *o, const char *s, size_t n, struct dm_buf *out,
    struct dm_buf *err)
{
	utf8proc_ssize_t r;
	const char *p, *q, *msg;
	size_t la;

	switch (o->kind) {
	case N_FORM:
		if (dm_uni_map(s, n, o->form, out, &msg) < 0) {
			dm_buf_addf(err, "tokenizer: %s", msg);
			return -1;
		}
		return 0;
	case N_LOWER:
		if (dm_uni_lower(s, n, out) == 0)
			dm_buf_add(out, s, n);
		return 0;
	case N_PREPEND:
		if (n > 0)
			dm_buf_adds(out, o->a);
		dm_buf_add(out, s, n);
		return 0;
	case N_REPLACE:
		la = strlen(o->a);
		for (p = s; (q = memmem(p, n - (size_t)(p - s), o->a, la));
		    p = q + la) {
			dm_buf_add(out, p, (size_t)(q - p));
			dm_buf_adds(out, o->b);
		}
		dm_buf_add(out, p, n - (size_t)(p - s));
		return 0;
	case N_REGEX:
		r = dm_re_replace(o->re, s, n, o->b, out, err);
		if (r < 0)
			return -1;
		if (r == 0)
			dm_buf_add(out, s, n);
		return 0;
	case N_STRIP:
		strip(o, s, n, out);
		return 0;
	case N_PRECOMPILED:
		precompile(o, s, n, out);
		return 0;
	}
	return 0;
}

int
dm_tnorm_apply(struct dm_tnorm *nm, const char *s, size_t n,
    struct dm_buf *out, struct dm_buf *err)
{
	struct dm_buf *a = out, *b = &nm->tmp, *x;
	size_t i;

	/* the result of each step is the input of the next; the last one
	 * lands in out */
	if (nm->nop % 2 == 0) {
		a = &nm->tmp;
		b = out;
	}
	for (i = 0; i < nm->nop; i++) {
		dm_buf_reset(a);
		if (apply1(&nm->op[i], s, n, a, err) < 0)
			return -1;
		s = a->buf;
		n = a->len;
		x = a;
		a = b;
		b = x;
	}
	if (nm->nop == 0) {
		dm_buf_reset(out);
		dm_buf_add(out, s, n);
	}
	return 0;
}
