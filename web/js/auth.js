// vankien page: sign-in with an annotator's token (checked at once against the server), who is
// signed in and with which role, and signing out.

import { ApiError, TOKEN_KEY, api, errorText } from './api.js';
import { refreshAllChips } from './document.js';
import { $, toast } from './util.js';

/** Who is signed in, as the server said: { name, role, role_label }; null when no one is. */
export let me = null;

/**
 * Whether the server has the team's routes (queues, review, admin: `docs/team-api.md`); the
 * team's links show only then, checked once a user is known.
 */
let teamRoutes = false;

async function checkTeamRoutes() {
  try {
    await api('GET', '/api/progress', { auth: true });
    teamRoutes = true;
  } catch {
    teamRoutes = false;
  }
  renderAuth();
}

export function getToken() {
  try {
    return localStorage.getItem(TOKEN_KEY) || '';
  } catch {
    return '';
  }
}

function storeToken(token) {
  try {
    if (token) localStorage.setItem(TOKEN_KEY, token);
    else localStorage.removeItem(TOKEN_KEY);
    return true;
  } catch {
    toast('Trình duyệt không cho lưu mã truy cập (bộ nhớ cục bộ bị tắt).');
    return false;
  }
}

/** Whether tagging controls are shown: a token is kept (checked at sign-in and at start). */
export function signedIn() {
  return Boolean(getToken());
}

/** Whether the signed-in user may remove a tag that `users` made. */
export function mayRemove(users) {
  if (!me) return false;
  return me.role === 'admin' || users.includes(me.name);
}

/** Asks the server who `token` belongs to; an ApiError 401 when no one. */
async function whoIs(token) {
  return api('GET', '/api/me', { token });
}

/** Signs in with `token`: checked first, kept only when the server knows it. */
export async function signIn(token) {
  try {
    const who = await whoIs(token);
    if (!storeToken(token)) return;
    me = who;
    renderAuth();
    checkTeamRoutes();
    refreshAllChips();
    toast(`Đã đăng nhập: ${who.name} (${who.role_label}). Bạn có thể gắn lĩnh vực.`, 'ok');
  } catch (err) {
    const text =
      err instanceof ApiError && err.status === 401
        ? 'Mã truy cập không đúng hoặc đã bị thu hồi. Hãy kiểm tra lại mã.'
        : errorText(err);
    toast(text);
    $('auth-error').textContent = text;
    $('token').focus();
  }
}

/** Signs out: forgets the token on this browser. */
export function signOut() {
  storeToken('');
  me = null;
  renderAuth();
  refreshAllChips();
  toast('Đã đăng xuất trên trình duyệt này.', 'ok');
}

/** The last check of the kept token: views that depend on who is signed in wait for it. */
let checked = Promise.resolve();

/** Resolves once the page knows who the kept token belongs to (`me`). */
export function whoIsKnown() {
  return checked;
}

/** At start (and when another tab changes the token): who the kept token belongs to. */
export function checkKeptToken() {
  checked = checkToken();
  return checked;
}

async function checkToken() {
  const token = getToken();
  if (!token) {
    me = null;
    renderAuth();
    return;
  }
  try {
    me = await whoIs(token);
    checkTeamRoutes();
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      storeToken('');
      me = null;
      toast('Mã truy cập đã bị thu hồi hoặc không còn đúng: hãy đăng nhập lại.');
    }
    // Otherwise (the server unreachable) the token is kept and checked at the next write.
  }
  renderAuth();
  refreshAllChips();
}

export function renderAuth() {
  const on = signedIn();
  $('auth-signed-out').hidden = on;
  $('auth-signed-in').hidden = !on;
  $('auth-state').textContent = me ? `${me.name} · ${me.role_label}` : 'Đã đăng nhập';
  const role = me ? me.role : '';
  $('team-nav').hidden = !me || !teamRoutes;
  $('nav-review').hidden = role !== 'reviewer' && role !== 'admin';
  $('nav-admin').hidden = role !== 'reviewer' && role !== 'admin';
  if (on) closeAuthForm(false);
}

export function openAuthForm() {
  $('auth-form').hidden = false;
  $('auth-open').setAttribute('aria-expanded', 'true');
  $('auth-error').textContent = '';
  $('token').focus();
}

export function closeAuthForm(focusButton) {
  $('auth-form').hidden = true;
  $('auth-open').setAttribute('aria-expanded', 'false');
  $('token').value = '';
  $('auth-error').textContent = '';
  if (focusButton) $('auth-open').focus();
}
