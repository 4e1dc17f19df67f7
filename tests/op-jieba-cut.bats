#!/usr/bin/env bats
# op-jieba-cut.bats - jieba-cut: the words of a text as python3-jieba cuts it

load helper

REF=$DM_REPO/tests/jieba-ref.py

@test "writes the words of the text to a field, as jieba.lcut" {
	run dm-map jieba-cut <<'EOF2'
{"text":"我来到北京清华大学，小明硕士毕业于中国科学院计算所。"}
{"id":2,"text":"He said: 3.14% of AT&T\r\n  我爱Python和机器学习"}
EOF2
	assert_success
	assert_output <<'EOF2'
{"text":"我来到北京清华大学，小明硕士毕业于中国科学院计算所。","words":["我","来到","北京","清华大学","，","小明","硕士","毕业","于","中国科学院","计算所","。"]}
{"id":2,"text":"He said: 3.14% of AT&T\r\n  我爱Python和机器学习","words":["He"," ","said",":"," ","3.14%"," ","of"," ","AT&T","\r\n"," "," ","我","爱","Python","和","机器","学习"]}
EOF2
	run dm-map 'jieba-cut field=meta.w' <<< '{"text":"","meta":{}}'
	assert_output '{"text":"","meta":{"w":[]}}'
}

@test "cuts varied mixed text as python3-jieba does" {
	"$REF" corpus 400 17 >in.jsonl
	dm-map jieba-cut in.jsonl >got.jsonl
	"$REF" cut <in.jsonl >want.jsonl
	assert_same got.jsonl want.jsonl
	# the HMM found words the dictionary lacks: a pair of ideographs that
	# is no dictionary word, cut as one
	jq -r '.words[] | select(test("^[一-龥]{2}$"))' got.jsonl |
	    LC_ALL=C sort -u >pairs.txt
	cut -d' ' -f1 /usr/lib/python3/dist-packages/jieba/dict.txt | LC_ALL=C sort -u >dict.txt
	[ "$(LC_ALL=C comm -23 pairs.txt dict.txt | wc -l)" -gt 10 ]
}

@test "DM_JIEBA_DIR chooses the data; missing data is an error" {
	mkdir -p j/finalseg
	printf 'AB 5 n\nA 1 n\nB 1 n\n' >j/dict.txt
	for f in prob_start prob_trans prob_emit; do
		cp "/usr/lib/python3/dist-packages/jieba/finalseg/$f.py" j/finalseg/
	done
	DM_JIEBA_DIR=$PWD/j run dm-map jieba-cut <<< '{"text":"ABAB"}'
	assert_success
	assert_output '{"text":"ABAB","words":["AB","AB"]}'
	DM_JIEBA_DIR=$PWD/nowhere run_split dm-map jieba-cut <<< '{"text":"x"}'
	assert_status 2
	assert_stderr "dm-map: script:1:1: jieba-cut: $PWD/nowhere/dict.txt: No such file or directory"
	printf 'AB five n\n' >j/dict.txt
	DM_JIEBA_DIR=$PWD/j run_split dm-map jieba-cut <<< '{"text":"x"}'
	assert_status 2
	assert_stderr "dm-map: script:1:1: jieba-cut: $PWD/j/dict.txt:1: invalid dictionary entry"
}
