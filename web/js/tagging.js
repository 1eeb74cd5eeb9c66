// vankien page: tagging a clause with a sector (writes to the API) and the sector picker.

import { ApiError, api, clauseSectorUrl, errorText } from './api.js';
import { getToken, openAuthForm } from './auth.js';
import { loadHistory, renderChips, tagsOf } from './document.js';
import { loadSectors, sectorIds, sectorList, sectorName } from './sectors.js';
import { $, el, fold, toast } from './util.js';

// ---------------------------------------------------------------------------------------------
// Tagging.

const busyWrites = new Set();

export async function tag(entry, sectorId) {
  return write(entry, sectorId, 'PUT');
}

export async function untag(entry, sectorId) {
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
      if (Array.isArray(answer.tags)) entry.tags = tagsOf(answer.tags);
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
export const picker = { entry: null, button: null, options: [], active: 0 };

export async function openPicker(entry, button) {
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

export function closePicker(focusButton) {
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

export function renderPickerList() {
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

export function onPickerKey(event) {
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
