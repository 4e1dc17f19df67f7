# slurm.bash - a real single-node Slurm cluster on loopback, for dm-run --slurm
#
# Debian's slurmctld and slurmd (slurmctld slurmd slurm-client, installed by
# `make deps`) run as root, in the foreground, on two free loopback ports,
# with every file they write (configuration, state, spool, logs) in a
# directory of their own under /tmp: no munge (auth/none, cred/none), no
# cgroups (proctrack/linuxproc, task/none), no accounting (so no sacct:
# squeue and scontrol tell what runs). The one node, `localhost`, has as
# many CPUs as this machine. The client commands find the cluster through
# SLURM_CONF, which slurm_start exports; slurm_stop finds every process the
# cluster started by its environment (slurm_pids) and kills it by pid.
#
#	load slurm
#	setup_file() { slurm_start; }
#	teardown_file() { slurm_stop; }
#	sbatch --array=0-7 --wrap 'echo $SLURM_ARRAY_TASK_ID'
#	slurm_wait_idle		# no job left, node idle
#
# The directory is short on purpose: slurmd's sockets live in its spool,
# and a socket path may not pass 108 bytes.

SLURMCTLD=/usr/sbin/slurmctld
SLURMD=/usr/sbin/slurmd

# slurm_conf DIR PORT: writes DIR/slurm.conf for a controller on PORT and a
# slurmd on PORT+1.
slurm_conf() {
	local dir=$1 port=$2
	cat >"$dir/slurm.conf" <<-EOF
	ClusterName=dmtest
	SlurmctldHost=localhost(127.0.0.1)
	SlurmctldPort=$port
	SlurmdPort=$((port + 1))
	SlurmUser=root
	SlurmdUser=root
	AuthType=auth/none
	CredType=cred/none
	AuthInfo=cred_expire=5
	ProctrackType=proctrack/linuxproc
	TaskPlugin=task/none
	SelectType=select/cons_tres
	SelectTypeParameters=CR_CPU
	JobAcctGatherType=jobacct_gather/none
	AccountingStorageType=accounting_storage/none
	MpiDefault=none
	ReturnToService=2
	SchedulerParameters=sched_interval=1
	MaxArraySize=${SLURM_MAX_ARRAY:-1001}
	StateSaveLocation=$dir/state
	SlurmdSpoolDir=$dir/spool
	SlurmctldPidFile=$dir/slurmctld.pid
	SlurmdPidFile=$dir/slurmd.pid
	SlurmctldLogFile=$dir/slurmctld.log
	SlurmdLogFile=$dir/slurmd.log
	NodeName=localhost NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
	PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
	EOF
}

# slurm_port_free PORT: nothing listens on 127.0.0.1:PORT.
slurm_port_free() {
	! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# slurm_start: starts the controller and the node, waits (bounded) until
# the node is idle; sets and exports SLURM_DIR and SLURM_CONF.
slurm_start() {
	local port try i
	SLURM_DIR=$(mktemp -d /tmp/dm-slurm.XXXXXX) || return 1
	SLURM_CONF=$SLURM_DIR/slurm.conf
	export SLURM_DIR SLURM_CONF
	mkdir -p "$SLURM_DIR/state" "$SLURM_DIR/spool"
	for ((try = 0; try < 10; try++)); do
		port=$((20000 + RANDOM % 40000))
		slurm_port_free "$port" && slurm_port_free $((port + 1)) ||
		    continue
		slurm_conf "$SLURM_DIR" "$port"
		rm -rf "$SLURM_DIR/state"/* "$SLURM_DIR/spool"/*
		DM_SLURM_CLUSTER=$SLURM_DIR "$SLURMCTLD" -D -i -f "$SLURM_CONF" \
		    >>"$SLURM_DIR/slurmctld.out" 2>&1 &
		echo $! >"$SLURM_DIR/slurmctld.daemon"
		DM_SLURM_CLUSTER=$SLURM_DIR "$SLURMD" -D -f "$SLURM_CONF" -N localhost \
		    >>"$SLURM_DIR/slurmd.out" 2>&1 &
		echo $! >"$SLURM_DIR/slurmd.daemon"
		# up in about a second; give it 20
		for ((i = 0; i < 200; i++)); do
			[ "$(slurm_node_state)" = idle ] && return 0
			kill -0 "$(cat "$SLURM_DIR/slurmctld.daemon")" \
			    2>/dev/null || break
			kill -0 "$(cat "$SLURM_DIR/slurmd.daemon")" \
			    2>/dev/null || break
			sleep 0.1
		done
		# a port was taken meanwhile, or it never came up: again
		slurm_kill_daemons
	done
	echo "slurm_start: the cluster does not come up:" >&2
	tail -n 20 "$SLURM_DIR"/*.out "$SLURM_DIR"/*.log >&2
	return 1
}

# slurm_node_state: the state of node localhost as sinfo gives it (idle,
# alloc, mix, down*, ...), or nothing when the controller does not answer.
slurm_node_state() {
	timeout 5 sinfo -h -n localhost -o %t 2>/dev/null
}

# slurm_wait_idle [SECONDS]: waits until no job of the cluster is pending
# or running and the node is idle (default: 30 s); fails after that.
slurm_wait_idle() {
	local i n=$((${1:-30} * 10))
	for ((i = 0; i < n; i++)); do
		if [ -z "$(timeout 5 squeue -h -o %i 2>/dev/null)" ] &&
		    [ "$(slurm_node_state)" = idle ]; then
			return 0
		fi
		sleep 0.1
	done
	echo "slurm_wait_idle: still busy after ${1:-30} s:" >&2
	timeout 5 squeue >&2
	timeout 5 sinfo >&2
	return 1
}

# slurm_pids [DIR]: every process that the cluster in DIR (default:
# $SLURM_DIR) started and that still runs, wherever it was reparented: the
# daemons (DM_SLURM_CLUSTER=DIR in their environment, set by slurm_start),
# slurmstepd (its SLURM_CONF, from slurmd) and the jobs (that SLURM_CONF and
# a SLURM_JOB_ID). The test's own processes have the SLURM_CONF but neither
# of the others. One perl reads every /proc/PID/environ: a fork per process
# would take seconds on a busy machine.
slurm_pids() {
	local dir=${1:-$SLURM_DIR}
	perl -e '
		my ($dir) = @ARGV;
		opendir(my $d, "/proc") or exit 0;
		for my $pid (grep { /^\d+$/ } readdir $d) {
			next if $pid == $$;
			open(my $f, "<", "/proc/$pid/environ") or next;
			local $/; my %e = map { /^([^=]*)=(.*)$/s ? ($1, $2) : () }
			    split /\0/, (<$f> // "");
			open(my $c, "<", "/proc/$pid/cmdline") or next;
			my $cmd = <$c> // "";
			my $ours = ($e{SLURM_CONF} // "") eq "$dir/slurm.conf";
			print "$pid\n" if ($e{DM_SLURM_CLUSTER} // "") eq $dir ||
			    $ours && (defined $e{SLURM_JOB_ID} ||
			    $cmd =~ /^slurmstepd/);
		}' "$dir"
}

# slurm_kill_daemons [DIR]: SIGKILL to both daemons, by their pids.
slurm_kill_daemons() {
	local dir=${1:-$SLURM_DIR} d pid
	for d in slurmctld slurmd; do
		[ -f "$dir/$d.daemon" ] || continue
		pid=$(cat "$dir/$d.daemon")
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null || :
		rm -f "$dir/$d.daemon"
	done
	return 0
}

# slurm_stop [DIR]: cancels every job of the cluster in DIR (default:
# $SLURM_DIR), stops both daemons and whatever they left running (by pid),
# and removes DIR.
slurm_stop() {
	local dir=${1:-${SLURM_DIR-}} pid i
	[ -n "$dir" ] && [ -d "$dir" ] || return 0
	if [ -f "$dir/slurmctld.daemon" ]; then
		SLURM_CONF=$dir/slurm.conf timeout 5 scancel --quiet \
		    --user=root 2>/dev/null
		for ((i = 0; i < 50; i++)); do
			[ -z "$(SLURM_CONF=$dir/slurm.conf timeout 5 \
			    squeue -h -t R,CG -o %i 2>/dev/null)" ] && break
			sleep 0.1
		done
	fi
	slurm_kill_daemons "$dir"
	# slurmstepd and job processes outlive slurmd
	for ((i = 0; i < 20; i++)); do
		pid=$(slurm_pids "$dir")
		[ -z "$pid" ] && break
		# shellcheck disable=SC2086
		kill -KILL $pid 2>/dev/null
		sleep 0.1
	done
	rm -rf "$dir"
	return 0
}
