#!/usr/bin/env bats
# op-sensitive-words.bats - sensitive-words: DataMate's FileWithManySensitiveWordsFilter

load helper

REF=$DM_REPO/tests/datamate-ref.py

@test "drops a text whose listed words make 1% of its characters or more" {
	printf '出售硝酸甘油\n硝酸\n' >words.txt
	run dm-filter --mark m 'sensitive_words(list="words.txt")' <<'EOF2'
{"text":"出售硝酸甘油出售硝酸甘油"}
{"text":"hello world"}
{"text":"!!! ，。"}
{"text":"硝。酸"}
EOF2
	assert_success
	assert_output <<'EOF2'
{"text":"出售硝酸甘油出售硝酸甘油","m":"sensitive-words: sensitive_word_rate"}
{"text":"hello world","m":true}
{"text":"!!! ，。","m":true}
{"text":"硝。酸","m":"sensitive-words: sensitive_word_rate"}
EOF2
}

@test "without a list keeps every text, as DataMate's empty lists do" {
	run dm-filter 'sensitive_words()' <<< '{"text":"出售硝酸甘油"}'
	assert_success
	assert_output '{"text":"出售硝酸甘油"}'
	run dm-filter 'sensitive_words(max=0)' <<< '{"text":"出售硝酸甘油"}'
	assert_output ''
}

@test "counts a share of characters against max" {
	printf 'abc\n' >words.txt
	# 3 of 10 counted characters (the spaces are symbols)
	run dm-filter 'sensitive_words(list="words.txt", max=0.3)' <<< '{"text":"abc defg hij"}'
	assert_output ''
	run dm-filter 'sensitive_words(list="words.txt", max=0.31)' <<< '{"text":"abc defg hij"}'
	assert_output '{"text":"abc defg hij"}'
}

@test "a list that cannot be read is an error" {
	run_split dm-filter 'sensitive_words(list="nope.txt")' <<< '{"text":"x"}'
	assert_status 2
	assert_stderr <<'EOF2'
dm-filter: expression:1:1: sensitive-words: nope.txt: No such file or directory
  sensitive_words(list="nope.txt")
  ^
EOF2
}

@test "gives the choices of DataMate's code on a corpus" {
	printf 'he\nshe\nhis\nhers\n硝酸\n硝酸甘油\n甘油\nab\nbab\nabcd\nbc\n\n一!二\n' >words.txt
	for s in '' 'ushers' 'she sells his hers' 'ahishers' '硝酸甘油硝酸' \
	    '出售硝酸甘油出售' '硝，酸甘，油' 'abcd bab ab' 'babcd' 'xbcx' \
	    'aabab' 'abcbcd' '一二三' '一!二' 'h\ne\\nshe' 'hhhhhhhhhhhhhhhhhhe' \
	    'a long text that only once says he and goes on and on and on and on and on' \
	    '!!!' '。。。' 'she!' 'he\tshe\rhis'; do
		printf '{"text":"%s"}\n' "$s"
	done >in.jsonl
	for max in 0.01 0.2 0.5 1; do
		dm-filter "len > 0 && sensitive_words(list=\"words.txt\", max=$max)" <in.jsonl >got.jsonl
		"$REF" FileWithManySensitiveWordsFilter "[\"words.txt\", $max]" <in.jsonl >want.jsonl
		assert_same got.jsonl want.jsonl
		kept="$kept $(wc -l <got.jsonl)"
	done
	[ "$kept" = " 4 6 7 14" ]
}
