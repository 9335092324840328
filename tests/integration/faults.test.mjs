// SPDX-License-Identifier: Apache-2.0
// Integration: the simulator in fault mode through each transport against the
// real broker and the real daemon, for a fixed scenario (seeded: 3 firms, 24
// machines, the last 4 simulated hours replayed as fast as the transport
// takes them). The network duplicates, reorders, delays and drops reports, each
// firm's gateway has an outage and then replays its buffered history, machines
// are power-cycled between reports (counter reset: what they made since their
// last report is lost to everyone), and in the wrap16 cases every counter is
// 16 bits wide and starts just below 2^16. The simulator writes its ground
// truth (what the delivered reports make knowable, per machine); the daemon's
// totals must equal it exactly: GET /api/v1/output?bucket=day per machine and
// good_today/reject_today of GET /api/v1/machines, and its duplicate count.
//
// More transports are more entries of CASES: `simArgs` gives the simulator's
// transport arguments, `setup` registers what the transport needs besides
// the cluster, `delivered(m0, m1, truthDelivered)` says whether the daemon
// has taken in everything.
//
// Run: GLOVED_BIN=build/gloved GLOVED_SOURCE_DIR=$PWD node --test tests/integration/faults.test.mjs

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { GLOVED_BIN, api, login, mqttPublish, startBroker, startDaemon, waitFor } from "../lib/harness.mjs";
import { DAY, HOUR, addCluster, health, machines, metrics, noonZone, output, runSim, stopAll } from "../lib/integration.mjs";

const ADMIN = "boss";
const PASSWORD = "faults-pass-1";
const CLUSTER = ["--firms", "3", "--machines", "24", "--seed", "7"];
const HOURS = 4;
const NET_FAULTS = "dup=0.05,reorder=0.1,delay=0.03,drop=0.03,outage=1200/5400,seed=5";

const CASES = [
  {
    name: "JSON MQTT",
    transport: "mqtt",
    protocol: "mqtt",
    faults: `${NET_FAULTS},powercycle=0.003`,
    broker: true,
    simArgs: ({ broker }) => ["--mqtt-host", "127.0.0.1", "--mqtt-port", String(broker.port)],
    delivered: (m0, m1, n) => m1.gloved_mqtt_messages_total - m0.gloved_mqtt_messages_total >= n,
  },
  {
    name: "JSON MQTT, 16-bit counters",
    transport: "mqtt",
    protocol: "mqtt",
    faults: `${NET_FAULTS},wrap16`,
    broker: true,
    simArgs: ({ broker }) => ["--mqtt-host", "127.0.0.1", "--mqtt-port", String(broker.port)],
    delivered: (m0, m1, n) => m1.gloved_mqtt_messages_total - m0.gloved_mqtt_messages_total >= n,
  },
  {
    // edge node per workshop, group = firm, device = machine (sim_sparkplug.h)
    name: "Sparkplug B",
    transport: "sparkplug",
    protocol: "sparkplug",
    faults: `${NET_FAULTS},powercycle=0.003`,
    broker: true,
    simArgs: ({ broker }) => ["--mqtt-host", "127.0.0.1", "--mqtt-port", String(broker.port)],
    delivered: (m0, m1, n) => m1.gloved_reports_accepted_total - m0.gloved_reports_accepted_total >= n,
  },
  {
    name: "HTTP",
    transport: "http",
    protocol: "http",
    faults: `${NET_FAULTS},powercycle=0.003`,
    simArgs: ({ daemon, tokensFile }) => ["--http-url", daemon.url, "--http-tokens", tokensFile],
    // a 200 comes after the commit; the sim exits after its last 200
    delivered: () => true,
  },
  {
    name: "HTTP, 16-bit counters",
    transport: "http",
    protocol: "http",
    faults: `${NET_FAULTS},wrap16`,
    simArgs: ({ daemon, tokensFile }) => ["--http-url", daemon.url, "--http-tokens", tokensFile],
    delivered: () => true,
  },
];

// The summary line the simulator prints at the end.
function faultCounts(stderr) {
  const m = /(\d+) reports: (\d+) delivered, (\d+) lost, (\d+) dropped, (\d+) duplicated, (\d+) held back, (\d+) buffered in outages, (\d+) power cycles, (\d+) ambiguous/.exec(
    stderr,
  );
  assert.ok(m, `the simulator's summary line in:\n${stderr}`);
  const [reports, delivered, lost, dropped, duplicated, held, buffered, powercycles, ambiguous] = m.slice(1).map(Number);
  return { reports, delivered, lost, dropped, duplicated, held, buffered, powercycles, ambiguous };
}

for (const c of CASES) {
  describe(`fault mode through ${c.name}`, { timeout: 480000 }, () => {
    const zone = noonZone();
    let broker, daemon, session, tmp;

    after(async () => {
      await stopAll(daemon, broker);
      if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    });

    it("credits exactly the simulator's ground truth", async () => {
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), "gloved-faults-"));
      const simFaults = ["--faults", c.faults];
      const print = spawnSync(GLOVED_BIN, ["sim", "--print", ...CLUSTER, ...simFaults], { encoding: "utf8" });
      assert.equal(print.status, 0, print.stderr);
      const cluster = JSON.parse(print.stdout);
      if (c.faults.includes("wrap16")) assert.ok(cluster.machines.every((m) => m.counter_bits === 16));

      if (c.broker) broker = await startBroker({ conf: ["max_queued_messages 0"] });
      const tokens = [];
      daemon = await startDaemon({
        mqttPort: broker?.port,
        extraArgs: ["--timezone", zone.tz, "--offline-after", "86400"],
        setup: (admin) => {
          addCluster(admin, cluster);
          for (const e of cluster.enterprises) tokens.push(`${e.code} ${admin("token", "add", "--enterprise", e.code, "--name", `gw-${e.code}`)}`);
          admin("user", "add", "--username", ADMIN, "--role", "cluster_admin", "--password", PASSWORD);
        },
      });
      session = await login(daemon.url, ADMIN, PASSWORD);
      const tokensFile = path.join(tmp, "tokens.txt");
      fs.writeFileSync(tokensFile, tokens.join("\n") + "\n", { mode: 0o600 });

      if (c.broker) {
        // The daemon's subscription is in place once a probe message is counted.
        await waitFor(async () => (await health(daemon.url)).json?.mqtt === "connected", { timeoutMs: 30000, what: "mqtt connected" });
        await waitFor(
          async () => {
            mqttPublish(broker.port, "gloved/v1/NOPE/PROBE/report", "{}");
            return (await metrics(daemon.url)).gloved_mqtt_messages_total > 0;
          },
          { timeoutMs: 30000, intervalMs: 300, what: "the daemon to receive MQTT messages" },
        );
      }
      const m0 = await metrics(daemon.url);

      const truthFile = path.join(tmp, "truth.json");
      const args = ["--transport", c.transport, ...c.simArgs({ broker, daemon, tokensFile }), ...CLUSTER, ...simFaults];
      args.push("--backfill-hours", String(HOURS), "--duration", String(HOURS * 3600), "--truth", truthFile);
      const run = await runSim(args);
      assert.equal(run.code, 0, `gloved sim ${args.join(" ")}:\n${run.stderr}`);
      const counts = faultCounts(run.stderr);
      const truth = JSON.parse(fs.readFileSync(truthFile, "utf8"));

      // The scenario really is faulty, and every fault is knowable.
      assert.equal(counts.lost, 0, "the transport lost nothing");
      assert.ok(counts.dropped > 0 && counts.duplicated > 0 && counts.held > 0 && counts.buffered > 0, JSON.stringify(counts));
      if (c.faults.includes("powercycle")) assert.ok(counts.powercycles > 0, JSON.stringify(counts));
      assert.equal(counts.ambiguous, 0, "no interval the counter rules cannot tell");
      const keys = Object.keys(truth);
      assert.equal(keys.length, cluster.machines.length);
      const delivered = keys.reduce((a, k) => a + truth[k].delivered, 0);
      const duplicates = keys.reduce((a, k) => a + truth[k].duplicates, 0);
      assert.equal(delivered, counts.delivered);
      assert.ok(duplicates > 0);
      assert.equal(keys.reduce((a, k) => a + truth[k].late, 0), 0, "nothing arrives beyond the reorder window");
      if (c.faults.includes("wrap16")) {
        // at least 11 of the 24 at any time of day (machines off at night do not wrap)
        assert.ok(keys.filter((k) => truth[k].wraps > 0).length >= 8, "counters wrapped");
      }

      await waitFor(async () => c.delivered(m0, await metrics(daemon.url), delivered), {
        timeoutMs: 120000,
        intervalMs: 200,
        what: `the daemon to receive the ${delivered} delivered reports`,
      });

      const now = Date.now();
      const q = { bucket: "day", from: zone.dayStart(now) - DAY, to: zone.dayStart(now) + 2 * DAY };
      const shown = async () => {
        const out = {};
        const live = await machines(daemon.url, session);
        for (const m of cluster.machines) {
          const o = await output(daemon.url, session, { ...q, enterprise: m.enterprise, machine: m.code });
          const l = live.get(`${m.enterprise}/${m.code}`);
          out[`${m.enterprise}/${m.code}`] = { good: o.total.good, reject: o.total.reject, good_today: l.good_today, reject_today: l.reject_today };
        }
        return out;
      };
      const want = {};
      for (const k of keys) want[k] = { good: truth[k].good, reject: truth[k].reject, good_today: truth[k].good, reject_today: truth[k].reject };
      // Rollups may trail the last commit by rollup_flush_ms.
      let got;
      await waitFor(
        async () => {
          got = await shown();
          return JSON.stringify(got) === JSON.stringify(want);
        },
        { timeoutMs: 15000, intervalMs: 500, what: "the totals to settle" },
      ).catch(() => {});
      assert.deepEqual(got, want, "per-machine totals equal the simulator's ground truth");
      const total = keys.reduce((a, k) => a + truth[k].good, 0);
      assert.ok(total > 1000, `a real amount of output (${total})`);

      const m1 = await metrics(daemon.url);
      assert.equal(m1.gloved_reports_duplicate_total - m0.gloved_reports_duplicate_total, duplicates, "duplicates counted once each");
      assert.equal(m1.gloved_reports_late_total - m0.gloved_reports_late_total, 0, "nothing late");
      // The gateway fleet shows every firm's source(s) of this transport,
      // with every machine behind them and no errors.
      const gws = await api(daemon.url, session, "GET", "/api/v1/gateways");
      assert.equal(gws.status, 200, gws.text);
      for (const e of cluster.enterprises) {
        const mine = gws.json.gateways.filter((g) => g.enterprise === e.code && g.protocol === c.protocol);
        assert.ok(mine.length > 0, `${e.code} has a ${c.protocol} source: ${gws.text}`);
        const behind = new Set(mine.flatMap((g) => g.machines));
        const want = cluster.machines.filter((m) => m.enterprise === e.code).map((m) => m.code);
        assert.deepEqual([...behind].sort(), want.sort(), `machines behind ${e.code}'s ${c.protocol} sources`);
        assert.equal(mine.reduce((a, g) => a + g.errors, 0), 0, `${e.code}'s sources had no errors`);
      }
      // The day's window covers the scenario: a check that it is one local day.
      assert.ok(now - HOURS * HOUR > zone.dayStart(now));
    });
  });
}
