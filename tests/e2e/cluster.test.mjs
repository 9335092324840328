// SPDX-License-Identifier: Apache-2.0
// End-to-end: the cluster's pages in headless Chromium against the real
// daemon. A firm's admin opens 统计, sees the measured fields pre-filled
// and read-only, files with a bad value and gets the error beside that
// field, then files; the bureau sees the firm as filed in the county's
// overview; the cockpit at 1920x1080 shows machines and output live (a
// new report moves its figures without a reload), fits the screen without
// scrolling, in type readable across a room, and fetches nothing from
// another host.
// Run: GLOVED_BIN=build/gloved GLOVED_SOURCE_DIR=$PWD node --test tests/e2e/cluster.test.mjs

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { api, login, startDaemon } from "../lib/harness.mjs";
import { postOk } from "../lib/integration.mjs";
import { launchChromium, stopAll, waitText, watchPage } from "./browser.mjs";

const PASSWORD = "Cluster-e2e-pass-42";
const WALL = { width: 1920, height: 1080 };

describe("the cluster's pages and the cockpit", { timeout: 240000 }, () => {
  let daemon, browser, gw, t0;

  before(async () => {
    daemon = await startDaemon({
      extraArgs: ["--timezone", "Asia/Shanghai"],
      setup: (a) => {
        a("enterprise", "add", "--code", "JX01", "--name", "嘉祥一号手套厂", "--town", "嘉祥");
        a("enterprise", "add", "--code", "PY01", "--name", "平邑织造厂", "--town", "平邑");
        a("workshop", "add", "--enterprise", "JX01", "--code", "W1", "--name", "缝制车间");
        a("machine", "add", "--enterprise", "JX01", "--workshop", "W1", "--code", "K1");
        a("user", "add", "--username", "boss", "--role", "enterprise_admin", "--enterprise", "JX01", "--password", PASSWORD);
        a("user", "add", "--username", "bureau", "--role", "bureau", "--password", PASSWORD);
        gw = a("token", "add", "--enterprise", "JX01", "--name", "gw");
      },
    });
    t0 = Date.now() - 120000;
    await postOk(daemon.url, gw, [
      { machine: "K1", ts: t0, count: 0, state: "run" },
      { machine: "K1", ts: t0 + 60000, count: 600, state: "run" },
    ]);
    browser = await launchChromium();
  });

  after(() => stopAll([() => browser?.close(), () => daemon?.stop()]));

  async function signIn(ctx, user) {
    const p = await ctx.newPage();
    const seen = watchPage(p, daemon.url);
    await p.goto(daemon.url + "/");
    await p.fill("#login-username", user);
    await p.fill("#login-password", PASSWORD);
    await p.click("#login-form button[type=submit]");
    await p.locator("#tab-stats").waitFor();
    return { p, seen };
  }

  it("a firm files its monthly report, with the error beside the field that is wrong", async () => {
    const ctx = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    try {
      const { p, seen } = await signIn(ctx, "boss");
      await p.locator("#tab-stats").click();
      const pieces = p.locator('#c-report-form input[name="pieces"]');
      await pieces.waitFor();
      assert.equal(await pieces.inputValue(), "600");
      assert.equal(await pieces.evaluate((e) => e.readOnly), true, "measured fields are gloved's");
      await p.fill('#c-report-form input[name="output_value"]', "120.5");
      await p.fill('#c-report-form input[name="sales"]', "12.55");
      await p.fill('#c-report-form input[name="exports"]', "30");
      await p.fill('#c-report-form input[name="employees"]', "45");
      await p.click("#c-file");
      const bad = p.locator('#c-report-form input[name="sales"]');
      await p.waitForFunction(() => document.querySelector('#c-report-form input[name="sales"]')?.getAttribute("aria-invalid") === "true");
      assert.match(await p.locator('[data-field-error="sales"]').innerText(), /values\.sales/);
      assert.equal(await p.locator('#c-report-form [aria-invalid="true"]').count(), 1, "only the wrong field is marked");
      await bad.fill("110");
      await p.click("#c-file");
      await p.waitForFunction(() => /已报送/.test(document.querySelector("#c-report-status")?.textContent || ""));
      assert.equal(await p.locator("#c-file").count(), 0, "a filed report has no file button");
      assert.deepEqual(seen.pageErrors, []);
      assert.deepEqual(seen.foreignRequests, []);
    } finally {
      await ctx.close();
    }
  });

  it("the bureau sees who filed and opens the cockpit at 1920x1080, live", async () => {
    const ctx = await browser.newContext({ viewport: WALL });
    try {
      const { p } = await signIn(ctx, "bureau");
      await p.locator("#tab-stats").click();
      await p.locator("#c-counts").waitFor();
      assert.match(await p.locator("#c-counts").innerText(), /共 2 家企业：已报送 1/);
      const cockpit = await ctx.newPage();
      const seen = watchPage(cockpit, daemon.url);
      await cockpit.goto(daemon.url + "/cockpit.html");
      await waitText(cockpit.locator("#v-online"), "1 / 1", { timeoutMs: 15000 });
      await waitText(cockpit.locator("#v-pairs"), "300", { timeoutMs: 15000 });
      // a new report moves the wall without a reload
      await postOk(daemon.url, gw, [{ machine: "K1", ts: t0 + 100000, count: 1000, state: "run" }]);
      await waitText(cockpit.locator("#v-pairs"), "500", { timeoutMs: 20000 });
      // fits the wall: no scrolling, large type
      const size = await cockpit.evaluate(() => ({ w: document.documentElement.scrollWidth, h: document.documentElement.scrollHeight }));
      assert.ok(size.w <= WALL.width && size.h <= WALL.height, `the cockpit is ${size.w}x${size.h}`);
      const font = await cockpit.locator("#v-pairs").evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
      assert.ok(font >= 60, `headline figures are ${font}px`);
      const towns = await cockpit.locator("#towns").innerText();
      assert.ok(towns.includes("嘉祥") && towns.includes("平邑"), towns);
      // English
      await cockpit.click("#ck-lang");
      await waitText(cockpit.locator("#ck-title"), "Glove cluster cockpit");
      assert.deepEqual(seen.foreignRequests, [], "nothing is fetched from another host");
      assert.deepEqual(seen.pageErrors, []);
    } finally {
      await ctx.close();
    }
  });
});
