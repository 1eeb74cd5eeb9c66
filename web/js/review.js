// vankien page: the reviewer's desk: agreement between annotators, the clauses where they
// disagree, a verdict (accept or reject) per tagged sector, and the gold set's export.

import { api, clauseHash, encodeSegments, errorText } from './api.js';
import { me } from './auth.js';
import { sectorName } from './sectors.js';
import { $, el, formatCount, toast } from './util.js';

const STATUS = { accepted: 'đã chấp nhận', rejected: 'đã bác bỏ', pending: 'chờ duyệt' };

/** A coefficient as the page shows it: two decimals, or a dash when undefined. */
function coef(v) {
  return typeof v === 'number' && Number.isFinite(v) ? v.toFixed(2) : '—';
}

/** `#/review?doc=`: agreement, then the disagreements with their verdict buttons. */
export async function showReview(doc) {
  const status = $('review-status');
  $('review-list').replaceChildren();
  $('review-agreement').replaceChildren();
  if (!me || (me.role !== 'reviewer' && me.role !== 'admin')) {
    status.textContent = 'Chỉ người duyệt và quản trị viên xem được trang này.';
    return;
  }
  status.textContent = 'Đang tải…';
  const q = doc ? `?doc=${encodeURIComponent(doc)}` : '';
  const exportQ = doc ? `&document=${encodeURIComponent(doc)}` : '';
  $('review-export-w3c').href = `/api/annotations/export?format=w3c&status=accepted${exportQ}`;
  $('review-export-jsonl').href = `/api/annotations/export?format=jsonl&status=accepted${exportQ}`;
  try {
    const [agreement, review] = await Promise.all([
      api('GET', `/api/agreement${q}`),
      api('GET', `/api/review${q}`, { auth: true }),
    ]);
    renderAgreement(agreement || {});
    const clauses = Array.isArray(review && review.clauses) ? review.clauses : [];
    status.textContent = clauses.length
      ? `${formatCount(clauses.length)} điều khoản mà người gắn nhãn chưa thống nhất`
      : 'Không có điều khoản nào mà người gắn nhãn chưa thống nhất.';
    $('review-list').replaceChildren(...clauses.map((c) => renderClause(c, doc)));
  } catch (err) {
    status.textContent = errorText(err);
  }
}

function renderAgreement(a) {
  const o = a.overall || {};
  const sectors = Array.isArray(a.sectors) ? a.sectors : [];
  $('review-agreement').replaceChildren(
    el('p', {
      'data-testid': 'agreement-overall',
      text: `Mức thống nhất trên ${formatCount(o.n || 0)} điều khoản (${(a.annotators || []).join(', ') || 'chưa có'}): α Krippendorff ${coef(
        o.alpha,
      )} · κ Cohen ${coef(o.kappa)} · tỷ lệ trùng ${coef(o.percent)}`,
    }),
    sectors.length
      ? el(
          'table',
          { class: 'agreement-table', 'data-testid': 'agreement-sectors' },
          el(
            'thead',
            {},
            el('tr', {}, ['Lĩnh vực', 'α', 'κ', 'Tỷ lệ trùng', 'Số điều khoản'].map((h) => el('th', { text: h }))),
          ),
          el(
            'tbody',
            {},
            sectors.map((s) =>
              el(
                'tr',
                {},
                el('td', { text: s.sector_name || sectorName(s.sector) }),
                el('td', { text: coef(s.alpha) }),
                el('td', { text: coef(s.kappa) }),
                el('td', { text: coef(s.percent) }),
                el('td', { text: formatCount(s.n || 0) }),
              ),
            ),
          ),
        )
      : null,
  );
}

function renderClause(c, doc) {
  const sectors = Array.isArray(c.sectors) ? c.sectors : [];
  return el(
    'li',
    { class: 'review-item', 'data-testid': 'review-item', 'data-clause-id': c.clause_id },
    el('a', { href: clauseHash(c.clause_id), text: [c.doc_number, c.label].filter(Boolean).join(' · ') || c.clause_id }),
    el('p', { class: 'clause-text', text: c.text || '' }),
    el(
      'ul',
      { class: 'review-annotators' },
      (c.annotators || []).map((a) =>
        el('li', {
          text: `${a.user}: ${a.none ? 'không lĩnh vực nào' : (a.sectors || []).map(sectorName).join(', ')}`,
        }),
      ),
    ),
    el(
      'ul',
      { class: 'review-sectors' },
      sectors.map((s) =>
        el(
          'li',
          { 'data-testid': 'review-sector', 'data-sector-id': s.sector },
          el('strong', { text: s.sector_name || sectorName(s.sector) }),
          ` — gắn bởi ${(s.by || []).join(', ') || 'không ai'}${
            (s.not_by || []).length ? `; không gắn: ${s.not_by.join(', ')}` : ''
          } · `,
          el('span', { class: `review-status is-${s.status}`, 'data-testid': 'review-status', text: STATUS[s.status] || s.status }),
          ' ',
          verdictButton(c, s, 'accepted', 'Chấp nhận', doc),
          verdictButton(c, s, 'rejected', 'Bác bỏ', doc),
        ),
      ),
    ),
  );
}

function verdictButton(c, s, status, label, doc) {
  return el('button', {
    type: 'button',
    class: `btn btn-small${s.status === status ? ' is-on' : ''}`,
    'data-testid': `review-${status}`,
    text: label,
    onclick: async () => {
      try {
        await api(
          'PUT',
          `/api/review/${encodeSegments(c.clause_id)}/sectors/${encodeURIComponent(s.sector)}`,
          { auth: true, body: { status } },
        );
        toast(`${label}: ${s.sector_name || sectorName(s.sector)}.`, 'ok');
        showReview(doc);
      } catch (err) {
        toast(errorText(err));
      }
    },
  });
}
