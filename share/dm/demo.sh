#!/bin/sh
# demo.sh - what `make demo` runs: real dm pipelines on the bundled corpus
#
# Runs from any directory: it works from the folder two levels above it,
# the top of the source tree once `make` has built bin/, or the PREFIX it
# was installed under (DM_BINDIR names another directory of binaries).
# Exits non-zero when a step fails.
set -eu

if [ -n "${DM_BINDIR:-}" ]; then
	DM_BINDIR=$(cd "$DM_BINDIR" && pwd) ||
	    { echo "demo: DM_BINDIR is not a directory" >&2; exit 2; }
fi
cd "$(dirname "$0")/../.."

BIN=${DM_BINDIR:-bin}
CORPUS=share/dm/corpus/corpus.jsonl
SCRIPT='clean-html; remove-urls; remove-emails; normalize-ws; collapse-ws'

die() { echo "demo: $*" >&2; exit 2; }
if [ ! -x "$BIN/dm-map" ] || [ ! -x "$BIN/dm-filter" ] || [ ! -x "$BIN/dm" ] ||
    [ ! -x "$BIN/dm-scan" ] || [ ! -x "$BIN/dm-run" ] || [ ! -x "$BIN/dm-stats" ]; then
	die "no binaries in $BIN/: run make first"
fi
[ -r "$CORPUS" ] || die "$CORPUS is missing"
BIN=$(cd "$BIN" && pwd)
has_jq=; command -v jq >/dev/null 2>&1 && has_jq=1

tmp=$(mktemp -d "${TMPDIR:-/tmp}/dm-demo.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ -t 1 ]; then
	say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
else
	say() { printf '\n== %s\n' "$*"; }
fi
indent() { sed 's/^/    /'; }

# lines FILE ID JQ-FILTER: the lines of the text of sample ID that the
# filter (applied to the array of lines) selects; raw JSON without jq.
lines() {
	if [ -n "$has_jq" ]; then
		jq -r --arg id "$2" "select(.id == \$id) | .text | split(\"\\n\") | $3 | .[]" "$1"
	else
		grep -F "\"id\":\"$2\"" "$1" | cut -c 1-300
	fi | indent
}

say "The corpus: 32 files of Debian's documentation (licences in share/dm/corpus/LICENSES)"
n=$(wc -l <"$CORPUS")
bytes=$(wc -c <"$CORPUS")
echo "$CORPUS: $n samples, $bytes bytes; the first three:"
if [ -n "$has_jq" ]; then
	jq -r '"  \(.id)  (\(.text | length) characters)"' "$CORPUS" | head -n 3
else
	cut -c 1-100 "$CORPUS" | head -n 3
fi

say "Where samples come from: dm-scan turns the corpus folders into samples"
echo "  cd share/dm/corpus && bin/dm-scan html text > scan.jsonl"
(cd share/dm/corpus && "$BIN/dm-scan" html text) >"$tmp/scan.jsonl" ||
	die "dm-scan failed"
echo "  $(wc -l <"$tmp/scan.jsonl") samples; the first one without its text:"
if [ -n "$has_jq" ]; then
	jq -c 'del(.text)' "$tmp/scan.jsonl" | head -n 1 | indent
	jq -r .text "$tmp/scan.jsonl" >"$tmp/scan.text"
	jq -r .text "$CORPUS" >"$tmp/corpus.text"
	cmp -s "$tmp/scan.text" "$tmp/corpus.text" ||
		die "dm-scan's texts differ from $CORPUS"
	echo "  the same texts, in the same order, as $CORPUS"
else
	cut -c 1-160 "$tmp/scan.jsonl" | head -n 1 | indent
fi

say "The operators (bin/dm ops)"
"$BIN/dm" ops

say "The pipeline"
echo "  bin/dm-map '$SCRIPT' \\"
echo "      $CORPUS > out.jsonl"
status=0
"$BIN/dm-map" "$SCRIPT" "$CORPUS" >"$tmp/out.jsonl" || status=$?
[ "$status" -eq 0 ] || die "dm-map failed with status $status"
out=$(wc -l <"$tmp/out.jsonl")
obytes=$(wc -c <"$tmp/out.jsonl")
[ "$out" -eq "$n" ] || die "expected $n samples out, got $out"
changed=$(awk 'NR == FNR { a[FNR] = $0; next } a[FNR] != $0 { c++ } END { print c + 0 }' \
	"$CORPUS" "$tmp/out.jsonl")
links_in=$(grep -o 'https\{0,1\}://' "$CORPUS" | wc -l)
links_out=$(grep -o 'https\{0,1\}://' "$tmp/out.jsonl" | wc -l)
echo "  $n samples in ($bytes bytes), $out out ($obytes bytes), $changed changed"
echo "  http(s) links: $links_in before, $links_out after"

say "Before and after: a list of contributors"
lines "$CORPUS" grep-THANKS.txt '.[6:10]'
echo "  becomes"
lines "$tmp/out.jsonl" grep-THANKS.txt '.[5:9]'

say "Before and after: a README"
lines "$CORPUS" jq-README.md '.[0:7]'
echo "  becomes"
lines "$tmp/out.jsonl" jq-README.md '.[0:6]'

say "Non-ASCII text is handled as characters"
lines "$tmp/out.jsonl" man-db-THANKS.txt '.[-3:]'
echo "  bin/dm map 'upper' (full Unicode case mapping):"
grep -F '"id":"man-db-THANKS.txt"' "$tmp/out.jsonl" | "$BIN/dm" map 'upper' >"$tmp/one.jsonl" ||
	die "dm map failed"
lines "$tmp/one.jsonl" man-db-THANKS.txt '.[-3:]'

say "More operators: an id from the content, then only the fields wanted"
echo "  bin/dm map 'hash field=digest algo=xxh64; truncate 30; keep fields=id,digest,text'"
"$BIN/dm" map 'hash field=digest algo=xxh64; truncate 30; keep fields=id,digest,text' \
	"$tmp/out.jsonl" >"$tmp/ids.jsonl" || die "dm map failed"
head -n 3 "$tmp/ids.jsonl" | indent

say "Keep the prose: dm-filter with text statistics"
RULE='words >= 50 && alnum_ratio >= 0.25 && stopword_ratio("en") >= 0.3'
echo "  bin/dm-filter --count '$RULE' out.jsonl"
status=0
"$BIN/dm-filter" --count "$RULE" "$tmp/out.jsonl" >"$tmp/prose.jsonl" 2>"$tmp/err" ||
	status=$?
[ "$status" -eq 0 ] || die "dm-filter failed with status $status"
indent <"$tmp/err"
kept=$(wc -l <"$tmp/prose.jsonl")
[ "$kept" -gt 0 ] && [ "$kept" -lt "$out" ] || die "expected some samples kept, not all: $kept"
echo "  kept lines are written as they came in: $(grep -c -F -x -f "$tmp/prose.jsonl" "$tmp/out.jsonl") of $kept found verbatim in out.jsonl"
echo
echo "  --mark keeps every sample and records the verdict; the statistics of the"
echo "  samples that fail, written by dm-map's stats operator:"
echo "  bin/dm-filter --mark prose '...' out.jsonl |"
echo "      bin/dm-map 'stats names=words,alnum_ratio,stopword_ratio; keep fields=id,prose,stats'"
"$BIN/dm-filter" --mark prose "$RULE" "$tmp/out.jsonl" |
	"$BIN/dm-map" 'stats names=words,alnum_ratio,stopword_ratio; keep fields=id,prose,stats' \
	>"$tmp/marked.jsonl" || die "dm-filter --mark | dm-map failed"
grep -F '"prose":false' "$tmp/marked.jsonl" | indent

say "Whole quality filters: datatrove's Gopher, C4 and FineWeb rules"
QUALITY='gopher() && gopher_rep() && c4() && fineweb()'
echo "  bin/dm-filter --mark quality '$QUALITY' out.jsonl"
echo "  (the verdicts, counted; a failure names the predicate and its rule)"
"$BIN/dm-filter" --mark quality "$QUALITY" "$tmp/out.jsonl" >"$tmp/quality.jsonl" ||
	die "dm-filter --mark failed"
grep -o '"quality":[^,}]*' "$tmp/quality.jsonl" | sed 's/^"quality"://' |
	sort | uniq -c | sort -rn | indent

say "Chunks for a retrieval index: dm-slice"
echo "  bin/dm-slice --recursive --size 400 --overlap 50 prose.jsonl"
echo "  (LangChain's recursive splitter; each chunk keeps its parent's fields)"
"$BIN/dm-slice" --recursive --size 400 --overlap 50 "$tmp/prose.jsonl" \
	>"$tmp/chunks.jsonl" || die "dm-slice failed"
nchunks=$(wc -l <"$tmp/chunks.jsonl")
[ "$nchunks" -gt "$kept" ] || die "expected more chunks than samples: $nchunks"
echo "  $kept samples became $nchunks chunks; the first two:"
head -n 2 "$tmp/chunks.jsonl" | cut -c 1-160 | indent

say "The same pipeline in parallel blocks: dm-run"
echo "  bin/dm-run -j 2 --lines 4 -- \"bin/dm-map '$SCRIPT'\" \\"
echo "      $CORPUS > run.jsonl"
"$BIN/dm-run" -j 2 --lines 4 -- "\"$BIN/dm-map\" '$SCRIPT'" "$CORPUS" \
	>"$tmp/run.jsonl" || die "dm-run failed"
cmp -s "$tmp/run.jsonl" "$tmp/out.jsonl" ||
	die "dm-run's output differs from the serial run's"
echo "  $(($(wc -l <"$CORPUS") / 4)) jobs of 4 lines, merged in input order:" \
	"byte for byte the output of the serial run"

say "Duplicates: dm-dedup"
echo "  out.jsonl twice, the second copy upper-cased with dm-map 'upper':"
echo "  bin/dm-dedup --exact both.jsonl; bin/dm-dedup --near --mark dup both.jsonl"
[ -x "$BIN/dm-dedup" ] || die "no dm-dedup in $BIN/: run make first"
"$BIN/dm-map" upper "$tmp/out.jsonl" >"$tmp/upper.jsonl" || die "dm-map upper failed"
cat "$tmp/out.jsonl" "$tmp/upper.jsonl" >"$tmp/both.jsonl"
nboth=$(wc -l <"$tmp/both.jsonl")
nexact=$("$BIN/dm-dedup" --exact "$tmp/both.jsonl" | wc -l) || die "dm-dedup --exact failed"
nnear=$("$BIN/dm-dedup" --near "$tmp/both.jsonl" | wc -l) || die "dm-dedup --near failed"
echo "  $nboth samples in; --exact keeps $nexact (case differs), --near keeps $nnear (it lower-cases first)"
[ "$nnear" -lt "$nexact" ] || die "expected --near to remove the upper-cased copies"
"$BIN/dm-dedup" --near --mark dup "$tmp/both.jsonl" |
	grep -v '"dup":null' | head -n 2 |
	sed 's/^\(.\{60\}\).*\("dup":.*\)$/\1 ... \2/' | indent
echo "  the same as stages (sign, pairs, cluster, apply), as dm-run would spread them:"
(
	cd "$tmp" && mkdir shards &&
	head -n "$((nboth / 2))" both.jsonl >shards/a.jsonl &&
	tail -n "+$((nboth / 2 + 1))" both.jsonl >shards/b.jsonl &&
	for f in shards/a.jsonl shards/b.jsonl; do
		"$BIN/dm-dedup" sign --near -o sig "$f" || exit 1
	done &&
	"$BIN/dm-dedup" pairs sig -o pairs && "$BIN/dm-dedup" cluster pairs -o rm &&
	{ "$BIN/dm-dedup" apply rm shards/a.jsonl && "$BIN/dm-dedup" apply rm shards/b.jsonl; } >staged.jsonl &&
	"$BIN/dm-dedup" --near shards/a.jsonl shards/b.jsonl | cmp -s - staged.jsonl
) || die "the staged dm-dedup differs from the single command"
echo "  $(ls "$tmp/sig" | wc -l) bands signed per shard; the staged output is byte for byte the single command's"

say "Bad input never vanishes"
{
	head -n 1 "$tmp/ids.jsonl"
	echo '{"id":"broken","text":'
	echo '{"id":"number","text":42}'
	sed -n 2p "$tmp/ids.jsonl"
} >"$tmp/bad.jsonl"
echo "  a good sample, a cut-off line, a text that is a number, a good sample:"
echo "  bin/dm-map --on-error=skip --rejects rejects.jsonl strip bad.jsonl"
status=0
(cd "$tmp" && "$BIN/dm-map" --on-error=skip --rejects rejects.jsonl strip \
	bad.jsonl >good.jsonl 2>err) || status=$?
indent <"$tmp/err"
echo "  exit status $status, $(wc -l <"$tmp/good.jsonl") samples out; rejects.jsonl keeps each line:"
indent <"$tmp/rejects.jsonl"
[ "$status" -eq 1 ] || die "expected exit status 1 for rejected samples, got $status"

say "Documents: dm-scan --extract reads their text"
# a DOCX made here with pandoc (make deps installs it)
cat >"$tmp/memo.md" <<'MD'
---
title: Release memo
author: The dm team
---

# Summary

Documents become **samples**: one block a line.

- headings, paragraphs
- list items and table cells
MD
command -v pandoc >/dev/null 2>&1 || die "pandoc is missing: run make deps"
pandoc -s "$tmp/memo.md" -o "$tmp/memo.docx" || die "pandoc failed"
echo "  pandoc -s memo.md -o memo.docx; bin/dm-scan --extract memo.docx"
(cd "$tmp" && "$BIN/dm-scan" --extract memo.docx) >"$tmp/docs.jsonl" ||
	die "dm-scan --extract failed"
if [ -n "$has_jq" ]; then
	jq -c 'del(.text)' "$tmp/docs.jsonl" | indent
	echo "  its text:"
	jq -r .text "$tmp/docs.jsonl" | indent
else
	cut -c 1-300 "$tmp/docs.jsonl" | indent
fi
grep -q '"text":"Release memo\\nThe dm team\\nSummary\\n' "$tmp/docs.jsonl" ||
	die "the DOCX's text is not the expected one"

# a PDF of two pages made here with groff (make deps installs it); the
# narrow lines make groff break and hyphenate words, which dm-scan joins
cat >"$tmp/report.ms" <<'MS'
.nr LL 3i
.ds CH
.pdfinfo /Title Quarterly report
.pdfinfo /Author The dm team
.NH
Results
.PP
Every document of the quarter was scanned, extracted and deduplicated; the pipeline kept its memory bounded throughout.
.bp
.NH
Next steps
.PP
Language identification and token counts come next.
MS
command -v groff >/dev/null 2>&1 || die "groff is missing: run make deps"
groff -ms -mpdf -Tpdf "$tmp/report.ms" >"$tmp/report.pdf" || die "groff failed"
echo "  groff -ms -mpdf -Tpdf report.ms > report.pdf"
echo "  bin/dm-scan --extract --pdf-pages report.pdf"
(cd "$tmp" && "$BIN/dm-scan" --extract --pdf-pages report.pdf) >"$tmp/pdf.jsonl" ||
	die "dm-scan --extract --pdf-pages failed"
if [ -n "$has_jq" ]; then
	jq -c 'del(.text)' "$tmp/pdf.jsonl" | indent
	echo "  their text:"
	jq -r '"page \(.page): \(.text)"' "$tmp/pdf.jsonl" | indent
else
	cut -c 1-300 "$tmp/pdf.jsonl" | indent
fi
[ "$(wc -l <"$tmp/pdf.jsonl")" -eq 2 ] || die "expected one sample a page of the PDF"
grep -q '"page":1,"pages":2,"title":"Quarterly report","author":"The dm team",.*"text":"1. Results\\nEvery document of the quarter was scanned, extracted and deduplicated; the pipeline kept its memory bounded throughout."' "$tmp/pdf.jsonl" ||
	die "the PDF's first page is not the expected text"

say "What the data looks like: dm-stats"
echo "  bin/dm-stats -s len,words,'stopword_ratio(\"en\")' -c type --depth 1 scan.jsonl"
"$BIN/dm-stats" -s 'len,words,stopword_ratio("en")' -c type --depth 1 \
	"$tmp/scan.jsonl" | indent || die "dm-stats failed"
echo "  (--json for a program, --html report.html for a page with charts)"

say "What each stage did: the pipeline report and its funnel"
echo "  export DM_REPORT=run.jsonl"
echo "  bin/dm-scan html text | bin/dm-map '$SCRIPT' |"
echo "      bin/dm-run -j 2 --lines 8 -- \"bin/dm-filter '$QUALITY'\" |"
echo "      bin/dm-slice --recursive --size 400 > chunks.jsonl"
echo "  bin/dm-stats --funnel run.jsonl"
(
	DM_REPORT=$tmp/run-report.jsonl
	PATH=$BIN:$PATH
	export DM_REPORT PATH
	cd share/dm/corpus
	dm-scan html text | dm-map "$SCRIPT" |
		dm-run -j 2 --lines 8 -- "dm-filter '$QUALITY'" |
		dm-slice --recursive --size 400 >"$tmp/chunks2.jsonl"
) || die "the reported pipeline failed"
"$BIN/dm-stats" --funnel "$tmp/run-report.jsonl" | indent ||
	die "dm-stats --funnel failed"
echo
echo "  Next: bin/dm help, bin/dm ops replace, man -l man/dm-map.1, man -l man/dm-filter.1, man -l man/dm-slice.1, man -l man/dm-scan.1, man -l man/dm-run.1, man -l man/dm-llm.1, man -l man/dm-stats.1, man -l man/dm-dedup.1, make check"
