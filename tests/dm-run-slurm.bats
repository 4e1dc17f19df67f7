#!/usr/bin/env bats
# dm-run-slurm.bats - dm-run --slurm on a real single-node Slurm cluster

load helper
load slurm

setup_file() {
	slurm_start
}

teardown_file() {
	slurm_stop
}

teardown() {
	[ -f "$TMP/cluster" ] && slurm_stop "$(cat "$TMP/cluster")"
	return 0
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
