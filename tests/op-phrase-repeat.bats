#!/usr/bin/env bats
# op-phrase-repeat.bats - phrase-repeat: DataMate's FileWithHighRepeatPhraseRateFilter

load helper

REF=$DM_REPO/tests/datamate-ref.py

@test "drops a text whose commonest word is half of its words or more" {
	run dm-filter --mark m 'phrase_repeat()' <<'EOF2'
{"text":"机器机器机器机器机器机器机器机器机器机器学习学习学习学习学习"}
{"text":"我来到北京清华大学，小明硕士毕业于中国科学院计算所。"}
{"text":"x"}
{"text":"。。！！"}
{"text":"ＡＢ ＡＢ ＡＢ 数据 研究"}
EOF2
	assert_success
	# words of one character, of punctuation, or not all letters (ＡＢ is
	# full-width punctuation to the pattern) are not counted
	assert_output <<'EOF2'
{"text":"机器机器机器机器机器机器机器机器机器机器学习学习学习学习学习","m":"phrase-repeat: repeat_phrase_rate"}
{"text":"我来到北京清华大学，小明硕士毕业于中国科学院计算所。","m":true}
{"text":"x","m":true}
{"text":"。。！！","m":true}
{"text":"ＡＢ ＡＢ ＡＢ 数据 研究","m":"phrase-repeat: repeat_phrase_rate"}
EOF2
	run dm-filter 'phrase_repeat(max=0.7)' <<< '{"text":"机器机器机器学习学习"}'
	assert_output '{"text":"机器机器机器学习学习"}'
	run dm-filter 'phrase_repeat(max=0.6)' <<< '{"text":"机器机器机器学习学习"}'
	assert_output ''
}

@test "hit=true leaves out DataMate's HIT stop words, stopwords= a list of one's own" {
	run dm-filter 'phrase_repeat()' <<< '{"text":"今天今天今天研究数据"}'
	assert_output ''
	run dm-filter 'phrase_repeat(hit=true)' <<< '{"text":"今天今天今天研究数据分析学习"}'
	assert_output '{"text":"今天今天今天研究数据分析学习"}'
	printf '研究\n数据\n' >stop.txt
	run dm-filter 'phrase_repeat(stopwords="stop.txt")' <<< '{"text":"今天明天后天研究研究数据数据"}'
	assert_output '{"text":"今天明天后天研究研究数据数据"}'
	run dm-filter 'phrase_repeat(stopwords="stop.txt", max=0.5)' <<< '{"text":"今天今天明天后天研究研究数据数据"}'
	assert_output ''
	run_split dm-filter 'phrase_repeat(hit=true, stopwords="stop.txt")' <<< '{"text":"x"}'
	assert_status 2
	[[ ${stderr%%$'\n'*} == "dm-filter: expression:1:1: phrase-repeat: hit and stopwords: give one list" ]]
}

@test "gives the choices of DataMate's code on a corpus" {
	"$DM_REPO/tests/jieba-ref.py" corpus 300 5 >in.jsonl
	cat >>in.jsonl <<'EOF2'
{"text":"今天今天今天研究数据分析学习，我们我们的的的"}
{"text":"一下一下一下一天一天学习学习"}
{"text":"一下一下一下一天一天学习学习研究"}
EOF2
	hit=$DM_SHAREDIR/wordlists/stopwords-hit/zh.txt
	while IFS='|' read -r args ref; do
		dm-filter "len > 0 && phrase_repeat($args)" <in.jsonl >got.jsonl
		"$REF" FileWithHighRepeatPhraseRateFilter "$ref" <in.jsonl >want.jsonl
		assert_same got.jsonl want.jsonl
		kept="$kept $(wc -l <got.jsonl)"
	done <<EOF2
|[0.5]
max=0.2|[0.2]
max=0.1|[0.1]
hit=true|[0.5, "$hit"]
max=0.1, hit=true|[0.1, "$hit"]
EOF2
	[ "$kept" = " 282 248 186 280 186" ]
}

@test "a first text without a word counted is kept (no qsort of no words, which an ASan build stopped at)" {
	# one-letter words and digits are not counted: no word at all, a
	# rate of 0; under make check-asan the old build stopped here
	run dm-filter 'phrase_repeat()' <<'EOF2'
{"text":"a b"}
{"text":"12 34"}
EOF2
	assert_success
	assert_output <<'EOF2'
{"text":"a b"}
{"text":"12 34"}
EOF2
}

@test "an empty stopwords= list leaves out no word (no qsort of no words, which an ASan build stopped at)" {
	: >empty.txt
	run dm-filter 'phrase_repeat(stopwords="empty.txt")' <<'EOF2'
{"text":"今天明天后天研究数据"}
{"text":"今天今天今天研究数据"}
EOF2
	assert_success
	assert_output '{"text":"今天明天后天研究数据"}'
}
