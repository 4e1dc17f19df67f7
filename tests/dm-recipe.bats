#!/usr/bin/env bats
# dm-recipe.bats - Data-Juicer and DataMate recipes shown, checked and run

load helper

# The end of show's text with export_path out.jsonl: written as run
# writes it, under a temporary name moved into place.
to_out=' > .out.jsonl.$$.tmp &&
  mv -f .out.jsonl.$$.tmp out.jsonl || (rm -f .out.jsonl.$$.tmp; exit 2)'

# recipe OP [PARAMS]: r.yaml, a Data-Juicer recipe of one operator over
# in.jsonl into out.jsonl; PARAMS are its parameter lines, as written.
recipe() {
	printf 'project_name: t\ndataset_path: in.jsonl\nexport_path: out.jsonl\nprocess:\n  - %s:\n' "$1" >r.yaml
	if [ $# -gt 1 ]; then printf '%s\n' "$2" >>r.yaml; fi
}

# run_recipe OP [PARAMS]: runs it; its output is left in out.jsonl.
run_recipe() {
	recipe "$@"
	run_split dm-recipe run r.yaml
	assert_success
	assert_stderr ''
}

# dj_recipe ITEM: r.yaml, a recipe of one process item (an operator and
# its parameters on one line) over in.jsonl into out.jsonl.
dj_recipe() {
	printf 'dataset_path: in.jsonl\nexport_path: out.jsonl\nprocess:\n  - %s\n' "$1" >r.yaml
}

# datamate_recipe DATASET ITEM...: process.yaml, a DataMate recipe of
# these process items (one line each) over DATASET.
datamate_recipe() {
	local dataset=$1
	shift
	{
		printf 'dataset_id: d\ndataset_path: %s\nprocess:\n' "$dataset"
		printf '  - %s\n' "$@"
	} >process.yaml
}

# datamate_files TEXT...: files/1.txt, files/2.txt... holding the texts,
# in.jsonl the records naming them (filePath) as DataMate reads its
# files, and texts.jsonl the texts as samples, for the reference.
datamate_files() {
	local i=0 t
	mkdir files
	: >in.jsonl
	: >texts.jsonl
	for t in "$@"; do
		i=$((i + 1))
		printf '%s' "$t" >files/$i.txt
		printf '{"filePath":"files/%s.txt"}\n' $i >>in.jsonl
		printf '{"text":"%s"}\n' "$t" >>texts.jsonl
	done
}

# The ids of the samples in out.jsonl, on one line.
ids() {
	jq -r .id out.jsonl | tr '\n' ' '
}

mapper_input() {
	cat >in.jsonl <<'EOF'
{"id":1,"text":"  Mail a@b.com, see https://x.org/p or 10.0.0.1 now，好。 "}
{"id":2,"text":"short ◆"}
{"id":3,"text":"<p>Hello <b>world</b></p>\n/* Copyright 2020 */\ncode();"}
EOF
}

filter_input() {
	cat >in.jsonl <<'EOF'
{"id":1,"text":"The cat sat on the mat and the dog sat on the log, and that was the end of it."}
{"id":2,"text":"short"}
{"id":3,"text":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}
{"id":4,"text":"%%%% $$$$ #### @@@@ !!!! ???? one two three four five six"}
{"id":5,"text":"ab\ncd\nef"}
EOF
}

# ---- mappers ----

@test "clean_links_mapper removes links" {
	mapper_input
	run_recipe clean_links_mapper
	assert_file out.jsonl <<'EOF'
{"id":1,"text":"  Mail a@b.com, see  or 10.0.0.1 now，好。 "}
{"id":2,"text":"short ◆"}
{"id":3,"text":"<p>Hello <b>world</b></p>\n/* Copyright 2020 */\ncode();"}
EOF
}

@test "clean_email_mapper with repl puts it in place of each address" {
	mapper_input
	run_recipe clean_email_mapper '      repl: "<EMAIL>"'
	assert_file out.jsonl <<'EOF'
{"id":1,"text":"  Mail <EMAIL>, see https://x.org/p or 10.0.0.1 now，好。 "}
{"id":2,"text":"short ◆"}
{"id":3,"text":"<p>Hello <b>world</b></p>\n/* Copyright 2020 */\ncode();"}
EOF
}

@test "clean_ip_mapper removes IP addresses" {
	mapper_input
	run_recipe clean_ip_mapper
	assert_file out.jsonl <<'EOF'
{"id":1,"text":"  Mail a@b.com, see https://x.org/p or  now，好。 "}
{"id":2,"text":"short ◆"}
{"id":3,"text":"<p>Hello <b>world</b></p>\n/* Copyright 2020 */\ncode();"}
EOF
}

@test "clean_html_mapper strips tags" {
	mapper_input
	run_recipe clean_html_mapper
	assert_file out.jsonl <<'EOF'
{"id":1,"text":"Mail a@b.com, see https://x.org/p or 10.0.0.1 now，好。 "}
{"id":2,"text":"short ◆"}
{"id":3,"text":"Hello world\n/* Copyright 2020 */\ncode();"}
EOF
}

@test "clean_html_mapper keeps the body's text, script and style too, as selectolax's text()" {
	printf '%s\n' '{"id":1,"text":"<html><head><title>T</title><script>h()</script></head>\n<body><p>Hi</p><script>b()</script><style>p{}</style></body></html>"}' >in.jsonl
	run_recipe clean_html_mapper
	assert_file out.jsonl '{"id":1,"text":"Hib()p{}"}'
	run dm-recipe show r.yaml
	assert_output "dm-map 'clean-html scripts=true' in.jsonl$to_out"
}

@test "clean_copyright_mapper drops the copyright comment" {
	mapper_input
	run_recipe clean_copyright_mapper
	assert_file out.jsonl <<'EOF'
{"id":1,"text":"  Mail a@b.com, see https://x.org/p or 10.0.0.1 now，好。 "}
{"id":2,"text":"short ◆"}
{"id":3,"text":"<p>Hello <b>world</b></p>\n\ncode();"}
EOF
}

@test "whitespace_normalization_mapper strips and normalizes spaces" {
	mapper_input
	run_recipe whitespace_normalization_mapper
	assert_file out.jsonl <<'EOF'
{"id":1,"text":"Mail a@b.com, see https://x.org/p or 10.0.0.1 now，好。"}
{"id":2,"text":"short ◆"}
{"id":3,"text":"<p>Hello <b>world</b></p>\n/* Copyright 2020 */\ncode();"}
EOF
}

@test "punctuation_normalization_mapper turns full-width punctuation into ASCII" {
	mapper_input
	run_recipe punctuation_normalization_mapper
	assert_file out.jsonl <<'EOF'
{"id":1,"text":"  Mail a@b.com, see https://x.org/p or 10.0.0.1 now,好. "}
{"id":2,"text":"short ◆"}
{"id":3,"text":"<p>Hello <b>world</b></p>\n/* Copyright 2020 */\ncode();"}
EOF
}

@test "chinese_convert_mapper is chinese-convert of its mode, as the opencc command converts" {
	printf '%s\n' '{"id":1,"text":"為什麼 軟體 臺灣 頭髮"}' '{"id":2,"text":"plain"}' \
	    '{"id":3,"text":"學校\n圖書館 😀"}' >in.jsonl
	run_recipe chinese_convert_mapper '      mode: t2s'
	jq -r .text in.jsonl | opencc -c /usr/share/opencc/t2s.json >want.txt
	jq -r .text out.jsonl >got.txt
	assert_same got.txt want.txt
	assert_file out.jsonl <<'EOF'
{"id":1,"text":"为什么 软体 台湾 头发"}
{"id":2,"text":"plain"}
{"id":3,"text":"学校\n图书馆 😀"}
EOF
	run dm-recipe show r.yaml
	assert_success
	assert_output "dm-map 'chinese-convert mode=t2s' in.jsonl$to_out"
	# the default mode, written out
	recipe chinese_convert_mapper
	run dm-recipe show r.yaml
	assert_output "dm-map 'chinese-convert mode=s2t' in.jsonl$to_out"
}

@test "chinese_convert_mapper with a mode not in Data-Juicer's list is an error at its value" {
	printf '%s\n' '{"text":"x"}' >in.jsonl
	cat >r.yaml <<'EOF'
dataset_path: in.jsonl
process:
  - chinese_convert_mapper: {mode: zh2t}
  - chinese_convert_mapper:
      mode: S2T
  - chinese_convert_mapper: {mode: null}
  - chinese_convert_mapper: {mode: [s2t]}
EOF
	run_split dm-recipe check r.yaml
	assert_status 2
	assert_stderr <<'EOF'
dm-recipe: r.yaml:3:36: parameter 'mode' wants one of s2t, t2s, s2tw, tw2s, s2hk, hk2s, s2twp, tw2sp, t2tw, tw2t, hk2t, t2hk, t2jp, jp2t, not 'zh2t'
dm-recipe: r.yaml:5:13: parameter 'mode' wants one of s2t, t2s, s2tw, tw2s, s2hk, hk2s, s2twp, tw2sp, t2tw, tw2t, hk2t, t2hk, t2jp, jp2t, not 'S2T'
dm-recipe: r.yaml:6:36: parameter 'mode' wants one of s2t, t2s, s2tw, tw2s, s2hk, hk2s, s2twp, tw2sp, t2tw, tw2t, hk2t, t2hk, t2jp, jp2t, not null
dm-recipe: r.yaml:7:36: parameter 'mode' wants a string, not a list
EOF
}

@test "remove_specific_chars_mapper deletes its default characters, or a list" {
	mapper_input
	run_recipe remove_specific_chars_mapper
	assert_file out.jsonl <<'EOF'
{"id":1,"text":"  Mail a@b.com, see https://x.org/p or 10.0.0.1 now，好。 "}
{"id":2,"text":"short "}
{"id":3,"text":"<p>Hello <b>world</b></p>\n/* Copyright 2020 */\ncode();"}
EOF
	run_recipe remove_specific_chars_mapper '      chars_to_remove: ["<", ">", "/"]'
	assert_file out.jsonl <<'EOF'
{"id":1,"text":"  Mail a@b.com, see https:x.orgp or 10.0.0.1 now，好。 "}
{"id":2,"text":"short ◆"}
{"id":3,"text":"pHello bworldbp\n* Copyright 2020 *\ncode();"}
EOF
}

# py_chars: want.jsonl, what Data-Juicer's remove_specific_chars_mapper
# makes of in.jsonl with r.yaml's one operator, on its code path: the
# class "[" + "|".join(chars_to_remove) + "]", nothing escaped.
py_chars() {
	/usr/bin/python3 - <<'EOF' | jq -c . >want.jsonl
import json, yaml
import regex as re
op = yaml.safe_load(open('r.yaml'))['process'][0]['remove_specific_chars_mapper'] or {}
chars = op.get('chars_to_remove', "◆●■►▼▲▴∆▻▷❖♡□")
pattern = "[" + "|".join(chars) + "]" if chars else None
for line in open('in.jsonl'):
    s = json.loads(line)
    if pattern is not None:
        s['text'] = re.sub(pattern=pattern, repl=r"", string=s['text'], flags=re.DOTALL)
    print(json.dumps(s, ensure_ascii=False, separators=(',', ':')))
EOF
}

@test "remove_specific_chars_mapper deletes what Data-Juicer's class of the characters joined by '|' matches" {
	printf '%s\n' '{"text":"a|b ◆ c ●"}' '{"text":"x]y a] |] ^a -a- z\\d\\ [:]"}' >in.jsonl
	while IFS= read -r v; do
		recipe remove_specific_chars_mapper
		if [ "$v" != - ]; then
			printf '      chars_to_remove: %s\n' "$v" >>r.yaml
		fi
		dm-recipe run r.yaml
		jq -c . out.jsonl >got.jsonl
		py_chars
		assert_same got.jsonl want.jsonl || { echo "chars_to_remove: $v"; false; }
	done <<'EOF'
-
'◆'
'◆●'
''
[]
null
['ab', 'c']
['', 'y']
']a'
'a]'
'^a'
'a^'
'a-z'
'-a'
'\d'
'[:'
EOF
	recipe remove_specific_chars_mapper "      chars_to_remove: '◆●'"
	run dm-recipe show r.yaml
	assert_output "dm-map 'remove-chars chars=\"◆●|\"' in.jsonl$to_out"
	recipe remove_specific_chars_mapper "      chars_to_remove: '^a'"
	run dm-recipe show r.yaml
	assert_output "dm-map 'replace pattern=\"[^|a]\"' in.jsonl$to_out"
}

@test "remove_specific_chars_mapper whose class regex refuses is an error at its value" {
	printf '%s\n' '{"text":"x"}' >in.jsonl
	cat >r.yaml <<'EOF'
dataset_path: in.jsonl
process:
  - remove_specific_chars_mapper: {chars_to_remove: 'a\'}
  - remove_specific_chars_mapper: {chars_to_remove: ['']}
  - remove_specific_chars_mapper: {chars_to_remove: [a, null]}
EOF
	run_split dm-recipe check r.yaml
	assert_status 2
	assert_stderr <<'EOF'
dm-recipe: r.yaml:3:53: parameter 'chars_to_remove': Data-Juicer's class '[a|\]': unterminated character set
dm-recipe: r.yaml:4:53: parameter 'chars_to_remove': Data-Juicer's class '[]': unterminated character set
dm-recipe: r.yaml:5:57: parameter 'chars_to_remove': item 2 is null, not a string
EOF
}

@test "remove_long_words_mapper keeps words within min_len and max_len" {
	printf '%s\n' '{"id":1,"text":"ok a verylongwordhere. ok"}' >in.jsonl
	run_recipe remove_long_words_mapper '      min_len: 2
      max_len: 5'
	assert_file out.jsonl '{"id":1,"text":"ok ok"}'
	run dm-recipe show r.yaml
	assert_output "dm-map 'remove-long-words min=2 max=5' in.jsonl$to_out"
}

@test "remove_repeat_sentences_mapper drops later repeats" {
	printf '%s\n' '{"id":1,"text":"Ok a b. Ok a b. Then c."}' >in.jsonl
	run_recipe remove_repeat_sentences_mapper
	assert_file out.jsonl '{"id":1,"text":"Ok a b. Then c."}'
}

@test "remove_table_text_mapper drops the rows of a table" {
	printf '%s\n' '{"id":1,"text":"intro line\na\tb\tc\n1\t2\t3\nend"}' >in.jsonl
	run_recipe remove_table_text_mapper '      max_col: 5'
	assert_file out.jsonl '{"id":1,"text":"intro line\nend"}'
}

@test "replace_content_mapper runs a list of patterns with their repl" {
	printf '%s\n' '{"id":1,"text":"tel 555-1234 and 555-9876"}' >in.jsonl
	run_recipe replace_content_mapper "      pattern: ['\\d{3}-(\\d{4})', 'tel']
      repl: ['<\\1>', 'phone']"
	assert_file out.jsonl '{"id":1,"text":"phone <1234> and <9876>"}'
	run dm-recipe show r.yaml
	# \d as regex reads it: Nd, and the digits of Unicode 15.0
	d='[\p{Nd}\x{11F50}-\x{11F59}\x{1E4F0}-\x{1E4F9}]'
	assert_output "dm-map 'replace pattern=\"$d{3}-($d{4})\" repl=\"<\${1}>\"; replace pattern=tel repl=phone' in.jsonl$to_out"
}

@test "replace_content_mapper takes a repl list longer than its patterns, as Data-Juicer does" {
	printf '%s\n' '{"id":1,"text":"a b c"}' >in.jsonl
	# the patterns take the first repl items; the rest is never read
	run_recipe replace_content_mapper "      pattern: [a, b]
      repl: [x, y, z]"
	assert_file out.jsonl '{"id":1,"text":"x y c"}'
	# a single pattern takes the first item
	run_recipe replace_content_mapper "      pattern: c
      repl: [w, v]"
	assert_file out.jsonl '{"id":1,"text":"a b w"}'
	# fewer repl items than patterns stop Data-Juicer at the first sample
	recipe replace_content_mapper "      pattern: [a, b]
      repl: [x]"
	run_split dm-recipe run r.yaml
	assert_status 2
	assert_stderr "dm-recipe: r.yaml:7:13: parameter 'repl' has 1 items, 'pattern' 2"
}

# py_sub: want.jsonl, what Data-Juicer's replace_content_mapper makes of
# in.jsonl with r.yaml's one operator: PyYAML's values, a pattern compiled
# with DOTALL and its sub, in Python's regex module (which Data-Juicer
# imports).
py_sub() {
	/usr/bin/python3 - >want.jsonl <<'EOF'
import json, yaml
import regex as re
op = yaml.safe_load(open('r.yaml'))['process'][0]['replace_content_mapper']
for line in open('in.jsonl'):
    s = json.loads(line)
    s['text'] = re.compile(op['pattern'], re.DOTALL).sub(op['repl'], s['text'])
    print(json.dumps(s, ensure_ascii=False, separators=(',', ':')))
EOF
}

@test "replace_content_mapper's repl means what it means to Python's sub" {
	printf '%s\n' '{"text":"cost 12 USD, 7 USD"}' '{"text":"none"}' >in.jsonl
	while IFS= read -r repl; do
		recipe replace_content_mapper "      pattern: '(\\d+) (?P<cur>USD)'
      repl: '$repl'"
		dm-recipe run r.yaml
		py_sub
		assert_same out.jsonl want.jsonl || { echo "repl: $repl"; false; }
	done <<'EOF'
\1!
$1
\g<1>
A\nB
USD$
\\
\g<cur> \g<0> \2
$$ \$ \. \é ${1}
\a\b\f\r\t\v
\0101\101
EOF
	recipe replace_content_mapper "      pattern: '(\\d+) (?P<cur>USD)'
      repl: '\\\\\$\\1 \\g<cur>\$'"
	run dm-recipe show r.yaml
	d='[\p{Nd}\x{11F50}-\x{11F59}\x{1E4F0}-\x{1E4F9}]'
	assert_output "dm-map 'replace pattern=\"($d+) (?P<cur>USD)\" repl=\"\\\$\$\${1} \${2}\$\$\"' in.jsonl$to_out"
	# the hexadecimal escapes of the regex module
	recipe replace_content_mapper "      pattern: USD
      repl: '\\x41\\u00e9\\U0001F600'"
	dm-recipe run r.yaml
	assert_file out.jsonl <<'EOF'
{"text":"cost 12 Aé😀, 7 Aé😀"}
{"text":"none"}
EOF
}

@test "a repl Python refuses, or a bad pattern, is an error at its value" {
	printf '%s\n' '{"text":"x"}' >in.jsonl
	cat >r.yaml <<'EOF'
dataset_path: in.jsonl
process:
  - replace_content_mapper:
      pattern: '(a)'
      repl: 'x\q'
  - replace_content_mapper: {pattern: '(a)', repl: '\2'}
  - replace_content_mapper:
      pattern: '(?P<n>a)'
      repl: ['\g<m>']
  - replace_content_mapper:
      pattern: [x, '(b']
      repl: y
  - replace_content_mapper: {pattern: a, repl: 'end\'}
  - replace_content_mapper: {pattern: a, repl: '\x4'}
  - replace_content_mapper: {pattern: a, repl: '\0'}
  - clean_email_mapper:
      repl: '<\g<0>>'
EOF
	run_split dm-recipe check r.yaml
	assert_status 2
	assert_output ''
	assert_stderr <<'EOF'
dm-recipe: r.yaml:5:13: parameter 'repl': bad escape '\q'
dm-recipe: r.yaml:6:52: parameter 'repl': '\2' refers to a group that the pattern does not have
dm-recipe: r.yaml:9:14: parameter 'repl': '\g<m>' refers to a group that the pattern does not have
dm-recipe: r.yaml:11:20: parameter 'pattern': missing closing parenthesis at offset 2
dm-recipe: r.yaml:13:48: parameter 'repl': bad escape '\' at the end
dm-recipe: r.yaml:14:48: parameter 'repl': incomplete escape '\x4'
dm-recipe: r.yaml:15:48: parameter 'repl': a NUL character ('\0') is not supported by dm
dm-recipe: r.yaml:17:13: parameter 'repl': the group reference '\g<0>' is not supported by dm without 'pattern'
EOF
}

# A corpus where Python's regex and PCRE2 read \w \d \s \b apart:
# Devanagari and Thai (combining marks), Arabic with its vowel marks, NFD
# Latin, CJK and full-width forms, the digits of other scripts (Kawi and
# Nag Mundari's of Unicode 15.0 among them), superscripts, fractions and
# circled forms, ZWJ and ZWNJ, U+180E, NBSP and other spaces.
pattern_corpus() {
	cat >in.jsonl <<'EOF'
{"text":"नमस्ते दुनिया"}
{"text":"ภาษาไทย สวัสดีครับ"}
{"text":"مَرْحَبًا بِالْعَالَمِ ١٢٣"}
{"text":"cafe\u0301 cafe cafe_au_lait a\u203fb"}
{"text":"中文测试 汉字，标点。全角ＡＢ１２"}
{"text":"٣٤٥ ०१२ ๓๔ \ud807\udf54 \ud839\udcf0\ud839\udcd0 \ud807\udf04"}
{"text":"x² ½ ³⁄₄ ⓐⓑ ①"}
{"text":"👩\u200d💻 👨\u200d👩\u200d👧 می\u200cخواهم"}
{"text":"a\u180eb a\u00a0b a\u2003b\tc\r\nd\u3000e\u2028f"}
{"text":"AÉé😀 aa bb 1-2 [x] a^b a\\b a|b\n"}
{"text":"end\n"}
{"text":"İstanbul ıi Iİ COPYRİGHT copyrıght DIŞ"}
EOF
}

@test "replace_content_mapper's pattern means what it means to Python's regex" {
	pattern_corpus
	while IFS= read -r pat; do
		recipe replace_content_mapper "      pattern: '$pat'
      repl: '<\\g<0>>'"
		dm-recipe run r.yaml
		py_sub
		jq -c . out.jsonl >got.jsonl
		jq -c . want.jsonl >py.jsonl
		assert_same got.jsonl py.jsonl || { echo "pattern: $pat"; false; }
	done <<'EOF'
\w+
\W+
\bcafe\b
\B\w
\b
\m\w|\w\M
\d+
\D+
\s+
\S+
\h+
[\u4e00-\u9fa5]+
[\w-]+
[a-\w]
[\w-z]+
[^\w\s]
[\W\d]
[^\W\d]+
[^\S\n]+
[\s\u00a0]
\x41|\u00e9|\U0001F600|\101|\351
[\x30-\x39\u0660-\u0669]+
[\d-\u0669]+
[\t-\r]+
[\1-\12]
.\u0301
[]\]]|[\^\-\\]
(\w)\1
\w+\Z
\n\Z
(?u)\w+(?V0)
a(?s)\w
\w{,2}
(?x) [\w-] + # a comment: [ \q
(?i)copyright
(?i)[a-z]+
(?i)[^i\s]+
(?i)\x49|[\x69-\x6a]
(?i)(?P<if>i)(?P=if)|(*FAIL)i
([a-z])\g<1>
(?P<c>\w)\g<c>
(a|b(?1))
a(?R)?b
(?i:i)\w
(?i:[i])x|İ
(?i:a)i
(?#c(x)i
EOF
}

@test "pattern syntax that regex refuses, or dm cannot write, is an error at its value" {
	printf '%s\n' '{"text":"x"}' >in.jsonl
	cat >r.yaml <<'EOF'
dataset_path: in.jsonl
process:
  - replace_content_mapper:
      pattern: '\N{DIGIT ONE}'
  - replace_content_mapper: {pattern: 'a\z'}
  - replace_content_mapper: {pattern: '(?a)\w+'}
  - replace_content_mapper: {pattern: '[\ud800]'}
  - replace_content_mapper: {pattern: '[a\w'}
  - replace_content_mapper: {pattern: ['x', '\u4e0']}
  - replace_content_mapper: {pattern: '[\8]'}
  - replace_content_mapper: {pattern: '\L<words>'}
  - replace_content_mapper: {pattern: '(\w)\2'}
  - clean_ip_mapper: {pattern: '\d(\w'}
  - clean_email_mapper: {pattern: '[\w.]+@\q'}
  - replace_content_mapper: {pattern: '(?i)[ıa]'}
EOF
	run_split dm-recipe check r.yaml
	assert_status 2
	assert_output ''
	assert_stderr <<'EOF'
dm-recipe: r.yaml:4:16: parameter 'pattern': '\N{DIGIT ONE}' is not supported by dm (write the character, or \uXXXX)
dm-recipe: r.yaml:5:39: parameter 'pattern': bad escape '\z'
dm-recipe: r.yaml:6:39: parameter 'pattern': the flag 'a' of '(?a)' is not supported by dm
dm-recipe: r.yaml:7:39: parameter 'pattern': '\ud800' is a surrogate, which dm's text never holds; not supported
dm-recipe: r.yaml:8:39: parameter 'pattern': unterminated character set
dm-recipe: r.yaml:9:45: parameter 'pattern': incomplete escape '\u4e0'
dm-recipe: r.yaml:10:39: parameter 'pattern': bad escape '\8'
dm-recipe: r.yaml:11:39: parameter 'pattern': the named list '\L<words>' is not supported by dm
dm-recipe: r.yaml:12:39: parameter 'pattern': reference to non-existent subpattern at offset 4
dm-recipe: r.yaml:13:32: parameter 'pattern': missing closing parenthesis at offset 5
dm-recipe: r.yaml:14:35: parameter 'pattern': bad escape '\q'
dm-recipe: r.yaml:15:39: parameter 'pattern': U+0130 or U+0131 under IGNORECASE is not supported by dm
EOF
}

@test "clean_links_mapper with its own pattern becomes replace" {
	printf '%s\n' '{"id":1,"text":"see x | y"}' >in.jsonl
	run_recipe clean_links_mapper "      pattern: 'x \\|'
      repl: X"
	assert_file out.jsonl '{"id":1,"text":"see X y"}'
	# repl is Python's, as in replace_content_mapper
	run_recipe clean_links_mapper "      pattern: '(x) \\|'
      repl: '<\\1$>'"
	assert_file out.jsonl '{"id":1,"text":"see <x$> y"}'
}

@test "the repl of a clean mapper without its own pattern is Python's, taken literally" {
	printf '%s\n' '{"text":"mail a@b.com now"}' >in.jsonl
	run_recipe clean_email_mapper "$(cat <<'EOF'
      repl: '[\t\\\.$]'
EOF
)"
	assert_file out.jsonl '{"text":"mail [\t\\\\.$] now"}'
	recipe clean_email_mapper "      repl: '<\\g<0>>'"
	run_split dm-recipe check r.yaml
	assert_status 2
	assert_stderr "dm-recipe: r.yaml:6:13: parameter 'repl': the group reference '\\g<0>' is not supported by dm without 'pattern'"
}

# ---- filters ----

@test "each filter keeps its closed range with Data-Juicer's defaults" {
	filter_input
	while IFS='|' read -r op want; do
		run_recipe "$op"
		[ "$(ids)" = "$want" ] || { echo "$op: $(ids), want $want"; false; }
	done <<'EOF'
alphanumeric_filter|1 2 3 4 5 
average_line_length_filter|1 3 4 
character_repetition_filter|1 2 4 5 
flagged_words_filter|1 2 3 4 5 
maximum_line_length_filter|1 3 4 
special_characters_filter|2 3 5 
stopwords_filter|1 
text_length_filter|1 3 4 
word_repetition_filter|1 2 3 4 5 
words_num_filter|1 
EOF
}

@test "filter parameters: min, max, open ends and reversed_range" {
	filter_input
	run_recipe alphanumeric_filter '      min_ratio: 0.9'
	[ "$(ids)" = "2 3 " ]
	run_recipe words_num_filter '      min_num: 1
      max_num: 3
      max_closed_interval: false'
	[ "$(ids)" = "2 3 " ]
	run dm-recipe show r.yaml
	assert_output "dm-filter 'words >= 1 && words < 3' in.jsonl$to_out"
	run_recipe text_length_filter '      min_len: 10
      max_len: 60
      reversed_range: true'
	[ "$(ids)" = "1 2 3 5 " ]
	run dm-recipe show r.yaml
	assert_output "dm-filter '!(len > 10 && len < 60)' in.jsonl$to_out"
	run_recipe character_repetition_filter '      rep_len: 3
      max_ratio: 0.2'
	[ "$(ids)" = "2 5 " ]
	run_recipe stopwords_filter '      lang: en
      min_ratio: 0.0
      max_ratio: 0.1'
	[ "$(ids)" = "2 3 5 " ]
}

# ---- deduplicators and languages ----

dedup_input() {
	cat >in.jsonl <<'EOF'
{"id":1,"text":"the quick brown fox jumps over the lazy dog near the river bank today"}
{"id":2,"text":"The quick brown fox jumps over the lazy dog near the river bank today"}
{"id":3,"text":"the quick brown fox jumps over the lazy dog near the river bank yesterday"}
{"id":4,"text":"Der schnelle braune Fuchs springt über den faulen Hund am Flussufer."}
EOF
}

@test "the deduplicators become dm-dedup with their parameters" {
	dedup_input
	while IFS='|' read -r op want show; do
		dj_recipe "$op"
		dm-recipe run r.yaml
		[ "$(ids)" = "$want" ] || { echo "$op: $(ids), want $want"; false; }
		run dm-recipe show r.yaml
		assert_output "$show in.jsonl$to_out"
	done <<'EOF'
document_deduplicator:|1 2 3 4 |dm-dedup --exact
document_deduplicator: {lowercase: true}|1 3 4 |dm-dedup --exact --lowercase
document_minhash_deduplicator:|1 4 |dm-dedup --near
document_minhash_deduplicator: {jaccard_threshold: 0.5, num_permutations: 128}|1 4 |dm-dedup --near --perms 128 --threshold 0.5
document_simhash_deduplicator:|1 3 4 |dm-dedup --simhash
document_simhash_deduplicator: {window_size: 3, num_blocks: 16, hamming_distance: 12}|1 4 |dm-dedup --simhash --window 3 --blocks 16 --hamming 12
document_simhash_deduplicator: {ignore_pattern: '\p{P}'}|1 3 4 |dm-dedup --simhash --ignore '\p{P}'
document_minhash_deduplicator: {ignore_pattern: '[aeiou]', tokenization: character}|1 4 |dm-dedup --near --tokenize character --ignore '[aeiou]'
document_minhash_deduplicator: {ignore_pattern: ''}|1 4 |dm-dedup --near
EOF
}

@test "a deduplicator runs alone between dm-run stages" {
	dedup_input
	printf 'dataset_path: in.jsonl\nexport_path: out.jsonl\nprocess:\n  - whitespace_normalization_mapper:\n  - document_deduplicator: {lowercase: true}\n  - text_length_filter:\n' >r.yaml
	run dm-recipe show -j 2 r.yaml
	assert_output <<'EOF'
dm-run -j 2 -- 'dm-map normalize-ws' in.jsonl |
  dm-dedup --exact --lowercase |
  dm-run -j 2 -- 'dm-filter '\''len >= 10 && len <= 9223372036854775807'\''' > .out.jsonl.$$.tmp &&
  mv -f .out.jsonl.$$.tmp out.jsonl || (rm -f .out.jsonl.$$.tmp; exit 2)
EOF
	dm-recipe run -j 2 r.yaml
	[ "$(ids)" = "1 3 4 " ]
}

@test "what dm-dedup cannot do is an unsupported parameter" {
	dedup_input
	printf 'dataset_path: in.jsonl\nprocess:\n  - document_minhash_deduplicator:\n      lowercase: false\n  - document_simhash_deduplicator:\n      tokenization: sentencepiece\n' >r.yaml
	run_split dm-recipe check r.yaml
	assert_status 2
	assert_stderr <<'EOF'
dm-recipe: r.yaml:4:18: parameter 'lowercase' of 'document_minhash_deduplicator' is not supported by dm
dm-recipe: r.yaml:6:21: parameter 'tokenization' of 'document_simhash_deduplicator': 'sentencepiece' is not supported by dm (space, punctuation, character)
EOF
	# ignore_pattern is translated from Python's syntax, and checked
	printf 'dataset_path: in.jsonl\nprocess:\n  - document_simhash_deduplicator:\n      ignore_pattern: "a\\\\N{EM DASH}"\n  - document_minhash_deduplicator:\n      ignore_pattern: "(a"\n' >r.yaml
	run_split dm-recipe check r.yaml
	assert_status 2
	assert_stderr <<'EOF'
dm-recipe: r.yaml:4:23: parameter 'ignore_pattern': '\N{EM DASH}' is not supported by dm (write the character, or \uXXXX)
dm-recipe: r.yaml:6:23: parameter 'ignore_pattern': missing closing parenthesis at offset 2
EOF
}

@test "language_id_score_filter becomes lang, one label, several or none" {
	dedup_input
	while IFS='|' read -r op want show; do
		dj_recipe "$op"
		dm-recipe run r.yaml
		[ "$(ids)" = "$want" ] || { echo "$op: $(ids), want $want"; false; }
		run dm-recipe show r.yaml
		assert_output "dm-filter '$show' in.jsonl$to_out"
	done <<'EOF'
language_id_score_filter: {lang: en, min_score: 0.5}|1 2 3 |lang == "en" && lang("en") >= 0.5
language_id_score_filter: {lang: [de, fr]}|4 |(lang == "de" || lang == "fr") && lang(lang) >= 0.8
language_id_score_filter:|1 2 3 4 |lang(lang) >= 0.8
EOF
}

# ---- the pipeline ----

multi() {
	filter_input
	cat >r.yaml <<'EOF'
# a refine recipe
project_name: refine
dataset_path: in.jsonl
export_path: out.jsonl
np: 1
use_cache: false
process:
  - clean_links_mapper:
  - whitespace_normalization_mapper:
  - punctuation_normalization_mapper:
  - alphanumeric_filter:
      min_ratio: 0.1
  - text_length_filter:
      min_len: 5
      num_proc: 4
  - clean_email_mapper:
      repl: "<EMAIL>"
EOF
}

@test "a parameter indented as deep as its operator's name, or two operators in one item, is an error at it" {
	printf '%s\n' '{"text":"x"}' >in.jsonl
	# Data-Juicer runs the first key with its default parameters and
	# drops the rest unread
	printf 'dataset_path: in.jsonl\nprocess:\n  - text_length_filter:\n    min_len: 5\n' >r.yaml
	run_split dm-recipe check r.yaml
	assert_status 2
	assert_stderr "dm-recipe: r.yaml:4:5: 'min_len' is beside the operator 'text_length_filter', not one of its parameters: indent it deeper than the operator's name"
	printf 'dataset_path: in.jsonl\nprocess:\n  - {text_length_filter: {}, words_num_filter: {}}\n' >r.yaml
	run_split dm-recipe check r.yaml
	assert_status 2
	assert_stderr "dm-recipe: r.yaml:3:30: operator 'words_num_filter' in the item of 'text_length_filter': each operator is an item of its own ('- words_num_filter:')"
}

@test "a null item of process is an empty item, not an operator named '~' or 'null'" {
	printf '%s\n' '{"text":"x"}' >in.jsonl
	for it in '~' null; do
		printf 'dataset_path: in.jsonl\nprocess:\n  - %s\n  - clean_email_mapper:\n' "$it" >r.yaml
		run_split dm-recipe check r.yaml
		assert_status 2
		assert_stderr "dm-recipe: r.yaml:3:5: an empty item: expected '- operator_name: {parameters}'"
	done
}

@test "an operator without its colon is an error, as Data-Juicer stops at it" {
	printf '%s\n' '{"text":"hello world, long enough"}' >in.jsonl
	printf 'dataset_path: in.jsonl\nprocess:\n  - text_length_filter\n  - clean_links_mapper:\n' >r.yaml
	run_split dm-recipe check r.yaml
	assert_status 2
	assert_stderr "dm-recipe: r.yaml:3:5: operator 'text_length_filter' without its colon: write '- text_length_filter:'"
}

@test "a quoted value of a top-level key is read as jsonargparse reads it, one of a parameter is text" {
	printf '%s\n' '{"id":1,"text":"x"}' '{"text":"y"}' >in.jsonl
	cat >r.yaml <<'EOF'
dataset_path: in.jsonl
np: "1"
skip_op_error: "false"
keep_stats_in_res_ds: "false"
export_shard_size: "0"
process:
  - specified_field_filter:
      field_key: id
      target_value: [1]
EOF
	run_split dm-recipe check r.yaml
	assert_success
	assert_stderr ''
	# skip_op_error "false": a sample without id stops the run
	run_split dm-recipe run r.yaml
	assert_status 2
	assert_stderr "dm-filter: in.jsonl:2: expression:1:146: field 'id' is missing"
	assert_output '{"id":1,"text":"x"}'
	sed -i 's/"false"/"no"/' r.yaml
	run_split dm-recipe run r.yaml
	assert_status 2
	sed -i 's/skip_op_error: "no"/skip_op_error: "true"/' r.yaml
	run_split dm-recipe run r.yaml
	assert_status 1
	assert_output '{"id":1,"text":"x"}'
	# Data-Juicer hands a parameter to its operator as it is: "5" is a
	# string, which its comparison with a length fails on
	printf 'dataset_path: in.jsonl\nprocess:\n  - text_length_filter:\n      min_len: "5"\n' >r.yaml
	run_split dm-recipe check r.yaml
	assert_status 2
	assert_stderr "dm-recipe: r.yaml:4:16: parameter 'min_len' wants a number, not '5'"
}

@test "an export_path of another suffix than Data-Juicer's formats is an error at its line" {
	printf '%s\n' '{"text":"x"}' >in.jsonl
	# dm would write plain JSON Lines under a name that says gzip
	recipe whitespace_normalization_mapper
	sed -i 's|^export_path: .*|export_path: out.jsonl.gz|' r.yaml
	run_split dm-recipe run r.yaml
	assert_status 2
	assert_stderr "dm-recipe: r.yaml:3:14: export_path 'out.jsonl.gz': Data-Juicer writes no '.gz' export (its suffix is the format: .jsonl, .json, .parquet), and dm writes JSON Lines (export_type: jsonl writes them under any name)"
	[ ! -e out.jsonl.gz ]
	# export_type says the format, whatever the name
	printf 'export_type: jsonl\n' >>r.yaml
	run_split dm-recipe run r.yaml
	assert_success
	assert_file out.jsonl.gz '{"text":"x"}'
	# no suffix, another case, a device: what dm writes
	for e in out OUT.JSONL /dev/null; do
		recipe whitespace_normalization_mapper
		sed -i "s|^export_path: .*|export_path: $e|" r.yaml
		run_split dm-recipe check r.yaml
		assert_success
	done
}

@test "the export keys that change Data-Juicer's output are errors at values other than their defaults" {
	printf '%s\n' '{"text":"hello world, long enough"}' >in.jsonl
	cat >r.yaml <<'EOF'
dataset_path: in.jsonl
export_path: out.jsonl
keep_stats_in_res_ds: true
keep_hashes_in_res_ds: yes
export_type: parquet
export_shard_size: 1048576
process:
  - text_length_filter:
EOF
	run_split dm-recipe run r.yaml
	assert_status 2
	assert_stderr <<'EOF'
dm-recipe: r.yaml:3:23: keep_stats_in_res_ds: true is not supported by dm, which leaves __dj__stats__ out of the export
dm-recipe: r.yaml:4:24: keep_hashes_in_res_ds: true is not supported by dm, which keeps no hashes of deduplicators
dm-recipe: r.yaml:5:14: export_type 'parquet' is not supported by dm, which writes JSON Lines (jsonl)
dm-recipe: r.yaml:6:20: export_shard_size '1048576' is not supported by dm, which writes one file
EOF
	[ ! -e out.jsonl ]
	# at their defaults they are ignored; export_type jsonl is what dm
	# writes, also to a .json export_path, which is otherwise an error
	cat >r.yaml <<'EOF'
dataset_path: in.jsonl
export_path: out.json
keep_stats_in_res_ds: false
keep_hashes_in_res_ds:
export_type: jsonl
export_shard_size: 0
process:
  - text_length_filter:
EOF
	run_split dm-recipe check r.yaml
	assert_success
	assert_stderr ''
	assert_output <<'EOF'
r.yaml:3:1: ignored: keep_stats_in_res_ds
r.yaml:4:1: ignored: keep_hashes_in_res_ds
r.yaml:6:1: ignored: export_shard_size
r.yaml: ok: 1 operator in 1 dm stage
EOF
	dm-recipe run r.yaml
	assert_file out.json '{"text":"hello world, long enough"}'
	sed -i '/export_type/d' r.yaml
	run_split dm-recipe run r.yaml
	assert_status 2
	assert_stderr "dm-recipe: r.yaml:2:14: export_path 'out.json': Data-Juicer writes a .json export as a JSON array, which dm does not write (export_type: jsonl writes JSON Lines)"
}

@test "show prints one stage a line, consecutive mappers and filters merged" {
	multi
	run_split dm-recipe show r.yaml
	assert_success
	assert_stderr ''
	assert_output <<'EOF'
dm-map 'remove-urls; normalize-ws; normalize-punct' in.jsonl |
  dm-filter 'alnum_ratio >= 0.1 && alnum_ratio <= 9223372036854775807 && len >= 5 && len <= 9223372036854775807' |
  dm-map 'remove-emails repl="<EMAIL>"' > .out.jsonl.$$.tmp &&
  mv -f .out.jsonl.$$.tmp out.jsonl || (rm -f .out.jsonl.$$.tmp; exit 2)
EOF
}

@test "the printed pipeline run by sh writes the same bytes as run" {
	multi
	dm-recipe run r.yaml
	mv out.jsonl run.jsonl
	[ "$(jq -r .id run.jsonl | tr '\n' ' ')" = "1 2 3 4 5 " ]
	sh -c "$(dm-recipe show r.yaml)"
	assert_same out.jsonl run.jsonl
}

@test "-j and np run the stages through dm-run, with the same output" {
	multi
	dm-recipe run r.yaml
	mv out.jsonl serial.jsonl
	run dm-recipe show -j 3 r.yaml
	assert_success
	assert_output <<'EOF'
dm-run -j 3 -- 'dm-map '\''remove-urls; normalize-ws; normalize-punct'\'' | dm-filter '\''alnum_ratio >= 0.1 && alnum_ratio <= 9223372036854775807 && len >= 5 && len <= 9223372036854775807'\'' | dm-map '\''remove-emails repl="<EMAIL>"'\''' in.jsonl > .out.jsonl.$$.tmp &&
  mv -f .out.jsonl.$$.tmp out.jsonl || (rm -f .out.jsonl.$$.tmp; exit 2)
EOF
	dm-recipe run -j 3 r.yaml
	assert_same out.jsonl serial.jsonl
	sed -i 's/^np: 1/np: 2/' r.yaml
	run dm-recipe show r.yaml
	[[ $output == "dm-run -j 2 -- "* ]]
	rm out.jsonl
	dm-recipe run r.yaml
	assert_same out.jsonl serial.jsonl
}

@test "check refuses -j as it refuses --hosts and --slurm, which it would not use" {
	printf '%s\n' '{"text":"x"}' >in.jsonl
	recipe whitespace_normalization_mapper
	usage=$(dm-recipe --help 2>&1 | sed -n '1,4p')
	for o in '-j 2' '--jobs=2' '--hosts h'; do
		run_split dm-recipe check $o r.yaml
		assert_status 2
		assert_output ''
		assert_stderr "dm-recipe: check takes no -j, --hosts or --slurm"$'\n'"$usage"
	done
}

@test "--hosts and --slurm --spool are passed to dm-run" {
	multi
	run dm-recipe show --hosts hosts.txt r.yaml
	[[ $output == "dm-run --hosts hosts.txt -- 'dm-map "* ]]
	run dm-recipe show --slurm --spool /shared/spool r.yaml
	[[ $output == "dm-run --slurm --spool /shared/spool -- 'dm-map "* ]]
	run_split dm-recipe show --slurm r.yaml
	assert_status 2
	[[ ${stderr%%$'\n'*} == "dm-recipe: --slurm needs --spool DIR" ]]
}

@test "a folder dataset_path reads the .json, .jsonl and .jsonl.zst files Data-Juicer's JSON formatter reads, hidden ones too" {
	mkdir -p data/.h data/sub
	printf '%s\n' '{"id":1,"text":"first file here"}' >data/a.jsonl
	printf '%s\n' '{"id":2,"text":"a .json file of lines"}' >data/b.json
	printf '%s\n' '{"id":3,"text":"in a hidden folder"}' >data/.h/c.jsonl
	printf '%s\n' '{"id":4,"text":"a hidden file here"}' >data/.d.JSONL
	printf '%s\n' '{"id":5,"text":"zstd in a sub-folder"}' | zstd -q >data/sub/e.jsonl.zst
	# what Data-Juicer's JSON formatter does not read
	printf '%s\n' '{"id":6,"text":"gzip is not read"}' | gzip >data/f.jsonl.gz
	printf 'not a sample\n' >data/notes.txt
	printf 'dataset_path: data\nexport_path: out.jsonl\nprocess:\n  - text_length_filter:\n' >r.yaml
	run dm-recipe show r.yaml
	assert_output <<'EOF'
dm-filter 'len >= 10 && len <= 9223372036854775807' data/.d.JSONL data/.h/c.jsonl data/a.jsonl data/b.json data/sub/e.jsonl.zst > .out.jsonl.$$.tmp &&
  mv -f .out.jsonl.$$.tmp out.jsonl || (rm -f .out.jsonl.$$.tmp; exit 2)
EOF
	run_split dm-recipe run r.yaml
	assert_success
	assert_stderr ''
	assert_file out.jsonl <<'EOF'
{"id":4,"text":"a hidden file here"}
{"id":3,"text":"in a hidden folder"}
{"id":1,"text":"first file here"}
{"id":2,"text":"a .json file of lines"}
{"id":5,"text":"zstd in a sub-folder"}
EOF
}

@test "a folder dataset_path of more names than the system takes as arguments is read through a list, as --files0-from" {
	# 30000 names of 100 bytes: 3 MB, over ARG_MAX (2 MB)
	mkdir data
	pad=$(printf '%090d' 0)
	for ((i = 1; i <= 30000; i++)); do
		printf -v n %05d "$i"
		printf '{"id":%d,"text":"sample %d"}\n' "$i" "$i" >"data/$pad-$n.jsonl"
	done
	# the files in order, as operands would give them
	for ((i = 1; i <= 30000; i++)); do
		printf '{"id":%d,"text":"sample %d"}\n' "$i" "$i"
	done >want
	printf 'dataset_path: data\nprocess:\n  - text_length_filter:\n      min_len: 5\n' >r.yaml
	run_out got dm-recipe run r.yaml
	assert_success
	assert_stderr ''
	assert_same got want
	# the pipeline shown names them with the shell's printf, which no
	# argument limit binds, and runs as it is
	dm-recipe show r.yaml >shown
	[[ $(head -n 1 shown) == "printf '%s\\0' data/$pad-00001.jsonl data/$pad-00002.jsonl "* ]]
	[ "$(tail -n 1 shown)" = "  dm-filter --files0-from - 'len >= 5 && len <= 9223372036854775807'" ]
	run_out got sh shown
	assert_success
	assert_same got want
	# with -j, dm-run reads the list; dm-dedup reads it too
	run_out got dm-recipe run -j 2 r.yaml
	assert_success
	assert_same got want
	printf 'dataset_path: data\nprocess:\n  - document_deduplicator:\n' >d.yaml
	[ "$(tail -n 1 <(dm-recipe show d.yaml))" = "  dm-dedup --files0-from - --exact" ]
	run_out got dm-recipe run d.yaml
	assert_success
	assert_same got want
	# a few names are operands, as before
	find data -name '*.jsonl' ! -name '*-[123]0000.jsonl' -delete
	[ "$(dm-recipe show r.yaml)" = "dm-filter 'len >= 5 && len <= 9223372036854775807' data/$pad-10000.jsonl data/$pad-20000.jsonl data/$pad-30000.jsonl" ]
}

@test "suffixes chooses the files of a folder dataset_path, as Data-Juicer's formatters do" {
	mkdir data
	printf '%s\n' '{"id":1,"text":"first file here"}' >data/a.jsonl
	printf '%s\n' '{"id":2,"text":"a .json file of lines"}' >data/b.json
	printf 'a text file\n' >data/c.txt
	printf 'dataset_path: data\nsuffixes: [jsonl]\nprocess:\n  - text_length_filter:\n' >r.yaml
	run_split dm-recipe run r.yaml
	assert_success
	assert_stderr ''
	assert_output '{"id":1,"text":"first file here"}'
	printf 'dataset_path: data\nsuffixes: .JSON\n' >r.yaml
	run_split dm-recipe run r.yaml
	assert_success
	assert_output '{"id":2,"text":"a .json file of lines"}'
	# one the JSON formatter does not read, or none at all
	printf 'dataset_path: data\nsuffixes: [.txt, .json]\n' >r.yaml
	run_split dm-recipe check r.yaml
	assert_success
	printf 'dataset_path: data\nsuffixes: [.txt]\n' >r.yaml
	run_split dm-recipe check r.yaml
	assert_status 2
	assert_stderr "dm-recipe: r.yaml:1:15: dataset_path 'data': Data-Juicer reads its 1 text file with its text formatter, which dm does not support (dm reads JSON Lines)"
	printf 'dataset_path: data\nsuffixes: [.gz]\n' >r.yaml
	run_split dm-recipe check r.yaml
	assert_status 2
	assert_stderr "dm-recipe: r.yaml:1:15: dataset_path 'data': none of its files ends in one of the suffixes"
	# a file dataset_path too
	printf 'dataset_path: data/a.jsonl\nsuffixes: [.json]\n' >r.yaml
	run_split dm-recipe check r.yaml
	assert_status 2
	assert_stderr "dm-recipe: r.yaml:1:15: dataset_path 'data/a.jsonl' does not end in one of the suffixes"
	printf 'dataset_path: data\nsuffixes: {a: 1}\n' >r.yaml
	run_split dm-recipe check r.yaml
	assert_status 2
	assert_stderr "dm-recipe: r.yaml:2:11: suffixes wants a suffix ('.jsonl') or a list of them"
}

@test "a folder Data-Juicer reads with another formatter, holds nothing to read, or a JSON array is an error at dataset_path" {
	mkdir data empty
	printf '%s\n' '{"text":"first file here"}' >data/a.jsonl
	printf 'x\n' >data/b.txt
	printf 'x\n' >data/c.md
	printf 'dataset_path: data\n' >r.yaml
	run_split dm-recipe check r.yaml
	assert_status 2
	assert_stderr "dm-recipe: r.yaml:1:15: dataset_path 'data': Data-Juicer reads its 2 text files with its text formatter, which dm does not support (dm reads JSON Lines)"
	# a tie goes to the formatter Data-Juicer registers first: json
	rm data/c.md
	run_split dm-recipe check r.yaml
	assert_success
	printf 'dataset_path: empty\n' >r.yaml
	run_split dm-recipe check r.yaml
	assert_status 2
	assert_stderr "dm-recipe: r.yaml:1:15: dataset_path 'empty': no file in it"
	printf 'x' | gzip >empty/a.jsonl.gz
	run_split dm-recipe check r.yaml
	assert_status 2
	assert_stderr "dm-recipe: r.yaml:1:15: dataset_path 'empty': no file in it of a format Data-Juicer reads"
	printf ' [{"text":"an array"}]\n' >data/d.json
	printf 'dataset_path: data\n' >r.yaml
	run_split dm-recipe check r.yaml
	assert_status 2
	assert_stderr "dm-recipe: r.yaml:1:15: dataset_path 'data': 'data/d.json' is a JSON array, which dm does not read (dm reads JSON Lines)"
}

@test "dataset_path forms dm does not read are errors at their line: a list, a mixture, a JSON array, CSV, TSV, Parquet and text files" {
	printf '%s\n' '{"text":"x"}' >a.jsonl
	cp a.jsonl b.jsonl
	printf 'dataset_path: [a.jsonl, b.jsonl]\n' >r.yaml
	run_split dm-recipe check r.yaml
	assert_status 2
	assert_stderr "dm-recipe: r.yaml:1:15: dataset_path is a list: Data-Juicer and dm take one path"
	printf 'dataset_path: 0.5 a.jsonl 0.5 b.jsonl\n' >r.yaml
	run_split dm-recipe check r.yaml
	assert_status 2
	assert_stderr "dm-recipe: r.yaml:1:15: dataset_path '0.5 a.jsonl 0.5 b.jsonl': a mixture of datasets is not supported by dm, which reads one file or folder"
	printf '\xef\xbb\xbf\n [{"text":"x"}]' >arr.json
	printf 'dataset_path: arr.json\n' >r.yaml
	run_split dm-recipe check r.yaml
	assert_status 2
	assert_stderr "dm-recipe: r.yaml:1:15: dataset_path 'arr.json' is a JSON array, which dm does not read (dm reads JSON Lines)"
	for f in x.csv:csv x.TSV:tsv x.parquet:parquet plain.txt:text; do
		cp a.jsonl "${f%:*}"
		printf 'dataset_path: %s\n' "${f%:*}" >r.yaml
		run_split dm-recipe check r.yaml
		assert_status 2
		assert_stderr "dm-recipe: r.yaml:1:15: dataset_path '${f%:*}': Data-Juicer reads it with its ${f#*:} formatter, which dm does not support (dm reads JSON Lines)"
	done
}

@test "Data-Juicer's dataset with one local path is read as dataset_path; other forms are errors at their line" {
	printf '%s\n' '{"text":"hello world, long enough"}' >in.jsonl
	cat >r.yaml <<'EOF'
dataset:
  configs:
    - type: local
      path: in.jsonl
process:
  - text_length_filter:
EOF
	run_split dm-recipe show r.yaml
	assert_success
	assert_stderr ''
	assert_output "dm-filter 'len >= 10 && len <= 9223372036854775807' in.jsonl"
	run_split dm-recipe run r.yaml
	assert_success
	assert_output '{"text":"hello world, long enough"}'
	# a dataset_path comes first, as in Data-Juicer
	printf 'dataset_path: in.jsonl\ndataset:\n  configs: []\n' >r.yaml
	run_split dm-recipe check r.yaml
	assert_success
	assert_output 'r.yaml:2:1: ignored: dataset
r.yaml: ok: 0 operators in 0 dm stages'
	printf 'dataset:\n  configs:\n    - type: remote\n      source: huggingface\n      path: a/b\n' >r.yaml
	run_split dm-recipe check r.yaml
	assert_status 2
	assert_stderr "dm-recipe: r.yaml:3:13: dataset: only a dataset of type 'local' is supported by dm"
	printf 'dataset:\n  configs:\n    - type: local\n      path: in.jsonl\n    - type: local\n      path: in.jsonl\n' >r.yaml
	run_split dm-recipe check r.yaml
	assert_status 2
	assert_stderr "dm-recipe: r.yaml:5:7: dataset: a mixture of datasets is not supported by dm, which reads one"
	printf 'dataset:\n  max_sample_num: 10\n  configs:\n    - type: local\n      path: in.jsonl\n' >r.yaml
	run_split dm-recipe check r.yaml
	assert_status 2
	assert_stderr "dm-recipe: r.yaml:2:3: dataset: 'max_sample_num' is not supported by dm"
}

@test "a compressed dataset_path is read, text_keys chooses the field" {
	printf '%s\n' '{"id":1,"body":"  x  "}' | zstd -q >in.jsonl.zst
	printf 'dataset_path: in.jsonl.zst\nexport_path: out.jsonl\ntext_keys: [body]\nprocess:\n  - whitespace_normalization_mapper:\n' >r.yaml
	run dm-recipe show r.yaml
	assert_output "dm-map -k body normalize-ws in.jsonl.zst$to_out"
	dm-recipe run r.yaml
	assert_file out.jsonl '{"id":1,"body":"x"}'
}

@test "a dataset_path /dev/stdin reads run's standard input, as show's text does" {
	printf '%s\n' '{"text":" x "}' '{"text":"y  z"}' >in.jsonl
	printf 'dataset_path: /dev/stdin\nprocess:\n  - whitespace_normalization_mapper:\n' >r.yaml
	run_split dm-recipe run r.yaml <in.jsonl
	assert_success
	assert_stderr ''
	assert_output <<'EOF'
{"text":"x"}
{"text":"y  z"}
EOF
	run_split sh -c "$(dm-recipe show r.yaml)" <in.jsonl
	assert_success
	assert_output <<'EOF'
{"text":"x"}
{"text":"y  z"}
EOF
}

@test "without export_path the samples go to standard output" {
	printf '%s\n' '{"text":"  x  "}' >in.jsonl
	printf 'dataset_path: in.jsonl\nprocess:\n  - whitespace_normalization_mapper:\n' >r.yaml
	run_split dm-recipe run r.yaml
	assert_success
	assert_output '{"text":"x"}'
}

@test "without export_path, run dies of SIGPIPE as its stages when the reader goes away" {
	seq 200000 | sed 's/.*/{"n":&,"text":"  some words of text  "}/' >in.jsonl
	printf 'dataset_path: in.jsonl\nprocess:\n  - whitespace_normalization_mapper:\n  - text_length_filter:\n' >r.yaml
	dm-recipe run r.yaml 2>err | head -n1 >out
	st=("${PIPESTATUS[@]}")
	[ "${st[0]}" -eq 141 ]
	assert_bytes err ''
	assert_bytes out '%s\n' '{"n":1,"text":"some words of text"}'
	(trap '' PIPE; dm-recipe run r.yaml 2>err | head -n1 >out;
	    echo "${PIPESTATUS[0]}" >st)
	assert_bytes st '141\n'
	assert_bytes out '%s\n' '{"n":1,"text":"some words of text"}'
}

@test "a failing run leaves no export_path, nor a temporary file" {
	printf '%s\n' '{"id":1,"text":"fine text here"}' '{"id":2,"text":' >in.jsonl
	recipe text_length_filter
	run_split dm-recipe run r.yaml
	assert_status 2
	assert_stderr <<'EOF'
dm-filter: in.jsonl:2:16: invalid JSON: unexpected end of line
dm-recipe: out.jsonl: not written, a stage failed
EOF
	[ "$(ls -A | grep -vx -e .stderr -e home)" = "$(printf 'in.jsonl\nr.yaml')" ]
	# an export from before stays as it was
	printf 'old\n' >out.jsonl
	run_split dm-recipe run r.yaml
	assert_status 2
	assert_file out.jsonl 'old'
	[ "$(ls -A | grep -vx -e .stderr -e home | wc -l)" -eq 3 ]
}

@test "a stage that fails in a dm-run job (np > 1) fails the run too, not only the last stage" {
	printf '%s\n' '{"id":1,"text":"first good sample"}' '{"text":' '{"id":3,"text":"third good sample"}' >in.jsonl
	printf 'dataset_path: in.jsonl\nexport_path: out.jsonl\nnp: 2\nprocess:\n  - clean_links_mapper:\n  - text_length_filter:\n      min_len: 5\n' >r.yaml
	run_split dm-recipe run r.yaml
	assert_status 2
	[ ! -e out.jsonl ]
	[[ $stderr == "dm-map: in.jsonl:2:9: invalid JSON: unexpected end of line"$'\n'* ]]
	[[ $stderr == *$'\n'"dm-run: job 1 (input bytes 0-80) failed 3 times: exit status 2"$'\n'*$'\n'"dm-recipe: out.jsonl: not written, a stage failed" ]]
}

@test "an export_path that is a symbolic link replaces the file it leads to" {
	printf '%s\n' '{"text":"  x  "}' >in.jsonl
	mkdir d l
	printf 'old\n' >d/t.jsonl
	ln -s ../d/t.jsonl l/out.jsonl
	recipe whitespace_normalization_mapper
	sed -i 's|^export_path: .*|export_path: l/out.jsonl|' r.yaml
	run_split dm-recipe run r.yaml
	assert_success
	assert_stderr ''
	[ "$(readlink l/out.jsonl)" = ../d/t.jsonl ]
	assert_file d/t.jsonl '{"text":"x"}'
	[ "$(ls -A d l | tr '\n' ' ')" = "d: t.jsonl  l: out.jsonl " ]
	# a link to a file not there yet makes that file
	rm d/t.jsonl
	run_split dm-recipe run r.yaml
	assert_success
	[ -L l/out.jsonl ]
	assert_file d/t.jsonl '{"text":"x"}'
}

@test "run keeps the permissions of the export_path it replaces, as a shell's > keeps them" {
	printf '%s\n' '{"text":" x "}' >in.jsonl
	recipe whitespace_normalization_mapper
	printf '%s\n' old >out.jsonl
	chmod 600 out.jsonl
	run_split dm-recipe run r.yaml
	assert_success
	assert_stderr ''
	assert_file out.jsonl '{"text":"x"}'
	[ "$(stat -c %a out.jsonl)" = 600 ]
	# and through a symbolic link, whatever the umask
	ln -s out.jsonl link.jsonl
	chmod 664 out.jsonl
	sed -i 's|^export_path: .*|export_path: link.jsonl|' r.yaml
	(umask 077 && dm-recipe run r.yaml)
	[ "$(stat -c %a out.jsonl)" = 664 ]
	[ -L link.jsonl ]
	# a new file takes the umask
	rm out.jsonl
	(umask 027 && dm-recipe run r.yaml)
	[ "$(stat -c %a out.jsonl)" = 640 ]
}

@test "a SIGTERM sent to run alone stops its stages, and leaves no export_path" {
	# a FIFO held open without data: the stage that reads it waits
	mkfifo in.jsonl
	exec 8<>in.jsonl
	recipe whitespace_normalization_mapper
	dm-recipe run r.yaml 2>err 8>&- &
	pid=$!
	for i in $(seq 50); do
		[ -n "$(ps -o pid= --ppid "$pid")" ] && break
		sleep 0.1
	done
	kill -TERM "$pid"
	for i in $(seq 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	# still waiting for its stage: end it (its input ends), then fail
	if kill -0 "$pid" 2>/dev/null; then
		exec 8>&-
		wait "$pid" || true
		echo "run still waited for its stage after SIGTERM"
		false
	fi
	exec 8>&-
	wait "$pid" && status=0 || status=$?
	[ "$status" -eq 143 ]
	assert_file err ''
	[ ! -e out.jsonl ]
	[ -z "$(ls -A | grep '\.tmp$')" ]
}

@test "an export_path that is a FIFO or a device is written through" {
	printf '%s\n' '{"text":"  x  "}' >in.jsonl
	mkfifo fifo
	recipe whitespace_normalization_mapper
	sed -i 's|^export_path: .*|export_path: fifo|' r.yaml
	timeout 10 cat fifo >got &
	run_split dm-recipe run r.yaml
	wait $!
	assert_success
	assert_stderr ''
	[ -p fifo ]
	assert_file got '{"text":"x"}'
	[ "$(ls -A | grep -vx -e .stderr -e home | tr '\n' ' ')" = "fifo got in.jsonl r.yaml " ]
	sed -i 's|^export_path: .*|export_path: /dev/stdout|' r.yaml
	run_split dm-recipe run r.yaml
	assert_success
	assert_output '{"text":"x"}'
	# a write error of the device is the stage's, and no file replaces it
	[ -c /dev/full ]
	sed -i 's|^export_path: .*|export_path: /dev/full|' r.yaml
	run_split dm-recipe run r.yaml
	[ -c /dev/full ]
	assert_status 2
	assert_stderr 'dm-map: write error: No space left on device'
}

@test "the folders of an export_path that are not there are made, as Data-Juicer makes them" {
	printf '%s\n' '{"text":" x "}' >in.jsonl
	recipe whitespace_normalization_mapper
	sed -i 's|^export_path: .*|export_path: ./outputs/t/o.jsonl|' r.yaml
	run_split dm-recipe show r.yaml
	assert_success
	assert_output <<'EOF'
mkdir -p ./outputs/t &&
  dm-map normalize-ws in.jsonl > ./outputs/t/.o.jsonl.$$.tmp &&
  mv -f ./outputs/t/.o.jsonl.$$.tmp ./outputs/t/o.jsonl || (rm -f ./outputs/t/.o.jsonl.$$.tmp; exit 2)
EOF
	sh -c "$output"
	assert_file outputs/t/o.jsonl '{"text":"x"}'
	rm -r outputs
	run_split dm-recipe run r.yaml
	assert_success
	assert_stderr ''
	assert_file outputs/t/o.jsonl '{"text":"x"}'
	[ "$(ls -A outputs)" = t ]
}

@test "an export_path ending in / is a folder, made when not there, of a file named as the dataset" {
	printf '%s\n' '{"text":" x "}' >in.jsonl
	mkdir data
	cp in.jsonl data/a.jsonl
	recipe whitespace_normalization_mapper
	sed -i 's|^export_path: .*|export_path: outputs/t/|' r.yaml
	run_split dm-recipe show r.yaml
	assert_success
	assert_output <<'EOF'
mkdir -p outputs/t &&
  dm-map normalize-ws in.jsonl > outputs/t/.in.jsonl.$$.tmp &&
  mv -f outputs/t/.in.jsonl.$$.tmp outputs/t/in.jsonl || (rm -f outputs/t/.in.jsonl.$$.tmp; exit 2)
EOF
	run_split dm-recipe run r.yaml
	assert_success
	assert_stderr ''
	assert_file outputs/t/in.jsonl '{"text":"x"}'
	# a folder dataset_path written with its final /, and ., name the file
	sed -i 's|^dataset_path: .*|dataset_path: data/|' r.yaml
	run_split dm-recipe run r.yaml
	assert_success
	assert_stderr ''
	assert_file outputs/t/data '{"text":"x"}'
	cd data
	sed 's|^dataset_path: .*|dataset_path: .|' ../r.yaml >r.yaml
	run_split dm-recipe show r.yaml
	assert_success
	assert_output <<'EOF'
mkdir -p outputs/t &&
  dm-map normalize-ws ./a.jsonl > outputs/t/.export.jsonl.$$.tmp &&
  mv -f outputs/t/.export.jsonl.$$.tmp outputs/t/export.jsonl || (rm -f outputs/t/.export.jsonl.$$.tmp; exit 2)
EOF
}

@test "an export_path whose folder cannot be made is an error at its line" {
	printf '%s\n' '{"text":"x"}' >in.jsonl
	: >file
	recipe whitespace_normalization_mapper
	sed -i 's|^export_path: .*|export_path: file/sub/o.jsonl|' r.yaml
	run_split dm-recipe run r.yaml
	assert_status 2
	assert_stderr "dm-recipe: r.yaml:3:14: export_path 'file/sub/o.jsonl': Not a directory"
	[ ! -e file/sub ]
}

# ---- check and errors ----

@test "check lists the ignored keys and parameters" {
	multi
	run_split dm-recipe check r.yaml
	assert_success
	assert_stderr ''
	assert_output <<'EOF'
r.yaml:2:1: ignored: project_name
r.yaml:6:1: ignored: use_cache
r.yaml:15:7: ignored: num_proc of 'text_length_filter'
r.yaml: ok: 6 operators in 3 dm stages
EOF
}

@test "an unknown top-level key is a warning with a suggestion" {
	printf '%s\n' '{"text":"x"}' >in.jsonl
	printf 'dataset_path: in.jsonl\nexprot_path: o.jsonl\n' >r.yaml
	run_split dm-recipe check r.yaml
	assert_success
	assert_stderr "dm-recipe: r.yaml:2:1: unknown key 'exprot_path' ignored; did you mean 'export_path'?"
}

@test "a key given twice takes its last value, as PyYAML reads it" {
	filter_input
	cat >r.yaml <<'EOF'
dataset_path: nope.jsonl
export_path: out.jsonl
dataset_path: in.jsonl
process:
  - text_length_filter:
      min_len: abc
      max_len: 70
      min_len: 6
  - words_num_filter: {min_num: 1, max_num: 3, min_num: 2}
EOF
	run_split dm-recipe check r.yaml
	assert_success
	assert_stderr ''
	assert_output 'r.yaml: ok: 2 operators in 1 dm stage'
	run dm-recipe show r.yaml
	assert_output "dm-filter 'len >= 6 && len <= 70 && words >= 2 && words <= 3' in.jsonl$to_out"
	/usr/bin/python3 -c 'import sys, yaml; print(yaml.safe_load(sys.stdin))' <r.yaml >py.txt
	assert_file py.txt "{'dataset_path': 'in.jsonl', 'export_path': 'out.jsonl', 'process': [{'text_length_filter': {'min_len': 6, 'max_len': 70}}, {'words_num_filter': {'min_num': 2, 'max_num': 3}}]}"
}

@test "a number is what Data-Juicer's loader reads: YAML 1.1 ints (010 is 8, 0x1F, 1_000, 1:30), jsonargparse's floats (1e5)" {
	touch in.jsonl
	# each spelling as rep_len (an int) and max_ratio (a number) of
	# character_repetition_filter
	spellings='010 0x1F 0b101 1_000 1:30 -1:0:1 +5 -0 0_ 08 09 0o7 0x 1e5 1E-2 0.5e+1 .5 5. 1_0.5 1:30.5 12 0.25 .inf nan 1e+400 1.0 0_7 017_'
	for v in $spellings; do
		printf 'dataset_path: in.jsonl\nprocess:\n  - character_repetition_filter:\n      rep_len: %s\n' "$v" > "r-int-$v.yaml"
		printf 'dataset_path: in.jsonl\nprocess:\n  - character_repetition_filter:\n      max_ratio: %s\n' "$v" > "r-num-$v.yaml"
		dm-recipe show "r-int-$v.yaml" > "int-$v.txt" 2>&1 || :
		dm-recipe show "r-num-$v.yaml" > "num-$v.txt" 2>&1 || :
	done
	# jsonargparse's DefaultLoader (_loaders_dumpers.py): PyYAML's
	# SafeLoader with its float resolver replaced
	run /usr/bin/python3 - $spellings <<'PY'
import math, re, sys, yaml
class L(yaml.SafeLoader):
    pass
L.yaml_implicit_resolvers = {k: [(t, r) for t, r in v if t not in
    ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:float")]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}
L.add_implicit_resolver("tag:yaml.org,2002:float", re.compile("""^(?:
    [-+]?(?:[0-9][0-9_]*)\\.[0-9_]*(?:[eE][-+]?[0-9]+)?
    |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
    |\\.[0-9_]+(?:[eE][-+][0-9]+)?
    |[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\\.[0-9_]*
    |[-+]?\\.(?:inf|Inf|INF)
    |\\.(?:nan|NaN|NAN))$""", re.X), list("-+0123456789."))
def load(kind, v, param):
    r = yaml.load(open("r-%s-%s.yaml" % (kind, v)), Loader=L)
    return r["process"][0]["character_repetition_filter"][param]
def isint(x):
    return isinstance(x, int) and not isinstance(x, bool)
bad = 0
for v in sys.argv[1:]:
    # rep_len: an int from 1 is its n, anything else is not an integer
    got = open("int-%s.txt" % v).read().strip()
    x = load("int", v, "rep_len")
    err = "dm-recipe: r-int-%s.yaml:4:16: parameter 'rep_len' wants an integer, not '" % v
    if isint(x) and x >= 1:
        ok = got == "dm-filter 'char_rep(%d) >= 0.0 && char_rep(%d) <= 0.5' in.jsonl" % (x, x)
    elif isint(x):
        ok = got == "dm-recipe: r-int-%s.yaml:4:16: parameter 'rep_len' must be an integer from 1, not '%d'" % (v, x)
    elif isinstance(x, float) and math.isfinite(x):
        ok = got.startswith(err) and float(got[len(err):-1]) == x
    else:
        ok = got == err + v + "'"
    # max_ratio: any finite number, as written or as Python has it
    got2 = open("num-%s.txt" % v).read().strip()
    y = load("num", v, "max_ratio")
    m = re.fullmatch(r"dm-filter 'char_rep\(10\) >= 0\.0 && char_rep\(10\) <= (\S+)' in\.jsonl", got2)
    if (isint(y) or isinstance(y, float)) and math.isfinite(y):
        ok2 = m is not None and float(m.group(1)) == y
    else:
        ok2 = got2 == "dm-recipe: r-num-%s.yaml:4:18: parameter 'max_ratio' wants a number, not '%s'" % (v, v)
    if not ok or not ok2:
        print("%s: Data-Juicer reads %r, dm: %s / %s" % (v, x, got, got2))
        bad += 1
print("%d spellings agree" % len(sys.argv[1:]) if not bad else "differ")
PY
	assert_success
	assert_output '28 spellings agree'
	# an int is an int, 08 is text, and a number is written as Python has it
	assert_file int-0x1F.txt "dm-filter 'char_rep(31) >= 0.0 && char_rep(31) <= 0.5' in.jsonl"
	assert_file num-1:30.txt "dm-filter 'char_rep(10) >= 0.0 && char_rep(10) <= 90' in.jsonl"
	assert_file int-08.txt "dm-recipe: r-int-08.yaml:4:16: parameter 'rep_len' wants an integer, not '08'"
	assert_file int-1_0.5.txt "dm-recipe: r-int-1_0.5.yaml:4:16: parameter 'rep_len' wants an integer, not '10.5'"
}

@test "bad YAML is reported with line and column" {
	printf 'dataset_path: [in.jsonl\nprocess: x\n' >r.yaml
	run_split dm-recipe check r.yaml
	assert_status 2
	assert_stderr "dm-recipe: r.yaml:2:8: did not find expected ',' or ']' (while parsing a flow sequence)"
}

@test "a byte that is not UTF-8 is reported at its line and column" {
	printf 'dataset_path: in.jsonl\nprocess:\n  - text_length_filter: {min_len: "\377"}\n' >u.yaml
	run_split dm-recipe check u.yaml
	assert_status 2
	assert_stderr 'dm-recipe: u.yaml:3:36: invalid leading UTF-8 octet'
	# columns count characters; CR LF ends a line, as in libyaml's marks
	printf 'dataset_path: in.jsonl\r\nprocess:\r\n  - \303\251: {min_len: "ab\377"}\n' >u.yaml
	run_split dm-recipe check u.yaml
	assert_stderr 'dm-recipe: u.yaml:3:21: invalid leading UTF-8 octet'
	printf '\357\273\277a: b\nc: d\303' >u.yaml
	run_split dm-recipe check u.yaml
	assert_stderr 'dm-recipe: u.yaml:2:5: incomplete UTF-8 octet sequence'
	printf 'a: b\nc: d\001\n' >u.yaml
	run_split dm-recipe check u.yaml
	assert_stderr 'dm-recipe: u.yaml:2:5: control characters are not allowed'
}

@test "a recipe that is a folder is an error naming it" {
	mkdir d
	run_split dm-recipe show d
	assert_status 2
	assert_output ''
	assert_stderr 'dm-recipe: d: Is a directory'
}

@test "an unknown operator, parameter or value is an error at its place" {
	printf '%s\n' '{"text":"x"}' >in.jsonl
	cat >r.yaml <<'EOF'
dataset_path: in.jsonl
process:
  - alphanumric_filter:
      min_ratio: 0.1
  - text_length_filter:
      min_lne: 3
      max_len: abc
  - remove_repeat_sentences_mapper:
      lowercase: maybe
  - words_num_filter: [1]
EOF
	run_split dm-recipe check r.yaml
	assert_status 2
	assert_output ''
	assert_stderr <<'EOF'
dm-recipe: r.yaml:3:5: unknown operator 'alphanumric_filter'; did you mean 'alphanumeric_filter'?
dm-recipe: r.yaml:6:7: unknown parameter 'min_lne' of 'text_length_filter'; did you mean 'min_len'?
dm-recipe: r.yaml:7:16: parameter 'max_len' wants a number, not 'abc'
dm-recipe: r.yaml:9:18: parameter 'lowercase' wants true or false, not 'maybe'
dm-recipe: r.yaml:10:23: the parameters of 'words_num_filter' are not a mapping
EOF
}

@test "a missing or absent dataset_path is an error" {
	printf 'process: []\n' >r.yaml
	run_split dm-recipe run r.yaml
	assert_status 2
	assert_stderr "dm-recipe: r.yaml: no 'dataset_path'"
	printf 'dataset_path: nope.jsonl\n' >r.yaml
	run_split dm-recipe run r.yaml
	assert_status 2
	assert_stderr "dm-recipe: r.yaml:1:15: dataset_path 'nope.jsonl': No such file or directory"
}

@test "unsupported operators and parameters: an error, or left out with --skip-unsupported" {
	filter_input
	cat >r.yaml <<'EOF'
dataset_path: in.jsonl
export_path: out.jsonl
process:
  - perplexity_filter:
      lang: en
  - stopwords_filter:
      stopwords_dir: /data/stopwords
  - words_num_filter:
EOF
	run_split dm-recipe run r.yaml
	assert_status 2
	assert_stderr <<'EOF'
dm-recipe: r.yaml:4:5: operator 'perplexity_filter' is not supported by dm (needs a KenLM language model dm does not run)
dm-recipe: r.yaml:7:22: parameter 'stopwords_dir' of 'stopwords_filter' is not supported by dm
EOF
	[ ! -e out.jsonl ]
	run_split dm-recipe run --skip-unsupported r.yaml
	assert_success
	assert_stderr <<'EOF'
dm-recipe: r.yaml:4:5: operator 'perplexity_filter' is not supported by dm (needs a KenLM language model dm does not run); left out
dm-recipe: r.yaml:7:22: parameter 'stopwords_dir' of 'stopwords_filter' is not supported by dm; 'stopwords_filter' left out
EOF
	[ "$(ids)" = "1 " ]
}

@test "the ray deduplicators are known and not supported: --skip-unsupported leaves them out" {
	printf '%s\n' '{"text":"a"}' '{"text":"a"}' >in.jsonl
	cat >r.yaml <<'EOF'
dataset_path: in.jsonl
process:
  - ray_bts_minhash_deduplicator:
  - ray_document_deduplicator:
      backend: redis
  - ray_image_deduplicator:
  - ray_video_deduplicator:
EOF
	run_split dm-recipe check r.yaml
	assert_status 2
	assert_stderr <<'EOF'
dm-recipe: r.yaml:3:5: operator 'ray_bts_minhash_deduplicator' is not supported by dm (runs on Ray, whose order of blocks chooses the copy kept)
dm-recipe: r.yaml:4:5: operator 'ray_document_deduplicator' is not supported by dm (runs on Ray, whose order of blocks chooses the copy kept)
dm-recipe: r.yaml:6:5: operator 'ray_image_deduplicator' is not supported by dm (not a text operator)
dm-recipe: r.yaml:7:5: operator 'ray_video_deduplicator' is not supported by dm (not a text operator)
EOF
	run_split dm-recipe run --skip-unsupported r.yaml
	assert_success
	assert_stderr <<'EOF'
dm-recipe: r.yaml:3:5: operator 'ray_bts_minhash_deduplicator' is not supported by dm (runs on Ray, whose order of blocks chooses the copy kept); left out
dm-recipe: r.yaml:4:5: operator 'ray_document_deduplicator' is not supported by dm (runs on Ray, whose order of blocks chooses the copy kept); left out
dm-recipe: r.yaml:6:5: operator 'ray_image_deduplicator' is not supported by dm (not a text operator); left out
dm-recipe: r.yaml:7:5: operator 'ray_video_deduplicator' is not supported by dm (not a text operator); left out
EOF
	assert_output '{"text":"a"}
{"text":"a"}'
}

# The word filters with tokenization: true, their model en.sp.model
# found through DM_TOKENIZER_PATH, keep what Data-Juicer keeps
# (tests/fixtures/djref-sp.py runs its code path with
# python3-sentencepiece).
@test "tokenization: true on the word filters is their statistic with sp=\"LANG\"" {
	/usr/bin/python3 - <<'PY'
import json, random
random.seed(3)
w = ("the of and to in is that it was for on are with as they be at one "
     "have this from or had by water people sound number porn xxx fox "
     "Dog, dog. 1234 (the) it's 数据").split()
with open("corpus.txt", "w") as c:
    for _ in range(2000):
        print(" ".join(random.choice(w) for _ in range(12)), file=c)
with open("in.jsonl", "w") as f:
    for k in range(300):
        n = random.choice([2, 4, 6, 10, 20, random.randrange(0, 60)])
        t = " ".join(random.choice(w) for _ in range(n))
        if k % 4 == 0:
            t = t + " " + t
        print(json.dumps({"id": k, "text": t}), file=f)
PY
	mkdir models
	spm_train --input=corpus.txt --model_prefix=models/en.sp \
	    --model_type=unigram --vocab_size=80 --hard_vocab_limit=false \
	    --user_defined_symbols=the,of,and,porn --minloglevel=2 \
	    >spm_train.log 2>&1 || { cat spm_train.log >&2; return 1; }
	cat >r.yaml <<'EOF'
dataset_path: in.jsonl
export_path: out.jsonl
process:
  - words_num_filter:
      lang: en
      tokenization: true
      min_num: 5
  - word_repetition_filter:
      lang: en
      tokenization: true
      rep_len: 2
      max_ratio: 0.3
  - stopwords_filter:
      lang: en
      tokenization: true
      min_ratio: 0.1
  - flagged_words_filter:
      lang: en
      tokenization: true
EOF
	export DM_TOKENIZER_PATH=$PWD/models
	run dm-recipe show r.yaml
	assert_success
	assert_output "dm-filter 'words(sp=\"en\") >= 5 && words(sp=\"en\") <= 9223372036854775807 && word_rep(2, sp=\"en\") >= 0.0 && word_rep(2, sp=\"en\") <= 0.3 && stopword_ratio(\"en\", sp=\"en\") >= 0.1 && stopword_ratio(\"en\", sp=\"en\") <= 1.0 && flagged_ratio(\"en\", sp=\"en\") >= 0.0 && flagged_ratio(\"en\", sp=\"en\") <= 0.045' in.jsonl$to_out"
	run_split dm-recipe run r.yaml
	assert_success
	assert_stderr ''
	/usr/bin/python3 "$FIXTURES/djref-sp.py" keep models/en.sp.model \
	    "$DM_SHAREDIR/wordlists/stopwords/en.txt" \
	    "$DM_SHAREDIR/wordlists/flagged/en.txt" in.jsonl 5 2 0.3 0.1 \
	    0.045 >want.jsonl
	n=$(wc -l <want.jsonl)
	[ "$n" -gt 30 ]
	[ "$n" -lt 250 ]
	cmp want.jsonl out.jsonl
	# without the model, the error names where it was looked for
	export DM_TOKENIZER_PATH=$PWD/none DATA_JUICER_MODELS_CACHE=$PWD/dj
	run_split dm-recipe check r.yaml
	assert_status 2
	[ "$(printf '%s\n' "$stderr" | head -1)" = "dm-recipe: r.yaml:4:7: no SentencePiece model 'en.sp.model' in '$PWD/none:$PWD/dj'" ]
}

# use_words_aug of stopwords_filter and flagged_words_filter is aug= of
# their statistic (compared with Data-Juicer's words_refinement in
# op-stats.bats and sp-words.bats), words_aug_group_sizes [2] and
# words_aug_join_char "" by default
@test "use_words_aug is aug= of the word list's statistic" {
	filter_input
	cat >r.yaml <<'EOF'
dataset_path: in.jsonl
export_path: out.jsonl
process:
  - stopwords_filter:
      lang: zh
      min_ratio: 0.1
      use_words_aug: true
  - flagged_words_filter:
      lang: zh
      use_words_aug: true
      words_aug_group_sizes: [3, 2]
      words_aug_join_char: "_"
  - flagged_words_filter:
      words_aug_group_sizes: [3, 2]
  - stopwords_filter:
      use_words_aug: true
      words_aug_group_sizes: []
EOF
	run dm-recipe show r.yaml
	assert_success
	# the later filters of a statistic read the first one's value, as
	# Data-Juicer's stats_ratio and flagged_words_ratio are computed once
	assert_output "dm-filter 'stopword_ratio(\"zh\", aug=[2]) >= 0.1 && stopword_ratio(\"zh\", aug=[2]) <= 1.0 && flagged_ratio(\"zh\", aug=[3,2], join=\"_\") >= 0.0 && flagged_ratio(\"zh\", aug=[3,2], join=\"_\") <= 0.045 && flagged_ratio(\"zh\", aug=[3,2], join=\"_\") >= 0.0 && flagged_ratio(\"zh\", aug=[3,2], join=\"_\") <= 0.045 && stopword_ratio(\"zh\", aug=[2]) >= 0.3 && stopword_ratio(\"zh\", aug=[2]) <= 1.0' in.jsonl$to_out"
	# alone, each is its own
	printf 'dataset_path: in.jsonl\nprocess:\n  - flagged_words_filter:\n      words_aug_group_sizes: [3, 2]\n' >r.yaml
	run dm-recipe show r.yaml
	assert_output "dm-filter 'flagged_ratio(\"en\") >= 0.0 && flagged_ratio(\"en\") <= 0.045' in.jsonl"
	printf 'dataset_path: in.jsonl\nprocess:\n  - stopwords_filter:\n      use_words_aug: true\n      words_aug_group_sizes: []\n      min_ratio: 0.3\n' >r.yaml
	run dm-recipe show r.yaml
	assert_output "dm-filter 'stopword_ratio(\"en\") >= 0.3 && stopword_ratio(\"en\") <= 1.0' in.jsonl"
	cat >r.yaml <<'EOF'
dataset_path: in.jsonl
export_path: out.jsonl
process:
  - stopwords_filter:
      use_words_aug: true
      words_aug_group_sizes: 2
  - flagged_words_filter:
      use_words_aug: true
      words_aug_group_sizes: [2, 0]
  - flagged_words_filter:
      use_words_aug: true
      words_aug_join_char: ":"
EOF
	run_split dm-recipe check r.yaml
	assert_status 2
	assert_stderr <<'EOF'
dm-recipe: r.yaml:6:30: parameter 'words_aug_group_sizes' of 'stopwords_filter' is a list of integers from 1 to 1000000
dm-recipe: r.yaml:9:30: parameter 'words_aug_group_sizes' of 'flagged_words_filter' is a list of integers from 1 to 1000000
dm-recipe: r.yaml:12:28: parameter 'words_aug_join_char' of 'flagged_words_filter': a ':' is not supported by dm
EOF
}

@test "remove_words_with_incorrect_substrings_mapper is remove-incorrect-substrings" {
	printf '%s\n' '{"text":"see http://x.com now"}' '{"text":"a  b x"}' > in.jsonl
	cat >r.yaml <<'EOF'
dataset_path: in.jsonl
export_path: out.jsonl
process:
  - remove_words_with_incorrect_substrings_mapper:
  - remove_words_with_incorrect_substrings_mapper:
      substrings: ["x", "a b", "\"q\""]
  - remove_words_with_incorrect_substrings_mapper:
      substrings: []
EOF
	run dm-recipe show r.yaml
	assert_success
	assert_output "dm-map 'remove-incorrect-substrings; remove-incorrect-substrings substrings=\"x,a b,\\\"q\\\"\"; remove-incorrect-substrings substrings=\"\"' in.jsonl$to_out"
	run_split dm-recipe run r.yaml
	assert_success
	run cat out.jsonl
	assert_output <<'EOF'
{"text":"see now"}
{"text":"a b"}
EOF
	cat >r.yaml <<'EOF'
dataset_path: in.jsonl
export_path: out.jsonl
process:
  - remove_words_with_incorrect_substrings_mapper:
      substrings: "http"
  - remove_words_with_incorrect_substrings_mapper:
      substrings: ["a,b", ""]
  - remove_words_with_incorrect_substrings_mapper:
      substrings: ["", "x"]
EOF
	run_split dm-recipe check r.yaml
	assert_status 2
	assert_stderr <<'EOF'
dm-recipe: r.yaml:5:19: parameter 'substrings' of 'remove_words_with_incorrect_substrings_mapper' is a list of strings
dm-recipe: r.yaml:7:20: parameter 'substrings': item 1: a ',' is not supported by dm
dm-recipe: r.yaml:9:20: parameter 'substrings': item 1: an empty string is not supported by dm
EOF
}

# suffix_filter keeps the samples whose __dj__suffix__ (the file suffix
# Data-Juicer's formatters add) is listed
@test "suffix_filter keeps the samples of the listed suffixes" {
	printf '%s\n' '{"id":1,"__dj__suffix__":".c"}' '{"id":2,"__dj__suffix__":".md"}' \
	    '{"id":3,"__dj__suffix__":".h"}' '{"id":4,"__dj__suffix__":".C"}' '{"id":5}' > in.jsonl
	cat >r.yaml <<'EOF'
dataset_path: in.jsonl
export_path: out.jsonl
process:
  - suffix_filter:
      suffixes: [".c", ".h", ".md"]
  - suffix_filter:
      suffixes: ".md"
      reversed_range: true
  - suffix_filter:
EOF
	run dm-recipe show r.yaml
	assert_success
	assert_output "dm-filter '.__dj__suffix__ in [\".c\", \".h\", \".md\"] && !(.__dj__suffix__ in [\".md\"])' in.jsonl$to_out"
	run_split dm-recipe run r.yaml
	assert_success
	run jq -c .id out.jsonl
	assert_output "$(printf '1\n3')"
	# dm does not add the field as add_suffix: true has Data-Juicer add it
	sed -i 's/^process:/add_suffix: true\nprocess:/' r.yaml
	run_split dm-recipe check r.yaml
	assert_status 2
	assert_stderr <<'EOF'
dm-recipe: r.yaml:5:5: 'suffix_filter' after add_suffix: true is not supported by dm, which does not add __dj__suffix__
dm-recipe: r.yaml:7:5: 'suffix_filter' after add_suffix: true is not supported by dm, which does not add __dj__suffix__
EOF
}

# ---- specified_field_filter, specified_numeric_field_filter ----

# spec_input: in.jsonl, samples whose m.v holds the values where Python's
# == and float() differ from a plain reading: ints, floats and bools that
# are equal, numeric strings, lists and dicts, 0, "", null, nan and inf,
# integers beyond 2^53 and sys.maxsize.
spec_input() {
	cat >in.jsonl <<'EOF'
{"id":1,"m":{"v":1}}
{"id":2,"m":{"v":1.0}}
{"id":3,"m":{"v":true}}
{"id":4,"m":{"v":"1"}}
{"id":5,"m":{"v":0}}
{"id":6,"m":{"v":false}}
{"id":7,"m":{"v":""}}
{"id":8,"m":{"v":null}}
{"id":9,"m":{"v":[1,true,1.0]}}
{"id":10,"m":{"v":[1,2]}}
{"id":11,"m":{"v":[]}}
{"id":12,"m":{"v":[[1,2]]}}
{"id":13,"m":{"v":{"b":[2],"a":1}}}
{"id":14,"m":{"v":" 3.5 "}}
{"id":15,"m":{"v":"1e3"}}
{"id":16,"m":{"v":"inf"}}
{"id":17,"m":{"v":"-Infinity"}}
{"id":18,"m":{"v":"nan"}}
{"id":19,"m":{"v":"1_000"}}
{"id":20,"m":{"v":"0x10"}}
{"id":21,"m":{"v":"\u0663.\u0665"}}
{"id":22,"m":{"v":9223372036854775807}}
{"id":23,"m":{"v":"9223372036854775807"}}
{"id":24,"m":{"v":-9223372036854775807}}
{"id":25,"m":{"v":9007199254740993}}
{"id":26,"m":{"v":9007199254740992}}
{"id":27,"m":{"v":"a"}}
{"id":28,"m":{"v":["a","b"]}}
{"id":29,"m":{"v":2.5}}
{"id":30,"m":{"v":-0.0}}
{"id":31,"m":{"v":"0"}}
{"id":32,"m":{"v":{}}}
{"id":33,"m":{"v":"1 2"}}
{"id":34,"m":{"v":10}}
{"id":35,"m":{"v":"\u00a010\u2003"}}
EOF
}

# spec_compare OP: runs r.yaml's one OP with each line of stdin as its
# parameters (after field_key: m.v), and compares the samples kept with
# those tests/fixtures/djref.py keeps, Data-Juicer's code run by Python.
spec_compare() {
	local params
	while IFS= read -r params; do
		printf 'dataset_path: in.jsonl\nexport_path: out.jsonl\nprocess:\n  - %s: {field_key: m.v%s}\n' \
		    "$1" "$params" >r.yaml
		run_split dm-recipe run r.yaml
		[ "$status" -eq 0 ] && [ -z "$stderr" ] ||
		    { echo "$params: status $status: $stderr"; false; }
		/usr/bin/python3 "$FIXTURES/djref.py" specified r.yaml in.jsonl >want.jsonl
		assert_same out.jsonl want.jsonl || { echo "$1: $params"; false; }
	done
}

@test "specified_field_filter keeps a value, or each element of a list, equal to one of target_value by Python's ==" {
	spec_input
	grep -v '"id":13' in.jsonl >x && mv x in.jsonl
	spec_compare specified_field_filter <<'EOF'
, target_value: [1]
, target_value: [true]
, target_value: [1.0]
, target_value: ['1']
, target_value: [0]
, target_value: [false, '']
, target_value: [null]
, target_value: [[1, 2]]
, target_value: [[1, 2], 1, 2]
, target_value: [[1.0, true]]
, target_value: [9007199254740993]
, target_value: [9223372036854775807, -9223372036854775807]
, target_value: [a, b]
, target_value: [yes, 2.5, .nan, -.inf, 2001-12-14]
, target_value: [-0.0, 0x0a, 1_0]
, target_value: []
, target_value: null
, target_value: [1], reversed_range: true
, target_value: [a, b, 1], reversed_range: true, min_closed_interval: false
EOF
	printf 'dataset_path: in.jsonl\nexport_path: out.jsonl\nprocess:\n  - specified_field_filter: {field_key: m.v, target_value: [1, "x"], reversed_range: true}\n' >r.yaml
	run dm-recipe show r.yaml
	assert_output "dm-filter -s --on-error=skip '(has(.[\"__dj__stats__\"][\"m.v\"]) && (has(.[\"m\"][\"v\"]) || .[\"m\"][\"v\"]) && !all_in(.[\"__dj__stats__\"][\"m.v\"], [1, \"x\"]) || !has(.[\"__dj__stats__\"][\"m.v\"]) && !all_in(.[\"m\"][\"v\"], [1, \"x\"]))' in.jsonl$to_out"
}

@test "specified_field_filter compares dicts by their members, and refuses a mapping in target_value" {
	spec_input
	printf 'dataset_path: in.jsonl\nexport_path: out.jsonl\nprocess:\n  - specified_field_filter: {field_key: m.v, target_value: [[{a: 1}]]}\n' >r.yaml
	run_split dm-recipe run r.yaml
	assert_status 2
	assert_stderr "dm-recipe: r.yaml:4:62: parameter 'target_value': a mapping is not supported by dm"
	printf 'dataset_path: in.jsonl\nexport_path: out.jsonl\nprocess:\n  - specified_field_filter: {field_key: m.v, target_value: "1"}\n' >r.yaml
	run_split dm-recipe check r.yaml
	assert_status 2
	assert_stderr "dm-recipe: r.yaml:4:60: parameter 'target_value' wants a list"
	# all_in() itself compares objects as Python compares dicts
	run dm-filter 'all_in(m.v, m.w)' <<'EOF'
{"m":{"v":{"a":1,"b":[2]},"w":[{"b":[2.0],"a":true}]}}
{"m":{"v":{"a":1,"b":[2]},"w":[{"b":[2],"a":1,"c":0}]}}
EOF
	assert_output '{"m":{"v":{"a":1,"b":[2]},"w":[{"b":[2.0],"a":true}]}}'
}

@test "specified_numeric_field_filter keeps the values is_number and float() read inside Data-Juicer's range" {
	spec_input
	grep -v -e '"id":9,' -e '"id":10,' -e '"id":12,' -e '"id":13,' \
	    -e '"id":28,' in.jsonl >x && mv x in.jsonl
	spec_compare specified_numeric_field_filter <<'EOF'

, min_value: 1
, min_value: 1, max_value: 10
, min_value: 1, max_value: 10, min_closed_interval: false, max_closed_interval: false
, min_value: 1, max_value: 10, reversed_range: true
, reversed_range: true
, min_value: 1.0, max_value: 1000.0, reversed_range: true, max_closed_interval: false
, min_value: -1, max_value: 9223372036854775806
, min_value: 9007199254740993
, max_value: 9007199254740993, max_closed_interval: false
EOF
	printf 'dataset_path: in.jsonl\nexport_path: out.jsonl\nprocess:\n  - specified_numeric_field_filter: {field_key: m.v, min_value: 1, reversed_range: true}\n' >r.yaml
	run dm-recipe show r.yaml
	f='.["m"]["v"]' s='.["__dj__stats__"]["m.v"]'
	t() { printf '%s && str(%s) != "[]" && str(%s) != "{}" && float(%s) != null && !(float(%s) > 1 && float(%s) < 9.2233720368547758e+18)' "$1" "$1" "$1" "$1" "$1" "$1"; }
	assert_output "dm-filter -s --on-error=skip '(has($s) && (has($f) || $f) && $(t "$s") || !has($s) && $(t "$f"))' in.jsonl$to_out"
}

@test "an operator's own skip_op_error overrides the top-level one, as update_op_attr leaves it" {
	printf '%s\n' '{"id":1,"m":{"v":1}}' '{"id":2,"m":{"w":1}}' >in.jsonl
	# skip_op_error: false of the operator stops the run at sample 2
	dj_recipe 'specified_numeric_field_filter: {field_key: m.v, skip_op_error: false}'
	run_split dm-recipe run r.yaml
	assert_status 2
	assert_stderr <<'EOF'
dm-filter: in.jsonl:2: expression:1:346: field 'm.v' is missing
dm-recipe: out.jsonl: not written, a stage failed
EOF
	[ ! -e out.jsonl ]
	# true of the operator leaves the sample out under a top-level false
	dj_recipe 'specified_field_filter: {field_key: m.v, target_value: [1], skip_op_error: true}'
	printf 'skip_op_error: false\n' >>r.yaml
	run_split dm-recipe run r.yaml
	assert_status 1
	assert_stderr <<'EOF'
dm-filter: in.jsonl:2: expression:1:157: field 'm.v' is missing
dm-filter: 1 of 2 samples rejected
EOF
	assert_file out.jsonl '{"id":1,"m":{"v":1}}'
	# a quoted 'false' is a string to the operator, not a bool
	dj_recipe "specified_field_filter: {field_key: m.v, skip_op_error: 'false'}"
	run_split dm-recipe check r.yaml
	assert_status 2
	assert_stderr "dm-recipe: r.yaml:4:61: parameter 'skip_op_error' of 'specified_field_filter' wants true or false"
}

@test "a sample without a level of field_key is left out with its line, as Data-Juicer's skip_op_error does, and stops the run without it" {
	printf '%s\n' '{"id":1,"m":{"v":1}}' '{"id":2,"m":{"w":1}}' '{"id":3,"m":"v"}' '{"id":4,"m":{"v":1.0}}' >in.jsonl
	for op in 'specified_field_filter: {field_key: m.v, target_value: [1]}' \
	    'specified_numeric_field_filter: {field_key: m.v}'; do
		# where the field is read in the expression the operator became
		case $op in
		specified_field_filter*) at=expression:1:157 ;;
		*) at=expression:1:346 ;;
		esac
		# skip_op_error: true, Data-Juicer's default
		dj_recipe "$op"
		run_split /usr/bin/python3 "$FIXTURES/djref.py" specified r.yaml in.jsonl
		assert_success
		assert_stderr <<'EOF'
error: in.jsonl:2: 'v' not in dict_keys(['w'])
error: in.jsonl:3: 'str' object has no attribute 'keys'
EOF
		printf '%s' "$output" >want
		run_split dm-recipe run r.yaml
		assert_status 1
		assert_output ''
		assert_stderr <<EOF
dm-filter: in.jsonl:2: $at: field 'm.v' is missing
dm-filter: in.jsonl:3: $at: field 'm.v' is missing
dm-filter: 2 of 4 samples rejected
EOF
		printf '%s\n' '{"id":1,"m":{"v":1}}' '{"id":4,"m":{"v":1.0}}' >expect
		cmp expect out.jsonl
		printf '\n' >>want && cmp want out.jsonl
		# skip_op_error: false
		printf 'skip_op_error: false\n' >>r.yaml
		rm out.jsonl
		run /usr/bin/python3 "$FIXTURES/djref.py" specified r.yaml in.jsonl
		assert_status 3
		assert_output "error: in.jsonl:2: 'v' not in dict_keys(['w'])"
		run_split dm-recipe run r.yaml
		assert_status 2
		assert_output ''
		assert_stderr <<EOF
dm-filter: in.jsonl:2: $at: field 'm.v' is missing
dm-recipe: out.jsonl: not written, a stage failed
EOF
		[ ! -e out.jsonl ]
	done
	# float() of a list raises TypeError in process_single
	printf '%s\n' '{"id":1,"m":{"v":[]}}' '{"id":2,"m":{"v":[1]}}' '{"id":3,"m":{"v":2}}' >in.jsonl
	dj_recipe 'specified_numeric_field_filter: {field_key: m.v}'
	run_split /usr/bin/python3 "$FIXTURES/djref.py" specified r.yaml in.jsonl
	assert_output '{"id":3,"m":{"v":2}}'
	run_split dm-recipe run r.yaml
	assert_status 1
	assert_stderr <<'EOF'
dm-filter: in.jsonl:2: expression:1:417: float() of an array
dm-filter: 1 of 3 samples rejected
EOF
	assert_file out.jsonl '{"id":3,"m":{"v":2}}'
	printf 'skip_op_error: false\n' >>r.yaml
	run /usr/bin/python3 "$FIXTURES/djref.py" specified r.yaml in.jsonl
	assert_status 3
	run_split dm-recipe run r.yaml
	assert_status 2
	assert_stderr <<'EOF'
dm-filter: in.jsonl:2: expression:1:417: float() of an array
dm-recipe: out.jsonl: not written, a stage failed
EOF
	# no field_key: every sample is kept, once it has the member "" that
	# "".split(".") asks for
	printf '%s\n' '{"id":1,"":0}' '{"id":2}' >in.jsonl
	dj_recipe 'specified_field_filter: {target_value: [5]}'
	run_split dm-recipe run r.yaml
	assert_status 1
	assert_stderr <<'EOF'
dm-filter: in.jsonl:2: expression:1:16: field '.[""]' is missing
dm-filter: 1 of 2 samples rejected
EOF
	assert_file out.jsonl '{"id":1,"":0}'
	# skip_op_error is a boolean
	printf 'skip_op_error: maybe\n' >>r.yaml
	run_split dm-recipe check r.yaml
	assert_status 2
	assert_stderr 'dm-recipe: r.yaml:5:16: skip_op_error wants true or false'
}

@test "the specified filters test the value __dj__stats__ holds for field_key, copied at the first of them" {
	printf '%s\n' '{"id":1,"m":{"v":5},"__dj__stats__":{"m.v":50}}' \
	    '{"id":2,"m":{"v":50},"__dj__stats__":{"x":1}}' '{"id":3,"m":{"v":5}}' >in.jsonl
	dj_recipe 'specified_numeric_field_filter: {field_key: m.v, min_value: 10}'
	run /usr/bin/python3 "$FIXTURES/djref.py" specified r.yaml in.jsonl
	assert_output "$(head -n 2 in.jsonl)"
	run_split dm-recipe run r.yaml
	assert_success
	assert_same out.jsonl <(head -n 2 in.jsonl)
	dj_recipe 'specified_field_filter: {field_key: m.v, target_value: [5]}'
	run_split dm-recipe run r.yaml
	assert_file out.jsonl '{"id":3,"m":{"v":5}}'
	# the text as the first one saw it, before the mapper
	printf '%s\n' '{"id":1,"text":"  a  "}' '{"id":2,"text":"b"}' >in.jsonl
	cat >r.yaml <<'EOF'
dataset_path: in.jsonl
export_path: out.jsonl
process:
  - specified_field_filter: {field_key: text, target_value: ['  a  ', b]}
  - whitespace_normalization_mapper:
  - specified_field_filter: {field_key: text, target_value: ['  a  ', b]}
EOF
	run_split dm-recipe run r.yaml
	assert_success
	assert_file out.jsonl <<'EOF'
{"id":1,"text":"a"}
{"id":2,"text":"b"}
EOF
	run dm-recipe show r.yaml
	[ "${lines[0]}" = "dm-map 'set __dj__stats__.text=\"text\"' in.jsonl |" ]
	[ "${lines[4]}" = "  dm-map 'drop fields=__dj__stats__' > .out.jsonl.\$\$.tmp &&" ]
}

# alphanumeric_filter's tokenization: true is Data-Juicer's
# alpha_token_ratio, letters over the tokens of Pythia's tokenizer, found
# in the Hugging Face cache (tests/tokens.bats compares the statistic with
# transformers.js); GPT-2's tokenizer.json stands in for Pythia's here
@test "alphanumeric_filter with tokenization: true is alpha_token_ratio of Pythia's tokenizer" {
	d=$PWD/hf/hub/models--EleutherAI--pythia-6.9b-deduped
	mkdir -p "$d/refs" "$d/snapshots/r1"
	printf 'r1\n' > "$d/refs/main"
	cp "$DM_SHAREDIR/tokenizers/gpt2.json" "$d/snapshots/r1/tokenizer.json"
	printf '%s\n' '{"id":1,"text":"Hello world"}' '{"id":2,"text":"a = b + c; // 12"}' \
	    '{"id":3,"text":""}' > in.jsonl
	cat >r.yaml <<'EOF'
dataset_path: in.jsonl
export_path: out.jsonl
process:
  - alphanumeric_filter:
      tokenization: true
      min_ratio: 1.5
EOF
	HF_HOME=$PWD/hf run dm-recipe show r.yaml
	assert_success
	assert_output "dm-filter 'alpha_token_ratio(\"EleutherAI/pythia-6.9b-deduped\") >= 1.5 && alpha_token_ratio(\"EleutherAI/pythia-6.9b-deduped\") <= 9223372036854775807' in.jsonl$to_out"
	# "Hello world": 10 letters, 2 tokens; "a = b + c; // 12": 3 letters, 8 tokens
	HF_HOME=$PWD/hf run_split dm-recipe run r.yaml
	assert_success
	run jq -c .id out.jsonl
	assert_output 1
	HF_HOME=$PWD/none run_split dm-recipe check r.yaml
	assert_status 2
	[ "$(printf '%s\n' "$stderr" | head -1)" = "dm-recipe: r.yaml:4:19: no file 'EleutherAI/pythia-6.9b-deduped', nor a tokenizer.json of that Hugging Face model in '$PWD/none/hub/models--EleutherAI--pythia-6.9b-deduped'" ]
}

@test "token_num_filter is tokens() of its hf_tokenizer, found in the Hugging Face cache, counted as transformers.js counts" {
	[ -f "$DM_SHAREDIR/tokenizers/gpt2.json" ] && [ -f "$DM_REPO/tests/tokref/node_modules/@lenml/tokenizers/package.json" ] || {
		echo "the tokenizers or their reference are missing: run 'make tokenizers tokref'" >&2
		return 1
	}
	for m in models--EleutherAI--pythia-6.9b-deduped models--plain-id; do
		mkdir -p "hf/hub/$m/refs" "hf/hub/$m/snapshots/r1"
		printf 'r1\n' > "hf/hub/$m/refs/main"
		cp "$DM_SHAREDIR/tokenizers/gpt2.json" "hf/hub/$m/snapshots/r1/tokenizer.json"
	done
	jq -c '{text}' "$FIXTURES/tokens.jsonl" > in.jsonl
	node "$DM_REPO/tests/tokref/count.mjs" "$DM_SHAREDIR/tokenizers/gpt2.json" < in.jsonl > counts.txt
	[ "$(sort -un counts.txt | wc -l)" -gt 10 ]
	# Data-Juicer's defaults (10 to sys.maxsize), then 5 to 20 of an id
	# without an organization
	cat >r.yaml <<'EOF'
dataset_path: in.jsonl
export_path: out.jsonl
process:
  - token_num_filter:
  - token_num_filter:
      hf_tokenizer: plain-id
      min_num: 5
      max_num: 40
EOF
	HF_HOME=$PWD/hf run dm-recipe show r.yaml
	assert_success
	# the second reads the num_token of the first, as in Data-Juicer
	assert_output "dm-filter 'tokens(\"EleutherAI/pythia-6.9b-deduped\") >= 10 && tokens(\"EleutherAI/pythia-6.9b-deduped\") <= 9223372036854775807 && tokens(\"EleutherAI/pythia-6.9b-deduped\") >= 5 && tokens(\"EleutherAI/pythia-6.9b-deduped\") <= 40' in.jsonl$to_out"
	sed -n '1,3p;5,8p' r.yaml >r1.yaml
	HF_HOME=$PWD/hf run dm-recipe show r1.yaml
	assert_output "dm-filter 'tokens(\"plain-id\") >= 5 && tokens(\"plain-id\") <= 40' in.jsonl$to_out"
	HF_HOME=$PWD/hf run_split dm-recipe run r.yaml
	assert_success
	paste -d '\t' counts.txt in.jsonl | awk -F '\t' '$1 >= 10 && $1 <= 40 { print $2 }' > want.jsonl
	[ "$(wc -l < want.jsonl)" -gt 3 ]
	[ "$(wc -l < want.jsonl)" -lt "$(wc -l < in.jsonl)" ]
	cmp want.jsonl out.jsonl
	# not downloaded: where it was looked for
	HF_HOME=$PWD/none run_split dm-recipe check r.yaml
	assert_status 2
	[ "$(printf '%s\n' "$stderr" | sed -n 1p)" = "dm-recipe: r.yaml:4:8: no file 'EleutherAI/pythia-6.9b-deduped', nor a tokenizer.json of that Hugging Face model in '$PWD/none/hub/models--EleutherAI--pythia-6.9b-deduped'" ]
	[[ "$(printf '%s\n' "$stderr" | sed -n 4p)" == "dm-recipe: r.yaml:5:8: unknown tokenizer 'plain-id'; known: cl100k_base, gpt2, "* ]]
}

@test "remove_non_chinese_character_mapper removes what Data-Juicer's pattern removes, for each keep_ switch" {
	/usr/bin/python3 - > in.jsonl <<'PY'
import json, random
random.seed(7)
parts = ["数据", "清洗", "龥", "一", "\u9fa6", "\u4dff", "ab", "XYZ", "0", "42", ".", "，", " ", ",",
         "-", "。", "%", "《", "*", "》", "/", "•", "、", "&", "＆", "(", "—", ")", "（", "+",
         "）", "：", "？", "!", "！", "“", "”", "·", "\n", "\t", "ｆｕｌｌ", "日本語の", "ｶﾅ",
         "привет", "é", "😀", "\\", "[", "]", "^", "_", "１２", "Ⅻ", "\u3000", ":", "?", "~"]
print(json.dumps({"text": ""}))
for _ in range(400):
    n = random.choice([1, 3, 8, random.randrange(0, 30)])
    print(json.dumps({"text": "".join(random.choice(parts) for _ in range(n))}, ensure_ascii=False))
PY
	for sw in 'true true true' 'true true false' 'false true true' 'true false false' 'false false false'; do
		set -- $sw
		printf 'dataset_path: in.jsonl\nexport_path: out.jsonl\nprocess:\n  - remove_non_chinese_character_mapper:\n      keep_alphabet: %s\n      keep_number: %s\n      keep_punc: %s\n' "$@" > r.yaml
		run_split dm-recipe run r.yaml
		assert_success
		# Data-Juicer's pattern, built as remove_non_chinese_character_mapper
		# builds it, with the regex module
		run /usr/bin/python3 - "$@" <<'PY'
import json, sys
import regex as re
keep_alphabet, keep_number, keep_punc = (a == "true" for a in sys.argv[1:4])
pattern = "[^\u4e00-\u9fa5"
if keep_alphabet:
    pattern += "A-Za-z"
if keep_number:
    pattern += "0-9"
if keep_punc:
    pattern += ".， ,\\-。%《*》/•、&＆(—)（+）：？!！“”·]+"
else:
    pattern += "]"
ins = [json.loads(l)["text"] for l in open("in.jsonl", encoding="utf-8")]
outs = [json.loads(l)["text"] for l in open("out.jsonl", encoding="utf-8")]
bad = 0
for t, o in zip(ins, outs):
    want = t
    if re.search(pattern, t, flags=re.DOTALL):
        want = re.sub(pattern=pattern, repl=r"", string=t, flags=re.DOTALL)
    if want != o:
        print("dm %r, Data-Juicer %r: %r" % (o, want, t))
        bad += 1
# most samples hold something to remove
if sum(1 for t, o in zip(ins, outs) if t != o) < 200:
    bad += 1
print("%d samples agree" % len(ins) if not bad and len(ins) == len(outs) else "differ")
PY
		assert_success
		assert_output '401 samples agree'
	done
	run dm-recipe show r.yaml
	assert_output "dm-map 'replace pattern=\"[^一-龥]\"' in.jsonl$to_out"
}

# ---- DataMate ----

@test "a DataMate process.yaml reads its file records with load" {
	mkdir files outdir
	printf 'Ｈｅｌｌｏ  　world\004 mail x@y.com\n' >files/a.txt
	printf '%s\n' '{"fileName":"a.txt","filePath":"files/a.txt","fileType":"txt"}' >dataset.jsonl
	cat >process.yaml <<'EOF'
dataset_id: d1
instance_id: t1
dataset_path: dataset.jsonl
export_path: outdir
executor_type: datamate
process:
  - FullWidthCharacterCleaner: {}
  - InvisibleCharactersCleaner:
      cpu: 0.1
  - UnicodeSpaceCleaner: {}
  - ExtraSpaceCleaner: {}
  - EmailNumberCleaner: {}
EOF
	run_split dm-recipe check process.yaml
	assert_success
	assert_output <<'EOF'
process.yaml:1:1: ignored: dataset_id
process.yaml:2:1: ignored: instance_id
process.yaml:5:1: ignored: executor_type
process.yaml:9:7: ignored: cpu of 'InvisibleCharactersCleaner'
process.yaml: ok: 5 operators in 1 dm stage
EOF
	dm-recipe run process.yaml
	assert_file outdir/dataset.jsonl '{"fileName":"a.txt","filePath":"files/a.txt","fileType":"txt","encoding":"utf-8","text":"Hello world mail <email>"}'
}

@test "DataMate's tag cleaner, line dedup and file filters: check, show and run" {
	mkdir files outdir
	printf '<p class="x">Hello <b>world</b>, a page.</p>\n<td class="c">cell</td>\n' >files/a.html
	printf 'x\nx\nx\nx\nx\n学学学学\n' >files/b.txt
	printf '!!!!' >files/c.txt
	printf 'short' >files/d.txt
	printf '<r a="1">xml stays</r>\n' >files/e.xml
	for f in a.html:html b.txt:txt c.txt:txt d.txt:txt e.xml:xml; do
		n=${f%%:*}
		printf '{"fileName":"%s","filePath":"files/%s","fileType":"%s"}\n' "$n" "$n" "${f##*:}"
	done >dataset.jsonl
	cat >process.yaml <<'EOF'
instance_id: t2
dataset_path: dataset.jsonl
export_path: outdir
process:
  - HtmlTagCleaner:
      removeTableTags: true
  - DuplicateSentencesFilter: {}
  - FileWithShortOrLongLengthFilter:
      fileLength: [3, '']
  - FileWithHighRepeatWordRateFilter: {}
  - FileWithHighSpecialCharRateFilter:
      specialCharRatio: 0.5
EOF
	run_split dm-recipe check process.yaml
	assert_success
	assert_output <<'EOF'
process.yaml:1:1: ignored: instance_id
process.yaml: ok: 5 operators in 2 dm stages
EOF
	run dm-recipe show process.yaml
	assert_success
	assert_output <<'EOF'
dm-map 'load field=filePath; remove-html-tags tables=true; remove-repeat-lines' dataset.jsonl |
  dm-filter 'len > 0 && stripped_len(min=3, max=0) && cjk_repeat() && special_chars(max=0.5)' > outdir/.dataset.jsonl.$$.tmp &&
  mv -f outdir/.dataset.jsonl.$$.tmp outdir/dataset.jsonl || (rm -f outdir/.dataset.jsonl.$$.tmp; exit 2)
EOF
	dm-recipe run process.yaml
	cat >want.jsonl <<'EOF'
{"fileName":"a.html","filePath":"files/a.html","fileType":"html","encoding":"utf-8","text":"Hello world, a page.\ncell\n"}
{"fileName":"d.txt","filePath":"files/d.txt","fileType":"txt","encoding":"utf-8","text":"short"}
{"fileName":"e.xml","filePath":"files/e.xml","fileType":"xml","encoding":"utf-8","text":"<r a=\"1\">xml stays</r>\n"}
EOF
	assert_same outdir/dataset.jsonl want.jsonl
}

@test "DataMate's AnonymizedIdNumber runs without dm's checksum, as DataMate" {
	datamate_files '身份证 110105194912310029 与 11010519491231002X'
	datamate_recipe in.jsonl 'AnonymizedIdNumber: {}'
	run dm-recipe show process.yaml
	assert_success
	assert_output "dm-map 'load field=filePath; anonymize kinds=idcard checksum=false' in.jsonl"
	/usr/bin/python3 "$DM_REPO/tests/datamate-ref.py" AnonymizedIdNumber <texts.jsonl | jq -r .text >want.txt
	dm-map 'load field=filePath; anonymize kinds=idcard checksum=false' in.jsonl | jq -r .text >got.txt
	run cat got.txt
	assert_output '身份证 <id> 与 <id>'
	assert_same got.txt want.txt
}

@test "a DataMate filter after DuplicateSentencesFilter shares its len > 0" {
	printf '{"text":"a"}\n' >in.jsonl
	cat >process.yaml <<'EOF'
dataset_id: d
dataset_path: in.jsonl
process:
  - DuplicateSentencesFilter:
  - FileWithHighSpecialCharRateFilter:
  - HtmlTagCleaner:
      removeTableTags: 'false'
  - FileWithShortOrLongLengthFilter:
      fileLength: [10, 10000000]
EOF
	run dm-recipe show process.yaml
	assert_success
	assert_output <<'EOF'
dm-map 'load field=filePath; remove-repeat-lines' in.jsonl |
  dm-filter 'len > 0 && special_chars()' |
  dm-map 'remove-html-tags tables=true' |
  dm-filter 'len > 0 && stripped_len()'
EOF
	printf 'dataset_id: d\ndataset_path: in.jsonl\nprocess:\n  - FileWithShortOrLongLengthFilter:\n      fileLength: [10]\n' >bad.yaml
	run_split dm-recipe check bad.yaml
	assert_status 2
	assert_stderr "dm-recipe: bad.yaml:5:19: parameter 'fileLength' wants a list of 2 bounds, [min, max]"
}

@test "EmojiCleaner runs as remove-emoji on the loaded file" {
	mkdir files
	printf 'fun 😀❤️!\n' >files/a.txt
	printf '{"filePath":"files/a.txt","fileType":"txt"}\n' >dataset.jsonl
	datamate_recipe dataset.jsonl 'EmojiCleaner: {}'
	run dm-recipe run process.yaml
	assert_success
	assert_output '{"filePath":"files/a.txt","fileType":"txt","encoding":"utf-8","text":"fun !\n"}'
}

@test "XMLTagCleaner rewrites the XML files only, HtmlTagCleaner the others" {
	mkdir files
	printf '<doc id="7"><p>x</p><p>y</p></doc>\n' >files/a.xml
	printf '<p>x</p>\n' >files/b.html
	printf '{"filePath":"files/%s","fileType":"%s"}\n' a.xml xml b.html html >dataset.jsonl
	datamate_recipe dataset.jsonl 'XMLTagCleaner: {}' 'HtmlTagCleaner: {}'
	run dm-recipe run process.yaml
	assert_success
	assert_output <<'EOF'
{"filePath":"files/a.xml","fileType":"xml","encoding":"utf-8","text":"doc: \n @id: 7\n p: xy"}
{"filePath":"files/b.html","fileType":"html","encoding":"utf-8","text":"x\n"}
EOF
}

@test "FileWithManySensitiveWordsFilter counts the words of the list given to dm" {
	printf '硝酸甘油\n出售\n' >words.txt
	datamate_files '出售硝酸甘油，出售硝酸甘油' '今天天气很好，出售一点' \
	    '今天天气很好，我们去公园散步吧' ''
	cat >process.yaml <<'EOF2'
dataset_id: d
dataset_path: in.jsonl
process:
  - FileWithManySensitiveWordsFilter:
      sensitiveWordsRate: 0.25
      list: words.txt
EOF2
	run dm-recipe show process.yaml
	assert_success
	assert_output <<'EOF2'
dm-map 'load field=filePath' in.jsonl |
  dm-filter 'len > 0 && sensitive_words(list="words.txt", max=0.25)'
EOF2
	run dm-recipe run process.yaml
	assert_success
	# 2 of 10 counted characters in 2.txt: under 0.25
	assert_output <<'EOF2'
{"filePath":"files/2.txt","encoding":"utf-8","text":"今天天气很好，出售一点"}
{"filePath":"files/3.txt","encoding":"utf-8","text":"今天天气很好，我们去公园散步吧"}
EOF2
	"$DM_REPO/tests/datamate-ref.py" FileWithManySensitiveWordsFilter '["words.txt", 0.25]' <texts.jsonl >want.jsonl
	assert_file want.jsonl <<'EOF2'
{"text":"今天天气很好，出售一点"}
{"text":"今天天气很好，我们去公园散步吧"}
EOF2
	# DataMate's own lists are empty: without list, every text stays
	datamate_recipe in.jsonl 'FileWithManySensitiveWordsFilter: {}'
	run dm-recipe show process.yaml
	assert_output <<'EOF2'
dm-map 'load field=filePath' in.jsonl |
  dm-filter 'len > 0 && sensitive_words()'
EOF2
	run dm-recipe run process.yaml
	assert_success
	[ "$(printf '%s\n' "$output" | jq -r .filePath | tr '\n' ' ')" = "files/1.txt files/2.txt files/3.txt " ]
}

@test "FileWithHighRepeatPhraseRateFilter cuts words as jieba, hitStopwords its HIT list" {
	datamate_files '机器机器机器机器学习学习' '今天今天今天研究数据分析学习' \
	    '我来到北京清华大学，小明硕士毕业于中国科学院计算所。'
	cat >process.yaml <<'EOF2'
dataset_id: d
dataset_path: in.jsonl
process:
  - FileWithHighRepeatPhraseRateFilter:
      repeatPhraseRatio: 0.4
      hitStopwords: true
EOF2
	run dm-recipe show process.yaml
	assert_success
	assert_output <<'EOF2'
dm-map 'load field=filePath' in.jsonl |
  dm-filter 'len > 0 && phrase_repeat(max=0.4, hit=true)'
EOF2
	run dm-recipe run process.yaml
	assert_success
	# 2.txt: 今天 is a HIT stop word, each other word is 1 of 3
	assert_output <<'EOF2'
{"filePath":"files/2.txt","encoding":"utf-8","text":"今天今天今天研究数据分析学习"}
{"filePath":"files/3.txt","encoding":"utf-8","text":"我来到北京清华大学，小明硕士毕业于中国科学院计算所。"}
EOF2
	"$DM_REPO/tests/datamate-ref.py" FileWithHighRepeatPhraseRateFilter \
	    "[0.4, \"$DM_SHAREDIR/wordlists/stopwords-hit/zh.txt\"]" <texts.jsonl >want.jsonl
	assert_file want.jsonl <<'EOF2'
{"text":"今天今天今天研究数据分析学习"}
{"text":"我来到北京清华大学，小明硕士毕业于中国科学院计算所。"}
EOF2
	datamate_recipe in.jsonl 'FileWithHighRepeatPhraseRateFilter: {}'
	run dm-recipe run process.yaml
	assert_success
	[ "$(printf '%s\n' "$output" | jq -r .filePath)" = files/3.txt ]
}

# ---- the LaTeX mappers of RedPajama's arXiv recipe ----

@test "remove_header_mapper becomes remove-header, and drop_no_head changes nothing" {
	printf '%s\n' '{"text":"pre\n\\section{A}\nx"}' '{"text":"no heading"}' >in.jsonl
	recipe remove_header_mapper '      drop_no_head: false'
	run dm-recipe show r.yaml
	assert_success
	assert_output "dm-map remove-header in.jsonl$to_out"
	for v in true false; do
		run_recipe remove_header_mapper "      drop_no_head: $v"
		assert_file out.jsonl <<'EOF'
{"text":"\\section{A}\nx"}
{"text":"no heading"}
EOF
	done
}

@test "remove_comments_mapper becomes two replace, each left out when false" {
	printf '%s\n' '{"text":"50\\% a % b\n% c\nd"}' >in.jsonl
	recipe remove_comments_mapper "      doc_type: ['md', 'tex']"
	run dm-recipe show r.yaml
	assert_success
	assert_output 'dm-map '\''replace pattern="(?m)(?-s)[^\\\]%.+$"; replace pattern="(?m)(?-s)^%.*\x{A}?"'\'' in.jsonl'"$to_out"
	recipe remove_comments_mapper '      inline: false'
	run dm-recipe show r.yaml
	assert_output 'dm-map '\''replace pattern="(?m)(?-s)^%.*\x{A}?"'\'' in.jsonl'"$to_out"
	recipe remove_comments_mapper '      multiline: false'
	run dm-recipe show r.yaml
	assert_output 'dm-map '\''replace pattern="(?m)(?-s)[^\\\]%.+$"'\'' in.jsonl'"$to_out"
	run_recipe remove_comments_mapper
	# the newline before "% c" is the character before its %
	assert_file out.jsonl '{"text":"50\\% a\nd"}'
}

@test "remove_bibliography_mapper becomes replace of Data-Juicer's pattern" {
	printf '%s\n' '{"text":"body\n\\bibliography{refs}\nend"}' >in.jsonl
	recipe remove_bibliography_mapper
	run dm-recipe show r.yaml
	assert_success
	assert_output 'dm-map '\''replace pattern="(\\\appendix|\\\begin\{references\}|\\\begin\{REFERENCES\}|\\\begin\{thebibliography\}|\\\bibliography\{.*\}).*$"'\'' in.jsonl'"$to_out"
	run_recipe remove_bibliography_mapper
	assert_file out.jsonl '{"text":"body\n"}'
}

@test "expand_macro_mapper becomes expand-macros" {
	printf '%s\n' '{"text":"\\def\\x{é}\n\\x \\x"}' >in.jsonl
	recipe expand_macro_mapper
	run dm-recipe show r.yaml
	assert_success
	assert_output "dm-map expand-macros in.jsonl$to_out"
	run_recipe expand_macro_mapper
	# the definition's own \x is followed by '{'; the last ends the text
	assert_file out.jsonl '{"text":"\\defé{é}\né \\x"}'
}

# latex_agree RECIPE: runs it on in.jsonl and compares out.jsonl with what
# Data-Juicer's code gives (tests/latex-ref.py); its verdict is $output.
latex_agree() {
	run_split dm-recipe run "$1"
	assert_success
	assert_stderr ''
	run /usr/bin/python3 "$DM_REPO/tests/latex-ref.py" check "$1" in.jsonl out.jsonl
	printf '%s\n' "$output" | head -n 20 >&2
	assert_success
	[[ $output =~ ^[0-9]+\ samples\ agree$ ]]
}

@test "the LaTeX mappers give what Data-Juicer's code gives, alone and as its arXiv recipe" {
	/usr/bin/python3 "$DM_REPO/tests/latex-ref.py" corpus 3000 7 >in.jsonl
	for op in remove_header_mapper remove_comments_mapper \
	    remove_bibliography_mapper expand_macro_mapper; do
		recipe "$op"
		latex_agree r.yaml
		[ "$output" = "3039 samples agree" ]
	done
	recipe remove_comments_mapper '      inline: false'
	latex_agree r.yaml
	recipe remove_comments_mapper '      multiline: false'
	latex_agree r.yaml
	recipe remove_header_mapper '      drop_no_head: false'
	latex_agree r.yaml
	# configs/reproduced_redpajama/redpajama-arxiv.yaml, its paths changed
	cat >arxiv.yaml <<'EOF'
project_name: 'arXiv'
dataset_path: 'in.jsonl'
np: 2
export_path: 'out.jsonl'
process:
  - remove_header_mapper:
      drop_no_head: true
  - remove_comments_mapper:
      doc_type: ['md', 'tex']
      inline: true
      multiline: true
  - remove_bibliography_mapper:
  - expand_macro_mapper:
  - text_length_filter:
      min_len: 1
EOF
	latex_agree arxiv.yaml
	# the filter drops the texts the mappers empty
	[ "$output" = "2909 samples agree" ]
}

# ---- the table, the front end ----

@test "ops lists each operator with its dm form or why it is unsupported" {
	run dm-recipe ops
	assert_success
	[ "${lines[0]}" = "DATA-JUICER                                    DATAMATE                            DM" ]
	printf '%s\n' "$output" | grep -qx 'alphanumeric_filter  *-  *dm-filter alnum_ratio >= 0.25 && alnum_ratio <= 9223372036854775807'
	printf '%s\n' "$output" | grep -qx 'perplexity_filter  *-  *unsupported: needs a KenLM language model dm does not run'
	printf '%s\n' "$output" | grep -qx -- '-  *ExtraSpaceCleaner  *dm-map collapse-ws'
}

@test "ops lines up its columns past the longest operator name" {
	run dm-recipe ops
	assert_success
	# each row's second and third columns begin where the header's do
	printf '%s\n' "$output" | awk '
		NR == 1 { m = index($0, "DATAMATE"); d = index($0, "  DM") + 2; next }
		substr($0, m - 2, 3) !~ /^  [^ ]$/ || substr($0, d - 2, 3) !~ /^  [^ ]$/ { print "misaligned: " $0; bad = 1 }
		END { exit bad }'
	printf '%s\n' "$output" | grep -qx -- 'remove_words_with_incorrect_substrings_mapper  -  *dm-map remove-incorrect-substrings'
}

@test "text_chunk_mapper runs as dm-slice --preset data-juicer --bare, compared with Data-Juicer's chunking" {
	/usr/bin/python3 "$DM_REPO/tests/fixtures/textchunk-gen.py" >in.jsonl
	for args in '- 0 \n\n' '7 3 \n\n' '5 2 -' '12 0 [ab]+' '20 5 \s'; do
		read -r m o pat <<<"$args"
		{
			printf 'dataset_path: in.jsonl\nprocess:\n'
			printf '  - text_chunk_mapper:\n'
			[ "$m" = - ] || printf '      max_len: %s\n      overlap_len: %s\n' "$m" "$o"
			if [ "$pat" = - ]; then
				printf '      split_pattern: null\n'
			else
				printf "      split_pattern: '%s'\n" "$pat"
			fi
		} >r.yaml
		python3 "$DM_REPO/tests/fixtures/textchunk-ref.py" "$m" "$o" \
		    "$pat" <in.jsonl >want
		dm-recipe run r.yaml >out
		jq -c .text out >got
		assert_same got want
	done
	run dm-recipe show r.yaml
	assert_success
	assert_output "dm-slice --preset data-juicer --bare --size 20 --overlap 5 --by 'regex:[\p{White_Space}]' in.jsonl"
	# what Data-Juicer refuses, and what dm-slice does not do
	for bad in 'max_len: 4\n      overlap_len: 4' 'split_pattern: null' \
	    "split_pattern: '(a)'" 'tokenizer: gpt2'; do
		printf "dataset_path: in.jsonl\nprocess:\n  - text_chunk_mapper:\n      $bad\n" >r.yaml
		run_split dm-recipe show r.yaml
		assert_status 2
		printf '%s\n' "$stderr" >>errs
	done
	assert_file errs <<-'EOF'
	dm-recipe: r.yaml:5:20: parameter 'overlap_len' '4' must be less than max_len '4'
	dm-recipe: r.yaml:4:22: max_len and split_pattern cannot both be None, as Data-Juicer says
	dm-recipe: r.yaml:4:22: parameter 'split_pattern': a pattern with a group, whose text Data-Juicer gives as chunks too, is not supported; use (?:...)
	dm-recipe: r.yaml:4:18: parameter 'tokenizer': dm-slice counts characters, not a tokenizer's tokens
	EOF
}

@test "dm recipe runs dm-recipe" {
	printf '%s\n' '{"text":"  x  "}' >in.jsonl
	printf 'dataset_path: in.jsonl\nprocess:\n  - whitespace_normalization_mapper:\n' >r.yaml
	run dm recipe run r.yaml
	assert_success
	assert_output '{"text":"x"}'
}

@test "usage errors exit 2 with the usage" {
	run_split dm-recipe frob r.yaml
	assert_status 2
	[[ ${stderr%%$'\n'*} == "dm-recipe: unknown command 'frob'" ]]
	run_split dm-recipe shwo r.yaml
	[[ ${stderr%%$'\n'*} == "dm-recipe: unknown command 'shwo'; did you mean 'show'?" ]]
	run_split dm-recipe run
	assert_status 2
	[[ ${stderr%%$'\n'*} == "dm-recipe: no recipe file" ]]
}

@test "the man page's operator table is the table ops prints" {
	sed -n 's/^\.It \(.*\) Ta \(.*\) Ta \(.*\)$/\1|\2|\3/p' "$DM_REPO/man/dm-recipe.1" |
	    grep -v '^Em ' | sed 's/\\&//g; s/\\-/-/g; s/\\e/\\/g' >man.txt
	dm-recipe ops | tail -n +2 | sed 's/   */|/; s/   */|/' >ops.txt
	assert_same man.txt ops.txt
}

@test "a YAML null (~, null, Null, NULL, nothing) is no export_path, np, text_keys nor parameters" {
	printf '%s\n' '{"text":"hello world, long enough"}' >in.jsonl
	for n in '~' null Null NULL ''; do
		printf 'dataset_path: in.jsonl\nexport_path: %s\nnp: %s\ntext_keys: %s\nprocess:\n  - text_length_filter: %s\n' "$n" "$n" "$n" "$n" >r.yaml
		/usr/bin/python3 -c 'import sys, yaml; d = yaml.safe_load(sys.stdin); print(d["export_path"], d["np"], d["text_keys"], d["process"])' <r.yaml >py.txt
		assert_file py.txt "None None None [{'text_length_filter': None}]"
		run_split dm-recipe show r.yaml
		assert_success
		assert_output "dm-filter 'len >= 10 && len <= 9223372036854775807' in.jsonl"
		run_split dm-recipe run r.yaml
		assert_success
		assert_stderr ''
		assert_output '{"text":"hello world, long enough"}'
		[ "$(ls -A | grep -vx -e .stderr -e home | sort | tr '\n' ' ')" = "in.jsonl py.txt r.yaml " ]
		printf 'dataset_path: %s\nprocess:\n' "$n" >r.yaml
		run_split dm-recipe check r.yaml
		assert_status 2
		if [ -n "$n" ]; then
			assert_stderr "dm-recipe: r.yaml:1:15: no 'dataset_path'"
		else
			assert_stderr "dm-recipe: r.yaml:1:14: no 'dataset_path'"
		fi
	done
}

@test "a null text_key of an operator is text_keys, as Data-Juicer's update_op_attr fills it" {
	printf 'dataset_path: d.jsonl\nprocess:\n  - text_length_filter:\n      text_key:\n' >r.yaml
	touch d.jsonl
	run_split dm-recipe check r.yaml
	assert_success
	printf 'dataset_path: d.jsonl\ntext_keys: body\nprocess:\n  - text_length_filter:\n      text_key: ~\n  - words_num_filter:\n      text_key: body\n' >r.yaml
	run_split dm-recipe show r.yaml
	assert_success
	assert_output "dm-filter -k body 'len >= 10 && len <= 9223372036854775807 && words >= 10 && words <= 9223372036854775807' d.jsonl"
	printf 'dataset_path: d.jsonl\ntext_keys: body\nprocess:\n  - text_length_filter:\n      text_key: text\n' >r.yaml
	run_split dm-recipe check r.yaml
	assert_status 2
	assert_stderr "dm-recipe: r.yaml:5:17: parameter 'text_key' of 'text_length_filter' differs from text_keys 'body'"
}

@test "a dataset_path beginning with '-' is a file, not an option nor standard input" {
	printf '%s\n' '{"text":"hello world, long enough"}' >./-
	cp ./- ./-k.jsonl
	mkdir ./-d
	cp ./- ./-d/a.jsonl
	for d in '"-"' -k.jsonl -d; do
		printf 'dataset_path: %s\nprocess:\n  - text_length_filter:\n' "$d" >r.yaml
		p=./${d//\"/}
		run_split dm-recipe show r.yaml
		assert_success
		if [ "$d" = -d ]; then
			assert_output "dm-filter 'len >= 10 && len <= 9223372036854775807' ./-d/a.jsonl"
		else
			assert_output "dm-filter 'len >= 10 && len <= 9223372036854775807' $p"
		fi
		for j in 1 2; do
			run_split dm-recipe run -j $j r.yaml </dev/null
			assert_success
			assert_stderr ''
			assert_output '{"text":"hello world, long enough"}'
		done
	done
	# an export_path beginning with '-' is no option to mv either
	printf 'dataset_path: "-"\nexport_path: -o.jsonl\nprocess:\n  - text_length_filter:\n' >r.yaml
	run_split dm-recipe show r.yaml
	assert_output "dm-filter 'len >= 10 && len <= 9223372036854775807' ./- > .-o.jsonl.\$\$.tmp &&
  mv -f .-o.jsonl.\$\$.tmp ./-o.jsonl || (rm -f .-o.jsonl.\$\$.tmp; exit 2)"
	sh -c "$output"
	assert_file ./-o.jsonl '{"text":"hello world, long enough"}'
	sed -i 's|^export_path: .*|export_path: -d/o.jsonl|' r.yaml
	run_split dm-recipe show r.yaml
	assert_output "dm-filter 'len >= 10 && len <= 9223372036854775807' ./- > ./-d/.o.jsonl.\$\$.tmp &&
  mv -f ./-d/.o.jsonl.\$\$.tmp ./-d/o.jsonl || (rm -f ./-d/.o.jsonl.\$\$.tmp; exit 2)"
	sh -c "$output"
	assert_file ./-d/o.jsonl '{"text":"hello world, long enough"}'
}

@test "show writes export_path as run does, through a temporary name, also over dataset_path" {
	printf '%s\n' '{"text":"  hello world, long enough  "}' '{"text":"x"}' >data.jsonl
	cp data.jsonl orig.jsonl
	printf 'dataset_path: data.jsonl\nexport_path: data.jsonl\nprocess:\n  - whitespace_normalization_mapper:\n  - text_length_filter:\n' >r.yaml
	run_split dm-recipe show r.yaml
	assert_success
	assert_output <<'EOF'
dm-map normalize-ws data.jsonl |
  dm-filter 'len >= 10 && len <= 9223372036854775807' > .data.jsonl.$$.tmp &&
  mv -f .data.jsonl.$$.tmp data.jsonl || (rm -f .data.jsonl.$$.tmp; exit 2)
EOF
	sh -c "$output"
	mv data.jsonl sh.jsonl
	cp orig.jsonl data.jsonl
	dm-recipe run r.yaml
	assert_file data.jsonl '{"text":"hello world, long enough"}'
	assert_same sh.jsonl data.jsonl
	# through a symbolic link, in a folder with a space: its target
	mkdir 'a b'
	cp orig.jsonl d2.jsonl
	ln -s ../d2.jsonl 'a b/l.jsonl'
	printf 'dataset_path: a b/l.jsonl\nexport_path: a b/l.jsonl\nprocess:\n  - whitespace_normalization_mapper:\n  - text_length_filter:\n' >r.yaml
	run_split dm-recipe show r.yaml
	assert_output <<'EOF'
dm-map normalize-ws 'a b/l.jsonl' |
  dm-filter 'len >= 10 && len <= 9223372036854775807' > 'a b/../.d2.jsonl.'$$.tmp &&
  mv -f 'a b/../.d2.jsonl.'$$.tmp 'a b/../d2.jsonl' || (rm -f 'a b/../.d2.jsonl.'$$.tmp; exit 2)
EOF
	sh -c "$output"
	[ -L 'a b/l.jsonl' ]
	assert_same sh.jsonl d2.jsonl
	# a failed last stage leaves the file as it was, and no temporary name
	printf '%s\n' '{"text":' >data.jsonl
	printf 'dataset_path: data.jsonl\nexport_path: data.jsonl\nprocess:\n  - text_length_filter:\n' >r.yaml
	run_split sh -c "$(dm-recipe show r.yaml)"
	assert_status 2
	assert_file data.jsonl '{"text":'
	[ "$(ls -A | grep -vx -e .stderr -e home | sort | tr '\n' ' ')" = "a b d2.jsonl data.jsonl orig.jsonl r.yaml sh.jsonl " ]
}

@test "num_bands or num_rows_per_band alone is ignored, as Data-Juicer's optimal_param chooses both" {
	printf '%s\n' '{"text":"a b c d e f g h"}' >in.jsonl
	dj_recipe 'document_minhash_deduplicator: {jaccard_threshold: 0.5}'
	run_split dm-recipe show r.yaml
	assert_success
	want=$output
	for p in 'num_bands: 4' 'num_rows_per_band: 8' 'num_bands: 4, num_rows_per_band: ~'; do
		dj_recipe "document_minhash_deduplicator: {jaccard_threshold: 0.5, $p}"
		run_split dm-recipe show r.yaml
		assert_success
		assert_output "$want"
		run_split dm-recipe run r.yaml
		assert_success
		assert_stderr ''
		assert_file out.jsonl '{"text":"a b c d e f g h"}'
	done
	dj_recipe 'document_minhash_deduplicator: {jaccard_threshold: 0.5, num_bands: 4, num_rows_per_band: 8}'
	run_split dm-recipe show r.yaml
	[[ $output == "dm-dedup --near --threshold 0.5 --bands 4 --rows 8 in.jsonl >"* ]]
}

@test "deduplicator parameters out of Data-Juicer's or dm-dedup's range are refused by check at the value" {
	touch in.jsonl
	while IFS='|' read -r op msg; do
		dj_recipe "$op"
		run_split dm-recipe check r.yaml
		assert_status 2
		assert_stderr "dm-recipe: r.yaml:4:$msg"
	done <<'EOF'
document_minhash_deduplicator: {jaccard_threshold: 1.5}|56: parameter 'jaccard_threshold' must be between 0 and 1, not '1.5'
document_minhash_deduplicator: {jaccard_threshold: -0.1}|56: parameter 'jaccard_threshold' must be between 0 and 1, not '-0.1'
document_minhash_deduplicator: {window_size: 0}|50: parameter 'window_size' must be between 1 and 1000, not '0'
document_minhash_deduplicator: {num_permutations: 0}|55: parameter 'num_permutations' must be between 1 and 4096, not '0'
document_minhash_deduplicator: {num_permutations: 5000}|55: parameter 'num_permutations' must be between 1 and 4096, not '5000' (dm-dedup's limit; Data-Juicer takes any integer from 1)
document_minhash_deduplicator: {num_bands: 0}|48: parameter 'num_bands' must be between 1 and 4096, not '0'
document_minhash_deduplicator: {num_bands: 4, num_rows_per_band: -1}|70: parameter 'num_rows_per_band' must be between 1 and 4096, not '-1'
document_minhash_deduplicator: {num_bands: 32, num_rows_per_band: 9}|71: parameters 'num_bands' '32' times 'num_rows_per_band' '9' are more than num_permutations '256', which dm-dedup does not take
document_simhash_deduplicator: {num_blocks: 0}|49: parameter 'num_blocks' must be between 1 and 64, not '0'
document_simhash_deduplicator: {window_size: 1001}|50: parameter 'window_size' must be between 1 and 1000, not '1001' (dm-dedup's limit; Data-Juicer takes any integer from 1)
document_simhash_deduplicator: {hamming_distance: 70}|55: parameter 'hamming_distance' must be between 1 and 63, not '70' (dm-dedup's limit; Data-Juicer takes any integer from 1)
document_simhash_deduplicator: {hamming_distance: 0}|55: parameter 'hamming_distance' must be between 1 and 63, not '0'
document_simhash_deduplicator: {hamming_distance: 6}|55: parameter 'hamming_distance' must be smaller than num_blocks '6', not '6'
document_simhash_deduplicator: {num_blocks: 20, hamming_distance: 9}|71: num_blocks '20' and hamming_distance '9' make 167960 SimHash tables, more than dm-dedup's 65535
EOF
	# the ends of the ranges are taken, by check and by dm-dedup
	printf '%s\n' '{"text":"a b c d e f g h"}' >in.jsonl
	for op in 'document_minhash_deduplicator: {jaccard_threshold: 0, num_permutations: 4096, window_size: 1}' \
	    'document_minhash_deduplicator: {jaccard_threshold: 1, num_permutations: 1, num_bands: 1, num_rows_per_band: 1}' \
	    'document_minhash_deduplicator: {num_permutations: 4096, num_bands: 1, num_rows_per_band: 4096}' \
	    'document_simhash_deduplicator: {num_blocks: 64, hamming_distance: 63, window_size: 1000}' \
	    'document_simhash_deduplicator: {num_blocks: 2, hamming_distance: 1}' \
	    'document_simhash_deduplicator: {num_blocks: 18, hamming_distance: 9}'; do
		dj_recipe "$op"
		run_split dm-recipe run r.yaml
		assert_success
		assert_stderr ''
		assert_file out.jsonl '{"text":"a b c d e f g h"}'
	done
}

@test "a value out of a dm operator's range is reported at the value in the recipe" {
	touch d.jsonl
	printf 'dataset_path: d.jsonl\nprocess:\n  - clean_html_mapper:\n  - remove_table_text_mapper:\n      max_col: 25\n' >r.yaml
	run_split dm-recipe check r.yaml
	assert_status 2
	assert_stderr "dm-recipe: r.yaml:5:16: remove-table-text: 'max_col' must be between 2 and 20, not '25'"
	printf 'dataset_path: d.jsonl\nprocess:\n  - text_length_filter:\n  - character_repetition_filter:\n      rep_len: 2000000\n  - word_repetition_filter: {min_ratio: 0.1, rep_len: -3}\n' >r.yaml
	run_split dm-recipe check r.yaml
	assert_status 2
	assert_stderr <<'EOF'
dm-recipe: r.yaml:5:16: char_rep: the n-gram length must be an integer from 1 to 1000000, not '2000000'
dm-recipe: r.yaml:6:55: parameter 'rep_len' must be an integer from 1, not '-3'
EOF
}

@test "a second YAML document is refused where it begins, as PyYAML's safe_load refuses it" {
	touch d.jsonl
	while IFS='|' read -r y at; do
		printf "$y" >r.yaml
		run /usr/bin/python3 -c 'import sys, yaml
try:
    yaml.safe_load(open("r.yaml"))
except yaml.YAMLError as e:
    print(e.problem, e.problem_mark.line + 1, e.problem_mark.column + 1)'
		assert_output "but found another document ${at/:/ }"
		run_split dm-recipe check r.yaml
		assert_status 2
		assert_stderr "dm-recipe: r.yaml:$at: expected a single document in the stream, but found another document"
	done <<'EOF'
dataset_path: d.jsonl\n---\nprocess:\n|2:1
dataset_path: d.jsonl\n---\n|2:1
dataset_path: d.jsonl\n...\n\n--- x\n|4:1
dataset_path: d.jsonl\n---\n"a\n|2:1
EOF
	printf '%%YAML 1.1\n---\ndataset_path: d.jsonl\n...\n# end\n' >r.yaml
	/usr/bin/python3 -c 'import yaml; yaml.safe_load(open("r.yaml"))'
	run_split dm-recipe check r.yaml
	assert_success
}

@test "merge keys (<<) are applied as PyYAML's SafeLoader applies them" {
	printf '%s\n' '{"text":"a b c d e f g h i j k l"}' '{"text":"a b c d e f"}' '{"text":"short"}' >in.jsonl
	cat >r.yaml <<'EOF'
dataset_path: in.jsonl
text_keys: &key text
process:
  - text_length_filter: &tl
      min_len: 3
      max_len: 100
  - text_length_filter:
      <<: *tl
      max_len: 50
  - words_num_filter:
      <<: [{min_num: 2}, {min_num: 5, max_num: 9}]
  - words_num_filter:
      max_num: 12
      <<: [{min_num: 5, max_num: 9}, {min_num: 2}]
  - text_length_filter:
      <<: {<<: *tl, min_len: 4}
      text_key: *key
EOF
	# the parameters PyYAML reads, as a dm-filter expression
	run /usr/bin/python3 -c 'import yaml
stat = {"text_length_filter": ("len", "min_len", "max_len"), "words_num_filter": ("words", "min_num", "max_num")}
out = []
for item in yaml.safe_load(open("r.yaml"))["process"]:
    (op, p), = item.items()
    s, lo, hi = stat[op]
    out.append("%s >= %d && %s <= %d" % (s, p.get(lo, 10), s, p.get(hi, 9223372036854775807)))
print("dm-filter %r in.jsonl" % " && ".join(out))'
	assert_success
	want=$output
	run_split dm-recipe show r.yaml
	assert_success
	assert_stderr ''
	assert_output "$want"
	assert_output "dm-filter 'len >= 3 && len <= 100 && len >= 3 && len <= 50 && words >= 2 && words <= 9 && words >= 5 && words <= 12 && len >= 4 && len <= 100' in.jsonl"
	run_split dm-recipe run r.yaml
	assert_success
	assert_output '{"text":"a b c d e f"}'
	# what is not a mapping is refused where PyYAML refuses it
	printf 'dataset_path: in.jsonl\nprocess:\n  - text_length_filter:\n      <<: 5\n' >r.yaml
	run_split dm-recipe check r.yaml
	assert_status 2
	assert_stderr "dm-recipe: r.yaml:4:11: expected a mapping or list of mappings for merging, but found a scalar"
	printf 'dataset_path: in.jsonl\nprocess:\n  - text_length_filter:\n      <<: [{min_len: 2}, 5]\n' >r.yaml
	run_split dm-recipe check r.yaml
	assert_status 2
	assert_stderr "dm-recipe: r.yaml:4:26: expected a mapping for merging, but found a scalar"
	# a quoted "<<" is a key as any other
	printf 'dataset_path: in.jsonl\nprocess:\n  - text_length_filter:\n      "<<": {min_len: 2}\n' >r.yaml
	run_split dm-recipe check r.yaml
	assert_status 2
	assert_stderr "dm-recipe: r.yaml:4:7: unknown parameter '<<' of 'text_length_filter'"
}

@test "a tab where PyYAML's scanner refuses one is refused at its place" {
	touch d.jsonl
	for y in 'min_len:\t5' 'min_len: 5\t' 'min_len: 5 \t# c' 'max_len: [1,\t2]' 'min_len: 5 # c\t' "min_len: '5\t'" 'min_len: "x\ty"'; do
		printf "dataset_path: d.jsonl\nprocess:\n  - text_length_filter:\n      $y\n" >r.yaml
		want=$(/usr/bin/python3 -c 'import yaml
try:
    yaml.safe_load(open("r.yaml"))
    print("ok")
except yaml.YAMLError as e:
    print("r.yaml:%d:%d: %s" % (e.problem_mark.line + 1, e.problem_mark.column + 1, e.problem))')
		run_split dm-recipe check r.yaml
		if [ "$want" = ok ]; then
			# a value PyYAML reads; dm then judges it as a parameter
			[[ $stderr != *"cannot start any token"* ]]
		else
			assert_status 2
			assert_stderr "dm-recipe: $want"
		fi
	done
	printf 'dataset_path: d.jsonl\nprocess:\n  - text_length_filter:\n      min_len:\t5\n' >r.yaml
	run_split dm-recipe check r.yaml
	assert_status 2
	assert_stderr "dm-recipe: r.yaml:4:15: found character '\\t' that cannot start any token"
}

# Data-Juicer computes a statistic once a sample: text_length_filter's
# compute_stats_batched skips a text_len it holds, Fields.stats is added
# once and no mapper clears it, and the export leaves it out
@test "a later filter of a statistic reads the first one's value, as Data-Juicer computes it once" {
	printf '%s\n' '{"id":1,"text":"  hello   world  here  "}' '{"id":2,"text":"a b c d e f g h i j"}' '{"id":3,"text":"abcabcabcabcabc xyz"}' '{"id":4,"text":"abcdeabcdeabcdeabcde xyz"}' >in.jsonl
	cat >r.yaml <<'EOF'
dataset_path: in.jsonl
export_path: out.jsonl
process:
  - text_length_filter:
      min_len: 5
  - character_repetition_filter:
      rep_len: 3
      max_ratio: 0.9
  - character_repetition_filter:
      rep_len: 5
      max_ratio: 0.53
  - whitespace_normalization_mapper:
  - text_length_filter:
      max_len: 20
  - document_deduplicator:
  - text_length_filter:
      max_len: 21
EOF
	run_split dm-recipe show r.yaml
	assert_success
	assert_output <<'EOF'
dm-map 'set __dj__stats__.text_len="len"' in.jsonl |
  dm-filter 'len >= 5 && len <= 9223372036854775807 && char_rep(3) >= 0.0 && char_rep(3) <= 0.9 && char_rep(3) >= 0.0 && char_rep(3) <= 0.53' |
  dm-map normalize-ws |
  dm-filter '.__dj__stats__.text_len >= 10 && .__dj__stats__.text_len <= 20' |
  dm-dedup --exact |
  dm-filter '.__dj__stats__.text_len >= 10 && .__dj__stats__.text_len <= 21' |
  dm-map 'drop fields=__dj__stats__' > .out.jsonl.$$.tmp &&
  mv -f .out.jsonl.$$.tmp out.jsonl || (rm -f .out.jsonl.$$.tmp; exit 2)
EOF
	# 1 is 23 long before the mapper, 19 after; the second
	# character_repetition_filter reads the 3-gram ratio, which keeps 3
	# and drops 4, where their 5-gram ratio does the other
	for j in 1 2; do
		run_split dm-recipe run -j $j r.yaml
		assert_success
		assert_stderr ''
		assert_file out.jsonl <<'EOF'
{"id":2,"text":"a b c d e f g h i j"}
{"id":3,"text":"abcabcabcabcabc xyz"}
EOF
	done
	run dm-map 'set r3=char_rep(3) r5=char_rep(5); drop fields=text' in.jsonl
	assert_output <<'EOF'
{"id":1,"r3":0.19047619047619047,"r5":0.0}
{"id":2,"r3":0.0,"r5":0.0}
{"id":3,"r3":0.5294117647058824,"r5":0.5333333333333333}
{"id":4,"r3":0.5454545454545454,"r5":0.5}
EOF
}

@test "a recipe of '-' is read from the standard input, named <stdin> in messages" {
	printf '{"text":"mail a@b.org now"}\n' >in.jsonl
	dj_recipe 'clean_email_mapper: {repl: "<E>"}'
	run_split dm-recipe run - <r.yaml
	assert_success
	assert_stderr ''
	assert_file out.jsonl <<'EOF2'
{"text":"mail <E> now"}
EOF2
	printf 'dataset_path: in.jsonl\nprocess:\n  - bogus_mapper:\n' >bad.yaml
	run_split dm-recipe check - <bad.yaml
	assert_status 2
	assert_stderr "dm-recipe: <stdin>:3:5: unknown operator 'bogus_mapper'"
	printf 'a: [\n' >bad.yaml
	run_split dm-recipe show - <bad.yaml
	assert_status 2
	assert_stderr 'dm-recipe: <stdin>:2:1: did not find expected node content (while parsing a flow node)'
}
