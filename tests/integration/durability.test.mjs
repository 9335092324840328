// SPDX-License-Identifier: Apache-2.0
// Integration: what the daemon acknowledged survives restarts. A clean stop
// (SIGTERM) and a crash (SIGKILL right after a 200) both come back with the
// same output and live state, and counting carries on from the last stored
// counter value: no piece lost, none counted twice across the restart.
//
// Run: GLOVED_BIN=build/gloved GLOVED_SOURCE_DIR=$PWD node --test tests/integration/durability.test.mjs

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { api, login, startBroker, startDaemon } from "../lib/harness.mjs";
import { HOUR, MINUTE, SimMachine, machines, noonZone, openEvents, output, postOk, prng, series, shuffle, stopAll } from "../lib/integration.mjs";

const ENT = "PY01";
const ADMIN = "boss";
const PASSWORD = "durability-pass-1";

describe("durability across restarts", { timeout: 300000 }, () => {
  const zone = noonZone();
  const now = Date.now();
  const dayQuery = { from: zone.dayStart(now), to: zone.dayStart(now) + 24 * HOUR };
  const extraArgs = ["--timezone", zone.tz, "--offline-after", "86400"];
  let broker, daemon, gw, session;

  // one machine per scenario; all reports are in the past, within today
  const k1 = new SimMachine("K1", { ts: now - 40 * MINUTE, good: 1000, reject: 5 });
  const k16 = new SimMachine("K16", { bits: 16, ts: now - 40 * MINUTE + 500, good: 65480, reject: 0 });
  const k2 = new SimMachine("K2", { ts: now - 3 * HOUR, good: 0 });
  const kx = new SimMachine("KX", { ts: now - 30 * MINUTE, good: 50 });

  async function restart({ kill = false } = {}) {
    const dir = daemon.dir;
    let failed = null;
    try {
      if (kill) await daemon.kill({ keepDir: true });
      else await daemon.stop({ keepDir: true }); // throws unless the exit was clean
    } catch (e) {
      failed = e;
    }
    daemon = await startDaemon({ mqttPort: broker.port, extraArgs, dir });
    if (failed) throw failed;
  }

  async function view() {
    const out = {};
    for (const bucket of ["minute", "hour", "day"]) {
      out[bucket] = (await output(daemon.url, session, { enterprise: ENT, bucket, ...dayQuery })).series;
    }
    for (const sim of [k1, k16, k2, kx]) {
      out[sim.code] = series(await output(daemon.url, session, { enterprise: ENT, machine: sim.code, bucket: "minute", ...dayQuery }));
    }
    out.machines = [...(await machines(daemon.url, session)).values()].sort((a, b) => a.code.localeCompare(b.code));
    return out;
  }

  async function assertTruth(sim, what) {
    const o = await output(daemon.url, session, { enterprise: ENT, machine: sim.code, bucket: "minute", ...dayQuery });
    assert.deepEqual(series(o), sim.buckets(MINUTE), `${what}: minute buckets of ${sim.code}`);
    assert.deepEqual(o.total, sim.totals(), `${what}: total of ${sim.code}`);
    const m = (await machines(daemon.url, session)).get(`${ENT}/${sim.code}`);
    assert.equal(m.good_today, sim.totals().good, `${what}: good_today of ${sim.code}`);
    assert.equal(m.reject_today, sim.totals().reject, `${what}: reject_today of ${sim.code}`);
    const newest = sim.reports.reduce((a, r) => (r.ts > a.ts ? r : a));
    assert.equal(m.last_seen, newest.ts, `${what}: last_seen of ${sim.code}`);
    assert.equal(m.state, newest.state, `${what}: state of ${sim.code}`);
  }

  before(async () => {
    broker = await startBroker();
    daemon = await startDaemon({
      mqttPort: broker.port,
      extraArgs,
      setup: (admin) => {
        admin("enterprise", "add", "--code", ENT, "--name", "平邑甲厂");
        admin("workshop", "add", "--enterprise", ENT, "--code", "W1", "--name", "一车间");
        for (const m of ["K1", "K2", "KX"]) admin("machine", "add", "--enterprise", ENT, "--workshop", "W1", "--code", m);
        admin("machine", "add", "--enterprise", ENT, "--workshop", "W1", "--code", "K16", "--counter-bits", "16");
        admin("user", "add", "--username", ADMIN, "--role", "cluster_admin", "--password", PASSWORD);
        gw = admin("token", "add", "--enterprise", ENT, "--name", "gw-dur");
      },
    });
    session = await login(daemon.url, ADMIN, PASSWORD);
  });

  after(async () => {
    await stopAll(daemon, broker);
  });

  let withheldK1, withheldK2;

  it("keeps output and live state unchanged across a clean stop (SIGTERM)", async () => {
    const rnd = prng(7);
    k1.start();
    for (let i = 0; i < 20; i++) k1.step(30000, rnd.int(0, 9), rnd.int(0, 1), { state: rnd.pick(["run", "run", "idle", "stop"]) });
    k16.start();
    for (let i = 0; i < 20; i++) k16.step(30000, rnd.int(0, 12), 0); // wraps past 65535
    k2.start();
    for (let i = 0; i < 5; i++) k2.step(60000, rnd.int(1, 9), 0, { state: i === 4 ? "stop" : "run", reason: i === 4 ? "NO_ORDER" : undefined });
    assert.ok(k16.reports.some((r, i) => i > 0 && r.count < k16.reports[i - 1].count), "K16 wraps");
    // K1 and K2 each keep one report back (mid-sequence, within their
    // window) for after the restart
    withheldK1 = k1.reports[10];
    withheldK2 = k2.reports[3];
    const send = shuffle([...k1.reports, ...k16.reports, ...k2.reports].filter((r) => r !== withheldK1 && r !== withheldK2), rnd);
    for (let i = 0; i < send.length; i += 9) await postOk(daemon.url, gw, send.slice(i, i + 9));

    const before = await view();
    assert.ok(before.day.length === 1 && before.day[0].good > 0);
    await restart();
    const afterV = await view();
    assert.deepEqual(afterV, before, "output and machines after a clean restart");
    const me = await api(daemon.url, session, "GET", "/api/v1/me");
    assert.equal(me.status, 200, "a session survives the restart");
  });

  it("counts on from the stored counters after the restart: no loss, no double count", async () => {
    // repeats of stored reports are duplicates
    await postOk(daemon.url, gw, [k1.reports[0], k1.reports.at(-1), k16.reports.at(-1), k2.reports.at(-1)], { duplicates: 4 });
    // K1's withheld report is placed between stored ones
    await postOk(daemon.url, gw, [withheldK1]);
    // the sequences carry on
    const rnd = prng(8);
    const more = [];
    for (let i = 0; i < 5; i++) more.push(k1.step(30000, rnd.int(1, 9), rnd.int(0, 1), { state: "run" }));
    for (let i = 0; i < 5; i++) more.push(k16.step(30000, rnd.int(1, 12), 0));
    more.push(k2.step(60000, 4, 0, { state: "run" }));
    await postOk(daemon.url, gw, more);
    await assertTruth(k1, "K1 after the restart");
    await assertTruth(k16, "K16 after the restart");
  });

  it("places after a restart a report within its machine's reorder window, as before it", async () => {
    // K2 last reported hours before K1; its withheld report is within K2's
    // own window of its newest report, so it is placed, restart or not
    const r = await api(daemon.url, gw, "POST", "/api/v1/reports", [withheldK2]);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json, { accepted: 1, duplicates: 0, late: 0 }, "K2's withheld report is not late");
    await assertTruth(k2, "K2 after the restart");
  });

  it("keeps every acknowledged report when killed (SIGKILL) right after the 200", async () => {
    const rnd = prng(9);
    kx.start();
    for (let round = 0; round < 4; round++) {
      const batch = [];
      const n = rnd.int(1, 20);
      for (let i = 0; i < n; i++) batch.push(kx.step(rnd.int(1000, 10000), rnd.int(0, 7), rnd.int(0, 1), { state: rnd.pick(["run", "idle"]) }));
      if (round === 0) batch.unshift(kx.reports[0]);
      await postOk(daemon.url, gw, batch);
      await restart({ kill: true });
      await assertTruth(kx, `after SIGKILL #${round + 1}`);
    }
    // the other machines came through the crashes too
    await assertTruth(k1, "K1 after the crashes");
    await assertTruth(k16, "K16 after the crashes");
    const me = await api(daemon.url, session, "GET", "/api/v1/me");
    assert.equal(me.status, 200, "a session survives a crash");
  });

  it("stops cleanly on every SIGTERM, with a live feed open and right after a report", async () => {
    // a restart must never need SIGKILL: each stop() below throws unless
    // the daemon exits with status 0 within 10 s of SIGTERM
    const rnd = prng(11);
    for (let round = 0; round < 12; round++) {
      const feed = await openEvents(daemon.url, { token: session });
      await feed.next((e) => e.event === "snapshot", { what: "snapshot" });
      const r = kx.step(rnd.int(1000, 3000), rnd.int(1, 5), 0, { state: "run" });
      await postOk(daemon.url, gw, [r]);
      await feed.next((e) => e.event === "machine" && e.data.code === "KX" && e.data.last_seen === r.ts, { what: "KX event" });
      if (round % 2) feed.close();
      await restart();
      feed.close();
    }
    await assertTruth(kx, "after 12 restarts");
  });

  it("keeps what came in through concurrent requests when killed after all answered", async () => {
    const rnd = prng(10);
    const ms = [k1, k16, kx];
    const reqs = [];
    for (const sim of ms) {
      const batch = [];
      for (let i = 0; i < 10; i++) batch.push(sim.step(rnd.int(1000, 5000), rnd.int(0, 9), 0, { state: "run" }));
      // each machine's batch in two concurrent requests
      reqs.push(batch.slice(0, 5), batch.slice(5));
    }
    const answers = await Promise.all(reqs.map((b) => api(daemon.url, gw, "POST", "/api/v1/reports", b)));
    for (const a of answers) assert.equal(a.status, 200, a.text);
    await restart({ kill: true });
    for (const sim of ms) await assertTruth(sim, `${sim.code} after concurrent requests and SIGKILL`);
  });
});
