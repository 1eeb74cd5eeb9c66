// vankien page: two documents side by side (route #/compare?a=…&b=…), from GET /api/compare.
//
// Each row is a task or target of A beside its counterpart in B: kept, reworded (A's words that
// went marked as deleted on the left, B's new words as inserted on the right), new (B only) or
// dropped (A only); then the targets of the same indicator in both, A's value beside B's.
// `fillCompareChoice(select, docId)` fills the document view's "So sánh với…" list. Every string
// enters the page through textContent (el() makes text nodes).

import { api, docHash, errorText } from './api.js';
import { navigate } from './router.js';
import { $, el, formatCount } from './util.js';

/** `#/compare?a=…&b=…`. */
export function compareHash(a, b) {
  const p = new URLSearchParams();
  p.set('a', a);
  p.set('b', b);
  return `#/compare?${p.toString()}`;
}

const STATUS_CLASS = { kept: 'is-kept', reworded: 'is-reworded', new: 'is-new', dropped: 'is-dropped' };
const CHANGE_TEXT = { same: 'không đổi', up: 'tăng', down: 'giảm', unit: 'khác đơn vị' };

let controller = null;

function docName(d) {
  if (!d) return '';
  return [d.number || d.id, d.title].filter(Boolean).join(' — ');
}

/**
 * A's side (equal runs in A's own spelling, and deleted runs) or B's (equal and inserted): the
 * runs carry the text up to the next run, so their concatenation is the clause as written.
 */
function diffSide(diff, keep) {
  const p = el('p', { class: 'compare-text' });
  for (const run of diff) {
    if (run.op !== 'equal' && run.op !== keep) continue;
    const text = String((run.op === 'equal' && keep === 'deleted' ? run.a_text : run.text) || '');
    if (run.op === 'equal') {
      p.append(text);
      continue;
    }
    // The mark covers the words; the space after them stays outside it.
    const words = text.trimEnd();
    p.append(el(run.op === 'deleted' ? 'del' : 'ins', { class: `diff-${run.op}`, 'data-testid': `diff-${run.op}`, text: words }));
    if (words.length < text.length) p.append(text.slice(words.length));
  }
  return p;
}

function clauseCell(side, row, keep) {
  const cell = el('div', { class: 'compare-cell', 'data-testid': keep === 'deleted' ? 'compare-a' : 'compare-b' });
  if (!side) {
    cell.classList.add('is-empty');
    cell.append(el('p', { class: 'compare-none', text: keep === 'deleted' ? '(không có trong văn bản A)' : '(không có trong văn bản B)' }));
    return cell;
  }
  const place = [...(Array.isArray(side.section_path) ? side.section_path : []), side.label].filter(Boolean).join(' › ');
  const link = el('a', { class: 'compare-place', href: `#/clause/${String(side.id).split('/').map(encodeURIComponent).join('/')}`, text: place || side.id });
  cell.append(link);
  if (row.status === 'reworded' && Array.isArray(row.diff) && row.diff.length) cell.append(diffSide(row.diff, keep));
  else cell.append(el('p', { class: 'compare-text', text: String(side.text || '') }));
  return cell;
}

function renderComparison(body) {
  const labels = Object.fromEntries(Array.isArray(body.status_labels) ? body.status_labels : []);
  const c = body.counts || {};
  $('compare-a-name').textContent = docName(body.a);
  $('compare-a-name').href = docHash(body.a.id);
  $('compare-b-name').textContent = docName(body.b);
  $('compare-b-name').href = docHash(body.b.id);
  $('compare-summary').textContent = ['kept', 'reworded', 'new', 'dropped']
    .map((k) => `${labels[k] || k}: ${formatCount(c[k] || 0)}`)
    .join(' · ');
  const rows = (Array.isArray(body.rows) ? body.rows : []).map((row) =>
    el(
      'div',
      { class: `compare-row ${STATUS_CLASS[row.status] || ''}`, 'data-testid': 'compare-row', 'data-status': row.status },
      el('span', { class: 'compare-status', 'data-testid': 'compare-status', text: labels[row.status] || row.status }),
      clauseCell(row.a, row, 'deleted'),
      clauseCell(row.b, row, 'inserted'),
    ),
  );
  $('compare-rows').replaceChildren(...rows);
  const targets = Array.isArray(body.targets) ? body.targets : [];
  $('compare-targets').hidden = targets.length === 0;
  $('compare-targets-body').replaceChildren(
    ...targets.map((t) =>
      el(
        'tr',
        { 'data-testid': 'compare-target', 'data-change': t.change },
        el('td', { text: String(t.indicator_name || '') }),
        el('td', { text: `${t.a.comparator} ${t.a.value_text}` }),
        el('td', { text: `${t.b.comparator} ${t.b.value_text}` }),
        el('td', { class: `change-${t.change}`, text: CHANGE_TEXT[t.change] || t.change }),
      ),
    ),
  );
}

/** Shows the comparison of documents `a` and `b` (ids or numbers). */
export async function showCompare(a, b) {
  if (controller) controller.abort();
  const mine = new AbortController();
  controller = mine;
  const status = $('compare-status');
  status.classList.remove('is-error');
  $('compare-rows').replaceChildren();
  $('compare-targets').hidden = true;
  $('compare-summary').textContent = '';
  for (const id of ['compare-a-name', 'compare-b-name']) $(id).textContent = '';
  if (!a || !b) {
    status.textContent = 'Chọn hai văn bản để so sánh: mở một văn bản và chọn “So sánh với…”.';
    status.classList.add('is-error');
    return;
  }
  status.textContent = 'Đang so sánh…';
  try {
    const q = new URLSearchParams({ a, b });
    const body = await api('GET', `/api/compare?${q.toString()}`, { signal: mine.signal });
    if (mine !== controller) return;
    renderComparison(body || {});
    status.textContent = '';
  } catch (err) {
    if (err && err.name === 'AbortError') return;
    if (mine !== controller) return;
    status.textContent = errorText(err);
    status.classList.add('is-error');
  }
}

/** Fills the document view's "So sánh với…" list with the other documents of the index. */
export async function fillCompareChoice(select, docId) {
  select.replaceChildren(el('option', { value: '', text: 'So sánh với…' }));
  select.onchange = () => {
    if (select.value) navigate(compareHash(docId, select.value));
  };
  try {
    const body = await api('GET', '/api/documents');
    const docs = Array.isArray(body) ? body : (body && body.documents) || [];
    select.append(
      ...docs
        .filter((d) => d.id !== docId)
        .map((d) => el('option', { value: d.id, text: [d.number, d.title].filter(Boolean).join(' — ').slice(0, 120) || d.id })),
    );
  } catch {
    // A nicety: the document stays readable without the list.
  }
}
