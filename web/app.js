// vankien page: the entry point; shows the view of the current route and wires the page's controls.
//
// Plain JavaScript modules without a build step, one per view (search, home, document, tagging)
// beside the shared ones (util, api, sectors, router, auth). Document text is data: it is only
// ever put into the page with textContent. The one exception is the search snippet, which the
// server escapes and marks with <mark>; it is inserted as HTML only after checking that it holds
// nothing but text and marks.

import { TOKEN_KEY, limits, loadLimits } from './js/api.js';
import { checkKeptToken, closeAuthForm, openAuthForm, signIn, signOut, whoIsKnown } from './js/auth.js';
import { showCompare } from './js/compare.js';
import { showDocument } from './js/document.js';
import { showHome } from './js/home.js';
import { lastSearch, navigate, parseRoute, searchHash, setRenderer } from './js/router.js';
import {
  cancelSearch,
  currentSearch,
  onFilterChange,
  onSearchInput,
  pageSize,
  searchFromInput,
  showSearch,
} from './js/search.js';
import { initAdmin, showAdmin } from './js/admin.js';
import { onKey, toggleHelp } from './js/keys.js';
import { decideAndNext, showQueue, showQueueBar } from './js/queue.js';
import { showReview } from './js/review.js';
import { loadSectors } from './js/sectors.js';
import { closePicker, onPickerKey, picker, renderPickerList } from './js/tagging.js';
import { $, toast } from './js/util.js';

/** The views of the page, one `<section id="view-…">` each. */
const VIEWS = ['home', 'search', 'doc', 'compare', 'queue', 'review', 'admin'];

let renderedHash = null;

/** A team view (queue, review, admin) shown again once who is signed in changed. */
function showTeamViewAgain() {
  if (['queue', 'review', 'admin'].includes(parseRoute().view)) {
    renderedHash = null;
    render();
  }
}

/** Shows the view of the current hash (once per hash: back/forward and links re-render). */
function render() {
  if (location.hash === renderedHash) return;
  renderedHash = location.hash;
  const route = parseRoute();
  // Remember the last search so the document view can link back to it.
  if (route.view === 'search') lastSearch.hash = location.hash;
  closePicker(false);
  for (const v of VIEWS) $(`view-${v}`).hidden = v !== route.view;
  if (route.view === 'search') {
    showSearch(route.search);
  } else {
    cancelSearch();
    // The queue bar and the team's desks depend on who is signed in: they wait until the page
    // knows (the kept token is checked at start).
    const team = (show) => whoIsKnown().then(() => renderedHash === location.hash && show());
    if (route.view === 'doc') {
      showDocument(route.docId, route.clauseId);
      team(() => showQueueBar(route.clauseId, route.queue));
    } else if (route.view === 'compare') showCompare(route.a, route.b);
    else if (route.view === 'queue') team(() => showQueue(route.doc));
    else if (route.view === 'review') team(() => showReview(route.doc));
    else if (route.view === 'admin') team(() => showAdmin());
    else showHome();
  }
  if (route.view !== 'search') {
    const input = $('q');
    if (document.activeElement !== input && route.view === 'home') input.value = '';
  }
}

function init() {
  setRenderer(render);
  $('search-form').addEventListener('submit', (e) => {
    e.preventDefault();
    searchFromInput();
  });
  $('q').addEventListener('input', onSearchInput);
  for (const select of document.querySelectorAll('[data-filter]')) {
    select.addEventListener('change', onFilterChange);
  }
  $('filters-clear').addEventListener('click', () =>
    navigate(searchHash({ q: currentSearch.q, offset: 0 })),
  );
  $('page-prev').addEventListener('click', () => {
    navigate(searchHash({ ...currentSearch, offset: Math.max(0, currentSearch.offset - pageSize(currentSearch)) }));
    $('result-status').scrollIntoView({ block: 'nearest' });
  });
  $('page-next').addEventListener('click', () => {
    navigate(searchHash({ ...currentSearch, offset: currentSearch.offset + pageSize(currentSearch) }));
    $('result-status').scrollIntoView({ block: 'nearest' });
  });

  $('auth-open').addEventListener('click', () => {
    if ($('auth-form').hidden) openAuthForm();
    else closeAuthForm(true);
  });
  $('auth-cancel').addEventListener('click', () => closeAuthForm(true));
  $('auth-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const token = $('token').value.trim();
    if (!token) {
      toast('Hãy dán mã truy cập trước khi lưu.');
      $('token').focus();
      return;
    }
    signIn(token).then(showTeamViewAgain);
  });
  $('auth-form').addEventListener('keydown', (e) => {
    if (e.key === 'Escape') closeAuthForm(true);
  });
  $('auth-forget').addEventListener('click', () => {
    signOut();
    showTeamViewAgain();
    $('auth-open').focus();
  });

  $('picker-input').addEventListener('input', () => {
    picker.active = 0;
    renderPickerList();
  });
  $('picker-input').addEventListener('keydown', onPickerKey);
  $('picker-close').addEventListener('click', () => closePicker(true));
  $('picker').addEventListener('focusout', (e) => {
    if (picker.entry && e.relatedTarget && !$('picker').contains(e.relatedTarget)) closePicker(false);
  });

  $('doc-print').addEventListener('click', () => window.print());

  $('keys-close').addEventListener('click', () => toggleHelp(false));
  $('queue-next').addEventListener('click', () => decideAndNext());
  $('queue-none').addEventListener('click', () => decideAndNext({ noneApplies: true }));
  initAdmin();
  document.addEventListener('keydown', (e) => {
    if (onKey(e)) e.preventDefault();
  });

  // `/` jumps to the search box, as on many search sites.
  document.addEventListener('keydown', (e) => {
    if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey) return;
    const t = e.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    e.preventDefault();
    $('q').focus();
  });

  // Back/forward and links to `#/…` re-render; render() skips a hash it has already shown.
  window.addEventListener('hashchange', render);
  window.addEventListener('popstate', render);

  window.addEventListener('storage', (e) => {
    if (e.key === TOKEN_KEY) checkKeptToken();
  });

  $('q').maxLength = limits.max_query_chars;
  checkKeptToken();
  loadLimits().catch(() => {});
  loadSectors().catch(() => {});
  render();
}

// Modules run after the document is parsed.
init();
