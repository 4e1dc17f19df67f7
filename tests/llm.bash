# llm.bash - starts and stops tests/llm-server.py for dm-llm's tests

LLM_KEY=sk-test-0123456789abcdefSECRET
# libcurl would send loopback requests through a proxy of the environment
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY

# llm_start [SERVER OPTIONS...]: starts the server on a loopback port the
# system picks, waits (at most 10 s) for its port file, and exports
# DM_LLM_BASE_URL, DM_LLM_MODEL and DM_LLM_API_KEY. The log of every request
# is $TMP/llm.log.
llm_start() {
	local i
	rm -f "$TMP/llm.port" "$TMP/llm.log"
	python3 "$DM_REPO/tests/llm-server.py" --port-file "$TMP/llm.port" \
	    --log "$TMP/llm.log" --key "$LLM_KEY" "$@" 2>"$TMP/llm.err" &
	LLM_PID=$!
	for i in $(seq 200); do
		[ -s "$TMP/llm.port" ] && break
		if ! kill -0 "$LLM_PID" 2>/dev/null; then
			cat "$TMP/llm.err" >&2
			return 1
		fi
		sleep 0.05
	done
	if [ ! -s "$TMP/llm.port" ]; then
		printf 'llm-server.py did not start in 10 s\n' >&2
		return 1
	fi
	LLM_PORT=$(cat "$TMP/llm.port")
	DM_LLM_BASE_URL=http://127.0.0.1:$LLM_PORT/v1
	DM_LLM_MODEL=test-model
	DM_LLM_API_KEY=$LLM_KEY
	export DM_LLM_BASE_URL DM_LLM_MODEL DM_LLM_API_KEY
}

llm_stop() {
	if [ -n "${LLM_PID:-}" ]; then
		kill "$LLM_PID" 2>/dev/null || true
		wait "$LLM_PID" 2>/dev/null || true
		LLM_PID=
	fi
}

# llm_requests: how many requests the server saw.
llm_requests() {
	if [ -f "$TMP/llm.log" ]; then wc -l <"$TMP/llm.log" | tr -d ' '; else echo 0; fi
}
