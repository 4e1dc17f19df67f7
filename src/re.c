/* re.c - regular expressions: PCRE2 behind the dm_re interface */

#define PCRE2_CODE_UNIT_WIDTH 8

#include <stdlib.h>
#include <string.h>
#include <pcre2.h>

#include "dm.h"

/*
 * JIT code runs on its own stack. PCRE2's default of 32 KiB is soon used
 * up by a repeated group over a long text ((?:a|b)*$ over two million
 * characters needs tens of MiB); the stack is mapped, and pages are only
 * used when touched, so a generous maximum costs address space only.
 */
#define JIT_STACK_START	(32 * 1024)
#define JIT_STACK_MAX	(64 * 1024 * 1024)

/* PCRE2 reads at most 32 code units of a group name in a replacement. */
#define NAME_MAX_LEN	32

struct dm_re {
	pcre2_code		*code;
	pcre2_match_data	*md;	/* reused: a dm_re serves one thread */
	pcre2_match_context	*mctx;
	pcre2_jit_stack		*jstack;	/* NULL when not JIT-compiled */
	uint32_t		 ncap;		/* capture groups */
	char			*checked;	/* last repl found valid */
};

static void *
must(void *p)
{
	if (p == NULL)
		dm_die("out of memory");
	return p;
}

static void
adderror(struct dm_buf *err, int code)
{
	PCRE2_UCHAR msg[256];

	if (pcre2_get_error_message(code, msg, sizeof(msg)) < 0)
		dm_buf_addf(err, "regular expression error %d", code);
	else
		dm_buf_adds(err, (const char *)msg);
}

struct dm_re *
dm_re_new(const char *pattern, const char *flags, struct dm_buf *err,
    size_t *erroff)
{
	struct dm_re *re;
	pcre2_compile_context *cctx;
	pcre2_code *code;
	PCRE2_SIZE off;
	uint32_t opts;
	const char *f;
	int ecode;

	/*
	 * UTF and UCP make \w \d \s \b and case folding Unicode-aware, as in
	 * Python's re on str; ALT_CIRCUMFLEX lets ^ under m match after a
	 * final newline, as there too. MATCH_INVALID_UTF spares pcre2_match
	 * a check of the whole subject on every call (which makes a scan with
	 * a moving start offset quadratic); \C could split a character and
	 * leave invalid UTF-8 in a sample, so it is refused.
	 */
	opts = PCRE2_UTF | PCRE2_UCP | PCRE2_ALT_CIRCUMFLEX |
	    PCRE2_MATCH_INVALID_UTF | PCRE2_NEVER_BACKSLASH_C;
	for (f = flags != NULL ? flags : ""; *f != '\0'; f++) {
		switch (*f) {
		case 'i':
			opts |= PCRE2_CASELESS;
			break;
		case 'm':
			opts |= PCRE2_MULTILINE;
			break;
		case 's':
			opts |= PCRE2_DOTALL;
			break;
		case 'x':
			opts |= PCRE2_EXTENDED;
			break;
		case 'u':
			break;
		default:
			dm_buf_adds(err, "unknown regex flag '");
			dm_buf_addquoted(err, f, 1, 1);
			dm_buf_adds(err, "' (expected i, m, s, x or u)");
			if (erroff != NULL)
				*erroff = 0;
			return NULL;
		}
	}

	/* Newline is LF whatever PCRE2 was built with: . and $ as in Python. */
	cctx = must(pcre2_compile_context_create(NULL));
	pcre2_set_newline(cctx, PCRE2_NEWLINE_LF);
	code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, opts,
	    &ecode, &off, cctx);
	pcre2_compile_context_free(cctx);
	if (code == NULL) {
		adderror(err, ecode);
		dm_buf_addf(err, " at offset %zu", (size_t)off);
		if (erroff != NULL)
			*erroff = off;
		return NULL;
	}

	re = dm_xcalloc(1, sizeof(*re));
	re->code = code;
	re->md = must(pcre2_match_data_create_from_pattern(code, NULL));
	re->mctx = must(pcre2_match_context_create(NULL));
	pcre2_pattern_info(code, PCRE2_INFO_CAPTURECOUNT, &re->ncap);
	/* Without JIT support the interpreter does the same work, slower. */
	if (pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) == 0) {
		re->jstack = pcre2_jit_stack_create(JIT_STACK_START,
		    JIT_STACK_MAX, NULL);
		if (re->jstack != NULL)
			pcre2_jit_stack_assign(re->mctx, NULL, re->jstack);
	}
	return re;
}

/* A JIT stack overflow is retried in the interpreter, whose frames live on
 * the heap, so that only the match and heap limits stop a match. */
static int
domatch(struct dm_re *re, const char *s, size_t n, size_t start,
    uint32_t opts)
{
	int rc;

	if (s == NULL)
		s = "";
	rc = pcre2_match(re->code, (PCRE2_SPTR)s, n, start, opts, re->md,
	    re->mctx);
	if (rc == PCRE2_ERROR_JIT_STACKLIMIT)
		rc = pcre2_match(re->code, (PCRE2_SPTR)s, n, start,
		    opts | PCRE2_NO_JIT, re->md, re->mctx);
	return rc;
}

int
dm_re_next(struct dm_re *re, const char *s, size_t n, size_t start,
    int notempty, size_t ov[2], struct dm_buf *err)
{
	PCRE2_SIZE *o;
	int rc;

	if (start > n)
		return 0;
	rc = domatch(re, s, n, start, notempty ? PCRE2_NOTEMPTY_ATSTART : 0);
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	if (rc < 0) {
		adderror(err, rc);
		return -1;
	}
	o = pcre2_get_ovector_pointer(re->md);
	ov[0] = o[0];
	ov[1] = o[1];
	return 1;
}

int
dm_re_match(struct dm_re *re, const char *s, size_t n, size_t start,
    size_t ov[2], struct dm_buf *err)
{
	return dm_re_next(re, s, n, start, 0, ov, err);
}

static int
isword(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_';
}

static int
badrepl(struct dm_buf *err, int code, size_t off)
{
	adderror(err, code);
	dm_buf_addf(err, " at offset %zu", off);
	return -1;
}

/*
 * Checks a replacement the way pcre2_substitute reads it ($$, $N, ${N},
 * $name, ${name}, $*MARK, ${*MARK}), and that every group it names
 * exists. pcre2_substitute only looks at the replacement when something
 * matched; checking first turns a typo into one error when the operator
 * starts rather than one for every sample that matches.
 */
static int
checkrepl(struct dm_re *re, const char *repl, struct dm_buf *err)
{
	char name[NAME_MAX_LEN + 1];
	const char *p, *dollar, *ref;
	size_t len, reflen;
	unsigned long group;
	int brace, star, known;

	if (re->checked != NULL && strcmp(re->checked, repl) == 0)
		return 0;
	for (p = repl; *p != '\0'; p++) {
		if (*p != '$')
			continue;
		dollar = p++;
		if (*p == '$')
			continue;
		brace = star = 0;
		if (*p == '{') {
			brace = 1;
			p++;
		}
		if (*p == '*') {
			star = 1;
			p++;
		}
		ref = p;
		if (!star && *p >= '0' && *p <= '9') {
			/* Past the number of groups, the value no longer
			 * matters (and must not overflow). */
			for (group = 0; *p >= '0' && *p <= '9'; p++)
				if (group <= re->ncap)
					group = group * 10 +
					    (unsigned long)(*p - '0');
			known = group <= re->ncap;
		} else {
			for (len = 0; isword((unsigned char)*p); p++) {
				if (len == NAME_MAX_LEN)
					return badrepl(err,
					    PCRE2_ERROR_BADREPLACEMENT,
					    (size_t)(dollar - repl));
				name[len++] = *p;
			}
			name[len] = '\0';
			if (len == 0 || (star && strcmp(name, "MARK") != 0))
				return badrepl(err, PCRE2_ERROR_BADREPLACEMENT,
				    (size_t)(dollar - repl));
			known = star || pcre2_substring_number_from_name(
			    re->code, (PCRE2_SPTR)name) !=
			    PCRE2_ERROR_NOSUBSTRING;
		}
		reflen = (size_t)(p - ref);
		if (brace && *p != '}')
			return badrepl(err, PCRE2_ERROR_REPMISSINGBRACE,
			    (size_t)(p - repl));
		if (!known) {
			dm_buf_addf(err, "unknown group '%.*s' in replacement "
			    "string at offset %zu", (int)reflen, ref,
			    (size_t)(dollar - repl));
			return -1;
		}
		if (!brace)
			p--;	/* the loop steps past the last character */
	}
	free(re->checked);
	re->checked = dm_xstrdup(repl);
	return 0;
}

int
dm_re_replace(struct dm_re *re, const char *s, size_t n, const char *repl,
    struct dm_buf *out, struct dm_buf *err)
{
	PCRE2_SIZE outlen;
	uint32_t opts, nojit;
	size_t want;
	int rc;

	if (s == NULL)
		s = "";
	if (checkrepl(re, repl, err) == -1)
		return -1;

	/* Most texts do not match: a plain match answers that cheaply. */
	rc = domatch(re, s, n, 0, 0);
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	if (rc < 0) {
		adderror(err, rc);
		return -1;
	}

	/*
	 * The first substitution reuses that match (SUBSTITUTE_MATCHED leaves
	 * re->md as it was, so a retry can use it again). Unset groups insert
	 * nothing, as in Python. A first guess at the size avoids running the
	 * whole substitution twice in the common case.
	 */
	opts = PCRE2_SUBSTITUTE_GLOBAL | PCRE2_SUBSTITUTE_OVERFLOW_LENGTH |
	    PCRE2_SUBSTITUTE_MATCHED | PCRE2_SUBSTITUTE_UNSET_EMPTY;
	nojit = 0;
	want = n + n / 8 + strlen(repl) * 4 + 64;
	for (;;) {
		dm_buf_grow(out, want + 1);
		outlen = want + 1;
		rc = pcre2_substitute(re->code, (PCRE2_SPTR)s, n, 0,
		    opts | nojit, re->md, re->mctx, (PCRE2_SPTR)repl,
		    PCRE2_ZERO_TERMINATED, (PCRE2_UCHAR *)out->buf + out->len,
		    &outlen);
		if (rc >= 0)
			break;
		if (rc == PCRE2_ERROR_NOMEMORY && outlen != PCRE2_UNSET &&
		    outlen > want + 1) {
			want = outlen;
			continue;
		}
		if (rc == PCRE2_ERROR_JIT_STACKLIMIT && nojit == 0) {
			nojit = PCRE2_NO_JIT;
			continue;
		}
		out->buf[out->len] = '\0';
		adderror(err, rc);
		/* Errors in the replacement come with their offset in it. */
		if (outlen != PCRE2_UNSET && rc != PCRE2_ERROR_NOMEMORY)
			dm_buf_addf(err, " at offset %zu", (size_t)outlen);
		return -1;
	}
	dm_buf_setlen(out, out->len + outlen);
	return 1;
}

int
dm_re_group(const struct dm_re *re, unsigned long n, const char *name)
{
	int rc;

	if (name == NULL)
		return n <= re->ncap ? (int)n : -1;
	rc = pcre2_substring_number_from_name(re->code, (PCRE2_SPTR)name);
	return rc < 0 ? -1 : rc;
}

void
dm_re_free(struct dm_re *re)
{
	if (re == NULL)
		return;
	if (re->jstack != NULL)
		pcre2_jit_stack_free(re->jstack);
	pcre2_match_context_free(re->mctx);
	pcre2_match_data_free(re->md);
	pcre2_code_free(re->code);
	free(re->checked);
	free(re);
}

struct dm_resub {
	struct dm_re	*re;
	char		*repl;		/* the literal with each $ doubled */
	char		*lit;		/* the literal as given */
	size_t		 litlen;
	size_t		(*next)(const char *, size_t);	/* NULL: whole text */
};

struct dm_resub *
dm_resub_new(const char *pattern, const char *flags, const char *literal,
    struct dm_buf *err)
{
	struct dm_resub *r = dm_xcalloc(1, sizeof *r);
	struct dm_buf b = DM_BUF_INIT;
	size_t off;

	r->lit = dm_xstrdup(literal);
	r->litlen = strlen(literal);
	for (; *literal != '\0'; literal++) {
		if (*literal == '$')
			dm_buf_addc(&b, '$');
		dm_buf_addc(&b, *literal);
	}
	r->repl = dm_buf_detach(&b, NULL);
	if ((r->re = dm_re_new(pattern, flags, err, &off)) == NULL) {
		dm_resub_free(r);
		return NULL;
	}
	return r;
}

/* White space of ASCII: every one is in Unicode's White_Space. */
static int
isasciiws(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/*
 * The pattern never matches across white space, so each run of other
 * bytes is a subject of its own: PCRE2 is started only inside runs that
 * hold a place r->next finds, with the subject ending where the run ends.
 * The text before the run is still there for lookbehinds, and the byte
 * after the run is white space, which a match could not take anyway. The
 * matches are those of a global substitution over the whole text: left to
 * right, each search from the end of the last match.
 */
static int
runsub(struct dm_resub *r, const char *in, size_t n, struct dm_buf *out,
    struct dm_buf *err)
{
	size_t pos, at, start, end, off, copied, ov[2];
	int rc, changed = 0, same = 1;

	copied = 0;
	for (pos = 0; pos < n; pos = end) {
		at = pos + r->next(in + pos, n - pos);
		if (at >= n)
			break;
		for (start = at; start > pos &&
		    !isasciiws((unsigned char)in[start - 1]); start--)
			;
		for (end = at; end < n && !isasciiws((unsigned char)in[end]);
		    end++)
			;
		for (off = start; off < end; off = ov[1]) {
			if ((rc = dm_re_match(r->re, in, end, off, ov, err)) == -1)
				return -1;
			if (rc == 0)
				break;
			if (ov[1] == ov[0])	/* never, for these patterns */
				ov[1]++;
			dm_buf_add(out, in + copied, ov[0] - copied);
			dm_buf_add(out, r->lit, r->litlen);
			if (ov[1] - ov[0] != r->litlen ||
			    memcmp(in + ov[0], r->lit, r->litlen) != 0)
				same = 0;
			copied = ov[1];
			changed = 1;
		}
	}
	if (!changed || same) {
		dm_buf_reset(out);
		return 0;
	}
	dm_buf_add(out, in + copied, n - copied);
	return 1;
}

int
dm_resub_run(struct dm_resub *r, const char *in, size_t n, struct dm_buf *out,
    struct dm_buf *err)
{
	int rc;

	if (r->next != NULL)
		return runsub(r, in, n, out, err);
	rc = dm_re_replace(r->re, in, n, r->repl, out, err);

	/* a replacement equal to what it replaced leaves the sample as it
	 * came, bytes and all */
	if (rc == 1 && out->len == n && memcmp(out->buf, in, n) == 0) {
		dm_buf_reset(out);
		return 0;
	}
	return rc;
}

void
dm_resub_runs(struct dm_resub *r, size_t (*next)(const char *, size_t))
{
	r->next = next;
}

void
dm_resub_free(struct dm_resub *r)
{
	if (r == NULL)
		return;
	dm_re_free(r->re);
	free(r->repl);
	free(r->lit);
	free(r);
}
