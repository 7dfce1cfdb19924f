// The dashboard page (docs/dashboard.md): log in or register, list workspaces, tasks, stores and
// orders, start a task, create a store and its menu, place an order, move an order through its
// statuses, and keep every row current from the hub's stream events.
import { api, list, session, accessToken, ApiError } from './api.js';
import { Live } from './live.js';
import { parseArgv } from './argv.js';
import { Table, taskRank } from './rows.js';
import { clearFormErrors, showFormError } from './forms.js';
import { menuItems, menuWithItem, priceOf } from './menu.js';

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
const stores = new Table($('#stores'), [
  { text: (s) => s.name },
  { text: (s) => s.id },
  { text: (s) => when(s.created_at) },
  { buttons: (s) => [['order-here', 'Order here', `Order from ${s.name}`]] },
], { onAction: (action, store) => showMenuToOrder(store.id).catch(showError) });
const menuRows = new Table($('#menu-items'), [
  { text: (i) => i.category },
  { text: (i) => i.name },
  { text: (i) => i.price },
  { text: (i) => i.description ?? '' },
]);
// Store names seen in menus read for ordering (stores of others are not in the stores list).
const storeNames = new Map();
const orders = new Table($('#orders'), [
  { text: (o) => o.order_number ?? shortId(o.id) },
  { text: (o) => stores.get(o.store_id)?.name ?? storeNames.get(o.store_id) ?? shortId(o.store_id ?? '') },
  { text: (o) => (o.items ?? []).map((i) => `${i.quantity}× ${i.name}`).join(', ') },
  { text: (o) => o.total_amount ?? '' },
  { text: (o) => o.status, status: true },
  { text: (o) => o.payment_status ?? '' },
  { text: (o) => when(o.created_at) },
  { buttons: orderButtons },
], { onAction: (action, order, button) => advanceOrder(action, order, button) });

let live = null;
let me = null;

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
  if (current && data.status && current.status !== data.status) announce(`Order ${merged.order_number ?? shortId(merged.id)} is now ${data.status}.`);
  // Orders of our own stores arrive on the store's stream; others (ours as customer) on their own,
  // followed from its first event: an order's stream is short, and a change between the list read (or
  // the POST answer) and the subscription must not be lost. Older views are dropped above.
  if (!stores.get(merged.store_id)) live?.follow(`order:${merged.id}`, 0);
}

/** The transitions the caller may ask for on this order now (docs/orders.md "Statuses"). */
function orderButtons(order) {
  const name = order.order_number ?? shortId(order.id);
  const buttons = [];
  if (stores.get(order.store_id)) {
    if (order.status === 'pending') buttons.push(['accept', 'Accept', `Accept order ${name}`]);
    if (order.status === 'accepted') buttons.push(['ready', 'Mark ready', `Mark order ${name} ready`]);
    if (order.status === 'ready') buttons.push(['complete', 'Complete', `Complete order ${name}`]);
  }
  if (order.customer_id === me?.id && order.status === 'pending') buttons.push(['cancel', 'Cancel', `Cancel order ${name}`]);
  return buttons;
}

/** Presses a row's transition button; the row changes from the answer and again from the hub's event. */
async function advanceOrder(action, order, button) {
  $('#error').hidden = true;
  button.disabled = true;
  try {
    const minutes = Number($('#order-actions [name=estimated_minutes]').value);
    const body = action === 'accept' ? { estimated_minutes: minutes } : undefined;
    mergeOrder(await api('POST', `/api/v1/orders/${order.id}/${action}`, body));
  } catch (error) {
    showError(error);
  } finally {
    button.disabled = false;
  }
}

function announce(text) {
  $('#announcer').textContent = text;
}

function showStore(store) {
  stores.upsert(store);
  const select = $('#menu-form select');
  const option = [...select.options].find((o) => o.value === store.id) ?? select.appendChild(new Option());
  option.value = store.id;
  option.textContent = store.name;
}

/** Shows the menu of the store selected in the menu form (the one being edited). */
function showMenu(menu) {
  if (menu.store_id !== $('#menu-form select').value) return;
  menuRows.clear();
  menuItems(menu).forEach((item) => menuRows.upsert(item, { append: true }));
}

async function loadSelectedMenu() {
  const storeId = $('#menu-form select').value;
  menuRows.clear();
  if (storeId) showMenu(await api('GET', `/api/v1/stores/${encodeURIComponent(storeId)}/menu`));
}

// The menu the order form shows, and the item ids of the lines last sent (API errors name lines by index).
let orderMenu = null;
let sentLines = [];

/** Reads a store's menu (anonymous, public) and shows it in the order form with a quantity per item. */
async function showMenuToOrder(storeId) {
  const lookup = $('#menu-lookup-form');
  lookup.elements.store_id.value = storeId;
  clearFormErrors(lookup);
  const form = $('#order-form');
  try {
    orderMenu = await api('GET', `/api/v1/stores/${encodeURIComponent(storeId.trim())}/menu`);
  } catch (error) {
    form.hidden = true;
    showFormError(lookup, error, () => 'store_id'); // whatever is wrong, it is the store id
    return;
  }
  storeNames.set(orderMenu.store_id, orderMenu.store_name);
  clearFormErrors(form);
  $('#order-store-name').textContent = orderMenu.store_name;
  const available = menuItems(orderMenu).filter((item) => item.available !== false);
  $('#order-items').replaceChildren(...available.map((item) => {
    const label = document.createElement('label');
    label.append(`${item.name} (${item.price}) `);
    const quantity = Object.assign(document.createElement('input'), { type: 'number', min: '0', max: '99', value: '0', name: `item:${item.id}` });
    label.append(quantity);
    return label;
  }));
  if (available.length === 0) $('#order-items').textContent = 'This store has no available items yet.';
  form.hidden = false;
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
    case 'store.menu': return showMenu(data);
    default: return undefined; // logs, membership, user events: not shown here
  }
}

function showError(error) {
  const banner = $('#error');
  banner.textContent = error instanceof ApiError || error instanceof Error ? error.message : String(error);
  banner.hidden = false;
}

/** signed-out, connecting, live, reconnecting or offline (signed in, hub connection down). */
function setLiveState(state) {
  $('#live-state').textContent = state === 'signed-out' ? 'signed out' : state;
  $('#live-state').dataset.state = state;
}

/** False only when the API refuses the session, even after a refresh; a network failure is not that. */
async function stillSignedIn() {
  try {
    await api('GET', '/api/v1/auth/me');
    return true;
  } catch (error) {
    return !(error instanceof ApiError && error.status === 401);
  }
}

async function sessionEnded() {
  await signOut({ server: false });
  showError('Your session has ended. Log in again.');
}

async function signedIn() {
  me = await api('GET', '/api/v1/auth/me');
  $('#who').textContent = `${me.username} (${me.role})`;
  $('#signed-out').hidden = true;
  $('#signed-in').hidden = false;
  $('#logout').hidden = false;

  live = new Live({
    accessToken, onEvent, onState: setLiveState, onError: showError,
    isSignedIn: stillSignedIn, onSignedOut: () => sessionEnded().catch(showError),
  });
  await live.start();
  // Follow each stream before reading its list, so no change falls between the two.
  (await list('/api/v1/workspaces?limit=100')).forEach(showWorkspace);
  (await list('/api/v1/stores?limit=100')).reverse().forEach((store) => {
    live.follow(`store:${store.id}`);
    showStore(store);
  });
  await loadSelectedMenu();
  const [taskList, myOrders, ...storeOrders] = await Promise.all([
    list('/api/v1/tasks?limit=50'),
    list('/api/v1/orders?limit=50'),
    ...stores.models.map((store) => list(`/api/v1/stores/${store.id}/orders?limit=50`)),
  ]);
  taskList.reverse().forEach(mergeTask);
  [myOrders, ...storeOrders].flat().reverse().forEach(mergeOrder);
}

async function signOut({ server = true } = {}) {
  if (server) await api('POST', '/api/v1/auth/logout').catch(() => {});
  await live?.stop();
  live = null;
  me = null;
  session.clear();
  [workspaces, tasks, stores, menuRows, orders].forEach((table) => table.clear());
  $('#task-form select').replaceChildren();
  $('#menu-form select').replaceChildren();
  $('#order-form').hidden = true;
  orderMenu = null;
  $('#signed-in').hidden = true;
  $('#logout').hidden = true;
  $('#signed-out').hidden = false;
  $('#who').textContent = '';
  setLiveState('signed-out');
}

/**
 * Wires a form: its fields as an object to handler; an error is shown next to the form (fieldFor maps
 * an API error path to an input name, see forms.js), and the submit button is off while it runs.
 */
function onSubmit(selector, handler, fieldFor) {
  const form = $(selector);
  form.addEventListener('submit', async (submit) => {
    submit.preventDefault();
    $('#error').hidden = true;
    clearFormErrors(form);
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      await handler(Object.fromEntries(new FormData(form)), form);
    } catch (error) {
      showFormError(form, error, fieldFor);
    } finally {
      button.disabled = false;
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
}, (path) => (path.startsWith('command') ? 'command' : path));
onSubmit('#store-form', async ({ name }, form) => {
  const store = await api('POST', '/api/v1/stores', { name });
  // New: follow from its first event, so an order placed at once is not missed.
  await live?.follow(`store:${store.id}`, 0);
  showStore(store);
  $('#menu-form select').value = store.id;
  await loadSelectedMenu();
  form.reset();
});
// Which menu-form input an error of the last sent menu belongs to (only the new item's are placed).
let menuPaths = null;
onSubmit('#menu-form', async ({ store_id: storeId, category, name, price, description }, form) => {
  const path = `/api/v1/stores/${encodeURIComponent(storeId)}/menu`;
  const current = await api('GET', path);
  const item = { name, price: priceOf(price) };
  if (description.trim()) item.description = description.trim();
  const edit = menuWithItem(current, category.trim(), item);
  menuPaths = edit;
  showMenu(await api('PUT', path, edit.body));
  form.elements.name.value = '';
  form.elements.price.value = '';
  form.elements.description.value = '';
}, (path) => {
  if (path === menuPaths?.categoryPath) return 'category';
  const field = menuPaths && path.startsWith(`${menuPaths.itemPath}.`) ? path.slice(menuPaths.itemPath.length + 1) : null;
  return ['name', 'price', 'description'].includes(field) ? field : null;
});
$('#menu-form select').addEventListener('change', () => loadSelectedMenu().catch(showError));
onSubmit('#menu-lookup-form', ({ store_id: storeId }) => showMenuToOrder(storeId));
onSubmit('#order-form', async (fields, form) => {
  sentLines = Object.entries(fields)
    .filter(([name, quantity]) => name.startsWith('item:') && Number(quantity) > 0)
    .map(([name, quantity]) => ({ menu_item_id: name.slice('item:'.length), quantity: Number(quantity) }));
  const body = { store_id: orderMenu.store_id, items: sentLines };
  if (fields.table_number.trim()) body.table_number = fields.table_number.trim();
  if (fields.special_requests.trim()) body.special_requests = fields.special_requests.trim();
  mergeOrder(await api('POST', '/api/v1/orders', body));
  form.querySelectorAll('input').forEach((input) => { input.value = input.type === 'number' ? '0' : ''; });
}, (path) => {
  const line = /^items\[(\d+)\]/.exec(path);
  if (line) return sentLines[Number(line[1])] ? `item:${sentLines[Number(line[1])].menu_item_id}` : null;
  return ['table_number', 'special_requests'].includes(path) ? path : null;
});
$('#logout').addEventListener('click', () => signOut().catch(showError));

if (session.current) {
  setLiveState('connecting');
  signedIn().catch(async (error) => {
    if (error instanceof ApiError && error.status === 401) await signOut({ server: false }); else showError(error);
  });
}
