# dm.bash - bash completion for dm and its tools (dm-map, dm-filter, ...)
#
# Nothing here lists operators, statistics or options: they are asked from
# the binaries at completion time (`dm-TOOL --help`, `dm-map --list-ops`,
# `dm ops`, `dm ops NAME`), so the completion never goes stale. A new tool
# gets completion by being added to the `complete` line at the end.

# _dm_tool_path TOOL: the program that runs for TOOL, as dm finds it: beside
# the dm being completed first, then on PATH.
_dm_tool_path()
{
	local dm=$1 tool=$2 dir
	if [[ $dm == */* ]]; then
		dir=${dm%/*}
		if [[ -x $dir/$tool ]]; then
			printf '%s\n' "$dir/$tool"
			return
		fi
	fi
	type -P -- "$tool"
}

# _dm_tools DM: the tool names that `dm TOOL` can run (dm-map gives map).
_dm_tools()
{
	local dm=$1 f
	{
		if [[ $dm == */* ]]; then
			for f in "${dm%/*}"/dm-*; do
				[[ -x $f ]] && printf '%s\n' "${f##*/}"
			done
		fi
		compgen -c -- dm-
	} 2>/dev/null | sed -n 's/^dm-\([A-Za-z0-9_][-A-Za-z0-9_]*\)$/\1/p' | sort -u
}

# _dm_topics DM: what `dm help` offers help on: the first word of each
# indented line of its overview (tools, commands and topics).
_dm_topics()
{
	"$1" help 2>/dev/null | awk '/^  [^ ]/ { print $1 }' | sort -u
}

# _dm_ops PROG [KIND]: the operator names, from `PROG --list-ops` (a tool)
# or `PROG ops` (the front end); the first column of each line, of the
# lines whose second column, the kind, is KIND when it is given.
_dm_ops()
{
	local prog=$1 kind=${2-}
	if [[ ${prog##*/} == dm ]]; then
		"$prog" ops 2>/dev/null
	else
		"$prog" --list-ops 2>/dev/null
	fi | awk -v kind="$kind" 'NF && (kind == "" || $2 == kind) { print $1 }'
}

# _dm_params PROG OP: the parameter names of operator OP, from the table
# that `dm ops OP` prints (the rows after the PARAMETER heading).
_dm_params()
{
	local prog=$1 op=$2 dm
	if [[ ${prog##*/} == dm ]]; then
		dm=$prog
	elif [[ $prog == */* && -x ${prog%/*}/dm ]]; then
		dm=${prog%/*}/dm
	else
		dm=dm
	fi
	"$dm" ops "$op" 2>/dev/null | awk '
		$1 == "PARAMETER" { t = 1; next }
		t && NF { print $1 }'
}

# _dm_front PROG: the dm front end beside PROG, or dm on PATH.
_dm_front()
{
	local prog=$1
	if [[ ${prog##*/} == dm ]]; then
		printf '%s\n' "$prog"
	elif [[ $prog == */* && -x ${prog%/*}/dm ]]; then
		printf '%s\n' "${prog%/*}/dm"
	else
		printf 'dm\n'
	fi
}

# _dm_stat_names DM: the statistics that `DM ops stats` shows: the list
# after "of:" (or "statistics:") in its table, and the default of its
# names parameter.
_dm_stat_names()
{
	"$1" ops stats 2>/dev/null | awk '
		/ of:|statistics:/ { sub(/.*( of:|statistics:)/, ""); sub(/;.*/, ""); print }
		$1 == "names" { print $3 }' |
	    tr ', ' '\n\n' | sed -n 's/^\([a-z_][a-z_0-9]*\).*/\1/p' | sort -u
}

# _dm_expr_names PROG: the names an expression of dm-filter can call: the
# operators of kind filter from `dm ops`, as predicates (gopher-rep is
# gopher_rep(...)), the statistics, then the functions and words of the
# language, which are fixed.
_dm_expr_names()
{
	local dm
	dm=$(_dm_front "$1")
	"$dm" ops 2>/dev/null | awk '$2 == "filter" { gsub(/-/, "_", $1); print $1 "(" }'
	_dm_stat_names "$dm"
	printf '%s\n' 'all_in(' 'contains(' 'endswith(' 'float(' 'has(' lang 'lang(' \
	    'lower(' 'num(' 'startswith(' 'str(' true false null in
}

# _dm_expr PROG CUR: completes inside an expression operand such as
# 'words >= 50 && alnum': a predicate, statistic or function name where a
# name is being written, a parameter name (with '=') inside the
# parentheses of a predicate, nothing inside a string, a field path or a
# regular expression.
_dm_expr()
{
	local prog=$1 cur=$2 head last fn params
	last=${cur##*[!A-Za-z0-9_]}
	head=${cur:0:${#cur}-${#last}}
	# not in a field path (meta.la) or a number
	[[ $head == *. || $last == [0-9]* ]] && return
	# a tokenizer name in tokens("NAME
	if [[ $head =~ tokens\([[:blank:]]*\"$ ]]; then
		local IFS=$'\n'
		mapfile -t COMPREPLY < <(compgen -P "$head" -S '")' -W "$(_dm_tokenizers "$prog")" -- "$last")
		[[ ${#COMPREPLY[@]} -gt 0 ]] && compopt -o nospace 2>/dev/null
		return
	fi
	# nor inside a string: an odd number of quotes of one kind, after the
	# shell's own opening quote
	local q=${head#[\'\"]}
	q=${q//[!\"]/}
	((${#q} % 2)) && return
	q=${head#[\'\"]}
	q=${q//[!\']/}
	((${#q} % 2)) && return
	# nor inside a regular expression: an odd number of unescaped
	# slashes after the last =~ or !~
	if [[ $head == *[=!]~* ]]; then
		q=${head##*[=!]~}
		q=${q//\\\//}
		q=${q//[!\/]/}
		((${#q} % 2)) && return
	fi
	local IFS=$'\n'
	if [[ $head =~ ([A-Za-z_][A-Za-z0-9_]*)\(([^()]*,)?[[:blank:]]*$ ]]; then
		fn=${BASH_REMATCH[1]}
		params=$(_dm_params "$prog" "${fn//_/-}")
	fi
	if [[ -n $params ]]; then
		mapfile -t COMPREPLY < <(compgen -P "$head" -S = -W "$params" -- "$last")
	else
		mapfile -t COMPREPLY < <(compgen -P "$head" -W "$(_dm_expr_names "$prog")" -- "$last")
	fi
	# Readline closes the shell's quote after a single match, which would
	# end the expression there; a second match, the same followed by a
	# space, keeps it open: the common part is inserted.
	if [[ ${#COMPREPLY[@]} -eq 1 && $cur == [\'\"]* ]]; then
		COMPREPLY+=("${COMPREPLY[0]} ")
	fi
	[[ ${#COMPREPLY[@]} -gt 0 ]] && compopt -o nospace 2>/dev/null
}

# _dm_options PROG: the options that `PROG --help` mentions. A long option
# shown as --name=VALUE is completed with its '='.
_dm_options()
{
	# long options may go on with =VALUE; a short one stands alone
	"$1" --help 2>/dev/null |
	    grep -oE -- '(^|[[:space:],[])(--[A-Za-z][-A-Za-z0-9]*=?|-[A-Za-z]([],[:space:]]|$))' |
	    sed 's/^[[:space:],[]*//; s/[],[:space:]]*$//' | sort -u
}

# _dm_argopts PROG: the options of `PROG --help` that take a value, one
# "OPTION VALUE" a line, VALUE the name the help gives the value
# (-k, --key FIELD gives "-k FIELD" and "--key FIELD"; -p, --prompt
# TEXT|@FILE gives "-p TEXT|@FILE"; --param KEY=VALUE "--param KEY=VALUE").
_dm_argopts()
{
	"$1" --help 2>/dev/null | awk '/^ +-/ {
		line = $0
		sub(/^ +/, "", line)
		split(line, col, /  +/)
		n = split(col[1], opt, /, /)
		value = ""
		for (i = 1; i <= n; i++)
			if (match(opt[i], /[ =]@?[A-Z][A-Z_]*([|=]@?[A-Z][A-Z_]*)*$/)) {
				value = substr(opt[i], RSTART + 1)
				opt[i] = substr(opt[i], 1, RSTART - 1)
			}
		if (value != "")
			for (i = 1; i <= n; i++)
				print opt[i], value
	}'
}

# _dm_choices PROG: the options whose values `PROG --help` spells out, one
# "OPTION a b" a line: in the usage lines as --name=a|b
# (--encoding-errors=replace|skip|latin1), or in the help of an option
# that takes a value, when that help is only the list of the values, on
# one line or more (--halt MODE  never (default), first-failure, ...).
_dm_choices()
{
	local help
	help=$("$1" --help 2>/dev/null)
	sed '/^$/,$d' <<<"$help" |
	    grep -oE -- '--[A-Za-z][-A-Za-z0-9]*=[A-Za-z0-9_:-]+(\|[A-Za-z0-9_:-]+)+' |
	    tr '=|' '  '
	awk '
	function flush(   i, n, o, d) {
		if (opts != "" && desc ~ /^[a-z][-a-z0-9]*( \(default\))?(, (or )?[a-z][-a-z0-9]*( \(default\))?)+$/) {
			d = desc
			gsub(/ \(default\)/, "", d)
			gsub(/,( or)? /, " ", d)
			n = split(opts, o, " ")
			for (i = 1; i <= n; i++)
				print o[i], d
		}
		opts = desc = ""
	}
	# "  -x, --name VALUE   help", the help going on below it
	/^ +-/ {
		flush()
		line = $0
		sub(/^ +/, "", line)
		if (split(line, col, /  +/) < 2 || col[1] !~ /[ =][A-Z]/)
			next
		n = split(col[1], o, /, /)
		for (i = 1; i <= n; i++) {
			sub(/[ =].*/, "", o[i])
			opts = opts " " o[i]
		}
		desc = substr(line, index(line, col[2]))
		next
	}
	/^                    +[^ -]/ && opts != "" {
		line = $0
		sub(/^ +/, "", line)
		desc = desc " " line
		next
	}
	{ flush() }
	END { flush() }' <<<"$help"
}

# _dm_sharedir PROG: the share directory that PROG reads, found as the
# tools find it: $DM_SHAREDIR, else share/dm beside the directory of the
# binary, symbolic links resolved (../share/dm, or ../../share/dm for
# bin/asan/).
_dm_sharedir()
{
	local prog=$1 dir d
	if [[ -n ${DM_SHAREDIR-} ]]; then
		printf '%s\n' "$DM_SHAREDIR"
		return
	fi
	[[ $prog == */* ]] || prog=$(type -P -- "$prog") || return
	prog=$(readlink -f -- "$prog") || return
	dir=${prog%/*}
	for d in "$dir/../share/dm" "$dir/../../share/dm"; do
		if [[ -d $d ]]; then
			printf '%s\n' "$d"
			return
		fi
	done
	return 1
}

# _dm_prompts PROG: the prompt templates of the share directory, by the
# name that @NAME takes (prompts/NAME.txt).
_dm_prompts()
{
	local dir f
	dir=$(_dm_sharedir "$1") || return
	for f in "$dir"/prompts/*.txt; do
		[[ -f $f ]] || continue
		f=${f##*/}
		printf '%s\n' "${f%.txt}"
	done
}

# _dm_tokenizers PROG: the tokenizer names that tokens("NAME") and
# tokens:NAME find: NAME.json, NAME.model, NAME/tokenizer.json or
# NAME/tokenizer.model in the directories of $DM_TOKENIZER_PATH, else in
# the tokenizers directory of the share directory.
_dm_tokenizers()
{
	local dirs d f n
	if [[ -n ${DM_TOKENIZER_PATH-} ]]; then
		dirs=$DM_TOKENIZER_PATH
	else
		dirs=$(_dm_sharedir "$1")/tokenizers || return
	fi
	local IFS=:
	for d in $dirs; do
		for f in "$d"/*; do
			n=${f##*/}
			case $n in
			*.json) n=${n%.json} ;;
			*.model) n=${n%.model} ;;
			*) [[ -f $f/tokenizer.json || -f $f/tokenizer.model ]] || continue ;;
			esac
			[[ $n == *.* ]] || printf '%s\n' "$n"
		done
	done | sort -u
}

# _dm_template PROG CUR: completes the value of a TEXT|@FILE option
# (dm-llm's -p and --system): after '@', the prompt templates of the share
# directory and the files (a folder with its '/'); nothing for a template
# being typed.
_dm_template()
{
	local prog=$1 cur=$2 f
	local IFS=$'\n'
	local -a found
	[[ $cur == @* ]] || return
	cur=${cur#@}
	mapfile -t found < <({
		compgen -W "$(_dm_prompts "$prog")" -- "$cur"
		compgen -f -- "$cur"
	} | sort -u)
	COMPREPLY=()
	# quoted here, not by readline's filename quoting, which would write
	# the '@' as '\@'
	for f in "${found[@]}"; do
		[[ -d $f ]] && f+=/
		[[ $f == *[!A-Za-z0-9_./-]* ]] && printf -v f '%q' "$f"
		COMPREPLY+=("@$f")
	done
	[[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == */ ]] &&
	    compopt -o nospace 2>/dev/null
	return 0
}

# _dm_script PROG CUR: completes inside a script operand such as
# 'lower; replace pat': an operator name (of kind map) after ';' or at the
# start, a parameter name (with '=') after an operator name.
_dm_script()
{
	local prog=$1 cur=$2 head last op word
	# The part of the word after the last ';' or newline is the operator
	# being written; everything before it is kept as it is.
	last=${cur##*[;$'\n']}
	head=${cur:0:${#cur}-${#last}}
	# A quote that opens the script belongs to the head.
	if [[ -z $head && $last == [\'\"]* ]]; then
		head=${last:0:1}
		last=${last:1}
	fi
	# Leading blanks too.
	word=${last#"${last%%[![:blank:]]*}"}
	head=$head${last:0:${#last}-${#word}}
	last=$word
	local IFS=$'\n'
	if [[ $last != *[[:blank:]]* ]]; then
		mapfile -t COMPREPLY < <(compgen -P "$head" -W "$(_dm_ops "$prog" map)" -- "$last")
		# a single match would close the shell's quote, ending the
		# script at the name: the same followed by a space keeps it open
		if [[ ${#COMPREPLY[@]} -eq 1 && $cur == [\'\"]* ]]; then
			COMPREPLY+=("${COMPREPLY[0]} ")
		fi
	else
		op=${last%%[[:blank:]]*}
		word=${last##*[[:blank:]]}
		head=$head${last:0:${#last}-${#word}}
		# a tokenizer name in stats names=...,tokens:NAME
		if [[ $word =~ ^names=(.*[,:])?tokens:[A-Za-z0-9_-]*$ ]]; then
			last=${word##*:}
			mapfile -t COMPREPLY < <(compgen -P "$head${word:0:${#word}-${#last}}" -W "$(_dm_tokenizers "$prog")" -- "$last")
			[[ ${#COMPREPLY[@]} -gt 0 ]] && compopt -o nospace 2>/dev/null
			return
		fi
		[[ $word == *=* ]] && return
		mapfile -t COMPREPLY < <(compgen -P "$head" -S = -W "$(_dm_params "$prog" "$op")" -- "$word")
		# Readline closes the shell's quote after a single match, which
		# would end the script at 'name='. A second match that opens a
		# quoted value keeps it open: the common part is inserted.
		if [[ ${#COMPREPLY[@]} -eq 1 && $cur == [\'\"]* ]]; then
			if [[ $cur == \'* ]]; then
				COMPREPLY+=("${COMPREPLY[0]}\"")
			else
				COMPREPLY+=("${COMPREPLY[0]}'")
			fi
		fi
	fi
	[[ ${#COMPREPLY[@]} -gt 0 ]] && compopt -o nospace 2>/dev/null
}

# _dm_complete_tool PROG WORD...: completes the arguments of a dm tool;
# the words start with the tool's name, the last one is being completed.
_dm_complete_tool()
{
	local prog=$1
	shift
	local -a words=()
	local cword cur prev i w script_given=0 operands=0
	local IFS=$'\n' lists_ops=0 takes_expr=0 takes_cmd=0 dashdash=0 opts line
	local -A argval=() choice=()
	# Readline breaks words at '=' (COMP_WORDBREAKS): join --name = value
	# back into one word. Completions of a value then replace only the
	# part after the '=', which is what readline holds as the word.
	# It breaks them at '@' too (-p @summary is -p, @, summary; and
	# --system=@x is --system, =@, x): join those as well. '@' is one of
	# readline's special prefixes: the word it replaces starts with it.
	for ((i = 1; i <= $#; i++)); do
		w=${!i}
		if [[ ($w == = || $w == =@) && ${#words[@]} -gt 0 &&
		    ${words[-1]} == --* ]]; then
			words[-1]+=$w
		elif [[ $w == @ ]]; then
			words+=("$w")
		else
			words+=("$w")
			continue
		fi
		if ((i < $#)); then
			((i++))
			words[-1]+=${!i}
		fi
	done
	cword=$((${#words[@]} - 1))
	cur=${words[cword]}
	prev=${words[cword - 1]}
	opts=$(_dm_options "$prog")
	while IFS=' ' read -r w line; do
		[[ -n $w ]] && argval[$w]=$line
	done < <(_dm_argopts "$prog")
	while IFS=' ' read -r w line; do
		[[ -n $w ]] && choice[$w]=$line
	done < <(_dm_choices "$prog")
	[[ $opts == *--list-ops* ]] && lists_ops=1
	# dm-filter: an EXPR operand in the usage line
	[[ $("$prog" --help 2>/dev/null | sed '/^$/,$d') == *EXPR* ]] && takes_expr=1
	# dm-run: a COMMAND operand in the usage line, where options end
	[[ $("$prog" --help 2>/dev/null | sed '/^$/,$d') == *' COMMAND'* ]] && takes_cmd=1

	# Which words before the current one are options, option values,
	# scripts and operands. After --, and after a COMMAND, every word is
	# an operand: no option is offered there.
	for ((i = 1; i < cword; i++)); do
		w=${words[i]}
		if ((dashdash)); then
			((operands++))
			continue
		fi
		case $w in
		--) dashdash=1 ;;
		-e | -f | --expression | --file) script_given=1; ((i++)) ;;
		--expression=* | --file=* | -e?* | -f?*) script_given=1 ;;
		-*) [[ -n ${argval[$w]-} ]] && ((i++)) ;;
		*) ((operands++)); ((takes_cmd)) && dashdash=1 ;;
		esac
	done
	if ((dashdash)); then
		if ((lists_ops && !script_given && operands == 0)); then
			_dm_script "$prog" "$cur"
		elif ((takes_expr && !script_given && operands == 0)); then
			_dm_expr "$prog" "$cur"
		else
			mapfile -t COMPREPLY < <(compgen -f -- "$cur")
			compopt -o filenames 2>/dev/null
		fi
		return
	fi

	# dm-recipe: its command (show, check, run, ops) comes first
	if [[ ${prog##*/} == dm-recipe && $operands -eq 0 && $cur != -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W $'check\nops\nrun\nshow' -- "$cur")
		return
	fi
	# dm-dedup: a stage (sign, pairs, cluster, apply) may come first
	if [[ ${prog##*/} == dm-dedup && $cword -eq 1 && $cur != -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W $'apply\ncluster\npairs\nsign' -- "$cur")
		mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < <(compgen -f -- "$cur")
		return
	fi
	case $prev in
	-e | --expression)
		((lists_ops)) && _dm_script "$prog" "$cur"
		return ;;
	# a list of names, in a file (LIST is no file for --separators)
	--files0-from)
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		compopt -o filenames 2>/dev/null
		return ;;
	# dm-slice's one preset (dm-dedup's come from its usage line)
	--preset)
		if [[ ${prog##*/} == dm-slice ]]; then
			mapfile -t COMPREPLY < <(compgen -W data-juicer -- "$cur")
			return
		fi ;;
	# dm-slice: values to complete, numbers and lists to type
	--unit)
		mapfile -t COMPREPLY < <(compgen -W $'chars\nwords' -- "$cur")
		return ;;
	--by)
		mapfile -t COMPREPLY < <(compgen -W $'paragraph\nline\nsentence\nregex:' -- "$cur")
		[[ ${COMPREPLY[0]} == regex: ]] && compopt -o nospace 2>/dev/null
		return ;;
	esac
	# a value the usage line spells out (--encoding-errors=replace|skip)
	if [[ -n ${choice[$prev]-} ]]; then
		mapfile -t COMPREPLY < <(compgen -W "${choice[$prev]// /$'\n'}" -- "$cur")
		return
	fi
	# any other option's value: a file or a folder by the name the help
	# gives it (FILE, PATH; DIR, or SIGDIR as dm-dedup --labels has it),
	# a template or @FILE, else something to type
	case ${argval[$prev]-} in
	FILE | PATH)
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		compopt -o filenames 2>/dev/null
		return ;;
	*@FILE)
		_dm_template "$prog" "$cur"
		return ;;
	*DIR)
		mapfile -t COMPREPLY < <(compgen -d -- "$cur")
		compopt -o filenames 2>/dev/null
		return ;;
	?*)
		return ;;
	esac

	case $cur in
	--files0-from=*)
		mapfile -t COMPREPLY < <(compgen -f -- "${cur#*=}")
		compopt -o filenames 2>/dev/null
		return ;;
	--on-error=*)
		mapfile -t COMPREPLY < <(compgen -W $'stop\nskip' -- "${cur#*=}")
		return ;;
	--unit=*)
		mapfile -t COMPREPLY < <(compgen -W $'chars\nwords' -- "${cur#*=}")
		return ;;
	--by=*)
		mapfile -t COMPREPLY < <(compgen -W $'paragraph\nline\nsentence\nregex:' -- "${cur#*=}")
		return ;;
	--*=*)
		if [[ -n ${choice[${cur%%=*}]-} ]]; then
			mapfile -t COMPREPLY < <(compgen -W "${choice[${cur%%=*}]// /$'\n'}" -- "${cur#*=}")
			return
		fi
		case ${argval[${cur%%=*}]-} in
		*@FILE)
			_dm_template "$prog" "${cur#*=}" ;;
		FILE | PATH)
			mapfile -t COMPREPLY < <(compgen -f -- "${cur#*=}")
			compopt -o filenames 2>/dev/null ;;
		*DIR)
			mapfile -t COMPREPLY < <(compgen -d -- "${cur#*=}")
			compopt -o filenames 2>/dev/null ;;
		esac
		return ;;
	-*)
		mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
		[[ ${COMPREPLY[0]} == *= ]] && compopt -o nospace 2>/dev/null
		return ;;
	esac

	if ((lists_ops && !script_given && operands == 0)); then
		_dm_script "$prog" "$cur"
		return
	fi
	if ((takes_expr && !script_given && operands == 0)); then
		_dm_expr "$prog" "$cur"
		return
	fi
	mapfile -t COMPREPLY < <(compgen -f -- "$cur")
	compopt -o filenames 2>/dev/null
}

_dm()
{
	local cur=${COMP_WORDS[COMP_CWORD]} cmd=${COMP_WORDS[0]} i tool
	local IFS=$'\n'
	COMPREPLY=()

	# dm-TOOL itself.
	if [[ ${cmd##*/} != dm ]]; then
		_dm_complete_tool "$cmd" "${COMP_WORDS[@]:0:COMP_CWORD+1}"
		return
	fi

	# dm [-hV] TOOL ARG...: find TOOL, the first word that is no option.
	for ((i = 1; i < COMP_CWORD; i++)); do
		[[ ${COMP_WORDS[i]} != -* ]] && break
	done
	if ((i == COMP_CWORD)); then
		if [[ $cur == -* ]]; then
			# The options of the usage line; every dm program also has
			# --help and --version.
			mapfile -t COMPREPLY < <(compgen -W "$("$cmd" --help 2>/dev/null | head -n 1 |
			    grep -oE -- '\[-[A-Za-z]+\]' | grep -oE '[A-Za-z]' |
			    sed 's/^/-/')"$'\n'"--help"$'\n'"--version" -- "$cur")
		else
			mapfile -t COMPREPLY < <(compgen -W "ops"$'\n'"help"$'\n'"$(_dm_tools "$cmd")" -- "$cur")
		fi
		return
	fi
	tool=${COMP_WORDS[i]}
	case $tool in
	ops)
		if [[ $cur == -* ]]; then
			mapfile -t COMPREPLY < <(compgen -W '--json' -- "$cur")
		else
			mapfile -t COMPREPLY < <(compgen -W "$(_dm_ops "$cmd")" -- "$cur")
		fi ;;
	help)
		((COMP_CWORD == i + 1)) &&
		    mapfile -t COMPREPLY < <(compgen -W "$(_dm_topics "$cmd")"$'\n'"$(_dm_ops "$cmd")" -- "$cur") ;;
	*)
		local prog
		prog=$(_dm_tool_path "$cmd" "dm-$tool") || return
		_dm_complete_tool "$prog" "${COMP_WORDS[@]:i:COMP_CWORD-i+1}" ;;
	esac
}

complete -F _dm dm dm-filter dm-llm dm-map dm-run dm-scan dm-slice dm-stats
complete -F _dm dm-recipe
complete -F _dm dm-dedup
