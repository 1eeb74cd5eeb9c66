// vankien page: the home view, the list of documents in the index.

import { api, docHash, errorText } from './api.js';
import { $, el, formatCount, formatDate } from './util.js';

// ---------------------------------------------------------------------------------------------
// Home: the documents in the index.

let documentsLoaded = false;

export async function showHome() {
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
