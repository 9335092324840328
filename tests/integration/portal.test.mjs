// SPDX-License-Identifier: Apache-2.0
// Integration: the public portal (issue 13) fetched with curl, as a client
// without JavaScript would: the cluster's home, a town's page, a listed
// firm with its public catalogue, the design library, label verification,
// the enquiry form posted as a plain HTML form and its answers page,
// sitemap.xml and robots.txt; zh-CN by default and English with ?lang=en.
// Nothing a firm did not share appears (a firm that does not share its
// catalogue, a private design, a case of a firm that keeps its cases, any
// price, order or worker), and the portal is rate-limited per address.
//
// Run: GLOVED_BIN=build/gloved GLOVED_SOURCE_DIR=$PWD node --test tests/integration/portal.test.mjs

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { after, before, describe, it } from "node:test";
import { api, login, startDaemon } from "../lib/harness.mjs";
import { stopAll } from "../lib/integration.mjs";

const PASSWORD = "portal-test-pass-1";
const DAY = 86400000;
const dayOf = (ms) => new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(new Date(ms));

// One request with curl: {status, body, headers}.
function curl(url, args = []) {
  const r = spawnSync("curl", ["-sS", "-i", "--max-time", "20", ...args, url], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  const cut = r.stdout.indexOf("\r\n\r\n");
  const head = r.stdout.slice(0, cut);
  const status = Number(head.split(" ")[1]);
  const headers = Object.fromEntries(
    head
      .split("\r\n")
      .slice(1)
      .map((l) => [l.slice(0, l.indexOf(":")).toLowerCase(), l.slice(l.indexOf(":") + 1).trim()]),
  );
  return { status, body: r.stdout.slice(cut + 4), headers };
}

// Secrets the portal must never show.
const SECRETS = ["隐秘四号厂", "SECRET-PRIVATE-DESIGN", "保密案例", "欧洲滑雪品牌", "S01-SECRET-WORKER", "3000"];

describe("the public portal without JavaScript", { timeout: 240000 }, () => {
  let daemon, limited, assoc, boss1, boss4;
  const ok = async (r, status = 200) => {
    const x = await r;
    assert.equal(x.status, status, x.text);
    return x.json;
  };

  before(async () => {
    const setup = (a) => {
      a("enterprise", "add", "--code", "JX01", "--name", "嘉祥一号手套厂", "--town", "嘉祥");
      a("enterprise", "add", "--code", "JX04", "--name", "隐秘四号厂", "--town", "嘉祥");
      a("enterprise", "add", "--code", "PY01", "--name", "平邑织造厂", "--town", "平邑");
      a("user", "add", "--username", "assoc", "--role", "association", "--password", PASSWORD);
      a("user", "add", "--username", "boss1", "--role", "enterprise_admin", "--enterprise", "JX01", "--password", PASSWORD);
      a("user", "add", "--username", "boss4", "--role", "enterprise_admin", "--enterprise", "JX04", "--password", PASSWORD);
      a("user", "add", "--username", "bosspy", "--role", "enterprise_admin", "--enterprise", "PY01", "--password", PASSWORD);
    };
    daemon = await startDaemon({ extraArgs: ["--timezone", "Asia/Shanghai", "--public-rate", "1000"], setup });
    limited = await startDaemon({ extraArgs: ["--public-rate", "5"], setup });
    [assoc, boss1, boss4] = await Promise.all(["assoc", "boss1", "boss4"].map((u) => login(daemon.url, u, PASSWORD)));
    const bossPY = await login(daemon.url, "bosspy", PASSWORD);
    const put = (t, p, b) => api(daemon.url, t, "PUT", p, b);
    const post = (t, p, b) => api(daemon.url, t, "POST", p, b);
    await ok(put(boss1, "/api/v1/cluster/share", { enterprise: "JX01", capacity: true, catalogue: true, cases: true }));
    await ok(put(bossPY, "/api/v1/cluster/share", { enterprise: "PY01", capacity: true, catalogue: true, cases: true }));
    await ok(put(boss4, "/api/v1/cluster/share", { enterprise: "JX04", capacity: false, catalogue: false, cases: false }));
    await ok(put(boss1, "/api/v1/coop/profile", { enterprise: "JX01", families: ["sewn"], certifications: ["EN388"], operators: 30, price_fen: 3000 }));
    await ok(put(bossPY, "/api/v1/coop/profile", { enterprise: "PY01", families: ["knitted"], gauges: [13] }));
    await ok(put(boss4, "/api/v1/coop/profile", { enterprise: "JX04", families: ["sewn"], operators: 50 }));
    await ok(post(assoc, "/api/v1/brand/licences", { enterprise: "JX01", action: "grant", reason: "首批", conditions: { audits_passed: 0, last_lots: 0, min_accept_pct: 0 } }));
    const body = { description: "防水透气滑雪手套", sizes: "7,8,9", materials: "涤纶" };
    const pub = await ok(post(boss1, "/api/v1/designs", { enterprise: "JX01", code: "D-PUB", name: "雪山公开款", category: "ski", family: "sewn", terms: "public", body }), 201);
    await ok(post(boss1, "/api/v1/designs", { enterprise: "JX01", code: "D-PRIV", name: "SECRET-PRIVATE-DESIGN", category: "ski", family: "sewn", terms: "private", body }), 201);
    const png = Buffer.from("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489", "hex");
    assert.equal((await api(daemon.url, boss1, "POST", `/api/v1/designs/files?design=${pub.id}&kind=image&name=a.png`, png, { "Content-Type": "image/png" })).status, 201);
    await ok(put(assoc, "/api/v1/portal/towns", { town: "嘉祥", intro_zh: "中国手套之乡，滑雪手套出口基地。", intro_en: "China's glove town, a base of ski glove exports.", products_zh: "滑雪手套、运动手套", products_en: "ski and sports gloves" }));
    await ok(post(assoc, "/api/v1/programme", { kind: "event", line: "promotion", year: 2026, title: "手套产业集群推介会", body: { place: "嘉祥", date: "2026-09-18" } }), 201);
    await ok(post(assoc, "/api/v1/programme", { kind: "case", line: "smart_cluster", year: 2026, title: "平邑织造厂联网提效", body: { firm: "PY01", summary: "织机联网，停机原因上墙。" } }), 201);
    await ok(post(assoc, "/api/v1/programme", { kind: "case", line: "smart_cluster", year: 2026, title: "保密案例", body: { firm: "JX04", summary: "x" } }), 201);
    // a cooperative order with a buyer and a price: never on the portal
    await ok(post(boss1, "/api/v1/coop/orders", { code: "CO-9", buyer: "欧洲滑雪品牌", need: { family: "sewn" }, pairs: 3000, due: dayOf(Date.now() + 30 * DAY), price_fen: 3000 }), 201);
  });

  after(async () => stopAll(daemon, limited));

  const noSecrets = (text, what) => {
    for (const s of SECRETS) assert.ok(!text.includes(s), `${what} shows '${s}'`);
  };

  it("shows the cluster, its towns, licensed firms and news, in zh-CN and English", () => {
    const r = curl(`${daemon.url}/portal`);
    assert.equal(r.status, 200);
    assert.match(r.headers["content-type"], /text\/html/);
    assert.match(r.body, /<html lang="zh-CN">/);
    assert.match(r.body, /嘉祥/);
    assert.match(r.body, /平邑/);
    assert.match(r.body, /<div id="licensed">.*嘉祥一号手套厂/s);
    assert.match(r.body, /手套产业集群推介会/);
    assert.match(r.body, /平邑织造厂联网提效/);
    assert.doesNotMatch(r.body, /<script/i, "no JavaScript");
    assert.doesNotMatch(r.body, /https?:\/\/(?!www\.sitemaps)/, "nothing from another host");
    noSecrets(r.body, "/portal");
    const en = curl(`${daemon.url}/portal?lang=en`);
    assert.match(en.body, /<html lang="en">/);
    assert.match(en.body, /Brand-licensed firms/);
    // one listed firm in each town: singular in English
    assert.match(en.body, /<div class="muted">1 firm<\/div>/);
    assert.doesNotMatch(en.body, /\b1 firms\b/);
  });

  it("shows a town's page with its firms, and a listed firm with its public catalogue", () => {
    const t = curl(`${daemon.url}/portal/town?name=${encodeURIComponent("嘉祥")}`);
    assert.equal(t.status, 200);
    assert.match(t.body, /中国手套之乡/);
    assert.match(t.body, /滑雪手套、运动手套/);
    assert.match(t.body, /嘉祥一号手套厂/);
    noSecrets(t.body, "the town page");
    const te = curl(`${daemon.url}/portal/town?name=${encodeURIComponent("嘉祥")}&lang=en`);
    assert.match(te.body, /China&#39;s glove town/);
    const f = curl(`${daemon.url}/portal/firm?code=JX01`);
    assert.equal(f.status, 200);
    assert.match(f.body, /雪山公开款/);
    assert.match(f.body, /EN388/);
    assert.match(f.body, /有效/);
    noSecrets(f.body, "the firm page");
    assert.equal(curl(`${daemon.url}/portal/firm?code=JX04`).status, 404, "a firm that does not share its catalogue");
    assert.equal(curl(`${daemon.url}/portal/town?name=nowhere`).status, 404);
    const d = curl(`${daemon.url}/portal/designs`);
    assert.match(d.body, /雪山公开款/);
    noSecrets(d.body, "the design library");
    const img = d.body.match(/src="(\/portal\/design-file\?design=\d+&amp;no=1)"/);
    assert.ok(img, "the public design's image");
    const i = curl(daemon.url + img[1].replace("&amp;", "&"));
    assert.equal(i.status, 200);
    assert.equal(i.headers["content-type"], "image/png");
  });

  it("takes a buyer's enquiry from a plain form and shows the answers", async () => {
    const form = curl(`${daemon.url}/portal/enquiry`);
    assert.match(form.body, /<form method="post" action="\/portal\/enquiry">/);
    const bad = curl(`${daemon.url}/portal/enquiry`, ["--data-urlencode", "buyer=A", "--data-urlencode", "contact=a@b", "--data-urlencode", "product=x", "--data-urlencode", "pairs=0", "--data-urlencode", "due=2030-01-01"]);
    assert.equal(bad.status, 400);
    assert.match(bad.body, /id="error"/);
    assert.match(bad.body, /value="a@b"/, "the form keeps what was typed");
    const sent = curl(`${daemon.url}/portal/enquiry`, [
      "--data-urlencode",
      "buyer=Nordic Ski AB",
      "--data-urlencode",
      "contact=buy@nordic.example",
      "--data-urlencode",
      "product=防水滑雪手套 <b>",
      "--data-urlencode",
      "family=sewn",
      "--data-urlencode",
      "pairs=20000",
      "--data-urlencode",
      `due=${dayOf(Date.now() + 60 * DAY)}`,
    ]);
    assert.equal(sent.status, 201, sent.body);
    const ref = sent.body.match(/data-ref="(Q[A-Z0-9]+)"/)[1];
    assert.match(sent.body, /routed to|已转给 1 家企业/);
    const link = sent.body.match(/href="(\/portal\/enquiry\/status\?[^"]+)"/)[1].replaceAll("&amp;", "&");
    const inbox = await ok(api(daemon.url, boss1, "GET", "/api/v1/enquiries"));
    assert.equal(inbox.items[0].ref, ref);
    assert.equal(inbox.items[0].product, "防水滑雪手套 <b>");
    assert.equal((await ok(api(daemon.url, boss4, "GET", "/api/v1/enquiries"))).items.length, 0, "JX04 shares nothing");
    await ok(api(daemon.url, boss1, "PUT", "/api/v1/enquiries", { ref, status: "quoted", price: "33.00", answer: "六周交货" }));
    const st = curl(daemon.url + link);
    assert.equal(st.status, 200);
    assert.match(st.body, /33\.00/);
    assert.match(st.body, /防水滑雪手套 &lt;b&gt;/, "escaped");
    assert.equal(curl(`${daemon.url}/portal/enquiry/status?ref=${ref}&token=eq_x`).status, 404);
  });

  it("sends a pasted label link to its verification page", () => {
    const r = curl(`${daemon.url}/portal/verify?label=${encodeURIComponent("https://x.example/v/ABC123?p=cA&s=cw")}`);
    assert.equal(r.status, 303);
    assert.equal(r.headers.location, "/v/ABC123?p=cA&s=cw");
    const s = curl(`${daemon.url}/portal/verify?label=ABC123&lang=en`);
    assert.equal(s.headers.location, "/v/ABC123?lang=en");
    const bad = curl(`${daemon.url}/portal/verify?label=${encodeURIComponent("<script>")}`);
    assert.equal(bad.status, 200);
    assert.match(bad.body, /class="err"/);
  });

  it("lists its pages in sitemap.xml and robots.txt", () => {
    const s = curl(`${daemon.url}/sitemap.xml`);
    assert.equal(s.status, 200);
    assert.match(s.headers["content-type"], /xml/);
    assert.match(s.body, /<urlset/);
    assert.match(s.body, /\/portal\/firm\?code=JX01/);
    assert.match(s.body, /\/portal\/town\?name=%E5%98%89%E7%A5%A5/);
    assert.doesNotMatch(s.body, /JX04/);
    const r = curl(`${daemon.url}/robots.txt`);
    assert.match(r.body, /Sitemap: .*\/sitemap\.xml/);
    assert.match(r.body, /Disallow: \/api\//);
  });

  it("is rate-limited per address", () => {
    const codes = [];
    for (let i = 0; i < 7; i++) codes.push(curl(`${limited.url}/portal`).status);
    assert.deepEqual(codes.slice(0, 5), [200, 200, 200, 200, 200]);
    assert.equal(codes[6], 429);
    const r = curl(`${limited.url}/portal`);
    assert.equal(r.status, 429);
    assert.match(r.headers["content-type"], /json/);
    assert.match(r.headers["retry-after"] ?? "", /^\d+$/, "a 429 says when to come back");
    const wait = Number(r.headers["retry-after"]);
    assert.ok(wait >= 1 && wait <= 60, `Retry-After ${wait}`);
    assert.match(r.body, new RegExp(`try again in ${wait} s`));
  });
});
