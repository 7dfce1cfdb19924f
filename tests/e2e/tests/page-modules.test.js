// The dashboard's plain modules that need no browser, and the vendored SignalR client's pin.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { repoRoot } from '../support/silo.js';

const wwwroot = join(repoRoot, 'Api/Dashboard/wwwroot');
const { parseArgv } = await import(join(wwwroot, 'argv.js'));
const { taskRank } = await import(join(wwwroot, 'rows.js'));
const { menuItems, menuWithItem, priceOf } = await import(join(wwwroot, 'menu.js'));

describe('command line to argv', () => {
  test('quotes group words and are removed', () => {
    assert.deepEqual(parseArgv('sh -c "echo hi; sleep 1"'), ['sh', '-c', 'echo hi; sleep 1']);
    assert.deepEqual(parseArgv(`echo 'a "b"' "c 'd'"`), ['echo', 'a "b"', "c 'd'"]);
  });

  test('escapes and empty words survive', () => {
    assert.deepEqual(parseArgv('printf %s\\ x "" "a\\"b" \'c\\d\''), ['printf', '%s x', '', 'a"b', 'c\\d']);
  });

  test('extra blanks separate nothing', () => {
    assert.deepEqual(parseArgv('  ls   -l\t/tmp  '), ['ls', '-l', '/tmp']);
    assert.deepEqual(parseArgv('   '), []);
  });

  test('an unclosed quote is an error, not a guess', () => {
    assert.throws(() => parseArgv('echo "unclosed'), /unclosed " quote/);
  });
});

describe('task status order', () => {
  test('statuses only move forward, and every final one ranks last', () => {
    assert.ok(taskRank('queued') < taskRank('running'));
    for (const final of ['succeeded', 'failed', 'cancelled', 'timed_out']) {
      assert.ok(taskRank('running') < taskRank(final), final);
      assert.equal(taskRank(final), 2);
    }
  });
});

describe('menu edits', () => {
  const menu = {
    store_id: 's1',
    categories: [{ name: 'Drinks', items: [{ id: 'tea', name: 'Tea', price: 2000, description: null, available: false }] }],
  };

  test('an item added to a known category keeps every existing item with its id', () => {
    const edit = menuWithItem(menu, 'Drinks', { name: 'Coffee', price: 3000 });
    assert.deepEqual(edit.body, { categories: [{ name: 'Drinks', items: [
      { id: 'tea', name: 'Tea', price: 2000, description: null, available: false },
      { name: 'Coffee', price: 3000 },
    ] }] });
    assert.equal(edit.itemPath, 'categories[0].items[1]');
    assert.equal(edit.categoryPath, 'categories[0].name');
  });

  test('a new category is added at the end, and an empty menu works', () => {
    const edit = menuWithItem(menu, 'Bakery', { name: 'Bun', price: 1 });
    assert.deepEqual(edit.body.categories.map((c) => c.name), ['Drinks', 'Bakery']);
    assert.equal(edit.itemPath, 'categories[1].items[0]');
    assert.deepEqual(menuWithItem(null, 'Menu', { name: 'A', price: 0 }).body, { categories: [{ name: 'Menu', items: [{ name: 'A', price: 0 }] }] });
  });

  test('the menu read is not changed', () => {
    menuWithItem(menu, 'Drinks', { name: 'Coffee', price: 3000 });
    assert.equal(menu.categories[0].items.length, 1);
  });

  test('items are listed with their category', () => {
    assert.deepEqual(menuItems(menu).map((i) => [i.category, i.id]), [['Drinks', 'tea']]);
  });

  test('a price is a whole number when it is one, else sent as typed for the API to judge', () => {
    assert.equal(priceOf(' 4500 '), 4500);
    assert.equal(priceOf('-1'), -1);
    assert.equal(priceOf('12.5'), '12.5');
    assert.equal(priceOf('abc'), 'abc');
  });
});

describe('vendored SignalR browser client', () => {
  const record = Object.fromEntries(readFileSync(join(wwwroot, 'vendor/signalr.version'), 'utf8')
    .trim().split('\n').map((line) => line.split(': ')));

  test('is the version the e2e tests use', () => {
    const pinned = JSON.parse(readFileSync(join(repoRoot, 'tests/e2e/package.json'), 'utf8')).devDependencies['@microsoft/signalr'];
    assert.equal(record.version, pinned);
  });

  test('is byte for byte the package file', () => {
    const vendored = readFileSync(join(wwwroot, 'vendor/signalr.min.js'));
    const packaged = readFileSync(join(repoRoot, 'tests/e2e/node_modules/@microsoft/signalr', record.file));
    assert.equal(createHash('sha256').update(vendored).digest('hex'), record.sha256);
    assert.ok(vendored.equals(packaged), 'signalr.min.js differs from the installed package: run Api/Dashboard/refresh-signalr.sh');
  });
});
