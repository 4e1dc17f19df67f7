#!/usr/bin/env bats
# completion-tty.bats - completion as a user meets it: keys typed into a
# real interactive bash (in tmux), with bash-completion and dm's completion
# loaded, and what readline puts on the line or lists read off the screen.
# readline breaks words at '@' and '=' (COMP_WORDBREAKS) before dm's
# functions see them; only a real shell shows that.

load helper

# tty_start: an interactive bash in a detached tmux session on a private
# socket, in the test's directory.
tty_start() {
	SOCK=$BATS_TEST_TMPDIR/tmux.sock
	cat >"$BATS_TEST_TMPDIR/rc" <<-EOF
	PS1='$ '
	if [ -r /usr/share/bash-completion/bash_completion ]; then
		. /usr/share/bash-completion/bash_completion
	fi
	. "$DM_REPO/completions/dm.bash"
	bind 'set show-all-if-ambiguous on'
	bind 'set completion-query-items 0'
	bind 'set page-completions off'
	bind 'set bell-style none'
	EOF
	tmux -S "$SOCK" -f /dev/null new-session -d -x 230 -y 50 -c "$TMP" \
	    env -i PATH="$PATH" HOME="$HOME" TERM=screen LANG=C.UTF-8 \
	    DM_SHAREDIR="$DM_SHAREDIR" \
	    bash --noprofile --rcfile "$BATS_TEST_TMPDIR/rc" -i
	TMUX_PID=$(tmux -S "$SOCK" display -p '#{pid}')
	tty_wait '^\$ ?$'
}

teardown() {
	if [ -n "${TMUX_PID-}" ]; then
		kill "$TMUX_PID" 2>/dev/null || true
	fi
}

# tty_wait REGEX: waits (at most 20 s) until a line of the screen matches.
tty_wait() {
	local i
	for ((i = 0; i < 200; i++)); do
		tmux -S "$SOCK" capture-pane -p | grep -qE -- "$1" && return 0
		sleep 0.1
	done
	echo "screen never showed /$1/:" >&2
	tmux -S "$SOCK" capture-pane -p >&2
	return 1
}

# tty_complete LINE [TABS]: types LINE, then Tab (TABS times; one lists
# the candidates, as show-all-if-ambiguous is on), then a mark, which
# readline takes only once the completion is done. Sets line to what is then on the command line
# (without the mark), shown to the lines printed above it (the candidates),
# and clears the line.
tty_complete() {
	local tabs=${2:-1} screen n
	tmux -S "$SOCK" clear-history
	tmux -S "$SOCK" send-keys C-l
	tty_wait '^\$ ?$'
	tmux -S "$SOCK" send-keys -l -- "$1"
	tmux -S "$SOCK" send-keys Tab
	((tabs < 2)) || tmux -S "$SOCK" send-keys Tab
	tmux -S "$SOCK" send-keys -l '#MARK'
	tty_wait '#MARK$'
	screen=$(tmux -S "$SOCK" capture-pane -p -J | sed '/^$/d')
	n=$(printf '%s\n' "$screen" | grep -n '#MARK$' | tail -1 | cut -d: -f1)
	line=$(printf '%s\n' "$screen" | sed -n "${n}p")
	line=${line%#MARK}
	line=${line#\$ }
	shown=$(printf '%s\n' "$screen" | sed -n "1,$((n - 1))p" | grep -v '^\$ ' || true)
	tmux -S "$SOCK" send-keys C-u
	echo "typed: $1 -> line: [$line]"
}

@test "a real bash completes dm-llm -p @su to the prompt template 'summary'" {
	tty_start
	tty_complete 'dm-llm -p @su'
	[ "$line" = 'dm-llm -p @summary ' ]
	tty_complete 'dm-llm --system=@tr'
	[ "$line" = 'dm-llm --system=@translate ' ]
	tty_complete 'dm-llm -p @'
	[ "$(printf '%s\n' $shown | grep -cE '^@(qa|quality|summary|tag|translate)$')" -eq 5 ]
	echo 'Tag {text}' >'my prompt.txt'
	tty_complete 'dm-llm -p @my'
	[ "$line" = 'dm-llm -p @my\ prompt.txt ' ]
}

@test "a real bash completes every statistic in a dm-filter expression" {
	tty_start
	tty_complete "dm-filter 'stopw"
	[ "$line" = "dm-filter 'stopword_ratio" ]
	tty_complete "dm-filter 'words > 3 && "
	for s in $(dm ops stats | awk '$1 == "names" { print }' |
	    sed 's/.*of://; s/;.*//'); do
		printf '%s\n' $shown | grep -qx "$s" || { echo "missing: $s"; false; }
	done
	[ "$(dm ops stats | awk '$1 == "names" { print }' | sed 's/.*of://; s/;.*//' | wc -w)" -ge 15 ]
}

@test "a real bash completes each tool's options, operators and values" {
	tty_start
	tty_complete 'dm ma'
	[ "$line" = 'dm map ' ]
	tty_complete "dm-map 'trunc"
	[ "$line" = "dm-map 'truncate" ]
	tty_complete 'dm-map --on-error=sk'
	[ "$line" = 'dm-map --on-error=skip ' ]
	tty_complete 'dm-slice --un'
	[ "$line" = 'dm-slice --unit ' ]
	tty_complete 'dm-slice --by sen'
	[ "$line" = 'dm-slice --by sentence ' ]
	tty_complete 'dm-scan --max-t'
	[ "$line" = 'dm-scan --max-total ' ]
	tty_complete 'dm-scan --encoding-errors=lat'
	[ "$line" = 'dm-scan --encoding-errors=latin1 ' ]
	tty_complete 'dm-run --unord'
	[ "$line" = 'dm-run --unordered ' ]
	tty_complete 'dm-llm --skip-e'
	[ "$line" = 'dm-llm --skip-existing ' ]
	tty_complete 'dm-filter --inv'
	[ "$line" = 'dm-filter --invert ' ]
	tty_complete 'dm-stats --jso'
	[ "$line" = 'dm-stats --json ' ]
	tty_complete 'dm ops gopher-r'
	[ "$line" = 'dm ops gopher-rep ' ]
	tty_complete 'dm-dedup --simh'
	[ "$line" = 'dm-dedup --simhash ' ]
	tty_complete 'dm-dedup --preset data'
	[ "$line" = 'dm-dedup --preset data' ]
	[ "$(printf '%s\n' $shown | sort | tr '\n' ' ')" = 'data-juicer datamate datatrove ' ]
	tty_complete 'dm-recipe --skip-u'
	[ "$line" = 'dm-recipe --skip-unsupported ' ]
}
