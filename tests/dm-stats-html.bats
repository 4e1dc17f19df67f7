#!/usr/bin/env bats
# dm-stats-html.bats - the HTML reports, rendered by a real headless chromium

load helper

# render PAGE: loads PAGE in a new headless chromium (its own profile, no
# network services) and leaves the DOM in dom.html, a 1000x2400
# screenshot in shot.png and chromium's log (console messages included) in
# log.txt.
render() {
	rm -rf "$TMP/profile" dom.html shot.png
	local flags=(--headless --no-sandbox --disable-gpu --disable-quic
	    --no-first-run --disable-background-networking
	    --disable-component-update --disable-sync
	    --user-data-dir="$TMP/profile" --enable-logging=stderr --v=0
	    --window-size=1000,2400)
	timeout 120 chromium "${flags[@]}" --dump-dom "file://$TMP/$1" \
	    >dom.html 2>log.txt
	timeout 120 chromium "${flags[@]}" --screenshot="$TMP/shot.png" \
	    "file://$TMP/$1" >/dev/null 2>>log.txt
	rm -rf "$TMP/profile"
}

# The console messages chromium logged.
console() {
	grep ':CONSOLE' log.txt || :
}

# pixels R G B: how many pixels of shot.png have that colour (a small PNG
# reader: 8-bit RGB or RGBA, non-interlaced, all five filters).
pixels() {
	/usr/bin/python3 - "$@" <<'PY'
import struct, sys, zlib
data = open("shot.png", "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n"
pos, idat = 8, b""
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b"IHDR":
        w, h, depth, ctype, _, _, lace = struct.unpack(">IIBBBBB", body)
        assert depth == 8 and ctype in (2, 6) and lace == 0
    elif kind == b"IDAT":
        idat += body
    pos += 12 + n
bpp = 3 if ctype == 2 else 4
raw, stride = zlib.decompress(idat), w * bpp
prev, out, want = bytearray(stride), 0, tuple(map(int, sys.argv[1:4]))
for y in range(h):
    f = raw[y * (stride + 1)]
    line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0
        b = prev[i]
        c = prev[i - bpp] if i >= bpp else 0
        if f == 1: line[i] = (line[i] + a) & 255
        elif f == 2: line[i] = (line[i] + b) & 255
        elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            pr = a if pa <= pb and pa <= pc else b if pb <= pc else c
            line[i] = (line[i] + pr) & 255
    out += sum(1 for x in range(0, stride, bpp) if tuple(line[x:x + 3]) == want)
    prev = line
print(out)
PY
}

corpus() {
	: >c.jsonl
	for i in $(seq 1 120); do
		printf '{"text":"%s","meta":{"lang":"%s","n":%d}}\n' \
		    "$(seq -s ' ' 1 $((i % 37 + 1)))" \
		    "$(echo en en en fr de | cut -d' ' -f$((i % 5 + 1)))" "$i" >>c.jsonl
	done
}

@test "the HTML report renders its charts in chromium with no console message" {
	corpus
	dm-stats -s len,words,meta.n -c meta.lang --html report.html c.jsonl
	# self-contained: nothing is fetched, nothing runs
	run grep -Eic '<script|<link|<img|@import|url\(|src=' report.html
	assert_output 0
	render report.html
	run console
	assert_output ''
	# a histogram and a box plot per statistic, one bar chart per --count
	run grep -o '<svg class="chart [a-z]*"' dom.html
	assert_output <<'OUT'
<svg class="chart histogram"
<svg class="chart boxplot"
<svg class="chart histogram"
<svg class="chart boxplot"
<svg class="chart histogram"
<svg class="chart boxplot"
<svg class="chart counts"
OUT
	run grep -c '<rect class="bar"' dom.html
	[ "$output" -gt 0 ]
	# the bars were painted: the bar colour covers part of the screenshot
	run pixels 72 120 168
	[ "$output" -gt 5000 ]
}

@test "the check sees a console error when a page has one" {
	printf '%s\n' '<!DOCTYPE html><html><body><svg class="chart x"></svg>' \
	    '<script>console.error("boom")</script></body></html>' >bad.html
	render bad.html
	run console
	[[ "$output" == *'"boom"'* ]]
	run pixels 72 120 168
	assert_output 0
}

@test "the funnel's HTML renders its chart and table" {
	printf '{"text":"%s"}\n' a bb ccc dddd eeeee ffffff >in.jsonl
	export DM_REPORT=$TMP/r.jsonl
	dm-map lower in.jsonl | dm-filter 'len > 2' >/dev/null
	dm-stats --funnel --html funnel.html r.jsonl
	render funnel.html
	run console
	assert_output ''
	run grep -c '<svg class="chart funnel"' dom.html
	assert_output 1
	run grep -o '<td>dm-filter [^<]*</td><td>6</td><td>4</td><td>2</td><td>expression: 2' dom.html
	assert_output "<td>dm-filter 'len &gt; 2'</td><td>6</td><td>4</td><td>2</td><td>expression: 2"
	run pixels 72 120 168
	[ "$output" -gt 1000 ]
}
