// API client: bearer token from the browser session, RFC 7807 problem details turned into ApiProblem errors.

const TOKEN_KEY = 'planner.token';
const BASE = '/api/v1';

export const token = {
  get: () => sessionStorage.getItem(TOKEN_KEY) || '',
  set: (value) => (value ? sessionStorage.setItem(TOKEN_KEY, value.trim()) : sessionStorage.removeItem(TOKEN_KEY)),
};

/**
 * An error answer of the API, keeping the fields of its RFC 7807 problem details document (title, detail, type,
 * instance) and the API's extensions: the offending request field and the list of problems found.
 */
export class ApiProblem extends Error {
  constructor({ status, title, detail, type, instance, field, problems, method, path }) {
    super(detail || title || `HTTP ${status}`);
    Object.assign(this, { status, title, detail, type, instance, field, problems, method, path });
  }
}

async function problemFrom(response, method, path) {
  const text = await response.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  const base = { status: response.status, method, path };
  if (body && typeof body === 'object') {
    return new ApiProblem({
      ...base,
      title: body.title || response.statusText,
      detail: body.detail || null,
      type: body.type || null,
      instance: body.instance || null,
      field: body.field || null,
      problems: body.problems || null,
    });
  }
  return new ApiProblem({ ...base, title: response.statusText || `HTTP ${response.status}`, detail: text ? text.slice(0, 500) : null });
}

/** Calls the API. Returns the parsed JSON (or text for non-JSON answers); throws ApiProblem for every answer outside 2xx. */
export async function request(method, path, { body, headers = {}, accept } = {}) {
  const url = path.startsWith('/') && !path.startsWith(BASE) ? BASE + path : path;
  const allHeaders = { Accept: accept || 'application/json, application/problem+json', ...headers };
  const bearer = token.get();
  if (bearer) allHeaders.Authorization = `Bearer ${bearer}`;
  let payload;
  if (body !== undefined) {
    allHeaders['Content-Type'] = 'application/json';
    payload = typeof body === 'string' ? body : JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(url, { method, headers: allHeaders, body: payload });
  } catch (e) {
    throw new ApiProblem({ status: 0, title: 'Service unreachable', detail: `${method} ${url}: ${e.message}`, method, path: url });
  }
  if (!response.ok) throw await problemFrom(response, method, url);
  const type = response.headers.get('Content-Type') || '';
  const text = await response.text();
  return text && type.includes('json') ? JSON.parse(text) : text;
}

export const api = {
  get: (path, options) => request('GET', path, options),
  post: (path, body, options) => request('POST', path, { ...options, body }),
  put: (path, body, options) => request('PUT', path, { ...options, body }),
  delete: (path, options) => request('DELETE', path, options),
};

/** A fresh Idempotency-Key; crypto.randomUUID exists only in secure contexts, so fall back to getRandomValues. */
export function idempotencyKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
