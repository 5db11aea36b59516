import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookSchema } from './alert-config.ts';
import { deliverWebhook, webhookSignature } from './deliver-webhook.ts';

// A real receiver on loopback; each test sets how it answers.
let handle: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end();
const seen: IncomingMessage['headers'][] = [];
const server = createServer((req, res) => {
  seen.push(req.headers);
  req.resume();
  req.on('end', () => handle(req, res));
});
let url = '';

beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

const hook = (extra: Record<string, unknown> = {}) =>
  webhookSchema.parse({ name: 'ops', url, backoffMs: 10, ...extra });
const payload = { deliveryId: 'd-1', state: 'firing' };

describe('deliverWebhook', () => {
  it('does not retry a receiver that refuses (4xx other than 408/429)', async () => {
    seen.length = 0;
    handle = (_req, res) => res.writeHead(400).end();
    expect(await deliverWebhook(hook(), payload)).toEqual({
      delivered: false,
      attempts: 1,
      status: 400,
      lastError: 'HTTP 400',
    });
    expect(seen).toHaveLength(1);
    // No secret, no signature header.
    expect(seen[0]?.['x-ragops-signature']).toBeUndefined();
  });

  it('times out a receiver that never answers and retries it up to maxAttempts', async () => {
    seen.length = 0;
    handle = () => undefined;
    const result = await deliverWebhook(hook({ timeoutMs: 200, maxAttempts: 3 }), payload);
    expect(result).toMatchObject({ delivered: false, attempts: 3, status: null });
    expect(result.lastError).toMatch(/TimeoutError|aborted/i);
    expect(seen).toHaveLength(3);
    // One delivery id across the retries, for the receiver's idempotency.
    expect(new Set(seen.map((h) => h['x-ragops-delivery']))).toEqual(new Set(['d-1']));
  });

  it('does not retry 409 (a conflict will not clear), unlike a provider call', async () => {
    seen.length = 0;
    handle = (_req, res) => res.writeHead(409).end();
    expect(await deliverWebhook(hook(), payload)).toMatchObject({ delivered: false, attempts: 1, status: 409 });
    expect(seen).toHaveLength(1);
  });

  it('retries 429 and signs every attempt over timestamp and body', async () => {
    seen.length = 0;
    let calls = 0;
    handle = (_req, res) => res.writeHead(++calls === 1 ? 429 : 204).end();
    const secret = 'a-secret-of-sixteen+';
    const result = await deliverWebhook(hook({ secret }), payload, { now: () => new Date(1_000_000) });
    expect(result).toEqual({ delivered: true, attempts: 2, status: 204, lastError: null });
    expect(seen.map((h) => h['x-ragops-signature'])).toEqual([
      webhookSignature(secret, '1000', JSON.stringify(payload)),
      webhookSignature(secret, '1000', JSON.stringify(payload)),
    ]);
    expect(webhookSignature(secret, '1000', 'x')).not.toBe(webhookSignature(secret, '1001', 'x'));
  });
});
