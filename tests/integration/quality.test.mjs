// SPDX-License-Identifier: Apache-2.0
// Integration: quality (issue 11) through the API of the real daemon.
// Material lots are received; a lot is formed from the finished bundles of
// a sewn order (an unfinished bundle, a bundle of another order or already
// in a lot refused, naming it) and from a knitting machine's good pieces on
// whole local days; its AQL plan follows ISO 2859-1 (1,000 pairs at II:
// J, 80, Ac/Re by class, zero acceptance for critical); an inspection
// records defects from the catalogue and decides; bad input (an unknown
// defect type, more defects than the sample, another firm's lot, a second
// inspection) is refused and writes nothing; the switching rules go to
// tightened after 2 of 5 lots rejected and back after 5 accepted, stop
// after 5 not accepted under tightened and resume; cartons are packed; the
// trace from a carton reaches materials, operations and workers, and the
// recall from a material lot lists the lots and cartons (CSV too).
//
// Run: GLOVED_BIN=build/gloved GLOVED_SOURCE_DIR=$PWD node --test tests/integration/quality.test.mjs

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { api, login, startDaemon } from "../lib/harness.mjs";
import { postOk, stopAll } from "../lib/integration.mjs";

const ENT = "JX01";
const OTHER = "JX02";
const PASSWORD = "quality-test-pass-1";

describe("quality: lots, AQL inspection, cartons, trace", { timeout: 300000 }, () => {
  let daemon, boss, sup, qc, worker, other, gw;
  const codes = {}; // order -> bundle no -> [code of op 1, op 2]
  let scanSeq = 0;

  const post = (token, p, body) => api(daemon.url, token, "POST", p, body);
  const get = (token, p) => api(daemon.url, token, "GET", p);

  before(async () => {
    daemon = await startDaemon({
      setup: (a) => {
        a("enterprise", "add", "--code", ENT, "--name", "嘉祥县测试手套有限公司", "--town", "嘉祥");
        a("enterprise", "add", "--code", OTHER, "--name", "嘉祥县另一手套厂", "--town", "嘉祥");
        a("workshop", "add", "--enterprise", ENT, "--code", "K", "--name", "针织车间");
        a("machine", "add", "--enterprise", ENT, "--workshop", "K", "--code", "K1", "--kind", "knitting");
        a("user", "add", "--username", "boss", "--role", "enterprise_admin", "--enterprise", ENT, "--password", PASSWORD);
        a("user", "add", "--username", "lead", "--role", "supervisor", "--enterprise", ENT, "--password", PASSWORD);
        a("user", "add", "--username", "qc", "--role", "inspector", "--enterprise", ENT, "--password", PASSWORD);
        a("user", "add", "--username", "wang", "--role", "worker", "--enterprise", ENT, "--worker", "W001", "--password", PASSWORD);
        a("user", "add", "--username", "other", "--role", "enterprise_admin", "--enterprise", OTHER, "--password", PASSWORD);
        gw = a("token", "add", "--enterprise", ENT, "--name", "gw");
      },
    });
    boss = await login(daemon.url, "boss", PASSWORD);
    sup = await login(daemon.url, "lead", PASSWORD);
    qc = await login(daemon.url, "qc", PASSWORD);
    worker = await login(daemon.url, "wang", PASSWORD);
    other = await login(daemon.url, "other", PASSWORD);

    const routing = [
      { code: "S01", name: "合缝", smv: "1.20", rate: "0.1500" },
      { code: "S02", name: "翻手套", smv: "0.80", rate: "0.1000" },
    ];
    const base = { enterprise: ENT, category: "ski", family: "sewn", materials: "", sizes: ["8", "9"], routing };
    for (const [code, name] of [
      ["SKI-01", "成人滑雪手套"],
      ["SKI-02", "儿童滑雪手套"],
    ]) {
      const s = await post(boss, "/api/v1/styles", { ...base, code, name });
      assert.equal(s.status, 201, s.text);
    }
    const kn = await post(boss, "/api/v1/styles", {
      ...base,
      code: "KN-13",
      name: "13针涤纶手套",
      category: "work",
      family: "knitted",
      routing: [{ code: "K01", name: "织造", smv: "0.50", rate: "0.0100" }],
    });
    assert.equal(kn.status, 201, kn.text);
    // PO-A: 1,200 pairs of size 8 in 12 bundles of 100; PO-B: 16 bundles of 20
    for (const [order, style, dozens, plies, per, bundle] of [
      ["PO-A", "SKI-01", 100, 60, 20, 100],
      ["PO-B", "SKI-02", 27, 16, 20, 20],
    ]) {
      let r = await post(boss, "/api/v1/orders", { enterprise: ENT, code: order, buyer: "Alpine", style, due: "2026-12-31", unit: "dozen", lines: [{ size: "8", qty: dozens }] });
      assert.equal(r.status, 201, r.text);
      r = await post(boss, "/api/v1/orders/release", { enterprise: ENT, order });
      assert.equal(r.status, 200, r.text);
      r = await post(boss, "/api/v1/cuts", { enterprise: ENT, order, bundle_size: bundle, lines: [{ size: "8", plies, pairs_per_ply: per }] });
      assert.equal(r.status, 201, r.text);
      const bl = await get(boss, `/api/v1/bundles?enterprise=${ENT}&order=${order}`);
      codes[order] = {};
      for (const b of bl.json.bundles) codes[order][b.no] = b.ops.map((o) => o.code);
    }
    assert.equal(Object.keys(codes["PO-A"]).length, 12);
    assert.equal(Object.keys(codes["PO-B"]).length, 16);
    // every operation of PO-A's bundles 1-11 but only the first of 12; all of PO-B
    const scans = [];
    for (let no = 1; no <= 12; no++) for (const [i, c] of codes["PO-A"][no].entries()) if (no < 12 || i === 0) scans.push({ code: c, scan_id: `q-${++scanSeq}` });
    for (let no = 1; no <= 16; no++) for (const c of codes["PO-B"][no]) scans.push({ code: c, scan_id: `q-${++scanSeq}` });
    const sr = await post(worker, "/api/v1/scans", scans);
    assert.equal(sr.status, 200, sr.text);
    for (const x of sr.json.results) assert.equal(x.status, 200, JSON.stringify(x));
  });

  after(async () => {
    await stopAll(daemon);
  });

  it("receives material lots, refusing bad ones and other firms", async () => {
    const good = { enterprise: ENT, code: "Y-2026-031", kind: "yarn", supplier: "高密纱厂", batch: "B7731", quantity: "250.5", unit: "kg", received: "2026-11-20" };
    const r = await post(sup, "/api/v1/material-lots", good);
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.quantity, "250.500");
    const r2 = await post(qc, "/api/v1/material-lots", { ...good, code: "L-88", kind: "leather", supplier: "河北皮革", batch: "HB-2", quantity: 120, unit: "m2" });
    assert.equal(r2.status, 201, r2.text);
    assert.equal((await post(sup, "/api/v1/material-lots", good)).status, 409, "a code in use");
    for (const [body, re] of [
      [{ ...good, code: "X1", kind: "plastic" }, /kind/],
      [{ ...good, code: "X1", unit: "ton" }, /unit/],
      [{ ...good, code: "X1", quantity: "1.2345" }, /quantity/],
      [{ ...good, code: "X1", received: "2026-13-01" }, /received/],
      [{ ...good, code: "X1", supplier: undefined }, /supplier/],
    ]) {
      const b = await post(sup, "/api/v1/material-lots", body);
      assert.equal(b.status, 400, b.text);
      assert.match(b.json.error.message, re);
    }
    assert.equal((await post(worker, "/api/v1/material-lots", { ...good, code: "X2" })).status, 403, "a worker records no material");
    const list = await get(qc, `/api/v1/material-lots?enterprise=${ENT}`);
    assert.deepEqual(
      list.json.items.map((m) => m.code),
      ["L-88", "Y-2026-031"],
    );
    assert.equal((await get(other, `/api/v1/material-lots?enterprise=${ENT}`)).status, 404);
  });

  it("forms a lot from finished bundles only, with its materials", async () => {
    const body = {
      enterprise: ENT,
      code: "LOT-A1",
      order: "PO-A",
      source: "bundles",
      bundles: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
      materials: [
        { material_lot: "L-88", quantity: "80" },
        { material_lot: "Y-2026-031", quantity: "12.5" },
      ],
    };
    for (const [b, re] of [
      [{ ...body, bundles: [1, 12] }, /bundles\[1\]: bundle 12 is not finished/],
      [{ ...body, bundles: [1, 99] }, /bundles\[1\]: order PO-A has no bundle 99/],
      [{ ...body, bundles: [1, 1] }, /named twice/],
      [{ ...body, materials: [{ material_lot: "NOPE" }] }, /materials\[0\]: no material lot NOPE/],
      [{ ...body, order: "PO-X" }, /order: no order PO-X/],
      [{ ...body, source: "machines", machines: ["K1"], from: "2026-12-01", to: "2026-12-01" }, /sewn; its lots come from bundles/],
      [{ ...body, source: "boxes" }, /source/],
    ]) {
      const r = await post(qc, "/api/v1/lots", b);
      assert.equal(r.status, 400, `${JSON.stringify(b).slice(0, 80)}: ${r.text}`);
      assert.match(r.json.error.message, re);
    }
    assert.equal((await get(qc, `/api/v1/lots?enterprise=${ENT}`)).json.items.length, 0, "nothing written by a refused lot");
    const r = await post(qc, "/api/v1/lots", body);
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.pairs, 1000);
    assert.equal(r.json.pieces, 2000);
    assert.deepEqual(r.json.dozens, { whole: 83, rest_pairs: 4 });
    assert.equal(r.json.size, "8");
    assert.equal(r.json.status, "formed");
    assert.equal(r.json.result, "");
    const again = await post(qc, "/api/v1/lots", { ...body, code: "LOT-A2", bundles: [10, 11] });
    assert.equal(again.status, 400);
    assert.match(again.json.error.message, /bundles\[0\]: bundle 10 is in a lot already/);
    assert.equal((await post(qc, "/api/v1/lots", { ...body, bundles: [11] })).status, 409, "a lot code in use");
    assert.equal((await post(worker, "/api/v1/lots", { ...body, code: "LOT-W", bundles: [11] })).status, 403);
    assert.equal((await post(other, "/api/v1/lots", { ...body, code: "LOT-O", bundles: [11] })).status, 404, "another firm's order does not exist for it");
  });

  it("forms a lot from a knitting machine's good pieces on whole local days", async () => {
    let r = await post(boss, "/api/v1/orders", { enterprise: ENT, code: "PO-KN", buyer: "x", style: "KN-13", due: "2026-12-31", unit: "dozen", lines: [{ size: "8", qty: 100 }] });
    assert.equal(r.status, 201, r.text);
    await post(boss, "/api/v1/orders/release", { enterprise: ENT, order: "PO-KN" });
    r = await post(sup, "/api/v1/orders/machines", { enterprise: ENT, order: "PO-KN", machine: "K1" });
    assert.equal(r.status, 201, r.text);
    const t = Date.now();
    await postOk(daemon.url, gw, [
      { machine: "K1", ts: t - 2000, count: 1000, state: "run" },
      { machine: "K1", ts: t - 1000, count: 1240, state: "run" },
    ]);
    // the firm's local day (Asia/Shanghai) of now
    const today = new Date(t + 8 * 3600000).toISOString().slice(0, 10);
    const lot = { enterprise: ENT, code: "LOT-K1", order: "PO-KN", source: "machines", machines: ["K1"], from: today, to: today };
    r = await post(sup, "/api/v1/lots", { ...lot, order: "PO-A" });
    assert.equal(r.status, 400);
    r = await post(sup, "/api/v1/lots", { ...lot, machines: ["K9"] });
    assert.equal(r.status, 400);
    assert.match(r.json.error.message, /machines\[0\]: no machine K9/);
    r = await post(sup, "/api/v1/lots", lot);
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.pieces, 240);
    assert.equal(r.json.pairs, 120);
    assert.equal(r.json.produced_from, today);
    r = await post(sup, "/api/v1/lots", { ...lot, code: "LOT-K2" });
    assert.equal(r.status, 400);
    assert.match(r.json.error.message, /machine K1 is in lot LOT-K1/);
  });

  it("gives the ISO 2859-1 plan of a lot and inspects it by the book", async () => {
    const plan = await get(qc, `/api/v1/inspections/plan?enterprise=${ENT}&lot=LOT-A1&level=II&critical=0&major=2.5&minor=4.0`);
    assert.equal(plan.status, 200, plan.text);
    assert.equal(plan.json.severity, "normal");
    assert.equal(plan.json.lot_pairs, 1000);
    // 501-1,200 at II is J: 80; 2.5 -> 5/6, 4.0 -> 7/8; zero acceptance 0/1
    assert.deepEqual(plan.json.classes, {
      critical: { aql: "0", letter: "J", sample: 80, ac: 0, re: 1 },
      major: { aql: "2.5", letter: "J", sample: 80, ac: 5, re: 6 },
      minor: { aql: "4.0", letter: "J", sample: 80, ac: 7, re: 8 },
    });
    const body = {
      enterprise: ENT,
      lot: "LOT-A1",
      level: "II",
      aql: { critical: "0", major: "2.5", minor: 4 },
      inspector: "质检 张敏",
      defects: [
        { type: "open_seam", count: 3 },
        { type: "loose_thread", count: 2 },
      ],
    };
    for (const [b, status, re] of [
      [{ ...body, defects: [{ type: "spots_of_rust", count: 1 }] }, 400, /defects\[0\]\.type: spots_of_rust is not in the defect catalogue/],
      [{ ...body, defects: [{ type: "open_seam", count: 81 }] }, 400, /exceed the sample of 80/],
      [{ ...body, defects: [{ type: "open_seam", count: 50 }, { type: "hole", count: 40 }] }, 400, /defects\[1\]\.count/],
      [{ ...body, aql: { major: "2.7" } }, 400, /aql\.major/],
      [{ ...body, level: "IV" }, 400, /level/],
      [{ ...body, aql: {} }, 400, /at least one class/],
      [{ ...body, lot: "LOT-NONE" }, 404, /LOT-NONE/],
    ]) {
      const r = await post(qc, "/api/v1/inspections", b);
      assert.equal(r.status, status, `${JSON.stringify(b).slice(0, 100)}: ${r.text}`);
      assert.match(r.json.error.message, re);
    }
    assert.equal((await post(other, "/api/v1/inspections", body)).status, 404, "another firm's lot");
    assert.equal((await post(worker, "/api/v1/inspections", body)).status, 403);
    assert.equal((await get(qc, `/api/v1/inspections?enterprise=${ENT}`)).json.items.length, 0, "nothing written by refused inspections");
    const r = await post(qc, "/api/v1/inspections", body);
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.result, "accepted");
    assert.equal(r.json.classes.major.found, 3);
    assert.equal(r.json.classes.minor.found, 2);
    assert.equal(r.json.classes.critical.found, 0);
    assert.equal(r.json.defects[0].zh.length > 0, true);
    assert.equal(r.json.switching.severity, "normal");
    assert.equal(r.json.switching.event, "none");
    const again = await post(qc, "/api/v1/inspections", body);
    assert.equal(again.status, 409, "a lot is inspected once");
    const lot = await get(qc, `/api/v1/lot?enterprise=${ENT}&code=LOT-A1`);
    assert.equal(lot.json.result, "accepted");
    assert.equal(lot.json.status, "inspected");
    assert.equal(lot.json.inspections.length, 1);
    assert.equal(lot.json.bundles.length, 10);
    assert.deepEqual(
      lot.json.materials.map((m) => [m.material_lot, m.quantity]),
      [
        ["L-88", "80.000"],
        ["Y-2026-031", "12.500"],
      ],
    );
  });

  it("runs the switching rules per style: tightened, normal again, stop and resume", async () => {
    // PO-B's 16 bundles of 20 pairs, one lot each
    const inspect = async (no, reject) => {
      const code = `LOT-B${no}`;
      let r = await post(qc, "/api/v1/lots", { enterprise: ENT, code, order: "PO-B", source: "bundles", bundles: [no] });
      assert.equal(r.status, 201, r.text);
      const p = await get(qc, `/api/v1/inspections/plan?enterprise=${ENT}&lot=${code}&major=2.5`);
      assert.equal(p.status, 200, p.text);
      const major = p.json.classes.major;
      r = await post(qc, "/api/v1/inspections", {
        enterprise: ENT,
        lot: code,
        aql: { major: "2.5" },
        inspector: "qc",
        defects: reject ? [{ type: "hole", count: major.re }] : [],
      });
      return { r, plan: p.json };
    };
    let x = await inspect(1, false);
    assert.equal(x.r.json.result, "accepted");
    x = await inspect(2, true);
    assert.equal(x.r.json.result, "rejected");
    assert.equal(x.r.json.switching.event, "none");
    x = await inspect(3, true);
    assert.equal(x.r.json.switching.event, "to_tightened", "2 of 5 or fewer consecutive lots rejected");
    assert.equal(x.r.json.switching.severity, "tightened");
    for (let no = 4; no <= 8; no++) {
      x = await inspect(no, false);
      assert.equal(x.plan.severity, "tightened");
      assert.equal(x.r.json.severity, "tightened");
    }
    assert.equal(x.r.json.switching.event, "to_normal", "5 consecutive accepted under tightened");
    x = await inspect(9, true);
    x = await inspect(10, true);
    assert.equal(x.r.json.switching.event, "to_tightened");
    for (let no = 11; no <= 14; no++) {
      x = await inspect(no, true);
      assert.equal(x.r.json.switching.stopped, false);
    }
    x = await inspect(15, true);
    assert.equal(x.r.json.switching.event, "stopped", "5 not accepted on tightened inspection");
    const sw = await get(qc, `/api/v1/aql/switching?enterprise=${ENT}&style=SKI-02`);
    assert.equal(sw.status, 200, sw.text);
    assert.equal(sw.json.stopped, true);
    assert.equal(sw.json.history.length, 15);
    assert.deepEqual(
      sw.json.history.slice(0, 2).map((h) => [h.lot, h.result, h.event]),
      [
        ["LOT-B15", "rejected", "stopped"],
        ["LOT-B14", "rejected", "none"],
      ],
    );
    const stopped = await inspect(16, false);
    assert.equal(stopped.r.status, 409);
    assert.equal(stopped.r.json.error.code, "stopped");
    assert.match(stopped.r.json.error.message, /stopped/);
    // another style is not affected
    const other1 = await get(qc, `/api/v1/aql/switching?enterprise=${ENT}&style=SKI-01`);
    assert.equal(other1.json.severity, "normal");
    assert.equal(other1.json.stopped, false);
    assert.equal((await post(worker, "/api/v1/aql/switching", { enterprise: ENT, style: "SKI-02", resume: true })).status, 403);
    const res = await post(qc, "/api/v1/aql/switching", { enterprise: ENT, style: "SKI-02", resume: true });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.stopped, false);
    assert.equal(res.json.severity, "tightened", "inspection resumes under tightened");
    const ok = await post(qc, "/api/v1/inspections", { enterprise: ENT, lot: "LOT-B16", aql: { major: "2.5" }, inspector: "qc", defects: [] });
    assert.equal(ok.status, 201, ok.text);
    assert.equal(ok.json.severity, "tightened");
    // a rejected lot comes again after screening as resubmitted, outside the rules
    const re = await post(qc, "/api/v1/inspections", { enterprise: ENT, lot: "LOT-B15", aql: { major: "2.5" }, inspector: "qc", resubmitted: true, defects: [] });
    assert.equal(re.status, 201, re.text);
    assert.equal(re.json.resubmitted, true);
    assert.equal(re.json.switching.event, "none");
    const after = await get(qc, `/api/v1/aql/switching?enterprise=${ENT}&style=SKI-02`);
    assert.equal(after.json.history.length, 17, "15 lots, the resume and LOT-B16; not the resubmission");
  });

  it("packs cartons from a lot and traces them back; recalls a material lot forward", async () => {
    let r = await post(sup, "/api/v1/cartons", { enterprise: ENT, lot: "LOT-A1", pairs_per_carton: 120 });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.items.length, 9);
    assert.deepEqual(r.json.items[8], { code: "LOT-A1-C009", lot: "LOT-A1", pairs: 40 });
    assert.equal(r.json.items.reduce((a, c) => a + c.pairs, 0), 1000);
    assert.equal((await post(sup, "/api/v1/cartons", { enterprise: ENT, lot: "LOT-A1", pairs_per_carton: 100 })).status, 409, "packed once");
    assert.equal((await post(sup, "/api/v1/cartons", { enterprise: ENT, lot: "LOT-A1", pairs_per_carton: 0 })).status, 400);
    const t = await get(qc, `/api/v1/trace?enterprise=${ENT}&carton=LOT-A1-C003`);
    assert.equal(t.status, 200, t.text);
    assert.equal(t.json.code, "LOT-A1");
    assert.equal(t.json.traced_from, "carton");
    assert.deepEqual(
      t.json.operations.map((o) => [o.name, o.pairs, o.by]),
      [
        ["合缝", 1000, ["W001"]],
        ["翻手套", 1000, ["W001"]],
      ],
    );
    assert.deepEqual(t.json.workers, ["W001"]);
    assert.equal(t.json.inspections[0].result, "accepted");
    assert.equal(t.json.materials.length, 2);
    const tb = await get(qc, `/api/v1/trace?enterprise=${ENT}&order=PO-A&bundle=4`);
    assert.equal(tb.json.code, "LOT-A1");
    const tn = await get(qc, `/api/v1/trace?enterprise=${ENT}&order=PO-A&bundle=12`);
    assert.equal(tn.status, 404);
    assert.equal((await get(other, `/api/v1/trace?enterprise=${ENT}&lot=LOT-A1`)).status, 404);
    const rc = await get(sup, `/api/v1/trace/recall?enterprise=${ENT}&material_lot=L-88`);
    assert.equal(rc.status, 200, rc.text);
    assert.deepEqual(
      rc.json.items.map((l) => [l.code, l.pairs, l.cartons.length]),
      [["LOT-A1", 1000, 9]],
    );
    const csv = await fetch(`${daemon.url}/api/v1/trace/recall?enterprise=${ENT}&material_lot=L-88&format=csv`, { headers: { Authorization: `Bearer ${sup}` } });
    assert.equal(csv.status, 200);
    const text = await csv.text();
    assert.match(text, /LOT-A1/);
    assert.match(text, /LOT-A1-C009/);
    const ex = await fetch(`${daemon.url}/api/v1/lots?enterprise=${ENT}&format=xlsx`, { headers: { Authorization: `Bearer ${sup}` } });
    assert.equal(ex.status, 200);
    assert.equal(Buffer.from(await ex.arrayBuffer()).subarray(0, 2).toString(), "PK");
    const ix = await fetch(`${daemon.url}/api/v1/inspections?enterprise=${ENT}&format=csv&lang=en`, { headers: { Authorization: `Bearer ${sup}` } });
    assert.match(await ix.text(), /Inspector/);
  });
});
