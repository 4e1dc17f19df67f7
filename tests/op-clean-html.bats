#!/usr/bin/env bats
# op-clean-html.bats - the clean-html operator: Data-Juicer's clean_html_mapper
#
# Expected texts are those of Data-Juicer's own tests (selectolax's text()
# after its "<li>"/"<ol>" replacements) where they apply; entity decoding is
# checked against Python's html.unescape, which follows HTML5 as the parser
# does. selectolax's text() is the text of the body alone; generated
# documents are compared with html5lib's body (tests/clean-html-ref.py),
# which builds the same HTML5 tree.

load helper

PY=/usr/bin/python3

@test "removes tags and keeps their text" {
	run dm-map clean-html <<< '{"text":"<p>This is a <b>test</b></p><div></div>"}'
	assert_success
	assert_output '{"text":"This is a test"}'
}

@test "a template of the head holds nested templates up to its own end tag" {
	run dm-map clean-html <<-'EOF'
	{"text":"<head><template><template></template>secret</template></head><body>x</body>"}
	{"text":"<head><template>a</template><title>t</title></head><body>x</body>"}
	{"text":"<head><template></template ><TEMPLATE x=1></TEMPLATE>s</head>y"}
	EOF
	assert_success
	assert_output $'{"text":"x"}\n{"text":"x"}\n{"text":"sy"}'
}

@test "turns li and ol into a new line and a star, as Data-Juicer does" {
	run dm-map clean-html <<< '{"text":"<ul><li><a href=\"#\">Home</a></li><li>About</li></ul><ol>One</ol>"}'
	assert_success
	assert_output '{"text":"\n*Home\n*About\n*One"}'
}

@test "drops the new line of a leading li with the leading white space" {
	run dm-map clean-html <<< '{"text":"<li>苹果</li>"}'
	assert_success
	assert_output '{"text":"*苹果"}'
}

@test "treats li with attributes or in capitals as an ordinary tag" {
	run dm-map clean-html <<< '{"text":"<p>a<LI>b<li class=\"x\">c"}'
	assert_success
	assert_output '{"text":"abc"}'
}

@test "passes Data-Juicer's whole-page test" {
	run dm-map clean-html <<< '{"text":"<header><nav><ul><tile>测试</title><li><a href=\"#\">Home</a></li><li><a href=\"#\">About</a></li></ul></nav></header><main><h1>Welcome</h1><p>Lorem ipsum.<button>Learn More</button></main><footer><p>&copy; 2021 My Website.</p></footer>"}'
	assert_success
	assert_output '{"text":"测试\n*Home\n*AboutWelcomeLorem ipsum.Learn More© 2021 My Website."}'
}

@test "drops the contents of script and style, in any case" {
	run dm-map clean-html <<< '{"text":"a<script>var s = \"<p>x</p>\";</script>b<STYLE type=\"text/css\">p { color: red }</StYlE >c"}'
	assert_success
	assert_output '{"text":"abc"}'
}

@test "drops a script that never ends" {
	run dm-map clean-html <<< '{"text":"kept<script>var a = 1;"}'
	assert_success
	assert_output '{"text":"kept"}'
}

@test "keeps the text of title and textarea in the body, tags in it literal" {
	run dm-map clean-html <<< '{"text":"<p>x</p><title>A &amp; <b>B</b></title>t<textarea>\n&lt;i&gt;<i></textarea>"}'
	assert_success
	assert_output '{"text":"xA & <b>B</b>t<i><i>"}'
}

@test "drops the head: its title and the white space between its elements" {
	run dm-map clean-html <<< '{"text":"<html><head><title>My Page</title></head><body><p>Hello</p></body></html>"}'
	assert_success
	assert_output '{"text":"Hello"}'
}

@test "puts a title before any body in the head, without html and head tags" {
	run dm-map clean-html <<< '{"text":"<title>T</title><p>x</p>"}'
	assert_success
	assert_output '{"text":"x"}'
}

@test "drops white space after a head element and after the head" {
	run dm-map clean-html <<< '{"text":"<meta charset=utf-8>\n\n<p>x</p>"}'
	assert_success
	assert_output '{"text":"x"}'
	run dm-map clean-html <<< '{"text":"<html>\n<head>\n<meta charset=utf-8>\n</head>\n<body>\n<p>x</p>\n</body>\n</html>\n"}'
	assert_success
	assert_output '{"text":"\nx\n\n\n"}'
}

@test "starts the body at a character, a body tag or a tag no head holds" {
	run dm-map clean-html <<< '{"text":"<title>t</title>x<title>in body</title>"}'
	assert_success
	assert_output '{"text":"xin body"}'
	run dm-map clean-html <<< '{"text":"<head><title>t</title></head><meta name=a><title>late</title><div>d</div>"}'
	assert_success
	assert_output '{"text":"d"}'
	run dm-map clean-html <<< '{"text":"<style>s</style></br><title>t</title>"}'
	assert_success
	assert_output '{"text":"t"}'
	run dm-map clean-html <<< '{"text":"<link rel=x></p></div><title>t</title>"}'
	assert_success
	assert_output '{"text":""}'
}

@test "reads a noscript in the head as the head's, with scripting off" {
	run dm-map clean-html <<< '{"text":"<head><noscript><link rel=x><style>s</style></noscript><title>t</title></head>b"}'
	assert_success
	assert_output '{"text":"b"}'
	run dm-map clean-html <<< '{"text":"<head><noscript><p>n</p></noscript><title>t</title>"}'
	assert_success
	assert_output '{"text":"nt"}'
}

@test "keeps text after the body and after html" {
	run dm-map clean-html <<< '{"text":"<body>a</body> b </html>\nc"}'
	assert_success
	assert_output '{"text":"a b \nc"}'
}

@test "scripts=true keeps the text of script and style in the body, as Data-Juicer" {
	run dm-map 'clean-html scripts=true' <<< '{"text":"<head><script>h()</script><style>h{}</style></head>a<script>if (a < b) x = \"&amp;\";</script><STYLE>p { }</STYLE>b"}'
	assert_success
	assert_output '{"text":"aif (a < b) x = \"&amp;\";p { }b"}'
	run dm-map 'clean-html scripts=false' <<< '{"text":"a<script>x()</script>b"}'
	assert_success
	assert_output '{"text":"ab"}'
}

@test "drops the first newline of pre and textarea" {
	run dm-map clean-html <<< '{"text":"<pre>\nx\n</pre><textarea>\r\ny</textarea><pre>\n\nz</pre>"}'
	assert_success
	assert_output '{"text":"x\ny\nz"}'
}

@test "keeps the text of xmp, iframe, noembed and noframes in the body as it is" {
	run dm-map clean-html <<< '{"text":"a<xmp><b>&amp;</b></xmp><iframe><i>i</i></iframe><noembed>e</noembed><noframes><p>f</p></noframes>"}'
	assert_success
	assert_output '{"text":"a<b>&amp;</b><i>i</i>e<p>f</p>"}'
}

@test "joins a CR and the new line of a following li into one line end, as Data-Juicer's replacements do" {
	run dm-map clean-html <<< '{"text":"<ul><li>a</li>\r<li>b</li>\r</ul>\n"}'
	assert_success
	assert_output '{"text":"\n*a\n*b\n\n"}'
}

@test "gives html5lib's body text for generated documents, scripts=false and scripts=true" {
	$PY "$DM_REPO/tests/clean-html-ref.py" gen 600 20261206 >in.jsonl
	run dm-map clean-html in.jsonl
	assert_success
	printf '%s\n' "$output" >out.jsonl
	run $PY "$DM_REPO/tests/clean-html-ref.py" check in.jsonl out.jsonl
	assert_success
	assert_output ''
	run dm-map 'clean-html scripts=true' in.jsonl
	assert_success
	printf '%s\n' "$output" >out.jsonl
	run $PY "$DM_REPO/tests/clean-html-ref.py" check scripts in.jsonl out.jsonl
	assert_success
	assert_output ''
}

@test "ends a script as the HTML5 tokenizer does: a '</script>' written inside '<!--' does not end it" {
	run dm-map clean-html <<< '{"text":"<script type=\"text/javascript\"><!--\ndocument.write(\"<script src=a.js></script>\");\n//--></script><p>Hello</p>"}'
	assert_success
	assert_output '{"text":"Hello"}'
	# escaped without a nested script tag, the first end tag ends it;
	# "-->" ends the escape, even after a nested "<script>"
	run dm-map clean-html <<< '{"text":"<script><!-- a </script>b<p>c</p><script><!-- <script> --> </script>d</script>e"}'
	assert_success
	assert_output '{"text":"bcde"}'
}

@test "gives html5lib's body text for generated scripts with comments and nested script tags" {
	$PY "$DM_REPO/tests/clean-html-ref.py" gen-script 600 20261207 >in.jsonl
	[ "$(grep -c '<!--' in.jsonl)" -ge 100 ]
	run dm-map clean-html in.jsonl
	assert_success
	printf '%s\n' "$output" >out.jsonl
	run $PY "$DM_REPO/tests/clean-html-ref.py" check in.jsonl out.jsonl
	assert_success
	assert_output ''
	run dm-map 'clean-html scripts=true' in.jsonl
	assert_success
	printf '%s\n' "$output" >out.jsonl
	run $PY "$DM_REPO/tests/clean-html-ref.py" check scripts in.jsonl out.jsonl
	assert_success
	assert_output ''
}

@test "decodes every HTML5 named reference, two code points too, and the legacy ones without ';'" {
	run dm-map clean-html <<< '{"text":"&ccaron; &cacute; &lstrok; &bigstar; &nGt; &CounterClockwiseContourIntegral; &notit; &copy2021 &amp &ccaron &bogus;"}'
	assert_success
	assert_output '{"text":"č ć ł ★ ≫⃒ ∳ ¬it; ©2021 & &ccaron &bogus;"}'
}

@test "gives html5lib's body text for generated texts of named references" {
	$PY "$DM_REPO/tests/clean-html-ref.py" gen-entities 600 20261207 >in.jsonl
	run dm-map clean-html in.jsonl
	assert_success
	printf '%s\n' "$output" >out.jsonl
	run $PY "$DM_REPO/tests/clean-html-ref.py" check in.jsonl out.jsonl
	assert_success
	assert_output ''
}

@test "removes comments, empty ones and unclosed ones" {
	run dm-map clean-html <<< '{"text":"x<!-- <b>hidden</b> -->y<!---->z<!-->w<!-- to the end"}'
	assert_success
	assert_output '{"text":"xyzw"}'
}

@test "removes doctypes, processing instructions and bogus end tags" {
	run dm-map clean-html <<< '{"text":"<!DOCTYPE html><?xml version=\"1.0\"?>ok</ >x</>y"}'
	assert_success
	assert_output '{"text":"okxy"}'
}

@test "keeps a < that opens no tag" {
	run dm-map clean-html <<< '{"text":"a < b, 3<4 and <测试>文本</测试>"}'
	assert_success
	assert_output '{"text":"a < b, 3<4 and <测试>文本"}'
}

@test "drops a tag cut off by the end of the text, as HTML5 does" {
	run dm-map clean-html <<< '{"text":"<p>这是个测试 <b"}'
	assert_success
	assert_output '{"text":"这是个测试 "}'
}

@test "reads a > inside a quoted attribute as part of the tag" {
	run dm-map clean-html <<< "{\"text\":\"a<img src='x>y' alt=\\\"1>2\\\">b<abc=\\\"https://e.com/f?n=T\\\">测试\"}"
	assert_success
	assert_output '{"text":"ab测试"}'
}

@test "decodes named entities, with and without the semicolon where HTML5 does" {
	run dm-map clean-html <<< '{"text":"caf&eacute; &lt;b&gt; &quot;q&quot; &apos;a&apos; &nbsp;&hellip;&mdash;&rsquo; &copy2021 &notit; &euro;&trade;"}'
	assert_success
	assert_output '{"text":"café <b> \"q\" '"'a'"' '$'\u00a0''…—’ ©2021 ¬it; €™"}'
}

@test "decodes numeric references, decimal and hex, semicolon optional" {
	run dm-map clean-html <<< '{"text":"&#72;&#x49;&#X4a; &#169 &#x1F600;&#128512; &#128;"}'
	assert_success
	assert_output '{"text":"HIJ © 😀😀 €"}'
}

@test "turns out-of-range references into U+FFFD" {
	run dm-map clean-html <<< '{"text":"x&#0;&#xD800;&#1114112;&#99999999999999999999;"}'
	assert_success
	assert_output '{"text":"x����"}'
}

@test "keeps malformed references and unknown names literally" {
	run dm-map clean-html <<< '{"text":"<p>&#; &#x; &#xZZ; &bogus; &Amp; AT&T & co</p>"}'
	assert_success
	assert_output '{"text":"&#; &#x; &#xZZ; &bogus; &Amp; AT&T & co"}'
}

@test "keeps emoji and CJK text around tags" {
	run dm-map clean-html <<< '{"text":"😀<b>emoji</b>😀 中文<i>字</i>"}'
	assert_success
	assert_output '{"text":"😀emoji😀 中文字"}'
}

@test "drops white space before the first tag or character, keeps it after" {
	run dm-map clean-html <<< '{"text":"  \n<!-- c -->\n<p>  x  </p>  "}'
	assert_success
	assert_output '{"text":"  x    "}'
}

@test "makes a text of white space empty" {
	run dm-map clean-html <<< '{"text":"    "}'
	assert_success
	assert_output '{"text":""}'
}

@test "turns CR LF and CR into LF" {
	run dm-map clean-html <<< '{"text":"a\r\nb\rc"}'
	assert_success
	assert_output '{"text":"a\nb\nc"}'
}

@test "writes an unchanged sample back byte for byte" {
	run dm-map clean-html <<< '{"text": "plain text, café 中文 😀",  "n": 1.50}'
	assert_success
	assert_output '{"text": "plain text, café 中文 😀",  "n": 1.50}'
}

@test "writes back a text whose markup-like bytes change nothing" {
	run dm-map clean-html <<< '{"text": "a < b & c",  "n": 1.50}'
	assert_success
	assert_output '{"text": "a < b & c",  "n": 1.50}'
}

@test "leaves an empty text alone" {
	run dm-map clean-html <<< '{"text": ""}'
	assert_success
	assert_output '{"text": ""}'
}

@test "blocks=true keeps the block structure: blocks end a line, br a newline, script, style, nav dropped" {
	run dm-map 'clean-html blocks=true' <<< '{"text":"<html><head><title>T</title><style>p{}</style></head><body><nav>menu</nav><h1>Title</h1><p>One  <b>two</b><br>three</p><ul><li>a</li><li>b</li></ul><table><tr><td>1</td><td>2</td></tr></table><script>x()</script><pre> p\n  q</pre>Caf&eacute; &lt;x&gt;</body></html>"}'
	assert_success
	assert_output '{"text":"Title\nOne two\nthree\na\nb\n1\n2\n p\n  q\nCafé <x>"}'
}

@test "blocks=true keeps the text under 256 nested elements and more, in bounded time and memory" {
	$PY -c "import json; print(json.dumps({'text': '<p>before</p>' + '<font>' * 256 + 'x <p>para</p> after'}))" >in.jsonl
	run dm-map 'clean-html blocks=true' in.jsonl
	assert_success
	assert_output '{"text":"before\nx\npara\nafter"}'
	$PY -c "import json; print(json.dumps({'text': '<div>' * 100000 + 'deep' + '</i>' * 100000 + ' end'}))" >in.jsonl
	run_split bash -c "$(mem_limit 1000000)"'; exec timeout 60 dm-map "clean-html blocks=true" in.jsonl'
	assert_success
	assert_output '{"text":"deep end"}'
}

@test "blocks=true leaves text without markup as it is, and blocks=false is the default" {
	run dm-map 'clean-html blocks=true' <<< '{"text":"plain words"}'
	assert_success
	assert_output '{"text":"plain words"}'
	run dm-map 'clean-html blocks=false' <<< '{"text":"<p>a</p><p>b</p>"}'
	assert_success
	assert_output '{"text":"ab"}'
}
