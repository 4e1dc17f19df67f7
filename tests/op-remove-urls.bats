#!/usr/bin/env bats
# op-remove-urls.bats - the remove-urls operator: Data-Juicer's clean_links_mapper
#
# Expected texts are what Data-Juicer gives: its pattern run by Python's
# `regex` module with re.DOTALL.

load helper

@test "removes ftp links with user, password and port" {
	run dm-map remove-urls <<< '{"text":"ftp://user:password@ftp.example.com:21/"}'
	assert_success
	assert_output '{"text":""}'
}

@test "removes links whatever the case of scheme and host" {
	run dm-map remove-urls <<< '{"text":"HTTPS://EXAMPLE.COM and Ftp://example.com/my-page.HTMl"}'
	assert_success
	assert_output '{"text":" and "}'
}

@test "removes a query string with the link" {
	run dm-map remove-urls <<< '{"text":"This is a test,https://www.example.com/file.html?param1=value1&param2=value2"}'
	assert_success
	assert_output '{"text":"This is a test,"}'
}

@test "leaves closing punctuation after a link in the text" {
	run dm-map remove-urls <<< '{"text":"see http://example.com/a, https://b.org/x. and ftp://c.net/y!"}'
	assert_success
	assert_output '{"text":"see , . and !"}'
}

@test "removes www. and host/path forms without a scheme" {
	run dm-map remove-urls <<< '{"text":"visit www.example.com today or example.org/page now"}'
	assert_success
	assert_output '{"text":"visit  today or  now"}'
}

@test "keeps balanced parentheses inside a link and the ones around it outside" {
	run dm-map remove-urls <<< '{"text":"wiki: https://en.wikipedia.org/wiki/Foo_(bar) and (see https://x.org/a)"}'
	assert_success
	assert_output '{"text":"wiki:  and (see )"}'
}

@test "removes a link ending in a parenthesized part" {
	run dm-map remove-urls <<< '{"text":"https://x.org/a?b=(c)"}'
	assert_success
	assert_output '{"text":""}'
}

@test "removes a link that follows Chinese text" {
	run dm-map remove-urls <<< '{"text":"这是个测试,https://example.com/my-page.html?param1=value1&param2=value2"}'
	assert_success
	assert_output '{"text":"这是个测试,"}'
}

@test "removes links with accented and CJK hosts and paths" {
	run dm-map remove-urls <<< $'{"text":"Café: https://café.example/menu — très bien"}\n{"text":"日本語のページ https://例え.jp/パス を見て"}'
	assert_success
	assert_output $'{"text":"Café:  — très bien"}\n{"text":"日本語のページ  を見て"}'
}

@test "removes a link with an emoji path and keeps emoji around it" {
	run dm-map remove-urls <<< '{"text":"🎉 https://emoji.example/🎉 🎉"}'
	assert_success
	assert_output '{"text":"🎉  🎉"}'
}

@test "leaves quotes and angle brackets around a link" {
	run dm-map remove-urls <<< '{"text":"\"http://a.b/c\" and <http://d.e/f>"}'
	assert_success
	assert_output '{"text":"\"\" and <>"}'
}

@test "removes any scheme followed by two slashes" {
	run dm-map remove-urls <<< '{"text":"abcd://ef is a sample for test"}'
	assert_success
	assert_output '{"text":" is a sample for test"}'
}

@test "leaves things that are not links byte for byte" {
	run dm-map remove-urls <<< $'{"text": "abcd:/e f is a sample for test"}\n{"text": "This is a sample@example for test"}\n{"text": "，。、„”“«»１」「《》´∶：？！（）；–—．～’…━〈〉【】％►"}'
	assert_success
	assert_output $'{"text": "abcd:/e f is a sample for test"}\n{"text": "This is a sample@example for test"}\n{"text": "，。、„”“«»１」「《》´∶：？！（）；–—．～’…━〈〉【】％►"}'
}

@test "writes an unchanged sample back byte for byte" {
	run dm-map remove-urls <<< '{"text": "no links here, just text.",  "n": 1.50}'
	assert_success
	assert_output '{"text": "no links here, just text.",  "n": 1.50}'
}

@test "leaves an empty text alone" {
	run dm-map remove-urls <<< '{"text": ""}'
	assert_success
	assert_output '{"text": ""}'
}

@test "replaces each link with repl" {
	run dm-map 'remove-urls repl="<url>"' <<< '{"text":"a http://x.com/1 b www.y.org c"}'
	assert_success
	assert_output '{"text":"a <url> b <url> c"}'
}

@test "keeps closing punctuation out of the replaced link" {
	run dm-map 'remove-urls repl="<url>"' <<< '{"text":"price: 5 USD, see shop.example.com/item(42)/view."}'
	assert_success
	assert_output '{"text":"price: 5 USD, see <url>."}'
}

@test "takes repl literally, dollars and all" {
	run dm-map 'remove-urls repl="<$0 $1 $$>"' <<< '{"text":"go to www.x.com/a now"}'
	assert_success
	assert_output '{"text":"go to <$0 $1 $$> now"}'
}

@test "gives up quickly on www. followed by a long run of punctuation" {
	local semi
	semi=$(printf ';%.0s' $(seq 60))
	run dm-map remove-urls <<< "{\"text\":\"www.$semi x\"}"
	assert_success
	assert_output "{\"text\":\"www.$semi x\"}"
}

@test "gives up quickly on a scheme followed by a long run of dots" {
	local dots
	dots=$(printf '.%.0s' $(seq 60))
	run dm-map remove-urls <<< "{\"text\":\"see http://$dots end\"}"
	assert_success
	assert_output "{\"text\":\"see http://$dots end\"}"
}

# The classes below are those of Python's `regex`, which Data-Juicer uses:
# combining marks are word characters, U+180E and U+001C are not space,
# and I with a dot above matches [a-z] without case.

@test "sees no word boundary before a combining mark" {
	run dm-map remove-urls <<< '{"text": "nai\u0308ve.com/x"}'
	assert_success
	assert_output '{"text": "nai\u0308ve.com/x"}'
}

@test "takes a letter with a combining mark into the scheme" {
	run dm-map remove-urls <<< '{"text":"x\u0308http://a.b/c"}'
	assert_success
	assert_output '{"text":""}'
}

@test "counts the Mongolian vowel separator and U+001C as part of a link" {
	run dm-map remove-urls <<< $'{"text":"http://a.b/c\\u180ed e"}\n{"text":"http://a.b/c\\u001cd e"}'
	assert_success
	assert_output $'{"text":" e"}\n{"text":" e"}'
}

@test "takes the digits Unicode 15.0 added (Kawi, Nag Mundari) after www, as regex's \\d does" {
	run dm-map remove-urls <<< '{"text":"go www\ud807\udf55.example here, www\ud839\udcf9\ud839\udcf1.x.org/ too"}'
	assert_success
	assert_output '{"text":"go  here,  too"}'
}

@test "matches a capital I with a dot above as a scheme letter" {
	run dm-map remove-urls <<< '{"text":"İhttp://x.y/z"}'
	assert_success
	assert_output '{"text":""}'
}

@test "finds links beside every kind of space and deep inside a run of text" {
	run dm-map remove-urls <<< '{"text":"a\u00a0http://nb.sp\u2003x wWw.c.d\tftp://h/é (http://y.io) éwww.x.y İhttp://i.com 3http://w.x foo:bar"}'
	assert_success
	assert_output "$(printf '{"text":"a\302\240\342\200\203x \\t () \303\251www.x.y  3http://w.x "}')"
}
