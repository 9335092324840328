// SPDX-License-Identifier: Apache-2.0
// Integration: authentication, roles and tenancy of the REST API, and
// registering firms, workshops, machines, gateway tokens and users through
// it (and through `gloved admin` while the daemon runs).
//
// Run: GLOVED_BIN=build/gloved GLOVED_SOURCE_DIR=$PWD node --test tests/integration/api_auth.test.mjs

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { api, login, startBroker, startDaemon } from "../lib/harness.mjs";
import { HOUR, machines, noonZone, output, postOk, stopAll } from "../lib/integration.mjs";

const A = "PY01";
const B = "GM01";
const PW = {
  root: "root-pass-0001",
  adminA: "admin-a-pass-01",
  adminB: "admin-b-pass-01",
  supA: "sup-a-pass-0001",
  bureau: "bureau-pass-001",
  locky: "locky-pass-0001",
};

// 32-bit FNV-1a, the kind of hash a fixed table of login-failure slots uses.
function fnv1a(s) {
  let h = 0x811c9dc5;
  for (const c of Buffer.from(s)) h = Math.imul(h ^ c, 0x01000193) >>> 0;
  return h;
}

// Two user names with the same 32-bit FNV-1a hash (birthday search): they
// share a slot in any table of login failures keyed by that hash, whatever
// its size.
function collidingNames() {
  const seen = new Map();
  for (let i = 0; ; i++) {
    const name = "u" + i.toString(36);
    const h = fnv1a(name);
    const other = seen.get(h);
    if (other !== undefined) return [other, name];
    seen.set(h, name);
  }
}

describe("API authentication and tenancy", { timeout: 300000 }, () => {
  const zone = noonZone();
  const now = Date.now();
  const t0 = now - HOUR;
  const dayQuery = { from: zone.dayStart(now), to: zone.dayStart(now) + 24 * HOUR };
  const [victim, collider] = collidingNames();
  let broker, daemon, gwA, gwB;
  const tok = {};

  before(async () => {
    broker = await startBroker();
    daemon = await startDaemon({
      mqttPort: broker.port,
      extraArgs: ["--timezone", zone.tz, "--offline-after", "86400"],
      setup: (admin) => {
        admin("enterprise", "add", "--code", A, "--name", "平邑甲厂", "--town", "平邑");
        admin("enterprise", "add", "--code", B, "--name", "高密乙厂", "--town", "高密");
        admin("workshop", "add", "--enterprise", A, "--code", "W1", "--name", "一车间");
        admin("workshop", "add", "--enterprise", B, "--code", "WB", "--name", "乙一车间");
        admin("machine", "add", "--enterprise", A, "--workshop", "W1", "--code", "K1");
        admin("machine", "add", "--enterprise", A, "--workshop", "W1", "--code", "K2");
        admin("machine", "add", "--enterprise", B, "--workshop", "WB", "--code", "G1");
        admin("user", "add", "--username", "root", "--role", "cluster_admin", "--password", PW.root);
        admin("user", "add", "--username", "adminA", "--role", "enterprise_admin", "--enterprise", A, "--password", PW.adminA);
        admin("user", "add", "--username", "adminB", "--role", "enterprise_admin", "--enterprise", B, "--password", PW.adminB);
        admin("user", "add", "--username", "supA", "--role", "supervisor", "--enterprise", A, "--password", PW.supA);
        admin("user", "add", "--username", "bureau", "--role", "bureau", "--password", PW.bureau);
        admin("user", "add", "--username", "locky", "--role", "supervisor", "--enterprise", A, "--password", PW.locky);
        admin("user", "add", "--username", victim, "--role", "supervisor", "--enterprise", A, "--password", PW.locky);
        gwA = admin("token", "add", "--enterprise", A, "--name", "gw-a");
        gwB = admin("token", "add", "--enterprise", B, "--name", "gw-b");
      },
    });
    for (const u of ["root", "adminA", "adminB", "supA", "bureau"]) tok[u] = await login(daemon.url, u, PW[u]);
    // A made 30 + 5 pieces, B 70
    await postOk(daemon.url, gwA, [
      { machine: "K1", ts: t0, count: 0, state: "run" },
      { machine: "K1", ts: t0 + 60000, count: 30, reject: 2, state: "run" },
      { machine: "K2", ts: t0, count: 10, state: "run" },
      { machine: "K2", ts: t0 + 60000, count: 15, state: "stop", reason: "NO_YARN" },
    ]);
    await postOk(daemon.url, gwB, [
      { machine: "G1", ts: t0, count: 100, state: "run" },
      { machine: "G1", ts: t0 + 60000, count: 170, reject: 1, state: "run" },
    ]);
  });

  after(async () => {
    await stopAll(daemon, broker);
  });

  const get = (who, path) => api(daemon.url, tok[who] ?? who, "GET", path);
  const post = (who, path, body) => api(daemon.url, tok[who] ?? who, "POST", path, body);
  const errorOf = (r, status, code, what) => {
    assert.equal(r.status, status, `${what}: status (${r.text})`);
    assert.equal(r.json?.error?.code, code, `${what}: error code (${r.text})`);
    assert.equal(typeof r.json.error.message, "string", `${what}: error message`);
  };

  describe("login, sessions, logout", () => {
    it("refuses a wrong password or an unknown user with 401", async () => {
      errorOf(await post(null, "/api/v1/login", { username: "supA", password: "wrong-password" }), 401, "unauthorized", "wrong password");
      errorOf(await post(null, "/api/v1/login", { username: "nobody", password: "whatever-pass" }), 401, "unauthorized", "unknown user");
      errorOf(await post(null, "/api/v1/login", { username: "supA" }), 400, "bad_request", "no password");
      errorOf(await post(null, "/api/v1/login", "not json"), 400, "bad_request", "not JSON");
    });

    it("logs in with a token and an HttpOnly SameSite=Strict cookie", async () => {
      const r = await post(null, "/api/v1/login", { username: "supA", password: PW.supA });
      assert.equal(r.status, 200, r.text);
      assert.match(r.json.token, /^\S{20,}$/);
      assert.deepEqual(r.json.user, { username: "supA", role: "supervisor", enterprise: A });
      const cookie = r.headers.get("set-cookie");
      assert.ok(cookie, "a Set-Cookie header");
      const parts = cookie.split(";").map((s) => s.trim());
      assert.equal(parts[0], `gloved_session=${r.json.token}`, "the cookie holds the session token");
      assert.ok(parts.includes("HttpOnly"), `HttpOnly in ${cookie}`);
      assert.ok(parts.some((p) => /^SameSite=Strict$/i.test(p)), `SameSite=Strict in ${cookie}`);
      assert.ok(parts.includes("Path=/"), `Path=/ in ${cookie}`);

      const root = await post(null, "/api/v1/login", { username: "root", password: PW.root });
      assert.deepEqual(root.json.user, { username: "root", role: "cluster_admin", enterprise: null });
    });

    it("answers /api/v1/me with the cookie and with the bearer token, 401 without", async () => {
      const r = await post(null, "/api/v1/login", { username: "adminA", password: PW.adminA });
      const token = r.json.token;
      const byCookie = await api(daemon.url, null, "GET", "/api/v1/me", undefined, { Cookie: `gloved_session=${token}` });
      assert.equal(byCookie.status, 200, byCookie.text);
      assert.deepEqual(byCookie.json.user, { username: "adminA", role: "enterprise_admin", enterprise: A });
      const byBearer = await api(daemon.url, token, "GET", "/api/v1/me");
      assert.equal(byBearer.status, 200, byBearer.text);
      assert.deepEqual(byBearer.json.user, byCookie.json.user);
      errorOf(await api(daemon.url, null, "GET", "/api/v1/me"), 401, "unauthorized", "no credentials");
      errorOf(await api(daemon.url, "s_bogus", "GET", "/api/v1/me"), 401, "unauthorized", "bogus bearer");
      errorOf(
        await api(daemon.url, null, "GET", "/api/v1/me", undefined, { Cookie: "gloved_session=s_bogus" }),
        401,
        "unauthorized",
        "bogus cookie",
      );
      errorOf(await api(daemon.url, gwA, "GET", "/api/v1/me"), 401, "unauthorized", "gateway token");
    });

    it("ends exactly the session on logout", async () => {
      const s1 = await login(daemon.url, "supA", PW.supA);
      const s2 = await login(daemon.url, "supA", PW.supA);
      assert.notEqual(s1, s2, "each login is its own session");
      const r = await api(daemon.url, s1, "POST", "/api/v1/logout");
      assert.equal(r.status, 204, r.text);
      const cleared = r.headers.get("set-cookie") || "";
      assert.match(cleared, /gloved_session=;/, "logout clears the cookie");
      assert.match(cleared, /Max-Age=0/);
      errorOf(await api(daemon.url, s1, "GET", "/api/v1/me"), 401, "unauthorized", "bearer after logout");
      errorOf(
        await api(daemon.url, null, "GET", "/api/v1/me", undefined, { Cookie: `gloved_session=${s1}` }),
        401,
        "unauthorized",
        "cookie after logout",
      );
      errorOf(await api(daemon.url, s1, "GET", "/api/v1/machines"), 401, "unauthorized", "machines after logout");
      const other = await api(daemon.url, s2, "GET", "/api/v1/me");
      assert.equal(other.status, 200, "the user's other session still works");
      // logout through the cookie alone
      const s3 = await login(daemon.url, "supA", PW.supA);
      const viaCookie = await api(daemon.url, null, "POST", "/api/v1/logout", undefined, { Cookie: `gloved_session=${s3}` });
      assert.equal(viaCookie.status, 204);
      errorOf(await api(daemon.url, s3, "GET", "/api/v1/me"), 401, "unauthorized", "after cookie logout");
    });

    it("locks a user after 5 wrong passwords (429), even with the right password", async () => {
      for (let i = 0; i < 5; i++) {
        errorOf(await post(null, "/api/v1/login", { username: "locky", password: `wrong-${i}-password` }), 401, "unauthorized", `wrong #${i + 1}`);
      }
      errorOf(await post(null, "/api/v1/login", { username: "locky", password: PW.locky }), 429, "too_many_requests", "right password when locked");
      errorOf(await post(null, "/api/v1/login", { username: "locky", password: "wrong-again-pass" }), 429, "too_many_requests", "wrong password when locked");
      // other users are not locked
      const other = await post(null, "/api/v1/login", { username: "supA", password: PW.supA });
      assert.equal(other.status, 200, "another user still logs in");
    });

    it("locks a user after 5 wrong passwords even when other names are tried in between", async () => {
      // `victim` and `collider` hash alike (FNV-1a 32-bit); a failure table
      // keyed by such a hash must still keep their counts apart
      assert.notEqual(victim, collider);
      for (let i = 0; i < 3; i++) {
        errorOf(await post(null, "/api/v1/login", { username: victim, password: `wrong-${i}-password` }), 401, "unauthorized", `victim wrong #${i + 1}`);
      }
      errorOf(await post(null, "/api/v1/login", { username: collider, password: "guess-guess-1" }), 401, "unauthorized", "a try for another name");
      for (let i = 3; i < 5; i++) {
        errorOf(await post(null, "/api/v1/login", { username: victim, password: `wrong-${i}-password` }), 401, "unauthorized", `victim wrong #${i + 1}`);
      }
      const r = await post(null, "/api/v1/login", { username: victim, password: PW.locky });
      errorOf(r, 429, "too_many_requests", `user '${victim}' after 5 wrong passwords with a try for '${collider}' in between`);
    });
  });

  describe("tenancy", () => {
    const codes = (list) => list.map((x) => x.code).sort();

    it("shows a firm admin only its own firm", async () => {
      for (const who of ["adminA", "supA"]) {
        const ents = await get(who, "/api/v1/enterprises");
        assert.equal(ents.status, 200);
        assert.deepEqual(codes(ents.json.enterprises), [A], `${who}: enterprises`);
        const ms = await get(who, "/api/v1/machines");
        assert.equal(ms.status, 200);
        assert.deepEqual(ms.json.machines.map((m) => `${m.enterprise}/${m.code}`).sort(), [`${A}/K1`, `${A}/K2`], `${who}: machines`);
        const ws = await get(who, "/api/v1/workshops");
        assert.deepEqual(ws.json.workshops.map((w) => `${w.enterprise}/${w.code}`), [`${A}/W1`], `${who}: workshops`);
        const sum = await get(who, "/api/v1/summary");
        assert.equal(sum.status, 200);
        assert.deepEqual(codes(sum.json.enterprises), [A], `${who}: summary enterprises`);
        assert.deepEqual(sum.json.workshops.map((w) => w.enterprise), [A], `${who}: summary workshops`);
        assert.equal(sum.json.enterprises[0].good, 35);
        const out = await output(daemon.url, tok[who], { ...dayQuery, bucket: "day" });
        assert.deepEqual(out.total, { good: 35, reject: 2 }, `${who}: output holds only ${A}'s pieces`);
        const outA = await output(daemon.url, tok[who], { ...dayQuery, enterprise: A });
        assert.deepEqual(outA.total, { good: 35, reject: 2 });
      }
    });

    it("answers 404 to a firm admin naming another firm or its machine", async () => {
      for (const who of ["adminA", "supA"]) {
        for (const path of [
          `/api/v1/machines?enterprise=${B}`,
          `/api/v1/output?enterprise=${B}`,
          `/api/v1/output?enterprise=${B}&machine=G1`,
          `/api/v1/output?enterprise=${A}&machine=G1`,
          `/api/v1/output?machine=G1`,
          `/api/v1/summary?enterprise=${B}`,
          `/api/v1/workshops?enterprise=${B}`,
          `/api/v1/machines?enterprise=${B}&workshop=WB`,
        ]) {
          errorOf(await get(who, path), 404, "not_found", `${who} GET ${path}`);
        }
      }
      // and a name that does not exist at all answers the same
      errorOf(await get("adminA", "/api/v1/machines?enterprise=NOPE"), 404, "not_found", "unknown enterprise");
    });

    it("lists for a firm admin only its firm's users", async () => {
      const r = await get("adminA", "/api/v1/users");
      assert.equal(r.status, 200, r.text);
      for (const u of r.json.users) assert.equal(u.enterprise, A, `user ${u.username} listed to ${A}'s admin`);
      assert.ok(r.json.users.some((u) => u.username === "supA"));
    });

    it("shows a cluster admin and the bureau both firms", async () => {
      for (const who of ["root", "bureau"]) {
        const ents = await get(who, "/api/v1/enterprises");
        assert.deepEqual(codes(ents.json.enterprises), [B, A].sort(), `${who}: enterprises`);
        const ms = await get(who, "/api/v1/machines");
        assert.deepEqual(
          ms.json.machines.map((m) => `${m.enterprise}/${m.code}`).sort(),
          [`${A}/K1`, `${A}/K2`, `${B}/G1`].sort(),
          `${who}: machines`,
        );
        const sum = await get(who, "/api/v1/summary");
        assert.deepEqual(codes(sum.json.enterprises), [B, A].sort(), `${who}: summary`);
        const out = await output(daemon.url, tok[who], { ...dayQuery, bucket: "day" });
        assert.deepEqual(out.total, { good: 105, reject: 3 }, `${who}: output of the cluster`);
        const outB = await output(daemon.url, tok[who], { ...dayQuery, enterprise: B });
        assert.deepEqual(outB.total, { good: 70, reject: 1 }, `${who}: output of ${B}`);
        const g1 = await output(daemon.url, tok[who], { ...dayQuery, enterprise: B, machine: "G1" });
        assert.deepEqual(g1.total, { good: 70, reject: 1 });
      }
    });

    it("lets a firm admin register machines, workshops, tokens and users in its firm only", async () => {
      const inB = [
        ["/api/v1/machines", { enterprise: B, workshop: "WB", code: "HACK1" }],
        ["/api/v1/workshops", { enterprise: B, code: "WX", name: "x" }],
        ["/api/v1/gateway-tokens", { enterprise: B, name: "evil" }],
        ["/api/v1/users", { username: "evil1", role: "enterprise_admin", enterprise: B, password: "evil-pass-123" }],
      ];
      for (const [path, body] of inB) {
        const r = await post("adminA", path, body);
        assert.ok(r.status === 404 || r.status === 403, `adminA POST ${path} in ${B}: ${r.status} ${r.text}`);
        assert.ok(r.json?.error?.code === "not_found" || r.json?.error?.code === "forbidden");
      }
      const bMachines = await get("root", `/api/v1/machines?enterprise=${B}`);
      assert.deepEqual(bMachines.json.machines.map((m) => m.code), ["G1"], `${B} has no new machine`);
      const bWs = await get("root", `/api/v1/workshops?enterprise=${B}`);
      assert.deepEqual(bWs.json.workshops.map((w) => w.code), ["WB"], `${B} has no new workshop`);
      errorOf(await post(null, "/api/v1/login", { username: "evil1", password: "evil-pass-123" }), 401, "unauthorized", "no user evil1");

      // no privilege escalation: a firm admin cannot make cluster roles
      for (const role of ["cluster_admin", "bureau"]) {
        const r = await post("adminA", "/api/v1/users", { username: `esc_${role}`, role, password: "escalate-pass-1" });
        errorOf(r, 403, "forbidden", `adminA creating a ${role}`);
      }
      errorOf(await post("adminA", "/api/v1/enterprises", { code: "XX01", name: "x" }), 403, "forbidden", "adminA POST enterprise");

      const ok = await post("adminA", "/api/v1/machines", { enterprise: A, workshop: "W1", code: "K3", kind: "overlock" });
      assert.equal(ok.status, 201, ok.text);
      assert.equal(ok.json.code, "K3");
      const ms = await machines(daemon.url, tok.adminA);
      assert.equal(ms.get(`${A}/K3`)?.state, "unknown", "K3 listed before its first report");
      const ws = await post("adminA", "/api/v1/workshops", { enterprise: A, code: "W2", name: "二车间" });
      assert.equal(ws.status, 201, ws.text);
      const gt = await post("adminA", "/api/v1/gateway-tokens", { enterprise: A, name: "gw-a2" });
      assert.equal(gt.status, 201, gt.text);
      assert.match(gt.json.token, /^gw_/);
      await postOk(daemon.url, gt.json.token, [{ machine: "K3", ts: t0, count: 1, state: "run" }]);
      const u = await post("adminA", "/api/v1/users", { username: "supA2", role: "supervisor", enterprise: A, password: "sup-a2-pass-01" });
      assert.equal(u.status, 201, u.text);
      const s = await login(daemon.url, "supA2", "sup-a2-pass-01");
      const me = await api(daemon.url, s, "GET", "/api/v1/me");
      assert.deepEqual(me.json.user, { username: "supA2", role: "supervisor", enterprise: A });
    });

    it("lets a supervisor read but not register", async () => {
      assert.equal((await get("supA", "/api/v1/machines")).status, 200);
      for (const [path, body] of [
        ["/api/v1/machines", { enterprise: A, workshop: "W1", code: "S1" }],
        ["/api/v1/workshops", { enterprise: A, code: "WS", name: "s" }],
        ["/api/v1/gateway-tokens", { enterprise: A, name: "s" }],
        ["/api/v1/users", { username: "sup2", role: "supervisor", enterprise: A, password: "sup-2-pass-0001" }],
        ["/api/v1/enterprises", { code: "SS01", name: "s" }],
      ]) {
        errorOf(await post("supA", path, body), 403, "forbidden", `supervisor POST ${path}`);
      }
    });

    it("lets the bureau read the whole cluster but not write", async () => {
      assert.equal((await get("bureau", "/api/v1/summary")).status, 200);
      for (const [path, body] of [
        ["/api/v1/enterprises", { code: "BU01", name: "b" }],
        ["/api/v1/machines", { enterprise: A, workshop: "W1", code: "BU1" }],
        ["/api/v1/workshops", { enterprise: A, code: "WB2", name: "b" }],
        ["/api/v1/gateway-tokens", { enterprise: A, name: "b" }],
        ["/api/v1/users", { username: "bu2", role: "bureau", password: "bureau-2-pass-1" }],
      ]) {
        errorOf(await post("bureau", path, body), 403, "forbidden", `bureau POST ${path}`);
      }
      const ents = await get("root", "/api/v1/enterprises");
      assert.ok(!ents.json.enterprises.some((e) => e.code === "BU01"));
    });
  });

  describe("registering through the API", () => {
    it("registers an enterprise, workshop, machine, gateway token and user that then work", async () => {
      const e = await post("root", "/api/v1/enterprises", { code: "JX01", name: "嘉祥丙厂", town: "嘉祥" });
      assert.equal(e.status, 201, e.text);
      assert.deepEqual(e.json, { code: "JX01", name: "嘉祥丙厂", town: "嘉祥" });
      const w = await post("root", "/api/v1/workshops", { enterprise: "JX01", code: "F1", name: "缝制车间" });
      assert.equal(w.status, 201, w.text);
      const m = await post("root", "/api/v1/machines", {
        enterprise: "JX01",
        workshop: "F1",
        code: "SEW-01",
        kind: "sewing",
        gauge: 0,
        cycle_ms: 45000,
        counter_bits: 16,
      });
      assert.equal(m.status, 201, m.text);
      const g = await post("root", "/api/v1/gateway-tokens", { enterprise: "JX01", name: "gw-jx" });
      assert.equal(g.status, 201, g.text);
      assert.match(g.json.token, /^gw_\S+$/);
      const u = await post("root", "/api/v1/users", { username: "jxboss", role: "enterprise_admin", enterprise: "JX01", password: "jx-boss-pass-1" });
      assert.equal(u.status, 201, u.text);
      assert.deepEqual(u.json, { username: "jxboss", role: "enterprise_admin", enterprise: "JX01" });

      // the new token ingests for the new machine (16-bit: 65530 -> 4 is 10 pieces)
      await postOk(daemon.url, g.json.token, [
        { machine: "SEW-01", ts: t0, count: 65530, state: "run" },
        { machine: "SEW-01", ts: t0 + 60000, count: 4, state: "run" },
      ]);
      const s = await login(daemon.url, "jxboss", "jx-boss-pass-1");
      const ents = await api(daemon.url, s, "GET", "/api/v1/enterprises");
      assert.deepEqual(ents.json.enterprises, [{ code: "JX01", name: "嘉祥丙厂", town: "嘉祥" }]);
      const ms = await machines(daemon.url, s);
      assert.deepEqual([...ms.keys()], ["JX01/SEW-01"]);
      const sew = ms.get("JX01/SEW-01");
      assert.equal(sew.kind, "sewing");
      assert.equal(sew.counter_bits, 16);
      assert.equal(sew.cycle_ms, 45000);
      assert.equal(sew.good_today, 10);
      const out = await output(daemon.url, s, { ...dayQuery });
      assert.deepEqual(out.total, { good: 10, reject: 0 });
      // and the new firm's token cannot write to the old firms
      const cross = await api(daemon.url, g.json.token, "POST", "/api/v1/reports", [{ machine: "K1", ts: t0 + 120000, count: 99, state: "run" }]);
      errorOf(cross, 404, "not_found", "JX01's token for PY01's machine");
    });

    it("validates registrations and names the bad field (400)", async () => {
      const bad = [
        ["/api/v1/enterprises", { code: "PY 02", name: "x" }, "code"],
        ["/api/v1/enterprises", { code: "PY/02", name: "x" }, "code"],
        ["/api/v1/enterprises", { code: "", name: "x" }, "code"],
        ["/api/v1/enterprises", { code: "C".repeat(33), name: "x" }, "code"],
        ["/api/v1/enterprises", { code: "平邑", name: "x" }, "code"],
        ["/api/v1/enterprises", { code: "PY02" }, "name"],
        ["/api/v1/enterprises", { code: 12, name: "x" }, "code"],
        ["/api/v1/workshops", { enterprise: A, code: "W 3", name: "x" }, "code"],
        ["/api/v1/machines", { enterprise: A, workshop: "W1", code: "K 9" }, "code"],
        ["/api/v1/machines", { enterprise: A, workshop: "W1", code: "K9", kind: "weaving" }, "kind"],
        ["/api/v1/machines", { enterprise: A, workshop: "W1", code: "K9", counter_bits: 20 }, "counter_bits"],
        ["/api/v1/machines", { enterprise: A, workshop: "W1", code: "K9", counter_bits: 128 }, "counter_bits"],
        ["/api/v1/machines", { enterprise: A, workshop: "W1", code: "K9", counter_bits: "16" }, "counter_bits"],
        ["/api/v1/machines", { enterprise: A, workshop: "W1", code: "K9", gauge: 99 }, "gauge"],
        ["/api/v1/machines", { enterprise: A, workshop: "W1", code: "K9", cycle_ms: -5 }, "cycle_ms"],
        ["/api/v1/machines", { enterprise: A, code: "K9" }, "workshop"],
        ["/api/v1/users", { username: "new user", role: "supervisor", enterprise: A, password: "good-pass-1234" }, "username"],
        ["/api/v1/users", { username: "newuser", role: "god", enterprise: A, password: "good-pass-1234" }, "role"],
        ["/api/v1/users", { username: "newuser", role: "supervisor", enterprise: A, password: "short" }, "password"],
        ["/api/v1/users", { username: "newuser", role: "supervisor", password: "good-pass-1234" }, "enterprise"],
      ];
      for (const [path, body, field] of bad) {
        const r = await post("root", path, body);
        errorOf(r, 400, "bad_request", `POST ${path} ${JSON.stringify(body)}`);
        assert.match(r.json.error.message, new RegExp(field), `POST ${path} ${JSON.stringify(body)}: the message names '${field}'`);
      }
      for (const path of ["/api/v1/enterprises", "/api/v1/machines", "/api/v1/workshops", "/api/v1/users"]) {
        errorOf(await post("root", path, "{not json"), 400, "bad_request", `POST ${path} malformed JSON`);
        errorOf(await post("root", path, "[1,2]"), 400, "bad_request", `POST ${path} an array`);
      }
      // nothing of that was registered
      const ms = await machines(daemon.url, tok.root);
      assert.ok(![...ms.keys()].some((k) => k.endsWith("/K9") || k.endsWith("/K 9")), "no machine K9");
      const ents = await get("root", "/api/v1/enterprises");
      assert.ok(!ents.json.enterprises.some((e) => e.code.startsWith("PY0") && e.code !== A), "no enterprise PY02");
    });

    it("refuses duplicates with 409 and unknown parents with 404", async () => {
      const dups = [
        ["/api/v1/enterprises", { code: A, name: "again" }],
        ["/api/v1/workshops", { enterprise: A, code: "W1", name: "again" }],
        ["/api/v1/machines", { enterprise: A, workshop: "W1", code: "K1" }],
        ["/api/v1/users", { username: "supA", role: "supervisor", enterprise: A, password: "again-pass-123" }],
        ["/api/v1/users", { username: "root", role: "cluster_admin", password: "again-pass-123" }],
      ];
      for (const [path, body] of dups) errorOf(await post("root", path, body), 409, "conflict", `duplicate POST ${path} ${JSON.stringify(body)}`);
      // the same code in another firm is fine
      const okOther = await post("root", "/api/v1/machines", { enterprise: B, workshop: "WB", code: "K1" });
      assert.equal(okOther.status, 201, okOther.text);
      errorOf(await post("root", "/api/v1/machines", { enterprise: A, workshop: "NOPE", code: "K7" }), 404, "not_found", "unknown workshop");
      errorOf(await post("root", "/api/v1/machines", { enterprise: "NOPE", workshop: "W1", code: "K7" }), 404, "not_found", "unknown enterprise");
      errorOf(await post("root", "/api/v1/workshops", { enterprise: "NOPE", code: "W7", name: "x" }), 404, "not_found", "unknown enterprise");
      // supA's password is unchanged by the refused duplicate
      assert.equal((await post(null, "/api/v1/login", { username: "supA", password: PW.supA })).status, 200);
    });

    it("accepts reports right away for a machine added with `gloved admin` while the daemon runs", async () => {
      daemon.admin("machine", "add", "--enterprise", A, "--workshop", "W1", "--code", "LIVE1", "--counter-bits", "32");
      await postOk(daemon.url, gwA, [
        { machine: "LIVE1", ts: t0, count: 5, state: "run" },
        { machine: "LIVE1", ts: t0 + 60000, count: 17, state: "run" },
      ]);
      const out = await output(daemon.url, tok.adminA, { ...dayQuery, enterprise: A, machine: "LIVE1" });
      assert.deepEqual(out.total, { good: 12, reject: 0 });
      const ms = await machines(daemon.url, tok.adminA);
      assert.equal(ms.get(`${A}/LIVE1`)?.counter_bits, 32);
      // a token and a user added the same way work at once too
      const gw = daemon.admin("token", "add", "--enterprise", A, "--name", "gw-live");
      await postOk(daemon.url, gw, [{ machine: "LIVE1", ts: t0 + 120000, count: 20, state: "idle" }]);
      daemon.admin("user", "add", "--username", "liveuser", "--role", "supervisor", "--enterprise", A, "--password", "live-user-pass-1");
      const s = await login(daemon.url, "liveuser", "live-user-pass-1");
      const ms2 = await machines(daemon.url, s);
      assert.equal(ms2.get(`${A}/LIVE1`).good_today, 15);
      assert.equal(ms2.get(`${A}/LIVE1`).state, "idle");
    });
  });
});
