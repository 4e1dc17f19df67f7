#!/usr/bin/env bats
# op-chinese-convert.bats - chinese-convert: Data-Juicer's chinese_convert_mapper,
# OpenCC through dm-opencc.so, compared with the opencc command

load helper

MODES="s2t t2s s2tw tw2s s2hk hk2s s2twp tw2sp t2tw tw2t hk2t t2hk t2jp jp2t"

# conv MODE TEXT: the text field chinese-convert mode=MODE makes of TEXT
conv() {
	printf '{"text":"%s"}\n' "$2" | dm-map "chinese-convert mode=$1" |
	    jq -r .text
}

@test "converts Simplified to Traditional by default, as OpenCC's s2t" {
	run dm-map chinese-convert <<'EOF2'
{"id":1,"text":"汉字 头发 里面 软件","meta":{"lang":"zh"}}
EOF2
	assert_success
	assert_output '{"id":1,"text":"漢字 頭髮 裏面 軟件","meta":{"lang":"zh"}}'
}

@test "converts in each of the fourteen modes of Data-Juicer" {
	run conv s2t '汉字 头发 里面 软件 台湾'
	assert_output '漢字 頭髮 裏面 軟件 臺灣'
	run conv t2s '為什麼 軟體 臺灣 頭髮'
	assert_output '为什么 软体 台湾 头发'
	run conv s2tw '汉字 里面 头发 着'
	assert_output '漢字 裡面 頭髮 著'
	run conv tw2s '裡面 頭髮 著 軟體'
	assert_output '里面 头发 着 软体'
	run conv s2hk '台湾 软件 伪'
	assert_output '台灣 軟件 偽'
	run conv hk2s '衞生 台灣 軟件'
	assert_output '卫生 台湾 软件'
	run conv s2twp '软件 鼠标 里面'
	assert_output '軟體 滑鼠 裡面'
	run conv tw2sp '軟體 滑鼠 裡面'
	assert_output '软件 鼠标 里面'
	run conv t2tw '裏面 僞 台灣 汉字'
	assert_output '裡面 偽 台灣 汉字'
	run conv tw2t '裡面 偽 為什麼'
	assert_output '裏面 僞 爲什麼'
	run conv hk2t '衞生 為什麼 台灣'
	assert_output '衛生 爲什麼 臺灣'
	run conv t2hk '臺灣 僞 為什麼'
	assert_output '台灣 偽 為什麼'
	run conv t2jp '學校 廣 氣 圖書館 藝術 軟體 髮型'
	assert_output '学校 広 気 図書館 芸術 軟体 髪型'
	run conv jp2t '学校 広い 気 図書館 芸術'
	assert_output '學校 廣い 氣 圖書館 藝術'
}

@test "converts like the opencc command in every mode, over 400 random texts" {
	# the phrases of OpenCC's own dictionaries, both sides, mixed with
	# ASCII, emoji, other scripts, white space, newlines and empty texts
	run "$DM_REPO/tests/opencc-ref.py" 400 11 $MODES
	assert_success
	assert_output <<'EOF2'
s2t: 400 same, 370 changed
t2s: 400 same, 359 changed
s2tw: 400 same, 370 changed
tw2s: 400 same, 360 changed
s2hk: 400 same, 370 changed
hk2s: 400 same, 359 changed
s2twp: 400 same, 371 changed
tw2sp: 400 same, 360 changed
t2tw: 400 same, 73 changed
tw2t: 400 same, 91 changed
hk2t: 400 same, 115 changed
t2hk: 400 same, 85 changed
t2jp: 400 same, 317 changed
jp2t: 400 same, 266 changed
EOF2
}

@test "leaves a text it does not change byte for byte" {
	# ASCII alone, and Traditional text under s2t, escapes and spacing kept
	run dm-map chinese-convert <<'EOF2'
{"text": "plain ASCII, 3.14", "n": 1}
{"text": "\u6f22\u5b57 \ud83d\ude00", "n": 2}
{"text": ""}
EOF2
	assert_success
	assert_output <<'EOF2'
{"text": "plain ASCII, 3.14", "n": 1}
{"text": "\u6f22\u5b57 \ud83d\ude00", "n": 2}
{"text": ""}
EOF2
}

@test "keeps a NUL character and converts the text on both sides of it" {
	# OpenCC itself stops at the NUL and drops the rest
	run dm-map 'chinese-convert mode=s2twp' <<< '{"text":"软件\u0000鼠标\u0000"}'
	assert_success
	assert_output '{"text":"軟體\u0000滑鼠\u0000"}'
}

@test "converts the field of -k, and a later operator sees the converted text" {
	run dm-map -k body 'chinese-convert mode=t2s; upper' <<< '{"text":"臺灣","body":"臺灣 abc"}'
	assert_success
	assert_output '{"text":"臺灣","body":"台湾 ABC"}'
}

@test "an unknown mode is an error when the script is read, listing the modes" {
	run_split dm-map 'chinese-convert mode=zh2t' <<< '{"text":"汉字"}'
	assert_status 2
	assert_output ''
	assert_stderr <<'EOF2'
dm-map: script:1:22: chinese-convert: 'mode' must be one of s2t, t2s, s2tw, tw2s, s2hk, hk2s, s2twp, tw2sp, t2tw, tw2t, hk2t, t2hk, t2jp, jp2t, not 'zh2t'
  chinese-convert mode=zh2t
                       ^
EOF2
	# as Data-Juicer's list: the case counts, and no ".json"
	run dm-map 'chinese-convert mode=S2T' <<< '{"text":"汉字"}'
	assert_status 2
	run dm-map 'chinese-convert mode=s2t.json' <<< '{"text":"汉字"}'
	assert_status 2
}

@test "a missing or non-string text field is a bad sample, as for every text operator" {
	run_split dm-map chinese-convert <<'EOF2'
{"id":1}
EOF2
	assert_status 2
	assert_output ''
	assert_stderr "dm-map: <stdin>:1: field 'text' is missing"
	run_split dm-map --on-error=skip chinese-convert <<'EOF2'
{"id":1,"text":"汉字"}
{"id":2,"text":7}
{"id":3,"text":"软件"}
EOF2
	assert_status 1
	assert_output <<'EOF2'
{"id":1,"text":"漢字"}
{"id":3,"text":"軟件"}
EOF2
	assert_stderr <<'EOF2'
dm-map: <stdin>:2: field 'text' is not a string
dm-map: 1 of 3 samples rejected
EOF2
}

@test "reads each mode's configuration once in a process, however many operators use it" {
	# LeakSanitizer cannot run under ptrace: no leak check under ASan here
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
	    run_split strace -f -e trace=openat -o trace.txt \
	    dm-map 'chinese-convert; chinese-convert mode=s2t; chinese-convert mode=t2s; chinese-convert mode=s2t' <<< '{"text":"汉字"}'
	assert_success
	assert_output '{"text":"漢字"}'
	[ "$(grep -c '"/usr/share/opencc/s2t\.json"' trace.txt)" -eq 1 ]
	[ "$(grep -c '"/usr/share/opencc/t2s\.json"' trace.txt)" -eq 1 ]
	[ "$(grep -c '"/usr/share/opencc/STPhrases\.ocd2"' trace.txt)" -eq 1 ]
	[ "$(grep -c 'dm-opencc\.so"' trace.txt)" -eq 1 ]
	# no file is looked for in the current folder
	run grep -E '"[^/"]+\.(json|ocd2)"' trace.txt
	assert_status 1
}

@test "files named like OpenCC's in the current folder are not read" {
	# libopencc, and so the opencc command, takes ./s2t.json and
	# ./STPhrases.ocd2 before its own
	printf '{' >s2t.json
	printf 'garbage' >STPhrases.ocd2
	run dm-map chinese-convert <<< '{"text":"汉字"}'
	assert_success
	assert_output '{"text":"漢字"}'
	# (it says so, and exits 0)
	run opencc -c /usr/share/opencc/s2t.json <<< '汉字'
	assert_output 'Invalid format: Invalid OpenCC dictionary header'
}

@test "DM_OPENCC_DIR chooses the configurations; a missing or broken one is an error naming the file" {
	mkdir occ
	cp /usr/share/opencc/t2s.json /usr/share/opencc/TS*.ocd2 occ/
	cp /usr/share/opencc/s2t.json occ/
	printf '{' >occ/t2tw.json
	printf '[1]' >occ/tw2t.json
	printf '{"segmentation": 1}' >occ/hk2t.json
	export DM_OPENCC_DIR=$PWD/occ
	run dm-map 'chinese-convert mode=t2s' <<< '{"text":"臺灣"}'
	assert_success
	assert_output '{"text":"台湾"}'
	run_split dm-map 'chinese-convert mode=s2tw' <<< '{"text":"汉字"}'
	assert_status 2
	assert_stderr "dm-map: script:1:1: chinese-convert: OpenCC configuration '$PWD/occ/s2tw.json': No such file or directory (Debian's libopencc-data installs it; DM_OPENCC_DIR names another folder)"
	# s2t.json is there, its dictionaries are not: none is taken from
	# elsewhere
	run_split dm-map chinese-convert <<< '{"text":"汉字"}'
	assert_status 2
	assert_stderr "dm-map: script:1:1: chinese-convert: OpenCC configuration '$PWD/occ/s2t.json': $PWD/occ/STPhrases.ocd2 not found or not accessible"
	run_split dm-map 'chinese-convert mode=t2tw' <<< '{"text":"汉字"}'
	assert_status 2
	assert_stderr "dm-map: script:1:1: chinese-convert: OpenCC configuration '$PWD/occ/t2tw.json': line 1: string or '}' expected near end of file"
	run_split dm-map 'chinese-convert mode=tw2t' <<< '{"text":"汉字"}'
	assert_status 2
	assert_stderr "dm-map: script:1:1: chinese-convert: OpenCC configuration '$PWD/occ/tw2t.json': not a JSON object"
	# OpenCC's own message
	run_split dm-map 'chinese-convert mode=hk2t' <<< '{"text":"汉字"}'
	assert_status 2
	assert_stderr "dm-map: script:1:1: chinese-convert: OpenCC configuration '$PWD/occ/hk2t.json': Invalid format: Property must be an object: segmentation"
}

@test "a missing dm-opencc.so is an error naming the operator; other operators need none" {
	[ ! -e /usr/local/lib/dm/dm-opencc.so ] || skip "dm is installed in /usr/local"
	mkdir -p lone/bin
	cp "$DM_BINDIR/dm-map" lone/bin/
	run_split lone/bin/dm-map chinese-convert <<< '{"text":"汉字"}'
	assert_status 2
	assert_output ''
	assert_stderr "dm-map: script:1:1: chinese-convert: cannot load OpenCC: 'dm-opencc.so' is not installed (next to the tools, nor in '/usr/local/lib/dm')"
	run lone/bin/dm-map upper <<< '{"text":"abc"}'
	assert_success
	assert_output '{"text":"ABC"}'
}
