#!/usr/bin/env bats
# op-hash.bats - the hash operator: md5, sha256 and xxh64 digests of the text
#
# md5 and sha256 are checked against md5sum and sha256sum of the same
# UTF-8 bytes; xxh64 values are those xxhsum -H64 prints (XXH64, seed 0).

load helper

# digest PROGRAM TEXT: the hex digest of TEXT's bytes.
digest() {
	printf '%s' "$2" | "$1" | cut -d' ' -f1
}

@test "writes the md5 of the text into the field hash by default" {
	run dm-map hash <<< '{"text":"hello world"}'
	assert_success
	assert_output "{\"text\":\"hello world\",\"hash\":\"$(digest md5sum 'hello world')\"}"
}

@test "writes sha256 with algo=sha256" {
	run dm-map 'hash algo=sha256' <<< '{"text":"hello world"}'
	assert_success
	assert_output "{\"text\":\"hello world\",\"hash\":\"$(digest sha256sum 'hello world')\"}"
}

@test "writes xxh64 as sixteen hex digits with algo=xxh64" {
	run dm-map 'hash algo=xxh64' <<< $'{"text":"hello world"}\n{"text":"abc"}'
	assert_success
	assert_output $'{"text":"hello world","hash":"45ab6734b21e6968"}\n{"text":"abc","hash":"44bc2cf5ad770999"}'
}

@test "hashes the UTF-8 bytes of accented, CJK and emoji text" {
	local t='Ünïcödé 日本語 😀'
	run dm-map 'hash; hash algo=sha256 field=s; hash algo=xxh64 field=x' <<< "{\"text\":\"$t\"}"
	assert_success
	assert_output "{\"text\":\"$t\",\"hash\":\"$(digest md5sum "$t")\",\"s\":\"$(digest sha256sum "$t")\",\"x\":\"93f57ad837306856\"}"
}

@test "hashes the decoded text, not its JSON escapes" {
	run dm-map hash <<< '{"text":"\u00e9\n"}'
	assert_success
	assert_output "{\"text\":\"\\u00e9\\n\",\"hash\":\"$(digest md5sum $'\u00e9\n')\"}"
}

@test "hashes an empty text" {
	run dm-map 'hash; hash algo=sha256 field=s; hash algo=xxh64 field=x' <<< '{"text":""}'
	assert_success
	assert_output '{"text":"","hash":"d41d8cd98f00b204e9800998ecf8427e","s":"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855","x":"ef46db3751d8e999"}'
}

@test "hashes a text longer than one block of every algorithm" {
	local t
	t=$(printf 'x%.0s' $(seq 1000))
	run dm-map 'hash; hash algo=sha256 field=s; hash algo=xxh64 field=x' <<< "{\"text\":\"$t\"}"
	assert_success
	assert_output "{\"text\":\"$t\",\"hash\":\"$(digest md5sum "$t")\",\"s\":\"$(digest sha256sum "$t")\",\"x\":\"4cb9a3b69cb700e1\"}"
}

@test "hashes texts of every length around the padding boundaries" {
	local n t want=
	for n in 55 56 57 63 64 65 119 120; do
		t=$(printf 'a%.0s' $(seq $n))
		printf '{"text":"%s"}\n' "$t"
		want+="$(digest md5sum "$t") $(digest sha256sum "$t")"$'\n'
	done > in.jsonl
	run dm-map 'hash field=m; hash field=s algo=sha256' in.jsonl
	assert_success
	output=$(printf '%s\n' "$output" |
	    sed 's/.*"m":"\([0-9a-f]*\)","s":"\([0-9a-f]*\)"}$/\1 \2/')
	assert_output "${want%$'\n'}"
}

@test "replaces the value of an existing field in place" {
	run dm-map hash <<< '{"text":"a","hash":"old","z":1}'
	assert_success
	assert_output "{\"text\":\"a\",\"hash\":\"$(digest md5sum a)\",\"z\":1}"
}

@test "leaves a sample that already holds its digest byte for byte" {
	run dm-map hash <<< "{\"text\": \"a\",  \"hash\": \"$(digest md5sum a)\"}"
	assert_success
	assert_output "{\"text\": \"a\",  \"hash\": \"$(digest md5sum a)\"}"
}

@test "creates a nested field named by a dotted path" {
	run dm-map 'hash field=meta.id' <<< '{"text":"a","meta":{"k":1}}'
	assert_success
	assert_output "{\"text\":\"a\",\"meta\":{\"k\":1,\"id\":\"$(digest md5sum a)\"}}"
}

@test "hashes the field named by -k" {
	run dm-map -k body hash <<< '{"text":"a","body":"b"}'
	assert_success
	assert_output "{\"text\":\"a\",\"body\":\"b\",\"hash\":\"$(digest md5sum b)\"}"
}

@test "rejects a sample without the text field" {
	run_split dm-map hash <<< '{"x":1}'
	assert_status 2
	assert_output ''
	assert_stderr "dm-map: <stdin>:1: hash: field 'text' is missing"
}

@test "rejects a sample whose text is not a string" {
	run_split dm-map hash <<< '{"text":1}'
	assert_status 2
	assert_output ''
	assert_stderr "dm-map: <stdin>:1: hash: field 'text' is not a string"
}

@test "rejects a field path through a value that is not an object" {
	run_split dm-map 'hash field=meta.id' <<< '{"text":"a","meta":5}'
	assert_status 2
	assert_output ''
	assert_stderr "dm-map: <stdin>:1: hash: field 'meta' is not an object"
}

@test "goes on after a bad sample with --on-error=skip" {
	run_split dm-map --on-error=skip hash <<< $'{"x":1}\n{"text":"a"}'
	assert_status 1
	assert_output "{\"text\":\"a\",\"hash\":\"$(digest md5sum a)\"}"
}

@test "rejects an unknown algorithm" {
	run_split dm-map 'hash algo=crc32' <<< '{"text":"a"}'
	assert_status 2
	assert_output ''
	assert_stderr <<'EOF'
dm-map: script:1:11: hash: 'algo' must be one of md5, sha256, xxh64, not 'crc32'
  hash algo=crc32
            ^
EOF
}

@test "rejects an empty field name" {
	run_split dm-map 'hash field=""' <<< '{"text":"a"}'
	assert_status 2
	assert_output ''
	assert_stderr "dm-map: script:1:12: hash: 'field' needs a field name, not ''
  hash field=\"\"
             ^"
}

@test "rejects a field name that makes a key of no name, at its place" {
	run_split dm-map 'set x=1; hash field=h.' <<< '{"text":"a"}'
	assert_status 2
	assert_output ''
	assert_stderr "dm-map: script:1:22: hash: 'field' needs a field name, not 'h.'
  set x=1; hash field=h.
                       ^"
}
