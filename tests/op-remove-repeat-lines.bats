#!/usr/bin/env bats
# op-remove-repeat-lines.bats - remove-repeat-lines: DataMate's DuplicateSentencesFilter

load helper

REF=$DM_REPO/tests/datamate-ref.py

@test "a line seen 5 times or more keeps its first occurrence, as written" {
	run dm-map remove-repeat-lines <<< '{"text":"a\n  b \nb\nc\nb\nb\t\nb\nc\nc\nc"}'
	assert_success
	assert_output '{"text":"a\n  b \nc\nc\nc\nc"}'
}

@test "blank lines and table tags alone on a line always stay" {
	run dm-map remove-repeat-lines <<< '{"text":"<td>\n\n<td>\n \n<td>\n\n<td>\n\n <td>\nx"}'
	assert_success
	assert_output '{"text":"<td>\n\n<td>\n \n<td>\n\n<td>\n\n <td>\nx"}'
}

@test "min sets the number of occurrences" {
	run dm-map 'remove-repeat-lines min=2' <<< '{"text":"x\ny\nx\nz\ny"}'
	assert_success
	assert_output '{"text":"x\ny\nz"}'
	run_split dm-map 'remove-repeat-lines min=0' <<< '{"text":"x"}'
	assert_status 2
}

@test "gives the output of DataMate's code on a corpus" {
	{
		printf '{"text":"%s"}\n' "$(printf 'p\\n%.0s' 1 2 3 4 5)q" \
		    "$(printf ' r \\n\\tr\\n%.0s' 1 2 3)" \
		    "\\n\\n\\nx\\nx\\nx\\nx\\n\\u3000x\\u2028\\n</tr>\\n</tr>\\n</tr>\\n</tr>\\n</tr>\\n" \
		    "" "a\\r\\na\\r\\na\\na\\na"
	} >in.jsonl
	dm-map remove-repeat-lines <in.jsonl >got.jsonl
	# the Filter drops the empty text, dm-map keeps it
	"$REF" DuplicateSentencesFilter <in.jsonl >want.jsonl
	grep -v '^{"text":""}$' got.jsonl >got2.jsonl
	assert_same got2.jsonl want.jsonl
	[ "$(wc -l <got.jsonl)" -eq 5 ]
}
