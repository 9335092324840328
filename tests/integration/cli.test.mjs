// SPDX-License-Identifier: Apache-2.0
// Integration: the `gloved admin` command line (src/cli/admin.c), run as the
// real binary. Its help lists every command and option that scripts and the
// docs use; a missing required option, an unknown option and an unknown
// command are refused with exit status 2 and a message naming them, and
// change nothing; a firm registered from the command line (enterprise,
// workshop, machines, gateway token, users) is in the database as given,
// and the daemon serving that database takes the token's reports and the
// users' logins. The top-level `gloved --help` lists the commands too.
//
// Run: GLOVED_BIN=build/gloved GLOVED_SOURCE_DIR=$PWD node --test tests/integration/cli.test.mjs

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { GLOVED_BIN, login, runAdmin, startDaemon } from "../lib/harness.mjs";
import { machines, postOk } from "../lib/integration.mjs";

// Every admin command with every option it takes (docs/operations.md,
// README.md, tests/lib/harness.mjs, bench/ and scripts/ rely on them).
const COMMANDS = {
  "enterprise add": ["--code", "--name", "--town"],
  "enterprise list": [],
  "workshop add": ["--enterprise", "--code", "--name"],
  "workshop list": ["--enterprise"],
  "machine add": ["--enterprise", "--workshop", "--code", "--kind", "--gauge", "--cycle-ms", "--counter-bits"],
  "machine list": ["--enterprise"],
  "token add": ["--enterprise", "--name"],
  "user add": ["--username", "--role", "--worker", "--enterprise", "--password", "--password-stdin"],
  "user list": [],
  "mqtt-acl": ["--out-dir", "--broker-user"],
  "modbus add": [
    "--enterprise", "--machine", "--host", "--port", "--unit", "--counter-reg", "--counter-words",
    "--word-order", "--reject-reg", "--state-reg", "--state-map", "--poll-ms", "--timeout-ms",
  ],
  "modbus list": ["--enterprise"],
  migrate: [],
  copy: ["--from", "--to"],
  rebuild: ["--enterprise", "--from", "--to", "--timezone", "--raw-days", "--offline-after"],
  "sparkplug map": ["--enterprise", "--edge-node", "--count-metric", "--reject-metric", "--state-metric", "--reason-metric"],
};

const ENT = "PY01";
const PASSWORD = "cli-test-pass-1";

// Runs gloved with args; returns {status, stdout, stderr}.
function gloved(args, { input = "" } = {}) {
  const r = spawnSync(GLOVED_BIN, args.map(String), { encoding: "utf8", input, timeout: 60000 });
  if (r.error) throw new Error(`gloved ${args.join(" ")}: ${r.error.message}`);
  return r;
}

function sqlite(db, sql) {
  const r = spawnSync("sqlite3", ["-separator", "\t", db, sql], { encoding: "utf8", timeout: 30000 });
  if (r.error) throw new Error(`sqlite3: ${r.error.message}`);
  assert.equal(r.status, 0, `sqlite3 ${sql}: ${r.stderr}`);
  return r.stdout.trim();
}

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

describe("gloved admin", { timeout: 180000 }, () => {
  let tmp, db;

  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "gloved-cli-"));
    db = path.join(tmp, "gloved.db");
  });
  after(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("--help lists every command; each command's --help lists its options", () => {
    const top = gloved(["admin", "--help"]);
    assert.equal(top.status, 0, top.stderr);
    for (const cmd of Object.keys(COMMANDS)) {
      assert.match(top.stdout, new RegExp(`^  ${escape(cmd)}( |$)`, "m"), `gloved admin --help lists '${cmd}'`);
    }
    for (const [cmd, opts] of Object.entries(COMMANDS)) {
      const words = cmd.split(" ");
      const r = gloved(["admin", ...words, "--help"]);
      assert.equal(r.status, 0, `${cmd} --help: ${r.stderr}`);
      assert.match(r.stdout, new RegExp(`^usage: gloved admin ${escape(cmd)}`), `${cmd} --help`);
      // copy names its two databases; every other command works on --db
      for (const o of [...(cmd === "copy" ? [] : ["--db"]), ...opts]) {
        assert.match(r.stdout, new RegExp(`^  ${escape(o)}( |$)`, "m"), `${cmd} --help describes ${o}`);
      }
      if (words.length === 2) {
        const noun = gloved(["admin", words[0], "--help"]);
        assert.equal(noun.status, 0, noun.stderr);
        assert.match(noun.stdout, new RegExp(`^  ${escape(cmd)}( |$)`, "m"), `${words[0]} --help lists '${cmd}'`);
      }
    }
    assert.doesNotMatch(gloved(["admin", "copy", "--help"]).stdout, /^  --db /m, "copy --help has no --db");
    // required options are marked as such
    const add = gloved(["admin", "machine", "add", "--help"]).stdout;
    for (const o of ["--enterprise", "--workshop", "--code"]) {
      assert.match(add, new RegExp(`^  ${o} .*\\(required\\)$`, "m"), `machine add --help: ${o} is required`);
    }
    assert.doesNotMatch(add, /^ {2}--kind .*\(required\)$/m, "machine add --help: --kind is optional");

    const main = gloved(["--help"]);
    assert.equal(main.status, 0);
    for (const c of ["serve", "demo", "admin", "sim", "version", "help"]) {
      assert.match(main.stdout, new RegExp(`^  ${c} `, "m"), `gloved --help lists ${c}`);
    }
    assert.match(gloved(["version"]).stdout, /^gloved \d+\.\d+\.\d+\n$/);
  });

  it("migrate creates the schema, is safe to run again, and refuses a database newer than the binary", () => {
    const mdb = path.join(tmp, "migrate.db");
    const first = gloved(["admin", "migrate", "--db", mdb]);
    assert.equal(first.status, 0, first.stderr);
    const m = first.stdout.match(/^schema version (\d+): up to date$/m);
    assert.ok(m, first.stdout);
    assert.equal(sqlite(mdb, "PRAGMA user_version"), m[1]);
    const tables = sqlite(mdb, "SELECT count(*) FROM sqlite_master WHERE type = 'table'");
    const again = gloved(["admin", "migrate", "--db", mdb]);
    assert.equal(again.status, 0, again.stderr);
    assert.equal(again.stdout, first.stdout);
    assert.equal(sqlite(mdb, "SELECT count(*) FROM sqlite_master WHERE type = 'table'"), tables);
    sqlite(mdb, `PRAGMA user_version = ${Number(m[1]) + 1}`);
    const newer = gloved(["admin", "migrate", "--db", mdb]);
    assert.equal(newer.status, 1);
    assert.match(newer.stderr, /newer than this gloved/);
    assert.equal(sqlite(mdb, "PRAGMA user_version"), String(Number(m[1]) + 1), "left as it was");
  });

  it("refuses a missing required option, an unknown option and an unknown command with exit 2", () => {
    const cases = [
      [["enterprise", "add", "--name", "平邑甲厂"], /^gloved admin enterprise add: --code is required\n$/],
      [["enterprise", "add", "--code", ENT, "--name", "平邑甲厂", "--colour", "red"], /unknown option '--colour'/],
      [["workshop", "add", "--enterprise", ENT, "--code", "W1"], /--name is required/],
      [["machine", "add", "--enterprise", ENT, "--code", "K001"], /--workshop is required/],
      [["token", "add", "--name", "gw"], /--enterprise is required/],
      [["user", "list", "--enterprise", ENT], /unknown option '--enterprise'/],
      [["rebuild", "--to", "2026-11-01"], /--from is required/],
      [["mqtt-acl", "--broker-user", "gloved"], /--out-dir is required/],
      [["enterprise", "add", "--code", ENT, "--name"], /--name needs a value/],
      [["enterprise", "add", "--code", "", "--name", "x"], /--code is required/],
      [["factory", "add", "--code", ENT], /unknown command 'factory'/],
      [["enterprise", "remove", "--code", ENT], /unknown command 'enterprise remove'/],
      [["enterprise"], /'enterprise' needs a verb: add list/],
      [["enterprise", "list", "extra"], /unexpected argument 'extra'/],
      [["copy", "--from", "a.db", "--to", "postgresql://x@127.0.0.1:1/x"], /^gloved admin copy: takes no --db/],
    ];
    for (const [args, re] of cases) {
      const r = gloved(["admin", "--db", db, ...args]);
      assert.equal(r.status, 2, `gloved admin ${args.join(" ")}: exit ${r.status}, ${r.stderr}`);
      assert.match(r.stderr, re, `gloved admin ${args.join(" ")}`);
      assert.equal(r.stderr.trim().split("\n").length, 1, `one line: ${r.stderr}`);
      assert.equal(r.stdout, "", `gloved admin ${args.join(" ")} prints nothing on stdout`);
    }
    assert.equal(fs.existsSync(db), false, "a refused command does not even create the database");
    const noFrom = gloved(["admin", "copy", "--to", "postgresql://x@127.0.0.1:1/x"]);
    assert.equal(noFrom.status, 2);
    assert.match(noFrom.stderr, /^gloved admin copy: --from is required\n$/);
    const bare = gloved(["admin"]);
    assert.equal(bare.status, 2);
    assert.match(bare.stderr, /^usage: gloved admin/);
  });

  it("registers a firm: enterprise, workshop, machines, gateway token, users", async (t) => {
    const admin = (...args) => runAdmin(db, args);
    assert.equal(admin("enterprise", "add", "--code", ENT, "--name", "平邑县鑫达手套有限公司", "--town", "平邑"), "");
    assert.equal(admin("workshop", "add", "--enterprise", ENT, "--code", "W1", "--name", "织造一车间"), "");
    admin("machine", "add", "--enterprise", ENT, "--workshop", "W1", "--code", "K001");
    admin("machine", "add", "--enterprise", ENT, "--workshop", "W1", "--code", "S001", "--kind", "sewing",
      "--gauge", "13", "--cycle-ms", "120000", "--counter-bits", "16");
    const token = admin("token", "add", "--enterprise", ENT, "--name", "gw-1");
    assert.match(token, /^gw_[A-Za-z0-9_-]{20,}$/, "token add prints the new token");
    admin("user", "add", "--username", "boss", "--role", "enterprise_admin", "--enterprise", ENT, "--password", PASSWORD);
    runAdmin(db, ["user", "add", "--username", "root", "--role", "cluster_admin", "--password-stdin"], { input: `${PASSWORD}\n` });

    // a second enterprise with the same code, and a machine in a workshop
    // that does not exist, are refused with exit 1 and change nothing
    const dup = gloved(["admin", "--db", db, "enterprise", "add", "--code", ENT, "--name", "again"]);
    assert.equal(dup.status, 1);
    assert.match(dup.stderr, /enterprise 'PY01' already exists/);
    const nows = gloved(["admin", "--db", db, "machine", "add", "--enterprise", ENT, "--workshop", "W9", "--code", "K009"]);
    assert.equal(nows.status, 1);
    assert.match(nows.stderr, /no workshop 'W9' in PY01/);
    const noent = gloved(["admin", "--db", db, "machine", "list", "--enterprise", "NOPE"]);
    assert.equal(noent.status, 1);
    assert.match(noent.stderr, /no enterprise 'NOPE'/);

    assert.equal(admin("enterprise", "list"), `${ENT}\t平邑县鑫达手套有限公司\t平邑`);
    const entId = sqlite(db, `SELECT id FROM enterprise WHERE code = '${ENT}'`);
    assert.equal(admin("workshop", "list", "--enterprise", ENT), `${entId}\tW1\t织造一车间`);
    assert.deepEqual(admin("machine", "list", "--enterprise", ENT).split("\n").sort(), [
      `${entId}\tK001\tknitting\t0\t0\t64`,
      `${entId}\tS001\tsewing\t13\t120000\t16`,
    ]);
    assert.deepEqual(admin("user", "list").split("\n").sort(), ["boss\tenterprise_admin\t" + entId, "root\tcluster_admin\t0"]);
    assert.equal(
      sqlite(db, "SELECT g.name, e.code, g.revoked FROM gateway g JOIN enterprise e ON e.id = g.enterprise_id"),
      `gw-1\t${ENT}\t0`,
    );
    assert.equal(sqlite(db, `SELECT count(*) FROM gateway WHERE instr(token_hash, '${token}') > 0`), "0", "the token is kept hashed");
    assert.doesNotMatch(sqlite(db, "SELECT pw_hash FROM user_account"), new RegExp(PASSWORD), "passwords are kept hashed");

    // the daemon on this database takes the token and the logins
    const daemon = await startDaemon({ dir: tmp, t });
    tmp = null; // the daemon's folder now: it removes it when it stops
    const session = await login(daemon.url, "boss", PASSWORD);
    await login(daemon.url, "root", PASSWORD);
    await postOk(daemon.url, token, [{ machine: "K001", ts: Date.now() - 60000, count: 10, state: "run" }]);
    const m = await machines(daemon.url, session);
    assert.ok(m.has(`${ENT}/K001`) && m.has(`${ENT}/S001`), `the API lists the machines: ${[...m.keys()]}`);
    await daemon.stop();
  });
});
