#!/usr/bin/python3
# mkemoji.py - write src/emoji.h, the emoji that remove-emoji removes
#
# usage: /usr/bin/python3 src/mkemoji.py >src/emoji.h
#
# The list is the keys of EMOJI_DATA of the Python emoji package (Debian's
# python3-emoji), the table that DataMate's EmojiCleaner searches through
# emoji.replace_emoji: every fully-qualified, minimally-qualified and
# unqualified emoji sequence of Unicode's emoji-test.txt that the package
# knows, with its aliases. They are written sorted by their UTF-8 bytes
# (which is code point order), as ops/remove-emoji.c searches them.
import sys

import emoji
from emoji.unicode_codes import EMOJI_DATA


def cstring(s):
    out = []
    for b in s.encode('utf-8'):
        if 0x20 <= b < 0x7F and b not in (0x22, 0x5C, 0x3F):
            out.append(chr(b))
        else:
            out.append('\\%03o' % b)
    return '"' + ''.join(out) + '"'


def main():
    keys = sorted(EMOJI_DATA, key=lambda k: k.encode('utf-8'))
    w = sys.stdout.write
    w('/* emoji.h - the emoji of the emoji package %s (EMOJI_DATA); '
      'written by src/mkemoji.py */\n' % emoji.__version__)
    w('#define DM_EMOJI_VERSION\t"%s"\n' % emoji.__version__)
    w('static const char *const dm_emoji[] = {\n')
    for k in keys:
        w('\t%s,\n' % cstring(k))
    w('};\n')


if __name__ == '__main__':
    main()
