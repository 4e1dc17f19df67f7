/* llm.h - HTTP over libcurl, prompt templates and answers (dm-llm) */
#ifndef DM_LLM_H
#define DM_LLM_H

#include "dm.h"

/* ---- http.c: HTTP requests over libcurl's multi interface ---- */

/*
 * A client keeps many POST requests in flight on reused connections. The
 * caller adds requests, drives them with dm_http_poll, and collects each
 * finished one with dm_http_done. Only dm-llm links libcurl.
 */
struct dm_http;

/* A finished request. status is the HTTP status of the final response, 0
 * when none came (a connection error or a timeout: error holds libcurl's
 * message and timedout is set for a timeout). headers holds the response
 * headers as "name: value\n" lines, names in lower case. toolarge says
 * that the body passed the client's limit, or the headers
 * DM_HTTP_MAXHEADERS: the transfer was cut there, status is the one the
 * response came with (0 when unknown) and the body is empty. */
#define DM_HTTP_MAXHEADERS	(256U << 10)
enum { DM_HTTP_BODY = 1, DM_HTTP_HEADERS };
struct dm_http_resp {
	void		*udata;		/* as given to dm_http_post */
	long		 status;
	int		 timedout;
	int		 toolarge;	/* 0, DM_HTTP_BODY or DM_HTTP_HEADERS */
	size_t		 maxbody;	/* the client's limit */
	char		 error[256];
	double		 seconds;	/* from the start to the end */
	struct dm_buf	 body;
	struct dm_buf	 headers;
};

/* A client whose requests time out after timeout_ms (0: never), keeping up
 * to maxconns connections open, and whose responses end when their body
 * passes maxbody bytes (0: no limit), so that memory stays bounded. */
struct dm_http *dm_http_new(long timeout_ms, long maxconns, size_t maxbody);
/* Starts a POST of body[0..n) (copied) to url with the extra headers
 * ("Name: value", NULL-terminated); udata comes back in the response. */
void	 dm_http_post(struct dm_http *, const char *url,
	    const char *const *headers, const char *body, size_t n, void *udata);
/* Progresses the transfers, waiting at most timeout_ms for network
 * activity or, when fd >= 0, for fd to be readable. Returns 0, or -1 when
 * libcurl failed (reported). */
int	 dm_http_poll(struct dm_http *, int timeout_ms, int fd);
/* A finished request (the caller frees it), or NULL when none is left. */
struct dm_http_resp *dm_http_done(struct dm_http *);
/* The value of a response header (name in lower case), NUL-terminated in
 * out, or NULL when absent. */
const char *dm_http_header(const struct dm_http_resp *, const char *name,
	    struct dm_buf *out);
void	 dm_http_resp_free(struct dm_http_resp *);
size_t	 dm_http_active(const struct dm_http *);	/* requests in flight */
void	 dm_http_free(struct dm_http *);

/* ---- llm.c: prompt templates and chat-completions answers ---- */

/* A prompt template: {field} and {meta.lang} are replaced by the sample's
 * fields ({text} by the text field), {{ and }} stand for braces. */
struct dm_tmpl;
/* NULL with the reason in err and the byte offset of the fault in *off. */
struct dm_tmpl *dm_tmpl_new(const char *src, struct dm_buf *err, size_t *off);
/* Appends the template filled from s to out: a string field as its text,
 * any other value as compact JSON; {text} is the text field key, which must
 * be a string. -1 with "field 'x' is missing" (or not a string) in err. */
int	 dm_tmpl_fill(const struct dm_tmpl *, struct dm_sample *s,
	    const char *key, struct dm_buf *out, struct dm_buf *err);
void	 dm_tmpl_free(struct dm_tmpl *);

/* The answer of a chat completion. Token counts are -1 when the server
 * did not report them (or reported a count above DM_LLM_MAXTOKENS). */
#define DM_LLM_MAXTOKENS	1000000000000LL
struct dm_llm_answer {
	struct dm_buf	 text;
	char		 finish[32];	/* finish_reason, "" when absent */
	long long	 prompt_tokens, completion_tokens;
};
/* Parses a successful response body: choices[0].message.content, or the
 * reasoning when content is null; <think>...</think> blocks are removed
 * unless keep_reasoning. 0, or -1 with the reason in err, or -2 when
 * asking again will not do: the answer holds a NUL, the body is not
 * UTF-8, or the model refused (message.refusal). The token counts are set from the body's usage
 * whenever it is JSON, on -1 and -2 too: those answers are paid for. */
int	 dm_llm_answer(const char *body, size_t n, int keep_reasoning,
	    const char *secret, struct dm_llm_answer *, struct dm_buf *err);
/* Appends to msg the message of an error body (OpenAI's {"error":{...}},
 * vLLM's flat {"object":"error","message":...}, or the body itself);
 * returns 1 when the error is insufficient_quota, else 0. Every copy of
 * secret (the API key) in it is "***", even where the message is cut. */
int	 dm_llm_error(const char *body, size_t n, const char *secret,
	    struct dm_buf *msg);
/* Removes <think>...</think> blocks from s, appending the rest to out. */
void	 dm_llm_strip_think(const char *s, size_t n, struct dm_buf *out);
/* Parses an answer as JSON (Markdown fences allowed around it); NULL with
 * the reason in err. The caller owns the value. */
json_t	*dm_llm_json(const char *s, size_t n, struct dm_buf *err);
/* The longest wait a server may ask for, in seconds: a longer one is
 * garbage, taken as no wait given. */
#define DM_LLM_MAXWAIT		86400.0
/* The wait asked for by the Retry-After value ra (seconds or an HTTP
 * date) or retry-after-ms value ms (either NULL when absent), in seconds;
 * -1 when there is none, or it is longer than DM_LLM_MAXWAIT. */
double	 dm_llm_retry_after(const char *ra, const char *ms);
/* The cache file of a request: DIR/ab/abcdef..., the SHA-256 of base URL,
 * model and body. */
void	 dm_llm_cache_path(struct dm_buf *path, const char *dir,
	    const char *base, const char *model, const char *body, size_t n);
/* Reads a cached response body: 0, -1 when there is none, or -2 when it
 * is longer than max bytes (0: no limit). */
int	 dm_llm_cache_get(const char *path, struct dm_buf *body, size_t max);
/* Stores a response body atomically (a temporary file renamed), creating
 * the ab/ directory: 0, or -1 with errno set. Safe between processes. */
int	 dm_llm_cache_put(const char *path, const char *body, size_t n);

#endif /* DM_LLM_H */
