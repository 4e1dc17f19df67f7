/* fineweb.c - fineweb: FineWeb's line rules (datatrove FineWebQualityFilter) */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define X86	1
#endif

#include "dm.h"
#include "quality.h"
#include "simd.h"

/*
 * Lines are the text split at "\n" (not splitlines: a "\r" stays in its
 * line), those of only white space left out. Words are datatrove's
 * split_into_words for English (see quality.h).
 */

static const struct dm_param params[] = {
	{ .name = "line_punct_thr", .type = DM_P_FLOAT, .def = "0.12",
	  .help = "least share of lines ending in stop_chars",
	  .min = 0, .max = HUGE_VAL },
	{ .name = "line_punct_exclude_zero", .type = DM_P_BOOL, .def = "false",
	  .help = "keep texts where no line ends in stop_chars" },
	{ .name = "stop_chars", .type = DM_P_STR, .def = "",
	  .help = "characters that end a line (empty: datatrove's "
	    "TERMINAL_PUNCTUATION)" },
	{ .name = "short_line_thr", .type = DM_P_FLOAT, .def = "0.67",
	  .help = "most share of short lines",
	  .min = 0, .max = HUGE_VAL },
	{ .name = "short_line_length", .type = DM_P_INT, .def = "30",
	  .help = "characters a short line has at most",
	  .min = 0, .max = HUGE_VAL },
	{ .name = "char_duplicates_ratio", .type = DM_P_FLOAT, .def = "0.01",
	  .help = "most characters in duplicate lines, newlines not counted",
	  .min = 0, .max = HUGE_VAL },
	{ .name = "new_line_ratio", .type = DM_P_FLOAT, .def = "0.3",
	  .help = "most newlines per word",
	  .min = 0, .max = HUGE_VAL },
	{ .name = NULL }
};

struct fineweb {
	double		 punct, shortthr, dupratio, nlratio;
	long long	 shortlen;
	int		 exclude_zero;
	int32_t		*stop;	/* NULL: TERMINAL_PUNCTUATION */
	size_t		 nstop;
	struct dm_q_spans lines;
	struct dm_q_set	 set;
	const struct dm_q_words *w;	/* the text's words, shared */
};

static int
fineweb_init(void **state, const struct dm_args *args, struct dm_buf *err)
{
	struct fineweb *f;
	const char *sc;
	size_t n, i;

	(void)err;
	f = dm_xcalloc(1, sizeof *f);
	f->punct = dm_arg_float(args, "line_punct_thr");
	f->exclude_zero = dm_arg_bool(args, "line_punct_exclude_zero");
	f->shortthr = dm_arg_float(args, "short_line_thr");
	f->shortlen = dm_arg_int(args, "short_line_length");
	f->dupratio = dm_arg_float(args, "char_duplicates_ratio");
	f->nlratio = dm_arg_float(args, "new_line_ratio");
	sc = dm_arg_str(args, "stop_chars");
	if ((n = strlen(sc)) > 0) {
		f->stop = dm_xcalloc(n, sizeof *f->stop);
		for (i = 0; i < n; i += dm_q_cp(sc, n, i, &f->stop[f->nstop]),
		    f->nstop++)
			;
	}
	*state = f;
	return 0;
}

static int
fail(struct dm_buf *err, const char *why)
{
	dm_buf_adds(err, why);
	return 0;
}

/* line.endswith(stop_chars) */
static int
ends(const struct fineweb *f, const char *s, size_t b, size_t e)
{
	int32_t c;
	size_t i;

	/* the last character: step back over continuation bytes */
	for (i = e - 1; i > b && ((unsigned char)s[i] & 0xC0) == 0x80; i--)
		;
	dm_q_cp(s, e, i, &c);
	if (f->stop == NULL)
		return dm_q_isterminal(c);
	for (i = 0; i < f->nstop; i++)
		if (f->stop[i] == c)
			return 1;
	return 0;
}

/* Whether s[0..n) (valid UTF-8) has no more than max characters: a
 * character is one to four bytes, so they are counted only when n is
 * between max and 4 max. */
static int
isshort(const char *s, size_t n, long long max)
{
	if ((long long)n <= max)
		return 1;
	if ((long long)((n + 3) / 4) > max)
		return 0;
	return (long long)dm_utf8_count(s, n) <= max;
}

/* ASCII white space as str.isspace(): \t to \r, \x1c to the space. */
static int
asciispace(unsigned char c)
{
	return (c >= '\t' && c <= '\r') || (c >= 0x1C && c <= ' ');
}

#ifdef __SSE2__
/* The sum of the sixteen bytes of x. */
static size_t
sum8(__m128i x)
{
	x = _mm_sad_epu8(x, _mm_setzero_si128());
	return (size_t)_mm_cvtsi128_si32(x) +
	    (size_t)_mm_cvtsi128_si32(_mm_srli_si128(x, 8));
}
#endif

#ifdef X86
/* The ASCII white space of runs_least() in x, a byte each. */
__attribute__((target("avx2"), always_inline)) static inline __m256i
space32(__m256i x)
{
	return _mm256_or_si256(_mm256_and_si256(
	    _mm256_cmpgt_epi8(x, _mm256_set1_epi8(8)),
	    _mm256_cmpgt_epi8(_mm256_set1_epi8(14), x)), _mm256_and_si256(
	    _mm256_cmpgt_epi8(x, _mm256_set1_epi8(0x1B)),
	    _mm256_cmpgt_epi8(_mm256_set1_epi8(0x21), x)));
}

/* The runs of runs_least() that start in s[*pi..), 32 bytes at a time
 * while as many are left (*pi > 0): the white space before each byte is
 * that of the bytes loaded one before. */
__attribute__((target("avx2"))) static size_t
runs_avx2(const char *s, size_t n, size_t *pi)
{
	__m256i x, acc = _mm256_setzero_si256(), sum = acc;
	size_t i, k;
	unsigned lap = 0;

	for (i = *pi; i + 32 <= n; i += 32) {
		x = _mm256_loadu_si256((const __m256i *)(const void *)(s + i));
		/* a start: white space before, ASCII other than it here */
		acc = _mm256_sub_epi8(acc, _mm256_and_si256(space32(
		    _mm256_loadu_si256((const __m256i *)(const void *)
		    (s + i - 1))), _mm256_andnot_si256(space32(x),
		    _mm256_cmpgt_epi8(x, _mm256_set1_epi8(-1)))));
		if (++lap == 255) {
			sum = _mm256_add_epi64(sum, _mm256_sad_epu8(acc,
			    _mm256_setzero_si256()));
			acc = _mm256_setzero_si256();
			lap = 0;
		}
	}
	sum = _mm256_add_epi64(sum, _mm256_sad_epu8(acc,
	    _mm256_setzero_si256()));
	k = (size_t)_mm256_extract_epi64(sum, 0) +
	    (size_t)_mm256_extract_epi64(sum, 1) +
	    (size_t)_mm256_extract_epi64(sum, 2) +
	    (size_t)_mm256_extract_epi64(sum, 3);
	*pi = i;
	return k;
}
#endif /* X86 */

/*
 * No more than dm_q_runs(s, n), and much cheaper: the runs that start
 * with an ASCII character other than white space, at the start or after
 * ASCII white space (32 bytes at a time with AVX2, then sixteen). A
 * byte beyond ASCII may be white space or not, so it starts no run
 * counted here and ends none.
 */
static size_t
runs_least(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 1, k;

	if (n == 0)
		return 0;
	k = u[0] < 0x80 && !asciispace(u[0]);
#ifdef X86
	if (dm_simd_level() >= 2)
		k += runs_avx2(s, n, &i);
#endif
#ifdef __SSE2__
	{
		const __m128i c8 = _mm_set1_epi8(8), c14 = _mm_set1_epi8(14);
		const __m128i c1b = _mm_set1_epi8(0x1B);
		const __m128i c21 = _mm_set1_epi8(0x21);
		const __m128i m1 = _mm_set1_epi8(-1);
		const __m128i zero = _mm_setzero_si128();
		__m128i x, wx, wy, prev, acc = zero;
		unsigned lap = 0;

		/* signed compares: a byte beyond ASCII is negative, in no
		 * range; each byte of acc counts the run starts at its
		 * place, up to 255 blocks before they are added up; the
		 * white space before each byte is that of the block moved
		 * up a byte, the last of the block before coming in */
		prev = _mm_cvtsi32_si128(asciispace(u[i - 1]) ? 0xFF : 0);
		prev = _mm_slli_si128(prev, 15);
		for (; i + 16 <= n; i += 16) {
			x = _mm_loadu_si128((const __m128i *)(const void *)
			    (s + i));
			wx = _mm_or_si128(_mm_and_si128(_mm_cmpgt_epi8(x, c8),
			    _mm_cmplt_epi8(x, c14)), _mm_and_si128(
			    _mm_cmpgt_epi8(x, c1b), _mm_cmplt_epi8(x, c21)));
			wy = _mm_or_si128(_mm_slli_si128(wx, 1),
			    _mm_srli_si128(prev, 15));
			prev = wx;
			acc = _mm_sub_epi8(acc, _mm_and_si128(wy,
			    _mm_andnot_si128(wx, _mm_cmpgt_epi8(x, m1))));
			if (++lap == 255) {
				k += sum8(acc);
				acc = zero;
				lap = 0;
			}
		}
		k += sum8(acc);
	}
#endif
	for (; i < n; i++)
		k += u[i] < 0x80 && !asciispace(u[i]) && asciispace(u[i - 1]);
	return k;
}

static int
fineweb_filter(void *state, struct dm_sample *smp, const char *s, size_t n,
    struct dm_textstats *ts, struct dm_buf *err)
{
	struct fineweb *f = state;
	struct dm_q_span *l;
	size_t i, b, e, start = 0, punct = 0, shorts = 0, ndup, nchars, nl, k;
	const char *p;
	unsigned long gen;
	double r;

	(void)ts;
	f->lines.n = 0;
	for (i = 0; i <= n; i++) {
		if (i < n) {
			if ((p = memchr(s + i, '\n', n - i)) == NULL)
				i = n;
			else
				i = (size_t)(p - s);
		}
		b = start;
		e = i;
		dm_q_strip(s, &b, &e);
		if (b < e)
			dm_q_spans_add(&f->lines, start, i);
		start = i + 1;
	}
	if (f->lines.n == 0)
		return fail(err, "empty");
	for (i = 0; i < f->lines.n; i++) {
		l = &f->lines.v[i];
		punct += ends(f, s, l->b, l->e);
		shorts += isshort(s + l->b, l->e - l->b, f->shortlen);
	}
	r = (double)punct / f->lines.n;
	if (r < f->punct && !(r == 0 && f->exclude_zero))
		return fail(err, "line_punct_ratio");
	if ((double)shorts / f->lines.n > f->shortthr)
		return fail(err, "short_line_ratio");
	dm_q_dups(&f->set, s, f->lines.v, f->lines.n, &ndup, &nchars);
	nl = dm_q_count(s, n, "\n", 1);
	/* a line that is not blank holds a character other than "\n";
	 * the characters other than "\n" are no more than their bytes and
	 * no fewer than a quarter of them, and are counted only when these
	 * bounds do not decide (no duplicate is 0, which passes) */
	if (nchars > 0 && (double)nchars / (double)((n - nl + 3) / 4) >
	    f->dupratio && ((double)nchars / (double)(n - nl) > f->dupratio ||
	    (double)nchars / (dm_utf8_count(s, n) - nl) > f->dupratio))
		return fail(err, "char_dup_ratio");
	/* Every run of characters between white space gives at least one
	 * word, so when the newlines per run pass the rule the newlines per
	 * word do too, and the text need not be split into words; so do
	 * they when the newlines per run counted by runs_least() pass. Words
	 * that another predicate split already are taken as they are. */
	if (nl == 0)
		return 1;
	gen = dm_sample_linegen(smp, s, n);
	if ((f->w = dm_q_words_split_already(s, n, gen)) == NULL) {
		if (((k = runs_least(s, n)) > 0 &&
		    (double)nl / k <= f->nlratio) ||
		    (double)nl / dm_q_runs(s, n) <= f->nlratio)
			return 1;
		f->w = dm_q_words_of(s, n, gen);
	}
	if (f->w->n > 0 && (double)nl / f->w->n > f->nlratio)
		return fail(err, "list_ratio");
	return 1;
}

static void
fineweb_fini(void *state)
{
	struct fineweb *f = state;

	free(f->stop);
	dm_q_spans_free(&f->lines);
	dm_q_set_free(&f->set);
	free(f);
}

const struct dm_opdef dm_op_fineweb = {
	.name = "fineweb",
	.kind = DM_OP_FILTER,
	.summary = "line rules of FineWeb (datatrove FineWebQualityFilter)",
	.params = params,
	.init = fineweb_init,
	.filter = fineweb_filter,
	.fini = fineweb_fini,
};
