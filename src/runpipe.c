/* runpipe.c - dm-run: a job fails when any stage of its pipeline fails */
#include <stdlib.h>
#include <string.h>

#include "backend.h"

/*
 * The shell gives a pipeline the status of its last command. In
 * "dm-filter x | dm-map y", a dm-filter that stops at a bad line leaves
 * dm-map a part of the block, dm-map exits 0, and the job would succeed
 * with samples missing. /bin/sh has no "set -o pipefail" everywhere (dash
 * has none), so a command that is one pipeline of two stages or more runs
 * as a script of its own that keeps each stage's status:
 *
 *	exec 9>&1; dm_st=$( { { ( A ) 8>&- 9>&-; echo "1 $?" >&8; } |
 *	    { ( B ) 8>&- 9>&-; echo "2 $?" >&8; }; } 8>&1 >&9 ); ...
 *
 * Each stage runs in a subshell of its own (an exit in it ends it alone)
 * with the two descriptors closed, as it would have run, and its status
 * goes to the command substitution; the last stage writes to the job's
 * standard output (9). The job then exits with the status of the last
 * stage that failed (2 and up, or a signal), as pipefail would; else 1
 * when a stage exited 1 (a tool that rejected samples: the job
 * succeeded); else 0. A stage other than the last one that died of
 * SIGPIPE (141) has not failed: the stage after it stopped reading, and
 * its own status tells whether that was a failure (head -n 5 is not).
 *
 * Only the pipeline at the top of the command is cut, and only when the
 * command is read here for sure: any other list at the top (; & && || or
 * a line end), a backquote, a here-document, a comment, a negation (!)
 * or a keyword at the top, a case in a $( ), or quotes that do not close
 * leave the command as it is, with the shell's status. Within ( ), { }
 * and $( ), anything else goes. A stage keeps its text byte for byte.
 */

#define BAIL	((size_t)-1)

struct cuts {
	size_t	*at;	/* the '|' at the top */
	size_t	 n;
};

/* A word the shell reads as a keyword at the start of a command: the top
 * of such a command is not a plain pipeline. */
static int
keyword(const char *s)
{
	static const char *const kw[] = {
		"if", "then", "else", "elif", "fi", "do", "done", "case", "esac",
		"while", "until", "for", "in", "function", "select", "time",
		"coproc", "[[", "]]", "!", NULL
	};
	size_t i, l = strcspn(s, " \t\n;&|<>()");

	for (i = 0; kw[i] != NULL; i++)
		if (strlen(kw[i]) == l && memcmp(kw[i], s, l) == 0)
			return 1;
	return 0;
}

/* ${...} at s[i]: the index after it, when it holds nothing that quotes
 * or ends a command. */
static size_t
braces(const char *s, size_t i)
{
	size_t j = i + 2;

	while (s[j] != '}') {
		if (s[j] == '\0' || strchr(" \t\n|&;<>()'\"\\`${", s[j]) != NULL)
			return BAIL;
		j++;
	}
	return j + 1;
}

/*
 * Reads s from i on until the end of its context: the string's end (until
 * '\0': the command itself, whose top-level '|' go to c), the ')' of a
 * $( ) (until ')'), or the '"' that closes double quotes (until '"').
 * Returns the index after the context, or BAIL.
 */
static size_t
scan(const char *s, size_t i, int until, struct cuts *c)
{
	int depth = 0, word = 1, cmd = 1;
	size_t j;

	for (;;) {
		const int top = c != NULL && depth == 0;
		const char ch = s[i];

		if (until == '"') {
			switch (ch) {
			case '\0':
			case '`':
				return BAIL;
			case '"':
				return i + 1;
			case '\\':
				if (s[i + 1] == '\0')
					return BAIL;
				i += 2;
				continue;
			case '$':
				if (s[i + 1] == '(') {
					if ((i = scan(s, i + 2, ')', NULL)) == BAIL)
						return BAIL;
					continue;
				}
				if (s[i + 1] == '{') {
					if ((i = braces(s, i)) == BAIL)
						return BAIL;
					continue;
				}
				break;
			}
			i++;
			continue;
		}
		switch (ch) {
		case '\0':
			return until == '\0' && depth == 0 ? i : BAIL;
		case ' ':
		case '\t':
			word = 1;
			i++;
			continue;
		case '\n':
			if (top)
				return BAIL;
			word = cmd = 1;
			i++;
			continue;
		case ';':
			if (top)
				return BAIL;
			word = cmd = 1;
			i++;
			continue;
		case '&':
			if (top)
				return BAIL;
			i += s[i + 1] == '&' ? 2 : 1;
			word = cmd = 1;
			continue;
		case '|':
			if (s[i + 1] == '|' || s[i + 1] == '&') {
				if (top)
					return BAIL;
				i += 2;
			} else {
				if (top) {
					c->at = dm_xreallocarray(c->at, c->n + 1,
					    sizeof *c->at);
					c->at[c->n++] = i;
				}
				i++;
			}
			word = cmd = 1;
			continue;
		case '<':
		case '>':
			/* a here-document's lines are beyond this reading */
			if (ch == '<' && s[i + 1] == '<')
				return BAIL;
			/* >& >| >> <& <>: the operator, then its word */
			i++;
			if (s[i] == '&' || s[i] == '|' || s[i] == '>' ||
			    (ch == '<' && s[i] == '>'))
				i++;
			word = 1;
			continue;
		case '(':
			depth++;
			word = cmd = 1;
			i++;
			continue;
		case ')':
			if (depth == 0)
				return until == ')' ? i + 1 : BAIL;
			depth--;
			word = 1;
			cmd = 0;
			i++;
			continue;
		case '`':
			return BAIL;
		}
		if (word && ch == '#') {
			/* a comment: at the top it would hide the rest */
			if (top)
				return BAIL;
			while (s[i] != '\n' && s[i] != '\0')
				i++;
			continue;
		}
		if (word && cmd) {
			/* a case in a $( ) has a ')' of its own */
			if ((top || strncmp(s + i, "case", 4) == 0) &&
			    keyword(s + i))
				return BAIL;
			if ((ch == '{' || ch == '}') && (s[i + 1] == '\0' ||
			    strchr(" \t\n;&|<>()", s[i + 1]) != NULL)) {
				/* a group, whose end comes as a command */
				if (ch == '{')
					depth++;
				else if (depth-- == 0)
					return BAIL;
				i++;
				word = 1;
				cmd = ch == '{';
				continue;
			}
		}
		word = cmd = 0;
		switch (ch) {
		case '\\':
			if (s[i + 1] == '\0')
				return BAIL;
			i += 2;
			break;
		case '\'':
			for (j = i + 1; s[j] != '\''; j++)
				if (s[j] == '\0')
					return BAIL;
			i = j + 1;
			break;
		case '"':
			if ((i = scan(s, i + 1, '"', NULL)) == BAIL)
				return BAIL;
			break;
		case '$':
			if (s[i + 1] == '(')
				i = scan(s, i + 2, ')', NULL);
			else if (s[i + 1] == '{')
				i = braces(s, i);
			else
				i++;
			if (i == BAIL)
				return BAIL;
			break;
		default:
			i++;
			break;
		}
	}
}

/* Whether s[b..e) holds more than white space. */
static int
filled(const char *s, size_t b, size_t e)
{
	for (; b < e; b++)
		if (s[b] != ' ' && s[b] != '\t')
			return 1;
	return 0;
}

char *
dm_run_pipefail(const char *cmd)
{
	struct dm_buf b = DM_BUF_INIT;
	struct cuts c = { NULL, 0 };
	size_t k, from, to, n;

	if (strchr(cmd, '|') == NULL || scan(cmd, 0, '\0', &c) == BAIL ||
	    c.n == 0)
		goto plain;
	n = c.n + 1;
	dm_buf_adds(&b, "exec 9>&1; dm_st=$( { ");
	for (k = 0; k < n; k++) {
		from = k == 0 ? 0 : c.at[k - 1] + 1;
		to = k == c.n ? strlen(cmd) : c.at[k];
		if (!filled(cmd, from, to))
			goto plain;
		if (k > 0)
			dm_buf_adds(&b, " | ");
		dm_buf_adds(&b, "{ ( ");
		dm_buf_add(&b, cmd + from, to - from);
		dm_buf_addf(&b, " ) 8>&- 9>&-; echo \"%zu $?\" >&8; }", k + 1);
	}
	dm_buf_addf(&b, "; } 8>&1 >&9 ); dm_ps=$?; exec 9>&-; "
	    "set -- $dm_st; dm_rc=0 dm_at=0 dm_n=$#; "
	    "while [ $# -ge 2 ]; do "
	    "if [ \"$2\" -ge 2 ] && { [ \"$2\" -ne 141 ] || "
	    "[ \"$1\" -eq %zu ]; } && [ \"$1\" -gt \"$dm_at\" ]; then "
	    "dm_at=$1 dm_rc=$2; "
	    "elif [ \"$2\" -eq 1 ] && [ \"$dm_at\" -eq 0 ]; then dm_rc=1; fi; "
	    "shift 2; done; "
	    "if [ \"$dm_n\" -lt %zu ] && [ \"$dm_at\" -eq 0 ]; then "
	    "dm_rc=$((dm_ps ? dm_ps : 2)); fi; "
	    "exit \"$dm_rc\"", n, 2 * n);
	free(c.at);
	return dm_buf_detach(&b, NULL);
plain:
	free(c.at);
	dm_buf_free(&b);
	return NULL;
}
