// SPDX-License-Identifier: Apache-2.0
// Several gloved instances on one PostgreSQL database and one broker
// (docs/design.md, "Several instances"): the fault scenario of
// tests/integration/faults.test.mjs (seeded: 3 firms, 24 machines, 4
// simulated hours with duplicates, reordering, delays, drops, gateway
// outages with replays, power cycles, and 16-bit counters that wrap) is
// published once to the broker, and two instances take it through their
// $share/gloved subscription: each gets part of every machine's reports.
// Both must then show exactly the simulator's ground truth, per machine:
// the day's output (the database) and today's pieces of the live state
// (each instance's own memory: what it committed itself and what the other
// told it with its commits). The second run kills one instance with
// SIGKILL in the middle of the stream and starts it again: still exact.
//
// PostgreSQL only (scripts/pg.sh run; CMake registers it as
// integration/instances_pg with GLOVED_TEST_DB=pg).
// Run: scripts/pg.sh run sh -c 'GLOVED_TEST_DB=pg GLOVED_BIN=build/gloved GLOVED_SOURCE_DIR=$PWD node --test tests/pg/instances.test.mjs'

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { GLOVED_BIN, PG_URI, login, mqttPublish, startBroker, startDaemon, sleep, waitFor } from "../lib/harness.mjs";
import { DAY, addCluster, health, machines, metrics, noonZone, output, runSim, stopAll } from "../lib/integration.mjs";

if (!PG_URI) {
  process.stdout.write("skipped: several instances need PostgreSQL (GLOVED_TEST_DB=pg under scripts/pg.sh run)\n");
  process.exit(77);
}

const ADMIN = "boss";
const PASSWORD = "instances-pass-1";
const CLUSTER = ["--firms", "3", "--machines", "24", "--seed", "7"];
const HOURS = 4;
// The broker queues each instance its share of the stream; replayed a
// thousand times faster than real time, the slower instance trails the
// other by minutes of machine time within seconds, which real machines
// would only see in an outage. The reorder window (daemons and the
// simulator's truth alike) covers the whole scenario, so what is tested is
// the reconciliation across instances, not the window's edge (the single
// instance's fault test keeps the default window).
const WINDOW_S = 86400;
const NET_FAULTS = `dup=0.05,reorder=0.1,delay=0.03,drop=0.03,outage=1200/5400,seed=5,window=${WINDOW_S}`;

function delivered(stderr) {
  const m = /(\d+) reports: (\d+) delivered, (\d+) lost/.exec(stderr);
  assert.ok(m, `the simulator's summary line in:\n${stderr}`);
  assert.equal(Number(m[3]), 0, "the transport lost nothing");
  return Number(m[2]);
}

const CASES = [
  { name: "two instances", faults: `${NET_FAULTS},powercycle=0.003`, kill: false },
  { name: "two instances, 16-bit counters, one killed mid-stream", faults: `${NET_FAULTS},wrap16`, kill: true },
];

for (const c of CASES.filter((_, i) => !process.env.INSTANCES_CASE || String(i) === process.env.INSTANCES_CASE)) {
  describe(`the fault scenario over MQTT through ${c.name}`, { timeout: 540000 }, () => {
    const zone = noonZone();
    const extra = ["--timezone", zone.tz, "--offline-after", "86400", "--instances", "several", "--mqtt-share-group", "gloved", "--reorder-window", String(WINDOW_S)];
    let broker, a, b, tmp;

    after(async () => {
      await stopAll(a, b, broker);
      if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    });

    it("credits exactly the simulator's ground truth on both", async () => {
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), "gloved-instances-"));
      const simFaults = ["--faults", c.faults];
      const print = spawnSync(GLOVED_BIN, ["sim", "--print", ...CLUSTER, ...simFaults], { encoding: "utf8" });
      assert.equal(print.status, 0, print.stderr);
      const cluster = JSON.parse(print.stdout);

      broker = await startBroker({ conf: ["max_queued_messages 0"] });
      a = await startDaemon({
        mqttPort: broker.port,
        extraArgs: [...extra, "--mqtt-client-id", "gloved-test-a"],
        setup: (admin) => {
          addCluster(admin, cluster);
          admin("user", "add", "--username", ADMIN, "--role", "cluster_admin", "--password", PASSWORD);
        },
      });
      const bArgs = [...extra, "--mqtt-client-id", "gloved-test-b"];
      b = await startDaemon({ mqttPort: broker.port, extraArgs: bArgs, peer: a });
      for (const d of [a, b]) {
        await waitFor(async () => (await health(d.url)).json?.mqtt === "connected", { timeoutMs: 30000, what: "mqtt connected" });
      }
      // Both subscriptions are in place once probes reach both (the broker
      // hands a shared group's messages round).
      await waitFor(
        async () => {
          mqttPublish(broker.port, "gloved/v1/NOPE/PROBE/report", "{}");
          const [ma, mb] = [await metrics(a.url), await metrics(b.url)];
          return ma.gloved_mqtt_messages_total > 0 && mb.gloved_mqtt_messages_total > 0;
        },
        { timeoutMs: 30000, intervalMs: 300, what: "both instances to receive MQTT messages" },
      );
      const before = (await metrics(a.url)).gloved_mqtt_messages_total + (await metrics(b.url)).gloved_mqtt_messages_total;
      if (!c.kill) {
        // a daemon in the default mode (instances = one) claims the
        // database alone: refused while the two serve it
        const one = spawnSync(
          GLOVED_BIN,
          ["serve", "--db", PG_URI, "--brand-key-file", path.join(a.dir, "brand.key"), "--listen", "127.0.0.1:0", "--no-mqtt"],
          { encoding: "utf8", timeout: 30000 },
        );
        assert.notEqual(one.status, 0, "an instances = one daemon is refused");
        assert.match(one.stderr, /holds this database/);
      }

      const truthFile = path.join(tmp, "truth.json");
      const args = ["--transport", "mqtt", "--mqtt-host", "127.0.0.1", "--mqtt-port", String(broker.port), ...CLUSTER, ...simFaults];
      args.push("--backfill-hours", String(HOURS), "--duration", String(HOURS * 3600), "--truth", truthFile);
      const sim = runSim(args);
      let killedAt = 0;
      if (c.kill) {
        // SIGKILL b once it has taken part of the stream, start it again
        // on its folder and client id: the broker redelivers what b had
        // not acknowledged (gloved acknowledges after the commit)
        await waitFor(async () => (await metrics(b.url)).gloved_mqtt_messages_total > 400, {
          timeoutMs: 120000,
          intervalMs: 20,
          what: "b to take part of the stream",
        });
        killedAt = (await metrics(b.url)).gloved_mqtt_messages_total;
        await b.kill({ keepDir: true });
        await sleep(500);
        b = await startDaemon({ mqttPort: broker.port, extraArgs: bArgs, peer: a, dir: b.dir });
      }
      const run = await sim;
      assert.equal(run.code, 0, `gloved sim ${args.join(" ")}:\n${run.stderr}`);
      const n = delivered(run.stderr);
      const truth = JSON.parse(fs.readFileSync(truthFile, "utf8"));
      const keys = Object.keys(truth);
      assert.equal(keys.length, cluster.machines.length);
      const duplicates = keys.reduce((s, k) => s + truth[k].duplicates, 0);
      assert.ok(duplicates > 0);

      // every delivered report reached one of the two (at least once: a
      // killed instance's unacknowledged ones come again)
      await waitFor(
        async () => (await metrics(a.url)).gloved_mqtt_messages_total + (await metrics(b.url)).gloved_mqtt_messages_total - before >= n - killedAt,
        { timeoutMs: 180000, intervalMs: 300, what: `the instances to receive the ${n} delivered reports` },
      );
      const ma = await metrics(a.url);
      const mb = await metrics(b.url);
      assert.ok(ma.gloved_mqtt_messages_total > 100 && mb.gloved_mqtt_messages_total > 100, "the broker spread the reports over both");
      assert.ok(ma.gloved_shared_syncs_total + mb.gloved_shared_syncs_total > 0, "machines moved between the instances");

      const now = Date.now();
      const q = { bucket: "day", from: zone.dayStart(now) - DAY, to: zone.dayStart(now) + 2 * DAY };
      const want = {};
      for (const k of keys) want[k] = { good: truth[k].good, reject: truth[k].reject, good_today: truth[k].good, reject_today: truth[k].reject };
      for (const d of [a, b]) {
        const session = await login(d.url, ADMIN, PASSWORD);
        const shown = async () => {
          const out = {};
          const live = await machines(d.url, session);
          for (const m of cluster.machines) {
            const o = await output(d.url, session, { ...q, enterprise: m.enterprise, machine: m.code });
            const l = live.get(`${m.enterprise}/${m.code}`);
            out[`${m.enterprise}/${m.code}`] = { good: o.total.good, reject: o.total.reject, good_today: l.good_today, reject_today: l.reject_today };
          }
          return out;
        };
        let got;
        await waitFor(
          async () => {
            got = await shown();
            return JSON.stringify(got) === JSON.stringify(want);
          },
          { timeoutMs: 30000, intervalMs: 500, what: "the totals to settle" },
        ).catch(() => {});
        if (JSON.stringify(got) !== JSON.stringify(want)) {
          const m = await metrics(d.url);
          const errs = [a, b].map((x) => x.logText().split("\n").filter((l) => /error|warn|fail/i.test(l)).slice(-20).join("\n"));
          const diag = `commit failures ${m.gloved_commit_failures_total}, syncs ${m.gloved_shared_syncs_total}, late ${m.gloved_reports_late_total}\na's log:\n${errs[0]}\nb's log:\n${errs[1]}`;
          assert.deepEqual(got, want, `per-machine totals on ${d === a ? "a" : "b"} equal the simulator's ground truth\n${diag}`);
        }
      }
      assert.ok(keys.reduce((s, k) => s + truth[k].good, 0) > 1000, "a real amount of output");
      // duplicates: each one was refused by whichever instance got it
      // (with a kill, the restarted instance's counters start again: the
      // exact totals above are the check)
      const dup = (await metrics(a.url)).gloved_reports_duplicate_total + (await metrics(b.url)).gloved_reports_duplicate_total;
      const late = (await metrics(a.url)).gloved_reports_late_total + (await metrics(b.url)).gloved_reports_late_total;
      assert.equal(late, 0, "nothing late");
      if (!c.kill) assert.equal(dup, duplicates, "duplicates counted once each across the two");
      // the other instance's live updates reached each (a restarted b may
      // have had nothing left to hear of)
      assert.ok((await metrics(a.url)).gloved_live_notes_total > 0, "a heard of b's commits");
      if (!c.kill) assert.ok((await metrics(b.url)).gloved_live_notes_total > 0, "b heard of a's commits");
    });
  });
}
