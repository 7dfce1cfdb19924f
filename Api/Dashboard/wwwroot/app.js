// The dashboard page (docs/dashboard.md): log in or register, list workspaces, tasks, stores and
// orders, start a task, and keep every row current from the hub's stream events.
import { api, list, session, accessToken, ApiError } from './api.js';
import { Live } from './live.js';
import { parseArgv } from './argv.js';
import { Table, taskRank } from './rows.js';

const $ = (selector) => document.querySelector(selector);
const when = (iso) => (iso ? new Date(iso).toLocaleString() : '');
const shortId = (id) => String(id).slice(0, 8);
const quoted = (arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`);

const workspaces = new Table($('#workspaces'), [
  { text: (w) => w.name },
  { text: (w) => w.status, status: true },
  { text: (w) => w.stats?.total_tasks ?? 0 },
  { text: (w) => w.stats?.running_tasks ?? 0 },
  { text: (w) => w.stats?.succeeded_tasks ?? 0 },
  { text: (w) => w.stats?.failed_tasks ?? 0 },
]);
const tasks = new Table($('#tasks'), [
  { text: (t) => shortId(t.id) },
  { text: (t) => workspaces.get(t.workspace_id)?.name ?? shortId(t.workspace_id) },
  { text: (t) => (t.command ?? []).map(quoted).join(' ') },
  { text: (t) => t.status, status: true },
  { text: (t) => (t.progress?.total ? `${t.progress.percentage ?? 0}% ${t.progress.message ?? ''}`.trim() : '') },
  { text: (t) => when(t.created_at) },
]);
const stores = new Table($('#stores'), [{ text: (s) => s.name }, { text: (s) => when(s.created_at) }]);
const orders = new Table($('#orders'), [
  { text: (o) => o.order_number ?? shortId(o.id) },
  { text: (o) => stores.get(o.store_id)?.name ?? shortId(o.store_id ?? '') },
  { text: (o) => (o.items ?? []).map((i) => `${i.quantity}× ${i.name}`).join(', ') },
  { text: (o) => o.total_amount ?? '' },
  { text: (o) => o.status, status: true },
  { text: (o) => o.payment_status ?? '' },
  { text: (o) => when(o.created_at) },
]);

let live = null;

// Merging: an older snapshot (a list read, a POST answer that raced an event) never replaces newer
// state: tasks by their status order (taskRank in rows.js), orders by updated_at.
function mergeTask(task) {
  const current = tasks.get(task.id);
  if (current && taskRank(current.status) > taskRank(task.status)) return;
  tasks.upsert({ ...current, ...task });
  // Tasks of workspaces we do not follow (past the first page) are followed one by one.
  if (!workspaces.get(task.workspace_id) && taskRank(task.status) < 2) live?.follow(`task:${task.id}`);
}

function mergeOrder(data) {
  const current = orders.get(data.id);
  if (current?.updated_at && data.updated_at && Date.parse(data.updated_at) < Date.parse(current.updated_at)) return;
  const merged = orders.upsert({ ...current, ...data });
  // Orders of our own stores arrive on the store's stream; others (ours as customer) on their own.
  if (!stores.get(merged.store_id)) live?.follow(`order:${merged.id}`);
}

function showWorkspace(workspace) {
  workspaces.upsert(workspace);
  const select = $('#task-form select');
  const option = [...select.options].find((o) => o.value === workspace.id) ?? select.appendChild(new Option());
  option.value = workspace.id;
  option.textContent = workspace.name;
  live?.follow(`workspace:${workspace.id}`);
}

function dropWorkspace(id) {
  workspaces.remove(id);
  [...$('#task-form select').options].find((o) => o.value === id)?.remove();
  live?.unfollow(`workspace:${id}`);
}

function onEvent({ type, data }) {
  switch (type) {
    case 'task.status': return mergeTask(data);
    case 'task.progress': {
      const task = tasks.get(data.task_id);
      return task && tasks.upsert({ ...task, progress: data.progress });
    }
    case 'workspace.updated': return showWorkspace(data);
    case 'workspace.deleted': return dropWorkspace(data.id);
    case 'order.created':
    case 'order.status': return mergeOrder(data);
    // data.status there is the payment's own status, not the order's.
    case 'order.payment': return mergeOrder({ id: data.order_id, payment_status: data.payment_status });
    default: return undefined; // logs, membership, user events: not shown here
  }
}

function showError(error) {
  const banner = $('#error');
  banner.textContent = error instanceof ApiError || error instanceof Error ? error.message : String(error);
  banner.hidden = false;
}

function setLiveState(state) {
  $('#live-state').textContent = state;
  $('#live-state').dataset.state = state;
}

async function signedIn() {
  const me = await api('GET', '/api/v1/auth/me');
  $('#who').textContent = `${me.username} (${me.role})`;
  $('#signed-out').hidden = true;
  $('#signed-in').hidden = false;
  $('#logout').hidden = false;

  live = new Live({ accessToken, onEvent, onState: setLiveState, onError: showError });
  await live.start();
  // Follow each stream before reading its list, so no change falls between the two.
  (await list('/api/v1/workspaces?limit=100')).forEach(showWorkspace);
  (await list('/api/v1/stores?limit=100')).forEach((store) => {
    stores.upsert(store);
    live.follow(`store:${store.id}`);
  });
  const [taskList, myOrders, ...storeOrders] = await Promise.all([
    list('/api/v1/tasks?limit=50'),
    list('/api/v1/orders?limit=50'),
    ...stores.models.map((store) => list(`/api/v1/stores/${store.id}/orders?limit=50`)),
  ]);
  taskList.reverse().forEach(mergeTask);
  [myOrders, ...storeOrders].flat().reverse().forEach(mergeOrder);
}

async function signOut() {
  await api('POST', '/api/v1/auth/logout').catch(() => {});
  await live?.stop();
  live = null;
  session.clear();
  [workspaces, tasks, stores, orders].forEach((table) => table.clear());
  $('#task-form select').replaceChildren();
  $('#signed-in').hidden = true;
  $('#logout').hidden = true;
  $('#signed-out').hidden = false;
  $('#who').textContent = '';
}

/** Wires a form: its fields as an object to handler, errors to the banner. */
function onSubmit(selector, handler) {
  const form = $(selector);
  form.addEventListener('submit', async (submit) => {
    submit.preventDefault();
    $('#error').hidden = true;
    try {
      await handler(Object.fromEntries(new FormData(form)), form);
    } catch (error) {
      showError(error);
    }
  });
}

onSubmit('#login-form', async (fields) => {
  session.save(await api('POST', '/api/v1/auth/login', fields));
  await signedIn();
});
onSubmit('#register-form', async (fields) => {
  session.save(await api('POST', '/api/v1/auth/register', fields));
  await signedIn();
});
onSubmit('#workspace-form', async ({ name }, form) => {
  const workspace = await api('POST', '/api/v1/workspaces', { name });
  workspaces.upsert(workspace);
  // New: follow from its first event, so nothing between creating and subscribing is missed.
  await live?.follow(`workspace:${workspace.id}`, 0);
  showWorkspace(workspace);
  form.reset();
});
onSubmit('#task-form', async ({ workspace_id: workspaceId, command }) => {
  mergeTask(await api('POST', '/api/v1/tasks', { workspace_id: workspaceId, type: 'command', command: parseArgv(command) }));
});
$('#logout').addEventListener('click', () => signOut().catch(showError));

if (session.current) signedIn().catch(async (error) => {
  if (error instanceof ApiError && error.status === 401) await signOut(); else showError(error);
});
