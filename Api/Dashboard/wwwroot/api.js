// The REST side of the dashboard: the session (kept in sessionStorage, so it ends with the tab) and
// fetch calls that carry its bearer token, refreshing it once when it has expired.
const key = 'orleanshub.session';

/** A failed API call; `problem` is the application/problem+json body when there was one. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

export const session = {
  get current() {
    const saved = sessionStorage.getItem(key);
    return saved ? JSON.parse(saved) : null;
  },
  save(value) {
    sessionStorage.setItem(key, JSON.stringify({ ...value, expires_at: Date.now() + value.expires_in * 1000 }));
  },
  clear() {
    sessionStorage.removeItem(key);
  },
};

let refreshing = null;

/** Swaps the refresh token for a new session; one refresh at a time, whoever asks. */
async function refresh() {
  refreshing ??= (async () => {
    try {
      const current = session.current;
      if (!current) throw new ApiError(401, null);
      const response = await fetch('/api/v1/auth/refresh', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ refresh_token: current.refresh_token }),
      });
      if (!response.ok) {
        session.clear();
        throw new ApiError(response.status, await problemOf(response));
      }
      session.save(await response.json());
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

/** The access token, refreshed first when it expires within a minute (the hub asks here too). */
export async function accessToken() {
  const current = session.current;
  if (current && current.expires_at - Date.now() < 60_000) await refresh();
  return session.current?.access_token ?? '';
}

async function problemOf(response) {
  const type = response.headers.get('Content-Type') ?? '';
  return type.includes('json') ? response.json().catch(() => null) : null;
}

/** Calls the API; resolves to the JSON body (null for 204), rejects with ApiError. */
export async function api(method, path, body, retried = false) {
  const headers = { Accept: 'application/json' };
  const token = session.current ? await accessToken() : null;
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (response.status === 401 && token && !retried) {
    await refresh();
    return api(method, path, body, true);
  }
  if (!response.ok) throw new ApiError(response.status, await problemOf(response));
  return response.status === 204 ? null : response.json();
}

/**
 * The items of a list endpoint ({data, pagination}). A 404 or 405 means this server has no such list
 * (yet: stores and orders came in a later version): an empty list, not an error.
 */
export async function list(path) {
  try {
    return (await api('GET', path)).data ?? [];
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 405)) return [];
    throw error;
  }
}
