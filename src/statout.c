/* statout.c - dm-stats' summary as a table for the terminal, and as HTML */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dm.h"
#include "statsum.h"
#include "table.h"

static const char *const blocks[9] = {
	" ", "\xe2\x96\x81", "\xe2\x96\x82", "\xe2\x96\x83", "\xe2\x96\x84",
	"\xe2\x96\x85", "\xe2\x96\x86", "\xe2\x96\x87", "\xe2\x96\x88"
};
static const char asciiramp[] = " .:-=+*#@";
static const char *const qnames[] = { "1%", "5%", "25%", "50%", "75%",
	"95%", "99%" };

/* A number in at most prec significant digits, for a column of prec + 3
 * characters: integers whole (below 10^10), large numbers rounded to
 * units, huge and tiny ones with an exponent. */
static void
fmtnum(char *b, size_t n, const json_t *v, int prec, int width)
{
	double d, a;
	int p;

	if (json_is_integer(v) && llabs((long long)json_integer_value(v)) <
	    10000000000LL)
		snprintf(b, n, "%lld", (long long)json_integer_value(v));
	else if (!json_is_number(v)) {
		snprintf(b, n, "-");
		return;
	} else {
		d = json_number_value(v);
		a = fabs(d);
		/* a large number in whole while it fits its column */
		if (a >= 1e4 && a < pow(10, width - 1 - (d < 0)))
			snprintf(b, n, "%.0f", d);
		else if (a >= 1e4)
			snprintf(b, n, "%.*e", width - 7 - (d < 0) > 1 ?
			    width - 7 - (d < 0) : 1, d);
		else if (a > 0 && a < 1e-4)
			snprintf(b, n, "%.*e", prec - 4 > 2 ? prec - 4 : 2, d);
		else
			snprintf(b, n, "%.*g", prec, d);
	}
	/* a blank before it in its column: else the digits that fit */
	d = json_number_value(v);
	for (p = width - 7; (int)strlen(b) > width - 1 && p >= 0; p--)
		snprintf(b, n, "%.*e", p, d);
	if ((int)strlen(b) > width - 1)
		snprintf(b, n, "%.0e", d);
}

static unsigned long long
uval(const json_t *o, const char *k)
{
	return (unsigned long long)json_integer_value(json_object_get(o, k));
}

static void
bar(struct dm_buf *b, double frac, int width, int ascii)
{
	int eighths = (int)lround(frac * width * 8), i;

	for (i = 0; i < width && eighths > 0; i++, eighths -= 8)
		dm_buf_adds(b, eighths >= 8 ? (ascii ? "#" : blocks[8]) :
		    ascii ? (eighths >= 4 ? "#" : "") : blocks[eighths]);
}

/*
 * Text as dm_buf_addquoted writes it (a newline as \n), a backslash
 * doubled: else "a\\nb" and a line break would both be a\nb. At most max
 * bytes of s, then "...".
 */
static void
addtext(struct dm_buf *b, const char *s, size_t n, size_t max)
{
	size_t i = 0, k;
	int32_t cp;
	int u;

	for (; i < n; i += k) {
		if (i >= max) {
			dm_buf_adds(b, "...");
			return;
		}
		k = 1;
		if ((unsigned char)s[i] >= 0x80 &&
		    (u = dm_utf8_decode(s + i, n - i, &cp)) > 0)
			k = (size_t)u;
		if (s[i] == '\\')
			dm_buf_adds(b, "\\\\");
		else
			dm_buf_addquoted(b, s + i, k, k);
	}
}

/*
 * A printable form of a value, given as its JSON text: a string's text, or
 * the JSON. A string whose text reads as JSON ("1", "null", "[]"), or is
 * empty, is shown as JSON too, so that it is not taken for the number 1 or
 * for null.
 */
static void
valtext(struct dm_buf *b, const json_t *v, size_t max)
{
	struct dm_buf t = DM_BUF_INIT;
	struct dm_jerr e;
	const char *j = json_string_value(v), *s;
	size_t jn = json_string_length(v), n;

	if (j == NULL)
		j = "null", jn = 4;
	if (jn > 0 && j[0] == '"' && dm_json_string(j, jn, &t, &s, &n) == 0 &&
	    n > 0 && dm_json_check(s, n, &e) < 0)
		addtext(b, s, n, max);
	else
		dm_buf_addquoted(b, j, jn, max);
	dm_buf_free(&t);
}

/* The members of object o, that of key k written by sub. */
static void
addmembers(struct dm_buf *b, json_t *o, const char *k,
    void (*sub)(struct dm_buf *, json_t *))
{
	const char *key;
	json_t *v;
	int first = 1;

	dm_buf_addc(b, '{');
	json_object_foreach(o, key, v) {
		if (!first)
			dm_buf_addc(b, ',');
		first = 0;
		dm_json_addstr(b, key, strlen(key));
		dm_buf_addc(b, ':');
		if (strcmp(key, k) == 0)
			sub(b, v);
		else
			dm_json_addval(b, v);
	}
	dm_buf_addc(b, '}');
}

static void
addvalue(struct dm_buf *b, json_t *v)
{
	if (json_is_string(v))
		dm_buf_add(b, json_string_value(v), json_string_length(v));
	else
		dm_json_addval(b, v);
}

/* The objects of array a, each through addmembers(). */
static void
addobjects(struct dm_buf *b, json_t *a, const char *k,
    void (*sub)(struct dm_buf *, json_t *))
{
	json_t *x;
	size_t i;

	dm_buf_addc(b, '[');
	json_array_foreach(a, i, x) {
		if (i)
			dm_buf_addc(b, ',');
		addmembers(b, x, k, sub);
	}
	dm_buf_addc(b, ']');
}

static void
addtop(struct dm_buf *b, json_t *a)
{
	addobjects(b, a, "value", addvalue);
}

static void
addcounts(struct dm_buf *b, json_t *a)
{
	addobjects(b, a, "top", addtop);
}

void
dm_summary_addjson(struct dm_buf *b, json_t *o)
{
	addmembers(b, o, "counts", addcounts);
}

static void
typelist(struct dm_buf *b, const json_t *types, unsigned long long count)
{
	const char *k;
	json_t *v;
	int first = 1;

	json_object_foreach((json_t *)types, k, v) {
		if (json_object_size(types) == 1 &&
		    (unsigned long long)json_integer_value(v) == count) {
			dm_buf_adds(b, k);
			return;
		}
		dm_buf_addf(b, "%s%s %lld", first ? "" : ", ", k,
		    (long long)json_integer_value(v));
		first = 0;
	}
}

/* The columns of the tables: a name, then numbers. */
static const struct dm_col statcols[] = {
	{ 16, DM_COL_LEFT | DM_COL_WRAP, 0 }, { 10, 0, 0 }, { 11, 0, 0 },
	{ 11, 0, 0 }, { 11, 0, 0 }, { 11, 0, 0 }
};
static const struct dm_col quantcols[] = {
	{ 16, DM_COL_LEFT | DM_COL_WRAP, 0 }, { 9, 0, 0 }, { 9, 0, 0 },
	{ 9, 0, 0 }, { 9, 0, 0 }, { 9, 0, 0 }, { 9, 0, 0 }, { 9, 0, 0 }
};
static const struct dm_col histcols[] = {
	{ 16, DM_COL_LEFT | DM_COL_WRAP, 0 }, { 10, 0, 0 },
	{ 40, DM_COL_LEFT, 2 }, { 0, DM_COL_LEFT, 2 }
};
static const struct dm_col fieldcols[] = {
	{ 32, DM_COL_LEFT | DM_COL_WRAP, 0 }, { 10, 0, 0 }, { 8, 0, 0 },
	{ 0, DM_COL_LEFT, 2 }
};
static const struct dm_col topcols[] = {
	{ 30, DM_COL_LEFT | DM_COL_WRAP, 2 }, { 10, 0, 0 }, { 8, 0, 0 },
	{ 0, DM_COL_LEFT, 2 }
};

#define NCOL(c)	(sizeof (c) / sizeof (c)[0])

void
dm_summary_table(json_t *o, const struct dm_statout *out, struct dm_buf *b)
{
	static const char *const stathead[] = { "statistic", "count", "mean",
	    "std", "min", "max" };
	static const char *const histhead[] = { "histogram", "min", "", "max" };
	static const char *const fieldhead[] = { "field", "count", "share",
	    "types" };
	json_t *stats = json_object_get(o, "stats"), *x, *v, *h, *q;
	char n[6][32], qn[7][32], pct[32];
	const char *cell[8];
	struct dm_buf t = DM_BUF_INIT, u = DM_BUF_INIT;
	unsigned long long mx, c;
	size_t i, j;
	int k, lvl;

	dm_buf_addf(b, "samples %llu, bytes %llu, rejected %llu\n",
	    uval(o, "samples"), uval(o, "bytes"), uval(o, "rejected"));
	if (json_array_size(stats)) {
		dm_buf_addc(b, '\n');
		dm_table_row(b, statcols, NCOL(statcols), stathead);
		dm_buf_addc(b, '\n');
		json_array_foreach(stats, i, x) {
			cell[0] = json_string_value(json_object_get(x, "name"));
			fmtnum(n[1], sizeof n[1], json_object_get(x, "count"), 6,
			    10);
			fmtnum(n[2], sizeof n[2], json_object_get(x, "mean"), 6,
			    11);
			fmtnum(n[3], sizeof n[3], json_object_get(x, "std"), 6,
			    11);
			fmtnum(n[4], sizeof n[4], json_object_get(x, "min"), 6,
			    11);
			fmtnum(n[5], sizeof n[5], json_object_get(x, "max"), 6,
			    11);
			for (k = 1; k < 6; k++)
				cell[k] = n[k];
			dm_table_row(b, statcols, NCOL(statcols), cell);
			dm_buf_addc(b, '\n');
		}
		dm_buf_addc(b, '\n');
		cell[0] = "quantile";
		for (k = 0; k < 7; k++)
			cell[k + 1] = qnames[k];
		dm_table_row(b, quantcols, NCOL(quantcols), cell);
		dm_buf_addc(b, '\n');
		json_array_foreach(stats, i, x) {
			cell[0] = json_string_value(json_object_get(x, "name"));
			q = json_object_get(x, "quantiles");
			for (k = 0; k < 7; k++) {
				fmtnum(qn[k], sizeof qn[k], json_object_get(q,
				    qnames[k]), 4, 9);
				cell[k + 1] = qn[k];
			}
			dm_table_row(b, quantcols, NCOL(quantcols), cell);
			dm_buf_addc(b, '\n');
		}
		/* as the HTML report says it: else a sketch's quantiles read
		 * as exact */
		q = json_object_get(o, "quantiles");
		if (!json_is_true(json_object_get(q, "exact")))
			dm_buf_addf(b, "(from a KLL sketch, k = %lld: ranks "
			    "within %.1f %% of the count)\n",
			    (long long)json_integer_value(json_object_get(q,
			    "k")), 100 * json_number_value(json_object_get(q,
			    "rank_error")));
		dm_buf_addc(b, '\n');
		dm_table_row(b, histcols, NCOL(histcols), histhead);
		dm_buf_addc(b, '\n');
		json_array_foreach(stats, i, x) {
			h = json_object_get(json_object_get(x, "histogram"),
			    "counts");
			mx = 0;
			json_array_foreach(h, j, v)
				if ((c = (unsigned long long)json_integer_value(v)) > mx)
					mx = c;
			dm_buf_reset(&t);
			json_array_foreach(h, j, v) {
				c = (unsigned long long)json_integer_value(v);
				lvl = c == 0 ? 0 : (int)ceil(8.0 * c / mx);
				if (out->ascii)
					dm_buf_addc(&t, asciiramp[lvl]);
				else
					dm_buf_adds(&t, blocks[lvl]);
			}
			/* min follows the name, which keeps a blank */
			fmtnum(n[1], sizeof n[1], json_object_get(x, "min"), 6,
			    11);
			fmtnum(n[2], sizeof n[2], json_object_get(x, "max"), 6,
			    11);
			cell[0] = json_string_value(json_object_get(x, "name"));
			cell[1] = n[1];
			cell[2] = t.buf;
			cell[3] = n[2];
			dm_table_row(b, histcols, NCOL(histcols), cell);
			dm_buf_addc(b, '\n');
		}
	}
	x = json_object_get(o, "fields");
	if (json_array_size(x)) {
		dm_buf_addc(b, '\n');
		dm_table_row(b, fieldcols, NCOL(fieldcols), fieldhead);
		dm_buf_addc(b, '\n');
		json_array_foreach(x, i, v) {
			c = uval(v, "count");
			snprintf(n[1], sizeof n[1], "%llu", c);
			dm_table_pct(pct, sizeof pct,
			    json_number_value(json_object_get(v, "share")));
			dm_buf_reset(&t);
			typelist(&t, json_object_get(v, "types"), c);
			cell[0] = json_string_value(json_object_get(v, "path"));
			cell[1] = n[1];
			cell[2] = pct;
			cell[3] = t.buf;
			dm_table_row(b, fieldcols, NCOL(fieldcols), cell);
			dm_buf_addc(b, '\n');
		}
		if (json_is_true(json_object_get(o, "fields_truncated")))
			dm_buf_addf(b, "(more than %d fields, or %d MB of "
			    "their names: the others are not shown)\n",
			    DM_STATS_MAXFIELDS, DM_STATS_MAXPATHBYTES >> 20);
	}
	json_array_foreach(json_object_get(o, "counts"), i, x) {
		json_t *top = json_object_get(x, "top");
		double first = json_array_size(top) ?
		    json_number_value(json_object_get(json_array_get(top, 0),
		    "share")) : 0;

		dm_buf_addf(b, "\n%s: %llu present, %llu missing, %s%llu "
		    "distinct\n", json_string_value(json_object_get(x, "field")),
		    uval(x, "count"), uval(x, "missing"),
		    json_is_true(json_object_get(x, "distinct_exact")) ? "" :
		    "about ", uval(x, "distinct"));
		json_array_foreach(top, j, v) {
			double share = json_number_value(json_object_get(v,
			    "share"));

			dm_buf_reset(&t);
			valtext(&t, json_object_get(v, "value"), 28);
			snprintf(n[1], sizeof n[1], "%llu", uval(v, "count"));
			dm_table_pct(pct, sizeof pct, share);
			dm_buf_reset(&u);
			bar(&u, first > 0 ? share / first : 0, 20, out->ascii);
			cell[0] = t.buf;
			cell[1] = n[1];
			cell[2] = pct;
			cell[3] = u.buf;
			dm_table_row(b, topcols, NCOL(topcols), cell);
			dm_buf_addc(b, '\n');
		}
	}
	dm_buf_free(&t);
	dm_buf_free(&u);
}

/* ---- HTML ---- */

static void
esc(struct dm_buf *b, const char *s)
{
	for (; *s; s++)
		switch (*s) {
		case '<': dm_buf_adds(b, "&lt;"); break;
		case '>': dm_buf_adds(b, "&gt;"); break;
		case '&': dm_buf_adds(b, "&amp;"); break;
		case '"': dm_buf_adds(b, "&quot;"); break;
		default: dm_buf_addc(b, *s);
		}
}

static void
escnump(struct dm_buf *b, const json_t *v, int prec)
{
	char n[32];

	/* no column to fit: every digit of a count or a timestamp, 13 of
	 * them whole, a minus sign taking no digit's place */
	fmtnum(n, sizeof n, v, prec, 14 + (json_number_value(v) < 0));
	esc(b, n);
}

static void
escnum(struct dm_buf *b, const json_t *v)
{
	escnump(b, v, 6);
}

static const char css[] =
    "body{font:14px/1.4 system-ui,sans-serif;margin:2em auto;max-width:64em;"
    "color:#222;padding:0 1em}\n"
    "table.num{font-size:12px}\n"
    "h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:"
    "1px solid #ccc}\n"
    "table{border-collapse:collapse}td,th{padding:2px 8px;text-align:right}"
    "td:first-child,th:first-child{text-align:left}\n"
    "tr:nth-child(even){background:#f4f4f4}\n"
    ".stat{display:flex;flex-wrap:wrap;gap:1em;align-items:flex-end;"
    "break-inside:avoid;margin-bottom:1em}\n"
    ".stat h3{width:100%;margin:0.5em 0 0;font-size:1em}\n"
    "svg.chart{background:#fff;border:1px solid #ddd}\n"
    ".bar{fill:#4878a8}.box{fill:#a8c4e0;stroke:#234}.line{stroke:#234;"
    "stroke-width:1.5}\ntext{font:11px sans-serif;fill:#333}\n"
    ".cov{display:inline-block;height:0.8em;background:#4878a8}\n"
    "@media print{body{max-width:none}h2{break-after:avoid}}\n";

/* The page's head and title; the caller closes body and html. */
static void
head(struct dm_buf *b, const char *title)
{
	dm_buf_adds(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n<title>");
	esc(b, title);
	dm_buf_adds(b, "</title>\n<style>\n");
	dm_buf_adds(b, css);
	dm_buf_adds(b, "</style>\n</head>\n<body>\n<h1>");
	esc(b, title);
	dm_buf_adds(b, "</h1>\n");
}

static void
histogram_svg(struct dm_buf *b, json_t *x)
{
	json_t *h = json_object_get(x, "histogram"), *c = json_object_get(h,
	    "counts"), *v;
	double W = 400, H = 160, pad = 24, bw;
	unsigned long long mx = 0, n;
	size_t i, nb = json_array_size(c);

	json_array_foreach(c, i, v)
		if ((n = (unsigned long long)json_integer_value(v)) > mx)
			mx = n;
	dm_buf_addf(b, "<svg class=\"chart histogram\" width=\"%.0f\" "
	    "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
	    "xmlns=\"http://www.w3.org/2000/svg\" role=\"img\">", W, H, W, H);
	dm_buf_adds(b, "<title>histogram of ");
	esc(b, json_string_value(json_object_get(x, "name")));
	dm_buf_adds(b, "</title>");
	bw = nb ? (W - 2 * pad) / nb : 0;
	json_array_foreach(c, i, v) {
		double hh = mx ? (H - 2 * pad) * json_integer_value(v) / mx : 0;

		dm_buf_addf(b, "<rect class=\"bar\" x=\"%.2f\" y=\"%.2f\" "
		    "width=\"%.2f\" height=\"%.2f\"><title>%lld</title></rect>",
		    pad + i * bw + 0.5, H - pad - hh, bw > 1 ? bw - 1 : bw, hh,
		    (long long)json_integer_value(v));
	}
	dm_buf_addf(b, "<line class=\"line\" x1=\"%.0f\" y1=\"%.0f\" "
	    "x2=\"%.0f\" y2=\"%.0f\"/>", pad, H - pad, W - pad, H - pad);
	dm_buf_addf(b, "<text x=\"%.0f\" y=\"%.0f\">", pad, H - 8);
	escnum(b, json_object_get(x, "min"));
	dm_buf_addf(b, "</text><text x=\"%.0f\" y=\"%.0f\" "
	    "text-anchor=\"end\">", W - pad, H - 8);
	escnum(b, json_object_get(x, "max"));
	dm_buf_addf(b, "</text><text x=\"%.0f\" y=\"16\">%llu</text></svg>\n",
	    pad, mx);
}

static void
boxplot_svg(struct dm_buf *b, json_t *x)
{
	json_t *q = json_object_get(x, "quantiles");
	double W = 400, H = 160, pad = 24, lo, hi, sc, p[5];
	const char *names[5] = { "5%", "25%", "50%", "75%", "95%" };
	int i;

	lo = json_number_value(json_object_get(x, "min"));
	hi = json_number_value(json_object_get(x, "max"));
	/* from -1e308 to 1e308 the range is no double: values and range
	 * halved, as dm_kll_edge does, keep their ratio */
	sc = isfinite(hi - lo) ? 1 : 0.5;
	for (i = 0; i < 5; i++) {
		double v = json_number_value(json_object_get(q, names[i]));

		p[i] = pad + (hi > lo ? (v * sc - lo * sc) /
		    (hi * sc - lo * sc) : 0.5) * (W - 2 * pad);
	}
	dm_buf_addf(b, "<svg class=\"chart boxplot\" width=\"%.0f\" "
	    "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
	    "xmlns=\"http://www.w3.org/2000/svg\" role=\"img\">", W, H, W, H);
	dm_buf_adds(b, "<title>box plot of ");
	esc(b, json_string_value(json_object_get(x, "name")));
	dm_buf_adds(b, ": whiskers 5% and 95%, box 25% to 75%, median</title>");
	dm_buf_addf(b, "<line class=\"line\" x1=\"%.2f\" y1=\"80\" x2=\"%.2f\" "
	    "y2=\"80\"/>", p[0], p[4]);
	dm_buf_addf(b, "<line class=\"line\" x1=\"%.2f\" y1=\"65\" x2=\"%.2f\" "
	    "y2=\"95\"/>", p[0], p[0]);
	dm_buf_addf(b, "<line class=\"line\" x1=\"%.2f\" y1=\"65\" x2=\"%.2f\" "
	    "y2=\"95\"/>", p[4], p[4]);
	dm_buf_addf(b, "<rect class=\"box\" x=\"%.2f\" y=\"55\" width=\"%.2f\" "
	    "height=\"50\"/>", p[1], p[3] - p[1]);
	dm_buf_addf(b, "<line class=\"line\" x1=\"%.2f\" y1=\"55\" x2=\"%.2f\" "
	    "y2=\"105\"/>", p[2], p[2]);
	dm_buf_addf(b, "<text x=\"%.0f\" y=\"%.0f\">", pad, H - 8);
	escnum(b, json_object_get(x, "min"));
	dm_buf_addf(b, "</text><text x=\"%.2f\" y=\"45\" text-anchor=\"middle\">"
	    "median ", p[2] < 80 ? 80 : p[2] > W - 80 ? W - 80 : p[2]);
	escnum(b, json_object_get(q, "50%"));
	dm_buf_addf(b, "</text><text x=\"%.0f\" y=\"%.0f\" "
	    "text-anchor=\"end\">", W - pad, H - 8);
	escnum(b, json_object_get(x, "max"));
	dm_buf_adds(b, "</text></svg>\n");
}

/* Horizontal bars: labels and values (shares in [0, 1] of the largest). */
static void
bars_svg(struct dm_buf *b, const char *cls, const char *title,
    const char **labels, const unsigned long long *vals, size_t n)
{
	double W = 600, rowh = 20, H = rowh * (double)n + 10, x0 = 220;
	unsigned long long mx = 0;
	size_t i;

	for (i = 0; i < n; i++)
		if (vals[i] > mx)
			mx = vals[i];
	dm_buf_addf(b, "<svg class=\"chart %s\" width=\"%.0f\" height=\"%.0f\" "
	    "viewBox=\"0 0 %.0f %.0f\" xmlns=\"http://www.w3.org/2000/svg\" "
	    "role=\"img\"><title>", cls, W, H, W, H);
	esc(b, title);
	dm_buf_adds(b, "</title>");
	for (i = 0; i < n; i++) {
		double w = mx ? (W - x0 - 80) * (double)vals[i] / mx : 0;

		dm_buf_addf(b, "<text x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\">",
		    x0 - 6, 5 + rowh * i + 14);
		esc(b, labels[i]);
		dm_buf_addf(b, "</text><rect class=\"bar\" x=\"%.0f\" y=\"%.1f\" "
		    "width=\"%.2f\" height=\"%.0f\"/><text x=\"%.2f\" "
		    "y=\"%.1f\">%llu</text>", x0, 5 + rowh * i + 3, w, rowh - 6,
		    x0 + w + 4, 5 + rowh * i + 14, vals[i]);
	}
	dm_buf_adds(b, "</svg>\n");
}

void
dm_summary_html(json_t *o, const char *title, struct dm_buf *b)
{
	json_t *x, *v, *q, *top;
	size_t i, j, n;
	int k;

	head(b, title);
	dm_buf_addf(b, "<p>%llu samples, %llu bytes, %llu rejected.",
	    uval(o, "samples"), uval(o, "bytes"), uval(o, "rejected"));
	x = json_object_get(o, "quantiles");
	if (!json_is_true(json_object_get(x, "exact")))
		dm_buf_addf(b, " Quantiles from a KLL sketch (k = %lld): ranks "
		    "within %.1f %% of the count.",
		    (long long)json_integer_value(json_object_get(x, "k")),
		    100 * json_number_value(json_object_get(x, "rank_error")));
	dm_buf_adds(b, "</p>\n");
	if (json_array_size(json_object_get(o, "stats"))) {
		dm_buf_adds(b, "<h2>Statistics</h2>\n<table class=\"num\">\n"
		    "<tr><th>statistic"
		    "</th><th>count</th><th>mean</th><th>std</th><th>min</th>");
		for (k = 0; k < 7; k++)
			dm_buf_addf(b, "<th>%s</th>", qnames[k]);
		dm_buf_adds(b, "<th>max</th></tr>\n");
		json_array_foreach(json_object_get(o, "stats"), i, x) {
			dm_buf_adds(b, "<tr><td>");
			esc(b, json_string_value(json_object_get(x, "name")));
			dm_buf_adds(b, "</td>");
			dm_buf_adds(b, "<td>");
			escnump(b, json_object_get(x, "count"), 4);
			dm_buf_adds(b, "</td><td>");
			escnump(b, json_object_get(x, "mean"), 4);
			dm_buf_adds(b, "</td><td>");
			escnump(b, json_object_get(x, "std"), 4);
			dm_buf_adds(b, "</td><td>");
			escnump(b, json_object_get(x, "min"), 4);
			q = json_object_get(x, "quantiles");
			for (k = 0; k < 7; k++) {
				dm_buf_adds(b, "</td><td>");
				escnump(b, json_object_get(q, qnames[k]), 4);
			}
			dm_buf_adds(b, "</td><td>");
			escnump(b, json_object_get(x, "max"), 4);
			dm_buf_adds(b, "</td></tr>\n");
		}
		dm_buf_adds(b, "</table>\n");
		json_array_foreach(json_object_get(o, "stats"), i, x) {
			dm_buf_adds(b, "<div class=\"stat\"><h3>");
			esc(b, json_string_value(json_object_get(x, "name")));
			dm_buf_adds(b, "</h3>\n");
			if (uval(x, "count")) {
				histogram_svg(b, x);
				boxplot_svg(b, x);
			} else
				dm_buf_adds(b, "<p>no values</p>\n");
			dm_buf_adds(b, "</div>\n");
		}
	}
	if (json_array_size(json_object_get(o, "fields"))) {
		dm_buf_adds(b, "<h2>Field coverage</h2>\n<table>\n<tr><th>field"
		    "</th><th>count</th><th>share</th><th></th><th>types</th>"
		    "</tr>\n");
		json_array_foreach(json_object_get(o, "fields"), i, x) {
			struct dm_buf t = DM_BUF_INIT;
			double share = json_number_value(json_object_get(x,
			    "share"));
			char pct[32];

			dm_buf_adds(b, "<tr><td>");
			esc(b, json_string_value(json_object_get(x, "path")));
			dm_buf_addf(b, "</td><td>%llu</td><td>",
			    uval(x, "count"));
			dm_table_pct(pct, sizeof pct, share);
			esc(b, pct);
			dm_buf_addf(b, "</td><td "
			    "style=\"width:10em;text-align:left\"><span "
			    "class=\"cov\" style=\"width:%.1f%%\"></span></td><td>",
			    100 * share);
			typelist(&t, json_object_get(x, "types"), uval(x, "count"));
			esc(b, t.buf);
			dm_buf_free(&t);
			dm_buf_adds(b, "</td></tr>\n");
		}
		dm_buf_adds(b, "</table>\n");
		/* as the table says it: else the paths listed pass for all */
		if (json_is_true(json_object_get(o, "fields_truncated")))
			dm_buf_addf(b, "<p>More than %d fields, or %d MB of "
			    "their names: the others are not shown.</p>\n",
			    DM_STATS_MAXFIELDS, DM_STATS_MAXPATHBYTES >> 20);
	}
	if (json_array_size(json_object_get(o, "counts")))
		dm_buf_adds(b, "<h2>Value counts</h2>\n");
	json_array_foreach(json_object_get(o, "counts"), i, x) {
		struct dm_buf *lb;
		const char **labels;
		unsigned long long *vals;

		top = json_object_get(x, "top");
		n = json_array_size(top);
		dm_buf_adds(b, "<h3>");
		esc(b, json_string_value(json_object_get(x, "field")));
		dm_buf_addf(b, "</h3>\n<p>%llu present, %llu missing, %s%llu "
		    "distinct.</p>\n", uval(x, "count"), uval(x, "missing"),
		    json_is_true(json_object_get(x, "distinct_exact")) ? "" :
		    "about ", uval(x, "distinct"));
		lb = dm_xcalloc(n ? n : 1, sizeof *lb);
		labels = dm_xcalloc(n ? n : 1, sizeof *labels);
		vals = dm_xcalloc(n ? n : 1, sizeof *vals);
		json_array_foreach(top, j, v) {
			dm_buf_init(&lb[j]);
			valtext(&lb[j], json_object_get(v, "value"), 30);
			labels[j] = lb[j].buf;
			vals[j] = uval(v, "count");
		}
		bars_svg(b, "counts", json_string_value(json_object_get(x,
		    "field")), labels, vals, n);
		for (j = 0; j < n; j++)
			dm_buf_free(&lb[j]);
		free(lb);
		free(labels);
		free(vals);
	}
	dm_buf_adds(b, "</body>\n</html>\n");
}
