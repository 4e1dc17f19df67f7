#!/usr/bin/env bats
# dm-scan.bats - folders, files and archives into samples: fields, order,
# text detection, archive formats and nesting, limits, filters, errors

load helper

T='2024-01-02 03:04:05Z'	# every fixture's mtime
M='"mtime":"2024-01-02T03:04:05Z"'

# stamp FILE...: sets the fixtures' mtime, so that it can be expected exactly.
stamp() {
	touch -h -d "$T" "$@"
}

# The small tree most tests scan: sorted names, a folder, a hidden file.
corpus() {
	mkdir -p corpus/sub corpus/.git
	printf 'hello\n' >corpus/b.txt
	printf '# Title\n' >corpus/a.MD
	printf 'deep\n' >corpus/sub/c.html
	printf 'secret\n' >corpus/.hidden.txt
	printf 'ref: x\n' >corpus/.git/HEAD
	stamp corpus/b.txt corpus/a.MD corpus/sub/c.html corpus/.hidden.txt \
	    corpus/.git/HEAD
}

# The member tree the archive tests put into every format.
members() {
	mkdir -p m/dir
	printf 'one\n' >m/dir/one.txt
	printf 'two\n' >m/two.md
	stamp m/dir/one.txt m/two.md m/dir
}

# noid CMD...: CMD's samples without their id, for tests about the rest.
noid() {
	local st
	"$@" >"$TMP/.noid" && st=0 || st=$?
	dm-map 'drop fields=id' "$TMP/.noid"
	return "$st"
}

# ---- the sample ----

@test "writes one sample per text file, folders walked in sorted order" {
	corpus
	run_split dm-scan corpus
	assert_success
	assert_stderr ''
	assert_output <<EOF
{"path":"corpus/a.MD","id":"f8f5b13f1050354b","size":8,$M,"type":"md","encoding":"utf-8","text":"# Title\n"}
{"path":"corpus/b.txt","id":"4792747ffe04f966","size":6,$M,"type":"txt","encoding":"utf-8","text":"hello\n"}
{"path":"corpus/sub/c.html","id":"d81652ffed00cf47","size":5,$M,"type":"html","encoding":"utf-8","text":"deep\n"}
EOF
}

@test "the path is the operand as given joined with the path below it" {
	corpus
	run_split dm-scan corpus/ ./corpus/sub corpus/b.txt
	assert_success
	assert_stderr ''
	assert_output <<EOF
{"path":"corpus/a.MD","id":"f8f5b13f1050354b","size":8,$M,"type":"md","encoding":"utf-8","text":"# Title\n"}
{"path":"corpus/b.txt","id":"4792747ffe04f966","size":6,$M,"type":"txt","encoding":"utf-8","text":"hello\n"}
{"path":"corpus/sub/c.html","id":"d81652ffed00cf47","size":5,$M,"type":"html","encoding":"utf-8","text":"deep\n"}
{"path":"./corpus/sub/c.html","id":"e1c7e7ddaad76242","size":5,$M,"type":"html","encoding":"utf-8","text":"deep\n"}
{"path":"corpus/b.txt","id":"4792747ffe04f966","size":6,$M,"type":"txt","encoding":"utf-8","text":"hello\n"}
EOF
}

@test "the id is the xxh64 of the path, the same on every scan" {
	corpus
	dm-scan corpus >first
	touch corpus/b.txt
	dm-scan corpus >second
	[ "$(jq -r .id first)" = "$(jq -r .id second)" ]
	# xxh64("corpus/b.txt"), as xxh64sum prints it
	[ "$(jq -r 'select(.path == "corpus/b.txt") | .id' first)" = 4792747ffe04f966 ]
}

@test "hidden files and folders are skipped unless --hidden" {
	corpus
	run_split dm-scan --hidden corpus
	assert_success
	assert_stderr ''
	assert_output <<EOF
{"path":"corpus/.git/HEAD","id":"9b452feef5eefd3f","size":7,$M,"type":"","encoding":"utf-8","text":"ref: x\n"}
{"path":"corpus/.hidden.txt","id":"76e4799aafe57fa3","size":7,$M,"type":"txt","encoding":"utf-8","text":"secret\n"}
{"path":"corpus/a.MD","id":"f8f5b13f1050354b","size":8,$M,"type":"md","encoding":"utf-8","text":"# Title\n"}
{"path":"corpus/b.txt","id":"4792747ffe04f966","size":6,$M,"type":"txt","encoding":"utf-8","text":"hello\n"}
{"path":"corpus/sub/c.html","id":"d81652ffed00cf47","size":5,$M,"type":"html","encoding":"utf-8","text":"deep\n"}
EOF
}

@test "-k names the text field; a dotted name nests it" {
	corpus
	run_split dm-scan -k body corpus/b.txt
	assert_success
	assert_output "{\"path\":\"corpus/b.txt\",\"id\":\"4792747ffe04f966\",\"size\":6,$M,\"type\":\"txt\",\"encoding\":\"utf-8\",\"body\":\"hello\n\"}"
	DM_TEXT_KEY=doc.content run_split dm-scan corpus/b.txt
	assert_success
	assert_output "{\"path\":\"corpus/b.txt\",\"id\":\"4792747ffe04f966\",\"size\":6,$M,\"type\":\"txt\",\"encoding\":\"utf-8\",\"doc\":{\"content\":\"hello\n\"}}"
	run_split dm-scan -k size corpus
	assert_status 2
	assert_stderr "dm-scan: -k: 'size' is a field of dm-scan's own"$'\n'"$(usage_of dm-scan)"
}

# ---- text detection ----

@test "binary files are skipped and counted; encodings are detected and converted" {
	mkdir t
	printf 'plain ascii\n' >t/a.txt
	printf '\xef\xbb\xbfbom\n' >t/bom.txt
	printf 'caf\xe9 cr\xe8me\n' >t/latin1.txt
	printf 'h\xc3\xa9 ok' | iconv -f UTF-8 -t UTF-16 >t/u16le.txt
	printf '\xfe\xff\x00h\x00\xe9\xd8\x3d\xde\x00' >t/u16be.txt
	printf 'ELF\x00\x01\x02' >t/prog.bin
	printf '\x80\x81\x82abc' >t/mostly-invalid.txt
	: >t/empty.txt
	stamp t/*
	run_split dm-scan t
	assert_success
	assert_stderr 'dm-scan: 6 files read, 2 binary files skipped'
	assert_output <<EOF
{"path":"t/a.txt","id":"4d4508148ebc191b","size":12,$M,"type":"txt","encoding":"utf-8","text":"plain ascii\n"}
{"path":"t/bom.txt","id":"8234777c17c2b0ed","size":7,$M,"type":"txt","encoding":"utf-8-bom","text":"bom\n"}
{"path":"t/empty.txt","id":"67cba74dad8d5671","size":0,$M,"type":"txt","encoding":"utf-8","text":""}
{"path":"t/latin1.txt","id":"ce8a21feb5995c58","size":11,$M,"type":"txt","encoding":"utf-8-replaced","text":"caf� cr�me\n"}
{"path":"t/u16be.txt","id":"7170ebb142f72a0e","size":10,$M,"type":"txt","encoding":"utf-16be","text":"hé😀"}
{"path":"t/u16le.txt","id":"de720ad9405baa04","size":12,$M,"type":"txt","encoding":"utf-16le","text":"hé ok"}
EOF
}

@test "--encoding-errors=latin1 reads latin-1, =skip skips the file" {
	mkdir t
	printf 'caf\xe9 cr\xe8me\n' >t/latin1.txt
	printf 'plain ascii\n' >t/a.txt
	stamp t/*
	run_split dm-scan --encoding-errors=latin1 t/latin1.txt
	assert_success
	assert_stderr ''
	assert_output "{\"path\":\"t/latin1.txt\",\"id\":\"ce8a21feb5995c58\",\"size\":11,$M,\"type\":\"txt\",\"encoding\":\"latin1\",\"text\":\"café crème\n\"}"
	run_split dm-scan --encoding-errors=skip t/latin1.txt t/a.txt
	assert_success
	assert_stderr 'dm-scan: 1 file read, 1 file not UTF-8 skipped'
	assert_output "{\"path\":\"t/a.txt\",\"id\":\"4d4508148ebc191b\",\"size\":12,$M,\"type\":\"txt\",\"encoding\":\"utf-8\",\"text\":\"plain ascii\n\"}"
	run_split dm-scan --encoding-errors=ascii t
	assert_status 2
	assert_stderr "dm-scan: --encoding-errors: 'ascii' is not one of replace, skip, latin1"$'\n'"$(usage_of dm-scan)"
}

@test "a file name with a newline and invalid UTF-8 is escaped, its bytes kept in path_base64" {
	mkdir nm
	printf 'x\n' >"nm/$(printf 'new\nline\xff.txt')"
	stamp nm/*
	run_split dm-scan nm
	assert_success
	assert_stderr ''
	assert_output "{\"path\":\"nm/new\\nline�.txt\",\"path_base64\":\"bm0vbmV3CmxpbmX/LnR4dA==\",\"id\":\"bc649e29983345cc\",\"size\":2,$M,\"type\":\"txt\",\"encoding\":\"utf-8\",\"text\":\"x\n\"}"
	# valid JSON that jq reads, and the bytes come back
	[ "$(jq -r .path_base64 <<<"$output" | base64 -d | od -An -c | tr -d ' \n')" = 'nm/new\nline377.txt' ]
}

# ---- links and special files ----

@test "symbolic links are not followed, special files are skipped and counted" {
	mkdir -p l/d
	printf 'f\n' >l/d/f.txt
	ln -s .. l/d/up
	ln -s d/f.txt l/link.txt
	mkfifo l/fifo
	stamp l/d/f.txt
	run_split dm-scan l
	assert_success
	assert_stderr 'dm-scan: 1 file read, 1 special file skipped'
	assert_output "{\"path\":\"l/d/f.txt\",\"id\":\"22f7bd2134ea4c03\",\"size\":2,$M,\"type\":\"txt\",\"encoding\":\"utf-8\",\"text\":\"f\n\"}"
}

@test "an empty folder, alone or inside another, gives nothing and status 0" {
	mkdir -p e/sub
	run_split dm-scan e e/sub
	assert_success
	assert_stderr ''
	assert_output ''
}

@test "a folder whose listing fails midway is reported by name, its entries read before are scanned, status 1" {
	# readdir(3) fails with EIO in folder 'bad' after its first file, as
	# on a failing disk or a network folder gone away
	cat >rdfail.c <<'EOF'
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct dirent *
readdir(DIR *dp)
{
	static struct dirent *(*real)(DIR *);
	static DIR *failing;
	char fd[64], dir[PATH_MAX];
	struct dirent *d;
	ssize_t n;

	if (real == NULL)
		real = (struct dirent *(*)(DIR *))dlsym(RTLD_NEXT, "readdir");
	if (dp == failing) {
		failing = NULL;	/* its address may be reused */
		errno = EIO;
		return NULL;
	}
	if ((d = real(dp)) == NULL || d->d_name[0] == '.')
		return d;
	snprintf(fd, sizeof fd, "/proc/self/fd/%d", dirfd(dp));
	if ((n = readlink(fd, dir, sizeof dir - 1)) > 4) {
		dir[n] = '\0';
		if (strcmp(dir + n - 4, "/bad") == 0)
			failing = dp;
	}
	return d;
}
EOF
	cc -shared -fPIC -o rdfail.so rdfail.c -ldl
	mkdir -p t/bad t/good
	printf 'kept\n' >t/bad/one.txt
	printf 'after\n' >t/good/two.txt
	stamp t/bad/one.txt t/good/two.txt
	# under ASan its runtime comes first, as it wants
	pre=$TMP/rdfail.so
	is_asan && pre="$(cc -print-file-name=libasan.so):$pre"
	LD_PRELOAD=$pre run_split noid dm-scan t
	assert_status 1
	assert_stderr <<EOF
dm-scan: t/bad: folder not read to its end: Input/output error
dm-scan: 2 files read, 1 error
EOF
	assert_output <<EOF
{"path":"t/bad/one.txt","size":5,$M,"type":"txt","encoding":"utf-8","text":"kept\n"}
{"path":"t/good/two.txt","size":6,$M,"type":"txt","encoding":"utf-8","text":"after\n"}
EOF
}

@test "a tree whose paths are longer than PATH_MAX is walked, and a level past the open-file limit is an error" {
	# 45 folders of 100 bytes each: the file's path is 4552 bytes
	long=$(printf 'd%.0s' $(seq 100))
	(
		mkdir deep && cd deep || exit 1
		for i in $(seq 45); do
			mkdir "$long" && cd "$long" || exit 1
		done
		printf 'bottom\n' >f.txt
		stamp f.txt
	)
	want=deep/$(printf "$long/%.0s" $(seq 45))f.txt
	# the id: xxh64 of the path's bytes
	id=$(/usr/bin/python3 -c 'import sys, xxhash; print(xxhash.xxh64(sys.argv[1].encode()).hexdigest())' "$want")
	run_split dm-scan deep
	assert_success
	assert_stderr ''
	assert_output "{\"path\":\"$want\",\"id\":\"$id\",\"size\":7,$M,\"type\":\"txt\",\"encoding\":\"utf-8\",\"text\":\"bottom\n\"}"
	# with 20 descriptors at most, the walk stops at a level it cannot
	# open, says where, and goes on
	run_split bash -c 'ulimit -n 20 && ulimit -Hn 20 && exec dm-scan deep'
	assert_status 1
	[ "${#lines[@]}" -eq 0 ]
	[[ "$stderr" == *"$long: Too many open files"$'\n''dm-scan: 0 files read, 1 error' ]]
}

@test "--follow follows links, reports a loop once and goes on" {
	mkdir -p l/d
	printf 'f\n' >l/d/f.txt
	ln -s .. l/d/up
	ln -s d/f.txt l/link.txt
	stamp l/d/f.txt
	run_split dm-scan --follow l
	assert_success
	assert_stderr <<EOF
dm-scan: l/d/up: symbolic link loop, not followed
dm-scan: 2 files read, 1 link loop
EOF
	assert_output <<EOF
{"path":"l/d/f.txt","id":"22f7bd2134ea4c03","size":2,$M,"type":"txt","encoding":"utf-8","text":"f\n"}
{"path":"l/link.txt","id":"960c9e4c1068cd50","size":2,$M,"type":"txt","encoding":"utf-8","text":"f\n"}
EOF
}

# ---- archives ----

@test "reads tar (gz, bz2, xz, lzma, zst, lz4), zip, 7z, cpio, ar and iso9660 archives" {
	members
	tar -cf a.tar -C m dir two.md
	gzip -k a.tar
	bzip2 -k a.tar
	xz -k a.tar
	xz --format=lzma -k a.tar
	zstd -q -k a.tar
	lz4 -q a.tar a.tar.lz4
	(cd m && zip -q -r ../a.zip dir two.md)
	bsdtar --format 7zip -cf a.7z -C m dir two.md
	(cd m && find dir two.md | cpio -o -H newc --quiet >../a.cpio)
	bsdtar --format iso9660 -cf a.iso -C m dir two.md
	for f in a.tar a.tar.gz a.tar.bz2 a.tar.xz a.tar.lzma a.tar.zst a.tar.lz4 a.zip a.7z a.cpio a.iso; do
		run_split noid dm-scan "$f"
		assert_success
		assert_stderr ''
		assert_output <<EOF
{"path":"$f!/dir/one.txt","size":4,$M,"type":"txt","encoding":"utf-8","text":"one\n"}
{"path":"$f!/two.md","size":4,$M,"type":"md","encoding":"utf-8","text":"two\n"}
EOF
	done
	run_split dm-scan a.tar.gz
	assert_output <<EOF
{"path":"a.tar.gz!/dir/one.txt","id":"966bd553e5569277","size":4,$M,"type":"txt","encoding":"utf-8","text":"one\n"}
{"path":"a.tar.gz!/two.md","id":"0f00ef24cceb7ad3","size":4,$M,"type":"md","encoding":"utf-8","text":"two\n"}
EOF
}

# hostile7z KIND IN OUT: a copy of the 7z archive IN whose header asks for
# gigabytes: KIND files makes its plain header (bsdtar's store) say 10^8
# files, each an entry to allocate; dict makes its LZMA-compressed header
# (bsdtar's default) need a 3.75 GiB dictionary. The CRCs are made again.
hostile7z() {
	/usr/bin/python3 - "$@" <<'PY'
import struct, sys, zlib
kind, src, dst = sys.argv[1:]
d = bytearray(open(src, "rb").read())
off, size = struct.unpack_from("<QQ", d, 12)
h = bytes(d[32 + off:32 + off + size])
if kind == "files":
    i = h.index(b"\x05\x02\x11")	# kFilesInfo, 2 files, kName
    h = h[:i + 1] + b"\xf0" + struct.pack("<I", 10 ** 8) + h[i + 2:]
else:
    i = h.index(b"\x03\x01\x01\x05\x5d")	# LZMA, 5 bytes of properties
    h = h[:i + 5] + struct.pack("<I", 0xF0000000) + h[i + 9:]
d = d[:32 + off] + h + d[32 + off + size:]
struct.pack_into("<QQI", d, 12, off, len(h), zlib.crc32(h))
struct.pack_into("<I", d, 8, zlib.crc32(bytes(d[12:32])))
open(dst, "wb").write(d)
PY
}

@test "a 7z whose headers ask for gigabytes is reported under --max-memory, and the run goes on" {
	skip_asan "no --max-memory cap under ASan, whose shadow memory takes terabytes"
	mkdir m
	echo hello >m/a.txt
	echo world >m/b.txt
	bsdtar --format 7zip --options 7zip:compression=store -cf s.7z -C m a.txt b.txt
	bsdtar --format 7zip -cf l.7z -C m a.txt b.txt
	hostile7z files s.7z files.7z
	hostile7z dict l.7z dict.7z
	echo ok >after.txt
	stamp after.txt
	tar -cf t.tar files.7z dict.7z after.txt
	run_split noid dm-scan files.7z dict.7z after.txt
	assert_status 1
	assert_output <<EOF
{"path":"after.txt","size":3,$M,"type":"txt","encoding":"utf-8","text":"ok\n"}
EOF
	assert_stderr <<EOF
dm-scan: files.7z: needs more memory than --max-memory '1G' allows (couldn't allocate memory)
dm-scan: dict.7z: needs more memory than --max-memory '1G' allows (lzma library error: Cannot allocate memory)
dm-scan: 1 file read, 2 errors
EOF
	# inside an archive, read from memory, with the cap as given
	run_split noid dm-scan --max-memory 512M t.tar
	assert_status 1
	assert_output <<EOF
{"path":"t.tar!/after.txt","size":3,$M,"type":"txt","encoding":"utf-8","text":"ok\n"}
EOF
	assert_stderr <<EOF
dm-scan: t.tar!/files.7z: needs more memory than --max-memory '512M' allows (couldn't allocate memory)
dm-scan: t.tar!/dict.7z: needs more memory than --max-memory '512M' allows (lzma library error: Cannot allocate memory)
dm-scan: 1 file read, 2 errors
EOF
	# the cap is on the reader, not on dm-scan: 1 MiB more is too little
	# even for a real 7z
	run_split noid dm-scan --max-memory 1M l.7z
	assert_status 1
	assert_output ''
	[[ $stderr == "dm-scan: l.7z: needs more memory than --max-memory '1M' allows ("* ]]
	run_split dm-scan --max-memory 1X l.7z
	assert_status 2
	[[ $stderr == "dm-scan: --max-memory: "* ]]
}

@test "7z archives read by the child give what they gave in the process" {
	mkdir -p m/d
	for i in $(seq 40); do seq "$i" 3000 >"m/d/$i.txt"; done
	echo two >m/two.md
	bsdtar --format 7zip -cf a.7z -C m d two.md
	bsdtar --format 7zip --options 7zip:compression=bzip2 -cf b.7z -C m d
	tar -czf n.tar.gz a.7z b.7z
	dm-scan --max-memory 0 a.7z b.7z n.tar.gz >in-process.jsonl
	run_out child.jsonl dm-scan a.7z b.7z n.tar.gz
	assert_success
	[ "$(wc -l <child.jsonl)" -eq 162 ]
	cmp in-process.jsonl child.jsonl
	# and ends quietly under | head
	run bash -c 'dm-scan a.7z 2>&1 | head -1 | jq -r .path; echo "${PIPESTATUS[0]}"'
	assert_output "$(head -1 in-process.jsonl | jq -r .path; echo 141)"
}

@test "a 7z member that needs more than --max-memory is lost alone: the members after it are read" {
	skip_asan "no --max-memory cap under ASan, whose shadow memory takes terabytes"
	# 7z keeps the blocks of an archive it adds to: b.txt alone is
	# compressed with a 48 MiB dictionary, a.txt and c.txt with 4 KiB
	echo one >a.txt
	head -c 40000000 /dev/zero | tr '\0' x >b.txt
	echo three >c.txt
	stamp a.txt b.txt c.txt
	7z a -bd -mx=1 -ms=off mix.7z a.txt >/dev/null
	7z a -bd -mx=1 -md=64m -ms=off mix.7z b.txt >/dev/null
	7z a -bd -mx=1 -ms=off mix.7z c.txt >/dev/null
	[ "$(7z l -slt mix.7z | grep -c '^Method = LZMA2:48m')" -eq 2 ]
	run_split noid dm-scan --max-memory 16M mix.7z
	assert_status 1
	assert_output <<EOF
{"path":"mix.7z!/a.txt","size":4,$M,"type":"txt","encoding":"utf-8","text":"one\n"}
{"path":"mix.7z!/c.txt","size":6,$M,"type":"txt","encoding":"utf-8","text":"three\n"}
EOF
	assert_stderr <<EOF
dm-scan: mix.7z!/b.txt: needs more memory than --max-memory '16M' allows (lzma library error: Cannot allocate memory)
dm-scan: 2 files read, 1 error
EOF
	# the same inside a tar, the 7z read from memory
	tar -cf t.tar mix.7z
	run_split noid dm-scan --max-memory 16M t.tar
	assert_status 1
	[ "$(jq -r .path <<<"$output")" = "$(printf 't.tar!/mix.7z!/a.txt\nt.tar!/mix.7z!/c.txt')" ]
	assert_stderr <<EOF
dm-scan: t.tar!/mix.7z!/b.txt: needs more memory than --max-memory '16M' allows (lzma library error: Cannot allocate memory)
dm-scan: 2 files read, 1 error
EOF
	# with the memory it needs, all three
	run_split noid dm-scan --max-memory 256M mix.7z
	assert_success
	[ "$(jq -r .path <<<"$output")" = "$(printf 'mix.7z!/a.txt\nmix.7z!/b.txt\nmix.7z!/c.txt')" ]
}

@test "a damaged 7z member is lost alone when its block is its own; in a solid block, the archive ends at the next member" {
	for f in a b c d; do seq 1 3000 | sed "s/^/$f /" >$f.txt; done
	stamp a.txt b.txt c.txt d.txt
	# a block for each member: the packed streams follow the 32 bytes
	# of the signature header, in order; b.txt's is made bad
	7z a -bd -mx=1 -ms=off ns.7z a.txt b.txt c.txt d.txt >/dev/null
	pa=$(7z l -slt ns.7z | awk '/^Packed Size/ { print $4; exit }')
	printf '\377%.0s' $(seq 16) | dd of=ns.7z bs=1 seek=$((32 + pa + 100)) conv=notrunc status=none
	# before, the members after b.txt were lost
	for mm in 1G 0; do
		run_split dm-scan --max-memory $mm ns.7z
		assert_status 1
		[ "$(jq -r .path <<<"$output")" = "$(printf 'ns.7z!/a.txt\nns.7z!/c.txt\nns.7z!/d.txt')" ]
		assert_stderr <<EOF
dm-scan: ns.7z!/b.txt: decompression failed(9)
dm-scan: 3 files read, 1 error
EOF
	done
	# a bad CRC (stored data): libarchive reads on, and so does the child
	bsdtar --format 7zip --options 7zip:compression=store -cf st.7z a.txt b.txt c.txt
	printf 'XXXX' | dd of=st.7z bs=1 seek=$((32 + $(stat -c %s a.txt) + 100)) conv=notrunc status=none
	for mm in 1G 0; do
		run_split dm-scan --max-memory $mm st.7z
		assert_status 1
		[ "$(jq -r .path <<<"$output")" = "$(printf 'st.7z!/a.txt\nst.7z!/c.txt')" ]
		[[ $stderr == "dm-scan: st.7z!/b.txt: 7-Zip bad CRC: 0x"*$'\ndm-scan: 2 files read, 1 error' ]]
	done
	# one solid block: the members after the damage are reached through
	# it; the first of them that fails so ends the archive, rather than
	# decompress the block again for each
	7z a -bd -mx=1 sol.7z a.txt b.txt c.txt d.txt >/dev/null
	[ "$(7z l -slt sol.7z | grep -c '^Block = 0')" -eq 4 ]
	printf '\377%.0s' $(seq 16) | dd of=sol.7z bs=1 seek=2032 conv=notrunc status=none
	for mm in 1G 0; do
		run_split dm-scan --max-memory $mm sol.7z
		assert_status 1
		assert_output ''
		assert_stderr <<EOF
dm-scan: sol.7z!/a.txt: decompression failed(9)
dm-scan: sol.7z!/b.txt: decompression failed(9)
dm-scan: 0 files read, 2 errors
EOF
	done
}

@test "one 7-Zip reader serves the whole run: 100 archives, one fork; a dead one is replaced" {
	mkdir m
	for i in $(seq 100); do
		echo "doc $i" >m/f$i.txt
		7z a -bd m/a$i.7z m/f$i.txt >/dev/null
		rm m/f$i.txt
	done
	# the 7z inside the tar is read from memory, by the same child
	tar -cf t.tar -C m a1.7z
	# LeakSanitizer cannot run under ptrace: no leak check under ASan here
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
	    strace -f -qq -c -o trace -e trace=clone,clone3,fork,vfork \
	    dm-scan m t.tar >out.jsonl
	[ "$(wc -l <out.jsonl)" -eq 101 ]
	[ "$(jq -j .text out.jsonl | sort -u | wc -l)" -eq 100 ]
	[ "$(awk '$NF ~ /^(clone|clone3|fork|vfork)$/ { n += $4 }
	    END { print n }' trace)" = 1 ]
	# the reader killed while it waits for the next archive (in recvmsg,
	# system call 47) and dm-scan waits to write (write or writev, 1 or
	# 20: its output is not read): the next archive gets a new reader
	mkdir big
	for i in 1 2 3 4 5 6 7 8 9; do
		{ echo "doc $i"; seq -s ' ' 20000; } >big/f$i.txt
		7z a -bd big/a$i.7z big/f$i.txt >/dev/null
		rm big/f$i.txt
	done
	mkfifo pipe
	# LeakSanitizer cannot run under ptrace: no leak check under ASan here
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
	    strace -f -qq -c -o trace -e trace=clone,clone3,fork,vfork \
	    dm-scan big >pipe 2>err &
	spid=$!
	exec 7<pipe
	read -r -u 7 first
	pid=$(pgrep -P $spid)
	kid=
	for i in $(seq 600); do
		kid=$(pgrep -P $pid || true)
		[ -n "$kid" ] &&
		    [ "$(cut -d' ' -f1 /proc/$kid/syscall)" = 47 ] &&
		    case $(cut -d' ' -f1 /proc/$pid/syscall) in
		    1|20) true ;; *) false ;; esac && break
		sleep 0.1
	done
	if [ $i -eq 600 ]; then
		kill -9 $pid
		exec 7<&-
		false
	fi
	kill -9 "$kid"
	cat <&7 >rest.jsonl
	exec 7<&-
	wait $spid
	[ "$(cat err)" = "" ]
	[ "$(awk '$NF ~ /^(clone|clone3|fork|vfork)$/ { n += $4 }
	    END { print n }' trace)" = 2 ]
	[ "$( (echo "$first"; cat rest.jsonl) | jq -r '.text | split("\n")[0]' |
	    tr '\n' ' ')" = "doc 1 doc 2 doc 3 doc 4 doc 5 doc 6 doc 7 doc 8 doc 9 " ]
}

@test "reads ar archives, and so .deb packages with their tarballs" {
	members
	(cd m && ar rcD ../a.a two.md dir/one.txt)
	run_split dm-scan a.a
	assert_success
	assert_stderr ''
	assert_output <<EOF
{"path":"a.a!/two.md","id":"b374a82202c5cec5","size":4,"mtime":"1970-01-01T00:00:00Z","type":"md","encoding":"utf-8","text":"two\n"}
{"path":"a.a!/one.txt","id":"1fe9e850e57adc83","size":4,"mtime":"1970-01-01T00:00:00Z","type":"txt","encoding":"utf-8","text":"one\n"}
EOF
	mkdir -p deb/c deb/d/usr/share/doc/p
	printf '2.0\n' >deb/debian-binary
	printf 'Package: p\n' >deb/c/control
	printf 'readme\n' >deb/d/usr/share/doc/p/README
	stamp deb/c/control deb/d/usr/share/doc/p/README
	tar -czf deb/control.tar.gz -C deb/c ./control
	tar -cJf deb/data.tar.xz -C deb/d ./usr
	(cd deb && ar rcD ../p.deb debian-binary control.tar.gz data.tar.xz)
	run_split noid dm-scan p.deb
	assert_success
	assert_stderr ''
	assert_output <<EOF
{"path":"p.deb!/debian-binary","size":4,"mtime":"1970-01-01T00:00:00Z","type":"","encoding":"utf-8","text":"2.0\n"}
{"path":"p.deb!/control.tar.gz!/./control","size":11,$M,"type":"","encoding":"utf-8","text":"Package: p\n"}
{"path":"p.deb!/data.tar.xz!/./usr/share/doc/p/README","size":7,$M,"type":"","encoding":"utf-8","text":"readme\n"}
EOF
}

@test "the symbol table and long-name table of a GNU ar archive are passed over silently" {
	printf 'short\n' >short.txt
	printf 'long\n' >a_name_longer_than_sixteen_chars.txt
	ar rcD t.a short.txt a_name_longer_than_sixteen_chars.txt
	printf 'int f(void) { return 1; }\n' >f.c
	cc -c f.c
	ar rcsD lib.a f.o
	run_split noid dm-scan t.a lib.a
	assert_success
	assert_stderr 'dm-scan: 2 files read, 1 binary file skipped'
	assert_output <<EOF
{"path":"t.a!/short.txt","size":6,"mtime":"1970-01-01T00:00:00Z","type":"txt","encoding":"utf-8","text":"short\n"}
{"path":"t.a!/a_name_longer_than_sixteen_chars.txt","size":5,"mtime":"1970-01-01T00:00:00Z","type":"txt","encoding":"utf-8","text":"long\n"}
EOF
}

@test "an empty ar or 7z archive is named with the bytes read; a text that only starts like ar is text" {
	printf '!<arch>\n' >empty.a
	printf '!<arch>\nnotes about ar\n' >ar-notes.txt
	{ printf '!<arch>\n'; seq 100; } >long-notes.txt
	# what 7z makes of nothing: a signature header that points nowhere
	{ printf '7z\274\257\047\034\000\004\215\233\325\017'; head -c 20 /dev/zero; } >e.7z
	stamp ar-notes.txt long-notes.txt
	run_split noid dm-scan empty.a e.7z ar-notes.txt long-notes.txt
	assert_success
	assert_stderr <<EOF
dm-scan: empty.a: no member: read as an empty ar archive, after 8 bytes
dm-scan: e.7z: no member: read as an empty 7-Zip archive, after 32 bytes
EOF
	assert_output <<EOF
{"path":"ar-notes.txt","size":23,$M,"type":"txt","encoding":"utf-8","text":"!<arch>\nnotes about ar\n"}
{"path":"long-notes.txt","size":300,$M,"type":"txt","encoding":"utf-8","text":"!<arch>\n$(seq 100 | tr '\n' '|' | sed 's/|/\\n/g')"}
EOF
}

# outer.zip holds inner.tar.gz (holding x.md) and notes.txt.gz.
nested() {
	mkdir -p n/in
	printf '# x\n' >n/in/x.md
	printf 'note\n' >n/notes.txt
	stamp n/in/x.md n/notes.txt
	tar -czf n/inner.tar.gz -C n/in x.md
	gzip -k n/notes.txt
	stamp n/inner.tar.gz n/notes.txt.gz
	(cd n && zip -q ../outer.zip inner.tar.gz notes.txt.gz)
}

@test "nested archives are opened, their paths joined with !/" {
	nested
	run_split dm-scan outer.zip
	assert_success
	assert_stderr ''
	assert_output <<EOF
{"path":"outer.zip!/inner.tar.gz!/x.md","id":"b0dfb7fdbd9ab3fd","size":4,$M,"type":"md","encoding":"utf-8","text":"# x\n"}
{"path":"outer.zip!/notes.txt.gz","id":"e49a8cf1afcffcea","size":5,$M,"type":"txt","encoding":"utf-8","text":"note\n"}
EOF
}

@test "a member whose path is also a file's on disk (a folder x.tar! beside x.tar) is said, status 1" {
	mkdir -p d/src 'd/x.tar!/in.tar!'
	printf 'in archive\n' >d/src/m.txt
	printf 'deep\n' >d/src/n.txt
	printf 'other\n' >d/src/o.txt
	stamp d/src/m.txt d/src/n.txt d/src/o.txt
	tar -cf d/src/in.tar -C d/src n.txt
	stamp d/src/in.tar
	tar -cf d/x.tar -C d/src m.txt in.tar o.txt
	rm -r d/src
	printf 'on disk\n' >'d/x.tar!/m.txt'
	printf 'deep on disk\n' >'d/x.tar!/in.tar!/n.txt'
	stamp 'd/x.tar!/m.txt' 'd/x.tar!/in.tar!/n.txt'
	# two samples of the same path and id, load giving the file's text
	# for both: before, not a word
	run_split noid dm-scan d
	assert_status 1
	assert_output <<EOF
{"path":"d/x.tar!/m.txt","size":11,$M,"type":"txt","encoding":"utf-8","text":"in archive\n"}
{"path":"d/x.tar!/in.tar!/n.txt","size":5,$M,"type":"txt","encoding":"utf-8","text":"deep\n"}
{"path":"d/x.tar!/o.txt","size":6,$M,"type":"txt","encoding":"utf-8","text":"other\n"}
{"path":"d/x.tar!/in.tar!/n.txt","size":13,$M,"type":"txt","encoding":"utf-8","text":"deep on disk\n"}
{"path":"d/x.tar!/m.txt","size":8,$M,"type":"txt","encoding":"utf-8","text":"on disk\n"}
EOF
	assert_stderr <<EOF
dm-scan: d/x.tar!/m.txt: member with the path of a file on disk (load reads the file)
dm-scan: d/x.tar!/in.tar!/n.txt: member with the path of a file on disk (load reads the file)
dm-scan: 5 files read, 2 errors
EOF
}

@test "--depth limits the nesting, --no-archives treats archives as files" {
	nested
	run_split dm-scan --depth 1 outer.zip
	assert_success
	assert_output ''
	assert_stderr 'dm-scan: 0 files read, 2 binary files skipped'
	run_split dm-scan --no-archives outer.zip
	assert_success
	assert_output ''
	assert_stderr 'dm-scan: 0 files read, 1 binary file skipped'
	run_split dm-scan --depth 0 outer.zip
	assert_success
	assert_stderr 'dm-scan: 0 files read, 1 binary file skipped'
	run_split dm-scan --depth 33 outer.zip
	assert_status 2
}

@test "a single compressed file is one sample, typed by the name inside" {
	printf 'note\n' >notes.txt
	gzip -k notes.txt
	bzip2 -k notes.txt
	xz -k notes.txt
	zstd -q -k notes.txt
	stamp notes.txt.*
	run_split dm-scan notes.txt.gz notes.txt.bz2 notes.txt.xz notes.txt.zst
	assert_success
	assert_stderr ''
	assert_output <<EOF
{"path":"notes.txt.gz","id":"0cbcac88b08846d5","size":5,$M,"type":"txt","encoding":"utf-8","text":"note\n"}
{"path":"notes.txt.bz2","id":"96bed6799dc9251d","size":5,$M,"type":"txt","encoding":"utf-8","text":"note\n"}
{"path":"notes.txt.xz","id":"832ad9557a7f9f7e","size":5,$M,"type":"txt","encoding":"utf-8","text":"note\n"}
{"path":"notes.txt.zst","id":"0415de181d1ff4e9","size":5,$M,"type":"txt","encoding":"utf-8","text":"note\n"}
EOF
}

@test "an empty compressed file is one empty sample, as an empty file is" {
	: >e.txt
	gzip <e.txt >e.txt.gz
	bzip2 <e.txt >e.txt.bz2
	xz <e.txt >e.txt.xz
	zstd -q <e.txt >e.txt.zst
	lz4 -q <e.txt >e.txt.lz4
	stamp e.txt e.txt.*
	tar -cf e.tar e.txt.gz
	stamp e.tar
	run_split noid dm-scan e.txt e.txt.gz e.txt.bz2 e.txt.xz e.txt.zst \
	    e.txt.lz4 e.tar
	assert_success
	assert_stderr ''
	assert_output <<EOF
{"path":"e.txt","size":0,$M,"type":"txt","encoding":"utf-8","text":""}
{"path":"e.txt.gz","size":0,$M,"type":"txt","encoding":"utf-8","text":""}
{"path":"e.txt.bz2","size":0,$M,"type":"txt","encoding":"utf-8","text":""}
{"path":"e.txt.xz","size":0,$M,"type":"txt","encoding":"utf-8","text":""}
{"path":"e.txt.zst","size":0,$M,"type":"txt","encoding":"utf-8","text":""}
{"path":"e.txt.lz4","size":0,$M,"type":"txt","encoding":"utf-8","text":""}
{"path":"e.tar!/e.txt.gz","size":0,$M,"type":"txt","encoding":"utf-8","text":""}
EOF
}

@test "a file compressed twice is typed by the name inside both compressions" {
	printf 'note\n' >notes.txt
	gzip -c notes.txt | gzip -c >a.txt.gz.gz
	xz -c notes.txt | gzip -c >b.txt.xz.gz
	bzip2 -c notes.txt | zstd -q -c >c.txt.bz2.zst
	gzip -c notes.txt | gzip -c | gzip -c >d.md.gz.gz.gz
	: | gzip -c | gzip -c >e.txt.gz.gz
	# compressed once, named twice: one extension is taken off
	gzip -c notes.txt >f.txt.gz.gz
	members
	tar -czf m.tar.gz -C m two.md
	gzip -c m.tar.gz >m.tar.gz.gz
	stamp *.gz *.zst
	tar -cf t.tar a.txt.gz.gz
	stamp t.tar
	run_split noid dm-scan a.txt.gz.gz b.txt.xz.gz c.txt.bz2.zst \
	    d.md.gz.gz.gz e.txt.gz.gz f.txt.gz.gz m.tar.gz.gz t.tar
	assert_success
	assert_stderr ''
	assert_output <<EOF
{"path":"a.txt.gz.gz","size":5,$M,"type":"txt","encoding":"utf-8","text":"note\n"}
{"path":"b.txt.xz.gz","size":5,$M,"type":"txt","encoding":"utf-8","text":"note\n"}
{"path":"c.txt.bz2.zst","size":5,$M,"type":"txt","encoding":"utf-8","text":"note\n"}
{"path":"d.md.gz.gz.gz","size":5,$M,"type":"md","encoding":"utf-8","text":"note\n"}
{"path":"e.txt.gz.gz","size":0,$M,"type":"txt","encoding":"utf-8","text":""}
{"path":"f.txt.gz.gz","size":5,$M,"type":"gz","encoding":"utf-8","text":"note\n"}
{"path":"m.tar.gz.gz!/two.md","size":4,$M,"type":"md","encoding":"utf-8","text":"two\n"}
{"path":"t.tar!/a.txt.gz.gz","size":5,$M,"type":"txt","encoding":"utf-8","text":"note\n"}
EOF
	# --type goes by the same type
	run_split noid dm-scan --type txt a.txt.gz.gz d.md.gz.gz.gz
	assert_success
	assert_output "{\"path\":\"a.txt.gz.gz\",\"size\":5,$M,\"type\":\"txt\",\"encoding\":\"utf-8\",\"text\":\"note\\n\"}"
}

@test "a file named as compressed that is not is read as it is, and said" {
	printf 'not gzip\n' >x.gz
	printf 'an error page\n' >data.jsonl.zst
	head -c 2000 /dev/zero >zeros.xz
	: >empty.bz2
	stamp x.gz data.jsonl.zst zeros.xz empty.bz2
	tar -cf t.tar x.gz
	stamp t.tar
	run_split noid dm-scan x.gz data.jsonl.zst zeros.xz empty.bz2 t.tar
	assert_success
	assert_stderr <<EOF
dm-scan: x.gz: not gzip data, read as it is
dm-scan: data.jsonl.zst: not zstd data, read as it is
dm-scan: zeros.xz: not xz data, read as it is
dm-scan: empty.bz2: not bzip2 data, read as it is
dm-scan: t.tar!/x.gz: not gzip data, read as it is
dm-scan: 4 files read, 1 binary file skipped
EOF
	assert_output <<EOF
{"path":"x.gz","size":9,$M,"type":"gz","encoding":"utf-8","text":"not gzip\n"}
{"path":"data.jsonl.zst","size":14,$M,"type":"zst","encoding":"utf-8","text":"an error page\n"}
{"path":"empty.bz2","size":0,$M,"type":"bz2","encoding":"utf-8","text":""}
{"path":"t.tar!/x.gz","size":9,$M,"type":"gz","encoding":"utf-8","text":"not gzip\n"}
EOF
	# compressed data not opened (--no-archives, --depth) is not misnamed
	printf 'note\n' | gzip >n.txt.gz
	run_split dm-scan --no-archives n.txt.gz
	assert_success
	assert_stderr 'dm-scan: 0 files read, 1 binary file skipped'
	run_split dm-scan --depth 0 n.txt.gz
	assert_success
	assert_stderr 'dm-scan: 0 files read, 1 binary file skipped'
}

@test "the magic of a compression with no stream after it is reported as such" {
	printf '\037\213' >magic.gz
	seq 1 1000 | gzip | head -c 5 >head.txt.gz
	seq 1 1000 | gzip | head -c 30 >cut.txt.gz
	tar -cf t.tar magic.gz
	run_split dm-scan magic.gz head.txt.gz cut.txt.gz t.tar
	assert_status 1
	assert_output ''
	assert_stderr <<EOF
dm-scan: magic.gz: truncated or damaged compressed data
dm-scan: head.txt.gz: truncated or damaged compressed data
dm-scan: cut.txt.gz: truncated gzip input
dm-scan: t.tar!/magic.gz: truncated or damaged compressed data
dm-scan: 0 files read, 4 errors
EOF
}

@test "a zstd file or member that starts with a skippable frame, as pzstd writes them, is zstd, not a binary file" {
	printf 'note\n' >notes.txt
	pzstd -q -c notes.txt >notes.txt.zst
	tar -cf - notes.txt | pzstd -q -c >t.tar.zst
	stamp notes.txt.zst
	run_split dm-scan notes.txt.zst t.tar.zst
	assert_success
	assert_stderr ''
	run jq -c '[.path, .text]' <<<"$output"
	assert_output '["notes.txt.zst","note\n"]
["t.tar.zst!/notes.txt","note\n"]'
	# its header cut short: no stream after the magic
	printf 'P*M\030\0\0' >m.zst
	run_split dm-scan m.zst
	assert_status 1
	assert_stderr 'dm-scan: m.zst: truncated or damaged compressed data
dm-scan: 0 files read, 1 error'
}

@test "a file or tar in lz4's legacy format (lz4 -l) is lz4, not a binary file" {
	printf 'note\n' >notes.txt
	lz4 -q -l -c notes.txt >notes.txt.lz4
	tar -cf - notes.txt | lz4 -q -l -c >t.tar.lz4
	run_split dm-scan notes.txt.lz4 t.tar.lz4
	assert_success
	assert_stderr ''
	run jq -c '[.path, .text]' <<<"$output"
	assert_output '["notes.txt.lz4","note\n"]
["t.tar.lz4!/notes.txt","note\n"]'
}

@test "the magic of xz, zstd, bzip2 or lz4 with no stream after it is reported as gzip's is" {
	printf '\3757zXZ\000' >m.xz
	printf '\050\265\057\375' >m.zst
	printf 'BZh9' >m.bz2
	printf '\004\042\115\030' >m.lz4
	tar -cf t.tar m.xz m.zst
	run_split dm-scan m.xz m.zst m.bz2 m.lz4 t.tar
	assert_status 1
	assert_output ''
	assert_stderr <<EOF
dm-scan: m.xz: truncated or damaged compressed data
dm-scan: m.zst: truncated or damaged compressed data
dm-scan: m.bz2: truncated or damaged compressed data
dm-scan: m.lz4: truncated or damaged compressed data
dm-scan: t.tar!/m.xz: truncated or damaged compressed data
dm-scan: t.tar!/m.zst: truncated or damaged compressed data
dm-scan: 0 files read, 6 errors
EOF
}

@test "archives are found by content, and text that looks like cpio stays text" {
	members
	tar -czf archive.dat -C m two.md
	printf '070707 is a number\n' >digits.txt
	printf 'not a tar' >fake.tar
	stamp digits.txt fake.tar
	run_split noid dm-scan archive.dat digits.txt fake.tar
	assert_success
	assert_stderr ''
	assert_output <<EOF
{"path":"archive.dat!/two.md","size":4,$M,"type":"md","encoding":"utf-8","text":"two\n"}
{"path":"digits.txt","size":19,$M,"type":"txt","encoding":"utf-8","text":"070707 is a number\n"}
{"path":"fake.tar","size":9,$M,"type":"tar","encoding":"utf-8","text":"not a tar"}
EOF
}

@test "a path traversal name is shown relative and reported; nothing is written" {
	printf 'evil\n' >x
	printf 'abs\n' >y
	stamp x y
	tar -cPf evil.tar --transform 's,^x$,../../etc/x,;s,^y$,/abs,' x y
	rm x y
	mkdir -p w/a/b
	find "$TMP" ! -name .stderr ! -name before ! -name after | sort >"$TMP/before"
	cd w/a/b
	run_split dm-scan ../../../evil.tar
	assert_success
	assert_stderr <<EOF
dm-scan: ../../../evil.tar: member '../../etc/x' has an unsafe name, shown as 'etc/x'
dm-scan: ../../../evil.tar: member '/abs' has an unsafe name, shown as 'abs'
EOF
	assert_output <<EOF
{"path":"../../../evil.tar!/etc/x","id":"ab17911e66908337","size":5,$M,"type":"","encoding":"utf-8","text":"evil\n"}
{"path":"../../../evil.tar!/abs","id":"28de02231116a81e","size":4,$M,"type":"","encoding":"utf-8","text":"abs\n"}
EOF
	# the tree is as it was: no etc/x above, nothing anywhere
	find "$TMP" ! -name .stderr ! -name before ! -name after | sort >"$TMP/after"
	assert_same "$TMP/after" "$TMP/before"
}

# dottar OUT NAME...: a tar made by Python's tarfile, whose regular files
# have these names as they are (GNU tar strips "." and ".."), each holding
# "data of NAME".
dottar() {
	/usr/bin/python3 - "$@" <<'PY'
import io, sys, tarfile
with tarfile.open(sys.argv[1], "w", format=tarfile.GNU_FORMAT) as t:
    for n in sys.argv[2:]:
        d = ("data of %s\n" % n).encode()
        i = tarfile.TarInfo(n)
        i.size, i.mtime = len(d), 1704164645
        t.addfile(i, io.BytesIO(d))
PY
}

@test "a zip member whose name is flagged UTF-8 but is not is read, shown as '_' and reported with its number" {
	/usr/bin/python3 - <<'PY'
import zipfile
with zipfile.ZipFile("u.zip", "w") as z:
    for n, d in (("good.txt", "g\n"), ("caf\u00e9.txt", "c\n"), ("last.txt", "l\n")):
        z.writestr(zipfile.ZipInfo(n, (2024, 1, 2, 3, 4, 6)), d)
b = open("u.zip", "rb").read().replace(b"caf\xc3\xa9", b"caf\xff\xfe")
open("u.zip", "wb").write(b)
PY
	run_split dm-scan u.zip
	assert_success
	assert_stderr "dm-scan: u.zip: member 2 has a name that cannot be read as UTF-8, shown as '_'"
	[ "$(jq -c '[.path, .text]' <<<"$output" | tr '\n' ' ')" = '["u.zip!/good.txt","g\n"] ["u.zip!/_","c\n"] ["u.zip!/last.txt","l\n"] ' ]
	# dm-map load finds it under the same name
	[ "$(dm-map 'drop fields=text; load' <<<"$output" | jq -c .text | tr '\n' ' ')" = '"g\n" "c\n" "l\n" ' ]
}

@test "a member named '..', '.' or nothing is shown as '_' and reported" {
	dottar d.tar .. . a/.. a/b/.. /.. ./.. '' ../f.txt ok.txt
	stamp d.tar
	run_split noid dm-scan --hidden d.tar
	assert_success
	assert_stderr <<EOF
dm-scan: d.tar: member '..' has an unsafe name, shown as '_'
dm-scan: d.tar: member '.' has an unsafe name, shown as '_'
dm-scan: d.tar: member 'a/..' has an unsafe name, shown as 'a'
dm-scan: d.tar: member 'a/b/..' has an unsafe name, shown as 'a/b'
dm-scan: d.tar: member '/..' has an unsafe name, shown as '_'
dm-scan: d.tar: member './..' has an unsafe name, shown as '_'
dm-scan: d.tar: member '' has an unsafe name, shown as '_'
dm-scan: d.tar: member '../f.txt' has an unsafe name, shown as 'f.txt'
EOF
	assert_output <<EOF
{"path":"d.tar!/_","size":11,$M,"type":"","encoding":"utf-8","text":"data of ..\n"}
{"path":"d.tar!/_","size":10,$M,"type":"","encoding":"utf-8","text":"data of .\n"}
{"path":"d.tar!/a","size":13,$M,"type":"","encoding":"utf-8","text":"data of a/..\n"}
{"path":"d.tar!/a/b","size":15,$M,"type":"","encoding":"utf-8","text":"data of a/b/..\n"}
{"path":"d.tar!/_","size":12,$M,"type":"","encoding":"utf-8","text":"data of /..\n"}
{"path":"d.tar!/_","size":13,$M,"type":"","encoding":"utf-8","text":"data of ./..\n"}
{"path":"d.tar!/_","size":9,$M,"type":"","encoding":"utf-8","text":"data of \n"}
{"path":"d.tar!/f.txt","size":17,$M,"type":"txt","encoding":"utf-8","text":"data of ../f.txt\n"}
{"path":"d.tar!/ok.txt","size":15,$M,"type":"txt","encoding":"utf-8","text":"data of ok.txt\n"}
EOF
	# load finds the first member of that name, as dm-scan showed it
	run_split dm-map load <<<'{"path":"d.tar!/_"}'
	assert_success
	assert_output '{"path":"d.tar!/_","encoding":"utf-8","text":"data of ..\n"}'
}

@test "a tar header with a bad checksum is a damaged archive, not an internal error" {
	# a regular file whose name ends in a slash is a folder to libarchive,
	# and its data then a header
	dottar s.tar dir/ ok.txt
	run_split dm-scan s.tar
	assert_status 1
	assert_output ''
	assert_stderr <<EOF
dm-scan: s.tar: damaged tar archive
dm-scan: 0 files read, 1 error
EOF
}

@test "a corrupt or truncated archive is reported, what came before is kept, status 1" {
	mkdir c
	printf 'first\n' >c/a.txt
	seq 1 1000000 >c/b.txt
	stamp c/*
	tar -czf c.tar.gz -C c a.txt b.txt
	head -c 500000 c.tar.gz >cut.tar.gz
	(cd c && zip -q ../c.zip a.txt b.txt)
	head -c 500000 c.zip >cut.zip
	printf 'PK\003\004garbage' >junk.zip
	printf 'last\n' >last.txt
	stamp last.txt
	run_split noid dm-scan cut.tar.gz cut.zip junk.zip last.txt
	assert_status 1
	assert_stderr <<EOF
dm-scan: cut.tar.gz!/b.txt: truncated gzip input
dm-scan: cut.zip!/b.txt: ZIP decompression failed (-5)
dm-scan: junk.zip: truncated ZIP file header
dm-scan: 3 files read, 3 errors
EOF
	assert_output <<EOF
{"path":"cut.tar.gz!/a.txt","size":6,$M,"type":"txt","encoding":"utf-8","text":"first\n"}
{"path":"cut.zip!/a.txt","size":6,$M,"type":"txt","encoding":"utf-8","text":"first\n"}
{"path":"last.txt","size":5,$M,"type":"txt","encoding":"utf-8","text":"last\n"}
EOF
}

@test "a streamed nested archive whose member is cut short is reported once, by the member's name" {
	# long names make the path buffer move while the inner tar is read
	L=$(printf 'L%.0s' $(seq 200))
	mkdir -p "src/$L" s
	seq 200000 >"src/$L/$L.txt"
	seq 100000 >s/a.txt
	tar cf inner.tar src
	tar cf in2.tar s
	tar czf outer.tgz inner.tar
	tar czf o2.tgz in2.tar
	head -c 200000 outer.tgz >cut.tgz
	head -c 100000 o2.tgz >cut2.tgz
	run_split dm-scan cut.tgz cut2.tgz
	assert_status 1
	assert_output ''
	assert_stderr <<EOF
dm-scan: cut.tgz!/inner.tar: truncated gzip input
dm-scan: cut2.tgz!/in2.tar: truncated gzip input
dm-scan: 0 files read, 2 errors
EOF
}

@test "a zip member whose compressed data is bad is reported; the members after it are read, from the central directory" {
	mkdir z
	printf 'one\n' >z/a.txt
	seq 1 20000 >z/b.txt
	printf 'three\n' >z/c.txt
	stamp z/*
	(cd z && zip -q ../bad.zip a.txt b.txt c.txt)
	# a run of 0xff in b.txt's deflate stream: an invalid block type
	/usr/bin/python3 -c '
import sys
d = bytearray(open("bad.zip", "rb").read())
i = d.index(b"b.txt") + 5 + 40
d[i:i + 16] = b"\xff" * 16
open("bad.zip", "wb").write(d)'
	zip -q outer.zip bad.zip
	run_split noid dm-scan bad.zip outer.zip
	assert_status 1
	assert_stderr <<EOF
dm-scan: bad.zip!/b.txt: ZIP decompression failed (-3)
dm-scan: outer.zip!/bad.zip!/b.txt: ZIP decompression failed (-3)
dm-scan: 4 files read, 2 errors
EOF
	assert_output <<EOF
{"path":"bad.zip!/a.txt","size":4,$M,"type":"txt","encoding":"utf-8","text":"one\n"}
{"path":"bad.zip!/c.txt","size":6,$M,"type":"txt","encoding":"utf-8","text":"three\n"}
{"path":"outer.zip!/bad.zip!/a.txt","size":4,$M,"type":"txt","encoding":"utf-8","text":"one\n"}
{"path":"outer.zip!/bad.zip!/c.txt","size":6,$M,"type":"txt","encoding":"utf-8","text":"three\n"}
EOF
}

@test "an encrypted zip member is reported and counted; the plain members after it are read" {
	printf 'secret\n' >s.txt
	printf 'public\n' >p.txt
	printf 'also\n' >q.txt
	stamp s.txt p.txt q.txt
	zip -q -P pw mix.zip s.txt
	zip -q mix.zip p.txt q.txt
	run_split noid dm-scan mix.zip
	assert_status 1
	assert_stderr <<EOF
dm-scan: mix.zip!/s.txt: passphrase required for this entry
dm-scan: 2 files read, 1 error
EOF
	assert_output <<EOF
{"path":"mix.zip!/p.txt","size":7,$M,"type":"txt","encoding":"utf-8","text":"public\n"}
{"path":"mix.zip!/q.txt","size":5,$M,"type":"txt","encoding":"utf-8","text":"also\n"}
EOF
}

@test "an unreadable operand is reported, the others are read, status 1" {
	corpus
	run_split dm-scan nosuch corpus/b.txt
	assert_status 1
	assert_stderr <<EOF
dm-scan: nosuch: No such file or directory
dm-scan: 1 file read, 1 error
EOF
	assert_output "{\"path\":\"corpus/b.txt\",\"id\":\"4792747ffe04f966\",\"size\":6,$M,\"type\":\"txt\",\"encoding\":\"utf-8\",\"text\":\"hello\n\"}"
}

@test "the file standard output writes is not read: skipped and said, status 0" {
	corpus
	# as 'dm-scan corpus > corpus/out.jsonl' would: before, the file was
	# read as a text file of the corpus (its own samples, or, appended
	# to under --jsonl, lines read as they are written)
	dm-scan corpus >corpus/out.jsonl 2>err
	assert_file err 'dm-scan: corpus/out.jsonl: input file is output file, skipped'
	assert_file corpus/out.jsonl <<EOF
{"path":"corpus/a.MD","id":"f8f5b13f1050354b","size":8,$M,"type":"md","encoding":"utf-8","text":"# Title\n"}
{"path":"corpus/b.txt","id":"4792747ffe04f966","size":6,$M,"type":"txt","encoding":"utf-8","text":"hello\n"}
{"path":"corpus/sub/c.html","id":"d81652ffed00cf47","size":5,$M,"type":"html","encoding":"utf-8","text":"deep\n"}
EOF
	# appended to, under --jsonl, and named as an operand: the same
	rm corpus/out.jsonl
	printf '{"a":1}\n' >corpus/sub/d.jsonl
	printf '{"b":2}\n' >all.jsonl
	run bash -c 'dm-scan --jsonl --type jsonl corpus all.jsonl >>all.jsonl'
	assert_success
	assert_output 'dm-scan: all.jsonl: input file is output file, skipped'
	assert_file all.jsonl $'{"b":2}\n{"a":1}'
	# another output is read as any file
	run_split dm-scan --jsonl all.jsonl
	assert_success
	assert_output $'{"b":2}\n{"a":1}'
}

@test "the file standard error writes is not read: skipped and said, status as without it" {
	unset DM_REJECTS DM_REPORT
	corpus
	mkdir corpus/j
	printf '{"a":1}\nbad\n' >corpus/j/d.jsonl
	# 2> corpus/scan.log: the messages written before it was reached
	# were a sample
	dm-scan --jsonl --type jsonl,log --on-error=skip corpus \
	    >out 2>corpus/scan.log && status=0 || status=$?
	assert_status 1
	assert_file out '{"a":1}'
	assert_file corpus/scan.log <<EOF
dm-scan: corpus/j/d.jsonl:2:1: invalid JSON: expected a value
dm-scan: corpus/scan.log: input file is standard error, skipped
dm-scan: 1 of 2 samples rejected
EOF
	# standard output and error in one file: it is the output
	run bash -c 'dm-scan --type log corpus >corpus/scan.log 2>&1'
	assert_success
	assert_file corpus/scan.log 'dm-scan: corpus/scan.log: input file is output file, skipped'
}

@test "the rejects file is not read: skipped and said, status as without it" {
	unset DM_REJECTS DM_REPORT
	corpus
	mkdir corpus/j
	printf '{"a":1}\nbad\n' >corpus/j/d.jsonl
	# --rejects in the tree: before, it was a file of the walk, read with
	# what had been written to it
	run_split dm-scan --jsonl --type jsonl --on-error=skip \
	    --rejects corpus/rej.jsonl corpus
	assert_status 1
	assert_output '{"a":1}'
	assert_stderr <<EOF
dm-scan: corpus/j/d.jsonl:2:1: invalid JSON: expected a value
dm-scan: corpus/rej.jsonl: input file is the rejects file, skipped
dm-scan: 1 of 2 samples rejected
EOF
	R='{"file":"corpus/j/d.jsonl","line":2,"reason":"invalid JSON: expected a value","raw":"bad"}'
	assert_file corpus/rej.jsonl "$R"
	# $DM_REJECTS, added to: the rejects of the run before were samples
	run_split env DM_REJECTS=corpus/rej.jsonl dm-scan --jsonl --type jsonl \
	    --on-error=skip corpus
	assert_status 1
	assert_output '{"a":1}'
	assert_stderr <<EOF
dm-scan: corpus/j/d.jsonl:2:1: invalid JSON: expected a value
dm-scan: corpus/rej.jsonl: input file is the rejects file, skipped
dm-scan: 1 of 2 samples rejected
EOF
	assert_file corpus/rej.jsonl "$R"$'\n'"$R"
	# named another way (a link to the folder, ./), reached through a
	# link under --follow, a line of --from0: the same file
	ln -s corpus link
	ln -s ../rej.jsonl corpus/j/r.jsonl
	printf 'corpus/j/../rej.jsonl\0' >list
	run_split dm-scan --jsonl --type jsonl --on-error=skip --follow \
	    --rejects ./link/rej.jsonl corpus/j --from0 list
	assert_status 1
	assert_output '{"a":1}'
	assert_stderr <<EOF
dm-scan: corpus/j/d.jsonl:2:1: invalid JSON: expected a value
dm-scan: corpus/j/r.jsonl: input file is the rejects file, skipped
dm-scan: corpus/j/../rej.jsonl: input file is the rejects file, skipped
dm-scan: 1 of 2 samples rejected
EOF
	assert_file corpus/rej.jsonl "$R"
}

@test "the report file is not read: skipped and said, status 0" {
	unset DM_REJECTS DM_REPORT
	corpus
	# --report in the tree: it is created when the run starts (it was
	# only at its end: a report of runs before was read as a text file)
	run_split dm-scan --report corpus/report.jsonl corpus
	assert_success
	assert_stderr 'dm-scan: corpus/report.jsonl: input file is the report file, skipped'
	assert_output <<EOF
{"path":"corpus/a.MD","id":"f8f5b13f1050354b","size":8,$M,"type":"md","encoding":"utf-8","text":"# Title\n"}
{"path":"corpus/b.txt","id":"4792747ffe04f966","size":6,$M,"type":"txt","encoding":"utf-8","text":"hello\n"}
{"path":"corpus/sub/c.html","id":"d81652ffed00cf47","size":5,$M,"type":"html","encoding":"utf-8","text":"deep\n"}
EOF
	# $DM_REPORT, a report of the run before in it
	run_split env DM_REPORT=corpus/report.jsonl dm-scan corpus/sub corpus
	assert_success
	assert_stderr 'dm-scan: corpus/report.jsonl: input file is the report file, skipped'
	assert_output <<EOF
{"path":"corpus/sub/c.html","id":"d81652ffed00cf47","size":5,$M,"type":"html","encoding":"utf-8","text":"deep\n"}
{"path":"corpus/a.MD","id":"f8f5b13f1050354b","size":8,$M,"type":"md","encoding":"utf-8","text":"# Title\n"}
{"path":"corpus/b.txt","id":"4792747ffe04f966","size":6,$M,"type":"txt","encoding":"utf-8","text":"hello\n"}
{"path":"corpus/sub/c.html","id":"d81652ffed00cf47","size":5,$M,"type":"html","encoding":"utf-8","text":"deep\n"}
EOF
	# named through a link and as an operand; --report overrides
	# $DM_REPORT, which is then any file
	ln -s corpus link
	run_split env DM_REPORT=corpus/b.txt dm-scan \
	    --report link/./report.jsonl corpus/report.jsonl corpus/b.txt
	assert_success
	assert_stderr 'dm-scan: corpus/report.jsonl: input file is the report file, skipped'
	assert_output "{\"path\":\"corpus/b.txt\",\"id\":\"4792747ffe04f966\",\"size\":6,$M,\"type\":\"txt\",\"encoding\":\"utf-8\",\"text\":\"hello\n\"}"
	# one line a run, none of them read
	run jq -c '[.tool, .args, .status, .in, .out]' corpus/report.jsonl
	assert_output <<'EOF'
["dm-scan",["--report","corpus/report.jsonl","corpus"],0,3,3]
["dm-scan",["corpus/sub","corpus"],0,4,4]
["dm-scan",["--report","link/./report.jsonl","corpus/report.jsonl","corpus/b.txt"],0,1,1]
EOF
}

# ---- limits ----

@test "--max-size skips and reports larger files and members, --min-size smaller ones" {
	mkdir s
	head -c 2000 /dev/zero | tr '\0' a >s/big.txt
	printf 'small\n' >s/small.txt
	printf 'mid-size text\n' >s/mid.txt
	stamp s/*
	tar -cf s.tar -C s big.txt mid.txt
	run_split noid dm-scan --max-size 1K --min-size 7 s s.tar
	assert_success
	assert_stderr <<EOF
dm-scan: s/big.txt: larger than --max-size, skipped
dm-scan: s.tar!/big.txt: larger than --max-size, skipped
dm-scan: 2 files read, 2 files too large
EOF
	assert_output <<EOF
{"path":"s/mid.txt","size":14,$M,"type":"txt","encoding":"utf-8","text":"mid-size text\n"}
{"path":"s.tar!/mid.txt","size":14,$M,"type":"txt","encoding":"utf-8","text":"mid-size text\n"}
EOF
	run_split dm-scan --max-size 1X s
	assert_status 2
}

# liezip NAME SIZE: a zip of one member x.txt, SIZE bytes of 'a', whose local
# and central headers say it holds 10.
liezip() {
	/usr/bin/python3 - "$@" <<'PY'
import struct, sys, zipfile
name, n = sys.argv[1], int(sys.argv[2])
with zipfile.ZipFile(name, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("x.txt", b"a" * n)
d = bytearray(open(name, "rb").read())
struct.pack_into("<I", d, 22, 10)
struct.pack_into("<I", d, d.find(b"PK\x01\x02") + 24, 10)
open(name, "wb").write(d)
PY
}

@test "a member whose headers understate its size is read to --max-size, and gives no sample when its data is bad" {
	liezip big.zip $((2 << 20))
	liezip small.zip $((100 << 10))
	run_split dm-scan --max-size 1M big.zip small.zip
	assert_status 1
	assert_output ''
	assert_stderr <<'EOF'
dm-scan: big.zip!/x.txt: larger than --max-size, skipped
dm-scan: big.zip: ZIP uncompressed data is wrong size (read 2097152, expected 10)
dm-scan: small.zip!/x.txt: ZIP uncompressed data is wrong size (read 102400, expected 10)
dm-scan: 0 files read, 1 file too large, 2 errors
dm-scan: no sample read: 1 file over --max-size, 0 under --min-size
EOF
	run_split dm-scan --no-text --max-size 1M big.zip small.zip
	assert_status 1
	assert_output ''
	assert_stderr <<'EOF'
dm-scan: big.zip!/x.txt: ZIP uncompressed data is wrong size (read 2097152, expected 10)
dm-scan: small.zip!/x.txt: ZIP uncompressed data is wrong size (read 102400, expected 10)
dm-scan: 0 files read, 2 errors
EOF
}

@test "a decompression bomb is stopped by --max-total with status 2, or skipped as too large" {
	# 200 MB of text in 200 KB
	yes | head -c 200M | gzip >bomb.txt.gz
	run_split dm-scan bomb.txt.gz
	assert_status 1
	assert_output ''
	assert_stderr <<EOF
dm-scan: bomb.txt.gz: larger than --max-size, skipped
dm-scan: 0 files read, 1 file too large
dm-scan: no sample read: 1 file over --max-size, 0 under --min-size
EOF
	run_split dm-scan --max-total 10M bomb.txt.gz
	assert_status 2
	assert_output ''
	assert_stderr "dm-scan: bomb.txt.gz: more than --max-total '10M' decompressed in this run, stopped"
	# many members, each under --max-size
	mkdir z
	for i in 1 2 3 4 5; do yes "$i" | head -c 20M >z/$i.txt; done
	tar -czf bomb.tar.gz -C z 1.txt 2.txt 3.txt 4.txt 5.txt
	rm -r z
	run_split dm-scan --max-total 50M bomb.tar.gz
	assert_status 2
	[ "$(printf '%s\n' "$output" | jq -r .path)" = "$(printf 'bomb.tar.gz!/1.txt\nbomb.tar.gz!/2.txt')" ]
	assert_stderr "dm-scan: bomb.tar.gz: more than --max-total '50M' decompressed in this run, stopped"
	# the default, 16G, lets 100 MB through, and 0 is no limit
	run_split dm-scan bomb.tar.gz
	assert_success
	[ "$(printf '%s\n' "$output" | wc -l)" -eq 5 ]
	run_split dm-scan --max-total 0 bomb.tar.gz
	assert_success
	[ "$(printf '%s\n' "$output" | wc -l)" -eq 5 ]
}

# ---- filters ----

@test "--include and --exclude globs with **, --type, also inside archives" {
	mkdir -p repo/node_modules/x repo/docs/deep repo/src
	printf 'a\n' >repo/node_modules/x/a.md
	printf 'b\n' >repo/docs/b.md
	printf 'c\n' >repo/docs/deep/c.md
	printf 'd\n' >repo/src/d.c
	printf 'e\n' >repo/e.txt
	printf 'f\n' >repo/f.html
	tar -cf repo.tar repo
	paths() { printf '%s\n' "$output" | jq -r .path | tr '\n' ' '; }
	run_split dm-scan --include '*.md' --include '*.txt' --exclude 'node_modules/**' repo/
	assert_success
	[ "$(paths)" = 'repo/docs/b.md repo/docs/deep/c.md repo/e.txt ' ]
	run_split dm-scan --exclude node_modules --type html,c repo
	assert_success
	[ "$(paths)" = 'repo/f.html repo/src/d.c ' ]
	# ** matches no folder or several
	run_split dm-scan --exclude 'docs/**/c.md' --include '*.md' repo
	[ "$(paths)" = 'repo/docs/b.md repo/node_modules/x/a.md ' ]
	run_split dm-scan --exclude '**/b.md' --exclude 'x' --include '*.md' repo
	[ "$(paths)" = 'repo/docs/deep/c.md ' ]
	run_split dm-scan --include 'docs/**' repo
	[ "$(paths)" = 'repo/docs/b.md repo/docs/deep/c.md ' ]
	run_split dm-scan --include 'repo/docs/*.md' --exclude node_modules repo.tar
	assert_success
	[ "$(paths)" = 'repo.tar!/repo/docs/b.md ' ]
	run_split dm-scan --exclude '[n]ode_*' --type md repo.tar
	[ "$(paths)" = 'repo.tar!/repo/docs/b.md repo.tar!/repo/docs/deep/c.md ' ]
}

@test "--from reads paths from a file or standard input, --from0 NUL-separated" {
	corpus
	printf 'corpus/b.txt\n\ncorpus/sub\r\n' >list
	run_split noid dm-scan --from list
	assert_success
	assert_output <<EOF
{"path":"corpus/b.txt","size":6,$M,"type":"txt","encoding":"utf-8","text":"hello\n"}
{"path":"corpus/sub/c.html","size":5,$M,"type":"html","encoding":"utf-8","text":"deep\n"}
EOF
	run_split noid dm-scan --from - corpus/a.MD <list
	assert_success
	[ "$(printf '%s\n' "$output" | jq -r .path | tr '\n' ' ')" = 'corpus/a.MD corpus/b.txt corpus/sub/c.html ' ]
	find corpus -name 'b*' -print0 | dm-scan --from0 - >out
	[ "$(jq -r .path out)" = corpus/b.txt ]
	run_split dm-scan --from nosuch
	assert_status 2
	assert_stderr 'dm-scan: nosuch: No such file or directory'
}

@test "an operand or a --from list that is the rejects file is refused before it is emptied, status 2" {
	unset DM_REJECTS DM_REPORT
	printf '{"a":1}\n' >a.jsonl
	# --rejects emptied the operand, then read it: no sample, status 0
	run_split dm-scan --jsonl --rejects a.jsonl a.jsonl
	assert_status 2
	assert_output ''
	assert_stderr 'dm-scan: a.jsonl: input file is the rejects file'
	assert_file a.jsonl '{"a":1}'
	# $DM_REJECTS, the operand a link to it
	ln -s a.jsonl l.jsonl
	run_split env DM_REJECTS=a.jsonl dm-scan --jsonl ./l.jsonl
	assert_status 2
	assert_output ''
	assert_stderr 'dm-scan: ./l.jsonl: input file is the rejects file'
	assert_file a.jsonl '{"a":1}'
	corpus
	printf 'corpus/b.txt\n' >list
	# --rejects emptied the list: nothing scanned, nothing said, status 0
	run_split dm-scan --from list --rejects ./list
	assert_status 2
	assert_output ''
	assert_stderr 'dm-scan: list: input file is the rejects file'
	assert_file list 'corpus/b.txt'
	# $DM_REJECTS is added to: its records were read back as paths
	run_split env DM_REJECTS=list dm-scan --from0 "$TMP/list" corpus/a.MD
	assert_status 2
	assert_output ''
	assert_stderr "dm-scan: $TMP/list: input file is the rejects file"
	assert_file list 'corpus/b.txt'
	# another rejects file: read as a list
	run_split noid dm-scan --from list --rejects rej.jsonl
	assert_success
	assert_stderr ''
	assert_output "{\"path\":\"corpus/b.txt\",\"size\":6,$M,\"type\":\"txt\",\"encoding\":\"utf-8\",\"text\":\"hello\n\"}"
	# standard input is not read without --from -: it may be the
	# rejects file
	run_split noid dm-scan corpus/b.txt --rejects rej.jsonl <rej.jsonl
	assert_success
	assert_stderr ''
	assert_output "{\"path\":\"corpus/b.txt\",\"size\":6,$M,\"type\":\"txt\",\"encoding\":\"utf-8\",\"text\":\"hello\n\"}"
	run_split noid dm-scan --from - --rejects rej.jsonl <rej.jsonl
	assert_status 2
	assert_output ''
	assert_stderr 'dm-scan: <stdin>: input file is the rejects file'
}

@test "--from reads its list as the scan goes: a line of 64 MB is not held, and is said with its number" {
	corpus
	# a list that is not one (a binary file, a path list cut by a
	# crash): the old read held it whole, and doubled it for the message
	run_split bash -c '{ head -c 64M /dev/zero | tr "\0" x; printf "\ncorpus/b.txt\n"; } |
	    /usr/bin/time -f %M -o rss dm-scan --from -'
	assert_status 1
	# its maximum resident size, in KiB (after time's word on the status);
	# ASan's shadow and quarantine are more
	is_asan || [ "$(tail -n 1 rss)" -lt 16384 ]
	assert_stderr <<EOF
dm-scan: <stdin>:1: File name too long
dm-scan: 1 file read, 1 error
EOF
	assert_output "{\"path\":\"corpus/b.txt\",\"id\":\"4792747ffe04f966\",\"size\":6,$M,\"type\":\"txt\",\"encoding\":\"utf-8\",\"text\":\"hello\n\"}"
	# the same for --from0, a file named in the message, the last path
	# without its separator
	{ printf 'corpus/b.txt\0'; head -c 5000 /dev/zero | tr '\0' y; printf '\0corpus/sub'; } >list0
	run_split noid dm-scan --from0 list0
	assert_status 1
	assert_stderr <<EOF
dm-scan: list0:2: File name too long
dm-scan: 2 files read, 1 error
EOF
	assert_output <<EOF
{"path":"corpus/b.txt","size":6,$M,"type":"txt","encoding":"utf-8","text":"hello\n"}
{"path":"corpus/sub/c.html","size":5,$M,"type":"html","encoding":"utf-8","text":"deep\n"}
EOF
}

# ---- --no-text, --jsonl ----

@test "--no-text writes the metadata only; dm-map load then gives the same samples" {
	corpus
	nested
	mkdir nm
	printf 'x\n' >"nm/$(printf 'new\nline\xff.txt')"
	printf 'caf\xe9\n' >nm/latin1.txt
	stamp nm/*
	run_split dm-scan --no-text corpus/sub outer.zip
	assert_success
	assert_stderr ''
	assert_output <<EOF
{"path":"corpus/sub/c.html","id":"d81652ffed00cf47","size":5,$M,"type":"html"}
{"path":"outer.zip!/inner.tar.gz!/x.md","id":"b0dfb7fdbd9ab3fd","size":4,$M,"type":"md"}
{"path":"outer.zip!/notes.txt.gz","id":"e49a8cf1afcffcea","size":5,$M,"type":"txt"}
EOF
	dm-scan corpus outer.zip nm >full
	dm-scan --no-text corpus outer.zip nm | dm-map load >loaded
	assert_same loaded full
}

@test "--jsonl passes the lines of JSONL files through, checked" {
	mkdir js
	printf '{"a":1}\n \t\n{"b":2}\r\n' >js/d.jsonl
	printf '{"c":3}\n[1]\n{"d":4}\n' | gzip >js/e.jsonl.gz
	tar -cf js.tar js/d.jsonl js/e.jsonl.gz
	run_split dm-scan --jsonl js
	assert_status 2
	assert_output $'{"a":1}\n{"b":2}\n{"c":3}'
	assert_stderr 'dm-scan: js/e.jsonl.gz:2: not a JSON object'
	run_split dm-scan --jsonl --on-error=skip --rejects rej js.tar
	assert_status 1
	assert_output $'{"a":1}\n{"b":2}\n{"c":3}\n{"d":4}'
	assert_stderr <<EOF
dm-scan: js.tar!/js/e.jsonl.gz:2: not a JSON object
dm-scan: 1 of 5 samples rejected
EOF
	assert_file rej '{"file":"js.tar!/js/e.jsonl.gz","line":2,"reason":"not a JSON object","raw":"[1]"}'
}

@test "--jsonl: a compressed file cut short gives every whole line decompressed before the damage, then its error, as the tools do" {
	seq 1 20000 | sed 's/.*/{"id":&,"text":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}/' >big.jsonl
	gzip -c big.jsonl >big.jsonl.gz
	head -c "$(($(stat -c %s big.jsonl.gz) / 4))" big.jsonl.gz >cut.jsonl.gz
	run_split dm-scan --jsonl cut.jsonl.gz
	assert_status 1
	assert_stderr 'dm-scan: cut.jsonl.gz: truncated gzip input
dm-scan: 1 file read, 1 error'
	printf '%s\n' "$output" >got
	n=$(wc -l <got)
	head -n "$n" big.jsonl | cmp - got
	# every whole line gzip -dc writes, as dm-filter reads them: before,
	# libarchive's filter lost the block it was filling at the damage
	# (64 KiB, 1,100 lines here)
	whole=$(gzip -dc cut.jsonl.gz 2>/dev/null | wc -l)
	[ "$whole" -gt 4000 ]
	[ "$n" -eq "$whole" ]
	# so for xz
	xz -c big.jsonl >big.jsonl.xz
	head -c "$(($(stat -c %s big.jsonl.xz) / 2))" big.jsonl.xz >cut.jsonl.xz
	run_split dm-scan --jsonl cut.jsonl.xz
	assert_status 1
	assert_stderr 'dm-scan: cut.jsonl.xz: truncated xz input
dm-scan: 1 file read, 1 error'
	[ "$(printf '%s\n' "$output" | wc -l)" -eq "$(xz -dc cut.jsonl.xz 2>/dev/null | wc -l)" ]
	# and for lz4 (its frames and its legacy format) and lzma, which
	# libarchive read as well
	for z in lz4 lz4-l lzma; do
		f=cut-$z.jsonl.${z%-l}
		case $z in
		lz4) lz4 -q -B4 -c big.jsonl ;;
		lz4-l) lz4 -q -l -c big.jsonl ;;
		lzma) xz --format=lzma -c big.jsonl ;;
		esac >whole
		head -c "$(($(stat -c %s whole) / 2))" whole >"$f"
		run_split dm-scan --jsonl "$f"
		assert_status 1
		assert_stderr "dm-scan: $f: truncated ${z%-l} input
dm-scan: 1 file read, 1 error"
		case $z in
		lzma) whole=$(xz -dc "$f" 2>/dev/null | wc -l) ;;
		*) whole=$(lz4 -dc "$f" 2>/dev/null | wc -l) ;;
		esac
		# (a legacy block holds 8 MiB, here the whole file: none)
		[ "$whole" -gt 1000 ] || [ $z = lz4-l ]
		[ "$(printf '%s' "$output" | grep -c .)" -eq "$whole" ]
	done
	# a file cut in its first bytes, which libarchive could not open:
	# its whole lines too, where it gave none
	printf '{"a":1}\n{"b":2}\n{"c":3}\n' | gzip -n >small.jsonl.gz
	head -c 30 small.jsonl.gz >small-cut.jsonl.gz
	[ "$(gzip -dc small-cut.jsonl.gz 2>/dev/null | wc -l)" -eq 2 ]
	run_split dm-scan --jsonl small-cut.jsonl.gz
	assert_status 1
	assert_output $'{"a":1}\n{"b":2}'
	assert_stderr 'dm-scan: small-cut.jsonl.gz: truncated gzip input
dm-scan: 1 file read, 1 error'
	# lines appended after the end of the stream are an error, as
	# dm-filter says; before, they were passed over with status 0
	printf '{"a":1}\n' | gzip -n >app.jsonl.gz
	printf '{"b":2}\n' >>app.jsonl.gz
	run_split dm-scan --jsonl app.jsonl.gz
	assert_status 1
	assert_output '{"a":1}'
	assert_stderr 'dm-scan: app.jsonl.gz: invalid gzip input: data after the end of the compressed stream
dm-scan: 1 file read, 1 error'
}

@test "--jsonl skips a byte order mark that opens a file, compressed or not; the columns count after it" {
	printf '\357\273\277{"a":1}\n' >x.jsonl
	printf '\357\273\277{"b":2,}\n\357\273\277{"c":3}\n' | gzip >y.jsonl.gz
	run_split dm-scan --jsonl --on-error=skip x.jsonl y.jsonl.gz
	assert_status 1
	assert_output '{"a":1}'
	assert_stderr <<EOF
dm-scan: y.jsonl.gz:1:8: invalid JSON: expected a string key
dm-scan: y.jsonl.gz:2:1: invalid JSON: expected a value
dm-scan: 2 of 3 samples rejected
EOF
}

# ---- the tool ----

@test "--progress reports files, bytes and rate on stderr" {
	corpus
	run_split dm-scan --progress corpus
	assert_success
	[[ $stderr =~ ^dm-scan:\ 3\ files,\ 0\.0\ MB,\ [0-9.]+\ MB/s$ ]]
}

@test "on a terminal a message erases the progress line first, and does not follow it" {
	printf 'a\n' >a.txt
	seq 100 >big.txt
	mkfifo list
	# the paths come after 1.2 s, so that a line is due after a.txt
	script -qec '(sleep 1.2; printf "a.txt\nbig.txt\n") >list &
	    dm-scan --progress --max-size 10 --from list >/dev/null' /dev/null >tty.out
	want=$(printf '\rdm-scan: 1 files, 0.0 MB, R MB/s\033[K\r\033[Kdm-scan: big.txt: larger than --max-size, skipped\r\n\rdm-scan: 1 files, 0.0 MB, R MB/s\r\ndm-scan: 1 file read, 1 file too large\r\n')
	got=$(sed -E 's/[0-9]+\.[0-9] MB\/s/R MB\/s/g' tty.out)
	[ "$got" = "$want" ]
}

@test "options, usage and version" {
	run_split dm-scan --version
	assert_success
	assert_output 'dm-scan (dm) 0.1.0'
	run_split dm-scan --help
	assert_success
	[[ $output == 'usage: dm-scan '* ]]
	# every option of the help is in the usage, and in the man page's
	# synopsis
	[[ $output == *'[-k FIELD]'*'[--report FILE]'* ]]
	grep -qx '\.Op Fl -report Ar FILE' "$DM_REPO/man/dm-scan.1"
	run_split dm-scan
	assert_status 2
	assert_stderr "dm-scan: missing PATH"$'\n'"$(usage_of dm-scan)"
	run_split dm-scan --bogus x
	assert_status 2
	assert_stderr "dm-scan: unknown option '--bogus'"$'\n'"$(usage_of dm-scan)"
}

@test "a write error (/dev/full) exits 2 with 'write error'" {
	corpus
	dm-scan corpus >/dev/full 2>err && status=0 || status=$?
	[ "$status" -eq 2 ]
	assert_bytes err '%s\n' "dm-scan: write error: No space left on device"
}

@test "ends quietly when the reader goes away (| head -n1)" {
	mkdir big
	for i in $(seq 1 300); do seq 1 2000 >big/$i.txt; done
	dm-scan big 2>err | head -n1 >out
	st=("${PIPESTATUS[@]}")
	[ "${st[0]}" -eq 141 ]
	assert_bytes err ''
	[ "$(jq -r .path out)" = big/1.txt ]
}

@test "archives nested three deep with long names keep their paths" {
	long=$(printf 'n%.0s' $(seq 1 150))
	mkdir -p "l1/$long"
	printf 'deep\n' >"l1/$long/x.txt"
	stamp "l1/$long/x.txt"
	tar -czf l2.tar.gz -C l1 "$long"
	tar -cf "mid$long.tar" l2.tar.gz
	zip -q -0 "outer$long.zip" "mid$long.tar"
	run_split noid dm-scan "outer$long.zip"
	assert_success
	assert_stderr ''
	assert_output "{\"path\":\"outer$long.zip!/mid$long.tar!/l2.tar.gz!/$long/x.txt\",\"size\":5,$M,\"type\":\"txt\",\"encoding\":\"utf-8\",\"text\":\"deep\n\"}"
	dm-scan --no-text "outer$long.zip" | dm-map load >loaded
	dm-scan "outer$long.zip" >full
	assert_same loaded full
}

@test "SIGINT or SIGTERM while the output is read slowly leaves only whole samples and exits 130 or 143" {
	mkdir big
	for i in $(seq 100 399); do seq 1 2000 >big/$i.txt; done
	mkfifo slow
	for sig in INT TERM; do
		rm -f out err go
		dm-scan big >slow 2>err &
		pid=$!
		# a reader that pauses until told: dm-scan waits on its output
		{
			head -c 1000
			for i in $(seq 600); do [ -e go ] && break; sleep 0.05; done
			cat
		} <slow >out &
		reader=$!
		wait_blocked "$pid" '*pipe_write*' '*pipe_wait*'
		# the signal comes while dm-scan is blocked in a write; it
		# finishes what it was writing once the reader goes on
		kill -"$sig" "$pid"
		touch go
		signal_and_wait "$pid" 0
		[ "$status" -eq "$([ $sig = INT ] && echo 130 || echo 143)" ]
		wait "$reader"
		[ "$(wc -l <out)" -lt 300 ]
		[ "$(tail -c 1 out | od -An -c | tr -d ' ')" = '\n' ]
		[ "$(jq -r .type out | sort -u)" = txt ]
		assert_bytes err ''
	done
}

@test "SIGINT or SIGTERM while --from - waits for paths ends the read at once and exits 130 or 143" {
	mkdir corpus
	printf 'a\n' >corpus/a.txt
	stamp corpus/a.txt
	mkfifo paths
	for opt in --from --from0; do
		sep='\n'
		[ "$opt" = --from ] || sep='\0'
		for sig in INT TERM; do
			# a writer that gives one path and keeps the pipe open:
			# the path is in the pipe before dm-scan starts, so that
			# it sleeps in its read only once it has taken it
			exec 8<>paths
			printf "corpus/a.txt$sep" >&8
			dm-scan "$opt" - <paths >out 2>err &
			pid=$!
			wait_blocked "$pid"
			signal_and_wait "$pid" "$sig"
			exec 8>&-
			[ "$status" -eq "$([ $sig = INT ] && echo 130 || echo 143)" ]
			# the paths are scanned as they come: the one given
			# before the signal was
			assert_bytes out "{\"path\":\"corpus/a.txt\",\"id\":\"1a0169b89eb6ac28\",\"size\":2,$M,\"type\":\"txt\",\"encoding\":\"utf-8\",\"text\":\"a\\\\n\"}\n"
			assert_bytes err ''
		done
	done
}

@test "SIGINT or SIGTERM while --from waits for a FIFO to be opened ends quietly with 130 or 143" {
	mkfifo paths
	for opt in --from --from0; do
		for sig in INT TERM; do
			dm-scan "$opt" paths >out 2>err &
			pid=$!
			wait_blocked "$pid" '*partner*' '*fifo*'
			signal_and_wait "$pid" "$sig"
			[ "$status" -eq "$([ $sig = INT ] && echo 130 || echo 143)" ]
			assert_bytes out ''
			assert_bytes err ''
		done
	done
}

@test "SIGINT or SIGTERM while nobody reads the output stops in 2 s, says the last line is cut short, exits 130 or 143" {
	mkdir big
	for i in $(seq 100 399); do seq 1 2000 >big/$i.txt; done
	dm-scan big >full
	mkfifo slow
	for sig in INT TERM; do
		rm -f out err go
		dm-scan big >slow 2>err &
		pid=$!
		# a reader that reads nothing until dm-scan has ended
		{
			for i in $(seq 1200); do [ -e go ] && break; sleep 0.05; done
			cat
		} <slow >out &
		reader=$!
		wait_blocked "$pid" '*pipe_write*' '*pipe_wait*'
		signal_and_wait "$pid" "$sig"
		touch go
		wait "$reader"
		[ "$status" -eq "$([ $sig = INT ] && echo 130 || echo 143)" ]
		# what the pipe held: the output's first bytes, ending inside
		# a sample (its lines are 10 KB, a pipe holds 64 KB)
		[ "$(wc -c <out)" -ge 4096 ]
		cmp -s out <(head -c "$(wc -c <out)" full)
		[ "$(tail -c 1 out | od -An -c | tr -d ' ')" != '\n' ]
		assert_bytes err 'dm-scan: stopped writing: output not read for 2 s after the signal; its last line is cut short\n'
	done
}

@test "--jsonl: a line longer than --max-line is a bad sample; under skip the next lines follow" {
	mkdir d
	printf '{"text":"a"}\n{"text":"%s"}\n{"text":"b"}\n' \
	    "$(head -c 300000 /dev/zero | tr '\0' x)" >d/t.jsonl
	run_split dm-scan --jsonl --max-line 100K d
	assert_status 2
	assert_output '{"text":"a"}'
	assert_stderr "dm-scan: d/t.jsonl:2: line is longer than --max-line (102400 bytes)"
	run_split dm-scan --jsonl --max-line 100K --on-error=skip --rejects r.jsonl d
	assert_status 1
	assert_output "$(printf '%s\n' '{"text":"a"}' '{"text":"b"}')"
	assert_stderr "$(printf '%s\n' \
	    "dm-scan: d/t.jsonl:2: line of 300011 bytes is longer than --max-line (102400 bytes)" \
	    "dm-scan: 1 of 3 samples rejected")"
	run jq -c '[.file, .line, .length, (.raw_head | length)]' r.jsonl
	assert_output '["d/t.jsonl",2,300011,4096]'
}

@test "--max-size applies to the files of a .deb, not to its data.tar.xz" {
	mkdir -p pkg/DEBIAN pkg/usr/share/doc/x
	printf 'Package: x\nVersion: 1\nArchitecture: all\nMaintainer: a <a@b>\nDescription: x\n' \
	    >pkg/DEBIAN/control
	for i in 1 2 3; do
		seq 1 20 | sed "s/^/line $i /" >pkg/usr/share/doc/x/f$i.txt
	done
	dpkg-deb -Zxz --build pkg x.deb >/dev/null
	[ "$(ar p x.deb data.tar.xz | wc -c)" -gt 300 ]
	run_split dm-scan --max-size 300 x.deb
	assert_success
	assert_stderr ''
	run jq -r '[.path, .size] | @tsv' <<<"$output"
	assert_output "$(printf '%s\t%s\n' 'x.deb!/debian-binary' 4 \
	    'x.deb!/control.tar.xz!/./control' 75 \
	    'x.deb!/data.tar.xz!/./usr/share/doc/x/f1.txt' 191 \
	    'x.deb!/data.tar.xz!/./usr/share/doc/x/f2.txt' 191 \
	    'x.deb!/data.tar.xz!/./usr/share/doc/x/f3.txt' 191)"
}

@test "a run that reads no sample because of --max-size or --min-size says so and exits 1" {
	mkdir d
	seq 1 1000 >d/a.txt
	echo x >d/b.txt
	run_split dm-scan --max-size 1K --min-size 3 d
	assert_status 1
	assert_output ''
	assert_stderr "$(printf '%s\n' 'dm-scan: d/a.txt: larger than --max-size, skipped' \
	    'dm-scan: 0 files read, 1 file too large' \
	    'dm-scan: no sample read: 1 file over --max-size, 1 under --min-size')"
}

@test "--type and --include must both hold" {
	mkdir -p t/lib
	echo t >t/a.txt
	echo h >t/b.html
	echo t >t/lib/c.txt
	echo h >t/lib/d.html
	run_split dm-scan --type html --include '**/lib/**' t
	assert_success
	run jq -r .path <<<"$output"
	assert_output 't/lib/d.html'
	# a type in any case
	run_split dm-scan --type HTML,Txt --include '**/lib/**' t
	assert_success
	run jq -r .path <<<"$output"
	assert_output $'t/lib/c.txt\nt/lib/d.html'
}

@test "--type: an empty item chooses the names without an extension, not every file" {
	mkdir ty
	printf 'r\n' >ty/README
	printf 't\n' >ty/a.txt
	printf 'm\n' >ty/b.md
	for t in '' ',' 'txt,'; do
		run_split dm-scan --type "$t" ty
		assert_success
		assert_stderr ''
		[ "$(jq -r .path <<<"$output" | tr '\n' ' ')" = "$([ "$t" = txt, ] && echo 'ty/README ty/a.txt ' || echo 'ty/README ')" ]
	done
}

@test "--max-total counts nested archives already closed: a zip of gzipped tars stops" {
	mkdir b
	head -c 10M /dev/zero >b/zero.bin
	for i in 1 2 3 4 5; do tar -C b -czf in$i.tar.gz zero.bin; done
	zip -q0 outer.zip in*.tar.gz
	[ "$(wc -c <outer.zip)" -lt 100000 ]
	run_split dm-scan --max-total 30M outer.zip
	assert_status 2
	assert_stderr "$(printf '%s\n' \
	    "dm-scan: outer.zip: more than --max-total '30M' decompressed in this run, stopped" \
	    'dm-scan: 0 files read, 3 binary files skipped')"
}

@test "--max-total counts what every operand gives out, as its help says" {
	yes a | head -c 6M | gzip >a.txt.gz
	yes b | head -c 6M | gzip >b.txt.gz
	run_split dm-scan --max-size 8M --max-total 10M a.txt.gz b.txt.gz
	assert_status 2
	[ "$(printf '%s\n' "$output" | jq -r .path)" = a.txt.gz ]
	assert_stderr "dm-scan: b.txt.gz: more than --max-total '10M' decompressed in this run, stopped"
	run_split dm-scan --help
	assert_success
	[ "$(grep -A2 -e '^      --max-total' <<<"$output")" = "\
      --max-total SIZE     stop when the archives of the whole run, every
                           operand's, give out more (default 16G; 0: no
                           limit)" ]
}

@test "--max-total counts a member skipped for its size, even the last one" {
	mkdir c
	echo small >c/a.txt
	head -c 50M /dev/zero | tr '\0' a >c/zz.txt
	tar -C c -czf last.tar.gz a.txt zz.txt
	run_split dm-scan --max-size 1M --max-total 20M last.tar.gz
	assert_status 2
	run jq -r .path <<<"$output"
	assert_output 'last.tar.gz!/a.txt'
	assert_stderr "$(printf '%s\n' \
	    'dm-scan: last.tar.gz!/zz.txt: larger than --max-size, skipped' \
	    "dm-scan: last.tar.gz: more than --max-total '20M' decompressed in this run, stopped" \
	    'dm-scan: 1 file read, 1 file too large')"
}

@test "a hard link in a tar or cpio archive is counted, where tar's gave nothing and cpio's an empty text" {
	mkdir d
	echo 'hello there' >d/b.txt
	ln d/b.txt d/a.txt
	tar -cf t.tar d/b.txt d/a.txt
	printf 'd/b.txt\nd/a.txt\n' | cpio -o -H newc >t.cpio 2>/dev/null
	printf 'd/b.txt\nd/a.txt\n' | cpio -o -H odc >o.cpio 2>/dev/null
	run_split dm-scan --report r.jsonl t.tar
	assert_success
	assert_stderr 'dm-scan: 1 file read, 1 hard link in archives skipped'
	[ "$(jq -c '[.path, .text]' <<<"$output")" = '["t.tar!/d/b.txt","hello there\n"]' ]
	run jq -c '[.in, .out, .dropped]' r.jsonl
	assert_output '[2,1,{"hard link":1}]'
	# newc keeps the data with the last name; odc with each
	run_split dm-scan t.cpio o.cpio
	assert_success
	assert_stderr 'dm-scan: 3 files read, 1 hard link in archives skipped'
	[ "$(jq -c '[.path, .text]' <<<"$output")" = "$(printf '%s\n' \
	    '["t.cpio!/d/a.txt","hello there\n"]' '["o.cpio!/d/b.txt","hello there\n"]' \
	    '["o.cpio!/d/a.txt","hello there\n"]')" ]
}

@test "the report counts the lines of --jsonl files as the samples read, a text file as one" {
	unset DM_REJECTS DM_REPORT
	corpus
	mkdir corpus/j
	printf '{"a":1}\n{"a":2}\n\n{"a":3}\nbad\n' >corpus/j/d.jsonl
	printf '{"b":1}\n' >corpus/j/e.jsonl
	run_split dm-scan --jsonl --on-error=skip --report r.jsonl corpus
	assert_status 1
	[ "$(printf '%s\n' "$output" | wc -l)" -eq 7 ]
	# the JSONL files were one sample read each, so 5 in, 7 out, 1
	# rejected, and the funnel could not say what was kept
	run jq -c '[.in, .out, .rejected]' r.jsonl
	assert_output '[8,7,1]'
	run dm-stats --funnel r.jsonl
	assert_output <<EOF
stage                                         in       out   dropped    kept
dm-scan --jsonl --on-error=skip --...          8         7         1   87.5%
  rejected                                                         1
EOF
}

@test "a gzip of zeros read as an empty tar says what was read" {
	head -c 10M /dev/zero | gzip >zeros.gz
	run_split dm-scan zeros.gz
	assert_success
	assert_output ''
	assert_stderr "dm-scan: zeros.gz: no member: read as an empty tar archive, after 1024 bytes"
}
