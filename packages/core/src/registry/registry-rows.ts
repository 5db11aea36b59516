import { parseInput } from '../errors/parse-input.ts';
import { NotFoundError } from '../errors/ragops-error.ts';
import type { ThreeLevelName } from '../names/three-level-name.ts';
import type { SqlExecutor, SqlRow } from '../store/metadata-store.ts';
import { type ModelVersion, modelVersionPackageSchema } from './model-version-package.ts';
import type { Alias, Catalog, RegisteredModel, SchemaObject, Tags } from './registry-schemas.ts';
import { tagsSchema } from './registry-schemas.ts';

const s = (v: unknown): string => (v === null || v === undefined ? '' : String(v));

export function parseTags(text: unknown, where: string): Tags {
  return parseInput(tagsSchema, JSON.parse(s(text) || '{}'), where);
}

export function toCatalog(row: SqlRow): Catalog {
  return {
    name: s(row.name),
    description: s(row.description),
    owner: s(row.owner),
    createdAt: s(row.created_at),
    updatedAt: s(row.updated_at),
  };
}

export function toSchemaObject(row: SqlRow): SchemaObject {
  return {
    catalog: s(row.catalog),
    name: s(row.name),
    fullName: `${s(row.catalog)}.${s(row.name)}`,
    description: s(row.description),
    owner: s(row.owner),
    createdAt: s(row.created_at),
    updatedAt: s(row.updated_at),
  };
}

export function toAlias(row: SqlRow): Alias {
  return {
    alias: s(row.alias),
    version: Number(row.version),
    updatedBy: s(row.updated_by),
    updatedAt: s(row.updated_at),
  };
}

export function toRegisteredModel(row: SqlRow, aliases: Alias[]): RegisteredModel {
  const fullName = `${s(row.catalog)}.${s(row.schema)}.${s(row.name)}`;
  return {
    fullName,
    catalog: s(row.catalog),
    schema: s(row.schema),
    name: s(row.name),
    description: s(row.description),
    tags: parseTags(row.tags, `model ${fullName} tags`),
    owner: s(row.owner),
    createdAt: s(row.created_at),
    updatedAt: s(row.updated_at),
    lastVersion: Number(row.last_version),
    aliases,
  };
}

/** The key columns of a model, as bind parameters. */
export const modelKey = (n: ThreeLevelName): [string, string, string] => [n.catalog, n.schema, n.name];

/** Reads one model row with its aliases; NotFoundError when absent. */
export async function readModel(db: SqlExecutor, n: ThreeLevelName): Promise<RegisteredModel> {
  const row = await db.get(
    'SELECT * FROM registered_models WHERE catalog = ? AND schema = ? AND name = ?',
    modelKey(n),
  );
  if (!row) throw new NotFoundError(`model "${n.catalog}.${n.schema}.${n.name}" not found`);
  const aliases = await db.all(
    'SELECT * FROM model_aliases WHERE catalog = ? AND schema = ? AND model = ? ORDER BY alias',
    modelKey(n),
  );
  return toRegisteredModel(row, aliases.map(toAlias));
}

/** A version row joined with its package body (`body` column) and its alias names. */
export function toModelVersion(row: SqlRow, aliases: string[]): ModelVersion {
  const fullName = `${s(row.catalog)}.${s(row.schema)}.${s(row.model)}`;
  const version = Number(row.version);
  const where = `model version ${fullName}/${version}`;
  return {
    fullName,
    version,
    uri: `models:/${fullName}/${version}`,
    description: s(row.description),
    tags: parseTags(row.tags, `${where} tags`),
    packageSha256: s(row.package_sha256),
    package: parseInput(modelVersionPackageSchema, JSON.parse(s(row.body)), `${where} package`),
    source: row.source_uri ? { uri: s(row.source_uri), packageSha256: s(row.source_sha256) } : null,
    aliases,
    createdBy: s(row.created_by),
    createdAt: s(row.created_at),
  };
}

const VERSION_SELECT = `SELECT v.*, p.body FROM model_versions v JOIN model_packages p ON p.sha256 = v.package_sha256`;

/** Reads one version (with package and aliases); undefined when absent. */
export async function findVersionRow(
  db: SqlExecutor,
  n: ThreeLevelName,
  version: number,
): Promise<ModelVersion | undefined> {
  const row = await db.get(`${VERSION_SELECT} WHERE v.catalog = ? AND v.schema = ? AND v.model = ? AND v.version = ?`, [
    ...modelKey(n),
    version,
  ]);
  if (!row) return undefined;
  const aliases = await db.all<{ alias: string }>(
    'SELECT alias FROM model_aliases WHERE catalog = ? AND schema = ? AND model = ? AND version = ? ORDER BY alias',
    [...modelKey(n), version],
  );
  return toModelVersion(
    row,
    aliases.map((a) => a.alias),
  );
}

/** Lists versions of a model, newest first, as `limit`/`offset` pages. */
export async function listVersionRows(
  db: SqlExecutor,
  n: ThreeLevelName,
  limit: number,
  offset: number,
): Promise<ModelVersion[]> {
  const rows = await db.all(
    `${VERSION_SELECT} WHERE v.catalog = ? AND v.schema = ? AND v.model = ? ORDER BY v.version DESC LIMIT ? OFFSET ?`,
    [...modelKey(n), limit, offset],
  );
  const aliases = await db.all<{ alias: string; version: number }>(
    'SELECT alias, version FROM model_aliases WHERE catalog = ? AND schema = ? AND model = ? ORDER BY alias',
    modelKey(n),
  );
  return rows.map((r) =>
    toModelVersion(
      r,
      aliases.filter((a) => Number(a.version) === Number(r.version)).map((a) => a.alias),
    ),
  );
}
