#!/usr/bin/env bats
# op-remove-html-tags.bats - remove-html-tags: DataMate's HtmlTagCleaner

load helper

REF=$DM_REPO/tests/datamate-ref.py

@test "removes the tags of DataMate's example, keeps the text" {
	run dm-map remove-html-tags <<< '{"text":"<p><b>机器学习</b>是<a href=\"/wiki/%E4%BA%BA\" title=\"人工智能\">人工智能</a>的一个分支。</p>"}'
	assert_success
	assert_output '{"text":"机器学习是人工智能的一个分支。"}'
}

@test "keeps table tags, without attributes but colspan and rowspan" {
	run dm-map remove-html-tags <<< '{"text":"<table class=\"t\"><tr><td class=\"td8\" rowspan=\"3\">a</td><td colspan=\"2\" x=\"\">b</td></tr></table>"}'
	assert_success
	assert_output '{"text":"<table><tr><td rowspan=\"3\">a</td><td colspan=\"2\" x=\"\">b</td></tr></table>"}'
}

@test "tables=true removes the table tags too" {
	run dm-map 'remove-html-tags tables=true' <<< '{"text":"<table class=\"t\"><tr><th>h</th><TD rowspan=\"3\">a</TD></tr></table>"}'
	assert_success
	assert_output '{"text":"ha"}'
}

@test "start tags end at the next '>', end tags are exact, names in any case; a listed tag goes with its attributes" {
	run dm-map remove-html-tags <<< '{"text":"<P\nclass=x>b</p ><BR/><br>c</Br><DIV  id=\"a\"class=\"b\" >z</DIV>"}'
	assert_success
	assert_output '{"text":"b</p ><BR/>cz"}'
}

@test "matches names as Python's re.IGNORECASE does" {
	run dm-map remove-html-tags <<< '{"text":"<ſpan>x</ſpan><İ>y</ı><Kbd>z</kbd>"}'
	assert_success
	assert_output '{"text":"xyz"}'
}

@test "other tags lose their attributes" {
	run dm-map remove-html-tags <<< '{"text":"<foo bar=\"1\" colspan=\"2\" baz=\"3\">d</foo> <x y=\"1\"/> 1 < 2 > 0"}'
	assert_success
	assert_output '{"text":"<foo colspan=\"2\">d</foo> <x/> 1 < 2 > 0"}'
}

@test "leaves a sample whose fileType is xml alone, and text without tags" {
	run dm-map remove-html-tags <<'EOF'
{"text":"<div a=\"1\">x</div>","fileType":"xml"}
{"text": "no tags here",  "fileType":"txt"}
{"text":"<div a=\"1\">x</div>","kind":"xml"}
EOF
	assert_success
	assert_output <<'EOF'
{"text":"<div a=\"1\">x</div>","fileType":"xml"}
{"text": "no tags here",  "fileType":"txt"}
{"text":"x","kind":"xml"}
EOF
	run dm-map 'remove-html-tags type_field=kind' <<< '{"text":"<div a=\"1\">x</div>","kind":"xml"}'
	assert_output '{"text":"<div a=\"1\">x</div>","kind":"xml"}'
}

corpus() {
	cat <<'EOF'
{"text":"<p><b>机器学习</b>是<a href=\"/wiki/%E4%BA%BA\" title=\"人工智能\">人工智能</a>的一个分支。</p>"}
{"text":"<table class=\"t\"><tbody><tr><td class=\"td8\" rowspan=\"3\" x=\"\">a</td><th colspan=\"2\">b</th></tr></tbody></table>"}
{"text":"<P\nclass=x>b</p ><BR/><br>c<foo bar=\"1\" colspan=\"2\">d</foo><img src=\"x.png\"/>"}
{"text":"<ſpan>x</ſpan><İmg src=\"a\"> <div  id=\"a\"class=\"b\"  >z</DIV><abbr title=\"t\">A</abbr><a\thref=x>l</a>"}
{"text":"< p>1 <p\u3000x>2 <p\u001fy>3 </p\u3000> <Ünïcödé å=\"ø\" b_1=\"2\">é</Ünïcödé> <x  a=\"\" b=\"c\" >"}
{"text":"<script type=\"text/javascript\">var a = \"<b>\";</script><style>p{}</style><h1 id=\"t\">T</h1><!-- c --><br>"}
{"text":"<div class=\"a\" <b>x</b> <span id=\"s\" <em>y</em> <td  rowspan=\"2\"  colspan=\"3\"  class=\"c\">"}
{"text":"plain text, no tags; 1 < 2 and 3 > 2; <<b>>"}
EOF
}

@test "gives the output of DataMate's code on a corpus, with and without tables" {
	corpus >in.jsonl
	dm-map remove-html-tags <in.jsonl >got.jsonl
	"$REF" HtmlTagCleaner <in.jsonl >want.jsonl
	assert_same got.jsonl want.jsonl
	dm-map 'remove-html-tags tables=true' <in.jsonl >got.jsonl
	"$REF" HtmlTagCleaner true <in.jsonl >want.jsonl
	assert_same got.jsonl want.jsonl
}
