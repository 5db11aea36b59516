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
  /** What the denial's message must say (it names exactly what is missing, and where). */
  message?: RegExp;
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
        // The principal holds a grant on the object, so it knows it exists: say what is missing.
        expect: 'permission_denied',
        message: /lacks USE_CATALOG on catalog "dev" \(needed for /,
      });
    }
  }
  const read = MATRIX_OPERATIONS.find((o) => o.privilege === 'READ')!;
  cases.push({
    title: 'CREATE_MODEL on the schema does not reveal the models already in it (not found, not 403)',
    grants: [...USAGE, { privilege: 'CREATE_MODEL', type: 'schema', name: 'dev.g' }],
    op: read,
    expect: 'not_found',
  });
  const manage = MATRIX_OPERATIONS.find((o) => o.privilege === 'MANAGE')!;
  cases.push({
    title: 'READ on the model makes it visible, so MANAGE is refused with permission_denied',
    grants: [...USAGE, { privilege: 'READ', type: 'model', name: 'dev.g.m' }],
    op: manage,
    expect: 'permission_denied',
    message: /lacks MANAGE on model "dev\.g\.m"$/,
  });
  return cases;
}

/**
 * Index pinning across catalogs. The admin sets up schema prod.secret with the index
 * prod.secret.docs (a build on disk where the runner needs one), prod.secret.m version 1 and
 * dev.h.pinned version 1, both pinning it. Every case's principal may create models in dev.g;
 * what varies is its access to the index.
 */
export const PIN_OBJECTS = {
  index: 'prod.secret.docs',
  indexSchema: 'prod.secret',
  /** A model in the index's schema, pinning it (copy source inside prod). */
  prodModel: 'prod.secret.m',
  /** A model in dev pinning the prod index (copy source in a catalog the copier may read). */
  devModel: 'dev.h.pinned',
  /** Where each case creates its model: `${targetSchema}.pin_<i>`. */
  targetSchema: 'dev.g',
};

const MAY_CREATE: Grant[] = [...USAGE, { privilege: 'CREATE_MODEL', type: 'schema', name: 'dev.g' }];
const PROD_USAGE: Grant[] = [
  { privilege: 'USE_CATALOG', type: 'catalog', name: 'prod' },
  { privilege: 'USE_SCHEMA', type: 'schema', name: 'prod.secret' },
];
const INDEX_READ: Grant = { privilege: 'READ', type: 'schema', name: 'prod.secret' };
const READ_DEV_SOURCE: Grant[] = [
  { privilege: 'USE_SCHEMA', type: 'schema', name: 'dev.h' },
  { privilege: 'READ', type: 'model', name: 'dev.h.pinned' },
];

/** How a pinning case creates its version: register a package, or copy a version that pins the index. */
export type PinVia = 'register' | 'copy-from-prod' | 'copy-from-dev';

export type PinCase = {
  title: string;
  grants: Grant[];
  via: PinVia;
  expect: 'allowed' | 'not_found' | 'permission_denied';
  message?: RegExp;
};

/** The index-pinning cases: every path that creates a version (register, API, copy) must pass them. */
export function indexPinCases(): PinCase[] {
  const notVisible = /index "prod\.secret\.docs" not found/;
  const lacksRead = /may not pin index "prod\.secret\.docs": lacks READ on schema "prod\.secret"/;
  return [
    {
      title: 'CREATE_MODEL in dev.g and nothing on prod: may not pin prod.secret.docs (the exfiltration case)',
      grants: MAY_CREATE,
      via: 'register',
      expect: 'not_found',
      message: notVisible,
    },
    {
      title: 'usage on prod.secret without READ: pinning is refused, naming READ on schema prod.secret',
      grants: [...MAY_CREATE, ...PROD_USAGE],
      via: 'register',
      expect: 'permission_denied',
      message: lacksRead,
    },
    {
      title: 'READ on a model in prod.secret is not READ on its index',
      grants: [...MAY_CREATE, ...PROD_USAGE, { privilege: 'READ', type: 'model', name: 'prod.secret.m' }],
      via: 'register',
      expect: 'permission_denied',
      message: lacksRead,
    },
    {
      title: 'READ on sibling schema prod.other does not allow pinning prod.secret.docs',
      grants: [...MAY_CREATE, ...PROD_USAGE, { privilege: 'READ', type: 'schema', name: 'prod.other' }],
      via: 'register',
      expect: 'permission_denied',
      message: lacksRead,
    },
    {
      title: 'READ on schema prod.secret without USE_CATALOG prod: refused, naming USE_CATALOG',
      grants: [...MAY_CREATE, INDEX_READ],
      via: 'register',
      expect: 'permission_denied',
      message: /lacks USE_CATALOG on catalog "prod", USE_SCHEMA on schema "prod\.secret" \(needed for READ/,
    },
    {
      title: 'READ on schema prod.secret with usage allows pinning prod.secret.docs',
      grants: [...MAY_CREATE, ...PROD_USAGE, INDEX_READ],
      via: 'register',
      expect: 'allowed',
    },
    {
      title: 'READ and USE_SCHEMA on catalog prod (inherited) allow pinning prod.secret.docs',
      grants: [
        ...MAY_CREATE,
        { privilege: 'USE_CATALOG', type: 'catalog', name: 'prod' },
        { privilege: 'USE_SCHEMA', type: 'catalog', name: 'prod' },
        { privilege: 'READ', type: 'catalog', name: 'prod' },
      ],
      via: 'register',
      expect: 'allowed',
    },
    {
      title: 'copy of a dev version that pins prod.secret.docs, by a reader of the dev model only: refused',
      grants: [...MAY_CREATE, ...READ_DEV_SOURCE],
      via: 'copy-from-dev',
      expect: 'not_found',
      message: notVisible,
    },
    {
      title: 'copy of prod.secret.m by a reader of that model (not of its schema): refused, naming READ',
      grants: [...MAY_CREATE, ...PROD_USAGE, { privilege: 'READ', type: 'model', name: 'prod.secret.m' }],
      via: 'copy-from-prod',
      expect: 'permission_denied',
      message: lacksRead,
    },
    {
      title: 'copy of prod.secret.m with READ on schema prod.secret is allowed',
      grants: [...MAY_CREATE, ...PROD_USAGE, INDEX_READ],
      via: 'copy-from-prod',
      expect: 'allowed',
    },
  ];
}
