#!/usr/bin/env bats
# op-remove-emoji.bats - remove-emoji: DataMate's EmojiCleaner, the emoji
# package's replace_emoji as of 2.14 (src/emoji.txt), compared with its
# rewrite tests/emojiref.py, with Debian's emoji 2.2.0 where they agree and
# with emoji-test-regex-pattern's list of the emoji (npm, `make emojinpm`)

load helper

REF=$DM_REPO/tests/emojiref.py
DMREF=$DM_REPO/tests/datamate-ref.py
NPM=$DM_REPO/tests/emojinpm/node_modules/emoji-test-regex-pattern/dist

# gen SEED ZWJ [installed]: a mix of every key of src/emoji.txt (or of
# Debian's emoji package) in shuffled order, a few a line, whole, cut or
# beheaded, with joiners (when ZWJ is 1), variation selectors, components,
# regional indicators, keycap marks, tags and text between them
gen() {
	/usr/bin/python3 - "$DM_REPO/tests" "$@" <<'EOF2'
import json, random, sys
sys.path.insert(0, sys.argv[1])
import emojiref
seed, zwj = int(sys.argv[2]), sys.argv[3] == '1'
keys = sorted(emojiref.load(sys.argv[4] if len(sys.argv) > 4 else None))
if not zwj:
    keys = [k for k in keys if '\u200d' not in k]
rnd = random.Random(seed)
rnd.shuffle(keys)
noise = ['a', ' ', '1', '#', '*', '\ufe0f', '\ufe0e', '\U0001f3fb',
         '\U0001f3ff', '\U0001f9b0', '\U0001f1e8', '\u20e3', '中', '\n',
         '\U000e0067', '\u00a9', '\u2764']
if zwj:
    noise += ['\u200d'] * 6
i = 0
while i < len(keys):
    out = []
    for _ in range(rnd.randint(1, 6)):
        k = keys[i % len(keys)]
        i += 1
        r = rnd.random()
        if r < 0.15 and len(k) > 1:
            k = k[:rnd.randint(1, len(k) - 1)]
        elif r < 0.25 and len(k) > 1:
            k = k[rnd.randint(1, len(k) - 1):]
        out.append(k)
        for _ in range(rnd.choice((0, 0, 1, 1, 2))):
            out.append(rnd.choice(noise))
    print(json.dumps({"text": ''.join(out)}, ensure_ascii=False,
                     separators=(',', ':')))
EOF2
}

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

@test "drops a joiner after an emoji, which emoji 2.2.0 keeps" {
	printf '%s\n' '{"text":"©\u200dX"}' >in.jsonl
	run dm-map remove-emoji in.jsonl
	assert_success
	assert_output '{"text":"X"}'
	run "$DMREF" EmojiCleaner <in.jsonl
	assert_output '{"text":"X"}'
	run "$DMREF" EmojiCleaner-2.2.0 <in.jsonl
	assert_output '{"text":"‍X"}'
}

@test "joins of emoji that are no emoji, skin tones, hair, flags, keycaps, tags" {
	# each line: what the emoji package 2.14.1's replace_emoji gives
	cat >in.jsonl <<'EOF2'
{"text":"👍🏽\u200d👩!|👨\u200d👩\u200dx|a\u200d🏽b|🏽\u200d🏽c"}
{"text":"👨\u200d🦰 👨🏻\u200d🦰 🦰\u200d👨 👨\u200d🦰\u200d"}
{"text":"1\u200d2 1️⃣2⃣#️⃣*|🏴\udb40\udc67\udb40\udc62\udb40\udc65\udb40\udc6e\udb40\udc67\udb40\udc7f!|🇨🇳🇺🇸🇺"}
{"text":"x\u200d😀\u200d\u200d😀y|😀\ufe0f\ufe0f\u200d\ufe0e|👩‍❤️‍👨 👩‍❤‍👨 👩\u200d❤\ufe0f"}
{"text":"🫱🏻\u200d🫲🏿 🫱🏻\u200d🫲|🙂\u200d↔️ 🙂\u200d↔|🧑‍🧑‍🧒‍🧒 🐦‍🔥 🍋‍🟩|👁\u200d🗨 👁️\u200d🗨️"}
{"text":"a😀\nb\u200d😀\n😀\u200d\nc"}
EOF2
	run dm-map remove-emoji in.jsonl
	assert_success
	assert_output <<'EOF2'
{"text":"!|x|a‍b|c"}
{"text":"   "}
{"text":"1‍2 *|!|🇺"}
{"text":"x‍‍y|‍|  "}
{"text":" | |  | "}
{"text":"a\nb‍\n\nc"}
EOF2
	dm-map remove-emoji in.jsonl >got.jsonl
	"$REF" <in.jsonl >want.jsonl
	assert_same got.jsonl want.jsonl
}

@test "gives the output of the rewritten replace_emoji on every key with joiners and noise" {
	gen 7 1 >in.jsonl
	[ "$(wc -l <in.jsonl)" -gt 1000 ]
	like_datamate dm-map remove-emoji EmojiCleaner
	"$REF" <in.jsonl | cmp - want.jsonl
	! cmp -s in.jsonl want.jsonl
}

@test "the rewrite over emoji 2.2.0's keys gives emoji 2.2.0's output without joiners" {
	gen 11 0 installed >in.jsonl
	"$DMREF" EmojiCleaner-2.2.0 <in.jsonl >want.jsonl
	"$REF" --installed <in.jsonl >got.jsonl
	assert_same got.jsonl want.jsonl
	! cmp -s in.jsonl want.jsonl
}

@test "emoji 2.2.0's keys are all in src/emoji.txt, with the same status" {
	run /usr/bin/python3 - "$DM_REPO/tests" <<'EOF2'
import sys
sys.path.insert(0, sys.argv[1])
import emojiref
old, new = emojiref.load('installed'), emojiref.load()
print(len(old), len(new), [k for k in old if new.get(k) != old[k]])
EOF2
	assert_success
	assert_output '4733 5042 []'
}

@test "src/emoji.h is src/emoji.txt as src/mkemoji.py writes it" {
	python3 "$DM_REPO/src/mkemoji.py" <"$DM_REPO/src/emoji.txt" >emoji.h
	assert_same emoji.h "$DM_REPO/src/emoji.h"
	run head -n 2 emoji.h
	assert_output '/* emoji.h - the emoji of the emoji package 2.14.1 (EMOJI_DATA); written by src/mkemoji.py */
#define DM_EMOJI_VERSION	"2.14.1"'
}

@test "every emoji of emoji-test.txt for Emoji 16.0 is a key, but 36 explained" {
	[ -f "$NPM/emoji-16.0/index-strings.txt" ] || {
		echo "the reference is missing: run 'make emojinpm'" >&2
		return 1
	}
	run /usr/bin/python3 - "$DM_REPO/tests" "$NPM" <<'EOF2'
import sys
sys.path.insert(0, sys.argv[1])
import emojiref
keys = emojiref.load()
def index(v):
    with open('%s/emoji-%s/index-strings.txt' % (sys.argv[2], v)) as f:
        return set(l for l in f.read().split('\n') if l)
e16, e17 = index('16.0'), index('17.0')
print('keys not listed:', len([k for k in keys if k not in e16]))
print('fully-qualified keys not listed:',
      len([k for k, s in keys.items() if s == 2 and k not in e16]))
missing = sorted(e16 - set(keys))
# an emoji-presentation character with U+FE0F, which emoji-test.txt does
# not list (the character alone is a fully-qualified key; replace_emoji
# removes it and drops the selector as a stray one)
vs = [m for m in missing if len(m) == 2 and m[1] == '\ufe0f'
      and keys.get(m[0]) == 2]
print('emoji presentation + FE0F:', len(vs))
# people wrestling with a skin tone: modifier sequences of
# emoji-sequences.txt that emoji-test.txt lists only from Emoji 17.0
rest = [' '.join('%X' % ord(c) for c in m) for m in missing if m not in vs]
print('not in emoji-test.txt before 17.0:', ', '.join(rest))
print('new in Emoji 17.0 (emoji 2.15):', len(e17 - e16 - set(keys)))
EOF2
	assert_success
	assert_output <<'EOF2'
keys not listed: 0
fully-qualified keys not listed: 0
emoji presentation + FE0F: 31
not in emoji-test.txt before 17.0: 1F93C 1F3FB, 1F93C 1F3FC, 1F93C 1F3FD, 1F93C 1F3FE, 1F93C 1F3FF
new in Emoji 17.0 (emoji 2.15): 178
EOF2
}
