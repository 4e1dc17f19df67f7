#!/bin/sh
# update.sh - regenerate the stop-word and flagged-word lists
#
# Usage: sh share/dm/wordlists/update.sh
#
# The default lists, stopwords/LANG.txt and flagged/LANG.txt, are the ones
# Data-Juicer uses: BigScience's ROOTS lists, stopwords.py and
# flagged_words.py of github.com/bigscience-workshop/data-preparation at
# the commit below, fetched with curl and read with python3. Each entry is
# kept exactly as written there (Data-Juicer compares its refined words
# with the entries as they are), phrases too, which the words joined by
# use_words_aug (aug= and join=" ") can equal; no duplicates, sorted by
# byte value (none holds a line break).
#
# The named lists, stopwords-iso/LANG.txt and flagged-ldnoobw/LANG.txt,
# come from the npm packages below, fetched with `npm pack` and extracted
# with tar: one word per line, UTF-8, lower-cased (as dm lower-cases the
# words it looks up), without duplicates, sorted by byte value, phrases
# left out. Needs curl, python3, npm and node.
set -eu

STOPWORDS_PKG=stopwords-iso@1.1.0
FLAGGED_PKG=naughty-words@1.2.0
LANGS="en de fr es it pt nl ru zh ja"
ROOTS_COMMIT=26e70a3d083fa42b239b7d795c2d989b23baeb4f
ROOTS_URL=https://raw.githubusercontent.com/bigscience-workshop/data-preparation/$ROOTS_COMMIT/preprocessing/training/01b_oscar_cleaning_and_filtering

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

mkdir -p "$here/stopwords-iso" "$here/flagged-ldnoobw"
for lang in $LANGS; do
	node -e "const j = require('./stopwords/package/stopwords-iso.json');
	    if (!j['$lang']) process.exit(1);
	    process.stdout.write(JSON.stringify(j['$lang']));" |
	    node words.js >"$here/stopwords-iso/$lang.txt"
	node words.js <"flagged/package/$lang.json" \
	    >"$here/flagged-ldnoobw/$lang.txt"
done

# roots.py FILE NAME DIR: writes DIR/LANG.txt for each language of the
# dictionary NAME that FILE defines.
cat >roots.py <<'PY'
import importlib.util
import sys

spec = importlib.util.spec_from_file_location(sys.argv[2], sys.argv[1])
mod = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mod)
for lang, words in getattr(mod, sys.argv[2]).items():
    keep = sorted({w.encode("utf-8") for w in words
                   if w and not any(c in w for c in "\n\r")})
    with open("%s/%s.txt" % (sys.argv[3], lang), "wb") as f:
        f.write(b"".join(w + b"\n" for w in keep))
PY
curl -fsSL -o roots-stopwords.py "$ROOTS_URL/stopwords.py"
curl -fsSL -o roots-flagged.py "$ROOTS_URL/flagged_words.py"
rm -rf "$here/stopwords" "$here/flagged"
mkdir -p "$here/stopwords" "$here/flagged"
python3 roots.py roots-stopwords.py stopwords "$here/stopwords"
python3 roots.py roots-flagged.py flagged_words "$here/flagged"
echo "wrote the lists to $here"
