import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { postJson } from './post-json.ts';

/** A loopback port nobody listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('postJson', () => {
  it('says which embedder URL is unreachable and why, not just "fetch failed"', async () => {
    const port = await closedPort();
    const baseURL = `http://127.0.0.1:${port}/v1`;
    const error = await postJson(
      { provider: 'openai-compatible', baseURL, headers: () => ({}) },
      '/embeddings',
      {},
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'provider_error',
      isRetryable: true,
      message: expect.stringMatching(
        new RegExp(
          `^openai-compatible: embedder http://127\\.0\\.0\\.1:${port}/v1/embeddings unreachable: ECONNREFUSED \\(connect ECONNREFUSED 127\\.0\\.0\\.1:${port}\\)$`,
        ),
      ),
    });
  });
});
