#!/usr/bin/env bats
# op-replace.bats - the replace operator: global PCRE2 substitution
#
# Expected texts are what Python's regex.sub gives, as in Data-Juicer's
# replace_content_mapper, which compiles with the regex module (\1 written
# $1 here; its re.DOTALL is flags=s).

load helper

# Whether dm's replace finds what regex.sub finds (each match put in <>,
# DOTALL as in Data-Juicer) for the cases of cases.txt, lines of JSON
# [pattern, flags, text]: one dm-map for each pattern and flags.
agrees_with_regex() {
	/usr/bin/python3 - >want.txt <<'EOF'
import json, warnings
import regex
warnings.simplefilter('ignore')	# a flag not at the start
for line in open('cases.txt'):
    p, f, t = json.loads(line)
    fl = regex.DOTALL | (regex.IGNORECASE if f else 0)
    print(json.dumps(regex.sub(p, lambda m: '<' + m[0] + '>', t, flags=fl)))
EOF
	/usr/bin/python3 - >got.txt <<'EOF'
import json, subprocess
cases = [json.loads(l) for l in open('cases.txt')]
for p, f in dict.fromkeys((c[0], c[1]) for c in cases):
    script = 'replace pattern="%s" repl="<$0>"%s' % (
        p.replace('\\', '\\\\').replace('"', '\\"'), ' flags=i' if f else '')
    r = subprocess.run(['dm-map', script], capture_output=True, text=True,
        input=''.join(json.dumps({'text': t}) + '\n'
                      for q, g, t in cases if (q, g) == (p, f)))
    if r.returncode != 0:
        print(p, r.stderr)
        continue
    for l in r.stdout.split('\n')[:-1]:
        print(json.dumps(json.loads(l)['text']))
EOF
	run diff want.txt got.txt
	assert_success
}

@test "replaces every match of the pattern" {
	run dm-map 'replace pattern="\d{3}-\d{4}" repl="<tel>"' <<< '{"text":"call 555-1234 or 555-9876"}'
	assert_success
	assert_output '{"text":"call <tel> or <tel>"}'
}

@test "inserts numbered groups with \$1 and \$2" {
	run dm-map 'replace pattern="(\w+)@(\w+)" repl="$2 at $1"' <<< '{"text":"bob@home, al@work"}'
	assert_success
	assert_output '{"text":"home at bob, work at al"}'
}

@test "inserts named groups with \${name} and a dollar with \$\$" {
	run dm-map 'replace pattern="(?<user>\w+)@" repl="${user} costs $$"' <<< '{"text":"bob@x"}'
	assert_success
	assert_output '{"text":"bob costs $x"}'
}

@test "inserts nothing for a group that did not take part in the match" {
	run dm-map 'replace pattern="(a)|b" repl="[$1]"' <<< '{"text":"ab"}'
	assert_success
	assert_output '{"text":"[a][]"}'
}

@test "inserts the whole match with \$0" {
	run dm-map 'replace pattern="\d+" repl="<$0>"' <<< '{"text":"a1b22"}'
	assert_success
	assert_output '{"text":"a<1>b<22>"}'
}

@test "folds accented capitals with flags=i" {
	run dm-map 'replace pattern="é" repl="e" flags=i' <<< '{"text":"Été, ÉTÉ, été"}'
	assert_success
	assert_output '{"text":"ete, eTe, ete"}'
}

@test "matches case-insensitively with flags=i" {
	run dm-map 'replace pattern="hello" repl="bye" flags=i' <<< '{"text":"Hello HELLO hello"}'
	assert_success
	assert_output '{"text":"bye bye bye"}'
}

@test "counts accented, CJK and Arabic-Indic letters and digits as word characters" {
	run dm-map 'replace pattern="\w+" repl="W"' <<< '{"text":"naïve 日本語 😀 x_1 ٣٤"}'
	assert_success
	assert_output '{"text":"W W 😀 W W"}'
}

@test "matches Unicode decimal digits with \\d but not superscripts" {
	run dm-map 'replace pattern="\d" repl="#"' <<< '{"text":"a1 ٣ ۴ ５ ²"}'
	assert_success
	assert_output '{"text":"a# # # # ²"}'
}

@test "sees no word boundary between a letter and an accented letter" {
	run dm-map 'replace pattern="\bcat\b" repl="dog"' <<< '{"text":"cat catégorie concat cat"}'
	assert_success
	assert_output '{"text":"dog catégorie concat dog"}'
}

@test "matches Unicode white space with \\s" {
	run dm-map 'replace pattern="\s+" repl=" "' <<< '{"text":"a \t\n b\u3000c\u00a0d"}'
	assert_success
	assert_output '{"text":"a b c d"}'
}

@test "takes combining marks but not superscripts into \\w, as Python's regex does" {
	run dm-map 'replace pattern="\w+" repl=W' <<< '{"text":"cafe\u0301 x² a‿b ٣"}'
	assert_success
	assert_output '{"text":"W W² W W"}'
}

@test "leaves U+180E out of \\s, as Python's regex does" {
	run dm-map 'replace pattern="\s" repl=_' <<< '{"text":"a\u180eb\u3000c\u001cd"}'
	assert_success
	assert_output '{"text":"a᠎b_c\u001cd"}'
}

@test "sees no word boundary before a combining mark, as Python's regex does" {
	run dm-map 'replace pattern="e\b" repl=E' <<< '{"text":"cafe\u0301 cafe"}'
	assert_success
	assert_output "$(printf '{"text":"cafe\xcc\x81 cafE"}')"
	run dm-map 'replace pattern="\B" repl=-' <<< '{"text":"cafe\u0301 x"}'
	assert_success
	assert_output "$(printf '{"text":"c-a-f-e-\xcc\x81 x"}')"
}

@test "matches the Kawi digits of Unicode 15.0 with \\d, as Python's regex does" {
	run dm-map 'replace pattern="\d+" repl=D' <<< '{"text":"\ud807\udf50\ud807\udf51 ١ ²"}'
	assert_success
	assert_output '{"text":"D D ²"}'
}

@test "reads \\W and \\D inside a class as Python's regex does" {
	run dm-map 'replace pattern="[^\W\d]+" repl=_' <<< '{"text":"e\u0301 12 x²"}'
	assert_success
	assert_output '{"text":"_ 12 _²"}'
	run dm-map 'replace pattern="[a\W]+" repl=_' <<< '{"text":"bab, c\u0301"}'
	assert_success
	assert_output "$(printf '{"text":"b_b_c\xcc\x81"}')"
}

@test "anchors \\Z at the very end and reads {,n} as {0,n}, as Python does" {
	run dm-map 'replace pattern="a\Z" repl=A' <<< $'{"text":"a\\n"}\n{"text":"a\\na"}'
	assert_success
	assert_output $'{"text":"a\\n"}\n{"text":"a\\nA"}'
	run dm-map 'replace pattern="x{,2}y" repl=_' <<< '{"text":"xxxy y"}'
	assert_success
	assert_output '{"text":"x_ _"}'
}

@test "finds what Python's regex finds with \\w \\d \\s \\b, in classes or not" {
	/usr/bin/python3 - >cases.txt <<'EOF'
import json, random
rng = random.Random(7)
pieces = ['a', 'ab', 'x', 'A', '_', '1', '12', '\u0661', '\u00b2', '\u00bd',
          '\u0301', 'e\u0301', '\u200d', '\u203f', '\u00e9', '\u4e2d',
          '\U0001f600', ' ', '\t', '\n', '\x1c', '\x85', '\xa0', '\u180e',
          '\u2028', '\u3000', '-', '^', ']', '\\', '#', '.', ',', '\u2160',
          '\U00011f50', '\u0ece', '{', '}', '\x0b', '\r']
pats = [r'\w+', r'\W+', r'\d+', r'\D', r'\s+', r'\S+', r'\b', r'\B',
        r'\bab\b', r'[\w-]+', r'[^\w\s]+', r'[\W\d]', r'[^\W\d]+', r'[\S]+',
        r'[^\S]', r'[a\W]+', r'[^a\W]+', r'[\D]', r'[^\D\W]', r'[\s\S]',
        r'x{,2}', r'a\Z', r'\w+$', r'(?m)^\w+$', r'[]\W]', r'[\W^]',
        r'[\\\w]', r'\\w', r'(?#[)\w', r'\x41\w', r'\p{L}\w', r'(?<=\w)\W',
        r'(?<!\b)x', r'(\w)\1', '(?x) \\w + # [ \\w\n',
        r'\u00e9\w', r'[\u00e0-\u00ff]+', r'\U0001F600', r'[\w-a]+',
        r'[a-\d]+', r'[\d-x]', r'[\p{L}-]+', r'[^\s-\w]', r'\\u0041',
        r'\v', r'[\v-\r]+', r'\h+', r'[^\h\w]+']
for p in pats:
    for _ in range(60):
        t = ''.join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        print(json.dumps([p, '', t]))
EOF
	agrees_with_regex
}

@test "folds i to U+0130 and I to U+0131 under flags=i, as Python's regex does" {
	run dm-map 'replace pattern="istanbul" repl=X flags=i' <<< '{"text":"İSTANBUL istanbul Istanbul"}'
	assert_success
	assert_output '{"text":"X X X"}'
	run dm-map 'replace pattern="[a-z]+" repl=_ flags=i' <<< '{"text":"İi ıI"}'
	assert_success
	assert_output '{"text":"_ ı_"}'
	run dm-map 'replace pattern="ı" repl=_ flags=i' <<< '{"text":"ıIiİ"}'
	assert_success
	assert_output '{"text":"__iİ"}'
}

@test "applies an inline flag to the whole pattern, as Python's regex does" {
	run dm-map 'replace pattern="a(?i)b" repl=_' <<< '{"text":"AB ab"}'
	assert_success
	assert_output '{"text":"_ _"}'
}

@test "finds what Python's regex finds under IGNORECASE" {
	/usr/bin/python3 - >cases.txt <<'EOF'
import json, random
rng = random.Random(3)
pieces = ['i', 'I', '\u0130', '\u0131', 'a', 'A', 'b', 'B', 'x', 'k', 'K',
          '\u212a', 's', 'S', '\u017f', '\u00df', '\u1e9e', ' ', '\n', '-',
          'istanbul', '\u0130STANBUL']
pats = ['i', 'I', '\u0130', '\u0131', '[a-z]+', '[A-Z]+', '[h-j]', '[^i]',
        '[^a-z]', 'a(?i)b', '(?i:i)I', '(?-i:i)', 'ix', '(?i)i+', '[iI]',
        r'\w+i', '(?:ab|i)+', '(?P<i>x)i(?P=i)', '(?<=i)a', 'k', 's',
        '\u00df', '(?x) i # i\n I', r'x{,2}i', 'istanbul', '[(?i)]a',
        r'\(?i\)a', '(?#[)i', '[\u0130]', '[^\u0131]', r'[\u0100-\u0140]+',
        r'[^\u0130\w]', r'[\u0131\W]', r'[\x49b]']
for p in pats:
    for f in ['i', '']:
        for _ in range(40):
            t = ''.join(rng.choice(pieces) for _ in range(rng.randint(0, 10)))
            print(json.dumps([p, f, t]))
EOF
	agrees_with_regex
}

@test "compiles a list of three hundred words between \\b, as Python's regex does" {
	local p
	p=$(for i in $(seq 300); do printf '\\\\bw%d\\\\b|' "$i"; done)
	run dm-map "replace pattern=\"${p}\\\\bcafe\\\\b\" repl=_" <<< '{"text":"w12 w300x cafe cafe\u0301 w3"}'
	assert_success
	assert_output "$(printf '{"text":"_ w300x _ cafe\xcc\x81 _"}')"
}

@test "replaces emoji as whole characters" {
	run dm-map 'replace pattern="😀+" repl=":)"' <<< '{"text":"hi 😀😀! 👍🏽"}'
	assert_success
	assert_output '{"text":"hi :)! 👍🏽"}'
}

@test "steps over whole characters after an empty match" {
	run dm-map 'replace pattern="" repl="|"' <<< '{"text":"héllo😀"}'
	assert_success
	assert_output '{"text":"|h|é|l|l|o|😀|"}'
}

@test "allows an empty match right after a non-empty one" {
	run dm-map 'replace pattern="x*" repl="-"' <<< '{"text":"abxd"}'
	assert_success
	assert_output '{"text":"-a-b--d-"}'
}

@test "replaces the empty match of an empty text" {
	run dm-map 'replace pattern="x*" repl="-"' <<< '{"text":""}'
	assert_success
	assert_output '{"text":"-"}'
}

@test "leaves an empty text alone when nothing matches it" {
	run dm-map 'replace pattern="x+" repl="-"' <<< '{"text": ""}'
	assert_success
	assert_output '{"text": ""}'
}

@test "lets a dot match a newline, as Data-Juicer's DOTALL does" {
	run dm-map 'replace pattern="a.b" repl="X"' <<< '{"text":"a\nb"}'
	assert_success
	assert_output '{"text":"X"}'
}

@test "keeps a dot off newlines when the pattern starts with (?-s)" {
	run dm-map 'replace pattern="(?-s)a.b" repl="X"' <<< '{"text":"a\nb"}'
	assert_success
	assert_output '{"text":"a\nb"}'
}

@test "anchors at every line with flags=m" {
	run dm-map 'replace pattern="^" repl="> " flags=m' <<< '{"text":"a\nb"}'
	assert_success
	assert_output '{"text":"> a\n> b"}'
}

@test "anchors after a final newline with flags=m, as Python does" {
	run dm-map 'replace pattern="^" repl="> " flags=m' <<< '{"text":"a\nb\n"}'
	assert_success
	assert_output '{"text":"> a\n> b\n> "}'
}

@test "ignores white space and comments in the pattern with flags=x" {
	run dm-map 'replace pattern=" \d + # digits" repl="#" flags=x' <<< '{"text":"a1b22"}'
	assert_success
	assert_output '{"text":"a#b#"}'
}

@test "reads a pattern written as a Python raw string as Data-Juicer does" {
	run dm-map "replace pattern=\"r'\\d+'\" repl=\"#\"" <<< '{"text":"a1b22"}'
	assert_success
	assert_output '{"text":"a#b#"}'
}

@test "writes an unchanged sample back byte for byte" {
	run dm-map 'replace pattern="x" repl="y"' <<< '{"text": "abc",  "n": 1.50}'
	assert_success
	assert_output '{"text": "abc",  "n": 1.50}'
}

@test "writes a sample back byte for byte when the replacement equals the match" {
	run dm-map 'replace pattern="(b)" repl="$1"' <<< '{"text": "abc",  "n": 1.50}'
	assert_success
	assert_output '{"text": "abc",  "n": 1.50}'
}

@test "keeps the other fields and their order when the text changes" {
	run dm-map 'replace pattern="b" repl="B"' <<< '{"id":7,"text":"abc","meta":{"a":[1,2]}}'
	assert_success
	assert_output '{"id":7,"text":"aBc","meta":{"a":[1,2]}}'
}

@test "works on the field named by -k" {
	run dm-map -k body 'replace pattern="b" repl="B"' <<< '{"text":"abc","body":"bbb"}'
	assert_success
	assert_output '{"text":"abc","body":"BBB"}'
}

@test "processes every sample of a stream" {
	run dm-map 'replace pattern="o" repl="0"' <<< $'{"text":"foo"}\n{"text":"bar"}\n{"text":"solo"}'
	assert_success
	assert_output $'{"text":"f00"}\n{"text":"bar"}\n{"text":"s0l0"}'
}

@test "rejects a pattern that does not compile, naming the operator and offset" {
	run_split dm-map 'replace pattern="(ab" repl=x' <<< '{"text":"abc"}'
	assert_status 2
	assert_output ''
	assert_stderr <<'EOF'
dm-map: script:1:21: replace: 'pattern': missing closing parenthesis at offset 3
  replace pattern="(ab" repl=x
                      ^
EOF
}

@test "gives the offset of a bad pattern in bytes" {
	run_split dm-map 'replace pattern="é[a"' <<< '{"text":"abc"}'
	assert_status 2
	assert_output ''
	assert_stderr <<'EOF'
dm-map: script:1:22: replace: 'pattern': missing terminating ] for character class at offset 4
  replace pattern="é[a"
                      ^
EOF
}

@test "rejects an unknown flag" {
	run_split dm-map 'replace pattern="a" flags=iq' <<< '{"text":"abc"}'
	assert_status 2
	assert_output ''
	assert_stderr <<'EOF'
dm-map: script:1:27: replace: 'flags': unknown regex flag 'q' (expected i, m, s, x or u)
  replace pattern="a" flags=iq
                            ^
EOF
}

@test "requires a pattern" {
	run_split dm-map 'replace repl=x' <<< '{"text":"abc"}'
	assert_status 2
	assert_output ''
	assert_stderr <<'EOF'
dm-map: script:1:1: replace: missing required parameter 'pattern'
  replace repl=x
  ^
EOF
}

@test "rejects a replacement naming a group the pattern lacks before reading input" {
	run_split dm-map 'replace pattern="(a)" repl="$2"' <<< '{"text":"xyz"}'
	assert_status 2
	assert_output ''
	assert_stderr "dm-map: script:1:1: replace: 'repl': unknown group '2' in replacement string at offset 0"
}

@test "rejects a replacement naming an unknown group by name" {
	run_split dm-map 'replace pattern="(?<a>x)" repl="<${b}>"' <<< '{"text":"xyz"}'
	assert_status 2
	assert_stderr "dm-map: script:1:1: replace: 'repl': unknown group 'b' in replacement string at offset 1"
}

@test "rejects a lone dollar in the replacement" {
	run_split dm-map 'replace pattern="a" repl="5 $ each"' <<< '{"text":"a"}'
	assert_status 2
	assert_stderr "dm-map: script:1:1: replace: 'repl': invalid replacement string at offset 2"
}

@test "rejects an unclosed brace in the replacement" {
	run_split dm-map 'replace pattern="(a)" repl="${1"' <<< '{"text":"a"}'
	assert_status 2
	assert_stderr "dm-map: script:1:1: replace: 'repl': expected closing curly bracket in replacement string at offset 3"
}

@test "reports a runaway match as an error of that sample" {
	run_split dm-map 'replace pattern="(a+)+$" repl=x' <<< '{"text":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab"}'
	assert_status 2
	assert_output ''
	assert_stderr "dm-map: <stdin>:1: replace: the pattern takes too long on this text (PCRE2 match limit of 10000000 exceeded)"
}

@test "goes on after a runaway match with --on-error=skip" {
	run_split dm-map --on-error=skip 'replace pattern="(a+)+$" repl=x' <<< $'{"text":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab"}\n{"text":"ba"}'
	assert_status 1
	assert_output '{"text":"bx"}'
	assert_stderr <<'EOF'
dm-map: <stdin>:1: replace: the pattern takes too long on this text (PCRE2 match limit of 10000000 exceeded)
dm-map: 1 of 2 samples rejected
EOF
}

@test "a runaway match with --on-error=skip goes to the rejects file with its line and the reason" {
	printf '%s\n' '{"text":"ba"}' '{"text":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab"}' >in.jsonl
	run_split timeout -k 5 20 dm-map --on-error=skip --rejects rej.jsonl 'replace pattern="(a+)+$" repl=x' in.jsonl
	assert_status 1
	assert_output '{"text":"bx"}'
	assert_stderr <<'EOF'
dm-map: in.jsonl:2: replace: the pattern takes too long on this text (PCRE2 match limit of 10000000 exceeded)
dm-map: 1 of 2 samples rejected
EOF
	assert_file rej.jsonl <<'EOF'
{"file":"in.jsonl","line":2,"reason":"replace: the pattern takes too long on this text (PCRE2 match limit of 10000000 exceeded)","raw":"{\"text\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab\"}"}
EOF
}

# A repeated group over millions of characters outgrows the JIT stack; the
# interpreter that takes over kept its frames on the heap, 1.3 GB and 19 s
# before its match limit stopped it.
@test "a match that nests too deep fails its sample within seconds, in bounded memory" {
	/usr/bin/python3 -c 'print("{\"text\":\"" + "ab" * 4000000 + "\"}")' >ab.jsonl
	run_split bash -c "$(mem_limit 600000)"'; exec timeout -k 5 20 dm-map "replace pattern=\"(?:a|b)*$\" repl=x" ab.jsonl'
	assert_status 2
	assert_output ''
	assert_stderr 'dm-map: ab.jsonl:1: replace: the pattern nests too deep on this text (PCRE2 depth limit of 250000 exceeded)'
}

# pcre2_substitute retried each empty match anchored, in the interpreter,
# which read the UTF-8 of the rest of the text each time: the fuzz target
# script hung on four replace pattern="" in a row.
@test "a pattern that matches empty at every place replaces a long text in linear time" {
	/usr/bin/python3 -c 'print("{\"text\":\"" + "q" * 300000 + "\"}")' >q.jsonl
	run_split timeout -k 5 20 dm-map 'replace pattern="" repl="-"; replace pattern="(?=q)|$" repl="<$0>"' q.jsonl
	assert_success
	assert_stderr ''
	[ "$output" = "{\"text\":\"$(printf -- '-<>q%.0s' $(seq 300000))-<>\"}" ]
}

@test "a search anchored with \\G matches after an empty match as regex.sub does" {
	run_split dm-map 'replace pattern="\\Gx*" repl="-"' <<< '{"text":"xxa"}'
	assert_success
	assert_output '{"text":"--a"}'
}

@test "SIGTERM stops a replacement of millions of matches in one text" {
	/usr/bin/python3 -c 'print("{\"text\":\"" + "q" * 10000000 + "\"}")' >q.jsonl
	dm-map 'replace pattern="" repl="-"; replace pattern="" repl="-"' q.jsonl >out 2>err &
	local pid=$! size i rchar
	# once the line is read (what the process read(2) is the file's
	# size), the replacements are under way, however slow the build or
	# loaded the machine: a fixed sleep could fall in the reading
	size=$(stat -c %s q.jsonl)
	for ((i = 0; i < 1000; i++)); do
		rchar=$(awk '$1 == "rchar:" { print $2 }' /proc/$pid/io 2>/dev/null)
		[ "${rchar:-0}" -ge "$size" ] && break
		sleep 0.01
	done
	signal_and_wait $pid TERM
	assert_status 143
	assert_bytes out ''
	assert_bytes err $'dm-map: q.jsonl:1: replace: interrupted\n'
}

@test "handles a long text with many matches" {
	local text
	text=$(printf 'ab%.0s' $(seq 50000))
	printf '{"text":"%s"}\n' "$text" > in.jsonl
	run dm-map 'replace pattern="b" repl="xyz"' in.jsonl
	assert_success
	[ "$output" = "{\"text\":\"$(printf 'axyz%.0s' $(seq 50000))\"}" ]
}

@test "refuses a group one past the pattern's last in a long list of \\b words, as regex.sub does" {
	local p
	p=$(for i in $(seq 300); do printf '\\\\bw%d\\\\b|' "$i"; done)
	run dm-map "replace pattern=\"(${p}\\\\bcafe\\\\b)\" repl=\"[\$1]\"" <<< '{"text":"w12 cafe w3000"}'
	assert_success
	assert_output '{"text":"[w12] [cafe] w3000"}'
	run_split dm-map "replace pattern=\"(${p}\\\\bcafe\\\\b)\" repl=\"[\$2]\"" <<< '{"text":"w12 cafe"}'
	assert_status 2
	assert_output ''
	assert_stderr "dm-map: script:1:1: replace: 'repl': unknown group '2' in replacement string at offset 1"
	run_split dm-map "replace pattern=\"(${p}\\\\bcafe\\\\b)\" repl=\"[\${dm_w}]\"" <<< '{"text":"w12 cafe"}'
	assert_status 2
	assert_stderr "dm-map: script:1:1: replace: 'repl': unknown group 'dm_w' in replacement string at offset 1"
}

@test "takes any group name in a long list of \\b words" {
	local p
	p=$(for i in $(seq 300); do printf '\\\\bw%d\\\\b|' "$i"; done)
	run dm-map "replace pattern=\"(?<dm_w>x)|${p}\\\\bcafe\\\\b\" repl=\"[\${dm_w}]\"" <<< '{"text":"w12 x"}'
	assert_success
	assert_output '{"text":"[] [x]"}'
}

@test "reads \\uXXXX and \\UXXXXXXXX in a pattern as Python's regex does" {
	run dm-map 'replace pattern="\\u00e9|\\U0001F600|[\\u0030-\\u0032]" repl=_' <<< '{"text":"café 😀 0123"}'
	assert_success
	assert_output '{"text":"caf_ _ ___3"}'
}

@test "reads a '-' next to a class escape in a class as itself, as Python's regex does" {
	run dm-map 'replace pattern="[\\w-.]+" repl=_' <<< '{"text":"a-b.c d,e"}'
	assert_success
	assert_output '{"text":"_ _,_"}'
	run dm-map 'replace pattern="[.-\\d]+" repl=_' <<< '{"text":"1-2.3 x"}'
	assert_success
	assert_output '{"text":"_ x"}'
}

@test "refuses \\N{name} and a bad \\u in a pattern, with the caret under it" {
	run_split dm-map 'replace pattern="a\\N{DIGIT ONE}" repl=x' <<< '{"text":"a1"}'
	assert_status 2
	assert_output ''
	assert_stderr <<'EOF'
dm-map: script:1:20: replace: 'pattern': '\N{DIGIT ONE}' is not supported by dm (write the character, or \uXXXX) at offset 1
  replace pattern="a\\N{DIGIT ONE}" repl=x
                     ^
EOF
	run_split dm-map 'replace pattern="\\u00e" repl=x' <<< '{"text":"a1"}'
	assert_status 2
	assert_stderr <<'EOF'
dm-map: script:1:19: replace: 'pattern': incomplete escape '\u00e' at offset 0
  replace pattern="\\u00e" repl=x
                    ^
EOF
	run_split dm-map 'replace pattern="\\uD800" repl=x' <<< '{"text":"a1"}'
	assert_status 2
	assert_stderr <<'EOF'
dm-map: script:1:19: replace: 'pattern': '\uD800' is a surrogate, which dm's text never holds; not supported at offset 0
  replace pattern="\\uD800" repl=x
                    ^
EOF
}

@test "tells a PCRE2 error after a \\u at its offset in the pattern as written" {
	run_split dm-map 'replace pattern="\\u00e9(" repl=x' <<< '{"text":"a1"}'
	assert_status 2
	assert_stderr <<'EOF'
dm-map: script:1:26: replace: 'pattern': missing closing parenthesis at offset 7
  replace pattern="\\u00e9(" repl=x
                           ^
EOF
}

@test "reads \\v as the vertical tab and \\h as horizontal space, as Python's regex does" {
	run dm-map 'replace pattern="\\v" repl=V' <<< '{"text":"a\u000b\n\r"}'
	assert_success
	assert_output '{"text":"aV\n\r"}'
	run dm-map 'replace pattern="[\\v-\\r]+" repl=V' <<< '{"text":"a\u000b\f\r\n"}'
	assert_success
	assert_output '{"text":"aV\n"}'
	run dm-map 'replace pattern="\\h" repl=H' <<< '{"text":"a\t\u180e\u3000"}'
	assert_success
	assert_output "$(printf '{"text":"aH\xe1\xa0\x8eH"}')"
}

@test "folds U+0130 in a class to i alone and U+0131 to I alone under flags=i, as Python's regex does" {
	run dm-map 'replace pattern="[İ]" repl=_ flags=i' <<< '{"text":"iIİı"}'
	assert_success
	assert_output '{"text":"_I_ı"}'
	run dm-map 'replace pattern="[^ı]" repl=_ flags=i' <<< '{"text":"iIİı"}'
	assert_success
	assert_output '{"text":"_I_ı"}'
	run dm-map 'replace pattern="[\\u0130-\\u0131]" repl=_ flags=i' <<< '{"text":"iIİıb"}'
	assert_success
	assert_output '{"text":"____b"}'
}

@test "refuses a pattern that ends in a lone backslash" {
	run_split dm-map 'replace pattern="a\\" repl=_' <<< '{"text":"a"}'
	assert_status 2
	assert_output ''
	assert_stderr <<'EOF2'
dm-map: script:1:21: replace: 'pattern': \ at end of pattern at offset 2
  replace pattern="a\\" repl=_
                      ^
EOF2
}
