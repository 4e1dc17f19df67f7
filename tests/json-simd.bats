#!/usr/bin/env bats
# json-simd.bats - the wide scans of the read path (src/simd.c): a line's
# UTF-8 checked at once, strings scanned for their ends only, len counted
# on the raw JSON of the text. Each test runs under every level DM_SIMD
# can choose (avx2, sse2, none): the results must not depend on it.

load helper

levels="avx2 sse2 none"

@test "bad UTF-8 and bad strings give the same message and column under every scan" {
	{
		printf '{"t":"\xc3"}\n'
		printf '{"t":"abc\xe2\x82"}\n'
		printf '{"\xff":1}\n'
		printf '{"a":"%s","b":"x\xed\xa0\x80y"}\n' \
		    "$(printf '\xe4\xb8\xad%.0s' $(seq 40))"
		printf '{"a":1,\xc3\xa9:2}\n'
		printf '{"a":"\xc3\xa9\xf4\x90\x80\x80"}\n'
		printf '{"a":"\xc0\xaf"}\n'
		printf '{"a":"\xe0\x9f\xbf"}\n'
		printf '{"a":"\xf0\x8f\xbf\xbf"}\n'
		printf '{"t":"\xe4\xb8\xad\n'
		printf '{"t":"%s\x01"}\n' "$(printf '\xc3\xa9%.0s' $(seq 30))"
		printf '{"t":"\\ud800x","u":"\xc3\xa9"}\n'
		printf '{"t":"\xc3\xa9\\q"}\n'
		printf '{"t":"\xc3\xa9\\ude00"}\n'
	} >bad.jsonl
	for l in $levels; do
		export DM_SIMD=$l
		run_split dm-filter --on-error=skip true bad.jsonl
		assert_status 1
		assert_output ''
		assert_stderr <<'EOT'
dm-filter: bad.jsonl:1:7: invalid UTF-8 in string
dm-filter: bad.jsonl:2:10: invalid UTF-8 in string
dm-filter: bad.jsonl:3:3: invalid UTF-8 in string
dm-filter: bad.jsonl:4:135: invalid UTF-8 in string
dm-filter: bad.jsonl:5:8: invalid JSON: expected a string key
dm-filter: bad.jsonl:6:9: invalid UTF-8 in string
dm-filter: bad.jsonl:7:7: invalid UTF-8 in string
dm-filter: bad.jsonl:8:7: invalid UTF-8 in string
dm-filter: bad.jsonl:9:7: invalid UTF-8 in string
dm-filter: bad.jsonl:10:10: invalid JSON: unterminated string
dm-filter: bad.jsonl:11:67: invalid JSON: control character in string
dm-filter: bad.jsonl:12:7: invalid JSON: lone surrogate in \u escape
dm-filter: bad.jsonl:13:9: invalid JSON: invalid escape
dm-filter: bad.jsonl:14:9: invalid JSON: lone surrogate in \u escape
dm-filter: 14 of 14 samples rejected
EOT
	done
}

# Lines of random pieces: valid and invalid UTF-8 sequences of every
# length, quotes, escapes good and bad, control characters. Python's
# strict UTF-8 decoder and json module say which are JSON objects (dm
# also refuses the lone surrogates Python's json lets in).
@test "random lines: kept exactly when Python reads a JSON object, the same under every scan" {
	/usr/bin/python3 - >rand.jsonl <<'PY'
import random, sys
random.seed(19)
pieces = [b'a', b'Z', b' ', b'"', b'\\"', b'\\\\', b'\\n', b'\\u00e9',
    b'\\ud83d\\ude00', b'\\ud800', b'\\x', b'\\u12', b'\x01', b'\x1f',
    b'\xc3\xa9', b'\xe4\xb8\xad', b'\xf0\x9f\x98\x80', b'\xef\xbf\xbf',
    b'\xf4\x8f\xbf\xbf', b'\x80', b'\xbf', b'\xc0\x80', b'\xc1\xbf', b'\xc2',
    b'\xe0\x80\x80', b'\xe0\x9f\xbf', b'\xed\xa0\x80', b'\xed\x9f\xbf',
    b'\xf0\x8f\xbf\xbf', b'\xf4\x90\x80\x80', b'\xf5\x80\x80\x80',
    b'\xff', b'\xe4\xb8', b'\xf0\x9f\x98']
good = [b'a', b'Z', b' ', b'\\n', b'\xc3\xa9', b'\xe4\xb8\xad',
    b'\xf0\x9f\x98\x80']
for i in range(3000):
    src = pieces if i % 3 == 0 else good
    text = b''.join(random.choice(src) for _ in range(random.randrange(90)))
    if i % 3 != 0 and random.randrange(4) == 0:
        # one bad piece somewhere in a long valid text
        at = random.randrange(len(text) + 1)
        text = text[:at] + random.choice(pieces) + text[at:]
    sys.stdout.buffer.write(b'{"id":%d,"text":"' % i + text + b'"}\n')
PY
	/usr/bin/python3 - >want.txt <<'PY'
import json
for line in open('rand.jsonl', 'rb'):
    try:
        v = json.loads(line.rstrip(b'\n').decode('utf-8'))
    except ValueError:
        continue
    # dm, stricter, refuses a lone surrogate escape (\\ude00) too
    if isinstance(v, dict) and isinstance(v.get('text'), str):
        try:
            v['text'].encode('utf-8')
        except UnicodeError:
            continue
        print(v['id'])
PY
	# enough of either kind for the comparison to mean something
	[ "$(wc -l <want.txt)" -gt 1500 ]
	[ "$(wc -l <want.txt)" -lt 2800 ]
	for l in $levels; do
		export DM_SIMD=$l
		run_split dm-filter --on-error=skip true rand.jsonl
		assert_status 1
		printf '%s\n' "$output" | jq .id >"got.$l"
		printf '%s\n' "$stderr" >"err.$l"
		cmp want.txt "got.$l"
	done
	cmp err.avx2 err.sse2
	cmp err.avx2 err.none
}

@test "len on the raw text equals Python's len of the decoded text under every scan" {
	/usr/bin/python3 - >in.jsonl <<'PY'
import json, random
random.seed(15)
chars = ['a', ' ', '\n', '\t', '"', '\\', '/', '\x00', '\x1f', '\x7f', 'é',
    '中', '😀', '\u2028', '\uffff', '\U0010ffff']
texts = ['', 'a', '\\u0041', '\\\\u0041', '\\', '"', '😀' * 40,
    'é' * 33, 'x' * 31 + '中']
for _ in range(400):
    texts.append(''.join(random.choice(chars)
        for _ in range(random.randrange(120))))
for t in texts:
    # escaped (surrogate pairs too) or as UTF-8, in turn
    enc = random.choice([True, False])
    print(json.dumps({"text": t, "want": len(t)}, ensure_ascii=enc))
    with open('nested.jsonl', 'a') as f:
        print(json.dumps({"meta": {"body": t}, "want": len(t)},
            ensure_ascii=not enc), file=f)
PY
	[ "$(wc -l <in.jsonl)" -eq 409 ]
	for l in $levels; do
		export DM_SIMD=$l
		# every sample kept, none dropped
		run dm-filter -v 'len == want' in.jsonl
		assert_success
		assert_output ''
		run dm-filter 'len == want' in.jsonl
		assert_success
		[ "$output" = "$(cat in.jsonl)" ]
		run dm-filter -k meta.body -v 'len == want' nested.jsonl
		assert_success
		assert_output ''
		# the text decoded first (by lower): the same
		run dm-filter -k meta.body -v \
		    'lower() != "" && len == want || len == 0 && want == 0' \
		    nested.jsonl
		assert_success
		assert_output ''
	done
}

# Nested objects are walked once per sample for every path into them
# (src/sample.c): the last of duplicate keys, escaped keys and edits made
# earlier in the chain must all be seen as before.
@test "nested fields: the last duplicate key, escaped keys, and edits are seen" {
	line='{"m":{"a":1,"a":2,"b\u0041":3,"c":{"d":"x\"y","d":[1,{"e":5}]}},"text":"t"}'
	run dm-filter 'm.a == 2 && m.bA == 3 && m.c.d[1].e == 5 && len(m.c.d) == 2' <<<"$line"
	assert_success
	assert_output "$line"
	run dm-filter 'm.a == 1' <<<"$line"
	assert_output ''
	# a field written is left once in its object: m.a and m.c.d keep
	# no stale copy
	run dm-map "set m.z='m.a + m.c.d[1].e'; set m.a=10; set m.y='m.a * 2'; set m.c.d=m.bA; set m.x=m.c.d; set m.w='m.c.d + 1'" <<<"$line"
	assert_success
	assert_output '{"m":{"a":10,"b\u0041":3,"c":{"d":3},"z":7,"y":20,"x":3,"w":4},"text":"t"}'
	printf '%s\n' '{"s":{"n":1,"f":0.5}}' '{"s":{"f":1.5,"n":3}}' '{"s":{"n":5,"n":7}}' >st.jsonl
	run dm-stats --json --depth 0 -s s.n,s.f st.jsonl
	assert_success
	[ "$(jq -c '[.stats[] | [.name, .count, .min, .max, .mean]]' <<<"$output")" = \
	    '[["s.n",3,1,7,3.6666666666666665],["s.f",2,0.5,1.5,1]]' ]
}
