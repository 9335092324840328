// SPDX-License-Identifier: Apache-2.0
// End-to-end: the sewn-glove pages of the dashboard (款式 styles with the
// routing editor and a copy, 订单 orders entered in dozens, released and cut
// into bundles through the page, the ticket PDF link, 在制 WIP against the
// API's figures after scans, 外发 households: add, dispatch and return with
// a damaged pair and the pay shown) in headless Chromium against the real
// daemon (no broker). Run: GLOVED_BIN=build/gloved GLOVED_SOURCE_DIR=$PWD
// node --test tests/e2e/sewn.test.mjs  (GLOVED_SEWN_SCREENSHOT=<dir> also
// writes sewn-styles.png, sewn-orders.png, sewn-wip.png and
// sewn-households.png there).

import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { api, login, sleep, startDaemon, waitFor } from "../lib/harness.mjs";
import { launchChromium, stopAll, textOf, waitText, watchPage } from "./browser.mjs";

const ENT = "JX01";
const USER = "boss";
const PASSWORD = "Sewn-e2e-pass-42";
const STYLE = "SKI-E2E";
const ORDER = "PO-E2E-1";
const ROUTING = [
  { code: "S01", name: "合缝", smv: "1.20", rate: "0.1500" },
  { code: "S02", name: "上里布", smv: "2.00", rate: "0.2500" },
  { code: "S03", name: "翻手套", smv: "0.80", rate: "0.1000" },
];


describe("sewn-glove pages in the browser", { timeout: 240000 }, () => {
  let daemon, browser, context, page, token;
  let bundles = []; // GET /api/v1/bundles answer's bundles
  let scanSeq = 0;
  let pageErrors, foreignRequests, apiCalls; // watchPage(): apiCalls is path -> count

  const get = async (p) => {
    const r = await api(daemon.url, token, "GET", p);
    assert.equal(r.status, 200, `${p}: ${r.text}`);
    return r.json;
  };
  const answer = (p, method = "GET") =>
    page.waitForResponse((res) => new URL(res.url()).pathname === p && res.request().method() === method, { timeout: 15000 });
  const text = (sel) => textOf(page.locator(sel));
  const shot = async (name) => {
    const dir = process.env.GLOVED_SEWN_SCREENSHOT;
    if (dir) await page.screenshot({ path: path.join(dir, `sewn-${name}.png`), fullPage: true });
  };

  before(async () => {
    daemon = await startDaemon({
      setup: (admin) => {
        admin("enterprise", "add", "--code", ENT, "--name", "嘉祥县示范手套厂", "--town", "嘉祥");
        admin("workshop", "add", "--enterprise", ENT, "--code", "F", "--name", "缝制车间");
        admin("user", "add", "--username", USER, "--role", "enterprise_admin", "--enterprise", ENT, "--password", PASSWORD);
      },
    });
    token = await login(daemon.url, USER, PASSWORD);
    browser = await launchChromium();
    // The browser's zone and locale differ from the firm's on purpose.
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-US", timezoneId: "America/New_York" });
    page = await context.newPage();
    ({ pageErrors, foreignRequests, apiCalls } = watchPage(page, daemon.url));
  });

  after(() => stopAll([() => browser?.close(), () => daemon?.stop()]));

  it("creates a style with a 3-operation routing through the form, and copies it", async () => {
    await page.goto(daemon.url + "/");
    await page.fill("#login-username", USER);
    await page.fill("#login-password", PASSWORD);
    await page.click("#login-submit");
    await page.locator("#wall-view").waitFor({ state: "visible", timeout: 15000 });
    assert.equal(apiCalls.get("/api/v1/styles") || 0, 0, "nothing of the sewn pages is read while the wall is shown");

    let listed = answer("/api/v1/styles");
    await page.click("#tab-styles");
    assert.equal((await listed).status(), 200);
    await page.locator('#tab-styles[aria-selected="true"]').waitFor();
    await page.locator("#styles-empty").waitFor({ state: "visible" });

    await page.fill("#style-code", STYLE);
    await page.fill("#style-name", "成人滑雪手套");
    await page.selectOption("#style-category", "ski");
    await page.selectOption("#style-family", "sewn");
    await page.fill("#style-materials", "涤纶面料, 防水膜");
    // sizes 7, 8, 9 are ticked by default
    for (const s of ["7", "8", "9"]) assert.equal(await page.isChecked(`#style-sizes input[value="${s}"]`), true);
    // rows typed in the wrong order (1, 3, 2), and a bad SMV in row 2
    await page.click("#routing-add");
    await page.click("#routing-add");
    assert.equal(await page.locator("#routing-rows tr").count(), 3);
    const typed = [ROUTING[0], { ...ROUTING[2], smv: "0.805" }, ROUTING[1]];
    for (const [i, op] of typed.entries()) {
      for (const k of ["code", "name", "smv", "rate"]) await page.fill(`[data-field="routing[${i}].${k}"]`, op[k]);
    }
    let sent = answer("/api/v1/styles", "POST");
    await page.click("#style-submit");
    let res = await sent;
    assert.equal(res.status(), 400);
    assert.match((await res.json()).error.message, /routing\[1\]\.smv/);
    await page.locator('#style-form [data-field="routing[1].smv"][aria-invalid="true"]').waitFor();
    await page.locator('#style-form [data-field-error="routing[1].smv"]').waitFor();
    assert.equal(await page.locator("#style-msg").isVisible(), true, "the message is shown under the form");
    // fix the SMV, then move 翻手套 down below 上里布
    await page.fill('[data-field="routing[1].smv"]', "0.80");
    await page.locator('#routing-rows tr[data-op="1"] .op-down').click();
    await waitFor(async () => (await page.inputValue('[data-field="routing[1].name"]')) === "上里布", { what: "上里布 moved up" });
    assert.equal(await page.inputValue('[data-field="routing[2].name"]'), "翻手套");
    await waitText(page.locator("#routing-foot .routing-smv"), /4\.00/);
    sent = answer("/api/v1/styles", "POST");
    listed = answer("/api/v1/styles");
    await page.click("#style-submit");
    res = await sent;
    assert.equal(res.status(), 201, await res.text());
    await listed;
    const row = page.locator(`#styles-rows tr[data-style="${STYLE}"]`);
    await row.waitFor();
    assert.equal(await row.locator(".style-ops").innerText(), "3");
    assert.match(await row.locator(".style-smv").innerText(), /^4\.00 分钟$/);
    assert.equal(await row.locator(".style-sizes").innerText(), "7 8 9");
    assert.equal(await row.locator(".style-category").innerText(), "滑雪手套");
    const styles = (await get(`/api/v1/styles?enterprise=${ENT}`)).styles;
    assert.deepEqual(
      styles.find((s) => s.code === STYLE).routing.map((o) => [o.seq, o.code, o.name, o.smv, o.rate]),
      ROUTING.map((o, i) => [i + 1, o.code, o.name, o.smv, o.rate]),
      "the routing as the form has it, in order",
    );

    // copy
    await row.locator(".style-copy").click();
    await page.locator("#style-copy-form").waitFor({ state: "visible" });
    await page.fill("#style-copy-code", "SKI-E2E-KID");
    await page.fill("#style-copy-name", "儿童滑雪手套");
    const copied = answer("/api/v1/styles/copy", "POST");
    await page.click("#style-copy-submit");
    assert.equal((await copied).status(), 201);
    await page.locator('#styles-rows tr[data-style="SKI-E2E-KID"]').waitFor();
    assert.equal(await page.locator('#styles-rows tr[data-style="SKI-E2E-KID"] .style-ops').innerText(), "3");
    await page.locator("#style-copy-form").waitFor({ state: "hidden" });
    await shot("styles");
  });

  it("creates an order in dozens, releases it and cuts it into bundles through the form", async () => {
    await page.click("#tab-orders");
    await page.locator(`#order-style option[value="${STYLE}"]`).waitFor({ state: "attached" });
    await page.fill("#order-code", ORDER);
    await page.fill("#order-buyer", "Alpine Sports GmbH");
    await page.selectOption("#order-style", STYLE);
    await page.fill("#order-due", "2099-12-20");
    await page.selectOption("#order-unit", "dozen");
    await page.fill('#order-lines input[data-size="8"]', "2");
    await page.fill('#order-lines input[data-size="9"]', "1");
    const sent = answer("/api/v1/orders", "POST");
    await page.click("#order-submit");
    const res = await sent;
    assert.equal(res.status(), 201, await res.text());
    const row = page.locator(`#order-rows tr[data-order="${ORDER}"]`);
    await row.waitFor();
    assert.equal(await row.getAttribute("data-status"), "open");
    assert.equal(await row.locator(".order-qty").innerText(), "36 双 · 3 打");
    assert.equal(await row.locator(".order-status").innerText(), "待下达");

    const released = answer("/api/v1/orders/release", "POST");
    await row.locator(".order-release").click();
    assert.equal((await released).status(), 200);
    await page.locator(`#order-rows tr[data-order="${ORDER}"][data-status="released"]`).waitFor();
    assert.equal((await get(`/api/v1/orders?enterprise=${ENT}`)).orders.find((o) => o.code === ORDER).status, "released");

    // the order's ticket link
    const href = await row.locator(".order-tickets").getAttribute("href");
    assert.equal(await row.locator(".order-tickets").getAttribute("target"), "_blank");
    const u = new URL(href, daemon.url);
    assert.equal(u.pathname, "/api/v1/tickets");
    assert.equal(u.searchParams.get("order"), ORDER);

    await row.locator(".order-cut").click();
    await page.locator("#cut-card").waitFor({ state: "visible" });
    assert.equal(await page.inputValue("#cut-bundle-size"), "12", "12 pairs a bundle by default");
    await page.fill("#cut-bundle-size", "10");
    await page.fill('#cut-lines input.cut-plies[data-size="8"]', "12");
    await page.fill('#cut-lines input.cut-ppl[data-size="8"]', "2");
    await page.fill('#cut-lines input.cut-plies[data-size="9"]', "12");
    const cut = answer("/api/v1/cuts", "POST");
    await page.click("#cut-submit");
    const cr = await cut;
    assert.equal(cr.status(), 201, await cr.text());
    const cutJson = await cr.json();
    await page.locator("#cut-result").waitFor({ state: "visible" });

    bundles = (await get(`/api/v1/bundles?enterprise=${ENT}&order=${ORDER}`)).bundles;
    // 24 pairs of size 8 by 10: 10, 10, 4; 12 of size 9: 10, 2
    assert.deepEqual(
      bundles.map((b) => [b.no, b.size, b.qty]),
      [
        [1, "8", 10],
        [2, "8", 10],
        [3, "8", 4],
        [4, "9", 10],
        [5, "9", 2],
      ],
    );
    const shown = await page.$$eval("#cut-bundles tr", (rows) =>
      rows.map((r) => [Number(r.dataset.bundle), r.querySelector(".bundle-size").textContent, r.querySelector(".bundle-qty").textContent]),
    );
    assert.deepEqual(
      shown,
      bundles.map((b) => [b.no, b.size, `${b.qty} 双`]),
      "the page lists the bundles GET /bundles has",
    );

    const tickets = new URL(await page.getAttribute("#cut-tickets", "href"), daemon.url);
    assert.equal(tickets.searchParams.get("cut"), String(cutJson.cut));
    assert.equal(tickets.searchParams.get("enterprise"), ENT);
    assert.equal(await page.getAttribute("#cut-tickets", "target"), "_blank");
    // the link works with the browser's own session (cookie)
    for (const link of [tickets.href, u.href]) {
      const r = await context.request.get(link);
      assert.equal(r.status(), 200, link);
      assert.equal(r.headers()["content-type"], "application/pdf");
      assert.equal((await r.body()).subarray(0, 5).toString("latin1"), "%PDF-");
    }
    await shot("orders");
  });

  it("shows the WIP the API computes after scans, with the bottleneck", async () => {
    const codes = Object.fromEntries(bundles.map((b) => [b.no, b.ops.map((o) => o.code)]));
    // op 1 of bundles 1, 2 and 5; op 2 of bundle 1
    for (const code of [codes[1][0], codes[2][0], codes[5][0], codes[1][1]]) {
      const r = await api(daemon.url, token, "POST", "/api/v1/scans", { code, worker: "W001", scan_id: `e2e-${++scanSeq}` });
      assert.equal(r.status, 200, r.text);
    }
    const wipRes = answer("/api/v1/wip");
    await page.click("#tab-wip");
    const seen = await (await wipRes).json();
    const o = seen.orders.find((x) => x.order === ORDER);
    assert.ok(o, JSON.stringify(seen));
    const api2 = (await get(`/api/v1/wip?enterprise=${ENT}&order=${ORDER}`)).orders[0];
    assert.deepEqual(
      api2.ops.map((x) => [x.done, x.waiting]),
      [
        [22, 14],
        [10, 12],
        [0, 10],
      ],
    );
    assert.deepEqual(
      o.ops.map((x) => [x.done, x.waiting]),
      api2.ops.map((x) => [x.done, x.waiting]),
    );
    const card = page.locator(`.wip-order[data-order="${ORDER}"]`);
    await card.waitFor();
    for (const op of api2.ops) {
      const r = card.locator(`tr[data-seq="${op.seq}"]`);
      assert.equal(await r.locator(".wip-done").getAttribute("data-pairs"), String(op.done));
      assert.equal(await r.locator(".wip-waiting").getAttribute("data-pairs"), String(op.waiting));
      assert.equal(await r.locator(".wip-done").innerText(), `${op.done} 双`);
      assert.equal(await r.locator(".wip-waiting").innerText(), `${op.waiting} 双`);
    }
    // the operation with most pairs waiting
    assert.equal(api2.bottleneck, 1);
    assert.equal(await card.locator("tr[data-bottleneck]").count(), 1);
    assert.equal(await card.locator("tr[data-bottleneck]").getAttribute("data-seq"), String(api2.bottleneck));
    assert.match(await card.locator(".wip-bottleneck").innerText(), new RegExp(api2.bottleneck_name));
    assert.equal(await card.locator(".wip-projected").getAttribute("data-late"), String(api2.late));
    if (api2.projected) assert.match(await card.locator(".wip-projected").innerText(), new RegExp(api2.projected));
    await card.locator(".wip-chart canvas").first().waitFor({ timeout: 10000 });
    const bars = await page.evaluate((order) => {
      const c = window.echarts.getInstanceByDom(document.querySelector(`.wip-chart[data-order="${order}"]`));
      return c.getOption().series.map((s) => s.data.map((d) => (typeof d === "object" ? d.value : d)));
    }, ORDER);
    assert.deepEqual(bars, [api2.ops.map((x) => x.done), api2.ops.map((x) => x.waiting)]);
    await shot("wip");
  });

  it("adds a household, dispatches a bundle and takes it back with a damaged pair", async () => {
    await page.click("#tab-households");
    await page.locator("#hh-empty").waitFor({ state: "visible" });
    await page.fill("#hh-code", "H-ZHANG");
    await page.fill("#hh-name", "张大姐");
    await page.fill("#hh-village", "梁宝寺镇");
    await page.fill("#hh-phone", "13800000000");
    await page.fill("#hh-rate", "110");
    const added = answer("/api/v1/households", "POST");
    await page.click("#hh-submit");
    assert.equal((await added).status(), 201);
    const hh = page.locator('#hh-rows tr[data-household="H-ZHANG"]');
    await hh.waitFor();
    assert.equal(await hh.locator(".hh-rate").innerText(), "110%");

    // bundle 4 (10 pairs of size 9) out for operations 1 and 2
    await page.selectOption("#dispatch-household", "H-ZHANG");
    await page.selectOption("#dispatch-order", ORDER);
    await page.fill("#dispatch-bundles", "4");
    await page.check('#dispatch-ops input[data-seq="1"]');
    await page.check('#dispatch-ops input[data-seq="2"]');
    const sent = page.waitForRequest((r) => new URL(r.url()).pathname === "/api/v1/dispatches");
    const disp = answer("/api/v1/dispatches", "POST");
    await page.click("#dispatch-submit");
    const body = JSON.parse((await sent).postData());
    assert.deepEqual(body, { enterprise: ENT, household: "H-ZHANG", bundles: [bundles.find((b) => b.no === 4).id], ops: [1, 2] });
    assert.equal((await disp).status(), 201);
    await page.locator(`#dispatch-msg.ok`).waitFor();
    await waitFor(async () => (await hh.locator(".hh-bundles").innerText()) === "1", { what: "one bundle out" });
    assert.equal(await hh.locator(".hh-pairs").innerText(), "10 双");
    const list = (await get(`/api/v1/households?enterprise=${ENT}`)).households;
    assert.deepEqual([list[0].bundles_out, list[0].pairs_out], [1, 10]);

    // back: 10 returned, 1 damaged
    await page.selectOption("#return-bundle", `${ORDER}/4`);
    assert.equal(await page.inputValue("#return-returned"), "10", "the bundle's pairs as the default");
    await page.fill("#return-damaged", "1");
    const ret = answer("/api/v1/returns", "POST");
    await page.click("#return-submit");
    const rr = await ret;
    assert.equal(rr.status(), 200);
    const rj = await rr.json();
    // 9 good pairs of ops 1 and 2 at 110%, in fen rounded half up per
    // operation (core/wage.c through sewn_pay_day): 9 x 0.165 = 1.485 ->
    // 1.49, 9 x 0.275 = 2.475 -> 2.48; 3.97 (3.96 exactly)
    assert.equal(rj.pay, "3.97");
    assert.equal(rj.good, 9);
    await page.locator("#return-result").waitFor({ state: "visible" });
    assert.equal(await page.getAttribute("#return-pay", "data-pay"), rj.pay);
    assert.equal(await text("#return-pay"), `¥${rj.pay}`);
    assert.equal(await text("#return-good"), "9 双");
    await waitFor(async () => (await hh.locator(".hh-bundles").innerText()) === "0", { what: "the bundle back in" });
    await shot("households");

    // scanned output and pay per worker and household, as the API says
    const so = await get(`/api/v1/scan-output?enterprise=${ENT}`);
    const shown = page.locator('#so-rows tr[data-who="H-ZHANG"]');
    await shown.waitFor();
    const apiRow = so.rows.find((x) => x.household === "H-ZHANG");
    assert.equal(await shown.locator(".so-pay").getAttribute("data-pay"), apiRow.pay);
    assert.equal(apiRow.pay, rj.pay);
    const w = so.rows.find((x) => x.worker === "W001");
    assert.equal(await page.locator('#so-rows tr[data-who="W001"] .so-pay').getAttribute("data-pay"), w.pay);
    assert.equal(await text("#so-foot .so-total-pay"), `¥${so.total.pay}`);
    for (const [id, type] of [
      ["#so-export-xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"],
      ["#so-export-csv", "text/csv; charset=utf-8"],
    ]) {
      const r = await context.request.get(new URL(await page.getAttribute(id, "href"), daemon.url).href);
      assert.equal(r.status(), 200, id);
      assert.equal(r.headers()["content-type"], type);
    }

    // the WIP page now has the household's work
    await page.click("#tab-wip");
    const card = page.locator(`.wip-order[data-order="${ORDER}"]`);
    const api2 = (await get(`/api/v1/wip?enterprise=${ENT}&order=${ORDER}`)).orders[0];
    await waitFor(async () => (await card.locator('tr[data-seq="1"] .wip-done').getAttribute("data-pairs")) === String(api2.ops[0].done), {
      what: "WIP with the household's pairs",
    });
    assert.equal(await card.locator('tr[data-seq="2"] .wip-done').getAttribute("data-pairs"), String(api2.ops[1].done));
  });

  it("does not poll", async () => {
    // the reads of the page opening, answered (the rows on it may be the
    // last visit's)
    const reads = ["households", "orders", "styles", "wip", "scan-output"].map((p) => answer(`/api/v1/${p}`));
    await page.click("#tab-households");
    await Promise.all(reads);
    await page.locator('#hh-rows tr[data-household="H-ZHANG"]').waitFor();
    const before = new Map(apiCalls);
    // nothing is read in 3 s (a wait for nothing to happen, not for a state)
    await sleep(3000);
    assert.deepEqual(new Map(apiCalls), before, "no reads without a page change or a form");
  });

  it("switches the tab names to English", async () => {
    await page.click("#lang");
    // wait for each text the switch redraws (not for the lang attribute,
    // which is set first)
    const titles = { styles: "Styles", orders: "Orders", wip: "WIP", households: "Households" };
    for (const [v, title] of Object.entries(titles)) await waitText(page.locator(`#tab-${v}`), title);
    await waitText(page.locator('#hh-rows tr[data-household="H-ZHANG"] .hh-pairs'), "0 pairs");
    // the orders page shows its last rows (drawn in Chinese) until it has
    // read them again
    await page.click("#tab-orders");
    await waitText(page.locator(`#order-rows tr[data-order="${ORDER}"] .order-qty`), "36 pairs · 3 dozen");
    await page.click("#lang");
    await waitText(page.locator("#tab-styles"), "款式");
    await page.click("#tab-wall");
  });

  it("raised no page errors and fetched nothing from outside", () => {
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(foreignRequests, []);
  });
});
