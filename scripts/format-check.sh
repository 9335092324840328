#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Fails when a C file is not clang-formatted or uses a banned call.
set -eu
cd "$(dirname "$0")/.."
files=$(git ls-files 'src/*.c' 'src/*.h' 'tests/*.c' 'bench/*.c' 'fuzz/*.c' 2>/dev/null || true)
[ -z "$files" ] && exit 0
clang-format --dry-run --Werror $files
if grep -nE '\b(sprintf|strcpy|strcat|atoi|gets)\s*\(' $files; then
	echo "format-check: banned call above" >&2
	exit 1
fi
