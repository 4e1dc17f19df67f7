#!/usr/bin/env bats
# op-load.bats - dm-map's load operator: the text of the files and archive
# members that dm-scan --no-text named, read later

load helper

T='2024-01-02 03:04:05Z'

@test "reads files, archive members, nested members and compressed files" {
	mkdir -p d/in
	printf 'hello\n' >d/a.txt
	printf '# x\n' >d/in/x.md
	printf 'note\n' >d/notes.txt
	touch -d "$T" d/a.txt d/in/x.md d/notes.txt
	tar -czf d/inner.tar.gz -C d/in x.md
	gzip -k d/notes.txt
	(cd d && zip -q ../outer.zip inner.tar.gz notes.txt.gz)
	printf '%s\n' '{"path":"d/a.txt"}' '{"path":"outer.zip!/inner.tar.gz!/x.md","n":1}' \
	    '{"path":"outer.zip!/notes.txt.gz"}' '{"path":"d/notes.txt.gz"}' >in.jsonl
	run_split dm-map load in.jsonl
	assert_success
	assert_stderr ''
	assert_output <<'OUT'
{"path":"d/a.txt","encoding":"utf-8","text":"hello\n"}
{"path":"outer.zip!/inner.tar.gz!/x.md","n":1,"encoding":"utf-8","text":"# x\n"}
{"path":"outer.zip!/notes.txt.gz","encoding":"utf-8","text":"note\n"}
{"path":"d/notes.txt.gz","encoding":"utf-8","text":"note\n"}
OUT
}

@test "gives what dm-scan gives, from dm-scan --no-text, encodings too" {
	mkdir t
	printf 'plain\n' >t/a.txt
	printf '\xef\xbb\xbfbom\n' >t/bom.txt
	printf 'caf\xe9\n' >t/latin1.txt
	printf 'h\xc3\xa9' | iconv -f UTF-8 -t UTF-16 >t/u16.txt
	printf 'x\n' >"t/$(printf 'new\nline\xff.txt')"
	tar -cJf t.tar.xz t
	dm-scan t t.tar.xz >full
	dm-scan --no-text t t.tar.xz | dm-map load >loaded
	assert_same loaded full
	[ "$(wc -l <full)" -eq 10 ]
}

@test "a member whose name holds '!/' is found, nested too" {
	mkdir -p 'src/x!' n
	printf 'inner\n' >'src/x!/b.txt'
	tar -cf 'n/y!.tar' -C src 'x!/b.txt'
	tar -cf n.tar -C n 'y!.tar'
	printf '%s\n' '{"path":"n/y!.tar!/x!/b.txt"}' '{"path":"n.tar!/y!.tar!/x!/b.txt"}' >in.jsonl
	run_split dm-map load in.jsonl
	assert_success
	assert_stderr ''
	assert_output <<'OUT'
{"path":"n/y!.tar!/x!/b.txt","encoding":"utf-8","text":"inner\n"}
{"path":"n.tar!/y!.tar!/x!/b.txt","encoding":"utf-8","text":"inner\n"}
OUT
}

@test "a path that is not UTF-8 is read from path_base64" {
	printf 'x\n' >"$(printf 'bad\xff.txt')"
	run_split dm-map load <<<'{"path":"bad\ufffd.txt","path_base64":"YmFk/y50eHQ="}'
	assert_success
	assert_stderr ''
	assert_output '{"path":"bad\ufffd.txt","path_base64":"YmFk/y50eHQ=","encoding":"utf-8","text":"x\n"}'
}

@test "a missing file or member, a binary file, a bad field are errors of the sample" {
	printf '\0bin' >b.bin
	mkdir d
	printf 'in\n' >d/m.txt
	tar -czf t.tar.gz d
	printf '%s\n' '{"path":"gone.txt"}' '{"path":"t.tar.gz!/d/none.txt"}' \
	    '{"path":"b.bin"}' '{"path":7}' '{"x":1}' '{"path":"t.tar.gz!/d/m.txt"}' >in.jsonl
	run_split dm-map load in.jsonl
	assert_status 2
	assert_output ''
	assert_stderr 'dm-map: in.jsonl:1: load: gone.txt: No such file or directory'
	run_split dm-map --on-error=skip --rejects rej load in.jsonl
	assert_status 1
	assert_output '{"path":"t.tar.gz!/d/m.txt","encoding":"utf-8","text":"in\n"}'
	assert_stderr <<'OUT'
dm-map: in.jsonl:1: load: gone.txt: No such file or directory
dm-map: in.jsonl:2: load: t.tar.gz!/d/none.txt: no member 'd/none.txt'
dm-map: in.jsonl:3: load: b.bin: binary file
dm-map: in.jsonl:4: load: field 'path' is not a string
dm-map: in.jsonl:5: load: field 'path' is missing
dm-map: 5 of 6 samples rejected
OUT
	[ "$(jq -r .raw rej | head -n 1)" = '{"path":"gone.txt"}' ]
}

@test "field, max_size and encoding_errors parameters; -k names the text field" {
	printf 'hello\n' >a.txt
	printf 'caf\xe9\n' >l.txt
	run_split dm-map 'load field=f encoding_errors=latin1' <<<'{"f":"l.txt"}'
	assert_success
	assert_output '{"f":"l.txt","encoding":"latin1","text":"café\n"}'
	run_split dm-map 'load field=f' <<<'{"f":"l.txt"}'
	assert_success
	assert_output '{"f":"l.txt","encoding":"utf-8-replaced","text":"caf�\n"}'
	run_split dm-map 'load field=f encoding_errors=skip' <<<'{"f":"l.txt"}'
	assert_status 2
	assert_stderr 'dm-map: <stdin>:1: load: l.txt: not UTF-8'
	run_split dm-map 'load max_size=3' <<<'{"path":"a.txt"}'
	assert_status 2
	assert_stderr 'dm-map: <stdin>:1: load: a.txt: larger than 3 bytes'
	run_split dm-map -k body load <<<'{"path":"a.txt","body":"old"}'
	assert_success
	assert_output '{"path":"a.txt","body":"hello\n","encoding":"utf-8"}'
}

@test "an empty compressed file, alone or in an archive, is empty text" {
	: | gzip >e.txt.gz
	: | gzip | gzip >e.txt.gz.gz
	tar -cf t.tar e.txt.gz
	printf '%s\n' '{"path":"e.txt.gz"}' '{"path":"e.txt.gz.gz"}' \
	    '{"path":"t.tar!/e.txt.gz"}' >in.jsonl
	run_split dm-map load in.jsonl
	assert_success
	assert_stderr ''
	assert_output <<'OUT'
{"path":"e.txt.gz","encoding":"utf-8","text":""}
{"path":"e.txt.gz.gz","encoding":"utf-8","text":""}
{"path":"t.tar!/e.txt.gz","encoding":"utf-8","text":""}
OUT
}

@test "a FIFO is refused at once, not waited on for a writer" {
	mkfifo fifo
	run_split timeout 10 dm-map load <<< "{\"path\":\"$TMP/fifo\"}"
	assert_status 2
	assert_stderr "dm-map: <stdin>:1: load: $TMP/fifo: not a regular file"
}
