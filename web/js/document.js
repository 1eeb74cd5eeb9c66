// vankien page: the document view (header, outline, clauses in reading order, chips, tag history).

import { api, clauseHash, clauseUrl, docHash, documentUrl, errorText } from './api.js';
import { mayRemove, signedIn } from './auth.js';
import { lastSearch } from './router.js';
import { kindBadge } from './search.js';
import { loadSectors, sectorIds, sectorName } from './sectors.js';
import { resetKeys, setCurrent } from './keys.js';
import { forgetSuggestions, renderSuggestions } from './suggest.js';
import { fillCompareChoice } from './compare.js';
import { renderRelations } from './relations.js';
import { openPicker, untag } from './tagging.js';
import { $, el, formatCount, formatDate, formatTime, pagesText, toast } from './util.js';

// ---------------------------------------------------------------------------------------------
// Document view.

/** The document shown: { id, clauses: Map<clause id, { clause, node, sectors: string[] }> }. */
let currentDoc = null;

/** The clauses of the document shown, in reading order (a Map keeps insertion order). */
export function currentEntries() {
  return currentDoc ? [...currentDoc.clauses.values()] : [];
}
let docController = null;

export async function showDocument(docId, clauseId) {
  const back = $('doc-back');
  back.href = lastSearch.hash || '#/';
  back.textContent = lastSearch.hash ? '← Quay lại kết quả tìm kiếm' : '← Danh sách văn kiện';
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
  $('doc-relations').replaceChildren();
  $('doc-relations').hidden = true;
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
    showRelations(docId, body && body.relations_count, controller);
    fillCompareChoice($('doc-compare'), docId);
  } catch (err) {
    if (err && err.name === 'AbortError') return;
    if (controller !== docController) return;
    status.textContent = errorText(err);
    status.classList.add('is-error');
  }
}

/**
 * The documents this one cites, implements, amends or replaces, and those that do so to it: a
 * second request, only when the document view counted some, so the text is never kept waiting.
 */
async function showRelations(docId, counts, controller) {
  const box = $('doc-relations');
  if (!counts || (counts.outgoing || 0) + (counts.incoming || 0) === 0) return;
  try {
    const relations = await api('GET', `${documentUrl(docId)}/relations`, {
      signal: controller.signal,
    });
    if (controller !== docController) return;
    renderRelations(box, relations, { docHref: docHash });
    box.hidden = false;
  } catch (err) {
    if (err && err.name === 'AbortError') return;
    // A nicety: the document stays readable without its relations.
    box.replaceChildren(el('p', { class: 'relations-empty', text: errorText(err) }));
    box.hidden = false;
  }
}

function renderDocument(doc, docId) {
  currentDoc = { id: docId, clauses: new Map() };
  resetKeys();
  forgetSuggestions();
  document.title = `${[doc.number, doc.title].filter(Boolean).join(' — ') || docId} · Văn kiện`;
  $('doc-kicker').textContent = [doc.kind_label || 'Văn bản', doc.number].filter(Boolean).join(' ');
  $('doc-title').textContent = doc.title || doc.number || docId;
  const signer = doc.signer && doc.signer.name ? doc.signer : null;
  const meta = [
    ['Cơ quan ban hành', doc.issuer],
    ['Nơi ban hành', doc.place],
    ['Ngày ban hành', formatDate(doc.date)],
    ['Người ký', signer ? signerText(signer) : ''],
    ['Nhiệm kỳ', doc.term],
    ['Số trang', doc.page_count ? formatCount(doc.page_count) : ''],
    ['Số điều khoản', Array.isArray(doc.clauses) ? formatCount(doc.clauses.length) : ''],
  ].filter(([, v]) => v);
  $('doc-meta').replaceChildren(
    ...meta.flatMap(([k, v]) => [el('dt', { text: k }), el('dd', { text: String(v) })]),
  );
  const source = $('doc-source');
  source.hidden = !doc.source_url;
  if (doc.source_url) {
    source.href = doc.source_url;
    source.setAttribute('download', doc.source || '');
    source.textContent = `Tải văn bản gốc${doc.format ? ` (${String(doc.format).toUpperCase()})` : ''}`;
  }
  renderFooter(doc, signer);

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
  renderOutline(sections, headingNodes, sectionKey, leadOf(clauses));
}

/** `Phó Thủ tướng Nguyễn Hòa Bình`: the title as a reader says it, then the name. */
function signerText(signer) {
  const title = signer.title ? sentenceCase(signer.title) : '';
  return [title, signer.name].filter(Boolean).join(' ');
}

/** `PHÓ THỦ TƯỚNG` → `Phó thủ tướng`: a title written in capitals, as a sentence. */
function sentenceCase(s) {
  const lower = String(s).toLocaleLowerCase('vi');
  return lower.charAt(0).toLocaleUpperCase('vi') + lower.slice(1);
}

/** The closing parts as the source has them: the signature block and the recipients. */
function renderFooter(doc, signer) {
  const recipients = Array.isArray(doc.recipients) ? doc.recipients : [];
  const signature = Array.isArray(doc.signature) ? doc.signature : [];
  $('doc-footer').hidden = recipients.length === 0 && signature.length === 0;
  $('doc-signer').replaceChildren(
    ...(signature.length
      ? [
          el('h2', { class: 'footer-title', text: 'Chữ ký' }),
          ...signature.map((line) =>
            el('p', {
              class: signer && line.includes(signer.name) ? 'signer-name' : 'signer-line',
              text: line,
            }),
          ),
        ]
      : []),
  );
  $('doc-recipients').replaceChildren(
    ...(recipients.length
      ? [
          el('h2', { class: 'footer-title', text: 'Nơi nhận' }),
          el('ul', { class: 'recipient-list' }, recipients.map((r) => el('li', { text: r }))),
        ]
      : []),
  );
}

/** The most characters of a section's first words in the outline. */
const LEAD_CHARS = 60;

/**
 * For a section without a heading: the first words of its first clause, cut at a word, for the
 * outline (where a bare `2` or `E` says nothing).
 */
function leadOf(clauses) {
  return (section) => {
    const path = Array.isArray(section.path) ? section.path : [];
    const first = clauses.find(
      (c) =>
        Array.isArray(c.section_path) &&
        c.section_path.length >= path.length &&
        path.every((p, i) => c.section_path[i] === p),
    );
    const text = first ? String(first.text || (first.cells || []).join(' ')).replace(/\s+/g, ' ').trim() : '';
    if (text.length <= LEAD_CHARS) return text;
    const cut = text.slice(0, LEAD_CHARS);
    const at = cut.lastIndexOf(' ');
    return `${(at > 0 ? cut.slice(0, at) : cut).replace(/[,;:]$/, '')}…`;
  };
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

function renderOutline(sections, headingNodes, sectionKey, lead) {
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
      el('span', { class: 'section-label', text: s.label ? `${s.label}.` : '' }),
      // A section without a heading (`2.` then its text) shows its first words.
      s.heading ? ` ${s.heading}` : el('span', { class: 'outline-lead', text: ` ${lead(s)}` }),
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
  const entry = {
    clause: c,
    sectors: sectorIds(c.sectors),
    tags: tagsOf(c.tags),
    node: null,
    chips: null,
    history: null,
  };
  const chips = el('ul', { class: 'chips', 'aria-label': 'Lĩnh vực đã gắn' });
  const history = el('div', { class: 'tag-history', hidden: true, 'data-testid': 'tag-history' });
  const suggestions = el('div', { class: 'suggestions', hidden: true, 'data-testid': 'suggestions' });
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
    suggestions,
    history,
  );
  node.addEventListener('click', () => setCurrent(entry, { focus: false }));
  entry.node = node;
  entry.chips = chips;
  entry.history = history;
  entry.suggestions = suggestions;
  entry.tagButton = tagButton;
  entry.historyButton = historyButton;
  renderChips(entry);
  if (currentDoc) currentDoc.clauses.set(c.id, entry);
  return node;
}

/** A clause's tags as the server sends them: [{ sector, user }], oldest first. */
export function tagsOf(list) {
  if (!Array.isArray(list)) return [];
  return list
    .map((t) => ({ sector: String(t.sector || t.sector_id || ''), user: String(t.user || '') }))
    .filter((t) => t.sector);
}

/**
 * The chips of a clause: one per sector, in the order the sectors were first tagged (a stable
 * order, not the server's sorting), each naming who tagged it; `×` only where the signed-in user
 * may remove (their own tag, or an admin). Readers who are not signed in see the chips alone.
 */
export function renderChips(entry) {
  const on = signedIn();
  entry.tagButton.hidden = !on;
  entry.historyButton.hidden = !on;
  const users = new Map();
  for (const t of entry.tags) {
    if (!users.has(t.sector)) users.set(t.sector, []);
    if (!users.get(t.sector).includes(t.user)) users.get(t.sector).push(t.user);
  }
  // Sectors known only by id (an older answer without tags) come after, in their order.
  const order = [...users.keys(), ...entry.sectors.filter((s) => !users.has(s))];
  entry.chips.replaceChildren(
    ...order.map((id) =>
      el(
        'li',
        {
          class: 'chip',
          'data-testid': 'sector-chip',
          'data-sector-id': id,
          title: users.has(id) ? `Gắn bởi ${users.get(id).join(', ')}` : null,
        },
        el('span', { text: sectorName(id) }),
        users.has(id)
          ? el('span', { class: 'chip-by', 'data-testid': 'chip-by', text: users.get(id).join(', ') })
          : null,
        on && mayRemove(users.get(id) || [])
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
  entry.chips.hidden = order.length === 0;
  renderSuggestions(entry);
}

export function refreshAllChips() {
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

export async function loadHistory(entry) {
  const box = entry.history;
  box.replaceChildren(el('p', { text: 'Đang tải…' }));
  try {
    const body = await api('GET', clauseUrl(entry.clause.id));
    const tags = Array.isArray(body && body.tags) ? body.tags : [];
    // The server's list is the truth: bring the chips in line with it.
    entry.sectors = [...new Set(tags.map((t) => String(t.sector || t.sector_id)))];
    entry.tags = tagsOf(tags);
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
