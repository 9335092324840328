// SPDX-License-Identifier: Apache-2.0
// Integration: firms work together (issue 13) through the real daemon.
// Free capacity equals the hand-worked figure (machines x planned hours x
// rate, minus committed orders; operators x planned minutes x efficiency /
// SMV); a cooperative order is split by the solver exactly as worked by
// hand (no lateness, then the least cost), the lead adjusts and offers it,
// partners accept (each gets a production order linked to the lead's) or
// decline, progress rolls up to the lead without the partner's workers or
// wages; an impossible order says which constraint binds; a design is
// licensed and its royalty recorded per production order; a buyer's
// enquiry is routed to able firms and answered; every action is in the
// audit log.
//
// Run: GLOVED_BIN=build/gloved GLOVED_SOURCE_DIR=$PWD node --test tests/integration/coop.test.mjs

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { api, login, startDaemon } from "../lib/harness.mjs";
import { stopAll } from "../lib/integration.mjs";

const PASSWORD = "coop-test-pass-1";
const DAY = 86400000;

// The local day (Asia/Shanghai) of a time, "YYYY-MM-DD".
const dayOf = (ms) => new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(new Date(ms));

// One 08:00-17:00 shift with a lunch hour, Sundays off: 6 x 8 = 48 planned
// hours in any 7 days.
const CAL = {
  tz: "Asia/Shanghai",
  shifts: [{ name: "白班", start: "08:00", end: "17:00", breaks: [{ start: "12:00", end: "13:00" }] }],
  rest_weekdays: [0],
  rest_dates: [],
  offline_after_s: 120,
  target_pct: 80,
};
const WEEK_MIN = 48 * 60;

describe("firms working together: capacity, the exchange, designs, enquiries", { timeout: 300000 }, () => {
  let daemon, cadmin, assoc, boss1, boss2, boss3, bossPY, bossX, sup1, w3;
  const get = (token, p) => api(daemon.url, token, "GET", p);
  const put = (token, p, body) => api(daemon.url, token, "PUT", p, body);
  const post = (token, p, body) => api(daemon.url, token, "POST", p, body);
  const ok = async (r, status = 200) => {
    const x = await r;
    assert.equal(x.status, status, x.text);
    return x.json;
  };

  before(async () => {
    daemon = await startDaemon({
      extraArgs: ["--timezone", "Asia/Shanghai", "--public-rate", "1000"],
      setup: (a) => {
        a("enterprise", "add", "--code", "JX01", "--name", "嘉祥一号手套厂", "--town", "嘉祥");
        a("enterprise", "add", "--code", "JX02", "--name", "嘉祥二号手套厂", "--town", "嘉祥");
        a("enterprise", "add", "--code", "JX03", "--name", "嘉祥三号手套厂", "--town", "嘉祥");
        a("enterprise", "add", "--code", "JX04", "--name", "嘉祥四号手套厂", "--town", "嘉祥");
        a("enterprise", "add", "--code", "PY01", "--name", "平邑织造厂", "--town", "平邑");
        a("workshop", "add", "--enterprise", "PY01", "--code", "W1", "--name", "织造车间");
        a("machine", "add", "--enterprise", "PY01", "--workshop", "W1", "--code", "K1", "--kind", "knitting", "--gauge", "13", "--cycle-ms", "60000");
        a("machine", "add", "--enterprise", "PY01", "--workshop", "W1", "--code", "K2", "--kind", "knitting", "--gauge", "13", "--cycle-ms", "60000");
        a("machine", "add", "--enterprise", "PY01", "--workshop", "W1", "--code", "K3", "--kind", "knitting", "--gauge", "10", "--cycle-ms", "60000");
        a("user", "add", "--username", "cadmin", "--role", "cluster_admin", "--password", PASSWORD);
        a("user", "add", "--username", "assoc", "--role", "association", "--password", PASSWORD);
        for (const [u, e] of [["boss1", "JX01"], ["boss2", "JX02"], ["boss3", "JX03"], ["bossx", "JX04"], ["bosspy", "PY01"]])
          a("user", "add", "--username", u, "--role", "enterprise_admin", "--enterprise", e, "--password", PASSWORD);
        a("user", "add", "--username", "sup1", "--role", "supervisor", "--enterprise", "JX01", "--password", PASSWORD);
        a("user", "add", "--username", "w3", "--role", "worker", "--enterprise", "JX03", "--worker", "W301", "--password", PASSWORD);
      },
    });
    [cadmin, assoc, boss1, boss2, boss3, bossX, bossPY, sup1, w3] = await Promise.all(
      ["cadmin", "assoc", "boss1", "boss2", "boss3", "bossx", "bosspy", "sup1", "w3"].map((u) => login(daemon.url, u, PASSWORD)),
    );
    const firms = [
      [boss1, "JX01", 30, 3000],
      [boss2, "JX02", 20, 2800],
      [boss3, "JX03", 10, 2600],
      [bossX, "JX04", 40, 1000],
    ];
    for (const [tok, ent, ops, price] of firms) {
      await ok(put(tok, `/api/v1/calendar?enterprise=${ent}`, CAL));
      await ok(put(tok, "/api/v1/coop/profile", { enterprise: ent, families: ["sewn"], operations: ["S01"], certifications: ["EN388"], operators: ops, efficiency_pm: 550, smv_c: 3000, price_fen: price, min_order_pairs: 0 }));
      // JX04 keeps its capacity to itself
      await ok(put(tok, "/api/v1/cluster/share", { enterprise: ent, capacity: ent !== "JX04", catalogue: ent !== "JX04", cases: false }));
      await ok(post(tok, "/api/v1/styles", { enterprise: ent, code: "SKI", name: "滑雪手套", category: "ski", family: "sewn", sizes: ["7", "8", "9"], routing: [{ code: "S01", name: "合缝", smv: "30.00", rate: "0.5000" }] }), 201);
    }
    await ok(put(bossPY, "/api/v1/calendar?enterprise=PY01", CAL));
    await ok(put(bossPY, "/api/v1/coop/profile", { enterprise: "PY01", families: ["knitted"], gauges: [13, 10], price_fen: 900 }));
    await ok(put(bossPY, "/api/v1/cluster/share", { enterprise: "PY01", capacity: true, catalogue: true, cases: false }));
    await ok(post(bossPY, "/api/v1/styles", { enterprise: "PY01", code: "KN13", name: "13针手套", category: "work", family: "knitted", sizes: ["M"], routing: [{ code: "K01", name: "织造", smv: "0.50", rate: "0.0100" }] }), 201);
    await ok(post(bossPY, "/api/v1/orders", { enterprise: "PY01", code: "O-KN", buyer: "某劳保公司", style: "KN13", due: dayOf(Date.now() + 30 * DAY), lines: [{ size: "M", qty: 3000 }] }), 201);
  });

  after(async () => stopAll(daemon));

  it("publishes a profile and names what is wrong in a bad one", async () => {
    const bad = [
      [{ families: [] }, /families/],
      [{ families: ["woven"] }, /families\[0\]/],
      [{ families: ["sewn"], gauges: [13] }, /gauges/],
      [{ families: ["knitted"], gauges: [3] }, /gauges\[0\]/],
      [{ families: ["dipped"], compounds: ["rubber"] }, /compounds\[0\]/],
      [{ families: ["sewn"], efficiency_pm: 1200 }, /efficiency_pm/],
      [{ families: ["sewn"], operations: ["a b"] }, /operations\[0\]/],
    ];
    for (const [body, re] of bad) {
      const r = await put(boss1, "/api/v1/coop/profile", { enterprise: "JX01", ...body });
      assert.equal(r.status, 400, r.text);
      assert.match(r.json.error.message, re);
    }
    assert.equal((await put(sup1, "/api/v1/coop/profile", { enterprise: "JX01", families: ["sewn"] })).status, 403);
    assert.equal((await put(boss1, "/api/v1/coop/profile", { enterprise: "JX02", families: ["sewn"] })).status, 404, "another firm's profile");
  });

  it("computes free capacity as worked by hand", async () => {
    // PY01: 2 knitting machines of gauge 13 (and one of 10) with a 60 s
    // cycle; nothing measured, so the default rate 650 per mille. A week:
    // 3 machines x 48 h x 60 pieces / 2 = 4320 pairs x 0.65 = 2808. Its
    // open order of 3000 pairs takes the first week and 192 of the second.
    const py = await ok(get(boss1, "/api/v1/coop/profile?enterprise=PY01"));
    const k = py.capacity.find((c) => c.family === "knitted");
    assert.equal(k.basis, "machines");
    assert.equal(k.units, 3);
    assert.equal(k.rate_pm, 650);
    assert.equal(k.measured, false);
    assert.equal(k.committed, 3000);
    assert.equal(k.weeks.length, 12);
    for (const w of k.weeks) assert.equal(w.planned_h, 48);
    const perWeek = Math.floor(((3 * WEEK_MIN * 60000) / 60000 / 2) * 0.65);
    assert.equal(perWeek, 2808);
    assert.deepEqual(
      k.weeks.map((w) => w.free),
      [0, 2808 * 2 - 3000, ...Array(10).fill(2808)],
    );
    assert.equal(k.free_total, 12 * 2808 - 3000);
    // JX01: 30 operators x 2880 min x 0.55 / 30 min a pair = 1584 pairs a week
    const jx = await ok(get(boss1, "/api/v1/coop/profile"));
    const s = jx.capacity.find((c) => c.family === "sewn");
    assert.equal(s.basis, "operators");
    assert.deepEqual(
      s.weeks.map((w) => w.free),
      Array(12).fill(Math.floor((30 * WEEK_MIN * 0.55) / 30)),
    );
    assert.equal(s.weeks[0].free, 1584);
    assert.equal(jx.quality.accepted_pm, null, "no lot inspected yet");
    // a firm that does not share its capacity is not visible to others
    assert.equal((await get(boss1, "/api/v1/coop/profile?enterprise=JX04")).status, 404);
    const dir = await ok(get(boss1, "/api/v1/coop/firms"));
    assert.deepEqual(dir.items.map((x) => x.enterprise).sort(), ["JX01", "JX02", "JX03", "PY01"]);
    for (const x of dir.items) {
      assert.equal(x.workers, undefined);
      assert.equal(x.wages, undefined);
    }
  });

  it("splits a cooperative order as worked by hand, then the lead offers and firms answer", async () => {
    const due = dayOf(Date.now() + 41 * DAY); // due in week 5 (six weeks: 0..5)
    const order = { code: "CO-1", buyer: "欧洲滑雪品牌", need: { family: "sewn", operations: ["S01"], certifications: ["EN388"] }, style: "SKI", pairs: 10000, due, price_fen: 3200, max_partners: 3 };
    const bad = [
      [{ ...order, need: { family: "woven" } }, /need\.family/],
      [{ ...order, pairs: 0 }, /pairs/],
      [{ ...order, due: "2020-01-01" }, /due/],
      [{ ...order, max_partners: 0 }, /max_partners/],
    ];
    for (const [body, re] of bad) {
      const r = await post(boss1, "/api/v1/coop/orders", body);
      assert.equal(r.status, 400, r.text);
      assert.match(r.json.error.message, re);
    }
    assert.equal((await post(sup1, "/api/v1/coop/orders", order)).status, 403, "a supervisor does not lead");
    const created = await ok(post(boss1, "/api/v1/coop/orders", order), 201);
    assert.equal(created.lead, "JX01");
    assert.equal(created.status, "open");
    assert.equal((await post(boss1, "/api/v1/coop/orders", order)).status, 409);
    assert.equal((await post(boss2, "/api/v1/coop/order/propose", { code: "CO-1" })).status, 404, "not in JX02's scope yet");

    // By hand: six weeks hold JX03 528 x 6 = 3168 (26.00 a dozen), JX02
    // 1056 x 6 = 6336 (28.00) and JX01 1584 x 6 = 9504 (30.00): no lateness
    // is possible, the cheapest such split takes JX03 and JX02 in full and
    // the 496 left from JX01. JX04 does not share; PY01 does not sew.
    const p = await ok(post(boss1, "/api/v1/coop/order/propose", { code: "CO-1" }));
    assert.equal(p.proposal.status, "optimal");
    assert.equal(p.proposal.lateness, 0);
    assert.equal(p.proposal.excluded.not_shared, 1);
    assert.equal(p.proposal.excluded.family, 1);
    assert.equal(p.proposal.willing, 3);
    const share = Object.fromEntries(p.parts.map((x) => [x.enterprise, x.pairs]));
    assert.deepEqual(share, { JX03: 3168, JX02: 6336, JX01: 496 });
    assert.equal(p.proposal.cost_fen, Math.round((3168 * 2600 + 6336 * 2800 + 496 * 3000) / 12));
    assert.ok(p.proposal.cost_fen <= p.proposal.greedy.cost_fen || p.proposal.greedy.lateness > 0);
    for (const x of p.parts) {
      assert.equal(x.status, "proposed");
      assert.ok(x.weeks.slice(6).every((v) => v === 0), "nothing after the due week");
    }

    // the lead adjusts: checked against each firm's free capacity
    const over = await put(boss1, "/api/v1/coop/order/parts", { code: "CO-1", parts: [{ enterprise: "JX03", weeks: [10000] }] });
    assert.equal(over.status, 400);
    assert.match(over.json.error.message, /free capacity/);
    const short = await put(boss1, "/api/v1/coop/order/parts", { code: "CO-1", parts: [{ enterprise: "JX03", weeks: [528] }] });
    assert.equal(short.status, 400);
    assert.match(short.json.error.message, /the order is 10000/);
    const notWilling = await put(boss1, "/api/v1/coop/order/parts", { code: "CO-1", parts: [{ enterprise: "JX04", weeks: [1000] }] });
    assert.equal(notWilling.status, 400);
    const weeks = (n, per) => Array.from({ length: 12 }, (_, i) => (i < n ? per : 0));
    const adj = await ok(
      put(boss1, "/api/v1/coop/order/parts", {
        code: "CO-1",
        parts: [
          { enterprise: "JX03", weeks: weeks(6, 528) },
          { enterprise: "JX02", weeks: weeks(6, 1056) },
          { enterprise: "JX01", weeks: [496] },
        ],
      }),
    );
    assert.equal(adj.parts.length, 3);
    assert.equal((await post(boss2, "/api/v1/coop/order/offer", { code: "CO-1" })).status, 403, "a partner does not offer");
    const offered = await ok(post(boss1, "/api/v1/coop/order/offer", { code: "CO-1" }));
    assert.equal(offered.status, "offered");
    assert.ok(offered.parts.every((x) => x.status === "offered"));

    // a partner sees the order and only its own part
    const seen = await ok(get(boss2, "/api/v1/coop/order?code=CO-1"));
    assert.deepEqual(seen.parts.map((x) => x.enterprise), ["JX02"]);
    assert.equal(seen.lead_view, false);
    assert.equal(seen.proposal, undefined);
    const list2 = await ok(get(boss2, "/api/v1/coop/orders"));
    assert.equal(list2.items[0].my_part, "offered");
    assert.equal((await get(bossX, "/api/v1/coop/order?code=CO-1")).status, 404, "JX04 has no part");

    // JX03 and JX01 accept; JX02 declines, then the lead re-proposes the rest
    assert.equal((await post(boss3, "/api/v1/coop/order/answer", { code: "CO-1", accept: true, style: "NONE" })).status, 404);
    assert.equal((await post(boss3, "/api/v1/coop/order/answer", { code: "CO-1", accept: false })).status, 400, "a decline says why");
    assert.equal((await post(boss3, "/api/v1/coop/order/answer", { code: "CO-1", enterprise: "JX02", accept: true, style: "SKI" })).status, 404, "not its part");
    await ok(post(boss3, "/api/v1/coop/order/answer", { code: "CO-1", accept: true, style: "SKI" }));
    await ok(post(boss1, "/api/v1/coop/order/answer", { code: "CO-1", accept: true, style: "SKI" }));
    const dec = await ok(post(boss2, "/api/v1/coop/order/answer", { code: "CO-1", accept: false, reason: "旺季满产" }));
    assert.equal(dec.parts[0].status, "declined");
    assert.equal((await post(boss3, "/api/v1/coop/order/answer", { code: "CO-1", accept: true, style: "SKI" })).status, 409, "answered already");

    // the accepted part became JX03's production order, linked by code
    const o3 = await ok(get(boss3, "/api/v1/orders?enterprise=JX03"));
    const po = o3.orders.find((x) => x.code === "CO-1");
    assert.ok(po, JSON.stringify(o3));
    assert.equal(po.buyer, "协作 JX01");
    assert.deepEqual(po.coop, { order: "CO-1", lead: "JX01", pairs: 3168 });
    assert.equal(po.lines.reduce((s, l) => s + l.pairs, 0), 3168);

    // re-proposal: JX02 declined and is left out; JX01 takes what it can
    const re = await ok(post(boss1, "/api/v1/coop/order/propose", { code: "CO-1" }));
    assert.equal(re.proposal.excluded.declined, 1);
    // JX01 and JX03 hold parts already, JX04 does not share: no firm is left
    assert.equal(re.parts.filter((x) => x.status === "proposed").length, 0);
    assert.equal(re.proposal.status, "infeasible");
    assert.equal(re.proposal.binding, "no_firm");
    assert.equal(re.proposal.pairs, 6336);
    assert.equal(re.proposal.why, "no willing firm qualifies: 2 firms holding a part of this order already, 1 firm not sharing capacity, 1 firm not making sewn gloves, and 1 more for other reasons");

    // an adjustment never overwrites a part a firm has answered: JX03's
    // accepted part keeps its status and its production order
    for (const ent of ["JX03", "JX02"]) {
      const r = await put(boss1, "/api/v1/coop/order/parts", { code: "CO-1", parts: [{ enterprise: ent, weeks: [0, 0, 0, 0, 0, 0, 0, 0, 6336] }] });
      assert.equal(r.status, 409, r.text);
      assert.match(r.json.error.message, new RegExp(`${ent} already holds a part of order CO-1 that is ${ent === "JX03" ? "accepted" : "declined"}`));
    }
    const kept = (await ok(get(boss1, "/api/v1/coop/order?code=CO-1"))).parts.find((x) => x.enterprise === "JX03");
    assert.equal(kept.status, "accepted");
    assert.equal(kept.pairs, 3168);
    assert.equal(kept.progress.production_order, "CO-1");

    // progress rolls up to the lead: no partner's workers or wages
    const lead = await ok(get(boss1, "/api/v1/coop/order?code=CO-1"));
    assert.equal(lead.lead_view, true);
    assert.equal(lead.progress.placed, 3168 + 496);
    for (const x of lead.parts) {
      assert.equal(x.workers, undefined);
      assert.equal(x.wages, undefined);
      assert.deepEqual(Object.keys(x.progress ?? {}).sort(), ["inspected", "lot_list", "lots", "lots_accepted", "produced", "production_order", "shipped"]);
    }
    // shipping: never more than the part, never more than produced (none yet)
    assert.equal((await post(boss3, "/api/v1/coop/order/ship", { code: "CO-1", shipped: 4000 })).status, 400);
    const early = await post(boss3, "/api/v1/coop/order/ship", { code: "CO-1", shipped: 1000 });
    assert.equal(early.status, 409, early.text);
    assert.match(early.json.error.message, /shipped: 1000 pairs, more than the 0 JX03 has produced of its part of 3168/);

    const csv = await get(boss1, "/api/v1/coop/export?format=csv&lang=en");
    assert.equal(csv.status, 200);
    assert.match(csv.text, /CO-1,JX01,offered/);
    assert.match(csv.text, /JX03,3168,accepted/);
  });

  it("rolls the partner's production and inspected lots up to the lead, traced to the partner", async () => {
    // JX03 makes 12 pairs of its part: cut, sewn (scanned), a lot inspected
    await ok(post(boss3, "/api/v1/orders/release", { enterprise: "JX03", order: "CO-1" }));
    await ok(post(boss3, "/api/v1/cuts", { enterprise: "JX03", order: "CO-1", bundle_size: 12, lines: [{ size: "7", plies: 1, pairs_per_ply: 12 }] }), 201);
    const bl = await ok(get(boss3, "/api/v1/bundles?enterprise=JX03&order=CO-1"));
    await ok(post(w3, "/api/v1/scans", [{ code: bl.bundles[0].ops[0].code, scan_id: "c-1" }]));
    await ok(post(boss3, "/api/v1/lots", { enterprise: "JX03", code: "LOT-C1", order: "CO-1", source: "bundles", bundles: [bl.bundles[0].id] }), 201);
    await ok(post(boss3, "/api/v1/inspections", { enterprise: "JX03", lot: "LOT-C1", aql: { major: "2.5" }, inspector: "质检 王", defects: [] }), 201);
    const lead = await ok(get(boss1, "/api/v1/coop/order?code=CO-1"));
    const p3 = lead.parts.find((x) => x.enterprise === "JX03");
    assert.equal(p3.progress.produced, 12);
    assert.equal(p3.progress.inspected, 12);
    assert.deepEqual(p3.progress.lot_list, [{ lot: "LOT-C1", result: "accepted", pairs: 12 }]);
    assert.equal(lead.progress.produced, 12);
    assert.ok(!JSON.stringify(lead).includes("W301"), "the lead never sees the partner's workers");
    // ships what it made, never more, never less than before
    assert.equal((await post(boss3, "/api/v1/coop/order/ship", { code: "CO-1", shipped: 13 })).status, 409);
    await ok(post(boss3, "/api/v1/coop/order/ship", { code: "CO-1", shipped: 12 }));
    assert.equal((await post(boss3, "/api/v1/coop/order/ship", { code: "CO-1", shipped: 10 })).status, 400);
    assert.equal((await ok(get(boss1, "/api/v1/coop/order?code=CO-1"))).progress.shipped, 12);
    const tr = await ok(get(boss3, "/api/v1/trace?enterprise=JX03&lot=LOT-C1"));
    assert.deepEqual(tr.coop, { order: "CO-1", lead: "JX01", partner: "JX03" });
  });

  it("says which constraint binds when no split exists", async () => {
    const due = dayOf(Date.now() + 13 * DAY);
    await ok(post(boss1, "/api/v1/coop/orders", { code: "CO-BIG", buyer: "x", need: { family: "sewn" }, pairs: 1000000, due, price_fen: 3200, max_partners: 3 }), 201);
    const big = await ok(post(boss1, "/api/v1/coop/order/propose", { code: "CO-BIG" }));
    assert.equal(big.proposal.status, "infeasible");
    assert.equal(big.proposal.binding, "capacity");
    assert.equal(big.parts.length, 0);
    // a firm's capacity for an order of a style it has takes the SMV of
    // that style's routing: JX03's SKI20 sews in 20.00 min, so 10 x 2880 x
    // 0.55 / 20 = 792 pairs a week (its declared 30.00: 528); the others
    // have no SKI20 and keep their profile's 30.00 (JX01: 1584). Week 11 is
    // beyond every committed pair.
    await ok(post(boss3, "/api/v1/styles", { enterprise: "JX03", code: "SKI20", name: "快缝滑雪手套", category: "ski", family: "sewn", sizes: ["8"], routing: [{ code: "S01", name: "合缝", smv: "20.00", rate: "0.5000" }] }), 201);
    await ok(post(boss1, "/api/v1/coop/orders", { code: "CO-V", buyer: "x", need: { family: "sewn" }, style: "SKI20", pairs: 100, due, price_fen: 3200, max_partners: 3 }), 201);
    const sv = await ok(post(boss1, "/api/v1/coop/order/propose", { code: "CO-V" }));
    const cand = Object.fromEntries(sv.candidates.map((x) => [x.enterprise, x]));
    assert.equal(cand.JX03.smv_c, 2000);
    assert.equal(cand.JX03.smv_from, "style");
    assert.equal(cand.JX03.free[11], Math.floor((10 * WEEK_MIN * 0.55) / 20));
    assert.equal(cand.JX03.free[11], 792);
    assert.equal(cand.JX01.smv_from, "profile");
    assert.equal(cand.JX01.free[11], 1584);
    assert.equal(cand.JX01.measured, false, "no scans in the 28 days before today");
    await ok(post(boss1, "/api/v1/coop/order/cancel", { code: "CO-V" }));

    // no firm: the answer names the constraints that left the firms out
    await ok(post(boss1, "/api/v1/coop/orders", { code: "CO-S", buyer: "x", need: { family: "sewn", certifications: ["SA8000"] }, pairs: 100, due, price_fen: 3200, max_partners: 3 }), 201);
    const sa = await ok(post(boss1, "/api/v1/coop/order/propose", { code: "CO-S" }));
    assert.equal(sa.proposal.binding, "no_firm");
    assert.equal(sa.proposal.why, "no willing firm qualifies: 3 firms without certification SA8000, 1 firm not sharing capacity, 1 firm not making sewn gloves");
    await ok(post(boss1, "/api/v1/coop/order/cancel", { code: "CO-S" }));
    await ok(post(assoc, "/api/v1/coop/orders", { code: "CO-Q", buyer: "某采购商", need: { family: "sewn" }, pairs: 100, due, price_fen: 3200, min_quality_pm: 900, max_partners: 2 }), 201);
    const q = await ok(post(assoc, "/api/v1/coop/order/propose", { code: "CO-Q" }));
    assert.equal(q.by_association, true);
    // only JX03 has a quality record (its lot LOT-C1, accepted): 1000 per mille
    assert.equal(q.proposal.excluded.quality, 2, "JX01 and JX02 have no inspected lot");
    assert.deepEqual(q.parts.map((x) => x.enterprise), ["JX03"]);
    assert.equal((await post(boss1, "/api/v1/coop/order/propose", { code: "CO-Q" })).status, 404, "the association's order");
    // an offered part binds the firm's capacity until the order is cancelled
    const free3 = async () => (await ok(get(boss3, "/api/v1/coop/profile"))).capacity[0].free_total;
    const before = await free3();
    await ok(post(assoc, "/api/v1/coop/order/offer", { code: "CO-Q" }));
    assert.equal(await free3(), before - 100);
    await ok(post(assoc, "/api/v1/coop/order/cancel", { code: "CO-Q" }));
    assert.equal(await free3(), before);
    const cheap = await ok(post(assoc, "/api/v1/coop/orders", { code: "CO-P", buyer: "y", need: { family: "sewn" }, pairs: 100, due, price_fen: 2700, max_partners: 1 }), 201);
    assert.equal(cheap.status, "open");
    const pp = await ok(post(assoc, "/api/v1/coop/order/propose", { code: "CO-P" }));
    assert.equal(pp.proposal.excluded.price, 2, "JX01 and JX02 ask more than 27.00 a dozen");
    assert.deepEqual(pp.parts.map((x) => x.enterprise), ["JX03"]);
    await ok(post(assoc, "/api/v1/coop/order/cancel", { code: "CO-P" }));
    assert.equal((await post(assoc, "/api/v1/coop/order/propose", { code: "CO-P" })).status, 409);
  });

  it("counts the partners already placed when the lead adjusts", async () => {
    // JX04 shares for this order only (restored below)
    await ok(put(bossX, "/api/v1/cluster/share", { enterprise: "JX04", capacity: true, catalogue: false, cases: false }));
    const due = dayOf(Date.now() + 41 * DAY);
    const parts = (...x) => ({ code: "CO-M", parts: x.map(([enterprise, pairs]) => ({ enterprise, weeks: [...Array(10).fill(0), pairs] })) });
    await ok(post(boss1, "/api/v1/coop/orders", { code: "CO-M", buyer: "z", need: { family: "sewn" }, pairs: 300, due, price_fen: 3200, max_partners: 2 }), 201);
    await ok(put(boss1, "/api/v1/coop/order/parts", parts(["JX03", 100], ["JX02", 200])));
    await ok(post(boss1, "/api/v1/coop/order/offer", { code: "CO-M" }));
    await ok(post(boss2, "/api/v1/coop/order/answer", { code: "CO-M", accept: false, reason: "满产" }));
    // JX03 holds 100 offered pairs: of the 2 partners, one is left
    const two = await put(boss1, "/api/v1/coop/order/parts", parts(["JX01", 100], ["JX04", 100]));
    assert.equal(two.status, 400, two.text);
    assert.match(two.json.error.message, /2 partners with the 1 already offered or accepted, over the order's max_partners of 2 \(room for 1 more\)/);
    const one = await ok(put(boss1, "/api/v1/coop/order/parts", parts(["JX04", 200])));
    assert.deepEqual(Object.fromEntries(one.parts.map((x) => [x.enterprise, x.status])), { JX02: "declined", JX03: "offered", JX04: "proposed" });
    await ok(post(boss1, "/api/v1/coop/order/cancel", { code: "CO-M" }));
    await ok(put(bossX, "/api/v1/cluster/share", { enterprise: "JX04", capacity: false, catalogue: false, cases: false }));
  });

  it("licenses a design and records the royalty of each production order", async () => {
    const design = { enterprise: "JX02", code: "D-SKI", name: "雪山滑雪手套", category: "ski", family: "sewn", terms: "cluster", fee_kind: "per_dozen", fee: "1.20", body: { description: "防水透气", sizes: "7,8,9", materials: "涤纶", ops: [{ code: "S01", name: "合缝", smv_c: 3000 }] } };
    for (const [body, re] of [
      [{ ...design, terms: "open" }, /terms/],
      [{ ...design, fee: "" }, /fee/],
      [{ ...design, body: { sizes: "" } }, /sizes/],
    ]) {
      const r = await post(boss2, "/api/v1/designs", body);
      assert.equal(r.status, 400, r.text);
      assert.match(r.json.error.message, re);
    }
    const d = await ok(post(boss2, "/api/v1/designs", design), 201);
    const priv = await ok(post(boss2, "/api/v1/designs", { ...design, code: "D-PRIV", terms: "private" }), 201);
    await ok(post(boss3, "/api/v1/designs", { ...design, enterprise: "JX03", code: "D-PUB", name: "公开劳保款", terms: "public", fee_kind: "none" }), 201);
    const png = Buffer.from("89504e470d0a1a0a0000000d4948445200000001000000010806000000", "hex");
    const f = await api(daemon.url, boss2, "POST", `/api/v1/designs/files?design=${d.id}&kind=image&name=ski.png`, png, { "Content-Type": "image/png" });
    assert.equal(f.status, 201, f.text);
    const notPdf = await api(daemon.url, boss2, "POST", `/api/v1/designs/files?design=${d.id}&kind=techpack&name=x.pdf`, "hello", { "Content-Type": "application/pdf" });
    assert.equal(notPdf.status, 415);
    const pdf = Buffer.from("%PDF-1.4\n%tech pack of D-SKI\n");
    const tp = await api(daemon.url, boss2, "POST", `/api/v1/designs/files?design=${d.id}&kind=techpack&name=d-ski.pdf`, pdf, { "Content-Type": "application/pdf" });
    assert.equal(tp.status, 201, tp.text);
    assert.equal(tp.json.no, 2);
    const pdfAsImage = await api(daemon.url, boss2, "POST", `/api/v1/designs/files?design=${d.id}&kind=image&name=x.png`, pdf, { "Content-Type": "application/pdf" });
    assert.equal(pdfAsImage.status, 400, pdfAsImage.text);
    assert.match(pdfAsImage.json.error.message, /an image is a PNG, JPEG or WebP/);
    const webp = Buffer.concat([Buffer.from("RIFF"), Buffer.from([4, 0, 0, 0]), Buffer.from("WEBPVP8 ")]);
    const wf = await api(daemon.url, boss2, "POST", `/api/v1/designs/files?design=${d.id}&kind=image&name=ski.webp`, webp, { "Content-Type": "image/webp" });
    assert.equal(wf.status, 201, wf.text);
    assert.equal(wf.json.mime, "image/webp");
    // the tech pack of a licensable design: the owner and the association, no one else yet
    assert.equal((await get(boss2, `/api/v1/designs/file?design=${d.id}&no=2`)).status, 200);
    assert.equal((await get(assoc, `/api/v1/designs/file?design=${d.id}&no=2`)).status, 200);
    const noLicence = await get(boss1, `/api/v1/designs/file?design=${d.id}&no=2`);
    assert.equal(noLicence.status, 403, noLicence.text);
    assert.match(noLicence.json.error.message, /tech pack of design D-SKI/);
    const seen = await ok(get(boss1, "/api/v1/designs"));
    const codes = seen.items.map((x) => x.code).sort();
    assert.deepEqual(codes, ["D-PUB", "D-SKI"], "a private design stays private");
    assert.equal((await get(boss1, `/api/v1/designs/file?design=${priv.id}&no=1`)).status, 404);
    const img = await get(boss1, `/api/v1/designs/file?design=${d.id}&no=1`);
    assert.equal(img.status, 200);

    // no licence yet: adopting is refused; request, grant, adopt
    assert.equal((await post(boss1, "/api/v1/designs/adopt", { design: d.id })).status, 403);
    const req = await ok(post(boss1, "/api/v1/designs/licences", { design: d.id, note: "用于协作订单" }), 201);
    assert.equal(req.status, "requested");
    assert.equal((await post(boss1, "/api/v1/designs/licences", { design: d.id })).status, 409);
    assert.equal((await put(boss1, "/api/v1/designs/licences", { id: req.id, status: "granted" })).status, 404, "only the owner grants");
    const g = await ok(put(boss2, "/api/v1/designs/licences", { id: req.id, status: "granted" }));
    assert.equal(g.status, "granted");
    assert.equal((await get(boss1, `/api/v1/designs/file?design=${d.id}&no=2`)).status, 200, "a licensee gets the tech pack");
    assert.equal((await get(boss3, `/api/v1/designs/file?design=${d.id}&no=2`)).status, 403);
    const st = await ok(post(boss1, "/api/v1/designs/adopt", { design: d.id, style: "D-SKI-JX" }), 201);
    assert.equal(st.sizes, "7,8,9");
    // a production order of 1200 pairs: 100 dozen x 1.20 = 120.00 due
    await ok(post(boss1, "/api/v1/orders", { enterprise: "JX01", code: "O-D1", buyer: "b", style: "D-SKI-JX", due: dayOf(Date.now() + 20 * DAY), lines: [{ size: "8", qty: 1200 }] }), 201);
    const owner = await ok(get(boss2, "/api/v1/designs/royalties?as=owner"));
    assert.equal(owner.total_fen, 12000);
    assert.equal(owner.items[0].user, "JX01");
    const user = await ok(get(boss1, "/api/v1/designs/royalties?as=user"));
    assert.equal(user.total_fen, 12000);
    const x = await get(boss2, "/api/v1/designs/royalties?as=owner&format=csv&lang=en");
    assert.match(x.text, /D-SKI,JX02,JX01,O-D1,1200,120\.00/);
    // revoked: the next order of the style is refused
    await ok(put(boss2, "/api/v1/designs/licences", { id: req.id, status: "revoked" }));
    assert.equal((await get(boss1, `/api/v1/designs/file?design=${d.id}&no=2`)).status, 403, "revoked: no tech pack");
    const refused = await post(boss1, "/api/v1/orders", { enterprise: "JX01", code: "O-D2", buyer: "b", style: "D-SKI-JX", due: dayOf(Date.now() + 20 * DAY), lines: [{ size: "8", qty: 12 }] });
    assert.equal(refused.status, 403, refused.text);
    assert.match(refused.json.error.message, new RegExp(`design D-SKI of JX02, whose licence ${req.id} is revoked`));
    // a public design is adopted without a licence and earns nothing
    const pub = seen.items.find((y) => y.code === "D-PUB");
    await ok(post(boss1, "/api/v1/designs/adopt", { design: pub.id }), 201);
    assert.equal((await post(boss1, "/api/v1/designs/licences", { design: pub.id })).status, 409);
  });

  it("routes a buyer's enquiry to the able firms, which answer", async () => {
    const bad = await post(null, "/api/v1/public/enquiries", { buyer: "B", contact: "x@y", product: "滑雪手套", pairs: 0, due: dayOf(Date.now() + 30 * DAY) });
    assert.equal(bad.status, 400);
    const e = await ok(post(null, "/api/v1/public/enquiries", { buyer: "Nordic Ski AB", contact: "buy@nordic.example", product: "ski glove, waterproof", family: "sewn", pairs: 20000, due: dayOf(Date.now() + 60 * DAY) }), 201);
    // routed to the firms that sew, share, and have free pairs by the due
    // week (weeks 0-8) for at least 20000 / 8 = 2500: JX01 and JX02. JX03's
    // 9 x 528 = 4752 are mostly taken by its CO-1 part (3168 pairs, 12
    // made); JX04 does not share, PY01 knits.
    assert.equal(e.routed, 2);
    assert.equal((await get(boss3, "/api/v1/enquiries")).json.items.length, 0, "JX03 has no room for its share");
    // a smaller enquiry (1000 pairs: a share of 125) reaches JX03 too
    const small = await ok(post(null, "/api/v1/public/enquiries", { buyer: "Small AB", contact: "s@nordic.example", product: "ski glove", family: "sewn", pairs: 1000, due: dayOf(Date.now() + 60 * DAY) }), 201);
    assert.equal(small.routed, 3);
    // one no firm can make by its due day reaches none
    const rush = await ok(post(null, "/api/v1/public/enquiries", { buyer: "Rush AB", contact: "r@nordic.example", product: "ski glove", family: "sewn", pairs: 60000, due: dayOf(Date.now() + 10 * DAY) }), 201);
    assert.equal(rush.routed, 0);
    const inbox = await ok(get(boss2, "/api/v1/enquiries"));
    assert.equal(inbox.items.find((x) => x.ref === e.ref)?.status, "new");
    assert.equal((await get(bossX, "/api/v1/enquiries")).json.items.length, 0);
    assert.equal((await put(boss2, "/api/v1/enquiries", { ref: e.ref, status: "quoted" })).status, 400, "a quote has a price");
    await ok(put(boss2, "/api/v1/enquiries", { ref: e.ref, status: "quoted", price: "31.50", answer: "可在 6 周内交货" }));
    assert.equal((await put(bossX, "/api/v1/enquiries", { ref: e.ref, status: "quoted", price: "1.00" })).status, 404);
    const ans = await ok(get(null, `/api/v1/public/enquiry?ref=${e.ref}&token=${e.token}`));
    assert.equal(ans.answers.length, 1);
    assert.equal(ans.answers[0].enterprise, "JX02");
    assert.equal(ans.answers[0].price_yuan_per_dozen, "31.50");
    assert.equal((await get(null, `/api/v1/public/enquiry?ref=${e.ref}&token=eq_wrong`)).status, 404);
  });

  it("keeps every cooperative, design and enquiry action in the audit log", async () => {
    const log = await ok(get(cadmin, "/api/v1/cluster/audit-log?limit=500"));
    const actions = new Set(log.items.map((x) => x.action));
    for (const a of ["coop.profile", "coop.post", "coop.propose", "coop.adjust", "coop.offer", "coop.accept", "coop.decline", "coop.ship", "coop.cancel", "design.add", "design.file", "design.licence.request", "design.licence.decide", "design.adopt", "enquiry.add", "enquiry.answer"])
      assert.ok(actions.has(a), `${a} in the audit log`);
    // the cockpit counts the open cooperative orders: CO-1 and CO-BIG (CO-Q and CO-P are cancelled)
    const ck = await ok(get(cadmin, "/api/v1/cockpit"));
    assert.equal(ck.cooperation.open_orders, 2);
    assert.equal(ck.cooperation.open_pairs, 10000 + 1000000);
  });
  it("measures a sewing firm's efficiency from its operation scans", async () => {
    // JX03's worker W301 sews a bundle of 12 pairs (S01, 30.00 min) on each
    // of five past working days: 60 x 30 = 1800 standard minutes earned in
    // 5 x 8 h = 2400 minutes attended = 750 per mille, measured; 10
    // operators x 2880 min x 0.75 / 30 = 720 pairs a week (declared 550: 528)
    await ok(post(boss3, "/api/v1/cuts", { enterprise: "JX03", order: "CO-1", bundle_size: 12, lines: [{ size: "8", plies: 1, pairs_per_ply: 60 }] }), 201);
    const bl = await ok(get(boss3, "/api/v1/bundles?enterprise=JX03&order=CO-1"));
    const fresh = bl.bundles.filter((b) => b.ops[0].done === undefined || b.ops[0].done === null).slice(0, 5);
    assert.equal(fresh.length, 5, JSON.stringify(bl.bundles.map((b) => b.ops[0])));
    const days = [];
    for (let back = 1; days.length < 5; back++) {
      const t = Date.now() - back * DAY;
      const wd = new Intl.DateTimeFormat("en-US", { timeZone: "Asia/Shanghai", weekday: "short" }).format(new Date(t));
      if (wd !== "Sun") days.push(dayOf(t));
    }
    for (let i = 0; i < 5; i++) {
      const ts = Date.parse(`${days[i]}T10:00:00+08:00`);
      await ok(post(w3, "/api/v1/scans", [{ code: fresh[i].ops[0].code, scan_id: `m-${i}`, ts }]));
    }
    const cap = (await ok(get(boss3, "/api/v1/coop/profile"))).capacity.find((c) => c.family === "sewn");
    assert.equal(cap.measured, true);
    assert.equal(cap.rate_pm, 750);
    assert.equal(cap.smv_from, "profile");
    assert.equal(cap.weeks[11].free, Math.floor((10 * WEEK_MIN * 0.75) / 30));
    assert.equal(cap.weeks[11].free, 720);
    // JX02 scanned nothing: its declared 550
    const c2 = (await ok(get(boss2, "/api/v1/coop/profile"))).capacity.find((c) => c.family === "sewn");
    assert.equal(c2.measured, false);
    assert.equal(c2.rate_pm, 550);
  });
});
