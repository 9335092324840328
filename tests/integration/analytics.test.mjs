// SPDX-License-Identifier: Apache-2.0
// Integration: production analytics (issue 4) against the real daemon and
// database. One knitting machine works a hand-planned day two days ago in
// Asia/Shanghai under a calendar with a lunch break: runs, a stop with the
// machine's reason, an unexplained stop, a network gap, rejects, a worker
// named in the reports and another assigned by a supervisor. Every figure the
// API, the CSV and the xlsx give is checked against the hand-worked truth
// (minutes of each state, pieces, OEE fractions rounded half up), then the
// supervisor explains the stop, the rollups are rebuilt from the samples
// (through the API and through `gloved admin rebuild` while the daemon runs)
// and must come out identical.
//
// Run: GLOVED_BIN=build/gloved GLOVED_SOURCE_DIR=$PWD node --test tests/integration/analytics.test.mjs

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { GLOVED_BIN, api, login, startDaemon } from "../lib/harness.mjs";
import { DAY, HOUR, MINUTE, postOk, stopAll } from "../lib/integration.mjs";

const ENT = "PY01";
const OTHER = "GM01";
const ADMIN = "boss";
const SUP = "lead";
const BUREAU = "bureau";
const PASSWORD = "analytics-pass-1";
const TZ_OFF = 8 * HOUR; // Asia/Shanghai, no daylight saving
const CYCLE_MS = 30000;

// Basis points of num/den rounded half up (the one rounding rule).
function bp(num, den) {
  const n = BigInt(num) * 20000n + BigInt(den);
  return Number(n / (2n * BigInt(den)));
}

function dayString(ms) {
  return new Date(ms + TZ_OFF).toISOString().slice(0, 10);
}

describe("analytics", { timeout: 300000 }, () => {
  let daemon, admin, sup, bureau, gw, gwOther;
  const now = Date.now();
  const today = Math.floor((now + TZ_OFF) / DAY) * DAY - TZ_OFF;
  const D = today - 2 * DAY; // the day worked, local midnight
  const day = dayString(D);
  const at = (h, m = 0) => D + h * HOUR + m * MINUTE;

  // The day: state of the minute starting at each report.
  function stateAt(t) {
    if (t < at(10)) return ["run", ""];
    if (t < at(10, 30)) return ["stop", "yarn_break"];
    if (t < at(11)) return ["stop", ""];
    return ["run", ""];
  }
  const reports = [];
  {
    let good = 0;
    let reject = 0;
    let prevRun = false;
    for (let t = at(8); t <= at(20); t += MINUTE) {
      if (t > at(12, 30) && t < at(13, 30)) continue; // the network gap
      if (prevRun) good += 1; // the piece of the minute before
      if (t > at(14) && t <= at(14, 10)) reject += 1;
      const [state, reason] = t === at(20) ? ["off", ""] : stateAt(t);
      const r = { machine: "K1", ts: t, count: good, reject, state };
      if (reason) r.reason = reason;
      if (t <= at(12, 30)) r.worker = "W001";
      reports.push(r);
      prevRun = state === "run";
    }
  }

  before(async () => {
    daemon = await startDaemon({
      extraArgs: ["--timezone", "Asia/Shanghai"],
      setup: (a) => {
        a("enterprise", "add", "--code", ENT, "--name", "平邑测试手套厂", "--town", "平邑");
        a("enterprise", "add", "--code", OTHER, "--name", "高密测试手套厂", "--town", "高密");
        a("workshop", "add", "--enterprise", ENT, "--code", "W1", "--name", "织造一车间");
        a("workshop", "add", "--enterprise", OTHER, "--code", "W1", "--name", "浸胶车间");
        a("machine", "add", "--enterprise", ENT, "--workshop", "W1", "--code", "K1", "--cycle-ms", CYCLE_MS);
        a("machine", "add", "--enterprise", OTHER, "--workshop", "W1", "--code", "D1");
        a("user", "add", "--username", ADMIN, "--role", "enterprise_admin", "--enterprise", ENT, "--password", PASSWORD);
        a("user", "add", "--username", SUP, "--role", "supervisor", "--enterprise", ENT, "--password", PASSWORD);
        a("user", "add", "--username", BUREAU, "--role", "bureau", "--password", PASSWORD);
        gw = a("token", "add", "--enterprise", ENT, "--name", "gw-k1");
        gwOther = a("token", "add", "--enterprise", OTHER, "--name", "gw-d1");
      },
    });
    admin = await login(daemon.url, ADMIN, PASSWORD);
    sup = await login(daemon.url, SUP, PASSWORD);
    bureau = await login(daemon.url, BUREAU, PASSWORD);
  });

  after(async () => {
    await stopAll(daemon);
  });

  const get = (token, p) => api(daemon.url, token, "GET", p);

  it("keeps a firm calendar and names what is wrong in a bad one", async () => {
    const d = await get(admin, `/api/v1/calendar?enterprise=${ENT}`);
    assert.equal(d.status, 200);
    assert.equal(d.json.default, true);
    assert.deepEqual(
      d.json.shifts.map((s) => [s.name, s.start, s.end]),
      [
        ["白班", "08:00", "20:00"],
        ["夜班", "20:00", "08:00"],
      ],
    );
    const cal = {
      tz: "Asia/Shanghai",
      shifts: [
        { name: "白班", start: "08:00", end: "20:00", breaks: [{ start: "12:00", end: "13:00" }] },
        { name: "夜班", start: "20:00", end: "08:00", breaks: [] },
      ],
      rest_weekdays: [],
      rest_dates: [],
      offline_after_s: 120,
      target_pct: 80,
    };
    const bad = [
      [{ ...cal, tz: "Mars/Olympus" }, /tz/],
      [{ ...cal, shifts: [{ name: "x", start: "8:00", end: "20:00" }] }, /shifts\[0\]\.start/],
      [{ ...cal, shifts: [{ name: "x", start: "08:00", end: "20:00", breaks: [{ start: "07:00", end: "07:30" }] }] }, /shifts\[0\]/],
      [{ ...cal, rest_dates: ["2026-02-30"] }, /rest_dates\[0\]/],
      [{ ...cal, target_pct: 0 }, /target_pct/],
    ];
    for (const [body, re] of bad) {
      const r = await api(daemon.url, admin, "PUT", `/api/v1/calendar?enterprise=${ENT}`, body);
      assert.equal(r.status, 400, r.text);
      assert.match(r.json.error.message, re);
    }
    const sr = await api(daemon.url, sup, "PUT", `/api/v1/calendar?enterprise=${ENT}`, cal);
    assert.equal(sr.status, 403, "a supervisor may not change the calendar");
    const other = await api(daemon.url, admin, "PUT", `/api/v1/calendar?enterprise=${OTHER}`, cal);
    assert.equal(other.status, 404, "another firm does not exist for this user");
    const r = await api(daemon.url, admin, "PUT", `/api/v1/calendar?enterprise=${ENT}`, cal);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.default, false);
    assert.deepEqual(r.json.shifts[0].breaks, [{ start: "12:00", end: "13:00" }]);
    assert.equal(r.json.target_pct, 80);
  });

  it("sets up workers with rate cards and a supervisor's assignment", async () => {
    const w1 = { enterprise: ENT, code: "W001", name: "王芳", rate_unit: "pair", rate: "0.0500" };
    const w2 = {
      enterprise: ENT,
      code: "W002",
      name: "李强",
      rate_unit: "piece",
      rate: "0.0300",
      reject_deduct: "0.0100",
      step_period: "day",
      steps: [{ kind: "flat", threshold: 300, bonus: "1.00" }],
    };
    for (const w of [w1, w2]) {
      const r = await api(daemon.url, admin, "POST", "/api/v1/workers", w);
      assert.equal(r.status, 201, r.text);
    }
    const bad = await api(daemon.url, admin, "POST", "/api/v1/workers", { ...w1, rate: "0.05001" });
    assert.equal(bad.status, 400);
    assert.match(bad.json.error.message, /rate/);
    const list = await get(admin, `/api/v1/workers?enterprise=${ENT}`);
    assert.deepEqual(
      list.json.workers.map((w) => [w.code, w.rate_unit, w.rate]),
      [
        ["W001", "pair", "0.0500"],
        ["W002", "piece", "0.0300"],
      ],
    );
    const put = await api(daemon.url, sup, "PUT", `/api/v1/assignments?enterprise=${ENT}`, {
      day,
      assignments: [{ machine: "K1", shift: 0, worker: "W002" }],
    });
    assert.equal(put.status, 200, put.text);
    assert.deepEqual(put.json.assignments, [{ machine: "K1", shift: 0, worker: "W002" }]);
    const badShift = await api(daemon.url, sup, "PUT", `/api/v1/assignments?enterprise=${ENT}`, {
      day,
      assignments: [{ machine: "K1", shift: 5, worker: "W002" }],
    });
    assert.equal(badShift.status, 400);
    const ro = await api(daemon.url, bureau, "PUT", `/api/v1/assignments?enterprise=${ENT}`, { day, assignments: [] });
    assert.equal(ro.status, 403);
  });

  it("ingests the day", async () => {
    for (let i = 0; i < reports.length; i += 500) await postOk(daemon.url, gw, reports.slice(i, i + 500));
    // the other firm's machine works too: it must never show up in PY01
    await postOk(daemon.url, gwOther, [
      { machine: "D1", ts: at(9), count: 0, state: "stop" },
      { machine: "D1", ts: at(9, 1), count: 5, state: "run" },
    ]);
  });

  // The hand-worked day shift (planned 08:00-20:00 minus 12:00-13:00 = 660 min):
  // run 08:00-10:00, 11:00-12:00 and 13:30-20:00 = 570 min; stops 60 min
  // (30 yarn_break, 30 unexplained); 13:00-13:30 nobody reported: offline.
  // Pieces: one per running minute, credited at the next report; the piece of
  // 19:59 lands at 20:00, in the night shift: 600 good, 10 rejects.
  const RUN = 570 * MINUTE;
  const PLANNED = 660 * MINUTE;
  const GOOD = 600;
  const REJECT = 10;
  const IDEAL = CYCLE_MS * (GOOD + REJECT);

  let before_rebuild;

  it("computes OEE of the shift exactly", async () => {
    const r = await get(admin, `/api/v1/oee?enterprise=${ENT}&shift=${day}/0`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.rows.length, 1);
    const x = r.json.rows[0];
    assert.equal(x.key, `${ENT}/K1`);
    assert.equal(x.planned_ms, PLANNED);
    assert.equal(x.run_ms, RUN);
    assert.equal(x.stop_ms, 60 * MINUTE);
    assert.equal(x.offline_ms, 30 * MINUTE);
    assert.equal(x.idle_ms + x.fault_ms + x.setup_ms + x.off_ms + x.unknown_ms, 0);
    assert.equal(x.good, GOOD);
    assert.equal(x.reject, REJECT);
    assert.equal(x.ideal_ms, IDEAL);
    assert.equal(x.reject_loss_ms, CYCLE_MS * REJECT);
    assert.equal(x.speed_loss_ms, RUN - IDEAL);
    assert.equal(x.availability_bp, bp(RUN, PLANNED));
    assert.equal(x.performance_bp, bp(IDEAL, RUN));
    assert.equal(x.quality_bp, bp(GOOD, GOOD + REJECT));
    assert.equal(x.oee_bp, bp(IDEAL * GOOD, PLANNED * (GOOD + REJECT)));
    assert.deepEqual(
      r.json.reasons.map((e) => [e.state, e.reason, e.ms]),
      [
        ["stop", "", 30 * MINUTE],
        ["stop", "yarn_break", 30 * MINUTE],
      ],
    );
    assert.equal(r.json.reasons.find((e) => e.reason === "yarn_break").name_zh, "断纱");
    assert.equal(r.json.total.unexplained_ms, 30 * MINUTE);
  });

  it("adds the night shift (the last report's open interval) for the day", async () => {
    const r = await get(admin, `/api/v1/oee?enterprise=${ENT}&from=${day}&to=${day}&group=shift`);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(
      r.json.rows.map((x) => x.label),
      [`${day} 白班`, `${day} 夜班`],
    );
    const night = r.json.rows[1];
    assert.equal(night.planned_ms, 12 * HOUR);
    assert.equal(night.off_ms, 2 * MINUTE, "the 20:00 report says off, for offline_after");
    assert.equal(night.offline_ms, 12 * HOUR - 2 * MINUTE);
    assert.equal(night.good, 1);
    assert.equal(night.oee_bp, 0);
    assert.equal(r.json.total.planned_ms, PLANNED + 12 * HOUR);
    assert.equal(r.json.total.good, GOOD + 1);
    const byFirm = await get(admin, `/api/v1/oee?enterprise=${ENT}&from=${day}&to=${day}&group=enterprise`);
    assert.equal(byFirm.json.rows.length, 1);
    assert.equal(byFirm.json.rows[0].oee_bp, r.json.total.oee_bp, "the firm is the merge of its shifts");
  });

  it("lists the stops and takes a supervisor's reason for the unexplained one", async () => {
    const r = await get(sup, `/api/v1/stops?enterprise=${ENT}&from=${day}&to=${day}`);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(
      r.json.stops.map((s) => [s.machine, s.start, s.end, s.state, s.reason, s.source]),
      [
        ["K1", at(10, 30), at(11), "stop", "", "machine"],
        ["K1", at(10), at(10, 30), "stop", "yarn_break", "machine"],
      ],
    );
    const notListed = await api(daemon.url, sup, "POST", "/api/v1/stops/reason", {
      enterprise: ENT,
      machine: "K1",
      start: at(10, 30),
      reason: "coffee",
    });
    assert.equal(notListed.status, 400);
    assert.match(notListed.json.error.message, /reason/);
    const machineSaid = await api(daemon.url, sup, "POST", "/api/v1/stops/reason", {
      enterprise: ENT,
      machine: "K1",
      start: at(10),
      reason: "no_material",
    });
    assert.equal(machineSaid.status, 409);
    const none = await api(daemon.url, sup, "POST", "/api/v1/stops/reason", {
      enterprise: ENT,
      machine: "K1",
      start: at(10, 1),
      reason: "no_material",
    });
    assert.equal(none.status, 404);
    const ro = await api(daemon.url, bureau, "POST", "/api/v1/stops/reason", {
      enterprise: ENT,
      machine: "K1",
      start: at(10, 30),
      reason: "no_material",
    });
    assert.equal(ro.status, 403);
    const ok = await api(daemon.url, sup, "POST", "/api/v1/stops/reason", {
      enterprise: ENT,
      machine: "K1",
      start: at(10, 30),
      reason: "no_material",
    });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.json.source, "supervisor");
    const o = await get(admin, `/api/v1/oee?enterprise=${ENT}&shift=${day}/0`);
    assert.deepEqual(
      o.json.reasons.map((e) => [e.reason, e.ms]),
      [
        ["no_material", 30 * MINUTE],
        ["yarn_break", 30 * MINUTE],
      ],
    );
    assert.equal(o.json.total.unexplained_ms, 0);
    assert.equal(o.json.rows[0].stop_ms, 60 * MINUTE, "only the reason moved");
  });

  it("credits pieces to workers and pays them by their rate cards", async () => {
    const r = await get(admin, `/api/v1/worker-output?enterprise=${ENT}&from=${day}&to=${day}`);
    assert.equal(r.status, 200, r.text);
    const byWorker = {};
    for (const x of r.json.rows) {
      byWorker[x.worker] ??= { good: 0, reject: 0 };
      byWorker[x.worker].good += x.good;
      byWorker[x.worker].reject += x.reject;
    }
    // W001 named in the reports up to 12:30: the pieces of 08:00-10:00 and
    // 11:00-12:30 credited at those reports; the rest of the day shift goes
    // to W002, assigned; the night shift's piece to nobody
    assert.deepEqual(byWorker, { W001: { good: 210, reject: 0 }, W002: { good: 390, reject: 10 }, "": { good: 1, reject: 0 } });
    const month = day.slice(0, 7);
    const w = await get(admin, `/api/v1/wages?enterprise=${ENT}&month=${month}`);
    assert.equal(w.status, 200, w.text);
    const pay = Object.fromEntries(w.json.rows.map((x) => [x.worker, x]));
    assert.equal(pay.W001.paid_qty, 105);
    assert.equal(pay.W001.rate_unit, "pair");
    assert.equal(pay.W001.total, "5.25");
    // 390 x 0.03 = 11.70, flat bonus 1.00 at 300 pieces, 10 rejects x 0.01
    assert.equal(pay.W002.base, "11.70");
    assert.equal(pay.W002.bonus, "1.00");
    assert.equal(pay.W002.deduct, "0.10");
    assert.equal(pay.W002.total, "12.60");
    assert.equal(w.json.total.total, "17.85");
  });

  it("exports the same figures to CSV and Excel", async () => {
    const j = await get(admin, `/api/v1/oee?enterprise=${ENT}&shift=${day}/0`);
    const c = await fetch(`${daemon.url}/api/v1/oee?enterprise=${ENT}&shift=${day}/0&format=csv`, {
      headers: { Authorization: `Bearer ${admin}` },
    });
    assert.equal(c.status, 200);
    assert.match(c.headers.get("content-type"), /text\/csv/);
    assert.match(c.headers.get("content-disposition"), /attachment; filename="gloved-oee-.*\.csv"/);
    const csv = await c.text();
    const lines = csv.replace(/^\uFEFF/, "").trim().split("\r\n");
    assert.match(lines[0], /^对象,设备数\(台\),计划时间\(分钟\)/);
    assert.match(lines[0], /设备综合效率\(%\)$/);
    const pct = (v) => (v / 100).toFixed(2);
    const row = lines[1].split(",");
    assert.equal(row[0], "K1");
    assert.equal(row[2], "660.0");
    assert.equal(row[row.length - 1], pct(j.json.rows[0].oee_bp));
    assert.equal(lines[2].split(",")[0], "合计");
    const en = await fetch(`${daemon.url}/api/v1/oee?enterprise=${ENT}&shift=${day}/0&format=csv&lang=en`, {
      headers: { Authorization: `Bearer ${admin}` },
    });
    assert.match((await en.text()).replace(/^\uFEFF/, ""), /^Scope,Machines \(units\),Planned time \(min\)/);
    const x = await fetch(`${daemon.url}/api/v1/wages?enterprise=${ENT}&month=${day.slice(0, 7)}&format=xlsx`, {
      headers: { Authorization: `Bearer ${admin}` },
    });
    assert.equal(x.status, 200);
    assert.equal(x.headers.get("content-type"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    const bytes = Buffer.from(await x.arrayBuffer());
    assert.equal(bytes.subarray(0, 2).toString(), "PK");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gloved-xlsx-"));
    try {
      const f = path.join(dir, "w.xlsx");
      fs.writeFileSync(f, bytes);
      const strings = spawnSync("unzip", ["-p", f, "xl/sharedStrings.xml"], { encoding: "utf8" }).stdout;
      const sheet = spawnSync("unzip", ["-p", f, "xl/worksheets/sheet1.xml"], { encoding: "utf8" }).stdout;
      assert.match(strings, /应发工资\(元\)/);
      assert.match(strings, /王芳/);
      assert.match(sheet, /<v>12\.6<\/v>/, "W002's 12.60 yuan is a number cell");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    const bad = await get(admin, `/api/v1/oee?enterprise=${ENT}&format=pdf`);
    assert.equal(bad.status, 400);
  });

  it("shows the output trend with the plan line", async () => {
    const r = await get(admin, `/api/v1/trend?enterprise=${ENT}&from=${day}&to=${day}&level=hour`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.buckets.length, 24);
    const b9 = r.json.buckets.find((b) => b.ts === at(9));
    assert.equal(b9.good, 60);
    // 80% of the ideal output of a planned hour at 30 s a piece
    assert.equal(b9.plan, 96);
    assert.equal(r.json.buckets.find((b) => b.ts === at(12)).plan, 0, "the lunch break is not planned");
    assert.equal(r.json.buckets.reduce((s, b) => s + b.good, 0), GOOD + 1);
    const d = await get(admin, `/api/v1/trend?enterprise=${ENT}&from=${day}&to=${day}&level=day`);
    assert.equal(d.json.buckets.length, 1);
    const all = await get(admin, `/api/v1/oee?enterprise=${ENT}&from=${day}&to=${day}&group=day`);
    assert.equal(d.json.buckets[0].oee_bp, all.json.rows[0].oee_bp);
  });

  it("keeps firms apart", async () => {
    const r = await get(admin, `/api/v1/oee?from=${day}&to=${day}&group=enterprise`);
    assert.deepEqual(
      r.json.rows.map((x) => x.key),
      [ENT],
    );
    const s = await get(admin, `/api/v1/stops?from=${day}&to=${day}`);
    assert.ok(s.json.stops.every((x) => x.enterprise === ENT));
    const b = await get(bureau, `/api/v1/oee?from=${day}&to=${day}&group=enterprise`);
    assert.deepEqual(
      b.json.rows.map((x) => x.key),
      [ENT, OTHER],
    );
  });

  it("answers every bad query with a 4xx naming the problem, never a 5xx", async () => {
    const endpoints = ["oee", "stops", "worker-output", "wages", "trend", "output-table", "calendar", "assignments", "stop-reasons", "workers"];
    const bad = [
      "from=2026-13-01",
      "from=yesterday",
      "to=2026-02-30",
      `from=${day}&to=2001-01-01`,
      "from=2001-01-01&to=2026-12-31",
      "shift=2026-11-27",
      "shift=2026-11-27/9",
      "shift=2026-11-27/-1",
      "shift=2026-11-27/1x",
      "group=hour",
      "format=pdf",
      "level=minute",
      "month=2026-1",
      "month=2026-13",
      "day=26-11-27",
      "enterprise=NOPE",
      `enterprise=${OTHER}`,
      `enterprise=${ENT}&machine=NOPE`,
      `enterprise=${ENT}&workshop=NOPE`,
      "machine=K1",
      "from=" + "9".repeat(5000),
    ];
    for (const e of endpoints) {
      for (const q of bad) {
        const r = await get(admin, `/api/v1/${e}?${q}`);
        assert.ok(r.status < 500, `${e}?${q.slice(0, 60)}: ${r.status} ${r.text.slice(0, 200)}`);
        if (r.status >= 400) assert.ok(r.json?.error?.message, `${e}?${q.slice(0, 60)}: a JSON error with a message`);
      }
    }
    const bodies = [
      ["PUT", `/api/v1/calendar?enterprise=${ENT}`, "{"],
      ["PUT", `/api/v1/calendar?enterprise=${ENT}`, JSON.stringify({ tz: "Asia/Shanghai", shifts: new Array(9).fill({ name: "x", start: "08:00", end: "09:00" }) })],
      ["PUT", `/api/v1/calendar?enterprise=${ENT}`, JSON.stringify({ tz: "../../etc/passwd", shifts: [] })],
      ["PUT", `/api/v1/assignments?enterprise=${ENT}`, JSON.stringify({ day, assignments: [{ machine: "K1", shift: 0, worker: "bad code!" }] })],
      ["PUT", `/api/v1/assignments?enterprise=${ENT}`, JSON.stringify({ day: "x", assignments: [] })],
      ["POST", "/api/v1/workers", JSON.stringify({ enterprise: ENT, code: "W9", name: "x", rate_unit: "pair", rate: "1", steps: [{ kind: "flat", threshold: -1, bonus: "1" }] })],
      ["POST", "/api/v1/workers", JSON.stringify({ enterprise: ENT, code: "W9", name: "x", rate_unit: "pair", rate: "99999999999999" })],
      ["POST", "/api/v1/stop-reasons", JSON.stringify({ enterprise: ENT, code: "", name_zh: "x", name_en: "x" })],
      ["POST", "/api/v1/stops/reason", JSON.stringify({ enterprise: ENT, machine: "K1", start: "x", reason: "other" })],
      ["POST", "/api/v1/rebuild", JSON.stringify({ enterprise: ENT, from: day, to: "2001-01-01" })],
    ];
    for (const [method, p, body] of bodies) {
      const r = await api(daemon.url, admin, method, p, body);
      assert.ok(r.status >= 400 && r.status < 500, `${method} ${p} ${body.slice(0, 80)}: ${r.status} ${r.text.slice(0, 200)}`);
      assert.ok(r.json?.error?.message);
    }
    const health = await fetch(`${daemon.url}/healthz`);
    assert.equal(health.status, 200);
  });

  it("rebuilds every rollup from the samples with identical results", async () => {
    const snapshot = async () => ({
      oee: (await get(admin, `/api/v1/oee?enterprise=${ENT}&from=${day}&to=${day}&group=shift`)).json,
      stops: (await get(admin, `/api/v1/stops?enterprise=${ENT}&from=${day}&to=${day}`)).json,
      workers: (await get(admin, `/api/v1/worker-output?enterprise=${ENT}&from=${day}&to=${day}`)).json,
      trend: (await get(admin, `/api/v1/trend?enterprise=${ENT}&from=${day}&to=${day}&level=hour`)).json,
      output: (await get(admin, `/api/v1/output?enterprise=${ENT}&from=${D}&to=${D + DAY}&bucket=minute`)).json,
    });
    before_rebuild = await snapshot();
    const r = await api(daemon.url, admin, "POST", "/api/v1/rebuild", { enterprise: ENT, from: day, to: dayString(D + DAY) });
    assert.equal(r.status, 200, r.text);
    assert.match(r.json.result, /rebuilt 2 day\(s\) of 1 firm\(s\)/);
    assert.deepEqual(await snapshot(), before_rebuild);
    // the command line, while the daemon holds the database: the request
    // goes to the daemon's writer, the command waits for it
    const cli = spawnSync(GLOVED_BIN, ["admin", "--db", daemon.db, "rebuild", "--enterprise", ENT, "--from", day, "--to", day], {
      encoding: "utf8",
      timeout: 60000,
    });
    assert.equal(cli.status, 0, cli.stderr);
    assert.match(cli.stdout, /rebuilt 1 day\(s\)/);
    assert.deepEqual(await snapshot(), before_rebuild);
    const old = await api(daemon.url, admin, "POST", "/api/v1/rebuild", { enterprise: ENT, from: "2001-01-01", to: "2001-01-02" });
    assert.equal(old.status, 400, "days before the raw retention cannot be rebuilt");
  });
});
