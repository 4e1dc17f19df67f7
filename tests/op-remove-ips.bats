#!/usr/bin/env bats
# op-remove-ips.bats - the remove-ips operator: Data-Juicer's clean_ip_mapper
#
# Expected texts are what Data-Juicer gives: its default IPv4 | IPv6 pattern
# run by Python's re.sub with re.DOTALL.

load helper

@test "removes an IPv4 address" {
	run dm-map remove-ips <<< '{"text":"test of ip 234.128.124.123"}'
	assert_success
	assert_output '{"text":"test of ip "}'
}

@test "removes an address inside Chinese text" {
	run dm-map remove-ips <<< '{"text":"服务器地址：192.168.1.100，端口 8080。"}'
	assert_success
	assert_output '{"text":"服务器地址：，端口 8080。"}'
}

@test "removes an address between accented words and between emoji" {
	run dm-map remove-ips <<< '{"text":"café 10.0.0.1 crème 🚀8.8.8.8🚀"}'
	assert_success
	assert_output '{"text":"café  crème 🚀🚀"}'
}

@test "removes a full eight-group IPv6 address in either case" {
	run dm-map remove-ips <<< '{"text":"addr 2001:0db8:85a3:0000:0000:8a2e:0370:7334 end FE80:0:0:0:202:B3FF:FE1E:8329/64"}'
	assert_success
	assert_output '{"text":"addr  end /64"}'
}

@test "leaves IPv6 shorthand and three-part versions" {
	run dm-map remove-ips <<< '{"text": "short ::1 and fe80::1, version 1.2.3"}'
	assert_success
	assert_output '{"text": "short ::1 and fe80::1, version 1.2.3"}'
}

@test "removes the part of a longer number run that fits, as Data-Juicer does" {
	run dm-map remove-ips <<< '{"text":"1234.5.6.78 and 256.1.1.1 and 1.2.3.1000"}'
	assert_success
	assert_output '{"text":"1 and 2 and 0"}'
}

@test "takes other decimal digits in IPv6 groups but not in IPv4 octets" {
	run dm-map remove-ips <<< '{"text":"١٢.٣.٤.٥ and ١:٢:٣:٤:٥:٦:٧:٨"}'
	assert_success
	assert_output '{"text":"١٢.٣.٤.٥ and "}'
}

@test "takes the digits Unicode 15.0 added (Kawi, Nag Mundari) in IPv6 groups, as regex's \\d does" {
	run dm-map remove-ips <<< '{"text":"a 1:2:3:4:5:6:7:\ud807\udf50\ud807\udf51 b \ud839\udcf0:1:2:3:4:5:6:7 c"}'
	assert_success
	assert_output '{"text":"a  b  c"}'
}

@test "writes an unchanged sample back byte for byte" {
	run dm-map remove-ips <<< '{"text": "no address here",  "n": 1.50}'
	assert_success
	assert_output '{"text": "no address here",  "n": 1.50}'
}

@test "leaves an empty text alone" {
	run dm-map remove-ips <<< '{"text": ""}'
	assert_success
	assert_output '{"text": ""}'
}

@test "replaces each address with repl" {
	run dm-map 'remove-ips repl="<ip>"' <<< '{"text":"from 1.2.3.4 to 5.6.7.8"}'
	assert_success
	assert_output '{"text":"from <ip> to <ip>"}'
}

@test "takes repl literally, dollars and all" {
	run dm-map 'remove-ips repl="[$0 $ ${x}]"' <<< '{"text":"host 1.2.3.4"}'
	assert_success
	assert_output '{"text":"host [$0 $ ${x}]"}'
}
