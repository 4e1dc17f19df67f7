#!/usr/bin/env bats
# dm-run-inplace.bats - a regular file as input is cut in place: the blocks
# are byte ranges of the file that dm-run splices into the jobs' pipes, or
# that dm tools next to dm-run read from the file themselves.
# With --block, everything a job sees, and so everything dm-run writes, is
# the same as through a pipe (the input copied through dm-run's memory):
# each test runs both ways and compares them byte for byte. Without it,
# blocks in place are sized by the file (the last test).

load helper

# both OUT ARGS...: runs dm-run ARGS three ways on the file in: from a pipe
# (OUT.pipe), with the file as stdin (OUT.stdin) and as an operand
# (OUT.file); each must succeed, and the three outputs be the same bytes,
# and their messages the same lines (OUT.err, sorted: jobs side by side
# may report in either order).
both() {
	local out=$1 way
	shift
	run_out "$out.pipe" sh -c 'cat in | dm-run "$@"' sh "$@"
	assert_success
	sort "$TMP/.stderr" >"$out.err.pipe"
	run_out "$out.stdin" dm-run "$@" <in
	assert_success
	sort "$TMP/.stderr" >"$out.err.stdin"
	run_out "$out.file" dm-run "$@" in </dev/null
	assert_success
	sort "$TMP/.stderr" >"$out.err.file"
	for way in stdin file; do
		assert_same "$out.$way" "$out.pipe"
		assert_same "$out.err.$way" "$out.err.pipe"
	done
	mv "$out.err.pipe" "$out.err"
}

# Each job prints its number, and its block's CRC and size: the blocks
# themselves are compared, not only their concatenation.
blocks='printf "%s " "$DM_JOB"; cksum'

@test "in place: the same blocks and output as through a pipe, with and without a last newline, CRLF, a line longer than a block" {
	{
		for i in $(seq 1 120); do
			printf '{"id":%d,"text":"%s"}\n' "$i" "$(head -c $((i * 37 % 200 + 1)) /dev/zero | tr '\0' 'w')"
		done
		printf '{"id":121,"text":"crlf"}\r\n\r\n\n'
		printf '{"id":122,"text":"%s"}\n' "$(head -c 5000 /dev/zero | tr '\0' 'L')"
		printf '{"id":123,"text":"last"}'
	} >full
	for input in nonl nl; do
		cp full in
		[ $input = nl ] && echo >>in
		for b in 1K 4K 5000 64K; do
			both out -j 3 --block "$b" -- "$blocks"
			assert_bytes out.err ''
		done
		both out -j 2 --block 1K -- "sed 's/w/W/g'"
		sed 's/w/W/g' <in >want
		assert_same out.stdin want
		for n in 7 1000; do
			both out -j 2 --lines "$n" -- "$blocks"
		done
	done
	# the blocks of --block 4K: whole lines, the long line alone
	run_out out dm-run -j 2 --block 4K -- 'wc -c' <full
	[ "$(awk '$1 > 4096' out)" = "$(awk '/LLLL/ { print length($0) + 1 }' full)" ]
	[ "$(awk '{ n += $1 } END { print n }' out)" = "$(wc -c <full)" ]
}

@test "in place: a file of one line, with and without a newline, and an empty file" {
	head -c 20000 /dev/zero | tr '\0' 'x' >in
	both out -j 2 --block 1K -- "$blocks"
	assert_file out.stdin "1 $(cksum <in)"
	echo >>in
	both out -j 2 --block 1K -- "$blocks"
	assert_file out.stdin "1 $(cksum <in)"
	: >in
	both out -j 2 --block 1K -- "$blocks"
	assert_bytes out.stdin ''
	printf '\n' >in
	both out -- "$blocks"
	assert_file out.stdin "1 $(cksum <in)"
}

@test "in place: stdin already read in part starts where its offset is" {
	seq 1 5000 >in
	{ head -n 1000 >/dev/null; dm-run -j 2 --block 1K -- cat >out; } <in
	tail -n +1001 in >want
	assert_same out want
	{ head -n 4990 >/dev/null; dm-run -j 2 --lines 3 -- "$blocks" >out; } <in
	tail -n 10 in | split -l 3 - blk.
	n=0
	for f in blk.*; do
		n=$((n + 1))
		printf '%s ' $n
		cksum <"$f"
	done >want
	assert_same out want
}

@test "in place: a retried job reads the same bytes again" {
	seq 1 20000 >in
	# the first attempt of every other job reads part of its block, writes
	# something and fails; the retry must see the whole block
	cmd='if [ $DM_ATTEMPT = 1 ] && [ $((DM_JOB % 2)) = 0 ]; then head -n 3; exit 3; fi; cat'
	both out -j 2 --block 8K --retries 1 -- "$cmd"
	assert_same out.stdin in
	grep -c 'exit status 3; trying again (2 of 2)$' out.err >n
	assert_file n 7
	# each block is the same as in a run without failures
	both out -j 2 --block 8K --retries 1 -- "${cmd%cat}$blocks"
	run_out want dm-run -j 2 --block 8K -- "$blocks" <in
	assert_same out.stdin want
}

@test "in place: the same parts and manifest as through a pipe; a run killed from a pipe resumes in place" {
	seq 1 30000 | sed 's/$/ some text/' >in
	cat in | dm-run -j 2 --block 16K --output-dir p -- 'sed s/1/one/g'
	dm-run -j 2 --block 16K --output-dir s -- 'sed s/1/one/g' <in
	sed 1,3d p/_MANIFEST | sort >p.parts
	sed 1,3d s/_MANIFEST | sort >s.parts
	assert_same p.parts s.parts
	[ "$(grep -c '^part ' s/_MANIFEST)" -gt 20 ]
	for f in p/part-*; do
		cmp "$f" "s/${f#p/}"
	done
	sed s/1/one/g <in >want
	cmd='sleep 0.05; sed s/1/one/g'
	cat in | dm-run -j 2 --block 16K --output-dir k -- "$cmd" &
	pid=$!
	for i in $(seq 200); do
		[ "$(ls k 2>/dev/null | grep -c '^part-')" -ge 5 ] && break
		sleep 0.05
	done
	kill -KILL "$pid"
	wait "$pid" || :
	[ ! -e k/_SUCCESS ]
	run_split dm-run -j 2 --block 16K --output-dir k --resume -- "$cmd" <in
	assert_success
	assert_stderr ''
	cat k/part-*.jsonl >got
	assert_same got want
	# the same blocks, offsets, input hashes, part sizes and sums
	sed 1,3d k/_MANIFEST | sort >k.parts
	sed 1,3d s/_MANIFEST | sort >s.parts
	assert_same k.parts s.parts
}

@test "in place: a block is never held in memory" {
	# one 40 MB block: through a pipe dm-run holds it whole, in place it
	# reads only around its end
	head -c 40000000 /dev/zero | tr '\0' 'x' | fold -w 999 >in
	peak() {
		/usr/bin/python3 - "$@" <<-'EOF'
		import resource, subprocess, sys
		with open("in", "rb") as i:
		    if sys.argv[1] == "pipe":
		        src = subprocess.Popen(["cat"], stdin=i, stdout=subprocess.PIPE)
		        i = src.stdout
		    out = subprocess.run(["dm-run", "--block", "64M", "--", "wc -c"],
		                         stdin=i, stdout=subprocess.PIPE, check=True).stdout
		assert out == b"40040040\n", out
		print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
		EOF
	}
	p=$(peak pipe)
	s=$(peak stdin)
	echo "peak through a pipe $p KB, in place $s KB" >&2
	[ "$p" -gt 40000 ]
	[ "$s" -lt $((p - 30000)) ]
	is_asan || [ "$s" -lt 16000 ]
}

@test "in place: dm-filter, dm-map, dm-slice and dm-stats next to dm-run read their blocks from the file themselves, with the output of one run" {
	{
		for i in $(seq 1 300); do
			printf '{"id":%d,"text":"%s"}\n' "$i" "$(head -c $((i * 37 % 200 + 1)) /dev/zero | tr '\0' 'w')"
		done
		printf '{"id":301,"text":"crlf"}\r\n\r\n\n'
		printf '{"id":302,"text":"%s"}\n' "$(head -c 5000 /dev/zero | tr '\0' 'L')"
		printf '{"id":303,"text":"last"}'
	} >in
	for cmd in "dm-filter 'len > 50'" 'dm-map upper' 'dm-slice --size 64'; do
		sh -c "$cmd" <in >want
		[ "$(wc -l <want)" -gt 100 ]
		both out -j 3 --block 1K -- "$cmd"
		assert_same out.stdin want
		assert_bytes out.err ''
		run_out out dm-run -j 2 -- "$cmd" <in
		assert_success
		assert_same out want
	done
	# a summary a block: the same blocks in place as through a pipe
	both out -j 3 --block 1K -- 'dm-stats --partial'
	[ "$(wc -l <out.stdin)" -gt 30 ]
	mv out.stdin want.stats
	# dm-run splices nothing, and the jobs read every byte of the file
	# once, with pread(2) on their standard input (dm-run's own reads go
	# to the operand's descriptor)
	dm-filter 'len > 50' <in >want0
	size=$(wc -c <in)
	# traced CMD WANT: dm-run -- CMD, its output WANT, its calls traced
	traced() {
		rm -f tr.*
		# LeakSanitizer cannot run under ptrace: no leak check under
		# ASan here
		ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		    strace -ff -qq -e trace=splice,pread64 -o tr \
		    dm-run -j 2 --block 1K -- "$1" in </dev/null >out
		assert_same out "$2"
	}
	# bytes CALL: the bytes the traced calls starting with CALL returned
	bytes() {
		cat tr.* | grep "^$1" | grep -o '= [0-9]*$' |
		    awk '{ n += $2 } END { print n + 0 }'
	}
	traced "dm-filter 'len > 50'" want0
	[ "$(bytes splice)" -eq 0 ]
	[ "$(bytes 'pread64(0,')" -eq "$size" ]
	traced 'dm-stats --partial' want.stats
	[ "$(bytes splice)" -eq 0 ]
	[ "$(bytes 'pread64(0,')" -eq "$size" ]
	# through the shell, or from another folder, the block comes through
	# a pipe as before
	mkdir other
	cp "$(command -v dm-filter)" other/
	for cmd in "dm-filter 'len > 50' | cat" "other/dm-filter 'len > 50'"; do
		traced "$cmd" want0
		[ "$(bytes 'pread64(0,')" -eq 0 ]
		[ "$(bytes splice)" -eq "$size" ]
	done
}

@test "DM_RUN_RANGE: a dm tool reads only that range of its standard input, and fails when the file ends inside it" {
	printf '{"text":"a"}\n{"text":"bb"}\r\n\n{"text":"ccc"}\n{"text":"dddd"}' >in
	di=$(stat -c %d:%i in)
	printf '{"text":"other"}\n' >other
	for cmd in "dm-filter 'len >= 0'" 'dm-map upper' 'dm-slice --size 2'; do
		# bytes 13 to 43: the second and third samples and the blank line
		tail -c +14 in | head -c 31 | sh -c "$cmd" >want
		DM_RUN_RANGE=$di:13:31 sh -c "exec $cmd" <in >out
		assert_same out want
		# whatever the descriptor's offset
		{ head -c 5 >/dev/null; DM_RUN_RANGE=$di:13:31 sh -c "exec $cmd" >out; } <in
		assert_same out want
		# to the end, where the last line has no newline
		tail -c +14 in | sh -c "$cmd" >want
		DM_RUN_RANGE=$di:13:46 sh -c "exec $cmd" <in >out
		assert_same out want
		# standard input another file: the variable does not count
		DM_RUN_RANGE=$di:13:31 sh -c "exec $cmd" <other >out
		sh -c "$cmd" <other >want
		assert_same out want
	done
	# dm-filter -f - reads its expression from the range too
	printf 'xxxxlen > 1yyyy' >expr
	DM_RUN_RANGE=$(stat -c %d:%i expr):4:7 dm-filter -f - in <expr >out
	dm-filter 'len > 1' in >want
	assert_same out want
	[ "$(wc -l <want)" -eq 3 ]
	# the file ends inside the range: what it holds, then the message
	run_out out env DM_RUN_RANGE="$di:13:1000" dm-filter 'len >= 0' <in
	assert_status 2
	assert_stderr "dm-filter: <stdin>: the file ends at byte 59, inside the block that dm-run gave this job (bytes to 1013)"
	# the whole lines; the last one, without its newline, may be cut short
	assert_bytes out '{"text":"bb"}\n{"text":"ccc"}\n'
	# the file ends before the range: where it really ends
	run_out out env DM_RUN_RANGE="$di:100:50" dm-filter 'len >= 0' <in
	assert_status 2
	assert_stderr "dm-filter: <stdin>: the file ends at byte 59, before the block that dm-run gave this job (bytes 100 to 150)"
	assert_bytes out ''
	for bad in '' "$di:13" "$di:13:31:" "$di:x:31" "x$di:13:31"; do
		run_split env DM_RUN_RANGE="$bad" dm-map upper <in
		assert_status 2
		assert_output ''
		assert_stderr "dm-map: DM_RUN_RANGE is not DEV:INO:OFFSET:LENGTH: '$bad'"
	done
}

# cuts FILE SLOTS [own]: the block sizes dm-run chooses for FILE in place
# without --block, from the rule in dm-run(1), a line each: blocks of the
# file's size / (2 * SLOTS), from 8M to 32M, and at the end each the bytes
# left divided by SLOTS, at least a sixteenth of that, none left smaller
# than half of that sixteenth; every block ends at the last line end in
# it. With own (jobs that read their blocks themselves): up to 64M, and
# 1M for that sixteenth.
cuts() {
	python3 - "$@" <<-'EOF2'
	import sys
	data = open(sys.argv[1], "rb").read()
	slots = int(sys.argv[2])
	own = len(sys.argv) > 3
	M = 1024 * 1024
	bulk = min(max(len(data) // (2 * slots), 8 * M), (64 if own else 32) * M)
	least = M if own else bulk // 16
	off = 0
	while off < len(data):
	    left = len(data) - off
	    n = max(min(-(-left // slots), bulk), least)
	    if n < left and left - n < least // 2:
	        n = left
	    if left < n:
	        cut = len(data)
	    else:
	        q = data.rfind(b"\n", off, off + n)
	        if q < 0:
	            q = data.find(b"\n", off + n)
	        cut = q + 1 if q >= 0 else len(data)
	    print(cut - off)
	    off = cut
	EOF2
}

@test "in place without --block: blocks sized by the file, smaller at the end; the output as through a pipe" {
	# 32 MB of lines of 1 to 200 bytes
	python3 -c '
import sys
w = sys.stdout.write
for i in range(300000):
    w("%d %s\n" % (i, "x" * (i * 7919 % 200)))' >in
	cuts in 2 >want
	run_out got dm-run -j 2 -- 'wc -c' <in
	assert_success
	assert_same got want
	# 8M 8M 7.7M 3.8M 1.9M 1M 0.5M 0.4M: the last blocks halve, down
	# to 0.5M
	[ "$(wc -l <want)" -eq 8 ]
	[ "$(sed -n 1p want)" -gt 8000000 ]
	[ "$(sed -n 7p want)" -lt 600000 ]
	cuts in 3 >want
	run_out got dm-run -j 3 -- 'wc -c' in </dev/null
	assert_same got want
	# a command that treats lines one by one gives what it gives alone
	run_out got dm-run -j 2 -- 'sed s/x/y/' <in
	sed s/x/y/ in >want
	assert_same got want
	# --block keeps every block at that size, as through a pipe
	run_out got dm-run -j 2 --block 8M -- 'wc -c' <in
	cat in | dm-run -j 2 --block 8M -- 'wc -c' >want
	assert_same got want
	# and so does --output-dir, whose manifest records the block size
	dm-run -j 2 --output-dir p -- 'wc -c' <in
	cat p/part-* >got
	assert_same got want
}

@test "in place without --block: jobs that read their blocks themselves get larger ones, the later ones sized by the jobs' speed" {
	# 157 MB of samples of 1 to 1000 bytes of text
	python3 -c '
import sys
w = sys.stdout.write
for i in range(300000):
    w("{\"id\":%d,\"text\":\"%s\"}\n" % (i, "x" * (i * 7919 % 1000 + 1)))' >in
	size=$(wc -c <in)
	cuts in 2 own >guided
	# halved at the end down to 1M, they would be nine: 39M 39M 39M 20M
	# 10M 5M 2.5M 1.2M 1.2M
	[ "$(wc -l <guided)" -eq 9 ]
	dm-filter 'len > 500' <in >want
	# the first two are cut at once, as before; each later one when a
	# slot frees, as its share of what is left, counting what the other
	# slot's job still has to do: both slots end together with fewer,
	# larger blocks (39M 39M 39M 39M when the jobs go at the same speed).
	# On a machine busy with other work, the speeds change under the
	# jobs, and the blocks may come down to the least: the fewer blocks
	# must come in one of three runs.
	for try in 1 2 3; do
		rm -f log
		run_out out dm-run -j 2 --joblog log -- "dm-filter 'len > 500'" <in
		assert_success
		assert_same out want
		# the Send column of the job log: the bytes of each block,
		# which the job read itself
		sed 1d log | sort -n | cut -f6 >got
		[ "$(sed -n 1,2p got)" = "$(sed -n 1,2p guided)" ]
		[ "$(awk '{ n += $1 } END { print n }' got)" -eq "$size" ]
		# every block ends at the end of a line
		awk '{ n += $1; print n }' got | while read -r end; do
			[ "$(tail -c +"$end" in | head -c 1 | od -An -c | tr -d ' ')" = '\n' ]
		done
		[ "$(wc -l <got)" -ge 9 ] || break
	done
	echo "blocks: $(tr '\n' ' ' <got)" >&2
	[ "$(wc -l <got)" -lt 9 ]
	# one slot: blocks as large as they may be, whatever the speed
	rm log
	run_out out dm-run -j 1 --joblog log -- "dm-filter 'len > 500'" <in
	assert_same out want
	sed 1d log | cut -f6 >got
	cuts in 1 own >want
	assert_same got want
	# the same command through the shell: the rule of blocks in pipes
	cuts in 2 >want
	[ "$(wc -l <want)" -gt 6 ]
	run_out got dm-run -j 2 -- "dm-filter 'len > 500' | wc -c" <in
	[ "$(wc -l <got)" -eq "$(wc -l <want)" ]
}

@test "in place: a file cut short while dm-run counts a block's lines or hashes it is an error with a message" {
	# shrink.so truncates in to 100000 bytes the first time a process
	# reads it from its start: dm-run as it counts the first block's
	# lines, for a job through the shell (a dm tool that dm-run starts
	# itself reads its block and counts its lines itself), or hashes it
	# (for --output-dir, when it is cut)
	cc -shared -fPIC -o shrink.so "$DM_REPO/tests/plugin/shrink.c" -ldl
	# (binaries built with ASan take a library before its runtime so)
	export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
	seq 1 200000 | sed 's/.*/{"id":&,"text":"line number &"}/' >orig
	# from standard input, and from the operand
	for name in '<stdin>' in; do
		cp orig in
		if [ "$name" = in ]; then
			SHRINK_FILE=in SHRINK_TO=100000 LD_PRELOAD=$TMP/shrink.so \
			    run_split dm-run --block 1M -j 1 -- "exec dm-filter 'len > 0'" in </dev/null
		else
			SHRINK_FILE=in SHRINK_TO=100000 LD_PRELOAD=$TMP/shrink.so \
			    run_split dm-run --block 1M -j 1 -- "exec dm-filter 'len > 0'" <in
		fi
		assert_status 2
		assert_output ''
		assert_stderr "dm-run: $name: the file is shorter than when the run began"
		[ "$(stat -c %s in)" -eq 100000 ]
	done
	cp orig in
	SHRINK_FILE=in SHRINK_TO=100000 LD_PRELOAD=$TMP/shrink.so \
	    run_split dm-run --block 1M -j 2 --output-dir out -- cat <in
	assert_status 2
	assert_stderr 'dm-run: <stdin>: the file is shorter than when the run began'
	[ "$(ls out)" = _MANIFEST ]
	# the same library with a file never read changes nothing
	cp orig in
	SHRINK_FILE=orig SHRINK_TO=0 LD_PRELOAD=$TMP/shrink.so \
	    run_out kept dm-run --block 1M -j 2 -- "dm-filter 'len > 0'" <in
	assert_success
	assert_stderr ''
	assert_same kept in
}

@test "in place: a job that reads its block itself counts the lines before it only to show a number; dm-run counts none" {
	# 3 blocks of 1M (the second from line 32449 on); bad lines in the
	# second and third, one of them the second block's first line, and
	# one that starts with a byte order mark, which only opens an input
	awk 'BEGIN {
		for (i = 1; i <= 90000; i++) {
			if (i == 32449 || i == 80000)
				print "{bad"
			else if (i == 45000)
				printf "\357\273\277{\"text\":\"bom\"}\n"
			else
				printf "{\"id\":%d,\"text\":\"line %d\"}\n", i, i
		}
	}' >in
	run_out want dm-filter --on-error=skip --rejects want.rej 'len > 0' <in
	assert_status 1
	# -j 1: the jobs' messages in input order
	for way in stdin operand; do
		rm -f got.rej
		if [ "$way" = stdin ]; then
			name='<stdin>'
			run_out got dm-run -j 1 --block 1M --rejects got.rej -- \
			    "dm-filter --on-error=skip 'len > 0'" <in
		else
			name=in
			run_out got dm-run -j 1 --block 1M --rejects got.rej -- \
			    "dm-filter --on-error=skip 'len > 0'" in </dev/null
		fi
		assert_status 1
		assert_same got want
		assert_stderr "dm-filter: $name:32449:2: invalid JSON: expected a string key
dm-filter: $name:45000:1: invalid JSON: expected a value
dm-filter: 2 of 31776 samples rejected
dm-filter: $name:80000:2: invalid JSON: expected a string key
dm-filter: 1 of 25776 samples rejected"
		sed "s/\"file\":\"<stdin>\"/\"file\":\"$name\"/" want.rej >want.rej.$way
		assert_same got.rej want.rej.$way
	done
	# dm-run reads the file only around the blocks' ends (3 windows of
	# 256K), never from its start to count lines: 2.9 MB before
	# ASAN_OPTIONS: LeakSanitizer cannot run under ptrace
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
	    strace -qq -e trace=pread64 -o tr \
	    dm-run -j 1 --block 1M -- "dm-filter --on-error=skip 'len > 0'" <in >got 2>/dev/null || :
	assert_same got want
	n=$(grep -o '= [0-9]*$' tr | awk '{ n += $2 } END { print n + 0 }')
	[ "$n" -gt 0 ] && [ "$n" -le $((3 * 262144)) ]
	# dm-slice names a sample without an id by its line: every job
	# counts the lines before its block
	sed 's/^{"id":[0-9]*,/{/' in >noid
	dm-slice --on-error=skip --size 8 <noid >want 2>/dev/null || :
	run_out got dm-run -j 2 --block 1M -- "dm-slice --on-error=skip --size 8" <noid
	assert_status 1
	assert_same got want
	[ "$(tail -n 1 got)" = '{"text":"00","chunk":1,"chunks":2,"offset":8,"parent":90000}' ]
	# the file cut short before the job counts (shrink.so cuts it at the
	# first read from its start): said, and the block's lines numbered
	# from 1
	cc -shared -fPIC -o shrink.so "$DM_REPO/tests/plugin/shrink.c" -ldl
	export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
	off=$(head -n 79999 in | wc -c)	# line 80000 is {bad
	size=$(wc -c <in)
	SHRINK_FILE=in SHRINK_TO=1000 LD_PRELOAD=$TMP/shrink.so \
	    DM_RUN_RANGE=$(stat -c %d:%i in):$off:$((size - off)) \
	    DM_RUN_LINE=1@0 run_split dm-filter --on-error=skip 'len > 0' <in
	assert_status 2
	assert_output ''
	assert_stderr "dm-filter: <stdin>: cannot count the lines before byte $off: the file ends before it; the lines of the block that dm-run gave this job are numbered from 1
dm-filter: <stdin>:1:2: invalid JSON: expected a string key
dm-filter: <stdin>: the file ends at byte 1000, before the block that dm-run gave this job (bytes $off to $size)
dm-filter: 1 of 1 samples rejected"
}

@test "held output: a dm tool next to dm-run writes it into a file in TMPDIR, which dm-run sends out; through the shell, with --unordered or with TMPDIR short of room, through a pipe" {
	for i in $(seq 1 400); do
		printf '{"id":%d,"text":"%s"}\n' "$i" "$(head -c $((i * 37 % 300 + 1)) /dev/zero | tr '\0' 'w')"
	done >in
	dm-map upper <in >want
	size=$(wc -c <want)
	mkdir t
	# traced CMD ARGS...: TMPDIR=t dm-run ARGS -- CMD in, into out, its
	# writes traced with the files they go to
	traced() {
		local cmd=$1
		shift
		rm -f tr.*
		TMPDIR=$PWD/t ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		    strace -ff -qq -y -e trace=write,writev,sendfile -o tr \
		    dm-run -j 2 --block 4K "$@" -- "$cmd" in </dev/null >out
	}
	# bytes TEXT: the bytes the traced calls with TEXT returned
	bytes() {
		cat tr.* | grep -F "$1" | grep -o '= [0-9]*$' |
		    awk '{ n += $2 } END { print n + 0 }'
	}
	# the jobs write into unlinked files in TMPDIR, dm-run sends them out
	# in order, and copies none of their bytes
	traced 'dm-map upper'
	assert_same out want
	[ "$(ls -A t)" = '' ]
	[ "$(bytes "(1<$PWD/t/#")" -eq "$size" ]
	[ "$(bytes "sendfile(1<$PWD/out>, ")" -eq "$size" ]
	[ "$(bytes "writev(1<$PWD/out>")" -eq 0 ]
	# sendfile cannot write to a file opened to append: copied
	echo first >out
	TMPDIR=$PWD/t dm-run -j 2 --block 4K -- 'dm-map upper' in >>out
	{ echo first; cat want; } >want.app
	assert_same out want.app
	# the same with --output-dir: the parts are sent from those files
	traced 'dm-map upper' --output-dir parts
	cat parts/part-*.jsonl >out
	assert_same out want
	[ "$(bytes "(1<$PWD/t/#")" -eq "$size" ]
	# through the shell, or streamed: a pipe, as before
	sort want >want.sorted
	for how in shell unordered; do
		if [ $how = shell ]; then
			traced 'dm-map upper | cat'
			assert_same out want
		else
			traced 'dm-map upper' --unordered
			sort out >out.sorted
			assert_same out.sorted want.sorted
		fi
		[ "$(bytes "(1<$PWD/t/#")" -eq 0 ]
		[ "$(bytes "sendfile(1<")" -eq 0 ]
		[ "$(bytes "writev(1<$PWD/out>")" -eq "$size" ]
	done
	# a TMPDIR with less room than --buffer (64M) beyond twice the block:
	# a pipe, and the output is held in memory as before
	[ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null ||
	    skip "needs root and unshare -m (a tmpfs of 1M)"
	run_split unshare -m sh -c 'mount -t tmpfs -o size=1m tmpfs t &&
	    TMPDIR=$PWD/t dm-run -j 2 --block 4K -- "dm-map upper" in </dev/null >out &&
	    ls -A t'
	assert_success
	assert_output ''
	assert_stderr ''
	assert_same out want
	# with room for --buffer beyond twice the block, a job's own output
	# that fills TMPDIR fails the job with its tool's write error; through
	# a pipe it is held in memory
	head -40 in >in40
	cmd="dm-map \"replace pattern='w' repl='wwwwwwww'\""
	sh -c "$cmd" <in40 >want
	[ "$(wc -c <want)" -gt 40000 ]
	run_split unshare -m sh -c 'mount -t tmpfs -o size=16k tmpfs t &&
	    for buf in 1K 64M; do
		TMPDIR=$PWD/t dm-run --buffer $buf --retries 1 -- "$1" in40 \
		    </dev/null >out
		echo "status $? $(wc -c <out) $(ls -A t | wc -l)"
	    done' sh "$cmd"
	assert_output "status 2 0 0
status 0 $(wc -c <want) 0"
	assert_stderr "dm-map: write error: No space left on device
dm-run: job 1 (input bytes 0-$(($(wc -c <in40) - 1))): exit status 2; trying again (2 of 2)
dm-map: write error: No space left on device
dm-run: job 1 (input bytes 0-$(($(wc -c <in40) - 1))) failed 2 times: exit status 2
dm-run: job 1: dm-map: write error: No space left on device"
}
