#!/usr/bin/env node
// Runs on the Node 24 pinned in devDependencies (npm scripts and npx put it first on PATH);
// the sources are TypeScript run through Node's type stripping, so there is no build step.
import '../src/main.ts';
