#!/usr/bin/env bats
# op-remove-chars.bats - the remove-chars operator: Data-Juicer's
# remove_specific_chars_mapper
#
# Expected texts are what Data-Juicer gives with its default set
# ◆●■►▼▲▴∆▻▷❖♡□, but for '|', which its '|'.join class also deletes.

load helper

@test "removes the default symbols" {
	run dm-map remove-chars <<< '{"text":"►This is a dark horse◆●■►"}'
	assert_success
	assert_output '{"text":"This is a dark horse"}'
}

@test "removes every default symbol and leaves an empty text" {
	run dm-map remove-chars <<< '{"text":"◆●■►▼▲▴∆▻▷❖♡□"}'
	assert_success
	assert_output '{"text":""}'
}

@test "removes symbols between accented words and emoji" {
	run dm-map remove-chars <<< '{"text":"café ♡ crème □ naïve 🚀 rocket ▲ 🚀"}'
	assert_success
	assert_output '{"text":"café  crème  naïve 🚀 rocket  🚀"}'
}

@test "leaves a Chinese text without those symbols byte for byte" {
	run dm-map remove-chars <<< '{"text": "这是一个干净的文本。Including Chinese and English.",  "n": 1.50}'
	assert_success
	assert_output '{"text": "这是一个干净的文本。Including Chinese and English.",  "n": 1.50}'
}

@test "keeps the vertical bar, which Data-Juicer's class also deletes" {
	run dm-map remove-chars <<< '{"text":"a|b ◆"}'
	assert_success
	assert_output '{"text":"a|b "}'
}

@test "deletes accented, emoji and CJK code points given in chars" {
	run dm-map 'remove-chars chars="é😀中"' <<< '{"text":"café 😀 中文 naïve"}'
	assert_success
	assert_output '{"text":"caf  文 naïve"}'
}

@test "deletes code points, not what they look like: a decomposed é stays" {
	run dm-map 'remove-chars chars="é"' <<< '{"text":"cafe\u0301 café"}'
	assert_success
	assert_output '{"text":"café caf"}'
}

@test "takes regex characters in chars literally" {
	run dm-map 'remove-chars chars="]\\^-."' <<< '{"text":"a]b\\c^d-e.f|g"}'
	assert_success
	assert_output '{"text":"abcdef|g"}'
}

@test "changes nothing when chars is empty" {
	run dm-map 'remove-chars chars=""' <<< '{"text": "◆ stays"}'
	assert_success
	assert_output '{"text": "◆ stays"}'
}

@test "leaves an empty text alone" {
	run dm-map remove-chars <<< '{"text": ""}'
	assert_success
	assert_output '{"text": ""}'
}
