// SPDX-License-Identifier: Apache-2.0
// End-to-end: the analytics pages of the dashboard (分析 OEE cards and charts,
// 停机 stops with a reason set through the page, 班次 calendar form and the
// stop-reason list, 工资 workers form and assignment grid, exports) in
// headless Chromium against the real daemon. Run: GLOVED_BIN=build/gloved
// GLOVED_SOURCE_DIR=$PWD node --test tests/e2e/analytics.test.mjs

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { api, login, sleep, startDaemon, waitFor } from "../lib/harness.mjs";
import { launchChromium, stopAll, waitText, watchPage } from "./browser.mjs";

const ENT = "PY01";
const WS = "W1";
const MACHINES = ["K001", "K002"];
const CYCLE_MS = 10000; // 6 pieces a minute at full speed
const USER = "li";
const PASSWORD = "Analytics-e2e-pass-42";
const SUPERVISOR = "zhou";
const MIN = 60000;

// The firm's zone is picked so that it is about noon there now: the reports
// of the last 20 minutes then fall in one local day and in the day shift
// (06:00-18:00) whenever the test runs. Etc/GMT-N is UTC+N.
function zoneNearNoon() {
  const off = 12 - new Date().getUTCHours(); // -11 .. 12
  return off === 0 ? "Etc/GMT" : `Etc/GMT${off > 0 ? "-" : "+"}${Math.abs(off)}`;
}
const TZ = zoneNearNoon();

const CALENDAR = {
  enterprise: ENT,
  tz: TZ,
  shifts: [
    { name: "白班", start: "06:00", end: "18:00", breaks: [] },
    { name: "夜班", start: "18:00", end: "06:00", breaks: [] },
  ],
  rest_weekdays: [],
  rest_dates: [],
  offline_after_s: 120,
  target_pct: 85,
};


// The page's format for basis points: 8338 -> "83.38%", null -> "—".
function pct(bp) {
  if (bp === null || bp === undefined) return "—";
  const a = Math.abs(bp);
  return `${bp < 0 ? "-" : ""}${Math.trunc(a / 100)}.${String(a % 100).padStart(2, "0")}%`;
}

function localDay(ms) {
  return new Intl.DateTimeFormat("en-CA", { timeZone: TZ, year: "numeric", month: "2-digit", day: "2-digit" }).format(
    new Date(ms),
  );
}

function zoneTime(ms) {
  return new Intl.DateTimeFormat("zh-CN", {
    timeZone: TZ,
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
  }).format(new Date(ms));
}

describe("analytics pages in the browser", { timeout: 240000 }, () => {
  let daemon, browser, context, page;
  let gatewayToken, sessionToken;
  let stopStart; // ts of K001's stop
  let today;
  let pageErrors, foreignRequests, apiCalls; // watchPage(): apiCalls is path -> count

  before(async () => {
    daemon = await startDaemon({
      extraArgs: ["--timezone", TZ],
      setup: (admin) => {
        admin("enterprise", "add", "--code", ENT, "--name", "平邑示范手套厂", "--town", "平邑");
        admin("workshop", "add", "--enterprise", ENT, "--code", WS, "--name", "织造一车间");
        for (const m of MACHINES) {
          admin("machine", "add", "--enterprise", ENT, "--workshop", WS, "--code", m, "--kind", "knitting", "--cycle-ms", CYCLE_MS);
        }
        admin("user", "add", "--username", USER, "--role", "enterprise_admin", "--enterprise", ENT, "--password", PASSWORD);
        admin("user", "add", "--username", SUPERVISOR, "--role", "supervisor", "--enterprise", ENT, "--password", PASSWORD);
        gatewayToken = admin("token", "add", "--enterprise", ENT, "--name", "gw-analytics");
      },
    });
    sessionToken = await login(daemon.url, USER, PASSWORD);

    const put = await api(daemon.url, sessionToken, "PUT", `/api/v1/calendar?enterprise=${ENT}`, CALENDAR);
    assert.equal(put.status, 200, put.text);
    assert.equal(put.json.tz, TZ);
    const worker = await api(daemon.url, sessionToken, "POST", `/api/v1/workers?enterprise=${ENT}`, {
      enterprise: ENT,
      code: "W001",
      name: "王芳",
      rate_unit: "pair",
      rate: "0.0500",
      step_period: "day",
      steps: [],
      reject_deduct: "0.0200",
    });
    assert.ok([200, 201].includes(worker.status), worker.text);

    // One report a minute for 20 minutes. K001: runs at full speed, stops
    // (no reason) for 4 minutes, runs again with 2 rejects. K002: runs at
    // half speed throughout.
    const t0 = Date.now() - 20 * MIN;
    today = localDay(Date.now());
    stopStart = t0 + 10 * MIN;
    const reports = [];
    let c1 = 100; // counters start anywhere: the first report is the baseline
    let c2 = 5000;
    for (let i = 0; i <= 19; i++) {
      const ts = t0 + i * MIN;
      const stopped = i >= 10 && i < 14;
      if (i > 0 && !stopped) c1 += 6;
      if (i > 0) c2 += 3;
      reports.push({ machine: "K001", ts, count: c1, reject: i >= 15 ? 2 : 0, state: stopped ? "stop" : "run" });
      reports.push({ machine: "K002", ts, count: c2, state: "run" });
    }
    const r = await api(daemon.url, gatewayToken, "POST", "/api/v1/reports", reports);
    assert.equal(r.status, 200, r.text);

    browser = await launchChromium();
    // Browser zone and locale differ from the firm's on purpose.
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-US", timezoneId: "America/New_York" });
    page = await context.newPage();
    ({ pageErrors, foreignRequests, apiCalls } = watchPage(page, daemon.url));
  });

  after(() => stopAll([() => browser?.close(), () => daemon?.stop()]));

  it("logs in and shows the OEE the API computes", async () => {
    await page.goto(daemon.url + "/");
    await page.fill("#login-username", USER);
    await page.fill("#login-password", PASSWORD);
    await page.click("#login-submit");
    await page.locator('[data-machine="K001"]').waitFor({ state: "visible", timeout: 15000 });
    assert.equal(apiCalls.get("/api/v1/oee") || 0, 0, "nothing of the analytics is read while the wall is shown");

    const oeeAnswer = page.waitForResponse((res) => new URL(res.url()).pathname === "/api/v1/oee", { timeout: 15000 });
    await page.click("#tab-analytics");
    await page.locator('#tab-analytics[aria-selected="true"]').waitFor();
    const res = await oeeAnswer;
    assert.equal(res.status(), 200);
    const q = new URL(res.url()).searchParams;
    assert.equal(q.get("enterprise"), ENT);
    assert.equal(q.get("from"), today, "the range defaults to the firm's local day");
    assert.equal(q.get("to"), today);
    const d = await res.json();
    const bp = d.total.oee_bp;
    assert.ok(Number.isInteger(bp) && bp > 0 && bp < 10000, `oee_bp of the total: ${JSON.stringify(d.total)}`);
    // The card shows exactly what the page was answered (the figure moves
    // with the clock: the newest report's state lasts until now).
    await waitFor(async () => (await page.locator("#an-oee .stat-value").innerText()).trim() === pct(bp), {
      what: `the OEE card to read ${pct(bp)}`,
    });
    assert.equal(await page.getAttribute("#an-oee", "data-bp"), String(bp));
    for (const [id, k] of [
      ["#an-availability", "availability_bp"],
      ["#an-performance", "performance_bp"],
      ["#an-quality", "quality_bp"],
    ]) {
      assert.equal((await page.locator(`${id} .stat-value`).innerText()).trim(), pct(d.total[k]), k);
    }
    // The same request from outside gives the same kind of answer.
    const direct = await api(daemon.url, sessionToken, "GET", `/api/v1/oee?enterprise=${ENT}&from=${today}&to=${today}`);
    assert.equal(direct.status, 200, direct.text);
    assert.ok(Math.abs(direct.json.total.oee_bp - bp) < 500, `${direct.json.total.oee_bp} vs ${bp}`);
    assert.ok(d.total.stop_ms > 0, `K001's stop counts as stop time: ${JSON.stringify(d.total)}`);

    // One table row per machine, and a totals row.
    for (const m of MACHINES) {
      const row = d.rows.find((r) => r.label === m || r.key === `${ENT}/${m}`);
      assert.ok(row, `row of ${m}: ${JSON.stringify(d.rows)}`);
    }
    assert.equal(await page.locator("#an-rows tr").count(), d.rows.length);
    assert.equal((await page.locator("#an-foot tr td").last().innerText()).trim(), pct(bp));
  });

  it("draws the loss waterfall, the stop-reason Pareto and the trend", async () => {
    for (const id of ["#an-waterfall", "#an-pareto", "#an-trend"]) {
      await page.locator(`${id} canvas`).first().waitFor({ timeout: 10000 });
    }
    assert.equal(await page.locator("#an-waterfall-msg").isVisible(), false, "the waterfall has planned time");
    assert.equal(await page.locator("#an-pareto-msg").isVisible(), false, "the Pareto has a stop");
    // The Pareto's one reason is the unexplained stop, named in Chinese.
    const labels = await page.evaluate(() => {
      const c = window.echarts.getInstanceByDom(document.getElementById("an-pareto"));
      return c.getOption().xAxis[0].data;
    });
    assert.deepEqual(labels, ["未说明"]);
  });

  it("does not poll", async () => {
    const n = apiCalls.get("/api/v1/oee");
    await sleep(3000); // a wait for nothing to happen, not for a state
    assert.equal(apiCalls.get("/api/v1/oee"), n, "no reads without a control change");
    // A control change reads again.
    const again = page.waitForResponse((res) => new URL(res.url()).pathname === "/api/v1/oee");
    await page.selectOption("#an-group", "day");
    const res = await again;
    assert.equal(new URL(res.url()).searchParams.get("group"), "day");
    await page.selectOption("#an-group", "machine");
  });

  it("exports the OEE table as Excel and CSV", async () => {
    const xlsx = await page.getAttribute("#an-export-xlsx", "href");
    const u = new URL(xlsx, daemon.url);
    assert.equal(u.pathname, "/api/v1/oee");
    assert.equal(u.searchParams.get("format"), "xlsx");
    assert.equal(u.searchParams.get("from"), today);
    // The link works with the browser's own session (cookie).
    let r = await context.request.get(u.href);
    assert.equal(r.status(), 200, await r.text());
    assert.equal(r.headers()["content-type"].split(";")[0].trim(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    assert.match(r.headers()["content-disposition"] || "", /attachment/);
    const body = await r.body();
    assert.equal(body.subarray(0, 2).toString("latin1"), "PK", "a zip (xlsx) file");

    const csv = new URL(await page.getAttribute("#an-export-csv", "href"), daemon.url);
    assert.equal(csv.searchParams.get("format"), "csv");
    r = await context.request.get(csv.href);
    assert.equal(r.status(), 200);
    assert.match(r.headers()["content-type"], /^text\/csv/);
  });

  it("adds a stop reason through the Shifts page and offers it on the Stops page", async () => {
    await page.click("#tab-shifts");
    await page.locator('#reason-rows tr[data-reason="yarn_break"]').waitFor({ timeout: 10000 });
    const before = await api(daemon.url, sessionToken, "GET", `/api/v1/stop-reasons?enterprise=${ENT}`);
    assert.equal(before.status, 200, before.text);
    assert.equal(await page.locator("#reason-rows tr").count(), before.json.reasons.length, "one row per reason of the firm");

    // A code the API refuses is marked on its input.
    const posted = () =>
      page.waitForResponse((res) => new URL(res.url()).pathname === "/api/v1/stop-reasons" && res.request().method() === "POST");
    await page.fill("#reason-code", "脱模 卡手");
    await page.fill("#reason-name-zh", "脱模卡手");
    await page.fill("#reason-name-en", "Glove stuck on the former");
    let res = posted();
    await page.click("#reason-submit");
    assert.equal((await res).status(), 400);
    await page.locator('#reason-form [data-field="code"][aria-invalid="true"]').waitFor();
    await page.locator('#reason-form [data-field-error="code"]').waitFor();

    await page.fill("#reason-code", "glove_stuck");
    res = posted();
    await page.click("#reason-submit");
    const answer = await res;
    assert.equal(answer.status(), 201);
    assert.deepEqual(answer.request().postDataJSON(), {
      enterprise: ENT,
      code: "glove_stuck",
      name_zh: "脱模卡手",
      name_en: "Glove stuck on the former",
    });
    await page.locator("#reason-msg.ok").waitFor();
    const row = page.locator('#reason-rows tr[data-reason="glove_stuck"]');
    await waitText(row.locator(".sr-name-zh"), "脱模卡手");
    assert.equal(await page.locator("#reason-form [aria-invalid]").count(), 0, "the mark goes with a good save");

    const after = await api(daemon.url, sessionToken, "GET", `/api/v1/stop-reasons?enterprise=${ENT}`);
    assert.equal(after.status, 200, after.text);
    assert.deepEqual(
      after.json.reasons.filter((r) => r.code === "glove_stuck"),
      [{ code: "glove_stuck", name_zh: "脱模卡手", name_en: "Glove stuck on the former" }],
    );
    assert.equal(after.json.reasons.length, before.json.reasons.length + 1);

    // The Stops page's select offers it (the list read after the save).
    await page.click("#tab-stops");
    const select = page.locator(`#stops-rows tr[data-stop="K001/${stopStart}"] select`);
    await select.waitFor({ state: "visible", timeout: 10000 });
    const options = await select.locator("option").evaluateAll((os) => os.map((o) => [o.value, o.textContent]));
    assert.ok(
      options.some(([v, text]) => v === "glove_stuck" && text === "脱模卡手"),
      `options: ${JSON.stringify(options)}`,
    );
    assert.equal(options.length, after.json.reasons.length + 1, "every reason of the firm and the prompt");
    await page.click("#tab-wall");
  });

  it("lists the stop and sets its reason through the page", async () => {
    await page.click("#tab-stops");
    const key = `K001/${stopStart}`;
    const row = page.locator(`#stops-rows tr[data-stop="${key}"]`);
    await row.waitFor({ state: "visible", timeout: 10000 });
    assert.equal(await row.getAttribute("data-source"), "machine");
    await waitText(row.locator(".stop-state"), "停机");
    assert.ok((await row.locator(".stop-start").innerText()).includes(zoneTime(stopStart)), "start in the firm's zone");
    assert.ok((await row.locator(".stop-end").innerText()).includes(zoneTime(stopStart + 4 * MIN)), "end in the firm's zone");

    const reasons = await api(daemon.url, sessionToken, "GET", `/api/v1/stop-reasons?enterprise=${ENT}`);
    assert.equal(reasons.status, 200, reasons.text);
    const reason = reasons.json.reasons[0];
    assert.ok(reason?.code, reasons.text);

    const saved = page.waitForResponse((res) => new URL(res.url()).pathname === "/api/v1/stops/reason");
    await row.locator("select").selectOption(reason.code);
    await row.locator(".stop-save").click();
    assert.equal((await saved).status(), 200);
    await page.locator(`#stops-rows tr[data-stop="${key}"][data-source="supervisor"]`).waitFor({ timeout: 10000 });
    const text = await row.locator(".stop-reason").innerText();
    assert.ok(text.includes(reason.name_zh), `reason shown: ${text}`);
    assert.match(text, /主管/);

    const r = await api(daemon.url, sessionToken, "GET", `/api/v1/stops?enterprise=${ENT}&from=${today}&to=${today}`);
    assert.equal(r.status, 200, r.text);
    const stop = r.json.stops.find((s) => s.machine === "K001" && s.start === stopStart);
    assert.ok(stop, r.text);
    assert.equal(stop.source, "supervisor");
    assert.equal(stop.reason, reason.code);

    // The workshop picker narrows the list (the API filters).
    const narrowed = page.waitForResponse((res) => new URL(res.url()).pathname === "/api/v1/stops");
    await page.selectOption("#pick-workshop", WS);
    assert.equal(new URL((await narrowed).url()).searchParams.get("workshop"), WS);
    await page.locator(`#stops-rows tr[data-stop="${key}"][data-source="supervisor"]`).waitFor({ timeout: 10000 });
    await page.selectOption("#pick-workshop", "");
  });

  it("shows the firm's calendar and the field a bad save names", async () => {
    await page.click("#tab-shifts");
    const tz = page.locator('#cal-form [data-field="tz"]');
    await tz.waitFor({ state: "visible", timeout: 10000 });
    assert.equal(await tz.inputValue(), TZ);
    assert.equal(await page.locator("#cal-form .cal-shift").count(), 2);
    await tz.fill("Mars/Olympus_Mons");
    const put = page.waitForResponse((res) => new URL(res.url()).pathname === "/api/v1/calendar" && res.request().method() === "PUT");
    await page.click("#cal-save");
    assert.equal((await put).status(), 400);
    await page.locator("#cal-msg.error").waitFor({ state: "visible" });
    await page.locator('#cal-form [data-field="tz"][aria-invalid="true"]').waitFor();
    // Nothing was stored.
    const r = await api(daemon.url, sessionToken, "GET", `/api/v1/calendar?enterprise=${ENT}`);
    assert.equal(r.json.tz, TZ);
  });

  it("switches the tab titles to English", async () => {
    await page.click("#lang");
    const titles = {
      wall: "Machine wall",
      fleet: "Gateways",
      analytics: "Analytics",
      stops: "Stops",
      shifts: "Shifts",
      wages: "Wages",
    };
    for (const [v, title] of Object.entries(titles)) await waitText(page.locator(`#tab-${v}`), title);
    await page.click("#tab-stops");
    const row = page.locator(`#stops-rows tr[data-stop="K001/${stopStart}"]`);
    await waitFor(async () => /supervisor/.test(await row.locator(".stop-reason").innerText()), { what: "the source in English" });
    await page.click("#lang");
    await waitText(page.locator("#tab-analytics"), "分析");
  });

  it("assigns a worker to a machine's shift and clears it again", async () => {
    await page.click("#tab-wages");
    const cell = page.locator('#asg-rows select[data-cell="K002/1"]');
    await cell.waitFor({ timeout: 10000 });
    assert.equal(await page.locator("#wage-error").isVisible(), false);
    assert.equal(await page.locator("#asg-head th").count(), 1 + CALENDAR.shifts.length);
    assert.equal(await cell.inputValue(), "");
    const assigned = async () => {
      const r = await api(daemon.url, sessionToken, "GET", `/api/v1/assignments?enterprise=${ENT}&day=${today}`);
      assert.equal(r.status, 200, r.text);
      return r.json.assignments;
    };
    await cell.selectOption("W001");
    let put = page.waitForResponse((res) => new URL(res.url()).pathname === "/api/v1/assignments" && res.request().method() === "PUT");
    await page.click("#asg-save");
    assert.equal((await put).status(), 200);
    await page.locator("#asg-msg.ok").waitFor();
    assert.deepEqual(await assigned(), [{ machine: "K002", shift: 1, worker: "W001" }]);

    await cell.selectOption("");
    put = page.waitForResponse((res) => new URL(res.url()).pathname === "/api/v1/assignments" && res.request().method() === "PUT");
    await page.click("#asg-save");
    assert.equal((await put).status(), 200);
    assert.deepEqual(await assigned(), []);
    await page.click("#tab-wall");
  });

  it("adds a worker through the Wages form, naming a bad rate", async () => {
    await page.click("#tab-wages");
    await page.locator('#worker-rows tr[data-worker="W001"]').waitFor({ timeout: 10000 });
    await waitText(page.locator('#worker-rows tr[data-worker="W001"] .worker-rate'), "¥0.0500/双");
    const posted = () =>
      page.waitForResponse((res) => new URL(res.url()).pathname === "/api/v1/workers" && res.request().method() === "POST");

    await page.fill("#worker-code", "W002");
    await page.fill("#worker-name", "张伟");
    await page.selectOption("#worker-rate-unit", "pair");
    await page.fill("#worker-rate", "0.06x");
    await page.fill("#worker-reject-deduct", "0.0100");
    await page.selectOption("#worker-step-period", "month");
    await page.click("#worker-step-add");
    await page.click("#worker-step-add"); // left empty: not sent
    await page.selectOption('#worker-steps [data-field="steps[0].kind"]', "flat");
    await page.fill('#worker-steps [data-field="steps[0].threshold"]', "3000");
    await page.fill('#worker-steps [data-field="steps[0].bonus"]', "50.0000");

    let res = posted();
    await page.click("#worker-submit");
    const bad = await res;
    assert.equal(bad.status(), 400);
    const message = (await bad.json()).error.message;
    assert.match(message, /^rate: /);
    const note = page.locator('#worker-form [data-field-error="rate"]');
    await note.waitFor();
    assert.equal("rate: " + (await note.innerText()).trim(), message, "the API's message beside the rate");
    assert.equal(await page.getAttribute('#worker-form [data-field="rate"]', "aria-invalid"), "true");
    assert.match(await page.locator("#worker-msg").innerText(), /出错了/);
    assert.equal(await page.locator("#worker-steps .worker-step").count(), 1, "the empty step row was dropped");
    let list = await api(daemon.url, sessionToken, "GET", `/api/v1/workers?enterprise=${ENT}`);
    assert.deepEqual(list.json.workers.map((w) => w.code), ["W001"], "nothing was stored");

    // A step the API refuses is marked on that step's input.
    await page.fill("#worker-rate", "0.0600");
    await page.fill('#worker-steps [data-field="steps[0].threshold"]', "-5");
    res = posted();
    await page.click("#worker-submit");
    assert.equal((await res).status(), 400);
    await page.locator('#worker-form [data-field="steps[0].threshold"][aria-invalid="true"]').waitFor();
    assert.equal(await page.locator('#worker-form [data-field="rate"][aria-invalid]').count(), 0);
    await page.fill('#worker-steps [data-field="steps[0].threshold"]', "3000");

    res = posted();
    await page.click("#worker-submit");
    const ok = await res;
    assert.equal(ok.status(), 201, await ok.text());
    await page.locator("#worker-msg.ok").waitFor();
    await page.locator('#worker-rows tr[data-worker="W002"]').waitFor({ timeout: 10000 });
    assert.equal(await page.locator("#worker-form [aria-invalid]").count(), 0);

    list = await api(daemon.url, sessionToken, "GET", `/api/v1/workers?enterprise=${ENT}`);
    assert.equal(list.status, 200, list.text);
    assert.deepEqual(list.json.workers.map((w) => w.code).sort(), ["W001", "W002"]);
    const w2 = list.json.workers.find((w) => w.code === "W002");
    assert.deepEqual(w2, {
      enterprise: ENT,
      code: "W002",
      name: "张伟",
      rate_unit: "pair",
      rate: "0.0600",
      step_period: "month",
      steps: [{ kind: "flat", threshold: 3000, bonus: "50.0000" }],
      reject_deduct: "0.0100",
      allow_negative: false,
    });
    const row = page.locator('#worker-rows tr[data-worker="W002"]');
    assert.equal((await row.locator(".worker-rate").innerText()).trim(), "¥0.0600/双");
    assert.match(await row.locator(".worker-bonus").innerText(), /按月.*3,?000 双.*¥50\.0000/);

    // The grid's selects and the wages table were read again.
    await page.locator('#asg-rows select[data-cell="K001/0"] option[value="W002"]').waitFor({ state: "attached", timeout: 10000 });
    await page.locator('#wage-rows tr[data-worker="W002"]').waitFor({ timeout: 10000 });

    // Edit fills the form with the stored card; a save re-posts the code.
    await page.click('#worker-rows tr[data-worker="W002"] .worker-edit');
    await waitFor(async () => (await page.inputValue("#worker-rate")) === "0.0600", { what: "the form filled with W002's card" });
    assert.equal(await page.inputValue('#worker-steps [data-field="steps[0].threshold"]'), "3000");
    await waitText(page.locator("#worker-form-title"), /W002/);
    await page.fill("#worker-name", "张伟伟");
    res = posted();
    await page.click("#worker-submit");
    assert.equal((await res).status(), 201);
    await waitFor(async () => (await row.locator(".worker-name").innerText()).trim() === "张伟伟", { what: "the renamed worker" });
    list = await api(daemon.url, sessionToken, "GET", `/api/v1/workers?enterprise=${ENT}`);
    assert.equal(list.json.workers.length, 2);
    assert.deepEqual(list.json.workers.find((w) => w.code === "W002"), { ...w2, name: "张伟伟" });
    await page.click("#tab-wall");
  });

  it("says plainly that a supervisor may not save a worker", async () => {
    const ctx2 = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "zh-CN" });
    try {
      const p2 = await ctx2.newPage();
      p2.on("pageerror", (e) => pageErrors.push(String(e)));
      await p2.goto(daemon.url + "/");
      await p2.fill("#login-username", SUPERVISOR);
      await p2.fill("#login-password", PASSWORD);
      await p2.click("#login-submit");
      await p2.locator('[data-machine="K001"]').waitFor({ state: "visible", timeout: 15000 });
      await p2.click("#tab-wages");
      await p2.locator('#worker-rows tr[data-worker="W001"]').waitFor({ timeout: 10000 });
      await p2.fill("#worker-code", "W009");
      await p2.fill("#worker-name", "无权");
      await p2.fill("#worker-rate", "0.0500");
      const res = p2.waitForResponse((r) => new URL(r.url()).pathname === "/api/v1/workers" && r.request().method() === "POST");
      await p2.click("#worker-submit");
      assert.equal((await res).status(), 403);
      await p2.locator("#worker-msg.error").waitFor();
      assert.match(await p2.locator("#worker-msg").innerText(), /没有权限/);
      const list = await api(daemon.url, sessionToken, "GET", `/api/v1/workers?enterprise=${ENT}`);
      assert.ok(!list.json.workers.some((w) => w.code === "W009"));
    } finally {
      await ctx2.close();
    }
  });

  it("raised no page errors and fetched nothing from outside", () => {
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(foreignRequests, []);
  });
});
