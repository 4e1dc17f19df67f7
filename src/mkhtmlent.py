#!/usr/bin/python3
# mkhtmlent.py - write src/htmlent.h, the named character references of HTML5
#
# usage: /usr/bin/python3 src/mkhtmlent.py >src/htmlent.h
#
# The table is Python's html.entities.html5, which is the WHATWG's (2125
# names with a ';', 106 of them also read without one) and the one
# html5lib decodes text with. ops/clean-html.c uses it.
import html.entities
import sys

t = html.entities.html5


def cstring(s):
    out = ""
    for ch in s.encode("utf-8"):
        if ch == 0x22 or ch == 0x5C:
            out += "\\" + chr(ch)
        elif 0x20 <= ch < 0x7F and ch != 0x3F:
            out += chr(ch)
        else:
            out += "\\%03o" % ch
    return '"%s"' % out


names = sorted((k[:-1] for k in t if k.endswith(";")), key=lambda k: k.encode())
assert all(k + ";" in t for k in t if not k.endswith(";"))
w = sys.stdout.write
w("/* htmlent.h - HTML5's named character references; made by "
  "src/mkhtmlent.py,\n * do not edit */\n")
w("#ifndef DM_HTMLENT_H\n#define DM_HTMLENT_H\n\n")
w("/*\n * Sorted by strcmp of the name, which is without its ';'. val is what\n"
  " * it stands for, UTF-8, one or two code points; legacy marks the names\n"
  " * also read without a ';' (\"&copy2021\").\n */\n")
# arrays, not pointers: a pointer is a relocation at each start
nmax = max(len(k.encode()) for k in names) + 1
vmax = max(len(t[k + ";"].encode()) for k in names) + 1
w("static const struct htmlent {\n\tchar\t\t name[%d], val[%d];"
  "\t/* arrays: no relocation at start */\n"
  "\tint\t\t legacy;\n} htmlent[] = {\n" % (nmax, vmax))
for k in names:
    w("\t{ %s, %s, %d },\n" % (cstring(k), cstring(t[k + ";"]),
                               1 if k in t else 0))
w("};\n\n#endif\n")
