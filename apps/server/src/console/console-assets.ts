import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Hono } from 'hono';
import type { ConsoleEnv } from './console-auth.ts';

const CSS = 'text/css; charset=utf-8';
const JS = 'text/javascript; charset=utf-8';
const own = (file: string) => fileURLToPath(new URL(`./assets/${file}`, import.meta.url));
// uPlot (MIT, 51 KB minified, no dependencies) charts the monitoring dashboard; served from
// node_modules at the version package.json pins (no CDN, works offline).
const uplotDir = join(dirname(createRequire(import.meta.url).resolve('uplot/package.json')), 'dist');

// The console's only assets: a fixed list of files. Read once and kept (~70 KB in all).
const ASSETS: Record<string, { type: string; path: string }> = {
  'console.css': { type: CSS, path: own('console.css') },
  'console.js': { type: JS, path: own('console.js') },
  'dashboard.css': { type: CSS, path: own('dashboard.css') },
  'dashboard.js': { type: JS, path: own('dashboard.js') },
  'uplot.min.css': { type: CSS, path: join(uplotDir, 'uPlot.min.css') },
  'uplot.iife.min.js': { type: JS, path: join(uplotDir, 'uPlot.iife.min.js') },
};

/** GET /console/assets/:file — public (the sign-in page needs them), a fixed list of files. */
export function registerConsoleAssets(ui: Hono<ConsoleEnv>): void {
  const files = new Map<string, Promise<Buffer>>();
  ui.get('/assets/:file', async (c) => {
    const file = c.req.param('file');
    const asset = Object.hasOwn(ASSETS, file) ? ASSETS[file] : undefined;
    if (asset === undefined) return c.notFound();
    let bytes = files.get(file);
    if (!bytes) {
      bytes = readFile(asset.path);
      files.set(file, bytes);
      bytes.catch(() => files.delete(file)); // a failed read is retried by the next request
    }
    return c.body(new Uint8Array(await bytes), 200, {
      'content-type': asset.type,
      'cache-control': 'public, max-age=3600',
    });
  });
}
