#!/bin/sh
# make-jsonl.sh - regenerate corpus.jsonl from the files of the demo corpus
#
# One sample per file, in path order:
#   {"id":"<file name>","path":"<path relative to this directory>","text":"<content>"}
# Needs jq. Run from anywhere: the paths are relative to this script's directory.
set -eu
LC_ALL=C
export LC_ALL

cd "$(dirname "$0")"
command -v jq >/dev/null 2>&1 || { echo "make-jsonl.sh: jq is required" >&2; exit 2; }

tmp=corpus.jsonl.tmp
trap 'rm -f "$tmp"' EXIT
for f in html/* text/*; do
	[ -f "$f" ] || continue
	jq -c -Rs --arg id "${f##*/}" --arg path "$f" \
		'{id: $id, path: $path, text: .}' "$f"
done >"$tmp"
mv "$tmp" corpus.jsonl
trap - EXIT
echo "corpus.jsonl: $(wc -l <corpus.jsonl) samples"
