#!/usr/bin/env bats
# op-langid.bats - langid, lang and lang("xx"): fastText models and CLD2

load helper

# A tiny fastText classifier trained here with Debian's fasttext, as .bin
# and quantized .ftz; dm must predict what `fasttext predict-prob` does.
setup_file() {
	local d=$BATS_FILE_TMPDIR
	cat > "$d/train.txt" <<'TRAIN'
__label__en the cat sat on the mat and looked at the garden
__label__en we are going to the market to buy some bread and milk
__label__en this is a short sentence written in plain english
__label__en the weather today is sunny with a light breeze
__label__en please read the manual before you start the machine
__label__de die katze sitzt auf der matte und schaut in den garten
__label__de wir gehen auf den markt um brot und milch zu kaufen
__label__de das ist ein kurzer satz in einfacher deutscher sprache
__label__de das wetter ist heute sonnig mit einer leichten brise
__label__de bitte lesen sie die anleitung bevor sie die maschine starten
__label__fr le chat est assis sur le tapis et regarde le jardin
__label__fr nous allons au marché pour acheter du pain et du lait
__label__fr ceci est une phrase courte écrite en français simple
__label__fr le temps est ensoleillé aujourd'hui avec une brise légère
__label__fr veuillez lire le manuel avant de démarrer la machine
TRAIN
	fasttext supervised -input "$d/train.txt" -output "$d/lid" -epoch 200 \
	    -lr 1.0 -dim 8 -minn 2 -maxn 4 -bucket 20000 -thread 1 -seed 1 \
	    -verbose 0
	fasttext quantize -input "$d/train.txt" -output "$d/lid" -dsub 2 \
	    -verbose 0
	# texts as JSON, and the same texts with newlines as spaces, one a line
	cat > "$d/texts.jsonl" <<'TEXTS'
{"text":"the cat and the machine"}
{"text":"Die Katze und die Maschine"}
{"text":"le chat\net le jardin"}
{"text":""}
{"text":"The Garden\tBread 123 ☃ 😀 中文"}
{"text":"wir gehen\n\nau marché\r\nthe milk"}
TEXTS
	jq -r '.text | gsub("\n"; " ")' "$d/texts.jsonl" > "$d/texts.txt"
}

# predict-prob's output as "top en de fr" per text, 6 significant digits
reference() {
	fasttext predict-prob "$1" "$2" -1 | awk '{
		delete p
		for (i = 1; i < NF; i += 2) p[substr($i, 10)] = $(i + 1)
		printf "%s %g %g %g\n", substr($1, 10), p["en"], p["de"], p["fr"]
	}'
}

# dm's lang and lang("xx") in the same form
dm_langs() {
	DM_LANGID_MODEL=$1 dm-map "set t=lang en='lang(\"en\")' de='lang(\"de\")' fr='lang(\"fr\")'" "$2" |
	    jq -r '"\(.t) \(.en) \(.de) \(.fr)"' |
	    awk '{ printf "%s %g %g %g\n", $1, $2, $3, $4 }'
}

@test "lang and lang(\"xx\") equal fasttext predict-prob -1 to 6 digits on a .bin model" {
	local d=$BATS_FILE_TMPDIR
	want=$(reference "$d/lid.bin" "$d/texts.txt")
	[ "$(printf '%s\n' "$want" | wc -l)" -eq 6 ]
	run dm_langs "$d/lid.bin" "$d/texts.jsonl"
	assert_success
	assert_output "$want"
}

@test "lang and lang(\"xx\") equal fasttext predict-prob -1 on a quantized .ftz model" {
	local d=$BATS_FILE_TMPDIR
	want=$(reference "$d/lid.ftz" "$d/texts.txt")
	run dm_langs "$d/lid.ftz" "$d/texts.jsonl"
	assert_success
	assert_output "$want"
}

@test "langid writes meta.lang and meta.lang_score as fasttext predict-prob's best label" {
	local d=$BATS_FILE_TMPDIR
	want=$(fasttext predict-prob "$d/lid.bin" "$d/texts.txt" |
	    awk '{ printf "%s %g\n", substr($1, 10), $2 }')
	run bash -c "dm-map 'langid model=$d/lid.bin' '$d/texts.jsonl' |
	    jq -r '\"\(.meta.lang) \(.meta.lang_score)\"' |
	    awk '{ printf \"%s %g\n\", \$1, \$2 }'"
	assert_success
	assert_output "$want"
}

@test "a multi-line text is predicted whole, its newlines as spaces" {
	local d=$BATS_FILE_TMPDIR
	printf 'le chat et le jardin the cat and the garden\n' > in.txt
	want=$(fasttext predict-prob "$d/lid.bin" in.txt | awk '{ printf "%s %g\n", substr($1, 10), $2 }')
	run bash -c "printf '%s\n' '{\"text\":\"le chat et le jardin\nthe cat and the garden\"}' |
	    dm-map 'langid model=$d/lid.bin' | jq -r '\"\(.meta.lang) \(.meta.lang_score)\"' |
	    awk '{ printf \"%s %g\n\", \$1, \$2 }'"
	assert_success
	assert_output "$want"
}

@test "lower=true lower-cases the text first, as Data-Juicer" {
	local d=$BATS_FILE_TMPDIR
	printf 'die katze und die maschine ärger\n' > in.txt
	want=$(fasttext predict-prob "$d/lid.bin" in.txt | awk '{ printf "%s %g\n", substr($1, 10), $2 }')
	run bash -c "printf '%s\n' '{\"text\":\"DIE KATZE und die Maschine ÄRGER\"}' |
	    dm-map 'langid model=$d/lid.bin lower=true field=lang score_field=score' |
	    jq -r '\"\(.lang) \(.score)\"' | awk '{ printf \"%s %g\n\", \$1, \$2 }'"
	assert_success
	assert_output "$want"
}

@test "without a model, CLD2 names the language and the share of the text in it" {
	run dm-map langid <<'EOF2'
{"text":"Hello world, this is a sentence in English about the weather today."}
{"text":"Der schnelle braune Fuchs springt über den faulen Hund und läuft weg."}
{"text":"这是一个中文句子，用来测试语言识别。"}
{"text":""}
EOF2
	assert_success
	assert_output <<'EOF2'
{"text":"Hello world, this is a sentence in English about the weather today.","meta":{"lang":"en","lang_score":0.98}}
{"text":"Der schnelle braune Fuchs springt über den faulen Hund und läuft weg.","meta":{"lang":"de","lang_score":0.98}}
{"text":"这是一个中文句子，用来测试语言识别。","meta":{"lang":"zh","lang_score":0.98}}
{"text":"","meta":{"lang":"un","lang_score":0.0}}
EOF2
}

@test "dm-filter keeps samples by lang and lang(\"xx\") with CLD2" {
	printf '%s\n' '{"text":"Der schnelle braune Fuchs springt über den faulen Hund und läuft weg."}' \
	    '{"text":"Hello world, this is a sentence in English about the weather today."}' > in.jsonl
	run dm-filter 'lang == "de"' in.jsonl
	assert_success
	assert_output '{"text":"Der schnelle braune Fuchs springt über den faulen Hund und läuft weg."}'
	run dm-filter 'lang("en") >= 0.65' in.jsonl
	assert_success
	assert_output '{"text":"Hello world, this is a sentence in English about the weather today."}'
}

@test "model=cld2 overrides DM_LANGID_MODEL, and .lang is still the field" {
	local d=$BATS_FILE_TMPDIR
	DM_LANGID_MODEL=$d/lid.bin run dm-map 'langid model=cld2; set same=".lang == meta.lang"' <<< \
	    '{"text":"Hello world, this is a sentence in English about the weather today.","lang":"en"}'
	assert_success
	assert_output '{"text":"Hello world, this is a sentence in English about the weather today.","lang":"en","meta":{"lang":"en","lang_score":0.98},"same":true}'
}

@test "a missing, foreign or truncated model is an error naming it" {
	local d=$BATS_FILE_TMPDIR
	head -c 300000 "$d/lid.bin" > trunc.bin
	run_split dm-map 'langid model=nope.bin' <<< '{"text":"x"}'
	assert_status 2
	assert_stderr "dm-map: script:1:1: langid: model 'nope.bin': No such file or directory"
	run_split dm-map "langid model=$d/train.txt" <<< '{"text":"x"}'
	assert_status 2
	assert_stderr "dm-map: script:1:1: langid: model '$d/train.txt': not a fastText model"
	run_split dm-map 'langid model=trunc.bin' <<< '{"text":"x"}'
	assert_status 2
	assert_stderr "dm-map: script:1:1: langid: model 'trunc.bin': truncated or damaged model"
	DM_LANGID_MODEL=trunc.bin run_split dm-filter 'lang == "en"' <<< '{"text":"x"}'
	assert_status 2
	assert_stderr <<'EOF2'
dm-filter: expression:1:1: lang: model 'trunc.bin': truncated or damaged model
  lang == "en"
  ^
EOF2
}
