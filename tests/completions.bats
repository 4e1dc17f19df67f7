#!/usr/bin/env bats
# completions.bats - bash completion asks the binaries, at completion time

load helper

# complete WORD...: what bash completion offers for the last word of the
# command line WORD..., one candidate a line.
complete_words() {
	bash -c '
		source "$1/completions/dm.bash"
		shift
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"
		COMP_POINT=${#COMP_LINE}
		COMPREPLY=()
		prev=
		[ $# -gt 1 ] && prev=${COMP_WORDS[COMP_CWORD - 1]}
		_dm "$1" "${COMP_WORDS[COMP_CWORD]}" "$prev"
		printf "%s\n" "${COMPREPLY[@]}" | sort
	' complete "$DM_REPO" "$@"
}

@test "dm completes tool names from the dm-* programs it can run" {
	run complete_words dm ma
	assert_success
	assert_output map
}

@test "dm-map completes operator names from the binary" {
	run complete_words dm-map 're'
	assert_success
	assert_output 'remove-emails
remove-urls
rename
replace'
}

@test "dm-map completes an operator's parameters after its name" {
	run complete_words dm-map 'truncate m'
	assert_success
	assert_output 'truncate max='
}

@test "dm-map completes long options, with = for those that take a value" {
	run complete_words dm-map --on
	assert_success
	assert_output '--on-error='
	run complete_words dm-map --on-error=s
	assert_output 'skip
stop'
}

@test "dm ops completes operator names" {
	run complete_words dm ops up
	assert_success
	assert_output upper
}

@test "a plugin's operator is completed as soon as it is on DM_OPS_PATH" {
	mkdir plugins
	cc -shared -fPIC -I"$DM_REPO/src" $(pkg-config --cflags jansson) \
	    -o plugins/rot13.so "$DM_REPO/tests/plugin/rot13.c"
	DM_OPS_PATH=$TMP/plugins run complete_words dm-map ro
	assert_success
	assert_output rot13
}

@test "the zsh completion names dm and dm-map" {
	run head -n 1 "$DM_REPO/completions/_dm"
	assert_output '#compdef dm dm-map'
}
