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
	run complete_words dm-map 'ren'
	assert_success
	assert_output 'rename'
	run complete_words dm-map 'remove-'
	assert_output "$(dm ops | awk '$1 ~ /^remove-/ { print $1 }')"
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

@test "dm-map completes only mapper operators in a script" {
	run bash -c "dm ops | awk '\$2 != \"map\" { print \$1 }'"
	for op in $output; do
		run complete_words dm-map "$op"
		assert_success
		assert_output ''
	done
}

@test "dm completes filter among the tools" {
	run complete_words dm fi
	assert_success
	assert_output filter
}

@test "dm-filter completes its options from --help" {
	run complete_words dm-filter --co
	assert_success
	assert_output '--count'
	run complete_words dm-filter --in
	assert_output '--invert'
	run complete_words dm-filter --on-error=
	assert_output 'skip
stop'
}

@test "dm-filter completes a file after -f, and only files after -f FILE" {
	touch rules.dmf
	run complete_words dm-filter -f ru
	assert_success
	assert_output rules.dmf
	run complete_words dm-filter --file=ru
	assert_output rules.dmf
	run complete_words dm-filter -f rules.dmf ru
	assert_output rules.dmf
}

@test "dm-filter completes no value after --mark and -k" {
	touch marked
	run complete_words dm-filter --mark ma
	assert_success
	assert_output ''
	run complete_words dm-filter -k ma
	assert_output ''
}

@test "dm-filter completes function and statistic names in the expression" {
	run complete_words dm-filter 'words >= 50 && start'
	assert_success
	assert_output 'words >= 50 && startswith('
	run complete_words dm-filter 'alnum_r'
	assert_output 'alnum_ratio'
	run complete_words dm filter 'has(meta.x) || !contains(tex'
	assert_output ''
	run complete_words dm filter 'has(meta.x) || !cont'
	assert_output 'has(meta.x) || !contains('
}

@test "dm-filter completes files once the expression is given" {
	touch data.jsonl
	run complete_words dm-filter 'len > 10' da
	assert_success
	assert_output data.jsonl
}

@test "dm-filter offers nothing inside a string, a regex or a field path" {
	run complete_words dm-filter 'meta.lang == "st'
	assert_success
	assert_output ''
	run complete_words dm-filter 'text =~ /st'
	assert_output ''
	run complete_words dm-filter 'text =~ /a\/st'
	assert_output ''
	run complete_words dm-filter 'meta.st'
	assert_output ''
	run complete_words dm-filter 'text =~ /a/i && start'
	assert_output 'text =~ /a/i && startswith('
}

@test "dm-filter keeps a quoted expression open after a single match" {
	# readline would close the quote after one match: a second one, with a
	# space, makes it insert the common part and leave the quote open
	run complete_words dm-filter "'len > 10 && startsw"
	assert_success
	assert_output "'len > 10 && startswith(
'len > 10 && startswith( "
}

@test "dm-filter completes predicates and their parameters from dm ops" {
	run bash -c "dm ops | awk '\$2 == \"filter\" { print \$1 }'"
	[ -n "$output" ] || skip "no operator of kind filter"
	op=$(printf '%s\n' "$output" | head -n 1)
	fn=${op//-/_}
	run complete_words dm-filter "len > 1 && $fn"
	assert_success
	printf '%s\n' "$output" | grep -qxF "len > 1 && $fn("
	param=$(dm ops --json "$op" | jq -r '.params[0].name')
	[ "$param" != null ] || skip "$op has no parameter"
	run complete_words dm-filter "$fn($param"
	assert_success
	printf '%s\n' "$output" | grep -qxF "$fn($param="
	run complete_words dm-filter "$fn(x=1, $param"
	printf '%s\n' "$output" | grep -qxF "$fn(x=1, $param="
}

# The zsh completion's list of statistics is a pipeline over `dm ops
# stats`; without zsh at hand, it is run as it stands in _dm.
@test "the zsh completion offers every statistic in a dm-filter expression" {
	local pipeline s
	pipeline=$(sed -n '/_call_program statistics/,/sort -u)"})$/p' \
	    "$DM_REPO/completions/_dm" |
	    sed '1s/.*ops stats 2>\/dev\/null |//; $s/)"})$//')
	[ -n "$pipeline" ]
	run bash -c "dm ops stats | $pipeline"
	assert_success
	for s in $(dm ops stats | awk '$1 == "names" { print }' |
	    sed 's/.*of://; s/;.*//'); do
		printf '%s\n' "$output" | grep -qx "$s" ||
		    { echo "missing: $s" >&2; false; }
	done
	[ "$(printf '%s\n' "$output" | wc -l)" -ge 15 ]
}

@test "the zsh completion names dm and its tools" {
	run head -n 1 "$DM_REPO/completions/_dm"
	assert_output '#compdef dm dm-filter dm-llm dm-map dm-run dm-scan dm-slice dm-stats dm-recipe dm-dedup'
}

@test "the bash completion is registered for dm and every tool" {
	run bash -c 'source "$1/completions/dm.bash" && complete -p | sort' x "$DM_REPO"
	assert_success
	assert_output 'complete -F _dm dm
complete -F _dm dm-dedup
complete -F _dm dm-filter
complete -F _dm dm-llm
complete -F _dm dm-map
complete -F _dm dm-recipe
complete -F _dm dm-run
complete -F _dm dm-scan
complete -F _dm dm-slice
complete -F _dm dm-stats'
}

@test "dm-scan completes the values of --encoding-errors from its usage" {
	run complete_words dm-scan --encoding-errors ''
	assert_success
	assert_output 'latin1
replace
skip'
	run complete_words dm-scan --encoding-errors=l
	assert_output latin1
	run complete_words dm scan --encoding-errors = s
	assert_output skip
	run complete_words dm-scan --on-error ''
	assert_output 'skip
stop'
}

@test "dm-scan completes --pdf-pages and --doc-timeout from its help" {
	run complete_words dm-scan --pdf
	assert_success
	assert_output --pdf-pages
	run complete_words dm-scan --doc-t
	assert_output --doc-timeout
}

@test "dm-scan completes files and folders as operands and after --from" {
	mkdir corpus
	touch corpus.tar.gz list.txt
	run complete_words dm-scan cor
	assert_success
	assert_output 'corpus
corpus.tar.gz'
	run complete_words dm-scan --no-text corpus cor
	assert_output 'corpus
corpus.tar.gz'
	run complete_words dm-scan --from li
	assert_output list.txt
	run complete_words dm-scan --include ''
	assert_output ''
}

@test "dm-llm completes the shipped prompt templates and files after @" {
	touch summary.md
	mkdir prompts-mine
	run complete_words dm-llm -p @su
	assert_success
	assert_output '@summary
@summary.md'
	run complete_words dm-llm --system @q
	assert_output '@qa
@quality'
	run complete_words dm-llm --prompt=@t
	assert_output '@tag
@translate'
	run complete_words dm llm -o s -p @tr
	assert_output '@translate'
	run complete_words dm-llm -p @prompts
	assert_output '@prompts-mine/'
	# a template being typed, and the words after it
	run complete_words dm-llm -p 'Summarize: {te'
	assert_output ''
	run complete_words dm-llm -p @summary summ
	assert_output summary.md
}

@test "dm-llm finds the prompt templates in DM_SHAREDIR, else beside its binary" {
	mkdir -p share/prompts bin
	touch share/prompts/mine.txt share/prompts/README
	DM_SHAREDIR=$TMP/share run complete_words dm-llm -p @
	assert_success
	assert_output '@bin/
@home/
@mine
@share/'
	# a link to the binary: the tools resolve it, so does the completion
	ln -s "$DM_BINDIR/dm-llm" bin/dm-llm
	DM_SHAREDIR= run complete_words "$TMP/bin/dm-llm" -p @qu
	assert_output '@quality'
}

@test "dm-slice completes its options from --help, and the values of --unit and --by" {
	run complete_words dm-slice --ov
	assert_success
	assert_output '--overlap'
	run complete_words dm-slice --unit w
	assert_output words
	run complete_words dm-slice --by s
	assert_output sentence
	run complete_words dm slice --by re
	assert_output 'regex:'
	run complete_words dm-slice --preset ''
	assert_output data-juicer
	# dm-dedup's presets come from its usage line
	run complete_words dm-dedup --preset data
	assert_output 'data-juicer
datamate
datatrove'
	run complete_words dm-slice --size ''
	assert_output ''
	run complete_words dm slice sl
	assert_output ''
}

@test "dm-run completes the values of --halt from the list its help gives" {
	run complete_words dm-run --halt ''
	assert_success
	assert_output 'first-failure
first-success
never
now-failure'
	run complete_words dm-run --halt=f
	assert_output 'first-failure
first-success'
	run complete_words dm run -j 2 --halt = n
	assert_output 'never
now-failure'
	# a value to type has nothing to offer
	run complete_words dm-run --timeout ''
	assert_output ''
}

@test "dm-run completes folders after --output-dir, files after --joblog, --lock and --rejects" {
	mkdir out.d
	touch out.log
	run complete_words dm-run --output-dir ou
	assert_success
	assert_output out.d
	run complete_words dm-run --output-dir=ou
	assert_output out.d
	run complete_words dm-run --joblog ou
	assert_output 'out.d
out.log'
	run complete_words dm-run --lock=out.l
	assert_output out.log
	run complete_words dm-run --rejects ou
	assert_output 'out.d
out.log'
	run complete_words dm-run --rej
	assert_output --rejects
}

@test "dm-run offers its options before COMMAND, none after -- or COMMAND" {
	touch -- --hx
	run complete_words dm-run --ha
	assert_success
	assert_output --halt
	run complete_words dm-run -j 2 --halt never --unord
	assert_output --unordered
	run complete_words dm-run -- --h
	assert_output --hx
	run complete_words dm-run -j 2 -- cat --h
	assert_output --hx
	run complete_words dm-run cat --h
	assert_output --hx
}

@test "dm-run completes the Slurm options, folders after --spool and --status" {
	mkdir spool.d
	touch spool.txt
	run complete_words dm-run --sl
	assert_success
	assert_output --slurm
	run complete_words dm-run --slurm --sp
	assert_output --spool
	run complete_words dm-run --slurm --spool sp
	assert_output spool.d
	run complete_words dm-run --status=sp
	assert_output spool.d
	run complete_words dm-run --blocks
	assert_output --blocks-per-task
}

@test "after --, every word is an operand: a tool's script, then files" {
	touch lower.jsonl
	run complete_words dm-map -- low
	assert_success
	assert_output lower
	run complete_words dm-map -- lower low
	assert_output lower.jsonl
	run complete_words dm-map -- lower --on
	assert_output ''
}

@test "dm-stats completes its options from --help, and a file after --html" {
	run complete_words dm-stats --mer
	assert_output '--merge'
	run complete_words dm stats --fun
	assert_output '--funnel'
	touch report.html
	run complete_words dm-stats --html rep
	assert_output 'report.html'
}

@test "dm-recipe completes its commands, then options and recipe files" {
	run complete_words dm-recipe s
	assert_success
	assert_output show
	run complete_words dm recipe ch
	assert_output check
	run complete_words dm-recipe run --sk
	assert_output --skip-unsupported
	touch r.yaml
	run complete_words dm-recipe run r.
	assert_output r.yaml
}

@test "dm-dedup completes its stages first, and its modes' values from its help" {
	run complete_words dm-dedup p
	assert_success
	assert_output pairs
	run complete_words dm-dedup --tokenize ''
	assert_output 'character
punctuation
space'
	run complete_words dm-dedup --preset d
	assert_output 'data-juicer
datamate
datatrove'
	run complete_words dm-dedup sign --ver
	assert_output '--verify
--version'
	run complete_words dm-dedup --near --preset datamate --same-name ''
	assert_output 'hex
raw'
	run complete_words dm-dedup --file-
	assert_output '--file-name'
}

@test "tokenizer names are completed in tokens(\"...\") and stats names=tokens:..." {
	mkdir -p tk/t5
	touch tk/gpt2.json tk/gpt4o.json tk/llama2.model tk/t5/tokenizer.model tk/notes.txt
	export DM_TOKENIZER_PATH=$TMP/tk
	run complete_words dm-filter 'len > 1 && tokens("gp'
	assert_success
	assert_output 'len > 1 && tokens("gpt2")
len > 1 && tokens("gpt4o")'
	run complete_words dm-filter "'tokens(\"t"
	assert_output "'tokens(\"t5\")"
	run complete_words dm-map 'stats names=len,tokens:'
	assert_output 'stats names=len,tokens:gpt2
stats names=len,tokens:gpt4o
stats names=len,tokens:llama2
stats names=len,tokens:t5'
	run complete_words dm map 'lower; stats names=tokens:l'
	assert_output 'lower; stats names=tokens:llama2'
}

@test "--files0-from completes file names, as --files0-from VALUE and --files0-from=VALUE" {
	cd "$BATS_TEST_TMPDIR"
	touch list.nul listing
	for t in dm-filter dm-map dm-slice dm-stats dm-llm dm-dedup dm-run; do
		run complete_words "$t" --files0-from list
		assert_success
		assert_output 'list.nul
listing'
		run complete_words "$t" --files0-from = list.
		assert_output list.nul
	done
	# LIST of --separators is a list to type
	run complete_words dm-slice --separators ''
	assert_output ''
}

# complete_lines: complete_words for each line of standard input (the
# words separated by tabs), in one bash; prints one line per input line,
# the candidates sorted and separated by spaces.
complete_lines() {
	bash -c '
		source "$1/completions/dm.bash"
		while IFS=$'"'"'\t'"'"' read -r -a COMP_WORDS; do
			COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
			COMP_LINE="${COMP_WORDS[*]}"
			COMP_POINT=${#COMP_LINE}
			COMPREPLY=()
			_dm "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" \
			    "${COMP_WORDS[COMP_CWORD - 1]}"
			printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "
			echo
		done
	' complete "$DM_REPO"
}

# help_options TOOL: every option that `TOOL --help` names, one a line:
# those of its usage lines (-hV standing for -h and -V) and of its option
# lines.
help_options() {
	"$1" --help | awk '
		/^$/ { usage = 0 }
		NR == 1 { usage = 1 }
		usage {
			s = $0
			while (match(s, /(^|[[ |])--?[A-Za-z][-A-Za-z0-9]*/)) {
				o = substr(s, RSTART, RLENGTH)
				s = substr(s, RSTART + RLENGTH)
				sub(/^[[ |]/, "", o)
				if (o ~ /^-[A-Za-z][A-Za-z]+$/)
					for (i = 2; i <= length(o); i++)
						print "-" substr(o, i, 1)
				else
					print o
			}
			next
		}
		/^ +-/ {
			sub(/^ +/, "")
			split($0, col, /  +/)
			n = split(col[1], ov, /, /)
			for (i = 1; i <= n; i++) {
				sub(/[ =].*/, "", ov[i])
				print ov[i]
			}
		}' | sort -u
}

# help_values TOOL: "OPTION VALUE" for each option of TOOL's option lines
# that takes a value, VALUE the name the help gives it.
help_values() {
	"$1" --help | awk '/^ +-/ {
		sub(/^ +/, "")
		split($0, col, /  +/)
		if (col[1] !~ / [^ ]+$/)
			next
		value = col[1]
		sub(/.* /, "", value)
		n = split(col[1], o, /, /)
		for (i = 1; i <= n; i++) {
			sub(/ .*/, "", o[i])
			print o[i], value
		}
	}'
}

@test "every tool's every option in --help is offered, and a file or folder value completes files or folders" {
	local prog t opt value want got pre q a missing= n=0
	local -a queries=() wants=()
	touch zfile
	mkdir zdir
	for prog in "$DM_BINDIR"/dm-*; do
		[[ -x $prog && $prog != *.so ]] || continue
		t=${prog##*/}
		# dm-recipe takes its options after its command
		pre=$t
		[ "$t" = dm-recipe ] && pre=$t$'\t'run
		got=$(printf '%s\t-\n%s\t--\n' "$pre" "$pre" | complete_lines |
		    tr ' ' '\n' | sed 's/=$//' | sort -u)
		for opt in $(help_options "$t"); do
			n=$((n + 1))
			grep -qxF -- "$opt" <<<"$got" || missing+=" $t:$opt"
		done
		while read -r opt value; do
			case $value in
			FILE | PATH) want='zdir zfile ' ;;
			LIST) [ "$opt" = --files0-from ] || continue
			    want='zdir zfile ' ;;
			*DIR) want='zdir ' ;;
			*) continue ;;
			esac
			queries+=("$pre"$'\t'"$opt"$'\t'z)
			wants+=("$t $opt $value: $want")
			[[ $opt == --* ]] || continue
			queries+=("$pre"$'\t'"$opt=z")
			wants+=("$t $opt=$value: $want")
		done < <(help_values "$t")
	done
	# the check saw the options, and values of each kind
	[ "$n" -ge 200 ] && [ "${#queries[@]}" -ge 50 ]
	mapfile -t got < <(printf '%s\n' "${queries[@]}" | complete_lines)
	for ((q = 0; q < ${#queries[@]}; q++)); do
		a="${wants[q]%%: *}: ${got[q]}"
		[ "$a" = "${wants[q]}" ] || missing+=$'\n'"$a, not ${wants[q]#*: }"
	done
	[ -z "$missing" ] || { echo "not completed:$missing" >&2; false; }
}
