#!/usr/bin/env bats
# op-cjk-repeat.bats - cjk-repeat: DataMate's FileWithHighRepeatWordRateFilter

load helper

@test "drops a text whose commonest ideograph is half of them or more" {
	run dm-filter --mark m 'cjk_repeat()' <<'EOF'
{"text":"机器学学学学学学学学学学学学学学学学学学学学学学学学学学学学学学习"}
{"text":"一一二二三 xxxxxxxx"}
{"text":"一一二三"}
{"text":"no ideographs at all"}
EOF
	assert_success
	assert_output <<'EOF'
{"text":"机器学学学学学学学学学学学学学学学学学学学学学学学学学学学学学学习","m":"cjk-repeat: repeat_word_rate"}
{"text":"一一二二三 xxxxxxxx","m":true}
{"text":"一一二三","m":"cjk-repeat: repeat_word_rate"}
{"text":"no ideographs at all","m":true}
EOF
	run dm-filter 'cjk_repeat(max=0.6)' <<< '{"text":"一一二三"}'
	assert_output '{"text":"一一二三"}'
}

@test "gives the choices of DataMate's code on a corpus" {
	for s in '' 'abc' '一' '一二' '一一二' '一二三四五六七八九十' '龥龥㐀㐀㐀一' \
	    '學學學習習習' '人人人人人人人人人人人人人人人人人人人人人人人人人人人人人人天天天天天天天天天天天天天天天天天天天天天天天天天天天天天天天' \
	    '人人人人人人人人人人人人人人人人人人人人人人人人人人人人人天天天天天天天天天天天天天天天天天天天天天天天天天天天天天天天'; do
		printf '{"text":"%s"}\n' "$s"
	done >in.jsonl
	like_datamate dm-filter 'len > 0 && cjk_repeat()' \
	    FileWithHighRepeatWordRateFilter
	like_datamate dm-filter 'len > 0 && cjk_repeat(max=0.34)' \
	    FileWithHighRepeatWordRateFilter 0.34
}
