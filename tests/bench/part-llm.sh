# part-llm.sh - the dm-llm rows of make bench, sourced by run.sh
#
# dm-llm against tests/llm-server.py on loopback, which answers every
# request after 50 ms: 20000 samples of about 500 bytes at -j 64.  The
# ideal is 64 requests per 50 ms, 1280 a second; the target is 90% of it,
# with under 0.2 ms of dm-llm's CPU time (user + system) per request.  The
# CPU time is the child's rusage, read by python3 around the run (GNU
# time is not a dependency).  One run, not DM_BENCH_RUNS: it takes 16 s.

echo
echo 'dm-llm: 20000 requests at -j 64 to a loopback server answering in 50 ms'
if [ ! -x bin/dm-llm ]; then
	row 'bin/dm-llm -j 64' 'not built (run make)'
elif ! command -v python3 >/dev/null 2>&1; then
	row 'bin/dm-llm -j 64' 'python3 not installed'
else
	awk 'BEGIN {
		w = "the quick brown fox jumps over the lazy dog while "
		for (i = 1; i <= 20000; i++) {
			t = ""
			for (j = 0; j < 10; j++)
				t = t w
			printf "{\"id\":%d,\"text\":\"document %d: %s\"}\n", i, i, t
		}
	}' >"$tmp/llm.jsonl"
	python3 tests/llm-server.py --port-file "$tmp/llm.port" --latency 50 \
	    2>"$tmp/llm-server.err" &
	llm_pid=$!
	# the server goes with the bench, however it ends
	trap 'kill "$llm_pid" 2>/dev/null || :; rm -rf "$tmp"' EXIT
	llm_i=0
	while [ ! -s "$tmp/llm.port" ] && [ "$llm_i" -lt 200 ] &&
	    kill -0 "$llm_pid" 2>/dev/null; do
		sleep 0.05
		llm_i=$((llm_i + 1))
	done
	if [ ! -s "$tmp/llm.port" ]; then
		row 'bin/dm-llm -j 64' "the test server did not start: $(head -n 1 "$tmp/llm-server.err")"
		failed=1
	elif python3 - "$(cat "$tmp/llm.port")" "$tmp/llm.jsonl" \
	    >"$tmp/llm.out" 2>"$tmp/err" <<-'EOF'
		import os, resource, subprocess, sys, time
		env = dict(os.environ, DM_LLM_MODEL="bench",
		    DM_LLM_BASE_URL="http://127.0.0.1:%s/v1" % sys.argv[1])
		env.pop("DM_LLM_API_KEY", None)
		env.pop("OPENAI_API_KEY", None)
		with open(sys.argv[2]) as f, open(os.devnull, "w") as out:
		    t0 = time.monotonic()
		    r = subprocess.run(["bin/dm-llm", "-j", "64", "-p",
		        "Summarize in one sentence: {text}"], stdin=f, stdout=out,
		        env=env)
		    t1 = time.monotonic()
		u = resource.getrusage(resource.RUSAGE_CHILDREN)
		print("%.3f %.6f %d" % (t1 - t0, u.ru_utime + u.ru_stime, r.returncode))
		sys.exit(r.returncode)
	EOF
	then
		read -r llm_s llm_cpu _ <"$tmp/llm.out"
		awk -v s="$llm_s" -v cpu="$llm_cpu" 'BEGIN {
			rps = 20000 / s
			ms = cpu / 20000 * 1000
			printf "%-52s %8.3f %9s %7s %4s\n",
			    "bin/dm-llm -j 64 (20000 requests)", s, "-", "-", 1
			printf "  %-28s %8.1f req/s  (ideal 1280; %.1f%%, target >= 90%%: %s)\n",
			    "dm-llm throughput", rps, rps / 12.8,
			    (rps / 12.8 >= 90 ? "met" : "MISSED")
			printf "  %-28s %8.3f ms     (target < 0.2 ms: %s)\n",
			    "dm-llm CPU per request", ms, (ms < 0.2 ? "met" : "MISSED")
		}'
	else
		row 'bin/dm-llm -j 64' "failed: $(head -n 1 "$tmp/err")"
		failed=1
	fi
	kill "$llm_pid" 2>/dev/null || :
	wait "$llm_pid" 2>/dev/null || :
	trap 'rm -rf "$tmp"' EXIT
fi
