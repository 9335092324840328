// SPDX-License-Identifier: Apache-2.0
// gloved scan page (/scan.html): a worker on a phone, or a keyboard-wedge
// scanner at a station, reports bundle-operation tickets with
// POST /api/v1/scans (docs/internals/sewn.md). Stand-alone ES module: it
// imports nothing from the dashboard but dom.js's helpers and carries its
// own zh-CN/en strings.
//
// Every scan first goes into a queue kept in localStorage (with its scan_id
// and the time it was scanned) and is then sent in order; it leaves the
// queue only on a definitive answer (2xx, or a 4xx other than 401/408/429).
// A network error or a 5xx keeps it there, and the rest of the queue waits
// behind it; the queue is sent again on the `online` event, on load, after
// a login, when the page becomes visible and, while it is not empty, on a
// backoff timer. The server answers a repeated scan_id with the first
// result and "repeat": true, so a scan sent twice never counts twice.

import { el, safeTz } from "./dom.js";

const LANG_KEY = "gloved.lang"; // shared with the dashboard
const QUEUE_KEY = "gloved.scan.queue";
const FAILED_KEY = "gloved.scan.failed";
const WORKER_KEY = "gloved.scan.worker";
const USER_KEY = "gloved.scan.user";
// The dashboard's note that this browser holds a session (app.js asks
// /api/v1/me on load only when it is "1"); kept true here too.
const SESSION_KEY = "gloved.session";
const SEND_TIMEOUT_MS = 10000;
const RETRY_MIN_MS = 5000;
const RETRY_MAX_MS = 60000;
const QUEUE_MAX = 5000;
const FAILED_MAX = 200;
const RECENT_MAX = 10;
const CLOCK_SKEW_MS = 120000;
const CAMERA_REPEAT_MS = 4000; // the same QR code in view is read once
// <bundle id>-<op seq>-<MAC>; loose on purpose: the server verifies it.
const CODE_RE = /^[0-9]{1,18}-[0-9]{1,4}-[0-9A-Z]{4,16}$/;

// ---------------------------------------------------------------- strings

const STRINGS = {
  "zh-CN": {
    "app.title": "扫码报工",
    "lang.switch": "EN",
    "lang.switch.title": "Switch to English",
    logout: "退出",
    "logout.confirm": "还有 {n} 条扫描未发送，退出后要等此账号再次登录才会发送。仍要退出吗？",
    "login.title": "登录",
    "login.username": "用户名",
    "login.password": "密码",
    "login.submit": "登录",
    "login.wrong": "用户名或密码不对",
    "login.locked": "登录失败次数太多，请 5 分钟后再试",
    "login.network": "连不上服务器，请检查网络",
    "login.expired": "登录已过期，请重新登录；未发送的扫描已保存",
    "user.worker": "{user}（工号 {worker}）",
    "worker.label": "工号",
    "worker.missing": "请先填写工号",
    "code.label": "工票号（扫码或输入后按回车）",
    "code.submit": "提交",
    "code.bad": "工票号格式不对：{code}",
    "camera.open": "扫码",
    "camera.close": "关闭摄像头",
    "camera.hint": "把工票上的二维码对准摄像头",
    "camera.error": "无法打开摄像头：{msg}",
    "net.online": "在线",
    "net.offline": "离线",
    "ok.title": "✓ {op} · {qty}",
    "ok.detail": "款式 {style} · 第 {bundle} 扎 · 订单 {order}",
    "ok.worker": "工号 {worker}",
    "ok.size": "尺码 {size}",
    household: "外发加工户 {name}",
    "ok.repeat": "（此扫描之前已提交，未重复计数）",
    "ok.warning": "注意：{msg}",
    "queued.title": "已离线保存",
    "queued.detail": "网络恢复后自动发送",
    "queued.server": "服务器暂时不可用，已保存，稍后自动发送",
    "queue.count": "已离线保存 {n} 条",
    "queue.send": "立即发送",
    "queue.other": "另有 {n} 条属于其他账号，待其登录后发送",
    "failed.title": "离线扫描未成功",
    "failed.clear": "清除列表",
    "recent.title": "最近扫描",
    "today.pairs": "今日完成",
    "today.pay": "今日计件工资",
    "unit.pair": "{n} 双",
    "unit.dozen": "{n} 打",
    "unit.piece": "{n} 只",
    money: "¥{v}",
    "err.duplicate": "重复扫描：已由 {who} 于 {when} 扫描",
    "err.duplicate.nowho": "重复扫描：此工序已扫描过",
    "err.at_household": "此扎在外发加工户 {household} 处",
    "err.at_household.noname": "此扎在外发加工户处",
    "err.forged_code": "工票无效（校验失败）",
    "err.other_firm": "不是本厂的工票",
    "err.out_of_order": "上道工序未完成",
    "err.out_of_order.op": "上道工序未完成：{op}",
    "err.unknown_code": "未知工票",
    "err.not_released": "订单尚未下达生产",
    "err.forbidden": "此账号无权扫描",
    "err.unauthorized": "请重新登录",
    "err.bad_request": "请求有误：{msg}",
    "err.other": "扫描失败：{msg}",
    "err.title": "✗ {msg}",
    "failed.item": "{code} · {time} · {msg}",
    "recent.ok": "{time} {code} {op} {qty}",
    "recent.err": "{time} {code} {msg}",
  },
  en: {
    "app.title": "Scan tickets",
    "lang.switch": "中",
    "lang.switch.title": "切换到中文",
    logout: "Log out",
    "logout.confirm": "{n} scans are not sent yet; they wait until this account logs in again. Log out anyway?",
    "login.title": "Log in",
    "login.username": "User name",
    "login.password": "Password",
    "login.submit": "Log in",
    "login.wrong": "Wrong user name or password",
    "login.locked": "Too many failed logins; try again in 5 minutes",
    "login.network": "Cannot reach the server; check the network",
    "login.expired": "Session expired; log in again. Unsent scans are kept",
    "user.worker": "{user} (worker {worker})",
    "worker.label": "Worker code",
    "worker.missing": "Enter the worker code first",
    "code.label": "Ticket code (scan, or type and press Enter)",
    "code.submit": "Submit",
    "code.bad": "Not a ticket code: {code}",
    "camera.open": "Camera",
    "camera.close": "Close camera",
    "camera.hint": "Hold the ticket's QR code in front of the camera",
    "camera.error": "Cannot open the camera: {msg}",
    "net.online": "Online",
    "net.offline": "Offline",
    "ok.title": "✓ {op} · {qty}",
    "ok.detail": "Style {style} · bundle {bundle} · order {order}",
    "ok.worker": "Worker {worker}",
    "ok.size": "Size {size}",
    household: "household {name}",
    "ok.repeat": "(already sent before; not counted again)",
    "ok.warning": "Note: {msg}",
    "queued.title": "Saved offline",
    "queued.detail": "It is sent when the network is back",
    "queued.server": "The server is busy; saved, it is sent later",
    "queue.count": "{n} saved offline",
    "queue.send": "Send now",
    "queue.other": "{n} more belong to another account and wait for its login",
    "failed.title": "Offline scans that failed",
    "failed.clear": "Clear the list",
    "recent.title": "Recent scans",
    "today.pairs": "Done today",
    "today.pay": "Piece pay today",
    "unit.pair": "{n} pairs",
    "unit.dozen": "{n} dozen",
    "unit.piece": "{n} pcs",
    money: "¥{v}",
    "err.duplicate": "Already scanned by {who} at {when}",
    "err.duplicate.nowho": "Already scanned",
    "err.at_household": "This bundle is out at household {household}",
    "err.at_household.noname": "This bundle is out at a household",
    "err.forged_code": "Invalid ticket (check failed)",
    "err.other_firm": "Ticket of another firm",
    "err.out_of_order": "The previous operation is not done",
    "err.out_of_order.op": "The previous operation is not done: {op}",
    "err.unknown_code": "Unknown ticket",
    "err.not_released": "The order is not released",
    "err.forbidden": "This account may not scan",
    "err.unauthorized": "Log in again",
    "err.bad_request": "Bad request: {msg}",
    "err.other": "Scan failed: {msg}",
    "err.title": "✗ {msg}",
    "failed.item": "{code} · {time} · {msg}",
    "recent.ok": "{time} {code} {op} {qty}",
    "recent.err": "{time} {code} {msg}",
  },
};

let lang = "zh-CN";

function t(key, vars) {
  const table = STRINGS[lang] || STRINGS["zh-CN"];
  let s = table[key] ?? STRINGS["zh-CN"][key] ?? key;
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (vars[k] === undefined || vars[k] === null ? m : String(vars[k])));
  return s;
}

// ---------------------------------------------------------------- state

const $ = (id) => document.getElementById(id);

const st = {
  user: null, // {username, role, enterprise, worker?}
  tz: undefined, // the daemon's zone (GET /api/v1/me); times are shown in it
  flushing: null, // the running flush's promise
  retryTimer: null,
  retryMs: RETRY_MIN_MS,
  recent: [], // [{id, kind: ok|error|queued, render()}], newest first
  result: null, // the result card: {kind, scanId, code, render() -> {title, detail}}
  today: null, // the last scan answer with today's figures
  audio: null,
  camera: null, // {stream, detector, timer, last, lastAt}
};

function load(key, fallback) {
  try {
    const v = JSON.parse(localStorage.getItem(key));
    return v ?? fallback;
  } catch {
    return fallback;
  }
}

function save(key, value) {
  try {
    localStorage.setItem(key, JSON.stringify(value));
    return true;
  } catch {
    return false;
  }
}

// The queue is read from localStorage each time, so that two tabs (or a
// reload) see one queue.
const readQueue = () => (Array.isArray(load(QUEUE_KEY, [])) ? load(QUEUE_KEY, []) : []);
const writeQueue = (q) => save(QUEUE_KEY, q);
const readFailed = () => (Array.isArray(load(FAILED_KEY, [])) ? load(FAILED_KEY, []) : []);

function newScanId() {
  if (globalThis.crypto?.randomUUID) return crypto.randomUUID();
  const b = new Uint8Array(16);
  if (globalThis.crypto?.getRandomValues) crypto.getRandomValues(b);
  else for (let i = 0; i < 16; i++) b[i] = Math.floor(Math.random() * 256);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function fmtTime(ms) {
  if (!Number.isFinite(ms)) return "";
  return new Intl.DateTimeFormat(lang, { timeZone: st.tz, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(
    new Date(ms),
  );
}

// When an earlier scan was made: the API's local time of the firm
// ("YYYY-MM-DD HH:MM"), only HH:MM when it is of today's date there; else
// `at` (ms) in the daemon's zone.
function whenText(err) {
  const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2})/.exec(err.at_local || "");
  if (m) {
    const today = new Intl.DateTimeFormat("en-CA", { timeZone: st.tz, year: "numeric", month: "2-digit", day: "2-digit" }).format(
      new Date(),
    );
    return m[1] === today ? m[2] : `${m[1].slice(5)} ${m[2]}`;
  }
  return Number.isFinite(err.at) ? fmtTime(err.at) : "—";
}

function qtyText(qty, unit) {
  const n = new Intl.NumberFormat(lang).format(Number(qty) || 0);
  const key = { pair: "unit.pair", pairs: "unit.pair", dozen: "unit.dozen", piece: "unit.piece" }[unit || "pair"];
  return key ? t(key, { n }) : `${n} ${unit}`;
}

// ---------------------------------------------------------------- language

function applyLang() {
  document.documentElement.lang = lang;
  document.title = `${t("app.title")} · gloved`;
  for (const e of document.querySelectorAll("[data-i18n]")) e.textContent = t(e.dataset.i18n);
  $("lang").textContent = t("lang.switch");
  $("lang").title = t("lang.switch.title");
  $("lang").setAttribute("aria-label", t("lang.switch.title"));
  showUser();
  showNet();
  showQueue();
  showFailed();
  showRecent();
  renderResult();
  renderToday();
}

function toggleLang() {
  lang = lang === "en" ? "zh-CN" : "en";
  try {
    localStorage.setItem(LANG_KEY, lang);
  } catch {
    /* private mode */
  }
  applyLang();
}

// ---------------------------------------------------------------- API

// The server refuses a scan time more than 5 minutes ahead of its clock:
// a phone whose clock is off by more than CLOCK_SKEW_MS stamps its scans
// with the server's time, learnt from the Date header of the answers.
function learnClock(date, t0, t1) {
  const server = Date.parse(date || "");
  if (!Number.isFinite(server)) return;
  const off = server + 500 - Math.round((t0 + t1) / 2); // the header has whole seconds
  st.clockOffset = Math.abs(off) > CLOCK_SKEW_MS ? off : 0;
}

function now() {
  return Date.now() + (st.clockOffset || 0);
}

// Reads a JSON answer; {status, json}. Throws on a network error.
async function call(method, path, body) {
  const opts = { method, headers: { Accept: "application/json" }, credentials: "same-origin" };
  if (body !== undefined) {
    opts.headers["Content-Type"] = "application/json";
    opts.body = JSON.stringify(body);
  }
  if (typeof AbortSignal !== "undefined" && AbortSignal.timeout) opts.signal = AbortSignal.timeout(SEND_TIMEOUT_MS);
  const t0 = Date.now();
  const res = await fetch(path, opts);
  learnClock(res.headers.get("Date"), t0, Date.now());
  let json = null;
  try {
    json = await res.json();
  } catch {
    json = null;
  }
  return { status: res.status, json };
}

// ---------------------------------------------------------------- views

function showUser() {
  const u = st.user;
  const box = $("scan-user");
  if (!u) {
    box.hidden = true;
    return;
  }
  box.hidden = false;
  box.textContent = u.worker ? t("user.worker", { user: u.username, worker: u.worker }) : u.username;
  $("worker-field").hidden = isWorker();
}

function showNet() {
  const on = navigator.onLine !== false;
  $("scan-net").dataset.online = String(on);
  $("scan-net").textContent = t(on ? "net.online" : "net.offline");
}

function isWorker() {
  return st.user?.role === "worker";
}

function showView(which) {
  document.body.classList.remove("booting");
  $("login-view").hidden = which !== "login";
  $("scan-view").hidden = which !== "scan";
  $("logout").hidden = which !== "scan";
  if (which === "scan") {
    showUser();
    showQueue();
    showFailed();
    showRecent();
    focusCode();
  } else {
    $("scan-user").hidden = true;
    $("login-username").focus();
  }
}

function focusCode() {
  const w = $("scan-worker");
  if (!isWorker() && !w.value.trim()) w.focus();
  else $("scan-code").focus();
}

function mine(entry) {
  return st.user && entry.user === st.user.username;
}

function showQueue() {
  const q = readQueue().filter((e) => e.queued);
  const own = q.filter(mine).length;
  const other = q.length - own;
  const box = $("queue");
  box.dataset.count = String(own);
  box.hidden = q.length === 0;
  $("queue-count").textContent = t("queue.count", { n: own });
  $("queue-count").hidden = own === 0;
  $("queue-send").hidden = own === 0;
  $("queue-other").hidden = other === 0;
  $("queue-other").textContent = t("queue.other", { n: other });
}

function showFailed() {
  const list = readFailed();
  $("failed").hidden = list.length === 0;
  const ul = $("failed-list");
  ul.textContent = "";
  for (const f of list.slice().reverse()) {
    const li = el("li", "sfailed-item", t("failed.item", { code: f.code, time: fmtTime(f.ts), msg: errorText(f.status, f.error) }));
    li.dataset.scanId = f.scan_id;
    li.dataset.error = f.error?.code || String(f.status);
    ul.append(li);
  }
}

function showRecent() {
  $("recent").hidden = st.recent.length === 0;
  const ul = $("recent-list");
  ul.textContent = "";
  for (const r of st.recent) {
    const li = el("li", `srecent-${r.kind}`, r.render());
    li.dataset.scanId = r.id;
    li.dataset.kind = r.kind;
    ul.append(li);
  }
}

// One line per scan (a queued scan's line is replaced by its result).
function addRecent(id, kind, render) {
  st.recent = st.recent.filter((r) => r.id !== id);
  st.recent.unshift({ id, kind, render });
  st.recent.length = Math.min(st.recent.length, RECENT_MAX);
  showRecent();
}

function showToday(ans) {
  if (!ans || ans.today_pairs === undefined) return;
  // A supervisor scanning for several workers: show the figures of the
  // worker in the field only.
  if (!isWorker() && ans.worker && ans.worker !== $("scan-worker").value.trim()) return;
  st.today = ans;
  renderToday();
}

function renderToday() {
  const ans = st.today;
  $("today").hidden = !ans;
  if (!ans) return;
  $("today-pairs").textContent = qtyText(ans.today_pairs, "pair");
  $("today-pay").textContent = t("money", { v: ans.today_pay ?? "—" });
}

// kind: ok | warn | error | queued; render() gives {title, detail} in the
// current language.
function showResult(kind, scanId, code, render) {
  st.result = { kind, scanId, code, render };
  renderResult();
  const box = $("scan-result");
  // restart the flash animation
  box.classList.remove("flash");
  void box.offsetWidth;
  box.classList.add("flash");
  feedback(kind);
}

function renderResult() {
  const r = st.result;
  const box = $("scan-result");
  box.hidden = !r;
  if (!r) return;
  const { title, detail } = r.render();
  box.dataset.kind = r.kind;
  box.dataset.scanId = r.scanId || "";
  $("scan-result-title").textContent = title;
  const d = $("scan-result-detail");
  d.textContent = "";
  for (const line of Array.isArray(detail) ? detail : [detail]) if (line) d.append(el("div", "", line));
  $("scan-result-code").textContent = r.code || "";
}

function showQueued(entry, server) {
  showResult("queued", entry.scan_id, entry.code, () => ({
    title: t("queued.title"),
    detail: t(server ? "queued.server" : "queued.detail"),
  }));
  addRecent(entry.scan_id, "queued", () => `${fmtTime(entry.ts)} ${entry.code} ${t("queued.title")}`);
}

function okLines(ans) {
  const style = [ans.style, ans.style_name].filter(Boolean).join(" ") || "—";
  const lines = [t("ok.detail", { style, bundle: ans.bundle ?? "—", order: ans.order ?? "—" })];
  if (ans.size) lines.push(t("ok.size", { size: ans.size }));
  if (!isWorker() && ans.worker) lines.push(t("ok.worker", { worker: ans.worker }));
  if (ans.warning) lines.push(t("ok.warning", { msg: warningText(ans.warning) }));
  if (ans.repeat) lines.push(t("ok.repeat"));
  return lines;
}

// The API's warning is an English sentence today; the only warning there
// is (firm setting order_check = warn) is a predecessor not done yet.
function warningText(w) {
  if (w && typeof w === "object") return errorText(200, w);
  const s = String(w);
  if (STRINGS[lang][`err.${s}`]) return t(`err.${s}`);
  if (/not done/i.test(s)) return t("err.out_of_order");
  return s;
}

// The plain-language text of an error answer (`err` is the API's `error`
// object, or null for a network error).
function errorText(status, err) {
  const code = err?.code;
  switch (code) {
    case "duplicate": {
      // {by: worker code} or {household: name}, {at: ms, at_local: "YYYY-MM-DD HH:MM"
      // in the firm's zone}
      const who = err.by || (err.household ? t("household", { name: err.household }) : "");
      if (!who) return t("err.duplicate.nowho");
      return t("err.duplicate", { who, when: whenText(err) });
    }
    case "at_household":
      return err.household ? t("err.at_household", { household: err.household }) : t("err.at_household.noname");
    case "out_of_order": {
      const op = err.op ?? err.missing ?? err.previous;
      const opText = typeof op === "object" && op ? op.name || op.code || op.seq : op;
      return opText ? t("err.out_of_order.op", { op: opText }) : t("err.out_of_order");
    }
    case "forged_code":
    case "other_firm":
    case "unknown_code":
    case "not_released":
    case "forbidden":
    case "unauthorized":
      return t(`err.${code}`);
    case "bad_request":
      return t("err.bad_request", { msg: err.message || "" });
    default:
      if (status === 403) return t("err.forbidden");
      return t("err.other", { msg: err?.message || `HTTP ${status}` });
  }
}

// A short vibration and a beep: one high tone for a good scan, two low
// ones for a refused scan, a middle one for a scan saved offline.
function feedback(kind) {
  try {
    if (navigator.vibrate) navigator.vibrate(kind === "error" ? [120, 80, 120] : kind === "ok" ? 40 : 80);
  } catch {
    /* not allowed */
  }
  try {
    const AC = window.AudioContext || window.webkitAudioContext;
    if (!AC) return;
    st.audio = st.audio || new AC();
    const ac = st.audio;
    if (ac.state === "suspended") ac.resume().catch(() => {});
    const tones = kind === "error" ? [[220, 0], [220, 0.22]] : kind === "ok" ? [[1320, 0]] : [[660, 0]];
    for (const [hz, at] of tones) {
      const o = ac.createOscillator();
      const g = ac.createGain();
      o.type = "square";
      o.frequency.value = hz;
      g.gain.value = 0.08;
      o.connect(g).connect(ac.destination);
      const t0 = ac.currentTime + at;
      o.start(t0);
      o.stop(t0 + (kind === "error" ? 0.18 : 0.09));
    }
  } catch {
    /* no sound */
  }
}

// ---------------------------------------------------------------- scanning

function normalise(raw) {
  // Scanners may add spaces or send lower case; Crockford base32 is case
  // insensitive. A QR code holding a URL with ?code= is accepted too.
  let s = String(raw || "").trim();
  const m = /[?&]code=([^&#]+)/.exec(s);
  if (m) s = decodeURIComponent(m[1]);
  return s.replace(/\s+/g, "").toUpperCase();
}

function submitCode(raw) {
  const code = normalise(raw);
  if (!code) return;
  if (!CODE_RE.test(code)) {
    showResult("error", "", "", () => ({ title: t("err.title", { msg: t("code.bad", { code }) }), detail: "" }));
    return;
  }
  let worker;
  if (!isWorker()) {
    worker = $("scan-worker").value.trim();
    if (!worker) {
      showResult("error", "", code, () => ({ title: t("err.title", { msg: t("worker.missing") }), detail: "" }));
      $("scan-worker").focus();
      return;
    }
    try {
      localStorage.setItem(WORKER_KEY, worker);
    } catch {
      /* private mode */
    }
  }
  const offline = navigator.onLine === false;
  const entry = { scan_id: newScanId(), code, ts: now(), user: st.user.username, live: !offline, queued: offline };
  if (worker) entry.worker = worker;
  const q = readQueue();
  if (q.length >= QUEUE_MAX) q.splice(0, q.length - QUEUE_MAX + 1);
  q.push(entry);
  // localStorage full or unavailable: send it anyway, unsaved
  const saved = writeQueue(q);
  if (offline && saved) {
    showQueue();
    showQueued(entry, false);
    return;
  }
  flush(saved ? null : entry);
}

function removeEntry(scanId) {
  writeQueue(readQueue().filter((e) => e.scan_id !== scanId));
}

function addFailed(entry, status, err) {
  const list = readFailed();
  list.push({ scan_id: entry.scan_id, code: entry.code, ts: entry.ts, worker: entry.worker, status, error: err });
  if (list.length > FAILED_MAX) list.splice(0, list.length - FAILED_MAX);
  save(FAILED_KEY, list);
  showFailed();
}

function body(entry) {
  const b = { code: entry.code, scan_id: entry.scan_id, ts: entry.ts };
  if (entry.worker) b.worker = entry.worker;
  return b;
}

// Sends one scan. Returns "done" (definitive answer), "retry" (network or
// server trouble: keep it and stop) or "login" (session gone: keep it).
async function sendOne(entry) {
  let r;
  try {
    r = await call("POST", "/api/v1/scans", body(entry));
  } catch {
    return { outcome: "retry", server: false };
  }
  if (r.status === 401) return { outcome: "login" };
  if (r.status >= 500 || r.status === 408 || r.status === 429) return { outcome: "retry", server: true };
  return { outcome: "done", status: r.status, json: r.json };
}

// Shows the answer to one scan: in the result card when the worker has
// just made it (or the card still shows it as saved offline), in the list
// of recent scans, and a refused offline scan in the list of failed ones.
function report(entry, res) {
  const ok = res.status >= 200 && res.status < 300;
  const ans = res.json || {};
  const err = ans.error || null;
  const onCard = entry.live || st.result?.scanId === entry.scan_id;
  if (ok) {
    const op = ans.op ?? `#${ans.seq ?? "?"}`;
    const qty = () => qtyText(ans.qty, ans.unit);
    if (onCard)
      showResult(ans.warning ? "warn" : "ok", entry.scan_id, entry.code, () => ({
        title: t("ok.title", { op, qty: qty() }),
        detail: okLines(ans),
      }));
    addRecent(entry.scan_id, "ok", () => t("recent.ok", { time: fmtTime(entry.ts), code: entry.code, op, qty: qty() }));
    showToday(ans);
  } else {
    if (onCard)
      showResult("error", entry.scan_id, entry.code, () => ({
        title: t("err.title", { msg: errorText(res.status, err) }),
        detail: "",
      }));
    if (!entry.live) addFailed(entry, res.status, err);
    addRecent(entry.scan_id, "error", () =>
      t("recent.err", { time: fmtTime(entry.ts), code: entry.code, msg: errorText(res.status, err) }),
    );
  }
}

// Sends the current user's queued scans in order, one at a time; one flush
// runs at a time (a second call waits for the first and then runs again, so
// nothing added meanwhile is left behind). `extra`: a scan that could not
// be saved in localStorage, sent after the queue.
function flush(extra) {
  const prev = st.flushing || Promise.resolve();
  const run = prev.then(() => flushNow(extra));
  st.flushing = run.finally(() => {
    if (st.flushing === guard) st.flushing = null;
  });
  const guard = st.flushing;
  return run;
}

async function flushNow(extra) {
  if (!st.user) return 0;
  clearTimeout(st.retryTimer);
  st.retryTimer = null;
  let sent = 0;
  const seen = new Set();
  for (;;) {
    let entry = readQueue().find((e) => mine(e) && !seen.has(e.scan_id));
    if (!entry && extra && !seen.has(extra.scan_id)) entry = extra;
    if (!entry) break;
    seen.add(entry.scan_id);
    const res = await sendOne(entry);
    if (res.outcome === "done") {
      removeEntry(entry.scan_id);
      report(entry, res);
      sent++;
      st.retryMs = RETRY_MIN_MS;
      continue;
    }
    // keep this one and everything behind it, in order; a scan the worker
    // has just made is shown as saved
    const q = readQueue();
    let liveOne = entry.live ? entry : null;
    for (const e of q) {
      if (!mine(e)) continue;
      if (e.live) liveOne = e;
      e.live = false;
      e.queued = true;
    }
    writeQueue(q);
    if (liveOne) showQueued(liveOne, res.server);
    if (res.outcome === "login") {
      st.user = null;
      showView("login");
      showError("login-error", t("login.expired"));
    } else {
      scheduleRetry();
    }
    break;
  }
  showQueue();
  return sent;
}

function scheduleRetry() {
  clearTimeout(st.retryTimer);
  st.retryTimer = setTimeout(() => {
    st.retryTimer = null;
    flush();
  }, st.retryMs);
  st.retryMs = Math.min(st.retryMs * 2, RETRY_MAX_MS);
}

// ---------------------------------------------------------------- camera

async function cameraSupported() {
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices?.getUserMedia) return false;
  try {
    const formats = await window.BarcodeDetector.getSupportedFormats();
    return formats.includes("qr_code");
  } catch {
    return false;
  }
}

async function openCamera() {
  if (st.camera) return;
  const box = $("camera");
  $("camera-msg").textContent = t("camera.hint");
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
  } catch (e) {
    box.hidden = false;
    $("camera-msg").textContent = t("camera.error", { msg: e.message || e.name });
    return;
  }
  const video = $("camera-video");
  video.srcObject = stream;
  box.hidden = false;
  try {
    await video.play();
  } catch {
    /* autoplay rules: muted + playsinline normally passes */
  }
  const cam = { stream, detector: new window.BarcodeDetector({ formats: ["qr_code"] }), timer: null, last: "", lastAt: 0 };
  st.camera = cam;
  const tick = async () => {
    if (st.camera !== cam) return;
    try {
      if (video.readyState >= 2) {
        const codes = await cam.detector.detect(video);
        const now = Date.now();
        for (const c of codes) {
          const v = normalise(c.rawValue);
          if (!CODE_RE.test(v)) continue;
          if (v === cam.last && now - cam.lastAt < CAMERA_REPEAT_MS) {
            cam.lastAt = now; // still in view
            break;
          }
          cam.last = v;
          cam.lastAt = now;
          submitCode(v);
          break;
        }
      }
    } catch {
      /* a frame that could not be read */
    }
    if (st.camera === cam) cam.timer = setTimeout(tick, 150);
  };
  tick();
}

function closeCamera() {
  const cam = st.camera;
  st.camera = null;
  if (cam) {
    clearTimeout(cam.timer);
    for (const tr of cam.stream.getTracks()) tr.stop();
  }
  $("camera-video").srcObject = null;
  $("camera").hidden = true;
  focusCode();
}

// ---------------------------------------------------------------- login

function showError(id, msg) {
  const e = $(id);
  e.textContent = msg || "";
  e.hidden = !msg;
}

function setUser(u) {
  st.user = u;
  save(USER_KEY, u);
  save(SESSION_KEY, u ? 1 : null);
  if (!isWorker()) {
    let w = "";
    try {
      w = localStorage.getItem(WORKER_KEY) || "";
    } catch {
      /* private mode */
    }
    if (!$("scan-worker").value) $("scan-worker").value = w;
  }
}

async function onLogin(ev) {
  ev.preventDefault();
  showError("login-error", "");
  $("login-submit").disabled = true;
  try {
    const r = await call("POST", "/api/v1/login", {
      username: $("login-username").value.trim(),
      password: $("login-password").value,
    });
    if (r.status === 200 && r.json?.user) {
      $("login-password").value = "";
      setUser(r.json.user);
      await loadMe(); // the zone, and the worker code when the answer has it
      showView("scan");
      flush();
    } else if (r.status === 429) {
      showError("login-error", t("login.locked"));
    } else {
      showError("login-error", t("login.wrong"));
    }
  } catch {
    showError("login-error", t("login.network"));
  } finally {
    $("login-submit").disabled = false;
  }
}

async function onLogout() {
  const own = readQueue().filter(mine).length;
  if (own > 0 && !window.confirm(t("logout.confirm", { n: own }))) return;
  closeCamera();
  try {
    await call("POST", "/api/v1/logout", {});
  } catch {
    /* the cookie goes with the session anyway */
  }
  st.user = null;
  save(USER_KEY, null);
  save(SESSION_KEY, null);
  st.today = null;
  st.result = null;
  st.recent = [];
  renderToday();
  renderResult();
  showView("login");
}

// GET /api/v1/me: true when logged in (st.user set), false on a 401,
// null when the server cannot be reached.
async function loadMe() {
  let r;
  try {
    r = await call("GET", "/api/v1/me");
  } catch {
    return null;
  }
  if (r.status === 200 && r.json?.user) {
    st.tz = safeTz(r.json.timezone);
    setUser(r.json.user);
    return true;
  }
  if (r.status === 401) {
    save(SESSION_KEY, null);
    return false;
  }
  return null;
}

// ---------------------------------------------------------------- start

async function start() {
  try {
    lang = localStorage.getItem(LANG_KEY) === "en" ? "en" : "zh-CN";
  } catch {
    lang = "zh-CN";
  }
  // the scans of the last session are queued scans now
  const q = readQueue();
  if (q.some((e) => e.live || !e.queued)) {
    for (const e of q) (e.live = false), (e.queued = true);
    writeQueue(q);
  }
  applyLang();

  $("lang").addEventListener("click", toggleLang);
  $("login-form").addEventListener("submit", onLogin);
  $("logout").addEventListener("click", onLogout);
  $("scan-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const input = $("scan-code");
    const v = input.value;
    input.value = "";
    submitCode(v);
    input.focus();
  });
  $("scan-worker").addEventListener("change", () => {
    $("scan-worker").value = $("scan-worker").value.trim();
    try {
      localStorage.setItem(WORKER_KEY, $("scan-worker").value);
    } catch {
      /* private mode */
    }
  });
  $("queue-send").addEventListener("click", () => flush());
  $("failed-clear").addEventListener("click", () => {
    save(FAILED_KEY, []);
    showFailed();
    focusCode();
  });
  $("camera-close").addEventListener("click", closeCamera);
  $("scan-camera").addEventListener("click", openCamera);
  window.addEventListener("online", () => {
    showNet();
    st.retryMs = RETRY_MIN_MS;
    flush();
  });
  window.addEventListener("offline", showNet);
  window.addEventListener("storage", (e) => {
    if (e.key === QUEUE_KEY) showQueue();
    if (e.key === FAILED_KEY) showFailed();
  });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && st.user && readQueue().some(mine)) flush();
    if (document.visibilityState === "hidden" && st.camera) closeCamera();
  });

  cameraSupported().then((ok) => {
    $("scan-camera").hidden = !ok;
  });

  // Only a browser that had a session asks whether it still has one (a
  // 401 from /api/v1/me is logged by the browser as an error).
  const me = load(SESSION_KEY, null) === 1 ? await loadMe() : false;
  if (me === true) {
    showView("scan");
    flush();
  } else if (me === null && load(USER_KEY, null)?.username) {
    // the server cannot be reached: scan offline as the last user
    st.user = load(USER_KEY, null);
    showView("scan");
    showQueue();
    scheduleRetry();
  } else {
    showView("login");
  }
}

// For tests and the curious: flush() sends the queue now.
window.glovedScan = { flush: () => flush(), queue: () => readQueue(), failed: () => readFailed() };

start();
