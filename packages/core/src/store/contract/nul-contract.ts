import { describe, expect, it } from 'vitest';
import {
  createCatalog,
  createModel,
  createModelVersion,
  createPrincipal,
  createToken,
  getModel,
  listAudit,
  listTokens,
  queryInferenceRows,
  RagopsError,
  setAlias,
  updateModel,
} from '../../index.ts';
import type { ContractFixture } from './metadata-store-contract.ts';
import { samplePackage } from './sample-package.ts';

const NUL = '\u0000';

/**
 * U+0000, one rule on every backend (PostgreSQL refuses it in text, SQLite stores it): names and
 * filters with a NUL are invalid_input; free text keeps every other character, the NUL becomes
 * U+FFFD; JSON columns keep it exactly (as the escape `\u0000`). Never a backend error.
 */
export function describeNulContract(fx: ContractFixture): void {
  describe('U+0000 (NUL) in input', () => {
    it('replaces NUL in free text with U+FFFD: model and token descriptions, display names', async () => {
      const model = await createModel({
        ...fx.ctx(),
        name: 'dev.s.nul_text',
        model: { description: `before${NUL}after`, tags: { note: `tag${NUL}value` } },
      });
      expect(model.description).toBe('before\uFFFDafter');
      // Tags are a JSON column: the NUL survives, escaped in the JSON text.
      expect(model.tags).toEqual({ note: `tag${NUL}value` });
      const updated = await updateModel({ ...fx.ctx(), name: model.fullName, update: { description: `x${NUL}` } });
      expect(updated.description).toBe('x\uFFFD');
      expect((await getModel({ ...fx.ctx(), name: model.fullName })).description).toBe('x\uFFFD');

      const p = await createPrincipal({
        ...fx.ctx(),
        principal: { name: 'nul_display', displayName: `Nul${NUL}Person` },
      });
      expect(p.displayName).toBe('Nul\uFFFDPerson');
      const { info } = await createToken({ ...fx.ctx(), token: { principal: p.name, description: `ci${NUL}token` } });
      expect(info.description).toBe('ci\uFFFDtoken');
      const listed = await listTokens({ ...fx.ctx(), principal: p.name });
      expect(listed.items.map((t) => t.description)).toEqual(['ci\uFFFDtoken']);
    });

    it('keeps a NUL in an alias reason exactly (audit details are JSON)', async () => {
      await createModel({ ...fx.ctx(), name: 'dev.s.nul_alias' });
      await createModelVersion({ ...fx.ctx(), name: 'dev.s.nul_alias', package: samplePackage({ marker: 'nul' }) });
      await setAlias({ ...fx.ctx(), name: 'dev.s.nul_alias', alias: 'champion', version: 1, reason: `why${NUL}` });
      const rows = await listAudit({
        store: fx.store,
        actor: fx.admin,
        query: { objectName: 'models:/dev.s.nul_alias@champion' },
      });
      expect(rows.items.map((e) => e.details?.reason)).toEqual([`why${NUL}`]);
    });

    it.each([
      ['a catalog name', () => createCatalog({ ...fx.ctx(), catalog: { name: `c${NUL}` } })],
      ['a model name', () => createModel({ ...fx.ctx(), name: `dev.s.m${NUL}` })],
      ['a principal name', () => createPrincipal({ ...fx.ctx(), principal: { name: `p${NUL}` } })],
      ['an alias name', () => setAlias({ ...fx.ctx(), name: 'dev.s.nul_alias', alias: `champ${NUL}`, version: 1 })],
      [
        'an audit principal filter',
        () => listAudit({ store: fx.store, actor: fx.admin, query: { principal: `admin${NUL}` } }),
      ],
      [
        'an audit object filter',
        () => listAudit({ store: fx.store, actor: fx.admin, query: { objectName: `models:/x${NUL}` } }),
      ],
      ['an inference endpoint filter', () => queryInferenceRows(fx.store, { endpoint: `docs${NUL}` })],
      ['an inference request id filter', () => queryInferenceRows(fx.store, { requestId: `r${NUL}` })],
    ])('refuses a NUL in %s with invalid_input', async (_what, call) => {
      const error = await call().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(RagopsError.isInstance(error) ? error.code : error).toBe('invalid_input');
    });

    it('never sends a NUL to the backend, whichever statement binds it', async () => {
      // The store-boundary guard, for a column no schema thought of: no backend error, one result.
      await fx.store.run(
        "INSERT INTO catalogs (name, description, owner, created_at, updated_at) VALUES ('nul_raw', ?, 'admin', 't', 't')",
        [`raw${NUL}text`],
      );
      const row = await fx.store.get<{ description: string }>('SELECT description FROM catalogs WHERE name = ?', [
        'nul_raw',
      ]);
      expect(row?.description).toBe('raw\uFFFDtext');
      // A NUL in a lookup matches nothing (it is never equal to a NUL-free name), and does not fail.
      expect(await fx.store.get('SELECT name FROM catalogs WHERE name = ?', [`nul_raw${NUL}`])).toBeUndefined();
      await fx.store.run('DELETE FROM catalogs WHERE name = ?', ['nul_raw']);
    });
  });
}
