#!/bin/sh
# same-marks.sh - checks that two builds judge the bench corpus alike
#
# usage: sh tests/bench/same-marks.sh OLD_BINDIR [NEW_BINDIR]
#
# Runs each quality predicate (gopher, gopher_rep, c4, fineweb, alone and
# the four together) with dm-filter --mark, and c4 as a mapper with dm-map,
# under both builds over the corpus
# of gen.c (DM_BENCH_MB, default 200 as for make bench), and compares the
# outputs byte for byte. NEW_BINDIR defaults to bin/. A speed-up of the
# shared text passes (src/quality.c) must leave every output identical:
# build the old revision aside (git worktree add; make) and run this.
# Exit 0 when all agree, 1 when one differs (its first lines shown).

set -eu

cd "$(dirname "$0")/../.."

[ $# -ge 1 ] || { echo 'usage: same-marks.sh OLD_BINDIR [NEW_BINDIR]' >&2; exit 2; }
old=$1
new=${2:-bin}
mb=${DM_BENCH_MB:-200}
dir=tests/bench/data
data=$dir/marks-$mb.jsonl

mkdir -p "$dir"
if [ ! -f "$data" ]; then
	${CC:-cc} -O2 -o "$dir/gen" tests/bench/gen.c
	"$dir/gen" "$mb" >"$data.tmp"
	mv "$data.tmp" "$data"
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/dm-marks.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

status=0
# check NAME TOOL ARGS...: the tool of each build over the corpus
check() {
	name=$1
	tool=$2
	shift 2
	"$old/$tool" "$@" <"$data" >"$tmp/old" || true
	"$new/$tool" "$@" <"$data" >"$tmp/new" || true
	if cmp -s "$tmp/old" "$tmp/new"; then
		printf 'same     %s (%s lines)\n' "$name" "$(wc -l <"$tmp/new" | tr -d ' ')"
	else
		printf 'DIFFERS  %s\n' "$name"
		diff "$tmp/old" "$tmp/new" | head -6
		status=1
	fi
}

for p in 'gopher()' 'gopher_rep()' 'c4()' 'fineweb()' \
    'c4(split_paragraph=false)' \
    'gopher() && gopher_rep() && c4() && fineweb()'; do
	check "dm-filter --mark q '$p'" dm-filter --mark q "$p"
done
check "dm-map c4" dm-map c4
check "dm-map 'c4 split_paragraph=false'" dm-map 'c4 split_paragraph=false'
exit $status
