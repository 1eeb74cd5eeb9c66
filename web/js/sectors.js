// vankien page: the sector taxonomy, loaded once and shared by results, documents and the picker.

import { api } from './api.js';

// ---------------------------------------------------------------------------------------------
// Sectors: loaded once, shared by results, documents and the picker.

/** Sector id → { id, name, parent }. */
export const sectorById = new Map();
/** Sectors in display order, sub-sectors after their parent. */
export let sectorList = [];
let sectorsLoading = null;

export function loadSectors() {
  if (!sectorsLoading) {
    sectorsLoading = api('GET', '/api/sectors')
      .then((body) => {
        const raw = Array.isArray(body) ? body : (body && body.sectors) || [];
        const all = raw.map((s) => ({
          id: String(s.id),
          name: String(s.name || s.id),
          parent: s.parent ? String(s.parent) : null,
        }));
        sectorById.clear();
        for (const s of all) sectorById.set(s.id, s);
        const ordered = [];
        const placed = new Set();
        const place = (s, depth) => {
          if (placed.has(s.id)) return;
          placed.add(s.id);
          ordered.push({ ...s, depth });
          for (const c of all) if (c.parent === s.id) place(c, depth + 1);
        };
        for (const s of all) if (!s.parent || !sectorById.has(s.parent)) place(s, 0);
        for (const s of all) place(s, 0);
        sectorList = ordered;
        return sectorList;
      })
      .catch((err) => {
        sectorsLoading = null;
        throw err;
      });
  }
  return sectorsLoading;
}

export function sectorName(id) {
  const s = sectorById.get(id);
  return s ? s.name : id;
}

/** The sector ids of a clause or hit, whichever shape the server sends. */
export function sectorIds(list) {
  if (!Array.isArray(list)) return [];
  return list
    .map((s) => (typeof s === 'string' ? s : s && (s.id || s.sector_id || s.sector)))
    .filter(Boolean)
    .map(String);
}
