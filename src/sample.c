/* sample.c - one JSON object, kept as raw bytes until it is changed */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dm.h"
#include "rawtext.h"
#include "simd.h"

/*
 * The nested objects of a sample that paths have looked into, each walked
 * once per sample for all the paths asked (dm-stats reads stats.len,
 * stats.words ... of every sample): their members' keys, decoded, and
 * value spans. Forgotten when the sample is loaded again or changed.
 */
struct nestobj {
	const char	*raw;
	size_t		 len;
	size_t		 first, n;	/* its members in mem */
	int		 bad;		/* not an object, or invalid */
};

struct nestmem {
	const char	*key, *v;
	size_t		 klen, vlen;
};

struct dm_nest {
	struct nestobj	*obj;
	size_t		 nobj, objcap;
	struct nestmem	*mem;
	size_t		 nmem, memcap;
	int		 all;		/* the load walks every top-level object */
};

void
dm_sample_nestall(struct dm_sample *s, int on)
{
	if (s->nest == NULL)
		s->nest = dm_xcalloc(1, sizeof *s->nest);
	s->nest->all = on;
}

static void
nest_forget(struct dm_sample *s)
{
	if (s->nest)
		s->nest->nobj = s->nest->nmem = 0;
}

static struct dm_buf *
pool_take(struct dm_sample *s)
{
	if (s->pool_used == s->npool) {
		s->pool = dm_xreallocarray(s->pool, s->npool + 1, sizeof *s->pool);
		s->pool[s->npool] = dm_xmalloc(sizeof **s->pool);
		dm_buf_init(s->pool[s->npool++]);
	}
	return s->pool[s->pool_used++];
}

static void
member_clear(struct dm_member *m)
{
	free(m->key_owned);
	m->key_owned = NULL;
	if (m->val)
		json_decref(m->val);
	m->val = NULL;
	dm_buf_reset(&m->own);
}

struct loadctx {
	struct dm_sample *s;
	int		  bad;
	int		  nbad;		/* a nested key would not decode */
	size_t		  mark;		/* nested members before this member's */
	size_t		  cp;		/* the value's code points, or SIZE_MAX */
};

/* Set once a string's code points are asked for: the lines loaded from
 * then on have them counted as they are checked. */
static int wantcp;

/* Lines loaded so far, in every sample: each load's number (gen). */
static unsigned long loads;

static void	nest_add(struct dm_sample *, int *, const char *, size_t,
		    const char *, size_t);

static void
add_member(void *arg, const char *k, size_t klen, const char *v, size_t vlen)
{
	struct loadctx *lc = arg;
	struct dm_sample *s = lc->s;
	struct dm_member *m;
	const char *key;
	size_t keylen;
	unsigned long long bit;

	if (s->nm == s->mcap) {
		size_t cap = s->mcap ? s->mcap * 2 : 16;

		s->m = dm_xreallocarray(s->m, cap, sizeof *s->m);
		memset(s->m + s->mcap, 0, (cap - s->mcap) * sizeof *s->m);
		for (size_t i = s->mcap; i < cap; i++)
			dm_buf_init(&s->m[i].own);
		s->mcap = cap;
	}
	m = &s->m[s->nm++];
	if (memchr(k, '\\', klen)) {
		struct dm_buf *tmp = pool_take(s);

		if (dm_json_string(k, klen, tmp, &key, &keylen) < 0) {
			lc->bad = 1;
			key = "";
			keylen = 0;
		}
		/* keys: offsets now, pointers once the line is indexed */
		m->key = (const char *)(uintptr_t)(s->keys.len + 1);
		m->key_len = keylen;
		dm_buf_add(&s->keys, key, keylen);
		dm_buf_addc(&s->keys, '\0');
	} else {
		key = k + 1;
		keylen = klen - 2;
		m->key = key;
		m->key_len = keylen;
	}
	if (v != NULL) {
		/* A bit for each key, so that a line whose keys are unique
		 * (nearly all) costs its edits no search for another member
		 * of the same name: only two keys on one bit may be one. */
		bit = 1ULL << ((keylen * 7 + (keylen ?
		    (unsigned char)key[0] * 3 + (unsigned char)key[keylen - 1] :
		    0)) & 63);
		if (s->keyhash & bit)
			s->dupkeys = 1;
		s->keyhash |= bit;
	}
	m->key_owned = NULL;
	m->raw = v;
	m->raw_len = vlen;
	m->val = NULL;
	m->deleted = 0;
	m->cp_raw = v;
	m->cp = lc->cp;
	if (v && s->nest && s->nest->all && v[0] == '{') {
		struct dm_nest *ns = s->nest;
		struct nestobj *o;

		/* its members, walked as the line was checked */
		if (ns->nobj == ns->objcap) {
			ns->objcap = ns->objcap ? ns->objcap * 2 : 8;
			ns->obj = dm_xreallocarray(ns->obj, ns->objcap,
			    sizeof *ns->obj);
		}
		o = &ns->obj[ns->nobj++];
		o->raw = v;
		o->len = vlen;
		o->first = lc->mark;
		o->n = ns->nmem - lc->mark;
		o->bad = lc->nbad;
		lc->mark = ns->nmem;
		lc->nbad = 0;
	}
}

/* A member of a top-level object, as the line is checked. */
static void
load_nested(void *arg, const char *k, size_t klen, const char *v, size_t vlen)
{
	struct loadctx *lc = arg;

	nest_add(lc->s, &lc->nbad, k, klen, v, vlen);
}

static void
reset(struct dm_sample *s)
{
	size_t i;

	nest_forget(s);
	for (i = 0; i < s->nm; i++)
		member_clear(&s->m[i]);
	s->nm = 0;
	s->changed = 0;
	s->keyhash = 0;
	s->dupkeys = 0;
	s->gen = 0;
	s->dec = NULL;
	s->pool_used = 0;
	if (s->keys.cap)
		dm_buf_reset(&s->keys);
}

int
dm_sample_load(struct dm_sample *s, const char *line, size_t len,
    const char *file, unsigned long lineno, struct dm_buf *err, size_t *col)
{
	struct loadctx lc = { s, 0, 0, 0, SIZE_MAX };
	struct dm_jerr e;
	const char *nul;
	size_t i;

	reset(s);
	s->line = line;
	s->len = len;
	s->file = file;
	s->lineno = lineno;
	*col = 0;
	if (dm_json_members_cp(line, len, &e, add_member,
	    s->nest && s->nest->all ? load_nested : NULL, &lc,
	    wantcp ? &lc.cp : NULL) < 0) {
		/* A NUL byte is never valid JSON: said as such, looked for
		 * only in a line that failed. */
		if ((nul = memchr(line, '\0', len)) != NULL) {
			*col = (size_t)(nul - line) + 1;
			dm_buf_adds(err, "NUL byte in line");
		} else {
			*col = e.col;
			dm_buf_adds(err, e.msg);
		}
		reset(s);
		return -1;
	}
	for (i = 0; i < s->nm; i++) {
		struct dm_member *m = &s->m[i];

		if (m->key < line || m->key >= line + len)
			m->key = s->keys.buf + ((uintptr_t)m->key - 1);
	}
	s->gen = ++loads;
	return 0;
}

void
dm_sample_free(struct dm_sample *s)
{
	size_t i;

	reset(s);
	for (i = 0; i < s->mcap; i++)
		dm_buf_free(&s->m[i].own);
	free(s->m);
	for (i = 0; i < s->npool; i++) {
		dm_buf_free(s->pool[i]);
		free(s->pool[i]);
	}
	free(s->pool);
	if (s->nest) {
		free(s->nest->obj);
		free(s->nest->mem);
		free(s->nest);
	}
	dm_buf_free(&s->keys);
	dm_buf_free(&s->out);
	memset(s, 0, sizeof *s);
	dm_buf_init(&s->keys);
	dm_buf_init(&s->out);
}

/* The last live member named key (JSON parsers let the last one win). */
static struct dm_member *
find(struct dm_sample *s, const char *key, size_t n)
{
	size_t i;

	for (i = s->nm; i-- > 0;) {
		struct dm_member *m = &s->m[i];

		if (!m->deleted && m->key_len == n && memcmp(m->key, key, n) == 0)
			return m;
	}
	return NULL;
}

/* Removes the live members named key other than keep (NULL: all of them):
 * once keep is written, the ones it shadowed would be stale. Nothing to do
 * when the keys were unique at the load. */
static void
unshadow(struct dm_sample *s, const struct dm_member *keep, const char *key,
    size_t n)
{
	size_t i;

	if (!s->dupkeys)
		return;
	for (i = 0; i < s->nm; i++) {
		struct dm_member *m = &s->m[i];

		if (m != keep && !m->deleted && m->key_len == n &&
		    memcmp(m->key, key, n) == 0) {
			m->deleted = 1;
			s->changed = 1;
		}
	}
}

/* Whether p..p+n lies in the loaded line. */
static int
in_line(const struct dm_sample *s, const char *p, size_t n)
{
	uintptr_t a = (uintptr_t)p, b = (uintptr_t)s->line;

	return s->line != NULL && a >= b && n <= s->len &&
	    a - b <= s->len - n;
}

static void
field_from_raw(struct dm_sample *s, const char *raw, size_t n, struct dm_field *f)
{
	f->raw = raw;
	f->raw_len = n;
	switch (raw[0]) {
	case '"':
		f->type = DM_STRING;
		if (dm_json_string(raw, n, pool_take(s), &f->str, &f->len) < 0)
			f->type = DM_MISSING;
		/* decoded from the checked line: valid UTF-8 (a lone
		 * surrogate fails the load), and the pool buffer is not
		 * taken again until the next load */
		else if (s->gen != 0 && in_line(s, raw, n) &&
		    !in_line(s, f->str, f->len)) {
			s->dec = f->str;
			s->decn = f->len;
		}
		break;
	case '{': f->type = DM_OBJECT; break;
	case '[': f->type = DM_ARRAY; break;
	case 't': f->type = DM_TRUE; break;
	case 'f': f->type = DM_FALSE; break;
	case 'n': f->type = DM_NULL; break;
	default:
		/* A checked number is followed by a delimiter in the line. */
		f->type = DM_NUMBER;
		f->num = dm_json_numn(raw, n);
		break;
	}
}

static void
field_from_json(const json_t *v, struct dm_field *f)
{
	f->json = v;
	switch (json_typeof(v)) {
	case JSON_OBJECT: f->type = DM_OBJECT; break;
	case JSON_ARRAY: f->type = DM_ARRAY; break;
	case JSON_STRING:
		f->type = DM_STRING;
		f->str = json_string_value(v);
		f->len = json_string_length(v);
		break;
	case JSON_INTEGER:
	case JSON_REAL:
		f->type = DM_NUMBER;
		f->num = json_number_value(v);
		break;
	case JSON_TRUE: f->type = DM_TRUE; break;
	case JSON_FALSE: f->type = DM_FALSE; break;
	case JSON_NULL: f->type = DM_NULL; break;
	}
}

struct nestwalk {
	struct dm_sample *s;
	int		  bad;
};

static void
nest_add(struct dm_sample *s, int *bad, const char *k, size_t klen,
    const char *v, size_t vlen)
{
	struct dm_nest *ns = s->nest;
	struct nestmem *m;
	const char *key;
	size_t keylen;

	/* a key without escapes is its bytes between the quotes */
	if (memchr(k, '\\', klen) == NULL) {
		key = k + 1;
		keylen = klen - 2;
	} else if (dm_json_string(k, klen, pool_take(s), &key,
	    &keylen) < 0) {
		*bad = 1;
		return;
	}
	if (ns->nmem == ns->memcap) {
		ns->memcap = ns->memcap ? ns->memcap * 2 : 16;
		ns->mem = dm_xreallocarray(ns->mem, ns->memcap, sizeof *ns->mem);
	}
	m = &ns->mem[ns->nmem++];
	m->key = key;
	m->klen = keylen;
	m->v = v;
	m->vlen = vlen;
}

static void
nest_member(void *arg, const char *k, size_t klen, const char *v, size_t vlen)
{
	struct nestwalk *nw = arg;

	nest_add(nw->s, &nw->bad, k, klen, v, vlen);
}

/* The value of the member key[0..n) of the object raw[0..len) (the last
 * one of that name); -1 when there is none or raw is not a valid object. */
static int
nested(struct dm_sample *s, const char *raw, size_t len, const char *key,
    size_t n, const char **v, size_t *vlen)
{
	struct nestwalk nw = { s, 0 };
	struct dm_nest *ns;
	struct nestobj *o = NULL;
	struct dm_jerr e;
	size_t i;

	if (raw[0] != '{')
		return -1;
	if ((ns = s->nest) == NULL)
		ns = s->nest = dm_xcalloc(1, sizeof *ns);
	for (i = 0; i < ns->nobj; i++)
		if (ns->obj[i].raw == raw && ns->obj[i].len == len) {
			o = &ns->obj[i];
			break;
		}
	if (o == NULL) {
		if (ns->nobj == ns->objcap) {
			ns->objcap = ns->objcap ? ns->objcap * 2 : 8;
			ns->obj = dm_xreallocarray(ns->obj, ns->objcap,
			    sizeof *ns->obj);
		}
		o = &ns->obj[ns->nobj++];
		o->raw = raw;
		o->len = len;
		o->first = ns->nmem;
		/* A value inside the loaded line was checked with it; one
		 * that an edit made is checked now. */
		if (!s->changed && raw >= s->line && raw + len <= s->line + s->len)
			o->bad = dm_json_members_checked(raw, len, nest_member,
			    &nw) < 0;
		else
			o->bad = dm_json_members(raw, len, &e, nest_member,
			    &nw) < 0;
		o->bad |= nw.bad;
		o->n = ns->nmem - o->first;
	}
	if (o->bad)
		return -1;
	for (i = o->first + o->n; i-- > o->first;) {
		struct nestmem *m = &ns->mem[i];

		if (m->klen == n && memcmp(m->key, key, n) == 0) {
			*v = m->v;
			*vlen = m->vlen;
			return 0;
		}
	}
	return -1;
}

/* Follows the rest of a dotted path (dot at its first '.', or NULL) down
 * from the raw value *raw; -1 when an element is missing. */
static int
descend(struct dm_sample *s, const char *dot, const char **raw, size_t *rawlen)
{
	const char *seg;

	size_t n;

	while (dot) {
		seg = dot + 1;
		dot = strchr(seg, '.');
		n = dot ? (size_t)(dot - seg) : strlen(seg);
		if (nested(s, *raw, *rawlen, seg, n, raw, rawlen) < 0)
			return -1;
	}
	return 0;
}

int
dm_sample_strcount(struct dm_sample *s, const char *path, size_t *n)
{
	struct dm_member *m;
	const char *raw;
	size_t rawlen;

	wantcp = 1;
	if (strchr(path, '.') == NULL &&
	    (m = find(s, path, strlen(path))) != NULL && m->raw != NULL &&
	    m->raw == m->cp_raw && m->cp != SIZE_MAX) {
		*n = m->cp;
		return 0;
	}
	if (dm_sample_rawstr(s, path, &raw, &rawlen) < 0)
		return -1;
	*n = dm_json_strcount(raw, rawlen);
	return 0;
}

int
dm_sample_rawstr(struct dm_sample *s, const char *path, const char **raw,
    size_t *n)
{
	const char *dot = strchr(path, '.');
	struct dm_member *m;
	const char *r;
	size_t rl;

	m = find(s, path, dot ? (size_t)(dot - path) : strlen(path));
	if (m == NULL || m->raw == NULL)
		return -1;
	r = m->raw;
	rl = m->raw_len;
	if (descend(s, dot, &r, &rl) < 0 || r[0] != '"')
		return -1;
	*raw = r;
	*n = rl;
	return 0;
}

void
dm_sample_get(struct dm_sample *s, const char *path, struct dm_field *f)
{
	const char *seg = path, *dot;
	struct dm_member *m;
	const json_t *v;
	size_t n;

	memset(f, 0, sizeof *f);
	f->type = DM_MISSING;
	dot = strchr(seg, '.');
	n = dot ? (size_t)(dot - seg) : strlen(seg);
	if ((m = find(s, seg, n)) == NULL)
		return;
	if (m->raw) {
		const char *raw = m->raw;
		size_t rawlen = m->raw_len;

		if (descend(s, dot, &raw, &rawlen) < 0)
			return;
		field_from_raw(s, raw, rawlen, f);
		return;
	}
	v = m->val;
	while (dot) {
		if (!json_is_object(v))
			return;
		seg = dot + 1;
		dot = strchr(seg, '.');
		n = dot ? (size_t)(dot - seg) : strlen(seg);
		if ((v = json_object_getn(v, seg, n)) == NULL)
			return;
	}
	field_from_json(v, f);
}

void
dm_sample_getpath(struct dm_sample *s, const struct dm_pathseg *seg, size_t n,
    struct dm_field *f)
{
	struct dm_member *m;
	const char *raw;
	const json_t *v;
	size_t rawlen, i;

	memset(f, 0, sizeof *f);
	f->type = DM_MISSING;
	if (n == 0 || seg[0].key == NULL ||
	    (m = find(s, seg[0].key, seg[0].len)) == NULL)
		return;
	if (m->raw == NULL) {
		v = m->val;
		for (i = 1; i < n && v; i++)
			v = seg[i].key ? (json_is_object(v) ?
			    json_object_getn(v, seg[i].key, seg[i].len) : NULL) :
			    json_array_get(v, seg[i].index);
		if (v)
			field_from_json(v, f);
		return;
	}
	raw = m->raw;
	rawlen = m->raw_len;
	for (i = 1; i < n; i++) {
		if (seg[i].key == NULL) {
			if (dm_json_index(raw, rawlen, seg[i].index, &raw,
			    &rawlen) < 0)
				return;
		} else if (nested(s, raw, rawlen, seg[i].key, seg[i].len,
		    &raw, &rawlen) < 0)
			return;
	}
	field_from_raw(s, raw, rawlen, f);
}

int
dm_sample_text(struct dm_sample *s, const char *key, const char **str,
    size_t *n, struct dm_buf *err)
{
	struct dm_field f;

	dm_sample_get(s, key, &f);
	if (f.type == DM_STRING) {
		*str = f.str;
		*n = f.len;
		return 0;
	}
	dm_buf_adds(err, "field '");
	dm_buf_addquoted(err, key, strlen(key), 200);
	dm_buf_adds(err, f.type == DM_MISSING ? "' is missing" :
	    "' is not a string");
	return -1;
}

unsigned long
dm_sample_linegen(const struct dm_sample *s, const char *p, size_t n)
{
	if (s == NULL || s->gen == 0 || p == NULL)
		return 0;
	if (in_line(s, p, n) || (p == s->dec && n == s->decn))
		return s->gen;
	return 0;
}

static struct dm_member *
append(struct dm_sample *s, const char *key, size_t n)
{
	struct loadctx lc = { s, 0, 0, 0, SIZE_MAX };
	struct dm_member *m;

	/* reuse add_member's growth, then make the key owned */
	add_member(&lc, "\"\"", 2, NULL, 0);
	m = &s->m[s->nm - 1];
	m->key_owned = dm_xstrndup(key, n);
	m->key = m->key_owned;
	m->key_len = n;
	m->raw = NULL;
	return m;
}

static void
errpath(struct dm_buf *err, const char *path, size_t n)
{
	dm_buf_adds(err, "field '");
	dm_buf_add(err, path, n);
	dm_buf_adds(err, "' is not an object");
}

/* An object's members, for splicing: each one's key and value. */
struct mspan {
	const char	*k, *v, *vend;
	int		 match;		/* its key is the one looked for */
};

struct spans {
	struct dm_sample *s;
	const char	*key;
	size_t		 n;
	struct dm_buf	*list;		/* of struct mspan */
	int		 hit;		/* index of the last match, or -1 */
	int		 count;
};

static void
span_member(void *arg, const char *k, size_t klen, const char *v, size_t vlen)
{
	struct spans *sp = arg;
	struct mspan ms = { k, v, v + vlen, 0 };
	const char *key;
	size_t keylen;

	if (dm_json_string(k, klen, pool_take(sp->s), &key, &keylen) == 0 &&
	    keylen == sp->n && memcmp(key, sp->key, keylen) == 0) {
		ms.match = 1;
		sp->hit = sp->count;
	}
	dm_buf_add(sp->list, &ms, sizeof ms);
	sp->count++;
}

/* Appends the new value: encoded JSON, or with isstr a string that it
 * encodes (so that a long text is not encoded into a buffer of its own
 * first, then copied). */
static void
addval(struct dm_buf *out, const char *val, size_t vlen, int isstr)
{
	if (isstr)
		dm_json_addstr(out, val, vlen);
	else
		dm_buf_add(out, val, vlen);
}

/* Appends "key":val, with the path's remaining segments as nested objects. */
static void
addnest(struct dm_buf *out, const char *path, const char *val, size_t vlen,
    int isstr)
{
	const char *dot = strchr(path, '.');
	size_t n = dot ? (size_t)(dot - path) : strlen(path);

	dm_json_addstr(out, path, n);
	dm_buf_addc(out, ':');
	if (dot == NULL) {
		addval(out, val, vlen, isstr);
		return;
	}
	dm_buf_addc(out, '{');
	addnest(out, dot + 1, val, vlen, isstr);
	dm_buf_addc(out, '}');
}

/*
 * Writes to out the object raw[0..n) with the value at path replaced by
 * val (or removed when val is NULL; with isstr, val is a string to encode),
 * every other member's bytes kept:
 * numbers and escapes elsewhere in the object survive exactly. The members
 * that the path's last one shadows (the same key earlier in the object)
 * go. Returns 1 when out was written, 0 when there was nothing to remove,
 * -1 when a path element is not an object (the message in err names full,
 * the whole path).
 */
static int
splice(struct dm_sample *s, const char *raw, size_t n, const char *path,
    const char *val, size_t vlen, int isstr, struct dm_buf *out,
    const char *full, struct dm_buf *err)
{
	struct spans sp = { s, path, 0, NULL, -1, 0 };
	const char *dot = strchr(path, '.');
	const struct mspan *ms;
	struct dm_buf *sub = NULL;
	struct dm_jerr e;
	int i, first = 1, r;

	if (raw[0] != '{') {
		errpath(err, full, (size_t)(path - full) - 1);
		return -1;
	}
	sp.n = dot ? (size_t)(dot - path) : strlen(path);
	sp.list = pool_take(s);
	dm_buf_reset(sp.list);
	if (dm_json_members(raw, n, &e, span_member, &sp) < 0) {
		dm_buf_adds(err, e.msg);
		return -1;
	}
	if (sp.hit < 0 && val == NULL)
		return 0;
	ms = (const struct mspan *)(void *)sp.list->buf;
	if (sp.hit >= 0 && dot) {
		sub = pool_take(s);
		dm_buf_reset(sub);
		r = splice(s, ms[sp.hit].v, (size_t)(ms[sp.hit].vend -
		    ms[sp.hit].v), dot + 1, val, vlen, isstr, sub, full, err);
		if (r <= 0)
			return r;
	}
	/* the white space between members goes: the caller compacts */
	dm_buf_addc(out, '{');
	for (i = 0; i < sp.count; i++) {
		if (ms[i].match && (i != sp.hit || (val == NULL && !dot)))
			continue;
		if (!first)
			dm_buf_addc(out, ',');
		first = 0;
		if (!ms[i].match) {
			dm_buf_add(out, ms[i].k, (size_t)(ms[i].vend - ms[i].k));
			continue;
		}
		dm_buf_add(out, ms[i].k, (size_t)(ms[i].v - ms[i].k));
		if (sub)
			dm_buf_add(out, sub->buf, sub->len);
		else
			addval(out, val, vlen, isstr);
	}
	if (sp.hit < 0) {
		if (!first)
			dm_buf_addc(out, ',');
		addnest(out, path, val, vlen, isstr);
	}
	dm_buf_addc(out, '}');
	return 1;
}

/* Stores encoded JSON as the member's value, compacted. */
/* Lets go of the member's value, before its own buffer gets the new one. */
static void
member_letgo(struct dm_sample *s, struct dm_member *m)
{
	nest_forget(s);
	if (m->val) {
		json_decref(m->val);
		m->val = NULL;
	}
}

static void
member_setraw(struct dm_sample *s, struct dm_member *m, const char *val,
    size_t vlen)
{
	member_letgo(s, m);
	dm_buf_reset(&m->own);
	dm_json_addcompact(&m->own, val, vlen);
	m->raw = m->own.buf;
	m->raw_len = m->own.len;
}

/* Makes the encoded JSON in the pool buffer b the member's value,
 * compacted where it is: b's storage becomes the member's, and the
 * member's old storage goes to the pool in its place. A 50 MB value is
 * then held once, not once in b and once more in the member. */
static void
member_take(struct dm_sample *s, struct dm_member *m, struct dm_buf *b)
{
	member_letgo(s, m);
	dm_json_compact(b);
	dm_buf_swap(&m->own, b);
	m->raw = m->own.buf;
	m->raw_len = m->own.len;
}

/* member_setraw, or with isstr the string val encoded: straight into the
 * member, no pool buffer taken (dm-slice sets a top-level field once for
 * each of the millions of chunks of a text). */
static void
member_setval(struct dm_sample *s, struct dm_member *m, const char *val,
    size_t vlen, int isstr)
{
	if (!isstr) {
		member_setraw(s, m, val, vlen);
		return;
	}
	member_letgo(s, m);
	dm_buf_reset(&m->own);
	dm_json_addstr(&m->own, val, vlen);
	m->raw = m->own.buf;
	m->raw_len = m->own.len;
}

/* Sets the value at path to the encoded JSON val (NULL: removes it), or
 * with isstr to the string val. */
static int
edit(struct dm_sample *s, const char *path, const char *val, size_t vlen,
    int isstr, struct dm_buf *err)
{
	const char *dot = strchr(path, '.');
	struct dm_member *m;
	struct dm_buf *out;
	size_t n = dot ? (size_t)(dot - path) : strlen(path);
	int r;

	if ((m = find(s, path, n)) == NULL) {
		if (val == NULL)
			return 0;
		m = append(s, path, n);
		if (dot) {
			out = pool_take(s);
			dm_buf_reset(out);
			dm_buf_addc(out, '{');
			addnest(out, dot + 1, val, vlen, isstr);
			dm_buf_addc(out, '}');
			member_take(s, m, out);
		} else
			member_setval(s, m, val, vlen, isstr);
		s->changed = 1;
		return 0;
	}
	if (dot == NULL) {
		if (val)
			member_setval(s, m, val, vlen, isstr);
		else
			m->deleted = 1;
		unshadow(s, m, path, n);
		s->changed = 1;
		return 0;
	}
	if (m->raw == NULL) {
		/* a jansson value (from keep): encode it, then splice */
		out = pool_take(s);
		dm_buf_reset(out);
		dm_json_addval(out, m->val);
		member_take(s, m, out);
	}
	out = pool_take(s);
	dm_buf_reset(out);
	r = splice(s, m->raw, m->raw_len, dot + 1, val, vlen, isstr, out,
	    path, err);
	if (r < 0)
		return -1;
	if (r > 0) {
		member_take(s, m, out);
		unshadow(s, m, path, n);
		s->changed = 1;
	}
	return 0;
}

int
dm_sample_set_new(struct dm_sample *s, const char *path, json_t *v,
    struct dm_buf *err)
{
	struct dm_buf *enc = pool_take(s);
	int r;

	dm_buf_reset(enc);
	dm_json_addval(enc, v);
	json_decref(v);
	r = edit(s, path, enc->buf, enc->len, 0, err);
	return r;
}

int
dm_sample_set_raw(struct dm_sample *s, const char *path, const char *json,
    size_t n, struct dm_buf *err)
{
	return edit(s, path, json, n, 0, err);
}

int
dm_sample_set_text(struct dm_sample *s, const char *path, const char *str,
    size_t n, struct dm_buf *err)
{
	struct dm_member *m;
	size_t bad;

	/* the wide check, and the byte at fault only when there is one */
	if (!dm_simd_utf8_valid(str, n) && (bad = dm_utf8_check(str, n)) != n) {
		dm_buf_addf(err, "invalid UTF-8 at byte %zu of the new value of '%s'",
		    bad, path);
		return -1;
	}
	if (strchr(path, '.'))
		return edit(s, path, str, n, 1, err);
	/* The hot path: the encoded string goes straight into the member. */
	s->changed = 1;
	nest_forget(s);
	if ((m = find(s, path, strlen(path))) == NULL)
		m = append(s, path, strlen(path));
	else
		unshadow(s, m, path, strlen(path));
	if (m->val) {
		json_decref(m->val);
		m->val = NULL;
	}
	dm_buf_reset(&m->own);
	dm_json_addstr(&m->own, str, n);
	m->raw = m->own.buf;
	m->raw_len = m->own.len;
	return 0;
}

void
dm_sample_set_member(struct dm_sample *s, const char *key, size_t klen,
    json_t *v)
{
	struct dm_buf *enc = pool_take(s);
	struct dm_member *m;

	dm_buf_reset(enc);
	dm_json_addval(enc, v);
	json_decref(v);
	/* as edit() sets a path of one element, but the key is taken as it
	 * is: a dot in it is part of the name */
	if ((m = find(s, key, klen)) == NULL)
		m = append(s, key, klen);
	else
		unshadow(s, m, key, klen);
	member_take(s, m, enc);
	s->changed = 1;
}

/* The encoded bytes of the value at path, copied to a pool buffer (they
 * may live in a member that the next edit rewrites). NULL when missing. */
static struct dm_buf *
encoded(struct dm_sample *s, const char *path)
{
	struct dm_field f;
	struct dm_buf *b;

	dm_sample_get(s, path, &f);
	if (f.type == DM_MISSING)
		return NULL;
	b = pool_take(s);
	dm_buf_reset(b);
	if (f.raw)
		dm_buf_add(b, f.raw, f.raw_len);
	else
		dm_json_addval(b, f.json);
	return b;
}

json_t *
dm_sample_detach(struct dm_sample *s, const char *path, struct dm_buf *err)
{
	struct dm_field f;
	struct dm_buf *b;
	json_t *v;

	dm_sample_get(s, path, &f);
	if (f.type == DM_MISSING)
		return NULL;
	/* Parsed from where the value is, not from a copy (encoded()): the
	 * edit that may rewrite those bytes comes after. */
	if (f.raw)
		v = dm_json_parse(f.raw, f.raw_len, err);
	else {
		b = pool_take(s);
		dm_buf_reset(b);
		dm_json_addval(b, f.json);
		v = dm_json_parse(b->buf, b->len, err);
	}
	if (v == NULL)
		return NULL;
	if (edit(s, path, NULL, 0, 0, err) < 0) {
		json_decref(v);
		return NULL;
	}
	return v;
}

int
dm_sample_remove(struct dm_sample *s, const char *path, struct dm_buf *err)
{
	const char *dot = strchr(path, '.'), *raw;
	struct dm_member *m;
	struct dm_field f;
	size_t rawlen;

	/* Whether it is there, as dm_sample_get finds it, but without
	 * decoding a string value: a 30 MB text is not copied to be let go. */
	if ((m = find(s, path, dot ? (size_t)(dot - path) : strlen(path))) ==
	    NULL)
		return 0;
	if (dot && m->raw) {
		raw = m->raw;
		rawlen = m->raw_len;
		if (descend(s, dot, &raw, &rawlen) < 0)
			return 0;
	} else if (dot) {
		dm_sample_get(s, path, &f);
		if (f.type == DM_MISSING)
			return 0;
	}
	return edit(s, path, NULL, 0, 0, err) < 0 ? -1 : 1;
}

void
dm_sample_bytes(struct dm_sample *s, const char **p, size_t *n)
{
	struct dm_buf *b = &s->out;
	size_t i;
	int first = 1;

	if (!s->changed) {
		*p = s->line;
		*n = s->len;
		return;
	}
	dm_buf_reset(b);
	dm_buf_grow(b, s->len + 16);
	dm_buf_addc(b, '{');
	for (i = 0; i < s->nm; i++) {
		struct dm_member *m = &s->m[i];

		if (m->deleted)
			continue;
		if (!first)
			dm_buf_addc(b, ',');
		first = 0;
		dm_json_addstr(b, m->key, m->key_len);
		dm_buf_addc(b, ':');
		if (m->raw == m->own.buf && m->own.len)
			dm_buf_add(b, m->raw, m->raw_len);
		else if (m->raw)
			dm_json_addcompact(b, m->raw, m->raw_len);
		else
			dm_json_addval(b, m->val);
	}
	dm_buf_addc(b, '}');
	*p = b->buf;
	*n = b->len;
}

/* A changed sample at least this large is written member by member. */
#define WRITE_PIECES	(256 * 1024)

void
dm_sample_write(struct dm_sample *s, struct dm_writer *w)
{
	struct dm_buf *b = &s->out;
	const char *p, *base;
	size_t i, n, at, total = 0, room = 16;
	int first = 1;

	for (i = 0; i < s->nm && s->changed; i++) {
		struct dm_member *m = &s->m[i];

		if (m->deleted)
			continue;
		if (m->raw == NULL) {
			total = 0;	/* a jansson value: its size unknown */
			break;
		}
		total += m->raw_len;
		/* a separator, the key escaped, a colon; a value compacted */
		room += 6 * m->key_len + 8;
		if (m->raw != m->own.buf && (m->raw[0] == '{' ||
		    m->raw[0] == '['))
			room += m->raw_len;
	}
	if (total < WRITE_PIECES) {
		dm_sample_bytes(s, &p, &n);
		dm_writer_line(w, p, n);
		return;
	}
	/*
	 * As dm_sample_bytes, but a long value goes from where it is: the
	 * sample is not held a second time, whole, in s->out. The writer
	 * holds the pieces until the line's end, so what is made here goes
	 * into s->out grown once to room, where nothing moves.
	 */
	dm_buf_reset(b);
	dm_buf_grow(b, room);
	base = b->buf;
	dm_writer_piece(w, "{", 1);
	for (i = 0; i < s->nm; i++) {
		struct dm_member *m = &s->m[i];

		if (m->deleted)
			continue;
		at = b->len;
		if (!first)
			dm_buf_addc(b, ',');
		first = 0;
		dm_json_addstr(b, m->key, m->key_len);
		dm_buf_addc(b, ':');
		/* a string, number or literal has no white space to drop */
		if (m->raw == m->own.buf || (m->raw[0] != '{' &&
		    m->raw[0] != '[')) {
			dm_writer_piece(w, b->buf + at, b->len - at);
			dm_writer_piece(w, m->raw, m->raw_len);
			continue;
		}
		dm_json_addcompact(b, m->raw, m->raw_len);
		dm_writer_piece(w, b->buf + at, b->len - at);
	}
	if (b->buf != base)
		dm_die("internal error: a sample's pieces moved as written");
	dm_writer_piece(w, "}", 1);
	dm_writer_endline(w);
}

int
dm_sample_rename(struct dm_sample *s, const char *from, const char *to,
    struct dm_buf *err)
{
	struct dm_member *m, *t;
	struct dm_buf *b;

	if (strcmp(from, to) == 0 || (b = encoded(s, from)) == NULL)
		return 0;
	if (strchr(from, '.') == NULL && strchr(to, '.') == NULL) {
		m = find(s, from, strlen(from));
		unshadow(s, m, from, strlen(from));
		if ((t = find(s, to, strlen(to))) != NULL) {
			t->deleted = 1;
			unshadow(s, NULL, to, strlen(to));
		}
		free(m->key_owned);
		m->key_owned = dm_xstrdup(to);
		m->key = m->key_owned;
		m->key_len = strlen(to);
		s->changed = 1;
		return 0;
	}
	/* Moved as bytes, so big integers and number formats survive. */
	if (edit(s, from, NULL, 0, 0, err) < 0)
		return -1;
	return edit(s, to, b->buf, b->len, 0, err);
}

int
dm_sample_keep(struct dm_sample *s, char *const *paths, size_t n,
    struct dm_buf *err)
{
	struct dm_buf *cur, *nxt, *b;
	size_t i, j, kl;
	int whole, part, found, r;

	for (i = 0; i < s->nm; i++) {
		struct dm_member *m = &s->m[i];

		if (m->deleted)
			continue;
		/* a key that a later member has again is not the field */
		if (s->dupkeys && find(s, m->key, m->key_len) != m) {
			m->deleted = 1;
			s->changed = 1;
			continue;
		}
		whole = part = 0;
		for (j = 0; j < n; j++) {
			kl = strlen(paths[j]);
			if (kl == m->key_len && memcmp(paths[j], m->key, kl) == 0)
				whole = 1;
			else if (kl > m->key_len && paths[j][m->key_len] == '.' &&
			    memcmp(paths[j], m->key, m->key_len) == 0)
				part = 1;
		}
		if (whole)
			continue;
		s->changed = 1;
		if (!part) {
			m->deleted = 1;
			continue;
		}
		if (m->raw && m->raw[0] != '{') {
			m->deleted = 1;
			continue;
		}
		/* Rebuilt from the kept values' bytes, so nothing in them
		 * is reformatted. */
		cur = pool_take(s);
		dm_buf_reset(cur);
		dm_buf_adds(cur, "{}");
		found = 0;
		for (j = 0; j < n; j++) {
			kl = strlen(paths[j]);
			if (kl <= m->key_len || paths[j][m->key_len] != '.' ||
			    memcmp(paths[j], m->key, m->key_len) != 0 ||
			    (b = encoded(s, paths[j])) == NULL)
				continue;
			nxt = pool_take(s);
			dm_buf_reset(nxt);
			r = splice(s, cur->buf, cur->len, paths[j] + m->key_len + 1,
			    b->buf, b->len, 0, nxt, paths[j], err);
			if (r < 0)
				return -1;
			if (r > 0)
				cur = nxt;
			found = 1;
		}
		/* Nothing named under it was there: the field goes too. */
		if (found)
			member_setraw(s, m, cur->buf, cur->len);
		else
			m->deleted = 1;
	}
	return 0;
}
