// SPDX-License-Identifier: Apache-2.0
// End-to-end: the machine wall in headless Chromium against the real daemon
// and the real broker. Run: GLOVED_BIN=build/gloved GLOVED_SOURCE_DIR=$PWD
// node --test tests/e2e/wall.test.mjs  (GLOVED_SCREENSHOT=1 also writes
// docs/screenshot-wall.png).

import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { SOURCE_DIR, api, login, mqttPublish, sleep, startBroker, startDaemon, waitFor } from "../lib/harness.mjs";
import { launchChromium, stopAll, textOf, waitText, watchPage } from "./browser.mjs";

const ENT = "PY01";
const WS = "W1";
const MACHINES = ["K001", "K002", "K003", "K004", "K005", "K006"];
const USER = "zhang";
const PASSWORD = "Wall-e2e-pass-42";
const ADMIN = "wang"; // the firm's admin: renames a stop reason
const ADMIN_PASSWORD = "Wall-e2e-admin-42";
// The firm's own name for no_material (the built-in one is 待料 / Waiting
// for material): the wall must show the firm's.
const NO_MATERIAL = { "zh-CN": "待料（纱线）", en: "Waiting for yarn" };
const TZ = "Asia/Shanghai";


function shanghaiTime(ms) {
  return new Intl.DateTimeFormat("zh-CN", { timeZone: TZ, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(
    new Date(ms),
  );
}

function pieces(n, lang) {
  const num = new Intl.NumberFormat(lang).format(n);
  return lang === "en" ? `${num} pcs` : `${num} 只`;
}

describe("machine wall in the browser", { timeout: 240000 }, () => {
  let broker, daemon, browser, context, page;
  let gatewayToken, sessionToken;
  let pageErrors, foreignRequests, apiCalls; // watchPage(): apiCalls is path -> count

  before(async () => {
    broker = await startBroker();
    daemon = await startDaemon({
      mqttPort: broker.port,
      extraArgs: ["--timezone", TZ],
      setup: (admin) => {
        admin("enterprise", "add", "--code", ENT, "--name", "平邑示范手套厂", "--town", "平邑");
        admin("workshop", "add", "--enterprise", ENT, "--code", WS, "--name", "织造一车间");
        for (const m of MACHINES) {
          admin("machine", "add", "--enterprise", ENT, "--workshop", WS, "--code", m, "--kind", "knitting", "--gauge", "13");
        }
        admin("user", "add", "--username", USER, "--role", "supervisor", "--enterprise", ENT, "--password", PASSWORD);
        admin("user", "add", "--username", ADMIN, "--role", "enterprise_admin", "--enterprise", ENT, "--password", ADMIN_PASSWORD);
        gatewayToken = admin("token", "add", "--enterprise", ENT, "--name", "gw-e2e");
      },
    });
    assert.match(gatewayToken, /^\S+$/, "token add prints only the token");
    sessionToken = await login(daemon.url, USER, PASSWORD);
    const adminToken = await login(daemon.url, ADMIN, ADMIN_PASSWORD);
    const renamed = await api(daemon.url, adminToken, "POST", "/api/v1/stop-reasons", {
      enterprise: ENT,
      code: "no_material",
      name_zh: NO_MATERIAL["zh-CN"],
      name_en: NO_MATERIAL.en,
    });
    assert.ok(renamed.status === 200 || renamed.status === 201, renamed.text);

    browser = await launchChromium();
    // The browser's own locale and zone differ from the daemon's on purpose:
    // the page must default to Chinese and show times in the daemon's zone.
    context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      locale: "en-US",
      timezoneId: "America/New_York",
    });
    page = await context.newPage();
    ({ pageErrors, foreignRequests, apiCalls } = watchPage(page, daemon.url));
  });

  after(() => stopAll([() => browser?.close(), () => daemon?.stop(), () => broker?.stop()]));

  const tile = (code) => page.locator(`[data-machine="${code}"]`);
  // Resolves after the page has drawn two more frames (layout and paint done).
  const nextFrame = () => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

  async function machineFromApi(code) {
    const r = await api(daemon.url, sessionToken, "GET", `/api/v1/machines?enterprise=${ENT}&workshop=${WS}`);
    assert.equal(r.status, 200, r.text);
    const m = r.json.machines.find((x) => x.code === code);
    assert.ok(m, `machine ${code} in GET /api/v1/machines`);
    return m;
  }

  // Waits until the tile's count reads the API's good_today for the machine.
  async function waitTileCount(code, lang) {
    let last = "";
    try {
      return await waitFor(
        async () => {
          const m = await machineFromApi(code);
          const shown = (await tile(code).locator(".tile-count").innerText()).trim();
          last = `tile shows "${shown}", API good_today ${m.good_today}`;
          return shown === pieces(m.good_today, lang) && m;
        },
        { timeoutMs: 10000, what: `tile ${code} to show the API's count` },
      );
    } catch (e) {
      e.message += ` (${last})`;
      throw e;
    }
  }

  it("shows the login form in Chinese by default", async () => {
    await page.goto(daemon.url + "/");
    await page.locator("#login-form").waitFor({ state: "visible" });
    assert.equal(await page.getAttribute("html", "lang"), "zh-CN");
    assert.equal((await page.locator("#login-submit").innerText()).trim(), "登录");
    assert.equal((await page.locator("#lang").innerText()).trim(), "EN");
  });

  it("refuses a wrong password with a message", async () => {
    await page.fill("#login-username", USER);
    await page.fill("#login-password", "not-the-password");
    await page.click("#login-submit");
    await page.locator("#login-error").waitFor({ state: "visible" });
    assert.equal((await page.locator("#login-error").innerText()).trim(), "用户名或密码错误");
  });

  it("logs in through the form and shows one tile per machine", async () => {
    await page.fill("#login-username", USER);
    await page.fill("#login-password", PASSWORD);
    await page.click("#login-submit");
    for (const m of MACHINES) await tile(m).waitFor({ state: "visible", timeout: 15000 });
    assert.equal(await page.locator("[data-machine]").count(), MACHINES.length);
    for (const m of MACHINES) {
      assert.equal(await tile(m).getAttribute("data-state"), "unknown");
      assert.equal((await tile(m).locator(".tile-state").innerText()).trim(), "未知");
    }
    assert.equal((await tile("K001").locator(".tile-count").innerText()).trim(), "0 只");
    await page.locator("#chart canvas").first().waitFor({ timeout: 10000 }); // the output chart
    // Marks this page load: a reload would drop it.
    await page.evaluate(() => {
      window.__sameLoad = "yes";
    });
  });

  it("turns K001 to run, then to fault, live over HTTP ingest", async () => {
    const ts = Date.now();
    let r = await api(daemon.url, gatewayToken, "POST", "/api/v1/reports", [
      { machine: "K001", ts, count: 10, state: "run" },
    ]);
    assert.equal(r.status, 200, r.text);
    await page.waitForSelector('[data-machine="K001"][data-state="run"]', { timeout: 10000 });
    assert.equal((await tile("K001").locator(".tile-state").innerText()).trim(), "运行");
    await waitTileCount("K001", "zh-CN");

    r = await api(daemon.url, gatewayToken, "POST", "/api/v1/reports", [
      { machine: "K001", ts: ts + 1000, count: 12, state: "fault", reason: "needle_break" },
    ]);
    assert.equal(r.status, 200, r.text);
    await page.waitForSelector('[data-machine="K001"][data-state="fault"]', { timeout: 10000 });
    const m = await waitTileCount("K001", "zh-CN");
    assert.ok(m.good_today > 0, `good_today after two reports: ${m.good_today}`);
    const text = await tile("K001").innerText();
    assert.match(text, /故障/);
    assert.match(text, /断针/, "the stop reason is shown");
    if (m.since) assert.ok(text.includes(shanghaiTime(m.since)), `time in ${TZ} on the tile: ${text}`);
    assert.equal(await page.evaluate(() => window.__sameLoad), "yes", "the page was not reloaded");
  });

  it("turns K002 to run live over MQTT", async () => {
    await waitFor(
      async () => (await api(daemon.url, null, "GET", "/healthz")).json?.mqtt === "connected",
      { timeoutMs: 15000, what: "the daemon's MQTT connection" },
    );
    const report = { ts: Date.now(), count: 5, state: "run" };
    // The daemon may still be subscribing: send the same report again (a
    // duplicate changes nothing) until the tile turns.
    await waitFor(
      async () => {
        mqttPublish(broker.port, `gloved/v1/${ENT}/K002/report`, report);
        return page
          .waitForSelector('[data-machine="K002"][data-state="run"]', { timeout: 3000 })
          .then(() => true, () => false);
      },
      { timeoutMs: 20000, intervalMs: 0, what: "K002 to turn run after an MQTT report" },
    );
    await waitTileCount("K002", "zh-CN");
    assert.equal(await tile("K003").getAttribute("data-state"), "unknown");
    assert.equal(await page.evaluate(() => window.__sameLoad), "yes", "the page was not reloaded");
  });

  it("keeps today's totals up to date from the live feed", async () => {
    const sum = await waitFor(
      async () => {
        const r = await api(daemon.url, sessionToken, "GET", `/api/v1/machines?enterprise=${ENT}`);
        const total = r.json.machines.reduce((a, m) => a + m.good_today, 0);
        const shown = (await page.locator("#total-enterprise .stat-value").innerText()).trim();
        return shown === pieces(total, "zh-CN") && total;
      },
      { timeoutMs: 10000, what: "the firm total to match the machines' good_today" },
    );
    assert.ok(sum > 0);
    await page.selectOption("#pick-workshop", WS);
    await waitText(page.locator("#total-scope .stat-value"), pieces(sum, "zh-CN"));
    assert.equal(await page.locator("[data-machine]").count(), MACHINES.length);
    // No polling: the summary was read once for this page load, the output
    // at most a few times (load, workshop change, one throttled refresh).
    assert.equal(apiCalls.get("/api/v1/summary"), 1, JSON.stringify([...apiCalls]));
    assert.ok((apiCalls.get("/api/v1/output") || 0) <= 3, JSON.stringify([...apiCalls]));
    assert.equal(apiCalls.get("/api/v1/events"), 1, "one event stream");
  });

  it("shows the gateway fleet, refreshed by machine events, without polling", async () => {
    const fleetCalls = () => apiCalls.get("/api/v1/gateways") || 0;
    const row = (gw) => page.locator(`#fleet-rows tr[data-gateway="${gw}"]`);
    assert.equal(fleetCalls(), 0, "the fleet is not read while the wall is shown");
    await page.click("#tab-fleet");
    await page.locator('#tab-fleet[aria-selected="true"]').waitFor();
    assert.equal(await textOf(page.locator("#tab-fleet")), "网关");
    await row("http/gw-e2e").waitFor({ state: "visible", timeout: 10000 });
    assert.equal(await page.locator("#page-wall").isVisible(), false, "the wall is hidden");

    const r = await api(daemon.url, sessionToken, "GET", `/api/v1/gateways?enterprise=${ENT}`);
    assert.equal(r.status, 200, r.text);
    const gw = r.json.gateways.find((g) => g.protocol === "http" && g.name === "gw-e2e");
    assert.ok(gw, JSON.stringify(r.json));
    const cells = async (gwKey) => {
      const rw = row(gwKey);
      return {
        proto: (await rw.locator(".fleet-proto").innerText()).trim(),
        status: (await rw.locator(".fleet-state").innerText()).trim(),
        lastSeen: (await rw.locator(".fleet-last-seen").innerText()).trim(),
        errors: (await rw.locator(".fleet-errors").innerText()).trim(),
        machines: (await rw.locator(".fleet-machines").innerText()).trim(),
      };
    };
    let c = await cells("http/gw-e2e");
    assert.equal(c.proto, "HTTP");
    assert.equal(c.status, "在线");
    assert.equal(await row("http/gw-e2e").getAttribute("data-online"), "true");
    assert.ok(c.lastSeen.startsWith(shanghaiTime(gw.last_seen)), `last seen in ${TZ}: "${c.lastSeen}" vs ${gw.last_seen}`);
    assert.match(c.machines, /K001/);
    assert.equal(c.errors, "无");
    // the MQTT JSON topics of the firm are a source too
    await row(`mqtt/${ENT}`).waitFor({ state: "visible", timeout: 10000 });
    assert.match((await cells(`mqtt/${ENT}`)).machines, /K002/);

    // A refused request and then a report for K003: the machine event
    // refreshes the list (throttled), with the error and the new machine.
    const bad = await api(daemon.url, gatewayToken, "POST", "/api/v1/reports", [{ machine: "K003", ts: Date.now(), count: -1, state: "run" }]);
    assert.equal(bad.status, 400, bad.text);
    const ok = await api(daemon.url, gatewayToken, "POST", "/api/v1/reports", [{ machine: "K003", ts: Date.now(), count: 3, state: "run" }]);
    assert.equal(ok.status, 200, ok.text);
    await waitFor(async () => /K003/.test((await cells("http/gw-e2e")).machines), { timeoutMs: 15000, what: "the fleet row to list K003" });
    c = await cells("http/gw-e2e");
    assert.match(c.errors, /^1 次/);
    assert.match(c.errors, /count/, "the last error is shown");
    // No free-running poll: without events, no more reads in longer than
    // the 5 s throttle (a wait for nothing to happen, not for a state).
    const n = fleetCalls();
    await sleep(6000);
    assert.equal(fleetCalls(), n, "the fleet is not polled");

    await page.click("#lang");
    await waitText(page.locator("#tab-fleet"), "Gateways");
    await waitText(row("http/gw-e2e").locator(".fleet-state"), "Online");
    await page.click("#lang");
    await waitText(page.locator("#tab-fleet"), "网关");

    // The broker goes away: the fleet page says so at once (a live event,
    // not a poll), and again when it is back on the same port.
    const link = page.locator('#fleet-brokers li[data-client="mqtt"]');
    await waitFor(async () => (await link.getAttribute("data-state")) === "connected", { timeoutMs: 10000, what: "the broker line: connected" });
    assert.match(await textOf(link), /^MQTT 代理：已连接，自 \d\d:\d\d:\d\d 起/);
    const port = broker.port;
    const readsBefore = fleetCalls();
    await broker.stop();
    await waitFor(async () => (await link.getAttribute("data-state")) === "disconnected", { timeoutMs: 15000, what: "the broker line: disconnected" });
    assert.match(await textOf(link), /MQTT 代理：连接中断，自 \d\d:\d\d:\d\d 起（0 分钟），正在重连/);
    assert.equal(await link.getAttribute("role"), "alert");
    await page.click("#lang");
    await waitText(link.locator(".fleet-broker-losses"), "connections lost since the start: 1");
    assert.match(await textOf(link), /^MQTT broker: disconnected since \d\d:\d\d:\d\d \(0 min\), reconnecting/);
    await page.click("#lang");
    broker = await startBroker({ port });
    await waitFor(async () => (await link.getAttribute("data-state")) === "connected", { timeoutMs: 60000, what: "the broker line: connected again" });
    assert.match(await textOf(link), /^MQTT 代理：已连接/);
    assert.equal(fleetCalls(), readsBefore, "the broker lines came by live events, not by reading the fleet");

    await page.click("#tab-wall");
    await tile("K001").waitFor({ state: "visible" });
    await page.locator("#page-fleet").waitFor({ state: "hidden" });
    assert.equal(await page.evaluate(() => window.__sameLoad), "yes", "the page was not reloaded");
  });

  it("names stop reasons with the firm's names, else the built-in ones, else the code, in both languages", async () => {
    const ts = Date.now();
    const r = await api(daemon.url, gatewayToken, "POST", "/api/v1/reports", [
      { machine: "K004", ts, count: 7, state: "idle", reason: "no_material" }, // renamed by the firm
      { machine: "K005", ts, count: 8, state: "stop", reason: "size_change" }, // not in the firm's list
      { machine: "K006", ts, count: 9, state: "stop", reason: "belt_slip" }, // named nowhere
    ]);
    assert.equal(r.status, 200, r.text);
    const reason = (code) => tile(code).locator(".tile-reason");
    await waitText(reason("K004"), NO_MATERIAL["zh-CN"]);
    await waitText(reason("K005"), "换码");
    await waitText(reason("K006"), "belt_slip");
    assert.equal(await tile("K004").getAttribute("data-state"), "idle");
    const m = (await api(daemon.url, sessionToken, "GET", `/api/v1/machines?enterprise=${ENT}`)).json.machines;
    assert.equal(m.find((x) => x.code === "K004").reason, "no_material", "the API keeps the code");

    await page.click("#lang");
    await waitText(reason("K004"), NO_MATERIAL.en);
    await waitText(reason("K005"), "Size change");
    await waitText(reason("K006"), "belt_slip");
    await waitText(tile("K001").locator(".tile-reason"), "Needle break");
    await page.click("#lang");
    await waitText(reason("K004"), NO_MATERIAL["zh-CN"]);
    assert.equal(apiCalls.get("/api/v1/stop-reasons"), 1, "the firm's list is read once per page load");
  });

  it("switches to English and remembers it", async () => {
    await page.click("#lang");
    await waitText(tile("K001").locator(".tile-state"), "Fault");
    await waitText(tile("K001").locator(".tile-reason"), "Needle break");
    await waitText(tile("K002").locator(".tile-state"), "Run");
    await waitText(tile("K002").locator(".tile-count"), /^\d[\d,]* pcs$/);
    await waitText(page.locator("#lang"), "中文");

    await page.reload();
    // Still logged in (cookie) and still English.
    await tile("K001").waitFor({ state: "visible", timeout: 15000 });
    assert.equal(await page.locator("#login-form").isVisible(), false);
    assert.equal(await page.getAttribute("html", "lang"), "en");
    await page.waitForSelector('[data-machine="K001"][data-state="fault"]');
    await waitText(tile("K001").locator(".tile-state"), "Fault");
    await waitText(tile("K004").locator(".tile-reason"), NO_MATERIAL.en);

    await page.click("#lang");
    await waitText(tile("K001").locator(".tile-state"), "故障");
  });

  it("fits a phone-width screen", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForFunction(() => window.innerWidth === 390);
    await nextFrame();
    const { scroll, inner } = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      inner: window.innerWidth,
    }));
    assert.ok(scroll <= inner, `no sideways scrolling at 390 px (${scroll} > ${inner})`);
    assert.ok(await tile("K003").isVisible());
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it("takes the screenshot when asked", { skip: !process.env.GLOVED_SCREENSHOT }, async () => {
    await page.waitForFunction(() => window.innerWidth === 1280);
    await nextFrame(); // the chart redraws on the resize
    await page.screenshot({ path: path.join(SOURCE_DIR, "docs", "screenshot-wall.png") });
  });

  it("logs out", async () => {
    await page.click("#logout");
    await page.locator("#login-form").waitFor({ state: "visible" });
    assert.equal(await page.locator("[data-machine]").count(), 0);
    await page.reload();
    await page.locator("#login-form").waitFor({ state: "visible" });
  });

  it("opens without a session with no console error and no failed request", async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const p = await ctx.newPage();
      const consoleErrors = [];
      const failed = []; // requests that failed or were answered 4xx/5xx
      p.on("console", (msg) => {
        if (msg.type() === "error") consoleErrors.push(msg.text());
      });
      p.on("pageerror", (e) => consoleErrors.push(String(e)));
      p.on("requestfailed", (req) => {
        // the event stream of a page being reloaded is cut by the browser
        if (req.failure()?.errorText === "net::ERR_ABORTED" && new URL(req.url()).pathname === "/api/v1/events") return;
        failed.push(`failed ${new URL(req.url()).pathname}: ${req.failure()?.errorText}`);
      });
      p.on("response", (res) => {
        if (res.status() >= 400) failed.push(`${res.status()} ${new URL(res.url()).pathname}`);
      });
      const asked = [];
      p.on("request", (req) => asked.push(new URL(req.url()).pathname));

      // A browser that never logged in: the login form, and nothing refused.
      await p.goto(daemon.url + "/");
      await p.locator("#login-form").waitFor({ state: "visible" });
      await waitText(p.locator("#login-submit"), "登录");
      assert.deepEqual(consoleErrors, []);
      assert.deepEqual(failed, []);
      assert.ok(!asked.includes("/api/v1/me"), `no session to ask about: ${asked.join(" ")}`);

      // One that had a session which is gone (expired, or ended elsewhere):
      // /me answers 401 once, handled with the form; the next load is quiet.
      await p.evaluate(() => localStorage.setItem("gloved.session", "1"));
      const me = p.waitForResponse((res) => new URL(res.url()).pathname === "/api/v1/me");
      await p.reload();
      assert.equal((await me).status(), 401);
      await p.locator("#login-form").waitFor({ state: "visible" });
      assert.deepEqual(failed, ["401 /api/v1/me"], "the one expected, handled refusal");
      assert.ok(consoleErrors.every((e) => /401/.test(e)), consoleErrors.join("\n"));
      assert.equal(await p.evaluate(() => localStorage.getItem("gloved.session")), null);
      failed.length = 0;
      consoleErrors.length = 0;
      await p.reload();
      await p.locator("#login-form").waitFor({ state: "visible" });
      assert.deepEqual(consoleErrors, []);
      assert.deepEqual(failed, []);

      // Logged in through the form, a reload goes straight to the wall.
      await p.fill("#login-username", USER);
      await p.fill("#login-password", PASSWORD);
      await p.click("#login-submit");
      await p.locator('[data-machine="K001"]').waitFor({ state: "visible", timeout: 15000 });
      await p.reload();
      await p.locator('[data-machine="K001"]').waitFor({ state: "visible", timeout: 15000 });
      assert.equal(await p.locator("#login-form").isVisible(), false);
      assert.deepEqual(consoleErrors, []);
      assert.deepEqual(failed, []);
    } finally {
      await ctx.close();
    }
  });

  it("raised no page errors and fetched nothing from outside", () => {
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(foreignRequests, []);
  });
});
