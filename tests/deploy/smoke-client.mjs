// The client half of tests/deploy/smoke.sh: through the load balancer at process.argv[2], as a user of the
// cluster would, register, create a workspace and a task, and see the task's events on a hub connection
// (the official @microsoft/signalr client of tests/e2e, negotiating through the balancer's sticky cookie).
// Exits 0 when the task's final status arrived on the hub, 1 with the reason otherwise.
import assert from 'node:assert/strict';
import { createWorkspace, expectCall, registerUser } from '../e2e/support/api.js';
import { connect } from '../e2e/support/hub.js';

const lb = process.argv[2];
assert.ok(lb, 'usage: node smoke-client.mjs http://127.0.0.1:PORT');

const user = await registerUser(lb);
const workspace = await createWorkspace(lb, user.token, 'smoke');
const hub = await connect(lb, user.token);
try {
  const task = await expectCall(lb, 'POST', '/api/v1/tasks', 201, {
    token: user.token,
    body: { workspace_id: workspace.id, type: 'command', command: ['echo', 'hello from the cluster'] },
  });
  const stream = `task:${task.id}`;
  // afterSeq 0: the task's whole stream, its first status included, replayed and then live.
  await hub.subscribe(stream, 0);
  const done = (event) => event.type === 'task.status' && ['succeeded', 'failed', 'cancelled', 'timed_out'].includes(event.data.status);
  await hub.inbox.waitUntil((inbox) => inbox.of(stream).some(done), `a final task.status on ${stream}`, 60_000);
  const events = hub.inbox.of(stream);
  const final = events.find(done);
  assert.deepEqual(events.map((event) => event.seq), events.map((_, index) => index + 1), 'the stream arrives in seq order from 1');
  assert.equal(final.data.status, 'succeeded', `the task ended ${JSON.stringify(final.data)}`);
  const logs = await expectCall(lb, 'GET', `/api/v1/tasks/${task.id}/logs`, 200, { token: user.token });
  assert.ok(logs.data.some((line) => line.line === 'hello from the cluster'), `the task's output: ${JSON.stringify(logs.data)}`);
  console.log(`smoke: task ${task.id} ${final.data.status}; ${events.length} events on ${stream} through the load balancer`);
} finally {
  await hub.stop();
}
