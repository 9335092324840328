// SPDX-License-Identifier: Apache-2.0
// Integration: MQTT ingest through the real mosquitto broker. Reports
// published with mosquitto_pub (QoS 1) to gloved/v1/<ENT>/<MACHINE>/report
// show up in /api/v1/output; bad messages are counted in
// gloved_mqtt_rejected_total and change nothing; the daemon reconnects when
// the broker restarts.
//
// MQTT delivery is asynchronous, so the tests poll (generous timeouts) until
// what they published shows. A message published before the daemon's
// subscription is in place would be lost, so the first report of a scenario
// is published again until it shows: a repeated report is a duplicate and
// changes nothing, which the tests also check.
//
// Run: GLOVED_BIN=build/gloved GLOVED_SOURCE_DIR=$PWD node --test tests/integration/ingest_mqtt.test.mjs

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { login, mqttPublish, startBroker, startDaemon, waitFor } from "../lib/harness.mjs";
import { HOUR, MINUTE, SimMachine, health, machines, metrics, noonZone, output, series, stopAll } from "../lib/integration.mjs";

const A = "PY01";
const B = "GM01";
const ADMIN = "boss";
const PASSWORD = "ingest-mqtt-pass-1";
const WAIT = { timeoutMs: 30000, intervalMs: 100 };

describe("MQTT ingest", { timeout: 300000 }, () => {
  const zone = noonZone();
  const now = Date.now();
  const t0 = now - 2 * HOUR;
  const dayQuery = { from: zone.dayStart(now), to: zone.dayStart(now) + 24 * HOUR };
  let broker, broker2, daemon, session;

  const topic = (ent, m) => `gloved/v1/${ent}/${m}/report`;
  const pub = (ent, m, msg) => mqttPublish(broker2 ? broker2.port : broker.port, topic(ent, m), msg);
  const total = async (ent, m) => (await output(daemon.url, session, { enterprise: ent, machine: m, ...dayQuery })).total;
  const lastSeen = async (ent, m) => (await machines(daemon.url, session)).get(`${ent}/${m}`).last_seen;

  // Publishes msg (whose newest report has timestamp ts) until machine m
  // shows last_seen >= ts.
  async function publishUntilSeen(ent, m, msg, ts) {
    await waitFor(
      async () => {
        pub(ent, m, msg);
        return waitFor(async () => (await lastSeen(ent, m)) >= ts, { timeoutMs: 2000, intervalMs: 50 }).catch(() => false);
      },
      { ...WAIT, what: `${ent}/${m} to show the report at ${ts}` },
    );
  }

  before(async () => {
    broker = await startBroker();
    daemon = await startDaemon({
      mqttPort: broker.port,
      extraArgs: ["--timezone", zone.tz, "--offline-after", "86400"],
      setup: (admin) => {
        admin("enterprise", "add", "--code", A, "--name", "平邑甲厂");
        admin("enterprise", "add", "--code", B, "--name", "高密乙厂");
        admin("workshop", "add", "--enterprise", A, "--code", "W1", "--name", "一车间");
        admin("workshop", "add", "--enterprise", B, "--code", "W1", "--name", "一车间");
        for (const m of ["K1", "K2", "K3"]) admin("machine", "add", "--enterprise", A, "--workshop", "W1", "--code", m);
        admin("machine", "add", "--enterprise", B, "--workshop", "W1", "--code", "G1");
        admin("user", "add", "--username", ADMIN, "--role", "cluster_admin", "--password", PASSWORD);
      },
    });
    session = await login(daemon.url, ADMIN, PASSWORD);
    await waitFor(async () => (await health(daemon.url)).json?.mqtt === "connected", { ...WAIT, what: "mqtt connected" });
  });

  after(async () => {
    await stopAll(daemon, broker2, broker);
  });

  it("reports healthz mqtt connected and gloved_mqtt_connected 1", async () => {
    const h = await health(daemon.url);
    assert.equal(h.status, 200);
    const { mqtt_since, sparkplug_since, ...rest } = h.json;
    assert.deepEqual(rest, { status: "ok", db: "ok", writer: "ok", mqtt: "connected", sparkplug: "connected" });
    assert.ok(mqtt_since > 0 && mqtt_since <= Date.now(), "connected since a time");
    assert.ok(sparkplug_since > 0 && sparkplug_since <= Date.now(), "connected since a time");
    assert.equal((await metrics(daemon.url)).gloved_mqtt_connected, 1);
  });

  it("counts objects (machine taken from the topic) and arrays exactly", async () => {
    const sim = new SimMachine("K1", { ts: t0, good: 100, reject: 3 });
    const first = sim.start();
    const noMachine = (r) => {
      const o = { ...r };
      delete o.machine;
      return o;
    };
    await publishUntilSeen(A, "K1", noMachine(first), first.ts);
    const m0 = await metrics(daemon.url);

    // objects without machine, one message each
    for (let i = 0; i < 5; i++) pub(A, "K1", noMachine(sim.step(20000, 7 + i, i % 2)));
    // an array: some records name the machine (the topic's), some do not
    const batch = [];
    for (let i = 0; i < 6; i++) batch.push(sim.step(15000, 3, 0));
    pub(A, "K1", batch.map((r, i) => (i % 2 ? r : noMachine(r))));
    // an object naming the machine
    pub(A, "K1", sim.step(30000, 11, 1));
    const want = sim.totals();
    assert.deepEqual(want, { good: 74, reject: 3 });

    await waitFor(async () => {
      const t = await total(A, "K1");
      return t.good === want.good && t.reject === want.reject;
    }, { ...WAIT, what: "K1 to show the published pieces" });
    const minute = await output(daemon.url, session, { enterprise: A, machine: "K1", bucket: "minute", ...dayQuery });
    assert.deepEqual(series(minute), sim.buckets(MINUTE), "K1 minute buckets");
    const m = (await machines(daemon.url, session)).get(`${A}/K1`);
    assert.equal(m.good_today, want.good);
    assert.equal(m.reject_today, want.reject);
    assert.equal(m.last_seen, sim.ts);

    // everything again: all duplicates, nothing changes
    pub(A, "K1", sim.reports);
    await waitFor(async () => {
      const mm = await metrics(daemon.url);
      return mm.gloved_reports_duplicate_total - m0.gloved_reports_duplicate_total >= sim.reports.length;
    }, { ...WAIT, what: "the repeated reports to be processed" });
    assert.deepEqual(await total(A, "K1"), want, "repeats change nothing");
    const m1 = await metrics(daemon.url);
    assert.equal(m1.gloved_mqtt_messages_total - m0.gloved_mqtt_messages_total, 8, "8 messages received");
    assert.equal(m1.gloved_mqtt_rejected_total, m0.gloved_mqtt_rejected_total, "none rejected");
  });

  it("counts bad messages in gloved_mqtt_rejected_total, writes nothing of them, and keeps accepting", async () => {
    const k2 = new SimMachine("K2", { ts: t0, good: 1000 });
    const first = k2.start();
    await publishUntilSeen(A, "K2", first, first.ts);
    const g1 = new SimMachine("G1", { ts: t0, good: 50 });
    const gFirst = g1.start();
    await publishUntilSeen(B, "G1", gFirst, gFirst.ts);
    const before = {
      k2: await total(A, "K2"),
      g1: await total(B, "G1"),
      m: await metrics(daemon.url),
    };
    const next = { machine: "K2", ts: t0 + 60000, count: 1100, reject: 0, state: "run" };
    const bad = [
      ["malformed JSON", topic(A, "K2"), '{"ts": 1, "count": '],
      ["not JSON at all", topic(A, "K2"), "hello machine"],
      ["empty payload", topic(A, "K2"), ""],
      ["unknown enterprise", topic("NOPE", "K2"), next],
      ["unknown machine", topic(A, "K999"), { ...next, machine: undefined }],
      ["another firm's machine under this firm's topic", topic(A, "G1"), { ...next, machine: "G1", count: 9999 }],
      ["this firm's machine under another firm's topic", topic(B, "K2"), { ...next }],
      ["machine field contradicting the topic", topic(A, "K3"), { ...next }],
      ["array with a contradicting record", topic(A, "K2"), [{ ...next, ts: t0 + 30000, count: 1050 }, { ...next, machine: "K3" }]],
      ["array with one bad record", topic(A, "K2"), [{ ...next, ts: t0 + 30000, count: 1050 }, { ...next, count: -1 }]],
      ["count as a string", topic(A, "K2"), { ...next, count: "1100" }],
      ["ts in seconds", topic(A, "K2"), { ...next, ts: Math.floor(Date.now() / 1000) }],
      ["ts an hour ahead", topic(A, "K2"), { ...next, ts: Date.now() + HOUR }],
      ["bad state", topic(A, "K2"), { ...next, state: "running" }],
      ["missing state", topic(A, "K2"), { machine: "K2", ts: next.ts, count: next.count }],
      ["a JSON string", topic(A, "K2"), '"report"'],
      ["nested arrays", topic(A, "K2"), "[[[[[[[[[[]]]]]]]]]]"],
      ["binary garbage", topic(A, "K2"), "\u0001\u0002\u00ff{["],
    ];
    for (const [, t, msg] of bad) {
      const text = typeof msg === "string" ? msg : JSON.stringify(msg);
      mqttPublish(broker2 ? broker2.port : broker.port, t, text);
    }
    await waitFor(async () => {
      const m = await metrics(daemon.url);
      return m.gloved_mqtt_rejected_total - before.m.gloved_mqtt_rejected_total >= bad.length;
    }, { ...WAIT, what: `${bad.length} rejected messages` });

    // a good message after the bad ones: still accepted
    pub(A, "K2", next);
    await waitFor(async () => (await total(A, "K2")).good === 100, { ...WAIT, what: "K2 to count the good message" });
    const m = await metrics(daemon.url);
    assert.equal(m.gloved_mqtt_rejected_total - before.m.gloved_mqtt_rejected_total, bad.length, "each bad message counted once");
    assert.equal(m.gloved_mqtt_messages_total - before.m.gloved_mqtt_messages_total, bad.length + 1, "all messages received");
    assert.deepEqual(await total(A, "K2"), { good: 100, reject: 0 }, "K2 counts only the good message");
    assert.deepEqual(await total(B, "G1"), before.g1, "G1 unchanged");
    assert.deepEqual(await total(A, "K3"), { good: 0, reject: 0 }, "K3 unchanged");
    const ms = await machines(daemon.url, session);
    assert.equal(ms.get(`${A}/K3`).state, "unknown", "K3 never reported");
    assert.equal(ms.get(`${A}/K2`).last_seen, next.ts, "K2's last report is the good one");
    const h = await health(daemon.url);
    assert.equal(h.status, 200);
    assert.equal(h.json.mqtt, "connected");
  });

  it("reconnects when the broker restarts on the same port, and receives again", async () => {
    const port = broker.port;
    await broker.stop();
    await waitFor(async () => (await health(daemon.url)).json?.mqtt === "disconnected", {
      ...WAIT,
      what: "healthz to say mqtt disconnected",
    });
    const h0 = await health(daemon.url);
    assert.equal(h0.status, 200, "a lost broker does not make the daemon unhealthy");
    assert.equal((await metrics(daemon.url)).gloved_mqtt_connected, 0);

    broker2 = await startBroker({ port });
    await waitFor(async () => (await health(daemon.url)).json?.mqtt === "connected", {
      timeoutMs: 90000,
      intervalMs: 200,
      what: "healthz to say mqtt connected again",
    });
    assert.equal((await metrics(daemon.url)).gloved_mqtt_connected, 1);

    const k3 = new SimMachine("K3", { ts: t0, good: 10 });
    const first = k3.start();
    await publishUntilSeen(A, "K3", first, first.ts);
    pub(A, "K3", k3.step(60000, 25, 2));
    pub(A, "K3", [k3.step(60000, 5), k3.step(60000, 5)]);
    await waitFor(async () => (await total(A, "K3")).good === 35, { ...WAIT, what: "K3 to count after the reconnect" });
    assert.deepEqual(await total(A, "K3"), k3.totals());
  });
});
