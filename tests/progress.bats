#!/usr/bin/env bats
# progress.bats - --progress of dm-map, dm-filter and dm-slice (progress.c)

load helper

three() {
	printf '{"text":"one two"}\n{"text":"three four"}\n{"text":"five six"}\n' >in.jsonl
}

# The lines of $stderr with the rates (which vary) replaced by R, and the
# time taken by T.
norm() {
	sed -E 's/[0-9]+\.[0-9] MB\/s/R MB\/s/; s/ in [0-9]+\.[0-9] s/ in T s/' <<<"$stderr"
}

@test "--progress with a file operand: samples, MB, rate, ETA, and a last line" {
	three
	for tool in "dm-map lower" "dm-filter true" "dm-slice --size 5"; do
		DM_PROGRESS_INTERVAL=0 run_split $tool --progress in.jsonl
		assert_success
		name=${tool%% *}
		[ "$(norm)" = "$name: 1 samples, 0.0 MB, R MB/s, ETA 0:00:00
$name: 2 samples, 0.0 MB, R MB/s, ETA 0:00:00
$name: 3 samples, 0.0 MB, R MB/s, ETA 0:00:00
$name: 3 samples, 0.0 MB in T s, R MB/s" ]
	done
	[ "${#output}" -gt 0 ]
}

@test "--progress counts decompressed megabytes and gives an ETA for a compressed file" {
	yes '{"text":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}' |
	    head -n 20000 | gzip >big.jsonl.gz
	DM_PROGRESS_INTERVAL=0 run_split dm-filter --count --progress 'words > 1' big.jsonl.gz
	assert_success
	[ -z "$output" ]
	[ "$(grep -c ', ETA [0-9]:[0-9][0-9]:[0-9][0-9]$' <<<"$stderr")" -eq 20000 ]
	stderr=$(tail -n 2 <<<"$stderr")
	[ "$(norm)" = "dm-filter: 20000 samples, 2.0 MB in T s, R MB/s
dm-filter: kept 0 of 20000 samples" ]
}

@test "--progress gives no ETA when an input's size is not known" {
	three
	DM_PROGRESS_INTERVAL=0 run_split sh -c 'cat in.jsonl | dm-map --progress lower'
	assert_success
	[ "$(norm)" = "dm-map: 1 samples, 0.0 MB, R MB/s
dm-map: 2 samples, 0.0 MB, R MB/s
dm-map: 3 samples, 0.0 MB, R MB/s
dm-map: 3 samples, 0.0 MB in T s, R MB/s" ]
	# a regular file on standard input is a known size
	DM_PROGRESS_INTERVAL=0 run_split sh -c 'dm-map --progress lower <in.jsonl'
	[ "$(norm | head -n 1)" = "dm-map: 1 samples, 0.0 MB, R MB/s, ETA 0:00:00" ]
	# a pipe among the operands: not known
	DM_PROGRESS_INTERVAL=0 run_split sh -c 'cat in.jsonl | dm-slice --progress in.jsonl -'
	assert_success
	[ "$(norm | head -n 1)" = "dm-slice: 1 samples, 0.0 MB, R MB/s" ]
	[ "$(norm | tail -n 1)" = "dm-slice: 6 samples, 0.0 MB in T s, R MB/s" ]
}

@test "off a terminal a short run shows only the last line; without --progress nothing" {
	three
	run_split dm-filter --progress true in.jsonl
	assert_success
	[ "$(norm)" = "dm-filter: 3 samples, 0.0 MB in T s, R MB/s" ]
	DM_PROGRESS_INTERVAL=0 run_split dm-filter true in.jsonl
	assert_success
	assert_stderr ''
}

@test "a bad DM_PROGRESS_INTERVAL is an error" {
	three
	DM_PROGRESS_INTERVAL=soon run_split dm-filter --progress true in.jsonl
	assert_status 2
	assert_stderr "dm-filter: DM_PROGRESS_INTERVAL: 'soon' is not a time"
}

@test "on a terminal the line is redrawn in place and ends with a newline" {
	three
	export DM_PROGRESS_INTERVAL=0
	script -qec 'dm-filter --progress true in.jsonl >/dev/null' /dev/null >tty.out
	# the terminal turns the last newline into CR LF
	want=$(printf '\r\033[Kdm-filter: 1 samples, 0.0 MB, R MB/s, ETA 0:00:00\r\033[Kdm-filter: 2 samples, 0.0 MB, R MB/s, ETA 0:00:00\r\033[Kdm-filter: 3 samples, 0.0 MB, R MB/s, ETA 0:00:00\r\033[Kdm-filter: 3 samples, 0.0 MB in T s, R MB/s\r\n')
	got=$(sed -E 's/[0-9]+\.[0-9] MB\/s/R MB\/s/g; s/ in [0-9]+\.[0-9] s/ in T s/' tty.out)
	[ "$got" = "$want" ]
}

@test "on a terminal a message erases the progress line first, not glued to its end" {
	printf '{"text":"one two"}\nbad\n{"text":"five six"}\n' >in.jsonl
	export DM_PROGRESS_INTERVAL=0
	script -qec 'dm-filter --progress --on-error=skip true in.jsonl >/dev/null; echo "rc=$?"' /dev/null >tty.out
	want=$(printf '\r\033[Kdm-filter: 1 samples, 0.0 MB, R MB/s, ETA 0:00:00\r\033[Kdm-filter: 2 samples, 0.0 MB, R MB/s, ETA 0:00:00\r\033[Kdm-filter: in.jsonl:2:1: invalid JSON: expected a value\r\n\r\033[Kdm-filter: 3 samples, 0.0 MB, R MB/s, ETA 0:00:00\r\033[Kdm-filter: 3 samples, 0.0 MB in T s, R MB/s\r\ndm-filter: 1 of 3 samples rejected\r\nrc=1\r\n')
	got=$(sed -E 's/[0-9]+\.[0-9] MB\/s/R MB\/s/g; s/ in [0-9]+\.[0-9] s/ in T s/' tty.out)
	[ "$got" = "$want" ]
}
