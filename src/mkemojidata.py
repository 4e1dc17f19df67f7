#!/usr/bin/python3
# mkemojidata.py - write src/emoji.txt, the emoji data remove-emoji follows
#
# usage: src/mkemojidata.py GIT_DIR [TAG] >src/emoji.txt
#        src/mkemojidata.py emoji.json VERSION >src/emoji.txt
#
# The data is emoji/unicode_codes/emoji.json of the Python emoji package
# (github.com/carpedm20/emoji, BSD licence), the EMOJI_DATA that its
# replace_emoji() searches. GIT_DIR is a clone of that repository and TAG
# the release (v2.14.1 when not given); or give the file and its version.
# One line a key: its code points in hexadecimal, its status (1 component,
# 2 fully-qualified, 3 minimally-qualified, 4 unqualified) and the Emoji
# version that brought it ("E"), sorted by code points. The names,
# aliases and translations are left out: replacing an emoji needs none.
import json
import os
import subprocess
import sys


def main():
    if len(sys.argv) < 2 or len(sys.argv) > 3:
        sys.exit('usage: mkemojidata.py GIT_DIR [TAG] | emoji.json VERSION')
    src = sys.argv[1]
    if os.path.isdir(src):
        tag = sys.argv[2] if len(sys.argv) == 3 else 'v2.14.1'
        raw = subprocess.run(
            ['git', '--git-dir=' + src, 'show',
             tag + ':emoji/unicode_codes/emoji.json'],
            check=True, stdout=subprocess.PIPE).stdout
        commit = subprocess.run(
            ['git', '--git-dir=' + src, 'rev-parse', tag + '^{commit}'],
            check=True, stdout=subprocess.PIPE).stdout.decode().strip()
        version = tag.lstrip('v')
        origin = 'carpedm20/emoji %s (commit %s)' % (tag, commit)
    else:
        if len(sys.argv) != 3:
            sys.exit('mkemojidata.py: give the version of %s' % src)
        with open(src, 'rb') as f:
            raw = f.read()
        version = sys.argv[2]
        origin = 'carpedm20/emoji %s' % version
    data = json.loads(raw)
    emax = max(d['E'] for d in data.values())
    w = sys.stdout.write
    w('# emoji.txt - the keys of EMOJI_DATA of the Python emoji package %s\n'
      '# (Emoji %.1f), from emoji/unicode_codes/emoji.json of\n'
      '# %s;\n' % (version, float(emax), origin))
    w('# BSD licence, Copyright (c) 2014-2025, Taehoon Kim, Kevin Wurster.\n')
    w('# Written by src/mkemojidata.py. A line: code points, status\n')
    w('# (1 component, 2 fully-, 3 minimally-qualified, 4 unqualified), E.\n')
    w('version %s\n' % version)
    for k in sorted(data, key=lambda k: [ord(c) for c in k]):
        d = data[k]
        w('%s\t%d\t%s\n' % (' '.join('%04X' % ord(c) for c in k),
                            d['status'], d['E']))


if __name__ == '__main__':
    main()
