#!/usr/bin/python3
# anon-corpus.py - samples for tests/op-anonymize.bats
#
# usage: anon-corpus.py [SEED [COUNT [phone | idcard | card | numbers]]]
#
# Writes COUNT (3000) JSON lines whose texts hold e-mail addresses, links
# and IP addresses of every shape, good and bad, between CJK text and
# punctuation, several to a line and on several lines with white space at
# their ends: the input on which dm-map anonymize must give what
# tests/datamate-ref.py gives. The same SEED (1) gives the same lines.
# With phone, the texts hold phone numbers instead, among CJK, letters and
# hex digits (with keep_hex, dm leaves a number inside a hex run); with
# idcard and card, ID and card numbers of every shape (DataMate's region
# codes and others, dates good and bad, checksums that hold and that do
# not, Unicode digits, separators, bare 8-digit numbers, a number twice)
# between digits, hex letters, X and CJK; with numbers, all the kinds.
import json
import random
import sys

seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
count = int(sys.argv[2]) if len(sys.argv) > 2 else 3000
R = random.Random(seed)

LOWER = 'abcdefghijklmnopqrstuvwxyz'
ALNUM = LOWER + LOWER.upper() + '0123456789'
# decimal digits other than ASCII: full-width and mathematical (IDNA maps
# them to ASCII), Devanagari (PVALID, L), Arabic-Indic (CONTEXTO, AN),
# extended Arabic-Indic (CONTEXTO, EN), NKo (R), Hanifi Rohingya (AN)
UDIGITS = ['０１２３４５６７８９', '𝟎𝟏𝟐𝟑', '०१२३४५', '٠١٢٣٤٥',
           '۰۱۲۳۴۵', '߀߁߂߃', '𐴰𐴱𐴲']
SPACES = [' ', '\u3000', '\xa0', '\t', '\u2003', '\x1f', '\x85']
CJK = ['我', '的', '邮箱', '是', '联系', '，', '。', '：', '（', '）', '【',
       '】', '网址', '地址', '龥', '《', '》', '、']
PUNCT = list('.,;:!?()[]{}<>"\'`~|/\\=+-_*&^%$#@') + ['...', '。', '，']
SPECIAL = ['localhost', 'test', 'local', 'onion', 'invalid', 'arpa',
           'example', 'com']
TLDS = ['com', 'cn', 'org', 'net', 'io', 'museum', 'co', 'c0m', 'c', '123',
        'abcdefg', 'COM', 'Cn', 'x1', 'info', 'travel', 'xn--fiqs8s']


def pick(seq):
    return seq[R.randrange(len(seq))]


def word(chars=ALNUM, lo=1, hi=8):
    return ''.join(pick(chars) for _ in range(R.randint(lo, hi)))


def udigits():
    return ''.join(pick(pick(UDIGITS)) for _ in range(R.randint(1, 3)))


def local_part():
    r = R.random()
    if r < 0.35:
        return word(LOWER, 2, 10)
    if r < 0.45:
        return word(ALNUM, 1, 12)
    if r < 0.55:
        return '.'.join(word(ALNUM, 1, 6) for _ in range(R.randint(2, 4)))
    if r < 0.6:
        return word(LOWER, 2, 6) + '+' + word(LOWER, 1, 6)
    if r < 0.65:
        return word(LOWER, 1, 5) + pick(['-', '_', '+-', '__']) + word()
    if r < 0.7:
        return pick(['.', '..', '']) + word() + pick(['.', '..', ''])
    if r < 0.75:
        return word() + '..' + word()
    if r < 0.8:
        return word(ALNUM, 60, 70)
    if r < 0.88:
        return word(LOWER, 1, 4) + udigits() + word(LOWER, 0, 3)
    return word(ALNUM + '.-+_', 1, 15)


def label():
    r = R.random()
    if r < 0.5:
        return word(LOWER, 1, 10)
    if r < 0.6:
        return word(ALNUM, 1, 10)
    if r < 0.65:
        return word(LOWER, 2, 2) + '--' + word(LOWER, 1, 4)
    if r < 0.7:
        return pick(['-', '_', '+', '']) + word() + pick(['-', '_', ''])
    if r < 0.75:
        return word(LOWER, 60, 66)
    if r < 0.8:
        return pick(['xn--', '']) + word(LOWER, 3, 8)
    if r < 0.9:
        return word(LOWER, 0, 3) + udigits() + word(LOWER + '0123', 0, 3)
    return udigits()


def domain():
    r = R.random()
    if r < 0.08:
        return '.'.join([label()] * R.randint(4, 5) + [pick(TLDS)])
    if r < 0.16:
        return '.'.join([label(), pick(SPECIAL)] +
                        ([pick(TLDS)] if R.random() < 0.3 else []))
    if r < 0.2:
        return pick(['.', '', '']) + label() + '..' + pick(TLDS)
    if r < 0.24:
        return '.'.join(word(LOWER, 60, 63) for _ in range(4)) + '.com'
    labels = [label() for _ in range(R.randint(1, 3))]
    return '.'.join(labels + [pick(TLDS)])


def email():
    at = '@'
    if R.random() < 0.1:
        at = pick(SPACES + ['']) + '@' + pick(SPACES + [''])
    e = local_part() + at + domain()
    if R.random() < 0.15:
        e = e.upper()
    return e


def url():
    r = R.random()
    if r < 0.5:
        u = pick(['http://', 'https://', 'ftp://', 'file://', 'HTTP://',
                  'Https://', 'ssh://git@', 'mailto:', 'sftp://']) + \
            word(LOWER, 1, 8) + pick(['.com', '.cn', '', '.例子.中国'])
    elif r < 0.75:
        u = pick(['www.', 'WWW.', 'www', 'xwww.', '.www.', '-www.',
                  'a.www.', 'www.www.']) + word(LOWER, 1, 8) + \
            pick(['.com', '.org', ''])
    else:
        u = word(LOWER, 2, 8) + pick(['.com', '.io', '.中国']) + \
            pick(['/', ''])
    for _ in range(R.randint(0, 3)):
        u += pick(['/', '/path', '?a=1&b=2', '#frag', '/(x)', '/a_b',
                   '/%E4', ':8080', '/~u', '/a,b', '/a;b', '/a!', '/中文',
                   '/a.html', '|x', '^y'])
    if R.random() < 0.3:
        u += pick(list('.,;:!?)') + ['...', ').', '”', '】'])
    if R.random() < 0.15:
        u = '(' + u + ')'
    return u


def octet(single=False):
    if single:
        return str(R.randint(0, 9))
    r = R.random()
    if r < 0.7:
        return str(R.randint(0, 255))
    if r < 0.8:
        return '0' + str(R.randint(0, 99))
    if r < 0.9:
        return str(R.randint(256, 999))
    return pick(['١', '٢', '０', '१']) if R.random() < 0.5 else \
        str(R.randint(0, 9))


def ipv4():
    single = R.random() < 0.4
    q = '.'.join(octet(single) for _ in range(R.randint(3, 5)
                                                if R.random() < 0.1 else 4))
    if R.random() < 0.5:
        q = pick(['ip', 'IP', 'Ip', 'ip地址', 'IP地址', 'ip address',
                  'IP Address', 'ipv4', 'IPV4', 'ip:', 'IP：', 'ip: ',
                  'ip  :：', 'zip ', 'skip', 'ipv6 ', 'ip address:',
                  'İp ', 'ıp:', 'ip addreſs ', 'ipv41', 'ip地址：']) + \
            pick(['', ' ', ':']) + q
    return q


def hexgroup():
    return word('0123456789abcdefABCDEF', 1, R.choice([4, 4, 4, 5]))


def ipv6():
    r = R.random()
    if r < 0.3:
        return ':'.join(hexgroup() for _ in range(R.randint(6, 9)))
    if r < 0.6:
        return ':'.join(hexgroup() for _ in range(R.randint(0, 4))) + \
            '::' + ':'.join(hexgroup() for _ in range(R.randint(0, 4)))
    return pick(['::1', '::', 'fe80::1', 'fe80::1%eth0', '::ffff:1.2.3.4',
                 'std::vector', 'Foo::Bar', '12:30', 'a:b:c', ':::',
                 '1::2::3', '2001:db8::', 'abcd:', ':abcd', 'dead::beef:',
                 '1:2:3:4:5:6:7::', '::1:2:3:4:5:6:7', 'ff02::1:ff00:0'])


FRAGMENTS = [email, email, email, url, url, ipv4, ipv4, ipv6,
             lambda: word(LOWER, 1, 8), lambda: pick(CJK) * R.randint(1, 3),
             lambda: str(R.randint(0, 10 ** R.randint(1, 12)))]


def line():
    parts = []
    for _ in range(R.randint(1, 5)):
        parts.append(pick(FRAGMENTS)())
        parts.append(pick([' ', ' ', '', pick(CJK), pick(PUNCT), ', ',
                           pick(SPACES)]))
    s = ''.join(parts)
    if R.random() < 0.3:
        s = pick(SPACES + ['  ', '\r']) + s
    if R.random() < 0.3:
        s = s + pick(SPACES + ['  ', '\r'])
    return s


def digits(n):
    return ''.join(pick('0123456789' * 3 + '０１２３４５６７８９٣') for _ in range(n))


def phone():
    p = pick(['', '', '+86', '0086', '86', '(86)', '（86）', '(0086)',
              '+86 ', '86-', '（+86）'])
    r = R.random()
    if r < 0.5:
        n = '1' + pick('3456789012') + digits(1) + pick(['', ' ', '-']) + \
            digits(4) + pick(['', ' ', '-', '--']) + \
            digits(R.choice([4, 4, 3, 5]))
    else:
        area = pick(['0' + pick('12') + digits(1), pick('12') + digits(1),
                     '0' + pick('3456789') + digits(2), '0' + digits(3)])
        if R.random() < 0.3:
            area = pick('(（') + area + pick(')）')
        n = area + pick(['', ' ', '-']) + pick('2345678901') + \
            digits(R.choice([2, 3, 3])) + pick(['', ' ', '-']) + \
            digits(R.choice([4, 4, 3]))
    return p + n


def phone_line():
    parts = []
    for _ in range(R.randint(1, 4)):
        parts.append(pick([phone, phone, lambda: digits(R.randint(1, 13)),
                           lambda: word('ghijklmnopqrstuvwxyz', 1, 5),
                           lambda: word('0123456789abcdefABCDEF', 1, 8),
                           lambda: pick(CJK)])())
        parts.append(pick(['', ' ', '，', '-', '(', '）', '\n', pick(CJK)]))
    return ''.join(parts)


# ID and card numbers: digits by their values, as Python's int() reads them
UDIGIT = '０１２３４５６７８９'
ARABIC = '٠١٢٣٤٥٦٧٨٩'


def udigit(d):
    return pick([str(d)] * 6 + [UDIGIT[d], ARABIC[d]])


def spell(ds, unicode=0.0):
    return ''.join(udigit(d) if R.random() < unicode else str(d) for d in ds)


def regioncode():
    if R.random() < 0.75:
        p = pick(['11', '15', '21', '23', '31', '37', '41', '46', '50', '54',
                  '61', '65', '71', '81', '82'])
        c = pick(['00', '09', '19', '29', '34', '40', '43', '51', '53', '90'])
        k = pick(['00', '09', '19', '39', '43', '51', '57', '61', '64', '71',
                  '74', '81', '87'])
    else:
        p = pick(['10', '16', '19', '20', '24', '30', '38', '40', '47', '55',
                  '60', '66', '70', '72', '80', '83', '90', '01'])
        c = pick(['35', '39', '44', '50', '54', '89', '91', '12'])
        k = pick(['44', '50', '58', '60', '65', '70', '75', '80', '88', '90',
                  '12'])
        if R.random() < 0.5:
            c, k = pick(['01', '02']), pick(['01', '05'])
    return p + c + k


def idnumber():
    ds = [int(c) for c in regioncode()]
    ds += [int(c) for c in pick(['19', '19', '20', '18', '17', '21'])]
    ds += [R.randint(0, 9), R.randint(0, 9)]
    ds += [int(c) for c in pick(['01', '02', '09', '10', '12', '00', '13',
                                 '%02d' % R.randint(1, 12)])]
    ds += [int(c) for c in pick(['01', '09', '10', '28', '29', '30', '31',
                                 '00', '32', '%02d' % R.randint(1, 31)])]
    ds += [R.randint(0, 9) for _ in range(3)]
    w = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    check = '10X98765432'[sum(d * c for d, c in zip(ds, w)) % 11]
    if R.random() < 0.4:
        check = pick('0123456789Xx')
    elif check == 'X' and R.random() < 0.3:
        check = 'x'
    return spell(ds, 0.03 if R.random() < 0.3 else 0) + check


def luhn_fix(ds):
    for d in range(10):
        t = ds[:-1] + [d]
        s = 0
        for i, v in enumerate(reversed(t)):
            s += v if i % 2 == 0 else v * 2 // 10 + v * 2 % 10
        if s % 10 == 0:
            return t
    return ds


CARDS = [('34', [4, 6, 5]), ('37', [4, 6, 5]), ('62', [4, 4, 4, 4]),
         ('60', [4, 4, 4, 4]), ('300', [4, 6, 4]), ('305', [4, 6, 4]),
         ('36', [4, 6, 4]), ('39', [4, 6, 4]), ('3095', [4, 6, 4]),
         ('644', [4, 4, 4, 4]), ('65', [4, 4, 4, 4]), ('6011', [4, 4, 4, 4]),
         ('3528', [4, 4, 4, 4]), ('3589', [4, 4, 8]), ('357', [4, 4, 8]),
         ('51', [4, 4, 4, 4]), ('55', [4, 4, 4, 4]), ('2221', [4, 4, 4, 4]),
         ('2720', [4, 4, 4, 4]), ('2721', [4, 4, 4, 4]), ('4', [4, 4, 4, 4]),
         ('', [8]), ('', [8]), ('', [4, 4]), ('1', [4, 4, 4, 4]),
         ('4', [4, 4, 4, 3]), ('4', [4, 4, 4, 5]), ('', [7]), ('', [9])]


def cardnumber():
    prefix, groups = pick(CARDS)
    ds = [int(c) for c in prefix]
    ds += [R.randint(0, 9) for _ in range(sum(groups) - len(ds))]
    if R.random() < 0.6:
        ds = luhn_fix(ds)
    uni = 0.05 if R.random() < 0.3 else 0
    out, at = [], 0
    for i, g in enumerate(groups):
        if i > 0:
            out.append(pick(['', ' ', ' ', '-', '--', '_', '\u3000']
                            if R.random() < 0.5 else [sep]))
        else:
            sep = pick(['', ' ', '-'])
        out.append(spell(ds[at:at + g], uni))
        at += g
    s = ''.join(out)
    if not prefix and R.random() < 0.5:
        s = pick([' ', '-', '  ', '号 ']) + s
    return s


NEIGHBOURS = ['', '', ' ', '，', '号', '-', '\n', 'x', 'X', 'ab', 'G', '1',
              '٣', '５', '：', '(', ')']


def number_line(kinds):
    parts = []
    for _ in range(R.randint(1, 4)):
        r = R.random()
        if r < 0.15 and parts:
            parts.append(pick(parts))
        elif r < 0.3:
            parts.append(pick([lambda: digits(R.randint(1, 20)),
                               lambda: word('0123456789abcdef', 4, 12),
                               lambda: pick(CJK)])())
        else:
            parts.append(pick(kinds)())
        parts.append(pick(NEIGHBOURS))
    return pick(NEIGHBOURS) + ''.join(parts)


mode = sys.argv[3] if len(sys.argv) > 3 else ''
if mode == 'phone':
    line = phone_line  # noqa: F811
elif mode == 'idcard':
    def line():
        return number_line([idnumber])
elif mode == 'card':
    def line():
        return number_line([cardnumber])
elif mode == 'numbers':
    def line():
        return number_line([idnumber, cardnumber, phone, email, ipv4, url])
for _ in range(count):
    text = '\n'.join(line() for _ in range(R.randint(1, 3)))
    if R.random() < 0.05:
        text = text + pick(['\n', '\n\n', ' \n '])
    print(json.dumps({'text': text}, ensure_ascii=False,
                     separators=(',', ':')))
