// SPDX-License-Identifier: Apache-2.0
// Small helpers every page of the dashboard shares, written once: making
// an element, a query string, a CSS variable, a checked time zone, and the
// mark beside the form field an API error names. No state and no API
// calls: app.js (with analytics.js and sewn.js) and scan.js, which imports
// nothing else of the dashboard, both import them.

// A new element with a class and a text (either may be left out).
export function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

// "a=1&b=x" from {a: 1, b: "x"}; undefined, null and "" are left out.
export function query(o) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(o)) if (v !== undefined && v !== null && v !== "") p.set(k, String(v));
  return p.toString();
}

// The value of a CSS custom property of the page, or `fallback`.
export function cssVar(name, fallback) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

// The IANA zone if this browser knows it, else undefined (the browser's).
export function safeTz(tz) {
  if (!tz) return undefined;
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return tz;
  } catch {
    return undefined;
  }
}

// Clears the marks of `form` and, when `field` names one of its inputs
// (data-field), marks it aria-invalid and puts `text` beside it
// ([data-field-error], inside its label or table cell).
export function markField(form, field, text) {
  for (const x of form.querySelectorAll("[aria-invalid]")) x.removeAttribute("aria-invalid");
  for (const x of form.querySelectorAll("[data-field-error]")) x.remove();
  if (!field) return;
  const bad = form.querySelector(`[data-field="${CSS.escape(field)}"]`);
  if (!bad) return;
  bad.setAttribute("aria-invalid", "true");
  const note = el("span", "error field-error", text);
  note.setAttribute("data-field-error", field);
  const box = bad.closest("label") || bad.closest("td");
  if (box) box.append(note);
  else bad.after(note);
}
