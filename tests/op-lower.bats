#!/usr/bin/env bats
# op-lower.bats - the lower operator: Python's str.lower()

load helper

@test "lower-cases ASCII letters" {
	run dm-map lower <<< '{"text":"Hello World"}'
	assert_success
	assert_output '{"text":"hello world"}'
}

@test "lower-cases accented Latin letters and ligatures" {
	run dm-map lower <<< '{"text":"ÀÉÎÕÜ Ça Œuvre"}'
	assert_success
	assert_output '{"text":"àéîõü ça œuvre"}'
}

@test "writes a final sigma at the end of a Greek word only" {
	run dm-map lower <<< '{"text":"ΟΔΟΣ ΣΑΣ Σ."}'
	assert_success
	assert_output '{"text":"οδος σας σ."}'
}

@test "keeps the dot of a capital dotted I as a combining dot" {
	run dm-map lower <<< '{"text":"İstanbul"}'
	assert_success
	assert_output '{"text":"i̇stanbul"}'
}

@test "maps capital sharp s, Kelvin and angstrom signs to letters" {
	run dm-map lower <<< '{"text":"Straße ẞ K Å"}'
	assert_success
	assert_output '{"text":"straße ß k å"}'
}

@test "lower-cases roman numerals, circled and full-width letters" {
	run dm-map lower <<< '{"text":"Ⅻ ⓐⒶ ＡＢＣ"}'
	assert_success
	assert_output '{"text":"ⅻ ⓐⓐ ａｂｃ"}'
}

@test "leaves CJK and Hangul alone around Latin capitals" {
	run dm-map lower <<< '{"text":"中文ABC한국어"}'
	assert_success
	assert_output '{"text":"中文abc한국어"}'
}

@test "leaves emoji and their modifiers alone" {
	run dm-map lower <<< '{"text":"😀 OK 👍🏽"}'
	assert_success
	assert_output '{"text":"😀 ok 👍🏽"}'
}

@test "lower-cases capitals anywhere in a long line" {
	run dm-map lower <<< '{"text":"THE QUICK BROWN FOX JUMPS OVER THE LAZY DOG 0123456789 the quick brown fox jumps over the lazy doG"}'
	assert_success
	assert_output '{"text":"the quick brown fox jumps over the lazy dog 0123456789 the quick brown fox jumps over the lazy dog"}'
}

@test "writes an unchanged sample back byte for byte" {
	run dm-map lower <<< '{"text": "abc",  "n": 1.50}'
	assert_success
	assert_output '{"text": "abc",  "n": 1.50}'
}

@test "writes back lower-case CJK, emoji and escapes untouched" {
	run dm-map lower <<< '{"text": "中文 😀 \u00e9t\u00e9 ς", "id": 7}'
	assert_success
	assert_output '{"text": "中文 😀 \u00e9t\u00e9 ς", "id": 7}'
}

@test "leaves empty text unchanged" {
	run dm-map lower <<< '{"text": "" }'
	assert_success
	assert_output '{"text": "" }'
}

@test "writes a changed sample compactly, keys in order" {
	run dm-map lower <<< '{"a": 1, "text": "X", "z": [1, 2]}'
	assert_success
	assert_output '{"a":1,"text":"x","z":[1,2]}'
}

@test "decodes escapes before lower-casing" {
	run dm-map lower <<< '{"text":"\u0041\u00C9\n"}'
	assert_success
	assert_output '{"text":"aé\n"}'
}

@test "lower-cases the field named by -k" {
	run dm-map -k title lower <<< '{"title":"ABC","text":"DEF"}'
	assert_success
	assert_output '{"title":"abc","text":"DEF"}'
}

@test "operators run when DM_OPS_PATH names a directory without a plugin (no qsort of no names, which an ASan build stopped at)" {
	mkdir -p noplugins
	DM_OPS_PATH=$PWD/noplugins run dm-map lower <<< '{"text":"AB"}'
	assert_success
	assert_output '{"text":"ab"}'
}
