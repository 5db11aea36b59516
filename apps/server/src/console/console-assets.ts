import { readFile } from 'node:fs/promises';
import type { Hono } from 'hono';
import type { ConsoleEnv } from './console-auth.ts';

// The console's only assets, from the repo (no CDN, no build step). Read once and kept (a few KB).
const ASSETS: Record<string, string> = {
  'console.css': 'text/css; charset=utf-8',
  'console.js': 'text/javascript; charset=utf-8',
};

/** GET /console/assets/:file — public (the sign-in page needs them), a fixed list of files. */
export function registerConsoleAssets(ui: Hono<ConsoleEnv>): void {
  const files = new Map<string, Promise<Buffer>>();
  ui.get('/assets/:file', async (c) => {
    const file = c.req.param('file');
    const type = Object.hasOwn(ASSETS, file) ? ASSETS[file] : undefined;
    if (type === undefined) return c.notFound();
    let bytes = files.get(file);
    if (!bytes) {
      bytes = readFile(new URL(`./assets/${file}`, import.meta.url));
      files.set(file, bytes);
      bytes.catch(() => files.delete(file)); // a failed read is retried by the next request
    }
    return c.body(new Uint8Array(await bytes), 200, { 'content-type': type, 'cache-control': 'public, max-age=3600' });
  });
}
