#!/usr/bin/env bats
# dm-stats.bats - dataset summaries, partials and merge, the funnel

load helper

small() {
	printf '%s\n' \
	    '{"text":"hello world","meta":{"lang":"en","score":1}}' \
	    '{"text":"a b c\nd","meta":{"lang":"fr","score":2.5}}' \
	    '{"text":"xyz","meta":{"lang":"en"},"tags":["a","b"]}' >small.jsonl
}

@test "prints the summary as an aligned table in ASCII" {
	small
	LC_ALL=C run dm-stats -c meta.lang -s len,words,meta.score small.jsonl
	assert_success
	assert_output <<'OUT'
samples 3, bytes 160, rejected 0

statistic            count       mean        std        min        max
len                      3          7          4          3         11
words                    3    2.33333    1.52753          1          4
meta.score               2       1.75    1.06066          1        2.5

quantile               1%       5%      25%      50%      75%      95%      99%
len                  3.08      3.4        5        7        9     10.6    10.92
words                1.02      1.1      1.5        2        3      3.8     3.96
meta.score          1.015    1.075    1.375     1.75    2.125    2.425    2.485

histogram              min                                            max
len                      3  @@@                                       11
words                    1  @=                                        4
meta.score               1  @@                                        2.5

field                                count   share  types
meta                                     3  100.0%  object
meta.lang                                3  100.0%  string
meta.score                               2   66.7%  number
tags                                     1   33.3%  array
tags[]                                   1   33.3%  string
text                                     3  100.0%  string

meta.lang: 3 present, 0 missing, 2 distinct
  en                                     2   66.7%  ####################
  fr                                     1   33.3%  ##########
OUT
}

@test "draws histograms and bars with block characters in a UTF-8 locale" {
	small
	LC_ALL=C.UTF-8 run dm-stats -c meta.lang -s len --depth 0 small.jsonl
	assert_success
	[[ "${lines[6]}" == "len                      3  ███"*"11" ]]
	[[ "${lines[8]}" == *"66.7%  ████████████████████" ]]
	LC_ALL=C.UTF-8 run dm-stats --ascii -s len --depth 0 small.jsonl
	[[ "${lines[6]}" == "len                      3  @@@"*"11" ]]
}

@test "quantiles of a known sequence are numpy's linear ones, exactly" {
	seq 1 100 | sed 's/.*/{"v":&}/' >seq.jsonl
	run sh -c "dm-stats -s v --json seq.jsonl | jq -c '.stats[0] | [.count, .mean, .min, .quantiles, .max]'"
	assert_output '[100,50.5,1,{"1%":1.99,"5%":5.95,"25%":25.75,"50%":50.5,"75%":75.25,"95%":95.05,"99%":99.01},100]'
	want=$(/usr/bin/python3 -c 'import numpy as np; a=np.arange(1,101); print(",".join(repr(float(np.quantile(a,q))) for q in (.01,.05,.25,.5,.75,.95,.99)))')
	run sh -c "dm-stats -s v --json seq.jsonl | jq -r '[.stats[0].quantiles[] | tostring] | join(\",\")'"
	assert_output "$want"
}

@test "--exact quantiles of many values (ties, negatives, zeros of both signs) are numpy's linear ones, exactly" {
	/usr/bin/python3 - <<'PY' >many.jsonl
import random
r = random.Random(7)
vals = [r.choice([0.0, -0.0, 3, -3, 1e-300, -2.5e12]) if r.random() < 0.2 else
        round(r.gauss(0, 1) * 10 ** r.randint(-5, 8), r.randint(0, 12)) for _ in range(5000)]
for v in vals:
    print('{"v":%r}' % v)
PY
	want=$(/usr/bin/python3 -c '
import json, numpy as np
a = np.array([json.loads(l)["v"] for l in open("many.jsonl")])
print(",".join(repr(float(np.quantile(a, q)) + 0.0) for q in (.01, .05, .25, .5, .75, .95, .99)))')
	run sh -c "dm-stats --exact -s v --json many.jsonl | jq -r '[.stats[0].quantiles[] | tostring] | join(\",\")'"
	assert_output "$(sed 's/\.0\b//g' <<<"$want")"
}

@test "describe() numbers equal pandas' on the statistics of dm-map stats" {
	{
		for i in $(seq 1 40); do
			printf '{"text":"%s"}\n' "$(seq -s ' ' 1 $((i * 7 % 23 + 1)))"
		done
	} >in.jsonl
	dm-map 'stats names=len,words' in.jsonl >st.jsonl
	/usr/bin/python3 - <<'PY' >want
import json, pandas as pd
rows = [json.loads(l)["stats"] for l in open("st.jsonl")]
d = pd.DataFrame(rows)[["len", "words"]].describe(percentiles=[.01,.05,.25,.5,.75,.95,.99])
for c in ["len", "words"]:
    print(c, " ".join("%.12g" % d[c][k] for k in ["count","mean","std","min","1%","5%","25%","50%","75%","95%","99%","max"]))
PY
	dm-stats -s len,words --json in.jsonl | jq -r '.stats[] | [.name, .count, .mean, .std, .min, .quantiles[], .max] | map(tostring) | join(" ")' >got.raw
	/usr/bin/python3 -c '
import sys
for l in open("got.raw"):
    f = l.split()
    print(f[0], " ".join("%.12g" % float(x) for x in f[1:]))' >got
	run diff want got
	assert_success
}

@test "numbers are read as Python's float() reads them: every length, sign, fraction and halfway case" {
	/usr/bin/python3 - <<'PY' >num.jsonl
import math, random
from decimal import Decimal
r = random.Random(15)
out = ["0", "-0", "0.0", "1", "-1", "0.5", "123456789012345678", "1.7976931348623157e308",
       "9007199254740993", "0.30000000000000004", "2.2250738585072014e-308", "1e23",
       "12345678.12345678", "0.12345678901234567890", "-98765432.1234567"]
for _ in range(3000):
    nd = r.randint(1, 24)
    d = "".join(r.choice("0123456789") for _ in range(nd)).lstrip("0") or "0"
    k = r.randint(0, len(d))
    t = d if k == len(d) else (d[:k] or "0") + "." + d[k:]
    out.append(("-" if r.random() < 0.3 else "") + t)
for _ in range(2000):
    # a decimal next to the midpoint of two adjacent doubles, 16 to 19 digits
    x = r.uniform(0, 1) * 10 ** r.randint(-3, 9)
    mid = (Decimal(x) + Decimal(math.nextafter(x, math.inf))) / 2
    sd = r.randint(16, 19)
    s = format(mid, "." + str(sd) + "g")
    if "e" not in s and "E" not in s:
        out.append(s)
for v in out:
    print('{"v":%s}' % v)
PY
	dm-stats --partial --exact -s v num.jsonl >part.json
	/usr/bin/python3 - <<'PY'
import json
want = [float(l[5:-2]) for l in open("num.jsonl")]
got = json.load(open("part.json"))["stats"][0]["kll"]["levels"][0]
assert len(got) == len(want), (len(got), len(want))
bad = [(w, g) for w, g in zip(want, got) if w != g or repr(w) != repr(g)]
assert not bad, bad[:5]
PY
}

@test "field coverage of nested samples: paths, shares and types" {
	printf '%s\n' \
	    '{"a":{"b":{"c":1,"d":[1,"x",{"e":null}]}},"t":"x"}' \
	    '{"a":{"b":{"c":"s"}},"t":true,"u":[]}' \
	    '{"a":null,"k\"q":1}' \
	    '{"a":{"b":{"c":{"deep":1}}}}' >n.jsonl
	run sh -c "dm-stats -s 1 --json n.jsonl | jq -c '.fields[] | [.path, .count, .share, .types]'"
	assert_output <<'OUT'
[".[\"k\\\"q\"]",1,0.25,{"number":1}]
["a",4,1,{"null":1,"object":3}]
["a.b",3,0.75,{"object":3}]
["a.b.c",3,0.75,{"number":1,"string":1,"object":1}]
["a.b.c.deep",1,0.25,{"number":1}]
["a.b.d",1,0.25,{"array":1}]
["a.b.d[]",1,0.25,{"number":1,"string":1,"object":1}]
["t",2,0.5,{"boolean":1,"string":1}]
["u",1,0.25,{"array":1}]
OUT
	run sh -c "dm-stats -s 1 --depth 2 --json n.jsonl | jq -r '.fields[].path' | paste -sd ' '"
	assert_output '.["k\"q"] a a.b t u'
}

# keys that dotted names cannot tell apart: a top-level "a.b" next to the
# nested a.b, the empty key, spaces, quotes and backslashes
oddkeys() {
	printf '%s\n' \
	    '{"text":"x","a.b":1,"a":{"b":2,"c.d":true},"":3,"k y":null,"q\"b\\s":"v"}' \
	    '{"text":"y","a":{"b":2,"":[1]},"meta":{"key with spaces":1,"say \"hi\"":2,"back\\slash":3,"len":4},"len":5}' >k.jsonl
}

@test "coverage keeps a top-level dotted key apart from the nested path and names odd keys as dm-filter writes them" {
	oddkeys
	run dm-stats -s len --ascii k.jsonl
	assert_success
	assert_output <<-'EOF'
	samples 2, bytes 182, rejected 0

	statistic            count       mean        std        min        max
	len                      2          1          0          1          1

	quantile               1%       5%      25%      50%      75%      95%      99%
	len                     1        1        1        1        1        1        1

	histogram              min                                            max
	len                      1  @                                         1

	field                                count   share  types
	.[""]                                    1   50.0%  number
	.["a.b"]                                 1   50.0%  number
	.["k y"]                                 1   50.0%  null
	.["q\"b\\s"]                             1   50.0%  string
	.len                                     1   50.0%  number
	a                                        2  100.0%  object
	a.b                                      2  100.0%  number
	a[""]                                    1   50.0%  array
	a[""][]                                  1   50.0%  number
	a["c.d"]                                 1   50.0%  boolean
	meta                                     1   50.0%  object
	meta.len                                 1   50.0%  number
	meta["back\\slash"]                      1   50.0%  number
	meta["key with spaces"]                  1   50.0%  number
	meta["say \"hi\""]                       1   50.0%  number
	text                                     2  100.0%  string
	EOF
}

# U+2028, U+2029 and the C1 controls, which a terminal may take for a
# line break, are escaped in a name, and the name still reads the field
@test "a key holding a line or paragraph separator or a C1 control keeps its name on its line" {
	printf '%s\n' '{"text":"x","a\u2028b":1,"c\u0085d":2,"e\u2029":3,"\u00e9":4}' > u.jsonl
	run sh -c "dm-stats -s len --ascii u.jsonl | sed -n '/^field/,\$p'"
	assert_success
	assert_output <<-'EOF'
	field                                count   share  types
	.["a\u2028b"]                            1  100.0%  number
	.["c\u0085d"]                            1  100.0%  number
	.["e\u2029"]                             1  100.0%  number
	.["é"]                                   1  100.0%  number
	text                                     1  100.0%  string
	EOF
	for p in '.["a\u2028b"]' '.["c\u0085d"]' '.["e\u2029"]'; do
		run sh -c 'dm-filter "has($1)" u.jsonl | wc -l' sh "$p"
		assert_output 1
	done
}

@test "the JSON coverage names odd keys as dm-filter writes them, in JSON strings" {
	oddkeys
	run sh -c "dm-stats -s len --json k.jsonl | jq -c '.fields'"
	assert_output '[{"path":".[\"\"]","count":1,"share":0.5,"types":{"number":1}},{"path":".[\"a.b\"]","count":1,"share":0.5,"types":{"number":1}},{"path":".[\"k y\"]","count":1,"share":0.5,"types":{"null":1}},{"path":".[\"q\\\"b\\\\s\"]","count":1,"share":0.5,"types":{"string":1}},{"path":".len","count":1,"share":0.5,"types":{"number":1}},{"path":"a","count":2,"share":1,"types":{"object":2}},{"path":"a.b","count":2,"share":1,"types":{"number":2}},{"path":"a[\"\"]","count":1,"share":0.5,"types":{"array":1}},{"path":"a[\"\"][]","count":1,"share":0.5,"types":{"number":1}},{"path":"a[\"c.d\"]","count":1,"share":0.5,"types":{"boolean":1}},{"path":"meta","count":1,"share":0.5,"types":{"object":1}},{"path":"meta.len","count":1,"share":0.5,"types":{"number":1}},{"path":"meta[\"back\\\\slash\"]","count":1,"share":0.5,"types":{"number":1}},{"path":"meta[\"key with spaces\"]","count":1,"share":0.5,"types":{"number":1}},{"path":"meta[\"say \\\"hi\\\"\"]","count":1,"share":0.5,"types":{"number":1}},{"path":"text","count":2,"share":1,"types":{"string":2}}]'
}

@test "every coverage path but an array's reads the same field in dm-filter and in --count" {
	oddkeys
	dm-stats -s len --json k.jsonl | jq -r '.fields[] | select(.path | contains("[]") | not) | "\(.path)\t\(.count)"' >paths
	[ "$(wc -l <paths)" -eq 15 ]
	while IFS="$(printf '\t')" read -r p n; do
		run sh -c 'dm-filter "has($1)" k.jsonl | wc -l' sh "$p"
		assert_output "$n"
		run sh -c 'dm-stats -s len --depth 0 -c "$1" --json k.jsonl | jq -c ".counts[0] | [.field, .count]"' sh "$p"
		assert_output "$(jq -cn --arg p "$p" --argjson n "$n" '[$p, $n]')"
	done <paths
}

@test "--count takes the paths of dm-filter: a top-level dotted key is not the nested path" {
	oddkeys
	run sh -c "dm-stats -s len --depth 0 -c '.[\"a.b\"]' -c a.b -c 'a[\"\"][0]' -c 'meta[\"say \\\"hi\\\"\"]' -c .len -c len -c 'k y' --json k.jsonl | jq -c '.counts[] | [.field, .count, .missing, [.top[].value]]'"
	assert_output <<-'EOF'
	[".[\"a.b\"]",1,1,[1]]
	["a.b",2,0,[2]]
	["a[\"\"][0]",1,1,[1]]
	["meta[\"say \\\"hi\\\"\"]",1,1,[2]]
	[".len",1,1,[5]]
	["len",1,1,[5]]
	["k y",1,1,[null]]
	EOF
}

@test "merged partials keep odd keys apart as one pass does" {
	oddkeys
	head -n 1 k.jsonl >k1.jsonl
	tail -n 1 k.jsonl >k2.jsonl
	for f in k1 k2; do
		dm-stats -s len -c '.["a.b"]' --partial $f.jsonl
	done >parts
	dm-stats --merge --json parts | jq -c 'del(.bytes)' >merged
	dm-stats -s len -c '.["a.b"]' --json k.jsonl | jq -c 'del(.bytes)' >one
	run cat merged
	assert_output "$(cat one)"
	run jq -c '[.fields[].path][0:2], .counts[0].top' merged
	assert_output '[".[\"\"]",".[\"a.b\"]"]
[{"value":1,"count":1,"share":1}]'
}

@test "--count with an empty element or a bad bracket in its path is a usage error" {
	usage=$(usage_of dm-stats)
	for f in a..b ..a a. . 'a[' 'a["x"' '.[0]' 'a[x]' 'a["x"]b' 'meta."x"'; do
		run_split dm-stats --count "$f" </dev/null
		assert_status 2
		assert_stderr "dm-stats: --count: '$f' is not a field name"$'\n'"$usage"
	done
}

@test "--count shows the top values, their shares, missing and distinct counts" {
	printf '{"l":"%s"}\n' en en en fr fr de en 1 >c.jsonl
	echo '{"x":1}' >>c.jsonl
	echo '{"l":1}' >>c.jsonl
	run sh -c "dm-stats -s 1 --depth 0 -c l --top 3 --json c.jsonl | jq -c '.counts'"
	assert_output '[{"field":"l","count":9,"missing":1,"distinct":5,"distinct_exact":true,"top":[{"value":"en","count":4,"share":0.4444444444444444},{"value":"fr","count":2,"share":0.2222222222222222},{"value":"1","count":1,"share":0.1111111111111111}]}]'
}

@test "--count shows each value as it was counted: numbers one double cannot tell apart stay apart" {
	printf '%s\n' '{"text":"x","id":12345678901234567890}' \
	    '{"text":"x","id":12345678901234567891}' '{"text":"x","id":0}' \
	    '{"text":"x","id":-0}' '{"text":"x","id":1.0}' '{"text":"x","id":1e0}' \
	    '{"text":"x","id":[1.0,{"a":1e0}]}' >ids.jsonl
	run sh -c 'dm-stats -s len --depth 0 -c id --ascii ids.jsonl | tail -8'
	assert_output <<-'EOF'
	id: 7 present, 0 missing, 7 distinct
	  -0                                     1   14.3%  ####################
	  0                                      1   14.3%  ####################
	  1.0                                    1   14.3%  ####################
	  12345678901234567890                   1   14.3%  ####################
	  12345678901234567891                   1   14.3%  ####################
	  1e0                                    1   14.3%  ####################
	  [1.0,{"a":1e0}]                        1   14.3%  ####################
	EOF
	run sh -c 'dm-stats -s len --depth 0 -c id --json ids.jsonl | grep -o "\"top\":.*"'
	assert_output '"top":[{"value":-0,"count":1,"share":0.14285714285714285},{"value":0,"count":1,"share":0.14285714285714285},{"value":1.0,"count":1,"share":0.14285714285714285},{"value":12345678901234567890,"count":1,"share":0.14285714285714285},{"value":12345678901234567891,"count":1,"share":0.14285714285714285},{"value":1e0,"count":1,"share":0.14285714285714285},{"value":[1.0,{"a":1e0}],"count":1,"share":0.14285714285714285}]}]}'
	# valid JSON, whose numbers read as the input's
	run sh -c 'dm-stats -s len --depth 0 -c id --json ids.jsonl | /usr/bin/python3 -c "
import json, sys
o = json.load(sys.stdin, parse_float=str, parse_int=str)
print(json.dumps([t[\"value\"] for t in o[\"counts\"][0][\"top\"]]))"'
	assert_output '["-0", "0", "1.0", "12345678901234567890", "12345678901234567891", "1e0", ["1.0", {"a": "1e0"}]]'
	# and the same after --merge
	dm-stats -s len --depth 0 -c id --partial ids.jsonl >p
	run sh -c 'dm-stats --merge --json p | grep -o "\"value\":[^,]*" | tr "\n" " "'
	assert_output '"value":-0 "value":0 "value":1.0 "value":12345678901234567890 "value":12345678901234567891 "value":1e0 "value":[1.0 '
	# a value of a doctored partial that is no JSON is null
	sed 's/"1e0"/"1e0 x"/' p >q
	run sh -c 'dm-stats --merge --json q | jq -c ".counts[0].top[5]"'
	assert_output '{"value":null,"count":1,"share":0.14285714285714285}'
}

@test "--count counts a string in an array or an object as one value however it is escaped, as dm-filter compares it" {
	printf '%s\n' '{"text":"x","t":["caf\u00e9","a\/b"]}' \
	    '{"text":"x","t":["café","a/b"]}' '{"text":"x","t":[ "caf\u00E9" , "a/b" ]}' \
	    '{"text":"x","t":{"k\u0041":"\t"}}' '{"text":"x","t":{"kA":"\u0009"}}' \
	    '{"text":"x","t":"caf\u00e9"}' '{"text":"x","t":"café"}' >esc.jsonl
	run sh -c 'dm-filter "t == [\"café\", \"a/b\"]" esc.jsonl | wc -l'
	assert_output 3
	run sh -c 'dm-stats -s len --depth 0 -c t --ascii esc.jsonl | tail -4'
	assert_output <<-'EOF'
	t: 7 present, 0 missing, 3 distinct
	  ["café","a/b"]                         3   42.9%  ####################
	  café                                   2   28.6%  #############
	  {"kA":"\t"}                            2   28.6%  #############
	EOF
	run sh -c 'dm-stats -s len --depth 0 -c t --json esc.jsonl | grep -o "\"top\":.*"'
	assert_output '"top":[{"value":["café","a/b"],"count":3,"share":0.42857142857142855},{"value":"café","count":2,"share":0.2857142857142857},{"value":{"kA":"\t"},"count":2,"share":0.2857142857142857}]}]}'
	# a partial that kept the escapes (an earlier dm-stats) merges
	# into the same value
	dm-stats -s len --depth 0 -c t --partial esc.jsonl | /usr/bin/python3 -c '
import json, sys
o = json.load(sys.stdin)
for v in o["counts"][0]["values"]:
    if v[0] == "[\"café\",\"a/b\"]":
        v[0] = "[\"caf\\u00e9\", \"a\\/b\"]"
print(json.dumps(o))' >p
	grep -q 'caf\\\\u00e9' p
	run sh -c 'dm-stats --merge --json p p | jq -c ".counts[0] | [.distinct, .top[0]]"'
	assert_output '[3,{"value":["café","a/b"],"count":6,"share":0.42857142857142855}]'
}

@test "the estimate of distinct values stays above the values held and at most the samples with the field, merged too" {
	# 100001 distinct values each: HyperLogLog puts the first set at
	# 100160 (more than the samples), the second at 99308 (fewer than the
	# 100000 held)
	for start in 1 5000001; do
		seq $start $((start + 100000)) | awk '{print "{\"text\":\"a\",\"k\":" $1 "}"}' >k$start.jsonl
		run sh -c "dm-stats -s len -c k --top 0 --depth 0 k$start.jsonl | tail -n 1"
		assert_output 'k: 100001 present, 0 missing, about 100001 distinct'
		run sh -c "dm-stats -s len -c k --top 0 --depth 0 --json k$start.jsonl | jq -c '.counts[0] | [.distinct, .distinct_exact]'"
		assert_output '[100001,false]'
		run sh -c "dm-stats -s len -c k --top 0 --depth 0 --html - k$start.jsonl | grep -o '[0-9]* present.*distinct'"
		assert_output '100001 present, 0 missing, about 100001 distinct'
		# partials of fewer than 100000 values each, merged
		split -n l/3 k$start.jsonl part.
		for f in part.*; do dm-stats -s len -c k --depth 0 --partial "$f"; done >parts.jsonl
		run sh -c "dm-stats --merge --top 0 parts.jsonl | tail -n 1"
		assert_output 'k: 100001 present, 0 missing, about 100001 distinct'
		rm part.*
	done
}

@test "the --count table and the messages write C1 controls, U+2028 and U+2029 as \\xNN bytes, no escape sequence for the terminal" {
	printf '%s\n' '{"text":"a","k":"x\u009b31mRED\u0085y\u2028z\u2029w\u0001\u00e9","m":"\u009b2J"}' >c1.jsonl
	dm-stats -s len --ascii --depth 0 -c k c1.jsonl >out.txt
	run sed -n '/^k:/,$p' out.txt
	assert_output <<-'EOF'
	k: 1 present, 0 missing, 1 distinct
	  x\xc2\x9b31mRED\xc2\x85y\xe2\x80\xa8z\xe2\x80\xa9w\x01é
	                                         1  100.0%  ####################
	EOF
	# no byte of a C1 control or a separator is left in the table
	run sh -c "LC_ALL=C grep -c \"\$(printf '\302[\200-\237]\\|\342\200[\250\251]')\" out.txt"
	assert_output 0
	run_split dm-stats -s m c1.jsonl
	assert_status 2
	assert_stderr "dm-stats: c1.jsonl:1: statistic 'm' is not a number: '\"\\xc2\\x9b2J\"'"
}

@test "-c holds at most 16 MB of values: 2000 values of 51 KB keep the RSS near that of a run without -c, the frequent short value counted" {
	local m
	skip_asan "its shadow memory and quarantine of freed blocks are in the RSS"
	/usr/bin/python3 -c '
import sys
w = sys.stdout.write
for i in range(2000):
    v = "x" if i % 10 == 0 else ("%06d" % i) * 8500
    w("{\"text\":\"a\",\"k\":\"%s\"}\n" % v)' >big.jsonl
	/usr/bin/time -f %M -o rss dm-stats -s len --depth 0 -c k --top 1 big.jsonl >out
	m=$(cat rss)
	echo "dm-stats -c: $m kB"
	# 92 MB of values were all held: 94 MB
	[ "$m" -lt 40000 ]
	run sed -n '/^k:/,$p' out
	[[ ${lines[0]} == 'k: 2000 present, 0 missing, about '*' distinct' ]]
	[[ ${lines[1]} == '  x                                    200   10.0%  '* ]]
	# a partial holds no more; a merge of two counts on
	dm-stats -s len --depth 0 -c k --partial big.jsonl >p
	[ "$(wc -c <p)" -lt 18000000 ]
	dm-stats --merge --top 1 p p >out
	run sed -n '/^k:/,$p' out
	[[ ${lines[0]} == 'k: 4000 present, 0 missing, about '*' distinct' ]]
	[[ ${lines[1]} == '  x                                    400   10.0%  '* ]]
}

@test "the coverage holds at most 4 MB of path names: 300 keys of 100 KB keep the RSS low, the paths that fit listed, the table says the others are not" {
	local m
	skip_asan "its shadow memory and quarantine of freed blocks are in the RSS"
	/usr/bin/python3 -c '
import sys
w = sys.stdout.write
for i in range(300):
    w("{\"text\":\"a\",\"k%06d%s\":1}\n" % (i, "x" * 99993))' >keys.jsonl
	/usr/bin/time -f %M -o rss dm-stats -s len --json keys.jsonl >out
	m=$(cat rss)
	echo "dm-stats coverage: $m kB"
	# 30 MB of paths were all held, and copied for the output: 100 MB
	[ "$m" -lt 40000 ]
	# "text" (4 bytes) and 41 keys of 100000 bytes fit in 4 MB
	run jq -c '[(.fields | length), .fields_truncated, ([.fields[].path | length] | add)]' out
	assert_output '[42,true,4100004]'
	run jq -r '.fields[0].path[0:7], .fields[40].path[0:7], .fields[41].path' out
	assert_output $'k000000
k000040
text'
	LC_ALL=C run sh -c 'dm-stats -s len keys.jsonl | tail -n 2'
	assert_output <<-'EOF'
	text                                   300  100.0%  string
	(more than 4096 fields, or 4 MB of their names: the others are not shown)
	EOF
	# a merge holds no more
	dm-stats -s len --partial keys.jsonl >p
	dm-stats --merge --json p p >out
	run jq -c '[(.fields | length), .fields_truncated, .fields[41].count]' out
	assert_output '[42,true,600]'
}

@test "the HTML report says, as the table does, that the coverage lists only 4096 fields" {
	seq 0 4099 | sed 's/.*/{"text":"a","k&":1}/' >wide.jsonl
	dm-stats -s len --html r.html wide.jsonl
	run sh -c "grep -c '<tr><td>k[0-9]*</td>' r.html; sed -n '/^<\/table>/{n;p}' r.html | tail -n 1"
	assert_output $'4095\n<p>More than 4096 fields, or 4 MB of their names: the others are not shown.</p>'
	LC_ALL=C run sh -c 'dm-stats -s len wide.jsonl | tail -n 2'
	assert_output <<-'EOF'
	text                                  4100  100.0%  string
	(more than 4096 fields, or 4 MB of their names: the others are not shown)
	EOF
}

@test "--html does not write over a file that is not an HTML page: dm-stats --html data.jsonl" {
	printf '{"text":"a"}\n' >data.jsonl
	run_split dm-stats --html data.jsonl </dev/null
	assert_status 2
	assert_output ''
	assert_stderr "dm-stats: --html data.jsonl: the file is there and is not an HTML page: not written over (remove it, or name another)"
	assert_file data.jsonl <<<'{"text":"a"}'
	run_split dm-stats --funnel --html data.jsonl data.jsonl
	assert_status 2
	assert_stderr "dm-stats: --html data.jsonl: the file is there and is not an HTML page: not written over (remove it, or name another)"
	assert_file data.jsonl <<<'{"text":"a"}'
	# a report written before, an empty file and a new one are written
	dm-stats -s len --html r.html data.jsonl
	printf '{"text":"bb"}\n' >>data.jsonl
	: >e.html
	dm-stats -s len --html r.html data.jsonl
	dm-stats -s len --html e.html data.jsonl
	dm-stats -s len --html n.html data.jsonl
	run sh -c 'head -c 15 r.html; grep -c "2 samples, 27 bytes" r.html; cmp r.html e.html && cmp r.html n.html && echo same'
	assert_output $'<!DOCTYPE html>1\nsame'
}

@test "the --count table shows a string that reads as JSON as JSON, apart from the value" {
	printf '%s\n' '{"c":1}' '{"c":"1"}' '{"c":"1"}' '{"c":null}' '{"c":"null"}' \
	    '{"c":""}' '{"c":"en"}' '{"c":[1]}' '{"c":"[1]"}' '{"c":"a\"b"}' >c.jsonl
	dm-stats -s 1 --depth 0 -c c c.jsonl >out.txt
	run sed -n '/^c:/,$p' out.txt
	assert_output <<-'EOF'
	c: 10 present, 0 missing, 9 distinct
	  "1"                                    2   20.0%  ████████████████████
	  ""                                     1   10.0%  ██████████
	  "[1]"                                  1   10.0%  ██████████
	  a"b                                    1   10.0%  ██████████
	  en                                     1   10.0%  ██████████
	  "null"                                 1   10.0%  ██████████
	  1                                      1   10.0%  ██████████
	  [1]                                    1   10.0%  ██████████
	  null                                   1   10.0%  ██████████
	EOF
}

@test "the --count table and report tell a line break from a backslash and n" {
	printf '%s\n' '{"text":"x","k":"a\nb"}' '{"text":"x","k":"a\\nb"}' \
	    '{"text":"x","k":"t\tu \\\\ \u00e9\u0001"}' >nl.jsonl
	run sh -c 'dm-stats -s len --depth 0 -c k --ascii nl.jsonl | tail -4'
	assert_output <<-'EOF'
	k: 3 present, 0 missing, 3 distinct
	  a\\nb                                  1   33.3%  ####################
	  a\nb                                   1   33.3%  ####################
	  t\tu \\\\ é\x01                        1   33.3%  ####################
	EOF
	run sh -c 'dm-stats -s len --depth 0 -c k --html - nl.jsonl | grep -o "end\">[^<]*b</text>"'
	assert_output "$(printf '%s\n' 'end">a\\nb</text>' 'end">a\nb</text>')"
}

@test "quantiles are exact for fewer than 256 values, as the README and the man page say" {
	for n in 255 256; do
		seq 1 $n | sed 's/.*/{"v":&}/' | dm-stats -s v --depth 0 --json |
		    jq -c "[$n, .quantiles.exact, .quantiles.rank_error]"
	done >out
	run cat out
	assert_output "$(printf '%s\n' '[255,true,0]' '[256,false,0.015]')"
	run sh -c "tr -s '\n' ' ' <'$DM_REPO/README.md' | grep -o 'KLL sketch (exact[^)]*)'"
	assert_output 'KLL sketch (exact for fewer than 256 values, then within 1.5 % in rank; `--exact` keeps every value)'
	run sh -c "tr -s '\n' ' ' <'$DM_REPO/man/dm-stats.1' | grep -o 'keeps every value while there are fewer than 256 of them'"
	assert_success
}

@test "the usage lines of --help have the options of the man page's synopsis, form by form" {
	dm-stats --help >help
	/usr/bin/python3 - "$DM_REPO/man/dm-stats.1" <<'PY' >want
import re, sys
syn = open(sys.argv[1]).read().split(".Sh SYNOPSIS\n")[1].split(".Sh ")[0]
for form in syn.split(".Nm\n")[1:]:
    print(" ".join(sorted(set("-" + m for m in re.findall(r"Fl (-?[a-zA-Z][a-zA-Z0-9-]*)", form)))))
PY
	/usr/bin/python3 - <<'PY' >got
import re
forms = []
for l in open("help"):
    if not l.strip():
        break
    if re.match(r"(usage: |       )dm-stats", l):
        forms.append("")
    forms[-1] += l
for f in forms:
    print(" ".join(sorted(set(re.findall(r"(?<![\w-])--?[a-zA-Z][a-zA-Z0-9-]*", f)))))
PY
	run cat got
	assert_output "$(cat want)"
	assert_output <<-'EOF'
	--ascii --bins --depth --exact --files0-from --html --json --max-line --on-error --partial --rejects --report --strict --top -c -hV -k -s
	--ascii --bins --files0-from --html --json --merge --partial --top
	--ascii --funnel --html --json
	EOF
}

@test "the table says, as the HTML report does, when its quantiles come from the sketch" {
	seq 1 300 | sed 's/.*/{"v":&}/' >k.jsonl
	LC_ALL=C run sh -c 'dm-stats -s v --depth 0 k.jsonl | sed -n 6,9p'
	assert_output <<-'EOF'
	quantile               1%       5%      25%      50%      75%      95%      99%
	v                       4       16       76      150      226      285      297
	(from a KLL sketch, k = 256: ranks within 1.5 % of the count)

	EOF
	dm-stats -s v --depth 0 --html r.html k.jsonl
	grep -q 'Quantiles from a KLL sketch (k = 256): ranks within 1.5 % of the count.' r.html
	# exact ones, with no note
	LC_ALL=C run sh -c 'dm-stats -s v --depth 0 --exact k.jsonl | sed -n 6,9p'
	assert_output <<-'EOF'
	quantile               1%       5%      25%      50%      75%      95%      99%
	v                    3.99    15.95    75.75    150.5    225.2    285.1      297

	histogram              min                                            max
	EOF
}

@test "the JSON summary has the documented members in order" {
	small
	run sh -c "dm-stats -c meta.lang --json small.jsonl | jq -c '[keys_unsorted, .quantiles, (.stats[0] | keys_unsorted), (.stats[0].histogram | keys_unsorted), (.fields[0] | keys_unsorted), (.counts[0] | keys_unsorted), [.stats[].name]]'"
	assert_output '[["dm_stats","samples","bytes","rejected","quantiles","stats","fields","fields_truncated","counts"],{"kind":"kll","k":256,"rank_error":0,"exact":true},["name","count","missing","mean","std","min","quantiles","max","histogram"],["edges","counts"],["path","count","share","types"],["field","count","missing","distinct","distinct_exact","top"],["len","words","lines","alnum_ratio"]]'
}

@test "merging the partials of shards equals one pass; quantiles within the stated rank error" {
	/usr/bin/python3 -c '
import random
random.seed(7)
for i in range(60000):
    print("{\"text\":\"%s\",\"v\":%d,\"r\":%r,\"g\":\"%s\"}" % ("ab " * (i % 13), random.randint(0, 10**6), random.random(), "xyz"[i % 3]))' >big.jsonl
	split -n l/5 big.jsonl shard.
	for f in shard.*; do dm-stats -s len,words,v,r -c g --partial "$f"; done >parts.jsonl
	dm-stats -s len,words,v,r -c g --json big.jsonl >one.json
	dm-stats --merge --json parts.jsonl >merged.json
	# exact members: counts, sums, min/max, coverage, value counts
	exact='[.samples, .bytes, (.stats[] | [.name, .count, .missing, .min, .max]), (.stats[0,1,2] | [.mean, .std]), .fields, .counts]'
	run diff <(jq -c "$exact" one.json) <(jq -c "$exact" merged.json)
	assert_success
	run jq -r '.quantiles.exact' merged.json
	assert_output false
	# float sums merge up to rounding
	run jq -n --slurpfile a one.json --slurpfile b merged.json \
	    '($a[0].stats[3].mean - $b[0].stats[3].mean) | fabs < 1e-12'
	assert_output true
	# every quantile of the sketch has a true rank within 1.5 % of n
	/usr/bin/python3 - <<'PY'
import json, bisect
vals = {"v": [], "r": []}
for l in open("big.jsonl"):
    o = json.loads(l)
    vals["v"].append(o["v"]); vals["r"].append(o["r"])
for f in ("one.json", "merged.json"):
    s = json.load(open(f))
    for st in s["stats"]:
        if st["name"] not in vals:
            continue
        a = sorted(vals[st["name"]]); n = len(a)
        for q, x in st["quantiles"].items():
            p = float(q[:-1]) / 100
            lo = bisect.bisect_left(a, x) / n; hi = bisect.bisect_right(a, x) / n
            err = 0 if lo <= p <= hi else min(abs(lo - p), abs(hi - p))
            assert err <= 0.015, (f, st["name"], q, x, lo, hi)
PY
}

@test "the order of the items within a partial's sketch levels does not change the merge" {
	awk 'BEGIN { for (i = 0; i < 20000; i++) print "{\"v\":" (i * 7919) % 10007 "}" }' >o.jsonl
	split -n l/3 o.jsonl part.
	for f in part.*; do dm-stats -s v --partial "$f"; done >parts.jsonl
	# compacted: items on more than two levels
	run jq -c '[.stats[0].kll.levels[] | select(length > 0)] | length > 2' parts.jsonl
	assert_output "$(printf 'true\ntrue\ntrue')"
	jq -c '.stats[0].kll.levels |= map(reverse)' parts.jsonl >rev.jsonl
	dm-stats --merge --json parts.jsonl >a.json
	dm-stats --merge --json rev.jsonl >b.json
	run jq -c '.stats[0].quantiles' a.json
	assert_output '{"1%":106,"5%":493,"25%":2499,"50%":4995,"75%":7479,"95%":9487,"99%":9898}'
	run cmp a.json b.json
	assert_success
}

@test "--exact quantiles do not depend on the split" {
	seq 1 5000 | awk '{print "{\"v\":" ($1 * 7919) % 5003 "}"}' >e.jsonl
	split -n l/3 e.jsonl part.
	for f in part.*; do dm-stats --exact -s v --partial "$f"; done | dm-stats --merge --json >m.json
	dm-stats --exact -s v --json e.jsonl >o.json
	run diff <(jq -c .stats m.json) <(jq -c .stats o.json)
	assert_success
	run jq -c '.quantiles.exact' m.json
	assert_output true
}

@test "--merge refuses partials of other settings, versions or shapes" {
	echo '{"text":"a"}' >a.jsonl
	dm-stats -s len --partial a.jsonl >p1
	dm-stats -s words --partial a.jsonl >p2
	run_split dm-stats --merge p1 p2
	assert_status 2
	assert_stderr "dm-stats: p2:1: the partial was made with the statistics 'words', the first with 'len'"
	sed 's/"dm_stats_partial":3/"dm_stats_partial":9/' p1 >p9
	run_split dm-stats --merge p9
	assert_status 2
	assert_stderr "dm-stats: p9:1: partial of version 9, not 3: make it again with this dm-stats"
	# version 2 joined keys with dots: "a.b" and a.b were one path
	sed 's/"dm_stats_partial":3/"dm_stats_partial":2/' p1 >p2
	run_split dm-stats --merge p2
	assert_status 2
	assert_stderr "dm-stats: p2:1: partial of version 2, not 3: make it again with this dm-stats"
	echo '{"text":"a"}' >p3
	run_split dm-stats --merge p3
	assert_status 2
	assert_stderr "dm-stats: p3:1: not a partial of dm-stats"
	run_split dm-stats --merge -s len p1
	assert_status 2
}

@test "--merge names the setting in which a partial differs from the first, the text field too" {
	printf '%s\n' '{"text":"a","body":"b c"}' >k.jsonl
	dm-stats --partial k.jsonl >p1
	run_split sh -c '(cat p1; dm-stats --partial -k body k.jsonl) | dm-stats --merge'
	assert_status 2
	assert_stderr "dm-stats: <stdin>:2: the partial was made with the text field 'body', the first with 'text'"
	dm-stats --partial --depth 2 k.jsonl >p2
	dm-stats --partial --exact k.jsonl >p3
	dm-stats --partial -c body -c 'a[1]' k.jsonl >p4
	dm-stats --partial -s len k.jsonl >p5
	for p in p2 p3 p4 p5; do
		dm-stats --merge p1 $p 2>&1 >/dev/null || echo "status $?"
	done >out
	dm-stats --merge p3 p1 p4 2>>out >/dev/null || echo "status $?" >>out
	dm-stats --merge p4 p1 2>>out >/dev/null || echo "status $?" >>out
	sed 's/,"key":"text"//' p1 >p6
	dm-stats --merge p1 p6 2>>out >/dev/null || echo "status $?" >>out
	run cat out
	assert_output <<-'EOF'
	dm-stats: p2:1: the partial was made with --depth 2, the first with 4
	status 2
	dm-stats: p3:1: the partial was made with --exact, the first without
	status 2
	dm-stats: p4:1: the partial was made with the count fields 'body,a[1]', the first with none
	status 2
	dm-stats: p5:1: the partial was made with the statistics 'len', the first with 'len,words,lines,alnum_ratio'
	status 2
	dm-stats: p1:1: the partial was made without --exact, the first with it
	status 2
	dm-stats: p1:1: the partial was made with no count fields, the first with 'body,a[1]'
	status 2
	dm-stats: p6:1: the partial was made with other settings than the first
	status 2
	EOF
}

@test "the standard deviation of large values with a small spread is right, in one pass and merged" {
	/usr/bin/python3 -c '
for i in range(3000):
    print("{\"ts\":%d,\"ms\":%d,\"f\":%r}" % (1700000000 + i % 7, 1700000000000 + i, 1e9 + (i % 3) / 1000))' >big.jsonl
	# statistics.stdev computes exactly, in fractions
	/usr/bin/python3 - <<'PY' >want
import json, statistics
rows = [json.loads(l) for l in open("big.jsonl")]
for k in ["ts", "ms", "f"]:
    print(k, "%.8g" % statistics.stdev(r[k] for r in rows))
PY
	dm-stats -s ts,ms,f --depth 0 --json big.jsonl | jq -r '.stats[] | "\(.name) \(.std)"' >one.raw
	split -n l/4 big.jsonl part.
	for f in part.*; do dm-stats -s ts,ms,f --depth 0 --partial "$f"; done |
	    dm-stats --merge --json | jq -r '.stats[] | "\(.name) \(.std)"' >merged.raw
	for f in one merged; do
		/usr/bin/python3 -c '
import sys
for l in open(sys.argv[1]):
    k, v = l.split()
    print(k, "%.8g" % float(v))' $f.raw >$f
		run diff want $f
		assert_success
	done
}

@test "exact quantiles are numpy's linear ones to the last bit, on 300 random small sets" {
	printf '%s\n' '{"v":0.06576431578628106}' '{"v":679.4577062914987}' \
	    '{"v":0.01870538212212831}' >lerp.jsonl
	run sh -c 'dm-stats -s v --depth 0 --json lerp.jsonl | jq -c ".stats[0].quantiles[\"25%\"]"'
	assert_output 0.042234848954204686
	# set j is the field aj of the first n_j samples
	/usr/bin/python3 - <<'PY'
import json, random
random.seed(11)
sets = []
for j in range(300):
    n = random.randint(1, 20)
    sets.append([random.choice([1, -1]) * random.random() *
        10 ** random.randint(-3, 6) if random.random() < 0.8 else
        random.randint(-50, 50) for i in range(n)])
json.dump(sets, open("sets.json", "w"))
with open("in.jsonl", "w") as f:
    for i in range(20):
        f.write(json.dumps({"a%d" % j: s[i] for j, s in enumerate(sets)
            if i < len(s)}) + "\n")
with open("names", "w") as f:
    f.write(",".join("a%d" % j for j in range(len(sets))))
PY
	dm-stats -s "$(cat names)" --depth 0 --json in.jsonl >out.json
	run /usr/bin/python3 - <<'PY'
import json, numpy as np
sets = json.load(open("sets.json"))
out = json.load(open("out.json"))
bad = 0
for s, st in zip(sets, out["stats"]):
    want = np.percentile(np.array(s, dtype=float), [1, 5, 25, 50, 75, 95, 99])
    got = [float(st["quantiles"][k]) for k in ["1%", "5%", "25%", "50%", "75%", "95%", "99%"]]
    for w, g in zip(want, got):
        if float(w) != g:
            bad += 1
            print(st["name"], repr(float(w)), repr(g))
print(len(out["stats"]), "sets,", bad, "differ")
PY
	assert_output '300 sets, 0 differ'
}

@test "histogram counts are numpy.histogram's of the printed edges, on 400 random sets with values on and beside the edges" {
	/usr/bin/python3 - <<'PY'
import json, random, subprocess
import numpy as np
random.seed(11)
bad = 0
for t in range(400):
    kind = t % 4
    lo = random.choice([0.0, -1.0, 0.1, -3.7, 1e-9, 12345.678, -1e300])
    span = random.choice([0.06, 1.0, 0.3, 7.0, 1e-7, 1e6, 1e308])
    hi = lo + span
    nb = random.randint(1, 40)
    vals = [lo, hi]
    for i in range(random.randint(0, 200)):
        k = random.randint(0, nb)
        e = lo + (hi - lo) * k / nb
        if kind == 0:
            v = e
        elif kind == 1:
            v = float(np.nextafter(e, random.choice([-np.inf, np.inf])))
        elif kind == 2:
            v = round(random.uniform(lo, hi), random.randint(1, 4))
        else:
            v = random.uniform(lo, hi)
        vals.append(min(max(v, lo), hi))
    inp = "".join('{"v":%r}\n' % v for v in vals)
    args = ["dm-stats", "--json", "-s", "v", "--depth", "0"]
    if t % 5:
        args += ["--bins", str(nb)]
    out = json.loads(subprocess.run(args, input=inp.encode(), check=True,
        stdout=subprocess.PIPE).stdout)
    h = out["stats"][0]["histogram"]
    assert out["quantiles"]["exact"]
    want = np.histogram(vals, bins=np.array(h["edges"], dtype=float))[0].tolist()
    if want != h["counts"]:
        bad += 1
        print(t, vals, h, want)
assert bad == 0, bad
PY
	printf '%s\n' '{"v":0}' '{"v":0.054}' '{"v":0.06}' >e.jsonl
	run sh -c "dm-stats --json -s v --bins 10 --depth 0 e.jsonl | jq -c '.stats[0].histogram.counts'"
	assert_output '[1,0,0,0,0,0,0,0,1,1]'
}

@test "values near DBL_MAX: a range beyond it still gives bins, edges and a deviation" {
	printf '%s\n' '{"v":-1e308}' '{"v":0}' '{"v":1e308}' '{"v":1e308}' >ext.jsonl
	run dm-stats -s v --depth 0 --ascii ext.jsonl
	assert_success
	[[ "${lines[6]}" == "v               -1.00e+308  -@"*"1.000e+308" ]]
	run sh -c 'dm-stats -s v --depth 0 --json --bins 4 ext.jsonl | jq -c ".stats[0] | [.histogram, .mean]"'
	assert_output '[{"edges":[-1e+308,-5e+307,0,5e+307,1e+308],"counts":[1,0,1,2]},2.5e+307]'
	# the edges and the deviation as exact arithmetic gives them
	run /usr/bin/python3 -c '
from fractions import Fraction as F
import statistics
lo, hi = F(-10**308), F(10**308)
print([float(lo + (hi - lo) * k / 4) for k in range(5)], repr(statistics.stdev([-10**308, 0, 10**308, 10**308])))'
	assert_output '[-1e+308, -5e+307, 0.0, 5e+307, 1e+308] 9.574271077563382e+307'
	run sh -c 'dm-stats -s v --depth 0 --json ext.jsonl | jq -c ".stats[0] | [.std, .histogram]"'
	assert_output '[9.574271077563382e+307,{"edges":[-1e+308,0,1e+308],"counts":[1,3]}]'
	run sh -c "printf '%s\\n' '{\"v\":-9e307}' '{\"v\":9e307}' | dm-stats -s v --depth 0 --json | jq -c '.stats[0].histogram'"
	assert_output '{"edges":[-9e+307,0,9e+307],"counts":[1,1]}'
}

@test "the box plot of a range beyond DBL_MAX has the coordinates of the same shape in a small range, no nan" {
	printf '%s\n' '{"v":1e308}' '{"v":-1e308}' '{"v":0}' '{"v":5e307}' >big.jsonl
	printf '%s\n' '{"v":1}' '{"v":-1}' '{"v":0}' '{"v":0.5}' >small.jsonl
	printf '%s\n' '{"v":1.7976931348623157e308}' '{"v":-1.7976931348623157e308}' >max.jsonl
	box() {
		dm-stats --html - -s v --depth 0 "$1" |
		    grep -o '<svg class="chart boxplot".*</svg>' |
		    grep -o '<line[^>]*>\|<rect[^>]*>'
	}
	run box small.jsonl
	assert_output <<'EOF'
<line class="line" x1="50.40" y1="80" x2="362.80" y2="80"/>
<line class="line" x1="50.40" y1="65" x2="50.40" y2="95"/>
<line class="line" x1="362.80" y1="65" x2="362.80" y2="95"/>
<rect class="box" x="156.00" y="55" width="154.00" height="50"/>
<line class="line" x1="244.00" y1="55" x2="244.00" y2="105"/>
EOF
	want=$output
	run box big.jsonl
	assert_output "$want"
	run sh -c "dm-stats --html - -s v --depth 0 max.jsonl | grep -c nan"
	assert_output 0
}

@test "the mean of equal values is that value, as pandas' is, in one pass and merged" {
	yes '{"v":0.1}' | head -n 7000 >same.jsonl
	/usr/bin/python3 -c '
import pandas as pd
print(repr(float(pd.read_json("same.jsonl", lines=True)["v"].mean())))' >want
	run cat want
	assert_output 0.1
	run sh -c 'dm-stats -s v --depth 0 --json same.jsonl | jq -c "[.stats[0].mean, .stats[0].min]"'
	assert_success
	assert_output '[0.1,0.1]'
	split -n l/3 same.jsonl part.
	run sh -c 'for f in part.*; do dm-stats -s v --depth 0 --partial "$f"; done |
	    dm-stats --merge --json | jq -c "[.stats[0].mean, .stats[0].min]"'
	assert_success
	assert_output '[0.1,0.1]'
}

@test "large numbers keep the digits their column has room for; the HTML report keeps them all" {
	/usr/bin/python3 -c '
for i in range(100): print("{\"ts\":%d,\"w\":%d,\"neg\":%d}" % (1700000000000 + i * 1000, 123456 + i, -123456789 - i))' >big.jsonl
	dm-stats -s ts,w,neg --depth 0 --ascii big.jsonl >out.txt
	run sed -n '3,11p' out.txt
	assert_output <<'OUT'
statistic            count       mean        std        min        max
ts                     100 1.7000e+12      29011 1.7000e+12 1.7000e+12
w                      100     123506    29.0115     123456     123555
neg                    100 -123456838    29.0115 -123456888 -123456789

quantile               1%       5%      25%      50%      75%      95%      99%
ts               1.70e+12 1.70e+12 1.70e+12 1.70e+12 1.70e+12 1.70e+12 1.70e+12
w                  123457   123461   123481   123506   123530   123550   123554
neg              -1.2e+08 -1.2e+08 -1.2e+08 -1.2e+08 -1.2e+08 -1.2e+08 -1.2e+08
OUT
	dm-stats -s ts,w --depth 0 --html r.html big.jsonl
	run sh -c "grep -o '<td>[^<]*</td>' r.html | head -13 | tr -d '\n'"
	assert_output '<td>ts</td><td>100</td><td>1700000049500</td><td>29011</td><td>1700000000000</td><td>1700000000990</td><td>1700000004950</td><td>1700000024750</td><td>1700000049500</td><td>1700000074250</td><td>1700000094050</td><td>1700000098010</td><td>1700000099000</td>'
}

@test "the HTML report shows negative numbers of 13 digits whole, as positive ones, as pandas' describe() has them" {
	printf '%s\n' '{"t":-1234567890123}' '{"t":-1234567890125}' '{"t":9999999999999}' >neg.jsonl
	/usr/bin/python3 - <<'PY' >want
import pandas as pd
d = pd.read_json("neg.jsonl", lines=True)["t"].astype(float).describe(
    percentiles=[.01, .05, .25, .5, .75, .95, .99])
print("<tr><td>t</td>" + "".join("<td>%.0f</td>" % d[k] for k in
    ["count", "mean", "std", "min", "1%", "5%", "25%", "50%", "75%", "95%", "99%", "max"]) + "</tr>")
PY
	run cat want
	assert_output '<tr><td>t</td><td>3</td><td>2510288073250</td><td>6486280795592</td><td>-1234567890125</td><td>-1234567890125</td><td>-1234567890125</td><td>-1234567890124</td><td>-1234567890123</td><td>4382716054938</td><td>8876543210987</td><td>9775308642197</td><td>9999999999999</td></tr>'
	dm-stats -s t --depth 0 --html r.html neg.jsonl
	run sh -c "grep -o '<tr><td>t</td>.*</tr>' r.html"
	assert_output "$(cat want)"
	# beyond 13 digits, as many digits with a sign as without
	printf '%s\n' '{"t":-12345678901234}' '{"t":12345678901234}' >e.jsonl
	dm-stats -s t --depth 0 --html r.html e.jsonl
	run sh -c "grep -o '<tr><td>t</td>.*</tr>' r.html | grep -o '<td>[^<]*e+13</td>' | tr -d '\n'"
	assert_output '<td>1.7459427e+13</td><td>-1.2345679e+13</td><td>-1.2098765e+13</td><td>-1.1111111e+13</td><td>1.1111111e+13</td><td>1.2098765e+13</td><td>1.2345679e+13</td>'
}

@test "an integer statistic gets bins that hold as many integers each" {
	for r in 1 2 3 4; do seq 0 50; done | sed 's/.*/{"v":&}/' >u.jsonl
	run sh -c "dm-stats -s v --depth 0 --json u.jsonl | jq -c '.stats[0].histogram.counts'"
	assert_output '[68,68,68]'
	for r in 1 2 3; do seq 0 9; done | sed 's/.*/{"v":&}/' >t.jsonl
	run sh -c "dm-stats -s v --depth 0 --json t.jsonl | jq -c '.stats[0].histogram'"
	assert_output '{"edges":[0,4.5,9],"counts":[15,15]}'
	# --bins is taken as given
	run sh -c "dm-stats -s v --bins 3 --depth 0 --json t.jsonl | jq -c '.stats[0].histogram.counts'"
	assert_output '[9,9,12]'
}

@test "every number of the table leaves a blank before it in its column" {
	printf '{"v":%s}\n' 123456789 234567890 345678901 456789012 987654321 >a.jsonl
	printf '{"v":%s}\n' -1234567890 -1234567891 >b.jsonl
	printf '{"v":%s}\n' -0.00012345 -0.00012347 -0.0001234 >c.jsonl
	for f in a b c; do
		dm-stats -s v --depth 0 --ascii $f.jsonl | sed -n '4p;7p;10p'
	done >out.txt
	run cat out.txt
	assert_output <<'OUT'
v                        5  429629383  335770682  123456789  987654321
v                1.28e+08 1.46e+08 2.35e+08 3.46e+08 4.57e+08 8.81e+08 9.66e+08
v                123456789  @ @ @ @         @                         987654321
v                        2 -1.235e+09   0.707107 -1.235e+09 -1.235e+09
v                -1.2e+09 -1.2e+09 -1.2e+09 -1.2e+09 -1.2e+09 -1.2e+09 -1.2e+09
v               -1.235e+09  @@                                        -1.235e+09
v                        3 -1.234e-04   3.61e-08 -1.235e-04 -0.0001234
v                -1.2e-04 -1.2e-04 -1.2e-04 -1.2e-04 -1.2e-04 -1.2e-04 -1.2e-04
v               -1.235e-04  @=                                        -0.0001234
OUT
}

@test "a statistic that is not a number rejects the sample" {
	printf '%s\n' '{"v":1}' '{"v":"abc"}' '{"v":3}' '{"v":null}' >b.jsonl
	run_split dm-stats -s v b.jsonl
	assert_status 2
	assert_stderr "dm-stats: b.jsonl:2: statistic 'v' is not a number: '\"abc\"'"
	run_split dm-stats --on-error=skip -s v --json b.jsonl
	assert_status 1
	run jq -c '[.samples, .rejected, .stats[0].count, .stats[0].missing, .stats[0].mean]' <<<"$output"
	assert_output '[3,1,2,1,2]'
}

@test "a number of the input beyond the range of a double rejects the sample as such, not as no number" {
	printf '%s\n' '{"v":1}' '{"v":1e400}' '{"v":-2E+999}' '{"v":"1e400"}' '{"v":[1e400]}' >o.jsonl
	run_split dm-stats --on-error=skip -s v --json o.jsonl
	assert_status 1
	assert_stderr <<-'EOF'
	dm-stats: o.jsonl:2: statistic 'v' is beyond the range of a double: '1e400'
	dm-stats: o.jsonl:3: statistic 'v' is beyond the range of a double: '-2E+999'
	dm-stats: o.jsonl:4: statistic 'v' is not a number: '"1e400"'
	dm-stats: o.jsonl:5: statistic 'v' is not a number: '[1e400]'
	dm-stats: 4 of 5 samples rejected
	EOF
	run jq -c '[.samples, .rejected, .stats[0].count, .stats[0].mean]' <<<"$output"
	assert_output '[1,4,1,1]'
}

@test "nested fields read as the line is checked: the last duplicate, escaped keys, and nested errors as dm-filter gives them" {
	cat >nest.jsonl <<'EOF'
{"s":{"n":1,"n":2,"k\u0041":3},"t":"x"}
{"s":{},"t":"y"}
{"s":{"n":5},"s":{"n":7,"kA":1.25}}
{"s":{"n":1,}}
{"s":{"n":{"n":4}},"q":{"n":9}}
{"s":[1,2],"q":{"n":-2.5e1}}
{"s":{"n":1 "m":2}}
{"s":{"n":}}
{"s":{"n":1}}x
{"s":{"n" 1}}
{"s":{"n":1}
 { "s" : { "n" : 3 , "kA" : 0.5 } , "q" : { } }
{"s":{"n":"\ud800"}}
EOF
	run_split dm-stats --on-error=skip --json --depth 0 -s s.n,s.kA,s.n.n,q.n nest.jsonl
	assert_status 1
	[ "$(jq -c '[.samples, .rejected, (.stats[] | [.name, .count, .missing, .min, .max, .mean])]' <<<"$output")" = \
	    '[5,8,["s.n",3,2,2,7,4],["s.kA",3,2,0.5,3,1.5833333333333333],["s.n.n",0,5,null,null,null],["q.n",1,4,-25,-25,-25]]' ]
	errors='nest.jsonl:4:13: invalid JSON: expected a string key
nest.jsonl:7:13: invalid JSON: expected '"',' or '}'"'
nest.jsonl:8:11: invalid JSON: expected a value
nest.jsonl:9:14: invalid JSON: unexpected characters after the object
nest.jsonl:10:11: invalid JSON: expected '"':'"'
nest.jsonl:11:13: invalid JSON: unexpected end of line
nest.jsonl:13:12: invalid JSON: lone surrogate in \u escape'
	[ "$(grep -v "'s.n' is not a number\|samples rejected" <<<"$stderr")" = \
	    "$(sed 's/^/dm-stats: /' <<<"$errors")" ]
	run_split dm-filter --on-error=skip true nest.jsonl
	[ "$(grep -v 'samples rejected' <<<"$stderr")" = \
	    "$(sed 's/^/dm-filter: /' <<<"$errors")" ]
}

@test "a statistic no sample had is reported at the end; --strict makes it an error" {
	small
	run_split dm-stats -s wrds,words,meta.score --json small.jsonl
	assert_success
	assert_stderr "dm-stats: field 'wrds' was in none of the 3 samples that looked for it; did you mean the statistic 'words'?"
	run jq -c '[.stats[].count]' <<<"$output"
	assert_output '[0,3,2]'
	# a field some sample has is not reported, nor are partials' blocks
	run_split dm-stats -s meta.score --partial small.jsonl
	assert_success
	assert_stderr ''
	run_split dm-stats -s wrds --partial small.jsonl
	assert_success
	assert_stderr ''
	run_split dm-stats --strict -s meta.score small.jsonl
	assert_status 2
	assert_stderr "dm-stats: small.jsonl:3: --stats:1:1: field 'meta.score' is missing"
	run_split dm-stats --strict --on-error=skip -s meta.score --json small.jsonl
	assert_status 1
	assert_stderr <<-'EOF'
	dm-stats: small.jsonl:3: --stats:1:1: field 'meta.score' is missing
	dm-stats: 1 of 3 samples rejected
	EOF
	run jq -c '[.samples, .rejected, .stats[0].count]' <<<"$output"
	assert_output '[2,1,2]'
}

@test "--merge reports a field no sample of any partial had, as one run over them all does" {
	printf '%s\n' '{"text":"a b"}' '{"text":"c"}' '{"text":"d","sc":1}' '{"text":"e"}' >w.jsonl
	run_split dm-stats -s wrds,sc,words w.jsonl
	assert_success
	assert_stderr "dm-stats: field 'wrds' was in none of the 4 samples that looked for it; did you mean the statistic 'words'?"
	want=$stderr
	head -n 2 w.jsonl | dm-stats --partial -s wrds,sc,words >p1
	tail -n 2 w.jsonl | dm-stats --partial -s wrds,sc,words >p2
	run_split dm-stats --merge p1 p2
	assert_success
	assert_stderr "$want"
	# sc is in none of the samples of p1, but in one of p2
	run_split dm-stats --merge p1
	assert_stderr "$(printf '%s\n' "dm-stats: field 'wrds' was in none of the 2 samples that looked for it; did you mean the statistic 'words'?" "dm-stats: field 'sc' was in none of the 2 samples that looked for it")"
	# a merge into a partial is one block still; merged again, it is all
	run_split dm-stats --merge --partial p1 p2
	assert_stderr ''
	printf '%s\n' "$output" >p12
	run_split dm-stats --merge p12
	assert_stderr "$want"
	run_split dm-stats --merge p12 p12
	assert_stderr "dm-stats: field 'wrds' was in none of the 8 samples that looked for it; did you mean the statistic 'words'?"
	# a partial that does not say (of an earlier dm-stats): not known
	jq -c 'del(.watched)' p1 >p0
	run_split dm-stats --merge p0 p2
	assert_stderr ''
	run_split sh -c 'dm-stats --merge --partial p0 p2 | dm-stats --merge'
	assert_stderr ''
	# one sample
	head -n 1 w.jsonl | dm-stats --partial -s wrds >p3
	run_split dm-stats --merge p3
	assert_stderr "dm-stats: field 'wrds' was not in the one sample that looked for it; did you mean the statistic 'words'?"
}

@test "a missing text field rejects the sample, as in dm-filter" {
	printf '%s\n' '{"text":"ab"}' '{"x":1}' >t.jsonl
	run_split dm-stats -s len t.jsonl
	assert_status 2
	assert_stderr "dm-stats: t.jsonl:2: field 'text' is missing"
}

@test "empty input and a file of only bad lines" {
	LC_ALL=C run dm-stats -s len --depth 0 </dev/null
	assert_success
	assert_output <<'OUT'
samples 0, bytes 0, rejected 0

statistic            count       mean        std        min        max
len                      0          -          -          -          -

quantile               1%       5%      25%      50%      75%      95%      99%
len                     -        -        -        -        -        -        -

histogram              min                                            max
len                      -                                            -
OUT
	printf 'not json\n[1]\n' >bad.jsonl
	run_split dm-stats --on-error=skip -s len --json bad.jsonl
	assert_status 1
	run jq -c '[.samples, .rejected, .stats[0].count]' <<<"$output"
	assert_output '[0,2,0]'
}

@test "-s splits at commas outside strings, brackets and regular expressions; '/' after a value divides" {
	printf '%s\n' '{"text":"ab\ncd","l":"a,b","u":"x/y,z"}' '{"text":"abc","l":"en","u":"z"}' >s.jsonl
	run sh -c "dm-stats -s 'len / lines' -s \"l == 'a,b'\",'u =~ /y,z/' -s len/lines --depth 0 --json s.jsonl | jq -c '[.stats[] | [.name, .mean]]'"
	assert_success
	assert_output '[["len / lines",2.75],["l == '"'a,b'"'",0.5],["u =~ /y,z/",0.5],["len/lines",2.75]]'
	# a tab or a newline before the regular expression, too
	run sh -c "dm-stats -s \"\$(printf 'u =~\t/y,z/')\" --depth 0 --json s.jsonl | jq -c '[.stats[] | .mean]'"
	assert_output '[0.5]'
	usage=$(usage_of dm-stats)
	run_split dm-stats -s 'u =~ /a' </dev/null
	assert_status 2
	assert_stderr "dm-stats: --stats: unterminated regular expression"$'\n'"$usage"
	run_split dm-stats -s "l == 'a" </dev/null
	assert_status 2
	assert_stderr "dm-stats: --stats: unterminated string"$'\n'"$usage"
}

@test "-s strips blanks on both sides of each name: the partials of ' len , words ' merge with those of len,words" {
	small
	dm-stats -s ' len , words ' --partial small.jsonl >p1
	dm-stats -s len,words --partial small.jsonl >p2
	run jq -c '[.settings.stats, [.stats[].name]]' p1
	assert_output '[["len","words"],["len","words"]]'
	run_split sh -c "dm-stats --merge --json p1 p2 | jq -c '[.samples, [.stats[] | [.name, .count]]]'"
	assert_success
	assert_stderr ''
	assert_output '[6,[["len",6],["words",6]]]'
	run sh -c "dm-stats -s \"\$(printf '\tlen / lines \n,words\t')\" --depth 0 --json small.jsonl | jq -c '[.stats[].name]'"
	assert_output '["len / lines","words"]'
}

@test "-s takes an expression that opens with a statistic of a string argument and ends with ')' as dm-filter does" {
	printf '%s\n' '{"text":"the dildo and the dog"}' '{"text":"a cat of mine"}' >t.jsonl
	run_split sh -c "dm-stats -s 'stopword_ratio(\"en\") + flagged_ratio(\"en\")','stopword_ratio(\"en\")','flagged_ratio(\"en\")','(stopword_ratio(\"en\"))' --depth 0 --json t.jsonl | jq -c '[.stats[] | [.name, .min, .max]]'"
	assert_success
	assert_stderr ''
	assert_output '[["stopword_ratio(\"en\") + flagged_ratio(\"en\")",0.75,0.8],["stopword_ratio(\"en\")",0.6,0.75],["flagged_ratio(\"en\")",0,0.2],["(stopword_ratio(\"en\"))",0.6,0.75]]'
	# the samples dm-filter keeps by the same expression
	run dm-filter 'stopword_ratio("en") + flagged_ratio("en") > 0.77' t.jsonl
	assert_output '{"text":"the dildo and the dog"}'
	# a bad argument of the one call is still named
	run_split dm-stats -s 'stopword_ratio("e n")' t.jsonl
	assert_status 2
	assert_stderr "dm-stats: --stats: not a language code, or LANG:LIST: 'e n'"
}

@test "bad options are usage errors" {
	run_split dm-stats --json --partial
	assert_status 2
	[[ "$stderr" == "dm-stats: --json, --html and --partial exclude each other"* ]]
	run_split dm-stats --bins 0
	assert_status 2
	[[ "$stderr" == "dm-stats: --bins: '0' is out of range [1, 1000]"* ]]
	run_split dm-stats -s 'len >' </dev/null
	assert_status 2
	[[ "$stderr" == "dm-stats: --stats:1:6: "* ]]
	run_split dm-stats -s 'char_rep(0)' </dev/null
	assert_status 2
}

@test "--merge refuses the options that set what its partials set, where it ignored --depth, -k and --strict" {
	usage=$(usage_of dm-stats)
	echo '{"text":"a","m":{"n":{"o":1}}}' >d.jsonl
	dm-stats -s len --partial d.jsonl >p
	for o in '--depth 1' '-k body' '--key=body' --strict '-s len' '-c m' --exact; do
		run_split dm-stats --merge $o p
		assert_status 2
		assert_stderr "dm-stats: --merge takes the settings of the partials: no --stats, --count, --exact, --depth, --key or --strict"$'\n'"$usage"
	done
	# DM_TEXT_KEY is no option: the partials' text field holds
	run sh -c 'DM_TEXT_KEY=body dm-stats --merge --partial p | jq -c .settings.key'
	assert_output '"text"'
}

@test "a share short of all is not shown as 100.0%, one above none not as 0.0%: coverage, value counts, the report and the funnel" {
	seq 1 10000 | sed 's/.*/{"text":"a","f":&}/' | sed '5s/,"f":5//' >share.jsonl
	echo '{"text":"b","g":1}' >>share.jsonl
	LC_ALL=C run sh -c 'dm-stats -s len -c text share.jsonl | tail -n 8'
	assert_output <<-'EOF'
	field                                count   share  types
	f                                     9999  >99.9%  number
	g                                        1   <0.1%  number
	text                                 10001  100.0%  string

	text: 10001 present, 0 missing, 2 distinct
	  a                                  10000  >99.9%  ####################
	  b                                      1   <0.1%  
	EOF
	dm-stats -s len --html r.html share.jsonl
	run sh -c "grep -o '<tr><td>[fgt][a-z]*</td><td>[0-9]*</td><td>[^<]*</td>' r.html"
	assert_output <<-'EOF'
	<tr><td>f</td><td>9999</td><td>&gt;99.9%</td>
	<tr><td>g</td><td>1</td><td>&lt;0.1%</td>
	<tr><td>text</td><td>10001</td><td>100.0%</td>
	EOF
	DM_REPORT=rep.jsonl dm-filter 'text != "b"' share.jsonl >/dev/null
	run sh -c 'dm-stats --funnel rep.jsonl | tail -n 2'
	assert_output <<-'EOF'
	dm-filter 'text != "b"' share.jsonl        10001     10000         1  >99.9%
	  expression                                                       1
	EOF
}

@test "the funnel of a pipeline: stage by stage, in, out and why" {
	printf '{"text":"%s"}\n' a bb ccc dddd eeeee ffffff >in.jsonl
	export DM_REPORT=$TMP/r.jsonl
	dm-map lower in.jsonl | dm-run -j 2 --lines 2 -- 'dm-filter "len > 1"' |
	    dm-filter 'len < 6 && !(text =~ /e/)' >/dev/null
	dm-stats --funnel --ascii r.jsonl >funnel.txt
	run cat funnel.txt
	assert_output <<'OUT'
stage                                         in       out   dropped    kept
dm-map lower in.jsonl                          6         6         0  100.0%
dm-filter 'len > 1' (3 runs)                   6         5         1   83.3%
  expression                                                       1
dm-run -j 2 --lines 2 -- 'dm-filte... jobs 3, retries 0, failed 0
dm-filter 'len < 6 && !(text =~ /e/)'          5         3         2   60.0%
  expression                                                       2
OUT
	run sh -c "dm-stats --funnel --json r.jsonl | jq -c '[.stages[] | [.tool, .runs, .in, .out, .dropped]]'"
	assert_output '[["dm-map",1,6,6,null],["dm-filter",3,6,5,{"expression":1}],["dm-run",1,null,null,null],["dm-filter",1,5,3,{"expression":2}]]'
	run grep -c '"tool":"dm-stats"' r.jsonl
	assert_output 0
	# the HTML table says what the text table says
	dm-stats --funnel --html f.html r.jsonl
	run grep '^<tr><td>' f.html
	assert_output <<'OUT'
<tr><td>dm-map lower in.jsonl</td><td>6</td><td>6</td><td>0</td><td></td></tr>
<tr><td>dm-filter 'len &gt; 1' (3 runs)</td><td>6</td><td>5</td><td>1</td><td>expression: 1<br></td></tr>
<tr><td>dm-run -j 2 --lines 2 -- 'dm-filter &quot;len &gt; 1&quot;'</td><td colspan="4">jobs 3, retries 0, failed 0</td></tr>
<tr><td>dm-filter 'len &lt; 6 &amp;&amp; !(text =~ /e/)'</td><td>5</td><td>3</td><td>2</td><td>expression: 2<br></td></tr>
OUT
}

@test "the funnel keeps two stages of one command line apart, and adds up only the jobs of dm-run" {
	printf '{"text":"%s"}\n' " a" "bb " " c " >in.jsonl
	export DM_REPORT=$TMP/r.jsonl
	dm-map strip in.jsonl | dm-filter 'len > 1' | dm-map strip >/dev/null
	run dm-stats --funnel --ascii r.jsonl
	assert_output <<'OUT'
stage                                         in       out   dropped    kept
dm-map strip in.jsonl                          3         3         0  100.0%
dm-filter 'len > 1'                            3         1         2   33.3%
  expression                                                       2
dm-map strip                                   1         1         0  100.0%
OUT
	run sh -c "grep -c '\"job\":' r.jsonl"
	assert_output 0
	: >r.jsonl
	dm-run -j 2 --lines 1 -- 'dm-map strip' <in.jsonl | dm-map strip >/dev/null
	run sh -c "jq -c '[.tool, .job]' r.jsonl | sort"
	assert_output <<'OUT'
["dm-map",1]
["dm-map",2]
["dm-map",3]
["dm-map",null]
["dm-run",null]
OUT
	run sh -c "dm-stats --funnel --json r.jsonl | jq -c '[.stages[] | [.tool, .runs, .in]]'"
	assert_output '[["dm-map",3,3],["dm-run",1,null],["dm-map",1,3]]'
	# a job that ended before the tool feeding dm-run wrote its line: the
	# stage of the jobs goes where the last of them ended
	printf '%s\n' '{"tool":"dm-filter","args":["x"],"pid":5,"job":1,"in":2,"out":2}' \
	    '{"tool":"dm-map","args":["lower"],"pid":1,"in":4,"out":4}' \
	    '{"tool":"dm-filter","args":["x"],"pid":6,"job":2,"in":2,"out":1}' \
	    '{"tool":"dm-run","args":["x"],"pid":2,"jobs":2,"done":2,"failed":0,"retries":0}' >race.jsonl
	run sh -c "dm-stats --funnel --json race.jsonl | jq -c '[.stages[] | [.tool, .runs, .in]]'"
	assert_output '[["dm-map",1,4],["dm-filter",2,4],["dm-run",1,null]]'
	# one command twice in a job's pipeline, and in two dm-run stages:
	# a job's line names its run, and the k-th line of a job with a
	# command is that command's k-th stage
	seq 1 1000 | sed 's/.*/{"text":"text number &"}/' >big.jsonl
	: >r.jsonl
	dm-run -j 2 --lines 300 -- 'dm-filter "len > 14" | dm-filter "len > 14"' big.jsonl >/dev/null
	run sh -c "dm-stats --funnel --json r.jsonl | jq -c '[.stages[] | [.tool, .runs, .in, .out]]'"
	assert_output '[["dm-filter",4,1000,901],["dm-filter",4,901,901],["dm-run",1,null,null]]'
	: >r.jsonl
	dm-run -j 2 --lines 300 -- 'dm-filter "len > 14"' big.jsonl |
	    dm-run -j 2 --lines 300 -- 'dm-filter "len > 14"' >/dev/null
	run sh -c "dm-stats --funnel --json r.jsonl | jq -c '[.stages[] | [.tool, .runs, .in, .out]]'"
	assert_output '[["dm-filter",4,1000,901],["dm-run",1,null,null],["dm-filter",4,901,901],["dm-run",1,null,null]]'
	run sh -c "jq -r 'select(.job) | .run' r.jsonl | sort -u | wc -l"
	assert_output 2
	run sh -c "jq -r 'select(.job) | .attempt' r.jsonl | sort -u"
	assert_output 1
	# a job tried again is the same stage again
	printf '%s\n' '{"tool":"dm-filter","args":["x"],"pid":5,"job":1,"run":"9-1","attempt":1,"in":2,"out":2}' \
	    '{"tool":"dm-filter","args":["x"],"pid":6,"job":1,"run":"9-1","attempt":2,"in":2,"out":1}' \
	    '{"tool":"dm-filter","args":["x"],"pid":7,"job":2,"run":"9-1","attempt":1,"in":3,"out":3}' >retry.jsonl
	run sh -c "dm-stats --funnel --json retry.jsonl | jq -c '[.stages[] | [.tool, .runs, .in, .out]]'"
	assert_output '[["dm-filter",3,7,6]]'
	# one command run twice, months apart, by processes of the same pid
	printf '%s\n' '{"tool":"dm-filter","args":["x"],"pid":5,"start":"2026-01-02T10:00:00.000Z","in":2,"out":2}' \
	    '{"tool":"dm-filter","args":["x"],"pid":5,"start":"2026-05-02T10:00:00.000Z","in":3,"out":1}' >again.jsonl
	run sh -c "dm-stats --funnel --json again.jsonl | jq -c '[.stages[] | [.tool, .runs, .in, .out]]'"
	assert_output '[["dm-filter",1,2,2],["dm-filter",1,3,1]]'
}

@test "dm-stats writes its own report line" {
	small
	dm-stats --report r.jsonl small.jsonl >/dev/null
	run jq -c '[.tool, .in, .out, .rejected]' r.jsonl
	assert_output '["dm-stats",3,0,0]'
}

@test "the tables keep their columns: rejected under dropped, wide characters take two columns" {
	printf '%s\n' '{"tool":"dm-map","args":["lower"],"status":1,"in":3,"out":2,"rejected":1}' \
	    '{"tool":"dm-filter","args":["len > 1"],"status":0,"in":2,"out":1,"rejected":0,"dropped":{"expression":1}}' >r.jsonl
	run dm-stats --funnel r.jsonl
	assert_output <<'OUT'
stage                                         in       out   dropped    kept
dm-map lower                                   3         2         1   66.7%
  rejected                                                         1
dm-filter 'len > 1'                            2         1         1   50.0%
  expression                                                       1
OUT
	printf '%s\n' '{"l":"日本語"}' '{"l":"en"}' '{"l":"日本語"}' >c.jsonl
	run sh -c 'dm-stats --ascii -s 1 --depth 0 -c l c.jsonl | tail -2'
	assert_output <<'OUT'
  日本語                                 2   66.7%  ####################
  en                                     1   33.3%  ##########
OUT
}

@test "--funnel adds up counts past the largest integer as the largest, not wrapped below zero" {
	M=9223372036854775807
	for i in 1 2; do
		printf '{"tool":"dm-map","args":["lower"],"pid":7,"seconds":0.001,"status":0,"in":%s,"out":%s,"rejected":0,"dropped":{"x":%s}}\n' $M $M $M
	done >big.jsonl
	# the sums overflowed (undefined; -2 here) and the table said '-'
	run dm-stats --funnel --json big.jsonl
	assert_success
	assert_output '{"dm_funnel":1,"stages":[{"tool":"dm-map","args":["lower"],"runs":2,"seconds":0.002,"status":0,"in":9223372036854775807,"out":9223372036854775807,"rejected":0,"dropped":{"x":9223372036854775807}}]}'
}

@test "--funnel refuses the options it has no use for, where it ignored them" {
	usage=$(usage_of dm-stats)
	echo '{"text":"hello world"}' | DM_REPORT=r.jsonl dm-map lower >/dev/null
	for o in '--top 3:--top' '--bins=4:--bins' '-s len:-s' '--stats=len:--stats' \
	    '-c meta:-c' '--exact:--exact' '--depth 2:--depth' '-k body:-k' \
	    '--strict:--strict' '--on-error=skip:--on-error' '--max-line 9:--max-line' \
	    '--rejects rej:--rejects' '--report other:--report'; do
		run_split dm-stats --funnel ${o%%:*} r.jsonl
		assert_status 2
		assert_stderr "dm-stats: --funnel shows the report FILE as it is: no ${o#*:}"$'\n'"$usage"
	done
	[ ! -e rej ] && [ ! -e other ]
	# DM_REPORT is no option, and --ascii, --json and --html are the funnel's
	run sh -c 'DM_REPORT=other dm-stats --funnel --ascii --json r.jsonl | jq -c "[.stages[] | [.tool, .in, .out]]"'
	assert_output '[["dm-map",1,1]]'
	[ ! -e other ]
}

@test "status 2 still summarizes what was read, a signal writes nothing (EXIT STATUS)" {
	printf '{"text":"ab"}\nnope\n{"text":"c"}\n' >bad.jsonl
	run_split dm-stats -s len --json bad.jsonl
	assert_status 2
	assert_stderr "dm-stats: bad.jsonl:2:1: invalid JSON: expected a value"
	run sh -c 'dm-stats -s len --json bad.jsonl 2>/dev/null | jq -c "[.samples, .rejected, .stats[0].max]"'
	assert_output '[1,1,2]'
	printf '{"text":"abc"}\n' >good.jsonl
	run_split dm-stats -s len --json nosuch.jsonl good.jsonl
	assert_status 2
	assert_stderr "dm-stats: nosuch.jsonl: No such file or directory"
	run sh -c 'dm-stats -s len --json nosuch.jsonl good.jsonl 2>/dev/null | jq -c "[.samples, .stats[0].max]"'
	assert_output '[1,3]'
	mkfifo in
	dm-stats -s len <in >out 2>err 3>&- &
	pid=$!
	sleep 5 >in 3>&- &
	hold=$!
	echo '{"text":"ab"}' >in
	sleep 0.3
	kill -TERM "$pid"
	st=0
	wait "$pid" || st=$?
	kill "$hold"
	[ "$st" = 143 ]
	[ ! -s out ] && [ ! -s err ]
}

@test "--funnel on a file that is not a report" {
	echo '{"a":1}' >x.jsonl
	run_split dm-stats --funnel x.jsonl
	assert_status 2
	assert_stderr "dm-stats: x.jsonl:1: not a line of a dm report"
	run_split dm-stats --funnel nosuch.jsonl
	assert_status 2
	assert_stderr "dm-stats: nosuch.jsonl: No such file or directory"
}

@test "SIGINT stops the run with status 130 and no summary of part of the input" {
	mkfifo fifo
	dm-stats <fifo >out 2>err &
	pid=$!
	exec 5>fifo
	for i in $(seq 1000); do echo '{"text":"hello"}' >&5; done
	sleep 0.5
	signal_and_wait "$pid" INT
	exec 5>&-
	[ "$status" -eq 130 ]
	assert_bytes out ''
}
