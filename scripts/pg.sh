#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# pg.sh: a private PostgreSQL server for the tests (docs/internals/store.md).
#   scripts/pg.sh start        initdb + pg_ctl in a new temporary directory on
#                              a free loopback port; prints the shell lines
#                              that export GLOVED_TEST_PG (the URI) and
#                              GLOVED_PG_DIR (eval "$(scripts/pg.sh start)")
#   scripts/pg.sh stop [DIR]   stops the server of DIR (default
#                              $GLOVED_PG_DIR) and removes DIR
#   scripts/pg.sh env [DIR]    prints the export lines again
#   scripts/pg.sh restart [DIR] restarts the server of DIR (default
#                              $GLOVED_PG_DIR): pg_ctl restart -m fast, every
#                              session ends (tests of the outage)
#   scripts/pg.sh down [DIR]   stops the server (fast), keeps DIR and its data
#   scripts/pg.sh up [DIR]     starts it again on its port after down
#   scripts/pg.sh run CMD...   start, run CMD with GLOVED_TEST_PG and
#                              GLOVED_TEST_PG_REQUIRED=1 exported, stop
#                              (also when CMD fails or is interrupted);
#                              exits with CMD's status
# The server listens on 127.0.0.1 only, its unix socket sits in the
# temporary directory, fsync stays on. Run as root, it runs as the
# unprivileged system user gloved-test (created when absent), who owns the
# data directory. The database superuser is `gloved`, trust authentication
# (the server answers only on loopback, for the tests).
set -eu
PGBIN=${PGBIN:-}
if [ -z "$PGBIN" ]; then
	for v in 17 16 15; do
		if [ -x "/usr/lib/postgresql/$v/bin/pg_ctl" ]; then
			PGBIN=/usr/lib/postgresql/$v/bin
			break
		fi
	done
fi
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
	echo "pg.sh: no PostgreSQL server binaries (scripts/deps.sh installs postgresql-15)" >&2
	exit 1
fi
ver=$("$PGBIN/pg_ctl" --version | sed -n 's/.* \([0-9][0-9]*\)\..*/\1/p')
if [ -z "$ver" ] || [ "$ver" -lt 15 ]; then
	echo "pg.sh: PostgreSQL $ver is older than 15" >&2
	exit 1
fi
RUNAS=""
if [ "$(id -u)" = 0 ]; then
	if ! id gloved-test >/dev/null 2>&1; then
		useradd --system --no-create-home --home-dir /nonexistent \
			--shell /usr/sbin/nologin gloved-test
	fi
	RUNAS="runuser -u gloved-test --"
fi

as_owner() {
	# shellcheck disable=SC2086
	$RUNAS "$@"
}

free_port() {
	# a port nothing listens on, from a random start in 20000..59999
	p=$(( 20000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 40000 ))
	while ss -Htan "sport = :$p" 2>/dev/null | grep -q .; do
		p=$(( p + 1 ))
	done
	echo "$p"
}

print_env() {
	d=$1
	echo "export GLOVED_PG_DIR='$d'"
	echo "export GLOVED_TEST_PG='$(cat "$d/uri")'"
}

start() {
	dir=$(mktemp -d /tmp/gloved-pg.XXXXXX)
	chmod 700 "$dir"
	[ -z "$RUNAS" ] || chown gloved-test "$dir"
	if ! as_owner "$PGBIN/initdb" -D "$dir/data" -U gloved -A trust -E UTF8 \
		--locale=C.UTF-8 >"$dir/initdb.log" 2>&1; then
		cat "$dir/initdb.log" >&2
		rm -rf "$dir"
		exit 1
	fi
	tries=0
	while :; do
		port=$(free_port)
		if as_owner "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
			-o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=on" \
			start >/dev/null 2>&1; then
			break
		fi
		tries=$((tries + 1))
		if [ "$tries" -ge 5 ]; then
			cat "$dir/server.log" >&2 || true
			rm -rf "$dir"
			echo "pg.sh: the server did not start" >&2
			exit 1
		fi
	done
	echo "$port" >"$dir/port"
	if ! as_owner "$PGBIN/createdb" -h 127.0.0.1 -p "$port" -U gloved gloved >&2; then
		stop "$dir"
		exit 1
	fi
	echo "postgresql://gloved@127.0.0.1:$port/gloved" >"$dir/uri"
	print_env "$dir"
}

# The directory of a pg.sh server: DIR or $GLOVED_PG_DIR, checked.
pg_dir() {
	d=${1:-${GLOVED_PG_DIR:-}}
	case "$d" in
	/tmp/gloved-pg.*) ;;
	*) echo "pg.sh: not a directory of pg.sh: '$d'" >&2; exit 1 ;;
	esac
	[ -f "$d/port" ] || { echo "pg.sh: no server in '$d'" >&2; exit 1; }
	echo "$d"
}

restart() {
	d=$(pg_dir "${1:-}")
	as_owner "$PGBIN/pg_ctl" -D "$d/data" -l "$d/server.log" -m fast -w -t 60 \
		restart >/dev/null
}

down() {
	d=$(pg_dir "${1:-}")
	as_owner "$PGBIN/pg_ctl" -D "$d/data" -m fast -w -t 60 stop >/dev/null
}

up() {
	d=$(pg_dir "${1:-}")
	as_owner "$PGBIN/pg_ctl" -D "$d/data" -l "$d/server.log" -w -t 60 \
		-o "-c listen_addresses=127.0.0.1 -p $(cat "$d/port") -k $d -c fsync=on" \
		start >/dev/null
}

stop() {
	d=${1:-${GLOVED_PG_DIR:-}}
	case "$d" in
	/tmp/gloved-pg.*) ;;
	*) echo "pg.sh stop: not a directory of pg.sh: '$d'" >&2; exit 1 ;;
	esac
	if [ -f "$d/data/postmaster.pid" ]; then
		as_owner "$PGBIN/pg_ctl" -D "$d/data" -m fast -w -t 60 stop >/dev/null 2>&1 ||
			as_owner "$PGBIN/pg_ctl" -D "$d/data" -m immediate -w stop >/dev/null 2>&1 || true
	fi
	rm -rf "$d"
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case "$cmd" in
start) start ;;
stop) stop "${1:-}" ;;
env) print_env "${1:-${GLOVED_PG_DIR:?pg.sh env: no directory}}" ;;
restart) restart "${1:-}" ;;
down) down "${1:-}" ;;
up) up "${1:-}" ;;
run)
	[ $# -gt 0 ] || { echo "pg.sh run: no command" >&2; exit 2; }
	eval "$(start)"
	trap 'stop "$GLOVED_PG_DIR"' EXIT
	trap 'exit 130' INT TERM
	export GLOVED_TEST_PG_REQUIRED=1
	st=0
	"$@" || st=$?
	exit "$st"
	;;
*)
	echo "usage: scripts/pg.sh start | stop [DIR] | env [DIR] | restart [DIR] | down [DIR] | up [DIR] | run CMD..." >&2
	exit 2
	;;
esac
