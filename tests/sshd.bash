# sshd.bash - real sshd processes on loopback ports, as the hosts of dm-run
#
# Each host is an sshd of its own (openssh-server, installed by `make deps`)
# with a throwaway host key, listening on 127.0.0.1 at a free port, letting
# in the user running the tests with a throwaway key. Nothing outside $TMP
# is read or written: the client gets its own ssh_config, identity and
# known_hosts through `ssh -F`, and each host session runs with a HOME of
# its own in $TMP and a PATH without dm, as a machine that never saw dm
# would have.
#
#	load sshd
#	sshd_start a; sshd_start b	# ports in $SSHD_PORT_a, $SSHD_PORT_b
#	dm-run --ssh "$SSH" -S "$SSHD_HOST_a,$SSHD_HOST_b" -- CMD
#	sshd_stop a			# a host that dies
#
# teardown stops every sshd a test started.

SSHD=/usr/sbin/sshd

# sshd_keys: the client's key, config and the command line that uses them,
# in $SSH; made once per test.
sshd_keys() {
	[ -f "$TMP/ssh/id" ] && return 0
	mkdir -p "$TMP/ssh"
	ssh-keygen -q -t ed25519 -N '' -C dm-test -f "$TMP/ssh/id" || return 1
	cat >"$TMP/ssh/config" <<-EOF
	Host *
		IdentityFile $TMP/ssh/id
		IdentitiesOnly yes
		UserKnownHostsFile $TMP/ssh/known_hosts
		StrictHostKeyChecking no
		BatchMode yes
		LogLevel ERROR
		ConnectTimeout 5
		ServerAliveInterval 1
		ServerAliveCountMax 3
	EOF
	SSH="ssh -F $TMP/ssh/config"
}

# sshd_start NAME [PORT]: starts host NAME; sets SSHD_PORT_NAME and
# SSHD_HOST_NAME (127.0.0.1:PORT). Without PORT, tries random ports until
# one is free, a bounded number of times; with it (a host that comes
# back), that port only.
sshd_start() {
	local name=$1 dir=$TMP/sshd-$1 port try i
	sshd_keys || return 1
	mkdir -p "$dir/home" /run/sshd 2>/dev/null
	mkdir -p "$dir/home"
	[ -f "$dir/hostkey" ] ||
	    ssh-keygen -q -t ed25519 -N '' -f "$dir/hostkey" || return 1
	cp "$TMP/ssh/id.pub" "$dir/authorized_keys"
	for ((try = 0; try < 20; try++)); do
		port=${2:-$((20000 + RANDOM % 40000))}
		: >"$dir/log"
		"$SSHD" -D -e -f /dev/null -p "$port" -h "$dir/hostkey" \
		    -o ListenAddress=127.0.0.1 -o UsePAM=no -o StrictModes=no \
		    -o AuthorizedKeysFile="$dir/authorized_keys" \
		    -o PidFile="$dir/pid" -o PermitRootLogin=yes \
		    -o "SetEnv=HOME=$dir/home PATH=/usr/local/bin:/usr/bin:/bin" \
		    -o MaxStartups=100 -o MaxSessions=100 \
		    2>>"$dir/log" &
		echo $! >"$dir/daemon"
		for ((i = 0; i < 100; i++)); do
			if grep -q 'Server listening' "$dir/log"; then
				printf -v "SSHD_PORT_$name" %s "$port"
				printf -v "SSHD_HOST_$name" %s "127.0.0.1:$port"
				return 0
			fi
			kill -0 "$(cat "$dir/daemon")" 2>/dev/null || break
			sleep 0.05
		done
		# it died (the port was taken) or never listened: next port
		kill "$(cat "$dir/daemon")" 2>/dev/null || :
		wait "$(cat "$dir/daemon")" 2>/dev/null || :
		[ -n "${2-}" ] && break
	done
	echo "sshd_start: sshd '$name' does not listen:" >&2
	cat "$dir/log" >&2
	return 1
}

# sshd_stop NAME: kills host NAME's listener and every session it runs, as
# a machine that dies would drop them.
sshd_stop() {
	local dir=$TMP/sshd-$1 pid p
	[ -f "$dir/daemon" ] || return 0
	pid=$(cat "$dir/daemon")
	# a frozen host (sshd_freeze) goes on, then dies
	sshd_signal_tree CONT "$pid"
	# the listener, its sessions (a process per connection) and the
	# commands they run, all at once, leaves first
	sshd_kill_tree "$pid"
	wait "$pid" 2>/dev/null || :
	# what was frozen and left the tree since (its parent died first),
	# when it is still the same process
	local t
	if [ -f "$dir/frozen" ]; then
		while read -r p t; do
			[ -n "$t" ] && [ "$(sshd_started "$p")" = "$t" ] || continue
			kill -CONT "$p" 2>/dev/null || :
			kill -KILL "$p" 2>/dev/null || :
		done <"$dir/frozen"
		rm -f "$dir/frozen"
	fi
	rm -f "$dir/daemon"
	return 0
}

# sshd_freeze NAME: SIGSTOP to host NAME's listener, its sessions and the
# commands they run: a host that hangs (its connections stay open, nothing
# answers). teardown (sshd_stop) kills them, stopped or not.
sshd_freeze() {
	local dir=$TMP/sshd-$1
	[ -f "$dir/daemon" ] || return 1
	sshd_signal_tree STOP "$(cat "$dir/daemon")"
	# by pid, for sshd_stop: a frozen process whose parent dies first
	# is no longer in the tree then
	local p
	for p in $(sshd_tree "$(cat "$dir/daemon")"); do
		echo "$p $(sshd_started "$p")"
	done >>"$dir/frozen"
}

# sshd_started PID: when PID started (field 22 of /proc/PID/stat), which
# tells it from a later process given the same pid.
sshd_started() {
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
	stat=${stat##*) }
	set -- $stat
	echo "${20}"
}

# sshd_tree PID: PID and its descendants, one a line.
sshd_tree() {
	local child
	echo "$1"
	for child in $(pgrep -P "$1"); do
		sshd_tree "$child"
	done
	return 0
}

# sshd_signal_tree SIG PID: SIG to PID, then to its descendants, parents
# first (a stopped parent forks nothing meanwhile).
sshd_signal_tree() {
	local child
	kill -"$1" "$2" 2>/dev/null || :
	for child in $(pgrep -P "$2"); do
		sshd_signal_tree "$1" "$child"
	done
	return 0
}

# sshd_kill_tree PID: SIGKILL to PID and all its descendants; stops the
# whole tree first so that nothing forks or is reparented meanwhile.
sshd_kill_tree() {
	local child
	kill -STOP "$1" 2>/dev/null
	for child in $(pgrep -P "$1"); do
		sshd_kill_tree "$child"
	done
	kill -KILL "$1" 2>/dev/null
}

teardown() {
	local d
	for d in "$TMP"/sshd-*; do
		[ -d "$d" ] && sshd_stop "${d##*/sshd-}"
	done
	return 0
}
