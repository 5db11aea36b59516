import { createServer, type RequestListener, type ServerResponse } from 'node:http';

/** A loopback port nobody listens on (bound, then released): a refused connection on demand. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * A raw node:http server on loopback, for replies the OpenAI-protocol server will not send
 * (floods, stalls, broken bodies). `close` also drops open connections.
 */
export async function startRawHttpServer(
  listener: RequestListener,
): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Writes `chunk` `times` times (forever while `times` is Infinity and the client reads), waiting
 * for drain as a real server does, then ends the reply.
 */
export function pump(res: ServerResponse, chunk: Buffer, times: number): void {
  let sent = 0;
  const next = () => {
    while (sent < times && !res.destroyed) {
      sent++;
      if (!res.write(chunk)) return void res.once('drain', next);
    }
    res.end();
  };
  res.on('error', () => {});
  next();
}
