// SPDX-License-Identifier: Apache-2.0
// The cockpit page (cockpit.html): one EventSource on
// /api/v1/cockpit/events; each `cockpit` event carries every figure shown
// (docs/api.md, "Cockpit"), so the page only draws. Without a session (the
// stream answers 401/403) it says so and links to the dashboard's login.

import { getLang, setLang, t } from "./i18n.js";

const LANG_KEY = "gloved.lang";
const $ = (id) => document.getElementById(id);
let last = null;

const nf = () => new Intl.NumberFormat(getLang() === "en" ? "en" : "zh-CN");
const pct = (bp) => (bp === null || bp === undefined ? "—" : `${(Number(bp) / 100).toFixed(1)}%`);
const label = (o) => (getLang() === "en" ? o.name_en || o.name_zh : o.name_zh);

function td(text, cls) {
  const c = document.createElement("td");
  if (cls) c.className = cls;
  c.textContent = text;
  return c;
}

function draw() {
  document.documentElement.lang = getLang();
  document.title = t("ck.title");
  $("ck-title").textContent = t("ck.title");
  $("ck-lang").textContent = t("lang.switch");
  for (const [id, key] of [["l-firms", "ck.firms_online"], ["l-online", "ck.machines_online"], ["l-running", "ck.machines_running"], ["l-pairs", "ck.pairs_today"], ["l-towns", "ck.by_town"], ["l-plan", "ck.plan"], ["l-brand", "ck.brand"]]) $(id).textContent = t(key);
  const head = $("towns-head");
  head.replaceChildren();
  for (const [k, num] of [["ck.town"], ["ck.machines_online", 1], ["ck.pairs_today", 1], ["ck.oee", 1]]) {
    const th = document.createElement("th");
    th.textContent = t(k);
    if (num) th.className = "num";
    head.append(th);
  }
  const d = last;
  if (!d) return;
  const f = nf();
  $("ck-town").textContent = d.town || "";
  $("v-firms").textContent = `${f.format(d.total.firms_online)} / ${f.format(d.total.firms)}`;
  $("v-online").textContent = `${f.format(d.total.machines_online)} / ${f.format(d.total.machines)}`;
  $("v-running").textContent = f.format(d.total.machines_running);
  $("v-pairs").textContent = f.format(d.total.pairs_today);
  $("v-yesterday").textContent = t("ck.vs_yesterday", { n: f.format(d.total.pairs_yesterday) });
  const rows = d.towns.map((x) => {
    const r = document.createElement("tr");
    r.append(td(x.town || "—"), td(`${f.format(x.machines_online)} / ${f.format(x.machines)}`, "num"), td(`${f.format(x.pairs_today)} (${f.format(x.pairs_yesterday)})`, "num"), td(pct(x.oee_bp), "num"));
    return r;
  });
  $("towns").replaceChildren(...rows);
  const plan = $("plan");
  plan.replaceChildren();
  if (!d.plan) plan.textContent = t("ck.no_plan");
  else
    for (const i of d.plan.indicators) {
      const box = document.createElement("div");
      box.className = "ck-ind " + (i.now.status || "");
      const n = document.createElement("span");
      n.textContent = `${label(i)}${i.unit ? " (" + i.unit + ")" : ""}`;
      const v = document.createElement("span");
      v.className = "ck-st";
      v.textContent = `${i.now.actual ?? "—"} / ${i.now.target ?? "—"}`;
      const bar = document.createElement("div");
      bar.className = "ck-bar";
      const fill = document.createElement("div");
      fill.style.width = `${Math.max(0, Math.min(100, Number(i.now.progress_bp || 0) / 100))}%`;
      bar.append(fill);
      box.append(n, v, bar);
      plan.append(box);
    }
  const b = $("brand");
  b.replaceChildren();
  for (const [k, v, today] of [["ck.licensed", d.brand.licensed_firms], ["ck.labels", d.brand.labels_issued, d.brand.labels_issued_today], ["ck.scans", d.brand.label_scans, d.brand.label_scans_today], ["ck.coop", d.cooperation?.open_orders ?? 0]]) {
    const x = document.createElement("div");
    x.textContent = t(k) + (today !== undefined ? ` · ${t("ck.today")} ${f.format(today)}` : "");
    const n = document.createElement("b");
    n.textContent = f.format(v);
    x.append(n);
    b.append(x);
  }
}

function clock() {
  $("ck-clock").textContent = new Intl.DateTimeFormat(getLang() === "en" ? "en" : "zh-CN", { timeZone: "Asia/Shanghai", dateStyle: "medium", timeStyle: "medium" }).format(new Date());
}

async function explain() {
  const r = await fetch("/api/v1/cockpit", { credentials: "same-origin", headers: { Accept: "application/json" } }).catch(() => null);
  if (r && (r.status === 401 || r.status === 403)) {
    const e = $("ck-error");
    const j = await r.json().catch(() => null);
    e.replaceChildren(document.createTextNode(j?.error?.message || "HTTP " + r.status + " "));
    const a = document.createElement("a");
    a.href = "/";
    a.textContent = " → /";
    e.append(a);
    e.hidden = false;
    return false;
  }
  return true;
}

function connect() {
  const es = new EventSource("/api/v1/cockpit/events");
  es.addEventListener("cockpit", (ev) => {
    last = JSON.parse(ev.data);
    $("ck-error").hidden = true;
    $("ck-live").className = "ck-live";
    $("ck-live").textContent = t("ck.live");
    draw();
  });
  es.onerror = async () => {
    $("ck-live").className = "ck-live off";
    $("ck-live").textContent = t("ck.offline");
    if (es.readyState === EventSource.CLOSED) {
      if (await explain()) setTimeout(connect, 3000);
    }
  };
}

try {
  setLang(localStorage.getItem(LANG_KEY) || "zh-CN");
} catch {
  setLang("zh-CN");
}
$("ck-lang").addEventListener("click", () => {
  const next = getLang() === "zh-CN" ? "en" : "zh-CN";
  setLang(next);
  try {
    localStorage.setItem(LANG_KEY, next);
  } catch {
    /* ignore */
  }
  draw();
  clock();
});
draw();
clock();
setInterval(clock, 1000);
connect();
