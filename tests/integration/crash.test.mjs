// SPDX-License-Identifier: Apache-2.0
// Integration: crash trials (issue 15, parts 1 and 2). Machines publish
// over MQTT QoS 1 (one mosquitto_pub per machine, as a gateway would) and
// over HTTP (retrying what was not acknowledged, as a gateway does) while
// gloved is killed with SIGKILL at random moments and restarted on the same
// database, also publishing while it is down. After each restart SQLite's
// integrity check is ok; at the end every report is stored exactly once:
// each report is a minute of its own, so the minute buckets of every
// machine equal what it made (a lost report would move its pieces to the
// next minute, a doubled one would count twice), the totals are exact, and
// the rollups equal a rebuild from the samples.
//
// GLOVED_CRASH_KILLS sets the number of kills (default 3; `make test` runs
// it at the default, `GLOVED_CRASH_KILLS=100 node --test
// tests/integration/crash.test.mjs` is the long trial of
// docs/reliability.md); GLOVED_CRASH_REPORTS the reports per machine.
//
// Run: GLOVED_BIN=build/gloved GLOVED_SOURCE_DIR=$PWD node --test tests/integration/crash.test.mjs

import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { MOSQUITTO_PUB_BIN, api, login, sleep, startBroker, startDaemon, waitFor } from "../lib/harness.mjs";
import { HOUR, MINUTE, SimMachine, noonZone, output, postReports, prng, stopAll } from "../lib/integration.mjs";

const ENT = "CR01";
const PASSWORD = "crash-trials-pass-1";
const KILLS = Number(process.env.GLOVED_CRASH_KILLS || 3);
const REPORTS = Number(process.env.GLOVED_CRASH_REPORTS || 120);
const MQTT_MACHINES = 8;

describe(`crash trials: ${KILLS} kills during MQTT and HTTP ingest`, { timeout: 600000 }, () => {
  const zone = noonZone();
  const now = Date.now();
  const extraArgs = ["--timezone", zone.tz, "--offline-after", "86400"];
  let broker, daemon, gw, session;
  const rnd = prng(15);
  // every report in its own minute, all of them today and in the past
  const t0 = now - (REPORTS + 5) * 61000;
  // the days the reports span (a long trial reaches into yesterday)
  const dayQuery = { from: zone.dayStart(t0), to: zone.dayStart(now) + 24 * HOUR };
  const sims = [];
  for (let i = 1; i <= MQTT_MACHINES; i++) sims.push(new SimMachine(`Q${i}`, { ts: t0 + i * 100, good: 1000 * i }));
  const http = new SimMachine("H1", { ts: t0 + 50, good: 7 });
  const figures = { kills: 0, restarts: [], httpRetries: 0 };
  const pace = Math.max(5, Math.round((KILLS * 900) / REPORTS));

  before(async () => {
    broker = await startBroker({ conf: ["max_queued_messages 1000000", "max_inflight_messages 100"] });
    daemon = await startDaemon({
      mqttPort: broker.port,
      extraArgs,
      setup: (a) => {
        a("enterprise", "add", "--code", ENT, "--name", "崩溃试验厂");
        a("workshop", "add", "--enterprise", ENT, "--code", "W1", "--name", "车间");
        for (const s of [...sims, http]) a("machine", "add", "--enterprise", ENT, "--workshop", "W1", "--code", s.code);
        a("user", "add", "--username", "boss", "--role", "cluster_admin", "--password", PASSWORD);
        gw = a("token", "add", "--enterprise", ENT, "--name", "gw-crash");
      },
    });
    session = await login(daemon.url, "boss", PASSWORD);
  });

  after(async () => stopAll(daemon, broker));

  // One mosquitto_pub per machine, a report per stdin line, QoS 1.
  function publisher(sim) {
    const p = spawn(MOSQUITTO_PUB_BIN, ["-h", "127.0.0.1", "-p", String(broker.port), "-q", "1", "-t", `gloved/v1/${ENT}/${sim.code}/report`, "-l", "-i", `pub-${sim.code}`], {
      stdio: ["pipe", "ignore", "pipe"],
    });
    let err = "";
    p.stderr.on("data", (d) => (err += d));
    const done = new Promise((ok) => p.on("exit", (code) => ok({ code, err })));
    return { p, done };
  }

  function integrity(dir) {
    const ic = spawnSync("sqlite3", [path.join(dir, "gloved.db"), "PRAGMA integrity_check;"], { encoding: "utf8" });
    assert.equal(ic.status, 0, ic.stderr);
    assert.equal(ic.stdout.trim(), "ok", "integrity_check after a kill");
  }

  it("stores every report exactly once across the kills", async () => {
    const pubs = sims.map((s) => publisher(s));
    let stop = false;
    // the MQTT machines: a report every few ms each, in order
    const mqttDone = (async () => {
      for (let k = 0; k < REPORTS; k++) {
        for (let i = 0; i < sims.length; i++) {
          const r = k === 0 ? sims[i].start() : sims[i].step(61000, rnd.int(1, 20), rnd.int(0, 1));
          pubs[i].p.stdin.write(JSON.stringify(r) + "\n");
        }
        await sleep(pace + rnd.int(0, 10)); // the publishing spans the kills
      }
      for (const x of pubs) x.p.stdin.end();
      for (const x of pubs) {
        const res = await x.done;
        assert.equal(res.code, 0, `mosquitto_pub: ${res.err}`);
      }
    })();
    // the HTTP machine: one report a request, retried until acknowledged
    const httpDone = (async () => {
      for (let k = 0; k < REPORTS && !stop; k++) {
        const r = k === 0 ? http.start() : http.step(61000, rnd.int(1, 9));
        for (;;) {
          let res = null;
          try {
            res = await postReports(daemon.url, gw, [r]);
          } catch {
            res = null; /* the daemon is down: retry */
          }
          if (res && res.status === 200) break;
          figures.httpRetries++;
          await sleep(50);
        }
        await sleep(pace + rnd.int(0, 10));
      }
    })();
    // the kills
    for (let k = 0; k < KILLS; k++) {
      await sleep(rnd.int(200, 900));
      const dir = daemon.dir;
      await daemon.kill({ keepDir: true });
      figures.kills++;
      integrity(dir);
      await sleep(rnd.int(50, 400)); // machines go on publishing meanwhile
      const t = Date.now();
      daemon = await startDaemon({ mqttPort: broker.port, extraArgs, dir });
      figures.restarts.push(Date.now() - t);
    }
    await mqttDone;
    stop = false;
    await httpDone;
    session = await login(daemon.url, "boss", PASSWORD);
    // everything the broker holds reaches gloved
    const want = [...sims, http].reduce((a, x) => a + x.totals().good, 0);
    await waitFor(
      async () => {
        const o = await output(daemon.url, session, { enterprise: ENT, bucket: "day", ...dayQuery });
        return o.total.good === want;
      },
      { timeoutMs: 60000, intervalMs: 250, what: `all ${want} pieces stored` },
    ).catch(() => {});
    // what this last instance counted (for a failure's diagnosis)
    const mt = await (await fetch(daemon.url + "/metrics")).text();
    const metric = (n) => (mt.match(new RegExp(`^${n} (\\d+)`, "m")) || [])[1];
    figures.last = ["gloved_reports_late_total", "gloved_reports_duplicate_total", "gloved_mqtt_rejected_total"].map((n) => `${n}=${metric(n)}`).join(" ");
    process.stderr.write(`crash trials: the last instance: ${figures.last}\n`);
    for (const s of [...sims, http]) {
      const o = await output(daemon.url, session, { enterprise: ENT, machine: s.code, bucket: "minute", ...dayQuery });
      assert.deepEqual(
        o.series.map((b) => ({ ts: b.ts, good: b.good, reject: b.reject })),
        s.buckets(MINUTE),
        `${s.code}: every report stored once (minute buckets)`,
      );
      assert.deepEqual(o.total, s.totals(), `${s.code}: total`);
    }
    // the rollups equal a rebuild from the samples
    const before = await output(daemon.url, session, { enterprise: ENT, bucket: "minute", ...dayQuery });
    const fmt = (ms) => new Date(ms + zone.offsetMs).toISOString().slice(0, 10);
    const rb = await api(daemon.url, session, "POST", "/api/v1/rebuild", { enterprise: ENT, from: fmt(dayQuery.from), to: fmt(zone.dayStart(now)) });
    assert.equal(rb.status, 200, rb.text);
    const afterRb = await output(daemon.url, session, { enterprise: ENT, bucket: "minute", ...dayQuery });
    assert.deepEqual(afterRb.series, before.series, "rollups equal a rebuild from the samples");
    process.stderr.write(
      `crash trials: ${figures.kills} kills, ${(MQTT_MACHINES + 1) * REPORTS} reports (${MQTT_MACHINES * REPORTS} over MQTT), ` +
        `0 lost, 0 doubled; ${figures.httpRetries} HTTP retries; restart ${Math.max(...figures.restarts, 0)} ms at most\n`,
    );
  });
});
