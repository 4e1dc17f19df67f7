/* dm.h - the dm library: buffers, messages, samples, reader, writer, operators */
#ifndef DM_H
#define DM_H

/*
 * Ownership, stated once for the whole library:
 *  - getters borrow: a returned pointer stays valid until the object it came
 *    from is changed or freed, and the caller never frees it;
 *  - a function whose name ends in _new takes ownership of its argument (as
 *    jansson's json_object_set_new does);
 *  - a function whose name ends in _detach hands its memory to the caller;
 *  - allocation failure never returns: the program dies with status 2.
 *
 * A problem is reported once, where it is found. A library function that
 * reported (or filled an error buffer) returns -1, and its caller does not
 * report again.
 */

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <jansson.h>

#define DM_VERSION	"0.1.0"
#define DM_OP_ABI	"dm-op-abi-2"

#if defined(__GNUC__)
#define DM_PRINTF(f, a)	__attribute__((format(printf, f, a)))
#define DM_NORETURN	__attribute__((noreturn))
#else
#define DM_PRINTF(f, a)
#define DM_NORETURN
#endif

/* Exit statuses shared by every tool (see dm.7). */
enum {
	DM_EXIT_OK = 0,		/* every sample processed */
	DM_EXIT_REJECTS = 1,	/* finished, some samples rejected */
	DM_EXIT_ERROR = 2	/* usage, I/O, bad input under --on-error=stop */
};

/* ---- buf.c: growable byte buffers ---- */

/*
 * buf is never NULL and always NUL-terminated (at buf[len]), so it can be
 * handed to functions that want a C string. DM_BUF_INIT needs no allocation.
 */
struct dm_buf {
	char	*buf;
	size_t	 len;
	size_t	 cap;
};
extern char dm_buf_empty[];
#define DM_BUF_INIT	{ dm_buf_empty, 0, 0 }

void	 dm_buf_init(struct dm_buf *);
void	 dm_buf_grow(struct dm_buf *, size_t extra);	/* room for extra more bytes */
void	 dm_buf_add(struct dm_buf *, const void *, size_t);
void	 dm_buf_addc(struct dm_buf *, int);
void	 dm_buf_adds(struct dm_buf *, const char *);
void	 dm_buf_addf(struct dm_buf *, const char *, ...) DM_PRINTF(2, 3);
void	 dm_buf_setlen(struct dm_buf *, size_t);	/* len <= cap */
void	 dm_buf_reset(struct dm_buf *);			/* empties, keeps memory */
void	 dm_buf_free(struct dm_buf *);			/* back to DM_BUF_INIT */
void	 dm_buf_swap(struct dm_buf *, struct dm_buf *);
char	*dm_buf_detach(struct dm_buf *, size_t *len);	/* buffer becomes empty */
/* Appends a printable form of bytes for messages: controls and invalid
 * UTF-8 become \n, \t, \xNN (the C1 controls, U+2028 and U+2029 each of
 * their bytes, \xc2\x9b); at most max bytes of input, then "...". */
void	 dm_buf_addquoted(struct dm_buf *, const char *, size_t, size_t max);

/* ---- err.c: messages, allocation, signals, exit ---- */

extern const char *dm_prog;		/* "dm-map", set by dm_init */
extern volatile sig_atomic_t dm_interrupted;	/* signal number, or 0 */

/* Sets dm_prog from argv[0], installs SIGINT/SIGTERM handlers that only set
 * dm_interrupted, restores SIGPIPE's default action. */
void	 dm_init(const char *argv0);
void	 dm_warn(const char *, ...) DM_PRINTF(1, 2);	/* "prog: msg\n" */
void	 dm_warnx_errno(const char *, ...) DM_PRINTF(1, 2); /* "prog: msg: strerror" */
/* p[0..n) to standard error whole, waiting for room in a non-blocking pipe
 * (where stdio would drop the rest); errno kept. */
void	 dm_write_stderr(const char *p, size_t n);
/* A progress line is on the terminal, not ended by a newline: set by
 * whoever draws one, and the next message erases it first ("\r\033[K"),
 * rather than being glued to its end; the next update draws it again. */
extern int dm_line_open;
DM_NORETURN void dm_die(const char *, ...) DM_PRINTF(1, 2);	/* warn, exit 2 */
/* A value from the user as a message shows it: escaped as by
 * dm_buf_addquoted, and cut after DM_QUOTE_MAX bytes with "...". The
 * string stays valid for the next three calls. */
#define DM_QUOTE_MAX	200
const char *dm_quote(const char *s);
const char *dm_quoten(const char *s, size_t n);
/* Appends "\n  LINE\n  ^": the line [ls, le) of a script or expression
 * and a caret under at, each control byte and each byte that is not
 * UTF-8 shown as '?', tabs copied to the caret line so that it stays in
 * place. */
void	 dm_buf_addcaret(struct dm_buf *, const char *ls, const char *le,
	    const char *at);
/* Usage errors: the message, then the usage line, exit 2. */
DM_NORETURN void dm_usage_die(const char *usage, const char *, ...) DM_PRINTF(2, 3);
/* After getopt_long (with opterr = 0 and a leading ':' in the option
 * string) returned '?' or ':': names the option and dies with the usage.
 * longopts, getopt_long's table, tells an abbreviation of two options. */
struct option;
DM_NORETURN void dm_badopt(const char *usage, int c, char **argv,
	    const struct option *longopts);
void	*dm_xmalloc(size_t);
void	*dm_xcalloc(size_t, size_t);
void	*dm_xrealloc(void *, size_t);
void	*dm_xreallocarray(void *, size_t, size_t);
char	*dm_xstrdup(const char *);
char	*dm_xstrndup(const char *, size_t);
/* Flushes stdout; a write error there is reported ("write error") and turns
 * status into 2. A pending interrupt turns it into 128 + signal. */
int	 dm_exit(int status);
/* Numbers from options: the whole string must parse and lie in [min, max];
 * otherwise a usage error naming the option. */
long long dm_strtonum(const char *s, long long min, long long max,
	    const char *option, const char *usage);
/* A word from an option: its index in words (NULL-terminated); otherwise a
 * usage error naming the option and the words. */
int	 dm_strtoword(const char *s, const char *const *words,
	    const char *option, const char *usage);
/* A field name from an option or the environment: 1 when the dotted path
 * has no empty element (it is not empty, does not start or end with a dot
 * and holds no two dots in a row), else 0. The caller reports. */
int	 dm_fieldpath_ok(const char *path);
/* Sizes with K, M, G suffixes (powers of 1024). */
long long dm_strtosize(const char *s, const char *option, const char *usage);
/* "1.5s", "250ms", "2m", "1h", "6m0s" or a number of seconds: the
 * seconds, or -1 when s is not a time. */
double	 dm_duration(const char *s);
/* Seconds on the monotonic clock, for intervals and deadlines. */
double	 dm_now(void);
/* The closest of names to s by edit distance, or NULL when none is close. */
const char *dm_suggest(const char *s, const char *const *names, size_t n);

/* ---- utf8.c: UTF-8 and Unicode helpers (utf8proc underneath) ---- */

/* Decodes one code point; returns its byte length, or -1 for an invalid
 * sequence (overlong, surrogate, > U+10FFFF, truncated). */
static inline int dm_utf8_decode(const char *s, size_t n, int32_t *cp);
size_t	 dm_utf8_encode(int32_t cp, char out[4]);
void	 dm_buf_addcp(struct dm_buf *, int32_t cp);
/* Appends s with each byte that is not valid UTF-8 replaced by U+FFFD. */
void	 dm_utf8_fix(struct dm_buf *, const char *s, size_t n);
/* Offset of the first invalid byte, or n when all of s is valid UTF-8. */
size_t	 dm_utf8_check(const char *s, size_t n);
/* Whether s[0..n) starts with the UTF-8 byte order mark (EF BB BF). */
static inline int
dm_utf8_bom(const char *s, size_t n)
{
	return n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0;
}
size_t	 dm_utf8_count(const char *s, size_t n);	/* code points */
/* Whether c lies in one of n sorted, disjoint [lo, hi] ranges. */
int	 dm_inranges(int32_t c, const int32_t (*ranges)[2], size_t n);
/* Byte offset of code point number i (n when i is past the end). */
size_t	 dm_utf8_offset(const char *s, size_t n, size_t i);
/* Python's str.isspace(), str.isalnum(), str.isalpha(), str.isdigit(). */
int	 dm_uni_isspace(int32_t);
int	 dm_uni_isalnum(int32_t);
int	 dm_uni_isalpha(int32_t);
int	 dm_uni_isdigit(int32_t);
int	 dm_uni_isupper(int32_t);
/* The span [*b, *e) of s left by Python's str.strip(). */
void	 dm_uni_strip(const char *s, size_t n, size_t *b, size_t *e);
/* Python's str.lower() / str.upper() of a whole string, full case mapping
 * (ß -> SS, final sigma); returns 1 and fills out when the text changed,
 * 0 when it did not (out untouched). */
int	 dm_uni_lower(const char *s, size_t n, struct dm_buf *out);
int	 dm_uni_upper(const char *s, size_t n, struct dm_buf *out);
/* The utf8proc options (utf8proc_option_t) of a normalization form, "NFC",
 * "NFKC", "NFD" or "NFKD"; -1 for another name. */
int	 dm_uni_form(const char *name);
/* s[0..n) in the form opts (of dm_uni_form()) added to out; 0, or -1 and
 * utf8proc's message in *msg. */
int	 dm_uni_map(const char *s, size_t n, int opts, struct dm_buf *out,
	    const char **msg);

/* ---- base64.c, shell.c: encodings ---- */

/* Base64 (RFC 4648, padded): appends the encoding of n bytes; appends the
 * bytes that s encodes, 0, or -1 on a character outside the alphabet. */
void	 dm_base64_add(struct dm_buf *, const void *, size_t n);
int	 dm_base64_decode(struct dm_buf *, const char *s, size_t n);
/* Appends s quoted for a POSIX shell: in single quotes, each ' as '\''. */
void	 dm_buf_addshell(struct dm_buf *, const char *s);
/* Whether s is a portable environment variable name ([A-Za-z_][A-Za-z0-9_]*). */
int	 dm_envname(const char *s);
/* Frees a NULL-terminated vector of strings (NULL is fine). */
void	 dm_argv_free(char **);

/* ---- json.c: a validating scanner over raw JSON, and a compact writer ---- */

enum dm_type {
	DM_MISSING, DM_NULL, DM_FALSE, DM_TRUE, DM_NUMBER, DM_STRING,
	DM_ARRAY, DM_OBJECT
};

/* A syntax problem: column (1-based byte offset) and what was wrong. */
struct dm_jerr {
	size_t		 col;
	const char	*msg;	/* static string */
};

/* Checks that s[0..n) is exactly one JSON value with only white space around
 * it and valid UTF-8 in its strings. Returns 0, or -1 and fills e. */
int	 dm_json_check(const char *s, size_t n, struct dm_jerr *e);
/* Decodes a JSON string token (with its quotes) into out; returns 0, or -1
 * on a bad token. Strings without escapes are not copied: *p and *len point
 * into the token and out is untouched. */
int	 dm_json_string(const char *tok, size_t toklen, struct dm_buf *out,
	    const char **p, size_t *len);
/* The value of a checked JSON number token: strtod's, without calling it
 * for the common short ones. */
double	 dm_json_num(const char *tok);
/* Appends s as a JSON string token (quotes, escapes; UTF-8 kept as is). */
void	 dm_json_addstr(struct dm_buf *, const char *s, size_t n);
/* Appends v compactly, object keys in their order, reals in the shortest
 * form that reads back the same. */
void	 dm_json_addval(struct dm_buf *, const json_t *v);
/* Appends raw JSON with the white space between tokens removed. */
void	 dm_json_addcompact(struct dm_buf *, const char *raw, size_t n);
/* The same in place: b's bytes lose that white space. */
void	 dm_json_compact(struct dm_buf *);
/* The element idx of the raw (checked) array: 0 with its span, or -1 when
 * raw is not an array or has no such element. */
int	 dm_json_index(const char *raw, size_t n, size_t idx, const char **v,
	    size_t *vlen);
/* Parses raw JSON (already checked) into a jansson value; integers too large
 * for json_int_t become reals. NULL with a message in err on failure. */
json_t	*dm_json_parse(const char *raw, size_t n, struct dm_buf *err);
/* As dm_json_parse, but a number jansson cannot hold (an integer past 64
 * bits, a real past the range of a double) is big(token, length), where
 * dm_json_parse makes it a real (the largest double of its sign). */
typedef json_t *(*dm_json_bigfn)(const char *, size_t);
json_t	*dm_json_parse_big(const char *raw, size_t n, dm_json_bigfn big,
	    struct dm_buf *err);
/* The string member key of the object o (borrowed), or NULL when o is not
 * an object or its key is missing or not a string. */
const char *dm_json_getstr(const json_t *o, const char *key);

/* ---- sample.c: one JSON object, kept as raw bytes until changed ---- */

/*
 * A top-level member of a sample. Untouched, its value is a span of the line
 * (raw). A text set at the top level is kept as an encoded JSON string in own
 * (raw then points there); any other change holds a jansson value in val
 * (raw == NULL). A removed member has deleted set.
 */
struct dm_member {
	const char	*key;	/* decoded key: in the line, or in keys/owned */
	size_t		 key_len;
	char		*key_owned;	/* key's storage when the member is new */
	const char	*raw;
	size_t		 raw_len;
	json_t		*val;
	struct dm_buf	 own;
	int		 deleted;
	const char	*cp_raw;	/* the raw string cp counts, as loaded */
	size_t		 cp;
};

struct dm_sample {
	const char	*line;	/* the raw line, no newline; borrowed */
	size_t		 len;
	const char	*file;	/* "<stdin>" or the operand, for messages */
	unsigned long	 lineno;
	int		 changed;	/* written from members, not line */
	struct dm_member *m;
	size_t		 nm, mcap;
	struct dm_buf	 keys;		/* keys that had escapes, decoded */
	struct dm_buf	**pool;		/* decoded strings handed out; each
					   buffer stays put as the pool grows */
	size_t		 npool, pool_used;
	struct dm_buf	 out;		/* serialized form of a changed sample */
	struct dm_nest	*nest;		/* nested objects walked (sample.c) */
	unsigned long	 gen;		/* load number, 0 when not loaded */
	const char	*dec;		/* the last string decoded from the */
	size_t		 decn;		/* line into the pool, or NULL */
	unsigned long long keyhash;	/* a bit for each key loaded */
	int		 dupkeys;	/* two members may have the same key */
};
#define DM_SAMPLE_INIT	{ NULL, 0, NULL, 0, 0, NULL, 0, 0, DM_BUF_INIT, \
	NULL, 0, 0, DM_BUF_INIT, NULL, 0, NULL, 0, 0, 0 }

/* A field read from a sample. str/len are set for strings (decoded, valid
 * until the sample is changed or loaded again); num for numbers; raw/raw_len
 * are the value's bytes when it is still raw; json when it was changed. */
struct dm_field {
	enum dm_type	 type;
	const char	*str;
	size_t		 len;
	double		 num;
	const char	*raw;
	size_t		 raw_len;
	const json_t	*json;
};

/* Loads a line into s: checks it is one JSON object with valid UTF-8 and no
 * NUL byte, and indexes its top-level members. Returns 0, or -1 with the
 * reason in err ("invalid JSON: ...") and the 1-based column in *col. */
int	 dm_sample_load(struct dm_sample *, const char *line, size_t len,
	    const char *file, unsigned long lineno, struct dm_buf *err, size_t *col);
void	 dm_sample_free(struct dm_sample *);
/* Reads a field by dotted path ("meta.lang"); a path that does not exist
 * gives DM_MISSING. Never fails. */
void	 dm_sample_get(struct dm_sample *, const char *path, struct dm_field *);
/* One element of a field path: an object key, or an array index when key
 * is NULL. */
struct dm_pathseg {
	const char	*key;
	size_t		 len;
	size_t		 index;
};
/* Reads a field by a path of segments, as dm_sample_get. */
void	 dm_sample_getpath(struct dm_sample *, const struct dm_pathseg *,
	    size_t n, struct dm_field *);
/* The text field: 0 with *s, *n set, or -1 with "field 'text' is missing"
 * or "field 'text' is not a string" in err. */
int	 dm_sample_text(struct dm_sample *, const char *key, const char **s,
	    size_t *n, struct dm_buf *err);
/* When s..s+n is a string of the line that the sample was loaded from
 * (in the line, or the last one decoded from it), the load number: the
 * bytes are valid UTF-8 and stay as they are until the next load, and no
 * other load has that number. Else 0. */
unsigned long dm_sample_linegen(const struct dm_sample *, const char *s,
	    size_t n);
/*
 * An object may hold a key twice; the last one is the field. A field that
 * is set, removed or renamed is left once in its object, and so is each
 * object along its path: the members that the last one shadowed go.
 */
/* Sets a field (creating missing objects along the path); takes v. Returns
 * 0, or -1 with a message when a path element is not an object. */
int	 dm_sample_set_new(struct dm_sample *, const char *path, json_t *v,
	    struct dm_buf *err);
int	 dm_sample_set_text(struct dm_sample *, const char *path, const char *s,
	    size_t n, struct dm_buf *err);
/* Sets a field to encoded JSON (checked by the caller), kept as bytes. */
int	 dm_sample_set_raw(struct dm_sample *, const char *path, const char *json,
	    size_t n, struct dm_buf *err);
/* Removes a field and hands its value over (NULL when it did not exist). */
json_t	*dm_sample_detach(struct dm_sample *, const char *path, struct dm_buf *err);
/* Removes a field without parsing its value: 1, 0 when it did not exist
 * (nor the objects along its path), or -1 with err. */
int	 dm_sample_remove(struct dm_sample *, const char *path,
	    struct dm_buf *err);
/* Sets the top-level member named key[0..klen) as it is (a dot in it is
 * part of the name, "" is a name): a member of that name is replaced in
 * its place, else one is added at the end; takes v. */
void	 dm_sample_set_member(struct dm_sample *, const char *key, size_t klen,
	    json_t *v);
/* Moves a field; a top-level field renamed at the top level keeps its
 * place. A missing field leaves the sample unchanged. 0 or -1 with err. */
int	 dm_sample_rename(struct dm_sample *, const char *from, const char *to,
	    struct dm_buf *err);
/* Keeps only the fields named by paths (a dotted path keeps that nested
 * value and the objects around it); removes the rest. 0 or -1 with err. */
int	 dm_sample_keep(struct dm_sample *, char *const *paths, size_t n,
	    struct dm_buf *err);
/* The bytes to write (no newline): the line itself when unchanged, else a
 * compact serialization, keys in their original order. */
void	 dm_sample_bytes(struct dm_sample *, const char **p, size_t *n);
struct dm_writer;
/* Writes a changed sample, as dm_sample_bytes gives it, and its newline:
 * a large one member by member, so that it is not copied whole first. */
void	 dm_sample_write(struct dm_sample *, struct dm_writer *);

/* ---- reader.c: lines from files, stdin and compressed streams ---- */

struct dm_reader {
	char		**paths;	/* operands; "-" is stdin */
	int		 npaths;
	int		 next;		/* index of the next operand to open */
	const char	*name;		/* current input for messages (escaped) */
	char		*dname;		/* storage of name */
	const char	*path;		/* current input as given, "<stdin>" for - */
	int		 broken;	/* a read error ended the current input */
	int		 bom;		/* the input's first line is to come: a
					 * byte order mark is skipped there */
	unsigned long	 lineno;	/* physical line number of the last line */
	int		 fd;		/* -1 when no input is open */
	int		 ownfd;		/* fd was opened here (an operand, not
					 * stdin), so it is closed here */
	int		 ranged;	/* fd is stdin read within DM_RUN_RANGE
					 * (reader.c) */
	int		 plain;		/* fd is stdin, dm-run's pipe of
					 * DM_RUN_PLAIN: never decompressed */
	int		 nostdin;	/* stdin was closed at dm_reader_init */
	const int	*spooled;	/* per operand, a descriptor of a copy
					 * to read instead (a pipe read twice),
					 * or -1; NULL: none */
	int		 quiet;		/* inputs that cannot be read are
					 * counted, not said (a second pass
					 * over inputs said in the first) */
	void		*ar;		/* struct archive * for compressed input */
	char		*buf;
	size_t		 cap, start, end;
	int		 eof;
	int		 nerrors;	/* inputs that could not be read */
	unsigned long long nbytes;	/* bytes of (decompressed) input read
					 * so far, every one counted once */
	int		 rawopen;	/* dm_reader_read gave bytes of the
					 * current input, the last not '\n' */
	int		 rawnl;		/* ... of the last input: a newline is
					 * owed before the next one's bytes */
	size_t		 maxline;	/* longest line, 0: no limit */
	int		 skipping;	/* in an overlong line's rest */
	unsigned long long longlen;	/* length of the overlong line (so
					 * far, while skipping) */
	/* Called before bytes of lines already returned are overwritten or
	 * freed (a writer holding spans of them flushes), when set. */
	void		(*release)(void *);
	void		*release_arg;
};

/* read(2) of standard input, or, in a job to which dm-run gives a block
 * of the file on its stdin (DM_RUN_RANGE, dm-run(1)), of that block only;
 * -2 when the file ends inside the block (said on stderr). */
ssize_t	 dm_stdin_read(void *buf, size_t n);
/* The number to show (in a message, a rejects record or a sample) for
 * line n of the input named file (a reader's name, a sample's file): n,
 * except for the lines of a block that dm-run gives a job to read itself,
 * numbered from 1 by the reader, whose lines before the block are counted
 * at the first call (DM_RUN_LINE=LINE@OFFSET, reader.c). */
unsigned long dm_line_shown(const char *file, unsigned long n);
/* No operand means standard input. Nothing is opened yet. When stdin is
 * closed at this call, - is an input that cannot be read (EBADF), whatever
 * descriptor 0 becomes later; a file the reader opens on descriptor 0 is
 * closed after it like any other. */
void	 dm_reader_init(struct dm_reader *, int argc, char **argv);
/*
 * For a caller that polled the current input's descriptor and found it
 * readable: reads once, what it holds now, into the buffer of the line
 * to come; compressed input is decompressed, without waiting, until a
 * line is whole or its descriptor has no more bytes now. 1 when
 * dm_reader_next can then go on without waiting (a whole line is
 * buffered, the input ended or failed, or it is a block of dm-run's or
 * an overlong line's rest); 0 when the line is still cut.
 * dm_reader_next reports what it finds.
 */
int	 dm_reader_pull(struct dm_reader *);
/*
 * --files0-from LIST: the inputs are the names in LIST (- for standard
 * input), each ended by a NUL byte as find -print0 writes them (the last
 * may lack it), as GNU wc and du take them; a list is not bound by the
 * system's limit on arguments. Sets *argc and *argv (a vector that lives
 * as long as the process); a list of no name gives no input at all, not
 * standard input (dm_reader_files0 sets the reader so). An operand as
 * well is a usage error; an empty name, or - in a list read from standard
 * input, an error with the list's name and the name's number (exit 2).
 */
void	 dm_files0_from(const char *list, int *argc, char ***argv,
	    const char *usage);
/* dm_reader_init for dm_files0_from's names. */
void	 dm_reader_files0(struct dm_reader *, int argc, char **argv);
/* Next non-blank line (without its newline or CR, nor the UTF-8 byte
 * order mark that may open an input): 1 and *line, *len set, valid until
 * the next call; 0 at the end of all inputs or on interrupt. An
 * input that cannot be opened or read is reported, counted in nerrors, and
 * skipped. A line longer than maxline (when not 0) is not read whole: 2,
 * with *line, *len its first bytes (at most DM_LINE_HEAD) and longlen the
 * bytes seen so far; the buffer never grows past maxline and a chunk. */
#define DM_LINE_HEAD	4096
#define DM_MAX_LINE	(1ULL << 30)	/* default of --max-line */
int	 dm_reader_next(struct dm_reader *, const char **line, size_t *len);
/* After 2 from dm_reader_next: reads the rest of the overlong line, which
 * leaves its first bytes in place, and sets longlen to its whole length;
 * 0, or -1 on interrupt. dm_reader_next does it when not done before. */
int	 dm_reader_skip(struct dm_reader *);
/* The next bytes of the inputs as they are (decompressed, nothing skipped):
 * up to n bytes into buf, at least 1, or 0 at the end of all inputs or on
 * interrupt. An input whose last line has no newline gets one before the
 * next input's bytes (not at the end), so that its last line stays a line
 * of its own, as dm_reader_next gives it, and the UTF-8 byte order mark
 * that opens an input but the first is dropped. Errors are handled as by
 * dm_reader_next. Do not mix with dm_reader_next on one reader. */
size_t	 dm_reader_read(struct dm_reader *, char *buf, size_t n);
void	 dm_reader_free(struct dm_reader *);

/* ---- writer.c: whole lines to a file descriptor ---- */

/* Lines are buffered and written whole: a buffer is flushed only at line
 * boundaries. A write error dies: "prog: NAME: write error: strerror"
 * (standard output's name is omitted); EPIPE ends the program quietly. */
struct iovec;
struct dm_writer {
	int		 fd;
	const char	*name;		/* NULL for standard output */
	char		*buf;
	size_t		 len, cap;
	unsigned long long nlines;
	struct iovec	*iov;		/* what is held, in order: runs of buf
					 * and the callers' spans */
	int		 niov;
	int		 stopped;	/* given up after a signal */
	int		 midline;	/* the last byte written is no '\n' */
};
/* Seconds a tool stopped by a signal waits for its output to be read
 * before it drops what it holds. */
#define DM_WRITE_GRACE	2
void	 dm_writer_init(struct dm_writer *, int fd, const char *name);
void	 dm_writer_line(struct dm_writer *, const char *, size_t); /* adds '\n' */
/* Writes the line p[0..n), followed by its '\n' at p[n], from where it is,
 * with no copy: p[0..n] must stay as it is until the next flush. */
void	 dm_writer_span(struct dm_writer *, const char *p, size_t n);
/* A line written in pieces, p[0..n) each, then its end (the '\n'), which
 * writes it out with what is held before it, in one writev as far as
 * the iovecs and the buffer allow. A short piece is copied; a long one
 * is not: p[0..n) must stay as it is until dm_writer_endline returns. */
void	 dm_writer_piece(struct dm_writer *, const char *p, size_t n);
void	 dm_writer_endline(struct dm_writer *);
void	 dm_writer_flush(struct dm_writer *);
void	 dm_writer_free(struct dm_writer *);	/* flushes, does not close fd */

/* ---- io.c: the sample loop every tool shares ---- */

enum dm_on_error { DM_ON_ERROR_STOP, DM_ON_ERROR_SKIP };

/* Long options every sample tool accepts; give these values to getopt_long
 * and hand the matching cases to dm_io_option. */
enum {
	DM_OPT_ON_ERROR = 0x100,
	DM_OPT_REJECTS,
	DM_OPT_REPORT,		/* report.h */
	DM_OPT_MAX_LINE,
	DM_OPT_PROGRESS,	/* progress.h; tools add DM_PROGRESS_LONGOPT */
	DM_OPT_FILES0,		/* tools add DM_FILES0_LONGOPT */
	DM_OPT_TOOL_BASE = 0x120	/* a tool's own long-only options */
};
#define DM_IO_LONGOPTS \
	{ "key", required_argument, NULL, 'k' }, \
	{ "max-line", required_argument, NULL, DM_OPT_MAX_LINE }, \
	{ "on-error", required_argument, NULL, DM_OPT_ON_ERROR }, \
	{ "rejects", required_argument, NULL, DM_OPT_REJECTS }, \
	{ "report", required_argument, NULL, DM_OPT_REPORT }
#define DM_PROGRESS_LONGOPT \
	{ "progress", no_argument, NULL, DM_OPT_PROGRESS }
#define DM_FILES0_LONGOPT \
	{ "files0-from", required_argument, NULL, DM_OPT_FILES0 }

struct dm_progress;	/* progress.h */

struct dm_io {
	struct dm_reader in;
	struct dm_writer out;
	struct dm_writer rej;		/* fd -1 without --rejects */
	const char	*rejects_path;
	const char	*key;		/* text field: -k, DM_TEXT_KEY, "text" */
	size_t		 maxline;	/* --max-line, 0: no limit */
	enum dm_on_error on_error;
	struct dm_sample s;
	struct dm_buf	 err;		/* scratch for messages */
	unsigned long long nin, nout, nrejected;
	int		 stopped;	/* a bad sample under --on-error=stop */
	int		 overlong;	/* rejecting an overlong line ... */
	unsigned long long longlen;	/* ... of this length, 0: unknown */
	int		 progress;	/* --progress */
	struct dm_progress *prog;	/* its state, from dm_io_open */
	const char	*files0;	/* --files0-from */
	const char	*usage;		/* of the option that set it */
	int		 listed;	/* the operands are its names */
};

void	 dm_io_init(struct dm_io *);
/* Handles -k, --max-line, --on-error, --rejects, --report, --progress,
 * --files0-from; returns 1 when c was one of them. */
int	 dm_io_option(struct dm_io *, int c, const char *arg, const char *usage);
/* --files0-from, when given: its names become *argc and *argv now, for a
 * tool that looks at its operands before dm_io_open (dm_files0_from). */
void	 dm_io_files0(struct dm_io *, int *argc, char ***argv);
/* An input (argv[0..argc), or standard input when argc is 0 or, unless
 * listed, an operand is -) that is the rejects file path: an error
 * "NAME: input file is the rejects file", status 2, before it is opened
 * (emptied, or added to while it is read). dm_io_open calls it. */
void	 dm_rejects_input(const char *path, int argc, char **argv, int listed);
/* A field name (or other text that goes into samples) given to option
 * opt must be UTF-8: otherwise a usage error "OPT: 'VALUE': invalid UTF-8
 * at column N". */
void	 dm_io_utf8opt(const char *opt, const char *arg, const char *usage);
/* A whole file (a script, an expression), "-" for standard input; dies
 * with the file's name when it cannot be read. */
char	*dm_slurp(const char *path);
/* dm_slurp, with the length read in *len: a NUL byte would end the text
 * early (dm_src_nul). */
char	*dm_slurp_len(const char *path, size_t *len);
/* Opens --rejects and the operands; argv NULL: the tool reads no input
 * through io's reader (dm-scan), so none can be the rejects file. */
void	 dm_io_open(struct dm_io *, int argc, char **argv);
/* The next valid sample, or NULL at the end, on interrupt, or when a bad
 * line stopped the run. Bad lines are rejected through dm_io_reject. */
struct dm_sample *dm_io_next(struct dm_io *);
/* Rejects the current sample: reports "prog: file:line: reason", saves the
 * line with the reason under --rejects. Returns 0 to go on (skip), -1 when
 * the run must stop. The reason is a printf format. */
int	 dm_io_reject(struct dm_io *, const char *, ...) DM_PRINTF(2, 3);
/* Same, with a column: "prog: file:line:col: reason". */
int	 dm_io_reject_at(struct dm_io *, size_t col, const char *, ...) DM_PRINTF(3, 4);
/* Rejects a line longer than --max-line, of which head holds the first n
 * bytes; len is its length, 0 when not known. The rejects file keeps the
 * head as raw_head (or raw_head_base64) and the length. */
int	 dm_io_reject_long(struct dm_io *, const char *file,
	    unsigned long lineno, const char *head, size_t n,
	    unsigned long long len);
void	 dm_io_emit(struct dm_io *, struct dm_sample *);
/* Flushes and frees; returns the exit status: 2 after a stop, an unreadable
 * input or an interrupt (128 + signal), 1 after rejects, else 0. */
int	 dm_io_close(struct dm_io *);

/* ---- re.c: PCRE2, wrapped ---- */

/*
 * The classes \w, \d and \s of Python's regex module (2.5.123, which
 * Data-Juicer compiles its patterns with; version 0, a str pattern) as the
 * bodies of PCRE2 classes: "[" DM_PY_W "]" matches the code points that
 * regex's \w matches. Checked over every code point. PCRE2's own \w adds
 * the other numbers (No: superscripts, fractions) and leaves out marks,
 * connector punctuation but '_' and the joiners; its \s adds U+180E.
 * regex knows Unicode 15.0, PCRE2 10.42 Unicode 14.0: the code points that
 * 15.0 assigned are listed after the properties.
 */
#define DM_PY_U15_W \
	"\\x{CF3}\\x{ECE}\\x{10EFD}-\\x{10EFF}\\x{1123F}-\\x{11241}" \
	"\\x{11F00}-\\x{11F10}\\x{11F12}-\\x{11F3A}\\x{11F3E}-\\x{11F42}" \
	"\\x{11F50}-\\x{11F59}\\x{1342F}\\x{13440}-\\x{13455}\\x{1B132}" \
	"\\x{1B155}\\x{1DF25}-\\x{1DF2A}\\x{1E030}-\\x{1E06D}\\x{1E08F}" \
	"\\x{1E4D0}-\\x{1E4F9}\\x{2B739}\\x{31350}-\\x{323AF}"
#define DM_PY_W	"\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\p{Join_Control}" \
	DM_PY_U15_W
#define DM_PY_D	"\\p{Nd}\\x{11F50}-\\x{11F59}\\x{1E4F0}-\\x{1E4F9}"
#define DM_PY_S	"\\p{White_Space}"

struct dm_re;
/* Compiles with UTF and Unicode properties (as Python's re on str), JIT when
 * available. flags: letters i m s x u (u is accepted and always on). NULL
 * and a message "...at offset N" in err on failure; *erroff gets the offset. */
struct dm_re *dm_re_new(const char *pattern, const char *flags,
	    struct dm_buf *err, size_t *erroff);
/* 1 match (ovector[0..1] start/end bytes), 0 none, -1 error in err. */
int	 dm_re_match(struct dm_re *, const char *s, size_t n, size_t start,
	    size_t ov[2], struct dm_buf *err);
/* The next match of Python's re.finditer from start: after a match that
 * was empty at start (notempty), one must not be empty there. As
 * dm_re_match otherwise. */
int	 dm_re_next(struct dm_re *, const char *s, size_t n, size_t start,
	    int notempty, size_t ov[2], struct dm_buf *err);
/* Replaces every match with repl ($1, ${name}, $$); returns 1 and fills out
 * when something was replaced, 0 when nothing matched, -1 with err. */
int	 dm_re_replace(struct dm_re *, const char *s, size_t n, const char *repl,
	    struct dm_buf *out, struct dm_buf *err);
/* The number of group n (name NULL) or of the group called name, or -1
 * when the pattern has no such group. */
int	 dm_re_group(const struct dm_re *, unsigned long n, const char *name);
void	 dm_re_free(struct dm_re *);
/* A fixed pattern whose matches become a literal text (no $ references):
 * the shape of remove-urls, remove-emails and remove-ips. dm_resub_run
 * returns 1 with out filled, 0 when the text is unchanged (a replacement
 * equal to what it replaced included), -1 with err. */
struct dm_resub;
struct dm_resub *dm_resub_new(const char *pattern, const char *flags,
	    const char *literal, struct dm_buf *err);
int	 dm_resub_run(struct dm_resub *, const char *in, size_t n,
	    struct dm_buf *out, struct dm_buf *err);
/* Promises that the pattern never matches across ASCII white space and
 * that every match holds a byte where next(s, n) may stop: next returns the
 * offset of the first such place in s (n when there is none). dm_resub_run
 * then searches only the runs of non-space bytes around those places, with
 * the same result as over the whole text. */
void	 dm_resub_runs(struct dm_resub *, size_t (*next)(const char *, size_t));
void	 dm_resub_free(struct dm_resub *);

/* ---- hash.c ---- */

void	 dm_md5(const void *, size_t, unsigned char out[16]);
void	 dm_sha256(const void *, size_t, unsigned char out[32]);
uint64_t dm_hash64(const void *, size_t);	/* XXH64, seed 0 */
/* dm_hash64 of bytes given a piece at a time: new, add each piece, and
 * end, which frees the state and returns the hash of all of them. */
struct dm_hash64_state;
struct dm_hash64_state *dm_hash64_new(void);
void	 dm_hash64_add(struct dm_hash64_state *, const void *, size_t);
uint64_t dm_hash64_end(struct dm_hash64_state *);
void	 dm_hex(struct dm_buf *, const unsigned char *, size_t);
/* The value of a hex digit (either case), or -1. */
int	 dm_hexdigit(int c);

/* ---- fs.c: directories ---- */

/* mkdir -p: makes dir and its missing parents. 0, or -1 after a message
 * naming the directory that could not be made. */
int	 dm_mkdirs(const char *dir);
/* The folder of the running program (/proc/self/exe) appended to b: 0,
 * or -1 when it cannot be told. */
int	 dm_self_dir(struct dm_buf *b);
/* Raises the soft limit on open files to the hard one (a tool that holds
 * a descriptor a shard, slot or folder level); the soft limit then, or 0
 * when it cannot be read. */
unsigned long long dm_nofile_raise(void);
/* read(2), waiting for data when fd is non-blocking (a descriptor given
 * with O_NONBLOCK, by a parent that shares it): EAGAIN is never returned;
 * EINTR is, from the read or the wait. */
ssize_t	 dm_read_wait(int fd, void *buf, size_t n);

/* ---- share.c: read-only data ---- */

/* The share directory: $DM_SHAREDIR, else the one installed beside the
 * binary (../share/dm), else the build tree's, else PREFIX/share/dm. */
const char *dm_sharedir(void);

/* ---- stats.c: text statistics (OPS.md), computed once per text ---- */

/*
 * Statistics are named (len, words, char_rep, stopword_ratio, ...) and take
 * at most one argument: an integer (char_rep(10)) or a string
 * (stopword_ratio("en")). A struct dm_textstats caches every value computed
 * for the current text, so a statistic used twice in an expression, or by
 * several predicates, is computed once; intermediate results (the code
 * points, the words, the lines) are shared between statistics too.
 *
 * A statistic of words (sp set: words, word_rep, stopword_ratio,
 * flagged_ratio) takes its words from a SentencePiece model instead of
 * the white space, as Data-Juicer's tokenization: true does, when its
 * argument is "[ARG:]sp=MODEL" (words: "sp=en", word_rep: "10:sp=en",
 * stopword_ratio: "de:iso:sp=de"); the text is cut into pieces once per
 * model (tokenizer.h, dm_tok_spm, says where MODEL is looked for).
 */
enum dm_statarg { DM_STATARG_NONE, DM_STATARG_INT, DM_STATARG_STR };

struct dm_statdef {
	const char	*name;
	enum dm_statarg	 arg;
	const char	*argdef;	/* default argument as text, or NULL */
	int		 isint;		/* the value is always an integer */
	const char	*summary;
	int		 sp;		/* takes sp=MODEL (see below) */
};

struct dm_textstats;
/* The statistics, sorted by name; *n gets their number. */
const struct dm_statdef *dm_stats_all(size_t *n);
const struct dm_statdef *dm_stat_find(const char *name);
/* Checks an argument before any sample is read (n >= 1 for n-grams; a word
 * list that exists for a language): 0, or -1 with a message in err. NULL
 * means the default. */
int	 dm_stat_check(const struct dm_statdef *, const char *arg,
	    struct dm_buf *err);
struct dm_textstats *dm_textstats_new(void);
/* Starts over on a new text; s must stay valid until the next reset. */
void	 dm_textstats_reset(struct dm_textstats *, const char *s, size_t n);
/* The value of a statistic for the current text; arg NULL means the
 * default. 0, or -1 with a message in err. */
int	 dm_textstats_get(struct dm_textstats *, const struct dm_statdef *,
	    const char *arg, double *out, struct dm_buf *err);
void	 dm_textstats_free(struct dm_textstats *);
/* The span [*b, *e) of s left by stripping SPECIAL characters (OPS.md)
 * at both ends, as Data-Juicer's strip(word, SPECIAL_CHARACTERS). */
void	 dm_special_strip(const char *s, size_t n, size_t *b, size_t *e);
/* Data-Juicer's words of a text by line, tab and space, those keep(arg,
 * word, n) keeps merged back (djwords.c): 1 with the text appended to out,
 * 0 with out as it was when it comes out the same. */
int	 dm_dj_keep_words(const char *in, size_t n, struct dm_buf *out,
	    int (*keep)(void *, const char *, size_t), void *arg);
/* The words of a word list of share/dm/wordlists ("stopwords", "en"):
 * loaded once, then a hash set. NULL with a message when it is missing. */
struct dm_wordset;
const struct dm_wordset *dm_wordset_get(const char *kind, const char *lang,
	    struct dm_buf *err);
int	 dm_wordset_has(const struct dm_wordset *, const char *w, size_t n);

/* ---- expr.c: the expression language of dm-filter and set ---- */

struct dm_expr;
/* Parses an expression. Errors are reported as "origin:line:col: message"
 * with the line and a caret, and NULL is returned. */
struct dm_expr *dm_expr_parse(const char *src, const char *origin,
	    unsigned long firstline);
/* dm_expr_parse, reporting nothing: an error is appended to err and its
 * offset in src put in *off, for the caller to report (dm-map's set, at
 * the place of the expression in the script). */
struct dm_expr *dm_expr_parse_err(const char *src, const char *origin,
	    unsigned long firstline, struct dm_buf *err, size_t *off);
/* Whether the text of a file, src[0..len), holds a NUL byte, which would
 * end it there: reported as the parser reports ("origin:line:col: ..."),
 * and -1; else 0. */
int	 dm_src_nul(const char *src, size_t len, const char *origin);
/* Evaluates on a sample, the text in field key. The result, encoded as
 * compact JSON, replaces the contents of json when json is not NULL (a
 * value taken from a field keeps its bytes: 1.50 stays 1.50); its truth goes
 * to *truth when truth is not NULL. When a predicate decided a false result,
 * *why (if not NULL) gets "gopher: short_doc" style text, valid until the
 * next call. 0, or -1 with the reason in err (a missing text field). */
int	 dm_expr_eval(struct dm_expr *, struct dm_sample *, const char *key,
	    struct dm_buf *json, int *truth, const char **why, struct dm_buf *err);
/* The same, for a value wanted as a number: a finite number goes to *num
 * (1 is returned) without being written out and read back; any other
 * value is encoded into json as dm_expr_eval does (0 is returned). */
int	 dm_expr_eval_num(struct dm_expr *, struct dm_sample *,
	    const char *key, double *num, struct dm_buf *json,
	    struct dm_buf *err);
void	 dm_expr_free(struct dm_expr *);
/* -s/--strict: a field that an expression reads and a sample lacks (has()
 * aside) makes dm_expr_eval fail: "field 'meta.x' is missing". */
void	 dm_expr_strict(int on);
/* At the end of a run: reports each bare name (not a statistic) that
 * expressions looked up and no sample had, "field 'wrds' was in none of
 * the 3 samples; did you mean the statistic 'words'?". */
void	 dm_expr_report_missing(void);
/* Those bare names and their counts, for dm-stats --partial: how many
 * there are, name i with how many samples looked at it and how many had
 * it; and counts of another run added to a name's (made if new), for
 * --merge to report as one run would. */
size_t	 dm_expr_nwatches(void);
const char *dm_expr_watch(size_t i, unsigned long long *looked,
	    unsigned long long *found);
void	 dm_expr_watch_add(const char *name, unsigned long long looked,
	    unsigned long long found);
/* Appends object key k (n bytes) to a field path as the expression
 * language writes it: a plain name as meta.lang (first: a name that would
 * read as a statistic, a keyword or lang gets a leading dot, .len); any
 * other key in brackets as a JSON string, .["a.b"] first, a["c d"] after.
 * Distinct keys give distinct paths. */
void	 dm_fieldpath_addkey(struct dm_buf *, const char *k, size_t n,
	    int first);
/* A field path of an option, as the expression language writes it
 * (meta.lang, .len, .["a.b"], tags[0]); one with no bracket or quote is
 * names between dots, as -k takes (my key.sub-field). 0 with *seg, *nseg
 * (free them with dm_fieldpath_free), or -1 when s is no field path: the
 * caller reports. */
int	 dm_fieldpath_parse(const char *s, struct dm_pathseg **seg,
	    size_t *nseg);
void	 dm_fieldpath_free(struct dm_pathseg *, size_t n);

/* ---- ops.c, op.c: operators ---- */

enum dm_opkind { DM_OP_MAP, DM_OP_FILTER };
enum dm_ptype {
	DM_P_STR,	/* any string */
	DM_P_INT,	/* integer in [min, max] */
	DM_P_FLOAT,	/* number in [min, max] */
	DM_P_BOOL,	/* true/false/1/0/yes/no */
	DM_P_ENUM,	/* one of choices ("NFC,NFKC,NFD,NFKD") */
	DM_P_REGEX,	/* a PCRE2 pattern, checked when the script is read */
	DM_P_LIST	/* comma-separated strings */
};

struct dm_param {
	const char	*name;
	enum dm_ptype	 type;
	const char	*def;		/* default as text; NULL: required */
	const char	*help;
	double		 min, max;	/* bounds for INT and FLOAT when min < max;
					   max HUGE_VAL: no upper bound */
	const char	*choices;	/* for ENUM */
};

/* A parameter's value, parsed from its text per the parameter's type. */
struct dm_arg {
	const struct dm_param *p;
	const char	*str;		/* the text (the default when not given) */
	int		 given;
	long long	 i;		/* INT, BOOL, ENUM (index in choices) */
	double		 f;		/* FLOAT */
	char		**list;		/* LIST, NULL-terminated */
	size_t		 nlist;
};

/* The arguments of one operator in a script. For operators with
 * DM_OPF_FREEFORM, every key=value pair is kept in order in extra. */
struct dm_args {
	const char	*op;
	struct dm_arg	*v;
	size_t		 n;
	char		**extra_keys, **extra_vals;
	size_t		 nextra;
};
/* Getters by parameter name; a name the operator does not declare is a bug
 * and aborts. */
const char *dm_arg_str(const struct dm_args *, const char *name);
long long dm_arg_int(const struct dm_args *, const char *name);
double	 dm_arg_float(const struct dm_args *, const char *name);
int	 dm_arg_bool(const struct dm_args *, const char *name);
const struct dm_arg *dm_arg(const struct dm_args *, const char *name);

enum {
	DM_OPF_FREEFORM = 1,	/* arbitrary key=value pairs (set, rename) */
	DM_OPF_EXPR = 2		/* values are expressions: a quote after the
				   start of a value is kept (lang("de")) */
};

/*
 * An operator. Its kind sets its main function, one of text, sample,
 * filter:
 *  - DM_OP_MAP over the text: text() reads in[0..n) and either writes the
 *    new text to out (empty on entry) and returns 1, or returns 0 when the
 *    text is unchanged, or -1 with a message in err;
 *  - DM_OP_MAP over the whole sample: sample() changes s in place, 0 or -1;
 *  - DM_OP_FILTER: filter() returns 1 keep, 0 drop, -1 error; on 0 it
 *    writes to err the name of the rule that failed ("short_doc"), which
 *    dm-filter --mark reports as "gopher: short_doc". filter() gets the
 *    text, and a struct dm_textstats already reset on it in ts, so that
 *    statistics shared with the expression are computed once.
 * An operator of another kind may set text (or sample) as well: dm-map runs
 * every operator that has either, and refuses the others (c4 is a filter
 * that also rewrites the text to its kept lines).
 * init() gets the checked arguments and sets *state (may stay NULL); it
 * returns 0, or -1 with a message (or with err left empty when it reported
 * the problem itself, as set does for a bad expression). Operators never
 * exit and never write to standard output; their state is used by one
 * thread.
 */
struct dm_opdef {
	const char	*name;		/* kebab-case */
	enum dm_opkind	 kind;
	const char	*summary;	/* one line, lower-case, no full stop */
	const struct dm_param *params;	/* terminated by { NULL } */
	int		 flags;
	int		(*init)(void **state, const struct dm_args *, struct dm_buf *err);
	int		(*text)(void *state, const char *in, size_t n,
			    struct dm_buf *out, struct dm_buf *err);
	int		(*sample)(void *state, struct dm_sample *s, const char *key,
			    struct dm_buf *err);
	int		(*filter)(void *state, struct dm_sample *s, const char *in,
			    size_t n, struct dm_textstats *ts, struct dm_buf *err);
	void		(*fini)(void *state);
};

/* A shared object on DM_OPS_PATH exports these two symbols. */
#define DM_PLUGIN_ABI_SYMBOL	"dm_plugin_abi"
#define DM_PLUGIN_OPS_SYMBOL	"dm_plugin_ops"	/* NULL-terminated array */

/* The registry: built-in operators (sorted) and plugins from DM_OPS_PATH,
 * loaded on first use. A plugin that fails to load is a fatal error. */
/* An operator by name, '_' read as '-' (gopher_rep is gopher-rep). */
const struct dm_opdef *dm_ops_find(const char *name);
const struct dm_opdef *const *dm_ops_all(size_t *n);	/* sorted by name */
const char *dm_opkind_name(enum dm_opkind);
const char *dm_ptype_name(enum dm_ptype);
/* Prints the operator list (or one operator) for `dm ops`; json for --json.
 * Returns 0, or -1 when name is unknown (reported). */
int	 dm_ops_print(const char *name, int json);

/* Builds and checks the arguments of d from n key=value pairs (keys[i]
 * NULL for a bare value, which fills the next parameter in order), as a
 * script would. 0, or -1 with the message in err and *bad set to the index
 * of the pair at fault (n for a missing required parameter). */
int	 dm_args_build(const struct dm_opdef *d, char *const *keys,
	    char *const *vals, size_t n, struct dm_args *a, struct dm_buf *err,
	    size_t *bad);
void	 dm_args_free(struct dm_args *);
/* From an operator's init, before it fails: its message is about the
 * value of parameter name, at byte off of the value; a script reports it
 * there, with the line and a caret under it. */
void	 dm_args_blame(const struct dm_args *, const char *name, size_t off);
/* For init: 0 when parameter name holds a field path (a.b; not empty,
 * not .a, a. or a..b, which would make keys of no name); else -1 with
 * the message in err and the value blamed. */
int	 dm_args_fieldpath(const struct dm_args *, const char *name,
	    struct dm_buf *err);
/* The same for extra pair i of a DM_OPF_FREEFORM operator: its key when
 * key is 1, else its value. */
void	 dm_args_blame_extra(const struct dm_args *, size_t i, int key,
	    size_t off);

/* A parsed chain of operators (dm-map's script). */
struct dm_chain;
struct dm_chain *dm_chain_new(void);
/* Adds the operators of script; origin names it in messages ("script",
 * or a file name), firstline is the line number of its first line. Errors
 * are reported with origin:line:col and a caret; returns -1 after that. */
int	 dm_chain_parse(struct dm_chain *, const char *script, const char *origin,
	    unsigned long firstline);
/* Initializes every operator; -1 after reporting. */
int	 dm_chain_init(struct dm_chain *);
/* Runs the chain on one sample. 0, or -1 with the reason in err (which
 * names the operator). */
int	 dm_chain_run(struct dm_chain *, struct dm_sample *, const char *key,
	    struct dm_buf *err);
void	 dm_chain_free(struct dm_chain *);

/* Inline, because the JSON scanner and every text operator call it per
 * character. */
static inline int
dm_utf8_decode(const char *s, size_t n, int32_t *cp)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t c;

	if (n == 0)
		return -1;
	c = p[0];
	if (c < 0x80) {
		*cp = (int32_t)c;
		return 1;
	}
	/* 0x80-0xBF continue a sequence; 0xC0 and 0xC1 start only overlongs */
	if (c < 0xC2)
		return -1;
	if (c < 0xE0) {
		if (n < 2 || (p[1] & 0xC0) != 0x80)
			return -1;
		*cp = (int32_t)((c & 0x1F) << 6 | (p[1] & 0x3F));
		return 2;
	}
	if (c < 0xF0) {
		if (n < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80)
			return -1;
		c = (c & 0x0F) << 12 | (uint32_t)(p[1] & 0x3F) << 6 |
		    (p[2] & 0x3F);
		if (c < 0x800 || (c >= 0xD800 && c <= 0xDFFF))
			return -1;
		*cp = (int32_t)c;
		return 3;
	}
	if (c < 0xF5) {
		if (n < 4 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 ||
		    (p[3] & 0xC0) != 0x80)
			return -1;
		c = (c & 0x07) << 18 | (uint32_t)(p[1] & 0x3F) << 12 |
		    (uint32_t)(p[2] & 0x3F) << 6 | (p[3] & 0x3F);
		if (c < 0x10000 || c > 0x10FFFF)
			return -1;
		*cp = (int32_t)c;
		return 4;
	}
	return -1;
}

#endif /* DM_H */
