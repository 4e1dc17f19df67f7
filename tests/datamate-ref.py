#!/usr/bin/python3
# datamate-ref.py - DataMate's text operators, for the tests of the operators that
# follow them (tests/op-*.bats, dm-dedup-datamate.bats, dm-recipe.bats)
#
# usage: datamate-ref.py OPERATOR [ARG] < samples.jsonl
#
# Each sample's "text" goes through the operator named as DataMate names it
# (runtime/ops/mapper/* and runtime/ops/filter/* of ModelEngine-Group's
# DataMate); a mapper prints the sample with its new text, a filter prints
# the samples it keeps as they were read (DataMate empties a dropped text, and its Filter
# base class drops a sample whose text is empty). The functions are that
# code written again without loguru and DataMate's classes, with Debian's
# python3 modules (python3-emoji, python3-xmltodict, python3-jieba,
# python3-email-validator 1.3, where DataMate asks for email-validator
# 2.3 or later); EmojiCleaner is tests/emojiref.py, EmojiCleaner-2.2.0
# Debian's emoji. OPERATOR may name mappers joined by commas, which run one
# after the other.
import json
import re
import sys
from collections import Counter, deque

SPECIAL_TOKENS = list('~·！@#￥%…&*（）—+-={}|【】、：“；‘《》？，。`!$^()_[]\\:";\'<>?,/')

HTML_TAGS = [
    '<a>', '<abbr>', '<acronym>', '<address>', '<applet>', '<area>',
    '<article>', '<aside>', '<audio>', '<b>', '<base>', '<basefont>',
    '<bdi>', '<bdo>', '<bgsound>', '<big>', '<blink>', '<blockquote>',
    '<body>', '<br>', '<button>', '<canvas>', '<caption>', '<center>',
    '<cite>', '<code>', '<col>', '<colgroup>', '<command>', '<content>',
    '<data>', '<datalist>', '<dd>', '<del>', '<details>', '<dfn>',
    '<dialog>', '<dir>', '<div>', '<dl>', '<dt>', '<em>', '<embed>',
    '<fieldset>', '<figcaption>', '<figure>', '<font>', '<footer>',
    '<form>', '<frame>', '<frameset>', '<h1>', '<h2>', '<h3>', '<h4>',
    '<h5>', '<h6>', '<head>', '<header>', '<hgroup>', '<hr>', '<html>',
    '<i>', '<iframe>', '<image>', '<img>', '<input>', '<ins>', '<isindex>',
    '<kbd>', '<keygen>', '<label>', '<legend>', '<li>', '<link>',
    '<listing>', '<main>', '<map>', '<mark>', '<marquee>', '<menu>',
    '<menuitem>', '<meta>', '<meter>', '<nav>', '<nobr>', '<noembed>',
    '<noframes>', '<noscript>', '<object>', '<ol>', '<optgroup>',
    '<option>', '<output>', '<p>', '<param>', '<picture>', '<plaintext>',
    '<pre>', '<progress>', '<q>', '<rp>', '<rt>', '<rtc>', '<ruby>', '<s>',
    '<samp>', '<script>', '<section>', '<select>', '<shadow>', '<small>',
    '<source>', '<spacer>', '<span>', '<strike>', '<strong>', '<style>',
    '<sub>', '<summary>', '<sup>', '<template>', '<textarea>', '<tfoot>',
    '<thead>', '<time>', '<title>', '<track>', '<tt>', '<u>', '<ul>',
    '<var>', '<video>', '<wbr>', '<xmp>']
TABLE_TAGS = ['<table>', '<tbody>', '<td>', '<th>', '<tr>']


def html_tag_cleaner(text, tables):
    tags = HTML_TAGS + (TABLE_TAGS if tables else [])
    pat = '|'.join(rf'{re.escape(t[:-1])}(\s[^>]*)?>|</{re.escape(t[1:-1])}>'
                   for t in tags)
    text = re.sub(pat, '', text, flags=re.IGNORECASE)

    def attrs(m):
        return re.sub(r'\s*(\w+)="([^"]+)"',
                      lambda x: x.group(0) if x.group(1) in
                      ['colspan', 'rowspan'] else '', m.group(0))
    return re.sub(r'<(\w+)(\s+[^<>]*?)?>', attrs, text)


def duplicate_sentences(text, th=5):
    out = []
    counts = Counter(line.strip() for line in re.split('\\n', text))
    trust = {'<table>', '<tbody>', '<tr>', '<td>', '</table>', '</tbody>',
             '</tr>', '</td>', ''}
    for para in text.split('\n'):
        s = para.strip()
        if s in trust:
            out.append(para)
        elif th > counts[s] >= 0:
            out.append(para)
        elif counts[s] >= th:
            out.append(para)
            counts[s] = -1
    return '\n'.join(out)


def short_or_long(text, lo=10, hi=10000000):
    lo = 0 if not lo else lo
    hi = float('inf') if not hi else hi
    p = r'[\u0020\u00A0\u1680\u2000-\u200F\u202F\u205F\u3000]+'
    t = re.sub(fr'^{p}|{p}$', '', text)
    return '' if len(t) < lo or len(t) > hi else text


def repeat_word_rate(text, th=0.5):
    tmp = re.sub(r'[^\u4e00-\u9fff]', '', text)
    if not tmp:
        return text
    return '' if max(Counter(tmp).values()) / len(tmp) >= th else text


def special_char_rate(text, th=0.3):
    if not text:
        return ''
    total = sum(text.count(t) for t in set(SPECIAL_TOKENS))
    return '' if total / len(text) >= th else text


class TrieNode:
    def __init__(self, value):
        self.value = value
        self.child = dict()
        self.fail = None
        self.word = None


def build_trie(words):
    root = TrieNode('root')
    for word in words:
        node = root
        for s in word:
            if s not in node.child:
                node.child[s] = TrieNode(s)
            node = node.child[s]
        if not node.word:
            node.word = {word}
        else:
            node.word.add(word)
    return root


def add_fail_pointer(root):
    queue = deque()
    queue.appendleft((root, None))
    while len(queue) > 0:
        curr, parent = queue.pop()
        for sub in curr.child.values():
            queue.appendleft((sub, curr))
        if parent is None:
            continue
        elif parent is root:
            curr.fail = root
        else:
            parent_fail = parent.fail
            while parent_fail and curr.value not in parent_fail.child:
                parent_fail = parent_fail.fail
            if parent_fail:
                curr.fail = parent_fail.child[curr.value]
            else:
                curr.fail = root
    return root


def search_and_count(root, text, special_symbols):
    target_count = 0
    node = root
    valid_len = 0
    for s in text:
        if s in special_symbols:
            continue
        matched = True
        while s not in node.child:
            if node == root:
                valid_len = 0
                matched = False
                break
            elif node.fail == root:
                valid_len = 0
            node = node.fail
        if not matched:
            continue
        node = node.child.get(s)
        valid_len += 1
        if node.word:
            target_count += valid_len
            valid_len = 0
    return target_count


# DataMate's resources/special_symbols.txt, as its lines
SPECIAL_SYMBOLS = set('! .,#$%&*()|?/@"\';[]{}+~-_=^<>'
                      '！。，￥（）？、“‘；【】…《》:：') | {'——', '……'}


def sensitive_words(text, path, rate=0.01):
    words = set()
    if path:
        with open(path, 'r', encoding='utf-8') as f:
            words = set(f.read().splitlines())
    root = add_fail_pointer(build_trie(words))
    symbols = SPECIAL_SYMBOLS | {"\n", "\t", "\r"}
    total_count = sum(1 for s in text if s not in symbols)
    if total_count == 0:
        return text
    rate_got = search_and_count(root, text, SPECIAL_SYMBOLS) / total_count
    return '' if rate_got >= rate else text


PUNCTUATION_PATTERN = re.compile(r'^[\u3000-\u303F\uff00-\uffef\s\W_]+$')


def repeat_phrase_rate(text, th=0.5, stopfile=None):
    import jieba
    import logging
    jieba.setLogLevel(logging.ERROR)
    stopwords = []
    if stopfile:
        with open(stopfile, 'r', encoding='utf-8') as f:
            stopwords = f.read().splitlines()
    if len(text) < 2:
        return text
    words = [w for w in jieba.lcut(text)
             if not PUNCTUATION_PATTERN.match(w) and w not in stopwords]
    counts = dict(Counter(words))
    top, total = 0, 0
    for w in counts:
        if len(w) > 1 and w.isalpha():
            top = max(top, counts.get(w))
            total += counts.get(w)
    rate = top / total if total > 0 else 0
    return '' if rate >= th else text


# datasketch's MinHash (datasketch/minhash.py, hashfunc.py), num_perm=128,
# seed=1, as DuplicateFilesFilter makes it
class MinHash:
    def __init__(self, num_perm=128, seed=1):
        import numpy as np
        self.np = np
        mp = np.uint64((1 << 61) - 1)
        self.max_hash = np.uint64((1 << 32) - 1)
        self.mp = mp
        self.hashvalues = np.ones(num_perm, dtype=np.uint64) * self.max_hash
        gen = np.random.RandomState(seed)
        self.permutations = np.array([
            (gen.randint(1, mp, dtype=np.uint64),
             gen.randint(0, mp, dtype=np.uint64))
            for _ in range(num_perm)], dtype=np.uint64).T

    def update(self, b):
        import hashlib
        import struct
        hv = struct.unpack('<I', hashlib.sha1(b).digest()[:4])[0]
        a, b = self.permutations
        phv = self.np.bitwise_and((a * hv + b) % self.mp, self.max_hash)
        self.hashvalues = self.np.minimum(phv, self.hashvalues)

    def jaccard(self, other):
        np = self.np
        return float(np.count_nonzero(self.hashvalues == other.hashvalues)) \
            / float(len(self.hashvalues))


DUP_PUNCTUATION = "。.？?！!，,；;：:（）()【】{}[]“”""‘’''/\n"


def get_minhash(text):
    m = MinHash()
    for word in re.split(f"[{re.escape(DUP_PUNCTUATION)}]", text.strip()):
        m.update(word.strip().encode('utf8'))
    return m


def duplicate_files(lines, th=0.5):
    """Each sample against every earlier kept one, in input order; the
    signatures go through the text form DataMate stores them in. Its query
    leaves out the kept rows whose file_name equals the sample's
    fileName, and it stores that column as the name's UTF-8 bytes in hex
    (where a sample has no string fileName DataMate stops with an error;
    here it is compared with every kept one, and left out by none)."""
    import numpy as np
    import warnings
    kept = []
    for line in lines:
        s = json.loads(line)
        text = s['text']
        if not text:
            continue	# returned empty: the Filter base drops it
        name = s.get('fileName')
        if not isinstance(name, str):
            name = None
        m = get_minhash(text)
        dup = False
        for feature, stored in kept:
            if name is not None and stored is not None and stored == name:
                continue	# file_name <> :file_name
            other = MinHash(num_perm=128)
            with warnings.catch_warnings():
                warnings.simplefilter('ignore', DeprecationWarning)
                other.hashvalues = np.fromstring(feature.strip('[]'),
                                                 dtype=np.uint64, sep=' ')
            if m.jaccard(other) >= th:
                dup = True
                break
        if dup:
            continue
        kept.append((np.array2string(m.hashvalues),
                     None if name is None else name.encode('utf-8').hex()))
        print(line, end='')


_emoji_remover = None


def emoji_cleaner(text):
    # DataMate asks for emoji >= 2.15, Debian has 2.2.0: its
    # replace_emoji written again over src/emoji.txt (tests/emojiref.py)
    global _emoji_remover
    if _emoji_remover is None:
        import emojiref
        _emoji_remover = emojiref.Remover(emojiref.load())
    return _emoji_remover.text(text)


def emoji_cleaner_220(text):
    # Debian's emoji 2.2.0 itself, where the two must agree
    import emoji
    return '\n'.join(emoji.replace_emoji(s, replace='')
                     for s in text.split('\n'))


def _format_list(list_data, indentation=""):
    out = []
    for item in list_data:
        if isinstance(item, dict):
            out.append("\n" + _format_dict(item, indentation + " "))
        else:
            out.append(f"{item}")
    return "".join(out)


def _format_dict(dict_data, indentation=""):
    lines = []
    for key, value in dict_data.items():
        line = f"{indentation}{key}: "
        if isinstance(value, dict):
            line += "\n" + _format_dict(value, indentation + " ")
        elif isinstance(value, list):
            line += _format_list(value, indentation + " ")
        else:
            line += f"{value}\n"
        lines.append(line)
    return "".join(lines)


def xml_tag_cleaner(text):
    import xmltodict
    return _format_dict(xmltodict.parse(text.encode())).strip()


# EmailNumberCleaner (runtime/ops/mapper/email_cleaner), _email_number_filter
EMAIL_FRONT = r'(?<=[^0-9a-zA-Z\!\#\$\%\&\'\*\+\-\/\=\?\^\_\`\{\|\}\~\-])'
EMAIL_BACK = r'(?=[^0-9a-zA-Z\!\#\$\%\&\'\*\+\-\/\=\?\^\_\`\{\|\}\~\-])'
EMAIL = r'([a-zA-Z\d.\-+_]+\s?@\s?[a-zA-Z\d.\-+_]+\.[a-zA-Z0-9]{2,6})'


def email_cleaner(input_data):
    from email_validator import validate_email, EmailNotValidError
    mixed_data = ''.join(['龥', input_data, '龥'])
    paired_emails = re.compile(EMAIL_FRONT + EMAIL + EMAIL_BACK).findall(
        mixed_data)
    if paired_emails:
        for email in paired_emails:
            try:
                validate_email(email, check_deliverability=False)
                mixed_data = re.compile(EMAIL_FRONT + re.escape(email) +
                                        EMAIL_BACK).sub("<email>", mixed_data,
                                                        count=1)
            except EmailNotValidError:
                pass
    return mixed_data[1:-1]


# AnonymizedUrlCleaner (runtime/ops/mapper/url_cleaner), _url_filter
URL = r'((?:(?:https?|ftp|file)://|(?<![a-zA-Z\-\.])www\.)' \
      r'[\-A-Za-z0-9\+&@\(\)#/%\?=\^~_|!:\,\.\;]+[\-A-Za-z0-9\+&@#/%=\~_\|])' \
      r'(?![\-A-Za-z0-9\+&@#/%=\~_\|])'


def url_cleaner(input_data):
    input_data = ''.join(['【', input_data, '】'])
    text = re.compile(URL, re.MULTILINE).sub("<url>", input_data)
    return text[1:-1]


# AnonymizedIpAddress (runtime/ops/mapper/ip_address_cleaner)
IPV4_PREFIX = r'ip(地址| address|v4)?( |:|：)*(?<![\.\d])'
IPV4_SINGLE = r'(?<![\.\d])\d\.\d\.\d\.\d(?![\.\d])'
IPV4_RE = re.compile(r"(?<![\d.])(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})(?![.\d])")
IPV6_RE = re.compile(r"(?<![0-9a-fA-F:])(([0-9a-fA-F]{0,4}:)+[0-9a-fA-F]{0,4})(?![0-9a-fA-F:])")


def verify_ip_address(ip):
    import ipaddress
    try:
        ipaddress.ip_address(ip)
    except ValueError:
        return False
    return True


def filter_ipv4(ipv4, line):
    if not verify_ip_address(ipv4):
        return line
    ipv4_format = ipv4.replace(".", "\\.")
    if not re.search(IPV4_SINGLE, "【" + ipv4 + "】"):
        line = re.compile(r"(?<![\d.])" + ipv4_format + r"(?![.\d])").sub("<ip>", line)
    elif re.search(IPV4_PREFIX + ipv4_format + r"(?![.\d])", line, re.IGNORECASE):
        line = re.compile(IPV4_SINGLE).sub("<ip>", line)
    return line


def ip_address_cleaner(input_data):
    lines = input_data.split("\n")
    line_list = []
    for line in lines:
        line = ''.join(['【', line, '】'])
        ipv4_groups = IPV4_RE.findall(line)
        for ipv4 in ipv4_groups:
            line = filter_ipv4(ipv4, line)
        ipv6_groups = IPV6_RE.findall(line)
        for group in ipv6_groups:
            ipv6 = group[0]
            if ipv6 and verify_ip_address(ipv6):
                line = re.compile(r"(?<![0-9a-fA-F:])" + ipv6 + "(?![0-9a-fA-F:])").sub("<ip>", line)
        line_list.append(line[1:-1])
    text = "\n".join([line.strip() for line in line_list])
    return text


# AnonymizedPhoneNumber (runtime/ops/mapper/phone_number_cleaner)
PHONE_PREFIX = r'([\(（]?\+?(00)?86[)\）]?[- ]?)?'
CELLPHONE = r"1[3-9]\d[- ]?\d{4}[- ]?\d{4}"
LANDLINE = (r'[(（]?(0?[12]\d)[)）]?[ -]?[2-8]\d{3}[ -]?\d{4}'
            r'|[(（]?(0?[3-9]\d{2})[)）]?[ -]?[2-8]\d{2}\d?[ -]?\d{4}')
PHONE = rf'(?<=[^\d]){PHONE_PREFIX}({CELLPHONE}|{LANDLINE})(?=[^\d])'


def phone_number_cleaner(input_data):
    input_data = ''.join(['【', input_data, '】'])
    input_data = re.compile(PHONE).sub("<tel>", input_data)
    return input_data[1:-1]


# AnonymizedIdNumber (runtime/ops/mapper/id_number_cleaner). Its test is
# _verify_id_number(id) or _verify_similar_id_number(id), and the second
# holds for every match of the pattern (18 characters, 17 of them digits,
# the last 0-9, x or X): DataMate replaces every match, whatever its
# checksum, birth date and region (_verify_id_number's region list and
# date are never needed). With checksum, the test is its
# _verify_verification_code alone: dm's default, which OPS.md sanctions.
ID_NUMBER = r'(?<=[^0-9])' \
            r'((1[1-5]|2[1-3]|3[1-7]|4[1-6]|5[0-4]|6[1-5]|71|81|82)' \
            r'(0[0-9]|1[0-9]|2[0-9]|3[0-4]|4[0-3]|5[1-3]|90)' \
            r'(0[0-9]|1[0-9]|2[0-9]|3[0-9]|4[0-3]|5[1-7]|6[1-4]|7[1-4]|8[1-7])' \
            r'(18|19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])' \
            r'\d{3}[0-9xX])' \
            r'(?=[^0-9xX])'
ID_COEFFICIENT = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_VERIFICATION = ("1", "0", "X", "9", "8", "7", "6", "5", "4", "3", "2")


def verify_verification_code(id_number):
    verify_num = id_number[-1]
    id_sum = sum([int(num) * coe for num, coe in
                  zip(id_number[:-1], ID_COEFFICIENT)])
    return verify_num.upper() == ID_VERIFICATION[id_sum % 11].upper()


def verify_similar_id_number(id_number):
    if len(id_number) != 18:
        return False
    if not id_number[:17].isdigit():
        return False
    last_char = id_number[-1].upper()
    return last_char in set('0123456789X')


def id_number_cleaner(input_data, checksum=False):
    input_data = ''.join(['【', input_data, '】'])
    id_nums = [item.group(1) for item in
               re.compile(ID_NUMBER).finditer(input_data)]
    for id_num in id_nums:
        if verify_verification_code(id_num) if checksum else \
                verify_similar_id_number(id_num):
            id_num_pattern = r"(?<=[^0-9]){}(?=[^0-9xX])".format(id_num)
            input_data = re.compile(id_num_pattern).sub("<id>", input_data)
    return input_data[1:-1]


# AnonymizedCreditCardNumber (runtime/ops/mapper/credit_card_number_cleaner),
# which checks the Luhn sum itself. With card8=False, its JCB pattern
# without the top-level '|' that makes any 8-digit number a branch of its
# own (dm's card8=false).
def credit_card_re(card8=True):
    separator_symbol = r"([- ]?)"
    american_express = "3[47][0-9]{2}" + separator_symbol + "[0-9]{6}" + \
        separator_symbol + "[0-9]{5}"
    china_union_pay = r"(6[02]\d{2})" + r"(%s\d{%d}){%d}" % (
        separator_symbol, 4, 3)
    diners_club = r"(30[0-5]\d|3[689]\d{2}|3095)" + separator_symbol + \
        r"[0-9]{6}" + separator_symbol + r"[0-9]{4}"
    discover = r"(64[4-9]\d|65\d{2}|6011)" + r"(%s\d{%d}){%d}" % (
        separator_symbol, 4, 3)
    jcb = r"(352[89]|35[3-8]\d)" + separator_symbol + r"[0-9]{4}" + (
        r"((%s\d{%d}){%d}" % (separator_symbol, 4, 2) + ")|" +
        separator_symbol + r"[0-9]{8}")
    if not card8:
        jcb = r"(352[89]|35[3-8]\d)" + separator_symbol + r"[0-9]{4}" + (
            r"((%s\d{%d}){%d}" % (separator_symbol, 4, 2) + "|" +
            separator_symbol + r"[0-9]{8})")
    master_card = r"(5[1-5]\d{2}|222[1-9]|22[3-9]\d|2[3-6]\d{2}|27[01]\d" \
        r"|2720)" + r"(%s\d{%d}){%d}" % (separator_symbol, 4, 3)
    visa = r"4\d{3}" + r"(%s\d{%d}){%d}" % (separator_symbol, 4, 3)
    return re.compile(r"(?<=[^\d])(%s|%s|%s|%s|%s|%s|%s)(?=[^\d])" % (
        american_express, china_union_pay, diners_club,
        discover, jcb, master_card, visa))


def verify_credit_card_num(credit_card_num):
    digits = [int(x) for x in reversed(credit_card_num) if x.isdigit()]
    even_digits = [d * 2 for d in digits[1::2]]
    even_digits = [d // 10 + d % 10 for d in even_digits]
    even_sum = sum(even_digits)
    odd_sum = sum(digits[::2])
    if (odd_sum + even_sum) % 10 == 0:
        return True
    return False


def credit_card_number_cleaner(input_data, card8=True):
    input_data = ''.join(['【', input_data, '】'])
    credit_card_nums = [item.group(1) for item in
                        credit_card_re(card8).finditer(input_data)]
    for credit_card_num in credit_card_nums:
        if verify_credit_card_num(credit_card_num):
            credit_card_num_pattern = r"(?<=[^\d]){}(?=[^\d])".format(
                credit_card_num)
            input_data = re.compile(credit_card_num_pattern).sub(
                "<credit_card_number>", input_data)
    return input_data[1:-1]


def main():
    op = sys.argv[1]
    arg = sys.argv[2] if len(sys.argv) > 2 else None
    filters = {
        'FileWithShortOrLongLengthFilter': lambda t: short_or_long(
            t, *json.loads(arg)) if arg else short_or_long(t),
        'FileWithHighRepeatWordRateFilter': lambda t: repeat_word_rate(
            t, float(arg)) if arg else repeat_word_rate(t),
        'FileWithHighSpecialCharRateFilter': lambda t: special_char_rate(
            t, float(arg)) if arg else special_char_rate(t),
        'DuplicateSentencesFilter': duplicate_sentences,
        'FileWithHighRepeatPhraseRateFilter': lambda t: repeat_phrase_rate(
            t, *json.loads(arg)) if arg else repeat_phrase_rate(t),
        'FileWithManySensitiveWordsFilter': lambda t: sensitive_words(
            t, *json.loads(arg)),
    }
    mappers = {
        'HtmlTagCleaner': lambda t: html_tag_cleaner(t, arg == 'true'),
        'EmojiCleaner': emoji_cleaner,
        'EmojiCleaner-2.2.0': emoji_cleaner_220,
        'XMLTagCleaner': xml_tag_cleaner,
        'EmailNumberCleaner': email_cleaner,
        'AnonymizedUrlCleaner': url_cleaner,
        'AnonymizedIpAddress': ip_address_cleaner,
        'AnonymizedPhoneNumber': phone_number_cleaner,
        'AnonymizedIdNumber': id_number_cleaner,
        'AnonymizedIdNumber+checksum': lambda t: id_number_cleaner(t, True),
        'AnonymizedCreditCardNumber': credit_card_number_cleaner,
        'AnonymizedCreditCardNumber-card8':
            lambda t: credit_card_number_cleaner(t, False),
    }
    if op == 'DuplicateFilesFilter':
        duplicate_files(sys.stdin, float(arg) if arg else 0.5)
        return
    for line in sys.stdin:
        s = json.loads(line)
        if op in filters:
            if filters[op](s['text']) == '':
                continue
            if op != 'DuplicateSentencesFilter':
                print(line, end='')	# kept as it was read
                continue
            s['text'] = filters[op](s['text'])
        else:
            for name in op.split(','):
                s['text'] = mappers[name](s['text'])
        print(json.dumps(s, ensure_ascii=False, separators=(',', ':')))


if __name__ == '__main__':
    main()
