// SPDX-License-Identifier: Apache-2.0
// End-to-end: the public label verification page (/v/<serial>) on a
// phone-sized screen in headless Chromium with JavaScript off, against the
// real daemon. A licensed firm's accepted lot gets a carton brand label
// through the API; the label's QR URL opened with no login shows 正品 and
// the label's facts in zh-CN, fits the phone's width, asks nothing of any
// other host, switches to English by its link, and a changed payload shows
// the counterfeit verdict. Then the dashboard's 质量 and 品牌 pages (with
// JavaScript, desktop size): the lots with their results, a lot formed from a bundle, an inspection
// entered with a defect from the catalogue and decided by the plan, the EN
// 388 calculator and a test report saved from it with its PDF, the labels
// of the lot with their print links; the association records an audit.
// Run: GLOVED_BIN=build/gloved
// GLOVED_SOURCE_DIR=$PWD node --test tests/e2e/quality.test.mjs
// (GLOVED_VERIFY_SCREENSHOT=<dir> writes verify-genuine.png there).

import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { api, login, startDaemon } from "../lib/harness.mjs";
import { launchChromium, stopAll, waitText, watchPage } from "./browser.mjs";

const ENT = "JX07";
const PASSWORD = "Verify-e2e-pass-42";
const DESKTOP = { width: 1400, height: 1000 };
const VIEWPORT = { width: 390, height: 844 };

describe("label verification page on a phone", { timeout: 240000 }, () => {
  let daemon, browser, context, page, seen, label;

  before(async () => {
    daemon = await startDaemon({
      setup: (a) => {
        a("enterprise", "add", "--code", ENT, "--name", "嘉祥县金手套制品有限公司", "--town", "嘉祥");
        a("user", "add", "--username", "boss", "--role", "enterprise_admin", "--enterprise", ENT, "--password", PASSWORD);
        a("user", "add", "--username", "assoc", "--role", "association", "--password", PASSWORD);
        a("user", "add", "--username", "wang", "--role", "worker", "--enterprise", ENT, "--worker", "W001", "--password", PASSWORD);
      },
    });
    const boss = await login(daemon.url, "boss", PASSWORD);
    const assoc = await login(daemon.url, "assoc", PASSWORD);
    const worker = await login(daemon.url, "wang", PASSWORD);
    const post = async (token, p, body, want = 201) => {
      const r = await api(daemon.url, token, "POST", p, body);
      assert.equal(r.status, want, `${p}: ${r.text}`);
      return r.json;
    };
    await post(boss, "/api/v1/styles", {
      enterprise: ENT,
      code: "SKI-07",
      name: "成人防水滑雪手套",
      category: "ski",
      family: "sewn",
      sizes: ["9"],
      routing: [{ code: "S01", name: "合缝", smv: "1.20", rate: "0.1500" }],
    });
    await post(boss, "/api/v1/orders", { enterprise: ENT, code: "PO-7", buyer: "Alpine", style: "SKI-07", due: "2026-12-31", unit: "dozen", lines: [{ size: "9", qty: 2 }] });
    await post(boss, "/api/v1/orders/release", { enterprise: ENT, order: "PO-7" }, 200);
    await post(boss, "/api/v1/cuts", { enterprise: ENT, order: "PO-7", bundle_size: 12, lines: [{ size: "9", plies: 2, pairs_per_ply: 12 }] });
    const bl = await api(daemon.url, boss, "GET", `/api/v1/bundles?enterprise=${ENT}&order=PO-7`);
    await post(worker, "/api/v1/scans", bl.json.bundles.map((b, i) => ({ code: b.ops[0].code, scan_id: `v-${i}` })), 200);
    await post(boss, "/api/v1/lots", { enterprise: ENT, code: "LOT-7", order: "PO-7", source: "bundles", bundles: [1] });
    await post(boss, "/api/v1/inspections", { enterprise: ENT, lot: "LOT-7", aql: { major: "2.5" }, inspector: "质检 李", defects: [] });
    await post(boss, "/api/v1/cartons", { enterprise: ENT, lot: "LOT-7", pairs_per_carton: 12 });
    await post(assoc, "/api/v1/brand/licences", { enterprise: ENT, action: "grant", reason: "首批", conditions: { audits_passed: 0, last_lots: 0, min_accept_pct: 0 } }, 200);
    label = (await post(boss, "/api/v1/labels", { enterprise: ENT, lot: "LOT-7", kind: "carton", brand: true })).items[0];
    browser = await launchChromium();
    context = await browser.newContext({ viewport: VIEWPORT, javaScriptEnabled: false, isMobile: true, hasTouch: true });
    page = await context.newPage();
    seen = watchPage(page, daemon.url);
  });

  after(() => stopAll([() => context?.close(), () => browser?.close(), () => daemon?.stop()]));

  const local = (url) => {
    const u = new URL(url);
    return daemon.url + u.pathname + u.search;
  };

  it("shows a genuine label's facts in zh-CN, within the phone's width", async () => {
    await page.goto(local(label.url));
    await waitText(page.locator("#verdict h1"), "正品标签");
    assert.equal(await page.locator("#verdict").getAttribute("data-state"), "genuine");
    const table = await page.locator("#label").innerText();
    for (const want of ["嘉祥县金手套制品有限公司", "嘉祥", "SKI-07", "LOT-7", "12 双"]) assert.ok(table.includes(want), `${want} in ${table}`);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= VIEWPORT.width, `the page is ${width}px wide on a ${VIEWPORT.width}px screen`);
    const size = await page.locator("#verdict h1").evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
    assert.ok(size >= 20, "the verdict is readable at arm's length");
    if (process.env.GLOVED_VERIFY_SCREENSHOT) {
      await page.screenshot({ path: path.join(process.env.GLOVED_VERIFY_SCREENSHOT, "verify-genuine.png"), fullPage: true });
    }
  });

  it("switches to English by its link, keeping the label", async () => {
    await page.locator("nav a", { hasText: "English" }).click();
    await waitText(page.locator("#verdict h1"), "Genuine label");
    assert.equal(await page.locator("html").getAttribute("lang"), "en");
    const u = new URL(page.url());
    assert.equal(u.searchParams.get("p"), new URL(label.url).searchParams.get("p"), "the link keeps the signed payload");
    assert.equal(u.searchParams.get("lang"), "en");
    assert.ok((await page.locator("#label").innerText()).includes("12 pairs"));
  });

  it("says a changed label is not genuine", async () => {
    const u = new URL(label.url);
    const changed = Buffer.from(label.payload.replace("|12|", "|120|")).toString("base64url");
    await page.goto(`${daemon.url}/v/${label.serial}?p=${changed}&s=${u.searchParams.get("s")}`);
    assert.equal(await page.locator("#verdict").getAttribute("data-state"), "forged");
    assert.equal(await page.locator("#label").count(), 0);
    assert.deepEqual(seen.foreignRequests, [], "nothing is fetched from another host");
    assert.deepEqual(seen.pageErrors, []);
  });

  it("the dashboard inspects a lot by the plan and shows the EN 388 marking and the labels", async () => {
    const desk = await browser.newContext({ viewport: DESKTOP });
    try {
      const p = await desk.newPage();
      const w = watchPage(p, daemon.url);
      await p.goto(daemon.url + "/");
      await p.fill("#login-username", "boss");
      await p.fill("#login-password", PASSWORD);
      await p.click("#login-form button[type=submit]");
      await p.locator("#tab-quality").click();
      const lot7 = p.locator('#q-lot-table tr[data-lot="LOT-7"]');
      await waitText(lot7.locator("td").nth(5), "合格");
      // an inspected lot shows its inspection
      await lot7.locator("button").click();
      await waitText(p.locator("#q-insp-table tbody tr td").nth(4), "合格");
      assert.match(await p.locator('#q-lots a[href*="/api/v1/lots?"][href*="format=xlsx"]').getAttribute("href"), /enterprise=JX07/);
      // a lot formed on the page from the order's second bundle; a bad bundle list is refused
      await p.fill("#q-lot-code", "LOT-8");
      await p.fill("#q-lot-order", "PO-7");
      await p.fill("#q-lot-items", "2-x");
      await p.locator("#q-lot-form button[type=submit]").click();
      await waitText(p.locator("#q-lot-msg"), "出错了：扎号格式如 1, 3-5");
      await p.fill("#q-lot-items", "2");
      await p.locator("#q-lot-form button[type=submit]").click();
      await waitText(p.locator("#q-lot-msg"), "已组批 LOT-8：12 双 · 1 打");
      await p.locator('#q-lot-table tr[data-lot="LOT-8"] button').click();
      await p.locator("#q-plan-table").waitFor();
      // 12 pairs at II: the plan of each class as ISO 2859-1 gives it
      const major = p.locator('#q-plan-table tr[data-class="major"] td');
      assert.equal(await major.nth(1).innerText(), "2.5");
      await p.locator("#q-defect-add").click();
      await p.locator(".q-defect-type").selectOption("hole");
      await p.locator(".q-defect-count").fill("1");
      await p.locator("#q-insp-submit").click();
      await waitText(p.locator("#q-result"), "判定：不合格（拒收）");
      await waitText(p.locator('#q-lot-table tr[data-lot="LOT-8"] td').nth(5), "不合格");
      // the EN 388 calculator
      await p.fill("#q-e-abrasion_cycles", "8000");
      await p.fill("#q-e-coupe_index", "3.1");
      await p.fill("#q-e-tear_n", "80");
      await p.fill("#q-e-puncture_n", "110");
      await p.fill("#q-e-tdm_n", "12.5");
      await p.check("#q-e-blunted");
      await p.click("#q-e-submit");
      await waitText(p.locator("#q-e-out"), "标识：4X43C");
      // saved as a test report of the style, with its PDF
      await p.fill("#q-t-no", "SGS-E2E-1");
      await p.fill("#q-t-lab", "SGS 青岛");
      await p.fill("#q-t-day", "2026-11-28");
      await p.fill("#q-t-style", "SKI-07");
      await p.setInputFiles("#q-t-pdf", { name: "r.pdf", mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.4\n%%EOF\n") });
      await p.click("#q-t-save");
      await waitText(p.locator("#q-t-msg"), "已保存报告 SGS-E2E-1（EN 388 4X43C）");
      const testRow = p.locator("#q-tests tbody tr", { hasText: "SGS-E2E-1" });
      await waitText(testRow.locator("td").nth(4), "4X43C");
      const pdfHref = await testRow.locator("a").getAttribute("href");
      const got = await p.request.get(daemon.url + pdfHref);
      assert.equal((await got.body()).toString(), "%PDF-1.4\n%%EOF\n");
      // the brand page: the licence and the lot's labels
      await p.locator("#tab-brand").click();
      await waitText(p.locator(`#b-licence-table tr[data-enterprise="${ENT}"] td`).nth(2), "有效");
      await p.locator("#b-lot").selectOption("LOT-7");
      await p.locator(`#b-label-table tr[data-serial="${label.serial}"]`).waitFor();
      const pdf = await p.locator('#b-labels a[href*="/api/v1/labels/pdf"]').getAttribute("href");
      const r = await p.request.get(daemon.url + pdf);
      assert.equal(r.status(), 200);
      assert.equal(r.headers()["content-type"], "application/pdf");
      // a bad issue names why: LOT-8 was rejected
      await p.locator("#b-lot").selectOption("LOT-8");
      await p.locator("#b-issue").click();
      await waitText(p.locator("#b-label-msg"), "出错了：lot: LOT-8 is rejected; only an accepted lot gets brand labels");
      // English
      await p.locator("#lang").click();
      await waitText(p.locator("#tab-brand"), "Brand");
      assert.deepEqual(w.pageErrors, []);
      assert.deepEqual(w.foreignRequests, []);
    } finally {
      await desk.close();
    }
  });

  it("the association records an audit and sees every firm's licence on the brand page", async () => {
    const desk = await browser.newContext({ viewport: DESKTOP });
    try {
      const p = await desk.newPage();
      const w = watchPage(p, daemon.url);
      await p.goto(daemon.url + "/");
      await p.fill("#login-username", "assoc");
      await p.fill("#login-password", PASSWORD);
      await p.click("#login-form button[type=submit]");
      await p.locator("#tab-brand").click();
      await waitText(p.locator(`#b-licence-table tr[data-enterprise="${ENT}"] td`).nth(2), "有效");
      assert.equal(await p.locator("#b-labels").count(), 0, "the association prints no labels");
      await p.locator("#b-a-firm").selectOption(ENT);
      await p.fill("#b-a-day", "2026-12-01");
      await p.fill("#b-a-auditor", "协会 刘");
      await p.locator("#b-audit-form button[type=submit]").click();
      await waitText(p.locator("#b-audit-msg"), "已记录审核");
      await waitText(p.locator("#b-audit-table tbody tr td").nth(2), "协会 刘");
      // a bad date is refused and named
      await p.fill("#b-a-day", "");
      await p.locator("#b-audit-form button[type=submit]").click();
      await waitText(p.locator("#b-audit-msg"), /^出错了：.*day/);
      assert.deepEqual(w.pageErrors, []);
    } finally {
      await desk.close();
    }
  });
});
