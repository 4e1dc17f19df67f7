#!/usr/bin/env bats
# dm-scan-pdf.bats - dm-scan --extract on PDF: documents made here by groff,
# pandoc and ghostscript, compared with pdftotext; encrypted (qpdf),
# damaged, image-only and endless ones reported and skipped

load helper

# The text of report.pdf, as dm-scan gives it.
REPORT='A Short Report
Ada Lovelace
1. Introduction
The analytical engine weaves algebraical patterns just as the Jacquard loom weaves flowers and leaves. This paragraph is long enough to wrap over several lines of the page so that joining can be checked, and extraordinarily incomprehensible words encourage hyphenation.
A second paragraph follows the first one.

Page two has its own text.'

setup_file() {
	local d=$BATS_FILE_TMPDIR
	# a narrow page, so that groff breaks and hyphenates words; no
	# page numbers in the header
	cat >"$d/report.ms" <<'MS'
.nr LL 2.5i
.ds CH
.pdfinfo /Title A Short Report
.pdfinfo /Author Ada Lovelace
.TL
A Short Report
.AU
Ada Lovelace
.NH
Introduction
.PP
The analytical engine weaves algebraical patterns just as the Jacquard loom weaves flowers and leaves. This paragraph is long enough to wrap over several lines of the page so that joining can be checked, and extraordinarily incomprehensible words encourage hyphenation.
.PP
A second paragraph follows the first one.
.bp
.PP
Page two has its own text.
MS
	groff -ms -mpdf -Tpdf "$d/report.ms" >"$d/report.pdf" || return 1
	# three pages, the second without text
	cat >"$d/pages.ms" <<'MS'
.ds CH
.LP
First page, first paragraph.
.LP
First page, second paragraph.
.bp
\&
.bp
.LP
Third page, one paragraph only.
MS
	groff -ms -Tpdf "$d/pages.ms" >"$d/pages.pdf" || return 1
}

# fields FILE...: dm-scan --extract's samples without id, size and mtime.
fields() {
	dm-scan --extract "$@" | dm-map 'drop fields=id,size,mtime'
}

# The poppler that pdftotext runs, which dm-scan links too.
poppler_version() {
	pdftotext -v 2>&1 | sed -n 's/^pdftotext version //p'
}

@test "a PDF made by groff becomes its text: paragraphs joined, hyphens at line ends gone, pages apart" {
	cp "$BATS_FILE_TMPDIR/report.pdf" .
	# groff did break and hyphenate the lines
	pdftotext -layout report.pdf - | grep -q 'ex-$'
	run_split dm-scan --extract report.pdf
	assert_success
	assert_stderr ''
	[ "$(jq -r .text <<<"$output")" = "$REPORT" ]
	run_split fields report.pdf
	assert_output "{\"path\":\"report.pdf\",\"type\":\"pdf\",\"pages\":2,\"title\":\"A Short Report\",\"author\":\"Ada Lovelace\",\"extractor\":\"poppler $(poppler_version)\",\"encoding\":\"utf-8\",\"text\":$(jq -Rs . <<<"$REPORT" | sed 's/\\n"$/"/')}"
}

@test "its words are pdftotext's, which also joins hyphenated words again" {
	cp "$BATS_FILE_TMPDIR/report.pdf" .
	want=$(pdftotext report.pdf - | tr -s ' \n\f' '  ')
	got=$(dm-scan --extract report.pdf | jq -r .text | tr -s ' \n' '  ')
	[ -n "$want" ]
	[ "$got" = "$want" ]
}

@test "where every paragraph is one line, the text is pdftotext's without its form feeds" {
	cp "$BATS_FILE_TMPDIR/pages.pdf" .
	want=$(pdftotext pages.pdf - | tr -d '\f' | cat -s)
	run dm-scan --extract pages.pdf
	assert_success
	[ "$(jq -r .text <<<"$output")" = "$want" ]
	[ "$want" = "First page, first paragraph.
First page, second paragraph.

Third page, one paragraph only." ]
}

@test "--pdf-pages gives one sample a page with its number; a page without text gives none" {
	cp "$BATS_FILE_TMPDIR/pages.pdf" .
	run_split sh -c 'dm-scan --extract --pdf-pages pages.pdf | jq -c "[.page, .pages, .text]"'
	assert_success
	assert_stderr ''
	assert_output '[1,3,"First page, first paragraph.\nFirst page, second paragraph."]
[3,3,"Third page, one paragraph only."]'
	# each page of report.pdf is pdftotext's page, words for words
	cp "$BATS_FILE_TMPDIR/report.pdf" .
	for p in 1 2; do
		want=$(pdftotext -f $p -l $p report.pdf - | tr -s ' \n\f' '  ')
		got=$(dm-scan --extract --pdf-pages report.pdf |
		    jq -r "select(.page == $p) | .text" | tr -s ' \n' '  ')
		[ "$got" = "$want" ]
	done
}

@test "a PDF of many pages is one file read in the summary and in --report's in, with --pdf-pages too" {
	cp "$BATS_FILE_TMPDIR/pages.pdf" .
	printf 'a\000b' >bin.dat
	for opt in --extract --pdf-pages; do
		run_split dm-scan --extract $opt --report rep.jsonl pages.pdf bin.dat
		assert_success
		assert_stderr 'dm-scan: 1 file read, 1 binary file skipped'
	done
	[ "$(jq -c '[.in, .out]' rep.jsonl)" = '[2,1]
[2,2]' ]
}

@test "a PDF made by pandoc through groff: headings, list items and paragraphs on lines of their own" {
	printf -- '---\ntitle: The Report\nauthor: Ada Lovelace\n---\n\n# Introduction\n\nFirst paragraph with *emphasis* and a [link](http://example.com).\n\n- item one\n- item two\n\nLast line.\n' >doc.md
	pandoc -s doc.md -t ms -o doc.pdf
	run_split sh -c 'dm-scan --extract doc.pdf | jq -c "[.title, .author, .pages, .text]"'
	assert_success
	assert_stderr ''
	assert_output '["The Report","Ada Lovelace",1,"The Report\nAda Lovelace\nIntroduction\nFirst paragraph with emphasis and a link.\n• item one\n• item two\nLast line.\n1"]'
}

@test "a PDF inside a zip inside a tar is extracted, with the member path" {
	cp "$BATS_FILE_TMPDIR/pages.pdf" .
	zip -q inner.zip pages.pdf
	tar cf outer.tar inner.zip
	run_split sh -c 'dm-scan --extract outer.tar | jq -c "[.path, .type, .pages]"'
	assert_success
	assert_output '["outer.tar!/inner.zip!/pages.pdf","pdf",3]'
}

@test "an encrypted PDF is reported and skipped; one with only an owner password is read" {
	cp "$BATS_FILE_TMPDIR/report.pdf" .
	qpdf --encrypt secret owner 256 -- report.pdf locked.pdf
	qpdf --encrypt '' owner 256 -- report.pdf open.pdf
	run_split dm-scan --extract locked.pdf open.pdf
	assert_success
	assert_stderr 'dm-scan: locked.pdf: encrypted, skipped
dm-scan: 1 file read, 1 document skipped'
	[ "$(jq -r .path <<<"$output")" = open.pdf ]
	[ "$(jq -r .text <<<"$output")" = "$REPORT" ]
}

@test "damaged PDFs are reported with poppler's complaint, and skipped" {
	cp "$BATS_FILE_TMPDIR/report.pdf" .
	printf '%%PDF-1.4\n%s\n' 'nothing of a PDF follows' >garbage.pdf
	# every object and the cross-reference table made unreadable
	sed 's/ obj/ jbo/; s/^xref/xerf/; s/^trailer/reliart/' report.pdf >mangled.pdf
	head -c 600 report.pdf >truncated.pdf
	run_split dm-scan --extract garbage.pdf mangled.pdf truncated.pdf
	assert_status 1
	assert_output ''
	assert_stderr "dm-scan: garbage.pdf: damaged (couldn't read xref table), skipped
dm-scan: mangled.pdf: damaged (couldn't read xref table), skipped
dm-scan: truncated.pdf: damaged (couldn't read xref table), skipped
dm-scan: 0 files read, 3 documents skipped
dm-scan: no sample read: 3 documents not read"
}

@test "a PDF with an image and no text is reported as image-only, and skipped" {
	# an 8x8 grey checkerboard drawn by the PostScript image operator
	printf '%%!PS\n100 100 translate 200 200 scale\n8 8 8 [8 0 0 8 0 0] {<%s>} image\nshowpage\n' \
	    "$(printf '00ff00ff00ff00ffff00ff00ff00ff00%.0s' 1 2 3 4)" >image.ps
	ps2pdf image.ps image.pdf
	pdfimages -list image.pdf | grep -q ' image '
	run_split dm-scan --extract image.pdf
	assert_status 1
	assert_output ''
	assert_stderr 'dm-scan: image.pdf: no text (image-only?), skipped
dm-scan: 0 files read, 1 document skipped
dm-scan: no sample read: 1 document not read'
}

# bomb DEPTH: a one-page PDF whose page draws a form that draws the form
# below it ten times, DEPTH deep: 10^DEPTH strokes, a few hundred bytes.
bomb() {
	local d=$1 i
	printf '%%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n'
	printf '2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n'
	printf '3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Resources << /XObject << /X %d 0 R >> >> /Contents 4 0 R >> endobj\n' $((10 + d))
	printf '4 0 obj << /Length 5 >> stream\n/X Do\nendstream endobj\n'
	printf '10 0 obj << /Type /XObject /Subtype /Form /BBox [0 0 200 200] /Length 13 >> stream\n0 0 m 1 1 l S\nendstream endobj\n'
	for ((i = 1; i <= d; i++)); do
		printf '%d 0 obj << /Type /XObject /Subtype /Form /BBox [0 0 200 200] /Resources << /XObject << /X %d 0 R >> >> /Length 59 >> stream\n/X Do /X Do /X Do /X Do /X Do /X Do /X Do /X Do /X Do /X Do\nendstream endobj\n' $((10 + i)) $((9 + i))
	done
	printf 'trailer << /Root 1 0 R >>\n%%%%EOF\n'
}

@test "a PDF that keeps poppler busy is stopped at --doc-timeout, and the scan goes on" {
	cp "$BATS_FILE_TMPDIR/pages.pdf" .
	bomb 9 >raw.pdf
	# qpdf writes the cross-reference table the hand-made file lacks
	qpdf --warning-exit-0 raw.pdf busy.pdf
	rm raw.pdf
	run_split timeout 60 dm-scan --extract --doc-timeout 1 busy.pdf pages.pdf
	assert_success
	assert_stderr 'dm-scan: busy.pdf: time limit of 1 s passed, skipped
dm-scan: 1 file read, 1 document skipped'
	[ "$(jq -r .path <<<"$output")" = pages.pdf ]
}

@test "a PDF whose text is larger than --max-size is reported and skipped" {
	# ghostscript compresses 20 pages of 60 lines into a small file
	printf '%%!PS\n/Times-Roman findfont 10 scalefont setfont\n1 1 20 { pop 1 1 60 { 12 mul 72 exch moveto (%s) show } for showpage } for\n' \
	    'All work and no play makes a dull text, over and over again.' >long.ps
	ps2pdf long.ps long.pdf
	[ "$(stat -c %s long.pdf)" -lt 60000 ]
	run_split dm-scan --extract --max-size 60000 long.pdf
	assert_status 1
	assert_output ''
	assert_stderr 'dm-scan: long.pdf: more than 60000 bytes of text, skipped
dm-scan: 0 files read, 1 document skipped
dm-scan: no sample read: 1 document not read'
}
