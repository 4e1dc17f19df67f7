#!/usr/bin/env bats
# op-xml-to-text.bats - xml-to-text: DataMate's XMLTagCleaner

load helper

REF=$DM_REPO/tests/datamate-ref.py

@test "turns DataMate's example into name: value" {
	run dm-map xml-to-text <<< '{"text":"   <性别>男</性别>","fileType":"xml"}'
	assert_success
	assert_output '{"text":"性别: 男","fileType":"xml"}'
}

@test "attributes, repeated children, text beside children, nesting" {
	run dm-map xml-to-text <<< '{"text":"<a x=\"1\"><b>1</b><c>2</c><b>3</b><b><d>4</d></b>t</a>","fileType":"xml"}'
	assert_success
	assert_output '{"text":"a: \n @x: 1\n b: 13\n   d: 4\n c: 2\n #text: t","fileType":"xml"}'
}

@test "changes only a sample whose fileType is xml" {
	run dm-map xml-to-text <<< '{"text":"<a>1</a>","fileType":"html"}'
	assert_success
	assert_output '{"text":"<a>1</a>","fileType":"html"}'
	run dm-map 'xml-to-text type_field=t' <<< '{"text":"<a>1</a>","t":"xml"}'
	assert_output '{"text":"a: 1","t":"xml"}'
}

@test "a document that is not well-formed is an error for its sample" {
	run_split dm-map xml-to-text <<< '{"text":"<a><b></a>","fileType":"xml"}'
	assert_status 2
	assert_stderr "dm-map: <stdin>:1: xml-to-text: not well-formed XML: mismatched tag: line 1, column 9"
}

@test "gives the output of DataMate's code (xmltodict) on a corpus" {
	dm-map xml-to-text <"$DM_REPO/tests/fixtures/xml-corpus.jsonl" >got.jsonl
	"$REF" XMLTagCleaner <"$DM_REPO/tests/fixtures/xml-corpus.jsonl" >want.jsonl
	assert_same got.jsonl want.jsonl
}
