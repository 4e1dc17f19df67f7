#!/usr/bin/env bats
# dm-scan-extract.bats - dm-scan --extract: DOCX, ODT, EPUB and HTML made
# here by pandoc and zip, their text and fields; hostile documents

load helper

W='xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'

# The text every pandoc-made document of doc.md gives.
TEXT='The Report
Ada Lovelace
Introduction
First paragraph with emphasis and a link.
item one
item two
Name
Value
a
1
b
2
Last line.'

setup_file() {
	local d=$BATS_FILE_TMPDIR
	cat >"$d/doc.md" <<'MD'
---
title: The Report
author: Ada Lovelace
---

# Introduction

First paragraph with *emphasis* and a [link](http://example.com).

- item one
- item two

| Name | Value |
|------|-------|
| a    | 1     |
| b    | 2     |

Last line.
MD
	for f in docx odt epub html; do
		pandoc -s "$d/doc.md" -o "$d/doc.$f" || return 1
	done
	cat >"$d/deck.md" <<'MD'
---
title: Deck
author: Ada Lovelace
---

# One

Hello *world*.

- a
- b

# Two

| N | V |
|---|---|
| x | 1 |

End.
MD
	pandoc -s "$d/deck.md" -o "$d/deck.pptx" || return 1
}

A='xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'
P='xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"'
R='xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
S='xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
REL='http://schemas.openxmlformats.org/officeDocument/2006/relationships'

# rels FILE ID=TARGET...: a relationships member.
rels() {
	local f=$1 r
	mkdir -p "${f%/*}"
	shift
	{
		printf '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
		for r; do
			printf '<Relationship Id="%s" Type="%s/x" Target="%s"/>' "${r%%=*}" "$REL" "${r#*=}"
		done
		printf '</Relationships>'
	} >"$f"
}

# slide FILE PARAGRAPH-XML: a slide whose one shape holds the paragraphs.
slide() {
	printf '<p:sld %s %s><p:cSld><p:spTree><p:sp><p:txBody><a:bodyPr/>%s</p:txBody></p:sp></p:spTree></p:cSld></p:sld>' "$A" "$P" "$2" >"$1"
}

# pptx DIR NAME ID...: the presentation of DIR with the slides ID in order.
pptx() {
	local d=$1 n=$2 id
	shift 2
	mkdir -p "$d/ppt/_rels" "$d/ppt/slides"
	printf '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/ppt/presentation.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"/></Types>' >"$d/[Content_Types].xml"
	{
		printf '<p:presentation %s %s><p:sldIdLst>' "$P" "$R"
		for id; do
			printf '<p:sldId id="%d" r:id="%s"/>' $((256 + ${id#rId})) "$id"
		done
		printf '</p:sldIdLst></p:presentation>'
	} >"$d/ppt/presentation.xml"
	(cd "$d" && zip -qX "$TMP/$n" '[Content_Types].xml' && zip -qrX "$TMP/$n" .)
}

# docx DIR NAME.docx: zips the hand-written members under DIR.
zipdir() {
	(cd "$1" && zip -qrX "$TMP/$2" .)
}

# fields FILE...: dm-scan --extract's samples without id, size and mtime.
fields() {
	dm-scan --extract "$@" | dm-map 'drop fields=id,size,mtime'
}

@test "a DOCX made by pandoc becomes its text, blocks on their own lines, with title, author and extractor" {
	cp "$BATS_FILE_TMPDIR/doc.docx" .
	run fields doc.docx
	assert_success
	v=$(xml2-config --version)
	assert_output "{\"path\":\"doc.docx\",\"type\":\"docx\",\"title\":\"The Report\",\"author\":\"Ada Lovelace\",\"extractor\":\"libxml2 $v\",\"encoding\":\"utf-8\",\"text\":$(printf '%s' "$TEXT" | jq -Rs .)}"
}

@test "ODT, EPUB and HTML made by pandoc give the same text, title and author" {
	cp "$BATS_FILE_TMPDIR"/doc.odt "$BATS_FILE_TMPDIR"/doc.epub "$BATS_FILE_TMPDIR"/doc.html .
	for f in odt epub html; do
		run_split dm-scan --extract doc.$f
		assert_success
		assert_stderr ''
		[ "$(jq -r .text <<<"$output")" = "$TEXT" ]
		[ "$(jq -r '[.type,.title,.author]|join("|")' <<<"$output")" = "$f|The Report|Ada Lovelace" ]
	done
}

@test "--type under --extract chooses documents by the type written, not by the name's extension" {
	cp "$BATS_FILE_TMPDIR/doc.html" page.htm
	cp "$BATS_FILE_TMPDIR/doc.docx" report
	printf 'plain\n' >notes.txt
	run_split dm-scan --extract --type html,docx page.htm report notes.txt
	assert_success
	assert_stderr ''
	[ "$(jq -r '[.path,.type]|join(" ")' <<<"$output")" = "page.htm html
report docx" ]
	run_split dm-scan --extract --type htm,txt page.htm report notes.txt
	assert_success
	assert_stderr ''
	[ "$(jq -r '[.path,.type]|join(" ")' <<<"$output")" = "notes.txt txt" ]
	# without --extract the extension is the type, as always
	run_split dm-scan --type htm page.htm report notes.txt
	assert_success
	[ "$(jq -r '[.path,.type]|join(" ")' <<<"$output")" = "page.htm htm" ]
}

@test "without --extract nothing changes: a DOCX is its members, HTML its markup" {
	cp "$BATS_FILE_TMPDIR"/doc.docx "$BATS_FILE_TMPDIR"/doc.html .
	run dm-scan doc.docx
	assert_success
	# (hidden members such as _rels/.rels are left out, as always)
	[ "$(jq -r .path <<<"$output")" = "$(unzip -Z1 doc.docx | grep -v '\(^\|/\)\.' | sed 's/^/doc.docx!\//')" ]
	run dm-scan doc.html
	assert_success
	[ "$(jq -r .text <<<"$output")" = "$(cat doc.html)" ]
	[ "$(jq -r .type <<<"$output")" = html ]
	[ "$(jq -r 'has("extractor")' <<<"$output")" = false ]
}

@test "documents inside nested archives are extracted, with the member path" {
	mkdir -p in
	cp "$BATS_FILE_TMPDIR"/doc.docx "$BATS_FILE_TMPDIR"/doc.epub in/
	printf 'plain\n' >in/note.txt
	tar czf in.tgz in
	zip -q outer.zip in.tgz
	run dm-scan --extract outer.zip
	assert_success
	[ "$(jq -r '.path + " " + .type' <<<"$output")" = "outer.zip!/in.tgz!/in/doc.docx docx
outer.zip!/in.tgz!/in/doc.epub epub
outer.zip!/in.tgz!/in/note.txt txt" ] || [ "$(jq -r '.path + " " + .type' <<<"$output" | sort)" = "outer.zip!/in.tgz!/in/doc.docx docx
outer.zip!/in.tgz!/in/doc.epub epub
outer.zip!/in.tgz!/in/note.txt txt" ]
	[ "$(jq -r 'select(.type=="docx").text' <<<"$output")" = "$TEXT" ]
	[ "$(jq -r 'select(.type=="txt").text' <<<"$output")" = plain ]
}

@test "DOCX: tab stops of a paragraph are not tabs, and a text box written twice (mc:Choice, mc:Fallback) is read once" {
	local mc='xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
	mkdir -p d/word
	cat >d/word/document.xml <<XML
<w:document $W $mc><w:body>
<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/><w:tab w:val="right" w:pos="9000"/></w:tabs></w:pPr><w:r><w:t>Name</w:t></w:r><w:r><w:tab/><w:t>Value</w:t></w:r></w:p>
<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><w:txbxContent><w:p><w:r><w:t>Box text</w:t></w:r></w:p></w:txbxContent></w:drawing></mc:Choice><mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>Box text</w:t></w:r></w:p></w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>
<w:p><w:r><w:t>End</w:t></w:r></w:p>
</w:body></w:document>
XML
	zipdir d box.docx
	run_split dm-scan --extract box.docx
	assert_success
	assert_stderr ''
	[ "$(jq -c .text <<<"$output")" = '"Name\tValue\nBox text\nEnd"' ]
}

@test "DOCX: text moved with changes tracked is read where it went (w:moveTo), not also where it was (w:moveFrom)" {
	mkdir -p d/word
	cat >d/word/document.xml <<XML
<w:document $W><w:body>
<w:p><w:moveFromRangeStart w:id="1" w:name="move1"/><w:moveFrom w:id="2" w:author="A"><w:r><w:t>Moved paragraph</w:t></w:r></w:moveFrom><w:moveFromRangeEnd w:id="1"/></w:p>
<w:p><w:r><w:t>Middle</w:t></w:r></w:p>
<w:p><w:moveToRangeStart w:id="3" w:name="move1"/><w:moveTo w:id="4" w:author="A"><w:r><w:t>Moved paragraph</w:t></w:r></w:moveTo><w:moveToRangeEnd w:id="3"/></w:p>
</w:body></w:document>
XML
	zipdir d moved.docx
	run_split dm-scan --extract moved.docx
	assert_success
	assert_stderr ''
	[ "$(jq -c .text <<<"$output")" = '"Middle\nMoved paragraph"' ]
}

@test "DOCX: a non-breaking hyphen (w:noBreakHyphen) is U+2011, not dropped; a soft hyphen is nothing" {
	mkdir -p d/word
	printf '<w:document %s><w:body><w:p><w:r><w:t>555</w:t><w:noBreakHyphen/><w:t>1234 co</w:t><w:softHyphen/><w:t>operate</w:t></w:r></w:p></w:body></w:document>' "$W" >d/word/document.xml
	zipdir d nb.docx
	run_split dm-scan --extract nb.docx
	assert_success
	assert_stderr ''
	[ "$(jq -r .text <<<"$output")" = '555‑1234 cooperate' ]
}

@test "DOCX: w:tab, w:br, headings, list items and table cells; deleted text and field codes left out" {
	mkdir -p d/word d/docProps
	cat >d/word/document.xml <<XML
<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document $W><w:body>
<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>Head</w:t></w:r></w:p>
<w:p><w:r><w:t xml:space="preserve">a </w:t></w:r><w:r><w:t>b</w:t><w:tab/><w:t>c</w:t><w:br/><w:t>d</w:t></w:r></w:p>
<w:p/>
<w:p><w:r><w:delText>gone</w:delText><w:instrText>PAGE</w:instrText><w:t>kept</w:t></w:r></w:p>
<w:tbl><w:tr><w:tc><w:p><w:r><w:t>x1</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>y1</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/></w:numPr></w:pPr><w:r><w:t>ünï €</w:t></w:r></w:p>
</w:body></w:document>
XML
	cat >d/docProps/core.xml <<'XML'
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>  Two
 lines </dc:title><dc:creator>Me</dc:creator></cp:coreProperties>
XML
	zipdir d hand.docx
	run fields hand.docx
	assert_success
	v=$(xml2-config --version)
	assert_output '{"path":"hand.docx","type":"docx","title":"Two lines","author":"Me","extractor":"libxml2 '"$v"'","encoding":"utf-8","text":"Head\na b\tc\nd\nkept\nx1\ny1\nünï €"}'
}

@test "HTML: block elements end a line, <br> is a newline, script, style, nav and head dropped, pre kept" {
	cat >p.htm <<'HTML'
<!DOCTYPE html><html><head><title>T &amp; U</title><meta name="author" content="Bo">
<style>p { color: red }</style><script>var x = "<p>no</p>";</script></head>
<body><nav><a href="/">Home</a> | <a href="/x">X</a></nav>
<h1>Title</h1><p>One.</p><p>Two
   words  <b>bold</b><i>it</i><br>after br</p>
<ul><li>a</li><li>b <em>c</em></li></ul>
<table><tr><th>h1</th><th>h2</th></tr><tr><td>1</td><td>2</td></tr></table>
<pre>  keep
    this</pre><div>x<span> y</span></div>&eacute;&#x20AC;
</body></html>
HTML
	run fields p.htm
	assert_success
	assert_output '{"path":"p.htm","type":"html","title":"T & U","author":"Bo","extractor":"libxml2 '"$(xml2-config --version)"'","encoding":"utf-8","text":"Title\nOne.\nTwo words boldit\nafter br\na\nb c\nh1\nh2\n1\n2\n  keep\n    this\nx y\né€"}'
}

@test "HTML: the text under 300 nested elements is kept; a document that its encoding cannot decode is reported, not cut short" {
	/usr/bin/python3 -c "print('<p>before</p>' + '<font>' * 300 + 'x <p>para</p> after')" >deep.html
	printf '<html><head><meta charset="shift_jis"></head><body><p>one</p><p>\x82\xa0 ok</p><p>\xff\xff\x85 bad</p><p>after the bad bytes</p></body></html>' >sj.html
	run_split dm-scan --extract deep.html sj.html
	assert_success
	[ "$(jq -r .text <<<"$output")" = "$(printf 'before\nx\npara\nafter')" ]
	assert_stderr <<'ERR'
dm-scan: sj.html: libxml2 stopped at line 1: cannot decode the document as 'SHIFT-JIS', skipped
dm-scan: 1 file read, 1 document skipped
ERR
}

@test "HTML: UTF-8 with a bad byte, declared or not, has that byte replaced, not the rest read as Latin-1; Latin-1 stays Latin-1" {
	printf '<p>caf\xc3\xa9</p><p>bad \xff byte</p><p>na\xc3\xafve</p>' >bare.html
	printf '<meta charset="utf-8"><p>caf\xc3\xa9</p><p>bad \xff byte</p><p>na\xc3\xafve</p>' >said.html
	printf '<p>caf\xe9</p>' >latin.html
	printf '<meta charset="windows-1252"><p>caf\xe9 \x93q\x94</p>' >cp.html
	run_split dm-scan --extract bare.html said.html latin.html cp.html
	assert_success
	assert_stderr ''
	[ "$(jq -c .text <<<"$output")" = "$(printf '%s\n' '"café\nbad \ufffd byte\nnaïve"' '"café\nbad \ufffd byte\nnaïve"' '"café"' '"café “q”"' | jq -c .)" ]
}

@test "HTML: CR LF and a lone CR are LF before parsing, as HTML says, in <pre> too, also in UTF-16; &#13; stays a CR" {
	# a page saved on Windows (CR LF), one from an old Mac (CR), and
	# the first as Notepad saves it, UTF-16LE with a byte order mark
	printf '<html><body>\r\n<pre>one\r\n  two\r\n\r\nthree</pre>\r\n<p>x\r\ny</p><pre>a&#13;b</pre></body></html>\r\n' >dos.html
	printf '<pre>one\r  two\r\rthree</pre>' >mac.html
	iconv -f UTF-8 -t UTF-16 dos.html >wide.html
	[ "$(head -c 2 wide.html | od -An -tx1 | tr -d ' ')" = fffe ]
	run_split dm-scan --extract dos.html mac.html wide.html
	assert_success
	assert_stderr ''
	[ "$(jq -c .text <<<"$output")" = "$(printf '%s\n' '"one\n  two\n\nthree\nx y\na\rb"' '"one\n  two\n\nthree"' '"one\n  two\n\nthree\nx y\na\rb"')" ]
}

@test "HTML: the newline just after <pre> is dropped, as HTML does; a second one is a blank line" {
	printf '<p>a</p><pre>\nfoo\n</pre><p>b</p><pre>\n\nbar</pre><pre><b>x</b>\ny</pre><pre>\n</pre><p>c</p>' >lead.html
	# as a page saved on Windows too
	sed 's/$/\r/' lead.html >dos.html
	run_split dm-scan --extract lead.html dos.html
	assert_success
	assert_stderr ''
	[ "$(jq -c .text <<<"$output")" = "$(printf '%s\n' '"a\nfoo\nb\n\nbar\nx\ny\nc"' '"a\nfoo\nb\n\nbar\nx\ny\nc"')" ]
}

@test "HTML: a NUL byte between elements does not end the text; UTF-16 keeps its NULs" {
	printf '<p>one</p>\0<p>two</p><p>thr\0ee</p>' >nul.html
	printf '\xff\xfe<\0p\0>\0h\0i\0<\0/\0p\0>\0<\0p\0>\0t\0w\0o\0<\0/\0p\0>\0' >wide.html
	run_split dm-scan --extract nul.html wide.html
	assert_success
	assert_stderr ''
	[ "$(jq -c .text <<<"$output")" = "$(printf '%s\n' '"one\ntwo\nthree"' '"hi\ntwo"')" ]
}

@test "HTML: UTF-16 and UTF-32 without a byte order mark are read, where they gave no sample and no word" {
	printf '<html><body><p>Hello w\303\266rld \342\202\254</p></body></html>\n' >src.html
	for e in UTF-16LE UTF-16BE UTF-32LE UTF-32BE; do
		iconv -f UTF-8 -t "$e" src.html >"$e.html"
	done
	run_split dm-scan --extract UTF-16LE.html UTF-16BE.html UTF-32LE.html UTF-32BE.html
	assert_success
	assert_stderr ''
	[ "$(jq -c '[.path, .text]' <<<"$output")" = "$(printf '%s\n' \
	    '["UTF-16LE.html","Hello wörld €"]' '["UTF-16BE.html","Hello wörld €"]' \
	    '["UTF-32LE.html","Hello wörld €"]' '["UTF-32BE.html","Hello wörld €"]')" ]
}

@test "a document without text is counted in the summary and the report, where it was left out without a word" {
	printf '<html><body><p>Hi</p></body></html>' >a.html
	printf '<html><head><title>T</title></head><body> </body></html>' >b.html
	run_split dm-scan --extract --report r.jsonl a.html b.html
	assert_success
	assert_stderr 'dm-scan: 1 file read, 1 document without text'
	assert_output '{"path":"a.html","id":"'"$(jq -r .id <<<"$output")"'","size":35,"mtime":"'"$(jq -r .mtime <<<"$output")"'","type":"html","extractor":"'"$(jq -r .extractor <<<"$output")"'","encoding":"utf-8","text":"Hi"}'
	run jq -c '[.in, .out, .dropped]' r.jsonl
	assert_output '[2,1,{"no text":1}]'
}

@test "EPUB: chapters in spine order, not manifest order, hrefs relative to the OPF and %-encoded; one missing is said, status 1" {
	mkdir -p e/META-INF e/OEBPS/text
	printf 'application/epub+zip' >e/mimetype
	cat >e/META-INF/container.xml <<'XML'
<?xml version="1.0"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles><rootfile full-path="OEBPS/book.opf" media-type="application/oebps-package+xml"/></rootfiles></container>
XML
	cat >e/OEBPS/book.opf <<'XML'
<?xml version="1.0"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Book</dc:title><dc:creator>Au Thor</dc:creator></metadata>
<manifest><item id="c1" href="text/one.xhtml" media-type="application/xhtml+xml"/><item id="c2" href="text/two%20b.xhtml" media-type="application/xhtml+xml"/><item id="c3" href="missing.xhtml" media-type="application/xhtml+xml"/></manifest>
<spine><itemref idref="c2"/><itemref idref="c3"/><itemref idref="c4"/><itemref idref="c1"/></spine></package>
XML
	printf '<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><head><title>x</title></head><body><h1>One</h1><p>first<br/>line</p></body></html>' >e/OEBPS/text/one.xhtml
	printf '<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body><p>Two</p></body></html>' >"e/OEBPS/text/two b.xhtml"
	(cd e && zip -qX0 "$TMP/b.epub" mimetype && zip -qrX "$TMP/b.epub" META-INF OEBPS)
	# the chapters that are there are read; the one whose member is
	# missing, and the one the manifest does not know, are said, with the
	# book's name, and make the status 1, as a damaged member does
	run_split fields b.epub
	assert_success
	assert_stderr <<EOF
dm-scan: b.epub: chapter 'OEBPS/missing.xhtml' of the spine is missing, left out
dm-scan: b.epub: chapter 'c4' of the spine is not in the manifest, left out
dm-scan: 1 file read, 2 errors
EOF
	assert_output '{"path":"b.epub","type":"epub","title":"Book","author":"Au Thor","extractor":"libxml2 '"$(xml2-config --version)"'","encoding":"utf-8","text":"Two\nOne\nfirst\nline"}'
	run_split dm-scan --extract b.epub
	assert_status 1
	# inside an archive, the member's path
	zip -qX in.zip b.epub
	run_split dm-scan --extract in.zip
	assert_status 1
	assert_stderr <<EOF
dm-scan: in.zip!/b.epub: chapter 'OEBPS/missing.xhtml' of the spine is missing, left out
dm-scan: in.zip!/b.epub: chapter 'c4' of the spine is not in the manifest, left out
dm-scan: 1 file read, 2 errors
EOF
	# the type from the stored mimetype member, whatever the name
	mv b.epub b.zip
	run_split dm-scan --extract b.zip
	assert_status 1
	[ "$(jq -r .type <<<"$output")" = epub ]
}

@test "CDATA sections are text in DOCX, ODT, an EPUB's chapters and XHTML, markup inside them included" {
	/usr/bin/python3 - <<'PY'
import zipfile
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
with zipfile.ZipFile('c.docx', 'w') as z:
    z.writestr('[Content_Types].xml', '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
    z.writestr('word/document.xml', '<?xml version="1.0"?><w:document %s><w:body><w:p><w:r><w:t>x <![CDATA[a <b> & c]]> y</w:t></w:r></w:p></w:body></w:document>' % W)
with zipfile.ZipFile('c.odt', 'w') as z:
    z.writestr('mimetype', 'application/vnd.oasis.opendocument.text')
    z.writestr('content.xml', '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text><text:p>o <![CDATA[d <e> & f]]> g</text:p></office:text></office:body></office:document-content>')
with zipfile.ZipFile('c.epub', 'w') as z:
    z.writestr('mimetype', 'application/epub+zip')
    z.writestr('META-INF/container.xml', '<container xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles><rootfile full-path="b.opf"/></rootfiles></container>')
    z.writestr('b.opf', '<package xmlns="http://www.idpf.org/2007/opf"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title><![CDATA[Book <1>]]></dc:title></metadata><manifest><item id="c" href="c.xhtml"/></manifest><spine><itemref idref="c"/></spine></package>')
    # no XML declaration: a chapter is XHTML all the same
    z.writestr('c.xhtml', '<html xmlns="http://www.w3.org/1999/xhtml"><body><p>p <![CDATA[q <r> & s]]> t</p><!-- <![CDATA[ a comment ]]> --><pre><![CDATA[if (a < b)\n  c();]]></pre><script>//<![CDATA[\ndocument.write("</p>x");\n//]]></script></body></html>')
PY
	printf '<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><body><p>u <![CDATA[v <w>]]>x</p></body></html>' >page.xhtml
	run_split dm-scan --extract c.docx c.odt c.epub page.xhtml
	assert_success
	assert_stderr ''
	[ "$(jq -c '[.title, .text]' <<<"$output")" = "$(printf '%s\n' '[null,"x a <b> & c y"]' '[null,"o d <e> & f g"]' '["Book <1>","p q <r> & s t\nif (a < b)\n  c();"]' '[null,"u v <w>x"]')" ]
}

@test "ODT: text:s, text:tab, text:line-break, notes left out, meta.xml's title and initial creator" {
	mkdir -p o/META-INF
	printf 'application/vnd.oasis.opendocument.text' >o/mimetype
	cat >o/content.xml <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"><office:body><office:text>
<text:h text:outline-level="1">Heading</text:h>
<text:p>a<text:s text:c="3"/>b<text:tab/>c<text:line-break/>d<text:note text:note-class="footnote"><text:note-citation>1</text:note-citation><text:note-body><text:p>note</text:p></text:note-body></text:note> e</text:p>
<text:list><text:list-item><text:p>li</text:p></text:list-item></text:list>
<table:table><table:table-row><table:table-cell><text:p>c1</text:p></table:table-cell><table:table-cell><text:p>c2</text:p></table:table-cell></table:table-row></table:table>
</office:text></office:body></office:document-content>
XML
	cat >o/meta.xml <<'XML'
<?xml version="1.0"?>
<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><office:meta><dc:title>OT</dc:title><meta:initial-creator>Ini</meta:initial-creator></office:meta></office:document-meta>
XML
	printf '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>' >o/META-INF/manifest.xml
	(cd o && zip -qX0 "$TMP/o.odt" mimetype && zip -qrX "$TMP/o.odt" content.xml meta.xml META-INF)
	run fields o.odt
	assert_success
	assert_output '{"path":"o.odt","type":"odt","title":"OT","author":"Ini","extractor":"libxml2 '"$(xml2-config --version)"'","encoding":"utf-8","text":"Heading\na   b\tc\nd e\nli\nc1\nc2"}'
}

# hostile DIR NAME XML: a DOCX whose word/document.xml is XML.
hostile() {
	mkdir -p "$1/word"
	printf '%s' "$3" >"$1/word/document.xml"
	zipdir "$1" "$2"
}

@test "hostile documents are reported, counted and skipped, in bounded time and memory" {
	mkdir -p bomb/word
	head -c 300000000 /dev/zero >bomb/word/document.xml
	zipdir bomb bomb.docx
	rm -r bomb
	hostile deep deep.docx "<w:document $W><w:body>$(printf '%.0s<w:p>' $(seq 5000))x</w:body></w:document>"
	lol='<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;"><!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;"><!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;"><!ENTITY i "&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;">]>'
	hostile lol lol.docx "$lol<w:document $W><w:body><w:p><w:r><w:t>x&i;y</w:t></w:r></w:p></w:body></w:document>"
	hostile xxe xxe.docx "<!DOCTYPE d [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><w:document $W><w:body><w:p><w:r><w:t>a&x;b</w:t></w:r></w:p></w:body></w:document>"
	hostile bad bad.docx "<w:document $W><w:body><w:p></w:body>"
	mkdir -p nodoc/word && printf '<x/>' >nodoc/word/styles.xml && zipdir nodoc nodoc.docx
	cp "$BATS_FILE_TMPDIR/doc.docx" full.docx
	head -c 3000 full.docx >cut.docx
	printf '\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 encrypted package' >enc.docx
	run_split bash -c "$(mem_limit 1000000)"'; exec timeout 60 dm-scan --extract bomb.docx deep.docx lol.docx xxe.docx bad.docx nodoc.docx cut.docx enc.docx'
	assert_success
	assert_stderr <<'ERR'
dm-scan: bomb.docx: damaged (member 'word/document.xml' is larger than 67108864 bytes), skipped
dm-scan: deep.docx: damaged (word/document.xml: elements nested too deep, line 1), skipped
dm-scan: lol.docx: damaged (word/document.xml: detected an entity reference loop, line 1), skipped
dm-scan: bad.docx: damaged (word/document.xml: opening and ending tag mismatch: p line 1 and body, line 1), skipped
dm-scan: nodoc.docx: damaged (no word/document.xml), skipped
dm-scan: cut.docx: damaged (a zip cut short, or not a zip), skipped
dm-scan: enc.docx: encrypted (or an OLE compound file), skipped
dm-scan: 1 file read, 7 documents skipped
ERR
	# an external entity is never read
	[ "$(jq -r .text <<<"$output")" = ab ]
}

@test "an encrypted ODT is reported as such; --max-size bounds a document" {
	mkdir -p o/META-INF
	printf 'application/vnd.oasis.opendocument.text' >o/mimetype
	printf '\x01\x02binary' >o/content.xml
	printf '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="content.xml"><manifest:encryption-data/></manifest:file-entry></manifest:manifest>' >o/META-INF/manifest.xml
	(cd o && zip -qX0 "$TMP/e.odt" mimetype && zip -qrX "$TMP/e.odt" content.xml META-INF)
	cp "$BATS_FILE_TMPDIR/doc.docx" .
	printf 'small\n' >s.txt
	run_split dm-scan --extract --max-size 5k e.odt doc.docx s.txt
	assert_success
	[ "$(jq -r .text <<<"$output")" = small ]
	assert_stderr <<'ERR'
dm-scan: e.odt: encrypted, skipped
dm-scan: doc.docx: larger than --max-size, skipped
dm-scan: 1 file read, 1 file too large, 1 document skipped
ERR
}

@test "--doc-timeout bounds the time of one document; 0 lifts it" {
	# 20000 paragraphs: parsing and walking them takes far more than 1 ms
	awk 'BEGIN { printf "<html><body>"; for (i = 0; i < 20000; i++)
	    printf "<p>paragraph %d of the text</p>", i; print "</body></html>" }' >big.html
	run_split dm-scan --extract --doc-timeout 1ms big.html
	assert_status 1
	assert_output ''
	assert_stderr <<'ERR'
dm-scan: big.html: time limit of 0.001 s passed, skipped
dm-scan: 0 files read, 1 document skipped
dm-scan: no sample read: 1 document not read
ERR
	run_split dm-scan --extract --doc-timeout 0 big.html
	assert_success
	[ "$(jq -r '.text | split("\n") | length' <<<"$output")" = 20000 ]
}

@test "--pdf-pages needs --extract; --doc-timeout takes a duration" {
	run_split dm-scan --pdf-pages .
	assert_status 2
	[ "${stderr%%$'\n'*}" = "dm-scan: --pdf-pages needs --extract" ]
	run_split dm-scan --extract --doc-timeout soon .
	assert_status 2
	[ "${stderr%%$'\n'*}" = "dm-scan: --doc-timeout: 'soon' is not a duration" ]
}

@test "--no-text does not go with --extract (nor --pdf-pages): dm-map load could not read the documents back" {
	cp "$BATS_FILE_TMPDIR/doc.html" page.html
	for opts in "--extract" "--extract --pdf-pages"; do
		run_split dm-scan --no-text $opts page.html
		assert_status 2
		assert_output ''
		assert_stderr "dm-scan: --no-text and --extract do not go together"$'\n'"$(usage_of dm-scan)"
	done
}

@test "PPTX made by pandoc: slides in order, a paragraph a line, a blank line between slides, slides and title" {
	cp "$BATS_FILE_TMPDIR/deck.pptx" .
	run fields deck.pptx
	assert_success
	v=$(xml2-config --version)
	assert_output "{\"path\":\"deck.pptx\",\"type\":\"pptx\",\"slides\":4,\"title\":\"Deck\",\"author\":\"Ada Lovelace\",\"extractor\":\"libxml2 $v\",\"encoding\":\"utf-8\",\"text\":$(printf 'Deck\nAda Lovelace\n\nOne\nHello world.\na\nb\n\nTwo\nN\nV\nx\n1\n\nEnd.' | jq -Rs .)}"
}

@test "PPTX: the order of the slide list, not of the members; a:br; a missing slide part is left out, and said" {
	mkdir -p d/ppt/slides
	slide d/ppt/slides/slide1.xml '<a:p><a:r><a:t>first member</a:t></a:r></a:p><a:p/><a:p><a:r><a:t xml:space="preserve">a </a:t></a:r><a:r><a:t>b</a:t></a:r><a:br/><a:r><a:t>c</a:t></a:r></a:p>'
	slide d/ppt/slides/slide2.xml '<a:p><a:br/><a:r><a:t>second member, shown first: ünï €</a:t></a:r></a:p><a:tbl><a:tr><a:tc><a:txBody><a:p><a:r><a:t>x1</a:t></a:r></a:p></a:txBody></a:tc><a:tc><a:txBody><a:p><a:r><a:t>y1</a:t></a:r></a:p></a:txBody></a:tc></a:tr></a:tbl>'
	slide d/ppt/slides/slide3.xml '<a:p/>'
	rels d/ppt/_rels/presentation.xml.rels rId1=slides/slide1.xml rId2=/ppt/slides/slide2.xml rId3=slides/slide3.xml rId4=slides/gone.xml
	pptx d hand.pptx rId2 rId3 rId4 rId5 rId1
	# a slide whose part is missing, and one whose id the relationships
	# do not know, are said with the document's path, and make the
	# status 1, as an EPUB's missing chapter does; before, not a word
	run_split fields hand.pptx
	assert_stderr <<EOF
dm-scan: hand.pptx: slide 'ppt/slides/gone.xml' of the slide list is missing, left out
dm-scan: hand.pptx: slide 'rId5' of the slide list is not in its relationships, left out
dm-scan: 1 file read, 2 errors
EOF
	assert_output '{"path":"hand.pptx","type":"pptx","slides":3,"extractor":"libxml2 '"$(xml2-config --version)"'","encoding":"utf-8","text":"second member, shown first: ünï €\nx1\ny1\n\nfirst member\na b\nc"}'
	run_split dm-scan --extract hand.pptx
	assert_status 1
}

# xlsx DIR NAME: the workbook of DIR (sheets B then A), zipped.
xlsx() {
	local d=$1
	mkdir -p "$d/xl/_rels" "$d/xl/worksheets"
	printf '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>' >"$d/[Content_Types].xml"
	printf '<workbook %s %s><sheets><sheet name="B" sheetId="2" r:id="rId2"/><sheet name="A" sheetId="1" r:id="rId1"/></sheets></workbook>' "$S" "$R" >"$d/xl/workbook.xml"
	rels "$d/xl/_rels/workbook.xml.rels" rId1=worksheets/sheet1.xml rId2=/xl/worksheets/sheet2.xml
	(cd "$d" && zip -qX "$TMP/$2" '[Content_Types].xml' && zip -qrX "$TMP/$2" .)
}

@test "XLSX: sheets in workbook order, a row a line, cells by tabs at their columns, shared and inline strings, numbers as written" {
	mkdir -p x/xl/worksheets x/docProps
	cat >x/xl/sharedStrings.xml <<XML
<sst $S><si><t>Name</t></si><si><r><t>Va</t></r><r><t>lue</t></r><rPh><t>phonetic</t></rPh></si><si/><si><t xml:space="preserve">two
lines	tab</t></si></sst>
XML
	printf '<worksheet %s><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>x</t></is></c><c r="C2"><v>3.50</v></c><c r="D2" t="b"><v>1</v></c><c r="E2" s="1"/></row><row r="4"><c r="B4"><f>A1+1</f><v>0.30000000000000004</v></c><c r="C4" t="s"><v>3</v></c><c r="D4" t="e"><v>#DIV/0!</v></c></row><row r="5"><c r="A5" t="s"><v>2</v></c></row></sheetData></worksheet>' "$S" >x/xl/worksheets/sheet1.xml
	printf '<worksheet %s><sheetData><row><c><v>1</v></c><c><v>-2e-3</v></c></row></sheetData></worksheet>' "$S" >x/xl/worksheets/sheet2.xml
	printf '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Book</dc:title></cp:coreProperties>' >x/docProps/core.xml
	xlsx x book.xlsx
	run fields book.xlsx
	assert_success
	assert_output '{"path":"book.xlsx","type":"xlsx","sheets":2,"title":"Book","extractor":"libxml2 '"$(xml2-config --version)"'","encoding":"utf-8","text":"1\t-2e-3\n\nName\tValue\nx\t\t3.50\t1\n\t0.30000000000000004\ttwo lines tab\t#DIV/0!"}'
	# found by its content too, whatever its name
	cp book.xlsx book.bin
	[ "$(dm-scan --extract book.bin | jq -r .type)" = xlsx ]
	# a sheet whose part is missing is left out, and said
	rm x/xl/worksheets/sheet2.xml
	xlsx x part.xlsx
	run_split fields part.xlsx
	assert_stderr <<EOF
dm-scan: part.xlsx: sheet 'xl/worksheets/sheet2.xml' of the workbook is missing, left out
dm-scan: 1 file read, 1 error
EOF
	assert_output '{"path":"part.xlsx","type":"xlsx","sheets":1,"title":"Book","extractor":"libxml2 '"$(xml2-config --version)"'","encoding":"utf-8","text":"Name\tValue\nx\t\t3.50\t1\n\t0.30000000000000004\ttwo lines tab\t#DIV/0!"}'
	run_split dm-scan --extract part.xlsx
	assert_status 1
}

@test "hostile PPTX and XLSX: a zip bomb slide, a missing main part, a shared string out of range" {
	mkdir -p bomb/ppt/slides
	head -c 70000000 /dev/zero >bomb/ppt/slides/slide1.xml
	rels bomb/ppt/_rels/presentation.xml.rels rId1=slides/slide1.xml
	pptx bomb bomb.pptx rId1
	rm -r bomb
	mkdir -p nopres/ppt && printf '<x/>' >nopres/ppt/other.xml
	printf '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/ppt/presentation.xml" ContentType="x"/></Types>' >'nopres/[Content_Types].xml'
	(cd nopres && zip -qX "$TMP/nopres.pptx" '[Content_Types].xml' ppt/other.xml)
	mkdir -p oor/xl/worksheets
	printf '<sst %s><si><t>only</t></si></sst>' "$S" >oor/xl/sharedStrings.xml
	printf '<worksheet %s><sheetData><row><c t="s"><v>0</v></c><c t="s"><v>7</v></c></row></sheetData></worksheet>' "$S" >oor/xl/worksheets/sheet1.xml
	printf '<worksheet %s><sheetData><row><c><v>1</v></c></row></sheetData></worksheet>' "$S" >oor/xl/worksheets/sheet2.xml
	xlsx oor oor.xlsx
	mkdir -p nosst/xl/worksheets
	printf '<worksheet %s><sheetData><row><c t="s"><v>0</v></c></row></sheetData></worksheet>' "$S" >nosst/xl/worksheets/sheet1.xml
	xlsx nosst nosst.xlsx
	mkdir -p bad/xl/worksheets
	printf '<worksheet %s><sheetData><row><c t="s"><v>-1</v></c></row></sheetData></worksheet>' "$S" >bad/xl/worksheets/sheet1.xml
	printf '<sst %s><si><t>only</t></si></sst>' "$S" >bad/xl/sharedStrings.xml
	xlsx bad bad.xlsx
	# (nosst.xlsx and bad.xlsx have no sheet2.xml: a part left out is
	# said only of a document that is read, not of one that fails)
	run_split bash -c "$(mem_limit 1000000)"'; exec timeout 60 dm-scan --extract bomb.pptx nopres.pptx oor.xlsx nosst.xlsx bad.xlsx'
	assert_status 1
	assert_output ''
	assert_stderr <<'ERR'
dm-scan: bomb.pptx: damaged (member 'ppt/slides/slide1.xml' is larger than 67108864 bytes), skipped
dm-scan: nopres.pptx: damaged (no ppt/presentation.xml), skipped
dm-scan: oor.xlsx: damaged (xl/worksheets/sheet1.xml: shared string '7' out of range), skipped
dm-scan: nosst.xlsx: damaged (xl/worksheets/sheet1.xml: shared string '0' out of range), skipped
dm-scan: bad.xlsx: damaged (xl/worksheets/sheet1.xml: shared string '-1' out of range), skipped
dm-scan: 0 files read, 5 documents skipped
dm-scan: no sample read: 5 documents not read
ERR
}
