// Small DOM helpers: build elements without innerHTML so API strings are never interpreted as markup.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'text') el.textContent = value;
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (value === true) el.setAttribute(key, '');
    else el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

/**
 * A table as the text equivalent of a chart or as a list view. Rows are built in one fragment so that a
 * 1,024-GPU table renders in a few milliseconds.
 */
export function table({ caption, columns, rows, rowClass, id, testId }) {
  const thead = h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col', class: c.num ? 'num' : null }, c.label))));
  const tbody = document.createElement('tbody');
  const fragment = document.createDocumentFragment();
  for (const row of rows) {
    const tr = document.createElement('tr');
    const cls = rowClass ? rowClass(row) : null;
    if (cls) tr.className = cls;
    for (const c of columns) {
      const td = document.createElement('td');
      if (c.num) td.className = 'num';
      const value = c.value(row);
      if (value instanceof Node) td.append(value);
      else td.textContent = value === undefined || value === null ? '–' : String(value);
      tr.append(td);
    }
    fragment.append(tr);
  }
  tbody.append(fragment);
  return h('table', { id, 'data-testid': testId }, caption ? h('caption', {}, caption) : null, thead, tbody);
}

export function textEquivalent(summary, content) {
  return h('details', { class: 'text-equivalent' }, h('summary', {}, summary), content);
}

export function badge(kind, label) {
  return h('span', { class: `badge ${kind}` }, label);
}

export function emptyState(message, ...actions) {
  return h('div', { class: 'empty', role: 'status' }, h('p', {}, message), actions.length ? h('p', {}, actions) : null);
}

const GIB = 1024 ** 3;

/** toFixed without a sign on a value that rounds to zero: a bubble of -1e-12 s is "0.0 ms", not "-0.0 ms". */
function fixed(value, digits) {
  const text = value.toFixed(digits);
  return Number(text) === 0 ? (0).toFixed(digits) : text;
}

export const fmt = {
  gib: (bytes) => (isFiniteNumber(bytes) ? fixed(bytes / GIB, 1) + ' GiB' : '–'),
  gibNumber: (bytes) => (isFiniteNumber(bytes) ? Number((bytes / GIB).toFixed(2)) : null),
  ms: (seconds) => (isFiniteNumber(seconds) ? fixed(seconds * 1000, 1) + ' ms' : '–'),
  seconds: (seconds) => (isFiniteNumber(seconds) ? fixed(seconds, seconds < 10 ? 3 : 1) + ' s' : '–'),
  number: (value, digits = 2) => (isFiniteNumber(value) ? fixed(Number(value), digits) : '–'),
  integer: (value) => (isFiniteNumber(value) ? Math.round(value).toLocaleString('en-US') : '–'),
  percent: (fraction, digits = 1) => (isFiniteNumber(fraction) ? fixed(fraction * 100, digits) + ' %' : '–'),
  age: (instant) => {
    if (!instant) return 'never measured';
    const seconds = (Date.now() - Date.parse(instant)) / 1000;
    if (!Number.isFinite(seconds)) return String(instant);
    if (seconds < 90) return `${Math.max(0, Math.round(seconds))} s ago`;
    if (seconds < 5400) return `${Math.round(seconds / 60)} min ago`;
    if (seconds < 172800) return `${Math.round(seconds / 3600)} h ago`;
    return `${Math.round(seconds / 86400)} days ago`;
  },
  instant: (instant) => (instant ? new Date(instant).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '–'),
};

export function isFiniteNumber(value) {
  return typeof value === 'number' && Number.isFinite(value);
}

/** Turns a camelCase JSON key into words for labels ("exposedTpCommSeconds" -> "exposed tp comm"). */
export function humanize(key) {
  return String(key)
    .replace(/(Seconds|Bytes)$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/_/g, ' ')
    .toLowerCase();
}
