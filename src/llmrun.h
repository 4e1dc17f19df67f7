/* llmrun.h - dm-llm's run: the window of samples, the request scheduler,
 * the cache, the statistics (llmrun.c, llmsched.c, llmstat.c) */
#ifndef DM_LLMRUN_H
#define DM_LLMRUN_H

#include <stdint.h>

#include "dm.h"
#include "llm.h"

/*
 * A run reads samples into a window of requests kept in input order,
 * sends the queued ones when the rate limits allow (--rpm, --tpm, and
 * the server's x-ratelimit-* and Retry-After), retries the failed ones
 * with exponential backoff and full jitter, answers from the cache when
 * it can, and writes the finished ones at the head of the window in
 * order. All of its state is in struct dm_llm_run: the tool fills o from
 * its options, then dm_llm_run_start, dm_io_open, dm_llm_run_loop,
 * dm_llm_run_finish (progress line, summary, report fields),
 * dm_io_close, dm_llm_run_free.
 */

#define DM_LLM_BACKOFF_CAP	60.0	/* seconds */
#define DM_LLM_MAXRESPONSE	(16U << 20)	/* default of --max-response */
#define DM_LLM_MAXWAIT_MS	200	/* the longest sleep: signals, progress */
/* The bytes of samples and request bodies the window holds before it
 * reads no more, on top of DM_LLM_JOBBYTES a request in flight (-j): at
 * least one sample is always read, whatever its size. */
#define DM_LLM_WINBYTES		(64U << 20)
#define DM_LLM_JOBBYTES		(1U << 20)
/* A slot's buffers larger than this are given back once it is written. */
#define DM_LLM_SLOTKEEP		(1U << 20)

/* Why a request is retried, for the summary. */
enum dm_llm_cause {
	DM_CAUSE_CONNECT, DM_CAUSE_TIMEOUT, DM_CAUSE_408, DM_CAUSE_409,
	DM_CAUSE_429, DM_CAUSE_500, DM_CAUSE_502, DM_CAUSE_503, DM_CAUSE_504,
	DM_CAUSE_BODY, DM_CAUSE_JSON, DM_NCAUSES
};

enum dm_llm_state { DM_REQ_QUEUED, DM_REQ_FLIGHT, DM_REQ_DONE };
enum dm_llm_result { DM_RESULT_EMIT, DM_RESULT_DROP, DM_RESULT_REJECT };

/* A sample in the window, from reading to writing. */
struct dm_llm_req {
	enum dm_llm_state state;
	enum dm_llm_result result;
	struct dm_buf	 line;		/* the sample as read */
	const char	*file;		/* for messages */
	const char	*path;		/* for --rejects */
	unsigned long	 lineno;
	struct dm_buf	 req;		/* the request body */
	size_t		 promptlen;
	size_t		 held;		/* bytes counted in the window's */
	double		 ready;		/* may be sent from then on */
	double		 est;		/* estimated tokens */
	int		 attempts;	/* failed requests */
	int		 badjson;	/* answers that were not JSON */
	struct dm_buf	 out;		/* the line to write, or the reason */
	struct dm_buf	 warn;		/* a failure's message, said at its
					   turn when there is no --rejects */
	size_t		 col;		/* of a line that is not JSON */
	int		 overlong;	/* longer than --max-line: line holds
					   its head */
	unsigned long long longlen;	/* its length, 0 when not known */
};

/* The options, as the tool sets them before dm_llm_run_start. tail holds
 * the sampling options (",\"temperature\":0.5" ...) as a JSON object's
 * members; dm_llm_run_start makes head and tail the request body around
 * the messages. */
struct dm_llm_opts {
	const char	*base, *model, *outfield, *cachedir;
	char		*url, *apikey, *authhdr;	/* apikey owned */
	struct dm_tmpl	*prompt, *system;		/* owned */
	struct dm_re	*keep;				/* owned */
	int		 json, jsoninto, dryrun, skip, keepreason, addusage;
	int		 progress, stats, jobs, retries, parseretries;
	int		 outgiven;
	double		 retrybase, timeout, rpm, tpm;
	size_t		 maxresponse;	/* 0: no limit */
	struct dm_buf	 head, tail;	/* the request body around messages */
	int		 cachebroken;
};

struct dm_llm_stats {
	unsigned long long samples, answered, cached, skipped, dropped, failed;
	unsigned long long requests, retries, bycause[DM_NCAUSES], cut;
	unsigned long long unstored;	/* answers --cache could not keep */
	unsigned long long unanswered;	/* left by an interrupt */
	unsigned long long rejected;	/* bad lines and samples: no request */
	long long	 ptok, ctok;
	double		 pbytes;	/* prompt bytes of answers with usage */
	unsigned long long nusage;
	unsigned long	 lat[400];	/* latency histogram, 5% buckets */
	unsigned long long nlat;
	double		 start;
};

struct dm_llm_run {
	struct dm_llm_opts o;
	struct dm_llm_stats st;
	struct dm_io	*io;
	struct dm_http	*http;
	struct dm_llm_req *win;		/* the window: a ring of wcap */
	size_t		 wcap, whead, wcount;
	size_t		 wbytes, wmax;	/* held by the window, and its bound */
	double		 rtok, ttok, lastfill, hold;	/* rate limits */
	uint64_t	 rng;		/* the jitter of the backoff */
	char		**names;	/* file names, interned */
	size_t		 nnames;
	double		 lastprogress;
	struct dm_sample scratch;
	struct dm_llm_answer ans;
	struct dm_buf	 prompt, sys, req, body, path, err;	/* scratch */
};

/* llmrun.c: the window, the request body, answers, the cache */

/* Zeroes R and sets the default options; io is the tool's. */
void	 dm_llm_run_init(struct dm_llm_run *, struct dm_io *io);
/* After the options: the URL, the key, the request body around the
 * messages (sampling holds the sampling options as members of a JSON
 * object: ",\"seed\":1"), the cache directory, the window, the HTTP
 * client. Dies (usage) when no model is given, or when the cache directory
 * cannot be made. */
void	 dm_llm_run_start(struct dm_llm_run *, const char *usage,
	    const struct dm_buf *sampling);
/* Reads, sends and writes until the input ends and the window is empty,
 * or an interrupt: 0, or -1 when libcurl failed. */
int	 dm_llm_run_loop(struct dm_llm_run *);
/* After an interrupt: the samples still waiting for their answers are
 * given up (not written, counted in the summary, which is written when
 * there are any: an interrupt that loses nothing is quiet, as in the
 * other tools), so that the flush
 * writes every sample that is done, in input order. The requests in
 * flight are dropped with the HTTP client. */
void	 dm_llm_run_stop(struct dm_llm_run *);
/* The last progress line, the summary, the report fields; returns the
 * exit status given the one of dm_io_close. */
int	 dm_llm_run_finish(struct dm_llm_run *, int status, int broken);
void	 dm_llm_run_free(struct dm_llm_run *);

/* The body of the request for a prompt and a system message (NULL: none):
 * the one place where it is built. */
void	 dm_llm_run_body(const struct dm_llm_run *, struct dm_buf *req,
	    const struct dm_buf *prompt, const struct dm_buf *sys);
/* Takes the sample just read: 0, or -1 when the run must stop. */
int	 dm_llm_run_take(struct dm_llm_run *, struct dm_sample *);
/* Writes the finished samples at the head of the window, in order. */
void	 dm_llm_run_flush(struct dm_llm_run *);
/* A successful response body: 1 when the sample is done, 0 when the
 * answer must be asked for again (cause in *why), -1 when the body is
 * unusable (reason in err; *why is DM_CAUSE_BODY when another request
 * may do, DM_NCAUSES when the sample fails whatever the answer). */
int	 dm_llm_run_answer(struct dm_llm_run *, struct dm_llm_req *,
	    const char *body, size_t n, int fromcache, enum dm_llm_cause *why,
	    struct dm_buf *err);
/* With --cache, the answer to s stored there, if any: 1 when it settles
 * the sample, 0 when s is to be asked for (none there, or one that does
 * not do). Asked when the sample is read, and again before its request
 * goes out: the same request earlier in the run may have stored it. */
int	 dm_llm_run_cached(struct dm_llm_run *, struct dm_llm_req *);
/* The sample failed for good: llm_error, or --rejects. */
void	 dm_llm_run_fail(struct dm_llm_run *, struct dm_llm_req *,
	    long status, const char *msg);
struct dm_llm_req *dm_llm_run_at(struct dm_llm_run *, size_t i);
/* An API key made ready for its header: the white space around it dropped
 * (a key file's line, or a variable set from one, often ends in one).
 * Dies naming from when a control character is left in it, which would
 * end the header; -1 when nothing is left. */
int	 dm_llm_key(char *key, const char *from);

/* llmsched.c: sending, retries with backoff, rate limits */

/* Sends what may be sent; returns the seconds until something more may
 * be, capped at one. */
double	 dm_llm_sched_send(struct dm_llm_run *);
/* Takes a finished request: an answer, a retry or a failure. */
void	 dm_llm_sched_finished(struct dm_llm_run *, struct dm_http_resp *);

/* llmstat.c: the progress line and the summary */

void	 dm_llm_stat_progress(struct dm_llm_run *, int final);
void	 dm_llm_stat_summary(struct dm_llm_run *);

#endif
