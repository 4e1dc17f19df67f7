#!/usr/bin/env bats
# op-strip.bats - the strip operator: Python's str.strip()

load helper

@test "trims ASCII spaces, tabs and newlines at both ends" {
	run dm-map strip <<< '{"text":"  hello world \t\r\n"}'
	assert_success
	assert_output '{"text":"hello world"}'
}

@test "keeps white space inside the text" {
	run dm-map strip <<< '{"text":"  a  b\n\nc  "}'
	assert_success
	assert_output '{"text":"a  b\n\nc"}'
}

@test "trims Unicode white space and next-line characters" {
	run dm-map strip <<< '{"text":"\u3000\u00a0abc\u2003\u0085\u2029"}'
	assert_success
	assert_output '{"text":"abc"}'
}

@test "trims the information separators Python counts as white space" {
	run dm-map strip <<< '{"text":"\u001c\u001dabc\u001e\u001f\u000b\u000c"}'
	assert_success
	assert_output '{"text":"abc"}'
}

@test "keeps zero-width spaces, which are not white space" {
	run dm-map strip <<< '{"text":"\u200babc\ufeff"}'
	assert_success
	assert_output '{"text":"\u200babc\ufeff"}'
}

@test "trims ideographic spaces around CJK text" {
	run dm-map strip <<< '{"text":"　中文　字　"}'
	assert_success
	assert_output '{"text":"中文　字"}'
}

@test "trims around emoji without touching them" {
	run dm-map strip <<< '{"text":" 😀 👍🏽 "}'
	assert_success
	assert_output '{"text":"😀 👍🏽"}'
}

@test "empties a text made only of white space" {
	run dm-map strip <<< '{"text":" \t\n\u3000 "}'
	assert_success
	assert_output '{"text":""}'
}

@test "leaves empty text unchanged" {
	run dm-map strip <<< '{"text": "" }'
	assert_success
	assert_output '{"text": "" }'
}

@test "writes an unchanged sample back byte for byte" {
	run dm-map strip <<< '{"text": "abc",  "n": 1.50}'
	assert_success
	assert_output '{"text": "abc",  "n": 1.50}'
}

@test "writes a changed sample compactly, keys in order" {
	run dm-map strip <<< '{"a": 1, "text": " x ", "b": true}'
	assert_success
	assert_output '{"a":1,"text":"x","b":true}'
}
