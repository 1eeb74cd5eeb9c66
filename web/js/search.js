// vankien page: the search view (search as you type, results, facets as filters, paging).

import { api, clauseHash, errorText, limits } from './api.js';
import { FILTERS, navigate, parseRoute, searchHash } from './router.js';
import { loadSectors, sectorById, sectorIds, sectorName } from './sectors.js';
import { $, el, formatCount, setSnippet } from './util.js';

/** Results on one page of search results. */
export const LIMIT = 20;
/** Typing pause before a search request is sent, in milliseconds. */
const DEBOUNCE_MS = 200;

// ---------------------------------------------------------------------------------------------
// Search.

export let currentSearch = { q: '', doc: '', kind: '', sector: '', year: '', offset: 0 };
let searchController = null;
let debounceTimer = 0;

export function cancelSearch() {
  clearTimeout(debounceTimer);
  if (searchController) searchController.abort();
  searchController = null;
  $('results').removeAttribute('aria-busy');
}

/** Called as the user types: search after a short pause, replacing the history entry. */
export function onSearchInput() {
  clearTimeout(debounceTimer);
  debounceTimer = setTimeout(searchFromInput, DEBOUNCE_MS);
}

export function searchFromInput() {
  clearTimeout(debounceTimer);
  const q = $('q').value;
  const onSearch = parseRoute().view === 'search';
  if (!q.trim()) {
    if (onSearch) navigate('#/', { replace: true });
    return;
  }
  const keep = onSearch ? currentSearch : { doc: '', kind: '', sector: '', year: '' };
  navigate(searchHash({ ...keep, q, offset: 0 }), { replace: onSearch });
}

export async function showSearch(s) {
  currentSearch = s;
  const input = $('q');
  if (input.value !== s.q && document.activeElement !== input) input.value = s.q;
  if (searchController) searchController.abort();
  const controller = new AbortController();
  searchController = controller;

  const params = new URLSearchParams({ q: s.q, limit: String(LIMIT), offset: String(s.offset) });
  for (const f of FILTERS) if (s[f]) params.set(f, s[f]);
  $('results').setAttribute('aria-busy', 'true');
  $('result-status').textContent = 'Đang tìm…';
  try {
    const [data] = await Promise.all([
      api('GET', `/api/search?${params.toString()}`, { signal: controller.signal }),
      loadSectors().catch(() => []),
    ]);
    if (controller !== searchController) return;
    renderResults(s, data || {});
  } catch (err) {
    if (err && err.name === 'AbortError') return;
    if (controller !== searchController) return;
    $('results').replaceChildren();
    $('pager').hidden = true;
    renderFacets(s, {});
    $('result-status').textContent = errorText(err);
    $('result-status').classList.add('is-error');
  } finally {
    if (controller === searchController) $('results').removeAttribute('aria-busy');
  }
}

function renderResults(s, data) {
  const total = Number(data.total) || 0;
  const hits = Array.isArray(data.hits) ? data.hits : [];
  const status = $('result-status');
  status.classList.remove('is-error');
  if (total === 0) {
    const filtered = FILTERS.some((f) => s[f]);
    status.textContent = `Không tìm thấy kết quả nào cho “${s.q}”.${
      filtered ? ' Thử bỏ bớt bộ lọc.' : ' Thử từ khác hoặc bớt từ.'
    }`;
  } else if (data.relaxed && Number(data.relaxed.words) > 0) {
    // No clause had every word: the server shows those with the most of them.
    const { matched_words: matched, words } = data.relaxed;
    status.textContent = `Không có kết quả nào chứa đủ cả ${formatCount(Number(words))} từ; ${formatCount(
      total,
    )} kết quả chứa ${formatCount(Number(matched))} trong số đó.`;
  } else if (typeof data.prefix === 'string' && data.prefix) {
    // The last word, maybe still being typed, matched as the start of words.
    status.textContent = `Tìm thấy ${formatCount(total)} kết quả có từ bắt đầu bằng “${data.prefix}”`;
  } else {
    status.textContent = `Tìm thấy ${formatCount(total)} kết quả`;
  }

  const list = $('results');
  list.replaceChildren(...hits.map(renderHit));
  list.start = s.offset + 1;

  renderFacets(s, data.facets || {});

  const pager = $('pager');
  pager.hidden = total <= LIMIT && s.offset === 0;
  const from = total ? s.offset + 1 : 0;
  const to = Math.min(s.offset + hits.length, total);
  $('page-info').textContent = `Kết quả ${formatCount(from)}–${formatCount(to)} trên ${formatCount(total)}`;
  $('page-prev').disabled = s.offset === 0;
  // The server refuses to page deeper than its `max_offset`.
  $('page-next').disabled = s.offset + LIMIT >= total || s.offset + LIMIT > limits.max_offset;
}

function renderHit(hit) {
  const sectors = sectorIds(hit.sectors);
  const title = [hit.doc_number, hit.doc_title].filter(Boolean).join(' · ') || hit.doc_id;
  const snippet = el('p', { class: 'snippet', 'data-testid': 'result-snippet' });
  setSnippet(snippet, hit.snippet, hit.text);
  const kind = hit.kind ? String(hit.kind) : '';
  return el(
    'li',
    { class: 'result', 'data-testid': 'result-item', 'data-clause-id': hit.clause_id },
    el(
      'h2',
      { class: 'result-title' },
      el('a', { href: clauseHash(hit.clause_id), 'data-testid': 'result-doc-link', text: title }),
    ),
    el(
      'p',
      { class: 'result-meta' },
      kind ? kindBadge(kind, hit.kind_label) : null,
      sectionPathText(hit.section_path, hit.label),
      hit.group ? el('span', { class: 'group', text: hit.group }) : null,
    ),
    snippet,
    sectors.length
      ? el(
          'ul',
          { class: 'chips', 'aria-label': 'Lĩnh vực đã gắn' },
          sectors.map((id) =>
            el(
              'li',
              { class: 'chip', 'data-testid': 'result-sector-chip', 'data-sector-id': id },
              sectorName(id),
            ),
          ),
        )
      : null,
  );
}

export function kindBadge(kind, label) {
  return el('span', {
    class: `badge badge-${kind.replace(/[^a-z_]/g, '')}`,
    'data-testid': 'kind-badge',
    text: label || kind,
  });
}

/** `Mục A › II › 3` and the item's own label (`(5)`, `a)`), bullets left out. */
export function sectionPathText(path, label) {
  const parts = Array.isArray(path) ? path.map(String) : [];
  const item = label && !/^[-+•*–]$/.test(label) ? label : '';
  const text = [parts.length ? `Mục ${parts.join(' › ')}` : '', item].filter(Boolean).join(' · ');
  return text ? el('span', { class: 'path', text }) : null;
}

function renderFacets(s, facets) {
  const labels = {
    doc: 'Mọi văn bản',
    kind: 'Mọi loại',
    sector: 'Mọi lĩnh vực',
    year: 'Mọi năm',
  };
  for (const f of FILTERS) {
    const select = document.querySelector(`select[data-filter="${f}"]`);
    const counts = Array.isArray(facets[f]) ? facets[f] : [];
    const label = (v, l) => {
      if (f === 'sector') return sectorById.has(v) ? sectorName(v) : l || v;
      return l || v;
    };
    const options = [el('option', { value: '', text: labels[f] })];
    let selectedShown = false;
    for (const c of counts) {
      const value = String(c.value);
      if (value === s[f]) selectedShown = true;
      options.push(
        el('option', {
          value,
          text: `${label(value, c.label)} (${formatCount(Number(c.count) || 0)})`,
        }),
      );
    }
    if (s[f] && !selectedShown) {
      options.push(el('option', { value: s[f], text: `${label(s[f], '')} (0)` }));
    }
    select.replaceChildren(...options);
    select.value = s[f] || '';
    select.disabled = counts.length === 0 && !s[f];
  }
  $('filters-clear').hidden = !FILTERS.some((f) => s[f]);
}

export function onFilterChange(event) {
  const f = event.target.getAttribute('data-filter');
  navigate(searchHash({ ...currentSearch, [f]: event.target.value, offset: 0 }));
}
