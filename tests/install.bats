#!/usr/bin/env bats
# install.bats - make install and make uninstall with PREFIX and DESTDIR

load helper

@test "make install puts binaries, share data, man pages and completions under DESTDIR" {
	run make -s -C "$DM_REPO" install DESTDIR="$TMP/root" PREFIX=/opt/dm
	assert_success
	for f in bin/dm bin/dm-map share/dm/demo.sh share/dm/corpus/corpus.jsonl \
	    share/man/man1/dm.1 share/man/man1/dm-map.1 share/man/man7/dm.7 \
	    share/man/man7/dm-ops.7 share/bash-completion/completions/dm \
	    share/bash-completion/completions/dm-map share/zsh/site-functions/_dm \
	    lib/dm/dm-langid.so lib/dm/dm-spm.so lib/dm/dm-archive.so \
	    lib/dm/dm-pdf.so lib/dm/dm-opencc.so; do
		[ -f "$TMP/root/opt/dm/$f" ] || { echo "missing $f" >&2; return 1; }
	done
}

@test "installed binaries run and find each other" {
	make -s -C "$DM_REPO" install DESTDIR="$TMP/root" PREFIX=/opt/dm
	run "$TMP/root/opt/dm/bin/dm" map upper <<<'{"text":"a"}'
	assert_success
	assert_output '{"text":"A"}'
	# the shim of langid, from PREFIX/lib/dm
	run "$TMP/root/opt/dm/bin/dm" map langid <<<'{"text":"the quick brown fox jumps over the lazy dog"}'
	assert_success
	assert_output '{"text":"the quick brown fox jumps over the lazy dog","meta":{"lang":"en","lang_score":0.97}}'
	# libarchive's, for compressed input
	printf '{"text":"b"}\n' | gzip > b.jsonl.gz
	run "$TMP/root/opt/dm/bin/dm" map upper b.jsonl.gz
	assert_success
	assert_output '{"text":"B"}'
}

# The helper exports DM_SHAREDIR into the source tree: here the installed
# tools run without it, with nothing of the tests' environment, and strace
# shows that they open nothing of the source tree.
@test "installed tools find their data, shims and pages with a clean environment, none in the source tree" {
	make -s -C "$DM_REPO" install DESTDIR="$TMP/root" PREFIX=/opt/dm
	b=$TMP/root/opt/dm/bin
	printf '{"text":"the cat is on the mat"}\n' | gzip >in.jsonl.gz
	run_split env -i PATH=/usr/bin:/bin HOME="$HOME" \
	    strace -f -qq -o trace -e trace=openat,execve,access,stat,newfstatat \
	    sh -c "$b/dm map 'stats names=stopword_ratio; langid' in.jsonl.gz &&
		gzip -dc in.jsonl.gz | $b/dm dedup --near --preset datatrove &&
		$b/dm help samples | head -n 1"
	assert_success
	assert_stderr ''
	assert_output '{"text":"the cat is on the mat","stats":{"stopword_ratio":0.6666666666666666},"meta":{"lang":"en","lang_score":0.95}}
{"text":"the cat is on the mat"}
DM(7)                BSD Miscellaneous Information Manual                DM(7)'
	run grep -F "$DM_REPO" trace
	assert_output ''
}

@test "make uninstall removes every installed file" {
	make -s -C "$DM_REPO" install DESTDIR="$TMP/root" PREFIX=/opt/dm
	run make -s -C "$DM_REPO" uninstall DESTDIR="$TMP/root" PREFIX=/opt/dm
	assert_success
	run find "$TMP/root" -type f
	assert_output ''
}

@test "make uninstall leaves the files it did not install, in LIBDIR and SHAREDIR too" {
	# LIBDIR a folder of other libraries: uninstall removed it whole
	mkdir -p "$TMP/lib"
	echo other >"$TMP/lib/libother.so"
	make -s -C "$DM_REPO" install PREFIX="$TMP/p" LIBDIR="$TMP/lib"
	echo 'my prompt' >"$TMP/p/share/dm/mine.txt"
	run make -s -C "$DM_REPO" uninstall PREFIX="$TMP/p" LIBDIR="$TMP/lib"
	assert_success
	run find "$TMP/lib" "$TMP/p" -type f
	assert_output "$TMP/lib/libother.so
$TMP/p/share/dm/mine.txt"
	# the folders install made and that are empty now are gone
	[ ! -e "$TMP/p/share/dm/corpus" ] && [ ! -e "$TMP/p/lib" ]
}

@test "make install under a umask of 027 makes files every user can read and run" {
	(umask 027 && make -s -C "$DM_REPO" install DESTDIR="$TMP/root" PREFIX=/opt/dm)
	cd "$TMP/root/opt/dm"
	# cp -f gave 0640 files and 0750 folders: closed to the users
	run find . \( -type f ! -perm -444 \) -o \( -type d ! -perm -555 \)
	assert_output ''
	run find bin share/dm/corpus/make-jsonl.sh -type f ! -perm -111
	assert_output ''
	[ "$(stat -c %a bin/dm-map)" = 755 ] &&
	    [ "$(stat -c %a share/man/man1/dm-map.1)" = 644 ] &&
	    [ "$(stat -c %a lib/dm/dm-langid.so)" = 644 ]
}

@test "make install SHAREDIR=DIR puts the data in DIR, and the tools look for it there" {
	make -s -C "$DM_REPO" install PREFIX="$TMP/p" SHAREDIR="$TMP/data"
	[ -f "$TMP/data/wordlists/stopwords/en.txt" ] && [ ! -e "$TMP/p/share/dm" ]
	# the tools looked in PREFIX/share/dm only: "No such file"
	run env -i "$TMP/p/bin/dm-map" 'stats names=stopword_ratio' <<<'{"text":"the cat and a dog"}'
	assert_success
	assert_output '{"text":"the cat and a dog","stats":{"stopword_ratio":0.6}}'
	make -s -C "$DM_REPO" uninstall PREFIX="$TMP/p" SHAREDIR="$TMP/data"
	[ ! -e "$TMP/data" ]
	# and the build's own tools are built again for their place
	make -s -C "$DM_REPO"
}

@test "the installed demo runs from any directory" {
	make -s -C "$DM_REPO" install DESTDIR="$TMP/root" PREFIX=/opt/dm
	mkdir elsewhere && cd elsewhere
	run sh "$TMP/root/opt/dm/share/dm/demo.sh"
	assert_success
	[ "${lines[0]}" = "== The corpus: 32 files of Debian's documentation (licences in share/dm/corpus/LICENSES)" ]
	[ "${lines[1]}" = "share/dm/corpus/corpus.jsonl: 32 samples, $(wc -c <"$TMP/root/opt/dm/share/dm/corpus/corpus.jsonl") bytes; the first three:" ]
	[ -z "$(ls -A)" ]	# and it leaves nothing behind
}

@test "make install LIBDIR=DIR puts the shims in DIR, and the tools look for them there" {
	# the tools' bin/ and DIR share no prefix: found through the
	# compiled-in LIBDIR, not beside the tools
	make -s -C "$DM_REPO" install PREFIX="$TMP/p" LIBDIR="$TMP/shims"
	[ -f "$TMP/shims/dm-langid.so" ] && [ -f "$TMP/shims/dm-spm.so" ] &&
	    [ -f "$TMP/shims/dm-archive.so" ]
	[ ! -e "$TMP/p/lib" ]
	run "$TMP/p/bin/dm-map" langid <<<'{"text":"the quick brown fox jumps over the lazy dog"}'
	assert_success
	assert_output '{"text":"the quick brown fox jumps over the lazy dog","meta":{"lang":"en","lang_score":0.97}}'
	printf '{"text":"b"}\n' | gzip > b.jsonl.gz
	run "$TMP/p/bin/dm-map" upper b.jsonl.gz
	assert_success
	assert_output '{"text":"B"}'
	rm "$TMP/shims/dm-langid.so"
	run "$TMP/p/bin/dm-map" langid <<<'{"text":"hello"}'
	assert_status 2
	assert_output "dm-map: script:1:1: langid: 'dm-langid.so' is not installed (next to the tools, nor in '$TMP/shims')"
}

teardown() {
	# the build tree's tools back to the default LIBDIR
	make -s -C "$DM_REPO" >/dev/null
}
