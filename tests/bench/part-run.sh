# part-run.sh - the dm-run rows of make bench, sourced by run.sh
#
# dm-run against GNU parallel --pipe, xargs and a plain pipe, on one 500 MB
# file made of copies of the corpus (built once in the data folder), and
# 1000 tiny jobs in files mode.  GNU parallel comes from Debian; it is
# installed here when missing (as root, or with sudo).

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
bench run_par_k "$par --pipe --block 4M -j2 -k cat <$run_big"
bench run_par "$par --pipe --block 4M -j2 cat <$run_big"
bench run_dm_filter "bin/dm-run -j 2 -- \"bin/dm-filter 'len > 10'\" <$run_big"
bench run_filter "bin/dm-filter 'len > 10' <$run_big"

# 1000 tiny jobs: with bytes set to 10^9, the MB/s column reads as jobs
# per second.
seq 1 1000 >"$tmp/run-list"
bytes=1000000000
bench run_files "bin/dm-run --files -j 2 -- true <$tmp/run-list"
bench run_par_files "$par -j2 true <$tmp/run-list"
bench run_xargs "xargs -P2 -n1 true <$tmp/run-list"
bytes=$run_saved

echo
echo 'ratios:'
ratio 'dm-run / parallel --pipe -k' run_dm run_par_k 3
ratio 'dm-run -u / parallel --pipe' run_dm_unord run_par 3
ratio 'dm-run / cat | cat' run_dm run_pipe
ratio 'dm-run -u / cat | cat' run_dm_unord run_pipe
ratio 'dm-run dm-filter / dm-filter' run_dm_filter run_filter
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
