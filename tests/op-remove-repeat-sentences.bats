#!/usr/bin/env bats
# op-remove-repeat-sentences.bats - remove-repeat-sentences: Data-Juicer's remove_repeat_sentences_mapper

load helper

@test "drops later repeats of a sentence, across lines" {
	run dm-map remove-repeat-sentences <<< '{"text":"Hello world. Hello world! Bye now.\nHello world? hello world."}'
	assert_success
	assert_output '{"text":"Hello world. Bye now.\n hello world."}'
}

@test "lowercase=true compares sentences in lower case" {
	run dm-map 'remove-repeat-sentences lowercase=true' <<< '{"text":"Hi there. hi there. HI THERE!"}'
	assert_success
	assert_output '{"text":"Hi there."}'
}

@test "compares accented sentences by their letters a-z only" {
	run dm-map remove-repeat-sentences <<< '{"text":"Ça va? Très bien. ça va? TRÈS BIEN."}'
	assert_success
	assert_output '{"text":"Ça va? Très bien. TRÈS BIEN."}'
}

@test "splits CJK text on full-width sentence ends" {
	run dm-map remove-repeat-sentences <<< '{"text":"我们去吃饭。我们去吃饭！你好吗？我们去吃饭。"}'
	assert_success
	assert_output '{"text":"我们去吃饭。你好吗？"}'
}

@test "keeps a closing quote with its sentence" {
	run dm-map remove-repeat-sentences <<< '{"text":"He said “stop.” Then left. He said “stop.” ok"}'
	assert_success
	assert_output '{"text":"He said “stop.” Then left. ok"}'
}

@test "ignores emoji when comparing" {
	run dm-map remove-repeat-sentences <<< '{"text":"😀 fun! 😀 fun! 🎉 fun!"}'
	assert_success
	assert_output '{"text":"😀 fun!"}'
}

@test "ignore_special=false compares the punctuation too" {
	run dm-map 'remove-repeat-sentences ignore_special=false' <<< '{"text":"Hi there. Hi there!"}'
	assert_success
	assert_output '{"text":"Hi there. Hi there!"}'
}

@test "never drops a sentence whose key is shorter than min_len" {
	run dm-map 'remove-repeat-sentences min_len=3' <<< '{"text":"Ok. Ok. Fine. Fine."}'
	assert_success
	assert_output '{"text":"Ok. Ok. Fine."}'
}

@test "keeps empty lines and carriage returns" {
	run dm-map remove-repeat-sentences <<< '{"text":"one. two.\n\n\none. two. three.\r\nthree.\r\n"}'
	assert_success
	assert_output '{"text":"one. two.\n\n\n three.\r\n\r\n"}'
}

@test "splits after 2 and a closing quote, as Data-Juicer's pattern does" {
	run dm-map remove-repeat-sentences <<< '{"text":"Go 2”Go 2”Go"}'
	assert_success
	assert_output '{"text":"Go 2”Go"}'
}

@test "leaves empty text unchanged" {
	run dm-map remove-repeat-sentences <<< '{"text": "" }'
	assert_success
	assert_output '{"text": "" }'
}

@test "writes an unchanged sample back byte for byte" {
	run dm-map remove-repeat-sentences <<< '{"text": "a. a. B c.\n中文。😀",  "n": 1.50}'
	assert_success
	assert_output '{"text": "a. a. B c.\n中文。😀",  "n": 1.50}'
}
