#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# valgrind.sh: the suite once under valgrind (issue 15), besides the ASan
# and UBSan build of `make test`. Runs in a Debug build without sanitizers
# ($VGBUILD, made by `make valgrind`): every unit test executable (ctest -L
# unit) under valgrind, $JOBS at a time, then integration tests with the
# daemon itself under valgrind (GLOVED_WRAP, tests/lib/harness.mjs): an
# error or a definite or indirect leak fails it. Prints each test's time.
set -eu
cd "$(dirname "$0")/.."
VGBUILD=${VGBUILD:-build-valgrind}
JOBS=${JOBS:-$(nproc)}
VALGRIND=${VALGRIND:-valgrind --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect --track-origins=yes --quiet}
INTEGRATION=${VALGRIND_INTEGRATION:-ingest_http strict_input standards}
export VALGRIND VGBUILD

start=$(date +%s)
# (the store's PostgreSQL variants, unit/*_pg, are the same executables
# with a server: they run under valgrind by their SQLite names)
tests=$(cd "$VGBUILD" && ctest -L '^unit$' -N | sed -n 's|^ *Test *#[0-9]*: unit/||p' | grep -v '_pg\(_shared\)\?$')
[ -n "$tests" ] || { echo "valgrind.sh: no unit tests in $VGBUILD" >&2; exit 2; }
# one line per test: "ok <name> <seconds>" or "FAIL <name> ..."
results=$(printf '%s\n' $tests | xargs -P "$JOBS" -I{} sh -c '
	t0=$(date +%s)
	if (cd "$VGBUILD" && $VALGRIND ./{} >{}.valgrind.log 2>&1); then
		echo "ok {} $(( $(date +%s) - t0 ))"
	else
		echo "FAIL {} (log: $VGBUILD/{}.valgrind.log)"
	fi')
echo "$results" | sort -k2
if echo "$results" | grep -q '^FAIL'; then
	for f in $(echo "$results" | sed -n 's/^FAIL \([^ ]*\).*/\1/p'); do
		echo "== $f"; tail -n 40 "$VGBUILD/$f.valgrind.log"
	done
	echo "valgrind.sh: a unit test failed under valgrind" >&2
	exit 1
fi
n=$(echo "$results" | wc -l)
echo "valgrind: $n unit tests clean in $(( $(date +%s) - start )) s"

t1=$(date +%s)
files=""
for t in $INTEGRATION; do files="$files tests/integration/$t.test.mjs"; done
# shellcheck disable=SC2086
GLOVED_WRAP="$VALGRIND" GLOVED_BIN="$VGBUILD/gloved" GLOVED_SOURCE_DIR="$PWD" node --test $files
echo "valgrind: integration ($INTEGRATION) with the daemon under valgrind clean in $(( $(date +%s) - t1 )) s"
