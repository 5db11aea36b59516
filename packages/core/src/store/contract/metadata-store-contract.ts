import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createModelVersion,
  createSchema,
  initWorkspace,
  type MetadataStore,
  type Principal,
  readPrincipal,
} from '../../index.ts';
import { describeContentKeyContract } from './content-key-contract.ts';
import { describeGovernanceContract } from './governance-contract.ts';
import { describeNulContract } from './nul-contract.ts';
import { describeRegistryContract } from './registry-contract.ts';
import { samplePackage } from './sample-package.ts';

/** What a contract test gets: a migrated store with dev/staging/prod, schema dev.s, and the admin. */
export type ContractFixture = { store: MetadataStore; admin: Principal; url: string; ctx: () => ContextOf };
type ContextOf = { store: MetadataStore; actor: Principal; requestId: string };

const CHILD = fileURLToPath(new URL('./hammer-child.ts', import.meta.url));
const OPEN_CHILD = fileURLToPath(new URL('./open-child.ts', import.meta.url));

function runChild(args: string[], child = CHILD): Promise<{ versions: number[] }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', child, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    proc.stdout.on('data', (d) => {
      out += d;
    });
    proc.stderr.on('data', (d) => {
      err += d;
    });
    proc.on('error', reject);
    proc.on('close', (code) => {
      if (code !== 0) reject(new Error(`child exited ${code}: ${err}`));
      else resolve(JSON.parse(out.trim()) as { versions: number[] });
    });
  });
}

/**
 * The one contract every MetadataStore backend passes (STYLE §7). `freshUrl` returns the URL of a
 * new, empty database each time it is called; the suite and its child processes open it.
 */
export function describeMetadataStoreContract(
  name: string,
  freshUrl: () => Promise<string>,
  options: { skip?: boolean } = {},
): void {
  // Skipped, the real contract tests are listed as skipped (no placeholder test standing in for them).
  (options.skip ? describe.skip : describe)(`MetadataStore contract: ${name}`, () => {
    const fx = {} as ContractFixture;
    let counter = 0;

    beforeAll(async () => {
      const { openMetadataStore } = await import('../open-metadata-store.ts');
      fx.url = await freshUrl();
      fx.store = await openMetadataStore(fx.url);
      fx.admin = await readPrincipal(fx.store, 'admin');
      fx.ctx = () => ({ store: fx.store, actor: fx.admin, requestId: `req-${++counter}` });
      await initWorkspace(fx.ctx());
      await createSchema({ ...fx.ctx(), catalog: 'dev', schema: { name: 's' } });
    });
    afterAll(async () => {
      await fx.store?.close();
    });

    it('applies migrations once; reopening the same database applies nothing again', async () => {
      const { openMetadataStore } = await import('../open-metadata-store.ts');
      const before = await fx.store.appliedMigrations();
      // Other modules (serving, evals) add their own sets; registry's must be there, in order.
      const names = before.map((m) => `${m.module}:${m.version}`);
      expect(names.filter((m) => m.startsWith('registry:'))).toEqual([
        'registry:1',
        'registry:2',
        'registry:3',
        'registry:4',
        'registry:5',
      ]);
      expect(new Set(names).size).toBe(names.length);
      const again = await openMetadataStore(fx.url);
      try {
        expect(await again.appliedMigrations()).toEqual(before);
      } finally {
        await again.close();
      }
    });

    it('opens a migrated database without writing: it opens while another connection holds the write lock', async () => {
      const { openMetadataStore } = await import('../open-metadata-store.ts');
      const { PG_MIGRATION_LOCK } = await import('../migrate.ts');
      // SQLite: this transaction holds BEGIN IMMEDIATE's write lock; PostgreSQL: also the migrators'
      // advisory lock. An open that took the write path would wait on it (15 s busy timeout, or forever).
      await fx.store.transaction(async (tx) => {
        if (tx.dialect === 'postgres') await tx.get('SELECT pg_advisory_xact_lock(?) AS locked', [PG_MIGRATION_LOCK]);
        const opening = openMetadataStore(fx.url);
        const outcome = await Promise.race([
          opening.then((s) => ({ store: s })),
          new Promise<{ store?: undefined }>((resolve) => setTimeout(() => resolve({}), 10_000)),
        ]);
        // Closed whatever happens, so a failed assertion leaves no open pool behind.
        void opening.then((s) => s.close()).catch(() => {});
        expect(outcome.store, 'a second open waited for the write lock').toBeDefined();
      });
    }, 30_000);

    it('lets several processes open one fresh database at once, applying each migration exactly once', async () => {
      const url = await freshUrl();
      const opened = await Promise.all([1, 2, 3].map(() => runChild([url], OPEN_CHILD)));
      const { openMetadataStore } = await import('../open-metadata-store.ts');
      const store = await openMetadataStore(url);
      try {
        const applied = await store.appliedMigrations();
        expect(opened.map((o) => o.versions)).toEqual([[applied.length], [applied.length], [applied.length]]);
        const keys = applied.map((m) => `${m.module}:${m.version}`);
        expect(new Set(keys).size).toBe(keys.length);
        expect(await store.all("SELECT name FROM principals WHERE name = 'admin'")).toHaveLength(1);
      } finally {
        await store.close();
      }
    });

    it('gives two real processes registering at once distinct version numbers, with no lost write', async () => {
      const model = 'dev.s.hammered';
      const perChild = 15;
      const [a, b] = await Promise.all([
        runChild([fx.url, model, String(perChild), 'alpha']),
        runChild([fx.url, model, String(perChild), 'beta']),
      ]);
      const all = [...(a?.versions ?? []), ...(b?.versions ?? [])];
      expect(all).toHaveLength(2 * perChild);
      expect(new Set(all).size).toBe(2 * perChild);
      expect([...all].sort((x, y) => x - y)).toEqual(Array.from({ length: 2 * perChild }, (_, i) => i + 1));
      const rows = await fx.store.all('SELECT version FROM model_versions WHERE model = ?', ['hammered']);
      expect(rows).toHaveLength(2 * perChild);
      const audits = await fx.store.all(
        "SELECT seq FROM audit_log WHERE action = 'version.create' AND object_name LIKE ?",
        ['models:/dev.s.hammered/%'],
      );
      expect(audits).toHaveLength(2 * perChild);
      const aliases = await fx.store.all('SELECT alias, version FROM model_aliases WHERE model = ? ORDER BY alias', [
        'hammered',
      ]);
      expect(aliases.map((r) => [r.alias, Number(r.version)])).toEqual([
        ['alpha', a?.versions.at(-1)],
        ['beta', b?.versions.at(-1)],
      ]);
    });

    it('serialises concurrent registrations inside one process too', async () => {
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          createModelVersion({ ...fx.ctx(), name: 'dev.s.inproc', package: samplePackage({ marker: `inproc-${i}` }) }),
        ),
      );
      expect(new Set(results.map((r) => r.version)).size).toBe(10);
    });

    it('rolls back everything a failed transaction wrote, and translates unique violations', async () => {
      const count = async () => Number((await fx.store.get<{ n: number }>('SELECT COUNT(*) AS n FROM catalogs'))?.n);
      const before = await count();
      const failure = fx.store.transaction(async (tx) => {
        await tx.run(
          "INSERT INTO catalogs (name, description, owner, created_at, updated_at) VALUES ('rolled', '', 'admin', 't', 't')",
        );
        // Reading through the store (not tx) inside the callback must not hang.
        await fx.store.get('SELECT name FROM principals WHERE name = ?', ['admin']);
        await tx.run(
          "INSERT INTO catalogs (name, description, owner, created_at, updated_at) VALUES ('dev', '', 'admin', 't', 't')",
        );
      });
      await expect(failure).rejects.toMatchObject({ code: 'conflict' });
      expect(await count()).toBe(before);
      expect(await fx.store.get("SELECT name FROM catalogs WHERE name = 'rolled'")).toBeUndefined();
    });

    describeRegistryContract(fx);
    describeContentKeyContract(fx);
    describeGovernanceContract(fx);
    describeNulContract(fx);
  });
}
