#!/usr/bin/env bats
# op-remove-emoji.bats - remove-emoji: DataMate's EmojiCleaner

load helper

REF=$DM_REPO/tests/datamate-ref.py

@test "removes the emoji of DataMate's example" {
	run dm-map remove-emoji <<< '{"text":"使用方式很简单，富文本格式可直接复制表情😀使用。"}'
	assert_success
	assert_output '{"text":"使用方式很简单，富文本格式可直接复制表情使用。"}'
}

@test "removes whole sequences, keycaps and flags, and stray variation selectors" {
	run dm-map remove-emoji <<< '{"text":"a👨‍👩‍👧b ❤️ ❤ ☺︎ x︎ 1️⃣ 12 #1 🇨🇳🇺 👍🏽 \u200d"}'
	assert_success
	assert_output '{"text":"ab    x  12 #1 🇺  ‍"}'
}

@test "leaves text without emoji as it is" {
	run dm-map remove-emoji <<< '{"text": "plain 123 # * text\n中文"}'
	assert_success
	assert_output '{"text": "plain 123 # * text\n中文"}'
}

@test "gives the output of the emoji package on emoji, their pieces and neighbours" {
	/usr/bin/python3 - >in.jsonl <<'EOF'
import json, random
from emoji.unicode_codes import EMOJI_DATA
keys = sorted(EMOJI_DATA)
rnd = random.Random(7)
pieces = ['a', ' ', '1', '#', '*', '\n', '\u200d', '\ufe0f', '\ufe0e',
          '\U0001f3fb', '\U0001f1e8', '\u20e3', '中', '\U000e0067']
for n in range(300):
    out = []
    for _ in range(rnd.randint(1, 8)):
        k = rnd.choice(keys)
        r = rnd.random()
        if r < 0.3 and len(k) > 1:
            k = k[:rnd.randint(1, len(k) - 1)]	# a piece of one
        elif r < 0.6:
            k = rnd.choice(pieces)
        out.append(k)
    print(json.dumps({"text": ''.join(out)}, ensure_ascii=False,
                     separators=(',', ':')))
EOF
	dm-map remove-emoji <in.jsonl >got.jsonl
	"$REF" EmojiCleaner <in.jsonl >want.jsonl
	assert_same got.jsonl want.jsonl
}
