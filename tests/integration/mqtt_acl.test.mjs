// SPDX-License-Identifier: Apache-2.0
// Integration: broker credentials from `gloved admin mqtt-acl` in the real
// mosquitto. The broker runs with the generated password_file and acl_file
// and allow_anonymous false; the daemon logs in as the host user. A firm-A
// gateway's report under A's topic reaches the daemon; the same gateway
// publishing under firm B's topic is not delivered (mosquitto drops it
// silently); B's own gateway can publish under B's topics; a wrong password
// and an anonymous client are refused.
//
// Run: GLOVED_BIN=build/gloved GLOVED_SOURCE_DIR=$PWD node --test tests/integration/mqtt_acl.test.mjs

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { MOSQUITTO_PUB_BIN, freePort, login, startBroker, startDaemon, waitFor } from "../lib/harness.mjs";
import { HOUR, health, machines, metrics, stopAll } from "../lib/integration.mjs";

const A = "PY01";
const B = "GM01";
const ADMIN = "boss";
const PASSWORD = "mqtt-acl-pass-1";
const WAIT = { timeoutMs: 30000, intervalMs: 100 };

// mosquitto_pub with a user name and password; returns the exit status.
function pub(port, user, password, topic, message) {
  const args = ["-h", "127.0.0.1", "-p", String(port), "-q", "1", "-t", topic, "-m", JSON.stringify(message)];
  if (user) args.push("-u", user, "-P", password);
  const r = spawnSync(MOSQUITTO_PUB_BIN, args, { encoding: "utf8", timeout: 15000 });
  if (r.error) throw new Error(`mosquitto_pub: ${r.error.message}`);
  return r.status;
}

describe("broker credentials from gloved admin mqtt-acl", { timeout: 180000 }, () => {
  let broker, daemon, session, tmp, port;
  const creds = new Map(); // user -> {password, ent}
  let aclText, passwdText;

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "gloved-acl-"));
    const aclDir = path.join(tmp, "broker");
    const ini = path.join(tmp, "gloved.ini");
    port = await freePort();
    daemon = await startDaemon({
      mqttPort: port,
      extraArgs: ["--config", ini, "--offline-after", "86400"],
      setup: async (admin) => {
        admin("enterprise", "add", "--code", A, "--name", "平邑甲厂");
        admin("enterprise", "add", "--code", B, "--name", "高密乙厂");
        admin("workshop", "add", "--enterprise", A, "--code", "W1", "--name", "一车间");
        admin("workshop", "add", "--enterprise", B, "--code", "W1", "--name", "一车间");
        admin("machine", "add", "--enterprise", A, "--workshop", "W1", "--code", "K1");
        admin("machine", "add", "--enterprise", B, "--workshop", "W1", "--code", "G1");
        admin("token", "add", "--enterprise", A, "--name", "gw-a");
        admin("token", "add", "--enterprise", B, "--name", "gw-b");
        admin("user", "add", "--username", ADMIN, "--role", "cluster_admin", "--password", PASSWORD);
        const out = admin("mqtt-acl", "--out-dir", aclDir, "--broker-user", "gloved");
        assert.match(out, /3 broker users/);
        for (const line of fs.readFileSync(path.join(aclDir, "credentials.txt"), "utf8").split("\n")) {
          if (!line || line.startsWith("#")) continue;
          const [user, password, ent] = line.split(" ");
          creds.set(user, { password, ent });
        }
        assert.equal(fs.statSync(path.join(aclDir, "credentials.txt")).mode & 0o777, 0o600, "credentials.txt is 0600");
        aclText = fs.readFileSync(path.join(aclDir, "acl"), "utf8");
        passwdText = fs.readFileSync(path.join(aclDir, "passwd"), "utf8");
        fs.writeFileSync(ini, `[mqtt]\nusername = gloved\npassword = ${creds.get("gloved").password}\n`, { mode: 0o600 });
        broker = await startBroker({
          port,
          conf: [
            "allow_anonymous false",
            `password_file ${path.join(aclDir, "passwd")}`,
            `acl_file ${path.join(aclDir, "acl")}`,
            // mosquitto started as root drops to the `mosquitto` user unless told
            // otherwise, and could not read our 0600 files then
            `user ${os.userInfo().username}`,
          ],
        });
      },
    });
    session = await login(daemon.url, ADMIN, PASSWORD);
  });

  after(async () => {
    await stopAll(daemon, broker);
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("writes one user per gateway, hashed the mosquitto way, and firm-only ACLs", () => {
    assert.deepEqual([...creds.keys()].sort(), ["GM01.gw-b", "PY01.gw-a", "gloved"]);
    for (const line of passwdText.trim().split("\n")) assert.match(line, /^[A-Za-z0-9_.-]+:\$7\$101\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]{88}$/);
    assert.match(aclText, /user PY01\.gw-a\ntopic write gloved\/v1\/PY01\/#\ntopic readwrite spBv1\.0\/PY01\/#\n/);
    assert.match(aclText, /user GM01\.gw-b\ntopic write gloved\/v1\/GM01\/#\ntopic readwrite spBv1\.0\/GM01\/#\n/);
    assert.match(aclText, /user gloved\ntopic read #\n/);
    assert.ok(!/PY01[^\n]*\n[^#]*gloved\/v1\/GM01/.test(aclText.split("user GM01")[0]), "A's block names no B topic");
  });

  it("lets the daemon in with its host user", async () => {
    await waitFor(async () => (await health(daemon.url)).json?.mqtt === "connected", { ...WAIT, what: "mqtt connected as gloved" });
  });

  it("delivers firm A's gateway under A's topics and not under B's", async () => {
    const { password } = creds.get("PY01.gw-a");
    const ts0 = Date.now() - HOUR;
    const lastSeen = async (ent, m) => (await machines(daemon.url, session)).get(`${ent}/${m}`).last_seen;
    // The daemon may still be subscribing: repeat the first report (a duplicate
    // changes nothing) until it shows.
    await waitFor(
      async () => {
        assert.equal(pub(port, "PY01.gw-a", password, `gloved/v1/${A}/K1/report`, { ts: ts0, count: 100, state: "run" }), 0);
        return (await lastSeen(A, "K1")) === ts0;
      },
      { ...WAIT, intervalMs: 500, what: "A's report to arrive" },
    );
    const m0 = await metrics(daemon.url);
    // under B's topic: the broker takes it (QoS 1 PUBACK) but delivers nothing
    assert.equal(pub(port, "PY01.gw-a", password, `gloved/v1/${B}/G1/report`, { ts: ts0, count: 5, state: "run" }), 0);
    assert.equal(pub(port, "PY01.gw-a", password, `spBv1.0/${B}/NBIRTH/edge`, { ts: ts0 }), 0);
    // then a marker under A's topic: once it is in, the B message would be too
    assert.equal(pub(port, "PY01.gw-a", password, `gloved/v1/${A}/K1/report`, { ts: ts0 + 60000, count: 110, state: "run" }), 0);
    await waitFor(async () => (await lastSeen(A, "K1")) === ts0 + 60000, { ...WAIT, what: "A's second report" });
    const m1 = await metrics(daemon.url);
    assert.equal(m1.gloved_mqtt_messages_total - m0.gloved_mqtt_messages_total, 1, "only A's own message was delivered");
    assert.equal(m1.gloved_mqtt_rejected_total, m0.gloved_mqtt_rejected_total);
    const ms = await machines(daemon.url, session);
    assert.equal(ms.get(`${B}/G1`).state, "unknown", "B's machine never heard of");
    assert.equal(ms.get(`${A}/K1`).good_today >= 0, true);
  });

  it("delivers firm B's own gateway under B's topics", async () => {
    const { password } = creds.get("GM01.gw-b");
    const ts = Date.now() - HOUR / 2;
    assert.equal(pub(port, "GM01.gw-b", password, `gloved/v1/${B}/G1/report`, { ts, count: 7, state: "run" }), 0);
    await waitFor(async () => (await machines(daemon.url, session)).get(`${B}/G1`).last_seen === ts, { ...WAIT, what: "B's report" });
  });

  it("refuses a wrong password and anonymous clients", () => {
    assert.notEqual(pub(port, "PY01.gw-a", "not-the-password", `gloved/v1/${A}/K1/report`, { ts: Date.now(), count: 1, state: "run" }), 0);
    assert.notEqual(pub(port, null, null, `gloved/v1/${A}/K1/report`, { ts: Date.now(), count: 1, state: "run" }), 0);
    assert.notEqual(pub(port, "GM01.gw-b", creds.get("PY01.gw-a").password, `gloved/v1/${B}/G1/report`, { ts: Date.now(), count: 1, state: "run" }), 0);
  });
});
