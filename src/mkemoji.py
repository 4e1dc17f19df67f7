#!/usr/bin/python3
# mkemoji.py - write src/emoji.h, the emoji that remove-emoji removes
#
# usage: python3 src/mkemoji.py <src/emoji.txt >src/emoji.h
#
# src/emoji.txt (written by src/mkemojidata.py) holds the keys of EMOJI_DATA
# of the Python emoji package that DataMate's EmojiCleaner runs through
# emoji.replace_emoji: every fully-qualified, minimally-qualified,
# unqualified and component emoji sequence of Unicode's emoji-test.txt
# that the package knows, with its status. They are written sorted by
# their UTF-8 bytes (which is code point order), as ops/remove-emoji.c
# searches them, each with its length and status, and the code points
# that start one, with the keys each starts (and as a bitmap below
# U+10000).
import sys


def cstring(s):
    out = []
    for b in s.encode('utf-8'):
        if 0x20 <= b < 0x7F and b not in (0x22, 0x5C, 0x3F):
            out.append(chr(b))
        else:
            out.append('\\%03o' % b)
    return '"' + ''.join(out) + '"'


def main():
    version = None
    keys = []
    for line in sys.stdin:
        if line.startswith('#'):
            continue
        f = line.split()
        if f[0] == 'version':
            version = f[1]
            continue
        cps, status = line.rstrip('\n').split('\t')[:2]
        keys.append((''.join(chr(int(c, 16)) for c in cps.split()),
                     int(status)))
    if any(len(k.encode('utf-8')) > 255 for k, _ in keys):
        sys.exit('mkemoji.py: a key longer than 255 bytes')
    if version is None or not keys:
        sys.exit('mkemoji.py: no version line or no emoji in the input')
    keys.sort(key=lambda k: k[0].encode('utf-8'))
    w = sys.stdout.write
    w('/* emoji.h - the emoji of the emoji package %s (EMOJI_DATA); '
      'written by src/mkemoji.py */\n' % version)
    w('#define DM_EMOJI_VERSION\t"%s"\n' % version)
    w('#define DM_EMOJI_COMPONENT\t1\t/* status of a component */\n')
    # arrays, not pointers: a pointer is a relocation at each start
    smax = max(len(k.encode('utf-8')) for k, _ in keys) + 1
    w('static const struct {\n\tchar\t\t s[%d];\t/* arrays, not pointers: '
      'no relocation at start */\n\tunsigned char\t len;' % smax +
      '\t/* in bytes */\n\tunsigned char\t status;\n'
      '} dm_emoji[] = {\n')
    for k, st in keys:
        w('\t{ %s, %d, %d },\n' % (cstring(k), len(k.encode('utf-8')), st))
    w('};\n')
    first = sorted({ord(k[0]) for k, _ in keys})
    w('/* the code points below U+10000 that start a key, a bit each */\n')
    w('static const unsigned char dm_emoji_bmp[8192] = {\n')
    bits = [0] * 8192
    for c in first:
        if c < 0x10000:
            bits[c >> 3] |= 1 << (c & 7)
    nz = [(i, b) for i, b in enumerate(bits) if b]
    for i in range(0, len(nz), 4):
        w('\t' + ' '.join('[%d] = 0x%02X,' % ib for ib in nz[i:i + 4]) + '\n')
    w('};\n')
    w('/* the code points that start a key, sorted, each with the keys\n'
      ' * [lo, hi) of dm_emoji that it starts */\n')
    w('static const struct {\n\tint32_t\t\tc;\n\tunsigned short\tlo, hi;\n'
      '} dm_emoji_first[] = {\n')
    lo = 0
    for c in first:
        hi = lo
        while hi < len(keys) and ord(keys[hi][0][0]) == c:
            hi += 1
        w('\t{ 0x%05X, %d, %d },\n' % (c, lo, hi))
        lo = hi
    assert lo == len(keys) < 65536
    w('};\n')


if __name__ == '__main__':
    main()
