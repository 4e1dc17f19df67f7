#!/usr/bin/env bats
# script.bats - dm-map's script language: separators, quoting, comments,
# positional values, and every error message with its caret

load helper

# m SCRIPT [OPTIONS...]: the output of dm-map [OPTIONS...] SCRIPT on one
# sample whose text is $IN; no SCRIPT operand when SCRIPT is empty.
IN='  Call 555-1234; or "x"  '
m() {
	local script=$1
	shift
	if [ -n "$script" ]; then set -- "$@" "$script"; fi
	printf '{"text":%s}\n' "$(jq -n --arg t "$IN" '$t')" | dm-map "$@"
}

@test "';' separates operators" {
	run m 'strip;upper ; truncate 4'
	assert_success
	assert_output '{"text":"CALL"}'
}

@test "newlines separate operators" {
	run m $'strip\nupper\n\ntruncate max=4\n'
	assert_success
	assert_output '{"text":"CALL"}'
}

@test "empty statements and a trailing ';' are fine" {
	run m ';; strip ;;; upper;'
	assert_success
	assert_output '{"text":"CALL 555-1234; OR \"X\""}'
}

@test "operators run in order" {
	run m 'truncate 6; strip'
	assert_success
	assert_output '{"text":"Call"}'
	run m 'strip; truncate 6'
	assert_output '{"text":"Call 5"}'
}

@test "-e scripts are joined in order" {
	run bash -c 'printf "{\"text\":\" ab \"}\n" | dm-map -e strip -e "upper; truncate 1"'
	assert_success
	assert_output '{"text":"A"}'
}

@test "'#' starts a comment to the end of the line" {
	run m $'strip # upper; truncate 1\nlower#comment'
	assert_success
	assert_output '{"text":"call 555-1234; or \"x\""}'
}

@test "-f reads a script file with comments and blank lines" {
	cat >recipe.dm <<-'EOF'
	# tidy.dm - a recipe

	strip   # both ends
	replace pattern='\d{3}-\d{4}' repl="<tel>"   # phone numbers
	upper; truncate max=9
	EOF
	run m '' -f recipe.dm
	assert_success
	assert_output '{"text":"CALL <TEL"}'
}

@test "-f accepts CRLF line endings" {
	printf 'strip\r\nupper\r\n' >crlf.dm
	run m '' -f crlf.dm
	assert_success
	assert_output '{"text":"CALL 555-1234; OR \"X\""}'
}

@test "double quotes keep spaces and ';' in a value" {
	run m 'replace pattern="Call 555" repl="a; b"; strip'
	assert_success
	assert_output '{"text":"a; b-1234; or \"x\""}'
}

@test "single quotes keep spaces and ';' in a value" {
	run m "replace pattern='Call 555' repl='a; b'; strip"
	assert_success
	assert_output '{"text":"a; b-1234; or \"x\""}'
}

@test "inside double quotes only \\\" and \\\\ are escapes" {
	run m 'replace pattern="\d{3}-\d{4}" repl="<tel>"; strip'
	assert_success
	assert_output '{"text":"Call <tel>; or \"x\""}'
	run m 'replace pattern="\"x\"" repl="\\"; strip'
	assert_success
	assert_output '{"text":"Call 555-1234; or \\"}'
}

@test "single quotes are literal" {
	run m "replace pattern='\"x\"' repl='\\\\n'; strip"
	assert_success
	assert_output '{"text":"Call 555-1234; or \\\\n"}'
}

@test "a backslash outside quotes is an ordinary character" {
	run m 'replace pattern=\d+ repl=N; strip'
	assert_success
	assert_output '{"text":"Call N-N; or \"x\""}'
}

@test "'#' in a bare value starts a comment; quoted it does not" {
	run m 'replace pattern=\d+ repl=#; strip'
	assert_success
	assert_output '{"text":"  Call -; or \"x\"  "}'
	run m 'replace pattern=\d+ repl="#"; strip'
	assert_output '{"text":"Call #-#; or \"x\""}'
}

@test "quoted and bare parts of a word join" {
	run m "replace pattern=Ca'll 5'55 repl=\"[\"']'; strip"
	assert_success
	assert_output '{"text":"[]-1234; or \"x\""}'
}

@test "a value may contain '='; a quoted '=' does not split" {
	run m 'replace pattern=Call repl==; strip'
	assert_success
	assert_output '{"text":"= 555-1234; or \"x\""}'
	run m 'replace "Call" "k=v"; strip'
	assert_success
	assert_output '{"text":"k=v 555-1234; or \"x\""}'
}

@test "an empty value is allowed" {
	run m "replace pattern='Call ' repl=; strip"
	assert_success
	assert_output '{"text":"555-1234; or \"x\""}'
}

@test "bare values fill the parameters in order" {
	run m 'strip; truncate 4'
	assert_success
	assert_output '{"text":"Call"}'
	run m 'replace "\d" "#"; strip'
	assert_output '{"text":"Call ###-####; or \"x\""}'
}

@test "a bare value fills the first parameter not given by name" {
	run m 'replace repl="#" "\d"; strip'
	assert_success
	assert_output '{"text":"Call ###-####; or \"x\""}'
}

@test "a parameter's default applies when it is not given" {
	run m 'replace "\d"; strip'
	assert_success
	assert_output '{"text":"Call -; or \"x\""}'
}

@test "a sample operator sees the text of the text operators before it" {
	run m 'strip; upper; rename from=text to=t; rename from=t to=text; lower'
	assert_success
	assert_output '{"text":"call 555-1234; or \"x\""}'
}

@test "a text operator reads the field a sample operator made" {
	run bash -c 'printf "{\"body\":\"ab\"}\n" | dm-map "rename from=body to=text; upper"'
	assert_success
	assert_output '{"text":"AB"}'
}

@test "a chain of sample operators does not need the text field" {
	run bash -c 'printf "{\"id\":1}\n" | dm-map "rename from=id to=n"'
	assert_success
	assert_output '{"n":1}'
}

@test "a sample no operator changes is written as it came" {
	run bash -c 'printf "{ \"text\" : \"abc\",\"n\":1.50 }\n" | dm-map "strip; lower; truncate 5"'
	assert_success
	assert_output '{ "text" : "abc","n":1.50 }'
}

@test "a missing text field rejects the sample" {
	run_split bash -c 'printf "{\"id\":1}\n" | dm-map "strip"'
	assert_status 2
	assert_stderr "dm-map: <stdin>:1: field 'text' is missing"
}

@test "an operator's run-time error names the operator" {
	run_split bash -c 'printf "{\"text\":\"a\",\"m\":1}\n" | dm-map "upper; hash field=m.x"'
	assert_status 2
	assert_output ''
	[[ $stderr == "dm-map: <stdin>:1: hash: "?* ]]
}

# err SCRIPT: runs dm-map SCRIPT on no input; status and stderr are kept.
err() {
	run_split dm-map "$@" </dev/null
	assert_status 2
	assert_output ''
}

@test "an unknown operator is an error with a suggestion and a caret" {
	err 'strip; lowr'
	assert_stderr "dm-map: script:1:8: unknown operator 'lowr'; did you mean 'lower'?
  strip; lowr
         ^"
}

@test "an unknown operator far from any name gets no suggestion" {
	err 'zzzzzz'
	assert_stderr "dm-map: script:1:1: unknown operator 'zzzzzz'
  zzzzzz
  ^"
}

@test "an unknown parameter is an error with a suggestion" {
	err 'truncate mx=3'
	assert_stderr "dm-map: script:1:10: operator 'truncate' has no parameter 'mx'; did you mean 'max'?
  truncate mx=3
           ^"
	err 'lower zzz=1'
	assert_stderr "dm-map: script:1:7: operator 'lower' has no parameter 'zzz'
  lower zzz=1
        ^"
}

@test "a value that is not an integer is an error at the value" {
	err 'truncate max=abc'
	assert_stderr "dm-map: script:1:14: truncate: 'max' needs an integer, not 'abc'
  truncate max=abc
               ^"
	err 'truncate 1.5'
	assert_stderr "dm-map: script:1:10: truncate: 'max' needs an integer, not '1.5'
  truncate 1.5
           ^"
}

@test "an integer out of bounds is an error" {
	err 'truncate max=-1'
	assert_stderr "dm-map: script:1:14: truncate: 'max' must be at least 0, not '-1'
  truncate max=-1
               ^"
}

@test "an integer beyond 64 bits is out of range, not below a bound" {
	err 'truncate 99999999999999999999'
	assert_stderr "dm-map: script:1:10: truncate: 'max' is out of range, not '99999999999999999999'
  truncate 99999999999999999999
           ^"
}

@test "an enum value outside its choices is an error" {
	err 'hash algo=crc32'
	assert_stderr "dm-map: script:1:11: hash: 'algo' must be one of md5, sha256, xxh64, not 'crc32'
  hash algo=crc32
            ^"
	err 'hash algo=MD5'
	assert_stderr "dm-map: script:1:11: hash: 'algo' must be one of md5, sha256, xxh64, not 'MD5'
  hash algo=MD5
            ^"
}

@test "a regular expression that does not compile is an error at the value" {
	err 'strip; replace pattern="(abc" repl=x'
	assert_stderr "dm-map: script:1:29: replace: 'pattern': missing closing parenthesis at offset 4
  strip; replace pattern=\"(abc\" repl=x
                              ^"
}

@test "a missing required parameter is an error at the operator" {
	err 'strip; truncate'
	assert_stderr "dm-map: script:1:8: truncate: missing required parameter 'max'
  strip; truncate
         ^"
}

@test "an unterminated quote is an error at the quote" {
	err "replace pattern='abc"
	assert_stderr "dm-map: script:1:17: unterminated quote
  replace pattern='abc
                  ^"
	err 'replace "a\"'
	assert_stderr "dm-map: script:1:9: unterminated quote
  replace \"a\\\"
          ^"
}

@test "a bare value with no parameter left to fill is an error" {
	err 'truncate 1 2'
	assert_stderr "dm-map: script:1:12: expected key=value, got '2'
  truncate 1 2
             ^"
	err "lower 'a b'"
	assert_stderr "dm-map: script:1:7: expected key=value, got ''a b''
  lower 'a b'
        ^"
	err 'lower =x'
	assert_stderr "dm-map: script:1:7: expected key=value, got '=x'
  lower =x
        ^"
}

@test "a parameter given twice is an error" {
	err 'truncate 1 max=2'
	assert_stderr "dm-map: script:1:12: truncate: 'max' is given twice
  truncate 1 max=2
             ^"
}

@test "a word that is not a name where an operator is expected is an error" {
	err 'strip; max=3'
	assert_stderr "dm-map: script:1:8: expected an operator name, got 'max=3'
  strip; max=3
         ^"
}

@test "an empty script is an error" {
	err ''
	assert_stderr 'dm-map: script:1:1: empty script'
	err ' ; # nothing'
	assert_stderr 'dm-map: script:1:1: empty script'
	err -e strip -e ''
	assert_stderr 'dm-map: script:1:1: empty script'
}

@test "errors on later lines give the line and show that line" {
	err $'strip\nupper; truncate mx=1\nlower'
	assert_stderr "dm-map: script:2:17: operator 'truncate' has no parameter 'mx'; did you mean 'max'?
  upper; truncate mx=1
                  ^"
}

@test "errors in -f files give the file name and its line" {
	printf '# recipe\nstrip\n\n  lowr  # typo\n' >recipe.dm
	err -f recipe.dm
	assert_stderr "dm-map: recipe.dm:4:3: unknown operator 'lowr'; did you mean 'lower'?
    lowr  # typo
    ^"
}

@test "each -e script is numbered from line 1" {
	err -e strip -e $'upper\nlowr'
	assert_stderr "dm-map: script:2:1: unknown operator 'lowr'; did you mean 'lower'?
  lowr
  ^"
}

@test "the caret stays under the column after tabs and non-ASCII text" {
	err $'\treplace\tpattern=\xc3\xa9 repl=x mx=1'
	assert_stderr "dm-map: script:1:28: operator 'replace' has no parameter 'mx'
  	replace	pattern=é repl=x mx=1
  	       	                 ^"
}

@test "an operator that fails to start is reported at its place" {
	err 'strip; rename from="" to=x'
	assert_stderr "dm-map: script:1:20: rename: 'from' needs a field name, not ''
  strip; rename from=\"\" to=x
                     ^"
	err 'rename from=text to='
	assert_stderr "dm-map: script:1:21: rename: 'to' needs a field name, not ''
  rename from=text to=
                      ^"
	err 'rename from=text to=.t'
	assert_stderr "dm-map: script:1:21: rename: 'to' needs a field name, not '.t'
  rename from=text to=.t
                      ^"
}

@test "an operator that fails to start over the value of a parameter is reported at the value" {
	err 'lower; stats names=,'
	assert_stderr "dm-map: script:1:20: stats: no statistic named in 'names'
  lower; stats names=,
                     ^"
}

# Reading a script is linear in its length: 200000 operators took minutes
# when each one's line and column were counted from the start.
@test "reads a script of 200000 operators" {
	/usr/bin/python3 -c 'print("lower;" * 200000)' >long.dm
	printf 'upper;\nlower; nosuch\n' >>long.dm
	run_split timeout 60 dm-map -f long.dm <<< '{"text":"X"}'
	assert_status 2
	[ "${stderr%%$'\n'*}" = "dm-map: long.dm:3:8: unknown operator 'nosuch'" ]
	head -n 1 long.dm >ok.dm
	run timeout 60 dm-map -f ok.dm <<< '{"text":"X"}'
	assert_success
	assert_output '{"text":"x"}'
}
