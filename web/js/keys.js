// vankien page: keyboard-first tagging in the document view: next and previous clause, a key per
// frequent sector, the picker, accepting a suggestion, undo, and a help overlay that lists them.

import { signedIn } from './auth.js';
import { currentEntries } from './document.js';
import { sectorList, sectorName } from './sectors.js';
import { decideAndNext, inQueue } from './queue.js';
import { accept, firstSuggestion, loadSuggestions } from './suggest.js';
import { openPicker, tag, untag } from './tagging.js';
import { $, el, toast } from './util.js';

/** How many sectors get a number key. */
const SECTOR_KEYS = 9;
/** Where the counts of sectors this browser has tagged with live between visits. */
const USE_KEY = 'vankien.sector-use';

/** The clause the keys act on (an entry of the document view), or null. */
let current = null;
/** What had the focus when the help overlay opened. */
let helpOpener = null;
/** What the keys did, newest last, for undo: { entry, sectorId, method }. */
const done = [];

function useCounts() {
  try {
    return JSON.parse(localStorage.getItem(USE_KEY) || '{}') || {};
  } catch {
    return {};
  }
}

function countUse(sectorId) {
  const counts = useCounts();
  counts[sectorId] = (counts[sectorId] || 0) + 1;
  try {
    localStorage.setItem(USE_KEY, JSON.stringify(counts));
  } catch {
    // Without storage the keys keep the taxonomy's order.
  }
}

/**
 * The sectors on keys 1–9: those this browser tags with most, then the taxonomy's order for the
 * rest, so the keys stay put while one works.
 */
export function keyedSectors() {
  const counts = useCounts();
  const all = sectorList.map((s) => s.id);
  const used = all.filter((id) => counts[id]).sort((a, b) => counts[b] - counts[a]);
  const rest = all.filter((id) => !counts[id]);
  return [...used, ...rest].slice(0, SECTOR_KEYS);
}

/**
 * Makes `entry` the current clause: marked, and with `focus` scrolled to and focused (a click
 * marks it only: the click already put the focus where it belongs, a button or the picker).
 */
export function setCurrent(entry, { focus = true } = {}) {
  if (current && current.node) current.node.classList.remove('is-current');
  current = entry;
  if (!entry) return;
  entry.node.classList.add('is-current');
  if (signedIn()) loadSuggestions(entry);
  if (!focus) return;
  entry.node.scrollIntoView({ block: 'nearest' });
  entry.node.focus({ preventScroll: true });
}

function move(step) {
  const entries = currentEntries();
  if (entries.length === 0) return;
  const at = current ? entries.indexOf(current) : -1;
  const next = at < 0 ? (step > 0 ? 0 : entries.length - 1) : at + step;
  if (next >= 0 && next < entries.length) setCurrent(entries[next]);
}

async function toggle(sectorId) {
  if (!current) {
    toast('Chọn một điều khoản trước (phím j hoặc k).');
    return;
  }
  const entry = current;
  const method = entry.sectors.includes(sectorId) ? 'DELETE' : 'PUT';
  const ok = method === 'PUT' ? await tag(entry, sectorId) : await untag(entry, sectorId);
  if (ok) {
    done.push({ entry, sectorId, method });
    if (method === 'PUT') countUse(sectorId);
  }
}

/** Applies the best suggestion of the current clause (key `a`), kept for undo like a key's tag. */
async function acceptFirst() {
  const s = firstSuggestion(current);
  if (!s) {
    toast(current ? 'Điều khoản này chưa có gợi ý nào.' : 'Chọn một điều khoản trước (phím j hoặc k).');
    return;
  }
  const entry = current;
  if (await accept(entry, s.sector)) {
    done.push({ entry, sectorId: s.sector, method: 'PUT' });
    countUse(s.sector);
  }
}

async function undo() {
  const last = done.pop();
  if (!last) {
    toast('Không còn thao tác nào để hoàn tác.');
    return;
  }
  const ok =
    last.method === 'PUT' ? await untag(last.entry, last.sectorId) : await tag(last.entry, last.sectorId);
  if (!ok) done.push(last);
  else setCurrent(last.entry);
}

/** Shows or hides the help overlay, listing the keys and the sectors on the number keys. */
export function toggleHelp(show) {
  const box = $('keys-help');
  const open = show === undefined ? box.hidden : show;
  if (open) {
    $('keys-sectors').replaceChildren(
      ...keyedSectors().map((id, i) =>
        el('li', {}, el('kbd', { text: String(i + 1) }), ` ${sectorName(id)}`),
      ),
    );
  }
  if (open && box.hidden) helpOpener = document.activeElement;
  const hadFocus = box.contains(document.activeElement);
  box.hidden = !open;
  if (open) $('keys-close').focus();
  else if (hadFocus) {
    // Focus goes back where it was, not left on a button now hidden (a dialog's keyboard rule).
    const back = helpOpener && document.contains(helpOpener) ? helpOpener : document.body;
    if (back === document.body) document.activeElement.blur();
    else back.focus();
    helpOpener = null;
  }
}

/** Whether a key press belongs to a field being typed in (then the keys stay out of the way). */
function typing(target) {
  return Boolean(
    target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)),
  );
}

/** The keys of the document view; returns whether it handled `e`. */
export function onKey(e) {
  if (e.ctrlKey || e.metaKey || e.altKey || typing(e.target)) return false;
  if (e.key === '?') {
    toggleHelp();
    return true;
  }
  if (e.key === 'Escape' && !$('keys-help').hidden) {
    toggleHelp(false);
    return true;
  }
  if ($('view-doc').hidden) return false;
  switch (e.key) {
    case 'j':
      move(1);
      return true;
    case 'k':
      move(-1);
      return true;
    default:
      break;
  }
  if (!signedIn()) return false;
  if (e.key === 't' && current) {
    openPicker(current, current.tagButton);
    return true;
  }
  if (e.key === 'n' && inQueue()) {
    decideAndNext();
    return true;
  }
  if (e.key === '0' && inQueue()) {
    decideAndNext({ noneApplies: true });
    return true;
  }
  if (e.key === 'u') {
    undo();
    return true;
  }
  if (e.key === 'a') {
    acceptFirst();
    return true;
  }
  if (/^[1-9]$/.test(e.key)) {
    const id = keyedSectors()[Number(e.key) - 1];
    if (id) toggle(id);
    return true;
  }
  return false;
}

/** Forgets the current clause and the undo list (a new document is shown). */
export function resetKeys() {
  current = null;
  done.length = 0;
}
