#!/usr/bin/env bats
# plugins.bats - operators loaded from shared objects on DM_OPS_PATH

load helper

# cc_plugin OUT [CFLAGS...]: builds tests/plugin/rot13.c into OUT.
cc_plugin() {
	local out=$1
	shift
	mkdir -p "$(dirname "$out")"
	cc -shared -fPIC -I"$DM_REPO/src" $(pkg-config --cflags jansson) \
	    "$@" -o "$out" "$DM_REPO/tests/plugin/rot13.c"
}

setup_file() {
	P=$BATS_FILE_TMPDIR
	cc_plugin "$P/good/rot13.so"
	cc_plugin "$P/dup/lower.so" -DROT13_NAME='"lower"'
	cc_plugin "$P/dup2/gopher.so" -DROT13_NAME='"gopher_rep"'
	cc_plugin "$P/dup3/a.so" -DROT13_NAME='"rot_13"'
	cc_plugin "$P/dup3/b.so" -DROT13_NAME='"rot-13"'
	cc_plugin "$P/old/old.so" -DROT13_ABI='"dm-op-abi-0"'
	mkdir -p "$P/noops" "$P/junk"
	printf 'const char dm_plugin_abi[] = "dm-op-abi-2";\n' >"$P/noops.c"
	cc -shared -fPIC -o "$P/noops/noops.so" "$P/noops.c"
	echo 'not a shared object' >"$P/junk/junk.so"
}

@test "a plugin operator runs in dm-map" {
	export DM_OPS_PATH=$BATS_FILE_TMPDIR/good
	run dm-map rot13 <<<'{"text":"Hello, World","id":7}'
	assert_success
	assert_output '{"text":"Uryyb, Jbeyq","id":7}'
}

@test "a plugin operator chains with built-in ones" {
	export DM_OPS_PATH=$BATS_FILE_TMPDIR/good
	run dm-map 'strip; rot13; upper' <<<'{"text":"  abc  "}'
	assert_success
	assert_output '{"text":"NOP"}'
}

@test "a plugin operator that changes nothing leaves the sample as it came" {
	export DM_OPS_PATH=$BATS_FILE_TMPDIR/good
	run dm-map rot13 <<<'{ "text" : "123 !?" }'
	assert_success
	assert_output '{ "text" : "123 !?" }'
}

@test "a plugin operator appears in dm ops, in its place by name" {
	export DM_OPS_PATH=$BATS_FILE_TMPDIR/good
	run bash -c "dm ops | awk '{ print \$1 }'"
	assert_success
	[[ $output == *$'\nreplace\nrot13\nsensitive-words\nset\n'* ]]
	run dm ops rot13
	assert_success
	assert_output "rot13  map  rotate ASCII letters by 13 places

  no parameters"
	run bash -c 'dm ops --json | jq -c ".[] | select(.name == \"rot13\")"'
	assert_success
	assert_output '{"name":"rot13","kind":"map","summary":"rotate ASCII letters by 13 places","params":[]}'
}

@test "a misspelt plugin operator gets a suggestion" {
	export DM_OPS_PATH=$BATS_FILE_TMPDIR/good
	run_split dm-map rot31 </dev/null
	assert_status 2
	assert_stderr "dm-map: script:1:1: unknown operator 'rot31'; did you mean 'rot13'?
  rot31
  ^"
}

@test "missing and empty entries of DM_OPS_PATH are skipped" {
	export DM_OPS_PATH=::$TMP/nosuch:$BATS_FILE_TMPDIR/good:
	run dm-map rot13 <<<'{"text":"a"}'
	assert_success
	assert_output '{"text":"n"}'
}

@test "without DM_OPS_PATH no plugin is loaded" {
	run_split dm-map rot13 </dev/null
	assert_status 2
	[[ $stderr == "dm-map: script:1:1: unknown operator 'rot13'"* ]]
}

@test "an operator name that already exists is fatal" {
	P=$BATS_FILE_TMPDIR
	export DM_OPS_PATH=$P/dup
	run_split dm-map strip <<<'{"text":"a"}'
	assert_status 2
	assert_output ''
	assert_stderr "dm-map: plugin '$P/dup/lower.so': operator 'lower' already exists"
	run_split dm ops
	assert_status 2
	assert_stderr "dm: plugin '$P/dup/lower.so': operator 'lower' already exists"
}

@test "an operator name that exists with '_' for '-' is fatal: it would hide the other" {
	P=$BATS_FILE_TMPDIR
	# gopher_rep is the spelling of gopher-rep in expressions: the
	# plugin was loaded, and gopher_rep() in dm-filter was the plugin
	export DM_OPS_PATH=$P/dup2
	run_split dm ops
	assert_status 2
	assert_stderr "dm: plugin '$P/dup2/gopher.so': operator 'gopher_rep' already exists, as gopher-rep"
	export DM_OPS_PATH=$P/dup3
	run_split dm-map strip <<<'{"text":"a"}'
	assert_status 2
	assert_stderr "dm-map: plugin '$P/dup3/b.so': operator 'rot-13' already exists"
}

@test "an entry of DM_OPS_PATH that is a file, not a folder, is said and left out" {
	P=$BATS_FILE_TMPDIR
	# a plugin named itself: its operator was unknown without a word
	export DM_OPS_PATH=$P/good/rot13.so:$P/good
	run_split dm-map rot13 <<<'{"text":"Hello"}'
	assert_success
	assert_output '{"text":"Uryyb"}'
	assert_stderr "dm-map: DM_OPS_PATH: '$P/good/rot13.so' is not a folder (of plugins): left out"
}

@test "the same plugin in two directories is fatal" {
	P=$BATS_FILE_TMPDIR
	export DM_OPS_PATH=$P/good:$P/good
	run_split dm ops
	assert_status 2
	assert_stderr "dm: plugin '$P/good/rot13.so': operator 'rot13' already exists"
}

@test "a plugin built for another ABI is fatal" {
	P=$BATS_FILE_TMPDIR
	export DM_OPS_PATH=$P/old
	run_split dm-map strip <<<'{"text":"a"}'
	assert_status 2
	assert_stderr "dm-map: plugin '$P/old/old.so': ABI 'dm-op-abi-0', expected 'dm-op-abi-2'"
}

@test "a plugin without an operator list is fatal and names the symbol" {
	P=$BATS_FILE_TMPDIR
	export DM_OPS_PATH=$P/noops
	run_split dm ops
	assert_status 2
	[[ $stderr == "dm: plugin '$P/noops/noops.so': "*dm_plugin_ops* ]]
}

@test "a file that is not a shared object is fatal with the loader's message" {
	P=$BATS_FILE_TMPDIR
	export DM_OPS_PATH=$P/junk
	run_split dm ops
	assert_status 2
	[[ $stderr == "dm: plugin '$P/junk/junk.so': "?* ]]
}
