#!/usr/bin/env bash
# The C sources follow .clang-format (ctest: clang_format).  Prints the files
# that do not, with the command that fixes them.
#
#   check-format.sh SOURCE-DIR
#
# Without clang-format the check skips (exit 77), except under CI=true, where
# it fails: scripts/setup installs clang-format.
set -u
src=${1:?usage: check-format.sh SOURCE-DIR}
cd "$src" || exit 1
cf=$(command -v clang-format-14 || command -v clang-format || true)
if [ -z "$cf" ]; then
	if [ "${CI:-}" = true ]; then
		echo "check-format: clang-format is not installed (scripts/setup installs it)" >&2
		exit 1
	fi
	echo "check-format: clang-format is not installed: skipped" >&2
	exit 77
fi
# every C file of ours: the tracked ones in a checkout, else all below the
# source folders (fixtures are data, not code)
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	mapfile -t files < <(git ls-files -- '*.c' '*.h' | grep -v '^tests/fixtures/')
else
	mapfile -t files < <(find common engines recorder reconstruct tests fuzz \
		-path tests/fixtures -prune -o \( -name '*.c' -o -name '*.h' \) -print)
fi
# one clang-format for all: it names each file that differs in its warnings
mapfile -t bad < <("$cf" --style=file --dry-run --Werror "${files[@]}" 2>&1 |
	sed -n 's/^\([^:]*\):[0-9]*:[0-9]*: .*code should be clang-formatted.*/\1/p' | sort -u)
if [ ${#bad[@]} -gt 0 ]; then
	echo "check-format: ${#bad[@]} of ${#files[@]} files differ from .clang-format:" >&2
	printf '  %s\n' "${bad[@]}" >&2
	echo "check-format: fix with: $cf -i --style=file FILE..." >&2
	exit 1
fi
echo "check-format: ${#files[@]} files follow .clang-format"
