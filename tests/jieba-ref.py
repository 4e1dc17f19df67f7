#!/usr/bin/python3
# jieba-ref.py - python3-jieba's cut, and varied texts to cut, for tests
#
# usage: jieba-ref.py cut < samples.jsonl	each sample gets "words",
#					jieba.lcut of its "text"
#        jieba-ref.py corpus N SEED		N samples of mixed text
#
# The corpus mixes words of jieba's dictionary, runs of random ideographs
# (unknown words for the HMM), ASCII words, numbers, percentages and
# symbols of jieba's word class, white space of every kind (\r\n too),
# Chinese and ASCII punctuation, and characters outside U+4E00-U+9FD5.
import json
import logging
import random
import sys

import jieba


def corpus(n, seed):
    r = random.Random(seed)
    with open(jieba.get_dict_file().name, encoding='utf-8') as f:
        words = [line.split(' ')[0] for line in f]
    pieces = [
        lambda: r.choice(words),
        lambda: r.choice(words) + r.choice(words),
        lambda: ''.join(chr(r.randint(0x4E00, 0x9FD5))
                        for _ in range(r.randint(1, 6))),
        lambda: r.choice(['Python', 'AT&T', 'c#', 'x-ray', 'a_b', 'v1.2',
                          '3.14%', '2023', 'e.g.', '100%', 'A+B', '#tag',
                          'foo.bar', '12.5.6', '-', '...']),
        lambda: r.choice([' ', '  ', '\t', '\r\n', '\n', '\u3000',
                          '\u00a0', '\r']),
        lambda: r.choice(list('，。！？、；：“”‘’（）《》【】…—·'
                              ',.!?;:()[]{}<>"\'/@$^*=|~`')),
        lambda: r.choice(['😀', 'カタカナ', 'ひらがな', '한국어', 'Ωμέγα',
                          'é', '\u9fd6\u9fff', '\u3400\u3401', '𠀀𠀁',
                          'ｆｕｌｌ', '１２３']),
    ]
    weights = [30, 10, 10, 8, 8, 10, 3]
    for _ in range(n):
        k = r.randint(1, 40)
        text = ''.join(r.choices(pieces, weights)[0]() for _ in range(k))
        print(json.dumps({'text': text}, ensure_ascii=False))


def main():
    jieba.setLogLevel(logging.ERROR)
    if sys.argv[1] == 'corpus':
        corpus(int(sys.argv[2]), int(sys.argv[3]))
        return
    for line in sys.stdin:
        s = json.loads(line)
        s['words'] = jieba.lcut(s['text'])
        print(json.dumps(s, ensure_ascii=False, separators=(',', ':')))


if __name__ == '__main__':
    main()
