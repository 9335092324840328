// SPDX-License-Identifier: Apache-2.0
// gloved dashboard, production analytics: the 分析/Analytics page (OEE cards,
// loss waterfall, stop-reason Pareto, OEE table, output trend), the 停机/Stops
// page (stops in range, reasons assigned by a supervisor), the 班次/Shifts page
// (the firm's calendar as a form, its stop-reason list with an add/rename
// form) and the 工资/Wages page (wages per worker, worker output, the
// assignment grid, the workers and their rate cards with an add/edit form).
// app.js owns the session, the pickers and the tabs and hands this module
// its helpers; everything here is read when a page opens, one of its
// controls changes or one of its forms was saved, never on a timer. Dates
// and times are the firm's (its calendar's zone), see docs/internals/web.md.

import { cssVar, markField, query as q } from "./dom.js";
import { getLang, has, t } from "./i18n.js";

export const ANALYTICS_VIEWS = ["analytics", "stops", "shifts", "wages"];

const GROUPS = ["machine", "workshop", "day", "shift"];
const GROUP_KEY = "gloved.analytics.group";
// Loss categories of the waterfall, in the order they are taken off the
// planned time (docs/internals/analytics.md).
const LOSSES = ["offline", "off", "setup", "idle", "stop", "fault", "unknown"];
const WEEKDAYS = [1, 2, 3, 4, 5, 6, 0];
const DEFAULT_TZ = "Asia/Shanghai";

// ctx: {app, $, el, api, errMessage, LoggedOut, pieces, numFmt, localDay,
// fmtTime, fmtHour, stateName, key, ALL} from app.js.
export function createAnalytics(ctx) {
  const { app, $, el, api, errMessage, LoggedOut, pieces, numFmt, localDay, fmtTime, stateName } = ctx;
  const { get, send, loadReasons } = ctx;

  const st = {
    view: "", // the analytics page shown, "" when none
    calendars: new Map(), // enterprise -> GET /calendar answer
    range: null, // {from, to, preset} local dates of the firm
    rangeEnt: "", // the firm the range was made for
    group: "machine",
    oee: null, // GET /oee answer or {error}
    trend: null, // GET /trend answer or {error}
    stops: null, // GET /stops answer or {error}
    stopMsg: new Map(), // "machine/start" -> error text of a failed save
    calForm: null, // the calendar being edited (a copy)
    calMsg: null, // {error, field} or {ok}
    month: "",
    day: "",
    wages: null,
    output: null,
    grid: null, // {machines, workers, assignments, shifts} or {error}
    gridMsg: null,
    workers: null, // GET /workers answer's list, or {error}
    workerSteps: [], // the worker form's step rows: [{kind, threshold, bonus}]
    workerMsg: null, // {ok, code} or {error, forbidden, field, note}
    reasonsErr: "", // the reasons list could not be read
    reasonMsg: null, // {ok, code} or {error, forbidden, field, note}
    charts: new Map(), // element id -> echarts instance
    seq: 0,
  };
  try {
    const g = localStorage.getItem(GROUP_KEY);
    if (GROUPS.includes(g)) st.group = g;
  } catch {
    /* ignore */
  }

  // ------------------------------------------------------------ helpers

  const firmTz = () => ctx.safeTz(st.calendars.get(app.ent)?.tz) || ctx.safeTz(DEFAULT_TZ);
  const today = () => localDay(Date.now(), firmTz());
  const wsScope = () => (app.ws === ctx.ALL ? undefined : app.ws);
  const exportLang = () => (getLang() === "en" ? "en" : "zh");

  // 8338 -> "83.38%"; null -> "—". Integer arithmetic, so exactly the API's figure.
  function pct(bp) {
    if (bp === null || bp === undefined || !Number.isFinite(Number(bp))) return t("an.none");
    const n = Math.round(Number(bp));
    const sign = n < 0 ? "-" : "";
    const a = Math.abs(n);
    return `${sign}${Math.trunc(a / 100)}.${String(a % 100).padStart(2, "0")}%`;
  }

  // A duration in words: "3 小时 12 分" / "3 h 12 min"; seconds below an hour
  // when `seconds`.
  function dur(ms, seconds = false) {
    const total = Math.max(0, Math.round((Number(ms) || 0) / 1000));
    const h = Math.trunc(total / 3600);
    const m = Math.trunc((total % 3600) / 60);
    const s = total % 60;
    if (h) return t("dur.hm", { h: numFmt().format(h), m });
    if (seconds && !m) return t("dur.s", { s });
    if (seconds) return t("dur.ms", { m, s });
    return t("dur.m", { m });
  }

  function qty(n, unit) {
    const k = "unit." + (unit || "piece") + ".fmt";
    return has(k) ? t(k, { n: numFmt().format(Number(n) || 0) }) : pieces(n);
  }

  const money = (s) => t("money.fmt", { n: s ?? "0.00" });

  // Adds days to a YYYY-MM-DD date (calendar arithmetic, no zone involved).
  function addDays(day, n) {
    const d = new Date(day + "T00:00:00Z");
    d.setUTCDate(d.getUTCDate() + n);
    return d.toISOString().slice(0, 10);
  }

  function presetRange(preset) {
    const to = today();
    if (preset === "week") {
      const wd = new Date(to + "T00:00:00Z").getUTCDay(); // 0 = Sunday
      return { from: addDays(to, -((wd + 6) % 7)), to, preset };
    }
    if (preset === "month") return { from: to.slice(0, 8) + "01", to, preset };
    return { from: to, to, preset: "today" };
  }

  // app.js's names (the firm's list, the built-in ones, the code), with the
  // OEE answer's names for a code the list lacks; "" is 未说明.
  function reasonName(code) {
    if (!code) return t("reason.unexplained");
    return ctx.reasonName(code, app.ent, st.oee?.reasons?.find((x) => x.reason === code));
  }

  function showMsg(id, text, cls = "error") {
    const p = $(id);
    p.hidden = !text;
    p.className = cls;
    p.textContent = text || "";
  }

  function chart(id) {
    if (!window.echarts) return null;
    let c = st.charts.get(id);
    if (!c) {
      const box = $(id);
      c = window.echarts.init(box, null, { renderer: "canvas" });
      new ResizeObserver(() => c.resize()).observe(box);
      st.charts.set(id, c);
    }
    return c;
  }

  function baseOption() {
    return { animation: false, textStyle: { fontFamily: cssVar("--font", "sans-serif") } };
  }

  async function ensureFirm() {
    const ent = app.ent;
    if (!ent) return;
    const jobs = [];
    if (!st.calendars.has(ent))
      jobs.push(get("/api/v1/calendar?" + q({ enterprise: ent })).then((c) => st.calendars.set(ent, c)));
    if (!app.reasons.has(ent)) jobs.push(loadReasons(ent));
    // A firm without a readable calendar still gets pages (default zone).
    const res = await Promise.allSettled(jobs);
    for (const x of res) if (x.status === "rejected" && x.reason instanceof LoggedOut) throw x.reason;
    if (st.rangeEnt !== ent || !st.range) {
      st.range = presetRange(st.range?.preset || "today");
      st.rangeEnt = ent;
      st.month = "";
      st.day = "";
      st.calForm = null;
      st.calMsg = null;
      clearEditors();
    }
  }

  // ------------------------------------------------------------ range bar

  function renderRange() {
    const r = st.range;
    if (!r) return;
    $("range-from").value = r.from;
    $("range-to").value = r.to;
    for (const b of document.querySelectorAll("[data-preset]")) b.setAttribute("aria-pressed", String(b.dataset.preset === r.preset));
    $("range-tz").textContent = t("an.tz", { tz: firmTz() || "" });
  }

  function onRangeInput() {
    let from = $("range-from").value;
    let to = $("range-to").value;
    if (!from || !to) return;
    if (from > to) [from, to] = [to, from];
    st.range = { from, to, preset: "" };
    renderRange();
    load();
  }

  function onPreset(p) {
    st.range = presetRange(p);
    renderRange();
    load();
  }

  // ------------------------------------------------------------ analytics

  async function loadAnalytics(seq) {
    const { from, to } = st.range;
    const scope = { enterprise: app.ent, workshop: wsScope(), from, to };
    const level = from === to ? "hour" : "day";
    const [oee, trend] = await Promise.allSettled([
      get("/api/v1/oee?" + q({ ...scope, group: st.group })),
      get("/api/v1/trend?" + q({ ...scope, level })),
    ]);
    if (seq !== st.seq) return;
    for (const x of [oee, trend]) if (x.status === "rejected" && x.reason instanceof LoggedOut) return;
    st.oee = oee.status === "fulfilled" ? oee.value : { error: oee.reason.message };
    st.trend = trend.status === "fulfilled" ? trend.value : { error: trend.reason.message };
    renderAnalytics();
  }

  function exportHref(path, params, format) {
    return path + "?" + q({ ...params, format, lang: exportLang() });
  }

  function renderAnalytics() {
    if (!st.range) return;
    $("an-group").value = st.group;
    const d = st.oee;
    showMsg("an-error", d?.error ? t("error.generic", { message: d.error }) : "");
    const tot = (d && !d.error && d.total) || {};
    for (const [id, k] of [
      ["an-availability", "availability_bp"],
      ["an-performance", "performance_bp"],
      ["an-quality", "quality_bp"],
      ["an-oee", "oee_bp"],
    ]) {
      const v = d && !d.error ? tot[k] : null;
      const card = $(id);
      card.querySelector(".stat-value").textContent = pct(v);
      card.dataset.bp = v === null || v === undefined ? "" : String(v);
    }
    $("an-oee").querySelector(".stat-sub").textContent =
      d && !d.error ? t("an.oee.sub", { good: qty(tot.good, tot.unit), reject: numFmt().format(tot.reject || 0) }) : "";
    $("an-availability").querySelector(".stat-sub").textContent =
      d && !d.error ? t("an.avail.sub", { run: dur(tot.run_ms), planned: dur(tot.planned_ms) }) : "";

    const params = { enterprise: app.ent, workshop: wsScope(), from: st.range.from, to: st.range.to, group: st.group };
    $("an-export-xlsx").href = exportHref("/api/v1/oee", params, "xlsx");
    $("an-export-csv").href = exportHref("/api/v1/oee", params, "csv");

    renderOeeTable();
    drawWaterfall();
    drawPareto();
    drawTrend();
  }

  function renderOeeTable() {
    const d = st.oee;
    $("an-col-key").textContent = t("an.group." + st.group);
    const rows = (d && !d.error && d.rows) || [];
    $("an-empty").hidden = !d || !!d.error || rows.length > 0;
    const line = (r, total) => {
      const tr = el("tr", total ? "total" : "");
      if (!total) tr.dataset.key = r.key ?? r.label ?? "";
      tr.append(
        el("td", "an-label", total ? t("an.total") : r.label || r.key || ""),
        el("td", "num", numFmt().format(r.machines || 0)),
        el("td", "num", dur(r.planned_ms)),
        el("td", "num", dur(r.run_ms)),
        el("td", "num", dur((r.stop_ms || 0) + (r.fault_ms || 0))),
        el("td", "num", qty(r.good, r.unit)),
        el("td", "num", numFmt().format(r.reject || 0)),
        el("td", "num", pct(r.availability_bp)),
        el("td", "num", pct(r.performance_bp)),
        el("td", "num", pct(r.quality_bp)),
        el("td", "num an-oee-cell", pct(r.oee_bp)),
      );
      return tr;
    };
    $("an-rows").replaceChildren(...rows.map((r) => line(r, false)));
    $("an-foot").replaceChildren(...(rows.length && d.total ? [line(d.total, true)] : []));
  }

  // The waterfall's unit: hours for long spans, minutes for short ones.
  function timeUnit(maxMs) {
    return maxMs >= 2 * 3600000
      ? { div: 3600000, name: t("unit.h"), digits: 2 }
      : { div: 60000, name: t("unit.min"), digits: 1 };
  }

  function drawWaterfall() {
    const c = chart("an-waterfall");
    const d = st.oee;
    const tot = (d && !d.error && d.total) || null;
    $("an-waterfall-msg").hidden = !!(tot && tot.planned_ms);
    $("an-waterfall-msg").textContent = t(d?.error ? "an.unavailable" : "an.no_planned");
    if (!c) return;
    const T = tot || {};
    const u = timeUnit(T.planned_ms || 0);
    const v = (ms) => Number(((Number(ms) || 0) / u.div).toFixed(u.digits));
    const cats = [];
    const base = [];
    const vals = [];
    const colors = [];
    const push = (name, b, val, color) => {
      cats.push(name);
      base.push(v(b));
      vals.push(v(val));
      colors.push(color);
    };
    let level = T.planned_ms || 0;
    push(t("an.wf.planned"), 0, level, cssVar("--accent", "#1763c6"));
    for (const s of LOSSES) {
      const loss = T[s + "_ms"] || 0;
      level -= loss;
      push(stateName(s), Math.max(0, level), loss, cssVar("--c-" + s, "#999"));
    }
    const run = T.run_ms || 0;
    push(t("an.wf.run"), 0, run, cssVar("--c-run", "#1e9e5a"));
    const speed = T.speed_loss_ms || 0;
    const reject = T.reject_loss_ms || 0;
    push(t("an.wf.speed"), Math.max(0, run - speed), speed, "#e0a23b");
    push(t("an.wf.reject"), Math.max(0, run - speed - reject), reject, cssVar("--c-fault", "#d93025"));
    push(t("an.wf.valuable"), 0, Math.max(0, run - speed - reject), "#136c3d");
    c.setOption(
      {
        ...baseOption(),
        grid: { left: 56, right: 16, top: 30, bottom: 56 },
        tooltip: {
          trigger: "axis",
          axisPointer: { type: "shadow" },
          formatter: (ps) => {
            const p = ps.find((x) => x.seriesIndex === 1) || ps[0];
            return `${p.name}<br>${numFmt().format(p.value)} ${u.name}`;
          },
        },
        xAxis: { type: "category", data: cats, axisLabel: { interval: 0, rotate: 30 } },
        yAxis: { type: "value", name: u.name },
        series: [
          { type: "bar", stack: "wf", data: base, itemStyle: { color: "transparent" }, silent: true, barMaxWidth: 40 },
          {
            type: "bar",
            stack: "wf",
            barMaxWidth: 40,
            data: vals.map((x, i) => ({ value: x, itemStyle: { color: colors[i] } })),
            label: { show: true, position: "top", formatter: (p) => (p.value ? numFmt().format(p.value) : "") },
          },
        ],
      },
      true,
    );
  }

  function paretoRows() {
    const by = new Map();
    for (const r of (st.oee && !st.oee.error && st.oee.reasons) || []) {
      const k = r.reason || "";
      by.set(k, (by.get(k) || 0) + (Number(r.ms) || 0));
    }
    return [...by].map(([reason, ms]) => ({ reason, ms })).filter((r) => r.ms > 0).sort((a, b) => b.ms - a.ms);
  }

  function drawPareto() {
    const c = chart("an-pareto");
    const rows = paretoRows();
    $("an-pareto-msg").hidden = rows.length > 0;
    $("an-pareto-msg").textContent = t(st.oee?.error ? "an.unavailable" : "an.no_stops");
    if (!c) return;
    const total = rows.reduce((a, r) => a + r.ms, 0);
    const u = timeUnit(rows[0]?.ms || 0);
    let cum = 0;
    const cumPct = rows.map((r) => {
      cum += r.ms;
      return total ? Number(((cum * 100) / total).toFixed(1)) : 0;
    });
    c.setOption(
      {
        ...baseOption(),
        grid: { left: 56, right: 48, top: 36, bottom: 56 },
        legend: { top: 0, right: 8, data: [t("an.pareto.time"), t("an.pareto.cum")] },
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        xAxis: { type: "category", data: rows.map((r) => reasonName(r.reason)), axisLabel: { interval: 0, rotate: 30 } },
        yAxis: [
          { type: "value", name: u.name },
          { type: "value", name: "%", min: 0, max: 100, splitLine: { show: false } },
        ],
        series: [
          {
            name: t("an.pareto.time"),
            type: "bar",
            data: rows.map((r) => Number((r.ms / u.div).toFixed(u.digits))),
            itemStyle: { color: cssVar("--c-stop", "#e8710a") },
            barMaxWidth: 40,
            tooltip: { valueFormatter: (x) => `${numFmt().format(x)} ${u.name}` },
          },
          {
            name: t("an.pareto.cum"),
            type: "line",
            yAxisIndex: 1,
            data: cumPct,
            itemStyle: { color: cssVar("--accent", "#1763c6") },
            tooltip: { valueFormatter: (x) => `${x}%` },
          },
        ],
      },
      true,
    );
  }

  function drawTrend() {
    const c = chart("an-trend");
    const d = st.trend;
    const buckets = (d && !d.error && d.buckets) || [];
    const level = d?.level || "hour";
    $("an-trend-title").textContent = t(level === "day" ? "an.trend.day" : "an.trend.hour");
    const empty = !buckets.some((b) => b.good || b.reject || b.plan);
    $("an-trend-msg").hidden = !d?.error && !empty;
    $("an-trend-msg").textContent = d?.error ? t("error.generic", { message: d.error }) : t("an.no_output");
    if (!c) return;
    const tz = firmTz();
    const labels = buckets.map((b) => (level === "day" ? b.label || localDay(b.ts, tz) : ctx.fmtHour(b.ts, tz)));
    const series = [
      {
        name: t("chart.good"),
        type: "bar",
        stack: "out",
        data: buckets.map((b) => b.good || 0),
        itemStyle: { color: cssVar("--c-run", "#1e9e5a") },
        barMaxWidth: 28,
        tooltip: { valueFormatter: (x) => qty(x, d?.unit) },
      },
      {
        name: t("chart.reject"),
        type: "bar",
        stack: "out",
        data: buckets.map((b) => b.reject || 0),
        itemStyle: { color: cssVar("--c-fault", "#d93025") },
        barMaxWidth: 28,
        tooltip: { valueFormatter: (x) => qty(x, d?.unit) },
      },
      {
        name: t("an.trend.plan"),
        type: "line",
        step: "middle",
        data: buckets.map((b) => b.plan ?? null),
        itemStyle: { color: cssVar("--accent", "#1763c6") },
        lineStyle: { type: "dashed" },
        tooltip: { valueFormatter: (x) => qty(x, d?.unit) },
      },
    ];
    const yAxis = [{ type: "value", name: t("unit.piece"), minInterval: 1 }];
    if (level === "day") {
      series.push({
        name: "OEE",
        type: "line",
        yAxisIndex: 1,
        data: buckets.map((b) => (b.oee_bp === null || b.oee_bp === undefined ? null : b.oee_bp / 100)),
        itemStyle: { color: cssVar("--c-setup", "#7b57c9") },
        tooltip: { valueFormatter: (x) => (x === null || x === undefined ? t("an.none") : pct(Math.round(x * 100))) },
      });
      yAxis.push({ type: "value", name: "OEE %", min: 0, max: 100, splitLine: { show: false } });
    }
    c.setOption(
      {
        ...baseOption(),
        grid: { left: 56, right: level === "day" ? 48 : 16, top: 36, bottom: 28 },
        legend: { top: 0, right: 8, data: series.map((s) => s.name) },
        tooltip: { trigger: "axis" },
        xAxis: { type: "category", data: labels },
        yAxis,
        series,
      },
      true,
    );
  }

  // ------------------------------------------------------------ stops

  async function loadStops(seq) {
    const { from, to } = st.range;
    let d;
    try {
      d = await get("/api/v1/stops?" + q({ enterprise: app.ent, workshop: wsScope(), from, to }));
    } catch (e) {
      if (e instanceof LoggedOut) return;
      d = { error: e.message };
    }
    if (seq !== st.seq) return;
    st.stops = d;
    st.stopMsg.clear();
    renderStops();
  }

  const stopKey = (s) => `${s.machine}/${s.start}`;

  function renderStops() {
    const d = st.stops;
    showMsg("stops-error", d?.error ? t("error.generic", { message: d.error }) : "");
    const list = ((d && !d.error && d.stops) || []).slice().sort((a, b) => b.start - a.start);
    $("stops-empty").hidden = !d || !!d.error || list.length > 0;
    $("stops-table").hidden = list.length === 0;
    const params = { enterprise: app.ent, workshop: wsScope(), from: st.range.from, to: st.range.to };
    $("stops-export-xlsx").href = exportHref("/api/v1/stops", params, "xlsx");
    $("stops-export-csv").href = exportHref("/api/v1/stops", params, "csv");
    const tz = firmTz();
    const reasons = app.reasons.get(app.ent) || [];
    $("stops-rows").replaceChildren(
      ...list.map((s) => {
        const tr = el("tr");
        tr.dataset.stop = stopKey(s);
        tr.dataset.state = s.state;
        tr.dataset.source = s.source || "";
        const end = s.end ?? null;
        const reason = el("td", "stop-reason");
        if (s.reason) {
          reason.append(el("span", "", reasonName(s.reason)));
          const src = has("stops.source." + s.source) ? t("stops.source." + s.source) : s.source || "";
          if (src) reason.append(el("span", "muted stop-source", " · " + src));
        } else {
          const sel = el("select", "stop-select");
          sel.setAttribute("aria-label", t("stops.col.reason"));
          const none = el("option", "", t("stops.pick"));
          none.value = "";
          sel.append(none, ...reasons.map((r) => {
            const o = el("option", "", reasonName(r.code));
            o.value = r.code;
            return o;
          }));
          const btn = el("button", "btn btn-small stop-save", t("stops.save"));
          btn.type = "button";
          btn.disabled = true;
          sel.addEventListener("change", () => (btn.disabled = !sel.value));
          btn.addEventListener("click", () => saveReason(s, sel.value, btn));
          reason.append(sel, btn);
          const msg = st.stopMsg.get(stopKey(s));
          if (msg) reason.append(el("span", "error stop-msg", msg));
        }
        tr.append(
          el("td", "stop-machine", s.machine),
          el("td", "stop-start", fmtTime(s.start, true, tz)),
          el("td", "stop-end", end ? fmtTime(end, true, tz) : t("stops.ongoing")),
          el("td", "num stop-dur", dur(s.duration_ms ?? (end ?? Date.now()) - s.start, true)),
          el("td", "stop-state", stateName(s.state)),
          reason,
        );
        return tr;
      }),
    );
  }

  async function saveReason(s, reason, btn) {
    if (!reason) return;
    btn.disabled = true;
    let r;
    try {
      r = await api("POST", "/api/v1/stops/reason", { enterprise: s.enterprise || app.ent, machine: s.machine, start: s.start, reason });
    } catch (e) {
      if (e instanceof LoggedOut) return;
      r = { status: 0, json: null };
    }
    if (r.status === 200) {
      const got = r.json?.stop || r.json || {};
      Object.assign(s, { reason, source: "supervisor" }, got.machine ? got : {});
      st.stopMsg.delete(stopKey(s));
    } else {
      st.stopMsg.set(stopKey(s), r.status ? t("error.generic", { message: errMessage(r) }) : t("error.network"));
    }
    renderStops();
  }

  // ------------------------------------------------------------ shifts

  function calCopy(c) {
    const src = c || {};
    return {
      enterprise: app.ent,
      tz: src.tz || DEFAULT_TZ,
      shifts: (src.shifts || []).map((s) => ({
        name: s.name || "",
        start: s.start || "",
        end: s.end || "",
        breaks: (s.breaks || []).map((b) => ({ start: b.start || "", end: b.end || "" })),
      })),
      rest_weekdays: [...(src.rest_weekdays || [])],
      rest_dates: [...(src.rest_dates || [])],
      offline_after_s: src.offline_after_s ?? 120,
      target_pct: src.target_pct ?? 85,
    };
  }

  function input(type, field, value, onInput, cls = "") {
    const i = el("input", cls);
    i.type = type;
    i.value = value ?? "";
    i.dataset.field = field;
    i.addEventListener("input", () => onInput(i.value));
    return i;
  }

  function labelled(text, control, cls = "field") {
    const l = el("label", cls);
    l.append(el("span", "", text), control);
    return l;
  }

  function renderShifts() {
    const c = st.calForm;
    const form = $("cal-form");
    if (!c) {
      form.replaceChildren();
      return;
    }
    const basics = el("div", "cal-basics");
    basics.append(
      labelled(t("cal.tz"), input("text", "tz", c.tz, (v) => (c.tz = v.trim()))),
      labelled(t("cal.offline_after"), input("number", "offline_after_s", c.offline_after_s, (v) => (c.offline_after_s = v === "" ? "" : Number(v)))),
      labelled(t("cal.target_pct"), input("number", "target_pct", c.target_pct, (v) => (c.target_pct = v === "" ? "" : Number(v)))),
    );
    const days = el("fieldset", "cal-weekdays");
    days.dataset.field = "rest_weekdays";
    days.append(el("legend", "", t("cal.rest_weekdays")));
    for (const wd of WEEKDAYS) {
      const l = el("label", "check");
      const cb = el("input");
      cb.type = "checkbox";
      cb.value = String(wd);
      cb.checked = c.rest_weekdays.includes(wd);
      cb.addEventListener("change", () => {
        c.rest_weekdays = c.rest_weekdays.filter((x) => x !== wd);
        if (cb.checked) c.rest_weekdays.push(wd);
        c.rest_weekdays.sort();
      });
      l.append(cb, el("span", "", t("weekday." + wd)));
      days.append(l);
    }
    const dates = input("text", "rest_dates", c.rest_dates.join(", "), (v) => {
      c.rest_dates = v.split(/[\s,，]+/).filter(Boolean);
    });
    dates.placeholder = "2026-10-01, 2026-10-02";

    const shifts = el("div", "cal-shifts");
    c.shifts.forEach((s, i) => {
      const row = el("div", "cal-shift");
      row.dataset.shift = String(i);
      const head = el("div", "cal-shift-head");
      const rm = el("button", "btn btn-small btn-quiet", t("cal.remove_shift"));
      rm.type = "button";
      rm.addEventListener("click", () => {
        c.shifts.splice(i, 1);
        renderShifts();
      });
      head.append(
        labelled(t("cal.shift_name"), input("text", `shifts[${i}].name`, s.name, (v) => (s.name = v))),
        labelled(t("cal.start"), input("time", `shifts[${i}].start`, s.start, (v) => (s.start = v))),
        labelled(t("cal.end"), input("time", `shifts[${i}].end`, s.end, (v) => (s.end = v))),
        rm,
      );
      const breaks = el("div", "cal-breaks");
      breaks.append(el("span", "muted", t("cal.breaks")));
      s.breaks.forEach((b, j) => {
        const br = el("span", "cal-break");
        const x = el("button", "btn btn-small btn-quiet", "×");
        x.type = "button";
        x.title = t("cal.remove_break");
        x.setAttribute("aria-label", t("cal.remove_break"));
        x.addEventListener("click", () => {
          s.breaks.splice(j, 1);
          renderShifts();
        });
        br.append(
          input("time", `shifts[${i}].breaks[${j}].start`, b.start, (v) => (b.start = v)),
          el("span", "", "–"),
          input("time", `shifts[${i}].breaks[${j}].end`, b.end, (v) => (b.end = v)),
          x,
        );
        breaks.append(br);
      });
      const add = el("button", "btn btn-small btn-quiet", t("cal.add_break"));
      add.type = "button";
      add.addEventListener("click", () => {
        s.breaks.push({ start: "", end: "" });
        renderShifts();
      });
      breaks.append(add);
      row.append(head, breaks);
      shifts.append(row);
    });
    const addShift = el("button", "btn btn-small btn-quiet", t("cal.add_shift"));
    addShift.type = "button";
    addShift.addEventListener("click", () => {
      c.shifts.push({ name: "", start: "", end: "", breaks: [] });
      renderShifts();
    });
    const save = el("button", "btn btn-accent", t("cal.save"));
    save.type = "submit";
    save.id = "cal-save";
    const msg = el("p", "", "");
    msg.id = "cal-msg";
    msg.setAttribute("role", "alert");
    const m = st.calMsg;
    msg.hidden = !m;
    if (m?.ok) {
      msg.className = "ok";
      msg.textContent = t("cal.saved");
    } else if (m?.error) {
      msg.className = "error";
      msg.textContent = t("error.generic", { message: m.error });
    }
    const note = st.calendars.get(app.ent)?.default ? [el("p", "muted cal-default", t("cal.default"))] : [];
    form.replaceChildren(
      ...note,
      basics,
      days,
      labelled(t("cal.rest_dates"), dates),
      el("h3", "", t("cal.shifts")),
      shifts,
      addShift,
      el("div", "cal-actions"),
    );
    form.querySelector(".cal-actions").append(save, msg);
    // Mark the field the API named, and show its message beside it.
    if (m?.field) markField(form, m.field, m.error.startsWith(m.field + ": ") ? m.error.slice(m.field.length + 2) : m.error);
  }

  // The field an API error names: error.field if given, else the message's
  // "field: what is wrong" prefix, else the longest field path of the form
  // the message mentions.
  function errorField(r) {
    const e = r?.json?.error || {};
    if (e.field) return e.field;
    const text = String(e.message || "");
    const m = /^([A-Za-z_][\w.[\]]*): /.exec(text);
    if (m) return m[1];
    let best = "";
    for (const x of $("cal-form").querySelectorAll("[data-field]")) {
      const f = x.dataset.field;
      if (f.length > best.length && text.includes(f)) best = f;
    }
    return best;
  }

  async function saveCalendar(ev) {
    ev.preventDefault();
    const c = st.calForm;
    if (!c) return;
    const btn = $("cal-save");
    if (btn) btn.disabled = true;
    let r;
    try {
      r = await api("PUT", "/api/v1/calendar?" + q({ enterprise: app.ent }), { ...c, enterprise: app.ent });
    } catch (e) {
      if (e instanceof LoggedOut) return;
      st.calMsg = { error: t("error.network") };
      renderShifts();
      return;
    }
    if (r.status === 200) {
      st.calendars.set(app.ent, r.json);
      st.calForm = calCopy(r.json);
      st.calMsg = { ok: true };
      renderRange();
    } else {
      st.calMsg = { error: errMessage(r), field: errorField(r) };
    }
    renderShifts();
  }

  async function loadShifts(seq) {
    const ent = app.ent;
    const [cal, rs] = await Promise.allSettled([
      get("/api/v1/calendar?" + q({ enterprise: ent })),
      loadReasons(ent, true),
    ]);
    if ([cal, rs].some((x) => x.status === "rejected" && x.reason instanceof LoggedOut)) return;
    if (seq !== st.seq) return;
    if (rs.status === "fulfilled") {
      st.reasonsErr = "";
    } else st.reasonsErr = rs.reason.message;
    renderReasons();
    if (cal.status === "rejected") {
      showMsg("cal-error", t("error.generic", { message: cal.reason.message }));
      return;
    }
    const c = cal.value;
    showMsg("cal-error", "");
    st.calendars.set(app.ent, c);
    st.calForm = calCopy(c);
    st.calMsg = null;
    renderShifts();
  }

  // ------------------------------------------------------------ wages

  async function loadWages(seq) {
    if (!st.month) st.month = today().slice(0, 7);
    if (!st.day) st.day = today();
    $("wage-month").value = st.month;
    $("wage-day").value = st.day;
    const ent = app.ent;
    const [wages, output, asg, workers, machines] = await Promise.allSettled([
      get("/api/v1/wages?" + q({ enterprise: ent, month: st.month })),
      get("/api/v1/worker-output?" + q({ enterprise: ent, workshop: wsScope(), from: st.day, to: st.day })),
      get("/api/v1/assignments?" + q({ enterprise: ent, day: st.day })),
      get("/api/v1/workers?" + q({ enterprise: ent })),
      get("/api/v1/machines?" + q({ enterprise: ent, workshop: wsScope() })),
    ]);
    if (seq !== st.seq) return;
    const all = [wages, output, asg, workers, machines];
    if (all.some((x) => x.status === "rejected" && x.reason instanceof LoggedOut)) return;
    const val = (x) => (x.status === "fulfilled" ? x.value : { error: x.reason.message });
    st.wages = val(wages);
    st.output = val(output);
    st.workers = workers.status === "fulfilled" ? workers.value.workers || [] : { error: workers.reason.message };
    const bad = [asg, workers, machines].find((x) => x.status === "rejected");
    st.grid = bad
      ? { error: bad.reason.message }
      : {
          day: st.day,
          machines: (machines.value.machines || []).map((m) => m.code).sort((a, b) => a.localeCompare(b, "en", { numeric: true })),
          workers: workers.value.workers || [],
          cells: new Map((asg.value.assignments || []).map((a) => [`${a.machine}/${a.shift}`, a.worker || ""])),
        };
    st.gridMsg = null;
    renderWages();
  }

  function workerName(code) {
    const w = (st.grid?.workers || []).find((x) => x.code === code);
    return w?.name || "";
  }

  function renderWages() {
    const w = st.wages;
    showMsg("wage-error", w?.error ? t("error.generic", { message: w.error }) : "");
    const rows = (w && !w.error && w.rows) || [];
    $("wage-empty").hidden = !w || !!w.error || rows.length > 0;
    const line = (r, total) => {
      const tr = el("tr", total ? "total" : "");
      if (!total) tr.dataset.worker = r.worker;
      tr.append(
        el("td", "", total ? t("an.total") : r.worker),
        el("td", "", total ? "" : r.name || ""),
        el("td", "num", pieces(r.good_pieces)),
        el("td", "num", pieces(r.reject_pieces)),
        el("td", "num", r.has_card === false ? t("wage.no_card") : r.rate_unit ? qty(r.paid_qty, r.rate_unit) : ""),
        el("td", "num", r.remainder_pieces === undefined || r.remainder_pieces === null ? "" : pieces(r.remainder_pieces)),
        el("td", "num", money(r.base)),
        el("td", "num", money(r.bonus)),
        el("td", "num", money(r.deduct)),
        el("td", "num wage-total", money(r.total)),
      );
      return tr;
    };
    $("wage-rows").replaceChildren(...rows.map((r) => line(r, false)));
    $("wage-foot").replaceChildren(...(rows.length && w.total ? [line(w.total, true)] : []));
    const mp = { enterprise: app.ent, month: st.month };
    $("wage-export-xlsx").href = exportHref("/api/v1/wages", mp, "xlsx");
    $("wage-export-csv").href = exportHref("/api/v1/wages", mp, "csv");

    const o = st.output;
    showMsg("wo-error", o?.error ? t("error.generic", { message: o.error }) : "");
    const orows = (o && !o.error && o.rows) || [];
    $("wo-empty").hidden = !o || !!o.error || orows.length > 0;
    $("wo-rows").replaceChildren(
      ...orows.map((r) => {
        const tr = el("tr");
        tr.dataset.worker = r.worker;
        const who = r.name ? `${r.name} (${r.worker})` : r.worker;
        tr.append(
          el("td", who ? "" : "muted", who || t("wo.unassigned")),
          el("td", "", r.day || ""),
          el("td", "", r.shift_name || String(r.shift ?? "")),
          el("td", "", r.machine || ""),
          el("td", "num", qty(r.good, r.unit)),
          el("td", "num", numFmt().format(r.reject || 0)),
        );
        return tr;
      }),
    );
    const ot = o && !o.error && orows.length ? o.total : null;
    $("wo-foot").replaceChildren(
      ...(ot
        ? [
            (() => {
              const tr = el("tr", "total");
              tr.append(
                el("td", "", t("an.total")),
                el("td"),
                el("td"),
                el("td"),
                el("td", "num", qty(ot.good, orows[0]?.unit)),
                el("td", "num", numFmt().format(ot.reject || 0)),
              );
              return tr;
            })(),
          ]
        : []),
    );
    const dp = { enterprise: app.ent, workshop: wsScope(), from: st.day, to: st.day };
    $("wo-export-xlsx").href = exportHref("/api/v1/worker-output", dp, "xlsx");
    $("wo-export-csv").href = exportHref("/api/v1/worker-output", dp, "csv");
    renderGrid();
    renderWorkers();
    renderWorkerForm();
  }

  function renderGrid() {
    const g = st.grid;
    showMsg("asg-error", g?.error ? t("error.generic", { message: g.error }) : "");
    const shifts = st.calendars.get(app.ent)?.shifts || [];
    const table = $("asg-table");
    table.hidden = !g || !!g.error || !g.machines.length || !shifts.length;
    $("asg-save").hidden = table.hidden;
    $("asg-empty").hidden = !g || !!g.error || !table.hidden;
    if (!g || g.error) return;
    const head = el("tr");
    head.append(el("th", "", t("asg.machine")), ...shifts.map((s, i) => el("th", "", s.name || t("asg.shift", { n: i + 1 }))));
    $("asg-head").replaceChildren(head);
    $("asg-rows").replaceChildren(
      ...g.machines.map((code) => {
        const tr = el("tr");
        tr.dataset.machine = code;
        tr.append(el("th", "", code));
        shifts.forEach((s, i) => {
          const td = el("td");
          const sel = el("select", "asg-select");
          sel.dataset.cell = `${code}/${i}`;
          sel.setAttribute("aria-label", `${code} · ${s.name || i + 1}`);
          const none = el("option", "", t("asg.none"));
          none.value = "";
          sel.append(none, ...g.workers.map((w) => {
            const o = el("option", "", w.name ? `${w.name} (${w.code})` : w.code);
            o.value = w.code;
            return o;
          }));
          const cur = g.cells.get(`${code}/${i}`) || "";
          if (cur && !g.workers.some((w) => w.code === cur)) {
            const o = el("option", "", cur);
            o.value = cur;
            sel.append(o);
          }
          sel.value = cur;
          sel.addEventListener("change", () => g.cells.set(`${code}/${i}`, sel.value));
          td.append(sel);
          tr.append(td);
        });
        return tr;
      }),
    );
    const m = st.gridMsg;
    const p = $("asg-msg");
    p.hidden = !m;
    p.className = m?.ok ? "ok" : "error";
    p.textContent = m?.ok ? t("asg.saved") : m?.error ? t("error.generic", { message: m.error }) : "";
  }

  async function saveGrid() {
    const g = st.grid;
    if (!g || g.error) return;
    const shifts = st.calendars.get(app.ent)?.shifts || [];
    // Every cell shown: the API sets each (machine, shift) of the day, and
    // an empty worker removes that cell's assignment.
    const assignments = [];
    for (const code of g.machines)
      shifts.forEach((s, i) => assignments.push({ machine: code, shift: i, worker: g.cells.get(`${code}/${i}`) || "" }));
    const body = { day: g.day, assignments };
    $("asg-save").disabled = true;
    let r;
    try {
      r = await api("PUT", "/api/v1/assignments?" + q({ enterprise: app.ent, day: g.day }), body);
    } catch (e) {
      if (e instanceof LoggedOut) return;
      r = { status: 0 };
    }
    $("asg-save").disabled = false;
    st.gridMsg = r.status === 200 ? { ok: true } : { error: r.status ? errMessage(r) : t("error.network") };
    if (r.status === 200 && r.json?.assignments)
      g.cells = new Map(r.json.assignments.map((a) => [`${a.machine}/${a.shift}`, a.worker || ""]));
    renderGrid();
  }

  // ------------------------------------------------------------ editors

  // The workers form (Wages) and the stop-reason form (Shifts). Both are
  // saved by POST (enterprise_admin or cluster_admin of the firm; a 403 is
  // said as such); a 400 is shown under the form and beside the input it
  // names, as on the calendar form.

  // A yuan amount as the API takes it: up to 4 decimals.
  const MONEY_RE = /^\d+(\.\d{1,4})?$/;

  // The input an API 400 names and the words to show beside it, or null:
  // error.field if the API sends one; else the message's "path: what is
  // wrong" prefix (a rate card's "steps[1]: threshold must ..." goes to that
  // step's threshold, and a step's bare "bonus: ..." to the first step whose
  // bonus is not an amount); else a quoted "field 'code' ...".
  function fieldError(form, r) {
    const e = r?.json?.error || {};
    const text = String(e.message || "");
    const exists = (f) => !!form.querySelector(`[data-field="${CSS.escape(f)}"]`);
    if (e.field) return exists(e.field) ? { field: e.field, note: text } : null;
    let m = /^([A-Za-z_][\w.[\]]*): ([\s\S]*)$/.exec(text);
    if (m) {
      let [, field, note] = m;
      const sub = /^(kind|threshold|bonus)\b/.exec(note);
      if (/^steps\[\d+\]$/.test(field) && sub && exists(`${field}.${sub[1]}`)) field += "." + sub[1];
      else if (field === "bonus" && !exists("bonus") && form.id === "worker-form") {
        const i = st.workerSteps.findIndex((x) => !MONEY_RE.test(String(x.bonus).trim()));
        field = `steps[${Math.max(0, i)}].bonus`;
      }
      return exists(field) ? { field, note } : null;
    }
    m = /field '([^']+)'/.exec(text);
    if (m && exists(m[1])) return { field: m[1], note: text };
    return null;
  }

  // What a refused or failed save says: {error, forbidden, field, note}.
  function saveFailure(form, r) {
    if (!r.status) return { error: t("error.network") };
    if (r.status === 403) return { error: errMessage(r), forbidden: true };
    return { error: errMessage(r), ...(r.status === 400 ? fieldError(form, r) : null) };
  }

  // The message under a form and the mark beside the field it names.
  function renderFormMsg(form, msgId, m, okText) {
    markField(form, m?.field, m?.note || m?.error);
    const p = $(msgId);
    p.hidden = !m;
    p.className = m?.ok ? "ok" : "error";
    p.textContent = !m
      ? ""
      : m.ok
        ? okText
        : m.forbidden
          ? t("edit.forbidden", { message: m.error })
          : t("error.generic", { message: m.error });
  }


  // Empty forms and no messages (a new firm, a new session).
  function clearEditors() {
    st.workers = null;
    st.reasonsErr = "";
    st.reasonMsg = null;
    fillWorkerForm(null);
    for (const id of ["reason-code", "reason-name-zh", "reason-name-en"]) $(id).value = "";
    renderFormMsg($("reason-form"), "reason-msg", null, "");
  }

  // ---- workers

  const workerList = () => (Array.isArray(st.workers) ? st.workers : []);

  function unitWord(u) {
    return has("worker.unit." + u) ? t("worker.unit." + u) : u || "";
  }

  function stepsText(w) {
    const steps = w.steps || [];
    if (!steps.length) return t("an.none");
    const list = steps.map((s) =>
      t(s.kind === "flat" ? "worker.step.flat.fmt" : "worker.step.per_unit.fmt", {
        qty: qty(s.threshold, w.rate_unit),
        unit: unitWord(w.rate_unit),
        bonus: s.bonus ?? "",
      }),
    );
    const period = t(w.step_period === "month" ? "worker.period.month.fmt" : "worker.period.day.fmt");
    return t("worker.steps.fmt", { period, list: list.join(t("worker.steps.sep")) });
  }

  function renderWorkers() {
    const w = st.workers;
    showMsg("worker-error", w?.error ? t("error.generic", { message: w.error }) : "");
    const list = workerList();
    $("worker-empty").hidden = !Array.isArray(w) || list.length > 0;
    $("worker-table").hidden = list.length === 0;
    $("worker-rows").replaceChildren(
      ...list.map((x) => {
        const tr = el("tr");
        tr.dataset.worker = x.code;
        const edit = el("button", "btn btn-small btn-quiet worker-edit", t("worker.edit"));
        edit.type = "button";
        edit.addEventListener("click", () => {
          fillWorkerForm(x);
          $("worker-name").focus();
        });
        const actions = el("td");
        actions.append(edit);
        tr.append(
          el("td", "worker-code", x.code),
          el("td", "worker-name", x.name || ""),
          el("td", "num worker-rate", t("worker.rate.fmt", { rate: x.rate ?? "", unit: unitWord(x.rate_unit) })),
          el("td", "worker-bonus", stepsText(x)),
          el("td", "num worker-deduct", t("worker.deduct.fmt", { n: x.reject_deduct ?? "0.0000" })),
          actions,
        );
        return tr;
      }),
    );
  }

  // Puts a worker of GET /workers (or nothing) into the form.
  function fillWorkerForm(w) {
    $("worker-code").value = w?.code || "";
    $("worker-name").value = w?.name || "";
    $("worker-rate-unit").value = w?.rate_unit || "pair";
    $("worker-rate").value = w?.rate || "";
    $("worker-reject-deduct").value = w?.reject_deduct || "";
    $("worker-step-period").value = w?.step_period === "month" ? "month" : "day";
    st.workerSteps = (w?.steps || []).map((s) => ({
      kind: s.kind === "flat" ? "flat" : "per_unit",
      threshold: String(s.threshold ?? ""),
      bonus: s.bonus || "",
    }));
    st.workerMsg = null;
    renderWorkerForm();
  }

  function renderWorkerTitle() {
    const code = $("worker-code").value.trim();
    const known = code && workerList().some((w) => w.code === code);
    $("worker-form-title").textContent = known ? t("worker.editing", { code }) : t("worker.add");
  }

  function renderWorkerSteps() {
    $("worker-steps").replaceChildren(
      ...st.workerSteps.map((s, i) => {
        const row = el("div", "form-row worker-step");
        row.dataset.step = String(i);
        row.dataset.field = `steps[${i}]`;
        const kind = el("select");
        kind.dataset.field = `steps[${i}].kind`;
        for (const k of ["per_unit", "flat"]) {
          const o = el("option", "", t("worker.step." + k));
          o.value = k;
          kind.append(o);
        }
        kind.value = s.kind;
        kind.addEventListener("change", () => (s.kind = kind.value));
        const threshold = input("number", `steps[${i}].threshold`, s.threshold, (v) => (s.threshold = v));
        threshold.min = "0";
        threshold.step = "1";
        const bonus = input("text", `steps[${i}].bonus`, s.bonus, (v) => (s.bonus = v), "money");
        bonus.inputMode = "decimal";
        bonus.placeholder = "0.0100";
        bonus.autocomplete = "off";
        const rm = el("button", "btn btn-small btn-quiet worker-step-remove", t("worker.step.remove"));
        rm.type = "button";
        rm.addEventListener("click", () => {
          st.workerSteps.splice(i, 1);
          renderWorkerSteps();
        });
        row.append(
          labelled(t("worker.step.kind"), kind),
          labelled(t("worker.step.threshold"), threshold),
          labelled(t("worker.step.bonus"), bonus),
          rm,
        );
        return row;
      }),
    );
  }

  function renderWorkerForm() {
    renderWorkerTitle();
    renderWorkerSteps();
    const m = st.workerMsg;
    renderFormMsg($("worker-form"), "worker-msg", m, m?.ok ? t("worker.saved", { code: m.code }) : "");
  }

  async function saveWorker(ev) {
    ev.preventDefault();
    const ent = app.ent;
    if (!ent) return;
    // Empty step rows are dropped first, so the rows the API numbers are
    // the rows shown.
    st.workerSteps = st.workerSteps.filter((s) => String(s.threshold).trim() !== "" || String(s.bonus).trim() !== "");
    const code = $("worker-code").value.trim();
    const body = {
      enterprise: ent,
      code,
      name: $("worker-name").value.trim(),
      rate_unit: $("worker-rate-unit").value,
      rate: $("worker-rate").value.trim(),
      step_period: $("worker-step-period").value,
      steps: st.workerSteps.map((s) => {
        const th = String(s.threshold).trim();
        // Not a whole number: sent as typed, so the API names the step.
        return { kind: s.kind, threshold: /^\d+$/.test(th) ? Number(th) : th, bonus: String(s.bonus).trim() };
      }),
    };
    const deduct = $("worker-reject-deduct").value.trim();
    if (deduct) body.reject_deduct = deduct;
    // A card setting the form does not show is kept as it was.
    if (workerList().find((w) => w.code === code)?.allow_negative === true) body.allow_negative = true;
    const btn = $("worker-submit");
    btn.disabled = true;
    let r;
    try {
      r = await send("POST", "/api/v1/workers", body);
    } catch {
      return; // logged out
    } finally {
      btn.disabled = false;
    }
    if (ent !== app.ent) return;
    if (r.status === 200 || r.status === 201) {
      st.workerMsg = { ok: true, code: r.json?.code || code };
      renderWorkerForm();
      await reloadWorkers();
    } else {
      st.workerMsg = saveFailure($("worker-form"), r);
      renderWorkerForm();
    }
  }

  // After a save: the workers list, the grid's worker selects (cells the
  // user changed but did not save stay as they are) and the wages table.
  async function reloadWorkers() {
    const ent = app.ent;
    const seq = st.seq;
    if (!st.grid || st.grid.error) {
      if (st.view === "wages") await load();
      return;
    }
    const [workers, wages] = await Promise.allSettled([
      get("/api/v1/workers?" + q({ enterprise: ent })),
      get("/api/v1/wages?" + q({ enterprise: ent, month: st.month })),
    ]);
    if ([workers, wages].some((x) => x.status === "rejected" && x.reason instanceof LoggedOut)) return;
    if (seq !== st.seq || ent !== app.ent) return;
    if (workers.status === "fulfilled") {
      st.workers = workers.value.workers || [];
      if (st.grid && !st.grid.error) st.grid.workers = st.workers;
    } else st.workers = { error: workers.reason.message };
    st.wages = wages.status === "fulfilled" ? wages.value : { error: wages.reason.message };
    renderWages();
  }

  // ---- stop reasons

  function renderReasons() {
    showMsg("reason-error", st.reasonsErr ? t("error.generic", { message: st.reasonsErr }) : "");
    const list = app.reasons.get(app.ent) || [];
    $("reason-table").hidden = list.length === 0;
    $("reason-rows").replaceChildren(
      ...list.map((x) => {
        const tr = el("tr");
        tr.dataset.reason = x.code;
        const edit = el("button", "btn btn-small btn-quiet sr-edit", t("sr.edit"));
        edit.type = "button";
        edit.addEventListener("click", () => {
          $("reason-code").value = x.code;
          $("reason-name-zh").value = x.name_zh || "";
          $("reason-name-en").value = x.name_en || "";
          st.reasonMsg = null;
          renderReasonMsg();
          $("reason-name-zh").focus();
        });
        const actions = el("td");
        actions.append(edit);
        tr.append(el("td", "sr-code", x.code), el("td", "sr-name-zh", x.name_zh || ""), el("td", "sr-name-en", x.name_en || ""), actions);
        return tr;
      }),
    );
    renderReasonMsg();
  }

  function renderReasonMsg() {
    const m = st.reasonMsg;
    renderFormMsg($("reason-form"), "reason-msg", m, m?.ok ? t("sr.saved", { code: m.code }) : "");
  }

  async function saveReasonDef(ev) {
    ev.preventDefault();
    const ent = app.ent;
    if (!ent) return;
    const body = {
      enterprise: ent,
      code: $("reason-code").value.trim(),
      name_zh: $("reason-name-zh").value.trim(),
      name_en: $("reason-name-en").value.trim(),
    };
    const btn = $("reason-submit");
    btn.disabled = true;
    let r;
    try {
      r = await send("POST", "/api/v1/stop-reasons", body);
    } catch {
      return; // logged out
    } finally {
      btn.disabled = false;
    }
    if (ent !== app.ent) return;
    if (r.status !== 200 && r.status !== 201) {
      st.reasonMsg = saveFailure($("reason-form"), r);
      renderReasonMsg();
      return;
    }
    st.reasonMsg = { ok: true, code: r.json?.code || body.code };
    for (const id of ["reason-code", "reason-name-zh", "reason-name-en"]) $(id).value = "";
    // The list as the firm now has it (the Stops page's selects and the
    // Pareto's names use it); the answer alone if it cannot be read.
    try {
      await loadReasons(ent, true);
      if (ent !== app.ent) return;
      st.reasonsErr = "";
    } catch (e) {
      if (e instanceof LoggedOut) return;
      const got = { code: st.reasonMsg.code, name_zh: r.json?.name_zh ?? body.name_zh, name_en: r.json?.name_en ?? body.name_en };
      const list = (app.reasons.get(ent) || []).filter((x) => x.code !== got.code);
      app.reasons.set(ent, [...list, got]);
    }
    renderReasons();
  }

  // ------------------------------------------------------------ pages

  // Reads what the shown page needs (on opening it, or a control change).
  async function load() {
    const view = st.view;
    if (!view || !app.user || !app.ent) return;
    const seq = ++st.seq;
    try {
      await ensureFirm();
    } catch (e) {
      if (e instanceof LoggedOut) return;
    }
    if (seq !== st.seq) return;
    renderRange();
    if (view === "analytics") await loadAnalytics(seq);
    else if (view === "stops") await loadStops(seq);
    else if (view === "shifts") await loadShifts(seq);
    else if (view === "wages") await loadWages(seq);
  }

  function show(view) {
    st.view = ANALYTICS_VIEWS.includes(view) ? view : "";
    $("range-bar").hidden = !(st.view === "analytics" || st.view === "stops");
    if (st.view) load();
  }

  // The firm or the workshop changed.
  function onScope() {
    if (st.view) load();
  }

  // Redraws everything in the current language (no reads).
  function render() {
    if (!app.user || !st.range) return;
    renderRange();
    if (st.oee || st.trend) renderAnalytics();
    if (st.stops) renderStops();
    if (st.calForm) renderShifts();
    if (app.reasons.has(app.ent) || st.reasonsErr) renderReasons();
    if (st.wages || st.grid) renderWages();
  }

  function reset() {
    st.seq++;
    st.calendars.clear();
    st.range = null;
    st.rangeEnt = "";
    st.oee = st.trend = st.stops = st.wages = st.output = st.grid = null;
    st.calForm = st.calMsg = st.gridMsg = null;
    st.month = st.day = "";
    clearEditors();
    for (const id of ["an-rows", "an-foot", "stops-rows", "wage-rows", "wage-foot", "wo-rows", "wo-foot", "asg-rows", "cal-form", "worker-rows", "reason-rows"])
      $(id).replaceChildren();
  }

  function wire() {
    $("range-from").addEventListener("change", onRangeInput);
    $("range-to").addEventListener("change", onRangeInput);
    for (const b of document.querySelectorAll("[data-preset]")) b.addEventListener("click", () => onPreset(b.dataset.preset));
    $("an-group").addEventListener("change", (e) => {
      st.group = GROUPS.includes(e.target.value) ? e.target.value : "machine";
      try {
        localStorage.setItem(GROUP_KEY, st.group);
      } catch {
        /* ignore */
      }
      load();
    });
    $("cal-form").addEventListener("submit", saveCalendar);
    $("wage-month").addEventListener("change", (e) => {
      if (!e.target.value) return;
      st.month = e.target.value;
      load();
    });
    $("wage-day").addEventListener("change", (e) => {
      if (!e.target.value) return;
      st.day = e.target.value;
      load();
    });
    $("asg-save").addEventListener("click", saveGrid);
    $("worker-form").addEventListener("submit", saveWorker);
    $("worker-code").addEventListener("input", renderWorkerTitle);
    $("worker-step-add").addEventListener("click", () => {
      st.workerSteps.push({ kind: "per_unit", threshold: "", bonus: "" });
      renderWorkerSteps();
    });
    $("worker-new").addEventListener("click", () => fillWorkerForm(null));
    $("reason-form").addEventListener("submit", saveReasonDef);
  }

  wire();
  return { show, onScope, render, reset, pct };
}
