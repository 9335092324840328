// SPDX-License-Identifier: Apache-2.0
// Test harness for gloved's integration and end-to-end tests (node >= 20).
//
// Starts the real mosquitto broker and the real daemon on free loopback
// ports, each in its own temp dir, and cleans up after itself: every process
// it starts is killed and every temp dir removed, by the stop() functions
// (call them from node:test `after` hooks, or pass a test context as `t`),
// and as a last resort by a process 'exit' handler.
//
// Environment:
//   GLOVED_BIN         the gloved executable (default: <source>/build/gloved)
//   GLOVED_WRAP        a command the daemon runs under, split at spaces, e.g.
//                      "valgrind --error-exitcode=1 --leak-check=full"
//   GLOVED_SOURCE_DIR  the source tree (default: two folders up from here)
//   GLOVED_TEST_KEEP   if set, temp dirs (database, logs) are kept and named
//   GLOVED_TEST_VERBOSE if set, daemon and broker logs are copied to stderr

import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import fsp from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const SOURCE_DIR =
  process.env.GLOVED_SOURCE_DIR || path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const GLOVED_BIN = process.env.GLOVED_BIN || path.join(SOURCE_DIR, "build", "gloved");
export const MOSQUITTO_BIN = process.env.MOSQUITTO_BIN || "/usr/sbin/mosquitto";
export const MOSQUITTO_PUB_BIN = process.env.MOSQUITTO_PUB_BIN || "mosquitto_pub";

const KEEP = !!process.env.GLOVED_TEST_KEEP;
const VERBOSE = !!process.env.GLOVED_TEST_VERBOSE;

// Sanitizer builds start slower and take longer to stop.
const START_TIMEOUT_MS = Number(process.env.GLOVED_TEST_START_TIMEOUT_MS || 30000);
const STOP_TIMEOUT_MS = 10000;

// ------------------------------------------------------------ cleanup

const live = {
  procs: new Set(), // ChildProcess
  dirs: new Set(), // absolute paths
};

function cleanupSync() {
  for (const p of live.procs) {
    try {
      if (p.exitCode === null && p.signalCode === null) p.kill("SIGKILL");
    } catch {
      /* already gone */
    }
  }
  live.procs.clear();
  if (!KEEP) {
    for (const d of live.dirs) {
      try {
        fs.rmSync(d, { recursive: true, force: true });
      } catch {
        /* best effort */
      }
    }
  }
  live.dirs.clear();
}

process.on("exit", cleanupSync);
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.once(sig, () => {
    cleanupSync();
    process.exit(128 + (os.constants.signals[sig] || 1));
  });
}

async function makeTempDir(prefix) {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), prefix));
  live.dirs.add(dir);
  return dir;
}

async function removeDir(dir) {
  live.dirs.delete(dir);
  if (KEEP) {
    process.stderr.write(`harness: kept ${dir}\n`);
    return;
  }
  await fsp.rm(dir, { recursive: true, force: true });
}

// Registers fn to run after the test (node:test context) if one is given.
function autoStop(t, fn) {
  if (t && typeof t.after === "function") t.after(fn);
}

// ------------------------------------------------------------ small helpers

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// A TCP port free on 127.0.0.1 right now.
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function canConnect(port, host = "127.0.0.1") {
  return new Promise((resolve) => {
    const s = net.connect({ port, host });
    const done = (ok) => {
      s.destroy();
      resolve(ok);
    };
    s.once("connect", () => done(true));
    s.once("error", () => done(false));
    s.setTimeout(1000, () => done(false));
  });
}

// An error that stops waitFor at once (instead of counting as "not yet").
export class Fatal extends Error {}

// Waits until fn() returns a truthy value (awaited) and returns it; throws
// with `what` after timeoutMs. Errors thrown by fn count as "not yet",
// except a Fatal, which is rethrown at once.
export async function waitFor(fn, { timeoutMs = 10000, intervalMs = 50, what = "condition" } = {}) {
  const deadline = Date.now() + timeoutMs;
  let lastErr;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      if (e instanceof Fatal) throw e;
      lastErr = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}` + (lastErr ? `: ${lastErr.message}` : ""));
    }
    await sleep(intervalMs);
  }
}

function tail(file, maxBytes = 8192) {
  try {
    const buf = fs.readFileSync(file);
    return buf.subarray(Math.max(0, buf.length - maxBytes)).toString("utf8");
  } catch {
    return "";
  }
}

function exited(child) {
  return child.exitCode !== null || child.signalCode !== null;
}

function waitExit(child, ms) {
  if (exited(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.off("exit", onExit);
      resolve(false);
    }, ms);
    const onExit = () => {
      clearTimeout(timer);
      resolve(true);
    };
    child.once("exit", onExit);
  });
}

// Starts a process with stdout and stderr appended to logFile.
function spawnLogged(cmd, args, logFile, opts = {}) {
  const fd = fs.openSync(logFile, "a");
  let child;
  try {
    child = spawn(cmd, args, { stdio: ["ignore", fd, fd], ...opts });
  } finally {
    fs.closeSync(fd);
  }
  live.procs.add(child);
  child.once("exit", () => live.procs.delete(child));
  // A missing binary is reported as an 'error' event, not a throw.
  child.spawnError = null;
  child.once("error", (e) => {
    child.spawnError = e;
  });
  return child;
}

// SIGTERM, wait up to STOP_TIMEOUT_MS, then SIGKILL. Resolves to
// {code, signal, killed}.
async function terminate(child) {
  let killed = false;
  if (!exited(child) && !child.spawnError) {
    child.kill("SIGTERM");
    if (!(await waitExit(child, STOP_TIMEOUT_MS))) {
      killed = true;
      child.kill("SIGKILL");
      await waitExit(child, 5000);
    }
  }
  live.procs.delete(child);
  return { code: child.exitCode, signal: child.signalCode, killed };
}

// ------------------------------------------------------------ broker

// Starts Debian's mosquitto on a free loopback port (anonymous access), or
// on `port` when given (e.g. to restart a broker where clients expect it).
// `conf`: more mosquitto.conf lines (e.g. "max_queued_messages 0"); a line
// "allow_anonymous false" replaces the default. Returns {port, dir, log, stop()}.
export async function startBroker({ t, port: wantPort, conf: extraConf = [] } = {}) {
  const dir = await makeTempDir("gloved-mosq-");
  const port = wantPort || (await freePort());
  const conf = path.join(dir, "mosquitto.conf");
  const log = path.join(dir, "mosquitto.log");
  await fsp.writeFile(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      ...(extraConf.some((l) => /^allow_anonymous\b/.test(l)) ? [] : ["allow_anonymous true"]),
      "persistence false",
      "log_dest stderr",
      ...extraConf,
      "",
    ].join("\n"),
  );
  const child = spawnLogged(MOSQUITTO_BIN, ["-c", conf], log);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await terminate(child);
    if (VERBOSE) process.stderr.write(`--- mosquitto log\n${tail(log)}\n`);
    await removeDir(dir);
  };
  try {
    await waitFor(
      async () => {
        if (child.spawnError) throw new Fatal(`cannot run ${MOSQUITTO_BIN}: ${child.spawnError.message}`);
        if (exited(child)) throw new Fatal(`mosquitto exited (${child.exitCode ?? child.signalCode})`);
        return canConnect(port);
      },
      { timeoutMs: START_TIMEOUT_MS, intervalMs: 50, what: `mosquitto on port ${port}` },
    );
  } catch (e) {
    const text = tail(log);
    await stop();
    throw new Error(`${e.message}\nend of the mosquitto log:\n${text}`);
  }
  const broker = { port, dir, log, stop };
  autoStop(t, stop);
  return broker;
}

// Publishes one MQTT message with mosquitto_pub (QoS 1 by default) and
// waits for it to be sent.
export function mqttPublish(port, topic, message, { qos = 1 } = {}) {
  const payload = typeof message === "string" ? message : JSON.stringify(message);
  const r = spawnSync(
    MOSQUITTO_PUB_BIN,
    ["-h", "127.0.0.1", "-p", String(port), "-q", String(qos), "-t", topic, "-m", payload],
    { encoding: "utf8", timeout: 15000 },
  );
  if (r.error) throw new Error(`mosquitto_pub: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`mosquitto_pub exited ${r.status}: ${r.stderr}`);
}

// ------------------------------------------------------------ daemon

// Runs `gloved admin --db <db> ...args` synchronously; returns stdout
// trimmed; throws with stderr on a non-zero exit. `input` goes to stdin
// (for --password-stdin).
export function runAdmin(db, args, { input } = {}) {
  const r = spawnSync(GLOVED_BIN, ["admin", "--db", db, ...args.map(String)], {
    encoding: "utf8",
    input: input ?? "",
    timeout: 60000,
  });
  if (r.error) throw new Error(`gloved admin ${args.join(" ")}: ${r.error.message}`);
  if (r.status !== 0) {
    const how = r.status === null ? `signal ${r.signal}` : `exit ${r.status}`;
    const err = new Error(`gloved admin ${args.join(" ")}: ${how}: ${r.stderr.trim()}`);
    err.status = r.status;
    err.stderr = r.stderr;
    err.stdout = r.stdout;
    throw err;
  }
  return r.stdout.trim();
}

// The PostgreSQL variant of a test (CTest's integration/<name>_pg): with
// GLOVED_TEST_DB=pg every daemon serves the database of $GLOVED_TEST_PG
// (scripts/pg.sh run), emptied before each daemon that does not reuse an
// earlier one's folder, instead of an SQLite file in its folder; the brand
// key lives in the folder. One daemon at a time (the database is claimed).
export const PG_URI = process.env.GLOVED_TEST_DB === "pg" ? process.env.GLOVED_TEST_PG || "" : "";
if (process.env.GLOVED_TEST_DB === "pg" && !PG_URI) {
  const req = process.env.GLOVED_TEST_PG_REQUIRED;
  if (req && req !== "0") throw new Error("GLOVED_TEST_DB=pg needs GLOVED_TEST_PG (run under scripts/pg.sh run)");
  process.stdout.write("skipped: GLOVED_TEST_DB=pg without GLOVED_TEST_PG (scripts/pg.sh run ...)\n");
  process.exit(77);
}

export function pgReset(uri) {
  const r = spawnSync("psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", uri, "-c", "DROP SCHEMA public CASCADE; CREATE SCHEMA public;"], {
    encoding: "utf8",
    timeout: 60000,
  });
  if (r.error || r.status !== 0) throw new Error(`psql: cannot empty ${uri}: ${r.error?.message ?? r.stderr}`);
}

// Starts `gloved serve` on a free port with its own temp dir and database.
//
// options:
//   mqttPort   broker port; without it the daemon runs with --no-mqtt
//   extraArgs  more `serve` arguments (e.g. ["--offline-after", "5"])
//   setup      admin commands to run before the daemon starts: an array of
//              argument arrays, or a function (admin) => {...}
//   env        extra environment for the daemon
//   t          a node:test context: stop() is registered with t.after
//   dir        the folder of an earlier daemon stopped with {keepDir: true}:
//              this daemon reuses its database (and appends to its log) and
//              owns the folder from now on (removes it on stop)
//   peer       a running daemon on PostgreSQL: this one serves the same
//              database beside it (several instances), with a copy of the
//              peer's brand key in its own folder; setup is not run
//   db         the database to serve (a file or a postgresql:// URI), as it
//              is (never emptied), instead of the folder's or $GLOVED_TEST_PG
//
// Returns {url, port, dir, db, log, admin(...args), logText(), stop(), kill()}.
// stop() sends SIGTERM, waits for the exit (SIGKILL after 10 s), removes the
// temp dir, and throws if the daemon did not exit cleanly (status 0), with
// the end of its log (sanitizer reports land there). kill() sends SIGKILL
// (a crash) and waits for the exit. Both take {keepDir: true} to keep the
// folder (and database) for a restart with startDaemon({dir}); it is still
// removed when the test process exits.
export async function startDaemon({ mqttPort, extraArgs = [], setup, env = {}, t, dir: reuseDir, peer, db: givenDb } = {}) {
  if (!fs.existsSync(GLOVED_BIN)) throw new Error(`gloved binary not found: ${GLOVED_BIN} (set GLOVED_BIN)`);
  let dir;
  if (reuseDir) {
    dir = reuseDir;
    live.dirs.add(dir);
  } else {
    dir = await makeTempDir("gloved-test-");
  }
  if (peer && !PG_URI) throw new Error("startDaemon: peer needs PostgreSQL (GLOVED_TEST_DB=pg)");
  const db = givenDb || PG_URI || path.join(dir, "gloved.db");
  const onUri = /^postgres(ql)?:\/\//.test(db);
  if (peer && !reuseDir) fs.copyFileSync(path.join(peer.dir, "brand.key"), path.join(dir, "brand.key"));
  if (PG_URI && !reuseDir && !givenDb && !peer) pgReset(PG_URI);
  const log = path.join(dir, "gloved.log");
  const admin = (...args) => runAdmin(db, args.flat());
  admin.withInput = (input, ...args) => runAdmin(db, args.flat(), { input });

  try {
    if (peer) setup = undefined;
    if (Array.isArray(setup)) for (const args of setup) admin(...args);
    else if (typeof setup === "function") await setup(admin);
  } catch (e) {
    await removeDir(dir);
    throw e;
  }

  const port = await freePort();
  const args = [
    "serve",
    "--db",
    db,
    "--listen",
    `127.0.0.1:${port}`,
    "--web-root",
    path.join(SOURCE_DIR, "web"),
    "--vendor-dir",
    path.join(SOURCE_DIR, "node_modules", "echarts", "dist"),
  ];
  if (onUri && !extraArgs.includes("--brand-key-file")) args.push("--brand-key-file", path.join(dir, "brand.key"));
  if (mqttPort) args.push("--mqtt-host", "127.0.0.1", "--mqtt-port", String(mqttPort));
  else args.push("--no-mqtt");
  args.push(...extraArgs.map(String));

  const wrap = (process.env.GLOVED_WRAP || "").split(" ").filter(Boolean);
  const child = spawnLogged(wrap.length ? wrap[0] : GLOVED_BIN, [...wrap.slice(1), ...(wrap.length ? [GLOVED_BIN] : []), ...args], log, {
    env: { ...process.env, ASAN_OPTIONS: process.env.ASAN_OPTIONS || "detect_leaks=1", ...env },
  });
  const url = `http://127.0.0.1:${port}`;

  let stopped = false;
  const stop = async ({ keepDir = false } = {}) => {
    if (stopped) return;
    stopped = true;
    const res = await terminate(child);
    const text = tail(log, 16384);
    if (VERBOSE) process.stderr.write(`--- gloved log (${dir})\n${text}\n`);
    const clean = !child.spawnError && res.code === 0 && !res.killed;
    if (!clean && KEEP) process.stderr.write(`harness: gloved log kept at ${log}\n`);
    if (!keepDir) await removeDir(dir);
    if (!clean && !daemon.crashReported) {
      const how = res.killed ? "did not stop within 10 s of SIGTERM" : `exited with ${res.code ?? res.signal}`;
      throw new Error(`gloved ${how}; end of its log:\n${text}`);
    }
  };
  const kill = async ({ keepDir = false } = {}) => {
    if (stopped) return;
    stopped = true;
    if (!exited(child) && !child.spawnError) {
      child.kill("SIGKILL");
      await waitExit(child, STOP_TIMEOUT_MS);
    }
    live.procs.delete(child);
    if (VERBOSE) process.stderr.write(`--- gloved log (${dir})\n${tail(log, 16384)}\n`);
    if (!keepDir) await removeDir(dir);
  };
  const daemon = {
    url,
    port,
    dir,
    db,
    log,
    admin,
    child,
    crashReported: false,
    logText: () => tail(log, 1 << 20),
    stop,
    kill,
  };

  try {
    await waitFor(
      async () => {
        if (child.spawnError) throw new Fatal(`cannot run ${GLOVED_BIN}: ${child.spawnError.message}`);
        if (exited(child)) throw new Fatal(`gloved exited (${child.exitCode ?? child.signalCode}) during start-up`);
        const r = await fetch(url + "/healthz", { signal: AbortSignal.timeout(2000) });
        await r.arrayBuffer();
        return r.status === 200;
      },
      { timeoutMs: START_TIMEOUT_MS, intervalMs: 100, what: `gloved /healthz on ${url}` },
    );
  } catch (e) {
    const text = tail(log, 16384);
    daemon.crashReported = true;
    await stop().catch(() => {});
    throw new Error(`${e.message}\ngloved ${args.join(" ")}\nend of its log:\n${text}`);
  }
  autoStop(t, stop);
  return daemon;
}

// ------------------------------------------------------------ HTTP API

// Logs in; returns the session token.
export async function login(url, username, password) {
  const r = await api(url, null, "POST", "/api/v1/login", { username, password });
  if (r.status !== 200 || !r.json?.token) {
    throw new Error(`login ${username}: ${r.status} ${r.text}`);
  }
  return r.json.token;
}

// One API request. `body`: an object/array (sent as JSON) or a string (sent
// as is, Content-Type from `headers` or application/json). Returns
// {status, json, text, headers}; json is null when the body is not JSON.
export async function api(url, token, method, pathname, body, headers = {}) {
  const h = { Accept: "application/json", ...headers };
  if (token) h.Authorization = `Bearer ${token}`;
  let payload;
  if (body !== undefined && body !== null) {
    payload = typeof body === "string" || body instanceof Uint8Array ? body : JSON.stringify(body);
    if (!Object.keys(h).some((k) => k.toLowerCase() === "content-type")) h["Content-Type"] = "application/json";
  }
  const res = await fetch(url + pathname, { method, headers: h, body: payload, signal: AbortSignal.timeout(30000) });
  const text = await res.text();
  let json = null;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
  }
  return { status: res.status, json, text, headers: res.headers };
}
