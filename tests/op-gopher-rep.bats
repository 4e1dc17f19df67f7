#!/usr/bin/env bats
# op-gopher-rep.bats - gopher-rep: Gopher's repetition rules (datatrove GopherRepetitionFilter)

load helper

# B: 20 distinct words and a period on one line, 108 characters.
B='Alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma tau upsilon.'
# A: 10 words and a period, 57 characters.
A='Alpha beta gamma delta epsilon zeta eta theta iota kappa.'
X=antidisestablishmentarianism		# 28 characters

@test "keeps a text without repetition" {
	# 191 characters, two paragraphs, 40 tokens, nothing repeated: the
	# commonest n-grams are the first ones, seen once: "Alpha beta" 10,
	# "Alpha beta gamma" 16, "Alpha beta gamma delta" 22 / 191 = 0.115
	run q "$B\n\nPhi chi psi omega are the last letters, and the first ones open every list we know." 'gopher_rep()'
	assert_output true
}

@test "drops over 30% duplicate paragraphs as dup_para_frac" {
	# paragraphs: P, Q, P, P -- 2 duplicates of 4 = 0.5 > 0.3
	run q 'One two three.\n\nFour five.\n\nOne two three.\n\nOne two three.' 'gopher_rep()'
	assert_output '"gopher-rep: dup_para_frac"'
}

@test "drops over 20% of characters in duplicate paragraphs as dup_para_char_frac" {
	# A, One., Two., Three., A: 1 duplicate of 5 = 0.2 (not over 0.3),
	# but its 57 characters are 57 / 136 = 0.42 of the text
	run q "$A\n\nOne.\n\nTwo.\n\nThree.\n\n$A" 'gopher_rep()'
	assert_output '"gopher-rep: dup_para_char_frac"'
}

@test "drops over 30% duplicate lines as dup_line_frac" {
	# one paragraph; lines P, Q, P, P: 2 of 4 = 0.5
	run q 'One two three.\nFour five.\nOne two three.\nOne two three.' 'gopher_rep()'
	assert_output '"gopher-rep: dup_line_frac"'
}

@test "drops over 20% of characters in duplicate lines as dup_line_char_frac" {
	# lines A, One., Two., Three., A: 1 of 5, 57 / 132 = 0.43
	run q "$A\nOne.\nTwo.\nThree.\n$A" 'gopher_rep()'
	assert_output '"gopher-rep: dup_line_char_frac"'
}

@test "counts the empty pieces a split on newlines leaves at the ends" {
	# re.split("\n+", "\nx\n") is "", "x", "": 1 duplicate of 3 = 0.33
	run q '\nx\n' 'gopher_rep()'
	assert_output '"gopher-rep: dup_line_frac"'
}

@test "drops a 2-gram over 20% of the text as top_2_gram" {
	# "extraordinary circumstances" (27 characters) twice: 54 / 185 =
	# 0.29; every 3-gram and 4-gram is seen once
	run q "$B Such extraordinary circumstances arise, then extraordinary circumstances pass." 'gopher_rep()'
	assert_output '"gopher-rep: top_2_gram"'
}

@test "drops a 3-gram over 18% of the text as top_3_gram" {
	# "to be unquestionably" (20) twice: 40 / 173 = 0.23; the top 2-gram
	# "to be" (5) twice is 10 / 173
	run q "$B We want to be unquestionably right, and to be unquestionably kind." 'gopher_rep()'
	assert_output '"gopher-rep: top_3_gram"'
}

@test "drops a 4-gram over 16% of the text as top_4_gram" {
	# "to be so unquestionably" (23) twice: 46 / 179 = 0.26; "to be so"
	# twice is 16 / 179
	run q "$B We want to be so unquestionably right, and to be so unquestionably kind." 'gopher_rep()'
	assert_output '"gopher-rep: top_4_gram"'
}

@test "takes the first of equally common n-grams, as Counter.most_common" {
	# "ab cd" and "$X floccinaucinihilipilification" both twice: the
	# first seen counts, 5 x 2 = 10 / 154 = 0.06; the long one would be
	# 58 x 2 / 154 = 0.75
	local y=floccinaucinihilipilification
	run q "ab cd one two $X $y three ab cd four $X $y five." 'gopher_rep()'
	assert_output true
	run q "$X $y one two ab cd three $X $y four ab cd five." 'gopher_rep()'
	assert_output '"gopher-rep: top_2_gram"'
}

@test "drops repeated 5-grams over 15% of the text as duplicated_5_n_grams" {
	# "to be so very $X" twice: the second adds to be so very X = 38
	# characters (joined without spaces) / 217 = 0.175; the top 4-gram
	# "to be so very" (13) twice is 26 / 217 = 0.12
	run q "$B They are to be so very $X, we were to be so very $X again." 'gopher_rep()'
	assert_output '"gopher-rep: duplicated_5_n_grams"'
}

@test "drops repeated 6-grams over 14% of the text as duplicated_6_n_grams" {
	# block of 6: 5-grams find to be so very much (14 / 227), 6-grams
	# the whole block, 14 + 28 = 42 / 227 = 0.185
	run q "$B They are to be so very much $X, we were to be so very much $X again." 'gopher_rep()'
	assert_output '"gopher-rep: duplicated_6_n_grams"'
}

@test "drops repeated 7-grams over 13% of the text as duplicated_7_n_grams" {
	# 5: 14, 6: 18, 7: 18 + 28 = 46 / 237 = 0.194
	run q "$B They are to be so very much more $X, we were to be so very much more $X again." 'gopher_rep()'
	assert_output '"gopher-rep: duplicated_7_n_grams"'
}

@test "drops repeated 8-grams over 12% of the text as duplicated_8_n_grams" {
	# 5: 14, 6: 18, 7: 20, 8: 20 + 28 = 48 / 243 = 0.198
	run q "$B They are to be so very much more of $X, we were to be so very much more of $X again." 'gopher_rep()'
	assert_output '"gopher-rep: duplicated_8_n_grams"'
}

@test "drops repeated 9-grams over 11% of the text as duplicated_9_n_grams" {
	# 5: 14 ... 8: 22, 9: 22 + 28 = 50 / 249 = 0.201
	run q "$B They are to be so very much more of an $X, we were to be so very much more of an $X again." 'gopher_rep()'
	assert_output '"gopher-rep: duplicated_9_n_grams"'
}

@test "drops repeated 10-grams over 10% of the text as duplicated_10_n_grams" {
	# a block of 10 words: 5-grams find both of its halves (the walk
	# skips 5 words after a repeat and the second half repeats too): 53
	# characters, as for 10-grams; 53 / 401 = 0.132 passes 0.15 but not
	# 0.10. Shorter, the 5-gram rule goes first (53 / 257 = 0.21).
	local s="They are to be so very much more of an odd $X, we were to be so very much more of an odd $X again."
	run q "$B Phi chi psi omega are the last letters, and the first ones open every list we know. Numbers like seven, eleven and thirteen stay prime forever. $s" 'gopher_rep()'
	assert_output '"gopher-rep: duplicated_10_n_grams"'
	run q "$B $s" 'gopher_rep()'
	assert_output '"gopher-rep: duplicated_5_n_grams"'
}

@test "each threshold is a parameter" {
	# 42 / 227 = 0.185 <= 0.2
	run q "$B They are to be so very much $X, we were to be so very much $X again." 'gopher_rep(dup_6_gram=0.2)'
	assert_output true
	run q 'One two three.\nFour five.\nOne two three.\nOne two three.' 'gopher_rep(dup_line_frac=0.5)'
	assert_output '"gopher-rep: dup_line_char_frac"'
}

@test "a threshold of 0 turns its rule off" {
	# without the 2-gram rule: the top 3-gram and 4-gram are seen once
	run q "$B Such extraordinary circumstances arise, then extraordinary circumstances pass." 'gopher_rep(top_2_gram=0)'
	assert_output true
}

@test "counts characters, not bytes" {
	# paragraphs E, F, G, H, E with E nine é: 1 duplicate of 5; its 9
	# characters are 9 / 50 = 0.18 of the text, which passes (in bytes,
	# 18 / 59 = 0.31 would not); the short text then fails the top
	# 2-gram, "E F" 18 / 50
	local e=ééééééééé
	run q "$e\n\nabcdefgh\n\nijklmnop\n\nqrstuvwx\n\n$e" 'gopher_rep()'
	assert_output '"gopher-rep: top_2_gram"'
}

@test "an empty text passes" {
	run q '' 'gopher_rep()'
	assert_output true
}

@test "n-gram rules agree with datatrove's definitions on repetitive texts" {
	# Texts of lower-case words and single spaces (word_tokenize gives
	# str.split()), from a few words that run into each other ("ab c"
	# and "a bc" join alike), many repeated: each n-gram rule alone, at
	# two thresholds, marks the texts datatrove's find_top_duplicate and
	# find_all_duplicate (restated in Python) drop.
	cd "$BATS_TEST_TMPDIR"
	/usr/bin/python3 - <<'PY'
import json, random
from collections import Counter
random.seed(19)
def top(words, n):
    g = [" ".join(words[i:i + n]) for i in range(len(words) - n + 1)]
    t = Counter(g).most_common(1)[0]
    return len(t[0]) * t[1]
def alldup(words, n):
    seen, chars, i = set(), 0, 0
    while i < len(words) - n + 1:
        g = "".join(words[i:i + n])
        if g in seen:
            chars += len(g)
            i += n
        else:
            seen.add(g)
            i += 1
    return chars
vocab = ["a", "b", "ab", "ba", "c", "bc", "abc", "cab", "dd", "longerword"]
texts = []
for k in range(400):
    v = vocab[:random.randint(2, len(vocab))]
    w = [random.choice(v) for _ in range(random.choice([10, 12, 30, 90, 300]))]
    if k % 3 == 0:
        b = w[:random.randint(3, 9)]
        w = (b * len(w))[:len(w)]
    texts.append(w)
with open("in.jsonl", "w") as f:
    for w in texts:
        f.write(json.dumps({"text": " ".join(w)}) + "\n")
for n in range(2, 11):
    for t in (0.1, 0.3):
        with open("want-%d-%s" % (n, t), "w") as f:
            for w in texts:
                l = len(" ".join(w))
                v = top(w, n) if n <= 4 else alldup(w, n)
                why = "top_%d_gram" % n if n <= 4 else \
                    "duplicated_%d_n_grams" % n
                f.write(('"gopher-rep: %s"' % why if v / l > t
                    else "true") + "\n")
PY
	local off='dup_line_frac=0, dup_para_frac=0, dup_line_char_frac=0, dup_para_char_frac=0'
	local all='top_2_gram=0, top_3_gram=0, top_4_gram=0, dup_5_gram=0, dup_6_gram=0, dup_7_gram=0, dup_8_gram=0, dup_9_gram=0, dup_10_gram=0'
	local n t r drops=0
	for n in 2 3 4 5 6 7 8 9 10; do
		r=dup_${n}_gram
		[ "$n" -le 4 ] && r=top_${n}_gram
		for t in 0.1 0.3; do
			dm-filter --mark q "gopher_rep($off, ${all/$r=0/$r=$t})" \
			    <in.jsonl | sed 's/.*,"q"://; s/}$//' >got
			cmp got "want-$n-$t"
			drops=$((drops + $(grep -c gopher-rep got)))
		done
	done
	# both answers are there
	[ "$drops" -gt 1000 ] && [ "$drops" -lt 6200 ]
}

@test "lines, paragraphs and n-grams past 240 bytes hash alike at every SIMD level" {
	# XXH3 of more than 240 bytes takes AVX2 at level avx2 (src/ngramset-
	# avx2.c); DM_QUALITY_CHECK=1 makes a hash that differs from the
	# other levels' fatal. Long words make long n-grams; some lines and
	# paragraphs come again.
	cd "$BATS_TEST_TMPDIR"
	/usr/bin/python3 - <<'PY' >in.jsonl
import json, random
r = random.Random(19)
words = ["".join(r.choice("abcdefghij") for _ in range(r.randint(20, 70)))
    for _ in range(12)]
for k in range(150):
    lines = [" ".join(r.choice(words) for _ in range(r.randint(1, 30)))
        for _ in range(r.randint(1, 6))]
    lines += r.sample(lines, r.randint(0, len(lines)))
    print(json.dumps({"text": ("\n\n" if k % 2 else "\n").join(lines)}))
PY
	for level in none sse2 avx2; do
		DM_SIMD=$level DM_QUALITY_CHECK=1 run_split dm-filter --mark=m 'gopher_rep()' in.jsonl
		assert_success
		assert_stderr ''
		jq -r .m <<<"$output" >"marks-$level"
	done
	cmp marks-none marks-sse2
	cmp marks-none marks-avx2
	# every rule of the long texts has its say
	[ "$(LC_ALL=C sort -u marks-avx2 | tr '\n' ' ')" = 'gopher-rep: dup_line_char_frac gopher-rep: dup_line_frac gopher-rep: dup_para_char_frac gopher-rep: dup_para_frac gopher-rep: duplicated_10_n_grams gopher-rep: duplicated_5_n_grams gopher-rep: duplicated_7_n_grams gopher-rep: top_2_gram gopher-rep: top_3_gram gopher-rep: top_4_gram true ' ]
}
