#!/usr/bin/env bats
# op-stripped-len.bats - stripped-len: DataMate's FileWithShortOrLongLengthFilter

load helper

REF=$DM_REPO/tests/datamate-ref.py

@test "keeps 10 to 10000000 characters, spaces at both ends left out" {
	run dm-filter --mark m 'stripped_len()' <<'EOF'
{"text":"  abcdefghij \u3000"}
{"text":"\u2000abcdefghi\u200f"}
{"text":"abcdefghi  \n"}
{"text":"abcdefghi\t"}
EOF
	assert_success
	assert_output <<'EOF'
{"text":"  abcdefghij \u3000","m":true}
{"text":"\u2000abcdefghi\u200f","m":"stripped-len: short"}
{"text":"abcdefghi  \n","m":true}
{"text":"abcdefghi\t","m":true}
EOF
}

@test "min and max bound it, 0 is no bound" {
	run dm-filter --mark m 'stripped_len(min=2, max=3)' <<'EOF'
{"text":"a"}
{"text":" ab "}
{"text":"abcd"}
EOF
	assert_output <<'EOF'
{"text":"a","m":"stripped-len: short"}
{"text":" ab ","m":true}
{"text":"abcd","m":"stripped-len: long"}
EOF
	run dm-filter 'stripped_len(min=0, max=0)' <<< '{"text":""}'
	assert_output '{"text":""}'
}

@test "gives the choices of DataMate's code on a corpus" {
	for s in '' ' ' 'abcdefghij' ' abcdefghi ' '\u3000\u3000abcdefghij\u3000' \
	    'abcdefghi \n' 'abcdefghi \n ' '  \n' 'abcdefghi\u200b\u200b\n' \
	    '\u00a0abcdefghi\u205f\n\n' 'abcdefghijk\u1680' 'x\n\n\n\n\n\n\n\n\n'; do
		printf '{"text":"%s"}\n' "$s"
	done >in.jsonl
	dm-filter 'len > 0 && stripped_len()' <in.jsonl >got.jsonl
	"$REF" FileWithShortOrLongLengthFilter <in.jsonl >want.jsonl
	assert_same got.jsonl want.jsonl
	dm-filter 'len > 0 && stripped_len(min=0, max=10)' <in.jsonl >got.jsonl
	"$REF" FileWithShortOrLongLengthFilter '[0, 10]' <in.jsonl >want.jsonl
	assert_same got.jsonl want.jsonl
}
