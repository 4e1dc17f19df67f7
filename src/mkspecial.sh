#!/bin/sh
# mkspecial.sh - make src/special.h from share/dm/special-characters.txt
#
# Usage: sh src/mkspecial.sh > src/special.h
#
# The SPECIAL set is data (share/dm/special-characters.txt, one U+XXXX a
# line); stats.c needs it on every character it looks at, so it is compiled
# in rather than read at run time. Run this after editing the list and
# commit both files.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
list=${1:-$here/../share/dm/special-characters.txt}

grep '^U+' "$list" | cut -f1 | sed 's/^U+//' |
while read -r hex; do printf '%d\n' "0x$hex"; done | sort -n -u |
awk '
BEGIN {
	print "/* special.h - the SPECIAL characters, made by mkspecial.sh from"
	print " * share/dm/special-characters.txt: do not edit by hand */"
	print ""
	lo = -1
	m0 = 0; m1 = 0
}
$1 < 64 { a[$1] = 1; next }
$1 < 128 { b[$1 - 64] = 1; next }
{
	if (lo >= 0 && $1 == hi + 1) { hi = $1; next }
	if (lo >= 0) r[nr++] = sprintf("{ 0x%04X, 0x%04X }", lo, hi)
	lo = hi = $1
}
function mask(bits,    i, s, w) {
	# 16 hex digits, bit i of the word is character i
	s = ""
	for (w = 15; w >= 0; w--) {
		v = 0
		for (i = 3; i >= 0; i--)
			v = v * 2 + ((w * 4 + i) in bits ? 1 : 0)
		s = s sprintf("%X", v)
	}
	return "0x" s "ULL"
}
END {
	if (lo >= 0) r[nr++] = sprintf("{ 0x%04X, 0x%04X }", lo, hi)
	print "/* ASCII: bit c of special_ascii[c >> 6] */"
	print "static const uint64_t special_ascii[2] = {"
	print "\t" mask(a) ", " mask(b)
	print "};"
	print ""
	print "/* the rest, as sorted ranges of code points */"
	print "static const int32_t special_ranges[][2] = {"
	for (i = 0; i < nr; i += 3) {
		line = "\t" r[i] ","
		if (i + 1 < nr) line = line " " r[i + 1] ","
		if (i + 2 < nr) line = line " " r[i + 2] ","
		print line
	}
	print "};"
}'
