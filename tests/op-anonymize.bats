#!/usr/bin/env bats
# op-anonymize.bats - the anonymize operator: DataMate's Anonymized* cleaners
#
# Every kind is compared with its DataMate cleaner (EmailNumberCleaner,
# AnonymizedUrlCleaner, AnonymizedIpAddress, AnonymizedPhoneNumber,
# AnonymizedIdNumber, AnonymizedCreditCardNumber in tests/datamate-ref.py,
# with Debian's email_validator and Python's ipaddress) on the samples of
# tests/anon-corpus.py; idcard by default with the checksum.
#
# Card numbers were checked with the Luhn sum and ID numbers with ISO 7064
# MOD 11-2 in python3: 4111111111111111, 5500000000000004, 378282246310005
# pass, 4111111111111112 does not; 11010519491231002X,
# 110105200002291235, 190105194912310024, 110105199002301231,
# 110105209912310029 and 11010519４９1231002X (by the digits' values)
# pass, 110105194912310021 does not.

load helper

@test "replaces an ID number whose checksum holds" {
	run dm-map anonymize <<< '{"text":"身份证11010519491231002X，闰日110105200002291235。"}'
	assert_success
	assert_output '{"text":"身份证<id>，闰日<id>。"}'
}

@test "keeps an ID number whose check character is wrong" {
	run dm-map anonymize <<< '{"text":"错号110105194912310021，日期110105199002291230"}'
	assert_success
	assert_output '{"text":"错号110105194912310021，日期110105199002291230"}'
}

# DataMate's pattern names its province, city and county codes; the date
# is its shape (month 01 to 12, day 01 to 31), from 1800 to 2099
@test "replaces an ID number of DataMate's region codes and date shape only" {
	run dm-map 'anonymize kinds=idcard' <<< '{"text":"190105194912310024 110105199002301231 110105209912310029"}'
	assert_success
	assert_output '{"text":"190105194912310024 <id> <id>"}'
}

@test "takes any decimal digit in the year and the sequence, and only ASCII digits as neighbours, as DataMate" {
	run dm-map 'anonymize kinds=idcard' <<< '{"text":"a11010519４９1231002X ５11010519491231002X 011010519491231002X 11010519491231002Xx"}'
	assert_success
	assert_output '{"text":"a<id> ５<id> 011010519491231002X 11010519491231002Xx"}'
}

@test "checksum=false replaces every ID number of DataMate's shape, as DataMate" {
	run dm-map 'anonymize kinds=idcard checksum=false' <<< '{"text":"错号110105194912310021，190105194912310021"}'
	assert_success
	assert_output '{"text":"错号<id>，190105194912310021"}'
}

@test "replaces ID numbers as DataMate's AnonymizedIdNumber, with the checksum" {
	"$DM_REPO/tests/anon-corpus.py" 6 3000 idcard >in.jsonl
	like_datamate dm-map 'anonymize kinds=idcard' AnonymizedIdNumber+checksum
}

@test "checksum=false replaces ID numbers as DataMate's AnonymizedIdNumber" {
	"$DM_REPO/tests/anon-corpus.py" 6 3000 idcard >in.jsonl
	like_datamate dm-map 'anonymize kinds=idcard checksum=false' AnonymizedIdNumber
}

@test "replaces card numbers that pass the Luhn check and keeps the others" {
	run dm-map anonymize <<< '{"text":"卡 4111 1111 1111 1111 与 4111111111111112；万事达5500-0000-0000-0004，运通 378282246310005。"}'
	assert_success
	assert_output '{"text":"卡 <credit_card_number> 与 4111111111111112；万事达<credit_card_number>，运通 <credit_card_number>。"}'
}

# DataMate's JCB pattern has a top-level '|': an 8-digit number is a
# branch of its own, a space or '-' before it goes with it
@test "replaces an 8-digit number that passes the Luhn check, as DataMate" {
	run dm-map 'anonymize kinds=card' <<< '{"text":"订单 12345674，编号12345674与-12345674，12345675"}'
	assert_success
	assert_output '{"text":"订单<credit_card_number>，编号<credit_card_number>与-<credit_card_number>，12345675"}'
}

@test "card8=false keeps 8-digit numbers" {
	run dm-map 'anonymize kinds=card card8=false' <<< '{"text":"订单 12345674，JCB 3530 1113 33300000"}'
	assert_success
	assert_output '{"text":"订单 12345674，JCB <credit_card_number>"}'
}

@test "takes any decimal digit where DataMate's card patterns take one, by its value, and replaces every place of a number" {
	run dm-map 'anonymize kinds=card' <<< '{"text":"卡 4111 1111 1111 １１１１，又4111111111111111，旧4111111111111111；x5500000000000004 15500000000000004"}'
	assert_success
	assert_output '{"text":"卡 <credit_card_number>，又<credit_card_number>，旧<credit_card_number>；x<credit_card_number> 15500000000000004"}'
}

@test "replaces card numbers as DataMate's AnonymizedCreditCardNumber" {
	"$DM_REPO/tests/anon-corpus.py" 7 3000 card >in.jsonl
	like_datamate dm-map 'anonymize kinds=card' AnonymizedCreditCardNumber
}

@test "card8=false replaces card numbers as DataMate's pattern without the 8-digit branch" {
	"$DM_REPO/tests/anon-corpus.py" 7 3000 card >in.jsonl
	like_datamate dm-map 'anonymize kinds=card card8=false' AnonymizedCreditCardNumber-card8
}

@test "replaces mobile numbers with and without a country prefix" {
	run dm-map anonymize <<< '{"text":"手机13812345678、+86 138-1234-5678、(0086)13912345678。"}'
	assert_success
	assert_output '{"text":"手机<tel>、<tel>、<tel>。"}'
}

@test "replaces landline numbers with area codes" {
	run dm-map anonymize <<< '{"text":"座机010-62345678，（0755）2345678，电话 0571 87654321"}'
	assert_success
	assert_output '{"text":"座机<tel>，<tel>，电话 <tel>"}'
}

@test "takes any decimal digit in a phone number past its first two, as DataMate" {
	run dm-map anonymize <<< '{"text":"手机13８１２３４５６７８。座机010-6２３４５６７８，1３８１２３４５６７８"}'
	assert_success
	assert_output '{"text":"手机<tel>。座机<tel>，1３８１２３４５６７８"}'
}

# tests/anon-corpus.py's phone numbers stand among CJK, letters and hex
# runs
@test "replaces phone numbers as DataMate's AnonymizedPhoneNumber" {
	"$DM_REPO/tests/anon-corpus.py" 5 3000 phone >in.jsonl
	like_datamate dm-map 'anonymize kinds=phone' AnonymizedPhoneNumber
}

@test "keeps a number run longer than a phone number" {
	run dm-map anonymize <<< '{"text":"订单 1381234567890"}'
	assert_success
	assert_output '{"text":"订单 1381234567890"}'
}

@test "replaces IPv4 addresses and leaves versions and bad octets" {
	run dm-map anonymize <<< '{"text":"ip 192.168.1.100, 256.1.1.1, 1.2.3, 1.2.3.4.5."}'
	assert_success
	assert_output '{"text":"ip <ip>, 256.1.1.1, 1.2.3, 1.2.3.4.5."}'
}

@test "replaces IPv6 addresses in full and shorthand forms" {
	run dm-map anonymize <<< '{"text":"::1 and fe80::1 and 2001:0db8:85a3:0000:0000:8a2e:0370:7334, 12:30 a:b:c"}'
	assert_success
	assert_output '{"text":"<ip> and <ip> and <ip>, 12:30 a:b:c"}'
}

# DataMate's IPv6 pattern takes any run of hex digits and colons that
# Python's ipaddress accepts, wherever it stands.
@test "replaces the runs of hex digits and colons that read as IPv6, in words too" {
	run dm-map 'anonymize kinds=ip' <<< '{"text":"std::vector a::b Foo::Bar ::ffff:1.2.3.4"}'
	assert_success
	assert_output '{"text":"st<ip>vector <ip> Foo<ip>r <ip>.2.3.4"}'
}

@test "replaces an address of single digits only after an ip keyword" {
	run dm-map 'anonymize kinds=ip' <<< '{"text":"version 1.2.3.4 released"}
{"text":"IP地址：1.2.3.4, again 5.6.7.8, 10.0.0.1"}
{"text":"Ip Address 1.2.3.4; zip 9.9.9.9"}
{"text":"ipv4 010.1.1.1 and 1.2.3.04"}'
	assert_success
	assert_output '{"text":"version 1.2.3.4 released"}
{"text":"IP地址：<ip>, again <ip>, <ip>"}
{"text":"Ip Address <ip>; zip <ip>"}
{"text":"ipv4 010.1.1.1 and 1.2.3.04"}'
}

@test "strips every line, as DataMate's IP cleaner does" {
	run dm-map 'anonymize kinds=ip' <<< '{"text":"  a 10.0.0.1 \n\u3000b\r\n\n c "}'
	assert_success
	assert_output '{"text":"a <ip>\nb\n\nc"}'
	run dm-map 'anonymize kinds=email,url' <<< '{"text":"  a \n b "}'
	assert_success
	assert_output '{"text":"  a \n b "}'
}

@test "replaces e-mail addresses and links" {
	run dm-map anonymize <<< '{"text":"mail bob.smith@example.com or see https://example.com/a?b=1 now"}'
	assert_success
	assert_output '{"text":"mail <email> or see <url> now"}'
}

@test "replaces an e-mail address that email_validator accepts" {
	run dm-map 'anonymize kinds=email' <<'EOF2'
{"text":"mail John.Doe@Gmail.com now"}
{"text":"a 我john@ex.c0m)"}
{"text":"John.Doe@a.b, x@y.co1, a@b.localhost.com, c@d.local, e@f.test, g@h.onion"}
{"text":"j..k@ex.com .l@ex.com m.@ex.com n@-ex.com o@e_x.com p@ab--c.com q @ex.com"}
{"text":"r+tag@xn--fiqs8s.com s@xn--zz.com t@ex.中国 u１@ex.com"}
{"text":"foo..bar@ex.com bar@ex.com"}
EOF2
	assert_success
	assert_output <<'EOF2'
{"text":"mail <email> now"}
{"text":"a 我<email>)"}
{"text":"John.Doe@a.b, x@y.co1, <email>, c@d.local, e@f.test, g@h.onion"}
{"text":"j..k@ex.com .l@ex.com m.@ex.com n@-ex.com o@e_x.com p@ab--c.com q @ex.com"}
{"text":"<email> s@xn--zz.com t@ex.中国 <email>"}
{"text":"foo..<email> bar@ex.com"}
EOF2
}

@test "replaces links of DataMate's schemes and www. only" {
	run dm-map 'anonymize kinds=url' <<'EOF2'
{"text":"Note:see this"}
{"text":"see github.com/user/repo"}
{"text":"ssh://git@host/repo and https://例子.中国/路径 and HTTP://A.B"}
{"text":"(see https://a.b/c?d=1&e=2). www.x.org, ftp://f.g/h; file:///tmp/x!"}
EOF2
	assert_success
	assert_output <<'EOF2'
{"text":"Note:see this"}
{"text":"see github.com/user/repo"}
{"text":"ssh://git@host/repo and https://例子.中国/路径 and HTTP://A.B"}
{"text":"(see <url>). <url>, <url>; <url>!"}
EOF2
}

# The corpus: addresses, links and IPs of every shape (tests/anon-corpus.py)
corpus() {
	"$DM_REPO/tests/anon-corpus.py" "$@" >in.jsonl
}

@test "replaces e-mail addresses as DataMate's EmailNumberCleaner" {
	corpus 1 3000
	like_datamate dm-map 'anonymize kinds=email' EmailNumberCleaner
}

@test "replaces links as DataMate's AnonymizedUrlCleaner" {
	corpus 2 3000
	like_datamate dm-map 'anonymize kinds=url' AnonymizedUrlCleaner
}

@test "replaces IP addresses as DataMate's AnonymizedIpAddress" {
	corpus 3 3000
	like_datamate dm-map 'anonymize kinds=ip' AnonymizedIpAddress
}

# The default kinds are DataMate's six cleaners run one after the other in
# the order of the man page, AnonymizedIdNumber with the checksum
ALL=AnonymizedIdNumber+checksum,AnonymizedCreditCardNumber,EmailNumberCleaner,AnonymizedUrlCleaner,AnonymizedIpAddress,AnonymizedPhoneNumber

@test "runs the kinds in the documented order, as DataMate's cleaners one after the other" {
	corpus 4 3000
	like_datamate dm-map anonymize "$ALL"
}

@test "runs the kinds on ID, card and phone numbers among the others as DataMate's cleaners" {
	corpus 8 3000 numbers
	like_datamate dm-map anonymize "$ALL"
}

@test "replaces only the kinds asked for" {
	run dm-map 'anonymize kinds=phone,ip' <<< '{"text":"a@b.com 13812345678 10.0.0.1 4111111111111111"}'
	assert_success
	assert_output '{"text":"a@b.com <tel> <ip> 4111111111111111"}'
}

@test "writes an unchanged sample back byte for byte" {
	run dm-map anonymize <<< '{"text": "nothing here",  "n": 1.50}'
	assert_success
	assert_output '{"text": "nothing here",  "n": 1.50}'
}

@test "leaves an empty text alone" {
	run dm-map anonymize <<< '{"text": ""}'
	assert_success
	assert_output '{"text": ""}'
}

@test "rejects an unknown kind" {
	run_split dm-map 'anonymize kinds=email,foo' <<< '{"text":"a"}'
	assert_status 2
	assert_output ''
	assert_stderr "dm-map: script:1:1: anonymize: 'kinds' must list email, url, ip, phone, card or idcard, not 'foo'"
}

# DataMate has no rule for hex runs: a number in a digest is a number
@test "replaces a number inside a hex run, as DataMate" {
	run dm-map 'anonymize kinds=phone' <<< '{"text":"sha256 0e3f13812345678ab19"}'
	assert_success
	assert_output '{"text":"sha256 0e3f<tel>ab19"}'
	run dm-map anonymize <<< '{"text":"ab4111111111111111cd e11010519491231002Xf"}'
	assert_success
	assert_output '{"text":"ab<credit_card_number>cd e<id>f"}'
	run dm-map 'anonymize keep_hex=true' <<< '{"text":"ab4111111111111111cd e11010519491231002Xf"}'
	assert_success
	assert_output '{"text":"ab4111111111111111cd e11010519491231002Xf"}'
}

# Hashes and UUIDs are runs of hex letters and digits: with keep_hex, a
# number inside one is not a phone number or a card number. DataMate's
# IPv6 rule takes what Python reads as an address, in a hash or not.
@test "keep_hex leaves the digits inside hex runs (commit ids, UUIDs, digests)" {
	run dm-map 'anonymize keep_hex=true' <<'EOF2'
{"text":"commit d94c95382265968c354c8a1e0b7f2c3d4e5f6a7b\nMerge: 1a2b3c4 5d6e7f8\nsha256 0e3f13812345678ab192168001001ffe9c\nid 550e8400-e29b-41d4-a716-446655440000 and 6ba7b8109dad11d180b400c04fd430c8"}
{"text":"call 13812345678 or (010)62345678, host 192.168.1.10; bad 192.168.1.300 and 1.2.3.4.5"}
EOF2
	assert_success
	assert_output <<'EOF2'
{"text":"commit d94c95382265968c354c8a1e0b7f2c3d4e5f6a7b\nMerge: 1a2b3c4 5d6e7f8\nsha256 0e3f13812345678ab192168001001ffe9c\nid 550e8400-e29b-41d4-a716-446655440000 and 6ba7b8109dad11d180b400c04fd430c8"}
{"text":"call <tel> or <tel>, host <ip>; bad 192.168.1.300 and 1.2.3.4.5"}
EOF2
}
