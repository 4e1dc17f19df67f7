#!/usr/bin/env bats
# dm.bats - the front end: dispatch to dm-TOOL, dm ops, dm help, version

load helper

USAGE='usage: dm [-hV] TOOL [ARG...]
       dm ops [--json] [NAME]
       dm help [TOPIC]'

# fake_tool NAME: a dm-NAME on PATH (in $TMP/fakebin) that prints its
# arguments, or its help for --help, and exits 3.
fake_tool() {
	mkdir -p "$TMP/fakebin"
	cat >"$TMP/fakebin/dm-$1" <<-'EOF'
	#!/bin/sh
	if [ "$1" = --help ]; then echo "usage: $(basename "$0") [ARG...]"; exit 0; fi
	printf '%s|' "$(basename "$0")" "$@"; echo
	exit 3
	EOF
	chmod +x "$TMP/fakebin/dm-$1"
	PATH=$TMP/fakebin:$PATH
}

@test "dm TOOL runs dm-TOOL with the arguments" {
	run dm map -e strip -e upper <<<'{"text":"  hi  "}'
	assert_success
	assert_output '{"text":"HI"}'
}

@test "dm TOOL prefers the tool beside dm to one on PATH" {
	mkdir -p "$TMP/fakebin"
	printf '#!/bin/sh\necho impostor\n' >"$TMP/fakebin/dm-map"
	chmod +x "$TMP/fakebin/dm-map"
	PATH=$TMP/fakebin:$PATH run dm map lower <<<'{"text":"A"}'
	assert_success
	assert_output '{"text":"a"}'
}

@test "dm TOOL finds a tool on PATH and passes its exit status on" {
	fake_tool hello
	run dm hello a 'b c' --opt
	assert_status 3
	assert_output 'dm-hello|a|b c|--opt|'
}

@test "an unknown tool is an error" {
	run_split dm foo
	assert_status 2
	assert_output ''
	assert_stderr "dm: 'foo' is not a dm tool; see 'dm help'"
	run_split dm ../bin/dm-map
	assert_status 2
	assert_stderr "dm: '../bin/dm-map' is not a dm tool; see 'dm help'"
}

@test "a misspelt tool gets the closest tool that is there" {
	run_split dm mpa
	assert_status 2
	assert_stderr "dm: 'mpa' is not a dm tool; did you mean 'map'?"
	run_split dm fliter
	assert_stderr "dm: 'fliter' is not a dm tool; did you mean 'filter'?"
}

@test "a misspelt command gets the command" {
	run_split dm opps lower
	assert_status 2
	assert_output ''
	assert_stderr "dm: 'opps' is not a dm tool; did you mean 'ops'?"
	run_split dm hlep
	assert_status 2
	assert_stderr "dm: 'hlep' is not a dm tool; did you mean 'help'?"
}

@test "dm without a tool prints the usage and fails" {
	run_split dm
	assert_status 2
	assert_output ''
	assert_stderr "$USAGE"
}

@test "a bad option is a usage error" {
	run_split dm --bogus
	assert_status 2
	assert_stderr "dm: unknown option '--bogus'
$USAGE"
	run_split dm -x map
	assert_status 2
	assert_stderr "dm: unknown option '-x'
$USAGE"
}

@test "dm -V and --version print the version" {
	run dm -V
	assert_success
	assert_output 'dm 0.1.0'
	run dm --version
	assert_success
	assert_output 'dm 0.1.0'
}

@test "dm -h prints the usage and the tools to standard output" {
	run_split dm -h
	assert_success
	assert_stderr ''
	[[ $output == "$USAGE"$'\n\ntools:\n  dedup '* ]]
	[[ $output == *$'\n  filter '* ]]
	[[ $output == *$'\n  map '* ]]
	run dm --help
	assert_success
	[[ $output == "$USAGE"* ]]
}

@test "options after the tool belong to the tool" {
	run dm map -V
	assert_success
	assert_output 'dm-map (dm) 0.1.0'
}

@test "dm ops lists every operator with kind and summary, aligned" {
	run dm ops
	assert_success
	[ "${#lines[@]}" -eq "$(dm ops --json | jq length)" ]
	# names padded to the longest, two spaces, kinds padded to "filter"
	w=$(dm ops --json | jq '[.[].name | length] | max')
	[[ ${lines[0]} == "anonymize$(printf '%*s' $((w - 9 + 2)) '')map     "?* ]]
	[[ $output == *$'\n'"c4$(printf '%*s' $((w - 2 + 2)) '')filter  "* ]]
	[[ $output == *$'\n'"truncate$(printf '%*s' $((w - 8 + 2)) '')map     keep the first max characters of the text"$'\n'* ]]
	# every kind starts in the same column, every summary too
	run bash -c "dm ops | awk '{ print index(\$0, \"  \" \$2 \"  \") }' | sort -u"
	assert_output "$((w + 1))"
	run bash -c "dm ops | awk -v c=$((w + 11)) '{ print substr(\$0, c - 2, 2) == \"  \" && substr(\$0, c, 1) != \" \" }' | sort -u"
	assert_output 1
}

@test "dm ops NAME shows the operator and its parameters" {
	run dm ops truncate
	assert_success
	assert_output 'truncate  map  keep the first max characters of the text

  PARAMETER  TYPE  DEFAULT   VALUES  HELP
  max        int   required  0..     number of characters to keep'
}

@test "dm ops NAME shows defaults, empty defaults and choices" {
	run dm ops hash
	assert_success
	[[ ${lines[1]} == '  PARAMETER  TYPE    DEFAULT  VALUES            HELP' ]]
	[[ ${lines[3]} == '  algo       enum    md5      md5|sha256|xxh64  '?* ]]
	run dm ops replace
	assert_success
	[[ $output == *$'\n  repl       string  ""        -       '* ]]
}

@test "dm ops NAME for an operator without parameters says so" {
	run dm ops lower
	assert_success
	assert_output "lower  map  $(dm ops --json lower | jq -r .summary)

  no parameters"
}

@test "dm ops --json is a JSON array of every operator" {
	run bash -c 'dm ops --json | jq -r ".[].name"'
	assert_success
	assert_output "$(dm ops | awk '{ print $1 }')"
	run bash -c 'dm ops --json | jq -c ".[] | select(.name == \"truncate\") | .params"'
	assert_output '[{"name":"max","type":"int","default":null,"help":"number of characters to keep","min":0,"max":null,"choices":null}]'
	# bounds of an int parameter are JSON integers; no upper bound is null
	run bash -c 'dm ops --json truncate | grep -c "\"min\": 0,"'
	assert_output 1
}

@test "dm ops --json NAME is one object" {
	run bash -c 'dm ops --json hash | jq -c "[.name, .kind, .params[1]]"'
	assert_success
	assert_output '["hash","map",{"name":"algo","type":"enum","default":"md5","help":"digest of the text'"'"'s UTF-8 bytes","min":null,"max":null,"choices":["md5","sha256","xxh64"]}]'
	run bash -c 'dm ops replace --json | jq -r ".params[0].default"'
	assert_output null
}

@test "dm ops with an unknown name suggests the closest" {
	run_split dm ops lowr
	assert_status 2
	assert_output ''
	assert_stderr "dm: unknown operator 'lowr'; did you mean 'lower'?"
	run_split dm ops --json zzzzzz
	assert_status 2
	assert_stderr "dm: unknown operator 'zzzzzz'"
}

@test "dm ops rejects a bad option and a second name" {
	run_split dm ops --bogus
	assert_status 2
	assert_stderr "dm: unknown option '--bogus'
usage: dm ops [--json] [NAME]"
	run_split dm ops lower upper
	assert_status 2
	assert_stderr "dm: too many operands
usage: dm ops [--json] [NAME]"
}

# as in the tools (dm(7)): a long option shortened, its value refused,
# -- before a name
@test "dm and dm ops read their options as the tools do" {
	run_split dm --help=x
	assert_status 2
	assert_output ''
	assert_stderr "dm: option '--help' takes no value
$USAGE"
	run_split dm --version=1
	assert_status 2
	assert_stderr "dm: option '--version' takes no value
$USAGE"
	run_split dm ops --js lower
	assert_success
	assert_stderr ''
	assert_output "$(dm ops --json lower)"
	run_split dm ops lower --json
	assert_success
	assert_output "$(dm ops --json lower)"
	run_split dm ops -- lower
	assert_success
	assert_output "$(dm ops lower)"
	run_split dm ops --he
	assert_success
	assert_output 'usage: dm ops [--json] [NAME]'
	run_split dm ops --json=1
	assert_status 2
	assert_output ''
	assert_stderr "dm: option '--json' takes no value
usage: dm ops [--json] [NAME]"
}

@test "dm-map --list-ops prints what dm ops prints" {
	run dm-map --list-ops
	assert_success
	assert_output "$(dm ops)"
	run dm-map --list-ops --json
	assert_success
	assert_output "$(dm ops --json)"
}

@test "dm help lists the tools, commands and topics" {
	run_split dm help
	assert_success
	assert_stderr ''
	[[ $output == "$USAGE"$'\n\ntools:\n  dedup    remove exact and near duplicates\n  filter   keep the samples for which an expression holds\n  llm      '* ]]
	[[ $output == *$'\n  map      run a chain of map operators over each sample\n  recipe   show, check or run a Data-Juicer or DataMate recipe\n  run      '* ]]
	[[ $output == *$'\ncommands:\n  ops      '* ]]
	[[ $output == *$'\n  ops      every operator and its parameters'* ]]
}

@test "dm help lists only the tools that are installed" {
	# a dm alone in its directory, no dm-dedup on PATH
	mkdir solo
	cp "$DM_BINDIR/dm" solo/dm
	PATH=/usr/bin:/bin run solo/dm help
	[[ $output != *'  dedup '* ]]
	fake_tool dedup
	run solo/dm help
	[[ $output == *$'\n  dedup    remove exact and near duplicates\n'* ]]
}

@test "dm dedup is listed and runs dm-dedup" {
	run dm help
	[[ $output == *$'\n  dedup    remove exact and near duplicates\n'* ]]
	run dm dedup --exact <<<$'{"text":"a"}\n{"text":"a"}'
	assert_success
	assert_output '{"text":"a"}'
}

# tree/bin/dm beside tree/man, as in the build tree or an install, whatever
# DM_BINDIR is (a sanitizer build has no man beside it)
man_tree() {
	mkdir -p tree/bin
	cp "$DM_BINDIR/dm" tree/bin/dm
	ln -s "$DM_REPO/man" tree/man
}

@test "dm help TOOL shows the tool's manual" {
	man_tree
	run tree/bin/dm help map
	assert_success
	want=$(man -l "$DM_REPO/man/dm-map.1")
	assert_output "$want"
	[[ $output == *"dm-map — run a chain of mapper operators"* ]]
}

# An install: PREFIX/bin/dm, its pages in PREFIX/share/man/manN, a
# prefix that is on neither PATH nor MANPATH (a DESTDIR, or dm run by its
# full path): man alone finds nothing there.
@test "dm help shows the installed pages beside the installed dm" {
	mkdir -p p/bin p/share/man/man1 p/share/man/man7
	cp "$DM_BINDIR/dm" p/bin/dm
	cp "$DM_REPO/man/dm.7" p/share/man/man7/
	gzip -c "$DM_REPO/man/dm-map.1" >p/share/man/man1/dm-map.1.gz
	run_split env -i PATH=/usr/bin:/bin p/bin/dm help samples
	assert_success
	assert_stderr ''
	assert_output "$(env -i PATH=/usr/bin:/bin man -l "$DM_REPO/man/dm.7")"
	# a tool's page, compressed as a package ships it, not its --help
	cp "$DM_BINDIR/dm-map" p/bin/
	run_split env -i PATH=/usr/bin:/bin p/bin/dm help map
	assert_success
	assert_output "$(env -i PATH=/usr/bin:/bin man -l "$DM_REPO/man/dm-map.1")"
}

@test "dm help takes dm and the names of the pages: dm-map, dm-ops" {
	man_tree
	run_split tree/bin/dm help dm
	assert_success
	assert_stderr ''
	assert_output "$(man -l "$DM_REPO/man/dm.1")"
	cp "$DM_BINDIR/dm-map" tree/bin/
	run_split tree/bin/dm help dm-map
	assert_success
	assert_output "$(man -l "$DM_REPO/man/dm-map.1")"
	run_split tree/bin/dm help dm-ops
	assert_success
	assert_output "$(man -l "$DM_REPO/man/dm-ops.7" 2>/dev/null)"
	run_split tree/bin/dm help dm-nosuch
	assert_status 2
	assert_stderr "dm: no help on 'dm-nosuch'; see 'dm help'"
}

@test "dm help reports a write error that man does not" {
	man_tree
	for topic in map samples; do
		run_split sh -c "tree/bin/dm help $topic >/dev/full"
		assert_status 2
		assert_stderr "dm: write error: No space left on device"
	done
}

@test "dm help TOOL falls back to the tool's --help without a manual page" {
	fake_tool hello
	run dm help hello
	assert_success
	assert_output 'usage: dm-hello [ARG...]'
}

@test "dm help ops shows the operators' manual" {
	run dm help ops
	assert_success
	[[ $output == *truncate* ]]
}

@test "dm help OPERATOR describes the operator" {
	run dm help truncate
	assert_success
	assert_output "$(dm ops truncate)"
}

@test "dm help with a misspelt topic suggests the closest tool, topic or operator" {
	run_split dm help mpa
	assert_status 2
	assert_output ''
	assert_stderr "dm: no help on 'mpa'; did you mean 'map'?"
	run_split dm help smaples
	assert_status 2
	assert_stderr "dm: no help on 'smaples'; did you mean 'samples'?"
	run_split dm help lowr
	assert_status 2
	assert_stderr "dm: no help on 'lowr'; did you mean 'lower'?"
	run_split dm help gopher_rpe
	assert_stderr "dm: no help on 'gopher_rpe'; did you mean 'gopher-rep'?"
}

@test "dm help with an unknown topic is an error" {
	run_split dm help nosuch
	assert_status 2
	assert_output ''
	assert_stderr "dm: no help on 'nosuch'; see 'dm help'"
}

@test "a write error is status 2 with 'write error'" {
	run_split bash -c 'dm ops >/dev/full'
	assert_status 2
	assert_stderr 'dm: write error: No space left on device'
}

# One spelling rule: dm-filter writes gopher_rep(), dm-map and dm ops
# take gopher-rep; each takes both and shows the canonical name.
@test "an operator name with underscores is the one with hyphens" {
	run dm ops gopher_rep
	assert_success
	[ "${output%%$'\n'*}" = "$(dm ops gopher-rep | head -n 1)" ]
	[[ ${output%%$'\n'*} == 'gopher-rep  filter '* ]]
	run dm ops --json remove_urls
	assert_success
	[ "$output" = "$(dm ops --json remove-urls)" ]
	run dm-map 'remove_urls; collapse_ws' <<< '{"text":"see  http://x.org/a now"}'
	assert_success
	assert_output '{"text":"see now"}'
}
