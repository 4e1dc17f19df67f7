#!/usr/bin/env bats
# registry.bats - the operator registry, its sources and its documentation agree

load helper

# Operator names as the source files declare them (.name = "...").
source_names() {
	for f in "$DM_REPO"/ops/*.c; do
		[ "$(basename "$f")" = ops.c ] && continue
		sed -n 's/^[[:space:]]*\.name = "\([^"]*\)",$/\1/p' "$f"
	done | sort
}

@test "every operator file is named after its operator" {
	for f in "$DM_REPO"/ops/*.c; do
		[ "$(basename "$f")" = ops.c ] && continue
		name=$(sed -n 's/^[[:space:]]*\.name = "\([^"]*\)",$/\1/p' "$f")
		[ "$name.c" = "$(basename "$f")" ] || {
			echo "$f declares '$name'" >&2
			return 1
		}
	done
}

@test "every operator file is listed in the registry" {
	run bash -c "dm ops --json | jq -r '.[].name' | sort"
	assert_success
	assert_output "$(source_names)"
}

@test "the registry is sorted by name" {
	run bash -c "dm ops --json | jq -r '.[].name'"
	assert_success
	assert_output "$(printf '%s\n' "$output" | LC_ALL=C sort)"
}

@test "every operator has a section in dm-ops.7 and no section lacks an operator" {
	run bash -c "sed -n 's/^\.Ss \([a-z0-9-]*\)$/\1/p' '$DM_REPO/man/dm-ops.7' | sort"
	assert_success
	assert_output "$(source_names)"
}

@test "every parameter of every operator is documented in dm-ops.7" {
	missing=
	for op in $(source_names); do
		for p in $(dm ops --json "$op" | jq -r '.params[].name'); do
			# the operator's section mentions the parameter as Cm or Ar
			awk -v op="$op" '
				/^\.Ss / { on = ($2 == op) }
				on { print }
			' "$DM_REPO/man/dm-ops.7" | grep -q "$p" || missing="$missing $op:$p"
		done
	done
	[ -z "$missing" ] || { echo "undocumented:$missing" >&2; return 1; }
}
