// SPDX-License-Identifier: Apache-2.0
// Integration: the MQTT broker down for minutes (issue 15, part 3).
// Machines publish over MQTT QoS 1 through a mosquitto with persistence,
// each retrying a report until the broker acknowledges it (as a gateway
// does). The broker is stopped while it still holds reports acknowledged
// to the machines and not yet delivered to gloved (gloved is paused with
// SIGSTOP for that moment), stays down for GLOVED_OUTAGE_MS (default 70 s,
// longer than gloved's longest reconnect back-off of 30 s), and comes back
// on the same port with its persistence. Checked: during the outage
// /healthz and the fleet (GET /api/v1/gateways "brokers") say the broker
// is disconnected and since when; gloved is healthy and serves reads;
// afterwards it is connected again, says since when and that it lost the
// connection; every report is stored exactly once (each report is a minute
// of its own, so the minute buckets equal what each machine made) and the
// rollups equal a rebuild from the samples.
//
// Run: GLOVED_BIN=build/gloved GLOVED_SOURCE_DIR=$PWD node --test tests/integration/broker_outage.test.mjs

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fsp from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { MOSQUITTO_PUB_BIN, api, login, sleep, startBroker, startDaemon, waitFor } from "../lib/harness.mjs";
import { HOUR, MINUTE, SimMachine, health, noonZone, output, prng, stopAll } from "../lib/integration.mjs";

const ENT = "BO01";
const PASSWORD = "broker-outage-pass-1";
const OUTAGE_MS = Number(process.env.GLOVED_OUTAGE_MS || 70000);
const MACHINES = 4;
const REPORTS = 40; // per machine
const HELD = 5; // per machine: published while gloved is paused, just before the outage

describe(`the MQTT broker down for ${Math.round(OUTAGE_MS / 1000)} s`, { timeout: OUTAGE_MS + 240000 }, () => {
  const zone = noonZone();
  const now = Date.now();
  const extraArgs = ["--timezone", zone.tz, "--offline-after", "86400"];
  const t0 = now - (REPORTS + 5) * 61000;
  const dayQuery = { from: zone.dayStart(t0), to: zone.dayStart(now) + 24 * HOUR };
  const rnd = prng(3);
  const sims = [];
  for (let i = 1; i <= MACHINES; i++) sims.push(new SimMachine(`B${i}`, { ts: t0 + i * 100, good: 500 * i }));
  let persist, broker, daemon, session;
  const brokerConf = () => ["persistence true", `persistence_location ${persist}/`, "autosave_interval 1", "max_queued_messages 100000"];
  const figures = { attempts: 0, refused: 0 };

  before(async () => {
    persist = await fsp.mkdtemp(path.join(os.tmpdir(), "gloved-outage-"));
    // mosquitto started as root runs as its own user: let it write here
    await fsp.chmod(persist, 0o777);
    broker = await startBroker({ conf: brokerConf() });
    daemon = await startDaemon({
      mqttPort: broker.port,
      extraArgs,
      setup: (a) => {
        a("enterprise", "add", "--code", ENT, "--name", "断网试验厂");
        a("workshop", "add", "--enterprise", ENT, "--code", "W1", "--name", "车间");
        for (const s of sims) a("machine", "add", "--enterprise", ENT, "--workshop", "W1", "--code", s.code);
        a("user", "add", "--username", "boss", "--role", "cluster_admin", "--password", PASSWORD);
      },
    });
    session = await login(daemon.url, "boss", PASSWORD);
  });

  after(async () => {
    if (daemon?.child && daemon.child.exitCode === null) daemon.child.kill("SIGCONT");
    await stopAll(daemon, broker);
    if (persist) await fsp.rm(persist, { recursive: true, force: true });
  });

  // One QoS 1 publish; resolves true when the broker acknowledged it
  // (mosquitto_pub exits 0 only after the PUBACK).
  function publishOnce(sim, report) {
    figures.attempts++;
    return new Promise((resolve) => {
      const p = spawn(MOSQUITTO_PUB_BIN, ["-h", "127.0.0.1", "-p", String(broker.port), "-q", "1", "-t", `gloved/v1/${ENT}/${sim.code}/report`, "-m", JSON.stringify(report)], {
        stdio: "ignore",
      });
      const timer = setTimeout(() => p.kill("SIGKILL"), 10000);
      p.on("exit", (code) => {
        clearTimeout(timer);
        resolve(code === 0);
      });
      p.on("error", () => resolve(false));
    });
  }
  // A gateway: retries a report until the broker has it.
  async function publish(sim, report) {
    while (!(await publishOnce(sim, report))) {
      figures.refused++;
      await sleep(500);
    }
  }
  const next = (sim, k) => (k === 0 ? sim.start() : sim.step(61000, rnd.int(1, 20), rnd.int(0, 1)));
  const links = async () => (await api(daemon.url, session, "GET", `/api/v1/gateways?enterprise=${ENT}`)).json.brokers;

  it("reconnects, says so on the fleet, and stores every acknowledged report once", async () => {
    const h0 = await health(daemon.url);
    assert.equal(h0.json.mqtt, "connected");
    const [l0] = await links();
    assert.equal(l0.client, "mqtt");
    assert.equal(l0.state, "connected");
    assert.equal(l0.losses, 0);

    // 1. before the outage, while gloved receives
    const before = REPORTS - HELD - 15;
    for (let k = 0; k < before; k++) await Promise.all(sims.map((s) => publish(s, next(s, k))));

    // 2. reports the broker acknowledges and holds for gloved's session
    // while gloved is paused, then the broker goes down with them
    daemon.child.kill("SIGSTOP");
    for (let k = before; k < before + HELD; k++) await Promise.all(sims.map((s) => publish(s, next(s, k))));
    await sleep(1500); // autosave_interval 1: the held messages are saved
    const port = broker.port;
    const downAt = Date.now();
    await broker.stop();
    daemon.child.kill("SIGCONT");

    // 3. the outage: machines keep trying; gloved says the broker is down
    await waitFor(async () => (await health(daemon.url)).json?.mqtt === "disconnected", { timeoutMs: 30000, what: "healthz: mqtt disconnected" });
    const h1 = await health(daemon.url);
    assert.equal(h1.status, 200, "a lost broker does not make gloved unhealthy");
    assert.ok(h1.json.mqtt_since >= downAt - 2000, `mqtt_since ${h1.json.mqtt_since} is the outage's start ${downAt}`);
    const [l1] = await links();
    assert.equal(l1.state, "disconnected");
    assert.equal(l1.losses, 1);
    assert.ok(l1.since >= downAt - 2000 && l1.since <= Date.now(), "the fleet says since when");
    const during = (async () => {
      for (let k = before + HELD; k < before + HELD + 5; k++) await Promise.all(sims.map((s) => publish(s, next(s, k))));
    })();
    const probeEnd = downAt + OUTAGE_MS;
    let reads = 0;
    while (Date.now() < probeEnd) {
      const o = await output(daemon.url, session, { enterprise: ENT, bucket: "day", ...dayQuery });
      assert.ok(o.total.good > 0, "reads go on during the outage");
      reads++;
      const [l] = await links();
      assert.equal(l.state, "disconnected", "still disconnected while the broker is down");
      await sleep(Math.min(5000, Math.max(0, probeEnd - Date.now())));
    }

    // 4. the broker comes back with its persistence, on the same port
    const upAt = Date.now();
    broker = await startBroker({ port, conf: brokerConf() });
    await waitFor(async () => (await health(daemon.url)).json?.mqtt === "connected", { timeoutMs: 60000, intervalMs: 250, what: "healthz: mqtt connected again" });
    const reconnectMs = Date.now() - upAt;
    const [l2] = await links();
    assert.equal(l2.state, "connected");
    assert.ok(l2.since >= upAt - 1000, "connected since the broker came back");
    assert.equal(l2.losses, 1);
    await during;
    for (let k = before + HELD + 5; k < REPORTS; k++) await Promise.all(sims.map((s) => publish(s, next(s, k))));

    // 5. every report exactly once
    const want = sims.reduce((a, s) => a + s.totals().good, 0);
    await waitFor(async () => (await output(daemon.url, session, { enterprise: ENT, bucket: "day", ...dayQuery })).total.good === want, {
      timeoutMs: 30000,
      intervalMs: 250,
      what: `all ${want} pieces stored`,
    }).catch(() => {});
    for (const s of sims) {
      const o = await output(daemon.url, session, { enterprise: ENT, machine: s.code, bucket: "minute", ...dayQuery });
      assert.deepEqual(
        o.series.map((b) => ({ ts: b.ts, good: b.good, reject: b.reject })),
        s.buckets(MINUTE),
        `${s.code}: every report stored once (minute buckets), also the ${HELD} the broker held across its outage`,
      );
      assert.deepEqual(o.total, s.totals(), `${s.code}: total`);
    }
    const rollups = await output(daemon.url, session, { enterprise: ENT, bucket: "minute", ...dayQuery });
    const fmt = (ms) => new Date(ms + zone.offsetMs).toISOString().slice(0, 10);
    const rb = await api(daemon.url, session, "POST", "/api/v1/rebuild", { enterprise: ENT, from: fmt(dayQuery.from), to: fmt(zone.dayStart(now)) });
    assert.equal(rb.status, 200, rb.text);
    assert.deepEqual((await output(daemon.url, session, { enterprise: ENT, bucket: "minute", ...dayQuery })).series, rollups.series, "rollups equal a rebuild");
    process.stderr.write(
      `broker outage: down ${Math.round((upAt - downAt) / 1000)} s, gloved reconnected ${reconnectMs} ms after the broker was back; ` +
        `${MACHINES * REPORTS} reports (${MACHINES * HELD} held by the broker across the outage), 0 lost, 0 doubled; ` +
        `${figures.refused} of ${figures.attempts} publishes refused while the broker was down; ${reads} reads during the outage\n`,
    );
  });
});
