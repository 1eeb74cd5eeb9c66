// vankien web page: search as you type, read documents in their structure, tag clauses by sector.
//
// Plain JavaScript without a build step. Document text is data: it is only ever put into the page
// with textContent. The one exception is the search snippet, which the server escapes and marks
// with <mark>; it is inserted as HTML only after checking that it holds nothing but text and marks.
'use strict';

(() => {
  /** Results on one page of search results. */
  const LIMIT = 20;
  /** Typing pause before a search request is sent, in milliseconds. */
  const DEBOUNCE_MS = 200;
  /**
   * The server's limits, as `GET /api/limits` publishes them once the page starts; these
   * defaults (the server's own) hold until then.
   */
  const limits = { max_query_chars: 1000, max_words: 64, max_limit: 100, max_offset: 10000 };
  /** Where the annotator's API token lives between visits. */
  const TOKEN_KEY = 'vankien.token';

  // Labels of clause and document kinds come with every answer (`kind_label`, facet labels):
  // the server makes them in one place, the page keeps no table of its own.

  /** `tr. 3` or `tr. 3–4`: the pages of a clause, where its source has pages. */
  function pagesText(pages) {
    if (!Array.isArray(pages) || pages.length !== 2) return '';
    return pages[0] === pages[1] ? `tr. ${pages[0]}` : `tr. ${pages[0]}–${pages[1]}`;
  }

  const $ = (id) => document.getElementById(id);

  // ---------------------------------------------------------------------------------------------
  // Small DOM helpers. Strings become text nodes, never HTML.

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === 'class') node.className = value;
      else if (key === 'text') node.textContent = value;
      else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? '' : String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(typeof child === 'string' ? document.createTextNode(child) : child);
    }
    return node;
  }

  /** Folds Vietnamese for matching: no tone or vowel marks, đ as d, lower case. */
  function fold(s) {
    return String(s)
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/đ/g, 'd')
      .replace(/Đ/g, 'D')
      .toLowerCase()
      .replace(/\s+/g, ' ')
      .trim();
  }

  /** Formats an ISO date (`2020-10-15`) the Vietnamese way (`15/10/2020`). */
  function formatDate(iso) {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || '');
    return m ? `${m[3]}/${m[2]}/${m[1]}` : iso || '';
  }

  /** Formats an RFC 3339 time as local `28/11/2026 lúc 10:41`. */
  function formatTime(rfc3339) {
    const d = new Date(rfc3339);
    if (Number.isNaN(d.getTime())) return rfc3339 || '';
    const two = (n) => String(n).padStart(2, '0');
    return `${two(d.getDate())}/${two(d.getMonth() + 1)}/${d.getFullYear()} lúc ${two(d.getHours())}:${two(d.getMinutes())}`;
  }

  function formatCount(n) {
    return new Intl.NumberFormat('vi-VN').format(n);
  }

  // A snippet may contain only escaped text and <mark>…</mark>; anything else is shown as text.
  const SAFE_SNIPPET = /^(?:[^<>]|<mark>|<\/mark>)*$/;

  function setSnippet(node, snippet, fallback) {
    if (typeof snippet === 'string' && snippet && SAFE_SNIPPET.test(snippet)) {
      const tpl = document.createElement('template');
      tpl.innerHTML = snippet;
      const onlyTextAndMarks = [...tpl.content.childNodes].every(
        (n) =>
          n.nodeType === Node.TEXT_NODE ||
          (n.nodeName === 'MARK' && [...n.childNodes].every((c) => c.nodeType === Node.TEXT_NODE)),
      );
      if (onlyTextAndMarks) {
        node.replaceChildren(tpl.content);
        return;
      }
    }
    node.textContent = fallback || '';
  }

  // ---------------------------------------------------------------------------------------------
  // The HTTP API.

  /** Clause ids contain `/`: each path segment is encoded, the separators are kept. */
  const encodeSegments = (id) => String(id).split('/').map(encodeURIComponent).join('/');
  const clauseUrl = (id) => `/api/clauses/${encodeSegments(id)}`;
  const clauseSectorUrl = (id, sector) => `${clauseUrl(id)}/sectors/${encodeURIComponent(sector)}`;
  const documentUrl = (id) => `/api/documents/${encodeURIComponent(id)}`;
  const clauseHash = (id) => `#/clause/${encodeSegments(id)}`;
  const docHash = (id) => `#/doc/${encodeURIComponent(id)}`;

  class ApiError extends Error {
    constructor(status, code, message, retryAfter) {
      super(message || code || `HTTP ${status}`);
      this.name = 'ApiError';
      this.status = status;
      this.code = code || '';
      this.retryAfter = retryAfter || '';
    }
  }

  async function api(method, path, { signal, auth } = {}) {
    const headers = { Accept: 'application/json' };
    if (auth) {
      const token = getToken();
      if (!token) throw new ApiError(401, 'no_token', '');
      headers.Authorization = `Bearer ${token}`;
    }
    let res;
    try {
      res = await fetch(path, { method, headers, signal, cache: 'no-store' });
    } catch (err) {
      if (err && err.name === 'AbortError') throw err;
      throw new ApiError(0, 'network', String(err));
    }
    const text = await res.text();
    let body = null;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        body = null;
      }
    }
    if (!res.ok) {
      throw new ApiError(
        res.status,
        body && body.code,
        body && body.message,
        res.headers.get('Retry-After'),
      );
    }
    return body;
  }

  /** The Vietnamese sentence for each code of a refused query; others show the server's message. */
  const QUERY_ERRORS = {
    query_too_long: () => `Câu tìm kiếm quá dài: tối đa ${limits.max_query_chars} ký tự. Hãy rút gọn.`,
    query_too_many_words: () => `Câu tìm kiếm có quá nhiều từ: tối đa ${limits.max_words} từ.`,
    query_unbalanced_quote: () => 'Thiếu dấu ngoặc kép đóng: một cụm từ cần cả dấu " mở và dấu " đóng.',
    query_control_character: () => 'Câu tìm kiếm có ký tự điều khiển. Hãy xoá ký tự lạ.',
    query_empty: () => 'Hãy gõ một từ, một "cụm từ" hoặc số hiệu văn kiện.',
    query_offset_too_deep: () =>
      `Không xem được quá ${limits.max_offset} kết quả đầu. Hãy thêm từ hoặc bộ lọc để thu hẹp.`,
    query_empty_year_range: () => 'Khoảng năm trống: năm bắt đầu ở sau năm kết thúc.',
  };

  /** Reads the server's limits once, and applies them to the search box. */
  async function loadLimits() {
    const got = await api('GET', '/api/limits');
    for (const key of Object.keys(limits)) {
      if (Number.isInteger(got[key]) && got[key] > 0) limits[key] = got[key];
    }
    $('q').maxLength = limits.max_query_chars;
  }

  /** The Vietnamese sentence for an error from the API. */
  function errorText(err) {
    if (!(err instanceof ApiError)) return 'Đã xảy ra lỗi không mong muốn trên trang.';
    if (err.code === 'no_token') return 'Cần đăng nhập bằng mã truy cập trước khi gắn lĩnh vực.';
    switch (err.status) {
      case 0:
        return 'Không kết nối được với máy chủ. Kiểm tra máy chủ vankien còn chạy không.';
      case 400:
        if (QUERY_ERRORS[err.code]) return QUERY_ERRORS[err.code]();
        // The server's own message says what it refused (in English).
        return err.message && err.message !== err.code
          ? `Yêu cầu không hợp lệ: ${err.message}`
          : 'Yêu cầu không hợp lệ. Hãy bỏ bớt ký tự đặc biệt hoặc bộ lọc lạ trong địa chỉ trang.';
      case 401:
        return 'Mã truy cập không hợp lệ hoặc đã bị thu hồi. Hãy đăng nhập lại bằng mã truy cập mới.';
      case 403:
        return 'Tài khoản này không có quyền thực hiện thao tác này.';
      case 404:
        return 'Không tìm thấy nội dung được yêu cầu (có thể văn kiện đã thay đổi).';
      case 408:
        return 'Máy chủ xử lý quá lâu. Vui lòng thử lại.';
      case 413:
        return 'Yêu cầu quá lớn.';
      case 414:
      case 431:
        return 'Câu tìm kiếm quá dài. Hãy rút gọn.';
      case 429:
      case 503: {
        if (err.code === 'timeout') return 'Máy chủ xử lý quá lâu. Vui lòng thử lại.';
        const wait = Number.parseInt(err.retryAfter, 10);
        const hint = Number.isFinite(wait) ? ` sau ${wait} giây` : ' sau ít phút';
        return `Máy chủ đang bận. Vui lòng thử lại${hint}.`;
      }
      default:
        return err.status >= 500
          ? `Máy chủ gặp lỗi (mã ${err.status}). Vui lòng thử lại sau.`
          : `Yêu cầu bị từ chối (mã ${err.status}).`;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Sectors: loaded once, shared by results, documents and the picker.

  /** Sector id → { id, name, parent }. */
  const sectorById = new Map();
  /** Sectors in display order, sub-sectors after their parent. */
  let sectorList = [];
  let sectorsLoading = null;

  function loadSectors() {
    if (!sectorsLoading) {
      sectorsLoading = api('GET', '/api/sectors')
        .then((body) => {
          const raw = Array.isArray(body) ? body : (body && body.sectors) || [];
          const all = raw.map((s) => ({
            id: String(s.id),
            name: String(s.name || s.id),
            parent: s.parent ? String(s.parent) : null,
          }));
          sectorById.clear();
          for (const s of all) sectorById.set(s.id, s);
          const ordered = [];
          const placed = new Set();
          const place = (s, depth) => {
            if (placed.has(s.id)) return;
            placed.add(s.id);
            ordered.push({ ...s, depth });
            for (const c of all) if (c.parent === s.id) place(c, depth + 1);
          };
          for (const s of all) if (!s.parent || !sectorById.has(s.parent)) place(s, 0);
          for (const s of all) place(s, 0);
          sectorList = ordered;
          return sectorList;
        })
        .catch((err) => {
          sectorsLoading = null;
          throw err;
        });
    }
    return sectorsLoading;
  }

  function sectorName(id) {
    const s = sectorById.get(id);
    return s ? s.name : id;
  }

  /** The sector ids of a clause or hit, whichever shape the server sends. */
  function sectorIds(list) {
    if (!Array.isArray(list)) return [];
    return list
      .map((s) => (typeof s === 'string' ? s : s && (s.id || s.sector_id || s.sector)))
      .filter(Boolean)
      .map(String);
  }

  // ---------------------------------------------------------------------------------------------
  // The token of an annotator.

  function getToken() {
    try {
      return localStorage.getItem(TOKEN_KEY) || '';
    } catch {
      return '';
    }
  }

  function setToken(token) {
    try {
      if (token) localStorage.setItem(TOKEN_KEY, token);
      else localStorage.removeItem(TOKEN_KEY);
    } catch {
      toast('Trình duyệt không cho lưu mã truy cập (bộ nhớ cục bộ bị tắt).');
    }
    renderAuth();
    refreshAllChips();
  }

  function renderAuth() {
    const signedIn = Boolean(getToken());
    $('auth-signed-out').hidden = signedIn;
    $('auth-signed-in').hidden = !signedIn;
    if (signedIn) closeAuthForm(false);
  }

  function openAuthForm() {
    $('auth-form').hidden = false;
    $('auth-open').setAttribute('aria-expanded', 'true');
    $('token').focus();
  }

  function closeAuthForm(focusButton) {
    $('auth-form').hidden = true;
    $('auth-open').setAttribute('aria-expanded', 'false');
    $('token').value = '';
    if (focusButton) $('auth-open').focus();
  }

  // ---------------------------------------------------------------------------------------------
  // Toast: one line of feedback for actions (tagging, errors of writes).

  let toastTimer = 0;

  function toast(message, kind) {
    const node = $('toast');
    node.textContent = message;
    node.className = `toast${kind === 'ok' ? ' toast-ok' : ''}`;
    node.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => {
      node.hidden = true;
    }, 6000);
  }

  // ---------------------------------------------------------------------------------------------
  // Routing. The whole state lives in the hash, so back/forward and permalinks work:
  //   #/                          the list of documents
  //   #/search?q=…&doc=…&kind=…&sector=…&year=…&offset=…
  //   #/doc/<doc id>              a document
  //   #/clause/<clause id>        a clause inside its document, scrolled to and highlighted

  const FILTERS = ['doc', 'kind', 'sector', 'year'];

  function parseRoute() {
    const raw = location.hash.replace(/^#/, '') || '/';
    const qi = raw.indexOf('?');
    const path = qi >= 0 ? raw.slice(0, qi) : raw;
    const params = new URLSearchParams(qi >= 0 ? raw.slice(qi + 1) : '');
    const decode = (s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    };
    if (path.startsWith('/clause/')) {
      const id = path.slice('/clause/'.length).split('/').map(decode).join('/');
      return { view: 'doc', docId: id.split('/')[0], clauseId: id };
    }
    if (path.startsWith('/doc/')) {
      return { view: 'doc', docId: decode(path.slice('/doc/'.length)), clauseId: null };
    }
    if (path === '/search') {
      const search = { q: params.get('q') || '', offset: 0 };
      for (const f of FILTERS) search[f] = params.get(f) || '';
      const offset = Number.parseInt(params.get('offset') || '0', 10);
      search.offset = Number.isFinite(offset) && offset > 0 ? offset : 0;
      if (search.q.trim()) return { view: 'search', search };
    }
    return { view: 'home' };
  }

  function searchHash(s) {
    const p = new URLSearchParams();
    p.set('q', s.q);
    for (const f of FILTERS) if (s[f]) p.set(f, s[f]);
    if (s.offset) p.set('offset', String(s.offset));
    return `#/search?${p.toString()}`;
  }

  let renderedHash = null;

  function navigate(hash, { replace = false } = {}) {
    if (hash === location.hash) return;
    if (replace) history.replaceState(null, '', hash);
    else history.pushState(null, '', hash);
    render();
  }

  function render() {
    if (location.hash === renderedHash) return;
    renderedHash = location.hash;
    const route = parseRoute();
    // Remember the last search so the document view can link back to it.
    if (route.view === 'search') lastSearchHash = location.hash;
    closePicker(false);
    for (const v of ['home', 'search', 'doc']) $(`view-${v}`).hidden = v !== route.view;
    if (route.view === 'search') {
      showSearch(route.search);
    } else {
      cancelSearch();
      if (route.view === 'doc') showDocument(route.docId, route.clauseId);
      else showHome();
    }
    if (route.view !== 'search') {
      const input = $('q');
      if (document.activeElement !== input && route.view === 'home') input.value = '';
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Search.

  let currentSearch = { q: '', doc: '', kind: '', sector: '', year: '', offset: 0 };
  let searchController = null;
  let debounceTimer = 0;

  function cancelSearch() {
    clearTimeout(debounceTimer);
    if (searchController) searchController.abort();
    searchController = null;
    $('results').removeAttribute('aria-busy');
  }

  /** Called as the user types: search after a short pause, replacing the history entry. */
  function onSearchInput() {
    clearTimeout(debounceTimer);
    debounceTimer = setTimeout(searchFromInput, DEBOUNCE_MS);
  }

  function searchFromInput() {
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

  async function showSearch(s) {
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

  function kindBadge(kind, label) {
    return el('span', {
      class: `badge badge-${kind.replace(/[^a-z_]/g, '')}`,
      'data-testid': 'kind-badge',
      text: label || kind,
    });
  }

  /** `Mục A › II › 3` and the item's own label (`(5)`, `a)`), bullets left out. */
  function sectionPathText(path, label) {
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

  function onFilterChange(event) {
    const f = event.target.getAttribute('data-filter');
    navigate(searchHash({ ...currentSearch, [f]: event.target.value, offset: 0 }));
  }

  // ---------------------------------------------------------------------------------------------
  // Home: the documents in the index.

  let documentsLoaded = false;

  async function showHome() {
    if (documentsLoaded) return;
    const status = $('home-status');
    status.textContent = 'Đang tải danh sách văn kiện…';
    try {
      const body = await api('GET', '/api/documents');
      const docs = Array.isArray(body) ? body : (body && body.documents) || [];
      documentsLoaded = true;
      status.textContent = docs.length
        ? `${formatCount(docs.length)} văn kiện`
        : 'Kho chưa có văn kiện nào. Hãy nạp văn kiện bằng lệnh “vankien ingest”.';
      $('doc-list').replaceChildren(
        ...docs.map((d) =>
          el(
            'li',
            { class: 'doc-item', 'data-testid': 'doc-item' },
            el(
              'a',
              { href: docHash(d.id), class: 'doc-item-link' },
              el('span', { class: 'doc-item-kind', text: d.kind_label || 'Văn bản' }),
              d.number ? el('span', { class: 'doc-item-number', text: ` ${d.number}` }) : null,
              el('span', { class: 'doc-item-title', text: d.title || d.id }),
            ),
            el(
              'span',
              { class: 'doc-item-meta' },
              [
                d.issuer,
                formatDate(d.date),
                d.clauses !== undefined ? `${formatCount(d.clauses)} điều khoản` : '',
                d.tagged_clauses ? `${formatCount(d.tagged_clauses)} đã gắn lĩnh vực` : '',
              ]
                .filter(Boolean)
                .join(' · '),
            ),
          ),
        ),
      );
    } catch (err) {
      status.textContent = errorText(err);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Document view.

  /** The document shown: { id, clauses: Map<clause id, { clause, node, sectors: string[] }> }. */
  let currentDoc = null;
  let docController = null;

  async function showDocument(docId, clauseId) {
    const back = $('doc-back');
    back.href = lastSearchHash || '#/';
    back.textContent = lastSearchHash ? '← Quay lại kết quả tìm kiếm' : '← Danh sách văn kiện';
    if (currentDoc && currentDoc.id === docId) {
      focusClause(clauseId);
      return;
    }
    if (docController) docController.abort();
    const controller = new AbortController();
    docController = controller;
    currentDoc = null;
    const status = $('doc-status');
    status.textContent = 'Đang tải văn kiện…';
    status.classList.remove('is-error');
    $('doc-title').textContent = '';
    $('doc-kicker').textContent = '';
    $('doc-meta').replaceChildren();
    $('doc-body').replaceChildren();
    $('outline-tree').replaceChildren();
    try {
      const [body] = await Promise.all([
        api('GET', documentUrl(docId), { signal: controller.signal }),
        loadSectors().catch(() => []),
      ]);
      if (controller !== docController) return;
      renderDocument(body && body.document ? { ...body.document, ...body } : body || {}, docId);
      status.textContent = '';
      focusClause(clauseId);
    } catch (err) {
      if (err && err.name === 'AbortError') return;
      if (controller !== docController) return;
      status.textContent = errorText(err);
      status.classList.add('is-error');
    }
  }

  function renderDocument(doc, docId) {
    currentDoc = { id: docId, clauses: new Map() };
    document.title = `${[doc.number, doc.title].filter(Boolean).join(' — ') || docId} · Văn kiện`;
    $('doc-kicker').textContent = [doc.kind_label || 'Văn bản', doc.number].filter(Boolean).join(' ');
    $('doc-title').textContent = doc.title || doc.number || docId;
    const meta = [
      ['Cơ quan ban hành', doc.issuer],
      ['Nơi ban hành', doc.place],
      ['Ngày ban hành', formatDate(doc.date)],
      ['Nhiệm kỳ', doc.term],
      ['Số điều khoản', Array.isArray(doc.clauses) ? formatCount(doc.clauses.length) : ''],
    ].filter(([, v]) => v);
    $('doc-meta').replaceChildren(
      ...meta.flatMap(([k, v]) => [el('dt', { text: k }), el('dd', { text: String(v) })]),
    );

    const sections = flattenSections(Array.isArray(doc.sections) ? doc.sections : []);
    const clauses = Array.isArray(doc.clauses) ? doc.clauses : [];
    const headingNodes = new Map();
    const sectionKey = (path) => (Array.isArray(path) ? path.join('\u0001') : '');
    const body = [];
    const sectionNode = (s, i) => {
      const depth = Array.isArray(s.path) ? s.path.length : 1;
      const level = Math.min(2 + depth, 6);
      const node = el(
        `h${level}`,
        { class: `section-heading depth-${Math.min(depth, 4)}`, tabindex: '-1', 'data-testid': 'section-heading' },
        el('span', { class: 'section-label', text: s.label && s.heading ? `${s.label}.` : s.label || '' }),
        s.heading ? ` ${s.heading}` : '',
      );
      headingNodes.set(i, node);
      return node;
    };

    // Interleave headings and clauses in reading order: by span when both have spans, else by the
    // first heading whose path is the clause's section path.
    const haveSpans =
      sections.every((s) => Array.isArray(s.span)) && clauses.every((c) => Array.isArray(c.span));
    if (haveSpans) {
      const items = [
        ...sections.map((s, i) => ({ at: s.span[0], order: 0, make: () => sectionNode(s, i) })),
        ...clauses.map((c) => ({ at: c.span[0], order: 1, make: () => clauseNode(c) })),
      ];
      items.sort((a, b) => a.at - b.at || a.order - b.order);
      for (const it of items) body.push(it.make());
    } else {
      let next = 0;
      for (const c of clauses) {
        const key = sectionKey(c.section_path);
        let j = -1;
        for (let k = next; k < sections.length; k += 1) {
          if (sectionKey(sections[k].path) === key) {
            j = k;
            break;
          }
        }
        for (; next <= j; next += 1) body.push(sectionNode(sections[next], next));
        body.push(clauseNode(c));
      }
      for (; next < sections.length; next += 1) body.push(sectionNode(sections[next], next));
    }
    if (clauses.length === 0) {
      body.push(el('p', { class: 'empty', text: 'Văn kiện này không có điều khoản nào được nhận diện.' }));
    }
    $('doc-body').replaceChildren(...body);
    renderOutline(sections, headingNodes, sectionKey);
  }

  /** The server sends the section tree nested (`children`); the page walks it in reading order. */
  function flattenSections(tree) {
    const flat = [];
    const walk = (nodes) => {
      for (const node of nodes) {
        flat.push(node);
        if (Array.isArray(node.children)) walk(node.children);
      }
    };
    walk(tree);
    return flat;
  }

  function renderOutline(sections, headingNodes, sectionKey) {
    const tree = $('outline-tree');
    if (sections.length === 0) {
      tree.replaceChildren(el('p', { class: 'empty', text: 'Văn kiện không chia mục.' }));
      return;
    }
    const root = el('ul', { class: 'outline-list' });
    const lists = new Map();
    sections.forEach((s, i) => {
      const path = Array.isArray(s.path) ? s.path : [s.label];
      const parentKey = sectionKey(path.slice(0, -1));
      const parentList = path.length > 1 && lists.has(parentKey) ? lists.get(parentKey) : root;
      const button = el(
        'button',
        {
          type: 'button',
          class: 'outline-link',
          'data-testid': 'outline-item',
          onclick: () => {
            const node = headingNodes.get(i);
            if (node) {
              node.scrollIntoView({ block: 'start', behavior: 'smooth' });
              node.focus({ preventScroll: true });
            }
          },
        },
        el('span', { class: 'section-label', text: s.label && s.heading ? `${s.label}.` : s.label || '' }),
        s.heading ? ` ${s.heading}` : '',
      );
      const children = el('ul', { class: 'outline-list' });
      const item = el('li', {}, button, children);
      lists.set(sectionKey(path), children);
      parentList.append(item);
    });
    // Drop empty nested lists so screen readers do not announce them.
    for (const ul of root.querySelectorAll('ul')) if (!ul.firstChild) ul.remove();
    tree.replaceChildren(root);
  }

  function clauseNode(c) {
    const entry = { clause: c, sectors: sectorIds(c.sectors), node: null, chips: null, history: null };
    const chips = el('ul', { class: 'chips', 'aria-label': 'Lĩnh vực đã gắn' });
    const history = el('div', { class: 'tag-history', hidden: true, 'data-testid': 'tag-history' });
    const historyButton = el('button', {
      type: 'button',
      class: 'btn-link',
      'aria-expanded': 'false',
      'data-testid': 'history-button',
      text: 'Ai đã gắn?',
      onclick: () => toggleHistory(entry, historyButton),
    });
    const tagButton = el('button', {
      type: 'button',
      class: 'btn btn-small',
      'aria-haspopup': 'listbox',
      'data-testid': 'tag-button',
      text: '+ Gắn lĩnh vực',
      onclick: () => openPicker(entry, tagButton),
    });
    const kind = c.kind ? String(c.kind) : '';
    const node = el(
      'div',
      {
        class: 'clause',
        tabindex: '-1',
        'data-testid': 'clause',
        'data-clause-id': c.id,
        'aria-label': `Điều khoản ${c.label || ''}`.trim(),
      },
      el(
        'div',
        { class: 'clause-head' },
        c.label ? el('span', { class: 'clause-label', text: c.label }) : null,
        kind ? kindBadge(kind, c.kind_label) : null,
        c.group ? el('span', { class: 'group', text: c.group }) : null,
        c.assignee
          ? el('span', {
              class: 'assignee',
              'data-testid': 'clause-assignee',
              title: 'Cơ quan thực hiện',
              text: `Thực hiện: ${c.assignee}`,
            })
          : null,
        c.pages
          ? el('span', {
              class: 'pages',
              'data-testid': 'clause-pages',
              title: 'Trang trong văn bản gốc',
              text: pagesText(c.pages),
            })
          : null,
        el('a', {
          class: 'permalink',
          href: clauseHash(c.id),
          title: 'Liên kết cố định tới điều khoản này',
          'aria-label': 'Liên kết cố định tới điều khoản này',
          'data-testid': 'clause-permalink',
          text: '#',
        }),
      ),
      Array.isArray(c.cells) && c.cells.length
        ? el(
            'ul',
            { class: 'clause-cells', 'data-testid': 'clause-cells' },
            ...c.cells.map((cell) => el('li', { text: cell })),
          )
        : el('p', { class: 'clause-text', text: c.text || '' }),
      el('div', { class: 'clause-tags' }, chips, tagButton, historyButton),
      history,
    );
    entry.node = node;
    entry.chips = chips;
    entry.history = history;
    entry.tagButton = tagButton;
    entry.historyButton = historyButton;
    renderChips(entry);
    if (currentDoc) currentDoc.clauses.set(c.id, entry);
    return node;
  }

  function renderChips(entry) {
    const signedIn = Boolean(getToken());
    entry.chips.replaceChildren(
      ...entry.sectors.map((id) =>
        el(
          'li',
          { class: 'chip', 'data-testid': 'sector-chip', 'data-sector-id': id },
          el('span', { text: sectorName(id) }),
          signedIn
            ? el('button', {
                type: 'button',
                class: 'chip-remove',
                'aria-label': `Bỏ lĩnh vực ${sectorName(id)}`,
                title: 'Bỏ lĩnh vực này',
                'data-testid': 'chip-remove',
                text: '×',
                onclick: () => untag(entry, id),
              })
            : null,
        ),
      ),
    );
    entry.chips.hidden = entry.sectors.length === 0;
  }

  function refreshAllChips() {
    if (!currentDoc) return;
    for (const entry of currentDoc.clauses.values()) renderChips(entry);
  }

  let targetNode = null;

  function focusClause(clauseId) {
    if (targetNode) targetNode.classList.remove('is-target');
    targetNode = null;
    if (!clauseId || !currentDoc) {
      if (!clauseId) window.scrollTo(0, 0);
      return;
    }
    const entry = currentDoc.clauses.get(clauseId);
    if (!entry) {
      toast('Không tìm thấy điều khoản này trong văn kiện (có thể văn kiện đã thay đổi).');
      return;
    }
    targetNode = entry.node;
    targetNode.classList.add('is-target');
    targetNode.scrollIntoView({ block: 'center' });
    targetNode.focus({ preventScroll: true });
  }

  async function toggleHistory(entry, button) {
    const open = button.getAttribute('aria-expanded') === 'true';
    button.setAttribute('aria-expanded', open ? 'false' : 'true');
    entry.history.hidden = open;
    if (!open) await loadHistory(entry);
  }

  async function loadHistory(entry) {
    const box = entry.history;
    box.replaceChildren(el('p', { text: 'Đang tải…' }));
    try {
      const body = await api('GET', clauseUrl(entry.clause.id));
      const tags = Array.isArray(body && body.tags) ? body.tags : [];
      // The server's list is the truth: bring the chips in line with it.
      entry.sectors = [...new Set(tags.map((t) => String(t.sector || t.sector_id)))];
      renderChips(entry);
      if (tags.length === 0) {
        box.replaceChildren(el('p', { class: 'empty', text: 'Chưa ai gắn lĩnh vực cho điều khoản này.' }));
        return;
      }
      box.replaceChildren(
        el(
          'ul',
          { class: 'history-list' },
          tags.map((t) =>
            el(
              'li',
              { 'data-testid': 'tag-history-item' },
              el('strong', { text: t.sector_name || sectorName(String(t.sector || t.sector_id)) }),
              ` — ${t.user || 'không rõ'}, ${formatTime(t.at)}`,
            ),
          ),
        ),
      );
    } catch (err) {
      box.replaceChildren(el('p', { class: 'is-error', text: errorText(err) }));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Tagging.

  const busyWrites = new Set();

  async function tag(entry, sectorId) {
    return write(entry, sectorId, 'PUT');
  }

  async function untag(entry, sectorId) {
    return write(entry, sectorId, 'DELETE');
  }

  async function write(entry, sectorId, method) {
    if (!getToken()) {
      toast('Cần đăng nhập bằng mã truy cập trước khi gắn lĩnh vực.');
      closePicker(false);
      openAuthForm();
      return false;
    }
    const key = `${entry.clause.id}\u0001${sectorId}`;
    if (busyWrites.has(key)) return false;
    busyWrites.add(key);
    try {
      // wait=true: the answer comes once search shows the change, so a filter right after finds it.
      const answer = await api(method, `${clauseSectorUrl(entry.clause.id, sectorId)}?wait=true`, {
        auth: true,
      });
      if (answer && Array.isArray(answer.sectors)) {
        // The server answers with the clause's live sectors: other annotators' tags included.
        entry.sectors = sectorIds(answer.sectors);
      } else if (method === 'PUT' && !entry.sectors.includes(sectorId)) {
        entry.sectors.push(sectorId);
      } else if (method === 'DELETE') {
        entry.sectors = entry.sectors.filter((s) => s !== sectorId);
      }
      renderChips(entry);
      const message =
        method === 'PUT'
          ? `Đã gắn lĩnh vực “${sectorName(sectorId)}”.`
          : `Đã bỏ lĩnh vực “${sectorName(sectorId)}”.`;
      toast(message, 'ok');
      if (picker.entry === entry) {
        renderPickerList();
        $('picker-status').textContent = message;
      }
      if (!entry.history.hidden) loadHistory(entry);
      return true;
    } catch (err) {
      toast(errorText(err));
      if (err instanceof ApiError && err.status === 401 && err.code !== 'no_token') {
        $('picker-status').textContent = errorText(err);
      }
      return false;
    } finally {
      busyWrites.delete(key);
    }
  }

  // The sector picker: a combobox with a filterable listbox, one instance moved to the clause.
  const picker = { entry: null, button: null, options: [], active: 0 };

  async function openPicker(entry, button) {
    if (picker.entry === entry) {
      closePicker(true);
      return;
    }
    closePicker(false);
    try {
      await loadSectors();
    } catch (err) {
      toast(errorText(err));
      return;
    }
    picker.entry = entry;
    picker.button = button;
    picker.active = 0;
    button.setAttribute('aria-expanded', 'true');
    const node = $('picker');
    entry.node.append(node);
    node.hidden = false;
    $('picker-input').value = '';
    $('picker-status').textContent = getToken()
      ? ''
      : 'Chưa đăng nhập: cần mã truy cập để gắn lĩnh vực.';
    renderPickerList();
    $('picker-input').focus();
  }

  function closePicker(focusButton) {
    const node = $('picker');
    if (!picker.entry) {
      node.hidden = true;
      return;
    }
    const button = picker.button;
    picker.entry = null;
    picker.button = null;
    node.hidden = true;
    document.body.append(node);
    if (button) {
      button.setAttribute('aria-expanded', 'false');
      if (focusButton) button.focus();
    }
  }

  function renderPickerList() {
    const entry = picker.entry;
    if (!entry) return;
    const needle = fold($('picker-input').value);
    picker.options = sectorList.filter((s) => !needle || fold(s.name).includes(needle));
    if (picker.active >= picker.options.length) picker.active = Math.max(0, picker.options.length - 1);
    const list = $('picker-list');
    const input = $('picker-input');
    if (picker.options.length === 0) {
      list.replaceChildren(el('li', { class: 'picker-empty', role: 'presentation', text: 'Không có lĩnh vực nào khớp.' }));
      input.removeAttribute('aria-activedescendant');
      return;
    }
    list.replaceChildren(
      ...picker.options.map((s, i) => {
        const selected = entry.sectors.includes(s.id);
        return el(
          'li',
          {
            id: `picker-opt-${i}`,
            role: 'option',
            class: `picker-option depth-${Math.min(s.depth || 0, 2)}${i === picker.active ? ' is-active' : ''}`,
            'aria-selected': selected ? 'true' : 'false',
            'data-testid': 'sector-option',
            'data-sector-id': s.id,
            onmousedown: (e) => e.preventDefault(),
            onclick: () => {
              picker.active = i;
              choose(i);
            },
          },
          el('span', { class: 'check', 'aria-hidden': 'true', text: selected ? '✓' : '' }),
          el('span', { text: s.name }),
        );
      }),
    );
    input.setAttribute('aria-activedescendant', `picker-opt-${picker.active}`);
    const active = $(`picker-opt-${picker.active}`);
    if (active) active.scrollIntoView({ block: 'nearest' });
  }

  function choose(i) {
    const s = picker.options[i];
    const entry = picker.entry;
    if (!s || !entry) return;
    if (entry.sectors.includes(s.id)) untag(entry, s.id);
    else tag(entry, s.id);
  }

  function onPickerKey(event) {
    const n = picker.options.length;
    switch (event.key) {
      case 'ArrowDown':
        event.preventDefault();
        if (n) picker.active = (picker.active + 1) % n;
        renderPickerList();
        break;
      case 'ArrowUp':
        event.preventDefault();
        if (n) picker.active = (picker.active - 1 + n) % n;
        renderPickerList();
        break;
      case 'Home':
        event.preventDefault();
        picker.active = 0;
        renderPickerList();
        break;
      case 'End':
        event.preventDefault();
        picker.active = Math.max(0, n - 1);
        renderPickerList();
        break;
      case 'Enter':
        event.preventDefault();
        choose(picker.active);
        break;
      case 'Escape':
        event.preventDefault();
        closePicker(true);
        break;
      default:
        break;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Wiring.

  let lastSearchHash = '';

  function init() {
    $('search-form').addEventListener('submit', (e) => {
      e.preventDefault();
      searchFromInput();
    });
    $('q').addEventListener('input', onSearchInput);
    for (const select of document.querySelectorAll('select[data-filter]')) {
      select.addEventListener('change', onFilterChange);
    }
    $('filters-clear').addEventListener('click', () =>
      navigate(searchHash({ q: currentSearch.q, offset: 0 })),
    );
    $('page-prev').addEventListener('click', () => {
      navigate(searchHash({ ...currentSearch, offset: Math.max(0, currentSearch.offset - LIMIT) }));
      $('result-status').scrollIntoView({ block: 'nearest' });
    });
    $('page-next').addEventListener('click', () => {
      navigate(searchHash({ ...currentSearch, offset: currentSearch.offset + LIMIT }));
      $('result-status').scrollIntoView({ block: 'nearest' });
    });

    $('auth-open').addEventListener('click', () => {
      if ($('auth-form').hidden) openAuthForm();
      else closeAuthForm(true);
    });
    $('auth-cancel').addEventListener('click', () => closeAuthForm(true));
    $('auth-form').addEventListener('submit', (e) => {
      e.preventDefault();
      const token = $('token').value.trim();
      if (!token) {
        toast('Hãy dán mã truy cập trước khi lưu.');
        $('token').focus();
        return;
      }
      setToken(token);
      toast('Đã lưu mã truy cập. Bạn có thể gắn lĩnh vực cho điều khoản.', 'ok');
    });
    $('auth-form').addEventListener('keydown', (e) => {
      if (e.key === 'Escape') closeAuthForm(true);
    });
    $('auth-forget').addEventListener('click', () => {
      setToken('');
      toast('Đã quên mã truy cập trên trình duyệt này.', 'ok');
      $('auth-open').focus();
    });

    $('picker-input').addEventListener('input', () => {
      picker.active = 0;
      renderPickerList();
    });
    $('picker-input').addEventListener('keydown', onPickerKey);
    $('picker-close').addEventListener('click', () => closePicker(true));
    $('picker').addEventListener('focusout', (e) => {
      if (picker.entry && e.relatedTarget && !$('picker').contains(e.relatedTarget)) closePicker(false);
    });

    // `/` jumps to the search box, as on many search sites.
    document.addEventListener('keydown', (e) => {
      if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey) return;
      const t = e.target;
      if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
      e.preventDefault();
      $('q').focus();
    });

    // Back/forward and links to `#/…` re-render; render() skips a hash it has already shown.
    window.addEventListener('hashchange', render);
    window.addEventListener('popstate', render);

    window.addEventListener('storage', (e) => {
      if (e.key === TOKEN_KEY) {
        renderAuth();
        refreshAllChips();
      }
    });

    $('q').maxLength = limits.max_query_chars;
    renderAuth();
    loadLimits().catch(() => {});
    loadSectors().catch(() => {});
    render();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
