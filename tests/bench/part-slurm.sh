# part-slurm.sh - the dm-run --slurm rows of make bench, sourced by run.sh
#
# The cost of going through Slurm: dm-run --slurm on a real single-node
# cluster (slurmctld and slurmd from Debian, started on loopback ports by
# tests/slurm.bash, everything in a directory of their own, stopped by
# pid at the end) against the same work with -j 2 here, on the first
# 200 MB of the 500 MB file of part-run.sh (25 blocks of 8 MB); and one
# run of a single tiny block, the fixed cost of a run.

echo
echo 'dm-run --slurm: a single-node cluster on 127.0.0.1, 2 CPUs (MB/s of 200 MB)'
echo

slurm_dir=
if [ ! -x /usr/sbin/slurmctld ] || [ ! -x /usr/sbin/slurmd ] ||
    ! command -v sbatch >/dev/null 2>&1; then
	row 'bin/dm-run --slurm' 'Slurm not installed (slurmctld slurmd slurm-client)'
elif ! slurm_dir=$(bash -c '. tests/slurm.bash && slurm_start >&2 &&
    echo "$SLURM_DIR"'); then
	row 'bin/dm-run --slurm' 'the cluster did not start'
	slurm_dir=
fi

if [ -n "$slurm_dir" ]; then
	# the cluster goes with the bench, however it ends
	trap 'bash -c ". tests/slurm.bash && slurm_stop $slurm_dir"; rm -rf "$tmp"' EXIT
	SLURM_CONF=$slurm_dir/slurm.conf
	export SLURM_CONF
	slurm_in=$tmp/slurm200.jsonl
	head -c 200000000 "$run_big" | sed '$d' >"$slurm_in"
	printf '{"text":"one tiny block"}\n' >"$tmp/slurm-tiny.jsonl"
	slurm_sp=$tmp/spool
	export slurm_in slurm_sp
	echo "slurm_in=$slurm_in, slurm_sp=$slurm_sp (removed before each run)"
	echo
	slurm_saved=$bytes
	bytes=$(wc -c <"$slurm_in" | tr -d ' ')
	bench slurm_local "bin/dm-run -j 2 -- \"bin/dm-filter 'len > 10'\" <\$slurm_in"
	bench slurm_dm "rm -rf \$slurm_sp && bin/dm-run --slurm --spool \$slurm_sp -j 2 -- \"bin/dm-filter 'len > 10'\" <\$slurm_in"
	bench slurm_dm_b4 "rm -rf \$slurm_sp && bin/dm-run --slurm --spool \$slurm_sp -j 2 --blocks-per-task 4 -- \"bin/dm-filter 'len > 10'\" <\$slurm_in"
	# one block: with bytes at 10^6, the MB/s column reads as runs a second
	bytes=1000000
	bench slurm_tiny_local "bin/dm-run -j 2 -- cat <$tmp/slurm-tiny.jsonl"
	bench slurm_tiny "rm -rf \$slurm_sp && bin/dm-run --slurm --spool \$slurm_sp -j 2 -- cat <$tmp/slurm-tiny.jsonl"
	bytes=$slurm_saved

	echo
	echo 'ratios:'
	ratio 'slurm: dm-run --slurm / -j 2 here' slurm_dm slurm_local
	ratio 'slurm: 4 blocks an element / 1' slurm_dm_b4 slurm_dm
	slurm_blocks=$(( ($(wc -c <"$slurm_in") + 8388607) / 8388608 ))
	if [ -n "${mbs_slurm_dm:-}" ] && [ -n "${mbs_slurm_local:-}" ]; then
		awk -v a="$mbs_slurm_dm" -v b="$mbs_slurm_local" \
		    -v n="$(wc -c <"$slurm_in")" -v k="$slurm_blocks" 'BEGIN {
			o = (n / 1e6 / a - n / 1e6 / b) / k
			printf "  %-28s %8.3f s a block (%d blocks of 8 MB)\n",
			    "slurm: overhead", o, k
		}'
	fi
	if [ -n "${mbs_slurm_tiny:-}" ]; then
		awk -v a="$mbs_slurm_tiny" 'BEGIN {
			printf "  %-28s %8.3f s a run of one tiny block\n",
			    "slurm: fixed cost", 1 / a
		}'
	fi

	# the output through Slurm is the local output, byte for byte
	if bin/dm-run -j 2 -- "bin/dm-filter 'len > 10'" <"$slurm_in" \
	    >"$tmp/slurm-local" 2>/dev/null &&
	    rm -rf "$slurm_sp" && bin/dm-run --slurm --spool "$slurm_sp" -j 2 \
	    -- "bin/dm-filter 'len > 10'" <"$slurm_in" >"$tmp/slurm-out" \
	    2>"$tmp/err"; then
		if cmp -s "$tmp/slurm-local" "$tmp/slurm-out"; then
			echo 'dm-run --slurm gives the local output, byte for byte'
		else
			echo 'dm-run --slurm DIFFERS from the local output'
			failed=1
		fi
	else
		echo "dm-run --slurm failed: $(head -n 1 "$tmp/err")"
		failed=1
	fi
	rm -rf "$slurm_in" "$slurm_sp" "$tmp/slurm-local" "$tmp/slurm-out"
	bash -c ". tests/slurm.bash && slurm_stop $slurm_dir"
	unset SLURM_CONF
	trap 'rm -rf "$tmp"' EXIT
fi
