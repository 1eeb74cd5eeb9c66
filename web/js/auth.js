// vankien page: the annotator's token and the sign-in form in the header.

import { TOKEN_KEY } from './api.js';
import { refreshAllChips } from './document.js';
import { $, toast } from './util.js';

// ---------------------------------------------------------------------------------------------
// The token of an annotator.

export function getToken() {
  try {
    return localStorage.getItem(TOKEN_KEY) || '';
  } catch {
    return '';
  }
}

export function setToken(token) {
  try {
    if (token) localStorage.setItem(TOKEN_KEY, token);
    else localStorage.removeItem(TOKEN_KEY);
  } catch {
    toast('Trình duyệt không cho lưu mã truy cập (bộ nhớ cục bộ bị tắt).');
  }
  renderAuth();
  refreshAllChips();
}

export function renderAuth() {
  const signedIn = Boolean(getToken());
  $('auth-signed-out').hidden = signedIn;
  $('auth-signed-in').hidden = !signedIn;
  if (signedIn) closeAuthForm(false);
}

export function openAuthForm() {
  $('auth-form').hidden = false;
  $('auth-open').setAttribute('aria-expanded', 'true');
  $('token').focus();
}

export function closeAuthForm(focusButton) {
  $('auth-form').hidden = true;
  $('auth-open').setAttribute('aria-expanded', 'false');
  $('token').value = '';
  if (focusButton) $('auth-open').focus();
}
