// The server's REST API (/api/v1, see the README's API reference and /api/v1/openapi.json).
// Errors arrive as {"error": {"code", "message", "field"}} and become ApiError. A 401 on any
// call but signing in means the session has ended: the app returns to the sign-in page.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field: string | null = null,
    /** the whole answer, for errors that carry more (an import's row errors) */
    readonly body: unknown = null,
  ) {
    super(message);
  }
}

let csrfToken: string | null = null;

/** The CSRF token of the current session, sent with every change (X-CSRF-Token). */
export function setCsrfToken(token: string | null) {
  csrfToken = token;
}

export const SESSION_EXPIRED = 'huikuan:session-expired';

type Body = { json?: unknown; form?: FormData; text?: string };

async function call(method: string, path: string, body: Body = {}): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  let payload: BodyInit | undefined;
  if (body.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body.json);
  } else if (body.form) {
    payload = body.form;
  } else if (body.text !== undefined) {
    headers['Content-Type'] = 'text/plain; charset=utf-8';
    payload = body.text;
  }
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(path, { method, headers, body: payload, credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'network', 'network');
  }
  if (response.ok) return response;
  let code = 'http_' + response.status;
  let message = response.statusText;
  let field: string | null = null;
  let json: unknown = null;
  try {
    json = await response.json();
    const error = (json as { error: { code?: string; message?: string; field?: string } }).error;
    code = error.code ?? code;
    message = error.message ?? message;
    field = error.field ?? null;
  } catch {
    // not the API's error shape: keep the status
  }
  if (response.status === 401 && path !== '/api/v1/session') {
    window.dispatchEvent(new Event(SESSION_EXPIRED));
  }
  throw new ApiError(response.status, code, message, field, json);
}

export async function get<T>(path: string, query?: Record<string, string | number | undefined>) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  const suffix = params.toString() ? '?' + params.toString() : '';
  return (await (await call('GET', path + suffix)).json()) as T;
}

export async function post<T>(path: string, json: unknown = {}) {
  return (await (await call('POST', path, { json })).json()) as T;
}

export async function postForm<T>(path: string, form: FormData) {
  return (await (await call('POST', path, { form })).json()) as T;
}

export async function putText<T>(path: string, text: string) {
  return (await (await call('PUT', path, { text })).json()) as T;
}

export async function postText<T>(path: string, text: string) {
  return (await (await call('POST', path, { text })).json()) as T;
}

export async function del<T>(path: string) {
  return (await (await call('DELETE', path)).json()) as T;
}

/** A URL for a download (CSV, Excel) the browser fetches itself with the session cookie. */
export function downloadUrl(path: string, query: Record<string, string | undefined>) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value) params.set(key, value);
  return path + '?' + params.toString();
}
