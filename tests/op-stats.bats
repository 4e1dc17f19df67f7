#!/usr/bin/env bats
# op-stats.bats - stats: text statistics written into an object field
#
# Every expected value below was worked out by hand from the definitions
# (Data-Juicer's filters, see OPS.md); the working is in the comment above
# each test. Reals are written as Python's repr writes them. Most tests
# drop the text so that only the statistics are compared.

load helper

# st NAMES: runs 'stats names=NAMES; drop text' on standard input.
st() {
	dm-map "stats names=$1; drop text"
}

# len: code points (Python's len), not bytes.
#   "hello world" 11 ASCII characters, 11 bytes
#   "héllo wörld" 11 characters; é and ö take 2 bytes: 13 bytes
#   "中文字符" 4 characters of 3 bytes: 12 bytes
#   "😀👍🏽" U+1F600, U+1F44D, U+1F3FD (skin tone): 3 characters of 4 bytes
#   "" 0 and 0
@test "len counts code points and bytes counts UTF-8 bytes" {
	run st len,bytes <<'EOF'
{"text":"hello world"}
{"text":"héllo wörld"}
{"text":"中文字符"}
{"text":"😀👍🏽"}
{"text":""}
EOF
	assert_success
	assert_output <<'EOF'
{"stats":{"len":11,"bytes":11}}
{"stats":{"len":11,"bytes":13}}
{"stats":{"len":4,"bytes":12}}
{"stats":{"len":3,"bytes":12}}
{"stats":{"len":0,"bytes":0}}
EOF
}

# len of escaped text is taken once decoded: "\u00e9\n\u4e2d" is é, a
# newline and 中: 3 characters, 2 + 1 + 3 = 6 bytes.
@test "counts escaped characters once decoded" {
	run st len,bytes <<< '{"text":"\u00e9\n\u4e2d"}'
	assert_success
	assert_output '{"stats":{"len":3,"bytes":6}}'
}

# The empty text: no characters, no lines (splitlines of "" is []), no
# words, no n-grams; every ratio is 0 (never a division by zero), and so
# is avg_line_len, as Data-Juicer's 0.0 for a text without lines.
@test "gives 0 for every statistic of an empty text" {
	run st len,bytes,words,lines,alnum_ratio,avg_line_len,max_line_len,special_ratio,digit_ratio,upper_ratio,space_ratio,char_rep,word_rep,stopword_ratio,flagged_ratio <<< '{"text":""}'
	assert_success
	assert_output '{"stats":{"len":0,"bytes":0,"words":0,"lines":0,"alnum_ratio":0.0,"avg_line_len":0.0,"max_line_len":0,"special_ratio":0.0,"digit_ratio":0.0,"upper_ratio":0.0,"space_ratio":0.0,"char_rep":0.0,"word_rep":0.0,"stopword_ratio":0.0,"flagged_ratio":0.0}}'
}

# "  \n  ": 5 characters; splitlines gives ["  ", "  "]: 2 lines, the
# longest 2, 5 / 2 = 2.5; no word survives; all 5 are white space, and
# white space is SPECIAL; nothing is alphanumeric.
@test "counts a text of white space only" {
	run st len,words,lines,avg_line_len,max_line_len,space_ratio,special_ratio,alnum_ratio <<< '{"text":"  \n  "}'
	assert_success
	assert_output '{"stats":{"len":5,"words":0,"lines":2,"avg_line_len":2.5,"max_line_len":2,"space_ratio":1.0,"special_ratio":1.0,"alnum_ratio":0.0}}'
}

# words: split on space, \n and \t, strip SPECIAL at both ends, drop empty.
#   "Hello, World! 123 ..."  Hello, World; "123" and "..." are all SPECIAL: 2
#   "«Ça va?» — très bien."  Ça, va, très, bien; the dash alone goes: 4
#   "中文，测试。"  one word (no space); 。 stripped, ， inside stays: 1
#   "😀 hi 👍🏽"  the emoji are SPECIAL: only hi: 1
@test "words strips SPECIAL characters at both ends and drops empty words" {
	run st words <<'EOF'
{"text":"Hello, World! 123 ..."}
{"text":"«Ça va?» — très bien."}
{"text":"中文，测试。"}
{"text":"😀 hi 👍🏽"}
EOF
	assert_success
	assert_output <<'EOF'
{"stats":{"words":2}}
{"stats":{"words":4}}
{"stats":{"words":1}}
{"stats":{"words":1}}
EOF
}

# Only space, \n and \t split: "a\u00a0b c\rd x\r\ny\tz" is a<NBSP>b,
# c<CR>d, x<CR> (stripped to x), y, z: 5 words.
@test "words splits on space, newline and tab only" {
	run st words <<< '{"text":"a\u00a0b c\rd x\r\ny\tz"}'
	assert_success
	assert_output '{"stats":{"words":5}}'
}

# words does not lower-case: Г (U+0413) is in Data-Juicer's symbol list,
# so "Г" strips to nothing: 0 words. Refined words are lower-cased first,
# and г is not SPECIAL: stopword_ratio sees one word, г, which the Russian
# list of stopwords-iso holds: 1 / 1.
@test "words keeps case while refined words are lower-cased before stripping" {
	run st words,stopword_ratio:ru:iso <<< '{"text":"Г"}'
	assert_success
	assert_output '{"stats":{"words":0,"stopword_ratio_ru_iso":1.0}}'
}

# lines are splitlines():
#   "a\nb\r\nc\rd"  a, b, c, d: 4 lines of 1; 8 characters / 4 = 2.0
#   "one\n\ntwo\n"  one, "", two (no line after the last \n): 3, longest
#                   3, 9 characters / 3 = 3.0
#   "a" U+2028 "b" U+0085 "c" \v "d" \f "e" \x1c "f" \x1d "g" \x1e "h":
#                   8 lines of 1; 15 characters / 8 = 1.875
#   "a\u001fb"      \x1f ends no line: 1 line of 3, 3.0
#   "\n"            [""]: 1 line of 0 characters, 1 / 1 = 1.0
#   "中文\n字"      中文, 字: 2 lines, longest 2, 4 / 2 = 2.0
@test "lines are Python's splitlines with every line boundary it knows" {
	run st lines,max_line_len,len,avg_line_len <<'EOF'
{"text":"a\nb\r\nc\rd"}
{"text":"one\n\ntwo\n"}
{"text":"a\u2028b\u0085c\u000bd\u000ce\u001cf\u001dg\u001eh"}
{"text":"a\u001fb"}
{"text":"\n"}
{"text":"中文\n字"}
EOF
	assert_success
	assert_output <<'EOF'
{"stats":{"lines":4,"max_line_len":1,"len":8,"avg_line_len":2.0}}
{"stats":{"lines":3,"max_line_len":3,"len":9,"avg_line_len":3.0}}
{"stats":{"lines":8,"max_line_len":1,"len":15,"avg_line_len":1.875}}
{"stats":{"lines":1,"max_line_len":3,"len":3,"avg_line_len":3.0}}
{"stats":{"lines":1,"max_line_len":0,"len":1,"avg_line_len":1.0}}
{"stats":{"lines":2,"max_line_len":2,"len":4,"avg_line_len":2.0}}
EOF
}

# alnum_ratio: str.isalnum() per character / characters.
#   "ab12!?"  4 of 6
#   "é1 !"    é and 1: 2 of 4
#   "中文，"  the ideographs: 2 of 3
#   "😀a"     a: 1 of 2
#   "x²"      ² is a number (No), isalnum() holds: 2 of 2
@test "alnum_ratio counts letters and digits of every script" {
	run st alnum_ratio <<'EOF'
{"text":"ab12!?"}
{"text":"é1 !"}
{"text":"中文，"}
{"text":"😀a"}
{"text":"x²"}
EOF
	assert_success
	assert_output <<'EOF'
{"stats":{"alnum_ratio":0.6666666666666666}}
{"stats":{"alnum_ratio":0.5}}
{"stats":{"alnum_ratio":0.6666666666666666}}
{"stats":{"alnum_ratio":0.5}}
{"stats":{"alnum_ratio":1.0}}
EOF
}

# special_ratio: characters in SPECIAL / characters.
#   "a, b!"  comma, space, !: 3 of 5
#   "x•y€"   • and € are in Data-Juicer's list: 2 of 4
#   "😀😀ab" emoji are SPECIAL: 2 of 4
#   "一二"   一 is in the list, 二 is not: 1 of 2
#   "é ü"    the space: 1 of 3
@test "special_ratio counts punctuation, digits, white space, symbols and emoji" {
	run st special_ratio <<'EOF'
{"text":"a, b!"}
{"text":"x•y€"}
{"text":"😀😀ab"}
{"text":"一二"}
{"text":"é ü"}
EOF
	assert_success
	assert_output <<'EOF'
{"stats":{"special_ratio":0.6}}
{"stats":{"special_ratio":0.5}}
{"stats":{"special_ratio":0.5}}
{"stats":{"special_ratio":0.5}}
{"stats":{"special_ratio":0.3333333333333333}}
EOF
}

# str.isdigit(), str.isupper(), str.isspace() per character.
#   "a1²٣"        1, ², and the Arabic-Indic ٣ are digits: 3 of 4
#   "ABc"         2 of 3 upper
#   "ÉÀé"         2 of 3 upper
#   "Ⅳ"           the Roman numeral is upper case, but no digit: 1 upper
#   "a b\u00a0c\u3000"  space, no-break space, ideographic space: 3 of 6
@test "digit_ratio, upper_ratio and space_ratio follow Python's predicates" {
	run st digit_ratio,upper_ratio,space_ratio <<'EOF'
{"text":"a1²٣"}
{"text":"ABc"}
{"text":"ÉÀé"}
{"text":"Ⅳ"}
{"text":"a b\u00a0c\u3000"}
EOF
	assert_success
	assert_output <<'EOF'
{"stats":{"digit_ratio":0.75,"upper_ratio":0.0,"space_ratio":0.0}}
{"stats":{"digit_ratio":0.0,"upper_ratio":0.6666666666666666,"space_ratio":0.0}}
{"stats":{"digit_ratio":0.0,"upper_ratio":0.6666666666666666,"space_ratio":0.0}}
{"stats":{"digit_ratio":0.0,"upper_ratio":1.0,"space_ratio":0.0}}
{"stats":{"digit_ratio":0.0,"upper_ratio":0.0,"space_ratio":0.5}}
EOF
}

# char_rep(n): frequencies of the character n-grams, sorted descending;
# k = min(floor(sqrt(distinct)), n-grams seen more than once); the top k
# frequencies / all n-grams.
# With n = 3, 2 and 1:
#   "abcabcabc"     abc 3, bca 2, cab 2 (7): sqrt 3 -> 1: 3/7
#                   ab 3, bc 3, ca 2 (8): 3/8;  a, b, c 3 each (9): 3/9
#   "abababababab"  aba 5, bab 5 (10): 5/10;  ab 6, ba 5 (11): 6/11;
#                   a 6, b 6 (12): 6/12
#   "中文中文中"    中文中 2, 文中文 1 (3): k = min(1, 1): 2/3;
#                   中文 2, 文中 2 (4): 2/4;  中 3, 文 2 (5): 3/5
#   "😀😀😀😀"      one n-gram repeated: 2/2, 3/3, 4/4
#   "aabbccddee"    no trigram or bigram repeats: 0, 0;
#                   five letters twice each (10): sqrt 5 -> 2: 4/10
#   "aaab"          aaa, aab: 0;  aa 2, ab 1 (3): 2/3;  a 3, b 1 (4): 3/4
@test "char_rep sums the top k n-gram frequencies" {
	run dm-map 'stats names=char_rep:3,char_rep:2,char_rep:1; drop text' <<'EOF'
{"text":"abcabcabc"}
{"text":"abababababab"}
{"text":"中文中文中"}
{"text":"😀😀😀😀"}
{"text":"aabbccddee"}
{"text":"aaab"}
EOF
	assert_success
	assert_output <<'EOF'
{"stats":{"char_rep_3":0.42857142857142855,"char_rep_2":0.375,"char_rep_1":0.3333333333333333}}
{"stats":{"char_rep_3":0.5,"char_rep_2":0.5454545454545454,"char_rep_1":0.5}}
{"stats":{"char_rep_3":0.6666666666666666,"char_rep_2":0.5,"char_rep_1":0.6}}
{"stats":{"char_rep_3":1.0,"char_rep_2":1.0,"char_rep_1":1.0}}
{"stats":{"char_rep_3":0.0,"char_rep_2":0.0,"char_rep_1":0.4}}
{"stats":{"char_rep_3":0.0,"char_rep_2":0.6666666666666666,"char_rep_1":0.75}}
EOF
}

# char_rep's default n is 10: "abcdefghij" has one 10-gram, seen once, so
# k = 0; "short" has none. Both 0.
@test "char_rep is 0 when no n-gram repeats or the text is shorter than n" {
	run st char_rep <<< $'{"text":"abcdefghij"}\n{"text":"short"}'
	assert_success
	assert_output $'{"stats":{"char_rep":0.0}}\n{"stats":{"char_rep":0.0}}'
}

# word_rep(n): n-grams of refined (lower-cased, stripped) words; the
# n-grams seen more than once, with their repeats, / all n-grams.
# With n = 2, 1 and 10 (the default):
#   "the cat the cat the dog"  the cat 2, cat the 2, the dog 1: 4/5;
#                              the 3, cat 2, dog 1: 5/6;  no 10-gram: 0
#   "The cat. THE CAT!"        the cat, cat the, the cat: 2/3;
#                              the 2, cat 2: 4/4;  0
#   "Ça ça ÇA va"              ça ça 2, ça va 1: 2/3;  ça 3, va 1: 3/4;  0
#   "a b c"                    a b, b c: 0;  a, b, c: 0;  0
@test "word_rep counts repeated word n-grams of refined words" {
	run dm-map 'stats names=word_rep:2,word_rep:1,word_rep; drop text' <<'EOF'
{"text":"the cat the cat the dog"}
{"text":"The cat. THE CAT!"}
{"text":"Ça ça ÇA va"}
{"text":"a b c"}
EOF
	assert_success
	assert_output <<'EOF'
{"stats":{"word_rep_2":0.8,"word_rep_1":0.8333333333333334,"word_rep":0.0}}
{"stats":{"word_rep_2":0.6666666666666666,"word_rep_1":1.0,"word_rep":0.0}}
{"stats":{"word_rep_2":0.6666666666666666,"word_rep_1":0.75,"word_rep":0.0}}
{"stats":{"word_rep_2":0.0,"word_rep_1":0.0,"word_rep":0.0}}
EOF
}

# stopword_ratio: refined words in the list / refined words.
#   "The zebra and the giraffe."  en: the, and, the: 3 of 5; de: none
#   "Der Hund und die Katze"      en: none; de: der, und, die: 3 of 5
# (Data-Juicer's lists have no German: stopwords-iso's, named iso)
@test "stopword_ratio uses the language's stop-word list" {
	run st stopword_ratio,stopword_ratio:de:iso <<'EOF'
{"text":"The zebra and the giraffe."}
{"text":"Der Hund und die Katze"}
EOF
	assert_success
	assert_output <<'EOF'
{"stats":{"stopword_ratio":0.6,"stopword_ratio_de_iso":0.0}}
{"stats":{"stopword_ratio":0.0,"stopword_ratio_de_iso":0.6}}
EOF
}

# Chinese and Japanese have no spaces between words. By default a word is
# what white space bounds, as Data-Juicer takes it without tokenization:
#   zh "我们是猫" is one word, not listed: 0; "我们 是 猫": 2 of 3
# With cut=true each run of Han or kana is cut into the longest list
# entries, other characters one by one:
#   zh "我们是猫":  我们 (listed), 是 (listed), 猫: 2 of 3
#   ja "これは猫です":  これ, は, 猫, です: 3 of 4
@test "stopword_ratio takes words at white space, and cut=true segments Chinese and Japanese runs by the list" {
	run st stopword_ratio:zh:iso,stopword_ratio:zh:iso:cut=true,stopword_ratio:ja:iso:cut=true <<'EOF'
{"text":"我们是猫"}
{"text":"我们 是 猫"}
{"text":"これは猫です"}
EOF
	assert_success
	assert_output <<'EOF'
{"stats":{"stopword_ratio_zh_iso":0.0,"stopword_ratio_zh_iso_cut_true":0.6666666666666666,"stopword_ratio_ja_iso_cut_true":0.0}}
{"stats":{"stopword_ratio_zh_iso":0.6666666666666666,"stopword_ratio_zh_iso_cut_true":0.6666666666666666,"stopword_ratio_ja_iso_cut_true":0.0}}
{"stats":{"stopword_ratio_zh_iso":0.0,"stopword_ratio_zh_iso_cut_true":0.0,"stopword_ratio_ja_iso_cut_true":0.75}}
EOF
	run dm-filter 'stopword_ratio("zh", list="iso", cut=true) > 0.6 && stopword_ratio("ja", cut=false, list="iso") == 0' <<'EOF'
{"text":"我们是猫"}
{"text":"これは猫です"}
EOF
	assert_success
	assert_output '{"text":"我们是猫"}'
}

# aug= adds the refined words joined N at a time (Data-Juicer's
# use_words_aug): "我 们 是 数据" has the words 我 们 是 数据, and with aug=2
# also 我们 们是 是数据; the zh list holds 我, 们, 是 and 我们: 4 of 7.
# With aug=[2,3] and join="_" the groups are 我_们 ... 我_们_是 ...,
# none listed: 3 of 9.
@test "aug= adds the words joined N at a time, as use_words_aug" {
	run dm-map "set a='stopword_ratio(\"zh\", aug=2)' b='stopword_ratio(\"zh\", aug=[2,3], join=\"_\")'; drop text" <<< '{"text":"我 们 是 数据"}'
	assert_success
	assert_output '{"a":0.5714285714285714,"b":0.3333333333333333}'
	run st 'stopword_ratio:zh:aug=2+3:join=_' <<< '{"text":"我 们 是 数据"}'
	assert_success
	assert_output '{"stats":{"stopword_ratio_zh_aug_2_3_join__":0.3333333333333333}}'
	run_split dm-filter 'stopword_ratio("zh", aug=[2, 0]) > 0' <<< '{}'
	assert_status 2
	assert_stderr <<'EOF'
dm-filter: expression:1:22: aug= needs a group size from 1 to 1000000, or a list of them
  stopword_ratio("zh", aug=[2, 0]) > 0
                       ^
EOF
	run_split dm-filter 'flagged_ratio("zh", join=":", aug=2) > 0' <<< '{}'
	assert_status 2
	assert_stderr <<'EOF'
dm-filter: expression:1:21: join= may not hold ':'
  flagged_ratio("zh", join=":", aug=2) > 0
                      ^
EOF
	run_split dm-filter 'flagged_ratio("zh", cut=true, cut=false) > 0' <<< '{}'
	assert_status 2
	assert_stderr <<'EOF'
dm-filter: expression:1:31: flagged_ratio takes the language, then list=, cut=, aug=, join= and sp=, each once
  flagged_ratio("zh", cut=true, cut=false) > 0
                                ^
EOF
	run st 'stopword_ratio:zh:aug=2+x' <<< '{}'
	assert_status 2
	assert_output "dm-map: script:1:13: stats: stopword_ratio: aug= takes group sizes from 1 to 1000000, joined by '+', not '2+x'
  stats names=stopword_ratio:zh:aug=2+x; drop text
              ^"
	run st 'stopword_ratio:zh:cut=yes' <<< '{}'
	assert_status 2
	[ "${output%%$'\n'*}" = "dm-map: script:1:13: stats: stopword_ratio: expected LANG[:LIST] then cut=, aug= or join=, each once, not 'zh:cut=yes'" ]
	run st 'stopword_ratio:zh:iso:' <<< '{}'
	assert_status 2
	[ "${output%%$'\n'*}" = "dm-map: script:1:13: stats: stopword_ratio: expected LANG[:LIST] then cut=, aug= or join=, each once, not 'zh:iso:'" ]
	# two statistics that would share a key are an error, one given twice
	# is written once
	run st 'stopword_ratio:zh:aug=2:join=+,len,stopword_ratio:zh:aug=2:join=_' <<< '{}'
	assert_status 2
	assert_output "dm-map: script:1:48: stats: two statistics would be written as 'stopword_ratio_zh_aug_2_join__': 'stopword_ratio:zh:aug=2:join=+' and 'stopword_ratio:zh:aug=2:join=_'
  stats names=stopword_ratio:zh:aug=2:join=+,len,stopword_ratio:zh:aug=2:join=_; drop text
                                                 ^"
	run st 'len,stopword_ratio:zh:aug=2,len,stopword_ratio:zh:aug=2' <<< '{"text":"我 们"}'
	assert_success
	assert_output '{"stats":{"len":3,"stopword_ratio_zh_aug_2":1.0}}'
	# aug=[] adds nothing; sp= comes last
	run dm-map "set a='stopword_ratio(\"zh\", aug=[])' b='stopword_ratio(\"zh\")'; drop text" <<< '{"text":"我 们 数据"}'
	assert_success
	assert_output '{"a":0.6666666666666666,"b":0.6666666666666666}'
	run_split dm-filter 'stopword_ratio("zh", sp="zh", aug=2) > 0' <<< '{}'
	assert_status 2
	assert_stderr <<'EOF'
dm-filter: expression:1:22: sp= comes last
  stopword_ratio("zh", sp="zh", aug=2) > 0
                       ^
EOF
}

# ROOTS' lists hold phrases, which words joined by a space can equal:
# "phim sex" is the words phim and sex, and with aug=2 and join=" " also
# "phim sex", which the vi flagged list holds: 1 of 3
@test "with aug= and join=\" \" a phrase of a list is found" {
	run dm-map "set a='flagged_ratio(\"vi\")' b='flagged_ratio(\"vi\", aug=2, join=\" \")' c='flagged_ratio(\"vi\", aug=2)'; drop text" <<< '{"text":"Phim sex!"}'
	assert_success
	assert_output '{"a":0.0,"b":0.3333333333333333,"c":0.0}'
}

# Random texts of words of the zh lists (and English, digits and SPECIAL
# characters) glued or apart: stopword_ratio and flagged_ratio, by default
# and with aug=, against tests/fixtures/djref.py, Data-Juicer's
# get_words_from_document and words_refinement run by Python.
@test "stopword_ratio and flagged_ratio are Data-Juicer's, with and without use_words_aug" {
	export SW="$DM_SHAREDIR/wordlists/stopwords/zh.txt"
	export FW="$DM_SHAREDIR/wordlists/flagged/zh.txt"
	/usr/bin/python3 - > in.jsonl <<'PY'
import json, os, random
random.seed(5)
stop = [w for w in open(os.environ["SW"], encoding="utf-8").read().split("\n") if w]
flag = [w for w in open(os.environ["FW"], encoding="utf-8").read().split("\n") if w]
other = ["the", "The", "of", "猫", "数据", "1984", ",", "。", "(", ")",
         "“", "”", "x", "Ünï", "清洗"]
seps = ["", "", " ", " ", "\n", "\t", "  ", "，"]
print(json.dumps({"text": ""}))
for k in range(600):
    n = random.choice([1, 2, 3, 8, 20, random.randrange(0, 60)])
    ws = [random.choice(stop) if random.random() < 0.5 else
          random.choice(flag) if random.random() < 0.3 else
          random.choice(other) for _ in range(n)]
    print(json.dumps({"text": "".join(w + random.choice(seps) for w in ws)},
                     ensure_ascii=False))
PY
	for spec in '|' '2|' '1+2+3|_' '2+2| ' '3|'; do
		aug=${spec%%|*} join=${spec#*|}
		opts=
		[ -z "$aug" ] || opts=", aug=[${aug//+/,}], join=\"$join\""
		dm-map "set s='stopword_ratio(\"zh\"$opts)' f='flagged_ratio(\"zh\"$opts)'; drop text" in.jsonl > out.jsonl
		# the ratios are not all zero
		[ "$(jq -r 'select(.s > 0) | .s' out.jsonl | sort -u | wc -l)" -gt 20 ]
		[ "$(jq -r 'select(.f > 0) | .f' out.jsonl | sort -u | wc -l)" -gt 10 ]
		run /usr/bin/python3 "$FIXTURES/djref.py" lists "$SW" "$FW" \
		    "$aug" "$join" in.jsonl out.jsonl
		assert_success
		assert_output '601 samples agree'
	done
}

# lang "all": the lists of every language merged, as Data-Juicer merges
# them for "all"; words of several languages against djref.py with the
# concatenated lists
@test "stopword_ratio and flagged_ratio of \"all\" use every language's list" {
	cat "$DM_SHAREDIR"/wordlists/stopwords/*.txt > stop-all.txt
	cat "$DM_SHAREDIR"/wordlists/flagged/*.txt > flag-all.txt
	export SW="$DM_SHAREDIR/wordlists/stopwords" FW="$DM_SHAREDIR/wordlists/flagged"
	/usr/bin/python3 - > in.jsonl <<'PY'
import glob, json, os, random
random.seed(9)
words = []
for d in (os.environ["SW"], os.environ["FW"]):
    for f in sorted(glob.glob(d + "/*.txt")):
        ws = [w for w in open(f, encoding="utf-8").read().split("\n") if w]
        words += random.sample(ws, min(20, len(ws)))
words += ["zebra", "数据", "xylophone", "Ünï", "1984"]
for k in range(300):
    n = random.choice([1, 3, 10, random.randrange(0, 40)])
    print(json.dumps({"text": " ".join(random.choice(words) for _ in range(n))},
                     ensure_ascii=False))
PY
	dm-map "set s='stopword_ratio(\"all\")' f='flagged_ratio(\"all\")'; drop text" in.jsonl > out.jsonl
	[ "$(jq -r 'select(.s > 0 and .s < 1) | .s' out.jsonl | sort -u | wc -l)" -gt 20 ]
	[ "$(jq -r 'select(.f > 0 and .f < 1) | .f' out.jsonl | sort -u | wc -l)" -gt 20 ]
	run /usr/bin/python3 "$FIXTURES/djref.py" lists stop-all.txt flag-all.txt \
	    '' '' in.jsonl out.jsonl
	assert_success
	assert_output '300 samples agree'
	run_split dm-filter 'stopword_ratio("all") > 0' <<< '{"text":"the"}'
	assert_success
	assert_output '{"text":"the"}'
	mkdir -p share/wordlists/stopwords
	DM_SHAREDIR=$PWD/share run_split dm-filter 'stopword_ratio("all") > 0' <<< '{}'
	assert_status 2
	assert_stderr <<EOF
dm-filter: expression:1:16: no stop-word lists for language 'all' in '$PWD/share/wordlists/stopwords'
  stopword_ratio("all") > 0
                 ^
EOF
}

# flagged_ratio: "You are a bastard!" refines to you, are, a, bastard;
# LDNOOBW's English list holds bastard: 1 of 4, Data-Juicer's does not: 0.
# "A porn site." refines to a, porn, site; both hold porn: 1 of 3.
@test "flagged_ratio uses the language's flagged-word list" {
	run st flagged_ratio,flagged_ratio:en:ldnoobw <<'EOF'
{"text":"You are a bastard!"}
{"text":"A porn site."}
EOF
	assert_success
	assert_output <<'EOF'
{"stats":{"flagged_ratio":0.0,"flagged_ratio_en_ldnoobw":0.25}}
{"stats":{"flagged_ratio":0.3333333333333333,"flagged_ratio_en_ldnoobw":0.3333333333333333}}
EOF
}

# One line of 100000 a: 1 line, 1 word, all alphanumeric; every 10-gram
# is the same one, seen 99991 times: k = 1, 99991 / 99991.
@test "handles one very long line" {
	printf '{"text":"%s"}\n' "$(head -c 100000 /dev/zero | tr '\0' a)" >long.jsonl
	run dm-map 'stats names=len,lines,max_line_len,avg_line_len,words,alnum_ratio,char_rep,word_rep; drop text' long.jsonl
	assert_success
	assert_output '{"stats":{"len":100000,"lines":1,"max_line_len":100000,"avg_line_len":100000.0,"words":1,"alnum_ratio":1.0,"char_rep":1.0,"word_rep":0.0}}'
}

# "hello world": 11 characters, 2 words, 1 line of 11; 10 of 11
# alphanumeric, the space the one SPECIAL character.
@test "writes the default statistics into the field stats" {
	run dm-map stats <<< '{"text":"hello world","id":7}'
	assert_success
	assert_output '{"text":"hello world","id":7,"stats":{"len":11,"words":2,"lines":1,"alnum_ratio":0.9090909090909091,"avg_line_len":11.0,"max_line_len":11,"special_ratio":0.09090909090909091}}'
}

@test "writes into a nested field, keeping the object around it" {
	run dm-map 'stats names=len field=meta.stats' <<< '{"meta":{"a":1},"text":"ab"}'
	assert_success
	assert_output '{"meta":{"a":1,"stats":{"len":2}},"text":"ab"}'
}

@test "replaces statistics written before" {
	run dm-map 'stats names=len' <<< '{"text":"abc","stats":{"len":99,"x":1}}'
	assert_success
	assert_output '{"text":"abc","stats":{"len":3}}'
}

@test "reads the text from the field named by -k" {
	run dm-map -k body 'stats names=len' <<< '{"body":"abc"}'
	assert_success
	assert_output '{"body":"abc","stats":{"len":3}}'
}

# "x": one character, no n-gram; the German stopwords-iso list holds the
# letter x.
@test "names a key after its argument and writes a repeated name once" {
	run st char_rep:3,stopword_ratio:de:iso,char_rep,len,len <<< '{"text":"x"}'
	assert_success
	assert_output '{"stats":{"char_rep_3":0.0,"stopword_ratio_de_iso":1.0,"char_rep":0.0,"len":1}}'
}

# A list of one's own: DM_SHAREDIR points at it. "Foo, bar baz qux"
# refines to foo, bar, baz, qux; the list holds foo and bar: 2 of 4.
@test "loads word lists from DM_SHAREDIR" {
	mkdir -p share/wordlists/stopwords
	printf 'bar\nfoo\n' >share/wordlists/stopwords/xx.txt
	DM_SHAREDIR=$TMP/share run st stopword_ratio:xx <<< '{"text":"Foo, bar baz qux"}'
	assert_success
	assert_output '{"stats":{"stopword_ratio_xx":0.5}}'
}

@test "suggests the closest name for an unknown statistic" {
	run_split dm-map 'stats names=len,wrods' <<< '{"text":"x"}'
	assert_status 2
	assert_output ''
	assert_stderr "dm-map: script:1:17: stats: unknown statistic 'wrods'; did you mean 'words'?
  stats names=len,wrods
                  ^"
	run_split dm-map 'stats names=len,,wrds' <<< '{"text":"x"}'
	assert_status 2
	[ "${stderr%%$'\n'*}" = "dm-map: script:1:18: stats: unknown statistic 'wrds'; did you mean 'words'?" ]
}

@test "rejects an argument to a statistic that takes none" {
	run_split dm-map 'stats names=len:5' <<< '{"text":"x"}'
	assert_status 2
	[ "${stderr%%$'\n'*}" = "dm-map: script:1:13: stats: statistic 'len' takes no argument" ]
}

@test "rejects an n-gram length below 1" {
	run_split dm-map 'stats names=char_rep:0' <<< '{"text":"x"}'
	assert_status 2
	[ "${stderr%%$'\n'*}" = "dm-map: script:1:13: stats: char_rep: the n-gram length must be an integer from 1 to 1000000, not '0'" ]
}

@test "rejects a language without a word list before reading input" {
	run_split dm-map 'stats names=flagged_ratio:xx' <<< '{"text":"x"}'
	assert_status 2
	assert_output ''
	[ "${stderr%%$'\n'*}" = "dm-map: script:1:13: stats: no flagged-word list for language 'xx': '$DM_SHAREDIR/wordlists/flagged/xx.txt': No such file or directory" ]
}

@test "rejects a language code that is not one" {
	run_split dm-map 'stats names=stopword_ratio:../en' <<< '{"text":"x"}'
	assert_status 2
	[ "${stderr%%$'\n'*}" = "dm-map: script:1:13: stats: not a language code, or LANG:LIST: '../en'" ]
}

@test "rejects a sample without text" {
	run_split dm-map 'stats names=len' <<< '{"body":"x"}'
	assert_status 2
	assert_output ''
	assert_stderr "dm-map: <stdin>:1: stats: field 'text' is missing"
}

@test "ships Data-Juicer's lists and the named iso and ldnoobw lists" {
	local d=$DM_SHAREDIR/wordlists
	for lang in ar bn ca en es eu fr hi id pt ur vi zh; do
		[ -s "$d/stopwords/$lang.txt" ]
		[ -s "$d/flagged/$lang.txt" ]
		LC_ALL=C sort -c -u "$d/stopwords/$lang.txt"
		LC_ALL=C sort -c -u "$d/flagged/$lang.txt"
	done
	for lang in en de fr es it pt nl ru zh ja; do
		[ -s "$d/stopwords-iso/$lang.txt" ]
		[ -s "$d/flagged-ldnoobw/$lang.txt" ]
		LC_ALL=C sort -c -u "$d/stopwords-iso/$lang.txt"
		LC_ALL=C sort -c -u "$d/flagged-ldnoobw/$lang.txt"
	done
	[ "$(ls "$d/stopwords" | wc -l)" -eq 13 ]
	[ "$(ls "$d/flagged" | wc -l)" -eq 13 ]
}

# Data-Juicer's own test (test_stopwords_filter.py): with its list, only
# the two a of "a v s e c s f e f g a qkc" are stop words: 2 of 12, and
# min_ratio=0.3 drops it. stopwords-iso holds every letter: 11 of 12.
@test "stopword_ratio is Data-Juicer's on its own test case" {
	run st stopword_ratio,stopword_ratio:en:iso <<'EOF'
{"text":"a v s e c s f e f g a qkc"}
EOF
	assert_success
	assert_output <<'EOF'
{"stats":{"stopword_ratio":0.16666666666666666,"stopword_ratio_en_iso":0.9166666666666666}}
EOF
	run_split dm-filter --count 'stopword_ratio("en") >= 0.3' <<< '{"text":"a v s e c s f e f g a qkc"}'
	assert_success
	assert_output ''
	run dm-filter 'stopword_ratio("en", list="iso") >= 0.3' <<< '{"text":"a v s e c s f e f g a qkc"}'
	assert_output '{"text":"a v s e c s f e f g a qkc"}'
}

@test "says which named list has a language Data-Juicer's lists lack" {
	run_split dm-map 'stats names=stopword_ratio:de' <<< '{"text":"x"}'
	assert_status 2
	[ "${stderr%%$'\n'*}" = "dm-map: script:1:13: stats: no stop-word list for language 'de': '$DM_SHAREDIR/wordlists/stopwords/de.txt': No such file or directory; the list 'iso' has it: 'de:iso'" ]
}

@test "the compiled SPECIAL table is the one made from the shipped list" {
	run sh "$DM_REPO/src/mkspecial.sh" "$DM_SHAREDIR/special-characters.txt"
	assert_success
	[ "$output" = "$(cat "$DM_REPO/src/special.h")" ]
}

# The 29 code points where dm's SPECIAL once differed from Data-Juicer's
# (C1 controls it lists; no-break and Unicode spaces, joiners, marks and
# separators it does not), in and around words: words, special_ratio and
# stopword_ratio against tests/fixtures/djref.py, Data-Juicer's
# definitions run by Python.
@test "words, special_ratio and stopword_ratio are Data-Juicer's around its SPECIAL set" {
	dm-map 'stats names=words,special_ratio,stopword_ratio; drop text' \
	    "$FIXTURES/special-cps.jsonl" >out.jsonl
	run /usr/bin/python3 "$FIXTURES/djref.py" stats \
	    "$DM_SHAREDIR/wordlists/stopwords/en.txt" \
	    "$FIXTURES/special-cps.jsonl" out.jsonl
	assert_success
	assert_output '8 samples agree'
}

# Random texts mixing runs of ASCII longer than 16 bytes (counted 16 at a
# time) with every line boundary, the word separators, SPECIAL and
# non-ASCII characters (no emoji: djref.py leaves them out of SPECIAL),
# cut at every length around those strides:
# the character, line and word counts against Python's own predicates.
@test "character, line and word counts are Python's on random texts" {
	/usr/bin/python3 - <<'PY' >in.jsonl
import json, random
random.seed(20261205)
parts = [chr(c) for c in range(1, 128)] + [
    "\r\n", "\u0085", "\u2028", "\u2029", "\u00e9", "\u00c9", "\u4e2d",
    "\U0001D400", "\u201c", "\u2013", "\u00a0", "\u3000", "\u0661",
    "\u00b2", "\u0081", "\u009c", "\u00c2", "\u00e2",
    "the quick brown fox jumps over", "  ", "\t\t", "\n\n",
    "1234567890123456789", "(--)", "ABCDEFGHIJKLMNOPQRSTU"]
for k in range(3000):
    n = random.choice([0, 1, 15, 16, 17, 31, 32, 33, 63, 64, 65,
                       random.randrange(0, 400)])
    print(json.dumps({"text": "".join(random.choice(parts)
                                      for _ in range(n))}))
PY
	dm-map 'stats names=len,words,lines,max_line_len,avg_line_len,alnum_ratio,digit_ratio,upper_ratio,space_ratio,special_ratio; drop text' \
	    in.jsonl >out.jsonl
	run /usr/bin/python3 "$FIXTURES/djref.py" textstats in.jsonl out.jsonl
	assert_success
	assert_output '3000 samples agree'
}

@test "a field name that makes a key of no name is an error at its place" {
	run_split dm-map 'stats names=len field=a..b' <<< '{"text":"x"}'
	assert_status 2
	assert_output ''
	assert_stderr "dm-map: script:1:25: stats: 'field' needs a field name, not 'a..b'
  stats names=len field=a..b
                          ^"
}
