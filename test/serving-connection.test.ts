// The connection around a served request: `Connection: close` honoured on streams (a raw socket on
// loopback), and a client that disconnects is recorded as what it is (499 client_closed, info log, no
// 5xx in /metrics), not as a server failure.
import { connect } from 'node:net';
import { type OpenAIProtocolServer, startOpenAIProtocolServer } from '@ragops/rag/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODEL, type ServingFixture, startServingFixture } from './serving-fixture.ts';

let f: ServingFixture;
let upstream: OpenAIProtocolServer;

beforeAll(async () => {
  upstream = await startOpenAIProtocolServer();
  f = await startServingFixture({
    logLevel: 'info',
    providers: {
      // Capabilities given, so no probe request takes the delay fault meant for the answer.
      slow: {
        type: 'openai-compatible',
        baseURL: upstream.baseURL,
        capabilities: { streamUsage: true, topP: true, n: true },
      },
    },
  });
  await f.registerVersion(); // v1: extractive
  await f.registerVersion({ provider: 'slow', model: 'llama', params: { maxRetries: 0 } }); // v2
  await f.createEndpoint('docs-qa', { served: [{ model: `models:/${MODEL}/1`, traffic: 100 }] });
  await f.createEndpoint('slow-qa', { served: [{ model: `models:/${MODEL}/2`, traffic: 100 }], timeoutMs: 30_000 });
  // The server never closes an idle socket by itself during this file: a socket that ends was closed
  // because the request asked for it.
  f.httpServer.keepAliveTimeout = 600_000;
});
afterAll(async () => {
  await f?.close();
  await upstream?.close();
});

/** Writes raw HTTP/1.1 requests on one socket; `next()` resolves with each full response text. */
function rawClient(port: number) {
  const socket = connect(port, '127.0.0.1');
  let buffer = '';
  let waiter: (() => void) | undefined;
  const ended = new Promise<void>((resolve) => socket.once('end', resolve));
  socket.on('data', (d) => {
    buffer += String(d);
    waiter?.();
  });
  return {
    ended,
    send(body: unknown, headers: Record<string, string> = {}) {
      const json = JSON.stringify(body);
      const lines = [
        'POST /v1/chat/completions HTTP/1.1',
        `host: 127.0.0.1:${port}`,
        `authorization: Bearer ${f.adminToken}`,
        'content-type: application/json',
        `content-length: ${Buffer.byteLength(json)}`,
        ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
      ];
      socket.write(`${lines.join('\r\n')}\r\n\r\n${json}`);
    },
    /** The next complete chunked response (ends with the zero-length chunk). */
    async next(): Promise<string> {
      for (;;) {
        const end = buffer.indexOf('\r\n0\r\n\r\n');
        if (end >= 0) {
          const response = buffer.slice(0, end + 7);
          buffer = buffer.slice(end + 7);
          return response;
        }
        await new Promise<void>((resolve) => {
          waiter = resolve;
        });
      }
    },
    destroy: () => socket.destroy(),
  };
}

const streamBody = {
  model: 'docs-qa',
  stream: true,
  messages: [{ role: 'user', content: 'What is a Lance version?' }],
};

describe('Connection: close on a streamed answer', () => {
  it('closes the socket after [DONE] when the client asked for it', async () => {
    const port = Number(new URL(f.url).port);
    const client = rawClient(port);
    client.send(streamBody, { connection: 'close' });
    const response = await client.next();
    expect(response).toMatch(/^HTTP\/1\.1 200/);
    expect(response).toMatch(/\r\nconnection: close\r\n/i);
    expect(response).toContain('data: [DONE]');
    await client.ended; // the server ended the socket (its idle timeout is 10 minutes here)
  });

  it('keeps the socket for the next request otherwise', async () => {
    const port = Number(new URL(f.url).port);
    const client = rawClient(port);
    client.send(streamBody);
    expect(await client.next()).toMatch(/\r\nconnection: keep-alive\r\n/i);
    client.send(streamBody);
    const second = await client.next();
    expect(second).toMatch(/^HTTP\/1\.1 200/);
    expect(second).toContain('data: [DONE]');
    client.destroy();
  });
});

describe('a client that disconnects', () => {
  it.each([false, true])(
    'is a 499 client_closed row, an info log line and no 5xx metric (stream: %s)',
    async (stream) => {
      upstream.faults.push({ kind: 'delay', ms: 20_000, path: '/v1/chat/completions' });
      const requestId = `gone-${stream}`;
      const controller = new AbortController();
      const pending = fetch(`${f.url}/v1/chat/completions`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${f.adminToken}`,
          'content-type': 'application/json',
          'x-request-id': requestId,
        },
        body: JSON.stringify({ model: 'slow-qa', stream, messages: [{ role: 'user', content: 'What is Lance?' }] }),
        signal: controller.signal,
      });
      const deadline = Date.now() + 20_000;
      while (upstream.faults.pending > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      controller.abort();
      await expect(pending).rejects.toThrow();

      // The request line is written when the handler returns, after the row is queued. Serving keys
      // the row by its own id (serving/completion-id.ts); the client's id is the line's clientRequestId.
      const deadline2 = Date.now() + 10_000;
      while (!f.logs.some((l) => l.clientRequestId === requestId && l.msg === 'request') && Date.now() < deadline2) {
        await new Promise((r) => setTimeout(r, 10));
      }
      const ownId = f.logs.find((l) => l.clientRequestId === requestId && l.msg === 'request')?.requestId;
      expect(ownId).toEqual(expect.any(String));
      expect(ownId).not.toBe(requestId);
      const row = await f.rowWhere((r) => r.requestId === ownId);
      expect(row).toMatchObject({ status: 'error', httpStatus: 499, errorCode: 'client_closed', stream });
      const lines = f.logs.filter((l) => l.requestId === ownId);
      expect(lines.find((l) => l.msg === 'request')).toMatchObject({ status: 499 });
      expect(lines.find((l) => l.msg === 'client closed request')).toMatchObject({ level: 30 });
      expect(lines.filter((l) => Number(l.level) >= 50)).toEqual([]);

      const metrics = await (await fetch(`${f.url}/metrics`)).text();
      expect(metrics).toMatch(
        /ragops_http_requests_total\{method="POST",route="\/v1\/chat\/completions",status="499"\}/,
      );
      expect(metrics).not.toMatch(/ragops_http_requests_total\{[^}]*status="5\d\d"/);
    },
  );
});
