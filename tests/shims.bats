#!/usr/bin/env bats
# shims.bats - the C++ libraries are loaded only by the operators that use
# them, from dm-langid.so and dm-spm.so next to the tools

load helper

@test "no tool links libfasttext, libcld2, libsentencepiece or libstdc++ itself" {
	for t in dm dm-filter dm-map dm-slice dm-stats dm-run dm-dedup dm-recipe dm-llm dm-scan; do
		run readelf -d "$DM_BINDIR/$t"
		assert_success
		if grep -E 'NEEDED.*(fasttext|cld2|sentencepiece|stdc\+\+)' <<<"$output"; then
			echo "$t links a C++ library" >&2
			return 1
		fi
	done
	run readelf -d "$DM_BINDIR/dm-langid.so"
	[[ $output == *'[libfasttext.so.0]'* && $output == *'[libcld2.so.0]'* ]]
	run readelf -d "$DM_BINDIR/dm-spm.so"
	[[ $output == *'[libsentencepiece.so.0]'* ]]
}

@test "dm-langid.so loads on first use: langid and lang work (tokens.bats: dm-spm.so)" {
	run dm-map langid <<<'{"text":"the quick brown fox jumps over the lazy dog"}'
	assert_success
	assert_output '{"text":"the quick brown fox jumps over the lazy dog","meta":{"lang":"en","lang_score":0.97}}'
	run dm-filter 'lang == "en"' <<<'{"text":"the quick brown fox jumps over the lazy dog"}'
	assert_success
	assert_output '{"text":"the quick brown fox jumps over the lazy dog"}'
}

@test "a missing shim is an error naming the operator" {
	# a copy of the tools where no shim is, nor in the compiled-in prefix
	[ ! -e /usr/local/lib/dm/dm-langid.so ] || skip "dm is installed in /usr/local"
	mkdir -p lone/bin
	cp "$DM_BINDIR/dm-map" "$DM_BINDIR/dm-filter" lone/bin/
	run_split lone/bin/dm-map langid <<<'{"text":"hello"}'
	assert_status 2
	assert_output ''
	assert_stderr "dm-map: script:1:1: langid: 'dm-langid.so' is not installed (next to the tools, nor in '/usr/local/lib/dm')"
	run_split lone/bin/dm-filter 'len > 1 && lang == "en"' <<<'{"text":"hello"}'
	assert_status 2
	[ "${stderr%%$'\n'*}" = "dm-filter: expression:1:12: lang: 'dm-langid.so' is not installed (next to the tools, nor in '/usr/local/lib/dm')" ]
	: > x.model
	run_split lone/bin/dm-map 'stats names=tokens:x.model' <<<'{"text":"hello"}'
	assert_status 2
	assert_stderr "dm-map: script:1:1: stats: tokenizer 'x.model': not JSON, and the shim that reads SentencePiece models is missing: 'dm-spm.so' is not installed (next to the tools, nor in '/usr/local/lib/dm')"
	# operators that need no shim still work there
	run lone/bin/dm-map upper <<<'{"text":"hello"}'
	assert_success
	assert_output '{"text":"HELLO"}'
}
