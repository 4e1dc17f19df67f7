#!/usr/bin/env bats
# common.bats - the rules every dm tool follows (DESIGN.md, STYLE.md, dm.7):
# options, input forms, bad input, error policies, output and signals.
#
# Each test runs over TOOLS. A new tool joins by adding its name to TOOLS
# and a case to tool_cmd, text_cmd and change_cmd.

load helper

TOOLS=(dm-map dm-filter dm-slice dm-llm dm-dedup)

# tool_cmd TOOL: sets cmd to TOOL's smallest invocation that reads samples
# (from the operands that follow, or stdin) and writes every sample back
# untouched.
tool_cmd() {
	case $1 in
	dm-map) cmd=(dm-map 'drop nosuch') ;;
	dm-filter) cmd=(dm-filter true) ;;
	# dm-slice writes chunks, never a sample as it came: cmd is set for
	# the tests of options and empty input, the others skip it
	# (dm-slice.bats checks its output, errors and text field).
	dm-slice) cmd=(dm-slice); return 1 ;;
	# every sample asks the same question, answered from a cache made
	# here (no server); --keep '' keeps every sample untouched
	dm-llm)
		local c=$BATS_TEST_TMPDIR/llm-cache h
		h=$(printf '%s\n%s\n%s' http://127.0.0.1:9/v1 none \
		    '{"model":"none","messages":[{"role":"user","content":"x"}]}' |
		    sha256sum | cut -c1-64)
		mkdir -p "$c/${h:0:2}"
		echo '{"choices":[{"message":{"content":"ok"}}]}' >"$c/${h:0:2}/$h"
		cmd=(dm-llm -p x -m none --base-url http://127.0.0.1:9/v1
		    --keep '' --cache "$c") ;;
	# dm-dedup needs a text (or -k fields) in every sample, which most
	# inputs here lack: cmd is set for the tests of options, empty
	# input and endless lines; dm-dedup.bats checks the rest
	dm-dedup) cmd=(dm-dedup --exact); return 1 ;;
	*) printf 'tool_cmd: no invocation for %s\n' "$1" >&2; return 1 ;;
	esac
	printf 'tool: %s\n' "$1"	# shown when a test fails
}

# text_cmd TOOL: sets cmd to an invocation of TOOL that reads the text
# field and leaves a sample whose text is "ABC" unchanged.
text_cmd() {
	case $1 in
	dm-map) cmd=(dm-map upper) ;;
	dm-filter) cmd=(dm-filter 'len >= 0') ;;
	dm-slice) return 1 ;;
	# dm-llm reads the text field only to send it to a server
	# (dm-llm.bats checks -k and the text field's errors)
	dm-llm) return 1 ;;
	dm-dedup) cmd=(dm-dedup --near --window 1000) ;;
	*) printf 'text_cmd: no invocation for %s\n' "$1" >&2; return 1 ;;
	esac
	printf 'tool: %s\n' "$1"
}

# change_cmd TOOL: sets cmd to an invocation of TOOL that changes every
# sample that has a field "x" (by removing it); returns 1 for a tool that
# never changes a sample.
change_cmd() {
	case $1 in
	dm-map) cmd=(dm-map 'drop x') ;;
	# dm-filter changes a sample only by adding a field (--mark), never by
	# removing one: dm-filter.bats checks how a marked sample is written.
	dm-filter) return 1 ;;
	dm-slice) return 1 ;;
	# dm-llm changes a sample only by adding the answer (dm-llm.bats)
	dm-llm) return 1 ;;
	# dm-dedup changes a sample only with --mark (dm-dedup.bats)
	dm-dedup) return 1 ;;
	*) printf 'change_cmd: no invocation for %s\n' "$1" >&2; return 1 ;;
	esac
	printf 'tool: %s\n' "$1"
}

# numbered N: N lines {"n":1,"text":...}, {"n":2,...}, ... (large inputs).
numbered() {
	seq 1 "$1" | sed 's/.*/{"n":&,"text":"some words of text"}/'
}

# ---- options ----

@test "--help and -h write the usage and help to stdout and exit 0" {
	for t in "${TOOLS[@]}"; do
		tool_cmd "$t" || :
		for opt in --help -h; do
			run_split "$t" "$opt"
			assert_success
			assert_stderr ''
			[[ ${output%%$'\n'*} == "usage: $t "* ]]
			# usage, a blank line, then the help proper
			[ "$(printf '%s\n' "$output" | wc -l)" -gt 4 ]
			[[ $output == *$'\n\n'* ]]
		done
	done
}

@test "-V and --version print the tool, the package and the version" {
	for t in "${TOOLS[@]}"; do
		tool_cmd "$t" || :
		for opt in -V --version; do
			run_split "$t" "$opt"
			assert_success
			assert_output "$t (dm) 0.1.0"
			assert_stderr ''
		done
	done
}

@test "an unknown option exits 2 naming it, then the usage line on stderr" {
	for t in "${TOOLS[@]}"; do
		tool_cmd "$t" || :
		usage=$(usage_of "$t")
		[[ $usage == "usage: $t "* ]]
		run_split "${cmd[@]}" --bogus </dev/null
		assert_status 2
		assert_output ''
		assert_stderr "$t: unknown option '--bogus'"$'\n'"$usage"
		run_split "$t" -Z </dev/null
		assert_status 2
		assert_stderr "$t: unknown option '-Z'"$'\n'"$usage"
	done
}

@test "an abbreviation of two long options is named ambiguous, with the options it starts" {
	local want=(
		"dm-map: option '--re' is ambiguous: '--rejects' or '--report'"
		"dm-filter: option '--re' is ambiguous: '--rejects' or '--report'"
		"dm-slice: option '--re' is ambiguous: '--rejects', '--report' or '--recursive'"
		"dm-llm: option '--re' is ambiguous: '--rejects', '--report', '--retries' or '--retry-base'"
		"dm-dedup: option '--re' is ambiguous: '--rejects', '--report' or '--resume'"
	)
	local i=0
	for t in "${TOOLS[@]}"; do
		usage=$(usage_of "$t")
		run_split "$t" --re </dev/null
		assert_status 2
		assert_output ''
		assert_stderr "${want[i]}"$'\n'"$usage"
		i=$((i + 1))
	done
	# with a value, named without it; an abbreviation of one option
	# alone is that option
	usage=$(usage_of dm-run)
	run_split dm-run --file=x -- cat </dev/null
	assert_status 2
	assert_stderr "dm-run: option '--file' is ambiguous: '--files' or '--files0-from'"$'\n'"$usage"
	run_split dm-run --files0 /dev/null -- cat </dev/null
	assert_success
	assert_stderr ''
	usage=$(usage_of dm-recipe)
	run_split dm-recipe run --s x </dev/null
	assert_status 2
	assert_stderr "dm-recipe: option '--s' is ambiguous: '--skip-unsupported', '--slurm' or '--spool'"$'\n'"$usage"
	usage=$(usage_of dm-scan)
	run_split dm-scan --re </dev/null
	assert_status 2
	assert_stderr "dm-scan: option '--re' is ambiguous: '--rejects' or '--report'"$'\n'"$usage"
	usage=$(usage_of dm-stats)
	run_split dm-stats --re </dev/null
	assert_status 2
	assert_stderr "dm-stats: option '--re' is ambiguous: '--rejects' or '--report'"$'\n'"$usage"
}

@test "an option without its value is named as typed, long or short" {
	for t in "${TOOLS[@]}"; do
		usage=$(usage_of "$t")
		run_split "$t" --rejects </dev/null
		assert_status 2
		assert_stderr "$t: option '--rejects' needs a value"$'\n'"$usage"
		run_split "$t" -k </dev/null
		assert_status 2
		assert_stderr "$t: option '-k' needs a value"$'\n'"$usage"
	done
	# a long option that has no short form
	usage=$(usage_of dm-scan)
	run_split dm-scan --encoding-errors </dev/null
	assert_status 2
	assert_stderr "dm-scan: option '--encoding-errors' needs a value"$'\n'"$usage"
}

@test "an unknown short option bundled with others is named itself" {
	for t in "${TOOLS[@]}"; do
		tool_cmd "$t" || :
		usage=$(usage_of "$t")
		run_split "$t" -Zq </dev/null
		assert_status 2
		assert_output ''
		assert_stderr "$t: unknown option '-Z'"$'\n'"$usage"
	done
}

# ---- input forms ----

@test "empty input gives empty output and status 0" {
	: >empty.jsonl
	for t in "${TOOLS[@]}"; do
		tool_cmd "$t" || :
		run_out out "${cmd[@]}" </dev/null
		assert_success
		assert_stderr ''
		assert_bytes out ''
		run_out out "${cmd[@]}" empty.jsonl
		assert_success
		assert_stderr ''
		assert_bytes out ''
	done
}

@test "blank and whitespace-only lines are skipped" {
	printf '\n  \n\t\n{"a":1}\n \t \r\n\n{"b":2}\n\n' >in.jsonl
	for t in "${TOOLS[@]}"; do
		tool_cmd "$t" || continue
		run_out out "${cmd[@]}" in.jsonl
		assert_success
		assert_stderr ''
		assert_bytes out '{"a":1}\n{"b":2}\n'
	done
}

@test "blank lines still count in the line numbers of messages" {
	printf '\n\n{"a":1}\n   \n[1]\n' >in.jsonl
	for t in "${TOOLS[@]}"; do
		tool_cmd "$t" || continue
		run_split "${cmd[@]}" in.jsonl
		assert_status 2
		assert_output '{"a":1}'
		assert_stderr "$t: in.jsonl:5: not a JSON object"
	done
}

@test "CRLF line endings are accepted and not written back" {
	printf '{"a":1}\r\n{"b": 2}\r\n{"c":3}\r' >in.jsonl
	for t in "${TOOLS[@]}"; do
		tool_cmd "$t" || continue
		run_out out "${cmd[@]}" in.jsonl
		assert_success
		assert_stderr ''
		assert_bytes out '{"a":1}\n{"b": 2}\n{"c":3}\n'
	done
}

@test "a last line without a newline is a sample, written with one" {
	for t in "${TOOLS[@]}"; do
		tool_cmd "$t" || continue
		printf '{"a":1}\n{"b":2}' >in.jsonl
		run_out out "${cmd[@]}" <in.jsonl
		assert_success
		assert_stderr ''
		assert_bytes out '{"a":1}\n{"b":2}\n'
		printf '{}' >in.jsonl
		run_out out "${cmd[@]}" <in.jsonl
		assert_success
		assert_bytes out '{}\n'
	done
}

@test "a UTF-8 byte order mark at the start of each input is skipped, and nowhere else" {
	printf '\357\273\277{"a":1}\r\n{"b":2}\n' >bom.jsonl
	printf '\357\273\277\n{"c":3}\n' >bomblank.jsonl
	printf '\357\273\277{"d":4}\n' | gzip -c >bom.jsonl.gz
	printf '{"e":5}\n\357\273\277{"f":6}\n' >mid.jsonl
	printf '\357\273\277{"g":}\n' >col.jsonl
	for t in "${TOOLS[@]}"; do
		tool_cmd "$t" || continue
		# standard input, files, a blank first line, compressed input
		run_out out "${cmd[@]}" <bom.jsonl
		assert_success
		assert_stderr ''
		assert_bytes out '{"a":1}\n{"b":2}\n'
		run_out out "${cmd[@]}" bom.jsonl bomblank.jsonl - bom.jsonl.gz <bom.jsonl
		assert_success
		assert_stderr ''
		assert_bytes out '{"a":1}\n{"b":2}\n{"c":3}\n{"a":1}\n{"b":2}\n{"d":4}\n'
		# only a mark: an empty input
		printf '\357\273\277' >only.jsonl
		run_out out "${cmd[@]}" only.jsonl
		assert_success
		assert_bytes out ''
		# the line keeps number 1, and its columns count from after the mark
		run_split "${cmd[@]}" col.jsonl
		assert_status 2
		assert_stderr "$t: col.jsonl:1:6: invalid JSON: expected a value"
		# further in, it is part of the line
		run_split "${cmd[@]}" mid.jsonl
		assert_status 2
		assert_output '{"e":5}'
		assert_stderr "$t: mid.jsonl:2:1: invalid JSON: expected a value"
	done
}

@test "- among the operands reads standard input in its place" {
	printf '{"f":1}\n' >one.jsonl
	printf '{"f":3}\n' >three.jsonl
	for t in "${TOOLS[@]}"; do
		tool_cmd "$t" || continue
		run_split "${cmd[@]}" one.jsonl - three.jsonl <<<'{"f":2}'
		assert_success
		assert_stderr ''
		assert_output $'{"f":1}\n{"f":2}\n{"f":3}'
	done
}

@test "with stdin closed, an operand read on descriptor 0 is closed after it" {
	# open() would give an operand descriptor 0 when stdin is closed:
	# dm_init keeps descriptor 0 taken (by /dev/null, unreadable), and the
	# reader closes such an operand after reading it like any file it
	# opened; a later - is the closed stdin (an error), not whatever
	# holds descriptor 0.
	printf '{"f":1}\n' >one.jsonl
	printf '{"f":3}\n' >three.jsonl
	for t in "${TOOLS[@]}"; do
		tool_cmd "$t" || continue
		run_split sh -c 'exec "$@" 0<&-' sh "${cmd[@]}" one.jsonl - three.jsonl
		assert_status 2
		assert_output $'{"f":1}\n{"f":3}'
		assert_stderr "$t: <stdin>: Bad file descriptor"
		run_split sh -c 'exec "$@" 0<&-' sh "${cmd[@]}" one.jsonl three.jsonl
		assert_success
		assert_output $'{"f":1}\n{"f":3}'
		assert_stderr ''
	done
}

@test "a closed stdout is a write error and a closed stdin cannot be read, whatever the tool opens first" {
	# A descriptor the tool opens (the rejects file, dm-llm's HTTP
	# client) must not take the place of a closed 0 or 1: samples
	# would be written into it, or read from it.
	printf '{"f":1}\n' >one.jsonl
	for t in "${TOOLS[@]}"; do
		tool_cmd "$t" || continue
		rm -f rej.jsonl
		"${cmd[@]}" --rejects rej.jsonl one.jsonl >&- 2>err &&
		    status=0 || status=$?
		assert_status 2
		assert_bytes err '%s\n' "$t: write error: Bad file descriptor"
		assert_bytes rej.jsonl ''
		run_split sh -c 'exec "$@" 0<&-' sh "${cmd[@]}" --rejects rej.jsonl
		assert_status 2
		assert_output ''
		assert_stderr "$t: <stdin>: Bad file descriptor"
		assert_bytes rej.jsonl ''
	done
}

@test "the reader counts every byte of its input once, plain or compressed" {
	# a plugin operator reads the file its text names with the reader,
	# by lines and as it is, and says what the reader counted
	mkdir ops
	cc -shared -fPIC -I"$DM_REPO/src" $(pkg-config --cflags jansson) \
	    -o ops/readbytes.so "$DM_REPO/tests/plugin/readbytes.c"
	printf '{"a":1}\r\n\n  \n{"b":2}' >plain.jsonl	# 20 bytes
	printf '{}\n' >tiny.jsonl				# under the 6 sniffed
	: >empty.jsonl
	head -c 300000 /dev/zero | tr '\0' 'x' | sed 's/^/{"t":"/; s/$/"}/' >big.jsonl	# no newline
	gzip -c plain.jsonl >plain.jsonl.gz
	printf '%s\n' '{"text":"plain.jsonl"}' '{"text":"tiny.jsonl"}' \
	    '{"text":"empty.jsonl"}' '{"text":"big.jsonl"}' \
	    '{"text":"plain.jsonl.gz"}' >paths.jsonl
	DM_OPS_PATH=$TMP/ops run_split dm-map readbytes paths.jsonl
	assert_success
	assert_stderr ''
	assert_output '{"text":"2 lines, 20 bytes; read 20 bytes, 20 counted"}
{"text":"1 lines, 3 bytes; read 3 bytes, 3 counted"}
{"text":"0 lines, 0 bytes; read 0 bytes, 0 counted"}
{"text":"1 lines, 300008 bytes; read 300008 bytes, 300008 counted"}
{"text":"2 lines, 20 bytes; read 20 bytes, 20 counted"}'
}

@test "line numbers restart at 1 for each operand" {
	printf '{"a":1}\n{"a":2}\n' >first.jsonl
	printf '{"b":1}\n[2]\n' >second.jsonl
	for t in "${TOOLS[@]}"; do
		tool_cmd "$t" || continue
		run_split "${cmd[@]}" first.jsonl second.jsonl
		assert_status 2
		assert_output $'{"a":1}\n{"a":2}\n{"b":1}'
		assert_stderr "$t: second.jsonl:2: not a JSON object"
	done
}

@test "an unreadable operand is reported, the others are still read, status 2" {
	printf '{"a":1}\n' >a.jsonl
	printf '{"b":1}\n' >b.jsonl
	for t in "${TOOLS[@]}"; do
		tool_cmd "$t" || continue
		run_split "${cmd[@]}" a.jsonl nosuch.jsonl b.jsonl
		assert_status 2
		assert_output $'{"a":1}\n{"b":1}'
		assert_stderr "$t: nosuch.jsonl: No such file or directory"
		# under --on-error=skip too: an input error is not a reject
		run_split "${cmd[@]}" --on-error=skip nosuch.jsonl b.jsonl
		assert_status 2
		assert_output '{"b":1}'
		assert_stderr "$t: nosuch.jsonl: No such file or directory"
	done
}

@test "control characters in a file name are escaped in messages" {
	for t in "${TOOLS[@]}"; do
		tool_cmd "$t" || continue
		run_split "${cmd[@]}" $'no\nsuch\e[31m.jsonl'
		assert_status 2
		assert_stderr "$t: no\\nsuch\\x1b[31m.jsonl: No such file or directory"
	done
}

@test "compressed operands (.gz .bz2 .xz .zst) are read transparently" {
	numbered 3000 >plain.jsonl
	gzip -c plain.jsonl >in.jsonl.gz
	bzip2 -c plain.jsonl >in.jsonl.bz2
	xz -c plain.jsonl >in.jsonl.xz
	zstd -q -c plain.jsonl >in.jsonl.zst
	for t in "${TOOLS[@]}"; do
		tool_cmd "$t" || continue
		for ext in gz bz2 xz zst; do
			run_out out "${cmd[@]}" "in.jsonl.$ext"
			assert_success
			assert_stderr ''
			assert_same out plain.jsonl
		done
		# mixed with plain operands, and with their own line numbers
		printf '{"x":1}\n[2]\n' | gzip -c >bad.jsonl.gz
		run_split "${cmd[@]}" in.jsonl.zst plain.jsonl bad.jsonl.gz
		assert_status 2
		[ "$(printf '%s\n' "$output" | wc -l)" -eq 6001 ]
		[ "${output##*$'\n'}" = '{"x":1}' ]
		assert_stderr "$t: bad.jsonl.gz:2: not a JSON object"
	done
}

@test "compressed standard input is read transparently" {
	printf '{"a":1}\n{"b":"\\u00e9"}\n' >plain.jsonl
	for t in "${TOOLS[@]}"; do
		tool_cmd "$t" || continue
		for z in gzip bzip2 xz zstd; do
			$z -q -c plain.jsonl >in.z
			run_out out "${cmd[@]}" <in.z
			assert_success
			assert_stderr ''
			assert_same out plain.jsonl
			run_out out "${cmd[@]}" - <in.z
			assert_success
			assert_same out plain.jsonl
		done
	done
}

@test "an empty compressed operand is an empty input" {
	for t in "${TOOLS[@]}"; do
		tool_cmd "$t" || continue
		for z in "gzip gz" "bzip2 bz2" "xz xz" "zstd zst"; do
			set -- $z
			$1 -q -c </dev/null >"empty.jsonl.$2"
			run_out out "${cmd[@]}" "empty.jsonl.$2"
			assert_success
			assert_stderr ''
			assert_bytes out ''
		done
	done
}

@test "a truncated .gz is an error naming the file, after the whole lines before it" {
	numbered 300000 >plain.jsonl
	gzip -c plain.jsonl >full.jsonl.gz
	head -c $(($(wc -c <full.jsonl.gz) / 2)) full.jsonl.gz >trunc.jsonl.gz
	for t in "${TOOLS[@]}"; do
		tool_cmd "$t" || continue
		run_out out "${cmd[@]}" trunc.jsonl.gz
		assert_status 2
		assert_stderr "$t: trunc.jsonl.gz:$(($(wc -l <out) + 1)): truncated gzip input"
		# what came out is a prefix of the input, in whole lines
		[ -s out ]
		[ "$(tail -c 1 out | od -An -c | tr -d ' ')" = '\n' ]
		head -c "$(wc -c <out)" plain.jsonl >prefix
		assert_same out prefix
	done
}

@test "a .gz cut inside its trailer is an error saying what is wrong, after its lines" {
	printf '{"a":1}\n' | gzip -c >full.jsonl.gz
	head -c $(($(wc -c <full.jsonl.gz) - 4)) full.jsonl.gz >trunc.jsonl.gz
	for t in "${TOOLS[@]}"; do
		tool_cmd "$t" || continue
		run_split "${cmd[@]}" trunc.jsonl.gz
		assert_status 2
		assert_output '{"a":1}'
		assert_stderr "$t: trunc.jsonl.gz:2: truncated gzip input"
	done
}

# whole_lines: standard input up to its last newline.
whole_lines() {
	python3 -c 'import sys; d = sys.stdin.buffer.read(); sys.stdout.buffer.write(d[:d.rfind(b"\n") + 1])'
}

@test "a truncated compressed operand gives every whole line decompressed before the cut, then the error" {
	# 20000 lines, 2.2 MB: three blocks of bzip2 -9, and the cut at
	# half of each file falls far inside its stream
	python3 -c 'import json; print("\n".join(json.dumps({"id": i, "text": "hello world %d. " % i * 5}) for i in range(20000)))' >plain.jsonl
	for z in "gzip gz" "bzip2 bz2" "xz xz" "zstd zst"; do
		set -- $z
		$1 -q -c plain.jsonl >full.$2
		head -c $(($(wc -c <full.$2) / 2)) full.$2 >trunc.$2
		# what the tool itself decompresses; bzip2 -dc drops what its
		# last read decoded (up to 5000 bytes) when the input ends
		# early, so Python's bz2, which hands out everything, says it
		if [ "$1" = bzip2 ]; then
			python3 -c 'import bz2, sys; sys.stdout.buffer.write(bz2.BZ2Decompressor().decompress(open("trunc.bz2", "rb").read()))' |
			    whole_lines >want
			bzip2 -dc trunc.bz2 2>/dev/null | whole_lines >tool
			head -c "$(wc -c <tool)" want | cmp - tool
		else
			$1 -dc trunc.$2 2>/dev/null | whole_lines >want
		fi
		lines=$(wc -l <want)
		[ "$lines" -gt 1000 ] && [ "$lines" -lt 19000 ]
		for t in "${TOOLS[@]}"; do
			tool_cmd "$t" || continue
			run_out out "${cmd[@]}" trunc.$2
			assert_status 2
			assert_stderr "$t: trunc.$2:$((lines + 1)): truncated $1 input"
			assert_same out want
		done
		run_out out dm-map strip trunc.$2
		assert_status 2
		assert_stderr "dm-map: trunc.$2:$((lines + 1)): truncated $1 input"
		dm-map strip want >want-strip
		assert_same out want-strip
	done
}

@test "lines after the end of a gzip or bzip2 stream are an error, as gzip's trailing garbage, where they were lost with status 0; zero padding is not" {
	printf '{"text":"a"}\n' | gzip >m.gz
	printf '{"text":"b"}\n' >>m.gz
	printf '{"text":"a"}\n' | bzip2 >m.bz2
	printf '{"text":"b"}\n' >>m.bz2
	for f in m.gz m.bz2; do
		run_split dm-map upper "$f"
		assert_status 2
		assert_output '{"text":"A"}'
		kind=gzip
		[ "$f" = m.gz ] || kind=bzip2
		assert_stderr "dm-map: $f:2: invalid $kind input: data after the end of the compressed stream"
	done
	# a tar's or a tape's zeros, and a second stream, are read as gzip reads them
	{ printf '{"text":"a"}\n' | gzip; head -c 10000 /dev/zero; } >z.gz
	{ printf '{"text":"a"}\n' | gzip; printf '{"text":"b"}\n' | gzip; } >two.gz
	run_split dm-map upper z.gz two.gz
	assert_success
	assert_stderr ''
	assert_output $'{"text":"A"}\n{"text":"A"}\n{"text":"B"}'
}

@test "a compressed operand with damaged data is an error saying so" {
	numbered 3000 >plain.jsonl
	gzip -c plain.jsonl >full.gz
	# the CRC of the trailer, changed
	size=$(wc -c <full.gz)
	{ head -c $((size - 8)) full.gz; printf '\0\0\0\0'; tail -c 4 full.gz; } >crc.gz
	run_out out dm-map 'drop x' crc.gz
	assert_status 2
	assert_stderr "dm-map: crc.gz:3001: invalid gzip input: incorrect data check"
	printf 'not zstd' >junk
	{ zstd -q -c plain.jsonl; cat junk; } >junk.zst
	run_out out dm-map 'drop x' junk.zst
	assert_status 2
	assert_stderr "dm-map: junk.zst:3001: invalid zstd input: Unknown frame descriptor"
	assert_same out plain.jsonl
}

@test "a 50 MB line passes through intact" {
	{
		printf '{"id":7,"text":"'
		head -c 50000000 /dev/zero | tr '\0' 'a'
		printf '"}\n'
	} >huge.jsonl
	for t in "${TOOLS[@]}"; do
		tool_cmd "$t" || continue
		run_out out "${cmd[@]}" huge.jsonl
		assert_success
		assert_stderr ''
		[ "$(md5sum <out)" = "$(md5sum <huge.jsonl)" ]
	done
}

@test "a changed 50 MB line is written whole" {
	big() {
		printf '{%s"text":"' "$1"
		head -c 50000000 /dev/zero | tr '\0' 'a'
		printf '"}\n'
	}
	big '"x":1,' >huge.jsonl
	big '' >want.jsonl
	for t in "${TOOLS[@]}"; do
		change_cmd "$t" || continue
		run_out out "${cmd[@]}" huge.jsonl
		assert_success
		assert_stderr ''
		[ "$(md5sum <out)" = "$(md5sum <want.jsonl)" ]
	done
}

@test "untouched samples are written byte for byte" {
	# spacing, key order, 1.50, 1e5, -0.0, big integers, \u escapes of
	# BMP and astral characters, duplicate keys, a tab before a line
	for t in "${TOOLS[@]}"; do
		tool_cmd "$t" || continue
		run_out out "${cmd[@]}" "$FIXTURES/untouched-formats.jsonl"
		assert_success
		assert_stderr ''
		assert_same out "$FIXTURES/untouched-formats.jsonl"
		run_out out "${cmd[@]}" <"$FIXTURES/untouched-formats.jsonl"
		assert_success
		assert_same out "$FIXTURES/untouched-formats.jsonl"
	done
}

@test "a changed sample is written compactly, keys in their original order" {
	printf '%s\n' '{ "z" : 1 , "x" : 0 , "s" : "a  b , c \" d" , "a" : { "k" : [ 1 , "v v" , { } ] } , "m" : null }' >in.jsonl
	for t in "${TOOLS[@]}"; do
		change_cmd "$t" || continue
		run_out out "${cmd[@]}" in.jsonl
		assert_success
		assert_stderr ''
		assert_bytes out '%s\n' '{"z":1,"s":"a  b , c \" d","a":{"k":[1,"v v",{}]},"m":null}'
	done
}

# ---- bad input and the error policies ----

@test "invalid JSON is reported with file, line and column" {
	printf '{"a":1}\n{"b":2}\n{"a":\n{"c":3}\n' >bad.jsonl
	for t in "${TOOLS[@]}"; do
		tool_cmd "$t" || continue
		run_split "${cmd[@]}" <bad.jsonl
		assert_status 2
		assert_output $'{"a":1}\n{"b":2}'
		assert_stderr "$t: <stdin>:3:6: invalid JSON: unexpected end of line"
		run_split "${cmd[@]}" bad.jsonl
		assert_status 2
		assert_output $'{"a":1}\n{"b":2}'
		assert_stderr "$t: bad.jsonl:3:6: invalid JSON: unexpected end of line"
	done
}

@test "a line that is not a JSON object is reported with file and line" {
	printf '{"a":1}\n[1]\n' >arr.jsonl
	for t in "${TOOLS[@]}"; do
		tool_cmd "$t" || continue
		run_split "${cmd[@]}" arr.jsonl
		assert_status 2
		assert_output '{"a":1}'
		assert_stderr "$t: arr.jsonl:2: not a JSON object"
		for v in '"text"' 42 null; do
			run_split "${cmd[@]}" <<<"$v"
			assert_status 2
			assert_stderr "$t: <stdin>:1: not a JSON object"
		done
	done
}

@test "invalid UTF-8 in a string is reported at its column" {
	printf '{"a":1}\n{"b":2}\n{"c":3}\n{"t":"\xff\xfe"}\n' >utf.jsonl
	for t in "${TOOLS[@]}"; do
		tool_cmd "$t" || continue
		run_split "${cmd[@]}" utf.jsonl
		assert_status 2
		assert_output $'{"a":1}\n{"b":2}\n{"c":3}'
		assert_stderr "$t: utf.jsonl:4:7: invalid UTF-8 in string"
		# a truncated sequence, and one in a key
		printf '{"ok":"\xc3("}\n' >utf2.jsonl
		run_split "${cmd[@]}" <utf2.jsonl
		assert_status 2
		assert_stderr "$t: <stdin>:1:8: invalid UTF-8 in string"
		printf '{"k\xe9y":1}\n' >utf3.jsonl
		run_split "${cmd[@]}" <utf3.jsonl
		assert_status 2
		assert_stderr "$t: <stdin>:1:4: invalid UTF-8 in string"
	done
}

@test "a NUL byte is reported at its column" {
	printf '{"a":1}\n{"t":"a\0b"}\n' >nul.jsonl
	for t in "${TOOLS[@]}"; do
		tool_cmd "$t" || continue
		run_split "${cmd[@]}" nul.jsonl
		assert_status 2
		assert_output '{"a":1}'
		assert_stderr "$t: nul.jsonl:2:8: NUL byte in line"
	done
}

@test "by default the first bad sample stops the run with status 2 after the samples before it" {
	printf '{"a":1}\n{"b":2}\n[3]\n{"c":4}\n{"d":\n' >in.jsonl
	for t in "${TOOLS[@]}"; do
		tool_cmd "$t" || continue
		for policy in '' --on-error=stop; do
			run_split "${cmd[@]}" $policy in.jsonl
			assert_status 2
			assert_output $'{"a":1}\n{"b":2}'
			assert_stderr "$t: in.jsonl:3: not a JSON object"
		done
	done
}

@test "--on-error=skip reports each bad sample, goes on, and exits 1 with a count" {
	printf '{"a":1}\n[2]\n\n{"b":3}\n{"c":\n{"t":"\xff"}\n{"d":5}\n' >in.jsonl
	for t in "${TOOLS[@]}"; do
		tool_cmd "$t" || continue
		run_split "${cmd[@]}" --on-error=skip in.jsonl
		assert_status 1
		assert_output $'{"a":1}\n{"b":3}\n{"d":5}'
		assert_stderr <<-EOF
		$t: in.jsonl:2: not a JSON object
		$t: in.jsonl:5:6: invalid JSON: unexpected end of line
		$t: in.jsonl:6:7: invalid UTF-8 in string
		$t: 3 of 6 samples rejected
		EOF
		# nothing rejected: status 0 and no count
		printf '{"a":1}\n' >good.jsonl
		run_split "${cmd[@]}" --on-error=skip good.jsonl
		assert_success
		assert_stderr ''
	done
}

@test "--on-error takes only stop or skip" {
	for t in "${TOOLS[@]}"; do
		tool_cmd "$t" || :
		run_split "${cmd[@]}" --on-error=maybe </dev/null
		assert_status 2
		assert_output ''
		assert_stderr "$t: --on-error: 'maybe' is not one of stop, skip"$'\n'"$(usage_of "$t")"
	done
}

@test "--rejects saves each rejected line verbatim with file, line and reason" {
	printf '{"a":1}\n[1]\n{"t":"\xff"}\n{"q":"x\\"y",\n{"b":2}\n' >in.jsonl
	for t in "${TOOLS[@]}"; do
		tool_cmd "$t" || continue
		run_split "${cmd[@]}" --on-error=skip --rejects rej.jsonl <in.jsonl
		assert_status 1
		assert_output $'{"a":1}\n{"b":2}'
		assert_stderr <<-EOF
		$t: <stdin>:2: not a JSON object
		$t: <stdin>:3:7: invalid UTF-8 in string
		$t: <stdin>:4:13: invalid JSON: unexpected end of line
		$t: 3 of 5 samples rejected
		EOF
		assert_bytes rej.jsonl '%s\n' \
		    '{"file":"<stdin>","line":2,"reason":"not a JSON object","raw":"[1]"}' \
		    '{"file":"<stdin>","line":3,"reason":"invalid UTF-8 in string","raw_base64":"eyJ0Ijoi/yJ9"}' \
		    '{"file":"<stdin>","line":4,"reason":"invalid JSON: unexpected end of line","raw":"{\"q\":\"x\\\"y\","}'
		# the raw line can be replayed: jq gives back the very bytes
		sed -n 4p in.jsonl >line4
		jq -j '.raw + "\n"' <(sed -n 3p rej.jsonl) >raw4
		assert_same raw4 line4
		# a file operand is named by its name
		run_split "${cmd[@]}" --on-error=skip --rejects rej.jsonl in.jsonl
		assert_status 1
		assert_bytes rej.jsonl '%s\n' \
		    '{"file":"in.jsonl","line":2,"reason":"not a JSON object","raw":"[1]"}' \
		    '{"file":"in.jsonl","line":3,"reason":"invalid UTF-8 in string","raw_base64":"eyJ0Ijoi/yJ9"}' \
		    '{"file":"in.jsonl","line":4,"reason":"invalid JSON: unexpected end of line","raw":"{\"q\":\"x\\\"y\","}'
	done
}

@test "--rejects names a file by its real name, control characters and all" {
	printf '[1]\n' >"$(printf 'a\tb.jsonl')"
	for t in "${TOOLS[@]}"; do
		tool_cmd "$t" || continue
		run_split "${cmd[@]}" --on-error=skip --rejects rej.jsonl $'a\tb.jsonl'
		assert_status 1
		assert_stderr <<-EOF
		$t: a\\tb.jsonl:1: not a JSON object
		$t: 1 of 1 samples rejected
		EOF
		assert_bytes rej.jsonl '%s\n' \
		    '{"file":"a\tb.jsonl","line":1,"reason":"not a JSON object","raw":"[1]"}'
	done
}

@test "--rejects names a file whose name is not UTF-8 with U+FFFD, and its bytes in file_base64" {
	printf '[1]\n' >"$(printf 'a\377b.jsonl')"
	for t in "${TOOLS[@]}"; do
		tool_cmd "$t" || continue
		run_split "${cmd[@]}" --on-error=skip --rejects rej.jsonl $'a\xffb.jsonl'
		assert_status 1
		assert_stderr <<-EOF
		$t: a\\xffb.jsonl:1: not a JSON object
		$t: 1 of 1 samples rejected
		EOF
		assert_bytes rej.jsonl '%s\n' \
		    $'{"file":"a\xef\xbf\xbdb.jsonl","file_base64":"Yf9iLmpzb25s","line":1,"reason":"not a JSON object","raw":"[1]"}'
		# the record is valid JSON, and gives back the name's bytes
		[ "$(jq -r .file_base64 rej.jsonl | base64 -d | od -An -c | tr -s ' ')" = \
		    "$(printf 'a\377b.jsonl' | od -An -c | tr -s ' ')" ]
	done
}

@test "--rejects under the default policy saves the line that stopped the run" {
	printf '{"a":1}\n[1]\n[2]\n' >in.jsonl
	for t in "${TOOLS[@]}"; do
		tool_cmd "$t" || continue
		run_split "${cmd[@]}" --rejects rej.jsonl in.jsonl
		assert_status 2
		assert_output '{"a":1}'
		assert_stderr "$t: in.jsonl:2: not a JSON object"
		assert_bytes rej.jsonl '%s\n' \
		    '{"file":"in.jsonl","line":2,"reason":"not a JSON object","raw":"[1]"}'
	done
}

@test "--rejects with nothing rejected leaves an empty file" {
	printf '{"a":1}\n' >in.jsonl
	for t in "${TOOLS[@]}"; do
		tool_cmd "$t" || continue
		printf 'old\n' >rej.jsonl
		run_split "${cmd[@]}" --rejects rej.jsonl in.jsonl
		assert_success
		assert_output '{"a":1}'
		assert_stderr ''
		assert_bytes rej.jsonl ''
	done
}

@test "DM_REJECTS: every tool adds its records to the file it names, and --rejects wins over it" {
	printf '{"text":"a"}\n[1]\n{"text":"b"}\n' >in.jsonl
	rec='{"file":"in.jsonl","line":2,"reason":"not a JSON object","raw":"[1]"}'
	for t in "${TOOLS[@]}" dm-stats; do
		# dm-slice and dm-dedup take these samples, which have a text
		if [ $t = dm-stats ]; then
			cmd=(dm-stats)
		else
			tool_cmd "$t" || :
		fi
		printf 'old\n' >rej.jsonl
		DM_REJECTS=rej.jsonl run_split "${cmd[@]}" --on-error=skip in.jsonl
		assert_status 1
		assert_bytes rej.jsonl '%s\n' old "$rec"
		# --rejects empties its own file, and leaves that one alone
		DM_REJECTS=rej.jsonl run_split "${cmd[@]}" --on-error=skip --rejects own.jsonl in.jsonl
		assert_status 1
		assert_bytes own.jsonl '%s\n' "$rec"
		assert_bytes rej.jsonl '%s\n' old "$rec"
		# empty: no file
		DM_REJECTS= run_split "${cmd[@]}" --on-error=skip in.jsonl
		assert_status 1
		assert_bytes rej.jsonl '%s\n' old "$rec"
	done
}

# ---- output ----

@test "ends quietly when the reader goes away (| head -n1)" {
	numbered 300000 >big.jsonl
	for t in "${TOOLS[@]}"; do
		tool_cmd "$t" || continue
		"${cmd[@]}" big.jsonl 2>err | head -n1 >out
		st=("${PIPESTATUS[@]}")
		[ "${st[0]}" -eq 141 ]
		assert_bytes err ''
		assert_bytes out '%s\n' '{"n":1,"text":"some words of text"}'
		# the same from stdin, and with SIGPIPE ignored by the parent
		(trap '' PIPE; "${cmd[@]}" <big.jsonl 2>err | head -n1 >out;
		    echo "${PIPESTATUS[0]}" >st)
		assert_bytes err ''
		assert_bytes out '%s\n' '{"n":1,"text":"some words of text"}'
		assert_bytes st '141\n'
	done
}

# nonblock.py IN|OUT FILE CMD...: runs CMD with its standard input (IN:
# fed from FILE slowly, in pieces) or its standard output (OUT: read
# slowly, written to FILE) a pipe set O_NONBLOCK, as a parent that shares
# the descriptor may leave it; prints CMD's exit status.
nonblock_py() {
	cat >nonblock.py <<-'EOF'
	import fcntl, os, subprocess, sys, time
	side, path, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
	r, w = os.pipe()
	mine, theirs = (w, r) if side == "IN" else (r, w)
	fcntl.fcntl(theirs, fcntl.F_SETFL,
	    fcntl.fcntl(theirs, fcntl.F_GETFL) | os.O_NONBLOCK)
	p = subprocess.Popen(cmd, **{"stdin" if side == "IN" else "stdout": theirs})
	os.close(theirs)
	if side == "IN":
	    data = open(path, "rb").read()
	    for i in range(0, len(data), 4096):
	        if i % 65536 == 0:
	            time.sleep(0.02)
	        os.write(mine, data[i:i + 4096])
	    os.close(mine)
	else:
	    with open(path, "wb") as f:
	        while True:
	            time.sleep(0.002)
	            d = os.read(mine, 65536)
	            if not d:
	                break
	            f.write(d)
	print(p.wait())
	EOF
}

@test "standard input and output left non-blocking by a parent are waited on, not a read or write error" {
	nonblock_py
	numbered 20000 >big.jsonl
	gzip -c big.jsonl >big.jsonl.gz
	for t in "${TOOLS[@]}"; do
		tool_cmd "$t" || continue
		run python3 nonblock.py IN big.jsonl "${cmd[@]}"
		assert_success
		[ "$(sed -n '$p' <<<"$output")" = 0 ]
		[ "$(sed '$d' <<<"$output" | cmp - big.jsonl && echo same)" = same ]
		# compressed, decompressed as it comes
		run python3 nonblock.py IN big.jsonl.gz "${cmd[@]}"
		assert_success
		[ "$(sed -n '$p' <<<"$output")" = 0 ]
		[ "$(sed '$d' <<<"$output" | cmp - big.jsonl && echo same)" = same ]
		run python3 nonblock.py OUT out.jsonl "${cmd[@]}" big.jsonl
		assert_success
		assert_output 0
		cmp out.jsonl big.jsonl
	done
	# dm-stats reads the same way
	run python3 nonblock.py IN big.jsonl dm-stats --json -s len
	assert_success
	[ "$(sed -n '$p' <<<"$output")" = 0 ]
	[ "$(sed '$d' <<<"$output" | jq -c '.samples, .stats[0].count' | paste -sd,)" = 20000,20000 ]
}

@test "a write error (/dev/full) exits 2 with 'write error'" {
	printf '{"a":1}\n' >small.jsonl
	numbered 100000 >big.jsonl
	for t in "${TOOLS[@]}"; do
		tool_cmd "$t" || continue
		for in in small.jsonl big.jsonl; do
			"${cmd[@]}" "$in" >/dev/full 2>err && status=0 || status=$?
			[ "$status" -eq 2 ]
			assert_bytes err '%s\n' "$t: write error: No space left on device"
		done
	done
}

@test "a write error on the rejects file exits 2 naming it" {
	printf '[1]\n{"a":1}\n' >in.jsonl
	for t in "${TOOLS[@]}"; do
		tool_cmd "$t" || continue
		run_split "${cmd[@]}" --on-error=skip --rejects /dev/full in.jsonl
		assert_status 2
		assert_output '{"a":1}'
		assert_stderr <<-EOF
		$t: in.jsonl:1: not a JSON object
		$t: /dev/full: write error: No space left on device
		EOF
	done
}

# run_until SIG: runs the tool on an endless stream (yes), sends SIG once
# output has started, and leaves the output in out, stderr in err, and the
# status in $status.
run_until() {
	rm -f out err
	yes '{"text":"hello","n":1.50}' 3>&- | "${cmd[@]}" >out 2>err 3>&- &
	local pid=$!
	wait_for_size out 1000000
	signal_and_wait "$pid" "$1"
}

# Every line of out is a whole sample.
assert_whole_lines() {
	[ -s out ]
	[ "$(tail -c 1 out | od -An -c | tr -d ' ')" = '\n' ]
	jq -c . out >/dev/null
	[ "$(grep -cvx '{"text":"hello","n":1.50}' out)" -eq 0 ]
}

@test "SIGINT during a long run leaves no half-written line and exits 130" {
	for t in "${TOOLS[@]}"; do
		tool_cmd "$t" || continue
		run_until INT
		[ "$status" -eq 130 ]
		assert_whole_lines
		assert_bytes err ''
	done
}

@test "SIGTERM during a long run leaves no half-written line and exits 143" {
	for t in "${TOOLS[@]}"; do
		tool_cmd "$t" || continue
		run_until TERM
		[ "$status" -eq 143 ]
		assert_whole_lines
		assert_bytes err ''
	done
}

@test "SIGTERM while nobody reads the output stops in 2 s, says so, and exits 143" {
	mkfifo held
	for t in "${TOOLS[@]}"; do
		tool_cmd "$t" || continue
		rm -f out err go
		yes '{"text":"hello","n":1.50}' 3>&- | "${cmd[@]}" >held 2>err 3>&- &
		pid=$!
		# a reader that reads nothing until the tool has ended
		{
			for i in $(seq 1200); do [ -e go ] && break; sleep 0.05; done
			cat
		} <held >out 3>&- &
		reader=$!
		wait_blocked "$pid" '*pipe_write*' '*pipe_wait*'
		signal_and_wait "$pid" TERM
		touch go
		wait "$reader"
		[ "$status" -eq 143 ]
		# what the pipe held: whole samples, the last one perhaps cut
		[ "$(wc -c <out)" -ge 4096 ]
		[ "$(sed '$d' out | grep -cvx '{"text":"hello","n":1.50}')" -eq 0 ]
		[[ '{"text":"hello","n":1.50}' == "$(tail -n 1 out)"* ]]
		cut='; its last line is cut short'
		[ "$(tail -c 1 out | od -An -c | tr -d ' ')" != '\n' ] || cut=
		assert_bytes err "$t: stopped writing: output not read for 2 s after the signal$cut\n"
	done
}

@test "SIGINT while waiting for input ends the run with every line read so far" {
	for t in "${TOOLS[@]}"; do
		tool_cmd "$t" || continue
		rm -f fifo out err
		mkfifo fifo
		"${cmd[@]}" <fifo >out 2>err 3>&- &
		pid=$!
		exec 4>fifo
		printf '{"a":1}\n{"b":2}\n' >&4
		wait_blocked "$pid"	# both lines read; blocked on the next read
		signal_and_wait "$pid" INT
		exec 4>&-
		[ "$status" -eq 130 ]
		assert_bytes out '{"a":1}\n{"b":2}\n'
		assert_bytes err ''
	done
}

# ---- the text field ----

@test "-k FIELD chooses the text field" {
	for t in "${TOOLS[@]}"; do
		text_cmd "$t" || continue
		run_split "${cmd[@]}" -k body <<<'{"text":1,"body":"ABC"}'
		assert_success
		assert_stderr ''
		assert_output '{"text":1,"body":"ABC"}'
		run_split "${cmd[@]}" --key body <<<'{"text":"ABC"}'
		assert_status 2
		assert_stderr "$t: <stdin>:1: field 'body' is missing"
	done
}

@test "DM_TEXT_KEY chooses the text field, and -k overrides it" {
	for t in "${TOOLS[@]}"; do
		text_cmd "$t" || continue
		DM_TEXT_KEY=body run_split "${cmd[@]}" <<<'{"text":1,"body":"ABC"}'
		assert_success
		assert_stderr ''
		assert_output '{"text":1,"body":"ABC"}'
		DM_TEXT_KEY=body run_split "${cmd[@]}" -k text <<<'{"text":"ABC","body":1}'
		assert_success
		assert_output '{"text":"ABC","body":1}'
		DM_TEXT_KEY=body run_split "${cmd[@]}" <<<'{"text":"ABC"}'
		assert_status 2
		assert_stderr "$t: <stdin>:1: field 'body' is missing"
	done
}

@test "a dotted text field reaches a nested object" {
	for t in "${TOOLS[@]}"; do
		text_cmd "$t" || continue
		run_split "${cmd[@]}" -k meta.body <<<'{"text":1,"meta":{"body":"ABC"}}'
		assert_success
		assert_stderr ''
		assert_output '{"text":1,"meta":{"body":"ABC"}}'
		run_split "${cmd[@]}" -k meta.body <<<'{"text":"ABC","meta":{"body":2}}'
		assert_status 2
		assert_stderr "$t: <stdin>:1: field 'meta.body' is not a string"
		run_split "${cmd[@]}" -k meta.body <<<'{"text":"ABC","meta":"body"}'
		assert_status 2
		assert_stderr "$t: <stdin>:1: field 'meta.body' is missing"
	done
}

@test "a missing text field is reported with file and line" {
	printf '{"text":"ABC"}\n{"body":"ABC"}\n' >in.jsonl
	for t in "${TOOLS[@]}"; do
		text_cmd "$t" || continue
		run_split "${cmd[@]}" <<<'{"body":"ABC"}'
		assert_status 2
		assert_output ''
		assert_stderr "$t: <stdin>:1: field 'text' is missing"
		run_split "${cmd[@]}" in.jsonl
		assert_status 2
		assert_output '{"text":"ABC"}'
		assert_stderr "$t: in.jsonl:2: field 'text' is missing"
	done
}

@test "a text field that is not a string is reported with file and line" {
	for t in "${TOOLS[@]}"; do
		text_cmd "$t" || continue
		for v in 1 null true '["ABC"]' '{"a":"ABC"}'; do
			run_split "${cmd[@]}" <<<"{\"text\":$v}"
			assert_status 2
			assert_output ''
			assert_stderr "$t: <stdin>:1: field 'text' is not a string"
		done
	done
}

@test "a bad text field under --on-error=skip is a reject, saved with its reason" {
	printf '{"text":"ABC"}\n{"text":7}\n{"text":"ABC","n":1}\n' >in.jsonl
	for t in "${TOOLS[@]}"; do
		text_cmd "$t" || continue
		run_split "${cmd[@]}" --on-error=skip --rejects rej.jsonl in.jsonl
		assert_status 1
		assert_output $'{"text":"ABC"}\n{"text":"ABC","n":1}'
		assert_stderr <<-EOF
		$t: in.jsonl:2: field 'text' is not a string
		$t: 1 of 3 samples rejected
		EOF
		assert_bytes rej.jsonl '%s\n' \
		    '{"file":"in.jsonl","line":2,"reason":"field '\''text'\'' is not a string","raw":"{\"text\":7}"}'
	done
}

# dm-stats is a sink: it writes a summary, never a sample, so it is not in
# TOOLS; here it meets the rules that apply to it.
@test "dm-stats: help, version, bad options, empty input, write errors, | head" {
	run_split dm-stats --help
	assert_success
	[[ "$output" == "usage: dm-stats "* ]]
	run_split dm-stats -V
	assert_output "dm-stats (dm) $(dm-map -V | cut -d' ' -f3)"
	run_split dm-stats --nope
	assert_status 2
	[[ "$stderr" == "dm-stats: unknown option '--nope'"$'\n'"usage: dm-stats "* ]]
	run_split dm-stats --top
	assert_status 2
	[[ "$stderr" == "dm-stats: option '--top' needs a value"* ]]
	: >empty.jsonl
	run_split dm-stats --json empty.jsonl
	assert_success
	assert_stderr ''
	[ "$(jq -c '[.samples, .bytes, .rejected]' <<<"$output")" = '[0,0,0]' ]
	numbered 100000 >big.jsonl
	dm-stats big.jsonl >/dev/full 2>err && status=0 || status=$?
	[ "$status" -eq 2 ]
	assert_bytes err '%s\n' "dm-stats: write error: No space left on device"
	dm-stats --html /dev/full big.jsonl 2>err && status=0 || status=$?
	[ "$status" -eq 2 ]
	assert_bytes err '%s\n' "dm-stats: /dev/full: write error: No space left on device"
	dm-stats --partial big.jsonl 2>err | head -c 10 >out
	assert_bytes err ''
	assert_bytes out '{"dm_stats'
}

# ---- --max-line ----

# long3: three samples, the second one a line of 5011 bytes
long3() {
	printf '{"text":"a"}\n{"text":"%s"}\n{"text":"b"}\n' \
	    "$(head -c 5000 /dev/zero | tr '\0' x)"
}

@test "a line longer than --max-line stops the run with its file and line" {
	long3 >in.jsonl
	for t in "${TOOLS[@]}"; do
		tool_cmd "$t" || :
		run_split "${cmd[@]}" --max-line 2K in.jsonl
		assert_status 2
		[ "$t" = dm-slice ] || assert_output '{"text":"a"}'
		assert_stderr "$t: in.jsonl:2: line is longer than --max-line (2048 bytes)"
	done
}

@test "under skip an overlong line is rejected with its head and length, the rest goes on" {
	long3 >in.jsonl
	for t in "${TOOLS[@]}"; do
		tool_cmd "$t" || continue
		run_split "${cmd[@]}" --max-line 2K --on-error=skip \
		    --rejects rej.jsonl in.jsonl
		assert_status 1
		assert_output "$(printf '%s\n' '{"text":"a"}' '{"text":"b"}')"
		assert_stderr "$(printf '%s\n' \
		    "$t: in.jsonl:2: line of 5011 bytes is longer than --max-line (2048 bytes)" \
		    "$t: 1 of 3 samples rejected")"
		run jq -c '[.file, .line, .reason, .length, (.raw_head | length),
		    (.raw_head | .[0:12])]' rej.jsonl
		assert_output '["in.jsonl",2,"line of 5011 bytes is longer than --max-line (2048 bytes)",5011,2048,"{\"text\":\"xxx"]'
	done
}

@test "the head of an overlong line is cut at a character boundary, or kept in base64" {
	printf '{"text":"a%s"}\n' "$(for i in $(seq 100); do printf 'é'; done)" >u.jsonl
	printf '{"text":"\377%s"}\n' "$(head -c 100 /dev/zero | tr '\0' x)" >b.jsonl
	for t in "${TOOLS[@]}"; do
		tool_cmd "$t" || continue
		run_split "${cmd[@]}" --max-line 13 --on-error=skip \
		    --rejects rej.jsonl u.jsonl b.jsonl
		assert_status 1
		run jq -c '[.raw_head, .raw_head_base64, .length]' rej.jsonl
		assert_output "$(printf '%s\n' '["{\"text\":\"aé",null,212]' \
		    '[null,"eyJ0ZXh0Ijoi/3h4eA==",112]')"
	done
}

@test "--max-line 0 lifts the limit; a bad size is a usage error" {
	long3 >in.jsonl
	for t in "${TOOLS[@]}"; do
		tool_cmd "$t" || continue
		run_out out "${cmd[@]}" --max-line 0 in.jsonl
		assert_success
		cmp out in.jsonl
		run_split "${cmd[@]}" --max-line 2X in.jsonl
		assert_status 2
		[ "${stderr%%$'\n'*}" = "$t: --max-line: '2X' is not a size" ]
	done
}

@test "an endless line stays within --max-line and SIGTERM stops the read" {
	local pid rss r i
	skip_asan "its shadow memory and quarantine of freed blocks are in the RSS"
	for t in "${TOOLS[@]}"; do
		tool_cmd "$t" || :
		for policy in skip stop; do
			"${cmd[@]}" --max-line 4M --on-error=$policy \
			    </dev/zero >/dev/null 2>err &
			pid=$!
			# past 4M read (stop: it ends by itself), the peak RSS
			rss=0
			for i in $(seq 200); do
				sleep 0.05
				r=$(awk '/^VmHWM/ { print $2 }' /proc/$pid/status 2>/dev/null) || break
				[ -n "$r" ] || break
				rss=$r
				[ $policy = skip ] && [ $i -ge 10 ] && break
			done
			kill -TERM $pid 2>/dev/null || true
			wait $pid && status=0 || status=$?
			echo "$t $policy: rss $rss kB, status $status"
			[ "${rss:-0}" -lt 30000 ]
			if [ $policy = skip ]; then
				[ $status -eq 143 ]
			else
				[ $status -eq 2 ]
				[ "$(cat err)" = "$t: <stdin>:1: line is longer than --max-line (4194304 bytes)" ]
			fi
		done
		# the default limit (1G) is far away: the signal stops the read
		"${cmd[@]}" </dev/zero >/dev/null 2>err &
		pid=$!
		sleep 0.3
		kill -TERM $pid
		wait $pid && status=0 || status=$?
		[ $status -eq 143 ]
	done
}

# ---- tools that read no samples: dm-recipe ----

@test "dm-recipe: --help, -V, a bad option, a write error, quiet under head" {
	run_split dm-recipe --help
	assert_success
	[[ ${output%%$'\n'*} == "usage: dm-recipe "* ]]
	run_split dm-recipe -V
	assert_output "dm-recipe (dm) 0.1.0"
	usage=$(usage_of dm-recipe)
	run_split dm-recipe show --bogus r.yaml
	assert_status 2
	assert_stderr "dm-recipe: unknown option '--bogus'"$'\n'"$usage"
	dm-recipe ops >/dev/full 2>err && status=0 || status=$?
	[ "$status" -eq 2 ]
	assert_bytes err '%s\n' "dm-recipe: write error: No space left on device"
	dm-recipe ops 2>err | head -n1 >/dev/null
	assert_bytes err ''
}

@test "--files0-from reads the files a NUL-ended list names, from a file or standard input, as operands" {
	printf '{"f":1,"text":"a"}\n' >'a b.jsonl'
	printf '{"f":2,"text":"b"}\n{"f":3,"text":"c"}' >$'new\nline.jsonl'
	printf '{"f":4,"text":"d"}\n' >-dash.jsonl
	printf '%s\0' 'a b.jsonl' $'new\nline.jsonl' >list
	printf '%s' ./-dash.jsonl >>list	# the last name without its NUL
	want=$'{"f":1,"text":"a"}\n{"f":2,"text":"b"}\n{"f":3,"text":"c"}\n{"f":4,"text":"d"}'
	cmds=("dm-filter true" "dm-map lower" "dm-run -j 2 -- 'dm-filter true'")
	for c in "${cmds[@]}"; do
		eval "set -- $c"
		tool=$1
		shift
		run_split "$tool" --files0-from list "$@" </dev/null
		assert_success
		assert_stderr ''
		assert_output "$want"
		# the list on standard input
		run_split "$tool" --files0-from - "$@" <list
		assert_success
		assert_output "$want"
		# a list of no name is no input at all, not standard input
		: >empty
		run_split "$tool" --files0-from empty "$@" <<<'{"f":0}'
		assert_success
		assert_stderr ''
		assert_output ''
		# a bad line is named after its file and line (dm-run's
		# jobs number the lines of several operands in their
		# blocks: dm-run(1))
		printf '%s\0' 'a b.jsonl' bad.jsonl >list2
		printf '{"f":5,"text":"e"}\n[]\n' >bad.jsonl
		if [ "$tool" != dm-run ]; then
			run_split "$tool" --files0-from list2 "$@"
			assert_status 2
			assert_stderr "$tool: bad.jsonl:2: not a JSON object"
			assert_output $'{"f":1,"text":"a"}\n{"f":5,"text":"e"}'
		fi
		# errors: an empty name, - in a list read from stdin, a list
		# that cannot be read, an operand as well
		printf 'a b.jsonl\0\0' >list3
		run_split "$tool" --files0-from list3 "$@"
		assert_status 2
		assert_stderr "$tool: list3:2: an empty file name"
		run_split "$tool" --files0-from - "$@" < <(printf 'a b.jsonl\0-\0')
		assert_status 2
		assert_stderr "$tool: <stdin>:2: '-', where standard input is the list"
		run_split "$tool" --files0-from nosuch "$@"
		assert_status 2
		assert_stderr "$tool: nosuch: No such file or directory"
	done
	# dm-dedup reads the files twice (the second time through the list
	# too, not standard input); its stages take their own operands
	printf '{"f":5,"text":"a"}\n' >dup.jsonl
	printf '%s\0' 'a b.jsonl' dup.jsonl ./-dash.jsonl >dlist
	run_split dm-dedup --files0-from dlist <<<'{"f":0,"text":"z"}'
	assert_success
	assert_output $'{"f":1,"text":"a"}\n{"f":4,"text":"d"}'
	run_split dm-dedup sign -o sig --files0-from dlist
	assert_status 2
	assert_stderr "dm-dedup: --files0-from names the inputs of the single command, not of sign
$(usage_of dm-dedup)"
	# dm-llm, its samples kept untouched (tool_cmd)
	tool_cmd dm-llm
	run_split "${cmd[@]}" --files0-from list </dev/null
	assert_success
	assert_output "$want"
	run_split dm-filter --files0-from list true 'a b.jsonl'
	assert_status 2
	assert_stderr "dm-filter: 'a b.jsonl': an operand, where --files0-from names the inputs
$(usage_of dm-filter)"
	# dm-slice and dm-stats: the output of the same files as operands
	dm-slice --size 1 'a b.jsonl' $'new\nline.jsonl' ./-dash.jsonl >want
	run_out got dm-slice --size 1 --files0-from list
	assert_success
	assert_same got want
	dm-stats --json 'a b.jsonl' $'new\nline.jsonl' ./-dash.jsonl >want
	run_out got dm-stats --json --files0-from list
	assert_success
	assert_same got want
	dm-stats --partial 'a b.jsonl' >p1
	dm-stats --partial ./-dash.jsonl >p2
	printf 'p1\0p2\0' >plist
	dm-stats --merge --json p1 p2 >want
	run_out got dm-stats --merge --json --files0-from plist
	assert_success
	assert_same got want
	# standard input cannot hold both the list and an expression or
	# script
	run_split dm-filter -f - --files0-from - <list
	assert_status 2
	[[ $stderr == "dm-filter: -f - and --files0-from -: standard input holds one of them"$'\n'usage:* ]]
	run_split dm-map -f - --files0-from - <list
	assert_status 2
	[[ $stderr == "dm-map: -f - and --files0-from -: standard input holds one of them"$'\n'usage:* ]]
	# -f - with the samples named in a list
	run_split dm-filter -f - --files0-from list <<<'f > 2'
	assert_success
	assert_output $'{"f":3,"text":"c"}\n{"f":4,"text":"d"}'
}
