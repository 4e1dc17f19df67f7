#!/usr/bin/env bats
# io-edge.bats - the shared reader, sample and writer at their edges: long
# changed lines, line ends, numbers and signals, across the tools that
# share them (dm.7).

load helper

# big20 PREFIX: a sample of a 20 MB text, in the object that PREFIX opens
# ('"meta":{' for a nested field, '' for a top-level one).
big20() {
	local close=
	[ -n "$1" ] && close='}'
	printf '{"id":1,%s"lang":"en","text":"' "$1"
	head -c 20000000 /dev/zero | tr '\0' 'a'
	printf '"%s}\n' "$close"
}

@test "a changed 20 MB text, nested or not, is held three times at most: read, changed, encoded" {
	local m
	skip_asan "its shadow memory and quarantine of freed blocks are in the RSS"
	big20 '"meta":{' >nested.jsonl
	big20 '' >flat.jsonl
	{
		printf '{"id":1,"meta":{"lang":"en","text":"'
		head -c 20000000 /dev/zero | tr '\0' 'A'
		printf '"}}\n'
	} >nested.want
	{
		printf '{"id":1,"lang":"en","text":"'
		head -c 20000000 /dev/zero | tr '\0' 'A'
		printf '"}\n'
	} >flat.want
	/usr/bin/time -f %M -o rss dm-map -k meta.text upper nested.jsonl >out
	cmp out nested.want
	m=$(cat rss)
	echo "dm-map -k meta.text: $m kB"
	[ "$m" -lt 70000 ]
	/usr/bin/time -f %M -o rss dm-map upper flat.jsonl >out
	cmp out flat.want
	m=$(cat rss)
	echo "dm-map: $m kB"
	[ "$m" -lt 70000 ]
}
