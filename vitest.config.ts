import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    // LanceDB, child processes and real servers: generous, but a hung test still fails. Tests that
    // do more (big corpora, several processes) set their own timeout next to what they do.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores: more workers only contend for them.
    maxWorkers: 2,
    // node:sqlite's one-line "ExperimentalWarning: SQLite is an experimental feature" per worker
    // (Node 24.9) flooded the output; the binary drops it the same way (apps/cli/src/main.ts).
    execArgv: ['--disable-warning=ExperimentalWarning'],
    env: {
      // LanceDB's Rust `WARN lance::…` lines (the CLI defaults to the same filter).
      LANCEDB_LOG: 'error',
    },
  },
});
