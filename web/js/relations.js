// vankien page: the "Văn bản liên quan" block of a document, built from GET /api/documents/{id}/relations.
//
// An ES module without a build step: `renderRelations(container, relations, { docHref })` empties
// `container` and fills it with the document's status (replaced or repealed by a document of the
// index), what it cites, implements, guides, amends, replaces or repeals, and what does so to it,
// grouped under the labels the server sends (`type_label`). A document the index holds is a link
// (`docHref(id)`, by default `#/doc/<id>`); a reference it does not hold is shown as written.
// Every string goes into the page through textContent: no HTML is ever built from data, as the
// page's Content-Security-Policy and its rule for document text require.

/** `#/doc/<id>`: where a document of the index is read. */
export function defaultDocHref(id) {
  return `#/doc/${encodeURIComponent(id)}`;
}

/** An element with a class and children (strings become text nodes). */
function el(tag, className, ...children) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  for (const child of children) {
    if (child === null || child === undefined || child === '') continue;
    node.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return node;
}

/** `22/12/2024` from `2024-12-22` (a year alone stays as it is). */
function dateText(iso) {
  if (typeof iso !== 'string') return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : iso;
}

/** `Nghị quyết 57-NQ/TW (22/12/2024)`: how a document of the index is named in a link. */
function docName(doc) {
  const parts = [doc.kind_label, doc.number].filter(Boolean).join(' ');
  const date = dateText(doc.date);
  return date ? `${parts} (${date})` : parts;
}

/** One link: the other document (a link when the index holds it) and what the reference says. */
function linkItem(link, docHref) {
  const item = el('li', 'relation');
  const doc = link.document;
  if (doc && typeof doc.id === 'string') {
    const a = el('a', 'relation-doc', docName(doc) || doc.id);
    a.href = docHref(doc.id);
    // The reference as the citing document wrote it, for a reader who wants the words.
    if (link.reference && link.reference.text) a.title = link.reference.text;
    item.append(a);
    if (doc.title) item.append(el('span', 'relation-title', ` — ${doc.title}`));
  } else {
    const text = (link.reference && link.reference.text) || '';
    item.append(el('span', 'relation-text', text));
    item.append(el('span', 'relation-note', ' (không có trong kho văn bản)'));
  }
  const clauses = Array.isArray(link.clause_ids) ? link.clause_ids.length : 0;
  if (clauses > 1) item.append(el('span', 'relation-count', ` · ${clauses} đoạn`));
  return item;
}

/** The groups of one side, in the order the server lists them, each under its label. */
function side(links, docHref) {
  const groups = new Map();
  for (const link of Array.isArray(links) ? links : []) {
    const label = link.type_label || link.type || '';
    if (!groups.has(label)) groups.set(label, { type: link.type, links: [] });
    groups.get(label).links.push(link);
  }
  const nodes = [];
  for (const [label, group] of groups) {
    const section = el('section', `relation-group relation-${group.type || 'other'}`);
    section.append(el('h4', 'relation-label', `${label} (${group.links.length})`));
    const list = el('ul', 'relation-list');
    for (const link of group.links) list.append(linkItem(link, docHref));
    section.append(list);
    nodes.push(section);
  }
  return nodes;
}

/** The status line: replaced or repealed by a document of the index. */
function status(relations, docHref) {
  const lines = [];
  const s = relations.status || {};
  for (const [key, words] of [
    ['replaced_by', 'Văn bản này đã bị thay thế bởi '],
    ['repealed_by', 'Văn bản này đã bị bãi bỏ bởi '],
  ]) {
    const doc = s[key];
    if (!doc || typeof doc.id !== 'string') continue;
    const a = el('a', 'relation-doc', docName(doc) || doc.id);
    a.href = docHref(doc.id);
    lines.push(el('p', `relation-status relation-${key}`, words, a, '.'));
  }
  return lines;
}

/**
 * Fills `container` with the "Văn bản liên quan" block of `relations` (the answer of
 * `GET /api/documents/{id}/relations`). `options.docHref(id)` gives a document's address; by
 * default `#/doc/<id>`. Returns the block's element.
 */
export function renderRelations(container, relations, options = {}) {
  const docHref = typeof options.docHref === 'function' ? options.docHref : defaultDocHref;
  const data = relations || {};
  const block = el('section', 'relations');
  block.append(el('h3', 'relations-heading', 'Văn bản liên quan'));
  block.append(...status(data, docHref));
  const outgoing = side(data.outgoing, docHref);
  const incoming = side(data.incoming, docHref);
  if (outgoing.length === 0 && incoming.length === 0) {
    block.append(el('p', 'relations-empty', 'Chưa tìm thấy văn bản liên quan.'));
  }
  if (outgoing.length > 0) {
    block.append(el('div', 'relations-outgoing', ...outgoing));
  }
  if (incoming.length > 0) {
    block.append(el('div', 'relations-incoming', ...incoming));
  }
  container.replaceChildren(block);
  return block;
}
