// vankien page: routing; the whole state lives in the URL's hash, so back/forward and permalinks work.

// ---------------------------------------------------------------------------------------------
// Routing. The whole state lives in the hash, so back/forward and permalinks work:
//   #/                          the list of documents
//   #/search?q=…&doc=…&kind=…&sector=…&assignee=…&issuer=…&year=…&offset=…  (a filter alone browses)
//   #/doc/<doc id>              a document
//   #/clause/<clause id>        a clause inside its document, scrolled to and highlighted
//   #/clause/<clause id>?queue  the same, as the annotator's queue brought them there
//   #/compare?a=…&b=…          two documents side by side (ids or numbers)
//   #/queue, #/review, #/admin  the team's views (by role)

export const FILTERS = ['doc', 'kind', 'sector', 'assignee', 'issuer', 'year'];

export function parseRoute() {
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
    return { view: 'doc', docId: id.split('/')[0], clauseId: id, queue: params.has('queue') };
  }
  // The team's views: an annotator's queue, a reviewer's disagreements, an admin's desk.
  if (path === '/queue') return { view: 'queue', doc: params.get('doc') || '' };
  if (path === '/review') return { view: 'review', doc: params.get('doc') || '' };
  if (path === '/admin') return { view: 'admin' };
  if (path === '/compare') return { view: 'compare', a: params.get('a') || '', b: params.get('b') || '' };
  if (path.startsWith('/doc/')) {
    return { view: 'doc', docId: decode(path.slice('/doc/'.length)), clauseId: null };
  }
  if (path === '/search') {
    const search = { q: params.get('q') || '', offset: 0 };
    for (const f of FILTERS) search[f] = params.get(f) || '';
    const offset = Number.parseInt(params.get('offset') || '0', 10);
    search.offset = Number.isFinite(offset) && offset > 0 ? offset : 0;
    if (search.q.trim() || FILTERS.some((f) => search[f])) return { view: 'search', search };
  }
  return { view: 'home' };
}

export function searchHash(s) {
  const p = new URLSearchParams();
  if (s.q) p.set('q', s.q);
  for (const f of FILTERS) if (s[f]) p.set(f, s[f]);
  if (s.offset) p.set('offset', String(s.offset));
  return `#/search?${p.toString()}`;
}

/** The last search shown, so that the document view can link back to it. */
export const lastSearch = { hash: '' };

/** What shows the route of the current hash: set once by the page's entry point. */
let renderer = () => {};

export function setRenderer(fn) {
  renderer = fn;
}

export function navigate(hash, { replace = false } = {}) {
  if (hash === location.hash) return;
  if (replace) history.replaceState(null, '', hash);
  else history.pushState(null, '', hash);
  renderer();
}
