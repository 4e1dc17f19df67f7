#!/usr/bin/env bats
# op-remove-table-text.bats - remove-table-text: Data-Juicer's remove_table_text_mapper

load helper

@test "removes the smallest table, two rows of two columns" {
	run dm-map remove-table-text <<< '{"text":"This is a table:\n编号 分行\n① 北京分行\nThe end of the table."}'
	assert_success
	assert_output '{"text":"This is a table:\nThe end of the table."}'
}

@test "removes a table of seven columns with its trailing newline" {
	run dm-map remove-table-text <<< '{"text":"This is a table:\n编号 分行 营运资金1 营运资金2 营运资金3 营运资金4 营运资金5\n① 北京分行 495,000,000.00 200,000,000.00 295,000,000.00 - 495,000,000.00\n② 大连分行 440,000,000.00 100,000,000.00 340,000,000.00 - 440,000,000.00\nThe end of the table."}'
	assert_success
	assert_output '{"text":"This is a table:\nThe end of the table."}'
}

@test "takes | as a separator, and the blank lines after a table" {
	run dm-map remove-table-text <<< '{"text":"Intro\nname|age|city\nJosé|33|Zürich\nAnn|7|Oslo\n\n\nafter"}'
	assert_success
	assert_output '{"text":"Intro\nafter"}'
}

@test "takes a tab as a separator" {
	run dm-map remove-table-text <<< '{"text":"x\na\tb\nc\td\n"}'
	assert_success
	assert_output '{"text":"x\n"}'
}

@test "needs two rows of the same number of columns" {
	run dm-map remove-table-text <<< '{"text":"Intro\na b c\nd e\nf g h\ni j k\nend"}'
	assert_success
	assert_output '{"text":"Intro\na b c\nd e\nend"}'
}

@test "min_col and max_col bound the columns removed" {
	run dm-map 'remove-table-text min_col=3 max_col=3' <<< '{"text":"Intro\na b\nc d\ne f g\nh i j\nend"}'
	assert_success
	assert_output '{"text":"Intro\na b\nc d\nend"}'
}

@test "removes rows of emoji cells" {
	run dm-map remove-table-text <<< '{"text":"Intro\n😀 🎉\n👍 ✨\nend"}'
	assert_success
	assert_output '{"text":"Intro\nend"}'
}

@test "never removes the first line of the text" {
	run dm-map remove-table-text <<< '{"text":"a b\nc d\ne f\n"}'
	assert_success
	assert_output '{"text":"a b\n"}'
}

@test "does not split cells on an ideographic space" {
	run dm-map remove-table-text <<< '{"text": "x\na\u3000b c\nd\u3000e f\nend"}'
	assert_success
	assert_output '{"text": "x\na\u3000b c\nd\u3000e f\nend"}'
}

@test "leaves text of one column unchanged" {
	run dm-map remove-table-text <<< '{"text":"This is a table:\n编号\n①\n②\n③\nThe end of the table."}'
	assert_success
	assert_output '{"text":"This is a table:\n编号\n①\n②\n③\nThe end of the table."}'
}

@test "leaves empty text unchanged" {
	run dm-map remove-table-text <<< '{"text": "" }'
	assert_success
	assert_output '{"text": "" }'
}

@test "writes an unchanged sample back byte for byte" {
	run dm-map remove-table-text <<< '{"text": "plain text\nwith lines\nand more \u00e9 中文 😀\n",  "n": 1.50}'
	assert_success
	assert_output '{"text": "plain text\nwith lines\nand more \u00e9 中文 😀\n",  "n": 1.50}'
}

@test "rejects a column bound outside 2 to 20" {
	run dm-map 'remove-table-text max_col=21' <<< '{"text":"a"}'
	assert_status 2
	run dm-map 'remove-table-text min_col=1' <<< '{"text":"a"}'
	assert_status 2
}

@test "reads white space as Python's regex does: U+180E is in a cell, NBSP is not" {
	# a cell of each code point that PCRE2 and regex could disagree on,
	# between two words, in the second row of a table of two columns
	/usr/bin/python3 - >in.jsonl <<'EOF'
import json
for c in [0x180e, 0x200b, 0x2060, 0xfeff, 0x85, 0xa0, 0x1680, 0x2000,
          0x2007, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0x1c,
          0x1f, 0x0b, 0x0c]:
    print(json.dumps({'text': 'h\na%sb c\nd e\nend' % chr(c)}))
EOF
	dm-map remove-table-text in.jsonl | jq -c . >out.jsonl
	/usr/bin/python3 - >want.jsonl <<'EOF'
import json
import regex as re
# Data-Juicer's remove_table_text_mapper, min_col 2, max_col 20
for line in open('in.jsonl'):
    s = json.loads(line)
    t = s['text']
    for i in range(1, 20):
        t = re.compile(r"(?<=\n)((\S+?)([ |\t](\S+?)){%d}\n+){2,}" % i).sub("", t)
    s['text'] = t
    print(json.dumps(s, separators=(',', ':')))
EOF
	jq -c . want.jsonl >py.jsonl
	assert_same out.jsonl py.jsonl
	run grep -c '"h\\nend"' out.jsonl
	# U+180E, U+200B, U+2060, U+FEFF, U+001C and U+001F are not white space
	assert_output 6
}

@test "reads a line of many '|' cells as Data-Juicer does, where PCRE2 ran out of backtracking" {
	# a menu line of 31 items, a line of 22 one-letter cells: Python's
	# regex takes seconds on each, PCRE2 gave 'match limit exceeded'
	/usr/bin/python3 - >in.jsonl <<'EOF2'
import json
nav = '|'.join(['Home', 'News', 'Sport', 'Weather', 'iPlayer', 'Sounds',
    'Bitesize', 'CBeebies', 'CBBC', 'Food', 'Travel', 'Culture', 'Future',
    'Music', 'TV', 'Radio', 'Arts', 'Make', 'Taster', 'Local', 'Nature',
    'Earth', 'Worklife', 'Reel', 'Ideas', 'Teach', 'Learn', 'Shop', 'More',
    'Help', 'Search'])
art = 'The article starts here and goes on.\n'
for t in ['Title of the page\n' + nav + '\n' + art,
          'Title of the page\n' + nav + '\n' + nav + '\n' + art,
          '\n' + '|'.join('x' * 22) + '\nend\n',
          'x\na||b|c d\n|a|b| c\n']:
    print(json.dumps({'text': t}))
EOF2
	run dm-map remove-table-text in.jsonl
	assert_success
	dm-map remove-table-text in.jsonl | jq -c . >out.jsonl
	/usr/bin/python3 - >want.jsonl <<'EOF2'
import json
import regex as re
# Data-Juicer's remove_table_text_mapper, min_col 2, max_col 20
for line in open('in.jsonl'):
    s = json.loads(line)
    t = s['text']
    for i in range(1, 20):
        t = re.compile(r"(?<=\n)((\S+?)([ |\t](\S+?)){%d}\n+){2,}" % i).sub("", t)
    s['text'] = t
    print(json.dumps(s, separators=(',', ':')))
EOF2
	jq -c . want.jsonl >py.jsonl
	assert_same out.jsonl py.jsonl
	run jq -c .text out.jsonl
	assert_output '"Title of the page\n"
"Title of the page\nThe article starts here and goes on.\n"
"\nx|x|x|x|x|x|x|x|x|x|x|x|x|x|x|x|x|x|x|x|x|x\nend\n"
"x\n"'
}
