// SPDX-License-Identifier: Apache-2.0
// Integration: the cluster sees itself (issue 12) through the real daemon.
// A firm's monthly report is pre-filled with what gloved measured from the
// rollups, completed and filed once (409 after); the bureau sees who filed,
// the totals by town and size class and exports the county's table; a
// changed form does not change a filed report; a town officer sees only
// its town; the plan's indicators are reviewed against their targets; the
// cockpit counts machines and output without any firm's secrets, live
// over SSE; the programme and share settings are written by whom they
// belong to and every such action is in the audit log; training ends in a
// signed certificate that verifies publicly, and a firm's skill rule
// refuses a scan by a worker without the certificate.
//
// Run: GLOVED_BIN=build/gloved GLOVED_SOURCE_DIR=$PWD node --test tests/integration/cluster.test.mjs

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { api, login, startDaemon } from "../lib/harness.mjs";
import { postOk, stopAll } from "../lib/integration.mjs";

const PASSWORD = "cluster-test-pass-1";
const JX1 = "JX01";
const JX2 = "JX02";
const PY1 = "PY01";

// The local month (Asia/Shanghai) of a time, "YYYY-MM".
const monthOf = (ms) => {
  const p = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit" }).formatToParts(new Date(ms));
  return `${p.find((x) => x.type === "year").value}-${p.find((x) => x.type === "month").value}`;
};

describe("the cluster: statistics, plan, cockpit, programme, talent", { timeout: 300000 }, () => {
  let daemon, bureau, assoc, town, boss, boss2, boss3, worker1, worker2, cadmin;
  let gw1, gw3;
  let month;
  const get = (token, p) => api(daemon.url, token, "GET", p);
  const put = (token, p, body) => api(daemon.url, token, "PUT", p, body);
  const post = (token, p, body) => api(daemon.url, token, "POST", p, body);

  before(async () => {
    daemon = await startDaemon({
      extraArgs: ["--timezone", "Asia/Shanghai"],
      setup: (a) => {
        a("enterprise", "add", "--code", JX1, "--name", "嘉祥一号手套厂", "--town", "嘉祥");
        a("enterprise", "add", "--code", JX2, "--name", "嘉祥二号手套厂", "--town", "嘉祥");
        a("enterprise", "add", "--code", PY1, "--name", "平邑织造厂", "--town", "平邑");
        a("workshop", "add", "--enterprise", JX1, "--code", "W1", "--name", "缝制车间");
        a("workshop", "add", "--enterprise", PY1, "--code", "W1", "--name", "织造车间");
        a("machine", "add", "--enterprise", JX1, "--workshop", "W1", "--code", "K1");
        a("machine", "add", "--enterprise", PY1, "--workshop", "W1", "--code", "D1");
        a("user", "add", "--username", "cadmin", "--role", "cluster_admin", "--password", PASSWORD);
        a("user", "add", "--username", "bureau", "--role", "bureau", "--password", PASSWORD);
        a("user", "add", "--username", "assoc", "--role", "association", "--password", PASSWORD);
        a("user", "add", "--username", "jxtown", "--role", "town_officer", "--town", "嘉祥", "--password", PASSWORD);
        a("user", "add", "--username", "boss", "--role", "enterprise_admin", "--enterprise", JX1, "--password", PASSWORD);
        a("user", "add", "--username", "boss2", "--role", "enterprise_admin", "--enterprise", JX2, "--password", PASSWORD);
        a("user", "add", "--username", "boss3", "--role", "enterprise_admin", "--enterprise", PY1, "--password", PASSWORD);
        a("user", "add", "--username", "w1", "--role", "worker", "--enterprise", JX1, "--worker", "W001", "--password", PASSWORD);
        a("user", "add", "--username", "w2", "--role", "worker", "--enterprise", JX1, "--worker", "W002", "--password", PASSWORD);
        gw1 = a("token", "add", "--enterprise", JX1, "--name", "gw-k1");
        gw3 = a("token", "add", "--enterprise", PY1, "--name", "gw-d1");
      },
    });
    [cadmin, bureau, assoc, town, boss, boss2, boss3, worker1, worker2] = await Promise.all(
      ["cadmin", "bureau", "assoc", "jxtown", "boss", "boss2", "boss3", "w1", "w2"].map((u) => login(daemon.url, u, PASSWORD)),
    );
    // 1000 pieces on K1 and 400 on D1 in the last minutes
    const now = Date.now();
    const t0 = now - 5 * 60000;
    month = monthOf(t0);
    const k1 = [], d1 = [];
    for (let i = 0; i <= 10; i++) {
      k1.push({ machine: "K1", ts: t0 + i * 20000, count: i * 100, reject: 0, state: "run" });
      d1.push({ machine: "D1", ts: t0 + i * 20000, count: i * 40, reject: 0, state: "run" });
    }
    await postOk(daemon.url, gw1, k1);
    await postOk(daemon.url, gw3, d1);
    // the last report's month must be the first's, or the test would span two
    assert.equal(monthOf(t0 + 200000), month);
  });

  after(async () => {
    await stopAll(daemon);
  });

  it("pre-fills a firm's report with what gloved measured, files it once, and names what is missing", async () => {
    let r = await get(boss, `/api/v1/stats/report?enterprise=${JX1}&month=${month}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.status, "new");
    const v = Object.fromEntries(r.json.fields.map((f) => [f.key, f.value]));
    assert.equal(v.pieces, "1000");
    assert.equal(v.pairs, "500");
    assert.equal(v.machines, "1");
    assert.equal(v.sales, null);
    assert.equal(r.json.fields.find((f) => f.key === "pieces").measured, true);
    // measured values are gloved's
    r = await put(boss, "/api/v1/stats/report", { enterprise: JX1, month, values: { pieces: "5" } });
    assert.equal(r.status, 400);
    assert.match(r.json.error.message, /values.pieces: measured by gloved/);
    r = await put(boss, "/api/v1/stats/report", { enterprise: JX1, month, values: { sales: "12.55" } });
    assert.equal(r.status, 400);
    assert.match(r.json.error.message, /values.sales: .*at most 1 decimals/);
    r = await put(boss, "/api/v1/stats/report", { enterprise: JX1, month, values: { nonsense: 1 } });
    assert.equal(r.status, 400);
    assert.match(r.json.error.message, /values.nonsense: the form has no such field/);
    // a draft keeps what was entered; filing names the first missing field
    r = await put(boss, "/api/v1/stats/report", { enterprise: JX1, month, values: { output_value: "250.5", sales: "240" } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.status, "draft");
    r = await put(boss, "/api/v1/stats/report", { enterprise: JX1, month, file: true });
    assert.equal(r.status, 400);
    assert.match(r.json.error.message, /values.exports: required to file/);
    // another firm's admin cannot file for it; the bureau cannot either
    assert.equal((await put(boss3, "/api/v1/stats/report", { enterprise: JX1, month, values: { exports: 1 } })).status, 404);
    assert.equal((await put(bureau, "/api/v1/stats/report", { enterprise: JX1, month, values: { exports: 1 } })).status, 403);
    r = await put(boss, "/api/v1/stats/report", { enterprise: JX1, month, file: true, values: { exports: "100", employees: 350 } });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.status, "filed");
    // 240 万元 a month is 2880 万元 a year, 350 people: medium
    assert.equal(r.json.size_class, "medium");
    r = await put(boss, "/api/v1/stats/report", { enterprise: JX1, month, file: true, values: { exports: "101" } });
    assert.equal(r.status, 409);
    assert.match(r.json.error.message, /filed already/);
    r = await get(boss, `/api/v1/stats/report?enterprise=${JX1}&month=${month}`);
    assert.equal(Object.fromEntries(r.json.fields.map((f) => [f.key, f.value])).exports, "100.0");
  });

  it("versions the form per year: a changed form leaves a filed report as it was filed", async () => {
    const year = Number(month.slice(0, 4));
    let r = await get(bureau, `/api/v1/stats/form?year=${year}`);
    assert.equal(r.status, 200);
    assert.equal(r.json.version, 1);
    const fields = r.json.fields;
    assert.equal((await put(boss, `/api/v1/stats/form?year=${year}`, { fields })).status, 403);
    r = await put(bureau, `/api/v1/stats/form?year=${year}`, { fields: [...fields, { key: "pieces", name_zh: "重复" }] });
    assert.equal(r.status, 400);
    assert.match(r.json.error.message, /fields\[11\]\.key: key used twice/);
    r = await put(bureau, `/api/v1/stats/form?year=${year}`, { fields: [...fields, { key: "water", name_zh: "用水量", unit: "吨", decimals: 0, required: true }] });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.version, 2);
    // the filed report: version 1, no water field
    r = await get(boss, `/api/v1/stats/report?enterprise=${JX1}&month=${month}`);
    assert.equal(r.json.form_version, 1);
    assert.equal(r.json.fields.some((f) => f.key === "water"), false);
    // a new report: version 2, water required
    r = await get(boss3, `/api/v1/stats/report?enterprise=${PY1}&month=${month}`);
    assert.equal(r.json.form_version, 2);
    r = await put(boss3, "/api/v1/stats/report", {
      enterprise: PY1, month, file: true,
      values: { output_value: "80", sales: "75", exports: "10", employees: 40 },
    });
    assert.equal(r.status, 400);
    assert.match(r.json.error.message, /values.water: required to file/);
    r = await put(boss3, "/api/v1/stats/report", {
      enterprise: PY1, month, file: true,
      values: { output_value: "80", sales: "75", exports: "10", employees: 40, water: 30 },
    });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.size_class, "small");
    assert.equal(Object.fromEntries(r.json.fields.map((f) => [f.key, f.value])).pieces, "400");
  });

  it("gives the bureau who filed and the totals by town and size class, and the county's table", async () => {
    let r = await get(bureau, `/api/v1/stats/overview?month=${month}`);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.counts.firms, 3);
    assert.equal(r.json.counts.filed, 2);
    assert.equal(r.json.counts.missing, 1);
    const byCode = Object.fromEntries(r.json.firms.map((f) => [f.code, f.status]));
    assert.deepEqual(byCode, { JX01: "filed", JX02: "missing", PY01: "filed" });
    const towns = Object.fromEntries(r.json.towns.map((t) => [t.name, t]));
    assert.equal(towns["嘉祥"].values.output_value, 250.5);
    assert.equal(towns["平邑"].values.output_value, 80);
    assert.equal(r.json.total.values.pieces, 1400);
    assert.equal(r.json.total.values.sales, 315);
    const sizes = Object.fromEntries(r.json.size_classes.map((t) => [t.name, t.firms_filed]));
    assert.deepEqual(sizes, { micro: 0, small: 1, medium: 1, large: 0 });
    // a firm does not get the county's view
    assert.equal((await get(boss, `/api/v1/stats/overview?month=${month}`)).status, 403);
    assert.equal((await get(bureau, `/api/v1/stats/overview?month=2026-13`)).status, 400);
    r = await fetch(`${daemon.url}/api/v1/stats/export?month=${month}&format=csv&lang=en`, { headers: { Authorization: `Bearer ${bureau}` } });
    assert.equal(r.status, 200);
    const csv = await r.text();
    assert.match(csv, /JX01,嘉祥一号手套厂,嘉祥,medium,filed,250\.5,240\.0,100\.0,350/);
    assert.match(csv, /County total/);
    r = await fetch(`${daemon.url}/api/v1/stats/export?month=${month}`, { headers: { Authorization: `Bearer ${bureau}` } });
    assert.equal(r.status, 200);
    const xlsx = Buffer.from(await r.arrayBuffer());
    assert.equal(xlsx.subarray(0, 2).toString(), "PK");
  });

  it("shows a town officer only its town", async () => {
    let r = await get(town, `/api/v1/stats/overview?month=${month}`);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.firms.map((f) => f.code).sort(), [JX1, JX2]);
    assert.equal(r.json.total.values.pieces, 1000);
    assert.equal((await get(town, `/api/v1/stats/report?enterprise=${PY1}&month=${month}`)).status, 404);
    assert.equal((await get(town, `/api/v1/stats/report?enterprise=${JX1}&month=${month}`)).status, 200);
    r = await get(town, "/api/v1/cockpit");
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.towns.map((t) => t.town), ["嘉祥"]);
    assert.equal(r.json.total.machines, 1);
    // never a firm's private records
    assert.equal((await get(town, `/api/v1/orders?enterprise=${JX1}`)).status, 403);
    assert.equal((await get(bureau, `/api/v1/workers?enterprise=${JX1}`)).status, 403);
    assert.equal((await get(assoc, `/api/v1/wages?enterprise=${JX1}`)).status, 403);
  });

  it("reviews the plan's indicators against their targets and exports the review", async () => {
    const year = Number(month.slice(0, 4));
    const plan = {
      title: "嘉祥县手套产业发展规划",
      year0: year - 1,
      year1: year + 2,
      indicators: [
        { key: "output", name_zh: "工业总产值", unit: "万元", decimals: 1, flow: true, source: "statistics", metric: "output_value", headline: true, targets: { [year]: 1000000 } },
        { key: "online", name_zh: "联网企业", unit: "家", source: "measured", metric: "firms_online", headline: true, base: { year: year - 1, value: 0 }, targets: { [year]: 2, [year + 1]: 3 } },
        { key: "trained", name_zh: "培训人次", unit: "人", flow: true, source: "entered", targets: { [year - 1]: 100, [year]: 200 } },
      ],
    };
    assert.equal((await put(boss, "/api/v1/plan", plan)).status, 403);
    assert.equal((await put(assoc, "/api/v1/plan", plan)).status, 403);
    let r = await put(bureau, "/api/v1/plan", { ...plan, indicators: [{ ...plan.indicators[0], source: "guess" }] });
    assert.equal(r.status, 400);
    assert.match(r.json.error.message, /indicators\[0\]\.source: must be measured, statistics or entered/);
    r = await put(bureau, "/api/v1/plan", { ...plan, indicators: [{ ...plan.indicators[0], targets: { 1999: 5 } }] });
    assert.equal(r.status, 400);
    assert.match(r.json.error.message, /indicators\[0\]\.targets/);
    r = await put(bureau, "/api/v1/plan", plan);
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.version, 1);
    r = await put(bureau, "/api/v1/plan/actuals", { indicator: "trained", year: year - 1, value: 120 });
    assert.equal(r.status, 200, r.text);
    assert.equal((await put(bureau, "/api/v1/plan/actuals", { indicator: "nope", year, value: 1 })).status, 400);
    r = await get(bureau, "/api/v1/plan");
    assert.equal(r.status, 200, r.text);
    const ind = Object.fromEntries(r.json.indicators.map((i) => [i.key, i]));
    // output: 250.5 + 80 filed this year, far behind 1,000,000 万元
    assert.equal(ind.output.now.actual, 330.5);
    assert.equal(ind.output.now.status, "off_track");
    // firms online now: JX01 and PY01 reported minutes ago, 2 of target 2
    assert.equal(ind.online.now.actual, 2);
    assert.equal(ind.online.now.status, "met");
    const last = ind.trained.years.find((y) => y.year === year - 1);
    assert.equal(last.actual, 120);
    assert.equal(last.status, "met");
    assert.ok(r.json.off_track >= 1);
    r = await fetch(`${daemon.url}/api/v1/plan/export?format=csv`, { headers: { Authorization: `Bearer ${bureau}` } });
    assert.equal(r.status, 200);
    assert.match(await r.text(), /工业总产值/);
  });

  it("feeds the cockpit from the live state and the rollups, without a firm's secrets", async () => {
    const r = await get(bureau, "/api/v1/cockpit");
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.total.firms, 3);
    assert.equal(r.json.total.machines, 2);
    assert.equal(r.json.total.machines_online, 2);
    assert.equal(r.json.total.machines_running, 2);
    assert.equal(r.json.total.good_today + r.json.total.good_yesterday, 1400);
    assert.ok(r.json.plan.indicators.every((i) => i.headline));
    for (const secret of ["buyer", "wage", "price", "W001"]) assert.ok(!r.text.includes(secret), secret);
    assert.equal((await get(boss, "/api/v1/cockpit")).status, 403);
    // the live feed: a first cockpit event
    const res = await fetch(`${daemon.url}/api/v1/cockpit/events`, { headers: { Authorization: `Bearer ${bureau}` } });
    assert.equal(res.status, 200);
    const reader = res.body.getReader();
    let text = "";
    while (!text.includes("event: cockpit")) {
      const { value, done } = await reader.read();
      if (done) break;
      text += Buffer.from(value).toString();
    }
    await reader.cancel();
    const data = JSON.parse(text.split("event: cockpit\ndata: ")[1].split("\n")[0]);
    assert.equal(data.total.machines, 2);
  });

  it("keeps share settings and the programme with whom they belong to, all in the audit log", async () => {
    let r = await get(bureau, `/api/v1/cluster/share?enterprise=${JX1}`);
    assert.equal(r.status, 200);
    assert.equal(r.json.capacity, false);
    assert.equal((await put(bureau, "/api/v1/cluster/share", { enterprise: JX1, capacity: true })).status, 403);
    assert.equal((await put(boss3, "/api/v1/cluster/share", { enterprise: JX1, capacity: true })).status, 404);
    assert.equal((await put(boss, "/api/v1/cluster/share", { enterprise: JX1, capacity: "yes" })).status, 400);
    r = await put(boss, "/api/v1/cluster/share", { enterprise: JX1, capacity: true, cases: true });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.capacity, true);
    r = await post(assoc, "/api/v1/programme", { kind: "project", line: "brand", year: 2026, title: "嘉祥手套区域品牌建设", body: { owner: "手套协会", firms: [JX1], budget_wan: 120, subsidy_wan: 40, kpis: ["online"] } });
    assert.equal(r.status, 201, r.text);
    const pid = r.json.id;
    assert.equal((await post(assoc, "/api/v1/programme", { kind: "project", line: "nowhere", year: 2026, title: "x" })).status, 400);
    assert.equal((await post(boss, "/api/v1/programme", { kind: "event", line: "promotion", year: 2026, title: "x" })).status, 403);
    r = await post(bureau, "/api/v1/programme", { id: pid, kind: "project", line: "brand", year: 2026, title: "嘉祥手套区域品牌建设（二期）", body: {} });
    assert.equal(r.status, 200, r.text);
    r = await get(boss, "/api/v1/programme");
    assert.equal(r.json.items.length, 1);
    assert.equal(r.json.items[0].title, "嘉祥手套区域品牌建设（二期）");
    r = await post(cadmin, "/api/v1/users", { username: "newboss", role: "enterprise_admin", enterprise: JX2, password: PASSWORD });
    assert.equal(r.status, 201, r.text);
    r = await get(cadmin, "/api/v1/cluster/audit-log");
    assert.equal(r.status, 200);
    const actions = r.json.items.map((e) => e.action);
    for (const a of ["share.update", "stats.file", "stats.form", "plan.put", "plan.actual", "programme.put", "user.add"]) assert.ok(actions.includes(a), a);
    const share = r.json.items.find((e) => e.action === "share.update");
    assert.equal(share.actor, "boss");
    assert.equal(share.enterprise, JX1);
    assert.deepEqual(JSON.parse(share.after), { capacity: true, catalogue: false, cases: true });
    // a firm's admin sees its own entries only
    r = await get(boss3, "/api/v1/cluster/audit-log");
    assert.ok(r.json.items.every((e) => e.enterprise === PY1));
    assert.equal((await get(worker1, "/api/v1/cluster/audit-log")).status, 403);
  });

  it("trains, certifies with a verifiable signature, and refuses a scan without the certificate", async () => {
    // JX01's workers and a style whose first operation is S01
    assert.equal((await post(boss, "/api/v1/workers", { enterprise: JX1, code: "W001", name: "王芳", rate_unit: "pair", rate: "0.0500" })).status, 201);
    assert.equal((await post(boss, "/api/v1/workers", { enterprise: JX1, code: "W002", name: "李强", rate_unit: "pair", rate: "0.0500" })).status, 201);
    let r = await post(assoc, "/api/v1/talent/courses", { code: "SEW-S01", name_zh: "合缝工序培训", name_en: "Seaming", category: "sewing", operation: "S01", hours: 16 });
    assert.equal(r.status, 201, r.text);
    assert.equal((await post(assoc, "/api/v1/talent/courses", { code: "X", name_zh: "x", category: "cooking" })).status, 400);
    assert.equal((await post(boss, "/api/v1/talent/courses", { code: "Y", name_zh: "y", category: "sewing" })).status, 403);
    r = await post(assoc, "/api/v1/talent/sessions", { course: "SEW-S01", from: "2026-11-02", to: "2026-11-03", trainer: "张师傅", place: "嘉祥职业学校", capacity: 1 });
    assert.equal(r.status, 201, r.text);
    const ses = r.json.id;
    r = await post(boss, "/api/v1/talent/enrolments", { session: ses, enterprise: JX1, worker: "W001" });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.worker_name, "王芳");
    r = await post(boss, "/api/v1/talent/enrolments", { session: ses, enterprise: JX1, worker: "W002" });
    assert.equal(r.status, 409);
    assert.equal(r.json.error.code, "full");
    assert.equal((await post(boss, "/api/v1/talent/enrolments", { session: ses, enterprise: JX1, worker: "W999" })).status, 400);
    assert.equal((await post(boss3, "/api/v1/talent/enrolments", { session: ses, enterprise: JX1, worker: "W001" })).status, 404);
    r = await post(assoc, "/api/v1/talent/assessments", { session: ses, enterprise: JX1, worker: "W001", attended_hours: 16, score: 86, level: 3, day: "2026-11-03" });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.passed, true);
    const serial = r.json.certificate;
    assert.match(serial, /^C[A-Z0-9]{11}$/);
    assert.equal(r.json.certificate_issued.operation, "S01");
    assert.equal((await post(assoc, "/api/v1/talent/assessments", { session: ses, enterprise: JX1, worker: "W001", score: 90 })).status, 409);
    // the public check, without a login
    r = await get(null, `/api/v1/public/certificates/verify?serial=${serial}`);
    assert.equal(r.status, 200);
    assert.equal(r.json.state, "genuine");
    assert.equal(r.json.worker_name, "王芳");
    assert.equal(r.json.level, 3);
    r = await get(null, `/api/v1/public/certificates/verify?serial=C${"2".repeat(11)}`);
    assert.equal(r.json.state, "unknown");
    assert.equal((await get(null, `/api/v1/public/certificates/verify?serial=<x>`)).status, 400);
    r = await fetch(`${daemon.url}/api/v1/public/certificates/verify?serial=${serial}&format=html`);
    assert.match(await r.text(), /证书真实有效/);
    r = await fetch(`${daemon.url}/api/v1/talent/certificate.pdf?serial=${serial}`, { headers: { Authorization: `Bearer ${boss}` } });
    assert.equal(r.status, 200);
    assert.equal(Buffer.from(await r.arrayBuffer()).subarray(0, 5).toString(), "%PDF-");
    assert.equal((await get(boss3, `/api/v1/talent/certificate.pdf?serial=${serial}`)).status, 404);
    // the skill matrix
    r = await get(boss, `/api/v1/talent/skills?enterprise=${JX1}`);
    const skills = Object.fromEntries(r.json.workers.map((w) => [w.worker, w.skills.map((s) => s.operation)]));
    assert.deepEqual(skills, { W001: ["S01"], W002: [] });
    assert.equal((await get(bureau, `/api/v1/talent/skills?enterprise=${JX1}`)).status, 403);
    // the rule: S01 needs the certificate, refused without it
    r = await put(boss, "/api/v1/talent/skill-rules", { enterprise: JX1, operation: "S01", mode: "refuse" });
    assert.equal(r.status, 200, r.text);
    assert.equal((await put(boss, "/api/v1/talent/skill-rules", { enterprise: JX1, operation: "S01", mode: "maybe" })).status, 400);
    r = await post(boss, "/api/v1/styles", { enterprise: JX1, code: "SKI-01", name: "滑雪手套", category: "ski", family: "sewn", sizes: ["8"], routing: [{ code: "S01", name: "合缝", smv: "1.20", rate: "0.1500" }] });
    assert.equal(r.status, 201, r.text);
    r = await post(boss, "/api/v1/orders", { enterprise: JX1, code: "PO-1", buyer: "Alpine", style: "SKI-01", due: "2026-12-31", unit: "pair", lines: [{ size: "8", qty: 40 }] });
    assert.equal(r.status, 201, r.text);
    await post(boss, "/api/v1/orders/release", { enterprise: JX1, order: "PO-1" });
    r = await post(boss, "/api/v1/cuts", { enterprise: JX1, order: "PO-1", bundle_size: 20, lines: [{ size: "8", plies: 2, pairs_per_ply: 20 }] });
    assert.equal(r.status, 201, r.text);
    const bl = await get(boss, `/api/v1/bundles?enterprise=${JX1}&order=PO-1`);
    const codes = bl.json.bundles.map((b) => b.ops[0].code);
    r = await post(worker2, "/api/v1/scans", { code: codes[0], scan_id: "s-1" });
    assert.equal(r.status, 409, r.text);
    assert.equal(r.json.error.code, "uncertified");
    r = await post(worker1, "/api/v1/scans", { code: codes[0], scan_id: "s-2" });
    assert.equal(r.status, 200, r.text);
    // flag mode: recorded with a warning
    await put(boss, "/api/v1/talent/skill-rules", { enterprise: JX1, operation: "S01", mode: "flag" });
    r = await post(worker2, "/api/v1/scans", { code: codes[1], scan_id: "s-3" });
    assert.equal(r.status, 200, r.text);
    r = await get(boss, `/api/v1/talent/skill-flags?enterprise=${JX1}`);
    assert.deepEqual(r.json.items.map((f) => [f.worker, f.refused]).sort(), [["W002", false], ["W002", true]]);
  });
});
