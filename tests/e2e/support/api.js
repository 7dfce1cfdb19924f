// A few REST calls of docs/api.md, as a client would make them, for the e2e tests.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';

export async function call(baseUrl, method, path, { token, body } = {}) {
  const headers = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(baseUrl + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

/** Calls and asserts the status; returns the JSON body. */
export async function expectCall(baseUrl, method, path, status, options) {
  const response = await call(baseUrl, method, path, options);
  assert.equal(response.status, status, `${method} ${path} answered ${response.status}: ${JSON.stringify(response.body)}`);
  return response.body;
}

/** Registers a fresh user; returns { id, email, password, token, refreshToken }. */
export async function registerUser(baseUrl) {
  const name = `e2e${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const user = { username: name, email: `${name}@example.test`, password: `pw-${randomUUID()}` };
  const session = await expectCall(baseUrl, 'POST', '/api/v1/auth/register', 201, { body: user });
  return { id: session.user.id, email: user.email, password: user.password, token: session.access_token, refreshToken: session.refresh_token };
}

export const createWorkspace = (baseUrl, token, name = 'e2e workspace') =>
  expectCall(baseUrl, 'POST', '/api/v1/workspaces', 201, { token, body: { name } });

export const updateWorkspace = (baseUrl, token, id, changes) =>
  expectCall(baseUrl, 'PUT', `/api/v1/workspaces/${id}`, 200, { token, body: changes });
