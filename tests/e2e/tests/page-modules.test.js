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
