#!/usr/bin/env bats
# op-normalize-punct.bats - normalize-punct: Data-Juicer's punctuation_normalization_mapper

load helper

@test "maps every character of Data-Juicer's table, as its own test does" {
	run dm-map normalize-punct <<< '{"text":"，。、„”“«»１」「《》´∶：？！（）；–—．～’…━〈〉【】％►"}'
	assert_success
	assert_output '{"text":",.,\"\"\"\"\"\"\"\"\"\"'"'"'::?!();- - . ~'"'"'...-<>[]%-"}'
}

@test "turns Chinese punctuation between CJK characters into ASCII" {
	run dm-map normalize-punct <<< '{"text":"你好，世界。“引用”【注】"}'
	assert_success
	assert_output '{"text":"你好,世界.\"引用\"[注]"}'
}

@test "widens the em dash and the full-width full stop, as Data-Juicer does" {
	run dm-map normalize-punct <<< '{"text":"a—b．c…"}'
	assert_success
	assert_output '{"text":"a - b. c..."}'
}

@test "turns a full-width digit one into a double quote, as Data-Juicer does" {
	run dm-map normalize-punct <<< '{"text":"１２３"}'
	assert_success
	assert_output '{"text":"\"２３"}'
}

@test "keeps the left single quote, which the table lacks" {
	run dm-map normalize-punct <<< '{"text":"‘quoted’ café"}'
	assert_success
	assert_output "{\"text\":\"‘quoted' café\"}"
}

@test "keeps accented letters, emoji and other full-width forms" {
	run dm-map normalize-punct <<< '{"text":"Ｈé😀！"}'
	assert_success
	assert_output '{"text":"Ｈé😀!"}'
}

@test "leaves empty text unchanged" {
	run dm-map normalize-punct <<< '{"text": "" }'
	assert_success
	assert_output '{"text": "" }'
}

@test "writes an unchanged sample back byte for byte" {
	run dm-map normalize-punct <<< '{"text": "a, b.\n中文 é 😀 ‘x",  "n": 1.50}'
	assert_success
	assert_output '{"text": "a, b.\n中文 é 😀 ‘x",  "n": 1.50}'
}
