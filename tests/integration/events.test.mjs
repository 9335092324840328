// SPDX-License-Identifier: Apache-2.0
// Integration: the live feed, GET /api/v1/events (server-sent events). The
// first event is a snapshot of the machines in the caller's scope; each
// report that changes a machine brings a `machine` event with its new state
// and today's count; a firm's user never hears of another firm's machines;
// a silent machine goes offline.
//
// Two daemons: one with the default offline_after (so that machines stay
// in the state they reported while the test looks), one with
// --offline-after 5 for the offline event.
//
// Run: GLOVED_BIN=build/gloved GLOVED_SOURCE_DIR=$PWD node --test tests/integration/events.test.mjs

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { login, startBroker, startDaemon } from "../lib/harness.mjs";
import { machines, noonZone, openEvents, postOk, stopAll } from "../lib/integration.mjs";

const A = "PY01";
const B = "GM01";
const PW = { root: "events-root-pass", supA: "events-supa-pass" };

function setup(admin) {
  admin("enterprise", "add", "--code", A, "--name", "平邑甲厂");
  admin("enterprise", "add", "--code", B, "--name", "高密乙厂");
  admin("workshop", "add", "--enterprise", A, "--code", "W1", "--name", "一车间");
  admin("workshop", "add", "--enterprise", B, "--code", "W1", "--name", "一车间");
  admin("machine", "add", "--enterprise", A, "--workshop", "W1", "--code", "K1");
  admin("machine", "add", "--enterprise", A, "--workshop", "W1", "--code", "K2");
  admin("machine", "add", "--enterprise", B, "--workshop", "W1", "--code", "G1");
  admin("user", "add", "--username", "root", "--role", "cluster_admin", "--password", PW.root);
  admin("user", "add", "--username", "supA", "--role", "supervisor", "--enterprise", A, "--password", PW.supA);
  return {
    gwA: admin("token", "add", "--enterprise", A, "--name", "gw-a"),
    gwB: admin("token", "add", "--enterprise", B, "--name", "gw-b"),
  };
}

const isMachine = (code, pred = () => true) => (e) => e.event === "machine" && e.data?.code === code && pred(e.data);

describe("live feed (SSE)", { timeout: 300000 }, () => {
  const zone = noonZone();
  let broker, daemon, quick, tokens, quickTokens;
  const streams = [];
  const sessions = {};

  async function open(url, auth) {
    const s = await openEvents(url, auth);
    streams.push(s);
    return s;
  }

  before(async () => {
    broker = await startBroker();
    daemon = await startDaemon({
      mqttPort: broker.port,
      extraArgs: ["--timezone", zone.tz],
      setup: (admin) => {
        tokens = setup(admin);
      },
    });
    quick = await startDaemon({
      extraArgs: ["--timezone", zone.tz, "--offline-after", "5"],
      setup: (admin) => {
        quickTokens = setup(admin);
      },
    });
    sessions.root = await login(daemon.url, "root", PW.root);
    sessions.supA = await login(daemon.url, "supA", PW.supA);
  });

  after(async () => {
    for (const s of streams) s.close();
    await stopAll(quick, daemon, broker);
  });

  it("refuses the feed without a session", async () => {
    const s = await open(daemon.url, {});
    assert.equal(s.status, 401, s.text);
    const g = await open(daemon.url, { token: tokens.gwA });
    assert.equal(g.status, 401, "a gateway token does not open the feed");
  });

  let supStream, rootStream;

  it("starts with a snapshot of the machines in scope", async () => {
    // the browser way: the session cookie
    supStream = await open(daemon.url, { cookie: `gloved_session=${sessions.supA}` });
    assert.equal(supStream.status, 200);
    assert.match(supStream.headers.get("content-type"), /^text\/event-stream/);
    const first = await supStream.next(() => true, { what: "the first event" });
    assert.equal(first.event, "snapshot", "the first event is the snapshot");
    assert.deepEqual(first.data.machines.map((m) => `${m.enterprise}/${m.code}`).sort(), [`${A}/K1`, `${A}/K2`]);
    for (const m of first.data.machines) assert.equal(m.state, "unknown", `${m.code} has not reported yet`);
    // the snapshot's machines are what GET /api/v1/machines says
    const listed = await machines(daemon.url, sessions.supA);
    for (const m of first.data.machines) assert.deepEqual(m, listed.get(`${m.enterprise}/${m.code}`));

    rootStream = await open(daemon.url, { token: sessions.root });
    const rfirst = await rootStream.next(() => true, { what: "the cluster admin's first event" });
    assert.equal(rfirst.event, "snapshot");
    assert.deepEqual(rfirst.data.machines.map((m) => `${m.enterprise}/${m.code}`).sort(), [`${B}/G1`, `${A}/K1`, `${A}/K2`].sort());
  });

  it("sends a machine event with the new state and today's count after a report", async () => {
    const t = Date.now() - 5000;
    await postOk(daemon.url, tokens.gwA, [
      { machine: "K1", ts: t - 60000, count: 500, reject: 2, state: "run" },
      { machine: "K1", ts: t, count: 512, reject: 3, state: "run" },
    ]);
    const e = await supStream.next(isMachine("K1", (m) => m.good_today === 12), { what: "K1 with 12 pieces" });
    assert.equal(e.data.enterprise, A);
    assert.equal(e.data.state, "run");
    assert.equal(e.data.reject_today, 1);
    assert.equal(e.data.last_seen, t);
    assert.equal(e.data.unit, "piece");
    const listed = (await machines(daemon.url, sessions.supA)).get(`${A}/K1`);
    assert.deepEqual(Object.keys(e.data).sort(), Object.keys(listed).sort(), "an event's machine has the fields of GET /api/v1/machines");

    // a stop with its reason
    await postOk(daemon.url, tokens.gwA, [{ machine: "K1", ts: t + 2000, count: 515, reject: 3, state: "stop", reason: "YARN_BREAK" }]);
    const s = await supStream.next(isMachine("K1", (m) => m.state === "stop"), { what: "K1 stopped" });
    assert.equal(s.data.reason, "YARN_BREAK");
    assert.equal(s.data.good_today, 15);
    assert.equal(s.data.since, t + 2000);
    // the cluster admin hears it too
    await rootStream.next(isMachine("K1", (m) => m.state === "stop" && m.good_today === 15), { what: "K1 stopped (cluster admin)" });
  });

  it("never shows a firm's user another firm's machine", async () => {
    const t = Date.now() - 5000;
    await postOk(daemon.url, tokens.gwB, [
      { machine: "G1", ts: t - 60000, count: 10, state: "run" },
      { machine: "G1", ts: t, count: 40, state: "fault", reason: "HEATER" },
    ]);
    // the cluster admin sees G1 ...
    await rootStream.next(isMachine("G1", (m) => m.good_today === 30 && m.state === "fault"), { what: "G1 (cluster admin)" });
    // ... a later change of A's K2 reaches the firm's user after it ...
    await postOk(daemon.url, tokens.gwA, [{ machine: "K2", ts: t + 1000, count: 7, state: "idle" }]);
    await supStream.next(isMachine("K2", (m) => m.state === "idle"), { what: "K2 idle" });
    // ... and nothing of B ever did
    const foreign = supStream.events.filter(
      (e) => (e.event === "machine" && e.data?.enterprise !== A) || (e.event === "snapshot" && e.data?.machines?.some((m) => m.enterprise !== A)),
    );
    assert.deepEqual(foreign, [], "no event about another firm's machine");
    assert.ok(!supStream.events.some((e) => e.raw.includes("G1") || e.raw.includes(B)), "the stream never names G1 or GM01");
  });

  it("sends an offline event for a machine silent longer than --offline-after (5 s)", async () => {
    const s = await open(quick.url, { token: await login(quick.url, "supA", PW.supA) });
    assert.equal(s.status, 200);
    const snap = await s.next(() => true, { what: "snapshot" });
    assert.equal(snap.event, "snapshot");
    const t = Date.now();
    await postOk(quick.url, quickTokens.gwA, [{ machine: "K2", ts: t, count: 100, state: "run" }]);
    const off = await s.next(isMachine("K2", (m) => m.state === "offline"), { timeoutMs: 60000, what: "K2 offline" });
    assert.equal(off.data.last_seen, t, "the offline event keeps the last report's time");
    assert.ok(Date.now() - t > 5000, "offline only after 5 s of silence");
    // and back when it reports again
    await postOk(quick.url, quickTokens.gwA, [{ machine: "K2", ts: Date.now(), count: 103, state: "run" }]);
    const back = await s.next(isMachine("K2", (m) => m.state === "run"), { what: "K2 back to run" });
    assert.equal(back.data.good_today, 3);
    // the other firm's machine is offline-irrelevant: it never reported
    assert.ok(!s.events.some((e) => e.event === "machine" && e.data?.code === "G1"));
  });
});
