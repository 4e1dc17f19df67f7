#!/usr/bin/python3
# emojiref.py - replace_emoji(text, '') of the Python emoji package 2.14
#
# usage: emojiref.py [--installed] < samples.jsonl
#        import emojiref; emojiref.Remover(emojiref.load()).line(s)
#
# DataMate's EmojiCleaner asks for emoji >= 2.15, whose replace_emoji goes
# through emoji/tokenizer.py's tokenize(keep_zwj=False); Debian has only
# emoji 2.2.0. This is that walk written again from its description, over
# the keys of src/emoji.txt (or, with --installed, over EMOJI_DATA of the
# package Debian installs, to be checked against that package):
#  - at a character that starts a key, follow the characters as long as
#    they stay the start of some key, stopping at a joiner (U+200D) that
#    was set aside; if what was read is a key it is one emoji, else the
#    character is kept as itself;
#  - U+FE0E and U+FE0F that no emoji took are dropped;
#  - a joiner right after a character that starts a key, when the last
#    pending piece is a key, is set aside (dropped) and the reading goes
#    back: before that piece, or, when the piece is a component (skin tone,
#    hair), back over the two last pieces (one if that lands on a joiner),
#    which are read again;
#  - any other character hands over the pieces pending so far.
# Positions are counted in code points, as Python's str does.
import json
import os
import sys

ZWJ = '\u200d'
COMPONENT = 1
HERE = os.path.dirname(os.path.abspath(__file__))


def load(path=None):
    """{key: status} from src/emoji.txt (path) or EMOJI_DATA installed."""
    if path == 'installed':
        from emoji.unicode_codes import EMOJI_DATA
        return {k: v['status'] for k, v in EMOJI_DATA.items()}
    keys = {}
    with open(path or os.path.join(HERE, '..', 'src', 'emoji.txt')) as f:
        for line in f:
            if line.startswith('#') or line.startswith('version'):
                continue
            cps, status = line.rstrip('\n').split('\t')[:2]
            keys[''.join(chr(int(c, 16)) for c in cps.split())] = int(status)
    return keys


class Remover:
    def __init__(self, keys):
        self.keys = keys
        self.starts = {k[0] for k in keys}
        self.prefixes = {k[:n] for k in keys for n in range(1, len(k) + 1)}

    def line(self, s):
        """One line (no newline) with its emoji removed."""
        out = []
        pending = []		# [text, is_emoji] not yet handed over
        aside = set()		# positions of joiners set aside
        i, n = 0, len(s)
        while i < n:
            c = s[i]
            if i in aside:
                i += 1
                continue
            if c in self.starts:
                end = i + 1
                while (end < n and s[i:end + 1] in self.prefixes
                       and end not in aside):
                    end += 1
                if s[i:end] in self.keys:
                    pending.append([s[i:end], True])
                    i = end
                    continue
            elif (c == ZWJ and pending and pending[-1][0] in self.keys
                  and i > 0 and s[i - 1] in self.starts):
                aside.add(i)
                last = pending[-1][0]
                if self.keys[last] == COMPONENT:
                    i -= sum(len(p[0]) for p in pending[-2:])
                    if s[i] == ZWJ:
                        i += 1
                        del pending[-1:]
                    else:
                        del pending[-2:]
                else:
                    i -= len(last)
                    del pending[-1:]
                continue
            else:
                out.extend(p[0] for p in pending if not p[1])
                pending = []
            if c != '\ufe0e' and c != '\ufe0f':
                pending.append([c, False])
            i += 1
        out.extend(p[0] for p in pending if not p[1])
        return ''.join(out)

    def text(self, text):
        """EmojiCleaner: each line of text on its own."""
        return '\n'.join(self.line(s) for s in text.split('\n'))


def main():
    args = sys.argv[1:]
    r = Remover(load('installed' if args == ['--installed'] else None))
    for line in sys.stdin:
        s = json.loads(line)
        s['text'] = r.text(s['text'])
        print(json.dumps(s, ensure_ascii=False, separators=(',', ':')))


if __name__ == '__main__':
    main()
