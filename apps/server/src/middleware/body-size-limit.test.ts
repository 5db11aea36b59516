import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppEnv } from '../app-env.ts';
import { bodySizeLimit } from './body-size-limit.ts';

const app = new Hono<AppEnv>();
app.use(bodySizeLimit({ maxSize: 100, onError: (c) => c.text('too large', 413) }));
app.post('/echo', async (c) => c.text(`got ${(await c.req.text()).length}`));
app.get('/echo', (c) => c.text('get'));

// Real HTTP on loopback, so Content-Length and chunked bodies arrive as node-server sees them.
let server: ReturnType<typeof serve>;
let url = '';
beforeAll(async () => {
  await new Promise<void>((resolve) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => {
      url = `http://127.0.0.1:${info.port}/echo`;
      resolve();
    });
  });
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
});

const chunked = (text: string) =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      for (let i = 0; i < text.length; i += 30) controller.enqueue(new TextEncoder().encode(text.slice(i, i + 30)));
      controller.close();
    },
  });

describe('bodySizeLimit', () => {
  it('passes bodies within the limit, sized by Content-Length or counted when chunked', async () => {
    expect(await (await fetch(url, { method: 'POST', body: 'x'.repeat(100) })).text()).toBe('got 100');
    const res = await fetch(url, { method: 'POST', body: chunked('y'.repeat(90)), duplex: 'half' } as RequestInit);
    expect(await res.text()).toBe('got 90');
    expect(await (await fetch(url)).text()).toBe('get');
  });

  it('answers 413 past the limit, from Content-Length before reading, or while counting a chunked body', async () => {
    const declared = await fetch(url, { method: 'POST', body: 'x'.repeat(101) });
    expect(declared.status).toBe(413);
    const streamed = await fetch(url, {
      method: 'POST',
      body: chunked('y'.repeat(500)),
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
  });
});
