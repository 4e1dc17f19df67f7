#!/bin/sh
# demo.sh - what `make demo` runs: a real dm pipeline on the bundled corpus
#
# Run from the top of the source tree once `make` has built bin/.
# Exits non-zero when a step fails.
set -eu

BIN=${DM_BINDIR:-bin}
CORPUS=share/dm/corpus/corpus.jsonl
SCRIPT='remove-urls; remove-emails; normalize-ws; collapse-ws; truncate 200'

die() { echo "demo: $*" >&2; exit 2; }
[ -x "$BIN/dm-map" ] || die "$BIN/dm-map is missing: run make first"
[ -r "$CORPUS" ] || die "$CORPUS is missing"
has_jq=; command -v jq >/dev/null 2>&1 && has_jq=1

tmp=$(mktemp -d "${TMPDIR:-/tmp}/dm-demo.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
[ -t 1 ] || say() { printf '\n== %s\n' "$*"; }

# The text of the sample whose id is $2 in file $1, cut to $3 characters.
show() {
	if [ -n "$has_jq" ]; then
		jq -r --arg id "$2" --argjson n "$3" \
			'select(.id == $id) | .text[0:$n]' "$1"
	else
		grep -F "\"id\":\"$2\"" "$1" | cut -c "1-$3"
	fi | sed 's/^/    | /'
}

say "The corpus: Debian documentation, licences in share/dm/corpus/LICENSES"
n=$(wc -l <"$CORPUS")
bytes=$(wc -c <"$CORPUS")
echo "$CORPUS: $n samples, $bytes bytes"
if [ -n "$has_jq" ]; then
	jq -r '"  \(.id)\t\(.text | length) characters"' "$CORPUS" | head -n 8
	echo "  ..."
fi

say "The operators dm-map knows (bin/dm ops)"
"$BIN/dm" ops

say "The pipeline"
echo "  bin/dm-map '$SCRIPT' \\"
echo "      $CORPUS > out.jsonl"
start=$(date +%s)
"$BIN/dm-map" "$SCRIPT" "$CORPUS" >"$tmp/out.jsonl" ||
	die "dm-map failed with status $?"
end=$(date +%s)
out=$(wc -l <"$tmp/out.jsonl")
obytes=$(wc -c <"$tmp/out.jsonl")
[ "$out" -eq "$n" ] || die "expected $n samples out, got $out"
echo "  $n samples in ($bytes bytes), $out out ($obytes bytes), $((end - start)) s"

say "Before and after: a list of contributors (e-mail addresses removed)"
show "$CORPUS" grep-THANKS.txt 400
echo "    becomes"
show "$tmp/out.jsonl" grep-THANKS.txt 200

say "Before and after: a README (links removed, white space collapsed)"
show "$CORPUS" jq-README.md 420
echo "    becomes"
show "$tmp/out.jsonl" jq-README.md 200

say "Non-ASCII text goes through whole (truncation counts characters)"
show "$tmp/out.jsonl" publicsuffix-test_psl.txt 200

say "Bad input never vanishes"
{ head -n 2 "$CORPUS"; echo '{"id":"broken","text":'; echo '{"id":"n","text":42}'; } >"$tmp/bad.jsonl"
echo "  two good samples, a cut-off line and a text that is a number:"
status=0
"$BIN/dm-map" --on-error=skip --rejects "$tmp/rejects.jsonl" 'strip' \
	"$tmp/bad.jsonl" >/dev/null 2>"$tmp/err" || status=$?
sed 's/^/    /' "$tmp/err"
echo "  exit status $status; the rejects file keeps each line and its reason:"
if [ -n "$has_jq" ]; then
	jq -c '{line, reason, raw}' "$tmp/rejects.jsonl" | sed 's/^/    /'
else
	sed 's/^/    /' "$tmp/rejects.jsonl"
fi
[ "$status" -eq 1 ] || die "expected exit status 1 for rejected samples, got $status"

say "Done"
echo "  Try: bin/dm-map --help, bin/dm ops replace, man -l man/dm-map.1"
