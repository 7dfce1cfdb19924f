// The status hub through the official @microsoft/signalr client against a real silo process:
// live delivery, resuming with afterSeq, refused streams, and logout.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startSilo } from '../support/silo.js';
import { call, createWorkspace, expectCall, registerUser, updateWorkspace } from '../support/api.js';
import { connect } from '../support/hub.js';

describe('status hub with the official client', () => {
  let silo;
  const open = [];
  const hub = async (token, options) => {
    const client = await connect(silo.url, token, options);
    open.push(client);
    return client;
  };

  before(async () => { silo = await startSilo(); });
  after(async () => {
    await Promise.allSettled(open.map((client) => client.stop()));
    await silo?.stop();
  });

  test('a subscriber receives the events written after it subscribed', async () => {
    const user = await registerUser(silo.url);
    const workspace = await createWorkspace(silo.url, user.token, 'live');
    const stream = `workspace:${workspace.id}`;
    const client = await hub(user.token);

    const subscribed = await client.subscribe(stream);
    await updateWorkspace(silo.url, user.token, workspace.id, { name: 'renamed live' });

    assert.equal(subscribed.stream, stream);
    assert.ok(subscribed.last_seq >= 1, 'the creation is already on the stream');
    const [event] = await client.inbox.waitFor(stream, 1);
    assert.equal(event.seq, subscribed.last_seq + 1);
    assert.equal(event.type, 'workspace.updated');
    assert.equal(event.data.name, 'renamed live');
    assert.ok(!Number.isNaN(Date.parse(event.timestamp)), `timestamp ${event.timestamp}`);
  });

  for (const transport of ['ServerSentEvents', 'LongPolling']) {
    test(`the ${transport} transport subscribes and receives live events too`, async () => {
      const user = await registerUser(silo.url);
      const workspace = await createWorkspace(silo.url, user.token, transport);
      const stream = `workspace:${workspace.id}`;
      const client = await hub(user.token, { transport });

      const subscribed = await client.subscribe(stream);
      await updateWorkspace(silo.url, user.token, workspace.id, { name: `${transport} live` });

      const [event] = await client.inbox.waitFor(stream, 1);
      assert.equal(event.seq, subscribed.last_seq + 1);
      assert.equal(event.data.name, `${transport} live`);
      const refused = await client.subscribe(`workspace:${'0'.repeat(32)}`).then(() => null, (error) => error);
      assert.ok(refused, 'a stream the user may not read is refused on this transport as well');
    });
  }

  test('reconnecting with afterSeq delivers exactly the events missed while away', async () => {
    const user = await registerUser(silo.url);
    const workspace = await createWorkspace(silo.url, user.token, 'resume');
    const stream = `workspace:${workspace.id}`;
    const first = await hub(user.token);
    await first.subscribe(stream);
    await updateWorkspace(silo.url, user.token, workspace.id, { name: 'seen' });
    const [seen] = await first.inbox.waitFor(stream, 1);
    await first.stop();

    for (const name of ['missed 1', 'missed 2', 'missed 3']) {
      await updateWorkspace(silo.url, user.token, workspace.id, { name });
    }
    const second = await hub(user.token);
    const subscribed = await second.subscribe(stream, seen.seq);
    await updateWorkspace(silo.url, user.token, workspace.id, { name: 'live again' });

    assert.equal(subscribed.last_seq, seen.seq + 3);
    const events = await second.inbox.waitFor(stream, 4);
    assert.deepEqual(events.map((event) => event.seq), [seen.seq + 1, seen.seq + 2, seen.seq + 3, seen.seq + 4]);
    assert.deepEqual(events.map((event) => event.data.name), ['missed 1', 'missed 2', 'missed 3', 'live again']);
  });

  test('a task streams its statuses in order to a subscriber of the task', async () => {
    const user = await registerUser(silo.url);
    const workspace = await createWorkspace(silo.url, user.token, 'tasks');
    const task = await expectCall(silo.url, 'POST', '/api/v1/tasks', 201, {
      token: user.token,
      body: { workspace_id: workspace.id, type: 'command', command: ['sh', '-c', 'echo hi'] },
    });
    const client = await hub(user.token);

    await client.subscribe(`task:${task.id}`, 0); // from its first event: the run may be over already

    const stream = `task:${task.id}`;
    const final = (event) => event.type === 'task.status' && !['queued', 'running'].includes(event.data.status);
    await client.inbox.waitUntil((inbox) => inbox.of(stream).some(final), `a final status on ${stream}`, 30_000);
    const events = client.inbox.of(stream);
    const statuses = events.filter((event) => event.type === 'task.status').map((event) => event.data.status);
    const logs = events.filter((event) => event.type === 'task.log').map((event) => event.data.line);
    assert.deepEqual(statuses, ['queued', 'running', 'succeeded']);
    assert.deepEqual(logs, ['hi']);
  });

  test('a stream the caller may not read is refused and delivers nothing', async () => {
    const owner = await registerUser(silo.url);
    const stranger = await registerUser(silo.url);
    const theirs = await createWorkspace(silo.url, owner.token, 'private');
    const mine = await createWorkspace(silo.url, stranger.token, 'mine');
    const client = await hub(stranger.token);

    await assert.rejects(client.subscribe(`workspace:${theirs.id}`), /./);
    await assert.rejects(client.subscribe('nonsense:1'), /./);
    await assert.rejects(client.subscribe(`user:${owner.id}`), /./);

    // Something happens on both streams; the stranger's own event arriving shows delivery works, and
    // nothing of the other stream came with it.
    await client.subscribe(`workspace:${mine.id}`);
    await updateWorkspace(silo.url, owner.token, theirs.id, { name: 'still private' });
    await updateWorkspace(silo.url, stranger.token, mine.id, { name: 'mine, renamed' });
    await client.inbox.waitFor(`workspace:${mine.id}`, 1);
    assert.deepEqual(client.inbox.of(`workspace:${theirs.id}`), []);
  });

  test('logging out ends that session\'s connection and its delivery, not the others\'', async () => {
    const user = await registerUser(silo.url);
    const other = await expectCall(silo.url, 'POST', '/api/v1/auth/login', 200, { body: { email: user.email, password: user.password } });
    const workspace = await createWorkspace(silo.url, user.token, 'logout');
    const stream = `workspace:${workspace.id}`;
    const leaving = await hub(user.token);
    const staying = await hub(other.access_token);
    await leaving.subscribe(stream);
    await staying.subscribe(stream);

    await expectCall(silo.url, 'POST', '/api/v1/auth/logout', 204, { token: user.token });

    await withDeadline(leaving.closed, 15_000, 'the hub did not close the connection after logout');
    await assert.rejects(connect(silo.url, user.token)); // the session is over: no new connection either
    await updateWorkspace(silo.url, other.access_token, workspace.id, { name: 'after logout' });
    const [event] = await staying.inbox.waitFor(stream, 1);
    assert.equal(event.data.name, 'after logout');
    assert.deepEqual(leaving.inbox.of(stream), []);
  });
});

function withDeadline(promise, ms, message) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(message)), ms); }),
  ]);
}
