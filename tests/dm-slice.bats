#!/usr/bin/env bats
# dm-slice.bats - chunks by size, by boundaries and recursively, their
# fields, and the usage errors. Expected --recursive chunks come from the
# Python source of LangChain's RecursiveCharacterTextSplitter.

load helper

# chunks: each output sample as [text, chunk, chunks, offset, parent].
chunks() {
	jq -c '[.text, .chunk, .chunks, .offset, .parent]'
}

@test "--size and --overlap make windows sharing the overlap, the last ending at the text's end" {
	run_split dm-slice --size 4 --overlap 1 <<<'{"id":"d1","text":"abcdefghij"}'
	assert_success
	assert_stderr ''
	assert_output <<-'EOF'
	{"id":"d1","text":"abcd","chunk":0,"chunks":3,"offset":0,"parent":"d1"}
	{"id":"d1","text":"defg","chunk":1,"chunks":3,"offset":3,"parent":"d1"}
	{"id":"d1","text":"ghij","chunk":2,"chunks":3,"offset":6,"parent":"d1"}
	EOF
	# one unit past a window: the last window is the rest, overlap included
	output=$(dm-slice --size 4 --overlap 2 <<<'{"text":"abcde"}' | chunks)
	assert_output $'["abcd",0,2,0,1]\n["cde",1,2,2,1]'
	output=$(dm-slice --size 3 <<<'{"text":"abcdef"}' | chunks)
	assert_output $'["abc",0,2,0,1]\n["def",1,2,3,1]'
}

@test "a text shorter than the size is one chunk" {
	run_split dm-slice --size 100 --overlap 10 <<<'{"text":"short text","n":1}'
	assert_success
	assert_output '{"text":"short text","n":1,"chunk":0,"chunks":1,"offset":0,"parent":1}'
}

@test "the default size is 1000 characters" {
	python3 -c 'print("{\"text\":\"" + "a" * 2500 + "\"}")' >in.jsonl
	output=$(dm-slice in.jsonl | jq -c '[(.text | length), .offset]')
	assert_output $'[1000,0]\n[1000,1000]\n[500,2000]'
}

@test "sizes count code points and never cut inside a UTF-8 sequence" {
	output=$(dm-slice --size 5 --overlap 2 <<<'{"text":"héllo wörld 日本語 🙂!"}' | chunks)
	assert_output <<-'EOF'
	["héllo",0,6,0,1]
	["lo wö",1,6,3,1]
	["wörld",2,6,6,1]
	["ld 日本",3,6,9,1]
	["日本語 🙂",4,6,12,1]
	[" 🙂!",5,6,15,1]
	EOF
}

@test "a text of one huge word is cut into windows" {
	output=$(dm-slice --size 10 --overlap 3 <<<'{"text":"xxxxxxxxxxxxxxxxxxxxxxxxx"}' | chunks)
	assert_output <<-'EOF'
	["xxxxxxxxxx",0,4,0,1]
	["xxxxxxxxxx",1,4,7,1]
	["xxxxxxxxxx",2,4,14,1]
	["xxxx",3,4,21,1]
	EOF
	output=$(dm-slice --unit words --size 2 <<<'{"text":"Donaudampfschifffahrt"}' | chunks)
	assert_output '["Donaudampfschifffahrt",0,1,0,1]'
}

@test "--unit words counts runs separated by space, newline and tab" {
	output=$(dm-slice --unit words --size 2 --overlap 1 <<<'{"text":"one two  three\nfour\tfive six"}' | chunks)
	assert_output <<-'EOF'
	["one two",0,5,0,1]
	["two  three",1,5,4,1]
	["three\nfour",2,5,9,1]
	["four\tfive",3,5,15,1]
	["five six",4,5,20,1]
	EOF
	# white space only: no word, no chunk
	run_split dm-slice --unit words <<<'{"text":" \n\t "}'
	assert_success
	assert_output ''
}

@test "an empty text gives no chunk" {
	run_split dm-slice <<<'{"text":"","id":1}'
	assert_success
	assert_stderr ''
	assert_output ''
}

@test "--by paragraph splits at blank lines and packs paragraphs up to the size" {
	in='{"text":"Para one.\n\nPara two is here.\n  \nPara three."}'
	output=$(dm-slice --by paragraph --size 20 <<<"$in" | chunks)
	assert_output <<-'EOF'
	["Para one.",0,3,0,1]
	["Para two is here.",1,3,11,1]
	["Para three.",2,3,32,1]
	EOF
	output=$(dm-slice --by paragraph --size 30 <<<"$in" | chunks)
	assert_output <<-'EOF'
	["Para one.\n\nPara two is here.",0,2,0,1]
	["Para three.",1,2,32,1]
	EOF
}

@test "--by paragraph with an overlap repeats the last paragraphs that fit" {
	output=$(dm-slice --by paragraph --size 8 --overlap 3 <<<'{"text":"aa\n\nbb\n\ncc\n\ndd"}' | chunks)
	assert_output <<-'EOF'
	["aa\n\nbb",0,3,0,1]
	["bb\n\ncc",1,3,4,1]
	["cc\n\ndd",2,3,8,1]
	EOF
}

@test "--by line splits at line ends (CR, LF, CRLF); a long line is cut" {
	output=$(dm-slice --by line --size 5 <<<'{"text":"l1\nl2\r\nl3\n\nl4\rlonger line"}' | chunks)
	assert_output <<-'EOF'
	["l1\nl2",0,6,0,1]
	["l3",1,6,7,1]
	["l4",2,6,11,1]
	["longe",3,6,14,1]
	["r lin",4,6,19,1]
	["e",5,6,24,1]
	EOF
}

@test "--by drops the windows of a long piece that are white space only, as empty pieces" {
	# 20 spaces; 8 ideographic spaces (U+3000) and a tab
	in='{"text":"ab                    cd\nef\u3000\u3000\u3000\u3000\u3000\u3000\u3000\u3000\tgh"}'
	output=$(dm-slice --by line --size 5 <<<"$in" | chunks)
	assert_output <<-'EOF'
	["ab   ",0,4,0,1]
	["  cd",1,4,20,1]
	["ef　　　",2,4,25,1]
	["\tgh",3,4,35,1]
	EOF
	# the windows of the text without --by are cuts of it, kept whole
	output=$(dm-slice --size 5 <<<'{"text":"ab      cd"}' | chunks)
	assert_output $'["ab   ",0,2,0,1]\n["   cd",1,2,5,1]'
}

@test "--by sentence ends sentences at .!? with closing quotes and brackets, and at 。！？" {
	in='{"text":"Hi there. \"Quoted!\" And (this?) ok. 你好。世界！end"}'
	output=$(dm-slice --by sentence --size 12 <<<"$in" | chunks)
	assert_output <<-'EOF'
	["Hi there.",0,5,0,1]
	["\"Quoted!\"",1,5,10,1]
	["And (this?)",2,5,20,1]
	["ok. 你好。世界！",3,5,32,1]
	["end",4,5,42,1]
	EOF
	# no white space after the dot: no sentence end (3.14, e.g.)
	output=$(dm-slice --by sentence --size 4 <<<'{"text":"Pi is 3.14 ok."}' | chunks)
	assert_output $'["Pi i",0,4,0,1]\n["s 3.",1,4,4,1]\n["14 o",2,4,8,1]\n["k.",3,4,12,1]'
}

@test "--by sentence with --unit words packs sentences by word count" {
	output=$(dm-slice --by sentence --unit words --size 5 <<<'{"text":"a b c d e. f g h. i j"}' | chunks)
	assert_output $'["a b c d e.",0,2,0,1]\n["f g h. i j",1,2,11,1]'
}

@test "--by regex:RE splits before each match, multiline (markdown sections)" {
	in='{"text":"# A\ntext a\n## B\ntext b\n### C\nc"}'
	output=$(dm-slice --by 'regex:^#{1,3} ' --size 14 <<<"$in" | chunks)
	assert_output <<-'EOF'
	["# A\ntext a",0,3,0,1]
	["## B\ntext b",1,3,11,1]
	["### C\nc",2,3,23,1]
	EOF
	# an empty match does not loop
	output=$(dm-slice --by 'regex:^' --size 3 <<<'{"text":"ab\ncd"}' | chunks)
	assert_output $'["ab",0,2,0,1]\n["cd",1,2,3,1]'
}

@test "--by regex:RE that backtracks without end on a text makes it a bad sample, with the reason" {
	printf '%s\n' '{"text":"x\ny"}' '{"text":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab"}' >in.jsonl
	run_split timeout -k 5 20 dm-slice --on-error=skip --rejects rej.jsonl --by 'regex:(a+)+$' --size 5 in.jsonl
	assert_status 1
	assert_output '{"text":"x\ny","chunk":0,"chunks":1,"offset":0,"parent":1}'
	assert_stderr <<'EOF'
dm-slice: in.jsonl:2: the pattern takes too long on this text (PCRE2 match limit of 10000000 exceeded)
dm-slice: 1 of 2 samples rejected
EOF
	[ "$(jq -r '[.line, .reason] | @tsv' rej.jsonl)" = "2	the pattern takes too long on this text (PCRE2 match limit of 10000000 exceeded)" ]
}

@test "--recursive gives the chunks of LangChain's Python splitter" {
	in='{"text":"Hello world.\n\nThis is a test of the recursive splitter.\nIt has lines.\n\nÉté à Paris, 日本語のテキスト 🙂 done."}'
	output=$(dm-slice --recursive --size 20 --overlap 5 <<<"$in" | chunks)
	assert_output <<-'EOF'
	["Hello world.",0,7,0,1]
	["This is a test of",1,7,14,1]
	["of the recursive",2,7,29,1]
	["splitter.",3,7,46,1]
	["It has lines.",4,7,56,1]
	["Été à Paris,",5,7,71,1]
	["日本語のテキスト 🙂 done.",6,7,84,1]
	EOF
}

@test "--recursive takes LangChain's defaults: chunk_size 4000, chunk_overlap 200" {
	python3 -c 'import json; print(json.dumps({"text": " ".join("w%d" % i for i in range(2500))}))' >in.jsonl
	# the chunks of RecursiveCharacterTextSplitter() with no argument
	output=$(dm-slice --recursive in.jsonl | jq -c '[(.text | length), .offset, .text[:6], .text[-6:], .chunks]')
	assert_output <<-'EOF'
	[3999,0,"w0 w1 ","0 w821",4]
	[3999,3800,"w782 w"," w1484",4]
	[3995,7602,"w1452 "," w2117",4]
	[2489,11400,"w2085 "," w2499",4]
	EOF
	# LangChain refuses chunk_size=100 with its chunk_overlap of 200
	run_split dm-slice --recursive --size 100 in.jsonl
	assert_status 2
	assert_output ''
	assert_stderr "dm-slice: --overlap '200' (the default of --recursive, LangChain's) is larger than --size '100'"$'\n'"$(usage_of dm-slice)"
	output=$(dm-slice --recursive --size 100 --overlap 0 in.jsonl | wc -l)
	assert_output 143
	# without --recursive, the defaults stay 1000 and 0
	output=$(dm-slice in.jsonl | jq -c '[.offset, (.text | length)]' | head -n 2)
	assert_output $'[0,1000]\n[1000,1000]'
}

@test "--recursive --separators: without '' an oversized piece stays whole and unstripped" {
	in='{"text":"Hello world.\n\nThis is a test of the recursive splitter.\nIt has lines.\n\nÉté à Paris, 日本語のテキスト 🙂 done."}'
	output=$(dm-slice --recursive --size 12 --overlap 0 --separators '. , ' <<<"$in" | jq -c '[.text, .offset]')
	assert_output <<-'EOF'
	["Hello",0]
	[" world.\n\nThis",5]
	["is a test",19]
	["of the",29]
	["recursive",36]
	[" splitter.\nIt",45]
	["has",59]
	[" lines.\n\nÉté",62]
	["à Paris,",75]
	["日本語のテキスト 🙂",84]
	["done.",95]
	EOF
}

@test "--recursive cuts one huge word character by character, as LangChain" {
	output=$(dm-slice --recursive --size 10 --overlap 3 <<<'{"text":"xxxxxxxxxxxxxxxxxxxxxxxxx"}' | chunks)
	assert_output <<-'EOF'
	["xxxxxxxxxx",0,4,0,1]
	["xxxxxxxxxx",1,4,7,1]
	["xxxxxxxxxx",2,4,14,1]
	["xxxx",3,4,21,1]
	EOF
}

@test "--recursive takes an overlap of the whole size, as LangChain (not more)" {
	# chunk_overlap == chunk_size: LangChain's merge drops pieces from
	# the front until the next one fits
	output=$(dm-slice --recursive --size 3 --overlap 3 <<<'{"text":"abcdefg"}' | chunks)
	assert_output $'["abc",0,5,0,1]\n["bcd",1,5,1,1]\n["cde",2,5,2,1]\n["def",3,5,3,1]\n["efg",4,5,4,1]'
	output=$(dm-slice --recursive --size 5 --overlap 5 <<<'{"text":"a b c d e f g"}' | jq -c .text)
	assert_output $'"a b c"\n"c d"\n"d e"\n"e f"\n"f g"'
	run_split dm-slice --recursive --size 3 --overlap 4 </dev/null
	assert_status 2
	assert_stderr "dm-slice: --overlap '4' is larger than --size '3'"$'\n'"$(usage_of dm-slice)"
	# windows would not move
	run_split dm-slice --by line --size 3 --overlap 3 </dev/null
	assert_status 2
	assert_stderr "dm-slice: --overlap '3' is not smaller than --size '3'"$'\n'"$(usage_of dm-slice)"
}

@test "--separators understands \\n, \\t, \\, and \\\\" {
	output=$(dm-slice --recursive --size 4 --overlap 0 --separators '\n,\,' <<<'{"text":"ab,cd\nef,gh"}' | chunks)
	assert_output $'["ab",0,4,0,1]\n[",cd",1,4,2,1]\n["ef",2,4,6,1]\n[",gh",3,4,8,1]'
}

@test "--separators refuses a separator that is not UTF-8, not every sample that holds its byte" {
	# a byte inside a character cut the character: each such sample was
	# rejected ("invalid UTF-8 at byte 1 of the new value of 'text'")
	run_split dm-slice --recursive --size 2 --separators $'\\n,\xa9' <<<'{"text":"aéb"}'
	assert_status 2
	assert_output ''
	assert_stderr "dm-slice: --separators: separator 2 is not valid UTF-8"$'\n'"$(usage_of dm-slice)"
	output=$(dm-slice --recursive --size 2 --overlap 0 --separators 'é,' <<<'{"text":"aébécé"}' | jq -c .text)
	assert_output $'"a"\n"éb"\n"éc"\n"é"'
}

@test "parent is the id field when there is one, else the line number" {
	printf '%s\n' '{"id":{"k":[1, 2]},"text":"ab"}' '' '{"text":"cd"}' '{"id":7,"text":"ef"}' >in.jsonl
	output=$(dm-slice in.jsonl | jq -c '.parent')
	assert_output $'{"k":[1,2]}\n3\n7'
}

@test "chunk fields already in the sample are overwritten in place" {
	run_split dm-slice --size 2 <<<'{"chunk":"x","text":"abc","parent":null}'
	assert_success
	assert_output <<-'EOF'
	{"chunk":0,"text":"ab","parent":1,"chunks":2,"offset":0}
	{"chunk":1,"text":"c","parent":1,"chunks":2,"offset":2}
	EOF
}

@test "-k slices another field, nested ones too" {
	output=$(dm-slice -k m.body --size 2 <<<'{"text":"keep","m":{"body":"abc"}}')
	assert_output <<-'EOF'
	{"text":"keep","m":{"body":"ab"},"chunk":0,"chunks":2,"offset":0,"parent":1}
	{"text":"keep","m":{"body":"c"},"chunk":1,"chunks":2,"offset":2,"parent":1}
	EOF
}

@test "--min-size drops short chunks before --max-chunks caps them" {
	output=$(dm-slice --by paragraph --size 5 --min-size 3 <<<'{"text":"a\n\nbbb\n\ncc\n\ndddd\n\neeeee"}' | chunks)
	assert_output $'["bbb",0,3,3,1]\n["dddd",1,3,12,1]\n["eeeee",2,3,18,1]'
	output=$(dm-slice --by paragraph --size 5 --min-size 3 --max-chunks 2 <<<'{"text":"a\n\nbbb\n\ncc\n\ndddd\n\neeeee"}' | chunks)
	assert_output $'["bbb",0,2,3,1]\n["dddd",1,2,12,1]'
	output=$(dm-slice --unit words --size 1 --min-size 2 <<<'{"text":"a b"}')
	assert_output ''
}

@test "a sample without the text field follows --on-error" {
	printf '%s\n' '{"text":"ab"}' '{"body":"x"}' '{"text":"cd"}' >in.jsonl
	run_split dm-slice in.jsonl
	assert_status 2
	assert_output '{"text":"ab","chunk":0,"chunks":1,"offset":0,"parent":1}'
	assert_stderr "dm-slice: in.jsonl:2: field 'text' is missing"
	run_split dm-slice --on-error=skip in.jsonl
	assert_status 1
	assert_output $'{"text":"ab","chunk":0,"chunks":1,"offset":0,"parent":1}\n{"text":"cd","chunk":0,"chunks":1,"offset":0,"parent":3}'
	assert_stderr $'dm-slice: in.jsonl:2: field \'text\' is missing\ndm-slice: 1 of 3 samples rejected'
}

@test "a 50 MB text is sliced whole" {
	{
		printf '{"text":"'
		head -c 50000000 /dev/zero | tr '\0' 'a'
		printf '"}\n'
	} >huge.jsonl
	output=$(dm-slice --size 1000000 huge.jsonl | jq -c '[(.text | length), .offset]' | sed -n '1p;50p;51p')
	assert_output $'[1000000,0]\n[1000000,49000000]'
}

@test "usage errors name the option and exit 2 with the usage" {
	usage=$(usage_of dm-slice)
	run_split dm-slice --size 10 --overlap 10 </dev/null
	assert_status 2
	assert_stderr "dm-slice: --overlap '10' is not smaller than --size '10'"$'\n'"$usage"
	run_split dm-slice --overlap 1000
	assert_stderr "dm-slice: --overlap '1000' is not smaller than --size '1000'"$'\n'"$usage"
	run_split dm-slice --size 0
	assert_stderr "dm-slice: --size: '0' is out of range [1, 9223372036854775807]"$'\n'"$usage"
	run_split dm-slice --max-chunks x
	assert_stderr "dm-slice: --max-chunks: 'x' is not a number"$'\n'"$usage"
	run_split dm-slice --unit bytes
	assert_stderr "dm-slice: --unit: 'bytes' is not one of chars, words"$'\n'"$usage"
	run_split dm-slice --by page
	assert_stderr "dm-slice: --by: 'page' is not one of paragraph, line, sentence, regex:RE"$'\n'"$usage"
	run_split dm-slice --by 'regex:('
	assert_status 2
	[[ ${stderr%%$'\n'*} == "dm-slice: --by: missing closing parenthesis at offset 1" ]]
	run_split dm-slice --by regex:
	assert_stderr "dm-slice: --by: the regex is empty"$'\n'"$usage"
	run_split dm-slice --recursive --by line
	assert_stderr "dm-slice: --recursive and --by 'line' exclude each other"$'\n'"$usage"
	run_split dm-slice --recursive --unit words
	assert_stderr "dm-slice: --recursive counts characters, not words"$'\n'"$usage"
	run_split dm-slice --separators ' '
	assert_stderr "dm-slice: --separators needs --recursive"$'\n'"$usage"
	run_split dm-slice --recursive --separators '\q'
	assert_stderr "dm-slice: --separators: '\\q' is not one of \\n, \\t, \\r, \\, and \\\\"$'\n'"$usage"
	assert_output ''
}

@test "a write error (/dev/full) exits 2 with 'write error'" {
	printf '{"text":"abc"}\n' >in.jsonl
	dm-slice in.jsonl >/dev/full 2>err && status=0 || status=$?
	[ "$status" -eq 2 ]
	assert_bytes err '%s\n' "dm-slice: write error: No space left on device"
}

@test "ends quietly when the reader goes away (| head -n1)" {
	seq 1 200000 | sed 's/.*/{"text":"some words of text"}/' >big.jsonl
	dm-slice --size 5 big.jsonl 2>err | head -n1 >out
	st=("${PIPESTATUS[@]}")
	[ "${st[0]}" -eq 141 ]
	assert_bytes err ''
	assert_bytes out '%s\n' '{"text":"some ","chunk":0,"chunks":4,"offset":0,"parent":1}'
}

@test "SIGINT or SIGTERM during a long run leaves only whole chunks and exits 130 or 143" {
	for sig in INT TERM; do
		rm -f out err
		yes '{"text":"hello world"}' 3>&- |
		    dm-slice --size 5 >out 2>err 3>&- &
		pid=$!
		wait_for_size out 1000000
		signal_and_wait "$pid" "$sig"
		[ "$status" -eq "$([ $sig = INT ] && echo 130 || echo 143)" ]
		[ "$(tail -c 1 out | od -An -c | tr -d ' ')" = '\n' ]
		# every line is one of the three chunks of the sample, whole
		[ "$(grep -cvx \
		    -e '{"text":"hello","chunk":0,"chunks":3,"offset":0,"parent":[0-9]*}' \
		    -e '{"text":" worl","chunk":1,"chunks":3,"offset":5,"parent":[0-9]*}' \
		    -e '{"text":"d","chunk":2,"chunks":3,"offset":10,"parent":[0-9]*}' \
		    out)" -eq 0 ]
		assert_bytes err ''
	done
}

@test "slicing a 20 MB line peaks at less than 3 times the line" {
	local m
	skip_asan "its shadow memory and quarantine are in the RSS (76 MB, not 25)"
	/usr/bin/python3 -c '
import sys
w = ("lorem ipsum dolor sit amet consectetur. " * 520000)[:20000000]
sys.stdout.write("{\"text\":\"" + w + "\"}\n")' >big.jsonl
	for a in "" "--recursive" "--unit words" "--by sentence" \
	    "--unit words --size 300 --overlap 100"; do
		/usr/bin/time -f %M -o rss dm-slice $a big.jsonl >out
		m=$(cat rss)
		echo "dm-slice $a: $m kB"
		[ "$m" -lt 60000 ]
		[ "$(wc -l <out)" -gt 1000 ]
	done	# a regex matching every space: 3.3 million cuts, made and packed
	# as they are found, never held all at once
	for by in 'regex: ' 'regex:[.] ' line paragraph; do
		/usr/bin/time -f %M -o rss dm-slice --by "$by" --overlap 100 big.jsonl >out
		m=$(cat rss)
		echo "dm-slice --by '$by': $m kB"
		[ "$m" -lt 60000 ]
		[ "$(wc -l <out)" -gt 20000 ]
	done
}

@test "a text that is one chunk whole costs 2 times its line, not 3 (3 with escapes, not 5)" {
	local m a
	skip_asan "its shadow memory and quarantine are in the RSS"
	# 20 MB of text, without escapes, then with one
	/usr/bin/python3 -c '
import sys
w = ("lorem ipsum dolor sit amet consectetur. " * 520000)[:20000000]
sys.stdout.write("{\"id\": 5, \"text\": \"" + w + "\"}\n")
sys.stdout.write("{\"id\": 6, \"text\": \"\\u00e9" + w + "\"}\n")' >big.jsonl
	head -n 1 big.jsonl >plain.jsonl
	tail -n 1 big.jsonl >esc.jsonl
	: >out
	for a in "" --bare; do
		/usr/bin/time -f %M -o rss dm-slice $a --size 30000000 plain.jsonl >>out
		m=$(cat rss)
		echo "dm-slice $a plain: $m kB"
		[ "$m" -lt 46000 ]
		/usr/bin/time -f %M -o rss dm-slice $a --size 30000000 esc.jsonl >>out
		m=$(cat rss)
		echo "dm-slice $a escaped: $m kB"
		[ "$m" -lt 70000 ]
	done
	# the text as it was: with --bare the samples are their lines
	run jq -c '[.id, .chunk, .chunks, .offset, .parent, (.text | length)]' out
	assert_output $'[5,0,1,0,5,20000000]\n[6,0,1,0,6,20000001]\n[5,null,null,null,null,20000000]\n[6,null,null,null,null,20000001]'
	tail -n 2 out | cmp - big.jsonl
	jq -c .text big.jsonl big.jsonl | cmp - <(jq -c .text out)
}

@test "--by sentence merges paragraph and sentence ends in the order of the text" {
	output=$(dm-slice --by sentence --size 5 <<<'{"text":"one\n\ntwo. three\n\t\nfour! five\r\n\r\nsix。seven"}' | chunks)
	assert_output <<-'EOF'
	["one",0,7,0,1]
	["two.",1,7,5,1]
	["three",2,7,10,1]
	["four!",3,7,18,1]
	["five",4,7,24,1]
	["six。",5,7,32,1]
	["seven",6,7,36,1]
	EOF
}

@test "--by sentence on a 20 MB line of 5 million sentences peaks at less than 3 times the line" {
	local m s
	skip_asan "its shadow memory and quarantine are in the RSS"
	/usr/bin/python3 -c '
import sys
sys.stdout.write("{\"text\":\"" + "Hi. " * 5000000 + "\"}\n")' >big.jsonl
	# the sentence ends are found as they are needed, not listed first
	# (8 bytes each, the list doubled as it grew: 80 MB)
	/usr/bin/time -f %M -o rss dm-slice --by sentence big.jsonl >out
	m=$(cat rss)
	echo "dm-slice --by sentence: $m kB"
	[ "$m" -lt 60000 ]
	# 250 sentences a chunk, 999 characters, 1000 apart
	s=$(printf 'Hi. %.0s' $(seq 250))
	output=$(jq -r '[.chunk == (.offset / 1000), .chunks, .text == $s] |
	    @tsv' --arg s "${s% }" out | sort | uniq -c | sed 's/^ *//')
	assert_output $'20000 true\t20000\ttrue'
}

@test "a field name that is not UTF-8 is refused, its invalid bytes escaped" {
	run_split dm-slice -k $'t\xff' <<< '{"text":"x"}'
	assert_status 2
	assert_stderr "dm-slice: -k: 't\\xff': invalid UTF-8 at column 2
$(usage_of dm-slice)"
}

@test "the usage lines of --help have the options of the man page's synopsis, --report too" {
	dm-slice --help >help
	/usr/bin/python3 - "$DM_REPO/man/dm-slice.1" <<'PY' >want
import re, sys
syn = open(sys.argv[1]).read().split(".Sh SYNOPSIS\n")[1].split(".Sh ")[0]
print(" ".join(sorted(set("-" + m for m in re.findall(r"Fl (-?[a-zA-Z][a-zA-Z0-9-]*)", syn)))))
PY
	/usr/bin/python3 - <<'PY' >got
import re
u = open("help").read().split("\n\n")[0]
print(" ".join(sorted(set(re.findall(r"(?<![\w-])--?[a-zA-Z][a-zA-Z0-9-]*", u)))))
PY
	run cat got
	assert_output "$(cat want)"
	assert_output '--bare --by --files0-from --max-chunks --max-line --min-size --on-error --overlap --preset --progress --recursive --rejects --report --separators --size --unit -hV -k'
}

@test "-k or DM_TEXT_KEY naming a field that each chunk gets is refused, not its text thrown away" {
	usage=$(usage_of dm-slice)
	for k in chunk chunks offset parent chunk.body; do
		run_split dm-slice -k "$k" --size 3 <<<'{"chunk":"abcdef","chunks":"abc","offset":"abc","parent":"abc"}'
		assert_status 2
		assert_output ''
		assert_stderr "dm-slice: -k: '$k' would be overwritten: dm-slice writes chunk, chunks, offset and parent"$'\n'"$usage"
	done
	DM_TEXT_KEY=offset run_split dm-slice --size 3 <<<'{"offset":"abcdef"}'
	assert_status 2
	assert_output ''
	assert_stderr "dm-slice: DM_TEXT_KEY: 'offset' would be overwritten: dm-slice writes chunk, chunks, offset and parent"
	# names that only begin like them are fine, and -k overrides the variable
	DM_TEXT_KEY=chunk run_split dm-slice -k chunky --size 3 <<<'{"chunky":"abcdef"}'
	assert_success
	assert_output $'{"chunky":"abc","chunk":0,"chunks":2,"offset":0,"parent":1}\n{"chunky":"def","chunk":1,"chunks":2,"offset":3,"parent":1}'
}

@test "--by sentence and --by paragraph take Unicode white space, and CR line ends, as white space" {
	# U+3000, U+00A0, form feed and U+2029 after a full stop end a sentence
	in=$(printf '{"text":"One.\\u3000Two.\\u00a0Three.\\fFour.\\u2029Five. Six."}')
	output=$(dm-slice --by sentence --size 8 <<<"$in" | chunks)
	assert_output <<-'EOF'
	["One.",0,6,0,1]
	["Two.",1,6,5,1]
	["Three.",2,6,10,1]
	["Four.",3,6,17,1]
	["Five.",4,6,23,1]
	["Six.",5,6,29,1]
	EOF
	# lines of U+3000, of a form feed, of U+2029 are blank; lines end at
	# LF, CR or CR LF
	in=$(printf '{"text":"p1\\n\\u3000\\np2\\n\\f\\np3\\r \\rp4\\n \\n p5\\r\\n\\u2029\\r\\np6"}')
	for by in paragraph sentence; do
		output=$(dm-slice --by $by --size 3 <<<"$in" | chunks)
		assert_output <<-'EOF'
		["p1",0,6,0,1]
		["p2",1,6,5,1]
		["p3",2,6,10,1]
		["p4",3,6,15,1]
		["p5",4,6,21,1]
		["p6",5,6,28,1]
		EOF
	done
	# U+2028 inside a line is no line end
	output=$(dm-slice --by paragraph --size 4 <<<'{"text":"a\n\u2028b\n\nc"}' | chunks)
	assert_output $'["a\\n\u2028b",0,2,0,1]\n["c",1,2,6,1]'
}

@test "SIGTERM while one text is cut into millions of chunks ends the run with the chunks written, whole" {
	{
		printf '{"text":"'
		head -c 20000000 /dev/zero | tr '\0' 'a'
		printf '"}\n'
	} >a20.jsonl
	dm-slice --size 1 a20.jsonl >out 2>err &
	pid=$!
	wait_for_size out 1000000
	signal_and_wait "$pid" TERM
	[ "$status" -eq 143 ]
	[ "$(tail -c 1 out | od -An -c | tr -d ' ')" = '\n' ]
	[ "$(wc -l <out)" -lt 20000000 ]
	[ "$(grep -cvx '{"text":"a","chunk":\([0-9]*\),"chunks":20000000,"offset":\1,"parent":1}' out)" -eq 0 ]
	assert_bytes err ''
}

@test "SIGTERM stops the cutting of a text that takes long before its first chunk" {
	local a
	for a in "--recursive --size 100000 --overlap 99999" \
	    "--by line --size 100000 --overlap 99999" \
	    "--by regex:a --size 100000 --overlap 99999"; do
		/usr/bin/python3 -c '
print("{\"text\":\"" + "a\\n" * 1000000 + "\"}")' >in.jsonl
		dm-slice $a in.jsonl >out 2>err &
		pid=$!
		sleep 1
		signal_and_wait "$pid" TERM
		[ "$status" -eq 143 ]
		assert_bytes out ''
		assert_bytes err ''
	done
}

@test "memory does not grow with the number of chunks: millions of chunks of a 5 MB text in 60 MB" {
	skip_asan "its shadow memory and quarantine are in the RSS"
	/usr/bin/python3 -c 'print("{\"text\":\"" + "a" * 5000000 + "\"}")' >a5.jsonl
	/usr/bin/python3 -c 'print("{\"text\":\"" + "a\\n" * 2500000 + "\"}")' >l5.jsonl
	# 24 bytes a chunk held at once would be 120 MB and more
	run_split bash -c "$(mem_limit 60000)"'; set -o pipefail
	    dm-slice --size 1 a5.jsonl | sed -n "1p;\$p;\$="'
	assert_success
	assert_stderr ''
	assert_output <<-'EOF'
	{"text":"a","chunk":0,"chunks":5000000,"offset":0,"parent":1}
	{"text":"a","chunk":4999999,"chunks":5000000,"offset":4999999,"parent":1}
	5000000
	EOF
	run_split bash -c "$(mem_limit 60000)"'; set -o pipefail
	    dm-slice --by line --size 1 --overlap 0 l5.jsonl | sed -n "1p;\$p;\$="'
	assert_success
	assert_stderr ''
	assert_output <<-'EOF'
	{"text":"a","chunk":0,"chunks":2500000,"offset":0,"parent":1}
	{"text":"a","chunk":2499999,"chunks":2500000,"offset":4999998,"parent":1}
	2500000
	EOF
	# --max-chunks stops the cut early; chunks counts the chunks kept
	run_split bash -c "$(mem_limit 60000)"'; exec dm-slice --size 1 --max-chunks 2 a5.jsonl'
	assert_success
	assert_stderr ''
	assert_output <<-'EOF'
	{"text":"a","chunk":0,"chunks":2,"offset":0,"parent":1}
	{"text":"a","chunk":1,"chunks":2,"offset":1,"parent":1}
	EOF
}

@test "-k with a dotted path: memory does not grow with the number of chunks" {
	local m
	skip_asan "its shadow memory and quarantine are in the RSS"
	/usr/bin/python3 -c '
import sys
w = ("lorem ipsum dolor sit amet consectetur. " * 52000)[:2000000]
sys.stdout.write("{\"id\": 1, \"meta\": {\"lang\": \"en\", \"text\": \"" + w + "\", \"n\": [1, 2]}, \"z\": 0}\n")' >nest.jsonl
	# 200000 chunks: each set a nested field in the sample, which kept
	# what every such edit took until the next line (137 MB here)
	/usr/bin/time -f %M -o rss dm-slice -k meta.text --size 10 --overlap 2 nest.jsonl >out
	m=$(cat rss)
	echo "dm-slice -k meta.text: $m kB"
	[ "$m" -lt 20000 ]
	[ "$(wc -l <out)" -eq 250000 ]
	run sed -n '1p;2p;250000p' out
	assert_output <<-'EOF'
	{"id":1,"meta":{"lang":"en","text":"lorem ipsu","n":[1,2]},"z":0,"chunk":0,"chunks":250000,"offset":0,"parent":1}
	{"id":1,"meta":{"lang":"en","text":"sum dolor ","n":[1,2]},"z":0,"chunk":1,"chunks":250000,"offset":8,"parent":1}
	{"id":1,"meta":{"lang":"en","text":"ctetur. ","n":[1,2]},"z":0,"chunk":249999,"chunks":250000,"offset":1999992,"parent":1}
	EOF
	# the chunks are those of the same text at the top
	jq -c '{text: .meta.text}' nest.jsonl | dm-slice --size 10 --overlap 2 | jq -r .text >want
	jq -r .meta.text out | cmp - want
}

@test "-k with a dotted path: a stripped chunk of a text with escapes is not decoded twice" {
	local m a
	skip_asan "its shadow memory and quarantine are in the RSS"
	# 20 MB of text with a newline every 40 bytes, a space at both ends
	/usr/bin/python3 -c '
import json, sys
w = ("lorem ipsum dolor sit amet consectetur.\n" * 520000)[:20000000]
sys.stdout.write(json.dumps({"id": 7, "meta": {"lang": "en", "text": " " + w + " ", "n": [1, 2]}, "z": 0}) + "\n")' >nest.jsonl
	for a in --recursive "--by paragraph"; do
		# the line, the text decoded, the chunk encoded: 61 MB; the
		# chunk was decoded again to find where it is (81 MB)
		/usr/bin/time -f %M -o rss dm-slice -k meta.text $a --size 30000000 nest.jsonl >out
		m=$(cat rss)
		echo "dm-slice -k meta.text $a: $m kB"
		[ "$m" -lt 70000 ]
		run jq -c '[.id, .meta.lang, (.meta.text | length), (.meta.text | .[:6]), .meta.n, .z, .chunk, .chunks, .offset, .parent]' out
		assert_output '[7,"en",19999999,"lorem ",[1,2],0,0,1,1,7]'
	done
	jq -c '{text: .meta.text}' nest.jsonl | dm-slice --recursive --size 30000000 | jq -r .text >want
	jq -r .meta.text out | cmp - want
}

@test "--by packs millions of small pieces into one chunk without holding them all" {
	skip_asan "its shadow memory and quarantine are in the RSS"
	/usr/bin/python3 -c 'print("{\"text\":\"" + "a\\n" * 2500000 + "\"}")' >l5.jsonl
	# 24 bytes a piece held at once would be 60 MB and more
	for o in 0 1000; do
		run_split bash -c "$(mem_limit 60000)"'; set -o pipefail
		    dm-slice --by line --size 100000000 --overlap '$o' l5.jsonl |
		    jq -c "[(.text | length), .chunk, .chunks, .offset]"'
		assert_success
		assert_stderr ''
		assert_output '[4999999,0,1,0]'
	done
}

@test "--recursive merges millions of small pieces into one chunk without holding them all" {
	skip_asan "its shadow memory and quarantine are in the RSS"
	/usr/bin/python3 -c 'print("{\"text\":\"" + "a " * 2500000 + "\"}")' >s5.jsonl
	# 24 bytes a piece held at once would be 60 MB and more
	for o in 0 1000; do
		run_split bash -c "$(mem_limit 60000)"'; set -o pipefail
		    dm-slice --recursive --size 100000000 --overlap '$o' s5.jsonl |
		    jq -c "[(.text | length), .chunk, .chunks, .offset]"'
		assert_success
		assert_stderr ''
		assert_output '[4999999,0,1,0]'
	done
}

@test "--preset data-juicer --bare cuts as Data-Juicer's text_chunk_mapper, compared with it" {
	/usr/bin/python3 "$DM_REPO/tests/fixtures/textchunk-gen.py" >in.jsonl
	# max_len, overlap_len, split_pattern (- for None): the default
	# pattern, alone and with max_len; max_len alone; patterns that
	# match empty, at the end, or classes
	for args in '- 0 \n\n' '- 0 \n' '- 0 \s+' '- 0 b' '5 0 -' '5 2 -' \
	    '1 0 -' '7 3 \n\n' '7 0 \n' '20 5 \n\n' '1 0 \n\n' '12 4 [ab]+' \
	    '3 1 \s' '4 0 $' '6 2 a|(?:b)' '10 0 x*' '10 3 x*?'; do
		read -r m o pat <<<"$args"
		python3 "$DM_REPO/tests/fixtures/textchunk-ref.py" "$m" "$o" \
		    "$pat" <in.jsonl >want
		opts=(--preset data-juicer --bare)
		[ "$m" = - ] || opts+=(--size "$m" --overlap "$o")
		if [ "$pat" = - ]; then opts+=(--by none)
		else opts+=(--by "regex:$pat"); fi
		echo "dm-slice ${opts[*]}"
		dm-slice "${opts[@]}" in.jsonl >out
		jq -c .text out >got
		assert_same got want
		# the other fields as they were, in their order
		[ "$(jq -c 'del(.text)' out | sort -u | wc -l)" -eq \
		    "$(jq -c 'del(.text)' in.jsonl | grep -cFf <(jq -c 'del(.text)' out))" ]
	done
	# the default pattern is \n\n; without --bare the chunk fields come
	printf '%s\n' '{"id":7,"text":"one\n\ntwo two\n\nthree"}' >p.jsonl
	run dm-slice --preset data-juicer --size 9 p.jsonl
	assert_success
	assert_output <<-'EOF'
	{"id":7,"text":"one","chunk":0,"chunks":3,"offset":0,"parent":7}
	{"id":7,"text":"two two","chunk":1,"chunks":3,"offset":5,"parent":7}
	{"id":7,"text":"three","chunk":2,"chunks":3,"offset":14,"parent":7}
	EOF
	# an empty text is one empty chunk with max_len, none without
	run dm-slice --preset data-juicer --bare --size 3 <<<'{"text":""}'
	assert_output '{"text":""}'
	run dm-slice --preset data-juicer --bare <<<'{"text":""}'
	assert_success
	assert_output ''
}

@test "--preset data-juicer: what Data-Juicer refuses, or would recurse on forever, is refused" {
	run_split dm-slice --preset data-juicer --by none </dev/null
	assert_status 2
	assert_stderr "dm-slice: --by none needs --size: Data-Juicer's max_len and split_pattern cannot both be None"$'\n'"$(usage_of dm-slice)"
	run_split dm-slice --preset data-juicer --by 'regex:(a)' </dev/null
	assert_status 2
	assert_stderr "dm-slice: --by: a pattern with a group: Data-Juicer would give its text as chunks too; use (?:...)"$'\n'"$(usage_of dm-slice)"
	run_split dm-slice --preset data-juicer --by line </dev/null
	assert_status 2
	assert_stderr "dm-slice: --preset data-juicer splits at --by regex:RE or none, not 'line'"$'\n'"$(usage_of dm-slice)"
	run_split dm-slice --preset data-juicer --overlap 2 </dev/null
	assert_status 2
	assert_stderr "dm-slice: --overlap needs --size with --preset data-juicer"$'\n'"$(usage_of dm-slice)"
	run_split dm-slice --preset data-juicer --recursive </dev/null
	assert_status 2
	assert_stderr "dm-slice: --recursive and --preset data-juicer exclude each other"$'\n'"$(usage_of dm-slice)"
	run_split dm-slice --preset data-juicer --unit words </dev/null
	assert_status 2
	assert_stderr "dm-slice: --preset data-juicer counts characters, not words"$'\n'"$(usage_of dm-slice)"
	run_split dm-slice --preset datatrove </dev/null
	assert_status 2
	assert_stderr "dm-slice: --preset: 'datatrove' is not one of data-juicer"$'\n'"$(usage_of dm-slice)"
	# a last match empty at the start: the text would never shrink
	printf '%s\n' '{"text":"abcdef"}' '{"text":"ab"}' >e.jsonl
	run_split dm-slice --preset data-juicer --bare --size 3 --by 'regex:^' \
	    --on-error=skip e.jsonl
	assert_status 1
	assert_output '{"text":"ab"}'
	assert_stderr "dm-slice: e.jsonl:1: the split pattern's last match in the first --size characters is empty at their start: the text would never get shorter
dm-slice: 1 of 2 samples rejected"
}
