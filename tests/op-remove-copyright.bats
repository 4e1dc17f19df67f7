#!/usr/bin/env bats
# op-remove-copyright.bats - the remove-copyright operator: Data-Juicer's
# clean_copyright_mapper
#
# Expected texts are what Data-Juicer's code gives (its comment pattern run
# by Python's re, its line loop re-typed in Python): the cases of its own
# tests, then crafted ones.

load helper

@test "cuts a C comment that mentions copyright, wherever it is" {
	run dm-map remove-copyright <<< '{"text":"这是一段 /* 多行注释\n注释内容copyright\n*/ 的文本。另外还有一些 // 单行注释。"}'
	assert_success
	assert_output '{"text":"这是一段  的文本。另外还有一些 // 单行注释。"}'
}

@test "cuts a licence header, keeping what follows" {
	run dm-map remove-copyright <<< '{"text":"/*\n * Copyright (c) 2024 Café Ltd.\n */\n#include <stdio.h>\nint x;"}'
	assert_success
	assert_output '{"text":"\n#include <stdio.h>\nint x;"}'
}

@test "matches copyright in any case, and a comment closed by several stars" {
	run dm-map remove-copyright <<< '{"text":"x = 1 /* CopyRight **/ + 2"}'
	assert_success
	assert_output '{"text":"x = 1  + 2"}'
}

@test "looks only at the first C comment" {
	run dm-map remove-copyright <<< '{"text":"/* COPYRIGHT */x/* copyright */y"}'
	assert_success
	assert_output '{"text":"x/* copyright */y"}'
}

@test "keeps a first C comment without copyright, and then nothing else goes" {
	run dm-map remove-copyright <<< '{"text": "/* a */\n// Copyright\ncode"}'
	assert_success
	assert_output '{"text": "/* a */\n// Copyright\ncode"}'
}

@test "keeps a comment without copyright in Chinese text byte for byte" {
	run dm-map remove-copyright <<< '{"text": "如果多行/*注释中没有\n关键词,那么\n被清除*/\n会保留下来"}'
	assert_success
	assert_output '{"text": "如果多行/*注释中没有\n关键词,那么\n被清除*/\n会保留下来"}'
}

@test "does not close a comment with its opening star" {
	run dm-map remove-copyright <<< '{"text":"/*/ copyright */z"}'
	assert_success
	assert_output '{"text":"z"}'
}

@test "leaves an unclosed comment alone" {
	run dm-map remove-copyright <<< '{"text": "/* copyright"}'
	assert_success
	assert_output '{"text": "/* copyright"}'
}

@test "drops leading // lines, copyright or not" {
	run dm-map remove-copyright <<< '{"text":"//if start with\n//that will be cleaned \n evenly"}'
	assert_success
	assert_output '{"text":" evenly"}'
}

@test "drops leading # lines with emoji and CJK, up to the first other line" {
	run dm-map remove-copyright <<< '{"text":"# Copyright 2024 😀 作者\n# licence\nimport os\n#not this"}'
	assert_success
	assert_output '{"text":"import os\n#not this"}'
}

@test "drops every line when all are comments or empty" {
	run dm-map remove-copyright <<< '{"text":"--if start with\n--that will be cleaned \n#evenly"}'
	assert_success
	assert_output '{"text":""}'
}

@test "drops leading empty lines too" {
	run dm-map remove-copyright <<< '{"text":"\n\n\ncode\n"}'
	assert_success
	assert_output '{"text":"code\n"}'
}

@test "splits on LF only, keeping the CR of the lines that stay" {
	run dm-map remove-copyright <<< '{"text":"// © 2024 Ünïcode\r\n// more\r\nbody\r\n"}'
	assert_success
	assert_output '{"text":"body\r\n"}'
}

@test "leaves a text whose first line is not a comment" {
	run dm-map remove-copyright <<< '{"text": "http://www.nasosnsncc.com\n# x"}'
	assert_success
	assert_output '{"text": "http://www.nasosnsncc.com\n# x"}'
}

@test "writes an unchanged sample back byte for byte" {
	run dm-map remove-copyright <<< '{"text": "plain text, café 😀",  "n": 1.50}'
	assert_success
	assert_output '{"text": "plain text, café 😀",  "n": 1.50}'
}

@test "leaves an empty text alone" {
	run dm-map remove-copyright <<< '{"text": ""}'
	assert_success
	assert_output '{"text": ""}'
}

@test "finds copyright as Python's regex with IGNORECASE does: U+0130 is an i" {
	# every code point that regex's IGNORECASE matches to a letter of the
	# word (U+0130 alone, besides ASCII), and look-alikes that it does not
	printf '%s\n' '{"text":"/* COPYRİGHT 2020 Acme */\nint x;"}' \
	    '{"text":"/* copyrİght */x"}' '{"text":"/* copyrıght */x"}' \
	    '{"text":"/* ｃｏｐｙｒｉｇｈｔ */x"}' '{"text":"/* copyrіght */x"}' \
	    '{"text":"/* copyrigh t */x"}' '{"text":"/* CoPyRiGhT*/x"}' >in.jsonl
	dm-map remove-copyright in.jsonl | jq -c . >out.jsonl
	/usr/bin/python3 - >want.jsonl <<'EOF'
import json
import regex as re
# Data-Juicer's clean_copyright_mapper, its comment branch
pat = re.compile("/\\*[^*]*\\*+(?:[^/*][^*]*\\*+)*/")
cpat = re.compile("copyright", re.IGNORECASE)
for line in open('in.jsonl'):
    s = json.loads(line)
    t = s['text']
    r = pat.search(t)
    if r and cpat.search(t[r.start():r.end()]):
        t = t[:r.start()] + t[r.end():]
    s['text'] = t
    print(json.dumps(s, ensure_ascii=False, separators=(',', ':')))
EOF
	assert_same out.jsonl want.jsonl
	assert_file out.jsonl <<'EOF'
{"text":"\nint x;"}
{"text":"x"}
{"text":"/* copyrıght */x"}
{"text":"/* ｃｏｐｙｒｉｇｈｔ */x"}
{"text":"/* copyrіght */x"}
{"text":"/* copyrigh t */x"}
{"text":"x"}
EOF
}
