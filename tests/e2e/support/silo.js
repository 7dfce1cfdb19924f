// Starts the built silo (Silo/bin/Release/.../OrleansHub.Silo.dll) as a child process for one test
// file: its own embedded PostgreSQL in a temporary directory, a free loopback port, the local task
// executor, and rate limits raised (every test client is 127.0.0.1). stop() ends it, and its database
// with it, whatever happened; so does the test process exiting.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** The Release build of the silo; null when it has not been built. */
export function siloDll() {
  const bin = join(repoRoot, 'Silo/bin/Release');
  if (!existsSync(bin)) return null;
  const framework = readdirSync(bin).filter((name) => name.startsWith('net')).sort().at(-1);
  const dll = framework && join(bin, framework, 'OrleansHub.Silo.dll');
  return dll && existsSync(dll) ? dll : null;
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

const running = new Set();
process.on('exit', () => running.forEach((silo) => silo.kill()));
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    running.forEach((silo) => silo.kill());
    process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
  });
}

export async function startSilo({ readyTimeoutMs = 120_000 } = {}) {
  const dll = siloDll();
  if (!dll) throw new Error('Silo is not built: run `dotnet build Silo -c Release` first');

  const root = mkdtempSync(join(tmpdir(), 'orleanshub-e2e-'));
  chmodSync(root, 0o755); // run as root, the embedded PostgreSQL runs as "postgres" and must reach its data
  const dataDirectory = join(root, 'pg');
  const url = `http://127.0.0.1:${await freePort()}`;
  const child = spawn('dotnet', [dll], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      DOTNET_CLI_TELEMETRY_OPTOUT: '1',
      ASPNETCORE_ENVIRONMENT: 'Production',
      Auth__SigningKey: randomBytes(32).toString('base64'), // Production wants one from configuration
      Urls: url,
      Silo__DataDirectory: dataDirectory,
      Execution__Mode: 'UnsafeLocal', // the dashboard, not the sandbox (tests/Execution.Tests covers that)
      RateLimits__Anonymous__PermitLimit: '1000000',
      RateLimits__PerCaller__PermitLimit: '1000000',
      RateLimits__Auth__PermitLimit: '1000000',
    },
  });
  let output = '';
  const keep = (chunk) => { output = (output + chunk).slice(-20_000); };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolveExit) => child.on('exit', (code, signal) => resolveExit({ code, signal })));

  // Last resort (the test process dies): SIGKILL the silo and the postmaster pg_ctl detached from it.
  const silo = {
    url,
    get output() { return output; },
    kill() {
      child.kill('SIGKILL');
      killPostmaster(dataDirectory);
    },
    async stop() {
      running.delete(silo);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM'); // graceful: the silo stops its PostgreSQL itself
        const timeout = new Promise((r) => setTimeout(() => r('timeout'), 30_000).unref());
        if ((await Promise.race([exited, timeout])) === 'timeout') child.kill('SIGKILL');
      }
      killPostmaster(dataDirectory);
      rmSync(root, { recursive: true, force: true });
    },
  };
  running.add(silo);

  try {
    await waitReady(url, exited, readyTimeoutMs);
  } catch (error) {
    await silo.stop();
    throw new Error(`${error.message}\n--- silo output ---\n${output.slice(-4000)}`);
  }
  return silo;
}

async function waitReady(url, exited, timeoutMs) {
  let gone = null;
  exited.then((exit) => { gone = exit; });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (gone) throw new Error(`the silo exited before it was ready (code ${gone.code}, signal ${gone.signal})`);
    try {
      const response = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the silo was not ready within ${timeoutMs / 1000} s`);
}

// A postmaster still running after its silo is gone (SIGKILLed) would keep its port and data.
function killPostmaster(dataDirectory) {
  try {
    const pid = Number(readFileSync(join(dataDirectory, 'postmaster.pid'), 'utf8').split('\n')[0]);
    if (pid > 0) process.kill(pid, 'SIGQUIT'); // immediate shutdown
  } catch {
    // no server, or already gone
  }
}
