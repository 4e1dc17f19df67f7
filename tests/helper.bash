# helper.bash - shared set-up and assertions for dm's bats tests

DM_REPO=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
DM_BINDIR=${DM_BINDIR:-$DM_REPO/bin}
PATH=$DM_BINDIR:$PATH
DM_SHAREDIR=$DM_REPO/share/dm
FIXTURES=$DM_REPO/tests/fixtures
export PATH DM_SHAREDIR
# what the user's environment may hold for the tools: the tests set what
# they need (DM_SIMD stays: it lets the tests run each SIMD path, dm(7))
unset DM_TEXT_KEY DM_OPS_PATH DM_REJECTS DM_REPORT DM_RUN_ID DM_RUN_RANGE \
    DM_RUN_PLAIN DM_RUN_LINE DM_RUN_TOKEN DM_JOB DM_ATTEMPT DM_SLOT \
    DM_QUALITY_CHECK DM_TOKENIZER_PATH DM_SSH DM_SLURM_BIN \
    DM_PROGRESS_INTERVAL DM_OPENCC_DIR DM_JIEBA_DIR DM_LANGID_MODEL \
    DM_LLM_MODEL DM_LLM_BASE_URL DM_LLM_API_KEY

setup() {
	TMP=$BATS_TEST_TMPDIR
	HOME=$TMP/home
	mkdir -p "$HOME"
	export HOME
	cd "$TMP" || return 1
}

# The exact stdout of the last run.
assert_output() {
	local want
	if [ $# -eq 0 ]; then want=$(cat); else want=$1; fi
	if [ "$output" != "$want" ]; then
		printf 'expected output:\n%s\nactual output:\n%s\n' "$want" "$output" >&2
		return 1
	fi
}

assert_status() {
	if [ "$status" -ne "$1" ]; then
		printf 'expected status %s, got %s\noutput:\n%s\n' "$1" "$status" "$output" >&2
		return 1
	fi
}

assert_success() { assert_status 0; }

# The exact content of a file.
assert_file() {
	local want
	if [ $# -eq 1 ]; then want=$(cat); else want=$2; fi
	if [ "$(cat "$1")" != "$want" ]; then
		printf 'expected %s:\n%s\nactual:\n%s\n' "$1" "$want" "$(cat "$1")" >&2
		return 1
	fi
}

# Runs a command with stdout and stderr kept apart: $output is stdout,
# $stderr is stderr, $status the exit status.
run_split() {
	local errf=$BATS_TEST_TMPDIR/.stderr
	output=$("$@" 2>"$errf") && status=0 || status=$?
	stderr=$(cat "$errf")
}

assert_stderr() {
	local want
	if [ $# -eq 0 ]; then want=$(cat); else want=$1; fi
	if [ "$stderr" != "$want" ]; then
		printf 'expected stderr:\n%s\nactual stderr:\n%s\n' "$want" "$stderr" >&2
		return 1
	fi
}

# map TEXT SCRIPT: the text field dm-map makes of a one-sample input, with
# the sample written through jq-free means (the output line itself).
map_line() {
	printf '%s\n' "$1" | dm-map "$2"
}

# ---- byte-exact runs, signals, usage (common.bats, dm-map.bats) ----

# run_out FILE CMD...: runs CMD with its stdout in FILE, byte for byte (no
# trailing newline stripped), stderr in $stderr, its status in $status.
run_out() {
	local out=$1 errf=$BATS_TEST_TMPDIR/.stderr
	shift
	"$@" >"$out" 2>"$errf" && status=0 || status=$?
	stderr=$(cat "$errf")
}

# assert_bytes FILE FORMAT [ARG...]: FILE holds exactly the bytes that
# printf makes of FORMAT and ARGs.
assert_bytes() {
	local file=$1 want=$BATS_TEST_TMPDIR/.want
	shift
	# shellcheck disable=SC2059
	printf "$@" >"$want"
	if ! cmp -s "$want" "$file"; then
		printf 'expected bytes of %s:\n' "$file" >&2
		od -c "$want" | head -n 20 >&2
		printf 'actual:\n' >&2
		od -c "$file" | head -n 20 >&2
		return 1
	fi
}

# assert_same GOT WANT: two files with the same bytes (for large files: the
# difference is shown by cmp, never printed whole).
assert_same() {
	if ! cmp "$1" "$2" >&2; then
		printf '%s: %s bytes, %s: %s bytes\n' "$1" "$(wc -c <"$1")" \
		    "$2" "$(wc -c <"$2")" >&2
		return 1
	fi
}

# usage_of TOOL: the usage lines that open TOOL --help (up to the first
# blank line); a usage error repeats them on stderr.
usage_of() {
	"$1" --help | sed '/^$/,$d'
}

# wait_for_size FILE BYTES: waits up to 10 s until FILE holds BYTES or more.
wait_for_size() {
	local i
	for i in $(seq 200); do
		[ -f "$1" ] && [ "$(wc -c <"$1")" -ge "$2" ] && return 0
		sleep 0.05
	done
	printf '%s did not reach %s bytes in 10 s\n' "$1" "$2" >&2
	return 1
}

# wait_blocked PID [WCHAN...]: waits (30 s at most) until PID sleeps in a
# kernel function (/proc/PID/wchan) matching one of the patterns WCHAN: by
# default a read of a pipe or poll/select, that is, PID has taken all the
# input written so far; '*pipe_write*' '*pipe_wait*' for a write to a
# full pipe. Returns at once when PID has gone; fails if it never sleeps so.
wait_blocked() {
	local pid=$1 i w p
	shift
	[ $# -gt 0 ] || set -- '*pipe_read*' '*pipe_wait*' '*poll*' '*select*'
	for i in $(seq 600); do
		w=$(cat "/proc/$pid/wchan" 2>/dev/null) || return 0
		for p; do
			# shellcheck disable=SC2254
			case $w in $p) sleep 0.1; return 0 ;; esac
		done
		sleep 0.05
	done
	printf 'process %s never slept in %s\n' "$pid" "$*" >&2
	return 1
}

# signal_and_wait PID SIG: sends SIG to PID (a background job of this
# shell), gives it 10 s to end (then kills it and fails); its status, as
# bash reports it (128 + N when a signal killed it), goes to $status. SIG 0
# only waits, for a process that may have ended already.
signal_and_wait() {
	local i
	[ "$2" = 0 ] || kill -"$2" "$1"
	for i in $(seq 200); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.05
	done
	if kill -0 "$1" 2>/dev/null; then
		kill -KILL "$1"
		wait "$1" || true
		printf 'process %s still ran 10 s after SIG%s\n' "$1" "$2" >&2
		return 1
	fi
	wait "$1" && status=0 || status=$?
}

# q TEXT EXPR: the value dm-filter --mark q gives one sample whose text is
# the JSON string body TEXT (escapes such as \n work): true, or the reason.
q() {
	local out
	out=$(printf '{"text":"%s"}\n' "$1" | dm-filter --mark q "$2") ||
	    return
	out=${out##*,\"q\":}
	printf '%s\n' "${out%\}}"
}

# q_levels TEXT EXPR WANT: q TEXT EXPR gives WANT at every DM_SIMD level
# (plain C, SSE2, AVX2), each of which the wide scans take in turn.
q_levels() {
	local level out
	for level in none sse2 avx2; do
		out=$(export DM_SIMD=$level; q "$1" "$2")
		if [ "$out" != "$3" ]; then
			printf 'DM_SIMD=%s: %s gives %s, not %s\n' "$level" \
			    "$2" "$out" "$3" >&2
			return 1
		fi
	done
}

# like_datamate TOOL ARG CLASS [PARAM]: TOOL ARG (dm-filter EXPR, dm-map OP)
# on in.jsonl keeps the same samples, the same way, as DataMate's CLASS
# (tests/datamate-ref.py runs DataMate's code, PARAM its parameter).
like_datamate() {
	"$1" "$2" <in.jsonl >got.jsonl
	shift 2
	"$DM_REPO/tests/datamate-ref.py" "$@" <in.jsonl >want.jsonl
	assert_same got.jsonl want.jsonl
}

# Whether the tools are built with AddressSanitizer (make check-asan),
# wherever they are.
is_asan() {
	ldd "$(command -v dm-map)" 2>/dev/null | grep -q libasan
}

# skip_asan WHY: skips the test under ASan, where it cannot hold, saying why.
skip_asan() {
	if is_asan; then
		skip "under ASan: $1"
	fi
}

# mem_limit KB: a shell command that limits what the shell runs next to
# KB kilobytes: ulimit -v; under ASan, whose shadow memory takes terabytes
# of address space, ASan's limit of the RSS instead.
mem_limit() {
	if is_asan; then
		echo "export ASAN_OPTIONS=\${ASAN_OPTIONS:+\$ASAN_OPTIONS:}hard_rss_limit_mb=$(($1 / 1024))"
	else
		echo "ulimit -v $1"
	fi
}

# ---- the lines of dm-run's input in its jobs (dm-run*.bats) ----

# lines_input FILE: nine samples, the 2nd, 5th and 9th of them bad.
lines_input() {
	printf '{"text":"a"}\n{bad\n{"text":"bb"}\n{"text":"c"}\n[1]\n'  >"$1"
	printf '{"text":"d"}\n{"text":"e"}\n{"text":"f"}\n{"text":7}\n' >>"$1"
}

# lines_err NAME: what dm-filter --on-error=skip 'len > 0' says of the
# bad lines of lines_input read as NAME, without its summary.
lines_err() {
	printf '%s\n' "dm-filter: $1:2:2: invalid JSON: expected a string key" \
	    "dm-filter: $1:5: not a JSON object" \
	    "dm-filter: $1:9: field 'text' is not a string"
}

# lines_err3 NAME: the same from three jobs of three lines each, each with
# its summary.
lines_err3() {
	lines_err "$1" | sed 's/$/\ndm-filter: 1 of 3 samples rejected/'
}

# waitout FILE: waits for FILE to be non-empty, 3 s at most, then copies it
# to seen (empty when it stayed empty).
waitout() {
	local i
	for i in $(seq 30); do
		[ -s "$1" ] && break
		sleep 0.1
	done
	cat "$1" >seen 2>/dev/null || : >seen
}
