#!/usr/bin/env bats
# dm-dedup-datamate.bats - dm-dedup --preset datamate: DataMate's DuplicateFilesFilter

load helper

REF=$DM_REPO/tests/datamate-ref.py

@test "keeps a text unless it is like one kept before it, greedily" {
	# A~B and B~C but not A~C: A and C stay (no clusters)
	cat >in.jsonl <<'EOF2'
{"id":"A","text":"a1。a2。a3。a4。b1。b2"}
{"id":"B","text":"a3。a4。b1。b2。c1。c2"}
{"id":"C","text":"b1。b2。c1。c2。c3。c4"}
{"id":"D","text":""}
EOF2
	"$REF" DuplicateFilesFilter 0.3 <in.jsonl >want.jsonl
	run dm-dedup --near --preset datamate --threshold 0.3 --mark dup in.jsonl
	assert_success
	assert_output <<'EOF2'
{"id":"A","text":"a1。a2。a3。a4。b1。b2","dup":null}
{"id":"B","text":"a3。a4。b1。b2。c1。c2","dup":"A"}
{"id":"C","text":"b1。b2。c1。c2。c3。c4","dup":null}
{"id":"D","text":"","dup":null}
EOF2
	dm-dedup --near --preset datamate --threshold 0.3 in.jsonl | dm-filter 'len > 0' >got.jsonl
	assert_same got.jsonl want.jsonl
}

@test "keeps what DataMate's code keeps on a corpus, at several thresholds" {
	/usr/bin/python3 "$DM_REPO/tests/dupfiles-corpus.py" >in.jsonl
	for th in 0.5 0.3 0.8; do
		if [ $th = 0.5 ]; then
			dm-dedup --near --preset datamate in.jsonl
		else
			dm-dedup --near --preset datamate --threshold $th in.jsonl
		fi | dm-filter 'len > 0' >got.jsonl
		"$REF" DuplicateFilesFilter $th <in.jsonl >want.jsonl
		assert_same got.jsonl want.jsonl
		kept="$kept $(wc -l <got.jsonl)"
	done
	[ "$kept" = " 165 93 224" ]
}

@test "--params shows the preset; what it does not take is a usage error" {
	run dm-dedup --near --preset datamate --params
	assert_success
	assert_output '{"mode":"near","preset":"datamate","tokenize":"punctuation","perms":128,"threshold":0.5,"file_name":"fileName","same_name":"hex"}'
	run dm-dedup --near --preset datamate --params --file-name '' --threshold 0.3
	assert_output '{"mode":"near","preset":"datamate","tokenize":"punctuation","perms":128,"threshold":0.3,"file_name":null}'
	run dm-dedup --near --preset datamate --params --file-name meta.name --same-name raw
	assert_output '{"mode":"near","preset":"datamate","tokenize":"punctuation","perms":128,"threshold":0.5,"file_name":"meta.name","same_name":"raw"}'
	run_split dm-dedup --near --preset datamate --perms 64
	assert_status 2
	[[ ${stderr%%$'\n'*} == "dm-dedup: --preset datamate is --near alone, with its own pieces and permutations: no stages, --tokenize, --window, --perms, --bands, --rows, --verify or --signatures" ]]
}

@test "a DataMate recipe's DuplicateFilesFilter runs as this preset" {
	printf '{"filePath":"%s"}\n' a b c >in.jsonl
	printf 'same text here。and more' >a
	printf 'same text here。and more' >b
	printf 'other' >c
	: >d
	printf '{"filePath":"%s"}\n' d >>in.jsonl
	printf 'dataset_id: d\ndataset_path: in.jsonl\nprocess:\n  - DuplicateFilesFilter:\n      fileDuplicateThreshold: 0.9\n' >p.yaml
	run dm-recipe show p.yaml
	assert_output <<'EOF2'
dm-map 'load field=filePath' in.jsonl |
  dm-filter 'len > 0' |
  dm-dedup --near --preset datamate --threshold 0.9
EOF2
	# an empty file is dropped, as DataMate's Filter base drops it
	run dm-recipe run p.yaml
	assert_success
	[ "$(printf '%s\n' "$output" | jq -r .filePath | tr '\n' ' ')" = "a c " ]
}

# names.jsonl: one text under several names; 612e747874 is 'a.txt' in hex
names() {
	cat >names.jsonl <<'EOF2'
{"id":"A","fileName":"a.txt","text":"same words here。and more"}
{"id":"B","fileName":"612e747874","text":"same words here。and more"}
{"id":"C","fileName":"a.txt","text":"same words here。and more"}
{"id":"D","fileName":"","text":"other words。here too"}
{"id":"E","fileName":"","text":"other words。here too"}
{"id":"F","text":"same words here。and more"}
{"id":"G","fileName":7,"text":"other words。here too"}
EOF2
}

@test "the same-name rule as DataMate's code has it: kept names in hex, compared with the raw name" {
	names
	# B leaves A out (A is stored as 612e747874), C does not (a.txt is
	# not its hex form), E leaves D out (the empty name is its own hex);
	# a sample without a string fileName leaves out none
	run dm-dedup --near --preset datamate --mark dup names.jsonl
	assert_success
	[ "$(jq -c '[.id, .dup]' <<<"$output" | tr '\n' ' ')" = '["A",null] ["B",null] ["C","A"] ["D",null] ["E",null] ["F","A"] ["G","D"] ' ]
	dm-dedup --near --preset datamate names.jsonl >got.jsonl
	"$REF" DuplicateFilesFilter <names.jsonl >want.jsonl
	assert_same got.jsonl want.jsonl
	[ "$(jq -r .id got.jsonl | tr '\n' ' ')" = 'A B D E ' ]
}

@test "--same-name raw leaves out kept samples of the same name; --file-name '' turns the rule off" {
	names
	run dm-dedup --near --preset datamate --same-name raw --mark dup names.jsonl
	assert_success
	[ "$(jq -c '[.id, .dup]' <<<"$output" | tr '\n' ' ')" = '["A",null] ["B","A"] ["C",null] ["D",null] ["E",null] ["F","A"] ["G","D"] ' ]
	run dm-dedup --near --preset datamate --file-name '' --mark dup names.jsonl
	assert_success
	[ "$(jq -c '[.id, .dup]' <<<"$output" | tr '\n' ' ')" = '["A",null] ["B","A"] ["C","A"] ["D",null] ["E","D"] ["F","A"] ["G","D"] ' ]
	# another field, nested
	jq -c '{id, meta: {name: .fileName}, text}' names.jsonl >nested.jsonl
	run dm-dedup --near --preset datamate --file-name meta.name --same-name raw nested.jsonl
	assert_success
	[ "$(jq -r .id <<<"$output" | tr '\n' ' ')" = 'A C D E ' ]
	run_split dm-dedup --near --preset datamate --same-name lower names.jsonl
	assert_status 2
	[[ ${stderr%%$'\n'*} == "dm-dedup: --same-name: 'lower' is not one of hex, raw" ]]
	run_split dm-dedup --near --file-name fileName names.jsonl
	assert_status 2
	[[ ${stderr%%$'\n'*} == "dm-dedup: --file-name and --same-name need --preset datamate" ]]
}

@test "--mark: a sample whose field cannot be set is a bad sample, not kept for the later ones to duplicate" {
	cat >in.jsonl <<'EOF2'
{"text":"hello world","meta":1}
{"text":"hello world","meta":{}}
{"text":"hello world","meta":{}}
EOF2
	run_split dm-dedup --near --preset datamate --mark meta.dup \
	    --on-error=skip in.jsonl
	assert_status 1
	assert_output <<'EOF2'
{"text":"hello world","meta":{"dup":null}}
{"text":"hello world","meta":{"dup":"in.jsonl:2"}}
EOF2
	assert_stderr <<'EOF2'
dm-dedup: in.jsonl:1: field 'meta' is not an object
dm-dedup: 1 of 3 samples rejected
EOF2
	# as the single command
	run_split dm-dedup --near --window 1 --mark meta.dup --on-error=skip \
	    in.jsonl
	assert_status 1
	assert_output <<'EOF2'
{"text":"hello world","meta":{"dup":null}}
{"text":"hello world","meta":{"dup":"in.jsonl:2"}}
EOF2
}

@test "kept samples beyond --memory are an error at the line, after the samples before it; a label counts its length" {
	awk 'BEGIN { for (i = 0; i < 3000; i++) printf "{\"text\":\"t%d\"}\n", i }' >in.jsonl
	run_split dm-dedup --near --preset datamate --memory 1M in.jsonl
	assert_status 2
	assert_stderr "dm-dedup: in.jsonl:1986: --preset datamate: the 1985 samples kept before it fill --memory (1048576 bytes)"
	head -n 1985 in.jsonl >want
	[ "$output" = "$(cat want)" ]
	# ids of 100 KB as --mark's labels: 10 of them fill 1M
	/usr/bin/python3 -c '
import json
for i in range(30):
    print(json.dumps({"id": "i%d-" % i + "x" * 100000, "text": "t%d" % i}))' >long.jsonl
	run_split dm-dedup --near --preset datamate --memory 1M --mark d long.jsonl
	assert_status 2
	assert_stderr "dm-dedup: long.jsonl:11: --preset datamate: the 10 samples kept before it fill --memory (1048576 bytes)"
	[ "$(printf '%s\n' "$output" | wc -l)" -eq 10 ]
}
