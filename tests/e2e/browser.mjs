// SPDX-License-Identifier: Apache-2.0
// What every e2e test does with the browser, written once: launching
// Debian's Chromium headless, watching a page (page errors, requests that
// leave the daemon, API calls per path) and waiting for a text to be shown.
// A test waits for the state it means (a text, an attribute), never for a
// fixed time: waitText() polls the page until the locator's text is the one
// expected and fails with the last text it saw.

import { chromium } from "playwright-core";
import { waitFor } from "../lib/harness.mjs";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export function launchChromium() {
  return chromium.launch({ executablePath: process.env.CHROMIUM_BIN || "/usr/bin/chromium", args: CHROMIUM_ARGS });
}

// Records on `page` what the tests check at the end: uncaught page errors,
// requests to anything but the daemon (data: and blob: URLs are local), and
// how often each /api/ path was asked. onRequest(req, pathname), if given,
// sees every request to the daemon.
export function watchPage(page, daemonUrl, onRequest) {
  const seen = { pageErrors: [], foreignRequests: [], apiCalls: new Map() };
  page.on("pageerror", (e) => seen.pageErrors.push(String(e)));
  page.on("request", (req) => {
    const u = req.url();
    if (u.startsWith("data:") || u.startsWith("blob:")) return;
    if (!u.startsWith(daemonUrl + "/")) {
      seen.foreignRequests.push(u);
      return;
    }
    const p = new URL(u).pathname;
    if (p.startsWith("/api/")) seen.apiCalls.set(p, (seen.apiCalls.get(p) || 0) + 1);
    if (onRequest) onRequest(req, p);
  });
  return seen;
}

// Runs every teardown step even when one fails (the browser, then the
// daemon and broker, so that no process is left behind); throws the first
// failure after all ran.
export async function stopAll(steps) {
  const errors = [];
  for (const step of steps) {
    try {
      await step();
    } catch (e) {
      errors.push(e);
    }
  }
  if (errors.length) throw errors[0];
}

// The trimmed text of a locator as it is now.
export async function textOf(locator) {
  return (await locator.innerText()).trim();
}

// Waits until the locator's trimmed text equals `expected` (a string) or
// matches it (a RegExp); returns the text. Fails after timeoutMs with the
// last text seen.
export async function waitText(locator, expected, { timeoutMs = 10000 } = {}) {
  let last = "(no element)";
  const ok = (s) => (typeof expected === "string" ? s === expected : expected.test(s));
  try {
    return await waitFor(
      async () => {
        last = (await locator.innerText({ timeout: 1000 })).trim();
        return ok(last) && last;
      },
      { timeoutMs, what: `${locator} to show ${expected}` },
    );
  } catch (e) {
    e.message += ` (last shown: "${last}")`;
    throw e;
  }
}
