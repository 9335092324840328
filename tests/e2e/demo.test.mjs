// SPDX-License-Identifier: Apache-2.0
// End-to-end: `gloved demo` as a new user meets it in headless Chromium.
// Each partner of the cooperative order CO-2026-01 whose part is still
// offered logs in with its demo login (its firm's code in lower case),
// opens the order on the 协作 page and accepts its part with the style the
// page offers by default (the order's own, CO-SKI, which every partner
// has); and the public portal's page of the brand-licensed JX01 shows its
// catalogue with its pictures loaded. Every asset comes from the daemon.
// Run: GLOVED_BIN=build/gloved GLOVED_SOURCE_DIR=$PWD node --test tests/e2e/demo.test.mjs

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { DEMO_PASSWORD, startDemo } from "../lib/demo.mjs";
import { api, login } from "../lib/harness.mjs";
import { launchChromium, stopAll, waitText, watchPage } from "./browser.mjs";

const DESKTOP = { width: 1400, height: 1000 };
const PHONE = { width: 390, height: 844 };

describe("the demo in the browser", { timeout: 240000 }, () => {
  let demo, browser;

  before(async () => {
    demo = await startDemo();
    browser = await launchChromium();
  });

  after(() => stopAll([() => browser?.close(), () => demo?.stop()]));

  it("each partner with an offered part accepts it from the 协作 page", async () => {
    const lead = await login(demo.url, "jx01", DEMO_PASSWORD);
    const o = await api(demo.url, lead, "GET", "/api/v1/coop/order?code=CO-2026-01");
    assert.equal(o.status, 200, o.text);
    const offered = o.json.parts.filter((p) => p.status === "offered").map((p) => p.enterprise);
    assert.ok(offered.length >= 1, "the demo leaves parts to answer");
    for (const firm of offered) {
      const ctx = await browser.newContext({ viewport: DESKTOP });
      try {
        const p = await ctx.newPage();
        const seen = watchPage(p, demo.url);
        await p.goto(demo.url + "/");
        await p.fill("#login-username", firm.toLowerCase());
        await p.fill("#login-password", DEMO_PASSWORD);
        await p.click("#login-form button[type=submit]");
        await p.locator("#tab-coop").click();
        await p.locator('#co-order-table tr[data-order="CO-2026-01"] button').click();
        await waitText(p.locator("#co-order h2"), "协作订单 CO-2026-01");
        assert.equal(await p.locator("#co-style").inputValue(), "CO-SKI", `${firm}: the order's style is chosen`);
        await p.locator("#co-accept").click();
        await waitText(p.locator("#co-msg"), "已接受，生产订单已建立");
        await waitText(p.locator(`#co-parts tr[data-firm="${firm}"] td`).nth(5), "已接受");
        assert.deepEqual(seen.pageErrors, [], firm);
        assert.deepEqual(seen.foreignRequests, [], firm);
      } finally {
        await ctx.close();
      }
    }
    const done = await api(demo.url, lead, "GET", "/api/v1/coop/order?code=CO-2026-01");
    assert.ok(done.json.parts.every((p) => p.status === "accepted"));
  });

  it("the portal's page of the brand-licensed JX01 shows its catalogue with pictures, on a phone, without JavaScript", async () => {
    const ctx = await browser.newContext({ viewport: PHONE, javaScriptEnabled: false });
    try {
      const p = await ctx.newPage();
      const seen = watchPage(p, demo.url);
      await p.goto(demo.url + "/portal/firm?code=JX01");
      const cards = p.locator("#catalogue .design");
      assert.ok((await cards.count()) >= 2, "JX01's public designs");
      const imgs = p.locator("#catalogue img");
      assert.ok((await imgs.count()) >= 2);
      for (let i = 0; i < (await imgs.count()); i++) {
        const img = imgs.nth(i);
        await img.scrollIntoViewIfNeeded();
        await p.waitForFunction((el) => el.complete && el.naturalWidth > 0, await img.elementHandle(), { timeout: 10000 });
        assert.equal(await img.evaluate((el) => el.naturalWidth), 96);
      }
      assert.deepEqual(seen.foreignRequests, []);
    } finally {
      await ctx.close();
    }
  });
});
