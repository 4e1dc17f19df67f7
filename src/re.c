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

/*
 * What one match may cost before it fails as one that takes too long, set
 * here rather than left to how PCRE2 was built. The match limit counts
 * backtracking steps and starts again at each place a search tries: ten
 * million stop a pattern that backtracks without end, such as (a+)+$ on
 * forty a's and a b, after 0.03 to 0.1 s of JIT code (0.2 to 0.5 s
 * interpreted) on this kind of machine, while the operators' patterns
 * (remove-urls and the others, anonymize, expand-macros, fix-unicode)
 * stay under a hundred thousand on every sample of the bench corpus. The
 * depth and heap limits only bind the interpreter, which runs when JIT
 * code ran out of its stack: its frames take some 300 bytes a level on
 * the heap, and grew to 1.3 GB in 17 s for (?:a|b)*$ over 8M characters
 * before the match limit stopped them. 250,000 levels stop that within a
 * second; a match that outgrew 64 MiB of JIT stack (some 4M levels for
 * that pattern) seldom needs fewer.
 */
#define MATCH_LIMIT	10000000
#define DEPTH_LIMIT	250000
#define HEAP_LIMIT_KIB	(256 * 1024)

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

	/* A limit is no fault of PCRE2's: the message says what the
	 * pattern did on the text of this sample. */
	switch (code) {
	case PCRE2_ERROR_MATCHLIMIT:
		dm_buf_addf(err, "the pattern takes too long on this text "
		    "(PCRE2 match limit of %d exceeded)", MATCH_LIMIT);
		return;
	case PCRE2_ERROR_DEPTHLIMIT:
		dm_buf_addf(err, "the pattern nests too deep on this text "
		    "(PCRE2 depth limit of %d exceeded)", DEPTH_LIMIT);
		return;
	case PCRE2_ERROR_HEAPLIMIT:
		dm_buf_addf(err, "the pattern needs too much memory on this "
		    "text (PCRE2 heap limit of %d MiB exceeded)",
		    HEAP_LIMIT_KIB / 1024);
		return;
	}
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
	pcre2_set_match_limit(re->mctx, MATCH_LIMIT);
	pcre2_set_depth_limit(re->mctx, DEPTH_LIMIT);
	pcre2_set_heap_limit(re->mctx, HEAP_LIMIT_KIB);
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

/* How dm_re_replace expands a replacement (checkrepl found it valid). */
enum { REPL_LITERAL, REPL_NUMBERS, REPL_PCRE2 };

static int
replkind(const char *repl)
{
	const char *p;
	int kind = REPL_LITERAL;

	for (p = strchr(repl, '$'); p != NULL; p = strchr(p, '$')) {
		p++;
		if (*p == '$') {
			p++;
			kind = REPL_NUMBERS;
			continue;
		}
		if (*p == '{')
			p++;
		if (*p < '0' || *p > '9')
			return REPL_PCRE2;	/* a name or *MARK */
		kind = REPL_NUMBERS;
	}
	return kind;
}

/* $$, $N and ${N} of repl for the match in o, an unset group as nothing,
 * as pcre2_substitute reads them, without its cost at each match. */
static void
addnumbered(const char *s, const PCRE2_SIZE *o, const char *repl,
    struct dm_buf *out)
{
	const char *p, *q;
	unsigned long g;
	int brace;

	for (p = repl; (q = strchr(p, '$')) != NULL; p = q) {
		dm_buf_add(out, p, (size_t)(q - p));
		q++;
		if (*q == '$') {
			dm_buf_addc(out, '$');
			q++;
			continue;
		}
		if ((brace = *q == '{'))
			q++;
		for (g = 0; *q >= '0' && *q <= '9'; q++)
			g = g * 10 + (unsigned long)(*q - '0');
		if (brace)
			q++;	/* the '}' */
		if (o[2 * g] != PCRE2_UNSET)
			dm_buf_add(out, s + o[2 * g], o[2 * g + 1] - o[2 * g]);
	}
	dm_buf_adds(out, p);
}

/*
 * Appends the replacement for the match in re->md: the literal itself,
 * its numbered groups, or what pcre2_substitute makes of it from the
 * match as it is (names, *MARK).
 */
static int
addrepl(struct dm_re *re, const char *s, size_t n, const char *repl,
    size_t repllen, int kind, struct dm_buf *out, struct dm_buf *err)
{
	PCRE2_SIZE outlen;
	size_t want;
	int rc;

	if (kind == REPL_LITERAL) {
		dm_buf_add(out, repl, repllen);
		return 0;
	}
	if (kind == REPL_NUMBERS) {
		addnumbered(s, pcre2_get_ovector_pointer(re->md), repl, out);
		return 0;
	}
	want = repllen * 2 + 64;
	for (;;) {
		dm_buf_grow(out, want + 1);
		outlen = want + 1;
		rc = pcre2_substitute(re->code, (PCRE2_SPTR)s, n, 0,
		    PCRE2_SUBSTITUTE_MATCHED | PCRE2_SUBSTITUTE_REPLACEMENT_ONLY |
		    PCRE2_SUBSTITUTE_OVERFLOW_LENGTH |
		    PCRE2_SUBSTITUTE_UNSET_EMPTY, re->md, re->mctx,
		    (PCRE2_SPTR)repl, PCRE2_ZERO_TERMINATED,
		    (PCRE2_UCHAR *)out->buf + out->len, &outlen);
		if (rc >= 0)
			break;
		if (rc == PCRE2_ERROR_NOMEMORY && outlen != PCRE2_UNSET &&
		    outlen > want + 1) {
			want = outlen;
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
	return 0;
}

/*
 * The matches are those of Python's re.sub, found as dm_re_next finds
 * them: after an empty match the next search starts at the same place,
 * where it must not match empty. pcre2_substitute's global mode retries
 * there anchored instead, which JIT code cannot do, and the interpreter
 * checks the UTF-8 of the rest of the text on each call
 * (MATCH_INVALID_UTF): a pattern that matches empty at every place took
 * time in the square of the text's length, minutes on a text of a few
 * MB. A signal stops a replacement that has gone on for thousands of
 * matches, with an error, rather than let the sample out half replaced
 * or keep the tool from ending; a shorter one is finished first, as the
 * sample would be without a pattern.
 */
int
dm_re_replace(struct dm_re *re, const char *s, size_t n, const char *repl,
    struct dm_buf *out, struct dm_buf *err)
{
	PCRE2_SIZE *o;
	size_t pos, copied, mark, count, repllen;
	int rc, notempty, kind, matched;

	if (s == NULL)
		s = "";
	if (checkrepl(re, repl, err) == -1)
		return -1;
	kind = replkind(repl);
	repllen = strlen(repl);
	o = pcre2_get_ovector_pointer(re->md);
	mark = out->len;
	copied = pos = 0;
	notempty = matched = 0;
	for (count = 1; pos <= n; count++) {
		if (count % 4096 == 0 && dm_interrupted) {
			dm_buf_adds(err, "interrupted");
			goto fail;
		}
		rc = domatch(re, s, n, pos,
		    notempty ? PCRE2_NOTEMPTY_ATSTART : 0);
		if (rc == PCRE2_ERROR_NOMATCH)
			break;
		if (rc < 0) {
			adderror(err, rc);
			goto fail;
		}
		/* \K in a lookahead can end a match before it starts */
		if (o[0] > o[1] || o[0] < copied) {
			adderror(err, PCRE2_ERROR_BADSUBSPATTERN);
			goto fail;
		}
		dm_buf_add(out, s + copied, o[0] - copied);
		if (addrepl(re, s, n, repl, repllen, kind, out, err) < 0)
			goto fail;
		copied = pos = o[1];
		notempty = o[0] == o[1];
		matched = 1;
	}
	if (!matched)
		return 0;
	dm_buf_add(out, s + copied, n - copied);
	return 1;
fail:
	dm_buf_setlen(out, mark);
	return -1;
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
