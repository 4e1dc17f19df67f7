#!/usr/bin/env bats
# io-edge.bats - the shared reader, sample and writer at their edges: long
# changed lines, line ends, numbers and signals, across the tools that
# share them (dm.7).

load helper

# big20 PREFIX: a sample of a 20 MB text, in the object that PREFIX opens
# ('"meta":{' for a nested field, '' for a top-level one).
big20() {
	local close=
	[ -n "$1" ] && close='}'
	printf '{"id":1,%s"lang":"en","text":"' "$1"
	head -c 20000000 /dev/zero | tr '\0' 'a'
	printf '"%s}\n' "$close"
}

@test "a changed 20 MB text, nested or not, is held three times at most: read, changed, encoded" {
	local m
	skip_asan "its shadow memory and quarantine of freed blocks are in the RSS"
	big20 '"meta":{' >nested.jsonl
	big20 '' >flat.jsonl
	{
		printf '{"id":1,"meta":{"lang":"en","text":"'
		head -c 20000000 /dev/zero | tr '\0' 'A'
		printf '"}}\n'
	} >nested.want
	{
		printf '{"id":1,"lang":"en","text":"'
		head -c 20000000 /dev/zero | tr '\0' 'A'
		printf '"}\n'
	} >flat.want
	/usr/bin/time -f %M -o rss dm-map -k meta.text upper nested.jsonl >out
	cmp out nested.want
	m=$(cat rss)
	echo "dm-map -k meta.text: $m kB"
	[ "$m" -lt 70000 ]
	/usr/bin/time -f %M -o rss dm-map upper flat.jsonl >out
	cmp out flat.want
	m=$(cat rss)
	echo "dm-map: $m kB"
	[ "$m" -lt 70000 ]
}

@test "the CR of a CRLF line counts neither against --max-line nor in the length of a longer line" {
	local t
	# 20 bytes, then 21, each with CRLF; a line of 111 bytes whose CR
	# comes alone, in a read of its own before the LF
	printf '{"text":"aaaaaaaaa"}\r\n{"text":"aaaaaaaaaa"}\r\n' >in.jsonl
	for t in dm-map dm-filter dm-slice dm-stats; do
		case $t in
		dm-map) cmd=(dm-map 'drop x') ;;
		dm-filter) cmd=(dm-filter true) ;;
		dm-slice) cmd=(dm-slice --size 100) ;;
		dm-stats) cmd=(dm-stats --json) ;;
		esac
		echo "tool: $t"
		run_out out "${cmd[@]}" --max-line 20 --on-error=skip \
		    --rejects rej.jsonl in.jsonl
		assert_status 1
		assert_stderr "$t: in.jsonl:2: line of 21 bytes is longer than --max-line (20 bytes)
$t: 1 of 2 samples rejected"
		assert_file rej.jsonl '{"file":"in.jsonl","line":2,"reason":"line of 21 bytes is longer than --max-line (20 bytes)","raw_head":"{\"text\":\"aaaaaaaaaa\"","length":21}'
	done
	dm-map 'drop x' <in.jsonl --max-line 20 --on-error=skip 2>/dev/null >out || :
	assert_file out '{"text":"aaaaaaaaa"}'
	{
		printf '{"text":"%s"}\r' "$(printf 'a%.0s' $(seq 100))"
		sleep 0.3
		printf '\n{"text":"z"}\n'
	} | dm-filter --max-line 20 --on-error=skip true >out 2>err || :
	assert_file out '{"text":"z"}'
	assert_file err 'dm-filter: <stdin>:1: line of 111 bytes is longer than --max-line (20 bytes)
dm-filter: 1 of 2 samples rejected'
}

@test "a number past the range of a double is a number: drop and comparisons take it" {
	printf '{"text":"a","f":1e400,"g":[-1e999,2],"h":{"x":1E+500,"y":1}}\n' >in.jsonl
	run_split dm-map 'drop f; drop g; drop h.x' in.jsonl
	assert_success
	assert_stderr ''
	assert_output '{"text":"a","h":{"y":1}}'
	run_split dm-filter 'g == [1] || g == [-1, 2]' in.jsonl
	assert_success
	assert_stderr ''
	assert_output ''
	run_split dm-filter 'g != [1]' in.jsonl
	assert_success
	assert_stderr ''
	assert_output "$(cat in.jsonl)"
}

@test "drop of a 20 MB field parses it from the line, not from a copy of it" {
	local m
	skip_asan "its shadow memory and quarantine of freed blocks are in the RSS"
	{
		printf '{"text":"a","html":"'
		head -c 20000000 /dev/zero | tr '\0' 'p'
		printf '","id":7}\n'
	} >in.jsonl
	/usr/bin/time -f %M -o rss dm-map 'drop html' in.jsonl >out
	assert_file out '{"text":"a","id":7}'
	m=$(cat rss)
	echo "dm-map drop: $m kB"
	[ "$m" -lt 50000 ]
}

@test "the byte order mark of an input's first line does not count against --max-line, nor in the length rejected" {
	printf '\357\273\277{"text":"abc"}\n{"text":"abcd"}\n' >bom.jsonl
	run_split dm-map --max-line 14 --on-error=skip --rejects rej.jsonl upper bom.jsonl
	assert_status 1
	assert_output '{"text":"ABC"}'
	assert_stderr $'dm-map: bom.jsonl:2: line of 15 bytes is longer than --max-line (14 bytes)\ndm-map: 1 of 2 samples rejected'
	run_split dm-map --max-line 13 --on-error=skip --rejects rej2.jsonl upper bom.jsonl
	assert_status 1
	assert_output ''
	run jq -c '[.line, .length, .raw_head]' rej2.jsonl
	assert_output $'[1,14,"{\\"text\\":\\"abc\\""]\n[2,15,"{\\"text\\":\\"abcd"]'
}

@test "lines of a compressed pipe are written as they are decompressed, not when 256 KB are: a slow producer's flushed lines come out while it is idle" {
	local z t want want2
	# one gzip stream, each line ended by a full flush (Z_SYNC_FLUSH)
	cat >flush.py <<-'PY'
	import os, sys, time, zlib
	z = zlib.compressobj(6, zlib.DEFLATED, 31)
	o = sys.stdout.buffer
	o.write(z.compress(b'{"text":"One"}\n') + z.flush(zlib.Z_SYNC_FLUSH))
	o.flush()
	for i in range(30):
	    if os.path.exists('out.jsonl') and os.path.getsize('out.jsonl'):
	        break
	    time.sleep(0.1)
	os.system('cat out.jsonl >seen')
	o.write(z.compress(b'{"text":"Two"}\n') + z.flush())
	PY
	for t in dm-map dm-filter; do
		case $t in
		dm-map) cmd=(dm-map lower) want='{"text":"one"}'
			want2='{"text":"two"}' ;;
		dm-filter) cmd=(dm-filter true) want='{"text":"One"}'
			want2='{"text":"Two"}' ;;
		esac
		echo "$t: gzip, flushed"
		rm -f out.jsonl seen
		timeout 20 python3 flush.py | timeout 20 "${cmd[@]}" >out.jsonl
		assert_file seen "$want"
		assert_file out.jsonl "$want
$want2"
	done
	# a stream (a member, a frame) a line, as a logger that compresses
	# each record writes them; xz's flush on idle input within one stream
	for z in gzip bzip2 xz zstd 'xz --flush-timeout=50'; do
		echo "dm-map: $z"
		rm -f out.jsonl seen
		if [ "$z" = 'xz --flush-timeout=50' ]; then
			{
				echo '{"text":"One"}'
				waitout out.jsonl
				echo '{"text":"Two"}'
			} | $z -c
		else
			{
				echo '{"text":"One"}' | $z -c
				waitout out.jsonl
				echo '{"text":"Two"}' | $z -c
			}
		fi | timeout 20 dm-map lower >out.jsonl
		assert_file seen '{"text":"one"}'
		assert_file out.jsonl $'{"text":"one"}\n{"text":"two"}'
	done
}

@test "an interrupt while a compressed pipe is idle: the lines decompressed before it are written" {
	local pid ppid
	cat >idle.py <<-'PY'
	import sys, time, zlib
	z = zlib.compressobj(6, zlib.DEFLATED, 31)
	o = sys.stdout.buffer
	o.write(z.compress(b'{"text":"One"}\n{"text":"Two"}\n{"text":"Th'))
	o.write(z.flush(zlib.Z_SYNC_FLUSH))
	o.flush()
	time.sleep(10)
	PY
	mkfifo fifo
	timeout 20 python3 idle.py >fifo &
	ppid=$!
	dm-map lower <fifo >out.jsonl 2>err &
	pid=$!
	waitout out.jsonl
	kill -INT "$pid"
	wait "$pid" && status=0 || status=$?
	kill "$ppid" 2>/dev/null || :
	wait "$ppid" || :
	assert_status 130
	assert_file out.jsonl $'{"text":"one"}\n{"text":"two"}'
	assert_file err ''
}

@test "after an xz or zstd stream, zero padding is passed over and appended lines are data after its end, as after a gzip or bzip2 one" {
	local z e
	for z in xz zstd; do
		e=$z
		[ $z = zstd ] && e=zst
		{ echo '{"text":"a"}' | $z -q -c; echo '{"text":"b"}'; } >m.$e
		{ echo '{"text":"a"}' | $z -q -c; head -c 10000 /dev/zero; } >z.$e
		{
			echo '{"text":"a"}' | $z -q -c
			head -c 8 /dev/zero
			echo '{"text":"b"}' | $z -q -c
		} >two.$e
		run_split dm-map upper z.$e two.$e
		assert_success
		assert_stderr ''
		assert_output $'{"text":"A"}\n{"text":"A"}\n{"text":"B"}'
	done
	run_split dm-map upper m.xz
	assert_status 2
	assert_output '{"text":"A"}'
	assert_stderr 'dm-map: m.xz:2: invalid xz input: data after the end of the compressed stream'
	# zstd's decoder names what follows a frame that is not one
	run_split dm-map upper m.zst
	assert_status 2
	assert_output '{"text":"A"}'
	assert_stderr 'dm-map: m.zst:2: invalid zstd input: Unknown frame descriptor'
}

@test "an xz stream whose dictionary is over 128 MiB is refused, not decoded into as much memory as its text" {
	# xzdict D: two lines in one xz stream whose header declares the
	# dictionary size of byte D (30: 128 MiB, 40: 4 GiB)
	xzdict() {
		python3 -c '
import lzma, struct, sys, zlib
x = bytearray(lzma.compress(b"{\"text\":\"a\"}\n{\"text\":\"b\"}\n",
    format=lzma.FORMAT_XZ, filters=[{"id": lzma.FILTER_LZMA2, "preset": 0}]))
n = (x[12] + 1) * 4
h = x[12:12 + n]
assert h[1] & 0xc0 == 0 and h[2] == 0x21 and h[3] == 1
h[4] = int(sys.argv[1])
h[n - 4:] = struct.pack("<I", zlib.crc32(bytes(h[:n - 4])))
x[12:12 + n] = h
sys.stdout.buffer.write(x)' "$1"
	}
	xzdict 30 >ok.xz
	xzdict 40 >big.xz
	run_split dm-map upper ok.xz
	assert_success
	assert_stderr ''
	assert_output $'{"text":"A"}\n{"text":"B"}'
	run_split dm-map upper big.xz ok.xz
	assert_status 2
	assert_output $'{"text":"A"}\n{"text":"B"}'
	assert_stderr 'dm-map: big.xz:1: unsupported xz input: it needs 4097 MiB of memory to decompress, more than 136 MiB'
}
