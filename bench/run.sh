#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# run.sh: builds gloved and the benchmarks (RelWithDebInfo) when needed, then
# runs every benchmark (each bench/*.c is one program) with its default
# parameters. Arguments go to every benchmark, e.g. `bench/run.sh --quick`.
# `make bench` calls it (`make bench BENCH_ARGS=--quick`). Exits non-zero
# when a benchmark failed (a refused request, a lost piece, a crash); a
# benchmark that merely misses its target still exits 0.
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}

type=$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$BUILD/CMakeCache.txt" 2>/dev/null || true)
if [ "$type" != RelWithDebInfo ] && [ "$type" != Release ]; then
	[ -n "$type" ] && echo "bench/run.sh: $BUILD is a '$type' build; reconfiguring it as RelWithDebInfo" >&2
	cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
cmake --build "$BUILD" -j "$(nproc)" >/dev/null

status=0
for src in bench/*.c; do
	name=$(basename "$src" .c)
	echo "== $name $*"
	if ! "$BUILD/$name" "$@"; then
		echo "bench/run.sh: $name failed" >&2
		status=1
	fi
	echo
done
exit $status
