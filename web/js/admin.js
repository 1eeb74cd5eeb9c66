// vankien page: the admin's desk: users and their tokens (a new token shown once), assignments of
// documents or sections to annotators (blind or not), progress, and orphaned tags re-attached by hand.

import { api, errorText } from './api.js';
import { me } from './auth.js';
import { sectorName } from './sectors.js';
import { $, el, formatCount, formatTime, toast } from './util.js';

/** `#/admin`: everything at once, each part loaded on its own. */
export async function showAdmin() {
  const allowed = me && me.role === 'admin';
  const reviewer = me && (me.role === 'admin' || me.role === 'reviewer');
  $('admin-status').textContent = allowed
    ? ''
    : reviewer
      ? 'Người duyệt chỉ xem được các nhãn mồ côi.'
      : 'Chỉ quản trị viên xem được trang này.';
  for (const id of ['admin-users', 'admin-assign', 'admin-progress']) $(id).hidden = !allowed;
  $('admin-orphans').hidden = !reviewer;
  if (allowed) await Promise.all([loadUsers(), loadAssignForm(), loadProgress()]);
  if (reviewer) await loadOrphans();
}

async function loadUsers() {
  try {
    const body = await api('GET', '/api/users', { auth: true });
    const users = Array.isArray(body && body.users) ? body.users : [];
    $('users-list').replaceChildren(
      ...users.map((u) => {
        const active = (u.tokens || []).filter((t) => !t.revoked_at).length;
        return el(
          'li',
          { 'data-testid': 'user-item', 'data-user': u.name },
          el('strong', { text: u.name }),
          ` · ${u.role_label || u.role} · ${formatCount(active)} mã còn hiệu lực `,
          el('button', {
            type: 'button',
            class: 'btn btn-small',
            text: 'Cấp mã mới',
            onclick: () => newToken(u.name),
          }),
          ' ',
          el('button', {
            type: 'button',
            class: 'btn btn-small',
            'data-testid': 'user-revoke',
            text: 'Thu hồi mọi mã',
            onclick: () => revoke(u.name),
          }),
        );
      }),
    );
  } catch (err) {
    $('users-list').replaceChildren(el('li', { class: 'is-error', text: errorText(err) }));
  }
}

/** Shows a token once, to copy now: it cannot be shown again. */
function showToken(name, token) {
  $('token-once').hidden = false;
  $('token-once-name').textContent = name;
  $('token-once-value').textContent = token;
}

async function createUser(event) {
  event.preventDefault();
  const name = $('new-user-name').value.trim();
  const role = $('new-user-role').value;
  if (!name) return;
  try {
    const made = await api('POST', '/api/users', { auth: true, body: { name, role } });
    showToken(made.name, made.token);
    $('new-user-name').value = '';
    toast(`Đã tạo người dùng ${made.name}.`, 'ok');
    await Promise.all([loadUsers(), loadAssignForm()]);
  } catch (err) {
    toast(errorText(err));
  }
}

async function newToken(name) {
  try {
    const made = await api('POST', `/api/users/${encodeURIComponent(name)}/tokens`, { auth: true });
    showToken(made.name, made.token);
  } catch (err) {
    toast(errorText(err));
  }
}

async function revoke(name) {
  try {
    const done = await api('DELETE', `/api/users/${encodeURIComponent(name)}/tokens`, { auth: true });
    toast(`Đã thu hồi ${formatCount(done.revoked || 0)} mã của ${name}.`, 'ok');
    await loadUsers();
  } catch (err) {
    toast(errorText(err));
  }
}

/** The assignment form: the documents and the annotators to choose from. */
async function loadAssignForm() {
  try {
    const [docs, users] = await Promise.all([
      api('GET', '/api/documents'),
      api('GET', '/api/users', { auth: true }),
    ]);
    const list = Array.isArray(docs) ? docs : (docs && docs.documents) || [];
    $('assign-doc').replaceChildren(
      ...list.map((d) => el('option', { value: d.id, text: [d.number, d.title].filter(Boolean).join(' — ') || d.id })),
    );
    $('assign-users').replaceChildren(
      ...(users.users || []).map((u) =>
        el(
          'label',
          { class: 'check' },
          el('input', { type: 'checkbox', value: u.name, 'data-testid': 'assign-user' }),
          ` ${u.name}`,
        ),
      ),
    );
  } catch (err) {
    toast(errorText(err));
  }
}

async function assign(event) {
  event.preventDefault();
  const users = [...document.querySelectorAll('#assign-users input:checked')].map((i) => i.value);
  if (users.length === 0) {
    toast('Chọn ít nhất một người gắn nhãn.');
    return;
  }
  // A section as its labels from the root, `A/II`; empty: the whole document.
  const section = $('assign-section')
    .value.split('/')
    .map((l) => l.trim())
    .filter(Boolean);
  const body = {
    doc_id: $('assign-doc').value,
    section_path: section,
    users,
    blind: $('assign-blind').checked,
  };
  try {
    await api('POST', '/api/assignments', { auth: true, body });
    const what = section.length ? `phần ${section.join('/')}` : 'văn bản';
    toast(`Đã giao ${what} cho ${users.join(', ')}${body.blind ? ' (gắn độc lập)' : ''}.`, 'ok');
    $('assign-section').value = '';
    await loadProgress();
  } catch (err) {
    toast(errorText(err));
  }
}

async function loadProgress() {
  try {
    const body = await api('GET', '/api/progress', { auth: true });
    const docs = Array.isArray(body && body.documents) ? body.documents : [];
    $('progress-list').replaceChildren(
      ...docs.map((d) =>
        el(
          'li',
          { 'data-testid': 'progress-item' },
          el('strong', { text: d.doc_number || d.doc_id }),
          ` — ${formatCount(d.decided)}/${formatCount(d.assigned)}: `,
          (d.annotators || [])
            .map((a) => `${a.user} ${formatCount(a.decided)}/${formatCount(a.assigned)}${a.blind ? ' (độc lập)' : ''}`)
            .join(' · '),
        ),
      ),
    );
  } catch (err) {
    $('progress-list').replaceChildren(el('li', { class: 'is-error', text: errorText(err) }));
  }
}

async function loadOrphans() {
  try {
    const body = await api('GET', '/api/orphans', { auth: true });
    const orphans = Array.isArray(body && body.orphans) ? body.orphans : [];
    $('orphans-list').replaceChildren(
      ...(orphans.length
        ? orphans.map((o) => {
            const input = el('input', {
              type: 'text',
              placeholder: 'mã điều khoản mới',
              'aria-label': 'Mã điều khoản để gắn lại',
            });
            return el(
              'li',
              { 'data-testid': 'orphan-item' },
              el('strong', { text: sectorName(o.sector_id) }),
              ` · ${o.user} · ${o.doc_number || o.doc_id} · mồ côi từ ${formatTime(o.orphaned_at)}: `,
              el('q', { text: o.quote || o.clause_text || '' }),
              ' ',
              input,
              el('button', {
                type: 'button',
                class: 'btn btn-small',
                text: 'Gắn lại',
                onclick: () => reattach(o.id, input.value.trim()),
              }),
            );
          })
        : [el('li', { class: 'empty', text: 'Không có nhãn mồ côi.' })]),
    );
  } catch (err) {
    $('orphans-list').replaceChildren(el('li', { class: 'is-error', text: errorText(err) }));
  }
}

async function reattach(id, clauseId) {
  if (!clauseId) {
    toast('Nhập mã điều khoản để gắn lại (xem nút # của điều khoản).');
    return;
  }
  try {
    await api('POST', `/api/orphans/${encodeURIComponent(id)}/reattach`, {
      auth: true,
      body: { clause_id: clauseId },
    });
    toast('Đã gắn lại nhãn.', 'ok');
    await loadOrphans();
  } catch (err) {
    toast(errorText(err));
  }
}

/** Wires the forms once. */
export function initAdmin() {
  $('new-user-form').addEventListener('submit', createUser);
  $('assign-form').addEventListener('submit', assign);
}
