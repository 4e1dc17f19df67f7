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
