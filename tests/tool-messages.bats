#!/usr/bin/env bats
# tool-messages.bats - what the tools echo of their input, and traps in
# the command line: invalid UTF-8, long values, numbers as written, quotes
# inside an expression of set

load helper

one() {
	printf '{"text":"Hallo Welt"}\n' >in.jsonl
}

@test "set keeps the quotes of a string inside an expression: set n=len(\"abc\")" {
	one
	run dm-map 'set n=len("abc") m=len('"'"'ab'"'"') s="len > 3" t='"'"'len("x")'"'"'' in.jsonl
	assert_success
	assert_output '{"text":"Hallo Welt","n":3,"m":2,"s":true,"t":1}'
	run dm-map 'set n=len("abc' in.jsonl
	assert_status 2
	assert_output "dm-map: script:1:11: unterminated quote
  set n=len(\"abc
            ^"
}

@test "a parameter out of bounds is echoed as written, not reformatted" {
	one
	run_split dm-filter 'gopher(min_avg_word_length=-1e1)' in.jsonl
	assert_status 2
	assert_stderr "dm-filter: expression:1:8: gopher: 'min_avg_word_length' must be at least 0, not '-1e1'
  gopher(min_avg_word_length=-1e1)
         ^"
	run_split dm-filter 'gopher(min_doc_words=-0010)' in.jsonl
	assert_status 2
	[[ $stderr == *"must be at least 0, not '-0010'"* ]]
	run_split dm-map 'truncate max=-05' in.jsonl
	assert_status 2
	[[ $stderr == "dm-map: script:1:14: truncate: 'max' must be at least 0, not '-05'"* ]]
}

@test "an unknown option of 100 KB is echoed cut to 200 bytes" {
	one
	long=$(printf 'x%.0s' $(seq 100000))
	for t in dm-map dm-filter dm-slice dm-stats; do
		run_split "$t" "--$long" in.jsonl
		assert_status 2
		assert_stderr "$t: unknown option '--${long:0:198}...'
$(usage_of "$t")"
	done
	run_split dm-slice --size "1$long"
	assert_status 2
	assert_stderr "dm-slice: --size: '1${long:0:199}...' is not a number
$(usage_of dm-slice)"
}

@test "invalid UTF-8 in a script is rejected with its column, escaped" {
	one
	run_split dm-map $'set x=\'<\xdb>\'' in.jsonl
	assert_status 2
	[ -z "$output" ]
	assert_stderr "dm-map: script:1:9: invalid UTF-8 byte '\\xdb'
  set x='<?>'
          ^"
	run_split dm-map $'lower\nset \xed=1' in.jsonl
	assert_status 2
	assert_stderr "dm-map: script:2:5: invalid UTF-8 byte '\\xed'
  set ?=1
      ^"
	printf 'strip\nreplace pattern=a repl=\xc3(\n' >bad.dm
	run_split dm-map -f bad.dm in.jsonl
	assert_status 2
	assert_stderr "dm-map: bad.dm:2:24: invalid UTF-8 byte '\\xc3'
  replace pattern=a repl=?(
                         ^"
}

@test "invalid UTF-8 in an expression is rejected with its column, escaped" {
	one
	run_split dm-filter $'words > 1 || text == "\xff"' in.jsonl
	assert_status 2
	[ -z "$output" ]
	assert_stderr "dm-filter: expression:1:23: invalid UTF-8 byte '\\xff'
  words > 1 || text == \"?\"
                        ^"
	# valid UTF-8 keeps its place under the caret
	run_split dm-filter 'text == "wö" >' in.jsonl
	assert_status 2
	assert_stderr "dm-filter: expression:1:15: comparisons do not chain; use && or parentheses
  text == \"wö\" >
               ^"
}

@test "invalid UTF-8 in a field name option is a usage error with its column" {
	one
	for c in "dm-filter --mark" "dm-map -k" "dm-slice -k" "dm-filter -k" \
	    "dm-stats --count" "dm-dedup --mark" "dm-llm -o" "dm-scan -k"; do
		tool=${c%% *} opt=${c#* }
		run_split $tool $opt $'a\xffb' --bogus-never-reached
		assert_status 2
		assert_stderr "$tool: $opt: 'a\\xffb': invalid UTF-8 at column 2
$(usage_of "$tool")"
	done
	DM_TEXT_KEY=$'t\xc3' run_split dm-map lower in.jsonl
	assert_status 2
	assert_stderr "dm-map: DM_TEXT_KEY: 't\\xc3': invalid UTF-8 at column 2"
	run_split dm-map -k $'a\x01..b' lower in.jsonl
	assert_status 2
	assert_stderr "dm-map: -k: 'a\\x01..b' is not a field name
$(usage_of dm-map)"
}

@test "an empty -k is a usage error that shows the empty name; an empty DM_TEXT_KEY means text" {
	one
	for t in dm-map dm-filter dm-slice dm-llm dm-dedup dm-stats dm-scan; do
		for opt in "-k" "--key="; do
			if [ "$opt" = -k ]; then
				run_split $t -k '' --bogus-never-reached
			else
				run_split $t --key= --bogus-never-reached
			fi
			assert_status 2
			assert_stderr "$t: -k: '' is not a field name
$(usage_of "$t")"
		done
	done
	DM_TEXT_KEY= run_split dm-map upper in.jsonl
	assert_success
	assert_stderr ''
	assert_output '{"text":"HALLO WELT"}'
	DM_TEXT_KEY=. run_split dm-map upper in.jsonl
	assert_status 2
	assert_stderr "dm-map: DM_TEXT_KEY: '.' is not a field name"
}

@test "every long option of a tool's --help is in its man page" {
	for t in dm-map dm-filter dm-slice dm-scan dm-llm dm-run dm-stats \
	    dm-dedup dm-recipe; do
		for o in $("$t" --help | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u); do
			if ! grep -q -- "Fl -${o#--}\\b" "$DM_REPO/man/$t.1"; then
				echo "$t: $o is not in $t.1" >&2
				return 1
			fi
		done
	done
}

three() {
	printf '{"text":"a b c"}\n{"text":"d e","meta":{"n":1}}\n{"text":"f"}\n' >in.jsonl
}

@test "a misspelt statistic is reported as a field no sample had, with the statistic it resembles" {
	three
	run_split dm-filter --count 'wrds > 1' in.jsonl
	assert_success
	[ -z "$output" ]
	assert_stderr "dm-filter: kept 0 of 3 samples
dm-filter: field 'wrds' was in none of the 3 samples that looked for it; did you mean the statistic 'words'?"
	run_split dm-map 'set n=wrds m=qqqqq k=len' in.jsonl
	assert_success
	assert_output '{"text":"a b c","n":null,"m":null,"k":5}
{"text":"d e","meta":{"n":1},"n":null,"m":null,"k":3}
{"text":"f","n":null,"m":null,"k":1}'
	assert_stderr "dm-map: field 'wrds' was in none of the 3 samples that looked for it; did you mean the statistic 'words'?
dm-map: field 'qqqqq' was in none of the 3 samples that looked for it"
}

@test "a field that some sample had, one in has(), a dotted path, or one never looked at is not reported" {
	three
	printf '{"text":"x","wrds":2}\n' >>in.jsonl
	run_split dm-filter 'wrds > 1 || has(nosuch) || meta.nosuch == 1 || (false && zzz)' in.jsonl
	assert_success
	assert_output '{"text":"x","wrds":2}'
	assert_stderr ''
}

@test "-s/--strict makes a missing field an error with file and line" {
	three
	run_split dm-filter -s 'meta.n == 1' in.jsonl
	assert_status 2
	[ -z "$output" ]
	assert_stderr "dm-filter: in.jsonl:1: expression:1:1: field 'meta.n' is missing"
	run_split dm-filter --strict --on-error=skip 'meta.n == 1 || has(x)' in.jsonl
	assert_status 1
	assert_output '{"text":"d e","meta":{"n":1}}'
	assert_stderr "dm-filter: in.jsonl:1: expression:1:1: field 'meta.n' is missing
dm-filter: in.jsonl:3: expression:1:1: field 'meta.n' is missing
dm-filter: 2 of 3 samples rejected"
	run_split dm-map --strict 'set n=wrds' in.jsonl
	assert_status 2
	[ -z "$output" ]
	assert_stderr "dm-map: in.jsonl:1: set n:1:1: field 'wrds' is missing"
	run_split dm-map -s 'set n=len' in.jsonl
	assert_success
	assert_stderr ''
	# a key that is no name is written as the expression writes it
	for e in 'meta["a b"]' '.["x.y"]' 'a[""].b' '.len' 'a[2].c' 'meta["q\""]'; do
		run_split dm-filter -s "$e == 1" <<< '{"text":"t"}'
		assert_status 2
		assert_stderr "dm-filter: <stdin>:1: expression:1:1: field '$e' is missing"
	done
}

@test "an expression the shell took apart gets a warning that says to quote it" {
	three
	# dm-filter words > 1 in.jsonl: the output goes to a file named 1
	run_split sh -c 'dm-filter words > 1 in.jsonl'
	assert_success
	assert_stderr "dm-filter: warning: the expression is only the statistic 'words'; '>' and '<' unquoted are redirections: quote the whole expression: dm-filter 'words > 1'"
	[ "$(wc -l <1)" -eq 3 ]
	run_split dm-filter words == 2 in.jsonl
	assert_status 2
	assert_stderr "dm-filter: warning: operand '==' looks like part of the expression; quote the whole expression: dm-filter 'words == 2'
dm-filter: ==: No such file or directory
dm-filter: 2: No such file or directory"
	[ "$output" = '{"text":"a b c"}
{"text":"d e","meta":{"n":1}}
{"text":"f"}' ]
	# quoted, no warning
	run_split dm-filter 'words > 1' in.jsonl
	assert_success
	assert_stderr ''
	run_split dm-filter ' words ' in.jsonl
	assert_success
	[[ $stderr == *"dm-filter 'words > N'" ]]
}

@test "every message reaches a slow reader whole, stderr blocking or not" {
	# 20000 bad lines, each a message: a non-blocking pipe (O_NONBLOCK is
	# the open file's, shared with whoever else writes to it) fills while
	# the reader sleeps, and stdio would drop what EAGAIN refused
	seq -f 'bad %g' 1 20000 >in
	for i in 1 2; do
		if [ $i = 1 ]; then
			dm-filter --on-error=skip true in 2>&1 >/dev/null |
			    { sleep 1; cat; } >got
		else
			python3 -c 'import os, sys; os.set_blocking(2, False); os.execvp(sys.argv[1], sys.argv[1:])' \
			    dm-filter --on-error=skip true in 2>&1 >/dev/null |
			    { sleep 1; cat; } >got
		fi
		[ "$(wc -l <got)" = 20001 ]
		[ "$(sed -n '20000p' got)" = "dm-filter: in:20000:1: invalid JSON: expected a value" ]
		[ "$(tail -n 1 got)" = "dm-filter: 20000 of 20000 samples rejected" ] ||
		    { tail -n 1 got; false; }
	done
}

@test "a value given to an option that takes none is named as such, not as an unknown option" {
	one
	run_split dm-stats --json=yes in.jsonl
	assert_status 2
	[ -z "$output" ]
	assert_stderr "dm-stats: option '--json' takes no value
$(usage_of dm-stats)"
	run_split dm-filter --count=1 true in.jsonl
	assert_status 2
	assert_stderr "dm-filter: option '--count' takes no value
$(usage_of dm-filter)"
	# an abbreviation is named as typed, an empty value is a value
	run_split dm-stats --exa= in.jsonl
	assert_status 2
	assert_stderr "dm-stats: option '--exa' takes no value
$(usage_of dm-stats)"
	# unknown options and missing values keep their messages
	for t in dm-map dm-filter dm-slice dm-stats; do
		run_split "$t" --bogus=1 in.jsonl
		assert_status 2
		assert_stderr "$t: unknown option '--bogus'
$(usage_of "$t")"
	done
	run_split dm-stats --top
	assert_status 2
	assert_stderr "dm-stats: option '--top' needs a value
$(usage_of dm-stats)"
}
