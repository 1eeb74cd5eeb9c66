// vankien page: the HTTP API (requests, errors in Vietnamese, the server's limits) and the token.

import { getToken } from './auth.js';
import { $ } from './util.js';

/**
 * The server's limits, as `GET /api/limits` publishes them once the page starts; these
 * defaults (the server's own) hold until then.
 */
export const limits = {
  max_query_chars: 1000,
  max_words: 64,
  max_limit: 100,
  max_offset: 10000,
  max_export_rows: 100000,
};
/** Where the annotator's API token lives between visits. */
export const TOKEN_KEY = 'vankien.token';

// ---------------------------------------------------------------------------------------------
// The HTTP API.

/** Clause ids contain `/`: each path segment is encoded, the separators are kept. */
export const encodeSegments = (id) => String(id).split('/').map(encodeURIComponent).join('/');
export const clauseUrl = (id) => `/api/clauses/${encodeSegments(id)}`;
export const clauseSectorUrl = (id, sector) => `${clauseUrl(id)}/sectors/${encodeURIComponent(sector)}`;
export const documentUrl = (id) => `/api/documents/${encodeURIComponent(id)}`;
export const clauseHash = (id) => `#/clause/${encodeSegments(id)}`;
export const docHash = (id) => `#/doc/${encodeURIComponent(id)}`;

export class ApiError extends Error {
  constructor(status, code, message, retryAfter) {
    super(message || code || `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.code = code || '';
    this.retryAfter = retryAfter || '';
    /** How many times [`api`] sent the request again before giving up. */
    this.retries = 0;
  }
}

/**
 * How many times a read the server refused as too busy (503 `overloaded`, or too many
 * connections) is sent again before its error is shown; each waits the `Retry-After` the server
 * asked, one to one and a half times over so that the pages it refused together do not come
 * back together.
 */
export const BUSY_RETRIES = 3;
/** The longest wait before a retry, in seconds, whatever `Retry-After` asks. */
const MOST_WAIT_S = 10;

/** Whether a refusal is the server shedding load for a moment: worth sending the read again. */
const isBusy = (err) =>
  err instanceof ApiError &&
  err.status === 503 &&
  (err.code === 'overloaded' || err.code === 'too_many_connections');

/** The wait, in milliseconds, before retry number `attempt` (1, 2, …) after `err`. */
function busyWait(err, attempt) {
  const asked = Number.parseInt(err.retryAfter, 10);
  const seconds = Math.min(MOST_WAIT_S, Number.isFinite(asked) && asked > 0 ? asked : attempt);
  return Math.round(seconds * 1000 * (1 + Math.random() / 2));
}

/** Resolves after `ms`, or rejects with an `AbortError` as soon as `signal` aborts. */
function pause(ms, signal) {
  return new Promise((resolve, reject) => {
    const abort = () => {
      clearTimeout(timer);
      reject(new DOMException('The request was aborted.', 'AbortError'));
    };
    const timer = setTimeout(() => {
      if (signal) signal.removeEventListener('abort', abort);
      resolve();
    }, ms);
    if (signal) {
      if (signal.aborted) abort();
      else signal.addEventListener('abort', abort, { once: true });
    }
  });
}

/**
 * A request to the API. The kept token goes with every request (reads too: blind annotation
 * hides others' tags from whoever is not known to have decided); `auth` says the request needs
 * one, `token` checks a given one; `body` is sent as JSON.
 *
 * A read (`GET`) the server refused as too busy is sent again, up to [`BUSY_RETRIES`] times,
 * after the wait it asked; `onBusy(seconds, attempt)` is told before each wait (the search shows
 * it). A write is never sent again: its refusal says it was not applied, and the user decides.
 */
export async function api(method, path, options = {}) {
  const { signal, onBusy } = options;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await request(method, path, options);
    } catch (err) {
      if (method !== 'GET' || attempt > BUSY_RETRIES || !isBusy(err)) {
        if (err instanceof ApiError) err.retries = attempt - 1;
        throw err;
      }
      const wait = busyWait(err, attempt);
      if (onBusy) onBusy(Math.max(1, Math.round(wait / 1000)), attempt);
      await pause(wait, signal);
    }
  }
}

/** One request to the API, as [`api`] describes, without retries. */
async function request(method, path, { signal, auth, token: given, body: payload } = {}) {
  const headers = { Accept: 'application/json' };
  const token = given || getToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  else if (auth) throw new ApiError(401, 'no_token', '');
  let sent;
  if (payload !== undefined) {
    headers['Content-Type'] = 'application/json';
    sent = JSON.stringify(payload);
  }
  let res;
  try {
    res = await fetch(path, { method, headers, body: sent, signal, cache: 'no-store' });
  } catch (err) {
    if (err && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'network', String(err));
  }
  const text = await res.text();
  let body = null;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = null;
    }
  }
  if (!res.ok) {
    throw new ApiError(
      res.status,
      body && body.code,
      body && body.message,
      res.headers.get('Retry-After'),
    );
  }
  return body;
}

/** The Vietnamese sentence for each code of a refused query; others show the server's message. */
const QUERY_ERRORS = {
  query_too_long: () => `Câu tìm kiếm quá dài: tối đa ${limits.max_query_chars} ký tự. Hãy rút gọn.`,
  query_too_many_words: () => `Câu tìm kiếm có quá nhiều từ: tối đa ${limits.max_words} từ.`,
  query_unbalanced_quote: () => 'Thiếu dấu ngoặc kép đóng: một cụm từ cần cả dấu " mở và dấu " đóng.',
  query_control_character: () => 'Câu tìm kiếm có ký tự điều khiển. Hãy xoá ký tự lạ.',
  query_empty: () => 'Hãy gõ một từ, một "cụm từ" hoặc số hiệu văn kiện.',
  query_offset_too_deep: () =>
    `Không xem được quá ${limits.max_offset} kết quả đầu. Hãy thêm từ hoặc bộ lọc để thu hẹp.`,
  query_empty_year_range: () => 'Khoảng năm trống: năm bắt đầu ở sau năm kết thúc.',
};

/** Reads the server's limits once, and applies them to the search box. */
export async function loadLimits() {
  const got = await api('GET', '/api/limits');
  for (const key of Object.keys(limits)) {
    if (Number.isInteger(got[key]) && got[key] > 0) limits[key] = got[key];
  }
  $('q').maxLength = limits.max_query_chars;
}

/** The Vietnamese sentence for an error from the API. */
export function errorText(err) {
  if (!(err instanceof ApiError)) return 'Đã xảy ra lỗi không mong muốn trên trang.';
  if (err.code === 'no_token') return 'Cần đăng nhập bằng mã truy cập trước khi gắn lĩnh vực.';
  switch (err.status) {
    case 0:
      return 'Không kết nối được với máy chủ. Kiểm tra máy chủ vankien còn chạy không.';
    case 400:
      if (QUERY_ERRORS[err.code]) return QUERY_ERRORS[err.code]();
      // The server's own message says what it refused (in English).
      return err.message && err.message !== err.code
        ? `Yêu cầu không hợp lệ: ${err.message}`
        : 'Yêu cầu không hợp lệ. Hãy bỏ bớt ký tự đặc biệt hoặc bộ lọc lạ trong địa chỉ trang.';
    case 401:
      return 'Mã truy cập không hợp lệ hoặc đã bị thu hồi. Hãy đăng nhập lại bằng mã truy cập mới.';
    case 409:
      return err.message
        ? `Không thực hiện được vì xung đột: ${err.message}`
        : 'Không thực hiện được: việc này đã có rồi (trùng tên hoặc đã giao).';
    case 403:
      return 'Tài khoản này không có quyền thực hiện thao tác này.';
    case 404:
      return 'Không tìm thấy nội dung được yêu cầu (có thể văn kiện đã thay đổi).';
    case 408:
      return 'Máy chủ xử lý quá lâu. Vui lòng thử lại.';
    case 413:
      return 'Yêu cầu quá lớn.';
    case 414:
    case 431:
      return 'Câu tìm kiếm quá dài. Hãy rút gọn.';
    case 429:
    case 503: {
      if (err.code === 'timeout') return 'Máy chủ xử lý quá lâu. Vui lòng thử lại.';
      if (err.retries > 0) {
        return `Máy chủ đang bận: đã tự thử lại ${err.retries} lần mà chưa được. Vui lòng thử lại sau ít phút.`;
      }
      const wait = Number.parseInt(err.retryAfter, 10);
      const hint = Number.isFinite(wait) ? ` sau ${wait} giây` : ' sau ít phút';
      return `Máy chủ đang bận. Vui lòng thử lại${hint}.`;
    }
    default:
      return err.status >= 500
        ? `Máy chủ gặp lỗi (mã ${err.status}). Vui lòng thử lại sau.`
        : `Yêu cầu bị từ chối (mã ${err.status}).`;
  }
}
