/* progress.h - the --progress line of the sample tools */
#ifndef DM_PROGRESS_H
#define DM_PROGRESS_H

struct dm_reader;

/*
 * A progress line on standard error: samples, megabytes read (after
 * decompression), the rate, and an ETA when the size of every input is
 * known (regular-file operands, or a regular file on standard input; the
 * ETA follows the bytes read from them, compressed or not). On a terminal
 * the line is redrawn in place every 0.5 s; otherwise a plain line is
 * written every 10 s, or every $DM_PROGRESS_INTERVAL seconds. A last line
 * ends the run.
 *
 * dm_progress_new stats the inputs (the reader's operands) and starts the
 * clock; dm_progress_tick is cheap and shows a line when one is due;
 * dm_progress_end writes the last line and frees.
 */
struct dm_progress;

struct dm_progress *dm_progress_new(const struct dm_reader *);
/* The current count; a line when the interval has passed. */
void	 dm_progress_tick(struct dm_progress *, unsigned long long nsamples);
void	 dm_progress_end(struct dm_progress *, unsigned long long nsamples);

#endif /* DM_PROGRESS_H */
