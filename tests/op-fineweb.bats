#!/usr/bin/env bats
# op-fineweb.bats - fineweb: FineWeb's line rules (datatrove FineWebQualityFilter)

load helper

# Three lines of 47, 48 and 52 characters, each ending in a period: 33
# tokens for 2 newlines.
L1='The cat sat on the warm mat all afternoon long.'
L2='A dog slept by the open door until evening came.'
L3='Birds sang in the old oak tree as the sun went down.'

@test "keeps lines that pass every rule" {
	run q "$L1\n$L2\n$L3" 'fineweb()'
	assert_output true
}

@test "drops a text without a line that is not blank as empty" {
	run q '' 'fineweb()'
	assert_output '"fineweb: empty"'
	run q '  \n\t\n\r\n' 'fineweb()'
	assert_output '"fineweb: empty"'
}

@test "drops under 12% of lines ending in terminal punctuation as line_punct_ratio" {
	# 8 lines without, 1 with: 1 / 9 = 0.111 < 0.12; 1 / 8 = 0.125 passes
	local n='a line of the document that has no end mark'
	run q "$n one\n$n two\n$n three\n$n four\n$n five\n$n six\n$n seven\n$n eight\n$L1" 'fineweb()'
	assert_output '"fineweb: line_punct_ratio"'
	run q "$n one\n$n two\n$n three\n$n four\n$n five\n$n six\n$n seven\n$L1" 'fineweb()'
	assert_output true
}

@test "line_punct_exclude_zero keeps texts where no line ends in punctuation" {
	local n='a line of the document that has no end mark'
	run q "$n one\n$n two" 'fineweb()'
	assert_output '"fineweb: line_punct_ratio"'
	run q "$n one\n$n two" 'fineweb(line_punct_exclude_zero=true)'
	assert_output true
}

@test "looks at the last character of the line as it is" {
	# a blank or a CR after the period hides it: 0 of 3
	run q "$L1 \n$L2 \n$L3 " 'fineweb()'
	assert_output '"fineweb: line_punct_ratio"'
	run q "$L1\r\n$L2\r\n$L3\r\n" 'fineweb()'
	assert_output '"fineweb: line_punct_ratio"'
}

@test "counts the terminal punctuation of other scripts" {
	# 。 and ！ end lines (of 27 and 29 characters: 2 short lines of 3,
	# 0.667, not over 0.67)
	run q '这是一个很长的句子，它有很多的字，而且还在继续说下去。\n那是另外一个很长很长的句子，它也有很多很多的字，真的很长！\n'"$L1" 'fineweb()'
	assert_output true
}

@test "stop_chars replaces the terminal punctuation" {
	run q "$L1\n$L2\n$L3" 'fineweb(stop_chars=";")'
	assert_output '"fineweb: line_punct_ratio"'
	run q "${L1%.};\n$L2\n$L3" 'fineweb(stop_chars=";!", line_punct_thr=0.3)'
	assert_output true
}

@test "drops over 67% of lines of 30 characters or less as short_line_ratio" {
	# 3 of 4 lines are short: 0.75 > 0.67
	run q "Short line one.\nShort line two.\nShort line three.\n$L1" 'fineweb()'
	assert_output '"fineweb: short_line_ratio"'
	# 2 of 3: 0.667 is not over 0.67
	run q "Short line one.\nShort line two.\n$L1" 'fineweb()'
	assert_output true
}

@test "a short line has at most short_line_length characters" {
	# three lines of 30 characters and L1: 3 of 4 short
	run q "Line one is thirty chars long.\nLine two is thirty chars long.\nLine six is thirty chars long.\n$L1" 'fineweb()'
	assert_output '"fineweb: short_line_ratio"'
	# 31 characters (the last line in 34 bytes) are not short
	run q "Line one is thirty chars long!!\nLine two is thirty chars long!!\nLine twó is thirty chārs lóng!!\n$L1" 'fineweb()'
	assert_output true
	run q "Line one is thirty chars long!!\nLine two is thirty chars long!!\nLine twó is thirty chārs lóng!!\n$L1" 'fineweb(short_line_length=31)'
	assert_output '"fineweb: short_line_ratio"'
}

@test "drops over 1% of characters in duplicate lines as char_dup_ratio" {
	# L1 again: 47 of 194 characters (newlines not counted) = 0.24
	run q "$L1\n$L2\n$L3\n$L1" 'fineweb()'
	assert_output '"fineweb: char_dup_ratio"'
	run q "$L1\n$L2\n$L3\n$L1" 'fineweb(char_duplicates_ratio=0.25)'
	assert_output true
}

@test "blank lines are never duplicates" {
	run q "$L1\n\n$L2\n\n\n$L3\n  \n" 'fineweb()'
	assert_output true
}

@test "drops over 0.3 newlines per word as list_ratio" {
	# 3 lines of one word and a period: 2 newlines / 6 tokens = 0.33
	local t='Pneumonoultramicroscopicsilicovolcanoconiosis.\nSupercalifragilisticexpialidocious.\nHippopotomonstrosesquippedaliophobia.'
	run q "$t" 'fineweb()'
	assert_output '"fineweb: list_ratio"'
	run q "$t" 'fineweb(new_line_ratio=0.4)'
	assert_output true
}

@test "list_ratio counts words, not runs between white space" {
	# 3 runs but 8 tokens (Alpha , beta Gamma , delta Epsilon .), 2
	# newlines: 2/3 = 0.67 per run, 2/8 = 0.25 per word
	local t='Alpha,beta\nGamma,delta\nEpsilon.'
	run q "$t" 'fineweb(line_punct_thr=0, short_line_thr=1, char_duplicates_ratio=1)'
	assert_output true
	run q "$t" 'fineweb(line_punct_thr=0, short_line_thr=1, char_duplicates_ratio=1, new_line_ratio=0.24)'
	assert_output '"fineweb: list_ratio"'
}

@test "list_ratio counts runs alike at every SIMD level" {
	# 5 runs and 5 words, 2 newlines: 0.4 per run and per word; runs
	# start at bytes 33 and 65, where runs_least() takes 32 bytes (AVX2)
	# and 16 at a time: one run too many passes 0.39 as 2/6
	local t p='line_punct_thr=0, short_line_thr=1, char_duplicates_ratio=1'
	t="$(printf 'A%.0s' $(seq 32)) $(printf 'C%.0s' $(seq 31))\nEeeeeeeeee f\ng"
	q_levels "$t" "fineweb($p, new_line_ratio=0.39)" '"fineweb: list_ratio"'
	q_levels "$t" "fineweb($p, new_line_ratio=0.4)" true
}

@test "list_ratio takes the words that another predicate split first" {
	# the texts above, their words split by gopher() before fineweb()
	# asks: 2/8 = 0.25 per word both, not 2/3 or 2/7 per run
	local p='line_punct_thr=0, short_line_thr=1, char_duplicates_ratio=1'
	local t
	for t in 'Alpha,beta\nGamma,delta\nEpsilon.' \
	    'a\u3000b\u3000c\nd\u3000e\u3000f\ng.'; do
		run q "$t" "(gopher() || true) && fineweb($p, new_line_ratio=0.25)"
		assert_output true
		run q "$t" "(gopher() || true) && fineweb($p, new_line_ratio=0.24)"
		assert_output '"fineweb: list_ratio"'
	done
}

@test "list_ratio counts runs between white space beyond ASCII" {
	# runs cut by U+3000: 7 runs (a b c d e f g.), 8 tokens, 2 newlines:
	# 2/7 = 0.29 per run, 2/8 = 0.25 per word; 3 runs follow ASCII
	# white space or the start, 2/3 per run
	local t='a\u3000b\u3000c\nd\u3000e\u3000f\ng.'
	local p='line_punct_thr=0, short_line_thr=1, char_duplicates_ratio=1'
	run q "$t" "fineweb($p, new_line_ratio=0.3)"
	assert_output true
	run q "$t" "fineweb($p, new_line_ratio=0.25)"
	assert_output true
	run q "$t" "fineweb($p, new_line_ratio=0.2)"
	assert_output '"fineweb: list_ratio"'
}
