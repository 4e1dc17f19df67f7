#!/usr/bin/env bats
# op-fullwidth.bats - fullwidth: DataMate's FullWidthCharacterCleaner

load helper

@test "turns full-width letters, digits and symbols into ASCII" {
	run dm-map fullwidth <<< '{"text":"＂＃＄％＆＇＊＋－．／０１２３４５６７８９＜＝＞＠ＡＢＸＹＺ［＼］＾＿｀ａｂｙｚ｛｜｝～"}'
	assert_success
	assert_output '{"text":"\"#$%&'"'"'*+-./0123456789<=>@ABXYZ[\\]^_`abyz{|}~"}'
}

@test "keeps the full-width marks of Chinese punctuation, as DataMate does" {
	run dm-map fullwidth <<< '{"text":"！（），：；？"}'
	assert_success
	assert_output '{"text":"！（），：；？"}'
}

@test "keeps the ideographic space, as DataMate does" {
	run dm-map fullwidth <<< '{"text":"中文　Ｔｅｘｔ，１２"}'
	assert_success
	assert_output '{"text":"中文　Text，12"}'
}

@test "keeps half-width katakana, accented letters and emoji" {
	run dm-map fullwidth <<< '{"text":"ｶﾀｶﾅ é 😀 Ａ"}'
	assert_success
	assert_output '{"text":"ｶﾀｶﾅ é 😀 A"}'
}

@test "keeps newlines" {
	run dm-map fullwidth <<< '{"text":"Ａ\nＢ\r\n"}'
	assert_success
	assert_output '{"text":"A\nB\r\n"}'
}

@test "leaves empty text unchanged" {
	run dm-map fullwidth <<< '{"text": "" }'
	assert_success
	assert_output '{"text": "" }'
}

@test "writes an unchanged sample back byte for byte" {
	run dm-map fullwidth <<< '{"text": "abc 中文，é 😀\uff01",  "n": 1.50}'
	assert_success
	assert_output '{"text": "abc 中文，é 😀\uff01",  "n": 1.50}'
}
