// SPDX-License-Identifier: Apache-2.0
// Integration: HTTP batch ingest (POST /api/v1/reports) against the real
// daemon, broker and database. Every scenario builds its reports from a
// simulated machine whose physical output (the ground truth) the test knows,
// then checks that /api/v1/output (minute, hour, day buckets) and
// /api/v1/machines show exactly those pieces: repeats and reordering change
// nothing, resets and 16-bit wraps are counted.
//
// Run: GLOVED_BIN=build/gloved GLOVED_SOURCE_DIR=$PWD node --test tests/integration/ingest_http.test.mjs

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { api, login, startBroker, startDaemon } from "../lib/harness.mjs";
import { HOUR, MINUTE, SimMachine, bucketsOf, machines, metrics, noonZone, output, postOk, prng, series, shuffle, stopAll } from "../lib/integration.mjs";

const ENT = "PY01";
const ADMIN = "boss";
const PASSWORD = "ingest-http-pass-1";
const MACHINES64 = ["J1", "N1", "S1", "S2", "R1", "X1"];
const MACHINES16 = ["W16", "X2"];

describe("HTTP ingest", { timeout: 300000 }, () => {
  const zone = noonZone();
  let broker, daemon, gw, session;
  const now = Date.now();
  const today = zone.dayStart(now);
  // Scenarios straddle the last full hour boundary (about 11:00 local) so
  // that they span two hour buckets and many minute buckets, all today.
  const hourMark = Math.floor(now / HOUR) * HOUR - HOUR;
  const dayQuery = { from: today, to: today + 24 * HOUR };

  before(async () => {
    broker = await startBroker();
    daemon = await startDaemon({
      mqttPort: broker.port,
      extraArgs: ["--timezone", zone.tz, "--offline-after", "86400"],
      setup: (admin) => {
        admin("enterprise", "add", "--code", ENT, "--name", "平邑测试手套厂", "--town", "平邑");
        admin("workshop", "add", "--enterprise", ENT, "--code", "W1", "--name", "织造一车间");
        admin("workshop", "add", "--enterprise", ENT, "--code", "W2", "--name", "织造二车间");
        for (const m of MACHINES64) {
          const ws = m.startsWith("X") ? "W2" : "W1";
          admin("machine", "add", "--enterprise", ENT, "--workshop", ws, "--code", m);
        }
        for (const m of MACHINES16) {
          const ws = m.startsWith("X") ? "W2" : "W1";
          admin("machine", "add", "--enterprise", ENT, "--workshop", ws, "--code", m, "--counter-bits", "16");
        }
        admin("user", "add", "--username", ADMIN, "--role", "cluster_admin", "--password", PASSWORD);
        gw = admin("token", "add", "--enterprise", ENT, "--name", "gw-ingest");
      },
    });
    session = await login(daemon.url, ADMIN, PASSWORD);
  });

  after(async () => {
    await stopAll(daemon, broker);
  });

  // Asserts that machine `code` shows exactly the pieces of `sim` in every
  // bucket size, and in its live state.
  async function assertMachineShows(sim, what) {
    const q = { enterprise: ENT, machine: sim.code, ...dayQuery };
    const tot = sim.totals();
    const minute = await output(daemon.url, session, { ...q, bucket: "minute" });
    assert.equal(minute.unit, "piece");
    assert.equal(minute.bucket, "minute");
    assert.deepEqual(series(minute), sim.buckets(MINUTE), `${what}: minute buckets of ${sim.code}`);
    assert.deepEqual(minute.total, tot, `${what}: minute total of ${sim.code}`);
    const hour = await output(daemon.url, session, { ...q, bucket: "hour" });
    assert.deepEqual(series(hour), sim.buckets(HOUR), `${what}: hour buckets of ${sim.code}`);
    assert.deepEqual(hour.total, tot, `${what}: hour total of ${sim.code}`);
    const day = await output(daemon.url, session, { ...q, bucket: "day" });
    assert.equal(day.timezone, zone.tz);
    assert.deepEqual(series(day), tot.good || tot.reject ? [{ ts: today, ...tot }] : [], `${what}: day buckets of ${sim.code}`);
    assert.deepEqual(day.total, tot, `${what}: day total of ${sim.code}`);
    // the default range is today: the same total without from/to
    const dflt = await output(daemon.url, session, { enterprise: ENT, machine: sim.code });
    assert.deepEqual(dflt.total, tot, `${what}: today's total of ${sim.code} (default range)`);

    const newest = sim.reports.reduce((a, r) => (r.ts > a.ts ? r : a));
    const m = (await machines(daemon.url, session, { enterprise: ENT })).get(`${ENT}/${sim.code}`);
    assert.ok(m, `${sim.code} listed in /api/v1/machines`);
    assert.equal(m.good_today, tot.good, `${what}: good_today of ${sim.code}`);
    assert.equal(m.reject_today, tot.reject, `${what}: reject_today of ${sim.code}`);
    assert.equal(m.last_seen, newest.ts, `${what}: last_seen of ${sim.code}`);
    // (--offline-after is a day: the newest report's state shows)
    assert.equal(m.state, newest.state, `${what}: state of ${sim.code}`);
    assert.equal(m.reason, newest.reason ?? "", `${what}: reason of ${sim.code}`);
    assert.equal(m.unit, "piece");
    return m;
  }

  // A machine making a few pieces every 20 s for 10 minutes, around hourMark.
  function steadyMachine(code, seed, { steps = 30, start = hourMark - 5 * MINUTE } = {}) {
    const rnd = prng(seed);
    const sim = new SimMachine(code, { ts: start, good: rnd.int(0, 5000), reject: rnd.int(0, 50) });
    sim.start();
    for (let i = 0; i < steps; i++) sim.step(20000, rnd.int(0, 12), rnd.int(0, 1));
    return sim;
  }

  it("counts a JSON array exactly, and a repeated request changes nothing", async () => {
    const sim = steadyMachine("J1", 1);
    assert.ok(sim.totals().good > 0);
    await postOk(daemon.url, gw, sim.reports);
    await assertMachineShows(sim, "after one JSON array");

    const before = await metrics(daemon.url);
    await postOk(daemon.url, gw, sim.reports, { duplicates: sim.reports.length });
    await assertMachineShows(sim, "after the same request again");
    const afterM = await metrics(daemon.url);
    assert.equal(
      afterM.gloved_reports_duplicate_total - before.gloved_reports_duplicate_total,
      sim.reports.length,
      "gloved_reports_duplicate_total counts the repeats",
    );
  });

  it("counts NDJSON (LF and CRLF lines, blank lines) exactly", async () => {
    const sim = steadyMachine("N1", 2, { steps: 40 });
    const first = sim.reports.slice(0, 21);
    const rest = sim.reports.slice(21);
    await postOk(daemon.url, gw, first, { ndjson: true });
    // CRLF line ends and blank lines, as a Windows gateway may send them
    const body = "\r\n" + rest.map((r) => JSON.stringify(r)).join("\r\n") + "\r\n\r\n";
    const r = await api(daemon.url, gw, "POST", "/api/v1/reports", body, { "Content-Type": "application/x-ndjson" });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json, { accepted: rest.length, duplicates: 0, late: 0 });
    await assertMachineShows(sim, "after NDJSON");
    // the whole sequence again as NDJSON: all duplicates
    await postOk(daemon.url, gw, sim.reports, { ndjson: true, duplicates: sim.reports.length });
    await assertMachineShows(sim, "after the NDJSON repeated");
  });

  it("gives the same buckets and totals for shuffled reports as for ordered ones", async () => {
    const ordered = steadyMachine("S1", 3, { steps: 40 });
    const shuffled = steadyMachine("S2", 3, { steps: 40 }); // same sequence, other machine
    assert.ok(ordered.reports.at(-1).ts - ordered.reports[0].ts < 15 * MINUTE, "within the default reorder window");
    await postOk(daemon.url, gw, ordered.reports);
    const rnd = prng(33);
    const mixed = shuffle(shuffled.reports, rnd);
    // the newest report first, then the rest in several requests
    const newestFirst = [mixed.find((r) => r.ts === shuffled.ts), ...mixed.filter((r) => r.ts !== shuffled.ts)];
    for (let i = 0; i < newestFirst.length; i += 7) await postOk(daemon.url, gw, newestFirst.slice(i, i + 7));
    await assertMachineShows(ordered, "in order");
    await assertMachineShows(shuffled, "shuffled");
    const a = await output(daemon.url, session, { enterprise: ENT, machine: "S1", bucket: "minute", ...dayQuery });
    const b = await output(daemon.url, session, { enterprise: ENT, machine: "S2", bucket: "minute", ...dayQuery });
    assert.deepEqual(series(b), series(a), "shuffled and ordered machines show the same minute series");
  });

  it("counts the pieces after a counter reset (counter falls)", async () => {
    const sim = new SimMachine("R1", { ts: hourMark - 3 * MINUTE, good: 0, reject: 0 });
    sim.start();
    sim.step(30000, 10, 1);
    sim.step(30000, 10, 0);
    sim.step(30000, 10, 1); // counter 30, reject 2
    sim.step(30000, 5, 0, { reset: true }); // machine restarted: counter 5, reject 0
    sim.step(30000, 10, 1); // 15, 1
    sim.step(30000, 7, 0); // 22, 1
    assert.deepEqual(
      sim.reports.map((r) => r.count),
      [0, 10, 20, 30, 5, 15, 22],
    );
    assert.deepEqual(sim.totals(), { good: 52, reject: 3 });
    await postOk(daemon.url, gw, sim.reports);
    await assertMachineShows(sim, "across a reset");
  });

  it("counts a 16-bit counter wrapping past 65535", async () => {
    const sim = new SimMachine("W16", { bits: 16, ts: hourMark - 2 * MINUTE, good: 65500, reject: 65530 });
    sim.start();
    sim.step(10000, 20, 2); // 65520
    sim.step(10000, 20, 2); // 65540 -> 4, reject 65534
    sim.step(10000, 20, 2); // 24, reject 0
    sim.step(10000, 20, 2); // 44, reject 2
    assert.deepEqual(
      sim.reports.map((r) => r.count),
      [65500, 65520, 4, 24, 44],
    );
    assert.deepEqual(
      sim.reports.map((r) => r.reject),
      [65530, 65532, 65534, 0, 2],
    );
    await postOk(daemon.url, gw, sim.reports);
    assert.deepEqual(sim.totals(), { good: 80, reject: 8 });
    await assertMachineShows(sim, "across a 16-bit wrap");
  });

  it("matches the ground truth for a random sequence sent shuffled, repeated, over many requests", async () => {
    const rnd = prng(20261129);
    const start = hourMark - 6 * MINUTE;
    const x1 = new SimMachine("X1", { ts: start, good: 1000, reject: 10 });
    const x2 = new SimMachine("X2", { bits: 16, ts: start + 777, good: 65400, reject: 65500 });
    const states = ["run", "run", "run", "idle", "stop", "fault", "setup"];
    for (const sim of [x1, x2]) {
      sim.start();
      for (let i = 0; i < 80; i++) {
        // a reset only when the counter is clearly above what follows it and
        // (16-bit) not near the top, where a fall could as well be a wrap
        const canReset = sim.good > 20 && sim.reject > 2 && sim.good < 60000 && sim.reject < 60000;
        const reset = canReset && rnd() < 0.06;
        const state = rnd.pick(states);
        const reason = state === "stop" || state === "fault" ? rnd.pick(["YARN_BREAK", "NEEDLE", "NO_ORDER"]) : undefined;
        sim.step(rnd.int(1000, 10000), state === "run" ? rnd.int(0, 15) : rnd.int(0, 2), rnd.int(0, 2), { reset, state, reason });
      }
      assert.ok(sim.reports.at(-1).ts - sim.reports[0].ts < 15 * MINUTE, "within the default reorder window");
    }
    const falls = (sim) => sim.reports.filter((r, i) => i > 0 && r.count < sim.reports[i - 1].count).length;
    assert.ok(falls(x2) >= 2, "X2 wraps and resets");
    assert.ok(falls(x1) >= 1, "X1 resets");

    // every report 1-3 times, all shuffled, in requests of 1-25 reports
    let all = [];
    for (const r of [...x1.reports, ...x2.reports]) {
      const times = rnd.int(1, 3);
      for (let k = 0; k < times; k++) all.push(r);
    }
    all = shuffle(all, rnd);
    const seen = new Set();
    let sent = 0;
    let requests = 0;
    while (sent < all.length) {
      const batch = all.slice(sent, sent + rnd.int(1, 25));
      let dups = 0;
      for (const r of batch) {
        const key = `${r.machine}@${r.ts}`;
        if (seen.has(key)) dups++;
        seen.add(key);
      }
      await postOk(daemon.url, gw, batch, { duplicates: dups, ndjson: requests % 2 === 1 });
      sent += batch.length;
      requests++;
    }
    assert.ok(requests > 5);

    await assertMachineShows(x1, "random X1");
    await assertMachineShows(x2, "random X2");
    // the workshop W2 holds exactly X1 and X2
    const truth = [...x1.truth, ...x2.truth];
    const ws = await output(daemon.url, session, { enterprise: ENT, workshop: "W2", bucket: "minute", ...dayQuery });
    assert.deepEqual(series(ws), bucketsOf(truth, (ts) => ts - (ts % MINUTE)), "workshop W2 minute buckets");
    const sum = { good: x1.totals().good + x2.totals().good, reject: x1.totals().reject + x2.totals().reject };
    assert.deepEqual(ws.total, sum, "workshop W2 total");
    const summary = await api(daemon.url, session, "GET", `/api/v1/summary?enterprise=${ENT}`);
    assert.equal(summary.status, 200, summary.text);
    const w2 = summary.json.workshops.find((w) => w.code === "W2");
    assert.ok(w2, "W2 in the summary");
    assert.equal(w2.good, sum.good, "summary good of W2");
    assert.equal(w2.reject, sum.reject, "summary reject of W2");
    assert.equal(w2.machines, 2);
  });

  it("shows in the enterprise total exactly the pieces of all machines", async () => {
    // runs after the scenarios above: the firm's total is the sum of what
    // every machine showed
    const perMachine = await machines(daemon.url, session, { enterprise: ENT });
    let good = 0;
    let reject = 0;
    for (const m of perMachine.values()) {
      good += m.good_today;
      reject += m.reject_today;
    }
    assert.ok(good > 0);
    const out = await output(daemon.url, session, { enterprise: ENT, bucket: "day", ...dayQuery });
    assert.deepEqual(out.total, { good, reject }, "enterprise day total = sum of the machines");
    const hour = await output(daemon.url, session, { enterprise: ENT, bucket: "hour", ...dayQuery });
    assert.deepEqual(hour.total, { good, reject }, "enterprise hour total = sum of the machines");
    const summary = await api(daemon.url, session, "GET", "/api/v1/summary");
    const e = summary.json.enterprises.find((x) => x.code === ENT);
    assert.equal(e.good, good);
    assert.equal(e.reject, reject);
    assert.equal(e.machines, MACHINES64.length + MACHINES16.length);
  });
});
