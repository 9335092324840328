#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# layers.sh: fails when a room of src/ includes a header of a room above it.
# The rooms, from the bottom (docs/design.md, "Rooms and arrows"):
#   core/ util/     leaves: glove-domain rules / infrastructure, libc only
#                   (core/ may include util/err.h, the one error enum, which
#                   itself includes nothing)
#   store/          the storage interface and its backends
#   app/            the services: writer, accounting, registry, analytics...
#   ingest/ http/   transports and the HTTP API (http/ may use ingest/'s
#                   report decoding; ingest/ never uses http/)
#   sim/            the cluster simulator (uses ingest/'s codecs)
#   cli/            main, serve, admin, demo: may use every room
# Each row: a room and the rooms it may include.
set -eu
cd "$(dirname "$0")/.."
rules='core:core
util:util
store:store core util
app:app store core util
ingest:ingest app store core util
http:http ingest app store core util
sim:sim ingest store core util
cli:cli sim http ingest app store core util'
bad=0
tmp=$(mktemp)
known=$(echo "$rules" | cut -d: -f1 | tr '\n' ' ')
for d in src/*/; do
	room=$(basename "$d")
	case " $known " in *" $room "*) ;; *)
		echo "layers: src/$room/ is not a known room (add it to scripts/layers.sh and docs/design.md)" >&2
		bad=1 ;;
	esac
done
echo "$rules" | while IFS=: read -r room allowed; do
	[ -d "src/$room" ] || continue
	# every #include "room/..." of the room's files
	grep -HnoE '^[[:space:]]*#[[:space:]]*include[[:space:]]+"[a-z_]+/[^"]+"' \
		$(find "src/$room" -name '*.[ch]') 2>/dev/null |
		while IFS= read -r hit; do
			file=${hit%%:*}
			rest=${hit#*:}
			line=${rest%%:*}
			hdr=$(echo "$rest" | sed -E 's/.*"([^"]+)".*/\1/')
			target=${hdr%%/*}
			case " $allowed " in *" $target "*) continue ;; esac
			if [ "$room" = core ] && [ "$hdr" = util/err.h ]; then continue; fi
			echo "layers: $file:$line: src/$room/ may not include \"$hdr\" (allowed: $allowed)"
		done
done >"$tmp" || true
if [ -s "$tmp" ]; then
	cat "$tmp" >&2
	bad=1
fi
rm -f /tmp/layers.$$
if [ "$bad" != 0 ]; then
	echo "layers: upward includes found (see docs/design.md)" >&2
	exit 1
fi
echo "layers: every include goes down ($(echo "$known" | wc -w) rooms)"
