// vankien page: the search view (search as you type, results, facets as filters, paging).

import { BUSY_RETRIES, api, clauseHash, docHash, errorText, limits } from './api.js';
import { FILTERS, navigate, parseRoute, searchHash } from './router.js';
import { loadSectors, sectorIds, sectorList, sectorName } from './sectors.js';
import { renderExportLinks, renderTrends } from './trends.js';
import { $, el, formatCount, formatDate, setSnippet } from './util.js';

/** Clauses on one page of a search inside one document. */
const LIMIT = 20;
/** Documents on one page of a search grouped by document. */
const GROUPS = 10;
/** Typing pause before a search request is sent, in milliseconds. */
const DEBOUNCE_MS = 200;

// ---------------------------------------------------------------------------------------------
// Search.

export let currentSearch = { q: '', doc: '', kind: '', sector: '', assignee: '', issuer: '', year: '', offset: 0 };
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
  const keep = onSearch ? currentSearch : {};
  if (!q.trim() && !FILTERS.some((f) => keep[f])) {
    if (onSearch) navigate('#/', { replace: true });
    return;
  }
  navigate(searchHash({ ...keep, q, offset: 0 }), { replace: onSearch });
}

/**
 * Whether a search is grouped by document: always, except inside one document, where its
 * clauses are listed one by one.
 */
const grouped = (s) => !s.doc;

/** Results on one page of `s`: documents when grouped, else clauses. */
export const pageSize = (s) => (grouped(s) ? GROUPS : LIMIT);

export async function showSearch(s) {
  currentSearch = s;
  const input = $('q');
  if (input.value !== s.q && document.activeElement !== input) input.value = s.q;
  if (searchController) searchController.abort();
  const controller = new AbortController();
  searchController = controller;

  const limit = pageSize(s);
  // The first request asks for the page alone, so that it comes back at once: no facets, and
  // a total that may be a lower bound past 10,000. The second asks for the counts alone (the
  // facets, the exact total, the number of documents) and fills them in when they come.
  const params = new URLSearchParams({ limit: String(limit), offset: String(s.offset), facets: 'false' });
  if (s.q) params.set('q', s.q);
  if (grouped(s)) params.set('group', 'true');
  for (const f of FILTERS) if (s[f]) params.set(f, s[f]);
  const counts = new URLSearchParams(params);
  counts.set('facets', 'true');
  counts.set('exact_total', 'true');
  counts.set('counts_only', 'true');
  $('results').setAttribute('aria-busy', 'true');
  const status = $('result-status');
  status.textContent = 'Đang tìm…';
  status.classList.remove('is-error');
  delete status.dataset.busy;
  filtersBox().setAttribute('data-facets', 'pending');
  // The server refused the search as too busy: say so while the request waits to be sent again.
  const onBusy = (seconds, attempt) => {
    if (controller !== searchController) return;
    status.dataset.busy = String(attempt);
    status.textContent = `Máy chủ đang bận; tự tìm lại sau ${seconds} giây (lần ${attempt}/${BUSY_RETRIES})…`;
  };
  try {
    const [data] = await Promise.all([
      api('GET', `/api/search?${params.toString()}`, { signal: controller.signal, onBusy }),
      loadSectors().catch(() => []),
    ]);
    if (controller !== searchController) return;
    const page = data || {};
    delete status.dataset.busy;
    renderResults(s, page, limit);
    $('results').removeAttribute('aria-busy');
    try {
      const more = await api('GET', `/api/search?${counts.toString()}`, { signal: controller.signal });
      if (controller !== searchController) return;
      renderCounts(s, page, more || {}, limit);
    } catch (err) {
      // The page is shown: without its counts, it keeps the first answer's.
      if (err && err.name === 'AbortError') return;
      if (controller === searchController) filtersBox().setAttribute('data-facets', 'failed');
    }
  } catch (err) {
    if (err && err.name === 'AbortError') return;
    if (controller !== searchController) return;
    $('results').replaceChildren();
    $('doc-cards').hidden = true;
    $('pager').hidden = true;
    renderFacets(s, {});
    renderTrends(s, {}, 0);
    renderExportLinks(s, 0);
    delete status.dataset.busy;
    status.textContent = errorText(err);
    status.classList.add('is-error');
    if (err.status === 503 || err.status === 0) {
      // A refusal of the moment: one click asks again, without retyping.
      const again = el('button', {
        type: 'button',
        class: 'btn-link',
        'data-testid': 'search-again',
        text: 'Tìm lại',
        onclick: () => showSearch(currentSearch),
      });
      status.append(' ', again);
    }
  } finally {
    if (controller === searchController) $('results').removeAttribute('aria-busy');
  }
}

/**
 * A count as the status says it: `hơn 10.000` when the server gave a lower bound (it stops
 * counting past 10,000 matches unless asked for the exact total), else the number.
 */
function countText(n, exact) {
  return exact === false ? `hơn ${formatCount(n)}` : formatCount(n);
}

/** The filters' box: its `data-facets` says whether the facets of the search shown came. */
const filtersBox = () => document.querySelector('[data-testid="filters"]');

function statusText(s, data, total) {
  const what = s.q ? `cho “${s.q}”` : 'với bộ lọc này';
  if (total === 0) {
    const filtered = FILTERS.some((f) => s[f]);
    return `Không tìm thấy kết quả nào ${what}.${filtered ? ' Thử bỏ bớt bộ lọc.' : ' Thử từ khác hoặc bớt từ.'}`;
  }
  const exact = data.total_exact;
  const inDocs = data.groups
    ? ` trong ${countText(Number(data.groups.total) || 0, exact)} văn bản`
    : '';
  if (data.relaxed && Number(data.relaxed.words) > 0) {
    // No clause had every word: the server shows those with the most of them.
    const { matched_words: matched, words } = data.relaxed;
    return `Không có kết quả nào chứa đủ cả ${formatCount(Number(words))} từ; ${countText(
      total,
      exact,
    )} kết quả chứa ${formatCount(Number(matched))} trong số đó${inDocs}.`;
  }
  if (typeof data.prefix === 'string' && data.prefix) {
    // The last word, maybe still being typed, matched as the start of words.
    return `Tìm thấy ${countText(total, exact)} kết quả có từ bắt đầu bằng “${data.prefix}”${inDocs}`;
  }
  return `Tìm thấy ${countText(total, exact)} kết quả${inDocs}`;
}

/** The first answer: the page of results, its status and pager; the facets come after. */
function renderResults(s, data, limit) {
  const status = $('result-status');
  status.classList.remove('is-error');
  renderCards(Array.isArray(data.documents) ? data.documents : []);

  const list = $('results');
  let shown;
  if (data.groups) {
    const groups = Array.isArray(data.groups.groups) ? data.groups.groups : [];
    list.replaceChildren(...groups.map((g) => renderGroup(s, g)));
    shown = groups.length;
  } else {
    const hits = Array.isArray(data.hits) ? data.hits : [];
    list.replaceChildren(...hits.map((h) => renderHit(h, true)));
    shown = hits.length;
  }
  list.start = s.offset + 1;
  list.dataset.shown = String(shown);
  renderStatus(s, data, limit);
}

/**
 * The second answer, the counts: the exact total and number of documents replace the first
 * answer's, and the facets fill the filters and the trend bars.
 */
function renderCounts(s, page, counts, limit) {
  const data = {
    ...page,
    total: counts.total,
    total_exact: counts.total_exact,
    groups: page.groups && counts.groups ? { ...page.groups, total: counts.groups.total } : page.groups,
  };
  renderStatus(s, data, limit);
  const total = Number(data.total) || 0;
  renderFacets(s, counts.facets || {});
  renderTrends(s, counts.facets || {}, total);
  renderExportLinks(s, total);
  filtersBox().setAttribute('data-facets', 'ready');
}

/** The status line and the pager of an answer. */
function renderStatus(s, data, limit) {
  const total = Number(data.total) || 0;
  $('result-status').textContent = statusText(s, data, total);
  const shown = Number($('results').dataset.shown) || 0;
  const count = data.groups ? Number(data.groups.total) || 0 : total;

  const pager = $('pager');
  pager.hidden = count <= limit && s.offset === 0;
  const from = count ? s.offset + 1 : 0;
  const to = Math.min(s.offset + shown, count);
  const unit = data.groups ? 'văn bản' : 'kết quả';
  $('page-info').textContent = `${unit[0].toUpperCase()}${unit.slice(1)} ${formatCount(from)}–${formatCount(to)} trên ${countText(count, data.total_exact)}`;
  $('page-prev').disabled = s.offset === 0;
  // The server refuses to page deeper than its `max_offset`.
  $('page-next').disabled = s.offset + limit >= count || s.offset + limit > limits.max_offset;
}

/** The documents a query names by number, first, each as a card to open it. */
function renderCards(docs) {
  const box = $('doc-cards');
  box.hidden = docs.length === 0;
  box.replaceChildren(
    ...docs.map((d) =>
      el(
        'article',
        { class: 'doc-card', 'data-testid': 'doc-card', 'data-doc-id': d.id },
        el('p', { class: 'doc-card-kind', text: [d.kind_label, d.number].filter(Boolean).join(' ') }),
        el(
          'h2',
          { class: 'doc-card-title' },
          el('a', { href: docHash(d.id), 'data-testid': 'doc-card-link', text: d.short_title || d.title || d.id }),
        ),
        el('p', {
          class: 'doc-card-meta',
          text: [d.issuer, formatDate(d.date), `${formatCount(d.clauses || 0)} điều khoản`].filter(Boolean).join(' · '),
        }),
      ),
    ),
  );
}

/** A document of a grouped search: its short title, its best clauses, and the rest as a link. */
function renderGroup(s, g) {
  const title = el(
    'h2',
    { class: 'group-title' },
    el('span', { class: 'group-kind', text: [g.doc_kind_label, g.doc_number].filter(Boolean).join(' ') }),
    el('a', { href: docHash(g.doc_id), 'data-testid': 'group-doc-link', text: g.short_title || g.doc_id }),
  );
  const hits = Array.isArray(g.hits) ? g.hits : [];
  const more = Number(g.more) || 0;
  return el(
    'li',
    { class: 'result-group', 'data-testid': 'result-group', 'data-doc-id': g.doc_id },
    title,
    el('ol', { class: 'group-hits' }, hits.map((h) => renderHit(h, false))),
    more > 0
      ? el('a', {
          class: 'group-more',
          'data-testid': 'group-more',
          href: searchHash({ ...s, doc: g.doc_id, offset: 0 }),
          text: `Xem thêm ${formatCount(more)} kết quả trong văn bản này`,
        })
      : null,
  );
}

/** A clause outside any section, named by its kind and label: `Nhiệm vụ (3)`, `Đoạn`. */
function clauseName(hit) {
  const kind = String(hit.kind_label || 'điều khoản');
  const label = hit.label && !/^[-+•*–]$/.test(hit.label) ? ` ${hit.label}` : '';
  return `${kind.charAt(0).toLocaleUpperCase('vi')}${kind.slice(1)}${label}`;
}

/** One clause found; `withDoc` puts its document's number and short title above it. */
function renderHit(hit, withDoc) {
  const sectors = sectorIds(hit.sectors);
  const place = sectionPathText(hit.section_path, hit.label);
  const linkText = withDoc
    ? [hit.doc_number, hit.doc_title].filter(Boolean).join(' · ') || hit.doc_id
    : place
      ? place.textContent
      : clauseName(hit);
  const snippet = el('p', { class: 'snippet', 'data-testid': 'result-snippet' });
  setSnippet(snippet, hit.snippet, hit.text);
  const kind = hit.kind ? String(hit.kind) : '';
  return el(
    'li',
    { class: 'result', 'data-testid': 'result-item', 'data-clause-id': hit.clause_id },
    el(
      withDoc ? 'h2' : 'h3',
      { class: 'result-title' },
      el('a', { href: clauseHash(hit.clause_id), 'data-testid': 'result-doc-link', text: linkText }),
    ),
    el(
      'p',
      { class: 'result-meta' },
      kind ? kindBadge(kind, hit.kind_label) : null,
      withDoc ? place : null,
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
    assignee: 'Mọi cơ quan thực hiện',
    year: 'Mọi năm',
  };
  for (const f of FILTERS) {
    const select = document.querySelector(`select[data-filter="${f}"]`);
    if (!select) {
      // A typed filter (the issuer): show what the address holds.
      const input = document.querySelector(`input[data-filter="${f}"]`);
      if (input && document.activeElement !== input) input.value = s[f] || '';
      continue;
    }
    const counts = Array.isArray(facets[f]) ? facets[f] : [];
    const options = [el('option', { value: '', text: labels[f] })];
    if (f === 'sector') {
      options.push(...sectorOptions(counts));
    } else {
      for (const c of counts) {
        options.push(
          el('option', {
            value: String(c.value),
            text: `${c.label || c.value} (${formatCount(Number(c.count) || 0)})`,
          }),
        );
      }
    }
    if (s[f] && !options.some((o) => o.value === s[f])) {
      options.push(el('option', { value: s[f], text: `${s[f]} (0)` }));
    }
    select.replaceChildren(...options);
    select.value = s[f] || '';
    // Every sector can be chosen, to browse it; other filters only list values found.
    select.disabled = f !== 'sector' && counts.length === 0 && !s[f];
  }
  $('filters-clear').hidden = !FILTERS.some((f) => s[f]);
}

/**
 * Every sector of the taxonomy, sub-sectors indented under their parent, with the count of
 * matching clauses tagged with it where there are some: a parent takes in its sub-sectors.
 */
function sectorOptions(counts) {
  const byId = new Map(counts.map((c) => [String(c.value), Number(c.count) || 0]));
  return sectorList.map((sec) =>
    el('option', {
      value: sec.id,
      text: `${'\u00a0\u00a0'.repeat(sec.depth || 0)}${sec.name}${
        byId.has(sec.id) ? ` (${formatCount(byId.get(sec.id))})` : ''
      }`,
    }),
  );
}

export function onFilterChange(event) {
  const f = event.target.getAttribute('data-filter');
  navigate(searchHash({ ...currentSearch, [f]: event.target.value, offset: 0 }));
}
