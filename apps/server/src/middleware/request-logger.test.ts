import { Writable } from 'node:stream';
import { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import { describe, expect, it } from 'vitest';
import type { AppEnv } from '../app-env.ts';
import { createServerLogger } from '../logger.ts';
import { type RequestLogLevel, requestLogger } from './request-logger.ts';

async function run(level: RequestLogLevel | undefined, path: string) {
  let text = '';
  const out = new Writable({
    write(chunk, _enc, done) {
      text += String(chunk);
      done();
    },
  });
  const logger = createServerLogger({ logFormat: 'json', logLevel: 'info' }, out);
  const app = new Hono<AppEnv>();
  app.use(requestId());
  app.use(requestLogger(logger, level));
  app.get('/work', (c) => {
    c.get('logger').warn({ step: 1 }, 'inside');
    return c.text('ok');
  });
  app.get('/healthz', (c) => c.text('ok'));
  const res = await app.request(path, { headers: { 'x-request-id': 'rid-1' } });
  expect(res.status).toBe(200);
  return text
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('requestLogger', () => {
  it('writes one request line with the requestId at info by default, and gives handlers a logger carrying it', async () => {
    const lines = await run(undefined, '/work');
    expect(lines.find((l) => l.msg === 'inside')).toMatchObject({ requestId: 'rid-1', step: 1, level: 40 });
    expect(lines.find((l) => l.msg === 'request')).toMatchObject({
      requestId: 'rid-1',
      method: 'GET',
      route: '/work',
      path: '/work',
      status: 200,
      level: 30,
    });
  });

  it('skips the request line when its level is below the logger level, keeping handler warnings', async () => {
    const lines = await run('debug', '/work');
    expect(lines.map((l) => l.msg)).toEqual(['inside']);
    expect(lines[0]).toMatchObject({ requestId: 'rid-1' });
  });

  it('logs probes at debug whatever the request level', async () => {
    expect(await run('info', '/healthz')).toEqual([]);
  });
});
