#!/usr/bin/env bats
# manpages.bats - the man pages pass mandoc's linter and quote as meant

load helper

@test "every man page passes mandoc's linter" {
	run mandoc -T lint -W warning "$BATS_TEST_DIRNAME"/../man/*.[17]
	assert_status 0
	assert_output ''
}

@test "no quote macro of a man page is followed by another term on its line (mdoc quotes the rest of the line: '‘a, ‘b’’')" {
	# .Pq Ql a , Ql b renders (‘a, ‘b’’) and .Pq Ql a No b (‘a b’): a
	# quote encloses the rest of its line; .Po, a line for each, .Pc
	# gives (‘a’, ‘b’) and (‘a’ b)
	run grep -nE '^\..*(^|[[:space:].])(Ql|Dq|Sq|Qq)[[:space:]].*[[:space:]](Ql|Dq|Sq|Qq|No)([[:space:]]|$)' \
	    "$BATS_TEST_DIRNAME"/../man/*.[17]
	assert_status 1
	assert_output ''
}
