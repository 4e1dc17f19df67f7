#!/usr/bin/env bats
# op-truncate.bats - truncate: keep the first max characters

load helper

@test "keeps the first max ASCII characters" {
	run dm-map 'truncate max=5' <<< '{"text":"hello world"}'
	assert_success
	assert_output '{"text":"hello"}'
}

@test "counts accented letters as one character each" {
	run dm-map 'truncate max=4' <<< '{"text":"héllo wörld"}'
	assert_success
	assert_output '{"text":"héll"}'
}

@test "counts CJK characters as one character each" {
	run dm-map 'truncate max=2' <<< '{"text":"中文字符串"}'
	assert_success
	assert_output '{"text":"中文"}'
}

@test "never cuts inside the UTF-8 sequence of an emoji" {
	run dm-map 'truncate max=3' <<< '{"text":"😀😁😂🤣"}'
	assert_success
	assert_output '{"text":"😀😁😂"}'
}

@test "counts code points, so a combining accent is a character" {
	run dm-map 'truncate max=3' <<< '{"text":"e\u0301e\u0301"}'
	assert_success
	assert_output '{"text":"ée"}'
}

@test "counts escaped characters once decoded" {
	run dm-map 'truncate max=2' <<< '{"text":"\u00e9\n\u4e2d"}'
	assert_success
	assert_output '{"text":"é\n"}'
}

@test "empties the text when max is 0" {
	run dm-map 'truncate max=0' <<< '{"text":"abc"}'
	assert_success
	assert_output '{"text":""}'
}

@test "writes a text of exactly max characters back byte for byte" {
	run dm-map 'truncate max=5' <<< '{"text": "中文 😀\u00e9",  "n": 1.50}'
	assert_success
	assert_output '{"text": "中文 😀\u00e9",  "n": 1.50}'
}

@test "writes a shorter text back byte for byte" {
	run dm-map 'truncate max=100' <<< '{"text": "abc",  "n": 1.50}'
	assert_success
	assert_output '{"text": "abc",  "n": 1.50}'
}

@test "leaves empty text unchanged" {
	run dm-map 'truncate max=0' <<< '{"text": "" }'
	assert_success
	assert_output '{"text": "" }'
}

@test "writes a changed sample compactly, keys in order" {
	run dm-map 'truncate max=1' <<< '{"a": 1, "text": "xy", "b": [1, "c"]}'
	assert_success
	assert_output '{"a":1,"text":"x","b":[1,"c"]}'
}

@test "requires max" {
	run_split dm-map truncate <<< '{"text":"abc"}'
	assert_status 2
	assert_output ''
	[[ $stderr == *"truncate: missing required parameter 'max'"* ]]
}

@test "rejects a negative max" {
	run_split dm-map 'truncate max=-1' <<< '{"text":"abc"}'
	assert_status 2
	assert_output ''
	[[ $stderr == *"truncate: 'max' must be at least 0, not '-1'"* ]]
}
