#!/usr/bin/env bats
# compress.bats - compressed input (dm.7): each format decompressed as it
# arrives, its damage reported at the line it cut, short files.

load helper

# lines N: N samples of text that compresses to about 40 bytes a line.
lines() {
	awk -v n="$1" 'BEGIN { x = 7; for (i = 1; i <= n; i++) {
		s = ""; for (j = 0; j < 8; j++) {
			x = (x * 1103515245 + 12345) % 2147483648
			s = s sprintf("%x", x) }
		printf "{\"id\":%d,\"text\":\"%s\"}\n", i, s } }'
}

@test "lz4 and lzma from a pipe that pauses: the samples whose compressed bytes have come are written before the pause ends" {
	local z
	# lz4: a frame a line, as a logger that compresses each record
	rm -f out.jsonl seen
	{
		echo '{"text":"One"}' | lz4 -c
		waitout out.jsonl
		echo '{"text":"Two"}' | lz4 -c
	} | timeout 20 dm-map lower >out.jsonl
	assert_file seen '{"text":"one"}'
	assert_file out.jsonl $'{"text":"one"}\n{"text":"two"}'
	# one stream, cut at the pause: what its first part holds comes out
	lines 20000 >in.jsonl
	for z in 'lz4 -q -B4' 'xz --format=lzma'; do
		echo "$z"
		$z -c in.jsonl >in.z
		rm -f out.jsonl seen
		{
			head -c 60000 in.z
			waitout out.jsonl
			tail -c +60001 in.z
		} | timeout 20 dm-filter true >out.jsonl
		[ -s seen ]
		cmp seen <(head -n "$(wc -l <seen)" in.jsonl)
		cmp out.jsonl in.jsonl
	done
}

@test "an lz4 or lzma input cut short is read up to the cut, as lz4 -dc and xz -dc write it, then reported" {
	local z e
	lines 20000 >in.jsonl
	for z in 'lz4 -q -B4' 'xz --format=lzma'; do
		e=${z%% *}
		[ "$e" = xz ] && e=lzma
		echo "$z"
		$z -c in.jsonl | head -c 100000 >cut.$e
		# their whole lines: the last, cut, is no sample
		$z -dc <cut.$e 2>/dev/null | sed '$d' >want.jsonl || :
		[ "$(wc -l <want.jsonl)" -gt 1000 ]
		run_split dm-filter true cut.$e
		assert_status 2
		[ "$output" = "$(cat want.jsonl)" ]
		assert_stderr "dm-filter: cut.$e:$(($(wc -l <want.jsonl) + 1)): truncated $e input"
	done
}

@test "lzma streams one after another are an error, as xz -dc finds them, not the first alone with status 0" {
	{
		echo '{"text":"One"}' | xz --format=lzma -c
		echo '{"text":"Two"}' | xz --format=lzma -c
	} >two.lzma
	run_split dm-map lower two.lzma
	assert_status 2
	assert_output '{"text":"one"}'
	assert_stderr 'dm-map: two.lzma:2: invalid lzma input: data after the end of the compressed stream'
}

@test "a compressed input cut short or damaged is reported at file:line, the line after the last whole one, status 2" {
	local z e
	# a whole stream of a line and a blank one, then one cut in its header
	for z in gzip bzip2 xz zstd lz4; do
		e=$z
		{
			printf '{"text":"a"}\n\n' | $z -q -c
			printf '{"text":"b"}\n' | $z -q -c | head -c 6
		} >cut.$e
		run_split dm-map upper cut.$e
		assert_status 2
		assert_output '{"text":"A"}'
		assert_stderr "dm-map: cut.$e:3: truncated $e input"
	done
	# standard input, and the last line cut without its newline
	printf '{"text":"a"}\n{"text":"b"' | gzip -c | head -c 20 >cut.gz
	run_split dm-map upper <cut.gz
	assert_status 2
	assert_output ''
	assert_stderr 'dm-map: <stdin>:1: truncated gzip input'
	# damage found after the last line: the line after it
	printf '{"text":"a"}\n' | gzip -c >crc.gz
	printf '\1' | dd of=crc.gz bs=1 seek=$(($(wc -c <crc.gz) - 8)) conv=notrunc status=none
	run_split dm-map upper crc.gz
	assert_status 2
	assert_output '{"text":"A"}'
	assert_stderr 'dm-map: crc.gz:2: invalid gzip input: incorrect data check'
}

@test "a truncated compressed line longer than --max-line is reported at its own line" {
	{
		echo '{"text":"a"}'
		printf '{"text":"'
		lines 3000 | tr -d '\n{}":'
		echo '"}'
	} | gzip -c | head -c 20000 >long.gz
	# its bytes decompressed: all zlib gives, past its first line
	n=$(python3 -c 'import zlib; print(len(zlib.decompressobj(31).decompress(open("long.gz", "rb").read()).split(b"\n", 1)[1]))')
	run_split dm-map --max-line 100 --on-error=skip upper long.gz
	assert_status 2
	assert_output '{"text":"A"}'
	assert_stderr "dm-map: long.gz:2: truncated gzip input
dm-map: long.gz:2: line of $n bytes is longer than --max-line (100 bytes)
dm-map: 1 of 2 samples rejected"
}

@test "a file cut inside a compression's magic number is that input truncated; text that starts the same is text" {
	local m e
	for m in 'gzip \x1f' 'gzip \x1f\x8b' 'xz \xfd7zX' 'zstd (\xb5' 'lz4 \x04"M' 'lzma ]\0'; do
		e=${m%% *}
		printf "${m#* }" >short.$e
		run_split dm-map upper short.$e
		assert_status 2
		assert_output ''
		assert_stderr "dm-map: short.$e:1: truncated $e input"
	done
	printf '\x1f' | { run_split dm-filter true; assert_status 2; assert_stderr 'dm-filter: <stdin>:1: truncated gzip input'; }
	# the same first bytes as text
	for m in 'B' 'BZ' '(' ']'; do
		printf '%s' "$m" >text
		run_split dm-map upper text
		assert_status 2
		assert_stderr 'dm-map: text:1:1: invalid JSON: expected a value'
	done
	printf '\x1f\n{"text":"a"}\n' >ctl
	run_split dm-map upper ctl
	assert_status 2
	assert_stderr 'dm-map: ctl:1:1: invalid JSON: expected a value'
}

@test "zstd that starts with a skippable frame, as pzstd writes it, is zstd, not text with a NUL byte" {
	lines 3000 >in.jsonl
	pzstd -q -c in.jsonl >in.zst
	run_out out dm-filter true in.zst
	assert_success
	assert_same out in.jsonl
	run_out out dm-filter true <in.zst
	assert_success
	assert_same out in.jsonl
	# the skippable frame alone is an empty input, as for zstd -dc
	printf 'P*M\030\0\0\0\0' >empty.zst
	run_split dm-map upper empty.zst
	assert_success
	assert_output ''
	assert_stderr ''
}

@test "compress's .Z is decompressed, as gzip -dc and dm-scan read it, not read as text" {
	lines 3000 >in.jsonl
	bsdtar -cf in.Z --format raw -Z in.jsonl
	[ "$(head -c 2 in.Z | od -An -tx1 | tr -d ' ')" = 1f9d ]
	run_out out dm-filter true in.Z
	assert_success
	assert_same out in.jsonl
	run_out out dm-filter true <in.Z
	assert_success
	assert_same out in.jsonl
	printf '\037\235' >cut.Z
	run_split dm-filter true cut.Z
	assert_status 2
	assert_stderr 'dm-filter: cut.Z:1: truncated compress input'
}

@test "lz4's legacy format (lz4 -l, the Linux kernel's) is lz4, alone or among frames" {
	lines 3000 >in.jsonl
	lz4 -q -l -c in.jsonl >in.lz4
	run_out out dm-filter true in.lz4
	assert_success
	assert_same out in.jsonl
	{ cat in.lz4; lz4 -q -c in.jsonl; cat in.lz4; } | run_out out dm-filter true
	assert_success
	[ "$(wc -l <out)" -eq 9000 ]
	head -c 1000 in.lz4 >cut.lz4
	run_split dm-filter true cut.lz4
	assert_status 2
	assert_stderr 'dm-filter: cut.lz4:1: truncated lz4 input'
}

@test "damaged lz4 says what is wrong, as lz4 -dc does; an lzma stream over xz's memory bound is refused" {
	local f
	printf '{"text":"a"}\n' | lz4 -q -BX -c >ok.lz4
	# a byte of the block, of the content checksum, of the header
	python3 - <<'PY'
d = open('ok.lz4', 'rb').read()
for name, at in (('block', 14), ('content', len(d) - 1), ('header', 6)):
    x = bytearray(d)
    x[at] ^= 1
    open(name + '.lz4', 'wb').write(x)
PY
	run_split dm-map upper block.lz4
	assert_status 2
	assert_output ''
	assert_stderr 'dm-map: block.lz4:1: invalid lz4 input: block checksum mismatch'
	run_split dm-map upper content.lz4
	assert_status 2
	assert_output '{"text":"A"}'
	assert_stderr 'dm-map: content.lz4:2: invalid lz4 input: content checksum mismatch'
	run_split dm-map upper header.lz4
	assert_status 2
	assert_stderr 'dm-map: header.lz4:1: invalid lz4 input: header checksum mismatch'
	# a dictionary of 4 GiB declared
	python3 -c '
import lzma, sys
x = bytearray(lzma.compress(b"{\"text\":\"a\"}\n", format=lzma.FORMAT_ALONE))
x[1:5] = (0xffff0000).to_bytes(4, "little")
sys.stdout.buffer.write(x)' >big.lzma
	run_split dm-map upper big.lzma
	assert_status 2
	assert_stderr 'dm-map: big.lzma:1: unsupported lzma input: it needs 4096 MiB of memory to decompress, more than 136 MiB'
}

@test "a zstd frame whose window is over 128 MiB (zstd --long=31 of a pipe) is unsupported, not invalid" {
	lines 2000 | zstd -q --long=31 -c >long.zst
	run_split dm-map upper long.zst
	assert_status 2
	assert_output ''
	assert_stderr 'dm-map: long.zst:1: unsupported zstd input: its window needs more than 128 MiB of memory to decompress'
	lines 2000 | zstd -q --long=27 -c >ok.zst
	run_out out dm-map 'drop x' ok.zst
	assert_success
	[ "$(wc -l <out)" -eq 2000 ]
}
