// SPDX-License-Identifier: Apache-2.0
// End-to-end: the dashboard's 协作 and 设计库 pages in headless Chromium
// against the real daemon. A lead firm's admin sees its free capacity by
// week, posts a cooperative order, has it split by the solver and offers
// it; a partner's admin accepts its part with one of its styles and sees
// only its own part; the lead sees the part accepted. A design is
// published with licensable terms and another firm asks for a licence.
// Every asset comes from the daemon.
// Run: GLOVED_BIN=build/gloved GLOVED_SOURCE_DIR=$PWD node --test tests/e2e/coop.test.mjs

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { api, login, startDaemon } from "../lib/harness.mjs";
import { launchChromium, stopAll, waitText, watchPage } from "./browser.mjs";

const PASSWORD = "Coop-e2e-pass-42";
const DESKTOP = { width: 1400, height: 1000 };
const dayOf = (ms) => new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(new Date(ms));

describe("the cooperation pages of the dashboard", { timeout: 240000 }, () => {
  let daemon, browser;

  before(async () => {
    daemon = await startDaemon({
      extraArgs: ["--timezone", "Asia/Shanghai"],
      setup: (a) => {
        a("enterprise", "add", "--code", "JX01", "--name", "嘉祥一号手套厂", "--town", "嘉祥");
        a("enterprise", "add", "--code", "JX02", "--name", "嘉祥二号手套厂", "--town", "嘉祥");
        a("user", "add", "--username", "boss1", "--role", "enterprise_admin", "--enterprise", "JX01", "--password", PASSWORD);
        a("user", "add", "--username", "boss2", "--role", "enterprise_admin", "--enterprise", "JX02", "--password", PASSWORD);
      },
    });
    // JX02 is the cheaper: the split gives it the order
    for (const [u, ent, ops, price] of [
      ["boss1", "JX01", 30, 3000],
      ["boss2", "JX02", 20, 2800],
    ]) {
      const tok = await login(daemon.url, u, PASSWORD);
      for (const [m, p, b] of [
        ["PUT", "/api/v1/cluster/share", { enterprise: ent, capacity: true, catalogue: true, cases: false }],
        ["PUT", "/api/v1/coop/profile", { enterprise: ent, families: ["sewn"], operators: ops, price_fen: price }],
        ["POST", "/api/v1/styles", { enterprise: ent, code: "SKI", name: "滑雪手套", category: "ski", family: "sewn", sizes: ["8"], routing: [{ code: "S01", name: "合缝", smv: "30.00", rate: "0.5000" }] }],
      ]) {
        const r = await api(daemon.url, tok, m, p, b);
        assert.ok(r.status === 200 || r.status === 201, r.text);
      }
    }
    browser = await launchChromium();
  });

  after(() => stopAll([() => browser?.close(), () => daemon?.stop()]));

  async function open(user) {
    const ctx = await browser.newContext({ viewport: DESKTOP });
    const p = await ctx.newPage();
    const seen = watchPage(p, daemon.url);
    await p.goto(daemon.url + "/");
    await p.fill("#login-username", user);
    await p.fill("#login-password", PASSWORD);
    await p.click("#login-form button[type=submit]");
    await p.locator("#tab-coop").click();
    return { ctx, p, seen };
  }

  it("posts, splits and offers a cooperative order; the partner accepts its part", async () => {
    const lead = await open("boss1");
    try {
      const p = lead.p;
      await waitText(p.locator("#co-me h2"), "嘉祥一号手套厂 的能力与空闲产能");
      assert.equal(await p.locator("#co-cap-sewn tbody tr").count(), 12);
      await p.fill("#co-order-form [data-field=code]", "CO-E2E");
      await p.fill("#co-order-form [data-field=buyer]", "Alpine");
      await p.fill("#co-order-form [data-field=pairs]", "5000");
      await p.fill("#co-order-form [data-field=due]", dayOf(Date.now() + 60 * 86400000));
      await p.fill("#co-order-form [data-field=price_fen]", "32.00");
      await p.locator("#co-order-form button[type=submit]").click();
      await waitText(p.locator("#co-order h2"), "协作订单 CO-E2E");
      await p.locator("#co-propose").click();
      await p.locator("#co-proposal[data-status=optimal]").waitFor();
      assert.ok((await p.locator("#co-parts tbody tr").count()) >= 1);
      // the lead adjusts: too much in week 1 is refused with the firm's capacity
      const jx2 = p.locator('#co-adjust-form input[data-firm="JX02"]');
      await jx2.fill("5000");
      await p.locator("#co-adjust").click();
      await waitText(p.locator("#co-msg"), /free capacity/);
      await jx2.fill("2500,2500");
      await p.locator("#co-adjust").click();
      await waitText(p.locator("#co-msg"), "已调整");
      await waitText(p.locator('#co-parts tr[data-firm="JX02"] td').nth(3), "W1:2,500 W2:2,500");
      await p.locator("#co-offer").click();
      await waitText(p.locator("#co-msg"), "已发出");
      assert.deepEqual(lead.seen.foreignRequests, []);
      assert.deepEqual(lead.seen.pageErrors, []);
    } finally {
      await lead.ctx.close();
    }
    const partner = await open("boss2");
    try {
      const p = partner.p;
      const row = p.locator('#co-order-table tr[data-order="CO-E2E"]');
      await row.locator("button").click();
      await waitText(p.locator("#co-order h2"), "协作订单 CO-E2E");
      assert.equal(await p.locator("#co-parts tbody tr").count(), 1, "a partner sees only its own part");
      await p.locator("#co-accept").click();
      await waitText(p.locator("#co-msg"), "已接受，生产订单已建立");
      await waitText(p.locator('#co-parts tr[data-firm="JX02"] td').nth(5), "已接受");
      assert.deepEqual(partner.seen.pageErrors, []);
    } finally {
      await partner.ctx.close();
    }
  });

  it("publishes a design and another firm asks for its licence", async () => {
    const owner = await open("boss2");
    try {
      const p = owner.p;
      await p.locator("#tab-designs").click();
      await p.locator("#co-design-new summary").click();
      await p.fill("#co-design-form [data-field=code]", "D-E2E");
      await p.fill("#co-design-form [data-field=name]", "雪山款");
      await p.fill("#co-design-form [data-field=sizes]", "7,8,9");
      await p.fill("#co-design-form [data-field=fee]", "1.20");
      await p.locator("#co-design-form button[type=submit]").click();
      await waitText(p.locator('#co-design-table tr[data-design="D-E2E"] td').nth(4), "集群内授权");
    } finally {
      await owner.ctx.close();
    }
    const user = await open("boss1");
    try {
      const p = user.p;
      await p.locator("#tab-designs").click();
      const r = p.locator('#co-design-table tr[data-design="D-E2E"]');
      await r.locator("button", { hasText: "申请授权" }).click();
      await waitText(r.locator("td").nth(7).locator("span"), "待批");
    } finally {
      await user.ctx.close();
    }
  });
});
