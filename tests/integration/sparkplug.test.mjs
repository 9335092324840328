// SPDX-License-Identifier: Apache-2.0
// Integration: the Sparkplug B host application against the real mosquitto
// broker and the real daemon.
//
//  - `gloved sim --transport sparkplug` (edge nodes per workshop, DDATA by
//    alias, history replayed as is_historical, in fault mode: duplicates,
//    reordering, drops, gateway outages with store-and-forward, power
//    cycles) makes per-machine totals through the API that equal the
//    simulator's ground truth exactly; the sim's NDEATH at the end turns its
//    machines offline and GET /api/v1/gateways shows the edge node offline.
//  - Hand-made payloads (a small protobuf encoder below) check what the sim
//    does not: messages out of seq order are applied in order; a gap that
//    stays makes gloved send a Rebirth NCMD and drop the node's data until a
//    new NBIRTH; an NDEATH whose bdSeq is not the birth's changes nothing;
//    DDEATH marks one machine offline; the per-gateway metric mapping
//    (`gloved admin sparkplug map`) and integer state codes.
//  - Malformed payloads are counted in gloved_sparkplug_rejected_total, logged
//    at most once a minute per edge node, and the daemon keeps working.
//  - STATE is retained on spBv1.0/STATE/<host_id> and published again after
//    the broker restarts (a broker without persistence forgets it).
//
// Run: GLOVED_BIN=build/gloved GLOVED_SOURCE_DIR=$PWD node --test tests/integration/sparkplug.test.mjs

import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { GLOVED_BIN, MOSQUITTO_PUB_BIN, login, startBroker, startDaemon, waitFor } from "../lib/harness.mjs";
import { HOUR, MINUTE, health, machines, metrics, noonZone, output, stopAll } from "../lib/integration.mjs";

const HOST_ID = "gloved-test";
const ADMIN = "boss";
const PASSWORD = "sparkplug-pass-1";
const WAIT = { timeoutMs: 60000, intervalMs: 100 };
const SIM = ["--firms", "1", "--machines", "6", "--seed", "7"];
// Under 1000 messages in all: mosquitto queues at most 1000 QoS 1 messages
// for a subscriber (max_queued_messages) and drops the rest, which for
// Sparkplug is a seq gap (and a rebirth), not what this test is about.
const SIM_RUN = ["--report-every-ms", "60000", "--backfill-hours", "2", "--duration", String(2 * 3600)];
const FAULTS = "dup=0.05,reorder=0.1,drop=0.02,outage=900/3600,powercycle=0.01";

// ---- a minimal protobuf encoder for Sparkplug B payloads (proto/sparkplug_b.proto)

function varint(v) {
  let n = BigInt.asUintN(64, BigInt(v));
  const out = [];
  do {
    let b = Number(n & 0x7fn);
    n >>= 7n;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}
const tag = (field, wire) => varint((field << 3) | wire);
const bytesField = (field, bytes) => [...tag(field, 2), ...varint(bytes.length), ...bytes];
const DT = { Int8: 1, Int16: 2, Int32: 3, Int64: 4, UInt8: 5, UInt16: 6, UInt32: 7, UInt64: 8, Float: 9, Boolean: 11, String: 12 };

function metric(m) {
  const b = [];
  if (m.name !== undefined) b.push(...bytesField(1, [...Buffer.from(m.name)]));
  if (m.alias !== undefined) b.push(...tag(2, 0), ...varint(m.alias));
  if (m.ts !== undefined) b.push(...tag(3, 0), ...varint(m.ts));
  if (m.type !== undefined) b.push(...tag(4, 0), ...varint(DT[m.type]));
  if (m.historical) b.push(...tag(5, 0), 1);
  if (m.int !== undefined) b.push(...tag(10, 0), ...varint(m.int));
  if (m.long !== undefined) b.push(...tag(11, 0), ...varint(m.long));
  if (m.float !== undefined) {
    const f = Buffer.alloc(4);
    f.writeFloatLE(m.float);
    b.push(...tag(12, 5), ...f);
  }
  if (m.bool !== undefined) b.push(...tag(14, 0), m.bool ? 1 : 0);
  if (m.str !== undefined) b.push(...bytesField(15, [...Buffer.from(m.str)]));
  return b;
}

function payload({ ts = Date.now(), seq, metrics: ms = [] } = {}) {
  const b = [...tag(1, 0), ...varint(ts)];
  for (const m of ms) b.push(...bytesField(2, metric(m)));
  if (seq !== undefined) b.push(...tag(3, 0), ...varint(seq));
  return Buffer.from(b);
}

describe("Sparkplug B host", { timeout: 600000 }, () => {
  const zone = noonZone();
  const now = Date.now();
  let broker, broker2, daemon, session, cluster;
  let ncmd; // mosquitto_sub collecting NCMD topics
  let liveSim; // a real-time `gloved sim --transport sparkplug`
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "gloved-spb-"));
  const brokerPort = () => (broker2 || broker).port;

  function pub(topic, buf) {
    const r = spawnSync(MOSQUITTO_PUB_BIN, ["-h", "127.0.0.1", "-p", String(brokerPort()), "-q", "1", "-t", topic, "-s"], {
      input: buf,
      timeout: 15000,
    });
    if (r.status !== 0) throw new Error(`mosquitto_pub ${topic}: ${r.stderr}`);
  }

  // The first retained message on topic, or null.
  function retained(topic) {
    const r = spawnSync("mosquitto_sub", ["-h", "127.0.0.1", "-p", String(brokerPort()), "-t", topic, "-C", "1", "-W", "5"], {
      encoding: "utf8",
      timeout: 15000,
    });
    return r.status === 0 ? r.stdout.trim() : null;
  }

  const range = { from: now - 6 * HOUR, to: now + HOUR };
  const total = async (ent, m) => (await output(daemon.url, session, { enterprise: ent, machine: m, bucket: "hour", ...range })).total;
  const machine = async (ent, m) => (await machines(daemon.url, session)).get(`${ent}/${m}`);
  const metric0 = async (name) => (await metrics(daemon.url))[name] ?? 0;

  before(async () => {
    const r = spawnSync(GLOVED_BIN, ["sim", "--print", ...SIM], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    cluster = JSON.parse(r.stdout);
    broker = await startBroker();
    daemon = await startDaemon({
      mqttPort: broker.port,
      extraArgs: ["--timezone", zone.tz, "--offline-after", "86400", "--sparkplug-host-id", HOST_ID, "--sparkplug-reorder-ms", "1000"],
      setup: (admin) => {
        for (const e of cluster.enterprises) admin("enterprise", "add", "--code", e.code, "--name", e.name);
        for (const w of cluster.workshops) admin("workshop", "add", "--enterprise", w.enterprise, "--code", w.code, "--name", w.name);
        for (const m of cluster.machines)
          admin("machine", "add", "--enterprise", m.enterprise, "--workshop", m.workshop, "--code", m.code, "--kind", m.kind,
            "--cycle-ms", m.cycle_ms, "--counter-bits", m.counter_bits);
        admin("enterprise", "add", "--code", "SPB1", "--name", "手工测试厂");
        admin("workshop", "add", "--enterprise", "SPB1", "--code", "W1", "--name", "一车间");
        for (const m of ["M1", "M2", "M3", "M4"]) admin("machine", "add", "--enterprise", "SPB1", "--workshop", "W1", "--code", m);
        admin("sparkplug", "map", "--enterprise", "SPB1", "--edge-node", "edge-map", "--count-metric", "Counters/Good",
          "--state-metric", "Status");
        admin("user", "add", "--username", ADMIN, "--role", "cluster_admin", "--password", PASSWORD);
      },
    });
    session = await login(daemon.url, ADMIN, PASSWORD);
    await waitFor(async () => (await metric0("gloved_sparkplug_connected")) === 1, { ...WAIT, what: "sparkplug connected" });
    ncmd = spawn("mosquitto_sub", ["-h", "127.0.0.1", "-p", String(broker.port), "-t", "spBv1.0/+/NCMD/+", "-F", "%t"], {
      stdio: ["ignore", "pipe", "ignore"],
    });
    ncmd.topics = [];
    ncmd.stdout.on("data", (d) => ncmd.topics.push(...d.toString().split("\n").filter(Boolean)));
  });

  after(async () => {
    if (ncmd && ncmd.exitCode === null) ncmd.kill("SIGTERM");
    if (liveSim && liveSim.exitCode === null) liveSim.kill("SIGKILL");
    fs.rmSync(tmp, { recursive: true, force: true });
    await stopAll(daemon, broker2, broker);
  });

  it("publishes a retained STATE online with its host id", async () => {
    const s = retained(`spBv1.0/STATE/${HOST_ID}`);
    assert.ok(s, "a retained STATE message");
    const j = JSON.parse(s);
    assert.equal(j.online, true);
    assert.ok(Number.isInteger(j.timestamp) && j.timestamp > now - HOUR, "STATE carries a ms timestamp");
  });

  it("counts exactly what the simulated edge nodes report, through faults, history and NDEATH", async () => {
    const truthFile = path.join(tmp, "truth.json");
    const r = spawnSync(
      GLOVED_BIN,
      ["sim", "--transport", "sparkplug", "--mqtt-host", "127.0.0.1", "--mqtt-port", String(broker.port), ...SIM,
        ...SIM_RUN, "--faults", FAULTS, "--truth", truthFile],
      { encoding: "utf8", timeout: 300000 },
    );
    assert.equal(r.status, 0, `gloved sim: ${r.stderr}`);
    const truth = JSON.parse(fs.readFileSync(truthFile, "utf8"));
    const keys = Object.keys(truth);
    assert.equal(keys.length, cluster.machines.length);
    assert.ok(keys.some((k) => truth[k].good > 0), "the simulator made pieces");
    assert.ok(keys.some((k) => truth[k].duplicates > 0 || truth[k].late > 0 || truth[k].resets > 0), "faults happened");
    for (const k of keys) {
      const [ent, m] = k.split("/");
      await waitFor(async () => {
        const t = await total(ent, m);
        return t.good === truth[k].good && t.reject === truth[k].reject;
      }, { ...WAIT, what: `${k} to reach ${JSON.stringify(truth[k])}` });
    }
    // the simulator said NDEATH at the end: its machines are offline
    for (const m of cluster.machines) {
      await waitFor(async () => (await machine(m.enterprise, m.code)).state === "offline", { ...WAIT, what: `${m.code} offline` });
    }
    const g = await (await fetch(`${daemon.url}/api/v1/gateways`, { headers: { Authorization: `Bearer ${session}` } })).json();
    const nodes = g.gateways.filter((x) => x.protocol === "sparkplug" && x.enterprise === cluster.enterprises[0].code);
    const workshops = cluster.workshops.map((w) => `gw-${w.code}`).sort();
    assert.deepEqual(nodes.map((x) => x.name).sort(), workshops, "one edge node per workshop");
    for (const n of nodes) {
      assert.equal(n.online, false, `${n.name} offline after NDEATH`);
      assert.ok(n.messages > 0);
      assert.equal(n.errors, 0);
    }
    const behind = nodes.flatMap((x) => x.machines).sort();
    assert.deepEqual(behind, cluster.machines.map((m) => m.code).sort(), "the machines behind the edge nodes");
    assert.equal(await metric0("gloved_sparkplug_rejected_total"), 0, "nothing rejected");
  });

  it("applies out-of-order messages in seq order, asks for a rebirth when a gap stays, and matches bdSeq", async () => {
    const E = "SPB1", N = "edge-1", t0 = now - 2 * HOUR;
    const T = (type, dev) => `spBv1.0/${E}/${type}/${N}${dev ? "/" + dev : ""}`;
    const nbirth = (bd) => payload({ seq: 0, metrics: [{ name: "bdSeq", type: "Int64", long: bd }, { name: "Node Control/Rebirth", type: "Boolean", bool: false }] });
    const dbirth = (seq, count, ts) =>
      payload({ seq, metrics: [
        { name: "count", alias: 1, type: "UInt64", long: count, ts },
        { name: "reject", alias: 2, type: "UInt16", int: 0, ts },
        { name: "state", alias: 3, type: "Int32", int: 1, ts }, // 1 = run
        { name: "reason", alias: 4, type: "String", str: "", ts },
      ] });
    const ddata = (seq, count, ts, extra = []) => payload({ seq, ts, metrics: [{ alias: 1, long: count, ts }, ...extra] });
    const m0 = await metrics(daemon.url);

    pub(T("NBIRTH"), nbirth(5));
    pub(T("DBIRTH", "M1"), dbirth(1, 100, t0));
    pub(T("DBIRTH", "M2"), dbirth(2, 500, t0));
    await waitFor(async () => (await machine(E, "M2")).last_seen === t0, { ...WAIT, what: "M1, M2 born" });
    // 4 and 5 before 3
    pub(T("DDATA", "M1"), ddata(4, 130, t0 + 2 * MINUTE));
    pub(T("DDATA", "M1"), ddata(5, 145, t0 + 3 * MINUTE, [{ alias: 3, int: 3, ts: t0 + 3 * MINUTE }, { alias: 4, str: "yarn_break", ts: t0 + 3 * MINUTE }]));
    pub(T("DDATA", "M1"), ddata(3, 110, t0 + MINUTE));
    await waitFor(async () => (await total(E, "M1")).good === 45, { ...WAIT, what: "M1 to count 45" });
    const m1 = await machine(E, "M1");
    assert.equal(m1.state, "stop");
    assert.equal(m1.reason, "yarn_break");
    assert.equal(m1.last_seen, t0 + 3 * MINUTE);
    assert.ok((await metric0("gloved_sparkplug_reordered_total")) - (m0.gloved_sparkplug_reordered_total ?? 0) >= 2, "held messages applied");

    // DDEATH of M2: offline, M1 unaffected
    pub(T("DDEATH", "M2"), payload({ seq: 6 }));
    await waitFor(async () => (await machine(E, "M2")).state === "offline", { ...WAIT, what: "M2 offline after DDEATH" });
    assert.equal((await machine(E, "M1")).state, "stop");

    // a gap: 7 never comes; 8 is held, then gloved asks for a rebirth
    const rebirths0 = await metric0("gloved_sparkplug_rebirths_total");
    pub(T("DDATA", "M1"), ddata(8, 160, t0 + 5 * MINUTE));
    await waitFor(() => ncmd.topics.includes(`spBv1.0/${E}/NCMD/${N}`), { ...WAIT, what: "a Rebirth NCMD" });
    assert.ok((await metric0("gloved_sparkplug_rebirths_total")) > rebirths0);
    // until the new birth, data is refused (and counted)
    const rej0 = await metric0("gloved_sparkplug_rejected_total");
    pub(T("DDATA", "M1"), ddata(9, 170, t0 + 6 * MINUTE));
    await waitFor(async () => (await metric0("gloved_sparkplug_rejected_total")) > rej0, { ...WAIT, what: "data before rebirth rejected" });
    assert.equal((await total(E, "M1")).good, 45, "nothing of the dropped session counted");

    // the rebirth: a new session with bdSeq 6, counters carry on
    pub(T("NBIRTH"), nbirth(6));
    pub(T("DBIRTH", "M1"), dbirth(1, 170, t0 + 6 * MINUTE));
    pub(T("DDATA", "M1"), ddata(2, 200, t0 + 7 * MINUTE));
    await waitFor(async () => (await total(E, "M1")).good === 100, { ...WAIT, what: "M1 to count 100 after the rebirth" });

    // an NDEATH with the old bdSeq changes nothing; the right one: offline
    pub(T("NDEATH"), payload({ metrics: [{ name: "bdSeq", type: "Int64", long: 5 }] }));
    pub(T("DDATA", "M1"), ddata(3, 210, t0 + 8 * MINUTE));
    await waitFor(async () => (await total(E, "M1")).good === 110, { ...WAIT, what: "M1 still counting after a stale NDEATH" });
    assert.notEqual((await machine(E, "M1")).state, "offline");
    pub(T("NDEATH"), payload({ metrics: [{ name: "bdSeq", type: "Int64", long: 6 }] }));
    await waitFor(async () => (await machine(E, "M1")).state === "offline", { ...WAIT, what: "M1 offline after NDEATH" });
    const g = await (await fetch(`${daemon.url}/api/v1/gateways?enterprise=${E}`, { headers: { Authorization: `Bearer ${session}` } })).json();
    const node = g.gateways.find((x) => x.protocol === "sparkplug" && x.name === N);
    assert.ok(node, "the edge node is in the fleet");
    assert.equal(node.online, false);
    assert.deepEqual(node.machines.sort(), ["M1", "M2"]);
  });

  it("reads the counter and state under the names mapped for the gateway", async () => {
    const E = "SPB1", N = "edge-map", t0 = now - HOUR;
    pub(`spBv1.0/${E}/NBIRTH/${N}`, payload({ seq: 0, metrics: [{ name: "bdSeq", type: "UInt8", int: 0 }] }));
    pub(`spBv1.0/${E}/DBIRTH/${N}/M3`, payload({ seq: 1, metrics: [
      { name: "Counters/Good", alias: 10, type: "UInt32", int: 1000, ts: t0 },
      { name: "count", alias: 11, type: "UInt32", int: 5, ts: t0 }, // not the counter of this gateway
      { name: "Status", alias: 12, type: "String", str: "idle", ts: t0 },
    ] }));
    pub(`spBv1.0/${E}/DDATA/${N}/M3`, payload({ seq: 2, metrics: [
      { alias: 10, int: 1042, ts: t0 + MINUTE },
      { alias: 11, int: 900000, ts: t0 + MINUTE },
      { alias: 12, str: "run", ts: t0 + MINUTE },
    ] }));
    await waitFor(async () => (await total(E, "M3")).good === 42, { ...WAIT, what: "M3 to count 42 from Counters/Good" });
    const m = await machine(E, "M3");
    assert.equal(m.state, "run");
    assert.equal(m.last_seen, t0 + MINUTE);
  });

  it("rejects and counts malformed payloads, logs once a minute per edge node, and stays healthy", async () => {
    const E = "SPB1", N = "edge-bad", t0 = now - 30 * MINUTE;
    const before = await metrics(daemon.url);
    const good = (seq, count, ts) => payload({ seq, ts, metrics: [{ alias: 1, long: count, ts }] });
    pub(`spBv1.0/${E}/NBIRTH/${N}`, payload({ seq: 0, metrics: [{ name: "bdSeq", type: "Int64", long: 1 }] }));
    pub(`spBv1.0/${E}/DBIRTH/${N}/M4`, payload({ seq: 1, metrics: [{ name: "count", alias: 1, type: "UInt64", long: 2000, ts: t0 }, { name: "state", alias: 2, type: "String", str: "run", ts: t0 }] }));
    const bad = [
      [`spBv1.0/${E}/DDATA/${N}/M4`, Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])],
      [`spBv1.0/${E}/DDATA/${N}/M4`, Buffer.from([0x12, 0x7f, 0x01])],
      [`spBv1.0/${E}/DDATA/${N}/M4`, Buffer.from("not a protobuf at all, just text")],
      [`spBv1.0/${E}/DDATA/${N}/M4`, payload({ metrics: [{ alias: 1, long: 2001 }] })], // no seq
      [`spBv1.0/${E}/DDATA/${N}/M4`, payload({ seq: 2, metrics: [{ alias: 99, long: 2001 }] })], // unknown alias
      [`spBv1.0/${E}/DDATA/${N}/M4`, payload({ seq: 3, metrics: [{ alias: 1, str: "2001" }] })], // wrong type
      [`spBv1.0/${E}/DDATA/${N}/M4`, payload({ seq: 4, metrics: [{ alias: 2, str: "running" }] })], // bad state
      [`spBv1.0/${E}/DDATA/${N}/M4`, payload({ seq: 5, metrics: [{ alias: 1, long: 2001, ts: Date.now() + 10 * HOUR }] })], // future
      [`spBv1.0/${E}/DBIRTH/${N}/NOPE`, payload({ seq: 6, metrics: [{ name: "count", alias: 1, type: "UInt64", long: 1 }] })], // not a machine
      [`spBv1.0/${E}/DDATA/edge-never-born/M3`, payload({ seq: 1, metrics: [{ alias: 1, long: 1 }] })],
      [`spBv1.0/NOFIRM/NBIRTH/${N}`, payload({ seq: 0, metrics: [{ name: "bdSeq", type: "Int64", long: 1 }] })],
      [`spBv1.0/${E}/NBIRTH/edge-nobd`, payload({ seq: 0, metrics: [] })], // no bdSeq
      [`spBv1.0/${E}/DBIRTH/${N}/M2`, payload({ seq: 7, metrics: [{ name: "count", alias: 1, long: 1 }] })], // no datatype
    ];
    for (const [t, b] of bad) pub(t, b);
    await waitFor(async () => (await metric0("gloved_sparkplug_rejected_total")) - before.gloved_sparkplug_rejected_total >= bad.length, {
      ...WAIT,
      what: `${bad.length} rejected messages`,
    });
    // still working: the next message in seq order counts
    pub(`spBv1.0/${E}/DDATA/${N}/M4`, good(8, 2050, t0 + MINUTE));
    await waitFor(async () => (await machine(E, "M4")).last_seen === t0 + MINUTE, { ...WAIT, what: "M4 to take the good message" });
    // rollups may trail the live state by a flush
    await waitFor(async () => (await total(E, "M4")).good === 50, { ...WAIT, what: "M4 to count the good message" });
    assert.deepEqual(await total(E, "M4"), { good: 50, reject: 0 }, "only the good message counts");
    const after = await metrics(daemon.url);
    assert.equal(after.gloved_sparkplug_rejected_total - before.gloved_sparkplug_rejected_total, bad.length, "each bad message counted once");
    assert.ok(after.gloved_sparkplug_messages_total - before.gloved_sparkplug_messages_total >= bad.length + 3);
    const h = await health(daemon.url);
    assert.equal(h.status, 200);
    assert.equal(h.json.status, "ok");
    // at most one log line a minute for this edge node's many bad messages
    const lines = daemon.logText().split("\n").filter((l) => l.includes(`rejected message on spBv1.0/${E}/DDATA/${N}/`));
    assert.ok(lines.length <= 1, `at most one log line for ${N}'s 8 bad DDATA, got:\n${lines.join("\n")}`);
    const g = await (await fetch(`${daemon.url}/api/v1/gateways?enterprise=${E}`, { headers: { Authorization: `Bearer ${session}` } })).json();
    const node = g.gateways.find((x) => x.protocol === "sparkplug" && x.name === N);
    assert.ok(node.errors >= 8, "errors recorded for the edge node");
    assert.ok(node.last_error.length > 0);
    // its death still marks its machine offline (the refused device NOPE aside)
    pub(`spBv1.0/${E}/NDEATH/${N}`, payload({ metrics: [{ name: "bdSeq", type: "Int64", long: 1 }] }));
    await waitFor(async () => (await machine(E, "M4")).state === "offline", { ...WAIT, what: "M4 offline after NDEATH" });
  });

  it("has the simulated edge node answer a Rebirth NCMD with new births, and NDEATH on stop", async () => {
    const births = spawn("mosquitto_sub", ["-h", "127.0.0.1", "-p", String(broker.port), "-t", "spBv1.0/+/NBIRTH/+", "-F", "%t"], {
      stdio: ["ignore", "pipe", "ignore"],
    });
    const seen = [];
    births.stdout.on("data", (d) => seen.push(...d.toString().split("\n").filter(Boolean)));
    try {
      const ent = cluster.enterprises[0].code;
      const edge = `gw-${cluster.workshops[0].code}`;
      const topic = `spBv1.0/${ent}/NBIRTH/${edge}`;
      const rej0 = await metric0("gloved_sparkplug_rejected_total");
      liveSim = spawn(GLOVED_BIN, ["sim", "--transport", "sparkplug", "--mqtt-host", "127.0.0.1", "--mqtt-port", String(broker.port), ...SIM,
        "--report-every-ms", "1000"], { stdio: ["ignore", "ignore", "ignore"] });
      await waitFor(() => seen.filter((x) => x === topic).length >= 1, { ...WAIT, what: `the sim's NBIRTH of ${edge}` });
      const m = cluster.machines.find((x) => x.workshop === cluster.workshops[0].code);
      await waitFor(async () => ["run", "idle", "stop", "fault", "setup", "off"].includes((await machine(ent, m.code)).state), {
        ...WAIT,
        what: `${m.code} reporting again`,
      });
      const n0 = seen.filter((x) => x === topic).length;
      pub(`spBv1.0/${ent}/NCMD/${edge}`, payload({ metrics: [{ name: "Node Control/Rebirth", type: "Boolean", bool: true }] }));
      await waitFor(() => seen.filter((x) => x === topic).length > n0, { ...WAIT, what: "a new NBIRTH after the Rebirth NCMD" });
      // the new session's data goes on being taken, nothing refused
      const seen0 = (await machine(ent, m.code)).last_seen;
      await waitFor(async () => (await machine(ent, m.code)).last_seen > seen0, { ...WAIT, what: `${m.code} reporting after the rebirth` });
      assert.equal(await metric0("gloved_sparkplug_rejected_total"), rej0, "nothing rejected");
      // SIGTERM: the edge nodes say NDEATH
      liveSim.kill("SIGTERM");
      await waitFor(() => liveSim.exitCode !== null, { ...WAIT, what: "the sim to stop" });
      assert.equal(liveSim.exitCode, 0);
      await waitFor(async () => (await machine(ent, m.code)).state === "offline", { ...WAIT, what: `${m.code} offline after NDEATH` });
    } finally {
      births.kill("SIGTERM");
    }
  });

  it("publishes STATE again after the broker restarts", async () => {
    const first = JSON.parse(retained(`spBv1.0/STATE/${HOST_ID}`));
    const port = broker.port;
    if (ncmd.exitCode === null) ncmd.kill("SIGTERM");
    await broker.stop();
    await waitFor(async () => (await metric0("gloved_sparkplug_connected")) === 0, { ...WAIT, what: "sparkplug disconnected" });
    broker2 = await startBroker({ port });
    await waitFor(async () => (await metric0("gloved_sparkplug_connected")) === 1, { timeoutMs: 90000, intervalMs: 200, what: "sparkplug connected again" });
    // the new broker holds nothing until gloved publishes STATE again, with
    // the timestamp of its new session
    const j = await waitFor(() => {
      const s = retained(`spBv1.0/STATE/${HOST_ID}`);
      const x = s && JSON.parse(s);
      return x && x.online === true && x.timestamp > first.timestamp && x;
    }, { ...WAIT, what: "a new STATE online on the new broker" });
    assert.equal(j.online, true);
  });
});
