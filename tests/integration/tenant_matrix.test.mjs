// SPDX-License-Identifier: Apache-2.0
// Integration: the tenant matrix. The routes come from the daemon itself
// (`gloved routes`, the route tables of src/http/api_*.c), so a new route
// cannot escape: for EVERY route, EVERY role (and no credentials at all) of
// two firms asks about its own firm and about the other one (?enterprise=
// and a body "enterprise"), and
//   - a role the route does not admit gets 401 or 403 with a JSON error;
//   - a role it admits never gets 401/403 (nor a 5xx) for its own firm
//     (400/404 for an incomplete body is fine);
//   - a firm role asking about the other firm gets 403/404/400 or an answer
//     about its own firm only: no write into the other firm succeeds, and no
//     answer holds the other firm's names, workshops, machines, workers,
//     households, styles, users or gateways (seeded with distinctive names);
//     an answer other than an error never holds the other firm's code (an
//     error may echo the code the caller sent).
//
// Run: GLOVED_BIN=build/gloved GLOVED_SOURCE_DIR=$PWD node --test tests/integration/tenant_matrix.test.mjs

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { after, before, describe, it } from "node:test";
import { GLOVED_BIN, api, login, startDaemon } from "../lib/harness.mjs";
import { postOk, stopAll } from "../lib/integration.mjs";

const PW = "tenant-pass-0001";

// Two firms; every string under `secret` is seeded into the firm and is
// never sent by the other firm's callers, so finding it in an answer to
// them is a leak.
const FIRMS = {
  A: {
    code: "TMALPHA",
    name: "甲厂AlphaSecretName",
    town: "AlphaSecretTown",
    ws: "WSALPHAX",
    wsName: "alpha-ws-secret",
    machine: "MALPHAX1",
    worker: "WKALPHAX",
    workerName: "alpha-worker-secret",
    household: "HALPHAX",
    householdName: "alpha-household-secret",
    style: "SALPHAX",
    styleName: "alpha-style-secret",
    gateway: "gw-alpha-secret",
    material: "MLALPHAX",
    supplier: "alpha-supplier-secret",
    prefix: "alpha",
  },
  B: {
    code: "TMBRAVO",
    name: "乙厂BravoSecretName",
    town: "BravoSecretTown",
    ws: "WSBRAVOX",
    wsName: "bravo-ws-secret",
    machine: "MBRAVOX1",
    worker: "WKBRAVOX",
    workerName: "bravo-worker-secret",
    household: "HBRAVOX",
    householdName: "bravo-household-secret",
    style: "SBRAVOX",
    styleName: "bravo-style-secret",
    gateway: "gw-bravo-secret",
    material: "MLBRAVOX",
    supplier: "bravo-supplier-secret",
    prefix: "bravo",
  },
};
const FIRM_ROLES = ["enterprise_admin", "supervisor", "inspector", "worker", "household"];
// Writes about the caller's session, of no firm.
const FIRMLESS = new Set(["POST /api/v1/login", "POST /api/v1/logout"]);
const CLUSTER_ROLES = ["cluster_admin", "bureau", "association"];
// the login of each cluster role; the town officer sees firm A's town and
// is asked like a firm role about its own town's firm (A) and the other (B)
const CLUSTER_USERS = { cluster_admin: "tm_root", bureau: "tm_bureau", association: "tm_assoc", town_officer: "tm_town" };
// Cluster readers who see aggregates only: never a firm's private records
// (workers, households, styles and rates, suppliers, users).
const AGGREGATE_ROLES = new Set(["bureau", "association", "town_officer"]);
const privateOf = (f) => [f.worker, f.workerName, f.household, f.householdName, f.styleName, f.material, f.supplier];
const secretsOf = (f) => [
  f.name,
  f.town,
  f.ws,
  f.wsName,
  f.machine,
  f.worker,
  f.workerName,
  f.household,
  f.householdName,
  f.style,
  f.styleName,
  f.gateway,
  f.material,
  f.supplier,
  ...FIRM_ROLES.map((r) => `${f.prefix}_${r}`),
];

// Bodies that get past the field checks of some writes, so that their
// firm checks are reached too; every other write gets {enterprise}. `own`
// is the caller's firm (its workshop code is the one it knows).
let seq = 0;
const BODIES = {
  "POST /api/v1/workshops": (ent) => ({ enterprise: ent, code: `TW${++seq}`, name: "tm ws" }),
  "POST /api/v1/machines": (ent, own) => ({ enterprise: ent, workshop: own.ws, code: `TM${++seq}` }),
  "POST /api/v1/gateway-tokens": (ent) => ({ enterprise: ent, name: `tg${++seq}` }),
  "POST /api/v1/users": (ent) => ({ enterprise: ent, username: `tu${++seq}`, role: "supervisor", password: PW }),
  "POST /api/v1/workers": (ent) => ({ enterprise: ent, code: `TK${++seq}`, name: "tm worker", rate_unit: "pair", rate: "1" }),
  "POST /api/v1/households": (ent) => ({ enterprise: ent, code: `TH${++seq}`, name: "tm hh", village: "v", phone: "1", rate_pct: 100 }),
  "POST /api/v1/styles": (ent) => ({
    enterprise: ent,
    code: `TS${++seq}`,
    name: "tm style",
    category: "ski",
    family: "sewn",
    materials: "m",
    sizes: ["8"],
    routing: [{ code: "S01", name: "a", smv: "1.00", rate: "0.1000" }],
  }),
};

// One request; a live feed (text/event-stream) is read for its first chunks
// and then closed.
async function request(url, token, method, path, body) {
  const headers = { Accept: "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const ctl = new AbortController();
  const res = await fetch(url + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: ctl.signal,
  });
  let text = "";
  if ((res.headers.get("content-type") || "").startsWith("text/event-stream")) {
    const reader = res.body.getReader();
    const stop = setTimeout(() => ctl.abort(), 1500);
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        text += Buffer.from(value).toString("utf8");
        if (text.includes("event: machine") && text.endsWith("\n\n")) break;
      }
    } catch {
      /* aborted: what was read is enough */
    }
    clearTimeout(stop);
    ctl.abort();
  } else {
    text = await res.text();
  }
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { status: res.status, text, json };
}

describe("tenant matrix: every route, every role, own and other firm", { timeout: 600000 }, () => {
  let daemon, routes, roleNames;
  const tokens = {}; // "A:supervisor" -> session token, "A:gateway" -> gateway token

  before(async () => {
    daemon = await startDaemon({
      setup: (admin) => {
        for (const [r, u] of Object.entries(CLUSTER_USERS)) {
          const town = r === "town_officer" ? ["--town", FIRMS.A.town] : [];
          admin("user", "add", "--username", u, "--role", r, ...town, "--password", PW);
        }
        for (const f of Object.values(FIRMS)) {
          admin("enterprise", "add", "--code", f.code, "--name", f.name, "--town", f.town);
          admin("workshop", "add", "--enterprise", f.code, "--code", f.ws, "--name", f.wsName);
          admin("machine", "add", "--enterprise", f.code, "--workshop", f.ws, "--code", f.machine);
          for (const r of FIRM_ROLES) {
            const extra = r === "worker" ? ["--worker", f.worker] : r === "household" ? ["--household", f.household] : [];
            admin("user", "add", "--username", `${f.prefix}_${r}`, "--role", r, "--enterprise", f.code, ...extra, "--password", PW);
          }
        }
      },
    });
    const run = spawnSync(GLOVED_BIN, ["routes"], { encoding: "utf8", timeout: 30000 });
    assert.equal(run.status, 0, `gloved routes: ${run.stderr}`);
    const table = JSON.parse(run.stdout);
    routes = table.routes;
    roleNames = table.roles;
    for (const [r, u] of Object.entries(CLUSTER_USERS)) tokens[r] = await login(daemon.url, u, PW);
    for (const [k, f] of Object.entries(FIRMS)) {
      for (const r of FIRM_ROLES) tokens[`${k}:${r}`] = await login(daemon.url, `${f.prefix}_${r}`, PW);
      const boss = tokens[`${k}:enterprise_admin`];
      const gt = await api(daemon.url, boss, "POST", "/api/v1/gateway-tokens", { enterprise: f.code, name: f.gateway });
      assert.equal(gt.status, 201, gt.text);
      tokens[`${k}:gateway`] = gt.json.token;
      const seeds = [
        ["/api/v1/workers", { enterprise: f.code, code: f.worker, name: f.workerName, rate_unit: "pair", rate: "1" }],
        ["/api/v1/households", { enterprise: f.code, code: f.household, name: f.householdName, village: "v", phone: "1", rate_pct: 100 }],
        ["/api/v1/styles", { ...BODIES["POST /api/v1/styles"](f.code), code: f.style, name: f.styleName }],
        ["/api/v1/material-lots", { enterprise: f.code, code: f.material, kind: "yarn", supplier: f.supplier, batch: "b1", quantity: "1", unit: "kg", received: "2026-12-01" }],
      ];
      for (const [p, b] of seeds) {
        const r = await api(daemon.url, boss, "POST", p, b);
        assert.equal(r.status, 201, `${p}: ${r.text}`);
      }
      const now = Date.now();
      await postOk(daemon.url, tokens[`${k}:gateway`], [
        { machine: f.machine, ts: now - 120000, count: 0, state: "run" },
        { machine: f.machine, ts: now - 60000, count: 25, state: "stop", reason: "NO_YARN" },
      ]);
    }
  });

  after(async () => {
    await stopAll(daemon);
  });

  it("gets every route and role from `gloved routes`", () => {
    assert.ok(routes.length >= 50, `${routes.length} routes`);
    assert.deepEqual(roleNames.slice().sort(), [
      "association",
      "bureau",
      "cluster_admin",
      "enterprise_admin",
      "gateway",
      "household",
      "inspector",
      "none",
      "supervisor",
      "town_officer",
      "worker",
    ]);
    for (const rt of routes) {
      assert.match(rt.method, /^(GET|POST|PUT|DELETE)$/, JSON.stringify(rt));
      assert.match(rt.path, /^\/api\/v1\//, JSON.stringify(rt));
      for (const r of rt.roles) assert.ok(roleNames.includes(r), `${rt.path}: role ${r}`);
    }
  });

  it("admits exactly the roles of each route, each firm role only to its own firm", async () => {
    const failures = [];
    const fail = (what, r) => failures.push(`${what}: ${r.status} ${r.text.slice(0, 200)}`);
    // callers: [label, role, firm key or null, token getter]
    const callers = [["anonymous", "none", null]];
    for (const r of CLUSTER_ROLES) callers.push([r, r, null]);
    callers.push(["town_officer", "town_officer", "A"]);
    for (const k of Object.keys(FIRMS)) {
      for (const r of FIRM_ROLES) callers.push([`${k}:${r}`, r, k]);
      callers.push([`${k}:gateway`, "gateway", k]);
    }
    for (const rt of routes) {
      const key = `${rt.method} ${rt.path}`;
      for (const [label, role, firm] of callers) {
        const own = FIRMS[firm ?? "A"];
        const other = FIRMS[firm === "A" ? "B" : "A"];
        // cluster roles and nobody belong to no firm: one request, about A
        const targets = firm ? [own, other] : [own];
        for (const target of targets) {
          let token = role === "none" ? null : tokens[label];
          if (rt.path === "/api/v1/logout" && role !== "none" && role !== "gateway") {
            // logging out ends the session: log out a session of its own
            const f = firm && role !== "town_officer" ? FIRMS[firm] : null;
            token = await login(daemon.url, f ? `${f.prefix}_${role}` : CLUSTER_USERS[role], PW);
          }
          const make = BODIES[key];
          const body = rt.method === "GET" ? undefined : make ? make(target.code, own) : { enterprise: target.code };
          const path = `${rt.path}?enterprise=${target.code}`;
          const r = await request(daemon.url, token, rt.method, path, body);
          const what = `${label} ${rt.method} ${path}`;
          const allowed = rt.roles.includes(role);
          if (!allowed) {
            if ((r.status !== 401 && r.status !== 403) || typeof r.json?.error?.code !== "string" || typeof r.json?.error?.message !== "string")
              fail(`${what}: outside the route's roles, wants 401/403 with a JSON error`, r);
          } else if (target === own) {
            if (r.status === 401 || r.status === 403 || r.status >= 500) fail(`${what}: an admitted role on its own firm`, r);
          } else {
            if (r.status >= 500 || r.status === 401) fail(`${what}: a firm role asking about the other firm`, r);
            if (rt.method !== "GET" && !FIRMLESS.has(key) && r.status >= 200 && r.status < 300) fail(`${what}: wrote into the other firm`, r);
          }
          if (AGGREGATE_ROLES.has(role) && r.status < 400) {
            for (const f of Object.values(FIRMS))
              for (const s of privateOf(f)) if (r.text.includes(s)) fail(`${what}: an aggregates-only role sees a private record '${s}'`, r);
          }
          if (firm) {
            // the other firm's code may be echoed by an error about it
            const seen = r.status >= 400 ? r.text.split(other.code).join("") : r.text;
            for (const s of [...secretsOf(other), other.code])
              if (seen.includes(s)) fail(`${what}: the answer holds the other firm's '${s}'`, r);
          }
        }
      }
    }
    assert.deepEqual(failures, [], `${failures.length} failures:\n${failures.join("\n")}`);
  });
});
