// SPDX-License-Identifier: Apache-2.0
// Integration: bad ingest requests. Each is refused whole with the right
// 4xx and a JSON error naming the offending record, and nothing of it is
// written: the good records before the bad one do not show in
// /api/v1/output or /api/v1/machines, gloved_reports_accepted_total does not
// move, and when they are sent alone afterwards they are new (not
// duplicates). The daemon stays healthy through all of it.
//
// Run: GLOVED_BIN=build/gloved GLOVED_SOURCE_DIR=$PWD node --test tests/integration/ingest_errors.test.mjs

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { api, login, startBroker, startDaemon } from "../lib/harness.mjs";
import { HOUR, health, machines, metrics, noonZone, output, postOk, prng, stopAll } from "../lib/integration.mjs";

const A = "PY01";
const B = "GM01";
const ADMIN = "boss";
const PASSWORD = "ingest-errors-pass-1";
const MAX_BODY = 4096;
const MAX_RECORDS = 20;

describe("HTTP ingest refuses bad requests whole", { timeout: 300000 }, () => {
  const zone = noonZone();
  const now = Date.now();
  const t0 = now - 2 * HOUR;
  const dayQuery = { from: zone.dayStart(now), to: zone.dayStart(now) + 24 * HOUR, bucket: "minute" };
  let broker, daemon, gwA, gwB, session;

  // K1 and K2 have a baseline and a few pieces; the prefix (two good
  // records, never written while a bad one follows them) would add 10 + 20.
  const base = [
    { machine: "K1", ts: t0, count: 100, reject: 1, state: "run" },
    { machine: "K1", ts: t0 + 60000, count: 110, reject: 1, state: "run" },
    { machine: "K2", ts: t0, count: 500, state: "run" },
    { machine: "K2", ts: t0 + 60000, count: 505, state: "idle" },
  ];
  const prefix = [
    { machine: "K1", ts: t0 + 120000, count: 120, reject: 2, state: "run" },
    { machine: "K2", ts: t0 + 120000, count: 525, state: "stop", reason: "YARN_BREAK" },
  ];
  const good = (extra = {}) => ({ machine: "K1", ts: t0 + 180000, count: 130, reject: 2, state: "run", ...extra });
  const without = (obj, key) => {
    const o = { ...obj };
    delete o[key];
    return o;
  };

  before(async () => {
    broker = await startBroker();
    daemon = await startDaemon({
      mqttPort: broker.port,
      extraArgs: ["--timezone", zone.tz, "--max-body", MAX_BODY, "--max-records", MAX_RECORDS, "--offline-after", "86400"],
      setup: (admin) => {
        admin("enterprise", "add", "--code", A, "--name", "平邑甲厂");
        admin("enterprise", "add", "--code", B, "--name", "高密乙厂");
        admin("workshop", "add", "--enterprise", A, "--code", "W1", "--name", "一车间");
        admin("workshop", "add", "--enterprise", B, "--code", "W1", "--name", "一车间");
        admin("machine", "add", "--enterprise", A, "--workshop", "W1", "--code", "K1");
        admin("machine", "add", "--enterprise", A, "--workshop", "W1", "--code", "K2");
        admin("machine", "add", "--enterprise", A, "--workshop", "W1", "--code", "K16", "--counter-bits", "16");
        admin("machine", "add", "--enterprise", B, "--workshop", "W1", "--code", "G1");
        admin("user", "add", "--username", ADMIN, "--role", "cluster_admin", "--password", PASSWORD);
        gwA = admin("token", "add", "--enterprise", A, "--name", "gw-a");
        gwB = admin("token", "add", "--enterprise", B, "--name", "gw-b");
      },
    });
    session = await login(daemon.url, ADMIN, PASSWORD);
    await postOk(daemon.url, gwA, base);
    await postOk(daemon.url, gwB, [
      { machine: "G1", ts: t0, count: 7000, state: "run" },
      { machine: "G1", ts: t0 + 60000, count: 7042, reject: 0, state: "run" },
    ]);
  });

  after(async () => {
    await stopAll(daemon, broker);
  });

  // Everything a refused request must leave as it was.
  async function snapshot() {
    return {
      a: (await output(daemon.url, session, { enterprise: A, ...dayQuery })).series,
      b: (await output(daemon.url, session, { enterprise: B, ...dayQuery })).series,
      machines: [...(await machines(daemon.url, session)).values()],
      metrics: await metrics(daemon.url),
    };
  }

  // Sends a request that must be refused and checks the answer and that
  // nothing changed. expect: {status, code, record (number, or undefined
  // for a request-level error), field (a word the message must name),
  // counted (validation refusals count in gloved_reports_rejected_total)}.
  async function refused(what, send, { status, code, record, field, counted = true }) {
    const before = await snapshot();
    const r = await send();
    assert.equal(r.status, status, `${what}: status (${r.text})`);
    assert.ok(r.json && typeof r.json.error === "object", `${what}: a JSON error body, got ${r.text}`);
    assert.equal(r.json.error.code, code, `${what}: error code`);
    assert.equal(typeof r.json.error.message, "string", `${what}: error message`);
    assert.ok(r.json.error.message.length > 0, `${what}: a non-empty message`);
    if (record !== undefined) assert.equal(r.json.error.record, record, `${what}: the offending record (${r.text})`);
    if (field) assert.match(r.json.error.message, new RegExp(field), `${what}: the message names ${field}`);
    assert.match(r.headers.get("content-type") || "", /application\/json/, `${what}: JSON content type`);
    const afterS = await snapshot();
    assert.deepEqual(afterS.a, before.a, `${what}: ${A}'s output unchanged`);
    assert.deepEqual(afterS.b, before.b, `${what}: ${B}'s output unchanged`);
    assert.deepEqual(afterS.machines, before.machines, `${what}: machines' live state unchanged`);
    const m0 = before.metrics;
    const m1 = afterS.metrics;
    assert.equal(m1.gloved_reports_accepted_total, m0.gloved_reports_accepted_total, `${what}: nothing accepted`);
    assert.equal(m1.gloved_commits_total, m0.gloved_commits_total, `${what}: nothing committed`);
    if (counted) {
      assert.equal(
        m1.gloved_reports_rejected_total - m0.gloved_reports_rejected_total,
        1,
        `${what}: counted once in gloved_reports_rejected_total`,
      );
    }
    return r;
  }

  const post = (token, body, headers) => () => api(daemon.url, token, "POST", "/api/v1/reports", body, headers);
  const ndjson = (lines) => lines.map((l) => (typeof l === "string" ? l : JSON.stringify(l))).join("\n") + "\n";
  const NDJ = { "Content-Type": "application/x-ndjson" };

  it("refuses malformed JSON", async () => {
    const text = JSON.stringify([...prefix, good()]).slice(0, -20);
    await refused("truncated JSON array", post(gwA, text), { status: 400, code: "bad_request" });
    await refused("JSON array with a trailing comma", post(gwA, JSON.stringify(prefix).slice(0, -1) + ",]"), {
      status: 400,
      code: "bad_request",
    });
    await refused("two JSON arrays", post(gwA, JSON.stringify(prefix) + JSON.stringify(prefix)), {
      status: 400,
      code: "bad_request",
    });
    await refused("malformed NDJSON line 3", post(gwA, ndjson([...prefix, '{"machine":"K1","ts":']), NDJ), {
      status: 400,
      code: "bad_request",
      record: 2,
    });
  });

  it("refuses a machine unknown in the token's firm with 404", async () => {
    await refused("unknown machine", post(gwA, [...prefix, good({ machine: "K999" })]), {
      status: 404,
      code: "not_found",
      record: 2,
      field: "K999",
    });
    await refused("unknown machine (NDJSON)", post(gwA, ndjson([...prefix, good({ machine: "K999" })]), NDJ), {
      status: 404,
      code: "not_found",
      record: 2,
    });
  });

  it("refuses another firm's machine with this firm's token (404), leaving that firm's output unchanged", async () => {
    const gm = { machine: "G1", ts: t0 + 120000, count: 9000, state: "run" };
    await refused("B's machine with A's token", post(gwA, [...prefix, gm]), { status: 404, code: "not_found", record: 2 });
    await refused("B's machine first", post(gwA, [gm, ...prefix]), { status: 404, code: "not_found", record: 0 });
    // and the other way round
    await refused("A's machine with B's token", post(gwB, [{ ...gm }, { machine: "K1", ts: t0 + 180000, count: 999, state: "run" }]), {
      status: 404,
      code: "not_found",
      record: 1,
    });
  });

  it("refuses bad counts", async () => {
    await refused("negative count", post(gwA, [...prefix, good({ count: -1 })]), { status: 400, code: "bad_request", record: 2, field: "count" });
    await refused("count 1.5", post(gwA, [...prefix, good({ count: 1.5 })]), { status: 400, code: "bad_request", record: 2, field: "count" });
    await refused("count as a string", post(gwA, [...prefix, good({ count: "130" })]), {
      status: 400,
      code: "bad_request",
      record: 2,
      field: "count",
    });
    await refused("count null", post(gwA, [...prefix, good({ count: null })]), { status: 400, code: "bad_request", record: 2, field: "count" });
    await refused("missing count", post(gwA, [...prefix, without(good(), "count")]), {
      status: 400,
      code: "bad_request",
      record: 2,
      field: "count",
    });
    await refused("count 1e300", post(gwA, [...prefix, good({ count: 1e300 })]), { status: 400, code: "bad_request", record: 2, field: "count" });
    await refused("negative reject", post(gwA, [...prefix, good({ reject: -3 })]), {
      status: 400,
      code: "bad_request",
      record: 2,
      field: "reject",
    });
    await refused("16-bit machine reporting 65536", post(gwA, [...prefix, good({ machine: "K16", count: 65536 })]), {
      status: 400,
      code: "bad_request",
      record: 2,
    });
  });

  it("refuses bad timestamps", async () => {
    await refused("ts one hour in the future", post(gwA, [...prefix, good({ ts: Date.now() + HOUR })]), {
      status: 400,
      code: "bad_request",
      record: 2,
      field: "ts",
    });
    await refused("ts in seconds", post(gwA, [...prefix, good({ ts: Math.floor(Date.now() / 1000) })]), {
      status: 400,
      code: "bad_request",
      record: 2,
      field: "ts",
    });
    await refused("ts as an ISO string", post(gwA, [...prefix, good({ ts: new Date().toISOString() })]), {
      status: 400,
      code: "bad_request",
      record: 2,
      field: "ts",
    });
    await refused("missing ts", post(gwA, [...prefix, without(good(), "ts")]), { status: 400, code: "bad_request", record: 2, field: "ts" });
  });

  it("refuses a missing or bad state, and other bad fields", async () => {
    await refused("missing state", post(gwA, [...prefix, without(good(), "state")]), {
      status: 400,
      code: "bad_request",
      record: 2,
      field: "state",
    });
    await refused("state 'running'", post(gwA, [...prefix, good({ state: "running" })]), {
      status: 400,
      code: "bad_request",
      record: 2,
      field: "state",
    });
    await refused("state as a number", post(gwA, [...prefix, good({ state: 1 })]), { status: 400, code: "bad_request", record: 2, field: "state" });
    await refused("missing machine", post(gwA, [...prefix, without(good(), "machine")]), {
      status: 400,
      code: "bad_request",
      record: 2,
      field: "machine",
    });
    await refused("a record that is not an object", post(gwA, [...prefix, 42]), { status: 400, code: "bad_request", record: 2 });
    await refused("reason of 40 characters", post(gwA, [...prefix, good({ state: "stop", reason: "R".repeat(40) })]), {
      status: 400,
      code: "bad_request",
      record: 2,
      field: "reason",
    });
    await refused("bad first record", post(gwA, [good({ state: "exploded" }), ...prefix]), { status: 400, code: "bad_request", record: 0 });
  });

  it("refuses a body over --max-body with 413", async () => {
    const big = [];
    for (let i = 0; JSON.stringify(big).length <= MAX_BODY + 500; i++) big.push({ ...prefix[0] });
    const text = JSON.stringify(big);
    assert.ok(text.length > MAX_BODY);
    await refused("body over max-body", post(gwA, text), { status: 413, code: "too_large", counted: false });
    // the same without Content-Length (chunked upload)
    const chunked = () =>
      fetch(daemon.url + "/api/v1/reports", {
        method: "POST",
        headers: { Authorization: `Bearer ${gwA}`, "Content-Type": "application/json" },
        body: new ReadableStream({
          start(c) {
            for (let i = 0; i < text.length; i += 1000) c.enqueue(new TextEncoder().encode(text.slice(i, i + 1000)));
            c.close();
          },
        }),
        duplex: "half",
        signal: AbortSignal.timeout(30000),
      }).then(async (res) => {
        const body = await res.text();
        let json = null;
        try {
          json = JSON.parse(body);
        } catch {
          /* not JSON */
        }
        return { status: res.status, json, text: body, headers: res.headers };
      });
    await refused("chunked body over max-body", chunked, { status: 413, code: "too_large", counted: false });
  });

  it("refuses more records than --max-records with 413", async () => {
    const many = [];
    for (let i = 0; i < MAX_RECORDS + 1; i++) many.push({ machine: "K2", ts: t0 + 120000 + i * 1000, count: 525 + i, state: "run" });
    assert.ok(JSON.stringify(many).length < MAX_BODY, "small enough for max-body");
    await refused("max-records + 1 (JSON array)", post(gwA, many), { status: 413, code: "too_large" });
    await refused("max-records + 1 (NDJSON)", post(gwA, ndjson(many), NDJ), { status: 413, code: "too_large" });
  });

  it("refuses missing and wrong credentials with 401", async () => {
    const body = [...prefix];
    await refused("no token", post(null, body), { status: 401, code: "unauthorized", counted: false });
    await refused("unknown gateway token", post("gw_" + "A".repeat(43), body), { status: 401, code: "unauthorized", counted: false });
    await refused("garbage token", post("not-a-token", body), { status: 401, code: "unauthorized", counted: false });
    await refused("Basic auth", post(null, body, { Authorization: "Basic Z3c6Z3c=" }), { status: 401, code: "unauthorized", counted: false });
    await refused("a session token used for reports", post(session, body), { status: 401, code: "unauthorized", counted: false });
    const cookieOnly = () =>
      api(daemon.url, null, "POST", "/api/v1/reports", body, { Cookie: `gloved_session=${session}` });
    await refused("a session cookie used for reports", cookieOnly, { status: 401, code: "unauthorized", counted: false });
    // and the reverse: a gateway token cannot read
    for (const p of ["/api/v1/machines", "/api/v1/output", "/api/v1/enterprises", "/api/v1/me"]) {
      const r = await api(daemon.url, gwA, "GET", p);
      assert.equal(r.status, 401, `a gateway token on GET ${p}: ${r.text}`);
      assert.equal(r.json?.error?.code, "unauthorized");
    }
  });

  it("survives garbage bodies", async () => {
    const rnd = prng(4242);
    const bodies = [
      "",
      "   \n\t ",
      "[]x",
      "null",
      "[null]",
      "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
      "[".repeat(3000),
      "{".repeat(3000),
      '[{"machine":"K1","ts":1e999,"count":1,"state":"run"}]',
      '[{"machine":"K1","ts":' + (Date.now() - 1000) + ',"count":1,"state":"run","count":2}, 7]',
      '[{"machine":"\u0000K1"}]',
      '[{"machine":"K1\\u0000","ts":' + (Date.now() - 1000) + ',"count":1,"state":"run"}, 7]',
      '[{"machine":"' + "K".repeat(3000) + '"}]',
      "[\"\\ud800\"]",
      Buffer.from([0x5b, 0xff, 0xfe, 0x00, 0x5d]),
      Buffer.from([0x7b, 0xc3, 0x28, 0x7d]),
    ];
    for (let i = 0; i < 40; i++) {
      const n = rnd.int(1, 600);
      const b = Buffer.alloc(n);
      for (let k = 0; k < n; k++) b[k] = rnd.int(0, 255);
      bodies.push(b);
    }
    const alphabet = '[]{}",:0123456789.-eE truefalsnul\\\n';
    for (let i = 0; i < 40; i++) {
      let s = "";
      const n = rnd.int(1, 400);
      for (let k = 0; k < n; k++) s += alphabet[rnd.int(0, alphabet.length - 1)];
      bodies.push(s);
    }
    for (const [i, body] of bodies.entries()) {
      const payload = typeof body === "string" ? body : new Uint8Array(body);
      for (const headers of [{}, NDJ]) {
        const r = await api(daemon.url, gwA, "POST", "/api/v1/reports", payload, headers);
        assert.ok(r.status === 400 || r.status === 404 || r.status === 413, `garbage body ${i}: ${r.status} ${r.text}`);
        assert.ok(r.json?.error?.code, `garbage body ${i}: a JSON error (${r.text})`);
      }
    }
    const h = await health(daemon.url);
    assert.equal(h.status, 200, h.text);
  });

  it("is still healthy, and the refused good records were never written", async () => {
    const h = await health(daemon.url);
    assert.equal(h.status, 200, h.text);
    assert.equal(h.json.status, "ok");
    assert.equal(h.json.db, "ok");
    const before = (await output(daemon.url, session, { enterprise: A, machine: "K1", ...dayQuery })).total;
    assert.deepEqual(before, { good: 10, reject: 0 });
    // the prefix rode along in dozens of refused requests; alone it is new
    await postOk(daemon.url, gwA, prefix, { duplicates: 0 });
    const k1 = (await output(daemon.url, session, { enterprise: A, machine: "K1", ...dayQuery })).total;
    const k2 = (await output(daemon.url, session, { enterprise: A, machine: "K2", ...dayQuery })).total;
    assert.deepEqual(k1, { good: 20, reject: 1 });
    assert.deepEqual(k2, { good: 25, reject: 0 });
    const g1 = (await output(daemon.url, session, { enterprise: B, machine: "G1", ...dayQuery })).total;
    assert.deepEqual(g1, { good: 42, reject: 0 }, "the other firm's machine counts only its own reports");
    const m = await machines(daemon.url, session);
    assert.equal(m.get(`${A}/K2`).state, "stop");
    assert.equal(m.get(`${A}/K2`).reason, "YARN_BREAK");
  });
});
