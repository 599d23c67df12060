#!/usr/bin/env bash
# `cmake --install` of this build into a scratch DESTDIR (ctest: install_tree):
# both programs, the three man pages and the copyright file land under PREFIX,
# and the installed programs run from elsewhere, needing nothing of the build
# tree: --help, a ptrace recording (no privilege needed) and its
# reconstruction.
#
#   check-install.sh BUILD_DIR
set -u
build=$(cd "${1:?usage: check-install.sh BUILD_DIR}" && pwd)
fail=0
complain() { echo "check-install: $*" >&2; fail=1; }

dest=$(mktemp -d "${TMPDIR:-/tmp}/proctree-install.XXXXXX") || exit 1
trap 'rm -rf "$dest"' EXIT
prefix=/usr

if ! out=$(DESTDIR=$dest cmake --install "$build" --prefix "$prefix" 2>&1); then
	echo "$out" >&2
	complain "cmake --install failed"
	exit 1
fi
root=$dest$prefix
for f in bin/proctree-record bin/proctree-reconstruct share/man/man1/proctree-record.1 \
	 share/man/man1/proctree-reconstruct.1 share/man/man5/proctree-csv.5; do
	[ -f "$root/$f" ] || complain "not installed: $prefix/$f"
done
# the licence where Debian policy (12.5) wants it, in its machine-readable form
copyright=$root/share/doc/proctree/copyright
if [ -f "$copyright" ]; then
	head -n 1 "$copyright" | grep -q '^Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/$' ||
		complain "$prefix/share/doc/proctree/copyright: no DEP-5 Format line"
	grep -q '^License: Expat$' "$copyright" && grep -q '^ Permission is hereby granted' "$copyright" ||
		complain "$prefix/share/doc/proctree/copyright: not the MIT (Expat) licence text"
else
	complain "not installed: $prefix/share/doc/proctree/copyright"
fi
[ "$fail" -eq 0 ] || exit 1
# everything went under DESTDIR/PREFIX, nothing elsewhere
stray=$(cd "$dest" && find . -type f ! -path "./${prefix#/}/*")
[ -z "$stray" ] || complain "installed outside $prefix: $stray"

for p in proctree-record proctree-reconstruct; do
	if command -v readelf >/dev/null 2>&1 &&
	   readelf -d "$root/bin/$p" | grep -E 'R(UN)?PATH' | grep -qF "$build"; then
		complain "$p: its RPATH/RUNPATH names the build tree"
	fi
	(cd / && "$root/bin/$p" --help >/dev/null) || complain "$p --help: exit status $?"
done

work=$dest/work
mkdir -p "$work"
(cd "$work" && "$root/bin/proctree-record" -q -e ptrace -o run.csv -- sh -c '/bin/true; exit 0') ||
	complain "installed proctree-record -e ptrace: exit status $?"
if [ -f "$work/run.csv" ]; then
	tree=$(cd / && "$root/bin/proctree-reconstruct" "$work/run.csv") ||
		complain "installed proctree-reconstruct: exit status $?"
	grep -q '^[0-9]* sh -c ' <<<"$tree" || complain "the tree has no root 'sh -c': $tree"
	grep -q '^ *[0-9]* /bin/true' <<<"$tree" || complain "the tree has no '/bin/true' child: $tree"
else
	complain "no run.csv written"
fi
[ "$fail" -eq 0 ] && echo "check-install: ok ($(cd "$dest" && find . -type f | wc -l) files)"
exit "$fail"
