#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Installs every Debian package that gloved's build, tests, demo and
# benchmarks need. Idempotent: packages already present are skipped, so a
# machine that has them all does not touch apt at all.
set -eu
PKGS="build-essential cmake pkg-config clang-format
libmicrohttpd-dev libcjson-dev libmosquitto-dev mosquitto mosquitto-clients
libsqlite3-dev sqlite3 postgresql-15 libpq-dev libsodium-dev libinih-dev libcmocka-dev fonts-wqy-microhei
protobuf-c-compiler libprotobuf-c-dev libmodbus-dev clang libclang-rt-14-dev
libxlsxwriter-dev coinor-libcbc-dev unzip libhpdf-dev libqrencode-dev zbar-tools poppler-utils poppler-data chromium curl ca-certificates tzdata faketime valgrind"
missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
# Node.js may come from elsewhere (it carries its own npm): only ask apt for
# it when there is no node at all.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
	missing="$missing nodejs npm"
fi
if [ -n "$missing" ]; then
	SUDO=""
	if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
	echo "deps.sh: installing$missing"
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
fi
