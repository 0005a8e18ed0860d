// Building the page from data without ever parsing data as HTML: text goes in as text nodes.

export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else if (name === "class") element.className = value;
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  append(element, children);
  return element;
}

export function append(element, children) {
  for (const child of [children].flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

export function replace(element, ...children) {
  element.replaceChildren();
  return append(element, children);
}

// A table that scrolls sideways on a narrow screen instead of squeezing its columns.
export function table(headers, rows, { caption, empty = "Nothing here yet." } = {}) {
  const body = rows.length
    ? rows
    : [h("tr", {}, h("td", { colspan: headers.length, class: "empty" }, empty))];
  return h("div", { class: "table-wrap" },
    h("table", {},
      caption ? h("caption", {}, caption) : null,
      h("thead", {}, h("tr", {}, headers.map((header) => h("th", { scope: "col" }, header)))),
      h("tbody", {}, body)));
}

export function badge(text, kind = text) {
  return h("span", { class: `badge badge-${String(kind).toLowerCase().replaceAll("_", "-")}` }, text);
}

export function loading(what = "Loading…") {
  return h("p", { class: "loading", role: "status", "aria-live": "polite" }, what);
}

export function errorBox(error) {
  return h("div", { class: "error", role: "alert" },
    h("strong", { class: "error-code" }, error.code ?? "ERROR"), " ", error.message ?? String(error));
}

// A key that changes whenever the user acts: one click, one write (the server replays a repeated key).
export function idempotencyKey(action) {
  return `console-${action}-${crypto.randomUUID()}`;
}
