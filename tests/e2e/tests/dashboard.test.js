// The dashboard in Debian's Chromium (driven by playwright-core; never a downloaded browser): log in,
// start a task, and watch its row go queued -> running -> succeeded without a reload.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium } from 'playwright-core';
import { createWorkspace, registerUser, updateWorkspace } from '../support/api.js';
import { chromiumArgs, executablePath, logIn as logInAt, skipWithoutChromium as skip } from '../support/browser.js';
import { repoRoot, startSilo } from '../support/silo.js';

const artifacts = join(repoRoot, 'tests/e2e/artifacts');

describe('dashboard in Chromium', () => {
  let silo;
  let browser;
  let userDataDir;

  before(async () => {
    if (skip) return; // the test reports itself skipped, with the reason
    silo = await startSilo();
    userDataDir = mkdtempSync(join(tmpdir(), 'orleanshub-chromium-'));
    browser = await chromium.launchPersistentContext(userDataDir, { executablePath, headless: true, args: chromiumArgs });
  });

  after(async () => {
    await browser?.close().catch(() => {});
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    await silo?.stop();
  });

  /** Opens the page and logs in through its form; resolves once the hub connection is live. */
  const logIn = (page, user) => logInAt(page, silo.url, user);

  test('a started task goes queued -> running -> succeeded in its row, live', { skip }, async () => {
    const user = await registerUser(silo.url); // the form logs in; registering here keeps the test on one form
    const page = await browser.newPage();
    const problems = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (/Content.Security.Policy|Refused to/i.test(message.text())) problems.push(`console: ${message.text()}`);
    });
    mkdirSync(artifacts, { recursive: true });
    try {
      await logIn(page, user);

      await page.fill('#workspace-form [name=name]', 'Playwright');
      await page.click('#workspace-form button[type=submit]');
      await page.waitForSelector('#task-form select option:text("Playwright")', { state: 'attached' });
      await page.selectOption('#task-form select', { label: 'Playwright' });

      // Every change of a task row's data-status, in order (oldValue of each change, then the current value).
      await page.evaluate(() => {
        window.statusChanges = [];
        new MutationObserver((records) => {
          for (const record of records) {
            if (record.oldValue !== null) window.statusChanges.push([record.target.dataset.id, record.oldValue]);
          }
        }).observe(document.querySelector('#tasks'), { subtree: true, attributeFilter: ['data-status'], attributeOldValue: true });
      });
      await page.fill('#task-form [name=command]', 'sh -c "echo hi; sleep 1"');
      await page.click('#task-form button[type=submit]');

      const row = page.locator('#tasks tr').first();
      await row.and(page.locator('[data-status=succeeded]')).waitFor({ timeout: 30_000 });
      const id = await row.getAttribute('data-id');
      const observed = await page.evaluate((taskId) => [
        ...window.statusChanges.filter(([rowId]) => rowId === taskId).map(([, status]) => status),
        document.querySelector(`#tasks tr[data-id="${taskId}"]`).dataset.status,
      ], id);
      assert.deepEqual(observed, ['queued', 'running', 'succeeded']);

      // The workspace's counters moved too, from its own stream.
      await page.locator('#workspaces tr', { hasText: 'Playwright' }).locator('td').nth(4).filter({ hasText: /^1$/ }).waitFor();
      assert.deepEqual(problems, []);
      assert.equal(await page.locator('#error').isHidden(), true, await page.locator('#error').textContent());
    } finally {
      await page.screenshot({ path: join(artifacts, 'dashboard.png'), fullPage: true }).catch(() => {});
      await page.close();
    }
  });

  test('after a dropped connection the page gets what changed while it was away', { skip }, async () => {
    const user = await registerUser(silo.url);
    const workspace = await createWorkspace(silo.url, user.token, 'before the drop');
    const page = await browser.newPage();
    // The hub's WebSockets pass through the test, which can cut them like a network would.
    const sockets = [];
    await page.routeWebSocket(/\/hubs\/status/, (socket) => {
      socket.connectToServer();
      sockets.push(socket);
    });
    try {
      await logIn(page, user);
      const name = page.locator(`#workspaces tr[data-id="${workspace.id}"] td`).first();
      await name.filter({ hasText: 'before the drop' }).waitFor();

      // Hold the reconnect until the workspace has changed behind the page's back: only a resume
      // from the last seq seen (afterSeq) can bring that change, a fresh "from now" subscription cannot.
      let release;
      const held = new Promise((resolve) => { release = resolve; });
      await page.route('**/hubs/status/negotiate*', async (route) => {
        await held;
        await route.continue();
      });
      sockets.at(-1).close({ code: 4000, reason: 'dropped by the test' });
      await page.waitForSelector('#live-state[data-state=reconnecting]');
      await updateWorkspace(silo.url, user.token, workspace.id, { name: 'renamed while away' });
      release();

      await page.waitForSelector('#live-state[data-state=live]');
      await name.filter({ hasText: 'renamed while away' }).waitFor();
      assert.equal(sockets.length, 2, 'one reconnection');
      await page.screenshot({ path: join(artifacts, 'dashboard-resumed.png'), fullPage: true });
    } finally {
      await page.close();
    }
  });
});
