#!/usr/bin/env node
// Runs on the Node 24 pinned in devDependencies (npm scripts and npx put it first on PATH);
// the sources are TypeScript run through Node's type stripping, so there is no build step.
import { enableCompileCache } from 'node:module';

// Node's compile cache keeps the type-stripped and compiled form of every module loaded after this
// line, keyed by content hash, in the OS temp folder (os.tmpdir()/node-compile-cache, shared by every
// checkout and never stale). It halves startup: see `npm run bench:cli`. NODE_COMPILE_CACHE=<dir>
// moves it, NODE_DISABLE_COMPILE_CACHE=1 turns it off (both read by Node itself).
enableCompileCache();
await import('../src/main.ts');
