// vankien page: the search's trends (matching clauses by year and by issuing body, as inline SVG bar charts
// with their numbers in a table) and the links that download every result as CSV or JSON lines.
//
// The counts are the facets (`year`, `issuer`) of the search's second request, the one that
// asks for the counts alone once the first page is shown: exact over every matching clause. Names and numbers enter the page only through textContent and
// attributes. A bar is a link that sets its year or issuer as a filter (or clears it, when it is
// the filter already), so it works with the keyboard and the back button.

import { limits } from './api.js';
import { FILTERS, searchHash } from './router.js';
import { $, el, formatCount } from './util.js';

const SVG = 'http://www.w3.org/2000/svg';

/** An SVG element with its attributes and children (strings become text nodes). */
function svg(tag, attrs, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined) continue;
    if (key === 'text') node.textContent = String(value);
    else node.setAttribute(key, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return node;
}

/** The facet's values and counts, cleaned: `[{value, label, count}]`. */
function counts(list) {
  return (Array.isArray(list) ? list : [])
    .map((c) => ({ value: String(c.value), label: String(c.label || c.value), count: Number(c.count) || 0 }))
    .filter((c) => c.value && c.count > 0);
}

/** Where a click on a bar goes: the search with that value as its filter, or without it. */
function barHash(s, dim, value) {
  return searchHash({ ...s, [dim]: s[dim] === value ? '' : value, offset: 0 });
}

/** A name cut to `max` characters at a word, with `…`. */
function shorten(name, max) {
  if (name.length <= max) return name;
  const cut = name.slice(0, max);
  const at = cut.lastIndexOf(' ');
  return `${cut.slice(0, at > max / 2 ? at : max).trimEnd()}…`;
}

/** Matching clauses by year, oldest first, as vertical bars. */
function yearChart(s, years) {
  const data = [...years].sort((a, b) => a.value.localeCompare(b.value));
  const max = Math.max(...data.map((d) => d.count));
  const bar = 34;
  const gap = 10;
  const top = 18;
  const plot = 110;
  const width = Math.max(data.length * (bar + gap) + gap, 160);
  const height = top + plot + 22;
  const title = 'Số điều khoản khớp theo năm ban hành';
  return svg(
    'svg',
    {
      class: 'trend-chart',
      viewBox: `0 0 ${width} ${height}`,
      width,
      height,
      'aria-labelledby': 'trend-year-title',
      'data-testid': 'trend-year-chart',
    },
    svg('title', { id: 'trend-year-title', text: title }),
    data.map((d, i) => {
      const h = Math.max(2, Math.round((d.count / max) * plot));
      const x = gap + i * (bar + gap);
      const label = `Năm ${d.label}: ${formatCount(d.count)} điều khoản${s.year === d.value ? ' (đang lọc)' : ''}`;
      return svg(
        'a',
        {
          href: barHash(s, 'year', d.value),
          class: `trend-bar${s.year === d.value ? ' is-current' : ''}`,
          'aria-label': label,
          'data-testid': 'trend-bar',
          'data-dim': 'year',
          'data-value': d.value,
          'data-count': d.count,
        },
        svg('title', { text: label }),
        svg('rect', { x, y: top + plot - h, width: bar, height: h, rx: 2 }),
        svg('text', { x: x + bar / 2, y: top + plot - h - 4, class: 'trend-count', 'text-anchor': 'middle', text: formatCount(d.count) }),
        svg('text', { x: x + bar / 2, y: top + plot + 16, class: 'trend-label', 'text-anchor': 'middle', text: d.label }),
      );
    }),
  );
}

/** Matching clauses by issuing body, most first, as horizontal bars. */
function issuerChart(s, issuers) {
  const data = issuers.slice(0, 12);
  const max = Math.max(...data.map((d) => d.count));
  const labelWidth = 250;
  const plot = 220;
  const row = 24;
  const width = labelWidth + plot + 60;
  const height = data.length * row + 6;
  const title = 'Số điều khoản khớp theo cơ quan ban hành';
  return svg(
    'svg',
    {
      class: 'trend-chart',
      viewBox: `0 0 ${width} ${height}`,
      width,
      height,
      'aria-labelledby': 'trend-issuer-title',
      'data-testid': 'trend-issuer-chart',
    },
    svg('title', { id: 'trend-issuer-title', text: title }),
    data.map((d, i) => {
      const w = Math.max(2, Math.round((d.count / max) * plot));
      const y = 3 + i * row;
      const label = `${d.label}: ${formatCount(d.count)} điều khoản${s.issuer === d.value ? ' (đang lọc)' : ''}`;
      return svg(
        'a',
        {
          href: barHash(s, 'issuer', d.value),
          class: `trend-bar${s.issuer === d.value ? ' is-current' : ''}`,
          'aria-label': label,
          'data-testid': 'trend-bar',
          'data-dim': 'issuer',
          'data-value': d.value,
          'data-count': d.count,
        },
        svg('title', { text: label }),
        svg('text', { x: labelWidth - 8, y: y + row / 2 + 4, class: 'trend-label', 'text-anchor': 'end', text: shorten(d.label, 34) }),
        svg('rect', { x: labelWidth, y: y + 3, width: w, height: row - 8, rx: 2 }),
        svg('text', { x: labelWidth + w + 6, y: y + row / 2 + 4, class: 'trend-count', text: formatCount(d.count) }),
      );
    }),
  );
}

/** The numbers of a chart as a table, for screen readers and for copying. */
function numbersTable(caption, head, data) {
  return el(
    'table',
    { class: 'trend-table', 'data-testid': 'trend-table' },
    el('caption', { text: caption }),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: head }), el('th', { scope: 'col', text: 'Số điều khoản' }))),
    el(
      'tbody',
      {},
      data.map((d) => el('tr', {}, el('th', { scope: 'row', text: d.label }), el('td', { text: formatCount(d.count) }))),
    ),
  );
}

/** Shows the trends of the search `s` from its answer's facets; hidden when nothing matched. */
export function renderTrends(s, facets, total) {
  const box = $('trends');
  if (!box) return;
  const years = counts(facets && facets.year);
  const issuers = counts(facets && facets.issuer);
  if (!total || (years.length === 0 && issuers.length === 0)) {
    box.hidden = true;
    box.replaceChildren();
    return;
  }
  const sortedYears = [...years].sort((a, b) => a.value.localeCompare(b.value));
  box.replaceChildren(
    el('h2', { class: 'trends-title', id: 'trends-heading', text: 'Xu hướng của kết quả' }),
    el('p', { class: 'trends-hint', text: 'Bấm vào một cột để lọc theo năm hoặc cơ quan ban hành đó; bấm lại để bỏ lọc.' }),
    el(
      'div',
      { class: 'trends-charts' },
      years.length
        ? el('figure', { class: 'trend' }, el('figcaption', { text: 'Theo năm ban hành' }), yearChart(s, years))
        : null,
      issuers.length
        ? el('figure', { class: 'trend' }, el('figcaption', { text: 'Theo cơ quan ban hành' }), issuerChart(s, issuers))
        : null,
    ),
    el(
      'details',
      { class: 'trend-numbers' },
      el('summary', { text: 'Xem bảng số liệu' }),
      years.length ? numbersTable('Điều khoản khớp theo năm', 'Năm', sortedYears) : null,
      issuers.length ? numbersTable('Điều khoản khớp theo cơ quan ban hành', 'Cơ quan ban hành', issuers) : null,
    ),
  );
  box.hidden = false;
}

/** The export's address for the search `s`: its query and every filter, in `format`. */
export function exportUrl(s, format) {
  const p = new URLSearchParams({ format });
  if (s.q) p.set('q', s.q);
  for (const f of FILTERS) if (s[f]) p.set(f, s[f]);
  return `/api/search/export?${p.toString()}`;
}

/** The links that download every result of `s` (with its filters), and what they hold. */
export function renderExportLinks(s, total) {
  const box = $('export-links');
  if (!box) return;
  if (!total) {
    box.hidden = true;
    box.replaceChildren();
    return;
  }
  const cap = limits.max_export_rows;
  const note =
    total > cap
      ? ` (${formatCount(cap)} điều khoản đầu trong ${formatCount(total)})`
      : ` (${formatCount(total)} điều khoản)`;
  box.replaceChildren(
    'Tải kết quả: ',
    el('a', { href: exportUrl(s, 'csv'), download: 'vankien-search.csv', 'data-testid': 'export-csv', text: 'CSV' }),
    ' · ',
    el('a', { href: exportUrl(s, 'jsonl'), download: 'vankien-search.jsonl', 'data-testid': 'export-jsonl', text: 'JSONL' }),
    note,
  );
  box.hidden = false;
}
