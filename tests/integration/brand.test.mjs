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
import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { api, login, startDaemon } from "../lib/harness.mjs";
import { stopAll } from "../lib/integration.mjs";

const ENT = "JX01";
const OTHER = "JX02";
const PASSWORD = "brand-test-pass-1";

describe("regional brand: licences, audits, labels, verification", { timeout: 300000 }, () => {
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
      extraArgs: ["--clone-scans", "5", "--public-rate", "1000"],
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

  // the path and query of a label URL, on this daemon
  const local = (url) => {
    const u = new URL(url);
    return daemon.url + u.pathname + u.search;
  };
  const page = async (url) => {
    const r = await fetch(url, { signal: AbortSignal.timeout(10000) });
    return { status: r.status, text: await r.text(), type: r.headers.get("content-type") };
  };
  const state = (html) => /data-state="([a-z]+)"/.exec(html)?.[1];
  const b64 = (s) => Buffer.from(s, "utf8").toString("base64url");
  const unb64 = (s) => Buffer.from(s, "base64url").toString("utf8");
  let bags, cartons;

  it("issues brand labels only for an accepted lot of a licensed firm", async () => {
    let r = await post(qc, "/api/v1/labels", { enterprise: ENT, lot: "LOT-2", kind: "bag", brand: true, pairs_per_bag: 10 });
    assert.equal(r.status, 409, r.text);
    assert.equal(r.json.error.code, "lot_not_accepted");
    assert.match(r.json.error.message, /LOT-2 is rejected/);
    r = await post(qc, "/api/v1/labels", { enterprise: ENT, lot: "LOT-1", kind: "carton", brand: true });
    assert.equal(r.status, 409, r.text);
    assert.match(r.json.error.message, /no cartons: pack it first/);
    for (const [body, field] of [
      [{ lot: "LOT-1", kind: "box" }, "kind"],
      [{ lot: "LOT-1", kind: "bag", brand: "yes" }, "brand"],
      [{ lot: "LOT-1", kind: "bag", pairs_per_bag: 0 }, "pairs_per_bag"],
      [{ lot: "LOT-1", kind: "bag", count: 100000 }, "count"],
    ]) {
      r = await post(qc, "/api/v1/labels", { enterprise: ENT, ...body });
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.match(r.json.error.message, new RegExp(field));
    }
    assert.equal((await post(null, "/api/v1/labels", { enterprise: ENT, lot: "LOT-1", kind: "bag" })).status, 401);
    assert.equal((await post(other, "/api/v1/labels", { enterprise: ENT, lot: "LOT-1", kind: "bag" })).status, 404, "another firm is not even seen");
    assert.equal((await post(assoc, "/api/v1/labels", { enterprise: ENT, lot: "LOT-1", kind: "bag" })).status, 403);
    // 20 pairs in bags of 10: two labels, then nothing left
    r = await post(qc, "/api/v1/labels", { enterprise: ENT, lot: "LOT-1", kind: "bag", brand: true, pairs_per_bag: 10 });
    assert.equal(r.status, 201, r.text);
    bags = r.json.items;
    assert.equal(bags.length, 2);
    assert.ok(bags.every((l) => l.brand && l.pairs === 10 && /^[2-9A-HJKMNP-Z]{11}$/.test(l.serial)));
    assert.notEqual(bags[0].serial, bags[1].serial);
    r = await post(qc, "/api/v1/labels", { enterprise: ENT, lot: "LOT-1", kind: "bag", brand: true, pairs_per_bag: 10, count: 1 });
    assert.equal(r.status, 409);
    assert.match(r.json.error.message, /only 0 pairs of lot LOT-1 have no bag label/);
    // cartons of 12: 12 + 8
    r = await post(qc, "/api/v1/cartons", { enterprise: ENT, lot: "LOT-4", pairs_per_carton: 12 });
    assert.equal(r.status, 201, r.text);
    r = await post(qc, "/api/v1/labels", { enterprise: ENT, lot: "LOT-4", kind: "carton", brand: true });
    assert.equal(r.status, 201, r.text);
    cartons = r.json.items;
    assert.deepEqual(cartons.map((l) => l.pairs), [12, 8]);
    assert.equal((await post(qc, "/api/v1/labels", { enterprise: ENT, lot: "LOT-4", kind: "carton", brand: true })).status, 409);
    // the payload says what the label says
    const f = cartons[0].payload.split("|");
    assert.deepEqual(
      [f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[9], f[10]],
      ["gloved-label-1", cartons[0].serial, ENT, "嘉祥县测试手套有限公司", "SKI-01", "8", "12", "LOT-4", "", "B"],
    );
    assert.match(f[8], /^\d{4}-\d\d-\d\d$/);
    // the trace from a label reaches its lot; another firm's serial is not seen
    const tr = await get(boss, `/api/v1/trace?enterprise=${ENT}&label=${cartons[0].serial}`);
    assert.equal(tr.status, 200, tr.text);
    assert.deepEqual([tr.json.code, tr.json.traced_from], ["LOT-4", "label"]);
    assert.equal((await get(other, `/api/v1/trace?label=${cartons[0].serial}`)).status, 404);
    const list = await get(boss, `/api/v1/labels?enterprise=${ENT}&lot=LOT-4`);
    assert.deepEqual(list.json.items.map((l) => l.serial), cartons.map((l) => l.serial));
  });

  it("prints the labels as PDF whose QR codes read back as their URLs, and as ZPL", async () => {
    const res = await fetch(`${daemon.url}/api/v1/labels/pdf?enterprise=${ENT}&lot=LOT-4&kind=carton`, {
      headers: { Authorization: `Bearer ${boss}` },
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "application/pdf");
    const pdf = Buffer.from(await res.arrayBuffer());
    assert.equal(pdf.subarray(0, 5).toString(), "%PDF-");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gloved-labels-"));
    try {
      fs.writeFileSync(path.join(dir, "l.pdf"), pdf);
      const ppm = spawnSync("pdftoppm", ["-r", "300", "-png", path.join(dir, "l.pdf"), path.join(dir, "p")]);
      assert.equal(ppm.status, 0, String(ppm.stderr));
      const pngs = fs.readdirSync(dir).filter((x) => x.endsWith(".png"));
      const z = spawnSync("zbarimg", ["-q", "--raw", ...pngs.map((x) => path.join(dir, x))], { encoding: "utf8" });
      const got = z.stdout.split("\n").filter(Boolean).sort();
      assert.deepEqual(got, cartons.map((l) => l.url).sort());
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    const zpl = await api(daemon.url, boss, "GET", `/api/v1/labels/zpl?enterprise=${ENT}&lot=LOT-1&kind=bag`);
    assert.equal(zpl.status, 200);
    assert.equal((zpl.text.match(/\^XA/g) || []).length, 2);
    assert.ok(zpl.text.includes(`^FDMA,${bags[0].url}^FS`));
    assert.ok(zpl.text.includes("区域品牌"));
    const none = await api(daemon.url, boss, "GET", `/api/v1/labels/pdf?enterprise=${ENT}&lot=LOT-5`);
    assert.equal(none.status, 404);
  });

  it("verifies a label's QR URL for anyone, in zh-CN and English, and offline with the public key", async () => {
    const url = cartons[0].url;
    let r = await page(local(url));
    assert.equal(r.status, 200);
    assert.match(r.type, /text\/html/);
    assert.equal(state(r.text), "genuine");
    assert.ok(r.text.includes('lang="zh-CN"'));
    assert.ok(r.text.includes("嘉祥县测试手套有限公司"));
    assert.ok(!/<script/i.test(r.text), "the page needs no JavaScript");
    r = await page(local(url) + "&lang=en");
    assert.equal(state(r.text), "genuine");
    assert.ok(r.text.includes('lang="en"'));
    const u = new URL(url);
    const q = `serial=${cartons[0].serial}&p=${u.searchParams.get("p")}&s=${u.searchParams.get("s")}`;
    const j = await api(daemon.url, null, "GET", `/api/v1/public/labels/verify?${q}`);
    assert.equal(j.status, 200, j.text);
    assert.equal(j.json.state, "genuine");
    assert.deepEqual([j.json.firm, j.json.lot, j.json.pairs, j.json.result, j.json.licence], [ENT, "LOT-4", 12, "accepted", "active"]);
    assert.equal(j.json.scans_before, 2, "the two page views before");

    // offline: the published key verifies the payload's signature
    const key = await api(daemon.url, null, "GET", "/api/v1/public/brand/key");
    assert.equal(key.status, 200);
    assert.equal(key.json.algorithm, "Ed25519");
    const spki = Buffer.concat([Buffer.from("302a300506032b6570032100", "hex"), Buffer.from(key.json.public_key, "base64url")]);
    const pub = crypto.createPublicKey({ key: spki, format: "der", type: "spki" });
    const payload = unb64(u.searchParams.get("p"));
    assert.equal(payload, cartons[0].payload);
    assert.ok(crypto.verify(null, Buffer.from(payload), pub, Buffer.from(u.searchParams.get("s"), "base64url")));

    // tampered: a field changed, the signature changed, another key's signature
    const more = payload.replace("|12|", "|120|");
    r = await page(`${daemon.url}/v/${cartons[0].serial}?p=${b64(more)}&s=${u.searchParams.get("s")}`);
    assert.equal(state(r.text), "forged");
    assert.ok(!r.text.includes("LOT-4"), "a forged label's claims are not shown");
    const s = u.searchParams.get("s");
    const s2 = (s[5] === "A" ? "B" : "A") + s.slice(1);
    r = await page(`${daemon.url}/v/${cartons[0].serial}?p=${u.searchParams.get("p")}&s=${s2}`);
    assert.equal(state(r.text), "forged");
    const { privateKey } = crypto.generateKeyPairSync("ed25519");
    const fake = crypto.sign(null, Buffer.from(payload), privateKey).toString("base64url");
    r = await page(`${daemon.url}/v/${cartons[0].serial}?p=${u.searchParams.get("p")}&s=${fake}`);
    assert.equal(state(r.text), "forged");
    // another label's payload under this serial
    r = await page(`${daemon.url}/v/${cartons[0].serial}?p=${b64(cartons[1].payload)}&s=${u.searchParams.get("s")}`);
    assert.equal(state(r.text), "malformed");
    // a serial typed by hand: its registered label; a mistyped one is refused
    r = await page(`${daemon.url}/v/${cartons[1].serial}`);
    assert.equal(state(r.text), "genuine");
    const typo = cartons[1].serial.slice(0, 3) + (cartons[1].serial[3] === "2" ? "3" : "2") + cartons[1].serial.slice(4);
    // a well-formed serial no label has: unknown, nothing shown of any label
    const other = "23456789AB";
    const w = [...other].reduce((s, ch, i) => s + (i + 1) * "23456789ABCDEFGHJKMNPQRSTUVWXYZ".indexOf(ch), 0);
    r = await page(`${daemon.url}/v/${other}${"23456789ABCDEFGHJKMNPQRSTUVWXYZ"[w % 31]}`);
    assert.equal(state(r.text), "unknown");
    assert.ok(!r.text.includes('id="label"'));
    r = await page(`${daemon.url}/v/${typo}`);
    assert.equal(state(r.text), "malformed");
    r = await page(`${daemon.url}/v/<script>`);
    assert.equal(state(r.text), "malformed");
    assert.ok(!r.text.includes("<script>"));
    r = await page(`${daemon.url}/v/${cartons[0].serial}?p=%%%&s=x`);
    assert.equal(state(r.text), "malformed");
  });
  
  it("counts scans and flags a label scanned like a copy, once, to the firm and the association", async () => {
    const url = local(bags[0].url);
    for (let i = 0; i < 5; i++) assert.equal(state((await page(url)).text), "genuine");
    let f = await get(boss, "/api/v1/brand/flags");
    assert.equal(f.json.items.length, 0, "5 scans are within the limit");
    const r = await page(url);
    assert.ok(r.text.includes('id="flag"'), "the sixth scanner is warned");
    f = await get(boss, "/api/v1/brand/flags");
    assert.equal(f.json.items.length, 1);
    assert.equal(f.json.items[0].serial, bags[0].serial);
    await page(url);
    assert.equal((await get(assoc, "/api/v1/brand/flags")).json.items.length, 1, "flagged once");
    assert.equal((await get(other, "/api/v1/brand/flags")).json.items.length, 0);
    const l = await get(boss, `/api/v1/labels?enterprise=${ENT}&lot=LOT-1`);
    const mine = l.json.items.find((x) => x.serial === bags[0].serial);
    assert.equal(mine.scans, 7);
    assert.equal(mine.flagged, true);
  });

  it("revoking stops new brand labels and leaves issued ones verifiable with the history", async () => {
    let r = await post(assoc, "/api/v1/brand/licences", { enterprise: ENT, action: "revoke", reason: "冒用品牌" });
    assert.equal(r.status, 200, r.text);
    await post(qc, "/api/v1/cartons", { enterprise: ENT, lot: "LOT-5", pairs_per_carton: 20 });
    r = await post(qc, "/api/v1/labels", { enterprise: ENT, lot: "LOT-5", kind: "carton", brand: true });
    assert.equal(r.status, 409);
    assert.equal(r.json.error.code, "not_licensed");
    assert.match(r.json.error.message, /a revoked brand licence/);
    // the firm's own labels still work
    r = await post(qc, "/api/v1/labels", { enterprise: ENT, lot: "LOT-5", kind: "carton", brand: false });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.items[0].brand, false);
    const p = await page(local(cartons[1].url));
    assert.equal(state(p.text), "genuine");
    const u = new URL(cartons[1].url);
    const j = await api(daemon.url, null, "GET", `/api/v1/public/labels/verify?serial=${cartons[1].serial}&p=${u.searchParams.get("p")}&s=${u.searchParams.get("s")}`);
    assert.equal(j.json.licence, "revoked");
    assert.deepEqual(j.json.licence_history.map((h) => h.action), ["grant", "suspend", "reinstate", "revoke"]);
  });
});

describe("regional brand: the key file and the public rate limit", { timeout: 120000 }, () => {
  it("refuses a brand key that group or others may read, and makes a 0600 one", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gloved-key-"));
    try {
      const key = path.join(dir, "open.key");
      fs.writeFileSync(key, "gloved-brand-key-1\nAAAA\n", { mode: 0o644 });
      fs.chmodSync(key, 0o644);
      await assert.rejects(startDaemon({ extraArgs: ["--brand-key-file", key] }), /chmod 600/);
      const made = path.join(dir, "new.key");
      const d = await startDaemon({ extraArgs: ["--brand-key-file", made] });
      try {
        assert.equal(fs.statSync(made).mode & 0o777, 0o600);
        const k1 = (await api(d.url, null, "GET", "/api/v1/public/brand/key")).json.public_key;
        await d.stop();
        const d2 = await startDaemon({ extraArgs: ["--brand-key-file", made] });
        const k2 = (await api(d2.url, null, "GET", "/api/v1/public/brand/key")).json.public_key;
        await d2.stop();
        assert.equal(k2, k1, "the key survives a restart");
      } finally {
        await d.stop();
      }
      fs.writeFileSync(path.join(dir, "bad.key"), "not a key\n", { mode: 0o600 });
      await assert.rejects(startDaemon({ extraArgs: ["--brand-key-file", path.join(dir, "bad.key")] }), /not a gloved brand key/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("limits the public pages per address with 429", async () => {
    const d = await startDaemon({ extraArgs: ["--public-rate", "5"] });
    try {
      const codes = [];
      for (let i = 0; i < 8; i++) {
        const r = await fetch(`${d.url}/v/23456789ABC`);
        await r.text();
        codes.push(r.status);
      }
      assert.deepEqual(codes, [200, 200, 200, 200, 200, 429, 429, 429]);
      const j = await api(d.url, null, "GET", "/api/v1/public/labels/verify?serial=x");
      assert.equal(j.status, 429);
      assert.equal(j.json.error.code, "too_many_requests");
      // the dashboard and its API are not limited by it
      assert.equal((await fetch(`${d.url}/healthz`)).status, 200);
    } finally {
      await d.stop();
    }
  });
});
