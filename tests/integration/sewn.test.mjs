// SPDX-License-Identifier: Apache-2.0
// Integration: sewn-glove production (issue 5) through the API of the real
// daemon: a style with its routing (and a copy), an order entered in dozens,
// released, cut into bundles; the ticket PDF rendered (pdftoppm) and its QR
// codes read back (zbarimg) equal the codes the API lists; scans by a worker
// login and by a supervisor for a worker; every bad scan refused with its
// reason and nothing written (duplicate with who and when, a bundle out at a
// household, another firm's ticket, an unknown code, a forged MAC, an
// operation before its predecessor, an order not released), the same
// scan_id sent twice counted once; bundles out to a household and back with
// missing and damaged pairs and the household paid; WIP per operation with
// the bottleneck and the projection; scanned output and pay per worker and
// household; a knitted order counting its machine's pieces.
//
// Run: GLOVED_BIN=build/gloved GLOVED_SOURCE_DIR=$PWD node --test tests/integration/sewn.test.mjs

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { api, login, startDaemon } from "../lib/harness.mjs";
import { postOk, stopAll } from "../lib/integration.mjs";

const ENT = "JX01";
const OTHER = "JX02";
const PASSWORD = "sewn-test-pass-1";

describe("sewn gloves", { timeout: 300000 }, () => {
  let daemon, boss, sup, worker, other, gw;
  const codes = {}; // bundle no -> [code of op 1, op 2, ...]
  const bundleIds = {};
  let scanSeq = 0;

  before(async () => {
    daemon = await startDaemon({
      setup: (a) => {
        a("enterprise", "add", "--code", ENT, "--name", "嘉祥县测试手套有限公司", "--town", "嘉祥");
        a("enterprise", "add", "--code", OTHER, "--name", "嘉祥县另一手套厂", "--town", "嘉祥");
        a("workshop", "add", "--enterprise", ENT, "--code", "K", "--name", "针织车间");
        a("machine", "add", "--enterprise", ENT, "--workshop", "K", "--code", "K1", "--kind", "knitting");
        a("user", "add", "--username", "boss", "--role", "enterprise_admin", "--enterprise", ENT, "--password", PASSWORD);
        a("user", "add", "--username", "lead", "--role", "supervisor", "--enterprise", ENT, "--password", PASSWORD);
        a("user", "add", "--username", "wang", "--role", "worker", "--enterprise", ENT, "--worker", "W001", "--password", PASSWORD);
        a("user", "add", "--username", "other", "--role", "enterprise_admin", "--enterprise", OTHER, "--password", PASSWORD);
        gw = a("token", "add", "--enterprise", ENT, "--name", "gw");
      },
    });
    boss = await login(daemon.url, "boss", PASSWORD);
    sup = await login(daemon.url, "lead", PASSWORD);
    worker = await login(daemon.url, "wang", PASSWORD);
    other = await login(daemon.url, "other", PASSWORD);
  });

  after(async () => {
    await stopAll(daemon);
  });

  const post = (token, p, body) => api(daemon.url, token, "POST", p, body);
  const get = (token, p) => api(daemon.url, token, "GET", p);
  const scan = (token, code, extra = {}) => post(token, "/api/v1/scans", { code, scan_id: `s-${++scanSeq}`, ...extra });

  it("keeps a style library with routings, and copies a style", async () => {
    const style = {
      enterprise: ENT,
      code: "SKI-01",
      name: "成人滑雪手套",
      category: "ski",
      family: "sewn",
      materials: "涤纶面料, 防水膜, 棉填充",
      sizes: ["7", "8", "9"],
      routing: [
        { code: "S01", name: "合缝", smv: "1.20", rate: "0.1500" },
        { code: "S02", name: "上里布", smv: "2.00", rate: "0.2500" },
        { code: "S03", name: "翻手套", smv: "0.80", rate: "0.1000" },
      ],
    };
    const r = await post(boss, "/api/v1/styles", style);
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(
      r.json.routing.map((o) => [o.seq, o.name, o.smv, o.rate]),
      [
        [1, "合缝", "1.20", "0.1500"],
        [2, "上里布", "2.00", "0.2500"],
        [3, "翻手套", "0.80", "0.1000"],
      ],
    );
    assert.equal(r.json.smv_total, "4.00");
    const bad = [
      [{ ...style, code: "X1", category: "boots" }, /category/],
      [{ ...style, code: "X2", routing: [{ code: "S01", name: "合缝", smv: "1.234", rate: "0.1" }] }, /routing\[0\]\.smv/],
      [{ ...style, code: "X3", routing: [{ code: "S01", name: "合缝", smv: "1", rate: "-1" }] }, /routing\[0\]\.rate/],
      [{ ...style, code: "X4", sizes: [] }, /sizes/],
    ];
    for (const [body, re] of bad) {
      const b = await post(boss, "/api/v1/styles", body);
      assert.equal(b.status, 400, b.text);
      assert.match(b.json.error.message, re);
    }
    assert.equal((await post(boss, "/api/v1/styles", style)).status, 409, "a code in use");
    const copy = await post(boss, "/api/v1/styles/copy", { enterprise: ENT, from: "SKI-01", code: "SKI-02", name: "儿童滑雪手套" });
    assert.equal(copy.status, 201, copy.text);
    assert.equal(copy.json.routing.length, 3);
    const knit = await post(boss, "/api/v1/styles", {
      ...style,
      code: "KN-13",
      name: "13针涤纶手套",
      category: "work",
      family: "knitted",
      routing: [{ code: "K01", name: "织造", smv: "0.50", rate: "0.0100" }],
    });
    assert.equal(knit.status, 201, knit.text);
    const list = await get(sup, `/api/v1/styles?enterprise=${ENT}`);
    assert.deepEqual(
      list.json.styles.map((s) => s.code),
      ["KN-13", "SKI-01", "SKI-02"],
    );
    const none = await get(other, `/api/v1/styles?enterprise=${ENT}`);
    assert.equal(none.status, 404, "another firm's styles do not exist for its users");
  });

  it("takes an order in dozens, releases it and cuts it into bundles", async () => {
    const o = await post(boss, "/api/v1/orders", {
      enterprise: ENT,
      code: "PO-2026-118",
      buyer: "Alpine Sports GmbH",
      style: "SKI-01",
      due: "2026-12-20",
      unit: "dozen",
      lines: [
        { size: "8", qty: 2 },
        { size: "9", qty: 1 },
      ],
    });
    assert.equal(o.status, 201, o.text);
    assert.equal(o.json.status, "open");
    assert.deepEqual(
      o.json.lines.map((l) => [l.size, l.pairs]),
      [
        ["8", 24],
        ["9", 12],
      ],
      "dozens of pairs are stored as pairs",
    );
    const badSize = await post(boss, "/api/v1/orders", { enterprise: ENT, code: "PO-X", buyer: "x", style: "SKI-01", due: "2026-12-20", lines: [{ size: "12", qty: 5 }] });
    assert.equal(badSize.status, 400);
    assert.match(badSize.json.error.message, /size '12'/);
    const notReleased = await post(boss, "/api/v1/cuts", { enterprise: ENT, order: "PO-2026-118", lines: [{ size: "8", plies: 24 }] });
    assert.equal(notReleased.status, 409);
    const rel = await post(sup, "/api/v1/orders/release", { enterprise: ENT, order: "PO-2026-118" });
    assert.equal(rel.status, 200, rel.text);
    assert.equal(rel.json.status, "released");
    const tooMany = await post(boss, "/api/v1/cuts", { enterprise: ENT, order: "PO-2026-118", lines: [{ size: "8", plies: 60 }] });
    assert.equal(tooMany.status, 400);
    assert.match(tooMany.json.error.message, /more than the order/);
    const cut = await post(boss, "/api/v1/cuts", {
      enterprise: ENT,
      order: "PO-2026-118",
      bundle_size: 10,
      lines: [
        { size: "8", plies: 12, pairs_per_ply: 2 },
        { size: "9", plies: 12 },
      ],
    });
    assert.equal(cut.status, 201, cut.text);
    // 24 pairs of size 8 by 10: 10, 10, 4; 12 of size 9: 10, 2
    assert.deepEqual(
      cut.json.bundles.map((b) => [b.no, b.size, b.qty]),
      [
        [1, "8", 10],
        [2, "8", 10],
        [3, "8", 4],
        [4, "9", 10],
        [5, "9", 2],
      ],
    );
    const bl = await get(boss, `/api/v1/bundles?enterprise=${ENT}&order=PO-2026-118`);
    assert.equal(bl.status, 200, bl.text);
    for (const b of bl.json.bundles) {
      codes[b.no] = b.ops.map((o) => o.code);
      bundleIds[b.no] = b.id;
      assert.equal(b.ops.length, 3);
      for (const c of codes[b.no]) assert.match(c, /^\d+-\d-[0-9A-Z]{6}$/);
    }
  });

  it("prints ticket PDFs whose QR codes read back as the codes", async () => {
    const res = await fetch(`${daemon.url}/api/v1/tickets?enterprise=${ENT}&order=PO-2026-118`, { headers: { Authorization: `Bearer ${boss}` } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "application/pdf");
    const pdf = Buffer.from(await res.arrayBuffer());
    assert.equal(pdf.subarray(0, 5).toString(), "%PDF-");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gloved-tickets-"));
    try {
      fs.writeFileSync(path.join(dir, "t.pdf"), pdf);
      // zbar reads one code at a time well but not a page of 35 aligned
      // ones: render windows of one column (the grid: 10 + 38 c mm) and two
      // cells high, stepped by a cell, as a phone camera would see a cell
      // (docs/internals/tickets.md)
      const file = path.join(dir, "t.pdf");
      const pages = Number(/Pages:\s+(\d+)/.exec(spawnSync("pdfinfo", [file], { encoding: "utf8" }).stdout)[1]);
      const px = 200 / 25.4;
      const decoded = new Set();
      for (let p = 1; p <= pages; p++) {
        for (let y = 0; y < 297; y += 36) {
          for (let x = 9; x < 200; x += 38) {
            const win = path.join(dir, "win");
            const args = ["-r", "200", "-png", "-singlefile", "-f", p, "-l", p, "-x", Math.trunc(x * px), "-y", Math.trunc(y * px), "-W", Math.trunc(40 * px), "-H", Math.trunc(76 * px), file, win];
            assert.equal(spawnSync("pdftoppm", args.map(String)).status, 0);
            const z = spawnSync("zbarimg", ["-q", "--raw", `${win}.png`], { encoding: "utf8" });
            for (const c of z.stdout.split("\n").filter(Boolean)) decoded.add(c);
          }
        }
      }
      const want = Object.values(codes).flat().sort();
      assert.deepEqual([...decoded].sort(), want, "every printed code decodes to the code");
      // and each is printed once, in text under its square
      const text = spawnSync("pdftotext", [file, "-"], { encoding: "utf8" }).stdout;
      for (const c of want) assert.equal(text.split(c).length - 1, 1, `${c} printed once`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("records scans and refuses every bad one with its reason, writing nothing", async () => {
    // W002's rate card pays a flat 0.50 on a day of 10 pairs or more, on
    // top of the operations' rates (the same wage rules as machine work)
    for (const [code, name, steps] of [
      ["W001", "王芳", []],
      ["W002", "李强", [{ kind: "flat", threshold: 10, bonus: "0.50" }]],
    ]) {
      const w = await post(boss, "/api/v1/workers", { enterprise: ENT, code, name, rate_unit: "pair", rate: "0.0100", step_period: "day", steps });
      assert.equal(w.status, 201, w.text);
    }
    const typo = await scan(sup, codes[3][0], { worker: "W0O1" });
    assert.equal(typo.status, 400);
    assert.equal(typo.json.error.code, "unknown_worker");
    // a worker login scans for itself
    const ok = await scan(worker, codes[1][0]);
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.json.op, "合缝");
    assert.equal(ok.json.qty, 10);
    assert.equal(ok.json.worker, "W001");
    assert.equal(ok.json.today_pairs, 10);
    assert.equal(ok.json.today_pay, "1.50"); // 10 pairs x 0.15
    // a typed code in lower case with spaces is the same code
    const typed = await scan(worker, ` ${codes[2][0].toLowerCase()} `);
    assert.equal(typed.status, 200, typed.text);
    assert.equal(typed.json.today_pay, "3.00");
    const dup = await scan(sup, codes[1][0], { worker: "W002" });
    assert.equal(dup.status, 409);
    assert.equal(dup.json.error.code, "duplicate");
    assert.equal(dup.json.error.by, "W001");
    assert.match(dup.json.error.at_local, /^\d{4}-\d\d-\d\d \d\d:\d\d$/);
    const forged = codes[1][1].slice(0, -1) + (codes[1][1].endsWith("A") ? "B" : "A");
    const f = await scan(worker, forged);
    assert.equal(f.status, 400);
    assert.equal(f.json.error.code, "forged_code");
    const unknown = await scan(worker, "999999-1-ABCDEF");
    assert.equal(unknown.status, 404);
    assert.equal(unknown.json.error.code, "unknown_code");
    const junk = await scan(worker, "hello");
    assert.equal(junk.json.error.code, "unknown_code");
    const ooo = await scan(worker, codes[1][2]);
    assert.equal(ooo.status, 409);
    assert.equal(ooo.json.error.code, "out_of_order");
    assert.equal(ooo.json.error.seq, 2);
    assert.equal(ooo.json.error.op, "上里布");
    const foreign = await api(daemon.url, other, "POST", "/api/v1/scans", { code: codes[3][0], worker: "Z9" });
    assert.equal(foreign.status, 404);
    assert.equal(foreign.json.error.code, "other_firm");
    // an order not released
    await post(boss, "/api/v1/orders", { enterprise: ENT, code: "PO-OPEN", buyer: "x", style: "SKI-01", due: "2026-12-31", lines: [{ size: "7", qty: 12 }] });
    // the worker login may only scan
    const ro = await get(worker, `/api/v1/wip?enterprise=${ENT}`);
    assert.equal(ro.status, 403);
    // nothing of the refused scans was written
    const bl = await get(boss, `/api/v1/bundles?enterprise=${ENT}&order=PO-2026-118`);
    const doneOps = bl.json.bundles.flatMap((b) => b.ops.filter((o) => o.done).map((o) => `${b.no}/${o.seq}/${o.by}`));
    assert.deepEqual(doneOps.sort(), ["1/1/W001", "2/1/W001"]);
  });

  it("counts a scan sent twice (an offline queue) once", async () => {
    const body = { code: codes[1][1], scan_id: "phone-7-0001", ts: Date.now() - 60000 };
    const a = await post(worker, "/api/v1/scans", body);
    assert.equal(a.status, 200, a.text);
    const b = await post(worker, "/api/v1/scans", body);
    assert.equal(b.status, 200, b.text);
    assert.equal(b.json.repeat, true);
    assert.equal(b.json.today_pairs, a.json.today_pairs);
    // a batch (what a phone sends when it is back online)
    const batch = await post(worker, "/api/v1/scans", [
      body,
      { code: codes[1][2], scan_id: "phone-7-0002" },
      { code: codes[1][2], scan_id: "phone-7-0003" },
    ]);
    assert.equal(batch.status, 200, batch.text);
    assert.deepEqual(
      batch.json.results.map((x) => [x.status, x.repeat ?? false, x.error?.code ?? ""]),
      [
        [200, true, ""],
        [200, false, ""],
        [409, false, "duplicate"],
      ],
    );
    const wip = await get(boss, `/api/v1/wip?enterprise=${ENT}&order=PO-2026-118`);
    assert.deepEqual(
      wip.json.orders[0].ops.map((o) => o.done),
      [20, 10, 10],
    );
  });

  it("warns instead of refusing an operation out of order when the firm says so", async () => {
    const s = await post(boss, "/api/v1/sewn-settings", { enterprise: ENT, order_check: "warn" });
    assert.equal(s.status, 200, s.text);
    const w = await scan(sup, codes[2][2], { worker: "W002" });
    assert.equal(w.status, 200, w.text);
    assert.equal(w.json.warning_code, "out_of_order");
    assert.equal(w.json.warning_op, "上里布");
    await post(boss, "/api/v1/sewn-settings", { enterprise: ENT, order_check: "refuse" });
  });

  it("sends bundles out to a household and takes them back", async () => {
    const h = await post(boss, "/api/v1/households", { enterprise: ENT, code: "H-ZHANG", name: "张大姐", village: "梁宝寺镇", phone: "13800000000", rate_pct: 110 });
    assert.equal(h.status, 201, h.text);
    const d = await post(sup, "/api/v1/dispatches", { enterprise: ENT, household: "H-ZHANG", bundles: [bundleIds[3], bundleIds[4]], ops: [1, 2] });
    assert.equal(d.status, 201, d.text);
    const again = await post(sup, "/api/v1/dispatches", { enterprise: ENT, household: "H-ZHANG", bundles: [bundleIds[3]], ops: [3] });
    assert.equal(again.status, 409);
    const atHh = await scan(worker, codes[3][0]);
    assert.equal(atHh.status, 409);
    assert.equal(atHh.json.error.code, "at_household");
    assert.equal(atHh.json.error.household, "张大姐");
    const hl = await get(boss, `/api/v1/households?enterprise=${ENT}`);
    assert.equal(hl.json.households[0].bundles_out, 2);
    assert.equal(hl.json.households[0].pairs_out, 14);
    const wrong = await post(sup, "/api/v1/returns", { enterprise: ENT, bundle: bundleIds[4], returned: 8, missing: 0, damaged: 0 });
    assert.equal(wrong.status, 409);
    assert.match(wrong.json.error.message, /10 pairs/);
    // 10 pairs out, 9 back of which 1 damaged, 1 missing: 8 good pairs of
    // ops 1 and 2 at 110%: 8 x (0.165 + 0.275) = 3.52
    const back = await post(sup, "/api/v1/returns", { enterprise: ENT, bundle: bundleIds[4], returned: 9, missing: 1, damaged: 1 });
    assert.equal(back.status, 200, back.text);
    assert.equal(back.json.good, 8);
    assert.equal(back.json.pay, "3.52");
    const next = await scan(worker, codes[4][2]);
    assert.equal(next.status, 200, next.text);
    assert.equal(next.json.qty, 8, "the bundle goes on with its good pairs");
  });

  it("shows work in progress, the bottleneck and the projection", async () => {
    const w = await get(boss, `/api/v1/wip?enterprise=${ENT}&order=PO-2026-118`);
    assert.equal(w.status, 200, w.text);
    const o = w.json.orders[0];
    assert.equal(o.ordered, 36);
    assert.equal(o.cut, 34, "the bundle lost 2 pairs");
    // op1: bundles 1, 2 (20) + 4 (8 at the household) = 28 done, 6 waiting
    // op2: bundle 1 (10) + 4 (8) = 18, 10 waiting; op3: bundles 1 (10), 2
    // (scanned with a warning, 10), 4 (8) = 28
    assert.deepEqual(
      o.ops.map((x) => [x.done, x.waiting]),
      [
        [28, 6],
        [18, 10],
        [28, 0],
      ],
    );
    assert.equal(o.bottleneck, 2);
    assert.equal(o.bottleneck_name, "上里布");
    assert.match(o.projected, /^\d{4}-\d\d-\d\d$/);
    assert.deepEqual(
      o.at_households.map((x) => [x.bundle, x.household, x.pairs]),
      [[3, "H-ZHANG", 4]],
    );
  });

  it("pays workers and households for scanned work", async () => {
    const r = await get(boss, `/api/v1/scan-output?enterprise=${ENT}`);
    assert.equal(r.status, 200, r.text);
    const by = Object.fromEntries(r.json.rows.map((x) => [x.worker ?? x.household, x]));
    // W001: op1 of bundles 1, 2 (20 x 0.15), op2 of 1 (10 x 0.25), op3 of 1
    // (10 x 0.10) and of 4 (8 x 0.10): 3.00 + 2.50 + 1.00 + 0.80
    assert.equal(by.W001.pairs, 48);
    assert.equal(by.W001.pay, "7.30");
    assert.equal(by.W002.bonus, "0.50"); // 10 pairs reach the flat step
    assert.equal(by.W002.pay, "1.50");
    assert.equal(by.W001.bonus, "0.00");
    assert.equal(by["H-ZHANG"].pay, "3.52");
    assert.equal(r.json.total.pay, "12.32");
    // the range per worker (a month's pay): the sum of the days
    const month = await get(boss, `/api/v1/scan-output?enterprise=${ENT}&from=${new Date(Date.now() - 40 * 86400000).toISOString().slice(0, 10)}&group=worker`);
    assert.equal(month.status, 200, month.text);
    const bw = Object.fromEntries(month.json.rows.map((x) => [x.worker ?? x.household, x]));
    assert.equal(bw.W001.pairs, 48);
    assert.equal(bw.W001.days, 1);
    assert.equal(bw.W002.pay, "1.50");
    assert.equal(month.json.total.pay, "12.32");
    assert.equal((await get(boss, `/api/v1/scan-output?enterprise=${ENT}&group=shift`)).status, 400);
    const csv = await fetch(`${daemon.url}/api/v1/scan-output?enterprise=${ENT}&format=csv`, { headers: { Authorization: `Bearer ${boss}` } });
    const text = (await csv.text()).replace(/^\uFEFF/, "");
    assert.match(text, /^日期,工号\/加工户,姓名,完成\(双\),奖励\(元\),计件工资\(元\)\r\n/);
    assert.match(text, /合计,,,/);
  });

  it("answers every malformed request with a 4xx naming the problem, never a 5xx", async () => {
    const long = "x".repeat(5000);
    const cases = [
      ["POST", "/api/v1/styles", "{"],
      ["POST", "/api/v1/styles", "[]"],
      ["POST", "/api/v1/styles", { enterprise: ENT, code: "Z1", name: "x", category: "ski", family: "sewn", sizes: "8", routing: [] }],
      ["POST", "/api/v1/styles", { enterprise: ENT, code: "Z1", name: "x", category: "ski", family: "sewn", sizes: new Array(17).fill("8"), routing: [{}] }],
      ["POST", "/api/v1/styles", { enterprise: ENT, code: "Z1", name: long, category: "ski", family: "sewn", sizes: ["8"], routing: [{ code: "A", name: "a", smv: "1", rate: "1" }] }],
      ["POST", "/api/v1/styles", { enterprise: ENT, code: "Z1", name: "x", category: "ski", family: "sewn", sizes: ["8,9"], routing: [{ code: "A", name: "a", smv: "1", rate: "1" }] }],
      ["POST", "/api/v1/styles", { enterprise: ENT, code: "Z1", name: "x", category: "ski", family: "sewn", sizes: ["8"], routing: new Array(65).fill({ code: "A", name: "a", smv: "1", rate: "1" }) }],
      ["POST", "/api/v1/styles/copy", { enterprise: ENT, from: "NOPE", code: "Z2", name: "x" }],
      ["POST", "/api/v1/orders", { enterprise: ENT, code: "PO-Z", buyer: "x", style: "SKI-01", due: "2026-02-30", lines: [{ size: "8", qty: 1 }] }],
      ["POST", "/api/v1/orders", { enterprise: ENT, code: "PO-Z", buyer: "x", style: "SKI-01", due: "2026-12-30", unit: "box", lines: [{ size: "8", qty: 1 }] }],
      ["POST", "/api/v1/orders", { enterprise: ENT, code: "PO-Z", buyer: "x", style: "SKI-01", due: "2026-12-30", lines: [{ size: "8", qty: -1 }] }],
      ["POST", "/api/v1/orders", { enterprise: ENT, code: "PO-Z", buyer: "x", style: "SKI-01", due: "2026-12-30", lines: [{ size: "8", qty: 1 }, { size: "8", qty: 2 }] }],
      ["POST", "/api/v1/orders", { enterprise: ENT, code: "PO-Z", buyer: "x", style: "SKI-01", due: "2026-12-30", lines: new Array(17).fill({ size: "8", qty: 1 }) }],
      ["POST", "/api/v1/orders/release", { enterprise: ENT, order: "NOPE" }],
      ["POST", "/api/v1/orders/machines", { enterprise: ENT, order: "PO-2026-118", machine: "NOPE" }],
      ["POST", "/api/v1/cuts", { enterprise: ENT, order: "PO-2026-118", bundle_size: 0, lines: [{ size: "8", plies: 1 }] }],
      ["POST", "/api/v1/cuts", { enterprise: ENT, order: "PO-2026-118", lines: [{ size: "12", plies: 1 }] }],
      ["POST", "/api/v1/cuts", { enterprise: ENT, order: "PO-2026-118", lines: [{ size: "8", plies: 1, pairs_per_ply: 1000 }] }],
      ["POST", "/api/v1/cuts", { enterprise: ENT, order: "PO-2026-118", lines: "8" }],
      ["POST", "/api/v1/scans", "{"],
      ["POST", "/api/v1/scans", []],
      ["POST", "/api/v1/scans", new Array(501).fill({ code: "1-1-AAAAAA", worker: "W001" })],
      ["POST", "/api/v1/scans", { code: long, worker: "W001" }],
      ["POST", "/api/v1/scans", { code: "1-1-AAAAAA", worker: "W001", ts: Date.now() + 86400000 }],
      ["POST", "/api/v1/scans", { code: "1-1-AAAAAA", worker: "W001", scan_id: long }],
      ["POST", "/api/v1/scans", [1, 2, 3]],
      ["POST", "/api/v1/households", { enterprise: ENT, code: "H Z", name: "x" }],
      ["POST", "/api/v1/households", { enterprise: ENT, code: "HZ", name: "x", rate_pct: 0 }],
      ["POST", "/api/v1/dispatches", { enterprise: ENT, household: "H-ZHANG", bundles: [], ops: [1] }],
      ["POST", "/api/v1/dispatches", { enterprise: ENT, household: "H-ZHANG", bundles: ["x"], ops: [1] }],
      ["POST", "/api/v1/dispatches", { enterprise: ENT, household: "H-ZHANG", bundles: [99999999], ops: [1] }],
      ["POST", "/api/v1/dispatches", { enterprise: ENT, household: "H-ZHANG", bundles: [bundleIds[5]], ops: [99] }],
      ["POST", "/api/v1/returns", { enterprise: ENT, bundle: bundleIds[5], returned: 2 }],
      ["POST", "/api/v1/returns", { enterprise: ENT, bundle: 99999999, returned: 2 }],
      ["POST", "/api/v1/returns", { enterprise: ENT, bundle: bundleIds[5], returned: -1 }],
      ["POST", "/api/v1/sewn-settings", { enterprise: ENT, order_check: "maybe" }],
      ["GET", `/api/v1/bundles?enterprise=${ENT}`],
      ["GET", `/api/v1/bundles?enterprise=${ENT}&cut=abc`],
      ["GET", `/api/v1/bundles?enterprise=${ENT}&bundle=-4`],
      ["GET", `/api/v1/bundles?enterprise=${ENT}&no=3`],
      ["GET", `/api/v1/tickets?enterprise=${ENT}&order=NOPE`],
      ["GET", `/api/v1/tickets?enterprise=${ENT}&bundle=99999999`],
      ["GET", `/api/v1/wip?enterprise=${ENT}&order=NOPE`],
      ["GET", `/api/v1/wip?enterprise=NOPE`],
      ["GET", `/api/v1/scan-output?enterprise=${ENT}&from=2026-13-01`],
      ["GET", `/api/v1/scan-output?enterprise=${ENT}&from=2026-11-02&to=2026-11-01`],
      ["GET", `/api/v1/scan-output?enterprise=${ENT}&format=pdf`],
    ];
    for (const [method, p, body] of cases) {
      const r = await api(daemon.url, boss, method, p, body);
      const what = `${method} ${p} ${JSON.stringify(body ?? "").slice(0, 80)}`;
      assert.ok(r.status >= 400 && r.status < 500, `${what}: ${r.status} ${r.text.slice(0, 200)}`);
      assert.ok(r.json?.error?.message, `${what}: a JSON error with a message`);
    }
    assert.equal((await fetch(`${daemon.url}/healthz`)).status, 200);
  });

  it("counts a knitting machine's pieces toward the knitted order it is assigned to", async () => {
    await post(boss, "/api/v1/orders", { enterprise: ENT, code: "PO-KN", buyer: "x", style: "KN-13", due: "2026-12-31", unit: "dozen", lines: [{ size: "8", qty: 100 }] });
    await post(boss, "/api/v1/orders/release", { enterprise: ENT, order: "PO-KN" });
    const as = await post(sup, "/api/v1/orders/machines", { enterprise: ENT, order: "PO-KN", machine: "K1" });
    assert.equal(as.status, 201, as.text);
    const t = Date.now();
    await postOk(daemon.url, gw, [
      { machine: "K1", ts: t - 2000, count: 1000, state: "run" },
      { machine: "K1", ts: t - 1000, count: 1240, state: "run" },
    ]);
    const w = await get(boss, `/api/v1/wip?enterprise=${ENT}&order=PO-KN`);
    assert.equal(w.json.orders[0].finished, 120, "240 gloves are 120 pairs");
    assert.equal(w.json.orders[0].ordered, 1200);
  });
});
