#!/usr/bin/env bats
# op-collapse-ws.bats - collapse-ws: DataMate's ExtraSpaceCleaner

load helper

@test "makes one space of a run of spaces" {
	run dm-map collapse-ws <<< '{"text":"a  b   c d"}'
	assert_success
	assert_output '{"text":"a b c d"}'
}

@test "makes one newline of a run of blank lines" {
	run dm-map collapse-ws <<< '{"text":"a\n\n\nb\n\nc\nd"}'
	assert_success
	assert_output '{"text":"a\nb\nc\nd"}'
}

@test "counts lines of spaces and tabs as blank" {
	run dm-map collapse-ws <<< '{"text":"a\n  \t \n\u3000\nb"}'
	assert_success
	assert_output '{"text":"a\nb"}'
}

@test "strips every line, which turns CRLF into LF" {
	run dm-map collapse-ws <<< '{"text":"  a  \r\n\tb\t\r\n c"}'
	assert_success
	assert_output '{"text":"a\nb\nc"}'
}

@test "strips blank lines and spaces at both ends of the text" {
	run dm-map collapse-ws <<< '{"text":"\n\n  a b  \n\n"}'
	assert_success
	assert_output '{"text":"a b"}'
}

@test "keeps tabs inside a line" {
	run dm-map collapse-ws <<< '{"text": "a\t\tb \tc",  "n": 1}'
	assert_success
	assert_output '{"text": "a\t\tb \tc",  "n": 1}'
}

@test "treats no-break and ideographic spaces as spaces" {
	run dm-map collapse-ws <<< '{"text":"中文\u3000\u3000字 　 x\u00a0y"}'
	assert_success
	assert_output '{"text":"中文 字 x y"}'
}

@test "keeps single spaces between CJK characters and punctuation" {
	run dm-map collapse-ws <<< '{"text": "中文 ， 字 。 x = (y)"}'
	assert_success
	assert_output '{"text": "中文 ， 字 。 x = (y)"}'
}

@test "keeps zero-width joiners inside emoji" {
	run dm-map collapse-ws <<< '{"text":"👨\u200d👩  👍🏽  ok"}'
	assert_success
	assert_output '{"text":"👨‍👩 👍🏽 ok"}'
}

@test "empties a text made only of white space" {
	run dm-map collapse-ws <<< '{"text":" \n\t\n "}'
	assert_success
	assert_output '{"text":""}'
}

@test "leaves empty text unchanged" {
	run dm-map collapse-ws <<< '{"text": "" }'
	assert_success
	assert_output '{"text": "" }'
}

@test "writes an unchanged sample back byte for byte" {
	run dm-map collapse-ws <<< '{"text": "a b\nc 中文 😀",  "n": 1.50}'
	assert_success
	assert_output '{"text": "a b\nc 中文 😀",  "n": 1.50}'
}

@test "writes a changed sample compactly, keys in order" {
	run dm-map collapse-ws <<< '{"a": 1, "text": "x  y", "b": [1, "c"]}'
	assert_success
	assert_output '{"a":1,"text":"x y","b":[1,"c"]}'
}
