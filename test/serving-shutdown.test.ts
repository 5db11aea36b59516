// No inference row is lost across SIGTERM under load: the real server in a child process (`npm start`'s
// entry point) with a writer that only flushes at shutdown, requests in flight when the signal lands.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { queryInferenceRows } from '@ragops/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODEL, type ServingFixture, startServingFixture } from './serving-fixture.ts';

let f: ServingFixture;
beforeAll(async () => {
  f = await startServingFixture();
  await f.registerVersion();
  await f.setAlias('champion', 1);
  await f.createEndpoint('docs-qa', { served: [{ model: `models:/${MODEL}@champion`, traffic: 100 }] });
});
afterAll(async () => f?.close());

describe('graceful shutdown', () => {
  it('writes a row for every answered request when SIGTERM arrives under load', async () => {
    const child = spawn(process.execPath, [join(import.meta.dirname, '../apps/server/src/main.ts')], {
      env: {
        PATH: process.env.PATH,
        NODE_OPTIONS: '--disable-warning=ExperimentalWarning',
        PORT: '0',
        RAGOPS_HOME: f.home,
        RAGOPS_METADATA_URL: f.metadataUrl,
        RAGOPS_LOG_LEVEL: 'info',
        // Rows are only written by the shutdown flush: nothing reaches the store before SIGTERM.
        RAGOPS_INFERENCE_FLUSH_MS: '60000',
        RAGOPS_INFERENCE_BATCH_SIZE: '10000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += String(d);
    });
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += String(d);
        const match = /"url":"(http:\/\/[^"]+)"/.exec(out);
        if (match) resolve(match[1]!);
      });
      child.once('exit', (code) => reject(new Error(`server exited ${code}: ${stderr}`)));
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

    const answered: string[] = [];
    let failed = 0;
    let signalled = false;
    const worker = async () => {
      for (let i = 0; i < 60; i++) {
        try {
          const res = await fetch(`${url}/v1/chat/completions`, {
            method: 'POST',
            headers: { authorization: `Bearer ${f.adminToken}`, 'content-type': 'application/json' },
            body: JSON.stringify({ model: 'docs-qa', messages: [{ role: 'user', content: `What is Lance? (${i})` }] }),
          });
          await res.arrayBuffer();
          if (res.status === 200) answered.push(res.headers.get('x-request-id')!);
        } catch {
          failed += 1; // refused or cut once the server stopped accepting
        }
        if (answered.length >= 60 && !signalled) {
          signalled = true;
          child.kill('SIGTERM');
        }
        // Stop sending after the signal: the requests in flight then are what the test is about.
        if (signalled) return;
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    expect(await exited).toBe(0);
    expect(signalled).toBe(true);
    const rows = await queryInferenceRows(f.store, { endpoint: 'docs-qa', limit: 100_000 });
    const logged = new Set(rows.map((r) => r.requestId));
    const lost = answered.filter((id) => !logged.has(id));
    expect(answered.length).toBeGreaterThanOrEqual(60);
    expect(lost).toEqual([]);
    // Requests in flight at SIGTERM were answered, not cut.
    expect(failed).toBe(0);
  });
});
