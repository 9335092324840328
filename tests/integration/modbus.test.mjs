// SPDX-License-Identifier: Apache-2.0
// Integration: Modbus TCP polling. The real daemon polls `gloved sim
// --transport modbus` (one Modbus TCP server per simulated machine on
// loopback) for devices registered with `gloved admin modbus add` while it
// runs, and:
//   - the pieces per machine in GET /api/v1/output equal exactly what the
//     servers' counters make knowable (the simulator counts, at every read it
//     answers, the pieces since the previous answered read; a reset in
//     between makes the pieces before it unknowable), and each machine's
//     state is its state register's through the state map;
//   - the same across the wrap of 16-bit counters read from one register
//     (the simulator's wrap16 fault);
//   - devices are added both with `gloved admin modbus add` and with
//     POST /api/v1/modbus-devices, and listed by both;
//   - a stopped server marks its machine offline (GET /api/v1/machines) and
//     its device offline in the fleet (GET /api/v1/gateways, protocol
//     "modbus"); started again on the same port it is polled again;
//   - a server that hangs mid-response (reads the request, never answers)
//     does not keep the other devices from being polled, is logged at most
//     once a minute, and the daemon stays healthy;
//   - bad `modbus add` commands are refused with a clear message.
// The simulator is driven through its stdin command channel (status, pause,
// resume, stop I, start I, hang I, unhang I; one JSON line answers each).
// No timing thresholds: every wait is for a condition, with generous
// timeouts.
//
// Run: GLOVED_BIN=build/gloved GLOVED_SOURCE_DIR=$PWD node --test tests/integration/modbus.test.mjs

import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { GLOVED_BIN, api, login, startDaemon, waitFor } from "../lib/harness.mjs";
import { HOUR, health, machines, metrics, noonZone, output, stopAll } from "../lib/integration.mjs";

const N = 10; // simulated machines (three firms: knitting, overlock, sewing)
const SPEED = 10; // simulated seconds per real second
const POLL_MS = 500;
const TIMEOUT_MS = 1000;
const ADMIN = "boss";
const PASSWORD = "modbus-test-pass-1";
const WAIT = { timeoutMs: 60000, intervalMs: 200 };

function portFree(port) {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once("error", () => resolve(false));
    srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
  });
}

// n consecutive ports free on 127.0.0.1 right now.
async function freePortRange(n) {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20000 + Math.floor(Math.random() * 30000);
    let ok = true;
    for (let i = 0; i < n && ok; i++) ok = await portFree(base + i);
    if (ok) return base;
  }
  throw new Error(`no ${n} consecutive free ports`);
}

// Runs `gloved sim ...args` to completion and parses its JSON output.
function simJson(args) {
  const r = spawnSync(GLOVED_BIN, ["sim", ...args.map(String)], { encoding: "utf8", timeout: 30000 });
  if (r.status !== 0) throw new Error(`gloved sim ${args.join(" ")}: exit ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

// The simulator as a child process with a line-based command channel.
function startSim(args) {
  const logFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "gloved-mbsim-")), "sim.log");
  const fd = fs.openSync(logFile, "a");
  const child = spawn(GLOVED_BIN, ["sim", ...args.map(String)], { stdio: ["pipe", "pipe", fd] });
  fs.closeSync(fd);
  const killNow = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  };
  process.on("exit", killNow);
  let buf = "";
  const waiting = [];
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (d) => {
    buf += d;
    let i;
    while ((i = buf.indexOf("\n")) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      const w = waiting.shift();
      if (w) w(line);
    }
  });
  const sim = {
    child,
    logFile,
    // Sends one command; resolves to its JSON answer.
    cmd(line) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`sim: no answer to '${line}'`)), 30000);
        waiting.push((text) => {
          clearTimeout(timer);
          try {
            resolve(JSON.parse(text));
          } catch (e) {
            reject(new Error(`sim: bad answer to '${line}': ${text}`));
          }
        });
        child.stdin.write(line + "\n");
      });
    },
    async status() {
      return (await sim.cmd("status")).machines;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        await new Promise((resolve) => {
          const t = setTimeout(() => {
            killNow();
            resolve();
          }, 10000);
          child.once("exit", () => {
            clearTimeout(t);
            resolve();
          });
        });
      }
      process.off("exit", killNow);
      const code = child.exitCode;
      fs.rmSync(path.dirname(logFile), { recursive: true, force: true });
      assert.equal(code, 0, "the simulator exits cleanly on SIGTERM");
    },
  };
  return sim;
}

const STATE_NAMES = ["off", "run", "idle", "stop", "fault", "setup"]; // the sim's state register

// Freezes the simulated machines, waits until every server answered a
// read after the freeze, then until the daemon's totals (total(ent, machine))
// equal what the servers make knowable and each machine's state (liveStates()
// -> Map "ENT/CODE" -> state) is its state register's through the default
// map; resumes. Returns the final status.
async function assertExact(sim, total, liveStates) {
  await sim.cmd("pause");
  const frozen = await sim.status();
  const st = await waitFor(
    async () => {
      const s = await sim.status();
      return s.every((m, i) => m.hang || !m.listening || m.reads > frozen[i].reads) ? s : null;
    },
    { ...WAIT, what: "a read of every answering server after the freeze" },
  );
  let last;
  try {
    await waitFor(
      async () => {
        last = [];
        const states = await liveStates();
        for (const m of st) {
          const t = await total({ enterprise: m.enterprise, machine: m.machine });
          const key = `${m.enterprise}/${m.machine}`;
          last.push({ machine: key, good: t.good, reject: t.reject, want_good: m.knowable_good, want_reject: m.knowable_reject, state: states.get(key), want_state: STATE_NAMES[m.state] });
        }
        return last.every((x) => x.good === x.want_good && x.reject === x.want_reject && x.state === x.want_state);
      },
      { ...WAIT, what: "the daemon's totals and states to equal the servers' knowable pieces and state registers" },
    );
  } catch (e) {
    throw new Error(`${e.message}\n${JSON.stringify(last, null, 1)}`);
  }
  await sim.cmd("resume");
  return st;
}

// Registers the simulated cluster's firms, workshops, machines and an admin.
function registerCluster(admin, cluster) {
  for (const e of cluster.enterprises) admin("enterprise", "add", "--code", e.code, "--name", e.name);
  for (const w of cluster.workshops) admin("workshop", "add", "--enterprise", w.enterprise, "--code", w.code, "--name", w.name);
  for (const m of cluster.machines)
    admin("machine", "add", "--enterprise", m.enterprise, "--workshop", m.workshop, "--code", m.code, "--kind", m.kind, "--cycle-ms", m.cycle_ms, "--counter-bits", m.counter_bits);
  admin("user", "add", "--username", ADMIN, "--role", "cluster_admin", "--password", PASSWORD);
}

// The `gloved admin modbus add` arguments of a device from --print-devices --json.
function addArgs(d) {
  return [
    "modbus", "add", "--enterprise", d.enterprise, "--machine", d.machine, "--host", d.host, "--port", d.port, "--unit", d.unit,
    "--counter-reg", d.counter_reg, "--counter-words", d.counter_words, "--word-order", d.word_order,
    "--reject-reg", d.reject_reg, "--state-reg", d.state_reg, "--state-map", d.state_map,
    "--poll-ms", POLL_MS, "--timeout-ms", TIMEOUT_MS,
  ];
}

describe("Modbus TCP polling", { timeout: 480000 }, () => {
  const zone = noonZone();
  const now = Date.now();
  const dayQuery = { from: zone.dayStart(now), to: zone.dayStart(now) + 24 * HOUR };
  let daemon, sim, session, base, cluster, devices;

  const key = (d) => `${d.enterprise}/${d.machine}`;
  const liveStates = async () => new Map([...(await machines(daemon.url, session))].map(([k, m]) => [k, m.state]));
  const total = async (d) => (await output(daemon.url, session, { enterprise: d.enterprise, machine: d.machine, ...dayQuery })).total;
  const gateways = async () => {
    const r = await api(daemon.url, session, "GET", "/api/v1/gateways");
    assert.equal(r.status, 200);
    return new Map(r.json.gateways.filter((g) => g.protocol === "modbus").map((g) => [g.name, g]));
  };
  const devName = (i) => `127.0.0.1:${base + i}/1`;

  before(async () => {
    base = await freePortRange(N);
    cluster = simJson(["--machines", N, "--print"]);
    devices = simJson(["--machines", N, "--transport", "modbus", "--modbus-base-port", base, "--print-devices", "--json"]).devices;
    assert.equal(devices.length, N);
    daemon = await startDaemon({
      extraArgs: ["--timezone", zone.tz, "--offline-after", "86400"],
      setup: (admin) => registerCluster(admin, cluster),
    });
    session = await login(daemon.url, ADMIN, PASSWORD);
    sim = startSim(["--transport", "modbus", "--machines", N, "--modbus-base-port", base, "--speed", SPEED]);
    // the servers come up once their machine has a value
    await waitFor(async () => (await sim.status()).every((m) => m.listening), { ...WAIT, what: "every simulated server to listen" });
  });

  after(async () => {
    await stopAll(daemon, sim);
  });

  it("refuses bad `modbus add` commands with a clear message", () => {
    const d = devices[0];
    // a valid command with some options changed
    const ok = (over = {}) => {
      const o = { "--enterprise": d.enterprise, "--machine": d.machine, "--host": "127.0.0.1", "--port": base, "--counter-reg": 0, ...over };
      return ["modbus", "add", ...Object.entries(o).filter(([, v]) => v !== null).flat()];
    };
    const cases = [
      [ok({ "--machine": "NOPE" }), /no machine 'NOPE'/],
      [ok({ "--enterprise": "NOPE" }), /no enterprise 'NOPE'/],
      [ok({ "--machine": null }), /--machine is required/],
      [ok({ "--host": null }), /--host is required/],
      [ok({ "--counter-reg": null }), /--counter-reg is required/],
      [ok({ "--word-order": "middle" }), /--word-order must be big or little/],
      [ok({ "--counter-words": 3 }), /--counter-words must be an integer in 1\.\.2/],
      [ok({ "--state-reg": 4, "--state-map": "0:off,1:running" }), /'running' is not one of/],
      [ok({ "--state-reg": 4, "--state-map": "0:off,0:run" }), /given twice/],
      [ok({ "--port": 70000 }), /--port must be an integer in 1\.\.65535/],
      [ok({ "--poll-ms": 5 }), /--poll-ms must be an integer in 100/],
      [ok({ "--timeout-ms": 60001 }), /--timeout-ms must be an integer in 100\.\.30000/],
      [ok({ "--counter-reg": 65535 }), /runs past 65535/],
      [ok({ "--host": "bad host;rm" }), /--host must be/],
    ];
    for (const [args, re] of cases) {
      assert.throws(() => daemon.admin(...args), (e) => re.test(e.stderr || ""), `refused: ${args.join(" ")}`);
    }
    assert.equal(daemon.admin("modbus", "list"), "", "nothing was added");
  });

  it("polls devices added while it runs; totals equal what the servers' counters imply, exactly", async () => {
    // half through the admin command, half through the API
    for (const [i, d] of devices.entries()) {
      if (i % 2) {
        const body = { ...d, poll_ms: POLL_MS, timeout_ms: TIMEOUT_MS };
        const r = await api(daemon.url, session, "POST", "/api/v1/modbus-devices", body);
        assert.equal(r.status, 201, `POST /api/v1/modbus-devices: ${r.status} ${r.text}`);
        assert.equal(r.json.name, `127.0.0.1:${d.port}/1`);
        continue;
      }
      daemon.admin(...addArgs(d));
    }
    // a second device for the same machine is refused
    const d0 = devices[0];
    assert.throws(
      () => daemon.admin("modbus", "add", "--enterprise", d0.enterprise, "--machine", d0.machine, "--host", "127.0.0.1", "--counter-reg", 0),
      (e) => /already has a Modbus device/.test(e.stderr),
    );
    const dup = await api(daemon.url, session, "POST", "/api/v1/modbus-devices", { ...devices[1] });
    assert.equal(dup.status, 409, dup.text);
    const bad = [
      [{ ...devices[1], machine: "NOPE" }, 404, /no machine 'NOPE'/],
      [{ ...devices[1], counter_reg: undefined }, 400, /counter_reg/],
      [{ ...devices[1], word_order: "middle" }, 400, /word order/],
      [{ ...devices[1], state_map: "1:run,1:stop" }, 400, /given twice/],
      [{ ...devices[1], counter_words: 3 }, 400, /counter_words/],
    ];
    for (const [body, status, re] of bad) {
      const r = await api(daemon.url, session, "POST", "/api/v1/modbus-devices", body);
      assert.equal(r.status, status, r.text);
      assert.match(r.json.error.message, re);
    }
    const got = await api(daemon.url, session, "GET", "/api/v1/modbus-devices");
    assert.equal(got.status, 200);
    assert.equal(got.json.modbus_devices.length, N, "GET /api/v1/modbus-devices lists every device");
    const g1 = got.json.modbus_devices.find((x) => x.enterprise === devices[1].enterprise && x.machine === devices[1].machine);
    assert.deepEqual(
      { port: g1.port, unit: g1.unit, counter_reg: g1.counter_reg, counter_words: g1.counter_words, word_order: g1.word_order, reject_reg: g1.reject_reg, state_reg: g1.state_reg, poll_ms: g1.poll_ms, timeout_ms: g1.timeout_ms, enabled: g1.enabled },
      { port: devices[1].port, unit: 1, counter_reg: 0, counter_words: devices[1].counter_words, word_order: "big", reject_reg: 2, state_reg: 4, poll_ms: POLL_MS, timeout_ms: TIMEOUT_MS, enabled: true },
    );
    const list = daemon.admin("modbus", "list").split("\n");
    assert.equal(list.length, N, "modbus list shows every device");
    assert.ok(list.some((l) => l.startsWith(`${d0.enterprise}\t${d0.machine}\t127.0.0.1:${d0.port}/1\t`)), list.join("\n"));

    await waitFor(
      async () => {
        const ms = await machines(daemon.url, session);
        return devices.every((d) => {
          const m = ms.get(key(d));
          return m && m.last_seen > 0 && !["unknown", "offline"].includes(m.state);
        });
      },
      { ...WAIT, what: "every machine to be polled" },
    );
    // let the machines make pieces
    await waitFor(async () => (await sim.status()).reduce((a, m) => a + m.knowable_good, 0) >= 20, {
      timeoutMs: 180000,
      intervalMs: 500,
      what: "the simulated machines to make pieces",
    });
    const st = await assertExact(sim, total, liveStates);
    assert.ok(st.reduce((a, m) => a + m.knowable_good, 0) >= 20, "pieces were made and counted");
    assert.ok(st.filter((m) => m.knowable_good > 0).length >= 2, "on more than one machine");

    const gw = await gateways();
    for (let i = 0; i < N; i++) {
      const g = gw.get(devName(i));
      assert.ok(g, `fleet lists ${devName(i)}`);
      assert.equal(g.enterprise, devices[i].enterprise);
      assert.equal(g.online, true);
      assert.deepEqual(g.machines, [devices[i].machine]);
      assert.ok(g.messages > 0);
    }
    const m = await metrics(daemon.url);
    assert.equal(m.gloved_modbus_devices, N);
    assert.ok(m.gloved_modbus_polls_total >= N, "polls counted");
  });

  it("marks a machine offline when its server stops, and polls it again when it is back", async () => {
    const i = 0;
    const d = devices[i];
    const e0 = (await metrics(daemon.url)).gloved_modbus_errors_total;
    await sim.cmd(`stop ${i}`);
    await waitFor(async () => (await machines(daemon.url, session)).get(key(d)).state === "offline", { ...WAIT, what: `${key(d)} offline` });
    const g = (await gateways()).get(devName(i));
    assert.equal(g.online, false, "the fleet shows the device offline");
    assert.equal(g.protocol, "modbus");
    assert.ok(g.errors > 0 && g.last_error, "the fleet shows the error");
    assert.ok((await metrics(daemon.url)).gloved_modbus_errors_total > e0, "errors counted");
    const ms = await machines(daemon.url, session);
    for (const o of devices.slice(1)) assert.notEqual(ms.get(key(o)).state, "offline", `${key(o)} is not offline`);
    assert.equal((await health(daemon.url)).status, 200);

    const before = (await sim.status())[i].reads;
    await sim.cmd(`start ${i}`);
    await waitFor(async () => (await sim.status())[i].reads > before, { timeoutMs: 120000, intervalMs: 250, what: "the restarted server to be read" });
    await waitFor(async () => (await machines(daemon.url, session)).get(key(d)).state !== "offline", { ...WAIT, what: `${key(d)} back online` });
    await waitFor(async () => (await gateways()).get(devName(i)).online === true, { ...WAIT, what: "the fleet to show the device online" });
  });

  it("keeps polling the others while one server hangs mid-response, and stays healthy", async (t) => {
    const i = 1;
    const d = devices[i];
    const m0 = await metrics(daemon.url);
    await sim.cmd(`hang ${i}`);
    const s0 = await sim.status();
    await waitFor(async () => (await machines(daemon.url, session)).get(key(d)).state === "offline", { ...WAIT, what: `${key(d)} offline` });
    // several failed polls of the hanging device, while every other device
    // keeps being read
    await waitFor(async () => (await metrics(daemon.url)).gloved_modbus_errors_total - m0.gloved_modbus_errors_total >= 3, {
      ...WAIT,
      what: "three failed polls of the hanging device",
    });
    await waitFor(
      async () => {
        const s = await sim.status();
        return s.every((m, k) => k === i || m.reads >= s0[k].reads + 3);
      },
      { ...WAIT, what: "every other server to be read while one hangs" },
    );
    const s1 = await sim.status();
    assert.equal(s1[i].reads, s0[i].reads, "the hanging server answered nothing");
    const h = await health(daemon.url);
    assert.equal(h.status, 200);
    assert.equal(h.json.status, "ok");
    const ms = await machines(daemon.url, session);
    for (const o of devices) if (o !== d) assert.notEqual(ms.get(key(o)).state, "offline", `${key(o)} is not offline`);
    assert.equal((await gateways()).get(devName(i)).online, false);
    // logged at most once a minute per device, however often it fails (the
    // log file is the daemon's stderr; skip the check if something removed it)
    if (fs.existsSync(daemon.log)) {
      const lines = daemon.logText().split("\n").filter((l) => l.includes(`WARN modbus: ${devName(i)} `));
      assert.ok(lines.length >= 1 && lines.length <= 2, `rate-limited log lines:\n${lines.join("\n")}`);
    } else {
      t.diagnostic(`${daemon.log} was removed by someone else: log rate limit not checked`);
    }

    await sim.cmd(`unhang ${i}`);
    await waitFor(async () => (await machines(daemon.url, session)).get(key(d)).state !== "offline", {
      timeoutMs: 120000,
      intervalMs: 250,
      what: `${key(d)} back online after the hang`,
    });
  });

  it("after the outages, totals still equal what the servers' counters imply, exactly", async () => {
    await assertExact(sim, total, liveStates);
  });
});

// 16-bit counters in one register (the simulator's wrap16 fault starts every
// counter just below 2^16): the wraps are counted through the machine's
// counter_bits, exactly.
describe("Modbus TCP polling of 16-bit counters that wrap", { timeout: 480000 }, () => {
  const NW = 4;
  const zone = noonZone();
  const now = Date.now();
  const dayQuery = { from: zone.dayStart(now), to: zone.dayStart(now) + 24 * HOUR };
  let daemon, sim, session;
  const simArgs = ["--machines", NW, "--faults", "wrap16"];

  before(async () => {
    const base = await freePortRange(NW);
    const cluster = simJson([...simArgs, "--print"]);
    assert.ok(cluster.machines.every((m) => m.counter_bits === 16), "wrap16 makes every counter 16-bit");
    const devices = simJson([...simArgs, "--transport", "modbus", "--modbus-base-port", base, "--print-devices", "--json"]).devices;
    assert.ok(devices.every((d) => d.counter_words === 1), "16-bit counters sit in one register");
    daemon = await startDaemon({
      extraArgs: ["--timezone", zone.tz, "--offline-after", "86400"],
      setup: (admin) => {
        registerCluster(admin, cluster);
        for (const d of devices) admin(...addArgs(d));
      },
    });
    session = await login(daemon.url, ADMIN, PASSWORD);
    // an hour of simulated work a minute: the counters wrap within a few minutes
    sim = startSim([...simArgs, "--transport", "modbus", "--modbus-base-port", base, "--speed", 60]);
  });

  after(async () => {
    await stopAll(daemon, sim);
  });

  it("counts across the wrap of a 16-bit register exactly", async () => {
    const total = async (d) => (await output(daemon.url, session, { enterprise: d.enterprise, machine: d.machine, ...dayQuery })).total;
    const liveStates = async () => new Map([...(await machines(daemon.url, session))].map(([k, m]) => [k, m.state]));
    let first = null;
    await waitFor(
      async () => {
        const s = await sim.status();
        if (!s.every((m) => m.reads > 0)) return false;
        first ??= s.map((m) => m.count);
        // a wrap: the register fell without a reset
        return s.some((m, i) => m.resets === 0 && m.count < first[i]);
      },
      { timeoutMs: 300000, intervalMs: 500, what: "a 16-bit register to wrap" },
    );
    const st = await assertExact(sim, total, liveStates);
    assert.ok(st.some((m, i) => m.resets === 0 && m.count < first[i] && m.knowable_good > m.count), "a wrap was counted");
  });
});
