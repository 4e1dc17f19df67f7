#!/usr/bin/env bats
# op-gopher.bats - gopher: Gopher's document rules (datatrove GopherQualityFilter)

load helper

# The reasons are datatrove's (gopher_short_doc...), shown after the name
# of the predicate without their own "gopher_" (q is in helper.bash).

# Every rule but the word count off: passes iff there are exactly N words
# that are not all punctuation.
count_is() {
	printf 'gopher(min_doc_words=%s, max_doc_words=%s, %s)' "$1" "$1" \
	    'min_avg_word_length=0, max_avg_word_length=0, max_symbol_word_ratio=0, max_bullet_lines_ratio=0, max_ellipsis_lines_ratio=0, max_non_alpha_words_ratio=0, min_stop_words=0'
}

# S is one sentence of 15 words: The3 quick5 brown5 fox3 jumps5 over4 the3
# lazy4 dog3 and3 runs4 to2 the3 old3 barn4, 54 characters, and the final
# period, which the tokenizer splits off: 16 tokens. Its stop words are
# the, and, to (The, capitalized, is not "the").
S='The quick brown fox jumps over the lazy dog and runs to the old barn.'
# P4: 60 words, 64 tokens, mean length 216/60 = 3.6, 3 distinct stop
# words, one line, no '#' and no ellipsis; 60 of 64 tokens hold a letter.
P4="$S $S $S $S"

@test "keeps a text that passes every rule" {
	run q "$P4" 'gopher()'
	assert_success
	assert_output true
}

@test "drops fewer than 50 words as gopher_short_doc" {
	# 3 x 15 = 45 words < 50
	run q "$S $S $S" 'gopher()'
	assert_output '"gopher: short_doc"'
}

@test "min_doc_words lowers the bound" {
	# 2 x 15 = 30 words >= 20
	run q "$S $S" 'gopher(min_doc_words=20)'
	assert_output true
	run q "$S $S" 'gopher(min_doc_words=31)'
	assert_output '"gopher: short_doc"'
}

@test "drops more than 100000 words as gopher_long_doc" {
	# 100001 times "the ": long_doc is tested before the stop words
	local t
	t=$(printf 'the %.0s' $(seq 100001))
	run q "$t" 'gopher()'
	assert_output '"gopher: long_doc"'
}

@test "max_doc_words lowers the upper bound" {
	# 60 words > 59, and 60 <= 60
	run q "$P4" 'gopher(max_doc_words=59)'
	assert_output '"gopher: long_doc"'
	run q "$P4" 'gopher(max_doc_words=60)'
	assert_output true
}

@test "drops a mean word length under 3 as gopher_below_avg_threshold" {
	# we2 go2 to2 the3 sea3 and3 it2 is2 a1 big3 day3 so2 we2 are3 up2
	# at2 six3: 17 words, 41 characters; three times: 51 words, mean
	# 123 / 51 = 2.41 < 3
	local s='we go to the sea and it is a big day so we are up at six.'
	run q "$s $s $s" 'gopher()'
	assert_output '"gopher: below_avg_threshold"'
	# 3.6 < 4
	run q "$P4" 'gopher(min_avg_word_length=4)'
	assert_output '"gopher: below_avg_threshold"'
}

@test "drops a mean word length over 10 as gopher_above_avg_threshold" {
	# 50 words of 13 characters
	local t
	t=$(printf 'extraordinary %.0s' $(seq 50))
	run q "$t" 'gopher()'
	assert_output '"gopher: above_avg_threshold"'
	# 3.6 > 3.5
	run q "$P4" 'gopher(max_avg_word_length=3.5)'
	assert_output '"gopher: above_avg_threshold"'
}

@test "drops more than one '#' per ten tokens as gopher_too_many_hashes" {
	# 8 lone '#' tokens: 8 / 72 = 0.11 > 0.1; 7: 7 / 71 = 0.099 passes
	run q "$P4 # # # # # # # #" 'gopher()'
	assert_output '"gopher: too_many_hashes"'
	run q "$P4 # # # # # # #" 'gopher()'
	assert_output true
}

@test "counts '...' and the ellipsis character as gopher_too_many_ellipsis" {
	# 4 '...' and 4 U+2026, each its own token: 8 / 72 = 0.11 > 0.1
	run q "$P4 ... … ... … ... … ... …" 'gopher()'
	assert_output '"gopher: too_many_ellipsis"'
}

@test "max_symbol_word_ratio moves both symbol bounds" {
	# 8 / 72 = 0.11 <= 0.2, and no other rule fails
	run q "$P4 # # # # # # # #" 'gopher(max_symbol_word_ratio=0.2)'
	assert_output true
}

@test "drops over 90% bulleted lines as gopher_too_many_bullets" {
	# 10 lines of S, each after '- ' or U+2022 (indented or not): 10 / 10
	local t="- $S\n• $S\n  - $S\n- $S\n- $S\n• $S\n- $S\n- $S\n- $S\n- $S"
	run q "$t" 'gopher()'
	assert_output '"gopher: too_many_bullets"'
	# 9 of 10: 0.9 is not over 0.9
	t="$S\n• $S\n  - $S\n- $S\n- $S\n• $S\n- $S\n- $S\n- $S\n- $S"
	run q "$t" 'gopher()'
	assert_output true
}

@test "drops over 30% of lines ending in an ellipsis as gopher_too_many_end_ellipsis" {
	# S ending in "barn..." and in "barn…", then S twice: 2 of 4 lines
	# end in an ellipsis (trailing blanks stripped); only 2 of 63 tokens
	# are ellipses, under the symbol bound
	local a=${S%.}'...  ' b=${S%.}'…'
	run q "$a\n$b\n$S\n$S" 'gopher()'
	assert_output '"gopher: too_many_end_ellipsis"'
	# 1 of 4 lines: 0.25
	run q "$a\n$S\n$S\n$S" 'gopher()'
	assert_output true
}

@test "counts bullet and ellipsis lines at every line end of str.splitlines" {
	# the ten bulleted lines of above, cut by \r\n, \r, \v, \f, \x1c,
	# U+0085, U+2028 and U+2029 instead of \n: still 10 of 10, and 9 of
	# 10 (the line without a bullet is no line's start when cut at \n
	# alone); lines that start or end with white space are stripped
	local t="- $S\r\n• $S\r  - $S\u000b- $S\f- $S\u001c• $S\u0085- $S\u2028- $S\u2029- $S\n- $S  "
	run q "$t" 'gopher()'
	assert_output '"gopher: too_many_bullets"'
	t="- $S\r\n• $S\r$S\u000b- $S\f- $S\u001c• $S\u0085- $S\u2028- $S\u2029- $S\n- $S"
	run q "$t" 'gopher()'
	assert_output true
	# 2 of 4 lines end in an ellipsis, the line ends other than \n
	local a=${S%.}'...\u00a0' b=' '${S%.}'…'
	run q "$a\r\n$b\u2028$S\r$S" 'gopher()'
	assert_output '"gopher: too_many_end_ellipsis"'
	run q "$a\r\n$S\u2028$S\r$S" 'gopher()'
	assert_output true
}

@test "finds '#', ellipses and line ends alike at every SIMD level" {
	# symbols() takes the bytes of its set from dm_byteset_find, 32, 16
	# or 1 at a time: the texts above, runs of periods, and U+0085
	# among U+00A0 (C2 A0, no line end): 2 bullets of 3 lines, or of 2
	local t
	q_levels "$P4 # # # # # # # #" 'gopher()' '"gopher: too_many_hashes"'
	q_levels "$P4 # # # # # # #" 'gopher()' true
	q_levels "$P4 ... … ... … ... … ... …" 'gopher()' '"gopher: too_many_ellipsis"'
	# 8 periods hold two '...', 9 three: (2 + 5) / 71 passes,
	# (3 + 5) / 71 does not
	q_levels "$P4 ........ … … … … … end" 'gopher()' true
	q_levels "$P4 ......... … … … … … end" 'gopher()' '"gopher: too_many_ellipsis"'
	t="- $S\u00a0\u0085• $S\u00a0\u00a0- $S\n$S"
	q_levels "$t" 'gopher(max_bullet_lines_ratio=0.6)' '"gopher: too_many_bullets"'
	t="- $S\u00a0\u00a0• $S\u00a0\u00a0- $S\n$S"
	q_levels "$t" 'gopher(max_bullet_lines_ratio=0.6)' true
}

@test "drops under 80% of words with a letter as gopher_below_alpha_threshold" {
	# 12 numbers: 60 of 76 tokens hold a letter, 0.79 < 0.8; with 11:
	# 60 / 75 = 0.8 exactly, which passes
	run q "$P4 1 2 3 4 5 6 7 8 9 10 11 12" 'gopher()'
	assert_output '"gopher: below_alpha_threshold"'
	run q "$P4 1 2 3 4 5 6 7 8 9 10 11" 'gopher()'
	assert_output true
}

@test "drops fewer than two distinct stop words as gopher_enough_stop_words" {
	# "the" four times is one distinct stop word; "The" is not "the"
	local s='The quick brown fox jumps over the lazy dog near one old red barn.'
	run q "$s $s $s $s" 'gopher()'
	assert_output '"gopher: enough_stop_words"'
	run q "$s $s $s $s" 'gopher(min_stop_words=1)'
	assert_output true
}

@test "stop_words replaces the list" {
	# none of the default list here, but fox and dog
	local s='A quick brown fox jumps over a lazy dog near one old red barn.'
	run q "$s $s $s $s" 'gopher()'
	assert_output '"gopher: enough_stop_words"'
	run q "$s $s $s $s" 'gopher(stop_words="fox,dog")'
	assert_output true
}

@test "stop words of any length and beyond ASCII are found" {
	# a stop word of 16 bytes or more, and one with a letter beyond
	# ASCII: both present, then only one of them
	local s='A quick brown fox jumps over a lazy dog near one old red barn.'
	run q "$s $s $s $s antidisestablishmentarianism façade" \
	    'gopher(stop_words="antidisestablishmentarianism,façade")'
	assert_output true
	run q "$s $s $s $s antidisestablishmentarianism facade" \
	    'gopher(stop_words="antidisestablishmentarianism,façade")'
	assert_output '"gopher: enough_stop_words"'
	run q "$s $s $s $s façade" 'gopher(stop_words="fox,façade,dogs")'
	assert_output true
	run q "$s $s $s $s facade" 'gopher(stop_words="fox,façade,dogs")'
	assert_output '"gopher: enough_stop_words"'
}

@test "a threshold of 0 turns its rule off" {
	run q "$S" 'gopher(min_doc_words=0)'
	assert_output true
	run q "$P4 # # # # # # # #" 'gopher(max_symbol_word_ratio=0)'
	assert_output true
}

@test "tests the rules in datatrove's order" {
	# 3 words, all rules failing: the word count is first
	run q '# # # ... a b c' 'gopher()'
	assert_output '"gopher: short_doc"'
}

@test "an empty text fails the word count, or passes with it off" {
	run q '' 'gopher()'
	assert_output '"gopher: short_doc"'
	# no words, no lines: every ratio is 0/0 and no rule fails
	run q '' 'gopher(min_doc_words=0)'
	assert_output '"gopher: enough_stop_words"'
	run q '' 'gopher(min_doc_words=0, min_stop_words=0)'
	assert_output true
}

# ---- words, as NLTK's word_tokenize makes them ----

@test "splits off punctuation but keeps a period inside a sentence" {
	# Hello , world ! -- 2 words; Mr. and U.S. keep their periods (no
	# sentence ends there); the final period of the sentence is split
	# off: Mr. Smith went to the U.S. today . -- 7 words
	run q 'Hello, world!' "$(count_is 2)"
	assert_output true
	run q 'Mr. Smith went to the U.S. today.' "$(count_is 7)"
	assert_output true
}

@test "splits contractions like the Penn Treebank" {
	# I do n't know , we 'll see if you 're right and it 's John 's . --
	# 16 words; I can not go , gon na stay -- 7 words
	run q "I don't know, we'll see if you're right and it's John's." \
	    "$(count_is 16)"
	assert_output true
	run q 'I cannot go, gonna stay' "$(count_is 7)"
	assert_output true
}

@test "counts word lengths in characters, not bytes" {
	# naïve5 café4: mean 4.5 characters (the bytes would give 5.5)
	local r='max_doc_words=0, max_avg_word_length=0, max_non_alpha_words_ratio=0, min_stop_words=0'
	run q 'naïve café' "gopher(min_doc_words=2, min_avg_word_length=4.5, $r)"
	assert_output true
	run q 'naïve café' "gopher(min_doc_words=2, min_avg_word_length=4.6, $r)"
	assert_output '"gopher: below_avg_threshold"'
}

@test "treats quotes as tokens of their own" {
	# `` Yes '' , she said . -- the quotes become `` and '', all
	# punctuation: 3 words
	run q '\"Yes\", she said.' "$(count_is 3)"
	assert_output true
}

@test "rejects a bad parameter before reading input" {
	run_split dm-filter 'gopher(min_doc_words=-1)' < /dev/null
	assert_status 2
	[[ $stderr == *"gopher: 'min_doc_words' must be at least 0, not '-1'"* ]]
}

# A bound beyond long long's range is no bound (and, under make
# check-asan, no undefined cast of a float to an integer).
@test "takes float parameters of any size" {
	run q "$P4" 'gopher(max_avg_word_length=1e308)'
	assert_output 'true'
}
