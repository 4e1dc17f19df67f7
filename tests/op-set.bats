#!/usr/bin/env bats
# op-set.bats - dm-map's set operator: fields set to the values of
# expressions of dm-filter's language (tested in dm-filter.bats); here the
# assignments, the JSON written for each kind of value, and the errors.

load helper

# ---- assignments ----

@test "sets a field to the value of an expression, after the others" {
	run_split dm-map 'set n=len' <<<'{"text":"héllo","a":1}'
	assert_success
	assert_stderr ''
	assert_output '{"text":"héllo","a":1,"n":5}'
}

@test "several assignments run in order, a later one seeing an earlier one's result" {
	run_split dm-map "set a=len b='a * 2' c='b + a' a=0" <<<'{"text":"abc"}'
	assert_success
	assert_stderr ''
	assert_output '{"text":"abc","a":0,"b":6,"c":9}'
	# and in separate set operators of a chain
	run_split dm-map "set a=len; set b='a + 1'" <<<'{"text":"abc"}'
	assert_success
	assert_output '{"text":"abc","a":3,"b":4}'
}

@test "an existing field is replaced in its place" {
	run_split dm-map "set n='n + 1'" <<<'{"n":5,"text":"x","z":0}'
	assert_success
	assert_stderr ''
	assert_output '{"n":6,"text":"x","z":0}'
}

@test "a field an object holds twice is set once, in the place of the last" {
	run_split dm-map 'set src=1' <<<'{"src":"en","text":"x","src":"de"}'
	assert_success
	assert_stderr ''
	assert_output '{"text":"x","src":1}'
	run_split dm-map 'set m.a=5' <<<'{"m":{"a":1,"b":2,"a":3}}'
	assert_success
	assert_output '{"m":{"b":2,"a":5}}'
	# an object along the path held twice: the last one is written
	run_split dm-map 'set m.z=m.c' <<<'{"m":{"a":1},"text":"x","m":{"c":1}}'
	assert_success
	assert_output '{"text":"x","m":{"c":1,"z":1}}'
}

@test "a dotted target sets a nested field, creating the objects along it" {
	run_split dm-map 'set meta.stats.len=len meta.lang=meta.lang' <<<'{"text":"ab","meta":{"lang":"en"}}'
	assert_success
	assert_stderr ''
	assert_output '{"text":"ab","meta":{"lang":"en","stats":{"len":2}}}'
	run_split dm-map 'set a.b.c=1' <<<'{"text":"ab"}'
	assert_success
	assert_output '{"text":"ab","a":{"b":{"c":1}}}'
}

@test "a target under a field that is not an object rejects the sample" {
	printf '%s\n' '{"text":"ab","m":{}}' '{"text":"cd","m":3}' '{"text":"ef"}' >in.jsonl
	run_split dm-map 'set m.n=len' in.jsonl
	assert_status 2
	assert_output '{"text":"ab","m":{"n":2}}'
	assert_stderr "dm-map: in.jsonl:2: set: field 'm' is not an object"
	run_split dm-map --on-error=skip 'set m.n=len' in.jsonl
	assert_status 1
	assert_output $'{"text":"ab","m":{"n":2}}\n{"text":"ef","m":{"n":2}}'
	assert_stderr <<-'EOF'
	dm-map: in.jsonl:2: set: field 'm' is not an object
	dm-map: 1 of 3 samples rejected
	EOF
}

@test "the rest of the sample keeps its exact form" {
	run_split dm-map 'set n=len' <<<'{ "text" : "ab" , "x":1.50, "y":1E2, "a":"\u00e9", "id":12345678901234567890 }'
	assert_success
	assert_stderr ''
	assert_output '{"text":"ab","x":1.50,"y":1E2,"a":"\u00e9","id":12345678901234567890,"n":2}'
}

# ---- the values written ----

@test "integer results are written as integers" {
	run_split dm-map "set a='len + 1' b='2 * 3' c='7 % 3' d='-len' e=9007199254740992" <<<'{"text":"héllo"}'
	assert_success
	assert_stderr ''
	assert_output '{"text":"héllo","a":6,"b":6,"c":1,"d":-5,"e":9007199254740992}'
}

@test "real results are written as reals, whole ones with .0" {
	run_split dm-map "set a='bytes / len' b='6 / 3' c=1.5 d='0.5 + 0.5' e=1e16 f='9007199254740992 * 2'" <<<'{"text":"héllo"}'
	assert_success
	assert_stderr ''
	assert_output '{"text":"héllo","a":1.2,"b":2.0,"c":1.5,"d":1.0,"e":1e+16,"f":1.8014398509481984e+16}'
}

@test "strings are written as JSON strings, escapes and all" {
	run_split dm-map "set a='\"x\\ty \\\"q\\\" \\u00e9\"' b='\"日本\" + text' c=text" <<<'{"text":"a\"b\n"}'
	assert_success
	assert_stderr ''
	assert_output '{"text":"a\"b\n","a":"x\ty \"q\" é","b":"日本a\"b\n","c":"a\"b\n"}'
}

@test "booleans and null are written as such" {
	run_split dm-map "set a='len > 3' b='len > 9' c=null d=nosuch e=true" <<<'{"text":"héllo"}'
	assert_success
	assert_stderr "dm-map: field 'nosuch' was not in the one sample that looked for it"
	assert_output '{"text":"héllo","a":true,"b":false,"c":null,"d":null,"e":true}'
}

@test "an array literal is written as a JSON array" {
	run_split dm-map "set a='[1, \"two\", [3, len], null, 2.5, true]' b='[]'" <<<'{"text":"héllo"}'
	assert_success
	assert_stderr ''
	assert_output '{"text":"héllo","a":[1,"two",[3,5],null,2.5,true],"b":[]}'
}

@test "a field copied from another keeps its value exactly" {
	run_split dm-map 'set b=a c=a.x' <<<'{"text":"x","a":{"x":1.50,"y":[1E2,-0.0,"s"]}}'
	assert_success
	assert_stderr ''
	assert_output '{"text":"x","a":{"x":1.50,"y":[1E2,-0.0,"s"]},"b":{"x":1.50,"y":[1E2,-0.0,"s"]},"c":1.50}'
}

@test "a large integer copied from another field keeps every digit" {
	run_split dm-map 'set b=id' <<<'{"text":"x","id":123456789012345678}'
	assert_success
	assert_stderr ''
	assert_output '{"text":"x","id":123456789012345678,"b":123456789012345678}'
}

@test "a string field copied from another is written as the same string" {
	run_split dm-map 'set b=a c=tags[1]' <<<'{"text":"x","a":"say \"q\"\n","tags":["p","x\ty"]}'
	assert_success
	assert_stderr ''
	assert_output '{"text":"x","a":"say \"q\"\n","tags":["p","x\ty"],"b":"say \"q\"\n","c":"x\ty"}'
}

# ---- errors ----

@test "an expression that does not parse is an error at its place in the script, before any input" {
	run_split dm-map 'set score="len >"' nosuch.jsonl
	assert_status 2
	assert_output ''
	assert_stderr <<-'EOF'
	dm-map: script:1:17: set: expected a value after '>'
	  set score="len >"
	                  ^
	EOF
	# the second assignment, in a chain
	run_split dm-map 'lower; set a=1 b="(len"' <<<'{"text":"x"}'
	assert_status 2
	assert_output ''
	assert_stderr <<-'EOF'
	dm-map: script:1:23: set: expected ')' to close a '('
	  lower; set a=1 b="(len"
	                        ^
	EOF
	# in a script file, at its line and column
	printf 'lower\nset a=1 score="words /"\n' >se.dm
	run_split dm-map -f se.dm <<<'{"text":"x"}'
	assert_status 2
	assert_output ''
	assert_stderr <<-'EOF'
	dm-map: se.dm:2:23: set: expected a value after '/'
	  set a=1 score="words /"
	                        ^
	EOF
	printf 'set\tx=1 y=lang("de")+\n' >se.dm
	run_split dm-map -f se.dm <<<'{"text":"x"}'
	assert_status 2
	assert_stderr "dm-map: se.dm:1:22: set: expected a value after '+'
  set	x=1 y=lang(\"de\")+
     	                 ^"
}

@test "a field name that makes a key of no name is an error at its place" {
	run_split dm-map 'set x=1 .x=1' <<<'{"text":"x"}'
	assert_status 2
	assert_output ''
	assert_stderr <<-'EOF'
	dm-map: script:1:9: set: '.x' is not a field name
	  set x=1 .x=1
	          ^
	EOF
	run_split dm-map 'set y..z=2' <<<'{"text":"x"}'
	assert_status 2
	[ "${stderr%%$'\n'*}" = "dm-map: script:1:5: set: 'y..z' is not a field name" ]
	run_split dm-map 'set a.b.c=2' <<<'{"text":"x"}'
	assert_success
	assert_output '{"text":"x","a":{"b":{"c":2}}}'
}

@test "a type error is reported once, with the sample's place and the assignment" {
	printf '%s\n' '{"text":"a","n":"5"}' '{"text":"b","n":3}' '{"text":"c","n":"7"}' >in.jsonl
	run_split dm-map "set v='n < 4'" in.jsonl
	assert_success
	assert_output $'{"text":"a","n":"5","v":false}\n{"text":"b","n":3,"v":true}\n{"text":"c","n":"7","v":false}'
	assert_stderr <<-'EOF'
	dm-map: in.jsonl:1: set v:1:3: cannot compare a string with a number
	  n < 4
	    ^
	EOF
}

@test "an expression that needs a missing text field rejects the sample" {
	printf '%s\n' '{"text":"ab"}' '{"body":"abc"}' '{"text":"cde"}' >in.jsonl
	run_split dm-map 'set n=len' in.jsonl
	assert_status 2
	assert_output '{"text":"ab","n":2}'
	assert_stderr "dm-map: in.jsonl:2: set: field 'text' is missing"
	run_split dm-map --on-error=skip --rejects rej.jsonl 'set n=len' in.jsonl
	assert_status 1
	assert_output $'{"text":"ab","n":2}\n{"text":"cde","n":3}'
	assert_stderr <<-'EOF'
	dm-map: in.jsonl:2: set: field 'text' is missing
	dm-map: 1 of 3 samples rejected
	EOF
	assert_bytes rej.jsonl '%s\n' \
	    '{"file":"in.jsonl","line":2,"reason":"set: field '\''text'\'' is missing","raw":"{\"body\":\"abc\"}"}'
}

@test "-k chooses the text field the expressions measure" {
	run_split dm-map -k body 'set n=len' <<<'{"text":"ab","body":"abcd"}'
	assert_success
	assert_stderr ''
	assert_output '{"text":"ab","body":"abcd","n":4}'
}

@test "set without an assignment is an error" {
	run_split dm-map 'set' </dev/null
	assert_status 2
	assert_output ''
	assert_stderr 'dm-map: script:1:1: set: needs FIELD=EXPR'
	run_split dm-map 'set x' </dev/null
	assert_status 2
	assert_stderr <<-'EOF'
	dm-map: script:1:5: expected key=value, got 'x'
	  set x
	      ^
	EOF
}

@test "a value nested deeper than 256 levels is refused with a message" {
	/usr/bin/python3 -c 'print("set y=" + "(" * 10000 + "1" + ")" * 10000)' >deep.dm
	run_split dm-map -f deep.dm <<< '{"text":"x"}'
	assert_status 2
	[ "${stderr%%$'\n'*}" = "dm-map: deep.dm:1:264: set: nesting deeper than 256 levels (parentheses, brackets, calls, ! and -)" ]
}

@test "a value of 100000 terms is computed" {
	/usr/bin/python3 -c 'print("set y=" + "+".join(["1"] * 100000))' >sum.dm
	run dm-map -f sum.dm <<< '{"text":"x"}'
	assert_success
	assert_output '{"text":"x","y":100000}'
}

# Numbers of up to 15 digits are read without strtod (the digits over a
# power of ten): every one must be the double that Python's float(), which
# rounds correctly as strtod does, reads from the same text.
@test "reads every number as the correctly rounded double" {
	/usr/bin/python3 - <<'PY' >in.jsonl
import random
random.seed(5)
for k in range(20000):
    d = "".join(random.choice("0123456789")
                for _ in range(random.randint(1, 20)))
    d = d.lstrip("0") or "0"
    if random.random() < 0.6:
        f = "".join(random.choice("0123456789")
                    for _ in range(random.randint(1, 18)))
        d += "." + f
    if random.random() < 0.1:
        d += "e%d" % random.randint(-30, 30)
    if random.random() < 0.5:
        d = "-" + d
    print('{"x":%s}' % d)
PY
	dm-map 'set y=x*1' in.jsonl >out.jsonl
	run /usr/bin/python3 -c '
import json, struct, sys
n = 0
for a, b in zip(open("in.jsonl"), open("out.jsonl")):
    x = json.loads(a)["x"]
    y = json.loads(b)["y"]
    if struct.pack("<d", float(x)) != struct.pack("<d", float(y)):
        print("%s read as %r" % (a.strip(), y))
        sys.exit(1)
    n += 1
print(n, "numbers read exactly")
'
	assert_success
	assert_output '20000 numbers read exactly'
}

@test "an error that rejects the sample names the assignment and its column once, not 'set: set v'" {
	printf '%s\n' '{"a":[1]}' '{"a":2}' >in.jsonl
	run_split dm-map --on-error=skip "set v='float(a)'" in.jsonl
	assert_status 1
	assert_output '{"a":2,"v":2.0}'
	assert_stderr $'dm-map: in.jsonl:1: set v:1:1: float() of an array\ndm-map: 1 of 2 samples rejected'
}
