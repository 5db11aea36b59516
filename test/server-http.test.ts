// Real HTTP on loopback: `npm start`'s entry point (main.ts) as a child process on port 0, and a
// graceful SIGTERM that must end with exit code 0.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createToken, LOCAL_ADMIN_PRINCIPAL, openMetadataStore, readPrincipal } from '@ragops/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../apps/server/src/config.ts';
import { startServer } from '../apps/server/src/server.ts';

const MAIN = join(import.meta.dirname, '..', 'apps', 'server', 'src', 'main.ts');

describe('server over real HTTP (main.ts in a child process)', () => {
  let home: string;
  let child: ChildProcess | undefined;
  let token: string;
  const lines: Record<string, unknown>[] = [];

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'ragops-server-http-'));
    // The CLI and the server share one SQLite store: make a token the way `ragops tokens create` would.
    const store = await openMetadataStore(`sqlite:${join(home, 'ragops.db')}`);
    const admin = await readPrincipal(store, LOCAL_ADMIN_PRINCIPAL);
    token = (await createToken({ store, actor: admin, requestId: 'http-test', token: {} })).token;
    await store.close();
  });

  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await rm(home, { recursive: true, force: true });
  });

  it('serves on an ephemeral loopback port and exits 0 on SIGTERM', async () => {
    // process.execPath is the Node running vitest (Node 24 through npx), so type stripping works.
    child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', MAIN], {
      env: {
        ...process.env,
        PORT: '0',
        HOST: '127.0.0.1',
        RAGOPS_HOME: home,
        RAGOPS_LOG_LEVEL: 'info',
        RAGOPS_METADATA_URL: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (d) => {
      stderr += String(d);
    });
    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      const rl = createInterface({ input: child!.stdout! });
      rl.on('line', (line) => {
        const record = JSON.parse(line) as Record<string, unknown>;
        lines.push(record);
        if (record.msg === 'listening') resolve(String(record.url));
      });
      void exited.then((code) => reject(new Error(`server exited early (${code}): ${stderr}`)));
    });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(health.headers.get('x-request-id')).toBeTruthy();
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    const me = await fetch(`${url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(await me.json()).toMatchObject({ name: 'admin', isAdmin: true });
    const malformed = await fetch(`${url}/api/v1/catalogs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{"name":',
    });
    expect(malformed.status).toBe(400);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const messages = lines.map((l) => l.msg);
    expect(messages).toEqual(expect.arrayContaining(['listening', 'signal received', 'shutting down', 'stopped']));
    expect(lines.find((l) => l.msg === 'request' && l.route === '/api/v1/me')).toMatchObject({ status: 200 });
    expect(JSON.stringify(lines)).not.toContain(token);
  });

  it.each([
    { variable: 'PORT', env: { PORT: 'eighty' }, message: /^PORT: /m },
    {
      variable: 'RAGOPS_LLM_PROVIDERS',
      env: { PORT: '0', RAGOPS_LLM_PROVIDERS: '{bad' },
      message: /^RAGOPS_LLM_PROVIDERS: /m,
    },
    {
      variable: 'PORT (taken)',
      env: { PORT: 'TAKEN' },
      message: /^cannot listen: port \d+ on 127\.0\.0\.1 is already in use.*set PORT/m,
    },
  ])('exits 2 with a readable message on invalid configuration ($variable)', async ({ env, message }) => {
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    if (env.PORT === 'TAKEN') env = { ...env, PORT: String((squatter.address() as AddressInfo).port) };
    const bad = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', MAIN], {
      env: { ...process.env, ...env, RAGOPS_HOME: home },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    bad.stderr!.on('data', (d) => {
      stderr += String(d);
    });
    const code = await new Promise<number | null>((resolve) => bad.once('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(stderr).not.toMatch(/"level":60/);
    await new Promise((resolve) => squatter.close(resolve));
  });
});

describe('startServer (in process, real HTTP)', () => {
  it('close() stops the listener, runs shutdown hooks while the store is still open, then closes it', async () => {
    const home = await mkdtemp(join(tmpdir(), 'ragops-server-close-'));
    try {
      const config = loadConfig({ PORT: '0', RAGOPS_HOME: home, RAGOPS_LOG_LEVEL: 'silent' });
      const server = await startServer(config);
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      const order: string[] = [];
      server.lifecycle.onShutdown(async () => {
        // A flush hook (e.g. queued inference rows) still reaches the store.
        const ready = await server.app.request('/readyz');
        order.push(`hook saw store ${ready.status}`);
      });
      await server.close();
      order.push('closed');
      expect(order).toEqual(['hook saw store 200', 'closed']);
      await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
      expect((await server.app.request('/readyz')).status).toBe(503);
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });

  it('rejects with a config error naming the taken port (errno as cause), and a second start still works', async () => {
    const home = await mkdtemp(join(tmpdir(), 'ragops-server-taken-'));
    try {
      const first = await startServer(loadConfig({ PORT: '0', RAGOPS_HOME: home, RAGOPS_LOG_LEVEL: 'silent' }));
      const taken = loadConfig({ PORT: String(first.port), RAGOPS_HOME: home, RAGOPS_LOG_LEVEL: 'silent' });
      await expect(startServer(taken)).rejects.toMatchObject({
        code: 'config_error',
        message: `cannot listen: port ${first.port} on 127.0.0.1 is already in use: stop the other server or set PORT to a free port (EADDRINUSE)`,
        cause: { code: 'EADDRINUSE' },
      });
      await first.close();
      const again = await startServer(taken);
      expect((await fetch(`${again.url}/healthz`)).status).toBe(200);
      await again.close();
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
});
