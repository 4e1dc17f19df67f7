#!/usr/bin/env bats
# op-c4.bats - c4: C4's line rules (datatrove C4QualityFilter)

load helper

# Four lines of one sentence each, ending in a period, of 5 or 6 words:
# every line rule keeps them. A fifth line T makes 5 sentences (true)
# when it is kept, and leaves 4 (too_few_sentences) when it is dropped,
# so with4 TEXT shows what c4 does with the line TEXT.
G='The cat sat on the mat.\nA dog slept by the door.\nBirds sang in the old tree.\nWe walked home after dinner.'
with4() {
	printf '%s\\n%s' "$G" "$1"
}

@test "keeps five sentences on lines that pass every rule" {
	run q "$(with4 'Rain fell softly all night.')" 'c4()'
	assert_output true
}

@test "drops fewer than five sentences as too_few_sentences" {
	run q "$G" 'c4()'
	assert_output '"c4: too_few_sentences"'
	run q '' 'c4()'
	assert_output '"c4: too_few_sentences"'
}

@test "min_num_sentences sets the bound, -1 turns it off" {
	run q "$G" 'c4(min_num_sentences=4)'
	assert_output true
	run q '' 'c4(min_num_sentences=-1)'
	assert_output true
}

@test "counts the sentences of each kept line" {
	# one line of three sentences and two of one: 5
	run q 'The cat sat on the mat. A dog slept by the door. Birds sang.\nWe walked home after dinner.\nRain fell softly all night.' 'c4()'
	assert_output true
}

@test "does not end a sentence at an abbreviation" {
	local g3='The cat sat on the mat.\nA dog slept by the door.\nBirds sang in the old tree.'
	# Dr. Mr. and p.m. end no sentence: 3 + 1 = 4
	run q "$g3\nDr. Smith met Mr. Jones at 5 p.m. on Monday." 'c4()'
	assert_output '"c4: too_few_sentences"'
	# Jones. They: two sentences, 3 + 2 = 5
	run q "$g3\nDr. Smith met Mr. Jones. They left at noon." 'c4()'
	assert_output true
}

@test "takes a word with a NUL for no abbreviation" {
	local g3='The cat sat on the mat.\nA dog slept by the door.\nBirds sang in the old tree.'
	# "Dr\0" is not "dr" (a Python str keeps its NUL): two sentences, 3 +
	# 2 = 5, where "Dr." ends none
	run q "$g3\nDr\\u0000. Smith met Jones on Monday." 'c4()'
	assert_output true
	run q "$g3\nDr. Smith met Jones on Monday." 'c4()'
	assert_output '"c4: too_few_sentences"'
}

@test "drops a line with a word over 1000 characters" {
	local w
	w=$(printf 'x%.0s' $(seq 1001))
	run q "$(with4 "This has $w inside.")" 'c4()'
	assert_output '"c4: too_few_sentences"'
	run q "$(with4 "This has ${w%x} inside.")" 'c4()'
	assert_output true
}

@test "max_word_length sets the longest word, in characters" {
	# Extraordinary: 13 characters; Éxtraordinary too, in 14 bytes
	run q "$(with4 'Extraordinary things happen here.')" 'c4(max_word_length=12)'
	assert_output '"c4: too_few_sentences"'
	run q "$(with4 'Éxtraordinary things happen here.')" 'c4(max_word_length=13)'
	assert_output true
}

@test "removes citations before looking for terminal punctuation" {
	# "It rained all day.[1]" ends in a period once [1] is gone
	run q "$(with4 'It rained all day.[1]')" 'c4()'
	assert_output true
	run q "$(with4 'It rained all day.[edit][citation needed]')" 'c4()'
	assert_output true
	run q "$(with4 'It rained all day.[1]')" 'c4(remove_citations=false)'
	assert_output '"c4: too_few_sentences"'
	# [12a] is no citation
	run q "$(with4 'It rained all day.[12a]')" 'c4()'
	assert_output '"c4: too_few_sentences"'
}

@test "drops a line without terminal punctuation" {
	run q "$(with4 'It rained all day')" 'c4()'
	assert_output '"c4: too_few_sentences"'
	run q "$(with4 'It rained all day!')" 'c4()'
	assert_output true
	run q "$(with4 'He said \"stop now.\"')" 'c4()'
	assert_output true
	# trailing blanks are stripped first
	run q "$(with4 'It rained all day?   ')" 'c4()'
	assert_output true
}

@test "drops a line ending in an ellipsis" {
	run q "$(with4 'It rained all day...')" 'c4()'
	assert_output '"c4: too_few_sentences"'
}

@test "filter_no_terminal_punct=false keeps lines without it" {
	run q "$(with4 'It rained all day')" 'c4(filter_no_terminal_punct=false)'
	assert_output true
}

@test "drops a line of fewer than 3 words" {
	run q "$(with4 'Stop it.')" 'c4()'
	assert_output '"c4: too_few_sentences"'
	run q "$(with4 'Stop it.')" 'c4(min_words_per_line=2)'
	assert_output true
}

@test "drops the text for lorem ipsum in a kept line as lorem_ipsum" {
	run q "$(with4 'Lorem ipsum dolor sit amet.')" 'c4()'
	assert_output '"c4: lorem_ipsum"'
	# a line the earlier rules drop is never looked at
	run q "$(with4 'Lorem ipsum dolor sit amet')" 'c4()'
	assert_output '"c4: too_few_sentences"'
	run q "$(with4 'Lorem ipsum dolor sit amet.')" 'c4(filter_lorem_ipsum=false)'
	assert_output true
}

@test "drops a line mentioning javascript, in any case" {
	run q "$(with4 'Please enable JAVASCRIPT to continue.')" 'c4()'
	assert_output '"c4: too_few_sentences"'
	run q "$(with4 'Please enable JavaScript to continue.')" 'c4(filter_javascript=false)'
	assert_output true
}

@test "drops the text for a curly bracket as curly_bracket" {
	run q "$(with4 'Use {braces} with care.')" 'c4()'
	assert_output '"c4: curly_bracket"'
	run q "$(with4 'Use {braces} with care.')" 'c4(filter_curly_bracket=false)'
	assert_output true
}

@test "drops a line with a policy phrase" {
	run q "$(with4 'Read our Privacy Policy before use.')" 'c4()'
	assert_output '"c4: too_few_sentences"'
	run q "$(with4 'This site uses cookies for analytics.')" 'c4()'
	assert_output '"c4: too_few_sentences"'
	# lower-cased as Python does, beyond ASCII too
	run q "$(with4 'Résumé of our COOKIE POLICY here.')" 'c4()'
	assert_output '"c4: too_few_sentences"'
	run q "$(with4 'Read our Privacy Policy before use.')" 'c4(filter_policy=false)'
	assert_output true
	# U+212A KELVIN SIGN lower-cases to k, U+0130 to i and a combining
	# dot, which is no "javascript"
	run q "$(with4 'This site uses coo\u212aies for analytics.')" 'c4()'
	assert_output '"c4: too_few_sentences"'
	run q "$(with4 'Please enable JAVASCR\u0130PT to continue.')" 'c4()'
	assert_output true
	# a phrase that ends the line, and one cut by the line's end
	run q "$(with4 'Please read all of our terms of use.')" 'c4()'
	assert_output '"c4: too_few_sentences"'
	run q "$(with4 'Please read all of our terms of us.')" 'c4()'
	assert_output true
}

@test "finds the phrases alike at every SIMD level, in every block of a line" {
	# phrases_in() looks 32 bytes at a time (AVX2) while 33 are left,
	# then 16: "ja" at byte 31, "us" and U+212A at 51 and 59, "lo" at
	# 61, "pr" at 65 of lines of 52, 72, 79 and 88 bytes
	q_levels "$(with4 'Thirty-one bytes of text here, javascript is needed.')" 'c4()' '"c4: too_few_sentences"'
	q_levels "$(with4 'Thirty-one bytes of text here, javascrip is needed.')" 'c4()' true
	q_levels "$(with4 'A line long enough for two blocks, where this site uses coo\u212aies today.')" 'c4()' '"c4: too_few_sentences"'
	q_levels "$(with4 'A line long enough for two blocks, where this site uses coo\u212aing today.')" 'c4()' true
	q_levels "$(with4 'Sixty-three bytes come first in this line before the phrase, lorem ipsum dolor.')" 'c4()' '"c4: lorem_ipsum"'
	q_levels "$(with4 'A line long enough for two blocks: the text goes on here and our Privacy Policy applies.')" 'c4()' '"c4: too_few_sentences"'
	q_levels "$(with4 'A line long enough for two blocks: the text goes on here and our Privacy Polish applies.')" 'c4()' true
}

@test "split_paragraph=false takes sentences for lines" {
	# one line: 13 words, 5 sentences (Go. Go now. and three more)
	local t='Go. Go now. The cat sat on the mat. A dog slept by the door. Birds sang in the old tree.'
	run q "$t" 'c4()'
	assert_output true
	# as sentences: Go. (1 word) and Go now. (2) are dropped; 3 remain
	run q "$t" 'c4(split_paragraph=false)'
	assert_output '"c4: too_few_sentences"'
}

@test "splits lines as str.splitlines does" {
	# CRLF, CR and U+2028 end lines too
	run q 'The cat sat on the mat.\r\nA dog slept by the door.\rBirds sang in the old tree.\u2028We walked home after dinner.\nRain fell softly all night.' 'c4()'
	assert_output true
}

# m TEXT SCRIPT: the output line of dm-map SCRIPT on one sample whose text
# is the JSON string body TEXT.
m() {
	printf '{"text":"%s"}\n' "$1" | dm-map "$2"
}

@test "dm-map c4 rewrites the text to the kept lines, citations removed" {
	run m 'The cat sat on the mat.[1]\nA dog slept by the door.[edit]\nBirds sang.[citation needed] Then it rained.' c4
	assert_success
	assert_output '{"text":"The cat sat on the mat.\nA dog slept by the door.\nBirds sang. Then it rained."}'
}

@test "dm-map c4 drops short lines and lines without terminal punctuation" {
	run m 'The cat sat on the mat.\nStop it.\nIt rained all day\nIt rained all day...\n\n   \nA dog slept by the door!\n\t He said \"stop now.\"  ' c4
	assert_output '{"text":"The cat sat on the mat.\nA dog slept by the door!\nHe said \"stop now.\""}'
}

@test "dm-map c4 drops javascript and policy lines, in any case" {
	run m 'Please enable JAVASCRIPT to continue.\nThe cat sat on the mat.\nRead our Privacy Policy before use.\nThis site uses cookies for analytics.\nRésumé of our COOKIE POLICY here.\nA dog slept by the door.' c4
	assert_output '{"text":"The cat sat on the mat.\nA dog slept by the door."}'
}

@test "dm-map c4 keeps accented and CJK lines by the same rules" {
	run m 'Le café était très bon.\n猫が座った。\n東京 は 大きい 都市 です.\nÉté brûlant à Zürich!' c4
	assert_output '{"text":"Le café était très bon.\n東京 は 大きい 都市 です.\nÉté brûlant à Zürich!"}'
}

@test "dm-map c4 leaves the rules on the whole text to dm-filter" {
	# lorem ipsum and '{' are kept lines, and a single line is not too
	# few sentences: only the predicate rejects the text
	run m 'Lorem ipsum dolor sit amet.\nUse {braces} with care.\nNo end here' c4
	assert_output '{"text":"Lorem ipsum dolor sit amet.\nUse {braces} with care."}'
	run q 'Lorem ipsum dolor sit amet.\nUse {braces} with care.\nNo end here' 'c4()'
	assert_output '"c4: lorem_ipsum"'
}

@test "dm-map c4 empties a text with no kept line, and keeps an empty one" {
	run m 'no\nnothing here' c4
	assert_output '{"text":""}'
	run m '' c4
	assert_output '{"text":""}'
}

@test "dm-map c4 strips the joined text as datatrove does" {
	# the citation leaves a blank at the start of the first line
	run m '[1] The cat sat on the mat.\nA dog slept by the door.' c4
	assert_output '{"text":"The cat sat on the mat.\nA dog slept by the door."}'
}

@test "dm-map c4 writes an unchanged text back byte for byte" {
	printf '{"id": 7, "text" : "The cat sat on the mat.\\nA dog slept by the door."}\n' >in.jsonl
	run_out out.jsonl dm-map c4 in.jsonl
	assert_status 0
	assert_same out.jsonl in.jsonl
	printf '{ "text":"" }\n' >in.jsonl
	run_out out.jsonl dm-map c4 in.jsonl
	assert_same out.jsonl in.jsonl
}

@test "dm-map c4 takes the predicate's parameters" {
	run m 'Stop.\nHi there.\nNo' 'c4 min_words_per_line=1'
	assert_output '{"text":"Stop.\nHi there."}'
	run m 'It rained all day\nStop it.' 'c4 filter_no_terminal_punct=false min_words_per_line=2'
	assert_output '{"text":"It rained all day\nStop it."}'
	run m 'It rained all day.[1]' 'c4 remove_citations=false filter_no_terminal_punct=false'
	assert_output '{"text":"It rained all day.[1]"}'
	run m 'Please enable JavaScript to continue.' 'c4 filter_javascript=false'
	assert_output '{"text":"Please enable JavaScript to continue."}'
}

@test "dm-map c4 with split_paragraph=false joins the kept sentences with spaces" {
	run m 'Go. Go now. The cat sat on the mat.\nA dog slept.' 'c4 split_paragraph=false'
	assert_output '{"text":"The cat sat on the mat. A dog slept."}'
}

@test "dm-map refuses a filter that only decides" {
	run_split dm-map gopher </dev/null
	assert_status 2
	assert_stderr <<'EOS'
dm-map: script:1:1: operator 'gopher' is a filter, not a map
  gopher
  ^
EOS
}
