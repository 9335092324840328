// SPDX-License-Identifier: Apache-2.0
// Integration: a full disk and failing I/O (issue 15, part 3) through the
// real daemon over HTTP and MQTT. An LD_PRELOAD shim (tests/shim/failfs.c) makes
// every write and fsync of the database files fail with ENOSPC, then EIO,
// while its control file exists. During it ingest is refused with a 503
// and a JSON error — never a 200 for what is not on disk — reads keep
// answering, and gloved recovers by itself when the disk comes back: the
// gateway's retries of the refused reports are then stored. Over MQTT
// nothing is acknowledged that could not be stored: the broker sends it
// again until the disk is back, and it is stored once. At the end
// (and again after a SIGKILL and a restart) the output is exactly what the
// machine made: nothing acknowledged lost, nothing counted twice, and
// SQLite's integrity check is ok.
//
// Run: GLOVED_BIN=build/gloved GLOVED_SOURCE_DIR=$PWD node --test tests/integration/diskfull.test.mjs

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { GLOVED_BIN, api, login, mqttPublish, startBroker, startDaemon, waitFor } from "../lib/harness.mjs";
import { HOUR, MINUTE, SimMachine, noonZone, output, postReports, stopAll } from "../lib/integration.mjs";

const ENT = "DF01";
const PASSWORD = "diskfull-pass-1";
const SHIM = process.env.FAILFS_SHIM || path.join(path.dirname(GLOVED_BIN), "libfailfs.so");

describe("a full disk and failing I/O", { timeout: 240000 }, () => {
  const zone = noonZone();
  const now = Date.now();
  const dayQuery = { from: zone.dayStart(now), to: zone.dayStart(now) + 24 * HOUR };
  const extraArgs = ["--timezone", zone.tz, "--offline-after", "86400"];
  let daemon, gw, session, ctl, broker;
  const m = new SimMachine("M1", { ts: now - 50 * MINUTE, good: 5000 });
  const q = new SimMachine("Q1", { ts: now - 50 * MINUTE + 100, good: 300 });
  const refused = [];

  const env = () => ({ LD_PRELOAD: SHIM, FAILFS_CTL: ctl, FAILFS_PREFIX: daemon?.db ?? "" });

  before(async () => {
    assert.ok(fs.existsSync(SHIM), `the shim ${SHIM} (cmake builds it)`);
    // the shim needs the database's path, known once the daemon has a dir:
    // start, stop, and start again on the same dir with the shim
    broker = await startBroker();
    const first = await startDaemon({
      mqttPort: broker.port,
      extraArgs,
      setup: (a) => {
        a("enterprise", "add", "--code", ENT, "--name", "满盘测试厂");
        a("workshop", "add", "--enterprise", ENT, "--code", "W1", "--name", "车间");
        a("machine", "add", "--enterprise", ENT, "--workshop", "W1", "--code", "M1");
        a("machine", "add", "--enterprise", ENT, "--workshop", "W1", "--code", "Q1");
        a("user", "add", "--username", "boss", "--role", "cluster_admin", "--password", PASSWORD);
        gw = a("token", "add", "--enterprise", ENT, "--name", "gw-df");
      },
    });
    const dir = first.dir;
    await first.stop({ keepDir: true });
    ctl = path.join(dir, "failfs.ctl");
    daemon = { db: path.join(dir, "gloved.db") };
    daemon = await startDaemon({ mqttPort: broker.port, extraArgs, dir, env: env() });
    session = await login(daemon.url, "boss", PASSWORD);
  });

  after(async () => stopAll(daemon, broker));

  const post = (reports) => postReports(daemon.url, gw, reports);

  async function assertExact(what, sim = m) {
    const o = await output(daemon.url, session, { enterprise: ENT, machine: sim.code, bucket: "minute", ...dayQuery });
    assert.deepEqual(
      o.series.map((b) => ({ ts: b.ts, good: b.good, reject: b.reject })),
      sim.buckets(MINUTE),
      `${what}: minute buckets of ${sim.code}`,
    );
    assert.deepEqual(o.total, sim.totals(), `${what}: total of ${sim.code}`);
  }

  const qTotal = async () => (await output(daemon.url, session, { enterprise: ENT, machine: "Q1", bucket: "day", ...dayQuery })).total.good;

  it("stores while the disk is fine", async () => {
    const r = await post([m.start(), ...Array.from({ length: 10 }, () => m.step(30000, 7))]);
    assert.equal(r.status, 200, r.text);
    await assertExact("before");
  });

  for (const errno of ["ENOSPC", "EIO"]) {
    it(`refuses ingest with a 503 while writes fail with ${errno}, and reads go on`, async () => {
      fs.writeFileSync(ctl, errno);
      try {
        for (let i = 0; i < 3; i++) {
          const rep = m.step(30000, 5);
          const r = await post([rep]);
          assert.equal(r.status, 503, `a report while the disk fails: ${r.status} ${r.text}`);
          assert.equal(typeof r.json?.error?.message, "string", "a JSON error");
          refused.push(rep);
        }
        const h = await fetch(daemon.url + "/healthz", { signal: AbortSignal.timeout(2000) });
        assert.equal(h.status, 200);
        const ms = await api(daemon.url, session, "GET", "/api/v1/machines");
        assert.equal(ms.status, 200, "reads keep working");
        const o = await output(daemon.url, session, { enterprise: ENT, machine: "M1", bucket: "minute", ...dayQuery });
        assert.ok(o.total.good > 0);
      } finally {
        fs.rmSync(ctl, { force: true });
      }
    });

    it(`recovers by itself after ${errno}: the retried reports are stored`, async () => {
      // the gateway retries what was refused; gloved stores it now
      let r;
      for (let i = 0; i < 50; i++) {
        r = await post(refused);
        if (r.status === 200) break;
        await new Promise((ok) => setTimeout(ok, 100));
      }
      assert.equal(r.status, 200, r.text);
      refused.length = 0;
      const more = await post([m.step(30000, 3), m.step(30000, 4)]);
      assert.equal(more.status, 200, more.text);
      await assertExact(`after ${errno}`);
    });
  }

  it("over MQTT, acknowledges nothing it could not store, and stores it once the disk is back", async () => {
    const topic = `gloved/v1/${ENT}/Q1/report`;
    await mqttPublish(broker.port, topic, JSON.stringify(q.start()));
    await mqttPublish(broker.port, topic, JSON.stringify(q.step(61000, 11)));
    await waitFor(async () => (await qTotal()) === 11, { what: "Q1's first pieces" });
    fs.writeFileSync(ctl, "ENOSPC");
    try {
      // QoS 1: the broker has them; gloved cannot commit them, so it does
      // not acknowledge them and the broker keeps sending them again
      await mqttPublish(broker.port, topic, JSON.stringify(q.step(61000, 5)));
      await mqttPublish(broker.port, topic, JSON.stringify(q.step(61000, 6)));
      await new Promise((ok) => setTimeout(ok, 1500));
      assert.equal(await qTotal(), 11, "nothing stored while the disk is full");
      const h = await fetch(daemon.url + "/healthz", { signal: AbortSignal.timeout(2000) });
      assert.equal(h.status === 200 || h.status === 503, true);
    } finally {
      fs.rmSync(ctl, { force: true });
    }
    await waitFor(async () => (await qTotal()) === 22, { timeoutMs: 60000, intervalMs: 200, what: "the redelivered reports stored" });
    await assertExact("MQTT after the disk came back", q);
  });

  it("keeps exactly that across a SIGKILL, with an intact database", async () => {
    const dir = daemon.dir;
    await daemon.kill({ keepDir: true });
    const ic = spawnSync("sqlite3", [path.join(dir, "gloved.db"), "PRAGMA integrity_check;"], { encoding: "utf8" });
    assert.equal(ic.status, 0, ic.stderr);
    assert.equal(ic.stdout.trim(), "ok");
    daemon = await startDaemon({ mqttPort: broker.port, extraArgs, dir, env: env() });
    session = await login(daemon.url, "boss", PASSWORD);
    await assertExact("after the restart");
    await assertExact("after the restart", q);
  });
});
