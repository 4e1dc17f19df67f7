/* report.h - the pipeline report: one JSON line per run of a tool */
#ifndef DM_REPORT_H
#define DM_REPORT_H

#include <jansson.h>

/*
 * When $DM_REPORT names a file (or --report FILE), a tool appends one JSON
 * object on one line to it at exit, with one write(2) on a descriptor opened
 * with O_APPEND, so lines of concurrent processes never interleave:
 *
 *   {"tool":"dm-filter","args":[...],"pid":N,"start":"...Z","end":"...Z",
 *    "seconds":S,"status":0,"in":N,"out":N,"rejected":N,
 *    "dropped":{"gopher: short_doc":N,"expression":N}, ...extra fields}
 *
 * args are the arguments after the program name with secrets replaced by
 * "***" (see dm_report_scrub). A tool calls dm_report_start first thing;
 * the line is written only once the run is armed (dm_io_open arms it), by
 * dm_exit, or at exit(3) with status 2 when the tool died. Nothing here
 * fails the run except a report file that cannot be written (reported,
 * status 2).
 */

/* Records the start time and the arguments. */
void	 dm_report_start(int argc, char **argv);
/* --report FILE: overrides $DM_REPORT ("" turns the report off). */
void	 dm_report_file(const char *path);
/* The run has begun: a line will be written at exit. */
void	 dm_report_arm(void);
/* Samples read, written and rejected (dm_io_close sets them). */
void	 dm_report_counts(unsigned long long in, unsigned long long out,
	    unsigned long long rejected);
/* Adds n to the samples dropped for reason ("gopher: short_doc"). */
void	 dm_report_drop(const char *reason, unsigned long long n);
/* Sets an extra field (after the standard ones, in the order first set);
 * takes v. */
void	 dm_report_set_new(const char *key, json_t *v);
void	 dm_report_set_int(const char *key, long long v);
/* Writes the line with the exit status, once; called by dm_exit. Returns
 * status, or 2 when the report file could not be written. */
int	 dm_report_write(int status);
/* Replaces in s the values of secrets: of options and variables whose name
 * ends in key, token, secret or password (--api-key=..., --token ...,
 * DM_LLM_API_KEY=..., Authorization: Bearer ..., KEY="a b" to its quote),
 * and the passwords of URLs (https://user:***@host). next is set when the
 * following argument is the secret value of option s. Appends to out. */
struct dm_buf;
void	 dm_report_scrub(struct dm_buf *out, const char *s, int *next);

#endif /* DM_REPORT_H */
