#!/usr/bin/env bats
# op-remove-incorrect-substrings.bats - remove-incorrect-substrings, as
# Data-Juicer's remove_words_with_incorrect_substrings_mapper
# (tests/fixtures/djref.py runs its definition)

load helper

@test "the words holding a default substring go, and the rest is merged as Data-Juicer merges it" {
	run dm-map remove-incorrect-substrings <<'EOF'
{"text":"see http://x.com now\tand www.y\n\nok  (href) a//b"}
{"text":"nothing to drop"}
{"text":"a  b"}
EOF
	assert_success
	assert_output <<'EOF'
{"text":"see now\tand\nok"}
{"text":"nothing to drop"}
{"text":"a b"}
EOF
}

# "1ab2" stripped of SPECIAL (digits are SPECIAL) is "ab"
@test "a word is stripped of SPECIAL before it is looked at, and substrings= replaces the list" {
	run dm-map 'remove-incorrect-substrings substrings=ab,é' <<'EOF'
{"text":"(ab) xaby .ab. café ok 1ab2 a.b"}
EOF
	assert_success
	assert_output '{"text":"ok a.b"}'
	run dm-map 'remove-incorrect-substrings substrings=""' <<'EOF'
{"text":"  spaces\t\tand\n\n\nlines  "}
EOF
	assert_success
	assert_output '{"text":"spaces\tand\nlines"}'
}

# Random texts of URLs, e-mail addresses, markup, SPECIAL characters and
# every separator against Data-Juicer's definition run by Python.
@test "remove-incorrect-substrings is Data-Juicer's mapper on random texts" {
	/usr/bin/python3 - > in.jsonl <<'PY'
import json, random
random.seed(17)
parts = ["http://a.b/c", "https", "www.x", "x.com", "X.COM", "href=\"u\"",
         "a//b", "//", "(http)", "'www'", "word", "café", "ünï", "1984",
         "…", "—", "«.com»", "com", "ww", "htt", "ab", "a.b", "", "数据",
         "x", "end."]
seps = [" ", " ", "  ", "\t", "\n", "\n\n", " \t ", "\t\n"]
print(json.dumps({"text": ""}))
for _ in range(500):
    n = random.choice([1, 2, 5, 20, random.randrange(0, 50)])
    t = "".join(random.choice(parts) + random.choice(seps) for _ in range(n))
    if random.random() < 0.3:
        t = random.choice(seps) + t
    print(json.dumps({"text": t}, ensure_ascii=False))
PY
	dm-map remove-incorrect-substrings in.jsonl > out.jsonl
	run /usr/bin/python3 "$FIXTURES/djref.py" incorrect-substrings \
	    'http,www,.com,href,//' in.jsonl out.jsonl
	assert_success
	assert_output '501 samples agree'
	dm-map 'remove-incorrect-substrings substrings=ab,数,…' in.jsonl > out.jsonl
	run /usr/bin/python3 "$FIXTURES/djref.py" incorrect-substrings \
	    'ab,数,…' in.jsonl out.jsonl
	assert_success
	assert_output '501 samples agree'
}

@test "a missing model is an error when the script is read" {
	DM_TOKENIZER_PATH=$PWD run_split dm-map 'remove-incorrect-substrings sp=nosuch' <<< '{"text":"x"}'
	assert_status 2
	[ "$(printf '%s\n' "$stderr" | head -1 | cut -c1-80)" = "dm-map: script:1:1: remove-incorrect-substrings: no SentencePiece model 'nosuch." ]
}
