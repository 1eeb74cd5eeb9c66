// vankien page: small DOM and text helpers shared by every view; strings become text nodes, never HTML.

/** `tr. 3` or `tr. 3–4`: the pages of a clause, where its source has pages. */
export function pagesText(pages) {
  if (!Array.isArray(pages) || pages.length !== 2) return '';
  return pages[0] === pages[1] ? `tr. ${pages[0]}` : `tr. ${pages[0]}–${pages[1]}`;
}

export const $ = (id) => document.getElementById(id);

// ---------------------------------------------------------------------------------------------
// Small DOM helpers. Strings become text nodes, never HTML.

export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return node;
}

/** Folds Vietnamese for matching: no tone or vowel marks, đ as d, lower case. */
export function fold(s) {
  return String(s)
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** Formats an ISO date (`2020-10-15`) the Vietnamese way (`15/10/2020`). */
export function formatDate(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || '');
  return m ? `${m[3]}/${m[2]}/${m[1]}` : iso || '';
}

/** Formats an RFC 3339 time as local `28/11/2026 lúc 10:41`. */
export function formatTime(rfc3339) {
  const d = new Date(rfc3339);
  if (Number.isNaN(d.getTime())) return rfc3339 || '';
  const two = (n) => String(n).padStart(2, '0');
  return `${two(d.getDate())}/${two(d.getMonth() + 1)}/${d.getFullYear()} lúc ${two(d.getHours())}:${two(d.getMinutes())}`;
}

export function formatCount(n) {
  return new Intl.NumberFormat('vi-VN').format(n);
}

// A snippet may contain only escaped text and <mark>…</mark>; anything else is shown as text.
const SAFE_SNIPPET = /^(?:[^<>]|<mark>|<\/mark>)*$/;

export function setSnippet(node, snippet, fallback) {
  if (typeof snippet === 'string' && snippet && SAFE_SNIPPET.test(snippet)) {
    const tpl = document.createElement('template');
    tpl.innerHTML = snippet;
    const onlyTextAndMarks = [...tpl.content.childNodes].every(
      (n) =>
        n.nodeType === Node.TEXT_NODE ||
        (n.nodeName === 'MARK' && [...n.childNodes].every((c) => c.nodeType === Node.TEXT_NODE)),
    );
    if (onlyTextAndMarks) {
      node.replaceChildren(tpl.content);
      return;
    }
  }
  node.textContent = fallback || '';
}

// ---------------------------------------------------------------------------------------------
// Toast: one line of feedback for actions (tagging, errors of writes).

let toastTimer = 0;

export function toast(message, kind) {
  const node = $('toast');
  node.textContent = message;
  node.className = `toast${kind === 'ok' ? ' toast-ok' : ''}`;
  node.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => {
    node.hidden = true;
  }, 6000);
}
