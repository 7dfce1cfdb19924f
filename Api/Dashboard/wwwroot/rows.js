// Tables whose rows are updated in place: one <tr data-id> per item, cells rewritten only when their
// text changes, and the row's status in data-status (for styles, and for tests to watch).

/** Creates an element; children are nodes or strings (always text, never parsed as HTML). */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

export class Table {
  #tbody;
  #columns;
  #status;
  #rows = new Map(); // id -> { model, tr, cells }

  /**
   * columns: [{ text: model => string, status?: true }] or [{ buttons: model => [[action, label, ariaLabel]] }];
   * status: the model field mirrored into the row's data-status; onAction(action, model, button) runs
   * when a row's button is pressed. New rows go on top (lists are newest first).
   */
  constructor(tbody, columns, { status = 'status', onAction = () => {} } = {}) {
    this.#tbody = tbody;
    this.#columns = columns;
    this.#status = status;
    // One listener for every row's buttons, so rebuilt buttons need no wiring.
    tbody.addEventListener('click', (click) => {
      const button = click.target.closest('button[data-action]');
      const id = button?.closest('tr')?.dataset.id;
      if (id !== undefined && this.#rows.has(id)) onAction(button.dataset.action, this.get(id), button);
    });
  }

  get(id) {
    return this.#rows.get(id)?.model;
  }

  get models() {
    return [...this.#rows.values()].map((row) => row.model);
  }

  /** Shows the model, adding its row or updating the row's cells in place. */
  upsert(model, { append = false } = {}) {
    let row = this.#rows.get(model.id);
    if (!row) {
      const cells = this.#columns.map(() => el('td'));
      row = { tr: el('tr', { 'data-id': model.id }, ...cells), cells };
      this.#rows.set(model.id, row);
      if (append) this.#tbody.append(row.tr); else this.#tbody.prepend(row.tr);
    }
    row.model = model;
    this.#columns.forEach((column, i) => {
      if (column.buttons) return this.#showButtons(row.cells[i], column.buttons(model));
      const text = String(column.text(model) ?? '');
      const cell = row.cells[i];
      if (cell.textContent !== text) cell.textContent = text;
      if (column.status && cell.dataset.status !== text) cell.dataset.status = text;
    });
    const status = model[this.#status];
    if (status !== undefined && row.tr.dataset.status !== status) row.tr.dataset.status = status;
    return model;
  }

  /** Rebuilds a cell's buttons only when the set of actions changes (a focused button stays otherwise). */
  #showButtons(cell, buttons) {
    const actions = buttons.map(([action]) => action).join(' ');
    if (cell.dataset.actions === actions) return;
    cell.dataset.actions = actions;
    cell.replaceChildren(...buttons.map(([action, label, ariaLabel = label]) =>
      el('button', { type: 'button', 'data-action': action, 'aria-label': ariaLabel }, label)));
  }

  remove(id) {
    this.#rows.get(id)?.tr.remove();
    this.#rows.delete(id);
  }

  clear() {
    this.#rows.clear();
    this.#tbody.replaceChildren();
  }
}

/**
 * A task's statuses in lifecycle order (every status not listed is final), so an older snapshot never
 * moves a task row backwards. Tasks carry no updated_at to compare instead.
 */
const taskOrder = ['queued', 'running'];

export function taskRank(status) {
  const index = taskOrder.indexOf(status);
  return index < 0 ? taskOrder.length : index;
}
