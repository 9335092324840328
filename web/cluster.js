// SPDX-License-Identifier: Apache-2.0
// gloved dashboard, the cluster's own pages (docs/internals/cluster.md):
// 统计/Statistics (a firm files its monthly report, pre-filled with what
// gloved measured; the bureau and the towns see who filed, the totals by
// town and size class and export the county's table), 规划/Plan (the
// development plan's indicators against their targets, the bureau enters
// the plan), 驾驶舱/Cockpit (opens the full-screen wall view,
// /cockpit.html), 项目/Programme (the six actions' projects, events and
// cases) and 人才/Talent (courses and sessions; a firm's skill matrix and
// the operations it requires a certificate for). app.js owns the session,
// the firm picker and the tabs; a page is read when it opens, when the
// firm changes or after one of its own forms was sent.

import { markField, query as q } from "./dom.js";
import { getLang, has, t } from "./i18n.js";

export const CLUSTER_VIEWS = ["stats", "plan", "cockpit", "programme", "talent"];
const CLUSTER_ROLES = ["cluster_admin", "bureau", "association", "town_officer"];
const BUREAU_WRITE = ["cluster_admin", "bureau"];
const PROGRAMME_WRITE = ["cluster_admin", "bureau", "association"];
const LINES = ["brand", "smart_cluster", "design", "talent", "cooperation", "promotion"];

const thisMonth = () => {
  const p = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit" }).formatToParts(new Date());
  return `${p.find((x) => x.type === "year").value}-${p.find((x) => x.type === "month").value}`;
};

// ctx: {app, $, el, get, send, errMessage, LoggedOut, numFmt} from app.js.
export function createCluster(ctx) {
  const { app, $, el, get, send, errMessage, LoggedOut, numFmt } = ctx;
  const st = { view: "", seq: 0, month: thisMonth(), data: null, error: "", msg: null };
  const role = () => app.user?.role || "";
  const isCluster = () => CLUSTER_ROLES.includes(role());
  const nf = (n) => numFmt().format(Number(n) || 0);
  const tr = (prefix, v) => (has(prefix + v) ? t(prefix + v) : v);
  const name = (o) => (getLang() === "en" ? o.name_en || o.name_zh : o.name_zh);
  const pct = (bp) => (bp === null || bp === undefined ? "—" : `${(Number(bp) / 100).toFixed(1)}%`);

  function card(title) {
    const c = el("div", "card table-card");
    c.append(el("h2", "card-title", title));
    return c;
  }

  function table(cols, rows) {
    const wrap = el("div", "table-scroll");
    const tb = el("table", "data-table");
    const hr = el("tr");
    for (const c of cols) hr.append(el("th", c.num ? "num" : "", c.label ?? t(c.key)));
    const th = el("thead");
    th.append(hr);
    const body = el("tbody");
    for (const r of rows) body.append(r);
    tb.append(th, body);
    wrap.append(tb);
    return wrap;
  }

  function row(cells, cls) {
    const r = el("tr", cls || "");
    for (const c of cells) {
      if (c instanceof Node) {
        const td = el("td");
        td.append(c);
        r.append(td);
      } else r.append(el("td", typeof c === "number" ? "num" : "", String(c ?? "")));
    }
    return r;
  }

  function field(labelKey, input, dataField) {
    const l = el("label", "field");
    l.append(el("span", "", labelKey.startsWith("!") ? labelKey.slice(1) : t(labelKey)), input);
    if (dataField) input.setAttribute("data-field", dataField);
    return l;
  }

  function input(type, attrs = {}) {
    const i = el("input");
    i.type = type;
    for (const [k, v] of Object.entries(attrs)) i.setAttribute(k, v);
    return i;
  }

  function select(options, value) {
    const s = el("select");
    for (const [v, label] of options) {
      const o = el("option", "", label);
      o.value = v;
      if (v === value) o.selected = true;
      s.append(o);
    }
    return s;
  }

  function note(m) {
    const p = el("p", m?.ok ? "ok" : "error", m ? (m.ok ? m.ok : t("error.generic", { message: m.error })) : "");
    p.hidden = !m;
    p.setAttribute("role", "status");
    return p;
  }

  // The field an API error names: "values.sales: ..." -> "sales".
  const errField = (message) => {
    const m = /^(?:values\.|fields\[\d+\]\.|indicators\[\d+\]\.)?([a-z0-9_]+)[:\s]/.exec(message || "");
    return m ? m[1] : "";
  };

  // ------------------------------------------------------------ reads

  async function load() {
    const seq = ++st.seq;
    const ent = app.ent;
    st.error = "";
    try {
      let data = null;
      if (st.view === "stats") {
        // the cluster's readers: the county's overview (and the picked
        // firm's report below it); a firm: its own report
        data = {};
        if (isCluster()) data.overview = await get("/api/v1/stats/overview?" + q({ month: st.month }));
        if (ent) data.report = await get("/api/v1/stats/report?" + q({ enterprise: ent, month: st.month }));
      } else if (st.view === "plan") {
        data = isCluster() ? { plan: await get("/api/v1/plan").catch((e) => ({ missing: e.message })) } : {};
      } else if (st.view === "programme") {
        data = { prog: await get("/api/v1/programme") };
      } else if (st.view === "talent") {
        const courses = await get("/api/v1/talent/courses");
        data = { courses };
        if (ent && !isCluster()) data.skills = await get("/api/v1/talent/skills?" + q({ enterprise: ent })).catch(() => null);
      } else data = {};
      if (seq !== st.seq) return;
      st.data = data;
    } catch (e) {
      if (e instanceof LoggedOut || seq !== st.seq) return;
      st.data = {};
      st.error = e.message;
    }
    render();
  }

  // ------------------------------------------------------------ statistics

  function monthPicker() {
    const m = input("month", { id: "c-month", value: st.month });
    m.addEventListener("change", () => {
      if (/^\d{4}-\d{2}$/.test(m.value)) {
        st.month = m.value;
        st.msg = null;
        load();
      }
    });
    return field("c.month", m);
  }

  function renderReport(page, rep) {
    const c = card(t("c.report.title", { month: rep.month }));
    const status = el("p", "muted", `${t("c.status")}: ${tr("c.status.", rep.status)} · ${t("c.form_version", { v: rep.form_version })} · ${t("c.due", { day: rep.due })}${rep.size_class ? " · " + t("c.size." + rep.size_class) : ""}`);
    status.id = "c-report-status";
    c.append(status);
    const form = el("form", "form-grid");
    form.id = "c-report-form";
    const filed = rep.status === "filed" || !["enterprise_admin", "cluster_admin"].includes(role());
    for (const f of rep.fields) {
      const i = input("text", { inputmode: "decimal", name: f.key });
      i.value = f.value ?? "";
      if (f.measured || filed) i.readOnly = true;
      const label = `!${name(f)}${f.unit ? " (" + f.unit + ")" : ""}${f.required ? " *" : ""}${f.measured ? " · " + t("c.measured") : ""}`;
      form.append(field(label, i, f.key));
    }
    const msg = note(st.msg);
    const save = async (file) => {
      const values = {};
      for (const f of rep.fields) {
        if (f.measured) continue;
        const v = form.querySelector(`[name="${f.key}"]`).value.trim();
        if (v !== "") values[f.key] = v;
      }
      const r = await send("PUT", "/api/v1/stats/report", { enterprise: app.ent, month: st.month, values, file });
      if (r.status === 200 || r.status === 201) {
        st.msg = { ok: t(file ? "c.filed" : "c.saved") };
        markField(form, "");
        load();
      } else {
        const m = errMessage(r);
        st.msg = { error: m };
        msg.replaceWith(note(st.msg));
        markField(form, errField(m), m);
      }
    };
    if (!filed) {
      const b1 = el("button", "btn", t("c.save_draft"));
      b1.type = "button";
      b1.id = "c-save";
      b1.addEventListener("click", () => save(false));
      const b2 = el("button", "btn primary", t("c.file"));
      b2.type = "button";
      b2.id = "c-file";
      b2.addEventListener("click", () => save(true));
      const bar = el("div", "form-actions");
      bar.append(b1, b2);
      form.append(bar);
    }
    c.append(form, msg);
    page.append(c);
  }

  function groupTable(groups, fields, labelOf) {
    return table(
      [{ key: "c.group" }, { key: "c.filed_n", num: 1 }, ...fields.map((f) => ({ label: `${name(f)}${f.unit ? " (" + f.unit + ")" : ""}`, num: 1 }))],
      groups.map((g) => row([labelOf(g.name), g.firms_filed, ...fields.map((f) => `${nf(g.values[f.key])}${g.mom_bp[f.key] !== null && g.mom_bp[f.key] !== undefined ? ` (${t("c.mom")} ${pct(g.mom_bp[f.key])})` : ""}`)])),
    );
  }

  function renderOverview(page, o) {
    const c = card(t("c.overview.title", { month: o.month }));
    const counts = el("p", "", t("c.counts", { firms: o.counts.firms, filed: o.counts.filed, drafts: o.counts.drafts, missing: o.counts.missing, late: o.counts.late, due: o.due }));
    counts.id = "c-counts";
    const links = el("p");
    for (const f of ["xlsx", "csv"]) {
      const a = el("a", "btn", t("c.export." + f));
      a.href = "/api/v1/stats/export?" + q({ month: o.month, format: f, lang: getLang() === "en" ? "en" : "" });
      links.append(a, " ");
    }
    c.append(counts, links);
    c.append(
      table(
        [{ key: "c.col.firm" }, { key: "c.col.name" }, { key: "c.col.town" }, { key: "c.status" }, { key: "c.col.size" }],
        o.firms.map((f) => row([f.code, f.name, f.town, tr("c.status.", f.status) + (f.late ? " · " + t("c.late") : ""), f.size_class ? t("c.size." + f.size_class) : ""], f.late ? "late" : "")),
      ),
    );
    page.append(c);
    const towns = card(t("c.by_town"));
    towns.append(groupTable([...o.towns, o.total], o.fields, (n) => (n === "total" ? t("c.total") : n)));
    page.append(towns);
    const sizes = card(t("c.by_size"));
    sizes.append(groupTable(o.size_classes, o.fields, (n) => t("c.size." + n)));
    page.append(sizes);
  }

  // ------------------------------------------------------------ plan

  function renderPlan(page, p) {
    if (p.missing) {
      page.append(el("p", "muted", t("c.plan.none")));
    } else {
      const c = card(`${p.title} (${p.year0}–${p.year1})`);
      c.append(el("p", "", t("c.plan.summary", { year: p.year, elapsed: pct(p.elapsed_bp), off: p.off_track })));
      const a = el("a", "btn", t("c.export.xlsx"));
      a.href = "/api/v1/plan/export?" + q({ lang: getLang() === "en" ? "en" : "" });
      c.append(a);
      c.append(
        table(
          [{ key: "c.plan.indicator" }, { key: "c.plan.source" }, { key: "c.plan.target", num: 1 }, { key: "c.plan.actual", num: 1 }, { key: "c.plan.expected", num: 1 }, { key: "c.plan.progress", num: 1 }, { key: "c.status" }, { key: "c.plan.trend" }],
          p.indicators.map((i) =>
            row(
              [
                `${name(i)}${i.unit ? " (" + i.unit + ")" : ""}`,
                tr("c.source.", i.source),
                i.now.target ?? "—",
                i.now.actual ?? "—",
                i.now.expected ?? "—",
                i.now.target !== undefined && i.now.actual !== null ? pct(i.now.progress_bp) : "—",
                i.now.status ? tr("c.plan.", i.now.status) : "—",
                i.years.map((y) => `${y.year}: ${y.actual ?? "—"}`).join(" · "),
              ],
              i.now.status === "off_track" ? "late" : "",
            ),
          ),
        ),
      );
      page.append(c);
    }
    if (BUREAU_WRITE.includes(role())) {
      const c = card(t("c.plan.edit"));
      const ta = el("textarea", "code");
      ta.rows = 12;
      ta.id = "c-plan-json";
      ta.value = JSON.stringify(p.body || { title: "", year0: new Date().getFullYear(), year1: new Date().getFullYear() + 4, indicators: [] }, null, 2);
      const b = el("button", "btn primary", t("c.plan.save"));
      b.type = "button";
      const msg = note(st.msg);
      b.addEventListener("click", async () => {
        let body;
        try {
          body = JSON.parse(ta.value);
        } catch {
          st.msg = { error: t("c.plan.bad_json") };
          msg.replaceWith(note(st.msg));
          return;
        }
        const r = await send("PUT", "/api/v1/plan", body);
        st.msg = r.status === 201 ? { ok: t("c.plan.saved", { v: r.json.version }) } : { error: errMessage(r) };
        if (r.status === 201) load();
        else msg.replaceWith(note(st.msg));
      });
      c.append(ta, b, msg);
      page.append(c);
    }
  }

  // ------------------------------------------------------------ programme

  function renderProgramme(page, p) {
    for (const line of LINES) {
      const items = p.items.filter((x) => x.line === line);
      const c = card(t("c.line." + line));
      if (!items.length) c.append(el("p", "muted", t("c.prog.empty")));
      else
        c.append(
          table(
            [{ key: "c.prog.kind" }, { key: "c.prog.year", num: 1 }, { key: "c.prog.title" }, { key: "c.prog.owner" }, { key: "c.prog.budget", num: 1 }],
            items.map((x) => row([tr("c.kind.", x.kind), x.year, x.title, x.body.owner || "", x.body.budget_wan !== undefined ? nf(x.body.budget_wan) : ""])),
          ),
        );
      page.append(c);
    }
    if (PROGRAMME_WRITE.includes(role())) {
      const c = card(t("c.prog.add"));
      const form = el("form", "form-grid");
      const kind = select(["project", "event", "case"].map((k) => [k, t("c.kind." + k)]), "project");
      const line = select(LINES.map((l) => [l, t("c.line." + l)]), "brand");
      const year = input("number", { value: String(new Date().getFullYear()), min: "2000", max: "2099" });
      const title = input("text", { maxlength: "120" });
      const owner = input("text", { maxlength: "60" });
      const budget = input("number", { min: "0" });
      form.append(field("c.prog.kind", kind), field("c.prog.line", line), field("c.prog.year", year, "year"), field("c.prog.title", title, "title"), field("c.prog.owner", owner), field("c.prog.budget", budget));
      const b = el("button", "btn primary", t("c.prog.save"));
      b.type = "submit";
      const msg = note(st.msg);
      form.append(b);
      form.addEventListener("submit", async (e) => {
        e.preventDefault();
        const body = { kind: kind.value, line: line.value, year: Number(year.value), title: title.value.trim(), body: { owner: owner.value.trim() } };
        if (budget.value !== "") body.body.budget_wan = Number(budget.value);
        const r = await send("POST", "/api/v1/programme", body);
        if (r.status === 201) {
          st.msg = { ok: t("c.prog.saved") };
          load();
        } else {
          const m = errMessage(r);
          st.msg = { error: m };
          msg.replaceWith(note(st.msg));
          markField(form, errField(m), m);
        }
      });
      c.append(form, msg);
      page.append(c);
    }
  }

  // ------------------------------------------------------------ talent

  function renderTalent(page, d) {
    const c = card(t("c.talent.courses"));
    c.append(
      table(
        [{ key: "c.talent.code" }, { key: "c.talent.name" }, { key: "c.talent.category" }, { key: "c.talent.operation" }, { key: "c.talent.hours", num: 1 }, { key: "c.talent.sessions" }],
        d.courses.items.map((x) => row([x.code, name(x), tr("c.cat.", x.category), x.operation || "—", x.hours, x.sessions.map((s) => `${s.from}~${s.to} ${s.trainer} ${s.enrolled}/${s.capacity}`).join("; ")])),
      ),
    );
    page.append(c);
    if (d.skills) {
      const m = card(t("c.talent.matrix"));
      const ops = [...new Set(d.skills.workers.flatMap((w) => w.skills.map((s) => s.operation)).concat(d.skills.rules.map((r) => r.operation)))].filter(Boolean).sort();
      m.append(
        table(
          [{ key: "c.talent.worker" }, ...ops.map((o) => ({ label: o + (d.skills.rules.some((r) => r.operation === o) ? " *" : "") }))],
          d.skills.workers.map((w) => row([`${w.worker} ${w.name}`, ...ops.map((o) => {
            const s = w.skills.find((x) => x.operation === o);
            return s ? t("c.talent.level", { n: s.level, day: s.day }) : "—";
          })])),
        ),
      );
      if (d.skills.rules.length) m.append(el("p", "muted", d.skills.rules.map((r) => `${r.operation}: ${t("c.rule." + r.mode)}`).join(" · ")));
      page.append(m);
    }
  }

  // ------------------------------------------------------------ module

  function render() {
    if (!app.user || !st.view) return;
    const page = $("page-" + st.view);
    page.replaceChildren();
    if (st.view === "cockpit") {
      const c = card(t("c.cockpit.title"));
      c.append(el("p", "", t(isCluster() ? "c.cockpit.about" : "c.cockpit.cluster_only")));
      if (isCluster()) {
        const a = el("a", "btn primary", t("c.cockpit.open"));
        a.href = "/cockpit.html";
        a.target = "_blank";
        a.id = "c-cockpit-open";
        c.append(a);
      }
      page.append(c);
      return;
    }
    if (st.view === "stats" || st.view === "plan") page.append(st.view === "stats" ? monthPicker() : el("span"));
    if (st.error) {
      page.append(el("p", "error", t("error.generic", { message: st.error })));
      return;
    }
    const d = st.data;
    if (!d) return;
    if (st.view === "stats") {
      if (d.overview) renderOverview(page, d.overview);
      if (d.report) renderReport(page, d.report);
      if (!d.overview && !d.report) page.append(el("p", "muted", t("c.pick_firm")));
    } else if (st.view === "plan") {
      if (d.plan) renderPlan(page, d.plan);
      else page.append(el("p", "muted", t("c.cockpit.cluster_only")));
    } else if (st.view === "programme") renderProgramme(page, d.prog);
    else if (st.view === "talent") renderTalent(page, d);
  }

  function show(view) {
    const next = CLUSTER_VIEWS.includes(view) ? view : "";
    if (next !== st.view) st.msg = null;
    st.view = next;
    if (st.view) {
      st.data = null;
      if (st.view === "cockpit") render();
      else load();
    }
  }

  function onScope() {
    st.msg = null;
  }

  function reset() {
    st.seq++;
    st.data = null;
    st.msg = null;
    for (const v of CLUSTER_VIEWS) $("page-" + v).replaceChildren();
  }

  return { show, onScope, render, reset };
}
