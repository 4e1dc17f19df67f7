#!/usr/bin/env bats
# dm-dedup.bats - exact, MinHash and SimHash deduplication, against the
# references' algorithms (tests/dedup-ref.py, run by Debian's python3 with
# numpy and xxhash)

load helper

REF=$DM_REPO/tests/dedup-ref.py
PY=/usr/bin/python3

# Texts for the signature comparisons: ASCII and Unicode words, digits,
# punctuation of several scripts, tabs, runs of spaces, a CJK text, one
# text too short for a 5-word window.
texts() {
	cat <<-'EOF'
	{"text":"The quick brown fox jumps over the lazy dog again and again"}
	{"text":"Ünïcödé  Straße, 3.14 números: «quoted» text — with dashes and   spaces\tand tabs 2024"}
	{"text":"a b c d"}
	{"text":"日本語のテキストです。句読点、あります！長い文章を書きます"}
	{"text":"Hello, world! This is: a test; of (punctuation) tokenization - ok?"}
	{"text":"ÉCOLE élève Ἀθῆναι İstanbul ΣΊΣΥΦΟΣ 1,000,000 dollars or ٣٫١٤ in ١٢٣ ways"}
	{"text":"Line one\nline two\r\nline three   with   more   words in it today"}
	EOF
}

@test "an operand that is not a file (a pipe, /dev/stdin, a named pipe) is read twice from a copy" {
	cat >in.jsonl <<-'EOF'
	{"id":1,"text":"Hello world"}
	{"id":2,"text":"Other"}
	{"id":3,"text":"Hello world"}
	EOF
	printf '%s\n' '{"id":4,"text":"Other"}' '{"id":5,"text":"New"}' >b.jsonl
	run_split dm-dedup --mark dup in.jsonl <(cat b.jsonl)
	assert_success
	assert_output <<-'EOF'
	{"id":1,"text":"Hello world","dup":null}
	{"id":2,"text":"Other","dup":null}
	{"id":3,"text":"Hello world","dup":1}
	{"id":4,"text":"Other","dup":2}
	{"id":5,"text":"New","dup":null}
	EOF
	# exact, MinHash and SimHash: the output of the same bytes as a file
	for mode in --exact --near --simhash; do
		want=$(dm-dedup $mode in.jsonl b.jsonl)
		run_split sh -c "cat b.jsonl | dm-dedup $mode in.jsonl /dev/stdin"
		assert_success
		assert_output "$want"
	done
	mkfifo ff
	cat b.jsonl >ff &
	run_split timeout 10 dm-dedup --mark dup ff in.jsonl
	wait
	assert_success
	assert_output <<-'EOF'
	{"id":4,"text":"Other","dup":null}
	{"id":5,"text":"New","dup":null}
	{"id":1,"text":"Hello world","dup":null}
	{"id":2,"text":"Other","dup":4}
	{"id":3,"text":"Hello world","dup":1}
	EOF
	# a bad line of a pipe is named as the pipe was given
	run_split sh -c "printf 'bad\n' | dm-dedup in.jsonl /dev/stdin"
	assert_status 2
	assert_stderr 'dm-dedup: /dev/stdin:1:1: invalid JSON: expected a value'
}

@test "a signal stops the copy of a pipe that gives nothing yet" {
	printf '{"text":"a"}\n' >a.jsonl
	mkfifo ff
	for how in operand stdin; do
		sleep 60 >ff &
		holder=$!
		if [ $how = operand ]; then
			dm-dedup --exact a.jsonl ff >out.jsonl &
		else
			dm-dedup --exact a.jsonl - <ff >out.jsonl &
		fi
		pid=$!
		wait_blocked $pid
		signal_and_wait $pid TERM
		kill $holder
		wait $holder || true
		[ "$status" -eq 143 ] || { echo "$how: status $status"; false; }
		[ ! -s out.jsonl ]
	done
}

@test "the second read stops at the lines of the first: an output among the inputs is not read on and on" {
	awk 'BEGIN { for (i = 0; i < 100000; i++)
		printf "{\"text\":\"s%d\"}\n", i % 60000 }' >a.jsonl
	echo '{"text":"an old output"}' >z.jsonl
	# z.jsonl is an operand and, emptied, the output: the second read
	# met the samples written and wrote them again until the disk was
	# full
	# (bounded: 20 MB at most)
	run timeout 60 sh -c 'ulimit -f 20000; dm-dedup *.jsonl >z.jsonl'
	assert_success
	head -n 60000 a.jsonl | cmp - z.jsonl
	# and the lines of the first read are read again, whatever they are
	printf '\357\273\277{"text":"a"}\r\n\n  \n{"text":1}\n{"text":"a"}\nnot json\n{"text":"%s"}\n{"text":"b"}' \
	    "$(head -c 3000 /dev/zero | tr '\0' x)" >b.jsonl
	run_split dm-dedup --on-error=skip --max-line 1K b.jsonl
	assert_status 1
	assert_output <<'EOF2'
{"text":"a"}
{"text":"b"}
EOF2
	[[ "$stderr" != *changed* ]]
	for m in --exact --near --simhash "--near --preset datatrove"; do
		run_split dm-dedup $m --mark dup --on-error=skip b.jsonl a.jsonl
		assert_status 1
		[ "$(printf '%s\n' "$output" | wc -l)" -eq 100004 ]
		[[ "$stderr" != *changed* ]]
	done
}

# between_reads CMD OPTION...: dm-dedup of a.jsonl b.jsonl c.jsonl, with CMD
# run once b.jsonl is read the first time and before it is read again:
# c.jsonl's lines, rejected, go to a named pipe that CMD's side reads
# after the first of them, and the more than 2 MB of them hold the first
# read until CMD is done
between_reads() {
	local cmd=$1
	shift
	printf '%s\n' '{"text":"a1"}' '{"text":"a2"}' >a.jsonl
	printf '%s\n' '{"text":"b1"}' '{"text":"b2"}' >b.jsonl
	awk 'BEGIN { x = sprintf("%2000s", ""); gsub(/ /, "x", x)
		for (i = 0; i < 1000; i++) print x }' >c.jsonl
	printf '%s\n' '{"text":"c1"}' '{"text":"a1"}' '{"text":"c2"}' >>c.jsonl
	rm -f rej
	mkfifo rej
	{ IFS= read -r _; sh -c "$cmd"; cat >/dev/null; } <rej &
	run_split timeout 60 dm-dedup --on-error=skip --rejects rej "$@" \
	    a.jsonl b.jsonl c.jsonl
	wait
	stderr=$(printf '%s\n' "$stderr" | grep -v 'invalid JSON')
}

@test "an input gone, cut short or replaced between the two reads costs its own samples, with a message, and no other input's" {
	# b.jsonl gone: its samples were numbered as c.jsonl's, whose
	# lines came out in place of others
	between_reads 'rm b.jsonl'
	assert_status 2
	assert_output <<-'EOF'
	{"text":"a1"}
	{"text":"a2"}
	{"text":"c1"}
	{"text":"c2"}
	EOF
	assert_stderr <<-'EOF'
	dm-dedup: b.jsonl: changed between the two reads: 2 lines, then 0
	dm-dedup: 1000 of 1007 samples rejected
	EOF
	between_reads 'rm b.jsonl' --mark dup
	assert_status 2
	assert_output <<-'EOF'
	{"text":"a1","dup":null}
	{"text":"a2","dup":null}
	{"text":"c1","dup":null}
	{"text":"a1","dup":"a.jsonl:1"}
	{"text":"c2","dup":null}
	EOF
	# another file under its name, or the file cut short: its lines are
	# not those of the first read
	for cmd in 'printf "%s\n" "{\"text\":\"c1\"}" "{\"text\":\"x\"}" >new &&
	    mv new b.jsonl' 'printf "%s\n" "{\"text\":\"b1\"}" >b.jsonl'; do
		between_reads "$cmd"
		assert_status 2
		assert_output <<-'EOF'
		{"text":"a1"}
		{"text":"a2"}
		{"text":"c1"}
		{"text":"c2"}
		EOF
		assert_stderr <<-'EOF'
		dm-dedup: b.jsonl: changed between the two reads: another file, or a shorter one; its samples are left out
		dm-dedup: 1000 of 1007 samples rejected
		EOF
	done
	# lines added after the first read are not samples
	between_reads 'printf "%s\n" "{\"text\":\"b3\"}" >>b.jsonl'
	assert_status 1
	assert_output <<-'EOF'
	{"text":"a1"}
	{"text":"a2"}
	{"text":"b1"}
	{"text":"b2"}
	{"text":"c1"}
	{"text":"c2"}
	EOF
	assert_stderr 'dm-dedup: 1000 of 1007 samples rejected'
}

@test "the output among the inputs, before the last, is not read as samples" {
	awk 'BEGIN { for (i = 0; i < 100000; i++)
		printf "{\"text\":\"a%d\"}\n", i }' >a.jsonl
	printf '%s\n' '{"text":"c1"}' '{"text":"a5"}' '{"text":"c2"}' >c.jsonl
	# out.jsonl, empty in the first read, has a.jsonl's samples in the
	# second: they were read as c.jsonl's, whose samples were lost
	run timeout 60 sh -c 'ulimit -f 20000
	    dm-dedup a.jsonl out.jsonl c.jsonl >out.jsonl'
	assert_success
	{ cat a.jsonl; printf '%s\n' '{"text":"c1"}' '{"text":"c2"}'; } |
	    cmp - out.jsonl
}

@test "exact: the first of each MD5 of the stripped text stays" {
	cat >in.jsonl <<-'EOF'
	{"id":1,"text":"Hello world"}
	{"id":2,"text":"hello world"}
	{"id":3,"text":"  Hello world\n"}
	{"id":4,"text":"Hello, world!"}
	{"id":5,"text":"Hello world"}
	{"id":6,"text":"Other"}
	EOF
	run_split dm-dedup in.jsonl
	assert_success
	assert_stderr ''
	assert_output <<-'EOF'
	{"id":1,"text":"Hello world"}
	{"id":2,"text":"hello world"}
	{"id":4,"text":"Hello, world!"}
	{"id":6,"text":"Other"}
	EOF
	run dm-dedup --exact --lowercase in.jsonl
	assert_output <<-'EOF'
	{"id":1,"text":"Hello world"}
	{"id":4,"text":"Hello, world!"}
	{"id":6,"text":"Other"}
	EOF
	run dm-dedup --exact --lowercase --ignore-non-character in.jsonl
	assert_output <<-'EOF'
	{"id":1,"text":"Hello world"}
	{"id":6,"text":"Other"}
	EOF
	# without --lowercase, case still counts
	run dm-dedup --exact --ignore-non-character in.jsonl
	assert_output <<-'EOF'
	{"id":1,"text":"Hello world"}
	{"id":2,"text":"hello world"}
	{"id":6,"text":"Other"}
	EOF
}

@test "an input that cannot be read is said once, though the inputs are read twice" {
	a='{"text":"the quick brown fox jumps over the lazy dog, and then it runs far away into the woods"}'
	b='{"text":"something else entirely, with words of its own that share nothing much at all here"}'
	printf '%s\n' "$a" "$a" "$b" >in.jsonl
	mkdir dir
	for how in --exact --near; do
		run_split dm-dedup "$how" in.jsonl missing.jsonl dir
		assert_status 2
		assert_output "$a"$'\n'"$b"
		assert_stderr $'dm-dedup: missing.jsonl: No such file or directory\ndm-dedup: dir: Is a directory'
	done
}

@test "exact: the key is Data-Juicer's, the MD5 of the normalized text" {
	printf '%s\n' '{"text":" Héllo, Wörld 42 ! "}' >in.jsonl
	run dm-dedup --signatures in.jsonl
	assert_output "\"$(printf 'Héllo, Wörld 42 !' | md5sum | cut -c1-32)\""
	run dm-dedup --signatures --lowercase --ignore-non-character in.jsonl
	assert_output "\"$(printf 'héllowörld' | md5sum | cut -c1-32)\""
	# Unicode digits and white space go too, as regex's \d and \s
	printf '%s\n' '{"text":"a\u3000b٣c"}' >in.jsonl
	run dm-dedup --signatures --ignore-non-character in.jsonl
	assert_output "\"$(printf 'abc' | md5sum | cut -c1-32)\""
}

@test "exact: --ignore-non-character drops what Data-Juicer's regex drops, every code point (White_Space, not U+001C..U+001F)" {
	# Data-Juicer's document_deduplicator, with the regex module: each
	# code point inside a text and alone (what the strip, str.strip(),
	# leaves of it)
	$PY -c '
import hashlib, json, string, regex as re
pat = re.compile(f"\\s+|\\d+|[{re.escape(string.punctuation)}]")
with open("in.jsonl", "w") as f, open("want", "w") as w:
    for c in range(0x110000):
        if 0xD800 <= c < 0xE000:
            continue
        for t in ("a" + chr(c) + "b", chr(c)):
            f.write(json.dumps({"text": t}) + "\n")
            w.write("\"%s\"\n" % hashlib.md5(pat.sub("", t).strip().encode()).hexdigest())
'
	dm-dedup --signatures --ignore-non-character in.jsonl >got
	cmp got want
	printf '{"text":"a\\u001cb"}\n{"text":"ab"}\n' >in.jsonl
	run_split dm-dedup --ignore-non-character in.jsonl
	assert_success
	assert_output <<-'EOF'
	{"text":"a\u001cb"}
	{"text":"ab"}
	EOF
}

@test "exact: MD5s of texts of many lengths, hashed 16 at a time, are Python's" {
	# 600 texts of 0 to 300 bytes and some of 5000 (1, 2 and many MD5
	# blocks, padding in one block or two), then 5 more: what is left of
	# a batch when the input ends
	$PY -c '
import hashlib, json, random
rng = random.Random(5)
with open("in.jsonl", "w") as f, open("want", "w") as w:
    for i in range(605):
        n = 5000 if i % 97 == 0 else rng.randrange(301)
        t = "".join(rng.choice("abcdé ðŋ日x") for _ in range(n)).strip()
        f.write(json.dumps({"text": t}) + "\n")
        w.write("\"%s\"\n" % hashlib.md5(t.encode()).hexdigest())
'
	dm-dedup --signatures in.jsonl >got
	cmp got want
	[ "$(wc -l <got)" -eq 605 ]
}

@test "exact: -k hashes the named fields, one or several" {
	cat >in.jsonl <<-'EOF'
	{"url":"a","title":"x","text":"1"}
	{"url":"a","title":"y","text":"2"}
	{"url":"b","title":"x","text":"3"}
	{"url":"a","title":"x","text":"4"}
	EOF
	run dm-dedup --exact -k url in.jsonl
	assert_output <<-'EOF'
	{"url":"a","title":"x","text":"1"}
	{"url":"b","title":"x","text":"3"}
	EOF
	run dm-dedup --exact -k url -k title in.jsonl
	assert_output <<-'EOF'
	{"url":"a","title":"x","text":"1"}
	{"url":"a","title":"y","text":"2"}
	{"url":"b","title":"x","text":"3"}
	EOF
	# "ab" + "" is not "a" + "b"
	printf '%s\n' '{"u":"ab","t":""}' '{"u":"a","t":"b"}' >in2.jsonl
	run dm-dedup -k u -k t in2.jsonl
	[ "${#lines[@]}" -eq 2 ]
}

@test "exact: several -k fields are hashed each after its length, so that no two lists of fields collide" {
	printf '%s\n' '{"a":"x\u0000","b":"y"}' '{"a":"x","b":"\u0000y"}' \
	    '{"a":"1:x","b":""}' '{"a":"1","b":"x0:"}' '{"a":"x\u0000","b":"y"}' \
	    >in.jsonl
	run_split dm-dedup -k a -k b in.jsonl
	assert_success
	assert_output <<-'EOF'
	{"a":"x\u0000","b":"y"}
	{"a":"x","b":"\u0000y"}
	{"a":"1:x","b":""}
	{"a":"1","b":"x0:"}
	EOF
	# the key: the MD5 of each normalized field after its length and ':'
	printf '%s\n' '{"a":" Ab ","b":"ÉcolE"}' >in.jsonl
	run_split dm-dedup --signatures --lowercase -k a -k b in.jsonl
	assert_output "\"$(printf '2:ab6:école' | md5sum | cut -c1-32)\""
	# the settings of the stage files say so: signatures of several
	# fields joined the old way are not kept
	printf '%s\n' '{"a":"x","b":"y"}' >sh.jsonl
	dm-dedup sign -k a -k b -o sig sh.jsonl
	run dm-dedup pairs -o p sig
	assert_success
	head -c 400 sig/band-000/sh.jsonl.sig | grep -q '"keys":\["a","b"\],"keyjoin":"length"'
}

@test "--mark keeps every sample and names the kept one: its id, or file:line" {
	cat >in.jsonl <<-'EOF'
	{"id":"a","text":"x"}
	{"id":"b","text":"y"}
	{"id":"c","text":"x"}
	{"id":7,"text":"y"}
	EOF
	run dm-dedup --mark dup in.jsonl
	assert_success
	assert_output <<-'EOF'
	{"id":"a","text":"x","dup":null}
	{"id":"b","text":"y","dup":null}
	{"id":"c","text":"x","dup":"a"}
	{"id":7,"text":"y","dup":"b"}
	EOF
	printf '%s\n' '{"text":"x"}' '' '{"text":"x"}' >noid.jsonl
	run dm-dedup --mark meta.dup - <noid.jsonl
	assert_output <<-'EOF'
	{"text":"x","meta":{"dup":null}}
	{"text":"x","meta":{"dup":"<stdin>:1"}}
	EOF
	run dm-dedup --mark dup noid.jsonl in.jsonl
	assert_output <<-'EOF'
	{"text":"x","dup":null}
	{"text":"x","dup":"noid.jsonl:1"}
	{"id":"a","text":"x","dup":"noid.jsonl:1"}
	{"id":"b","text":"y","dup":null}
	{"id":"c","text":"x","dup":"noid.jsonl:1"}
	{"id":7,"text":"y","dup":"b"}
	EOF
}

@test "--mark: a sample whose field cannot be set is a bad sample under --on-error, in the single command and in apply" {
	printf '%s\n' '{"text":"a"}' '{"text":"b"}' '{"text":"a","meta":"s"}' \
	    '{"text":"c"}' >mk2.jsonl
	dm-dedup sign -o sig mk2.jsonl
	dm-dedup pairs -o pairs sig
	dm-dedup cluster --labels sig -o rm pairs
	for cmd in "dm-dedup --mark meta.dup" "dm-dedup apply --mark meta.dup rm"; do
		run_split $cmd --on-error=skip --rejects r.txt mk2.jsonl
		assert_status 1
		assert_output <<-'EOF'
		{"text":"a","meta":{"dup":null}}
		{"text":"b","meta":{"dup":null}}
		{"text":"c","meta":{"dup":null}}
		EOF
		assert_stderr <<-'EOF'
		dm-dedup: mk2.jsonl:3: field 'meta' is not an object
		dm-dedup: 1 of 4 samples rejected
		EOF
		[ "$(cat r.txt)" = '{"file":"mk2.jsonl","line":3,"reason":"field '"'meta'"' is not an object","raw":"{\"text\":\"a\",\"meta\":\"s\"}"}' ]
		run_split $cmd mk2.jsonl
		assert_status 2
		assert_output <<-'EOF'
		{"text":"a","meta":{"dup":null}}
		{"text":"b","meta":{"dup":null}}
		EOF
		assert_stderr "dm-dedup: mk2.jsonl:3: field 'meta' is not an object"
	done
	# the single command leaves it out before the clusters: the next
	# sample of its text stays
	printf '%s\n' '{"text":"a","meta":"s"}' '{"text":"a"}' '{"text":"a"}' >mk3.jsonl
	run_split dm-dedup --mark meta.dup --on-error=skip mk3.jsonl
	assert_status 1
	assert_output <<-'EOF'
	{"text":"a","meta":{"dup":null}}
	{"text":"a","meta":{"dup":"mk3.jsonl:2"}}
	EOF
	# the key may lie under the field
	printf '%s\n' '{"m":{"t":"x"}}' '{"m":{"t":"x"}}' >mk4.jsonl
	run_split dm-dedup -k m.t --mark m mk4.jsonl
	assert_success
	assert_output <<-'EOF'
	{"m":null}
	{"m":"mk4.jsonl:1"}
	EOF
}

@test "standard input from a pipe is read twice through a temporary file" {
	mkdir tmp
	printf '%s\n' '{"text":"x"}' '{"text":"y"}' '{"text":"x"}' |
	    gzip | TMPDIR=$TMP/tmp dm-dedup >out.jsonl
	assert_file out.jsonl <<-'EOF'
	{"text":"x"}
	{"text":"y"}
	EOF
	# nothing is left behind
	[ -z "$(ls tmp)" ]
}

@test "bad lines and texts follow --on-error and --rejects" {
	cat >in.jsonl <<-'EOF'
	{"text":"x"}
	{"text":
	{"text":5}
	{"text":"x"}
	{"other":"x"}
	{"text":"y"}
	EOF
	run_split dm-dedup --on-error=skip --rejects rej.jsonl in.jsonl
	assert_status 1
	assert_output <<-'EOF'
	{"text":"x"}
	{"text":"y"}
	EOF
	assert_stderr <<-'EOF'
	dm-dedup: in.jsonl:2:9: invalid JSON: unexpected end of line
	dm-dedup: in.jsonl:3: field 'text' is not a string
	dm-dedup: in.jsonl:5: field 'text' is missing
	dm-dedup: 3 of 6 samples rejected
	EOF
	[ "$(wc -l <rej.jsonl)" -eq 3 ]
	# stop: the samples before the bad line are the input, status 2
	run_split dm-dedup in.jsonl
	assert_status 2
	assert_output '{"text":"x"}'
	assert_stderr "dm-dedup: in.jsonl:2:9: invalid JSON: unexpected end of line"
}

@test "near: bands and rows are Data-Juicer's optimal_param" {
	for tp in "0.7 256" "0.8 128" "0.5 64" "0.9 200"; do
		set -- $tp
		echo "- opt-$1-$2 optimal $1 $2"
	done | $PY "$REF" batch
	for tp in "0.7 256" "0.8 128" "0.5 64" "0.9 200"; do
		set -- $tp
		want=$(cat "opt-$1-$2")
		run dm-dedup --near --params --threshold "$1" --perms "$2"
		assert_output "{\"mode\":\"near\",\"preset\":\"data-juicer\",\"tokenize\":\"space\",\"window\":5,\"perms\":$2,\"bands\":${want% *},\"rows\":${want#* },\"threshold\":$1}"
	done
	# the loop ran to its last pair, where the reference gives 8 bands of 25
	[ "$want" = "8 25" ]
	run dm-dedup --near --params
	assert_output '{"mode":"near","preset":"data-juicer","tokenize":"space","window":5,"perms":256,"bands":25,"rows":10,"threshold":0.7}'
	# -k and --verify, when given, which the settings left out
	run dm-dedup --near --params --verify -k title
	assert_success
	assert_output '{"mode":"near","preset":"data-juicer","tokenize":"space","window":5,"perms":256,"bands":25,"rows":10,"threshold":0.7,"fields":["title"],"verify":true}'
	run dm-dedup --exact --params -k title -k 'a"b'
	assert_success
	assert_output '{"mode":"exact","lowercase":false,"ignore_non_character":false,"fields":["title","a\"b"]}'
}

@test "--signatures reads a pipe once: nothing is copied to --tmp" {
	printf '%s\n' '{"text":"a b c d e f"}' '{"text":"a b c d e f"}' >in.jsonl
	dm-dedup --near --signatures in.jsonl >want
	# --tmp cannot be written: a copy would fail
	cat in.jsonl | dm-dedup --near --signatures --tmp /nonexistent >out
	cmp out want
	dm-dedup --signatures --tmp /nonexistent <(cat in.jsonl) >out
	dm-dedup --signatures in.jsonl | cmp - out
}

@test "near: MinHash signatures equal Data-Juicer's, bit for bit" {
	texts >t.jsonl
	for tok in space punctuation character; do
		for w in 5 2; do
			echo "t.jsonl ref-$tok-$w.out dj-minhash 256 $w $tok"
		done
	done >ref.cmds
	echo "t.jsonl ref-64.out dj-minhash 64" >>ref.cmds
	$PY "$REF" batch <ref.cmds
	for tok in space punctuation character; do
		for w in 5 2; do
			dm-dedup --near --signatures --tokenize $tok --window $w \
			    t.jsonl >dm.out
			cmp dm.out ref-$tok-$w.out
		done
	done
	dm-dedup --near --signatures --perms 64 t.jsonl >dm.out
	cmp dm.out ref-64.out
	# the short text has no signature
	[ "$(sed -n 3p dm.out)" = null ]
}

@test "near and simhash: --ignore removes a pattern's matches after the lower case, as Data-Juicer's ignore_pattern" {
	texts >t.jsonl
	for pat in '\p{P}' '\d+' '[aeiouäöü]+'; do
		for tok in space punctuation character; do
			echo "t.jsonl ref-mh-$tok-${#pat}.out dj-minhash 256 3 $tok $pat"
			echo "t.jsonl ref-sh-$tok-${#pat}.out simhash 3 $tok $pat"
		done
	done | $PY "$REF" batch
	for pat in '\p{P}' '\d+' '[aeiouäöü]+'; do
		for tok in space punctuation character; do
			dm-dedup --near --signatures --tokenize $tok --window 3 \
			    --ignore "$pat" t.jsonl >dm.out
			cmp dm.out ref-mh-$tok-${#pat}.out
			dm-dedup --simhash --signatures --tokenize $tok --window 3 \
			    --ignore "$pat" t.jsonl >dm.out
			cmp dm.out ref-sh-$tok-${#pat}.out
		done
	done
	# the pattern changes the signatures it is asked to
	dm-dedup --near --signatures --window 3 t.jsonl >plain.out
	! cmp -s plain.out ref-mh-space-5.out
	# two texts that differ in punctuation only are duplicates under it
	printf '%s\n' '{"text":"Hello, world! This is a test of the thing."}' \
	    '{"text":"Hello world This is a test of the thing"}' >p.jsonl
	run dm-dedup --near p.jsonl
	assert_output $'{"text":"Hello, world! This is a test of the thing."}\n{"text":"Hello world This is a test of the thing"}'
	run dm-dedup --near --ignore '\p{P}' p.jsonl
	assert_output '{"text":"Hello, world! This is a test of the thing."}'
	# the settings of a stage say it; the other modes refuse it
	run sh -c "dm-dedup --simhash --ignore '\\d' --params | jq -r .ignore"
	assert_output '\d'
	usage=$(usage_of dm-dedup)
	for opts in "--ignore x" "--near --preset datatrove --ignore x" "--near --preset datamate --ignore x"; do
		# shellcheck disable=SC2086
		run_split dm-dedup $opts </dev/null
		assert_status 2
		assert_stderr "dm-dedup: --ignore is for --near and --simhash of the data-juicer preset"$'\n'"$usage"
	done
	run_split dm-dedup --near --ignore '(' </dev/null
	assert_status 2
	assert_stderr "dm-dedup: --ignore: missing closing parenthesis at offset 1"$'\n'"$usage"
}

@test "--ignore whose match fails on a text (a limit of PCRE2's) fails that sample, with its file and line" {
	printf '{"text":"one two three four five six"}\n{"text":"%s"}\n{"text":"one two three four five six"}\n' \
	    "$(printf 'a%.0s' {1..40})b" >d.jsonl
	why="--ignore: the pattern takes too long on this text (PCRE2 match limit of 10000000 exceeded)"
	# the run died at once, with no line, even under --on-error=skip
	run_split dm-dedup --near --preset data-juicer --on-error=skip --rejects rej.jsonl --ignore '(a+)+$' d.jsonl
	assert_status 1
	assert_output '{"text":"one two three four five six"}'
	assert_stderr "dm-dedup: d.jsonl:2: $why
dm-dedup: 1 of 3 samples rejected"
	[ "$(jq -c '[.line, .reason]' rej.jsonl)" = "[2,\"$why\"]" ]
	run_split dm-dedup --simhash --on-error=skip --ignore '(a+)+$' d.jsonl
	assert_status 1
	assert_output '{"text":"one two three four five six"}'
	run_split dm-dedup --near --preset data-juicer --ignore '(a+)+$' d.jsonl
	assert_status 2
	assert_stderr "dm-dedup: d.jsonl:2: $why"
}

@test "near: signatures bit for bit around SHA-1's one-block limit, perms not a multiple of 32" {
	# shingles of 54 to 65 bytes: up to 55 bytes SHA-1 pads them into one
	# block, from 56 into two; 100 permutations end in a partial block
	printf '{"text":"%s"}\n' \
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-" \
	    "Ünïcödé Straße números «quoted» text — with dashes, ÉCOLE élève" >t.jsonl
	for w in 54 55 56 57 63 64; do
		echo "t.jsonl ref-$w.out dj-minhash 100 $w character"
	done | $PY "$REF" batch
	for w in 54 55 56 57 63 64; do
		dm-dedup --near --signatures --tokenize character --window $w \
		    --perms 100 t.jsonl >dm.out
		cmp dm.out ref-$w.out
		[ "$(wc -l <dm.out)" -eq 2 ]
	done
}

@test "near: SHA-1 16 at a time (and one at a time under DM_SIMD) gives Data-Juicer's signatures" {
	# 300 texts of 5 to 64 words of 1 to 14 characters, some of two
	# bytes: shingles of every length SHA-1 pads into one block (joined
	# in place or, after runs of spaces, copied) and longer ones, texts
	# of 1 to 60 shingles (a full group of 16, a last one of 1 to 15)
	$PY -c '
import json, random
rng = random.Random(14)
with open("t.jsonl", "w") as f:
    for i in range(300):
        words = ["".join(rng.choice("abcxyzé日") for _ in range(rng.randrange(1, 15)))
                 for _ in range(rng.randrange(5, 65))]
        sep = "  " if i % 10 == 0 else " "
        f.write(json.dumps({"text": sep.join(words)}) + "\n")
'
	$PY "$REF" batch <<-'EOF'
	t.jsonl ref.out dj-minhash 256 5 space
	t.jsonl ref3.out dj-minhash 256 3 punctuation
	EOF
	for simd in "" avx2 none; do
		DM_SIMD=$simd dm-dedup --near --signatures t.jsonl >dm.out
		cmp dm.out ref.out
		DM_SIMD=$simd dm-dedup --near --signatures --window 3 \
		    --tokenize punctuation t.jsonl >dm.out
		cmp dm.out ref3.out
	done
	[ "$(wc -l <dm.out)" -eq 300 ]
}

@test "near: words split at spaces 64 bytes at a time, at and across the edges, as Data-Juicer splits them" {
	# tokens ending at, starting at and running over byte 64 and 128,
	# runs of spaces across them, texts ending at a multiple of 64
	$PY -c '
import json
for n in list(range(60, 200)) + [0, 1, 64, 128, 192]:
    for t in (("x" * 63 + " ") * 3 + "a b c d e f", "y" * 64 + " z" * 40,
              " " * 64 + "q r s t u v w", ("ab " * 30 + "  ") * 2):
        print(json.dumps({"text": t[:n]}))
' >t.jsonl
	$PY "$REF" dj-minhash 256 2 space <t.jsonl >ref.out
	dm-dedup --near --signatures --window 2 t.jsonl >dm.out
	cmp dm.out ref.out
	[ "$(wc -l <dm.out)" -eq 580 ]
}

@test "near: permutation values of 0 to 7 and 2^32 - 1 are exact (the minima computed again)" {
	# each first text is one shingle whose value under one permutation
	# is tiny (147: 7, 168: 5, 248: 1) or all ones (182, 9), found by a
	# search over SHA-1s; the vector path leaves such minima to the
	# plain one
	printf '{"text":"%s"}\n' "w36195 x35 y z q" "w35033 x36 y z q" \
	    "w64692 x36 y z q" "w96563 x123 y z q" "w80144 x126 y z q" \
	    "w36195 x35 y z q w96563 x123 y z q w80144 x126 y z q" >t.jsonl
	$PY "$REF" dj-minhash <t.jsonl >ref.out
	for simd in "" avx2; do
		DM_SIMD=$simd dm-dedup --near --signatures t.jsonl >dm.out
		cmp dm.out ref.out
	done
	run $PY -c '
import json
for l, j in zip(open("dm.out"), (147, 168, 248, 182, 9)):
    print(json.loads(l)[j])
'
	assert_output <<-'EOF'
	7
	5
	1
	4294967295
	4294967295
	EOF
}

@test "near --preset datatrove: signatures equal datatrove's, bit for bit" {
	texts >t.jsonl
	dm-dedup --near --preset datatrove --signatures t.jsonl >dm.out
	$PY "$REF" datatrove <t.jsonl >ref.out
	cmp dm.out ref.out
	[ "$(wc -l <dm.out)" -eq 7 ]
	run dm-dedup --near --preset datatrove --params
	assert_output '{"mode":"near","preset":"datatrove","tokenize":"words","window":5,"perms":112,"bands":14,"rows":8,"threshold":0.7}'
}

@test "simhash: values equal simhash's (Data-Juicer's tokens, MD5 halves)" {
	texts >t.jsonl
	for tok in space punctuation character; do
		for w in 6 3; do
			echo "t.jsonl ref-$tok-$w.out simhash $w $tok"
		done
	done | $PY "$REF" batch
	for tok in space punctuation character; do
		for w in 6 3; do
			dm-dedup --simhash --signatures --tokenize $tok --window $w \
			    t.jsonl >dm.out
			cmp dm.out ref-$tok-$w.out
		done
	done
	# no shingle: 0, as compute([]) gives
	run dm-dedup --simhash --signatures <<<'{"text":"too short"}'
	assert_output 0
}

# 20 words, and variants: the Jaccard of their 5-word shingle sets is
# counted by hand (16 shingles each).
@test "near: pairs of known Jaccard are merged above the threshold only" {
	w="a1 a2 a3 a4 a5 a6 a7 a8 a9 a10 a11 a12 a13 a14 a15 a16 a17 a18 a19 a20"
	# last word changed: 15 shared of 17, J = 0.882
	v1=${w/a20/z20}
	# words 8 and 14 changed: shingles 4-8 and 10-14 go, shared 16-10=6
	# of 26, J = 0.231
	v2=${w/a8 /z8 }; v2=${v2/a14 /z14 }
	# word 1 changed: 15 of 17, J = 0.882; words 1 and 20: 14 of 18, 0.778
	# (and v1-v2: 5 of 27, 0.185; v2-v4: 4 of 28, 0.143)
	v3=${w/a1 /z1 }; v4=${v3/a20/z20}
	for t in "$w" "$v1" "$v2" "$v3" "$v4"; do
		printf '{"text":"%s"}\n' "$t"
	done >in.jsonl
	run $PY "$REF" jaccard 5 <in.jsonl
	assert_output <<-'EOF'
	0 1 0.882353
	0 2 0.230769
	0 3 0.882353
	0 4 0.777778
	1 2 0.185185
	1 3 0.777778
	1 4 0.882353
	2 3 0.185185
	2 4 0.142857
	3 4 0.882353
	EOF
	run dm-dedup --near --mark dup in.jsonl
	assert_success
	assert_output <<-EOF
	{"text":"$w","dup":null}
	{"text":"$v1","dup":"in.jsonl:1"}
	{"text":"$v2","dup":null}
	{"text":"$v3","dup":"in.jsonl:1"}
	{"text":"$v4","dup":"in.jsonl:1"}
	EOF
	run dm-dedup --near in.jsonl
	assert_output <<-EOF
	{"text":"$w"}
	{"text":"$v2"}
	EOF
	# at threshold 0.85 (9 bands of 28 rows... as optimal_param says) the
	# 0.778 pair alone is no longer merged: v4 joins through v1 or v3
	run dm-dedup --near --verify --threshold 0.85 --mark dup in.jsonl
	assert_output <<-EOF
	{"text":"$w","dup":null}
	{"text":"$v1","dup":"in.jsonl:1"}
	{"text":"$v2","dup":null}
	{"text":"$v3","dup":"in.jsonl:1"}
	{"text":"$v4","dup":"in.jsonl:1"}
	EOF
	run dm-dedup --near --verify --threshold 0.9 in.jsonl
	[ "${#lines[@]}" -eq 5 ]
}

# The tolerance: the number of planted pairs found may differ from the
# S-curve's expectation sum(1 - (1 - s^r)^b) by at most 4 standard
# deviations (sum p(1 - p)), and a duplicate is only ever found with its
# own partner (the documents of different pairs share no shingle).
@test "near: recall on planted pairs follows the LSH S-curve; --verify merges none below the threshold" {
	$PY "$REF" plant 400 7 >plant.jsonl
	dm-dedup --near --mark dup plant.jsonl >marked.jsonl
	[ "$(wc -l <marked.jsonl)" -eq 800 ]
	jq -r 'select(.id | startswith("v")) | [.id, .jaccard, (.dup // "-")] | @tsv' \
	    marked.jsonl | awk -v b=25 -v r=10 '
	    { p = 1 - (1 - $2 ^ r) ^ b; e += p; v += p * (1 - p)
	      if ($3 != "-") { o++; if ($3 != "b" substr($1, 2)) bad++ } }
	    END { d = o - e; if (d < 0) d = -d
		  printf "found %d expected %.1f sd %.2f wrong %d\n", o, e, sqrt(v), bad
		  exit !(d <= 4 * sqrt(v) && bad == 0 && o > 0) }'
	# bases are never marked
	[ "$(jq -r 'select(.id | startswith("b")) | .dup' marked.jsonl | sort -u)" = null ]
	dm-dedup --near --verify --mark dup plant.jsonl >verified.jsonl
	run jq -r 'select(.dup != null) | select(.jaccard < 0.7) | .id' verified.jsonl
	assert_output ''
	# and all those at or above it that LSH found are kept merged
	[ "$(jq -r 'select(.dup != null)' verified.jsonl | jq -s length)" -eq \
	    "$(jq -r 'select(.dup != null) | select(.jaccard >= 0.7)' marked.jsonl | jq -s length)" ]
}

@test "simhash: near texts within the hamming distance are one cluster" {
	w="a1 a2 a3 a4 a5 a6 a7 a8 a9 a10 a11 a12 a13 a14 a15 a16 a17 a18 a19 a20 a21 a22 a23 a24 a25 a26 a27 a28 a29 a30"
	printf '{"id":%d,"text":"%s"}\n' 1 "$w" 2 "${w/a30/z30}" 3 "b1 b2 b3 b4 b5 b6 b7" \
	    4 "c1 c2" 5 "d1 d2 d3" >in.jsonl
	dm-dedup --simhash --signatures in.jsonl >sig.out
	h1=$(sed -n 1p sig.out) h2=$(sed -n 2p sig.out)
	d=$($PY -c "print(bin($h1 ^ $h2).count('1'))")
	run dm-dedup --simhash --mark dup --hamming 5 --blocks 6 in.jsonl
	# 4 and 5 have no shingle of 6 words: SimHash 0, so one cluster, as
	# in Data-Juicer
	if [ "$d" -le 5 ]; then dup2=1; else dup2=null; fi
	assert_output <<-EOF
	{"id":1,"text":"$w","dup":null}
	{"id":2,"text":"${w/a30/z30}","dup":$dup2}
	{"id":3,"text":"b1 b2 b3 b4 b5 b6 b7","dup":null}
	{"id":4,"text":"c1 c2","dup":null}
	{"id":5,"text":"d1 d2 d3","dup":4}
	EOF
	# --hamming 0: only equal values
	run dm-dedup --simhash --hamming 0 in.jsonl
	[ "${#lines[@]}" -eq $((h1 == h2 ? 3 : 4)) ]
}

@test "simhash: every pair within the distance is found, whatever the blocks" {
	$PY "$REF" plant 100 3 >plant.jsonl
	dm-dedup --simhash --signatures plant.jsonl >sig.out
	# all pairs at most 8 bits apart, by brute force
	want=$($PY -c '
import sys
h = [int(l) for l in open("sig.out")]
n = len(h)
p = list(range(n))
def f(x):
    while p[x] != x:
        x = p[x]
    return x
for i in range(n):
    for j in range(i + 1, n):
        if bin(h[i] ^ h[j]).count("1") <= 8:
            a, b = f(i), f(j)
            p[max(a, b)] = min(a, b)
print(sum(1 for i in range(n) if f(i) == i))')
	for blocks in 9 12 16; do
		run dm-dedup --simhash --hamming 8 --blocks $blocks plant.jsonl
		[ "${#lines[@]}" -eq "$want" ]
	done
}

@test "--memory 16M on a corpus many times larger gives the in-memory output" {
	# 64 MB of short samples, a third of them repeated
	awk 'BEGIN { for (i = 0; i < 1400000; i++)
		printf "{\"n\":%d,\"text\":\"sample number %d of the corpus\"}\n",
		    i, (i % 3 == 2 ? i - 1 : i) }' >big.jsonl
	[ "$(wc -c <big.jsonl)" -gt 64000000 ]
	mkdir tmp
	dm-dedup --memory 16M --tmp tmp big.jsonl >small.out
	dm-dedup --memory 1G big.jsonl >large.out
	cmp small.out large.out
	[ "$(wc -l <small.out)" -eq 933334 ]
	[ -z "$(ls tmp)" ]
}

@test "the default --memory is a quarter of the cgroup's limit (v1 or v2, the group's or a parent's) when less than RAM's" {
	# a private /sys/fs/cgroup (a tmpfs in a mount namespace) holds the
	# limits; a run whose 24M of keys outgrow the budget spills to --tmp,
	# here a missing directory, so that the budget shows
	[ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null ||
	    skip "needs root and unshare -m"
	v1=$(awk -F: '$2 ~ /(^|,)memory(,|$)/ { print $3 }' /proc/self/cgroup)
	v2=$(awk -F: '$1 == 0 && $2 == "" { print $3 }' /proc/self/cgroup)
	[ "$v2" = / ] && v2=
	seq 1000000 | awk '{ print "{\"text\":\"" $1 "\"}" }' >big.jsonl
	cat >run.sh <<-EOF
	mount -t tmpfs tmpfs /sys/fs/cgroup || exit 9
	case \$1 in
	v1) d=/sys/fs/cgroup/memory$v1; mkdir -p \$d
	    echo 9223372036854771712 >\$d/memory.limit_in_bytes
	    echo 67108864 >\${d%/*}/memory.limit_in_bytes ;;
	v2) mkdir -p /sys/fs/cgroup$v2
	    echo 67108864 >/sys/fs/cgroup$v2/memory.max ;;
	v2max) mkdir -p /sys/fs/cgroup$v2
	    echo max >/sys/fs/cgroup$v2/memory.max ;;
	unified) mkdir -p /sys/fs/cgroup/unified$v2
	    echo 67108864 >/sys/fs/cgroup/unified$v2/memory.max ;;
	esac
	dm-dedup --tmp "$BATS_TEST_TMPDIR/none" big.jsonl | wc -l
	EOF
	for c in none v2max; do
		run_split unshare -m sh run.sh $c
		assert_success
		assert_output 1000000
	done
	for c in ${v1:+v1} v2 unified; do
		run_split unshare -m sh run.sh $c
		assert_output 0
		assert_stderr "dm-dedup: $BATS_TEST_TMPDIR/none: No such file or directory"
	done
}

@test "near: --memory 1M spills sorted runs and gives the same output" {
	$PY "$REF" plant 1500 11 >plant.jsonl
	dm-dedup --near --memory 1M --tmp . --mark dup plant.jsonl >small.out
	dm-dedup --near --mark dup plant.jsonl >large.out
	cmp small.out large.out
	dm-dedup --near --preset datatrove --memory 1M --tmp . plant.jsonl >small.out
	dm-dedup --near --preset datatrove plant.jsonl >large.out
	cmp small.out large.out
}

@test "a permutation table that cannot be read is an error that names it, not a usage error" {
	echo '{"text":"a b c d e"}' >in.jsonl
	run_split env DM_SHAREDIR=/nonexistent dm-dedup --near in.jsonl
	assert_status 2
	assert_output ""
	assert_stderr "dm-dedup: /nonexistent/dedup/data-juicer.perms: No such file or directory"
	run_split env DM_SHAREDIR=/nonexistent dm-dedup --near --preset \
	    datatrove in.jsonl
	assert_status 2
	assert_stderr "dm-dedup: /nonexistent/dedup/datatrove.perms: No such file or directory"
	# settings that do not go together still are
	run_split dm-dedup --near --bands 30 --rows 10 in.jsonl
	assert_status 2
	[ "${stderr%%$'\n'*}" = "dm-dedup: --bands '30' times --rows '10' is more than --perms '256'" ]
	[[ "$stderr" == *"usage: dm-dedup"* ]]
}

@test "bad option values are usage errors" {
	run_split dm-dedup --near --tokenize words </dev/null
	assert_status 2
	[[ ${stderr%%$'\n'*} == "dm-dedup: --tokenize: 'words' is not one of space, punctuation, character" ]]
	run_split dm-dedup --preset nemo </dev/null
	assert_status 2
	[[ ${stderr%%$'\n'*} == "dm-dedup: --preset: 'nemo' is not one of data-juicer, datatrove, datamate" ]]
	run_split dm-dedup --simhash --hamming 6 </dev/null
	assert_status 2
	[[ ${stderr%%$'\n'*} == "dm-dedup: --hamming '6' is not smaller than --blocks '6'" ]]
	run_split dm-dedup --near --bands 30 --rows 10 </dev/null
	assert_status 2
	[[ ${stderr%%$'\n'*} == "dm-dedup: --bands '30' times --rows '10' is more than --perms '256'" ]]
	run_split dm-dedup --window 3 </dev/null
	assert_status 2
	run_split dm-dedup --near --exact </dev/null
	assert_status 2
	run_split dm-dedup --threshold 1.5 --near </dev/null
	assert_status 2
	[[ ${stderr%%$'\n'*} == "dm-dedup: --threshold: '1.5' is not a number from 0 to 1" ]]
}

@test "--threshold is a decimal number from 0 to 1: no white space, hex, nan or inf" {
	# strtod took ' 0.8' and 0x1p-1 (0.5), and refused 1e-400 (0)
	local t want
	for t in ' 0.8' '0.8 ' 0x1p-1 0X.8 nan -nan inf '' . e1 1e 1e+ 5. \
	    -0.5 1.5 1e400 '0,5' 0.8x; do
		run_split dm-dedup --near --threshold "$t" </dev/null
		assert_status 2
		want="dm-dedup: --threshold: '$t' is not a number from 0 to 1"
		if [ "${stderr%%$'\n'*}" != "$want" ]; then
			printf 'expected: %s\nactual: %s\n' "$want" "$stderr" >&2
			return 1
		fi
	done
	# a control character is shown escaped
	run_split dm-dedup --near --threshold $'0.\x01' </dev/null
	assert_status 2
	[ "${stderr%%$'\n'*}" = "dm-dedup: --threshold: '0.\\x01' is not a number from 0 to 1" ]
	for t in 0.8=0.8 .8=0.8 8e-1=0.8 80E-2=0.8 +0.5=0.5 -0=0 0=0 1=1 \
	    1.0000000000000001=1 1e-400=0; do
		run dm-dedup --near --params --threshold "${t%=*}"
		assert_success
		[ "$(jq -c .threshold <<<"$output")" = "${t#*=}" ]
	done
}

@test "pairs --band is N or N-M in digits: no white space, sign, or open range" {
	printf '{"text":"a b c d e f g"}\n{"text":"a b c d e f g"}\n' >s.jsonl
	dm-dedup sign --near -o sig s.jsonl
	usage=$(usage_of dm-dedup)
	# strtol took ' 3' and '+1', and '0-' as 0-0
	local b
	for b in 0- ' 3' +1 1-0 x 0--1 '0-+1' '0- 1' 99999999999999999999 ''; do
		run_split dm-dedup pairs sig --band "$b" -o p
		assert_status 2
		assert_stderr "dm-dedup: --band: '$b' is not N or N-M"$'\n'"$usage"
	done
	[ ! -e p ]
	run_split dm-dedup pairs sig --band 0-1 -o p
	assert_success
	assert_stderr ''
	[ "$(ls p)" = $'band-000.pairs\nband-001.pairs' ]
}

# shards of the planted corpus, named in input order
shards() {
	$PY "$REF" plant 300 5 >all.jsonl
	# and exact copies of 20 samples, in the last shard
	sed -n '101,120p' all.jsonl >>all.jsonl
	split -l 155 -d -a 2 --additional-suffix=.jsonl all.jsonl shard-
}

staged() {
	rm -rf sig pairs rm
	for f in shard-*.jsonl; do
		dm-dedup sign "$@" -o sig "$f"
	done
	# two pairs tasks share the bands
	n=$(ls -d sig/band-* | wc -l)
	if [ "$n" -gt 1 ]; then
		dm-dedup pairs sig --band 0-$((n / 2 - 1)) -o pairs
		dm-dedup pairs sig --band $((n / 2))-$((n - 1)) -o pairs
	else
		dm-dedup pairs sig -o pairs
	fi
	dm-dedup cluster pairs -o rm
	for f in shard-*.jsonl; do
		dm-dedup apply rm "$f"
	done
}

@test "options a mode or command does not use are usage errors, not ignored" {
	m1="dm-dedup: --perms, --bands, --rows, --threshold and --verify need --near"
	m2="dm-dedup: --hamming and --blocks need --simhash"
	m3="dm-dedup: -o, --band, --resume and --shard are for the stages (sign, pairs, cluster, apply)"
	while IFS='|' read -r args msg; do
		run_split dm-dedup $args </dev/null
		assert_status 2
		[ "${stderr%%$'\n'*}" = "$msg" ]
		[ -z "$output" ]
	done <<-EOF
	--simhash --threshold 0.1|$m1
	--simhash --perms 8 --bands 2 --rows 2|$m1
	--simhash --verify|$m1
	--exact --threshold 0.5|$m1
	--perms 8|$m1
	--exact --bands 2 --rows 2|$m1
	--near --hamming 3|$m2
	--near --blocks 8|$m2
	--exact --blocks 8|$m2
	--near --preset datamate --hamming 3|$m2
	--window 3|dm-dedup: --window and --tokenize need --near or --simhash
	-o x|$m3
	--band 1|$m3
	--resume|$m3
	--near --shard x|$m3
	sign --band 2 -o s|dm-dedup: --band is for pairs
	pairs --shard x -o p s|dm-dedup: --shard is for sign and apply
	apply -o x r f|dm-dedup: apply writes to standard output: no -o or --resume
	apply --resume r f|dm-dedup: apply writes to standard output: no -o or --resume
	EOF
	# the settings each mode uses are still taken
	printf '%s\n' '{"text":"a b c d e f g"}' >in.jsonl
	dm-dedup --simhash --blocks 8 --hamming 3 in.jsonl >/dev/null
	dm-dedup --near --threshold 0.5 --perms 64 in.jsonl >/dev/null
	dm-dedup --near --preset datamate --threshold 0.6 in.jsonl >/dev/null
}

@test "simhash: --blocks and --hamming making more than 65535 tables are refused before any is made" {
	run_split timeout 10 dm-dedup --simhash --blocks 64 --hamming 32 --params
	assert_status 2
	[ "${stderr%%$'\n'*}" = "dm-dedup: --blocks '64' and --hamming '32' make 1832624140942590534 SimHash tables (every choice of 32 of 64 blocks); at most 65535 (26 bytes a sample each)" ]
	run_split timeout 10 dm-dedup --simhash --blocks 30 --hamming 15 --params
	assert_status 2
	[ "${stderr%%$'\n'*}" = "dm-dedup: --blocks '30' and --hamming '15' make 155117520 SimHash tables (every choice of 15 of 30 blocks); at most 65535 (26 bytes a sample each)" ]
	# C(19, 9) = 92378: the table number would not fit its 2 bytes
	run_split timeout 10 dm-dedup --simhash --blocks 19 --hamming 9 --params
	assert_status 2
	[ "${stderr%%$'\n'*}" = "dm-dedup: --blocks '19' and --hamming '9' make 92378 SimHash tables (every choice of 10 of 19 blocks); at most 65535 (26 bytes a sample each)" ]
	# C(18, 9) = 48620 and C(64, 63) = 64 are made
	run dm-dedup --simhash --blocks 18 --hamming 9 --params
	assert_success
	run dm-dedup --simhash --blocks 64 --hamming 63 --params
	assert_success
}

@test "stages: sign | pairs | cluster | apply give what the single command gives" {
	shards
	for mode in --exact --near '--near --preset datatrove' --simhash \
	    '--exact --lowercase -k text -k id'; do
		staged $mode >staged.out
		dm-dedup $mode shard-*.jsonl >single.out
		cmp staged.out single.out
		printf '%s: %s of %s\n' "$mode" "$(wc -l <single.out)" 620
	done
	# the near modes removed something, so the comparison means something
	[ "$(dm-dedup --exact shard-*.jsonl | wc -l)" -eq 600 ]
	[ "$(dm-dedup --near shard-*.jsonl | wc -l)" -lt 590 ]
	[ "$(ls sig | tr '\n' ' ')" = "band-000 labels " ]
	[ "$(ls rm | tr '\n' ' ')" = "shard-00.jsonl.rm shard-01.jsonl.rm shard-02.jsonl.rm shard-03.jsonl.rm " ]
	# standard input takes --shard
	dm-dedup apply --shard shard-01.jsonl rm <shard-01.jsonl >one.out
	dm-dedup apply rm shard-01.jsonl | cmp - one.out
}

@test "stages: the stage is the first word alone: a file after it named pairs or cluster is a file" {
	printf '{"text":"a b"}\n{"text":"a b"}\n' >pairs
	dm-dedup sign --exact -o sig1 pairs
	# 'sign pairs' was taken for the stage pairs, and said that it takes
	# no --exact
	run_split dm-dedup sign pairs --exact -o sig2
	assert_success
	assert_stderr ''
	diff -r sig1 sig2
	mv sig2 cluster
	run_split dm-dedup pairs cluster -o p
	assert_success
	assert_stderr ''
	run_split dm-dedup cluster p -o rm
	assert_success
	run_split dm-dedup apply rm pairs
	assert_success
	assert_output '{"text":"a b"}'
}

# staged_mark MODE...: the stages with cluster --labels and apply --mark dup
staged_mark() {
	rm -rf sig pairs rm
	for f in shard-*.jsonl; do
		dm-dedup sign "$@" -o sig "$f"
	done
	dm-dedup pairs sig -o pairs
	dm-dedup cluster --labels sig pairs -o rm
	for f in shard-*.jsonl; do
		dm-dedup apply --mark dup rm "$f"
	done
}

@test "stages: apply --mark and sign --verify give what the single command gives" {
	shards
	for mode in --exact --near '--near --preset datatrove' --simhash \
	    '--near --verify' '--near --verify --threshold 0.5'; do
		staged_mark $mode >staged.out
		dm-dedup $mode --mark dup shard-*.jsonl >single.out
		cmp staged.out single.out
		[ "$(wc -l <staged.out)" = 620 ]
	done
	# the labels are ids here; a marked sample names one of another shard
	[ "$(jq -r 'select(.dup != null) | .dup' staged.out | sort -u | head -n 1)" != "" ]
	[ "$(ls sig/sets | head -n 2 | tr '\n' ' ')" = "shard-00.jsonl.idx shard-00.jsonl.set " ]
	# --verify without --mark; it merges fewer than without
	staged --near --verify >staged.out
	dm-dedup --near --verify shard-*.jsonl >single.out
	cmp staged.out single.out
	[ "$(wc -l <single.out)" -gt "$(dm-dedup --near shard-*.jsonl | wc -l)" ]
	# --mark needs the labels
	rm -rf rm
	dm-dedup cluster pairs -o rm
	run_split dm-dedup apply --mark dup rm shard-00.jsonl
	assert_status 2
	assert_stderr "dm-dedup: rm/shard-00.jsonl.mark: No such file or directory (--mark needs cluster --labels SIGDIR)"
	run_split dm-dedup pairs --verify sig -o other
	assert_status 2
	[ "${stderr%%$'\n'*}" = "dm-dedup: the stages take --verify in sign and --mark in apply" ]
	# the mode options are sign's: given to a later stage, they would
	# change nothing
	run_split dm-dedup pairs --near --verify sig -o other
	assert_status 2
	[ "${stderr%%$'\n'*}" = "dm-dedup: pairs takes the settings of sign from its files: no --near" ]
	run_split dm-dedup cluster --threshold 0.5 pairs -o other
	assert_status 2
	[ "${stderr%%$'\n'*}" = "dm-dedup: cluster takes the settings of sign from its files: no --threshold" ]
	run_split dm-dedup apply -k body rm shard-00.jsonl
	assert_status 2
	[ "${stderr%%$'\n'*}" = "dm-dedup: apply takes the settings of sign from its files: no -k" ]
	run_split dm-dedup apply --window 3 rm shard-00.jsonl
	assert_status 2
	[ "${stderr%%$'\n'*}" = "dm-dedup: apply takes the settings of sign from its files: no --window" ]
	[ ! -e other ]
}

@test "stages: an empty or missing input directory is an error that says so" {
	mkdir e
	echo '{"text":"a"}' >f.jsonl
	run_split dm-dedup pairs -o p e
	assert_status 2
	assert_stderr "dm-dedup: e: no signatures (no band-NNN directories)"
	[ ! -e p ]
	run_split dm-dedup pairs --band 3 -o p e
	assert_status 2
	assert_stderr "dm-dedup: e: no signatures (no band-NNN directories)"
	run_split dm-dedup pairs -o p missing
	assert_status 2
	assert_stderr "dm-dedup: missing: No such file or directory"
	run_split dm-dedup cluster -o c e
	assert_status 2
	assert_stderr "dm-dedup: e: no pairs file"
	run_split dm-dedup cluster -o c missing
	assert_status 2
	assert_stderr "dm-dedup: missing: No such file or directory"
	run_split dm-dedup apply e f.jsonl
	assert_status 2
	assert_stderr "dm-dedup: e/f.jsonl.rm: No such file or directory"
	run_split dm-dedup apply missing f.jsonl
	assert_status 2
	assert_stderr "dm-dedup: missing/f.jsonl.rm: No such file or directory"
	[ -z "$output" ]
}

@test "stages: pairs --band past the last band says how many there are" {
	for i in $(seq 1 40); do
		printf '{"text":"one two three four five six seven %d"}\n' $((i % 9))
	done >f.jsonl
	dm-dedup sign --near -o sig f.jsonl
	[ "$(ls -d sig/band-* | wc -l)" -eq 25 ]
	# it said 'sig/band-025: No such file or directory', having made
	# the output directory and the pairs of the bands before
	run_split dm-dedup pairs --band 30 -o p sig
	assert_status 2
	assert_stderr "dm-dedup: --band 30: sig has 25 bands, 0 to 24"
	[ ! -e p ]
	run_split dm-dedup pairs --band 20-25 -o p sig
	assert_status 2
	assert_stderr "dm-dedup: --band 20-25: sig has 25 bands, 0 to 24"
	[ ! -e p ]
	run dm-dedup pairs --band 20-24 -o p sig
	assert_success
	[ "$(ls p)" = "$(printf 'band-%03d.pairs\n' 20 21 22 23 24)" ]
}

@test "stages: outputs are not overwritten; --resume keeps whole ones" {
	shards
	dm-dedup sign --near -o sig shard-00.jsonl
	run_split dm-dedup sign --near -o sig shard-00.jsonl
	assert_status 2
	assert_stderr "dm-dedup: sig/band-000/shard-00.jsonl.sig: exists; remove it, or use --resume to keep it"
	touch -d 2000-01-01 sig/band-*/*.sig
	dm-dedup sign --near -o sig --resume shard-00.jsonl
	# kept, not written again
	[ -z "$(find sig -name '*.sig' -newer all.jsonl)" ]
}

@test "stages: a stage killed with SIGKILL and run again gives the same files" {
	$PY "$REF" plant 2000 9 >big.jsonl
	dm-dedup sign --near -o clean big.jsonl
	for delay in 0.05 0.2 0.4; do
		rm -rf sig
		dm-dedup sign --near -o sig big.jsonl &
		pid=$!
		sleep $delay
		kill -9 $pid 2>/dev/null || :
		wait $pid || :
		dm-dedup sign --near -o sig --resume big.jsonl
		diff -r -x '.*' clean sig
		# no temporary file is left but the killed run's, and only
		# under its dot name
		[ -z "$(find sig -name '*.sig' -newer big.jsonl | grep -v '/[^.][^/]*\.sig$')" ]
	done
}

@test "stages: a write error (a full disk) leaves no temporary file behind" {
	[ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null ||
	    skip "needs root and unshare -m (a tmpfs of 1M)"
	yes '{"text":"same"}' | head -100000 >s1.jsonl
	dm-dedup sign -o sig s1.jsonl
	dm-dedup pairs -o p sig
	# each stage into a full tmpfs, in a mount namespace of its own
	cat >full.sh <<-'EOF'
	mkdir -p d && mount -t tmpfs -o size=1m tmpfs d || exit 9
	dm-dedup "$@"
	echo "status $?"
	find d -name '.*'
	EOF
	run_split unshare -m sh full.sh sign -o d/sig s1.jsonl
	assert_output "status 2"
	assert_stderr "dm-dedup: d/sig/labels/.s1.jsonl.lab.tmp: No space left on device"
	run_split unshare -m sh full.sh pairs -o d/p sig
	assert_output "status 2"
	assert_stderr "dm-dedup: d/p/.band-000.pairs.tmp: write error: No space left on device"
	run_split unshare -m sh full.sh cluster --labels sig -o d/c p
	assert_output "status 2"
	assert_stderr "dm-dedup: d/c/.s1.jsonl.rm.tmp: write error: No space left on device"
	# what is whole is kept: the labels fit, the signatures do not
	run_split unshare -m sh -c 'mkdir -p d && mount -t tmpfs -o size=3m tmpfs d &&
	    dm-dedup sign -o d/sig s1.jsonl; echo "status $?"; find d -type f | sort'
	assert_output <<-'EOF'
	status 2
	d/sig/labels/s1.jsonl.lab
	EOF
	assert_stderr "dm-dedup: d/sig/band-000/.s1.jsonl.sig.tmp: write error: No space left on device"
}

@test "stages: pairs reads more shards than it may open files, in passes, with the same output" {
	# 300 shards of 10 near-duplicate texts, across the shards
	$PY -c '
import random
rng = random.Random(7)
base = [["w%d" % rng.randrange(40) for _ in range(12)] for _ in range(20)]
for s in range(300):
    with open("s%03d.jsonl" % s, "w") as f:
        for l in range(10):
            t = list(rng.choice(base))
            t[rng.randrange(12)] = "x%d" % rng.randrange(5)
            f.write("{\"text\":\"%s\"}\n" % " ".join(t))
'
	for f in s*.jsonl; do
		dm-dedup sign --exact -o sig "$f"
		dm-dedup sign --near --verify --threshold 0.5 -o sigv "$f"
	done
	dm-dedup pairs -o p sig
	dm-dedup pairs -o pv sigv
	[ "$(stat -c %s p/band-000.pairs)" -gt 10000 ]
	[ "$(cat pv/*.pairs | wc -c)" -gt 1000000 ]
	# a hard limit: shards merged in groups to runs, runs to runs
	for n in 256 40 20; do
		run_split sh -c "ulimit -n $n && dm-dedup pairs -o p$n sig &&
		    dm-dedup pairs -o pv$n sigv"
		assert_success
		diff -r p p$n
		diff -r pv pv$n
	done
	# a soft one is raised to the hard one
	run_split sh -c 'ulimit -Sn 20 && ulimit -Hn 2048 &&
	    dm-dedup pairs -o psoft sigv'
	assert_success
	diff -r pv psoft
	# the clusters of the stages are the single command's
	dm-dedup cluster -o rm pv256
	for f in s*.jsonl; do dm-dedup apply rm "$f"; done >staged.out
	dm-dedup --near --verify --threshold 0.5 s*.jsonl >single.out
	cmp staged.out single.out
}

@test "stages: a truncated, changed or foreign stage file is an error" {
	shards
	for f in shard-*.jsonl; do dm-dedup sign --near -o sig "$f"; done
	cp -r sig good
	head -c 100 all.jsonl >sig/band-003/bad.sig
	run_split dm-dedup pairs sig -o p1
	assert_status 2
	assert_stderr "dm-dedup: sig/band-003/bad.sig: not a dm-dedup stage file"
	rm sig/band-003/bad.sig
	truncate -s -5 sig/band-002/shard-01.jsonl.sig
	run_split dm-dedup pairs sig --band 2 -o p2
	assert_status 2
	assert_stderr "dm-dedup: sig/band-002/shard-01.jsonl.sig: truncated or damaged stage file"
	[ ! -e p2/band-002.pairs ]
	# one byte of a record changed: the MD5 says so
	cp good/band-002/shard-01.jsonl.sig sig/band-002/
	size=$(stat -c %s sig/band-002/shard-01.jsonl.sig)
	printf '\377' | dd of=sig/band-002/shard-01.jsonl.sig bs=1 \
	    seek=$((size - 40)) conv=notrunc 2>/dev/null
	run_split dm-dedup pairs sig --band 2 -o p3
	assert_status 2
	assert_stderr "dm-dedup: sig/band-002/shard-01.jsonl.sig: checksum mismatch: the stage file was changed"
	[ ! -e p3/band-002.pairs ]
	# a stage file of another kind, and of other settings
	dm-dedup pairs good --band 0 -o pairs
	run_split dm-dedup apply pairs shard-00.jsonl
	assert_status 2
	run_split dm-dedup cluster good/band-000 -o rm
	assert_status 2
	assert_stderr "dm-dedup: good/band-000: no pairs file"
	cp pairs/band-000.pairs x.sig
	mkdir -p mixed/band-000 && cp x.sig mixed/band-000/
	run_split dm-dedup pairs mixed -o p4
	assert_status 2
	assert_stderr "dm-dedup: mixed/band-000/x.sig: a pairs file, not a signature file"
	dm-dedup sign --near --threshold 0.5 -o other shard-00.jsonl
	cp other/band-000/shard-00.jsonl.sig good/band-000/shard-00x.sig
	run_split dm-dedup pairs good --band 0 -o p5
	assert_status 2
	assert_stderr "dm-dedup: good/band-000/shard-00x.sig: made with other settings than 'shard-00.jsonl.sig'"
}

# flip FILE OFFSET: one byte of FILE changed, in place
flip() {
	printf '\377' | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}

@test "stages: a truncated, changed or foreign side file (labels, sets, marks) is an error" {
	shards
	for f in shard-0[01].jsonl; do dm-dedup sign --near --verify -o sig "$f"; done
	dm-dedup pairs sig -o pairs
	dm-dedup cluster --labels sig pairs -o rm
	cp -r sig goodsig
	cp -r rm goodrm
	# every side file starts with the header of the stage files
	for f in sig/labels/shard-00.jsonl.lab sig/sets/shard-00.jsonl.set \
	    sig/sets/shard-00.jsonl.idx rm/shard-00.jsonl.mark; do
		[ "$(head -c 8 "$f")" = DMDEDUP ]
	done
	# labels, read by cluster --labels
	truncate -s -3 sig/labels/shard-01.jsonl.lab
	run_split dm-dedup cluster --labels sig pairs -o r1
	assert_status 2
	assert_stderr "dm-dedup: sig/labels/shard-01.jsonl.lab: truncated or damaged stage file"
	# all or nothing: no removals file without its marks, no temporary
	[ ! -e r1 ] || [ -z "$(ls -A r1)" ]
	# nor beside the outputs of an earlier run
	mkdir r4
	cp goodrm/shard-00.jsonl.rm r4/
	run_split dm-dedup cluster --labels sig pairs -o r4 --resume
	assert_status 2
	assert_stderr "dm-dedup: sig/labels/shard-01.jsonl.lab: truncated or damaged stage file"
	[ "$(ls -A r4)" = shard-00.jsonl.rm ]
	printf '0\t1\n1\t2\n' >sig/labels/shard-01.jsonl.lab
	run_split dm-dedup cluster --labels sig pairs -o r2
	assert_status 2
	assert_stderr "dm-dedup: sig/labels/shard-01.jsonl.lab: not a dm-dedup stage file"
	cp goodsig/labels/shard-01.jsonl.lab sig/labels/
	flip sig/labels/shard-01.jsonl.lab 70
	run_split dm-dedup cluster --labels sig pairs -o r3
	assert_status 2
	assert_stderr "dm-dedup: sig/labels/shard-01.jsonl.lab: checksum mismatch: the stage file was changed"
	# sign --resume writes a damaged side file again, the same
	dm-dedup sign --near --verify -o sig --resume shard-01.jsonl
	cmp goodsig/labels/shard-01.jsonl.lab sig/labels/shard-01.jsonl.lab
	# the shingle sets and their index, read by pairs
	flip sig/sets/shard-00.jsonl.set 1000
	run_split dm-dedup pairs sig -o p1
	assert_status 2
	assert_stderr "dm-dedup: sig/sets/shard-00.jsonl.set: checksum mismatch: the stage file was changed"
	cp goodsig/sets/shard-00.jsonl.set sig/sets/
	truncate -s -16 sig/sets/shard-01.jsonl.idx
	run_split dm-dedup pairs sig -o p2
	assert_status 2
	assert_stderr "dm-dedup: sig/sets/shard-01.jsonl.idx: truncated or damaged stage file"
	cp goodsig/sets/shard-00.jsonl.set sig/sets/shard-01.jsonl.idx
	run_split dm-dedup pairs sig -o p3
	assert_status 2
	assert_stderr "dm-dedup: sig/sets/shard-01.jsonl.idx: a sets file, not a set index file"
	# the marks, read by apply --mark
	truncate -s -1 rm/shard-00.jsonl.mark
	run_split dm-dedup apply --mark dup rm shard-00.jsonl
	assert_status 2
	assert_stderr "dm-dedup: rm/shard-00.jsonl.mark: truncated or damaged stage file"
	cp goodsig/labels/shard-00.jsonl.lab rm/shard-00.jsonl.mark
	run_split dm-dedup apply --mark dup rm shard-00.jsonl
	assert_status 2
	assert_stderr "dm-dedup: rm/shard-00.jsonl.mark: a labels file, not a marks file"
	cp goodrm/shard-00.jsonl.mark rm/
	size=$(stat -c %s rm/shard-00.jsonl.mark)
	flip rm/shard-00.jsonl.mark $((size - 2))
	run_split dm-dedup apply --mark dup rm shard-00.jsonl
	assert_status 2
	assert_stderr "dm-dedup: rm/shard-00.jsonl.mark: checksum mismatch: the stage file was changed"
	: >rm/shard-00.jsonl.mark
	run_split dm-dedup apply --mark dup rm shard-00.jsonl
	assert_status 2
	assert_stderr "dm-dedup: rm/shard-00.jsonl.mark: not a dm-dedup stage file"
	# cluster --resume writes a damaged marks file again, the same
	dm-dedup cluster --labels sig pairs -o rm --resume
	cmp goodrm/shard-00.jsonl.mark rm/shard-00.jsonl.mark
	dm-dedup apply --mark dup rm shard-00.jsonl >/dev/null
}

@test "stages: sign --verify, pairs and cluster --labels killed with SIGKILL and run again give the same files" {
	$PY "$REF" plant 2000 9 >big.jsonl
	split -l 700 -d -a 2 --additional-suffix=.jsonl big.jsonl part-
	for f in part-*.jsonl; do dm-dedup sign --near --verify -o clean "$f"; done
	dm-dedup pairs clean -o cleanp
	dm-dedup cluster --labels clean cleanp -o cleanr
	# killed at several moments; run again with --resume: the same bytes
	for delay in 0.02 0.1 0.3; do
		rm -rf sig p r
		for f in part-*.jsonl; do
			dm-dedup sign --near --verify -o sig "$f" &
			pid=$!
			sleep $delay
			kill -9 $pid 2>/dev/null || :
			wait $pid || :
			dm-dedup sign --near --verify -o sig --resume "$f"
		done
		dm-dedup pairs sig -o p &
		pid=$!
		sleep $delay
		kill -9 $pid 2>/dev/null || :
		wait $pid || :
		dm-dedup pairs sig -o p --resume
		dm-dedup cluster --labels sig p -o r &
		pid=$!
		sleep $delay
		kill -9 $pid 2>/dev/null || :
		wait $pid || :
		dm-dedup cluster --labels sig p -o r --resume
		# the same files (a killed run's dot files aside), the same
		# bytes: one diff, not a cmp a file
		diff -r -x '.*' clean sig
		diff -r -x '.*' cleanp p
		diff -r -x '.*' cleanr r
		[ "$(ls p | wc -l)" = "$(ls cleanp | wc -l)" ]
		[ "$(ls r | wc -l)" = "$(ls cleanr | wc -l)" ]
	done
}

@test "stages: the output is the same however the input is sharded and whatever --memory" {
	$PY "$REF" plant 600 5 >all.jsonl
	dm-dedup --near all.jsonl >single.out
	[ "$(wc -l <single.out)" -lt 1200 ]
	for lines in 1200 500 170; do
		rm -rf sh sig pairs rm && mkdir sh
		split -l $lines -d -a 2 --additional-suffix=.jsonl all.jsonl sh/s-
		for f in sh/*.jsonl; do
			dm-dedup sign --near --memory 1M -o sig "$f"
		done
		dm-dedup pairs sig -o pairs
		dm-dedup cluster pairs -o rm
		for f in sh/*.jsonl; do dm-dedup apply rm "$f"; done >staged.out
		cmp single.out staged.out
		dm-dedup --near --memory 1M sh/*.jsonl | cmp - single.out
		cat sh/*.jsonl | dm-dedup --near --memory 1M | cmp - single.out
	done
}

@test "stages: --resume makes a damaged or older output again, with a message, and refuses one of other settings or input" {
	shards
	dm-dedup sign --near -o sig shard-00.jsonl
	dm-dedup pairs sig -o pairs
	dm-dedup cluster pairs -o rm
	cp -r sig goodsig
	cp -r pairs goodpairs
	cp -r rm goodrm
	size=$(stat -c %s sig/band-001/shard-00.jsonl.sig)
	flip sig/band-001/shard-00.jsonl.sig $((size - 30))
	truncate -s -2 sig/labels/shard-00.jsonl.lab
	run_split dm-dedup sign --near -o sig --resume shard-00.jsonl
	assert_success
	assert_stderr <<-'EOF'
	dm-dedup: sig/band-001/shard-00.jsonl.sig: checksum mismatch: the stage file was changed; making it again
	dm-dedup: sig/labels/shard-00.jsonl.lab: truncated or damaged stage file; making it again
	EOF
	diff -r goodsig sig
	truncate -s -1 pairs/band-002.pairs
	truncate -s -1 rm/shard-00.jsonl.rm
	run_split dm-dedup pairs sig -o pairs --resume
	assert_success
	assert_stderr "dm-dedup: pairs/band-002.pairs: truncated or damaged stage file; making it again"
	run_split dm-dedup cluster pairs -o rm --resume
	assert_success
	assert_stderr "dm-dedup: rm/shard-00.jsonl.rm: truncated or damaged stage file; making it again"
	diff -r goodpairs pairs
	diff -r goodrm rm
	# whole outputs of other settings are not kept
	run_split dm-dedup sign --near --threshold 0.5 -o sig --resume shard-00.jsonl
	assert_status 2
	assert_stderr "dm-dedup: sig/band-000/shard-00.jsonl.sig: made with other settings than this run; remove it to make it again"
	dm-dedup sign --near --threshold 0.5 -o sig2 shard-00.jsonl
	run_split dm-dedup pairs sig2 -o pairs --resume
	assert_status 2
	assert_stderr "dm-dedup: pairs/band-000.pairs: made with other settings than this run; remove it to make it again"
	rm -rf p2 && dm-dedup pairs sig2 -o p2
	run_split dm-dedup cluster p2 -o rm --resume
	assert_status 2
	assert_stderr "dm-dedup: rm/shard-00.jsonl.rm: made with other settings than this run; remove it to make it again"
	diff -r goodsig sig
	diff -r goodrm rm
	# signatures of a shard of the same name and settings but of other
	# bytes are not kept (as dm-run's --resume checks its input)
	mkdir other
	sed 1d shard-00.jsonl >other/shard-00.jsonl
	run_split dm-dedup sign --near -o sig --resume other/shard-00.jsonl
	assert_status 2
	assert_stderr "dm-dedup: sig/band-000/shard-00.jsonl.sig: made from another input than this run; remove it to make it again"
	# the same bytes from standard input, a file or a pipe, are the same
	run_split dm-dedup sign --near -o sig --resume --shard shard-00.jsonl <shard-00.jsonl
	assert_success
	assert_stderr ""
	cat shard-00.jsonl | dm-dedup sign --near -o sig --resume --shard shard-00.jsonl
	diff -r goodsig sig
	# a file of an older dm-dedup (format version 2) is made again
	printf '\002' | dd of=sig/band-000/shard-00.jsonl.sig bs=1 seek=8 conv=notrunc 2>/dev/null
	run_split dm-dedup sign --near -o sig --resume shard-00.jsonl
	assert_success
	assert_stderr "dm-dedup: sig/band-000/shard-00.jsonl.sig: stage file version 2, this dm-dedup reads version 3; making it again"
	diff -r goodsig sig
}

@test "stages: cluster --labels refuses labels of another input or settings than the pairs' signatures" {
	shards
	for f in shard-*.jsonl; do dm-dedup sign --near -o sig "$f"; done
	dm-dedup pairs -o pairs sig
	# the labels of a shard of the same name and other lines
	mkdir x
	head -n 3 shard-01.jsonl >x/shard-01.jsonl
	dm-dedup sign --near -o sx x/shard-01.jsonl
	cp -r sig sigx
	cp sx/labels/shard-01.jsonl.lab sigx/labels/
	run_split dm-dedup cluster --labels sigx -o rm pairs
	assert_status 2
	assert_stderr "dm-dedup: sigx/labels/shard-01.jsonl.lab: labels of another input or settings than the signatures of the pairs"
	[ ! -e rm ]
	# of the same shard signed with other settings
	dm-dedup sign --exact -o se shard-01.jsonl
	cp se/labels/shard-01.jsonl.lab sigx/labels/
	run_split dm-dedup cluster --labels sigx -o rm pairs
	assert_status 2
	assert_stderr "dm-dedup: sigx/labels/shard-01.jsonl.lab: labels of another input or settings than the signatures of the pairs"
	# the right ones give the single command's marks
	dm-dedup cluster --labels sig -o rm pairs
	for f in shard-*.jsonl; do dm-dedup apply --mark dup rm "$f"; done >staged.out
	dm-dedup --near --mark dup shard-*.jsonl | cmp - staged.out
}

@test "stages: cluster refuses a pairs directory with a band missing or one the settings do not have" {
	shards
	for f in shard-*.jsonl; do dm-dedup sign --near -o sig "$f"; done
	dm-dedup pairs -o pairs sig
	n=$(ls pairs | wc -l)
	last=$(printf 'band-%03d' "$n")
	cp -r pairs p2
	rm p2/band-003.pairs
	run_split dm-dedup cluster -o rm p2
	assert_status 2
	assert_stderr "dm-dedup: p2/band-003.pairs: missing (the settings have $n bands)"
	cp -r pairs p3
	cp pairs/band-003.pairs p3/$last.pairs
	run_split dm-dedup cluster -o rm p3
	assert_status 2
	assert_stderr "dm-dedup: p3/$last.pairs: not a band of the settings ($n bands)"
	[ ! -e rm ]
	# pairs refuses a band of signatures the settings do not have
	cp -r sig sig3
	cp -r sig/band-003 sig3/$last
	run_split dm-dedup pairs --band "$n" -o p4 sig3
	assert_status 2
	assert_stderr "dm-dedup: sig3/$last: not a band of the settings ($n bands)"
	# the whole directory gives the single command's output
	dm-dedup cluster -o rm pairs
	for f in shard-*.jsonl; do dm-dedup apply rm "$f"; done >staged.out
	dm-dedup --near shard-*.jsonl | cmp - staged.out
}

@test "stages: a shard's removals name that shard alone, so that N shards do not take N times N names" {
	for i in 1 2 3 4; do
		printf '{"text":"s%s"}\n{"text":"common"}\n' $i >shard-$i.jsonl
	done
	for f in shard-*.jsonl; do dm-dedup sign -o sig "$f"; done
	dm-dedup pairs -o pairs sig
	dm-dedup cluster -o rm pairs
	for i in 1 2 3 4; do
		# the number of names (at 36), and the first: its own
		[ "$(od -A n -t u4 -j 36 -N 4 rm/shard-$i.jsonl.rm)" -eq 1 ]
		off=$((64 + $(od -A n -t u4 -j 32 -N 4 rm/shard-$i.jsonl.rm)))
		[ "$(tail -c +$((off + 3)) rm/shard-$i.jsonl.rm | head -c 13)" = \
		    shard-$i.jsonl ]
	done
	# the pairs name every shard, whose numbers they hold
	[ "$(od -A n -t u4 -j 36 -N 4 pairs/band-000.pairs)" -eq 4 ]
	for f in shard-*.jsonl; do dm-dedup apply rm "$f"; done >staged.out
	dm-dedup shard-*.jsonl | cmp - staged.out
	run dm-dedup cluster --resume -o rm pairs
	assert_success
	assert_output ''
}

@test "stages: pairs refuses a band that lacks a shard sign wrote labels for, or has one without them" {
	shards
	for f in shard-*.jsonl; do dm-dedup sign --near -o sig "$f"; done
	# a sign killed after its labels, before its band files
	cp -r sig s2
	rm s2/band-004/shard-01.jsonl.sig
	run_split dm-dedup pairs --band 3-5 -o p2 s2
	assert_status 2
	assert_stderr "dm-dedup: s2/band-004/shard-01.jsonl.sig: missing (sign wrote s2/labels/shard-01.jsonl.lab)"
	# the bands before were made, not the one after
	[ "$(ls p2)" = band-003.pairs ]
	# a shard's file of these settings, under another name
	cp -r sig s3
	cp sig/band-002/shard-01.jsonl.sig s3/band-002/other.jsonl.sig
	run_split dm-dedup pairs --band 2 -o p3 s3
	assert_status 2
	assert_stderr "dm-dedup: s3/band-002/other.jsonl.sig: no labels of its shard (s3/labels/other.jsonl.lab)"
	[ ! -e p3/band-002.pairs ]
	# without labels/ the bands are taken as they are
	rm -r s2/labels
	run_split dm-dedup pairs --band 4 -o p4 s2
	assert_success
	assert_stderr ''
}

@test "stages: pairs and cluster --resume refuse outputs made from another input" {
	shards
	mkdir one two
	cp shard-00.jsonl one/a.jsonl
	cp shard-01.jsonl two/a.jsonl
	dm-dedup sign --near -o s1 one/a.jsonl
	dm-dedup sign --near -o s2 two/a.jsonl
	dm-dedup pairs -o p s1
	dm-dedup cluster --labels s1 -o rm p
	# signatures of a shard of the same name, settings and other bytes
	run_split dm-dedup pairs -o p --resume s2
	assert_status 2
	assert_stderr "dm-dedup: p/band-000.pairs: made from another input than this run; remove it to make it again"
	dm-dedup pairs -o p2 s2
	run_split dm-dedup cluster -o rm --resume p2
	assert_status 2
	assert_stderr "dm-dedup: rm/a.jsonl.rm: made from another input than this run; remove it to make it again"
	# those of the same input are kept
	run_split dm-dedup pairs -o p --resume s1
	assert_success
	assert_stderr ""
	run_split dm-dedup cluster --labels s1 -o rm --resume p
	assert_success
	assert_stderr ""
	dm-dedup cluster -o rm2 p2
	dm-dedup apply rm2 two/a.jsonl | cmp - <(dm-dedup --near two/a.jsonl)
}

@test "stages: apply leaves out the lines sign rejected, --max-line's too, with the single command's exit status" {
	printf '%s\n' '{"text":"aaaaaaaaaaaaaaaaaaaa"}' '{"text":"b"}' '{"text":' \
	    '{"text":"b"}' '{"text":"aaaaaaaaaaaaaaaaaaaa"}' >m.jsonl
	run_split dm-dedup --max-line 16 --on-error=skip m.jsonl
	assert_status 1
	assert_output '{"text":"b"}'
	run_split dm-dedup sign --max-line 16 --on-error=skip -o sig m.jsonl
	assert_status 1
	dm-dedup pairs -o pairs sig
	dm-dedup cluster --labels sig -o rm pairs
	# sign said them: apply is silent
	run_split dm-dedup apply rm m.jsonl
	assert_status 1
	assert_output '{"text":"b"}'
	assert_stderr ""
	run_split dm-dedup apply --mark dup rm m.jsonl
	assert_status 1
	assert_output <<-'EOF'
	{"text":"b","dup":null}
	{"text":"b","dup":"m.jsonl:2"}
	EOF
	# --max-line is one of the settings
	dm-dedup sign -o sig2 m.jsonl --on-error=skip || :
	run_split dm-dedup pairs -o p2 sig2
	assert_success
	run_split sh -c 'cp sig/band-000/m.jsonl.sig sig2/band-000/n.jsonl.sig &&
	    dm-dedup pairs -o p3 sig2'
	assert_status 2
	assert_stderr "dm-dedup: sig2/band-000/n.jsonl.sig: made with other settings than 'm.jsonl.sig'"
}

@test "stages: apply refuses a shard of other bytes than the one the removals were made from" {
	shards
	for f in shard-*.jsonl; do dm-dedup sign --near -o sig "$f"; done
	dm-dedup pairs -o pairs sig
	dm-dedup cluster --labels sig -o rm pairs
	mkdir y
	head -n 5 shard-03.jsonl >y/shard-03.jsonl
	run_split dm-dedup apply rm y/shard-03.jsonl
	assert_status 2
	assert_output ""
	assert_stderr "dm-dedup: y/shard-03.jsonl: other bytes than those of the shard the removals were made from (rm/shard-03.jsonl.rm)"
	# a pipe's bytes are known at its end
	run_split sh -c 'cat y/shard-03.jsonl | dm-dedup apply --mark dup --shard shard-03.jsonl rm'
	assert_status 2
	assert_stderr "dm-dedup: <stdin>: other bytes than those of the shard the removals were made from (rm/shard-03.jsonl.rm)"
	# the same bytes from a file, a redirection or a pipe
	dm-dedup apply rm shard-03.jsonl >a.out
	[ "$(wc -l <a.out)" -lt 155 ]
	dm-dedup apply --shard shard-03.jsonl rm <shard-03.jsonl | cmp - a.out
	cat shard-03.jsonl | dm-dedup apply --shard shard-03.jsonl rm | cmp - a.out
}

@test "stages: sign and apply of an operand that is not a file (<(cmd), a named pipe) know its bytes from a copy" {
	local pid
	shards
	mkdir tmp
	# sign of a process substitution records the bytes it read, not
	# none: apply of the file takes its removals
	for f in shard-*.jsonl; do
		dm-dedup sign --near --tmp tmp --shard "$f" -o sig <(cat "$f")
	done
	dm-dedup pairs -o pairs sig
	dm-dedup cluster -o rm pairs
	dm-dedup --near shard-*.jsonl >want
	for f in shard-*.jsonl; do dm-dedup apply rm "$f"; done >out
	cmp out want
	[ "$(wc -l <out)" -lt 600 ]
	# and apply of one, or of a named pipe, gives what apply of the file
	# gives; the copies are gone
	dm-dedup apply rm shard-03.jsonl >a.out
	dm-dedup apply --tmp tmp --shard shard-03.jsonl rm \
	    <(cat shard-03.jsonl) | cmp - a.out
	mkfifo f
	# the writer is bounded, should apply not open the pipe
	timeout 20 sh -c 'cat shard-03.jsonl >f' &
	pid=$!
	dm-dedup apply --shard shard-03.jsonl rm f | cmp - a.out
	wait "$pid"
	[ -z "$(ls tmp)" ]
	# the copy of other bytes is refused
	run_split dm-dedup apply --shard shard-03.jsonl rm \
	    <(head -n 5 shard-03.jsonl)
	assert_status 2
	assert_output ""
	[[ "$stderr" == "dm-dedup: /dev/fd/"*": other bytes than those of the shard the removals were made from (rm/shard-03.jsonl.rm)" ]]
}

@test "stages: apply's report counts its duplicates and the lines sign rejected, as the single command's" {
	printf '%s\n' '{"text":"a"}' '{"text":1}' '{"text":"b"}' '{"text":"a"}' \
	    '{"x":"b"}' '{"text":"b"}' '{"text":"a"}' >s.jsonl
	dm-dedup sign --on-error=skip -o sig s.jsonl 2>/dev/null || true
	dm-dedup pairs -o pairs sig
	dm-dedup cluster --labels sig -o rm pairs
	for m in "" "--mark dup"; do
		rm -f one staged
		run dm-dedup $m --on-error=skip --report one s.jsonl
		assert_status 1
		run dm-dedup apply $m --report staged rm s.jsonl
		assert_status 1
		sed 's/.*"status"/"status"/' one >want
		sed 's/.*"status"/"status"/' staged >got
		cat got
		cmp got want
	done
	assert_file got '"status":1,"in":7,"out":5,"rejected":2,"duplicates":3}'
	rm -f staged
	dm-dedup apply --report staged rm s.jsonl >/dev/null || true
	sed 's/.*"status"/"status"/' staged >got
	assert_file got '"status":1,"in":7,"out":2,"rejected":2,"dropped":{"duplicate":3},"duplicates":3}'
}

@test "stages: a shard file whose name begins with '.' needs --shard, which pairs would pass over" {
	printf '%s\n' '{"text":"a"}' '{"text":"b"}' >.a.jsonl
	cp .a.jsonl b.jsonl
	run_split dm-dedup sign -o sig .a.jsonl
	assert_status 2
	[ "${stderr%%$'\n'*}" = "dm-dedup: '.a.jsonl' is not a shard name (it is empty or begins with '.'): give one with --shard" ]
	[ ! -e sig ]
	dm-dedup sign --shard a.jsonl -o sig .a.jsonl
	dm-dedup sign -o sig b.jsonl
	dm-dedup pairs -o pairs sig
	dm-dedup cluster -o rm pairs
	run dm-dedup apply --shard a.jsonl rm .a.jsonl
	assert_output "$(cat .a.jsonl)"
	run dm-dedup apply rm b.jsonl
	assert_success
	assert_output ""
}

@test "stages: SIGTERM, SIGINT or SIGHUP leaves no temporary file behind, and the signal's exit status" {
	printf '%s\n' '{"text":"a b c d e f"}' '{"text":"a b c d e g"}' >s.jsonl
	for sig in TERM INT HUP; do
		rm -rf k f
		mkfifo f
		# sign waits for more of its pipe, its files open; SIGHUP at
		# its default even when the tests run under nohup (dm-dedup
		# leaves an ignored SIGHUP ignored)
		env --default-signal=HUP dm-dedup sign --near --verify \
		    --shard s.jsonl -o k <f &
		pid=$!
		exec 7>f
		cat s.jsonl >&7
		for i in $(seq 200); do
			[ -e k/sets/.s.jsonl.idx.tmp ] && break
			sleep 0.05
		done
		[ -e k/labels/.s.jsonl.lab.tmp ]
		signal_and_wait "$pid" "$sig"
		exec 7>&-
		[ "$status" -eq $((128 + $(kill -l "$sig"))) ]
		[ -z "$(find k -name '.*.tmp')" ]
	done
}

@test "stages: sign hashes piped input as it reads it: nothing is copied to --tmp, and --resume checks the same bytes" {
	shards
	dm-dedup sign --near -o good --shard shard-00.jsonl <shard-00.jsonl
	mkdir tmp
	mkfifo in
	dm-dedup sign --near -o sig --tmp tmp --shard shard-00.jsonl <in &
	pid=$!
	exec 5>in
	head -n 100 shard-00.jsonl >&5
	# signing has begun while the pipe is open: the labels file is
	# open under its temporary name, and no file in tmp, not even an
	# unlinked one (a copy of the pipe would be)
	lab=$(realpath sig)/labels/.shard-00.jsonl.lab.tmp
	for i in $(seq 300); do
		ls -l /proc/$pid/fd 2>/dev/null | grep -qF "$lab" && break
		sleep 0.2
	done
	fds=$(ls -l /proc/$pid/fd)
	echo "$fds" | grep -qF "$lab"
	[ -z "$(echo "$fds" | grep -F "$(realpath tmp)/")" ]
	[ -z "$(ls -A tmp)" ]
	tail -n +101 shard-00.jsonl >&5
	exec 5>&-
	wait $pid
	diff -r good sig
	# the same bytes piped again: kept, not read into files
	touch -d 2000-01-01 sig/band-*/*.sig
	cat shard-00.jsonl | dm-dedup sign --near -o sig --tmp tmp --resume --shard shard-00.jsonl
	[ -z "$(find sig -name '*.sig' -newer all.jsonl)" ]
	# other bytes: refused once read, whether all outputs are whole or
	# one is to be made again
	sed 1d shard-00.jsonl >other.jsonl
	run_split sh -c 'cat other.jsonl | dm-dedup sign --near -o sig --resume --shard shard-00.jsonl'
	assert_status 2
	assert_stderr "dm-dedup: sig/band-000/shard-00.jsonl.sig: made from another input than this run; remove it to make it again"
	rm sig/band-003/shard-00.jsonl.sig
	run_split sh -c 'cat other.jsonl | dm-dedup sign --near -o sig --resume --shard shard-00.jsonl'
	assert_status 2
	assert_stderr "dm-dedup: sig/band-000/shard-00.jsonl.sig: made from another input than this run; remove it to make it again"
	[ ! -e sig/band-003/shard-00.jsonl.sig ]
	# compressed input through a pipe: its bytes as they came are
	# hashed, the text read is the same
	gzip -c shard-00.jsonl >in.gz
	dm-dedup sign --near -o gz --shard shard-00.jsonl <in.gz
	cp -r gz gzgood
	rm gz/band-001/shard-00.jsonl.sig
	cat in.gz | dm-dedup sign --near -o gz --tmp tmp --resume --shard shard-00.jsonl
	diff -r gzgood gz
	[ -z "$(ls -A tmp)" ]
}

@test "exact: more records than one in-memory slice sorts: the same samples as awk's first-seen and as a spilling run" {
	# 300,000 samples, 180,000 texts: the sort's records pass 4 MB, so
	# the in-memory buffer is sorted a slice at a time and merged
	awk 'BEGIN { for (i = 0; i < 300000; i++)
		printf "{\"text\":\"t%d\"}\n", (i * 7919) % 180000 }' >in.jsonl
	awk '!seen[$0]++' in.jsonl >want
	[ "$(wc -l <want)" -eq 180000 ]
	dm-dedup --exact in.jsonl >got
	cmp want got
	dm-dedup --exact --memory 1M --tmp "$TMP" in.jsonl >spilled
	cmp want spilled
}

@test "a band of many rows (a record of 1 to 16 KB) works in the single command and in the stages" {
	printf '%s\n' '{"text":"a b c d e f g h"}' '{"text":"x y z w v u t s"}' '{"text":"a b c d e f g h"}' > in.jsonl
	run dm-dedup --near --bands 1 --rows 256 in.jsonl
	assert_success
	assert_output "$(sed -n 1,2p in.jsonl)"
	run dm-dedup --near --perms 4096 --bands 1 --rows 4096 in.jsonl
	assert_success
	assert_output "$(sed -n 1,2p in.jsonl)"
	dm-dedup sign --near --perms 4096 --bands 2 --rows 2048 -o sig in.jsonl
	dm-dedup pairs -o pairs sig
	dm-dedup cluster -o remove pairs
	run dm-dedup apply remove in.jsonl
	assert_success
	assert_output "$(sed -n 1,2p in.jsonl)"
}

