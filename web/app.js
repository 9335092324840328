// SPDX-License-Identifier: Apache-2.0
// gloved dashboard: login, machine wall, today's totals and output chart,
// the gateway fleet page, the tabs of analytics.js (analytics, stops,
// shifts, wages), of sewn.js (styles, orders, WIP, households) and of
// quality.js (quality, brand). Plain ES
// module, no build step. Live data comes from one EventSource on
// /api/v1/events; nothing polls the API on a timer (the fleet list is read
// when its page opens and again, throttled, when machine events arrive
// while it is shown; the analytics and sewn-glove pages when they open or
// one of their controls or forms changes).

import { ANALYTICS_VIEWS, createAnalytics } from "./analytics.js";
import { el, safeTz } from "./dom.js";
import { STATES, getLang, has, setLang, t } from "./i18n.js";
import { SEWN_VIEWS, createSewn } from "./sewn.js";
import { QUALITY_VIEWS, createQuality } from "./quality.js";
import { CLUSTER_VIEWS, createCluster } from "./cluster.js";
import { COOP_VIEWS, createCoop } from "./coop.js";

const LANG_KEY = "gloved.lang";
const ENT_KEY = "gloved.enterprise";
const WS_KEY = "gloved.workshop."; // + enterprise code
const CHART_MIN_INTERVAL_MS = 30000;
const VIEW_KEY = "gloved.view";
// "1" while this browser holds a session as far as the page knows (the
// cookie itself is HttpOnly): set on a login or a 200 from /me, removed on
// a logout or a 401. Without it the first load shows the login form at once
// instead of asking /api/v1/me, whose 401 the browser would log as an error.
const SESSION_KEY = "gloved.session";
const FLEET_MIN_INTERVAL_MS = 5000;
const ALL = ""; // the workshop picker's "all workshops" value
const VIEWS = ["wall", "fleet", ...ANALYTICS_VIEWS, ...SEWN_VIEWS, ...QUALITY_VIEWS, ...CLUSTER_VIEWS, ...COOP_VIEWS];
// Pages that follow the workshop picker (the others are per firm).
const WS_VIEWS = ["wall", "analytics", "stops", "wages"];

const $ = (id) => document.getElementById(id);

const app = {
  user: null,
  tz: undefined, // IANA zone from /api/v1/summary; undefined = browser's
  day: "", // summary's local day, YYYY-MM-DD
  enterprises: [], // [{code, name, town}]
  workshops: new Map(), // enterprise -> [{enterprise, code, name}]
  ent: "",
  ws: ALL,
  machines: new Map(), // "ENT/CODE" -> machine object (from the event feed)
  haveSnapshot: false,
  summary: { enterprises: new Map(), workshops: new Map() }, // from /summary
  reasons: new Map(), // enterprise -> [{code, name_zh, name_en}] (GET /api/v1/stop-reasons)
  reasonsLoading: new Map(), // enterprise -> the read under way
  es: null,
  esRetry: null,
  lastEventAt: 0,
  chart: null,
  chartData: null,
  chartSeq: 0,
  summarySeq: 0,
  summaryLoading: false,
  summaryLastFetch: 0,
  totalsTimer: null,
  view: "wall", // one of VIEWS
  fleet: null, // GET /api/v1/gateways answer, or {error}
  fleetAt: 0, // when it was read
  fleetSeq: 0,
  fleetSkew: 0, // server clock minus this browser's, from the fleet's "now"
  brokerTimer: null,
};

// ---------------------------------------------------------------- helpers

function key(ent, code) {
  return ent + "/" + code;
}

function numFmt() {
  return new Intl.NumberFormat(getLang());
}

function pieces(n) {
  return t("unit.piece.fmt", { n: numFmt().format(Number(n) || 0) });
}

// YYYY-MM-DD of a moment in the configured zone (or in `tz`).
function localDay(ms, tz = app.tz) {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone: tz,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).formatToParts(new Date(ms));
  const get = (type) => parts.find((p) => p.type === type)?.value ?? "";
  return `${get("year")}-${get("month")}-${get("day")}`;
}

// A moment's time of day in the configured zone (or in `tz`), with the date
// when it is not today there.
function fmtTime(ms, withSeconds = false, tz = app.tz) {
  if (!ms) return "";
  const opts = { timeZone: tz, hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
  if (withSeconds) opts.second = "2-digit";
  if (localDay(ms, tz) !== localDay(Date.now(), tz)) {
    opts.month = "2-digit";
    opts.day = "2-digit";
  }
  return new Intl.DateTimeFormat(getLang(), opts).format(new Date(ms));
}

function fmtHour(ms, tz = app.tz) {
  return new Intl.DateTimeFormat(getLang(), {
    timeZone: tz,
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(new Date(ms));
}

function stateName(s) {
  return t("state." + (STATES.includes(s) ? s : "unknown"));
}

// A stop reason's name in the current language: the firm's own (its list
// from GET /api/v1/stop-reasons, or `named`, an object with name_zh/name_en
// such as a row of the OEE answer), else the built-in translation
// (i18n.js), else the code itself.
function reasonName(code, ent = app.ent, named = null) {
  if (!code) return "";
  const r = (app.reasons.get(ent) || []).find((x) => x.code === code) || named;
  if (r) {
    const name = getLang() === "en" ? r.name_en || r.name_zh : r.name_zh || r.name_en;
    if (name) return name;
  }
  return has("reason." + code) ? t("reason." + code) : code;
}

// ---------------------------------------------------------------- API

class LoggedOut extends Error {}

async function api(method, path, body) {
  const opts = { method, credentials: "same-origin", headers: { Accept: "application/json" } };
  if (body !== undefined) {
    opts.headers["Content-Type"] = "application/json";
    opts.body = JSON.stringify(body);
  }
  const res = await fetch(path, opts);
  let json = null;
  const text = await res.text();
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
  }
  if (res.status === 401 && path !== "/api/v1/login" && path !== "/api/v1/me") {
    loggedOut();
    throw new LoggedOut();
  }
  return { status: res.status, json };
}

function errMessage(r) {
  return r?.json?.error?.message || r?.json?.error?.code || "HTTP " + r?.status;
}

// A read the page cannot do without: its JSON, or an Error with the API's
// message (LoggedOut on a 401).
async function apiGet(path) {
  const r = await api("GET", path);
  if (r.status !== 200) throw new Error(errMessage(r));
  return r.json;
}

// A save: the answer whatever its status, {status: 0} when the network
// failed (LoggedOut on a 401 is thrown).
async function apiSend(method, path, body) {
  try {
    return await api(method, path, body);
  } catch (e) {
    if (e instanceof LoggedOut) throw e;
    return { status: 0, json: null };
  }
}

// ---------------------------------------------------------------- language

function applyLang() {
  const lang = getLang();
  document.documentElement.lang = lang;
  document.title = t("app.title");
  for (const e of document.querySelectorAll("[data-i18n]")) e.textContent = t(e.dataset.i18n);
  for (const e of document.querySelectorAll("[data-i18n-title]")) e.title = t(e.dataset.i18nTitle);
  $("lang").setAttribute("aria-label", t("lang.switch.title"));
  if (app.user) {
    renderUser();
    renderPickers();
    renderAll();
    renderLive();
    drawChart();
    renderFleet();
    analytics.render();
    sewn.render();
    quality.render();
    cluster.render();
    coop.render();
  }
}

function toggleLang() {
  const next = getLang() === "zh-CN" ? "en" : "zh-CN";
  setLang(next);
  try {
    localStorage.setItem(LANG_KEY, next);
  } catch {
    /* private mode: the choice lasts this page only */
  }
  applyLang();
}

// ---------------------------------------------------------------- login

function sessionHint() {
  try {
    return localStorage.getItem(SESSION_KEY) === "1";
  } catch {
    return true; // no storage: ask the server
  }
}

function setSessionHint(on) {
  try {
    if (on) localStorage.setItem(SESSION_KEY, "1");
    else localStorage.removeItem(SESSION_KEY);
  } catch {
    /* private mode */
  }
}

function showView(which) {
  document.body.classList.remove("booting");
  $("login-view").hidden = which !== "login";
  $("wall-view").hidden = which !== "wall";
  $("logout").hidden = which !== "wall";
  $("user").hidden = which !== "wall";
  $("live").hidden = which !== "wall";
}

function showLogin(message) {
  showView("login");
  const err = $("login-error");
  err.hidden = !message;
  err.textContent = message || "";
  $("login-submit").disabled = false;
  $("login-submit").textContent = t("login.submit");
  $("login-username").focus();
}

async function onLogin(ev) {
  ev.preventDefault();
  const username = $("login-username").value.trim();
  const password = $("login-password").value;
  const btn = $("login-submit");
  btn.disabled = true;
  btn.textContent = t("login.busy");
  $("login-error").hidden = true;
  let r;
  try {
    r = await api("POST", "/api/v1/login", { username, password });
  } catch {
    showLogin(t("error.network"));
    return;
  }
  if (r.status === 200 && r.json?.user) {
    $("login-password").value = "";
    btn.disabled = false;
    btn.textContent = t("login.submit");
    await startSession(r.json.user);
  } else if (r.status === 401) {
    showLogin(t("login.bad"));
  } else if (r.status === 429) {
    showLogin(t("login.locked"));
  } else {
    showLogin(t("login.failed", { message: errMessage(r) }));
  }
}

async function onLogout() {
  try {
    await api("POST", "/api/v1/logout");
  } catch {
    /* the session ends locally whatever the server said */
  }
  loggedOut();
}

// Drops everything the session showed and returns to the login form.
function loggedOut() {
  setSessionHint(false);
  stopEvents();
  chartReads.cancel();
  if (app.totalsTimer) clearTimeout(app.totalsTimer);
  app.totalsTimer = null;
  fleetReads.cancel();
  app.fleet = null;
  $("fleet-rows").replaceChildren();
  analytics.reset();
  sewn.reset();
  quality.reset();
  cluster.reset();
  coop.reset();
  app.user = null;
  app.machines.clear();
  app.haveSnapshot = false;
  app.enterprises = [];
  app.workshops.clear();
  app.reasons.clear();
  app.reasonsLoading.clear();
  app.chartData = null;
  $("wall").replaceChildren();
  showLogin();
}

// ---------------------------------------------------------------- session

async function startSession(user) {
  setSessionHint(true);
  app.user = user;
  app.machines.clear();
  app.haveSnapshot = false;
  showView("wall");
  renderUser();
  $("wall").replaceChildren(el("p", "muted", t("wall.loading")));
  try {
    const [sum, ents] = await Promise.all([
      api("GET", "/api/v1/summary"),
      api("GET", "/api/v1/enterprises"),
    ]);
    app.summaryLastFetch = Date.now();
    if (sum.status === 200) applySummary(sum.json);
    if (ents.status !== 200) throw new Error(errMessage(ents));
    app.enterprises = ents.json.enterprises || [];
    let ent = null;
    try {
      ent = localStorage.getItem(ENT_KEY);
    } catch {
      /* ignore */
    }
    if (!app.enterprises.some((e) => e.code === ent)) ent = user.enterprise || app.enterprises[0]?.code || "";
    await selectEnterprise(ent, false);
    openEvents();
  } catch (e) {
    if (e instanceof LoggedOut) return;
    showWallError(t("error.generic", { message: e.message }));
  }
}

function showWallError(msg) {
  const p = $("wall-error");
  p.hidden = !msg;
  p.textContent = msg || "";
}

function renderUser() {
  const u = app.user;
  if (!u) return;
  const role = has("role." + u.role) ? t("role." + u.role) : u.role;
  $("user").textContent = `${u.username} · ${role}`;
}

function applySummary(s) {
  if (!s) return;
  app.tz = safeTz(s.timezone);
  app.day = s.day || localDay(Date.now());
  app.summary.enterprises = new Map((s.enterprises || []).map((e) => [e.code, e]));
  app.summary.workshops = new Map((s.workshops || []).map((w) => [key(w.enterprise, w.code), w]));
}

// Re-reads the summary when the local day has turned (totals start again).
async function refreshSummary() {
  if (app.summaryLoading || Date.now() - app.summaryLastFetch < 60000) return;
  app.summaryLoading = true;
  app.summaryLastFetch = Date.now();
  const seq = ++app.summarySeq;
  try {
    const r = await api("GET", "/api/v1/summary");
    if (seq === app.summarySeq && r.status === 200) applySummary(r.json);
    renderTotals();
    refreshChartNow();
  } catch {
    /* the next event tries again */
  } finally {
    app.summaryLoading = false;
  }
}

async function loadWorkshops(ent) {
  if (!ent) return [];
  if (app.workshops.has(ent)) return app.workshops.get(ent);
  const r = await api("GET", "/api/v1/workshops?enterprise=" + encodeURIComponent(ent));
  const list = r.status === 200 ? r.json.workshops || [] : [];
  app.workshops.set(ent, list);
  return list;
}

// A firm's stop-reason list, read once per session (force: again, after the
// Shifts page saved one); concurrent callers share one request. Resolves to
// the list; rejects when it cannot be read (LoggedOut on a 401).
function loadReasons(ent, force = false) {
  if (!ent) return Promise.resolve([]);
  if (!force && app.reasons.has(ent)) return Promise.resolve(app.reasons.get(ent));
  const pending = app.reasonsLoading.get(ent);
  if (pending && !force) return pending;
  const user = app.user;
  const p = api("GET", "/api/v1/stop-reasons?enterprise=" + encodeURIComponent(ent))
    .then((r) => {
      if (r.status !== 200) throw new Error(errMessage(r));
      const list = r.json?.reasons || [];
      if (app.user === user) app.reasons.set(ent, list);
      return list;
    })
    .finally(() => {
      if (app.reasonsLoading.get(ent) === p) app.reasonsLoading.delete(ent);
    });
  app.reasonsLoading.set(ent, p);
  return p;
}

// The wall's tiles name stop reasons with the firm's names: redrawn once
// the firm's list is in (the built-in names until then).
function loadWallReasons(ent) {
  if (app.reasons.has(ent)) return;
  loadReasons(ent).then(
    () => {
      if (app.ent === ent) renderWall();
    },
    () => {
      /* the built-in names stay; a 401 has already shown the login */
    },
  );
}

async function selectEnterprise(ent, remember = true) {
  app.ent = ent;
  if (remember) {
    try {
      localStorage.setItem(ENT_KEY, ent);
    } catch {
      /* ignore */
    }
  }
  const list = await loadWorkshops(ent);
  let ws = ALL;
  try {
    ws = localStorage.getItem(WS_KEY + ent) ?? ALL;
  } catch {
    /* ignore */
  }
  if (ws !== ALL && !list.some((w) => w.code === ws)) ws = ALL;
  app.ws = ws;
  renderPickers();
  renderAll();
  loadWallReasons(ent);
  refreshChartNow();
  if (app.view === "fleet") refreshFleetNow();
  if (ANALYTICS_VIEWS.includes(app.view)) analytics.show(app.view);
  sewn.onScope();
  if (SEWN_VIEWS.includes(app.view)) sewn.show(app.view);
  quality.onScope();
  if (QUALITY_VIEWS.includes(app.view)) quality.show(app.view);
  cluster.onScope();
  if (CLUSTER_VIEWS.includes(app.view)) cluster.show(app.view);
  coop.onScope();
  if (COOP_VIEWS.includes(app.view)) coop.show(app.view);
}

function selectWorkshop(ws) {
  app.ws = ws;
  try {
    localStorage.setItem(WS_KEY + app.ent, ws);
  } catch {
    /* ignore */
  }
  renderAll();
  refreshChartNow();
  if (ANALYTICS_VIEWS.includes(app.view)) analytics.show(app.view);
}

function renderPickers() {
  const pe = $("pick-enterprise");
  pe.replaceChildren(
    ...app.enterprises.map((e) => {
      const o = el("option", "", e.name ? `${e.name} (${e.code})` : e.code);
      o.value = e.code;
      return o;
    }),
  );
  if (!app.enterprises.length) pe.append(el("option", "", t("pick.none")));
  pe.value = app.ent;
  pe.disabled = app.enterprises.length <= 1;

  const pw = $("pick-workshop");
  const all = el("option", "", t("pick.all_workshops"));
  all.value = ALL;
  pw.replaceChildren(
    all,
    ...(app.workshops.get(app.ent) || []).map((w) => {
      const o = el("option", "", w.name ? `${w.name} (${w.code})` : w.code);
      o.value = w.code;
      return o;
    }),
  );
  pw.value = app.ws;
}

// ---------------------------------------------------------------- live feed

// An event's JSON, or null for one that does not parse (dropped).
function eventData(ev) {
  try {
    return JSON.parse(ev.data);
  } catch {
    return null;
  }
}

function openEvents() {
  stopEvents();
  app.liveStatus = "connecting";
  renderLive();
  const es = new EventSource("/api/v1/events");
  app.es = es;
  es.onopen = () => {
    app.liveStatus = "ok";
    renderLive();
  };
  es.addEventListener("snapshot", (ev) => {
    const d = eventData(ev);
    if (!d) return;
    app.machines.clear();
    for (const m of d.machines || []) app.machines.set(key(m.enterprise, m.code), m);
    if (d.links) onLinks(d.links);
    app.haveSnapshot = true;
    app.liveStatus = "ok";
    app.lastEventAt = Date.now();
    renderAll();
    renderLive();
    checkDay();
  });
  es.addEventListener("machine", (ev) => {
    const m = eventData(ev);
    if (m) onMachine(m);
  });
  // a broker link of gloved went down or up: the fleet page says so at once
  es.addEventListener("link", (ev) => {
    const d = eventData(ev);
    if (d) onLinks(d);
  });
  es.onerror = () => {
    if (app.es !== es) return;
    if (es.readyState === EventSource.CLOSED) {
      // The browser gives up on a non-200 answer (e.g. the session ended
      // or the server restarted mid-handshake): find out which, then open
      // a new stream once.
      app.liveStatus = "lost";
      renderLive();
      app.esRetry = setTimeout(async () => {
        app.esRetry = null;
        try {
          const r = await api("GET", "/api/v1/me");
          if (r.status === 401) return loggedOut();
        } catch {
          /* server still down: try the stream anyway, it reports again */
        }
        if (app.user && app.es === es) openEvents();
      }, 3000);
    } else {
      app.liveStatus = "lost"; // EventSource reconnects by itself
      renderLive();
    }
  };
}

function stopEvents() {
  if (app.esRetry) clearTimeout(app.esRetry);
  app.esRetry = null;
  if (app.es) app.es.close();
  app.es = null;
}

function onMachine(m) {
  if (!m || !m.code) return;
  const k = key(m.enterprise, m.code);
  app.machines.set(k, m);
  app.lastEventAt = Date.now();
  if (app.liveStatus !== "ok") app.liveStatus = "ok";
  if (m.enterprise === app.ent && (app.ws === ALL || m.workshop === app.ws)) {
    const tile = document.querySelector(`.tile[data-key="${CSS.escape(k)}"]`);
    if (tile) fillTile(tile, m);
    else renderWall(); // a machine new to this view
    chartReads.soon();
  }
  if (app.view === "fleet") fleetReads.soon();
  scheduleTotals();
  checkDay();
}

// Totals and the status line sum over every machine in scope: redraw them
// once for a burst of events rather than once per event.
function scheduleTotals() {
  if (app.totalsTimer) return;
  app.totalsTimer = setTimeout(() => {
    app.totalsTimer = null;
    renderTotals();
    renderLive();
  }, 200);
}

function checkDay() {
  if (app.day && localDay(Date.now()) !== app.day) refreshSummary();
}

function renderLive() {
  const e = $("live");
  const s = app.liveStatus || "connecting";
  e.dataset.status = s;
  let text = t("live." + s);
  if (s === "ok" && app.lastEventAt) text += " · " + t("live.updated", { time: fmtTime(app.lastEventAt, true) });
  e.textContent = text;
}

// ---------------------------------------------------------------- wall

function machinesOf(ent, ws) {
  const out = [];
  for (const m of app.machines.values()) {
    if (m.enterprise === ent && (ws === ALL || m.workshop === ws)) out.push(m);
  }
  out.sort((a, b) => a.code.localeCompare(b.code, "en", { numeric: true }));
  return out;
}

function renderAll() {
  renderWall();
  renderTotals();
}

function renderWall() {
  const wall = $("wall");
  if (!app.user) return;
  if (!app.haveSnapshot) {
    wall.replaceChildren(el("p", "muted", t("wall.loading")));
    return;
  }
  const list = machinesOf(app.ent, app.ws);
  const known = app.workshops.get(app.ent) || [];
  // Sections in the workshop list's order, then any workshop the list did
  // not name (created after the page loaded).
  const order = known.map((w) => w.code);
  const groups = new Map();
  for (const code of order) if (app.ws === ALL || code === app.ws) groups.set(code, []);
  for (const m of list) {
    if (!groups.has(m.workshop)) groups.set(m.workshop, []);
    groups.get(m.workshop).push(m);
  }
  const sections = [];
  for (const [wsCode, ms] of groups) {
    if (!ms.length && app.ws === ALL) continue;
    const w = known.find((x) => x.code === wsCode);
    const sec = el("section", "ws");
    sec.dataset.workshop = wsCode;
    const h = el("h3", "ws-title");
    h.append(el("span", "ws-name", w?.name ? `${w.name} (${wsCode})` : wsCode));
    h.append(el("span", "ws-total"));
    sec.append(h);
    const grid = el("div", "tiles");
    for (const m of ms) grid.append(makeTile(m));
    if (!ms.length) grid.append(el("p", "muted", t("wall.empty")));
    sec.append(grid);
    sections.push(sec);
  }
  if (!sections.length) sections.push(el("p", "muted", t("wall.empty")));
  wall.replaceChildren(...sections);
  renderTotals();
}

function makeTile(m) {
  const tile = el("article", "tile");
  tile.dataset.machine = m.code;
  tile.dataset.key = key(m.enterprise, m.code);
  tile.dataset.enterprise = m.enterprise;
  tile.dataset.workshop = m.workshop;
  const head = el("div", "tile-head");
  head.append(el("span", "tile-code", m.code), el("span", "tile-state"));
  tile.append(
    head,
    el("div", "tile-count"),
    el("div", "tile-reason"),
    el("div", "tile-meta"),
  );
  fillTile(tile, m);
  return tile;
}

function fillTile(tile, m) {
  const state = STATES.includes(m.state) ? m.state : "unknown";
  tile.dataset.state = state;
  tile.querySelector(".tile-state").textContent = stateName(state);
  tile.querySelector(".tile-count").textContent = pieces(m.good_today);
  tile.querySelector(".tile-count").title = t("tile.today");

  const reason = tile.querySelector(".tile-reason");
  const showReason = m.reason && ["stop", "fault", "idle", "setup", "off"].includes(state);
  reason.textContent = showReason ? reasonName(m.reason, m.enterprise) : "";
  reason.hidden = !showReason;

  const meta = [];
  if (m.reject_today) meta.push(t("tile.reject", { n: numFmt().format(m.reject_today) }));
  if (m.since && state !== "unknown") meta.push(t("tile.since", { time: fmtTime(m.since) }));
  tile.querySelector(".tile-meta").textContent = meta.join(" · ");

  const info = [m.code];
  if (m.kind) info.push(t("kind." + m.kind));
  if (m.gauge) info.push(t("gauge", { n: m.gauge }));
  info.push(m.last_seen ? t("tile.last_seen", { time: fmtTime(m.last_seen, true) }) : t("tile.never"));
  tile.title = info.join(" · ");
}

// ---------------------------------------------------------------- totals

// Today's totals: the summary's figures, replaced by the sum over the live
// machines wherever the event feed holds machines of that firm/workshop.
function totals() {
  const ents = new Map();
  const wss = new Map();
  for (const [code, e] of app.summary.enterprises)
    ents.set(code, { good: e.good || 0, reject: e.reject || 0, machines: e.machines || 0, live: false });
  for (const [k, w] of app.summary.workshops)
    wss.set(k, { good: w.good || 0, reject: w.reject || 0, machines: w.machines || 0, live: false });
  for (const m of app.machines.values()) {
    for (const [map, k] of [
      [ents, m.enterprise],
      [wss, key(m.enterprise, m.workshop)],
    ]) {
      let v = map.get(k);
      if (!v || !v.live) {
        v = { good: 0, reject: 0, machines: 0, live: true };
        map.set(k, v);
      }
      v.good += Number(m.good_today) || 0;
      v.reject += Number(m.reject_today) || 0;
      v.machines += 1;
    }
  }
  return { ents, wss };
}

function fillStat(id, label, v) {
  const card = $(id);
  if (label !== null) card.querySelector(".stat-label").textContent = label;
  card.querySelector(".stat-value").textContent = pieces(v?.good || 0);
  const sub = [t("totals.machines", { n: v?.machines || 0 })];
  if (v?.reject) sub.push(t("totals.reject", { n: numFmt().format(v.reject) }));
  card.querySelector(".stat-sub").textContent = sub.join(" · ");
}

function renderTotals() {
  if (!app.user) return;
  const { ents, wss } = totals();
  const entTotal = ents.get(app.ent);
  fillStat("total-enterprise", null, entTotal);
  if (app.ws === ALL) {
    fillStat("total-scope", t("totals.all_workshops"), entTotal);
  } else {
    fillStat("total-scope", t("totals.workshop"), wss.get(key(app.ent, app.ws)));
  }
  for (const sec of document.querySelectorAll("#wall section.ws")) {
    const v = wss.get(key(app.ent, sec.dataset.workshop));
    sec.querySelector(".ws-total").textContent = t("tile.today") + " " + pieces(v?.good || 0);
  }

  // Machines per state in the chosen scope.
  const counts = Object.fromEntries(STATES.map((s) => [s, 0]));
  for (const m of machinesOf(app.ent, app.ws)) counts[STATES.includes(m.state) ? m.state : "unknown"]++;
  const box = $("state-counts");
  box.replaceChildren(
    ...STATES.filter((s) => counts[s] > 0 || ["run", "stop", "fault"].includes(s)).map((s) => {
      // Not data-state: that attribute marks machine tiles only.
      const chip = el("span", "chip");
      chip.dataset.chip = s;
      chip.style.setProperty("--st", `var(--c-${s})`);
      chip.append(el("span", "dot"), el("span", "chip-label", stateName(s)), el("b", "chip-n", String(counts[s])));
      return chip;
    }),
  );

  $("day").textContent = app.day ? t("totals.day", { day: app.day, tz: app.tz || "" }) : "";
}

// ---------------------------------------------------------------- chart

// A read done now (a picker changed) or soon (machine events): soon() runs
// it at most once per minMs, counted from the last read, and only if
// `when()` still holds then. Nothing runs on a free timer.
function throttled(read, minMs, when = () => true) {
  let timer = null;
  let last = 0;
  const cancel = () => {
    if (timer) clearTimeout(timer);
    timer = null;
  };
  const now = () => {
    cancel();
    last = Date.now();
    read();
  };
  const soon = () => {
    if (timer) return;
    timer = setTimeout(
      () => {
        timer = null;
        if (when()) now();
      },
      Math.max(0, last + minMs - Date.now()),
    );
  };
  return { now, soon, cancel };
}

// The per-hour chart: on load and picker changes, and at most every
// CHART_MIN_INTERVAL_MS on machine events.
const chartReads = throttled(() => fetchChart(), CHART_MIN_INTERVAL_MS);
const refreshChartNow = () => chartReads.now();

async function fetchChart() {
  if (!app.user || !app.ent) return;
  const seq = ++app.chartSeq;
  const q = new URLSearchParams({ enterprise: app.ent, bucket: "hour" });
  if (app.ws !== ALL) q.set("workshop", app.ws);
  try {
    const r = await api("GET", "/api/v1/output?" + q);
    if (seq !== app.chartSeq) return; // a newer request is under way
    if (r.status !== 200) throw new Error(errMessage(r));
    if (r.json.timezone && !app.tz) app.tz = safeTz(r.json.timezone);
    app.chartData = r.json;
  } catch (e) {
    if (e instanceof LoggedOut || seq !== app.chartSeq) return;
    app.chartData = { error: e.message };
  }
  drawChart();
}

function chartRows(d) {
  // One bar per local hour of today, empty hours included.
  const byTs = new Map((d.series || []).map((p) => [p.ts, p]));
  const rows = [];
  const start = d.from;
  const day = localDay(start);
  for (let i = 0, ts = start; i < 25; i++, ts += 3600000) {
    if (localDay(ts) !== day) break;
    const p = byTs.get(ts);
    byTs.delete(ts);
    rows.push({ ts, good: p?.good || 0, reject: p?.reject || 0 });
  }
  // Buckets off the hour grid (e.g. a zone with a half-hour offset change).
  for (const p of byTs.values()) rows.push({ ts: p.ts, good: p.good || 0, reject: p.reject || 0 });
  rows.sort((a, b) => a.ts - b.ts);
  return rows;
}

function drawChart() {
  const box = $("chart");
  const msg = $("chart-msg");
  const d = app.chartData;
  if (!d) return;
  if (!window.echarts) {
    msg.hidden = false;
    msg.textContent = t("chart.unavailable");
    return;
  }
  if (d.error) {
    msg.hidden = false;
    msg.textContent = t("error.generic", { message: d.error });
    return;
  }
  const rows = chartRows(d);
  const empty = !(d.total?.good || d.total?.reject) && !rows.some((r) => r.good || r.reject);
  msg.hidden = !empty;
  msg.textContent = empty ? t("chart.empty") : "";
  if (!app.chart) {
    app.chart = window.echarts.init(box, null, { renderer: "canvas" });
    new ResizeObserver(() => app.chart && app.chart.resize()).observe(box);
  }
  const unit = t("unit.piece");
  const css = getComputedStyle(document.documentElement);
  const good = css.getPropertyValue("--c-run").trim() || "#1e9e5a";
  const bad = css.getPropertyValue("--c-fault").trim() || "#d93025";
  app.chart.setOption(
    {
      animation: false,
      textStyle: { fontFamily: css.getPropertyValue("--font").trim() || "sans-serif" },
      grid: { left: 48, right: 16, top: 36, bottom: 28, containLabel: false },
      legend: { top: 0, right: 8, data: [t("chart.good"), t("chart.reject")] },
      tooltip: {
        trigger: "axis",
        axisPointer: { type: "shadow" },
        valueFormatter: (v) => pieces(v),
      },
      xAxis: {
        type: "category",
        data: rows.map((r) => fmtHour(r.ts)),
        axisTick: { alignWithLabel: true },
      },
      yAxis: { type: "value", name: unit, minInterval: 1, nameTextStyle: { align: "right" } },
      series: [
        {
          name: t("chart.good"),
          type: "bar",
          stack: "out",
          data: rows.map((r) => r.good),
          itemStyle: { color: good },
          barMaxWidth: 28,
        },
        {
          name: t("chart.reject"),
          type: "bar",
          stack: "out",
          data: rows.map((r) => r.reject),
          itemStyle: { color: bad },
          barMaxWidth: 28,
        },
      ],
    },
    true,
  );
}

// ---------------------------------------------------------------- fleet

// Shows one page: the machine wall, the gateway fleet, one of the
// analytics pages or one of the sewn-glove pages (remembered across loads).
function showPage(view, remember = true) {
  app.view = VIEWS.includes(view) ? view : "wall";
  if (remember) {
    try {
      localStorage.setItem(VIEW_KEY, app.view);
    } catch {
      /* ignore */
    }
  }
  for (const v of VIEWS) $("page-" + v).hidden = app.view !== v;
  $("pick-workshop").closest(".field").hidden = !WS_VIEWS.includes(app.view);
  for (const b of document.querySelectorAll(".tab")) b.setAttribute("aria-selected", String(b.dataset.view === app.view));
  if (app.view === "fleet" && app.user) refreshFleetNow();
  analytics.show(app.user ? app.view : "");
  sewn.show(app.user ? app.view : "");
  quality.show(app.user ? app.view : "");
  cluster.show(app.user ? app.view : "");
  coop.show(app.user ? app.view : "");
  if (app.view === "wall" && app.user) renderWall(); // the reasons' names may have changed
  if (app.view === "wall" && app.chart) app.chart.resize();
}

// The fleet list: when its page opens or the firm changes, and at most
// every FLEET_MIN_INTERVAL_MS on machine events while it is shown.
const fleetReads = throttled(() => fetchFleet(), FLEET_MIN_INTERVAL_MS, () => app.view === "fleet");
const refreshFleetNow = () => fleetReads.now();

async function fetchFleet() {
  if (!app.user) return;
  const seq = ++app.fleetSeq;
  const q = app.ent ? "?enterprise=" + encodeURIComponent(app.ent) : "";
  try {
    const r = await api("GET", "/api/v1/gateways" + q);
    if (seq !== app.fleetSeq) return;
    if (r.status !== 200) throw new Error(errMessage(r));
    app.fleet = r.json;
    app.fleetSkew = (r.json.now || Date.now()) - Date.now();
  } catch (e) {
    if (e instanceof LoggedOut || seq !== app.fleetSeq) return;
    app.fleet = { error: e.message };
  }
  app.fleetAt = Date.now();
  renderFleet();
}

function protoName(p) {
  return has("fleet.proto." + p) ? t("fleet.proto." + p) : p;
}

// The broker links of gloved's MQTT clients (issue 15, part 3): a line each,
// a warning while one is down, with how long it has been down by the
// server's clock.
function renderBrokers(d) {
  const ul = $("fleet-brokers");
  const brokers = (d && !d.error && d.brokers) || [];
  ul.hidden = brokers.length === 0;
  ul.replaceChildren(
    ...brokers.map((b) => {
      const up = b.state === "connected";
      const li = el("li", "fleet-broker");
      li.dataset.client = b.client;
      li.dataset.state = b.state;
      if (!up) li.setAttribute("role", "alert");
      const status = el("span", "fleet-status");
      status.dataset.online = String(up);
      const minutes = Math.max(0, Math.floor((Date.now() + (app.fleetSkew || 0) - b.since) / 60000));
      const client = has("fleet.broker." + b.client) ? t("fleet.broker." + b.client) : b.client;
      status.append(el("span", "dot"), el("span", "", t(up ? "fleet.broker.connected" : "fleet.broker.disconnected", { client, time: fmtTime(b.since, true), minutes: numFmt().format(minutes) })));
      li.append(status);
      if (b.losses) li.append(el("span", "muted fleet-broker-losses", t("fleet.broker.losses", { n: numFmt().format(b.losses) })));
      return li;
    }),
  );
  // while a link is down, its minutes go on counting (a local re-render,
  // not a read of the server)
  clearTimeout(app.brokerTimer);
  if (brokers.some((b) => b.state !== "connected")) app.brokerTimer = setTimeout(() => app.view === "fleet" && renderBrokers(app.fleet), 30000);
}

function onLinks(d) {
  if (!app.fleet || app.fleet.error) return; // the fleet's own read brings them
  app.fleet.brokers = d.brokers || [];
  app.fleetSkew = (d.now || Date.now()) - Date.now();
  renderBrokers(app.fleet);
}

function renderFleet() {
  const d = app.fleet;
  const err = $("fleet-error");
  err.hidden = !d?.error;
  err.textContent = d?.error ? t("error.generic", { message: d.error }) : "";
  $("fleet-updated").textContent = app.fleetAt ? t("fleet.updated", { time: fmtTime(app.fleetAt, true) }) : "";
  renderBrokers(d);
  const list = (d && !d.error && d.gateways) || [];
  $("fleet-empty").hidden = !d || !!d.error || list.length > 0;
  $("fleet-table").hidden = list.length === 0;
  const sorted = list.slice().sort((a, b) => a.protocol.localeCompare(b.protocol) || a.name.localeCompare(b.name, "en", { numeric: true }));
  $("fleet-rows").replaceChildren(
    ...sorted.map((g) => {
      const tr = el("tr");
      tr.dataset.gateway = `${g.protocol}/${g.name}`;
      tr.dataset.online = String(!!g.online);
      const status = el("span", "fleet-status");
      status.dataset.online = String(!!g.online);
      status.append(el("span", "dot"), el("span", "", t(g.online ? "fleet.online" : "fleet.offline")));
      const errs = el("td", "fleet-errors");
      if (g.errors) {
        errs.append(el("span", "fleet-err", t("fleet.errors", { n: numFmt().format(g.errors) })));
        if (g.last_error) {
          errs.append(el("span", "fleet-err-msg", t("fleet.last_error", { time: fmtTime(g.last_error_at, true), message: g.last_error })));
        }
      } else {
        errs.append(el("span", "muted", t("fleet.no_errors")));
      }
      const ms = g.machines || [];
      const mcell = el("td", "fleet-machines", ms.length ? `${t("fleet.machines", { n: ms.length })} · ${ms.join(", ")}` : t("fleet.never"));
      const statusCell = el("td", "fleet-state");
      statusCell.append(status);
      tr.append(
        el("td", "fleet-proto", protoName(g.protocol)),
        el("td", "fleet-name", g.name),
        statusCell,
        el("td", "fleet-last-seen", g.last_seen ? fmtTime(g.last_seen, true) : t("fleet.never")),
        el("td", "num fleet-rate", numFmt().format(g.messages_per_minute || 0)),
        errs,
        mcell,
      );
      return tr;
    }),
  );
}

// ---------------------------------------------------------------- analytics

const analytics = createAnalytics({
  app,
  $,
  el,
  api,
  get: apiGet,
  send: apiSend,
  errMessage,
  LoggedOut,
  pieces,
  numFmt,
  localDay,
  fmtTime,
  fmtHour,
  stateName,
  reasonName,
  loadReasons,
  safeTz,
  key,
  ALL,
});

// ---------------------------------------------------------------- sewn gloves

const sewn = createSewn({
  app,
  $,
  el,
  api,
  get: apiGet,
  send: apiSend,
  errMessage,
  LoggedOut,
  numFmt,
  localDay,
  fmtTime,
  safeTz,
});

// ---------------------------------------------------------------- quality and brand

const quality = createQuality({ app, $, el, get: apiGet, send: apiSend, errMessage, LoggedOut, numFmt });

// ---------------------------------------------------------------- the cluster's pages

const cluster = createCluster({ app, $, el, get: apiGet, send: apiSend, errMessage, LoggedOut, numFmt });

// ---------------------------------------------------------------- firms working together

const coop = createCoop({ app, $, el, get: apiGet, send: apiSend, errMessage, LoggedOut, numFmt });

// ---------------------------------------------------------------- boot

async function boot() {
  let lang = "zh-CN";
  try {
    lang = localStorage.getItem(LANG_KEY) || "zh-CN";
  } catch {
    /* ignore */
  }
  setLang(lang);
  applyLang();
  $("lang").addEventListener("click", toggleLang);
  $("logout").addEventListener("click", onLogout);
  $("login-form").addEventListener("submit", onLogin);
  $("pick-enterprise").addEventListener("change", (e) => selectEnterprise(e.target.value).catch(() => {}));
  $("pick-workshop").addEventListener("change", (e) => selectWorkshop(e.target.value));
  for (const b of document.querySelectorAll(".tab")) b.addEventListener("click", () => showPage(b.dataset.view));
  let view = "wall";
  try {
    view = localStorage.getItem(VIEW_KEY) || "wall";
  } catch {
    /* ignore */
  }
  showPage(view, false);

  // Only a browser that had a session asks whether it still has one.
  let me = null;
  if (sessionHint()) {
    try {
      me = await api("GET", "/api/v1/me");
    } catch {
      /* server unreachable: show the form, the login reports the error */
    }
  }
  if (me && me.status === 200 && me.json?.user) await startSession(me.json.user);
  else {
    if (me?.status === 401) setSessionHint(false);
    showLogin();
  }
}

boot();
