#!/usr/bin/env bats
# op-upper.bats - the upper operator: Python's str.upper()

load helper

@test "upper-cases ASCII letters" {
	run dm-map upper <<< '{"text":"Hello World"}'
	assert_success
	assert_output '{"text":"HELLO WORLD"}'
}

@test "upper-cases accented Latin letters" {
	run dm-map upper <<< '{"text":"àéîõü ça œuvre ÿ"}'
	assert_success
	assert_output '{"text":"ÀÉÎÕÜ ÇA ŒUVRE Ÿ"}'
}

@test "expands sharp s and ligatures into several capitals" {
	run dm-map upper <<< '{"text":"Straße ﬁne ﬄ"}'
	assert_success
	assert_output '{"text":"STRASSE FINE FFL"}'
}

@test "applies the unconditional special casings of Unicode" {
	run dm-map upper <<< '{"text":"ŉ ǰ ǅ ı µ"}'
	assert_success
	assert_output '{"text":"ʼN J̌ Ǆ I Μ"}'
}

@test "spells out Greek iota subscripts and accents as Python does" {
	run dm-map upper <<< '{"text":"ᾳ ΐ ὖ ῷ ς"}'
	assert_success
	assert_output '{"text":"ΑΙ Ϊ́ Υ̓͂ Ω͂Ι Σ"}'
}

@test "expands Armenian ligatures" {
	run dm-map upper <<< '{"text":"և ﬓ"}'
	assert_success
	assert_output '{"text":"ԵՒ ՄՆ"}'
}

@test "leaves CJK and Hangul alone around Latin letters" {
	run dm-map upper <<< '{"text":"中文abc한국어"}'
	assert_success
	assert_output '{"text":"中文ABC한국어"}'
}

@test "leaves emoji and their modifiers alone" {
	run dm-map upper <<< '{"text":"😀 ok 👍🏽"}'
	assert_success
	assert_output '{"text":"😀 OK 👍🏽"}'
}

@test "upper-cases small letters anywhere in a long line" {
	run dm-map upper <<< '{"text":"THE QUICK BROWN FOX JUMPS OVER THE LAZY DOG 0123456789 THE QUICK BROWN FOX JUMPS OVER THE LAZY DOg"}'
	assert_success
	assert_output '{"text":"THE QUICK BROWN FOX JUMPS OVER THE LAZY DOG 0123456789 THE QUICK BROWN FOX JUMPS OVER THE LAZY DOG"}'
}

@test "writes an unchanged sample back byte for byte" {
	run dm-map upper <<< '{"text": "ABC 123",  "n": 1.50}'
	assert_success
	assert_output '{"text": "ABC 123",  "n": 1.50}'
}

@test "writes back upper-case CJK, emoji and escapes untouched" {
	run dm-map upper <<< '{"text": "中文 😀 \u00c9T\u00c9 Σ", "id": 7}'
	assert_success
	assert_output '{"text": "中文 😀 \u00c9T\u00c9 Σ", "id": 7}'
}

@test "leaves empty text unchanged" {
	run dm-map upper <<< '{"text": "" }'
	assert_success
	assert_output '{"text": "" }'
}

@test "writes a changed sample compactly, keys in order" {
	run dm-map upper <<< '{"a": 1, "text": "x", "z": {"b": null}}'
	assert_success
	assert_output '{"a":1,"text":"X","z":{"b":null}}'
}
