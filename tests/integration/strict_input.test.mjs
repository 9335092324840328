// SPDX-License-Identifier: Apache-2.0
// Integration: what no handler can see once a request is parsed is refused
// before any route runs (src/http/router.c): a NUL inside a JSON string or a
// query parameter (a C string would end there and the rest be dropped
// silently), invalid UTF-8 and control characters in a parameter; and an
// error message never carries invalid UTF-8, whatever the caller sent.
//
// Run: GLOVED_BIN=build/gloved GLOVED_SOURCE_DIR=$PWD node --test tests/integration/strict_input.test.mjs

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { api, login, startDaemon } from "../lib/harness.mjs";
import { stopAll } from "../lib/integration.mjs";

const F = "SI01";
const PW = "strict-pass-0001";

describe("strict input: NUL, invalid UTF-8 and control characters", () => {
  let daemon, tok;

  before(async () => {
    daemon = await startDaemon({
      setup: (admin) => {
        admin("enterprise", "add", "--code", F, "--name", "严格厂", "--town", "嘉祥");
        admin("workshop", "add", "--enterprise", F, "--code", "W1", "--name", "一车间");
        admin("machine", "add", "--enterprise", F, "--workshop", "W1", "--code", "M1");
        admin("user", "add", "--username", "boss", "--role", "enterprise_admin", "--enterprise", F, "--password", PW);
      },
    });
    tok = await login(daemon.url, "boss", PW);
  });

  after(async () => {
    await stopAll(daemon);
  });

  const refused = (r, what, word) => {
    assert.equal(r.status, 400, `${what}: ${r.status} ${r.text}`);
    assert.equal(r.json?.error?.code, "bad_request", `${what}: ${r.text}`);
    if (word) assert.match(r.json.error.message, word, what);
  };

  it("refuses a NUL escaped inside a JSON string and writes nothing", async () => {
    const r = await api(daemon.url, tok, "POST", "/api/v1/gateway-tokens", '{"enterprise":"SI01","name":"x\\u0000y"}');
    refused(r, "gateway token name with \\u0000", /NUL/);
    const h = await api(daemon.url, tok, "POST", "/api/v1/households", '{"enterprise":"SI01","code":"H1\\u0000z","name":"王","village":"v","phone":"1","rate_pct":100}');
    refused(h, "household code with \\u0000", /NUL/);
    const hs = await api(daemon.url, tok, "GET", `/api/v1/households?enterprise=${F}`);
    assert.equal(hs.status, 200, hs.text);
    assert.equal(JSON.stringify(hs.json).includes("H1"), false, "no household was added");
  });

  it("refuses a raw zero byte in a JSON body", async () => {
    const body = new Uint8Array(Buffer.from('{"enterprise":"SI01","name":"a\u0000b"}', "utf8"));
    const r = await api(daemon.url, tok, "POST", "/api/v1/gateway-tokens", body);
    refused(r, "zero byte in the body", /NUL/);
  });

  it("keeps an escaped backslash followed by u0000 as text", async () => {
    // the JSON string is  a\u0000b  with a literal backslash: no NUL in it
    const r = await api(daemon.url, tok, "POST", "/api/v1/gateway-tokens", '{"enterprise":"SI01","name":"gw\\\\u0000"}');
    assert.equal(r.status, 201, r.text);
  });

  it("refuses a NUL in a query parameter instead of cutting the value", async () => {
    refused(await api(daemon.url, tok, "GET", `/api/v1/machines?enterprise=${F}%00junk`), "enterprise=SI01%00junk", /'enterprise'/);
    refused(await api(daemon.url, tok, "GET", `/api/v1/output?enterprise=${F}&machine=M1%00x`), "machine=M1%00x", /'machine'/);
    const ok = await api(daemon.url, tok, "GET", `/api/v1/machines?enterprise=${F}`);
    assert.equal(ok.status, 200, ok.text);
  });

  it("refuses invalid UTF-8 and control characters in a parameter, and never echoes invalid bytes", async () => {
    for (const q of [`enterprise=${F}&machine=%ff%fe`, `enterprise=${F}&machine=%c0%af`, `enterprise=${F}&machine=a%0Ab`, `enterprise=${F}&machine=%ed%a0%80`]) {
      const res = await fetch(`${daemon.url}/api/v1/output?${q}`, { headers: { Authorization: `Bearer ${tok}` } });
      const bytes = new Uint8Array(await res.arrayBuffer());
      const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes); // throws on invalid UTF-8
      assert.equal(res.status, 400, `${q}: ${res.status} ${text}`);
      assert.equal(JSON.parse(text).error.code, "bad_request", q);
    }
    // a parameter's name with invalid bytes is not quoted
    const res = await fetch(`${daemon.url}/api/v1/machines?enterprise=${F}&%ff=1`, { headers: { Authorization: `Bearer ${tok}` } });
    const text = new TextDecoder("utf-8", { fatal: true }).decode(new Uint8Array(await res.arrayBuffer()));
    assert.equal(res.status, 400, text);
    assert.match(JSON.parse(text).error.message, /name/);
  });

  it("lets Chinese text through", async () => {
    const r = await api(daemon.url, tok, "POST", "/api/v1/gateway-tokens", { enterprise: F, name: "网关-一号" });
    assert.equal(r.status, 201, r.text);
    const w = await api(daemon.url, tok, "GET", `/api/v1/machines?enterprise=${F}&workshop=${encodeURIComponent("一车间")}`);
    assert.notEqual(w.status, 400, w.text);
  });
});
