#!/usr/bin/env bats
# dm-run-hosts.bats - dm-run on ssh hosts: real sshd processes on loopback
# ports (sshd.bash), a serial run as the reference, hosts that die

load helper
load sshd

# input N: N samples, each with a line number and some text.
input() {
	local i
	for ((i = 1; i <= $1; i++)); do
		printf '{"id":%d,"text":"sample %d of the input"}\n' "$i" "$i"
	done
}

# The remote PATH has no dm (sshd.bash): the jobs call it by its path.
setup_hosts() {
	sshd_start a
	sshd_start b
	printf '# two hosts\n2/%s\n2/%s   # the second\n\n' \
	    "$SSHD_HOST_a" "$SSHD_HOST_b" >hosts.txt
}

@test "dm-run on two ssh hosts gives the output of a serial run" {
	setup_hosts
	input 2000 >in.jsonl
	"$DM_BINDIR/dm-filter" 'len > 22' <in.jsonl >want
	run_out got dm-run --ssh "$SSH" --hosts hosts.txt --lines 100 -- \
	    "$DM_BINDIR/dm-filter 'len > 22'" <in.jsonl
	assert_success
	assert_stderr ''
	cmp want got
}

@test "dm-run spreads the jobs over the hosts and names them in the job log" {
	setup_hosts
	input 400 >in.jsonl
	run_out got dm-run --ssh "$SSH" --hosts hosts.txt --lines 10 \
	    --joblog log -- 'sleep 0.05; cat' <in.jsonl
	assert_success
	cmp in.jsonl got
	[ "$(head -n 1 log | cut -f 2)" = Host ]
	[ "$(tail -n +2 log | wc -l)" -eq 40 ]
	tail -n +2 log | cut -f 2 | LC_ALL=C sort -u >hosts
	assert_file hosts "$(printf '%s\n' "$SSHD_HOST_a" "$SSHD_HOST_b" | LC_ALL=C sort)"
}

@test "dm-run -S names hosts on the command line, ':' is this machine" {
	sshd_start a
	input 300 >in.jsonl
	run_out got dm-run --ssh "$SSH" -S "1/$SSHD_HOST_a,1/:" --lines 7 \
	    --joblog log -- 'cat' <in.jsonl
	assert_success
	cmp in.jsonl got
	tail -n +2 log | cut -f 2 | LC_ALL=C sort -u >hosts
	assert_file hosts "$SSHD_HOST_a"$'\n'":"
}

@test "DM_JOB, DM_SLOT and --env reach the remote command" {
	sshd_start a
	printf 'x\n' >in
	GREETING="it's \$HOME \"quoted\"" run_split dm-run --ssh "$SSH" \
	    -S "1/$SSHD_HOST_a" --env GREETING -- \
	    'read l; echo "$l $DM_JOB $DM_SLOT $GREETING"' <in
	assert_success
	assert_output "x 1 1 it's \$HOME \"quoted\""
}

@test "jobs on hosts name the lines of dm-run's input in their messages and rejects, as one run does (DM_RUN_LINE)" {
	setup_hosts
	lines_input in
	run_out want dm-filter --on-error=skip --rejects want.rej 'len > 0' <in
	assert_status 1
	want_err=$(lines_err '<stdin>')
	cmd="$DM_BINDIR/dm-filter --on-error=skip --rejects $TMP/rej.\$DM_JOB 'len > 0'"
	# from the file and from a pipe, by blocks of lines and of bytes, as
	# a simple command and through the shell there
	for how in file pipe; do
		for cut in '--lines 2' '--block 30'; do
			for c in "$cmd" "true; $cmd"; do
				rm -f rej.*
				if [ $how = file ]; then
					run_out got dm-run --ssh "$SSH" --hosts hosts.txt $cut -- "$c" <in
				else
					run_out got dm-run --ssh "$SSH" --hosts hosts.txt $cut -- "$c" < <(cat in)
				fi
				assert_status 1
				assert_same got want
				[ "$(printf '%s\n' "$stderr" | grep -v 'samples rejected$' | sort -t: -k3,3n)" = "$want_err" ]
				for f in $(ls rej.* | sort -t. -k2 -n); do cat "$f"; done >got.rej
				assert_same got.rej want.rej
			done
		done
	done
	# an operand is named as in one run over it, compressed or not
	gzip -c in >in.gz
	for f in in in.gz; do
		run_out want dm-filter --on-error=skip --rejects want.rej 'len > 0' $f
		assert_status 1
		rm -f rej.*
		run_out got dm-run --ssh "$SSH" -S "1/$SSHD_HOST_a" --lines 3 -- "$cmd" $f
		assert_status 1
		assert_same got want
		assert_stderr "$(lines_err3 $f)"
		cat rej.1 rej.2 rej.3 >got.rej
		assert_same got.rej want.rej
	done
	# the shell there gets it, and the host ':' (this machine) as well
	run_split dm-run --ssh "$SSH" -S "1/$SSHD_HOST_a" --lines 4 -- 'cat >/dev/null; echo "$DM_RUN_LINE"' in
	assert_success
	assert_output '1:in
5:in
9:in'
	run_split dm-run --ssh "$SSH" -S "1/:" --lines 4 -- 'cat >/dev/null; echo "$DM_RUN_LINE"' <in
	assert_success
	assert_output '1
5
9'
	# a name that the shell there must not read
	cp in "it's \$(x)"
	run_split dm-run --ssh "$SSH" -S "1/$SSHD_HOST_a" --lines 8 -- 'cat >/dev/null; echo "$DM_RUN_LINE"' "it's \$(x)"
	assert_success
	assert_output "1:it's \$(x)
9:it's \$(x)"
	# a simple command of another program: not counted, not set
	run_split dm-run --ssh "$SSH" -S "1/$SSHD_HOST_a" --lines 4 -- env <in
	assert_success
	[ "$(printf '%s\n' "$output" | grep -c '^DM_JOB=')" -eq 3 ]
	[ "$(printf '%s\n' "$output" | grep -c '^DM_RUN_LINE=')" -eq 0 ]
}

@test "--rejects with hosts: the records come back through ssh, each job's once, in input order" {
	setup_hosts
	lines_input in
	run_out want dm-filter --on-error=skip --rejects want.rej 'len > 0' <in
	assert_status 1
	want_err=$(lines_err '<stdin>')
	cmd="$DM_BINDIR/dm-filter --on-error=skip 'len > 0'"
	for hosts in "--hosts hosts.txt" "-S 1/$SSHD_HOST_a,1/:"; do
		rm -f got.rej
		run_out got dm-run --ssh "$SSH" $hosts --lines 2 --rejects got.rej -- "$cmd" <in
		assert_status 1
		assert_same got want
		assert_same got.rej want.rej
		# the tools' messages pass as ever, the records not at all
		[ "$(printf '%s\n' "$stderr" | grep -v 'samples rejected$' | sort -t: -k3,3n)" = "$want_err" ]
	done
	# job 2's first attempt rejects line 5, then fails: its record goes
	run_out got dm-run --ssh "$SSH" --hosts hosts.txt --lines 3 --rejects got.rej -- "$cmd; [ \$DM_JOB\$DM_ATTEMPT != 21 ] || exit 2" <in
	assert_success
	assert_same got want
	assert_same got.rej want.rej
	# nothing left on the hosts
	[ -z "$(ls /tmp | grep '^dm-run-.*\.rej$')" ]
}

@test "--rejects with hosts: a job whose stderr ends without a newline loses no record to it" {
	sshd_start a
	lines_input in
	run_out want dm-filter --on-error=skip --rejects want.rej 'len > 0' <in
	assert_status 1
	run_out got dm-run --ssh "$SSH" -S "1/$SSHD_HOST_a" --rejects got.rej -- \
	    "$DM_BINDIR/dm-filter --on-error=skip 'len > 0'; s=\$?; printf 'at 100%%' >&2; exit \$s" <in
	assert_status 1
	assert_same got want
	assert_same got.rej want.rej
	assert_stderr "$(lines_err '<stdin>')
dm-filter: 3 of 9 samples rejected
at 100%"
}

@test "a host whose sshd dies mid-run loses nothing and duplicates nothing" {
	setup_hosts
	input 3000 >in.jsonl
	dm-run --ssh "$SSH" --hosts hosts.txt --lines 30 -- \
	    'sleep 0.1; cat' <in.jsonl >got 2>err &
	local pid=$! i
	# kill host b once some jobs have run on it
	for ((i = 0; i < 200; i++)); do
		[ "$(wc -c <got)" -gt 20000 ] && break
		sleep 0.05
	done
	sshd_stop b
	wait "$pid" && status=0 || status=$?
	cat err
	assert_status 0
	cmp in.jsonl got
	grep -q "^dm-run: host '$SSHD_HOST_b' is down: ssh exited 255" err
	# a job lost while b was being marked down, or one that saw ssh exit
	# 255 first: which of the two depends on when each session noticed
	grep -Eq "^dm-run: host '$SSHD_HOST_b'( is down|: ssh exited 255); job [0-9]+ moved to '$SSHD_HOST_a'$" err
	# only dm-run's own lines: nothing of ssh's about lost sessions
	! grep -v "^dm-run: host '$SSHD_HOST_b'" err
}

@test "a host that is down from the start is reported and the others do the work" {
	sshd_start a
	sshd_start b
	sshd_stop b
	input 200 >in.jsonl
	run_out got dm-run --ssh "$SSH" -S "$SSHD_HOST_a,$SSHD_HOST_b" \
	    --lines 10 -- cat <in.jsonl
	assert_success
	cmp in.jsonl got
	[[ $stderr == "dm-run: host '$SSHD_HOST_b' is down: ssh exited 255"* ]]
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
}

@test "every host down: status 2 and a clear message, at once" {
	sshd_start a
	sshd_stop a
	input 10 >in.jsonl
	run_out got timeout 60 dm-run --ssh "$SSH" -S "$SSHD_HOST_a" -- cat <in.jsonl
	assert_status 2
	[ ! -s got ]
	[[ $stderr == "dm-run: host '$SSHD_HOST_a' is down: ssh exited 255"* ]]
	[[ $stderr == *$'\n'"dm-run: no host is up" ]]
}

@test "a malformed hosts file is a usage error with its line" {
	local usage
	usage=$(usage_of dm-run)
	printf '# hosts\n4/node1\nnode 2\n' >hosts.txt
	run_split dm-run --hosts hosts.txt -- cat </dev/null
	assert_status 2
	assert_stderr "dm-run: hosts.txt:3: bad host 'node 2': character ' ' not allowed in a host name"$'\n'"$usage"
	printf '0/node1\n' >hosts.txt
	run_split dm-run --hosts hosts.txt -- cat </dev/null
	assert_status 2
	assert_stderr "dm-run: hosts.txt:1: bad host '0/node1': slot count must be 1 to 10000"$'\n'"$usage"
	printf 'node1:99999\n' >hosts.txt
	run_split dm-run --hosts hosts.txt -- cat </dev/null
	assert_status 2
	assert_stderr "dm-run: hosts.txt:1: bad host 'node1:99999': port must be a number from 1 to 65535"$'\n'"$usage"
	printf 'node1\n4/node1 # twice\n' >hosts.txt
	run_split dm-run --hosts hosts.txt -- cat </dev/null
	assert_status 2
	assert_stderr "dm-run: hosts.txt:2: host '4/node1' is already listed"$'\n'"$usage"
	run_split dm-run --hosts nosuch.txt -- cat </dev/null
	assert_status 2
	assert_stderr "dm-run: nosuch.txt: No such file or directory"
}

@test "a host name cannot inject an option or a command" {
	: >pwned
	rm pwned
	for h in '-oProxyCommand=touch pwned' 'a;touch pwned' '$(touch pwned)' 'a`touch pwned`' "a'b" 'user@-x'; do
		run_split dm-run --ssh "$SSH" -S "$h" -- cat </dev/null
		assert_status 2
		[[ $stderr == "dm-run: -S: bad host '"* ]]
	done
	[ ! -e pwned ]
}

@test "sample content and the command reach the host unchanged, never run" {
	sshd_start a
	printf '%s\n' '{"text":"$(touch pwned) `touch pwned` '"'"'; touch pwned; '"'"' \" \\ ; | & > x"}' >in.jsonl
	run_out got dm-run --ssh "$SSH" -S "1/$SSHD_HOST_a" -- 'cat; printf "%s\n" "'"'"'$HOME'"'"'"' <in.jsonl
	assert_success
	printf '%s\n' "$(cat in.jsonl)" "'$TMP/sshd-a/home'" >want
	cmp want got
	[ ! -e pwned ] && [ ! -e "$TMP/sshd-a/home/pwned" ]
}

@test "--files on a host: {} in any quotes never lets a line run code there" {
	sshd_start a
	printf '%s\n' '$(touch pwned)' "it's; touch pwned" '`touch pwned` & *' >list
	run_split dm-run --ssh "$SSH" -S "1/$SSHD_HOST_a" --files -- \
	    "echo '{}' \"{}\" {}" <list
	assert_success
	assert_stderr ''
	assert_output "\$(touch pwned) \$(touch pwned) \$(touch pwned)
it's; touch pwned it's; touch pwned it's; touch pwned
\`touch pwned\` & * \`touch pwned\` & * \`touch pwned\` & *"
	[ ! -e pwned ] && [ ! -e "$TMP/sshd-a/home/pwned" ]
}

@test "--check prints a table of the hosts and says which cannot run dm" {
	sshd_start a
	sshd_start b
	sshd_stop b
	run_split dm-run --ssh "$SSH" -S "3/$SSHD_HOST_a,$SSHD_HOST_b,:" --check
	assert_status 1
	local cores
	cores=$(getconf _NPROCESSORS_ONLN)
	assert_output <<-EOF
	HOST             SLOTS  MACHINE  SH   DM        STATUS
	$SSHD_HOST_a  3      $(printf '%-7s' "$(uname -m)")  yes  missing   dm not found (try --ship)
	$SSHD_HOST_b  -      -        -    -         down: ssh exited 255: ssh: connect to host 127.0.0.1 port $SSHD_PORT_b: Connection refused
	:                $(printf '%-5s' "$cores")  $(printf '%-7s' "$(uname -m)")  yes  dm 0.1.0  ok
	EOF
}

@test "the ssh commands of --check have no descriptor of dm-run's but 0, 1 and 2" {
	sshd_start a
	# the ssh command says which descriptors ls has (3 is its own) in fds
	cat >fdssh <<-EOF
	#!/bin/sh
	echo \$(ls /proc/self/fd) >>"$TMP/fds"
	exec "\$@"
	EOF
	chmod +x fdssh
	# 9: a descriptor dm-run has and must not pass on
	run_split dm-run --ssh "$TMP/fdssh $SSH" -S "1/$SSHD_HOST_a" --check 9<fdssh
	assert_status 1
	assert_output <<-EOF
	HOST             SLOTS  MACHINE  SH   DM       STATUS
	$SSHD_HOST_a  1      $(printf '%-7s' "$(uname -m)")  yes  missing  dm not found (try --ship)
	EOF
	# the master and the probe
	[ "$(wc -l <fds)" -ge 2 ]
	run sort -u fds
	assert_output '0 1 2 3'
}

@test "--ship copies this dm to a host without it, and the jobs use it" {
	sshd_start a
	input 100 >in.jsonl
	"$DM_BINDIR/dm-filter" 'id > 50' <in.jsonl >want
	run_out got dm-run --ssh "$SSH" -S "2/$SSHD_HOST_a" --ship --lines 10 -- \
	    "dm-filter 'id > 50'" <in.jsonl
	assert_success
	cmp want got
	[ -x "$TMP/sshd-a/home/.cache/dm/0.1.0/bin/dm-filter" ]
	[ -f "$TMP/sshd-a/home/.cache/dm/0.1.0/share/dm/special-characters.txt" ]
	run_split dm-run --ssh "$SSH" -S "4/$SSHD_HOST_a" --check --ship
	assert_success
	[ "$(sed -n 2p <<<"$output")" = "$SSHD_HOST_a  4      $(printf '%-7s' "$(uname -m)")  yes  dm 0.1.0 (shipped)  ok" ]
	# without --ship the jobs have no dm there: not ok
	run_split dm-run --ssh "$SSH" -S "4/$SSHD_HOST_a" --check
	assert_status 1
	[ "$(sed -n 2p <<<"$output")" = "$SSHD_HOST_a  4      $(printf '%-7s' "$(uname -m)")  yes  dm 0.1.0 (shipped)  dm 0.1.0 only shipped (use --ship)" ]
	run_split dm-run --ssh "$SSH" -S "1/$SSHD_HOST_a" --retries 0 -- "dm-filter 'id > 50'" <in.jsonl
	assert_status 2
}

@test "without --ship, a job on a host without dm fails with the shell's message" {
	sshd_start a
	printf '{"text":"x"}\n' >in.jsonl
	run_split dm-run --ssh "$SSH" -S "1/$SSHD_HOST_a" --retries 0 -- 'dm-filter true' <in.jsonl
	assert_status 2
	[[ $stderr == *"dm-run: job 1 (input bytes 0-12) failed 1 time: exit status 127"$'\n'"dm-run: job 1: /bin/sh: 1: dm-filter: not found" ]]
}

@test "a job on a host fails when a stage of its pipeline fails" {
	sshd_start a
	seq 1 3 >in
	run_split dm-run --ssh "$SSH" -S "1/$SSHD_HOST_a" --retries 0 -- \
	    'sh -c "cat; exit 3" | cat' <in
	assert_status 2
	assert_output ''
	assert_stderr 'dm-run: job 1 (input bytes 0-5) failed 1 time: exit status 3'
	run_split dm-run --ssh "$SSH" -S "1/$SSHD_HOST_a" -- 'cat | grep 2' <in
	assert_success
	assert_output 2
}

@test "SIGINT stops the remote jobs too: nothing is left running on the host" {
	sshd_start a
	input 20 >in.jsonl
	dm-run --ssh "$SSH" -S "2/$SSHD_HOST_a" --lines 1 -- \
	    'sleep 300; cat # dm-run-sigint-marker' <in.jsonl >got 2>err &
	local pid=$! i
	for ((i = 0; i < 200; i++)); do
		[ "$(pgrep -f -c 'sleep 300; cat # dm-run-sigint-marker')" -ge 2 ] && break
		sleep 0.05
	done
	[ "$(pgrep -f -c 'sleep 300; cat # dm-run-sigint-marker')" -ge 2 ]
	kill -INT "$pid"
	wait "$pid" && status=0 || status=$?
	assert_status 130
	for ((i = 0; i < 100; i++)); do
		pgrep -f 'dm-run-sigint-marker' >/dev/null || break
		sleep 0.05
	done
	run pgrep -f -a 'dm-run-sigint-marker'
	assert_output ''
	[ ! -s got ]
}

@test "SIGINT while a host is being connected: dm-run dies of it, no host reported down" {
	sshd_start a
	# an ssh whose master never comes up
	cat >hangssh <<-EOF
	#!/bin/sh
	case " \$* " in
	*" -M "*) : >"$TMP/master"; exec sleep 30 ;;
	esac
	exec $SSH "\$@"
	EOF
	chmod +x hangssh
	printf '{"text":"x"}\n' >in.jsonl
	dm-run --ssh "$TMP/hangssh" -S "1/$SSHD_HOST_a" -- cat <in.jsonl >got 2>err &
	local pid=$! i
	for ((i = 0; i < 200; i++)); do
		[ -e master ] && break
		sleep 0.05
	done
	[ -e master ]
	kill -INT "$pid"
	wait "$pid" && status=0 || status=$?
	assert_status 130
	assert_file err ''
	[ ! -s got ]
}

@test "job failures are retried on another host" {
	setup_hosts
	printf '{"text":"x"}\n' >in.jsonl
	# fails on whichever host runs the first attempt
	run_split dm-run --ssh "$SSH" --hosts hosts.txt --retries 1 --joblog log -- \
	    'if [ "$DM_ATTEMPT" = 1 ]; then exit 2; fi; cat' <in.jsonl
	assert_success
	assert_output '{"text":"x"}'
	[ "$(tail -n +2 log | cut -f 2 | sort -u | wc -l)" -eq 2 ]
}

@test "a job moved after ssh's 255 runs as a new attempt: a DM_ATTEMPT of its own, which names its files on hosts that share /tmp" {
	setup_hosts
	printf '{"text":"x"}\n' >in.jsonl
	# the first attempt's host "fails" (255, as ssh's own): the wrapper
	# of the lost attempt names its pid and rejects files by the
	# attempt, and the next attempt must not share them
	run_split dm-run --ssh "$SSH" --hosts hosts.txt --retries 0 -- \
	    "echo \$DM_ATTEMPT >>$TMP/att; [ -e $TMP/once ] || { : >$TMP/once; exit 255; }; cat" <in.jsonl
	assert_success
	assert_output '{"text":"x"}'
	assert_file "$TMP/att" $'1\n2'
	printf '%s\n' "$stderr" | grep -Eq "^dm-run: host '[^']+': ssh exited 255; job 1 moved to '[^']+'\$"
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
}

@test "a job killed by a signal on a host is reported as a local one: 'killed by signal 9 (Killed)', Signal 9 in the job log" {
	sshd_start a
	input 2 >in.jsonl
	local cmd want
	# job 1 dies of the signal, its last stderr line without a newline;
	# job 2 exits 137 itself
	cmd='cat >/dev/null; if [ $DM_JOB = 1 ]; then printf "at 50%%" >&2; kill -9 $$; fi; exit 137'
	want="at 50%
dm-run: job 1 (input bytes 0-39) failed 1 time: killed by signal 9 (Killed)
dm-run: job 1: at 50%
dm-run: job 2 (input bytes 40-79) failed 1 time: exit status 137"
	run_split dm-run -j 1 --lines 1 --retries 0 --joblog local.log -- "$cmd" <in.jsonl
	assert_status 2
	assert_stderr "$want"
	run_split dm-run --ssh "$SSH" -S "1/$SSHD_HOST_a" --lines 1 --retries 0 \
	    --joblog ssh.log -- "$cmd" <in.jsonl
	assert_status 2
	assert_stderr "$want"
	# Exitval and Signal
	[ "$(cut -f 8,9 ssh.log)" = "$(cut -f 8,9 local.log)" ]
	[ "$(tail -n +2 ssh.log | cut -f 8,9)" = $'0\t9\n137\t0' ]
}

@test "a host that comes back is probed again after --host-retry and gets jobs" {
	sshd_start a
	sshd_start b
	sshd_stop b
	input 30 >in.jsonl
	dm-run --ssh "$SSH" -S "1/$SSHD_HOST_a,1/$SSHD_HOST_b" --host-retry 1s \
	    --lines 1 --joblog log -- 'sleep 0.2; cat' <in.jsonl >got 2>err &
	local pid=$! i
	# b comes back once dm-run has seen it down, however slow the machine
	for ((i = 0; i < 200; i++)); do
		grep -q "^dm-run: host '$SSHD_HOST_b' is down" err && break
		sleep 0.05
	done
	sshd_start b "$SSHD_PORT_b"
	wait "$pid" && status=0 || status=$?
	assert_status 0
	cmp in.jsonl got
	# said once each, whatever the tries in between; nothing of ssh's
	# (a control socket in the way, a stale one)
	assert_file err "dm-run: host '$SSHD_HOST_b' is down: ssh exited 255: ssh: connect to host 127.0.0.1 port $SSHD_PORT_b: Connection refused; trying it again in 1s
dm-run: host '$SSHD_HOST_b' is up again"
	tail -n +2 log | cut -f 2 | grep -q -x "$SSHD_HOST_b"
}

@test "--timeout stops a remote job and the command it ran on the host" {
	sshd_start a
	printf '{"text":"x"}\n' >in.jsonl
	run_split dm-run --ssh "$SSH" -S "1/$SSHD_HOST_a" --retries 0 --timeout 1s -- \
	    'sleep 300 # dm-run-timeout-marker' <in.jsonl
	assert_status 2
	assert_stderr "dm-run: job 1 (input bytes 0-12) failed 1 time: timed out after 1s"
	local i
	for ((i = 0; i < 100; i++)); do
		pgrep -f 'dm-run-timeout-marker' >/dev/null || break
		sleep 0.05
	done
	run pgrep -f -a 'dm-run-timeout-marker'
	assert_output ''
	# the wrapper's files there go too, its ssh gone or not
	for ((i = 0; i < 100; i++)); do
		[ -z "$(find /tmp -maxdepth 1 -name 'dm-run-*' -newer in.jsonl ! -name 'dm-run-rejects.*')" ] && break
		sleep 0.05
	done
	run find /tmp -maxdepth 1 -name 'dm-run-*' -newer in.jsonl ! -name 'dm-run-rejects.*'
	assert_output ''
}

@test "--timeout: the kill of a timed-out attempt on a host never stops the job's next attempt there" {
	sshd_start a
	input 5 >in.jsonl
	# an ssh whose kills (the command that stops a job's groups) reach
	# the host only once the second attempt runs there
	cat >slowkill <<-EOF
	#!/bin/sh
	case "\$*" in
	*'.pid; do'*)
		i=0
		while [ ! -e $TMP/att2 ] && [ \$i -lt 100 ]; do sleep 0.05; i=\$((i + 1)); done
		sleep 0.3 ;;
	esac
	exec $SSH "\$@"
	EOF
	chmod +x slowkill
	run_out got dm-run --ssh "$TMP/slowkill" -S "1/$SSHD_HOST_a" --retries 1 \
	    --timeout 3s -- "if [ \$DM_ATTEMPT = 1 ]; then sleep 300; else : >$TMP/att2; sleep 1; cat; fi" <in.jsonl
	assert_success
	assert_stderr "dm-run: job 1 (input bytes 0-$(($(wc -c <in.jsonl) - 1))): timed out after 3s; trying again (2 of 2)"
	cmp in.jsonl got
}

@test "--output-dir and --resume with hosts: killed, resumed, the output of one run" {
	setup_hosts
	input 400 >in.jsonl
	dm-run --ssh "$SSH" --hosts hosts.txt --lines 10 --output-dir out -- \
	    'sleep 0.1; cat' <in.jsonl 2>err &
	local pid=$! i
	for ((i = 0; i < 200; i++)); do
		[ "$(ls out 2>/dev/null | grep -c '^part-')" -ge 5 ] && break
		sleep 0.05
	done
	kill -KILL "$pid"
	wait "$pid" || :
	[ ! -e out/_SUCCESS ]
	run_split dm-run --ssh "$SSH" --hosts hosts.txt --lines 10 --output-dir out \
	    --resume -- 'sleep 0.1; cat' <in.jsonl
	assert_success
	[ -e out/_SUCCESS ]
	cat out/part-*.jsonl >got
	cmp in.jsonl got
}

@test "DM_SSH names the ssh command; --compress gives the same output" {
	sshd_start a
	input 500 >in.jsonl
	DM_SSH="$SSH" run_out got dm-run -S "2/$SSHD_HOST_a" --lines 50 --compress -- cat <in.jsonl
	assert_success
	assert_stderr ''
	cmp in.jsonl got
}

@test "--progress counts the jobs of each host" {
	sshd_start a
	input 100 >in.jsonl
	run_split dm-run --ssh "$SSH" -S "1/$SSHD_HOST_a" --progress --lines 10 -- cat <in.jsonl
	assert_success
	[[ $stderr == *"dm-run: 10 done, 0 running, 0 failed; 0.0 MB, "*" MB/s; $SSHD_HOST_a 10" ]]
}

@test "--ship sends nothing when this dm cannot be packed whole" {
	sshd_start a
	sshd_start b
	DM_SHAREDIR=$TMP/nosuch run_split dm-run --ssh "$SSH" \
	    -S "1/$SSHD_HOST_a,1/$SSHD_HOST_b" --check --ship
	assert_status 1
	[[ $(sed -n 2p <<<"$output") == *"  missing  $TMP/nosuch: No such file or directory" ]]
	[[ $(sed -n 3p <<<"$output") == *"  missing  $TMP/nosuch: No such file or directory" ]]
	[ ! -e "$TMP/sshd-a/home/.cache/dm" ]
	[ ! -e "$TMP/sshd-b/home/.cache/dm" ]
}

@test "the running jobs of a host that goes down move to another host" {
	sshd_start b
	input 8 >in.jsonl
	# on host b job 1 hangs and every other job is lost (255) at once,
	# while this machine takes half a second a job: b fails twice and
	# goes down while job 1 still runs there
	local cmd='case $HOME in */sshd-b/*) [ "$DM_JOB" = 1 ] && exec sleep 60; exit 255 ;; esac; sleep 0.5; cat'
	SECONDS=0
	run_out got dm-run --ssh "$SSH" -S "2/$SSHD_HOST_b,1/:" --lines 1 -- "$cmd" <in.jsonl
	assert_success
	cmp in.jsonl got
	[ "$SECONDS" -lt 30 ]
	[[ $stderr == *"dm-run: host '$SSHD_HOST_b' is down: ssh exited 255; trying it again in 30s"* ]]
	[[ $stderr == *"dm-run: host '$SSHD_HOST_b' is down; job 1 moved to ':'"* ]]
}

# ssh_procs PORT: the ssh processes of this user that reach PORT.
ssh_procs() {
	pgrep -a -u "$(id -u)" -f "^ssh .* -p $1 -- 127\.0\.0\.1" || :
}

@test "a host that hangs (sshd stopped) is found down by its keepalives and its jobs move" {
	setup_hosts
	input 600 >in.jsonl
	# ssh as it comes, no keepalive of the test's: dm-run's defaults
	grep -v -e ServerAlive -e ConnectTimeout "$TMP/ssh/config" >plain.config
	dm-run --ssh "ssh -F $TMP/plain.config" \
	    --hosts hosts.txt --lines 10 -- 'sleep 0.1; cat' <in.jsonl >got 2>err &
	local pid=$! i
	for ((i = 0; i < 200; i++)); do
		[ "$(wc -c <got)" -gt 5000 ] && break
		sleep 0.05
	done
	sshd_freeze b
	# bounded: the keepalives give up after 15 to 20 s; the rest is the
	# work
	for ((i = 0; i < 600; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	! kill -0 "$pid" 2>/dev/null || { kill -KILL "$pid"; false; }
	wait "$pid" && status=0 || status=$?
	cat err
	assert_status 0
	cmp in.jsonl got
	# by its master (Timeout, server not responding) or by two jobs
	# lost at once (ssh exited 255), whichever dm-run sees first
	grep -q "^dm-run: host '$SSHD_HOST_b' is down: ssh exited 255" err
	# no ssh of the run left behind, reaped or not
	run ssh_procs "$SSHD_PORT_b"
	assert_output ''
	[ -z "$(ps -o pid= --ppid "$pid" 2>/dev/null)" ]
}

@test "ssh's keepalives and connect timeout are set unless --ssh sets them" {
	sshd_start a
	printf '#!/bin/sh\nprintf "%%s\\n" "$*" >>"%s/ssh.log"\nexec %s "$@"\n' "$TMP" "$SSH" >myssh
	chmod +x myssh
	printf 'x\n' >in
	run_split dm-run --ssh "$TMP/myssh" -S "1/$SSHD_HOST_a" -- cat <in
	assert_success
	assert_output x
	grep -q -- '-o BatchMode=yes -o ServerAliveInterval=5 -o ServerAliveCountMax=3 -o ConnectTimeout=10 ' ssh.log
	rm ssh.log
	run_split dm-run --ssh "$TMP/myssh -o serveraliveinterval=2 -oConnectTimeout=3" -S "1/$SSHD_HOST_a" -- cat <in
	assert_success
	grep -q -- '-o serveraliveinterval=2 -oConnectTimeout=3 -o BatchMode=yes -o ServerAliveCountMax=3 -M ' ssh.log
	! grep -q 'ServerAliveInterval=5\|ConnectTimeout=10' ssh.log
}

@test "--timeout fires on time on a host that hangs, and leaves no ssh behind" {
	sshd_start a
	printf '{"text":"x"}\n' >in.jsonl
	dm-run --ssh "$SSH" -S "1/$SSHD_HOST_a" --retries 0 --timeout 2s -- \
	    "echo \$\$ \$PPID >$TMP/started; sleep 300" <in.jsonl >got 2>err &
	local pid=$! i
	# the host is the same machine: the job says it runs
	for ((i = 0; i < 200; i++)); do
		[ -e started ] && break
		sleep 0.05
	done
	[ -e started ]
	sshd_freeze a
	SECONDS=0
	for ((i = 0; i < 100; i++)); do
		grep -q 'timed out' err && break
		sleep 0.1
	done
	# the job started before the freeze: its 2 s are nearly over
	[ "$SECONDS" -le 4 ]
	for ((i = 0; i < 300; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	! kill -0 "$pid" 2>/dev/null || { kill -KILL "$pid"; false; }
	wait "$pid" && status=0 || status=$?
	# the frozen host cannot stop its job: its group and its wrapper's
	# (each a group of its own) go, here, by their ids
	local g
	for g in $(cat started); do
		kill -CONT -- "-$g" 2>/dev/null || :
		kill -KILL -- "-$g" 2>/dev/null || :
	done
	assert_status 2
	assert_file err "dm-run: job 1 (input bytes 0-12) failed 1 time: timed out after 2s"
	run ssh_procs "$SSHD_PORT_a"
	assert_output ''
}

@test "SIGKILL of dm-run: the remote jobs and the ssh master end within seconds" {
	sshd_start a
	input 20 >in.jsonl
	dm-run --ssh "$SSH" -S "2/$SSHD_HOST_a" --lines 1 -- \
	    ": >$TMP/started.\$DM_JOB; sleep 300; cat # dm-run-sigkill-marker" <in.jsonl >got 2>err &
	local pid=$! i
	for ((i = 0; i < 200; i++)); do
		[ -e started.1 ] && [ -e started.2 ] && break
		sleep 0.05
	done
	[ -e started.1 ] && [ -e started.2 ]
	# the remote jobs (not dm-run, whose argv holds the marker too)
	[ "$(pgrep -f -c '^/bin/sh -c : .*dm-run-sigkill-marker')" -eq 2 ]
	[ -n "$(ssh_procs "$SSHD_PORT_a")" ]
	kill -KILL "$pid"
	wait "$pid" || :
	for ((i = 0; i < 100; i++)); do
		pgrep -f 'dm-run-sigkill-marker' >/dev/null ||
		    [ -n "$(ssh_procs "$SSHD_PORT_a")" ] || break
		sleep 0.1
	done
	run pgrep -f -a 'dm-run-sigkill-marker'
	assert_output ''
	run ssh_procs "$SSHD_PORT_a"
	assert_output ''
	[ ! -s got ]
}

@test "a host that goes down mid-run and comes back: dm-run's lines only, each said once" {
	sshd_start a
	sshd_start b
	input 300 >in.jsonl
	dm-run --ssh "$SSH" -S "2/$SSHD_HOST_a,3/$SSHD_HOST_b" --host-retry 1s \
	    --lines 5 -- 'sleep 0.2; cat' <in.jsonl >got 2>err &
	local pid=$! i
	for ((i = 0; i < 200; i++)); do
		[ "$(wc -c <got)" -gt 1000 ] && break
		sleep 0.05
	done
	sshd_stop b
	for ((i = 0; i < 200; i++)); do
		grep -q "is down" err && break
		sleep 0.05
	done
	sshd_start b "$SSHD_PORT_b"
	wait "$pid" && status=0 || status=$?
	assert_status 0
	cmp in.jsonl got
	# which jobs were lost, and whether the master or two lost jobs told
	# first, is timing; nothing of ssh's own (a lost mux session, a
	# refused connection, a control socket in the way) ever shows
	sed -e 's/job [0-9]*/job N/' \
	    -e 's/is down: ssh exited 255[^;]*;/is down: ssh exited 255;/' \
	    -e "s/': ssh exited 255; job N moved/' is down; job N moved/" err |
	    LC_ALL=C sort -u >got.err
	assert_file got.err "dm-run: host '$SSHD_HOST_b' is down: ssh exited 255; trying it again in 1s
dm-run: host '$SSHD_HOST_b' is down; job N moved to '$SSHD_HOST_a'
dm-run: host '$SSHD_HOST_b' is up again"
	[ "$(grep -c 'trying it again' err)" -eq 1 ]
	[ "$(grep -c 'is up again' err)" -eq 1 ]
}

@test "--host-timeout: a host that hangs with ssh's keepalives off is found by dm-run's own watchdog" {
	setup_hosts
	input 400 >in.jsonl
	grep -v -e ServerAlive -e ConnectTimeout "$TMP/ssh/config" >plain.config
	dm-run --ssh "ssh -F $TMP/plain.config -o ServerAliveInterval=0" \
	    --host-timeout 2s --hosts hosts.txt --lines 10 -- 'sleep 0.1; cat' \
	    <in.jsonl >got 2>err &
	local pid=$! i
	for ((i = 0; i < 200; i++)); do
		[ "$(wc -c <got)" -gt 3000 ] && break
		sleep 0.05
	done
	sshd_freeze b
	for ((i = 0; i < 600; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	! kill -0 "$pid" 2>/dev/null || { kill -KILL "$pid"; false; }
	wait "$pid" && status=0 || status=$?
	cat err
	assert_status 0
	cmp in.jsonl got
	[ "$(sed -n 1p err)" = "dm-run: host '$SSHD_HOST_b' is down: no answer for 2s; trying it again in 30s" ]
	! grep -v "^dm-run: host '$SSHD_HOST_b' is down" err
	run ssh_procs "$SSHD_PORT_b"
	assert_output ''
}

@test "a host whose probe hangs is tried in the background: the other host's jobs and --timeout go on" {
	sshd_start a
	sshd_start b
	sshd_stop b
	# when b comes back, its probe hangs: the dm found in its ship
	# directory says when it was asked and never answers
	local bin=$TMP/sshd-b/home/.cache/dm/0.1.0/bin probed=$TMP/sshd-b/home/probed
	mkdir -p "$bin"
	printf '#!/bin/sh\ndate +%%s.%%N >>"$HOME/probed"\nexec sleep 60\n' >"$bin/dm"
	chmod +x "$bin/dm"
	printf 'one\ntwo\nthree\n' >in
	# on a: job 1 waits for b's probe to hang, job 2 then starts and
	# times out, job 3 follows; the probe has 20 s to run meanwhile
	dm-run --ssh "$SSH" -S "1/$SSHD_HOST_a,1/$SSHD_HOST_b" --host-retry 1s \
	    --lines 1 --retries 0 --timeout 10s -- \
	    'read l; case $DM_JOB in 1) i=0; while [ ! -s '"$probed"' ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i + 1)); done ;; 2) exec sleep 300 ;; esac; echo "$l"' \
	    <in >got 2>err &
	local pid=$! i
	for ((i = 0; i < 400; i++)); do
		grep -q "^dm-run: host '$SSHD_HOST_b' is down" err && break
		sleep 0.05
	done
	sshd_start b "$SSHD_PORT_b"
	for ((i = 0; i < 1200; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	local ended
	ended=$(date +%s.%N)
	! kill -0 "$pid" 2>/dev/null || { kill -KILL "$pid"; false; }
	wait "$pid" && status=0 || status=$?
	cat err
	assert_status 2
	assert_file got $'one\nthree'
	assert_file err "dm-run: host '$SSHD_HOST_b' is down: ssh exited 255: ssh: connect to host 127.0.0.1 port $SSHD_PORT_b: Connection refused; trying it again in 1s
dm-run: job 2 (input bytes 4-7) failed 1 time: timed out after 10s"
	# job 2's 10 s and the load's delays, never the probe's 20 s first
	awk -v t0="$(head -n 1 "$probed")" -v t1="$ended" \
	    'BEGIN { exit !(t1 - t0 < 20) }'
	# the probe's ssh went with the run
	run ssh_procs "$SSHD_PORT_b"
	assert_output ''
}

@test "a job on a host starts with SIGINT and SIGQUIT at their default, as a local job does" {
	sshd_start a
	input 1 >in.jsonl
	# SigIgn: the signals ignored, a mask in hexadecimal; bit 1 is
	# SIGINT, bit 2 SIGQUIT
	local cmd='cat >/dev/null; sed -n "s/^SigIgn:[[:space:]]*//p" /proc/self/status'
	# dm-run itself started with them ignored, as a background job of
	# a script (make check runs the test files so, through parallel)
	run_split sh -c 'trap "" INT QUIT; exec "$@"' sh dm-run -j 1 -- "$cmd" <in.jsonl
	assert_success
	local mask=$output
	[ $((0x$mask & 6)) -eq 0 ]
	run_split sh -c 'trap "" INT QUIT; exec "$@"' sh \
	    dm-run --ssh "$SSH" -S "1/$SSHD_HOST_a" -- "$cmd" <in.jsonl
	assert_success
	assert_stderr ''
	[ $((0x$output & 6)) -eq 0 ]
	# and a job interrupts itself as it would here
	cmd='cat >/dev/null; sh -c "kill -INT \$\$; echo not stopped"; echo "after"'
	run_split dm-run -j 1 -- "$cmd" <in.jsonl
	local want=$output
	[ "$want" = after ]
	run_split dm-run --ssh "$SSH" -S "1/$SSHD_HOST_a" -- "$cmd" <in.jsonl
	assert_output "$want"
}
