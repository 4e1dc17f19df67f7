#!/usr/bin/env bats
# shims.bats - the C++ libraries are loaded only by the operators that use
# them, from dm-langid.so, dm-spm.so and dm-opencc.so next to the tools;
# libarchive and libxml2 only for compressed input, archives, documents and
# HTML blocks, from dm-archive.so; poppler only for PDF, from dm-pdf.so

load helper

# no_tool_links ERE WHAT: no tool has a NEEDED entry matching ERE
no_tool_links() {
	local t
	for t in dm dm-filter dm-map dm-slice dm-stats dm-run dm-dedup dm-recipe dm-llm dm-scan; do
		run readelf -d "$DM_BINDIR/$t"
		assert_success
		if grep -E "NEEDED.*($1)" <<<"$output"; then
			echo "$t links $2" >&2
			return 1
		fi
	done
}

# shim_abi: the build the shims of DM_BINDIR are of (src/shim.h), read
# from dm-langid.so's file (loading it would need ASan's runtime first,
# under check-asan): dm_shim_abi's address in .rodata, made an offset
shim_abi() {
	local so=$DM_BINDIR/dm-langid.so sym sec
	sym=$(nm -D --defined-only "$so" | awk '$3 == "dm_shim_abi" { print $1 }')
	sec=$(readelf -S -W "$so" |
	    awk '{ for (i = 1; i < NF; i++) if ($i == ".rodata") print $(i + 2), $(i + 3) }')
	set -- $sec
	dd if="$so" bs=1 skip=$((0x$sym - 0x$1 + 0x$2)) count=64 status=none |
	    tr '\0' '\n' | head -n 1
}

@test "no tool links libfasttext, libcld2, libsentencepiece or libstdc++ itself" {
	no_tool_links 'fasttext|cld2|sentencepiece|stdc\+\+' 'a C++ library'
	run readelf -d "$DM_BINDIR/dm-langid.so"
	[[ $output == *'[libfasttext.so.0]'* && $output == *'[libcld2.so.0]'* ]]
	run readelf -d "$DM_BINDIR/dm-spm.so"
	[[ $output == *'[libsentencepiece.so.0]'* ]]
}

@test "no tool links libopencc: dm-opencc.so does, exporting its table and build alone" {
	no_tool_links 'opencc' 'libopencc'
	run readelf -d "$DM_BINDIR/dm-opencc.so"
	[[ $output == *'[libopencc.so.1.1]'* ]]
	# nothing of the tools is called from it
	run sh -c "nm -D --undefined-only '$DM_BINDIR/dm-opencc.so' | grep -c ' dm_'"
	assert_output 0
	run sh -c "nm -D --defined-only '$DM_BINDIR/dm-opencc.so' | awk '\$3 ~ /^dm_/ { print \$3 }'"
	assert_output $'dm_opencc_shim\ndm_shim_abi'
}

@test "no tool links libarchive, libxml2 or poppler itself: dm-archive.so and dm-pdf.so do" {
	no_tool_links 'libarchive|libxml2|libicu|poppler|glib' \
	    'libarchive, libxml2 or poppler'
	run readelf -d "$DM_BINDIR/dm-archive.so"
	[[ $output == *'[libarchive.so.13]'* && $output == *'[libxml2.so.2]'* ]]
	# it exports its table and build alone (ASan adds its own __odr_asan.
	# markers)
	run sh -c "nm -D --defined-only '$DM_BINDIR/dm-archive.so' |
	    awk '\$3 !~ /^__odr_asan[.]/ { print \$3 }'"
	assert_output $'dm_archive_shim\ndm_shim_abi'
	run readelf -d "$DM_BINDIR/dm-pdf.so"
	[[ $output == *'[libpoppler-glib.so.8]'* ]]
	run sh -c "nm -D --defined-only '$DM_BINDIR/dm-pdf.so' |
	    awk '\$3 !~ /^__odr_asan[.]/ { print \$3 }'"
	assert_output $'dm_pdf_shim\ndm_shim_abi'
}

# shim_callbacks SHIM FUNCTION: the number of tools that define FUNCTION
# (so can load SHIM), each checked to define what SHIM leaves undefined
shim_callbacks() {
	local need have t s n=0
	need=$(nm -D --undefined-only "$DM_BINDIR/$1" | awk '$2 ~ /^dm_/ { print $2 }')
	[ "$(wc -l <<<"$need")" -gt 5 ] || return 1
	for t in dm dm-filter dm-map dm-slice dm-stats dm-run dm-dedup dm-recipe dm-llm dm-scan; do
		have=$(nm -D --defined-only "$DM_BINDIR/$t" | awk '{ print $3 }')
		grep -qx "$2" <<<"$have" || continue
		n=$((n + 1))
		for s in $need; do
			grep -qx "$s" <<<"$have" || { echo "$t lacks $s" >&2; return 1; }
		done
	done
	echo $n
}

@test "every tool that can load dm-archive.so or dm-pdf.so has what the shim calls in it" {
	# the shims' undefined dm_ names, kept in the tools by archive-load.c
	# and pdf-load.c
	run shim_callbacks dm-archive.so dm_archive_new
	assert_success
	[ "$output" -ge 6 ]	# dm-map, dm-filter, dm-scan, dm-run, ... read .gz
	run shim_callbacks dm-pdf.so dm_extract_pdf
	assert_success
	assert_output 1		# dm-scan
}

@test "dm-archive.so loads on first use: compressed input, archives, documents, clean-html blocks" {
	printf '{"text":"hello"}\n' | gzip > a.jsonl.gz
	run dm-map upper a.jsonl.gz
	assert_success
	assert_output '{"text":"HELLO"}'
	mkdir d && printf 'hi\n' > d/x.txt && touch -d 2020-01-01T00:00:00Z d/x.txt && tar cf d.tar d
	run dm-scan d.tar
	assert_success
	assert_output '{"path":"d.tar!/d/x.txt","id":"39f7931fc9caddd8","size":3,"mtime":"2020-01-01T00:00:00Z","type":"txt","encoding":"utf-8","text":"hi\n"}'
	printf '<p>one</p><p>two</p>\n' > p.html
	run dm-scan --extract p.html
	assert_success
	[[ $output == *'"text":"one\ntwo"}' ]]
	run dm-map 'clean-html blocks=true' <<<'{"text":"<p>a</p><p>b</p>"}'
	assert_success
	assert_output '{"text":"a\nb"}'
}

@test "a missing dm-archive.so is an error of the input that needs it; plain JSONL never loads it" {
	[ ! -e /usr/local/lib/dm/dm-archive.so ] || skip "dm is installed in /usr/local"
	mkdir -p lone/bin
	cp "$DM_BINDIR/dm-map" "$DM_BINDIR/dm-filter" "$DM_BINDIR/dm-scan" lone/bin/
	printf '{"text":"hello"}\n' > a.jsonl
	gzip -k a.jsonl
	miss="'dm-archive.so' is not installed (next to the tools, nor in '/usr/local/lib/dm')"
	run_split lone/bin/dm-map upper a.jsonl.gz a.jsonl
	assert_status 2
	assert_output '{"text":"HELLO"}'
	assert_stderr "dm-map: a.jsonl.gz: cannot read compressed input: $miss"
	mkdir d && printf 'hi\n' > d/x.txt && touch -d 2020-01-01T00:00:00Z d/x.txt && tar cf d.tar d
	run_split lone/bin/dm-scan d.tar
	assert_status 1
	assert_output ''
	assert_stderr "dm-scan: d.tar: cannot read archives: $miss
dm-scan: 0 files read, 1 error"
	printf '<p>one</p>\n' > p.html
	run_split lone/bin/dm-scan --extract p.html
	assert_status 1
	assert_output ''
	[ "${stderr%%$'\n'*}" = "dm-scan: p.html: cannot read documents: $miss, skipped" ]
	printf '%%PDF-1.4\n' > p.pdf
	run_split lone/bin/dm-scan --extract p.pdf
	assert_status 1
	assert_output ''
	[ "${stderr%%$'\n'*}" = "dm-scan: p.pdf: cannot read PDF: 'dm-pdf.so' is not installed (next to the tools, nor in '/usr/local/lib/dm'), skipped" ]
	run_split lone/bin/dm-map 'clean-html blocks=true' <<<'{"text":"<p>a</p>"}'
	assert_status 2
	assert_output ''
	assert_stderr "dm-map: script:1:1: clean-html: blocks=true: $miss"
	# plain JSONL, plain files, and clean-html without blocks need none
	run lone/bin/dm-filter 'len > 1' a.jsonl
	assert_success
	assert_output '{"text":"hello"}'
	run lone/bin/dm-map clean-html <<<'{"text":"<p>a</p>"}'
	assert_success
	assert_output '{"text":"a"}'
	run_split lone/bin/dm-scan d
	assert_success
	assert_output '{"path":"d/x.txt","id":"6d24860eb5fe79bc","size":3,"mtime":"2020-01-01T00:00:00Z","type":"txt","encoding":"utf-8","text":"hi\n"}'
	assert_stderr ''
}

@test "dm-langid.so loads on first use: langid and lang work (tokens.bats: dm-spm.so)" {
	run dm-map langid <<<'{"text":"the quick brown fox jumps over the lazy dog"}'
	assert_success
	assert_output '{"text":"the quick brown fox jumps over the lazy dog","meta":{"lang":"en","lang_score":0.97}}'
	run dm-filter 'lang == "en"' <<<'{"text":"the quick brown fox jumps over the lazy dog"}'
	assert_success
	assert_output '{"text":"the quick brown fox jumps over the lazy dog"}'
}

@test "a missing shim is an error naming the operator" {
	# a copy of the tools where no shim is, nor in the compiled-in prefix
	[ ! -e /usr/local/lib/dm/dm-langid.so ] || skip "dm is installed in /usr/local"
	mkdir -p lone/bin
	cp "$DM_BINDIR/dm-map" "$DM_BINDIR/dm-filter" lone/bin/
	run_split lone/bin/dm-map langid <<<'{"text":"hello"}'
	assert_status 2
	assert_output ''
	assert_stderr "dm-map: script:1:1: langid: 'dm-langid.so' is not installed (next to the tools, nor in '/usr/local/lib/dm')"
	run_split lone/bin/dm-filter 'len > 1 && lang == "en"' <<<'{"text":"hello"}'
	assert_status 2
	[ "${stderr%%$'\n'*}" = "dm-filter: expression:1:12: lang: 'dm-langid.so' is not installed (next to the tools, nor in '/usr/local/lib/dm')" ]
	: > x.model
	run_split lone/bin/dm-map 'stats names=tokens:x.model' <<<'{"text":"hello"}'
	assert_status 2
	[ "${stderr%%$'\n'*}" = "dm-map: script:1:13: stats: tokenizer 'x.model': not JSON, and the shim that reads SentencePiece models is missing: 'dm-spm.so' is not installed (next to the tools, nor in '/usr/local/lib/dm')" ]
	# operators that need no shim still work there
	run lone/bin/dm-map upper <<<'{"text":"hello"}'
	assert_success
	assert_output '{"text":"HELLO"}'
}

@test "a shim that cannot be loaded is an error naming the file once, with the loader's reason" {
	mkdir -p lone/bin
	cp "$DM_BINDIR/dm-map" lone/bin/
	dir=$(pwd -P)/lone/bin
	echo 'not a shared object' >lone/bin/dm-langid.so
	run_split lone/bin/dm-map langid <<<'{"text":"hello"}'
	assert_status 2
	assert_output ''
	assert_stderr "dm-map: script:1:1: langid: cannot load '$dir/dm-langid.so': file too short"
	# one that needs a symbol nothing has
	printf 'extern int nosuch;\nint *p = &nosuch;\n' >u.c
	cc -shared -fPIC -o lone/bin/dm-langid.so u.c
	run_split lone/bin/dm-map langid <<<'{"text":"hello"}'
	assert_status 2
	assert_stderr "dm-map: script:1:1: langid: cannot load '$dir/dm-langid.so': undefined symbol: nosuch"
	# one of this build without the table
	printf 'const char dm_shim_abi[] = "%s";\nint x;\n' "$(shim_abi)" >t.c
	cc -shared -fPIC -o lone/bin/dm-langid.so t.c
	run_split lone/bin/dm-map langid <<<'{"text":"hello"}'
	assert_status 2
	assert_stderr "dm-map: script:1:1: langid: '$dir/dm-langid.so' has no 'dm_langid_shim'"
}

@test "a shim of another build is passed over for one of the tool's own, or is an error naming it" {
	[ ! -e /usr/local/lib/dm/dm-langid.so ] || skip "dm is installed in /usr/local"
	mkdir -p lone/bin lone/lib/dm
	cp "$DM_BINDIR/dm-map" lone/bin/
	dir=$(pwd -P)/lone/bin
	# a table of another layout, which the tool must never call
	printf 'const char dm_shim_abi[] = "1";\nconst int dm_langid_shim[64];\n' >o.c
	cc -shared -fPIC -o lone/bin/dm-langid.so o.c
	run_split lone/bin/dm-map langid <<<'{"text":"hello"}'
	assert_status 2
	assert_output ''
	assert_stderr "dm-map: script:1:1: langid: '$dir/dm-langid.so' is of another build of dm than this tool"
	# one from before the builds were told apart
	printf 'const int dm_langid_shim[64];\n' >o.c
	cc -shared -fPIC -o lone/bin/dm-langid.so o.c
	run_split lone/bin/dm-map langid <<<'{"text":"hello"}'
	assert_status 2
	assert_stderr "dm-map: script:1:1: langid: '$dir/dm-langid.so' is of another build of dm than this tool"
	# the tool's own further on is found
	cp "$DM_BINDIR/dm-langid.so" lone/lib/dm/
	run lone/bin/dm-map langid <<<'{"text":"hello world, how are you today"}'
	assert_success
	assert_output '{"text":"hello world, how are you today","meta":{"lang":"en","lang_score":0.96}}'
}
