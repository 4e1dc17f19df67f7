#!/usr/bin/env bats
# dm-filter.bats - dm-filter's options and the expression language it shares
# with dm-map's set: literals, field paths, operators and their precedence,
# null and type semantics, regular expressions, functions, arithmetic, and
# the messages of a bad expression. The rules shared by every tool are in
# common.bats; the statistics and the quality predicates have their own
# tests (the language is tested here with len and bytes only: code points
# and bytes of the text).

load helper

# unreported: removes from stderr the end-of-run report of a field that no
# sample had (tool-messages.bats tests it), which the helpers below, made
# to test values on samples that lack fields on purpose, do not look at.
unreported() {
	stderr=$(grep -Ev "^dm-[a-z]*: field '.*' was (in none of the [0-9]+ samples|not in the one sample) that looked for it" \
	    <<<"$stderr" || true)
}

# truth EXPR [SAMPLE]: runs dm-filter EXPR on one sample (default
# {"text":"héllo"}) and sets output to true when it was kept, false when it
# was dropped; fails on any other outcome or on a message.
truth() {
	local sample=$2
	[ -n "$sample" ] || sample='{"text":"héllo"}'
	printf 'expression: %s\n' "$1" >&2	# shown when a test fails
	run_split dm-filter "$1" <<<"$sample"
	unreported
	if [ "$status" -ne 0 ] || [ -n "$stderr" ] ||
	    { [ -n "$output" ] && [ "$output" != "$sample" ]; }; then
		printf 'dm-filter %s on %s: status %s\nstdout: %s\nstderr: %s\n' \
		    "$1" "$sample" "$status" "$output" "$stderr" >&2
		return 1
	fi
	if [ -n "$output" ]; then output=true; else output=false; fi
}

# value EXPR [SAMPLE]: sets output to the JSON that dm-map's set gives EXPR
# on one sample (default {"text":"héllo"}) that has no field v; fails on a
# message.
value() {
	local sample=$2 e
	[ -n "$sample" ] || sample='{"text":"héllo"}'
	# the expression as one double-quoted word of a dm-map script
	e=${1//\\/\\\\}
	e=${e//\"/\\\"}
	printf 'expression: %s\n' "$1" >&2	# shown when a test fails
	run_split dm-map "set v=\"$e\"" <<<"$sample"
	unreported
	if [ "$status" -ne 0 ] || [ -n "$stderr" ] ||
	    [[ $output != '{'*',"v":'*'}' ]]; then
		printf 'set v=%s on %s: status %s\nstdout: %s\nstderr: %s\n' \
		    "$1" "$sample" "$status" "$output" "$stderr" >&2
		return 1
	fi
	output=${output#*,\"v\":}
	output=${output%\}}
}

# ---- selection and the options ----

@test "kept samples are written byte for byte, dropped ones not at all" {
	printf '%s\n' '{ "text" : "long enough" ,  "n":1.50, "a":"\u00e9" }' \
	    '{"z":1,"text":"short","n":2}' \
	    '{"n":1E2,"text":"long \"enough\"","id":12345678901234567890}' >in.jsonl
	run_out out dm-filter 'len > 5' in.jsonl
	assert_success
	assert_stderr ''
	assert_bytes out '%s\n' '{ "text" : "long enough" ,  "n":1.50, "a":"\u00e9" }' \
	    '{"n":1E2,"text":"long \"enough\"","id":12345678901234567890}'
}

@test "keeping none of the samples is success with empty output" {
	printf '{"text":"a"}\n{"text":"b"}\n' >in.jsonl
	run_out out dm-filter 'len > 5' in.jsonl
	assert_success
	assert_stderr ''
	assert_bytes out ''
}

@test "-v and --invert keep the samples for which the expression does not hold" {
	printf '%s\n' '{"text":"long enough"}' '{"text":"short", "n":1.50}' >in.jsonl
	for opt in -v --invert; do
		run_split dm-filter "$opt" 'len > 5' in.jsonl
		assert_success
		assert_stderr ''
		assert_output '{"text":"short", "n":1.50}'
	done
}

@test "-f FILE reads the expression from a file, with comments and newlines" {
	printf '%s\n' '# long English texts' 'len > 3   # at least four' \
	    '  && meta.lang == "en"  # "#" in a comment' '' >rules.dmf
	printf '%s\n' '{"text":"abcdef","meta":{"lang":"en"}}' \
	    '{"text":"ab","meta":{"lang":"en"}}' \
	    '{"text":"abcdef","meta":{"lang":"fr"}}' >in.jsonl
	run_split dm-filter -f rules.dmf in.jsonl
	assert_success
	assert_stderr ''
	assert_output '{"text":"abcdef","meta":{"lang":"en"}}'
	run_split dm-filter --file=rules.dmf -v in.jsonl
	assert_success
	assert_output $'{"text":"ab","meta":{"lang":"en"}}\n{"text":"abcdef","meta":{"lang":"fr"}}'
}

@test "a # inside a string or a regular expression does not start a comment" {
	truth 'meta.tag == "#1" && meta.tag =~ /^#\d/' '{"text":"x","meta":{"tag":"#1"}}'
	assert_output true
}

@test "-f - reads the expression from standard input and the samples from files" {
	printf '{"text":"abcdef"}\n{"text":"ab"}\n' >in.jsonl
	run_split dm-filter -f - in.jsonl <<<'len > 3 # four or more'
	assert_success
	assert_stderr ''
	assert_output '{"text":"abcdef"}'
}

@test "-f - without a file operand, or with -, is a usage error" {
	usage=$(usage_of dm-filter)
	for ops in '' '-' 'in.jsonl -'; do
		printf '{"text":"abcdef"}\n' >in.jsonl
		run_split dm-filter -f - $ops <<<'len > 3'
		assert_status 2
		assert_output ''
		assert_stderr "dm-filter: -f -: the expression is read from standard input, so the samples must come from files"$'\n'"$usage"
	done
}

@test "a missing EXPR is a usage error" {
	usage=$(usage_of dm-filter)
	for args in '' '-v --count'; do
		run_split dm-filter $args </dev/null
		assert_status 2
		assert_output ''
		assert_stderr "dm-filter: missing EXPR"$'\n'"$usage"
	done
}

@test "-- ends the options, so an expression may start with a minus" {
	printf '{"text":"abc"}\n{"text":"a"}\n' >in.jsonl
	run_split dm-filter -- '-len < -2' in.jsonl
	assert_success
	assert_stderr ''
	assert_output '{"text":"abc"}'
}

@test "with -f the first operand is a file, not an expression" {
	printf 'true\n' >all.dmf
	printf '{"text":"a"}\n' >in.jsonl
	run_split dm-filter -f all.dmf 'len > 3' in.jsonl
	assert_status 2
	assert_output '{"text":"a"}'
	assert_stderr "dm-filter: len > 3: No such file or directory"
}

@test "a second -f is a usage error, before any file is read" {
	usage=$(usage_of dm-filter)
	printf 'len > 100\n' >a.dmf
	printf 'true\n' >b.dmf
	run_split dm-filter -f a.dmf -f b.dmf <<<'{"text":"abc"}'
	assert_status 2
	assert_output ''
	assert_stderr "dm-filter: -f: the expression is read from one file, not 'a.dmf' and 'b.dmf'"$'\n'"$usage"
	run_split dm-filter --file=nosuch.dmf -f a.dmf <<<'{"text":"abc"}'
	assert_status 2
	assert_output ''
	assert_stderr "dm-filter: -f: the expression is read from one file, not 'nosuch.dmf' and 'a.dmf'"$'\n'"$usage"
}

@test "-f with an unreadable file exits 2 naming it, before reading input" {
	run_split dm-filter -f nosuch.dmf <<<'{"text":"a"}'
	assert_status 2
	assert_output ''
	assert_stderr 'dm-filter: nosuch.dmf: No such file or directory'
}

@test "an error in an expression file points at its name, line and column" {
	printf '%s\n' '# rules' 'len > 3' '  && meta.lang = "en"' >bad.dmf
	run_split dm-filter -f bad.dmf <<<'{"text":"abcdef"}'
	assert_status 2
	assert_output ''
	assert_stderr <<-'EOF'
	dm-filter: bad.dmf:3:16: unexpected '='; did you mean '=='?
	    && meta.lang = "en"
	                 ^
	EOF
	printf '{"text":"abcdef"}\n' >in.jsonl
	run_split dm-filter -f - in.jsonl <bad.dmf
	assert_status 2
	assert_output ''
	assert_stderr <<-'EOF'
	dm-filter: <stdin>:3:16: unexpected '='; did you mean '=='?
	    && meta.lang = "en"
	                 ^
	EOF
}

@test "-f skips a byte order mark at the start of the file, as an input's" {
	printf '\357\273\277# rules\nlen > 3\n' >bom.dmf
	printf '%s\n' '{"text":"ab"}' '{"text":"abcd"}' >in.jsonl
	run_split dm-filter -f bom.dmf in.jsonl
	assert_status 0
	assert_output '{"text":"abcd"}'
	assert_stderr ''
	# the columns of its line count from after the mark
	printf '\357\273\277len >\n' >bom.dmf
	run_split dm-filter -f - in.jsonl <bom.dmf
	assert_status 2
	assert_stderr <<-'EOF'
	dm-filter: <stdin>:1:6: expected a value after '>'
	  len >
	       ^
	EOF
}

@test "an error in an expression file with CR LF lines shows its line without the CR" {
	printf '# rules\r\nlen > 3\r\n  && meta.lang = "en"\r\n' >crlf.dmf
	run_split dm-filter -f crlf.dmf <<<'{"text":"abcdef"}'
	assert_status 2
	assert_output ''
	assert_stderr <<-'EOF'
	dm-filter: crlf.dmf:3:16: unexpected '='; did you mean '=='?
	    && meta.lang = "en"
	                 ^
	EOF
	printf 'a\r\n== 1 +\r\n"s"\r\n' >crlf.dmf
	run_split dm-filter -f crlf.dmf <<<'{"a":1}'
	assert_status 0
	assert_output ''
	assert_stderr <<-'EOF'
	dm-filter: <stdin>:1: crlf.dmf:2:6: arithmetic on a string and a number
	  == 1 +
	       ^
	EOF
}

@test "the line under a message is cut around the column when it is long" {
	a=$(printf 'a%.0s' $(seq 200))
	printf '%s @ 1\n' "$a" >long.dmf
	run_split dm-filter -f long.dmf <<<'{}'
	assert_status 2
	assert_output ''
	assert_stderr "dm-filter: long.dmf:1:202: unexpected '@'
  ...${a:0:79} @ 1
  $(printf ' %.0s' $(seq 83))^"
	# cut on both sides, by characters (bash counts them in UTF-8 too)
	local LC_ALL=C.UTF-8
	e=$(printf '.["é"] == 1 && %.0s' $(seq 12))
	printf '%s1 + "x" == 2 && %s1\n' "$e" "$e" >long.dmf
	run_split dm-filter -f long.dmf <<<'{"é":1}'
	assert_status 0
	line2=$(sed -n 2p <<<"$stderr")
	line3=$(sed -n 3p <<<"$stderr")
	[ "$(sed -n 1p <<<"$stderr")" = "dm-filter: <stdin>:1: long.dmf:1:195: arithmetic on a string and a number" ]
	[ "$line2" = "  ...${e:${#e}-78}1 + \"x\" == 2 && ${e:0:66}..." ]
	[ "$line3" = "  $(printf ' %.0s' $(seq 82)) ^" ]
	# 100000 ! make no line of 100000 characters
	printf '!%.0s' $(seq 100000) >not.dmf
	printf 'true\n' >>not.dmf
	run_split dm-filter -f not.dmf <<<'{}'
	assert_status 2
	[ "$(wc -L <<<"$stderr")" -le 170 ]
}

@test "an empty expression, or one of only comments, is an error" {
	printf '# nothing\n\n' >empty.dmf
	run_split dm-filter -f empty.dmf <<<'{"text":"a"}'
	assert_status 2
	assert_output ''
	assert_stderr <<-'EOF'
	dm-filter: empty.dmf:3:1: empty expression
	  
	  ^
	EOF
	run_split dm-filter '' <<<'{"text":"a"}'
	assert_status 2
	assert_stderr <<-'EOF'
	dm-filter: expression:1:1: empty expression
	  
	  ^
	EOF
}

@test "--count reports the samples kept and seen on stderr at the end" {
	printf '%s\n' '{"text":"abcdef"}' '{"text":"ab"}' '{"text":"abcd"}' >in.jsonl
	run_split dm-filter --count 'len > 3' in.jsonl
	assert_success
	assert_output $'{"text":"abcdef"}\n{"text":"abcd"}'
	assert_stderr 'dm-filter: kept 2 of 3 samples'
	run_split dm-filter --count -v 'len > 3' in.jsonl
	assert_success
	assert_output '{"text":"ab"}'
	assert_stderr 'dm-filter: kept 1 of 3 samples'
	run_split dm-filter --count 'len > 3' </dev/null
	assert_success
	assert_stderr 'dm-filter: kept 0 of 0 samples'
}

@test "--count leaves the rejected samples out of the samples seen" {
	for i in 1 2 3 4 5 6; do
		printf '{"text":"ok%s"}\nbad\n' $i
	done >bad.jsonl
	printf 'bad\n{"x":1\n' >>bad.jsonl
	run_split dm-filter --on-error=skip --count 'len > 0' bad.jsonl
	assert_status 1
	[ "$(wc -l <<<"$output")" -eq 6 ]
	[ "$(tail -n 2 <<<"$stderr")" = "dm-filter: 8 of 14 samples rejected
dm-filter: kept 6 of 6 samples" ]
	run_split dm-filter --on-error=skip --count -v 'len > 0' bad.jsonl
	assert_status 1
	assert_output ''
	[ "$(tail -n 1 <<<"$stderr")" = "dm-filter: kept 0 of 6 samples" ]
	run_split dm-filter --count 'len > 0' bad.jsonl
	assert_status 2
	assert_output '{"text":"ok1"}'
	assert_stderr "dm-filter: bad.jsonl:2:1: invalid JSON: expected a value
dm-filter: kept 1 of 1 samples"
}

@test "--count with --mark counts neither the sample it could not mark nor its verdict" {
	printf '%s\n' '{"text":"abcdef","m":{}}' '{"text":"abcdef","m":3}' '{"text":"ab"}' >in.jsonl
	run_split dm-filter --on-error=skip --count --mark m.ok 'len > 3' in.jsonl
	assert_status 1
	assert_output $'{"text":"abcdef","m":{"ok":true}}\n{"text":"ab","m":{"ok":false}}'
	assert_stderr <<-'EOF'
	dm-filter: in.jsonl:2: field 'm' is not an object
	dm-filter: 1 of 3 samples rejected
	dm-filter: kept 1 of 2 samples
	EOF
}

@test "--mark keeps every sample and sets the field to true or false" {
	printf '%s\n' '{ "text" : "abcdef" , "n" : 1.50, "a":"\u00e9" }' '{"text":"ab"}' >in.jsonl
	run_split dm-filter --mark keep 'len > 3' in.jsonl
	assert_success
	assert_stderr ''
	assert_output $'{"text":"abcdef","n":1.50,"a":"\\u00e9","keep":true}\n{"text":"ab","keep":false}'
	run_split dm-filter --count --mark keep 'len > 3' in.jsonl
	assert_success
	assert_stderr 'dm-filter: kept 1 of 2 samples'
}

@test "--mark with -v records the inverted verdict" {
	printf '%s\n' '{"text":"abcdef"}' '{"text":"ab"}' >in.jsonl
	run_split dm-filter -v --mark keep 'len > 3' in.jsonl
	assert_success
	assert_stderr ''
	assert_output $'{"text":"abcdef","keep":false}\n{"text":"ab","keep":true}'
}

@test "--mark with a dotted path sets a nested field, creating the objects" {
	printf '%s\n' '{"text":"abcdef","meta":{"a":1}}' '{"text":"ab"}' >in.jsonl
	run_split dm-filter --mark meta.ok 'len > 3' in.jsonl
	assert_success
	assert_stderr ''
	assert_output $'{"text":"abcdef","meta":{"a":1,"ok":true}}\n{"text":"ab","meta":{"ok":false}}'
	run_split dm-filter --mark meta.q.ok 'len > 3' in.jsonl
	assert_success
	assert_output $'{"text":"abcdef","meta":{"a":1,"q":{"ok":true}}}\n{"text":"ab","meta":{"q":{"ok":false}}}'
}

@test "--mark replaces a field that exists, in its place" {
	run_split dm-filter --mark n 'len > 3' <<<'{"n":7,"text":"abcdef","z":0}'
	assert_success
	assert_stderr ''
	assert_output '{"n":true,"text":"abcdef","z":0}'
}

@test "--mark into a field that is not an object rejects the sample" {
	printf '%s\n' '{"text":"abcdef","m":{}}' '{"text":"ab","m":3}' '{"text":"abc"}' >in.jsonl
	run_split dm-filter --mark m.ok 'len > 3' in.jsonl
	assert_status 2
	assert_output '{"text":"abcdef","m":{"ok":true}}'
	assert_stderr "dm-filter: in.jsonl:2: field 'm' is not an object"
	run_split dm-filter --on-error=skip --mark m.ok 'len > 3' in.jsonl
	assert_status 1
	assert_output $'{"text":"abcdef","m":{"ok":true}}\n{"text":"abc","m":{"ok":false}}'
	assert_stderr <<-'EOF'
	dm-filter: in.jsonl:2: field 'm' is not an object
	dm-filter: 1 of 3 samples rejected
	EOF
}

@test "--mark with an empty field name is a usage error" {
	run_split dm-filter --mark '' true </dev/null
	assert_status 2
	assert_output ''
	assert_stderr "dm-filter: --mark: the field name is empty"$'\n'"$(usage_of dm-filter)"
}

@test "--mark with an empty element in its path is a usage error, as -k" {
	usage=$(usage_of dm-filter)
	for f in a..b .a a. . ..; do
		run_split dm-filter --mark "$f" true <<<'{"text":"a"}'
		assert_status 2
		assert_output ''
		assert_stderr "dm-filter: --mark: '$f' is not a field name"$'\n'"$usage"
		run_split dm-filter -k "$f" true <<<'{"text":"a"}'
		assert_status 2
		assert_stderr "dm-filter: -k: '$f' is not a field name"$'\n'"$usage"
	done
}

@test "a marked sample is written compactly, keys in their original order" {
	printf '%s\n' '{ "z" : 1 , "x" : 0 , "s" : "a  b , c \" d" , "a" : { "k" : [ 1 , "v v" , { } ] } , "m" : null }' >in.jsonl
	run_out out dm-filter --mark ok true in.jsonl
	assert_success
	assert_stderr ''
	assert_bytes out '%s\n' '{"z":1,"x":0,"s":"a  b , c \" d","a":{"k":[1,"v v",{}]},"m":null,"ok":true}'
}

@test "a marked 50 MB line is written whole" {
	big() {
		printf '{"text":"'
		head -c 50000000 /dev/zero | tr '\0' 'a'
		printf '"%s}\n' "$1"
	}
	big '' >huge.jsonl
	big ',"ok":true' >want.jsonl
	run_out out dm-filter --mark ok 'len > 1' huge.jsonl
	assert_success
	assert_stderr ''
	[ "$(md5sum <out)" = "$(md5sum <want.jsonl)" ]
}

@test "-k chooses the text field that the statistics measure" {
	printf '%s\n' '{"text":"abcdef","body":"ab"}' '{"text":"ab","body":"abcdef"}' >in.jsonl
	for opt in -k --key; do
		run_split dm-filter "$opt" body 'len > 3' in.jsonl
		assert_success
		assert_stderr ''
		assert_output '{"text":"ab","body":"abcdef"}'
	done
	run_split dm-filter -k meta.body 'len > 3' <<<'{"text":"abcdef","meta":{"body":"abcdef"}}'
	assert_success
	assert_output '{"text":"abcdef","meta":{"body":"abcdef"}}'
}

@test "compressed operands and standard input are read transparently" {
	printf '%s\n' '{"text":"abcdef", "n":1.50}' '{"text":"ab"}' >plain.jsonl
	gzip -c plain.jsonl >in.jsonl.gz
	zstd -q -c plain.jsonl >in.jsonl.zst
	for f in in.jsonl.gz in.jsonl.zst; do
		run_split dm-filter 'len > 3' "$f"
		assert_success
		assert_stderr ''
		assert_output '{"text":"abcdef", "n":1.50}'
		run_split dm-filter 'len > 3' <"$f"
		assert_success
		assert_output '{"text":"abcdef", "n":1.50}'
	done
}

# ---- the text field ----

@test "a statistic on a sample without the text field rejects it" {
	printf '%s\n' '{"text":"abcdef"}' '{"body":"abcdef"}' '{"text":"abcd"}' >in.jsonl
	run_split dm-filter 'len > 3' in.jsonl
	assert_status 2
	assert_output '{"text":"abcdef"}'
	assert_stderr "dm-filter: in.jsonl:2: field 'text' is missing"
	run_split dm-filter --on-error=skip --rejects rej.jsonl 'len > 3' in.jsonl
	assert_status 1
	assert_output $'{"text":"abcdef"}\n{"text":"abcd"}'
	assert_stderr <<-'EOF'
	dm-filter: in.jsonl:2: field 'text' is missing
	dm-filter: 1 of 3 samples rejected
	EOF
	assert_bytes rej.jsonl '%s\n' \
	    '{"file":"in.jsonl","line":2,"reason":"field '\''text'\'' is missing","raw":"{\"body\":\"abcdef\"}"}'
}

@test "a text field that is not a string is rejected when a statistic needs it" {
	run_split dm-filter 'bytes > 0' <<<'{"text":["abc"]}'
	assert_status 2
	assert_output ''
	assert_stderr "dm-filter: <stdin>:1: field 'text' is not a string"
}

@test "the functions that default to the text need it too" {
	for e in 'contains("b")' 'startswith("a")' 'endswith("c")' 'lower() == "abc"'; do
		run_split dm-filter "$e" <<<'{"body":"abc"}'
		assert_status 2
		assert_output ''
		assert_stderr "dm-filter: <stdin>:1: field 'text' is missing"
	done
}

@test "an expression that never reaches the text does not need it" {
	printf '%s\n' '{"body":"abc"}' '{"text":"abcdef"}' '{"text":"ab"}' >in.jsonl
	run_split dm-filter 'has(body) || len > 3' in.jsonl
	assert_success
	assert_stderr ''
	assert_output $'{"body":"abc"}\n{"text":"abcdef"}'
	run_split dm-filter 'has(text) && len > 3' in.jsonl
	assert_success
	assert_stderr ''
	assert_output '{"text":"abcdef"}'
	run_split dm-filter 'len(body) == 3' in.jsonl
	assert_success
	assert_stderr ''
	assert_output '{"body":"abc"}'
}

# ---- precedence ----

@test "! binds more loosely than a comparison" {
	truth '!meta.lang == "zh"' '{"text":"x","meta":{"lang":"en"}}'
	assert_output true
	truth '!meta.lang == "zh"' '{"text":"x","meta":{"lang":"zh"}}'
	assert_output false
	truth '!len > 3'
	assert_output false
	truth '!text =~ /z/'
	assert_output true
}

@test "! binds more tightly than && and ||" {
	truth '!false && false'
	assert_output false
	truth '!true || true'
	assert_output true
	truth '!!true'
	assert_output true
}

@test "&& binds more tightly than ||" {
	truth 'true || false && false'
	assert_output true
	truth 'false && false || true'
	assert_output true
	truth 'false && (false || true)'
	assert_output false
}

@test "* / % bind more tightly than + and -, and both associate to the left" {
	value '1 + 2 * 3'
	assert_output 7
	value '(1 + 2) * 3'
	assert_output 9
	value '10 - 2 - 3'
	assert_output 5
	value '2 * 3 % 4'
	assert_output 2
	value '8 / 4 / 2'
	assert_output 1.0
	value '1 + 6 / 4'
	assert_output 2.5
}

@test "unary minus binds more tightly than * and %" {
	value '-1 % 3'
	assert_output 2
	value '-2 * 3'
	assert_output -6
	value '2 - -1'
	assert_output 3
	value '- -2'
	assert_output 2
	value '-len'
	assert_output -5
	value '-(1 + 2) * 2'
	assert_output -6
}

@test "arithmetic binds more tightly than comparisons and in" {
	truth '1 + 1 == 2'
	assert_output true
	truth '2 * 3 > 5 && 10 - 4 < 7'
	assert_output true
	truth '1 + 1 in [2]'
	assert_output true
	truth '0 > -1 * 2'
	assert_output true
}

# ---- literals ----

@test "integer and real literals" {
	value '42'
	assert_output 42
	value '0'
	assert_output 0
	value '1.5'
	assert_output 1.5
	value '2.50'
	assert_output 2.5
	value '.5'
	assert_output 0.5
	value '1.0'
	assert_output 1.0
	value '1e3'
	assert_output 1000.0
	value '2.5E-1'
	assert_output 0.25
}

@test "strings in either quote, with escapes" {
	value '"say \"hi\""'
	assert_output '"say \"hi\""'
	value "'it\\'s'"
	assert_output '"it'\''s"'
	value "'a \"b\"'"
	assert_output '"a \"b\""'
	value '"a\nb\tc\\d\/e"'
	assert_output '"a\nb\tc\\d/e"'
	value '"caf\u00e9"'
	assert_output '"café"'
	value "'\\u00C9t\\u00e9'"
	assert_output '"Été"'
	truth '"\u00e9" == "é"'
	assert_output true
}

@test "a surrogate pair escape is one character" {
	value '"\ud83d\ude00"'
	assert_output '"😀"'
}

@test "true, false and null" {
	value 'true'
	assert_output true
	value 'false'
	assert_output false
	value 'null'
	assert_output null
	truth 'true'
	assert_output true
	truth 'false'
	assert_output false
	truth 'null'
	assert_output false
}

@test "array literals" {
	value '[1, 2.5, "s", true, null, [3, []]]'
	assert_output '[1,2.5,"s",true,null,[3,[]]]'
	value '[]'
	assert_output '[]'
	value '[len, len + 1, "x" + "y"]'
	assert_output '[5,6,"xy"]'
}

@test "a value is true when it is true, a non-zero number, a non-empty string, an array or an object" {
	s='{"text":"x","t":true,"f":false,"one":1,"zero":0,"r":0.0,"s":"a","e":"","a":[],"o":{},"n":null}'
	for e in t one s a o; do
		truth "$e" "$s"
		assert_output true
	done
	for e in f zero r e n nosuch; do
		truth "$e" "$s"
		assert_output false
	done
}

# ---- field paths ----

@test "dotted paths reach nested fields" {
	s='{"text":"x","meta":{"lang":"en","src":{"host":"a.org"}}}'
	truth 'meta.lang == "en" && meta.src.host == "a.org"' "$s"
	assert_output true
	value 'meta.src' "$s"
	assert_output '{"host":"a.org"}'
	value 'meta.src.host' "$s"
	assert_output '"a.org"'
}

@test "a key with spaces, dots or quotes is written .[\"key\"]" {
	s='{"text":"x","key with spaces":{"z":3},"a.b":1,"a":{"b":2},"q\"k":4}'
	value '.["key with spaces"]' "$s"
	assert_output '{"z":3}'
	value '.["key with spaces"].z' "$s"
	assert_output 3
	value '.["a.b"]' "$s"
	assert_output 1
	value 'a.b' "$s"
	assert_output 2
	value 'a["b"]' "$s"
	assert_output 2
	value ".['q\"k']" "$s"
	assert_output 4
}

@test "array elements are reached by index, nested ones too" {
	s='{"text":"x","tags":["a","b"],"m":{"t":[[1,2],[3,{"k":"v"}]]}}'
	value 'tags[0]' "$s"
	assert_output '"a"'
	value 'tags[1]' "$s"
	assert_output '"b"'
	value 'tags[2]' "$s"
	assert_output null
	value 'm.t[1][0]' "$s"
	assert_output 3
	value 'm.t[1][1].k' "$s"
	assert_output '"v"'
	value 'm.t[0]' "$s"
	assert_output '[1,2]'
	value 'm[0]' "$s"
	assert_output null
}

@test "a leading dot names a field even where a statistic has the name" {
	s='{"text":"héllo","len":3,"bytes":"b"}'
	value '.len' "$s"
	assert_output 3
	value 'len' "$s"
	assert_output 5
	value '.bytes' "$s"
	assert_output '"b"'
	value 'bytes' "$s"
	assert_output 6
}

@test "a field after a dot may be named like a keyword" {
	s='{"text":"x","m":{"in":1,"true":2,"null":3}}'
	value 'm.in + m.true + m.null' "$s"
	assert_output 6
}

# ---- null and types ----

@test "a missing field is null" {
	truth 'nosuch == null && meta.nosuch == null && tags[9] == null' '{"text":"x","meta":{},"tags":[]}'
	assert_output true
	value 'nosuch'
	assert_output null
	value 'nosuch.deeper[3]'
	assert_output null
}

@test "null equals null and nothing else" {
	truth 'null == null'
	assert_output true
	truth 'n == null' '{"text":"x","n":null}'
	assert_output true
	for e in 'null == false' 'null == 0' 'null == ""' 'null == []'; do
		truth "$e"
		assert_output false
	done
	truth 'null != 1'
	assert_output true
	truth 'nosuch != "en"'
	assert_output true
}

@test "ordering with null is false, never an error" {
	for e in 'null < 1' 'null > 1' 'null <= 1' 'null >= 1' '1 < null' 'nosuch >= 0' 'null <= null' 'null < "a"'; do
		truth "$e"
		assert_output false
	done
	truth '!(nosuch < 1)'
	assert_output true
}

@test "== across types is false, without a message" {
	for e in '1 == "1"' 'true == 1' '0 == false' '"" == false' '"true" == true' '[1] == 1'; do
		truth "$e"
		assert_output false
	done
	truth '1 != "1"'
	assert_output true
}

@test "numbers are equal by value, whatever their form" {
	s='{"text":"x","a":1.50,"b":1E0,"c":100}'
	truth 'a == 1.5 && b == 1 && c == 1e2 && 1 == 1.0' "$s"
	assert_output true
}

@test "strings are equal by their characters, escaped or not" {
	s='{"text":"x","g":"é","h":"\u00e9"}'
	truth 'g == h && h == "é" && g == "\u00e9"' "$s"
	assert_output true
}

@test "arrays and objects are equal by value, whatever their spacing" {
	s='{"text":"x","a":[1,2],"b":[1, 2],"c":{"k":1},"d":{ "k" : 1 }}'
	for e in 'a == a' 'a == [1,2]' '[1,2] == a' 'a == b' 'c == d' '[1, "x"] == [1, "x"]'; do
		truth "$e" "$s"
		assert_output true
	done
	truth 'a == [2,1]' "$s"
	assert_output false
}

@test "strings order by their bytes" {
	for e in '"a" < "b"' '"ab" > "a"' '"B" < "a"' '"é" > "z"' '"a" <= "a"'; do
		truth "$e"
		assert_output true
	done
}

@test "comparing a string with a number is false, reported once with its place" {
	printf '%s\n' '{"text":"a","n":"5"}' '{"text":"b","n":3}' '{"text":"c","n":"7"}' >in.jsonl
	run_split dm-filter 'n < 4' in.jsonl
	assert_success
	assert_output '{"text":"b","n":3}'
	assert_stderr <<-'EOF'
	dm-filter: in.jsonl:1: expression:1:3: cannot compare a string with a number
	  n < 4
	    ^
	EOF
	run_split dm-filter 'len > 0 && 4 >= n' <in.jsonl
	assert_success
	assert_output '{"text":"b","n":3}'
	assert_stderr <<-'EOF'
	dm-filter: <stdin>:1: expression:1:14: cannot compare a string with a number
	  len > 0 && 4 >= n
	               ^
	EOF
}

@test "a type error in an expression file gives the file's line" {
	printf '# rules\nlen > 0 &&\n\tn < 4\n' >r.dmf
	printf '%s\n' '{"text":"a","n":3}' '{"text":"b","n":"5"}' >in.jsonl
	run_split dm-filter -f r.dmf in.jsonl
	assert_success
	assert_output '{"text":"a","n":3}'
	assert_stderr "$(printf '%s\n' 'dm-filter: in.jsonl:2: r.dmf:3:4: cannot compare a string with a number' $'  \tn < 4' $'  \t  ^')"
}

@test "arithmetic on a string and a number is null, reported once" {
	printf '%s\n' '{"text":"a","n":"5"}' '{"text":"b","n":3}' '{"text":"c","n":"7"}' >in.jsonl
	run_split dm-filter 'n + 1 == null' in.jsonl
	assert_success
	assert_output $'{"text":"a","n":"5"}\n{"text":"c","n":"7"}'
	assert_stderr <<-'EOF'
	dm-filter: in.jsonl:1: expression:1:3: arithmetic on a string and a number
	  n + 1 == null
	    ^
	EOF
}

# ---- in ----

@test "in finds a value in an array literal" {
	truth 'meta.lang in ["en", "de"]' '{"text":"x","meta":{"lang":"de"}}'
	assert_output true
	truth 'meta.lang in ["en", "de"]' '{"text":"x","meta":{"lang":"fr"}}'
	assert_output false
	truth 'nosuch in ["en", null]'
	assert_output true
	truth '2 in [1, 1 + 1]'
	assert_output true
	truth '"2" in [1, 2]'
	assert_output false
	truth '1 in []'
	assert_output false
}

@test "in finds a value in an array field" {
	s='{"text":"x","tags":["a", "\u00e9", 3, null, true, 1.50, [1]],"e":[]}'
	for e in '"a" in tags' '"é" in tags' '3 in tags' '1.5 in tags' 'null in tags' 'true in tags'; do
		truth "$e" "$s"
		assert_output true
	done
	for e in '"3" in tags' 'false in tags' '"b" in tags' '"a" in e' '"a" in nosuch'; do
		truth "$e" "$s"
		assert_output false
	done
}

@test "in finds a substring in a string" {
	s='{"text":"Hello World","w":"World"}'
	for e in '"World" in text' 'w in text' '"" in text' '"lo W" in "Hello World"'; do
		truth "$e" "$s"
		assert_output true
	done
	for e in '"world" in text' '1 in "a1"' '"Hello World!" in text'; do
		truth "$e" "$s"
		assert_output false
	done
}

# ---- regular expressions ----

@test "=~ matches a regular expression and !~ its negation" {
	s='{"text":"Hello World","meta":{"lang":"en-GB"}}'
	truth 'text =~ /o W/' "$s"
	assert_output true
	truth 'text =~ /^World/' "$s"
	assert_output false
	truth 'text !~ /^World/' "$s"
	assert_output true
	truth 'meta.lang =~ /^en(-|$)/ && meta.lang !~ /US/' "$s"
	assert_output true
	truth 'lower(text) =~ /^hello/' "$s"
	assert_output true
}

@test "regex flag i ignores case, Unicode case too" {
	s='{"text":"Hello ÉTÉ"}'
	truth 'text =~ /hello/' "$s"
	assert_output false
	truth 'text =~ /hello été/i' "$s"
	assert_output true
	truth 'text =~ /HELLO été/iu' "$s"
	assert_output true
}

@test "regex flag m lets ^ and \$ match at line ends" {
	s='{"text":"first\nsecond line"}'
	truth 'text =~ /^second/' "$s"
	assert_output false
	truth 'text =~ /^second/m && text =~ /first$/m' "$s"
	assert_output true
}

@test "regex flag s lets . match a newline" {
	s='{"text":"first\nsecond"}'
	truth 'text =~ /first.second/' "$s"
	assert_output false
	truth 'text =~ /first.second/s' "$s"
	assert_output true
}

@test "regex flag x ignores white space in the pattern" {
	s='{"text":"Hello World"}'
	truth 'text =~ /H e l l o \  W/' "$s"
	assert_output false
	truth 'text =~ /H e l l o \  W/x' "$s"
	assert_output true
	truth 'text =~ /^hello\sworld$/ix' "$s"
	assert_output true
}

@test "\\/ in a regular expression is a slash" {
	s='{"text":"see a/b c"}'
	truth 'text =~ /a\/b/' "$s"
	assert_output true
	truth 'text !~ /a\/b/' "$s"
	assert_output false
	truth 'text =~ /^\S+\s\w\/\w/' "$s"
	assert_output true
}

@test "=~ on a value that is not a string is false, and !~ true" {
	s='{"text":"x","n":5,"a":["5"],"b":true}'
	for e in 'n =~ /5/' 'a =~ /5/' 'b =~ /true/' 'nosuch =~ /^/'; do
		truth "$e" "$s"
		assert_output false
	done
	for e in 'n !~ /5/' 'nosuch !~ /x/'; do
		truth "$e" "$s"
		assert_output true
	done
}

@test "a regular expression that does not compile is an error with PCRE2's message" {
	run_split dm-filter 'text =~ /a(b/' <<<'{"text":"ab"}'
	assert_status 2
	assert_output ''
	assert_stderr <<-'EOF'
	dm-filter: expression:1:9: missing closing parenthesis at offset 3
	  text =~ /a(b/
	          ^
	EOF
}

@test "an unknown regex flag is an error" {
	run_split dm-filter 'text =~ /a/iq' <<<'{"text":"ab"}'
	assert_status 2
	assert_output ''
	assert_stderr <<-'EOF'
	dm-filter: expression:1:9: unknown regex flag 'q' (expected i, m, s, x or u)
	  text =~ /a/iq
	          ^
	EOF
}

@test "=~ needs a /regex/ after it, closed on its line" {
	run_split dm-filter 'text =~ "a"' <<<'{"text":"ab"}'
	assert_status 2
	assert_stderr <<-'EOF'
	dm-filter: expression:1:9: expected a regular expression /.../ here
	  text =~ "a"
	          ^
	EOF
	run_split dm-filter 'text !~ /ab' <<<'{"text":"ab"}'
	assert_status 2
	assert_stderr <<-'EOF'
	dm-filter: expression:1:9: unterminated regular expression
	  text !~ /ab
	          ^
	EOF
}

# ---- functions ----

@test "has tells a field that exists, even as null, from a missing one" {
	s='{"text":"x","meta":{"lang":"en","n":null},"tags":["a"]}'
	for e in 'has(meta)' 'has(meta.lang)' 'has(meta.n)' 'has(tags[0])' 'has(.["text"])'; do
		truth "$e" "$s"
		assert_output true
	done
	for e in 'has(nosuch)' 'has(meta.nosuch)' 'has(tags[1])' 'has(meta.lang.x)'; do
		truth "$e" "$s"
		assert_output false
	done
}

@test "len(path) counts the characters of a string field" {
	s='{"text":"x","title":"Ünïcödé wörld","d":"e\u0301","cjk":"日本語😀"}'
	value 'len(title)' "$s"
	assert_output 13
	value 'len(d)' "$s"
	assert_output 2
	value 'len(cjk)' "$s"
	assert_output 4
	value 'len(text)' "$s"
	assert_output 1
	value 'len("héllo")' "$s"
	assert_output 5
}

@test "len(path) counts the elements of an array" {
	s='{"text":"x","tags":["a", "b",[1,2]],"e":[ ]}'
	value 'len(tags)' "$s"
	assert_output 3
	value 'len(e)' "$s"
	assert_output 0
	value 'len([1, 2])' "$s"
	assert_output 2
}

@test "len(path) of a number, an object or a missing field is null" {
	s='{"text":"x","n":12,"o":{"a":1}}'
	for e in 'len(n)' 'len(o)' 'len(nosuch)'; do
		value "$e" "$s"
		assert_output null
	done
}

@test "len and bytes alone measure the text in characters and bytes" {
	s='{"text":"héllo 日本"}'
	value 'len' "$s"
	assert_output 8
	value 'bytes' "$s"
	assert_output 13
	value 'len()' "$s"
	assert_output 8
}

@test "lower lowercases a string, accents too, and the text without an argument" {
	s='{"text":"ÉTÉ Grec","t":"HÉllo"}'
	value 'lower(t)' "$s"
	assert_output '"héllo"'
	value 'lower()' "$s"
	assert_output '"été grec"'
	value 'lower(3)' "$s"
	assert_output null
}

@test "startswith, endswith and contains take a string, or default to the text" {
	s='{"text":"Hello World","title":"Ünï wörld"}'
	for e in 'startswith(title, "Ünï")' 'endswith(title, "wörld")' 'contains(title, "ï w")' \
	    'startswith("Hel")' 'endswith("rld")' 'contains("lo W")' \
	    'startswith(title, "")' 'contains("")' 'endswith(title, title)'; do
		truth "$e" "$s"
		assert_output true
	done
	for e in 'startswith(title, "ünï")' 'endswith(title, "Ünï")' 'contains(title, "x")' \
	    'startswith("World")' 'endswith("Hello")' 'contains("world")' \
	    'startswith(title, "Ünï wörld!")' 'contains(nosuch, "a")' 'startswith(3, "3")'; do
		truth "$e" "$s"
		assert_output false
	done
}

@test "num reads a number from a string, null when there is none" {
	s='{"text":"x","a":"12","b":" 4.5 ","c":"12abc"}'
	value 'num(" 42 ")' "$s"
	assert_output 42
	value 'num(a) + 1' "$s"
	assert_output 13
	value 'num(b)' "$s"
	assert_output 4.5
	value 'num("-1e3")' "$s"
	assert_output -1000.0
	value 'num(7)' "$s"
	assert_output 7
	value 'num(true)' "$s"
	assert_output 1
	for e in 'num(c)' 'num("")' 'num("  ")' 'num("abc")' 'num("nan")' 'num("inf")' 'num(null)' 'num(nosuch)'; do
		value "$e" "$s"
		assert_output null
	done
}

@test "num reads a string as a literal: big integers are reals, white space on both sides, no NUL" {
	# beyond 2^53 an integer is a real, told by its digits, as a literal is
	value 'num("9007199254740993")'
	assert_output 9007199254740992.0
	value 'str(num("-9007199254740993"))'
	assert_output '"-9007199254740992.0"'
	value 'num("9007199254740992")'
	assert_output 9007199254740992
	value 'num("9007199254740993") == 9007199254740993'
	assert_output true
	# ASCII white space on either side, as strtod skips it before
	value 'num("12\r")'
	assert_output 12
	value 'num("\f7\r\n")'
	assert_output 7
	# a NUL byte ends no number early
	value 'num("1\u00002")'
	assert_output null
	for e in 'num("1e400")' 'num(".")' 'num("-")' 'num("1e")' 'num("0x10")'; do
		value "$e"
		assert_output null
	done
}

@test "an error of the expression on a sample names its place in the expression" {
	printf '%s\n' '{"a":[1],"t":"x"}' '{"a":2,"t":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxz"}' >in.jsonl
	run_split dm-filter --on-error=skip --rejects rej.jsonl 'a == 2 &&
  t =~ /^(x+x+)+$/ || float(a) > 1' in.jsonl
	assert_status 1
	assert_output ''
	assert_stderr <<'EOF'
dm-filter: in.jsonl:1: expression:2:23: float() of an array
dm-filter: in.jsonl:2: expression:2:8: the pattern takes too long on this text (PCRE2 match limit of 10000000 exceeded)
dm-filter: 2 of 2 samples rejected
EOF
	assert_file rej.jsonl <<'EOF'
{"file":"in.jsonl","line":1,"reason":"expression:2:23: float() of an array","raw":"{\"a\":[1],\"t\":\"x\"}"}
{"file":"in.jsonl","line":2,"reason":"expression:2:8: the pattern takes too long on this text (PCRE2 match limit of 10000000 exceeded)","raw":"{\"a\":2,\"t\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxz\"}"}
EOF
	# from -f, the file and its line
	printf '# rule\nfloat(a) >= 0\n' >r.dmf
	run_split dm-filter -f r.dmf in.jsonl
	assert_status 2
	assert_stderr 'dm-filter: in.jsonl:1: r.dmf:2:1: float() of an array'
}

@test "str writes a value as a string" {
	s='{"text":"x","o":{ "k" : [1, 2.50] },"a":[ "x" ]}'
	value 'str(15)' "$s"
	assert_output '"15"'
	value 'str(1.5)' "$s"
	assert_output '"1.5"'
	value 'str(6 / 2)' "$s"
	assert_output '"3.0"'
	value 'str("s")' "$s"
	assert_output '"s"'
	value 'str(true)' "$s"
	assert_output '"true"'
	value 'str(null)' "$s"
	assert_output '"null"'
	value 'str(o)' "$s"
	assert_output '"{\"k\":[1,2.50]}"'
	value 'str(a)' "$s"
	assert_output '"[\"x\"]"'
	value 'str(len) + "/" + str(bytes)' "$s"
	assert_output '"1/1"'
}

@test "str writes an array literal as JSON" {
	value 'str([1, "x", null])'
	assert_output '"[1,\"x\",null]"'
}

# ---- arithmetic ----

@test "arithmetic on integers gives integers" {
	value '2 + 3'
	assert_output 5
	value 'len + 1'
	assert_output 6
	value '7 - 10'
	assert_output -3
	value '2 * 3'
	assert_output 6
	value 'n * 2' '{"text":"x","n":21}'
	assert_output 42
}

@test "arithmetic with a real gives a real" {
	value '1.5 + 1'
	assert_output 2.5
	value '1.0 + 1'
	assert_output 2.0
	value 'n * 2' '{"text":"x","n":1.50}'
	assert_output 3.0
	value '0.1 + 0.2'
	assert_output 0.30000000000000004
}

@test "/ always gives a real" {
	value '6 / 2'
	assert_output 3.0
	value '7 / 2'
	assert_output 3.5
	value 'bytes / len'
	assert_output 1.2
	value '-1 / 4'
	assert_output -0.25
}

@test "% takes the sign of the divisor, as in Python" {
	value '7 % 3'
	assert_output 1
	value '-7 % 3'
	assert_output 2
	value '7 % -3'
	assert_output -2
	value '-7 % -3'
	assert_output -1
	value '6 % 3'
	assert_output 0
	value '7.5 % 2'
	assert_output 1.5
	value '-7.5 % 2'
	assert_output 0.5
}

@test "division and remainder by zero are null" {
	for e in '1 / 0' '0 / 0' '1 % 0' '1.5 / 0.0' 'len / (len - len)'; do
		value "$e"
		assert_output null
	done
	truth '1 / 0 > 0 || 1 / 0 <= 0'
	assert_output false
}

@test "arithmetic with null or a boolean is null" {
	for e in 'nosuch + 1' '1 - null' 'true * 2' '-nosuch' '-"a"'; do
		value "$e"
		assert_output null
	done
}

@test "+ joins strings" {
	value '"ab" + "cd"'
	assert_output '"abcd"'
	value 'meta.lang + "-" + lower("X")' '{"text":"x","meta":{"lang":"en"}}'
	assert_output '"en-x"'
	value '"é" + ""'
	assert_output '"é"'
	truth 'text + "!" == "héllo!"'
	assert_output true
}

# ---- expressions that do not parse ----

@test "a value missing after an operator points at its column" {
	run_split dm-filter 'len > && words' <<<'{"text":"abc"}'
	assert_status 2
	assert_output ''
	assert_stderr <<-'EOF'
	dm-filter: expression:1:7: expected a value after '>'
	  len > && words
	        ^
	EOF
	run_split dm-filter 'len > 1 &&' <<<'{"text":"abc"}'
	assert_status 2
	assert_stderr <<-'EOF'
	dm-filter: expression:1:11: expected a value after '&&'
	  len > 1 &&
	            ^
	EOF
	run_split dm-filter '!' <<<'{"text":"abc"}'
	assert_status 2
	assert_stderr <<-'EOF'
	dm-filter: expression:1:2: expected a value after '!'
	  !
	   ^
	EOF
}

@test "an unterminated string is an error at its opening quote" {
	run_split dm-filter 'meta.lang == "en' <<<'{"text":"abc"}'
	assert_status 2
	assert_output ''
	assert_stderr <<-'EOF'
	dm-filter: expression:1:14: unterminated string
	  meta.lang == "en
	               ^
	EOF
}

@test "a bad escape in a string is an error at the backslash" {
	run_split dm-filter 'text == "a\qb"' <<<'{"text":"abc"}'
	assert_status 2
	assert_output ''
	assert_stderr <<-'EOF'
	dm-filter: expression:1:11: invalid escape in string
	  text == "a\qb"
	            ^
	EOF
	run_split dm-filter 'text == "\u00g9"' <<<'{"text":"abc"}'
	assert_status 2
	assert_stderr <<-'EOF'
	dm-filter: expression:1:10: invalid \u escape
	  text == "\u00g9"
	           ^
	EOF
}

@test "unbalanced parentheses are errors" {
	run_split dm-filter 'words > 1 && (len > 2' <<<'{"text":"abc"}'
	assert_status 2
	assert_output ''
	assert_stderr <<-'EOF'
	dm-filter: expression:1:22: expected ')' to close the '(' at column 14
	  words > 1 && (len > 2
	                       ^
	EOF
	run_split dm-filter 'len > 1)' <<<'{"text":"abc"}'
	assert_status 2
	assert_stderr <<-'EOF'
	dm-filter: expression:1:8: unexpected ')'
	  len > 1)
	         ^
	EOF
}

@test "an unknown function is an error, with a suggestion when one is close" {
	run_split dm-filter 'lenn(text) > 1' <<<'{"text":"abc"}'
	assert_status 2
	assert_output ''
	assert_stderr <<-'EOF'
	dm-filter: expression:1:1: unknown function 'lenn'; did you mean 'len'?
	  lenn(text) > 1
	  ^
	EOF
	run_split dm-filter 'len > 1 && lowr(text) == "a"' <<<'{"text":"abc"}'
	assert_status 2
	assert_stderr <<-'EOF'
	dm-filter: expression:1:12: unknown function 'lowr'; did you mean 'lower'?
	  len > 1 && lowr(text) == "a"
	             ^
	EOF
}

@test "a predicate that does not exist is an error" {
	run_split dm-filter 'zzyzx()' <<<'{"text":"abc"}'
	assert_status 2
	assert_output ''
	assert_stderr <<-'EOF'
	dm-filter: expression:1:1: unknown function 'zzyzx'
	  zzyzx()
	  ^
	EOF
}

@test "an operator that is not a filter is no predicate" {
	run_split dm-filter 'len > 1 && upper()' <<<'{"text":"abc"}'
	assert_status 2
	assert_output ''
	assert_stderr <<-'EOF'
	dm-filter: expression:1:12: 'upper' is a map operator, not a predicate
	  len > 1 && upper()
	             ^
	EOF
}

@test "comparisons do not chain" {
	run_split dm-filter '1 < 2 < 3' <<<'{"text":"abc"}'
	assert_status 2
	assert_output ''
	assert_stderr <<-'EOF'
	dm-filter: expression:1:7: comparisons do not chain; use && or parentheses
	  1 < 2 < 3
	        ^
	EOF
	run_split dm-filter 'a == b != c' <<<'{"text":"abc"}'
	assert_status 2
	assert_stderr <<-'EOF'
	dm-filter: expression:1:8: comparisons do not chain; use && or parentheses
	  a == b != c
	         ^
	EOF
	truth '(1 < 2) == true'
	assert_output true
}

@test "a dot alone, or a dot with no name after it, is an error" {
	run_split dm-filter '.' <<<'{"text":"abc"}'
	assert_status 2
	assert_output ''
	assert_stderr <<-'EOF'
	dm-filter: expression:1:2: expected a field name after '.'
	  .
	   ^
	EOF
	run_split dm-filter 'meta. == 1' <<<'{"text":"abc"}'
	assert_status 2
	assert_stderr <<-'EOF'
	dm-filter: expression:1:7: expected a field name after '.'
	  meta. == 1
	        ^
	EOF
}

@test "a bad index is an error" {
	run_split dm-filter 'tags[x] == 1' <<<'{"text":"abc"}'
	assert_status 2
	assert_output ''
	assert_stderr <<-'EOF'
	dm-filter: expression:1:6: expected an index or a quoted key inside '[ ]'
	  tags[x] == 1
	       ^
	EOF
	run_split dm-filter 'tags[1 == 1' <<<'{"text":"abc"}'
	assert_status 2
	assert_stderr <<-'EOF'
	dm-filter: expression:1:8: expected ']'
	  tags[1 == 1
	         ^
	EOF
}

@test "a stray token is an error naming it" {
	run_split dm-filter 'len > 1 words' <<<'{"text":"abc"}'
	assert_status 2
	assert_output ''
	assert_stderr <<-'EOF'
	dm-filter: expression:1:9: unexpected 'words'
	  len > 1 words
	          ^
	EOF
	run_split dm-filter 'len @ 3' <<<'{"text":"abc"}'
	assert_status 2
	assert_stderr <<-'EOF'
	dm-filter: expression:1:5: unexpected '@'
	  len @ 3
	      ^
	EOF
}

@test "a non-ASCII character where a value belongs is named whole" {
	run_split dm-filter 'é > 1' <<<'{"text":"abc"}'
	assert_status 2
	assert_output ''
	assert_stderr <<-'EOF'
	dm-filter: expression:1:1: expected a value, not 'é'
	  é > 1
	  ^
	EOF
}

@test "the column counts bytes, as every dm message does; the caret characters" {
	run_split dm-filter 'meta.t == "été" &&' <<<'{"text":"abc"}'
	assert_status 2
	assert_stderr <<-'EOF'
	dm-filter: expression:1:21: expected a value after '&&'
	  meta.t == "été" &&
	                    ^
	EOF
}

@test "a function called with the wrong arguments is an error" {
	run_split dm-filter 'has(1)' <<<'{"text":"abc"}'
	assert_status 2
	assert_output ''
	assert_stderr <<-'EOF'
	dm-filter: expression:1:1: has() takes a field path
	  has(1)
	  ^
	EOF
	run_split dm-filter 'len(a, b) > 1' <<<'{"text":"abc"}'
	assert_status 2
	assert_stderr <<-'EOF'
	dm-filter: expression:1:1: len() takes 1 argument
	  len(a, b) > 1
	  ^
	EOF
	run_split dm-filter 'startswith()' <<<'{"text":"abc"}'
	assert_status 2
	assert_stderr <<-'EOF'
	dm-filter: expression:1:1: startswith() takes 2 arguments
	  startswith()
	  ^
	EOF
	run_split dm-filter 'lower(x=1) == "a"' <<<'{"text":"abc"}'
	assert_status 2
	assert_stderr <<-'EOF'
	dm-filter: expression:1:7: lower() takes no named arguments
	  lower(x=1) == "a"
	        ^
	EOF
}

@test "a statistic called with the wrong argument is an error" {
	run_split dm-filter 'bytes(1) > 1' <<<'{"text":"abc"}'
	assert_status 2
	assert_output ''
	assert_stderr <<-'EOF'
	dm-filter: expression:1:1: bytes takes no argument
	  bytes(1) > 1
	  ^
	EOF
	run_split dm-filter 'char_rep("x") > 1' <<<'{"text":"abc"}'
	assert_status 2
	assert_stderr <<-'EOF'
	dm-filter: expression:1:10: char_rep needs an integer literal
	  char_rep("x") > 1
	           ^
	EOF
	run_split dm-filter 'char_rep(1, 2) > 1' <<<'{"text":"abc"}'
	assert_status 2
	assert_stderr <<-'EOF'
	dm-filter: expression:1:1: char_rep takes one argument
	  char_rep(1, 2) > 1
	  ^
	EOF
}

@test "a statistic argument out of range is an error at the argument" {
	run_split dm-filter 'len > 1 && char_rep(0) < 0.5' <<<'{"text":"abc"}'
	assert_status 2
	assert_output ''
	assert_stderr <<-'EOF'
	dm-filter: expression:1:21: char_rep: the n-gram length must be an integer from 1 to 1000000, not '0'
	  len > 1 && char_rep(0) < 0.5
	                      ^
	EOF
}

@test "an expression error is reported before any input is read" {
	run_split dm-filter 'len >' nosuch.jsonl
	assert_status 2
	assert_output ''
	assert_stderr <<-'EOF'
	dm-filter: expression:1:6: expected a value after '>'
	  len >
	       ^
	EOF
}

# ---- nesting and long chains ----

# deep N PREFIX SUFFIX MIDDLE: PREFIX N times, MIDDLE, SUFFIX N times.
deep() {
	/usr/bin/python3 -c 'import sys; n = int(sys.argv[1]); print(sys.argv[2] * n + sys.argv[4] + sys.argv[3] * n)' "$@"
}

@test "takes 256 nested parentheses and refuses 257 with a message" {
	deep 256 "(" ")" "len" >ok.ex
	run_split dm-filter -f ok.ex <<< '{"text":"x"}'
	assert_success
	assert_output '{"text":"x"}'
	deep 10000 '(' ')' '1' >deep.ex
	run_split dm-filter -f deep.ex <<< '{"text":"x"}'
	assert_status 2
	assert_output ''
	[ "${stderr%%$'\n'*}" = "dm-filter: deep.ex:1:258: nesting deeper than 256 levels (parentheses, brackets, calls, ! and -)" ]
}

@test "refuses 100000 ! or - and nested calls with a message, not a crash" {
	deep 100000 '!' '' 'true' >not.ex
	deep 100000 '-' '' '1 == 1' >neg.ex
	deep 10000 'len(' ')' '' >len.ex
	deep 10000 '[' ']' '' >list.ex
	# the column of the first level too many
	for f in not:257 neg:257 len:1029 list:258; do
		run_split dm-filter -f ${f%:*}.ex <<< '{"text":"x"}'
		assert_status 2
		[ "${stderr%%$'\n'*}" = "dm-filter: ${f%:*}.ex:1:${f#*:}: nesting deeper than 256 levels (parentheses, brackets, calls, ! and -)" ]
	done
}

@test "evaluates flat chains of 100000 terms" {
	/usr/bin/python3 -c 'print(" && ".join(["len == 1"] * 100000))' >and.ex
	/usr/bin/python3 -c 'print(" || ".join(["len == 2"] * 100000) + " || len == 1")' >or.ex
	/usr/bin/python3 -c 'print("+".join(["1"] * 100000) + " == 100000")' >sum.ex
	/usr/bin/python3 -c 'print("-".join(["1"] * 100000) + " == -99998")' >diff.ex
	for f in and or sum diff; do
		run_split dm-filter -f $f.ex <<< '{"text":"x"}'
		assert_success
		assert_output '{"text":"x"}'
	done
}

@test "chains keep left-to-right order and short-circuits" {
	run dm-filter '10 - 4 - 3 == 3 && 2 * 3 % 4 == 2 && 1 / 2 / 2 == 0.25' <<< '{"text":"x"}'
	assert_output '{"text":"x"}'
	run dm-filter --mark m 'len == 2 && gopher() && c4()' <<< '{"text":"x"}'
	assert_output '{"text":"x","m":false}'
}

@test "suggests && and || for the words and and or" {
	run_split dm-filter 'words >= 5 and x' <<< '{"text":"x"}'
	assert_status 2
	assert_stderr "dm-filter: expression:1:12: unexpected 'and'; did you mean '&&'?
  words >= 5 and x
             ^"
	run_split dm-filter 'words >= 5 or x' <<< '{"text":"x"}'
	assert_status 2
	[ "${stderr%%$'\n'*}" = "dm-filter: expression:1:12: unexpected 'or'; did you mean '||'?" ]
}

@test "suggests == for =, and >=, <= and != for the signs of mathematics" {
	run_split dm-filter 'meta.lang = "en"' <<< '{"text":"x"}'
	assert_status 2
	assert_stderr "dm-filter: expression:1:11: unexpected '='; did you mean '=='?
  meta.lang = \"en\"
            ^"
	for s in '≥:>=' '≤:<=' '≠:!='; do
		run_split dm-filter "words ${s%%:*} 5" <<< '{"text":"x"}'
		assert_status 2
		[ "${stderr%%$'\n'*}" = "dm-filter: expression:1:7: unexpected '${s%%:*}'; did you mean '${s#*:}'?" ]
	done
}

@test "suggests the parameter whose name holds the words given" {
	run_split dm-filter 'gopher(min_words=10)' <<< '{"text":"x"}'
	assert_status 2
	[ "${stderr%%$'\n'*}" = "dm-filter: expression:1:8: operator 'gopher' has no parameter 'min_words'; did you mean 'min_doc_words'?" ]
	run_split dm-filter 'gopher(min_avg_word=1)' <<< '{"text":"x"}'
	[ "${stderr%%$'\n'*}" = "dm-filter: expression:1:8: operator 'gopher' has no parameter 'min_avg_word'; did you mean 'min_avg_word_length'?" ]
	run_split dm-filter 'gopher(min_doc_wrds=1)' <<< '{"text":"x"}'
	[ "${stderr%%$'\n'*}" = "dm-filter: expression:1:8: operator 'gopher' has no parameter 'min_doc_wrds'; did you mean 'min_doc_words'?" ]
}

@test "a 20 MB line kept as it came is written from where it was read, not copied" {
	local m
	skip_asan "its shadow memory and quarantine of freed blocks are in the RSS"
	/usr/bin/python3 -c '
import sys
w = ("lorem ipsum dolor sit amet consectetur. " * 520000)[:20000000]
sys.stdout.write("{\"text\":\"" + w + "\"}\n")' >big.jsonl
	/usr/bin/time -f %M -o rss dm-filter 'len > 10' big.jsonl >out
	cmp out big.jsonl
	m=$(cat rss)
	echo "dm-filter: $m kB"
	[ "$m" -lt 32000 ]
}

@test "integer arithmetic gives no negative zero; a real keeps it" {
	run_split dm-map 'set a=-4%2 b=-z c=str(-4%2) d=0*-1 x=-0 r=-0.0 s=str(0.0*-1)' <<< '{"z":0}'
	assert_success
	assert_output '{"z":0,"a":0,"b":0,"c":"0","d":0,"x":0,"r":-0.0,"s":"-0.0"}'
}

@test "integers beyond 2^53 are reals, told by their digits and by exact arithmetic" {
	run_split dm-map 'set a=9007199254740993 b=4503599627370497+4503599627370496 c=9007199254740993-2 d=str(9007199254740993) e=9007199254740992 f=4503599627370496+4503599627370496 g=-9007199254740992-1 h=big+0 i=94906267*94906267 j=str(94906265*94906265)' <<< '{"big":9007199254740993}'
	assert_success
	assert_output '{"big":9007199254740993,"a":9007199254740992.0,"b":9007199254740992.0,"c":9007199254740990.0,"d":"9007199254740992.0","e":9007199254740992,"f":9007199254740992,"g":-9007199254740992.0,"h":9007199254740992.0,"i":9007199515875288.0,"j":"9007199136250225"}'
}

@test "numbers are decimal: hexadecimal is an error at its column" {
	run_split dm-filter 'n == 0x10 && n == 0x1p4' <<< '{"n":16}'
	assert_status 2
	assert_output ''
	assert_stderr <<-'EOF'
	dm-filter: expression:1:6: not a decimal number
	  n == 0x10 && n == 0x1p4
	       ^
	EOF
	run_split dm-map 'set a=1+0X1' <<< '{}'
	assert_status 2
	[ "${stderr%%$'\n'*}" = "dm-map: script:1:9: set: not a decimal number" ]
	run_split dm-map 'set a=1e3 b=.5 c=1.e1 d=2E-1' <<< '{}'
	assert_output '{"a":1000.0,"b":0.5,"c":10.0,"d":0.2}'
}

@test "arrays and objects holding 1 and 1.0 are equal, in ==, != and in" {
	run_split dm-map 'set r1="a==b" r2="a==[1.0,2]" r3="[1] == [1.0]" r4="[1.0,2] in [a]" r5="a != b" r6="o == p"' \
	    <<< '{"a":[1,2],"b":[1.0,2],"o":{"x":[1],"y":2},"p":{"y":2.0,"x":[1e0]}}'
	assert_success
	assert_output '{"a":[1,2],"b":[1.0,2],"o":{"x":[1],"y":2},"p":{"y":2.0,"x":[1e0]},"r1":true,"r2":true,"r3":true,"r4":true,"r5":false,"r6":true}'
	run_split dm-map 'set r1="o == q" r2="[1] == [1, 1]"' <<< '{"o":{"x":1},"q":{"x":1,"y":1}}'
	assert_output '{"o":{"x":1},"q":{"x":1,"y":1},"r1":false,"r2":false}'
}

@test "str() of an array or object writes its strings the same whatever their escapes" {
	run_split dm-map 'set eq="a==b" seq="str(a)==str(b)" sa=str(a) sb=str(b) so=str(o)' <<< '{"a":["\u00e9","\nA\/"],"b":["é","\nA/"],"o":{"k\u00e9":1.50}}'
	assert_success
	assert_output '{"a":["\u00e9","\nA\/"],"b":["é","\nA/"],"o":{"k\u00e9":1.50},"eq":true,"seq":true,"sa":"[\"é\",\"\\nA/\"]","sb":"[\"é\",\"\\nA/\"]","so":"{\"ké\":1.50}"}'
}

@test "a misspelt predicate is suggested as it is written, with underscores" {
	run_split dm-filter 'gopher_rp()' <<< '{"text":"x"}'
	assert_status 2
	[ "${stderr%%$'\n'*}" = "dm-filter: expression:1:1: unknown function 'gopher_rp'; did you mean 'gopher_rep'?" ]
	# compared as written too: the '_' of cj_rpeat is no edit away
	# from cjk_repeat's (two edits, the most for 8 characters)
	run_split dm-filter 'cj_rpeat()' <<< '{"text":"x"}'
	assert_status 2
	[ "${stderr%%$'\n'*}" = "dm-filter: expression:1:1: unknown function 'cj_rpeat'; did you mean 'cjk_repeat'?" ]
	run_split dm-filter 'phrase_rpt()' <<< '{"text":"x"}'
	assert_status 2
	[ "${stderr%%$'\n'*}" = "dm-filter: expression:1:1: unknown function 'phrase_rpt'; did you mean 'phrase_repeat'?" ]
}

@test "an integer parameter of a predicate takes a decimal integer only" {
	local v
	for v in 1e3 1.0 2e0; do
		run_split dm-filter "gopher(min_doc_words=$v)" <<< '{"text":"a b"}'
		assert_status 2
		[ "${stderr%%$'\n'*}" = "dm-filter: expression:1:8: gopher: 'min_doc_words' needs an integer, not '$v'" ]
	done
	run_split dm-filter 'gopher(min_doc_words="5")' <<< '{"text":"a b"}'
	assert_status 2
	[ "${stderr%%$'\n'*}" = "dm-filter: expression:1:8: gopher: 'min_doc_words' needs an integer, not a string" ]
	run_split dm-filter 'gopher(0, "5")' <<< '{"text":"a b"}'
	assert_status 2
	[ "${stderr%%$'\n'*}" = "dm-filter: expression:1:11: gopher: 'max_doc_words' needs an integer, not a string" ]
	run_split dm-filter --count 'gopher(min_doc_words=2, max_doc_words=3)' <<< '{"text":"a b"}'
	assert_success
	assert_stderr 'dm-filter: kept 0 of 1 samples'
}

@test "str() of a number is Python's repr() of its value, not its spelling in the sample; inf and nan too" {
	printf '%s\n' '{"r":1E2,"h":1.50,"z":-0,"i":12,"n":-2.50e-3,"big":9007199254740993}' >in.jsonl
	run dm-map "set a='str(r)' b='str(h)' c='str(z)' d='str(i)' e='str(n)' f='str(big)' g='str(1e400)' h2='str(-1e400)' k='str(float(\"nan\"))' l='str(0.1 + 0.2)' m='str(1e22)'" in.jsonl
	assert_success
	assert_output '{"r":1E2,"h":1.50,"z":-0,"i":12,"n":-2.50e-3,"big":9007199254740993,"a":"100.0","b":"1.5","c":"0","d":"12","e":"-0.0025","f":"9007199254740992.0","g":"inf","h2":"-inf","k":"nan","l":"0.30000000000000004","m":"1e+22"}'
	want=$(/usr/bin/python3 -c 'print(",".join(repr(x) for x in (1E2, 1.50, 0, 12, -2.50e-3, float(9007199254740993), float("inf"), float("-inf"), float("nan"), 0.1 + 0.2, 1e22)))')
	[ "$(jq -r '[.a,.b,.c,.d,.e,.f,.g,.h2,.k,.l,.m] | join(",")' <<<"$output")" = "$want" ]
	run dm-filter 'str(r) == "100.0"' in.jsonl
	assert_output "$(cat in.jsonl)"
}

@test "% gives a zero the sign of the divisor, as Python; NaN is true, as Python's bool" {
	run dm-map "set a='str(-6.0 % 3)' b='str(6.0 % -3)' c='str(-0.0 % 5)' d='str(1e300 % -1)' e='str(-6 % 3)' f='str(7.5 % -2)'" <<<'{}'
	assert_success
	want=$(/usr/bin/python3 -c 'print(",".join(repr(x) for x in (-6.0 % 3, 6.0 % -3, -0.0 % 5, 1e300 % -1, -6 % 3, 7.5 % -2)))')
	[ "$(jq -r '[.a,.b,.c,.d,.e,.f] | join(",")' <<<"$output")" = "$want" ]
	run dm-filter 'float("nan")' <<<'{}'
	assert_output '{}'
	run dm-filter '!float("nan")' <<<'{}'
	assert_output ''
}

@test "integers beyond 2^53 are reals inside arrays as alone: [x] == [y] when x == y" {
	printf '%s\n' '{"x":9007199254740993,"y":9007199254740992,"t":[9007199254740993]}' >in.jsonl
	for e in 'x == y' '[x] == [y]' 'x in [y]' '[t[0]] == [9007199254740992]' 't == [y]' \
	    't[0] == 9007199254740992'; do
		run dm-filter --mark m "$e" in.jsonl
		assert_success
		[ "$(jq -c .m <<<"$output")" = true ]
	done
}

@test "all_in compares integers beyond 64 bits and numbers beyond a real as Python does; == of arrays holding 1e400 is no error" {
	printf '%s\n' '{"h":18446744073709551615,"p":18446744073709551616,"big":1e400,"arr":[1e400,2]}' >in.jsonl
	# as json.loads and Python's == take them
	for e in 'all_in(h, [18446744073709551614])' 'all_in(h, [18446744073709551615])' \
	    'all_in(h, [1.8446744073709552e19])' 'all_in(p, [1.8446744073709552e19])' \
	    'all_in(big, [1])' 'all_in(big, [1e400])' 'all_in(arr, [1e400, 2])' 'all_in(arr, [2])'; do
		run_split dm-filter --mark m "$e" in.jsonl
		assert_status 0
		assert_stderr ''
		printf '%s %s\n' "$e" "$(jq -c .m <<<"$output")"
	done >got
	/usr/bin/python3 - >want <<'EOF'
import json
s = json.loads(open("in.jsonl").readline())
h, p, big, arr = s["h"], s["p"], s["big"], s["arr"]
def all_in(x, t):
    return all(v in t for v in (x if isinstance(x, list) else [x]))
inf = float("inf")
for e, r in [
    ("all_in(h, [18446744073709551614])", all_in(h, [18446744073709551614])),
    ("all_in(h, [18446744073709551615])", all_in(h, [18446744073709551615])),
    ("all_in(h, [1.8446744073709552e19])", all_in(h, [1.8446744073709552e19])),
    ("all_in(p, [1.8446744073709552e19])", all_in(p, [1.8446744073709552e19])),
    ("all_in(big, [1])", all_in(big, [1])),
    ("all_in(big, [1e400])", all_in(big, [inf])),
    ("all_in(arr, [1e400, 2])", all_in(arr, [inf, 2])),
    ("all_in(arr, [2])", all_in(arr, [2]))]:
    print(e, json.dumps(r))
EOF
	assert_file got "$(cat want)"
	# == of arrays as numbers alone: 1e400 is infinity, no bad sample
	for e in 'arr == [big, 2]' '[big] == [1e400]' '!(arr == [1e400])' '!(arr == [2, 1e400])'; do
		run_split dm-filter "$e" in.jsonl
		assert_status 0
		assert_stderr ''
		assert_output "$(cat in.jsonl)"
	done
}

@test "objects whose keys hold a NUL byte are compared by their whole keys, in == and all_in" {
	printf '%s\n' '{"o":{"a\u0000b":1,"a":2},"p":{"a":2,"a\u0000b":1.0},"q":{"a\u0000c":1,"a":2}}' >in.jsonl
	for e in 'o == p' 'all_in(o, [p])' '!(o == q)' '!all_in(o, [q])'; do
		run_split dm-filter "$e" in.jsonl
		assert_status 0
		assert_stderr ''
		assert_output "$(cat in.jsonl)"
	done
}

@test "the field warning counts the samples that looked the field up, which || and && may skip" {
	printf '%s\n' '{"k":1,"z":5}' '{"k":0}' '{"k":1}' >in.jsonl
	run_split dm-filter 'k == 1 || z == 5' in.jsonl
	assert_success
	assert_stderr "dm-filter: field 'z' was not in the one sample that looked for it"
	printf '%s\n' '{"k":0}' '{"k":0}' >in2.jsonl
	run_split dm-filter 'k == 1 || z == 5' in2.jsonl
	assert_status 0
	assert_stderr "dm-filter: field 'z' was in none of the 2 samples that looked for it"
}

@test "an empty array and a call without arguments are nesting levels too" {
	# the 257th level is the innermost [ or lower(
	printf '%s%s\n' "$(printf '[%.0s' $(seq 257))" "$(printf ']%.0s' $(seq 257))" >deep.ex
	printf '%s%s\n' "$(printf 'lower(%.0s' $(seq 257))" "$(printf ')%.0s' $(seq 257))" >call.ex
	for f in deep.ex:257 call.ex:1537; do
		run_split dm-filter -f "${f%:*}" <<<'{"text":"X"}'
		assert_status 2
		[ "${stderr%%$'\n'*}" = "dm-filter: ${f%:*}:1:${f#*:}: nesting deeper than 256 levels (parentheses, brackets, calls, ! and -)" ]
	done
	# one level less is read
	run dm-filter "$(printf '[%.0s' $(seq 256))$(printf ']%.0s' $(seq 256))" <<<'{}'
	assert_success
	assert_output '{}'
	run dm-filter "$(printf 'lower(%.0s' $(seq 256))$(printf ')%.0s' $(seq 256)) == \"x\"" <<<'{"text":"X"}'
	assert_success
	assert_output '{"text":"X"}'
}

@test "the caret stands under the column as a terminal shows the line: two columns for a wide character, none for a combining mark" {
	run_split dm-filter '.["中文"] + 1 == 2' <<<'{"中文":"a"}'
	assert_success
	assert_stderr $'dm-filter: <stdin>:1: expression:1:13: arithmetic on a string and a number\n  .["中文"] + 1 == 2\n            ^'
	run_split dm-filter $'"e\xcc\x81" + 1 == 2' <<<'{}'
	assert_stderr $'dm-filter: <stdin>:1: expression:1:7: arithmetic on a string and a number\n  "e\xcc\x81" + 1 == 2\n      ^'
}

@test "a missing field under --strict names its place in the expression" {
	printf '%s\n' '{"text":"abc"}' >in.jsonl
	printf 'len > 1 &&\n  meta.x > 1\n' >r.dmf
	run_split dm-filter --strict -f r.dmf in.jsonl
	assert_status 2
	assert_output ''
	assert_stderr "dm-filter: in.jsonl:1: r.dmf:2:3: field 'meta.x' is missing"
}

@test "lang(\"en\\u0000x\") is the probability of no label, not of en" {
	printf '%s\n' '{"text":"The quick brown fox jumps over the lazy dog and runs away into the forest."}' >in.jsonl
	run dm-filter 'lang("en\u0000x") == 0 && lang("en") > 0.5' in.jsonl
	assert_success
	assert_output "$(cat in.jsonl)"
}

@test "names the first 20 fields that no sample had and counts the others, soon for 50,000" {
	printf '{"text":"a"}\n' >in.jsonl
	/usr/bin/python3 -c 'print(" || ".join("f%d == 1" % i for i in range(50000)))' >r.dmf
	SECONDS=0
	run_split dm-filter -f r.dmf in.jsonl
	assert_success
	assert_output ''
	[ "$SECONDS" -lt 10 ]
	assert_stderr "$(for i in $(seq 0 19); do echo "dm-filter: field 'f$i' was not in the one sample that looked for it"; done)
dm-filter: and 49980 more fields that no sample had"
}
