#!/usr/bin/python3
# mkftfy.py - write src/ftfy.h, the data of ftfy's mojibake detection
#
# usage: /usr/bin/python3 src/mkftfy.py FTFY_CHECKOUT >src/ftfy.h
#
# FTFY_CHECKOUT is a checkout of github.com/rspeer/python-ftfy (wcwidth,
# Debian's python3-wcwidth, is its one dependency). What is taken is data,
# as ftfy computes it: the patterns of its badness heuristic and of its
# UTF-8 detector, and what bytes 0x80..0xFF and 0x1A decode to in each of
# its single-byte encodings (its "sloppy" codecs included), its table of
# HTML entities, and the character references Python's html.unescape (which
# ftfy calls for them) treats specially. The logic that uses them is
# ops/fix-unicode.c.
import html
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
print("/* ftfy.chardata.HTML_ENTITIES, sorted by name (\"&amp;\") */")
# arrays, not pointers: a pointer is a relocation at each start
print("static const struct ftfy_entity {\n\tchar\t\t name[%d], val[%d];"
      "\t/* arrays: no relocation at start */\n} ftfy_entities[] = {" % (
          max(len(k.encode()) for k in chardata.HTML_ENTITIES) + 1,
          max(len(v.encode()) for v in chardata.HTML_ENTITIES.values()) + 1))
for name in sorted(chardata.HTML_ENTITIES, key=lambda k: k.encode()):
    print("\t{ %s, %s }," % (cstring(name).strip(), cstring(chardata.HTML_ENTITIES[name]).strip()))
print("};\n")
print("/* html._invalid_charrefs: what those numeric references become */")
print("static const int32_t ftfy_charref_fix[][2] = {")
for k in sorted(html._invalid_charrefs):
    print("\t{ 0x%X, 0x%X }," % (k, ord(html._invalid_charrefs[k])))
print("};\n")
print("/* html._invalid_codepoints: references that become nothing */")
print("static const int32_t ftfy_charref_drop[] = {")
cps = sorted(html._invalid_codepoints)
for i in range(0, len(cps), 6):
    print("\t" + ", ".join("0x%X" % c for c in cps[i:i + 6]) + ",")
print("};\n")
print("#endif")
