// SPDX-License-Identifier: Apache-2.0
// Integration, PostgreSQL only (CTest integration/pg_outage_pg, under
// scripts/pg.sh run): gloved survives its database server going away and
// coming back without being restarted itself (issue 14). While gateways
// send reports over HTTP (each retrying what was not acknowledged, as a
// gateway does), (a) every backend of the database is terminated
// (pg_terminate_backend), (b) the server is restarted (pg.sh restart, fast),
// and (c) the server is stopped for a while (pg.sh down) and started again
// (pg.sh up). Every answer is a 200 or a 503 with a JSON error, never
// anything else and never no answer; while the server is down reports get
// 503 and /healthz says the database is unavailable; afterwards ingest
// works again, MQTT QoS 1 reports published during the outage are stored,
// the writer holds the database's claim again (an exclusive claim is refused),
// and every report is stored exactly once: each report is a minute of its
// own, so the minute buckets of every machine equal what it made (a lost
// report would move its pieces to the next minute, a doubled one would
// count twice). Last, (d) another session takes the claim the moment
// gloved's writer connection goes: gloved writes no more and exits with
// status 1.
//
// Run: scripts/pg.sh run sh -c 'cd build-asan && GLOVED_TEST_DB=pg \
//   GLOVED_BIN=$PWD/gloved GLOVED_SOURCE_DIR=.. node --test ../tests/integration/pg_outage.test.mjs'

import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { GLOVED_BIN, PG_URI, SOURCE_DIR, freePort, login, mqttPublish, sleep, startBroker, startDaemon, waitFor } from "../lib/harness.mjs";
import { HOUR, MINUTE, SimMachine, health, noonZone, output, postReports, prng, stopAll } from "../lib/integration.mjs";

const PG_DIR = process.env.GLOVED_PG_DIR || "";
if (!PG_URI || !PG_DIR) {
  const req = process.env.GLOVED_TEST_PG_REQUIRED;
  if (PG_URI && req && req !== "0") throw new Error("pg_outage needs GLOVED_PG_DIR (run under scripts/pg.sh run)");
  process.stdout.write("skipped: pg_outage runs on PostgreSQL only (GLOVED_TEST_DB=pg under scripts/pg.sh run)\n");
  process.exit(77);
}

const ENT = "PO01";
const PASSWORD = "pg-outage-pass-1";
const REPORTS = 400; // room in each machine's minutes; far fewer are sent

function psql(sql) {
  const r = spawnSync("psql", ["-X", "-q", "-tA", "-v", "ON_ERROR_STOP=1", PG_URI, "-c", sql], { encoding: "utf8", timeout: 60000 });
  if (r.error || r.status !== 0) throw new Error(`psql ${sql}: ${r.error?.message ?? r.stderr}`);
  return r.stdout.trim();
}

function pgsh(cmd) {
  const r = spawnSync("sh", [path.join(SOURCE_DIR, "scripts", "pg.sh"), cmd, PG_DIR], { encoding: "utf8", timeout: 120000 });
  if (r.error || r.status !== 0) throw new Error(`pg.sh ${cmd}: ${r.error?.message ?? r.stderr}`);
}

// the sessions holding the database's claim (store_claim's advisory lock)
const CLAIM = "7452728425566631542";
const claimHolders = () =>
  Number(
    psql(
      `SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1` +
        ` AND classid::bigint = (${CLAIM}::bigint >> 32) AND objid::bigint = (${CLAIM}::bigint & 4294967295)`,
    ),
  );

describe("PostgreSQL going away and coming back", { timeout: 600000 }, () => {
  const zone = noonZone();
  const now = Date.now();
  const t0 = now - (REPORTS + 5) * 61000;
  const dayQuery = { from: zone.dayStart(t0), to: zone.dayStart(now) + 24 * HOUR };
  const extraArgs = ["--timezone", zone.tz, "--offline-after", "86400"];
  const rnd = prng(14);
  const https = [new SimMachine("H1", { ts: t0 + 10, good: 100 }), new SimMachine("H2", { ts: t0 + 20, good: 5000 })];
  const mq = new SimMachine("Q1", { ts: t0 + 30, good: 70 });
  const tally = { ok: 0, unavailable: 0 };
  let broker, daemon, gw, session, pid;

  // One report, sent until acknowledged: only a 200 or a 503 with a JSON
  // error is a valid answer (a hang fails the request's own timeout).
  async function deliver(report) {
    for (;;) {
      const r = await postReports(daemon.url, gw, [report]);
      if (r.status === 200) {
        tally.ok++;
        return r.json;
      }
      assert.equal(r.status, 503, `a report gets 200 or 503, not ${r.status} ${r.text}`);
      assert.equal(r.json?.error?.code, "unavailable", `a 503 has a JSON error: ${r.text}`);
      tally.unavailable++;
      await sleep(50);
    }
  }

  const next = (sim) => (sim.reports.length === 0 ? sim.start() : sim.step(61000, rnd.int(1, 20), rnd.int(0, 1)));

  // Gateways sending one report after the other until stopped; n(sim) is
  // how many each had acknowledged.
  function gateways() {
    let stop = false;
    const acked = new Map(https.map((s) => [s, 0]));
    const done = Promise.all(
      https.map(async (sim) => {
        while (!stop) {
          await deliver(next(sim));
          acked.set(sim, acked.get(sim) + 1);
          await sleep(rnd.int(5, 30));
        }
      }),
    );
    return {
      n: (sim) => acked.get(sim),
      stop: async () => {
        stop = true;
        await done;
      },
    };
  }

  // Each gateway has n more reports acknowledged than now.
  async function progress(g, n, what) {
    const base = https.map((s) => g.n(s));
    await waitFor(async () => https.every((s, i) => g.n(s) >= base[i] + n), { timeoutMs: 120000, intervalMs: 50, what });
  }

  function sameProcess() {
    assert.equal(daemon.child.exitCode, null, "gloved is still running");
    assert.equal(daemon.child.pid, pid, "the same gloved process");
  }

  before(async () => {
    broker = await startBroker();
    daemon = await startDaemon({
      mqttPort: broker.port,
      extraArgs,
      setup: (a) => {
        a("enterprise", "add", "--code", ENT, "--name", "断库试验厂");
        a("workshop", "add", "--enterprise", ENT, "--code", "W1", "--name", "车间");
        for (const s of [...https, mq]) a("machine", "add", "--enterprise", ENT, "--workshop", "W1", "--code", s.code);
        a("user", "add", "--username", "boss", "--role", "cluster_admin", "--password", PASSWORD);
        gw = a("token", "add", "--enterprise", ENT, "--name", "gw-outage");
      },
    });
    pid = daemon.child.pid;
    session = await login(daemon.url, "boss", PASSWORD);
    for (const sim of https) for (let i = 0; i < 5; i++) await deliver(next(sim));
    mqttPublish(broker.port, `gloved/v1/${ENT}/${mq.code}/report`, mq.start());
  });

  after(async () => {
    await stopAll(daemon, broker);
  });

  it("reconnects by itself when every backend of the database is terminated", async () => {
    const g = gateways();
    await progress(g, 3, "reports acknowledged before the kill");
    const killed = psql(
      "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity" +
        " WHERE datname = current_database() AND pid <> pg_backend_pid()) t",
    );
    assert.ok(Number(killed) >= 1, `gloved's connections were terminated (${killed})`);
    await progress(g, 5, "reports acknowledged after the kill");
    await g.stop();
    sameProcess();
    assert.equal(claimHolders(), 1, "the writer's new connection holds the claim again");
  });

  it("rides out a restart of the server", async () => {
    const g = gateways();
    await progress(g, 3, "reports acknowledged before the restart");
    pgsh("restart");
    await progress(g, 5, "reports acknowledged after the restart");
    await g.stop();
    sameProcess();
    assert.equal(claimHolders(), 1, "the claim is held again after the restart");
    // and it is this gloved's: an exclusive claim (an offline admin
    // command) is refused while it holds its shared one
    assert.equal(psql(`SELECT pg_try_advisory_lock(${CLAIM})::int`), "0", "the exclusive claim is refused");
  });

  it("answers 503 JSON while the server is down, then stores everything without a restart of gloved", async () => {
    pgsh("down");
    let upAgain = false;
    try {
      // a report while the server is down: 503 with a JSON error, each time
      const waiting = [];
      for (const sim of https) {
        const r = next(sim);
        waiting.push(r);
        for (let i = 0; i < 3; i++) {
          const res = await postReports(daemon.url, gw, [r]);
          assert.equal(res.status, 503, `during the outage: ${res.status} ${res.text}`);
          assert.equal(res.json?.error?.code, "unavailable", res.text);
          assert.match(res.json.error.message, /not stored|cannot check the credentials/);
          tally.unavailable++;
        }
      }
      const h = await health(daemon.url);
      assert.equal(h.status, 503, h.text);
      assert.equal(h.json?.db, "unavailable", h.text);
      assert.equal(h.json?.status, "degraded", h.text);
      // QoS 1 reports published meanwhile: the broker keeps them for gloved
      for (let i = 0; i < 5; i++) mqttPublish(broker.port, `gloved/v1/${ENT}/${mq.code}/report`, next(mq));
      pgsh("up");
      upAgain = true;
      await waitFor(async () => (await health(daemon.url)).status === 200, { timeoutMs: 120000, intervalMs: 100, what: "/healthz ok again" });
      // what got 503 is sent again, as a gateway does; then ingest goes on
      for (const r of waiting) await deliver(r);
    } finally {
      if (!upAgain) pgsh("up");
    }
    const g = gateways();
    await progress(g, 5, "reports acknowledged after the outage");
    await g.stop();
    for (let i = 0; i < 3; i++) mqttPublish(broker.port, `gloved/v1/${ENT}/${mq.code}/report`, next(mq));
    sameProcess();
    assert.ok(tally.unavailable >= 6, "reports were refused during the outage");

    session = await login(daemon.url, "boss", PASSWORD);
    await waitFor(
      async () => {
        const o = await output(daemon.url, session, { enterprise: ENT, machine: mq.code, bucket: "minute", ...dayQuery });
        return o.total.good === mq.totals().good;
      },
      { timeoutMs: 120000, intervalMs: 250, what: "the MQTT reports of the outage stored" },
    );
    for (const sim of [...https, mq]) {
      const o = await output(daemon.url, session, { enterprise: ENT, machine: sim.code, bucket: "minute", ...dayQuery });
      assert.deepEqual(
        o.series.map((b) => ({ ts: b.ts, good: b.good, reject: b.reject })),
        sim.buckets(MINUTE),
        `${sim.code}: every report stored once (minute buckets)`,
      );
      assert.deepEqual(o.total, sim.totals(), `${sim.code}: total`);
    }
    process.stderr.write(
      `pg_outage: ${tally.ok} HTTP reports acknowledged, ${tally.unavailable} answers 503 on the way; ` +
        `${https.reduce((a, s) => a + s.reports.length, 0) + mq.reports.length} reports stored once\n`,
    );
  });

  it("stops writing and exits when another session took the claim while its connection was lost", async () => {
    // a session that waits for the claim gets it the moment gloved's
    // writer connection goes, before gloved can take it again
    const rival = spawn("psql", ["-X", "-q", "-tA", PG_URI], { stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    rival.stdout.on("data", (d) => (out += d));
    const rivalExit = new Promise((ok) => rival.on("exit", ok));
    try {
      rival.stdin.write(`SELECT 'waiting'; SELECT pg_advisory_lock(${CLAIM}); SELECT 'holding';\n`);
      await waitFor(async () => out.includes("waiting"), { timeoutMs: 30000, what: "the rival session waiting" });
      const killed = psql(
        "SELECT count(*) FROM (SELECT pg_terminate_backend(pid, 10000) FROM pg_locks WHERE locktype = 'advisory'" +
          ` AND granted AND objsubid = 1 AND classid::bigint = (${CLAIM}::bigint >> 32)` +
          ` AND objid::bigint = (${CLAIM}::bigint & 4294967295)) t`,
      );
      assert.equal(killed, "1", "gloved's claim holder was terminated");
      await waitFor(async () => out.includes("holding"), { timeoutMs: 30000, what: "the rival session holding the claim" });
      // gloved notices on its writer's next use of the database (at most a
      // second while idle) and exits with status 1
      await waitFor(async () => daemon.child.exitCode !== null, { timeoutMs: 60000, intervalMs: 100, what: "gloved to exit" });
      assert.equal(daemon.child.exitCode, 1, "gloved exits with status 1");
      const log = daemon.logText();
      assert.match(log, /another gloved took over this database/);
      assert.doesNotMatch(log, /ERROR: AddressSanitizer|LeakSanitizer/);
      await daemon.kill(); // it has exited: removes its folder
      daemon = null;
    } finally {
      rival.stdin.end();
      await rivalExit;
    }
  });
});
