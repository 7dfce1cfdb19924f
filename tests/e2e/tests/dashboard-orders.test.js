// The dashboard as a shop, in Debian's Chromium: signed out is its own state (not "offline"); an owner
// creates a store and its menu from the page, a customer in a second window orders from the page, and
// that window watches the order move pending -> accepted -> ready -> completed over the hub, with no
// reload, while the owner advances it (from the page, then through the API). Every wait is on the DOM.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { expectCall, registerUser } from '../support/api.js';
import { launchChromium, logIn, skipWithoutChromium as skip, watchForProblems } from '../support/browser.js';
import { repoRoot, startSilo } from '../support/silo.js';

const artifacts = join(repoRoot, 'tests/e2e/artifacts');

describe('dashboard stores, menus and orders in Chromium', () => {
  let silo;
  let browser;
  const windows = [];

  before(async () => {
    if (skip) return; // the tests report themselves skipped, with the reason
    silo = await startSilo();
    browser = await launchChromium();
    mkdirSync(artifacts, { recursive: true });
  });

  after(async () => {
    await browser?.close().catch(() => {});
    await silo?.stop();
  });

  /** A new window with its own storage (a browser context), watched for script errors and CSP refusals. */
  async function openWindow() {
    const context = await browser.newContext();
    const page = await context.newPage();
    const window = { page, problems: watchForProblems(page) };
    windows.push(window);
    return window;
  }

  const liveState = (page) => page.locator('#live-state');

  test('signed out is shown as signed out, and "offline" only means a signed-in page without its hub', { skip }, async () => {
    const { page, problems } = await openWindow();
    try {
      await page.goto(silo.url + '/');
      await page.waitForSelector('#live-state[data-state="signed-out"]');
      assert.equal(await liveState(page).textContent(), 'signed out');
      assert.equal(await page.locator('#login-form').isVisible(), true, 'a way to log in');
      assert.equal(await page.locator('#register-form').isVisible(), true, 'a way to register');
      assert.equal(await page.locator('#signed-in').isHidden(), true);
      await page.screenshot({ path: join(artifacts, 'dashboard-signed-out.png'), fullPage: true });

      // Register from the page: signed in, live.
      const name = `dash${Date.now().toString(36)}`;
      await page.fill('#register-form [name=username]', name);
      await page.fill('#register-form [name=email]', `${name}@example.test`);
      await page.fill('#register-form [name=password]', 'a-long-enough-password');
      await page.click('#register-form button[type=submit]');
      await page.waitForSelector('#live-state[data-state="live"]');
      assert.equal(await page.locator('#signed-in').isVisible(), true);

      // Logging out is signed out again, not offline.
      await page.click('#logout');
      await page.waitForSelector('#live-state[data-state="signed-out"]');
      assert.equal(await liveState(page).textContent(), 'signed out');
      assert.equal(await page.locator('#login-form').isVisible(), true);

      // Signed in while the hub cannot be reached: that is "offline"; it goes live once the hub answers.
      await page.route('**/hubs/status/negotiate*', (route) => route.abort('connectionrefused'));
      await page.fill('#login-form [name=email]', `${name}@example.test`);
      await page.fill('#login-form [name=password]', 'a-long-enough-password');
      await page.click('#login-form button[type=submit]');
      await page.waitForSelector('#live-state[data-state="offline"]');
      assert.equal(await page.locator('#signed-in').isVisible(), true, 'offline is a signed-in state');
      await page.unroute('**/hubs/status/negotiate*');
      await page.waitForSelector('#live-state[data-state="live"]');

      // The session logged out elsewhere: the hub closes, and the page says signed out, not offline.
      const token = await page.evaluate(() => JSON.parse(sessionStorage.getItem('orleanshub.session')).access_token);
      await expectCall(silo.url, 'POST', '/api/v1/auth/logout', 204, { token });
      await page.waitForSelector('#live-state[data-state="signed-out"]');
      assert.equal(await page.locator('#login-form').isVisible(), true);
      assert.match(await page.locator('#error').textContent(), /session has ended/);
      assert.deepEqual(problems.filter((p) => !/negotiat|Failed to (start|complete)|ERR_CONNECTION_REFUSED/i.test(p)), []);
    } finally {
      await page.screenshot({ path: join(artifacts, 'dashboard-offline-then-live.png'), fullPage: true }).catch(() => {});
      await page.context().close();
    }
  });

  test('a store, its menu and an order made from the page; a second window sees the order move live', { skip }, async () => {
    const owner = await openWindow();
    const customer = await openWindow();
    const ownerUser = await registerUser(silo.url);
    const customerUser = await registerUser(silo.url);
    try {
      await logIn(owner.page, silo.url, ownerUser);

      // A store, from the page.
      await owner.page.fill('#store-form [name=name]', 'E2E Bistro');
      await owner.page.click('#store-form button[type=submit]');
      const storeRow = owner.page.locator('#stores tr', { hasText: 'E2E Bistro' });
      await storeRow.waitFor();
      const storeId = await storeRow.getAttribute('data-id');
      await owner.page.locator(`#menu-form select option[value="${storeId}"]`).waitFor({ state: 'attached' });
      assert.equal(await owner.page.locator('#menu-form select').inputValue(), storeId, 'the new store is the one being edited');

      // A menu item with a price the API refuses: its message is shown at the price field.
      const menuForm = owner.page.locator('#menu-form');
      await menuForm.locator('[name=name]').fill('Espresso');
      await menuForm.locator('[name=price]').fill('100000001');
      await menuForm.locator('button[type=submit]').click();
      const priceError = menuForm.locator('.field-error[data-field=price]');
      await priceError.waitFor();
      assert.match(await priceError.textContent(), /\S/);
      assert.equal(await menuForm.locator('[name=price]').getAttribute('aria-invalid'), 'true');
      await menuForm.locator('.form-error').filter({ hasText: /\S/ }).waitFor();

      // Fixed, and a second item in another category: both listed, the error gone.
      await menuForm.locator('[name=price]').fill('3000');
      await menuForm.locator('button[type=submit]').click();
      await owner.page.locator('#menu-items tr', { hasText: 'Espresso' }).waitFor();
      assert.equal(await menuForm.locator('.field-error').count(), 0);
      await menuForm.locator('[name=category]').fill('Bakery');
      await menuForm.locator('[name=name]').fill('Croissant');
      await menuForm.locator('[name=price]').fill('4500');
      await menuForm.locator('button[type=submit]').click();
      await owner.page.locator('#menu-items tr', { hasText: 'Croissant' }).waitFor();
      const menu = await expectCall(silo.url, 'GET', `/api/v1/stores/${storeId}/menu`, 200);
      assert.deepEqual(menu.categories.map((c) => [c.name, c.items.map((i) => [i.name, i.price])]),
        [['Menu', [['Espresso', 3000]]], ['Bakery', [['Croissant', 4500]]]]);

      // The customer, in a second window: the store's menu by its id, then an order.
      await logIn(customer.page, silo.url, customerUser);
      await customer.page.evaluate(() => { window.notReloaded = true; });
      await customer.page.fill('#menu-lookup-form [name=store_id]', storeId);
      await customer.page.click('#menu-lookup-form button[type=submit]');
      const orderForm = customer.page.locator('#order-form');
      await orderForm.locator('#order-store-name', { hasText: 'E2E Bistro' }).waitFor();

      // No quantities: the API's answer is shown in the order form.
      await orderForm.locator('button[type=submit]').click();
      await orderForm.locator('.form-error').filter({ hasText: /\S/ }).waitFor();

      await orderForm.getByLabel(/Espresso/).fill('2');
      await orderForm.getByLabel(/Croissant/).fill('1');
      await orderForm.locator('[name=table_number]').fill('7');
      // Every change of an order row's data-status in the customer's window, in order.
      await customer.page.evaluate(() => {
        window.statusChanges = [];
        new MutationObserver((records) => {
          for (const record of records) {
            if (record.oldValue !== null) window.statusChanges.push([record.target.dataset.id, record.oldValue]);
          }
        }).observe(document.querySelector('#orders'), { subtree: true, attributeFilter: ['data-status'], attributeOldValue: true });
      });
      await orderForm.locator('button[type=submit]').click();
      const customerRow = customer.page.locator('#orders tr[data-status]').first();
      await customerRow.and(customer.page.locator('[data-status=pending]')).waitFor();
      assert.equal(await orderForm.locator('.form-error').isHidden(), true, 'the earlier error is cleared');
      const orderId = await customerRow.getAttribute('data-id');
      assert.equal(await customerRow.locator('td').nth(3).textContent(), '10500', 'prices come from the menu');

      // The owner's window gets the new order from its store's stream, without a reload.
      const ownerRow = owner.page.locator(`#orders tr[data-id="${orderId}"]`);
      await ownerRow.and(owner.page.locator('[data-status=pending]')).waitFor();
      const number = await ownerRow.locator('td').first().textContent();

      // The owner accepts and marks it ready from the page; the customer's window follows live.
      const customerSees = (status) => customer.page.locator(`#orders tr[data-id="${orderId}"][data-status="${status}"]`).waitFor();
      await owner.page.getByRole('button', { name: `Accept order ${number}` }).click();
      await customerSees('accepted');
      await owner.page.getByRole('button', { name: `Mark order ${number} ready` }).click();
      await customerSees('ready');
      // Completed through the API, not the owner's page: the change reaches both windows by the hub alone.
      const ownerToken = await owner.page.evaluate(() => JSON.parse(sessionStorage.getItem('orleanshub.session')).access_token);
      await expectCall(silo.url, 'POST', `/api/v1/orders/${orderId}/complete`, 200, { token: ownerToken });
      await customerSees('completed');
      await ownerRow.and(owner.page.locator('[data-status=completed]')).waitFor();

      const observed = await customer.page.evaluate((id) => [
        ...window.statusChanges.filter(([rowId]) => rowId === id).map(([, status]) => status),
        document.querySelector(`#orders tr[data-id="${id}"]`).dataset.status,
      ], orderId);
      assert.deepEqual(observed, ['pending', 'accepted', 'ready', 'completed']);
      assert.equal(await customer.page.evaluate(() => window.notReloaded), true, 'the customer window was not reloaded');
      assert.match(await customer.page.locator('#announcer').textContent(), /completed/, 'the change is announced');
      assert.equal(await owner.page.locator(`#orders tr[data-id="${orderId}"] button`).count(), 0, 'a completed order has no actions');

      // Accessibility basics: every control, the order form's included, has a name a screen reader reads.
      const unnamed = await customer.page.evaluate(() => [...document.querySelectorAll('input, select, button')]
        .filter((control) => !(control.labels?.length || control.getAttribute('aria-label')
          || (control.tagName === 'BUTTON' && control.textContent.trim())))
        .map((control) => control.outerHTML));
      assert.deepEqual(unnamed, []);

      for (const { page, problems } of [owner, customer]) {
        assert.deepEqual(problems, []);
        assert.equal(await page.locator('#error').isHidden(), true, await page.locator('#error').textContent());
      }
    } finally {
      await owner.page.screenshot({ path: join(artifacts, 'dashboard-owner.png'), fullPage: true }).catch(() => {});
      await customer.page.screenshot({ path: join(artifacts, 'dashboard-customer.png'), fullPage: true }).catch(() => {});
      await owner.page.context().close();
      await customer.page.context().close();
    }
  });
});
