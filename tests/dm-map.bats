#!/usr/bin/env bats
# dm-map.bats - dm-map's own behaviour: where the script comes from, option
# order, --list-ops, the field operators rename, drop and keep, the form of
# changed samples, and chains. The rules shared by every tool are in
# common.bats; each text operator has its op-<name>.bats.

load helper

abc() {
	printf '{"a":1,"b":2,"c":3}\n' >abc.jsonl
}

# ---- the script ----

@test "-e scripts run in the order given" {
	abc
	run_split dm-map -e 'rename from=a to=x' -e 'drop x' abc.jsonl
	assert_success
	assert_stderr ''
	assert_output '{"b":2,"c":3}'
	run_split dm-map -e 'drop x' -e 'rename from=a to=x' abc.jsonl
	assert_success
	assert_output '{"x":1,"b":2,"c":3}'
}

@test "after -e every operand is a file, the first one too" {
	abc
	run_split dm-map -e 'drop a' 'drop b' abc.jsonl
	assert_status 2
	assert_output '{"b":2,"c":3}'
	assert_stderr "dm-map: drop b: No such file or directory"
	run_split dm-map -e 'drop a' <abc.jsonl
	assert_success
	assert_output '{"b":2,"c":3}'
}

@test "-f reads the operators from a file, # starting a comment" {
	abc
	run_split dm-map -f "$FIXTURES/drop-a-and-b.dm" abc.jsonl
	assert_success
	assert_stderr ''
	assert_output '{"c":3}'
	run_split dm-map --file "$FIXTURES/drop-a-and-b.dm" <abc.jsonl
	assert_success
	assert_output '{"c":3}'
}

@test "-f skips a byte order mark at the start of the script, where it was an unknown operator" {
	printf '\357\273\277lower;\n  nosuch\n' >s.dmm
	run_split dm-map -f s.dmm <<<'{"text":"AB"}'
	assert_status 2
	assert_stderr $'dm-map: s.dmm:2:3: unknown operator \'nosuch\'\n    nosuch\n    ^'
	printf '\357\273\277lower\n' >s.dmm
	run_split dm-map -f s.dmm <<<'{"text":"AB"}'
	assert_success
	assert_output '{"text":"ab"}'
}

@test "-h and -V say only what they say, whatever the -e and -f before them hold" {
	run_split dm-map -e lowr -f nosuch.dm -h
	assert_success
	assert_stderr ''
	[ "$output" = "$(dm-map --help)" ]
	run_split dm-map -e lowr -V
	assert_success
	assert_stderr ''
	[[ $output == "dm-map (dm) "* ]]
}

@test "-f and -e combine in the order given, and every operand is a file" {
	abc
	run_split dm-map -f "$FIXTURES/drop-a-and-b.dm" -e 'rename from=c to=a' abc.jsonl
	assert_success
	assert_stderr ''
	assert_output '{"a":3}'
	run_split dm-map -e 'rename from=c to=a' -f "$FIXTURES/drop-a-and-b.dm" abc.jsonl
	assert_success
	assert_output '{}'
	run_split dm-map -f "$FIXTURES/drop-a-and-b.dm" 'drop c' abc.jsonl
	assert_status 2
	assert_output '{"c":3}'
	assert_stderr "dm-map: drop c: No such file or directory"
}

@test "-f with an unreadable file exits 2 naming it, before reading input" {
	abc
	run_split dm-map -f nosuch.dm abc.jsonl
	assert_status 2
	assert_output ''
	assert_stderr "dm-map: nosuch.dm: No such file or directory"
}

@test "an error in a -f script points at its file, line and column" {
	abc
	printf '# two operators\ndrop a\n  uper\n' >bad.dm
	run_split dm-map -f bad.dm abc.jsonl
	assert_status 2
	assert_output ''
	assert_stderr <<-'EOF'
	dm-map: bad.dm:3:3: unknown operator 'uper'; did you mean 'upper'?
	    uper
	    ^
	EOF
}

@test "an error in the script points at its column" {
	abc
	run_split dm-map 'drop a; uper' abc.jsonl
	assert_status 2
	assert_output ''
	assert_stderr <<-'EOF'
	dm-map: script:1:9: unknown operator 'uper'; did you mean 'upper'?
	  drop a; uper
	          ^
	EOF
}

@test "a missing script is a usage error" {
	usage=$(usage_of dm-map)
	for args in '' '--on-error=skip -k body'; do
		run_split dm-map $args </dev/null
		assert_status 2
		assert_output ''
		assert_stderr "dm-map: missing SCRIPT"$'\n'"$usage"
	done
}

@test "a script the shell took apart gets a warning that shows it quoted" {
	printf '{"text":"Abcdef"}\n' >in.jsonl
	run_split dm-map truncate max=3 in.jsonl
	assert_status 2
	assert_stderr <<-'EOF'
	dm-map: script:1:1: truncate: missing required parameter 'max'
	  truncate
	  ^
	dm-map: warning: operand 'max=3' looks like part of the script; quote the whole script: dm-map 'truncate max=3'
	EOF
	run_split dm-map lower strip in.jsonl
	assert_status 2
	assert_stderr <<-'EOF'
	dm-map: warning: operand 'strip' looks like part of the script; quote the whole script: dm-map 'lower; strip'
	dm-map: strip: No such file or directory
	EOF
	# a file that is there, even named like an operator, is a file
	cp in.jsonl strip
	run_split dm-map lower strip
	assert_success
	assert_stderr ''
	assert_output '{"text":"abcdef"}'
}

@test "options after the script and the files are still options" {
	printf '{"a":1,"b":2}\n[1]\n{"a":3}\n' >in.jsonl
	run_split dm-map 'drop a' --on-error=skip in.jsonl
	assert_status 1
	assert_output $'{"b":2}\n{}'
	assert_stderr <<-EOF
	dm-map: in.jsonl:2: not a JSON object
	dm-map: 1 of 3 samples rejected
	EOF
	run_split dm-map 'drop a' in.jsonl --on-error=skip --rejects rej.jsonl
	assert_status 1
	assert_output $'{"b":2}\n{}'
	assert_bytes rej.jsonl '%s\n' \
	    '{"file":"in.jsonl","line":2,"reason":"not a JSON object","raw":"[1]"}'
}

@test "-- ends the options: a file may start with a dash" {
	abc
	cp abc.jsonl ./-abc.jsonl
	run_split dm-map 'drop a' -- -abc.jsonl
	assert_success
	assert_stderr ''
	assert_output '{"b":2,"c":3}'
}

# ---- --list-ops ----

@test "--list-ops lists every operator of ops/, sorted, with kind and summary" {
	run_split dm-map --list-ops
	assert_success
	assert_stderr ''
	want=$(cd "$DM_REPO/ops" && ls ./*.c | sed 's|^\./||; s|\.c$||' |
	    grep -vx ops | LC_ALL=C sort)
	[ "$(printf '%s\n' "$output" | awk '{ print $1 }')" = "$want" ]
	# the kinds: map operators and predicates (filter), nothing else
	[ "$(printf '%s\n' "$output" | awk '$2 != "map" && $2 != "filter"')" = '' ]
	[ "$(printf '%s\n' "$output" | awk '$2 == "filter" { print $1 }' | tr '\n' ' ')" = 'c4 cjk-repeat fineweb gopher gopher-rep phrase-repeat sensitive-words special-chars stripped-len ' ]
	squeezed=$(printf '%s\n' "$output" | tr -s ' ')
	[[ $'\n'$squeezed$'\n' == *$'\ndrop map remove fields from the sample\n'* ]]
	[[ $'\n'$squeezed$'\n' == *$'\nkeep map keep only the named fields, remove the others\n'* ]]
	[[ $'\n'$squeezed$'\n' == *$'\nrename map move a field to another name or path\n'* ]]
	# no script needed, and input is not read
	run_split dm-map --list-ops nosuch.jsonl
	assert_success
	assert_stderr ''
}

@test "--list-ops with a bad script given with -e or -f reports it and exits 2, listing nothing" {
	run_split dm-map --list-ops -e lowr
	assert_status 2
	assert_output ''
	assert_stderr "dm-map: script:1:1: unknown operator 'lowr'; did you mean 'lower'?
  lowr
  ^"
	printf 'strip\ntruncate nosuch=1\n' >bad.dm
	run_split dm-map -f bad.dm --list-ops --json
	assert_status 2
	assert_output ''
	[ -n "$stderr" ]
	# a good one is not run, and the list is the same as without it
	run_split dm-map --list-ops
	list=$output
	run_split dm-map -e lower --list-ops
	assert_success
	assert_stderr ''
	assert_output "$list"
}

@test "--list-ops --json lists the same operators with their parameters" {
	run_split dm-map --list-ops
	names=$(printf '%s\n' "$output" | awk '{ print $1 }')
	run_split dm-map --list-ops --json
	assert_success
	assert_stderr ''
	[ "$(jq -r '.[].name' <<<"$output")" = "$names" ]
	[ "$(jq -c '.[] | select(.name == "rename")' <<<"$output")" = \
	    '{"name":"rename","kind":"map","summary":"move a field to another name or path","params":[{"name":"from","type":"string","default":null,"help":"field to move (dotted path)","min":null,"max":null,"choices":null},{"name":"to","type":"string","default":null,"help":"its new name (dotted path)","min":null,"max":null,"choices":null}]}' ]
}

# ---- rename ----

@test "rename keeps a top-level field in its place" {
	run_split dm-map 'rename from=b to=z' <<<'{"a":1, "b" : [1, 2], "c":3}'
	assert_success
	assert_stderr ''
	assert_output '{"a":1,"z":[1,2],"c":3}'
}

@test "rename moves a nested field to the top level, at the end" {
	run_split dm-map 'rename from=meta.lang to=lang' \
	    <<<'{"text":"t","meta":{"lang":"en","src":"w"},"n":1}'
	assert_success
	assert_stderr ''
	assert_output '{"text":"t","meta":{"src":"w"},"n":1,"lang":"en"}'
}

@test "rename moves a top-level field into a nested object" {
	run_split dm-map 'rename from=n to=meta.n' \
	    <<<'{"text":"t","meta":{"lang":"en"},"n":1}'
	assert_success
	assert_output '{"text":"t","meta":{"lang":"en","n":1}}'
	run_split dm-map 'rename from=n to=new.n' <<<'{"text":"t","n":1}'
	assert_success
	assert_output '{"text":"t","new":{"n":1}}'
}

@test "rename of a missing field leaves the sample byte for byte" {
	printf '{"a" : 1, "n": [1.50, 1e5], "m":{"k":"\\u00e9"}}\n' >in.jsonl
	for script in 'rename from=x to=y' 'rename from=m.x to=y' \
	    'rename from=a.x to=y' 'rename from=x to=m.y'; do
		run_out out dm-map "$script" in.jsonl
		assert_success
		assert_stderr ''
		assert_same out in.jsonl
	done
}

@test "rename onto an existing name replaces it" {
	abc
	run_split dm-map 'rename from=a to=c' abc.jsonl
	assert_success
	assert_stderr ''
	assert_output '{"c":1,"b":2}'
	run_split dm-map 'rename from=a to=m.k' <<<'{"a":1,"m":{"k":0,"j":2}}'
	assert_success
	assert_output '{"m":{"k":1,"j":2}}'
}

@test "rename into a field that is not an object is a reject naming the operator" {
	printf '{"a":1,"b":2}\n{"a":3}\n' >in.jsonl
	run_split dm-map --on-error=skip 'rename from=a to=b.c' in.jsonl
	assert_status 1
	assert_output '{"b":{"c":3}}'
	assert_stderr <<-'EOF'
	dm-map: in.jsonl:1: rename: field 'b' is not an object
	dm-map: 1 of 2 samples rejected
	EOF
}

# ---- drop ----

@test "drop removes a list of fields" {
	abc
	for script in 'drop a,c' 'drop fields=a,c' 'drop a; drop c'; do
		run_split dm-map "$script" abc.jsonl
		assert_success
		assert_stderr ''
		assert_output '{"b":2}'
	done
}

@test "drop removes nested fields by dotted path" {
	run_split dm-map 'drop m.a,m.n.x' <<<'{"t":1,"m":{"a":1,"b":2,"n":{"x":1,"y":2}}}'
	assert_success
	assert_stderr ''
	assert_output '{"t":1,"m":{"b":2,"n":{"y":2}}}'
}

@test "drop of absent fields leaves the sample byte for byte" {
	printf '{"a" : 1, "n": [1.50, 1e5], "m":{"k":"\\u00e9"}}\n' >in.jsonl
	for script in 'drop x' 'drop x,y' 'drop m.x' 'drop a.x' 'drop n.x' 'drop m.k.x'; do
		run_out out dm-map "$script" in.jsonl
		assert_success
		assert_stderr ''
		assert_same out in.jsonl
	done
}

@test "untouched samples stay byte for byte among changed ones" {
	printf '%s\n' '{"x":1, "a": 1.50}' '{"a" : 1e5}' '{ "b":"\u00e9" }' \
	    '{"b": 2, "x": [ 1 ]}' >in.jsonl
	run_out out dm-map 'drop x' in.jsonl
	assert_success
	assert_stderr ''
	assert_bytes out '%s\n' '{"a":1.50}' '{"a" : 1e5}' '{ "b":"\u00e9" }' '{"b":2}'
}

# ---- keep ----

@test "keep keeps only the named top-level fields, in their original order" {
	abc
	run_split dm-map 'keep c,a' abc.jsonl
	assert_success
	assert_stderr ''
	assert_output '{"a":1,"c":3}'
	run_split dm-map 'keep fields=b,nosuch' abc.jsonl
	assert_success
	assert_output '{"b":2}'
	run_split dm-map 'keep nosuch' abc.jsonl
	assert_success
	assert_output '{}'
}

@test "keep drops an object none of whose listed members exist" {
	run_split dm-map 'keep fields=id,meta.nosuch' <<<'{"id":1,"meta":{"x":2}}'
	assert_success
	assert_output '{"id":1}'
}

@test "keep with a dotted path keeps that value and the objects around it" {
	run_split dm-map 'keep text,meta.lang' \
	    <<<'{"id":1,"text":"t","meta":{"src":"w","lang":"en","n":{"x":1}}}'
	assert_success
	assert_stderr ''
	assert_output '{"text":"t","meta":{"lang":"en"}}'
	run_split dm-map 'keep m.n.x' <<<'{"a":1,"m":{"b":2,"n":{"x":[1],"y":2}}}'
	assert_success
	assert_output '{"m":{"n":{"x":[1]}}}'
	# a path through a value that is not an object keeps nothing of it
	run_split dm-map 'keep a.b,c' <<<'{"a":1,"c":2}'
	assert_success
	assert_output '{"c":2}'
}

@test "keep of fields that are all there leaves the sample byte for byte" {
	printf '{"a" : 1.50, "b":[1e5], "c":"\\u00e9"}\n' >in.jsonl
	run_out out dm-map 'keep a,b,c' in.jsonl
	assert_success
	assert_stderr ''
	assert_same out in.jsonl
}

# ---- a key held twice ----

# dm(7): when an object has the same key twice, the last one is the field;
# a field written or removed is left once in its object.

@test "drop removes every member of a key an object holds twice" {
	run_split dm-map 'drop fields=src' <<<'{"src":"en","text":"x","src":"de"}'
	assert_success
	assert_stderr ''
	assert_output '{"text":"x"}'
	run_split dm-map 'drop src' <<<'{"\u0073rc":"en","text":"x","src":"de"}'
	assert_success
	assert_output '{"text":"x"}'
	run_split dm-map 'drop m.a' <<<'{"m":{"a":1,"b":2,"a":3}}'
	assert_success
	assert_output '{"m":{"b":2}}'
}

@test "rename of a key held twice moves the last one's value and leaves none behind" {
	run_split dm-map 'rename from=src to=L' <<<'{"src":"en","text":"x","src":"de"}'
	assert_success
	assert_stderr ''
	assert_output '{"text":"x","L":"de"}'
	# onto a name held twice: every member of that name goes
	run_split dm-map 'rename from=src to=L' <<<'{"L":1,"src":"en","L":2}'
	assert_success
	assert_output '{"L":"en"}'
	run_split dm-map 'rename from=m.a to=x' <<<'{"m":{"a":1,"b":2,"a":3}}'
	assert_success
	assert_output '{"m":{"b":2},"x":3}'
}

@test "keep keeps the last of a key held twice" {
	run_split dm-map 'keep src' <<<'{"src":"en","text":"x","src":"de"}'
	assert_success
	assert_stderr ''
	assert_output '{"src":"de"}'
	run_split dm-map 'keep m.a' <<<'{"m":{"a":1},"text":"x","m":{"a":2,"b":3}}'
	assert_success
	assert_output '{"m":{"a":2}}'
}

@test "a text operator writes a text field held twice once, in the last one's place" {
	run_split dm-map upper <<<'{"text":"a","src":"en","text":"b"}'
	assert_success
	assert_stderr ''
	assert_output '{"src":"en","text":"B"}'
}

@test "a key held twice that no operator writes stays, byte for byte" {
	printf '{"src":"en", "text":"x","src":"de"}\n' >in.jsonl
	run_out out dm-map 'drop nosuch; rename from=nosuch to=src' in.jsonl
	assert_success
	assert_stderr ''
	assert_same out in.jsonl
	run_split dm-map 'drop text' in.jsonl
	assert_success
	assert_output '{"src":"en","src":"de"}'
}

# ---- changed samples ----

@test "numbers in a changed nested object keep their exact form" {
	run_split dm-map 'drop m.x' <<<'{"m":{"x":0,"a":1e5,"b":1e16,"c":1.50,"d":-0.0,"e":0.1,"f":1e15,"g":1E-7,"h":2.5e-5,"i":10,"l":[1.0,1e2,3]}}'
	assert_success
	assert_stderr ''
	assert_output '{"m":{"a":1e5,"b":1e16,"c":1.50,"d":-0.0,"e":0.1,"f":1e15,"g":1E-7,"h":2.5e-5,"i":10,"l":[1.0,1e2,3]}}'
}

@test "integers beyond 64 bits in a changed nested object keep every digit" {
	run_split dm-map 'drop m.x' <<<'{"m":{"x":0,"id":12345678901234567890,"neg":-98765432109876543210}}'
	assert_success
	assert_stderr ''
	assert_output '{"m":{"id":12345678901234567890,"neg":-98765432109876543210}}'
}

# ---- chains and the text field ----

@test "a chain of operators runs left to right on each sample" {
	printf '%s\n' '{"id":1,"text":"hello","meta":{"lang":"en","src":"w"}}' \
	    '{"id":2,"text":"héllo wörld","meta":{"lang":"de"}}' >in.jsonl
	run_split dm-map 'rename from=meta.lang to=lang; drop meta; upper; keep text,lang' in.jsonl
	assert_success
	assert_stderr ''
	assert_output <<-'EOF'
	{"text":"HELLO","lang":"en"}
	{"text":"HÉLLO WÖRLD","lang":"de"}
	EOF
	run_split dm-map 'drop meta; rename from=meta.lang to=lang; keep text,lang' in.jsonl
	assert_success
	assert_output <<-'EOF'
	{"text":"hello"}
	{"text":"héllo wörld"}
	EOF
}

@test "-k and DM_TEXT_KEY apply text operators to the chosen field" {
	in='{"text":"abc","body":"déf","meta":{"t":"ghi","n":1}}'
	run_split dm-map -k body upper <<<"$in"
	assert_success
	assert_stderr ''
	assert_output '{"text":"abc","body":"DÉF","meta":{"t":"ghi","n":1}}'
	DM_TEXT_KEY=body run_split dm-map upper <<<"$in"
	assert_success
	assert_output '{"text":"abc","body":"DÉF","meta":{"t":"ghi","n":1}}'
	DM_TEXT_KEY=body run_split dm-map -k meta.t upper <<<"$in"
	assert_success
	assert_output '{"text":"abc","body":"déf","meta":{"t":"GHI","n":1}}'
	run_split dm-map upper <<<"$in"
	assert_success
	assert_output '{"text":"ABC","body":"déf","meta":{"t":"ghi","n":1}}'
}

@test "a script read from standard input needs the samples from files" {
	run_split dm-map -f - <<<'upper'
	assert_status 2
	assert_stderr "dm-map: -f -: the script is read from standard input, so the samples must come from files
$(usage_of dm-map)"
	printf '{"text":"a"}\n' > a.jsonl
	run_split dm-map -f - a.jsonl <<<'upper'
	assert_success
	assert_output '{"text":"A"}'
}

# /dev/zero is one line that never ends and never makes read wait: the
# signal must be seen between reads, not only when a read is interrupted
# (the limit keeps a tool that does not stop from taking the machine).
@test "a signal stops the read of a line that never ends" {
	( eval "$(mem_limit 1000000)"; exec dm-map strip ) </dev/zero >out 2>err &
	sleep 0.2
	signal_and_wait $! TERM
	assert_status 143
	[ ! -s out ]
	[ ! -s err ]
}

@test "a NUL byte in a -f script is an error at its line and column" {
	printf 'lower\n  x\0 bogus ((( \n' >c.dm
	run_split dm-map -f c.dm <<< '{"text":"AB"}'
	assert_status 2
	assert_output ''
	assert_stderr <<-'EOF'
	dm-map: c.dm:2:4: unexpected NUL byte
	    x
	     ^
	EOF
}

@test "-f - names standard input <stdin> in messages" {
	run_split dm-map -f - /dev/null <<< 'lowr'
	assert_status 2
	assert_stderr <<-'EOF'
	dm-map: <stdin>:1:1: unknown operator 'lowr'; did you mean 'lower'?
	  lowr
	  ^
	EOF
}

@test "drop of a large field lets it go unparsed; the rest stays byte for byte" {
	# a text longer than a sample written whole (256 KiB), with escapes,
	# at the top, nested, and held twice
	f=$(python3 -c 'import json; print(json.dumps("ab\u00e9\"\\" * 100000))')
	printf '{"id" : 1.50, "f":%s, "m":{"f":%s,"k":[1e5]}, "f":%s, "z":"\\u00e9"}\n' "$f" "$f" "$f" >in.jsonl
	run_out out dm-map 'drop f' in.jsonl
	assert_success
	assert_stderr ''
	assert_bytes out '%s\n' '{"id":1.50,"m":{"f":'"$f"',"k":[1e5]},"z":"\u00e9"}'
	run_out out dm-map 'drop m.f,f' in.jsonl
	assert_success
	assert_bytes out '%s\n' '{"id":1.50,"m":{"k":[1e5]},"z":"\u00e9"}'
	run_out out dm-map 'drop m' in.jsonl
	assert_success
	assert_bytes out '%s\n' '{"id":1.50,"f":'"$f"',"f":'"$f"',"z":"\u00e9"}'
}
