#!/usr/bin/env bats
# op-special-chars.bats - special-chars: DataMate's FileWithHighSpecialCharRateFilter

load helper

@test "drops a text of 30% special characters or more, and an empty one" {
	run dm-filter --mark m 'special_chars()' <<'EOF'
{"text":"你好！@！@#！￥！@#"}
{"text":"abcdefg.,."}
{"text":"abcdefg,,,"}
{"text":""}
EOF
	assert_success
	assert_output <<'EOF'
{"text":"你好！@！@#！￥！@#","m":"special-chars: special_char_rate"}
{"text":"abcdefg.,.","m":true}
{"text":"abcdefg,,,","m":"special-chars: special_char_rate"}
{"text":"","m":"special-chars: empty"}
EOF
}

@test "max and chars change the rule" {
	run dm-filter 'special_chars(max=0.5)' <<< '{"text":"abcdefg,,,"}'
	assert_output '{"text":"abcdefg,,,"}'
	run dm-filter 'special_chars(chars="ab")' <<< '{"text":"abcdefg,,,"}'
	assert_output '{"text":"abcdefg,,,"}'
	run dm-filter 'special_chars(chars="abc")' <<< '{"text":"abcdefg,,,"}'
	assert_output ''
}

@test "gives the choices of DataMate's code on a corpus" {
	for s in '' 'a' '!' 'abcdefg,,,' 'ab·…—“‘' '【中文】、“引号”；《书》？，。' \
	    'text with (parens) and [brackets] and {braces}' '\\\\\\\\ab\"\"cdefghij' \
	    '~@#%&*+-=|`$^_:;<>?/' 'no special here at all.'; do
		printf '{"text":"%s"}\n' "$s"
	done >in.jsonl
	like_datamate dm-filter 'special_chars()' FileWithHighSpecialCharRateFilter
	like_datamate dm-filter 'special_chars(max=0.1)' \
	    FileWithHighSpecialCharRateFilter 0.1
}
