// Debian's Chromium for the dashboard tests, driven by playwright-core (which never downloads a browser):
// headless, no sandbox (the tests may run as root), no GPU, and a fresh profile (--user-data-dir) per
// launch. Without Chromium the tests skip themselves with the reason.
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';

export const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';

/** false when Chromium is there, else why the browser tests are skipped. */
export const skipWithoutChromium = existsSync(executablePath) ? false : `no Chromium at ${executablePath} (apt-get install chromium)`;

export const chromiumArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];

/**
 * Launches Chromium; each browser.newContext() is a separate window with its own storage (a second
 * user, or the same user signed in again). playwright gives the launch a fresh temporary profile.
 */
export const launchChromium = () => chromium.launch({ executablePath, headless: true, args: chromiumArgs });

/**
 * Collects what must never happen on the page: script errors and Content-Security-Policy refusals.
 * Returns the list the test asserts empty at the end.
 */
export function watchForProblems(page) {
  const problems = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (/Content.Security.Policy|Refused to/i.test(message.text())) problems.push(`console: ${message.text()}`);
  });
  return problems;
}

/** Logs in through the page's form; resolves once the hub connection is live. */
export async function logIn(page, baseUrl, user) {
  await page.goto(baseUrl + '/');
  await page.fill('#login-form [name=email]', user.email);
  await page.fill('#login-form [name=password]', user.password);
  await page.click('#login-form button[type=submit]');
  await page.waitForSelector('#live-state[data-state=live]');
}
