#!/usr/bin/env bats
# dm-llm.bats - dm-llm against tests/llm-server.py on a loopback port

load helper
load llm

teardown() {
	llm_stop
}

# llm ARGS...: dm-llm with fast retries, stdout in $output, stderr in $stderr.
llm() {
	run_split dm-llm --retry-base 10ms "$@"
}

# body N: the request body of the server's Nth request, as compact JSON.
body() {
	sed -n "${1}p" "$TMP/llm.log" | jq -c .body
}

# ---- templates ----

@test "fills fields, nested fields and escaped braces into the prompt" {
	llm_start
	llm -p 'T={text} L={meta.lang} N={n} O={meta} {{x}} }}' \
	    <<<'{"text":"hi","meta":{"lang":"fr"},"n":1.50}'
	assert_success
	assert_stderr ''
	assert_output '{"text":"hi","meta":{"lang":"fr"},"n":1.50,"llm":"echo: T=hi L=fr N=1.50 O={\"lang\":\"fr\"} {x} }"}'
}

@test "writes the answer into -o FIELD, nested paths too" {
	llm_start
	llm -p '{text}' -o meta.summary <<<'{"text":"a\"b","meta":{"k":1}}'
	assert_success
	assert_output '{"text":"a\"b","meta":{"k":1,"summary":"echo: a\"b"}}'
	llm -p '{text}' -o sum <<<'{"text":"x"}'
	assert_output '{"text":"x","sum":"echo: x"}'
}

@test "-o with an empty element in its path is a usage error, as -k" {
	usage=$(usage_of dm-llm)
	for f in a..b .a a.; do
		run_split dm-llm -p '{text}' -o "$f" </dev/null
		assert_status 2
		assert_stderr "dm-llm: -o: '$f' is not a field name"$'\n'"$usage"
	done
}

@test "{text} is the field -k names and must be a string" {
	llm_start
	llm -k body -p '{text}' <<<'{"text":1,"body":"B"}'
	assert_success
	assert_output '{"text":1,"body":"B","llm":"echo: B"}'
	DM_TEXT_KEY=body llm -p '{text}' <<<'{"body":"C"}'
	assert_output '{"body":"C","llm":"echo: C"}'
	llm -p '{text}' <<<'{"text":1}'
	assert_status 2
	assert_output ''
	assert_stderr "dm-llm: <stdin>:1: field 'text' is not a string"
	[ "$(llm_requests)" -eq 2 ]
}

@test "a missing field rejects the sample under the --on-error policy" {
	llm_start
	printf '%s\n' '{"text":"a","t":"1"}' '{"text":"b"}' '{"text":"c","t":"3"}' >in.jsonl
	llm -p '{t}: {text}' in.jsonl
	assert_status 2
	assert_output '{"text":"a","t":"1","llm":"echo: 1: a"}'
	assert_stderr "dm-llm: in.jsonl:2: field 't' is missing"
	llm -p '{t}: {text}' --on-error=skip --rejects rej.jsonl in.jsonl
	assert_status 1
	assert_output $'{"text":"a","t":"1","llm":"echo: 1: a"}\n{"text":"c","t":"3","llm":"echo: 3: c"}'
	assert_stderr <<-'EOF'
	dm-llm: in.jsonl:2: field 't' is missing
	dm-llm: 1 of 3 samples rejected
	EOF
	assert_file rej.jsonl '{"file":"in.jsonl","line":2,"reason":"field '"'t'"' is missing","raw":"{\"text\":\"b\"}"}'
}

@test "a sample whose -o cannot be set is a bad sample, found before its request" {
	llm_start
	printf '%s\n' '{"text":"a","r":"s"}' '{"text":"b"}' '{"text":"c","r":[1]}' >in.jsonl
	llm -p '{text}' -o r.x in.jsonl
	assert_status 2
	assert_output ''
	assert_stderr "dm-llm: in.jsonl:1: -o: field 'r' is not an object"
	llm -p '{text}' -o r.x --json --json-into --on-error=skip --rejects rej.jsonl in.jsonl
	assert_status 1
	assert_output '{"text":"b","r":{"x":{"echo":"b","words":1}}}'
	assert_stderr <<-'EOF'
	dm-llm: in.jsonl:1: -o: field 'r' is not an object
	dm-llm: in.jsonl:3: -o: field 'r' is not an object
	dm-llm: 2 of 3 samples rejected
	EOF
	assert_file rej.jsonl <<-'EOF'
	{"file":"in.jsonl","line":1,"reason":"-o: field 'r' is not an object","raw":"{\"text\":\"a\",\"r\":\"s\"}"}
	{"file":"in.jsonl","line":3,"reason":"-o: field 'r' is not an object","raw":"{\"text\":\"c\",\"r\":[1]}"}
	EOF
	[ "$(llm_requests)" -eq 1 ]
	# --keep without -o writes no field, so nothing to check
	llm -p '{text}' --keep . in.jsonl
	assert_success
	[ "$(llm_requests)" -eq 4 ]
}

@test "a malformed template is a usage error with its line and column" {
	usage=$(usage_of dm-llm)
	run_split dm-llm -m m -p 'a {text' </dev/null
	assert_status 2
	assert_stderr "dm-llm: prompt:1:3: unclosed '{' (write '{{' for a brace)"$'\n'"$usage"
	run_split dm-llm -m m -p 'ab}' </dev/null
	assert_status 2
	assert_stderr "dm-llm: prompt:1:3: single '}' (write '}}' for a brace)"$'\n'"$usage"
	printf 'line one\nx {}\n' >p.txt
	run_split dm-llm -m m -p @p.txt </dev/null
	assert_status 2
	assert_stderr "dm-llm: p.txt:2:3: empty placeholder '{}'"$'\n'"$usage"
	run_split dm-llm -m m -p x --system '{' </dev/null
	assert_status 2
	assert_stderr "dm-llm: system:1:1: unclosed '{' (write '{{' for a brace)"$'\n'"$usage"
}

@test "a placeholder that is not a field name is a usage error at its line and column" {
	usage=$(usage_of dm-llm)
	printf '%s\n' '{"text":"x","a":{"b":"AB"}}' >fk.jsonl
	run_split dm-llm -m m -p '[{a..b}]' --dry-run fk.jsonl
	assert_status 2
	assert_output ''
	assert_stderr "dm-llm: prompt:1:2: 'a..b' is not a field name"$'\n'"$usage"
	printf 'one {text}\n  {a.}\n' >p.txt
	run_split dm-llm -m m -p @p.txt --on-error=skip --dry-run fk.jsonl
	assert_status 2
	assert_output ''
	assert_stderr "dm-llm: p.txt:2:3: 'a.' is not a field name"$'\n'"$usage"
	run_split dm-llm -m m -p '{text}' --system '{.a}' --dry-run fk.jsonl
	assert_status 2
	assert_stderr "dm-llm: system:1:1: '.a' is not a field name"$'\n'"$usage"
	run_split dm-llm -m m --base-url http://127.0.0.1:9/v1 -p '[{a.b}]' --dry-run fk.jsonl
	assert_success
	assert_output '{"url":"http://127.0.0.1:9/v1/chat/completions","model":"m","messages":[{"role":"user","content":"[AB]"}]}'
}

@test "-p @FILE reads a file, then a bare name among the shared prompts" {
	printf 'From a file: {text}\n' >mine.txt
	run_split dm-llm -m m --base-url http://127.0.0.1:9/v1 --dry-run -p @mine.txt <<<'{"text":"x"}'
	assert_success
	assert_output '{"url":"http://127.0.0.1:9/v1/chat/completions","model":"m","messages":[{"role":"user","content":"From a file: x"}]}'
	for name in summary summary.txt; do
		run_split dm-llm -m m --dry-run -p @$name <<<'{"text":"x"}'
		assert_success
		want=$(sed 's/{text}/x/' "$DM_SHAREDIR/prompts/summary.txt")
		[ "$(printf '%s' "$output" | jq -r '.messages[0].content')" = "$want" ]
	done
	run_split dm-llm -m m --dry-run -p @nosuch <<<'{"text":"x"}'
	assert_status 2
	assert_stderr "dm-llm: '@nosuch': no such file, nor prompt template; the templates are @qa, @quality, @summary, @tag, @translate"
	run_split dm-llm -m m --dry-run -p @ <<<'{"text":"x"}'
	assert_status 2
	assert_stderr "dm-llm: '@' without a file or prompt name after it"
}

@test "a NUL byte in a -p or --system file is a usage error at its line and column" {
	usage=$(usage_of dm-llm)
	printf 'x\0y{text}' >nul.txt
	printf '%s\n' '{"text":"T"}' >one.jsonl
	run_split dm-llm -m m -p @nul.txt --dry-run one.jsonl
	assert_status 2
	assert_output ''
	assert_stderr "dm-llm: nul.txt:1:2: unexpected NUL byte"$'\n'"$usage"
	printf 'S\n{text}\0\n' >sys.txt
	run_split dm-llm -m m -p '{text}' --system @sys.txt --dry-run one.jsonl
	assert_status 2
	assert_output ''
	assert_stderr "dm-llm: sys.txt:2:7: unexpected NUL byte"$'\n'"$usage"
}

@test "a template or option that is not UTF-8 is a usage error at its place, not every sample rejected" {
	llm_start
	usage=$(usage_of dm-llm)
	# a prompt saved as Latin-1
	printf 'Q:\nR\351sum\351 {text}\n' >lat.txt
	printf '%s\n' '{"text":"a"}' '{"text":"b"}' >in.jsonl
	llm -p @lat.txt --on-error=skip in.jsonl
	assert_status 2
	assert_output ''
	assert_stderr "dm-llm: lat.txt:2:2: invalid UTF-8 byte '\\xe9'"$'\n'"$usage"
	llm -p '{text}' --system "$(printf 'ab\377')" in.jsonl
	assert_status 2
	assert_stderr "dm-llm: system:1:3: invalid UTF-8 byte '\\xff'"$'\n'"$usage"
	llm -p '{text}' --stop "$(printf 'x\351')" in.jsonl
	assert_status 2
	assert_stderr "dm-llm: --stop: 'x\\xe9': invalid UTF-8 at column 2"$'\n'"$usage"
	llm -p '{text}' --param "$(printf 'k=\351')" in.jsonl
	assert_status 2
	assert_stderr "dm-llm: --param: 'k=\\xe9': invalid UTF-8 at column 3"$'\n'"$usage"
	llm -p '{text}' -m "$(printf 'm\351')" in.jsonl
	assert_status 2
	assert_stderr "dm-llm: -m: 'm\\xe9': invalid UTF-8 at column 2"$'\n'"$usage"
	DM_LLM_MODEL=$(printf 'm\351') llm -p '{text}' in.jsonl
	assert_status 2
	assert_stderr "dm-llm: DM_LLM_MODEL: 'm\\xe9': invalid UTF-8 at column 2"$'\n'"$usage"
	[ "$(llm_requests)" -eq 0 ]
}

@test "a NUL byte in a --schema file is invalid JSON at its place, and one in the --api-key-file key is an error" {
	printf '%s\n' '{"text":"T"}' >one.jsonl
	printf '{"type":"object"}\0{"x":1}' >s.json
	run_split dm-llm -m m -p x --schema s.json --dry-run one.jsonl
	assert_status 2
	assert_output ''
	assert_stderr 'dm-llm: s.json:1:18: invalid JSON: unexpected characters after the value'
	printf 'sk-abc\0def\n' >key
	run_split dm-llm -m m -p x --api-key-file key --dry-run one.jsonl
	assert_status 2
	assert_output ''
	assert_stderr 'dm-llm: key: a NUL byte in the API key'
	# after the first line, the file is not read
	printf 'sk-abc\n\0\n' >key
	run_split dm-llm -m m -p x --api-key-file key --dry-run one.jsonl
	assert_success
	assert_stderr ''
}

@test "every shared prompt is a valid template documented in the README" {
	for f in "$DM_SHAREDIR"/prompts/*.txt; do
		name=$(basename "$f")
		grep -q "^$name" "$DM_SHAREDIR/prompts/README"
		run_split dm-llm -m m --dry-run -p "@$f" \
		    <<<'{"text":"x","meta":{"target_lang":"French"}}'
		assert_success
	done
	[ "$(ls "$DM_SHAREDIR"/prompts/*.txt | wc -l)" -eq 5 ]
}

@test "the system message is a template too" {
	llm_start
	llm -p 'U {text}' --system 'S {meta.lang}' <<<'{"text":"t","meta":{"lang":"de"}}'
	assert_success
	assert_output '{"text":"t","meta":{"lang":"de"},"llm":"echo: S de | U t"}'
	[ "$(body 1)" = '{"model":"test-model","messages":[{"role":"system","content":"S de"},{"role":"user","content":"U t"}]}' ]
}

# ---- protocol ----

@test "sends the sampling options, response_format and --param in the body" {
	llm_start
	llm -p '{text}' --temperature .2 --max-tokens 50 --seed 7 --stop END \
	    --stop '"x"' --param top_p=0.9 --param user=abc --param 'extra={"a":[1]}' \
	    <<<'{"text":"q"}'
	assert_success
	[ "$(body 1)" = '{"model":"test-model","messages":[{"role":"user","content":"q"}],"temperature":0.2,"max_tokens":50,"seed":7,"top_p":0.9,"user":"abc","extra":{"a":[1]},"stop":["END","\"x\""]}' ]
	run jq -r '.path + " " + .method + " " + .auth + " " + .headers["content-type"]' "$TMP/llm.log"
	assert_output "/v1/chat/completions POST ok application/json"
}

@test "a member given again takes its last value; given by two options it is a usage error" {
	llm_start
	llm -p '{text}' --temperature .1 --param top_p=0.9 --seed 3 \
	    --temperature .5 --param top_p=0.8 --stop a --stop b --json \
	    <<<'{"text":"q"}'
	assert_success
	[ "$(body 1)" = '{"model":"test-model","messages":[{"role":"user","content":"q"}],"temperature":0.5,"top_p":0.8,"seed":3,"stop":["a","b"],"response_format":{"type":"json_object"}}' ]
	usage=$(usage_of dm-llm)
	printf '{"type":"object"}\n' >s.json
	while IFS='|' read -r opts msg; do
		# shellcheck disable=SC2086
		run_split dm-llm -m m --dry-run -p '{text}' $opts </dev/null
		assert_status 2
		assert_output ''
		assert_stderr "dm-llm: $msg
$usage"
	done <<-'EOF'
	--param seed=1 --seed 2|--param and --seed both give 'seed'
	--stop x --param stop=y|--param and --stop both give 'stop'
	--param response_format=x --schema s.json|--param and --schema both give 'response_format'
	--temperature 1 --param temperature=2|--temperature and --param both give 'temperature'
	--param model=x|--param: 'model' is dm-llm's own member (-m MODEL)
	--param messages=[]|--param: 'messages' is dm-llm's own member (-p, --system)
	--param stream=true|--param: 'stream' is dm-llm's own member (answers are read whole)
	EOF
	[ "$(llm_requests)" -eq 1 ]
}

@test "--json asks for a JSON object and merges it into the sample" {
	llm_start
	llm -p '{text}' --json <<<'{"text":"two words"}'
	assert_success
	assert_output '{"text":"two words","echo":"two words","words":2}'
	[ "$(body 1 | jq -c .response_format)" = '{"type":"json_object"}' ]
	llm -p '{text}' --json --json-into -o ans <<<'{"text":"w"}'
	assert_output '{"text":"w","ans":{"echo":"w","words":1}}'
}

@test "--schema sends a json_schema response format" {
	llm_start
	printf '{"type":"object","properties":{"echo":{"type":"string"}}}\n' >s.json
	llm -p '{text}' --schema s.json <<<'{"text":"w"}'
	assert_success
	assert_output '{"text":"w","echo":"w","words":1}'
	[ "$(body 1 | jq -c .response_format)" = '{"type":"json_schema","json_schema":{"name":"answer","strict":true,"schema":{"type":"object","properties":{"echo":{"type":"string"}}}}}' ]
}

@test "a --schema file that is not JSON is reported at its line and column" {
	printf '{\n  "type": "object",\n  "properties": {\n    "a": {"type": "string"}, }\n}\n' >s.json
	run_split dm-llm -m m -p '{text}' --schema s.json </dev/null
	assert_status 2
	assert_output ''
	assert_stderr 'dm-llm: s.json:4:30: invalid JSON: expected a string key'
	printf '{"a" 1}' >s.json
	run_split dm-llm -m m -p '{text}' --schema s.json </dev/null
	assert_status 2
	assert_stderr "dm-llm: s.json:1:6: invalid JSON: expected ':'"
}

@test "an answer that is not JSON is asked for again, then fails the sample" {
	llm_start
	llm -p '{text}' --json --stats <<<'{"text":"[[badjson:x2]]"}'
	assert_success
	assert_output '{"text":"[[badjson:x2]]","echo":"[[badjson:x2]]","words":1}'
	[ "$(llm_requests)" -eq 3 ]
	# the answers that were not JSON were paid for too: a prompt word
	# each, and their words
	[ "$(sed -n 3p <<<"$stderr")" = 'dm-llm: tokens: 3 prompt, 16 completion' ]
	llm -p '{text}' --json --parse-retries 1 <<<'{"text":"[[badjson:x9]] b"}'
	assert_status 1
	[ "$(jq -c 'del(.llm_error)' <<<"$output")" = '{"text":"[[badjson:x9]] b"}' ]
	run jq -r '.llm_error | "\(.status) \(.message)"' <<<"$output"
	assert_output "200 the answer is not JSON: invalid token near 'Sure'"
	[ "$(llm_requests)" -eq 5 ]
}

@test "reasoning: content null, <think> blocks stripped or kept" {
	llm_start
	llm -p '{text}' <<<'{"text":"[[reasoning]]"}'
	assert_success
	assert_output '{"text":"[[reasoning]]","llm":"echo: [[reasoning]]"}'
	llm -p '{text}' <<<'{"text":"[[think]]"}'
	assert_output '{"text":"[[think]]","llm":"echo: [[think]]"}'
	llm -p '{text}' --keep-reasoning <<<'{"text":"[[think]]"}'
	assert_output '{"text":"[[think]]","llm":"<think>hmm</think>\n\necho: [[think]]"}'
}

@test "content as an array of chunks (Mistral's reasoning models) is an answer, not asked for again" {
	llm_start
	llm -p '{text}' <<<'{"text":"[[chunks]]"}'
	assert_success
	assert_stderr ''
	assert_output '{"text":"[[chunks]]","llm":"echo: [[chunks]]"}'
	llm -p '{text}' --keep-reasoning <<<'{"text":"[[chunks]]"}'
	assert_success
	assert_output '{"text":"[[chunks]]","llm":"<think>hmm</think>echo: [[chunks]]"}'
	llm -p '{text}' --json <<<'{"text":"[[chunks]]"}'
	assert_success
	assert_output '{"text":"[[chunks]]","echo":"[[chunks]]","words":1}'
	[ "$(llm_requests)" -eq 3 ]
}

@test "--usage adds the token counts" {
	llm_start
	llm -p '{text}' --usage <<<'{"text":"a b c"}'
	assert_success
	assert_output '{"text":"a b c","llm":"echo: a b c","llm_usage":{"prompt_tokens":3,"completion_tokens":4,"total_tokens":7}}'
}

@test "--keep makes dm-llm a filter of untouched samples" {
	llm_start
	printf '%s\n' '{"text":"yes it is"}' '{"text":"no"}' '{"text":"yes"}' >in.jsonl
	llm -p '{text}' --keep '^echo: yes' in.jsonl
	assert_success
	assert_output $'{"text":"yes it is"}\n{"text":"yes"}'
	llm -p '{text}' --filter 'no$' -o a in.jsonl
	assert_output '{"text":"no","a":"echo: no"}'
}

@test "an answer --keep cannot be matched fails its sample at once, not retried" {
	llm_start
	a=$(printf 'a%.0s' $(seq 40))
	printf '%s\n' "{\"text\":\"$a!\"}" '{"text":"aa"}' >in.jsonl
	want='{"text":"'$a'!","llm_error":{"status":200,"message":"--keep: the pattern takes too long on this text (PCRE2 match limit of 10000000 exceeded)"}}'$'\n''{"text":"aa"}'
	llm -p '{text}' --keep '^echo: (a|aa)*$' in.jsonl
	assert_status 1
	assert_output "$want"
	[ "$(sed -n 1p <<<"$stderr")" = 'dm-llm: in.jsonl:1: HTTP 200: --keep: the pattern takes too long on this text (PCRE2 match limit of 10000000 exceeded)' ]
	[ "$(llm_requests)" -eq 2 ]
	# an answer from the cache is not asked for again either
	llm -p '{text}' --cache c in.jsonl
	assert_success
	[ "$(llm_requests)" -eq 4 ]
	llm -p '{text}' --cache c --keep '^echo: (a|aa)*$' in.jsonl
	assert_status 1
	assert_output "$want"
	[ "$(llm_requests)" -eq 4 ]
}

# ---- errors and retries ----

@test "an OpenAI error and vLLM's flat error are reported with the server's message" {
	llm_start
	llm -p '{text}' <<<'{"text":"[[fail:400]]"}'
	assert_status 1
	assert_output '{"text":"[[fail:400]]","llm_error":{"status":400,"message":"This model'"'"'s maximum context length is 8 tokens"}}'
	[ "$(sed -n 1,2p <<<"$stderr")" = "dm-llm: <stdin>:1: HTTP 400: This model's maximum context length is 8 tokens
dm-llm: 1 sample: 0 answered, 0 skipped, 1 failed" ]
	llm -p '{text}' <<<'{"text":"[[fail:400:flat]]"}'
	assert_status 1
	assert_output '{"text":"[[fail:400:flat]]","llm_error":{"status":400,"message":"This model'"'"'s maximum context length is 8 tokens"}}'
	[ "$(llm_requests)" -eq 2 ]
}

@test "500 502 503 504 408 409 and 429 are retried" {
	llm_start
	for c in 500 502 503 504 408 409 429; do
		printf '{"text":"[[fail:%sx2]] %s"}\n' "$c" "$c"
	done >in.jsonl
	llm -p '{text}' in.jsonl
	assert_success
	[ "$(printf '%s\n' "$output" | jq -r .llm | tr '\n' ,)" = \
	    'echo: [[fail:500x2]] 500,echo: [[fail:502x2]] 502,echo: [[fail:503x2]] 503,echo: [[fail:504x2]] 504,echo: [[fail:408x2]] 408,echo: [[fail:409x2]] 409,echo: [[fail:429x2]] 429,' ]
	[ "$(llm_requests)" -eq 21 ]
	line=$(sed -n 2p <<<"$stderr")
	[[ $line == 'dm-llm: 21 requests in '*'/s), 14 retries (408: 2, 409: 2, 429: 2, 500: 2, 502: 2, 503: 2, 504: 2)' ]]
}

@test "401, 404 and insufficient_quota are not retried" {
	llm_start
	printf '%s\n' '{"text":"[[fail:401]]"}' '{"text":"[[fail:404]]"}' '{"text":"[[fail:429:quota]]"}' >in.jsonl
	llm -p '{text}' in.jsonl
	assert_status 1
	run jq -c .llm_error <<<"$output"
	assert_output <<-'EOF'
	{"status":401,"message":"scripted 401 (request 1)"}
	{"status":404,"message":"scripted 404 (request 1)"}
	{"status":429,"message":"You exceeded your current quota"}
	EOF
	[ "$(llm_requests)" -eq 3 ]
}

@test "a dropped connection and a malformed body are retried" {
	llm_start
	printf '%s\n' '{"text":"[[drop:x2]]"}' '{"text":"[[malformed:x1]]"}' >in.jsonl
	llm -p '{text}' in.jsonl
	assert_success
	assert_output $'{"text":"[[drop:x2]]","llm":"echo: [[drop:x2]]"}\n{"text":"[[malformed:x1]]","llm":"echo: [[malformed:x1]]"}'
	[ "$(llm_requests)" -eq 5 ]
	# every request counted, none sent again behind dm-llm's back
	[[ $stderr == *"dm-llm: 5 requests in "*" retries (connection: 2, bad answer: 1)"* ]]
}

@test "a request whose answer was lost on a reused connection is sent again by dm-llm alone, counted and within --retries" {
	llm_start
	# the server takes the second request on the first one's connection,
	# then closes it without an answer: libcurl sent it again by itself
	printf '%s\n' '{"text":"a"}' '{"text":"[[drop:x1]]"}' >in.jsonl
	llm -p '{text}' -j 1 --retries 0 in.jsonl
	assert_status 1
	assert_output <<-'EOF'
	{"text":"a","llm":"echo: a"}
	{"text":"[[drop:x1]]","llm_error":{"status":0,"message":"Empty reply from server (gave up after 1 attempt)"}}
	EOF
	[ "$(sed -n 1p <<<"$stderr")" = 'dm-llm: in.jsonl:2: Empty reply from server (gave up after 1 attempt)' ]
	[[ "$(sed -n 3p <<<"$stderr")" == 'dm-llm: 2 requests in '*', 0 retries' ]]
	[ "$(llm_requests)" -eq 2 ]
	# with retries, the next one answers it, and the server saw as many
	# requests as the summary says
	printf '%s\n' '{"text":"b"}' '{"text":"[[drop:x1]] c"}' >in.jsonl
	llm -p '{text}' -j 1 --stats in.jsonl
	assert_success
	assert_output <<-'EOF'
	{"text":"b","llm":"echo: b"}
	{"text":"[[drop:x1]] c","llm":"echo: [[drop:x1]] c"}
	EOF
	[[ "$(sed -n 2p <<<"$stderr")" == 'dm-llm: 3 requests in '*', 1 retry (connection: 1)' ]]
	[ "$(llm_requests)" -eq 5 ]
}

@test "an answer that holds a NUL fails its sample at once, not retried" {
	llm_start
	llm -p '{text}' <<<'{"text":"z [[nul]]"}'
	assert_status 1
	assert_output '{"text":"z [[nul]]","llm_error":{"status":200,"message":"the server'"'"'s answer holds a NUL byte"}}'
	[ "$(sed -n 1p <<<"$stderr")" = "dm-llm: <stdin>:1: HTTP 200: the server's answer holds a NUL byte" ]
	[ "$(llm_requests)" -eq 1 ]
}

@test "a refusal fails its sample at once with the model's words, not asked for again" {
	llm_start
	printf '%s\n' '{"text":"[[refusal]]"}' '{"text":"ok"}' >in.jsonl
	llm -p '{text}' --json in.jsonl
	assert_status 1
	assert_output <<-'EOF'
	{"text":"[[refusal]]","llm_error":{"status":200,"message":"the model refused: I'm sorry, I cannot assist with that request."}}
	{"text":"ok","echo":"ok","words":1}
	EOF
	[ "$(sed -n 1p <<<"$stderr")" = "dm-llm: in.jsonl:1: HTTP 200: the model refused: I'm sorry, I cannot assist with that request." ]
	[ "$(llm_requests)" -eq 2 ]
}

@test "the tokens of a refusal and of an answer without content count in the summary and against --tpm" {
	llm_start
	printf '%s\n' '{"text":"[[refusal]]"}' '{"text":"[[nocontent:x1]]"}' >in.jsonl
	llm -p '{text}' in.jsonl
	assert_status 1
	assert_output <<-'EOF'
	{"text":"[[refusal]]","llm_error":{"status":200,"message":"the model refused: I'm sorry, I cannot assist with that request."}}
	{"text":"[[nocontent:x1]]","llm":"echo: [[nocontent:x1]]"}
	EOF
	[ "$(llm_requests)" -eq 3 ]
	# 1 prompt and 2 completion tokens an answer, the three paid for
	[ "$(sed -n 2p <<<"$stderr")" = 'dm-llm: 2 samples: 1 answered, 0 skipped, 1 failed' ]
	[[ "$(sed -n 3p <<<"$stderr")" == 'dm-llm: 3 requests in '*', 1 retry (bad answer: 1)' ]]
	[ "$(sed -n 4p <<<"$stderr")" = 'dm-llm: tokens: 3 prompt, 6 completion' ]
	# a refusal of 4000 tokens against 1000 a second: the next request
	# waits for them, 3 s
	printf '%s\n' '{"text":"[[refusal]] [[usage:2000]]"}' '{"text":"b"}' >in.jsonl
	llm -p '{text}' --tpm 60000 -j 1 in.jsonl
	assert_status 1
	[ "$(sed -n 4p <<<"$stderr")" = 'dm-llm: tokens: 2001 prompt, 2002 completion' ]
	run jq -r .t "$TMP/llm.log"
	awk 'NR == 4 { a = $1 } NR == 5 { exit !($1 - a >= 2.5) }' <<<"$output"
}

@test "an endless answer fails its sample at --max-response, not retried; memory stays bounded" {
	llm_start
	printf '%s\n' '{"text":"[[endless]]"}' '{"text":"ok"}' >in.jsonl
	# 16M by default: the run would run out of memory long before the
	# server stops (4 GiB)
	run_split timeout 20 sh -c "$(mem_limit 1500000)"'; exec "$@"' sh \
	    dm-llm --retry-base 10ms -p '{text}' --timeout 20s in.jsonl
	assert_status 1
	assert_output <<-'EOF'
	{"text":"[[endless]]","llm_error":{"status":200,"message":"the server's answer is longer than --max-response (16777216 bytes)"}}
	{"text":"ok","llm":"echo: ok"}
	EOF
	[ "$(sed -n 1,2p <<<"$stderr")" = "dm-llm: in.jsonl:1: HTTP 200: the server's answer is longer than --max-response (16777216 bytes)"$'\n''dm-llm: 2 samples: 1 answered, 0 skipped, 1 failed' ]
	[ "$(llm_requests)" -eq 2 ]
	# gzip undone; a Content-Length past the limit; headers; --rejects
	printf '%s\n' '{"text":"[[endless:gzip]]"}' '{"text":"[[big:2000]]"}' \
	    '{"text":"[[endlessheaders]]"}' '{"text":"[[big:10]]"}' >in.jsonl
	run_split timeout 20 dm-llm --retry-base 10ms -p '{text}' --max-response 1k \
	    --rejects rej.jsonl in.jsonl
	assert_status 1
	assert_output '{"text":"[[big:10]]","llm":"echo: [[big:10]]"}'
	assert_file rej.jsonl <<-'EOF'
	{"file":"in.jsonl","line":1,"reason":"HTTP 200: the server's answer is longer than --max-response (1024 bytes)","raw":"{\"text\":\"[[endless:gzip]]\"}"}
	{"file":"in.jsonl","line":2,"reason":"HTTP 200: the server's answer is longer than --max-response (1024 bytes)","raw":"{\"text\":\"[[big:2000]]\"}"}
	{"file":"in.jsonl","line":3,"reason":"HTTP 200: the server's headers are longer than 262144 bytes","raw":"{\"text\":\"[[endlessheaders]]\"}"}
	EOF
	[ "$(llm_requests)" -eq 6 ]
	# 0 lifts the limit; a size is a size
	llm -p '{text}' --max-response 0 <<<'{"text":"[[big:20000000]]"}'
	assert_success
	assert_output '{"text":"[[big:20000000]]","llm":"echo: [[big:20000000]]"}'
	run_split dm-llm -p '{text}' --max-response 1x </dev/null
	assert_status 2
	assert_stderr "dm-llm: --max-response: '1x' is not a size"$'\n'"$(usage_of dm-llm)"
}

@test "gives up after --retries with llm_error, or into --rejects" {
	llm_start
	printf '%s\n' '{"text":"ok"}' '{"text":"[[fail:503]]"}' '{"text":"ok2"}' >in.jsonl
	llm -p '{text}' --retries 2 in.jsonl
	assert_status 1
	assert_output <<-'EOF'
	{"text":"ok","llm":"echo: ok"}
	{"text":"[[fail:503]]","llm_error":{"status":503,"message":"scripted 503 (request 3) (gave up after 3 attempts)"}}
	{"text":"ok2","llm":"echo: ok2"}
	EOF
	[ "$(sed -n 1p <<<"$stderr")" = 'dm-llm: in.jsonl:2: HTTP 503: scripted 503 (request 3) (gave up after 3 attempts)' ]
	[ "$(llm_requests)" -eq 5 ]
	llm -p '{text}' --retries 0 --rejects rej.jsonl in.jsonl
	assert_status 1
	assert_output $'{"text":"ok","llm":"echo: ok"}\n{"text":"ok2","llm":"echo: ok2"}'
	assert_file rej.jsonl '{"file":"in.jsonl","line":2,"reason":"HTTP 503: scripted 503 (request 4) (gave up after 1 attempt)","raw":"{\"text\":\"[[fail:503]]\"}"}'
	[ "$(sed -n 1p <<<"$stderr")" = 'dm-llm: in.jsonl:2: HTTP 503: scripted 503 (request 4) (gave up after 1 attempt)' ]
}

@test "honours Retry-After in seconds and as a date, and retry-after-ms" {
	llm_start
	llm -p '{text}' <<<'{"text":"[[fail:429x1:retry-after=1]]"}'
	assert_success
	run jq -r .t "$TMP/llm.log"
	awk 'NR == 1 { a = $1 } NR == 2 { exit !($1 - a >= 0.95) }' <<<"$output"
	llm -p '{text}' --retry-base 30s <<<'{"text":"[[fail:503x1:retry-after-ms=50]]"}'
	assert_success
	[ "$(llm_requests)" -eq 4 ]
	run jq -r .t "$TMP/llm.log"
	awk 'NR == 3 { a = $1 } NR == 4 { d = $1 - a; exit !(d >= 0.045 && d < 5) }' <<<"$output"
	llm -p '{text}' --retry-base 30s <<<'{"text":"[[fail:503x1:retry-after-date]]"}'
	assert_success
	[ "$(llm_requests)" -eq 6 ]
	run jq -r .t "$TMP/llm.log"
	awk 'NR == 5 { a = $1 } NR == 6 { d = $1 - a; exit !(d < 5) }' <<<"$output"
}

@test "a 429 with Retry-After holds the next request even when its sample gives up" {
	llm_start
	printf '%s\n' '{"text":"[[fail:429:retry-after=1]]"}' '{"text":"b"}' >in.jsonl
	llm -p '{text}' -j 1 --retries 0 in.jsonl
	assert_status 1
	assert_output <<-'EOF'
	{"text":"[[fail:429:retry-after=1]]","llm_error":{"status":429,"message":"scripted 429 (request 1) (gave up after 1 attempt)"}}
	{"text":"b","llm":"echo: b"}
	EOF
	[ "$(llm_requests)" -eq 2 ]
	run jq -r .t "$TMP/llm.log"
	awk 'NR == 1 { a = $1 } NR == 2 { exit !($1 - a >= 0.95) }' <<<"$output"
}

@test "a Retry-After or rate limit reset longer than a day is ignored, not waited for" {
	llm_start
	printf '%s\n' '{"text":"[[fail:503x1:retry-after=99999999999]]"}' \
	    '{"text":"[[fail:429x1:retry-after-ms=1e300]]"}' \
	    '{"text":"[[ratelimit:1e300]]"}' '{"text":"after"}' >in.jsonl
	run_split timeout 20 dm-llm --retry-base 10ms -j 1 -p '{text}' in.jsonl
	assert_success
	assert_output <<-'EOF'
	{"text":"[[fail:503x1:retry-after=99999999999]]","llm":"echo: [[fail:503x1:retry-after=99999999999]]"}
	{"text":"[[fail:429x1:retry-after-ms=1e300]]","llm":"echo: [[fail:429x1:retry-after-ms=1e300]]"}
	{"text":"[[ratelimit:1e300]]","llm":"echo: [[ratelimit:1e300]]"}
	{"text":"after","llm":"echo: after"}
	EOF
}

@test "an answer with \"error\": null is an answer; absurd token counts are no counts" {
	llm_start
	printf '%s\n' '{"text":"[[errornull]]"}' '{"text":"[[usage:9223372036854775807]]"}' >in.jsonl
	llm -p '{text}' --usage in.jsonl
	assert_success
	assert_output <<-'EOF'
	{"text":"[[errornull]]","llm":"echo: [[errornull]]","llm_usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}}
	{"text":"[[usage:9223372036854775807]]","llm":"echo: [[usage:9223372036854775807]]","llm_usage":null}
	EOF
	[ "$(llm_requests)" -eq 2 ]
}

@test "a request that times out is retried, then fails with status 0" {
	llm_start
	llm -p '{text}' --timeout 200ms --retries 1 <<<'{"text":"[[slow:3000]]"}'
	assert_status 1
	[ "$(llm_requests)" -eq 2 ]
	run jq -r '.llm_error | "\(.status) \(.message)"' <<<"$output"
	[[ $output == "0 Operation timed out after "*" (gave up after 2 attempts)" ]]
	llm -p '{text}' <<<'{"text":"[[slow:300]]"}'
	assert_success
	assert_output '{"text":"[[slow:300]]","llm":"echo: [[slow:300]]"}'
}

@test "a server that is not there fails each sample with status 0" {
	llm_start
	llm_stop
	llm -p '{text}' --retries 1 <<<'{"text":"a"}'
	assert_status 1
	run jq -r '.llm_error | "\(.status) \(.message)"' <<<"$output"
	[[ $output == "0 Failed to connect to 127.0.0.1 port $LLM_PORT"*"(gave up after 2 attempts)" ]]
}

# ---- order, throughput, limits ----

@test "each sample is written once it is in turn: | head -n 1 ends the run early" {
	llm_start
	for i in $(seq 8); do printf '{"text":"hd%d [[sleep:1000]]"}\n' "$i"; done >in.jsonl
	output=$(timeout 20 dm-llm -p '{text}' -j 1 in.jsonl | head -n 1; echo "${PIPESTATUS[0]}")
	assert_output $'{"text":"hd1 [[sleep:1000]]","llm":"echo: hd1 [[sleep:1000]]"}\n141'
	# the second answer's write meets the closed pipe (head has had a
	# second to go): no more requests, where all 8 were sent
	[ "$(llm_requests)" -le 3 ]
}

@test "a line that comes in pieces does not hold back the answers before it, nor time out the requests in flight" {
	llm_start
	# a producer that writes blocks, not lines: half of the second line,
	# then nothing until the first answer is out (10 s at most)
	{
		printf '{"text":"a [[sleep:300]]"}\n'
		sleep 0.1
		printf '{"text":"b'
		for i in $(seq 100); do
			[ -s out.jsonl ] && break
			sleep 0.1
		done
		[ -s out.jsonl ] && echo seen >seen
		sleep 0.5
		printf '"}\n'
	} | timeout 20 dm-llm --retry-base 10ms --timeout 2s -p '{text}' >out.jsonl 2>err &&
	    status=0 || status=$?
	assert_success
	assert_file seen 'seen'
	assert_file out.jsonl <<-'EOF'
	{"text":"a [[sleep:300]]","llm":"echo: a [[sleep:300]]"}
	{"text":"b","llm":"echo: b"}
	EOF
	assert_file err ''
	[ "$(llm_requests)" -eq 2 ]
}

@test "a closed stdout is a write error, a closed stdin cannot be read: not libcurl's descriptors" {
	llm_start
	printf '%s\n' '{"text":"x"}' >in.jsonl
	timeout 20 dm-llm --retry-base 10ms -p '{text}' <in.jsonl >&- 2>err &&
	    status=0 || status=$?
	assert_status 2
	assert_file err 'dm-llm: write error: Bad file descriptor'
	timeout 20 dm-llm -p '{text}' --dry-run <in.jsonl >&- 2>err &&
	    status=0 || status=$?
	assert_status 2
	assert_file err 'dm-llm: write error: Bad file descriptor'
	# closed in the command itself: a closed stdin of $(...) would be
	# taken by the pipe of the substitution
	run_split timeout 20 sh -c 'exec "$@" 0<&-' sh dm-llm --retry-base 10ms \
	    -p '{text}'
	assert_status 2
	assert_output ''
	assert_stderr 'dm-llm: <stdin>: Bad file descriptor'
	run_split timeout 20 sh -c 'exec "$@" 0<&-' sh dm-llm --retry-base 10ms \
	    -p '{text}' in.jsonl -
	assert_status 2
	assert_output '{"text":"x","llm":"echo: x"}'
	assert_stderr 'dm-llm: <stdin>: Bad file descriptor'
	[ "$(llm_requests)" -eq 2 ]
}

@test "output order is input order under random latencies" {
	llm_start --jitter 60
	seq 300 | sed 's/.*/{"id":&,"text":"s&"}/' >in.jsonl
	llm -p '{text}' -j 32 in.jsonl
	assert_success
	assert_stderr ''
	seq 300 | sed 's/.*/{"id":&,"text":"s&","llm":"echo: s&"}/' >want.jsonl
	printf '%s\n' "$output" >out.jsonl
	assert_same out.jsonl want.jsonl
}

@test "10000 samples at -j 64 against 20 ms latency are all answered" {
	llm_start --latency 20
	seq 10000 | sed 's/.*/{"id":&,"text":"s&"}/' >in.jsonl
	run_out out.jsonl dm-llm -p '{text}' -j 64 in.jsonl
	assert_success
	assert_stderr ''
	seq 10000 | sed 's/.*/{"id":&,"text":"s&","llm":"echo: s&"}/' >want.jsonl
	assert_same out.jsonl want.jsonl
	[ "$(llm_requests)" -eq 10000 ]
}

@test "huge samples do not pile up in the window: memory stays bounded by bytes, not by -j * 4 samples" {
	llm_start --latency 300
	x=$(head -c 4194304 /dev/zero | tr '\0' x)
	for i in $(seq 24); do
		printf '{"text":"[[short]] %02d %s"}\n' "$i" "$x"
	done >in.jsonl
	unset x
	# 24 samples of 4 MB fit the window of -j 2 (24 samples): each held
	# as read and as a request body took 330 MB at its peak, 120 now
	run sh -c "$(mem_limit 300000)"'; exec "$@" >out.jsonl' sh \
	    dm-llm -p '{text}' -j 2 in.jsonl
	assert_success
	assert_output ''
	[ "$(grep -c '","llm":"ok"}$' out.jsonl)" -eq 24 ]
	run cut -c 1-21 out.jsonl
	assert_output "$(seq -f '{"text":"[[short]] %02g' 24)"
	[ "$(llm_requests)" -eq 24 ]
}

@test "-j beyond the limit of open files raises the soft limit, or is lowered with a warning, where connections failed" {
	llm_start --latency 200
	seq 200 | sed 's/.*/{"id":&,"text":"s&"}/' >in.jsonl
	seq 200 | sed 's/.*/{"id":&,"text":"s&","llm":"echo: s&"}/' >want.jsonl
	# 300 requests at a time, 3 open files each and 64 aside: the soft
	# limit of 128 is raised to a hard one that allows them
	if [ "$(ulimit -Hn)" = unlimited ] || [ "$(ulimit -Hn)" -ge 964 ]; then
		run_out out.jsonl bash -c 'ulimit -Sn 128 && exec "$@"' bash \
		    dm-llm --retry-base 10ms --retries 1 -p '{text}' -j 300 in.jsonl
		assert_success
		assert_stderr ''
		assert_same out.jsonl want.jsonl
	fi
	# a hard limit of 128 allows (128 - 64) / 3 at a time
	run_out out.jsonl bash -c 'ulimit -n 128 && exec "$@"' bash \
	    dm-llm --retry-base 10ms --retries 1 -p '{text}' -j 300 in.jsonl
	assert_success
	assert_stderr 'dm-llm: 300 requests at a time need more open files than the limit of 128 allows (ulimit -n); sending 21 at a time'
	assert_same out.jsonl want.jsonl
}

@test "--rpm spaces the requests" {
	llm_start
	seq 12 | sed 's/.*/{"text":"r&"}/' >in.jsonl
	llm -p '{text}' --rpm 240 in.jsonl
	assert_success
	[ "$(llm_requests)" -eq 12 ]
	# a burst of 4 (one second's worth), then 4 a second: the last one
	# 2 s after the first. The times are the server's; the first request
	# also waited for its connection, so it may be recorded late by what
	# the load makes of that: 0.4 s are left for it.
	run jq -r .t "$TMP/llm.log"
	awk 'NR == 1 { a = $1 } END { exit !($1 - a >= 1.6) }' <<<"$output"
}

@test "--tpm spaces the requests by their tokens" {
	llm_start
	seq 6 | sed 's/.*/{"text":"w&"}/' >in.jsonl
	llm -p '{text}' --tpm 600 -j 1 in.jsonl
	assert_success
	[ "$(llm_requests)" -eq 6 ]
	# 18 tokens (1 + 2 a request) against a bucket of 10 filled at 10 a
	# second: the last requests wait for it
	run jq -r .t "$TMP/llm.log"
	awk 'NR == 1 { a = $1 } END { exit !($1 - a >= 0.3) }' <<<"$output"
}

@test "x-ratelimit-remaining-requests 0 holds the next request until the reset" {
	llm_start
	printf '%s\n' '{"text":"[[ratelimit:400]]"}' '{"text":"b"}' >in.jsonl
	llm -p '{text}' -j 1 in.jsonl
	assert_success
	run jq -r .t "$TMP/llm.log"
	awk 'NR == 1 { a = $1 } NR == 2 { exit !($1 - a >= 0.38) }' <<<"$output"
}

# ---- cache, skip, dry run ----

@test "--cache answers a rerun without a request" {
	llm_start
	printf '%s\n' '{"text":"a"}' '{"text":"[[fail:400]]"}' '{"text":"b"}' >in.jsonl
	llm -p '{text}' --cache c in.jsonl
	assert_status 1
	printf '%s\n' "$output" >first.jsonl
	[ "$(llm_requests)" -eq 3 ]
	[ "$(find c -type f | wc -l)" -eq 2 ]
	find c -type f | grep -Eq '^c/([0-9a-f]{2})/\1[0-9a-f]{62}$'
	llm -p '{text}' --cache c --stats in.jsonl
	assert_status 1
	printf '%s\n' "$output" >second.jsonl
	assert_same second.jsonl first.jsonl
	# only the failed sample is asked again
	[ "$(llm_requests)" -eq 4 ]
	[ "$(sed -n 2p <<<"$stderr")" = 'dm-llm: 3 samples: 2 answered (2 from the cache), 0 skipped, 1 failed' ]
	# another model is another key
	DM_LLM_MODEL=other llm -p '{text}' --cache c <<<'{"text":"a"}'
	[ "$(llm_requests)" -eq 5 ]
}

@test "--cache answers a request made earlier in the same run" {
	llm_start
	printf '{"text":"same"}\n%.0s' 1 2 3 >in.jsonl
	llm -p '{text}' -j 1 --cache c --stats in.jsonl
	assert_success
	assert_output "$(printf '{"text":"same","llm":"echo: same"}\n%.0s' 1 2 3)"
	[ "$(llm_requests)" -eq 1 ]
	[ "$(sed -n 1p <<<"$stderr")" = 'dm-llm: 3 samples: 3 answered (2 from the cache), 0 skipped, 0 failed' ]
}

@test "--cache: a cached answer longer than --max-response fails its sample, without a request" {
	llm_start
	printf '%s\n' '{"text":"[[big:2000]]"}' '{"text":"[[big:10]]"}' >in.jsonl
	llm -p '{text}' --cache c in.jsonl
	assert_success
	printf '%s\n' "$output" >first.jsonl
	[ "$(llm_requests)" -eq 2 ]
	big=$(grep -lF 'big:2000' c/*/*)
	[ "$(wc -l <<<"$big")" -eq 1 ]
	# stored under the default limit, read under a lower one
	llm -p '{text}' --cache c --max-response 1k --rejects rej.jsonl in.jsonl
	assert_status 1
	assert_output '{"text":"[[big:10]]","llm":"echo: [[big:10]]"}'
	[ "$(sed -n 1,2p <<<"$stderr")" = "dm-llm: in.jsonl:1: HTTP 200: the cached answer $big is longer than --max-response (1024 bytes)
dm-llm: 2 samples: 1 answered (1 from the cache), 0 skipped, 1 failed" ]
	assert_file rej.jsonl <<-EOF
	{"file":"in.jsonl","line":1,"reason":"HTTP 200: the cached answer $big is longer than --max-response (1024 bytes)","raw":"{\"text\":\"[[big:2000]]\"}"}
	EOF
	[ "$(llm_requests)" -eq 2 ]
	# a limit the answer fits
	llm -p '{text}' --cache c --max-response "$(wc -c <"$big")" in.jsonl
	assert_success
	printf '%s\n' "$output" >again.jsonl
	assert_same again.jsonl first.jsonl
	[ "$(llm_requests)" -eq 2 ]
}

@test "--cache naming a file, or under one, is an error at start" {
	llm_start
	touch afile
	llm -p '{text}' --cache afile <<<'{"text":"a"}'
	assert_status 2
	assert_output ''
	assert_stderr 'dm-llm: afile: Not a directory'
	llm -p '{text}' --cache afile/sub <<<'{"text":"a"}'
	assert_status 2
	assert_stderr 'dm-llm: afile/sub: Not a directory'
	[ "$(llm_requests)" -eq 0 ]
}

@test "--cache that cannot store an answer is said once, the answers still go out, and the run ends with status 2" {
	llm_start
	# each ab/ of the cache a file: no answer can be stored under it
	mkdir c
	for i in $(seq 0 255); do : >"c/$(printf %02x "$i")"; done
	printf '%s\n' '{"text":"a"}' '{"text":"b"}' '{"text":"c"}' >in.jsonl
	llm -p '{text}' --cache c -j 1 in.jsonl
	assert_status 2
	assert_output <<-'EOF'
	{"text":"a","llm":"echo: a"}
	{"text":"b","llm":"echo: b"}
	{"text":"c","llm":"echo: c"}
	EOF
	[ "$(sed -n 1,2p <<<"$stderr")" = "dm-llm: c: cannot store answers: Not a directory"$'\n'"dm-llm: 3 samples: 3 answered, 0 skipped, 0 failed; 3 answers not stored in the cache" ]
	[ "$(grep -c 'cannot store' <<<"$stderr")" -eq 1 ]
	[ "$(find c -type f | wc -l)" -eq 256 ]
	[ "$(llm_requests)" -eq 3 ]
}

@test "two runs can share a cache at the same time" {
	llm_start --jitter 20
	seq 200 | sed 's/.*/{"text":"c&"}/' >in.jsonl
	dm-llm -p '{text}' -j 8 --cache c in.jsonl >a.jsonl 2>a.err &
	dm-llm -p '{text}' -j 8 --cache c in.jsonl >b.jsonl 2>b.err
	wait $!
	assert_same a.jsonl b.jsonl
	[ "$(find c -type f | wc -l)" -eq 200 ]
	[ ! -s a.err ] && [ ! -s b.err ]
	n=$(llm_requests)
	llm -p '{text}' --cache c in.jsonl
	assert_success
	[ "$(llm_requests)" -eq "$n" ]
	printf '%s\n' "$output" >c.jsonl
	assert_same c.jsonl a.jsonl
}

@test "--cache writes an answer under a name of its own, never through a file or link left there" {
	llm_start
	llm -p '{text}' --cache c <<<'{"text":"a"}'
	assert_success
	f=$(find c -type f)
	rm "$f"
	printf 'keep\n' >victim
	# a leftover of a process that had this pid (here, on another host
	# sharing the cache): the name the answer used to be written under
	run_split sh -c 'd=$1; shift; ln -s "$PWD/victim" "$d/.$$.0.tmp" && exec "$@"' sh \
	    "${f%/*}" dm-llm --retry-base 10ms -p '{text}' --cache c <<<'{"text":"a"}'
	assert_success
	assert_output '{"text":"a","llm":"echo: a"}'
	assert_file victim 'keep'
	[ -f "$f" ] && [ ! -L "$f" ]
	jq -e '.choices[0].message.content == "echo: a"' "$f"
	[ "$(stat -c %a "$f")" = "$(printf '%o' $((0666 & ~$(umask))))" ]
}

@test "--skip-existing passes samples that have the field through" {
	llm_start
	printf '%s\n' '{"text":"a","llm":"done"}' '{"text":"b"}' '{ "text" : "c", "llm" : null }' >in.jsonl
	llm -p '{text}' --skip-existing in.jsonl
	assert_success
	assert_output $'{"text":"a","llm":"done"}\n{"text":"b","llm":"echo: b"}\n{ "text" : "c", "llm" : null }'
	[ "$(llm_requests)" -eq 1 ]
}

@test "--skip-existing answers a sample that failed before and drops its llm_error" {
	llm_start
	printf '%s\n' '{"text":"a"}' '{"text":"[[fail:503x1]]"}' >in.jsonl
	llm -p '{text}' --retries 0 in.jsonl
	assert_status 1
	printf '%s\n' "$output" >first.jsonl
	assert_file first.jsonl <<-'EOF'
	{"text":"a","llm":"echo: a"}
	{"text":"[[fail:503x1]]","llm_error":{"status":503,"message":"scripted 503 (request 1) (gave up after 1 attempt)"}}
	EOF
	llm -p '{text}' --skip-existing first.jsonl
	assert_success
	assert_output $'{"text":"a","llm":"echo: a"}\n{"text":"[[fail:503x1]]","llm":"echo: [[fail:503x1]]"}'
	[ "$(llm_requests)" -eq 3 ]
	# a filter drops it too
	llm -p '{text}' --keep 'fail' first.jsonl
	assert_success
	assert_output '{"text":"[[fail:503x1]]"}'
}

@test "--skip-existing with merged --json answers is a usage error; --json-into skips" {
	llm_start
	usage=$(usage_of dm-llm)
	printf '{"type":"object"}\n' >s.json
	for o in --json --schema=s.json; do
		run_split dm-llm -p '{text}' $o --skip-existing <<<'{"text":"a","echo":"a"}'
		assert_status 2
		assert_output ''
		assert_stderr "dm-llm: --skip-existing looks for -o FIELD, which --json writes only with --json-into"$'\n'"$usage"
	done
	[ "$(llm_requests)" -eq 0 ]
	llm -p '{text}' --json --json-into -o ans --skip-existing <<<'{"text":"a","ans":{"echo":"a"}}'
	assert_success
	assert_output '{"text":"a","ans":{"echo":"a"}}'
	[ "$(llm_requests)" -eq 0 ]
}

@test "--dry-run prints the requests and sends nothing" {
	llm_start
	printf '%s\n' '{"text":"a"}' '{"text":"b","llm":"x"}' >in.jsonl
	llm -p 'Q: {text}' --max-tokens 5 --dry-run --skip-existing in.jsonl
	assert_success
	assert_stderr ''
	assert_output "{\"url\":\"$DM_LLM_BASE_URL/chat/completions\",\"model\":\"test-model\",\"messages\":[{\"role\":\"user\",\"content\":\"Q: a\"}],\"max_tokens\":5}"
	[ "$(llm_requests)" -eq 0 ]
	# what the cache answers is not asked for
	printf '%s\n' '{"text":"c"}' >>in.jsonl
	llm -p 'Q: {text}' --cache c <<<'{"text":"c"}'
	[ "$(llm_requests)" -eq 1 ]
	llm -p 'Q: {text}' --dry-run --cache c in.jsonl
	assert_success
	[ "$(jq -r '.messages[0].content' <<<"$output" | tr '\n' ,)" = 'Q: a,Q: b,' ]
}

# ---- the key ----

@test "the API key is sent, and never written anywhere" {
	llm_start
	printf '%s\n' '{"text":"a"}' '{"text":"[[fail:401:echo-key]]"}' '{"text":"[[fail:503]]"}' >in.jsonl
	llm -p '{text}' --cache c --retries 1 --stats --progress in.jsonl
	assert_status 1
	printf '%s\n%s\n' "$output" "$stderr" >all.txt
	grep -c 'Incorrect API key provided: \*\*\*' all.txt
	llm -p '{text}' --cache c --retries 0 --rejects rej.jsonl in.jsonl
	printf '%s\n%s\n' "$output" "$stderr" >>all.txt
	llm -p '{text}' --dry-run in.jsonl
	printf '%s\n%s\n' "$output" "$stderr" >>all.txt
	[ "$(jq -r .auth "$TMP/llm.log" | sort -u)" = ok ]
	! grep -r -F "$LLM_KEY" all.txt rej.jsonl c "$TMP/llm.log"
	! grep -r -F "${LLM_KEY#sk-}" all.txt rej.jsonl c
}

@test "a key quoted where a server's message is cut is hidden whole, not cut with it" {
	llm_start
	# the key starts 986 characters into a JSON message, cut at 1000, and
	# 191 bytes into a body that is not JSON, cut at 200
	printf '%s\n' '{"text":"[[fail:401:echo-key-at=980]]"}' '{"text":"[[fail:401:echo-key-at=185:plain]]"}' >in.jsonl
	llm -p '{text}' --retries 0 --on-error=skip --rejects rej.jsonl in.jsonl
	assert_status 1
	x980=$(printf 'x%.0s' $(seq 980))
	x185=$(printf 'x%.0s' $(seq 185))
	[ "$(sed -n 1,3p <<<"$stderr")" = "dm-llm: in.jsonl:1: HTTP 401: $x980 key: *** end
dm-llm: in.jsonl:2: HTTP 401: $x185 key: *** end
dm-llm: 2 of 2 samples rejected" ]
	! grep -F "${LLM_KEY:0:8}" rej.jsonl
	[ "$(jq -r .reason rej.jsonl)" = "HTTP 401: $x980 key: *** end
HTTP 401: $x185 key: *** end" ]
}

@test "a server's message is cut between characters and its control characters escaped, so llm_error stays UTF-8" {
	llm_start
	# a two-byte character at bytes 999 and 1000 of a message cut at 1000
	printf '%s\n' '{"text":"[[fail:401:utf8-at=999]]"}' '{"text":"[[fail:401:utf8-at=10]]"}' >in.jsonl
	llm -p '{text}' in.jsonl
	assert_status 1
	x999=$(printf 'x%.0s' $(seq 999))
	assert_output <<-EOF
	{"text":"[[fail:401:utf8-at=999]]","llm_error":{"status":401,"message":"${x999}é..."}}
	{"text":"[[fail:401:utf8-at=10]]","llm_error":{"status":401,"message":"xxxxxxxxxxéééé \\\\x1b[31mred\\\\r\\\\ttab"}}
	EOF
	[ "$(sed -n 1,2p <<<"$stderr")" = "dm-llm: in.jsonl:1: HTTP 401: ${x999}é...
dm-llm: in.jsonl:2: HTTP 401: xxxxxxxxxxéééé \\x1b[31mred\\r\\ttab" ]
	# the next tool reads it
	printf '%s\n' "$output" | dm-filter true >/dev/null
	llm -p '{text}' --rejects rej.jsonl in.jsonl
	assert_status 1
	[ "$(jq -r .reason rej.jsonl)" = "HTTP 401: ${x999}é...
HTTP 401: xxxxxxxxxxéééé \\x1b[31mred\\r\\ttab" ]
}

@test "white space around a key is dropped, and a control character in it is an error" {
	llm_start
	printf '  %s \r\n' "$LLM_KEY" >key
	llm -p '{text}' --api-key-file key <<<'{"text":"a"}'
	assert_success
	DM_LLM_API_KEY=$(printf '\t%s\n\n' "$LLM_KEY") llm -p '{text}' <<<'{"text":"b"}'
	assert_success
	unset DM_LLM_API_KEY
	OPENAI_API_KEY=" $LLM_KEY " llm -p '{text}' <<<'{"text":"c"}'
	assert_success
	[ "$(jq -r .auth "$TMP/llm.log" | tr '\n' ' ')" = 'ok ok ok ' ]
	DM_LLM_API_KEY=$(printf 'sk-a\001b') llm -p '{text}' <<<'{"text":"d"}'
	assert_status 2
	assert_stderr 'dm-llm: DM_LLM_API_KEY: the API key holds a control character (byte 5), which cannot go in a header'
	printf 'sk-a\tb\n' >key
	llm -p '{text}' --api-key-file key <<<'{"text":"d"}'
	assert_status 2
	assert_stderr 'dm-llm: key: the API key holds a control character (byte 5), which cannot go in a header'
	printf ' \t\n' >key
	llm -p '{text}' --api-key-file key <<<'{"text":"d"}'
	assert_status 2
	assert_stderr 'dm-llm: key: no API key in the file'
	[ "$(llm_requests)" = 3 ]
}

@test "the key comes from --api-key-file or OPENAI_API_KEY, never the command line" {
	llm_start
	printf '%s\n' "$LLM_KEY" >key
	unset DM_LLM_API_KEY
	llm -p '{text}' <<<'{"text":"a"}'
	OPENAI_API_KEY=$LLM_KEY llm -p '{text}' <<<'{"text":"a"}'
	llm -p '{text}' --api-key-file key <<<'{"text":"a"}'
	assert_success
	[ "$(jq -r .auth "$TMP/llm.log" | tr '\n' ' ')" = 'absent ok ok ' ]
	llm -p '{text}' --api-key=sk-visible <<<'{"text":"a"}'
	assert_status 2
	[[ $stderr != *sk-visible* ]]
	[ "$(sed -n 1p <<<"$stderr")" = 'dm-llm: --api-key: the key is never taken from the command line; use --api-key-file FILE or DM_LLM_API_KEY' ]
}

# ---- options and messages ----

@test "without a model dm-llm is a usage error" {
	unset DM_LLM_MODEL
	run_split dm-llm -p x </dev/null
	assert_status 2
	[ "$(sed -n 1p <<<"$stderr")" = 'dm-llm: no model: give -m MODEL or set DM_LLM_MODEL' ]
	run_split dm-llm -m m </dev/null
	assert_status 2
	[ "$(sed -n 1p <<<"$stderr")" = 'dm-llm: missing -p TEXT|@FILE' ]
	run_split dm-llm -m m -p x --timeout 5x </dev/null
	assert_status 2
	[ "$(sed -n 1p <<<"$stderr")" = "dm-llm: --timeout: '5x' is not a time" ]
	# libcurl counts whole ms and takes 0 for never
	for t in 0 0.5ms 577h 1e300; do
		run_split dm-llm -m m -p x --timeout "$t" </dev/null
		assert_status 2
		[ "$(sed -n 1p <<<"$stderr")" = "dm-llm: --timeout: '$t' is not from 1ms to 576h" ]
	done
}

@test "a clean run is quiet; --stats and --progress report" {
	llm_start
	printf '%s\n' '{"text":"a b"}' '{"text":"c"}' >in.jsonl
	llm -p '{text}' in.jsonl
	assert_success
	assert_stderr ''
	llm -p '{text}' --stats in.jsonl
	assert_success
	[ "$(sed -n 1p <<<"$stderr")" = 'dm-llm: 2 samples: 2 answered, 0 skipped, 0 failed' ]
	[[ "$(sed -n 2p <<<"$stderr")" == 'dm-llm: 2 requests in '*', 0 retries' ]]
	[ "$(sed -n 3p <<<"$stderr")" = 'dm-llm: tokens: 3 prompt, 5 completion' ]
	[[ "$(sed -n 4p <<<"$stderr")" == 'dm-llm: latency: p50 '*' s, p95 '*' s, p99 '*' s' ]]
	llm -p '{text}' --progress in.jsonl
	[[ "$(sed -n 1p <<<"$stderr")" == 'dm-llm: 2 done, 0 in flight, 0 retries, '*' req/s, '*' tokens/s'* ]]
}

@test "--json sets the answer's keys as member names, dots and all; a key the sample has is replaced in its place" {
	llm_start
	printf '%s\n' '{"a":"s","text":"[[answer:{\"a.b\":1,\"\":\"e\",\"a\":{\"x\":1},\"k\":1,\"k\":2}]]"}' >in.jsonl
	llm -p '{text}' --json in.jsonl
	assert_success
	assert_stderr ''
	assert_output '{"a":{"x":1},"text":"[[answer:{\"a.b\":1,\"\":\"e\",\"a\":{\"x\":1},\"k\":1,\"k\":2}]]","a.b":1,"":"e","k":2}'
	# the next tool reads it, and a.b is no path to it
	printf '%s\n' "$output" | dm-filter 'a.x == 1' >/dev/null
}

@test "the rejects file follows input order: bad samples and failed requests at their turn" {
	llm_start
	printf '%s\n' '{"text":"[[sleep:300]][[fail:400]]","t":""}' '{"text":"b"}' \
	    '{"text":"c","t":"!"}' '{"text":"[[fail:401]]","t":""}' '{"text":"e"}' >in.jsonl
	llm -p '{text}{t}' --on-error=skip --rejects rej.jsonl in.jsonl
	assert_status 1
	assert_output '{"text":"c","t":"!","llm":"echo: c!"}'
	[ "$(sed -n 1,6p <<<"$stderr")" = "dm-llm: in.jsonl:1: HTTP 400: This model's maximum context length is 8 tokens
dm-llm: in.jsonl:2: field 't' is missing
dm-llm: in.jsonl:4: HTTP 401: scripted 401 (request 1)
dm-llm: in.jsonl:5: field 't' is missing
dm-llm: 4 of 5 samples rejected
dm-llm: 5 samples: 1 answered, 0 skipped, 2 failed, 2 rejected" ]
	run jq -c '[.line, .reason]' rej.jsonl
	assert_output <<-'EOF'
	[1,"HTTP 400: This model's maximum context length is 8 tokens"]
	[2,"field 't' is missing"]
	[4,"HTTP 401: scripted 401 (request 1)"]
	[5,"field 't' is missing"]
	EOF
	# under stop, the samples before the bad one are finished first
	llm -p '{text}{t}' --rejects rej2.jsonl in.jsonl
	assert_status 2
	assert_output ''
	run jq -c '[.line, .reason]' rej2.jsonl
	assert_output <<-'EOF'
	[1,"HTTP 400: This model's maximum context length is 8 tokens"]
	[2,"field 't' is missing"]
	EOF
}

@test "an answer that is not UTF-8 fails its sample at once, its tokens counted, not asked for again" {
	llm_start
	printf '%s\n' '{"text":"[[cutchar]] a b"}' '{"text":"ok"}' >in.jsonl
	llm -p '{text}' --stats in.jsonl
	assert_status 1
	assert_output <<-'EOF'
	{"text":"[[cutchar]] a b","llm_error":{"status":200,"message":"the server's answer is not valid UTF-8 (byte 164 of the body)"}}
	{"text":"ok","llm":"echo: ok"}
	EOF
	[ "$(sed -n 1p <<<"$stderr")" = "dm-llm: in.jsonl:1: HTTP 200: the server's answer is not valid UTF-8 (byte 164 of the body)" ]
	grep -qx 'dm-llm: tokens: 4 prompt, 6 completion' <<<"$stderr"
}

@test "a compressed input that is idle does not hold back the answers to the lines decompressed before it" {
	llm_start
	# one gzip stream, flushed after the first line (Z_SYNC_FLUSH), then
	# nothing until the first answer is out (10 s at most)
	cat >slow.py <<-'PY'
	import os, sys, time, zlib
	z = zlib.compressobj(6, zlib.DEFLATED, 31)
	o = sys.stdout.buffer
	o.write(z.compress(b'{"text":"a [[sleep:300]]"}\n{"text":"b'))
	o.write(z.flush(zlib.Z_SYNC_FLUSH))
	o.flush()
	for i in range(100):
	    if os.path.exists('out.jsonl') and os.path.getsize('out.jsonl'):
	        open('seen', 'w').write('seen\n')
	        break
	    time.sleep(0.1)
	time.sleep(0.5)
	o.write(z.compress(b'"}\n') + z.flush())
	PY
	timeout 20 python3 slow.py | timeout 20 dm-llm --retry-base 10ms \
	    --timeout 2s -p '{text}' >out.jsonl 2>err && status=0 || status=$?
	assert_success
	assert_file seen 'seen'
	assert_file out.jsonl <<-'EOF'
	{"text":"a [[sleep:300]]","llm":"echo: a [[sleep:300]]"}
	{"text":"b","llm":"echo: b"}
	EOF
	assert_file err ''
	[ "$(llm_requests)" -eq 2 ]
}

@test "a line that is not JSON or too long is rejected at its turn, after the samples before it" {
	llm_start
	printf '%s\n' '{"text":"[[sleep:300]][[fail:400]]"}' 'not json' \
	    '{"text":"c"}' '{"text":"dddddddddddddddddddddddddddddddddddddddd"}' >in.jsonl
	llm -p '{text}' --max-line 50 --on-error=skip --rejects rej.jsonl in.jsonl
	assert_status 1
	assert_output '{"text":"c","llm":"echo: c"}'
	[ "$(sed -n 1,4p <<<"$stderr")" = "dm-llm: in.jsonl:1: HTTP 400: This model's maximum context length is 8 tokens
dm-llm: in.jsonl:2:1: invalid JSON: expected a value
dm-llm: in.jsonl:4: line of 51 bytes is longer than --max-line (50 bytes)
dm-llm: 3 of 4 samples rejected" ]
	run jq -c '[.line, .reason]' rej.jsonl
	assert_output <<-'EOF2'
	[1,"HTTP 400: This model's maximum context length is 8 tokens"]
	[2,"invalid JSON: expected a value"]
	[4,"line of 51 bytes is longer than --max-line (50 bytes)"]
	EOF2
	# under stop, the samples before the bad line are finished first
	llm -p '{text}' --rejects rej2.jsonl in.jsonl
	assert_status 2
	assert_output ''
	run jq -c '[.line, .reason]' rej2.jsonl
	assert_output <<-'EOF2'
	[1,"HTTP 400: This model's maximum context length is 8 tokens"]
	[2,"invalid JSON: expected a value"]
	EOF2
}

@test "without --rejects, the messages of failed requests follow input order" {
	llm_start
	printf '%s\n' '{"text":"[[sleep:300]][[fail:400]]"}' '{"text":"[[fail:401]]"}' \
	    'not json' '{"text":"d"}' >in.jsonl
	llm -p '{text}' --on-error=skip in.jsonl
	assert_status 1
	assert_output <<-'EOF2'
	{"text":"[[sleep:300]][[fail:400]]","llm_error":{"status":400,"message":"This model's maximum context length is 8 tokens"}}
	{"text":"[[fail:401]]","llm_error":{"status":401,"message":"scripted 401 (request 1)"}}
	{"text":"d","llm":"echo: d"}
	EOF2
	[ "$(sed -n 1,4p <<<"$stderr")" = "dm-llm: in.jsonl:1: HTTP 400: This model's maximum context length is 8 tokens
dm-llm: in.jsonl:2: HTTP 401: scripted 401 (request 1)
dm-llm: in.jsonl:3:1: invalid JSON: expected a value
dm-llm: 1 of 4 samples rejected" ]
}

@test "SIGINT with requests in flight: what is done is written, the summary says what is not, status 130" {
	llm_start
	printf '%s\n' '{"text":"[[sleep:5000]]a"}' '{"text":"b"}' '{"text":"[[fail:400]]"}' \
	    '{"text":"[[sleep:5000]]d"}' >in.jsonl
	dm-llm --retry-base 10ms -p '{text}' in.jsonl >out 2>err &
	pid=$!
	for i in $(seq 100); do
		[ "$(llm_requests)" -ge 4 ] && break
		sleep 0.05
	done
	sleep 0.5
	kill -INT "$pid"
	status=0
	wait "$pid" || status=$?
	[ "$status" -eq 130 ]
	[ "$(cat out)" = '{"text":"b","llm":"echo: b"}
{"text":"[[fail:400]]","llm_error":{"status":400,"message":"This model'"'"'s maximum context length is 8 tokens"}}' ]
	[ "$(sed -n 1,2p err)" = "dm-llm: in.jsonl:3: HTTP 400: This model's maximum context length is 8 tokens
dm-llm: 4 samples: 1 answered, 0 skipped, 1 failed, 2 not answered (interrupted)" ]
	grep -qx 'dm-llm: 4 requests in .*, 0 retries' err
	[ "$(llm_requests)" -eq 4 ]
}

@test "answers waiting for a slow sample before them count in the window's bound: no more requests go out past it" {
	llm_start
	# 31 samples of 1 MB after a slow one: the window (64 MiB and 1 MiB a
	# request, -j 4) holds them all as read, and their answers, which
	# double each, would pass it
	python3 -c "
import json
print(json.dumps({'text': '[[sleep:3000]]a'}))
for i in range(2, 33):
    print(json.dumps({'text': '%d ' % i + 'x' * 1000000}))" >in.jsonl
	dm-llm --retry-base 10ms -j 4 -p '{text}' in.jsonl >out 2>err &
	pid=$!
	sleep 2
	n=$(llm_requests)
	wait "$pid"
	[ "$n" -le 12 ]
	[ "$(llm_requests)" -eq 32 ]
	[ "$(jq -r '.llm == "echo: " + .text' out | sort | uniq -c | sed 's/^ *//')" = '32 true' ]
	[ "$(jq -r '.text | split(" ")[0]' out | tr '\n' ' ')" = "[[sleep:3000]]a $(seq -s ' ' 2 32) " ]
	[ ! -s err ]
}

@test "the summary accounts for every line read: bad lines and samples are rejected ones" {
	llm_start
	printf '%s\n' '{"text":"a"}' 'not json' '{"t":"no text"}' '{"text":"[[fail:400]]"}' \
	    '{"text":"e"}' >in.jsonl
	llm -p '{text}' --on-error=skip in.jsonl
	assert_status 1
	[ "$(sed -n 4,5p <<<"$stderr")" = "dm-llm: 2 of 5 samples rejected
dm-llm: 5 samples: 2 answered, 0 skipped, 1 failed, 2 rejected" ]
}

@test "--progress counts the rejected samples as done, as the summary does" {
	llm_start
	printf '%s\n' '{"text":"a"}' 'not json' '{"t":"no text"}' >in.jsonl
	llm -p '{text}' --on-error=skip --progress in.jsonl
	assert_status 1
	[[ "$(grep -m1 'done, ' <<<"$stderr")" == 'dm-llm: 3 done, 0 in flight, 0 retries, '*' req/s, '*' tokens/s'* ]]
}
