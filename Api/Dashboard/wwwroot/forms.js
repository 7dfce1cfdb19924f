// Errors next to the form that caused them: an API answer's problem+json (docs/api.md "Conventions")
// puts each field's messages under its input (aria-invalid, aria-describedby) and everything else in the
// form's own alert, so a user sees what to fix where they typed it.
import { ApiError } from './api.js';
import { el } from './rows.js';

/** Removes the messages a previous submit left in `form`. */
export function clearFormErrors(form) {
  form.querySelectorAll('.field-error').forEach((node) => node.remove());
  form.querySelectorAll('[aria-invalid]').forEach((input) => {
    input.removeAttribute('aria-invalid');
    input.removeAttribute('aria-describedby');
  });
  const alert = formAlert(form);
  alert.textContent = '';
  alert.hidden = true;
}

/**
 * Shows `error` in `form`. `fieldFor(path)` names the input an API error path belongs to (by its name
 * attribute), or returns null; paths without an input are listed in the form's alert with their path.
 */
export function showFormError(form, error, fieldFor = (path) => path) {
  clearFormErrors(form);
  const unplaced = [];
  const errors = error instanceof ApiError ? error.problem?.errors ?? {} : {};
  for (const [path, messages] of Object.entries(errors)) {
    const name = fieldFor(path);
    const input = name && [...form.elements].find((element) => element.name === name);
    if (!input) {
      unplaced.push(...messages.map((message) => `${path}: ${message}`));
      continue;
    }
    const id = `${form.id}-${name.replace(/[^\w-]/g, '_')}-error`;
    input.setAttribute('aria-invalid', 'true');
    input.setAttribute('aria-describedby', id);
    (input.closest('label') ?? input).after(el('span', { class: 'field-error', id, 'data-field': name }, messages.join(' ')));
  }
  const alert = formAlert(form);
  alert.textContent = [error instanceof Error ? error.message : String(error), ...unplaced].join(' ');
  alert.hidden = false;
}

function formAlert(form) {
  return form.querySelector(':scope > .form-error') ?? form.appendChild(el('p', { class: 'form-error', role: 'alert', hidden: '' }));
}
