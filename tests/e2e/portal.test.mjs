// SPDX-License-Identifier: Apache-2.0
// End-to-end: the public portal on a phone-sized screen (390 x 844) in
// headless Chromium with JavaScript off, against the real daemon: the
// cluster's home fits the width and reads zh-CN, a town's page lists its
// firms, the language link switches to English, and a buyer fills in the
// enquiry form and submits it as a plain HTML form; the firm sees the
// enquiry in its inbox. Nothing is fetched from another host.
// Run: GLOVED_BIN=build/gloved GLOVED_SOURCE_DIR=$PWD node --test tests/e2e/portal.test.mjs

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { api, login, startDaemon } from "../lib/harness.mjs";
import { launchChromium, stopAll, waitText, watchPage } from "./browser.mjs";

const PASSWORD = "Portal-e2e-pass-42";
const VIEWPORT = { width: 390, height: 844 };
const dayOf = (ms) => new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(new Date(ms));

describe("the portal on a phone without JavaScript", { timeout: 240000 }, () => {
  let daemon, browser, context, page, seen, boss;

  before(async () => {
    daemon = await startDaemon({
      extraArgs: ["--timezone", "Asia/Shanghai"],
      setup: (a) => {
        a("enterprise", "add", "--code", "JX01", "--name", "嘉祥县金手套制品有限公司", "--town", "嘉祥");
        a("user", "add", "--username", "boss", "--role", "enterprise_admin", "--enterprise", "JX01", "--password", PASSWORD);
      },
    });
    boss = await login(daemon.url, "boss", PASSWORD);
    for (const [p, b] of [
      ["/api/v1/cluster/share", { enterprise: "JX01", capacity: true, catalogue: true, cases: true }],
      ["/api/v1/coop/profile", { enterprise: "JX01", families: ["sewn"], certifications: ["EN388"], operators: 30 }],
    ]) {
      const r = await api(daemon.url, boss, "PUT", p, b);
      assert.equal(r.status, 200, r.text);
    }
    browser = await launchChromium();
    context = await browser.newContext({ viewport: VIEWPORT, javaScriptEnabled: false, isMobile: true, hasTouch: true });
    page = await context.newPage();
    seen = watchPage(page, daemon.url);
  });

  after(() => stopAll([() => context?.close(), () => browser?.close(), () => daemon?.stop()]));

  const fits = async () => {
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= VIEWPORT.width, `the page is ${width}px wide on a ${VIEWPORT.width}px screen`);
  };

  it("shows the cluster and a town in zh-CN, within the phone's width", async () => {
    await page.goto(daemon.url + "/portal");
    await waitText(page.locator("h1"), "手套产业集群");
    assert.equal(await page.locator("html").getAttribute("lang"), "zh-CN");
    await fits();
    await page.locator("#towns a", { hasText: "嘉祥" }).click();
    await waitText(page.locator("h1"), "嘉祥");
    await waitText(page.locator("#firms h3"), "嘉祥县金手套制品有限公司");
    await fits();
    await page.locator("#lang").click();
    await waitText(page.locator("h2").first(), "Firms");
    assert.equal(await page.locator("html").getAttribute("lang"), "en");
  });

  it("takes an enquiry through the plain form", async () => {
    await page.goto(daemon.url + "/portal/enquiry");
    await fits();
    await page.fill("#buyer", "Alpine Outfitters");
    await page.fill("#contact", "+49 30 1234");
    await page.fill("#product", "防水滑雪手套");
    await page.selectOption("#family", "sewn");
    await page.fill("#pairs", "12000");
    await page.fill("#due", dayOf(Date.now() + 50 * 86400000));
    await page.click("button[type=submit]");
    await waitText(page.locator("h1"), "询盘已提交");
    const ref = await page.locator("#sent").getAttribute("data-ref");
    assert.match(ref, /^Q[A-Z0-9]+$/);
    const inbox = await api(daemon.url, boss, "GET", "/api/v1/enquiries");
    assert.equal(inbox.json.items[0].ref, ref);
    assert.equal(inbox.json.items[0].pairs, 12000);
    await page.locator("#status-link").click();
    await waitText(page.locator("#quotes p"), "还没有企业报价。");
    assert.deepEqual(seen.foreignRequests, [], "nothing is fetched from another host");
    assert.deepEqual(seen.pageErrors, []);
  });
});
