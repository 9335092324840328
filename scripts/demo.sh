#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# make demo: runs gloved on an embedded SQLite database (demo-data/) with a
# simulated cluster of 3 firms and 60 machines publishing over MQTT.
# Starts a mosquitto broker on loopback unless one already answers on the
# MQTT port; stops what it started on exit. Ports: GLOVED_DEMO_PORT (HTTP,
# default 8080, next free one if taken) and GLOVED_DEMO_MQTT_PORT (1883).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p demo-data

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

http_port=${GLOVED_DEMO_PORT:-8080}
while listening "$http_port"; do http_port=$((http_port + 1)); done
mqtt_port=${GLOVED_DEMO_MQTT_PORT:-1883}

broker_pid=""
gloved_pid=""
cleanup() {
	if [ -n "$gloved_pid" ]; then kill "$gloved_pid" 2>/dev/null || true; wait "$gloved_pid" 2>/dev/null || true; fi
	if [ -n "$broker_pid" ]; then kill "$broker_pid" 2>/dev/null || true; fi
}
trap cleanup EXIT INT TERM

if listening "$mqtt_port"; then
	echo "demo: using the MQTT broker already on 127.0.0.1:$mqtt_port"
else
	printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\nmax_queued_messages 1000000\n' "$mqtt_port" \
		>demo-data/mosquitto.conf
	/usr/sbin/mosquitto -c demo-data/mosquitto.conf >demo-data/mosquitto.log 2>&1 &
	broker_pid=$!
	for _ in $(seq 50); do listening "$mqtt_port" && break; sleep 0.1; done
	echo "demo: started mosquitto on 127.0.0.1:$mqtt_port (log: demo-data/mosquitto.log)"
fi

./build/gloved demo --db demo-data/gloved.db --listen "127.0.0.1:$http_port" \
	--mqtt-host 127.0.0.1 --mqtt-port "$mqtt_port" \
	--web-root "$PWD/web" --vendor-dir "$PWD/node_modules/echarts/dist" "$@" &
gloved_pid=$!
wait "$gloved_pid" || true
