#!/usr/bin/env bash
# The man pages in man/ stay valid and in step with the programs (ctest: man_*).
#
#   check-man.sh lint PAGE...
#       each PAGE formats without a single warning (groff -man -ww -z, for the
#       PostScript and the UTF-8 terminal devices, and on a 60-column terminal)
#       and has the sections a man page needs;
#   check-man.sh options PROGRAM PAGE [HELP-ARGS]...
#       every option (long, and short with its long form) that PROGRAM's help
#       shows is in PAGE.  HELP-ARGS are further help invocations, each one
#       word with its arguments separated by ':' (e.g. --compare:--help); each
#       must exit 0 too.
#
# Without groff the lint skips (exit 77), except under CI=true, where it fails:
# scripts/setup installs groff.
set -u

fail=0
complain() { echo "check-man: $*" >&2; fail=1; }

# roff source -> the words a reader sees, as far as option names go
plain() {
	sed -e 's/\\-/-/g' -e 's/\\%//g' -e 's/\\&//g' -e 's/\\:/ /g' -e 's/\\~/ /g' \
	    -e 's/\\f[BIRP]//g' -e 's/\\f(..//g' -e 's/\\f\[[A-Z]*\]//g' "$1"
}

lint() {
	local page dev out sec
	if ! command -v groff >/dev/null 2>&1; then
		if [ "${CI:-}" = true ]; then
			complain "groff is not installed (CI=true: cannot skip; scripts/setup installs it)"
			return
		fi
		echo "check-man: groff is not installed (apt-get install groff): skipped" >&2
		exit 77
	fi
	for page in "$@"; do
		[ -r "$page" ] || { complain "$page: cannot read it"; continue; }
		for dev in ps utf8; do
			out=$(LC_ALL=C.UTF-8 groff -man -ww -z -T"$dev" "$page" 2>&1)
			[ -z "$out" ] || complain "$page: groff -man -ww -T$dev:"$'\n'"$out"
		done
		# a 60-column terminal (MANWIDTH=60): no word wider than what is left of
		# the line (a line that is only hard to justify is fine there)
		out=$(LC_ALL=C.UTF-8 groff -man -ww -z -Tutf8 -rLL=60n "$page" 2>&1 |
		      grep "can't break line")
		[ -z "$out" ] || complain "$page: groff -man -ww -Tutf8 -rLL=60n:"$'\n'"$out"
		case "$page" in
		*.1) sec=(NAME SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" ENVIRONMENT FILES EXAMPLES "SEE ALSO") ;;
		*) sec=(NAME SYNOPSIS DESCRIPTION FILES EXAMPLES "SEE ALSO") ;;
		esac
		for s in "${sec[@]}"; do
			grep -qx "\.SH \"\?$s\"\?" "$page" || complain "$page: no $s section"
		done
		# the NAME line is what apropos and whatis read: "name \- what it does"
		grep -A1 -x '\.SH NAME' "$page" | tail -1 | grep -q ' \\- ' ||
			complain "$page: the line after .SH NAME is not 'name \\- description'"
	done
}

options() {
	local prog=$1 page=$2 text help opt args n=0
	shift 2
	[ -x "$prog" ] || { complain "$prog: not an executable"; return; }
	text=$(plain "$page") || { complain "$page: cannot read it"; return; }
	help=$("$prog" --help 2>&1) || complain "$prog --help: exit status $?"
	for args in "$@"; do
		local more
		IFS=: read -r -a argv <<<"$args"
		more=$("$prog" "${argv[@]}" 2>&1) || complain "$prog ${argv[*]}: exit status $?"
		help+=$'\n'"$more"
	done
	for opt in $(grep -o -- '--[a-z][a-z0-9-]*[a-z0-9]' <<<"$help" | sort -u); do
		n=$((n + 1))
		grep -q -- "$opt\([^a-z0-9-]\|$\)" <<<"$text" ||
			complain "$page: does not mention $opt (shown by ${prog##*/} --help)"
	done
	# "  -e, --processtree-engine": the short form is documented too
	while read -r opt; do
		n=$((n + 1))
		grep -q -- "$opt\([^a-zA-Z0-9-]\|$\)" <<<"$text" ||
			complain "$page: does not mention $opt (shown by ${prog##*/} --help)"
	done < <(sed -n 's/^ *\(-[a-zA-Z]\), --.*/\1/p' <<<"$help" | sort -u)
	[ "$n" -gt 0 ] || complain "$prog --help shows no option at all"
}

mode=${1:-}
shift || true
case "$mode" in
lint) lint "$@" ;;
options) [ $# -ge 2 ] || { echo "usage: $0 options PROGRAM PAGE [HELP-ARGS]..." >&2; exit 2; }
	options "$@" ;;
*) echo "usage: $0 lint PAGE... | options PROGRAM PAGE [HELP-ARGS]..." >&2; exit 2 ;;
esac
[ "$fail" -eq 0 ] && echo "check-man: $mode: ok"
exit "$fail"
