// SPDX-License-Identifier: Apache-2.0
// Integration: `gloved demo`'s seed of issue 13 (firms working together),
// as a new user finds it: the audit log holds the cooperative order's
// history (posted, proposed, offered, accepted) and the capability
// profiles, shares, town pages, designs, their files and the licence that
// the seed made; every brand-licensed firm on the public portal has a
// public catalogue with pictures (valid PNGs) and the designs have a tech
// pack PDF; and each partner whose part is still offered can accept it as
// the dashboard does (its firm has the order's style). The demo runs
// without MQTT on a free port with its database in a temporary folder.
//
// Run: GLOVED_BIN=build/gloved GLOVED_SOURCE_DIR=$PWD node --test tests/integration/demo.test.mjs

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { DEMO_PASSWORD as PASSWORD, startDemo } from "../lib/demo.mjs";
import { api, login } from "../lib/harness.mjs";

const PNG_SIG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe("the demo's cooperative order, design library and portal (issue 13)", { timeout: 240000 }, () => {
  let demo, url;

  before(async () => {
    demo = await startDemo();
    url = demo.url;
  });

  after(() => demo?.stop());

  it("the audit log holds the cooperative order's actions and the seeded profiles, designs, licence and town pages", async () => {
    const admin = await login(url, "admin", PASSWORD);
    const r = await api(url, admin, "GET", "/api/v1/cluster/audit-log?limit=1000");
    assert.equal(r.status, 200, r.text);
    const items = r.json.items;
    const has = (action, pred = () => true) => items.filter((e) => e.action === action && pred(e));
    const co = (e) => e.target === "CO-2026-01";
    for (const a of ["coop.post", "coop.propose", "coop.offer"]) {
      const v = has(a, co);
      assert.equal(v.length, 1, `one ${a} of CO-2026-01`);
      assert.equal(v[0].enterprise, "JX01");
      assert.equal(v[0].actor, "jx01");
    }
    assert.match(has("coop.post", co)[0].after, /^220000 pairs$/);
    const accepts = has("coop.accept", co);
    assert.deepEqual(accepts.map((e) => e.enterprise).sort(), ["JX02", "JX03"]);
    for (const e of accepts) assert.equal(e.actor, e.enterprise.toLowerCase(), "a partner's admin login accepts");
    // the order of events: posted, then proposed, offered, accepted
    const id = (a) => has(a, co)[0].id;
    assert.ok(id("coop.post") < id("coop.propose") && id("coop.propose") < id("coop.offer"));
    assert.ok(accepts.every((e) => e.id > id("coop.offer")));
    for (const f of ["JX01", "JX02", "JX03", "JX04", "PY01", "GM01"]) {
      assert.equal(has("coop.profile", (e) => e.enterprise === f).length, 1, `${f}'s profile`);
      assert.equal(has("share.update", (e) => e.enterprise === f).length >= 1, true, `${f}'s share`);
    }
    assert.deepEqual(has("town.page").map((e) => e.target).sort(), ["嘉祥", "平邑", "高密"].sort());
    for (const d of ["D-SKI-01", "D-WORK-01", "D-JX-SKI-02", "D-JX-CYC-01"]) {
      assert.equal(has("design.add", (e) => e.target === d).length, 1, `${d} added`);
      assert.equal(has("design.file", (e) => e.target === d).length, 2, `${d}'s picture and tech pack`);
    }
    assert.equal(has("design.licence.request", (e) => e.target === "D-SKI-01" && e.enterprise === "JX01").length, 1);
    assert.equal(has("design.licence.decide", (e) => e.target === "D-SKI-01" && e.after === "granted").length, 1);
  });

  it("every brand-licensed firm on the portal has a public catalogue with pictures, and the designs a tech pack", async () => {
    const home = await (await fetch(url + "/portal")).text();
    const licensed = home.slice(home.indexOf('id="licensed"'));
    const firms = [...new Set([...licensed.slice(0, licensed.indexOf("</div>\n")).matchAll(/firm\?code=([A-Z0-9]+)/g)].map((m) => m[1]))];
    assert.ok(firms.includes("JX01"), `the licensed firms: ${firms}`);
    for (const f of firms) {
      const page = await (await fetch(`${url}/portal/firm?code=${f}`)).text();
      assert.doesNotMatch(page, /暂无公开款式/, `${f} has public styles`);
      const imgs = [...page.matchAll(/src="(\/portal\/design-file\?[^"]+)"/g)].map((m) => m[1].replaceAll("&amp;", "&"));
      assert.ok(imgs.length >= 1, `${f}'s catalogue shows pictures`);
      for (const src of imgs) {
        const r = await fetch(url + src);
        assert.equal(r.status, 200, src);
        assert.equal(r.headers.get("content-type"), "image/png");
        const b = Buffer.from(await r.arrayBuffer());
        assert.deepEqual(b.subarray(0, 8), PNG_SIG);
        assert.equal(b.subarray(12, 16).toString(), "IHDR");
        assert.equal(b.subarray(b.length - 8, b.length - 4).toString(), "IEND");
      }
    }
    const jx01 = await login(url, "jx01", PASSWORD);
    const ds = await api(url, jx01, "GET", "/api/v1/designs");
    assert.equal(ds.status, 200, ds.text);
    const mine = ds.json.items.filter((d) => d.owner === "JX01" && d.terms === "public");
    assert.ok(mine.length >= 2, "JX01 publishes designs");
    for (const d of ds.json.items) {
      const tp = d.files.find((f) => f.kind === "techpack");
      assert.ok(tp, `${d.code} has a tech pack`);
      assert.ok(d.files.some((f) => f.kind === "image" && f.mime === "image/png"), `${d.code} has a picture`);
      const r = await fetch(`${url}/api/v1/designs/file?design=${d.id}&no=${tp.no}`, { headers: { Authorization: `Bearer ${jx01}` } });
      assert.equal(r.status, 200);
      assert.equal(r.headers.get("content-type"), "application/pdf");
      const b = Buffer.from(await r.arrayBuffer());
      assert.equal(b.subarray(0, 5).toString(), "%PDF-");
      assert.equal(b.length, tp.size);
    }
  });

  it("each partner whose part is offered accepts it as the dashboard does, with the order's style", async () => {
    const lead = await login(url, "jx01", PASSWORD);
    const o = await api(url, lead, "GET", "/api/v1/coop/order?code=CO-2026-01");
    assert.equal(o.status, 200, o.text);
    assert.equal(o.json.style, "CO-SKI");
    const offered = o.json.parts.filter((p) => p.status === "offered").map((p) => p.enterprise);
    assert.ok(offered.length >= 1, "some parts are left for the user to answer");
    for (const firm of offered) {
      const t = await login(url, firm.toLowerCase(), PASSWORD);
      // the dashboard's style choice defaults to the order's style: the firm has it
      const st = await api(url, t, "GET", `/api/v1/styles?enterprise=${firm}`);
      assert.equal(st.status, 200, st.text);
      assert.ok(st.json.styles.some((s) => s.code === "CO-SKI"), `${firm} has style CO-SKI`);
      const a = await api(url, t, "POST", "/api/v1/coop/order/answer", { code: "CO-2026-01", enterprise: firm, accept: true, style: "CO-SKI" });
      assert.equal(a.status, 200, `${firm}: ${a.text}`);
      assert.equal(a.json.parts.find((p) => p.enterprise === firm).status, "accepted");
    }
    const done = await api(url, lead, "GET", "/api/v1/coop/order?code=CO-2026-01");
    assert.ok(done.json.parts.every((p) => p.status === "accepted"), JSON.stringify(done.json.parts.map((p) => [p.enterprise, p.status])));
    assert.equal(done.json.status, "placed");
    const admin = await login(url, "admin", PASSWORD);
    const log = await api(url, admin, "GET", "/api/v1/cluster/audit-log?limit=1000");
    const acc = log.json.items.filter((e) => e.action === "coop.accept" && e.target === "CO-2026-01").map((e) => e.enterprise);
    assert.deepEqual(acc.sort(), o.json.parts.map((p) => p.enterprise).sort());
  });
});
