# helper.bash - shared set-up and assertions for dm's bats tests

DM_REPO=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
DM_BINDIR=${DM_BINDIR:-$DM_REPO/bin}
PATH=$DM_BINDIR:$PATH
DM_SHAREDIR=$DM_REPO/share/dm
FIXTURES=$DM_REPO/tests/fixtures
export PATH DM_SHAREDIR
unset DM_TEXT_KEY DM_OPS_PATH

setup() {
	TMP=$BATS_TEST_TMPDIR
	HOME=$TMP/home
	mkdir -p "$HOME"
	export HOME
	cd "$TMP" || return 1
}

# The exact stdout of the last run.
assert_output() {
	local want
	if [ $# -eq 0 ]; then want=$(cat); else want=$1; fi
	if [ "$output" != "$want" ]; then
		printf 'expected output:\n%s\nactual output:\n%s\n' "$want" "$output" >&2
		return 1
	fi
}

assert_status() {
	if [ "$status" -ne "$1" ]; then
		printf 'expected status %s, got %s\noutput:\n%s\n' "$1" "$status" "$output" >&2
		return 1
	fi
}

assert_success() { assert_status 0; }

# The exact content of a file.
assert_file() {
	local want
	if [ $# -eq 1 ]; then want=$(cat); else want=$2; fi
	if [ "$(cat "$1")" != "$want" ]; then
		printf 'expected %s:\n%s\nactual:\n%s\n' "$1" "$want" "$(cat "$1")" >&2
		return 1
	fi
}

# Runs a command with stdout and stderr kept apart: $output is stdout,
# $stderr is stderr, $status the exit status.
run_split() {
	local errf=$BATS_TEST_TMPDIR/.stderr
	output=$("$@" 2>"$errf") && status=0 || status=$?
	stderr=$(cat "$errf")
}

assert_stderr() {
	local want
	if [ $# -eq 0 ]; then want=$(cat); else want=$1; fi
	if [ "$stderr" != "$want" ]; then
		printf 'expected stderr:\n%s\nactual stderr:\n%s\n' "$want" "$stderr" >&2
		return 1
	fi
}

# map TEXT SCRIPT: the text field dm-map makes of a one-sample input, with
# the sample written through jq-free means (the output line itself).
map_line() {
	printf '%s\n' "$1" | dm-map "$2"
}
