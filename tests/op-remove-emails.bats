#!/usr/bin/env bats
# op-remove-emails.bats - the remove-emails operator: Data-Juicer's clean_email_mapper
#
# Expected texts are what Data-Juicer gives: its pattern
# [A-Za-z0-9.\-+_]+@[a-z0-9.\-+_]+\.[a-z]+ run by Python's `regex` module.

load helper

@test "removes an address" {
	run dm-map remove-emails <<< '{"text":"happy day euqdh@cjqi.com"}'
	assert_success
	assert_output '{"text":"happy day "}'
}

@test "removes addresses inside Chinese text" {
	run dm-map remove-emails <<< '{"text":"如有问题，请联系 test@example.com 或 admin@test.cn。"}'
	assert_success
	assert_output '{"text":"如有问题，请联系  或 。"}'
}

@test "removes dotted, tagged and multi-level addresses whole" {
	run dm-map remove-emails <<< '{"text":"Bob.Smith+tag@mail.example.co.uk wrote"}'
	assert_success
	assert_output '{"text":" wrote"}'
}

@test "removes several addresses and leaves the punctuation between them" {
	run dm-map remove-emails <<< '{"text":"first.last@sub.domain.org, second@x.net; third_3@y.z."}'
	assert_success
	assert_output '{"text":", ; ."}'
}

@test "removes an address between emoji" {
	run dm-map remove-emails <<< '{"text":"mail 😀me@ex.io😀 now"}'
	assert_success
	assert_output '{"text":"mail 😀😀 now"}'
}

@test "leaves an address whose domain has capitals, as Data-Juicer does" {
	run dm-map remove-emails <<< '{"text": "write to bob@Example.com or x@y.COM"}'
	assert_success
	assert_output '{"text": "write to bob@Example.com or x@y.COM"}'
}

@test "leaves an address with an accented letter before the @" {
	run dm-map remove-emails <<< '{"text": "josé@example.com"}'
	assert_success
	assert_output '{"text": "josé@example.com"}'
}

@test "removes the ASCII tail of a local part after an accented letter" {
	run dm-map remove-emails <<< '{"text":"josé.x@example.com"}'
	assert_success
	assert_output '{"text":"josé"}'
}

@test "takes the leftmost address where two overlap" {
	run dm-map remove-emails <<< '{"text":"a@b.c@d.e"}'
	assert_success
	assert_output '{"text":"@d.e"}'
}

@test "leaves a user@host without a dot in the domain" {
	run dm-map remove-emails <<< '{"text": "user@host"}'
	assert_success
	assert_output '{"text": "user@host"}'
}

@test "leaves a domain whose last part starts with a digit" {
	run dm-map remove-emails <<< '{"text": "请问你是谁dasoidhao@1264fg.45om"}'
	assert_success
	assert_output '{"text": "请问你是谁dasoidhao@1264fg.45om"}'
}

@test "writes an unchanged sample back byte for byte" {
	run dm-map remove-emails <<< '{"text": "no at sign here",  "n": 1.50}'
	assert_success
	assert_output '{"text": "no at sign here",  "n": 1.50}'
}

@test "leaves an empty text alone" {
	run dm-map remove-emails <<< '{"text": ""}'
	assert_success
	assert_output '{"text": ""}'
}

@test "replaces each address with repl" {
	run dm-map 'remove-emails repl="<email>"' <<< '{"text":"ask a@b.io or c@d.org"}'
	assert_success
	assert_output '{"text":"ask <email> or <email>"}'
}

@test "takes repl literally, dollars and all" {
	run dm-map 'remove-emails repl="[$0 $ ${x}]"' <<< '{"text":"ask a@b.io"}'
	assert_success
	assert_output '{"text":"ask [$0 $ ${x}]"}'
}
