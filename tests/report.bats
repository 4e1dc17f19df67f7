#!/usr/bin/env bats
# report.bats - the pipeline report: one JSON line per run ($DM_REPORT)

load helper

# The report's lines without the members that change from run to run.
stable() {
	jq -c 'del(.pid, .start, .end, .seconds)' "$1"
}

@test "each tool of a pipeline appends one line with its counts" {
	printf '%s\n' '{"text":"Hello World"}' '{"text":"a"}' '{"text":"abc"}' >in.jsonl
	DM_REPORT=$TMP/r.jsonl
	export DM_REPORT
	dm-map lower in.jsonl >mapped.jsonl
	dm-filter 'len > 1' mapped.jsonl >/dev/null
	run stable r.jsonl
	assert_output <<'OUT'
{"tool":"dm-map","args":["lower","in.jsonl"],"status":0,"in":3,"out":3,"rejected":0}
{"tool":"dm-filter","args":["len > 1","mapped.jsonl"],"status":0,"in":3,"out":2,"rejected":0,"dropped":{"expression":1}}
OUT
}

@test "times are UTC with milliseconds, end not before start" {
	echo '{"text":"x"}' | DM_REPORT=r.jsonl dm-map lower >/dev/null
	run jq -r '[(.start|test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$")),
	    (.end >= .start), (.seconds >= 0), (.pid > 0)] | all' r.jsonl
	assert_output true
}

@test "dm-filter counts the samples dropped by each predicate rule and by the expression" {
	{
		echo '{"text":"short"}'
		printf '{"text":"%s"}\n' "$(printf 'word %.0s' $(seq 60))"
		printf '{"text":"%s"}\n' "$(printf 'other %.0s' $(seq 60))"
		echo '{"text":"tiny"}'
	} >in.jsonl
	dm-filter --report r.jsonl 'gopher() && !(text =~ /other/)' in.jsonl >/dev/null
	run jq -c .dropped r.jsonl
	assert_output '{"gopher: short_doc":2,"gopher: enough_stop_words":2}'
	rm r.jsonl
	dm-filter --report r.jsonl 'len > 5' in.jsonl >/dev/null
	run jq -c '[.in, .out, .dropped]' r.jsonl
	assert_output '[4,2,{"expression":2}]'
}

@test "a kept-all run has no dropped member; --invert drops by the expression" {
	echo '{"text":"abc"}' >in.jsonl
	dm-filter --report r.jsonl true in.jsonl >/dev/null
	dm-filter --report r.jsonl -v true in.jsonl >/dev/null
	run jq -c '[.out, .dropped]' r.jsonl
	assert_output $'[1,null]\n[0,{"expression":1}]'
}

@test "--report overrides DM_REPORT; an empty one turns it off" {
	echo '{"text":"x"}' >in.jsonl
	DM_REPORT=env.jsonl dm-map --report opt.jsonl lower in.jsonl >/dev/null
	[ ! -e env.jsonl ]
	run jq -r .tool opt.jsonl
	assert_output dm-map
	DM_REPORT=env.jsonl dm-map --report '' lower in.jsonl >/dev/null
	[ ! -e env.jsonl ]
}

@test "secrets never appear in the args" {
	echo '{"text":"x"}' >in.jsonl
	DM_REPORT=r.jsonl dm-run -j 1 -- ': --token=abc; DM_LLM_API_KEY=s3cr3t dm-map lower' in.jsonl >/dev/null
	DM_REPORT=r.jsonl dm-map lower in.jsonl 'Authorization: Bearer t0ken' \
	    sk-abcdefghijklmnopqrstuvwx 2>/dev/null >/dev/null || :
	run jq -c .args r.jsonl
	assert_output <<'OUT'
["lower"]
["-j","1","--",": --token=***; DM_LLM_API_KEY=*** dm-map lower","in.jsonl"]
["lower","in.jsonl","Authorization: Bearer ***","***"]
OUT
	run grep -c 's3cr3t\|t0ken\|abcdefghij' r.jsonl
	assert_output 0
}

@test "a quoted secret, a JSON member and a name ending in key lose their whole value; --key and DM_TEXT_KEY keep theirs" {
	echo '{"text":"x"}' >in.jsonl
	DM_REPORT=r.jsonl dm-map lower in.jsonl \
	    'DM_LLM_API_KEY="s3 cr3t" dm-llm --api-key '"'"'k3y two'"'"' x' \
	    "PGPASSWORD='pa55 word'" 'AWS_SECRET_ACCESS_KEY=acc355' 'KEY=k3y' \
	    '{"api_key": "j50n", "token":"t0k"}' \
	    'DM_TEXT_KEY=body dm-filter --key body -k body' 2>/dev/null >/dev/null || :
	run jq -c '.args[2:]' r.jsonl
	assert_output '["DM_LLM_API_KEY=\"***\" dm-llm --api-key '"'***'"' x","PGPASSWORD='"'***'"'","AWS_SECRET_ACCESS_KEY=***","KEY=***","{\"api_key\": \"***\", \"token\":\"***\"}","DM_TEXT_KEY=body dm-filter --key body -k body"]'
	run grep -c 's3\|cr3t\|k3y\|two\|pa55\|acc355\|j50n\|t0k' r.jsonl
	assert_output 0
}

@test "the password of a URL never reaches the report; a port or an @ in the path stays" {
	echo '{"text":"x"}' >in.jsonl
	DM_REPORT=r.jsonl dm-map lower in.jsonl 'https://user:pa55@host/v1' \
	    'dm-llm --base-url http://u:s3cr3t@127.0.0.1:8080/v1 x' \
	    'http://host:8080/a@b' 'https://user@host/' 2>/dev/null >/dev/null || :
	run jq -c '.args[2:]' r.jsonl
	assert_output '["https://user:***@host/v1","dm-llm --base-url http://u:***@127.0.0.1:8080/v1 x","http://host:8080/a@b","https://user@host/"]'
	run grep -c 'pa55\|s3cr3t' r.jsonl
	assert_output 0
}

@test "dm-llm's API key never reaches the report" {
	echo '{"text":"x"}' >in.jsonl
	echo 'k3y-from-file' >key
	DM_LLM_API_KEY=k3y-from-env DM_REPORT=r.jsonl dm-llm -p x -m none \
	    --base-url http://127.0.0.1:9/v1 --api-key-file key --dry-run in.jsonl >/dev/null
	run jq -r '.tool' r.jsonl
	assert_output dm-llm
	run grep -c 'k3y' r.jsonl
	assert_output 0
}

@test "dm-run reports jobs, retries and failures; its jobs append their own lines" {
	seq 1 6 | sed 's/.*/{"n":&,"text":"t"}/' >in.jsonl
	DM_REPORT=$TMP/r.jsonl dm-run -j 3 --lines 2 --retries 1 -- \
	    'if [ "$DM_JOB" = 2 ] && [ "$DM_ATTEMPT" = 1 ]; then exit 2; fi; dm-filter "n != 3"' \
	    in.jsonl >out.jsonl 2>/dev/null
	run jq -c 'select(.tool == "dm-run") | [.status, .jobs, .done, .failed, .retries, .hosts]' r.jsonl
	assert_output '[0,3,3,0,1,[]]'
	run jq -s -c '[.[] | select(.tool == "dm-filter")] | [length, (map(.in) | add), (map(.out) | add)]' r.jsonl
	assert_output '[3,6,5]'
}

@test "lines of concurrent processes never interleave" {
	seq 1 200 | sed 's/.*/{"n":&,"text":"t"}/' >in.jsonl
	DM_REPORT=$TMP/r.jsonl dm-run -j 8 --lines 1 -- 'dm-map lower' in.jsonl >/dev/null
	run jq -s -c '[length, ([.[] | select(.tool == "dm-map") | .in] | add)]' r.jsonl
	assert_output '[201,200]'
}

@test "a tool stopped by bad input writes its line with status 2" {
	printf '%s\n' '{"text":"a"}' 'nope' '{"text":"b"}' >in.jsonl
	run env DM_REPORT=r.jsonl dm-filter true in.jsonl
	assert_status 2
	run jq -c '[.status, .in, .out, .rejected]' r.jsonl
	assert_output '[2,2,1,1]'
}

@test "--help and usage errors write no line" {
	DM_REPORT=r.jsonl dm-filter --help >/dev/null
	run env DM_REPORT=r.jsonl dm-filter --nope
	assert_status 2
	[ ! -e r.jsonl ]
}

@test "a report file that cannot be written is exit status 2" {
	echo '{"text":"x"}' >in.jsonl
	run_split dm-map --report /dev/full lower in.jsonl
	assert_status 2
	assert_stderr 'dm-map: /dev/full: write error: No space left on device'
	run_split dm-map --report /nonexistent/r.jsonl lower in.jsonl
	assert_status 2
	assert_stderr 'dm-map: /nonexistent/r.jsonl: No such file or directory'
}

@test "dm-dedup reports the duplicates it removed" {
	printf '{"text":"%s"}\n' a b a c a b >d.jsonl
	dm-dedup --report r.jsonl d.jsonl >/dev/null
	run jq -c '[.tool, .in, .out, .rejected, .dropped, .duplicates]' r.jsonl
	assert_output '["dm-dedup",6,3,0,{"duplicate":3},3]'
}

@test "dm-scan counts the files it skipped; dm-slice counts chunks out" {
	mkdir d
	printf 'hello\n' >d/a.txt
	printf '\000\001bin' >d/b.bin
	dm-scan --report r.jsonl d >/dev/null 2>&1
	printf '{"text":"%s"}\n' 'aaaa bbbb cccc' | dm-slice --size 5 --report r.jsonl >/dev/null
	run jq -c '[.tool, .in, .out, .rejected, .dropped]' r.jsonl
	assert_output <<'OUT'
["dm-scan",2,1,0,{"binary":1}]
["dm-slice",1,3,0,null]
OUT
}

@test "dm-run names each host with the jobs it ran" {
	seq 1 6 | sed 's/.*/{"n":&,"text":"t"}/' >in.jsonl
	dm-run -S 2/: --lines 2 --report r.jsonl -- cat in.jsonl >/dev/null
	run jq -c '[.jobs, .done, .hosts]' r.jsonl
	assert_output '[3,3,[{"host":":","jobs":3,"down":false}]]'
}
