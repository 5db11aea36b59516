import { beforeAll, describe, expect, it } from 'vitest';
import {
  addGrant,
  authenticate,
  copyModelVersion,
  createCatalog,
  createModel,
  createModelVersion,
  createPrincipal,
  createSchema,
  createToken,
  deleteAlias,
  deleteModelVersion,
  getLineage,
  InvalidInputError,
  listAudit,
  listGrants,
  listModels,
  PermissionDeniedError,
  PRIVILEGE_LEVELS,
  type Principal,
  RagopsError,
  revokeGrant,
  revokeToken,
  setAlias,
  UnauthenticatedError,
  updateModel,
  updateModelVersion,
} from '../../index.ts';
import { indexPinCases, matrixCases, PIN_OBJECTS } from './grants-matrix.ts';
import type { ContractFixture } from './metadata-store-contract.ts';
import { samplePackage } from './sample-package.ts';

/** Governance every backend must show: grants matrix, ownership, tokens, audit completeness. */
export function describeGovernanceContract(fx: ContractFixture): void {
  describe('governance', () => {
    let n = 0;
    const newPrincipal = async (): Promise<Principal> =>
      createPrincipal({ ...fx.ctx(), principal: { name: `p${++n}_${Math.random().toString(36).slice(2, 8)}` } });
    const as = (actor: Principal) => ({ store: fx.store, actor, requestId: `as-${actor.name}-${++n}` });

    beforeAll(async () => {
      await createSchema({ ...fx.ctx(), catalog: 'dev', schema: { name: 'g' } });
      await createSchema({ ...fx.ctx(), catalog: 'dev', schema: { name: 'h' } });
      await createModelVersion({ ...fx.ctx(), name: 'dev.g.m', package: samplePackage() });
      await createModelVersion({ ...fx.ctx(), name: 'dev.h.m', package: samplePackage() });
    });

    describe('grants matrix (privilege × level, allowed and denied)', () => {
      const cases = matrixCases((p) => PRIVILEGE_LEVELS[p]);
      it.each(cases.map((c, i) => [c.title, c, i] as const))('%s', async (_title, c, i) => {
        const p = await newPrincipal();
        for (const g of c.grants) {
          await addGrant({
            ...fx.ctx(),
            grant: { principal: p.name, privilege: g.privilege, securable: { type: g.type, name: g.name } },
          });
        }
        const outcome = c.op.run(as(p), i);
        if (c.expect === 'allowed') await expect(outcome).resolves.toBeDefined();
        else await expect(outcome).rejects.toMatchObject({ code: c.expect, message: c.message ?? expect.any(String) });
      });
    });

    describe('index pinning across catalogs (register and copy)', () => {
      beforeAll(async () => {
        for (const schema of ['secret', 'other'])
          await createSchema({ ...fx.ctx(), catalog: 'prod', schema: { name: schema } });
        const pkg = samplePackage({ indexName: PIN_OBJECTS.index, marker: 'pinned' });
        await createModelVersion({ ...fx.ctx(), name: PIN_OBJECTS.prodModel, package: pkg });
        await createModelVersion({ ...fx.ctx(), name: PIN_OBJECTS.devModel, package: pkg });
      });
      it.each(indexPinCases().map((c, i) => [c.title, c, i] as const))('%s', async (_title, c, i) => {
        const p = await newPrincipal();
        for (const g of c.grants) {
          await addGrant({
            ...fx.ctx(),
            grant: { principal: p.name, privilege: g.privilege, securable: { type: g.type, name: g.name } },
          });
        }
        const target = `${PIN_OBJECTS.targetSchema}.pin_${i}`;
        const outcome =
          c.via === 'register'
            ? createModelVersion({
                ...as(p),
                name: target,
                package: samplePackage({ indexName: PIN_OBJECTS.index, marker: `pin-${i}` }),
              })
            : copyModelVersion({
                ...as(p),
                source: `models:/${c.via === 'copy-from-prod' ? PIN_OBJECTS.prodModel : PIN_OBJECTS.devModel}/1`,
                target,
              });
        if (c.expect === 'allowed') {
          await expect(outcome).resolves.toMatchObject({ package: { index: { name: PIN_OBJECTS.index } } });
          return;
        }
        await expect(outcome).rejects.toMatchObject({ code: c.expect, message: c.message ?? expect.any(String) });
        // Refused before anything was written: no model, no version, no audit row.
        expect(await fx.store.get('SELECT name FROM registered_models WHERE name = ?', [`pin_${i}`])).toBeUndefined();
      });

      it('lineage hides the build of an index the caller may not read, and says so', async () => {
        const p = await newPrincipal();
        for (const [privilege, type, name] of [
          ['USE_CATALOG', 'catalog', 'dev'],
          ['USE_SCHEMA', 'schema', 'dev.h'],
          ['READ', 'model', PIN_OBJECTS.devModel],
        ] as const) {
          await addGrant({ ...fx.ctx(), grant: { principal: p.name, privilege, securable: { type, name } } });
        }
        const asked: string[] = [];
        const resolveIndexBuild = async (index: { name: string }) => {
          asked.push(index.name);
          return { documents: [{ id: 'secret.md', sha256: 'c'.repeat(64) }], source: '/prod/secret' };
        };
        const uri = `models:/${PIN_OBJECTS.devModel}/1`;
        const hidden = await getLineage({ ...as(p), uri, resolveIndexBuild });
        expect(hidden.upstream.index).toMatchObject({ name: PIN_OBJECTS.index, build: null });
        expect(hidden.upstream.index.buildHidden).toMatch(/lacks READ on schema "prod\.secret"|not found/);
        expect(JSON.stringify(hidden)).not.toContain('secret.md');
        expect(asked).toEqual([]);
        const shown = await getLineage({ ...fx.ctx(), uri, resolveIndexBuild });
        expect(shown.upstream.index).toMatchObject({ buildHidden: null, build: { source: '/prod/secret' } });
        expect(asked).toEqual([PIN_OBJECTS.index]);
      });
    });

    it('makes the creator the owner, with every privilege on what it creates', async () => {
      const p = await newPrincipal();
      for (const [privilege, type, name] of [
        ['USE_CATALOG', 'catalog', 'dev'],
        ['USE_SCHEMA', 'schema', 'dev.g'],
        ['CREATE_MODEL', 'schema', 'dev.g'],
        // Its versions pin an index of dev.g: pinning reads it.
        ['READ', 'schema', 'dev.g'],
      ] as const) {
        await addGrant({ ...fx.ctx(), grant: { principal: p.name, privilege, securable: { type, name } } });
      }
      const model = await createModel({ ...as(p), name: `dev.g.owned_${n}` });
      expect(model.owner).toBe(p.name);
      const v = await createModelVersion({
        ...as(p),
        name: model.fullName,
        package: samplePackage({ indexName: 'dev.g.docs' }),
      });
      await setAlias({ ...as(p), name: model.fullName, alias: 'champion', version: v.version });
      const q = await newPrincipal();
      await addGrant({
        ...as(p),
        grant: { principal: q.name, privilege: 'READ', securable: { type: 'model', name: model.fullName } },
      });
      // Not the owner of dev.g.m (which READ on dev.g lets it see): may not manage it.
      await expect(setAlias({ ...as(p), name: 'dev.g.m', alias: 'x', version: 1 })).rejects.toMatchObject({
        code: 'permission_denied',
        message: expect.stringMatching(/lacks MANAGE on model "dev\.g\.m"$/),
      });
      // Lists show only what the principal may see: dev.g's models, none of dev.h.
      const visible = (await listModels({ ...as(p), catalog: 'dev' })).items.map((m) => m.fullName);
      expect(visible).toContain(model.fullName);
      expect(visible.filter((name) => !name.startsWith('dev.g.'))).toEqual([]);
    });

    it('refuses grants at levels a privilege does not apply to, and grant changes without MANAGE', async () => {
      const p = await newPrincipal();
      await expect(
        addGrant({
          ...fx.ctx(),
          grant: { principal: p.name, privilege: 'USE_CATALOG', securable: { type: 'schema', name: 'dev.g' } },
        }),
      ).rejects.toThrow(InvalidInputError);
      await expect(
        addGrant({
          ...fx.ctx(),
          grant: { principal: p.name, privilege: 'READ', securable: { type: 'model', name: 'dev.g' } },
        }),
      ).rejects.toThrow(InvalidInputError);
      await expect(
        addGrant({
          ...fx.ctx(),
          grant: { principal: 'nobody_here', privilege: 'READ', securable: { type: 'catalog', name: 'dev' } },
        }),
      ).rejects.toMatchObject({ code: 'not_found' });
      await addGrant({
        ...fx.ctx(),
        grant: { principal: p.name, privilege: 'USE_CATALOG', securable: { type: 'catalog', name: 'dev' } },
      });
      await expect(
        addGrant({
          ...as(p),
          grant: { principal: p.name, privilege: 'MANAGE', securable: { type: 'catalog', name: 'dev' } },
        }),
      ).rejects.toThrow(PermissionDeniedError);
      await expect(createCatalog({ ...as(p), catalog: { name: 'mine' } })).rejects.toThrow(PermissionDeniedError);
      await expect(createPrincipal({ ...as(p), principal: { name: 'other' } })).rejects.toThrow(PermissionDeniedError);
      await expect(listAudit({ store: fx.store, actor: p })).rejects.toThrow(PermissionDeniedError);
      const held = await listGrants({ ...as(p), principal: p.name });
      expect(held.items.map((g) => g.privilege)).toEqual(['USE_CATALOG']);
    });

    it('authenticates tokens until revoked or expired; stores only a hash', async () => {
      const p = await newPrincipal();
      const { token, info } = await createToken({ ...fx.ctx(), token: { principal: p.name, description: 'ci' } });
      expect((await authenticate(fx.store, token)).name).toBe(p.name);
      const rows = await fx.store.all('SELECT * FROM tokens WHERE id = ?', [info.id]);
      expect(JSON.stringify(rows)).not.toContain(token);
      await expect(authenticate(fx.store, `${token}x`)).rejects.toThrow(UnauthenticatedError);
      await expect(authenticate(fx.store, 'not-a-token')).rejects.toThrow(UnauthenticatedError);
      await expect(createToken({ ...as(p), token: { principal: 'admin' } })).rejects.toThrow(PermissionDeniedError);
      await revokeToken({ ...as(p), id: info.id });
      await expect(authenticate(fx.store, token)).rejects.toThrow(UnauthenticatedError);

      const expiring = await createToken({ ...as(p), token: { expiresInSeconds: 3600 } });
      expect((await authenticate(fx.store, expiring.token)).name).toBe(p.name);
      // Move its expiry into the past (instead of waiting for the clock).
      await fx.store.run('UPDATE tokens SET expires_at = ? WHERE id = ?', [
        '2000-01-01T00:00:00.000Z',
        expiring.info.id,
      ]);
      await expect(authenticate(fx.store, expiring.token)).rejects.toThrow(UnauthenticatedError);
      await expect(createToken({ ...as(p), token: { expiresAt: '2000-01-01T00:00:00Z' } })).rejects.toThrow(
        InvalidInputError,
      );
    });

    it('writes one audit row with who, what and the request id for every mutation', async () => {
      const rid = (k: string) => `audit-${k}-${n}`;
      const c = (k: string) => ({ store: fx.store, actor: fx.admin, requestId: rid(k) });
      const p = await createPrincipal({ ...c('principal.create'), principal: { name: `audited_${n}` } });
      await createCatalog({ ...c('catalog.create'), catalog: { name: `cat_${n}` } });
      await createSchema({ ...c('schema.create'), catalog: `cat_${n}`, schema: { name: 's' } });
      const model = `cat_${n}.s.m`;
      await createModel({ ...c('model.create'), name: model });
      await updateModel({ ...c('model.update'), name: model, update: { description: 'x' } });
      await createModelVersion({ ...c('version.create'), name: model, package: samplePackage() });
      await createModelVersion({ ...c('version.create.2'), name: model, package: samplePackage({ marker: '2' }) });
      await updateModelVersion({ ...c('version.update'), name: model, version: 1, update: { tags: { a: 'b' } } });
      await setAlias({ ...c('alias.set'), name: model, alias: 'champion', version: 1 });
      await deleteAlias({ ...c('alias.delete'), name: model, alias: 'champion' });
      await deleteModelVersion({ ...c('version.delete'), name: model, version: 2 });
      await copyModelVersion({ ...c('version.copy'), source: `models:/${model}/1`, target: `cat_${n}.s.copy` });
      const t = await createToken({ ...c('token.create'), token: { principal: p.name } });
      await revokeToken({ ...c('token.revoke'), id: t.info.id });
      const grant = {
        principal: p.name,
        privilege: 'READ' as const,
        securable: { type: 'model' as const, name: model },
      };
      await addGrant({ ...c('grant.add'), grant });
      await revokeGrant({ ...c('grant.revoke'), grant });
      const since = new Date(Date.now() - 3_600_000).toISOString();
      const entries = (await listAudit({ store: fx.store, actor: fx.admin, query: { since, pageSize: 1000 } })).items;
      const expected = [
        'principal.create',
        'catalog.create',
        'schema.create',
        'model.create',
        'model.update',
        'version.create',
        'version.update',
        'alias.set',
        'alias.delete',
        'version.delete',
        'version.copy',
        'token.create',
        'token.revoke',
        'grant.add',
        'grant.revoke',
      ];
      for (const action of expected) {
        const row = entries.find((e) => e.requestId === rid(action) && e.action === action);
        expect(row, `audit row for ${action}`).toBeDefined();
        expect(row?.principal).toBe('admin');
      }
      // The copy also created its target model: audited under the same request id.
      expect(entries.filter((e) => e.requestId === rid('version.copy')).map((e) => e.action)).toEqual([
        'model.create',
        'version.copy',
      ]);
      const future = new Date(Date.now() + 3_600_000).toISOString();
      expect((await listAudit({ store: fx.store, actor: fx.admin, query: { since: future } })).items).toEqual([]);
    });

    it('rejects bad input with invalid_input and writes nothing', async () => {
      const before = await fx.store.get<{ n: number }>('SELECT COUNT(*) AS n FROM audit_log');
      const bad: [string, () => Promise<unknown>][] = [
        ['catalog name with upper case', () => createCatalog({ ...fx.ctx(), catalog: { name: 'Dev' } })],
        [
          'catalog with unknown field',
          () => createCatalog({ ...fx.ctx(), catalog: { name: 'ok', owner: 'me' } as never }),
        ],
        ['two-part model name', () => createModel({ ...fx.ctx(), name: 'dev.g' })],
        ['model name with dash', () => createModel({ ...fx.ctx(), name: 'dev.g.my-model' })],
        ['tags not strings', () => createModel({ ...fx.ctx(), name: 'dev.g.t', model: { tags: { a: 1 } as never } })],
        [
          'package missing index',
          () =>
            createModelVersion({
              ...fx.ctx(),
              name: 'dev.g.m',
              package: { ...samplePackage(), index: undefined } as never,
            }),
        ],
        [
          'package bad retriever mode',
          () =>
            createModelVersion({
              ...fx.ctx(),
              name: 'dev.g.m',
              package: {
                ...samplePackage(),
                chain: { ...samplePackage().chain, retriever: { k: 5, mode: 'magic' } },
              } as never,
            }),
        ],
        [
          'package bad reranker',
          () =>
            createModelVersion({
              ...fx.ctx(),
              name: 'dev.g.m',
              package: {
                ...samplePackage(),
                chain: { ...samplePackage().chain, retriever: { k: 5, mode: 'hybrid', reranker: 'llm:' } },
              } as never,
            }),
        ],
        ['alias version zero', () => setAlias({ ...fx.ctx(), name: 'dev.g.m', alias: 'champion', version: 0 })],
        ['principal name with spaces', () => createPrincipal({ ...fx.ctx(), principal: { name: 'bad name' } })],
        [
          'unknown privilege',
          () =>
            addGrant({
              ...fx.ctx(),
              grant: { principal: 'admin', privilege: 'OWN' as never, securable: { type: 'catalog', name: 'dev' } },
            }),
        ],
        ['token expiry negative', () => createToken({ ...fx.ctx(), token: { expiresInSeconds: -5 } })],
        [
          'audit since not a time',
          () => listAudit({ store: fx.store, actor: fx.admin, query: { since: 'yesterday' } }),
        ],
      ];
      for (const [what, call] of bad) {
        const error = await call().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(RagopsError.isInstance(error) ? error.code : error, what).toBe('invalid_input');
      }
      const after = await fx.store.get<{ n: number }>('SELECT COUNT(*) AS n FROM audit_log');
      expect(Number(after?.n)).toBe(Number(before?.n));
    });
  });
}
