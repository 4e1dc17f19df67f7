#!/bin/sh
# profile.sh - records one command over a generated corpus with perf
#
# usage: sh tests/bench/profile.sh ['COMMAND']	(what `make profile` runs)
#
# COMMAND reads the corpus on stdin (default: the four quality predicates).
# DM_BENCH_MB sets the corpus size (default 50). The binaries keep their
# frame pointers (CFLAGS), so `perf record -g` sees whole call chains;
# the report (self time, then callers) is printed and the data is kept in
# tests/bench/data/perf.data for `perf report -i`.

set -eu

cd "$(dirname "$0")/../.."

cmd=${1:-"bin/dm-filter 'gopher() && gopher_rep() && c4() && fineweb()'"}
mb=${DM_BENCH_MB:-50}
dir=tests/bench/data
data=$dir/profile-$mb.jsonl

command -v perf >/dev/null 2>&1 || {
	echo 'profile: perf is not installed (Debian package linux-perf)' >&2
	exit 2
}
mkdir -p "$dir"
if [ ! -f "$data" ]; then
	${CC:-cc} -O2 -o "$dir/gen" tests/bench/gen.c
	"$dir/gen" "$mb" >"$data.tmp"
	mv "$data.tmp" "$data"
fi
perf record -q -g -o "$dir/perf.data" -- sh -c "$cmd" <"$data" >/dev/null
perf report -i "$dir/perf.data" --no-children --stdio --percent-limit 1 \
    2>/dev/null | grep -v '^$'
