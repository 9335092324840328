// SPDX-License-Identifier: Apache-2.0
// `gloved demo` for the tests of its seed (tests/integration/demo.test.mjs,
// tests/e2e/demo.test.mjs): on a free port, without MQTT, its database in a
// temporary folder. startDemo() resolves {url, stop} once /healthz answers;
// stop() sends SIGTERM (SIGKILL after 20 s), removes the folder and throws
// when the demo did not exit with 0 (a sanitizer report, a crash).

import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { GLOVED_BIN, SOURCE_DIR, freePort, waitFor } from "./harness.mjs";

export const DEMO_PASSWORD = "gloved-demo";

export async function startDemo() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gloved-demo-test-"));
  const logPath = path.join(dir, "demo.log");
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const log = fs.openSync(logPath, "w");
  const args = ["demo", "--db", path.join(dir, "gloved.db"), "--listen", `127.0.0.1:${port}`, "--no-mqtt"];
  args.push("--web-root", path.join(SOURCE_DIR, "web"), "--vendor-dir", path.join(SOURCE_DIR, "node_modules", "echarts", "dist"));
  const child = spawn(GLOVED_BIN, args, {
    stdio: ["ignore", log, log],
    env: { ...process.env, ASAN_OPTIONS: process.env.ASAN_OPTIONS || "detect_leaks=1" },
  });
  fs.closeSync(log);
  // a test process that ends without its after hook leaves no demo behind
  const reap = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    fs.rmSync(dir, { recursive: true, force: true });
  };
  process.once("exit", reap);
  const exit = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  const logText = () => fs.readFileSync(logPath, "utf8").slice(-8000);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    let res = { code: child.exitCode, signal: child.signalCode };
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      res = await Promise.race([exit, new Promise((r) => setTimeout(() => r(null), 20000))]);
      if (!res) {
        child.kill("SIGKILL");
        await exit;
      }
    }
    const text = logText();
    process.removeListener("exit", reap);
    fs.rmSync(dir, { recursive: true, force: true });
    if (!res || res.code !== 0) throw new Error(`gloved demo ${res ? `exited with ${res.code ?? res.signal}` : "did not stop"}:\n${text}`);
  };
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`gloved demo exited (${child.exitCode}) during start-up`);
        const r = await fetch(url + "/healthz", { signal: AbortSignal.timeout(2000) }).catch(() => null);
        if (r) await r.arrayBuffer();
        return r?.status === 200;
      },
      { timeoutMs: 180000, intervalMs: 250, what: "gloved demo /healthz" },
    );
  } catch (e) {
    const text = logText();
    await stop().catch(() => {});
    throw new Error(`${e.message}\n${text}`);
  }
  return { url, stop };
}
