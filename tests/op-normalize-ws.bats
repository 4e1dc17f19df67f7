#!/usr/bin/env bats
# op-normalize-ws.bats - normalize-ws: Data-Juicer's whitespace_normalization_mapper

load helper

@test "turns every white space of Data-Juicer's set into a plain space" {
	run dm-map normalize-ws <<< '{"text":"x \t\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u00a0\u202f\u205f\u3000\u200b\u200c\u200d\u2060\ufffc\u0084y"}'
	assert_success
	assert_output '{"text":"x                       y"}'
}

@test "strips the text before replacing" {
	run dm-map normalize-ws <<< '{"text":" \t\n abc\u3000def \n\t "}'
	assert_success
	assert_output '{"text":"abc def"}'
}

@test "leaves newlines and carriage returns inside the text alone" {
	run dm-map normalize-ws <<< '{"text":"a\tb\r\nc\u00a0d\n\ne"}'
	assert_success
	assert_output '{"text":"a b\r\nc d\n\ne"}'
}

@test "does not collapse runs of spaces" {
	run dm-map normalize-ws <<< '{"text":"a\t\tb  c"}'
	assert_success
	assert_output '{"text":"a  b  c"}'
}

@test "turns a leading zero-width space into a space, as strip keeps it" {
	run dm-map normalize-ws <<< '{"text":"\u200babc\u2060"}'
	assert_success
	assert_output '{"text":" abc "}'
}

@test "keeps a next-line character inside the text" {
	run dm-map normalize-ws <<< '{"text": "a\u0085b",  "n": 1}'
	assert_success
	assert_output '{"text": "a\u0085b",  "n": 1}'
}

@test "replaces an ideographic space between CJK characters" {
	run dm-map normalize-ws <<< '{"text":"中文　字"}'
	assert_success
	assert_output '{"text":"中文 字"}'
}

@test "splits emoji joined by a zero-width joiner, as Data-Juicer does" {
	run dm-map normalize-ws <<< '{"text":"👨\u200d👩 😀"}'
	assert_success
	assert_output '{"text":"👨 👩 😀"}'
}

@test "leaves empty text unchanged" {
	run dm-map normalize-ws <<< '{"text": "" }'
	assert_success
	assert_output '{"text": "" }'
}

@test "writes an unchanged sample back byte for byte" {
	run dm-map normalize-ws <<< '{"text": "a b\nc 中文 😀",  "n": 1.50}'
	assert_success
	assert_output '{"text": "a b\nc 中文 😀",  "n": 1.50}'
}

@test "writes a changed sample compactly, keys in order" {
	run dm-map normalize-ws <<< '{"a": 1, "text": "x\ty", "b": [1, "c"]}'
	assert_success
	assert_output '{"a":1,"text":"x y","b":[1,"c"]}'
}
