// The dashboard in Debian's Chromium (driven by playwright-core; never a downloaded browser): log in,
// start a task, and watch its row go queued -> running -> succeeded without a reload.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium } from 'playwright-core';
import { registerUser } from '../support/api.js';
import { repoRoot, startSilo } from '../support/silo.js';

const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const artifacts = join(repoRoot, 'tests/e2e/artifacts');
const skip = existsSync(executablePath) ? false : `no Chromium at ${executablePath} (apt-get install chromium)`;

describe('dashboard in Chromium', () => {
  let silo;
  let browser;
  let userDataDir;

  before(async () => {
    if (skip) return; // the test reports itself skipped, with the reason
    silo = await startSilo();
    userDataDir = mkdtempSync(join(tmpdir(), 'orleanshub-chromium-'));
    browser = await chromium.launchPersistentContext(userDataDir, {
      executablePath,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
    });
  });

  after(async () => {
    await browser?.close().catch(() => {});
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    await silo?.stop();
  });

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
      await page.goto(silo.url + '/');
      await page.fill('#login-form [name=email]', user.email);
      await page.fill('#login-form [name=password]', user.password);
      await page.click('#login-form button[type=submit]');
      await page.waitForSelector('#live-state[data-state=live]');

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
});
