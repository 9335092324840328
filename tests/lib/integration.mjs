// SPDX-License-Identifier: Apache-2.0
// Helpers shared by the integration tests (tests/integration/*.test.mjs):
// a time zone that keeps "today" away from midnight, a ground-truth model of
// machine counters, /metrics parsing, output queries, an SSE client and a
// seeded random generator. The harness (harness.mjs) starts the processes.

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { Fatal, GLOVED_BIN, api, waitFor } from "./harness.mjs";

export const HOUR = 3600000;
export const MINUTE = 60000;
export const DAY = 86400000;

// A whole-hour IANA zone (Etc/GMT±N) in which it is about noon right now, so
// that "today" (local day) holds every timestamp a test makes from a few
// hours ago to now, whenever the test runs. Returns {tz, offsetMs,
// dayStart(ms)}.
export function noonZone(now = Date.now()) {
  const h = new Date(now).getUTCHours();
  let off = 12 - h; // hours east of UTC
  if (off > 14) off -= 24;
  if (off < -12) off += 24;
  // Etc/GMT signs are inverted: Etc/GMT-5 is UTC+5.
  const tz = off === 0 ? "Etc/GMT" : off > 0 ? `Etc/GMT-${off}` : `Etc/GMT+${-off}`;
  const offsetMs = off * HOUR;
  const dayStart = (ms) => Math.floor((ms + offsetMs) / DAY) * DAY - offsetMs;
  return { tz, offsetMs, dayStart };
}

// Deterministic PRNG (mulberry32). rnd() in [0,1); rnd.int(lo, hi) inclusive.
export function prng(seed) {
  let a = seed >>> 0;
  const rnd = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  rnd.int = (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1));
  rnd.pick = (arr) => arr[Math.floor(rnd() * arr.length)];
  return rnd;
}

export function shuffle(arr, rnd) {
  const a = arr.slice();
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

// A simulated machine. Its counter is what the machine would report: the
// cumulative good/reject pieces modulo 2^bits, back to 0 on a reset. The
// ground truth is what was physically made: `pieces` made between two
// reports belong to the later report's timestamp (the first report is the
// baseline). step() returns the report and records the truth.
export class SimMachine {
  constructor(code, { bits = 64, good = 0, reject = 0, ts, state = "run" } = {}) {
    this.code = code;
    this.mod = bits >= 64 ? null : 2 ** bits;
    this.good = good;
    this.reject = reject;
    this.ts = ts;
    this.state = state;
    this.reports = [];
    this.truth = []; // {ts, good, reject} pieces credited at ts
  }

  report(extra = {}) {
    const r = { machine: this.code, ts: this.ts, count: this.good, reject: this.reject, state: this.state, ...extra };
    this.reports.push(r);
    return r;
  }

  // The first report: the baseline, no pieces.
  start(extra) {
    return this.report(extra);
  }

  // Advance dtMs, make `good` and `reject` pieces, optionally reset the
  // counter first (the pieces made after the restart are then counted from
  // 0), and report.
  step(dtMs, good, reject = 0, { reset = false, state, reason } = {}) {
    this.ts += dtMs;
    if (reset) {
      this.good = 0;
      this.reject = 0;
    }
    this.good += good;
    this.reject += reject;
    if (this.mod) {
      this.good %= this.mod;
      this.reject %= this.mod;
    }
    if (state) this.state = state;
    this.truth.push({ ts: this.ts, good, reject });
    return this.report(reason !== undefined ? { reason } : {});
  }

  totals() {
    return this.truth.reduce((a, x) => ({ good: a.good + x.good, reject: a.reject + x.reject }), { good: 0, reject: 0 });
  }

  // Non-empty buckets {ts, good, reject}, sorted, for a bucket of `size` ms
  // (minute or hour) or a function ts -> bucket start (day).
  buckets(size) {
    const key = typeof size === "function" ? size : (ts) => ts - (ts % size);
    return bucketsOf(this.truth, key);
  }
}

export function bucketsOf(truth, key) {
  const m = new Map();
  for (const x of truth) {
    const k = key(x.ts);
    const b = m.get(k) || { ts: k, good: 0, reject: 0 };
    b.good += x.good;
    b.reject += x.reject;
    m.set(k, b);
  }
  return [...m.values()].filter((b) => b.good || b.reject).sort((a, b) => a.ts - b.ts);
}

// Prometheus text -> {name: value} for unlabelled samples.
export async function metrics(url) {
  const res = await fetch(url + "/metrics", { signal: AbortSignal.timeout(10000) });
  assert.equal(res.status, 200, "/metrics answers 200");
  const text = await res.text();
  const out = {};
  for (const line of text.split("\n")) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*) (\S+)$/.exec(line.trim());
    if (m) out[m[1]] = Number(m[2]);
  }
  return out;
}

export async function health(url) {
  const res = await fetch(url + "/healthz", { signal: AbortSignal.timeout(10000) });
  const text = await res.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, json, text };
}

// GET /api/v1/output with the given query; asserts 200 and returns the JSON.
export async function output(url, token, query) {
  const qs = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined && v !== null).map(([k, v]) => [k, String(v)]));
  const r = await api(url, token, "GET", `/api/v1/output?${qs}`);
  assert.equal(r.status, 200, `GET /api/v1/output?${qs}: ${r.status} ${r.text}`);
  return r.json;
}

// The series of an output answer without anything but ts/good/reject.
export function series(out) {
  return out.series.map((b) => ({ ts: b.ts, good: b.good, reject: b.reject }));
}

// GET /api/v1/machines (optionally ?enterprise=) -> map code -> machine.
export async function machines(url, token, query = {}) {
  const qs = new URLSearchParams(query);
  const r = await api(url, token, "GET", `/api/v1/machines${qs.size ? "?" + qs : ""}`);
  assert.equal(r.status, 200, `GET /api/v1/machines: ${r.status} ${r.text}`);
  const m = new Map();
  for (const x of r.json.machines) m.set(`${x.enterprise}/${x.code}`, x);
  return m;
}

// POST /api/v1/reports as a JSON array (or NDJSON with {ndjson: true});
// returns the api() result.
export async function postReports(url, gwToken, reports, { ndjson = false } = {}) {
  if (ndjson) {
    return api(url, gwToken, "POST", "/api/v1/reports", reports.map((r) => JSON.stringify(r)).join("\n") + "\n", {
      "Content-Type": "application/x-ndjson",
    });
  }
  return api(url, gwToken, "POST", "/api/v1/reports", reports);
}

// Posts and asserts 200 with the expected counts (duplicates and late
// default to 0, accepted to the number of records).
export async function postOk(url, gwToken, reports, { ndjson = false, duplicates = 0, late = 0 } = {}) {
  const r = await postReports(url, gwToken, reports, { ndjson });
  assert.equal(r.status, 200, `POST /api/v1/reports: ${r.status} ${r.text}`);
  assert.deepEqual(r.json, { accepted: reports.length, duplicates, late }, `POST /api/v1/reports answer`);
  return r.json;
}

// Server-sent events from GET /api/v1/events. Returns {events, next(pred,
// opts), close()}: events collects {event, data} in arrival order; next()
// waits for the first event at or after position `from` (default: the
// next one not yet consumed by next) that matches pred.
export async function openEvents(url, { token, cookie } = {}) {
  const ac = new AbortController();
  const headers = { Accept: "text/event-stream" };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (cookie) headers.Cookie = cookie;
  const res = await fetch(url + "/api/v1/events", { headers, signal: ac.signal });
  const stream = {
    status: res.status,
    headers: res.headers,
    events: [],
    cursor: 0,
    error: null,
    closed: false,
  };
  if (res.status !== 200) {
    stream.text = await res.text();
    stream.close = () => {};
    return stream;
  }
  const decoder = new TextDecoder();
  let buf = "";
  (async () => {
    try {
      for await (const chunk of res.body) {
        buf += decoder.decode(chunk, { stream: true });
        let i;
        while ((i = buf.indexOf("\n\n")) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          let event = "message";
          const data = [];
          for (const line of block.split("\n")) {
            if (line.startsWith(":")) continue;
            if (line.startsWith("event:")) event = line.slice(6).trim();
            else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
          }
          if (!data.length) continue;
          let json = null;
          try {
            json = JSON.parse(data.join("\n"));
          } catch {
            json = null;
          }
          stream.events.push({ event, data: json, raw: data.join("\n") });
        }
      }
    } catch (e) {
      if (!ac.signal.aborted) stream.error = e;
    }
    stream.closed = true;
  })();
  stream.next = async (pred = () => true, { timeoutMs = 20000, what = "an event" } = {}) => {
    return waitFor(
      () => {
        for (; stream.cursor < stream.events.length; stream.cursor++) {
          const e = stream.events[stream.cursor];
          if (pred(e)) {
            stream.cursor++;
            return e;
          }
        }
        if (stream.closed) throw new Fatal(`event stream closed${stream.error ? ": " + stream.error.message : ""}`);
        return null;
      },
      { timeoutMs, intervalMs: 20, what },
    );
  };
  stream.close = () => ac.abort();
  return stream;
}

// Stops every daemon/broker given (null entries skipped), in order, even
// when one of them fails to stop cleanly; then throws the first failure.
// Use it in `after` hooks so that one failure does not leave processes
// running (which would keep the test process alive).
export async function stopAll(...things) {
  let first = null;
  for (const x of things) {
    if (!x) continue;
    try {
      await x.stop();
    } catch (e) {
      first ??= e;
    }
  }
  if (first) throw first;
}

// Runs `gloved sim ...` to its end; resolves {code, stderr} (the fault
// scenarios: tests/integration/faults.test.mjs, tests/pg/instances.test.mjs).
export function runSim(args, timeoutMs = 240000) {
  return new Promise((resolve, reject) => {
    const child = spawn(GLOVED_BIN, ["sim", ...args], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`gloved sim did not finish in ${timeoutMs} ms:\n${stderr}`));
    }, timeoutMs);
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? signal, stderr });
    });
  });
}

// Registers the firms, workshops and machines of `gloved sim --print`'s
// cluster through admin (a startDaemon setup's argument).
export function addCluster(admin, cluster) {
  for (const e of cluster.enterprises) admin("enterprise", "add", "--code", e.code, "--name", e.name, "--town", e.town);
  for (const w of cluster.workshops) admin("workshop", "add", "--enterprise", w.enterprise, "--code", w.code, "--name", w.name);
  for (const m of cluster.machines) {
    const args = ["machine", "add", "--enterprise", m.enterprise, "--workshop", m.workshop, "--code", m.code];
    args.push("--kind", m.kind, "--cycle-ms", m.cycle_ms, "--counter-bits", m.counter_bits);
    if (m.gauge) args.push("--gauge", m.gauge);
    admin(...args);
  }
}
