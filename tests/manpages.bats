#!/usr/bin/env bats
# manpages.bats - the man pages pass mandoc's linter and quote as meant

load helper

@test "every man page passes mandoc's linter" {
	run mandoc -T lint -W warning "$BATS_TEST_DIRNAME"/../man/*.[17]
	assert_status 0
	assert_output ''
}

@test "no line of a man page quotes two terms with one macro chain (mdoc nests them: '‘a, ‘b’’')" {
	# .Pq Ql a , Ql b renders (‘a, ‘b’’): each quote encloses the rest of
	# its line; .Po, one .Ql a line each, .Pc gives (‘a’, ‘b’)
	run grep -nE '^\..*(^|[[:space:].])(Ql|Dq|Sq|Qq)[[:space:]].*[[:space:]](Ql|Dq|Sq|Qq)([[:space:]]|$)' \
	    "$BATS_TEST_DIRNAME"/../man/*.[17]
	assert_status 1
	assert_output ''
}
