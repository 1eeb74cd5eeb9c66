// vankien: the targets page (targets.html). Loads /api/targets with the filters of the form (kept
// in the page's address), fills the filters from the answer's facets, renders the table (sorted by
// clicking a header) and a chart of one indicator across documents as inline SVG. A plain ES
// module: no build step, no CDN.

const FILTERS = ['q', 'indicator', 'doc', 'place', 'year'];
// The most rows the table shows: a collection of thousands of documents holds hundreds of
// thousands of targets (143 MB of JSON at 20,000 documents). The filters and the CSV reach all.
const PAGE_ROWS = 2000;
const SVG = 'http://www.w3.org/2000/svg';

const $ = (id) => document.getElementById(id);
const form = $('filters');
const state = {
  filters: Object.fromEntries(FILTERS.map((f) => [f, ''])),
  rows: [],
  total: 0,
  sort: { key: null, dir: 1 },
  facetsFilled: false,
  request: 0,
};

// ---------------------------------------------------------------------------------------------
// Formatting

const numberFormat = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 3 });

function formatValue(t) {
  const value = t.low === t.high
    ? numberFormat.format(t.low)
    : `${numberFormat.format(t.low)}–${numberFormat.format(t.high)}`;
  const shown = t.unit === 'phần' ? t.value_text : value;
  const change = t.change === 'increase' ? 'tăng ' : t.change === 'decrease' ? 'giảm ' : '';
  const sign = t.comparator === 'top' ? 'nhóm ' : t.comparator === 'eq' ? '' : `${t.comparator_symbol} `;
  const unit = t.unit === 'phần' ? '' : t.unit;
  return `${change}${sign}${shown}${unit && !unit.startsWith('%') ? ' ' : ''}${unit}`.trim();
}

function yearText(t) {
  if (t.year_from && t.year_to) return `${t.year_from}–${t.year_to}`;
  if (t.year_to) return `đến ${t.year_to}`;
  if (t.year_from) return `từ ${t.year_from}`;
  return '';
}

function clauseHref(clauseId) {
  return `/#/clause/${clauseId.split('/').map(encodeURIComponent).join('/')}`;
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v !== null && v !== undefined) node.setAttribute(k, v);
  }
  for (const c of children) node.append(c);
  return node;
}

// ---------------------------------------------------------------------------------------------
// Loading

function params(filters) {
  const p = new URLSearchParams();
  for (const f of FILTERS) if (filters[f]) p.set(f, filters[f]);
  return p;
}

async function fetchTargets(p) {
  const response = await fetch(`/api/targets?${p.toString()}`, { headers: { Accept: 'application/json' } });
  const json = await response.json().catch(() => null);
  if (!response.ok) {
    const message = json && json.message ? json.message : `lỗi ${response.status}`;
    throw new Error(message);
  }
  return json;
}

async function load() {
  const request = ++state.request;
  const p = params(state.filters);
  history.replaceState(null, '', p.toString() ? `/targets?${p}` : '/targets');
  $('csv-link').href = `/api/targets?${new URLSearchParams([...p, ['format', 'csv']])}`;
  let json;
  try {
    json = await fetchTargets(new URLSearchParams([...p, ['limit', String(PAGE_ROWS)]]));
  } catch (err) {
    if (request !== state.request) return;
    showError(`Bộ lọc không hợp lệ hoặc máy chủ không trả lời: ${err.message}`);
    state.rows = [];
    state.total = 0;
    renderTable();
    // The filters are still filled, from every target, so that a wrong value can be changed.
    if (!state.facetsFilled) {
      const all = await fetchTargets(new URLSearchParams({ limit: '1' })).catch(() => null);
      if (all && !state.facetsFilled) {
        fillFacets(all.facets);
        state.facetsFilled = true;
      }
    }
    return;
  }
  if (request !== state.request) return;
  showError('');
  if (!state.facetsFilled) {
    fillFacets(json.facets);
    state.facetsFilled = true;
  }
  state.rows = json.targets;
  state.total = json.total;
  renderTable();
}

function showError(message) {
  const box = $('error');
  box.textContent = message;
  box.hidden = !message;
}

// ---------------------------------------------------------------------------------------------
// Filters

function fillSelect(select, values, selected) {
  for (const v of values) {
    const option = el('option', { value: v.value }, `${v.label} (${v.count})`);
    select.append(option);
  }
  select.value = selected || '';
  // A value from the address that the facets do not hold is kept, for the server to refuse.
  if (selected && select.value !== selected) {
    select.append(el('option', { value: selected }, selected));
    select.value = selected;
  }
}

function fillFacets(facets) {
  fillSelect($('f-indicator'), facets.indicators, state.filters.indicator);
  fillSelect($('f-doc'), facets.documents, state.filters.doc);
  fillSelect($('f-place'), facets.places, state.filters.place);
  fillSelect($('f-year'), facets.years, state.filters.year);
  fillSelect($('chart-indicator'), facets.indicators.filter((i) => i.value !== 'none'), '');
}

function readForm() {
  for (const f of FILTERS) state.filters[f] = form.elements[f].value.trim();
}

let typing = null;
form.addEventListener('input', (event) => {
  if (event.target.name !== 'q') return;
  clearTimeout(typing);
  typing = setTimeout(() => {
    readForm();
    load();
  }, 200);
});
form.addEventListener('change', (event) => {
  if (event.target.tagName !== 'SELECT') return;
  readForm();
  if (event.target.name === 'indicator' && state.filters.indicator && state.filters.indicator !== 'none') {
    $('chart-indicator').value = state.filters.indicator;
    drawChart(state.filters.indicator);
  }
  load();
});
form.addEventListener('submit', (event) => event.preventDefault());
form.addEventListener('reset', () => {
  setTimeout(() => {
    readForm();
    load();
  });
});

// ---------------------------------------------------------------------------------------------
// Table

const SORTS = {
  indicator: (t) => (t.indicator_name || t.indicator_text || '').toLocaleLowerCase('vi'),
  value: (t) => t.low,
  year: (t) => t.year_to ?? Number.MAX_SAFE_INTEGER,
  doc: (t) => (t.doc_number || t.doc_id).toLocaleLowerCase('vi'),
  place: (t) => (t.place || '').toLocaleLowerCase('vi'),
};

function sortedRows() {
  const { key, dir } = state.sort;
  if (!key) return state.rows;
  const by = SORTS[key];
  return [...state.rows].sort((a, b) => {
    const x = by(a);
    const y = by(b);
    const c = typeof x === 'number' ? x - y : String(x).localeCompare(String(y), 'vi');
    return c * dir;
  });
}

function renderRow(t) {
  const name = el('div', { class: 'name' }, t.indicator_name || t.indicator_text || '—');
  const cell = el('td', {}, name);
  if (t.indicator_name && t.indicator_text) {
    cell.append(el('div', { class: 'written' }, `Văn kiện ghi: ${t.indicator_text}`));
  }
  if (t.indicator) cell.append(el('div', { class: 'key' }, t.indicator));
  const link = el('a', { href: clauseHref(t.clause_id), title: t.statement }, t.doc_number || t.doc_id);
  return el(
    'tr',
    { 'data-testid': 'target-row', 'data-indicator': t.indicator || 'none' },
    cell,
    el('td', { class: 'value', 'data-testid': 'target-value' }, formatValue(t)),
    el('td', { 'data-testid': 'target-year' }, yearText(t)),
    el('td', {}, link),
    el('td', {}, t.place || ''),
  );
}

function renderTable() {
  const rows = sortedRows();
  $('rows').replaceChildren(...rows.map(renderRow));
  const count = new Intl.NumberFormat('vi-VN');
  const cut = state.total > rows.length;
  $('count').textContent = cut
    ? `${count.format(rows.length)} / ${count.format(state.total)}`
    : String(rows.length);
  const note = $('cut-note');
  note.hidden = !cut;
  note.textContent = cut
    ? `Bảng hiện ${count.format(rows.length)} chỉ tiêu đầu tiên (theo văn kiện) trong ${count.format(state.total)}: `
      + 'thu hẹp bộ lọc, hoặc tải tệp CSV để có đủ. Sắp xếp theo cột chỉ áp dụng cho các dòng đang hiện.'
    : '';
  $('empty').hidden = rows.length > 0;
  for (const th of document.querySelectorAll('th[aria-sort]')) {
    const key = th.querySelector('button').dataset.sort;
    const sorted = state.sort.key === key;
    th.setAttribute('aria-sort', !sorted ? 'none' : state.sort.dir > 0 ? 'ascending' : 'descending');
  }
}

document.querySelector('table.targets thead').addEventListener('click', (event) => {
  const button = event.target.closest('button[data-sort]');
  if (!button) return;
  const key = button.dataset.sort;
  state.sort = { key, dir: state.sort.key === key ? -state.sort.dir : 1 };
  renderTable();
});

// ---------------------------------------------------------------------------------------------
// Chart: one indicator across documents, a bar a target (a band for a range).

function svg(tag, attrs = {}, text = null) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== null) node.textContent = text;
  return node;
}

function niceMax(v) {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

async function drawChart(key) {
  const box = $('chart');
  const note = $('chart-note');
  if (!key) {
    box.replaceChildren();
    note.textContent = 'Chọn một chỉ số để xem giá trị mục tiêu của nó ở từng văn kiện.';
    return;
  }
  let json;
  try {
    json = await fetchTargets(new URLSearchParams({ indicator: key }));
  } catch (err) {
    note.textContent = `Không vẽ được biểu đồ: ${err.message}`;
    return;
  }
  // Values are comparable only in one unit: the unit most targets use.
  const units = new Map();
  for (const t of json.targets) units.set(t.unit, (units.get(t.unit) || 0) + 1);
  const unit = [...units.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
  const points = json.targets
    .filter((t) => t.unit === unit)
    .sort((a, b) => (a.year_to ?? 0) - (b.year_to ?? 0) || (a.doc_date || '').localeCompare(b.doc_date || ''));
  const name = json.targets[0]?.indicator_name || key;
  const others = json.targets.length - points.length;
  note.textContent = `${name}: ${points.length} chỉ tiêu${unit ? ` (đơn vị ${unit})` : ''}`
    + (others ? `; ${others} chỉ tiêu khác đơn vị không vẽ` : '') + '.';
  box.replaceChildren(chartSvg(points, name, unit));
}

function chartSvg(points, name, unit) {
  const slot = 96;
  const [left, right, top, bottom] = [52, 16, 28, 58];
  const width = Math.max(480, left + right + slot * points.length);
  const height = 300;
  const plot = height - top - bottom;
  const max = niceMax(Math.max(...points.map((p) => p.high), 0));
  const y = (v) => top + plot - (v / max) * plot;
  const root = svg('svg', {
    viewBox: `0 0 ${width} ${height}`, width, height, role: 'img',
    'aria-label': `Biểu đồ ${name} qua các văn kiện`, 'data-testid': 'chart-svg',
  });
  root.append(svg('title', {}, `${name}${unit ? ` (${unit})` : ''}`));
  for (let i = 0; i <= 4; i += 1) {
    const v = (max / 4) * i;
    root.append(svg('line', { class: 'grid', x1: left, x2: width - right, y1: y(v), y2: y(v) }));
    root.append(svg('text', { class: 'tick', x: left - 6, y: y(v) + 4 }, numberFormat.format(v)));
  }
  root.append(svg('line', { class: 'axis', x1: left, x2: left, y1: top, y2: top + plot }));
  root.append(svg('line', { class: 'axis', x1: left, x2: width - right, y1: top + plot, y2: top + plot }));
  points.forEach((p, i) => {
    const x = left + slot * i + slot / 2;
    const group = svg('g', { 'data-testid': 'chart-point' });
    group.append(svg('title', {}, `${p.doc_number || p.doc_id} — ${p.statement}`));
    if (p.low !== p.high) {
      group.append(svg('rect', { class: 'range', x: x - 18, width: 36, y: y(p.high), height: Math.max(1, y(p.low) - y(p.high)) }));
    } else {
      group.append(svg('rect', { class: 'bar', x: x - 18, width: 36, y: y(p.high), height: Math.max(1, top + plot - y(p.high)) }));
    }
    group.append(svg('text', { class: 'value', x, y: y(p.high) - 6 }, formatValue(p)));
    group.append(svg('text', { class: 'label', x, y: top + plot + 16 }, p.doc_number || p.doc_id));
    group.append(svg('text', { class: 'label', x, y: top + plot + 31 }, yearText(p)));
    if (p.place) group.append(svg('text', { class: 'label', x, y: top + plot + 46 }, p.place));
    root.append(group);
  });
  return root;
}

$('chart-indicator').addEventListener('change', (event) => drawChart(event.target.value));

// ---------------------------------------------------------------------------------------------
// Start: the filters from the address.

const start = new URLSearchParams(location.search);
for (const f of FILTERS) {
  state.filters[f] = start.get(f) || '';
  if (form.elements[f].tagName === 'INPUT') form.elements[f].value = state.filters[f];
}
load().then(() => {
  const key = state.filters.indicator;
  if (key && key !== 'none') {
    $('chart-indicator').value = key;
    drawChart(key);
  }
});
