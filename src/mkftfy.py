#!/usr/bin/python3
# mkftfy.py - write src/ftfy.h, the data of ftfy's mojibake detection
#
# usage: /usr/bin/python3 src/mkftfy.py FTFY_CHECKOUT >src/ftfy.h
#
# FTFY_CHECKOUT is a checkout of github.com/rspeer/python-ftfy (wcwidth,
# Debian's python3-wcwidth, is its one dependency). What is taken is data,
# as ftfy computes it: the patterns of its badness heuristic and of its
# UTF-8 detector, and what bytes 0x80..0xFF and 0x1A decode to in each of
# its single-byte encodings (its "sloppy" codecs included). The logic that
# uses them is ops/fix-unicode.c.
import sys

sys.path.insert(0, sys.argv[1])
import ftfy  # noqa: E402,F401
import ftfy.bad_codecs  # noqa: E402,F401
from ftfy import badness, chardata  # noqa: E402


def cstring(s):
    toks = []
    for ch in s.encode("utf-8"):
        if ch == 0x22 or ch == 0x5C:
            toks.append("\\" + chr(ch))
        elif 0x20 <= ch < 0x7F and ch != 0x3F:
            toks.append(chr(ch))
        else:
            toks.append("\\%03o" % ch)
    lines, cur = [], ""
    for t in toks:
        if len(cur) + len(t) > 64:
            lines.append(cur)
            cur = ""
        cur += t
    if cur or not lines:
        lines.append(cur)
    return "\n".join('\t"%s"' % line for line in lines)


print("/* ftfy.h - ftfy's mojibake data; made by src/mkftfy.py, do not edit */")
print("#ifndef DM_FTFY_H\n#define DM_FTFY_H\n\n#include <stdint.h>\n")
print("/* ftfy.badness.BADNESS_RE, a verbose pattern */")
print("static const char ftfy_badness[] =\n%s;\n" % cstring(badness.BADNESS_RE.pattern))
print("/* ftfy.chardata.UTF8_DETECTOR_RE, a verbose pattern */")
print("static const char ftfy_utf8_detector[] =\n%s;\n" % cstring(chardata.UTF8_DETECTOR_RE.pattern))
print("/* ftfy.chardata.CHARMAP_ENCODINGS, in ftfy's order */")
print("#define FTFY_NENC\t%d" % len(chardata.CHARMAP_ENCODINGS))
print("static const char *const ftfy_enc_name[FTFY_NENC] = {")
for e in chardata.CHARMAP_ENCODINGS:
    print('\t"%s",' % e)
print("};\n")
print("/* what bytes 0x80..0xFF (0..127) and 0x1A (128) decode to */")
print("static const int32_t ftfy_enc_table[FTFY_NENC][129] = {")
for e in chardata.CHARMAP_ENCODINGS:
    chars = bytes([*range(0x80, 0x100), 0x1A]).decode(e)
    assert len(chars) == 129
    cps = ["0x%04X" % ord(c) for c in chars]
    print("\t{ /* %s */" % e)
    for i in range(0, 129, 8):
        print("\t\t" + ", ".join(cps[i:i + 8]) + ",")
    print("\t},")
print("};\n")
print("#endif")
