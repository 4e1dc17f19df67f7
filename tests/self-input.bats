#!/usr/bin/env bats
# self-input.bats - an input that is the file standard output writes

load helper

@test "an input that is the output file, appended to, is refused as cat refuses it; the other inputs are read" {
	printf '{"text":"A"}\n' >self.jsonl
	printf '{"text":"b"}\n' >other.jsonl
	for tool in "dm-map lower" "dm-filter true" "dm-slice --size 100" "dm-dedup" "dm-run -j 2 -- cat"; do
		printf '{"text":"A"}\n' >self.jsonl
		run_split timeout 10 sh -c "$tool other.jsonl self.jsonl >>self.jsonl"
		assert_status 2
		assert_stderr "${tool%% *}: self.jsonl: input file is output file"
		case $tool in
		dm-slice*) want='{"text":"b","chunk":0,"chunks":1,"offset":0,"parent":1}' ;;
		*) want='{"text":"b"}' ;;
		esac
		assert_file self.jsonl "{\"text\":\"A\"}"$'\n'"$want"
	done
	# standard input, and dm-stats whose summary would be appended
	printf '{"text":"A"}\n' >self.jsonl
	run_split timeout 10 sh -c 'dm-map lower <self.jsonl >>self.jsonl'
	assert_status 2
	assert_stderr 'dm-map: <stdin>: input file is output file'
	assert_file self.jsonl '{"text":"A"}'
	run_split timeout 10 sh -c 'dm-stats self.jsonl >>self.jsonl'
	assert_status 2
	assert_stderr 'dm-stats: self.jsonl: input file is output file'
}

@test "an output file truncated by the shell is no input left to read: no message, as cat" {
	printf '{"text":"A"}\n' >self.jsonl
	run_split sh -c 'dm-map lower self.jsonl >self.jsonl'
	assert_success
	assert_stderr ''
	assert_file self.jsonl ''
}

@test "the rejects file as an input is refused before it is emptied or added to: the replay of rejects" {
	bad() { printf '{"text":"a"}\n{"text":7}\n' >bad.jsonl; }
	for tool in "dm-map strip" "dm-filter true" "dm-slice --size 100" "dm-dedup" "dm-dedup --near" "dm-stats" "dm-llm -m m -p x --dry-run"; do
		bad
		run_split timeout 10 $tool --on-error=skip --rejects bad.jsonl bad.jsonl
		assert_status 2
		assert_output ''
		assert_stderr "${tool%% *}: bad.jsonl: input file is the rejects file"
		assert_file bad.jsonl $'{"text":"a"}\n{"text":7}'
	done
	run_split timeout 10 dm-run --rejects bad.jsonl -j 2 -- cat bad.jsonl
	assert_status 2
	assert_output ''
	assert_stderr 'dm-run: bad.jsonl: input file is the rejects file'
	assert_file bad.jsonl $'{"text":"a"}\n{"text":7}'
	# standard input, $DM_REJECTS (added to), a list, another name of it
	run_split timeout 10 dm-map --on-error=skip --rejects bad.jsonl strip <bad.jsonl
	assert_status 2
	assert_stderr 'dm-map: <stdin>: input file is the rejects file'
	DM_REJECTS=bad.jsonl run_split timeout 10 dm-filter --on-error=skip true bad.jsonl
	assert_status 2
	assert_stderr 'dm-filter: bad.jsonl: input file is the rejects file'
	printf 'bad.jsonl\0' >list
	run_split timeout 10 dm-map --on-error=skip --rejects bad.jsonl --files0-from list strip
	assert_status 2
	assert_stderr 'dm-map: bad.jsonl: input file is the rejects file'
	ln bad.jsonl link.jsonl
	run_split timeout 10 dm-map --on-error=skip --rejects link.jsonl strip bad.jsonl
	assert_status 2
	assert_stderr 'dm-map: bad.jsonl: input file is the rejects file'
	assert_file bad.jsonl $'{"text":"a"}\n{"text":7}'
	# the replay, into a new rejects file
	run_split dm-map --on-error=skip --rejects bad2.jsonl strip bad.jsonl
	assert_status 1
	assert_output '{"text":"a"}'
	run jq -c .raw bad2.jsonl
	assert_output '"{\"text\":7}"'
}
