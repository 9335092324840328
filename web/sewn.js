// SPDX-License-Identifier: Apache-2.0
// gloved dashboard, sewn-glove production (docs/internals/sewn.md): the
// 款式/Styles page (style library, a style form with its routing editor,
// copies), 订单/Orders (orders, release, cuts into bundles, ticket PDFs),
// 在制/WIP (per released order: pairs done and waiting per operation, the
// bottleneck, bundles out at households, the projection against the due
// date) and 外发/Households (households, dispatch and return of bundles,
// scanned output and pay per worker and household). app.js owns the
// session, the firm picker and the tabs and hands this module its helpers;
// a page is read when it opens, when the firm changes or after one of its
// own forms was sent, never on a timer. Dates are the firm's (its
// calendar's zone), see docs/internals/web.md.

import { cssVar, markField as markInput, query as q } from "./dom.js";
import { getLang, has, t } from "./i18n.js";

export const SEWN_VIEWS = ["styles", "orders", "wip", "households"];

const CATEGORIES = ["ski", "sports", "work", "fashion", "other"];
const FAMILIES = ["sewn", "knitted", "dipped"];
// EN ISO 21420 hand sizes, then letter sizes (docs/internals/sewn.md).
const SIZES = ["4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "XS", "S", "M", "L", "XL", "XXL"];
const DEFAULT_TZ = "Asia/Shanghai";

// ctx: {app, $, el, api, get, send, errMessage, LoggedOut, numFmt, localDay, fmtTime, safeTz} from app.js.
export function createSewn(ctx) {
  const { app, $, el, get, send, errMessage, LoggedOut, numFmt, localDay } = ctx;

  const blankOp = () => ({ code: "", name: "", smv: "", rate: "" });
  const st = {
    view: "", // the sewn page shown, "" when none
    seq: 0,
    zones: new Map(), // enterprise -> IANA zone of its calendar
    styles: null, // [style] or {error}
    orders: null, // [order] or {error}
    released: null, // released orders (households page)
    wip: null, // GET /wip answer or {error}
    households: null, // [household] or {error}
    so: null, // GET /scan-output answer or {error}
    soRange: null, // {from, to} local dates of the firm
    rangeEnt: "",
    routing: [blankOp()], // the style form's routing rows
    sizes: new Set(["7", "8", "9"]), // the style form's sizes
    styleMsg: null, // {ok} or {error, field}
    copyFrom: "", // the style the copy form copies, "" when closed
    copyMsg: null,
    orderMsg: null,
    actionMsg: null, // release result
    cut: null, // {order, lines:[{size, ordered, plies, ppl}], bundleSize}
    cutMsg: null,
    cutResult: null, // POST /cuts answer
    hhMsg: null,
    dispMsg: null,
    retMsg: null,
    retResult: null, // POST /returns answer
    charts: [], // echarts instances of the WIP page
  };

  // ------------------------------------------------------------ helpers

  const firmTz = () => ctx.safeTz(st.zones.get(app.ent)) || ctx.safeTz(DEFAULT_TZ);
  const today = () => localDay(Date.now(), firmTz());
  const nf = (n) => numFmt().format(Number(n) || 0);
  const pairs = (n) => t("unit.pair.fmt", { n: nf(n) });
  const money = (s) => t("money.fmt", { n: s ?? "0.00" });
  const tr = (prefix, v) => (has(prefix + v) ? t(prefix + v) : v);

  // 30 pairs -> "2 打 6 双"; the API's dozens and the pieces left over.
  function dozens(o) {
    const dz = Number(o.dozens) || 0;
    const rest = Math.trunc((Number(o.dozens_rest_pieces) || 0) / 2);
    return rest ? t("sewn.dozens_rest", { dz: nf(dz), rest: nf(rest) }) : t("unit.dozen.fmt", { n: nf(dz) });
  }

  // A moment as a date and time in the firm's zone.
  function fmtDateTime(ms) {
    if (!ms) return "";
    return new Intl.DateTimeFormat(getLang(), {
      timeZone: firmTz(),
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    }).format(new Date(ms));
  }

  function showMsg(node, m) {
    if (!node) return;
    node.hidden = !m;
    node.className = m?.ok ? "ok" : "error";
    node.textContent = !m ? "" : m.ok ? m.ok : t("error.generic", { message: m.error });
  }

  function showError(id, text) {
    const p = $(id);
    p.hidden = !text;
    p.textContent = text ? t("error.generic", { message: text }) : "";
  }

  const failText = (r) => (r.status ? errMessage(r) : t("error.network"));

  async function ensureZone() {
    const ent = app.ent;
    if (!ent || st.zones.has(ent)) return;
    try {
      const c = await get("/api/v1/calendar?" + q({ enterprise: ent }));
      st.zones.set(ent, c.tz || DEFAULT_TZ);
    } catch (e) {
      if (e instanceof LoggedOut) throw e;
      /* the default zone until the calendar is readable */
    }
  }

  // The form field an API 400 names: error.field when given, else the
  // longest data-field of the form that the message mentions: as a path
  // ("routing[1].smv must be ..."), as the element of a list ("lines[0]:
  // size ..." marks lines[0].qty), or quoted ("field 'due' must be ...").
  function errorField(form, r) {
    const e = r?.json?.error || {};
    if (e.field) return e.field;
    const text = String(e.message || "");
    let best = "";
    let score = 0;
    for (const x of form.querySelectorAll("[data-field]")) {
      const f = x.dataset.field;
      let s = 0;
      if (text.includes(f)) s = f.length + 100;
      else if (f.includes("[") && text.includes(f.slice(0, f.lastIndexOf("]") + 1))) s = f.lastIndexOf("]") + 50;
      else if (!f.includes("[") && !f.includes(".") && text.includes(`'${f}'`)) s = f.length;
      if (s > score) {
        score = s;
        best = f;
      }
    }
    return best;
  }

  // Marks the field an error names and puts its message beside it.
  function markField(form, m) {
    markInput(form, m?.field, m?.error);
  }

  function option(value, text) {
    const o = el("option", "", text);
    o.value = value;
    return o;
  }

  function button(text, cls, onClick) {
    const b = el("button", "btn btn-small " + (cls || ""), text);
    b.type = "button";
    b.addEventListener("click", onClick);
    return b;
  }

  function ticketHref(params) {
    return "/api/v1/tickets?" + q({ enterprise: app.ent, ...params });
  }

  // ------------------------------------------------------------ styles

  async function loadStyles(seq) {
    let s;
    try {
      s = (await get("/api/v1/styles?" + q({ enterprise: app.ent }))).styles || [];
    } catch (e) {
      if (e instanceof LoggedOut) throw e;
      s = { error: e.message };
    }
    if (seq !== st.seq) return;
    st.styles = s;
  }

  function renderStyles() {
    const s = st.styles;
    showError("styles-error", s?.error || "");
    const list = Array.isArray(s) ? s : [];
    $("styles-empty").hidden = !Array.isArray(s) || list.length > 0;
    $("styles-rows").replaceChildren(
      ...list.map((x) => {
        const row = el("tr");
        row.dataset.style = x.code;
        const act = el("td", "row-actions");
        act.append(
          button(t("styles.copy"), "style-copy", () => {
            st.copyFrom = x.code;
            st.copyMsg = null;
            $("style-copy-code").value = "";
            $("style-copy-name").value = x.name;
            renderCopy();
            $("style-copy-code").focus();
          }),
        );
        const ops = el("td", "num style-ops", nf(x.routing?.length || 0));
        ops.title = (x.routing || []).map((o) => `${o.seq}. ${o.name}`).join("\n");
        row.append(
          el("td", "style-code", x.code),
          el("td", "style-name", x.name),
          el("td", "style-category", tr("styles.category.", x.category)),
          el("td", "style-family", tr("styles.family.", x.family)),
          el("td", "style-sizes", (x.sizes || []).join(" ")),
          ops,
          el("td", "num style-smv", t("sewn.minutes", { n: x.smv_total })),
          act,
        );
        return row;
      }),
    );
    renderCopy();
    renderStyleForm();
  }

  function renderCopy() {
    const f = $("style-copy-form");
    f.hidden = !st.copyFrom;
    $("style-copy-from").textContent = st.copyFrom ? t("styles.copy.from", { code: st.copyFrom }) : "";
    showMsg($("style-copy-msg"), st.copyMsg);
    markField(f, st.copyMsg);
  }

  async function submitCopy(ev) {
    ev.preventDefault();
    const body = { enterprise: app.ent, from: st.copyFrom, code: $("style-copy-code").value.trim(), name: $("style-copy-name").value.trim() };
    const r = await send("POST", "/api/v1/styles/copy", body);
    if (r.status === 201) {
      st.copyFrom = "";
      st.copyMsg = null;
      st.styleMsg = { ok: t("styles.copied", { code: r.json.code }) };
      await reload();
    } else {
      st.copyMsg = { error: failText(r), field: errorField($("style-copy-form"), r) };
      renderCopy();
    }
  }

  function opInput(i, k, cls, type = "text") {
    const x = el("input", cls);
    x.type = type;
    x.value = st.routing[i][k];
    x.dataset.field = `routing[${i}].${k}`;
    x.setAttribute("aria-label", t("styles.op." + k));
    if (type === "text" && (k === "smv" || k === "rate")) x.inputMode = "decimal";
    x.addEventListener("input", () => {
      st.routing[i][k] = x.value;
      if (k === "smv" || k === "rate") renderRoutingFoot();
    });
    return x;
  }

  function moveOp(i, d) {
    const j = i + d;
    if (j < 0 || j >= st.routing.length) return;
    [st.routing[i], st.routing[j]] = [st.routing[j], st.routing[i]];
    renderRouting();
  }

  function renderRouting() {
    const n = st.routing.length;
    $("routing-rows").replaceChildren(
      ...st.routing.map((op, i) => {
        const row = el("tr");
        row.dataset.op = String(i);
        const cell = (node) => {
          const td = el("td");
          td.append(node);
          return td;
        };
        const act = el("td", "row-actions");
        const up = button("↑", "btn-quiet op-up", () => moveOp(i, -1));
        up.disabled = i === 0;
        up.title = t("styles.op.up");
        up.setAttribute("aria-label", t("styles.op.up"));
        const down = button("↓", "btn-quiet op-down", () => moveOp(i, 1));
        down.disabled = i === n - 1;
        down.title = t("styles.op.down");
        down.setAttribute("aria-label", t("styles.op.down"));
        const rm = button("×", "btn-quiet op-remove", () => {
          st.routing.splice(i, 1);
          if (!st.routing.length) st.routing.push(blankOp());
          renderRouting();
        });
        rm.title = t("styles.op.remove");
        rm.setAttribute("aria-label", t("styles.op.remove"));
        act.append(up, down, rm);
        row.append(
          el("td", "num op-seq", String(i + 1)),
          cell(opInput(i, "code", "op-code")),
          cell(opInput(i, "name", "op-name")),
          cell(opInput(i, "smv", "op-smv")),
          cell(opInput(i, "rate", "op-rate")),
          act,
        );
        return row;
      }),
    );
    renderRoutingFoot();
    markField($("style-form"), st.styleMsg);
  }

  // Totals of the routing as typed: SMV minutes and yuan per pair, by
  // integer arithmetic on the decimals (no float rounding).
  function fixedSum(values, places) {
    let sum = 0n;
    for (const v of values) {
      const m = /^(\d+)(?:\.(\d+))?$/.exec(String(v).trim());
      if (!m || (m[2] || "").length > places) return null;
      sum += BigInt(m[1] + (m[2] || "").padEnd(places, "0"));
    }
    const s = sum.toString().padStart(places + 1, "0");
    return s.slice(0, -places) + "." + s.slice(-places);
  }

  function renderRoutingFoot() {
    const smv = fixedSum(st.routing.map((o) => o.smv || "0"), 2);
    const rate = fixedSum(st.routing.map((o) => o.rate || "0"), 4);
    const row = el("tr", "total");
    row.append(
      el("td"),
      el("td", "", t("sewn.total")),
      el("td"),
      el("td", "routing-smv", smv === null ? "—" : t("sewn.minutes", { n: smv })),
      el("td", "routing-rate", rate === null ? "—" : t("styles.rate_pair", { n: rate })),
      el("td"),
    );
    $("routing-foot").replaceChildren(row);
  }

  function renderSizes() {
    const box = $("style-sizes");
    const legend = el("legend", "", t("styles.sizes"));
    box.replaceChildren(
      legend,
      ...SIZES.map((s) => {
        const l = el("label", "check");
        const cb = el("input");
        cb.type = "checkbox";
        cb.value = s;
        cb.checked = st.sizes.has(s);
        cb.addEventListener("change", () => (cb.checked ? st.sizes.add(s) : st.sizes.delete(s)));
        l.append(cb, el("span", "", s));
        return l;
      }),
    );
  }

  function renderStyleForm() {
    renderSizes();
    renderRouting();
    showMsg($("style-msg"), st.styleMsg);
    markField($("style-form"), st.styleMsg);
  }

  async function submitStyle(ev) {
    ev.preventDefault();
    const form = $("style-form");
    // rows left empty are dropped (so the indices the API names are the
    // rows shown); a row without a code or name is caught here, as the
    // API would name the field without its row ("field 'code' is missing")
    const filled = (o) => o.code.trim() || o.name.trim() || o.smv.trim() || o.rate.trim();
    st.routing = st.routing.filter(filled);
    if (!st.routing.length) st.routing.push(blankOp());
    const routing = st.routing
      .filter(filled)
      .map((o) => ({ code: o.code.trim(), name: o.name.trim(), smv: o.smv.trim(), rate: o.rate.trim() }));
    const gap = routing.findIndex((o) => !o.code || !o.name || !o.smv || !o.rate);
    if (gap >= 0) {
      const k = ["code", "name", "smv", "rate"].find((x) => !routing[gap][x]);
      st.styleMsg = { error: t("styles.op.missing", { n: gap + 1, what: t("styles.op." + k) }), field: `routing[${gap}].${k}` };
      renderStyleForm();
      return;
    }
    const body = {
      enterprise: app.ent,
      code: $("style-code").value.trim(),
      name: $("style-name").value.trim(),
      category: $("style-category").value,
      family: $("style-family").value,
      materials: $("style-materials").value.trim(),
      sizes: SIZES.filter((s) => st.sizes.has(s)),
      routing,
    };
    const btn = $("style-submit");
    btn.disabled = true;
    let r;
    try {
      r = await send("POST", "/api/v1/styles", body);
    } finally {
      btn.disabled = false;
    }
    if (r.status === 201) {
      st.styleMsg = { ok: t("styles.saved", { code: r.json.code }) };
      st.routing = [blankOp()];
      for (const id of ["style-code", "style-name", "style-materials"]) $(id).value = "";
      await reload();
    } else {
      renderRouting();
      st.styleMsg = { error: failText(r), field: errorField(form, r) };
      renderStyleForm();
    }
  }

  // ------------------------------------------------------------ orders

  async function loadOrders(seq) {
    const [o, s] = await Promise.allSettled([
      get("/api/v1/orders?" + q({ enterprise: app.ent })),
      get("/api/v1/styles?" + q({ enterprise: app.ent })),
    ]);
    for (const x of [o, s]) if (x.status === "rejected" && x.reason instanceof LoggedOut) throw x.reason;
    if (seq !== st.seq) return;
    st.orders = o.status === "fulfilled" ? o.value.orders || [] : { error: o.reason.message };
    st.styles = s.status === "fulfilled" ? s.value.styles || [] : { error: s.reason.message };
  }

  function orderQty(o) {
    return `${pairs(o.pairs)} · ${dozens(o)}`;
  }

  function renderOrders() {
    const o = st.orders;
    showError("orders-error", o?.error || "");
    const list = Array.isArray(o) ? o : [];
    $("orders-empty").hidden = !Array.isArray(o) || list.length > 0;
    $("order-rows").replaceChildren(
      ...list.map((x) => {
        const row = el("tr");
        row.dataset.order = x.code;
        row.dataset.status = x.status;
        const act = el("td", "row-actions");
        if (x.status === "open") act.append(button(t("orders.release"), "btn-accent order-release", () => release(x)));
        if (x.status === "released") {
          act.append(button(t("orders.cut"), "order-cut", () => openCut(x)));
          const a = el("a", "btn btn-small order-tickets", t("orders.tickets"));
          a.href = ticketHref({ order: x.code });
          a.target = "_blank";
          a.rel = "noopener";
          act.append(a);
        }
        const lines = (x.lines || []).map((l) => `${l.size}: ${nf(l.pairs)}`).join(" · ");
        const qty = el("td", "num order-qty", orderQty(x));
        qty.title = lines;
        row.append(
          el("td", "order-code", x.code),
          el("td", "order-buyer", x.buyer),
          el("td", "order-style", x.style_name ? `${x.style} ${x.style_name}` : x.style || ""),
          el("td", "order-due", x.due),
          el("td", "order-status", tr("orders.status.", x.status)),
          qty,
          act,
        );
        return row;
      }),
    );
    showMsg($("order-action-msg"), st.actionMsg);
    renderOrderForm();
    renderCut();
  }

  async function release(o) {
    const r = await send("POST", "/api/v1/orders/release", { enterprise: app.ent, order: o.code });
    st.actionMsg = r.status === 200 ? { ok: t("orders.released", { code: o.code }) } : { error: failText(r) };
    await reload();
  }

  // The style select and the quantity per size of the style picked.
  function renderOrderForm() {
    const sel = $("order-style");
    const styles = Array.isArray(st.styles) ? st.styles : [];
    const was = sel.value;
    sel.replaceChildren(option("", t("orders.pick_style")), ...styles.map((s) => option(s.code, `${s.code} ${s.name}`)));
    sel.value = styles.some((s) => s.code === was) ? was : "";
    renderOrderLines();
    showMsg($("order-msg"), st.orderMsg);
    markField($("order-form"), st.orderMsg);
  }

  function renderOrderLines() {
    const box = $("order-lines");
    const style = (Array.isArray(st.styles) ? st.styles : []).find((s) => s.code === $("order-style").value);
    const old = new Map([...box.querySelectorAll("input[data-size]")].map((i) => [i.dataset.size, i.value]));
    const unit = $("order-unit").value === "dozen" ? t("unit.dozen") : t("unit.pair");
    box.replaceChildren(
      el("legend", "", t("orders.lines", { unit })),
      ...(style ? style.sizes : []).map((s) => {
        const l = el("label", "field size-qty");
        const i = el("input");
        i.type = "number";
        i.min = "0";
        i.step = "1";
        i.dataset.size = s;
        i.value = old.get(s) ?? "";
        l.append(el("span", "", t("orders.size", { size: s })), i);
        return l;
      }),
    );
    if (!style) box.append(el("span", "muted", t("orders.pick_style_first")));
  }

  async function submitOrder(ev) {
    ev.preventDefault();
    const form = $("order-form");
    const lines = [];
    for (const i of form.querySelectorAll("input[data-size]")) {
      delete i.dataset.field;
      if (i.value.trim() === "" || Number(i.value) === 0) continue;
      i.dataset.field = `lines[${lines.length}].qty`;
      lines.push({ size: i.dataset.size, qty: Number(i.value) });
    }
    const body = {
      enterprise: app.ent,
      code: $("order-code").value.trim(),
      buyer: $("order-buyer").value.trim(),
      style: $("order-style").value,
      due: $("order-due").value,
      unit: $("order-unit").value,
      lines,
    };
    const r = await send("POST", "/api/v1/orders", body);
    if (r.status === 201) {
      st.orderMsg = { ok: t("orders.saved", { code: r.json.code, qty: orderQty(r.json) }) };
      for (const id of ["order-code", "order-buyer"]) $(id).value = "";
      for (const i of form.querySelectorAll("input[data-size]")) i.value = "";
      await reload();
    } else {
      st.orderMsg = { error: failText(r), field: errorField(form, r) };
      showMsg($("order-msg"), st.orderMsg);
      markField(form, st.orderMsg);
    }
  }

  function openCut(o) {
    st.cut = {
      order: o.code,
      bundleSize: 12,
      lines: (o.lines || []).map((l) => ({ size: l.size, ordered: l.pairs, plies: "", ppl: "1" })),
    };
    st.cutMsg = null;
    st.cutResult = null;
    renderCut();
    $("cut-card").scrollIntoView?.({ block: "nearest" });
  }

  function renderCut() {
    const c = st.cut;
    $("cut-card").hidden = !c;
    if (!c) return;
    $("cut-title").textContent = t("cut.title", { order: c.order });
    const bs = $("cut-bundle-size");
    if (document.activeElement !== bs) bs.value = String(c.bundleSize);
    $("cut-lines").replaceChildren(
      ...c.lines.map((l, i) => {
        const row = el("tr");
        row.dataset.size = l.size;
        const num = (k, field) => {
          const x = el("input", "cut-" + k);
          x.type = "number";
          x.min = k === "ppl" ? "1" : "0";
          x.step = "1";
          x.value = l[k];
          x.dataset.size = l.size;
          x.dataset.k = k;
          x.setAttribute("aria-label", t(k === "ppl" ? "cut.ppl" : "cut.plies") + " " + l.size);
          x.addEventListener("input", () => {
            l[k] = x.value;
            row.querySelector(".cut-pairs").textContent = pairs((Number(l.plies) || 0) * (Number(l.ppl) || 1));
          });
          const td = el("td");
          td.append(x);
          if (field) x.dataset.field = field;
          return td;
        };
        row.append(
          el("td", "cut-size", l.size),
          el("td", "num", pairs(l.ordered)),
          num("plies"),
          num("ppl"),
          el("td", "num cut-pairs", pairs((Number(l.plies) || 0) * (Number(l.ppl) || 1))),
        );
        row.dataset.index = String(i);
        return row;
      }),
    );
    showMsg($("cut-msg"), st.cutMsg);
    markField($("cut-form"), st.cutMsg);
    const res = st.cutResult;
    $("cut-result").hidden = !res;
    if (!res) return;
    const total = (res.bundles || []).reduce((a, b) => a + (Number(b.qty) || 0), 0);
    $("cut-result-title").textContent = t("cut.result", { cut: res.cut, n: nf(res.bundles?.length || 0), qty: pairs(total) });
    $("cut-tickets").href = ticketHref({ cut: res.cut });
    $("cut-bundles").replaceChildren(
      ...(res.bundles || []).map((b) => {
        const row = el("tr");
        row.dataset.bundle = String(b.no);
        row.dataset.id = String(b.id);
        row.append(el("td", "num bundle-no", String(b.no)), el("td", "bundle-size", b.size), el("td", "num bundle-qty", pairs(b.qty)), el("td", "muted bundle-id", String(b.id)));
        return row;
      }),
    );
  }

  async function submitCut(ev) {
    ev.preventDefault();
    const c = st.cut;
    if (!c) return;
    const form = $("cut-form");
    c.bundleSize = $("cut-bundle-size").value;
    const lines = [];
    for (const x of form.querySelectorAll("input[data-k]")) delete x.dataset.field;
    for (const l of c.lines) {
      if (String(l.plies).trim() === "" || Number(l.plies) === 0) continue;
      const k = lines.length;
      for (const x of form.querySelectorAll(`input[data-size="${CSS.escape(l.size)}"]`))
        x.dataset.field = `lines[${k}].${x.dataset.k === "ppl" ? "pairs_per_ply" : "plies"}`;
      lines.push({ size: l.size, plies: Number(l.plies), pairs_per_ply: Number(l.ppl) || 1 });
    }
    if (!lines.length) {
      st.cutMsg = { error: t("cut.none") };
      st.cutResult = null;
      renderCut();
      return;
    }
    const body = { enterprise: app.ent, order: c.order, bundle_size: Number(c.bundleSize), lines };
    const r = await send("POST", "/api/v1/cuts", body);
    if (r.status === 201) {
      st.cutResult = r.json;
      st.cutMsg = null;
      for (const l of c.lines) l.plies = "";
    } else {
      st.cutResult = null;
      st.cutMsg = { error: failText(r), field: errorField(form, r) };
    }
    renderCut();
  }

  // ------------------------------------------------------------ WIP

  async function loadWip(seq) {
    let w;
    try {
      w = await get("/api/v1/wip?" + q({ enterprise: app.ent }));
    } catch (e) {
      if (e instanceof LoggedOut) throw e;
      w = { error: e.message };
    }
    if (seq !== st.seq) return;
    st.wip = w;
  }

  function disposeCharts() {
    for (const c of st.charts) c.dispose();
    st.charts = [];
  }

  function renderWip() {
    const w = st.wip;
    showError("wip-error", w?.error || "");
    const list = (w && !w.error && w.orders) || [];
    $("wip-empty").hidden = !w || !!w.error || list.length > 0;
    disposeCharts();
    $("wip-orders").replaceChildren(...list.map(wipCard));
    if (window.echarts) for (const o of list) drawWip(o);
  }

  function wipCard(o) {
    const card = el("section", "card wip-order");
    card.dataset.order = o.order;
    const h = el("h2", "card-title");
    h.append(el("span", "", t("wip.order", { order: o.order, style: o.style })));
    const proj = el("span", "wip-projected");
    proj.dataset.late = String(!!o.late);
    proj.textContent = o.projected
      ? t("wip.projected", { day: o.projected, due: o.due })
      : t("wip.no_pace", { due: o.due });
    if (o.late) proj.append(el("b", "late-flag", " " + t("wip.late")));
    h.append(proj);
    const facts = el("p", "muted wip-facts");
    facts.textContent = t("wip.facts", { ordered: pairs(o.ordered), cut: pairs(o.cut), finished: pairs(o.finished) });
    const bn = el("p", "wip-bottleneck");
    if (o.bottleneck) {
      bn.dataset.seq = String(o.bottleneck);
      bn.textContent = t("wip.bottleneck", { seq: o.bottleneck, name: o.bottleneck_name || "" });
    } else {
      bn.textContent = t("wip.no_bottleneck");
    }
    const table = el("table", "data-table wip-table");
    const head = el("thead");
    const hr = el("tr");
    for (const [k, num] of [["wip.col.seq", true], ["wip.col.op", false], ["wip.col.done", true], ["wip.col.bundles", true], ["wip.col.waiting", true]])
      hr.append(el("th", num ? "num" : "", t(k)));
    head.append(hr);
    const body = el("tbody");
    for (const op of o.ops || []) {
      const row = el("tr");
      row.dataset.seq = String(op.seq);
      if (op.seq === o.bottleneck) {
        row.classList.add("bottleneck");
        row.dataset.bottleneck = "true";
      }
      const name = el("td", "wip-op", op.name);
      if (op.seq === o.bottleneck) name.append(el("span", "tag", t("wip.bottleneck_tag")));
      row.append(
        el("td", "num", String(op.seq)),
        name,
        el("td", "num wip-done", pairs(op.done)),
        el("td", "num wip-bundles", nf(op.bundles_done)),
        el("td", "num wip-waiting", pairs(op.waiting)),
      );
      row.querySelector(".wip-done").dataset.pairs = String(op.done);
      row.querySelector(".wip-waiting").dataset.pairs = String(op.waiting);
      body.append(row);
    }
    table.append(head, body);
    const scroll = el("div", "table-scroll");
    scroll.append(table);
    const chart = el("div", "chart wip-chart");
    chart.dataset.order = o.order;
    const out = el("div", "wip-out");
    const hh = o.at_households || [];
    out.append(el("h3", "", t("wip.out", { n: nf(hh.length) })));
    if (hh.length) {
      const tb = el("table", "data-table");
      const th = el("tr");
      for (const [k, num] of [["wip.col.bundle", true], ["wip.col.household", false], ["wip.col.pairs", true], ["wip.col.since", false], ["wip.col.days", true]])
        th.append(el("th", num ? "num" : "", t(k)));
      const thead = el("thead");
      thead.append(th);
      const tbody = el("tbody");
      for (const b of hh) {
        const row = el("tr");
        row.dataset.bundle = String(b.bundle);
        row.append(
          el("td", "num", String(b.bundle)),
          el("td", "", b.name ? `${b.name} (${b.household})` : b.household || ""),
          el("td", "num", pairs(b.pairs)),
          el("td", "", fmtDateTime(b.since)),
          el("td", "num wip-days", t("wip.days", { n: nf(b.days) })),
        );
        tbody.append(row);
      }
      tb.append(thead, tbody);
      out.append(tb);
    } else {
      out.append(el("p", "muted", t("wip.none_out")));
    }
    card.append(h, facts, bn, chart, scroll, out);
    return card;
  }

  function drawWip(o) {
    const box = document.querySelector(`.wip-chart[data-order="${CSS.escape(o.order)}"]`);
    if (!box) return;
    const c = window.echarts.init(box, null, { renderer: "canvas" });
    st.charts.push(c);
    const good = cssVar("--c-run", "#1e9e5a");
    const wait = cssVar("--c-idle", "#d6a100");
    const bad = cssVar("--c-fault", "#d93025");
    const ops = o.ops || [];
    c.setOption({
      animation: false,
      textStyle: { fontFamily: cssVar("--font", "sans-serif") },
      grid: { left: 52, right: 16, top: 36, bottom: 28 },
      legend: { top: 0, right: 8, data: [t("wip.col.done"), t("wip.col.waiting")] },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: (v) => pairs(v) },
      xAxis: { type: "category", data: ops.map((x) => `${x.seq} ${x.name}`) },
      yAxis: { type: "value", name: t("unit.pair"), minInterval: 1 },
      series: [
        { name: t("wip.col.done"), type: "bar", data: ops.map((x) => x.done), itemStyle: { color: good }, barMaxWidth: 28 },
        {
          name: t("wip.col.waiting"),
          type: "bar",
          data: ops.map((x) => ({ value: x.waiting, itemStyle: { color: x.seq === o.bottleneck ? bad : wait } })),
          itemStyle: { color: wait },
          barMaxWidth: 28,
        },
      ],
    });
  }

  // ------------------------------------------------------------ households

  async function loadHouseholds(seq) {
    if (st.rangeEnt !== app.ent || !st.soRange) {
      st.soRange = { from: today(), to: today() };
      st.rangeEnt = app.ent;
    }
    const e = app.ent;
    const jobs = [
      get("/api/v1/households?" + q({ enterprise: e })),
      get("/api/v1/orders?" + q({ enterprise: e, status: "released" })),
      get("/api/v1/styles?" + q({ enterprise: e })),
      get("/api/v1/wip?" + q({ enterprise: e })),
      get("/api/v1/scan-output?" + q({ enterprise: e, ...st.soRange })),
    ];
    const [h, o, s, w, so] = await Promise.allSettled(jobs);
    for (const x of [h, o, s, w, so]) if (x.status === "rejected" && x.reason instanceof LoggedOut) throw x.reason;
    if (seq !== st.seq) return;
    const val = (x, f) => (x.status === "fulfilled" ? f(x.value) : { error: x.reason.message });
    st.households = val(h, (v) => v.households || []);
    st.released = val(o, (v) => v.orders || []);
    st.styles = val(s, (v) => v.styles || []);
    st.wip = val(w, (v) => v);
    st.so = val(so, (v) => v);
  }

  async function loadScanOutput() {
    const seq = ++st.seq;
    let so;
    try {
      so = await get("/api/v1/scan-output?" + q({ enterprise: app.ent, ...st.soRange }));
    } catch (e) {
      if (e instanceof LoggedOut) return;
      so = { error: e.message };
    }
    if (seq !== st.seq) return;
    st.so = so;
    renderScanOutput();
  }

  function renderHouseholds() {
    const h = st.households;
    showError("hh-error", h?.error || "");
    const list = Array.isArray(h) ? h : [];
    $("hh-empty").hidden = !Array.isArray(h) || list.length > 0;
    $("hh-rows").replaceChildren(
      ...list.map((x) => {
        const row = el("tr");
        row.dataset.household = x.code;
        row.append(
          el("td", "hh-code", x.code),
          el("td", "hh-name", x.name),
          el("td", "hh-village", x.village || ""),
          el("td", "hh-phone", x.phone || ""),
          el("td", "num hh-rate", `${nf(x.rate_pct)}%`),
          el("td", "num hh-bundles", nf(x.bundles_out)),
          el("td", "num hh-pairs", pairs(x.pairs_out)),
        );
        return row;
      }),
    );
    showMsg($("hh-msg"), st.hhMsg);
    markField($("hh-form"), st.hhMsg);
    renderDispatch();
    renderReturn();
    renderScanOutput();
  }

  async function submitHousehold(ev) {
    ev.preventDefault();
    const form = $("hh-form");
    const rate = $("hh-rate").value.trim();
    const body = {
      enterprise: app.ent,
      code: $("hh-code").value.trim(),
      name: $("hh-name").value.trim(),
      village: $("hh-village").value.trim(),
      phone: $("hh-phone").value.trim(),
      rate_pct: rate === "" ? 100 : Number(rate),
    };
    const r = await send("POST", "/api/v1/households", body);
    if (r.status === 201) {
      st.hhMsg = { ok: t("hh.saved", { code: r.json.code }) };
      for (const id of ["hh-code", "hh-name", "hh-village", "hh-phone"]) $(id).value = "";
      $("hh-rate").value = "100";
      await reload();
    } else {
      st.hhMsg = { error: failText(r), field: errorField(form, r) };
      showMsg($("hh-msg"), st.hhMsg);
      markField(form, st.hhMsg);
    }
  }

  function fillSelect(sel, items, placeholder) {
    const was = sel.value;
    sel.replaceChildren(option("", placeholder), ...items.map(([v, text]) => option(v, text)));
    sel.value = items.some(([v]) => v === was) ? was : "";
  }

  function styleOfOrder(code) {
    const o = (Array.isArray(st.released) ? st.released : []).find((x) => x.code === code);
    return o && (Array.isArray(st.styles) ? st.styles : []).find((s) => s.code === o.style);
  }

  function renderDispatch() {
    const hs = Array.isArray(st.households) ? st.households : [];
    fillSelect($("dispatch-household"), hs.map((h) => [h.code, `${h.name} (${h.code})`]), t("hh.pick"));
    const os = Array.isArray(st.released) ? st.released : [];
    fillSelect($("dispatch-order"), os.map((o) => [o.code, `${o.code} · ${o.style}`]), t("orders.pick"));
    renderDispatchOps();
    showMsg($("dispatch-msg"), st.dispMsg);
  }

  function renderDispatchOps() {
    const box = $("dispatch-ops");
    const style = styleOfOrder($("dispatch-order").value);
    const checked = new Set([...box.querySelectorAll("input:checked")].map((i) => i.value));
    box.replaceChildren(
      el("legend", "", t("dispatch.ops")),
      ...(style?.routing || []).map((op) => {
        const l = el("label", "check");
        const cb = el("input");
        cb.type = "checkbox";
        cb.value = String(op.seq);
        cb.dataset.seq = String(op.seq);
        cb.checked = checked.has(String(op.seq));
        l.append(cb, el("span", "", `${op.seq}. ${op.name}`));
        return l;
      }),
    );
    if (!style) box.append(el("span", "muted", t("dispatch.pick_order_first")));
  }

  // "1, 3-5" -> [1, 3, 4, 5]; null when it is not such a list.
  function parseNumbers(s) {
    const out = [];
    for (const part of String(s).split(/[\s,，、]+/).filter(Boolean)) {
      const m = /^(\d+)(?:[-–~](\d+))?$/.exec(part);
      if (!m) return null;
      const a = Number(m[1]);
      const b = m[2] ? Number(m[2]) : a;
      if (a < 1 || b < a || b - a > 1000) return null;
      for (let i = a; i <= b; i++) out.push(i);
    }
    return out.length ? [...new Set(out)] : null;
  }

  // Bundle numbers of an order -> bundle ids (GET /bundles); throws with
  // the numbers the order does not have.
  async function bundleIds(order, nos) {
    const r = await get("/api/v1/bundles?" + q({ enterprise: app.ent, order }));
    const byNo = new Map((r.bundles || []).map((b) => [b.no, b]));
    const missing = nos.filter((n) => !byNo.has(n));
    if (missing.length) throw new Error(t("dispatch.unknown_bundles", { order, nos: missing.join(", ") }));
    return nos.map((n) => byNo.get(n));
  }

  async function submitDispatch(ev) {
    ev.preventDefault();
    const household = $("dispatch-household").value;
    const order = $("dispatch-order").value;
    const nos = parseNumbers($("dispatch-bundles").value);
    const ops = [...$("dispatch-ops").querySelectorAll("input:checked")].map((i) => Number(i.value));
    let problem = "";
    if (!household) problem = t("dispatch.need_household");
    else if (!order) problem = t("dispatch.need_order");
    else if (!nos) problem = t("dispatch.need_bundles");
    else if (!ops.length) problem = t("dispatch.need_ops");
    if (problem) {
      st.dispMsg = { error: problem };
      showMsg($("dispatch-msg"), st.dispMsg);
      return;
    }
    let bundles;
    try {
      bundles = await bundleIds(order, nos);
    } catch (e) {
      if (e instanceof LoggedOut) return;
      st.dispMsg = { error: e.message };
      showMsg($("dispatch-msg"), st.dispMsg);
      return;
    }
    const r = await send("POST", "/api/v1/dispatches", { enterprise: app.ent, household, bundles: bundles.map((b) => b.id), ops });
    if (r.status === 201) {
      const qty = bundles.reduce((a, b) => a + (Number(b.qty) || 0), 0);
      st.dispMsg = { ok: t("dispatch.done", { n: nf(bundles.length), nos: nos.join(", "), qty: pairs(qty), household }) };
      $("dispatch-bundles").value = "";
      await reload();
    } else {
      st.dispMsg = { error: failText(r) };
      showMsg($("dispatch-msg"), st.dispMsg);
    }
  }

  // Bundles out at households (from /wip: every released order's).
  function bundlesOut() {
    const w = st.wip;
    const out = [];
    for (const o of (w && !w.error && w.orders) || [])
      for (const b of o.at_households || []) out.push({ order: o.order, ...b });
    return out;
  }

  function renderReturn() {
    const out = bundlesOut();
    const sel = $("return-bundle");
    fillSelect(
      sel,
      out.map((b) => [`${b.order}/${b.bundle}`, t("return.option", { order: b.order, no: b.bundle, qty: pairs(b.pairs), household: b.name || b.household, days: nf(b.days) })]),
      out.length ? t("return.pick") : t("return.none_out"),
    );
    for (const o of sel.options) {
      const b = out.find((x) => `${x.order}/${x.bundle}` === o.value);
      if (b) o.dataset.pairs = String(b.pairs);
    }
    showMsg($("return-msg"), st.retMsg);
    markField($("return-form"), st.retMsg);
    const res = st.retResult;
    $("return-result").hidden = !res;
    if (res) {
      const pay = $("return-pay");
      pay.textContent = money(res.pay);
      pay.dataset.pay = res.pay;
      $("return-good").textContent = pairs(res.good);
      $("return-who").textContent = res.who || "";
    }
  }

  async function submitReturn(ev) {
    ev.preventDefault();
    const form = $("return-form");
    const v = $("return-bundle").value;
    if (!v) {
      st.retMsg = { error: t("return.need_bundle") };
      st.retResult = null;
      renderReturn();
      return;
    }
    const cut = v.lastIndexOf("/");
    const order = v.slice(0, cut);
    const no = Number(v.slice(cut + 1));
    const out = bundlesOut().find((b) => b.order === order && b.bundle === no);
    let b;
    try {
      [b] = await bundleIds(order, [no]);
    } catch (e) {
      if (e instanceof LoggedOut) return;
      st.retMsg = { error: e.message };
      renderReturn();
      return;
    }
    const n = (id, dflt) => {
      const s = $(id).value.trim();
      return s === "" ? dflt : Number(s);
    };
    const body = {
      enterprise: app.ent,
      bundle: b.id,
      returned: n("return-returned", -1),
      missing: n("return-missing", 0),
      damaged: n("return-damaged", 0),
    };
    if (body.returned < 0) {
      st.retMsg = { error: t("return.need_returned"), field: "returned" };
      renderReturn();
      return;
    }
    const r = await send("POST", "/api/v1/returns", body);
    if (r.status === 200) {
      st.retMsg = null;
      st.retResult = { ...r.json, who: t("return.who", { order, no, household: out?.name || out?.household || "" }) };
      for (const id of ["return-returned", "return-missing", "return-damaged"]) $(id).value = "";
      await reload();
    } else {
      st.retResult = null;
      st.retMsg = { error: failText(r), field: errorField(form, r) };
      renderReturn();
    }
  }

  function renderScanOutput() {
    const so = st.so;
    const r = st.soRange;
    if (r) {
      $("so-from").value = r.from;
      $("so-to").value = r.to;
      const p = { enterprise: app.ent, ...r, lang: getLang() === "en" ? "en" : "zh" };
      $("so-export-xlsx").href = "/api/v1/scan-output?" + q({ ...p, format: "xlsx" });
      $("so-export-csv").href = "/api/v1/scan-output?" + q({ ...p, format: "csv" });
    }
    $("so-tz").textContent = t("an.tz", { tz: firmTz() || "" });
    showError("so-error", so?.error || "");
    const rows = (so && !so.error && so.rows) || [];
    $("so-empty").hidden = !so || !!so.error || rows.length > 0;
    $("so-rows").replaceChildren(
      ...rows.map((x) => {
        const row = el("tr");
        const who = x.worker ?? x.household ?? "";
        row.dataset.who = who;
        row.dataset.kind = x.household ? "household" : "worker";
        row.dataset.day = x.day;
        const pay = el("td", "num so-pay", money(x.pay));
        pay.dataset.pay = x.pay;
        row.append(
          el("td", "so-day", x.day),
          el("td", "so-who", who),
          el("td", "so-kind", t(x.household ? "so.household" : "so.worker")),
          el("td", "so-name", x.name || ""),
          el("td", "num so-pairs", pairs(x.pairs)),
          pay,
        );
        return row;
      }),
    );
    const foot = [];
    if (rows.length && so.total) {
      const row = el("tr", "total");
      row.append(el("td", "", t("sewn.total")), el("td"), el("td"), el("td"), el("td", "num", pairs(so.total.pairs)), el("td", "num so-total-pay", money(so.total.pay)));
      foot.push(row);
    }
    $("so-foot").replaceChildren(...foot);
  }

  function onSoRange() {
    let from = $("so-from").value;
    let to = $("so-to").value;
    if (!from || !to) return;
    if (from > to) [from, to] = [to, from];
    st.soRange = { from, to };
    loadScanOutput();
  }

  // ------------------------------------------------------------ pages

  function renderView(view) {
    if (view === "styles") renderStyles();
    else if (view === "orders") renderOrders();
    else if (view === "wip") renderWip();
    else if (view === "households") renderHouseholds();
  }

  // Reads what the shown page needs and draws it.
  async function load() {
    const view = st.view;
    if (!view || !app.user || !app.ent) return;
    const seq = ++st.seq;
    try {
      await ensureZone();
      if (seq !== st.seq) return;
      if (view === "styles") await loadStyles(seq);
      else if (view === "orders") await loadOrders(seq);
      else if (view === "wip") await loadWip(seq);
      else if (view === "households") await loadHouseholds(seq);
    } catch (e) {
      if (e instanceof LoggedOut) return;
      throw e;
    }
    if (seq !== st.seq || view !== st.view) return;
    renderView(view);
  }

  // After a form was sent: the page reads again what it shows.
  const reload = () => load();

  function show(view) {
    const v = SEWN_VIEWS.includes(view) ? view : "";
    if (v !== "wip") disposeCharts();
    st.view = v;
    if (v) load();
  }

  // The firm changed: what the forms showed of the old firm is dropped
  // (app.js then shows the page again, which reads the new firm's).
  function onScope() {
    st.cut = st.cutResult = st.cutMsg = null;
    st.copyFrom = "";
    st.styleMsg = st.copyMsg = st.orderMsg = st.actionMsg = st.hhMsg = st.dispMsg = st.retMsg = st.retResult = null;
  }

  // Redraws the shown page in the current language (no reads).
  function render() {
    if (!app.user || !st.view) return;
    const have = { styles: st.styles, orders: st.orders, wip: st.wip, households: st.households }[st.view];
    if (have) renderView(st.view);
  }

  function reset() {
    st.seq++;
    st.zones.clear();
    st.styles = st.orders = st.released = st.wip = st.households = st.so = null;
    st.soRange = null;
    st.rangeEnt = "";
    st.routing = [blankOp()];
    onScope();
    disposeCharts();
    for (const id of ["styles-rows", "order-rows", "cut-bundles", "wip-orders", "hh-rows", "so-rows", "so-foot"]) $(id).replaceChildren();
  }

  function wire() {
    const guard = (fn) => (ev) =>
      fn(ev).catch((e) => {
        if (!(e instanceof LoggedOut)) console.error(e);
      });
    $("style-form").addEventListener("submit", guard(submitStyle));
    $("routing-add").addEventListener("click", () => {
      st.routing.push(blankOp());
      renderRouting();
      const inputs = $("routing-rows").querySelectorAll("input.op-code");
      inputs[inputs.length - 1]?.focus();
    });
    $("style-copy-form").addEventListener("submit", guard(submitCopy));
    $("style-copy-cancel").addEventListener("click", () => {
      st.copyFrom = "";
      st.copyMsg = null;
      renderCopy();
    });
    $("order-form").addEventListener("submit", guard(submitOrder));
    $("order-style").addEventListener("change", renderOrderLines);
    $("order-unit").addEventListener("change", renderOrderLines);
    $("cut-form").addEventListener("submit", guard(submitCut));
    $("cut-close").addEventListener("click", () => {
      st.cut = st.cutResult = st.cutMsg = null;
      renderCut();
    });
    $("hh-form").addEventListener("submit", guard(submitHousehold));
    $("dispatch-form").addEventListener("submit", guard(submitDispatch));
    $("dispatch-order").addEventListener("change", renderDispatchOps);
    $("return-form").addEventListener("submit", guard(submitReturn));
    $("return-bundle").addEventListener("change", (e) => {
      const p = e.target.selectedOptions[0]?.dataset.pairs;
      if (p) $("return-returned").value = p;
    });
    $("so-from").addEventListener("change", onSoRange);
    $("so-to").addEventListener("change", onSoRange);
  }

  wire();
  return { show, onScope, render, reset };
}

