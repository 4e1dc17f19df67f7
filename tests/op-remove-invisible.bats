#!/usr/bin/env bats
# op-remove-invisible.bats - remove-invisible: DataMate's InvisibleCharactersCleaner

load helper

@test "deletes C0 controls but tab, newline and carriage return" {
	run dm-map remove-invisible <<< '{"text":"a\u0000\u0001\u0007\b\u000b\f\u000e\u0014\u001b\u001fb\tc\nd\re"}'
	assert_success
	assert_output '{"text":"ab\tc\nd\re"}'
}

@test "deletes DEL and the C1 controls" {
	run dm-map remove-invisible <<< '{"text":"x\u007f\u0080\u0085\u009fy"}'
	assert_success
	assert_output '{"text":"xy"}'
}

@test "deletes zero-width characters and the byte order mark" {
	run dm-map remove-invisible <<< '{"text":"\ufeffzero\u200b\u200c\u200d\u200e\u200fwidth\u2060\u2061\u2062\u2063\u2064!"}'
	assert_success
	assert_output '{"text":"zerowidth!"}'
}

@test "keeps no-break spaces, vertical bars and other spaces" {
	run dm-map remove-invisible <<< '{"text": "a\u00a0b|c\u2009d\u3000e", "n": 1}'
	assert_success
	assert_output '{"text": "a\u00a0b|c\u2009d\u3000e", "n": 1}'
}

@test "splits emoji joined by a zero-width joiner" {
	run dm-map remove-invisible <<< '{"text":"👨\u200d👩 é 中\u200b文"}'
	assert_success
	assert_output '{"text":"👨👩 é 中文"}'
}

@test "leaves empty text unchanged" {
	run dm-map remove-invisible <<< '{"text": "" }'
	assert_success
	assert_output '{"text": "" }'
}

@test "writes an unchanged sample back byte for byte" {
	run dm-map remove-invisible <<< '{"text": "a\tb\r\nc 中文 é 😀",  "n": 1.50}'
	assert_success
	assert_output '{"text": "a\tb\r\nc 中文 é 😀",  "n": 1.50}'
}
