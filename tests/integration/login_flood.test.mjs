// SPDX-License-Identifier: Apache-2.0
// Integration: a flood of wrong-password logins cannot take the daemon's
// memory. Each argon2id check holds 64 MiB; gloved runs at most
// [http] password_hashes of them at once (src/util/secret.c) and a login
// beyond them waits its turn, or gets 503 when none comes within
// [http] password_wait_ms. The peak resident memory (VmHWM) is read from
// /proc; before the gate, 32 logins at once took it to 1.9 GiB. Failed
// logins lock the name and, past [http] address_fails, the address.
//
// Run: GLOVED_BIN=build/gloved GLOVED_SOURCE_DIR=$PWD node --test tests/integration/login_flood.test.mjs

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import http from "node:http";
import { describe, it } from "node:test";
import { api, login, startDaemon } from "../lib/harness.mjs";
import { stopAll } from "../lib/integration.mjs";

const PW = "flood-pass-0001";
const MIB = 1024 * 1024;

function peakRss(pid) {
  const m = readFileSync(`/proc/${pid}/status`, "utf8").match(/^VmHWM:\s+(\d+) kB/m);
  assert.ok(m, "VmHWM in /proc/<pid>/status");
  return Number(m[1]) * 1024;
}

// A login from a local address of its own (127.0.0.x, still loopback): one
// address has one turn at the password checks at once, so a crowd of
// logins at once comes from a crowd of addresses.
function loginFrom(url, from, body) {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, path: "/api/v1/login", method: "POST", localAddress: from, agent: false, headers: { "Content-Type": "application/json", Connection: "close" } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (text += d));
      res.on("end", () => {
        let json = null;
        try {
          json = JSON.parse(text);
        } catch {}
        resolve({ status: res.statusCode, text, json });
      });
    });
    req.on("error", reject);
    req.end(JSON.stringify(body));
  });
}

const setup = (admin) => {
  admin("user", "add", "--username", "root", "--role", "cluster_admin", "--password", PW);
};

describe("login flood", { timeout: 300000 }, () => {
  it("32 wrong-password logins at once: all answered 401, peak memory bounded, a right login works", async (t) => {
    const daemon = await startDaemon({ t, setup });
    try {
      const before = peakRss(daemon.child.pid);
      const names = Array.from({ length: 32 }, (_, i) => (i % 2 ? `nobody${i}` : "root"));
      const rs = await Promise.all(names.map((u, i) => loginFrom(daemon.url, `127.0.0.${10 + i}`, { username: u, password: "wrong-password-1" })));
      const statuses = rs.map((r) => r.status);
      // the first failures for root lock it (429) once five are counted
      for (const r of rs) assert.ok(r.status === 401 || r.status === 429, `${r.status} ${r.text}`);
      assert.ok(statuses.filter((s) => s === 401).length >= 16, statuses.join(","));
      const peak = peakRss(daemon.child.pid);
      // 2 checks at once are 128 MiB above the resting daemon; 32 would be 2 GiB
      assert.ok(peak - before < 256 * MIB, `peak RSS grew by ${Math.round((peak - before) / MIB)} MiB (from ${Math.round(before / MIB)} MiB)`);
      const good = await api(daemon.url, null, "POST", "/api/v1/login", { username: "nobody-else", password: PW });
      assert.equal(good.status, 401, good.text);
    } finally {
      await stopAll(daemon);
    }
  });

  it("with no wait, logins beyond the gate get 503 with a JSON error, and a 503 is not a failed login", async (t) => {
    const daemon = await startDaemon({ t, setup, extraArgs: ["--password-hashes", "1", "--password-wait-ms", "0"] });
    try {
      const rs = await Promise.all(Array.from({ length: 12 }, (_, i) => loginFrom(daemon.url, `127.0.0.${10 + i}`, { username: "root", password: PW })));
      const busy = rs.filter((r) => r.status === 503);
      const ok = rs.filter((r) => r.status === 200);
      assert.equal(busy.length + ok.length, rs.length, rs.map((r) => `${r.status} ${r.text}`).join("\n"));
      assert.ok(busy.length >= 1, "some logins found the one turn taken");
      for (const r of busy) {
        assert.equal(r.json?.error?.code, "unavailable", r.text);
        assert.match(r.json.error.message, /try again/);
      }
      // 503s were not counted as failures: root is not locked
      assert.ok((await login(daemon.url, "root", PW)).length > 0);
    } finally {
      await stopAll(daemon);
    }
  });

  it("failed logins from one address lock the address, whatever the names", async (t) => {
    const daemon = await startDaemon({ t, setup, extraArgs: ["--address-fails", "10"] });
    try {
      // ten names, one failure each: no name is locked, the address is
      for (let i = 0; i < 10; i++) {
        const r = await api(daemon.url, null, "POST", "/api/v1/login", { username: `spray${i}`, password: "wrong-password-1" });
        assert.equal(r.status, 401, r.text);
      }
      const r = await api(daemon.url, null, "POST", "/api/v1/login", { username: "root", password: PW });
      assert.equal(r.status, 429, r.text);
      assert.equal(r.json?.error?.code, "too_many_requests", r.text);
      assert.match(r.json.error.message, /address/);
    } finally {
      await stopAll(daemon);
    }
  });
});
