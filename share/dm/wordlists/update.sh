#!/bin/sh
# update.sh - regenerate the stop-word and flagged-word lists from npm
#
# Usage: sh share/dm/wordlists/update.sh
#
# Fetches the published packages with `npm pack` into a temporary
# directory, extracts them with tar and writes stopwords/LANG.txt and
# flagged/LANG.txt beside this script: one word per line, UTF-8, lower-cased
# (as dm lower-cases the words it looks up), without duplicates, sorted by
# byte value. Entries holding white space are phrases, which a single word
# can never equal, and are left out. Needs npm and node.
set -eu

STOPWORDS_PKG=stopwords-iso@1.1.0
FLAGGED_PKG=naughty-words@1.2.0
LANGS="en de fr es it pt nl ru zh ja"

here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

cd "$tmp"
npm pack --silent "$STOPWORDS_PKG" "$FLAGGED_PKG" >/dev/null
mkdir stopwords flagged
tar -xzf stopwords-iso-*.tgz -C stopwords
tar -xzf naughty-words-*.tgz -C flagged

# words.js KIND < JSON array: prints the cleaned list, one word a line.
cat >words.js <<'JS'
let s = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => { s += d; });
process.stdin.on('end', () => {
	const seen = new Set();
	for (const w of JSON.parse(s)) {
		const t = String(w).trim().toLowerCase();
		if (t !== '' && !/\s/u.test(t))
			seen.add(t);
	}
	// byte order of the UTF-8 encoding, as `LC_ALL=C sort` gives
	const out = [...seen].map((w) => Buffer.from(w, 'utf8'));
	out.sort(Buffer.compare);
	process.stdout.write(out.map((b) => b.toString('utf8') + '\n').join(''));
});
JS

mkdir -p "$here/stopwords" "$here/flagged"
for lang in $LANGS; do
	node -e "const j = require('./stopwords/package/stopwords-iso.json');
	    if (!j['$lang']) process.exit(1);
	    process.stdout.write(JSON.stringify(j['$lang']));" |
	    node words.js >"$here/stopwords/$lang.txt"
	node words.js <"flagged/package/$lang.json" >"$here/flagged/$lang.txt"
done
echo "wrote $(echo $LANGS | wc -w) languages to $here"
