#!/usr/bin/env bats
# dm-run-slurm.bats - dm-run --slurm on a real single-node Slurm cluster

load helper
load slurm

setup_file() {
	# small, so that a submission of more elements is split
	SLURM_MAX_ARRAY=8 slurm_start
	export SLURM_MAIN=$SLURM_DIR
}

teardown_file() {
	slurm_stop
}

teardown() {
	[ -f "$TMP/cluster" ] && slurm_stop "$(cat "$TMP/cluster")"
	SLURM_DIR=$SLURM_MAIN SLURM_CONF=$SLURM_MAIN/slurm.conf
	# no test leaves an element behind for the next one
	timeout 5 scancel --quiet --user=root
	slurm_wait_idle 30 >/dev/null 2>&1
	return 0
}

# samples N: N small samples, one a line.
samples() {
	local i
	for ((i = 1; i <= $1; i++)); do
		printf '{"id":%d,"text":"sample number %d"}\n' "$i" "$i"
	done
}

# elements_of SPOOL STATE: the elements of SPOOL's arrays in STATE (R, PD).
elements_of() {
	local ids
	ids=$(cat "$1"/sub/*.id 2>/dev/null | paste -sd,)
	[ -n "$ids" ] || return 0
	squeue -h -r -j "$ids" -t "$2" -o %i 2>/dev/null
}

@test "the test cluster runs an 8-element job array" {
	local id i
	id=$(sbatch --parsable --array=0-7 -o "$TMP/%a.out" \
	    --wrap 'echo "element $SLURM_ARRAY_TASK_ID"')
	slurm_wait_idle
	run cat "$TMP"/0.out "$TMP"/1.out "$TMP"/2.out "$TMP"/3.out \
	    "$TMP"/4.out "$TMP"/5.out "$TMP"/6.out "$TMP"/7.out
	assert_output "$(for i in 0 1 2 3 4 5 6 7; do echo "element $i"; done)"
	run squeue -h -j "$id" -t all -o %T
	assert_output "$(for i in 0 1 2 3 4 5 6 7; do echo COMPLETED; done)"
}

@test "the test harness leaves no daemon and no job behind" {
	local main=$SLURM_DIR pids i
	# a second cluster, stopped by teardown should the test fail
	slurm_start
	echo "$SLURM_DIR" >"$TMP/cluster"
	sbatch --parsable --array=0-1 -o /dev/null --wrap 'exec sleep 300'
	# the two daemons, two slurmstepd, two sleeps
	for i in $(seq 100); do
		pids=$(slurm_pids)
		[ "$(ps -o comm= -p "$(echo $pids | tr ' ' ,)" | grep -c -x \
		    -e sleep -e slurmstepd -e slurmctld -e slurmd)" = 6 ] &&
		    break
		sleep 0.1
	done
	[ "$i" -lt 100 ]
	slurm_stop
	run slurm_pids
	assert_output ""
	[ ! -d "$SLURM_DIR" ]
	# the file's own cluster still runs
	run slurm_pids "$main"
	[ -n "$output" ]
}

@test "the output of a run on Slurm equals the local run's, byte for byte" {
	{
		samples 300
		printf '\n{"text":"crlf"}\r\n\n{"text":"no newline at the end"}'
	} >in.jsonl
	dm-run -j 2 --block 1K -- 'dm-map upper' <in.jsonl >local.out
	run_out slurm.out dm-run --slurm --spool "$TMP/spool" -j 10 --block 1K \
	    -- 'dm-map upper' in.jsonl
	assert_success
	assert_stderr ""
	assert_same slurm.out local.out
	# more than 10 blocks, 10 elements at once: the first 10 in
	# arrays of 8 (MaxArraySize) and 2, then one array as each ends
	n=$(dm-run -j 2 --block 1K -- 'echo x' <in.jsonl | wc -l)
	[ "$n" -gt 10 ]
	[ "$(wc -l <spool/_BLOCKS)" = $((n + 1)) ]
	[ "$(tail -n 1 spool/_BLOCKS)" = "end $n" ]
	[ "$(wc -l <spool/sub/1.map)" = 8 ]
	[ "$(wc -l <spool/sub/2.map)" = 2 ]
	[ -f spool/_SUCCESS ]
	run ls spool/tmp
	assert_output ""
}

@test "jobs on Slurm name the lines of dm-run's input in their messages and rejects, as one run does (DM_RUN_LINE)" {
	lines_input in
	gzip -c in >in.gz
	cmd="dm-filter --on-error=skip --rejects $TMP/rej.\$DM_JOB 'len > 0'"
	# from standard input and named operands, as a simple command and
	# through the shell; the job's messages are in the spool's err/
	for f in - in in.gz; do
		for c in "$cmd" "true; $cmd"; do
			run_out want dm-filter --on-error=skip --rejects want.rej 'len > 0' $f <in
			assert_status 1
			[ $f = - ] && name='<stdin>' || name=$f
			rm -rf rej.* spool
			run_out got dm-run --slurm --spool "$TMP/spool" -j 3 --lines 3 -- "$c" $f <in
			assert_status 1
			assert_same got want
			want_err=$(lines_err3 "$name")
			cat spool/err/000001.1 spool/err/000002.1 spool/err/000003.1 >err
			assert_file err "$want_err"
			# dm-run passes them on as the jobs end
			[ "$(printf '%s\n' "$stderr" | sort)" = "$(printf '%s\n' "$want_err" | sort)" ]
			cat rej.1 rej.2 rej.3 >got.rej
			assert_same got.rej want.rej
			[ "$(cat spool/sub/*.map)" = '1:1:1:1
2:1:2:4
3:1:3:7' ]
		done
	done
	# a simple command of another program: not counted, not set
	rm -rf spool
	run_split dm-run --slurm --spool "$TMP/spool" -j 3 --lines 4 -- env <in
	assert_success
	[ "$(printf '%s\n' "$output" | grep -c '^DM_JOB=')" -eq 3 ]
	# no DM_RUN_LINE nor DM_RUN_RANGE; the run's id, for the report
	[ "$(printf '%s\n' "$output" | grep -v '^DM_RUN_ID=' | grep -c '^DM_RUN_')" -eq 0 ]
	[ "$(printf '%s\n' "$output" | grep '^DM_RUN_ID=' | sort -u | wc -l)" -eq 1 ]
	[ "$(cat spool/sub/*.map)" = '1:1:1:0
2:1:2:0
3:1:3:0' ]
	# a dm-run in a job numbers from the job's line, with its name
	rm -rf spool
	run_split dm-run --slurm --spool "$TMP/spool" -j 1 --lines 4 -- "dm-run -j 1 --lines 3 -- 'cat >/dev/null; echo \$DM_RUN_LINE'" in
	assert_success
	assert_output '1:in
4:in
5:in
8:in
9:in'
}

@test "--rejects on Slurm: the blocks' records, kept in the spool, each once in input order, and again on --resume" {
	lines_input in
	run_out want dm-filter --on-error=skip --rejects want.rej 'len > 0' <in
	assert_status 1
	run_out got dm-run --slurm --spool "$TMP/spool" -j 3 --lines 3 --rejects got.rej -- "dm-filter --on-error=skip 'len > 0'" <in
	assert_status 1
	assert_same got want
	assert_same got.rej want.rej
	[ "$(ls spool/rej)" = "000001
000002
000003" ]
	# the first attempt of block 2 rejects line 5 and fails: its
	# record goes with it
	rm -rf spool
	cmd="dm-filter --on-error=skip 'len > 0'; [ \$DM_JOB\$DM_ATTEMPT != 21 ] || exit 2"
	run_out got dm-run --slurm --spool "$TMP/spool" -j 3 --lines 3 --rejects got.rej -- "$cmd" <in
	assert_success
	assert_same got want
	assert_same got.rej want.rej
	[ -z "$(ls spool/tmp)" ]
	# block 3 fails for good; the run resumed gives every record
	rm -rf spool
	touch "$TMP/broken"
	cmd="dm-filter --on-error=skip 'len > 0'; ! [ \$DM_JOB = 3 -a -e '$TMP/broken' ] || exit 2"
	run_out got dm-run --slurm --spool "$TMP/spool" -j 3 --lines 3 --retries 0 --rejects got.rej -- "$cmd" <in
	assert_status 2
	grep -v '"line":9,' want.rej >want2.rej
	assert_same got.rej want2.rej
	rm "$TMP/broken"
	run_out got dm-run --slurm --spool "$TMP/spool" -j 3 --lines 3 --retries 0 --resume --rejects got.rej -- "$cmd" <in
	assert_success
	assert_same got want
	assert_same got.rej want.rej
	# DM_REJECTS, added to
	printf 'before\n' >got.rej
	rm -rf spool
	DM_REJECTS=got.rej run_out got dm-run --slurm --spool "$TMP/spool" -j 3 --lines 3 -- "dm-filter --on-error=skip 'len > 0'" <in
	assert_status 1
	assert_file got.rej "before
$(cat want.rej)"
	# a block that rejected nothing keeps no records file
	rm -rf spool
	run_out got dm-run --slurm --spool "$TMP/spool" -j 3 --lines 2 -- "dm-filter --on-error=skip 'len > 0'" <in
	assert_status 1
	[ "$(ls spool/rej)" = "000001
000003
000005" ]
	[ -z "$(ls spool/tmp)" ]
}

@test "files mode on Slurm runs the command once a line, {} replaced" {
	printf 'a b\nc\n\nd\n' >list
	run_out out dm-run --slurm --spool "$TMP/spool" -j 2 --files \
	    -- 'printf "%s|%s\n" {} "$DM_JOB"' <list
	assert_success
	assert_bytes out 'a b|1\nc|2\nd|3\n'
}

@test "elements find the dm tools next to dm-run, on PATH or not" {
	printf '{"text":"abc"}\n{"text":""}\n' >in.jsonl
	run_split env PATH=/usr/bin:/bin "$DM_BINDIR/dm-run" --slurm \
	    --spool "$TMP/spool" -j 1 -- "dm-filter 'len > 0' | dm-map upper" in.jsonl
	assert_success
	assert_stderr ''
	assert_output '{"text":"ABC"}'
}

@test "an element that fails is resubmitted; the output is complete, nothing twice" {
	samples 200 >in.jsonl
	dm-run -j 2 --lines 20 -- 'dm-map upper' <in.jsonl >local.out
	run_out slurm.out dm-run --slurm --spool "$TMP/spool" -j 4 --lines 20 \
	    --joblog "$TMP/log" \
	    -- 'if [ "$DM_ATTEMPT" = 1 ] && [ $((DM_JOB % 4)) = 2 ]; then
		    echo "block $DM_JOB breaks" >&2; exit 3; fi; dm-map upper' \
	    <in.jsonl
	assert_success
	assert_same slurm.out local.out
	# as a local run says it
	dm-run -j 4 --lines 20 -- 'if [ "$DM_ATTEMPT" = 1 ] &&
	    [ $((DM_JOB % 4)) = 2 ]; then echo "block $DM_JOB breaks" >&2;
	    exit 3; fi; dm-map upper' <in.jsonl 2>local.err >/dev/null
	[ "$(LC_ALL=C sort local.err)" = "$(LC_ALL=C sort <<<"$stderr")" ]
	run env LC_ALL=C sort <<<"$stderr"
	assert_output <<-'EOF'
	block 10 breaks
	block 2 breaks
	block 6 breaks
	dm-run: job 10 (input bytes 6624-7383): exit status 3; trying again (2 of 3)
	dm-run: job 2 (input bytes 702-1421): exit status 3; trying again (2 of 3)
	dm-run: job 6 (input bytes 3584-4343): exit status 3; trying again (2 of 3)
	EOF
	# the job log: an attempt a line, the node it ran on, its exit
	# status, and what it gave
	awk -F '\t' 'NR > 1 { print $1, $2, $8 }' log |
	    sort -n -k 1 -k 3 >attempts
	run cat attempts
	assert_output "$({ seq 10 | sed 's/$/ localhost 0/'
	    printf '%s localhost 3\n' 2 6 10; } | sort -n -k 1 -k 3)"
	[ "$(awk -F '\t' 'NR > 1 { n += $7 } END { print n }' log)" = \
	    "$(wc -c <slurm.out)" ]
}

@test "a block whose element exits 0 without putting its part in place is run again, not taken as empty" {
	samples 60 >in.jsonl
	dm-run -j 2 --lines 20 -- 'dm-map upper' <in.jsonl >local.out
	# the spool's disk full once, as block 2's element puts its part in
	# place: its command succeeded, its part stays in tmp/
	mkdir fake
	cat >fake/cp <<-EOF
	#!/bin/sh
	case "\$2" in
	*/tmp/000002.*.ok)
		if mkdir "$TMP/cpfailed" 2>/dev/null; then
			echo "cp: error writing '\$2': No space left on device" >&2
			exit 1
		fi ;;
	esac
	exec $(command -v cp) "\$@"
	EOF
	chmod +x fake/cp
	PATH=$TMP/fake:$PATH run_out slurm.out dm-run --slurm --spool "$TMP/spool" \
	    -j 3 --lines 20 -- 'dm-map upper' <in.jsonl
	assert_success
	[ -d cpfailed ]
	assert_same slurm.out local.out
	grep -q "^cp: error writing '.*/tmp/000002\..*\.ok': No space left on device$" <<<"$stderr"
	grep -qx "slurm: element $(cat spool/sub/1.id)_1 on localhost ended COMPLETED" <<<"$stderr"
	grep -qx 'dm-run: job 2 (input bytes 702-1421): exit status 2; trying again (2 of 3)' <<<"$stderr"
	# without retries the run fails, and --status says why
	rmdir cpfailed
	PATH=$TMP/fake:$PATH run_out slurm.out dm-run --slurm --spool "$TMP/spool2" \
	    -j 3 --lines 20 --retries 0 -- 'dm-map upper' <in.jsonl
	assert_status 2
	grep -qx 'dm-run: job 2 (input bytes 702-1421) failed 1 time: exit status 2' <<<"$stderr"
	run dm-run --status "$TMP/spool2"
	assert_success
	[ "$(tail -n 1 <<<"$output")" = "block 2 failed 1 time: exit status 0, its part not in place on localhost" ]
}

@test "an element cancelled with scancel mid-run is run again" {
	local i
	samples 60 >in.jsonl
	dm-run -j 2 --lines 20 -- 'dm-map upper' <in.jsonl >local.out
	dm-run --slurm --spool "$TMP/spool" -j 3 --lines 20 -- \
	    'if [ "$DM_JOB" = 2 ] && [ "$DM_ATTEMPT" = 1 ]; then
		touch "'"$TMP"'/started"; sleep 60; fi; dm-map upper' \
	    <in.jsonl >slurm.out 2>err &
	for i in $(seq 200); do
		[ -f started ] && break
		sleep 0.1
	done
	[ -f started ]
	scancel "$(cat spool/sub/1.id)_1"
	wait $!
	assert_same slurm.out local.out
	grep -x "slurm: element $(cat spool/sub/1.id)_1 on localhost ended CANCELLED" err
	grep -x 'dm-run: job 2 (input bytes [0-9]*-[0-9]*): killed by signal 15 (Terminated); trying again (2 of 3)' err
}

@test "elements on a node set DOWN mid-run are requeued and the run completes" {
	local i
	samples 40 >in.jsonl
	dm-run -j 2 --lines 20 -- 'dm-map upper' <in.jsonl >local.out
	dm-run --slurm --spool "$TMP/spool" -j 2 --lines 20 -- \
	    'echo "$DM_JOB ${SLURM_RESTART_COUNT:-0}" >>"'"$TMP"'/runs"
	     [ "${SLURM_RESTART_COUNT:-0}" = 0 ] && sleep 60; dm-map upper' \
	    <in.jsonl >slurm.out 2>err &
	for i in $(seq 200); do
		[ "$(wc -l <runs 2>/dev/null)" -ge 2 ] && break
		sleep 0.1
	done
	scontrol update nodename=localhost state=down reason=dm-test
	# the node comes back by itself (ReturnToService=2); if not, resume it
	for i in $(seq 100); do
		[ "$(slurm_node_state)" = idle ] && break
		[ "$i" = 50 ] && scontrol update nodename=localhost state=resume
		sleep 0.1
	done
	wait $!
	assert_same slurm.out local.out
	run cat err
	assert_output ""
	# the elements that ran when the node went down ran again, restarted
	grep -x '1 1' runs
	grep -x '2 1' runs
}

@test "after SIGKILL of the driver, --resume adopts its elements: same output, no block run twice, attempts go on" {
	local i pid
	samples 120 >in.jsonl
	dm-run -j 2 --lines 20 -- 'dm-map upper' <in.jsonl >local.out
	# block 2 waits for $TMP/go; block 3's first attempt waits for
	# $TMP/killed, then fails
	cmd='echo "start $DM_JOB $DM_ATTEMPT" >>"'"$TMP"'/runs"
	     w=; [ "$DM_JOB" = 2 ] && w=go
	     [ "$DM_JOB" = 3 ] && [ "$DM_ATTEMPT" = 1 ] && w=killed
	     if [ -n "$w" ]; then
		for i in $(seq 600); do
		    [ -e "'"$TMP"'/$w" ] && break; sleep 0.1; done
		[ "$w" = killed ] && exit 3
	     fi
	     dm-map upper && echo "end $DM_JOB $DM_ATTEMPT" >>"'"$TMP"'/runs"'
	dm-run --slurm --spool "$TMP/spool" -j 2 --lines 20 -- "$cmd" \
	    <in.jsonl >/dev/null 2>&1 &
	pid=$!
	# block 1 done, blocks 2 and 3 running
	for i in $(seq 300); do
		[ -f spool/part/000001 ] && grep -qx 'start 3 1' runs &&
		    [ "$(elements_of spool R | wc -l)" = 2 ] && break
		sleep 0.1
	done
	[ "$(elements_of spool R | wc -l)" = 2 ]
	kill -KILL $pid
	wait $pid || :
	# block 3's first attempt fails while no driver watches
	touch killed
	for i in $(seq 300); do
		[ -f spool/st/000003.1 ] && break
		sleep 0.1
	done
	[[ "$(cat spool/st/000003.1)" == "3 localhost "* ]]
	dm-run --slurm --spool "$TMP/spool" -j 2 --lines 20 --resume \
	    --joblog "$TMP/log" -- "$cmd" <in.jsonl >slurm.out 2>err &
	pid=$!
	# the new driver has started: block 2's element (the second of the
	# first array) still runs
	for i in $(seq 300); do
		[ "$(awk -F '\t' '$1 == 1' log 2>/dev/null)" ] && break
		sleep 0.1
	done
	elements_of spool R | grep -x "$(cat spool/sub/1.id)_1"
	touch go
	wait $pid
	assert_same slurm.out local.out
	run cat err
	assert_output ""
	# block 2 ran once; block 3's attempt after its failure is the 2nd
	run sort runs
	assert_output "$(for b in 1 2 3 4 5 6; do
		echo "end $b $([ $b = 3 ] && echo 2 || echo 1)"; done
	    echo 'start 1 1'; echo 'start 2 1'; echo 'start 3 1'
	    echo 'start 3 2'; echo 'start 4 1'; echo 'start 5 1'
	    echo 'start 6 1')"
	# the job log of the resumed run: each block once, succeeded
	run awk -F '\t' 'NR > 1 { print $1, $8 }' log
	[ "$(sort -n <<<"$output")" = "$(printf '%s 0\n' 1 2 3 4 5 6)" ]
	# --status counts block 3's failed attempt as a retry
	run dm-run --status "$TMP/spool"
	[ "${lines[8]}" = "retries  1" ]
}

@test "--resume gives a block whose retries were spent one attempt more" {
	samples 100 >in.jsonl
	cmd='if [ "$DM_JOB" = 3 ] && [ -e '"'$TMP/broken'"' ]; then exit 2; fi
	    [ "$DM_JOB" = 3 ] && echo "attempt $DM_ATTEMPT" >&2; cat'
	# the maps of this dm-run (SEQ:ATTEMPT:SLOT:LINE), and of an older
	# one (SEQ:ATTEMPT:SLOT)
	for form in new old; do
		rm -rf spool
		touch "$TMP/broken"
		run_split dm-run --slurm --spool "$TMP/spool" -j 2 --lines 20 \
		    --retries 1 -- "$cmd" <in.jsonl
		assert_status 2
		[ "$(head -n 1 spool/sub/1.map | cut -d ' ' -f 1)" = 1:1:1:1 ]
		[ $form = old ] && sed -i -E 's/(^| )([0-9]+:[0-9]+:[0-9]+):[0-9]+/\1\2/g' spool/sub/*.map
		rm "$TMP/broken"
		run_out out dm-run --slurm --spool "$TMP/spool" -j 2 --lines 20 \
		    --retries 1 --resume -- "$cmd" in.jsonl
		assert_success
		assert_same out in.jsonl
		assert_bytes spool/err/000003.3 'attempt 3\n'
		[ ! -e spool/err/000003.4 ]
		run dm-run --status "$TMP/spool"
		[ "$(grep '^failed' <<<"$output")" = 'failed   0' ]
	done
}

@test "--timeout is the arrays' time limit; a block that outlives it is reported timed out" {
	local id
	samples 40 >in.jsonl
	# Slurm counts time limits in minutes and checks them every 30 s
	# (PERIODIC_TIMEOUT, built in): this takes 60 to 90 s
	run_split timeout 150 dm-run --slurm --spool "$TMP/spool" -j 2 \
	    --lines 20 --timeout 1 --retries 0 --joblog "$TMP/log" \
	    -- 'if [ "$DM_JOB" = 2 ]; then exec sleep 300; fi; cat' <in.jsonl
	assert_status 2
	assert_output "$(head -n 20 in.jsonl)"
	echo "$stderr" >err
	id=$(cat spool/sub/1.id)
	# the element's shell says "Terminated" when Slurm's SIGTERM reaches
	# the sleep before the shell: the order is Slurm's, so that line is
	# left aside here (and where dm-run repeats it)
	run sed -e 's/ AT [0-9T:-]* DUE/ AT T DUE/; s/JOB [0-9]* ON/JOB N ON/' \
	    -e '/^\(dm-run: job 2: \)\{0,1\}Terminated$/d' err
	assert_output <<-EOF
	slurmstepd-localhost: error: *** JOB N ON localhost CANCELLED AT T DUE TO TIME LIMIT ***
	slurm: element ${id}_1 on localhost ended TIMEOUT
	dm-run: job 2 (input bytes 702-1421) failed 1 time: timed out after 1s
	dm-run: job 2: slurmstepd-localhost: error: *** JOB N ON localhost CANCELLED AT T DUE TO TIME LIMIT ***
	dm-run: job 2: slurm: element ${id}_1 on localhost ended TIMEOUT
	EOF
	run awk -F '\t' 'NR > 1 { print $1, $2, $8, $9 }' log
	assert_output "$(printf '1 localhost 0 0\n2 localhost 0 15')"
	run dm-run --status "$TMP/spool"
	[ "${lines[7]}" = "failed   1" ]
	[ "${lines[10]}" = "block 2 failed 1 time: timed out on localhost" ]
	run dm-run --status "$TMP/spool" --json
	[[ "$output" == *'"failed_blocks":[{"block":2,"attempts":1,"status":null,"signal":null,"slurm":"TIMEOUT","node":"localhost"}]}' ]]
}

@test "--resume refuses another command, and a second driver on the spool" {
	samples 20 >in.jsonl
	dm-run --slurm --spool "$TMP/spool" -j 2 -- 'dm-map upper' \
	    <in.jsonl >/dev/null
	run_split dm-run --slurm --spool "$TMP/spool" -j 2 -- 'dm-map lower' \
	    <in.jsonl
	assert_status 2
	assert_stderr "dm-run: $TMP/spool: holds another run (resume it with --resume, or remove it)"
	run_split dm-run --slurm --spool "$TMP/spool" --resume -j 2 \
	    -- 'dm-map lower' <in.jsonl
	assert_status 2
	assert_stderr "dm-run: $TMP/spool: the run being resumed ran another command"
	flock spool/_LOCK dm-run --slurm --spool "$TMP/spool" --resume -j 2 \
	    -- 'dm-map upper' <in.jsonl >out 2>err && status=0 || status=$?
	[ "$status" = 2 ]
	[ "$(cat err)" = "dm-run: $TMP/spool: in use by another run" ]
}

@test "--status shows what a run did, and --json the same for machines" {
	samples 100 >in.jsonl
	run_split dm-run --slurm --spool "$TMP/spool" -j 2 --lines 20 \
	    --retries 1 -- 'if [ "$DM_JOB" = 3 ]; then exit 2; fi; cat' \
	    <in.jsonl
	assert_status 2
	run dm-run --status "$TMP/spool"
	assert_success
	assert_output <<-EOF
	spool    $TMP/spool
	state    stopped
	blocks   5
	done     4
	running  0
	pending  0
	waiting  0
	failed   1
	retries  1
	arrays   $(ls spool/sub/*.id | wc -l)
	block 3 failed 2 times: exit status 2 on localhost
	EOF
	run dm-run --status "$TMP/spool" --json
	assert_success
	assert_output "{\"spool\":\"$TMP/spool\",\"state\":\"stopped\",\"blocks\":5,\"cut\":true,\"waiting\":0,\"pending\":0,\"running\":0,\"done\":4,\"failed\":1,\"retries\":1,\"arrays\":$(ls spool/sub/*.id | wc -l),\"failed_blocks\":[{\"block\":3,\"attempts\":2,\"status\":2,\"signal\":null,\"slurm\":null,\"node\":\"localhost\"}]}"
}

@test "--status of a run that is going on counts running and pending blocks" {
	local i
	samples 100 >in.jsonl
	dm-run --slurm --spool "$TMP/spool" -j 1 --lines 20 \
	    --blocks-per-task 2 -- 'sleep 30; cat' <in.jsonl >/dev/null 2>&1 &
	for i in $(seq 200); do
		[ -n "$(elements_of spool R)" ] && break
		sleep 0.1
	done
	run dm-run --status "$TMP/spool"
	kill -TERM $!
	wait $! || :
	# one element of two blocks runs; the driver cuts the input as
	# slots free up, so the rest is not cut yet
	assert_output <<-EOF
	spool    $TMP/spool
	state    running
	blocks   2 (the input is not all cut)
	done     0
	running  2
	pending  0
	waiting  0
	failed   0
	retries  0
	arrays   1
	EOF
}

@test "--progress counts the elements pending and running in Slurm" {
	samples 100 >in.jsonl
	run_split dm-run --slurm --spool "$TMP/spool" -j 2 --lines 20 \
	    --progress -- 'sleep 1; cat' <in.jsonl
	assert_success
	# a line at the start, then every 10 s (not a terminal), and the last
	[[ "${stderr%%$'\n'*}" == "dm-run: 0 done, "*"; slurm: "*" pending, "*" running" ]]
	[[ "${stderr##*$'\n'}" == "dm-run: 5 done, 0 running, 0 failed; 0.0 MB, "*" MB/s; slurm: 0 elements pending, 0 running" ]]
}

@test "a block fails when a stage of its pipeline fails" {
	samples 10 >in.jsonl
	run_split dm-run --slurm --spool "$TMP/spool" --retries 0 \
	    -- 'sh -c "cat; exit 3" | cat' <in.jsonl
	assert_status 2
	assert_output ''
	assert_stderr "dm-run: job 1 (input bytes 0-$(($(wc -c <in.jsonl) - 1))) failed 1 time: exit status 3"
	# what the elements ran: the script that keeps each stage's status
	[[ $(cat "$TMP/spool/run") == 'exec 9>&1; dm_st=$( { { ( sh -c "cat; exit 3"  ) 8>&- 9>&-; echo "1 $?" >&8; } | '* ]]
	[ "$(cat "$TMP/spool/command")" = 'sh -c "cat; exit 3" | cat' ]
	# in --files mode too
	echo in.jsonl >list
	run_split dm-run --slurm --spool "$TMP/spool2" --files --retries 0 \
	    -- 'cat {} | sh -c "cat >/dev/null; exit 4" | cat' <list
	assert_status 2
	assert_stderr "dm-run: job 1 ('in.jsonl') failed 1 time: exit status 4"
}

@test "a block killed by a signal is reported as a local one: 'killed by signal 9 (Killed)', Signal 9 in the job log; an exit 137 stays one" {
	local cmd want
	samples 4 >in.jsonl
	# job 1 dies of SIGKILL, its last stderr line without a newline; job
	# 2 exits 137 itself; job 3 dies of SIGTERM; in job 4 a child of the
	# job's shell dies of SIGKILL, which the shell reports as 137
	cmd='cat >/dev/null; case $DM_JOB in
	    1) printf "at 50%%" >&2; kill -9 $$ ;;
	    2) exit 137 ;;
	    3) kill -TERM $$ ;;
	    4) sh -c "kill -KILL \$\$" ;;
	    esac'
	want="at 50%
dm-run: job 1 (input bytes 0-33) failed 1 time: killed by signal 9 (Killed)
dm-run: job 1: at 50%
dm-run: job 2 (input bytes 34-67) failed 1 time: exit status 137
dm-run: job 3 (input bytes 68-101) failed 1 time: killed by signal 15 (Terminated)
Killed
dm-run: job 4 (input bytes 102-135) failed 1 time: exit status 137
dm-run: job 4: Killed"
	run_split dm-run -j 1 --lines 1 --retries 0 --joblog local.log \
	    -- "$cmd" <in.jsonl
	assert_status 2
	assert_stderr "$want"
	run_split dm-run --slurm --spool "$TMP/spool" -j 1 --lines 1 \
	    --retries 0 --joblog slurm.log -- "$cmd" <in.jsonl
	assert_status 2
	assert_stderr "$want"
	# Exitval and Signal
	[ "$(tail -n +2 slurm.log | cut -f 8,9)" = $'0\t9\n137\t0\n0\t15\n137\t0' ]
	[ "$(cut -f 8,9 slurm.log)" = "$(cut -f 8,9 local.log)" ]
	# --status says so too
	run dm-run --status "$TMP/spool"
	assert_success
	[ "$(tail -n 4 <<<"$output")" = "block 1 failed 1 time: killed by signal 9 (Killed) on localhost
block 2 failed 1 time: exit status 137 on localhost
block 3 failed 1 time: killed by signal 15 (Terminated) on localhost
block 4 failed 1 time: exit status 137 on localhost" ]
	run dm-run --status "$TMP/spool" --json
	assert_success
	[ "$(jq -c '[.failed_blocks[] | [.status, .signal]]' <<<"$output")" = '[[137,9],[137,null],[143,15],[137,null]]' ]
	# an element run by bash as /bin/sh, whose wait names SIGKILL but
	# not SIGTERM: the signal it knows, and 128 + N else
	local m k t seq
	ln -s "$(command -v bash)" sh
	for seq in 1 2 3; do
		m=$(grep -n "^$seq:" spool/sub/*.map)
		k=${m%%.map:*} t=${m#*.map:}
		k=${k##*/} t=${t%%:*}
		SLURM_ARRAY_JOB_ID=0 SLURM_ARRAY_TASK_ID=$((t - 1)) \
		    SLURMD_NODENAME=bash ./sh spool/job.sh "$k"
	done
	[ "$(cut -d ' ' -f 1,2,5 spool/st/00000[123].1)" = $'137 bash 9\n137 bash\n143 bash' ]
	# a stage of a pipeline that dies of a signal has the status the
	# shell gives it, 128 + N, and its message; the job's shell killed
	# from a stage is the job's death
	samples 1 >in.jsonl
	local i cmds wants
	cmds=('cat | sh -c "kill -9 \$\$"' 'cat | sh -c "kill -TERM \$\$"'
	    '{ cat >/dev/null; kill -9 $$; } | cat')
	wants=("Killed
dm-run: job 1 (input bytes 0-33) failed 1 time: exit status 137
dm-run: job 1: Killed" "Terminated
dm-run: job 1 (input bytes 0-33) failed 1 time: exit status 143
dm-run: job 1: Terminated" \
	    "dm-run: job 1 (input bytes 0-33) failed 1 time: killed by signal 9 (Killed)")
	for i in 0 1 2; do
		run_split dm-run -j 1 --retries 0 --joblog local.log \
		    -- "${cmds[i]}" <in.jsonl
		assert_status 2
		assert_stderr "${wants[i]}"
		rm -rf "$TMP/spool"
		run_split dm-run --slurm --spool "$TMP/spool" --retries 0 \
		    --joblog slurm.log -- "${cmds[i]}" <in.jsonl
		assert_status 2
		assert_stderr "${wants[i]}"
		[ "$(cut -f 8,9 slurm.log)" = "$(cut -f 8,9 local.log)" ]
	done
	# the command runs in the background of the element so, with
	# SIGINT and SIGQUIT not ignored all the same (--signal=INT@60)
	rm -rf "$TMP/spool"
	run_split dm-run --slurm --spool "$TMP/spool" \
	    -- 'cat >/dev/null; sed -n "s/^SigIgn:\t*//p" /proc/self/status' <in.jsonl
	assert_success
	[ $((0x$output & 6)) = 0 ]
	# where env cannot, it runs in the foreground, its signal unknown
	mkdir fake
	cat >fake/env <<-'EOF'
	#!/bin/sh
	case $1 in --default-signal*) exit 125 ;; esac
	exec /usr/bin/env "$@"
	EOF
	chmod +x fake/env
	rm -rf "$TMP/spool"
	PATH=$TMP/fake:$PATH run_split dm-run --slurm --spool "$TMP/spool" \
	    --retries 0 -- 'kill -9 $$' <in.jsonl
	assert_status 2
	assert_stderr 'dm-run: job 1 (input bytes 0-33) failed 1 time: exit status 137'
}

@test "--halt now-failure cancels the array" {
	local t0
	samples 100 >in.jsonl
	t0=$(date +%s)
	run_split dm-run --slurm --spool "$TMP/spool" -j 5 --lines 20 \
	    --retries 0 --halt now-failure \
	    -- 'if [ "$DM_JOB" = 1 ]; then exit 2; fi; sleep 60' <in.jsonl
	assert_status 2
	[ $(($(date +%s) - t0)) -lt 30 ]
	[ "${stderr%%$'\n'*}" = 'dm-run: job 1 (input bytes 0-701) failed 1 time: exit status 2' ]
	# the blocks cancelled are named, in the order their ends are seen
	[ "$(tail -n +2 <<<"$stderr" | sort)" = "$(cat <<-'EOF'
	dm-run: job 2 (input bytes 702-1421): killed by --halt now-failure
	dm-run: job 3 (input bytes 1422-2141): killed by --halt now-failure
	dm-run: job 4 (input bytes 2142-2861): killed by --halt now-failure
	dm-run: job 5 (input bytes 2862-3583): killed by --halt now-failure
	EOF
	)" ]
	run elements_of spool R,PD,CG
	assert_output ""
}

# slurmbin_slow: $TMP/slurmbin holds the four Slurm commands, squeue
# made to hang for 30 s (a controller that does not answer) once
# $TMP/slow exists; it says so by making $TMP/hanging.
slurmbin_slow() {
	local c
	mkdir "$TMP/slurmbin"
	for c in sbatch scancel scontrol; do
		ln -s "$(command -v $c)" "$TMP/slurmbin/$c"
	done
	cat >"$TMP/slurmbin/squeue" <<-EOF
	#!/bin/sh
	if [ -e "$TMP/slow" ]; then touch "$TMP/hanging"; sleep 30; fi
	exec $(command -v squeue) "\$@"
	EOF
	chmod +x "$TMP/slurmbin/squeue"
}

@test "SIGTERM cancels the arrays within 4 s, even during a squeue that hangs" {
	local i t0 t1
	samples 100 >in.jsonl
	slurmbin_slow
	DM_SLURM_BIN=$TMP/slurmbin dm-run --slurm --spool "$TMP/spool" -j 2 \
	    --lines 20 -- 'sleep 60; cat' <in.jsonl >/dev/null 2>err &
	for i in $(seq 200); do
		[ -n "$(elements_of spool R)" ] && break
		sleep 0.1
	done
	[ -n "$(elements_of spool R)" ]
	# the driver's next squeue hangs: SIGTERM comes in the middle of it
	touch slow
	for i in $(seq 100); do
		[ -e hanging ] && break
		sleep 0.1
	done
	[ -e hanging ]
	t0=$(date +%s%N)
	signal_and_wait $! TERM
	t1=$(date +%s%N)
	[ "$status" = 143 ]
	[ $(((t1 - t0) / 1000000)) -lt 4000 ]
	run cat err
	assert_output ""
	rm slow
	run elements_of spool R,PD,CG
	assert_output ""
	run dm-run --status "$TMP/spool"
	[ "${lines[1]}" = "state    stopped" ]
	[ "${lines[4]}" = "running  0" ]
}

@test "the Slurm commands have no descriptor of dm-run's but 0, 1 and 2" {
	local c
	mkdir "$TMP/slurmbin"
	# each command says which descriptors ls has (3 is its own) in fds
	for c in sbatch squeue scancel scontrol; do
		cat >"$TMP/slurmbin/$c" <<-EOF
		#!/bin/sh
		echo $c \$(ls /proc/self/fd) >>"$TMP/fds"
		exec $(command -v $c) "\$@"
		EOF
		chmod +x "$TMP/slurmbin/$c"
	done
	samples 20 >in.jsonl
	# 9: a descriptor dm-run has and must not pass on
	DM_SLURM_BIN=$TMP/slurmbin run_out out dm-run --slurm \
	    --spool "$TMP/spool" -j 2 --lines 10 -- cat <in.jsonl 9<in.jsonl
	assert_success
	cmp in.jsonl out
	grep -q '^sbatch ' fds
	grep -q '^squeue ' fds
	run sh -c 'cut -d" " -f2- fds | sort -u'
	assert_output '0 1 2 3'
}

@test "a submission the controller rejects is an error before any work" {
	samples 10 >in.jsonl
	run_split dm-run --slurm --spool "$TMP/spool" --sbatch '--partition=nosuch' \
	    -- 'dm-map upper' <in.jsonl
	assert_status 2
	assert_output ""
	assert_stderr <<-'EOF'
	dm-run: sbatch: error: invalid partition specified: nosuch
	dm-run: sbatch: allocation failure: Invalid partition name specified
	EOF
	run ls spool/sub
	assert_output ""
}

@test "missing Slurm commands and an unusable spool are errors before any work" {
	mkdir slurmbin
	ln -s "$(command -v squeue)" slurmbin/squeue
	DM_SLURM_BIN=$TMP/slurmbin run_split dm-run --slurm --spool "$TMP/spool" \
	    -- cat </dev/null
	assert_status 2
	assert_stderr "dm-run: 'sbatch' not found in DM_SLURM_BIN ('$TMP/slurmbin')"
	[ ! -e spool ]
	run_split dm-run --slurm --spool /dev/full/spool -- cat </dev/null
	assert_status 2
	assert_stderr 'dm-run: /dev/full/spool: Not a directory'
	run_split dm-run --slurm -- cat </dev/null
	assert_status 2
	[ "${stderr%%$'\n'*}" = 'dm-run: --slurm needs --spool DIR' ]
}
