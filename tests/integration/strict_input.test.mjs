// SPDX-License-Identifier: Apache-2.0
// Integration: what no handler can see once a request is parsed is refused
// before any route runs (src/http/router.c): a NUL inside a JSON string or a
// query parameter (a C string would end there and the rest be dropped
// silently), invalid UTF-8 and control characters in a parameter; and an
// error message never carries invalid UTF-8, whatever the caller sent.
// Ingest fields (docs/api.md, "Ingest fields: types, ranges, lengths"):
// every number and string out of its range or length, of the wrong type or
// repeated, is refused with 400 naming the field and the record, over HTTP
// (JSON array and NDJSON), MQTT and bundle scans, and nothing of the request
// is stored.
//
// Run: GLOVED_BIN=build/gloved GLOVED_SOURCE_DIR=$PWD node --test tests/integration/strict_input.test.mjs

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { api, login, mqttPublish, startBroker, startDaemon, waitFor } from "../lib/harness.mjs";
import { HOUR, health, metrics, noonZone, output, postOk, stopAll } from "../lib/integration.mjs";

const F = "SI01";
const PW = "strict-pass-0001";

describe("strict input: NUL, invalid UTF-8 and control characters", () => {
  let daemon, tok;

  before(async () => {
    daemon = await startDaemon({
      setup: (admin) => {
        admin("enterprise", "add", "--code", F, "--name", "严格厂", "--town", "嘉祥");
        admin("workshop", "add", "--enterprise", F, "--code", "W1", "--name", "一车间");
        admin("machine", "add", "--enterprise", F, "--workshop", "W1", "--code", "M1");
        admin("user", "add", "--username", "boss", "--role", "enterprise_admin", "--enterprise", F, "--password", PW);
      },
    });
    tok = await login(daemon.url, "boss", PW);
  });

  after(async () => {
    await stopAll(daemon);
  });

  const refused = (r, what, word) => {
    assert.equal(r.status, 400, `${what}: ${r.status} ${r.text}`);
    assert.equal(r.json?.error?.code, "bad_request", `${what}: ${r.text}`);
    if (word) assert.match(r.json.error.message, word, what);
  };

  it("refuses a NUL escaped inside a JSON string and writes nothing", async () => {
    const r = await api(daemon.url, tok, "POST", "/api/v1/gateway-tokens", '{"enterprise":"SI01","name":"x\\u0000y"}');
    refused(r, "gateway token name with \\u0000", /NUL/);
    const h = await api(daemon.url, tok, "POST", "/api/v1/households", '{"enterprise":"SI01","code":"H1\\u0000z","name":"王","village":"v","phone":"1","rate_pct":100}');
    refused(h, "household code with \\u0000", /NUL/);
    const hs = await api(daemon.url, tok, "GET", `/api/v1/households?enterprise=${F}`);
    assert.equal(hs.status, 200, hs.text);
    assert.equal(JSON.stringify(hs.json).includes("H1"), false, "no household was added");
  });

  it("refuses a raw zero byte in a JSON body", async () => {
    const body = new Uint8Array(Buffer.from('{"enterprise":"SI01","name":"a\u0000b"}', "utf8"));
    const r = await api(daemon.url, tok, "POST", "/api/v1/gateway-tokens", body);
    refused(r, "zero byte in the body", /NUL/);
  });

  it("keeps an escaped backslash followed by u0000 as text", async () => {
    // the JSON string is  a\u0000b  with a literal backslash: no NUL in it
    const r = await api(daemon.url, tok, "POST", "/api/v1/gateway-tokens", '{"enterprise":"SI01","name":"gw\\\\u0000"}');
    assert.equal(r.status, 201, r.text);
  });

  it("refuses a NUL in a query parameter instead of cutting the value", async () => {
    refused(await api(daemon.url, tok, "GET", `/api/v1/machines?enterprise=${F}%00junk`), "enterprise=SI01%00junk", /'enterprise'/);
    refused(await api(daemon.url, tok, "GET", `/api/v1/output?enterprise=${F}&machine=M1%00x`), "machine=M1%00x", /'machine'/);
    const ok = await api(daemon.url, tok, "GET", `/api/v1/machines?enterprise=${F}`);
    assert.equal(ok.status, 200, ok.text);
  });

  it("refuses invalid UTF-8 and control characters in a parameter, and never echoes invalid bytes", async () => {
    for (const q of [`enterprise=${F}&machine=%ff%fe`, `enterprise=${F}&machine=%c0%af`, `enterprise=${F}&machine=a%0Ab`, `enterprise=${F}&machine=%ed%a0%80`]) {
      const res = await fetch(`${daemon.url}/api/v1/output?${q}`, { headers: { Authorization: `Bearer ${tok}` } });
      const bytes = new Uint8Array(await res.arrayBuffer());
      const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes); // throws on invalid UTF-8
      assert.equal(res.status, 400, `${q}: ${res.status} ${text}`);
      assert.equal(JSON.parse(text).error.code, "bad_request", q);
    }
    // a parameter's name with invalid bytes is not quoted
    const res = await fetch(`${daemon.url}/api/v1/machines?enterprise=${F}&%ff=1`, { headers: { Authorization: `Bearer ${tok}` } });
    const text = new TextDecoder("utf-8", { fatal: true }).decode(new Uint8Array(await res.arrayBuffer()));
    assert.equal(res.status, 400, text);
    assert.match(JSON.parse(text).error.message, /name/);
  });

  it("refuses a JSON body with anything after its value, and writes nothing", async () => {
    const hh = (code) => `{"enterprise":"SI01","code":"${code}","name":"王","village":"v","phone":"1","rate_pct":100}`;
    for (const body of [`${hh("HT1")} junk`, `${hh("HT1")}${hh("HT2")}`, `${hh("HT1")},`, `${hh("HT1")}\u0001`]) {
      const r = await api(daemon.url, tok, "POST", "/api/v1/households", body);
      assert.equal(r.status, 400, `${body}: ${r.status} ${r.text}`);
      assert.match(r.json?.error?.message ?? "", /JSON/, body);
    }
    // JSON whitespace after the value is fine
    const ok = await api(daemon.url, tok, "POST", "/api/v1/households", `${hh("HT3")}\r\n\t `);
    assert.equal(ok.status, 201, ok.text);
    const hs = await api(daemon.url, tok, "GET", `/api/v1/households?enterprise=${F}`);
    assert.equal(hs.status, 200, hs.text);
    const text = JSON.stringify(hs.json);
    assert.ok(text.includes('"HT3"'), text);
    assert.equal(/"HT[12]"/.test(text), false, "no household of a refused body was added");
  });

  it("lets Chinese text through", async () => {
    const r = await api(daemon.url, tok, "POST", "/api/v1/gateway-tokens", { enterprise: F, name: "网关-一号" });
    assert.equal(r.status, 201, r.text);
    const w = await api(daemon.url, tok, "GET", `/api/v1/machines?enterprise=${F}&workshop=${encodeURIComponent("一车间")}`);
    assert.notEqual(w.status, 400, w.text);
  });
});

describe("strict input: ingest fields out of range, over-long, of the wrong type or repeated", { timeout: 300000 }, () => {
  const E = "SI02";
  const zone = noonZone();
  const now = Date.now();
  const t0 = now - 2 * HOUR;
  const day = { enterprise: E, from: zone.dayStart(now), to: zone.dayStart(now) + 24 * HOUR, bucket: "minute" };
  let broker, daemon, gw, boss, worker, codes;
  let tsNext = t0 + 60000;

  before(async () => {
    broker = await startBroker();
    daemon = await startDaemon({
      mqttPort: broker.port,
      extraArgs: ["--timezone", zone.tz, "--offline-after", "86400"],
      setup: (admin) => {
        admin("enterprise", "add", "--code", E, "--name", "严格乙厂", "--town", "嘉祥");
        admin("workshop", "add", "--enterprise", E, "--code", "W1", "--name", "一车间");
        admin("machine", "add", "--enterprise", E, "--workshop", "W1", "--code", "K1");
        admin("machine", "add", "--enterprise", E, "--workshop", "W1", "--code", "K2");
        admin("user", "add", "--username", "boss2", "--role", "enterprise_admin", "--enterprise", E, "--password", PW);
        admin("user", "add", "--username", "wang", "--role", "worker", "--enterprise", E, "--worker", "W001", "--password", PW);
        gw = admin("token", "add", "--enterprise", E, "--name", "gw");
      },
    });
    boss = await login(daemon.url, "boss2", PW);
    worker = await login(daemon.url, "wang", PW);
    await postOk(daemon.url, gw, [
      { machine: "K1", ts: t0, count: 100, state: "run" },
      { machine: "K2", ts: t0, count: 100, state: "run" },
    ]);
    await waitFor(async () => (await health(daemon.url)).json?.mqtt === "connected", { timeoutMs: 20000, what: "mqtt connected" });
    // two bundle tickets to scan
    let r = await api(daemon.url, boss, "POST", "/api/v1/styles", {
      enterprise: E, code: "SKI-01", name: "滑雪手套", category: "ski", family: "sewn", sizes: ["8"],
      routing: [{ code: "S01", name: "合缝", smv: "1.20", rate: "0.1500" }],
    });
    assert.equal(r.status, 201, r.text);
    r = await api(daemon.url, boss, "POST", "/api/v1/orders", { enterprise: E, code: "PO-1", buyer: "x", style: "SKI-01", due: "2026-12-31", lines: [{ size: "8", qty: 40 }] });
    assert.equal(r.status, 201, r.text);
    r = await api(daemon.url, boss, "POST", "/api/v1/orders/release", { enterprise: E, order: "PO-1" });
    assert.equal(r.status, 200, r.text);
    r = await api(daemon.url, boss, "POST", "/api/v1/cuts", { enterprise: E, order: "PO-1", bundle_size: 20, lines: [{ size: "8", plies: 2, pairs_per_ply: 20 }] });
    assert.equal(r.status, 201, r.text);
    r = await api(daemon.url, boss, "GET", `/api/v1/bundles?enterprise=${E}&order=PO-1`);
    assert.equal(r.status, 200, r.text);
    codes = r.json.bundles.map((b) => b.ops[0].code);
    assert.ok(codes.length >= 2, r.text);
  });

  after(async () => {
    await stopAll(daemon, broker);
  });

  const good = (extra = {}) => ({ machine: "K1", ts: (tsNext += 1000), count: 200, state: "run", ...extra });
  // A report with one field's JSON text put in raw (JSON.stringify cannot
  // write 1.0000000000000000001, -0, 2^53 + 1 or a repeated key).
  const raw = (field, text, base = good()) => {
    const o = { ...base };
    delete o[field];
    return JSON.stringify(o).slice(0, -1) + `,"${field}":${text}}`;
  };
  const totalGood = async () => (await output(daemon.url, boss, day)).total.good;

  // Posts body, which must be refused with 400 naming field and record, and
  // checks that nothing of it was stored.
  async function refused(what, body, { field, record, headers }) {
    const before = { good: await totalGood(), m: await metrics(daemon.url) };
    const r = await api(daemon.url, gw, "POST", "/api/v1/reports", body, headers);
    assert.equal(r.status, 400, `${what}: ${r.status} ${r.text}`);
    assert.equal(r.json?.error?.code, "bad_request", `${what}: ${r.text}`);
    assert.equal(r.json.error.record, record, `${what}: the record (${r.text})`);
    assert.match(r.json.error.message, new RegExp(`'${field}'`), `${what}: names ${field}`);
    const m = await metrics(daemon.url);
    assert.equal(m.gloved_reports_accepted_total, before.m.gloved_reports_accepted_total, `${what}: nothing accepted`);
    assert.equal(m.gloved_commits_total, before.m.gloved_commits_total, `${what}: nothing committed`);
    assert.equal(await totalGood(), before.good, `${what}: output unchanged`);
  }

  // [good K2 record, bad record]: refused as a JSON array and as NDJSON.
  async function refusedBoth(what, badText, field) {
    const first = JSON.stringify(good({ machine: "K2", count: 150 }));
    await refused(`${what} (array)`, `[${first},${badText}]`, { field, record: 1 });
    await refused(`${what} (NDJSON)`, `${first}\n${badText}\n`, { field, record: 1, headers: { "Content-Type": "application/x-ndjson" } });
  }

  it("refuses fractional counters, also below a double's precision, and -0", async () => {
    await refusedBoth("count 12.5", raw("count", "12.5"), "count");
    await refusedBoth("count 1.0000000000000000001", raw("count", "1.0000000000000000001"), "count");
    await refusedBoth("count -0", raw("count", "-0"), "count");
    await refusedBoth("reject 0.5", raw("reject", "0.5"), "reject");
    await refusedBoth("ts with a fraction", raw("ts", `${now - HOUR}.5`), "ts");
  });

  it("refuses counters beyond 2^53 - 1 instead of rounding them", async () => {
    await refusedBoth("count 2^53 + 1", raw("count", "9007199254740993"), "count");
    await refusedBoth("count 2^53", raw("count", "9007199254740992"), "count");
    await refusedBoth("count 2^64", raw("count", "18446744073709551616"), "count");
    await refusedBoth("count 1e30", raw("count", "1e30"), "count");
    await refusedBoth("count -1", raw("count", "-1"), "count");
    await refusedBoth("reject 2^53 + 1", raw("reject", "9007199254740993"), "reject");
    await refusedBoth("seq 2^64", raw("seq", "18446744073709551616"), "seq");
    await refusedBoth("seq -1", raw("seq", "-1"), "seq");
  });

  it("refuses wrong types", async () => {
    await refusedBoth("count as a string", raw("count", '"200"'), "count");
    await refusedBoth("count true", raw("count", "true"), "count");
    await refusedBoth("count as an object", raw("count", '{"v":1}'), "count");
    await refusedBoth("seq as a string", raw("seq", '"7"'), "seq");
    await refusedBoth("machine as a number", raw("machine", "1"), "machine");
    await refusedBoth("worker false", raw("worker", "false"), "worker");
    await refusedBoth("reason as an array", raw("reason", '["YARN"]', good({ state: "stop" })), "reason");
  });

  it("refuses over-long strings rather than cutting them", async () => {
    await refusedBoth("machine of 33", raw("machine", JSON.stringify("K".repeat(33))), "machine");
    await refusedBoth("machine of 100", raw("machine", JSON.stringify("K".repeat(100))), "machine");
    await refusedBoth("reason of 33", raw("reason", JSON.stringify("R".repeat(33)), good({ state: "stop" })), "reason");
    await refusedBoth("worker of 33", raw("worker", JSON.stringify("W".repeat(33))), "worker");
    await refusedBoth("state of 70", raw("state", JSON.stringify("r".repeat(70))), "state");
  });

  it("refuses a field given twice (readers disagree on which counts)", async () => {
    await refusedBoth("count twice", raw("count", '"junk"').replace(/^\{/, '{"count":5,'), "count");
    await refusedBoth("machine twice", JSON.stringify(good()).slice(0, -1) + ',"machine":"K2"}', "machine");
    await refusedBoth("ts twice", JSON.stringify(good()).slice(0, -1) + `,"ts":${now - HOUR}}`, "ts");
    await refusedBoth("state twice", JSON.stringify(good()).slice(0, -1) + ',"state":"off"}', "state");
  });

  it("takes the largest exact counter and whole numbers written out", async () => {
    const r = await api(daemon.url, gw, "POST", "/api/v1/reports", `[${raw("count", "300.0")},${raw("count", "3.1e2")},${raw("count", "9007199254740991", good({ machine: "K2" }))}]`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.accepted, 3);
  });

  it("drops a bad MQTT message whole, counts and stores nothing of it", async () => {
    const before = { good: await totalGood(), m: await metrics(daemon.url) };
    const topic = `gloved/v1/${E}/K1/report`;
    const okRec = () => ({ ts: (tsNext += 1000), count: 400, state: "run" });
    const bad = [
      JSON.stringify([okRec(), { ...okRec(), count: 401.5 }]),
      JSON.stringify(okRec()).slice(0, -1) + ',"count":"x"}',
      JSON.stringify(okRec()).slice(0, -1).replace('"count":400', '"count":9007199254740993') + "}",
      JSON.stringify({ ...okRec(), worker: "W".repeat(40) }),
      JSON.stringify({ ...okRec(), machine: "K".repeat(40) }),
    ];
    for (const b of bad) mqttPublish(broker.port, topic, b);
    await waitFor(async () => (await metrics(daemon.url)).gloved_mqtt_rejected_total - before.m.gloved_mqtt_rejected_total >= bad.length, {
      timeoutMs: 15000,
      what: "the bad MQTT messages rejected",
    });
    const m = await metrics(daemon.url);
    assert.equal(m.gloved_mqtt_rejected_total - before.m.gloved_mqtt_rejected_total, bad.length, "each bad message counted once");
    assert.equal(m.gloved_reports_accepted_total, before.m.gloved_reports_accepted_total, "nothing of them accepted");
    assert.equal(await totalGood(), before.good, "output unchanged");
  });

  it("refuses a bundle-scan batch with one bad scan whole, naming the scan", async () => {
    const post = (body) => api(daemon.url, worker, "POST", "/api/v1/scans", body);
    const bad = [
      [{ code: codes[1], ts: now - 1000.5 }, "ts"],
      [{ code: codes[1], ts: String(now) }, "ts"],
      [{ code: codes[1], ts: now + HOUR }, "ts"],
      [{ code: "C".repeat(64) }, "code"],
      [{ code: 12345 }, "code"],
      [{ code: codes[1], scan_id: "s".repeat(65) }, "scan_id"],
      [{ code: codes[1], scan_id: 7 }, "scan_id"],
    ];
    for (const [scan, field] of bad) {
      const r = await post([{ code: codes[0], scan_id: "ok-0" }, scan]);
      assert.equal(r.status, 400, `${JSON.stringify(scan)}: ${r.text}`);
      assert.equal(r.json.error.record, 1, r.text);
      assert.match(r.json.error.message, new RegExp(`'${field}'`), r.text);
      const one = await post(scan);
      assert.equal(one.status, 400, `${JSON.stringify(scan)} alone: ${one.text}`);
      assert.match(one.json.error.message, new RegExp(`'${field}'`), one.text);
    }
    // the batch's size: none is a bad request, over 500 too large
    const none = await post([]);
    assert.equal(none.status, 400, none.text);
    const many = await post(new Array(501).fill({ code: codes[0] }));
    assert.equal(many.status, 413, many.text);
    assert.equal(many.json.error.code, "too_large", many.text);
    assert.match(many.json.error.message, /501 scans: at most 500/);
    const dup = await post(`[{"code":${JSON.stringify(codes[0])},"scan_id":"ok-0"},{"code":${JSON.stringify(codes[1])},"code":"x"}]`);
    assert.equal(dup.status, 400, dup.text);
    assert.equal(dup.json.error.record, 1, dup.text);
    assert.match(dup.json.error.message, /'code' appears twice/);
    // a boss names the worker: over-long or not a code is refused
    const bw = await api(daemon.url, boss, "POST", "/api/v1/scans", [{ code: codes[0], worker: "W001" }, { code: codes[1], worker: "W".repeat(33) }]);
    assert.equal(bw.status, 400, bw.text);
    assert.equal(bw.json.error.record, 1, bw.text);
    assert.match(bw.json.error.message, /'worker'/);
    // nothing of those batches was scanned: the good scan is new now
    const first = await post({ code: codes[0], scan_id: "ok-0" });
    assert.equal(first.status, 200, first.text);
    assert.equal(first.json.repeat, undefined, `the first scan is not a repeat: ${first.text}`);
  });
});
