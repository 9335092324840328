// SPDX-License-Identifier: Apache-2.0
// Integration: `gloved admin copy --from FILE.db --to postgresql://...`
// (src/cli/admin.c, src/store/store_copy.c) moves an embedded deployment.
// A daemon on an SQLite file takes reports over HTTP (a reset and a 16-bit
// wrap among them), a style, an order cut into bundles and scans; what it
// answers is recorded. After the copy a daemon on the PostgreSQL database
// must answer the same: output per machine in every bucket, machines,
// styles, orders, bundles with their scans; the same logins and gateway
// token work, and new rows get new ids (the identities were set). The
// refusals: a daemon holding either database, a target that holds data, a
// missing or broken file, a server that cannot be reached.
//
// Needs the PostgreSQL database of $GLOVED_TEST_PG (scripts/pg.sh run);
// without it the test reports skipped (exit 77), as the other _pg tests.
// CTest: integration/admin_copy_pg.

const PG = process.env.GLOVED_TEST_PG || "";
if (!PG) {
  const req = process.env.GLOVED_TEST_PG_REQUIRED;
  if (req && req !== "0") throw new Error("admin_copy_pg needs GLOVED_TEST_PG (run under scripts/pg.sh run)");
  process.stdout.write("skipped: no GLOVED_TEST_PG (scripts/pg.sh run ...)\n");
  process.exit(77);
}

const assert = (await import("node:assert/strict")).default;
const { spawnSync } = await import("node:child_process");
const fs = await import("node:fs");
const path = await import("node:path");
const { after, before, describe, it } = await import("node:test");
const { GLOVED_BIN, api, login, pgReset, startDaemon } = await import("../lib/harness.mjs");
const { HOUR, MINUTE, SimMachine, noonZone, output, postOk, series, stopAll } = await import("../lib/integration.mjs");

const ENT = "PY01";
const PASSWORD = "admin-copy-pass-1";
const MACHINES = [
  ["K1", 64],
  ["K2", 64],
  ["W16", 16],
];

function gloved(args) {
  const r = spawnSync(GLOVED_BIN, args.map(String), { encoding: "utf8", timeout: 120000 });
  if (r.error) throw new Error(`gloved ${args.join(" ")}: ${r.error.message}`);
  return r;
}

function psql(sql) {
  const r = spawnSync("psql", ["-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", PG, "-c", sql], { encoding: "utf8", timeout: 60000 });
  if (r.error || r.status !== 0) throw new Error(`psql ${sql}: ${r.error?.message ?? r.stderr}`);
  return r.stdout.trim();
}

function sqlite(db, sql) {
  const r = spawnSync("sqlite3", [db, sql], { encoding: "utf8", timeout: 60000 });
  if (r.error || r.status !== 0) throw new Error(`sqlite3 ${sql}: ${r.error?.message ?? r.stderr}`);
  return r.stdout.trim();
}

// The copy's stdout: {rows: {table: n}, sums: {"table.column": n}, summary}.
function parseCopy(stdout) {
  const rows = {}, sums = {};
  let summary = "";
  for (const line of stdout.split("\n")) {
    const f = line.split("\t");
    if (f[0] === "rows" && f.length === 3) rows[f[1]] = Number(f[2]);
    else if (f[0] === "sum" && f.length === 3) sums[f[1]] = Number(f[2]);
    else if (line.startsWith("copied ")) summary = line;
  }
  return { rows, sums, summary };
}

describe("gloved admin copy", { timeout: 600000 }, () => {
  const zone = noonZone();
  const now = Date.now();
  const today = zone.dayStart(now);
  const dayQuery = { from: today, to: today + 24 * HOUR };
  const serveArgs = ["--timezone", zone.tz, "--offline-after", "86400"];
  let sqliteDaemon, pgDaemon, gw, file, keyFile;
  const sims = {};
  const seen = {}; // what the SQLite daemon answered

  // Everything compared between the two daemons.
  async function snapshot(url) {
    const admin = await login(url, "root", PASSWORD);
    const boss = await login(url, "boss", PASSWORD);
    const out = { output: {}, machines: null };
    for (const [code] of MACHINES) {
      for (const bucket of ["minute", "hour", "day"]) {
        const o = await output(url, admin, { enterprise: ENT, machine: code, bucket, ...dayQuery });
        out.output[`${code}/${bucket}`] = { series: series(o), total: o.total };
      }
    }
    const ms = await api(url, admin, "GET", `/api/v1/machines?enterprise=${ENT}`);
    assert.equal(ms.status, 200, ms.text);
    out.machines = ms.json.machines.sort((a, b) => (a.code < b.code ? -1 : 1));
    for (const p of [`/api/v1/styles?enterprise=${ENT}`, `/api/v1/orders?enterprise=${ENT}`, `/api/v1/bundles?enterprise=${ENT}&order=PO-1`, `/api/v1/workers?enterprise=${ENT}`]) {
      const r = await api(url, boss, "GET", p);
      assert.equal(r.status, 200, `${p}: ${r.text}`);
      out[p] = r.json;
    }
    return out;
  }

  before(async () => {
    sqliteDaemon = await startDaemon({
      extraArgs: serveArgs,
      setup: (a) => {
        a("enterprise", "add", "--code", ENT, "--name", "平邑测试手套厂", "--town", "平邑");
        a("workshop", "add", "--enterprise", ENT, "--code", "W1", "--name", "织造一车间");
        for (const [code, bits] of MACHINES) a("machine", "add", "--enterprise", ENT, "--workshop", "W1", "--code", code, "--counter-bits", bits);
        a("user", "add", "--username", "root", "--role", "cluster_admin", "--password", PASSWORD);
        a("user", "add", "--username", "boss", "--role", "enterprise_admin", "--enterprise", ENT, "--password", PASSWORD);
        a("user", "add", "--username", "wang", "--role", "worker", "--enterprise", ENT, "--worker", "W001", "--password", PASSWORD);
        gw = a("token", "add", "--enterprise", ENT, "--name", "gw");
      },
    });
    file = sqliteDaemon.db;
    keyFile = `${file}.brand.key`;
  });

  after(async () => {
    await stopAll(pgDaemon, sqliteDaemon);
    pgReset(PG);
  });

  it("fills the SQLite deployment: reports, a style, an order, bundles and scans", async () => {
    const url = sqliteDaemon.url;
    const start = today + 11 * HOUR - 30 * MINUTE;
    const reports = [];
    for (const [code, bits] of MACHINES) {
      const sim = (sims[code] = new SimMachine(code, { bits, ts: start, good: bits === 16 ? 65500 : 1000 }));
      reports.push(sim.start());
      for (let i = 1; i <= 40; i++) {
        reports.push(sim.step(60000 + (i % 7) * 1000, 3 + (i % 5), i % 9 === 0 ? 1 : 0, { reset: code === "K2" && i === 20, state: i === 30 ? "stop" : i === 31 ? "run" : undefined }));
      }
    }
    for (let i = 0; i < reports.length; i += 50) await postOk(url, gw, reports.slice(i, i + 50));
    const boss = await login(url, "boss", PASSWORD);
    const worker = await login(url, "wang", PASSWORD);
    const post = (token, p, body) => api(url, token, "POST", p, body);
    const style = await post(boss, "/api/v1/styles", {
      enterprise: ENT,
      code: "SKI-01",
      name: "成人滑雪手套",
      category: "ski",
      family: "sewn",
      materials: "涤纶面料, 防水膜",
      sizes: ["8", "9"],
      routing: [
        { code: "S01", name: "合缝", smv: "1.20", rate: "0.1500" },
        { code: "S02", name: "上里布", smv: "2.00", rate: "0.2500" },
      ],
    });
    assert.equal(style.status, 201, style.text);
    const order = await post(boss, "/api/v1/orders", { enterprise: ENT, code: "PO-1", buyer: "Alpine Sports GmbH", style: "SKI-01", due: "2026-12-20", unit: "dozen", lines: [{ size: "8", qty: 2 }, { size: "9", qty: 1 }] });
    assert.equal(order.status, 201, order.text);
    assert.equal((await post(boss, "/api/v1/orders/release", { enterprise: ENT, order: "PO-1" })).status, 200);
    const cut = await post(boss, "/api/v1/cuts", { enterprise: ENT, order: "PO-1", bundle_size: 10, lines: [{ size: "8", plies: 12, pairs_per_ply: 2 }, { size: "9", plies: 12 }] });
    assert.equal(cut.status, 201, cut.text);
    const w = await post(boss, "/api/v1/workers", { enterprise: ENT, code: "W001", name: "王芳", rate_unit: "pair", rate: "0.0100", step_period: "day", steps: [] });
    assert.equal(w.status, 201, w.text);
    const bl = await api(url, boss, "GET", `/api/v1/bundles?enterprise=${ENT}&order=PO-1`);
    let n = 0;
    for (const b of bl.json.bundles.slice(0, 3)) {
      const s = await post(worker, "/api/v1/scans", { code: b.ops[0].code, scan_id: `s-${++n}` });
      assert.equal(s.status, 200, s.text);
    }
    Object.assign(seen, await snapshot(url));
    assert.equal(seen.output["K1/day"].total.good, sims.K1.totals().good, "the SQLite daemon counted K1's pieces");
    assert.deepEqual(
      seen.machines.map((m) => [m.code, m.good_today, m.reject_today]),
      MACHINES.map(([code]) => [code, sims[code].totals().good, sims[code].totals().reject]),
    );
    const done = seen[`/api/v1/bundles?enterprise=${ENT}&order=PO-1`].bundles.flatMap((b) => b.ops.filter((o) => o.done).map((o) => `${b.no}/${o.seq}/${o.by}`));
    assert.deepEqual(done, ["1/1/W001", "2/1/W001", "3/1/W001"]);
  });

  it("refuses while a daemon holds the SQLite file, touching nothing", () => {
    pgReset(PG);
    const r = gloved(["admin", "copy", "--from", file, "--to", PG]);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /a daemon holds .*gloved\.db: stop it first/);
    assert.equal(psql("SELECT to_regclass('enterprise') IS NULL"), "t", "the target was not even migrated");
  });

  it("copies every table with its ids, and the counts and totals agree", async () => {
    await sqliteDaemon.stop({ keepDir: true });
    const r = gloved(["admin", "copy", "--from", file, "--to", PG]);
    assert.equal(r.status, 0, r.stderr);
    const c = parseCopy(r.stdout);
    const want = (sql) => Number(sqlite(file, sql));
    const tables = sqlite(file, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' ORDER BY name").split("\n");
    assert.deepEqual(Object.keys(c.rows).sort(), tables, "one line per table of the schema");
    for (const t of tables) {
      assert.equal(c.rows[t], want(`SELECT count(*) FROM "${t}"`), `rows of ${t}`);
      assert.equal(Number(psql(`SELECT count(*) FROM "${t}"`)), c.rows[t], `rows of ${t} in PostgreSQL`);
    }
    const good = Object.values(sims).reduce((a, s) => a + s.totals().good, 0);
    const reject = Object.values(sims).reduce((a, s) => a + s.totals().reject, 0);
    assert.ok(c.rows.sample > 100 && c.rows.bundle === 5 && c.rows.scan === 3, r.stdout);
    for (const t of ["sample.d_good", "rollup_minute.good", "rollup_hour.good", "rollup_day.good"]) assert.equal(c.sums[t], good, t);
    for (const t of ["sample.d_reject", "rollup_minute.reject", "rollup_hour.reject", "rollup_day.reject"]) assert.equal(c.sums[t], reject, t);
    assert.equal(c.sums["bundle.pairs"], 36);
    assert.equal(c.sums["scan.pairs"], 24);
    assert.match(c.summary, new RegExp(`: ${tables.length} tables, \\d+ rows, ${good} good and ${reject} reject pieces; counts, digests and sums agree`));
    for (const [t, col] of [["machine", "code"], ["style", "code"], ["prod_order", "code"], ["bundle", "no"], ["user_account", "username"]]) {
      const ids = `SELECT id || ':' || ${col} FROM ${t} ORDER BY id`;
      assert.equal(psql(ids), sqlite(file, ids), `the same ids in ${t}`);
    }
    const rev = "SELECT value FROM meta WHERE key = 'registry_rev'";
    assert.equal(psql(rev), sqlite(file, rev), "meta as in the file");
  });

  it("serves on PostgreSQL what the SQLite daemon answered, and takes new rows", async () => {
    pgDaemon = await startDaemon({ db: PG, extraArgs: [...serveArgs, "--brand-key-file", keyFile] });
    assert.deepEqual(await snapshot(pgDaemon.url), seen);
    // the gateway token and the counters go on where they were
    const more = Object.values(sims).map((s) => s.step(60000, 5));
    await postOk(pgDaemon.url, gw, more);
    const root = await login(pgDaemon.url, "root", PASSWORD);
    const o = await output(pgDaemon.url, root, { enterprise: ENT, machine: "K1", bucket: "day", ...dayQuery });
    assert.deepEqual(o.total, sims.K1.totals());
    // new rows take ids after the copied ones (the identities were set)
    const boss = await login(pgDaemon.url, "boss", PASSWORD);
    const s2 = await api(pgDaemon.url, boss, "POST", "/api/v1/styles/copy", { enterprise: ENT, from: "SKI-01", code: "SKI-02", name: "儿童滑雪手套" });
    assert.equal(s2.status, 201, s2.text);
    assert.equal(psql("SELECT max(id) FROM style"), "2");
    const cut = await api(pgDaemon.url, boss, "POST", "/api/v1/cuts", { enterprise: ENT, order: "PO-1", bundle_size: 10, lines: [{ size: "8", plies: 1 }] });
    assert.equal(cut.status, 201, cut.text);
    assert.deepEqual(cut.json.bundles.map((b) => b.no), [6]);
  });

  it("refuses while a daemon holds the PostgreSQL database", () => {
    const before = psql("SELECT count(*) FROM sample");
    const r = gloved(["admin", "copy", "--from", file, "--to", PG]);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /a daemon holds postgresql:\/\/.*: stop it first/);
    assert.equal(psql("SELECT count(*) FROM sample"), before);
  });

  it("refuses a target that holds data, a missing or broken file and an unreachable server", async () => {
    await pgDaemon.stop();
    pgDaemon = null;
    const before = psql("SELECT count(*) FROM sample") + "/" + psql("SELECT count(*) FROM style");
    const full = gloved(["admin", "copy", "--from", file, "--to", PG]);
    assert.equal(full.status, 1, full.stderr);
    assert.match(full.stderr, /the target already holds data \(table \w+ is not empty: \d+ rows\): copy into an empty database/);
    assert.equal(psql("SELECT count(*) FROM sample") + "/" + psql("SELECT count(*) FROM style"), before, "nothing changed");

    pgReset(PG);
    const dir = path.dirname(file);
    const missing = path.join(dir, "missing.db");
    const m = gloved(["admin", "copy", "--from", missing, "--to", PG]);
    assert.equal(m.status, 1);
    assert.match(m.stderr, /cannot open .*missing\.db: not a gloved database/);
    assert.equal(fs.existsSync(missing), false, "no file is created");
    const broken = path.join(dir, "broken.db");
    fs.writeFileSync(broken, "not a database at all, just text\n".repeat(200));
    const b = gloved(["admin", "copy", "--from", broken, "--to", PG]);
    assert.equal(b.status, 1);
    assert.match(b.stderr, /cannot open .*broken\.db: not a gloved database/);
    const down = gloved(["admin", "copy", "--from", file, "--to", "postgresql://gloved:s3cret@127.0.0.1:1/gloved"]);
    assert.equal(down.status, 1);
    assert.match(down.stderr, /cannot open database postgresql:\/\/gloved:\*\*\*@127\.0\.0\.1:1\/gloved/);
    assert.doesNotMatch(down.stderr, /s3cret/);
    const swapped = gloved(["admin", "copy", "--from", PG, "--to", file]);
    assert.equal(swapped.status, 2);
    assert.match(swapped.stderr, /--from is an SQLite file and --to a postgresql:\/\/ URI/);
    assert.equal(psql("SELECT to_regclass('enterprise') IS NULL"), "t", "none of these touched the target");
  });
});
