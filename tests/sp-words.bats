#!/usr/bin/env bats
# sp-words.bats - words, word_rep, stopword_ratio and flagged_ratio with
# sp=MODEL: the words of a SentencePiece model, as Data-Juicer's word
# filters take them with tokenization: true (tests/fixtures/djref-sp.py,
# run with python3-sentencepiece)

load helper

# corpus: a generated text of English, Chinese, digits and punctuation
corpus() {
	/usr/bin/python3 - <<'PY'
import random
random.seed(7)
en = ("the of and to in is that it was for on are with as his they be at "
      "one have this from or had by word but what some we can out other "
      "were all there when up use your how said an each she which do "
      "their time if will way about many then them write would like so "
      "these her long make thing see him two has look more day could go "
      "come did number sound no most people my over know water than call "
      "first who may down side been now find fuck shit damn porn anal xxx "
      "bbw").split()
zh = "我们的数据清洗文本处理是一个句子中文分词测试这就了不在人有"
vi = ("của và các có được trong cho là người những một với này để không "
      "đã khi ra cũng như Việt Nam dữ liệu văn bản").split()
for _ in range(4000):
    if random.random() < 0.2:
        print(" ".join(random.choice(vi) for _ in range(12)).capitalize()
              + random.choice(".,!?"))
    elif random.random() < 0.3:
        print("".join(random.choice(zh) for _ in range(random.randrange(5, 30)))
              + random.choice("，。！"))
    else:
        ws = [random.choice(en) for _ in range(random.randrange(3, 16))]
        print(" ".join(ws).capitalize() + random.choice(".,!?;"),
              random.randrange(0, 3000))
PY
}

# texts: the samples, some of them repeating themselves (word_rep), with
# upper case, glued punctuation, digits, CJK, Cyrillic, the model's
# U+2581, tabs and new lines, and the empty text
texts() {
	/usr/bin/python3 - <<'PY'
import json, random
random.seed(11)
parts = ("the The THE of and To in is that it was fuck Fuck shit damn porn "
         "water people Sound number first who quick brown fox zebra "
         "xylophone 1234 3.14 2024-01-01 , . ! ? ; : ... -- ( ) \" ' "
         "the,of of.the (the) it's don't 我们 数据清洗 是一个句子 。 ， "
         "x,fuck (porn) —shit 1damn fuck's xxx. Anal bbw "
         "Của và CÁC được Đã người_Việt dữ,liệu "
         "Грамм Г г Ελληνικά café Ünïcödé ▁ ▁the ½ — “the” ‘of’").split()
seps = [" ", " ", " ", "", "\n", "\t", "  ", " \n "]
print(json.dumps({"text": ""}))
print(json.dumps({"text": " "}))
print(json.dumps({"text": "..."}))
for k in range(400):
    n = random.choice([1, 2, 5, 10, 20, 40, random.randrange(0, 120)])
    t = "".join(random.choice(parts) + random.choice(seps) for _ in range(n))
    if k % 5 == 0:
        t = (t + " ") * random.randrange(2, 4)
    print(json.dumps({"text": t}))
PY
}

# model TYPE NAME [OPTION...]: NAME.sp.model, trained on the corpus, with
# three flagged words (or $SYMBOLS) made pieces of their own wherever
# they are
model() {
	local type=$1 name=$2
	shift 2
	[ -f corpus.txt ] || corpus > corpus.txt
	spm_train --input=corpus.txt --model_prefix="$name.sp" \
	    --model_type="$type" --seed_sentencepiece_size=100000 \
	    --hard_vocab_limit=false \
	    --user_defined_symbols="${SYMBOLS:-porn,xxx,anal}" \
	    --minloglevel=2 "$@" \
	    > spm_train.log 2>&1 || {
		cat spm_train.log >&2
		return 1
	}
}

# same_as_dj NAME LANG [AUG JOIN]: dm's statistics with sp="NAME", the
# lists of LANG (with aug=[AUG] and join="JOIN", AUG's sizes joined by
# '+'), over the texts, equal Data-Juicer's (with use_words_aug)
same_as_dj() {
	local aug=
	[ $# -lt 3 ] || aug=",aug=[${3//+/,}],join=\"$4\""
	texts > in.jsonl
	DM_TOKENIZER_PATH=$PWD run_split dm-map "set w=words(sp=\"$1\") r1=word_rep(1,sp=\"$1\") r2=word_rep(2,sp=\"$1\") r10=word_rep(10,sp=\"$1\") s=stopword_ratio(\"$2\"$aug,sp=\"$1\") f=flagged_ratio(\"$2\"$aug,sp=\"$1\"); drop text" in.jsonl
	assert_success
	printf '%s\n' "$output" > out.jsonl
	# the statistics are not all zero
	[ "$(jq -r 'select(.s > 0) | .s' out.jsonl | sort -u | wc -l)" -gt 20 ]
	[ "$(jq -r 'select(.f > 0) | .f' out.jsonl | sort -u | wc -l)" -gt 10 ]
	[ "$(jq -r 'select(.r2 > 0) | .r2' out.jsonl | sort -u | wc -l)" -gt 20 ]
	run /usr/bin/python3 "$FIXTURES/djref-sp.py" "$1.sp.model" \
	    "$DM_SHAREDIR/wordlists/stopwords/$2.txt" \
	    "$DM_SHAREDIR/wordlists/flagged/$2.txt" in.jsonl out.jsonl \
	    ${3+"$3" "$4"}
	assert_success
	assert_output '403 samples agree'
}

@test "the statistics of a unigram model's words are Data-Juicer's" {
	model unigram en --vocab_size=300
	same_as_dj en en
}

@test "the statistics of a BPE model's words are Data-Juicer's" {
	model bpe en --vocab_size=700 --byte_fallback=true \
	    --character_coverage=0.99
	same_as_dj en en
}

@test "the statistics of a Chinese model's words are Data-Juicer's with the zh lists" {
	model unigram zh --vocab_size=120 --add_dummy_prefix=false \
	    --split_by_whitespace=false
	same_as_dj zh zh
}

@test "with aug=, the statistics of a Chinese model's words are Data-Juicer's with use_words_aug" {
	model unigram zh --vocab_size=120 --add_dummy_prefix=false \
	    --split_by_whitespace=false
	same_as_dj zh zh 2 ''
	same_as_dj zh zh 1+3+2 _
}

@test "the statistics of a Vietnamese model's words are Data-Juicer's with the vi lists" {
	SYMBOLS=porn,xxx,anal,của,và,các,có,được,những model bpe vi \
	    --vocab_size=500 --character_coverage=0.995 --byte_fallback=true
	same_as_dj vi vi
}

# remove-incorrect-substrings sp=MODEL: the pieces without U+2581, those
# kept joined by nothing when one goes, as Data-Juicer's
# remove_words_with_incorrect_substrings_mapper with tokenization: true
@test "remove-incorrect-substrings with sp= is Data-Juicer's mapper with tokenization: true" {
	model unigram en --vocab_size=300
	texts > in.jsonl
	for subs in 'the,fu' 'xxx,.,数'; do
		DM_TOKENIZER_PATH=$PWD dm-map "remove-incorrect-substrings substrings=$subs sp=en" in.jsonl > out.jsonl
		# some texts change, not all
		[ "$(paste -d '\n' in.jsonl out.jsonl | awk 'NR % 2 { a = $0; next } a != $0' | wc -l)" -gt 50 ]
		[ "$(paste -d '\n' in.jsonl out.jsonl | awk 'NR % 2 { a = $0; next } a == $0' | wc -l)" -gt 20 ]
		run /usr/bin/python3 "$FIXTURES/djref-sp.py" substrings \
		    en.sp.model "$subs" in.jsonl out.jsonl
		assert_success
		assert_output '403 samples agree'
	done
}

@test "a model is found in Data-Juicer's cache after DM_TOKENIZER_PATH, and a path is a path" {
	model unigram en --vocab_size=300
	mkdir -p cache/data_juicer/models tok
	mv en.sp.model cache/data_juicer/models/
	DM_TOKENIZER_PATH=$PWD/tok CACHE_HOME=$PWD/cache run dm-filter \
	    'words(sp="en") == 5 && words(sp="cache/data_juicer/models/en.sp.model") == 5' \
	    <<< '{"text":"the of and to in"}'
	assert_success
	assert_output '{"text":"the of and to in"}'
	unset CACHE_HOME
	DM_TOKENIZER_PATH=$PWD/tok DATA_JUICER_MODELS_CACHE=$PWD/cache/data_juicer/models \
	    run dm-filter 'stopword_ratio("en", sp="en") >= 0' <<< '{"text":"x"}'
	assert_success
}

@test "a missing model is an error that names where it was looked for" {
	DM_TOKENIZER_PATH=/nonexistent DATA_JUICER_CACHE_HOME=/dj run_split \
	    dm-filter 'word_rep(2, sp="xx") < 0.5' <<< '{"text":"x"}'
	assert_status 2
	assert_stderr <<'EOF2'
dm-filter: expression:1:13: no SentencePiece model 'xx.sp.model' in '/nonexistent:/dj/models'
  word_rep(2, sp="xx") < 0.5
              ^
EOF2
	run_split dm-filter 'len(sp="en") > 1 || char_rep(sp="en") > 1' <<< '{}'
	assert_status 2
	[ "$stderr" = "dm-filter: expression:1:5: len() takes no named arguments
  len(sp=\"en\") > 1 || char_rep(sp=\"en\") > 1
      ^" ]
	run_split dm-filter 'char_rep(sp="en") > 1' <<< '{}'
	assert_stderr <<'EOF2'
dm-filter: expression:1:10: char_rep takes no sp=
  char_rep(sp="en") > 1
           ^
EOF2
}

@test "stats writes the statistics of a model's words under keys of their own" {
	model unigram en --vocab_size=300
	DM_TOKENIZER_PATH=$PWD run dm-map \
	    'stats names=words:sp=en,word_rep:1:sp=en,flagged_ratio:en:sp=en,words; drop text' \
	    <<< '{"text":"the the,xxx"}'
	assert_success
	# the pieces: ▁the ▁the , xxx
	assert_output '{"stats":{"words_sp_en":3,"word_rep_1_sp_en":0.6666666666666666,"flagged_ratio_en_sp_en":0.3333333333333333,"words":2}}'
	run dm-map 'stats names=len:sp=en' <<< '{}'
	assert_status 2
	[ "${output%%$'\n'*}" = "dm-map: script:1:13: stats: statistic 'len' takes no argument" ]
}

@test "a path that is not a model is an error" {
	echo 'not a model' > x.model
	run_split dm-filter 'words(sp="./x.model") > 0 || words(sp="no/such.model") > 0' <<< '{}'
	assert_status 2
	[ "$(printf '%s\n' "$stderr" | head -1)" = "dm-filter: expression:1:7: SentencePiece model './x.model': not a SentencePiece model" ]
	run_split dm-filter 'words(sp="no/such.model") > 0' <<< '{}'
	assert_status 2
	[ "$(printf '%s\n' "$stderr" | head -1)" = "dm-filter: expression:1:7: SentencePiece model 'no/such.model': No such file or directory" ]
}
