#!/usr/bin/env bats
# op-expand-macros.bats - the expand-macros operator: Data-Juicer's
# expand_macro_mapper
#
# Expected texts are what Data-Juicer's code gives, run by Python's regex
# module (tests/latex-ref.py).

load helper

@test "expands \\newcommand and \\def macros, their own definitions too" {
	run dm-map expand-macros <<'EOF'
{"text":"\\newcommand{\\R}{\\mathbb{R}}\n\\def\\eps{\\varepsilon}\nLet $x\\in\\R$, \\eps>0."}
EOF
	assert_success
	assert_output '{"text":"\\newcommand{\\mathbb{R}}{\\mathbb{R}}\n\\def\\varepsilon{\\varepsilon}\nLet $x\\in\\mathbb{R}$, \\varepsilon>0."}'
}

@test "expands a name only before a character that is not an ASCII letter or digit, and not twice in a row" {
	run dm-map expand-macros <<'EOF'
{"text":"\\newcommand*{\\R}{r}\n\\R\\R. \\Rb \\R1 \\Ré \\R"}
EOF
	assert_success
	# the second \R of "\R\R" follows the match's character; "\Ré" is
	# expanded; the last \R ends the text
	assert_output '{"text":"\\newcommand*{r}{r}\nr\\R. \\Rb \\R1 ré \\R"}'
}

@test "a value is the shortest that a brace ending its line follows" {
	run dm-map expand-macros <<'EOF'
{"text":"\\def\\y{a}b}\n\\newcommand{\\z}{c} % no\n\\def \\w\n {W}\n\\y, \\z, \\w."}
EOF
	assert_success
	# \y and \w are followed by '{' and '\n' in their own definitions
	assert_output '{"text":"\\defa}b{a}b}\n\\newcommand{\\z}{c} % no\n\\def W\n {W}\na}b, \\z, W."}'
}

@test "a name defined again keeps its first place and takes the last value" {
	run dm-map expand-macros <<'EOF'
{"text":"\\newcommand{\\a}{\\b}\n\\newcommand{\\b}{1}\n\\def\\a{\\b\\b}\n\\a."}
EOF
	assert_success
	# \a first (its last value, from \def), then \b over what that left
	assert_output '{"text":"\\newcommand{1\\b}{1}\n\\newcommand{1}{1}\n\\def1\\b{1\\b}\n1\\b."}'
}

@test "puts a value in as written: backslashes, dollars, tabs and non-ASCII" {
	run dm-map expand-macros <<'EOF'
{"text":"\\newcommand{\\v}{é\t中 😀 $1 \\1 \\g<0> \\\\}\n\\v."}
EOF
	assert_success
	assert_output '{"text":"\\newcommand{é\t中 😀 $1 \\1 \\g<0> \\\\}{é\t中 😀 $1 \\1 \\g<0> \\\\}\né\t中 😀 $1 \\1 \\g<0> \\\\."}'
}

@test "leaves a text without definitions as it is, byte for byte" {
	run dm-map expand-macros <<'EOF'
{"text": "\\R \\def{x} \\newcommand{\\x}{y} z"}
EOF
	assert_success
	assert_output '{"text": "\\R \\def{x} \\newcommand{\\x}{y} z"}'
}

@test "a \\def takes whatever name follows it, a command's too" {
	run dm-map expand-macros <<'EOF'
{"text":"\\R \\def \\newcommand{\\x}"}
EOF
	assert_success
	assert_output '{"text":"\\R \\def \\x{\\x}"}'
}

@test "gives what Data-Juicer's code gives on generated texts" {
	printf 'process:\n  - expand_macro_mapper:\n' >r.yaml
	for kind in corpus dense; do
		/usr/bin/python3 "$DM_REPO/tests/latex-ref.py" $kind 3000 13 >in.jsonl
		dm-map expand-macros in.jsonl >out.jsonl
		run /usr/bin/python3 "$DM_REPO/tests/latex-ref.py" check r.yaml in.jsonl out.jsonl
		printf '%s\n' "$output" | head -n 20 >&2
		assert_success
		[[ $output == *' samples agree' ]]
	done
}
