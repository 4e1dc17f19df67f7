# part-run.sh - the dm-run rows of make bench, sourced by run.sh
#
# dm-run against GNU parallel --pipe, xargs and a plain pipe, on one 500 MB
# file made of copies of the corpus (built once in the data folder), and
# 1000 tiny jobs in files mode; then dm-run and GNU parallel with two ssh
# hosts on loopback (sshd from openssh-server).  GNU parallel comes from
# Debian; it is installed here when missing (as root, or with sudo).

echo
echo 'dm-run: the scheduler, 2 slots (MB/s of the 500 MB file)'
echo

if ! command -v parallel >/dev/null 2>&1; then
	echo 'dm bench: installing GNU parallel' >&2
	if [ "$(id -u)" = 0 ]; then
		apt-get install -y parallel >/dev/null 2>&1 || :
	elif command -v sudo >/dev/null 2>&1; then
		sudo -n apt-get install -y parallel >/dev/null 2>&1 || :
	fi
fi
# Debian's parallel asks for a citation once; --will-cite keeps it quiet.
par='parallel --will-cite'

run_big=$data_dir/run500.jsonl
run_stamp="$(sed -n 1p "$data_dir/bench.stamp") bytes=$bytes"
if [ ! -f "$run_big" ] || [ ! -f "$data_dir/run500.stamp" ] ||
    [ "$(cat "$data_dir/run500.stamp")" != "$run_stamp" ]; then
	rm -f "$run_big" "$data_dir/run500.stamp"
	run_n=$(( (500000000 + bytes - 1) / bytes ))
	printf 'bench: making %s (%s copies of the corpus)\n' "$run_big" \
	    "$run_n" >&2
	: >"$run_big.tmp"
	while [ "$run_n" -gt 0 ]; do
		cat "$data" >>"$run_big.tmp"
		run_n=$((run_n - 1))
	done
	mv "$run_big.tmp" "$run_big"
	echo "$run_stamp" >"$data_dir/run500.stamp"
fi

# The rows' MB/s count the big file's bytes; bench uses $bytes.
run_saved=$bytes
bytes=$(wc -c <"$run_big" | tr -d ' ')
bench run_pipe "cat <$run_big | cat"
bench run_dm "bin/dm-run -j 2 -- cat <$run_big"
bench run_dm_unord "bin/dm-run -j 2 --unordered -- cat <$run_big"
# the same file through a pipe: dm-run copies each block through its memory
bench run_dm_piped "cat $run_big | bin/dm-run -j 2 -- cat"
bench run_par_k "$par --pipe --block 4M -j2 -k cat <$run_big"
bench run_par "$par --pipe --block 4M -j2 cat <$run_big"
bench run_dm_filter "bin/dm-run -j 2 -- \"bin/dm-filter 'len > 10'\" <$run_big"
bench run_filter "bin/dm-filter 'len > 10' <$run_big"
bench run_pass "bin/dm-map 'rename from=nosuch to=x' <$run_big"

# 1000 tiny jobs: with bytes set to 10^9, the MB/s column reads as jobs
# per second.
seq 1 1000 >"$tmp/run-list"
bytes=1000000000
bench run_files "bin/dm-run --files -j 2 -- true <$tmp/run-list"
bench run_par_files "$par -j2 true <$tmp/run-list"
bench run_xargs "xargs -P2 -n1 true <$tmp/run-list"
bytes=$run_saved

# A CPU-bound command: the four quality predicates, on the corpus itself
# (MB/s of it), alone and as 2 jobs at a time.
run_q='gopher() && gopher_rep() && c4() && fineweb()'
bench run_q "bin/dm-filter '$run_q' <$data"
bench run_dm_q "bin/dm-run -j 2 -- \"bin/dm-filter '$run_q'\" <$data"
# the same with fixed 8M blocks: a job (a process start) every 8 MB and a
# last block that may run alone, as without blocks sized by the file
bench run_dm_q8 "bin/dm-run -j 2 --block 8M -- \"bin/dm-filter '$run_q'\" <$data"
# What the machine gives two processes at once, with no scheduler: the
# corpus cut beforehand into two halves of whole lines, both filtered at
# the same time. Against the command alone, the most any -j 2 can reach
# here (two busy cores share their caches, memory and host).
head -n "$((lines / 2))" "$data" >"$tmp/half1"
tail -n "+$((lines / 2 + 1))" "$data" >"$tmp/half2"
bench run_q_halves "bin/dm-filter '$run_q' <$tmp/half1 & bin/dm-filter '$run_q' <$tmp/half2; wait"
rm -f "$tmp/half1" "$tmp/half2"

echo
echo 'ratios:'
ratio 'dm-run / parallel --pipe -k' run_dm run_par_k 3
ratio 'dm-run -u / parallel --pipe' run_dm_unord run_par 3
ratio 'dm-run / cat | cat' run_dm run_pipe 0.7
ratio 'dm-run piped / cat | cat' run_dm_piped run_pipe
ratio 'quality: dm-run -j 2 / alone' run_dm_q run_q 1.85
ratio 'quality: --block 8M / alone' run_dm_q8 run_q
ratio 'quality: halves at once / alone' run_q_halves run_q
ratio 'quality: dm-run / halves' run_dm_q run_q_halves
ratio 'dm-run -u / cat | cat' run_dm_unord run_pipe
ratio 'dm-run dm-filter / dm-filter' run_dm_filter run_filter
# the text filters' own floor: a pipe stage that copies, as they do
ratio 'dm-filter len / cat | cat' run_filter run_pipe 0.8
ratio 'passthrough / cat | cat' run_pass run_pipe 0.9
ratio 'files: dm-run / parallel' run_files run_par_files
ratio 'files: dm-run / xargs -P2' run_files run_xargs
for run_k in run_files run_par_files run_xargs; do
	eval "run_v=\${mbs_$run_k:-}"
	[ -n "$run_v" ] || continue
	awk -v k="$run_k" -v v="$run_v" 'BEGIN {
		printf "  %-28s %8.3f ms a job\n", k, 1000 / v
	}'
done
# The cost of dm-run itself per job: what it takes beyond xargs, which
# runs the same 1000 processes (dm-run's go through /bin/sh -c).
if [ -n "${mbs_run_files:-}" ] && [ -n "${mbs_run_xargs:-}" ]; then
	awk -v a="$mbs_run_files" -v b="$mbs_run_xargs" 'BEGIN {
		o = 1000 / a - 1000 / b
		printf "  %-28s %8.3f ms a job   (target < 1 ms: %s)\n",
		    "files: dm-run overhead", o, (o < 1 ? "met" : "MISSED")
	}'
fi

# Memory: the peak resident size of dm-run moving the 500 MB file through
# cat with 8 MB blocks.
if command -v python3 >/dev/null 2>&1 && [ -x bin/dm-run ]; then
	python3 - "$run_big" <<-'EOF'
	import resource, subprocess, sys
	with open(sys.argv[1], "rb") as i, open("/dev/null", "wb") as o:
	    subprocess.run(["bin/dm-run", "-j", "2", "--", "cat"], stdin=i,
	                   stdout=o, check=True)
	kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
	print("  %-28s %8.1f MB peak RSS (%.1f blocks of 8 MB for 2 slots)"
	      % ("dm-run -j 2 -- cat", kb / 1024, kb / 1024 / 8))
	EOF
fi

# dm-run's own CPU (user + sys, without its jobs'), moving the 500 MB file
# through cat, in place and through a pipe: read from /proc when it has
# exited and is not yet reaped, so its children's times are left out.
if command -v python3 >/dev/null 2>&1 && [ -x bin/dm-run ]; then
	python3 - "$run_big" <<-'EOF'
	import os, subprocess, sys
	def own(piped):
	    with open(sys.argv[1], "rb") as i, open("/dev/null", "wb") as o:
	        src = None
	        if piped:
	            src = subprocess.Popen(["cat"], stdin=i, stdout=subprocess.PIPE)
	            i = src.stdout
	        p = subprocess.Popen(["bin/dm-run", "-j", "2", "--", "cat"],
	                             stdin=i, stdout=o)
	        if src:
	            src.stdout.close()
	        os.waitid(os.P_PID, p.pid, os.WEXITED | os.WNOWAIT)
	        f = open("/proc/%d/stat" % p.pid).read().rsplit(")", 1)[1].split()
	        t = (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")
	        p.wait()
	        if src:
	            src.wait()
	        return t
	print("  %-28s %8.2f s of CPU in place, %.2f s through a pipe"
	      % ("dm-run -j 2 -- cat itself", own(False), own(True)))
	EOF
fi

# dm-run's ssh hosts: two sshd on 127.0.0.1, each at a free random port
# with a throwaway host key, letting in a throwaway client key; the
# client's config, key and known_hosts are all in $tmp, given with ssh -F,
# and each session's HOME is a folder of $tmp.  dm-run and GNU parallel
# get the same hosts, 2 slots each, and the same input: the first 200 MB
# of the 500 MB file, cut at a line end (the whole file would take GNU
# parallel 25 s a run over ssh).  GNU parallel 20221122 reads host:port
# in its sshlogins as dm-run does, so both take the same hosts file.
echo
echo 'dm-run --hosts: 2 sshd on 127.0.0.1, 2 slots each (MB/s of 200 MB of it)'
echo

# run_sshd NAME: starts an sshd, its files in $tmp/sshd-NAME; on success
# sets run_port and adds its process to run_pids, which the EXIT trap
# kills.  Tries random ports until one is free, 20 times at most.
run_sshd() {
	run_d=$tmp/sshd-$1
	mkdir -p "$run_d/home"
	run_try=0
	while [ "$run_try" -lt 20 ]; do
		run_port=$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')
		run_port=$((20000 + run_port % 40000))
		: >"$run_d/log"
		/usr/sbin/sshd -D -e -f /dev/null -p "$run_port" \
		    -h "$tmp/ssh/hostkey" -o ListenAddress=127.0.0.1 \
		    -o UsePAM=no -o StrictModes=no \
		    -o AuthorizedKeysFile="$tmp/ssh/id.pub" \
		    -o PidFile="$run_d/pid" -o PermitRootLogin=yes \
		    -o "SetEnv=HOME=$run_d/home" \
		    -o MaxStartups=100 -o MaxSessions=100 2>>"$run_d/log" &
		run_pid=$!
		run_i=0
		while [ "$run_i" -lt 100 ]; do
			if grep -q 'Server listening' "$run_d/log"; then
				run_pids="$run_pids $run_pid"
				return 0
			fi
			kill -0 "$run_pid" 2>/dev/null || break
			sleep 0.05
			run_i=$((run_i + 1))
		done
		kill "$run_pid" 2>/dev/null || :
		wait "$run_pid" 2>/dev/null || :
		run_try=$((run_try + 1))
	done
	printf 'bench: sshd did not start: %s\n' \
	    "$(tail -n 1 "$run_d/log")" >&2
	return 1
}

run_pids=
run_hosts=
if [ ! -x /usr/sbin/sshd ] || ! command -v ssh >/dev/null 2>&1 ||
    ! command -v ssh-keygen >/dev/null 2>&1; then
	row 'bin/dm-run -S 2/127.0.0.1:PORT,...' 'sshd not installed (openssh-server)'
else
	# the sshd go with the bench, however it ends
	trap 'kill $run_pids 2>/dev/null || :; rm -rf "$tmp"' EXIT
	mkdir -p "$tmp/ssh" /run/sshd 2>/dev/null || :
	cat >"$tmp/ssh/config" <<-EOF
	Host *
		IdentityFile $tmp/ssh/id
		IdentitiesOnly yes
		UserKnownHostsFile $tmp/ssh/known_hosts
		StrictHostKeyChecking no
		BatchMode yes
		LogLevel ERROR
		ConnectTimeout 5
	EOF
	if ssh-keygen -q -t ed25519 -N '' -C dm-bench -f "$tmp/ssh/id" &&
	    ssh-keygen -q -t ed25519 -N '' -C dm-bench -f "$tmp/ssh/hostkey" &&
	    run_sshd a; then
		run_hosts="2/127.0.0.1:$run_port"
		if run_sshd b; then
			run_hosts="$run_hosts,2/127.0.0.1:$run_port"
		else
			run_hosts=
		fi
	fi
	[ -n "$run_hosts" ] ||
	    row 'bin/dm-run -S 2/127.0.0.1:PORT,...' 'sshd did not start'
fi

if [ -n "$run_hosts" ]; then
	run_in=$tmp/run200.jsonl
	head -c 200000000 "$run_big" | sed '$d' >"$run_in"
	run_slf=$tmp/ssh/hosts
	echo "$run_hosts" | tr , '\n' >"$run_slf"
	run_ssh="ssh -F $tmp/ssh/config"
	# The rows name these variables: the paths are in $tmp and the
	# ports change from run to run. Exported: each row runs in sh -c.
	export run_hosts run_slf run_ssh run_in
	echo "run_hosts=$run_hosts (run_slf: the same, a line each)"
	echo "run_ssh='$run_ssh'"
	echo "run_in=$run_in"
	echo
	bytes=$(wc -c <"$run_in" | tr -d ' ')
	bench host_dm 'bin/dm-run --ssh "$run_ssh" -S $run_hosts -- cat <$run_in'
	bench host_dm_unord 'bin/dm-run --ssh "$run_ssh" -S $run_hosts --unordered -- cat <$run_in'
	bench host_par_k "$par --pipe --block 4M -k --sshloginfile "'$run_slf --ssh "$run_ssh" cat <$run_in'
	bench host_par "$par --pipe --block 4M --sshloginfile "'$run_slf --ssh "$run_ssh" cat <$run_in'
	bytes=$run_saved

	echo
	echo 'ratios:'
	ratio 'hosts: dm-run / parallel -k' host_dm host_par_k 3
	ratio 'hosts: dm-run -u / parallel' host_dm_unord host_par 3
	ratio 'hosts: dm-run / local dm-run' host_dm run_dm

	# What came back from the hosts is the input, byte for byte (--hosts
	# reads the file GNU parallel was given).
	if [ -x bin/dm-run ]; then
		if bin/dm-run --ssh "$run_ssh" --hosts "$run_slf" -- cat \
		    <"$run_in" >"$tmp/run-out" 2>"$tmp/err"; then
			if cmp -s "$run_in" "$tmp/run-out"; then
				echo 'dm-run --hosts -- cat gives back its input, byte for byte'
			else
				echo 'dm-run --hosts -- cat DIFFERS from its input'
			fi
		else
			echo "dm-run --hosts -- cat failed: $(head -n 1 "$tmp/err")"
			failed=1
		fi
		rm -f "$tmp/run-out"
	fi
	rm -f "$run_in"
fi

for run_pid in $run_pids; do
	kill "$run_pid" 2>/dev/null || :
	wait "$run_pid" 2>/dev/null || :
done
run_pids=
trap 'rm -rf "$tmp"' EXIT
