import type { Principal } from '../../governance/governance-schemas.ts';
import {
  createModel,
  getCatalog,
  getModelVersion,
  getSchema,
  type Privilege,
  resolveModelUri,
  type SecurableType,
  setAlias,
} from '../../index.ts';
import type { MetadataStore } from '../metadata-store.ts';

type Ctx = { store: MetadataStore; actor: Principal; requestId: string };
type Grant = { privilege: Privilege; type: SecurableType; name: string };

/** The objects the matrix runs on: dev.g.m (version 1) and a sibling dev.h.m. */
export const MATRIX_OBJECTS = {
  catalog: 'dev',
  schema: 'dev.g',
  model: 'dev.g.m',
  siblingSchema: 'dev.h',
  siblingModel: 'dev.h.m',
};
const securableAt: Record<SecurableType, string> = { catalog: 'dev', schema: 'dev.g', model: 'dev.g.m' };
const siblingAt: Record<SecurableType, { type: SecurableType; name: string }> = {
  catalog: { type: 'catalog', name: 'staging' },
  schema: { type: 'schema', name: 'dev.h' },
  model: { type: 'model', name: 'dev.h.m' },
};

const USAGE: Grant[] = [
  { privilege: 'USE_CATALOG', type: 'catalog', name: 'dev' },
  { privilege: 'USE_SCHEMA', type: 'schema', name: 'dev.g' },
];

/** One operation per privilege, with the usage grants it needs besides the privilege itself. */
export const MATRIX_OPERATIONS: {
  privilege: Privilege;
  what: string;
  usage: Grant[];
  /** The error when only usage is held: 404 when the object is then invisible, 403 when visible. */
  deniedAs: 'not_found' | 'permission_denied';
  run: (ctx: Ctx, i: number) => Promise<unknown>;
}[] = [
  {
    privilege: 'USE_CATALOG',
    what: 'get catalog dev',
    usage: [],
    deniedAs: 'not_found',
    run: (c) => getCatalog({ ...c, name: 'dev' }),
  },
  {
    privilege: 'USE_SCHEMA',
    what: 'get schema dev.g',
    usage: [USAGE[0]!],
    deniedAs: 'not_found',
    run: (c) => getSchema({ ...c, catalog: 'dev', name: 'g' }),
  },
  {
    privilege: 'CREATE_MODEL',
    what: 'create model in dev.g',
    usage: USAGE,
    deniedAs: 'permission_denied',
    run: (c, i) => createModel({ ...c, name: `dev.g.created_${i}` }),
  },
  {
    privilege: 'READ',
    what: 'read version dev.g.m/1',
    usage: USAGE,
    deniedAs: 'not_found',
    run: (c) => getModelVersion({ ...c, name: 'dev.g.m', version: 1 }),
  },
  {
    privilege: 'EXECUTE',
    what: 'resolve models:/dev.g.m/1 to execute',
    usage: USAGE,
    deniedAs: 'not_found',
    run: (c) => resolveModelUri({ ...c, uri: 'models:/dev.g.m/1', privilege: 'EXECUTE' }),
  },
  {
    privilege: 'MANAGE',
    what: 'move an alias of dev.g.m',
    usage: USAGE,
    deniedAs: 'not_found',
    run: (c, i) => setAlias({ ...c, name: 'dev.g.m', alias: `a${i}`, version: 1 }),
  },
];

export type MatrixCase = {
  title: string;
  grants: Grant[];
  op: (typeof MATRIX_OPERATIONS)[number];
  expect: 'allowed' | 'not_found' | 'permission_denied';
};

/** Every privilege × every level it may be granted at (allowed), and the denied neighbours. */
export function matrixCases(levelsOf: (p: Privilege) => readonly SecurableType[]): MatrixCase[] {
  const cases: MatrixCase[] = [];
  for (const op of MATRIX_OPERATIONS) {
    for (const level of levelsOf(op.privilege)) {
      const grant = { privilege: op.privilege, type: level, name: securableAt[level] };
      cases.push({
        title: `${op.privilege} on ${level} ${grant.name} allows: ${op.what}`,
        grants: [...op.usage, grant],
        op,
        expect: 'allowed',
      });
      const sibling = siblingAt[level];
      cases.push({
        title: `${op.privilege} on sibling ${sibling.type} ${sibling.name} does not allow: ${op.what}`,
        grants: [...op.usage, { privilege: op.privilege, ...sibling }],
        op,
        expect: op.deniedAs,
      });
    }
    cases.push({ title: `usage grants alone do not allow: ${op.what}`, grants: op.usage, op, expect: op.deniedAs });
    if (op.usage.length > 0) {
      const lowest = levelsOf(op.privilege).at(-1)!;
      cases.push({
        title: `${op.privilege} without USE_CATALOG does not allow: ${op.what}`,
        grants: [
          ...op.usage.filter((g) => g.privilege !== 'USE_CATALOG'),
          { privilege: op.privilege, type: lowest, name: securableAt[lowest] },
        ],
        op,
        expect: 'not_found',
      });
    }
  }
  const manage = MATRIX_OPERATIONS.find((o) => o.privilege === 'MANAGE')!;
  cases.push({
    title: 'READ on the model makes it visible, so MANAGE is refused with permission_denied',
    grants: [...USAGE, { privilege: 'READ', type: 'model', name: 'dev.g.m' }],
    op: manage,
    expect: 'permission_denied',
  });
  return cases;
}
