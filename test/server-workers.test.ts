// RAGOPS_WORKERS=2: `npm start`'s entry point (main.ts) as a real cluster in a child process, on
// SQLite and PostgreSQL. Both workers answer on one port (the log lines carry the worker index), a
// rate limit holds for the server as a whole, a console session signed in on one worker is valid on
// the other, /metrics sums every worker, a killed worker is forked again, and SIGTERM to the primary
// under load loses no inference row. A bad environment exits 2 with its one line.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { queryInferenceRows } from '@ragops/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends } from './server-fixture.ts';
import { MODEL, type ServingFixture, startServingFixture } from './serving-fixture.ts';

const MAIN = join(import.meta.dirname, '..', 'apps', 'server', 'src', 'main.ts');

type Line = Record<string, unknown>;
type Reply = { status: number; headers: Record<string, string | string[] | undefined>; body: string };

/** One request on a connection of its own (node:cluster's round-robin hands out connections, not requests). */
function call(
  url: string,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
) {
  return new Promise<Reply>((resolve, reject) => {
    const req = request(
      `${url}${path}`,
      { method: init.method ?? 'GET', headers: init.headers ?? {}, agent: false },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => {
          body += String(d);
        });
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

type Cluster = {
  child: ChildProcess;
  /** The primary's URL, once every worker listens. */
  listening: Promise<string>;
  lines: Line[];
  stderr: () => string;
  exited: Promise<number | null>;
  /** Resolves with the first log line (already written or to come) matching `match`. */
  line(match: (l: Line) => boolean): Promise<Line>;
};

function spawnCluster(env: Record<string, string>): Cluster {
  const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', MAIN], {
    env: {
      PATH: process.env.PATH,
      PORT: '0',
      HOST: '127.0.0.1',
      RAGOPS_LOG_LEVEL: 'info',
      RAGOPS_WORKERS: '2',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so a test can signal the whole group as systemd signals a unit's cgroup.
    detached: true,
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr += String(d);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const lines: Line[] = [];
  const waiters: { match: (l: Line) => boolean; resolve: (l: Line) => void }[] = [];
  // Every stdout line must be one whole JSON record: the workers share the primary's stdout.
  createInterface({ input: child.stdout! }).on('line', (text) => {
    const record = JSON.parse(text) as Line;
    lines.push(record);
    for (const w of waiters.filter((w) => w.match(record))) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(record);
    }
  });
  const line = (match: (l: Line) => boolean) =>
    new Promise<Line>((resolve, reject) => {
      const found = lines.find(match);
      if (found) return resolve(found);
      waiters.push({ match, resolve });
      void exited.then((code) => reject(new Error(`server exited (${code}) first: ${stderr}`)));
    });
  const listening = line((l) => l.role === 'primary' && l.msg === 'listening').then((l) => String(l.url));
  listening.catch(() => {});
  return { child, listening, lines, stderr: () => stderr, exited, line };
}

/** Which worker answered the request whose id the response carried (its request log line). */
const workerOf = (c: Cluster, requestId: string) =>
  c.lines.find((l) => l.msg === 'request' && l.requestId === requestId)?.worker;

for (const backend of testBackends()) {
  describe(`RAGOPS_WORKERS=2 (${backend})`, () => {
    let f: ServingFixture;
    let c: Cluster;
    let url: string;
    /** Chat completions answered, by status, as this test counted them (for /metrics). */
    const answered = { ok: 0, limited: 0 };
    const chat = async (model: string, content: string) => {
      const res = await call(url, '/v1/chat/completions', {
        method: 'POST',
        headers: { authorization: `Bearer ${f.adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model, messages: [{ role: 'user', content }] }),
      });
      if (res.status === 200) answered.ok += 1;
      if (res.status === 429) answered.limited += 1;
      return { ...res, requestId: String(res.headers['x-request-id']) };
    };
    // The request log line is written after the response: wait for it.
    const answeredBy = async (requestId: string) =>
      (await c.line((l) => l.msg === 'request' && l.requestId === requestId)).worker;

    beforeAll(async () => {
      f = await startServingFixture({ backend });
      await f.registerVersion();
      await f.setAlias('champion', 1);
      await f.createEndpoint('docs-qa', { served: [{ model: `models:/${MODEL}@champion`, traffic: 100 }] });
      await f.createEndpoint('limited', {
        served: [{ model: `models:/${MODEL}@champion`, traffic: 100 }],
        // 4 a minute: each of the 2 workers allows 2 (burst 2), refilling one per 30 s.
        rateLimit: { requestsPerMinute: 4 },
      });
      c = spawnCluster({
        RAGOPS_HOME: f.home,
        RAGOPS_METADATA_URL: f.metadataUrl,
        // Rows are only written by the shutdown flush (or a worker's queue lost when it is killed).
        RAGOPS_INFERENCE_FLUSH_MS: '60000',
        RAGOPS_INFERENCE_BATCH_SIZE: '10000',
      });
      url = await c.listening;
    }, 120_000);
    afterAll(async () => {
      if (c && c.child.exitCode === null) c.child.kill('SIGKILL');
      await f?.close();
    });

    it('answers on one port from both workers; only worker 0 runs the background jobs', async () => {
      const workers = new Set<unknown>();
      for (let i = 0; i < 12; i++) {
        const res = await chat('docs-qa', `What is Lance? (${i})`);
        expect(res.status).toBe(200);
        workers.add(await answeredBy(res.requestId));
      }
      expect([...workers].sort()).toEqual([0, 1]);
      const jobs = c.lines.filter((l) => l.msg === 'background jobs run in this worker');
      expect(jobs.map((l) => l.worker)).toEqual([0]);
      // Every line of a worker says which one it is; the primary's say so.
      const listening = c.lines.filter((l) => l.msg === 'listening');
      expect(listening.map((l) => l.worker ?? l.role).sort()).toEqual([0, 1, 'primary']);
    });

    it('enforces 1/2 of an endpoint rate limit in each worker (the server allows the limit, not twice it)', async () => {
      const byWorker = new Map<unknown, number[]>();
      for (let i = 0; i < 10; i++) {
        const res = await chat('limited', `Aliases? (${i})`);
        const worker = await answeredBy(res.requestId);
        byWorker.set(worker, [...(byWorker.get(worker) ?? []), res.status]);
      }
      expect(byWorker.size).toBe(2);
      for (const statuses of byWorker.values()) {
        // Each worker's bucket holds 2: its first two pass, the rest are 429.
        expect(statuses.filter((s) => s === 200)).toHaveLength(Math.min(2, statuses.length));
        expect(statuses.slice(2).every((s) => s === 429)).toBe(true);
      }
    });

    it('keeps a console session signed in on one worker valid on the other (one secret for all)', async () => {
      const crossed = new Set<string>();
      for (let attempt = 0; attempt < 3; attempt++) {
        const page = await call(url, '/console/sign-in');
        const pre = String(page.headers['set-cookie']).split(';')[0]!;
        const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
        const signIn = await call(url, '/console/sign-in', {
          method: 'POST',
          headers: { cookie: pre, origin: url, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ token: f.adminToken, _csrf: csrf }).toString(),
        });
        expect(signIn.status).toBe(303);
        const session = (signIn.headers['set-cookie'] as string[])
          .find((s) => s.startsWith('ragops_console='))!
          .split(';')[0]!;
        const signInBy = await answeredBy(String(signIn.headers['x-request-id']));
        for (let i = 0; i < 2; i++) {
          const home = await call(url, '/console/models', { headers: { cookie: session } });
          expect(home.status).toBe(200);
          crossed.add(`${signInBy}->${await answeredBy(String(home.headers['x-request-id']))}`);
        }
      }
      expect([...crossed].some((pair) => pair === '0->1' || pair === '1->0')).toBe(true);
    });

    it('answers /metrics with the sum over both workers, whichever one is scraped', async () => {
      for (let i = 0; i < 2; i++) {
        const res = await call(url, '/metrics');
        expect(res.status).toBe(200);
        expect(res.body).toMatch(/^ragops_cluster_workers 2$/m);
        expect(res.body).toMatch(/^ragops_cluster_workers_scraped 2$/m);
        const count = (status: number) =>
          Number(
            new RegExp(
              `^ragops_http_requests_total\\{method="POST",route="/v1/chat/completions",status="${status}"\\} (\\d+)$`,
              'm',
            ).exec(res.body)?.[1],
          );
        expect(count(200)).toBe(answered.ok);
        expect(count(429)).toBe(answered.limited);
      }
    });

    it('forks a killed worker again with its index', async () => {
      const started = (index: number) => c.lines.filter((l) => l.msg === 'worker started' && l.worker === index);
      const victim = Number(started(1)[0]!.pid);
      process.kill(victim, 'SIGKILL');
      const exited = await c.line((l) => l.msg === 'worker exited unexpectedly');
      expect(exited).toMatchObject({ worker: 1, signal: 'SIGKILL' });
      await c.line((l) => l.msg === 'listening' && l.worker === 1 && c.lines.indexOf(l) > c.lines.indexOf(exited));
      expect(started(1)).toHaveLength(2);
      expect(Number(started(1)[1]!.pid)).not.toBe(victim);
      const metrics = await call(url, '/metrics');
      expect(metrics.body).toMatch(/^ragops_cluster_worker_restarts_total 1$/m);
    }, 60_000);

    it(`writes a row for every request answered when SIGTERM reaches ${backend === 'sqlite' ? 'the primary' : 'the process group'} under load, and exits 0`, async () => {
      // Keep-alive connections (fetch's pool), spread over both workers when they connect.
      const ids: string[] = [];
      let failed = 0;
      let signalled = false;
      const loop = async (n: number) => {
        for (let i = 0; i < 60 && !signalled; i++) {
          try {
            const res = await fetch(`${url}/v1/chat/completions`, {
              method: 'POST',
              headers: { authorization: `Bearer ${f.adminToken}`, 'content-type': 'application/json' },
              body: JSON.stringify({ model: 'docs-qa', messages: [{ role: 'user', content: `Serving? (${n}.${i})` }] }),
            });
            await res.arrayBuffer();
            if (res.status === 200) ids.push(res.headers.get('x-request-id')!);
          } catch {
            failed += 1;
          }
          if (ids.length >= 80 && !signalled) {
            signalled = true;
            // To the primary alone (Kubernetes, docker stop), or to every process at once (systemd's
            // default, timeout(1)): then each worker gets both its SIGTERM and the primary's stop.
            if (backend === 'sqlite') c.child.kill('SIGTERM');
            else process.kill(-c.child.pid!, 'SIGTERM');
          }
        }
      };
      await Promise.all(Array.from({ length: 8 }, (_, n) => loop(n)));
      expect(await c.exited).toBe(0);
      expect(signalled).toBe(true);
      expect(new Set(ids.map((id) => workerOf(c, id)))).toEqual(new Set([0, 1]));
      const rows = await queryInferenceRows(f.store, { endpoint: 'docs-qa', limit: 100_000 });
      const logged = new Set(rows.map((r) => r.requestId));
      expect(ids.filter((id) => !logged.has(id))).toEqual([]);
      expect(failed).toBe(0);
      expect(c.lines.filter((l) => l.msg === 'worker stopped').map((l) => l.code)).toEqual([0, 0]);
    }, 120_000);
  });
}

describe('RAGOPS_WORKERS and a bad environment', () => {
  it('exits 2 with one line for a bad RAGOPS_WORKERS, before forking anything', async () => {
    const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', MAIN], {
      env: { PATH: process.env.PATH, RAGOPS_WORKERS: '65', RAGOPS_HOME: '/nonexistent/never-created' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += String(d);
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toBe('Invalid server environment:\nRAGOPS_WORKERS: must be an integer from 1 to 64, or auto\n');
  });

  it('stops the server (exit 1) when workers keep dying: more than 5 deaths within a minute', async () => {
    const home = await mkdtemp(join(tmpdir(), 'ragops-workers-loop-'));
    try {
      const c = spawnCluster({ RAGOPS_HOME: home });
      await c.listening;
      // Its own line may come after the primary's (another process's stdout write).
      await c.line((l) => l.msg === 'listening' && l.worker === 1);
      // Kill worker 1 each time it listens again: the sixth death within the minute ends the server.
      for (let death = 1; death <= 6; death++) {
        const listening = c.lines.filter((l) => l.msg === 'listening' && l.worker === 1);
        const pid = Number(c.lines.filter((l) => l.msg === 'worker started' && l.worker === 1).at(-1)!.pid);
        expect(listening).toHaveLength(death);
        process.kill(pid, 'SIGKILL');
        if (death < 6) {
          await c.line((l) => l.msg === 'listening' && l.worker === 1 && !listening.includes(l));
        }
      }
      expect(await c.exited).toBe(1);
      expect(c.lines.filter((l) => l.msg === 'worker exited unexpectedly')).toHaveLength(5);
      expect(c.lines.find((l) => l.msg === 'workers keep dying: stopping the server')).toMatchObject({ crashes: 6 });
      // Worker 0 was drained, not cut.
      expect(c.lines.find((l) => l.msg === 'worker stopped' && l.worker === 0)).toMatchObject({ code: 0 });
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  }, 120_000);

  it("exits 2 with the worker's one config line when worker 0 cannot start, and forks no other", async () => {
    const home = await mkdtemp(join(tmpdir(), 'ragops-workers-bad-'));
    try {
      const c = spawnCluster({ RAGOPS_HOME: home, RAGOPS_INFERENCE_BATCH_SIZE: '0' });
      expect(await c.exited).toBe(2);
      expect(c.stderr()).toMatch(/^Invalid serving environment:\nRAGOPS_INFERENCE_BATCH_SIZE: [^\n]+\n$/);
      expect(c.lines.filter((l) => l.msg === 'worker started').map((l) => l.worker)).toEqual([0]);
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
});
