// SPDX-License-Identifier: Apache-2.0
// End-to-end: the scan page (/scan.html) on an iPhone-sized screen in
// headless Chromium against the real daemon. A firm, a style with a
// 3-operation routing, an order released and cut into 2 bundles of 12 pairs
// are set up through the API; a worker account then scans tickets with the
// keyboard-wedge path (type + Enter): a good scan, a duplicate, a forged
// and an unknown code, an operation out of order, two scans made offline and
// sent when the network is back, the same offline queue sent again (nothing
// may count twice), a scan kept through a dropped request, a 503 and an
// expired session; a supervisor names the worker. Run: GLOVED_BIN=build/gloved GLOVED_SOURCE_DIR=$PWD
// node --test tests/e2e/scan.test.mjs  (GLOVED_SCAN_SCREENSHOT=<dir> also
// writes scan-ok.png, scan-duplicate.png and scan-offline.png there).

import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { api, login, startDaemon, waitFor } from "../lib/harness.mjs";
import { launchChromium, stopAll, waitText, watchPage } from "./browser.mjs";

const ENT = "C";
const ADMIN = "boss";
const ADMIN_PASSWORD = "Scan-e2e-admin-42";
const WORKER = "W001";
const WORKER_USER = "wang";
const WORKER_PASSWORD = "Scan-e2e-worker-42";
const ORDER = "O-2026-01";
const STYLE = "SKI-01";
const ROUTING = [
  { code: "S01", name: "合缝", smv: "1.20", rate: "0.1500" },
  { code: "S02", name: "上拉链", smv: "0.80", rate: "0.1000" },
  { code: "S03", name: "翻手套", smv: "0.50", rate: "0.0500" },
];
const VIEWPORT = { width: 390, height: 844 };


describe("scan page on a phone", { timeout: 240000 }, () => {
  let daemon, browser, context, page, token;
  let bundles = []; // [{id, no, qty, codes: {seq: code}}]
  let pageErrors, foreignRequests, apiCalls; // watchPage(): apiCalls is path -> count
  const scanPosts = []; // bodies of POST /api/v1/scans the page sent

  before(async () => {
    daemon = await startDaemon({
      setup: (admin) => {
        admin("enterprise", "add", "--code", ENT, "--name", "嘉祥示范手套厂", "--town", "嘉祥");
        admin("user", "add", "--username", ADMIN, "--role", "enterprise_admin", "--enterprise", ENT, "--password", ADMIN_PASSWORD);
      },
    });
    token = await login(daemon.url, ADMIN, ADMIN_PASSWORD);
    const post = async (path, body, want = 201) => {
      const r = await api(daemon.url, token, "POST", path, body);
      assert.ok(r.status === want || r.status === 200, `POST ${path}: ${r.status} ${r.text}`);
      return r.json;
    };
    await post("/api/v1/workers", { enterprise: ENT, code: WORKER, name: "王芳", rate_unit: "pair", rate: "0", steps: [] });
    await post("/api/v1/styles", {
      enterprise: ENT,
      code: STYLE,
      name: "滑雪手套",
      category: "ski",
      family: "sewn",
      materials: "羊皮, 棉",
      sizes: ["7", "8", "9"],
      routing: ROUTING,
    });
    await post("/api/v1/orders", {
      enterprise: ENT,
      code: ORDER,
      buyer: "Alpina",
      style: STYLE,
      due: "2026-12-20",
      unit: "pair",
      lines: [{ size: "8", qty: 24 }],
    });
    await post("/api/v1/orders/release", { enterprise: ENT, order: ORDER }, 200);
    const cut = await post("/api/v1/cuts", {
      enterprise: ENT,
      order: ORDER,
      bundle_size: 12,
      lines: [{ size: "8", plies: 24, pairs_per_ply: 1 }],
    });
    assert.equal(cut.bundles.length, 2, JSON.stringify(cut));
    // the worker account: a user tied to the worker code, that may only scan
    daemon.admin(
      "user",
      "add",
      "--username",
      WORKER_USER,
      "--role",
      "worker",
      "--enterprise",
      ENT,
      "--worker",
      WORKER,
      "--password",
      WORKER_PASSWORD,
    );
    bundles = await readBundles();
    assert.equal(bundles.length, 2);
    for (const b of bundles) assert.equal(Object.keys(b.codes).length, 3, `3 ticket codes for bundle ${b.no}`);

    browser = await launchChromium();
    context = await browser.newContext({
      viewport: VIEWPORT,
      deviceScaleFactor: 3,
      isMobile: true,
      hasTouch: true,
      locale: "en-US", // the page must still default to Chinese
      timezoneId: "America/New_York",
    });
    page = await context.newPage();
    ({ pageErrors, foreignRequests, apiCalls } = watchPage(page, daemon.url, (req, p) => {
      if (req.method() === "POST" && p === "/api/v1/scans") scanPosts.push(req.postDataJSON());
    }));
  });

  after(() => stopAll([() => browser?.close(), () => daemon?.stop()]));

  // GET /api/v1/bundles: each bundle with its ticket code per operation.
  async function readBundles() {
    const r = await api(daemon.url, token, "GET", `/api/v1/bundles?enterprise=${ENT}&order=${encodeURIComponent(ORDER)}`);
    assert.equal(r.status, 200, r.text);
    return r.json.bundles
      .map((b) => {
        const codes = {};
        for (const op of b.ops || b.operations || []) codes[op.seq] = op.code || op.ticket;
        return { ...b, codes };
      })
      .sort((a, b) => a.no - b.no);
  }

  // Pairs done per operation seq of the order, from GET /api/v1/wip.
  async function doneBySeq() {
    const r = await api(daemon.url, token, "GET", `/api/v1/wip?enterprise=${ENT}&order=${encodeURIComponent(ORDER)}`);
    assert.equal(r.status, 200, r.text);
    const order = r.json.orders ? r.json.orders.find((o) => o.code === ORDER || o.order === ORDER) : r.json;
    assert.ok(order, r.text);
    const done = {};
    for (const op of order.ops || order.operations) done[op.seq] = op.done;
    return done;
  }

  const code = (bundleNo, seq) => bundles[bundleNo - 1].codes[seq];

  async function scan(c) {
    const input = page.locator("#scan-code");
    await input.fill(c);
    await input.press("Enter"); // what a keyboard-wedge scanner sends
  }

  // Scans one code and waits for the result card to show it.
  async function scanAndWait(c, kind) {
    const before = await page.locator("#scan-result").getAttribute("data-scan-id").catch(() => null);
    await scan(c);
    await waitFor(
      async () => {
        const box = page.locator("#scan-result");
        if (!(await box.isVisible())) return false;
        const id = await box.getAttribute("data-scan-id");
        return id && id !== before && (await box.getAttribute("data-kind")) === kind;
      },
      { timeoutMs: 10000, what: `a ${kind} result for ${c}` },
    );
    return (await page.locator("#scan-result").innerText()).trim();
  }

  async function shot(name) {
    const dir = process.env.GLOVED_SCAN_SCREENSHOT;
    if (dir) await page.screenshot({ path: path.join(dir, `scan-${name}.png`), fullPage: true });
  }

  async function noHorizontalScroll(what) {
    const w = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(w <= VIEWPORT.width, `${what}: scrollWidth ${w} > ${VIEWPORT.width}`);
  }

  it("shows the login form in Chinese, with no console error on a fresh load", async () => {
    const consoleErrors = [];
    const onConsole = (msg) => {
      if (msg.type() === "error") consoleErrors.push(msg.text());
    };
    page.on("console", onConsole);
    await page.goto(daemon.url + "/scan.html");
    await page.locator("#login-form").waitFor({ state: "visible" });
    page.off("console", onConsole);
    // a browser without a session does not ask /api/v1/me (its 401 would be
    // logged by Chromium as an error)
    assert.deepEqual(consoleErrors, []);
    assert.equal(apiCalls.get("/api/v1/me") || 0, 0);
    assert.equal(await page.getAttribute("html", "lang"), "zh-CN");
    assert.equal((await page.locator("#login-submit").innerText()).trim(), "登录");
    assert.equal((await page.locator("#lang").innerText()).trim(), "EN");
    await noHorizontalScroll("login form");
  });

  it("logs in as the worker, who scans for itself", async () => {
    await page.fill("#login-username", WORKER_USER);
    await page.fill("#login-password", WORKER_PASSWORD);
    await page.click("#login-submit");
    await page.locator("#scan-view").waitFor({ state: "visible" });
    await waitText(page.locator("#scan-user"), new RegExp(WORKER_USER));
    assert.ok(await page.locator("#worker-field").isHidden(), "no worker field for a worker login");
    assert.ok(
      await page.evaluate(() => document.activeElement?.id === "scan-code"),
      "the code input has the focus (for a keyboard-wedge scanner)",
    );
    // the camera button only where BarcodeDetector reads QR codes
    const canCamera = await page.evaluate(
      async () =>
        "BarcodeDetector" in window &&
        !!navigator.mediaDevices?.getUserMedia &&
        (await window.BarcodeDetector.getSupportedFormats()).includes("qr_code"),
    );
    await waitFor(async () => (await page.locator("#scan-camera").isVisible()) === canCamera, {
      what: `the camera button ${canCamera ? "shown" : "hidden"}`,
    });
    // a big touch target
    const box = await page.locator("#scan-submit").boundingBox();
    assert.ok(box.height >= 44, `submit button ${box.height} px high`);
  });

  it("confirms a scan in Chinese with the operation, 12 双 and today's figures", async () => {
    const text = await scanAndWait(code(1, 1), "ok");
    assert.match(text, /合缝/);
    assert.match(text, /12 双/);
    assert.match(text, new RegExp(STYLE));
    assert.match(text, /第 1 扎/);
    await waitText(page.locator("#today-pairs"), "12 双");
    await waitText(page.locator("#today-pay"), "¥1.80"); // 12 × 0.1500
    const sent = scanPosts.at(-1);
    assert.equal(sent.code, code(1, 1));
    assert.match(sent.scan_id, /^[0-9a-f-]{36}$/);
    assert.ok(Math.abs(sent.ts - Date.now()) < 60000, "ts is the time of the scan");
    assert.equal(sent.worker, undefined, "a worker login does not name the worker");
    assert.equal(await page.inputValue("#scan-code"), "", "the input is cleared for the next scan");
    await noHorizontalScroll("after a scan");
    await shot("ok");
  });

  it("refuses the same ticket again and names who scanned it", async () => {
    const text = await scanAndWait(code(1, 1), "error");
    assert.match(text, /重复扫描/);
    assert.match(text, new RegExp(`已由 ${WORKER} 于 \\d\\d:\\d\\d 扫描`));
    await shot("duplicate");
  });

  it("refuses a forged code", async () => {
    const good = code(1, 2);
    const forged = good.slice(0, -1) + (good.at(-1) === "A" ? "B" : "A");
    const text = await scanAndWait(forged, "error");
    assert.match(text, /工票无效（校验失败）/);
    // no such bundle: unknown
    assert.match(await scanAndWait(`999999-1-${good.split("-")[2]}`, "error"), /未知工票/);
  });

  it("refuses an operation whose predecessor is not done", async () => {
    const text = await scanAndWait(code(2, 3), "error");
    assert.match(text, /上道工序未完成/);
  });

  let savedQueue = "";

  it("keeps scans made offline and sends them once when back online", async () => {
    const before = await doneBySeq();
    assert.equal(before[1], 12);
    assert.ok(!before[2]);
    await context.setOffline(true);
    await scanAndWait(code(2, 1), "queued");
    await scanAndWait(code(1, 2), "queued");
    await waitFor(async () => (await page.locator("#queue").getAttribute("data-count")) === "2", {
      what: "the queue counter at 2",
    });
    assert.equal((await page.locator("#queue-count").innerText()).trim(), "已离线保存 2 条");
    savedQueue = await page.evaluate(() => localStorage.getItem("gloved.scan.queue"));
    const q = JSON.parse(savedQueue);
    assert.deepEqual(
      q.map((e) => e.code),
      [code(2, 1), code(1, 2)],
    );
    for (const e of q) assert.ok(e.scan_id && e.ts, "each queued scan keeps its scan_id and ts");
    await noHorizontalScroll("with the queue shown");
    await shot("offline");

    await context.setOffline(false);
    await waitFor(async () => (await page.locator("#queue").getAttribute("data-count")) === "0", {
      timeoutMs: 15000,
      what: "the queue to empty",
    });
    assert.ok(await page.locator("#failed").isHidden(), "no failed offline scans");
    // the card now shows the answer to the last queued scan
    assert.match(await page.locator("#scan-result").innerText(), /上拉链/);
    const after = await doneBySeq();
    assert.equal(after[1], 24, "op 1: bundles 1 and 2");
    assert.equal(after[2], 12, "op 2: bundle 1");
    assert.ok(!after[3]);
    // the scans went out with the ids and times they were made with
    for (const e of q) {
      const sent = scanPosts.filter((p) => p.scan_id === e.scan_id);
      assert.ok(sent.length >= 1);
      for (const p of sent) assert.equal(p.ts, e.ts);
    }
  });

  it("counts nothing twice when the same queue is sent again", async () => {
    const postsBefore = scanPosts.length;
    // a phone that sent its queue but did not learn it: the same entries
    // come back after a reload
    await page.evaluate((q) => localStorage.setItem("gloved.scan.queue", q), savedQueue);
    await page.reload();
    await page.locator("#scan-view").waitFor({ state: "visible" });
    await waitFor(async () => (await page.locator("#queue").getAttribute("data-count")) === "0", {
      timeoutMs: 15000,
      what: "the restored queue to empty",
    });
    // and the page's flush called twice at once
    await page.evaluate((q) => localStorage.setItem("gloved.scan.queue", q), savedQueue);
    await page.evaluate(() => Promise.all([window.glovedScan.flush(), window.glovedScan.flush()]));
    assert.equal(await page.evaluate(() => window.glovedScan.queue().length), 0);
    assert.equal(await page.evaluate(() => window.glovedScan.failed().length), 0, "a repeat is a success");
    assert.ok(scanPosts.length >= postsBefore + 4, "the queue went out again");
    const after = await doneBySeq();
    assert.equal(after[1], 24);
    assert.equal(after[2], 12);
  });

  it("keeps a scan whose request fails or gets a 5xx, and sends it later", async () => {
    const queueCount = () => page.locator("#queue").getAttribute("data-count");
    let tries = 0;
    // the network drops the request (navigator.onLine still says online)
    await page.route("**/api/v1/scans", (route) => {
      tries++;
      return route.abort("connectionrefused");
    });
    await scanAndWait(code(1, 3), "queued");
    assert.equal(await queueCount(), "1");
    assert.ok(tries >= 1);
    // the server answers 503: still kept
    await page.unroute("**/api/v1/scans");
    let served503 = 0;
    await page.route("**/api/v1/scans", (route) => {
      served503++;
      return route.fulfill({
        status: 503,
        contentType: "application/json",
        body: JSON.stringify({ error: { code: "unavailable", message: "writer busy" } }),
      });
    });
    await page.click("#queue-send");
    await waitFor(() => served503 >= 1, { what: "the 503 answer" });
    await page.evaluate(() => window.glovedScan.flush()); // wait for the flush to end
    assert.equal(await queueCount(), "1", "kept after a 503");
    assert.ok(await page.locator("#failed").isHidden());
    assert.ok(!(await doneBySeq())[3], "not counted yet");
    // the server is back
    await page.unroute("**/api/v1/scans");
    await page.click("#queue-send");
    await waitFor(async () => (await queueCount()) === "0", { timeoutMs: 15000, what: "the queue to empty" });
    const box = page.locator("#scan-result");
    assert.equal(await box.getAttribute("data-kind"), "ok");
    assert.match(await box.innerText(), /翻手套/);
    assert.equal((await doneBySeq())[3], 12);
  });

  it("keeps the scan when the session has expired and sends it after the login", async () => {
    await page.route("**/api/v1/scans", (route) =>
      route.fulfill({
        status: 401,
        contentType: "application/json",
        body: JSON.stringify({ error: { code: "unauthorized", message: "log in" } }),
      }),
    );
    await scan(code(2, 2));
    await page.locator("#login-form").waitFor({ state: "visible" });
    assert.match(await page.locator("#login-error").innerText(), /登录已过期/);
    const q = await page.evaluate(() => window.glovedScan.queue());
    assert.deepEqual(
      q.map((e) => e.code),
      [code(2, 2)],
    );
    await page.unroute("**/api/v1/scans");
    await page.fill("#login-username", WORKER_USER);
    await page.fill("#login-password", WORKER_PASSWORD);
    await page.click("#login-submit");
    await page.locator("#scan-view").waitFor({ state: "visible" });
    await waitFor(async () => (await page.evaluate(() => window.glovedScan.queue().length)) === 0, {
      timeoutMs: 15000,
      what: "the kept scan to be sent after the login",
    });
    assert.equal((await doneBySeq())[2], 24);
  });

  it("lets a supervisor name the worker, and keeps the worker field filled", async () => {
    const ctx2 = await browser.newContext({ viewport: VIEWPORT, isMobile: true, hasTouch: true });
    const supervisorPosts = [];
    try {
      const p2 = await ctx2.newPage();
      p2.on("pageerror", (e) => pageErrors.push(String(e)));
      p2.on("request", (req) => {
        if (!req.url().startsWith(daemon.url + "/") && !req.url().startsWith("data:")) foreignRequests.push(req.url());
        else if (req.method() === "POST" && new URL(req.url()).pathname === "/api/v1/scans")
          supervisorPosts.push(req.postDataJSON());
      });
      await p2.goto(daemon.url + "/scan.html");
      await p2.fill("#login-username", ADMIN);
      await p2.fill("#login-password", ADMIN_PASSWORD);
      await p2.click("#login-submit");
      await p2.locator("#scan-view").waitFor({ state: "visible" });
      assert.ok(await p2.locator("#worker-field").isVisible(), "a supervisor/admin gets the worker field");
      await p2.fill("#scan-worker", WORKER);
      for (const [c, kind, re] of [
        [code(2, 3), "ok", new RegExp(`翻手套[^]*工号 ${WORKER}`)],
        [code(2, 2), "error", new RegExp(`已由 ${WORKER} 于`)],
      ]) {
        await p2.fill("#scan-code", c);
        await p2.press("#scan-code", "Enter");
        await waitFor(
          async () =>
            (await p2.locator("#scan-result").getAttribute("data-kind")) === kind &&
            (await p2.locator("#scan-result-code").innerText()) === c,
          { what: `supervisor scan of ${c}` },
        );
        assert.match(await p2.locator("#scan-result").innerText(), re);
        assert.equal(await p2.inputValue("#scan-worker"), WORKER, "the worker field stays filled");
      }
      assert.equal(supervisorPosts[0].worker, WORKER, "a supervisor's scan names the worker");
      const w = await p2.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(w <= VIEWPORT.width, `supervisor page scrollWidth ${w}`);
    } finally {
      await ctx2.close();
    }
    const done = await doneBySeq();
    assert.deepEqual([done[1], done[2], done[3]], [24, 24, 24]);
  });

  it("switches to English and back", async () => {
    await page.click("#lang");
    await waitText(page.locator("#scan-submit"), "Submit");
    await waitText(page.locator("#lang"), "中");
    assert.equal(await page.getAttribute("html", "lang"), "en");
    await noHorizontalScroll("in English");
    await page.click("#lang");
    await waitText(page.locator("#scan-submit"), "提交");
  });

  it("made no request outside 127.0.0.1 and threw no errors", async () => {
    assert.deepEqual(foreignRequests, []);
    assert.deepEqual(pageErrors, []);
  });
});
