import { describe, expect, it } from 'vitest';
import {
  ConflictError,
  copyModelVersion,
  createCatalog,
  createModel,
  createModelVersion,
  createSchema,
  deleteAlias,
  deleteModelVersion,
  getLineage,
  getModel,
  getModelVersion,
  InvalidInputError,
  listCatalogs,
  listModelVersions,
  NotFoundError,
  recordLineageLink,
  resolveModelUri,
  setAlias,
  updateModel,
  updateModelVersion,
} from '../../index.ts';
import type { ContractFixture } from './metadata-store-contract.ts';
import { samplePackage } from './sample-package.ts';

/** Registry behaviour every backend must show: immutability, numbering, aliases, copy, lineage. */
export function describeRegistryContract(fx: ContractFixture): void {
  describe('registry', () => {
    it('keeps a version package immutable; only description and tags change', async () => {
      const v = await createModelVersion({ ...fx.ctx(), name: 'dev.s.immutable', package: samplePackage() });
      await expect(
        updateModelVersion({
          ...fx.ctx(),
          name: v.fullName,
          version: v.version,
          update: { package: samplePackage({ indexVersion: 9 }) } as never,
        }),
      ).rejects.toThrow(ConflictError);
      await expect(
        updateModelVersion({
          ...fx.ctx(),
          name: v.fullName,
          version: v.version,
          update: { packageSha256: 'b'.repeat(64) } as never,
        }),
      ).rejects.toThrow(/immutable/);
      const updated = await updateModelVersion({
        ...fx.ctx(),
        name: v.fullName,
        version: v.version,
        update: { description: 'first', tags: { stage: 'dev' } },
      });
      expect(updated.description).toBe('first');
      expect(updated.tags).toEqual({ stage: 'dev' });
      expect(updated.packageSha256).toBe(v.packageSha256);
      expect(updated.package).toEqual(v.package);
      // Same content → same address; a new version all the same.
      const again = await createModelVersion({ ...fx.ctx(), name: 'dev.s.immutable', package: samplePackage() });
      expect(again.version).toBe(2);
      expect(again.packageSha256).toBe(v.packageSha256);
      const other = await createModelVersion({
        ...fx.ctx(),
        name: 'dev.s.immutable',
        package: samplePackage({ indexVersion: 2 }),
      });
      expect(other.packageSha256).not.toBe(v.packageSha256);
      // Even a writer bypassing the services cannot change a package or repoint a version.
      await expect(
        fx.store.run("UPDATE model_packages SET body = '{}' WHERE sha256 = ?", [v.packageSha256]),
      ).rejects.toThrow(/immutable/);
      await expect(
        fx.store.run('UPDATE model_versions SET package_sha256 = ? WHERE model = ? AND version = 1', [
          other.packageSha256,
          'immutable',
        ]),
      ).rejects.toThrow(/immutable/);
      expect((await getModelVersion({ ...fx.ctx(), name: v.fullName, version: 1 })).packageSha256).toBe(
        v.packageSha256,
      );
    });

    it('never reuses a version number, even after deletion', async () => {
      const name = 'dev.s.numbers';
      for (let i = 0; i < 3; i++)
        await createModelVersion({ ...fx.ctx(), name, package: samplePackage({ marker: String(i) }) });
      const deleted = await deleteModelVersion({ ...fx.ctx(), name, version: 3 });
      expect(deleted).toMatchObject({ deleted: `models:/${name}/3`, indexStillPinned: true });
      await expect(getModelVersion({ ...fx.ctx(), name, version: 3 })).rejects.toThrow(NotFoundError);
      const next = await createModelVersion({ ...fx.ctx(), name, package: samplePackage({ marker: 'after' }) });
      expect(next.version).toBe(4);
      expect((await getModel({ ...fx.ctx(), name })).lastVersion).toBe(4);
      const page = await listModelVersions({ ...fx.ctx(), name });
      expect(page.items.map((v) => v.version)).toEqual([4, 2, 1]);
    });

    it('moves aliases, resolves URIs by number, alias and latest, and refuses to delete an aliased version', async () => {
      const name = 'dev.s.aliased';
      const v1 = await createModelVersion({ ...fx.ctx(), name, package: samplePackage({ marker: '1' }) });
      const v2 = await createModelVersion({ ...fx.ctx(), name, package: samplePackage({ marker: '2' }) });
      const first = await setAlias({ ...fx.ctx(), name, alias: 'champion', version: 1, reason: 'first release' });
      expect(first).toMatchObject({ fromVersion: null, toVersion: 1 });
      expect((await resolveModelUri({ ...fx.ctx(), uri: `models:/${name}@champion` })).version).toBe(1);
      const moved = await setAlias({ ...fx.ctx(), name, alias: 'champion', version: 2, reason: 'gate passed' });
      expect(moved).toMatchObject({ fromVersion: 1, toVersion: 2, reason: 'gate passed' });
      const resolved = await resolveModelUri({ ...fx.ctx(), uri: `models:/${name}@champion` });
      expect(resolved.packageSha256).toBe(v2.packageSha256);
      expect((await resolveModelUri({ ...fx.ctx(), uri: `models:/${name}/1` })).packageSha256).toBe(v1.packageSha256);
      expect((await resolveModelUri({ ...fx.ctx(), uri: `models:/${name}@latest` })).version).toBe(2);
      expect((await getModel({ ...fx.ctx(), name })).aliases.map((a) => [a.alias, a.version])).toEqual([
        ['champion', 2],
      ]);
      await expect(deleteModelVersion({ ...fx.ctx(), name, version: 2 })).rejects.toThrow(ConflictError);
      await expect(setAlias({ ...fx.ctx(), name, alias: 'champion', version: 99 })).rejects.toThrow(NotFoundError);
      await expect(setAlias({ ...fx.ctx(), name, alias: 'latest', version: 1 })).rejects.toThrow(InvalidInputError);
      await expect(setAlias({ ...fx.ctx(), name, alias: 'Champion', version: 1 })).rejects.toThrow(InvalidInputError);
      await deleteAlias({ ...fx.ctx(), name, alias: 'champion', reason: 'rollback test' });
      await expect(resolveModelUri({ ...fx.ctx(), uri: `models:/${name}@champion` })).rejects.toThrow(NotFoundError);
      const moves = await fx.store.all(
        'SELECT action, before_json, after_json, details_json, principal FROM audit_log WHERE object_name = ? ORDER BY seq',
        [`models:/${name}@champion`],
      );
      expect(
        moves.map((m) => [
          m.action,
          m.before_json,
          m.after_json,
          JSON.parse(String(m.details_json)).reason,
          m.principal,
        ]),
      ).toEqual([
        ['alias.set', null, '{"version":1}', 'first release', 'admin'],
        ['alias.set', '{"version":1}', '{"version":2}', 'gate passed', 'admin'],
        ['alias.delete', '{"version":2}', null, 'rollback test', 'admin'],
      ]);
    });

    it('copies a version across catalogs with lineage both ways', async () => {
      await createSchema({ ...fx.ctx(), catalog: 'staging', schema: { name: 's' } });
      await createSchema({ ...fx.ctx(), catalog: 'prod', schema: { name: 's' } });
      const src = await createModelVersion({
        ...fx.ctx(),
        name: 'dev.s.promoted',
        package: samplePackage({ marker: 'p' }),
      });
      await setAlias({ ...fx.ctx(), name: src.fullName, alias: 'champion', version: src.version });
      const staged = await copyModelVersion({
        ...fx.ctx(),
        source: 'models:/dev.s.promoted@champion',
        target: 'staging.s.promoted',
      });
      expect(staged.uri).toBe('models:/staging.s.promoted/1');
      expect(staged.source).toEqual({ uri: src.uri, packageSha256: src.packageSha256 });
      expect(staged.packageSha256).toBe(src.packageSha256);
      const prod = await copyModelVersion({ ...fx.ctx(), source: staged.uri, target: 'prod.s.promoted' });
      await fx.store.transaction((tx) =>
        recordLineageLink(tx, { versionUri: prod.uri, kind: 'endpoint', ref: 'docs', relation: 'serves' }),
      );
      const upstream = await getLineage({ ...fx.ctx(), uri: prod.uri });
      expect(upstream.upstream.copiedFrom).toEqual([staged.uri, src.uri]);
      expect(upstream.upstream.index).toMatchObject({ name: 'dev.s.docs', version: 1, build: null });
      expect(upstream.upstream.prompt.path).toBe('prompts/rag-answer.md');
      expect(upstream.downstream.links).toMatchObject([{ kind: 'endpoint', ref: 'docs', relation: 'serves' }]);
      const downstream = await getLineage({
        ...fx.ctx(),
        uri: src.uri,
        resolveIndexBuild: async () => ({ documents: [{ id: 'a.md', sha256: 'c'.repeat(64) }] }),
      });
      expect(downstream.downstream.copies).toEqual([staged.uri]);
      expect(downstream.downstream.aliases).toEqual(['champion']);
      expect(downstream.upstream.index.build?.documents).toEqual([{ id: 'a.md', sha256: 'c'.repeat(64) }]);
    });

    it('backfills the lineage links of endpoints created before links were recorded (serving migration 2)', async () => {
      const { openMetadataStore } = await import('../open-metadata-store.ts');
      const config = {
        description: `old${'\u0000'}`,
        served: [{ model: 'models:/dev.s.promoted@champion', traffic: 100 }],
        shadow: { model: 'models:/dev.s.promoted/1', sampleRate: 1 },
      };
      await fx.store.run(
        `INSERT INTO serving_endpoints (name, description, config, created_by, created_at, updated_by, updated_at)
         VALUES ('legacy', '', ?, 'admin', 't', 'admin', 't')`,
        [JSON.stringify(config)],
      );
      await fx.store.run("DELETE FROM schema_migrations WHERE module = 'serving' AND version = 2");
      const reopened = await openMetadataStore(fx.url);
      try {
        const links = await reopened.all(
          "SELECT version_uri, relation FROM lineage_links WHERE kind = 'endpoint' AND ref = 'legacy' ORDER BY relation",
        );
        expect(links.map((l) => [l.version_uri, l.relation])).toEqual([
          ['models:/dev.s.promoted@champion', 'serves'],
          ['models:/dev.s.promoted/1', 'shadows'],
        ]);
      } finally {
        await reopened.close();
      }
      await fx.store.run("DELETE FROM lineage_links WHERE ref = 'legacy'");
      await fx.store.run("DELETE FROM serving_endpoints WHERE name = 'legacy'");
    });

    it('creates and updates models; conflicts and bad names are typed errors', async () => {
      const m = await createModel({
        ...fx.ctx(),
        name: 'dev.s.described',
        model: { description: 'd', tags: { team: 'x' } },
      });
      expect(m).toMatchObject({ fullName: 'dev.s.described', lastVersion: 0, owner: 'admin', tags: { team: 'x' } });
      await expect(createModel({ ...fx.ctx(), name: 'dev.s.described' })).rejects.toThrow(ConflictError);
      await expect(createModel({ ...fx.ctx(), name: 'dev.s.described' })).rejects.toThrow(
        'model "dev.s.described" already exists',
      );
      const u = await updateModel({ ...fx.ctx(), name: 'dev.s.described', update: { description: 'new' } });
      expect(u).toMatchObject({ description: 'new', tags: { team: 'x' } });
      await expect(createCatalog({ ...fx.ctx(), catalog: { name: 'dev' } })).rejects.toThrow(
        'catalog "dev" already exists',
      );
      await expect(createSchema({ ...fx.ctx(), catalog: 'dev', schema: { name: 's' } })).rejects.toThrow(ConflictError);
    });

    it('pages lists with opaque tokens', async () => {
      const first = await listCatalogs({ ...fx.ctx(), pageSize: 2 });
      expect(first.items.map((c) => c.name)).toEqual(['dev', 'prod']);
      expect(first.nextPageToken).toBeTypeOf('string');
      const second = await listCatalogs({ ...fx.ctx(), pageSize: 2, pageToken: first.nextPageToken });
      expect(second.items.map((c) => c.name)).toEqual(['staging']);
      expect(second.nextPageToken).toBeUndefined();
      await expect(listCatalogs({ ...fx.ctx(), pageToken: 'garbage!' })).rejects.toThrow(InvalidInputError);
    });
  });
}
