// `ragops monitor refresh` evaluates monitoring.alerts after refreshing, as the server does: a rule
// on a complete window fires (stored, printed, POSTed to a real receiver on loopback, signed with
// the secret named by ${ENV}), stays firing without a second event, and resolves when it no longer
// breaches. A literal secret in the spec refuses the command before anything is written.

import { writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { insertInferenceRows } from '@ragops/core';
import { webhookSignature } from '@ragops/monitoring';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './index-cli-helpers.ts';
import { testBackends } from './server-fixture.ts';
import { MODEL, type ServingFixture, startServingFixture } from './serving-fixture.ts';
import { inferenceRow } from './split-test-rows.ts';

const SECRET = 'hook-secret-0123456789';
const FIVE_MIN = 5 * 60_000;

describe.each(testBackends())('ragops monitor refresh evaluates alerts (%s)', (backend) => {
  let f: ServingFixture;
  let hook: Server;
  let hookUrl = '';
  const received: { headers: IncomingMessage['headers']; body: string }[] = [];
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the spec's literal ${ENV_VAR} reference.
  const spec = (above: number, secret = '${HOOK_SECRET}') =>
    [
      'version: 1',
      'monitoring:',
      '  refresh: { graceSeconds: 0 }',
      '  alerts:',
      '    rules:',
      `      - { name: errors, endpoint: watched, metric: error_rate, window: 5m, condition: { above: ${above} }, minCount: 5 }`,
      '    webhooks:',
      `      - { name: ops, url: "${hookUrl}", secret: "${secret}", backoffMs: 0 }`,
      '',
    ].join('\n');
  const refresh = async (text: string, json = true) => {
    const file = join(f.home, 'alerts.yaml');
    await writeFile(file, text);
    return runCli(
      [...(json ? ['--json'] : []), 'monitor', 'refresh', '--spec', file, '--window', '5m'],
      f.home,
      { RAGOPS_METADATA_URL: f.metadataUrl, HOOK_SECRET: SECRET },
      { cwd: f.home },
    );
  };

  beforeAll(async () => {
    hook = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
    f = await startServingFixture({ backend });
    await f.registerVersion();
    await f.createEndpoint('watched', { served: [{ model: `models:/${MODEL}/1`, traffic: 100 }] });
    // 20 requests in one 5-minute window that ended at least 10 minutes ago; half failed.
    const start = Math.floor((Date.now() - 4 * FIVE_MIN) / FIVE_MIN) * FIVE_MIN;
    const arm = { name: 'v1', model: MODEL, version: 1 };
    const rows = Array.from({ length: 20 }, (_, i) =>
      inferenceRow('watched', arm, 'local-admin', {
        ts: new Date(start + 1_000 * (i + 1)).toISOString(),
        ...(i % 2 === 0 && { status: 'error', httpStatus: 502, errorCode: 'provider_error', errorMessage: 'upstream' }),
      }),
    );
    await f.store.transaction((tx) => insertInferenceRows(tx, rows));
  }, 120_000);
  afterAll(async () => {
    await f?.close();
    await new Promise((r) => hook?.close(r));
  });

  it('refuses a literal webhook secret before refreshing, naming where', async () => {
    const res = await refresh(spec(0.2, 'not-a-reference-0123456789'));
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('monitoring.alerts.webhooks[0].secret');
    expect(received).toHaveLength(0);
  });

  it('fires after the refresh: stored, printed and delivered, signed', async () => {
    const res = await refresh(spec(0.2));
    expect(res.code, res.stderr).toBe(0);
    const out = JSON.parse(res.stdout) as {
      status: string;
      rowsRead: number;
      alerts: {
        rules: number;
        firing: number;
        events: { state: string; rule: string; value: number; delivery: string }[];
      };
    };
    expect(out.status).toBe('refreshed');
    // The refused run wrote nothing: this one reads the 20 rows (a refreshed complete window is not re-read).
    expect(out.rowsRead).toBe(20);
    expect(out.alerts).toMatchObject({ rules: 1, firing: 1 });
    expect(out.alerts.events).toMatchObject([{ state: 'firing', rule: 'errors', value: 0.5, delivery: 'delivered' }]);
    expect(received).toHaveLength(1);
    expect(JSON.parse(received[0]!.body)).toMatchObject({ rule: 'errors', state: 'firing', endpoint: 'watched' });
    const { headers, body } = received[0]!;
    expect(headers['x-ragops-signature']).toBe(webhookSignature(SECRET, String(headers['x-ragops-timestamp']), body));
  }, 60_000);

  it('stays firing without a new event, then resolves when the rule no longer breaches (human output)', async () => {
    const again = await refresh(spec(0.2), false);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/alerts: 1 rule\(s\) over 1 series, 1 firing/);
    expect(again.stdout).not.toMatch(/FIRED/);
    const resolved = await refresh(spec(0.9), false);
    expect(resolved.code, resolved.stderr).toBe(0);
    expect(resolved.stdout).toMatch(/alerts: 1 rule\(s\) over 1 series, 0 firing/);
    expect(resolved.stdout).toMatch(/resolved errors \(.+\): .*no longer breaches.*\[webhook: delivered\]/);
    expect(received.map((r) => (JSON.parse(r.body) as { state: string }).state)).toEqual(['firing', 'resolved']);
  }, 60_000);
});
