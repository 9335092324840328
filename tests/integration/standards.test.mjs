// SPDX-License-Identifier: Apache-2.0
// Integration: the glove standards through the API of the real daemon
// (issue 11). The defect catalogue in zh-CN and English; the ISO 2859-1
// plan of a lot size alone (GET /api/v1/aql/plan: cells with arrows, 100 %
// inspection, every bad argument refused naming it); the EN 388 marking of
// raw values without storing (4X43C when the blade dulled, impact P, X
// where not tested; a dulled blade without a TDM value, a negative value, an
// unknown field refused); a test report stored with every marking computed
// (EN 388, GB 24541, EN 511, EN ISO 374-1, ANSI/ISEA 105, EN ISO 21420), its
// PDF attached and read back, a body that is not a PDF or too big refused,
// another firm's report not seen, and a lot of the style carrying the test.
//
// Run: GLOVED_BIN=build/gloved GLOVED_SOURCE_DIR=$PWD node --test tests/integration/standards.test.mjs

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { api, login, startDaemon } from "../lib/harness.mjs";
import { stopAll } from "../lib/integration.mjs";

const ENT = "JX01";
const OTHER = "JX02";
const PASSWORD = "standards-test-pass-1";

describe("standards: defects, AQL plans, EN 388 and test reports", { timeout: 180000 }, () => {
  let daemon, boss, qc, other, worker;
  const post = (token, p, body, h) => api(daemon.url, token, "POST", p, body, h);
  const get = (token, p) => api(daemon.url, token, "GET", p);

  before(async () => {
    daemon = await startDaemon({
      extraArgs: ["--max-body", "65536"],
      setup: (a) => {
        a("enterprise", "add", "--code", ENT, "--name", "平邑县测试劳保手套厂", "--town", "平邑");
        a("enterprise", "add", "--code", OTHER, "--name", "高密另一手套厂", "--town", "高密");
        a("user", "add", "--username", "boss", "--role", "enterprise_admin", "--enterprise", ENT, "--password", PASSWORD);
        a("user", "add", "--username", "qc", "--role", "inspector", "--enterprise", ENT, "--password", PASSWORD);
        a("user", "add", "--username", "wang", "--role", "worker", "--enterprise", ENT, "--worker", "W001", "--password", PASSWORD);
        a("user", "add", "--username", "other", "--role", "enterprise_admin", "--enterprise", OTHER, "--password", PASSWORD);
      },
    });
    boss = await login(daemon.url, "boss", PASSWORD);
    qc = await login(daemon.url, "qc", PASSWORD);
    other = await login(daemon.url, "other", PASSWORD);
    worker = await login(daemon.url, "wang", PASSWORD);
    const s = await post(boss, "/api/v1/styles", {
      enterprise: ENT,
      code: "CUT-5",
      name: "HPPE防割丁腈浸胶手套",
      category: "work",
      family: "dipped",
      materials: "",
      sizes: ["8", "9", "10"],
      routing: [{ code: "D01", name: "浸胶", smv: "0.30", rate: "0.0100" }],
    });
    assert.equal(s.status, 201, s.text);
    const m = await post(boss, "/api/v1/material-lots", {
      enterprise: ENT,
      code: "NBR-2611",
      kind: "coating",
      supplier: "淄博某化工",
      batch: "B2611",
      quantity: "500",
      unit: "kg",
      received: "2026-11-20",
    });
    assert.equal(m.status, 201, m.text);
  });
  after(() => stopAll(daemon));

  it("lists the defect catalogue in both languages, by family", async () => {
    const all = await get(qc, "/api/v1/defects");
    assert.equal(all.status, 200, all.text);
    assert.ok(all.json.items.length >= 20);
    const hole = all.json.items.find((d) => d.code === "hole");
    assert.deepEqual([hole.zh, hole.en, hole.class, hole.class_zh], ["破洞", "hole", "major", "严重"]);
    const dipped = await get(qc, "/api/v1/defects?family=dipped");
    const codes = dipped.json.items.map((d) => d.code);
    assert.ok(codes.includes("thin_coating") && codes.includes("hole"));
    assert.ok(!codes.includes("open_seam"), "an open seam is not a defect of a dipped glove");
    const bad = await get(qc, "/api/v1/defects?family=woven");
    assert.equal(bad.status, 400);
    assert.match(bad.json.error.message, /family/);
    assert.equal((await get(null, "/api/v1/defects")).status, 401);
  });

  it("gives the ISO 2859-1 plan of a lot size", async () => {
    const cases = [
      // lot, level, aql, severity -> letter, sample, ac, re
      [1000, "II", "1.0", "normal", "J", 80, 2, 3],
      [1000, "II", "2.5", "normal", "J", 80, 5, 6],
      [1000, "II", "1.0", "tightened", "J", 80, 1, 2],
      [1000, "II", "1.0", "reduced", "J", 32, 2, 3], // 1999: reduced keeps the normal Ac
      [1000, "II", "0.065", "normal", "L", 200, 0, 1], // J at 0.065 points down to L
      [500, "S-4", "4.0", "normal", "E", 13, 1, 2],
      [3200, "I", "1.5", "normal", "H", 50, 2, 3],
      [35001, "II", "0.65", "normal", "N", 500, 7, 8],
    ];
    for (const [lot, level, aql, sev, letter, sample, ac, re] of cases) {
      const r = await get(qc, `/api/v1/aql/plan?lot=${lot}&level=${level}&aql=${aql}&severity=${sev}`);
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(
        [r.json.letter, r.json.sample, r.json.ac, r.json.re],
        [letter, sample, ac, re],
        `${lot} ${level} ${aql} ${sev}`,
      );
    }
    // level II is the default; a lot smaller than the sample is inspected whole
    const small = await get(qc, "/api/v1/aql/plan?lot=10&aql=0.10");
    assert.equal(small.status, 200, small.text);
    assert.equal(small.json.level, "II");
    assert.equal(small.json.sample, 10);
    assert.equal(small.json.hundred_percent, true);
    for (const [q, field] of [
      ["lot=1&aql=1.0", "lot"],
      ["lot=abc&aql=1.0", "lot"],
      ["aql=1.0", "lot"],
      ["lot=100&aql=1.1", "aql"],
      ["lot=100", "aql"],
      ["lot=100&aql=1.0&level=IV", "level"],
      ["lot=100&aql=1.0&severity=strict", "severity"],
    ]) {
      const r = await get(qc, `/api/v1/aql/plan?${q}`);
      assert.equal(r.status, 400, q);
      assert.match(r.json.error.message, new RegExp(`'${field}'`), q);
    }
  });

  it("computes the EN 388 marking without storing", async () => {
    const r = await post(qc, "/api/v1/tests/en388", {
      abrasion_cycles: 8000,
      coupe_index: 3.1,
      coupe_blunted: true,
      tear_n: 80,
      puncture_n: 110,
      tdm_n: 12.5,
    });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.marking, "4X43C");
    assert.deepEqual(r.json.levels, { abrasion: "4", coupe: "X", tear: "4", puncture: "3", tdm: "C", impact: "X" });
    assert.match(r.json.notes[0], /TDM/);
    const p = await post(qc, "/api/v1/tests/en388", {
      abrasion_cycles: 2100,
      coupe_index: 1.3,
      tear_n: 60,
      puncture_n: 70,
      impact: "pass",
    });
    assert.equal(p.json.marking, "3132XP");
    // a worker may ask too: nothing is stored
    const w = await post(worker, "/api/v1/tests/en388", { tear_n: 9.9 });
    assert.equal(w.status, 200, w.text);
    assert.equal(w.json.marking, "XX0XX");
    for (const [body, field] of [
      [{ abrasion_cycles: 8000, coupe_blunted: true }, "tdm_n"],
      [{ tear_n: -1 }, "tear_n"],
      [{ tear_n: "80" }, "tear_n"],
      [{ puncture_n: 20000 }, "puncture_n"],
      [{ impact: "yes" }, "impact"],
      [{ cut: 3 }, "cut"],
      [{ coupe_blunted: "no" }, "coupe_blunted"],
    ]) {
      const b = await post(qc, "/api/v1/tests/en388", body);
      assert.equal(b.status, 400, JSON.stringify(body));
      assert.match(b.json.error.message, new RegExp(field), JSON.stringify(body));
    }
    assert.equal((await get(qc, "/api/v1/tests?enterprise=" + ENT)).json.items.length, 0);
  });

  it("stores a test report with every marking, its PDF, in its firm's scope", async () => {
    const report = {
      enterprise: ENT,
      report_no: "SGS-2611-0042",
      lab: "SGS 青岛",
      day: "2026-11-28",
      style: "CUT-5",
      values: {
        en388: { abrasion_cycles: 8000, coupe_index: 3.1, coupe_blunted: true, tear_n: 80, puncture_n: 110, tdm_n: 12.5 },
        gb24541: true,
        en511: { convective_itr: 0.16, contact_r: 0.06, water: "pass" },
        en374: { penetration: "pass", chemicals: [{ letter: "K", minutes: 481 }, { letter: "J", minutes: 45 }, { letter: "L", minutes: 20 }] },
        ansi105_cut_g: 1650,
        en21420: { size: 9, length_mm: 252, dexterity_pin_mm: 6.5, ph: 6.8 },
      },
    };
    const r = await post(qc, "/api/v1/tests", report);
    assert.equal(r.status, 201, r.text);
    const t = r.json;
    assert.equal(t.en388, "4X43C");
    assert.equal(t.markings.gb24541.marking, "4X43C");
    assert.equal(t.markings.gb24541.standard, "GB 24541-2022");
    assert.equal(t.markings.en511.marking, "221");
    assert.equal(t.markings.en374.type, "C");
    assert.deepEqual(t.markings.en374.levels, { K: 6, J: 2, L: 1 });
    assert.equal(t.markings.ansi105.cut, "A4");
    assert.equal(t.markings.en21420.min_length_mm, 250);
    assert.equal(t.markings.en21420.length_ok, true);
    assert.equal(t.markings.en21420.dexterity, 4);
    assert.equal(t.markings.en21420.ph_ok, true);
    assert.equal(t.values.en388.tdm_n, 12.5);
    assert.equal(t.pdf, false);

    // the same report number again: 409; bad values: 400 and nothing stored
    assert.equal((await post(qc, "/api/v1/tests", report)).status, 409);
    for (const [values, field] of [
      [{ en388: { tdm_n: -2 } }, "tdm_n"],
      [{ en374: { penetration: "pass", chemicals: [{ letter: "Q", minutes: 100 }] } }, "letter"],
      [{ en374: { chemicals: [] } }, "penetration"],
      [{ en21420: { size: 13 } }, "size"],
      [{ gb24541: true }, "gb24541"],
      [{ en511: { water: 1 } }, "water"],
      [{ colour: "red" }, "colour"],
      [{}, "values"],
    ]) {
      const b = await post(qc, "/api/v1/tests", { ...report, report_no: "BAD-1", values });
      assert.equal(b.status, 400, JSON.stringify(values) + " " + b.text);
      assert.match(b.json.error.message, new RegExp(field), JSON.stringify(values));
    }
    const noTarget = await post(qc, "/api/v1/tests", { ...report, report_no: "BAD-2", style: undefined });
    assert.equal(noTarget.status, 400);
    const list = await get(qc, "/api/v1/tests?enterprise=" + ENT);
    assert.deepEqual(
      list.json.items.map((x) => x.report_no),
      ["SGS-2611-0042"],
    );
    // a material lot's report
    const mat = await post(boss, "/api/v1/tests", {
      enterprise: ENT,
      report_no: "NBR-COA-1",
      lab: "厂内实验室",
      day: "2026-11-21",
      material_lot: "NBR-2611",
      values: { en21420: { ph: 10.1 } },
    });
    assert.equal(mat.status, 201, mat.text);
    assert.equal(mat.json.markings.en21420.ph_ok, false);
    assert.equal(mat.json.material_lot, "NBR-2611");

    // the PDF: only a PDF, within the body limit, read back byte for byte
    const pdf = Buffer.concat([Buffer.from("%PDF-1.4\n"), Buffer.alloc(3000, 0x41), Buffer.from("\n%%EOF\n")]);
    const id = t.id;
    const put = (body, ct = "application/pdf") =>
      api(daemon.url, qc, "PUT", `/api/v1/tests/pdf?enterprise=${ENT}&id=${id}`, body, { "Content-Type": ct });
    const notPdf = await put(new Uint8Array(Buffer.from("hello")));
    assert.equal(notPdf.status, 400);
    const big = await put(new Uint8Array(Buffer.concat([Buffer.from("%PDF-"), Buffer.alloc(70000)])));
    assert.equal(big.status, 413);
    const ok = await put(new Uint8Array(pdf));
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.json.pdf_bytes, pdf.length);
    const back = await fetch(`${daemon.url}/api/v1/tests/pdf?enterprise=${ENT}&id=${id}`, {
      headers: { Authorization: `Bearer ${boss}` },
    });
    assert.equal(back.status, 200);
    assert.equal(back.headers.get("content-type"), "application/pdf");
    assert.ok(Buffer.from(await back.arrayBuffer()).equals(pdf));

    // another firm sees nothing of it and cannot record for ENT
    const o = await get(other, `/api/v1/tests?enterprise=${ENT}`);
    assert.ok(o.status === 403 || o.status === 404, o.text);
    const op = await get(other, `/api/v1/tests/pdf?enterprise=${OTHER}&id=${id}`);
    assert.equal(op.status, 404);
    const ow = await post(other, "/api/v1/tests", { ...report, report_no: "X-1" });
    assert.ok(ow.status === 403 || ow.status === 404, ow.text);
    const wk = await post(worker, "/api/v1/tests", { ...report, report_no: "X-2" });
    assert.equal(wk.status, 403);
  });
});
