import { parseInput } from '../errors/parse-input.ts';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors/ragops-error.ts';
import { writeAudit } from '../governance/audit.ts';
import { authorize } from '../governance/authorize.ts';
import type { Privilege } from '../governance/governance-schemas.ts';
import { authorizeIndexRead } from '../governance/index-access.ts';
import type { ThreeLevelName } from '../names/three-level-name.ts';
import type { SqlExecutor } from '../store/metadata-store.ts';
import { paginate } from '../store/page-token.ts';
import { parseModelName } from './model-service.ts';
import { formatModelUri, parseModelUri } from './model-uri.ts';
import {
  type ModelVersion,
  type ModelVersionPackageInput,
  modelVersionPackageSchema,
} from './model-version-package.ts';
import { findVersionRow, listVersionRows, modelKey } from './registry-rows.ts';
import { assertVersionPatchAllowed, canonicalJson, contentHash } from './registry-rules.ts';
import {
  type ModelVersionUpdate,
  modelVersionUpdateSchema,
  type Page,
  type PageRequest,
  type Tags,
  tagsSchema,
} from './registry-schemas.ts';
import { nowIso, type ServiceContext } from './service-context.ts';

type ReadContext = Omit<ServiceContext, 'requestId'>;
const target = (n: ThreeLevelName) => ({ catalog: n.catalog, schema: n.schema, model: n.name });
const fullName = (n: ThreeLevelName) => `${n.catalog}.${n.schema}.${n.name}`;

/** Checks the actor may add a version: MANAGE on an existing model, or CREATE_MODEL to create it. */
export async function authorizeNewVersion(ctx: ReadContext, n: ThreeLevelName): Promise<void> {
  const exists = await ctx.store.get(
    'SELECT name FROM registered_models WHERE catalog = ? AND schema = ? AND name = ?',
    modelKey(n),
  );
  if (exists) await authorize({ store: ctx.store, actor: ctx.actor, privilege: 'MANAGE', target: target(n) });
  else
    await authorize({
      store: ctx.store,
      actor: ctx.actor,
      privilege: 'CREATE_MODEL',
      target: { catalog: n.catalog, schema: n.schema },
    });
}

/**
 * Inserts a version inside `tx`: stores the package content-addressed, creates the model if absent,
 * allocates the next number from the model's counter row (never reused), and audits. A `contentKey`
 * the model has already (a unique index, see registry migration 5) is a ConflictError that rolls the
 * whole transaction back, number included: the caller re-reads the version that holds the key.
 */
export async function insertVersion(
  tx: SqlExecutor,
  ctx: ServiceContext,
  n: ThreeLevelName,
  input: {
    package: ModelVersionPackageInput;
    description?: string;
    tags?: Tags;
    source?: { uri: string; packageSha256: string };
    contentKey?: string;
  },
): Promise<ModelVersion> {
  const pkg = parseInput(modelVersionPackageSchema, input.package, 'model version package');
  const sha256 = contentHash(pkg);
  const now = nowIso();
  await tx.run(
    'INSERT INTO model_packages (sha256, body, created_at) VALUES (?, ?, ?) ON CONFLICT (sha256) DO NOTHING',
    [sha256, canonicalJson(pkg), now],
  );
  const created = await tx.run(
    `INSERT INTO registered_models (catalog, schema, name, description, tags, owner, created_at, updated_at, last_version)
     VALUES (?, ?, ?, '', '{}', ?, ?, ?, 0) ON CONFLICT (catalog, schema, name) DO NOTHING`,
    [...modelKey(n), ctx.actor.name, now, now],
  );
  if (created.changes > 0) {
    await writeAudit(tx, {
      actor: ctx.actor,
      requestId: ctx.requestId,
      action: 'model.create',
      objectType: 'model',
      objectName: fullName(n),
      after: { description: '', tags: {} },
    });
  }
  // The counter row is locked by this UPDATE until commit, so concurrent registrations serialise here.
  const counter = await tx.get<{ last_version: number }>(
    `UPDATE registered_models SET last_version = last_version + 1, updated_at = ?
     WHERE catalog = ? AND schema = ? AND name = ? RETURNING last_version`,
    [now, ...modelKey(n)],
  );
  const version = Number(counter!.last_version);
  await tx.run(
    `INSERT INTO model_versions (catalog, schema, model, version, package_sha256, description, tags, source_uri, source_sha256,
       index_name, index_version, created_by, created_at, updated_at, content_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      ...modelKey(n),
      version,
      sha256,
      input.description ?? '',
      JSON.stringify(input.tags ?? {}),
      input.source?.uri ?? null,
      input.source?.packageSha256 ?? null,
      pkg.index.name,
      pkg.index.version,
      ctx.actor.name,
      now,
      now,
      input.contentKey ?? null,
    ],
  );
  const uri = formatModelUri({ name: n, ref: { version } });
  await writeAudit(tx, {
    actor: ctx.actor,
    requestId: ctx.requestId,
    action: input.source ? 'version.copy' : 'version.create',
    objectType: 'model_version',
    objectName: uri,
    after: { packageSha256: sha256, index: pkg.index, source: input.source ?? null },
  });
  return (await findVersionRow(tx, n, version))!;
}

/**
 * Registers a new immutable version (n+1 of the model's counter; creates the model when absent).
 * Needs MANAGE on the model, or CREATE_MODEL on the schema for a new model, and READ on the pinned
 * index (its schema: see authorizeIndexRead). `prepare` runs after the input is valid and the caller is authorized, before the version exists: the place for side effects
 * the version needs (pinning its index version), so an unauthorized caller never causes them.
 * @example await createModelVersion({ store, actor, requestId, name: 'dev.support.docs_qa', package: pkg })
 */
export async function createModelVersion(
  ctx: ServiceContext & {
    name: string;
    package: ModelVersionPackageInput;
    description?: string;
    tags?: Tags;
    prepare?: () => Promise<void>;
    /** At most one version of the model per key: a second registration with it is a ConflictError. */
    contentKey?: string;
  },
): Promise<ModelVersion> {
  const n = parseModelName(ctx.name);
  const pkg = parseInput(modelVersionPackageSchema, ctx.package, 'model version package');
  const tags = ctx.tags === undefined ? undefined : parseInput(tagsSchema, ctx.tags, 'tags');
  await authorizeNewVersion(ctx, n);
  // Pinning an index reads it (serving retrieves from it for whoever may EXECUTE the model).
  await authorizeIndexRead({ store: ctx.store, actor: ctx.actor, index: pkg.index.name, purpose: 'pin' });
  await ctx.prepare?.();
  return ctx.store.transaction((tx) =>
    insertVersion(tx, ctx, n, {
      package: ctx.package,
      description: ctx.description,
      tags,
      ...(ctx.contentKey !== undefined && { contentKey: ctx.contentKey }),
    }),
  );
}

/** One version with its package. Needs READ; NotFoundError when absent or not visible. */
export async function getModelVersion(ctx: ReadContext & { name: string; version: number }): Promise<ModelVersion> {
  const n = parseModelName(ctx.name);
  await authorize({ store: ctx.store, actor: ctx.actor, privilege: 'READ', target: target(n) });
  const found = await findVersionRow(ctx.store, n, ctx.version);
  if (!found) throw new NotFoundError(`model version "models:/${fullName(n)}/${ctx.version}" not found`);
  return found;
}

/** Versions of a model, newest first. Needs READ. */
export async function listModelVersions(
  ctx: ReadContext & PageRequest & { name: string },
): Promise<Page<ModelVersion>> {
  const n = parseModelName(ctx.name);
  await authorize({ store: ctx.store, actor: ctx.actor, privilege: 'READ', target: target(n) });
  return paginate(ctx, (limit, offset) => listVersionRows(ctx.store, n, limit, offset));
}

/**
 * Changes a version's description and/or tags. The package is immutable: a patch naming `package`
 * (or any other package field) is refused with ConflictError. Needs MANAGE.
 */
export async function updateModelVersion(
  ctx: ServiceContext & { name: string; version: number; update: ModelVersionUpdate },
): Promise<ModelVersion> {
  const n = parseModelName(ctx.name);
  if (ctx.update && typeof ctx.update === 'object') assertVersionPatchAllowed(ctx.update as Record<string, unknown>);
  const update = parseInput(modelVersionUpdateSchema, ctx.update, 'model version update');
  await authorize({ store: ctx.store, actor: ctx.actor, privilege: 'MANAGE', target: target(n) });
  return ctx.store.transaction(async (tx) => {
    const before = await findVersionRow(tx, n, ctx.version);
    if (!before) throw new NotFoundError(`model version "models:/${fullName(n)}/${ctx.version}" not found`);
    const description = update.description ?? before.description;
    const tags = update.tags ?? before.tags;
    await tx.run(
      'UPDATE model_versions SET description = ?, tags = ?, updated_at = ? WHERE catalog = ? AND schema = ? AND model = ? AND version = ?',
      [description, JSON.stringify(tags), nowIso(), ...modelKey(n), ctx.version],
    );
    await writeAudit(tx, {
      actor: ctx.actor,
      requestId: ctx.requestId,
      action: 'version.update',
      objectType: 'model_version',
      objectName: before.uri,
      before: { description: before.description, tags: before.tags },
      after: { description, tags },
    });
    return (await findVersionRow(tx, n, ctx.version))!;
  });
}

/**
 * Deletes a version; its number stays burned. ConflictError while an alias points at it. Needs MANAGE.
 * `indexStillPinned` false means no other version pins its index version: the caller may untag it.
 */
export async function deleteModelVersion(
  ctx: ServiceContext & { name: string; version: number },
): Promise<{ deleted: string; index: { name: string; version: number }; indexStillPinned: boolean }> {
  const n = parseModelName(ctx.name);
  await authorize({ store: ctx.store, actor: ctx.actor, privilege: 'MANAGE', target: target(n) });
  return ctx.store.transaction(async (tx) => {
    const before = await findVersionRow(tx, n, ctx.version);
    if (!before) throw new NotFoundError(`model version "models:/${fullName(n)}/${ctx.version}" not found`);
    if (before.aliases.length > 0) {
      throw new ConflictError(
        `${before.uri} is aliased as ${before.aliases.join(', ')}: move or delete the alias first`,
      );
    }
    await tx.run('DELETE FROM model_versions WHERE catalog = ? AND schema = ? AND model = ? AND version = ?', [
      ...modelKey(n),
      ctx.version,
    ]);
    await writeAudit(tx, {
      actor: ctx.actor,
      requestId: ctx.requestId,
      action: 'version.delete',
      objectType: 'model_version',
      objectName: before.uri,
      before: { packageSha256: before.packageSha256, index: before.package.index },
    });
    const index = { name: before.package.index.name, version: before.package.index.version };
    return { deleted: before.uri, index, indexStillPinned: await isIndexVersionPinned(tx, index) };
  });
}

/** Whether any model version pins this index version (then it must not be cleaned up). */
export async function isIndexVersionPinned(
  db: SqlExecutor,
  index: { name: string; version: number },
): Promise<boolean> {
  const row = await db.get('SELECT version FROM model_versions WHERE index_name = ? AND index_version = ? LIMIT 1', [
    index.name,
    index.version,
  ]);
  return row !== undefined;
}

/**
 * Resolves `models:/c.s.m/3` or `models:/c.s.m@alias` (`@latest`: the highest live version) to the
 * version. Needs `privilege` (default READ; serving passes EXECUTE).
 */
export async function resolveModelUri(
  ctx: ReadContext & { uri: string; privilege?: Privilege },
): Promise<ModelVersion> {
  const uri = parseModelUri(ctx.uri);
  const n = uri.name;
  await authorize({ store: ctx.store, actor: ctx.actor, privilege: ctx.privilege ?? 'READ', target: target(n) });
  let version: number;
  if ('version' in uri.ref) version = uri.ref.version;
  else if (uri.ref.alias === 'latest') {
    const row = await ctx.store.get<{ v: number | null }>(
      'SELECT MAX(version) AS v FROM model_versions WHERE catalog = ? AND schema = ? AND model = ?',
      modelKey(n),
    );
    if (row?.v === null || row?.v === undefined) throw new NotFoundError(`model "${fullName(n)}" has no versions`);
    version = Number(row.v);
  } else {
    const row = await ctx.store.get<{ version: number }>(
      'SELECT version FROM model_aliases WHERE catalog = ? AND schema = ? AND model = ? AND alias = ?',
      [...modelKey(n), uri.ref.alias],
    );
    if (!row) throw new NotFoundError(`alias "${uri.ref.alias}" of model "${fullName(n)}" not found`);
    version = Number(row.version);
  }
  const found = await findVersionRow(ctx.store, n, version);
  if (!found) throw new NotFoundError(`model version "${ctx.uri}" not found`);
  return found;
}

/** Parses a positive version number from a path segment or flag. */
export function parseVersionNumber(value: string | number, where: string): number {
  const n = typeof value === 'number' ? value : /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 1)
    throw new InvalidInputError(`${where}: "${value}" is not a positive version number`);
  return n;
}
