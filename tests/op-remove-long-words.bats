#!/usr/bin/env bats
# op-remove-long-words.bats - remove-long-words: Data-Juicer's remove_long_words_mapper

load helper

@test "drops words outside the range, as Data-Juicer's own example" {
	run dm-map 'remove-long-words min=3 max=15' <<< '{"text":"This paper a novel eqeqweqwewqeqwe121e1 method on LLM pretrain."}'
	assert_success
	assert_output '{"text":"This paper novel method LLM pretrain."}'
}

@test "keeps a word whose length or stripped length is in the range" {
	run dm-map 'remove-long-words min=2 max=6' <<< '{"text":"((((x)))) \"quoted-words-here\" ... hi!!!!!!!!! on"}'
	assert_success
	assert_output '{"text":"... hi!!!!!!!!! on"}'
}

@test "counts characters, not bytes, in accented words" {
	run dm-map 'remove-long-words min=2 max=6' <<< '{"text":"Ça été très agréable: l'"'"'anticonstitutionnellement écrit."}'
	assert_success
	assert_output '{"text":"Ça été très écrit."}'
}

@test "treats a run of CJK characters without spaces as one word" {
	run dm-map 'remove-long-words min=2 max=6' <<< '{"text":"中文文本很长的一句话没有空格 短 中文"}'
	assert_success
	assert_output '{"text":"中文"}'
}

@test "strips emoji as SPECIAL characters" {
	run dm-map 'remove-long-words min=2 max=6' <<< '{"text":"emoji 😀😀😀😀😀😀😀 ok 👍 hi"}'
	assert_success
	assert_output '{"text":"emoji ok hi"}'
}

@test "max alone keeps short words" {
	run dm-map 'remove-long-words max=3' <<< '{"text":"a bb ccc dddd\neeeee"}'
	assert_success
	assert_output '{"text":"a bb ccc"}'
}

@test "collapses separators and drops blank lines, as Data-Juicer does" {
	run dm-map 'remove-long-words min=2 max=6' <<< '{"text":"  a  bb\t\tccc \n\n dddd\teeeee \t\n"}'
	assert_success
	assert_output '{"text":"bb\tccc\ndddd\teeeee"}'
}

@test "rewrites white space even with the default range" {
	run dm-map remove-long-words <<< '{"text":"line one\n\n\nline  two\n"}'
	assert_success
	assert_output '{"text":"line one\nline two"}'
}

@test "leaves empty text unchanged" {
	run dm-map remove-long-words <<< '{"text": "" }'
	assert_success
	assert_output '{"text": "" }'
}

@test "writes an unchanged sample back byte for byte" {
	run dm-map 'remove-long-words max=5' <<< '{"text": "a b\tc\nd 中文 😀",  "n": 1.50}'
	assert_success
	assert_output '{"text": "a b\tc\nd 中文 😀",  "n": 1.50}'
}

@test "rejects a negative min" {
	run dm-map 'remove-long-words min=-1' <<< '{"text":"a"}'
	assert_status 2
}

# Words that are long only with the C1 controls, spaces and joiners around
# them where dm's SPECIAL once differed from Data-Juicer's: the texts
# against tests/fixtures/djref.py, Data-Juicer's mapper run by Python.
@test "strips exactly Data-Juicer's SPECIAL set before measuring" {
	for range in '3 6' '1 5' '4 12'; do
		set -- $range
		dm-map "remove-long-words min=$1 max=$2" \
		    "$FIXTURES/special-cps.jsonl" >out.jsonl
		run /usr/bin/python3 "$FIXTURES/djref.py" remove-long-words \
		    "$1" "$2" "$FIXTURES/special-cps.jsonl" out.jsonl
		assert_success
		assert_output '8 samples agree'
	done
}
