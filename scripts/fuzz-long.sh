#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# fuzz-long.sh: the long fuzz run of docs/fuzzing.md. Each fuzz target of
# build-fuzz/ (make fuzz-build) runs alone, one process, until it has
# executed RUNS inputs (10^8) or SECONDS seconds have passed (3600), from its
# seeds plus what earlier runs found. The binaries are copied first, so a
# rebuild of build-fuzz/ meanwhile (make test does one) does not disturb the
# run. It prints one table row per target: seconds, executions, findings.
# A finding leaves its input in $OUT/crashes/ and makes the script exit 1
# after the other targets have run.
#
#   scripts/fuzz-long.sh                      # every target
#   SECONDS_EACH=600 scripts/fuzz-long.sh fuzz_gate fuzz_http
#
# Environment: FUZZBUILD (build-fuzz), OUT (build-fuzz/long), RUNS
# (100000000), SECONDS_EACH (3600), NICE (19).
set -eu
cd "$(dirname "$0")/.."
FUZZBUILD=${FUZZBUILD:-build-fuzz}
OUT=${OUT:-$FUZZBUILD/long}
RUNS=${RUNS:-100000000}
SECONDS_EACH=${SECONDS_EACH:-3600}
NICE=${NICE:-19}

if [ $# -eq 0 ]; then
	set -- $(for f in fuzz/fuzz_*.c; do basename "$f" .c; done)
fi
mkdir -p "$OUT/bin" "$OUT/crashes"
for t in "$@"; do
	[ -x "$FUZZBUILD/$t" ] || { echo "fuzz-long: $FUZZBUILD/$t is not built (make fuzz-build)" >&2; exit 2; }
	cp "$FUZZBUILD/$t" "$OUT/bin/$t"
done

echo "| target | seconds | executions | findings |"
echo "|---|---|---|---|"
failed=0
for t in "$@"; do
	mkdir -p "$OUT/corpus/$t" "$FUZZBUILD/corpus/$t"
	dict=""
	[ -f "fuzz/$t.dict" ] && dict="-dict=fuzz/$t.dict"
	start=$(date +%s)
	rc=0
	# shellcheck disable=SC2086
	nice -n "$NICE" "$OUT/bin/$t" -runs="$RUNS" -max_total_time="$SECONDS_EACH" \
		-timeout=10 -rss_limit_mb=2048 -print_final_stats=1 $dict \
		-artifact_prefix="$OUT/crashes/$t-" \
		"$OUT/corpus/$t" "$FUZZBUILD/corpus/$t" "fuzz/corpus/$t" \
		>"$OUT/$t.log" 2>&1 || rc=$?
	end=$(date +%s)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$OUT/$t.log" | tail -n 1)
	if [ "$rc" -eq 0 ]; then
		finding="none"
	else
		finding="exit $rc, see $OUT/$t.log and $OUT/crashes/"
		failed=1
	fi
	echo "| \`$t\` | $((end - start)) | ${execs:-?} | $finding |"
done
exit "$failed"
