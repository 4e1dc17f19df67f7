#!/usr/bin/python3
# dupfiles-corpus.py - texts of shared sentences, many near the Jaccard
# threshold, for the tests of dm-dedup --preset datamate
import json, random
r = random.Random(3)
syll = ['ba', 'ko', 'mi', 'tu', 'ra', 'zen', 'lo', 'pi', '天', '气', '公园', '数据', 'x', 'ye']
def sentence():
    return ' '.join(''.join(r.choice(syll) for _ in range(r.randint(1, 3))) for _ in range(r.randint(1, 5)))
pool = [sentence() for _ in range(120)]
punct = ['。', '. ', '？', '!', '，', ';', '：', '（', ')', '【', '{', ']', '“', '’', "'", '/', '\n', ', ']
docs = []
for i in range(260):
    if docs and r.random() < 0.7:
        base = r.choice(docs)[:]
        for _ in range(r.randint(0, 6)):
            base[r.randrange(len(base))] = r.choice(pool)
        if r.random() < 0.3:
            base.append(r.choice(pool))
    else:
        base = [r.choice(pool) for _ in range(r.randint(2, 10))]
    docs.append(base)
    text = ''
    for s in base:
        text += s + r.choice(punct)
    if r.random() < 0.2:
        text = '  ' + text + ' \t'
    print(json.dumps({'id': i, 'text': text}, ensure_ascii=False))
print(json.dumps({'id': 'e', 'text': ''}))
