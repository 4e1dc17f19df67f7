#!/usr/bin/env bats
# dm-run.bats - the scheduler on local processes: blocks, merge, retries,
# halts, checkpoints, files mode, signals, lock, memory.
#
# dm-run passes bytes through without reading them as samples (no JSON
# check, blank lines kept), so most of common.bats does not apply: the
# rules that do (options, empty input, EPIPE, write error, signals) are
# tested here.

load helper

# sample_input FILE: JSONL of varied line lengths, with a blank line, a
# CRLF line and no newline at the end, which a serial run sees as they are.
sample_input() {
	{
		for i in $(seq 1 60); do
			printf '{"id":%d,"text":"%s"}\n' "$i" "$(head -c $((i * 7 % 50 + 1)) /dev/zero | tr '\0' 'w')"
		done
		printf '\n{"id":61,"text":"crlf"}\r\n'
		printf '{"id":62,"text":"a long line %s"}\n' "$(head -c 3000 /dev/zero | tr '\0' 'L')"
		printf '{"id":63,"text":"last"}'
	} >"$1"
}

@test "--help and -h write the usage and help; -V and --version the version" {
	for opt in --help -h; do
		run_split dm-run "$opt"
		assert_success
		assert_stderr ''
		[[ ${output%%$'\n'*} == "usage: dm-run "* ]]
		[[ $output == *$'\n\n'* ]]
	done
	for opt in -V --version; do
		run_split dm-run "$opt"
		assert_success
		assert_output 'dm-run (dm) 0.1.0'
	done
}

@test "bad options and operands are usage errors with status 2" {
	usage=$(usage_of dm-run)
	run_split dm-run --bogus -- cat </dev/null
	assert_status 2
	assert_stderr "dm-run: unknown option '--bogus'"$'\n'"$usage"
	run_split dm-run -Zq cat </dev/null
	assert_status 2
	assert_stderr "dm-run: unknown option '-Z'"$'\n'"$usage"
	run_split dm-run </dev/null
	assert_status 2
	assert_stderr "dm-run: missing COMMAND"$'\n'"$usage"
	run_split dm-run -j 0 cat </dev/null
	assert_stderr "dm-run: -j: '0' is out of range [1, 4096]"$'\n'"$usage"
	run_split dm-run --block 0 cat </dev/null
	assert_stderr "dm-run: --block: '0' is too small"$'\n'"$usage"
	run_split dm-run --block 1M --lines 3 cat </dev/null
	assert_stderr "dm-run: --block, --lines and --files exclude each other"$'\n'"$usage"
	run_split dm-run --resume cat </dev/null
	assert_stderr "dm-run: --resume needs --output-dir or --spool"$'\n'"$usage"
	run_split dm-run --halt first-fail cat </dev/null
	assert_stderr "dm-run: --halt: unknown mode 'first-fail' (did you mean 'first-failure'?)"$'\n'"$usage"
	run_split dm-run --timeout 5x cat </dev/null
	assert_status 2
	assert_stderr "dm-run: --timeout: '5x' is not a duration"$'\n'"$usage"
	# decimal numbers only, each with its unit or none
	for d in 0x10 0x1p4s ' 5' +5 '1s -1s' '1m 2s' nan infs .s; do
		run_split dm-run --timeout "$d" cat </dev/null
		assert_status 2
		assert_stderr "dm-run: --timeout: '$d' is not a duration"$'\n'"$usage"
	done
	for d in 5 .5 1.5s 500ms 1m30s 1h2m3.5s 1e1; do
		run_split dm-run --timeout "$d" cat </dev/null
		assert_success
	done
}

@test "options end at COMMAND: the operands after it are input files" {
	printf 'a\nb\n' >in
	run_split dm-run -j 2 'cat -n' in
	assert_success
	assert_output $'     1\ta\n     2\tb'
	# an operand that starts with '-' and is no file is the command's
	# option, left out of the quotes: nothing is run
	usage=$(usage_of dm-run)
	run_split dm-run cat --lines in
	assert_status 2
	assert_output ''
	assert_stderr "dm-run: '--lines' is not a file; COMMAND is one operand: quote it with its options, as in dm-run -- 'cat --lines'"$'\n'"$usage"
	run_split dm-run -- dm-stats --partial <in
	assert_status 2
	assert_stderr "dm-run: '--partial' is not a file; COMMAND is one operand: quote it with its options, as in dm-run -- 'dm-stats --partial'"$'\n'"$usage"
	# a file of such a name is a file
	printf 'c\n' >./-x
	run_split dm-run cat in -x
	assert_success
	assert_output $'a\nb\nc'
}

@test "empty input runs no job, writes nothing and exits 0" {
	run_out out dm-run -- 'echo ran' </dev/null
	assert_success
	assert_stderr ''
	assert_bytes out ''
	: >empty
	run_out out dm-run --lines 1 -- 'echo ran' empty
	assert_success
	assert_bytes out ''
}

@test "a first line shorter than a compression magic starts its job while the writer stays open" {
	# The reader sniffs up to 6 bytes for gzip, xz, zstd... and stops at
	# the first byte that no magic begins with, instead of waiting for 6.
	mkfifo in
	dm-run --lines 1 -- cat <in >out 2>err &
	pid=$!
	exec 5>in
	printf 'a\n' >&5
	wait_for_size out 2 || { exec 5>&-; wait "$pid"; false; }
	exec 5>&-
	wait "$pid"
	assert_bytes out 'a\n'
	assert_bytes err ''
}

@test "jobs find the dm tools next to dm-run, on PATH or not" {
	printf '{"text":"abc"}\n{"text":""}\n' >in.jsonl
	run_split env PATH=/usr/bin:/bin "$DM_BINDIR/dm-run" -j 1 -- \
	    "dm-filter 'len > 0' | dm-map upper" in.jsonl
	assert_success
	assert_stderr ''
	assert_output '{"text":"ABC"}'
}

@test "output equals a serial run for every block size and job count" {
	sample_input in.jsonl
	cmd="sed 's/w/W/g; s/^/[/'"
	sh -c "$cmd" <in.jsonl >want
	for j in 1 2 3 4; do
		for b in 1 7 100 1K 64K 8M; do
			run_out out dm-run -j "$j" --block "$b" -- "$cmd" <in.jsonl
			assert_success
			assert_stderr ''
			assert_same out want || { echo "-j $j --block $b" >&2; return 1; }
		done
		for n in 1 3 1000; do
			run_out out dm-run -j "$j" --lines "$n" -- "$cmd" <in.jsonl
			assert_success
			assert_same out want || { echo "-j $j --lines $n" >&2; return 1; }
		done
	done
}

@test "a dm pipeline gives the output of a serial run" {
	sample_input in.jsonl
	dm-filter 'len > 20' <in.jsonl | dm-map upper >want || :
	[ -s want ]
	for b in 100 1K; do
		run_out out dm-run -j 3 --block "$b" -- "dm-filter 'len > 20' | dm-map upper" <in.jsonl
		assert_same out want
	done
}

@test "--unordered writes every output once, in completion order" {
	seq 1 2000 >in
	run_out out dm-run -j 4 --lines 100 --unordered -- \
	    'if [ $((DM_JOB % 2)) = 1 ]; then sleep 0.1; fi; cat' <in
	assert_success
	sort -n out >sorted
	assert_same sorted in
	# a fast even block came before the slow first one
	[ "$(head -n 1 out)" != 1 ]
}

@test "blocks are whole lines; a line longer than a block is a block by itself" {
	printf 'aaa\nbbb\n%s\nccc\n' "$(head -c 30 /dev/zero | tr '\0' 'x')" >in
	run_split dm-run -j 2 --block 8 -- 'printf "%s:%s\n" "$DM_JOB" "$(wc -c)"' <in
	assert_success
	assert_output $'1:8\n2:31\n3:4'
}

@test "a --block larger than memory takes the memory its blocks fill, not the size asked" {
	seq 1 300000 >in
	run_split dm-run -j 2 --block 64G -- 'wc -l' < <(cat in)
	assert_success
	assert_output 300000
	run_split dm-run --block 1T -- cat < <(cat in)
	assert_success
	[ "$output" = "$(cat in)" ]
}

@test "each job has DM_JOB and DM_SLOT in its environment" {
	seq 1 6 >in
	DM_JOB=x DM_SLOT=y run_split dm-run -j 1 --lines 2 -- 'echo $DM_JOB $DM_SLOT' <in
	assert_success
	assert_output $'1 1\n2 1\n3 1'
	run_split dm-run -j 3 --lines 1 --unordered -- 'echo $DM_SLOT' <in
	assert_success
	[ "$(sort -u <<<"$output")" = $'1\n2\n3' ]
}

@test "a simple command starts without /bin/sh, as the shell would start it" {
	seq 1 4 >in
	printf '#!/bin/sh\nprintf "%%s|" "$(cat /proc/$PPID/comm)" "$0" "$@"; echo\n' >args
	chmod +x args
	# its parent is dm-run itself, its words as the shell splits them
	run_split dm-run -j 1 --lines 2 -- "./args 'a b' \"c\"'d'  e=f ''" <in
	assert_success
	assert_output $'dm-run|./args|a b|cd|e=f||\ndm-run|./args|a b|cd|e=f||'
	# found on PATH as the shell finds it
	mkdir d
	cp args d/args2
	PATH=$PWD/d:$PATH run_split dm-run -j 1 -- 'args2 x' <in
	assert_output "dm-run|$PWD/d/args2|x|"
	# a variable, a redirection, a builtin: through the shell
	run_split dm-run -j 1 -- './args $DM_JOB' <in
	assert_output 'sh|./args|1|'
	run_split dm-run -j 1 -- './args x >&2' <in
	assert_output ''
	assert_stderr 'sh|./args|x|'
	run_split dm-run -j 1 -- 'echo -e x' <in
	assert_output '-e x'
	# a file without #! is a script of the shell's
	printf 'echo "no #!: $0 $#"\n' >plain
	chmod +x plain
	run_split dm-run -j 1 -- './plain a' <in
	assert_output 'no #!: ./plain 1'
	# dying of a signal: the shell's message on stderr, and its status
	printf '#!/bin/sh\nkill -SEGV $$\n' >segv
	chmod +x segv
	run_split dm-run -j 1 --retries 0 -- ./segv <in
	assert_status 2
	assert_stderr $'Segmentation fault\ndm-run: job 1 (input bytes 0-7) failed 1 time: exit status 139\ndm-run: job 1: Segmentation fault'
	printf '#!/bin/sh\ncat\nkill -PIPE $$\n' >spipe
	chmod +x spipe
	run_split dm-run -j 1 --retries 0 -- ./spipe <in
	assert_status 2
	assert_stderr 'dm-run: job 1 (input bytes 0-7) failed 1 time: exit status 141'
}

@test "a job fails when a stage of its pipeline fails, not only the last one" {
	printf '{"text":"a"}\n{bad\n{"text":"b"}\n' >in
	# dm-filter stops at line 2: dm-map, given line 1 only, exits 0
	run_split dm-run -j 1 --retries 0 -- 'dm-filter true | dm-map strip' <in
	assert_status 2
	assert_output ''
	assert_stderr <<-'EOF'
	dm-filter: <stdin>:2:2: invalid JSON: expected a string key
	dm-run: job 1 (input bytes 0-30) failed 1 time: exit status 2
	dm-run: job 1: dm-filter: <stdin>:2:2: invalid JSON: expected a string key
	EOF
	# the status of the last stage that failed, as pipefail gives it
	seq 1 3 >in
	run_split dm-run -j 1 --retries 0 -- 'sh -c "cat; exit 3" | sh -c "cat; exit 4" | cat' <in
	assert_status 2
	assert_stderr 'dm-run: job 1 (input bytes 0-5) failed 1 time: exit status 4'
	run_split dm-run -j 1 --retries 0 -- 'sh -c "cat; exit 5" | cat' <in
	assert_stderr 'dm-run: job 1 (input bytes 0-5) failed 1 time: exit status 5'
	# the first stage of a group, and of a file's command
	run_split dm-run -j 1 --retries 0 -- '{ cat; exit 6; } | cat' <in
	assert_stderr 'dm-run: job 1 (input bytes 0-5) failed 1 time: exit status 6'
	printf '{"text":"a"}\n{bad\n' >bad.jsonl
	echo bad.jsonl >list
	run_split dm-run --files --retries 0 -- 'cat {} | dm-filter true | cat' <list
	assert_status 2
	assert_output ''
	[[ $stderr == *"dm-run: job 1 ('bad.jsonl') failed 1 time: exit status 2"* ]]
}

@test "a stage that exits 1, or that the next stage stops reading, has not failed" {
	printf '{"text":"a"}\n{bad\n{"text":"b"}\n' >in
	run_split dm-run -j 1 -- 'dm-filter --on-error=skip true | dm-map strip' <in
	assert_status 1
	assert_output $'{"text":"a"}\n{"text":"b"}'
	assert_stderr $'dm-filter: <stdin>:2:2: invalid JSON: expected a string key\ndm-filter: 1 of 3 samples rejected'
	seq 1 3 >in
	run_split dm-run -j 1 -- 'grep 9 | cat' <in
	assert_status 1
	assert_output ''
	# seq dies of SIGPIPE when head has its line
	run_split dm-run -j 1 -- 'cat; seq 1 1000000 | head -n 1' <in
	assert_success
	assert_output $'1\n2\n3\n1'
	run_split dm-run -j 1 -- 'seq 1 1000000 | head -n 1' <in
	assert_success
	assert_output 1
	# but the last stage dying of it has failed
	run_split dm-run -j 1 --retries 0 -- 'cat | sh -c "kill -PIPE \$\$"' <in
	assert_status 2
	assert_stderr 'dm-run: job 1 (input bytes 0-5) failed 1 time: exit status 141'
}

@test "a pipeline's stages keep their text, descriptors and standard input" {
	seq 1 3 >in
	# quotes, a | in quotes, in \$( ), in a group; redirections of the
	# stage's own, on the descriptors the script uses too
	run_split dm-run -j 1 -- "cat | sed 's/^/|/' | { cat; echo \"\$(echo 'a|b' | tr '|' -)\"; } 8>/dev/null | cat 9<in - 2>&1 | tr -d x" <in
	assert_success
	assert_output $'|1\n|2\n|3\na-b'
	# a list is the shell's: its status is the last command's
	run_split dm-run -j 1 -- 'sh -c "exit 3" | cat; cat' <in
	assert_success
	assert_output "$(seq 1 3)"
	# the first stage reads the block as a dm tool's own stdin
	printf '{"text":"a"}\n{bad\n' >in
	run_split dm-run -j 1 --retries 0 -- 'dm-map strip | cat' in
	assert_status 2
	[[ $stderr == "dm-map: in:2:2: invalid JSON: expected a string key"$'\n'* ]]
}

@test "file operands are read in turn, compressed ones decompressed" {
	printf 'a\nb\n' >one
	printf 'c\nd\n' | gzip >two.gz
	run_split dm-run -j 2 --lines 1 -- cat one two.gz
	assert_success
	assert_output $'a\nb\nc\nd'
}

@test "an operand whose last line has no newline keeps that line its own, as the tools read it" {
	printf '{"text":"a"}\n{"text":"b"}' >a.jsonl
	printf '{"text":"c"}\n' >c.jsonl
	: >empty
	printf '{"text":"d"}' | gzip >d.gz
	run_out want dm-map hash a.jsonl empty d.gz c.jsonl
	assert_success
	run_out got dm-run -j 2 -- 'dm-map hash' a.jsonl empty d.gz c.jsonl
	assert_success
	assert_same got want
	[ "$(wc -l <got)" = 4 ]
	# every line a job of its own; the last operand's last line as it is
	run_split dm-run -j 2 --lines 1 -- 'cat; echo .' a.jsonl empty d.gz
	assert_success
	assert_output $'{"text":"a"}\n.\n{"text":"b"}\n.\n{"text":"d"}.'
}

@test "the byte order mark that opens an operand but the first is dropped, as the tools drop it" {
	printf '\357\273\277{"text":"a"}\n' >a.jsonl
	printf '\357\273\277{"text":"b"}' >b.jsonl
	printf '\357\273\277{"text":"c"}\n' | gzip >c.gz
	run_out want dm-map hash a.jsonl b.jsonl c.gz
	assert_success
	for lines in 1 3; do
		run_out got dm-run -j 2 --lines $lines -- 'dm-map hash' a.jsonl b.jsonl c.gz
		assert_success
		assert_same got want
	done
	# the first one starts the first block, as it is
	run_out got dm-run -- cat a.jsonl b.jsonl
	assert_bytes got '\357\273\277{"text":"a"}\n{"text":"b"}'
}

@test "a job that exits 1 succeeded: its output is kept and dm-run exits 1" {
	seq 1 9 >in
	run_split dm-run -j 2 --lines 3 -- 'cat; [ $DM_JOB != 2 ]' <in
	assert_status 1
	assert_output "$(seq 1 9)"
}

@test "jobs failing at random are retried: the output is complete, nothing twice" {
	seq 1 3000 >in
	# the first attempt of every third job writes half its block and fails
	run_out out dm-run -j 3 --lines 100 -- \
	    'if [ $((DM_JOB % 3)) = 0 ] && mkdir "tried$DM_JOB" 2>/dev/null; then
		head -n 50; exit 2; fi; cat' <in
	assert_success
	assert_same out in
	[ "$(grep -c 'trying again (2 of 3)' <<<"$stderr")" = 10 ]
	[[ $stderr == *"dm-run: job 3 (input bytes 692-1091): exit status 2; trying again (2 of 3)"* ]]
}

@test "a job that always fails ends the run with status 2, naming the job and its stderr" {
	seq 1 9 >in
	run_out out dm-run -j 2 --lines 3 -- \
	    'cat; if [ $DM_JOB = 2 ]; then for i in 1 2 3 4 5 6 7; do echo "warning $i" >&2; done; exit 3; fi' <in
	assert_status 2
	assert_bytes out '1\n2\n3\n7\n8\n9\n'
	want="dm-run: job 2 (input bytes 6-11) failed 3 times: exit status 3"
	for i in 3 4 5 6 7; do
		want+=$'\n'"dm-run: job 2: warning $i"
	done
	[ "$(grep -v '^warning' <<<"$stderr" | grep -v 'trying again')" = "$want" ]
	# every attempt's stderr went through as it came
	[ "$(grep -c '^warning 1$' <<<"$stderr")" = 3 ]
	run_out out dm-run -j 1 --retries 0 --lines 3 -- 'kill -9 $$' <in
	assert_status 2
	[[ $stderr == "dm-run: job 1 (input bytes 0-5) failed 1 time: killed by signal 9 (Killed)"* ]]
}

@test "a job may ignore its stdin or stop reading it early" {
	seq 1 400000 >in
	run_split dm-run -j 2 --block 1M -- 'echo ignored' <in
	assert_success
	assert_output $'ignored\nignored\nignored'
	run_split dm-run -j 2 --block 1M -- 'head -n 1' <in
	assert_success
	assert_output $'1\n165669\n315465'
}

@test "--timeout kills a hanging job, TERM then KILL, and counts it failed" {
	seq 1 4 >in
	start=$(date +%s)
	run_out out dm-run -j 2 --lines 2 --retries 1 --timeout 200ms -- \
	    'if [ $DM_JOB = 2 ]; then sleep 30; fi; cat' <in
	assert_status 2
	assert_bytes out '1\n2\n'
	assert_stderr <<-'EOF'
	dm-run: job 2 (input bytes 4-7): timed out after 0.2s; trying again (2 of 2)
	dm-run: job 2 (input bytes 4-7) failed 2 times: timed out after 0.2s
	EOF
	# a job that ignores SIGTERM gets SIGKILL
	run_out out dm-run --lines 4 --retries 0 --timeout 0.1s -- 'trap "" TERM; sleep 30' <in
	assert_status 2
	assert_stderr 'dm-run: job 1 (input bytes 0-7) failed 1 time: timed out after 0.1s'
	[ $(($(date +%s) - start)) -lt 10 ]
}

@test "--halt first-failure stops launching; running jobs finish and are written" {
	seq 1 6 >in
	run_out out dm-run -j 1 --lines 1 --retries 0 --halt first-failure -- \
	    'if [ $DM_JOB = 3 ]; then exit 2; fi; cat' <in
	assert_status 2
	assert_bytes out '1\n2\n'
	assert_stderr 'dm-run: job 3 (input bytes 4-5) failed 1 time: exit status 2'
	run_out out dm-run -j 2 --lines 1 --retries 0 --halt first-failure -- \
	    'if [ $DM_JOB = 2 ]; then exit 2; fi; sleep 0.3; cat' <in
	assert_status 2
	assert_bytes out '1\n'
}

@test "--halt now-failure kills the running jobs" {
	seq 1 6 >in
	start=$(date +%s)
	run_out out dm-run -j 2 --lines 1 --retries 0 --halt now-failure -- \
	    'if [ $DM_JOB = 2 ]; then exit 2; fi; sleep 30; cat' <in
	assert_status 2
	assert_bytes out ''
	assert_stderr <<-'EOF'
	dm-run: job 2 (input bytes 2-3) failed 1 time: exit status 2
	dm-run: job 1 (input bytes 0-1): killed by --halt now-failure
	EOF
	[ $(($(date +%s) - start)) -lt 10 ]
}

@test "--halt now-failure writes the output up to the first block left out, and names each block it killed" {
	seq 1 20 >in
	start=$(date +%s)
	# job 2 runs on while jobs 1 and 3 succeed and job 4 fails: job 1's
	# output is written, job 3's (past the gap of job 2) is not
	run_out out dm-run -j 2 --lines 2 --retries 0 --halt now-failure -- \
	    'case $DM_JOB in 2) sleep 30 ;; 4) exit 5 ;; esac; cat' <in
	assert_status 2
	assert_bytes out '1\n2\n'
	assert_stderr <<-'EOF'
	dm-run: job 4 (input bytes 12-15) failed 1 time: exit status 5
	dm-run: job 2 (input bytes 4-7): killed by --halt now-failure
	EOF
	# the block killed is the first: nothing at all is written
	run_out out dm-run -j 2 --lines 2 --retries 0 --halt now-failure -- \
	    'case $DM_JOB in 1) sleep 30 ;; 3) exit 5 ;; esac; cat' <in
	assert_status 2
	assert_bytes out ''
	assert_stderr <<-'EOF'
	dm-run: job 3 (input bytes 8-11) failed 1 time: exit status 5
	dm-run: job 1 (input bytes 0-3): killed by --halt now-failure
	EOF
	[ $(($(date +%s) - start)) -lt 20 ]
}

@test "--halt first-success writes the first job with output and kills the rest" {
	seq 1 8 >in
	start=$(date +%s)
	run_out out dm-run -j 4 --lines 1 --halt first-success -- \
	    'case $DM_JOB in 3) cat ;; 1|2) ;; *) sleep 30 ;; esac' <in
	assert_success
	assert_bytes out '3\n'
	[ $(($(date +%s) - start)) -lt 10 ]
}

@test "--halt first-success with --output-dir is a usage error, and nothing is run" {
	seq 1 100 >in
	usage=$(usage_of dm-run)
	run_split timeout 20 dm-run -j 3 --lines 10 --halt first-success --output-dir out -- 'echo ran >>ran; cat' <in
	assert_status 2
	assert_output ''
	assert_stderr "dm-run: --halt first-success excludes --output-dir"$'\n'"$usage"
	[ ! -e out ] && [ ! -e ran ]
}

@test "--joblog appends a header and one tab-separated line per attempt" {
	seq 1 6 >in
	# the failed attempt reads its block first: one that exits at once
	# may do so before dm-run has sent it anything (Send 0)
	run_out out dm-run -j 1 --lines 3 --joblog log -- \
	    'if [ $DM_JOB = 2 ] && mkdir once 2>/dev/null; then cat >/dev/null; exit 4; fi; cat' <in
	assert_success
	assert_same out in
	[ "$(sed -n 1p log)" = "$(printf 'Seq\tHost\tSlot\tStarttime\tJobRuntime\tSend\tReceive\tExitval\tSignal\tCommand')" ]
	[ "$(wc -l <log)" = 4 ]
	cut -f 1-3,6-9 log >fields
	assert_file fields <<-EOF
	$(printf 'Seq\tHost\tSlot\tSend\tReceive\tExitval\tSignal')
	$(printf '1\t:\t1\t6\t6\t0\t0')
	$(printf '2\t:\t1\t6\t0\t4\t0')
	$(printf '2\t:\t1\t6\t6\t0\t0')
	EOF
	awk -F '\t' 'NR > 1 && ($4 !~ /^[0-9]+\.[0-9][0-9][0-9]$/ || $5 !~ /^[0-9]+\.[0-9][0-9][0-9]$/ || NF != 10) { exit 1 }' log
	dm-run --lines 6 --joblog log -- cat <in >/dev/null
	[ "$(wc -l <log)" = 5 ]
}

@test "--joblog has a line for each attempt that a signal to dm-run stopped" {
	seq 1 6 >in
	dm-run -j 2 --lines 3 --joblog log -- 'touch started.$DM_JOB; sleep 30' <in >out &
	pid=$!
	for i in $(seq 200); do
		[ -e started.1 ] && [ -e started.2 ] && break
		sleep 0.05
	done
	kill -INT "$pid"
	wait "$pid" && status=0 || status=$?
	assert_status 130
	tail -n +2 log | cut -f 1,8,9 | sort >fields
	assert_file fields $'1\t0\t15\n2\t0\t15'
}

@test "--files runs the command once per line with {} shell-quoted" {
	printf 'plain\nit'"'"'s here\n\n$(touch pwned)\n' >list
	run_split dm-run --files -j 2 -- 'printf "<%s>\n" {} x{}' <list
	assert_success
	assert_output <<-'EOF'
	<plain>
	<xplain>
	<it's here>
	<xit's here>
	<$(touch pwned)>
	<x$(touch pwned)>
	EOF
	[ ! -e pwned ]
	# without {}, the line goes at the end; stdin is /dev/null
	run_split dm-run --files -- 'wc -c; echo' <list
	assert_success
	assert_output $'0\nplain\n0\nit\'s here\n0\n$(touch pwned)'
}

@test "--files: {} inside single or double quotes or bare never lets a line run code" {
	# each line is a file name that is hostile to a shell
	mkdir d
	local names=("a b" "it's" 'say "hi"' '$(touch pwned)' '`touch pwned`' \
	    '*' 'x; touch pwned' 'x & touch pwned' "back\\slash" '{}' '-n')
	local n
	: >list
	for n in "${names[@]}"; do
		printf '%s\n' "$n" >"d/$n"
		printf 'd/%s\n' "$n" >>list
	done
	printf '%s\n' "${names[@]}" >want
	for cmd in "cat '{}'" 'cat "{}"' 'cat {}' '[ -f "$1" ] && cat {}' 'cat' \
	    "sh -c 'cat \"\$0\"' '{}'" 'x=$(cat "{}"); printf "%s\n" "$x"'; do
		run_split dm-run --files -j 1 -- "$cmd" <list
		assert_success
		assert_stderr ''
		printf '%s\n' "$output" >got
		cmp want got
	done
	# the lines themselves, echoed through every quoting context
	printf '%s\n' '$(touch pwned)' "it's" '`touch pwned`' >list
	run_split dm-run --files -j 1 -- "echo '{}' \"{}\" {}" <list
	assert_success
	assert_output "\$(touch pwned) \$(touch pwned) \$(touch pwned)
it's it's it's
\`touch pwned\` \`touch pwned\` \`touch pwned\`"
	[ ! -e pwned ] && [ ! -e d/pwned ]
}

@test "an operand that cannot be opened is named escaped and shortened, never whole" {
	local long
	long=KEY=secret$(printf '%0100000d' 0)
	run_split dm-run cat "$long" </dev/null
	assert_status 2
	assert_output ''
	assert_stderr "dm-run: KEY=secret$(printf '%090d' 0)...: File name too long"
	run_split dm-run cat "$(printf 'KEY=se\tcret\001\377')" </dev/null
	assert_status 2
	assert_stderr 'dm-run: KEY=se\tcret\x01\xff: No such file or directory'
}

@test "--files passes each line without its newline or CRLF end, any other CR as it is" {
	printf 'x\r\ny\r\n\r\n\n\rz\r\r\nw\rv\nlast\r' >list
	run_out out dm-run --files -j 1 -- 'printf "%s|" {}' <list
	assert_success
	assert_bytes out 'x|y|\rz\r|w\rv|last\r|'
	# a failed job is named by its line without the CRLF end
	run_split dm-run --files --retries 0 -- 'exit 2' <<<$'a b\r'
	assert_status 2
	assert_stderr "dm-run: job 1 ('a b') failed 1 time: exit status 2"
}

@test "--files names the line of a job that failed" {
	printf 'good\nbad one\n' >list
	run_split dm-run --files --retries 0 -- 'test "$1" = good || exit 2; echo' <list
	assert_status 2
	assert_output 'good'
	assert_stderr "dm-run: job 2 ('bad one') failed 1 time: exit status 2"
	run_split dm-run --files --retries 0 -- 'case {} in bad*) exit 2;; esac; echo {}' <list
	assert_status 2
	assert_output 'good'
	assert_stderr "dm-run: job 2 ('bad one') failed 1 time: exit status 2"
}

@test "--files: a line too long for an argument fails its own job, the other lines run" {
	{ echo b; echo c; head -c 200000 /dev/zero | tr '\0' a; echo; echo d; } >list
	a200=$(head -c 200 /dev/zero | tr '\0' a)
	run_split timeout 30 dm-run --files -j 1 --retries 1 -- 'echo {} | wc -c' <list
	assert_status 2
	assert_output $'2\n2\n2'
	assert_stderr "dm-run: /bin/sh: Argument list too long
dm-run: job 3 ('$a200...'): exit status 126; trying again (2 of 2)
dm-run: /bin/sh: Argument list too long
dm-run: job 3 ('$a200...') failed 2 times: exit status 126
dm-run: job 3: dm-run: /bin/sh: Argument list too long"
	# the same through --output-dir: every other part is there, and a
	# resumed run runs the failed line again instead of dying at it
	run_split timeout 30 dm-run --files -j 2 --retries 0 --output-dir out -- 'echo {} | wc -c' <list
	assert_status 2
	[ "$(cd out && ls part-* | tr '\n' ' ')" = 'part-000001.jsonl part-000002.jsonl part-000004.jsonl ' ]
	run_split timeout 30 dm-run --files -j 2 --retries 0 --output-dir out --resume -- 'echo {} | wc -c' <list
	assert_status 2
	[ "$(echo "$stderr" | grep -c 'Argument list too long')" = 2 ]
	[ ! -e out/_SUCCESS ]
}

@test "--output-dir writes one part per block, a manifest and _SUCCESS" {
	seq 1 10 >in
	run_out stdout dm-run -j 2 --lines 4 --output-dir out -- cat <in
	assert_success
	assert_bytes stdout ''
	[ "$(cd out && ls -A | tr '\n' ' ')" = '_MANIFEST _SUCCESS part-000001.jsonl part-000002.jsonl part-000003.jsonl ' ]
	cat out/part-*.jsonl >all
	assert_same all in
	assert_file out/part-000003.jsonl $'9\n10'
	# a directory holding a run is never mixed with another
	run_split dm-run --lines 4 --output-dir out -- cat <in
	assert_status 2
	assert_stderr 'dm-run: out: holds the output of another run (resume it with --resume, or remove it)'
}

@test "--resume skips the parts that exist and refuses another input or command" {
	seq 1 10 >in
	dm-run -j 2 --lines 4 --output-dir out -- cat <in
	rm out/part-000002.jsonl out/_SUCCESS
	run_split dm-run -j 2 --lines 4 --output-dir out --resume -- cat <in
	assert_success
	[ -e out/_SUCCESS ]
	cat out/part-*.jsonl >all
	assert_same all in
	# a complete run's manifest: one record a part, and its blocks
	[ "$(grep -c '^part 2 ' out/_MANIFEST)" = 1 ]
	[ "$(sed -n '4,$s/ .*//p' out/_MANIFEST | tr '\n' ' ')" = 'part part part end ' ]
	[ "$(tail -n 1 out/_MANIFEST)" = 'end 3' ]
	sed 's/^6$/six/' in >other
	run_split dm-run --lines 4 --output-dir out --resume -- cat <other
	assert_status 2
	assert_stderr 'dm-run: out: block 2 of the input differs from the run being resumed'
	run_split dm-run --lines 5 --output-dir out --resume -- cat <in
	assert_status 2
	assert_stderr "dm-run: out: the run being resumed cut its input otherwise (its _MANIFEST says 'settings lines 4')"
	run_split dm-run --lines 4 --output-dir out --resume -- 'cat -n' <in
	assert_status 2
	assert_stderr 'dm-run: out: the run being resumed ran another command'
	head -n 4 in >short
	run_split dm-run --lines 4 --output-dir out --resume -- cat <short
	assert_status 2
	assert_stderr 'dm-run: out: the input has 1 blocks, the run being resumed had 3'
	# a longer input, whose blocks begin as those of the complete run
	head -n 8 in >eight
	dm-run --lines 4 --output-dir out8 -- cat <eight
	run_split dm-run --lines 4 --output-dir out8 --resume -- cat <in
	assert_status 2
	assert_stderr 'dm-run: out8: the input has more than the 2 blocks of the run being resumed'
	# a run cut short: the blocks it had, or more
	grep -v '^end ' out/_MANIFEST >m
	mv m out/_MANIFEST
	run_split dm-run --lines 4 --output-dir out --resume -- cat <short
	assert_status 2
	assert_stderr 'dm-run: out: the input has 1 blocks, the run being resumed had 3 or more'
	# a record without its part (killed between the two): the block is
	# run again, and recorded once
	grep '^part 2 ' out/_MANIFEST | sed 's/ [0-9a-f]* \([01]\)$/ 0000000000000000 \1/' >>out/_MANIFEST
	grep -q '^part 2 .* 0000000000000000 0$' out/_MANIFEST
	rm out/part-000002.jsonl
	run_split dm-run --lines 4 --output-dir out --resume -- cat <in
	assert_success
	cat out/part-*.jsonl >all
	assert_same all in
	[ "$(grep -c '^part 2 ' out/_MANIFEST)" = 1 ]
	[ "$(tail -n 1 out/_MANIFEST)" = 'end 3' ]
	# a resumed run that starts from nothing is a plain run (cron-safe)
	run_split dm-run --lines 4 --output-dir fresh --resume -- cat <in
	assert_success
	[ -e fresh/_SUCCESS ]
}

@test "SIGKILL mid-run, then --resume, gives the bytes of one uninterrupted run" {
	seq 1 20000 >in
	cmd='sleep 0.02; sed s/0/zero/g'
	sh -c "$cmd" <in >want
	dm-run -j 2 --lines 100 --output-dir out -- "$cmd" <in &
	pid=$!
	for i in $(seq 200); do
		[ "$(ls out 2>/dev/null | grep -c '^part-')" -ge 20 ] && break
		sleep 0.05
	done
	kill -KILL "$pid"
	wait "$pid" || :
	n=$(ls out | grep -c '^part-')
	[ "$n" -ge 20 ] && [ "$n" -lt 200 ]
	[ ! -e out/_SUCCESS ]
	run_split dm-run -j 3 --lines 100 --output-dir out --resume -- "$cmd" <in
	assert_success
	[ -e out/_SUCCESS ]
	cat out/part-*.jsonl >got
	assert_same got want
	[ -z "$(ls -A out | grep -v -e '^part-' -e '^_MANIFEST$' -e '^_SUCCESS$')" ]
}

@test "a resumed --output-dir run exits 1 when a block it skips rejected samples, as one run does" {
	for i in $(seq 30); do
		if [ "$i" = 7 ]; then echo bad; else echo "{\"text\":\"t$i\"}"; fi
	done >in
	cmd="dm-filter --on-error=skip 'len > 0'"
	run_split dm-run -j 2 --lines 2 --output-dir out -- "$cmd" <in
	assert_status 1
	# the manifest keeps each part's exit status
	[ "$(grep '^part 4 ' out/_MANIFEST | sed 's/.* //')" = 1 ]
	[ "$(grep '^part 3 ' out/_MANIFEST | sed 's/.* //')" = 0 ]
	# a run cut short after block 4: the rest is run, block 4 skipped
	rm out/_SUCCESS out/part-00001[0-5].jsonl
	run_split dm-run -j 2 --lines 2 --output-dir out --resume -- "$cmd" <in
	assert_status 1
	[ -e out/_SUCCESS ]
	# a complete run resumed: every block skipped
	run_split dm-run -j 2 --lines 2 --output-dir out --resume -- "$cmd" <in
	assert_status 1
	assert_stderr ''
	# a manifest of an older dm, without the statuses: a block whose
	# rejects were kept exited 1
	sed -i 's/^\(part [0-9]* [0-9]* [0-9]* [0-9a-f]* [0-9]* [0-9a-f]*\) [01]$/\1/' out/_MANIFEST
	[ "$(grep -c '^part .* [01]$' out/_MANIFEST)" = 0 ]
	run_split dm-run -j 2 --lines 2 --output-dir out --resume -- "$cmd" <in
	assert_status 1
	rm out/rejects-000004.jsonl
	run_split dm-run -j 2 --lines 2 --output-dir out --resume -- "$cmd" <in
	assert_success
	# a block without rejects resumes to 0
	head -n 6 in >good
	dm-run -j 2 --lines 2 --output-dir out2 -- "$cmd" <good
	run_split dm-run -j 2 --lines 2 --output-dir out2 --resume -- "$cmd" <good
	assert_success
}

@test "--resume checks each part's size and XXH64 and reruns one that does not match" {
	local i
	for ((i = 1; i <= 2000; i++)); do
		printf '{"id":%d,"text":"line %d of the input"}\n' "$i" "$i"
	done >in
	cmd='sed s/0/zero/g'
	sh -c "$cmd" <in >want
	dm-run -j 2 --lines 100 --output-dir out -- "$cmd" <in
	# the manifest records each part's size and XXH64, as python-xxhash
	# computes them
	/usr/bin/python3 - out <<-'EOF'
	import os, sys, xxhash
	d = sys.argv[1]
	n = 0
	for line in open(os.path.join(d, "_MANIFEST")):
	    w = line.split()
	    if w[0] != "part":
	        continue
	    data = open(os.path.join(d, "part-%06d.jsonl" % int(w[1])), "rb").read()
	    assert int(w[5]) == len(data), (w, len(data))
	    assert w[6] == xxhash.xxh64(data).hexdigest(), (w, xxhash.xxh64(data).hexdigest())
	    n += 1
	assert n == 20, n
	EOF
	local size
	size=$(wc -c <out/part-000005.jsonl)
	# a part cut mid-line, a part of the right size with a changed byte
	truncate -s 1000 out/part-000005.jsonl
	sed -i '3s/line/LINE/' out/part-000009.jsonl
	rm out/_SUCCESS
	run_split dm-run -j 2 --lines 100 --output-dir out --resume -- "$cmd" <in
	assert_success
	assert_stderr "dm-run: out: part-000005.jsonl has 1000 bytes, not the $size recorded; running block 5 again
dm-run: out: part-000009.jsonl does not match its recorded checksum; running block 9 again"
	[ -e out/_SUCCESS ]
	cat out/part-*.jsonl >got
	assert_same got want
	# checked again, they now match
	rm out/_SUCCESS
	run_split dm-run -j 2 --lines 100 --output-dir out --resume -- "$cmd" <in
	assert_success
	assert_stderr ''
}

@test "a killed run resumed with a recorded but missing part redoes it" {
	seq 1 12 >in
	dm-run --lines 4 --output-dir out -- cat <in
	# as if killed after the manifest line and before the rename
	mv out/part-000002.jsonl out/.part-000002.jsonl.tmp
	rm out/_SUCCESS
	printf 'part 3 19 8 0' >>out/_MANIFEST
	run_split dm-run --lines 4 --output-dir out --resume -- cat <in
	assert_success
	[ ! -e out/.part-000002.jsonl.tmp ]
	cat out/part-*.jsonl >all
	assert_same all in
}

@test "--lock makes a second run exit 2; --lock-wait waits its turn" {
	seq 1 3 >in
	dm-run --lock run.lock -- 'sleep 1; cat' <in >first &
	pid=$!
	wait_for_size run.lock 0
	sleep 0.2
	run_split dm-run --lock run.lock -- cat <in
	assert_status 2
	assert_stderr 'dm-run: run.lock: locked by another run'
	run_split dm-run --lock run.lock --lock-wait -- 'cat' <in
	assert_success
	assert_output "$(seq 1 3)"
	wait "$pid"
	assert_file first "$(seq 1 3)"
}

@test "SIGINT and SIGTERM stop every job and exit 130 and 143" {
	seq 1 100 >in
	for sig in INT TERM; do
		rm -f pids
		dm-run -j 2 --lines 10 -- 'echo $$ >>pids; sleep 30; cat' <in >out 2>err &
		pid=$!
		wait_for_size pids 4
		sleep 0.2
		signal_and_wait "$pid" "$sig"
		[ "$sig" = INT ] && assert_status 130
		[ "$sig" = TERM ] && assert_status 143
		sleep 0.2
		while read -r p; do
			! kill -0 "$p" 2>/dev/null
		done <pids
		[ ! -s out ]
	done
}

@test "SIGKILL of dm-run: the local jobs end within seconds, every process of their groups" {
	seq 1 20 >in
	# each job: its shell and a sleep in its process group
	dm-run -j 2 --lines 10 -- 'sleep 31 & echo $$ $! >pids.$DM_JOB; wait; cat' \
	    <in >out 2>err &
	pid=$!
	wait_for_size pids.1 4
	wait_for_size pids.2 4
	pids=$(cat pids.1 pids.2)
	kill -KILL "$pid"
	wait "$pid" || :
	# gone, or a zombie that nobody reaps (PID 1 of a container)
	alive() {
		local p s
		for p in $pids; do
			s=$(ps -o stat= -p "$p") && [[ $s != Z* ]] && return 0
		done
		return 1
	}
	for i in $(seq 100); do
		alive || break
		sleep 0.1
	done
	left=$(alive && echo yes || echo no)
	kill -KILL $pids 2>/dev/null || :
	[ "$left" = no ]
	[ ! -s out ]
	assert_file err ''
}

@test "SIGKILL of dm-run with --rejects or --output-dir: its folder of the attempts' records leaves TMPDIR too" {
	seq 1 20 >in
	mkdir t
	for opt in "--rejects r.jsonl" "--output-dir o"; do
		TMPDIR=$TMP/t dm-run -j 2 --lines 10 $opt -- \
		    ': >started.$DM_JOB; exec sleep 32' <in >out 2>err &
		pid=$!
		wait_for_size started.1 0
		wait_for_size started.2 0
		[ "$(ls t | grep -c '^dm-run-rejects\.')" -eq 1 ]
		kill -KILL "$pid"
		wait "$pid" || :
		for i in $(seq 100); do
			[ -z "$(ls t)" ] && break
			sleep 0.1
		done
		assert_file err ''
		[ -z "$(ls t)" ]
		rm -f started.*
	done
}

# wait_childless PID: waits (10 s at most) until PID has no child left, and
# fails if it still has one then.
wait_childless() {
	local i
	for i in $(seq 200); do
		pgrep -P "$1" >/dev/null || return 0
		sleep 0.05
	done
	! pgrep -P "$1" >/dev/null
}

@test "after SIGTERM, a job's output already begun is written whole, then dm-run dies of the signal" {
	seq 1 600000 >in
	mkfifo fifo
	dm-run -j 1 -- cat <in >fifo 2>err &
	pid=$!
	exec 7<fifo
	wait_childless "$pid"
	kill -TERM "$pid"
	wait_blocked "$pid" '*pipe_write*' '*pipe_wait*'
	timeout 20 cat <&7 >out
	exec 7<&-
	wait "$pid" && status=0 || status=$?
	assert_status 143
	assert_same out in
	assert_file err ''
}

@test "a second SIGINT or SIGTERM ends the write of a job's output that the reader does not take" {
	# 3.9 MB of output, more than the pipe holds
	seq 1 600000 >in
	for sig in INT TERM; do
		rm -f fifo
		mkfifo fifo
		dm-run -j 1 -- cat <in >fifo 2>err &
		pid=$!
		exec 7<fifo
		# the job has ended, and the pipe is full of its output
		wait_childless "$pid"
		# the first signal: the output begun is written whole
		kill -"$sig" "$pid"
		wait_blocked "$pid" '*pipe_write*' '*pipe_wait*'
		kill -0 "$pid"
		# the second: dm-run dies of it at once
		signal_and_wait "$pid" "$sig"
		exec 7<&-
		[ "$sig" = INT ] && assert_status 130
		[ "$sig" = TERM ] && assert_status 143
		assert_file err ''
	done
}

@test "ends quietly when the reader goes away (| head -n1)" {
	seq 1 3000000 >in
	dm-run -j 2 --block 1M -- cat <in 2>err | head -n 1 >out
	assert_file out 1
	assert_file err ''
}

@test "a write error (/dev/full) exits 2 with 'write error'" {
	seq 1 1000 >in
	dm-run -j 2 -- cat <in >/dev/full 2>err && status=0 || status=$?
	assert_status 2
	assert_file err 'dm-run: write error: No space left on device'
}

@test "a closed stdin cannot be read, and a closed stdout is a write error, as for every tool" {
	seq 1 10 >in
	dm-run -- cat <&- >out 2>err && status=0 || status=$?
	assert_status 2
	assert_file out ''
	assert_file err 'dm-run: <stdin>: Bad file descriptor'
	dm-run -j 2 --lines 5 -- cat <in >&- 2>err && status=0 || status=$?
	assert_status 2
	assert_file err 'dm-run: write error: Bad file descriptor'
	# nothing to write is no error; an operand needs no stdin
	dm-run -- true <in >&- 2>err
	assert_file err ''
	dm-run -j 2 --lines 5 -- cat in <&- >out 2>err
	assert_same out in
	assert_file err ''
}

@test "a job's stderr passes through as whole lines" {
	seq 1 4 >in
	run_out out dm-run -j 2 --lines 2 -- 'printf "part of "; sleep 0.1; printf "a line\nno newline" >&2; cat >/dev/null' <in
	assert_success
	assert_bytes out 'part of part of '
	# lines of the two jobs never mix; a last line gets its newline
	[ "$(sort <<<"$stderr")" = $'a line\na line\nno newline\nno newline' ]
}

@test "a job's stderr reaches a slow reader whole, its stderr blocking or not" {
	seq 1 40 >in
	for i in $(seq 1 40); do
		seq -f "job $i line %g" 0 499
	done | sort >want
	cmd='i=0; while [ $i -lt 500 ]; do echo "job $DM_JOB line $i" >&2; i=$((i+1)); done'
	# the reader sleeps while the pipe fills: dm-run's writes wait for
	# room, and jobs end (SIGCHLD) meanwhile
	dm-run -j 4 --lines 1 -- "$cmd" <in 2>&1 >/dev/null |
	    { sleep 1; sort; } >got
	assert_same got want
	# a non-blocking pipe (O_NONBLOCK is the open file's, shared with
	# whoever else writes to it): EAGAIN, then room again
	python3 -c 'import os, sys; os.set_blocking(2, False); os.execvp(sys.argv[1], sys.argv[1:])' \
	    dm-run -j 4 --lines 1 -- "$cmd" <in 2>&1 >/dev/null |
	    { sleep 1; sort; } >got
	assert_same got want
}

@test "a non-blocking standard output or input is waited for, never a write or read error" {
	seq 1 400000 >in
	nb='import os, sys; [os.set_blocking(int(fd), False) for fd in sys.argv[1].split(",")]; os.execvp(sys.argv[2], sys.argv[2:])'
	# output: in order from memory, spilled (sendfile), and unordered;
	# the reader sleeps while the pipe fills
	for opts in '' '--buffer 1K' '--unordered' '--unordered --buffer 1K'; do
		# shellcheck disable=SC2086
		timeout 60 python3 -c "$nb" 1 dm-run -j 4 --block 64K $opts -- cat <in 2>err |
		    { sleep 1; cat; } >got
		assert_file err ''
		sort -n got | cmp - in
	done
	# input: its writer is late, and slow
	{ sleep 0.5; head -n 200000 in; sleep 0.3; tail -n +200001 in; } |
	    timeout 60 python3 -c "$nb" 0 dm-run -j 4 --block 64K -- cat 2>err >got
	assert_file err ''
	assert_same got in
	# compressed: the decompressor's reads wait too
	gzip -c in >in.gz
	{ sleep 0.5; head -c 200000 in.gz; sleep 0.3; tail -c +200001 in.gz; } |
	    timeout 60 python3 -c "$nb" 0 dm-run -j 4 --block 64K -- cat 2>err >got
	assert_file err ''
	assert_same got in
	# both
	{ sleep 0.5; cat in; } |
	    timeout 60 python3 -c "$nb" 0,1 dm-run -j 4 --block 64K -- cat 2>err |
	    { sleep 1; cat; } >got
	assert_file err ''
	assert_same got in
}

@test "a job's stderr line without a newline is passed on as it comes, in bounded memory" {
	# 50 MB in one line: written as it is (with its newline at the end),
	# not held whole, nor searched again for a newline at each read
	printf 'a\n' >in
	head -c 50000000 /dev/zero | tr '\0' x >want
	echo >>want
	bound=$((20 * 1024))
	is_asan && bound=$((bound * 3 + 300 * 1024))
	peak=$(python3 <<-'EOF'
	import resource, subprocess
	with open("in", "rb") as i, open("err", "wb") as e:
	    subprocess.run(["dm-run", "--", "head -c 50000000 /dev/zero | tr '\\0' x >&2"],
	                   stdin=i, stdout=subprocess.DEVNULL, stderr=e, check=True)
	print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
	EOF
	)
	assert_same err want
	echo "peak $peak KB, bound $bound KB" >&2
	[ "$peak" -lt "$bound" ]
	# another job's line that comes while that line is open starts a
	# line of its own; the rest of the long line (what was held of it,
	# up to 64K, as the reads fell) follows on the next
	seq 1 2 >in
	run_out out dm-run -j 2 --lines 1 -- 'if [ $DM_JOB = 1 ]; then
		head -c 200000 /dev/zero | tr "\0" x >&2; sleep 0.5; : >one
		for i in $(seq 200); do [ -e two ] && break; sleep 0.05; done
		sleep 0.5; echo y >&2
	else
		for i in $(seq 200); do [ -e one ] && break; sleep 0.05; done
		echo two >&2; : >two
	fi' <in
	assert_success
	[ "$(tr -s x <<<"$stderr")" = $'x\ntwo\ny' ] ||
	    [ "$(tr -s x <<<"$stderr")" = $'x\ntwo\nxy' ]
	[ "$(head -n 1 <<<"$stderr" | wc -c)" -gt 65536 ]
	[ "$(tr -cd x <<<"$stderr" | wc -c)" = 200000 ]
}

@test "-j beyond the soft open files limit raises it; beyond the hard one, fewer jobs run, with a warning" {
	seq 1 10000 >in
	hard=$(ulimit -Hn)
	if [ "$hard" = unlimited ] || [ "$hard" -ge 8192 ]; then
		run_split sh -c 'ulimit -Sn 1024 && timeout 60 dm-run -j 1000 --lines 10 -- "sleep 0.5; cat" <in'
		assert_success
		assert_stderr ''
		[ "$output" = "$(cat in)" ]
	fi
	run_split sh -c 'ulimit -n 256 && timeout 60 dm-run -j 1000 --lines 10 --buffer 1K -- "sleep 0.1; cat" <in'
	assert_success
	assert_stderr 'dm-run: 1000 jobs at a time need more open files than the limit of 256 allows (ulimit -n); running 38 at a time'
	[ "$output" = "$(cat in)" ]
}

@test "dm-run nests: a job may itself run dm-run" {
	seq 1 5000 >in
	run_out out dm-run -j 2 --lines 1000 -- 'dm-run -j 2 --lines 100 -- cat' <in
	assert_success
	assert_same out in
}

@test "output held beyond --buffer spills to temporary files, then cleaned up" {
	seq 1 300000 >in
	mkdir tmp
	TMPDIR=$TMP/tmp run_out out dm-run -j 3 --block 256K --buffer 256K -- \
	    'if [ $DM_JOB = 1 ]; then sleep 0.5; fi; cat' <in
	assert_success
	assert_same out in
	[ -z "$(ls -A tmp)" ]
}

@test "memory stays bounded on a 10-million-line input" {
	seq 1 10000000 >in
	block=$((1024 * 1024))
	# The bound: ten blocks and 32 MB for the program itself. ASan's
	# shadow memory and quarantine (256 MB by default) come on top in the
	# sanitizer build.
	bound=$((10 * block / 1024 + 32 * 1024))
	is_asan && bound=$((bound * 3 + 300 * 1024))
	peak=$(python3 - "$block" <<-'EOF'
	import resource, subprocess, sys
	# through a pipe, which dm-run reads into blocks (a regular file is
	# cut in place: dm-run-inplace.bats)
	with open("in", "rb") as i, open("out", "wb") as o:
	    src = subprocess.Popen(["cat"], stdin=i, stdout=subprocess.PIPE)
	    subprocess.run(["dm-run", "-j", "2", "--block", sys.argv[1], "--", "cat"],
	                   stdin=src.stdout, stdout=o, check=True)
	    src.stdout.close()
	    src.wait()
	print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
	EOF
	)
	assert_same out in
	echo "peak $peak KB, bound $bound KB" >&2
	[ "$peak" -lt "$bound" ]
}

@test "--progress reports jobs and bytes on stderr" {
	seq 1 1000 >in
	run_split dm-run --progress -j 2 --lines 100 -- cat <in
	assert_success
	# a slow machine may show a line on the way; the last one is the total
	[[ ${stderr##*$'\n'} == "dm-run: 10 done, 0 running, 0 failed; 0.0 MB, "*" MB/s" ]]
}

@test "--progress after --resume: the blocks skipped count as done, not in the speed" {
	seq 1 300000 >in
	run dm-run --output-dir o --lines 30000 -- cat <in
	assert_success
	# every block was done: the resumed run does nothing, at no speed
	# (the 2 MB skipped counted as read at once made 100 MB/s and more,
	# and an ETA far too short while new blocks ran)
	run_split dm-run --progress --output-dir o --resume --lines 30000 -- cat <in
	assert_success
	assert_output ''
	assert_stderr 'dm-run: 10 done, 0 running, 0 failed; 2.0 MB, 0.0 MB/s'
}

# plain_input FILE: samples with lines between them that begin like a bzip2,
# a zstd and an xz stream, each at the start of a block of --lines 2.
plain_input() {
	{
		printf '{"text":"one"}\n{"text":"two"}\n'
		printf 'BZh91AY&SYxx\n{"text":"a"}\n'
		printf '\x28\xb5\x2f\xfdxx\n{"text":"b"}\n'
		printf '\xfd7zXZ\x00xx\n{"text":"c"}\n'
	} >"$1"
}

@test "a block in a pipe that begins like a compressed stream is read as its lines, as in one run" {
	plain_input in
	run_out want dm-filter --on-error=skip 'len > 0' <in
	assert_status 1
	assert_stderr "dm-filter: <stdin>:3:1: invalid JSON: expected a value
dm-filter: <stdin>:5:1: invalid JSON: expected a value
dm-filter: <stdin>:7:6: NUL byte in line
dm-filter: 3 of 8 samples rejected"
	# through a pipe, and in place through the shell: each job's block
	# begins with one of those lines
	run_out got dm-run -j 1 --lines 2 -- "dm-filter --on-error=skip 'len > 0'" < <(cat in)
	assert_status 1
	assert_same got want
	assert_stderr "dm-filter: <stdin>:3:1: invalid JSON: expected a value
dm-filter: 1 of 2 samples rejected
dm-filter: <stdin>:5:1: invalid JSON: expected a value
dm-filter: 1 of 2 samples rejected
dm-filter: <stdin>:7:6: NUL byte in line
dm-filter: 1 of 2 samples rejected"
	run_out got dm-run -j 2 --lines 2 -- "dm-filter --on-error=skip 'len > 0'; exit \$?" <in
	assert_status 1
	assert_same got want
}

@test "jobs name the lines of dm-run's input in their messages and rejects, as one run does" {
	lines_input in
	run_out want dm-filter --on-error=skip --rejects want.rej 'len > 0' <in
	assert_status 1
	want_err="dm-filter: <stdin>:2:2: invalid JSON: expected a string key
dm-filter: <stdin>:5: not a JSON object
dm-filter: <stdin>:9: field 'text' is not a string"
	assert_stderr "$want_err
dm-filter: 3 of 9 samples rejected"
	# in place, the tool reading its block itself; in place through the
	# shell; through a pipe; by blocks of lines and of bytes
	for how in own shell pipe; do
		for cut in '--lines 2' '--block 30'; do
			rm -f rej.*
			if [ $how = own ]; then
				run_out got dm-run -j 1 $cut -- "dm-filter --on-error=skip 'len > 0'" <in
			elif [ $how = shell ]; then
				run_out got dm-run -j 1 $cut -- "dm-filter --on-error=skip --rejects rej.\$DM_JOB 'len > 0'" <in
			else
				run_out got dm-run -j 1 $cut -- "dm-filter --on-error=skip --rejects rej.\$DM_JOB 'len > 0'" < <(cat in)
			fi
			assert_status 1
			assert_same got want
			[ "$(printf '%s\n' "$stderr" | grep -v 'samples rejected$')" = "$want_err" ]
			if [ $how != own ]; then
				for f in $(ls rej.* | sort -t. -k2 -n); do cat "$f"; done >got.rej
				assert_same got.rej want.rej
			fi
		done
	done
	# an operand is named as in one run over it, compressed or not
	gzip -c in >in.gz
	for f in in in.gz; do
		run_out want dm-filter --on-error=skip --rejects want.rej 'len > 0' $f
		assert_status 1
		rm -f rej.*
		run_out got dm-run -j 1 --lines 3 -- "dm-filter --on-error=skip --rejects rej.\$DM_JOB 'len > 0'" $f
		assert_status 1
		assert_same got want
		assert_stderr "$(lines_err3 $f)"
		cat rej.1 rej.2 rej.3 >got.rej
		assert_same got.rej want.rej
	done
}

@test "the lines of many blocks of many short lines are counted right, in place and through a pipe" {
	seq 1 20000 | sed -e 's/.*/{"n":&}/' -e '7777s/.*/{bad/' -e '19999s/.*/[]/' >in
	run_split dm-filter --on-error=skip 'true' <in
	assert_status 1
	want="dm-filter: <stdin>:7777:2: invalid JSON: expected a string key
dm-filter: <stdin>:19999: not a JSON object"
	# every version of the count (simd.h)
	for simd in avx2 sse2 none; do
		for how in own pipe; do
			if [ $how = own ]; then
				run_out got env DM_SIMD=$simd dm-run -j 2 --block 20000 -- "dm-filter --on-error=skip true" <in
			else
				run_out got env DM_SIMD=$simd dm-run -j 2 --block 20000 -- "dm-filter --on-error=skip true" < <(cat in)
			fi
			assert_status 1
			[ "$(wc -l <got)" -eq 19998 ]
			[ "$(printf '%s\n' "$stderr" | grep -v 'samples rejected$' | sort -t: -k3,3n)" = "$want" ]
		done
	done
	# in place, blocks counted a few megabytes at a time
	seq 1 1000000 | sed -e 's/.*/{"n":&}/' -e '777777s/.*/{bad/' -e '999999s/.*/[]/' >in
	run_out got dm-run -j 2 --block 5M -- "dm-filter --on-error=skip true" <in
	assert_status 1
	[ "$(wc -l <got)" -eq 999998 ]
	[ "$(printf '%s\n' "$stderr" | grep -v 'samples rejected$' | sort -t: -k3,3n)" = "dm-filter: <stdin>:777777:2: invalid JSON: expected a string key
dm-filter: <stdin>:999999: not a JSON object" ]
}

@test "DM_RUN_LINE reaches a job's shell, dm tools and dm-run, not another program nor the blocks of several operands" {
	lines_input in
	run_split dm-run -j 1 --lines 4 -- 'cat >/dev/null; echo "$DM_RUN_LINE"' <in
	assert_success
	assert_output '1
5
9'
	run_split dm-run -j 1 --lines 4 -- 'cat >/dev/null; echo "$DM_RUN_LINE"' < <(cat in)
	assert_success
	assert_output '1
5
9'
	run_split dm-run -j 1 --lines 4 -- 'cat >/dev/null; echo "$DM_RUN_LINE"' in
	assert_success
	assert_output '1:in
5:in
9:in'
	# a dm-run in a job numbers its blocks from that job's line on
	run_split dm-run -j 1 --lines 4 -- "dm-run -j 1 --lines 3 -- 'cat >/dev/null; echo \$DM_RUN_LINE'" in
	assert_success
	assert_output '1:in
4:in
5:in
8:in
9:in'
	run_split dm-run -j 1 --lines 4 -- "dm-run -j 1 --lines 3 -- 'cat >/dev/null; echo \$DM_RUN_LINE'" < <(cat in)
	assert_success
	assert_output '1
4
5
8
9'
	run_split dm-run -j 1 --lines 6 -- 'cat >/dev/null; echo "${DM_RUN_LINE-none}"' in in
	assert_success
	assert_output 'none
none
none'
	# a simple command of another program: not counted, not set
	run_split dm-run -j 1 --lines 4 -- env <in
	assert_success
	[ "$(printf '%s\n' "$output" | grep -c '^DM_JOB=')" -eq 3 ]
	[ "$(printf '%s\n' "$output" | grep -c '^DM_RUN_LINE=')" -eq 0 ]
}

@test "DM_RUN_LINE set by hand: the lines of the pipe of DM_RUN_PLAIN from that line on, with the name given" {
	lines_input in
	mkfifo fifo
	DM_RUN_PLAIN=$(stat -c %d:%i fifo) DM_RUN_LINE=101:my:file dm-filter --on-error=skip 'len > 0' <fifo >out 2>err &
	pid=$!
	cat in >fifo
	wait "$pid" && status=0 || status=$?
	assert_status 1
	assert_file err "dm-filter: my:file:102:2: invalid JSON: expected a string key
dm-filter: my:file:105: not a JSON object
dm-filter: my:file:109: field 'text' is not a string
dm-filter: 3 of 9 samples rejected"
	# another input: numbered from 1 as ever
	run_split env DM_RUN_LINE=101 dm-filter --on-error=skip 'len > 0' <in
	assert_status 1
	assert_stderr "dm-filter: <stdin>:2:2: invalid JSON: expected a string key
dm-filter: <stdin>:5: not a JSON object
dm-filter: <stdin>:9: field 'text' is not a string
dm-filter: 3 of 9 samples rejected"
	for bad in x 0 -1 1x 1: :a '' 99999999999999999999999 1@ 1@x @5 \
	    0@5 1@5x 1@5: 1@99999999999999999999999; do
		run_split env DM_RUN_LINE="$bad" dm-map upper <in
		assert_status 2
		assert_stderr "dm-map: DM_RUN_LINE is not LINE, LINE@OFFSET, LINE:NAME or LINE@OFFSET:NAME: '$bad'"
	done
}

@test "--rejects gathers the jobs' rejected lines in input order, as one run's rejects file, each once" {
	lines_input in
	run_out want dm-filter --on-error=skip --rejects want.rej 'len > 0' <in
	assert_status 1
	mkdir t
	export TMPDIR=$TMP/t
	# the tool reading its block itself, through the shell, through a
	# pipe; by lines and by bytes; one job at a time and three
	for how in own shell pipe; do
		for cut in '--lines 2' '--block 30'; do
			for j in 1 3; do
				cmd="dm-filter --on-error=skip 'len > 0'"
				[ $how = shell ] && cmd="true; $cmd"
				rm -f got.rej
				if [ $how = pipe ]; then
					run_out got dm-run -j $j $cut --rejects got.rej -- "$cmd" < <(cat in)
				else
					run_out got dm-run -j $j $cut --rejects got.rej -- "$cmd" <in
				fi
				assert_status 1
				assert_same got want
				assert_same got.rej want.rej
			done
		done
	done
	# files mode: each line's job in turn
	printf '%s\n' in in >list
	run_out got dm-run -j 2 --files --rejects got.rej -- "dm-filter --on-error=skip 'len > 0' {}" <list
	assert_status 1
	dm-filter --on-error=skip --rejects one.rej 'len > 0' in >/dev/null 2>&1 || :
	cat one.rej one.rej >want2.rej
	assert_same got.rej want2.rej
	# an attempt that failed leaves none of its lines: job 2 rejects
	# line 5, then fails the first time
	run_out got dm-run -j 1 --lines 3 --rejects got.rej -- "dm-filter --on-error=skip 'len > 0'; [ \$DM_JOB\$DM_ATTEMPT != 21 ] || exit 2" <in
	assert_success
	assert_stderr "dm-filter: <stdin>:2:2: invalid JSON: expected a string key
dm-filter: 1 of 3 samples rejected
dm-filter: <stdin>:5: not a JSON object
dm-filter: 1 of 3 samples rejected
dm-run: job 2 (input bytes 32-61): exit status 2; trying again (2 of 3)
dm-filter: <stdin>:5: not a JSON object
dm-filter: 1 of 3 samples rejected
dm-filter: <stdin>:9: field 'text' is not a string
dm-filter: 1 of 3 samples rejected"
	assert_same got want
	assert_same got.rej want.rej
	# a job that failed for good: the others' lines only
	run_out got dm-run -j 1 --lines 3 --retries 0 --rejects got.rej -- "dm-filter --on-error=skip 'len > 0'; [ \$DM_JOB != 2 ] || exit 2" <in
	assert_status 2
	grep -v '"line":5,' want.rej >want3.rej
	assert_same got.rej want3.rej
	# out of order with --unordered, the same lines
	run_out got dm-run -j 3 --lines 1 --unordered --rejects got.rej -- "dm-filter --on-error=skip 'len > 0'" <in
	assert_status 1
	[ "$(sort got.rej)" = "$(sort want.rej)" ]
	# two tools of a job add to the same file (the second numbers the
	# lines of the first's output)
	dm-filter --on-error=skip --strict --rejects want2.rej 'text == "bb" || size > 0' <want >/dev/null 2>&1 || :
	run_out got2 dm-run -j 2 --lines 4 --rejects got.rej -- "dm-filter --on-error=skip 'len > 0' | dm-filter --on-error=skip --strict 'text == \"bb\" || size > 0'" <in
	assert_status 1
	[ "$(jq -c 'del(.line)' got.rej | sort)" = "$(cat want.rej want2.rej | jq -c 'del(.line)' | sort)" ]
	[ "$(wc -l <got.rej)" -eq 8 ]
	# nothing is left in TMPDIR
	[ -z "$(ls -A t)" ]
}

@test "DM_REJECTS: the tools and dm-run add to it; a dm-run in a job gathers its own jobs' lines into its job's" {
	lines_input in
	run_out want dm-filter --on-error=skip --rejects want.rej 'len > 0' <in
	printf 'before\n' >got.rej
	DM_REJECTS=got.rej run_out got dm-filter --on-error=skip 'len > 0' <in
	assert_status 1
	assert_file got.rej "before
$(cat want.rej)"
	# --rejects wins, and empties its file
	DM_REJECTS=other.rej run_out got dm-filter --on-error=skip --rejects got.rej 'len > 0' <in
	assert_same got.rej want.rej
	[ ! -e other.rej ]
	# dm-run adds to it in order
	printf 'before\n' >got.rej
	DM_REJECTS=got.rej run_out got dm-run -j 3 --lines 2 -- "dm-filter --on-error=skip 'len > 0'" <in
	assert_status 1
	assert_file got.rej "before
$(cat want.rej)"
	# nested: the inner dm-run's jobs' lines reach the outer's file
	run_out got dm-run -j 2 --lines 4 --rejects got.rej -- "dm-run -j 2 --lines 1 -- \"dm-filter --on-error=skip 'len > 0'\"" in
	assert_status 1
	run_out want dm-filter --on-error=skip --rejects want.rej 'len > 0' in
	assert_same got.rej want.rej
	# empty: none
	DM_REJECTS= run_out got dm-run -j 2 --lines 4 -- "dm-filter --on-error=skip 'len > 0'" <in
	assert_status 1
	assert_same got want
}

@test "--rejects: empty input empties the file; a line over --max-line keeps its head and length, as in one run" {
	printf 'old\n' >got.rej
	run_split dm-run --rejects got.rej -- "dm-filter --on-error=skip true" </dev/null
	assert_success
	assert_output ''
	assert_bytes got.rej ''
	x=$(head -c 300 /dev/zero | tr '\0' x)
	printf '{"text":"a"}\n{"text":"%s"}\n{"text":"b"}\n' "$x" >in
	run_out want dm-filter --max-line 100 --on-error=skip --rejects want.rej true <in
	assert_status 1
	assert_bytes want.rej '%s\n' '{"file":"<stdin>","line":2,"reason":"line of 311 bytes is longer than --max-line (100 bytes)","raw_head":"{\"text\":\"'"${x:0:91}"'","length":311}'
	for cut in '--lines 1' '--block 20'; do
		run_out got dm-run -j 2 $cut --rejects got.rej -- "dm-filter --max-line 100 --on-error=skip true" <in
		assert_status 1
		assert_same got want
		assert_same got.rej want.rej
	done
}

@test "--rejects with --output-dir: each part's records kept in DIR, gathered once the run is complete, resumed or not" {
	lines_input in
	run_out want dm-filter --on-error=skip --rejects want.rej 'len > 0' <in
	run_split dm-run -j 2 --lines 3 --output-dir out --rejects got.rej -- "dm-filter --on-error=skip 'len > 0'" <in
	assert_status 1
	assert_same got.rej want.rej
	[ "$(ls out)" = "_MANIFEST
_SUCCESS
part-000001.jsonl
part-000002.jsonl
part-000003.jsonl
rejects-000001.jsonl
rejects-000002.jsonl
rejects-000003.jsonl" ]
	[ "$(cat out/part-*.jsonl)" = "$(cat want)" ]
	# block 3 fails for good: nothing gathered yet; resumed, every record
	rm -rf out
	touch broken
	cmd="dm-filter --on-error=skip 'len > 0'; ! [ \$DM_JOB = 3 -a -e broken ] || exit 2"
	run_split dm-run -j 2 --lines 3 --retries 0 --output-dir out --rejects got.rej -- "$cmd" <in
	assert_status 2
	[ ! -s got.rej ]
	[ -e out/rejects-000002.jsonl ] && [ ! -e out/rejects-000003.jsonl ]
	rm broken
	run_split dm-run -j 2 --lines 3 --retries 0 --output-dir out --resume --rejects got.rej -- "$cmd" <in
	assert_success
	assert_same got.rej want.rej
	# kept without --rejects too, so that a resumed run can gather them
	rm -rf out got.rej
	run_split dm-run -j 2 --lines 3 --output-dir out -- "dm-filter --on-error=skip 'len > 0'" <in
	assert_status 1
	cat out/rejects-*.jsonl >got.rej
	assert_same got.rej want.rej
	# (its status that of the run it completes: samples were rejected)
	run_split dm-run -j 2 --lines 3 --output-dir out --resume --rejects got.rej -- "dm-filter --on-error=skip 'len > 0'" <in
	assert_status 1
	assert_same got.rej want.rej
	# a new run in a directory of stray records starts without them
	rm -rf out
	mkdir out
	printf 'stray\n' >out/rejects-000004.jsonl
	run_split dm-run -j 2 --lines 3 --output-dir out --rejects got.rej -- "dm-filter --on-error=skip 'len > 0'" <in
	assert_status 1
	assert_same got.rej want.rej
	[ ! -e out/rejects-000004.jsonl ]
}

@test "--output-dir keeps no rejects file for a block that rejected nothing" {
	lines_input in
	# lines 2, 5 and 9 are bad: blocks 1, 3 and 5 of two lines
	run_split dm-run -j 2 --lines 2 --output-dir out -- "dm-filter --on-error=skip 'len > 0'" <in
	assert_status 1
	[ "$(ls out | grep rejects)" = "rejects-000001.jsonl
rejects-000003.jsonl
rejects-000005.jsonl" ]
}

@test "--rejects: a file that cannot be made, a clear error; a full disk is an error" {
	lines_input in
	run_split dm-run --rejects nodir/r.jsonl -- "dm-filter --on-error=skip 'len > 0'" <in
	assert_status 2
	assert_stderr 'dm-run: nodir/r.jsonl: No such file or directory'
	assert_output ''
	run_split dm-run --rejects /dev/full -j 1 --lines 3 -- "dm-filter --on-error=skip 'len > 0'" <in
	assert_status 2
	assert_stderr 'dm-filter: <stdin>:2:2: invalid JSON: expected a string key
dm-filter: 1 of 3 samples rejected
dm-run: /dev/full: write error: No space left on device'
	# a job's tool whose file is full fails as ever
	DM_REJECTS=/dev/full run_split dm-filter --on-error=skip 'len > 0' <in
	assert_status 2
	assert_stderr 'dm-filter: <stdin>:2:2: invalid JSON: expected a string key
dm-filter: <stdin>:5: not a JSON object
dm-filter: <stdin>:9: field '"'"'text'"'"' is not a string
dm-filter: /dev/full: write error: No space left on device'
}

@test "DM_RUN_PLAIN: a dm tool reads that pipe as plain text, any other input as it is" {
	printf 'BZh91AY&SYxx\n{"text":"a"}\n' >in
	mkfifo fifo
	DM_RUN_PLAIN=$(stat -c %d:%i fifo) dm-filter --on-error=skip 'len > 0' <fifo >out 2>err &
	pid=$!
	cat in >fifo
	wait "$pid" && status=0 || status=$?
	assert_status 1
	assert_file out '{"text":"a"}'
	assert_file err 'dm-filter: <stdin>:1:1: invalid JSON: expected a value
dm-filter: 1 of 2 samples rejected'
	# a file, or another pipe: sniffed as ever
	for how in file pipe; do
		if [ $how = file ]; then
			run_out out env DM_RUN_PLAIN="$(stat -c %d:%i fifo)" dm-filter --on-error=skip 'len > 0' <in
		else
			run_out out env DM_RUN_PLAIN="$(stat -c %d:%i fifo)" dm-filter --on-error=skip 'len > 0' < <(cat in)
		fi
		assert_status 2
		assert_stderr 'dm-filter: <stdin>:1: invalid bzip2 input'
	done
	for bad in x 1 1:2:3 1:x -1:2 ''; do
		run_split env DM_RUN_PLAIN="$bad" dm-map upper <in
		assert_status 2
		assert_stderr "dm-map: DM_RUN_PLAIN is not DEV:INO: '$bad'"
	done
}

@test "the manual's examples render their backslashes" {
	command -v man >/dev/null || skip "no man"
	run sh -c "man -l '$DM_REPO/man/dm-run.1' 2>/dev/null | grep -F printf | sed 's/^ *//'"
	assert_success
	assert_output "printf '8/node1\\n8/dm@node2:2222\\n4/:\\n' > hosts.txt"
}

@test "every long option of --help's list is in its usage lines and the manual's synopsis" {
	usage=$(usage_of dm-run)
	synopsis=$(man -l "$DM_REPO/man/dm-run.1" 2>/dev/null | sed -n '/^SYNOPSIS/,/^DESCRIPTION/p')
	missing=
	for o in $(dm-run --help | sed '1,/^$/d' | grep -o '^ *\(-[a-zA-Z], \)\?--[a-z-]*' | sed 's/.*--/--/'); do
		# the short form stands in the usage for these
		case $o in --help|--version|--jobs|--sshlogin) continue ;; esac
		case $usage in *"$o "*|*"$o]"*) ;; *) missing="$missing usage:$o" ;; esac
		[ -z "$synopsis" ] ||
		case $synopsis in *"$o "*|*"$o]"*) ;; *) missing="$missing synopsis:$o" ;; esac
	done
	[ -z "$missing" ] || { echo "missing:$missing" >&2; return 1; }
	[[ $usage == *"[--rejects FILE] [--report FILE]"* ]]
}
