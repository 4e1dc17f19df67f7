/* funnel.c - dm-stats --funnel: what each stage of a pipeline did */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dm.h"
#include "statsum.h"
#include "table.h"

/* Members a stage adds up over its runs; the others are the first run's. */
static const char *const summed[] = {
	"in", "out", "rejected", "jobs", "done", "failed", "retries", "bytes",
	"requests", "cached", "prompt_tokens", "completion_tokens", "errors",
	"duplicates"
};

static int
issummed(const char *k)
{
	size_t i;

	for (i = 0; i < sizeof summed / sizeof *summed; i++)
		if (strcmp(k, summed[i]) == 0)
			return 1;
	return 0;
}

/* a + b, held at the ends of the type: counts of a report file are
 * anyone's text, and a signed overflow is undefined */
static json_int_t
satadd(json_int_t a, json_int_t b)
{
	json_int_t r;

	if (__builtin_add_overflow(a, b, &r))
		return b > 0 ? LLONG_MAX : LLONG_MIN;
	return r;
}

static void
addint(json_t *o, const char *k, json_int_t v)
{
	json_t *x = json_object_get(o, k);

	json_object_set_new(o, k, json_integer(satadd(x ?
	    json_integer_value(x) : 0, v)));
}

/* Folds one report line into its stage: the runs of one command (the
 * jobs of dm-run) make one stage. */
static void
fold(json_t *stage, json_t *line)
{
	const char *k, *r;
	json_t *v, *d, *w;

	addint(stage, "runs", 1);
	json_object_foreach(line, k, v) {
		if (strcmp(k, "tool") == 0 || strcmp(k, "args") == 0 ||
		    strcmp(k, "pid") == 0 || strcmp(k, "start") == 0 ||
		    strcmp(k, "end") == 0 || strcmp(k, "job") == 0 ||
		    strcmp(k, "run") == 0 || strcmp(k, "attempt") == 0)
			continue;
		if (strcmp(k, "status") == 0) {
			w = json_object_get(stage, "status");
			if (!w || json_integer_value(v) > json_integer_value(w))
				json_object_set(stage, "status", v);
		} else if (strcmp(k, "seconds") == 0) {
			w = json_object_get(stage, "seconds");
			json_object_set_new(stage, "seconds", json_real(
			    (w ? json_number_value(w) : 0) + json_number_value(v)));
		} else if (strcmp(k, "dropped") == 0 && json_is_object(v)) {
			if ((d = json_object_get(stage, "dropped")) == NULL) {
				d = json_object();
				json_object_set_new(stage, "dropped", d);
			}
			json_object_foreach(v, r, w)
				if (json_is_integer(w))
					addint(d, r, json_integer_value(w));
		} else if (issummed(k) && json_is_integer(v))
			addint(stage, k, json_integer_value(v));
		else if (json_object_get(stage, k) == NULL)
			json_object_set(stage, k, v);
	}
}

json_t *
dm_funnel_read(const char *path)
{
	struct dm_reader r;
	json_error_t je;
	json_t *stages = json_array(), *byname = json_object(), *line, *st, *o;
	json_t *seen = json_object();
	struct dm_buf key = DM_BUF_INIT, jkey = DM_BUF_INIT;
	const char *p;
	size_t len;
	char *argv[1];
	size_t i;
	int bad = 0;

	argv[0] = (char *)path;
	dm_reader_init(&r, 1, argv);
	while (dm_reader_next(&r, &p, &len) == 1) {
		line = json_loadb(p, len, 0, &je);
		if (!json_is_object(line) ||
		    !json_is_string(json_object_get(line, "tool")) ||
		    !json_is_array(json_object_get(line, "args"))) {
			dm_warn("%s:%lu: not a line of a dm report", r.name,
			    dm_line_shown(r.name, r.lineno));
			json_decref(line);
			bad = 1;
			break;
		}
		/*
		 * The jobs of one dm-run (its run id) running one command
		 * are one stage; the k-th line of a job with that command
		 * is the k-th stage of that command in the job's pipeline.
		 * Any other line is a stage of its own (its pid and start:
		 * a report appended to for months sees a pid again).
		 */
		dm_buf_reset(&key);
		dm_json_addval(&key, json_object_get(line, "tool"));
		dm_json_addval(&key, json_object_get(line, "args"));
		if (json_object_get(line, "job") != NULL) {
			if (json_object_get(line, "run") != NULL)
				dm_json_addval(&key, json_object_get(line,
				    "run"));
			dm_buf_reset(&jkey);
			dm_buf_add(&jkey, key.buf, key.len);
			dm_json_addval(&jkey, json_object_get(line, "job"));
			/* a job tried again is the same stage again */
			if (json_object_get(line, "attempt") != NULL)
				dm_json_addval(&jkey, json_object_get(line,
				    "attempt"));
			addint(seen, jkey.buf, 1);
			dm_buf_addf(&key, "#%lld", (long long)json_integer_value(
			    json_object_get(seen, jkey.buf)));
		} else if (json_object_get(line, "pid") != NULL) {
			dm_json_addval(&key, json_object_get(line, "pid"));
			if (json_object_get(line, "start") != NULL)
				dm_json_addval(&key, json_object_get(line,
				    "start"));
		}
		if ((st = json_object_get(byname, key.buf)) == NULL) {
			st = json_object();
			json_object_set(st, "tool", json_object_get(line, "tool"));
			json_object_set(st, "args", json_object_get(line, "args"));
			json_array_append_new(stages, st);
			json_object_set(byname, key.buf, st);
		} else {
			/* a stage goes where its last run ended: the first
			 * job of a stage may end before the tool that feeds
			 * it has written its own line */
			for (i = 0; json_array_get(stages, i) != st; i++)
				;
			json_incref(st);
			json_array_remove(stages, i);
			json_array_append_new(stages, st);
		}
		fold(st, line);
		json_decref(line);
	}
	if (r.nerrors)
		bad = 1;
	dm_reader_free(&r);
	dm_buf_free(&key);
	dm_buf_free(&jkey);
	json_decref(byname);
	json_decref(seen);
	if (bad) {
		json_decref(stages);
		return NULL;
	}
	o = json_object();
	json_object_set_new(o, "dm_funnel", json_integer(1));
	json_object_set_new(o, "stages", stages);
	return o;
}

static long long
ival(const json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	return json_is_integer(v) ? (long long)json_integer_value(v) : -1;
}

/* The stage as a command line, shell-quoted where needed, at most max
 * bytes (then "..."). */
static void
label(struct dm_buf *b, const json_t *st, size_t max)
{
	struct dm_buf t = DM_BUF_INIT;
	const char *a;
	size_t i;
	json_t *v;

	dm_buf_adds(&t, json_string_value(json_object_get(st, "tool")));
	json_array_foreach(json_object_get(st, "args"), i, v) {
		a = json_string_value(v);
		dm_buf_addc(&t, ' ');
		if (a && *a && strspn(a, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+%@") == strlen(a))
			dm_buf_adds(&t, a);
		else
			dm_buf_addshell(&t, a ? a : "");
	}
	if (ival(st, "runs") > 1)
		dm_buf_addf(&t, " (%lld runs)", ival(st, "runs"));
	if (t.len > max) {
		/* cut on a character boundary */
		size_t n = max - 3;

		while (n > 0 && (t.buf[n] & 0xC0) == 0x80)
			n--;
		dm_buf_setlen(&t, n);
		dm_buf_adds(&t, "...");
	}
	dm_buf_addquoted(b, t.buf, t.len, t.len);
	dm_buf_free(&t);
}

static long long
dropped(const json_t *st)
{
	const char *k;
	json_t *v;
	long long n = ival(st, "rejected") > 0 ? ival(st, "rejected") : 0;

	json_object_foreach((json_t *)json_object_get(st, "dropped"), k, v)
		n = satadd(n, json_integer_value(v));
	return n;
}

/* A count, "-" when it is not known. */
static const char *
num(char *b, size_t n, long long v)
{
	if (v < 0)
		return "-";
	snprintf(b, n, "%lld", v);
	return b;
}

/* The columns: a stage, its counts, the share kept; under it, the
 * reasons samples were dropped, their counts in the dropped column. */
static const struct dm_col stagecols[] = {
	{ 38, DM_COL_LEFT | DM_COL_WRAP, 0 }, { 10, 0, 0 }, { 10, 0, 0 },
	{ 10, 0, 0 }, { 8, 0, 0 }
};
static const struct dm_col whycols[] = {
	{ 56, DM_COL_LEFT | DM_COL_GAP, 2 }, { 10, 0, 0 }
};

void
dm_funnel_table(json_t *o, const struct dm_statout *out, struct dm_buf *b)
{
	static const char *const head[] = { "stage", "in", "out", "dropped",
	    "kept" };
	json_t *st, *v;
	struct dm_buf l = DM_BUF_INIT;
	const char *k, *cell[5];
	char n[4][32];
	size_t i;
	long long in, outn;

	(void)out;
	dm_table_row(b, stagecols, 5, head);
	dm_buf_addc(b, '\n');
	json_array_foreach(json_object_get(o, "stages"), i, st) {
		dm_buf_reset(&l);
		label(&l, st, 37);
		in = ival(st, "in");
		outn = ival(st, "out");
		if (in < 0 && ival(st, "jobs") >= 0) {
			cell[0] = l.buf;
			dm_table_row(b, stagecols, 1, cell);
			dm_buf_addf(b, "jobs %lld, retries %lld, failed %lld\n",
			    ival(st, "jobs"), ival(st, "retries"),
			    ival(st, "failed"));
			continue;
		}
		cell[0] = l.buf;
		cell[1] = num(n[0], sizeof n[0], in);
		cell[2] = num(n[1], sizeof n[1], outn);
		cell[3] = num(n[2], sizeof n[2], in < 0 ? -1 : dropped(st));
		if (in > 0 && outn >= 0 && outn <= in)
			dm_table_pct(n[3], sizeof n[3], (double)outn / in);
		else
			snprintf(n[3], sizeof n[3], "-");
		cell[4] = n[3];
		dm_table_row(b, stagecols, 5, cell);
		dm_buf_addc(b, '\n');
		json_object_foreach(json_object_get(st, "dropped"), k, v) {
			dm_buf_reset(&l);
			dm_buf_addquoted(&l, k, strlen(k), 50);
			cell[0] = l.buf;
			cell[1] = num(n[0], sizeof n[0],
			    (long long)json_integer_value(v));
			dm_table_row(b, whycols, 2, cell);
			dm_buf_addc(b, '\n');
		}
		if (ival(st, "rejected") > 0) {
			cell[0] = "rejected";
			cell[1] = num(n[0], sizeof n[0], ival(st, "rejected"));
			dm_table_row(b, whycols, 2, cell);
			dm_buf_addc(b, '\n');
		}
	}
	dm_buf_free(&l);
}

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

/* A count of the HTML table, "-" when the stage has none. */
static void
hcell(struct dm_buf *b, long long v)
{
	if (v < 0)
		dm_buf_adds(b, "<td>-</td>");
	else
		dm_buf_addf(b, "<td>%lld</td>", v);
}

void
dm_funnel_html(json_t *o, const char *title, struct dm_buf *b)
{
	json_t *stages = json_object_get(o, "stages"), *st, *v;
	struct dm_buf l = DM_BUF_INIT;
	long long mx = 1, in, outn;
	double W = 700, rowh = 34, x0 = 260, w;
	const char *k;
	size_t i, n = json_array_size(stages);

	dm_buf_adds(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n<title>");
	esc(b, title);
	dm_buf_adds(b, "</title>\n<style>\nbody{font:14px/1.4 system-ui,"
	    "sans-serif;margin:2em auto;max-width:60em;color:#222;padding:0 1em}"
	    "\ntable{border-collapse:collapse}td,th{padding:2px 8px;text-align:"
	    "right}td:first-child,th:first-child{text-align:left}\n"
	    "svg.chart{border:1px solid #ddd}.in{fill:#c8d8e8}.out{fill:#4878a8}"
	    "\ntext{font:11px sans-serif;fill:#333}\n</style>\n</head>\n<body>\n"
	    "<h1>");
	esc(b, title);
	dm_buf_adds(b, "</h1>\n");
	json_array_foreach(stages, i, st)
		if (ival(st, "in") > mx)
			mx = ival(st, "in");
	dm_buf_addf(b, "<svg class=\"chart funnel\" width=\"%.0f\" height=\"%.0f\" "
	    "viewBox=\"0 0 %.0f %.0f\" xmlns=\"http://www.w3.org/2000/svg\" "
	    "role=\"img\"><title>samples in and out of each stage</title>", W,
	    rowh * n + 10, W, rowh * n + 10);
	json_array_foreach(stages, i, st) {
		dm_buf_reset(&l);
		label(&l, st, 40);
		dm_buf_addf(b, "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"end\">",
		    x0 - 6, 5 + rowh * i + 20);
		esc(b, l.buf);
		dm_buf_adds(b, "</text>");
		in = ival(st, "in");
		outn = ival(st, "out");
		if (in >= 0) {
			w = (W - x0 - 70) * in / mx;
			dm_buf_addf(b, "<rect class=\"in\" x=\"%.0f\" y=\"%.0f\" "
			    "width=\"%.2f\" height=\"%.0f\"/>", x0, 5 + rowh * i + 4,
			    w, rowh - 8);
		}
		if (outn >= 0) {
			w = (W - x0 - 70) * (outn < mx ? outn : mx) / mx;
			dm_buf_addf(b, "<rect class=\"out\" x=\"%.0f\" y=\"%.0f\" "
			    "width=\"%.2f\" height=\"%.0f\"/><text x=\"%.2f\" "
			    "y=\"%.0f\">%lld</text>", x0, 5 + rowh * i + 10, w,
			    rowh - 20, x0 + w + 4, 5 + rowh * i + 20, outn);
		}
	}
	dm_buf_adds(b, "</svg>\n<table>\n<tr><th>stage</th><th>in</th><th>out"
	    "</th><th>dropped</th><th>why</th></tr>\n");
	json_array_foreach(stages, i, st) {
		dm_buf_reset(&l);
		label(&l, st, 200);
		dm_buf_adds(b, "<tr><td>");
		esc(b, l.buf);
		if (ival(st, "in") < 0 && ival(st, "jobs") >= 0) {
			/* dm-run counts jobs, not samples, as in the table */
			dm_buf_addf(b, "</td><td colspan=\"4\">jobs %lld, "
			    "retries %lld, failed %lld</td></tr>\n",
			    ival(st, "jobs"), ival(st, "retries"),
			    ival(st, "failed"));
			continue;
		}
		dm_buf_adds(b, "</td>");
		hcell(b, ival(st, "in"));
		hcell(b, ival(st, "out"));
		hcell(b, ival(st, "in") < 0 ? -1 : dropped(st));
		dm_buf_adds(b, "<td>");
		json_object_foreach(json_object_get(st, "dropped"), k, v) {
			esc(b, k);
			dm_buf_addf(b, ": %lld<br>", (long long)json_integer_value(v));
		}
		if (ival(st, "rejected") > 0)
			dm_buf_addf(b, "rejected: %lld", ival(st, "rejected"));
		dm_buf_adds(b, "</td></tr>\n");
	}
	dm_buf_adds(b, "</table>\n</body>\n</html>\n");
	dm_buf_free(&l);
}
