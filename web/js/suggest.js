// vankien page: sector suggestions for the clause being tagged (GET /api/clauses/{id}/suggestions),
// shown under its chips, never applied alone: a click or the key `a` applies one.

import { api, clauseUrl } from './api.js';
import { signedIn } from './auth.js';
import { sectorName } from './sectors.js';
import { tag } from './tagging.js';
import { el } from './util.js';

/** How many suggestions a clause shows. */
const SHOWN = 3;

/** Suggestions by clause id, as the server last answered: [{ sector, sector_name, why }]. */
const cache = new Map();

/** The suggestions of `entry` still worth showing: not a sector the clause carries. */
function open(entry) {
  const list = cache.get(entry.clause.id) || [];
  return list.filter((s) => !entry.sectors.includes(s.sector)).slice(0, SHOWN);
}

/** The best suggestion of `entry` not yet applied, or null (none asked, or none left). */
export function firstSuggestion(entry) {
  return entry ? open(entry)[0] || null : null;
}

/**
 * Asks the server for the suggestions of `entry` (once a clause, again after its tags change)
 * and shows them. Only for a signed-in annotator: a reader sees no tagging controls.
 */
export async function loadSuggestions(entry, { again = false } = {}) {
  if (!entry || !entry.suggestions || !signedIn()) return;
  if (cache.has(entry.clause.id) && !again) {
    renderSuggestions(entry);
    return;
  }
  try {
    const answer = await api('GET', `${clauseUrl(entry.clause.id)}/suggestions`);
    cache.set(entry.clause.id, Array.isArray(answer && answer.suggestions) ? answer.suggestions : []);
  } catch {
    // A nicety: without suggestions the clause is tagged as before.
    cache.set(entry.clause.id, []);
  }
  renderSuggestions(entry);
}

/** Draws the suggestions of `entry` from what the server last answered. */
export function renderSuggestions(entry) {
  if (!entry || !entry.suggestions) return;
  const list = signedIn() ? open(entry) : [];
  entry.suggestions.hidden = list.length === 0;
  entry.suggestions.replaceChildren(
    ...(list.length
      ? [
          el('span', { class: 'suggest-label', text: 'Gợi ý:' }),
          ...list.map((s, i) =>
            el('button', {
              type: 'button',
              class: 'suggestion',
              'data-testid': 'suggestion',
              'data-sector-id': s.sector,
              title: [s.why, i === 0 ? 'Phím a để nhận gợi ý này' : ''].filter(Boolean).join(' · '),
              text: `+ ${s.sector_name || sectorName(s.sector)}`,
              onclick: () => accept(entry, s.sector),
            }),
          ),
        ]
      : []),
  );
}

/** Applies the suggestion `sectorId` to `entry`: a tag like any other, then fresh suggestions. */
export async function accept(entry, sectorId) {
  const ok = await tag(entry, sectorId);
  if (ok) loadSuggestions(entry, { again: true });
  return ok;
}

/** Forgets every clause's suggestions (a new document, or the tags may have moved). */
export function forgetSuggestions() {
  cache.clear();
}
