// SPDX-License-Identifier: Apache-2.0
// gloved dashboard, quality and the regional brand (docs/internals/quality.md,
// docs/internals/brand.md): the 质量/Quality page (the firm's lots with
// their quantity and result, an ISO 2859-1 inspection of a lot — the plan
// of each class, defects from the catalogue, the decision —, the switching
// state of a style, the test reports with their markings and an EN 388
// calculator whose values can be saved as a report with its PDF) and the
// 品牌/Brand page (licences and audits, with the association's forms;
// flags raised on labels scanned like copies; the labels of a lot: issue,
// print as PDF or ZPL, open the public verification page). app.js
// owns the session, the firm picker and the tabs; a page is read when it
// opens, when the firm changes or after one of its own forms was sent.

import { markField, query as q } from "./dom.js";
import { getLang, has, t } from "./i18n.js";

export const QUALITY_VIEWS = ["quality", "brand"];
const CLASSES = ["critical", "major", "minor"];
const LEVELS = ["S-1", "S-2", "S-3", "S-4", "I", "II", "III"];
const BRAND_ROLES = ["cluster_admin", "association"];

// ctx: {app, $, el, get, send, errMessage, LoggedOut, numFmt} from app.js.
export function createQuality(ctx) {
  const { app, $, el, get, send, errMessage, LoggedOut, numFmt } = ctx;
  const st = { view: "", seq: 0, detail: null, lots: null, tests: null, defects: null, lot: "", plan: null, defectRows: [], inspMsg: null, inspResult: null, sw: null, en388: null, licences: null, flags: null, labels: null, labelLot: "", labelMsg: null, licMsg: null };

  const nf = (n) => numFmt().format(Number(n) || 0);
  const tr = (prefix, v) => (has(prefix + v) ? t(prefix + v) : v);
  const failText = (r) => (r.status ? errMessage(r) : t("error.network"));
  const fmtDay = (ms) => (ms ? new Intl.DateTimeFormat(getLang(), { timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date(ms)) : "");
  const qty = (o) => {
    const d = o.dozens || {};
    return `${t("unit.pair.fmt", { n: nf(o.pairs) })} · ${d.rest_pairs ? t("q.dozens_rest", { dz: nf(d.whole), rest: nf(d.rest_pairs) }) : t("unit.dozen.fmt", { n: nf(d.whole) })}`;
  };
  const isBrand = () => BRAND_ROLES.includes(app.user?.role);

  function msg(node, m) {
    node.hidden = !m;
    node.className = m?.ok ? "ok" : "error";
    node.textContent = !m ? "" : m.ok ? m.ok : t("error.generic", { message: m.error });
  }

  function card(title, id) {
    const c = el("div", "card table-card");
    if (id) c.id = id;
    c.append(el("h2", "card-title", title));
    return c;
  }

  function table(cols, rows, id) {
    const wrap = el("div", "table-scroll");
    const tb = el("table", "data-table");
    if (id) tb.id = id;
    const hr = el("tr");
    for (const c of cols) hr.append(el("th", c.num ? "num" : "", t(c.key)));
    const th = el("thead");
    th.append(hr);
    const body = el("tbody");
    for (const r of rows) body.append(r);
    tb.append(th, body);
    wrap.append(tb);
    return wrap;
  }

  function row(cells) {
    const r = el("tr");
    for (const c of cells) {
      if (c instanceof Node) {
        const td = el("td");
        td.append(c);
        r.append(td);
      } else r.append(el("td", typeof c === "number" ? "num" : "", String(c ?? "")));
    }
    return r;
  }

  function field(labelKey, input, wide) {
    const l = el("label", "field" + (wide ? " wide" : ""));
    l.append(el("span", "", t(labelKey)), input);
    return l;
  }

  function input(type, attrs = {}) {
    const i = el("input");
    i.type = type;
    for (const [k, v] of Object.entries(attrs)) i.setAttribute(k, v);
    return i;
  }

  function select(options, value, attrs = {}) {
    const s = el("select");
    for (const [v, label] of options) {
      const o = el("option", "", label);
      o.value = v;
      if (v === value) o.selected = true;
      s.append(o);
    }
    for (const [k, v] of Object.entries(attrs)) s.setAttribute(k, v);
    return s;
  }

  // ------------------------------------------------------------ reads

  async function load() {
    const seq = ++st.seq;
    const ent = app.ent;
    try {
      if (st.view === "quality") {
        if (!ent) {
          st.lots = { error: t("q.pick_firm") };
        } else {
          const [lots, tests, defects] = await Promise.all([
            get("/api/v1/lots?" + q({ enterprise: ent })),
            get("/api/v1/tests?" + q({ enterprise: ent })),
            st.defects ? Promise.resolve({ items: st.defects }) : get("/api/v1/defects"),
          ]);
          if (seq !== st.seq) return;
          st.lots = lots.items;
          st.tests = tests.items;
          st.defects = defects.items;
        }
      } else if (st.view === "brand") {
        const [lic, flags, audits] = await Promise.all([get("/api/v1/brand/licences"), get("/api/v1/brand/flags?open=1"), get("/api/v1/brand/audits")]);
        if (seq !== st.seq) return;
        st.licences = lic.items;
        st.flags = flags.items;
        st.audits = audits.items;
        if (ent && !isBrand()) {
          const lots = await get("/api/v1/lots?" + q({ enterprise: ent }));
          if (seq !== st.seq) return;
          st.lots = lots.items;
          if (!st.labelLot || !st.lots.some((l) => l.code === st.labelLot)) st.labelLot = st.lots.find((l) => l.result === "accepted")?.code || st.lots[0]?.code || "";
          st.labels = st.labelLot ? (await get("/api/v1/labels?" + q({ enterprise: ent, lot: st.labelLot }))).items : [];
          if (seq !== st.seq) return;
        } else st.labels = null;
      }
    } catch (e) {
      if (e instanceof LoggedOut || seq !== st.seq) return;
      if (st.view === "quality") st.lots = { error: e.message };
      else st.licences = { error: e.message };
    }
    render();
  }

  // ------------------------------------------------------------ quality page

  function renderQuality() {
    const page = $("page-quality");
    const nodes = [];
    if (st.lots?.error) {
      const p = el("p", "error", t("error.generic", { message: st.lots.error }));
      p.setAttribute("role", "alert");
      page.replaceChildren(p);
      return;
    }
    const lots = st.lots || [];
    const c = card(t("q.lots"), "q-lots");
    const ex = el("p", "exports");
    for (const [what, path] of [["q.export.lots", "/api/v1/lots"], ["q.export.inspections", "/api/v1/inspections"]])
      for (const fmt of ["xlsx", "csv"]) {
        const a = el("a", "btn btn-small", t(what, { fmt: fmt.toUpperCase() }));
        a.href = path + "?" + q({ enterprise: app.ent, format: fmt, lang: getLang() === "en" ? "en" : "" });
        a.setAttribute("download", "");
        ex.append(a);
      }
    c.append(ex);
    if (!lots.length) c.append(el("p", "muted", t("q.lots_empty")));
    else
      c.append(
        table(
          [{ key: "q.col.lot" }, { key: "q.col.style" }, { key: "q.col.size" }, { key: "q.col.qty" }, { key: "q.col.produced" }, { key: "q.col.result" }, { key: "q.col.action" }],
          lots.map((l) => {
            const b = el("button", "btn btn-small", t(l.result ? "q.view" : "q.inspect"));
            b.type = "button";
            b.addEventListener("click", () => pickLot(l.code));
            const r = row([l.code, l.style, l.size, qty(l), `${l.produced_from} – ${l.produced_to}`, l.result ? tr("q.result.", l.result) : t("q.result.none"), b]);
            r.dataset.lot = l.code;
            r.dataset.result = l.result || "";
            return r;
          }),
          "q-lot-table",
        ),
      );
    c.append(lotForm());
    nodes.push(c);
    if (st.lot) nodes.push(renderInspection());
    nodes.push(renderTests(), renderEn388());
    page.replaceChildren(...nodes);
  }

  // "1, 3-5" -> [1, 3, 4, 5]; null when malformed.
  function numbers(s) {
    const out = [];
    for (const part of s.split(/[,，\s]+/).filter(Boolean)) {
      const m = /^(\d+)(?:-(\d+))?$/.exec(part);
      if (!m) return null;
      const a = Number(m[1]), b = Number(m[2] || m[1]);
      if (b < a || b - a > 1000) return null;
      for (let i = a; i <= b; i++) out.push(i);
    }
    return out;
  }

  function lotForm() {
    const form = el("form", "sewn-form");
    form.id = "q-lot-form";
    form.noValidate = true;
    form.append(el("h3", "", t("q.lot_add")));
    const fr = el("div", "form-row");
    const code = input("text", { id: "q-lot-code", "data-field": "code", autocomplete: "off" });
    const order = input("text", { id: "q-lot-order", "data-field": "order", autocomplete: "off" });
    const source = select([["bundles", t("q.source.bundles")], ["machines", t("q.source.machines")]], "bundles", { id: "q-lot-source", "data-field": "source" });
    const items = input("text", { id: "q-lot-items", "data-field": "bundles", autocomplete: "off", placeholder: "1, 3-5" });
    const from = input("date", { id: "q-lot-from", "data-field": "from" });
    const to = input("date", { id: "q-lot-to", "data-field": "to" });
    const dates = [field("q.from", from), field("q.to", to)];
    const sync = () => {
      const m = source.value === "machines";
      items.placeholder = m ? "K1, K2" : "1, 3-5";
      items.dataset.field = m ? "machines" : "bundles";
      for (const d of dates) d.hidden = !m;
    };
    source.addEventListener("change", sync);
    fr.append(field("q.col.lot", code), field("q.order", order), field("q.source", source), field("q.items", items), ...dates);
    sync();
    const actions = el("div", "cal-actions");
    const b = el("button", "btn btn-accent", t("q.lot_submit"));
    b.type = "submit";
    const m = el("p");
    m.id = "q-lot-msg";
    m.setAttribute("role", "alert");
    msg(m, st.lotMsg);
    actions.append(b, m);
    form.append(fr, actions);
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const body = { enterprise: app.ent, code: code.value.trim(), order: order.value.trim(), source: source.value };
      if (source.value === "machines") {
        body.machines = items.value.split(/[,，\s]+/).filter(Boolean);
        body.from = from.value;
        body.to = to.value;
      } else {
        const n = numbers(items.value);
        if (!n || !n.length) {
          st.lotMsg = { error: t("q.bad_bundles") };
          msg($("q-lot-msg"), st.lotMsg);
          markField(form, "bundles", t("q.bad_bundles"));
          return;
        }
        body.bundles = n;
      }
      try {
        const r = await send("POST", "/api/v1/lots", body);
        st.lotMsg = r.status === 201 ? { ok: t("q.lot_made", { lot: r.json.code, qty: qty(r.json) }) } : { error: failText(r) };
        if (r.status === 201) await load();
        else {
          msg($("q-lot-msg"), st.lotMsg);
          const f = /^(\w+)/.exec(r.json?.error?.message || "")?.[1];
          markField(form, f, r.json?.error?.message || "");
        }
      } catch (e) {
        if (!(e instanceof LoggedOut)) console.error(e);
      }
    });
    return form;
  }

  async function pack(lot) {
    const n = Number($("q-pack-n")?.value) || 0;
    const r = await send("POST", "/api/v1/cartons", { enterprise: app.ent, lot, pairs_per_carton: n });
    st.inspMsg = r.status === 201 ? { ok: t("q.packed", { n: nf(r.json.items.length) }) } : { error: failText(r) };
    await load();
  }

  function pickLot(code) {
    st.lot = code;
    st.plan = st.inspResult = st.inspMsg = st.detail = null;
    st.defectRows = [];
    st.sw = null;
    render();
    planFor().catch(() => {});
    const lot = (st.lots || []).find((l) => l.code === code);
    if (lot?.result)
      send("GET", "/api/v1/lot?" + q({ enterprise: app.ent, code }))
        .then((r) => {
          if (r.status === 200 && st.lot === code) {
            st.detail = r.json;
            render();
          }
        })
        .catch(() => {});
  }

  // The inspections of the lot shown and what it is made of.
  function renderDetail(c) {
    const d = st.detail;
    if (!d) return;
    const ins = d.inspections || [];
    if (ins.length)
      c.append(
        table(
          [{ key: "q.col.when" }, { key: "q.inspector" }, { key: "q.col.severity" }, { key: "q.col.found" }, { key: "q.col.result" }],
          ins.map((x) =>
            row([
              fmtDay(x.ts),
              x.inspector,
              tr("q.sev.", x.severity) + (x.resubmitted ? " · " + t("q.resubmitted") : ""),
              Object.entries(x.classes || {})
                .map(([cl, p]) => t("q.found_fmt", { cls: t("q.class." + cl), found: nf(p.found), ac: nf(p.ac) }))
                .join(" · "),
              tr("q.result.", x.result),
            ]),
          ),
          "q-insp-table",
        ),
      );
    const mats = (d.materials || []).map((m) => `${m.material_lot} (${tr("q.kind.", m.kind)}, ${m.supplier} ${m.batch})`);
    if (mats.length) c.append(el("p", "muted", t("q.materials", { list: mats.join("；") })));
  }

  const aqlInputs = () => Object.fromEntries(CLASSES.map((c) => [c, $("q-aql-" + c)?.value.trim() || ""]));

  async function planFor() {
    const lot = (st.lots || []).find((l) => l.code === st.lot);
    if (!lot) return;
    const a = $("q-aql-major") ? aqlInputs() : { critical: "0", major: "2.5", minor: "4.0" };
    const level = $("q-level")?.value || "II";
    const r = await send("GET", "/api/v1/inspections/plan?" + q({ enterprise: app.ent, lot: lot.code, level, ...a }));
    st.plan = r.status === 200 ? r.json : { error: failText(r) };
    const sw = await send("GET", "/api/v1/aql/switching?" + q({ enterprise: app.ent, style: lot.style }));
    st.sw = sw.status === 200 ? sw.json : null;
    render();
  }

  function renderInspection() {
    const lot = (st.lots || []).find((l) => l.code === st.lot);
    const c = card(t("q.inspection", { lot: st.lot }), "q-inspection");
    if (!lot) return c;
    if (st.sw) {
      const s = st.sw.state || st.sw;
      const p = el("p", "muted", t("q.switching", { severity: tr("q.sev.", s.severity), score: nf(s.score) }) + (s.stopped ? " · " + t("q.stopped") : ""));
      p.id = "q-switching";
      c.append(p);
    }
    const form = el("form", "sewn-form");
    form.id = "q-insp-form";
    form.noValidate = true;
    const fr = el("div", "form-row");
    const lv = select(LEVELS.map((l) => [l, l]), st.plan?.level || "II", { id: "q-level", "data-field": "level" });
    lv.addEventListener("change", () => planFor().catch(() => {}));
    fr.append(field("q.level", lv));
    const defaults = { critical: "0", major: "2.5", minor: "4.0" };
    for (const cl of CLASSES) {
      const i = input("text", { id: "q-aql-" + cl, "data-field": "aql." + cl, inputmode: "decimal" });
      i.value = st.plan?.classes?.[cl]?.aql ?? defaults[cl];
      i.addEventListener("change", () => planFor().catch(() => {}));
      fr.append(field("q.aql." + cl, i));
    }
    form.append(fr);
    if (st.plan?.error) form.append(el("p", "error", t("error.generic", { message: st.plan.error })));
    else if (st.plan) {
      const pl = el("p", "q-plan");
      pl.id = "q-plan";
      pl.textContent = t("q.draw", { n: nf(st.plan.draw), lot: nf(st.plan.lot_pairs), severity: tr("q.sev.", st.plan.severity) });
      form.append(pl);
      form.append(
        table(
          [{ key: "q.col.class" }, { key: "q.col.aql" }, { key: "q.col.letter" }, { key: "q.col.sample", num: 1 }, { key: "q.col.ac", num: 1 }, { key: "q.col.re", num: 1 }],
          CLASSES.filter((cl) => st.plan.classes[cl]).map((cl) => {
            const p = st.plan.classes[cl];
            const r = row([t("q.class." + cl), p.aql, p.letter, p.sample, p.ac, p.re]);
            r.dataset.class = cl;
            return r;
          }),
          "q-plan-table",
        ),
      );
    }
    if (!lot.result) {
      const dr = el("div", "q-defects");
      dr.append(el("h3", "", t("q.defects")));
      st.defectRows.forEach((d, i) => {
        const line = el("div", "form-row");
        const types = select(
          (st.defects || []).map((x) => [x.code, `${getLang() === "en" ? x.en : x.zh} (${t("q.class." + x.class)})`]),
          d.type,
          { "data-field": `defects[${i}].type`, class: "q-defect-type" },
        );
        types.addEventListener("change", () => (d.type = types.value));
        const n = input("number", { min: "1", step: "1", "data-field": `defects[${i}].count`, class: "q-defect-count" });
        n.value = d.count;
        n.addEventListener("change", () => (d.count = n.value));
        line.append(field("q.defect_type", types, true), field("q.defect_count", n));
        dr.append(line);
      });
      const add = el("button", "btn btn-small", t("q.defect_add"));
      add.type = "button";
      add.id = "q-defect-add";
      add.addEventListener("click", () => {
        st.defectRows.push({ type: st.defects?.[0]?.code || "", count: "1" });
        render();
      });
      dr.append(add);
      form.append(dr);
      const insp = input("text", { id: "q-inspector", "data-field": "inspector", autocomplete: "off" });
      insp.value = app.user?.username || "";
      form.append(field("q.inspector", insp));
      const actions = el("div", "cal-actions");
      const sub = el("button", "btn btn-accent", t("q.submit"));
      sub.type = "submit";
      sub.id = "q-insp-submit";
      const m = el("p");
      m.id = "q-insp-msg";
      m.setAttribute("role", "alert");
      msg(m, st.inspMsg);
      actions.append(sub, m);
      form.append(actions);
      form.addEventListener("submit", (ev) => {
        ev.preventDefault();
        submitInspection(form).catch((e) => {
          if (!(e instanceof LoggedOut)) console.error(e);
        });
      });
    }
    if (!lot.result) c.append(form); /* an inspected lot shows how it was inspected */
    renderDetail(c);
    if (lot.result === "accepted" && st.detail && !(st.detail.cartons || []).length) {
      const pf = el("div", "form-row");
      const n = input("number", { id: "q-pack-n", min: "1", step: "1" });
      n.value = "12";
      const b = el("button", "btn btn-small", t("q.pack"));
      b.type = "button";
      b.id = "q-pack";
      b.addEventListener("click", () => pack(lot.code).catch(() => {}));
      pf.append(field("q.pairs_per_carton", n), b);
      c.append(pf);
    } else if (st.detail?.cartons?.length) c.append(el("p", "muted", t("q.cartons", { n: nf(st.detail.cartons.length) })));
    if (st.inspResult) {
      const res = el("p", st.inspResult.result === "accepted" ? "ok q-verdict" : "error q-verdict", t("q.decided." + st.inspResult.result));
      res.id = "q-result";
      res.dataset.result = st.inspResult.result;
      c.append(res);
    }
    return c;
  }

  async function submitInspection(form) {
    const aql = {};
    for (const [k, v] of Object.entries(aqlInputs())) if (v !== "") aql[k] = v;
    const body = {
      enterprise: app.ent,
      lot: st.lot,
      level: $("q-level").value,
      inspector: $("q-inspector").value.trim(),
      aql,
      defects: st.defectRows.filter((d) => d.type && Number(d.count) > 0).map((d) => ({ type: d.type, count: Number(d.count) })),
    };
    const r = await send("POST", "/api/v1/inspections", body);
    if (r.status === 201) {
      st.inspResult = r.json;
      st.inspMsg = null;
      st.defectRows = [];
      await load();
      return;
    }
    st.inspMsg = { error: failText(r) };
    render();
    const f = /defects\[\d+\]\.\w+|aql\.\w+|inspector|level/.exec(r.json?.error?.message || "")?.[0];
    markField($("q-insp-form"), f, r.json?.error?.message || "");
  }

  function renderTests() {
    const c = card(t("q.tests"), "q-tests");
    const tests = st.tests || [];
    if (!tests.length) {
      c.append(el("p", "muted", t("q.tests_empty")));
      return c;
    }
    c.append(
      table(
        [{ key: "q.col.report" }, { key: "q.col.lab" }, { key: "q.col.day" }, { key: "q.col.for" }, { key: "q.col.en388" }, { key: "q.col.markings" }, { key: "q.col.pdf" }],
        tests.map((x) => {
          const marks = Object.entries(x.markings || {})
            .filter(([k]) => k !== "en388")
            .map(([, m]) => `${m.standard}: ${m.marking || m.cut || m.type || (m.min_length_mm ? t("q.size_fmt", { size: m.size, len: m.min_length_mm }) : "")}`)
            .join(" · ");
          let pdf = "";
          if (x.pdf) {
            pdf = el("a", "btn btn-small", "PDF");
            pdf.href = "/api/v1/tests/pdf?" + q({ enterprise: app.ent, id: x.id });
          }
          return row([x.report_no, x.lab, x.day, x.style || x.material_lot, x.en388 || "—", marks, pdf]);
        }),
      ),
    );
    return c;
  }

  function renderEn388() {
    const c = card(t("q.en388"), "q-en388");
    c.append(el("p", "muted", t("q.en388_note")));
    const form = el("form", "sewn-form");
    form.noValidate = true;
    const fr = el("div", "form-row");
    const keys = ["abrasion_cycles", "coupe_index", "tear_n", "puncture_n", "tdm_n"];
    for (const k of keys) fr.append(field("q.en388." + k, input("number", { id: "q-e-" + k, min: "0", step: "any", "data-field": k })));
    const bl = input("checkbox", { id: "q-e-blunted" });
    const imp = select([["", t("q.en388.not_tested")], ["pass", t("q.en388.pass")], ["fail", t("q.en388.fail")]], "", { id: "q-e-impact" });
    fr.append(field("q.en388.blunted", bl), field("q.en388.impact", imp));
    form.append(fr);
    const actions = el("div", "cal-actions");
    const b = el("button", "btn btn-accent", t("q.en388.compute"));
    b.type = "submit";
    b.id = "q-e-submit";
    const out = el("p", "q-marking");
    out.id = "q-e-out";
    if (st.en388?.marking) out.textContent = t("q.en388.marking", { m: st.en388.marking });
    else if (st.en388?.error) {
      out.className = "error";
      out.textContent = t("error.generic", { message: st.en388.error });
    }
    actions.append(b, out);
    form.append(actions);
    // the same values saved as a lab's test report, its PDF attached
    const rr = el("div", "form-row");
    const no = input("text", { id: "q-t-no", "data-field": "report_no", autocomplete: "off" });
    const lab = input("text", { id: "q-t-lab", "data-field": "lab", autocomplete: "off" });
    const day = input("date", { id: "q-t-day", "data-field": "day" });
    const style = input("text", { id: "q-t-style", "data-field": "style", autocomplete: "off" });
    const file = input("file", { id: "q-t-pdf", accept: "application/pdf" });
    rr.append(field("q.col.report", no), field("q.col.lab", lab), field("q.col.day", day), field("q.col.style", style), field("q.col.pdf", file));
    const ra = el("div", "cal-actions");
    const save = el("button", "btn", t("q.test_save"));
    save.type = "button";
    save.id = "q-t-save";
    const tm = el("p");
    tm.id = "q-t-msg";
    tm.setAttribute("role", "alert");
    msg(tm, st.testMsg);
    ra.append(save, tm);
    form.append(el("h3", "", t("q.test_add")), rr, ra);
    save.addEventListener("click", async () => {
      const en388 = {};
      for (const k of keys) {
        const v = $("q-e-" + k).value;
        if (v !== "") en388[k] = Number(v);
      }
      if ($("q-e-blunted").checked) en388.coupe_blunted = true;
      if ($("q-e-impact").value) en388.impact = $("q-e-impact").value;
      const body = { enterprise: app.ent, report_no: no.value.trim(), lab: lab.value.trim(), day: day.value, style: style.value.trim(), values: { en388 } };
      try {
        const r = await send("POST", "/api/v1/tests", body);
        if (r.status !== 201) {
          st.testMsg = { error: failText(r) };
          msg($("q-t-msg"), st.testMsg);
          return;
        }
        st.testMsg = { ok: t("q.test_saved", { no: r.json.report_no, m: r.json.en388 }) };
        const f = file.files?.[0];
        if (f) {
          const res = await fetch("/api/v1/tests/pdf?" + q({ enterprise: app.ent, id: r.json.id }), {
            method: "PUT",
            credentials: "same-origin",
            headers: { "Content-Type": "application/pdf" },
            body: f,
          });
          if (res.status !== 200) st.testMsg = { error: t("q.pdf_failed", { status: res.status }) };
        }
        await load();
      } catch (e) {
        if (!(e instanceof LoggedOut)) console.error(e);
      }
    });
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const body = {};
      for (const k of keys) {
        const v = $("q-e-" + k).value;
        if (v !== "") body[k] = Number(v);
      }
      if ($("q-e-blunted").checked) body.coupe_blunted = true;
      if ($("q-e-impact").value) body.impact = $("q-e-impact").value;
      try {
        const r = await send("POST", "/api/v1/tests/en388", body);
        st.en388 = r.status === 200 ? r.json : { error: failText(r) };
        const o = $("q-e-out");
        o.className = st.en388.error ? "error" : "q-marking";
        o.textContent = st.en388.error ? t("error.generic", { message: st.en388.error }) : t("q.en388.marking", { m: st.en388.marking });
      } catch (e) {
        if (!(e instanceof LoggedOut)) console.error(e);
      }
    });
    c.append(form);
    return c;
  }

  // ------------------------------------------------------------ brand page

  function renderBrand() {
    const page = $("page-brand");
    if (st.licences?.error) {
      page.replaceChildren(el("p", "error", t("error.generic", { message: st.licences.error })));
      return;
    }
    const nodes = [];
    const c = card(t("b.licences"), "b-licences");
    c.append(
      table(
        [{ key: "b.col.firm" }, { key: "b.col.town" }, { key: "b.col.status" }, { key: "b.col.since" }, { key: "b.col.conditions" }, { key: "b.col.last" }],
        (st.licences || []).map((l) => {
          const last = l.history?.[l.history.length - 1];
          const r = row([`${l.enterprise} ${l.name}`, l.town, tr("b.status.", l.status), fmtDay(l.since), t("b.conditions", l.conditions), last ? `${fmtDay(last.ts)} ${tr("b.action.", last.action)} ${last.reason || ""}` : ""]);
          r.dataset.enterprise = l.enterprise;
          r.dataset.status = l.status;
          return r;
        }),
        "b-licence-table",
      ),
    );
    if (isBrand()) c.append(licenceForm());
    nodes.push(c);
    const au = card(t("b.audits"), "b-audits");
    const audits = st.audits || [];
    if (!audits.length) au.append(el("p", "muted", t("b.audits_empty")));
    else
      au.append(
        table(
          [{ key: "b.col.firm" }, { key: "q.col.day" }, { key: "b.auditor" }, { key: "b.passed" }, { key: "b.note" }],
          audits.map((a) => row([a.enterprise, a.day, a.auditor, t(a.passed ? "b.pass" : "b.fail"), a.note])),
          "b-audit-table",
        ),
      );
    if (isBrand()) au.append(auditForm());
    nodes.push(au);
    const f = card(t("b.flags"), "b-flags");
    const flags = st.flags || [];
    if (!flags.length) f.append(el("p", "muted", t("b.flags_empty")));
    else
      f.append(
        table(
          [{ key: "b.col.serial" }, { key: "b.col.firm" }, { key: "b.col.when" }, { key: "b.col.why" }, { key: "b.col.action" }],
          flags.map((x) => {
            const b = el("button", "btn btn-small", t("b.resolve"));
            b.type = "button";
            b.addEventListener("click", async () => {
              const r = await send("POST", "/api/v1/brand/flags/resolve", { id: x.id, note: t("b.resolved_note") });
              if (r.status === 200) load();
            });
            return row([x.serial, x.enterprise, fmtDay(x.ts), t("b.why." + x.reason, { scans: nf(x.scans), networks: nf(x.networks) }), b]);
          }),
        ),
      );
    nodes.push(f);
    if (st.labels) nodes.push(renderLabels());
    page.replaceChildren(...nodes);
  }

  function auditForm() {
    const form = el("form", "sewn-form");
    form.id = "b-audit-form";
    form.noValidate = true;
    const fr = el("div", "form-row");
    const firm = select((st.licences || []).map((l) => [l.enterprise, `${l.enterprise} ${l.name}`]), app.ent, { id: "b-a-firm", "data-field": "enterprise" });
    const day = input("date", { id: "b-a-day", "data-field": "day" });
    const who = input("text", { id: "b-a-auditor", "data-field": "auditor", autocomplete: "off" });
    const passed = select([["1", t("b.pass")], ["0", t("b.fail")]], "1", { id: "b-a-passed" });
    const note = input("text", { id: "b-a-note", "data-field": "note", autocomplete: "off" });
    fr.append(field("b.col.firm", firm), field("q.col.day", day), field("b.auditor", who), field("b.passed", passed), field("b.note", note, true));
    const actions = el("div", "cal-actions");
    const b = el("button", "btn btn-accent", t("b.audit_add"));
    b.type = "submit";
    const m = el("p");
    m.id = "b-audit-msg";
    m.setAttribute("role", "alert");
    msg(m, st.auditMsg);
    actions.append(b, m);
    form.append(fr, actions);
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const body = { enterprise: firm.value, day: day.value, auditor: who.value.trim(), passed: passed.value === "1", note: note.value.trim() };
      try {
        const r = await send("POST", "/api/v1/brand/audits", body);
        st.auditMsg = r.status === 201 ? { ok: t("b.audit_added") } : { error: failText(r) };
        if (r.status === 201) await load();
        else msg($("b-audit-msg"), st.auditMsg);
      } catch (e) {
        if (!(e instanceof LoggedOut)) console.error(e);
      }
    });
    return form;
  }

  function licenceForm() {
    const form = el("form", "sewn-form");
    form.id = "b-licence-form";
    form.noValidate = true;
    const fr = el("div", "form-row");
    const firm = select((st.licences || []).map((l) => [l.enterprise, `${l.enterprise} ${l.name}`]), app.ent, { id: "b-firm", "data-field": "enterprise" });
    const act = select(["grant", "suspend", "reinstate", "revoke"].map((a) => [a, t("b.action." + a)]), "grant", { id: "b-action", "data-field": "action" });
    const reason = input("text", { id: "b-reason", "data-field": "reason", autocomplete: "off" });
    fr.append(field("b.col.firm", firm), field("b.action", act), field("b.reason", reason, true));
    const cr = el("div", "form-row");
    for (const [k, v] of [["audits_passed", "1"], ["last_lots", "3"], ["min_accept_pct", "80"]]) {
      const i = input("number", { id: "b-c-" + k, min: "0", step: "1", "data-field": "conditions." + k });
      i.value = v;
      cr.append(field("b.cond." + k, i));
    }
    const actions = el("div", "cal-actions");
    const b = el("button", "btn btn-accent", t("b.apply"));
    b.type = "submit";
    const m = el("p");
    m.id = "b-licence-msg";
    m.setAttribute("role", "alert");
    msg(m, st.licMsg);
    actions.append(b, m);
    form.append(fr, cr, actions);
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const body = { enterprise: firm.value, action: act.value, reason: reason.value.trim() };
      if (act.value === "grant") body.conditions = Object.fromEntries(["audits_passed", "last_lots", "min_accept_pct"].map((k) => [k, Number($("b-c-" + k).value) || 0]));
      try {
        const r = await send("POST", "/api/v1/brand/licences", body);
        st.licMsg = r.status === 200 ? { ok: t("b.applied", { firm: firm.value, status: tr("b.status.", r.json.status) }) } : { error: failText(r) };
        await load();
      } catch (e) {
        if (!(e instanceof LoggedOut)) console.error(e);
      }
    });
    return form;
  }

  function renderLabels() {
    const c = card(t("b.labels"), "b-labels");
    const form = el("form", "sewn-form");
    form.id = "b-label-form";
    form.noValidate = true;
    const fr = el("div", "form-row");
    const lot = select((st.lots || []).map((l) => [l.code, `${l.code} · ${l.style} · ${l.result ? tr("q.result.", l.result) : t("q.result.none")}`]), st.labelLot, { id: "b-lot", "data-field": "lot" });
    lot.addEventListener("change", () => {
      st.labelLot = lot.value;
      st.labelMsg = null;
      load();
    });
    const kind = select([["carton", t("b.kind.carton")], ["bag", t("b.kind.bag")]], "carton", { id: "b-kind", "data-field": "kind" });
    const brand = input("checkbox", { id: "b-brand" });
    brand.checked = true;
    const per = input("number", { id: "b-per", min: "1", step: "1", "data-field": "pairs_per_bag" });
    per.value = "12";
    fr.append(field("b.lot", lot), field("b.kind", kind), field("b.brand", brand), field("b.per_bag", per));
    const actions = el("div", "cal-actions");
    const b = el("button", "btn btn-accent", t("b.issue"));
    b.type = "submit";
    b.id = "b-issue";
    const m = el("p");
    m.id = "b-label-msg";
    m.setAttribute("role", "alert");
    msg(m, st.labelMsg);
    actions.append(b, m);
    form.append(fr, actions);
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const body = { enterprise: app.ent, lot: lot.value, kind: kind.value, brand: brand.checked };
      if (kind.value === "bag") body.pairs_per_bag = Number(per.value) || 1;
      try {
        const r = await send("POST", "/api/v1/labels", body);
        st.labelMsg = r.status === 201 ? { ok: t("b.issued", { n: nf(r.json.items.length) }) } : { error: failText(r) };
        await load();
      } catch (e) {
        if (!(e instanceof LoggedOut)) console.error(e);
      }
    });
    c.append(form);
    const labels = st.labels || [];
    if (labels.length) {
      const links = el("p", "exports");
      for (const [kindName, fmt] of [["carton", "pdf"], ["carton", "zpl"], ["bag", "pdf"], ["bag", "zpl"]]) {
        if (!labels.some((l) => l.kind === kindName)) continue;
        const a = el("a", "btn btn-small", t("b.print", { kind: t("b.kind." + kindName), fmt: fmt.toUpperCase() }));
        a.href = `/api/v1/labels/${fmt}?` + q({ enterprise: app.ent, lot: st.labelLot, kind: kindName });
        a.setAttribute("download", "");
        links.append(a);
      }
      c.append(links);
      c.append(
        table(
          [{ key: "b.col.serial" }, { key: "b.kind" }, { key: "b.col.pairs", num: 1 }, { key: "b.brand" }, { key: "b.col.scans", num: 1 }, { key: "b.col.verify" }],
          labels.map((l) => {
            const a = el("a", "", t("b.open"));
            if (l.url) {
              const u = new URL(l.url);
              a.href = u.pathname + u.search;
              a.target = "_blank";
              a.rel = "noopener";
            }
            const r = row([l.serial, t("b.kind." + l.kind), l.pairs, l.brand ? "✓" : "", l.flagged ? `${nf(l.scans)} ⚠` : Number(l.scans) || 0, a]);
            r.dataset.serial = l.serial;
            return r;
          }),
          "b-label-table",
        ),
      );
    } else c.append(el("p", "muted", t("b.labels_empty")));
    return c;
  }

  // ------------------------------------------------------------ module

  function render() {
    if (!app.user || !st.view) return;
    if (st.view === "quality" && st.lots) renderQuality();
    if (st.view === "brand" && st.licences) renderBrand();
  }

  function show(view) {
    st.view = QUALITY_VIEWS.includes(view) ? view : "";
    if (st.view) load();
  }

  function onScope() {
    st.lot = st.labelLot = "";
    st.plan = st.inspResult = st.inspMsg = st.labelMsg = st.licMsg = st.lotMsg = st.testMsg = st.auditMsg = st.sw = st.detail = null;
    st.defectRows = [];
  }

  function reset() {
    st.seq++;
    st.lots = st.tests = st.licences = st.flags = st.audits = st.labels = st.en388 = null;
    onScope();
    $("page-quality").replaceChildren();
    $("page-brand").replaceChildren();
  }

  return { show, onScope, render, reset };
}
