#!/usr/bin/env bats
# op-fix-unicode.bats - fix-unicode: ftfy's fix_text, against ftfy's own output
#
# tests/fixtures/ftfy-cases.jsonl was made by tests/mkftfy-cases.py from an
# ftfy checkout (github.com/rspeer/python-ftfy): each case's input, ftfy's
# fix_text of it, and which of ftfy's steps matter for it: the character
# fixes only ("chars"), the repair of mojibake ("encoding"), or HTML
# entities ("html").

load helper

@test "gives ftfy's fix_text on every recorded case of the character fixes" {
	cases=$FIXTURES/ftfy-cases.jsonl
	jq -c 'select(.steps == "chars") | {text}' "$cases" >in.jsonl
	jq -c 'select(.steps == "chars") | .ftfy' "$cases" >want
	[ "$(wc -l <want)" -ge 20 ]
	dm-map fix-unicode in.jsonl | jq -c .text >got
	assert_same got want
}

@test "repairs mojibake as ftfy's fix_text does on every recorded case" {
	cases=$FIXTURES/ftfy-cases.jsonl
	jq -c 'select(.steps == "encoding") | {text}' "$cases" >in.jsonl
	jq -c 'select(.steps == "encoding") | .ftfy' "$cases" >want
	[ "$(wc -l <want)" -ge 20 ]
	dm-map fix-unicode in.jsonl | jq -c .text >got
	assert_same got want
}

@test "decodes HTML entities as ftfy does, until a line holds a '<'" {
	cases=$FIXTURES/ftfy-cases.jsonl
	jq -c 'select(.steps == "html") | {text}' "$cases" >in.jsonl
	jq -c 'select(.steps == "html") | .ftfy' "$cases" >want
	[ "$(wc -l <want)" -ge 6 ]
	dm-map fix-unicode in.jsonl | jq -c .text >got
	assert_same got want
}

@test "decodes an entity escaped twice or more to the end, as ftfy's passes do" {
	run dm-map fix-unicode <<< '{"text":"Tom &amp;amp; Jerry, x &amp;lt;b&amp;gt; y &amp;amp;amp;amp;amp;amp;amp;amp;amp;amp;amp;amp;amp;amp;amp;amp;amp;amp;amp;amp;quot;"}'
	assert_success
	assert_output '{"text":"Tom & Jerry, x <b> y \""}'
}

@test "keeps a numeric reference to ';' as ftfy does" {
	run dm-map fix-unicode <<< '{"text":"a&#59;b&#x3b;c&#X3B;d&#0059;e&#58;"}'
	assert_success
	assert_output '{"text":"a&#59;b&#x3b;c&#X3B;d&#0059;e:"}'
}

@test "repairs mojibake a line at a time" {
	run dm-map fix-unicode <<< '{"text":"caf\u00c3\u00a9\nna\u00c3\u00afve \u00e2\u20ac\u201d ok"}'
	assert_success
	assert_output "$(printf '{"text":"caf\u00e9\\nna\u00efve \u2014 ok"}')"
}

@test "leaves a text without anything to fix byte for byte" {
	run dm-map fix-unicode <<< '{"text": "plain \u00e9 text\n", "n": 1}'
	assert_success
	assert_output '{"text": "plain \u00e9 text\n", "n": 1}'
}

@test "normalization chooses the form applied last" {
	run dm-map 'fix-unicode normalization=NFKC' <<< '{"text":"\u2460 \u00bd \u201cx\u201d"}'
	assert_success
	assert_output "$(printf '{"text":"1 1\u20442 \\"x\\""}')"
	run dm-map 'fix-unicode normalization=NFD' <<< '{"text":"\u00e9"}'
	assert_output "$(printf '{"text":"e\u0301"}')"
}

@test "fix_unicode_mapper of a recipe is fix-unicode" {
	printf '%s\n' '{"text":"\u201c\ufb01ne\u201d"}' >in.jsonl
	printf 'dataset_path: in.jsonl\nprocess:\n  - fix_unicode_mapper:\n      normalization: nfkc\n' >r.yaml
	run dm-recipe show r.yaml
	assert_output "dm-map 'fix-unicode normalization=NFKC' in.jsonl"
	run dm-recipe run r.yaml
	assert_success
	assert_output '{"text":"\"fine\""}'
}
