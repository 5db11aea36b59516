import { describe, expect, it } from 'vitest';
import { copyModelVersion, createModelVersion, ensureSchema, getSchema, listModelVersions } from '../../index.ts';
import type { ContractFixture } from './metadata-store-contract.ts';
import { samplePackage } from './sample-package.ts';

/**
 * Registrations that name a content key (the pipeline's) on every backend: at most one version per
 * model and key, decided by the database, the losers' numbers not burned; and `ensureSchema` called
 * by many at once creates the schema once and fails none.
 */
export function describeContentKeyContract(fx: ContractFixture): void {
  describe('content keys', () => {
    const versions = async (name: string) =>
      (await listModelVersions({ ...fx.ctx(), name })).items.map((v) => v.version);

    it('lets one of several concurrent registrations with one key in; the others are ConflictErrors', async () => {
      const name = 'dev.s.keyed';
      const results = await Promise.allSettled(
        Array.from({ length: 4 }, () =>
          createModelVersion({ ...fx.ctx(), name, package: samplePackage({ marker: 'keyed' }), contentKey: 'k1' }),
        ),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results.filter((r) => r.status === 'rejected')) {
        expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'conflict' });
      }
      expect(await versions(name)).toEqual([1]);
      // The losers rolled their counter increments back; another key, or none (twice), registers on.
      await createModelVersion({ ...fx.ctx(), name, package: samplePackage({ marker: 'keyed' }), contentKey: 'k2' });
      for (let i = 0; i < 2; i++)
        await createModelVersion({ ...fx.ctx(), name, package: samplePackage({ marker: 'keyed' }) });
      expect(await versions(name)).toEqual([4, 3, 2, 1]);
      // A key is per model: another model may use it.
      await createModelVersion({ ...fx.ctx(), name: 'dev.s.keyed_other', package: samplePackage(), contentKey: 'k1' });
    });

    it('copies with one key at most once into a target', async () => {
      const source = await createModelVersion({ ...fx.ctx(), name: 'dev.s.keyed_source', package: samplePackage() });
      const copy = () =>
        copyModelVersion({
          ...fx.ctx(),
          source: source.uri,
          target: 'staging.s2.keyed_copy',
          createSchemaIfMissing: true,
          contentKey: 'c1',
        });
      const results = await Promise.allSettled([copy(), copy(), copy()]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(
        results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.code),
      ).toEqual(['conflict', 'conflict']);
      expect(await versions('staging.s2.keyed_copy')).toEqual([1]);
    });

    it('ensureSchema from many callers at once: the schema exists once, nobody fails', async () => {
      await Promise.all(
        Array.from({ length: 5 }, () => ensureSchema({ ...fx.ctx(), catalog: 'staging', schema: 'raced' })),
      );
      expect((await getSchema({ ...fx.ctx(), catalog: 'staging', name: 'raced' })).fullName).toBe('staging.raced');
    });
  });
}
