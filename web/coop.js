// SPDX-License-Identifier: Apache-2.0
// gloved dashboard, firms working together (docs/internals/coop.md):
// 协作/Cooperation (the firm's capabilities and its free capacity for 12
// weeks; the exchange's directory of firms that share theirs; cooperative
// orders: post one, the solver's proposal with each firm's share and
// weeks, offer it, answer a part, record shipments, progress rolled up to
// the lead; the buyers' enquiries routed to the firm, answered with a
// quote) and 设计库/Designs (the design library with its terms, licence
// requests and decisions, adopting a design as a style, royalties per
// month). app.js owns the session, the firm picker and the tabs.

import { markField, query as q } from "./dom.js";
import { getLang, has, t } from "./i18n.js";

export const COOP_VIEWS = ["coop", "designs"];
const ADMINS = ["cluster_admin", "enterprise_admin"];
const LEADS = ["cluster_admin", "enterprise_admin", "association"];
const FAMILIES = ["sewn", "knitted", "dipped"];

// "36.50" from fen; fen from "36.50" (NaN when it is not money).
const yuan = (fen) => (Number(fen) / 100).toFixed(2);
const fenOf = (s) => (/^\d+(\.\d{1,2})?$/.test(String(s).trim()) ? Math.round(Number(s) * 100) : NaN);
const listOf = (s) =>
  String(s || "")
    .split(/[,，\s]+/)
    .map((x) => x.trim())
    .filter(Boolean);

export function createCoop(ctx) {
  const { app, $, el, get, send, errMessage, LoggedOut, numFmt } = ctx;
  const st = { view: "", seq: 0, data: null, error: "", msg: null, order: "" };
  const role = () => app.user?.role || "";
  const nf = (n) => numFmt().format(Number(n) || 0);
  const tr = (prefix, v) => (has(prefix + v) ? t(prefix + v) : v);
  const pairs = (n) => `${nf(n)} ${t("unit.pair")}`;

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

  function row(cells, attrs = {}) {
    const r = el("tr");
    for (const [k, v] of Object.entries(attrs)) r.setAttribute(k, v);
    for (const c of cells) {
      if (c instanceof Node) {
        const td = el("td");
        td.append(c);
        r.append(td);
      } else r.append(el("td", typeof c === "number" || /^-?[\d,]+(\.\d+)?$/.test(String(c)) ? "num" : "", String(c ?? "")));
    }
    return r;
  }

  function field(key, input, dataField) {
    const l = el("label", "field");
    l.append(el("span", "", key.startsWith("!") ? key.slice(1) : t(key)), input);
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

  function button(key, cls, fn, id) {
    const b = el("button", cls || "btn", t(key));
    b.type = "button";
    if (id) b.id = id;
    b.addEventListener("click", fn);
    return b;
  }

  function note(m) {
    const p = el("p", m?.ok ? "ok" : "error", m ? (m.ok ? m.ok : t("error.generic", { message: m.error })) : "");
    p.hidden = !m;
    p.setAttribute("role", "status");
    p.id = "co-msg";
    return p;
  }

  // The field an API error names: "field 'pairs' ..." or "need.family: ...".
  const errField = (m) => {
    const a = /field '([a-z_]+)/.exec(m || "") || /^(?:need\.)?([a-z_]+)(?:\[\d+\])?:/.exec(m || "");
    return a ? a[1] : "";
  };

  // An action: the answer reloads the page with a message, or shows why.
  async function act(method, path, body, okKey, form) {
    const r = await send(method, path, body);
    if (r.status >= 200 && r.status < 300) {
      st.msg = { ok: t(okKey) };
      if (form) markField(form, "");
      load();
      return r;
    }
    const m = errMessage(r);
    st.msg = { error: m };
    $("co-msg")?.replaceWith(note(st.msg));
    if (form) markField(form, errField(m), m);
    return null;
  }

  // ------------------------------------------------------------ reads

  async function load() {
    const seq = ++st.seq;
    const ent = app.ent;
    st.error = "";
    try {
      const data = {};
      if (st.view === "coop") {
        if (ent) data.me = await get("/api/v1/coop/profile?" + q({ enterprise: ent })).catch(() => null);
        data.firms = await get("/api/v1/coop/firms");
        data.orders = await get("/api/v1/coop/orders");
        if (st.order) data.order = await get("/api/v1/coop/order?" + q({ code: st.order })).catch(() => null);
        if (ent && !["bureau", "association", "town_officer"].includes(role())) data.enquiries = await get("/api/v1/enquiries?" + q({ enterprise: ent })).catch(() => null);
        if (ent) data.styles = await get("/api/v1/styles?" + q({ enterprise: ent })).catch(() => null);
      } else if (st.view === "designs") {
        data.designs = await get("/api/v1/designs");
        if (!["bureau", "town_officer"].includes(role())) {
          data.licences = await get("/api/v1/designs/licences").catch(() => null);
          data.owner = await get("/api/v1/designs/royalties?" + q({ as: "owner", from: yearStart() })).catch(() => null);
          data.user = await get("/api/v1/designs/royalties?" + q({ as: "user", from: yearStart() })).catch(() => null);
        }
      }
      if (seq !== st.seq) return;
      st.data = data;
    } catch (e) {
      if (e instanceof LoggedOut || seq !== st.seq) return;
      st.data = {};
      st.error = e.message;
    }
    render();
  }

  const yearStart = () => `${new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai", year: "numeric" }).format(new Date())}-01`;

  // ------------------------------------------------------------ capabilities

  function renderMe(page, me) {
    const c = card(t("co.me.title", { firm: me.name }), "co-me");
    const q1 = me.quality;
    c.append(
      el(
        "p",
        "muted",
        `${t(me.shares_capacity ? "co.me.shared" : "co.me.not_shared")} · ${t(me.brand_licensed ? "co.me.licensed" : "co.me.unlicensed")} · ${t("co.me.quality", {
          rate: q1.accepted_pm === null ? "—" : `${(q1.accepted_pm / 10).toFixed(1)}%`,
          lots: q1.lots,
        })}`,
      ),
    );
    for (const cap of me.capacity || []) {
      const rateKey = cap.basis === "operators" ? "co.rate.declared" : cap.measured ? "co.rate.measured" : "co.rate.default";
      c.append(el("h3", "", `${tr("co.family.", cap.family)} · ${tr("co.basis.", cap.basis)} ${nf(cap.units)} · ${t(rateKey, { pct: (cap.rate_pm / 10).toFixed(1) })} · ${t("co.committed", { n: nf(cap.committed) })}`));
      c.append(
        table(
          [{ key: "co.col.week" }, { key: "co.col.from" }, { key: "co.col.planned_h", num: 1 }, { key: "co.col.gross", num: 1 }, { key: "co.col.free", num: 1 }],
          cap.weeks.map((w) => row([w.week + 1, w.from, w.planned_h, nf(w.gross), nf(w.free)])),
          `co-cap-${cap.family}`,
        ),
      );
      c.append(el("p", "", t("co.free_total", { n: pairs(cap.free_total) })));
    }
    if (ADMINS.includes(role())) {
      const d = el("details");
      d.id = "co-profile";
      d.open = !me.profile;
      d.append(el("summary", "", t("co.f.edit")), profileForm(me.profile || {}));
      c.append(d);
    }
    page.append(c);
  }

  function profileForm(p) {
    const form = el("form", "form-grid");
    form.id = "co-profile-form";
    const fams = FAMILIES.map((f) => {
      const b = input("checkbox", { name: "family", value: f });
      b.checked = (p.families || []).includes(f);
      const l = el("label", "check");
      l.append(b, " " + t("co.family." + f));
      return l;
    });
    const famBox = el("div", "field");
    famBox.append(el("span", "", t("co.f.families")), ...fams);
    famBox.setAttribute("data-field", "families");
    const gauges = input("text", { value: (p.gauges || []).join(","), placeholder: "13,15" });
    const compounds = input("text", { value: (p.compounds || []).join(","), placeholder: "nitrile,latex" });
    const ops = input("text", { value: (p.operations || []).join(","), placeholder: "S01,S02" });
    const certs = input("text", { value: (p.certifications || []).join(","), placeholder: "EN388,ISO9001" });
    const minOrder = input("number", { min: "0", value: String(p.min_order_pairs ?? 0) });
    const price = input("text", { inputmode: "decimal", value: p.price_fen ? yuan(p.price_fen) : "" });
    const operators = input("number", { min: "0", value: String(p.operators ?? 0) });
    const eff = input("number", { min: "0", max: "100", step: "0.1", value: p.efficiency_pm ? String(p.efficiency_pm / 10) : "" });
    const smv = input("text", { inputmode: "decimal", value: p.smv_c ? (p.smv_c / 100).toFixed(2) : "" });
    form.append(
      famBox,
      field("co.f.gauges", gauges, "gauges"),
      field("co.f.compounds", compounds, "compounds"),
      field("co.f.operations", ops, "operations"),
      field("co.f.certifications", certs, "certifications"),
      field("co.f.min_order", minOrder, "min_order_pairs"),
      field("co.f.price", price, "price_fen"),
      field("co.f.operators", operators, "operators"),
      field("co.f.efficiency", eff, "efficiency_pm"),
      field("co.f.smv", smv, "smv_c"),
    );
    const b = el("button", "btn primary", t("co.f.save"));
    b.type = "submit";
    form.append(b);
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const body = {
        enterprise: app.ent,
        families: [...form.querySelectorAll("input[name=family]:checked")].map((x) => x.value),
        gauges: listOf(gauges.value).map(Number),
        compounds: listOf(compounds.value),
        operations: listOf(ops.value),
        certifications: listOf(certs.value),
        min_order_pairs: Number(minOrder.value) || 0,
        price_fen: price.value.trim() ? fenOf(price.value) : 0,
        operators: Number(operators.value) || 0,
        efficiency_pm: eff.value ? Math.round(Number(eff.value) * 10) : 0,
        smv_c: smv.value ? Math.round(Number(smv.value) * 100) : 0,
      };
      act("PUT", "/api/v1/coop/profile", body, "co.saved", form);
    });
    return form;
  }

  function renderFirms(page, firms) {
    const c = card(t("co.firms.title"), "co-firms");
    c.append(
      table(
        [{ key: "co.col.firm" }, { key: "co.col.name" }, { key: "co.col.town" }, { key: "co.col.families" }, { key: "co.col.free", num: 1 }, { key: "co.col.quality", num: 1 }, { key: "co.col.price", num: 1 }],
        firms.items.map((f) =>
          row([
            f.enterprise,
            f.name,
            f.town,
            (f.profile?.families || []).map((x) => tr("co.family.", x)).join("、"),
            (f.capacity || []).map((x) => nf(x.free_total)).join(" / "),
            f.quality.accepted_pm === null ? "—" : `${(f.quality.accepted_pm / 10).toFixed(1)}%`,
            f.profile?.price_fen ? yuan(f.profile.price_fen) : "",
          ]),
        ),
      ),
    );
    page.append(c);
  }

  // ------------------------------------------------------------ orders

  function renderOrders(page, orders) {
    const c = card(t("co.orders.title"), "co-orders");
    const links = el("p");
    for (const f of ["xlsx", "csv"]) {
      const a = el("a", "btn", t("co.export." + f));
      a.href = "/api/v1/coop/export?" + q({ format: f, lang: getLang() === "en" ? "en" : "" });
      links.append(a, " ");
    }
    c.append(links);
    c.append(
      table(
        [{ key: "co.col.order" }, { key: "co.col.lead" }, { key: "co.col.buyer" }, { key: "co.col.pairs", num: 1 }, { key: "co.col.due" }, { key: "co.col.status" }, { key: "co.col.my_part" }, { key: "co.col.open" }],
        orders.items.map((o) =>
          row(
            [
              o.code,
              o.lead || t("co.association"),
              o.buyer,
              nf(o.pairs),
              o.due,
              tr("co.status.", o.status),
              o.my_part ? `${tr("co.part.", o.my_part)} ${nf(o.my_pairs)}` : "",
              button("co.open", "btn", () => {
                st.order = o.code;
                st.msg = null;
                load();
              }),
            ],
            { "data-order": o.code },
          ),
        ),
        "co-order-table",
      ),
    );
    if (LEADS.includes(role())) c.append(orderForm());
    page.append(c);
  }

  function orderForm() {
    const form = el("form", "form-grid");
    form.id = "co-order-form";
    const code = input("text", { maxlength: "32" });
    const buyer = input("text", { maxlength: "120" });
    const fam = select(FAMILIES.map((f) => [f, t("co.family." + f)]), "sewn");
    const ops = input("text", { placeholder: "S01" });
    const pairsIn = input("number", { min: "1" });
    const due = input("date");
    const price = input("text", { inputmode: "decimal" });
    const minq = input("number", { min: "0", max: "100", step: "0.1", value: "0" });
    const maxp = input("number", { min: "1", max: "50", value: "5" });
    form.append(
      field("co.o.code", code, "code"),
      field("co.o.buyer", buyer, "buyer"),
      field("co.o.family", fam, "family"),
      field("co.o.operations", ops, "operations"),
      field("co.o.pairs", pairsIn, "pairs"),
      field("co.o.due", due, "due"),
      field("co.o.price", price, "price_fen"),
      field("co.o.min_quality", minq, "min_quality_pm"),
      field("co.o.max_partners", maxp, "max_partners"),
    );
    const b = el("button", "btn primary", t("co.o.post"));
    b.type = "submit";
    form.append(b);
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const body = {
        code: code.value.trim(),
        buyer: buyer.value.trim(),
        need: { family: fam.value, operations: listOf(ops.value) },
        pairs: Number(pairsIn.value) || 0,
        due: due.value,
        price_fen: price.value.trim() ? fenOf(price.value) : 0,
        min_quality_pm: Math.round(Number(minq.value || 0) * 10),
        max_partners: Number(maxp.value) || 5,
      };
      if (await act("POST", "/api/v1/coop/orders", body, "co.posted", form)) st.order = body.code;
    });
    return form;
  }

  function renderOrder(page, o, styles) {
    const c = card(t("co.order.title", { code: o.code }), "co-order");
    c.append(el("p", "", `${o.buyer} · ${pairs(o.pairs)} · ${t("co.col.due")} ${o.due} · ¥${o.price_yuan_per_dozen}/${t("unit.dozen")} · ${tr("co.status.", o.status)}`));
    if (o.proposal) {
      const p = o.proposal;
      const s = el("p", p.status === "infeasible" ? "error" : "ok");
      s.id = "co-proposal";
      s.setAttribute("data-status", p.status);
      s.textContent =
        p.status === "infeasible" || p.status === "no_split"
          ? t("co.proposal.none", { why: p.why || p.binding })
          : t("co.proposal.summary", { status: tr("co.solve.", p.status), lateness: nf(p.lateness), cost: yuan(p.cost_fen), partners: p.partners, gap: (p.gap * 100).toFixed(2), greedy: p.greedy.ok ? yuan(p.greedy.cost_fen) : "—", willing: p.willing });
      c.append(s);
      const ex = Object.entries(p.excluded || {}).filter(([, n]) => n > 0);
      if (ex.length) c.append(el("p", "muted", t("co.excluded") + ex.map(([k, n]) => `${tr("co.x.", k)} ${n}`).join("、")));
    }
    if (o.progress) c.append(el("p", "", t("co.progress", { placed: nf(o.progress.placed), produced: nf(o.progress.produced), inspected: nf(o.progress.inspected), shipped: nf(o.progress.shipped) })));
    c.append(
      table(
        [{ key: "co.col.firm" }, { key: "co.col.name" }, { key: "co.col.pairs", num: 1 }, { key: "co.col.weeks" }, { key: "co.col.ready_by" }, { key: "co.col.status" }, { key: "co.col.produced", num: 1 }, { key: "co.col.inspected", num: 1 }, { key: "co.col.shipped", num: 1 }],
        o.parts.map((p) =>
          row(
            [
              p.enterprise,
              p.name,
              nf(p.pairs),
              p.weeks
                .map((w, i) => (w ? `W${i + 1}:${nf(w)}` : ""))
                .filter(Boolean)
                .join(" "),
              p.ready_by || "",
              tr("co.part.", p.status) + (p.reason ? ` (${p.reason})` : ""),
              nf(p.progress?.produced),
              nf(p.progress?.inspected),
              nf(p.shipped),
            ],
            { "data-firm": p.enterprise },
          ),
        ),
        "co-parts",
      ),
    );
    const leads = o.lead_view && LEADS.includes(role()) && ["open", "offered"].includes(o.status);
    const proposed = o.parts.filter((p) => p.status === "proposed");
    if (leads && proposed.length) c.append(adjustForm(o, proposed));
    const bar = el("div", "form-actions");
    if (leads) {
      bar.append(button("co.propose", "btn primary", () => act("POST", "/api/v1/coop/order/propose", { code: o.code }, "co.proposed"), "co-propose"));
      if (o.parts.some((p) => p.status === "proposed")) bar.append(button("co.offer", "btn", () => act("POST", "/api/v1/coop/order/offer", { code: o.code }, "co.offered"), "co-offer"));
      bar.append(button("co.cancel", "btn", () => act("POST", "/api/v1/coop/order/cancel", { code: o.code }, "co.cancelled")));
    }
    const mine = o.parts.find((p) => p.enterprise === app.ent);
    if (mine && ADMINS.includes(role())) {
      if (mine.status === "offered") {
        const style = select((styles?.styles || []).map((s) => [s.code, `${s.code} ${s.name}`]), o.style);
        style.id = "co-style";
        const reason = input("text", { id: "co-reason", maxlength: "200" });
        bar.append(
          field("co.style", style),
          button("co.accept", "btn primary", () => act("POST", "/api/v1/coop/order/answer", { code: o.code, enterprise: app.ent, accept: true, style: style.value }, "co.accepted"), "co-accept"),
          field("co.reason", reason),
          button("co.decline", "btn", () => act("POST", "/api/v1/coop/order/answer", { code: o.code, enterprise: app.ent, accept: false, reason: reason.value.trim() }, "co.declined"), "co-decline"),
        );
      } else if (mine.status === "accepted") {
        const shipped = input("number", { id: "co-shipped", min: String(mine.shipped), max: String(mine.pairs), value: String(mine.shipped) });
        bar.append(field("co.shipped", shipped), button("co.ship", "btn primary", () => act("POST", "/api/v1/coop/order/ship", { code: o.code, enterprise: app.ent, shipped: Number(shipped.value) }, "co.saved"), "co-ship"));
      }
    }
    c.append(bar, note(st.msg));
    page.append(c);
  }

  // The lead's adjustment of the proposed parts: each firm's pairs by week
  // (comma-separated, week 1 first), checked by the daemon against the
  // firm's free capacity.
  function adjustForm(o, proposed) {
    const form = el("form", "form-grid");
    form.id = "co-adjust-form";
    const inputs = proposed.map((p) => {
      const i = input("text", { value: p.weeks.join(","), "data-firm": p.enterprise, size: "40" });
      form.append(field("!" + p.enterprise, i, p.enterprise));
      return i;
    });
    const b = el("button", "btn", t("co.adjust"));
    b.type = "submit";
    b.id = "co-adjust";
    form.append(b);
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const parts = inputs.map((i) => ({ enterprise: i.getAttribute("data-firm"), weeks: listOf(i.value).map(Number) }));
      act("PUT", "/api/v1/coop/order/parts", { code: o.code, parts }, "co.adjusted", form);
    });
    return form;
  }

  // Uploads a design's image (PNG, JPEG) or tech pack (PDF) as the body.
  async function upload(design, file) {
    const kind = file.type === "application/pdf" ? "techpack" : "image";
    let status = 0;
    let json = null;
    try {
      const res = await fetch("/api/v1/designs/files?" + q({ design, kind, name: file.name.slice(0, 90) }), {
        method: "POST",
        credentials: "same-origin",
        headers: { Accept: "application/json", "Content-Type": file.type || "application/octet-stream" },
        body: file,
      });
      status = res.status;
      json = await res.json().catch(() => null);
    } catch {
      status = 0;
    }
    if (status === 201) {
      st.msg = { ok: t("co.d.uploaded") };
      load();
    } else {
      st.msg = { error: errMessage({ status, json }) };
      $("co-msg")?.replaceWith(note(st.msg));
    }
  }

  function renderEnquiries(page, enq) {
    const c = card(t("co.enq.title"), "co-enquiries");
    if (!enq.items.length) c.append(el("p", "muted", t("co.enq.none")));
    else
      c.append(
        table(
          [{ key: "co.col.ref" }, { key: "co.col.buyer" }, { key: "co.col.product" }, { key: "co.col.pairs", num: 1 }, { key: "co.col.due" }, { key: "co.col.status" }, { key: "co.col.answer" }],
          enq.items.map((x) => {
            const cell = el("div");
            if (x.status === "new" && ADMINS.includes(role())) {
              const price = input("text", { inputmode: "decimal", placeholder: "¥/" + t("unit.dozen"), size: "6" });
              const ans = input("text", { maxlength: "200", size: "12" });
              cell.append(
                price,
                ans,
                button("co.quote", "btn primary", () => act("PUT", "/api/v1/enquiries", { ref: x.ref, enterprise: app.ent, status: "quoted", price: price.value.trim(), answer: ans.value.trim() }, "co.saved")),
                button("co.decline", "btn", () => act("PUT", "/api/v1/enquiries", { ref: x.ref, enterprise: app.ent, status: "declined", answer: ans.value.trim() }, "co.saved")),
              );
            } else cell.textContent = x.status === "quoted" ? `¥${yuan(x.price_fen)} ${x.answer}` : x.answer;
            return row([x.ref, `${x.buyer} (${x.contact})`, x.product, nf(x.pairs), x.due, tr("co.enq.", x.status), cell], { "data-ref": x.ref });
          }),
        ),
      );
    page.append(c);
  }

  // ------------------------------------------------------------ designs

  function renderDesigns(page, d) {
    const c = card(t("co.d.title"), "co-designs");
    c.append(
      table(
        [{ key: "co.col.code" }, { key: "co.col.name" }, { key: "co.col.owner" }, { key: "co.col.family" }, { key: "co.col.terms" }, { key: "co.col.fee" }, { key: "co.col.files", num: 1 }, { key: "co.col.action" }],
        d.designs.items.map((x) => {
          const cell = el("div");
          const own = x.owner === app.ent;
          if (own && ADMINS.includes(role())) {
            const f = input("file", { accept: "image/png,image/jpeg,application/pdf" });
            f.addEventListener("change", () => f.files[0] && upload(x.id, f.files[0]));
            cell.append(f);
          }
          if (!own && ADMINS.includes(role()) && app.ent) {
            if (x.terms === "cluster" && !["requested", "granted"].includes(x.my_licence))
              cell.append(button("co.d.request", "btn", () => act("POST", "/api/v1/designs/licences", { design: x.id, enterprise: app.ent }, "co.d.requested")));
            if (x.terms === "public" || x.my_licence === "granted") cell.append(button("co.d.adopt", "btn primary", () => act("POST", "/api/v1/designs/adopt", { design: x.id, enterprise: app.ent }, "co.d.adopted")));
            if (x.my_licence) cell.append(el("span", "muted", " " + tr("co.lic.", x.my_licence)));
          }
          const fee = x.fee_kind === "none" ? "" : `¥${x.fee_yuan}${x.fee_kind === "per_dozen" ? "/" + t("unit.dozen") : ""}`;
          return row([x.code, x.name, x.owner, tr("co.family.", x.family), tr("co.terms.", x.terms), fee, x.files.length, cell], { "data-design": x.code });
        }),
        "co-design-table",
      ),
    );
    if (ADMINS.includes(role()) && app.ent) {
      const det = el("details");
      det.id = "co-design-new";
      det.append(el("summary", "", t("co.d.new")), designForm());
      c.append(det);
    }
    c.append(note(st.msg));
    page.append(c);
    if (d.licences) {
      const l = card(t("co.lic.title"), "co-licences");
      l.append(
        table(
          [{ key: "co.col.code" }, { key: "co.col.owner" }, { key: "co.col.licensee" }, { key: "co.col.status" }, { key: "co.col.fee" }, { key: "co.col.action" }],
          d.licences.items.map((x) => {
            const cell = el("div");
            if (ADMINS.includes(role()) && x.owner !== x.licensee && x.licensee !== app.ent) {
              if (x.status === "requested") {
                cell.append(button("co.lic.grant", "btn primary", () => act("PUT", "/api/v1/designs/licences", { id: x.id, status: "granted" }, "co.saved")));
                cell.append(button("co.lic.refuse", "btn", () => act("PUT", "/api/v1/designs/licences", { id: x.id, status: "refused" }, "co.saved")));
              } else if (x.status === "granted") cell.append(button("co.lic.revoke", "btn", () => act("PUT", "/api/v1/designs/licences", { id: x.id, status: "revoked" }, "co.saved")));
            }
            return row([x.design_code, x.owner, x.licensee, tr("co.lic.", x.status), x.fee_kind === "none" ? "" : `¥${yuan(x.fee_fen)} ${tr("co.fee.", x.fee_kind)}`, cell], { "data-licence": String(x.id) });
          }),
        ),
      );
      page.append(l);
    }
    for (const [k, r] of [
      ["owner", d.owner],
      ["user", d.user],
    ]) {
      if (!r) continue;
      const c2 = card(t("co.roy." + k), "co-roy-" + k);
      c2.append(el("p", "", t("co.roy.total", { total: r.total_yuan })));
      c2.append(
        table(
          [{ key: "co.col.month" }, { key: "co.col.code" }, { key: "co.col.owner" }, { key: "co.col.licensee" }, { key: "co.col.pairs", num: 1 }, { key: "co.col.royalty", num: 1 }],
          r.items.map((x) => row([String(x.month).replace(/(\d{4})(\d{2})/, "$1-$2"), x.design_code, x.owner, x.user, nf(x.pairs), x.royalty_yuan])),
        ),
      );
      const a = el("a", "btn", t("co.export.xlsx"));
      a.href = "/api/v1/designs/royalties?" + q({ as: k, from: yearStart(), format: "xlsx", lang: getLang() === "en" ? "en" : "" });
      c2.append(a);
      page.append(c2);
    }
  }

  function designForm() {
    const form = el("form", "form-grid");
    form.id = "co-design-form";
    const code = input("text", { maxlength: "32" });
    const name = input("text", { maxlength: "120" });
    const cat = select(["ski", "sports", "work", "fashion", "other"].map((x) => [x, tr("co.cat.", x)]), "ski");
    const fam = select(FAMILIES.map((f) => [f, t("co.family." + f)]), "sewn");
    const sizes = input("text", { placeholder: "7,8,9" });
    const desc = input("text", { maxlength: "200" });
    const terms = select(["private", "cluster", "public"].map((x) => [x, t("co.terms." + x)]), "cluster");
    const feeKind = select(["none", "per_dozen", "flat"].map((x) => [x, t("co.fee." + x)]), "per_dozen");
    const fee = input("text", { inputmode: "decimal" });
    form.append(
      field("co.o.code", code, "code"),
      field("co.col.name", name, "name"),
      field("co.d.category", cat, "category"),
      field("co.o.family", fam, "family"),
      field("co.d.sizes", sizes, "sizes"),
      field("co.d.description", desc, "description"),
      field("co.col.terms", terms, "terms"),
      field("co.d.fee_kind", feeKind, "fee_kind"),
      field("co.col.fee", fee, "fee"),
    );
    const b = el("button", "btn primary", t("co.d.publish"));
    b.type = "submit";
    form.append(b);
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      act(
        "POST",
        "/api/v1/designs",
        { enterprise: app.ent, code: code.value.trim(), name: name.value.trim(), category: cat.value, family: fam.value, terms: terms.value, fee_kind: feeKind.value, fee: fee.value.trim(), body: { description: desc.value.trim(), sizes: sizes.value.trim() } },
        "co.d.published",
        form,
      );
    });
    return form;
  }

  // ------------------------------------------------------------ module

  function render() {
    if (!app.user || !st.view) return;
    const page = $("page-" + st.view);
    page.replaceChildren();
    if (st.error) {
      page.append(el("p", "error", t("error.generic", { message: st.error })));
      return;
    }
    const d = st.data;
    if (!d) return;
    if (st.view === "coop") {
      if (d.order) renderOrder(page, d.order, d.styles);
      if (d.me) renderMe(page, d.me);
      if (d.orders) renderOrders(page, d.orders);
      if (d.enquiries) renderEnquiries(page, d.enquiries);
      if (d.firms) renderFirms(page, d.firms);
    } else if (st.view === "designs") renderDesigns(page, d);
  }

  function show(view) {
    const next = COOP_VIEWS.includes(view) ? view : "";
    if (next !== st.view) st.msg = null;
    st.view = next;
    if (st.view) {
      st.data = null;
      load();
    }
  }

  function onScope() {
    st.msg = null;
    st.order = "";
  }

  function reset() {
    st.seq++;
    st.data = null;
    st.msg = null;
    st.order = "";
    for (const v of COOP_VIEWS) $("page-" + v).replaceChildren();
  }

  return { show, onScope, render, reset };
}
