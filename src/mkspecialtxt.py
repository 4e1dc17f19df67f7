#!/usr/bin/python3
# mkspecialtxt.py - make share/dm/special-characters.txt from Data-Juicer
#
# Usage: /usr/bin/python3 src/mkspecialtxt.py special_characters.py \
#            share/dm/special-characters.txt > new.txt
#
# Reads the set of Data-Juicer's data_juicer/ops/common/special_characters.py
# (string.punctuation, string.digits, string.whitespace and the
# OTHER_SPECIAL_CHARACTERS string, taken by evaluating that one assignment)
# and writes every code point of it, then copies the emoji section of the
# current list (the single code point keys of emoji.EMOJI_DATA of the emoji
# version Data-Juicer pins, which Debian does not package). Then run
# src/mkspecial.sh to make src/special.h.
import ast
import string
import sys
import unicodedata


def other_special(src):
    tree = ast.parse(src)
    for node in tree.body:
        if (isinstance(node, ast.Assign) and
                getattr(node.targets[0], "id", "") ==
                "OTHER_SPECIAL_CHARACTERS"):
            return ast.literal_eval(node.value)
    sys.exit("mkspecialtxt.py: no OTHER_SPECIAL_CHARACTERS in the source")


def line(c):
    name = unicodedata.name(c, "")
    if not name:
        name = "<control>"
    shown = c if c.isprintable() and not c.isspace() and \
        unicodedata.category(c)[0] != "C" else "-"
    return "U+%04X\t%s\t%s" % (ord(c), shown, name)


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        other = other_special(f.read())
    with open(sys.argv[2], encoding="utf-8") as f:
        old = f.read().split("\n")
    emoji = old[next(i for i, s in enumerate(old)
                     if s.startswith("# emoji")):]
    seen = set()
    out = [
        "# special-characters.txt - the SPECIAL characters of Data-Juicer's",
        "# data_juicer/ops/common/special_characters.py (Apache-2.0), one "
        "code point",
        "# a line: U+XXXX, then the character where it is visible, then "
        "its name.",
        "# Lines starting with # are comments. src/mkspecialtxt.py makes "
        "this file",
        "# from that source, src/mkspecial.sh turns it into the table "
        "src/special.h.",
        "# See share/dm/wordlists/README, \"SPECIAL\".",
    ]
    for title, chars in (("string.punctuation", string.punctuation),
                         ("string.digits", string.digits),
                         ("string.whitespace", string.whitespace),
                         ("OTHER_SPECIAL_CHARACTERS, in its order", other)):
        out.append("")
        out.append("# " + title)
        for c in chars:
            if c not in seen:
                seen.add(c)
                out.append(line(c))
    out.append("")
    sys.stdout.write("\n".join(out + emoji))


main()
