#!/usr/bin/env bats
# quality-words.bats - the words of gopher, gopher-rep and fineweb, cut fast

load helper

# check_levels FILE N: DM_QUALITY_CHECK=1 agrees on the N samples of FILE
# whether the bits of each byte come from AVX2, SSE2 or the plain loop
check_levels() {
	local level
	for level in none sse2 avx2; do
		DM_SIMD=$level DM_QUALITY_CHECK=1 run sh -c "dm-filter --count \
		    'gopher() || gopher_rep() || fineweb() || true' \
		    '$1' >/dev/null"
		assert_success
		assert_output "dm-filter: kept $2 of $2 samples"
	done
}

# The predicates cut most words without NLTK's substitutions (the chunks
# those only pad, src/quality.c); DM_QUALITY_CHECK=1 splits every text a
# second time through the substitutions alone and makes any difference in
# the words fatal. These tests feed it texts made of the pieces where the
# two ways could part.

@test "words of a generated web corpus are those of the substitutions" {
	cc -O2 -o gen "$BATS_TEST_DIRNAME/bench/gen.c"
	./gen 2 >corpus.jsonl
	n=$(wc -l <corpus.jsonl | tr -d ' ')
	check_levels corpus.jsonl "$n"
}

@test "words of texts packed with quotes, contractions and punctuation are those of the substitutions" {
	/usr/bin/python3 - <<'PY' >mix.jsonl
import json, random
r = random.Random(19)
pieces = ["word", "Word", "cannot", "CanNot", "wanna", "gonna", "gimme",
    "gotta", "lemme", "more'n", "d'ye", "can't", "it's", "I'm", "'tis",
    "'Twas", "you'll", "they're", "'", "''", '"', "`", "``", "'a", "a'",
    ".", "..", "...", "Mr.", "U.S.", "e.g.", "end.", "-", "--", "---",
    ",", ",,", ":", ",5", "1,000", "a,b", "x:y", "3:4", "a:", ",a", "(",
    ")", "[", "]", "{", "}", "<", ">", "*", ";", "@", "#", "$", "%", "&",
    "?", "!", "?!", "(a)", "a;b", "é", "Ωmega", "\u0663", ",\u0663",
    "\u00ab", "\u00bb", "\u201c", "\u201d", "\u2018", "\u2019", "\u201e",
    "\u201a", "\u00a0", "\u2003", "\u3000", "\x1c", "\x1f", "\x85",
    "\u2026", "\U0001F600", "ﬁn", "İ", "K", "ſ", "don't", "n't", "N'T",
    "'s", "'S", "'ll", "'re", "'ve", "'m", "'d", '"a', 'a"', '("', '<"',
    '""', '",', ',"', '"..."', "a...", "a--b", "a,.", '"a".', "\u2014",
    "\u00e9\u2014a", "\u20ac", "\u0660", ":\u0660", "can", "was", "go",
    "a/b", "x=y", "a_b", "a+b", "http://x.y/z?a=b", "people", "capable",
    "going", "leg", "wax", "\u00a9", "\u1e9e", "\u3001", "\u2122a",
    "$5.", "a/b.", "#x.", "`a.", "&c.", "No.", "J.", "3.", "Inc.", "etc.",
    "The", "However,", "x.y", "a.b.c"]
seps = [" ", " ", " ", "  ", "\t", "\n", "\n\n", "\r\n", "\v", "\f", ""]
for k in range(4000):
    n = r.randint(1, 40)
    t = "".join(r.choice(pieces) + r.choice(seps) for _ in range(n))
    if r.random() < 0.3:
        t = r.choice(['"', "'", "(", " ", "\n", "``"]) + t
    if r.random() < 0.3:
        t = t + r.choice([".", ". ", '."', ".)", ". ' ", "?", ",", ":",
            " wanna", " 'tis", "'", ".\u201d", ". \u00a0"])
    print(json.dumps({"text": t}))
PY
	check_levels mix.jsonl 4000
}

@test "a quoted contraction, a bracketed one and a final ellipsis cut as NLTK cuts them" {
	# He said `` can not , '' and left . | Then ( gon na ) go ... :
	# 10 words that are not all punctuation
	printf '{"text":"%s"}\n' 'He said \"cannot,\" and left. Then (gonna) go...' \
	    >one.jsonl
	DM_QUALITY_CHECK=1 run dm-filter \
	    'gopher(min_doc_words=10, max_doc_words=10, min_avg_word_length=0, max_avg_word_length=0, max_symbol_word_ratio=0, max_bullet_lines_ratio=0, max_ellipsis_lines_ratio=0, max_non_alpha_words_ratio=0, min_stop_words=0)' \
	    one.jsonl
	assert_success
	assert_output "$(cat one.jsonl)"
}

@test "each line's text is split anew, the next text of the same length decoded to the same place too" {
	# texts with an escape are decoded into the same buffer, line after
	# line; the words are known by the line they come from, not by place
	a=$(printf 'that with %.0s' $(seq 14))'that with'
	b=$(printf 'x %.0s' $(seq 74))x
	for t in "$a" "$b" "$b" "$a" "$a" "$b"; do
		printf '{"text":"%s\\n%s"}\n' "$t" "$t"
	done >in.jsonl
	[ ${#a} = ${#b} ]
	run_split dm-filter --mark=m 'gopher()' in.jsonl
	assert_success
	assert_stderr ''
	[ "$(jq -r .m <<<"$output" | tr '\n' ' ')" = 'true gopher: below_avg_threshold gopher: below_avg_threshold true true gopher: below_avg_threshold ' ]
}
