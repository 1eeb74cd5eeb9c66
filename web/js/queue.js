// vankien page: an annotator's queue: the next clause of their assignments they have not decided,
// opened in its document with a bar to decide it ("no sector applies", or done) and go on.

import { api, clauseUrl, encodeSegments, errorText } from './api.js';
import { me } from './auth.js';
import { navigate } from './router.js';
import { $, el, formatCount, toast } from './util.js';

/** The clause the queue bar is about, while the queue brought the annotator to it. */
let queued = null;

const decisionUrl = (id) => `/api/decisions/${encodeSegments(id)}`;

/** `#/queue`: goes to the next undecided clause, or says there is none. */
export async function showQueue(doc) {
  const status = $('queue-status');
  status.textContent = 'Đang tìm điều khoản tiếp theo…';
  $('queue-progress').replaceChildren();
  if (!me) {
    status.textContent = 'Hãy đăng nhập để xem hàng đợi của bạn.';
    return;
  }
  await goNext(null, doc);
}

/** Asks for the next undecided clause after `after` and opens it, or shows the progress. */
async function goNext(after, doc) {
  const params = new URLSearchParams();
  if (after) params.set('after', after);
  if (doc) params.set('doc', doc);
  try {
    const next = await api('GET', `/api/queue/next?${params}`, { auth: true });
    if (next && next.clause) {
      navigate(`#/clause/${encodeSegments(next.clause.id)}?queue`);
      return;
    }
    queued = null;
    navigate(doc ? `#/queue?doc=${encodeURIComponent(doc)}` : '#/queue');
    await showProgress();
    $('queue-status').textContent = 'Bạn đã quyết định mọi điều khoản được giao. Cảm ơn!';
  } catch (err) {
    $('queue-status').textContent = errorText(err);
  }
}

/** The signed-in annotator's progress, per document. */
async function showProgress() {
  try {
    const body = await api('GET', '/api/progress', { auth: true });
    const docs = Array.isArray(body && body.documents) ? body.documents : [];
    const mine = (d) =>
      (Array.isArray(d.annotators) ? d.annotators : []).find((a) => me && a.user === me.name);
    $('queue-progress').replaceChildren(
      ...docs
        .filter(mine)
        .map((d) =>
          el(
            'li',
            { 'data-testid': 'queue-progress-item' },
            `${d.doc_number || d.doc_id}: ${formatCount(mine(d).decided)}/${formatCount(mine(d).assigned)} điều khoản đã quyết định`,
          ),
        ),
    );
  } catch (err) {
    toast(errorText(err));
  }
}

/** In the document view: shows the queue bar for `clauseId` when the queue brought us here. */
export async function showQueueBar(clauseId, fromQueue) {
  const bar = $('queue-bar');
  if (!fromQueue || !me) {
    bar.hidden = true;
    queued = null;
    return;
  }
  queued = clauseId;
  bar.hidden = false;
  $('queue-bar-text').textContent = 'Đang làm theo hàng đợi…';
  try {
    const next = await api('GET', `/api/queue/next?after=${encodeURIComponent(clauseId)}`, {
      auth: true,
    });
    const p = (next && next.progress) || {};
    $('queue-bar-text').textContent = `Hàng đợi: đã quyết định ${formatCount(p.decided || 0)}/${formatCount(
      p.assigned || 0,
    )} điều khoản${next && next.blind ? ' · gắn độc lập (chưa thấy nhãn của người khác)' : ''}`;
  } catch (err) {
    $('queue-bar-text').textContent = errorText(err);
  }
}

/** Decides the queued clause as it stands (its sectors, or none) and goes to the next one. */
export async function decideAndNext({ noneApplies = false } = {}) {
  const id = queued;
  if (!id) return false;
  try {
    if (noneApplies) {
      const clause = await api('GET', clauseUrl(id));
      const mineTagged = (clause.tags || []).some((t) => me && t.user === me.name);
      if (mineTagged) {
        toast('Bạn đã gắn lĩnh vực cho điều khoản này: hãy bỏ nhãn trước, hoặc chọn “Xong”.');
        return false;
      }
    }
    const answer = await api('PUT', decisionUrl(id), { auth: true });
    toast(
      answer && answer.none
        ? 'Đã ghi: không lĩnh vực nào phù hợp.'
        : `Đã ghi quyết định: ${formatCount((answer && answer.sectors ? answer.sectors : []).length)} lĩnh vực.`,
      'ok',
    );
    await goNext(id, '');
    return true;
  } catch (err) {
    toast(errorText(err));
    return false;
  }
}

/** Whether the queue bar is showing (the keys `n` and `0` act only then). */
export function inQueue() {
  return Boolean(queued) && !$('queue-bar').hidden;
}
